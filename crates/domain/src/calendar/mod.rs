//! The working-day calendar (工作日): statutory holidays and adjusted workdays
//! (调休), loaded year by year from the State Council's annual notices, and
//! deadline arithmetic in working days on top of them.

mod day;
mod rows;
mod work;

pub use day::{DayKind, SpecialDay};
pub use rows::{COLUMNS, parse_rows, years_of};
pub use work::WorkCalendar;
