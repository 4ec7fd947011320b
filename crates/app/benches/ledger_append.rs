//! The ledger's database-backed append: leaves per second as the follower
//! (`App::ledger_catch_up`) turns a filled `events` table into leaves,
//! nodes and a head (reading events, building public leaves, one
//! transaction a round, a signed checkpoint a round), beside the raw limit
//! of the same database: inserting the same leaf rows, in the same chunks
//! and transactions, with nothing else.
//!
//! `cargo bench -p bianli-app --bench ledger_append --profile dev` runs on
//! SQLite in a temp folder; with `BIANLI_BENCH_PG=postgres://…/db` also on
//! PostgreSQL (in fresh databases made beside that one). `BIANLI_BENCH_EVENTS`
//! sets how many events (default 100,000). Not a timed test.

use std::time::{Duration, Instant};

use bianli_app::App;
use sqlx::{AssertSqlSafe, ConnectOptions, Connection, QueryBuilder};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Events about one case, as a case's life writes them.
const PER_CASE: u64 = 5;
/// Rows per multi-row INSERT and per transaction, as the store appends.
const CHUNK: usize = 500;
const ROUND: usize = 10_000;

type Error = Box<dyn std::error::Error>;

fn main() -> Result<(), Error> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let events: u64 = std::env::var("BIANLI_BENCH_EVENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let dir = std::env::temp_dir().join(format!("bianli-bench-ledger-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    rt.block_on(async {
        let url = |name: &str| format!("sqlite://{}", dir.join(name).display());
        run("SQLite", events, &url("store.db"), &url("raw.db")).await?;
        if let Ok(pg) = std::env::var("BIANLI_BENCH_PG") {
            let store = fresh_pg(&pg, "bianli_bench_ledger").await?;
            let raw = fresh_pg(&pg, "bianli_bench_ledger_raw").await?;
            run("PostgreSQL", events, &store, &raw).await?;
        }
        Ok::<_, Error>(())
    })?;
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

async fn fresh_pg(base: &str, name: &str) -> Result<String, Error> {
    let mut conn = sqlx::PgConnection::connect(base).await?;
    sqlx::query(AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name}")))
        .execute(&mut conn)
        .await?;
    sqlx::query(AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut conn)
        .await?;
    let (prefix, _) = base.rsplit_once('/').ok_or("a database URL ends in /DB")?;
    Ok(format!("{prefix}/{name}"))
}

async fn run(db: &str, events: u64, store_url: &str, raw_url: &str) -> Result<(), Error> {
    // Opening makes the schema and the ledger's key.
    let app = App::open_unindexed_with(store_url, "memory:").await?;
    let started = Instant::now();
    fill(store_url, events).await?;
    report(db, "fill events (setup)", events, started.elapsed());

    let started = Instant::now();
    app.ledger_catch_up().await?;
    let took = started.elapsed();
    // Opening may have written a few events of its own.
    let leaves = app.store().ledger_head().await?.ok_or("no head")?.size;
    assert!(leaves >= events, "every event became a leaf");
    report(db, "follower append", leaves, took);

    // The raw limit: the same leaf rows into an empty ledger_leaves.
    let events = leaves;
    let leaves = app.store().ledger_leaves(0, events).await?;
    let raw = App::open_unindexed_with(raw_url, "memory:").await?;
    drop(raw);
    let started = Instant::now();
    if raw_url.starts_with("sqlite:") {
        raw_sqlite(raw_url, &leaves).await?;
    } else {
        raw_pg(raw_url, &leaves).await?;
    }
    report(db, "raw INSERT leaves", events, started.elapsed());
    Ok(())
}

fn report(db: &str, what: &str, n: u64, took: Duration) {
    let secs = took.as_secs_f64();
    println!(
        "{db:<10} {what:<22} {:>9.0} /s  ({n} in {secs:.2} s)",
        n as f64 / secs
    );
}

/// `events` events, `PER_CASE` about each case (whose row holds the
/// ledger secret that salts them), by a staff member or the applicant, as
/// the write path stores them (public actor included).
async fn fill(url: &str, events: u64) -> Result<(), Error> {
    let cases = events.div_ceil(PER_CASE);
    let kinds = [
        ("case.submitted", "account:1", "applicant", "NULL"),
        ("case.accepted", "account:2", "staff:CS0002", "'clerk'"),
        ("case.passed", "account:3", "staff:CS0003", "'reviewer'"),
        ("case.approved", "account:4", "staff:CS0004", "'approver'"),
        ("case.delivered", "account:2", "staff:CS0002", "'clerk'"),
    ];
    let mut statements = Vec::new();
    let mut case_rows = Vec::new();
    for c in 0..cases {
        let number = format!("430100-20260302-{c:06}");
        case_rows.push(format!(
            "('{number}', '430100-0100001', 1, '430100', 1, 'web', 'closed', NULL, NULL, \
             '2026-03-02', NULL, 1, '2026-03-02T01:00:00+00:00', '2026-03-02T01:00:00+00:00', \
             '{{\"ledger_secret\":\"{c:032x}\"}}')"
        ));
    }
    for chunk in case_rows.chunks(CHUNK) {
        statements.push(format!(
            "INSERT INTO cases_cases (number, item_code, department_id, division, \
             applicant_account_id, channel, stage, holder_role, assignee, received_on, \
             promised_due, revision, submitted_at, updated_at, body) VALUES {}",
            chunk.join(", ")
        ));
    }
    let mut event_rows = Vec::new();
    for n in 0..events {
        let (c, k) = (n / PER_CASE, (n % PER_CASE) as usize);
        let (kind, actor, public, role) = kinds[k];
        let (h, m) = (n / 3600 % 24, n / 60 % 60);
        event_rows.push(format!(
            "('2026-03-02T{h:02}:{m:02}:{:02}+00:00', 'cases', '{kind}', \
             'case:430100-20260302-{c:06}', '{actor}', \
             '{{\"stage\":\"working\",\"step\":{k},\"outcome\":null}}', '{public}', {role})",
            n % 60
        ));
    }
    for chunk in event_rows.chunks(CHUNK) {
        statements.push(format!(
            "INSERT INTO events (at, context, kind, subject, actor, payload, public_actor, \
             public_role) VALUES {}",
            chunk.join(", ")
        ));
    }
    if url.starts_with("sqlite:") {
        let mut conn = sqlx::SqliteConnection::connect(url).await?;
        let mut tx = conn.begin().await?;
        for s in statements {
            sqlx::raw_sql(AssertSqlSafe(s)).execute(&mut *tx).await?;
        }
        tx.commit().await?;
    } else {
        let mut conn = sqlx::PgConnection::connect(url).await?;
        let mut tx = conn.begin().await?;
        for s in statements {
            sqlx::raw_sql(AssertSqlSafe(s)).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        sqlx::raw_sql("ANALYZE").execute(&mut conn).await?;
    }
    Ok(())
}

/// Inserts the leaves as the store does (chunks of [`CHUNK`] rows, one
/// transaction per [`ROUND`]), and nothing else.
macro_rules! raw_insert {
    ($name:ident, $db:ty, $connect:expr) => {
        async fn $name(url: &str, leaves: &[bianli_store::ledger::LeafRow]) -> Result<(), Error> {
            let mut conn = $connect(url).await?;
            for round in leaves.chunks(ROUND) {
                let mut tx = conn.begin().await?;
                for chunk in round.chunks(CHUNK) {
                    let mut qb = QueryBuilder::<$db>::new(
                        "INSERT INTO ledger_leaves (idx, event_seq, leaf_hash, bytes) ",
                    );
                    qb.push_values(chunk, |mut b, l| {
                        b.push_bind(l.index as i64)
                            .push_bind(l.event_seq)
                            .push_bind(l.leaf_hash.0.to_vec())
                            .push_bind(l.bytes.clone());
                    });
                    qb.build().execute(&mut *tx).await?;
                }
                tx.commit().await?;
            }
            Ok(())
        }
    };
}
raw_insert!(raw_sqlite, sqlx::Sqlite, sqlite_as_the_store);
raw_insert!(raw_pg, sqlx::Postgres, sqlx::PgConnection::connect);

/// A connection set up as the store sets up its own (WAL, synchronous
/// NORMAL, a large cache), so the comparison is of the work alone.
async fn sqlite_as_the_store(url: &str) -> Result<sqlx::SqliteConnection, sqlx::Error> {
    use std::str::FromStr;
    let opts = sqlx::sqlite::SqliteConnectOptions::from_str(url)?
        .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
        .synchronous(sqlx::sqlite::SqliteSynchronous::Normal)
        .pragma("cache_size", "-131072")
        .pragma("temp_store", "memory");
    opts.connect().await
}
