//! The OpenAPI document at /api/v1/openapi.json against the API it describes:
//! the routes it names are exactly those the server answers, and real
//! answers (and the requests that got them) match its schemas.

use std::collections::BTreeSet;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::both_dbs;
use crate::conformance::{Call, Document, METHODS};
use crate::helpers::{Db, spawn_app};

/// Every route under /api/v1, written out here rather than read from the
/// router: a route added without documentation, or documented and not
/// served, fails `every_route_is_documented_and_served`.
const ROUTES: [(&str, &str); 60] = [
    ("GET", "/calendar/add-workdays"),
    ("GET", "/calendar/workdays-between"),
    ("GET", "/calendar/years"),
    ("POST", "/calendar/years"),
    ("POST", "/cases"),
    ("GET", "/cases"),
    ("POST", "/cases/uploads"),
    ("GET", "/cases/queue"),
    ("GET", "/cases/cards"),
    ("POST", "/cases/deadlines/scan"),
    ("GET", "/cases/certificates/{number}"),
    ("GET", "/cases/workflows/{code}"),
    ("PUT", "/cases/workflows/{code}"),
    ("GET", "/cases/{number}"),
    ("POST", "/cases/{number}/actions"),
    ("POST", "/cases/{number}/rating"),
    ("POST", "/cases/{number}/rating/answer"),
    ("GET", "/cases/ratings"),
    ("GET", "/cases/ratings/stats"),
    ("GET", "/cases/verifications"),
    ("GET", "/cases/halls"),
    ("GET", "/cases/halls/{hall}/slots"),
    ("POST", "/cases/halls/{hall}/slots"),
    ("POST", "/cases/bookings"),
    ("GET", "/cases/bookings"),
    ("GET", "/cases/bookings/{ticket}"),
    ("POST", "/cases/bookings/{ticket}/cancel"),
    ("POST", "/cases/bookings/{ticket}/reschedule"),
    ("POST", "/cases/bookings/{ticket}/check-in"),
    ("POST", "/cases/bookings/{ticket}/no-show"),
    ("GET", "/catalog/items"),
    ("GET", "/catalog/items/{code}"),
    ("PUT", "/catalog/items/{code}"),
    ("GET", "/catalog/stats"),
    ("GET", "/catalog/diff"),
    ("GET", "/catalog/departments"),
    ("GET", "/catalog/divisions"),
    ("GET", "/catalog/decrees"),
    ("POST", "/catalog/decrees"),
    ("GET", "/catalog/decrees/{id}"),
    ("POST", "/catalog/decrees/{id}/adjustments"),
    ("POST", "/catalog/decrees/{id}/apply"),
    ("POST", "/identity/register"),
    ("POST", "/identity/login"),
    ("POST", "/identity/logout"),
    ("GET", "/identity/me"),
    ("GET", "/ledger/checkpoint"),
    ("GET", "/ledger/entries"),
    ("GET", "/ledger/key"),
    ("GET", "/ledger/proof/consistency"),
    ("GET", "/ledger/proof/inclusion"),
    ("GET", "/oversight/province"),
    ("GET", "/oversight/divisions/{code}"),
    ("GET", "/oversight/departments/{id}"),
    ("GET", "/oversight/trends"),
    ("GET", "/oversight/people"),
    ("GET", "/oversight/cards"),
    ("GET", "/oversight/cards/{number}/{step}/{kind}"),
    ("POST", "/oversight/cards/{number}/{step}/{kind}"),
    ("GET", "/openapi.json"),
];

/// Every `$ref` in `v`.
fn refs(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(o) => {
            if let Some(Value::String(r)) = o.get("$ref") {
                out.insert(r.clone());
            }
            o.values().for_each(|v| refs(v, out));
        }
        Value::Array(a) => a.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

async fn every_route_is_documented_and_served(db: Db) {
    let t = spawn_app(db).await;
    let doc = Document::fetch(&t).await;
    let d = &doc.0;
    assert!(
        d["openapi"].as_str().is_some_and(|v| v.starts_with("3.1.")),
        "{}",
        d["openapi"]
    );
    assert_eq!(d["info"]["title"], "Bianli 便利");
    assert_eq!(d["info"]["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(d["servers"][0]["url"], "/api/v1");
    let tags: Vec<&str> = d["tags"]
        .as_array()
        .map(|a| a.iter().filter_map(|t| t["name"].as_str()).collect())
        .unwrap_or_default();
    assert!(
        tags.contains(&"catalog") && tags.contains(&"identity"),
        "{tags:?}"
    );
    assert_eq!(
        d["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );

    // Every schema is a valid 2020-12 schema and every reference resolves.
    let schemas = d["components"]["schemas"].as_object().expect("schemas");
    for (name, schema) in schemas {
        assert!(
            jsonschema::draft202012::meta::is_valid(schema),
            "{name} is not a valid JSON Schema 2020-12"
        );
    }
    let mut all_refs = BTreeSet::new();
    refs(d, &mut all_refs);
    for r in &all_refs {
        let name = r.strip_prefix("#/components/schemas/").unwrap_or(r);
        assert!(schemas.contains_key(name), "dangling reference {r}");
    }

    let listed: BTreeSet<(String, String)> = ROUTES
        .iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    let documented = doc.routes();
    assert_eq!(
        documented.difference(&listed).collect::<Vec<_>>(),
        Vec::<&(String, String)>::new(),
        "documented but not in this test's list of routes"
    );
    assert_eq!(
        listed.difference(&documented).collect::<Vec<_>>(),
        Vec::<&(String, String)>::new(),
        "served (in this test's list) but not documented"
    );

    // Real values for the path parameters, so that a 404 can only mean "no such route".
    let page = t.get_json("/api/v1/catalog/items?limit=1").await;
    let code = page["items"][0]["code"]
        .as_str()
        .expect("an item")
        .to_string();
    let decrees = t.get_json("/api/v1/catalog/decrees").await;
    let id = decrees[0]["id"].as_i64().expect("a decree");
    let halls = t.get_json("/api/v1/cases/halls").await;
    let hall = halls["halls"][0]["id"].as_i64().expect("a hall");
    let concrete = |template: &str| {
        template
            .replace("{code}", &code)
            .replace("{id}", &id.to_string())
            .replace("{number}", "not-a-number")
            .replace("{hall}", &hall.to_string())
            .replace("{ticket}", "H1-261130-001")
    };

    let paths: BTreeSet<&str> = ROUTES.iter().map(|(_, p)| *p).collect();
    for path in paths {
        for method in METHODS {
            let mut req = t.client.request(
                Method::from_bytes(method.as_bytes()).expect("method"),
                format!("{}/api/v1{}", t.url, concrete(path)),
            );
            if method != "GET" {
                req = req.json(&json!({}));
            }
            let status = req.send().await.expect("request").status();
            if !listed.contains(&(method.to_string(), path.to_string())) {
                assert_eq!(
                    status,
                    StatusCode::METHOD_NOT_ALLOWED,
                    "{method} {path} is served but not documented"
                );
                continue;
            }
            assert!(
                status != StatusCode::NOT_FOUND && status != StatusCode::METHOD_NOT_ALLOWED,
                "{method} {path} is documented but answers {status}"
            );
            // Without a token, a route that needs one refuses, and no other does.
            assert_eq!(
                status == StatusCode::UNAUTHORIZED,
                doc.requires_bearer(method, path),
                "{method} {path} answered {status} without a token"
            );
        }
    }
    let r = t.get("/api/v1/catalog/nothing-here").await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}
both_dbs!(
    routes_match_the_document,
    every_route_is_documented_and_served
);

async fn real_answers_match_the_schemas(db: Db) {
    let t = spawn_app(db).await;
    let doc = Document::fetch(&t).await;
    let call = Call { t: &t, doc: &doc };
    let ok = StatusCode::OK;

    // The catalog, read.
    let page = call
        .get(
            "/catalog/items",
            "/catalog/items?q=开饭店&division=430100",
            ok,
        )
        .await;
    let food = page["items"]
        .as_array()
        .and_then(|a| a.iter().find(|i| i["name"] == "食品经营许可"))
        .expect("the food licence")
        .clone();
    let code = food["code"].as_str().expect("code").to_string();
    call.get(
        "/catalog/items",
        "/catalog/items?as_of=2015-06-01&division=430000&limit=5",
        ok,
    )
    .await;
    let detail = call
        .get(
            "/catalog/items/{code}",
            &format!("/catalog/items/{code}"),
            ok,
        )
        .await;
    assert!(detail["item"]["materials"].is_array(), "{detail}");
    call.get(
        "/catalog/stats",
        "/catalog/stats?as_of=2017-06-03&baseline=2014-12-31",
        ok,
    )
    .await;
    call.get("/catalog/stats", "/catalog/stats", ok).await;
    let diff = call
        .get(
            "/catalog/diff",
            "/catalog/diff?from=2014-12-31&to=2017-06-03&division=430000&limit=5",
            ok,
        )
        .await;
    // An item a decree ended: its detail carries the history of both ends.
    let ended = diff["rows"]
        .as_array()
        .and_then(|rows| rows.iter().find(|r| r["change"] == "removed"))
        .and_then(|r| r["code"].as_str())
        .expect("a removed item")
        .to_string();
    let gone = call
        .get(
            "/catalog/items/{code}",
            &format!("/catalog/items/{ended}"),
            ok,
        )
        .await;
    assert_eq!(gone["in_force"], false);
    call.get("/catalog/departments", "/catalog/departments", ok)
        .await;
    call.get("/catalog/divisions", "/catalog/divisions", ok)
        .await;
    let decrees = call.get("/catalog/decrees", "/catalog/decrees", ok).await;
    let applied = decrees[0]["id"].as_i64().expect("a decree");
    call.get(
        "/catalog/decrees/{id}",
        &format!("/catalog/decrees/{applied}"),
        ok,
    )
    .await;

    // Problems.
    let invalid = StatusCode::UNPROCESSABLE_ENTITY;
    let p = call
        .get("/catalog/items", "/catalog/items?level=village", invalid)
        .await;
    assert_eq!(p["errors"][0]["field"], "level");
    call.get(
        "/catalog/items/{code}",
        "/catalog/items/430100-0199999",
        StatusCode::NOT_FOUND,
    )
    .await;
    call.get("/catalog/diff", "/catalog/diff?from=yesterday", invalid)
        .await;

    // The calendar.
    let end = call
        .get(
            "/calendar/add-workdays",
            "/calendar/add-workdays?from=2017-09-30&days=1",
            ok,
        )
        .await;
    assert_eq!(end["date"], "2017-10-09");
    call.get(
        "/calendar/workdays-between",
        "/calendar/workdays-between?from=2017-10-09&to=2017-09-29",
        ok,
    )
    .await;
    call.get("/calendar/years", "/calendar/years", ok).await;
    let p = call
        .get(
            "/calendar/add-workdays",
            "/calendar/add-workdays?from=2027-01-04&days=1",
            invalid,
        )
        .await;
    assert_eq!(p["errors"][0]["field"], "from");
    let root = t.login("admin").await;
    for (csv, want) in [
        (
            "date,kind,name,name_zh\n2027-01-01,holiday,New Year's Day,元旦\n2027-10-01,holiday,National Day,国庆节\n",
            StatusCode::CREATED,
        ),
        ("date,kind,name,name_zh\n2027-01-01,off,x,y\n", invalid),
    ] {
        let r = t
            .client
            .post(format!("{}/api/v1/calendar/years", t.url))
            .bearer_auth(&root)
            .header("content-type", "text/csv")
            .body(csv)
            .send()
            .await
            .expect("request");
        assert_eq!(r.status(), want);
        let media_type = r
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let body: Value = r.json().await.expect("json");
        doc.check_response(
            "POST",
            "/calendar/years",
            want,
            media_type.as_deref(),
            &body,
        );
    }

    // Identity.
    let first17 = "43010219900307123";
    let id_number = format!(
        "{first17}{}",
        bianli_domain::identity::IdNumber::check_char(first17) as char
    );
    let me = call
        .send(
            "POST",
            "/identity/register",
            "/identity/register",
            None,
            Some(&json!({"kind": "citizen", "id_number": id_number, "name": "王五", "password": "a long secret"})),
            StatusCode::CREATED,
        )
        .await;
    assert_eq!(me["kind"], "citizen");
    call.send(
        "POST",
        "/identity/register",
        "/identity/register",
        None,
        Some(&json!({"kind": "citizen", "id_number": "43010219900307123X", "name": "王五", "password": "short"})),
        invalid,
    )
    .await;
    let session = call
        .send(
            "POST",
            "/identity/login",
            "/identity/login",
            None,
            Some(&json!({"username": id_number, "password": "a long secret"})),
            ok,
        )
        .await;
    let token = session["token"].as_str().expect("token").to_string();
    call.send(
        "GET",
        "/identity/me",
        "/identity/me",
        Some(&token),
        None,
        ok,
    )
    .await;
    call.send(
        "POST",
        "/identity/logout",
        "/identity/logout",
        Some(&token),
        None,
        StatusCode::NO_CONTENT,
    )
    .await;
    call.send(
        "GET",
        "/identity/me",
        "/identity/me",
        Some(&token),
        None,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    call.send(
        "POST",
        "/identity/login",
        "/identity/login",
        None,
        Some(&json!({"username": "deptadmin", "password": "not the password"})),
        StatusCode::UNAUTHORIZED,
    )
    .await;

    // The catalog, written by its department admin.
    let admin = t.login("deptadmin").await;
    let admin = Some(admin.as_str());
    let mut revision = detail["item"].clone();
    revision["legal_basis"] = json!(["《中华人民共和国食品安全法》第三十五条"]);
    revision["statutory_days"] = json!(20);
    revision["promised_days"] = json!(5);
    revision["effective_on"] = Value::Null;
    let obj = revision.as_object_mut().expect("an item");
    obj.remove("statutory_limit");
    obj.remove("fee");
    call.send(
        "PUT",
        "/catalog/items/{code}",
        &format!("/catalog/items/{code}"),
        admin,
        Some(&revision),
        ok,
    )
    .await;
    let department = detail["department"]["id"].as_i64().expect("department");
    let own = call
        .get(
            "/catalog/items",
            &format!("/catalog/items?department={department}&limit=5"),
            ok,
        )
        .await;
    let other = own["items"]
        .as_array()
        .and_then(|a| a.iter().find(|i| i["code"] != code.as_str()))
        .and_then(|i| i["code"].as_str())
        .expect("another item of the department")
        .to_string();
    let decree = call
        .send(
            "POST",
            "/catalog/decrees",
            "/catalog/decrees",
            admin,
            Some(&json!({"number": "长政发〔2026〕9号", "title": "长沙市关于取消一批行政权力事项的决定", "issued_on": "2026-01-01", "effective_on": "2026-01-02"})),
            StatusCode::CREATED,
        )
        .await;
    let id = decree["id"].as_i64().expect("id");
    let drafted = call
        .send(
            "POST",
            "/catalog/decrees/{id}/adjustments",
            &format!("/catalog/decrees/{id}/adjustments"),
            admin,
            Some(&json!({"adjustments": [{"kind": "cancel", "code": other}]})),
            ok,
        )
        .await;
    assert_eq!(drafted["adjustments"][0]["kind"], "cancel");
    call.send(
        "POST",
        "/catalog/decrees/{id}/adjustments",
        &format!("/catalog/decrees/{id}/adjustments"),
        admin,
        Some(&json!({"adjustments": [{"kind": "取消", "code": "bad"}]})),
        invalid,
    )
    .await;
    call.send(
        "POST",
        "/catalog/decrees/{id}/apply",
        &format!("/catalog/decrees/{id}/apply"),
        admin,
        None,
        ok,
    )
    .await;
    call.send(
        "POST",
        "/catalog/decrees/{id}/apply",
        &format!("/catalog/decrees/{id}/apply"),
        admin,
        None,
        StatusCode::CONFLICT,
    )
    .await;
    call.get(
        "/catalog/decrees/{id}",
        &format!("/catalog/decrees/{id}"),
        ok,
    )
    .await;
}
both_dbs!(answers_match_the_schemas, real_answers_match_the_schemas);

async fn case_answers_match_the_schemas(db: Db) {
    let t = spawn_app(db).await;
    let doc = Document::fetch(&t).await;
    let call = Call { t: &t, doc: &doc };
    let ok = StatusCode::OK;
    let page = t
        .get_json("/api/v1/catalog/items?q=食品经营许可&division=430100")
        .await;
    let code = page["items"][0]["code"].as_str().expect("code").to_string();
    let clerk_token = t.login("clerk").await;
    let clerk = Some(clerk_token.as_str());
    let file = t
        .client
        .post(format!("{}/api/v1/cases/uploads?name=申请书.pdf", t.url))
        .bearer_auth(&clerk_token)
        .body(b"%PDF-1.4\n%%EOF\n".to_vec())
        .send()
        .await
        .expect("upload");
    assert_eq!(file.status(), StatusCode::CREATED);
    let file: Value = file.json().await.expect("json");
    doc.check_response(
        "POST",
        "/cases/uploads",
        StatusCode::CREATED,
        Some("application/json"),
        &file,
    );
    let receipt = call
        .send(
            "POST",
            "/cases",
            "/cases",
            clerk,
            Some(&json!({
                "item": code, "channel": "hall",
                "form": crate::cases::form_for(&t.get_json(&format!("/api/v1/catalog/items/{code}")).await["item"]),
                "applicant": {"kind": "citizen", "name": "张三", "id_number": "11010519491231002X"},
                "materials": [{"material": 0, "files": [file]}],
            })),
            StatusCode::CREATED,
        )
        .await;
    let number = receipt["number"].as_str().expect("number").to_string();
    let vcode = receipt["verification_code"].as_str().expect("code");
    let path = format!("/cases/{number}");
    call.get("/cases/{number}", &format!("{path}?code={vcode}"), ok)
        .await;
    call.send("GET", "/cases/{number}", &path, clerk, None, ok)
        .await;
    call.send("GET", "/cases/queue", "/cases/queue", clerk, None, ok)
        .await;
    let actions = format!("{path}/actions");
    let act = |token: Option<String>, body: Value, want| {
        let actions = actions.clone();
        let call = &call;
        async move {
            call.send(
                "POST",
                "/cases/{number}/actions",
                &actions,
                token.as_deref(),
                Some(&body),
                want,
            )
            .await
        }
    };
    act(clerk.map(str::to_string), json!({"action": "accept"}), ok).await;
    act(
        clerk.map(str::to_string),
        json!({"action": "accept"}),
        StatusCode::CONFLICT,
    )
    .await;
    act(
        Some(t.login("reviewer").await),
        json!({"action": "suspend", "kind": "expert_review", "reason": "组织专家评审"}),
        ok,
    )
    .await;
    act(
        Some(t.login("reviewer").await),
        json!({"action": "resume"}),
        ok,
    )
    .await;
    act(
        Some(t.login("approver").await),
        json!({"action": "extend", "reason": "情况复杂，需延期"}),
        ok,
    )
    .await;
    act(
        Some(t.login("reviewer").await),
        json!({"action": "pass", "opinion": "符合条件"}),
        ok,
    )
    .await;
    let case = act(
        Some(t.login("approver").await),
        json!({"action": "decide", "approve": true, "opinion": "准予许可"}),
        ok,
    )
    .await;
    let cert = case["certificate"].as_str().expect("certificate");
    call.get(
        "/cases/certificates/{number}",
        &format!("/cases/certificates/{cert}"),
        ok,
    )
    .await;
    call.get(
        "/cases/certificates/{number}",
        "/cases/certificates/nonsense",
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    call.get(
        "/cases/workflows/{code}",
        &format!("/cases/workflows/{code}"),
        ok,
    )
    .await;
    let supervisor = t.login("supervisor").await;
    call.send(
        "POST",
        "/cases/deadlines/scan",
        "/cases/deadlines/scan",
        Some(&supervisor),
        None,
        ok,
    )
    .await;
    call.send(
        "GET",
        "/cases/cards",
        "/cases/cards",
        Some(&supervisor),
        None,
        ok,
    )
    .await;
    let citizen = t.login("citizen").await;
    call.send("GET", "/cases", "/cases", Some(&citizen), None, ok)
        .await;
}
both_dbs!(case_answers, case_answers_match_the_schemas);
