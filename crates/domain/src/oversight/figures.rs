//! The performance figures of one scope (the province, a division, a
//! department, a person) from the counts the store aggregates in SQL, and
//! the average working days used against those promised.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use crate::calendar::WorkCalendar;

/// Raw counts of one scope, as the store's aggregates return them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    pub received: i64,
    /// With a result: 准予, 不予许可 or 不予受理 (a withdrawal is not one).
    pub completed: i64,
    /// Completed cases that had a promised due date (accepted ones).
    pub timed: i64,
    /// Of `timed`, completed on or before the due date.
    pub on_time: i64,
    /// 即办件: promised 0 working days.
    pub instant: i64,
    /// Cases of items whose 到现场次数 is 0.
    pub zero_trip: i64,
    /// Cases received per channel (`hall`, `web`, …).
    pub channels: BTreeMap<String, i64>,
    /// Cases completed per channel.
    pub completed_channels: BTreeMap<String, i64>,
    pub ratings: i64,
    /// Ratings of 4 or 5.
    pub good: i64,
    /// 差评 whose follow-up is not answered yet.
    pub open_follow_ups: i64,
    /// Of those, the ones past their due date.
    pub overdue_follow_ups: i64,
    pub yellow: i64,
    pub red: i64,
}

/// `part / whole`, or nothing when there is no whole to share.
pub fn share(part: i64, whole: i64) -> Option<f64> {
    #[allow(clippy::cast_precision_loss)]
    (whole > 0).then(|| part as f64 / whole as f64)
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChannelShare {
    pub channel: String,
    pub cases: i64,
    pub completed: i64,
    pub share: Option<f64>,
}

/// How many working days completed cases took from acceptance to the result,
/// against the days they were allowed (from acceptance to the promised due
/// date, which already moved for suspensions and the one extension): a case
/// is on time exactly when it used no more than it was allowed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WorkdayAverages {
    pub cases: i64,
    pub used: Option<f64>,
    pub promised: Option<f64>,
    /// Some dates lie in a year whose holidays are not loaded, counted
    /// Monday to Friday there.
    pub provisional: bool,
}

/// Per-day counts of the completed, accepted cases of a scope: the days they
/// were accepted, completed and due. Working days between two dates are a
/// difference of ordinals, so a sum over cases is a sum over days.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DayCounts {
    pub accepted: Vec<(NaiveDate, i64)>,
    pub completed: Vec<(NaiveDate, i64)>,
    pub due: Vec<(NaiveDate, i64)>,
}

impl DayCounts {
    /// `None` when a date is too far from the others to count (decades).
    pub fn averages(&self, cal: &WorkCalendar) -> Option<WorkdayAverages> {
        let cases: i64 = self.accepted.iter().map(|(_, n)| n).sum();
        let origin = self
            .accepted
            .iter()
            .chain(&self.completed)
            .chain(&self.due)
            .map(|(d, _)| *d)
            .min();
        let Some(origin) = origin else {
            return Some(WorkdayAverages {
                cases: 0,
                used: None,
                promised: None,
                provisional: false,
            });
        };
        let mut provisional = false;
        let mut sum = |days: &[(NaiveDate, i64)]| -> Option<i64> {
            let mut total = 0i64;
            for &(d, n) in days {
                let (ord, guessed) = cal.workdays_between_estimated(origin, d)?;
                provisional |= guessed;
                total += ord * n;
            }
            Some(total)
        };
        let accepted = sum(&self.accepted)?;
        let completed = sum(&self.completed)?;
        let due = sum(&self.due)?;
        #[allow(clippy::cast_precision_loss)]
        let avg = |total: i64| (cases > 0).then(|| total as f64 / cases as f64);
        Some(WorkdayAverages {
            cases,
            used: avg(completed - accepted),
            promised: avg(due - accepted),
            provisional,
        })
    }
}

/// What the API and pages show of a scope.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figures {
    pub received: i64,
    pub completed: i64,
    pub on_time: i64,
    /// Of the completed cases that had a due date, the share on time.
    pub on_time_rate: Option<f64>,
    pub instant: i64,
    pub instant_share: Option<f64>,
    pub zero_trip: i64,
    pub zero_trip_share: Option<f64>,
    pub channels: Vec<ChannelShare>,
    pub ratings: i64,
    pub good_ratings: i64,
    /// 好评 share: ratings of 4–5 among all.
    pub satisfaction: Option<f64>,
    pub open_follow_ups: i64,
    pub overdue_follow_ups: i64,
    pub yellow_cards: i64,
    pub red_cards: i64,
}

impl From<&Tally> for Figures {
    fn from(t: &Tally) -> Figures {
        Figures {
            received: t.received,
            completed: t.completed,
            on_time: t.on_time,
            on_time_rate: share(t.on_time, t.timed),
            instant: t.instant,
            instant_share: share(t.instant, t.received),
            zero_trip: t.zero_trip,
            zero_trip_share: share(t.zero_trip, t.received),
            channels: t
                .channels
                .iter()
                .map(|(c, n)| ChannelShare {
                    channel: c.clone(),
                    cases: *n,
                    completed: t.completed_channels.get(c).copied().unwrap_or(0),
                    share: share(*n, t.received),
                })
                .collect(),
            ratings: t.ratings,
            good_ratings: t.good,
            satisfaction: share(t.good, t.ratings),
            open_follow_ups: t.open_follow_ups,
            overdue_follow_ups: t.overdue_follow_ups,
            yellow_cards: t.yellow,
            red_cards: t.red,
        }
    }
}
