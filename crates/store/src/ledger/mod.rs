//! Storage of the `ledger` context: the transparency log's leaves, its
//! complete-subtree hashes, its head, signed checkpoints and its key. The
//! maths lives in `bianli-ledger`; this module only keeps what it computes,
//! so an append reads O(log n) rows and never all leaves.
//!
//! Leaves follow the `events` table in strict sequence order. On PostgreSQL
//! identity values can commit out of order, so a follower first asks
//! [`LedgerStore::ledger_safe_seq`] for a sequence number below which every
//! event has committed, and appends only up to it.

pub(crate) mod sql;

use std::collections::HashMap;

use async_trait::async_trait;
use bianli_ledger::{Hash, NodeId};
use chrono::{DateTime, Utc};

use crate::Result;

/// The tree's size and root, and the last event it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerHead {
    pub size: u64,
    pub root: Hash,
    pub last_seq: i64,
    pub updated_at: DateTime<Utc>,
}

/// One leaf as stored: its position, the event it records, its hash and its
/// bytes (the public event's canonical JSON).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeafRow {
    pub index: u64,
    pub event_seq: i64,
    pub leaf_hash: Hash,
    pub bytes: Vec<u8>,
}

/// Leaves `first_index..first_index + len` record events
/// `first_seq..first_seq + len`: a stretch of the log with no gap in `seq`.
/// Leaves follow events in order with no gap in their index, so the runs of
/// a log are as many as its gaps in `seq`, however many leaves it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LeafRun {
    pub first_index: u64,
    pub first_seq: i64,
    pub len: u64,
}

/// Everything one round appends, written in one transaction.
#[derive(Debug, Clone)]
pub struct LedgerAppend {
    /// The size the round read the frontier at; if the head moved since,
    /// another server appended first and this round appends nothing.
    pub from_size: u64,
    pub leaves: Vec<LeafRow>,
    pub nodes: Vec<(NodeId, Hash)>,
    pub root: Hash,
}

/// A signed checkpoint as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCheckpoint {
    pub size: u64,
    pub note: String,
    pub at: DateTime<Utc>,
}

#[async_trait]
pub trait LedgerStore: Send + Sync {
    /// A sequence number S such that every event with `seq <= S` has
    /// committed and every event committing later gets a larger one.
    async fn ledger_safe_seq(&self) -> Result<i64>;
    async fn ledger_head(&self) -> Result<Option<LedgerHead>>;
    /// The hashes of the given nodes that exist. Level 0 is a leaf's own
    /// hash: it is kept once, in `ledger_leaves`, and answered from there.
    async fn ledger_nodes(&self, ids: &[NodeId]) -> Result<HashMap<NodeId, Hash>>;
    /// Appends a round's leaves and nodes (level-0 nodes are not written
    /// again: they are the leaves' hashes) and moves the head, under the
    /// ledger's lock, if the head is still at `from_size`. Returns whether it did.
    async fn ledger_append(&self, append: &LedgerAppend, at: DateTime<Utc>) -> Result<bool>;
    /// Leaves `[start, end)` in order.
    async fn ledger_leaves(&self, start: u64, end: u64) -> Result<Vec<LeafRow>>;
    /// The ledger secret of each of these cases that has one.
    async fn ledger_case_secrets(&self, numbers: &[String]) -> Result<HashMap<String, String>>;
    /// The signer key and server secret: the stored ones, or these if none
    /// was stored yet (the first server to start wins; all load the same).
    async fn ledger_keys(
        &self,
        signer: &str,
        secret: &str,
        at: DateTime<Utc>,
    ) -> Result<(String, String)>;
    /// Keeps a signed checkpoint unless one of that size exists.
    async fn ledger_put_checkpoint(&self, size: u64, note: &str, at: DateTime<Utc>) -> Result<()>;
    async fn ledger_latest_checkpoint(&self) -> Result<Option<StoredCheckpoint>>;
    /// The leaves from index `from` on as runs, in index order: one grouped
    /// read answering a row per gap in `seq`, not a row per leaf.
    async fn ledger_leaf_runs(&self, from: u64) -> Result<Vec<LeafRun>>;
}
