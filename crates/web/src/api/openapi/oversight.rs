//! The oversight operations (`/oversight/...`) and the schemas of their bodies.

use axum::http::StatusCode;
use bianli_app::oversight::CardQuery;
use bianli_app::oversight::{Part, PersonFigures, Report, ScopeRef, Trend, TrendQuery};
use bianli_app::store::oversight::SupervisedCard;
use bianli_domain::oversight::{CardState, ChannelShare, Figures, WeekPoint, WorkdayAverages};
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema};

use super::operation::{Op, queries};
use super::schema::{
    array, boolean, closed, date, date_time, described, every, integer, mirror, nullable, number,
    open, pattern, r, serialized, string, strings,
};
use crate::api::oversight::{Cards, People, PeopleQuery};

const TAG: &str = "oversight";

fn share() -> RefOr<Schema> {
    nullable(number())
}

pub fn schemas() -> Vec<(&'static str, RefOr<Schema>)> {
    vec![
        (
            "CardState",
            serialized(every!(CardState {
                Open,
                Acknowledged,
                Explained,
                Closed
            })),
        ),
        (
            "ScopeRef",
            closed(mirror!(ScopeRef {
                level: strings(["province", "city", "county", "department"]),
                code: described("a division code (GB/T 2260), or a department id"),
                name: string(),
            })),
        ),
        (
            "ChannelShare",
            closed(mirror!(ChannelShare {
                channel: r("Channel"),
                cases: integer(),
                completed: integer(),
                share: share(),
            })),
        ),
        (
            "Figures",
            closed(mirror!(Figures {
                received: integer(),
                completed: integer(),
                on_time: integer(),
                on_time_rate: share(),
                instant: integer(),
                instant_share: share(),
                zero_trip: integer(),
                zero_trip_share: share(),
                channels: array(r("ChannelShare")),
                ratings: integer(),
                good_ratings: integer(),
                satisfaction: share(),
                open_follow_ups: integer(),
                overdue_follow_ups: integer(),
                yellow_cards: integer(),
                red_cards: integer(),
            })),
        ),
        (
            "WorkdayAverages",
            closed(mirror!(WorkdayAverages {
                cases: integer(),
                used: share(),
                promised: share(),
                provisional: boolean(),
            })),
        ),
        (
            "OversightPart",
            closed(mirror!(Part {
                scope: r("ScopeRef"),
                figures: r("Figures"),
            })),
        ),
        (
            "OversightReport",
            closed(mirror!(Report {
                scope: r("ScopeRef"),
                computed_at: date_time(),
                figures: r("Figures"),
                workdays: nullable(r("WorkdayAverages")),
                parts: array(r("OversightPart")),
            })),
        ),
        (
            "WeekPoint",
            closed(mirror!(WeekPoint {
                week: pattern("^[0-9]{4}-W[0-9]{2}$", "2026-W48"),
                from: date(),
                received: integer(),
                completed: integer(),
                on_time: integer(),
            })),
        ),
        (
            "Trend",
            closed(mirror!(Trend {
                scope: r("ScopeRef"),
                computed_at: date_time(),
                weeks: array(r("WeekPoint")),
            })),
        ),
        (
            "PersonFigures",
            closed(mirror!(PersonFigures {
                account_id: integer(),
                figures: r("Figures"),
            })),
        ),
        (
            "People",
            closed(mirror!(People {
                people: array(r("PersonFigures"))
            })),
        ),
        (
            "SupervisedCard",
            closed(mirror!(SupervisedCard {
                case_number: r("CaseNumber"),
                item_code: r("ItemCode"),
                step: integer(),
                kind: r("CardKind"),
                department_id: integer(),
                division: string(),
                assignee: nullable(integer()),
                on: date(),
                reason: string(),
                state: r("CardState"),
                revision: integer(),
                acknowledged_by: nullable(string()),
                acknowledged_at: nullable(date_time()),
                explanation: nullable(string()),
                explained_by: nullable(string()),
                explained_at: nullable(date_time()),
                closed_by: nullable(string()),
                closed_at: nullable(date_time()),
            })),
        ),
        (
            "SupervisedCards",
            closed(mirror!(Cards {
                cards: array(r("SupervisedCard"))
            })),
        ),
    ]
}

fn report(op: Op) -> Op {
    op.ok(
        StatusCode::OK,
        "the figures, computed now",
        r("OversightReport"),
    )
}

pub fn province() -> Op {
    report(
        Op::new(
            TAG,
            "oversightProvince",
            "The province's figures (sunshine dashboard)",
        )
        .describe(
            "Public, no personal data. Received, completed, on-time rate, working days used \
                 against promised, 即办件 and zero-trip shares, channels, satisfaction (好评 share \
                 of ratings 4–5), open 差评 follow-ups and cards; parts: each city (its counties \
                 within) and the provincial departments.",
        ),
    )
}

pub fn division() -> Op {
    report(
        Op::new(TAG, "oversightDivision", "A division's figures")
            .describe("A city counts its counties; parts are its counties and its own departments.")
            .path("code", r("DivisionCode"), "GB/T 2260 code"),
    )
    .fails(&[StatusCode::NOT_FOUND, StatusCode::UNPROCESSABLE_ENTITY])
}

pub fn department() -> Op {
    report(
        Op::new(TAG, "oversightDepartment", "A department's figures").path(
            "id",
            integer(),
            "the department's id",
        ),
    )
    .fails(&[StatusCode::NOT_FOUND, StatusCode::UNPROCESSABLE_ENTITY])
}

pub fn trends() -> Op {
    let op = Op::new(TAG, "oversightTrends", "Weekly trends").describe(
        "Cases received, completed and completed on time per ISO week, for the last `weeks` \
         weeks up to this one; the province unless a division or a department is named.",
    );
    queries!(
        op,
        TrendQuery {
            division: query(r("DivisionCode"), "a division (a city counts its counties)"),
            department: query(integer(), "a department id"),
            weeks: query(integer(), "how many weeks, 1–104 (default 12)"),
        }
    )
    .ok(
        StatusCode::OK,
        "one point per week, oldest first",
        r("Trend"),
    )
    .fails(&[StatusCode::NOT_FOUND, StatusCode::UNPROCESSABLE_ENTITY])
}

pub fn people() -> Op {
    let op = Op::new(TAG, "oversightPeople", "Figures per person")
        .describe(
            "Per staff member the cases' current (or final) step is assigned to. Supervisors \
             see any department (all without one); staff only their own.",
        )
        .bearer();
    queries!(
        op,
        PeopleQuery {
            department: query(integer(), "a department id"),
        }
    )
    .ok(
        StatusCode::OK,
        "one entry per person with cases",
        r("People"),
    )
    .fails(&[StatusCode::FORBIDDEN, StatusCode::UNPROCESSABLE_ENTITY])
}

pub fn cards() -> Op {
    let op = Op::new(TAG, "oversightCards", "The supervisor's workbench of cards")
        .describe(
            "Yellow and red cards with their handling, newest first (at most 500). Supervisors \
             see every card; a department's staff their own department's.",
        )
        .bearer();
    queries!(
        op,
        CardQuery {
            department: query(integer(), "the card's department"),
            division: query(
                r("DivisionCode"),
                "a division; a city includes its counties"
            ),
            person: query(integer(), "the account the late step was assigned to"),
            kind: query(r("CardKind"), "yellow or red"),
            state: query(r("CardState"), "how far it has been handled"),
        }
    )
    .ok(StatusCode::OK, "the cards", r("SupervisedCards"))
    .fails(&[StatusCode::FORBIDDEN, StatusCode::UNPROCESSABLE_ENTITY])
}

fn card_path(op: Op) -> Op {
    op.path("number", r("CaseNumber"), "the case")
        .path("step", integer(), "the workflow step the card was given at")
        .path("kind", r("CardKind"), "yellow or red")
}

pub fn card() -> Op {
    card_path(Op::new(TAG, "oversightCard", "One card").bearer())
        .ok(StatusCode::OK, "the card", r("SupervisedCard"))
        .fails(&[
            StatusCode::FORBIDDEN,
            StatusCode::NOT_FOUND,
            StatusCode::UNPROCESSABLE_ENTITY,
        ])
}

pub fn act() -> Op {
    card_path(
        Op::new(
            TAG,
            "oversightCardAction",
            "Acknowledge, explain or close a card",
        )
        .describe(
            "acknowledge and close: supervisors; explain {explanation} (10–1000 characters): \
                 the card's department. A closed card takes no more actions (409 naming \
                 `state`); someone acting first is a 409 naming `revision`.",
        )
        .bearer(),
    )
    .body(open(
        ObjectBuilder::new()
            .property("action", strings(["acknowledge", "explain", "close"]))
            .required("action")
            .property("explanation", string()),
    ))
    .ok(
        StatusCode::OK,
        "the card after the action",
        r("SupervisedCard"),
    )
    .fails(&[
        StatusCode::FORBIDDEN,
        StatusCode::NOT_FOUND,
        StatusCode::CONFLICT,
        StatusCode::UNPROCESSABLE_ENTITY,
    ])
}
