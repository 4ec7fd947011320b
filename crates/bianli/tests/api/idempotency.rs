use bianli_domain::identity::IdNumber;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::both_dbs;
use crate::helpers::{Db, assert_problem, spawn_app};

async fn a_retried_write_gets_the_first_answer(db: Db) {
    let t = spawn_app(db).await;
    let first17 = "43010219900101123";
    let number = format!("{first17}{}", IdNumber::check_char(first17) as char);
    let body = json!({"kind": "citizen", "id_number": number, "name": "赵六", "password": "a long secret"});
    let send = |key: &'static str, path: &'static str, body: Value| {
        let t = &t;
        async move {
            t.client
                .post(format!("{}{path}", t.url))
                .header("idempotency-key", key)
                .json(&body)
                .send()
                .await
                .expect("send")
        }
    };
    let r1 = send("reg-1", "/api/v1/identity/register", body.clone()).await;
    assert_eq!(r1.status(), StatusCode::CREATED);
    let first: Value = r1.json().await.expect("json");
    let events = t.event_count().await;

    // The retry is answered from the record: same status and body, no second account.
    let r2 = send("reg-1", "/api/v1/identity/register", body.clone()).await;
    assert_eq!(r2.status(), StatusCode::CREATED);
    assert_eq!(
        r2.headers()
            .get("idempotent-replayed")
            .and_then(|v| v.to_str().ok()),
        Some("true")
    );
    let again: Value = r2.json().await.expect("json");
    assert_eq!(again, first);
    assert_eq!(t.event_count().await, events);

    // Without the key the same body is a conflict: the replay above was not luck.
    let r3 = t.post("/api/v1/identity/register", None, &body).await;
    assert_problem(r3, StatusCode::CONFLICT, "id_number").await;

    // A key reused for another request, or malformed, is refused by name.
    let r4 = send(
        "reg-1",
        "/api/v1/identity/login",
        json!({"username": number, "password": "a long secret"}),
    )
    .await;
    assert_problem(r4, StatusCode::UNPROCESSABLE_ENTITY, "Idempotency-Key").await;
    let r5 = t
        .client
        .post(format!("{}/api/v1/identity/register", t.url))
        .header("idempotency-key", "with space")
        .json(&body)
        .send()
        .await
        .expect("send");
    assert_problem(r5, StatusCode::UNPROCESSABLE_ENTITY, "Idempotency-Key").await;
}
both_dbs!(idempotency, a_retried_write_gets_the_first_answer);
