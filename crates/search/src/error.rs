use std::io;

/// Failures of the search index. User input never causes one: queries are
/// built programmatically, so these signal engine or internal faults.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("search engine: {0}")]
    Engine(#[from] tantivy::TantivyError),
    #[error("search index I/O: {0}")]
    Io(#[from] io::Error),
    /// The index contradicts its own schema; a bug, not a user error.
    #[error("search index inconsistent: {0}")]
    Corrupt(&'static str),
}
