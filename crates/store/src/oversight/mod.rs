//! Storage of the `oversight` context (电子监察): the performance figures as
//! SQL aggregates over cases, their ratings and cards, and the supervisor's
//! handling of each card (`oversight_cards`).

pub(crate) mod sql;

use async_trait::async_trait;
use bianli_domain::cases::CardKind;
use bianli_domain::event::NewEvent;
use bianli_domain::oversight::{CardAction, CardState, DayCounts, Tally};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::Result;

/// Whose cases a figure counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    Province,
    /// A division and the divisions under it (a city with its counties).
    Division(String),
    Department(i64),
    /// The staff member a case's current (or, once finished, last) step is
    /// assigned to.
    Person(i64),
}

/// How to break a scope's figures down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupBy {
    Department,
    /// Counties count with their city; province-level cases under the
    /// province's own code.
    City,
    /// Each division on its own (a city's own departments apart from its counties).
    Division,
    Person,
}

/// Per-day counts for a trend: cases received, completed, and completed on
/// time, on each day from a date on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Daily {
    pub received: Vec<(NaiveDate, i64)>,
    pub completed: Vec<(NaiveDate, i64)>,
    pub on_time: Vec<(NaiveDate, i64)>,
}

#[derive(Debug, Clone, Default)]
pub struct CardFilter {
    pub department_id: Option<i64>,
    /// The division and the ones under it.
    pub division: Option<String>,
    pub assignee: Option<i64>,
    pub kind: Option<CardKind>,
    pub state: Option<CardState>,
    pub limit: i64,
}

/// A card with how it has been handled.
#[derive(Debug, Clone, Serialize)]
pub struct SupervisedCard {
    pub case_number: String,
    pub item_code: String,
    pub step: i64,
    pub kind: CardKind,
    pub department_id: i64,
    pub division: String,
    pub assignee: Option<i64>,
    pub on: NaiveDate,
    pub reason: String,
    pub state: CardState,
    /// 0 while no one has acted on it.
    pub revision: i64,
    pub acknowledged_by: Option<String>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub explanation: Option<String>,
    pub explained_by: Option<String>,
    pub explained_at: Option<DateTime<Utc>>,
    pub closed_by: Option<String>,
    pub closed_at: Option<DateTime<Utc>>,
}

#[async_trait]
pub trait OversightStore: Send + Sync {
    /// The counts of one scope; follow-ups overdue as of `today`.
    async fn tally(&self, scope: &Scope, today: NaiveDate) -> Result<Tally>;
    /// The counts of a scope broken down, by key (department id, city code
    /// or account id as text), in key order; groups without cases are absent.
    async fn tallies(
        &self,
        scope: &Scope,
        by: GroupBy,
        today: NaiveDate,
    ) -> Result<Vec<(String, Tally)>>;
    /// Accepted, completed and due days of the scope's completed accepted cases.
    async fn day_counts(&self, scope: &Scope) -> Result<DayCounts>;
    async fn daily(&self, scope: &Scope, since: NaiveDate) -> Result<Daily>;
    /// Newest first.
    async fn supervised_cards(&self, filter: &CardFilter) -> Result<Vec<SupervisedCard>>;
    async fn supervised_card(
        &self,
        case_number: &str,
        step: i64,
        kind: CardKind,
    ) -> Result<Option<SupervisedCard>>;
    /// Writes `action` (which moved the card to `state`) over the card's
    /// `revision`, with `event`; a conflict on `revision` when someone acted first.
    async fn handle_card(
        &self,
        card: &SupervisedCard,
        action: &CardAction,
        state: CardState,
        event: NewEvent,
        at: DateTime<Utc>,
    ) -> Result<()>;
}
