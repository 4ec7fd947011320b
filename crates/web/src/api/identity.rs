use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::http::StatusCode;
use bianli_app::identity::{Me, Registration, Session};
use serde::Deserialize;

use super::extract::{Authed, JsonBody, bearer};
use super::openapi::identity as doc;
use super::routes::Routes;
use crate::{ApiError, AppState};

pub fn routes() -> Routes {
    Routes::new()
        .post("/register", register, doc::register())
        .post("/login", login, doc::login())
        .post("/logout", logout, doc::logout())
        .get("/me", me, doc::me())
}

async fn register(
    State(s): State<AppState>,
    JsonBody(r): JsonBody<Registration>,
) -> Result<(StatusCode, Json<Me>), ApiError> {
    Ok((StatusCode::CREATED, Json(s.app.register(r).await?)))
}

#[derive(Deserialize)]
pub(super) struct Login {
    pub(super) username: String,
    pub(super) password: String,
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
