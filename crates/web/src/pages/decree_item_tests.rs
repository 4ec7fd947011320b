//! 新增, 修改 and 合并 made through the pages, driven through the router with a
//! session cookie and the CSRF token as a browser would send them, against a
//! seeded in-memory database.

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use bianli_app::App;
use bianli_app::catalog::{ItemDetail, ItemQuery};
use bianli_app::seed::{DEMO_DEPARTMENT, DEMO_PASSWORD};
use bianli_domain::catalog::ItemInput;
use tower::ServiceExt;

use super::adjustment_errors::NOT_YOURS;
use super::item_form::ItemFields;
use super::layout::encode;
use super::test_reply::{Reply, send};

const EFFECTIVE: &str = "2030-07-01";

struct Site {
    router: Router,
    app: App,
    cookie: String,
    csrf: String,
    department: i64,
}

fn body(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// The fields as the item form would post them.
fn posted(f: &ItemFields) -> Vec<(String, String)> {
    let mut out = pairs(&[
        ("name", &f.name),
        ("aliases", &f.aliases),
        ("promised_days", &f.promised_days),
        ("visits", &f.visits),
        ("fee_yuan", &f.fee_yuan),
        ("fee_basis", &f.fee_basis),
        ("legal_basis", &f.legal_basis),
        ("statutory_days", &f.statutory_days),
        ("statutory_unit", &f.statutory_unit),
        ("prerequisites", &f.prerequisites),
        ("post_links", &f.post_links),
        ("chain_group", &f.chain_group),
    ]);
    for c in &f.channels {
        out.push(("channels".into(), c.clone()));
    }
    for (i, m) in f.materials.iter().enumerate() {
        out.push((format!("m{i}_name"), m.name.clone()));
        let required = if m.required { "1" } else { "0" };
        out.push((format!("m{i}_required"), required.into()));
        out.push((format!("m{i}_form"), m.form.clone()));
        if m.may_defer {
            out.push((format!("m{i}_defer"), "on".into()));
        }
    }
    out
}

impl Site {
    async fn open(user: &str) -> Site {
        let app = App::open("sqlite::memory:").await.expect("an app");
        app.seed_demo_within(Some(&["430000", "430100", "430102"]), &|_| {})
            .await
            .expect("seeded");
        let router = crate::router(app.clone());
        let login = Request::post("/login")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body(&pairs(&[
                ("username", user),
                ("password", DEMO_PASSWORD),
            ]))))
            .expect("a request");
        let res = router.clone().oneshot(login).await.expect("signed in");
        let cookie = res
            .headers()
            .get(header::SET_COOKIE)
            .and_then(|v| v.to_str().ok())
            .and_then(|c| c.split(';').next())
            .expect("a session cookie")
            .to_string();
        let token = cookie.split_once('=').expect("name=token").1;
        let department = app
            .departments()
            .await
            .expect("departments")
            .into_iter()
            .find(|d| d.name == DEMO_DEPARTMENT)
            .expect("the demo department")
            .id;
        Site {
            csrf: bianli_app::identity::csrf_token(token),
            router,
            app,
            cookie,
            department,
        }
    }

    async fn get(&self, path: &str) -> Reply {
        let req = Request::get(path)
            .header(header::COOKIE, &self.cookie)
            .body(Body::empty())
            .expect("a request");
        send(&self.router, req).await
    }

    /// Posts a form with this session's CSRF token.
    async fn post(&self, path: &str, mut form: Vec<(String, String)>) -> Reply {
        form.push(("csrf".into(), self.csrf.clone()));
        self.post_bare(path, form).await
    }

    async fn post_bare(&self, path: &str, form: Vec<(String, String)>) -> Reply {
        let req = Request::post(path)
            .header(header::COOKIE, &self.cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body(&form)))
            .expect("a request");
        send(&self.router, req).await
    }

    /// A draft decree taking effect on [`EFFECTIVE`]; its page's address.
    async fn draft(&self) -> String {
        let r = self
            .post(
                "/admin/decrees/new",
                pairs(&[
                    ("number", "长政发〔2030〕7号"),
                    ("title", "长沙市关于调整一批行政权力事项的决定"),
                    ("issued_on", "2030-06-01"),
                    ("effective_on", EFFECTIVE),
                ]),
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.html);
        r.location
    }

    async fn apply(&self, draft: &str) {
        let r = self.post(&format!("{draft}/apply"), vec![]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.html);
        assert!(r.location.starts_with("/decrees/"), "{}", r.location);
    }

    /// Items in force at 长沙市 now, of this admin's department or of others.
    async fn items(&self, own: bool) -> Vec<ItemDetail> {
        let page = self
            .app
            .search_items(&ItemQuery {
                division: Some("430100".into()),
                limit: Some("200".into()),
                ..ItemQuery::default()
            })
            .await
            .expect("items");
        let mut out = Vec::new();
        for v in page.items {
            if (v.item.department_id == self.department) == own {
                out.push(self.app.item(&v.item.code.to_string()).await.expect("item"));
            }
        }
        out
    }

    async fn events(&self) -> usize {
        self.app
            .store()
            .events(0, 1_000_000)
            .await
            .expect("events")
            .len()
    }

    async fn in_force_on(&self, name: &str, day: &str) -> i64 {
        self.app
            .search_items(&ItemQuery {
                q: Some(name.into()),
                division: Some("430100".into()),
                as_of: Some(day.into()),
                ..ItemQuery::default()
            })
            .await
            .expect("the list on a date")
            .total
    }
}

fn code_of(d: &ItemDetail) -> String {
    d.current.item.code.to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_item_added_on_the_page_is_in_force_from_the_effective_date() {
    let site = Site::open("deptadmin").await;
    let draft = site.draft().await;
    let code = "430100-0199901";

    let r = site.get(&format!("{draft}/add?code={code}")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.html);
    for s in [
        "新增事项",
        "长沙市市场监督管理局",
        "行政许可",
        "id=\"f-promised_days\"",
    ] {
        assert!(r.html.contains(s), "missing {s}");
    }

    let name = "小餐饮店登记（页面新增）";
    let mut form = posted(&ItemFields {
        name: name.into(),
        promised_days: "5".into(),
        statutory_days: "20".into(),
        statutory_unit: "working".into(),
        visits: "1".into(),
        channels: vec!["hall".into(), "web".into()],
        legal_basis: "《湖南省食品小作坊小餐饮和食品摊贩管理条例》第十二条".into(),
        fee_yuan: "0".into(),
        ..ItemFields::default()
    });
    form.extend(pairs(&[
        ("code", code),
        ("department_id", &site.department.to_string()),
        ("m0_name", "营业执照"),
        ("m0_required", "1"),
        ("m0_form", "copy"),
    ]));
    let r = site.post(&format!("{draft}/add"), form).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.html);
    assert_eq!(r.location, draft);

    let page = site.get(&draft).await;
    assert!(
        page.html.contains("<span class=\"tag\">新增</span>"),
        "the kind is listed"
    );
    assert!(page.html.contains(name), "the new item is listed");
    assert!(!page.html.contains("/api/v1/"), "no API-only notice");

    site.apply(&draft).await;
    let item = site.app.item(code).await.expect("the new item");
    assert_eq!(item.current.valid_from.to_string(), EFFECTIVE);
    assert_eq!(item.current.item.materials[0].name, "营业执照");
    assert_eq!(site.in_force_on(name, EFFECTIVE).await, 1);
    assert_eq!(site.in_force_on(name, "2030-06-30").await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn modify_changes_the_promised_limit_and_merge_leaves_one_of_two() {
    let site = Site::open("deptadmin").await;
    let draft = site.draft().await;
    let own = site.items(true).await;
    let modified = own
        .iter()
        .find(|d| d.current.item.promised_days >= 2)
        .expect("an item promising two days or more");
    let others: Vec<&ItemDetail> = own
        .iter()
        .filter(|d| code_of(d) != code_of(modified))
        .take(2)
        .collect();
    let [kept, merged_away] = others[..] else {
        panic!("two more items of the department")
    };

    // 修改: the form starts from the item's current elements.
    let promised = modified.current.item.promised_days;
    let r = site
        .get(&format!("{draft}/modify?code={}", code_of(modified)))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.html);
    assert!(
        r.html
            .contains(&format!("name=\"promised_days\" value=\"{promised}\"")),
        "the current limit is filled in"
    );
    let mut fields = ItemFields::from_input(&ItemInput::from(&modified.current.item));
    fields.promised_days = (promised - 1).to_string();
    let mut form = posted(&fields);
    form.push(("code".into(), code_of(modified)));
    let r = site.post(&format!("{draft}/modify"), form).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.html);

    // 合并: two items into one, keeping the first's code.
    let codes = format!("{}\n{}", code_of(kept), code_of(merged_away));
    let r = site
        .get(&format!("{draft}/merge?codes={}", encode(&codes)))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.html);
    assert!(r.html.contains(&merged_away.current.item.name));
    let mut fields = ItemFields::from_input(&ItemInput::from(&kept.current.item));
    fields.name = format!("{}（合并）", kept.current.item.name);
    let mut form = posted(&fields);
    form.extend(pairs(&[
        ("codes", &code_of(kept)),
        ("codes", &code_of(merged_away)),
        ("code", &code_of(kept)),
        (
            "department_id",
            &kept.current.item.department_id.to_string(),
        ),
    ]));
    let r = site.post(&format!("{draft}/merge"), form).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.html);

    let page = site.get(&draft).await;
    for s in [
        "<span class=\"tag\">修改</span>",
        "<span class=\"tag\">合并</span>",
        &modified.current.item.name,
        &format!("承诺 {} 个工作日", promised - 1),
    ] {
        assert!(page.html.contains(s), "the draft lists {s}");
    }
    site.apply(&draft).await;

    let after = site.app.item(&code_of(modified)).await.expect("modified");
    assert_eq!(after.current.item.promised_days, promised - 1);
    assert_eq!(after.current.valid_from.to_string(), EFFECTIVE);
    let survivor = site.app.item(&code_of(kept)).await.expect("kept");
    assert!(survivor.current.valid_to.is_none());
    assert!(survivor.current.item.name.ends_with("（合并）"));
    let gone = site.app.item(&code_of(merged_away)).await.expect("merged");
    assert_eq!(
        gone.current.valid_to.map(|d| d.to_string()).as_deref(),
        Some(EFFECTIVE)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_field_or_another_departments_item_writes_nothing() {
    let site = Site::open("deptadmin").await;
    let draft = site.draft().await;
    let own = site.items(true).await;
    let item = own
        .iter()
        .find(|d| d.current.item.statutory_limit.is_some())
        .expect("an item with a statutory limit");
    let statutory = item.current.item.statutory_limit.expect("a limit").days;
    let other = site
        .items(false)
        .await
        .into_iter()
        .next()
        .expect("another department's item");
    let before = site.events().await;

    // Promised beyond statutory: named next to its field and in the summary, input kept.
    let mut fields = ItemFields::from_input(&ItemInput::from(&item.current.item));
    let too_long = (statutory + 10).to_string();
    fields.promised_days = too_long.clone();
    fields.name = "改过的事项名称".into();
    let mut form = posted(&fields);
    form.push(("code".into(), code_of(item)));
    let r = site.post(&format!("{draft}/modify"), form).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.html);
    for s in [
        "id=\"e-promised_days\"",
        "aria-describedby=\"e-promised_days\"",
        "href=\"#f-promised_days\"",
        "请修改以下内容",
        &format!("name=\"promised_days\" value=\"{too_long}\""),
        "value=\"改过的事项名称\"",
    ] {
        assert!(r.html.contains(s), "missing {s}");
    }

    // The same on 新增: a new item's rules are the same rules.
    let mut form = posted(&ItemFields {
        name: "某某新事项".into(),
        promised_days: "30".into(),
        statutory_days: "20".into(),
        visits: "1".into(),
        channels: vec!["hall".into()],
        legal_basis: "《中华人民共和国行政许可法》".into(),
        ..ItemFields::default()
    });
    form.extend(pairs(&[
        ("code", "430100-0199902"),
        ("department_id", &site.department.to_string()),
    ]));
    let r = site.post(&format!("{draft}/add"), form).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.html);
    assert!(r.html.contains("id=\"e-promised_days\""));
    assert!(r.html.contains("value=\"某某新事项\""));

    // Another department's item: refused next to the code, on every route to it.
    let r = site
        .get(&format!("{draft}/modify?code={}", code_of(&other)))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.html);
    assert!(r.html.contains("id=\"e-code\""), "{}", r.html);
    assert!(r.html.contains(NOT_YOURS));
    let mut form = posted(&ItemFields::from_input(&ItemInput::from(
        &other.current.item,
    )));
    form.push(("code".into(), code_of(&other)));
    let r = site.post(&format!("{draft}/modify"), form).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.html);
    assert!(r.html.contains(NOT_YOURS));
    let codes = format!("{}\n{}", code_of(item), code_of(&other));
    let r = site
        .get(&format!("{draft}/merge?codes={}", encode(&codes)))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.html);
    assert!(r.html.contains("id=\"e-codes\""), "{}", r.html);
    let r = site
        .post(
            &format!("{draft}/adjustments"),
            pairs(&[("kind", "cancel"), ("code", &code_of(&other))]),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.html);
    assert!(r.html.contains("id=\"e-code\""), "{}", r.html);

    // A form without the session's token is refused outright.
    let mut form = posted(&ItemFields::from_input(&ItemInput::from(
        &item.current.item,
    )));
    form.push(("code".into(), code_of(item)));
    let r = site.post_bare(&format!("{draft}/modify"), form).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.html.contains("CSRF"));

    assert_eq!(site.events().await, before, "nothing was written");
    let id: i64 = draft
        .rsplit('/')
        .next()
        .and_then(|s| s.parse().ok())
        .expect("an id");
    assert!(
        site.app
            .decree(id)
            .await
            .expect("decree")
            .adjustments
            .is_empty()
    );
}
