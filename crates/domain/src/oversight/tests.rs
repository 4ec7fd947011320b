use chrono::NaiveDate;

use super::*;
use crate::calendar::{WorkCalendar, parse_rows, years_of};
use crate::identity::Role;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("a date")
}

fn bundled() -> WorkCalendar {
    let text = include_str!("../../../../data/cn_holidays.csv");
    let records: Vec<(usize, Vec<String>)> = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.split(',').map(str::to_string).collect()))
        .collect();
    let days = parse_rows(&records).expect("the bundled file");
    WorkCalendar::new(years_of(&days), &days).expect("a calendar")
}

fn explanation() -> CardAction {
    CardAction::Explain(Explanation::parse("explanation", "现场核查排期推迟，已补办").expect("ok"))
}

#[test]
fn the_card_flow_and_who_may_do_what() {
    let open = CardState::Open;
    let sup = Role::Supervisor;
    // Acknowledge and close are the supervisor's; explaining the department's.
    assert!(matches!(
        open.apply(&CardAction::Acknowledge, Role::Approver, Some(7), 7),
        Err(CardError::Forbidden(_))
    ));
    assert!(matches!(
        open.apply(&CardAction::Close, Role::DeptAdmin, Some(7), 7),
        Err(CardError::Forbidden(_))
    ));
    assert!(matches!(
        open.apply(&explanation(), Role::Approver, Some(8), 7),
        Err(CardError::Forbidden(_))
    ));
    assert!(matches!(
        open.apply(&explanation(), sup, None, 7),
        Err(CardError::Forbidden(_))
    ));
    assert!(matches!(
        open.apply(&explanation(), sup, Some(7), 7),
        Err(CardError::Forbidden(_))
    ));
    let acked = open
        .apply(&CardAction::Acknowledge, sup, None, 7)
        .expect("ack");
    assert_eq!(acked, CardState::Acknowledged);
    assert!(matches!(
        acked.apply(&CardAction::Acknowledge, sup, None, 7),
        Err(CardError::State(_))
    ));
    let explained = acked
        .apply(&explanation(), Role::Approver, Some(7), 7)
        .expect("explain");
    assert_eq!(explained, CardState::Explained);
    assert!(matches!(
        explained.apply(&explanation(), Role::Approver, Some(7), 7),
        Err(CardError::State(_))
    ));
    let closed = explained
        .apply(&CardAction::Close, Role::Admin, None, 7)
        .expect("close");
    assert_eq!(closed, CardState::Closed);
    for a in [CardAction::Acknowledge, CardAction::Close] {
        assert!(matches!(
            closed.apply(&a, sup, None, 7),
            Err(CardError::State(_))
        ));
    }
    assert!(may_see(Role::Clerk, Some(7), 7));
    assert!(!may_see(Role::Clerk, Some(8), 7));
    assert!(!may_see(Role::Citizen, Some(7), 7));
    assert!(may_see(Role::Supervisor, None, 7));
}

#[test]
fn explanations_have_a_length() {
    assert!(Explanation::parse("explanation", "太忙了").is_err());
    assert!(Explanation::parse("explanation", &"字".repeat(1001)).is_err());
    assert!(Explanation::parse("explanation", &"字".repeat(1000)).is_ok());
    let e = Explanation::parse("explanation", "bad\u{7}bell characters").expect_err("control");
    assert_eq!(e.0[0].field, "explanation");
}

#[test]
fn rates_are_shares_of_their_own_whole() {
    let t = Tally {
        received: 4,
        completed: 3,
        timed: 2,
        on_time: 1,
        instant: 1,
        zero_trip: 2,
        channels: [("hall".to_string(), 1), ("web".to_string(), 3)].into(),
        completed_channels: [("web".to_string(), 3)].into(),
        ratings: 2,
        good: 1,
        open_follow_ups: 1,
        overdue_follow_ups: 1,
        yellow: 1,
        red: 0,
    };
    let f = Figures::from(&t);
    assert_eq!(f.on_time_rate, Some(0.5));
    assert_eq!(f.instant_share, Some(0.25));
    assert_eq!(f.zero_trip_share, Some(0.5));
    assert_eq!(f.satisfaction, Some(0.5));
    assert_eq!(f.channels[1].share, Some(0.75));
    assert_eq!((f.channels[0].completed, f.channels[1].completed), (0, 3));
    let none = Figures::from(&Tally::default());
    assert_eq!((none.on_time_rate, none.satisfaction), (None, None));
}

#[test]
fn working_days_are_sums_over_days() {
    let cal = bundled();
    // Two cases accepted Mon 2026-09-28: one completed Fri 10-09 (the
    // National Day week is off, Sat 10-10 is worked), due 10-12; one
    // completed the same day it was accepted, due that day (即办件).
    let days = DayCounts {
        accepted: vec![(d("2026-09-28"), 2)],
        completed: vec![(d("2026-09-28"), 1), (d("2026-10-09"), 1)],
        due: vec![(d("2026-09-28"), 1), (d("2026-10-12"), 1)],
    };
    let used_a = cal
        .workdays_between(d("2026-09-28"), d("2026-10-09"))
        .expect("loaded");
    let promised_a = cal
        .workdays_between(d("2026-09-28"), d("2026-10-12"))
        .expect("loaded");
    let avg = days.averages(&cal).expect("counted");
    assert_eq!(avg.cases, 2);
    #[allow(clippy::cast_precision_loss)]
    {
        assert_eq!(avg.used, Some(used_a as f64 / 2.0));
        assert_eq!(avg.promised, Some(promised_a as f64 / 2.0));
    }
    assert!(!avg.provisional);
    let empty = DayCounts::default().averages(&cal).expect("nothing");
    assert_eq!((empty.cases, empty.used), (0, None));
}

#[test]
fn weeks_are_iso_weeks_ending_with_this_one() {
    // Fri 2026-11-27 is in 2026-W48; 2026-01-01 (Thu) in 2026-W01; and
    // 2027-01-01 (Fri) still in 2026-W53.
    assert_eq!(IsoWeek::of(d("2026-11-27")).to_string(), "2026-W48");
    assert_eq!(IsoWeek::of(d("2026-01-01")).to_string(), "2026-W01");
    assert_eq!(IsoWeek::of(d("2027-01-01")).to_string(), "2026-W53");
    let s = weekly(
        d("2026-11-27"),
        3,
        &[
            (d("2026-11-08"), 9),
            (d("2026-11-09"), 1),
            (d("2026-11-27"), 2),
        ],
        &[(d("2026-11-16"), 4)],
        &[(d("2026-11-22"), 3)],
    );
    assert_eq!(s.len(), 3);
    assert_eq!(s[0].from, d("2026-11-09"));
    assert_eq!(s[0].week.to_string(), "2026-W46");
    assert_eq!(
        s.iter()
            .map(|p| (p.received, p.completed, p.on_time))
            .collect::<Vec<_>>(),
        vec![(1, 0, 0), (0, 4, 3), (2, 0, 0)]
    );
}
