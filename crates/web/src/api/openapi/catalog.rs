//! The catalog's operations (`/catalog/...`), one per route in `api::catalog`.

mod schemas;

use axum::http::StatusCode;
use bianli_app::catalog::{ItemQuery, MAX_LIMIT};
use utoipa::openapi::schema::{ObjectBuilder, Type};

pub use schemas::all as schemas;

use super::operation::{Op, queries};
use super::schema::{array, boolean, date, described, integer, r};
use crate::api::catalog::{DiffParams, StatsQuery};

const TAG: &str = "catalog";

fn limit(default: usize) -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .minimum(Some(1))
        .maximum(Some(MAX_LIMIT as u32))
        .default(Some(default.into()))
        .into()
}

fn decree_id(op: Op) -> Op {
    let id = ObjectBuilder::new()
        .schema_type(Type::Integer)
        .minimum(Some(1));
    op.path("id", id.into(), "the decree's id")
        .fails(&[StatusCode::NOT_FOUND, StatusCode::UNPROCESSABLE_ENTITY])
}

pub fn items() -> Op {
    let op = Op::new(TAG, "searchItems", "Search or list the items in force").describe(
        "With `q`, the current list best match first (`ranked: true`), understanding what \
         people say (开饭店, 卖烟); without it, code order. `as_of` lists the list on a past date. \
         Page on with `cursor` = the previous page's `next_cursor`.",
    );
    queries!(
        op,
        ItemQuery {
            q: query(
                described("words to search for, at most 100 characters"),
                "what to look for"
            ),
            level: query(
                described("province, city or county (省级, 市级, 县级)"),
                "the level"
            ),
            division: query(r("DivisionCode"), "the implementing division"),
            department: query(integer(), "the implementing department's id"),
            kind: query(r("ItemKind"), "the kind"),
            channel: query(
                schemas::channel_names(),
                "reachable through this channel (current list only)",
            ),
            zero_trip: query(boolean(), "only items needing no visit (零跑腿)"),
            as_of: query(date(), "the list in force on this date (default today)"),
            cursor: query(
                described("`next_cursor` of the previous page"),
                "where to go on"
            ),
            limit: query(limit(20), "items per page"),
        }
    )
    .ok(StatusCode::OK, "a page of items", r("ItemPage"))
    .fails(&[StatusCode::UNPROCESSABLE_ENTITY])
}

pub fn item() -> Op {
    Op::new(TAG, "getItem", "One item with every version")
        .path("code", r("ItemCode"), "the item's code")
        .ok(
            StatusCode::OK,
            "the current (or last) version and the history",
            r("ItemDetail"),
        )
        .fails(&[StatusCode::NOT_FOUND, StatusCode::UNPROCESSABLE_ENTITY])
}

pub fn revise() -> Op {
    Op::new(TAG, "reviseItem", "Revise an item (日常维护)")
        .describe(
            "A routine revision by the item's own department admin (or an admin): the current \
             version ends on `effective_on` (default today) and the new one starts.",
        )
        .bearer()
        .path("code", r("ItemCode"), "the item's code")
        .body(r("ItemRevision"))
        .ok(StatusCode::OK, "the new version", r("ItemVersion"))
        .fails(&[
            StatusCode::FORBIDDEN,
            StatusCode::NOT_FOUND,
            StatusCode::CONFLICT,
        ])
}

pub fn stats() -> Op {
    let op = Op::new(TAG, "getStats", "Counts of the list in force").describe(
        "Per level, kind, department and division; with `baseline`, the reduction since.",
    );
    queries!(
        op,
        StatsQuery {
            as_of: query(date(), "count the list on this date (default today)"),
            baseline: query(date(), "compare with the list on this date"),
        }
    )
    .ok(StatusCode::OK, "the counts", r("Stats"))
    .fails(&[StatusCode::UNPROCESSABLE_ENTITY])
}

pub fn diff() -> Op {
    let op = Op::new(TAG, "getDiff", "What changed between two dates")
        .describe("Counts per decree and adjustment, and the items in code order.");
    queries!(
        op,
        DiffParams {
            from: required_query(date(), "the earlier date"),
            to: required_query(date(), "the later date, not before `from`"),
            division: query(r("DivisionCode"), "only items of this division"),
            cursor: query(r("ItemCode"), "`next_after` of the previous page"),
            limit: query(limit(100), "rows per page"),
        }
    )
    .ok(StatusCode::OK, "the difference", r("Diff"))
    .fails(&[StatusCode::UNPROCESSABLE_ENTITY])
}

pub fn departments() -> Op {
    Op::new(TAG, "listDepartments", "Every department").ok(
        StatusCode::OK,
        "the departments",
        array(r("Department")),
    )
}

pub fn divisions() -> Op {
    Op::new(TAG, "listDivisions", "Every division").ok(
        StatusCode::OK,
        "the divisions",
        array(r("Division")),
    )
}

pub fn decrees() -> Op {
    Op::new(TAG, "listDecrees", "Every decree, drafts included").ok(
        StatusCode::OK,
        "the decrees with what each started and ended",
        array(r("DecreeSummary")),
    )
}

pub fn draft() -> Op {
    Op::new(TAG, "draftDecree", "Draft a decree")
        .bearer()
        .body(r("DecreeInput"))
        .ok(StatusCode::CREATED, "the draft", r("Decree"))
        .fails(&[StatusCode::FORBIDDEN, StatusCode::CONFLICT])
}

pub fn decree() -> Op {
    decree_id(Op::new(TAG, "getDecree", "One decree")).ok(
        StatusCode::OK,
        "the decree, its draft adjustments or what it did",
        r("DecreeDetail"),
    )
}

pub fn adjust() -> Op {
    decree_id(
        Op::new(TAG, "addAdjustments", "Add adjustments to a draft")
            .describe("A department admin only for items of their own department.")
            .bearer(),
    )
    .body(r("Adjustments"))
    .ok(
        StatusCode::OK,
        "the draft as it now stands",
        r("DecreeDetail"),
    )
    .fails(&[StatusCode::FORBIDDEN, StatusCode::CONFLICT])
}

pub fn apply() -> Op {
    decree_id(
        Op::new(TAG, "applyDecree", "Apply a draft")
            .describe(
                "All adjustments at once or none: any that does not fit the list as it stands \
                 fails the whole decree with every problem named (`adjustments[3].code`).",
            )
            .bearer(),
    )
    .ok(
        StatusCode::OK,
        "what the decree started and ended",
        r("Applied"),
    )
    .fails(&[StatusCode::FORBIDDEN, StatusCode::CONFLICT])
}
