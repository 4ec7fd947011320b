//! The demo's year of cases as scripts: for each case, the day and hour it
//! arrives, which of the stage's items and applicants it concerns, the
//! channel it comes through, and what becomes of it — accepted and decided
//! on time, late, suspended, refused, sent back for corrections, denied,
//! left unanswered until the law deems it accepted — with the working days
//! each step waits and the applicant's rating. The app plays the scripts
//! through its use cases on a simulated clock; nothing here touches a case.
//!
//! The shares follow what provincial halls publish about their own work: most
//! cases decided well within the promised limit, a few percent refused or
//! late, about a tenth sent back once for missing materials, most applicants
//! rating 5 and a small minority 1 or 2.

use crate::prng::Rng;

/// The channel a case comes through; the app falls back to the hall when
/// the item does not take the one drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    Web,
    Mobile,
    Kiosk,
    Hall,
    Hotline,
}

/// What becomes of a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fate {
    /// Accepted, reviewed, decided and delivered on time.
    OnTime,
    /// Decided `over` working days past the promised limit.
    Late { over: u8 },
    /// Suspended for testing or expert review (`kind` 0 or 1) for `days`
    /// working days between review and decision.
    Suspended { kind: u8, days: u8 },
    /// Refused at the window (不予受理).
    Refused,
    /// Sent back once for corrections; the applicant resubmits after
    /// `after` days, then it runs on time.
    Corrected { after: u8 },
    /// Reviewed and denied.
    Denied,
    /// The window never answers: accepted by law after five working days.
    Deemed,
    /// Extended once by the head, then decided within the longer limit.
    Extended,
    /// Withdrawn by the applicant before the decision.
    Withdrawn,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseScript {
    /// Days after the first day of the year.
    pub day: u16,
    /// Hour of arrival, China time.
    pub hour: u8,
    /// Index into the stage's items, the popular ones far more often.
    pub item: usize,
    /// Index into the applicants; 0 is the demo's own citizen.
    pub applicant: usize,
    pub via: Via,
    pub fate: Fate,
    /// Working days the window, the reviewer, the approver and delivery
    /// each wait before acting (a late case's approver waits longer).
    pub waits: [u8; 4],
    /// 1–5 and a comment, when the applicant rates the service.
    pub rating: Option<(u8, &'static str)>,
}

const GOOD: [&str; 6] = [
    "",
    "办理很快，窗口人员很耐心",
    "网上申请很方便，一次都没跑",
    "",
    "材料一次告知清楚，点赞",
    "比预想的快",
];
const BAD: [&str; 4] = [
    "等了很久，没人告知进度",
    "材料要求前后说法不一",
    "电话一直打不通",
    "超过承诺时限才办完",
];

/// `n` scripts over `days` days for a stage of `items` items and
/// `applicants` applicants, in arrival order. Deterministic.
pub fn case_scripts(n: usize, days: u16, items: usize, applicants: usize) -> Vec<CaseScript> {
    let mut rng = Rng::for_label("cases:history");
    let mut out: Vec<CaseScript> = (0..n)
        .map(|i| script(&mut rng, i, n, days, items, applicants))
        .collect();
    out.sort_by_key(|s| (s.day, s.hour));
    out
}

fn script(
    rng: &mut Rng,
    i: usize,
    n: usize,
    days: u16,
    items: usize,
    applicants: usize,
) -> CaseScript {
    // Evenly spread with jitter, so every day has its share.
    let day = ((i as u64 * u64::from(days)) / n.max(1) as u64) as u16;
    let via = match rng.below(100) {
        0..=34 => Via::Web,
        35..=59 => Via::Mobile,
        60..=64 => Via::Kiosk,
        65..=94 => Via::Hall,
        _ => Via::Hotline,
    };
    let online = matches!(via, Via::Web | Via::Mobile | Via::Kiosk);
    let hour = if online {
        rng.pick(&[8, 10, 12, 15, 19, 21, 22])
    } else {
        rng.pick(&[9, 10, 11, 14, 15, 16])
    };
    // A skewed pick: item k about as often as 1/(k+1).
    let item = if items == 0 {
        0
    } else {
        let bound = rng.below(items) + 1;
        rng.below(bound)
    };
    // The demo's own citizen has a handful of cases through the year.
    let applicant = if i % 20_000 == 7 {
        0
    } else {
        1 + rng.below(applicants.saturating_sub(1).max(1))
    };
    let fate = match rng.below(1000) {
        0..=739 => Fate::OnTime,
        740..=799 => Fate::Late {
            over: rng.between(1, 6) as u8,
        },
        800..=839 => Fate::Suspended {
            kind: rng.below(2) as u8,
            days: rng.between(3, 10) as u8,
        },
        840..=879 => Fate::Refused,
        880..=969 => Fate::Corrected {
            after: rng.between(1, 6) as u8,
        },
        970..=984 => Fate::Denied,
        985..=989 => Fate::Deemed,
        990..=994 => Fate::Extended,
        _ => Fate::Withdrawn,
    };
    let waits = [
        rng.between(0, 2) as u8,
        rng.between(0, 3) as u8,
        rng.between(0, 3) as u8,
        rng.between(0, 1) as u8,
    ];
    let rates = matches!(
        fate,
        Fate::OnTime | Fate::Late { .. } | Fate::Suspended { .. } | Fate::Corrected { .. }
    ) && rng.percent(65);
    let rating = rates.then(|| {
        let late = matches!(fate, Fate::Late { .. });
        let roll = rng.below(100);
        let score = match (late, roll) {
            (false, 0..=79) | (true, 0..=29) => 5,
            (false, 80..=93) | (true, 30..=59) => 4,
            (false, 94..=97) | (true, 60..=74) => 3,
            (_, r) if r % 2 == 0 => 2,
            _ => 1,
        };
        let comment = if score >= 3 {
            rng.pick(&GOOD)
        } else {
            rng.pick(&BAD)
        };
        (score, comment)
    });
    CaseScript {
        day: day.min(days.saturating_sub(1)),
        hour,
        item,
        applicant,
        via,
        fate,
        waits,
        rating,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_are_deterministic_and_spread_over_the_year() {
        let a = case_scripts(10_000, 365, 40, 3_000);
        assert_eq!(a, case_scripts(10_000, 365, 40, 3_000));
        assert!(
            a.windows(2)
                .all(|w| (w[0].day, w[0].hour) <= (w[1].day, w[1].hour))
        );
        assert_eq!(a.first().map(|s| s.day), Some(0));
        assert_eq!(a.last().map(|s| s.day), Some(364));
        assert!(a.iter().all(|s| s.item < 40 && s.applicant < 3_000));
    }

    #[test]
    fn every_fate_and_channel_occurs_in_realistic_shares() {
        let a = case_scripts(20_000, 365, 40, 3_000);
        let share = |f: &dyn Fn(&CaseScript) -> bool| {
            a.iter().filter(|s| f(s)).count() as f64 / a.len() as f64
        };
        let on_time = share(&|s| s.fate == Fate::OnTime);
        assert!((0.70..0.78).contains(&on_time), "{on_time}");
        for f in [
            &(|s: &CaseScript| matches!(s.fate, Fate::Late { .. })) as &dyn Fn(&CaseScript) -> bool,
            &|s| matches!(s.fate, Fate::Suspended { .. }),
            &|s| s.fate == Fate::Refused,
            &|s| matches!(s.fate, Fate::Corrected { .. }),
            &|s| s.fate == Fate::Denied,
            &|s| s.fate == Fate::Deemed,
            &|s| s.fate == Fate::Extended,
            &|s| s.fate == Fate::Withdrawn,
            &|s| s.via == Via::Hotline,
            &|s| s.via == Via::Kiosk,
        ] {
            assert!(share(f) > 0.002);
        }
        let bad = share(&|s| s.rating.is_some_and(|(score, _)| score <= 2));
        assert!((0.005..0.05).contains(&bad), "{bad}");
        // The popular items dominate.
        assert!(share(&|s| s.item < 10) > 0.5);
    }
}
