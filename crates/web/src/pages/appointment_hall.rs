//! `/hall/bookings`: a clerk's list of the day's bookings at their division's
//! hall, with check-in and no-show buttons.

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::appointment::{BookingRow, rows, signed_in};
use super::auth::Viewer;
use super::error_page::PageError;
use super::form::query;
use super::layout::{Chrome, Section, date, encode, render};
use crate::AppState;

#[derive(Template)]
#[template(path = "appointment_hall.html")]
pub struct HallDayPage {
    pub chrome: Chrome,
    pub csrf: String,
    pub hall_name: String,
    pub date: String,
    pub here: String,
    pub rows: Vec<BookingRow>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DayQuery {
    date: Option<String>,
}

pub async fn day(
    State(s): State<AppState>,
    viewer: Viewer,
    q: Result<Query<DayQuery>, QueryRejection>,
) -> Result<Response, PageError> {
    let actor = match signed_in(&viewer, &viewer.here) {
        Ok(a) => a,
        Err(r) => return Ok(r.into_response()),
    };
    let q: DayQuery = query(&viewer, q)?;
    let (hall, day, bookings) = s
        .app
        .hall_day(&actor, q.date.as_deref())
        .await
        .map_err(|e| viewer.fail(e))?;
    render(
        StatusCode::OK,
        &HallDayPage {
            chrome: viewer.chrome(Section::None),
            csrf: viewer.csrf(),
            hall_name: hall.name,
            date: date(day),
            here: format!("/hall/bookings?date={}", encode(&date(day))),
            rows: rows(&bookings),
        },
    )
}
