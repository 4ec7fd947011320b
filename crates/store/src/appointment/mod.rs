//! The appointments part of the `cases` context: halls, windows, slots and
//! bookings. No slot is ever overbooked, by the SQL itself: a booking takes
//! its place with `UPDATE cases_slots SET booked = booked + 1 WHERE id = $1
//! AND booked < capacity` and goes on only when that changed one row, in the
//! same transaction as the booking and its event. On PostgreSQL that holds
//! with any number of servers (the row lock orders concurrent bookers, and
//! each re-checks `booked < capacity` on the row as the one before left it),
//! so these writes do not take the catalog's advisory lock.

mod sql;

pub(crate) use sql::impl_appointment_store;

use async_trait::async_trait;
use bianli_domain::cases::appointment::{BookingStatus, NewSlots, SlotTime};
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::Serialize;

use crate::Result;

/// A hall to open: one per division.
#[derive(Debug, Clone)]
pub struct NewHall {
    pub division: String,
    pub name: String,
    pub windows: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Window {
    pub number: i32,
    pub name: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Hall {
    pub id: i64,
    pub division: String,
    pub name: String,
    pub windows: Vec<Window>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Slot {
    pub id: i64,
    pub hall_id: i64,
    pub item: String,
    pub item_name: String,
    pub date: NaiveDate,
    #[serde(with = "hhmm")]
    pub start: NaiveTime,
    #[serde(with = "hhmm")]
    pub end: NaiveTime,
    pub capacity: i32,
    pub booked: i32,
}

impl Slot {
    pub fn time(&self) -> SlotTime {
        SlotTime {
            date: self.date,
            start: self.start,
            end: self.end,
        }
    }

    pub fn free(&self) -> i32 {
        self.capacity - self.booked
    }
}

/// A booking with what its owner needs to find the hall at the right time.
#[derive(Debug, Clone, Serialize)]
pub struct Booking {
    pub id: i64,
    pub ticket: String,
    pub slot_id: i64,
    pub hall_id: i64,
    pub hall_name: String,
    pub item: String,
    pub item_name: String,
    pub date: NaiveDate,
    #[serde(with = "hhmm")]
    pub start: NaiveTime,
    #[serde(with = "hhmm")]
    pub end: NaiveTime,
    pub account_id: i64,
    pub status: BookingStatus,
    pub rescheduled_to: Option<String>,
    pub created_at: DateTime<Utc>,
    pub changed_at: DateTime<Utc>,
}

impl Booking {
    pub fn time(&self) -> SlotTime {
        SlotTime {
            date: self.date,
            start: self.start,
            end: self.end,
        }
    }
}

/// Times of day as the hall's timetable writes them: `09:30`.
pub mod hhmm {
    use chrono::NaiveTime;
    use serde::Serializer;

    pub fn serialize<S: Serializer>(t: &NaiveTime, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&t.format("%H:%M"))
    }
}

#[async_trait]
pub trait AppointmentStore: Send + Sync {
    /// Opens the halls of divisions that have none yet, with their windows;
    /// one `halls.opened` event. Returns how many were opened.
    async fn open_halls(&self, halls: &[NewHall], actor: &str, at: DateTime<Utc>) -> Result<usize>;
    /// Every hall, or those of one division, in division order.
    async fn halls(&self, division: Option<&str>) -> Result<Vec<Hall>>;
    async fn hall(&self, id: i64) -> Result<Option<Hall>>;

    /// Opens the slots (validated by the domain), with one `slots.opened`
    /// event; a period already open for the item that day is a conflict.
    async fn open_slots(
        &self,
        hall_id: i64,
        item_name: &str,
        slots: &NewSlots,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<Vec<Slot>>;
    /// A hall's slots on days in [from, to], by day, start and item.
    async fn slots(
        &self,
        hall_id: i64,
        item: Option<&str>,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<Slot>>;
    async fn slot(&self, id: i64) -> Result<Option<Slot>>;

    /// Takes a place in the slot for the account: a conflict on `slot` when
    /// it is full or the account already holds a booking of the item that day.
    async fn book(
        &self,
        slot: &Slot,
        account_id: i64,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<Booking>;
    /// Moves a booked booking to another slot: the old one becomes
    /// `rescheduled` and gives its place back; the new one has its own ticket.
    async fn reschedule(
        &self,
        booking: &Booking,
        to: &Slot,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<Booking>;
    /// Moves a booked booking to `to` (cancelled, checked in, no-show); a
    /// cancellation gives the place back. A conflict on `status` when the
    /// booking is no longer booked.
    async fn close_booking(
        &self,
        booking: &Booking,
        to: BookingStatus,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<Booking>;
    async fn booking(&self, ticket: &str) -> Result<Option<Booking>>;
    /// An account's bookings, latest slot first.
    async fn bookings_of(&self, account_id: i64) -> Result<Vec<Booking>>;
    /// A hall's bookings for a day, by start time and ticket.
    async fn hall_bookings(&self, hall_id: i64, day: NaiveDate) -> Result<Vec<Booking>>;
    /// The days of an account's no-shows on or after `since`.
    async fn no_show_days(&self, account_id: i64, since: NaiveDate) -> Result<Vec<NaiveDate>>;
}
