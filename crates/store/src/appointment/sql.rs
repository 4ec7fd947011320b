//! The appointment SQL both back ends share, stamped out per driver by
//! [`impl_appointment_store!`] (as `impl_store!` does for the rest). Each
//! driver supplies `begin_cases`: SQLite's write transaction, and on
//! PostgreSQL a plain one (the statements carry their own guards).

macro_rules! impl_appointment_store {
    ($store:ty, $db:ty) => {
        mod appointment_impl {
            use async_trait::async_trait;
            use bianli_domain::cases::appointment::{BookingStatus, NewSlots, Ticket};
            use bianli_domain::event::NewEvent;
            use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
            use sqlx::{QueryBuilder, Row};

            use super::*;
            use crate::appointment::{AppointmentStore, Booking, Hall, NewHall, Slot, Window};
            use crate::{Result, StoreError};

            type Tx = super::CaseTx;
            type DbRow = <$db as sqlx::Database>::Row;

            const BOOKING_COLS: &str = "SELECT b.id, b.ticket, b.slot_id, b.hall_id, h.name AS hall_name, \
                 b.item, s.item_name, b.day, s.start_time, s.end_time, b.account_id, b.status, \
                 b.rescheduled_to, b.created_at, b.changed_at \
                 FROM cases_bookings b JOIN cases_slots s ON s.id = b.slot_id \
                 JOIN cases_halls h ON h.id = b.hall_id";
            const SLOT_COLS: &str = "SELECT id, hall_id, item, item_name, day, start_time, end_time, \
                 capacity, booked FROM cases_slots";

            fn hhmm(t: NaiveTime) -> String {
                t.format("%H:%M").to_string()
            }

            fn time(r: &DbRow, col: &str) -> Result<NaiveTime> {
                let s: String = r.try_get(col)?;
                NaiveTime::parse_from_str(&s, "%H:%M").map_err(|_| {
                    StoreError::Invalid(bianli_domain::Invalid::one(col, format!("已存储的时间“{s}”不是HH:MM格式")))
                })
            }

            fn slot(r: &DbRow) -> Result<Slot> {
                Ok(Slot {
                    id: r.try_get("id")?,
                    hall_id: r.try_get("hall_id")?,
                    item: r.try_get("item")?,
                    item_name: r.try_get("item_name")?,
                    date: r.try_get("day")?,
                    start: time(r, "start_time")?,
                    end: time(r, "end_time")?,
                    capacity: r.try_get("capacity")?,
                    booked: r.try_get("booked")?,
                })
            }

            fn booking(r: &DbRow) -> Result<Booking> {
                Ok(Booking {
                    id: r.try_get("id")?,
                    ticket: r.try_get("ticket")?,
                    slot_id: r.try_get("slot_id")?,
                    hall_id: r.try_get("hall_id")?,
                    hall_name: r.try_get("hall_name")?,
                    item: r.try_get("item")?,
                    item_name: r.try_get("item_name")?,
                    date: r.try_get("day")?,
                    start: time(r, "start_time")?,
                    end: time(r, "end_time")?,
                    account_id: r.try_get("account_id")?,
                    status: BookingStatus::parse(&r.try_get::<String, _>("status")?)
                        .map_err(StoreError::Invalid)?,
                    rescheduled_to: r.try_get("rescheduled_to")?,
                    created_at: r.try_get("created_at")?,
                    changed_at: r.try_get("changed_at")?,
                })
            }

            async fn booking_in(tx: &mut Tx, id: i64) -> Result<Booking> {
                let row = sqlx::query(sqlx::AssertSqlSafe(format!("{BOOKING_COLS} WHERE b.id = $1")))
                    .bind(id)
                    .fetch_one(&mut **tx)
                    .await?;
                booking(&row)
            }

            /// Takes one place: the statement is the guard, so it holds for
            /// concurrent bookers on any number of servers.
            async fn take_place(tx: &mut Tx, slot_id: i64) -> Result<()> {
                let taken = sqlx::query(
                    "UPDATE cases_slots SET booked = booked + 1 WHERE id = $1 AND booked < capacity",
                )
                .bind(slot_id)
                .execute(&mut **tx)
                .await?
                .rows_affected();
                if taken != 1 {
                    return Err(StoreError::conflict("slot", "该时段已约满，请选择其他时段"));
                }
                Ok(())
            }

            async fn give_place_back(tx: &mut Tx, slot_id: i64) -> Result<()> {
                sqlx::query("UPDATE cases_slots SET booked = booked - 1 WHERE id = $1 AND booked > 0")
                    .bind(slot_id)
                    .execute(&mut **tx)
                    .await?;
                Ok(())
            }

            /// Inserts the booking with the next ticket of its hall and day.
            async fn insert_booking(tx: &mut Tx, s: &Slot, account_id: i64, at: DateTime<Utc>) -> Result<Booking> {
                let seq: i64 = sqlx::query_scalar(
                    "INSERT INTO cases_ticket_seq (hall_id, day, last) VALUES ($1, $2, 1) \
                     ON CONFLICT (hall_id, day) DO UPDATE SET last = cases_ticket_seq.last + 1 \
                     RETURNING last",
                )
                .bind(s.hall_id)
                .bind(s.date)
                .fetch_one(&mut **tx)
                .await?;
                let ticket = Ticket::new(s.hall_id, s.date, seq);
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO cases_bookings (ticket, slot_id, hall_id, item, day, account_id, status, \
                       created_at, changed_at) VALUES ($1, $2, $3, $4, $5, $6, 'booked', $7, $7) RETURNING id",
                )
                .bind(ticket.as_str())
                .bind(s.id)
                .bind(s.hall_id)
                .bind(&s.item)
                .bind(s.date)
                .bind(account_id)
                .bind(at)
                .fetch_one(&mut **tx)
                .await
                .map_err(|e| match crate::sql::unique_violation(e, &["account_id"]) {
                    StoreError::Conflict { .. } => StoreError::conflict(
                        "slot",
                        format!("您在{}已预约“{}”，请先取消或改约", s.date, s.item_name),
                    ),
                    other => other,
                })?;
                booking_in(tx, id).await
            }

            fn booking_event(kind: &'static str, b: &Booking, actor: &str, extra: serde_json::Value) -> NewEvent {
                // The ticket, slot and item are public facts; the account stays in `actor`.
                let mut payload = serde_json::json!({
                    "slot": b.slot_id, "hall": b.hall_id, "item": b.item, "date": b.date,
                });
                if let (Some(p), Some(x)) = (payload.as_object_mut(), extra.as_object()) {
                    p.extend(x.clone());
                }
                NewEvent::new("cases", kind, format!("booking:{}", b.ticket), actor, payload)
            }

            async fn windows(pool: &sqlx::Pool<$db>, hall: Option<i64>) -> Result<Vec<(i64, Window)>> {
                let mut qb = QueryBuilder::<$db>::new("SELECT hall_id, number, name FROM cases_windows");
                if let Some(h) = hall {
                    qb.push(" WHERE hall_id = ").push_bind(h);
                }
                qb.push(" ORDER BY hall_id, number");
                qb.build()
                    .fetch_all(pool)
                    .await?
                    .iter()
                    .map(|r| {
                        Ok((
                            r.try_get("hall_id")?,
                            Window { number: r.try_get("number")?, name: r.try_get("name")? },
                        ))
                    })
                    .collect()
            }

            fn with_windows(rows: Vec<DbRow>, windows: Vec<(i64, Window)>) -> Result<Vec<Hall>> {
                let mut by_hall: std::collections::HashMap<i64, Vec<Window>> = std::collections::HashMap::new();
                for (h, w) in windows {
                    by_hall.entry(h).or_default().push(w);
                }
                rows.iter()
                    .map(|r| {
                        let id: i64 = r.try_get("id")?;
                        Ok(Hall {
                            id,
                            division: r.try_get("division")?,
                            name: r.try_get("name")?,
                            windows: by_hall.remove(&id).unwrap_or_default(),
                        })
                    })
                    .collect()
            }

            #[async_trait]
            impl AppointmentStore for $store {
                async fn open_halls(&self, halls: &[NewHall], actor: &str, at: DateTime<Utc>) -> Result<usize> {
                    let mut tx = self.begin_cases().await?;
                    let mut opened = Vec::new();
                    for h in halls {
                        let id: Option<i64> = sqlx::query_scalar(
                            "INSERT INTO cases_halls (division, name, created_at) VALUES ($1, $2, $3) \
                             ON CONFLICT (division) DO NOTHING RETURNING id",
                        )
                        .bind(&h.division)
                        .bind(&h.name)
                        .bind(at)
                        .fetch_optional(&mut *tx)
                        .await?;
                        let Some(id) = id else { continue };
                        for (i, w) in h.windows.iter().enumerate() {
                            sqlx::query("INSERT INTO cases_windows (hall_id, number, name) VALUES ($1, $2, $3)")
                                .bind(id)
                                .bind(i32::try_from(i + 1).unwrap_or(i32::MAX))
                                .bind(w)
                                .execute(&mut *tx)
                                .await?;
                        }
                        opened.push(id);
                    }
                    if !opened.is_empty() {
                        let e = NewEvent::new(
                            "cases",
                            "halls.opened",
                            "halls",
                            actor,
                            serde_json::json!({"halls": opened}),
                        );
                        write_event(&mut tx, &e, at).await?;
                    }
                    tx.commit().await?;
                    Ok(opened.len())
                }

                async fn halls(&self, division: Option<&str>) -> Result<Vec<Hall>> {
                    let mut qb = QueryBuilder::<$db>::new("SELECT id, division, name FROM cases_halls");
                    if let Some(d) = division {
                        qb.push(" WHERE division = ").push_bind(d.to_string());
                    }
                    qb.push(" ORDER BY division");
                    let rows = qb.build().fetch_all(&self.pool).await?;
                    let hall = match (division, rows.first()) {
                        (Some(_), Some(r)) => Some(r.try_get("id")?),
                        _ => None,
                    };
                    with_windows(rows, windows(&self.pool, hall).await?)
                }

                async fn hall(&self, id: i64) -> Result<Option<Hall>> {
                    let rows = sqlx::query("SELECT id, division, name FROM cases_halls WHERE id = $1")
                        .bind(id)
                        .fetch_all(&self.pool)
                        .await?;
                    Ok(with_windows(rows, windows(&self.pool, Some(id)).await?)?.pop())
                }

                async fn open_slots(
                    &self,
                    hall_id: i64,
                    item_name: &str,
                    s: &NewSlots,
                    actor: &str,
                    at: DateTime<Utc>,
                ) -> Result<Vec<Slot>> {
                    let mut tx = self.begin_cases().await?;
                    let mut ids = Vec::new();
                    for &(start, end) in &s.times {
                        let id: i64 = sqlx::query_scalar(
                            "INSERT INTO cases_slots (hall_id, item, item_name, day, start_time, end_time, \
                               capacity, booked, opened_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $8) RETURNING id",
                        )
                        .bind(hall_id)
                        .bind(s.item.to_string())
                        .bind(item_name)
                        .bind(s.date)
                        .bind(hhmm(start))
                        .bind(hhmm(end))
                        .bind(i32::from(s.capacity))
                        .bind(at)
                        .fetch_one(&mut *tx)
                        .await
                        .map_err(|e| match crate::sql::unique_violation(e, &["times"]) {
                            StoreError::Conflict { .. } => StoreError::conflict(
                                "times",
                                format!("该事项{}{}的时段已开放", s.date, hhmm(start)),
                            ),
                            other => other,
                        })?;
                        ids.push(id);
                    }
                    let e = NewEvent::new(
                        "cases",
                        "slots.opened",
                        format!("hall:{hall_id}"),
                        actor,
                        serde_json::json!({
                            "item": s.item.to_string(), "date": s.date, "capacity": s.capacity,
                            "slots": ids,
                            "times": s.times.iter().map(|(a, b)| format!("{}-{}", hhmm(*a), hhmm(*b))).collect::<Vec<_>>(),
                        }),
                    );
                    write_event(&mut tx, &e, at).await?;
                    let mut qb = QueryBuilder::<$db>::new(format!("{SLOT_COLS} WHERE id IN ("));
                    let mut list = qb.separated(", ");
                    for id in &ids {
                        list.push_bind(*id);
                    }
                    qb.push(") ORDER BY start_time");
                    let rows = qb.build().fetch_all(&mut *tx).await?;
                    tx.commit().await?;
                    rows.iter().map(slot).collect()
                }

                async fn slots(&self, hall_id: i64, item: Option<&str>, from: NaiveDate, to: NaiveDate) -> Result<Vec<Slot>> {
                    let mut qb = QueryBuilder::<$db>::new(format!("{SLOT_COLS} WHERE hall_id = "));
                    qb.push_bind(hall_id)
                        .push(" AND day >= ")
                        .push_bind(from)
                        .push(" AND day <= ")
                        .push_bind(to);
                    if let Some(i) = item {
                        qb.push(" AND item = ").push_bind(i.to_string());
                    }
                    qb.push(" ORDER BY day, start_time, item LIMIT 2000");
                    qb.build().fetch_all(&self.pool).await?.iter().map(slot).collect()
                }

                async fn slot(&self, id: i64) -> Result<Option<Slot>> {
                    sqlx::query(sqlx::AssertSqlSafe(format!("{SLOT_COLS} WHERE id = $1")))
                        .bind(id)
                        .fetch_optional(&self.pool)
                        .await?
                        .as_ref()
                        .map(slot)
                        .transpose()
                }

                async fn book(&self, s: &Slot, account_id: i64, actor: &str, at: DateTime<Utc>) -> Result<Booking> {
                    let mut tx = self.begin_cases().await?;
                    take_place(&mut tx, s.id).await?;
                    let b = insert_booking(&mut tx, s, account_id, at).await?;
                    write_event(&mut tx, &booking_event("booking.created", &b, actor, serde_json::json!({})), at).await?;
                    tx.commit().await?;
                    Ok(b)
                }

                async fn reschedule(&self, old: &Booking, to: &Slot, actor: &str, at: DateTime<Utc>) -> Result<Booking> {
                    let mut tx = self.begin_cases().await?;
                    // The booking row first: a second mover of the same booking stops here.
                    let moved = sqlx::query(
                        "UPDATE cases_bookings SET status = 'rescheduled', changed_at = $1 WHERE id = $2 AND status = 'booked'",
                    )
                    .bind(at)
                    .bind(old.id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                    if moved != 1 {
                        return Err(StoreError::conflict("status", "该预约已不是“已预约”状态"));
                    }
                    // Slot rows in id order, so two opposite moves cannot deadlock.
                    if to.id < old.slot_id {
                        take_place(&mut tx, to.id).await?;
                        give_place_back(&mut tx, old.slot_id).await?;
                    } else {
                        give_place_back(&mut tx, old.slot_id).await?;
                        take_place(&mut tx, to.id).await?;
                    }
                    let b = insert_booking(&mut tx, to, old.account_id, at).await?;
                    sqlx::query("UPDATE cases_bookings SET rescheduled_to = $1 WHERE id = $2")
                        .bind(&b.ticket)
                        .bind(old.id)
                        .execute(&mut *tx)
                        .await?;
                    let e = booking_event(
                        "booking.rescheduled",
                        old,
                        actor,
                        serde_json::json!({"to": b.ticket, "to_slot": to.id, "to_date": to.date}),
                    );
                    write_event(&mut tx, &e, at).await?;
                    tx.commit().await?;
                    Ok(b)
                }

                async fn close_booking(&self, b: &Booking, to: BookingStatus, actor: &str, at: DateTime<Utc>) -> Result<Booking> {
                    let kind = match to {
                        BookingStatus::Cancelled => "booking.cancelled",
                        BookingStatus::CheckedIn => "booking.checked_in",
                        BookingStatus::NoShow => "booking.no_show",
                        other => {
                            return Err(StoreError::Invalid(bianli_domain::Invalid::one(
                                "status",
                                format!("预约不能以“{}”结束", other.zh()),
                            )));
                        }
                    };
                    let mut tx = self.begin_cases().await?;
                    let changed = sqlx::query(
                        "UPDATE cases_bookings SET status = $1, changed_at = $2 WHERE id = $3 AND status = 'booked'",
                    )
                    .bind(to.as_str())
                    .bind(at)
                    .bind(b.id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                    if changed != 1 {
                        return Err(StoreError::conflict("status", "该预约已不是“已预约”状态"));
                    }
                    if to == BookingStatus::Cancelled {
                        give_place_back(&mut tx, b.slot_id).await?;
                    }
                    write_event(&mut tx, &booking_event(kind, b, actor, serde_json::json!({})), at).await?;
                    let closed = booking_in(&mut tx, b.id).await?;
                    tx.commit().await?;
                    Ok(closed)
                }

                async fn booking(&self, ticket: &str) -> Result<Option<Booking>> {
                    sqlx::query(sqlx::AssertSqlSafe(format!("{BOOKING_COLS} WHERE b.ticket = $1")))
                        .bind(ticket)
                        .fetch_optional(&self.pool)
                        .await?
                        .as_ref()
                        .map(booking)
                        .transpose()
                }

                async fn bookings_of(&self, account_id: i64) -> Result<Vec<Booking>> {
                    sqlx::query(sqlx::AssertSqlSafe(format!(
                        "{BOOKING_COLS} WHERE b.account_id = $1 ORDER BY b.day DESC, s.start_time DESC, b.id DESC LIMIT 200"
                    )))
                    .bind(account_id)
                    .fetch_all(&self.pool)
                    .await?
                    .iter()
                    .map(booking)
                    .collect()
                }

                async fn hall_bookings(&self, hall_id: i64, day: NaiveDate) -> Result<Vec<Booking>> {
                    sqlx::query(sqlx::AssertSqlSafe(format!(
                        "{BOOKING_COLS} WHERE b.hall_id = $1 AND b.day = $2 ORDER BY s.start_time, b.ticket"
                    )))
                    .bind(hall_id)
                    .bind(day)
                    .fetch_all(&self.pool)
                    .await?
                    .iter()
                    .map(booking)
                    .collect()
                }

                async fn no_show_days(&self, account_id: i64, since: NaiveDate) -> Result<Vec<NaiveDate>> {
                    Ok(sqlx::query_scalar(
                        "SELECT day FROM cases_bookings WHERE account_id = $1 AND status = 'no_show' AND day >= $2 ORDER BY day",
                    )
                    .bind(account_id)
                    .bind(since)
                    .fetch_all(&self.pool)
                    .await?)
                }
            }
        }
    };
}

pub(crate) use impl_appointment_store;
