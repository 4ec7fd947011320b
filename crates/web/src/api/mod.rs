//! The JSON API under `/api/v1/{context}`.

mod catalog;
mod extract;
mod idempotency;
mod identity;

use axum::Router;

use crate::AppState;

pub fn router(state: AppState) -> Router<AppState> {
    Router::new()
        .nest("/catalog", catalog::router())
        .nest("/identity", identity::router())
        .fallback(|| async {
            crate::ApiError(bianli_app::AppError::NotFound("this API path".into()))
        })
        .layer(axum::middleware::from_fn_with_state(
            state,
            idempotency::layer,
        ))
}
