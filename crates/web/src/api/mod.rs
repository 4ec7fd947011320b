//! The JSON API under `/api/v1/{context}`, and its OpenAPI document.

mod appointment;
mod calendar;
mod cases;
mod catalog;
mod extract;
mod idempotency;
mod identity;
mod ledger;
mod openapi;
mod oversight;
mod routes;

use axum::Router;

use crate::AppState;
use routes::Routes;

pub fn router(state: AppState) -> Router<AppState> {
    let document = openapi::Document::default();
    let served = document.clone();
    let (router, paths) = Routes::new()
        .nest("/calendar", calendar::routes())
        .nest("/cases", cases::routes())
        .nest("/cases", appointment::routes())
        .nest("/catalog", catalog::routes())
        .nest("/identity", identity::routes())
        .nest("/ledger", ledger::routes())
        .nest("/oversight", oversight::routes())
        .get(
            "/openapi.json",
            move || openapi::serve(served.clone()),
            openapi::operation(),
        )
        .into_parts();
    let json = serde_json::to_vec(&openapi::document(paths)).expect("the document serializes");
    let _ = document.set(json.into());
    router
        .fallback(|| async {
            crate::ApiError(bianli_app::AppError::NotFound("该接口路径".into()))
        })
        .layer(axum::middleware::from_fn_with_state(
            state,
            idempotency::layer,
        ))
}
