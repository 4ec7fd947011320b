//! Bianli's storage: one [`Store`] trait, implemented for SQLite (the embedded
//! default) and PostgreSQL (several servers on one database), with the same schema
//! and the same SQL text wherever the dialects agree. Every write method is one
//! transaction that also appends its `events` rows.
//!
//! Owns: SQL, migrations, transactions, locking. Must not depend on HTTP, the
//! search index or the app's use cases; domain rules stay in `bianli-domain`
//! (a method may call a pure domain function inside its transaction).

pub mod appointment;
pub mod cases;
mod error;
pub mod ledger;
mod model;
pub mod oversight;
mod postgres;
mod sql;
mod sqlite;
mod sqlite_group;
mod submit_queue;

use std::sync::Arc;

use async_trait::async_trait;
use bianli_domain::calendar::SpecialDay;
use bianli_domain::catalog::{Adjustment, Decree, Department, Item, ItemCode, NewDecree};
use bianli_domain::division::Division;
use bianli_domain::event::NewEvent;
use chrono::{DateTime, NaiveDate, Utc};

pub use appointment::AppointmentStore;
pub use error::StoreError;
pub use ledger::LedgerStore;
pub use model::*;
pub use postgres::PgStore;
pub use sqlite::SqliteStore;

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

#[async_trait]
/// Everything the app stores; each context's part is a supertrait, so an
/// `Arc<dyn Store>` reaches all of them.
pub trait Store:
    AppointmentStore + cases::CaseStore + LedgerStore + oversight::OversightStore + Send + Sync
{
    fn backend(&self) -> Backend;

    /// After a bulk load (the demo's seed): refreshes the query planner's
    /// statistics and, on SQLite, folds the write-ahead log into the file.
    async fn settle(&self) -> Result<()>;

    // --- reference data -------------------------------------------------
    /// Loads divisions and departments (seed); one event for the batch.
    async fn put_reference(
        &self,
        divisions: &[Division],
        departments: &[Department],
        event: NewEvent,
        at: DateTime<Utc>,
    ) -> Result<()>;
    async fn divisions(&self) -> Result<Vec<Division>>;
    async fn departments(&self) -> Result<Vec<Department>>;
    async fn department(&self, id: i64) -> Result<Option<Department>>;

    // --- items ----------------------------------------------------------
    async fn items(&self, filter: &ItemFilter) -> Result<Vec<ItemVersion>>;
    async fn count_items(&self, filter: &ItemFilter) -> Result<i64>;
    /// The versions in force on `as_of` of the given codes, in no order.
    async fn items_by_code(&self, codes: &[String], as_of: NaiveDate) -> Result<Vec<ItemVersion>>;
    async fn item_history(&self, code: &ItemCode) -> Result<Vec<ItemVersion>>;
    /// Items in force now, in code order after `after` (for rebuilding derived state).
    async fn current_items(&self, after: Option<&str>, limit: i64) -> Result<Vec<Item>>;
    async fn stats(&self, as_of: NaiveDate) -> Result<Counts>;
    async fn diff(&self, query: &DiffQuery) -> Result<Diff>;

    // --- decrees --------------------------------------------------------
    async fn create_decree(
        &self,
        decree: &NewDecree,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<Decree>;
    async fn add_adjustments(
        &self,
        decree_id: i64,
        adjustments: &[Adjustment],
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<()>;
    async fn decrees(&self) -> Result<Vec<DecreeSummary>>;
    async fn decree(&self, id: i64) -> Result<Option<DecreeDetail>>;
    /// Plans the draft's adjustments against the list in force and writes the
    /// result, all in one transaction; a second call finds it applied.
    async fn apply_decree(&self, id: i64, actor: &str, at: DateTime<Utc>) -> Result<Applied>;
    /// Records a decree and applies the given adjustments at once, in one
    /// transaction (an official decree entered as published).
    async fn enact_decree(
        &self,
        decree: &NewDecree,
        adjustments: &[Adjustment],
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<(Decree, Applied)>;
    /// A routine revision (日常维护) by the item's department, outside any decree.
    async fn revise_item(
        &self,
        item: &Item,
        effective_on: NaiveDate,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<ItemVersion>;

    // --- calendar -------------------------------------------------------
    /// Replaces every special day of `years` with `days` (which must lie in
    /// them) and marks the years loaded, with one `calendar`/`years.loaded`
    /// event, in one transaction: readers see the old years or the new ones.
    async fn load_calendar(
        &self,
        years: &std::collections::BTreeSet<i32>,
        days: &[SpecialDay],
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<()>;
    /// Every loaded year and every special day, in date order.
    async fn calendar(&self) -> Result<CalendarRows>;

    // --- identity -------------------------------------------------------
    async fn create_account(&self, account: &NewAccount, at: DateTime<Utc>) -> Result<AccountRow>;
    async fn account_by_username(&self, username: &str) -> Result<Option<AccountRow>>;
    async fn create_session(
        &self,
        token_hash: &str,
        account_id: i64,
        at: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<()>;
    async fn session_account(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<AccountRow>>;
    async fn delete_session(&self, token_hash: &str) -> Result<()>;

    // --- idempotency ----------------------------------------------------
    /// Claims `key` for this account, or reports what it already holds.
    async fn idempotency_start(
        &self,
        account_id: i64,
        key: &str,
        method: &str,
        path: &str,
        at: DateTime<Utc>,
    ) -> Result<IdempotencyStart>;
    async fn idempotency_finish(
        &self,
        account_id: i64,
        key: &str,
        status: u16,
        body: &str,
    ) -> Result<()>;
    /// Releases a claim whose request failed on our side, so a retry runs again.
    async fn idempotency_abort(&self, account_id: i64, key: &str) -> Result<()>;

    // --- events ---------------------------------------------------------
    async fn events(&self, after_seq: i64, limit: i64) -> Result<Vec<EventRow>>;
    async fn last_event_seq(&self) -> Result<i64>;
    /// The events of the contexts whose writers hold the write lock
    /// (`catalog`, `calendar`), which therefore become visible in sequence
    /// order: what derived state (the index, caches) follows by position.
    /// Cases write without that lock (their rows guard themselves), so on
    /// PostgreSQL their events can commit out of order; a follower moving
    /// its position past one could step over a decree still committing.
    async fn serial_events(&self, after_seq: i64, limit: i64) -> Result<Vec<EventRow>>;
    async fn last_serial_seq(&self) -> Result<i64>;
    /// Every code a decree started or ended a version of.
    async fn decree_codes(&self, decree_id: i64) -> Result<Vec<String>>;
}

/// Opens the database a URL names (`sqlite://PATH`, `sqlite::memory:`,
/// `postgres://…`) and runs its migrations.
pub async fn connect(url: &str) -> Result<Arc<dyn Store>> {
    if url.starts_with("sqlite:") {
        Ok(Arc::new(SqliteStore::connect(url).await?))
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Arc::new(PgStore::connect(url).await?))
    } else {
        Err(StoreError::Config(format!(
            "`{url}` is not a database URL: use sqlite://PATH or postgres://USER@HOST/DB"
        )))
    }
}
