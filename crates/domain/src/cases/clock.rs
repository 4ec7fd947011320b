//! The case clock: due dates in working days from acceptance, stopped while
//! suspended (行政许可法 §45), moved once by an extension (§42), and the cards
//! electronic supervision hands out when a step runs late.

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

use super::case::{Case, Dues, Stage};
use crate::Invalid;
use crate::calendar::WorkCalendar;
use crate::catalog::DayCount;

/// Working days the window has to decide on acceptance (§32): after that the
/// case counts as accepted on the day its materials arrived.
pub const ACCEPTANCE_DAYS: u32 = 5;

/// The one extension the law allows (§42).
pub const EXTENSION_DAYS: u16 = 10;

fn beyond(field: &str) -> Invalid {
    Invalid::one(field, "日期过远，无法计算工作日")
}

/// Working days a suspension stopped the clock: those in (from, to], so the
/// day it began still counted and the day it ended does not.
fn stopped(case: &Case, cal: &WorkCalendar, estimated: &mut bool) -> Result<u32, Invalid> {
    let mut days = 0;
    for s in &case.suspensions {
        if let Some(to) = s.to {
            let (n, guessed) = cal
                .workdays_between_estimated(s.from, to)
                .ok_or_else(|| beyond("suspensions"))?;
            *estimated |= guessed;
            days += u32::try_from(n).unwrap_or(0);
        }
    }
    Ok(days)
}

fn calendar_days_stopped(case: &Case) -> u64 {
    case.suspensions
        .iter()
        .filter_map(|s| s.to.map(|to| (to - s.from).num_days().max(0) as u64))
        .sum()
}

/// The due dates of an accepted case, after the suspensions that have ended
/// and the extension. An open suspension moves them when it ends. Where the
/// period runs into a year whose holidays are not loaded yet, the dates are
/// estimated (never later than the real ones) and marked provisional.
pub fn dues(case: &Case, cal: &WorkCalendar) -> Result<Option<Dues>, Invalid> {
    let Some(accepted) = case.accepted_on else {
        return Ok(None);
    };
    let mut estimated = false;
    let mut add = |from: NaiveDate, n: u32, field: &str| -> Result<NaiveDate, Invalid> {
        let (d, guessed) = cal
            .add_workdays_estimated(from, n)
            .ok_or_else(|| beyond(field))?;
        estimated |= guessed;
        Ok(d)
    };
    let mut stopped_estimated = false;
    let extra = stopped(case, cal, &mut stopped_estimated)?
        + case.extension.as_ref().map_or(0, |e| u32::from(e.days));
    let promised = if case.limits.promised_days == 0 {
        // 即办件: due the day it is accepted, whatever stops later.
        accepted
    } else {
        add(
            accepted,
            u32::from(case.limits.promised_days) + extra,
            "promised_days",
        )?
    };
    let statutory = match case.limits.statutory {
        None => None,
        Some(limit) => Some(match limit.unit {
            DayCount::Working => add(accepted, u32::from(limit.days) + extra, "statutory_limit")?,
            DayCount::Calendar => {
                let base = accepted
                    .checked_add_days(Days::new(
                        u64::from(limit.days) + calendar_days_stopped(case),
                    ))
                    .ok_or_else(|| beyond("statutory_limit"))?;
                let ext = case.extension.as_ref().map_or(0, |e| u32::from(e.days));
                add(base, ext, "statutory_limit")?
            }
        }),
    };
    Ok(Some(Dues {
        promised,
        statutory,
        provisional: estimated || stopped_estimated,
    }))
}

/// The day after which a case still waiting for acceptance counts as accepted.
pub fn acceptance_due(case: &Case, cal: &WorkCalendar) -> Result<NaiveDate, Invalid> {
    cal.add_workdays_estimated(case.received_on, ACCEPTANCE_DAYS)
        .map(|(d, _)| d)
        .ok_or_else(|| beyond("received_on"))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CardKind {
    /// 黄牌: the promised limit is about to run out.
    Yellow,
    /// 红牌: the promised limit has run out, or acceptance was not decided in time.
    Red,
}

impl CardKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CardKind::Yellow => "yellow",
            CardKind::Red => "red",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            CardKind::Yellow => "黄牌",
            CardKind::Red => "红牌",
        }
    }

    pub fn parse(s: &str) -> Option<CardKind> {
        [CardKind::Yellow, CardKind::Red]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

/// The card a running case has earned today, if any: red once the promised
/// due date has passed, yellow when `yellow_within` working days or fewer
/// are left. Suspended and decided cases earn none: their clock is stopped
/// or done.
pub fn card(
    case: &Case,
    today: NaiveDate,
    cal: &WorkCalendar,
    yellow_within: u16,
) -> Result<Option<CardKind>, Invalid> {
    if case.stage != Stage::Working {
        return Ok(None);
    }
    let Some(dues) = case.dues else {
        return Ok(None);
    };
    if today > dues.promised {
        return Ok(Some(CardKind::Red));
    }
    let (left, _) = cal
        .workdays_between_estimated(today, dues.promised)
        .ok_or_else(|| beyond("dues"))?;
    Ok((left <= i64::from(yellow_within)).then_some(CardKind::Yellow))
}

#[cfg(test)]
pub(crate) mod tests_support {
    use std::collections::BTreeSet;

    use chrono::NaiveDate;

    use crate::calendar::{DayKind, SpecialDay, WorkCalendar};

    pub(crate) fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    /// 2024 with its National Day week (10-01..07 off, 09-29 and 10-12 worked).
    pub(crate) fn calendar() -> WorkCalendar {
        let mut days = Vec::new();
        for d in 1..=7 {
            days.push(SpecialDay {
                date: day(&format!("2024-10-0{d}")),
                kind: DayKind::Holiday,
                name: "National Day".into(),
                name_zh: "国庆节".into(),
            });
        }
        for d in ["2024-09-29", "2024-10-12"] {
            days.push(SpecialDay {
                date: day(d),
                kind: DayKind::Workday,
                name: "National Day".into(),
                name_zh: "国庆节".into(),
            });
        }
        WorkCalendar::new(BTreeSet::from([2024]), &days).unwrap()
    }
}

#[cfg(test)]
mod tests {
    use super::tests_support::{calendar, day};
    use super::*;
    use crate::cases::case::{Extension, Suspension, SuspensionKind};
    use crate::cases::test_case;
    use crate::catalog::TimeLimit;

    #[test]
    fn dues_count_working_days_from_acceptance() {
        let cal = calendar();
        let mut case = test_case();
        case.limits.promised_days = 5;
        case.limits.statutory = Some(TimeLimit {
            days: 20,
            unit: DayCount::Working,
        });
        case.accepted_on = Some(day("2024-09-27"));
        let d = dues(&case, &cal).unwrap().unwrap();
        // Fri 27 Sep + 5: Sun 29 (worked), Mon 30, then Tue 8, Wed 9, Thu 10 Oct.
        assert_eq!(d.promised, day("2024-10-10"));
        // 20 working days: 29, 30 Sep; 8–11, 12 (Sat worked), 14–18, 21–25, 28–30 Oct.
        assert_eq!(d.statutory, Some(day("2024-10-30")));
    }

    #[test]
    fn suspension_and_extension_move_the_dues() {
        let cal = calendar();
        let mut case = test_case();
        case.limits.promised_days = 5;
        case.accepted_on = Some(day("2024-11-04"));
        assert_eq!(
            dues(&case, &cal).unwrap().unwrap().promised,
            day("2024-11-11")
        );
        // Suspended Wed 6 to Mon 11: 7, 8, 11 do not count.
        case.suspensions.push(Suspension {
            kind: SuspensionKind::ExpertReview,
            reason: "专家评审".into(),
            from: day("2024-11-06"),
            to: Some(day("2024-11-11")),
        });
        assert_eq!(
            dues(&case, &cal).unwrap().unwrap().promised,
            day("2024-11-14")
        );
        // An open suspension does not move them until it ends.
        case.suspensions.push(Suspension {
            kind: SuspensionKind::Hearing,
            reason: "听证".into(),
            from: day("2024-11-12"),
            to: None,
        });
        assert_eq!(
            dues(&case, &cal).unwrap().unwrap().promised,
            day("2024-11-14")
        );
        case.extension = Some(Extension {
            days: EXTENSION_DAYS,
            reason: "情况复杂".into(),
            by: "account:1".into(),
            on: day("2024-11-12"),
        });
        assert_eq!(
            dues(&case, &cal).unwrap().unwrap().promised,
            day("2024-11-28")
        );
    }

    #[test]
    fn calendar_day_limits_count_calendar_days() {
        let cal = calendar();
        let mut case = test_case();
        case.limits.statutory = Some(TimeLimit {
            days: 15,
            unit: DayCount::Calendar,
        });
        case.accepted_on = Some(day("2024-09-27"));
        assert_eq!(
            dues(&case, &cal).unwrap().unwrap().statutory,
            Some(day("2024-10-12"))
        );
    }

    #[test]
    fn acceptance_is_due_five_working_days_after_receipt() {
        let cal = calendar();
        let mut case = test_case();
        case.received_on = day("2024-09-27");
        assert_eq!(acceptance_due(&case, &cal).unwrap(), day("2024-10-10"));
    }

    #[test]
    fn cards_follow_the_promised_due_date() {
        let cal = calendar();
        let mut case = test_case();
        case.stage = Stage::Working;
        case.limits.promised_days = 5;
        case.accepted_on = Some(day("2024-11-04"));
        case.dues = dues(&case, &cal).unwrap();
        let at = |d: &str| card(&case, day(d), &cal, 1).unwrap();
        assert_eq!(at("2024-11-07"), None); // 2 left
        assert_eq!(at("2024-11-08"), Some(CardKind::Yellow)); // 1 left
        assert_eq!(at("2024-11-09"), Some(CardKind::Yellow)); // Sat: still 1
        assert_eq!(at("2024-11-11"), Some(CardKind::Yellow)); // due today
        assert_eq!(at("2024-11-12"), Some(CardKind::Red));
        assert_eq!(card(&case, day("2024-11-08"), &cal, 0).unwrap(), None);
        case.stage = Stage::Suspended;
        assert_eq!(card(&case, day("2024-11-12"), &cal, 1).unwrap(), None);
    }
}
