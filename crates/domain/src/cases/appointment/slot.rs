//! Opening slots: one item, one working day, one or more periods, each with
//! the same number of places.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use serde::Deserialize;

use crate::Invalid;
use crate::calendar::WorkCalendar;
use crate::catalog::ItemCode;

/// More places than a hall's windows serve in a period is a typing error.
pub const MAX_CAPACITY: u16 = 500;
/// A day cut into more periods than this is not a hall's timetable.
pub const MAX_PERIODS: usize = 48;

/// What a clerk sends to open slots, as text, so every bad field is named
/// (a missing one too: it reads as empty and is refused by name).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct SlotsInput {
    pub item: String,
    pub date: String,
    pub times: Vec<PeriodInput>,
    pub capacity: i64,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PeriodInput {
    pub start: String,
    pub end: String,
}

/// Slots that may be opened: on a working day, not started, each period
/// ending after it starts, none overlapping another, capacity 1..=500.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSlots {
    pub item: ItemCode,
    pub date: NaiveDate,
    /// Sorted by start.
    pub times: Vec<(NaiveTime, NaiveTime)>,
    pub capacity: u16,
}

fn time(field: &str, s: &str) -> Result<NaiveTime, Invalid> {
    NaiveTime::parse_from_str(s.trim(), "%H:%M")
        .map_err(|_| Invalid::one(field, format!("“{s}”不是有效时间，格式应为HH:MM")))
}

impl NewSlots {
    /// `now` is the hall's local time.
    pub fn parse(
        input: &SlotsInput,
        calendar: &WorkCalendar,
        now: NaiveDateTime,
    ) -> Result<NewSlots, Invalid> {
        let mut inv = Invalid::default();
        let item = inv.take(
            "",
            ItemCode::parse(&input.item).map_err(|e| e.relabel("item")),
        );
        let date = NaiveDate::parse_from_str(input.date.trim(), "%Y-%m-%d")
            .map_err(|_| {
                inv.push(
                    "date",
                    format!("“{}”不是有效日期，格式应为YYYY-MM-DD", input.date),
                )
            })
            .ok();
        if let Some(d) = date {
            if d < now.date() {
                inv.push("date", format!("{d}已过"));
            } else {
                match calendar.is_workday("date", d) {
                    Ok(true) => {}
                    Ok(false) => inv.push("date", format!("{d}不是工作日，大厅只在工作日开放")),
                    Err(e) => inv.0.extend(e.0),
                }
            }
        }
        let capacity = u16::try_from(input.capacity)
            .ok()
            .filter(|c| (1..=MAX_CAPACITY).contains(c));
        if capacity.is_none() {
            inv.push(
                "capacity",
                format!(
                    "名额{}个不合要求，每个时段可设1至{MAX_CAPACITY}个名额",
                    input.capacity
                ),
            );
        }
        if input.times.is_empty() {
            inv.push("times", "请至少填写一个时段（开始和结束时间）");
        } else if input.times.len() > MAX_PERIODS {
            inv.push(
                "times",
                format!("共{}个时段，每天最多{MAX_PERIODS}个", input.times.len()),
            );
        }
        let mut times = Vec::new();
        for (i, p) in input.times.iter().enumerate() {
            let start = inv.take("", time(&format!("times[{i}].start"), &p.start));
            let end = inv.take("", time(&format!("times[{i}].end"), &p.end));
            let (Some(start), Some(end)) = (start, end) else {
                continue;
            };
            if start >= end {
                inv.push(
                    format!("times[{i}].end"),
                    format!(
                        "结束时间{}应晚于开始时间{}",
                        end.format("%H:%M"),
                        start.format("%H:%M")
                    ),
                );
                continue;
            }
            if date.is_some_and(|d| d >= now.date() && d.and_time(start) <= now) {
                inv.push(
                    format!("times[{i}].start"),
                    format!("{}已过", start.format("%H:%M")),
                );
                continue;
            }
            times.push((i, start, end));
        }
        times.sort_by_key(|&(_, start, _)| start);
        for pair in times.windows(2) {
            let ((_, _, end_a), (j, start_b, _)) = (pair[0], pair[1]);
            if start_b < end_a {
                inv.push(format!("times[{j}]"), "与本次填写的其他时段重叠");
            }
        }
        let (Some(item), Some(date), Some(capacity)) = (item, date, capacity) else {
            return Err(inv);
        };
        inv.into_result(|| NewSlots {
            item,
            date,
            times: times.into_iter().map(|(_, s, e)| (s, e)).collect(),
            capacity,
        })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::calendar::{DayKind, SpecialDay};

    fn calendar() -> WorkCalendar {
        // 2026-10-01 (Thursday) a holiday, Sunday 2026-10-11 a workday.
        let days = [
            SpecialDay {
                date: NaiveDate::from_ymd_opt(2026, 10, 1).unwrap(),
                kind: DayKind::Holiday,
                name: "National Day".into(),
                name_zh: "国庆节".into(),
            },
            SpecialDay {
                date: NaiveDate::from_ymd_opt(2026, 10, 11).unwrap(),
                kind: DayKind::Workday,
                name: "National Day".into(),
                name_zh: "国庆节".into(),
            },
        ];
        WorkCalendar::new(BTreeSet::from([2026]), &days).unwrap()
    }

    fn now() -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 9, 29)
            .unwrap()
            .and_hms_opt(10, 0, 0)
            .unwrap()
    }

    fn input(date: &str, times: &[(&str, &str)], capacity: i64) -> SlotsInput {
        SlotsInput {
            item: "430100-0100012".into(),
            date: date.into(),
            times: times
                .iter()
                .map(|(s, e)| PeriodInput {
                    start: s.to_string(),
                    end: e.to_string(),
                })
                .collect(),
            capacity,
        }
    }

    fn fields(r: Result<NewSlots, Invalid>) -> Vec<String> {
        r.unwrap_err().0.into_iter().map(|f| f.field).collect()
    }

    #[test]
    fn opens_sorted_periods_on_a_working_day() {
        let s = NewSlots::parse(
            &input("2026-09-30", &[("14:00", "15:00"), ("09:00", "10:00")], 5),
            &calendar(),
            now(),
        )
        .unwrap();
        assert_eq!(s.capacity, 5);
        assert_eq!(s.times[0].0, NaiveTime::from_hms_opt(9, 0, 0).unwrap());
        assert_eq!(s.times.len(), 2);
        // An adjusted workday on a Sunday is a working day.
        assert!(
            NewSlots::parse(
                &input("2026-10-11", &[("09:00", "10:00")], 1),
                &calendar(),
                now()
            )
            .is_ok()
        );
    }

    #[test]
    fn refuses_holidays_weekends_and_unloaded_years() {
        let cal = calendar();
        for d in ["2026-10-01", "2026-10-03", "2027-01-04"] {
            assert_eq!(
                fields(NewSlots::parse(
                    &input(d, &[("09:00", "10:00")], 1),
                    &cal,
                    now()
                )),
                ["date"],
                "{d}"
            );
        }
    }

    #[test]
    fn refuses_the_past() {
        let cal = calendar();
        assert_eq!(
            fields(NewSlots::parse(
                &input("2026-09-28", &[("09:00", "10:00")], 1),
                &cal,
                now()
            )),
            ["date"]
        );
        // Today, a period that has started.
        assert_eq!(
            fields(NewSlots::parse(
                &input("2026-09-29", &[("10:00", "11:00")], 1),
                &cal,
                now()
            )),
            ["times[0].start"]
        );
        assert!(
            NewSlots::parse(&input("2026-09-29", &[("10:01", "11:00")], 1), &cal, now()).is_ok()
        );
    }

    #[test]
    fn start_before_end_and_no_overlap() {
        let cal = calendar();
        assert_eq!(
            fields(NewSlots::parse(
                &input("2026-09-30", &[("10:00", "10:00")], 1),
                &cal,
                now()
            )),
            ["times[0].end"]
        );
        assert_eq!(
            fields(NewSlots::parse(
                &input("2026-09-30", &[("09:00", "10:00"), ("09:30", "11:00")], 1),
                &cal,
                now()
            )),
            ["times[1]"]
        );
        assert_eq!(
            fields(NewSlots::parse(
                &input("2026-09-30", &[("9h", "10:00")], 1),
                &cal,
                now()
            )),
            ["times[0].start"]
        );
        assert_eq!(
            fields(NewSlots::parse(&input("2026-09-30", &[], 1), &cal, now())),
            ["times"]
        );
    }

    #[test]
    fn capacity_is_one_to_five_hundred() {
        let cal = calendar();
        for c in [0, -1, 501, i64::MAX] {
            assert_eq!(
                fields(NewSlots::parse(
                    &input("2026-09-30", &[("09:00", "10:00")], c),
                    &cal,
                    now()
                )),
                ["capacity"],
                "{c}"
            );
        }
        for c in [1, 500] {
            assert!(
                NewSlots::parse(&input("2026-09-30", &[("09:00", "10:00")], c), &cal, now())
                    .is_ok()
            );
        }
    }

    #[test]
    fn names_every_bad_field_at_once() {
        let mut i = input("someday", &[("09:00", "10:00")], 0);
        i.item = "nope".into();
        let mut f = fields(NewSlots::parse(&i, &calendar(), now()));
        f.sort();
        assert_eq!(f, ["capacity", "date", "item"]);
    }
}
