//! The follower: turns committed events into leaves, in `seq` order, and
//! signs a checkpoint of each new head. Safe in any number of processes:
//! appends race under the store's ledger lock and the loser appends nothing.

use std::collections::HashSet;

use bianli_ledger::tree::frontier_ids;
use bianli_ledger::{Checkpoint, Frontier, leaf_hash};
use bianli_store::EventRow;
use bianli_store::ledger::{LeafRow, LedgerAppend};

use super::leaf::{case_number, public_leaf};
use super::view::read_store;
use super::{Ledger, internal};
use crate::{App, Result};

/// Events read and appended per round.
pub(crate) const BATCH: i64 = 10_000;

impl Ledger {
    /// The public leaves of consecutive events, looking up the case
    /// secrets they need.
    pub(crate) async fn leaves(
        &self,
        store: &dyn bianli_store::Store,
        events: &[EventRow],
        first_index: u64,
    ) -> Result<Vec<LeafRow>> {
        let numbers: Vec<String> = events
            .iter()
            .filter_map(case_number)
            .collect::<HashSet<_>>()
            .into_iter()
            .map(str::to_string)
            .collect();
        let secrets = store.ledger_case_secrets(&numbers).await?;
        (first_index..)
            .zip(events)
            .map(|(index, e)| {
                let secret = case_number(e)
                    .and_then(|n| secrets.get(n))
                    .unwrap_or(&self.secret);
                let (_, bytes) = public_leaf(e, secret)?;
                Ok(LeafRow {
                    index,
                    event_seq: e.seq,
                    leaf_hash: leaf_hash(&bytes),
                    bytes,
                })
            })
            .collect()
    }
}

impl App {
    /// One follower round: appends the committed events the log lacks (up
    /// to [`BATCH`]) and signs the head if no checkpoint has it yet.
    /// Returns how many leaves this process appended.
    pub async fn ledger_round(&self) -> Result<u64> {
        let store = &*self.store;
        let safe = store.ledger_safe_seq().await?;
        let head = store.ledger_head().await?;
        let (size, last_seq) = head.as_ref().map_or((0, 0), |h| (h.size, h.last_seq));
        let mut appended = Vec::new();
        if last_seq < safe {
            let events: Vec<EventRow> = store
                .events(last_seq, BATCH)
                .await?
                .into_iter()
                .take_while(|e| e.seq <= safe)
                .collect();
            if !events.is_empty() {
                let leaves = self.ledger.leaves(store, &events, size).await?;
                let frontier =
                    Frontier::restore(size, &store.ledger_nodes(&frontier_ids(size)).await?)
                        .map_err(internal("ledger frontier"))?;
                let hashes: Vec<_> = leaves.iter().map(|l| l.leaf_hash).collect();
                let (nodes, next) = frontier
                    .append(&hashes)
                    .map_err(internal("ledger append"))?;
                let append = LedgerAppend {
                    from_size: size,
                    leaves,
                    nodes,
                    root: next.root(),
                };
                if store.ledger_append(&append, self.now()).await? {
                    appended = append.leaves;
                }
            }
        }
        if let Some((size, signed)) = self.ledger_sign_head().await? {
            self.ledger_view
                .followed(&appended, size, signed, |from| read_store(store, from))
                .await?;
        }
        Ok(appended.len() as u64)
    }

    /// Signs a checkpoint of the current head unless one of its size is
    /// kept. A kept checkpoint larger than the head means entries were
    /// removed: that is reported, never papered over with a new signature.
    /// Returns the head's size and the latest signed size, if the log has
    /// a head.
    async fn ledger_sign_head(&self) -> Result<Option<(u64, u64)>> {
        let store = &*self.store;
        let Some(head) = store.ledger_head().await? else {
            return Ok(None);
        };
        let latest = store.ledger_latest_checkpoint().await?;
        match latest {
            Some(c) if c.size == head.size => return Ok(Some((head.size, c.size))),
            Some(c) if c.size > head.size => {
                tracing::error!(
                    checkpoint = c.size,
                    head = head.size,
                    "the ledger is shorter than its last signed checkpoint; not signing"
                );
                // What this process saw of the removed leaves must not
                // link anyone to them.
                self.ledger_view.forget().await;
                return Ok(Some((head.size, c.size)));
            }
            _ => {}
        }
        let note = Checkpoint::new(self.ledger.origin(), head.size, head.root)
            .and_then(|c| c.sign(&self.ledger.signer))
            .map_err(internal("signing a checkpoint"))?;
        store
            .ledger_put_checkpoint(head.size, &note, self.now())
            .await?;
        Ok(Some((head.size, head.size)))
    }

    /// Runs rounds until the log has caught up with the events table.
    pub async fn ledger_catch_up(&self) -> Result<()> {
        while self.ledger_round().await? == BATCH as u64 {}
        Ok(())
    }
}
