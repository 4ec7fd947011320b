//! Cases over HTTP: apply, accept, review, decide, deliver, with the public
//! status, certificates, the deadline scan and every refusal on the way.

use chrono::{NaiveDate, TimeZone, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::both_dbs;
use crate::helpers::{Db, TestApp, assert_problem, spawn_app};
use crate::papers::read_pdf;

/// A minimal but complete PDF: what a scanner would hand an applicant.
pub(crate) fn pdf(text: &str) -> Vec<u8> {
    format!("%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\n% {text}\ntrailer<</Root 1 0 R>>\n%%EOF\n")
        .into_bytes()
}

pub(crate) async fn food_licence(t: &TestApp) -> Value {
    let v = t
        .get_json("/api/v1/catalog/items?q=食品经营许可&division=430100")
        .await;
    let code = v["items"]
        .as_array()
        .and_then(|a| a.iter().find(|i| i["name"] == "食品经营许可"))
        .and_then(|i| i["code"].as_str())
        .expect("食品经营许可 in 430100")
        .to_string();
    t.get_json(&format!("/api/v1/catalog/items/{code}")).await["item"].clone()
}

/// Pins the server's clock to 09:00 China time on `day`.
pub(crate) fn at(t: &TestApp, day: &str) {
    let d = NaiveDate::parse_from_str(day, "%Y-%m-%d").expect("date");
    let utc = d.and_hms_opt(1, 0, 0).expect("time");
    t.app.pin_clock(Utc.from_utc_datetime(&utc));
}

async fn upload(t: &TestApp, token: &str, name: &str, body: Vec<u8>) -> reqwest::Response {
    t.client
        .post(format!("{}/api/v1/cases/uploads?name={name}", t.url))
        .bearer_auth(token)
        .header("content-type", "application/pdf")
        .body(body)
        .send()
        .await
        .expect("upload")
}

/// Every required material of `item`, one uploaded PDF each.
pub(crate) async fn materials(t: &TestApp, token: &str, item: &Value) -> Value {
    let mut out = Vec::new();
    for (i, m) in item["materials"]
        .as_array()
        .expect("materials")
        .iter()
        .enumerate()
    {
        if m["required"] != true {
            continue;
        }
        let r = upload(t, token, &format!("{i}.pdf"), pdf(&format!("material {i}"))).await;
        assert_eq!(r.status(), StatusCode::CREATED);
        let file: Value = r.json().await.expect("json");
        assert_eq!(file["media_type"], "application/pdf");
        out.push(json!({"material": i, "files": [file]}));
    }
    Value::Array(out)
}

/// A receipt's case number and verification code.
pub(crate) fn number_and_code(receipt: &Value) -> (String, String) {
    let number = receipt["number"].as_str().expect("number").to_string();
    let code = receipt["verification_code"]
        .as_str()
        .expect("code")
        .to_string();
    (number, code)
}

/// An applicant applies online with one uploaded PDF per required
/// material; the receipt.
pub(crate) async fn apply_online(t: &TestApp, token: &str, item: &Value) -> Value {
    let files = materials(t, token, item).await;
    let r = t
        .post(
            "/api/v1/cases",
            Some(token),
            &json!({"item": item["code"], "channel": "web", "form": form_for(item), "materials": files}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    r.json().await.expect("json")
}

fn form() -> Value {
    json!({"phone": "13800138000", "address": "长沙市芙蓉区五一大道1号"})
}

/// A valid value for each required field of the item's own form (its
/// `form` as the catalog API answers it).
pub(crate) fn own_fields(item: &Value) -> Vec<(String, String)> {
    item["form"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["required"] == true)
        .map(|f| {
            let key = f["key"].as_str().expect("a field's key").to_string();
            let value = match f["kind"].as_str() {
                Some("choice" | "multi_choice") => {
                    f["options"][0].as_str().expect("an option").to_string()
                }
                Some("date") => "2026-12-01".to_string(),
                Some("number") => "120".to_string(),
                Some("phone") => "0731-88888888".to_string(),
                _ => "长沙市芙蓉区五一大道1号".to_string(),
            };
            (key, value)
        })
        .collect()
}

/// The contact fields and the item's own required ones, filled in.
pub(crate) fn form_for(item: &Value) -> Value {
    let mut form = form();
    for (k, v) in own_fields(item) {
        form[k] = Value::String(v);
    }
    form
}

/// The window files a citizen's application at the hall (paper, no
/// uploads); the new case's number.
pub(crate) async fn file_at_hall(t: &TestApp, clerk: &str, item: &Value, name: &str) -> String {
    let code = item.as_str().expect("an item code");
    let fields = &t.get_json(&format!("/api/v1/catalog/items/{code}")).await["item"];
    let r = t
        .post(
            "/api/v1/cases",
            Some(clerk),
            &json!({
                "item": item, "channel": "hall", "form": form_for(fields),
                "applicant": {"kind": "citizen", "name": name, "id_number": "11010519491231002X"},
            }),
        )
        .await;
    let status = r.status();
    let body: Value = r.json().await.expect("json");
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["number"].as_str().expect("number").to_string()
}

pub(crate) async fn act(
    t: &TestApp,
    token: &str,
    number: &str,
    action: Value,
) -> reqwest::Response {
    t.post(
        &format!("/api/v1/cases/{number}/actions"),
        Some(token),
        &action,
    )
    .await
}

pub(crate) async fn act_ok(t: &TestApp, token: &str, number: &str, action: Value) -> Value {
    let r = act(t, token, number, action.clone()).await;
    let status = r.status();
    let body: Value = r.json().await.expect("json");
    assert_eq!(status, StatusCode::OK, "{action} → {body}");
    body
}

async fn online_application_to_certificate(db: Db) {
    let t = spawn_app(db).await;
    at(&t, "2026-11-02");
    let item = food_licence(&t).await;
    let enterprise = t.login("enterprise").await;
    let receipt = apply_online(&t, &enterprise, &item).await;
    let (number, vcode) = number_and_code(&receipt);
    assert!(number.starts_with("430100-20261102-"), "{number}");
    assert_eq!(receipt["received_on"], "2026-11-02");
    // Acceptance is due 5 working days later (行政许可法 §32).
    assert_eq!(receipt["acceptance_due"], "2026-11-09");
    assert_eq!(
        receipt["status_path"],
        format!("/cases/{number}?code={vcode}").as_str()
    );

    // The public status opens with number + code, and shows no applicant.
    let status = t
        .get_json(&format!("/api/v1/cases/{number}?code={vcode}"))
        .await;
    assert_eq!(status["stage"], "submitted");
    assert!(!status.to_string().contains("示范餐饮"), "{status}");
    // A wrong code answers exactly as an unknown number.
    let wrong = t
        .get(&format!("/api/v1/cases/{number}?code=ZZZZZZZZ"))
        .await;
    let unknown = t
        .get(&format!(
            "/api/v1/cases/430100-20261102-999999?code={vcode}"
        ))
        .await;
    assert_eq!(wrong.status(), StatusCode::NOT_FOUND);
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    let (wrong, unknown): (Value, Value) = (
        wrong.json().await.expect("json"),
        unknown.json().await.expect("json"),
    );
    assert_eq!(wrong, unknown);

    // The applicant sees it among their cases.
    let mine: Value = t
        .get_as("/api/v1/cases", &enterprise)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(mine["cases"][0]["number"], number.as_str());

    let clerk = t.login("clerk").await;
    let queue: Value = t
        .get_as("/api/v1/cases/queue", &clerk)
        .await
        .json()
        .await
        .expect("json");
    assert!(
        queue["cases"]
            .as_array()
            .expect("cases")
            .iter()
            .any(|c| c["number"] == number.as_str())
    );

    // Sessions last 12 hours of the pinned clock too: sign in again each day.
    at(&t, "2026-11-03");
    let clerk = t.login("clerk").await;
    let case = act_ok(&t, &clerk, &number, json!({"action": "accept"})).await;
    assert_eq!(case["stage"], "working");
    assert_eq!(case["accepted_on"], "2026-11-03");
    let promised = item["promised_days"].as_u64().expect("promised days");
    let due: Value = t
        .get_json(&format!(
            "/api/v1/calendar/add-workdays?from=2026-11-03&days={promised}"
        ))
        .await;
    assert_eq!(case["dues"]["promised"], due["date"]);

    at(&t, "2026-11-04");
    let (clerk, reviewer, approver) = (
        t.login("clerk").await,
        t.login("reviewer").await,
        t.login("approver").await,
    );
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
    assert_eq!(case["outcome"], "approved");
    let cert_no = case["certificate"]
        .as_str()
        .expect("certificate")
        .to_string();

    let cert = t
        .get_json(&format!("/api/v1/cases/certificates/{cert_no}"))
        .await;
    assert_eq!(cert["validity"], "valid");
    assert_eq!(cert["holder"], "长沙示范餐饮有限公司");
    assert_eq!(cert["issued_on"], "2026-11-04");
    assert_eq!(cert["valid_until"], "2031-11-03");

    // The licence, its text and its QR code, which opens the verification page.
    let (text, url) = read_pdf(&t, &format!("/certificates/{cert_no}/pdf")).await;
    assert!(
        text.contains("长沙示范餐饮有限公司") && text.contains(&cert_no),
        "{text}"
    );
    assert!(
        text.contains("食品经营许可证") && text.contains("扫码核验"),
        "{text}"
    );
    assert_eq!(url, format!("{}/certificates/{cert_no}", t.url));
    let page = t.get(&format!("/certificates/{cert_no}")).await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.expect("html");
    assert!(html.contains("有效") && html.contains(&cert_no), "{html}");
    // The receipt and the notices open the status page with the code.
    let (text, url) = read_pdf(&t, &format!("/cases/{number}/papers/receipt?code={vcode}")).await;
    assert!(
        text.contains("申请材料接收回执") && text.contains(&vcode),
        "{text}"
    );
    assert_eq!(url, format!("{}/cases/{number}?code={vcode}", t.url));
    let (text, _) = read_pdf(&t, &format!("/cases/{number}/papers/decision?code={vcode}")).await;
    assert!(text.contains("准予行政许可决定书"), "{text}");
    let wrong = t
        .get(&format!("/cases/{number}/papers/receipt?code=ZZZZZZZZ"))
        .await;
    assert_eq!(wrong.status(), StatusCode::NOT_FOUND);
    let refusal = t
        .get(&format!("/cases/{number}/papers/refusal?code={vcode}"))
        .await;
    assert_eq!(refusal.status(), StatusCode::CONFLICT);
    let html = t
        .get(&format!("/cases/{number}?code={vcode}"))
        .await
        .text()
        .await
        .expect("html");
    assert!(
        html.contains("办件进度") && html.contains("准予许可"),
        "{html}"
    );

    let case = act_ok(
        &t,
        &clerk,
        &number,
        json!({"action": "deliver", "method": "electronic"}),
    )
    .await;
    assert_eq!(case["stage"], "closed");
    let status = t
        .get_json(&format!("/api/v1/cases/{number}?code={vcode}"))
        .await;
    let whats: Vec<&str> = status["timeline"]
        .as_array()
        .expect("timeline")
        .iter()
        .filter_map(|e| e["what"].as_str())
        .collect();
    assert_eq!(
        whats,
        ["submitted", "accepted", "passed", "approved", "delivered"]
    );
}
both_dbs!(
    online_application_to_certificate,
    online_application_to_certificate
);

async fn illegal_steps_are_refused_and_change_nothing(db: Db) {
    let t = spawn_app(db).await;
    at(&t, "2026-11-02");
    let item = food_licence(&t).await;
    let clerk = t.login("clerk").await;
    let reviewer = t.login("reviewer").await;
    // The window files for a caller at the hall: paper, no uploads.
    let number = file_at_hall(&t, &clerk, &item["code"], "张三").await;
    let events = t.event_count().await;

    // A reviewer cannot accept; deciding now is not this stage's; bad bodies name the field.
    assert_problem(
        act(&t, &reviewer, &number, json!({"action": "accept"})).await,
        StatusCode::FORBIDDEN,
        "",
    )
    .await;
    assert_problem(
        act(
            &t,
            &clerk,
            &number,
            json!({"action": "decide", "approve": true, "opinion": "准予"}),
        )
        .await,
        StatusCode::CONFLICT,
        "state",
    )
    .await;
    assert_problem(
        act(
            &t,
            &clerk,
            &number,
            json!({"action": "refuse", "reasons": ""}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "reasons",
    )
    .await;
    assert_problem(
        act(&t, &clerk, &number, json!({"action": "fly"})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "action",
    )
    .await;
    assert_problem(
        act(
            &t,
            &clerk,
            &number,
            json!({"action": "request_correction", "items": [{"material": 99, "reason": "缺"}]}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "items[0].material",
    )
    .await;
    assert_problem(
        t.post(
            "/api/v1/cases/430100-20261102-000777/actions",
            Some(&clerk),
            &json!({"action": "accept"}),
        )
        .await,
        StatusCode::NOT_FOUND,
        "",
    )
    .await;
    // A citizen cannot file at the hall; a clerk cannot apply "online".
    let citizen = t.login("citizen").await;
    assert_problem(
        t.post(
            "/api/v1/cases",
            Some(&citizen),
            &json!({"item": item["code"], "channel": "hall", "form": form_for(&item)}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "channel",
    )
    .await;
    // An online application without its required materials names each.
    assert_problem(
        t.post(
            "/api/v1/cases",
            Some(&citizen),
            &json!({"item": item["code"], "channel": "web", "form": {"phone": "1"}}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "form.phone",
    )
    .await;
    // A cited file that was never uploaded.
    assert_problem(
        t.post(
            "/api/v1/cases",
            Some(&citizen),
            &json!({"item": item["code"], "channel": "web", "form": form_for(&item),
                    "materials": [{"material": 0, "files": [{"blob": "ab".repeat(32), "name": "x.pdf", "size": 1, "media_type": "application/pdf"}]}]}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "materials[0].files[0].blob",
    )
    .await;
    // An upload that is not what it claims to be.
    let r = upload(&t, &citizen, "licence.pdf", b"GIF89a not a pdf".to_vec()).await;
    assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, "body").await;
    assert_eq!(t.event_count().await, events, "refusals wrote nothing");

    // 一次性告知 once; the applicant's window resubmits; a second notice is refused.
    act_ok(
        &t,
        &clerk,
        &number,
        json!({"action": "request_correction", "items": [{"material": 0, "reason": "申请书未签字"}]}),
    )
    .await;
    act_ok(&t, &clerk, &number, json!({"action": "resubmit"})).await;
    assert_problem(
        act(
            &t,
            &clerk,
            &number,
            json!({"action": "request_correction", "items": [{"material": 1, "reason": "又一处"}]}),
        )
        .await,
        StatusCode::CONFLICT,
        "state",
    )
    .await;
    let case = act_ok(
        &t,
        &clerk,
        &number,
        json!({"action": "refuse", "reasons": "申请人不具备主体资格"}),
    )
    .await;
    assert_eq!(case["outcome"], "refused");
    assert!(
        case["decision"]["remedy"]
            .as_str()
            .expect("remedy")
            .contains("行政复议")
    );
}
both_dbs!(
    illegal_steps_are_refused_and_change_nothing,
    illegal_steps_are_refused_and_change_nothing
);

/// The supervisor's deadline scan, signed in afresh (the clock may have
/// moved past yesterday's session).
pub(crate) async fn scan(t: &TestApp) -> Value {
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

async fn silence_is_acceptance_and_late_cases_get_cards(db: Db) {
    let t = spawn_app(db).await;
    at(&t, "2026-11-02");
    let item = food_licence(&t).await;
    let clerk = t.login("clerk").await;
    let number = file_at_hall(&t, &clerk, &item["code"], "李四").await;
    // The window has until Mon 9 Nov.
    at(&t, "2026-11-09");
    assert_eq!(scan(&t).await["deemed_accepted"], 0);
    at(&t, "2026-11-10");
    let swept = scan(&t).await;
    assert_eq!(swept["deemed_accepted"], 1);
    assert_eq!(swept["red"], 1);
    let clerk = t.login("clerk").await;
    let case: Value = t
        .get_as(&format!("/api/v1/cases/{number}"), &clerk)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(case["deemed"], true);
    assert_eq!(case["accepted_on"], "2026-11-02");
    // Scanning again finds nothing new.
    assert_eq!(
        scan(&t).await,
        json!({"deemed_accepted": 0, "yellow": 0, "red": 0, "recounted": 0, "follow_ups_recounted": 0})
    );

    // The day the promised limit runs out: yellow; the day after: red.
    let due = case["dues"]["promised"].as_str().expect("due").to_string();
    at(&t, &due);
    assert_eq!(scan(&t).await["yellow"], 1);
    let next: Value = t
        .get_json(&format!("/api/v1/calendar/add-workdays?from={due}&days=1"))
        .await;
    at(&t, next["date"].as_str().expect("date"));
    assert_eq!(scan(&t).await["red"], 1);
    let supervisor = t.login("supervisor").await;
    let cards: Value = t
        .get_as("/api/v1/cases/cards", &supervisor)
        .await
        .json()
        .await
        .expect("json");
    let kinds: Vec<(&str, i64)> = cards["cards"]
        .as_array()
        .expect("cards")
        .iter()
        .map(|c| {
            (
                c["kind"].as_str().unwrap_or(""),
                c["step"].as_i64().unwrap_or(-1),
            )
        })
        .collect();
    assert_eq!(kinds.len(), 3, "{cards}");
    assert!(
        kinds.contains(&("red", 0))
            && kinds.contains(&("yellow", 1))
            && kinds.contains(&("red", 1))
    );
    // Citizens see no cards and cannot run the scan.
    let citizen = t.login("citizen").await;
    assert_problem(
        t.get_as("/api/v1/cases/cards", &citizen).await,
        StatusCode::FORBIDDEN,
        "",
    )
    .await;
    assert_problem(
        t.post("/api/v1/cases/deadlines/scan", Some(&citizen), &json!({}))
            .await,
        StatusCode::FORBIDDEN,
        "",
    )
    .await;
}
both_dbs!(
    silence_is_acceptance_and_late_cases_get_cards,
    silence_is_acceptance_and_late_cases_get_cards
);

async fn the_public_status_is_rate_limited(db: Db) {
    let t = spawn_app(db).await;
    let mut last = StatusCode::OK;
    for _ in 0..31 {
        last = t
            .get("/api/v1/cases/430100-20261102-000001?code=ABCDEFGH")
            .await
            .status();
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
}
both_dbs!(
    the_public_status_is_rate_limited,
    the_public_status_is_rate_limited
);

async fn joint_approval_needs_every_department(db: Db) {
    let t = spawn_app(db).await;
    at(&t, "2026-11-02");
    let item = food_licence(&t).await;
    let code = item["code"].as_str().expect("code");
    let deptadmin = t.login("deptadmin").await;
    let departments: Value = t
        .get_json("/api/v1/catalog/departments?division=430100")
        .await;
    let other = departments
        .as_array()
        .or_else(|| departments["departments"].as_array())
        .and_then(|a| {
            a.iter()
                .find(|d| d["division"] == "430100" && d["id"] != item["department_id"])
        })
        .and_then(|d| d["id"].as_i64())
        .expect("another department in 430100");
    let mut steps = t.get_json(&format!("/api/v1/cases/workflows/{code}")).await["steps"].clone();
    steps[2]["joint"] = json!([item["department_id"]]);
    assert_problem(
        t.put(
            &format!("/api/v1/cases/workflows/{code}"),
            Some(&deptadmin),
            &json!({"steps": steps}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "steps[2].joint",
    )
    .await;
    steps[2]["joint"] = json!([other]);
    let r = t
        .put(
            &format!("/api/v1/cases/workflows/{code}"),
            Some(&deptadmin),
            &json!({"steps": steps}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let clerk = t.login("clerk").await;
    assert_problem(
        t.put(
            &format!("/api/v1/cases/workflows/{code}"),
            Some(&clerk),
            &json!({"steps": steps}),
        )
        .await,
        StatusCode::FORBIDDEN,
        "",
    )
    .await;
    let number = file_at_hall(&t, &clerk, &item["code"], "王五").await;
    act_ok(&t, &clerk, &number, json!({"action": "accept"})).await;
    act_ok(
        &t,
        &t.login("reviewer").await,
        &number,
        json!({"action": "pass", "opinion": "符合条件"}),
    )
    .await;
    let case = act_ok(
        &t,
        &t.login("approver").await,
        &number,
        json!({"action": "decide", "approve": true, "opinion": "同意"}),
    )
    .await;
    assert_eq!(
        case["stage"], "working",
        "the joint department has not decided yet"
    );
    assert_eq!(case["outcome"], Value::Null);
}
both_dbs!(
    joint_approval_needs_every_department,
    joint_approval_needs_every_department
);

/// A browser's session on the pages: its cookie and the CSRF token its
/// forms carry.
pub(crate) async fn page_session(t: &TestApp, user: &str) -> (reqwest::Client, String, String) {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let r = client
        .post(format!("{}/login", t.url))
        .form(&[("username", user), ("password", "bianli-demo")])
        .send()
        .await
        .expect("login");
    let cookie = r
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|c| c.split(';').next())
        .expect("a session cookie")
        .to_string();
    let token = cookie.split_once('=').expect("name=token").1.to_string();
    let csrf = bianli_app::identity::csrf_token(&token);
    (client, cookie, csrf)
}

/// A page as `user` sees it, signed in on the pages.
pub(crate) async fn page_as(t: &TestApp, user: &str, path: &str) -> String {
    let (browser, cookie, _) = page_session(t, user).await;
    browser
        .get(format!("{}{path}", t.url))
        .header("cookie", &cookie)
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html")
}

async fn the_window_works_its_queue_on_the_pages(db: Db) {
    let t = spawn_app(db).await;
    let item = food_licence(&t).await;
    let clerk_token = t.login("clerk").await;
    let number = file_at_hall(&t, &clerk_token, &item["code"], "赵六").await;
    let (browser, cookie, csrf) = page_session(&t, "clerk").await;
    let get = |path: String| {
        let req = browser
            .get(format!("{}{path}", t.url))
            .header("cookie", &cookie);
        async move { req.send().await.expect("page") }
    };
    let queue = get("/cases".to_string()).await.text().await.expect("html");
    assert!(
        queue.contains("待办件") && queue.contains(&number),
        "{queue}"
    );
    let page = get(format!("/cases/{number}"))
        .await
        .text()
        .await
        .expect("html");
    assert!(
        page.contains("value=\"accept\"") && page.contains("一次性告知补正"),
        "{page}"
    );
    // A form without this session's token is refused and changes nothing.
    let forged = browser
        .post(format!("{}/cases/{number}", t.url))
        .header("cookie", &cookie)
        .form(&[("csrf", "forged"), ("action", "accept")])
        .send()
        .await
        .expect("post");
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    let accepted = browser
        .post(format!("{}/cases/{number}", t.url))
        .header("cookie", &cookie)
        .form(&[("csrf", csrf.as_str()), ("action", "accept")])
        .send()
        .await
        .expect("post");
    assert_eq!(accepted.status(), StatusCode::SEE_OTHER);
    let page = get(format!("/cases/{number}"))
        .await
        .text()
        .await
        .expect("html");
    assert!(page.contains("办理中"), "{page}");
    // The reviewer's page now offers the review; an empty opinion is refused.
    let (browser, cookie, csrf) = page_session(&t, "reviewer").await;
    let refused = browser
        .post(format!("{}/cases/{number}", t.url))
        .header("cookie", &cookie)
        .form(&[("csrf", csrf.as_str()), ("action", "pass"), ("text", "")])
        .send()
        .await
        .expect("post");
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let passed = browser
        .post(format!("{}/cases/{number}", t.url))
        .header("cookie", &cookie)
        .form(&[
            ("csrf", csrf.as_str()),
            ("action", "pass"),
            ("text", "材料齐全"),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(passed.status(), StatusCode::SEE_OTHER);
    // Someone else's case is not shown to a citizen.
    let (browser, cookie, _) = page_session(&t, "citizen").await;
    let other = browser
        .get(format!("{}/cases/{number}", t.url))
        .header("cookie", &cookie)
        .send()
        .await
        .expect("page");
    assert_eq!(other.status(), StatusCode::NOT_FOUND);
}
both_dbs!(
    the_window_works_its_queue_on_the_pages,
    the_window_works_its_queue_on_the_pages
);
