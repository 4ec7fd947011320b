//! PostgreSQL: the same schema for deployments with several `bianli serve`
//! processes on one database. Writers serialise on one advisory lock per
//! transaction, so two decrees never plan against the same stale list.

use std::time::Duration;

use sqlx::postgres::{PgPool, PgPoolOptions};

use crate::Backend;
use crate::cases::{StoredCase, Submission};
use crate::submit_queue::{FileBatch, SubmitQueue};

/// A case write's transaction: a plain one (case statements guard themselves).
pub(crate) type CaseTx = sqlx::Transaction<'static, sqlx::Postgres>;

/// The advisory lock key for catalog and identity writes ("bianli" in ASCII).
const WRITE_LOCK: i64 = 0x6269_616e_6c69;

/// The advisory lock key for ledger appends ("ledger" in ASCII).
const LEDGER_LOCK: i64 = 0x6c65_6467_6572;

pub struct PgStore {
    pool: PgPool,
    /// Submissions are filed in batches, one in flight at a time.
    submissions: SubmitQueue<PgFiler>,
}

impl PgStore {
    pub async fn connect(url: &str) -> Result<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect(url)
            .await?;
        sqlx::migrate!("./migrations/postgres").run(&pool).await?;
        Ok(Self {
            submissions: SubmitQueue::new(PgFiler(pool.clone())),
            pool,
        })
    }

    async fn settle_dialect(&self) -> Result<()> {
        sqlx::query("ANALYZE").execute(&self.pool).await?;
        Ok(())
    }

    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Postgres>> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(WRITE_LOCK)
            .execute(&mut *tx)
            .await?;
        Ok(tx)
    }

    /// The ledger's own advisory lock: several servers append to one
    /// linear log, and the loser of a race finds the head moved.
    async fn begin_ledger(&self) -> Result<sqlx::Transaction<'static, sqlx::Postgres>> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(LEDGER_LOCK)
            .execute(&mut *tx)
            .await?;
        Ok(tx)
    }

    /// Identity values are taken at insert and may commit out of order, so
    /// the largest committed `seq` can sit above one still in flight. A SHARE
    /// lock waits for every transaction that inserted into `events` to end
    /// and holds new inserts off only for this instant: every event up to
    /// the maximum it then sees has committed, and any later one gets a
    /// larger `seq`.
    async fn safe_seq(&self) -> Result<i64> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("LOCK TABLE events IN SHARE MODE")
            .execute(&mut *tx)
            .await?;
        let seq: i64 =
            sqlx::query_scalar("SELECT CAST(COALESCE(MAX(seq), 0) AS BIGINT) FROM events")
                .fetch_one(&mut *tx)
                .await?;
        tx.commit().await?;
        Ok(seq)
    }

    /// Cases (appointments, applications) do not take the write lock:
    /// their statements guard themselves (conditional updates, revisions,
    /// unique keys), so cases from different servers run side by side.
    /// Their events may then commit out of sequence order, which is why
    /// followers read only `serial_events`.
    async fn begin_cases(&self) -> Result<CaseTx> {
        Ok(self.pool.begin().await?)
    }

    /// Submissions: batched (see `submit_queue`).
    async fn submit(&self, s: Submission) -> Result<StoredCase> {
        self.submissions.submit(s).await
    }
}

/// Files a batch of submissions as one plain transaction (case writes take
/// no advisory lock: their statements guard themselves).
struct PgFiler(PgPool);

#[async_trait::async_trait]
impl FileBatch for PgFiler {
    /// One batch at a time, measured against two and four (`case_submit`,
    /// release, 2 cores shared with PostgreSQL): at 64 submitters one
    /// filer averaged 4,611/s (six runs), two 4,220/s and four 3,532/s
    /// (five runs each); at 16 the three were within noise of each other
    /// (2,481–2,588/s). More batches in flight split what is queued into
    /// smaller batches that each pay the same statements and commit, on
    /// CPUs the server shares with the database. Several servers on one
    /// database still file side by side, one queue each (hence the lock
    /// order of the serials in `insert_cases`).
    const FILERS: usize = 1;

    async fn file(&self, batch: &[Submission]) -> Result<Vec<StoredCase>> {
        let mut tx = self.0.begin().await?;
        let filed = case_store::insert_cases(&mut tx, batch).await?;
        tx.commit().await?;
        Ok(filed)
    }
}

crate::sql::impl_store!(PgStore, sqlx::Postgres, Backend::Postgres);
crate::cases::sql::impl_case_store!(super::PgStore, sqlx::Postgres);
crate::oversight::sql::impl_oversight_store!(super::PgStore, sqlx::Postgres);
crate::appointment::impl_appointment_store!(PgStore, sqlx::Postgres);
crate::ledger::sql::impl_ledger_store!(super::PgStore, sqlx::Postgres);
