//! Storage of the `cases` context: cases as one row each (state in a JSON
//! body, queue columns beside it), their cards, certificates and per-item
//! step templates, and the applicants' ratings (好差评).

pub(crate) mod sql;

use async_trait::async_trait;
use bianli_domain::cases::{
    CardKind, Case, CaseNumber, Certificate, NewCase, Rating, VerificationCode, Workflow,
};
use bianli_domain::catalog::Channel;
use bianli_domain::event::NewEvent;
use bianli_domain::identity::Role;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::Result;

/// A case as stored: `revision` moves on every save, so two people acting
/// on the same case at once cannot overwrite each other.
#[derive(Debug, Clone)]
pub struct StoredCase {
    pub id: i64,
    pub revision: i64,
    pub case: Case,
}

/// An application as the store files it: the checked form, its code, who
/// filed it and when.
#[derive(Debug, Clone)]
pub struct Submission {
    pub new: NewCase,
    pub code: VerificationCode,
    pub actor: String,
    pub at: DateTime<Utc>,
}

/// A card a scan found a case to deserve.
#[derive(Debug, Clone)]
pub struct NewCard {
    pub step: usize,
    pub kind: CardKind,
    pub department_id: i64,
    pub assignee: Option<i64>,
    pub on: NaiveDate,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct CardRow {
    pub case_number: String,
    pub step: i64,
    pub kind: CardKind,
    pub department_id: i64,
    pub assignee: Option<i64>,
    pub on: NaiveDate,
    pub reason: String,
}

/// A department's work queue: cases at the given stages held by a role.
#[derive(Debug, Clone)]
pub struct CaseQueue {
    pub department_id: i64,
    pub stages: Vec<&'static str>,
    pub holder_role: Option<Role>,
    pub after_id: i64,
    pub limit: i64,
}

/// Everything that changes with one action on a case, written together.
pub struct CaseChange<'a> {
    /// Saved with its last `logged` timeline entries marked as recorded by
    /// `event` (see `Case::record`), so the caller holds what was saved.
    pub case: &'a mut Case,
    pub event: NewEvent,
    /// How many entries at the end of the timeline this change added.
    pub logged: usize,
    pub cards: &'a [NewCard],
    pub certificate: Option<&'a Certificate>,
    /// The case's certificate as revoked (a false 告知承诺), replacing the
    /// stored one.
    pub revoked: Option<&'a Certificate>,
}

/// 好差评 of one item or one department.
#[derive(Debug, Clone, Serialize)]
pub struct ItemRatings {
    pub item_code: String,
    pub count: i64,
    pub average: f64,
    /// 差评: scores 1 and 2.
    pub bad: i64,
    /// Follow-ups not yet answered.
    pub open: i64,
    /// Of `open`, those past their due date.
    pub overdue: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct DepartmentRatings {
    pub department_id: i64,
    pub count: i64,
    pub average: f64,
    pub bad: i64,
    pub open: i64,
    pub overdue: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct RatingStats {
    pub items: Vec<ItemRatings>,
    pub departments: Vec<DepartmentRatings>,
}

/// Which ratings to list.
#[derive(Debug, Clone)]
pub struct RatingFilter {
    /// One department's; all without one.
    pub department_id: Option<i64>,
    /// Only follow-ups unanswered past their due date as of `today`
    /// (`Some(true)`), or only the others (`Some(false)`).
    pub overdue: Option<bool>,
    pub today: NaiveDate,
    pub limit: i64,
}

/// 告知承诺 verifications not yet recorded, for supervisors.
#[derive(Debug, Clone)]
pub struct VerificationFilter {
    /// A division and the divisions under it; all without one.
    pub division: Option<String>,
    pub department_id: Option<i64>,
    pub limit: i64,
}

/// An open verification with its case.
#[derive(Debug, Clone, Serialize)]
pub struct OpenVerification {
    pub case_number: String,
    pub item_code: String,
    pub department_id: i64,
    pub division: String,
    pub due: NaiveDate,
    pub provisional: bool,
}

#[async_trait]
pub trait CaseStore: Send + Sync {
    /// Gives the case the next number of its division and day, and writes it
    /// with its `case.submitted` event.
    async fn create_case(
        &self,
        new: NewCase,
        code: VerificationCode,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<StoredCase>;
    async fn case(&self, number: &CaseNumber) -> Result<Option<StoredCase>>;
    /// Saves `change` over `revision`; a conflict when someone saved first.
    async fn save_case(
        &self,
        id: i64,
        revision: i64,
        change: CaseChange<'_>,
        at: DateTime<Utc>,
    ) -> Result<i64>;
    /// Records cards a scan found, each once (a card already given is
    /// skipped), with a `case.card` event per new one; returns how many were new.
    async fn record_cards(
        &self,
        id: i64,
        case: &Case,
        cards: &[NewCard],
        at: DateTime<Utc>,
    ) -> Result<usize>;
    async fn cases_of_applicant(&self, account_id: i64, limit: i64) -> Result<Vec<StoredCase>>;
    async fn case_queue(&self, q: &CaseQueue) -> Result<Vec<StoredCase>>;
    /// Cases still waiting for acceptance or running, in id order after
    /// `after_id`: what the deadline scan walks.
    async fn running_cases(&self, after_id: i64, limit: i64) -> Result<Vec<StoredCase>>;
    async fn cards(&self, department_id: Option<i64>, limit: i64) -> Result<Vec<CardRow>>;
    async fn certificate(&self, number: &str) -> Result<Option<Certificate>>;
    async fn workflow(&self, item_code: &str) -> Result<Option<Workflow>>;
    async fn put_workflow(
        &self,
        item_code: &str,
        workflow: &Workflow,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<()>;
    /// Writes a new rating with its `rating.given` event; a conflict on
    /// `channel` when the case was already rated for its channel.
    async fn put_rating(
        &self,
        case_id: i64,
        rating: &Rating,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<()>;
    async fn rating(&self, case_id: i64, channel: Channel) -> Result<Option<Rating>>;
    /// Saves the follow-up's answer with its `rating.answered` event; a
    /// conflict on `answer` when it was answered meanwhile.
    async fn answer_follow_up(
        &self,
        case_id: i64,
        rating: &Rating,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<()>;
    /// Ratings matching `filter`: open follow-ups first, soonest due
    /// first, then the newest.
    async fn ratings(&self, filter: &RatingFilter) -> Result<Vec<Rating>>;
    /// Counts of one department (all without one); `overdue` as of `today`.
    async fn rating_stats(
        &self,
        department_id: Option<i64>,
        today: NaiveDate,
    ) -> Result<RatingStats>;
    /// Ratings whose follow-up due date is provisional, by case id after
    /// `after_case_id`: what the deadline scan counts again.
    async fn provisional_follow_ups(
        &self,
        after_case_id: i64,
        limit: i64,
    ) -> Result<Vec<(i64, Rating)>>;
    /// Saves a recounted follow-up due date with its
    /// `rating.follow_up_recounted` event, unless another scan did first
    /// (then false, and nothing is written).
    async fn recount_follow_up(
        &self,
        case_id: i64,
        rating: &Rating,
        at: DateTime<Utc>,
    ) -> Result<bool>;
    /// Cases whose open verification has a provisional due date, in id
    /// order after `after_id`: what the deadline scan counts again.
    async fn provisional_verifications(&self, after_id: i64, limit: i64)
    -> Result<Vec<StoredCase>>;
    /// Open 告知承诺 verifications, soonest due first.
    async fn open_verifications(
        &self,
        filter: &VerificationFilter,
    ) -> Result<Vec<OpenVerification>>;
}
