//! Form bodies and query strings as plain pairs: HTML sends repeated keys for
//! checkboxes, which typed deserialisation does not take, and a bad value must
//! become a message next to its field rather than a rejection.

use axum::Form;
use axum::extract::rejection::QueryRejection;
use axum::extract::{FromRequest, Query, Request};
use bianli_domain::Invalid;
use serde::de::DeserializeOwned;

use super::auth::Viewer;
use super::error_page::PageError;
use crate::AppState;

#[derive(Debug, Default)]
pub struct FormData(pub Vec<(String, String)>);

impl FormData {
    /// The first value of `key`, or "" when absent.
    pub fn get(&self, key: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }

    pub fn all(&self, key: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .collect()
    }

    pub fn has(&self, key: &str) -> bool {
        self.0.iter().any(|(k, _)| k == key)
    }
}

impl FromRequest<AppState> for FormData {
    type Rejection = PageError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, PageError> {
        Form::<Vec<(String, String)>>::from_request(req, state)
            .await
            .map(|Form(pairs)| FormData(pairs))
            .map_err(|e| PageError::bare(Invalid::one("form", format!("无法读取表单内容：{e}"))))
    }
}

/// A query string, or the 422 page saying it could not be read.
pub fn query<T: DeserializeOwned>(
    viewer: &Viewer,
    q: Result<Query<T>, QueryRejection>,
) -> Result<T, PageError> {
    q.map(|Query(t)| t).map_err(|e| {
        viewer.fail(Invalid::one(
            "query",
            format!("无法读取网址中的查询参数：{}", e.body_text()),
        ))
    })
}

/// Lines of a textarea, trimmed, blank ones dropped.
pub fn lines(s: &str) -> Vec<String> {
    s.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}
