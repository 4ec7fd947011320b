//! Bianli over HTTP: the JSON API under `/api/v1/{context}`, the server-rendered
//! pages, and the one error type both render. A handler parses, calls one use
//! case and renders; nothing here touches SQL.
//!
//! Must not depend on: the store or the search index directly (only through
//! `bianli-app`).

mod api;
mod error;
mod metrics;
mod pages;
mod rate_limit;
mod site;
mod startup;

pub use error::ApiError;
pub use startup::{AppState, router, serve};
