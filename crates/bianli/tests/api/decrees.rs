use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::both_dbs;
use crate::helpers::{Db, TestApp, assert_problem, spawn_app};

async fn find(t: &TestApp, q: &str, division: &str) -> Value {
    let v = t
        .get_json(&format!("/api/v1/catalog/items?q={q}&division={division}"))
        .await;
    v["items"]
        .as_array()
        .and_then(|a| a.iter().find(|i| i["name"] == q).cloned())
        .unwrap_or(Value::Null)
}

async fn department_admin_edits_only_their_own_items(db: Db) {
    let t = spawn_app(db).await;
    let token = t.login("deptadmin").await;
    let food = find(&t, "食品经营许可", "430100").await;
    let code = food["code"].as_str().expect("code").to_string();
    let detail = t.get_json(&format!("/api/v1/catalog/items/{code}")).await;
    let mut item = detail["item"].clone();
    // The API takes the plain input shape: strings for kind and division, limits as numbers.
    item["kind"] = json!("行政许可");
    item["promised_days"] = json!(5);
    item["legal_basis"] = json!(["《中华人民共和国食品安全法》第三十五条"]);
    item["statutory_days"] = json!(20);
    item["fee_fen"] = json!(0);
    item["aliases"] = json!(["开饭店", "开餐馆", "开小吃店", "开火锅店"]);
    let r = t
        .put(
            &format!("/api/v1/catalog/items/{code}"),
            Some(&token),
            &item,
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::OK,
        "{}",
        r.text().await.unwrap_or_default()
    );
    let after = t.get_json(&format!("/api/v1/catalog/items/{code}")).await;
    assert_eq!(after["item"]["promised_days"], 5);
    assert_eq!(after["versions"].as_array().map(Vec::len), Some(2));
    // The search index follows the edit at once.
    let v = t
        .get_json("/api/v1/catalog/items?q=开火锅店&division=430100")
        .await;
    assert_eq!(v["items"][0]["code"], code.as_str());

    // A rule broken: promised beyond statutory, named, nothing written.
    let before = t.event_count().await;
    item["promised_days"] = json!(25);
    let r = t
        .put(
            &format!("/api/v1/catalog/items/{code}"),
            Some(&token),
            &item,
        )
        .await;
    assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, "promised_days").await;

    // Another department's item: forbidden, nothing written.
    let passport = find(&t, "普通护照签发", "430102").await;
    let other = passport["code"].as_str().expect("passport code");
    let r = t
        .put(
            &format!("/api/v1/catalog/items/{other}"),
            Some(&token),
            &item,
        )
        .await;
    assert_problem(r, StatusCode::FORBIDDEN, "").await;
    let r = t
        .put(&format!("/api/v1/catalog/items/{code}"), None, &item)
        .await;
    assert_problem(r, StatusCode::UNAUTHORIZED, "").await;
    assert_eq!(t.event_count().await, before);
}
both_dbs!(edit_item, department_admin_edits_only_their_own_items);

async fn a_decree_is_drafted_adjusted_and_applied(db: Db) {
    let t = spawn_app(db).await;
    let admin = t.login("deptadmin").await;
    let target = find(&t, "食品经营许可", "430100").await;
    let code = target["code"].as_str().expect("code").to_string();
    let before = t.get_json("/api/v1/catalog/stats").await["by_level"]["city"]
        .as_i64()
        .expect("count");

    let r = t
        .post(
            "/api/v1/catalog/decrees",
            Some(&admin),
            &json!({"number": "长政发 2026 1号", "title": "测试决定", "issued_on": "2026-01-01", "effective_on": "2026-01-01"}),
        )
        .await;
    assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, "number").await;
    let r = t
        .post(
            "/api/v1/catalog/decrees",
            Some(&admin),
            &json!({"number": "长政发〔2026〕1号", "title": "长沙市关于取消一批行政权力事项的决定", "issued_on": "2026-01-01", "effective_on": "2026-01-02"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let decree: Value = r.json().await.expect("json");
    let id = decree["id"].as_i64().expect("id");
    assert_eq!(decree["status"], "draft");

    // Someone else's item cannot be in this department's decree.
    let passport = find(&t, "普通护照签发", "430102").await;
    let r = t
        .post(
            &format!("/api/v1/catalog/decrees/{id}/adjustments"),
            Some(&admin),
            &json!({"adjustments": [{"kind": "cancel", "code": passport["code"]}]}),
        )
        .await;
    assert_problem(r, StatusCode::FORBIDDEN, "").await;
    let r = t
        .post(
            &format!("/api/v1/catalog/decrees/{id}/adjustments"),
            Some(&admin),
            &json!({"adjustments": [{"kind": "cancel", "code": "bad"}]}),
        )
        .await;
    assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, "adjustments[0].code").await;

    let r = t
        .post(
            &format!("/api/v1/catalog/decrees/{id}/adjustments"),
            Some(&admin),
            &json!({"adjustments": [{"kind": "cancel", "code": code}]}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = t
        .post(
            &format!("/api/v1/catalog/decrees/{id}/apply"),
            Some(&admin),
            &json!({}),
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::OK,
        "{}",
        r.text().await.unwrap_or_default()
    );
    let r = t
        .post(
            &format!("/api/v1/catalog/decrees/{id}/apply"),
            Some(&admin),
            &json!({}),
        )
        .await;
    assert_problem(r, StatusCode::CONFLICT, "decree").await;

    let gone = t.get_json(&format!("/api/v1/catalog/items/{code}")).await;
    assert_eq!(gone["in_force"], false);
    assert_eq!(gone["valid_to"], "2026-01-02");
    assert!(find(&t, "食品经营许可", "430100").await.is_null());
    let after = t.get_json("/api/v1/catalog/stats").await["by_level"]["city"]
        .as_i64()
        .expect("count");
    assert_eq!(after, before - 1);
    let d = t.get_json(&format!("/api/v1/catalog/decrees/{id}")).await;
    assert_eq!(d["status"], "applied");
    assert_eq!(d["effects"][0]["ended"], 1);

    // Citizens do not maintain the power list.
    let citizen = t.login("citizen").await;
    let r = t
        .post(
            "/api/v1/catalog/decrees",
            Some(&citizen),
            &json!({"number": "长政发〔2026〕2号", "title": "不应成功的决定", "issued_on": "2026-01-01", "effective_on": "2026-01-02"}),
        )
        .await;
    assert_problem(r, StatusCode::FORBIDDEN, "").await;
}
both_dbs!(decree_flow, a_decree_is_drafted_adjusted_and_applied);
