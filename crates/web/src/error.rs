//! One error type for every response that is not a success: RFC 9457
//! problem+json for the API, and (through the pages) a readable page.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bianli_app::AppError;
use serde_json::json;

#[derive(Debug)]
pub struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        ApiError(e)
    }
}

impl From<bianli_domain::Invalid> for ApiError {
    fn from(e: bianli_domain::Invalid) -> Self {
        ApiError(AppError::Invalid(e))
    }
}

impl ApiError {
    pub fn status(&self) -> StatusCode {
        match &self.0 {
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::Conflict { .. } => StatusCode::CONFLICT,
            AppError::Unauthenticated | AppError::BadCredentials => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// A stable `type` per kind of problem, so clients can branch on it.
    pub fn slug(&self) -> &'static str {
        match &self.0 {
            AppError::Invalid(_) => "invalid",
            AppError::NotFound(_) => "not-found",
            AppError::Conflict { .. } => "conflict",
            AppError::Unauthenticated => "unauthenticated",
            AppError::BadCredentials => "bad-credentials",
            AppError::Forbidden(_) => "forbidden",
            AppError::RateLimited => "rate-limited",
            AppError::Internal(_) => "internal",
        }
    }

    pub fn title(&self) -> &'static str {
        match &self.0 {
            AppError::Invalid(_) => "输入有误 (invalid input)",
            AppError::NotFound(_) => "未找到 (not found)",
            AppError::Conflict { .. } => "冲突 (conflict)",
            AppError::Unauthenticated => "请先登录 (sign in first)",
            AppError::BadCredentials => "用户名或密码错误 (wrong username or password)",
            AppError::Forbidden(_) => "无权操作 (forbidden)",
            AppError::RateLimited => "请求过于频繁 (too many requests)",
            AppError::Internal(_) => "系统错误 (internal error)",
        }
    }

    /// What the user is told. An internal cause is logged, never shown.
    pub fn detail(&self) -> String {
        match &self.0 {
            AppError::Internal(cause) => {
                tracing::error!(%cause, "internal error");
                "系统出了点问题，已记录在案，请稍后再试".to_string()
            }
            other => other.to_string(),
        }
    }

    /// The fields at fault: `[{"field","reason"}]`.
    pub fn errors(&self) -> Vec<serde_json::Value> {
        match &self.0 {
            AppError::Invalid(inv) => inv
                .0
                .iter()
                .map(|f| json!({"field": f.field, "reason": f.reason}))
                .collect(),
            AppError::Conflict { field, message } => {
                vec![json!({"field": field, "reason": message})]
            }
            _ => vec![],
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let mut body = json!({
            "type": format!("/problems/{}", self.slug()),
            "title": self.title(),
            "status": status.as_u16(),
            "detail": self.detail(),
        });
        let errors = self.errors();
        if !errors.is_empty() {
            body["errors"] = serde_json::Value::Array(errors);
        }
        let mut resp = (status, body.to_string()).into_response();
        resp.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if status == StatusCode::UNAUTHORIZED {
            resp.headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        resp
    }
}
