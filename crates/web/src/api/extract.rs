//! Extractors whose failures are problem+json naming the field, instead of
//! axum's plain-text rejections.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header;
use axum::http::request::Parts;
use bianli_app::{Actor, AppError};
use bianli_domain::Invalid;
use serde::de::DeserializeOwned;

use crate::{ApiError, AppState};

/// A JSON body; a malformed one is a 422 naming the path of the bad field.
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, ApiError> {
        let json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"));
        if !json {
            return Err(Invalid::one("body", "请以Content-Type: application/json发送JSON").into());
        }
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|_| Invalid::one("body", "无法读取请求内容"))?;
        let de = &mut serde_json::Deserializer::from_slice(&bytes);
        serde_path_to_error::deserialize(de)
            .map(JsonBody)
            .map_err(|e| {
                let path = e.path().to_string();
                let field = if path == "." {
                    "body".to_string()
                } else {
                    path
                };
                Invalid::one(field, e.inner().to_string()).into()
            })
    }
}

/// The account behind an `Authorization: Bearer` token.
pub struct Authed(pub Actor);

impl FromRequestParts<AppState> for Authed {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = bearer(&parts.headers).ok_or(ApiError(AppError::Unauthenticated))?;
        Ok(Authed(state.app.authenticate(token).await?))
    }
}

pub fn bearer(headers: &axum::http::HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

/// A numeric id from the path; anything else is a 422 naming it.
pub fn id(field: &str, s: &str) -> Result<i64, ApiError> {
    s.parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| Invalid::one(field, format!("“{s}”不是有效的编号")).into())
}
