//! A case's timeline links each step to the leaf that records it (seq,
//! index, the entry and its inclusion proof under the signed checkpoint),
//! checked with the outsider's verifier of `ledger.rs`; a step not yet in
//! the log says so. And a leaf shows the actor as they were when they
//! acted: changing a staff account later changes no leaf.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::both_dbs;
use crate::cases::{act_ok, apply_online, at, food_licence, number_and_code};
use crate::conformance::{Call, Document};
use crate::helpers::{Db, TestApp, spawn_app, spawn_app_unfollowed};
use crate::ledger::{
    all_leaves, caught_up, hashes, leaf_h, parse_key, sql, text, verify_inclusion,
};
use bianli_app::ledger::LeafLink;
use bianli_app::ledger::verify::verify_db;

/// The public status, checked against the OpenAPI document.
async fn status(call: &Call<'_>, number: &str, code: &str) -> Value {
    call.get(
        "/cases/{number}",
        &format!("/cases/{number}?code={code}"),
        StatusCode::OK,
    )
    .await
}

fn links(status: &Value) -> Vec<Value> {
    status["timeline"]
        .as_array()
        .expect("timeline")
        .iter()
        .map(|e| e["ledger"].clone())
        .collect()
}

/// The page's text with the HTML escapes of `&` undone.
fn unescape(html: &str) -> String {
    html.replace("&#38;", "&").replace("&amp;", "&")
}

async fn timeline_steps_link_to_their_leaves(db: Db) {
    let t = spawn_app_unfollowed(db).await;
    let doc = Document::fetch(&t).await;
    let call = Call { t: &t, doc: &doc };
    at(&t, "2026-11-02");
    let item = food_licence(&t).await;
    let enterprise = t.login("enterprise").await;
    let receipt = apply_online(&t, &enterprise, &item).await;
    let (number, code) = number_and_code(&receipt);

    // Not appended yet: pending, with the event but no invented index.
    let s = status(&call, &number, &code).await;
    let first = &links(&s)[0];
    assert_eq!(first["status"], "pending", "{s}");
    let submitted_seq = first["seq"].as_i64().expect("seq");
    assert!(first.get("index").is_none(), "{first}");
    let page = text(&t, &format!("/cases/{number}?code={code}")).await;
    assert!(page.contains("待入账"), "{page}");

    t.app.ledger_catch_up().await.expect("catch up");
    let s = status(&call, &number, &code).await;
    assert_eq!(links(&s)[0]["status"], "recorded", "{s}");
    assert_eq!(links(&s)[0]["seq"], submitted_seq);

    // Steps, and between them events about the case with no step of their
    // own (the certificate, the rating): links are kept, not counted.
    at(&t, "2026-11-03");
    let clerk = t.login("clerk").await;
    act_ok(&t, &clerk, &number, json!({"action": "accept"})).await;
    at(&t, "2026-11-04");
    let (reviewer, approver) = (t.login("reviewer").await, t.login("approver").await);
    act_ok(
        &t,
        &reviewer,
        &number,
        json!({"action": "pass", "opinion": "材料齐全，现场核查合格"}),
    )
    .await;
    t.app.ledger_catch_up().await.expect("catch up");
    act_ok(
        &t,
        &approver,
        &number,
        json!({"action": "decide", "approve": true, "opinion": "准予许可"}),
    )
    .await;
    let enterprise = t.login("enterprise").await;
    let r = t
        .post(
            &format!("/api/v1/cases/{number}/rating"),
            Some(&enterprise),
            &json!({"score": 5}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let clerk = t.login("clerk").await;
    let delivered = act_ok(
        &t,
        &clerk,
        &number,
        json!({"action": "deliver", "method": "electronic"}),
    )
    .await;
    // The action's own answer already names its step's event, pending.
    let last = delivered["ledger"]
        .as_array()
        .and_then(|l| l.last())
        .expect("ledger links");
    assert_eq!(last["status"], "pending", "{delivered}");
    assert_eq!(
        delivered["timeline"]
            .as_array()
            .expect("timeline")
            .last()
            .expect("entry")["seq"],
        last["seq"]
    );

    // Earlier steps are in the log, the newest not yet.
    let s = status(&call, &number, &code).await;
    let statuses: Vec<String> = links(&s)
        .iter()
        .map(|l| l["status"].as_str().expect("status").to_string())
        .collect();
    assert_eq!(
        statuses,
        ["recorded", "recorded", "recorded", "pending", "pending"],
        "{s}"
    );

    t.app.ledger_catch_up().await.expect("catch up");
    let key = parse_key(&text(&t, "/api/v1/ledger/key").await);
    let (size, root) = caught_up(&t, &key).await;
    let s = status(&call, &number, &code).await;
    let whats: Vec<&str> = s["timeline"]
        .as_array()
        .expect("timeline")
        .iter()
        .map(|e| e["what"].as_str().expect("what"))
        .collect();
    assert_eq!(
        whats,
        ["submitted", "accepted", "passed", "approved", "delivered"]
    );
    let mut seqs = Vec::new();
    for (what, link) in whats.iter().zip(links(&s)) {
        assert_eq!(link["status"], "recorded", "{link}");
        let (index, seq) = (
            link["index"].as_u64().expect("index"),
            link["seq"].as_i64().expect("seq"),
        );
        assert_eq!(link["size"], size);
        assert_eq!(
            link["entry"],
            format!("/api/v1/ledger/entries?start={index}&end={}", index + 1)
        );
        let entries = t.get_json(link["entry"].as_str().expect("entry")).await;
        let entry = &entries["entries"][0];
        assert_eq!(entry["index"], index);
        let bytes = STANDARD
            .decode(entry["leaf"].as_str().expect("leaf"))
            .expect("base64");
        let leaf: Value = serde_json::from_slice(&bytes).expect("leaf JSON");
        assert_eq!(leaf["seq"], seq);
        assert_eq!(leaf["kind"], format!("case.{what}"));
        assert_eq!(leaf["subject"], format!("case:{number}"));
        let proof = t.get_json(link["proof"].as_str().expect("proof")).await;
        assert!(
            verify_inclusion(index, size, leaf_h(&bytes), &hashes(&proof), root),
            "step {what}: the inclusion proof verifies against the checkpoint"
        );
        seqs.push(seq);
    }
    assert!(seqs.windows(2).all(|w| w[0] < w[1]));
    // The log holds events about the case that are no step of the timeline,
    // so reading steps off the order of the case's events would be wrong.
    let (_, jsons) = all_leaves(&t, size).await;
    let about_case = jsons
        .iter()
        .filter(|j| j["subject"] == format!("case:{number}"))
        .count();
    assert!(
        about_case > whats.len(),
        "{about_case} events about the case"
    );

    // The applicant's own view and the case page carry the same links.
    let case = t
        .get_as(&format!("/api/v1/cases/{number}"), &enterprise)
        .await
        .json::<Value>()
        .await
        .expect("json");
    assert_eq!(case["ledger"].as_array().expect("ledger"), &links(&s));
    let page = crate::cases::page_as(&t, "enterprise", &format!("/cases/{number}")).await;
    let page = unescape(&page);
    for link in links(&s) {
        let href = format!("href=\"{}\"", link["entry"].as_str().expect("entry"));
        assert!(page.contains(&href), "the case page links {href}");
    }
    let public = unescape(&text(&t, &format!("/cases/{number}?code={code}")).await);
    assert!(!public.contains("待入账"));
    for link in links(&s) {
        let href = format!("href=\"{}\"", link["proof"].as_str().expect("proof"));
        assert!(public.contains(&href), "the status page links {href}");
    }
}
both_dbs!(
    timeline_steps_link_to_their_leaves,
    timeline_steps_link_to_their_leaves
);

/// The leaf of the clerk's acceptance: its index and JSON.
async fn acceptance_leaf(t: &TestApp, number: &str, size: u64) -> (usize, Value) {
    let (_, jsons) = all_leaves(t, size).await;
    jsons
        .into_iter()
        .enumerate()
        .find(|(_, j)| j["kind"] == "case.accepted" && j["subject"] == format!("case:{number}"))
        .expect("the acceptance's leaf")
}

/// The statements of the migration that fills `public_actor` for rows
/// written before it existed, without its `ALTER TABLE`s.
fn backfill(t: &TestApp) -> Vec<String> {
    let text = if t.db_url.starts_with("sqlite:") {
        include_str!("../../../store/migrations/sqlite/0011_event_public_actor.sql")
    } else {
        include_str!("../../../store/migrations/postgres/0011_event_public_actor.sql")
    };
    let code: String = text
        .lines()
        .filter(|l| !l.trim_start().starts_with("--"))
        .collect::<Vec<_>>()
        .join("\n");
    code.split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty() && !s.starts_with("ALTER"))
        .map(str::to_string)
        .collect()
}

async fn later_account_changes_change_no_leaf(db: Db) {
    let t = spawn_app(db).await;
    at(&t, "2026-11-02");
    let item = food_licence(&t).await;
    let enterprise = t.login("enterprise").await;
    let receipt = apply_online(&t, &enterprise, &item).await;
    let number = receipt["number"].as_str().expect("number").to_string();
    let clerk = t.login("clerk").await;
    act_ok(&t, &clerk, &number, json!({"action": "accept"})).await;
    let key = parse_key(&text(&t, "/api/v1/ledger/key").await);
    let (size, _) = caught_up(&t, &key).await;
    let (index, before) = acceptance_leaf(&t, &number, size).await;
    assert_eq!(before["role"], "clerk");
    let was = before["actor"].as_str().expect("actor").to_string();
    assert!(was.starts_with("staff:") && was != "staff:ZZ9999", "{was}");

    // The migration's rule for rows written before the columns existed
    // gives what the write path gives: cleared and filled again by it,
    // every leaf still verifies, in a fresh process (nothing cached).
    let mut statements =
        vec!["UPDATE events SET public_actor = NULL, public_role = NULL".to_string()];
    statements.extend(backfill(&t));
    let statements: Vec<&str> = statements.iter().map(String::as_str).collect();
    sql(&t, &statements).await;
    let fresh = bianli_app::App::open_with(&t.db_url, &t.blobs_url)
        .await
        .expect("a second process");
    verify_db(&fresh)
        .await
        .expect("the backfilled log verifies");

    // The clerk is renumbered and made a reviewer after acting.
    sql(
        &t,
        &[
            "UPDATE identity_accounts SET employee_no = 'ZZ9999', role = 'reviewer' \
           WHERE username = 'clerk'",
        ],
    )
    .await;
    let fresh = bianli_app::App::open_with(&t.db_url, &t.blobs_url)
        .await
        .expect("a third process");
    let verified = verify_db(&fresh).await.expect("the log still verifies");
    assert!(verified.size >= size);
    let (again, after) = acceptance_leaf(&t, &number, size).await;
    assert_eq!((again, &after), (index, &before), "the leaf is unchanged");

    // What they do from now on shows them as they are now.
    let reviewer = t.login("clerk").await;
    act_ok(
        &t,
        &reviewer,
        &number,
        json!({"action": "pass", "opinion": "材料齐全，现场核查合格"}),
    )
    .await;
    let (size, _) = caught_up(&t, &key).await;
    let (_, jsons) = all_leaves(&t, size).await;
    let passed = jsons
        .iter()
        .find(|j| j["kind"] == "case.passed" && j["subject"] == format!("case:{number}"))
        .expect("the pass's leaf");
    assert_eq!(passed["actor"], "staff:ZZ9999");
    assert_eq!(passed["role"], "reviewer");
    verify_db(&fresh).await.expect("still verifies");
}
both_dbs!(
    later_account_changes_change_no_leaf,
    later_account_changes_change_no_leaf
);

/// Skips `n` event numbers, as rolled-back transactions do on PostgreSQL.
async fn skip_seqs(t: &TestApp, n: i64) {
    let skip = if t.db_url.starts_with("sqlite:") {
        format!("UPDATE sqlite_sequence SET seq = seq + {n} WHERE name = 'events'")
    } else {
        format!(
            "SELECT setval(pg_get_serial_sequence('events', 'seq'), \
             nextval(pg_get_serial_sequence('events', 'seq')) + {n})"
        )
    };
    sql(t, &[&skip]).await;
}

fn ledger_links(s: &bianli_app::cases::PublicStatus) -> Vec<LeafLink> {
    s.timeline.iter().map(|e| e.ledger.clone()).collect()
}

/// Each server keeps its own view of where leaves are: the appending one
/// from its own leaves, another from one grouped read of the log. Both give
/// the same links, across gaps in `seq`, and the links hold up.
async fn links_hold_across_gaps_in_seq_and_servers(db: Db) {
    let t = spawn_app_unfollowed(db).await;
    at(&t, "2026-11-02");
    let item = food_licence(&t).await;
    let enterprise = t.login("enterprise").await;
    t.app.ledger_catch_up().await.expect("catch up");
    skip_seqs(&t, 5).await;
    let receipt = apply_online(&t, &enterprise, &item).await;
    let (number, code) = number_and_code(&receipt);
    skip_seqs(&t, 3).await;
    at(&t, "2026-11-03");
    let clerk = t.login("clerk").await;
    act_ok(&t, &clerk, &number, json!({"action": "accept"})).await;
    skip_seqs(&t, 2).await;

    // A second server on the database, which appends nothing itself; with
    // no window it reads the log whenever a link would say pending.
    let other = bianli_app::App::open_with(&t.db_url, &t.blobs_url)
        .await
        .expect("a second server")
        .with_ledger_window(std::time::Duration::ZERO);
    let before = other.status(&number, &code).await.expect("status");
    let before = ledger_links(&before);
    assert_eq!(before.len(), 2);
    assert!(
        before.iter().all(|l| matches!(l, LeafLink::Pending { .. })),
        "{before:?}"
    );

    t.app.ledger_catch_up().await.expect("catch up");
    let mine = ledger_links(&t.app.status(&number, &code).await.expect("status"));
    let theirs = ledger_links(&other.status(&number, &code).await.expect("status"));
    assert_eq!(mine, theirs);
    let key = parse_key(&text(&t, "/api/v1/ledger/key").await);
    let (size, root) = caught_up(&t, &key).await;
    let mut placed = Vec::new();
    for (link, was) in mine.iter().zip(&before) {
        let LeafLink::Recorded {
            seq,
            index,
            size: signed,
            entry,
            proof,
        } = link
        else {
            panic!("not recorded: {link:?}");
        };
        assert_eq!(was, &LeafLink::Pending { seq: *seq });
        assert_eq!(*signed, size);
        let entries = t.get_json(entry).await;
        let bytes = STANDARD
            .decode(entries["entries"][0]["leaf"].as_str().expect("leaf"))
            .expect("base64");
        let leaf: Value = serde_json::from_slice(&bytes).expect("leaf JSON");
        assert_eq!(leaf["seq"], *seq, "leaf {index} records event {seq}");
        let proof = t.get_json(proof).await;
        assert!(verify_inclusion(
            *index,
            size,
            leaf_h(&bytes),
            &hashes(&proof),
            root
        ));
        placed.push((*seq, *index));
    }
    // The gaps are real: the events are further apart than their leaves.
    let [(seq0, index0), (seq1, index1)] = placed[..] else {
        panic!("two steps: {placed:?}");
    };
    assert!(seq1 - seq0 > i64::try_from(index1 - index0).expect("small"));
}
both_dbs!(
    links_hold_across_gaps_in_seq_and_servers,
    links_hold_across_gaps_in_seq_and_servers
);
