//! An item's own application form (申请表): declared by its department,
//! shown in the guide and the spreadsheet, asked and checked field by field
//! on every channel, kept on the case, and printed on the licence where the
//! item marks it (印证).

use bianli_app::spreadsheet::Format;
use chrono::NaiveDate;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::both_dbs;
use crate::cases::{act_ok, at, food_licence, form_for, materials, page_as};
use crate::helpers::{Db, TestApp, assert_problem, spawn_app};

/// The item as the revision API takes it (the plain input shape).
fn as_input(item: &Value) -> Value {
    let mut input = item.clone();
    input["kind"] = json!("行政许可");
    input["legal_basis"] = json!(["《中华人民共和国食品安全法》第三十五条"]);
    input["statutory_days"] = item["statutory_limit"]["days"].clone();
    input["fee_fen"] = json!(0);
    input
}

/// The item with one more field, sent as a revision by `token`.
async fn with_field(t: &TestApp, token: &str, item: &Value, field: Value) -> reqwest::Response {
    let mut input = as_input(item);
    input["form"].as_array_mut().expect("form").push(field);
    let code = item["code"].as_str().expect("code");
    t.put(
        &format!("/api/v1/catalog/items/{code}"),
        Some(token),
        &input,
    )
    .await
}

async fn an_items_form_is_declared_asked_checked_and_printed(db: Db) {
    let t = spawn_app(db).await;
    at(&t, "2026-11-02");
    let item = food_licence(&t).await;
    let code = item["code"].as_str().expect("code").to_string();

    // The demo's 食品经营许可 asks what its paper application asks.
    let keys: Vec<&str> = item["form"]
        .as_array()
        .expect("the item's form")
        .iter()
        .filter_map(|f| f["key"].as_str())
        .collect();
    for k in ["premises", "business_type", "scope"] {
        assert!(keys.contains(&k), "{keys:?}");
    }

    // A bad declaration is named field by field, and nothing is written.
    let admin = t.login("deptadmin").await;
    let events = t.event_count().await;
    let n = keys.len();
    let r = with_field(
        &t,
        &admin,
        &item,
        json!({"key": "Seats", "label": "座位数", "kind": "计数"}),
    )
    .await;
    let problem = assert_problem(
        r,
        StatusCode::UNPROCESSABLE_ENTITY,
        &format!("form[{n}].key"),
    )
    .await;
    assert!(
        problem.to_string().contains(&format!("form[{n}].kind")),
        "{problem}"
    );
    let r = with_field(
        &t,
        &admin,
        &item,
        json!({"key": "phone", "label": "电话", "kind": "phone"}),
    )
    .await;
    assert_problem(
        r,
        StatusCode::UNPROCESSABLE_ENTITY,
        &format!("form[{n}].key"),
    )
    .await;
    assert_eq!(
        t.event_count().await,
        events,
        "refused declarations write nothing"
    );

    // The department adds 座位数 (required, a number of seats).
    let r = with_field(
        &t,
        &admin,
        &item,
        json!({"key": "seats", "label": "座位数", "kind": "number", "required": true, "unit": "个"}),
    )
    .await;
    assert_eq!(
        r.status(),
        StatusCode::OK,
        "{}",
        r.text().await.unwrap_or_default()
    );
    let item = t.get_json(&format!("/api/v1/catalog/items/{code}")).await["item"].clone();
    assert_eq!(item["form"][n]["key"], "seats");

    // The guide lists the form; the spreadsheet carries it in its 申请表 column.
    let guide = t
        .get(&format!("/items/{code}"))
        .await
        .text()
        .await
        .expect("html");
    for want in ["申请表", "经营场所", "座位数", "单位：个", "印在证照上"] {
        assert!(guide.contains(want), "the guide lacks {want}");
    }
    let mut csv = Vec::new();
    t.app
        .export(
            NaiveDate::from_ymd_opt(2026, 11, 2).expect("date"),
            Some("430100"),
            Format::Csv,
            &mut csv,
        )
        .await
        .expect("export");
    let csv = String::from_utf8(csv).expect("utf-8");
    assert!(csv.contains("申请表"), "no 申请表 column");
    assert!(
        csv.contains("seats=座位数|必填|数字|个")
            && csv.contains("premises=经营场所|必填|文本||印证"),
        "the food licence's form is not in its row"
    );

    // An application without the new field, and with an option the item
    // does not offer: each named, nothing filed.
    let citizen = t.login("citizen").await;
    let files = materials(&t, &citizen, &item).await;
    let events = t.event_count().await;
    let mut form = form_for(&item);
    form.as_object_mut().expect("form").remove("seats");
    form["scope"] = json!("热食类食品制售、卖烟");
    let apply = |form: Value| {
        let body = json!({"item": code, "channel": "web", "form": form, "materials": files});
        let citizen = citizen.clone();
        let t = &t;
        async move { t.post("/api/v1/cases", Some(&citizen), &body).await }
    };
    let r = apply(form.clone()).await;
    let problem = assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, "form.seats").await;
    assert!(problem.to_string().contains("form.scope"), "{problem}");
    assert!(problem.to_string().contains("卖烟"), "{problem}");
    assert_eq!(t.event_count().await, events);

    // Filled in: kept as read, the chosen options in the item's order.
    form["seats"] = json!("040");
    form["scope"] = json!("自制饮品制售、热食类食品制售");
    form["premises"] = json!("长沙市芙蓉区五一大道1号一楼");
    let r = apply(form).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let receipt: Value = r.json().await.expect("json");
    let number = receipt["number"].as_str().expect("number").to_string();
    let case = t
        .get_json(&format!(
            "/api/v1/cases/{number}?code={}",
            receipt["verification_code"].as_str().expect("code")
        ))
        .await;
    let clerk = t.login("clerk").await;
    let full: Value = t
        .get_as(&format!("/api/v1/cases/{number}"), &clerk)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(full["form"]["seats"], "40");
    assert_eq!(full["form"]["scope"], "热食类食品制售、自制饮品制售");
    // The public status never shows what the applicant wrote.
    assert!(!case.to_string().contains("五一大道"), "{case}");

    // The window sees the form by its labels.
    let html = page_as(&t, "clerk", &format!("/cases/{number}")).await;
    assert!(html.contains("<dt>座位数</dt><dd>40</dd>"), "{html}");

    // Approved: the licence prints the 印证 fields, never the contact ones.
    act_ok(&t, &clerk, &number, json!({"action": "accept"})).await;
    let reviewer = t.login("reviewer").await;
    act_ok(
        &t,
        &reviewer,
        &number,
        json!({"action": "pass", "opinion": "合格"}),
    )
    .await;
    let approver = t.login("approver").await;
    let decided = act_ok(
        &t,
        &approver,
        &number,
        json!({"action": "decide", "approve": true, "opinion": "准予许可"}),
    )
    .await;
    let cert_no = decided["certificate"]
        .as_str()
        .expect("a licence")
        .to_string();
    let cert = t
        .get_json(&format!("/api/v1/cases/certificates/{cert_no}"))
        .await;
    let details: Vec<(&str, &str)> = cert["details"]
        .as_array()
        .expect("details")
        .iter()
        .map(|d| {
            (
                d["label"].as_str().unwrap_or(""),
                d["value"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert!(
        details.contains(&("经营场所", "长沙市芙蓉区五一大道1号一楼")),
        "{cert}"
    );
    assert!(
        details.contains(&("经营项目", "热食类食品制售、自制饮品制售")),
        "{cert}"
    );
    assert!(!cert.to_string().contains("13800138000"), "{cert}");
    let page = t
        .get(&format!("/certificates/{cert_no}"))
        .await
        .text()
        .await
        .expect("html");
    assert!(
        page.contains("<dt>经营场所</dt><dd>长沙市芙蓉区五一大道1号一楼</dd>"),
        "{page}"
    );
}
both_dbs!(
    item_form,
    an_items_form_is_declared_asked_checked_and_printed
);
