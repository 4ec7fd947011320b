//! Submissions on SQLite are filed in batches. Group commit already shares
//! one commit among concurrent case writes, but each member still costs a
//! handful of statements, and every statement is a hand-off to sqlx's
//! worker thread and back; at thousands of submissions a second those
//! hand-offs, not the disk, were the limit. Here whoever submits while a
//! batch is being written queues, and the next batch files everyone queued
//! with four statements in all (serials, actors' accounts, events, case
//! rows) inside one member of the commit group, answered after its commit.
//! A batch that fails is filed again one submission at a time, so only the
//! submission at fault fails.

use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::oneshot;

use crate::cases::{StoredCase, Submission};
use crate::sqlite_group::GroupCommit;
use crate::{Result, StoreError};

/// Rows per statement stay far below SQLite's 32,766 bound variables.
const MAX_BATCH: usize = 256;

type Answer = oneshot::Sender<Result<StoredCase>>;

#[derive(Default)]
struct Queue {
    waiting: Vec<(Submission, Answer)>,
    /// A task is filing batches: whoever queues now is filed by it.
    filing: bool,
}

#[derive(Clone)]
pub(crate) struct Submissions {
    group: GroupCommit,
    queue: Arc<Mutex<Queue>>,
}

impl Submissions {
    pub(crate) fn new(group: GroupCommit) -> Self {
        Self {
            group,
            queue: Arc::default(),
        }
    }

    /// Files `s` with whatever else is queued; answers after the commit.
    pub(crate) async fn submit(&self, s: Submission) -> Result<StoredCase> {
        let (answer, answered) = oneshot::channel();
        let start = {
            let mut q = self.queue.lock().unwrap_or_else(PoisonError::into_inner);
            q.waiting.push((s, answer));
            !std::mem::replace(&mut q.filing, true)
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
                    q.filing = false;
                    return;
                }
                let n = q.waiting.len().min(MAX_BATCH);
                q.waiting.drain(..n).collect()
            };
            let (submissions, answers): (Vec<_>, Vec<_>) = batch.into_iter().unzip();
            match self.file(&submissions).await {
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
                        let one = self.file(std::slice::from_ref(s)).await;
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

    async fn file(&self, batch: &[Submission]) -> Result<Vec<StoredCase>> {
        let mut tx = self.group.begin().await?;
        let filed = crate::sqlite::insert_cases(&mut tx, batch).await?;
        tx.commit().await?;
        Ok(filed)
    }
}
