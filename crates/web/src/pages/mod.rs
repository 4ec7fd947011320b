//! Server-rendered pages (zh-CN first), usable without JavaScript.
//!
//! Each handler reads the viewer from the session cookie, calls one use case
//! and renders a template from precomputed view structs; failures render the
//! error page with the status the API would give.

mod adjustment_errors;
mod adjustment_target;
mod admin_decrees;
mod admin_items;
mod apply;
mod appointment;
mod appointment_hall;
pub(crate) mod appointment_qr;
#[cfg(test)]
mod appointment_tests;
mod auth;
mod case_desk;
mod case_form;
mod cases;
#[cfg(test)]
mod decree_item_tests;
mod decree_items;
mod decrees;
mod departments;
mod error_page;
mod field_errors;
mod form;
mod guide;
mod home;
mod hotline;
mod item_form;
mod items;
mod layout;
mod ledger;
mod lookup;
mod multipart;
mod oversight;
mod oversight_cards;
mod rating;
mod receipt;
mod stats;
#[cfg(test)]
mod test_reply;
#[cfg(test)]
mod tests;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, header};
use axum::middleware::map_response;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use bianli_domain::cases::upload::MAX_CASE_BYTES;

use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home::home))
        .route("/items", get(items::list))
        .route("/items/{code}", get(guide::show))
        .route("/ledger", get(ledger::show))
        .route("/stats", get(stats::show))
        .route("/decrees", get(decrees::list))
        .route("/decrees/{id}", get(decrees::show))
        .route("/diff", get(decrees::diff))
        .route("/departments/{id}", get(departments::show))
        .route(
            "/cases",
            get(case_desk::desk)
                .post(apply::submit)
                // The wizard posts every material file at once: up to a
                // case's 100 MiB, and the form's few fields beside them.
                .layer(DefaultBodyLimit::max(
                    usize::try_from(MAX_CASE_BYTES).unwrap_or(usize::MAX) + (1 << 20),
                )),
        )
        .route("/cases/new", get(apply::form))
        .route("/cases/hotline", get(hotline::form).post(hotline::file))
        .route("/cases/{number}", get(cases::status).post(case_desk::act))
        .route("/cases/{number}/receipt", get(receipt::show))
        .route("/cases/{number}/rating", post(rating::rate))
        .route("/cases/{number}/papers/{paper}", get(cases::paper))
        .route("/certificates/{number}", get(cases::certificate))
        .route("/certificates/{number}/pdf", get(cases::certificate_pdf))
        .route(
            "/appointments",
            get(appointment::mine).post(appointment::book),
        )
        .route("/appointments/new", get(appointment::choose))
        .route("/appointments/{ticket}", get(appointment::show))
        .route("/appointments/{ticket}/cancel", post(appointment::cancel))
        .route(
            "/appointments/{ticket}/reschedule",
            get(appointment::reschedule_form).post(appointment::reschedule),
        )
        .route("/appointments/{ticket}/{what}", post(appointment::arrival))
        .route("/hall/bookings", get(appointment_hall::day))
        .route("/login", get(auth::login_form).post(auth::login))
        .route("/logout", post(auth::logout))
        .route(
            "/admin/items/{code}/edit",
            get(admin_items::edit_form).post(admin_items::save),
        )
        .route(
            "/admin/decrees",
            get(|| async { Redirect::to("/decrees") }).post(admin_decrees::create),
        )
        .route(
            "/admin/decrees/new",
            get(admin_decrees::new_form).post(admin_decrees::create),
        )
        .route("/admin/decrees/{id}", get(admin_decrees::show))
        .route("/admin/decrees/{id}/adjustments", post(admin_decrees::add))
        .route("/admin/decrees/{id}/apply", post(admin_decrees::apply))
        .route(
            "/admin/decrees/{id}/add",
            get(decree_items::add_form).post(decree_items::add),
        )
        .route(
            "/admin/decrees/{id}/modify",
            get(decree_items::modify_form).post(decree_items::modify),
        )
        .route(
            "/admin/decrees/{id}/merge",
            get(decree_items::merge_form).post(decree_items::merge),
        )
        .route("/oversight", get(oversight::province))
        .route("/oversight/divisions/{code}", get(oversight::division))
        .route("/oversight/departments/{id}", get(oversight::department))
        .route("/oversight/cards", get(oversight_cards::list))
        .route(
            "/oversight/cards/{number}/{step}/{kind}",
            post(oversight_cards::act),
        )
        .route("/static/oversight.js", get(oversight::script))
        .route("/static/bianli.css", get(stylesheet))
        .fallback(error_page::not_found)
        .layer(map_response(page_headers))
}

async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            // The page links it with a hash of its content, so it never changes under one address.
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        layout::CSS,
    )
        .into_response()
}

/// No script, no framing, no foreign resources; pages carry a CSRF token and
/// a name, so shared caches must not keep them.
const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; \
                   base-uri 'none'; frame-ancestors 'none'";

async fn page_headers(mut res: Response) -> Response {
    let h = res.headers_mut();
    let defaults = [
        (header::CONTENT_SECURITY_POLICY, CSP),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "same-origin"),
        (header::CACHE_CONTROL, "private, no-cache"),
    ];
    for (name, value) in defaults {
        if !h.contains_key(&name) {
            h.insert(name, HeaderValue::from_static(value));
        }
    }
    res
}
