//! `/ledger`: how anyone can check the transparency log (电子监察日志), with
//! the current checkpoint and key.

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use super::auth::Viewer;
use super::error_page::PageError;
use super::layout::{Chrome, Section, ok};
use crate::AppState;

#[derive(Template)]
#[template(path = "ledger.html")]
pub struct LedgerPage {
    pub chrome: Chrome,
    pub origin: String,
    pub key: String,
    /// The signed note, or none while the log is empty.
    pub checkpoint: Option<String>,
}

pub async fn show(State(s): State<AppState>, viewer: Viewer) -> Result<Response, PageError> {
    let checkpoint = match s.app.ledger_checkpoint().await {
        Ok(note) => Some(note),
        Err(bianli_app::AppError::NotFound(_)) => None,
        Err(e) => return Err(viewer.fail(e)),
    };
    ok(&LedgerPage {
        chrome: viewer.chrome(Section::None),
        origin: s.app.ledger_origin().to_string(),
        key: s.app.ledger_key(),
        checkpoint,
    })
}
