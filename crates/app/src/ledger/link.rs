//! Where the log records a step of a case's timeline: the leaf of the event
//! saved with it (its `seq` is kept on the entry at write time), the URL of
//! that entry and of its inclusion proof under the latest signed checkpoint.

use serde::Serialize;

use super::view::read_store;
use crate::{App, Result};

/// One timeline entry's place in the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum LeafLink {
    /// In the log and under the latest signed checkpoint, whose size the
    /// proof is asked for.
    Recorded {
        seq: i64,
        index: u64,
        size: u64,
        /// `/api/v1/ledger/entries?start=index&end=index+1`
        entry: String,
        /// `/api/v1/ledger/proof/inclusion?index=index&size=size`
        proof: String,
    },
    /// 待入账: its event is saved but not yet appended and signed (the
    /// follower does so within about a second).
    Pending { seq: i64 },
    /// Saved before timeline entries kept their event: no link is known,
    /// and none is guessed.
    Unlinked,
}

impl LeafLink {
    /// The link of an entry whose event is `seq`, given the leaf index of
    /// that event if appended and the latest signed checkpoint's size.
    pub fn of(seq: Option<i64>, index: Option<u64>, signed_size: u64) -> Self {
        match (seq, index) {
            (None, _) => LeafLink::Unlinked,
            (Some(seq), Some(index)) if index < signed_size => LeafLink::Recorded {
                seq,
                index,
                size: signed_size,
                entry: format!("/api/v1/ledger/entries?start={index}&end={}", index + 1),
                proof: format!("/api/v1/ledger/proof/inclusion?index={index}&size={signed_size}"),
            },
            (Some(seq), _) => LeafLink::Pending { seq },
        }
    }

    pub fn zh(&self) -> &'static str {
        match self {
            LeafLink::Recorded { .. } => "已入账",
            LeafLink::Pending { .. } => "待入账",
            LeafLink::Unlinked => "未关联",
        }
    }
}

impl App {
    /// The links of entries recorded by these events (`None`: an entry
    /// saved before links were kept), in the same order: from this
    /// process's view of the log, which reads the store only when a link
    /// would say pending (see [`LedgerView`](super::LedgerView)).
    pub async fn ledger_links(&self, seqs: &[Option<i64>]) -> Result<Vec<LeafLink>> {
        let store = &*self.store;
        self.ledger_view
            .links(seqs, |from| read_store(store, from))
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::LeafLink;

    #[test]
    fn a_leaf_under_the_signed_size_is_recorded() {
        assert_eq!(
            LeafLink::of(Some(42), Some(7), 8),
            LeafLink::Recorded {
                seq: 42,
                index: 7,
                size: 8,
                entry: "/api/v1/ledger/entries?start=7&end=8".into(),
                proof: "/api/v1/ledger/proof/inclusion?index=7&size=8".into(),
            }
        );
    }

    #[test]
    fn unappended_or_unsigned_is_pending_and_unknown_is_unlinked() {
        assert_eq!(
            LeafLink::of(Some(42), None, 8),
            LeafLink::Pending { seq: 42 }
        );
        // Appended, but the checkpoint does not cover it yet.
        assert_eq!(
            LeafLink::of(Some(42), Some(8), 8),
            LeafLink::Pending { seq: 42 }
        );
        assert_eq!(LeafLink::of(None, Some(3), 8), LeafLink::Unlinked);
        assert_eq!(LeafLink::of(None, None, 0).zh(), "未关联");
    }
}
