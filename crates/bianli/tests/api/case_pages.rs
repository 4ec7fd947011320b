//! The cases pages as a browser without script uses them, over HTTP on both
//! databases: the apply wizard (multipart, field errors, files kept between
//! tries, the receipt), the rating form, and the hotline operator's form.

use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

use crate::both_dbs;
use crate::cases::{act_ok, apply_online, at, food_licence, number_and_code, page_session, pdf};
use crate::helpers::{Db, TestApp, spawn_app};

/// A signed-in page session: a client that does not follow redirects, its
/// cookie and its CSRF token.
struct Pages<'a> {
    t: &'a TestApp,
    client: reqwest::Client,
    cookie: String,
    csrf: String,
}

struct Page {
    status: StatusCode,
    location: String,
    html: String,
}

impl<'a> Pages<'a> {
    async fn of(t: &'a TestApp, user: &str) -> Pages<'a> {
        let (client, cookie, csrf) = page_session(t, user).await;
        Pages {
            t,
            client,
            cookie,
            csrf,
        }
    }

    async fn read(r: reqwest::Response) -> Page {
        let status = r.status();
        let location = r
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        Page {
            status,
            location,
            html: r.text().await.expect("html"),
        }
    }

    async fn get(&self, path: &str) -> Page {
        let r = self
            .client
            .get(format!("{}{path}", self.t.url))
            .header("cookie", &self.cookie)
            .send()
            .await
            .expect("page");
        Self::read(r).await
    }

    async fn post(&self, path: &str, pairs: &[(&str, &str)]) -> Page {
        let r = self
            .client
            .post(format!("{}{path}", self.t.url))
            .header("cookie", &self.cookie)
            .form(pairs)
            .send()
            .await
            .expect("post");
        Self::read(r).await
    }

    async fn post_multipart(&self, path: &str, form: Form) -> Page {
        let r = self
            .client
            .post(format!("{}{path}", self.t.url))
            .header("cookie", &self.cookie)
            .multipart(form)
            .send()
            .await
            .expect("post");
        Self::read(r).await
    }
}

fn file(name: &str, bytes: Vec<u8>, mime: &str) -> Part {
    Part::bytes(bytes)
        .file_name(name.to_string())
        .mime_str(mime)
        .expect("a media type")
}

/// The values of every `<input … name="NAME" value="…">` on a page.
fn input_values(html: &str, name: &str) -> Vec<String> {
    let needle = format!("name=\"{name}\" value=\"");
    html.match_indices(&needle)
        .filter_map(|(at, _)| html[at + needle.len()..].split('"').next())
        .map(|v| v.replace("&#58;", ":").replace("&#x3a;", ":"))
        .collect()
}

async fn my_case_count(t: &TestApp, user: &str) -> usize {
    let token = t.login(user).await;
    let mine: Value = t
        .get_as("/api/v1/cases", &token)
        .await
        .json()
        .await
        .expect("json");
    mine["cases"].as_array().map_or(0, Vec::len)
}

async fn apply_on_the_wizard(db: Db) {
    let t = spawn_app(db).await;
    at(&t, "2026-11-02");
    let item = food_licence(&t).await;
    let code = item["code"].as_str().expect("code").to_string();
    let materials = item["materials"].as_array().expect("materials").clone();
    let required: Vec<usize> = materials
        .iter()
        .enumerate()
        .filter(|(_, m)| m["required"] == true && m["may_defer"] != true)
        .map(|(i, _)| i)
        .collect();
    assert!(
        required.len() >= 2,
        "食品经营许可 asks for several materials"
    );

    // The guide links to the wizard; a visitor is sent to sign in and back.
    let guide = t
        .get(&format!("/items/{code}"))
        .await
        .text()
        .await
        .expect("html");
    let href = format!("/cases/new?item={code}");
    assert!(
        guide.contains(&format!("href=\"{href}\"")),
        "no 在线申办 link"
    );
    assert!(guide.contains("在线申办"));
    let anon = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let r = anon
        .get(format!("{}{href}", t.url))
        .send()
        .await
        .expect("page");
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let to = r
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(to.starts_with("/login?next=/cases/new"), "{to}");

    // Staff do not apply through the applicant's wizard.
    let clerk = Pages::of(&t, "clerk").await;
    assert_eq!(clerk.get(&href).await.status, StatusCode::FORBIDDEN);

    let citizen = Pages::of(&t, "citizen").await;
    let wizard = citizen.get(&href).await;
    assert_eq!(wizard.status, StatusCode::OK, "{}", wizard.html);
    for want in [
        "1 填写信息",
        "2 上传材料",
        "3 提交",
        "enctype=\"multipart/form-data\"",
        "for=\"f-phone\"",
        "name=\"form.premises\"",
        "name=\"form.business_type\" value=\"餐饮服务经营者\"",
        "type=\"checkbox\" name=\"form.scope\"",
        "20 MB",
        "PDF、JPEG、PNG 或 OFD",
    ] {
        assert!(wizard.html.contains(want), "the wizard lacks {want}");
    }
    // The one-time token this rendering made, good for one filing.
    let once = input_values(&wizard.html, "once")
        .pop()
        .expect("the form's one-time token");
    for (i, m) in materials.iter().enumerate() {
        let name = m["name"].as_str().expect("name");
        assert!(wizard.html.contains(name), "the wizard lacks {name}");
        assert!(
            wizard.html.contains(&format!("name=\"m{i}\" multiple")),
            "material {i} takes several files"
        );
    }

    let events = t.event_count().await;
    // A Word file for the first material, a bad phone: both refused, beside
    // their fields; the good PDFs are kept for the next try; nothing filed.
    let mut form = Form::new()
        .text("csrf", citizen.csrf.clone())
        .text("once", once.clone())
        .text("item", code.clone())
        .text("phone", "12345")
        .text("address", "长沙市芙蓉区五一大道1号");
    for &i in &required {
        form = if i == required[0] {
            form.part(
                format!("m{i}"),
                file(
                    "申请书.docx",
                    b"PK\x03\x04word".to_vec(),
                    "application/octet-stream",
                ),
            )
        } else {
            form.part(
                format!("m{i}"),
                file(
                    &format!("{i}.pdf"),
                    pdf(&format!("m{i}")),
                    "application/pdf",
                ),
            )
        };
    }
    let refused = citizen.post_multipart("/cases", form).await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.html
    );
    let first = required[0];
    assert!(
        refused.html.contains(&format!("id=\"e-m{first}\"")),
        "the file's error sits beside its input: {}",
        refused.html
    );
    assert!(refused.html.contains("请修改以下内容"));
    assert!(
        refused.html.contains("value=\"长沙市芙蓉区五一大道1号\""),
        "the form comes back as typed"
    );
    let kept: Vec<String> = required[1..]
        .iter()
        .flat_map(|i| input_values(&refused.html, &format!("keep{i}")))
        .collect();
    assert_eq!(kept.len(), required.len() - 1, "{}", refused.html);
    assert_eq!(
        t.event_count().await,
        events,
        "a refused form files nothing"
    );
    assert_eq!(my_case_count(&t, "citizen").await, 0);

    // The PDF now, with the kept files: only the phone is wrong.
    let with_kept = |phone: &str, once: &str| {
        let mut form = Form::new()
            .text("csrf", citizen.csrf.clone())
            .text("once", once.to_string())
            .text("item", code.clone())
            .text("phone", phone.to_string())
            .text("address", "长沙市芙蓉区五一大道1号")
            .text("note", "");
        // The item's own fields (经营场所, 主体业态, 经营项目) post under `form.`.
        for (k, v) in crate::cases::own_fields(&item) {
            form = form.text(format!("form.{k}"), v);
        }
        for &i in &required[1..] {
            for v in input_values(&refused.html, &format!("keep{i}")) {
                form = form.text(format!("keep{i}"), v);
            }
        }
        form.part(
            format!("m{first}"),
            file("申请书.pdf", pdf("申请书"), "application/pdf"),
        )
        .part(
            format!("m{first}"),
            file("申请书-附页.pdf", pdf("附页"), "application/pdf"),
        )
    };
    // A refused try leaves the token unspent.
    let refused = citizen
        .post_multipart("/cases", with_kept("12345", &once))
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.html.contains("id=\"e-phone\"") && refused.html.contains("aria-invalid=\"true\""),
        "{}",
        refused.html
    );
    assert_eq!(t.event_count().await, events);

    // A form without this session's token is refused.
    let forged = Form::new()
        .text("csrf", "forged")
        .text("item", code.clone());
    assert_eq!(
        citizen.post_multipart("/cases", forged).await.status,
        StatusCode::FORBIDDEN
    );

    // A token another session's page made is refused, and files nothing.
    let elsewhere = Pages::of(&t, "citizen").await;
    let theirs = input_values(&elsewhere.get(&href).await.html, "once")
        .pop()
        .expect("a token");
    let r = citizen
        .post_multipart("/cases", with_kept("13800138000", &theirs))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.html);
    let r = citizen
        .post_multipart("/cases", with_kept("13800138000", ""))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "no token, no filing");
    assert_eq!(t.event_count().await, events);

    let filed = citizen
        .post_multipart("/cases", with_kept("13800138000", &once))
        .await;
    assert_eq!(filed.status, StatusCode::SEE_OTHER, "{}", filed.html);
    // Posted again (a double click, a resent form): the same receipt, one case.
    let again = citizen
        .post_multipart("/cases", with_kept("13800138000", &once))
        .await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "{}", again.html);
    assert_eq!(again.location, filed.location);
    assert_eq!(my_case_count(&t, "citizen").await, 1);
    assert!(filed.location.ends_with("/receipt"), "{}", filed.location);
    let receipt = citizen.get(&filed.location).await;
    assert_eq!(receipt.status, StatusCode::OK);
    let number = filed
        .location
        .split('/')
        .nth(2)
        .expect("number")
        .to_string();
    assert!(number.starts_with("430100-20261102-"), "{number}");
    let vcode = receipt
        .html
        .split("id=\"receipt-code\">")
        .nth(1)
        .and_then(|s| s.split('<').next())
        .expect("the verification code")
        .to_string();
    for want in [
        number.as_str(),
        "<svg",
        &format!("/cases/{number}/papers/receipt?code={vcode}"),
        &format!("/cases/{number}?code={vcode}"),
        "2026-11-09",
    ] {
        assert!(receipt.html.contains(want), "the receipt lacks {want}");
    }
    let pdf = t
        .get(&format!("/cases/{number}/papers/receipt?code={vcode}"))
        .await;
    assert_eq!(pdf.status(), StatusCode::OK);
    // Every material's files reached the case, two for the first.
    let token = t.login("citizen").await;
    let case: Value = t
        .get_as(&format!("/api/v1/cases/{number}"), &token)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(case["channel"], "web");
    let files: Vec<usize> = case["materials"]
        .as_array()
        .expect("materials")
        .iter()
        .map(|m| m["files"].as_array().map_or(0, Vec::len))
        .collect();
    assert_eq!(files.iter().sum::<usize>(), required.len() + 1, "{case}");
    assert_eq!(my_case_count(&t, "citizen").await, 1);
    // Someone else's receipt is not shown.
    let other = Pages::of(&t, "enterprise").await;
    assert_eq!(
        other.get(&format!("/cases/{number}/receipt")).await.status,
        StatusCode::NOT_FOUND
    );
}
both_dbs!(apply_on_the_wizard, apply_on_the_wizard);

async fn rate_on_the_case_pages(db: Db) {
    let t = spawn_app(db).await;
    at(&t, "2026-11-02");
    let item = food_licence(&t).await;
    let citizen_token = t.login("citizen").await;
    let receipt = apply_online(&t, &citizen_token, &item).await;
    let (number, vcode) = number_and_code(&receipt);
    let citizen = Pages::of(&t, "citizen").await;
    let case_page = format!("/cases/{number}");
    let status_page = format!("/cases/{number}?code={vcode}");
    let form = format!("action=\"/cases/{number}/rating\"");

    // No result yet: no form, and a rating now is the wrong moment.
    assert!(!citizen.get(&case_page).await.html.contains(&form));
    let early = citizen
        .post(
            &format!("/cases/{number}/rating"),
            &[("csrf", &citizen.csrf), ("score", "5")],
        )
        .await;
    assert_eq!(early.status, StatusCode::CONFLICT);

    at(&t, "2026-11-03");
    let clerk = t.login("clerk").await;
    act_ok(&t, &clerk, &number, json!({"action": "accept"})).await;
    let (reviewer, approver) = (t.login("reviewer").await, t.login("approver").await);
    act_ok(
        &t,
        &reviewer,
        &number,
        json!({"action": "pass", "opinion": "材料齐全"}),
    )
    .await;
    act_ok(
        &t,
        &approver,
        &number,
        json!({"action": "decide", "approve": true, "opinion": "准予许可"}),
    )
    .await;

    // Decided: the applicant's pages offer the form; a visitor is asked to sign in.
    let citizen = Pages::of(&t, "citizen").await;
    let page = citizen.get(&case_page).await;
    assert!(
        page.html.contains(&form) && page.html.contains("好差评"),
        "{}",
        page.html
    );
    assert!(
        page.html.contains("/pdf\" id=\"licence-pdf\""),
        "the case links its licence"
    );
    assert!(citizen.get(&status_page).await.html.contains(&form));
    let anon = t.get(&status_page).await.text().await.expect("html");
    assert!(anon.contains("登录后") && !anon.contains(&form), "{anon}");
    // Staff see no form.
    let staff = Pages::of(&t, "clerk").await;
    assert!(!staff.get(&case_page).await.html.contains(&form));

    let events = t.event_count().await;
    let bad = citizen
        .post(
            &format!("/cases/{number}/rating"),
            &[("csrf", &citizen.csrf), ("score", "")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.html.contains("评分"), "{}", bad.html);
    let bad = citizen
        .post(
            &format!("/cases/{number}/rating"),
            &[("csrf", &citizen.csrf), ("score", "6")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let forged = citizen
        .post(
            &format!("/cases/{number}/rating"),
            &[("csrf", "forged"), ("score", "5")],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert_eq!(
        t.event_count().await,
        events,
        "refused ratings write nothing"
    );

    // From the status page, back to it, showing the rating.
    let rated = citizen
        .post(
            &format!("/cases/{number}/rating"),
            &[
                ("csrf", &citizen.csrf),
                ("code", &vcode),
                ("score", "4"),
                ("comment", "窗口指导耐心"),
            ],
        )
        .await;
    assert_eq!(rated.status, StatusCode::SEE_OTHER);
    assert_eq!(rated.location, format!("{status_page}#rating"));
    let shown = citizen.get(&status_page).await.html;
    assert!(shown.contains("已评价") && shown.contains("4 分") && shown.contains("窗口指导耐心"));
    assert!(!shown.contains(&form));
    let shown = citizen.get(&case_page).await.html;
    assert!(shown.contains("已评价") && !shown.contains(&form));

    // A second rating for the channel: the clear 409.
    let again = citizen
        .post(
            &format!("/cases/{number}/rating"),
            &[("csrf", &citizen.csrf), ("score", "1")],
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(
        again.html.contains("<code>channel</code>") && again.html.contains("办理渠道"),
        "{}",
        again.html
    );
}
both_dbs!(rate_on_the_case_pages, rate_on_the_case_pages);

async fn hotline(clerk: &Pages<'_>, pairs: Vec<(String, String)>) -> Page {
    let pairs: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    clerk.post("/cases/hotline", &pairs).await
}

async fn file_for_a_hotline_caller(db: Db) {
    let t = spawn_app(db).await;
    at(&t, "2026-11-02");
    // An item of the window's department that takes the hotline channel.
    let found = t
        .get_json("/api/v1/catalog/items?division=430100&channel=hotline&limit=100")
        .await;
    let clerk_token = t.login("clerk").await;
    let me: Value = t
        .get_as("/api/v1/identity/me", &clerk_token)
        .await
        .json()
        .await
        .expect("json");
    let code = found["items"]
        .as_array()
        .and_then(|a| {
            a.iter()
                .find(|i| i["department_id"] == me["department_id"])
                .or_else(|| a.first())
        })
        .and_then(|i| i["code"].as_str())
        .expect("an item taking the hotline in 430100")
        .to_string();
    let basic = code.split_once('-').expect("a full code").1.to_string();

    let citizen = Pages::of(&t, "citizen").await;
    assert_eq!(
        citizen.get("/cases/hotline").await.status,
        StatusCode::FORBIDDEN
    );
    let clerk = Pages::of(&t, "clerk").await;
    assert!(
        clerk
            .get("/cases")
            .await
            .html
            .contains("href=\"/cases/hotline\"")
    );
    let form = clerk.get("/cases/hotline").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.html.contains("<option value=\"430100\" selected>"),
        "{}",
        form.html
    );

    let events = t.event_count().await;
    let csrf = clerk.csrf.clone();
    let once = input_values(&form.html, "once")
        .pop()
        .expect("the form's one-time token");
    // The item's own fields, as the form shows them once loaded.
    let own: Vec<(String, String)> = crate::cases::own_fields(
        &t.get_json(&format!("/api/v1/catalog/items/{code}")).await["item"],
    )
    .into_iter()
    .map(|(k, v)| (format!("form.{k}"), v))
    .collect();
    let caller = |id: &'static str, division: &'static str, item: String| {
        [
            ("csrf", csrf.clone()),
            ("kind", "citizen".to_string()),
            ("name", "王五".to_string()),
            ("id", id.to_string()),
            ("phone", "13800138000".to_string()),
            ("address", "长沙市岳麓区麓山南路2号".to_string()),
            ("item", item),
            ("division", division.to_string()),
            ("note", "来电申请".to_string()),
            ("once", once.clone()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .chain(own.clone())
        .collect::<Vec<_>>()
    };
    // 载入申请表: the item's own fields are shown, nothing is filed.
    let mut pairs = caller("11010519491231002X", "430100", basic.clone());
    pairs.push(("load".into(), "1".into()));
    let loaded = hotline(&clerk, pairs).await;
    assert_eq!(loaded.status, StatusCode::OK, "{}", loaded.html);
    assert!(loaded.html.contains("申请表（"), "{}", loaded.html);
    for (name, _) in &own {
        assert!(loaded.html.contains(&format!("name=\"{name}\"")), "{name}");
    }
    assert_eq!(t.event_count().await, events, "loading files nothing");
    // A wrong check digit: beside the ID field, the form as typed, nothing filed.
    let bad = hotline(
        &clerk,
        caller("110105194912310021", "430100", basic.clone()),
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.html);
    assert!(bad.html.contains("id=\"e-id\""), "{}", bad.html);
    assert!(bad.html.contains("value=\"王五\""));
    // A full code of another division than the one chosen.
    let bad = hotline(&clerk, caller("11010519491231002X", "430102", code.clone())).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.html.contains("id=\"e-division\""), "{}", bad.html);
    // An item the window's division does not implement.
    let bad = hotline(
        &clerk,
        caller("11010519491231002X", "430000", "0100001".into()),
    )
    .await;
    assert!(bad.status.is_client_error(), "{}", bad.html);
    assert!(bad.html.contains("请修改以下内容"), "{}", bad.html);
    // A bad phone.
    let mut pairs = caller("11010519491231002X", "430100", basic.clone());
    pairs[4].1 = "12".into();
    let bad = hotline(&clerk, pairs).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.html.contains("id=\"e-phone\""));
    // An enterprise needs a credit code with its check character.
    let mut pairs = caller("91430100MA4L0", "430100", basic.clone());
    pairs[1].1 = "enterprise".into();
    let bad = hotline(&clerk, pairs).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.html.contains("id=\"e-id\""));
    assert_eq!(t.event_count().await, events, "refused forms file nothing");

    let submitted = || async {
        t.app
            .store()
            .events(0, 1_000_000)
            .await
            .expect("events")
            .iter()
            .filter(|e| e.kind == "case.submitted")
            .count()
    };
    let before = submitted().await;
    // A double click: both posts at once lead to one receipt, one case.
    let pairs = caller("11010519491231002X", "430100", basic.clone());
    let (filed, again) = tokio::join!(
        hotline(&clerk, pairs.clone()),
        hotline(&clerk, pairs.clone())
    );
    assert_eq!(filed.status, StatusCode::SEE_OTHER, "{}", filed.html);
    assert_eq!(again.status, StatusCode::SEE_OTHER, "{}", again.html);
    assert_eq!(again.location, filed.location);
    assert_eq!(submitted().await, before + 1, "one case filed");
    // And again later, the form resent: still the same receipt.
    let later = hotline(&clerk, pairs).await;
    assert_eq!(later.location, filed.location);
    // Another session's token is refused.
    let other = Pages::of(&t, "clerk").await;
    let theirs = input_values(&other.get("/cases/hotline").await.html, "once")
        .pop()
        .expect("a token");
    let mut pairs = caller("11010519491231002X", "430100", basic.clone());
    pairs[9].1 = theirs;
    assert_eq!(hotline(&clerk, pairs).await.status, StatusCode::FORBIDDEN);
    let receipt = clerk.get(&filed.location).await;
    assert_eq!(receipt.status, StatusCode::OK);
    assert!(receipt.html.contains("请向来电人读出"), "{}", receipt.html);
    let number = filed
        .location
        .split('/')
        .nth(2)
        .expect("number")
        .to_string();
    assert!(receipt.html.contains(&number) && receipt.html.contains("<svg"));
    let token = t.login("clerk").await;
    let case: Value = t
        .get_as(&format!("/api/v1/cases/{number}"), &token)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(case["channel"], "hotline");
    assert_eq!(case["applicant"]["name"], "王五");
    assert_eq!(case["stage"], "submitted");
    assert_eq!(case["form"]["note"], "来电申请");
}
both_dbs!(file_for_a_hotline_caller, file_for_a_hotline_caller);
