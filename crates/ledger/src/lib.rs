//! The transparency log's mathematics and signing (全程电子监察): what makes
//! every state change in Bianli verifiable by anyone, with public algorithms.
//!
//! This crate owns:
//! - [`canonical`]: RFC 8785 JSON canonicalisation, which fixes a leaf's bytes;
//! - [`leaf`]: a leaf's bytes and the salted commitment to private data;
//! - [`hash`] and [`merkle`]: RFC 9162 §2.1 hashing, tree heads, inclusion and
//!   consistency proofs and their verification, over leaves in memory;
//! - [`tree`]: the same proofs from persisted complete-subtree hashes, so a
//!   store appends and proves with O(log n) reads;
//! - [`keys`], [`note`] and [`checkpoint`]: Ed25519 keys in Go's sumdb/note
//!   text forms, C2SP signed notes and tlog-checkpoints.
//!
//! It must not depend on a database, async runtime, HTTP or any other Bianli
//! crate: the store, the server and an outside verifier all build on it, and
//! a verifier must be able to check the log with this crate alone. It does no
//! IO except drawing a new key's seed from the operating system.

pub mod canonical;
pub mod checkpoint;
mod error;
pub mod hash;
pub mod keys;
pub mod leaf;
pub mod merkle;
pub mod note;
pub mod tree;

pub use checkpoint::Checkpoint;
pub use error::{LedgerError, Result};
pub use hash::{Hash, empty_root, leaf_hash, node_hash};
pub use keys::{KeyName, SignerKey, VerifierKey};
pub use leaf::{commitment, event_leaf_hash, leaf_bytes};
pub use note::SignedNote;
pub use tree::{Frontier, NodeId, NodeSource};
