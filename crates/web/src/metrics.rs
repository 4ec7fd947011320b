//! `/metrics`: the Prometheus text exposition of the province's figures.

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;

use crate::{ApiError, AppState};

pub async fn serve(State(s): State<AppState>) -> Result<impl IntoResponse, ApiError> {
    Ok((
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        s.app.metrics_text().await?,
    ))
}
