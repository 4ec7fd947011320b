//! `/appointments…`: book a slot at the hall from the item guide (预约办理),
//! the ticket with its QR code, and 我的预约 with cancel and reschedule.

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use bianli_app::appointment::changeable;
use bianli_app::store::appointment::{Booking, Slot};
use bianli_app::{Actor, AppError};
use bianli_domain::Invalid;
use bianli_domain::cases::appointment::BookingStatus;
use bianli_domain::catalog::ItemCode;
use chrono::{Datelike, NaiveDate};
use serde::Deserialize;

use super::appointment_qr::{check_url, qr_svg};
use super::auth::{Viewer, safe_next, see_other};
use super::error_page::PageError;
use super::form::{FormData, query};
use super::layout::{Chrome, Section, date, encode, render};
use crate::{ApiError, AppState};

/// The viewer's account, or a 303 to sign in and come back.
pub fn signed_in(viewer: &Viewer, back: &str) -> Result<Actor, Redirect> {
    viewer
        .actor
        .clone()
        .ok_or_else(|| Redirect::to(&format!("/login?next={}", encode(back))))
}

pub struct SlotOption {
    pub id: i64,
    pub label: String,
    pub free: i32,
    pub full: bool,
}

pub struct DayOption {
    pub date: String,
    pub weekday: &'static str,
    pub slots: Vec<SlotOption>,
}

fn weekday(d: NaiveDate) -> &'static str {
    ["周一", "周二", "周三", "周四", "周五", "周六", "周日"]
        [d.weekday().num_days_from_monday() as usize]
}

pub fn days(slots: &[Slot]) -> Vec<DayOption> {
    let mut out: Vec<DayOption> = Vec::new();
    for s in slots {
        let option = SlotOption {
            id: s.id,
            label: format!("{}–{}", s.start.format("%H:%M"), s.end.format("%H:%M")),
            free: s.free(),
            full: s.free() <= 0,
        };
        match out.last_mut() {
            Some(d) if d.date == date(s.date) => d.slots.push(option),
            _ => out.push(DayOption {
                date: date(s.date),
                weekday: weekday(s.date),
                slots: vec![option],
            }),
        }
    }
    out
}

/// Choosing a slot: for a new booking, or to move one (`moving`).
#[derive(Template)]
#[template(path = "appointment_new.html")]
pub struct ChoosePage {
    pub chrome: Chrome,
    pub csrf: String,
    pub item: String,
    pub item_name: String,
    pub hall_name: String,
    pub days: Vec<DayOption>,
    pub signed_in: bool,
    pub login_href: String,
    pub action: String,
    pub moving: Option<String>,
    pub error: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ChooseQuery {
    item: String,
}

async fn choose_page(
    s: &AppState,
    viewer: &Viewer,
    item: &str,
    moving: Option<&Booking>,
    error: Option<String>,
) -> Result<ChoosePage, PageError> {
    let code = ItemCode::parse(item).map_err(|e| viewer.fail(e.relabel("item")))?;
    let hall = s
        .app
        .halls(Some(code.division().as_str()))
        .await
        .map_err(|e| viewer.fail(e))?
        .pop()
        .ok_or_else(|| viewer.fail(AppError::NotFound(format!("办理{code}的大厅"))))?;
    let (_, slots) = s
        .app
        .hall_slots(hall.id, Some(item), None, None)
        .await
        .map_err(|e| viewer.fail(e))?;
    let item_name = match slots.first() {
        Some(s) => s.item_name.clone(),
        None => s
            .app
            .item(&code.to_string())
            .await
            .map(|d| d.current.item.name)
            .unwrap_or_else(|_| code.to_string()),
    };
    let slots: Vec<Slot> = slots
        .into_iter()
        .filter(|sl| moving.is_none_or(|b| b.slot_id != sl.id))
        .collect();
    Ok(ChoosePage {
        chrome: viewer.chrome(Section::Items),
        csrf: viewer.csrf(),
        item: code.to_string(),
        item_name,
        hall_name: hall.name,
        days: days(&slots),
        signed_in: viewer.actor.is_some(),
        login_href: format!("/login?next={}", encode(&viewer.here)),
        action: match moving {
            Some(b) => format!("/appointments/{}/reschedule", b.ticket),
            None => "/appointments".to_string(),
        },
        moving: moving.map(|b| b.ticket.clone()),
        error,
    })
}

/// `GET /appointments/new?item=CODE`: the item's hall and its open slots.
pub async fn choose(
    State(s): State<AppState>,
    viewer: Viewer,
    q: Result<Query<ChooseQuery>, QueryRejection>,
) -> Result<Response, PageError> {
    let q: ChooseQuery = query(&viewer, q)?;
    let page = choose_page(&s, &viewer, &q.item, None, None).await?;
    render(StatusCode::OK, &page)
}

/// A refused booking shows the same choice again with why.
fn message(e: &AppError) -> String {
    match e {
        AppError::Invalid(i) => i.to_string(),
        other => other.to_string(),
    }
}

fn slot_id(form: &FormData) -> Result<i64, AppError> {
    form.get("slot")
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| Invalid::one("slot", "choose a slot (请选择预约时段)").into())
}

/// `POST /appointments`: books the chosen slot, then shows the ticket.
pub async fn book(
    State(s): State<AppState>,
    viewer: Viewer,
    form: FormData,
) -> Result<Response, PageError> {
    let back = format!("/appointments/new?item={}", encode(form.get("item")));
    let actor = match signed_in(&viewer, &back) {
        Ok(a) => a,
        Err(r) => return Ok(r.into_response()),
    };
    viewer.check_csrf(&form)?;
    let result = match slot_id(&form) {
        Ok(id) => s.app.book(&actor, id).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(b) => Ok(see_other(&format!("/appointments/{}", b.ticket), None)),
        Err(e) => {
            let text = message(&e);
            let e = ApiError(e);
            let status = e.status();
            if status.is_server_error() {
                return Err(viewer.fail(e));
            }
            let page = choose_page(&s, &viewer, form.get("item"), None, Some(text)).await?;
            render(status, &page)
        }
    }
}

#[derive(Template)]
#[template(path = "appointment_ticket.html")]
pub struct TicketPage {
    pub chrome: Chrome,
    pub csrf: String,
    pub ticket: String,
    pub status: &'static str,
    pub booked: bool,
    pub hall_name: String,
    pub item: String,
    pub item_name: String,
    pub date: String,
    pub time: String,
    pub check_url: String,
    pub qr: String,
    pub rescheduled_to: Option<String>,
    pub owner_may_change: bool,
    pub staff: bool,
}

pub fn ticket_page(
    viewer: &Viewer,
    headers: &HeaderMap,
    b: &Booking,
    now: chrono::NaiveDateTime,
) -> TicketPage {
    let url = check_url(headers, &b.ticket);
    let owner = viewer
        .actor
        .as_ref()
        .is_some_and(|a| a.account_id == b.account_id);
    TicketPage {
        chrome: viewer.chrome(Section::None),
        csrf: viewer.csrf(),
        ticket: b.ticket.clone(),
        status: b.status.zh(),
        booked: b.status == BookingStatus::Booked,
        hall_name: b.hall_name.clone(),
        item: b.item.clone(),
        item_name: b.item_name.clone(),
        date: format!("{} {}", date(b.date), weekday(b.date)),
        time: format!("{}–{}", b.start.format("%H:%M"), b.end.format("%H:%M")),
        qr: qr_svg(&url),
        check_url: url,
        rescheduled_to: b.rescheduled_to.clone(),
        owner_may_change: owner && changeable(b, now),
        staff: !owner
            && viewer.actor.as_ref().is_some_and(|a| a.role.is_staff())
            && b.status == BookingStatus::Booked,
    }
}

/// `GET /appointments/{ticket}`: the ticket, to its owner and the hall's staff.
pub async fn show(
    State(s): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(ticket): Path<String>,
) -> Result<Response, PageError> {
    let actor = match signed_in(&viewer, &viewer.here) {
        Ok(a) => a,
        Err(r) => return Ok(r.into_response()),
    };
    let b = s
        .app
        .booking(&actor, &ticket)
        .await
        .map_err(|e| viewer.fail(e))?;
    render(
        StatusCode::OK,
        &ticket_page(&viewer, &headers, &b, s.app.hall_now()),
    )
}

pub struct BookingRow {
    pub href: String,
    pub ticket: String,
    pub item_name: String,
    pub hall_name: String,
    pub when: String,
    pub status: &'static str,
    pub active: bool,
}

pub fn rows(bookings: &[Booking]) -> Vec<BookingRow> {
    bookings
        .iter()
        .map(|b| BookingRow {
            href: format!("/appointments/{}", b.ticket),
            ticket: b.ticket.clone(),
            item_name: b.item_name.clone(),
            hall_name: b.hall_name.clone(),
            when: format!(
                "{} {} {}–{}",
                date(b.date),
                weekday(b.date),
                b.start.format("%H:%M"),
                b.end.format("%H:%M")
            ),
            status: b.status.zh(),
            active: b.status == BookingStatus::Booked,
        })
        .collect()
}

#[derive(Template)]
#[template(path = "appointments.html")]
pub struct MinePage {
    pub chrome: Chrome,
    pub rows: Vec<BookingRow>,
}

/// `GET /appointments`: 我的预约.
pub async fn mine(State(s): State<AppState>, viewer: Viewer) -> Result<Response, PageError> {
    let actor = match signed_in(&viewer, "/appointments") {
        Ok(a) => a,
        Err(r) => return Ok(r.into_response()),
    };
    let bookings = s
        .app
        .my_bookings(&actor)
        .await
        .map_err(|e| viewer.fail(e))?;
    render(
        StatusCode::OK,
        &MinePage {
            chrome: viewer.chrome(Section::None),
            rows: rows(&bookings),
        },
    )
}

/// `POST /appointments/{ticket}/cancel`.
pub async fn cancel(
    State(s): State<AppState>,
    viewer: Viewer,
    Path(ticket): Path<String>,
    form: FormData,
) -> Result<Response, PageError> {
    let actor = match signed_in(&viewer, &format!("/appointments/{}", encode(&ticket))) {
        Ok(a) => a,
        Err(r) => return Ok(r.into_response()),
    };
    viewer.check_csrf(&form)?;
    let b = s
        .app
        .cancel_booking(&actor, &ticket)
        .await
        .map_err(|e| viewer.fail(e))?;
    Ok(see_other(&format!("/appointments/{}", b.ticket), None))
}

/// `GET /appointments/{ticket}/reschedule`: another slot of the same item and hall.
pub async fn reschedule_form(
    State(s): State<AppState>,
    viewer: Viewer,
    Path(ticket): Path<String>,
) -> Result<Response, PageError> {
    let actor = match signed_in(&viewer, &viewer.here) {
        Ok(a) => a,
        Err(r) => return Ok(r.into_response()),
    };
    let b = s
        .app
        .booking(&actor, &ticket)
        .await
        .map_err(|e| viewer.fail(e))?;
    let page = choose_page(&s, &viewer, &b.item, Some(&b), None).await?;
    render(StatusCode::OK, &page)
}

/// `POST /appointments/{ticket}/reschedule`: moves it, then shows the new ticket.
pub async fn reschedule(
    State(s): State<AppState>,
    viewer: Viewer,
    Path(ticket): Path<String>,
    form: FormData,
) -> Result<Response, PageError> {
    let actor = match signed_in(&viewer, &format!("/appointments/{}", encode(&ticket))) {
        Ok(a) => a,
        Err(r) => return Ok(r.into_response()),
    };
    viewer.check_csrf(&form)?;
    let id = slot_id(&form).map_err(|e| viewer.fail(e))?;
    let b = s
        .app
        .reschedule_booking(&actor, &ticket, id)
        .await
        .map_err(|e| viewer.fail(e))?;
    Ok(see_other(&format!("/appointments/{}", b.ticket), None))
}

/// `POST /appointments/{ticket}/check-in` and `/no-show`, from the ticket
/// page or the hall's list; back to where the form was.
pub async fn arrival(
    State(s): State<AppState>,
    viewer: Viewer,
    Path((ticket, what)): Path<(String, String)>,
    form: FormData,
) -> Result<Response, PageError> {
    let actor = match signed_in(&viewer, "/hall/bookings") {
        Ok(a) => a,
        Err(r) => return Ok(r.into_response()),
    };
    viewer.check_csrf(&form)?;
    let done = match what.as_str() {
        "check-in" => s.app.check_in(&actor, &ticket).await,
        "no-show" => s.app.mark_no_show(&actor, &ticket).await,
        _ => Err(AppError::NotFound("该页面".into())),
    };
    let b = done.map_err(|e| viewer.fail(e))?;
    let back = safe_next(form.get("next"))
        .map(str::to_string)
        .unwrap_or_else(|| format!("/appointments/{}", b.ticket));
    Ok(see_other(&back, None))
}
