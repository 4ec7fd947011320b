//! Submissions are filed in batches, on both drivers. Filed one at a time,
//! each costs a handful of statements and round trips (SQLite: hand-offs to
//! sqlx's worker thread; PostgreSQL: network round trips and a commit), and
//! at thousands a second those, not the disk, were the limit. Here whoever
//! submits while batches are being written queues, and the next batch files
//! everyone queued with four statements in all (serials, actors' accounts,
//! events, case rows) in one transaction, answered after its commit. A batch
//! that fails is filed again one submission at a time, so only the
//! submission at fault fails.
//!
//! How a batch becomes a transaction is the driver's [`FileBatch`]; how many
//! batches may be in flight at once is its [`FileBatch::FILERS`].

use std::sync::{Arc, Mutex, PoisonError};

use async_trait::async_trait;
use tokio::sync::oneshot;

use crate::cases::{StoredCase, Submission};
use crate::{Result, StoreError};

/// Rows per statement stay far below SQLite's 32,766 bound variables and
/// PostgreSQL's 65,535 (the case rows bind 15 a row).
const MAX_BATCH: usize = 256;

/// Files one batch as one committed transaction.
#[async_trait]
pub(crate) trait FileBatch: Send + Sync + 'static {
    /// How many batches may be filed at once.
    const FILERS: usize;

    /// Files `batch` in the order given and commits; on any error nothing
    /// of it is kept.
    async fn file(&self, batch: &[Submission]) -> Result<Vec<StoredCase>>;
}

type Answer = oneshot::Sender<Result<StoredCase>>;

#[derive(Default)]
struct Queue {
    waiting: Vec<(Submission, Answer)>,
    /// Tasks filing batches: whoever queues while there are
    /// [`FileBatch::FILERS`] of them is filed by one of them.
    filing: usize,
}

pub(crate) struct SubmitQueue<F> {
    filer: Arc<F>,
    queue: Arc<Mutex<Queue>>,
}

impl<F> Clone for SubmitQueue<F> {
    fn clone(&self) -> Self {
        Self {
            filer: self.filer.clone(),
            queue: self.queue.clone(),
        }
    }
}

impl<F: FileBatch> SubmitQueue<F> {
    pub(crate) fn new(filer: F) -> Self {
        Self {
            filer: Arc::new(filer),
            queue: Arc::default(),
        }
    }

    /// Files `s` with whatever else is queued; answers after the commit.
    pub(crate) async fn submit(&self, s: Submission) -> Result<StoredCase> {
        let (answer, answered) = oneshot::channel();
        let start = {
            let mut q = self.queue.lock().unwrap_or_else(PoisonError::into_inner);
            q.waiting.push((s, answer));
            let start = q.filing < F::FILERS;
            if start {
                q.filing += 1;
            }
            start
        };
        if start {
            tokio::spawn(self.clone().file_all());
        }
        answered
            .await
            .map_err(|_| StoreError::Config("the submission was dropped unfiled".into()))?
    }

    /// Files batches until nobody is waiting.
    async fn file_all(self) {
        loop {
            let batch: Vec<_> = {
                let mut q = self.queue.lock().unwrap_or_else(PoisonError::into_inner);
                if q.waiting.is_empty() {
                    q.filing -= 1;
                    return;
                }
                let n = q.waiting.len().min(MAX_BATCH);
                q.waiting.drain(..n).collect()
            };
            let (submissions, answers): (Vec<_>, Vec<_>) = batch.into_iter().unzip();
            match self.filer.file(&submissions).await {
                Ok(filed) => {
                    for (answer, case) in answers.into_iter().zip(filed) {
                        let _ = answer.send(Ok(case));
                    }
                }
                Err(e) if submissions.len() == 1 => {
                    if let Some(answer) = answers.into_iter().next() {
                        let _ = answer.send(Err(e));
                    }
                }
                Err(_) => {
                    for (s, answer) in submissions.iter().zip(answers) {
                        let one = self.filer.file(std::slice::from_ref(s)).await;
                        let _ = answer.send(one.and_then(|mut f| {
                            f.pop().ok_or_else(|| {
                                StoreError::Config("a submission filed nothing".into())
                            })
                        }));
                    }
                }
            }
        }
    }
}
