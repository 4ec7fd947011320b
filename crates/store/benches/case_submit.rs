//! Durable submissions per second: `create_case` (the day's serial, the case
//! row with its due date for acceptance, the `case.submitted` event, one
//! committed transaction each), beside the raw limit of the same database
//! inserting the same two rows per transaction with nothing else, and the
//! same rows batched as multi-row statements per transaction.
//!
//! `cargo bench -p bianli-store --bench case_submit --profile dev` runs on
//! SQLite in a temp folder; with `BIANLI_BENCH_PG=postgres://…/db` also on
//! PostgreSQL (in a fresh database made beside that one, dropped after).
//! Prints rates at 1, 16 and 64 concurrent submitters; not a timed test.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bianli_domain::calendar::{WorkCalendar, parse_rows, years_of};
use bianli_domain::cases::{
    Applicant, ApplicantKind, FileRef, NewCase, Submitted, VerificationCode, Workflow, clock,
};
use bianli_domain::catalog::{Channel, Item, ItemInput, Material, MaterialForm};
use bianli_store::Store;
use chrono::{NaiveDate, Utc};
use sqlx::Connection;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Long enough for a steady rate, short enough to run often.
const RUN: Duration = Duration::from_secs(5);

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let dir = std::env::temp_dir().join(format!("bianli-bench-cases-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let calendar = Arc::new(bundled_calendar()?);
    rt.block_on(async {
        for workers in [1, 16, 64] {
            let store = format!(
                "sqlite://{}",
                dir.join(format!("store{workers}.db")).display()
            );
            let raw = format!(
                "sqlite://{}",
                dir.join(format!("raw{workers}.db")).display()
            );
            run("SQLite", workers, &store, &raw, &calendar).await?;
        }
        if let Ok(pg) = std::env::var("BIANLI_BENCH_PG") {
            for workers in [1, 16, 64] {
                let store = fresh_pg(&pg, &format!("bianli_bench_store{workers}")).await?;
                let raw = fresh_pg(&pg, &format!("bianli_bench_raw{workers}")).await?;
                run("PostgreSQL", workers, &store, &raw, &calendar).await?;
            }
        }
        Ok::<_, Box<dyn std::error::Error>>(())
    })?;
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

async fn fresh_pg(base: &str, name: &str) -> Result<String, Box<dyn std::error::Error>> {
    let mut conn = sqlx::PgConnection::connect(base).await?;
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS {name}"
    )))
    .execute(&mut conn)
    .await?;
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut conn)
        .await?;
    let (prefix, _) = base.rsplit_once('/').ok_or("a database URL ends in /DB")?;
    Ok(format!("{prefix}/{name}"))
}

fn bundled_calendar() -> Result<WorkCalendar, Box<dyn std::error::Error>> {
    let text = include_str!("../../../data/cn_holidays.csv");
    let records: Vec<(usize, Vec<String>)> = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.split(',').map(str::to_string).collect()))
        .collect();
    let days = parse_rows(&records).map_err(|e| e.to_string())?;
    Ok(WorkCalendar::new(years_of(&days), &days).map_err(|e| e.to_string())?)
}

fn item() -> Item {
    let m = |name: &str| Material {
        name: name.into(),
        required: true,
        form: MaterialForm::Copy,
        may_defer: false,
    };
    ItemInput {
        code: "430100-0100001".into(),
        name: "食品经营许可".into(),
        kind: "行政许可".into(),
        department_id: 1,
        division: "430100".into(),
        legal_basis: vec!["《中华人民共和国食品安全法》第三十五条".into()],
        statutory_days: Some(20),
        promised_days: 10,
        visits: 1,
        channels: vec!["hall".into(), "web".into()],
        materials: vec![m("食品经营许可申请书"), m("营业执照")],
        ..Default::default()
    }
    .parse()
    .expect("the bench item")
}

/// One citizen's online application with two uploaded files, as the app
/// hands it to the store.
fn application(item: &Item, day: NaiveDate, n: u64) -> NewCase {
    let file = |i: u64| FileRef {
        blob: format!("{:064x}", n * 2 + i),
        name: format!("材料{i}.pdf"),
        size: 250_000,
        media_type: "application/pdf".into(),
    };
    NewCase::check(
        item,
        Workflow::standard(),
        Applicant {
            kind: ApplicantKind::Citizen,
            name: "张三".into(),
            id: "11010519491231002X".into(),
            account_id: Some(1),
        },
        Channel::Web,
        "account:1".into(),
        BTreeMap::from([
            ("phone".to_string(), "13800138000".to_string()),
            ("address".to_string(), "长沙市芙蓉区五一大道1号".to_string()),
        ]),
        (0..2)
            .map(|i| Submitted {
                material: i,
                name: String::new(),
                files: vec![file(i as u64)],
            })
            .collect(),
        day,
        Utc::now(),
    )
    .expect("a valid application")
}

fn code(n: u64) -> VerificationCode {
    let bytes: Vec<u8> = (0..32)
        .map(|i| ((n >> (i % 8)) as u8).wrapping_mul(31).wrapping_add(i))
        .collect();
    VerificationCode::from_random(&bytes)
        .or_else(|| VerificationCode::parse("ABCDEFGH").ok())
        .expect("a code")
}

async fn run(
    db: &str,
    workers: u64,
    store_url: &str,
    raw_url: &str,
    calendar: &Arc<WorkCalendar>,
) -> Result<(), Box<dyn std::error::Error>> {
    let store: Arc<dyn Store> = bianli_store::connect(store_url).await?;
    let item = Arc::new(item());
    // Spread over days so no serial runs out (999,999 a division a day).
    let day0 = NaiveDate::from_ymd_opt(2026, 3, 2).ok_or("a date")?;
    let started = Instant::now();
    let mut tasks = Vec::new();
    for w in 0..workers {
        let (store, item, calendar) = (store.clone(), item.clone(), calendar.clone());
        tasks.push(tokio::spawn(async move {
            let mut done = 0u64;
            while started.elapsed() < RUN {
                let n = w * 1_000_000_000 + done;
                let day = day0 + chrono::Days::new(n % 200);
                let new = application(&item, day, n);
                let stored = store
                    .create_case(new, code(n), "account:1", Utc::now())
                    .await
                    .expect("submitted");
                clock::acceptance_due(&stored.case, &calendar).expect("a due date");
                done += 1;
            }
            done
        }));
    }
    let mut total = 0;
    for t in tasks {
        total += t.await?;
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{db:<10} {workers:>2} submitters  store create_case     {:>8.0} /s  ({total} in {secs:.1} s)",
        total as f64 / secs
    );
    drop(store);

    // The raw limit: the same case row (its JSON body serialised once) and
    // an event row, one transaction each, on the same schema.
    let raw: Arc<dyn Store> = bianli_store::connect(raw_url).await?;
    drop(raw);
    let sample = application(&item, day0, 0).into_case(
        bianli_domain::cases::CaseNumber::parse("430100-20260302-000001")
            .map_err(|e| e.to_string())?,
        code(0),
    );
    let body = serde_json::to_string(&sample)?;
    if raw_url.starts_with("sqlite:") {
        // The store commits case writes with synchronous=FULL (a receipt
        // survives a power cut); NORMAL only survives a crash.
        for (mode, sync) in [
            ("FULL", sqlx::sqlite::SqliteSynchronous::Full),
            ("NORMAL", sqlx::sqlite::SqliteSynchronous::Normal),
        ] {
            let started = Instant::now();
            let total = raw_sqlite(raw_url, workers, &body, started, sync).await?;
            report(db, workers, &format!("raw INSERT ({mode})"), total, started);
        }
        // The ceiling of batching: one writer inserting the same rows as
        // multi-row statements, `workers` submissions a transaction, FULL.
        let started = Instant::now();
        let total = raw_sqlite_batched(raw_url, workers, &body, started).await?;
        report(db, workers, "raw batched (FULL)", total, started);
    } else {
        let started = Instant::now();
        let total = raw_pg(raw_url, workers, &body, started).await?;
        report(db, workers, "raw INSERT case+event", total, started);
        let started = Instant::now();
        let total = raw_pg_batched(raw_url, workers, &body, started).await?;
        report(db, workers, "raw batched", total, started);
    }
    Ok(())
}

fn report(db: &str, workers: u64, what: &str, total: u64, started: Instant) {
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{db:<10} {workers:>2} submitters  {what:<22} {:>8.0} /s  ({total} in {secs:.1} s)",
        total as f64 / secs
    );
}

const RAW_CASE: &str = "INSERT INTO cases_cases (number, item_code, department_id, division, \
     applicant_account_id, channel, stage, holder_role, assignee, received_on, promised_due, \
     revision, submitted_at, updated_at, body) VALUES ($1, '430100-0100001', 1, '430100', 1, \
     'web', 'submitted', 'clerk', NULL, $2, NULL, 1, $3, $3, $4)";
const RAW_EVENT: &str = "INSERT INTO events (at, context, kind, subject, actor, payload) \
     VALUES ($1, 'cases', 'case.submitted', $2, 'account:1', $3)";

async fn raw_sqlite(
    url: &str,
    workers: u64,
    body: &str,
    started: Instant,
    synchronous: sqlx::sqlite::SqliteSynchronous,
) -> Result<u64, Box<dyn std::error::Error>> {
    use std::str::FromStr;
    let opts = sqlx::sqlite::SqliteConnectOptions::from_str(url)?
        .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
        .synchronous(synchronous)
        .busy_timeout(Duration::from_secs(10));
    let pool = sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(8)
        .connect_with(opts)
        .await?;
    // Each mode's run writes its own numbers into the same database.
    let mode = matches!(synchronous, sqlx::sqlite::SqliteSynchronous::Full);
    let mut tasks = Vec::new();
    for w in 0..workers {
        let (pool, body) = (pool.clone(), body.to_string());
        tasks.push(tokio::spawn(async move {
            let mut done = 0u64;
            while started.elapsed() < RUN {
                let number = format!("{w}-{done}-{mode}");
                let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.expect("tx");
                let day = NaiveDate::from_ymd_opt(2026, 3, 2).expect("date");
                sqlx::query(RAW_CASE)
                    .bind(&number)
                    .bind(day)
                    .bind(Utc::now())
                    .bind(&body)
                    .execute(&mut *tx)
                    .await
                    .expect("case row");
                sqlx::query(RAW_EVENT)
                    .bind(Utc::now())
                    .bind(&number)
                    .bind("{}")
                    .execute(&mut *tx)
                    .await
                    .expect("event row");
                tx.commit().await.expect("commit");
                done += 1;
            }
            done
        }));
    }
    let mut total = 0;
    for t in tasks {
        total += t.await?;
    }
    Ok(total)
}

/// The ceiling of batching: one connection inserting the case and event
/// rows as multi-row statements, `per_tx` submissions a transaction; the
/// JSON (text on SQLite, jsonb on PostgreSQL) bound as `$body` makes it.
macro_rules! raw_batched {
    ($name:ident, $db:ty, $connect:expr, $begin:literal, $body:expr) => {
        async fn $name(
            url: &str,
            per_tx: u64,
            body: &str,
            started: Instant,
        ) -> Result<u64, Box<dyn std::error::Error>> {
            let mut conn = $connect(url).await?;
            let body = $body(body)?;
            let payload = $body("{}")?;
            let day = NaiveDate::from_ymd_opt(2026, 3, 2).ok_or("a date")?;
            let mut done = 0u64;
            while started.elapsed() < RUN {
                let numbers: Vec<String> = (done..done + per_tx)
                    .map(|n| format!("batched-{n}"))
                    .collect();
                let mut tx = conn.begin_with($begin).await?;
                let mut cases = sqlx::QueryBuilder::<$db>::new(
                    "INSERT INTO cases_cases (number, item_code, department_id, division, \
                     applicant_account_id, channel, stage, holder_role, assignee, received_on, \
                     promised_due, revision, submitted_at, updated_at, body) ",
                );
                cases.push_values(&numbers, |mut b, number| {
                    b.push_bind(number)
                        .push_bind("430100-0100001")
                        .push_bind(1_i64)
                        .push_bind("430100")
                        .push_bind(1_i64)
                        .push_bind("web")
                        .push_bind("submitted")
                        .push_bind("clerk")
                        .push_bind(None::<i64>)
                        .push_bind(day)
                        .push_bind(None::<NaiveDate>)
                        .push_bind(1_i64)
                        .push_bind(Utc::now())
                        .push_bind(Utc::now())
                        .push_bind(&body);
                });
                cases.build().execute(&mut *tx).await?;
                let mut events = sqlx::QueryBuilder::<$db>::new(
                    "INSERT INTO events (at, context, kind, subject, actor, payload) ",
                );
                events.push_values(&numbers, |mut b, number| {
                    b.push_bind(Utc::now())
                        .push_bind("cases")
                        .push_bind("case.submitted")
                        .push_bind(number)
                        .push_bind("account:1")
                        .push_bind(&payload);
                });
                events.build().execute(&mut *tx).await?;
                tx.commit().await?;
                done += per_tx;
            }
            Ok(done)
        }
    };
}
raw_batched!(
    raw_sqlite_batched,
    sqlx::Sqlite,
    sqlite_full,
    "BEGIN IMMEDIATE",
    |json: &str| Ok::<_, serde_json::Error>(json.to_string())
);
raw_batched!(
    raw_pg_batched,
    sqlx::Postgres,
    sqlx::PgConnection::connect,
    "BEGIN",
    |json: &str| serde_json::from_str::<serde_json::Value>(json).map(sqlx::types::Json)
);

/// A connection committing with synchronous=FULL, as the store's case writes do.
async fn sqlite_full(url: &str) -> Result<sqlx::SqliteConnection, sqlx::Error> {
    use std::str::FromStr;
    let opts = sqlx::sqlite::SqliteConnectOptions::from_str(url)?
        .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
        .synchronous(sqlx::sqlite::SqliteSynchronous::Full)
        .busy_timeout(Duration::from_secs(10));
    sqlx::SqliteConnection::connect_with(&opts).await
}

async fn raw_pg(
    url: &str,
    workers: u64,
    body: &str,
    started: Instant,
) -> Result<u64, Box<dyn std::error::Error>> {
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(16)
        .connect(url)
        .await?;
    let body: serde_json::Value = serde_json::from_str(body)?;
    let mut tasks = Vec::new();
    for w in 0..workers {
        let (pool, body) = (pool.clone(), body.clone());
        tasks.push(tokio::spawn(async move {
            let mut done = 0u64;
            while started.elapsed() < RUN {
                let number = format!("{w}-{done}");
                let mut tx = pool.begin().await.expect("tx");
                let day = NaiveDate::from_ymd_opt(2026, 3, 2).expect("date");
                sqlx::query(RAW_CASE)
                    .bind(&number)
                    .bind(day)
                    .bind(Utc::now())
                    .bind(sqlx::types::Json(&body))
                    .execute(&mut *tx)
                    .await
                    .expect("case row");
                sqlx::query(RAW_EVENT)
                    .bind(Utc::now())
                    .bind(&number)
                    .bind(sqlx::types::Json(serde_json::json!({})))
                    .execute(&mut *tx)
                    .await
                    .expect("event row");
                tx.commit().await.expect("commit");
                done += 1;
            }
            done
        }));
    }
    let mut total = 0;
    for t in tasks {
        total += t.await?;
    }
    Ok(total)
}
