//! How fast the store applies the demo's decrees, beside the raw limit of the
//! same database writing the same rows.
//!
//! `cargo bench -p bianli-store --bench decree_write` runs on SQLite in a temp
//! folder; with `BIANLI_BENCH_PG=postgres://…/db` it also runs on PostgreSQL
//! (the database is emptied first). Each figure is one run of a big
//! transaction, so this prints wall times rather than sampling: the seed is a
//! one-off operation of tens of seconds, not a microbenchmark.

use std::time::Instant;

use bianli_domain::catalog::{Adjustment, Item};
use bianli_domain::event::NewEvent;
use chrono::Utc;
use sqlx::{Connection, Executor, QueryBuilder};

// As the `bianli` binary does, so the figures match what a seed costs.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let started = Instant::now();
    let demo = bianli_demo::catalog();
    println!("demo generated in {:.1} s", started.elapsed().as_secs_f64());
    let dir = std::env::temp_dir().join(format!("bianli-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let sqlite = |name: &str| format!("sqlite://{}", dir.join(name).display());
    rt.block_on(async {
        run("SQLite", &sqlite("store.db"), &sqlite("raw.db"), &demo).await?;
        if let Ok(pg) = std::env::var("BIANLI_BENCH_PG") {
            run("PostgreSQL", &pg, &pg, &demo).await?;
        }
        Ok::<_, Box<dyn std::error::Error>>(())
    })?;
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

async fn run(
    db: &str,
    store_url: &str,
    raw_url: &str,
    demo: &bianli_demo::DemoCatalog,
) -> Result<(), Box<dyn std::error::Error>> {
    let store = fresh(store_url, demo).await?;
    for d in &demo.decrees {
        let t = Instant::now();
        let (_, applied) = store
            .enact_decree(&d.decree, &d.adjustments, "bench", Utc::now())
            .await?;
        let secs = t.elapsed().as_secs_f64();
        println!(
            "{db:<10} store   {:<16} {:>7} adjustments  {:>7} started {:>7} ended  {secs:>6.2} s",
            d.decree.number.as_str(),
            d.adjustments.len(),
            applied.started,
            applied.ended,
        );
    }
    let t = Instant::now();
    store.settle().await?;
    println!(
        "{db:<10} store   settle (ANALYZE; SQLite: checkpoint the WAL)        {:>6.2} s",
        t.elapsed().as_secs_f64()
    );
    drop(store);

    // The raw limit: the baseline's rows, already serialised, inserted into
    // the same table with the same indexes in one transaction, in the
    // cheapest batch the database takes — no planning, no validation.
    let items: Vec<&Item> = demo.decrees[0]
        .adjustments
        .iter()
        .filter_map(|a| match a {
            Adjustment::Add { item } => Some(item),
            _ => None,
        })
        .collect();
    drop(fresh(raw_url, demo).await?);
    let rows: Vec<Row> = items.iter().map(|i| Row::of(i)).collect::<Result<_, _>>()?;
    let t = Instant::now();
    let how = if raw_url.starts_with("sqlite:") {
        raw_sqlite(raw_url, &rows).await?;
        "INSERT, 500 rows per statement"
    } else {
        raw_postgres(raw_url, &rows).await?;
        "COPY FROM STDIN"
    };
    let secs = t.elapsed().as_secs_f64();
    println!(
        "{db:<10} raw     the baseline's {} rows by {how}: {secs:.2} s ({:.0} rows/s)",
        rows.len(),
        rows.len() as f64 / secs
    );
    Ok(())
}

/// An empty database with the schema and the reference data.
async fn fresh(
    url: &str,
    demo: &bianli_demo::DemoCatalog,
) -> Result<std::sync::Arc<dyn bianli_store::Store>, Box<dyn std::error::Error>> {
    reset(url).await?;
    let store = bianli_store::connect(url).await?;
    let event = NewEvent::new(
        "catalog",
        "reference.loaded",
        "reference",
        "bench",
        serde_json::json!({}),
    );
    store
        .put_reference(&demo.divisions, &demo.departments, event, Utc::now())
        .await?;
    Ok(store)
}

const BASELINE_FROM: &str = "2014-12-31";

async fn raw_sqlite(url: &str, rows: &[Row]) -> Result<(), Box<dyn std::error::Error>> {
    let mut conn = sqlx::SqliteConnection::connect(url).await?;
    // The store's settings: a big cache, checkpoints left to later.
    conn.execute(
        "PRAGMA cache_size = -131072; PRAGMA temp_store = memory; PRAGMA wal_autocheckpoint = 0",
    )
    .await?;
    let mut tx = conn.begin().await?;
    for chunk in rows.chunks(500) {
        let mut qb = QueryBuilder::<sqlx::Sqlite>::new(
            "INSERT INTO catalog_items (code, version, valid_from, start_change, \
             name, kind, level, division, department_id, visits, promised_days, body) ",
        );
        qb.push_values(chunk, |mut b, r| {
            b.push_bind(r.code.as_str())
                .push_bind(1_i64)
                .push_bind(BASELINE_FROM)
                .push_bind("add")
                .push_bind(r.name.as_str())
                .push_bind(r.kind)
                .push_bind(r.level)
                .push_bind(r.division.as_str())
                .push_bind(r.department_id)
                .push_bind(r.visits)
                .push_bind(r.promised_days)
                .push_bind(r.body.as_str());
        });
        tx.execute(qb.build()).await?;
    }
    tx.commit().await?;
    Ok(())
}

async fn raw_postgres(url: &str, rows: &[Row]) -> Result<(), Box<dyn std::error::Error>> {
    let mut conn = sqlx::PgConnection::connect(url).await?;
    let mut tx = conn.begin().await?;
    let mut copy = tx
        .copy_in_raw(
            "COPY catalog_items (code, version, valid_from, start_change, name, kind, level, \
             division, department_id, visits, promised_days, body) FROM STDIN",
        )
        .await?;
    let mut buf = String::new();
    for chunk in rows.chunks(5_000) {
        buf.clear();
        for r in chunk {
            // COPY's text format: tab-separated, backslash escapes.
            let body = r.body.replace('\\', "\\\\");
            buf.push_str(&format!(
                "{}\t1\t{BASELINE_FROM}\tadd\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{body}\n",
                r.code,
                r.name,
                r.kind,
                r.level,
                r.division,
                r.department_id,
                r.visits,
                r.promised_days
            ));
        }
        copy.send(buf.as_bytes()).await?;
    }
    copy.finish().await?;
    tx.commit().await?;
    Ok(())
}

struct Row {
    code: String,
    name: String,
    kind: &'static str,
    level: &'static str,
    division: String,
    department_id: i64,
    visits: i64,
    promised_days: i64,
    body: String,
}

impl Row {
    fn of(i: &Item) -> Result<Row, serde_json::Error> {
        Ok(Row {
            code: i.code.to_string(),
            name: i.name.clone(),
            kind: i.kind.zh(),
            level: i.level().as_str(),
            division: i.division.to_string(),
            department_id: i.department_id,
            visits: i64::from(i.visits),
            promised_days: i64::from(i.promised_days),
            body: serde_json::to_string(i)?,
        })
    }
}

/// Starts from an empty database: a fresh file, or an emptied PostgreSQL schema.
async fn reset(url: &str) -> Result<(), Box<dyn std::error::Error>> {
    if let Some(path) = url.strip_prefix("sqlite://") {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{path}{suffix}"));
        }
        return Ok(());
    }
    let mut conn = sqlx::PgConnection::connect(url).await?;
    conn.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        .await?;
    Ok(())
}
