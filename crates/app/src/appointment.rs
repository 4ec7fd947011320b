//! Appointments (预约): halls and their slots, and booking them. Citizens and
//! enterprises book for themselves; staff of a hall's division open its slots
//! and record check-ins and no-shows; a system administrator opens slots
//! anywhere. Rules live in `bianli_domain::cases::appointment`.

use bianli_domain::Invalid;
use bianli_domain::cases::appointment::{
    BLOCK_DAYS, BookingStatus, NO_SHOW_WINDOW_DAYS, NewSlots, Refusal, SlotsInput, Ticket,
    blocked_until,
};
use bianli_domain::division::DivisionCode;
use bianli_domain::identity::Role;
use bianli_store::appointment::{Booking, Hall, Slot};
use chrono::{Duration, NaiveDate, NaiveDateTime};

use crate::catalog::parse_date;
use crate::{Actor, App, AppError, Result};

/// A listing of slots spans at most this many days.
pub const MAX_SLOT_DAYS: i64 = 62;
/// Without `to`, slots are listed this many days ahead.
pub const DEFAULT_SLOT_DAYS: i64 = 14;

impl From<Refusal> for AppError {
    fn from(r: Refusal) -> Self {
        match r {
            Refusal::Invalid(i) => AppError::Invalid(i),
            Refusal::Conflict { field, reason } => AppError::Conflict {
                field: field.to_string(),
                message: reason,
            },
        }
    }
}

fn blank(s: Option<&str>) -> Option<&str> {
    s.map(str::trim).filter(|s| !s.is_empty())
}

impl App {
    /// The hall's wall clock: China Standard Time.
    pub fn hall_now(&self) -> NaiveDateTime {
        (self.now() + Duration::hours(8)).naive_utc()
    }

    /// `GET /cases/halls?division=`: every hall, or the hall of one division.
    pub async fn halls(&self, division: Option<&str>) -> Result<Vec<Hall>> {
        let division = blank(division)
            .map(|d| DivisionCode::parse(d).map_err(|e| e.relabel("division")))
            .transpose()?;
        Ok(self
            .store
            .halls(division.as_ref().map(DivisionCode::as_str))
            .await?)
    }

    pub async fn hall(&self, id: i64) -> Result<Hall> {
        self.store
            .hall(id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("大厅{id}")))
    }

    /// `GET /cases/halls/{hall}/slots`: from today (or `from`) for two weeks
    /// (or to `to`), at most 62 days.
    pub async fn hall_slots(
        &self,
        hall_id: i64,
        item: Option<&str>,
        from: Option<&str>,
        to: Option<&str>,
    ) -> Result<(Hall, Vec<Slot>)> {
        let mut inv = Invalid::default();
        let item = blank(item).and_then(|i| {
            inv.take(
                "",
                bianli_domain::catalog::ItemCode::parse(i).map_err(|e| e.relabel("item")),
            )
        });
        let from = match blank(from) {
            Some(f) => inv.take("", parse_date("from", f)),
            None => Some(self.today()),
        };
        let to = match blank(to) {
            Some(t) => inv.take("", parse_date("to", t)),
            None => from.map(|f| f + Duration::days(DEFAULT_SLOT_DAYS)),
        };
        if let (Some(f), Some(t)) = (from, to) {
            if t < f {
                inv.push("to", format!("截止日期{t}早于起始日期{f}"));
            } else if (t - f).num_days() > MAX_SLOT_DAYS {
                inv.push("to", format!("一次最多查询{MAX_SLOT_DAYS}天"));
            }
        }
        let (Some(from), Some(to)) = (from, to) else {
            return Err(inv.into());
        };
        if !inv.0.is_empty() {
            return Err(inv.into());
        }
        let hall = self.hall(hall_id).await?;
        let slots = self
            .store
            .slots(
                hall_id,
                item.as_ref().map(|i| i.to_string()).as_deref(),
                from,
                to,
            )
            .await?;
        Ok((hall, slots))
    }

    fn may_open_slots(actor: &Actor, hall: &Hall) -> Result<()> {
        let local = matches!(actor.role, Role::Clerk | Role::DeptAdmin)
            && actor.division.as_deref() == Some(hall.division.as_str());
        if actor.role == Role::Admin || local {
            Ok(())
        } else {
            Err(AppError::Forbidden(format!(
                "只有区划{}的窗口人员、部门管理员（或系统管理员）可以在{}开放预约时段",
                hall.division, hall.name
            )))
        }
    }

    fn is_hall_staff(actor: &Actor, hall_division: &str) -> bool {
        actor.role.is_staff() && actor.division.as_deref() == Some(hall_division)
    }

    /// `POST /cases/halls/{hall}/slots`: opens one item's periods on a day.
    pub async fn open_slots(
        &self,
        actor: &Actor,
        hall_id: i64,
        input: &SlotsInput,
    ) -> Result<Vec<Slot>> {
        let hall = self.hall(hall_id).await?;
        Self::may_open_slots(actor, &hall)?;
        let slots = NewSlots::parse(input, &self.calendar(), self.hall_now())?;
        if slots.item.division().as_str() != hall.division {
            return Err(Invalid::one(
                "item",
                format!(
                    "事项{}属于区划{}，不属于{}（区划{}）",
                    slots.item,
                    slots.item.division(),
                    hall.name,
                    hall.division
                ),
            )
            .into());
        }
        let in_force = self
            .store
            .items_by_code(&[slots.item.to_string()], slots.date)
            .await?;
        let Some(item) = in_force.first() else {
            return Err(Invalid::one(
                "item",
                format!("事项{}在{}不在实施中", slots.item, slots.date),
            )
            .into());
        };
        Ok(self
            .store
            .open_slots(hall_id, &item.item.name, &slots, &actor.tag(), self.now())
            .await?)
    }

    fn may_book(actor: &Actor) -> Result<()> {
        if matches!(actor.role, Role::Citizen | Role::Enterprise) {
            Ok(())
        } else {
            Err(AppError::Forbidden("预约只能由个人或企业为自己办理".into()))
        }
    }

    async fn bookable_slot(&self, slot_id: i64) -> Result<Slot> {
        let slot = self
            .store
            .slot(slot_id)
            .await?
            .ok_or_else(|| Invalid::one("slot", format!("没有编号为{slot_id}的预约时段")))?;
        slot.time().bookable(self.hall_now())?;
        let today = self.today();
        let in_force = self
            .store
            .items_by_code(std::slice::from_ref(&slot.item), slot.date.max(today))
            .await?;
        if in_force.is_empty() {
            return Err(AppError::Conflict {
                field: "slot".into(),
                message: format!("{}在{}已不再提供预约", slot.item_name, slot.date),
            });
        }
        Ok(slot)
    }

    async fn not_blocked(&self, account_id: i64) -> Result<()> {
        let today = self.today();
        let since = today - Duration::days(NO_SHOW_WINDOW_DAYS + BLOCK_DAYS);
        let days = self.store.no_show_days(account_id, since).await?;
        if let Some(until) = blocked_until(&days, today) {
            return Err(AppError::Conflict {
                field: "account".into(),
                message: format!("{NO_SHOW_WINDOW_DAYS}天内已爽约三次，{until}前暂停预约"),
            });
        }
        Ok(())
    }

    /// `POST /cases/bookings`: a place in the slot for the signed-in person.
    pub async fn book(&self, actor: &Actor, slot_id: i64) -> Result<Booking> {
        Self::may_book(actor)?;
        let slot = self.bookable_slot(slot_id).await?;
        self.not_blocked(actor.account_id).await?;
        Ok(self
            .store
            .book(&slot, actor.account_id, &actor.tag(), self.now())
            .await?)
    }

    pub async fn my_bookings(&self, actor: &Actor) -> Result<Vec<Booking>> {
        Ok(self.store.bookings_of(actor.account_id).await?)
    }

    /// A booking its owner or the hall's staff may see; to anyone else it
    /// does not exist (tickets are guessable).
    pub async fn booking(&self, actor: &Actor, ticket: &str) -> Result<Booking> {
        let ticket = Ticket::parse(ticket)?;
        let not_found = || AppError::NotFound(format!("预约{ticket}"));
        let b = self
            .store
            .booking(ticket.as_str())
            .await?
            .ok_or_else(not_found)?;
        if b.account_id == actor.account_id || actor.role == Role::Admin {
            return Ok(b);
        }
        if actor.role.is_staff() {
            let hall = self.hall(b.hall_id).await?;
            if Self::is_hall_staff(actor, &hall.division) {
                return Ok(b);
            }
        }
        Err(not_found())
    }

    async fn own_booking(&self, actor: &Actor, ticket: &str) -> Result<Booking> {
        let b = self.booking(actor, ticket).await?;
        if b.account_id != actor.account_id {
            return Err(AppError::Forbidden("只有预约人本人可以取消或改约".into()));
        }
        Ok(b)
    }

    pub async fn cancel_booking(&self, actor: &Actor, ticket: &str) -> Result<Booking> {
        let b = self.own_booking(actor, ticket).await?;
        let to = b.status.cancel(&b.time(), self.hall_now())?;
        Ok(self
            .store
            .close_booking(&b, to, &actor.tag(), self.now())
            .await?)
    }

    /// Moves the booking to another slot of the same hall and item; the new
    /// booking has a new ticket.
    pub async fn reschedule_booking(
        &self,
        actor: &Actor,
        ticket: &str,
        slot_id: i64,
    ) -> Result<Booking> {
        let b = self.own_booking(actor, ticket).await?;
        let to = self.bookable_slot(slot_id).await?;
        b.status
            .reschedule(&b.time(), &to.time(), self.hall_now())?;
        if to.id == b.slot_id {
            return Err(Invalid::one("slot", "这就是当前预约的时段").into());
        }
        if to.hall_id != b.hall_id || to.item != b.item {
            return Err(Invalid::one(
                "slot",
                format!(
                    "改约只能改到同一大厅“{}”的其他时段；其他事项请重新预约",
                    b.item_name
                ),
            )
            .into());
        }
        Ok(self
            .store
            .reschedule(&b, &to, &actor.tag(), self.now())
            .await?)
    }

    async fn staff_booking(&self, actor: &Actor, ticket: &str) -> Result<Booking> {
        let b = self.booking(actor, ticket).await?;
        let hall = self.hall(b.hall_id).await?;
        if !Self::is_hall_staff(actor, &hall.division) {
            return Err(AppError::Forbidden(format!(
                "只有区划{}的工作人员可以在{}登记到场",
                hall.division, hall.name
            )));
        }
        Ok(b)
    }

    pub async fn check_in(&self, actor: &Actor, ticket: &str) -> Result<Booking> {
        let b = self.staff_booking(actor, ticket).await?;
        let to = b.status.check_in(&b.time(), self.hall_now())?;
        Ok(self
            .store
            .close_booking(&b, to, &actor.tag(), self.now())
            .await?)
    }

    pub async fn mark_no_show(&self, actor: &Actor, ticket: &str) -> Result<Booking> {
        let b = self.staff_booking(actor, ticket).await?;
        let to = b.status.no_show(&b.time(), self.hall_now())?;
        Ok(self
            .store
            .close_booking(&b, to, &actor.tag(), self.now())
            .await?)
    }

    /// The clerk's day: the hall of their division and its bookings on `date`
    /// (today by default).
    pub async fn hall_day(
        &self,
        actor: &Actor,
        date: Option<&str>,
    ) -> Result<(Hall, NaiveDate, Vec<Booking>)> {
        let Some(division) = actor.division.as_deref().filter(|_| actor.role.is_staff()) else {
            return Err(AppError::Forbidden(
                "大厅的预约名单仅供本大厅工作人员查看".into(),
            ));
        };
        let date = match blank(date) {
            Some(d) => parse_date("date", d)?,
            None => self.today(),
        };
        let hall = self
            .store
            .halls(Some(division))
            .await?
            .pop()
            .ok_or_else(|| AppError::NotFound(format!("区划{division}的政务服务大厅")))?;
        let bookings = self.store.hall_bookings(hall.id, date).await?;
        Ok((hall, date, bookings))
    }
}

/// Whether a booking's owner may still change it (for pages: which buttons to show).
pub fn changeable(b: &Booking, now: NaiveDateTime) -> bool {
    b.status == BookingStatus::Booked && now < b.time().start_at()
}

/// The items the demo's halls open slots for: what most visitors come for.
pub const DEMO_ITEMS: [&str; 1] = ["食品经营许可"];
/// The demo's timetable: two periods in the morning, two in the afternoon.
pub const DEMO_PERIODS: [(&str, &str); 4] = [
    ("09:00", "10:00"),
    ("10:00", "11:00"),
    ("14:30", "15:30"),
    ("15:30", "16:30"),
];
/// Places per demo period.
pub const DEMO_CAPACITY: i64 = 5;
/// Working days ahead the demo opens.
pub const DEMO_DAYS: u32 = 3;

impl App {
    /// The demo's halls (one per division, named after it, with the standard
    /// windows) and, through the same use case a clerk uses, slots for the
    /// common items on the next working days. Returns (halls, slots).
    pub(crate) async fn seed_appointments(&self, admin: &Actor) -> Result<(usize, usize)> {
        use bianli_domain::cases::appointment::{PeriodInput, STANDARD_WINDOWS, hall_name};
        use bianli_store::appointment::NewHall;
        let halls: Vec<NewHall> = self
            .store
            .divisions()
            .await?
            .into_iter()
            .map(|d| NewHall {
                division: d.code.to_string(),
                name: hall_name(&d.name),
                windows: STANDARD_WINDOWS.iter().map(ToString::to_string).collect(),
            })
            .collect();
        let opened = self
            .store
            .open_halls(&halls, &admin.tag(), self.now())
            .await?;
        let by_division: std::collections::HashMap<String, i64> = self
            .store
            .halls(None)
            .await?
            .into_iter()
            .map(|h| (h.division, h.id))
            .collect();
        let today = self.today();
        let calendar = self.calendar();
        let days: Vec<NaiveDate> = (1..=DEMO_DAYS)
            .filter_map(|n| calendar.add_workdays(today, n).ok())
            .collect();
        let mut slots = 0;
        for name in DEMO_ITEMS {
            let mut filter = bianli_store::ItemFilter::as_of(today);
            filter.name_contains = Some(name.to_string());
            filter.limit = 100_000;
            for v in self.store.items(&filter).await? {
                let item = &v.item;
                let Some(&hall) = by_division.get(item.division.as_str()) else {
                    continue;
                };
                if item.name != name {
                    continue;
                }
                for day in &days {
                    let input = SlotsInput {
                        item: item.code.to_string(),
                        date: day.to_string(),
                        times: DEMO_PERIODS
                            .iter()
                            .map(|(s, e)| PeriodInput {
                                start: s.to_string(),
                                end: e.to_string(),
                            })
                            .collect(),
                        capacity: DEMO_CAPACITY,
                    };
                    slots += self.open_slots(admin, hall, &input).await?.len();
                }
            }
        }
        Ok((opened, slots))
    }
}
