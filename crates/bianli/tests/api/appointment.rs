//! Appointments through the API, on both databases: halls and slots, a
//! booking's whole life with every illegal step refused by name, the no-show
//! rule on a clock the test moves, and many concurrent bookers on the last
//! place of a slot.

use std::sync::atomic::{AtomicI64, Ordering};

use bianli_domain::identity::IdNumber;
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::both_dbs;
use crate::conformance::{Call, Document};
use crate::helpers::{Db, TestApp, assert_problem, spawn_app, spawn_app_with_clock};

const CASES: &str = "/api/v1/cases";

// One clock per database: the two halves of a story run side by side.
static SHIFT_SQLITE: AtomicI64 = AtomicI64::new(0);
static SHIFT_PG: AtomicI64 = AtomicI64::new(0);

fn clock_sqlite() -> DateTime<Utc> {
    Utc::now() + Duration::seconds(SHIFT_SQLITE.load(Ordering::SeqCst))
}

fn clock_pg() -> DateTime<Utc> {
    Utc::now() + Duration::seconds(SHIFT_PG.load(Ordering::SeqCst))
}

fn shift(db: Db) -> &'static AtomicI64 {
    match db {
        Db::Sqlite => &SHIFT_SQLITE,
        Db::Postgres => &SHIFT_PG,
    }
}

/// Moves the server's clock so that it reads `date` `hh:mm` in China.
fn set_hall_time(db: Db, date: NaiveDate, hh: u32, mm: u32) {
    let target = date
        .and_time(NaiveTime::from_hms_opt(hh, mm, 0).expect("a time"))
        .and_utc()
        - Duration::hours(8);
    shift(db).store((target - Utc::now()).num_seconds(), Ordering::SeqCst);
}

fn today() -> NaiveDate {
    (Utc::now() + Duration::hours(8)).date_naive()
}

async fn workday(t: &TestApp, n: u32) -> NaiveDate {
    let v = t
        .get_json(&format!(
            "/api/v1/calendar/add-workdays?from={}&days={n}",
            today()
        ))
        .await;
    v["date"]
        .as_str()
        .and_then(|d| d.parse().ok())
        .expect("a date")
}

async fn hall_of(t: &TestApp, division: &str) -> Value {
    let v = t
        .get_json(&format!("{CASES}/halls?division={division}"))
        .await;
    v["halls"][0].clone()
}

async fn slots(t: &TestApp, hall: i64, query: &str) -> Vec<Value> {
    let v = t
        .get_json(&format!("{CASES}/halls/{hall}/slots?{query}"))
        .await;
    v["slots"].as_array().expect("slots").clone()
}

async fn slot(t: &TestApp, hall: i64, id: i64, date: NaiveDate) -> Value {
    slots(t, hall, &format!("from={date}&to={date}"))
        .await
        .into_iter()
        .find(|s| s["id"] == id)
        .expect("the slot")
}

fn periods() -> Value {
    json!([{"start": "09:00", "end": "10:00"}, {"start": "10:00", "end": "11:00"}])
}

async fn open(
    t: &TestApp,
    token: &str,
    hall: i64,
    item: &str,
    date: NaiveDate,
    capacity: i64,
) -> Vec<Value> {
    let r = t
        .post(
            &format!("{CASES}/halls/{hall}/slots"),
            Some(token),
            &json!({"item": item, "date": date, "times": periods(), "capacity": capacity}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED, "open slots on {date}");
    let v: Value = r.json().await.expect("json");
    v["slots"].as_array().expect("slots").clone()
}

async fn book(t: &TestApp, token: &str, slot: &Value) -> reqwest::Response {
    t.post(
        &format!("{CASES}/bookings"),
        Some(token),
        &json!({"slot": slot["id"]}),
    )
    .await
}

async fn booked(t: &TestApp, token: &str, slot: &Value) -> String {
    let r = book(t, token, slot).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let v: Value = r.json().await.expect("json");
    v["ticket"].as_str().expect("a ticket").to_string()
}

async fn act(t: &TestApp, token: &str, ticket: &str, what: &str) -> reqwest::Response {
    t.post(
        &format!("{CASES}/bookings/{ticket}/{what}"),
        Some(token),
        &json!({}),
    )
    .await
}

async fn status_of(t: &TestApp, token: &str, ticket: &str) -> Value {
    let r = t.get_as(&format!("{CASES}/bookings/{ticket}"), token).await;
    assert_eq!(r.status(), StatusCode::OK);
    r.json().await.expect("json")
}

/// The item the demo's halls open slots for, at 长沙市.
async fn demo_item(t: &TestApp, hall: i64) -> String {
    let seeded = slots(t, hall, "").await;
    let item = seeded
        .iter()
        .find(|s| s["item_name"] == "食品经营许可")
        .unwrap_or_else(|| panic!("the demo opens 食品经营许可 slots at 长沙市: {seeded:?}"));
    assert_eq!(item["capacity"], 5);
    item["item"].as_str().expect("a code").to_string()
}

async fn halls_and_slots(db: Db) {
    let t = spawn_app(db).await;
    let doc = Document::fetch(&t).await;
    let call = Call { t: &t, doc: &doc };
    let all = call
        .get("/cases/halls", "/cases/halls", StatusCode::OK)
        .await;
    let names: Vec<&str> = all["halls"]
        .as_array()
        .expect("halls")
        .iter()
        .filter_map(|h| h["name"].as_str())
        .collect();
    assert_eq!(
        names,
        [
            "湖南省政务服务中心",
            "长沙市政务服务中心",
            "芙蓉区政务服务中心",
            "天心区政务服务中心"
        ]
    );
    assert_eq!(all["halls"][0]["windows"][0]["name"], "综合受理窗口");
    let hall = hall_of(&t, "430100").await["id"].as_i64().expect("id");
    let listed = call
        .get(
            "/cases/halls/{hall}/slots",
            &format!("/cases/halls/{hall}/slots"),
            StatusCode::OK,
        )
        .await;
    assert_eq!(listed["hall"]["division"], "430100");
    // The demo opened four periods a day on the next three working days.
    let first = workday(&t, 1).await;
    let seeded = listed["slots"].as_array().expect("slots");
    assert_eq!(seeded.len(), 12, "{seeded:?}");
    assert_eq!(seeded[0]["date"], first.to_string());
    assert_eq!(seeded[0]["start"], "09:00");

    assert_problem(
        t.get(&format!("{CASES}/halls?division=43")).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "division",
    )
    .await;
    assert_problem(
        t.get(&format!("{CASES}/halls/{hall}/slots?from=tomorrow"))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "from",
    )
    .await;
    assert_problem(
        t.get(&format!(
            "{CASES}/halls/{hall}/slots?from=2026-01-02&to=2026-01-01"
        ))
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "to",
    )
    .await;
    assert_problem(
        t.get(&format!(
            "{CASES}/halls/{hall}/slots?from=2026-01-01&to=2026-12-31"
        ))
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "to",
    )
    .await;
    assert_problem(
        t.get(&format!("{CASES}/halls/{hall}/slots?item=x")).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "item",
    )
    .await;
    assert_problem(
        t.get(&format!("{CASES}/halls/abc/slots")).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "hall",
    )
    .await;
    assert_problem(
        t.get(&format!("{CASES}/halls/999999/slots")).await,
        StatusCode::NOT_FOUND,
        "",
    )
    .await;

    // Opening slots: who may, and every bad field named, writing nothing.
    let item = demo_item(&t, hall).await;
    let clerk = t.login("clerk").await;
    let citizen = t.login("citizen").await;
    let day = workday(&t, 5).await;
    let body = json!({"item": item, "date": day, "times": periods(), "capacity": 3});
    let opened = call
        .send(
            "POST",
            "/cases/halls/{hall}/slots",
            &format!("/cases/halls/{hall}/slots"),
            Some(&clerk),
            Some(&body),
            StatusCode::CREATED,
        )
        .await;
    assert_eq!(opened["slots"].as_array().map(Vec::len), Some(2));
    let before = t.event_count().await;
    let path = format!("{CASES}/halls/{hall}/slots");
    assert_problem(
        t.post(&path, Some(&clerk), &body).await,
        StatusCode::CONFLICT,
        "times",
    )
    .await;
    assert_problem(
        t.post(&path, Some(&citizen), &body).await,
        StatusCode::FORBIDDEN,
        "",
    )
    .await;
    assert_problem(
        t.post(&path, None, &body).await,
        StatusCode::UNAUTHORIZED,
        "",
    )
    .await;
    let province = hall_of(&t, "430000").await["id"].as_i64().expect("id");
    assert_problem(
        t.post(
            &format!("{CASES}/halls/{province}/slots"),
            Some(&clerk),
            &body,
        )
        .await,
        StatusCode::FORBIDDEN,
        "",
    )
    .await;
    let with = |k: &str, v: Value| {
        let mut b = body.clone();
        b[k] = v;
        b
    };
    let saturday = (1..=7)
        .map(|n| day + Duration::days(n))
        .find(|d| d.format("%u").to_string() == "6")
        .expect("a Saturday");
    for (bad, field) in [
        (with("capacity", json!(0)), "capacity"),
        (with("capacity", json!(501)), "capacity"),
        (with("date", json!(saturday)), "date"),
        (with("date", json!("2020-01-06")), "date"),
        (with("date", json!("2030-01-07")), "date"),
        (
            with("times", json!([{"start": "10:00", "end": "09:00"}])),
            "times[0].end",
        ),
        (with("times", json!([])), "times"),
        (with("item", json!("430102-0100012")), "item"),
        (with("item", json!("not a code")), "item"),
        (json!({}), "capacity"),
    ] {
        assert_problem(
            t.post(&path, Some(&clerk), &bad).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            field,
        )
        .await;
    }
    assert_eq!(
        t.event_count().await,
        before,
        "refused requests wrote nothing"
    );
}
both_dbs!(halls_list_and_clerks_open_slots, halls_and_slots);

async fn a_booking_from_start_to_finish(db: Db) {
    shift(db).store(0, Ordering::SeqCst);
    let clock = match db {
        Db::Sqlite => clock_sqlite as fn() -> DateTime<Utc>,
        Db::Postgres => clock_pg,
    };
    let t = spawn_app_with_clock(db, clock).await;
    let doc = Document::fetch(&t).await;
    let call = Call { t: &t, doc: &doc };
    let hall = hall_of(&t, "430100").await["id"].as_i64().expect("id");
    let item = demo_item(&t, hall).await;
    let clerk = t.login("clerk").await;
    let mut citizen = t.login("citizen").await;
    let mut enterprise = t.login("enterprise").await;
    let days = [
        workday(&t, 5).await,
        workday(&t, 6).await,
        workday(&t, 7).await,
        workday(&t, 8).await,
    ];
    let mut s = Vec::new();
    for d in days {
        s.push(open(&t, &clerk, hall, &item, d, 2).await);
    }

    // Book: a ticket with the address its QR code carries.
    let v = call
        .send(
            "POST",
            "/cases/bookings",
            "/cases/bookings",
            Some(&citizen),
            Some(&json!({"slot": s[0][0]["id"]})),
            StatusCode::CREATED,
        )
        .await;
    let first = v["ticket"].as_str().expect("ticket").to_string();
    assert!(
        first.starts_with(&format!("H{hall}-{}-", days[0].format("%y%m%d"))),
        "{first}"
    );
    assert!(
        v["check_url"].as_str().is_some_and(
            |u| u.starts_with("http://") && u.ends_with(&format!("/appointments/{first}"))
        ),
        "{v}"
    );
    assert_eq!(
        (v["status"].as_str(), v["item_name"].as_str()),
        (Some("booked"), Some("食品经营许可"))
    );
    assert_eq!(
        slot(&t, hall, s[0][0]["id"].as_i64().expect("id"), days[0]).await["booked"],
        1
    );
    let mine = call
        .send(
            "GET",
            "/cases/bookings",
            "/cases/bookings",
            Some(&citizen),
            None,
            StatusCode::OK,
        )
        .await;
    assert_eq!(mine["bookings"][0]["ticket"], first.as_str());
    call.send(
        "GET",
        "/cases/bookings/{ticket}",
        &format!("/cases/bookings/{first}"),
        Some(&clerk),
        None,
        StatusCode::OK,
    )
    .await;

    // Refused, each by name, writing nothing.
    let before = t.event_count().await;
    assert_problem(
        book(&t, &citizen, &s[0][1]).await,
        StatusCode::CONFLICT,
        "slot",
    )
    .await;
    assert_problem(book(&t, &clerk, &s[0][1]).await, StatusCode::FORBIDDEN, "").await;
    for bad in [
        json!({}),
        json!({"slot": "x"}),
        json!({"slot": -1}),
        json!({"slot": 99_999_999}),
    ] {
        assert_problem(
            t.post(&format!("{CASES}/bookings"), Some(&citizen), &bad)
                .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "slot",
        )
        .await;
    }
    assert_problem(
        t.get_as(&format!("{CASES}/bookings/{first}"), &enterprise)
            .await,
        StatusCode::NOT_FOUND,
        "",
    )
    .await;
    assert_problem(
        t.get_as(&format!("{CASES}/bookings/nonsense"), &citizen)
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "ticket",
    )
    .await;
    assert_problem(
        act(&t, &enterprise, &first, "cancel").await,
        StatusCode::NOT_FOUND,
        "",
    )
    .await;
    assert_problem(
        act(&t, &clerk, &first, "cancel").await,
        StatusCode::FORBIDDEN,
        "",
    )
    .await;
    assert_problem(
        act(&t, &citizen, &first, "check-in").await,
        StatusCode::FORBIDDEN,
        "",
    )
    .await;
    assert_problem(
        act(&t, &clerk, &first, "check-in").await,
        StatusCode::CONFLICT,
        "slot",
    )
    .await;
    assert_problem(
        act(&t, &clerk, &first, "no-show").await,
        StatusCode::CONFLICT,
        "slot",
    )
    .await;
    let admin = t.login("admin").await;
    assert_problem(
        act(&t, &admin, &first, "check-in").await,
        StatusCode::FORBIDDEN,
        "",
    )
    .await;
    let resched = format!("{CASES}/bookings/{first}/reschedule");
    assert_problem(
        t.post(&resched, Some(&citizen), &json!({"slot": s[0][0]["id"]}))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "slot",
    )
    .await;
    assert_problem(
        t.post(&resched, Some(&citizen), &json!({})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "slot",
    )
    .await;
    assert_eq!(t.event_count().await, before);

    // Reschedule: a new ticket; the old one says where it went; places follow.
    let moved = call
        .send(
            "POST",
            "/cases/bookings/{ticket}/reschedule",
            &format!("/cases/bookings/{first}/reschedule"),
            Some(&citizen),
            Some(&json!({"slot": s[0][1]["id"]})),
            StatusCode::CREATED,
        )
        .await;
    let second = moved["ticket"].as_str().expect("ticket").to_string();
    assert_ne!(second, first);
    let old = status_of(&t, &citizen, &first).await;
    assert_eq!(
        (old["status"].as_str(), old["rescheduled_to"].as_str()),
        (Some("rescheduled"), Some(second.as_str()))
    );
    assert_eq!(
        slot(&t, hall, s[0][0]["id"].as_i64().expect("id"), days[0]).await["booked"],
        0
    );
    assert_eq!(
        slot(&t, hall, s[0][1]["id"].as_i64().expect("id"), days[0]).await["booked"],
        1
    );
    assert_problem(
        t.post(&resched, Some(&citizen), &json!({"slot": s[0][0]["id"]}))
            .await,
        StatusCode::CONFLICT,
        "status",
    )
    .await;
    assert_problem(
        act(&t, &citizen, &first, "cancel").await,
        StatusCode::CONFLICT,
        "status",
    )
    .await;

    // Cancel: the place is free again; a second cancel is refused.
    let c = call
        .send(
            "POST",
            "/cases/bookings/{ticket}/cancel",
            &format!("/cases/bookings/{second}/cancel"),
            Some(&citizen),
            None,
            StatusCode::OK,
        )
        .await;
    assert_eq!(c["status"], "cancelled");
    assert_eq!(
        slot(&t, hall, s[0][1]["id"].as_i64().expect("id"), days[0]).await["booked"],
        0
    );
    assert_problem(
        act(&t, &citizen, &second, "cancel").await,
        StatusCode::CONFLICT,
        "status",
    )
    .await;

    // A retried booking with the same Idempotency-Key is the same booking.
    let keyed = || {
        t.client
            .post(format!("{}{CASES}/bookings", t.url))
            .bearer_auth(&citizen)
            .header("idempotency-key", "book-once-1")
            .json(&json!({"slot": s[1][1]["id"]}))
    };
    let first_try = keyed().send().await.expect("book");
    assert_eq!(first_try.status(), StatusCode::CREATED);
    let first_try: Value = first_try.json().await.expect("json");
    let retry = keyed().send().await.expect("retry");
    assert_eq!(retry.status(), StatusCode::CREATED);
    assert_eq!(
        retry
            .headers()
            .get("idempotent-replayed")
            .and_then(|v| v.to_str().ok()),
        Some("true")
    );
    let retry: Value = retry.json().await.expect("json");
    assert_eq!(retry["ticket"], first_try["ticket"]);
    assert_eq!(
        slot(&t, hall, s[1][1]["id"].as_i64().expect("id"), days[1]).await["booked"],
        1
    );
    let keyed_ticket = first_try["ticket"].as_str().expect("ticket").to_string();
    assert_eq!(
        act(&t, &citizen, &keyed_ticket, "cancel").await.status(),
        StatusCode::OK
    );

    // A booking on each of the four days; the enterprise on the first too.
    let t1 = booked(&t, &citizen, &s[0][0]).await;
    let t2 = booked(&t, &citizen, &s[1][0]).await;
    let t3 = booked(&t, &citizen, &s[2][0]).await;
    let _t4 = booked(&t, &citizen, &s[3][0]).await;
    let e1 = booked(&t, &enterprise, &s[0][0]).await;
    // The first slot has started: check-in (until it ends), not cancelling.
    set_hall_time(db, days[0], 9, 5);
    let clerk = t.login("clerk").await;
    enterprise = t.login("enterprise").await;
    assert_problem(
        act(&t, &enterprise, &e1, "cancel").await,
        StatusCode::CONFLICT,
        "slot",
    )
    .await;
    let checked = call
        .send(
            "POST",
            "/cases/bookings/{ticket}/check-in",
            &format!("/cases/bookings/{e1}/check-in"),
            Some(&clerk),
            None,
            StatusCode::OK,
        )
        .await;
    assert_eq!(checked["status"], "checked_in");
    assert_problem(
        act(&t, &clerk, &e1, "check-in").await,
        StatusCode::CONFLICT,
        "status",
    )
    .await;
    assert_problem(
        act(&t, &clerk, &e1, "no-show").await,
        StatusCode::CONFLICT,
        "status",
    )
    .await;
    assert_problem(
        act(&t, &clerk, &t1, "no-show").await,
        StatusCode::CONFLICT,
        "slot",
    )
    .await;

    // After the third day's slot: three no-shows.
    set_hall_time(db, days[2], 10, 5);
    let clerk = t.login("clerk").await;
    for ticket in [&t1, &t2, &t3] {
        let v = call
            .send(
                "POST",
                "/cases/bookings/{ticket}/no-show",
                &format!("/cases/bookings/{ticket}/no-show"),
                Some(&clerk),
                None,
                StatusCode::OK,
            )
            .await;
        assert_eq!(v["status"], "no_show");
    }
    assert_problem(
        act(&t, &clerk, &t1, "check-in").await,
        StatusCode::CONFLICT,
        "status",
    )
    .await;
    citizen = t.login("citizen").await;
    enterprise = t.login("enterprise").await;
    // Three no-shows in 90 days: no booking for 30 days; others book as before.
    let v = assert_problem(
        book(&t, &citizen, &s[3][1]).await,
        StatusCode::CONFLICT,
        "account",
    )
    .await;
    let until = days[2] + Duration::days(30);
    assert!(v.to_string().contains(&until.to_string()), "{v}");
    booked(&t, &enterprise, &s[3][1]).await;

    // The log: every kind, each about a ticket or a hall, no personal data.
    let events = t.app.store().events(0, 1_000_000).await.expect("events");
    let cases: Vec<_> = events.iter().filter(|e| e.context == "cases").collect();
    for kind in [
        "halls.opened",
        "slots.opened",
        "booking.created",
        "booking.cancelled",
        "booking.rescheduled",
        "booking.checked_in",
        "booking.no_show",
    ] {
        assert!(cases.iter().any(|e| e.kind == kind), "no {kind} event");
    }
    for e in &cases {
        let text = e.payload.to_string();
        assert!(
            !text.contains("张三") && !text.contains("430105") && !text.contains("长沙示范餐饮"),
            "{text}"
        );
        assert!(
            e.subject.starts_with("booking:H")
                || e.subject.starts_with("hall:")
                || e.subject == "halls",
            "{}",
            e.subject
        );
    }
    shift(db).store(0, Ordering::SeqCst);
}
both_dbs!(
    booking_life_and_no_show_rule,
    a_booking_from_start_to_finish
);

fn id_number(n: usize) -> String {
    let first17 = format!("43010219900101{n:03}");
    format!("{first17}{}", IdNumber::check_char(&first17) as char)
}

/// Fifty people want the last place of a slot at the same moment.
async fn fifty_bookers_one_place(db: Db) {
    let t = spawn_app(db).await;
    let hall = hall_of(&t, "430100").await["id"].as_i64().expect("id");
    let item = demo_item(&t, hall).await;
    let clerk = t.login("clerk").await;
    let day = workday(&t, 5).await;
    let target = open(&t, &clerk, hall, &item, day, 2).await.remove(0);
    let citizen = t.login("citizen").await;
    booked(&t, &citizen, &target).await;

    const N: usize = 50;
    let mut tokens = Vec::new();
    let mut signups = tokio::task::JoinSet::new();
    for n in 0..N {
        let (client, url) = (t.client.clone(), t.url.clone());
        signups.spawn(async move {
            let number = id_number(200 + n);
            let r = client
                .post(format!("{url}/api/v1/identity/register"))
                .json(&json!({"kind": "citizen", "id_number": number, "name": "排队者", "password": "bianli-demo"}))
                .send()
                .await
                .expect("register");
            assert_eq!(r.status(), StatusCode::CREATED);
            let r = client
                .post(format!("{url}/api/v1/identity/login"))
                .json(&json!({"username": number, "password": "bianli-demo"}))
                .send()
                .await
                .expect("login");
            let v: Value = r.json().await.expect("json");
            v["token"].as_str().expect("token").to_string()
        });
    }
    while let Some(token) = signups.join_next().await {
        tokens.push(token.expect("sign-up task"));
    }

    // All requests wait on one barrier, then go at once.
    let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(N));
    let mut bookers = tokio::task::JoinSet::new();
    for token in tokens {
        let (client, url, barrier, id) = (
            t.client.clone(),
            t.url.clone(),
            barrier.clone(),
            target["id"].clone(),
        );
        bookers.spawn(async move {
            barrier.wait().await;
            let r = client
                .post(format!("{url}/api/v1/cases/bookings"))
                .bearer_auth(token)
                .json(&json!({"slot": id}))
                .send()
                .await
                .expect("book");
            let status = r.status();
            let body: Value = r.json().await.expect("json");
            (status, body)
        });
    }
    let mut created = 0;
    let mut full = 0;
    while let Some(done) = bookers.join_next().await {
        let (status, body) = done.expect("booking task");
        match status {
            StatusCode::CREATED => created += 1,
            StatusCode::CONFLICT => {
                assert_eq!(body["errors"][0]["field"], "slot", "{body}");
                full += 1;
            }
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!((created, full), (1, N - 1));
    let after = slot(&t, hall, target["id"].as_i64().expect("id"), day).await;
    assert_eq!(after["booked"], after["capacity"]);
    assert_eq!(after["booked"], 2);
    let events = t.app.store().events(0, 1_000_000).await.expect("events");
    let made = events
        .iter()
        .filter(|e| e.kind == "booking.created" && e.payload["slot"] == target["id"])
        .count();
    assert_eq!(made, 2, "one event per booking, none for the refused");
}
both_dbs!(last_place_under_concurrency, fifty_bookers_one_place);
