//! The working-day calendar: deadline arithmetic for every context, and
//! loading each new year's schedule without a release.

mod cache;

use bianli_domain::Invalid;
use bianli_domain::calendar::{DayKind, WorkCalendar, parse_rows, years_of};
use bianli_domain::identity::Role;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

pub(crate) use cache::CalendarCache;

use crate::catalog::parse_date;
use crate::{Actor, App, AppError, Result};

/// China's holidays and adjusted workdays as the product ships them: a new
/// database starts with these, so deadlines count from the first start.
pub const BUNDLED: &str = include_str!("../../../../data/cn_holidays.csv");

/// What a load put in place.
#[derive(Debug, Clone, Serialize)]
pub struct LoadedYears {
    pub years: Vec<i32>,
    pub special_days: usize,
}

/// One loaded year as `GET /calendar/years` lists it.
#[derive(Debug, Clone, Serialize)]
pub struct CalendarYear {
    pub year: i32,
    pub holidays: usize,
    pub workdays: usize,
    pub loaded_at: DateTime<Utc>,
}

fn required<'a>(field: &str, value: Option<&'a str>) -> Result<&'a str, Invalid> {
    value
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| Invalid::one(field, "必填"))
}

fn day_count(s: &str) -> Result<u32, Invalid> {
    s.trim()
        .parse::<u32>()
        .map_err(|_| Invalid::one("days", format!("“{s}”不是有效的工作日数（应为0或正整数）")))
}

impl App {
    /// The calendar as last loaded. Cheap: a pointer copy.
    pub fn calendar(&self) -> std::sync::Arc<WorkCalendar> {
        self.calendar.get()
    }

    /// `GET /calendar/add-workdays`: the day a period of `days` working days
    /// after `from` ends on.
    pub fn add_workdays(&self, from: Option<&str>, days: Option<&str>) -> Result<NaiveDate> {
        let mut inv = Invalid::default();
        let from = required("from", from)
            .and_then(|s| parse_date("from", s))
            .map_err(|e| inv.0.extend(e.0))
            .ok();
        let days = required("days", days)
            .and_then(day_count)
            .map_err(|e| inv.0.extend(e.0))
            .ok();
        let (Some(from), Some(days)) = (from, days) else {
            return Err(inv.into());
        };
        Ok(self.calendar().add_workdays(from, days)?)
    }

    /// `GET /calendar/workdays-between`: the working days in (from, to].
    pub fn workdays_between(&self, from: Option<&str>, to: Option<&str>) -> Result<i64> {
        let mut inv = Invalid::default();
        let mut date = |field: &str, v: Option<&str>| {
            required(field, v)
                .and_then(|s| parse_date(field, s))
                .map_err(|e| inv.0.extend(e.0))
                .ok()
        };
        let (from, to) = (date("from", from), date("to", to));
        let (Some(from), Some(to)) = (from, to) else {
            return Err(inv.into());
        };
        Ok(self.calendar().workdays_between(from, to)?)
    }

    /// The loaded years with how many special days each holds.
    pub async fn calendar_years(&self) -> Result<Vec<CalendarYear>> {
        use chrono::Datelike;
        let rows = self.store.calendar().await?;
        Ok(rows
            .years
            .iter()
            .map(|y| {
                let of_year = rows.days.iter().filter(|d| d.date.year() == y.year);
                let holidays = of_year
                    .clone()
                    .filter(|d| d.kind == DayKind::Holiday)
                    .count();
                CalendarYear {
                    year: y.year,
                    holidays,
                    workdays: of_year.count() - holidays,
                    loaded_at: y.loaded_at,
                }
            })
            .collect())
    }

    /// Loads a file in the columns of `data/cn_holidays.csv`, replacing
    /// every year it lists. A system administrator's task; a file with any
    /// bad row writes nothing and names every bad row.
    pub async fn load_calendar(&self, actor: &Actor, data: &[u8]) -> Result<LoadedYears> {
        if actor.role != Role::Admin {
            return Err(AppError::Forbidden("只有系统管理员可以载入年度日历".into()));
        }
        self.load_calendar_file(&actor.tag(), data).await
    }

    async fn load_calendar_file(&self, actor: &str, data: &[u8]) -> Result<LoadedYears> {
        let days = parse_rows(&crate::csv_text::records(data)?)?;
        let years = years_of(&days);
        self.store
            .load_calendar(&years, &days, actor, self.now())
            .await?;
        self.calendar.reload(&*self.store).await?;
        Ok(LoadedYears {
            years: years.into_iter().collect(),
            special_days: days.len(),
        })
    }

    /// A database with no year loaded gets the bundled schedule, so a real
    /// deployment counts deadlines without the demo or an operator's step.
    pub(crate) async fn load_bundled_calendar_if_empty(&self) -> Result<()> {
        if self.calendar().years().is_empty() {
            let loaded = self
                .load_calendar_file("system:bianli", BUNDLED.as_bytes())
                .await?;
            tracing::info!(years = ?loaded.years, "loaded the bundled working-day calendar");
        }
        Ok(())
    }
}
