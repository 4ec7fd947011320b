//! Electronic supervision (电子监察): how a supervisor handles a deadline
//! card (acknowledge, the department's explanation, close), and the
//! arithmetic of the performance figures (rates, working days used against
//! those promised, ISO-week series) over counts the store aggregates.

mod card;
mod figures;
mod week;

pub use card::{CardAction, CardError, CardState, EXPLANATION_CHARS, Explanation, may_see};
pub use figures::{ChannelShare, DayCounts, Figures, Tally, WorkdayAverages, share};
pub use week::{IsoWeek, WeekPoint, series_start, weekly};

#[cfg(test)]
mod tests;
