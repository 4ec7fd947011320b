//! Deadline arithmetic in working days. A province counts deadlines for
//! millions of cases, so every query is a lookup in a table of cumulative
//! working-day counts built once per load: O(1) to count, O(log n) to add.

use std::collections::BTreeSet;

use chrono::{Datelike, Days, NaiveDate, Weekday};

use super::{DayKind, SpecialDay};
use crate::Invalid;

/// The working days of the loaded years. A day is a working day when the
/// notices make it an adjusted workday, else when it is Monday to Friday and
/// not a holiday. Dates outside the loaded years are never guessed at.
#[derive(Debug, Clone, Default)]
pub struct WorkCalendar {
    years: BTreeSet<i32>,
    /// 1 January of the first loaded year: day 0 of `worked`.
    first: Option<NaiveDate>,
    /// `worked[i]`: working days in [first, first + i], both ends included.
    /// Years between two loaded ones are in the table (so indices stay
    /// plain arithmetic) but every query refuses to touch them.
    worked: Vec<u32>,
    special: usize,
}

impl WorkCalendar {
    /// The calendar of `years`, whose special days are `days`. A day outside
    /// those years is an error: it would silently never count.
    pub fn new(years: BTreeSet<i32>, days: &[SpecialDay]) -> Result<Self, Invalid> {
        let (Some(&lo), Some(&hi)) = (years.first(), years.last()) else {
            return Ok(Self::default());
        };
        let (Some(first), Some(end)) = (
            NaiveDate::from_ymd_opt(lo, 1, 1),
            NaiveDate::from_ymd_opt(hi, 12, 31),
        ) else {
            return Err(Invalid::one("year", format!("{lo}–{hi}不是有效的年份范围")));
        };
        let len = (end - first).num_days() as usize + 1;
        let mut kind: Vec<Option<DayKind>> = vec![None; len];
        let mut inv = Invalid::default();
        for d in days {
            if !years.contains(&d.date.year()) {
                inv.push("date", format!("{}不在已载入的年份内", d.date));
                continue;
            }
            kind[(d.date - first).num_days() as usize] = Some(d.kind);
        }
        let mut worked = Vec::with_capacity(len);
        let mut count = 0u32;
        for (i, k) in kind.iter().enumerate() {
            let works = match k {
                Some(DayKind::Workday) => true,
                Some(DayKind::Holiday) => false,
                None => first
                    .checked_add_days(Days::new(i as u64))
                    .is_some_and(|d| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun)),
            };
            count += u32::from(works);
            worked.push(count);
        }
        inv.into_result(|| Self {
            years,
            first: Some(first),
            worked,
            special: days.len(),
        })
    }

    pub fn years(&self) -> &BTreeSet<i32> {
        &self.years
    }

    /// How many special days (holidays and adjusted workdays) it holds.
    pub fn special_days(&self) -> usize {
        self.special
    }

    /// The loaded years as people read them: `2004–2026`, `2004–2026, 2028`.
    pub fn describe_years(&self) -> String {
        let mut runs: Vec<(i32, i32)> = Vec::new();
        for &y in &self.years {
            match runs.last_mut() {
                Some((_, hi)) if *hi + 1 == y => *hi = y,
                _ => runs.push((y, y)),
            }
        }
        if runs.is_empty() {
            return "none".to_string();
        }
        runs.iter()
            .map(|(lo, hi)| {
                if lo == hi {
                    lo.to_string()
                } else {
                    format!("{lo}–{hi}")
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    pub fn is_workday(&self, field: &str, date: NaiveDate) -> Result<bool, Invalid> {
        let i = self.index(field, date)?;
        Ok(self.worked[i] > i.checked_sub(1).map_or(0, |p| self.worked[p]))
    }

    /// The day a period of `n` working days after `from` ends on: the n-th
    /// working day strictly after `from`. A period of 0 days ends on `from`
    /// itself (nothing to wait for), whether or not `from` is a working day.
    pub fn add_workdays(&self, from: NaiveDate, n: u32) -> Result<NaiveDate, Invalid> {
        let i = self.index("from", from)?;
        if n == 0 {
            return Ok(from);
        }
        let target = self.worked[i] + n;
        let j = self.worked.partition_point(|&c| c < target);
        let end = self
            .first
            .zip(u64::try_from(j).ok())
            .and_then(|(f, j)| f.checked_add_days(Days::new(j)))
            .filter(|_| j < self.worked.len());
        let beyond = || {
            Invalid::one(
                "days",
                format!(
                    "{from}后第{n}个工作日超出了已载入的日历（{}）；请先载入下一年度的节假日安排",
                    self.describe_years()
                ),
            )
        };
        let end = end.ok_or_else(beyond)?;
        self.span("days", from, end).map_err(|_| beyond())?;
        Ok(end)
    }

    /// The working days in (from, to]: how many working days of a period
    /// starting after `from` have passed by the end of `to`. When `to` is
    /// before `from` the answer is negative, the working days in (to, from]
    /// with a minus sign, so a deadline already passed counts below zero.
    pub fn workdays_between(&self, from: NaiveDate, to: NaiveDate) -> Result<i64, Invalid> {
        let mut inv = Invalid::default();
        let i = inv.take("", self.index("from", from));
        let j = inv.take("", self.index("to", to));
        let (Some(i), Some(j)) = (i, j) else {
            return Err(inv);
        };
        self.span("to", from.min(to), from.max(to))?;
        Ok(i64::from(self.worked[j]) - i64::from(self.worked[i]))
    }

    /// [`Self::add_workdays`], or, when the period runs into a year whose
    /// holidays are not yet published, an estimate that counts Monday to
    /// Friday there, flagged `true`. A year's holiday blocks take more
    /// weekdays than its adjusted Saturdays give back, so the estimate is
    /// never later than the real day: a deadline set by it is kept. Cases
    /// need a due date on the day they are accepted, before the State
    /// Council's notice for next year is out.
    pub fn add_workdays_estimated(&self, from: NaiveDate, n: u32) -> Option<(NaiveDate, bool)> {
        if let Ok(d) = self.add_workdays(from, n) {
            return Some((d, false));
        }
        let mut day = from;
        let mut left = n;
        let mut estimated = false;
        while left > 0 {
            day = day.succ_opt()?;
            let (works, guessed) = self.works_or_weekday(day);
            estimated |= guessed;
            left -= u32::from(works);
        }
        Some((day, estimated))
    }

    /// [`Self::workdays_between`], estimated as [`Self::add_workdays_estimated`]
    /// where the years are not loaded.
    pub fn workdays_between_estimated(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Option<(i64, bool)> {
        if let Ok(n) = self.workdays_between(from, to) {
            return Some((n, false));
        }
        let (lo, hi) = (from.min(to), from.max(to));
        let mut day = lo;
        let (mut n, mut estimated) = (0i64, false);
        // A deadline is weeks away, not decades: refuse to walk further.
        if (hi - lo).num_days() > 3_660 {
            return None;
        }
        while day < hi {
            day = day.succ_opt()?;
            let (works, guessed) = self.works_or_weekday(day);
            estimated |= guessed;
            n += i64::from(works);
        }
        Some((if to < from { -n } else { n }, estimated))
    }

    /// Whether `day` is worked, by the notices where its year is loaded and
    /// Monday to Friday where not (then `true` in the second place).
    fn works_or_weekday(&self, day: NaiveDate) -> (bool, bool) {
        match self.is_workday("date", day) {
            Ok(w) => (w, false),
            Err(_) => (!matches!(day.weekday(), Weekday::Sat | Weekday::Sun), true),
        }
    }

    fn index(&self, field: &str, date: NaiveDate) -> Result<usize, Invalid> {
        match self.first {
            Some(first) if self.years.contains(&date.year()) => {
                Ok((date - first).num_days() as usize)
            }
            _ => Err(Invalid::one(
                field,
                format!(
                    "{date}不在已载入的日历范围内（{}），该年度节假日安排未知，无法计算工作日",
                    self.describe_years()
                ),
            )),
        }
    }

    /// Every year from `a` to `b` must be loaded: a gap would be counted as if
    /// it had no holidays.
    fn span(&self, field: &str, a: NaiveDate, b: NaiveDate) -> Result<(), Invalid> {
        match (a.year()..=b.year()).find(|y| !self.years.contains(y)) {
            None => Ok(()),
            Some(gap) => Err(Invalid::one(
                field,
                format!(
                    "{a}至{b}跨越{gap}年，该年度不在已载入的日历范围内（{}）",
                    self.describe_years()
                ),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::{parse_rows, years_of};

    fn bundled_days() -> Vec<SpecialDay> {
        let text = include_str!("../../../../data/cn_holidays.csv");
        let records: Vec<(usize, Vec<String>)> = text
            .lines()
            .enumerate()
            .map(|(i, l)| (i + 1, l.split(',').map(str::to_string).collect()))
            .collect();
        parse_rows(&records).expect("the bundled file")
    }

    fn bundled() -> WorkCalendar {
        let days = bundled_days();
        WorkCalendar::new(years_of(&days), &days).expect("a calendar")
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("a date")
    }

    fn field(e: Invalid) -> String {
        e.0[0].field.clone()
    }

    #[test]
    fn national_day_2017_with_its_saturday_workday() {
        let c = bundled();
        assert!(c.is_workday("date", d("2017-09-30")).expect("loaded"));
        assert!(!c.is_workday("date", d("2017-10-04")).expect("loaded"));
        assert_eq!(c.add_workdays(d("2017-09-29"), 1), Ok(d("2017-09-30")));
        assert_eq!(c.add_workdays(d("2017-09-30"), 1), Ok(d("2017-10-09")));
        assert_eq!(c.workdays_between(d("2017-09-29"), d("2017-10-09")), Ok(2));
        assert_eq!(c.workdays_between(d("2017-09-30"), d("2017-10-08")), Ok(0));
    }

    #[test]
    fn spring_festival_2024_with_two_sunday_workdays() {
        let c = bundled();
        // Sunday 02-04 is worked; Friday 02-09 is an ordinary working day.
        assert_eq!(c.add_workdays(d("2024-02-03"), 1), Ok(d("2024-02-04")));
        assert_eq!(c.add_workdays(d("2024-02-08"), 1), Ok(d("2024-02-09")));
        // 02-10..02-17 off; Sunday 02-18 is worked.
        assert_eq!(c.add_workdays(d("2024-02-09"), 1), Ok(d("2024-02-18")));
        assert_eq!(c.add_workdays(d("2024-02-09"), 2), Ok(d("2024-02-19")));
        assert_eq!(c.workdays_between(d("2024-02-02"), d("2024-02-19")), Ok(8));
    }

    #[test]
    fn twenty_working_days_across_a_holiday() {
        let c = bundled();
        // From Monday 2017-09-25: 09-26..09-30 are 5 (Saturday 30th worked),
        // 10-09..10-13 five more, then 10-16..20 and 10-23..27.
        assert_eq!(c.add_workdays(d("2017-09-25"), 20), Ok(d("2017-10-27")));
        assert_eq!(c.workdays_between(d("2017-09-25"), d("2017-10-27")), Ok(20));
        // From Friday 2024-02-02 across the Spring Festival.
        assert_eq!(c.add_workdays(d("2024-02-02"), 20), Ok(d("2024-03-06")));
    }

    #[test]
    fn adding_and_counting_agree_everywhere() {
        let c = bundled();
        let mut day = d("2020-01-01");
        while day < d("2026-11-30") {
            for n in [1, 5, 20] {
                let end = c.add_workdays(day, n).expect("inside");
                assert_eq!(
                    c.workdays_between(day, end),
                    Ok(i64::from(n)),
                    "{day} + {n}"
                );
                assert!(c.is_workday("date", end).expect("loaded"), "{day} + {n}");
            }
            day = day.succ_opt().expect("a next day");
        }
    }

    /// Every holiday block and adjusted workday of 2020–2026, checked
    /// against a plain day-by-day reading of the file (no cumulative table):
    /// each holiday is off, each adjusted workday is on, and one working day
    /// after the eve of a block lands on the first day the file says is
    /// worked after it.
    #[test]
    fn every_block_and_adjusted_workday_2020_to_2026() {
        let days = bundled_days();
        let c = bundled();
        let kind_of = |date: NaiveDate| days.iter().find(|s| s.date == date).map(|s| s.kind);
        let worked = |date: NaiveDate| match kind_of(date) {
            Some(DayKind::Workday) => true,
            Some(DayKind::Holiday) => false,
            None => !matches!(date.weekday(), Weekday::Sat | Weekday::Sun),
        };
        let (mut holidays, mut workdays, mut blocks) = (0, 0, 0);
        for s in days
            .iter()
            .filter(|s| (2020..=2026).contains(&s.date.year()))
        {
            let on = c.is_workday("date", s.date).expect("loaded");
            match s.kind {
                DayKind::Holiday => {
                    holidays += 1;
                    assert!(!on, "{} ({}) is a holiday", s.date, s.name_zh);
                    let eve = s.date.pred_opt().expect("a day before");
                    if kind_of(eve) != Some(DayKind::Holiday) {
                        blocks += 1;
                        let mut next = eve.succ_opt().expect("a day");
                        while !worked(next) {
                            next = next.succ_opt().expect("a day");
                        }
                        assert_eq!(c.add_workdays(eve, 1), Ok(next), "after {}", s.name_zh);
                    }
                }
                DayKind::Workday => {
                    workdays += 1;
                    assert!(on, "{} ({}) is worked", s.date, s.name_zh);
                    let eve = s.date.pred_opt().expect("a day before");
                    if !worked(eve) {
                        assert_eq!(c.add_workdays(eve, 1), Ok(s.date), "{}", s.date);
                    }
                }
            }
        }
        // Seven festivals a year; a block can hold several rows.
        // Seven festivals a year, but Mid-Autumn fell inside the National Day
        // week in 2020, 2023 and 2025.
        assert_eq!(blocks, 7 * 7 - 3);
        assert!(holidays > 150 && workdays > 30, "{holidays} {workdays}");
    }

    #[test]
    fn zero_days_and_a_reversed_range() {
        let c = bundled();
        assert_eq!(c.add_workdays(d("2017-10-01"), 0), Ok(d("2017-10-01")));
        assert_eq!(c.workdays_between(d("2017-10-09"), d("2017-09-29")), Ok(-2));
        assert_eq!(c.workdays_between(d("2017-10-09"), d("2017-10-09")), Ok(0));
    }

    #[test]
    fn outside_the_loaded_years_is_an_error_naming_the_field() {
        let c = bundled();
        assert_eq!(
            field(c.add_workdays(d("2003-12-31"), 1).expect_err("2003")),
            "from"
        );
        assert_eq!(
            field(c.add_workdays(d("2027-01-04"), 1).expect_err("2027")),
            "from"
        );
        assert_eq!(
            field(c.add_workdays(d("2026-12-30"), 5).expect_err("into 2027")),
            "days"
        );
        assert_eq!(
            field(
                c.workdays_between(d("2026-12-01"), d("2027-01-05"))
                    .expect_err("to")
            ),
            "to"
        );
        let both = c
            .workdays_between(d("2003-01-01"), d("2027-01-05"))
            .expect_err("both");
        assert_eq!(both.0.len(), 2);
        assert!(both.0[0].reason.contains("2004–2026"), "{both}");
    }

    #[test]
    fn a_gap_between_loaded_years_is_never_counted_through() {
        let days = vec![
            SpecialDay {
                date: d("2024-01-01"),
                kind: DayKind::Holiday,
                name: "New Year's Day".into(),
                name_zh: "元旦".into(),
            },
            SpecialDay {
                date: d("2026-01-01"),
                kind: DayKind::Holiday,
                name: "New Year's Day".into(),
                name_zh: "元旦".into(),
            },
        ];
        let c = WorkCalendar::new(years_of(&days), &days).expect("a calendar");
        assert_eq!(c.describe_years(), "2024, 2026");
        assert_eq!(
            field(c.add_workdays(d("2024-12-31"), 3).expect_err("gap")),
            "days"
        );
        assert_eq!(
            field(
                c.workdays_between(d("2024-12-01"), d("2026-01-05"))
                    .expect_err("gap")
            ),
            "to"
        );
        assert_eq!(
            field(c.add_workdays(d("2025-06-03"), 1).expect_err("gap")),
            "from"
        );
    }

    #[test]
    fn an_empty_calendar_refuses_every_date() {
        let c = WorkCalendar::default();
        assert_eq!(c.describe_years(), "none");
        assert_eq!(
            field(c.add_workdays(d("2024-01-02"), 0).expect_err("empty")),
            "from"
        );
    }

    #[test]
    fn estimates_count_weekdays_past_the_loaded_years() {
        let cal = bundled();
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        // Inside the loaded years: exact, not estimated.
        assert_eq!(
            cal.add_workdays_estimated(d("2017-09-29"), 1),
            Some((d("2017-09-30"), false))
        );
        // Thu 2026-12-24 + 10 working days: 25, 28–31 Dec (exact), then 1 Jan
        // 2027 (a Friday, counted as worked: an estimate) and 4–7 Jan.
        assert_eq!(
            cal.add_workdays_estimated(d("2026-12-24"), 10),
            Some((d("2027-01-07"), true))
        );
        assert!(cal.add_workdays(d("2026-12-24"), 10).is_err());
        assert_eq!(
            cal.workdays_between_estimated(d("2026-12-24"), d("2027-01-07")),
            Some((10, true))
        );
        assert_eq!(
            cal.workdays_between_estimated(d("2027-01-07"), d("2026-12-24")),
            Some((-10, true))
        );
    }
}
