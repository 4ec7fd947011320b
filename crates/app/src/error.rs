use bianli_domain::Invalid;
use bianli_store::StoreError;

/// What a use case can say went wrong. The web turns each into one problem+json
/// response; internal causes are logged there, never shown.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    Invalid(Invalid),
    #[error("未找到{0}")]
    NotFound(String),
    #[error("{field}: {message}")]
    Conflict { field: String, message: String },
    #[error("请先登录")]
    Unauthenticated,
    #[error("用户名或密码错误")]
    BadCredentials,
    #[error("{0}")]
    Forbidden(String),
    /// Too many requests from one client in a short time (the public status
    /// query, which must not become a way to guess verification codes).
    #[error("请求过于频繁，请稍候一分钟再试")]
    RateLimited,
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<Invalid> for AppError {
    fn from(e: Invalid) -> Self {
        AppError::Invalid(e)
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(what) => AppError::NotFound(what),
            StoreError::Conflict { field, message } => AppError::Conflict { field, message },
            StoreError::Invalid(i) => AppError::Invalid(i),
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl From<bianli_blob::BlobError> for AppError {
    fn from(e: bianli_blob::BlobError) -> Self {
        match e {
            // Use cases relabel it with the field the id came in.
            bianli_blob::BlobError::BadId(why) => AppError::Invalid(Invalid::one("blob", why)),
            // A corrupt object, an unreachable store or a bad store URL are
            // the operator's to fix, never the caller's.
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl From<bianli_search::SearchError> for AppError {
    fn from(e: bianli_search::SearchError) -> Self {
        AppError::Internal(format!("search index: {e}"))
    }
}
