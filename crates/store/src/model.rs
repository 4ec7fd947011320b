//! What the store reads and writes, beside the domain types.

use bianli_domain::calendar::SpecialDay;
use bianli_domain::catalog::{Adjustment, AdjustmentKind, Decree, Item, ItemKind};
use bianli_domain::division::Level;
use bianli_domain::identity::{AccountKind, Role};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Which items, in force on `as_of`, in code order after `after`.
#[derive(Debug, Clone)]
pub struct ItemFilter {
    pub as_of: NaiveDate,
    pub level: Option<Level>,
    pub division: Option<String>,
    pub department_id: Option<i64>,
    pub kind: Option<ItemKind>,
    pub zero_trip: bool,
    /// Plain substring of the name, for dates the search index does not cover.
    pub name_contains: Option<String>,
    pub after: Option<String>,
    pub limit: i64,
}

impl ItemFilter {
    pub fn as_of(as_of: NaiveDate) -> Self {
        Self {
            as_of,
            level: None,
            division: None,
            department_id: None,
            kind: None,
            zero_trip: false,
            name_contains: None,
            after: None,
            limit: 50,
        }
    }
}

/// One version of an item, with when it was in force and what made it so.
#[derive(Debug, Clone, Serialize)]
pub struct ItemVersion {
    pub item: Item,
    pub version: i64,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
    pub started_by: Option<i64>,
    pub start_change: AdjustmentKind,
    pub ended_by: Option<i64>,
    pub end_change: Option<AdjustmentKind>,
}

/// Items in force on a date, counted several ways.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Counts {
    pub total: i64,
    pub by_level: Vec<(Level, i64)>,
    pub by_kind: Vec<(ItemKind, i64)>,
    pub by_department: Vec<(i64, i64)>,
    pub by_division: Vec<(String, i64)>,
}

#[derive(Debug, Clone)]
pub struct DiffQuery {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub division: Option<String>,
    pub after: Option<String>,
    pub limit: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DiffKind {
    Added,
    Removed,
    Changed,
}

#[derive(Debug, Clone, Serialize)]
pub struct DiffRow {
    pub code: String,
    pub name: String,
    pub level: Level,
    pub division: String,
    pub department_id: i64,
    pub change: DiffKind,
    /// The adjustment kind that made the difference (e.g. 取消, 下放).
    pub adjustment: Option<AdjustmentKind>,
    pub decree_id: Option<i64>,
}

/// Per decree and adjustment kind, how many items the period gained or lost.
#[derive(Debug, Clone, Serialize)]
pub struct DiffSummary {
    pub decree_id: Option<i64>,
    pub adjustment: AdjustmentKind,
    pub change: DiffKind,
    pub level: Level,
    pub count: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Diff {
    pub summary: Vec<DiffSummary>,
    pub rows: Vec<DiffRow>,
    pub next_after: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DecreeSummary {
    #[serde(flatten)]
    pub decree: Decree,
    pub started: i64,
    pub ended: i64,
    pub drafted: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct DecreeDetail {
    #[serde(flatten)]
    pub decree: Decree,
    /// Draft adjustments (empty once applied).
    pub adjustments: Vec<Adjustment>,
    /// What an applied decree did: counts per adjustment kind and level.
    pub effects: Vec<DecreeEffect>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DecreeEffect {
    pub adjustment: AdjustmentKind,
    pub level: Level,
    pub started: i64,
    pub ended: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Applied {
    pub decree_id: i64,
    pub started: usize,
    pub ended: usize,
    /// Codes whose current version changed (for the search index).
    pub touched: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct NewAccount {
    pub username: String,
    pub kind: AccountKind,
    pub display_name: String,
    pub id_number: Option<String>,
    pub uscc: Option<String>,
    pub employee_no: Option<String>,
    pub password_hash: String,
    pub role: Role,
    pub department_id: Option<i64>,
    pub division: Option<String>,
}

#[derive(Debug, Clone)]
pub struct AccountRow {
    pub id: i64,
    pub username: String,
    pub kind: AccountKind,
    pub display_name: String,
    pub id_number: Option<String>,
    pub uscc: Option<String>,
    pub employee_no: Option<String>,
    pub password_hash: String,
    pub role: Role,
    pub department_id: Option<i64>,
    pub division: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct EventRow {
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub context: String,
    pub kind: String,
    pub subject: String,
    pub actor: String,
    pub payload: serde_json::Value,
    /// The actor as the public ledger shows it, fixed when written
    /// (`bianli_domain::event::PublicActor`); `None` only on a row written
    /// past the store.
    pub public_actor: Option<String>,
    pub public_role: Option<String>,
}

/// What a write with an Idempotency-Key finds when it starts.
#[derive(Debug, Clone, PartialEq)]
pub enum IdempotencyStart {
    /// First use of the key: the request runs and its answer is recorded.
    Started,
    /// The key's request is still running.
    InProgress,
    /// The key was used before; here is what was answered.
    Done {
        method: String,
        path: String,
        status: u16,
        body: String,
    },
}

/// The working-day calendar as stored: which years are loaded, and their
/// special days.
#[derive(Debug, Clone, Default)]
pub struct CalendarRows {
    pub years: Vec<LoadedYear>,
    pub days: Vec<SpecialDay>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LoadedYear {
    pub year: i32,
    pub loaded_at: DateTime<Utc>,
}
