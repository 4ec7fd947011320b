//! The calendar's operations (`/calendar/...`) and the schemas of its bodies.

use axum::http::StatusCode;
use bianli_app::calendar::{CalendarYear, LoadedYears};
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};

use super::operation::{Op, queries};
use super::schema::{array, closed, date, date_time, integer, mirror, r};
use crate::api::calendar::{
    AddWorkdaysQuery, BetweenQuery, CalendarYears, WorkdayCount, WorkdayDate,
};

const TAG: &str = "calendar";

fn count() -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .minimum(Some(0))
        .into()
}

pub fn schemas() -> Vec<(&'static str, RefOr<Schema>)> {
    vec![
        ("WorkdayDate", closed(mirror!(WorkdayDate { date: date() }))),
        (
            "WorkdayCount",
            closed(mirror!(WorkdayCount { days: integer() }).description(Some(
                "working days in (from, to]; negative when `to` is before `from`",
            ))),
        ),
        (
            "CalendarYear",
            closed(mirror!(CalendarYear {
                year: integer(),
                holidays: count(),
                workdays: count(),
                loaded_at: date_time(),
            })),
        ),
        (
            "CalendarYears",
            closed(mirror!(CalendarYears {
                years: array(r("CalendarYear")),
            })),
        ),
        (
            "LoadedYears",
            closed(mirror!(LoadedYears {
                years: array(integer()),
                special_days: count(),
            })),
        ),
    ]
}

fn days_param() -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .minimum(Some(0))
        .into()
}

pub fn add_workdays() -> Op {
    let op = Op::new(TAG, "addWorkdays", "The day a period of working days ends").describe(
        "A period of N working days after `from` ends on the N-th working day strictly after \
         it (0 days: `from` itself). Every date counted must lie in a loaded year, else a 422 \
         naming `from` or `days`.",
    );
    queries!(
        op,
        AddWorkdaysQuery {
            from: required_query(date(), "the day the period starts after"),
            days: required_query(days_param(), "how many working days"),
        }
    )
    .ok(
        StatusCode::OK,
        "the last day of the period",
        r("WorkdayDate"),
    )
    .fails(&[StatusCode::UNPROCESSABLE_ENTITY])
}

pub fn workdays_between() -> Op {
    let op = Op::new(TAG, "workdaysBetween", "Working days between two dates").describe(
        "The working days in (from, to]; negative when `to` is before `from`. Both dates and \
         every year between must be loaded, else a 422 naming `from` or `to`.",
    );
    queries!(
        op,
        BetweenQuery {
            from: required_query(date(), "the day before the first counted"),
            to: required_query(date(), "the last day counted"),
        }
    )
    .ok(StatusCode::OK, "the count", r("WorkdayCount"))
    .fails(&[StatusCode::UNPROCESSABLE_ENTITY])
}

pub fn years() -> Op {
    Op::new(TAG, "calendarYears", "The loaded calendar years").ok(
        StatusCode::OK,
        "each loaded year with its count of holidays and adjusted workdays",
        r("CalendarYears"),
    )
}

pub fn load() -> Op {
    Op::new(TAG, "loadCalendarYears", "Load calendar years from a file")
        .describe(
            "A system administrator's task. The body is CSV in the columns \
             `date,kind,name,name_zh` (kind `holiday` or `workday`; a weekend inside a holiday \
             block listed as holiday), heading first. Every year with a row in the file is \
             replaced whole; a file with any bad row writes nothing and the 422 names each \
             as `line N: column`.",
        )
        .bearer()
        .csv_body("the State Council's schedule for one or more years")
        .ok(StatusCode::CREATED, "the years loaded", r("LoadedYears"))
        .fails(&[StatusCode::FORBIDDEN])
}
