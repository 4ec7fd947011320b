//! The demo's year of cases: played through the use cases on a simulated
//! clock, so what it leaves is exactly what the rules write — events for
//! every step, cards for late ones, ratings — dated across the year.

use std::collections::BTreeMap;

use crate::both_dbs;
use crate::helpers::{Db, spawn_app};

async fn a_year_of_cases_through_the_use_cases(db: Db) {
    let t = spawn_app(db).await;
    let before = t.event_count().await;
    let done = t
        .app
        .seed_history(400, &|_| {})
        .await
        .expect("the history plays");
    assert_eq!(done.cases, 400);
    assert_eq!(
        done.refused, 0,
        "every scripted step is one the rules allow"
    );
    assert!(done.ratings > 50, "{done:?}");

    let events = t.app.store().events(0, 1_000_000).await.expect("events");
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    for e in &events {
        *kinds.entry(e.kind.as_str()).or_default() += 1;
    }
    assert_eq!(kinds.get("case.submitted"), Some(&400), "{kinds:?}");
    for kind in [
        "case.accepted",
        "case.refused",
        "case.correction_requested",
        "case.approved",
        "case.denied",
        "case.passed",
        "case.extended",
        "case.delivered",
        "case.suspended",
        "case.resumed",
        "case.card",
        "rating.given",
    ] {
        assert!(
            kinds.get(kind).is_some_and(|n| *n > 0),
            "no {kind} in {kinds:?}"
        );
    }
    // One event per step and submission at least; each dated in the
    // simulated year, none in the future.
    assert!(
        events.len() - before >= done.actions,
        "{} events",
        events.len()
    );
    let first = events[before..].iter().map(|e| e.at).min().expect("events");
    let last = events[before..].iter().map(|e| e.at).max().expect("events");
    assert!((last - first).num_days() > 300, "{first} .. {last}");
    assert!(last <= chrono::Utc::now());

    // The workbench sees them: the demo clerk's department has cases, and
    // the supervisor's card list is not empty.
    let clerk = t.login("clerk").await;
    let queue = t.get_as("/api/v1/cases/queue", &clerk).await;
    assert_eq!(queue.status(), 200);
    let supervisor = t.login("supervisor").await;
    let cards: serde_json::Value = t
        .get_as("/api/v1/cases/cards", &supervisor)
        .await
        .json()
        .await
        .expect("cards");
    assert!(
        cards["cards"].as_array().is_some_and(|c| c.len() > 10),
        "{cards}"
    );

    // Some cases came in through 12345, filed by a clerk for the caller:
    // the dashboard's channel shares include 热线.
    let province = t.get_json("/api/v1/oversight/province").await;
    let hotline = province["figures"]["channels"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["channel"] == "hotline"))
        .and_then(|c| c["cases"].as_i64())
        .unwrap_or(0);
    assert!(hotline >= 2, "{}", province["figures"]["channels"]);
    let page = t.get("/oversight").await.text().await.expect("html");
    assert!(page.contains("热线"), "the dashboard names the channel");
}
both_dbs!(a_year_of_cases, a_year_of_cases_through_the_use_cases);
