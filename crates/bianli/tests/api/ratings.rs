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
    let template = path.split('?').next().unwrap_or(path);
    call.send("GET", template, path, Some(token), None, StatusCode::OK)
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
    assert_eq!(rating["follow_up"]["provisional"], false);
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
    assert_eq!(ours["overdue"], false);
    let stats = get_ok(&call, "/cases/ratings/stats", &supervisor).await;
    assert_eq!(
        stats["items"],
        json!([{"item_code": code, "count": 1, "average": 2.0, "bad": 1, "open": 1, "overdue": 0}])
    );
    assert_eq!(stats["departments"][0]["count"], 1);
    assert_eq!(stats["departments"][0]["open"], 1);
    // Applicants see no one's ratings list.
    let r = t.get_as("/api/v1/cases/ratings", &enterprise).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // Unanswered past Thursday 26 November: overdue, listed and counted so.
    let overdue_path = "/cases/ratings?overdue=true";
    let others_path = "/cases/ratings?overdue=false";
    assert_eq!(
        get_ok(&call, overdue_path, &supervisor).await["ratings"],
        json!([])
    );
    at(&t, "2026-11-27");
    let supervisor = t.login("supervisor").await;
    let late = get_ok(&call, overdue_path, &supervisor).await;
    assert_eq!(late["ratings"].as_array().map(Vec::len), Some(1), "{late}");
    assert_eq!(late["ratings"][0]["case_number"], number.as_str());
    assert_eq!(late["ratings"][0]["overdue"], true);
    assert_eq!(
        get_ok(&call, others_path, &supervisor).await["ratings"],
        json!([])
    );
    let r = t
        .get_as("/api/v1/cases/ratings?overdue=maybe", &supervisor)
        .await;
    assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, "overdue").await;
    let stats = get_ok(&call, "/cases/ratings/stats", &supervisor).await;
    assert_eq!(stats["items"][0]["overdue"], 1, "{stats}");
    assert_eq!(stats["departments"][0]["overdue"], 1, "{stats}");
    let province = t.get_json("/api/v1/oversight/province").await;
    assert_eq!(province["figures"]["open_follow_ups"], 1, "{province}");
    assert_eq!(province["figures"]["overdue_follow_ups"], 1, "{province}");
    let metrics = t.get("/metrics").await.text().await.expect("metrics");
    assert!(metrics.contains("bianli_follow_ups_overdue 1"), "{metrics}");

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
    assert_eq!(answered["follow_up"]["answered_on"], "2026-11-27");
    let twice = answer(&call, &deptadmin, &number, text, StatusCode::CONFLICT).await;
    assert_eq!(twice["errors"][0]["field"], "state", "{twice}");

    let stats = get_ok(&call, "/cases/ratings/stats", &supervisor).await;
    assert_eq!(
        stats["items"],
        json!([{"item_code": code, "count": 1, "average": 2.0, "bad": 1, "open": 0, "overdue": 0}])
    );
    let mine = get_ok(&call, "/cases/ratings", &deptadmin).await;
    assert_eq!(mine["ratings"][0]["follow_up"]["answer"], text);
    assert_eq!(
        mine["ratings"][0]["overdue"], false,
        "answered late, no longer open"
    );
    assert_eq!(
        get_ok(&call, others_path, &supervisor).await["ratings"][0]["case_number"],
        number.as_str()
    );
    let province = t.get_json("/api/v1/oversight/province").await;
    assert_eq!(province["figures"]["overdue_follow_ups"], 0, "{province}");
}

both_dbs!(bad_rating_opens_a_follow_up, bad_rating_to_answer);

/// A made-up 2027 schedule: 元旦 on Friday 1 January with the weekend after
/// it, and National Day.
const YEAR_2027: &str = "date,kind,name,name_zh\n\
    2027-01-01,holiday,New Year's Day,元旦\n\
    2027-01-02,holiday,New Year's Day,元旦\n\
    2027-01-03,holiday,New Year's Day,元旦\n\
    2027-10-01,holiday,National Day,国庆节\n";

/// A case decided on `day` (accepted, passed and approved that day).
async fn decided_case(t: &TestApp, applicant: &str, day: &str) -> String {
    at(t, day);
    let item = food_licence(t).await;
    let token = t.login(applicant).await;
    let receipt = apply_online(t, &token, &item).await;
    let number = receipt["number"].as_str().expect("number").to_string();
    let clerk = t.login("clerk").await;
    act_ok(t, &clerk, &number, json!({"action": "accept"})).await;
    let (reviewer, approver) = (t.login("reviewer").await, t.login("approver").await);
    act_ok(
        t,
        &reviewer,
        &number,
        json!({"action": "pass", "opinion": "材料齐全，现场核查合格"}),
    )
    .await;
    act_ok(
        t,
        &approver,
        &number,
        json!({"action": "decide", "approve": true, "opinion": "准予许可"}),
    )
    .await;
    number
}

async fn scan(t: &TestApp) -> Value {
    let supervisor = t.login("supervisor").await;
    let r = t
        .post(
            "/api/v1/cases/deadlines/scan",
            Some(&supervisor),
            &json!({}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    r.json().await.expect("json")
}

async fn follow_up_recounted_once_the_year_loads(db: crate::helpers::Db) {
    let t = spawn_app(db).await;
    let number = decided_case(&t, "enterprise", "2026-12-14").await;
    at(&t, "2026-12-15");
    let enterprise = t.login("enterprise").await;
    let r = rate(&t, &enterprise, &number, json!({"score": 1})).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let rating: Value = r.json().await.expect("json");
    // 15 working days from Tuesday 15 December run into 2027, not loaded:
    // Monday to Friday there, so 1 January counts.
    assert_eq!(rating["follow_up"]["due"], "2027-01-05", "{rating}");
    assert_eq!(rating["follow_up"]["provisional"], true);
    // Nothing to recount while the year is not loaded.
    assert_eq!(scan(&t).await["follow_ups_recounted"], 0);

    let admin = t.login("admin").await;
    let r = t
        .client
        .post(format!("{}/api/v1/calendar/years", t.url))
        .bearer_auth(&admin)
        .header("content-type", "text/csv")
        .body(YEAR_2027)
        .send()
        .await
        .expect("load");
    assert!(r.status().is_success(), "{}", r.status());
    let events = t.event_count().await;
    assert_eq!(scan(&t).await["follow_ups_recounted"], 1);
    let supervisor = t.login("supervisor").await;
    let list: Value = t
        .get_as("/api/v1/cases/ratings", &supervisor)
        .await
        .json()
        .await
        .expect("json");
    let f = &list["ratings"][0]["follow_up"];
    assert_eq!(f["due"], "2027-01-06", "{list}");
    assert_eq!(f["provisional"], false);
    let seen = t.app.store().events(0, 1_000_000).await.expect("events");
    assert!(
        seen.iter().any(
            |e| e.kind == "rating.follow_up_recounted" && e.subject == format!("case:{number}")
        ),
        "the recount is an event"
    );
    assert!(t.event_count().await > events);
    // Counted once: the next scan has nothing to do.
    assert_eq!(scan(&t).await["follow_ups_recounted"], 0);
}

both_dbs!(
    follow_up_recounted_once_the_year_loads,
    follow_up_recounted_once_the_year_loads
);
