//! Many submissions at once: every one answered with its own number, the
//! numbers of a division's day gap-free and each with its event; and one
//! submission that cannot be filed, arriving among many, fails alone.
//! (Concurrent submissions are filed in batches, on PostgreSQL several
//! batches side by side; from outside each must look filed on its own.)

use std::collections::BTreeMap;
use std::sync::Arc;

use bianli_domain::cases::{Applicant, ApplicantKind, VerificationCode, Workflow};
use bianli_domain::catalog::Channel;
use chrono::NaiveDate;
use serde_json::Value;

use crate::both_dbs;
use crate::cases::{at, file_at_hall, food_licence};
use crate::helpers::{Db, TestApp, spawn_app};
use crate::ledger::sql;

const AT_ONCE: usize = 60;

fn serial(number: &str) -> u32 {
    number
        .rsplit('-')
        .next()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("a case number: {number}"))
}

async fn submitted_events(t: &TestApp) -> usize {
    let n: i64 = if t.db_url.starts_with("sqlite:") {
        let pool = sqlx::SqlitePool::connect(&t.db_url).await.expect("sqlite");
        sqlx::query_scalar("SELECT count(*) FROM events WHERE kind = 'case.submitted'")
            .fetch_one(&pool)
            .await
            .expect("count")
    } else {
        let pool = sqlx::PgPool::connect(&t.db_url).await.expect("postgres");
        sqlx::query_scalar("SELECT count(*) FROM events WHERE kind = 'case.submitted'")
            .fetch_one(&pool)
            .await
            .expect("count")
    };
    usize::try_from(n).expect("a count")
}

async fn many_at_once(db: Db) {
    let t = Arc::new(spawn_app(db).await);
    at(&t, "2026-11-02");
    let item = food_licence(&t).await;
    let clerk = t.login("clerk").await;
    let before = submitted_events(&t).await;
    let filings: Vec<_> = (0..AT_ONCE)
        .map(|i| {
            let (t, clerk, code) = (t.clone(), clerk.clone(), item["code"].clone());
            tokio::spawn(
                async move { file_at_hall(&t, &clerk, &code, &format!("申请人{i}")).await },
            )
        })
        .collect();
    let mut numbers = Vec::new();
    for f in filings {
        numbers.push(f.await.expect("a filing"));
    }
    let mut serials: Vec<u32> = numbers.iter().map(|n| serial(n)).collect();
    serials.sort_unstable();
    let expected: Vec<u32> = (1..=u32::try_from(AT_ONCE).expect("small")).collect();
    assert_eq!(serials, expected, "{numbers:?}");
    assert!(numbers.iter().all(|n| n.starts_with("430100-20261102-")));
    assert_eq!(submitted_events(&t).await, before + AT_ONCE);

    // Each is its own case, readable by its number and code.
    let first = &numbers[0];
    let r = t.get_as(&format!("/api/v1/cases/{first}"), &clerk).await;
    assert_eq!(r.status(), reqwest::StatusCode::OK);
    let clerk_view: Value = r.json().await.expect("json");
    assert_eq!(clerk_view["number"], first.as_str());

    // One that cannot be filed among many: its division's serials for
    // 2026-11-04 are used up, so it fails, and only it.
    sql(
        &t,
        &["INSERT INTO cases_serials (division, day, last) VALUES ('430100', '2026-11-04', 999999)"],
    )
    .await;
    let version = t
        .app
        .store()
        .items_by_code(
            &[item["code"].as_str().expect("code").to_string()],
            NaiveDate::from_ymd_opt(2026, 11, 2).expect("date"),
        )
        .await
        .expect("the item")
        .pop()
        .expect("in force");
    // The item's own required fields, as the API helpers fill them.
    let own =
        crate::cases::own_fields(&serde_json::to_value(&version.item).expect("the item as JSON"));
    let submission = |day: u32, i: usize| {
        let d = NaiveDate::from_ymd_opt(2026, 11, day).expect("date");
        bianli_domain::cases::NewCase::check(
            &version.item,
            Workflow::standard(),
            Applicant {
                kind: ApplicantKind::Citizen,
                name: format!("申请人{i}"),
                id: "11010519491231002X".into(),
                account_id: None,
            },
            Channel::Hall,
            "system:test".into(),
            BTreeMap::from([
                ("phone".to_string(), "13800138000".to_string()),
                ("address".to_string(), "长沙市芙蓉区五一大道1号".to_string()),
            ])
            .into_iter()
            .chain(own.clone())
            .collect(),
            Vec::new(),
            d,
            t.app.now(),
        )
        .expect("a valid application")
    };
    let store = t.app.clone();
    let mut tasks = Vec::new();
    for i in 0..AT_ONCE {
        let (app, new) = (store.clone(), submission(3, i));
        tasks.push(tokio::spawn(async move {
            app.store()
                .create_case(new, code(i), "system:test", app.now())
                .await
                .map(|s| s.case.number.as_str().to_string())
        }));
        if i == AT_ONCE / 2 {
            let (app, new) = (store.clone(), submission(4, i));
            tasks.push(tokio::spawn(async move {
                app.store()
                    .create_case(new, code(i), "system:test", app.now())
                    .await
                    .map(|s| s.case.number.as_str().to_string())
            }));
        }
    }
    let (mut filed, mut failed) = (Vec::new(), Vec::new());
    for task in tasks {
        match task.await.expect("a task") {
            Ok(n) => filed.push(n),
            Err(e) => failed.push(e.to_string()),
        }
    }
    assert_eq!(failed.len(), 1, "{failed:?}");
    let mut serials: Vec<u32> = filed.iter().map(|n| serial(n)).collect();
    serials.sort_unstable();
    assert_eq!(serials, expected, "{filed:?}");
    assert!(filed.iter().all(|n| n.starts_with("430100-20261103-")));
    assert_eq!(submitted_events(&t).await, before + 2 * AT_ONCE);
}

fn code(i: usize) -> VerificationCode {
    let bytes: Vec<u8> = (0..32)
        .map(|k| u8::try_from((i * 7 + k) % 251).unwrap_or(0))
        .collect();
    VerificationCode::from_random(&bytes).expect("a code from 32 random-looking bytes")
}

both_dbs!(many_at_once, many_at_once);
