//! A booking's life: booked → cancelled, rescheduled (to a new booking),
//! checked in, or no-show; and who may book at all.

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};

use super::Refusal;
use crate::Invalid;

/// Common hall practice (e.g. 12345-linked booking systems): three missed
/// appointments within 90 days suspend online booking for 30 days.
pub const NO_SHOW_LIMIT: usize = 3;
pub const NO_SHOW_WINDOW_DAYS: i64 = 90;
pub const BLOCK_DAYS: i64 = 30;
/// A visitor may check in this long before the slot starts (people queue early).
pub const CHECK_IN_EARLY_MINUTES: i64 = 30;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BookingStatus {
    Booked,
    Cancelled,
    /// Moved to another slot: the new booking has its own ticket.
    Rescheduled,
    CheckedIn,
    NoShow,
}

impl BookingStatus {
    pub const ALL: [BookingStatus; 5] = [
        BookingStatus::Booked,
        BookingStatus::Cancelled,
        BookingStatus::Rescheduled,
        BookingStatus::CheckedIn,
        BookingStatus::NoShow,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            BookingStatus::Booked => "booked",
            BookingStatus::Cancelled => "cancelled",
            BookingStatus::Rescheduled => "rescheduled",
            BookingStatus::CheckedIn => "checked_in",
            BookingStatus::NoShow => "no_show",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            BookingStatus::Booked => "已预约",
            BookingStatus::Cancelled => "已取消",
            BookingStatus::Rescheduled => "已改约",
            BookingStatus::CheckedIn => "已签到",
            BookingStatus::NoShow => "爽约",
        }
    }

    pub fn parse(s: &str) -> Result<Self, Invalid> {
        Self::ALL
            .into_iter()
            .find(|b| b.as_str() == s)
            .ok_or_else(|| Invalid::one("status", format!("“{s}”不是有效的预约状态")))
    }

    /// Whether the booking still holds its place (and counts as the one
    /// booking of its item and day).
    pub fn is_active(self) -> bool {
        matches!(self, BookingStatus::Booked | BookingStatus::CheckedIn)
    }

    fn must_be_booked(self, what: &str) -> Result<(), Refusal> {
        if self == BookingStatus::Booked {
            Ok(())
        } else {
            Err(Refusal::conflict(
                "status",
                format!("该预约当前为“{}”，不能{what}", self.zh()),
            ))
        }
    }

    /// Cancelling: only a booking still booked, and only before its slot starts.
    pub fn cancel(self, slot: &SlotTime, now: NaiveDateTime) -> Result<BookingStatus, Refusal> {
        self.must_be_booked("取消")?;
        slot.not_started(now, "取消")?;
        Ok(BookingStatus::Cancelled)
    }

    /// Moving to another slot: as cancelling, and the new slot must not have started.
    pub fn reschedule(
        self,
        from: &SlotTime,
        to: &SlotTime,
        now: NaiveDateTime,
    ) -> Result<BookingStatus, Refusal> {
        self.must_be_booked("改约")?;
        from.not_started(now, "改约")?;
        to.bookable(now)?;
        Ok(BookingStatus::Rescheduled)
    }

    /// Checking in at the hall: from 30 minutes before the start to the end.
    pub fn check_in(self, slot: &SlotTime, now: NaiveDateTime) -> Result<BookingStatus, Refusal> {
        self.must_be_booked("签到")?;
        if now < slot.start_at() - Duration::minutes(CHECK_IN_EARLY_MINUTES) {
            return Err(Refusal::conflict(
                "slot",
                format!(
                    "签到时间为开始前{CHECK_IN_EARLY_MINUTES}分钟起，本时段开始于{}",
                    slot.start_at().format("%Y-%m-%d %H:%M")
                ),
            ));
        }
        if now >= slot.end_at() {
            return Err(Refusal::conflict(
                "slot",
                format!(
                    "本时段已于{}结束，不能签到，请登记爽约",
                    slot.end_at().format("%Y-%m-%d %H:%M")
                ),
            ));
        }
        Ok(BookingStatus::CheckedIn)
    }

    /// Recording a no-show: only once the slot has ended without a check-in.
    pub fn no_show(self, slot: &SlotTime, now: NaiveDateTime) -> Result<BookingStatus, Refusal> {
        self.must_be_booked("登记爽约")?;
        if now < slot.end_at() {
            return Err(Refusal::conflict(
                "slot",
                format!(
                    "本时段到{}才结束，结束后才能登记爽约",
                    slot.end_at().format("%Y-%m-%d %H:%M")
                ),
            ));
        }
        Ok(BookingStatus::NoShow)
    }
}

/// When a slot takes place, in the hall's local time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlotTime {
    pub date: NaiveDate,
    pub start: NaiveTime,
    pub end: NaiveTime,
}

impl SlotTime {
    pub fn start_at(&self) -> NaiveDateTime {
        self.date.and_time(self.start)
    }

    pub fn end_at(&self) -> NaiveDateTime {
        self.date.and_time(self.end)
    }

    fn not_started(&self, now: NaiveDateTime, what: &str) -> Result<(), Refusal> {
        if now >= self.start_at() {
            return Err(Refusal::conflict(
                "slot",
                format!(
                    "本时段已于{}开始，预约不能再{what}",
                    self.start_at().format("%Y-%m-%d %H:%M")
                ),
            ));
        }
        Ok(())
    }

    /// Booking: only a slot that has not started.
    pub fn bookable(&self, now: NaiveDateTime) -> Result<(), Refusal> {
        if now >= self.start_at() {
            return Err(Refusal::conflict(
                "slot",
                format!(
                    "本时段已于{}开始，请选择更晚的时段",
                    self.start_at().format("%Y-%m-%d %H:%M")
                ),
            ));
        }
        Ok(())
    }
}

/// The day booking is allowed again after a run of no-shows, if `today` is
/// within a block. `no_shows` are the days of the person's missed slots (any
/// order). The third no-show within 90 days blocks booking for 30 days from
/// the day of that no-show.
pub fn blocked_until(no_shows: &[NaiveDate], today: NaiveDate) -> Option<NaiveDate> {
    let mut days = no_shows.to_vec();
    days.sort();
    let window = Duration::days(NO_SHOW_WINDOW_DAYS);
    days.windows(NO_SHOW_LIMIT)
        .filter(|run| run[NO_SHOW_LIMIT - 1] - run[0] < window)
        .map(|run| run[NO_SHOW_LIMIT - 1] + Duration::days(BLOCK_DAYS))
        .filter(|until| *until > today)
        .max()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn slot() -> SlotTime {
        SlotTime {
            date: d("2026-11-30"),
            start: NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
            end: NaiveTime::from_hms_opt(10, 0, 0).unwrap(),
        }
    }

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    fn field(r: Result<BookingStatus, Refusal>) -> &'static str {
        match r {
            Err(Refusal::Conflict { field, .. }) => field,
            other => panic!("expected a conflict, got {other:?}"),
        }
    }

    use BookingStatus::*;

    #[test]
    fn cancel_only_booked_and_before_the_start() {
        assert_eq!(
            Booked.cancel(&slot(), at("2026-11-30 08:59")),
            Ok(Cancelled)
        );
        assert_eq!(
            field(Booked.cancel(&slot(), at("2026-11-30 09:00"))),
            "slot"
        );
        for s in [Cancelled, Rescheduled, CheckedIn, NoShow] {
            assert_eq!(
                field(s.cancel(&slot(), at("2026-11-29 08:00"))),
                "status",
                "{s:?}"
            );
        }
    }

    #[test]
    fn reschedule_only_before_both_starts() {
        let later = SlotTime {
            date: d("2026-12-01"),
            ..slot()
        };
        assert_eq!(
            Booked.reschedule(&slot(), &later, at("2026-11-30 08:00")),
            Ok(Rescheduled)
        );
        assert_eq!(
            field(Booked.reschedule(&slot(), &later, at("2026-11-30 09:30"))),
            "slot"
        );
        // Moving to a slot that has started.
        assert_eq!(
            field(Booked.reschedule(&later, &slot(), at("2026-11-30 09:30"))),
            "slot"
        );
        assert_eq!(
            field(Cancelled.reschedule(&slot(), &later, at("2026-11-29 08:00"))),
            "status"
        );
    }

    #[test]
    fn check_in_from_half_an_hour_before_until_the_end() {
        assert_eq!(
            field(Booked.check_in(&slot(), at("2026-11-30 08:29"))),
            "slot"
        );
        assert_eq!(
            Booked.check_in(&slot(), at("2026-11-30 08:30")),
            Ok(CheckedIn)
        );
        assert_eq!(
            Booked.check_in(&slot(), at("2026-11-30 09:59")),
            Ok(CheckedIn)
        );
        assert_eq!(
            field(Booked.check_in(&slot(), at("2026-11-30 10:00"))),
            "slot"
        );
        assert_eq!(
            field(CheckedIn.check_in(&slot(), at("2026-11-30 09:10"))),
            "status"
        );
        assert_eq!(
            field(Cancelled.check_in(&slot(), at("2026-11-30 09:10"))),
            "status"
        );
    }

    #[test]
    fn no_show_only_after_the_end() {
        assert_eq!(
            field(Booked.no_show(&slot(), at("2026-11-30 09:59"))),
            "slot"
        );
        assert_eq!(Booked.no_show(&slot(), at("2026-11-30 10:00")), Ok(NoShow));
        assert_eq!(
            field(CheckedIn.no_show(&slot(), at("2026-11-30 11:00"))),
            "status"
        );
        assert_eq!(
            field(NoShow.no_show(&slot(), at("2026-11-30 11:00"))),
            "status"
        );
    }

    #[test]
    fn booking_needs_a_slot_not_started() {
        assert!(slot().bookable(at("2026-11-30 08:59")).is_ok());
        assert!(slot().bookable(at("2026-11-30 09:00")).is_err());
    }

    #[test]
    fn three_no_shows_in_ninety_days_block_for_thirty() {
        let shows = [d("2026-01-05"), d("2026-02-10"), d("2026-03-20")];
        // Blocked from the third no-show for 30 days.
        assert_eq!(
            blocked_until(&shows, d("2026-03-20")),
            Some(d("2026-04-19"))
        );
        assert_eq!(
            blocked_until(&shows, d("2026-04-18")),
            Some(d("2026-04-19"))
        );
        assert_eq!(blocked_until(&shows, d("2026-04-19")), None);
        // Two are not enough.
        assert_eq!(blocked_until(&shows[..2], d("2026-02-11")), None);
        // Three spread over more than 90 days are not a run.
        let spread = [d("2026-01-05"), d("2026-02-10"), d("2026-04-06")];
        assert_eq!(blocked_until(&spread, d("2026-04-07")), None);
        // Order does not matter; a later run extends the block.
        let more = [
            d("2026-03-25"),
            d("2026-01-05"),
            d("2026-03-20"),
            d("2026-02-10"),
        ];
        assert_eq!(blocked_until(&more, d("2026-04-20")), Some(d("2026-04-24")));
    }

    #[test]
    fn statuses_round_trip() {
        for s in BookingStatus::ALL {
            assert_eq!(BookingStatus::parse(s.as_str()).unwrap(), s);
            assert_eq!(
                serde_json::to_value(s).unwrap(),
                serde_json::Value::String(s.as_str().into())
            );
        }
        assert!(BookingStatus::parse("gone").is_err());
        assert!(Booked.is_active() && CheckedIn.is_active() && !Cancelled.is_active());
    }
}
