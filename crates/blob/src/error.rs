use crate::BlobId;

#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    /// The store's URL cannot be used; the message says what to write instead.
    #[error("blob store {url:?}: {reason}")]
    Config { url: String, reason: String },
    #[error("not a blob id: {0}")]
    BadId(String),
    /// What the store holds under an id does not hash to it: a tampered or
    /// damaged object, which is never served.
    #[error("blob {id} is corrupt: the stored {len} bytes hash to {actual}")]
    Corrupt {
        id: BlobId,
        actual: BlobId,
        len: usize,
    },
    #[error("blob store: {0}")]
    Backend(#[from] object_store::Error),
}
