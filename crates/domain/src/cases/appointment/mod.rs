//! Appointments (预约) at a service hall: slots a hall opens for an item on a
//! working day, bookings of them, and what may happen to a booking.
//!
//! Times here are the hall's wall-clock time (China Standard Time) as
//! `NaiveDateTime`: the caller converts its clock, this module never reads one.

mod booking;
mod slot;
mod ticket;

pub use booking::{
    BLOCK_DAYS, BookingStatus, CHECK_IN_EARLY_MINUTES, NO_SHOW_LIMIT, NO_SHOW_WINDOW_DAYS,
    SlotTime, blocked_until,
};
pub use slot::{MAX_CAPACITY, MAX_PERIODS, NewSlots, PeriodInput, SlotsInput};
pub use ticket::Ticket;

use crate::Invalid;

/// Why a request about an appointment is refused: bad input (the caller can
/// fix the request) or a state that does not allow it (the same request may
/// succeed later or never).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    Invalid(Invalid),
    Conflict { field: &'static str, reason: String },
}

impl Refusal {
    pub fn conflict(field: &'static str, reason: impl Into<String>) -> Self {
        Refusal::Conflict {
            field,
            reason: reason.into(),
        }
    }
}

impl From<Invalid> for Refusal {
    fn from(e: Invalid) -> Self {
        Refusal::Invalid(e)
    }
}

/// The hall of a division, named as Hunan names them: 湖南省政务服务中心,
/// 长沙市政务服务中心, 芙蓉区政务服务中心.
pub fn hall_name(division_name: &str) -> String {
    format!("{division_name}政务服务中心")
}

/// The windows (窗口) a demo hall opens with: a general window and the
/// windows of the departments most visitors come for.
pub const STANDARD_WINDOWS: [&str; 4] = [
    "综合受理窗口",
    "市场监管窗口",
    "社保医保窗口",
    "不动产登记窗口",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn halls_are_named_after_their_division() {
        assert_eq!(hall_name("湖南省"), "湖南省政务服务中心");
        assert_eq!(hall_name("芙蓉区"), "芙蓉区政务服务中心");
    }
}
