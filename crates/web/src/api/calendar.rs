use axum::Json;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use bianli_app::calendar::{CalendarYear, LoadedYears};
use bianli_domain::Invalid;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::extract::Authed;
use super::openapi::calendar as doc;
use super::routes::Routes;
use crate::{ApiError, AppState};

pub fn routes() -> Routes {
    Routes::new()
        .get("/add-workdays", add_workdays, doc::add_workdays())
        .get(
            "/workdays-between",
            workdays_between,
            doc::workdays_between(),
        )
        .get("/years", years, doc::years())
        .post("/years", load, doc::load())
}

// Parameters are text so that a missing or malformed one is a 422 naming it,
// said by the use case, rather than axum's plain-text rejection.

#[derive(Deserialize)]
pub(super) struct AddWorkdaysQuery {
    pub(super) from: Option<String>,
    pub(super) days: Option<String>,
}

#[derive(Serialize)]
pub(super) struct WorkdayDate {
    pub(super) date: NaiveDate,
}

async fn add_workdays(
    State(s): State<AppState>,
    Query(q): Query<AddWorkdaysQuery>,
) -> Result<Json<WorkdayDate>, ApiError> {
    let date = s.app.add_workdays(q.from.as_deref(), q.days.as_deref())?;
    Ok(Json(WorkdayDate { date }))
}

#[derive(Deserialize)]
pub(super) struct BetweenQuery {
    pub(super) from: Option<String>,
    pub(super) to: Option<String>,
}

#[derive(Serialize)]
pub(super) struct WorkdayCount {
    pub(super) days: i64,
}

async fn workdays_between(
    State(s): State<AppState>,
    Query(q): Query<BetweenQuery>,
) -> Result<Json<WorkdayCount>, ApiError> {
    let days = s.app.workdays_between(q.from.as_deref(), q.to.as_deref())?;
    Ok(Json(WorkdayCount { days }))
}

#[derive(Serialize)]
pub(super) struct CalendarYears {
    pub(super) years: Vec<CalendarYear>,
}

async fn years(State(s): State<AppState>) -> Result<Json<CalendarYears>, ApiError> {
    Ok(Json(CalendarYears {
        years: s.app.calendar_years().await?,
    }))
}

async fn load(
    State(s): State<AppState>,
    Authed(actor): Authed,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<LoadedYears>), ApiError> {
    let csv = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/csv"));
    if !csv {
        return Err(Invalid::one(
            "body",
            "请以Content-Type: text/csv上传文件，列为date,kind,name,name_zh",
        )
        .into());
    }
    let loaded = s.app.load_calendar(&actor, &body).await?;
    Ok((StatusCode::CREATED, Json(loaded)))
}
