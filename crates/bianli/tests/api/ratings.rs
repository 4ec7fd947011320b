//! 好差评 over HTTP: the applicant rates a decided case once; a 差评 opens
//! a follow-up the department answers and the supervisor sees.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::both_dbs;
use crate::cases::{act_ok, apply_online, at, food_licence};
use crate::conformance::{Call, Document};
use crate::helpers::{TestApp, assert_problem, spawn_app};

async fn rate(t: &TestApp, token: &str, number: &str, body: Value) -> reqwest::Response {
    t.post(
        &format!("/api/v1/cases/{number}/rating"),
        Some(token),
        &body,
    )
    .await
}

/// Answers through the document, so each answer is checked against it.
async fn answer(call: &Call<'_>, token: &str, number: &str, text: &str, want: StatusCode) -> Value {
    call.send(
        "POST",
        "/cases/{number}/rating/answer",
        &format!("/cases/{number}/rating/answer"),
        Some(token),
        Some(&json!({ "answer": text })),
        want,
    )
    .await
}

async fn get_ok(call: &Call<'_>, path: &str, token: &str) -> Value {
    call.send("GET", path, path, Some(token), None, StatusCode::OK)
        .await
}

async fn bad_rating_to_answer(db: crate::helpers::Db) {
    let t = spawn_app(db).await;
    let doc = Document::fetch(&t).await;
    let call = Call { t: &t, doc: &doc };
    at(&t, "2026-11-02");
    let item = food_licence(&t).await;
    let code = item["code"].as_str().expect("code").to_string();
    let enterprise = t.login("enterprise").await;
    let receipt = apply_online(&t, &enterprise, &item).await;
    let number = receipt["number"].as_str().expect("number").to_string();

    // No result yet: nothing to rate.
    let r = rate(&t, &enterprise, &number, json!({"score": 5})).await;
    assert_problem(r, StatusCode::CONFLICT, "state").await;

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
    let case = act_ok(
        &t,
        &approver,
        &number,
        json!({"action": "decide", "approve": true, "opinion": "准予许可"}),
    )
    .await;
    assert_eq!(case["stage"], "decided");

    at(&t, "2026-11-05");
    let enterprise = t.login("enterprise").await;
    // Only the applicant rates.
    for who in ["citizen", "clerk"] {
        let token = t.login(who).await;
        let r = rate(&t, &token, &number, json!({"score": 5})).await;
        assert!(
            matches!(r.status(), StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
            "{who}: {}",
            r.status()
        );
    }
    for score in [0, 6] {
        let r = rate(&t, &enterprise, &number, json!({"score": score})).await;
        assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, "score").await;
    }
    let long = "慢".repeat(501);
    let r = rate(
        &t,
        &enterprise,
        &number,
        json!({"score": 3, "comment": long}),
    )
    .await;
    assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, "comment").await;

    // A 差评 opens a follow-up due 15 working days later.
    let rating_path = format!("/cases/{number}/rating");
    let rating = call
        .send(
            "POST",
            "/cases/{number}/rating",
            &rating_path,
            Some(&enterprise),
            Some(&json!({"score": 2, "comment": "窗口排队太久"})),
            StatusCode::CREATED,
        )
        .await;
    assert_eq!(rating["score"], 2);
    assert_eq!(rating["channel"], "web");
    assert_eq!(rating["on"], "2026-11-05");
    let due = t
        .get_json("/api/v1/calendar/add-workdays?from=2026-11-05&days=15")
        .await;
    assert_eq!(rating["follow_up"]["due"], due["date"]);
    assert_eq!(rating["follow_up"]["due"], "2026-11-26");
    assert_eq!(rating["follow_up"]["answer"], Value::Null);

    // One per case and channel.
    let again = call
        .send(
            "POST",
            "/cases/{number}/rating",
            &rating_path,
            Some(&enterprise),
            Some(&json!({"score": 5})),
            StatusCode::CONFLICT,
        )
        .await;
    assert_eq!(again["errors"][0]["field"], "channel", "{again}");

    // The supervisor sees the open follow-up and the statistics.
    let supervisor = t.login("supervisor").await;
    let list = get_ok(&call, "/cases/ratings", &supervisor).await;
    let ours = list["ratings"]
        .as_array()
        .expect("ratings")
        .iter()
        .find(|r| r["case_number"] == number.as_str())
        .expect("the rating is listed")
        .clone();
    assert_eq!(ours["follow_up"]["answer"], Value::Null);
    let stats = get_ok(&call, "/cases/ratings/stats", &supervisor).await;
    assert_eq!(
        stats["items"],
        json!([{"item_code": code, "count": 1, "average": 2.0, "bad": 1, "open": 1}])
    );
    assert_eq!(stats["departments"][0]["count"], 1);
    assert_eq!(stats["departments"][0]["open"], 1);
    // Applicants see no one's ratings list.
    let r = t.get_as("/api/v1/cases/ratings", &enterprise).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // The department answers, once, by its admin or an approver.
    let deptadmin = t.login("deptadmin").await;
    let text = "已约谈窗口人员，增开午间窗口，缩短排队时间";
    let clerk = t.login("clerk").await;
    answer(&call, &clerk, &number, text, StatusCode::FORBIDDEN).await;
    let short = answer(
        &call,
        &deptadmin,
        &number,
        "知道了",
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(short["errors"][0]["field"], "answer", "{short}");
    let answered = answer(&call, &deptadmin, &number, text, StatusCode::OK).await;
    assert_eq!(answered["follow_up"]["answer"], text);
    assert_eq!(answered["follow_up"]["answered_on"], "2026-11-05");
    let twice = answer(&call, &deptadmin, &number, text, StatusCode::CONFLICT).await;
    assert_eq!(twice["errors"][0]["field"], "state", "{twice}");

    let stats = get_ok(&call, "/cases/ratings/stats", &supervisor).await;
    assert_eq!(
        stats["items"],
        json!([{"item_code": code, "count": 1, "average": 2.0, "bad": 1, "open": 0}])
    );
    let mine = get_ok(&call, "/cases/ratings", &deptadmin).await;
    assert_eq!(mine["ratings"][0]["follow_up"]["answer"], text);
}

both_dbs!(bad_rating_opens_a_follow_up, bad_rating_to_answer);
