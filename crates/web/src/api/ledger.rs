//! The transparency log (`/ledger/...`): checkpoint, key, entries, proofs.
//! All public: the log is there for anyone to check.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::IntoResponse;
use bianli_app::ledger::{Entry, Proof};
use serde::{Deserialize, Serialize};

use super::openapi::ledger as doc;
use super::routes::Routes;
use crate::{ApiError, AppState};

pub fn routes() -> Routes {
    Routes::new()
        .get("/checkpoint", checkpoint, doc::checkpoint())
        .get("/key", key, doc::key())
        .get("/entries", entries, doc::entries())
        .get("/proof/inclusion", inclusion, doc::inclusion())
        .get("/proof/consistency", consistency, doc::consistency())
}

const TEXT: &str = "text/plain; charset=utf-8";

async fn checkpoint(State(s): State<AppState>) -> Result<impl IntoResponse, ApiError> {
    Ok((
        [(header::CONTENT_TYPE, TEXT)],
        s.app.ledger_checkpoint().await?,
    ))
}

async fn key(State(s): State<AppState>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, TEXT)],
        format!("{}\n", s.app.ledger_key()),
    )
}

// Parameters are text so that a missing or malformed one is a problem
// naming it, said by the use case.

#[derive(Deserialize)]
pub(super) struct EntriesQuery {
    pub(super) start: Option<String>,
    pub(super) end: Option<String>,
}

#[derive(Serialize)]
pub(super) struct Entries {
    pub(super) entries: Vec<Entry>,
}

async fn entries(
    State(s): State<AppState>,
    Query(q): Query<EntriesQuery>,
) -> Result<Json<Entries>, ApiError> {
    let entries = s
        .app
        .ledger_entries(q.start.as_deref(), q.end.as_deref())
        .await?;
    Ok(Json(Entries { entries }))
}

#[derive(Deserialize)]
pub(super) struct InclusionQuery {
    pub(super) index: Option<String>,
    pub(super) size: Option<String>,
}

async fn inclusion(
    State(s): State<AppState>,
    Query(q): Query<InclusionQuery>,
) -> Result<Json<Proof>, ApiError> {
    Ok(Json(
        s.app
            .ledger_inclusion(q.index.as_deref(), q.size.as_deref())
            .await?,
    ))
}

#[derive(Deserialize)]
pub(super) struct ConsistencyQuery {
    pub(super) from: Option<String>,
    pub(super) to: Option<String>,
}

async fn consistency(
    State(s): State<AppState>,
    Query(q): Query<ConsistencyQuery>,
) -> Result<Json<Proof>, ApiError> {
    Ok(Json(
        s.app
            .ledger_consistency(q.from.as_deref(), q.to.as_deref())
            .await?,
    ))
}
