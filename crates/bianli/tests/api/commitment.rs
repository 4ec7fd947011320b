//! 告知承诺 over HTTP: the window accepts and approves on the applicant's
//! signed commitment where the item allows it; the department verifies
//! afterwards, and a false commitment revokes the certificate.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::both_dbs;
use crate::cases::{act, act_ok, apply_online, at, file_at_hall, food_licence, number_and_code};
use crate::conformance::{Call, Document};
use crate::helpers::{Db, TestApp, assert_problem, spawn_app};

fn commitment() -> Value {
    json!({
        "action": "accept_on_commitment",
        "signer": "李示范",
        "text": "本单位承诺经营场所、设施设备和食品安全管理制度符合法定条件，所填信息真实有效；如有不实，愿承担撤销许可等法律责任。",
    })
}

fn whats(case: &Value) -> Vec<String> {
    case["timeline"]
        .as_array()
        .expect("timeline")
        .iter()
        .map(|e| e["what"].as_str().expect("what").to_string())
        .collect()
}

async fn certificate(t: &TestApp, case: &Value) -> Value {
    let number = case["certificate"].as_str().expect("a certificate");
    t.get_json(&format!("/api/v1/cases/certificates/{number}"))
        .await
}

/// A licence of the clerk's department in 430100 that does not allow it.
async fn item_without_commitment(t: &TestApp, department: &Value) -> Value {
    let list = t
        .get_json("/api/v1/catalog/items?division=430100&kind=行政许可")
        .await;
    for entry in list["items"].as_array().expect("items") {
        let code = entry["code"].as_str().expect("code");
        let item = t.get_json(&format!("/api/v1/catalog/items/{code}")).await["item"].clone();
        if item["department_id"] == *department && item.get("commitment_allowed").is_none() {
            return item;
        }
    }
    panic!("no licence of department {department} without 告知承诺 in 430100")
}

async fn commitment_approves_at_once_and_a_false_one_is_revoked(db: Db) {
    let t = spawn_app(db).await;
    at(&t, "2026-11-02");
    let item = food_licence(&t).await;
    assert_eq!(item["commitment_allowed"], true, "the demo marks it");
    let enterprise = t.login("enterprise").await;
    let receipt = apply_online(&t, &enterprise, &item).await;
    let (number, vcode) = number_and_code(&receipt);

    // Only the window's clerk; a reviewer is refused and nothing changes.
    at(&t, "2026-11-03");
    let reviewer = t.login("reviewer").await;
    let events = t.event_count().await;
    let r = act(&t, &reviewer, &number, commitment()).await;
    assert_problem(r, StatusCode::FORBIDDEN, "").await;
    // Without a signer or text: both named.
    let clerk = t.login("clerk").await;
    let r = act(
        &t,
        &clerk,
        &number,
        json!({"action": "accept_on_commitment", "signer": "", "text": ""}),
    )
    .await;
    let body = assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, "signer").await;
    assert!(body.to_string().contains("\"text\""), "{body}");
    assert_eq!(t.event_count().await, events, "refusals wrote nothing");

    let case = act_ok(&t, &clerk, &number, commitment()).await;
    assert_eq!(case["stage"], "decided");
    assert_eq!(case["outcome"], "approved");
    assert_eq!(case["commitment"], true);
    assert_eq!(case["verification"]["signer"], "李示范");
    // 20 working days after Tue 3 Nov 2026: Tue 1 Dec.
    assert_eq!(case["verification"]["due"], "2026-12-01");
    assert_eq!(case["verification"]["result"], Value::Null);
    assert_eq!(case["verification_overdue"], false);
    assert!(
        whats(&case).ends_with(&[
            "accepted".to_string(),
            "approved".to_string(),
            "verification_opened".to_string()
        ]),
        "{case}"
    );
    assert_eq!(certificate(&t, &case).await["validity"], "valid");

    // A second commitment on the decided case is a state conflict.
    let r = act(&t, &clerk, &number, commitment()).await;
    assert_problem(r, StatusCode::CONFLICT, "state").await;

    // Past the due day without a result, staff see it overdue.
    at(&t, "2026-12-02");
    let inspector = t.login("inspector").await;
    let late: Value = t
        .get_as(&format!("/api/v1/cases/{number}"), &inspector)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(late["verification_overdue"], true, "{late}");

    // The clerk does not verify; the inspector finds the commitment false.
    let clerk = t.login("clerk").await;
    let r = act(
        &t,
        &clerk,
        &number,
        json!({"action": "verify", "confirmed": true, "note": "资料核对一致"}),
    )
    .await;
    assert_problem(r, StatusCode::FORBIDDEN, "").await;
    let case = act_ok(
        &t,
        &inspector,
        &number,
        json!({"action": "verify", "confirmed": false, "note": "现场核查发现经营场所与承诺不符，无冷藏设施"}),
    )
    .await;
    assert_eq!(case["verification"]["result"]["confirmed"], false);
    assert_eq!(case["verification_overdue"], false);
    assert_eq!(whats(&case).last().map(String::as_str), Some("revoked"));
    let cert = certificate(&t, &case).await;
    assert_eq!(cert["validity"], "revoked", "{cert}");
    let cert_no = case["certificate"].as_str().expect("certificate");
    let page = t
        .get(&format!("/certificates/{cert_no}"))
        .await
        .text()
        .await
        .expect("html");
    assert!(page.contains("已撤销"), "{page}");
    // The public status shows the step too.
    let status = t
        .get_json(&format!("/api/v1/cases/{number}?code={vcode}"))
        .await;
    assert!(status.to_string().contains("承诺不实"), "{status}");
    // Verified once only.
    let r = act(
        &t,
        &inspector,
        &number,
        json!({"action": "verify", "confirmed": true, "note": "再次核查"}),
    )
    .await;
    assert_problem(r, StatusCode::CONFLICT, "state").await;
}
both_dbs!(
    commitment_approves_at_once_and_a_false_one_is_revoked,
    commitment_approves_at_once_and_a_false_one_is_revoked
);

async fn a_confirmed_commitment_keeps_the_certificate(db: Db) {
    let t = spawn_app(db).await;
    at(&t, "2026-11-02");
    let item = food_licence(&t).await;
    let clerk = t.login("clerk").await;
    // At the hall: paper materials, the commitment signed at the window.
    let number = file_at_hall(&t, &clerk, &item["code"], "张承诺").await;
    let case = act_ok(&t, &clerk, &number, commitment()).await;
    assert_eq!(case["outcome"], "approved");
    at(&t, "2026-11-20");
    let approver = t.login("approver").await;
    let case = act_ok(
        &t,
        &approver,
        &number,
        json!({"action": "verify", "confirmed": true, "note": "经核查，承诺内容属实"}),
    )
    .await;
    assert_eq!(case["verification"]["result"]["confirmed"], true);
    assert_eq!(whats(&case).last().map(String::as_str), Some("verified"));
    assert_eq!(certificate(&t, &case).await["validity"], "valid");
}
both_dbs!(
    a_confirmed_commitment_keeps_the_certificate,
    a_confirmed_commitment_keeps_the_certificate
);

async fn commitment_is_refused_for_an_item_without_it(db: Db) {
    let t = spawn_app(db).await;
    at(&t, "2026-11-02");
    let food = food_licence(&t).await;
    let item = item_without_commitment(&t, &food["department_id"]).await;
    let clerk = t.login("clerk").await;
    let number = file_at_hall(&t, &clerk, &item["code"], "王普通").await;
    let events = t.event_count().await;
    let r = act(&t, &clerk, &number, commitment()).await;
    let body = assert_problem(r, StatusCode::CONFLICT, "state").await;
    assert!(body.to_string().contains("未实行告知承诺制"), "{body}");
    assert_eq!(t.event_count().await, events);
}
both_dbs!(
    commitment_is_refused_for_an_item_without_it,
    commitment_is_refused_for_an_item_without_it
);

/// A supervisor watching `division` only.
async fn supervisor_of(t: &TestApp, username: &str, division: &str) -> String {
    let like = t
        .app
        .store()
        .account_by_username("supervisor")
        .await
        .expect("read")
        .expect("the demo supervisor");
    let account = bianli_app::store::NewAccount {
        username: username.to_string(),
        kind: bianli_domain::identity::AccountKind::Staff,
        display_name: format!("{division}电子监察"),
        id_number: None,
        uscc: None,
        employee_no: Some(format!("HN9{division}")),
        password_hash: like.password_hash,
        role: bianli_domain::identity::Role::Supervisor,
        department_id: None,
        division: Some(division.to_string()),
    };
    t.app
        .store()
        .create_account(&account, chrono::Utc::now())
        .await
        .expect("account");
    t.login(username).await
}

fn numbers(list: &Value) -> Vec<String> {
    list["verifications"]
        .as_array()
        .expect("verifications")
        .iter()
        .map(|v| v["case_number"].as_str().expect("number").to_string())
        .collect()
}

async fn supervisors_see_open_verifications(db: Db) {
    let t = spawn_app(db).await;
    let doc = Document::fetch(&t).await;
    let call = Call { t: &t, doc: &doc };
    let list = |token: String| {
        let call = &call;
        async move {
            call.send(
                "GET",
                "/cases/verifications",
                "/cases/verifications",
                Some(&token),
                None,
                StatusCode::OK,
            )
            .await
        }
    };
    at(&t, "2026-11-02");
    let item = food_licence(&t).await;
    let clerk = t.login("clerk").await;
    let number = file_at_hall(&t, &clerk, &item["code"], "张承诺").await;
    let supervisor = t.login("supervisor").await;
    assert_eq!(
        numbers(&list(supervisor.clone()).await),
        Vec::<String>::new()
    );
    act_ok(&t, &clerk, &number, commitment()).await;

    // The demo supervisor watches 430100: the case, its item, department
    // and due date (20 working days after Monday 2 November).
    let seen = list(supervisor.clone()).await;
    assert_eq!(numbers(&seen), vec![number.clone()]);
    let v = &seen["verifications"][0];
    assert_eq!(v["item_code"], item["code"]);
    assert_eq!(v["department_id"], item["department_id"]);
    assert_eq!(v["division"], "430100");
    assert_eq!(v["due"], "2026-11-30");
    assert_eq!(v["provisional"], false);
    assert_eq!(v["overdue"], false);
    // The province's supervisor and the department's staff see it; a
    // county's supervisor does not; applicants see nothing.
    let province = supervisor_of(&t, "supervisor-hn", "430000").await;
    assert_eq!(numbers(&list(province).await), vec![number.clone()]);
    let county = supervisor_of(&t, "supervisor-fr", "430102").await;
    assert_eq!(numbers(&list(county).await), Vec::<String>::new());
    assert_eq!(numbers(&list(clerk.clone()).await), vec![number.clone()]);
    let citizen = t.login("citizen").await;
    let r = t.get_as("/api/v1/cases/verifications", &citizen).await;
    assert_problem(r, StatusCode::FORBIDDEN, "").await;

    // Past the due day: overdue, on the API and the workbench page.
    at(&t, "2026-12-01");
    let supervisor = t.login("supervisor").await;
    let late = list(supervisor.clone()).await;
    assert_eq!(late["verifications"][0]["overdue"], true, "{late}");
    let page = crate::cases::page_as(&t, "supervisor", "/oversight/cards").await;
    assert!(page.contains("告知承诺待核查"), "{page}");
    assert!(page.contains(&number) && page.contains("已逾期"), "{page}");

    // Once verified it leaves the list.
    let approver = t.login("approver").await;
    act_ok(
        &t,
        &approver,
        &number,
        json!({"action": "verify", "confirmed": true, "note": "经核查，承诺内容属实"}),
    )
    .await;
    assert_eq!(numbers(&list(supervisor).await), Vec::<String>::new());
}
both_dbs!(
    supervisors_see_open_verifications,
    supervisors_see_open_verifications
);

async fn a_provisional_verification_is_recounted(db: Db) {
    let t = spawn_app(db).await;
    at(&t, "2026-12-10");
    let item = food_licence(&t).await;
    let clerk = t.login("clerk").await;
    let number = file_at_hall(&t, &clerk, &item["code"], "张承诺").await;
    let case = act_ok(&t, &clerk, &number, commitment()).await;
    // 20 working days from Thursday 10 December run into 2027, not loaded:
    // Monday to Friday there.
    assert_eq!(case["verification"]["due"], "2027-01-07", "{case}");
    assert_eq!(case["verification"]["provisional"], true);
    let admin = t.login("admin").await;
    let r = t
        .client
        .post(format!("{}/api/v1/calendar/years", t.url))
        .bearer_auth(&admin)
        .header("content-type", "text/csv")
        .body(
            "date,kind,name,name_zh\n2027-01-01,holiday,New Year's Day,元旦\n\
             2027-10-01,holiday,National Day,国庆节\n",
        )
        .send()
        .await
        .expect("load");
    assert!(r.status().is_success(), "{}", r.status());
    let supervisor = t.login("supervisor").await;
    let scan = |token: String| {
        let t = &t;
        async move {
            let r = t
                .post("/api/v1/cases/deadlines/scan", Some(&token), &json!({}))
                .await;
            assert_eq!(r.status(), StatusCode::OK);
            r.json::<Value>().await.expect("json")
        }
    };
    assert_eq!(scan(supervisor.clone()).await["recounted"], 1);
    let list: Value = t
        .get_as("/api/v1/cases/verifications", &supervisor)
        .await
        .json()
        .await
        .expect("json");
    let v = &list["verifications"][0];
    assert_eq!(v["due"], "2027-01-08", "{list}");
    assert_eq!(v["provisional"], false);
    assert_eq!(scan(supervisor).await["recounted"], 0, "counted once");
}
both_dbs!(
    a_provisional_verification_is_recounted,
    a_provisional_verification_is_recounted
);
