//! SQLite: one file, WAL, no server. Writers take the write lock up front
//! (`BEGIN IMMEDIATE`) so two use cases never deadlock upgrading a read lock.

use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use crate::Backend;
use crate::sqlite_group::{GroupCommit, GroupTx};
use crate::submit_queue::{FileBatch, SubmitQueue};

/// A case write's transaction: a member of a commit group.
pub(crate) type CaseTx = GroupTx;

pub struct SqliteStore {
    pool: SqlitePool,
    /// Case writes (submissions, steps, bookings) commit in groups.
    group: GroupCommit,
    /// Submissions are filed in batches, each a member of a commit group.
    submissions: SubmitQueue<GroupFiler>,
    /// Dropped with the store, which ends its checkpoint task.
    _checkpoints: Option<tokio::sync::oneshot::Sender<()>>,
}

impl SqliteStore {
    pub async fn connect(url: &str) -> Result<Self> {
        let opts = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            // A decree touches hundreds of thousands of rows in one transaction;
            // with SQLite's 2 MiB default cache it spills dirty pages to the
            // WAL mid-transaction and reads them back. Pages are allocated on
            // use, so idle connections cost nothing.
            .pragma("cache_size", "-131072")
            // Statement journals of those big multi-row statements stay in memory.
            .pragma("temp_store", "memory")
            // Readers take pages straight from the mapped file instead of
            // copying them into each connection's cache: every read
            // transaction after another connection's commit throws that cache
            // away, and with the big cache above that costed more than the
            // query itself.
            .pragma("mmap_size", "4294967296")
            // Checkpoints run in the background (below), not inside the
            // commit of whichever writer crossed the threshold: a decree's
            // commit then returns as soon as its WAL frames are written.
            .pragma("wal_autocheckpoint", "0");
        // An in-memory database lives in one connection; a file serves many readers.
        let max = if url.contains(":memory:") { 1 } else { 8 };
        let pool = SqlitePoolOptions::new()
            .max_connections(max)
            .connect_with(opts)
            .await?;
        sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
        let _checkpoints = (!url.contains(":memory:")).then(|| {
            let (stop, stopped) = tokio::sync::oneshot::channel();
            tokio::spawn(checkpoints(pool.clone(), stopped));
            stop
        });
        let group = GroupCommit::new(pool.clone());
        Ok(Self {
            submissions: SubmitQueue::new(GroupFiler(group.clone())),
            group,
            pool,
            _checkpoints,
        })
    }

    async fn settle_dialect(&self) -> Result<()> {
        sqlx::query("ANALYZE").execute(&self.pool).await?;
        // The background checkpoints may lag a bulk load by hundreds of MB.
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>> {
        Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?)
    }

    /// The ledger appends in a write transaction: SQLite's one writer is
    /// the lock that keeps the log linear.
    async fn begin_ledger(&self) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>> {
        self.begin_write().await
    }

    /// One writer at a time means a committed event never has an
    /// uncommitted one below it: the largest sequence number is safe.
    async fn safe_seq(&self) -> Result<i64> {
        Ok(
            sqlx::query_scalar("SELECT CAST(COALESCE(MAX(seq), 0) AS BIGINT) FROM events")
                .fetch_one(&self.pool)
                .await?,
        )
    }

    /// Cases: SQLite has one writer anyway, so concurrent case writes
    /// share its transactions (see `sqlite_group`).
    async fn begin_cases(&self) -> Result<CaseTx> {
        self.group.begin().await
    }

    /// Submissions: batched (see `submit_queue`).
    async fn submit(&self, s: crate::cases::Submission) -> Result<crate::cases::StoredCase> {
        self.submissions.submit(s).await
    }
}

/// Files a batch of submissions as one member of the commit group.
struct GroupFiler(GroupCommit);

#[async_trait::async_trait]
impl FileBatch for GroupFiler {
    /// SQLite has one writer: a second batch in flight would only wait for
    /// the first one's member to end.
    const FILERS: usize = 1;

    async fn file(
        &self,
        batch: &[crate::cases::Submission],
    ) -> Result<Vec<crate::cases::StoredCase>> {
        let mut tx = self.0.begin().await?;
        let filed = insert_cases(&mut tx, batch).await?;
        tx.commit().await?;
        Ok(filed)
    }
}

/// Copies committed WAL frames into the database file every second, so the
/// WAL stays small without a writer paying for it; stops with the store.
async fn checkpoints(pool: SqlitePool, mut stopped: tokio::sync::oneshot::Receiver<()>) {
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = &mut stopped => return,
        }
        if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
            .execute(&pool)
            .await
        {
            tracing::warn!(error = %e, "WAL checkpoint failed; retrying");
        }
    }
}

crate::sql::impl_store!(SqliteStore, sqlx::Sqlite, Backend::Sqlite);
crate::cases::sql::impl_case_store!(super::SqliteStore, sqlx::Sqlite);
pub(crate) use case_store::insert_cases;
crate::oversight::sql::impl_oversight_store!(super::SqliteStore, sqlx::Sqlite);
crate::appointment::impl_appointment_store!(SqliteStore, sqlx::Sqlite);
crate::ledger::sql::impl_ledger_store!(super::SqliteStore, sqlx::Sqlite);
