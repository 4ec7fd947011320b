//! The working-day calendar through the API: deadline arithmetic on the
//! bundled schedule, and a new year loaded without a release.

use std::time::{Duration, Instant};

use reqwest::{Response, StatusCode};
use serde_json::Value;

use crate::both_dbs;
use crate::helpers::{Db, TestApp, assert_problem, spawn_app};

const INVALID: StatusCode = StatusCode::UNPROCESSABLE_ENTITY;

/// A made-up 2027 schedule: 元旦 on Friday 1 January with the weekend after
/// it, and National Day.
const YEAR_2027: &str = "date,kind,name,name_zh\n\
    2027-01-01,holiday,New Year's Day,元旦\n\
    2027-01-02,holiday,New Year's Day,元旦\n\
    2027-01-03,holiday,New Year's Day,元旦\n\
    2027-10-01,holiday,National Day,国庆节\n";

async fn add(t: &TestApp, from: &str, days: u32) -> String {
    let v = t
        .get_json(&format!(
            "/api/v1/calendar/add-workdays?from={from}&days={days}"
        ))
        .await;
    v["date"].as_str().expect("a date").to_string()
}

async fn between(t: &TestApp, from: &str, to: &str) -> i64 {
    let v = t
        .get_json(&format!(
            "/api/v1/calendar/workdays-between?from={from}&to={to}"
        ))
        .await;
    v["days"].as_i64().expect("a count")
}

async fn load(t: &TestApp, token: Option<&str>, csv: &str) -> Response {
    let mut req = t
        .client
        .post(format!("{}/api/v1/calendar/years", t.url))
        .header("content-type", "text/csv")
        .body(csv.to_string());
    if let Some(token) = token {
        req = req.bearer_auth(token);
    }
    req.send().await.expect("request")
}

async fn deadlines_on_the_bundled_calendar(db: Db) {
    let t = spawn_app(db).await;
    // National Day 2017: Saturday 09-30 was worked, 10-01..10-08 were off.
    assert_eq!(add(&t, "2017-09-29", 1).await, "2017-09-30");
    assert_eq!(add(&t, "2017-09-30", 1).await, "2017-10-09");
    assert_eq!(add(&t, "2017-09-25", 20).await, "2017-10-27");
    assert_eq!(add(&t, "2017-10-01", 0).await, "2017-10-01");
    // Spring Festival 2024: Sundays 02-04 and 02-18 worked, 02-10..02-17 off.
    assert_eq!(add(&t, "2024-02-03", 1).await, "2024-02-04");
    assert_eq!(add(&t, "2024-02-09", 1).await, "2024-02-18");
    assert_eq!(add(&t, "2024-02-02", 20).await, "2024-03-06");
    assert_eq!(between(&t, "2017-09-29", "2017-10-09").await, 2);
    assert_eq!(between(&t, "2024-02-02", "2024-02-19").await, 8);
    assert_eq!(between(&t, "2017-10-09", "2017-09-29").await, -2);

    let years = t.get_json("/api/v1/calendar/years").await;
    let listed: Vec<i64> = years["years"]
        .as_array()
        .expect("years")
        .iter()
        .filter_map(|y| y["year"].as_i64())
        .collect();
    assert_eq!(listed, (2004..=2026).collect::<Vec<i64>>());
    let y2024 = &years["years"][20];
    assert_eq!(
        (y2024["holidays"].as_i64(), y2024["workdays"].as_i64()),
        (Some(28), Some(8)),
        "{y2024}"
    );

    // Outside the loaded years: a 422 naming the field, never a guess.
    let p = assert_problem(
        t.get("/api/v1/calendar/add-workdays?from=2003-12-31&days=1")
            .await,
        INVALID,
        "from",
    )
    .await;
    assert!(
        p["errors"][0]["reason"]
            .as_str()
            .is_some_and(|r| r.contains("2004–2026")),
        "{p}"
    );
    assert_problem(
        t.get("/api/v1/calendar/add-workdays?from=2026-12-30&days=5")
            .await,
        INVALID,
        "days",
    )
    .await;
    assert_problem(
        t.get("/api/v1/calendar/workdays-between?from=2026-12-01&to=2027-01-05")
            .await,
        INVALID,
        "to",
    )
    .await;
    // Bad or missing parameters.
    assert_problem(
        t.get("/api/v1/calendar/add-workdays?from=2024-02-30&days=1")
            .await,
        INVALID,
        "from",
    )
    .await;
    assert_problem(
        t.get("/api/v1/calendar/add-workdays?from=2024-02-01&days=-1")
            .await,
        INVALID,
        "days",
    )
    .await;
    assert_problem(
        t.get("/api/v1/calendar/add-workdays").await,
        INVALID,
        "days",
    )
    .await;
    assert_problem(
        t.get("/api/v1/calendar/workdays-between?from=2024-02-01")
            .await,
        INVALID,
        "to",
    )
    .await;
}
both_dbs!(bundled_calendar, deadlines_on_the_bundled_calendar);

async fn a_new_year_loads_without_a_release(db: Db) {
    let t = spawn_app(db).await;

    // Only a system administrator loads years.
    assert_problem(
        load(&t, None, YEAR_2027).await,
        StatusCode::UNAUTHORIZED,
        "",
    )
    .await;
    let deptadmin = t.login("deptadmin").await;
    assert_problem(
        load(&t, Some(&deptadmin), YEAR_2027).await,
        StatusCode::FORBIDDEN,
        "",
    )
    .await;

    // A bad file: every bad row named, nothing written.
    let admin = t.login("admin").await;
    let before = t.event_count().await;
    let bad =
        format!("{YEAR_2027}2027-01-04,workday,New Year's Day,元旦\n2027-13-01,holiday,x,y\n");
    let p = assert_problem(load(&t, Some(&admin), &bad).await, INVALID, "line 6: kind").await;
    assert_eq!(p["errors"][1]["field"], "line 7: date", "{p}");
    let partial = "date,kind,name,name_zh\n2027-02-06,holiday,Spring Festival,春节\n";
    assert_problem(load(&t, Some(&admin), partial).await, INVALID, "year 2027").await;
    let r = t
        .client
        .post(format!("{}/api/v1/calendar/years", t.url))
        .bearer_auth(&admin)
        .json(&serde_json::json!({}))
        .send()
        .await
        .expect("request");
    assert_problem(r, INVALID, "body").await;
    assert_eq!(
        t.event_count().await,
        before,
        "a refused file writes nothing"
    );
    assert_problem(
        t.get("/api/v1/calendar/add-workdays?from=2026-12-31&days=1")
            .await,
        INVALID,
        "days",
    )
    .await;

    // The good file: 2027 counts at once.
    let r = load(&t, Some(&admin), YEAR_2027).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let v: Value = r.json().await.expect("json");
    assert_eq!(v["years"], serde_json::json!([2027]));
    assert_eq!(v["special_days"], 4);
    assert_eq!(add(&t, "2026-12-31", 1).await, "2027-01-04");
    assert_eq!(between(&t, "2026-12-30", "2027-01-05").await, 3);
    let years = t.get_json("/api/v1/calendar/years").await;
    assert_eq!(years["years"].as_array().map(Vec::len), Some(24));

    // Loaded by another process on the same database (the `bianli` command,
    // or another server on PostgreSQL): the server follows its event.
    let other = bianli_app::App::open_unindexed_with(&t.db_url, &t.blobs_url)
        .await
        .expect("open");
    let y2028 = YEAR_2027.replace("2027-", "2028-");
    other
        .load_calendar(&bianli_app::Actor::system("test"), y2028.as_bytes())
        .await
        .expect("2028 loads");
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let r = t
            .get("/api/v1/calendar/add-workdays?from=2028-01-01&days=1")
            .await;
        if r.status() == StatusCode::OK {
            let v: Value = r.json().await.expect("json");
            assert_eq!(v["date"], "2028-01-04");
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the server never saw 2028 loaded"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
both_dbs!(loading_years, a_new_year_loads_without_a_release);
