use crate::tree::NodeId;

/// Everything that can go wrong in the log's maths, its encodings and its
/// signatures. Each variant names the value that was wrong so a caller can
/// pass the message on unchanged (an API problem detail, a CLI line).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LedgerError {
    #[error("JSON number {0} cannot be canonicalised: {1}")]
    Number(String, &'static str),
    #[error("leaf index {index} is outside a tree of size {size}")]
    IndexOutOfRange { index: u64, size: u64 },
    #[error("tree size {old} is larger than tree size {new}")]
    SizesReversed { old: u64, new: u64 },
    #[error("the log cannot grow past 2^63 entries")]
    TreeFull,
    #[error("frontier of a tree of size {size} needs {expected} hashes, got {got}")]
    FrontierLength {
        size: u64,
        expected: usize,
        got: usize,
    },
    #[error("tree node (level {}, index {}) is missing from the store", .0.level, .0.index)]
    MissingNode(NodeId),
    #[error("proof has {got} hashes, a proof for these sizes has {expected}")]
    ProofLength { expected: usize, got: usize },
    #[error("proof does not lead to the expected root hash")]
    ProofMismatch,
    #[error("{what} is not a base64 SHA-256 hash: {reason}")]
    BadHash { what: &'static str, reason: String },
    #[error("malformed checkpoint: {0}")]
    MalformedCheckpoint(String),
    #[error("malformed signed note: {0}")]
    MalformedNote(String),
    #[error("malformed key: {0}")]
    MalformedKey(String),
    #[error("key name {0:?} must be non-empty, without spaces or '+'")]
    BadKeyName(String),
    #[error("key {name}+{key_id} is not the key its hash says (expected key id {expected})")]
    KeyIdMismatch {
        name: String,
        key_id: String,
        expected: String,
    },
    #[error("note is not signed by {0} (signed by: {1})")]
    UnknownKey(String, String),
    #[error("signature by {0} does not verify")]
    BadSignature(String),
    #[error("checkpoint origin {got:?} is not the expected {expected:?}")]
    OriginMismatch { expected: String, got: String },
    #[error("no randomness from the operating system: {0}")]
    Randomness(String),
}

pub type Result<T, E = LedgerError> = std::result::Result<T, E>;
