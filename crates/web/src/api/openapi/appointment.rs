//! Appointments' operations (`/cases/halls…`, `/cases/bookings…`) and the
//! schemas of their bodies.

use axum::http::StatusCode;
use bianli_app::store::appointment::{Hall, Slot, Window};
use bianli_domain::cases::appointment::{BookingStatus, MAX_CAPACITY, PeriodInput, SlotsInput};
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};

use super::operation::{Op, queries};
use super::schema::{
    array, closed, date, date_time, described, integer, mirror, natural, nullable, open, pattern,
    r, serialized, string, strings,
};
use crate::api::appointment::{
    BookingView, Bookings, HallSlots, Halls, HallsQuery, OpenedSlots, SlotChoice, SlotsQuery,
};

const TAG: &str = "cases";

fn hhmm() -> RefOr<Schema> {
    pattern("^([01][0-9]|2[0-3]):[0-5][0-9]$", "09:30")
}

fn ticket() -> RefOr<Schema> {
    pattern("^H[1-9][0-9]*-[0-9]{6}-[0-9]{3,}$", "H12-261130-007")
}

fn positive() -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .minimum(Some(1))
        .into()
}

fn capacity() -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .minimum(Some(1))
        .maximum(Some(MAX_CAPACITY))
        .into()
}

pub fn schemas() -> Vec<(&'static str, RefOr<Schema>)> {
    vec![
        (
            "Window",
            closed(mirror!(Window {
                number: natural(1000),
                name: string(),
            })),
        ),
        (
            "Hall",
            closed(
                mirror!(Hall {
                    id: integer(),
                    division: r("DivisionCode"),
                    name: string(),
                    windows: array(r("Window")),
                })
                .description(Some("a division's service hall (政务服务中心)")),
            ),
        ),
        ("Halls", closed(mirror!(Halls { halls: array(r("Hall")) }))),
        (
            "Slot",
            closed(
                mirror!(Slot {
                    id: integer(),
                    hall_id: integer(),
                    item: r("ItemCode"),
                    item_name: string(),
                    date: date(),
                    start: hhmm(),
                    end: hhmm(),
                    capacity: natural(u32::from(MAX_CAPACITY)),
                    booked: natural(u32::from(MAX_CAPACITY)),
                })
                .description(Some(
                    "a period of one working day at a hall for one item, with its places \
                     (`booked` never exceeds `capacity`)",
                )),
            ),
        ),
        (
            "HallSlots",
            closed(mirror!(HallSlots {
                hall: r("Hall"),
                slots: array(r("Slot")),
            })),
        ),
        (
            "OpenedSlots",
            closed(mirror!(OpenedSlots {
                slots: array(r("Slot")),
            })),
        ),
        (
            "PeriodInput",
            open(mirror!(PeriodInput {
                start: hhmm(),
                end: hhmm(),
            })),
        ),
        (
            "SlotsInput",
            open(
                mirror!(SlotsInput {
                    item: r("ItemCode"),
                    date: date(),
                    times: array(r("PeriodInput")),
                    capacity: capacity(),
                })
                .description(Some(
                    "Opens one item's periods on one working day, each with `capacity` places. \
                     The day must be a working day that has not passed, each period must end \
                     after it starts and not overlap another, and the item must be in force at \
                     the hall's division. Every bad field is named in the 422.",
                )),
            ),
        ),
        (
            "SlotChoice",
            open(mirror!(SlotChoice {
                slot: positive(),
            })),
        ),
        ("BookingStatus", serialized(BookingStatus::ALL)),
        (
            "BookingView",
            closed(
                mirror!(BookingView {
                    ticket: ticket(),
                    status: r("BookingStatus"),
                    status_zh: strings(BookingStatus::ALL.map(BookingStatus::zh)),
                    hall: integer(),
                    hall_name: string(),
                    slot: integer(),
                    item: r("ItemCode"),
                    item_name: string(),
                    date: date(),
                    start: hhmm(),
                    end: hhmm(),
                    rescheduled_to: nullable(ticket()),
                    created_at: date_time(),
                    changed_at: date_time(),
                    check_url: described(
                        "the ticket page, which the ticket's QR code carries: staff scan it to check the visitor in"
                    ),
                })
                .description(Some(
                    "A booking (预约). The ticket reads H<hall>-YYMMDD-NNN: the hall, the \
                     slot's day and the booking's number that day.",
                )),
            ),
        ),
        (
            "Bookings",
            closed(mirror!(Bookings {
                bookings: array(r("BookingView")),
            })),
        ),
    ]
}

fn hall_param(op: Op) -> Op {
    op.path("hall", integer(), "the hall's id")
}

fn ticket_param(op: Op) -> Op {
    op.path("ticket", ticket(), "the booking's ticket number")
}

pub fn halls() -> Op {
    let op = Op::new(TAG, "halls", "Service halls");
    queries!(
        op,
        HallsQuery {
            division: query(r("DivisionCode"), "only the hall of this division"),
        }
    )
    .ok(StatusCode::OK, "the halls with their windows", r("Halls"))
    .fails(&[StatusCode::UNPROCESSABLE_ENTITY])
}

pub fn slots() -> Op {
    let op = hall_param(Op::new(TAG, "hallSlots", "A hall's slots")).describe(
        "Slots on days in [from, to]: from today for two weeks by default, at most 62 days.",
    );
    queries!(
        op,
        SlotsQuery {
            item: query(r("ItemCode"), "only slots for this item"),
            from: query(date(), "the first day (default today)"),
            to: query(date(), "the last day (default 14 days after `from`)"),
        }
    )
    .ok(StatusCode::OK, "the hall and its slots", r("HallSlots"))
    .fails(&[StatusCode::NOT_FOUND, StatusCode::UNPROCESSABLE_ENTITY])
}

pub fn open_slots() -> Op {
    hall_param(Op::new(TAG, "openSlots", "Open slots at a hall"))
        .describe(
            "Clerks and department admins of the hall's division open its slots; a system \
             administrator opens them anywhere. A period already open for the item that day \
             is a 409 naming `times`.",
        )
        .bearer()
        .body(r("SlotsInput"))
        .ok(StatusCode::CREATED, "the slots opened", r("OpenedSlots"))
        .fails(&[
            StatusCode::FORBIDDEN,
            StatusCode::NOT_FOUND,
            StatusCode::CONFLICT,
        ])
}

pub fn book() -> Op {
    Op::new(TAG, "book", "Book a slot")
        .describe(
            "A citizen or enterprise books for themselves. 409 naming `slot` when the slot is \
             full, has started, or they already hold a booking of the item that day; 409 \
             naming `account` when three no-shows within 90 days suspend booking (30 days \
             from the third).",
        )
        .bearer()
        .body(r("SlotChoice"))
        .ok(
            StatusCode::CREATED,
            "the booking and its ticket",
            r("BookingView"),
        )
        .fails(&[StatusCode::FORBIDDEN, StatusCode::CONFLICT])
}

pub fn my_bookings() -> Op {
    Op::new(TAG, "myBookings", "My bookings").bearer().ok(
        StatusCode::OK,
        "latest slot first",
        r("Bookings"),
    )
}

pub fn booking() -> Op {
    ticket_param(Op::new(TAG, "booking", "A booking"))
        .describe("Its owner and the staff of its hall see it; to anyone else it does not exist.")
        .bearer()
        .ok(StatusCode::OK, "the booking", r("BookingView"))
        .fails(&[StatusCode::NOT_FOUND, StatusCode::UNPROCESSABLE_ENTITY])
}

fn owner_change(op: Op) -> Op {
    ticket_param(op).bearer().fails(&[
        StatusCode::FORBIDDEN,
        StatusCode::NOT_FOUND,
        StatusCode::CONFLICT,
        StatusCode::UNPROCESSABLE_ENTITY,
    ])
}

pub fn cancel() -> Op {
    owner_change(Op::new(TAG, "cancelBooking", "Cancel a booking"))
        .describe(
            "The owner cancels a booking still booked, before its slot starts (409 naming \
             `status` or `slot` otherwise); the place is free again.",
        )
        .ok(StatusCode::OK, "the cancelled booking", r("BookingView"))
}

pub fn reschedule() -> Op {
    owner_change(Op::new(
        TAG,
        "rescheduleBooking",
        "Move a booking to another slot",
    ))
    .describe(
        "To another slot of the same hall and item, before either starts. The old booking \
             becomes `rescheduled`; the new one has its own ticket.",
    )
    .body(r("SlotChoice"))
    .ok(StatusCode::CREATED, "the new booking", r("BookingView"))
}

fn staff_change(op: Op) -> Op {
    ticket_param(op).bearer().fails(&[
        StatusCode::FORBIDDEN,
        StatusCode::NOT_FOUND,
        StatusCode::CONFLICT,
        StatusCode::UNPROCESSABLE_ENTITY,
    ])
}

pub fn check_in() -> Op {
    staff_change(Op::new(TAG, "checkIn", "Check a visitor in"))
        .describe(
            "Staff of the hall's division, from 30 minutes before the slot starts until it ends.",
        )
        .ok(StatusCode::OK, "the booking, checked in", r("BookingView"))
}

pub fn no_show() -> Op {
    staff_change(Op::new(TAG, "noShow", "Record a no-show"))
        .describe("Staff of the hall's division, once the slot has ended without a check-in.")
        .ok(StatusCode::OK, "the booking, a no-show", r("BookingView"))
}
