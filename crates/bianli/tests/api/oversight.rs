//! Electronic supervision over HTTP: figures that are exactly right for a
//! small known set of cases made through the real use cases, the workbench
//! flow of a card with its permission errors, `/metrics` and the pages.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::both_dbs;
use crate::cases::{act_ok, apply_online, at, file_at_hall, food_licence, page_session, scan};
use crate::conformance::{Call, Document};
use crate::helpers::{Db, TestApp, assert_problem, spawn_app};

async fn get_ok(call: &Call<'_>, template: &str, path: &str, token: Option<&str>) -> Value {
    call.send("GET", template, path, token, None, StatusCode::OK)
        .await
}

async fn workdays(t: &TestApp, from: &str, to: &str) -> i64 {
    t.get_json(&format!(
        "/api/v1/calendar/workdays-between?from={from}&to={to}"
    ))
    .await["days"]
        .as_i64()
        .expect("days")
}

/// The value of the one sample `name{labels}` in an exposition.
fn sample(text: &str, series: &str) -> f64 {
    text.lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' '))
        .unwrap_or_else(|| panic!("{series} in {text}"))
        .parse()
        .expect("a number")
}

/// Every line is a HELP or TYPE comment or a well-formed sample whose
/// family was typed before it (Prometheus text format 0.0.4).
fn assert_exposition(text: &str) {
    let mut typed = std::collections::BTreeSet::new();
    let name_ok = |n: &str| {
        !n.is_empty()
            && n.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
            && !n.starts_with(|c: char| c.is_ascii_digit())
    };
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# HELP ") {
            let (name, help) = rest.split_once(' ').expect("HELP name text");
            assert!(name_ok(name) && !help.is_empty(), "{line}");
        } else if let Some(rest) = line.strip_prefix("# TYPE ") {
            let (name, kind) = rest.split_once(' ').expect("TYPE name kind");
            assert!(name_ok(name), "{line}");
            assert!(["counter", "gauge"].contains(&kind), "{line}");
            typed.insert(name.to_string());
        } else {
            let (series, value) = line.rsplit_once(' ').expect("a sample");
            value.parse::<f64>().expect("a numeric value");
            let name = series.split('{').next().expect("a name");
            assert!(name_ok(name) && typed.contains(name), "{line}");
            if let Some(labels) = series.strip_prefix(name)
                && !labels.is_empty()
            {
                let inner = labels
                    .strip_prefix('{')
                    .and_then(|l| l.strip_suffix('}'))
                    .expect("{labels}");
                for pair in inner.split(',') {
                    let (k, v) = pair.split_once('=').expect("k=v");
                    assert!(name_ok(k), "{line}");
                    assert!(
                        v.starts_with('"') && v.ends_with('"') && v.len() >= 2,
                        "{line}"
                    );
                }
            }
        }
    }
    assert!(!typed.is_empty());
}

async fn metrics(t: &TestApp) -> String {
    let r = t.get("/metrics").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/plain; version=0.0.4")),
    );
    let text = r.text().await.expect("text");
    assert_exposition(&text);
    text
}

async fn figures_of_a_known_set(db: Db) {
    let t = spawn_app(db).await;
    let doc = Document::fetch(&t).await;
    let call = Call { t: &t, doc: &doc };
    at(&t, "2026-11-02");
    let item = food_licence(&t).await;
    let department = item["department_id"].as_i64().expect("department");
    let zero_trip = if item["visits"] == 0 { 2 } else { 0 };
    assert!(item["promised_days"].as_i64().expect("days") > 0);

    // Nothing yet: every figure zero, no rate.
    let empty = get_ok(&call, "/oversight/province", "/oversight/province", None).await;
    assert_eq!(empty["figures"]["received"], 0);
    assert_eq!(empty["figures"]["on_time_rate"], Value::Null);
    let before = metrics(&t).await;
    assert!(!before.contains("bianli_cases_received_total{"), "{before}");

    // A: online, accepted the next day, approved the day after, rated 5.
    let enterprise = t.login("enterprise").await;
    let a = apply_online(&t, &enterprise, &item).await["number"]
        .as_str()
        .expect("number")
        .to_string();
    // B: at the hall, never decided on acceptance: deemed accepted, carded.
    let clerk = t.login("clerk").await;
    let b = file_at_hall(&t, &clerk, &item["code"], "李四").await;
    at(&t, "2026-11-03");
    let clerk = t.login("clerk").await;
    act_ok(&t, &clerk, &a, json!({"action": "accept"})).await;
    at(&t, "2026-11-04");
    let (reviewer, approver) = (t.login("reviewer").await, t.login("approver").await);
    act_ok(
        &t,
        &reviewer,
        &a,
        json!({"action": "pass", "opinion": "材料齐全，核查合格"}),
    )
    .await;
    let case_a = act_ok(
        &t,
        &approver,
        &a,
        json!({"action": "decide", "approve": true, "opinion": "准予许可"}),
    )
    .await;
    let a_due = case_a["dues"]["promised"]
        .as_str()
        .expect("due")
        .to_string();
    at(&t, "2026-11-05");
    let enterprise = t.login("enterprise").await;
    let r = t
        .post(
            &format!("/api/v1/cases/{a}/rating"),
            Some(&enterprise),
            &json!({"score": 5}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);

    at(&t, "2026-11-10");
    assert_eq!(scan(&t).await["red"], 1);
    let clerk = t.login("clerk").await;
    let case_b: Value = t
        .get_as(&format!("/api/v1/cases/{b}"), &clerk)
        .await
        .json()
        .await
        .expect("json");
    let b_due = case_b["dues"]["promised"]
        .as_str()
        .expect("due")
        .to_string();
    at(&t, &b_due);
    assert_eq!(scan(&t).await["yellow"], 1);
    let late: Value = t
        .get_json(&format!(
            "/api/v1/calendar/add-workdays?from={b_due}&days=1"
        ))
        .await;
    let late = late["date"].as_str().expect("date").to_string();
    at(&t, &late);
    assert_eq!(scan(&t).await["red"], 1);

    // The province, the city and the department agree; a district is empty.
    let province = get_ok(&call, "/oversight/province", "/oversight/province", None).await;
    let city = get_ok(
        &call,
        "/oversight/divisions/{code}",
        "/oversight/divisions/430100",
        None,
    )
    .await;
    let dept_path = format!("/oversight/departments/{department}");
    let dept = get_ok(&call, "/oversight/departments/{id}", &dept_path, None).await;
    let expected = json!({
        "received": 2, "completed": 1, "on_time": 1, "on_time_rate": 1.0,
        "instant": 0, "instant_share": 0.0,
        "zero_trip": zero_trip, "zero_trip_share": f64::from(zero_trip) / 2.0,
        "channels": [
            {"channel": "hall", "cases": 1, "completed": 0, "share": 0.5},
            {"channel": "web", "cases": 1, "completed": 1, "share": 0.5},
        ],
        "ratings": 1, "good_ratings": 1, "satisfaction": 1.0, "open_follow_ups": 0,
        "overdue_follow_ups": 0, "yellow_cards": 1, "red_cards": 2,
    });
    for report in [&province, &city, &dept] {
        assert_eq!(report["figures"], expected, "{report}");
        // A took one working day (Tue 3 → Wed 4 Nov) of those it was allowed.
        let w = &report["workdays"];
        assert_eq!(w["cases"], 1);
        assert_eq!(w["used"], 1.0);
        assert_eq!(
            w["promised"].as_f64(),
            Some(workdays(&t, "2026-11-03", &a_due).await as f64)
        );
    }
    assert_eq!(province["scope"]["level"], "province");
    let city_part = province["parts"]
        .as_array()
        .expect("parts")
        .iter()
        .find(|p| p["scope"]["code"] == "430100")
        .expect("长沙市 among the province's parts");
    assert_eq!(city_part["figures"]["received"], 2);
    let dept_part = city["parts"]
        .as_array()
        .expect("parts")
        .iter()
        .find(|p| {
            p["scope"]["code"]
                .as_str()
                .and_then(|c| c.parse::<i64>().ok())
                == Some(department)
        })
        .expect("the department among the city's parts");
    assert_eq!(dept_part["figures"], expected);
    let district = get_ok(
        &call,
        "/oversight/divisions/{code}",
        "/oversight/divisions/430102",
        None,
    )
    .await;
    assert_eq!(district["figures"]["received"], 0);
    // No person and no applicant on the public figures.
    let text = province.to_string() + &city.to_string() + &dept.to_string();
    assert!(
        !text.contains("李四") && !text.contains("account:"),
        "{text}"
    );

    // Bad input is named.
    assert_problem(
        t.get("/api/v1/oversight/divisions/43").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "code",
    )
    .await;
    assert_problem(
        t.get("/api/v1/oversight/departments/x").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "id",
    )
    .await;
    assert_problem(
        t.get("/api/v1/oversight/trends?weeks=0").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "weeks",
    )
    .await;
    assert_problem(
        t.get("/api/v1/oversight/trends?division=999999").await,
        StatusCode::NOT_FOUND,
        "",
    )
    .await;

    // Metrics say the same, then move when B is completed (late).
    let m = metrics(&t).await;
    assert_eq!(
        sample(&m, "bianli_cases_received_total{channel=\"hall\"}"),
        1.0
    );
    assert_eq!(
        sample(&m, "bianli_cases_received_total{channel=\"web\"}"),
        1.0
    );
    assert_eq!(
        sample(&m, "bianli_cases_completed_total{channel=\"hall\"}"),
        0.0
    );
    assert_eq!(sample(&m, "bianli_cards_total{kind=\"red\"}"), 2.0);
    assert_eq!(sample(&m, "bianli_cards_total{kind=\"yellow\"}"), 1.0);
    assert_eq!(sample(&m, "bianli_ratings_total{grade=\"good\"}"), 1.0);
    assert_eq!(sample(&m, "bianli_cases_on_time_ratio"), 1.0);
    let (reviewer, approver) = (t.login("reviewer").await, t.login("approver").await);
    act_ok(
        &t,
        &reviewer,
        &b,
        json!({"action": "pass", "opinion": "材料齐全，核查合格"}),
    )
    .await;
    act_ok(
        &t,
        &approver,
        &b,
        json!({"action": "decide", "approve": false, "opinion": "不符合条件"}),
    )
    .await;
    let m = metrics(&t).await;
    assert_eq!(
        sample(&m, "bianli_cases_completed_total{channel=\"hall\"}"),
        1.0
    );
    assert_eq!(sample(&m, "bianli_cases_on_time_ratio"), 0.5);
    let province = get_ok(&call, "/oversight/province", "/oversight/province", None).await;
    assert_eq!(province["figures"]["completed"], 2);
    assert_eq!(province["figures"]["on_time_rate"], 0.5);
    // B took from its acceptance (2 Nov, deemed) to today.
    let used_b = workdays(&t, "2026-11-02", &late).await;
    let promised_b = workdays(&t, "2026-11-02", &b_due).await;
    let promised_a = workdays(&t, "2026-11-03", &a_due).await;
    assert_eq!(
        province["workdays"]["used"].as_f64(),
        Some((1 + used_b) as f64 / 2.0)
    );
    assert_eq!(
        province["workdays"]["promised"].as_f64(),
        Some((promised_a + promised_b) as f64 / 2.0)
    );

    // Weekly trend: both received in 2026-W45, completions where they fell.
    let trend = get_ok(
        &call,
        "/oversight/trends",
        "/oversight/trends?weeks=8&division=430100",
        None,
    )
    .await;
    let weeks = trend["weeks"].as_array().expect("weeks");
    assert_eq!(weeks.len(), 8);
    let w45 = weeks.iter().find(|w| w["week"] == "2026-W45").expect("W45");
    assert_eq!(
        (w45["received"].as_i64(), w45["completed"].as_i64()),
        (Some(2), Some(1))
    );
    let sum = |k: &str| {
        weeks
            .iter()
            .map(|w| w[k].as_i64().unwrap_or(0))
            .sum::<i64>()
    };
    assert_eq!(
        (sum("received"), sum("completed"), sum("on_time")),
        (2, 2, 1)
    );
    let by_dept = get_ok(
        &call,
        "/oversight/trends",
        &format!("/oversight/trends?weeks=8&department={department}"),
        None,
    )
    .await;
    assert_eq!(by_dept["weeks"], trend["weeks"]);

    // Figures per person are for supervisors and the department's staff.
    let supervisor = t.login("supervisor").await;
    get_ok(
        &call,
        "/oversight/people",
        "/oversight/people",
        Some(&supervisor),
    )
    .await;
    let citizen = t.login("citizen").await;
    assert_problem(
        t.get_as("/api/v1/oversight/people", &citizen).await,
        StatusCode::FORBIDDEN,
        "",
    )
    .await;
    let clerk = t.login("clerk").await;
    assert_problem(
        t.get_as(
            &format!("/api/v1/oversight/people?department={}", department + 1),
            &clerk,
        )
        .await,
        StatusCode::FORBIDDEN,
        "",
    )
    .await;

    // The public page shows the same figures, as SVG, with no names.
    let page = t.get("/oversight").await;
    assert_eq!(page.status(), StatusCode::OK);
    let csp = page
        .headers()
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .expect("a policy")
        .to_string();
    assert!(csp.contains("script-src 'self'"), "{csp}");
    let html = page.text().await.expect("html");
    assert!(html.contains("阳光政务") && html.contains("<svg"), "{html}");
    assert!(html.contains("data-figure=\"received\">2<"), "{html}");
    assert!(
        html.contains("data-figure=\"on_time_rate\">50.0%<"),
        "{html}"
    );
    assert!(html.contains("/oversight/divisions/430100"));
    assert!(!html.contains("李四") && !html.contains("account:"));
    let js = t.get("/static/oversight.js").await;
    assert_eq!(js.status(), StatusCode::OK);
    assert!(js.text().await.expect("js").contains("data-figure"));
    for path in [
        "/oversight/divisions/430100".to_string(),
        format!("/oversight/departments/{department}"),
    ] {
        let r = t.get(&path).await;
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        assert!(
            r.text()
                .await
                .expect("html")
                .contains("data-figure=\"completed\">2<")
        );
    }
    let r = t.get("/oversight/divisions/nope").await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
}
both_dbs!(figures_of_a_known_set, figures_of_a_known_set);

async fn card_action(t: &TestApp, token: &str, path: &str, body: Value) -> reqwest::Response {
    t.post(
        &format!("/api/v1/oversight/cards/{path}"),
        Some(token),
        &body,
    )
    .await
}

async fn send(call: &Call<'_>, card: &str, token: &str, body: Value) -> Value {
    call.send(
        "POST",
        "/oversight/cards/{number}/{step}/{kind}",
        &format!("/oversight/cards/{card}"),
        Some(token),
        Some(&body),
        StatusCode::OK,
    )
    .await
}

async fn workbench_flow(db: Db) {
    let t = spawn_app(db).await;
    let doc = Document::fetch(&t).await;
    let call = Call { t: &t, doc: &doc };
    at(&t, "2026-11-02");
    let item = food_licence(&t).await;
    let department = item["department_id"].as_i64().expect("department");
    let clerk = t.login("clerk").await;
    let b = file_at_hall(&t, &clerk, &item["code"], "李四").await;
    at(&t, "2026-11-10");
    assert_eq!(scan(&t).await["red"], 1);
    let supervisor = t.login("supervisor").await;
    let clerk = t.login("clerk").await;
    let citizen = t.login("citizen").await;

    // Filters.
    let all = get_ok(
        &call,
        "/oversight/cards",
        "/oversight/cards",
        Some(&supervisor),
    )
    .await;
    assert_eq!(all["cards"].as_array().map(Vec::len), Some(1), "{all}");
    assert_eq!(all["cards"][0]["state"], "open");
    assert_eq!(all["cards"][0]["case_number"], b);
    for (query, n) in [
        ("kind=red", 1),
        ("kind=yellow", 0),
        ("state=open", 1),
        ("state=closed", 0),
        ("division=430100", 1),
        ("division=430102", 0),
        (&*format!("department={department}"), 1),
        (&*format!("department={}", department + 1), 0),
    ] {
        let v = get_ok(
            &call,
            "/oversight/cards",
            &format!("/oversight/cards?{query}"),
            Some(&supervisor),
        )
        .await;
        assert_eq!(v["cards"].as_array().map(Vec::len), Some(n), "{query}");
    }
    for (query, field) in [
        ("kind=blue", "kind"),
        ("state=done", "state"),
        ("division=4", "division"),
        ("person=x", "person"),
    ] {
        assert_problem(
            t.get_as(&format!("/api/v1/oversight/cards?{query}"), &supervisor)
                .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            field,
        )
        .await;
    }
    // The department's staff see their own cards, citizens none.
    let own = get_ok(&call, "/oversight/cards", "/oversight/cards", Some(&clerk)).await;
    assert_eq!(own["cards"].as_array().map(Vec::len), Some(1));
    assert_problem(
        t.get_as("/api/v1/oversight/cards", &citizen).await,
        StatusCode::FORBIDDEN,
        "",
    )
    .await;

    let card = format!("{b}/0/red");
    let events = t.event_count().await;
    // Refusals change nothing.
    assert_problem(
        card_action(&t, &clerk, &card, json!({"action": "acknowledge"})).await,
        StatusCode::FORBIDDEN,
        "",
    )
    .await;
    assert_problem(
        card_action(
            &t,
            &supervisor,
            &card,
            json!({"action": "explain", "explanation": "督办人员不能代替部门说明"}),
        )
        .await,
        StatusCode::FORBIDDEN,
        "",
    )
    .await;
    assert_problem(
        card_action(
            &t,
            &clerk,
            &card,
            json!({"action": "explain", "explanation": "太忙"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "explanation",
    )
    .await;
    assert_problem(
        card_action(&t, &supervisor, &card, json!({"action": "dance"})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "",
    )
    .await;
    assert_problem(
        card_action(
            &t,
            &supervisor,
            &format!("{b}/0/blue"),
            json!({"action": "close"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "kind",
    )
    .await;
    assert_problem(
        card_action(
            &t,
            &supervisor,
            &format!("{b}/3/red"),
            json!({"action": "close"}),
        )
        .await,
        StatusCode::NOT_FOUND,
        "",
    )
    .await;
    assert_eq!(t.event_count().await, events);

    // Acknowledge, explain, close: each with who and when, each an event.
    let v = send(&call, &card, &supervisor, json!({"action": "acknowledge"})).await;
    assert_eq!(v["state"], "acknowledged");
    assert!(
        v["acknowledged_by"]
            .as_str()
            .is_some_and(|s| s.starts_with("account:"))
    );
    assert!(v["acknowledged_at"].is_string());
    assert_problem(
        card_action(&t, &supervisor, &card, json!({"action": "acknowledge"})).await,
        StatusCode::CONFLICT,
        "state",
    )
    .await;
    let v = send(
        &call,
        &card,
        &clerk,
        json!({"action": "explain", "explanation": "系统升级导致受理延误，已整改"}),
    )
    .await;
    assert_eq!(v["state"], "explained");
    assert_eq!(v["explanation"], "系统升级导致受理延误，已整改");
    assert!(
        v["explained_by"]
            .as_str()
            .is_some_and(|s| s.starts_with("account:"))
    );
    assert_problem(
        card_action(&t, &clerk, &card, json!({"action": "close"})).await,
        StatusCode::FORBIDDEN,
        "",
    )
    .await;
    let v = send(&call, &card, &supervisor, json!({"action": "close"})).await;
    assert_eq!(v["state"], "closed");
    assert!(v["closed_at"].is_string());
    assert_eq!(v["acknowledged_by"], json!(v["closed_by"]));
    assert_problem(
        card_action(&t, &supervisor, &card, json!({"action": "close"})).await,
        StatusCode::CONFLICT,
        "state",
    )
    .await;
    assert_eq!(t.event_count().await, events + 3);
    let kinds: Vec<String> = t
        .app
        .store()
        .events(0, 1_000_000)
        .await
        .expect("events")
        .into_iter()
        .filter(|e| e.context == "oversight")
        .map(|e| e.kind)
        .collect();
    assert_eq!(
        kinds,
        ["card.acknowledged", "card.explained", "card.closed"]
    );
    let closed = get_ok(
        &call,
        "/oversight/cards",
        "/oversight/cards?state=closed",
        Some(&supervisor),
    )
    .await;
    assert_eq!(closed["cards"].as_array().map(Vec::len), Some(1));

    // The workbench page: in the supervisor's navigation, with the card.
    let (browser, cookie, _) = page_session(&t, "supervisor").await;
    let r = browser
        .get(format!("{}/oversight/cards", t.url))
        .header("cookie", &cookie)
        .send()
        .await
        .expect("page");
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.expect("html");
    assert!(
        html.contains("href=\"/oversight/cards\"") && html.contains(&b),
        "{html}"
    );
    assert!(html.contains("已销号"));
    let r = t.get("/oversight/cards").await;
    assert!(
        r.status().is_redirection()
            || r.status() == StatusCode::SEE_OTHER
            || r.url().path() == "/login"
    );
}
both_dbs!(workbench_flow, workbench_flow);

/// A served app computes the public figures once per window: a second
/// look within it gets the same computation even after a new case, while an
/// app without a window sees the case at once.
async fn figures_are_computed_once_per_window(db: Db) {
    let t = spawn_app(db).await;
    at(&t, "2026-11-02");
    let windowed = t
        .app
        .clone()
        .with_oversight_window(std::time::Duration::from_secs(600));
    let first = windowed.oversight_province().await.expect("figures");
    let metrics_before = windowed.metrics_text().await.expect("metrics");
    let item = food_licence(&t).await;
    let enterprise = t.login("enterprise").await;
    apply_online(&t, &enterprise, &item).await;

    let again = windowed.oversight_province().await.expect("figures");
    assert_eq!(again.computed_at, first.computed_at);
    assert_eq!(again.figures.received, first.figures.received);
    assert_eq!(
        windowed.metrics_text().await.expect("metrics"),
        metrics_before
    );
    let fresh = t.app.oversight_province().await.expect("figures");
    assert_eq!(fresh.figures.received, first.figures.received + 1);
}

both_dbs!(
    figures_are_computed_once_per_window,
    figures_are_computed_once_per_window
);
