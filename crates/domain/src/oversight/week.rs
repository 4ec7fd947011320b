//! ISO weeks (ISO 8601: Monday first, week 1 holds the year's first
//! Thursday) and series of per-day counts folded into them.

use std::fmt;

use chrono::{Datelike, Days, NaiveDate};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IsoWeek {
    pub year: i32,
    pub week: u32,
}

impl IsoWeek {
    pub fn of(day: NaiveDate) -> IsoWeek {
        let w = day.iso_week();
        IsoWeek {
            year: w.year(),
            week: w.week(),
        }
    }
}

impl fmt::Display for IsoWeek {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-W{:02}", self.year, self.week)
    }
}

impl Serialize for IsoWeek {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// One week of a trend.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WeekPoint {
    pub week: IsoWeek,
    /// Its Monday.
    pub from: NaiveDate,
    pub received: i64,
    pub completed: i64,
    pub on_time: i64,
}

/// The Monday of the week `weeks - 1` weeks before `today`'s: where a series
/// of `weeks` weeks ending with this one starts.
pub fn series_start(today: NaiveDate, weeks: u32) -> NaiveDate {
    let monday = today - Days::new(u64::from(today.weekday().num_days_from_monday()));
    monday
        .checked_sub_days(Days::new(7 * u64::from(weeks.saturating_sub(1))))
        .unwrap_or(NaiveDate::MIN)
}

/// `weeks` weeks ending with `today`'s, oldest first, each with the day
/// counts that fall in it (counts outside the span are ignored).
pub fn weekly(
    today: NaiveDate,
    weeks: u32,
    received: &[(NaiveDate, i64)],
    completed: &[(NaiveDate, i64)],
    on_time: &[(NaiveDate, i64)],
) -> Vec<WeekPoint> {
    let start = series_start(today, weeks);
    let mut points: Vec<WeekPoint> = (0..weeks)
        .filter_map(|i| start.checked_add_days(Days::new(7 * u64::from(i))))
        .map(|from| WeekPoint {
            week: IsoWeek::of(from),
            from,
            received: 0,
            completed: 0,
            on_time: 0,
        })
        .collect();
    let slot = |day: NaiveDate| -> Option<usize> {
        if day < start {
            return None;
        }
        usize::try_from((day - start).num_days() / 7).ok()
    };
    let mut add = |days: &[(NaiveDate, i64)], pick: fn(&mut WeekPoint) -> &mut i64| {
        for &(day, n) in days {
            if let Some(p) = slot(day).and_then(|i| points.get_mut(i)) {
                *pick(p) += n;
            }
        }
    };
    add(received, |p| &mut p.received);
    add(completed, |p| &mut p.completed);
    add(on_time, |p| &mut p.on_time);
    points
}
