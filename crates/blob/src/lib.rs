//! Bianli's blob store: the files citizens upload as materials, kept once per
//! content under the SHA-256 of their bytes ([`BlobId`]), in a local folder
//! by default or in S3-compatible object storage by configuration, and
//! checked against that hash every time they are read.
//!
//! Owns: blob ids, choosing the back end from a URL ([`Blobs::open`]), storing
//! each content once, refusing to serve a damaged object. Knows nothing of
//! cases, materials, file types or limits (those rules are in the domain).
//!
//! Must not depend on: databases, HTTP frameworks, or any other Bianli crate.
//!
//! Why `object_store` with only its `aws` feature: it gives one interface over
//! a local folder (writes staged in a temporary file beside the target and
//! renamed into place, with fsync) and S3 (SigV4 signing, path-style
//! addressing, the AWS_* environment), so the two back ends run the same code
//! above it. The feature brings reqwest 0.13 with rustls on aws-lc-rs (a C
//! build of about a minute on two cores, once) and 20-odd crates the tree
//! did not have; the `aws-base` feature with our own HTTP client would save
//! that build but add transport code of ours in the one place where a
//! mistake loses citizens' files.

mod error;
mod id;
mod open;
#[cfg(test)]
mod tests;

use std::sync::Arc;

use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};

pub use bytes::Bytes;
pub use error::BlobError;
pub use id::BlobId;

/// Above this size hashing moves off the async workers: a 20 MiB scan takes
/// tens of milliseconds, long enough to stall other requests.
const HASH_INLINE_MAX: usize = 64 * 1024;

/// A content-addressed store of blobs, cheap to share behind an `Arc`.
#[derive(Debug)]
pub struct Blobs {
    store: Arc<dyn ObjectStore>,
    described: String,
}

impl Blobs {
    /// Opens the store a URL names and checks that it answers, so a wrong
    /// bucket or endpoint fails at start rather than on a citizen's upload:
    /// - a plain path or `file:///ABS/PATH`: a local folder, created if missing;
    /// - `s3://BUCKET[/PREFIX]?endpoint=http://HOST:PORT&region=REGION`:
    ///   S3 or a compatible server (path-style when an endpoint is given),
    ///   credentials from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY
    ///   (/ AWS_SESSION_TOKEN); the bucket must exist;
    /// - `memory:`: a store that lives as long as the process, for tests.
    pub async fn open(url: &str) -> Result<Self, BlobError> {
        let location = open::Location::parse(url)?;
        let store = location.open(url)?;
        let described = match &location {
            open::Location::Memory => "memory".to_string(),
            open::Location::Folder(p) => format!("folder {}", open::display_folder(p)),
            open::Location::S3 {
                bucket,
                prefix,
                endpoint,
                ..
            } => format!(
                "s3://{bucket}/{prefix} at {}",
                endpoint.as_deref().unwrap_or("AWS")
            ),
        };
        // One listing of the top level: an empty store answers with nothing,
        // a missing bucket or refused credentials with an error.
        store
            .list_with_delimiter(None)
            .await
            .map_err(|e| BlobError::Config {
                url: url.to_string(),
                reason: format!("{described} does not answer: {e}"),
            })?;
        Ok(Self { store, described })
    }

    /// Where the blobs are, for logs (never credentials).
    pub fn describe(&self) -> &str {
        &self.described
    }

    /// Stores the content and returns its id. Content already there is not
    /// written again: one HEAD request and the id comes back. An object of
    /// the wrong size under the id (a copy a crash cut short on a store
    /// without atomic renames) is replaced.
    pub async fn put(&self, content: impl Into<Bytes>) -> Result<BlobId, BlobError> {
        let content: Bytes = content.into();
        let id = hash(content.clone()).await;
        let key = Path::from(id.key());
        match self.store.head(&key).await {
            Ok(meta) if meta.size == content.len() as u64 => return Ok(id),
            Ok(_) | Err(object_store::Error::NotFound { .. }) => {}
            Err(e) => return Err(e.into()),
        }
        self.store.put(&key, PutPayload::from(content)).await?;
        Ok(id)
    }

    /// The content stored under `id`, or `None` when there is none. Content
    /// that does not hash to `id` is an error, never returned.
    pub async fn get(&self, id: &BlobId) -> Result<Option<Bytes>, BlobError> {
        let key = Path::from(id.key());
        let content = match self.store.get(&key).await {
            Ok(found) => found.bytes().await?,
            Err(object_store::Error::NotFound { .. }) => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        let actual = hash(content.clone()).await;
        if actual != *id {
            return Err(BlobError::Corrupt {
                id: *id,
                actual,
                len: content.len(),
            });
        }
        Ok(Some(content))
    }

    /// Whether something is stored under `id` (not verified: `get` does that).
    pub async fn contains(&self, id: &BlobId) -> Result<bool, BlobError> {
        match self.store.head(&Path::from(id.key())).await {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }
}

async fn hash(content: Bytes) -> BlobId {
    if content.len() <= HASH_INLINE_MAX {
        return BlobId::of(&content);
    }
    let for_hashing = content.clone();
    match tokio::task::spawn_blocking(move || BlobId::of(&for_hashing)).await {
        Ok(id) => id,
        // The blocking pool is gone (runtime shutting down): hash here.
        Err(_) => BlobId::of(&content),
    }
}
