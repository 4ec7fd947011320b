//! Appointments under `/api/v1/cases`: halls, slots and bookings. Paths are
//! relative to that prefix so the other `cases` routes merge beside them.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use bianli_app::store::appointment::{Booking, Hall, Slot};
use bianli_domain::Invalid;
use bianli_domain::cases::appointment::{BookingStatus, SlotsInput};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::extract::{Authed, JsonBody, id};
use super::openapi::appointment as doc;
use super::routes::Routes;
use crate::pages::appointment_qr::check_url;
use crate::{ApiError, AppState};

pub fn routes() -> Routes {
    Routes::new()
        .get("/halls", halls, doc::halls())
        .get("/halls/{hall}/slots", slots, doc::slots())
        .post("/halls/{hall}/slots", open_slots, doc::open_slots())
        .post("/bookings", book, doc::book())
        .get("/bookings", my_bookings, doc::my_bookings())
        .get("/bookings/{ticket}", booking, doc::booking())
        .post("/bookings/{ticket}/cancel", cancel, doc::cancel())
        .post(
            "/bookings/{ticket}/reschedule",
            reschedule,
            doc::reschedule(),
        )
        .post("/bookings/{ticket}/check-in", check_in, doc::check_in())
        .post("/bookings/{ticket}/no-show", no_show, doc::no_show())
}

#[derive(Serialize)]
pub(super) struct Halls {
    pub(super) halls: Vec<Hall>,
}

#[derive(Deserialize)]
pub(super) struct HallsQuery {
    pub(super) division: Option<String>,
}

async fn halls(
    State(s): State<AppState>,
    Query(q): Query<HallsQuery>,
) -> Result<Json<Halls>, ApiError> {
    Ok(Json(Halls {
        halls: s.app.halls(q.division.as_deref()).await?,
    }))
}

#[derive(Deserialize)]
pub(super) struct SlotsQuery {
    pub(super) item: Option<String>,
    pub(super) from: Option<String>,
    pub(super) to: Option<String>,
}

#[derive(Serialize)]
pub(super) struct HallSlots {
    pub(super) hall: Hall,
    pub(super) slots: Vec<Slot>,
}

async fn slots(
    State(s): State<AppState>,
    Path(hall): Path<String>,
    Query(q): Query<SlotsQuery>,
) -> Result<Json<HallSlots>, ApiError> {
    let (hall, slots) = s
        .app
        .hall_slots(
            id("hall", &hall)?,
            q.item.as_deref(),
            q.from.as_deref(),
            q.to.as_deref(),
        )
        .await?;
    Ok(Json(HallSlots { hall, slots }))
}

#[derive(Serialize)]
pub(super) struct OpenedSlots {
    pub(super) slots: Vec<Slot>,
}

async fn open_slots(
    State(s): State<AppState>,
    Authed(actor): Authed,
    Path(hall): Path<String>,
    JsonBody(input): JsonBody<SlotsInput>,
) -> Result<(StatusCode, Json<OpenedSlots>), ApiError> {
    let slots = s.app.open_slots(&actor, id("hall", &hall)?, &input).await?;
    Ok((StatusCode::CREATED, Json(OpenedSlots { slots })))
}

/// `{"slot": id}`: the slot to book or move to.
#[derive(Deserialize)]
pub(super) struct SlotChoice {
    pub(super) slot: Option<serde_json::Value>,
}

impl SlotChoice {
    fn id(&self) -> Result<i64, ApiError> {
        match &self.slot {
            None | Some(serde_json::Value::Null) => Err(Invalid::one("slot", "required").into()),
            Some(v) => v
                .as_i64()
                .filter(|n| *n > 0)
                .ok_or_else(|| Invalid::one("slot", format!("“{v}”不是有效的时段编号")).into()),
        }
    }
}

/// A booking as its owner and the hall see it, with the address its QR
/// code carries.
#[derive(Serialize)]
pub(super) struct BookingView {
    pub(super) ticket: String,
    pub(super) status: BookingStatus,
    pub(super) status_zh: &'static str,
    pub(super) hall: i64,
    pub(super) hall_name: String,
    pub(super) slot: i64,
    pub(super) item: String,
    pub(super) item_name: String,
    pub(super) date: NaiveDate,
    pub(super) start: String,
    pub(super) end: String,
    pub(super) rescheduled_to: Option<String>,
    pub(super) created_at: DateTime<Utc>,
    pub(super) changed_at: DateTime<Utc>,
    pub(super) check_url: String,
}

fn view(headers: &HeaderMap, b: Booking) -> BookingView {
    BookingView {
        check_url: check_url(headers, &b.ticket),
        status_zh: b.status.zh(),
        ticket: b.ticket,
        status: b.status,
        hall: b.hall_id,
        hall_name: b.hall_name,
        slot: b.slot_id,
        item: b.item,
        item_name: b.item_name,
        date: b.date,
        start: b.start.format("%H:%M").to_string(),
        end: b.end.format("%H:%M").to_string(),
        rescheduled_to: b.rescheduled_to,
        created_at: b.created_at,
        changed_at: b.changed_at,
    }
}

async fn book(
    State(s): State<AppState>,
    Authed(actor): Authed,
    headers: HeaderMap,
    JsonBody(c): JsonBody<SlotChoice>,
) -> Result<(StatusCode, Json<BookingView>), ApiError> {
    let b = s.app.book(&actor, c.id()?).await?;
    Ok((StatusCode::CREATED, Json(view(&headers, b))))
}

#[derive(Serialize)]
pub(super) struct Bookings {
    pub(super) bookings: Vec<BookingView>,
}

async fn my_bookings(
    State(s): State<AppState>,
    Authed(actor): Authed,
    headers: HeaderMap,
) -> Result<Json<Bookings>, ApiError> {
    let bookings = s.app.my_bookings(&actor).await?;
    Ok(Json(Bookings {
        bookings: bookings.into_iter().map(|b| view(&headers, b)).collect(),
    }))
}

async fn booking(
    State(s): State<AppState>,
    Authed(actor): Authed,
    headers: HeaderMap,
    Path(ticket): Path<String>,
) -> Result<Json<BookingView>, ApiError> {
    let b = s.app.booking(&actor, &ticket).await?;
    Ok(Json(view(&headers, b)))
}

async fn cancel(
    State(s): State<AppState>,
    Authed(actor): Authed,
    headers: HeaderMap,
    Path(ticket): Path<String>,
) -> Result<Json<BookingView>, ApiError> {
    let b = s.app.cancel_booking(&actor, &ticket).await?;
    Ok(Json(view(&headers, b)))
}

async fn reschedule(
    State(s): State<AppState>,
    Authed(actor): Authed,
    headers: HeaderMap,
    Path(ticket): Path<String>,
    JsonBody(c): JsonBody<SlotChoice>,
) -> Result<(StatusCode, Json<BookingView>), ApiError> {
    let b = s.app.reschedule_booking(&actor, &ticket, c.id()?).await?;
    Ok((StatusCode::CREATED, Json(view(&headers, b))))
}

async fn check_in(
    State(s): State<AppState>,
    Authed(actor): Authed,
    headers: HeaderMap,
    Path(ticket): Path<String>,
) -> Result<Json<BookingView>, ApiError> {
    let b = s.app.check_in(&actor, &ticket).await?;
    Ok(Json(view(&headers, b)))
}

async fn no_show(
    State(s): State<AppState>,
    Authed(actor): Authed,
    headers: HeaderMap,
    Path(ticket): Path<String>,
) -> Result<Json<BookingView>, ApiError> {
    let b = s.app.mark_no_show(&actor, &ticket).await?;
    Ok(Json(view(&headers, b)))
}
