//! The booking pages driven through the router as a browser would (session
//! cookie, CSRF token in the form), against a seeded in-memory database.

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use bianli_app::App;
use bianli_app::seed::DEMO_PASSWORD;
use tower::ServiceExt;

use super::layout::encode;
use super::test_reply::{Reply, send};

fn form(pairs: &[(&str, &str)]) -> Body {
    Body::from(
        pairs
            .iter()
            .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
            .collect::<Vec<_>>()
            .join("&"),
    )
}

/// A signed-in browser: its cookie and the CSRF token its pages carry.
struct Browser {
    cookie: String,
    csrf: String,
}

async fn sign_in(router: &Router, user: &str) -> Browser {
    let req = Request::post("/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(form(&[("username", user), ("password", DEMO_PASSWORD)]))
        .expect("a request");
    let res = router.clone().oneshot(req).await.expect("signed in");
    let cookie = res
        .headers()
        .get(header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(|c| c.split(';').next())
        .expect("a session cookie")
        .to_string();
    let token = cookie.split_once('=').expect("name=token").1;
    Browser {
        csrf: bianli_app::identity::csrf_token(token),
        cookie,
    }
}

impl Browser {
    async fn get(&self, router: &Router, path: &str) -> Reply {
        let req = Request::get(path)
            .header(header::COOKIE, &self.cookie)
            .header(header::HOST, "hall.example")
            .body(Body::empty())
            .expect("a request");
        send(router, req).await
    }

    async fn post(&self, router: &Router, path: &str, pairs: &[(&str, &str)]) -> Reply {
        let req = Request::post(path)
            .header(header::COOKIE, &self.cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(form(pairs))
            .expect("a request");
        send(router, req).await
    }
}

/// The first bookable slot's id in a page's form.
fn first_slot(html: &str) -> String {
    let at = html
        .find("name=\"slot\" value=\"")
        .expect("a slot to choose")
        + "name=\"slot\" value=\"".len();
    html[at..].split('"').next().expect("an id").to_string()
}

#[tokio::test]
async fn book_from_the_guide_to_the_ticket_and_the_hall() {
    let app = App::open("sqlite::memory:").await.expect("an app");
    app.seed_demo_within(Some(&["430000", "430100"]), &|_| {})
        .await
        .expect("seeded");
    let hall = app.halls(Some("430100")).await.expect("halls").remove(0);
    let (_, slots) = app
        .hall_slots(hall.id, None, None, None)
        .await
        .expect("slots");
    let item = slots.first().expect("seeded slots").item.clone();
    let router = crate::router(app.clone());

    // The guide links to booking; a visitor sees the slots and a sign-in link.
    let anon = Browser {
        cookie: String::new(),
        csrf: String::new(),
    };
    let guide = anon.get(&router, &format!("/items/{item}")).await;
    assert!(
        guide
            .html
            .contains(&format!("href=\"/appointments/new?item={item}\"")),
        "no 预约办理 link"
    );
    let choose = anon
        .get(&router, &format!("/appointments/new?item={item}"))
        .await;
    assert_eq!(choose.status, StatusCode::OK);
    assert!(choose.html.contains("长沙市政务服务中心"));
    assert!(choose.html.contains("登录后预约"));
    assert!(!choose.html.contains("确认预约"));
    let mine = anon.get(&router, "/appointments").await;
    assert_eq!(mine.status, StatusCode::SEE_OTHER);
    assert!(mine.location.starts_with("/login?next="));

    // Signed in: a form with the CSRF token and one radio per period.
    let citizen = sign_in(&router, "citizen").await;
    let choose = citizen
        .get(&router, &format!("/appointments/new?item={item}"))
        .await;
    assert!(
        choose
            .html
            .contains(&format!("name=\"csrf\" value=\"{}\"", citizen.csrf))
    );
    assert_eq!(
        choose.html.matches("type=\"radio\" name=\"slot\"").count(),
        slots.len()
    );
    assert!(choose.html.contains("（余 5 个）"));
    let slot = first_slot(&choose.html);

    // Without the token: refused, nothing booked.
    let forged = citizen
        .post(
            &router,
            "/appointments",
            &[("item", &item), ("slot", &slot), ("csrf", "x")],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    // Without a slot: the same page, saying why.
    let none = citizen
        .post(
            &router,
            "/appointments",
            &[("item", &item), ("csrf", &citizen.csrf)],
        )
        .await;
    assert_eq!(none.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(none.html.contains("未能预约"));
    let account = app
        .store()
        .account_by_username("citizen")
        .await
        .expect("read")
        .expect("the demo citizen");
    let none_yet = app.store().bookings_of(account.id).await.expect("bookings");
    assert!(none_yet.is_empty());

    let booked = citizen
        .post(
            &router,
            "/appointments",
            &[("item", &item), ("slot", &slot), ("csrf", &citizen.csrf)],
        )
        .await;
    assert_eq!(booked.status, StatusCode::SEE_OTHER);
    assert!(
        booked
            .location
            .starts_with(&format!("/appointments/H{}-", hall.id))
    );
    let ticket = booked
        .location
        .trim_start_matches("/appointments/")
        .to_string();

    // The ticket: its QR code as inline SVG, the check URL, cancel and reschedule.
    let page = citizen.get(&router, &booked.location).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.html.contains("<svg role=\"img\""));
    assert!(
        page.html
            .contains(&format!("http://hall.example/appointments/{ticket}"))
    );
    assert!(
        page.html
            .contains(&format!("action=\"/appointments/{ticket}/cancel\""))
    );
    assert!(
        page.html
            .contains(&format!("href=\"/appointments/{ticket}/reschedule\""))
    );
    // A second booking of the item that day is refused on the page.
    let again = citizen
        .post(
            &router,
            "/appointments",
            &[("item", &item), ("slot", &slot), ("csrf", &citizen.csrf)],
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    let mine = citizen.get(&router, "/appointments").await;
    assert!(mine.html.contains(&ticket));

    // The clerk's day lists it with check-in and no-show buttons.
    let clerk = sign_in(&router, "clerk").await;
    let date = slots
        .iter()
        .find(|s| s.id.to_string() == slot)
        .expect("the slot")
        .date;
    let day = clerk
        .get(&router, &format!("/hall/bookings?date={date}"))
        .await;
    assert_eq!(day.status, StatusCode::OK);
    assert!(day.html.contains(&ticket));
    assert!(
        day.html
            .contains(&format!("action=\"/appointments/{ticket}/check-in\""))
    );
    // Checking in before the slot: the error page says why.
    let early = clerk
        .post(
            &router,
            &format!("/appointments/{ticket}/check-in"),
            &[("csrf", &clerk.csrf)],
        )
        .await;
    assert_eq!(early.status, StatusCode::CONFLICT);

    // Rescheduling moves it; cancelling the new ticket frees the place.
    let resched = citizen
        .get(&router, &format!("/appointments/{ticket}/reschedule"))
        .await;
    let other = first_slot(&resched.html);
    assert_ne!(other, slot);
    let moved = citizen
        .post(
            &router,
            &format!("/appointments/{ticket}/reschedule"),
            &[("slot", &other), ("csrf", &citizen.csrf)],
        )
        .await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER);
    let new_ticket = moved
        .location
        .trim_start_matches("/appointments/")
        .to_string();
    assert_ne!(new_ticket, ticket);
    let cancelled = citizen
        .post(
            &router,
            &format!("/appointments/{new_ticket}/cancel"),
            &[("csrf", &citizen.csrf)],
        )
        .await;
    assert_eq!(cancelled.status, StatusCode::SEE_OTHER);
    let page = citizen.get(&router, &cancelled.location).await;
    assert!(page.html.contains("已取消"));
    assert!(!page.html.contains("<svg"));
}
