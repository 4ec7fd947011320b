use axum::extract::State;
use axum::http::HeaderMap;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use bianli_app::identity::{Me, Registration, Session};
use serde::Deserialize;

use super::extract::{Authed, JsonBody, bearer};
use crate::{ApiError, AppState};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/register", post(register))
        .route("/login", post(login))
        .route("/logout", post(logout))
        .route("/me", get(me))
}

async fn register(
    State(s): State<AppState>,
    JsonBody(r): JsonBody<Registration>,
) -> Result<(StatusCode, Json<Me>), ApiError> {
    Ok((StatusCode::CREATED, Json(s.app.register(r).await?)))
}

#[derive(Deserialize)]
struct Login {
    username: String,
    password: String,
}

async fn login(
    State(s): State<AppState>,
    JsonBody(l): JsonBody<Login>,
) -> Result<Json<Session>, ApiError> {
    Ok(Json(s.app.login(&l.username, &l.password).await?))
}

async fn logout(State(s): State<AppState>, headers: HeaderMap) -> Result<StatusCode, ApiError> {
    if let Some(t) = bearer(&headers) {
        s.app.logout(t).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

async fn me(Authed(actor): Authed) -> Json<Me> {
    Json(actor.me())
}
