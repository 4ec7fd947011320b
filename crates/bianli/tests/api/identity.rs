use bianli_domain::identity::{IdNumber, Uscc};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::both_dbs;
use crate::helpers::{Db, assert_problem, spawn_app};

fn id_number(first17: &str) -> String {
    format!("{first17}{}", IdNumber::check_char(first17) as char)
}

fn uscc(first17: &str) -> String {
    format!(
        "{first17}{}",
        Uscc::check_char(first17).map(char::from).unwrap_or('0')
    )
}

fn corrupt_last(s: &str) -> String {
    let last = s.chars().last().unwrap_or('0');
    format!(
        "{}{}",
        &s[..s.len() - 1],
        if last == '1' { '2' } else { '1' }
    )
}

async fn citizens_and_enterprises_register_and_sign_in(db: Db) {
    let t = spawn_app(db).await;
    let number = id_number("43010219850612345");
    let r = t
        .post(
            "/api/v1/identity/register",
            None,
            &json!({"kind": "citizen", "id_number": number, "name": "李四", "password": "a long secret"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let me: Value = r.json().await.expect("json");
    assert_eq!(me["role"], "citizen");

    let token = {
        let r = t
            .post(
                "/api/v1/identity/login",
                None,
                &json!({"username": number, "password": "a long secret"}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        let v: Value = r.json().await.expect("json");
        v["token"].as_str().expect("token").to_string()
    };
    let r = t.get_as("/api/v1/identity/me", &token).await;
    assert_eq!(r.status(), StatusCode::OK);
    let me: Value = r.json().await.expect("json");
    // The owner sees their own number in full.
    assert_eq!(me["id_number"], number.as_str());
    assert_eq!(me["name"], "李四");

    let code = uscc("91430100MA4L12345");
    let r = t
        .post(
            "/api/v1/identity/register",
            None,
            &json!({"kind": "enterprise", "uscc": code.to_lowercase(), "name": "湖南示例科技有限公司", "password": "another secret"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);

    // The same number twice is a conflict naming the field.
    let r = t
        .post(
            "/api/v1/identity/register",
            None,
            &json!({"kind": "citizen", "id_number": number, "name": "李四", "password": "a long secret"}),
        )
        .await;
    assert_problem(r, StatusCode::CONFLICT, "id_number").await;
}
both_dbs!(
    register_and_login,
    citizens_and_enterprises_register_and_sign_in
);

async fn bad_identifiers_are_refused_and_change_nothing(db: Db) {
    let t = spawn_app(db).await;
    let before = t.event_count().await;
    let bad_id = corrupt_last(&id_number("43010219850612345"));
    let r = t
        .post(
            "/api/v1/identity/register",
            None,
            &json!({"kind": "citizen", "id_number": bad_id, "name": "王五", "password": "a long secret"}),
        )
        .await;
    let p = assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, "id_number").await;
    assert!(
        p["detail"].as_str().is_some_and(|d| d.contains("校验位")),
        "{p}"
    );

    let bad_uscc = corrupt_last(&uscc("91430100MA4L12345"));
    let r = t
        .post(
            "/api/v1/identity/register",
            None,
            &json!({"kind": "enterprise", "uscc": bad_uscc, "name": "某公司", "password": "a long secret"}),
        )
        .await;
    assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, "uscc").await;

    let r = t
        .post("/api/v1/identity/register", None, &json!({"kind": "citizen", "id_number": id_number("43010219850612345"), "name": "", "password": "short"}))
        .await;
    let p = assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, "password").await;
    assert!(
        p["errors"]
            .as_array()
            .is_some_and(|e| e.iter().any(|f| f["field"] == "name"))
    );

    // Malformed JSON names where it broke.
    let r = t
        .client
        .post(format!("{}/api/v1/identity/register", t.url))
        .header("content-type", "application/json")
        .body(r#"{"kind": "citizen", "name": 5}"#)
        .send()
        .await
        .expect("send");
    assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, "name").await;
    assert_eq!(
        t.event_count().await,
        before,
        "a refused registration wrote an event"
    );
}
both_dbs!(
    bad_identifiers,
    bad_identifiers_are_refused_and_change_nothing
);

async fn sign_in_failures_and_demo_accounts(db: Db) {
    let t = spawn_app(db).await;
    let r = t
        .post(
            "/api/v1/identity/login",
            None,
            &json!({"username": "deptadmin", "password": "wrong password"}),
        )
        .await;
    assert_problem(r, StatusCode::UNAUTHORIZED, "").await;
    let r = t
        .post(
            "/api/v1/identity/login",
            None,
            &json!({"username": "nobody-here", "password": "bianli-demo"}),
        )
        .await;
    assert_problem(r, StatusCode::UNAUTHORIZED, "").await;
    assert_problem(
        t.get("/api/v1/identity/me").await,
        StatusCode::UNAUTHORIZED,
        "",
    )
    .await;

    for name in [
        "citizen",
        "enterprise",
        "clerk",
        "reviewer",
        "approver",
        "deptadmin",
        "inspector",
        "supervisor",
        "admin",
    ] {
        let token = t.login(name).await;
        let me: Value = t
            .get_as("/api/v1/identity/me", &token)
            .await
            .json()
            .await
            .expect("json");
        assert_eq!(me["role"], name);
    }
    let token = t.login("deptadmin").await;
    let r = t
        .post("/api/v1/identity/logout", Some(&token), &json!({}))
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let r = t.get_as("/api/v1/identity/me", &token).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
}
both_dbs!(sign_in, sign_in_failures_and_demo_accounts);
