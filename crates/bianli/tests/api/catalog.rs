use reqwest::StatusCode;
use serde_json::Value;

use crate::both_dbs;
use crate::helpers::{Db, assert_problem, spawn_app};

fn names(v: &Value) -> Vec<String> {
    v["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["name"].as_str().unwrap_or_default().to_string())
        .collect()
}

async fn colloquial_search_finds_the_food_licence(db: Db) {
    let t = spawn_app(db).await;
    let v = t
        .get_json("/api/v1/catalog/items?q=开饭店&division=430100")
        .await;
    let top: Vec<String> = names(&v).into_iter().take(3).collect();
    assert!(top.contains(&"食品经营许可".to_string()), "{top:?}");
    let item = v["items"]
        .as_array()
        .and_then(|a| a.iter().find(|i| i["name"] == "食品经营许可"))
        .expect("food licence");
    assert_eq!(item["department"], "长沙市市场监督管理局");
    assert_eq!(item["statutory_days"], 20);
    assert!(item["promised_days"].as_u64().is_some_and(|d| d <= 20));
    assert!(v["ranked"].as_bool().unwrap_or(false));

    let code = item["code"].as_str().expect("code");
    let d = t.get_json(&format!("/api/v1/catalog/items/{code}")).await;
    let materials: Vec<&str> = d["item"]["materials"]
        .as_array()
        .expect("materials")
        .iter()
        .filter_map(|m| m["name"].as_str())
        .collect();
    assert!(materials.contains(&"营业执照"), "{materials:?}");
    assert_eq!(d["in_force"], true);
    assert_eq!(d["versions"].as_array().map(Vec::len), Some(1));

    for (q, want) in [("卖烟", "烟草专卖零售"), ("生孩子要办什么", "出生医学证明")]
    {
        let v = t
            .get_json(&format!("/api/v1/catalog/items?q={q}&division=430102"))
            .await;
        let top: Vec<String> = names(&v).into_iter().take(3).collect();
        assert!(top.iter().any(|n| n.contains(want)), "{q}: {top:?}");
    }
}
both_dbs!(colloquial_search, colloquial_search_finds_the_food_licence);

async fn province_keeps_3722_powers_after_the_2017_decree(db: Db) {
    let t = spawn_app(db).await;
    let s = t
        .get_json("/api/v1/catalog/stats?as_of=2017-06-03&baseline=2014-12-31")
        .await;
    assert_eq!(s["by_level"]["province"], 3722, "{}", s["by_level"]);
    let cut = s["baseline"]["by_level"]["province"]["reduction_pct"]
        .as_f64()
        .expect("reduction");
    assert!((29.0..=35.0).contains(&cut), "province reduction {cut}%");
    let city = s["by_level"]["city"].as_i64().expect("city");
    assert!((2900..=3100).contains(&city), "长沙市 {city}");

    let decrees = t.get_json("/api/v1/catalog/decrees").await;
    let april = decrees
        .as_array()
        .and_then(|a| {
            a.iter().find(|d| {
                d["effective_on"]
                    .as_str()
                    .is_some_and(|e| e.starts_with("2017-04"))
            })
        })
        .expect("the April 2017 decree");
    let from = "2017-04-01";
    let to = april["effective_on"].as_str().expect("date");
    let diff = t
        .get_json(&format!(
            "/api/v1/catalog/diff?from={from}&to={to}&division=430000&limit=200"
        ))
        .await;
    let cancelled: i64 = diff["summary"]
        .as_array()
        .expect("summary")
        .iter()
        .filter(|r| {
            r["change"] == "removed" && r["adjustment"] == "cancel" && r["level"] == "province"
        })
        .filter_map(|r| r["count"].as_i64())
        .sum();
    assert_eq!(cancelled, 26);
    let removed: Vec<&str> = diff["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .filter(|r| r["change"] == "removed")
        .filter_map(|r| r["name"].as_str())
        .collect();
    for name in [
        "机动车驾驶培训教练员从业资格认定",
        "直销企业产品审批",
        "市县级电视台变更台标",
    ] {
        assert!(removed.contains(&name), "{name} not in {removed:?}");
    }

    // The list as of a date: the cancelled power is there before, not after.
    let q = "直销企业产品审批";
    let before = t
        .get_json(&format!(
            "/api/v1/catalog/items?q={q}&as_of=2016-01-01&level=province"
        ))
        .await;
    assert!(names(&before).contains(&q.to_string()));
    let after = t
        .get_json(&format!(
            "/api/v1/catalog/items?q={q}&as_of=2017-06-03&level=province"
        ))
        .await;
    assert!(!names(&after).contains(&q.to_string()));
}
both_dbs!(
    province_count,
    province_keeps_3722_powers_after_the_2017_decree
);

async fn lists_page_with_cursors(db: Db) {
    let t = spawn_app(db).await;
    let first = t
        .get_json("/api/v1/catalog/items?division=430100&limit=5")
        .await;
    let cursor = first["next_cursor"].as_str().expect("a next page");
    let second = t
        .get_json(&format!(
            "/api/v1/catalog/items?division=430100&limit=5&cursor={cursor}"
        ))
        .await;
    assert_eq!(names(&first).len(), 5);
    assert!(
        names(&second)
            .iter()
            .all(|n| !names(&first).contains(n) || n.is_empty())
    );
    assert!(first["total"].as_i64().is_some_and(|n| n > 2000));

    let old = t
        .get_json("/api/v1/catalog/items?division=430100&limit=5&as_of=2016-01-01")
        .await;
    let cursor = old["next_cursor"].as_str().expect("a next page");
    let old2 = t
        .get_json(&format!(
            "/api/v1/catalog/items?division=430100&limit=5&as_of=2016-01-01&cursor={cursor}"
        ))
        .await;
    let (a, b) = (&old["items"][4]["code"], &old2["items"][0]["code"]);
    assert!(a.as_str() < b.as_str(), "{a} then {b}");

    let depts = t.get_json("/api/v1/catalog/departments").await;
    assert!(
        depts
            .as_array()
            .is_some_and(|d| d.iter().any(|d| d["name"] == "长沙市市场监督管理局"))
    );
    let divs = t.get_json("/api/v1/catalog/divisions").await;
    assert_eq!(divs.as_array().map(Vec::len), Some(4));
}
both_dbs!(paging, lists_page_with_cursors);

async fn bad_input_is_a_problem_naming_the_field(db: Db) {
    let t = spawn_app(db).await;
    for (path, field) in [
        ("/api/v1/catalog/items?level=village", "level"),
        ("/api/v1/catalog/items?as_of=2017-13-01", "as_of"),
        ("/api/v1/catalog/items?kind=许可", "kind"),
        ("/api/v1/catalog/items?limit=0", "limit"),
        ("/api/v1/catalog/items?cursor=zz", "cursor"),
        ("/api/v1/catalog/items/not-a-code", "code"),
        ("/api/v1/catalog/stats?as_of=yesterday", "as_of"),
        ("/api/v1/catalog/diff?from=2017-06-03&to=2014-12-31", "to"),
        ("/api/v1/catalog/decrees/abc", "id"),
    ] {
        assert_problem(t.get(path).await, StatusCode::UNPROCESSABLE_ENTITY, field).await;
    }
    assert_problem(
        t.get("/api/v1/catalog/items/430100-0199999").await,
        StatusCode::NOT_FOUND,
        "",
    )
    .await;
    assert_problem(
        t.get("/api/v1/nothing-here").await,
        StatusCode::NOT_FOUND,
        "",
    )
    .await;
    let r = t.get("/healthz").await;
    assert_eq!(r.status(), StatusCode::OK);
}
both_dbs!(bad_input, bad_input_is_a_problem_naming_the_field);
