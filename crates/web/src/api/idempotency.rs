//! `Idempotency-Key` on every API write: the first answer is recorded and
//! replayed to a retry of the same request; a key reused for another request,
//! or sent again while its request still runs, is refused.

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use bianli_app::AppError;
use bianli_app::idempotency::{IdempotencyStart, parse_key};

use super::extract::bearer;
use crate::{ApiError, AppState};

/// Recorded answers are JSON documents of modest size.
const MAX_BODY: usize = 4 * 1024 * 1024;

/// The methods whose requests honour a key (the OpenAPI document asks the same).
pub fn applies_to(method: &Method) -> bool {
    matches!(
        *method,
        Method::POST | Method::PUT | Method::PATCH | Method::DELETE
    )
}

pub async fn layer(State(s): State<AppState>, req: Request, next: Next) -> Response {
    let write = applies_to(req.method());
    let raw = req
        .headers()
        .get("idempotency-key")
        .filter(|_| write)
        .map(|v| v.to_str().unwrap_or("\u{0}").to_string());
    let Some(raw) = raw else {
        return next.run(req).await;
    };
    match run(&s, &raw, req, next).await {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}

async fn run(s: &AppState, raw: &str, req: Request, next: Next) -> Result<Response, ApiError> {
    let key = parse_key(raw)?;
    // Keys are scoped to the caller; an invalid token is the handler's to refuse.
    let account = match bearer(req.headers()) {
        Some(t) => s
            .app
            .authenticate(t)
            .await
            .map(|a| a.account_id)
            .unwrap_or(0),
        None => 0,
    };
    let (method, path) = (req.method().to_string(), req.uri().path().to_string());
    match s
        .app
        .idempotency_start(account, &key, &method, &path)
        .await?
    {
        IdempotencyStart::InProgress => Err(ApiError(AppError::Conflict {
            field: "Idempotency-Key".into(),
            message: "使用该幂等键的请求仍在处理中".into(),
        })),
        IdempotencyStart::Done {
            method: m,
            path: p,
            status,
            body,
        } => {
            if m != method || p != path {
                return Err(ApiError(AppError::Invalid(bianli_domain::Invalid::one(
                    "Idempotency-Key",
                    format!("该幂等键已用于{m} {p}，其他请求请使用新的键"),
                ))));
            }
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
            let mut r = (status, body).into_response();
            let kind = if status.is_success() {
                "application/json"
            } else {
                "application/problem+json"
            };
            r.headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
            r.headers_mut()
                .insert("idempotent-replayed", HeaderValue::from_static("true"));
            Ok(r)
        }
        IdempotencyStart::Started => {
            let r = next.run(req).await;
            let status = r.status();
            if status.is_server_error() {
                // Our failure, not an answer: let a retry run again.
                s.app.idempotency_abort(account, &key).await?;
                return Ok(r);
            }
            let (parts, body) = r.into_parts();
            let bytes = to_bytes(body, MAX_BODY)
                .await
                .map_err(|e| ApiError(AppError::Internal(format!("reading a response: {e}"))))?;
            let text = String::from_utf8_lossy(&bytes).into_owned();
            s.app
                .idempotency_finish(account, &key, status.as_u16(), &text)
                .await?;
            Ok(Response::from_parts(parts, Body::from(bytes)))
        }
    }
}
