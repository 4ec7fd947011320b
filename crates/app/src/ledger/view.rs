//! The log as a status answer needs it, kept in this process: which events
//! have leaves (as [`LeafRuns`]) and how many leaves the latest signed
//! checkpoint covers. The public status query then reads only its case.
//!
//! The view may lag the store, never lead it: every size and index in it
//! was read from the store or written by this process's follower, so a lag
//! can show a recorded step as pending, never a pending one as recorded.
//! It catches up two ways. The follower of this process updates it after
//! each round, from the leaves it appended and the checkpoint it signed (or
//! found, when another server on the database was first). And when a status
//! answer would say pending, the store is read, but at most once per window
//! and by one request at a time, so a flood of fresh cases is not a flood of
//! reads: the others answer from memory meanwhile.

use std::future::Future;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration, Instant};

use bianli_store::Store;
use bianli_store::ledger::{LeafRow, LeafRun};
use tokio::sync::Mutex;

use super::link::LeafLink;
use super::runs::{Discontinuous, LeafRuns};
use crate::{AppError, Result};

/// How long one read of the log serves status answers that would say
/// pending: the follower appends and signs about once a second anyway.
pub const DEFAULT_WINDOW: Duration = Duration::from_secs(1);

/// What the view knows.
#[derive(Debug, Clone, Default)]
pub(crate) struct Known {
    runs: LeafRuns,
    /// The size of the latest signed checkpoint.
    signed: u64,
}

impl Known {
    pub(crate) fn link(&self, seq: Option<i64>) -> LeafLink {
        LeafLink::of(seq, seq.and_then(|s| self.runs.index_of(s)), self.signed)
    }

    /// Recorded links never change, so asking for them needs no read.
    fn recorded(&self, seq: i64) -> bool {
        self.runs.index_of(seq).is_some_and(|i| i < self.signed)
    }
}

/// One read of the log: the latest signed size and the runs of the leaves
/// from the index asked for on.
#[derive(Debug, Clone, Default)]
pub(crate) struct Read {
    pub(crate) signed: u64,
    pub(crate) runs: Vec<LeafRun>,
}

/// Reads the log from leaf `from` on: two small queries, whatever its size.
pub(crate) async fn read_store(store: &dyn Store, from: u64) -> Result<Read> {
    // The checkpoint first, so the runs cover at least what it signed.
    let signed = store
        .ledger_latest_checkpoint()
        .await?
        .map_or(0, |c| c.size);
    let runs = store.ledger_leaf_runs(from).await?;
    Ok(Read { signed, runs })
}

pub(crate) struct LedgerView {
    window: Duration,
    known: RwLock<Arc<Known>>,
    /// Held while the view is updated, with when the store was last read.
    updating: Mutex<Option<Instant>>,
}

impl LedgerView {
    pub(crate) fn new(window: Duration) -> Self {
        LedgerView {
            window,
            known: RwLock::default(),
            updating: Mutex::new(None),
        }
    }

    fn known(&self) -> Arc<Known> {
        self.known
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn publish(&self, known: Known) -> Arc<Known> {
        let known = Arc::new(known);
        *self.known.write().unwrap_or_else(PoisonError::into_inner) = known.clone();
        known
    }

    /// The links of entries recorded by these events (`None`: an entry
    /// saved before links were kept), in order. From memory, unless one
    /// would say pending: then `read` is asked first, if no request did so
    /// within the window and none is doing so now.
    pub(crate) async fn links<F, Fut>(&self, seqs: &[Option<i64>], read: F) -> Result<Vec<LeafLink>>
    where
        F: Fn(u64) -> Fut,
        Fut: Future<Output = Result<Read>>,
    {
        let mut known = self.known();
        if seqs.iter().flatten().any(|s| !known.recorded(*s))
            && let Ok(mut last) = self.updating.try_lock()
            && last.is_none_or(|at| at.elapsed() >= self.window)
        {
            // Again under the lock: the follower may have just moved it.
            let next = caught_up(&self.known(), &read).await?;
            *last = Some(Instant::now());
            known = self.publish(next);
        }
        Ok(seqs.iter().map(|s| known.link(*s)).collect())
    }

    /// After a follower round of this process: the leaves it appended (if
    /// any), the log's size and the signed size it saw. Its own leaves need
    /// no read; leaves another server appended are read past what is known.
    pub(crate) async fn followed<F, Fut>(
        &self,
        appended: &[LeafRow],
        size: u64,
        signed: u64,
        read: F,
    ) -> Result<()>
    where
        F: Fn(u64) -> Fut,
        Fut: Future<Output = Result<Read>>,
    {
        let mut last = self.updating.lock().await;
        let mut next = (*self.known()).clone();
        let own = appended.iter().map(|l| LeafRun {
            first_index: l.index,
            first_seq: l.event_seq,
            len: 1,
        });
        // Leaves that do not continue the view (it lags) are left to the read.
        let _ = next.runs.extend(own);
        // A checkpoint seen by a reader since the round began is kept.
        next.signed = next.signed.max(signed);
        if next.runs.len() < size {
            next = caught_up(&next, &read).await?;
        }
        // As fresh as a read: the round has just seen the head and checkpoint.
        *last = Some(Instant::now());
        self.publish(next);
        Ok(())
    }

    /// Forgets everything: the log is shorter than a signed checkpoint, so
    /// what this process saw of it no longer holds. The next update reads
    /// the log from its start.
    pub(crate) async fn forget(&self) {
        let mut last = self.updating.lock().await;
        *last = None;
        self.publish(Known::default());
    }
}

/// `known` with what the store holds past it; read from the start when the
/// store's leaves do not continue it.
async fn caught_up<F, Fut>(known: &Known, read: &F) -> Result<Known>
where
    F: Fn(u64) -> Fut,
    Fut: Future<Output = Result<Read>>,
{
    let past = read(known.runs.len()).await?;
    let mut runs = known.runs.clone();
    if let Err(Discontinuous(why)) = runs.extend(past.runs) {
        tracing::warn!(
            why,
            "the ledger is not as this process saw it; reading it again"
        );
        let all = read(0).await?;
        let mut runs = LeafRuns::default();
        runs.extend(all.runs).map_err(|Discontinuous(why)| {
            AppError::Internal(format!("the ledger's leaves: {why}"))
        })?;
        return Ok(Known {
            runs,
            signed: all.signed,
        });
    }
    Ok(Known {
        runs,
        signed: past.signed.max(known.signed),
    })
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex as StdMutex;

    use bianli_ledger::Hash;

    use super::*;

    /// A log in memory that counts its reads and where they started.
    #[derive(Default)]
    struct FakeLog {
        seqs: StdMutex<Vec<i64>>,
        signed: StdMutex<u64>,
        reads: StdMutex<Vec<u64>>,
    }

    impl FakeLog {
        fn with(seqs: &[i64], signed: u64) -> Arc<Self> {
            let log = Arc::new(FakeLog::default());
            log.append(seqs, signed);
            log
        }

        fn append(&self, seqs: &[i64], signed: u64) {
            self.seqs.lock().expect("seqs").extend_from_slice(seqs);
            *self.signed.lock().expect("signed") = signed;
        }

        fn reads(&self) -> Vec<u64> {
            self.reads.lock().expect("reads").clone()
        }

        async fn read(&self, from: u64) -> Result<Read> {
            self.reads.lock().expect("reads").push(from);
            // Long enough for concurrent askers to meet a read in flight.
            tokio::time::sleep(Duration::from_millis(20)).await;
            let seqs = self.seqs.lock().expect("seqs").clone();
            let mut runs: Vec<LeafRun> = Vec::new();
            for (index, seq) in (0u64..).zip(seqs).skip(from as usize) {
                match runs.last_mut() {
                    Some(r) if r.first_seq + r.len as i64 == seq => r.len += 1,
                    _ => runs.push(LeafRun {
                        first_index: index,
                        first_seq: seq,
                        len: 1,
                    }),
                }
            }
            let signed = *self.signed.lock().expect("signed");
            Ok(Read { signed, runs })
        }
    }

    async fn link(view: &LedgerView, log: &FakeLog, seq: i64) -> LeafLink {
        let links = view
            .links(&[Some(seq)], |from| log.read(from))
            .await
            .expect("links");
        links.into_iter().next().expect("one link")
    }

    fn index(link: &LeafLink) -> Option<u64> {
        match link {
            LeafLink::Recorded { index, .. } => Some(*index),
            _ => None,
        }
    }

    fn leaf(index: u64, event_seq: i64) -> LeafRow {
        LeafRow {
            index,
            event_seq,
            leaf_hash: Hash([0; 32]),
            bytes: Vec::new(),
        }
    }

    #[tokio::test]
    async fn recorded_links_are_answered_from_memory() {
        // Events 1–3, then 7–8: 4–6 were rolled back.
        let log = FakeLog::with(&[1, 2, 3, 7, 8], 5);
        let view = LedgerView::new(Duration::ZERO);
        assert_eq!(index(&link(&view, &log, 7).await), Some(3));
        assert_eq!(log.reads(), [0]);
        let links = view
            .links(&[Some(1), None, Some(3), Some(8)], |from| log.read(from))
            .await
            .expect("links");
        assert_eq!(
            links.iter().map(index).collect::<Vec<_>>(),
            [Some(0), None, Some(2), Some(4)]
        );
        assert_eq!(links[1], LeafLink::Unlinked);
        assert_eq!(
            log.reads(),
            [0],
            "recorded links need no read, even with a zero window"
        );
    }

    #[tokio::test]
    async fn appended_but_unsigned_is_pending_and_a_gap_is_never_guessed() {
        let log = FakeLog::with(&[1, 2, 3, 7, 8], 4);
        let view = LedgerView::new(Duration::ZERO);
        // Leaf 4 is appended, not signed.
        assert_eq!(link(&view, &log, 8).await, LeafLink::Pending { seq: 8 });
        // Event 5 fell in a gap: no leaf, and none guessed from its neighbours.
        assert_eq!(link(&view, &log, 5).await, LeafLink::Pending { seq: 5 });
        assert_eq!(log.reads(), [0, 5]);
        log.append(&[], 5);
        assert_eq!(index(&link(&view, &log, 8).await), Some(4));
        assert_eq!(log.reads(), [0, 5, 5]);
    }

    #[tokio::test]
    async fn a_flood_of_fresh_cases_reads_at_most_once_per_window() {
        let log = FakeLog::with(&[1, 2], 2);
        let view = Arc::new(LedgerView::new(Duration::from_millis(300)));
        assert_eq!(index(&link(&view, &log, 2).await), Some(1));
        log.append(&[3], 3);
        // Within the window: pending from memory, though the log has it.
        for _ in 0..20 {
            assert_eq!(link(&view, &log, 3).await, LeafLink::Pending { seq: 3 });
        }
        assert_eq!(log.reads(), [0]);

        tokio::time::sleep(Duration::from_millis(350)).await;
        let askers: Vec<_> = (0..16)
            .map(|_| {
                let (view, log) = (view.clone(), log.clone());
                tokio::spawn(async move { link(&view, &log, 3).await })
            })
            .collect();
        let mut recorded = 0;
        for a in askers {
            match a.await.expect("asker") {
                LeafLink::Pending { seq: 3 } => {}
                l => {
                    assert_eq!(index(&l), Some(2), "{l:?}");
                    recorded += 1;
                }
            }
        }
        // One read past the two known leaves; the asker who read it answers
        // recorded, the others did not wait for it.
        assert_eq!(log.reads(), [0, 2]);
        assert!(recorded >= 1);
        assert_eq!(index(&link(&view, &log, 3).await), Some(2));
        assert_eq!(log.reads(), [0, 2]);
    }

    #[tokio::test]
    async fn the_follower_reads_only_what_another_server_appended() {
        let log = FakeLog::with(&[1, 2], 2);
        let view = LedgerView::new(Duration::from_secs(60));
        view.followed(&[leaf(0, 1), leaf(1, 2)], 2, 2, |from| log.read(from))
            .await
            .expect("own leaves");
        assert!(log.reads().is_empty());
        assert_eq!(index(&link(&view, &log, 2).await), Some(1));

        // Another server appended events 5 and 6, this one event 7 after them.
        log.append(&[5, 6, 7], 5);
        view.followed(&[leaf(4, 7)], 5, 5, |from| log.read(from))
            .await
            .expect("their leaves");
        assert_eq!(log.reads(), [2]);
        let links = view
            .links(&[Some(5), Some(6), Some(7), Some(3)], |from| log.read(from))
            .await
            .expect("links");
        assert_eq!(
            links.iter().map(index).collect::<Vec<_>>(),
            [Some(2), Some(3), Some(4), None]
        );
        // Event 3 is in a gap: pending, and within the window no read.
        assert_eq!(links[3], LeafLink::Pending { seq: 3 });
        assert_eq!(log.reads(), [2]);
    }

    #[tokio::test]
    async fn a_log_unlike_the_one_seen_is_read_again_from_the_start() {
        let view = LedgerView::new(Duration::ZERO);
        let seen = [leaf(0, 10), leaf(1, 11), leaf(2, 12)];
        let log = FakeLog::with(&[1, 2, 3, 4], 4);
        view.followed(&seen, 3, 3, |from| log.read(from))
            .await
            .expect("seen");
        // Leaf 3 records event 4, not an event after 12.
        assert_eq!(
            link(&view, &log, 4).await,
            LeafLink::Recorded {
                seq: 4,
                index: 3,
                size: 4,
                entry: "/api/v1/ledger/entries?start=3&end=4".into(),
                proof: "/api/v1/ledger/proof/inclusion?index=3&size=4".into(),
            }
        );
        assert_eq!(log.reads(), [3, 0]);
        assert_eq!(link(&view, &log, 11).await, LeafLink::Pending { seq: 11 });
        assert_eq!(log.reads(), [3, 0, 4]);

        // Forgotten (the log shrank under a signed checkpoint): read anew.
        view.forget().await;
        view.followed(&[], 4, 4, |from| log.read(from))
            .await
            .expect("again");
        assert_eq!(log.reads(), [3, 0, 4, 0]);
        assert_eq!(index(&link(&view, &log, 1).await), Some(0));
    }
}
