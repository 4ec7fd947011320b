//! Group commit for SQLite's case writes. SQLite has one writer, and a
//! transaction each caps submissions at what one commit per row costs. Here
//! use cases that arrive while another is writing join one open transaction,
//! each inside its own savepoint (so one failing rolls back only itself), and
//! the last of a burst commits for all of them. Every caller is answered only
//! after the commit that holds its rows, so what it was told is durable is.
//!
//! A member runs alone on the connection from its begin to its release, so
//! members are serial: reads inside one see the earlier members' writes, as
//! they would after those had committed.

use std::ops::{Deref, DerefMut};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use sqlx::pool::PoolConnection;
use sqlx::sqlite::{Sqlite, SqliteConnection, SqlitePool};
use tokio::sync::{Mutex, OwnedMutexGuard, oneshot};

use crate::{Result, StoreError};

/// Bounds how long the first member of a group waits for its commit.
const MAX_GROUP: usize = 256;

#[derive(Clone)]
pub struct GroupCommit {
    pool: SqlitePool,
    writer: Arc<Mutex<Writer>>,
    /// Members waiting to begin: while there are any, the group stays open
    /// for them instead of committing.
    waiting: Arc<AtomicUsize>,
}

#[derive(Default)]
struct Writer {
    /// Holds the open group's transaction; none between groups, so an
    /// in-memory database's single connection is free for readers then.
    conn: Option<PoolConnection<Sqlite>>,
    /// Callers whose savepoints were released, answered at the commit.
    pending: Vec<oneshot::Sender<Result<(), String>>>,
    /// A member ended without committing (an error took it out early): its
    /// savepoint must be rolled back before anything else runs.
    abandoned: bool,
    /// Groups committed so far (how well grouping works, for tests).
    commits: u64,
}

impl GroupCommit {
    pub fn new(pool: SqlitePool) -> Self {
        Self {
            pool,
            writer: Arc::default(),
            waiting: Arc::default(),
        }
    }

    /// Joins the open group, or opens one; the returned member derefs to the
    /// connection and must end with [`GroupTx::commit`] (dropping it rolls
    /// back its own writes only).
    pub async fn begin(&self) -> Result<GroupTx> {
        self.waiting.fetch_add(1, Ordering::SeqCst);
        let mut w = self.writer.clone().lock_owned().await;
        self.waiting.fetch_sub(1, Ordering::SeqCst);
        settle_abandoned(&mut w).await;
        if w.conn.is_none() {
            let mut conn = self.pool.acquire().await?;
            // A receipt says the case is filed: its commit must survive a
            // power cut, not just a crash of the process, so the group's
            // commit waits for the disk (one wait for the whole group).
            sqlx::query("PRAGMA synchronous = FULL")
                .execute(&mut *conn)
                .await?;
            sqlx::query("BEGIN IMMEDIATE").execute(&mut *conn).await?;
            w.conn = Some(conn);
        }
        let conn = w.conn.as_mut().ok_or_else(not_open)?;
        if let Err(e) = sqlx::query("SAVEPOINT member").execute(&mut **conn).await {
            fail_group(&mut w, &e.to_string()).await;
            return Err(e.into());
        }
        Ok(GroupTx {
            writer: Some(w),
            group: self.handle(),
        })
    }

    /// How many group commits there have been.
    #[cfg(test)]
    pub async fn commits(&self) -> u64 {
        self.writer.lock().await.commits
    }

    fn handle(&self) -> Handle {
        Handle {
            writer: self.writer.clone(),
            waiting: self.waiting.clone(),
        }
    }
}

/// What a member needs of its group after its begin.
#[derive(Clone)]
struct Handle {
    writer: Arc<Mutex<Writer>>,
    waiting: Arc<AtomicUsize>,
}

impl Handle {
    /// Commits whatever an abandoned member left open with no one to follow.
    async fn flush(self) {
        let mut w = self.writer.lock_owned().await;
        settle_abandoned(&mut w).await;
        if self.waiting.load(Ordering::SeqCst) == 0 {
            commit_group(&mut w).await;
        }
    }
}

/// One use case's part of a group: its own savepoint on the group's
/// transaction.
pub struct GroupTx {
    writer: Option<OwnedMutexGuard<Writer>>,
    group: Handle,
}

impl GroupTx {
    /// Releases this member's savepoint and waits for the commit that holds
    /// it: at once when nobody else is waiting to write, else when the last
    /// of them is done.
    pub async fn commit(mut self) -> Result<()> {
        let Some(mut w) = self.writer.take() else {
            return Err(not_open());
        };
        let conn = w.conn.as_mut().ok_or_else(not_open)?;
        if let Err(e) = sqlx::query("RELEASE member").execute(&mut **conn).await {
            w.abandoned = true;
            settle_abandoned(&mut w).await;
            return Err(e.into());
        }
        let (done, committed) = oneshot::channel();
        w.pending.push(done);
        if self.group.waiting.load(Ordering::SeqCst) == 0 || w.pending.len() >= MAX_GROUP {
            commit_group(&mut w).await;
        }
        drop(w);
        match committed.await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(StoreError::Config(format!("group commit failed: {e}"))),
            Err(_) => Err(StoreError::Config(
                "group commit ended without an answer".into(),
            )),
        }
    }
}

impl Deref for GroupTx {
    type Target = SqliteConnection;
    fn deref(&self) -> &SqliteConnection {
        // Begin always leaves a connection and the guard until commit takes
        // them; commit consumes the member, so neither can be missing here.
        match self.writer.as_ref().and_then(|w| w.conn.as_ref()) {
            Some(c) => c,
            None => unreachable!("a group member always holds the open connection"),
        }
    }
}

impl DerefMut for GroupTx {
    fn deref_mut(&mut self) -> &mut SqliteConnection {
        match self.writer.as_mut().and_then(|w| w.conn.as_mut()) {
            Some(c) => c,
            None => unreachable!("a group member always holds the open connection"),
        }
    }
}

impl Drop for GroupTx {
    fn drop(&mut self) {
        if let Some(mut w) = self.writer.take() {
            w.abandoned = true;
            drop(w);
            // Rolling back needs the connection (async); the next member
            // does it first thing, and if none is coming this does.
            if self.group.waiting.load(Ordering::SeqCst) == 0
                && let Ok(rt) = tokio::runtime::Handle::try_current()
            {
                rt.spawn(self.group.clone().flush());
            }
        }
    }
}

fn not_open() -> StoreError {
    StoreError::Config("the group's transaction is not open".into())
}

/// Rolls back an abandoned member's savepoint; when even that fails the
/// whole transaction is gone, and so is every member waiting on it.
async fn settle_abandoned(w: &mut Writer) {
    if !w.abandoned {
        return;
    }
    w.abandoned = false;
    let Some(conn) = w.conn.as_mut() else { return };
    let undone = async {
        sqlx::query("ROLLBACK TO member")
            .execute(&mut **conn)
            .await?;
        sqlx::query("RELEASE member").execute(&mut **conn).await
    };
    if let Err(e) = undone.await {
        fail_group(w, &e.to_string()).await;
    }
}

async fn commit_group(w: &mut Writer) {
    let Some(mut conn) = w.conn.take() else {
        return;
    };
    let outcome = sqlx::query("COMMIT")
        .execute(&mut *conn)
        .await
        .map(|_| ())
        .map_err(|e| e.to_string());
    w.commits += 1;
    if outcome.is_err() {
        // A commit that failed may leave the transaction open; the pool
        // must not get the connection back mid-transaction.
        let _ = sqlx::query("ROLLBACK").execute(&mut *conn).await;
    }
    // Back in the pool the connection serves other writes at the store's
    // usual setting.
    let _ = sqlx::query("PRAGMA synchronous = NORMAL")
        .execute(&mut *conn)
        .await;
    for done in w.pending.drain(..) {
        let _ = done.send(outcome.clone());
    }
}

async fn fail_group(w: &mut Writer, why: &str) {
    if let Some(mut conn) = w.conn.take() {
        let _ = sqlx::query("ROLLBACK").execute(&mut *conn).await;
        let _ = sqlx::query("PRAGMA synchronous = NORMAL")
            .execute(&mut *conn)
            .await;
    }
    for done in w.pending.drain(..) {
        let _ = done.send(Err(why.to_string()));
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;
    use std::time::Duration;

    use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};

    use super::*;

    async fn pool(name: &str) -> SqlitePool {
        let path =
            std::env::temp_dir().join(format!("bianli-group-{}-{name}.db", std::process::id()));
        let _ = std::fs::remove_file(&path);
        let opts = SqliteConnectOptions::from_str(&format!("sqlite://{}", path.display()))
            .expect("url")
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .busy_timeout(Duration::from_secs(5));
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(opts)
            .await
            .expect("pool");
        sqlx::query("CREATE TABLE t (n INTEGER PRIMARY KEY)")
            .execute(&pool)
            .await
            .expect("table");
        pool
    }

    /// Inserts `n`; every tenth member fails after writing, so its row must
    /// vanish while its neighbours in the same group commit.
    async fn member(group: Arc<GroupCommit>, n: i64) -> Result<()> {
        let mut tx = group.begin().await?;
        sqlx::query("INSERT INTO t (n) VALUES ($1)")
            .bind(n)
            .execute(&mut *tx)
            .await?;
        if n % 10 == 0 {
            // The member's own duplicate: an error like any constraint's.
            sqlx::query("INSERT INTO t (n) VALUES ($1)")
                .bind(n)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_failing_member_takes_only_its_own_rows_with_it() {
        let pool = pool("members").await;
        let group = Arc::new(GroupCommit::new(pool.clone()));
        let tasks: Vec<_> = (1..=300)
            .map(|n| tokio::spawn(member(group.clone(), n)))
            .collect();
        let mut failed = Vec::new();
        for (i, t) in tasks.into_iter().enumerate() {
            if t.await.expect("task").is_err() {
                failed.push(i as i64 + 1);
            }
        }
        assert_eq!(failed, (1..=30).map(|k| k * 10).collect::<Vec<_>>());
        let commits = group.commits().await;
        assert!(
            commits < 300,
            "300 members in {commits} commits: no grouping"
        );
        let rows: Vec<i64> = sqlx::query_scalar("SELECT n FROM t ORDER BY n")
            .fetch_all(&pool)
            .await
            .expect("rows");
        assert_eq!(rows, (1..=300).filter(|n| n % 10 != 0).collect::<Vec<_>>());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_abandoned_member_does_not_keep_the_write_lock() {
        let pool = pool("abandoned").await;
        let group = GroupCommit::new(pool.clone());
        let mut tx = group.begin().await.expect("begin");
        sqlx::query("INSERT INTO t (n) VALUES (1)")
            .execute(&mut *tx)
            .await
            .expect("insert");
        drop(tx);
        // Another writer outside the group gets the lock (well within the
        // busy timeout) and sees nothing of the abandoned member.
        let mut other = pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .expect("the write lock");
        let n: i64 = sqlx::query_scalar("SELECT count(*) FROM t")
            .fetch_one(&mut *other)
            .await
            .expect("count");
        assert_eq!(n, 0);
        other.commit().await.expect("commit");
        // And the group carries on.
        let mut tx = group.begin().await.expect("begin again");
        sqlx::query("INSERT INTO t (n) VALUES (2)")
            .execute(&mut *tx)
            .await
            .expect("insert");
        tx.commit().await.expect("commit");
        let rows: Vec<i64> = sqlx::query_scalar("SELECT n FROM t")
            .fetch_all(&pool)
            .await
            .expect("rows");
        assert_eq!(rows, vec![2]);
    }
}
