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
use crate::{App, AppError, Result};

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

/// A round read and built but not yet written.
struct Round {
    append: LedgerAppend,
    /// The tree after this round: the next round builds on it unread.
    after: Frontier,
    last_seq: i64,
    /// How far the events table had surely committed when the round began.
    safe: i64,
}

impl Round {
    fn full(&self) -> bool {
        self.append.leaves.len() as i64 == BATCH
    }
}

impl App {
    /// Appends the committed events the log lacks, in rounds of up to
    /// [`BATCH`], signing the head after each. The next round is read and
    /// built while this one is written (it builds on this round's tree,
    /// kept in memory); if another server appended first, this one stops
    /// and leaves the rest to it.
    pub async fn ledger_catch_up(&self) -> Result<()> {
        let mut next = self.ledger_begin().await?;
        loop {
            let full = next.as_ref().is_some_and(Round::full);
            let ahead = next.as_ref().filter(|_| full).map(|r| {
                let (app, after, last_seq, safe) =
                    (self.clone(), r.after.clone(), r.last_seq, r.safe);
                tokio::spawn(async move { app.ledger_build(after, last_seq, safe).await })
            });
            let appended = self.ledger_write(next.take()).await?;
            let lost = full && appended == 0;
            next = match ahead {
                Some(task) if lost => {
                    task.abort();
                    return Ok(());
                }
                Some(task) => match task
                    .await
                    .map_err(|e| AppError::Internal(format!("building ledger leaves: {e}")))??
                {
                    Some(round) => Some(round),
                    // Caught up with what was committed when the run began:
                    // look again, as the plain loop would.
                    None => self.ledger_begin().await?,
                },
                None => return Ok(()),
            };
        }
    }

    /// Reads the head and the frontier and builds the next round on them.
    async fn ledger_begin(&self) -> Result<Option<Round>> {
        let store = &*self.store;
        let safe = store.ledger_safe_seq().await?;
        let head = store.ledger_head().await?;
        let (size, last_seq) = head.as_ref().map_or((0, 0), |h| (h.size, h.last_seq));
        if last_seq >= safe {
            return Ok(None);
        }
        let frontier = Frontier::restore(size, &store.ledger_nodes(&frontier_ids(size)).await?)
            .map_err(internal("ledger frontier"))?;
        self.ledger_build(frontier, last_seq, safe).await
    }

    /// Reads the committed events after `last_seq` (up to `safe`, at most
    /// [`BATCH`]) and builds their leaves and nodes on `frontier`.
    async fn ledger_build(
        &self,
        frontier: Frontier,
        last_seq: i64,
        safe: i64,
    ) -> Result<Option<Round>> {
        if last_seq >= safe {
            return Ok(None);
        }
        let store = &*self.store;
        let events: Vec<EventRow> = store
            .events(last_seq, BATCH)
            .await?
            .into_iter()
            .take_while(|e| e.seq <= safe)
            .collect();
        let Some(last) = events.last() else {
            return Ok(None);
        };
        let last_seq = last.seq;
        let leaves = self.ledger.leaves(store, &events, frontier.size()).await?;
        let hashes: Vec<_> = leaves.iter().map(|l| l.leaf_hash).collect();
        let (nodes, after) = frontier
            .append(&hashes)
            .map_err(internal("ledger append"))?;
        Ok(Some(Round {
            append: LedgerAppend {
                from_size: frontier.size(),
                leaves,
                nodes,
                root: after.root(),
            },
            after,
            last_seq,
            safe,
        }))
    }

    /// Writes a built round (if any), signs the head and brings this
    /// process's view of the log up to date. Returns how many leaves this
    /// process appended: none if another server appended first.
    async fn ledger_write(&self, round: Option<Round>) -> Result<u64> {
        let store = &*self.store;
        let mut appended = Vec::new();
        if let Some(round) = round
            && store.ledger_append(&round.append, self.now()).await?
        {
            appended = round.append.leaves;
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
}
