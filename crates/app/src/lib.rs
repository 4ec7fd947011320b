//! Bianli's use cases: one function per thing a user does, each authorised here
//! and carried out as one store transaction with its event. The CLI and the web
//! call these and nothing below them.
//!
//! Owns: authorisation, password and token handling, keeping the search index in
//! step with the database, demo seeding, which blob store uploads go to. Must not
//! depend on HTTP or HTML.

pub mod appointment;
mod blobs;
pub mod calendar;
pub mod cases;
pub mod catalog;
mod clock;
mod counts;
mod csv_text;
mod error;
pub mod idempotency;
pub mod identity;
mod index;
pub mod ledger;
pub mod oversight;
mod reference;
pub mod seed;
pub mod spreadsheet;

use std::sync::Arc;

use bianli_blob::Blobs;
use bianli_store::Store;
use chrono::{DateTime, Utc};

pub use bianli_blob as blob;
pub use bianli_store as store;
pub use blobs::default_blobs_url;
pub use error::AppError;
pub use identity::Actor;

pub type Result<T, E = AppError> = std::result::Result<T, E>;

/// Asking for items in force on this date returns each item's latest version:
/// the list as it stands after every applied decree, future ones included.
pub(crate) fn end_of_time() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(9999, 12, 31).unwrap_or(chrono::NaiveDate::MAX)
}

/// Everything a use case needs, cheap to clone.
#[derive(Clone)]
pub struct App {
    pub(crate) store: Arc<dyn Store>,
    pub(crate) index: Arc<index::Index>,
    pub(crate) counts: Arc<counts::CountsCache>,
    pub(crate) calendar: Arc<calendar::CalendarCache>,
    pub(crate) blobs: Arc<Blobs>,
    pub(crate) fonts: Arc<cases::PaperFonts>,
    pub(crate) reference: Arc<reference::ReferenceCache>,
    clock: Arc<clock::Clock>,
    /// Set while the demo's year of cases plays on its own clock: the
    /// scheduled deadline scan at the real time waits, so it does not deem
    /// accepted what the simulation is about to accept in its past.
    history_playing: Arc<std::sync::atomic::AtomicBool>,
    pub(crate) ledger: Arc<ledger::Ledger>,
    pub(crate) ledger_view: Arc<ledger::LedgerView>,
    pub(crate) oversight: Arc<oversight::Caches>,
}

impl App {
    /// Opens the database, runs migrations and builds the search index from
    /// it; uploads go to the default blob store ([`default_blobs_url`]).
    pub async fn open(db_url: &str) -> Result<App> {
        Self::open_with(db_url, &default_blobs_url(db_url)).await
    }

    /// [`App::open`] with uploads in the blob store `blobs_url` names (a
    /// folder, `file:///PATH`, `s3://BUCKET?endpoint=…&region=…` or `memory:`).
    pub async fn open_with(db_url: &str, blobs_url: &str) -> Result<App> {
        let app = Self::connect(db_url, blobs_url, true).await?;
        app.index.rebuild(&*app.store).await?;
        Ok(app)
    }

    /// Opens the database without a search index, for one-shot commands
    /// (seed, import, export) that do not search.
    pub async fn open_unindexed(db_url: &str) -> Result<App> {
        Self::open_unindexed_with(db_url, &default_blobs_url(db_url)).await
    }

    /// [`App::open_unindexed`] with uploads in the blob store `blobs_url` names.
    pub async fn open_unindexed_with(db_url: &str, blobs_url: &str) -> Result<App> {
        Self::connect(db_url, blobs_url, false).await
    }

    async fn connect(db_url: &str, blobs_url: &str, indexed: bool) -> Result<App> {
        let blobs = Arc::new(Blobs::open(blobs_url).await?);
        tracing::info!(blobs = blobs.describe(), "blob store opened");
        let store = bianli_store::connect(db_url).await?;
        let index = Arc::new(index::Index::new(indexed)?);
        let calendar = Arc::new(calendar::CalendarCache::open(&*store).await?);
        let ledger = Arc::new(ledger::Ledger::open(&*store, Utc::now()).await?);
        let app = App {
            ledger,
            ledger_view: Arc::new(ledger::LedgerView::new(ledger::DEFAULT_WINDOW)),
            store,
            index,
            counts: Arc::default(),
            calendar,
            blobs,
            fonts: Arc::default(),
            reference: Arc::default(),
            clock: Arc::default(),
            history_playing: Arc::default(),
            oversight: Arc::new(oversight::Caches::new(oversight::window_from_env())),
        };
        app.load_bundled_calendar_if_empty().await?;
        Ok(app)
    }

    /// The same app on another clock, for tests of rules that need time to
    /// pass (a slot that has ended, a run of no-shows).
    pub fn with_clock(mut self, clock: fn() -> DateTime<Utc>) -> App {
        self.clock = Arc::new(clock::Clock::from_source(clock));
        self
    }

    /// The same app computing the public figures at most once per `window`
    /// (the default is [`oversight::DEFAULT_WINDOW`]; zero computes every
    /// answer afresh, as tests that write and read at once need).
    pub fn with_oversight_window(mut self, window: std::time::Duration) -> App {
        self.oversight = Arc::new(oversight::Caches::new(window));
        self
    }

    /// The same app reading the log for a status answer that would say
    /// pending at most once per `window` (the default is
    /// [`ledger::DEFAULT_WINDOW`]; zero reads every time, as a test that
    /// watches another process append needs). Starts with an empty view.
    pub fn with_ledger_window(mut self, window: std::time::Duration) -> App {
        self.ledger_view = Arc::new(ledger::LedgerView::new(window));
        self
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Pins the time every use case of this app (and its clones) sees: the
    /// demo replays a year of cases this way, and tests jump over weeks.
    pub fn pin_clock(&self, at: DateTime<Utc>) {
        self.clock.pin(at);
    }

    pub fn release_clock(&self) {
        self.clock.release();
    }

    pub fn today(&self) -> chrono::NaiveDate {
        // Deadlines and effective dates are China Standard Time dates.
        (self.now() + chrono::Duration::hours(8)).date_naive()
    }

    pub fn store(&self) -> &dyn Store {
        &*self.store
    }

    /// Where uploaded materials are kept.
    pub fn blobs(&self) -> &Blobs {
        &self.blobs
    }

    /// Department names by id (cached; refreshed when reference data loads).
    pub fn department_names(&self) -> Arc<std::collections::HashMap<i64, String>> {
        self.index.department_names()
    }

    /// Brings the search index and the calendar up to date with events
    /// other processes wrote.
    pub async fn follow(&self) -> Result<()> {
        self.calendar.follow(&*self.store).await?;
        self.index.follow(&*self.store).await
    }

    /// Starts the background task that keeps derived state in step with the
    /// database when several processes share it.
    pub fn spawn_follower(&self) {
        // The deadline scan: deemed acceptances and cards move by the day,
        // so hourly is plenty; every server runs it, which is safe (see
        // `cases::sweep`).
        let scanner = self.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(std::time::Duration::from_secs(3_600));
            loop {
                tick.tick().await;
                if scanner
                    .history_playing
                    .load(std::sync::atomic::Ordering::Relaxed)
                {
                    continue;
                }
                if let Err(e) = scanner.sweep_deadlines().await {
                    tracing::warn!(error = %e, "deadline scan failed; retrying next hour");
                }
            }
        });
        // The ledger: leaves within about a second of their events, and a
        // checkpoint of each new head.
        let ledger = self.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(std::time::Duration::from_secs(1));
            loop {
                tick.tick().await;
                if let Err(e) = ledger.ledger_catch_up().await {
                    tracing::warn!(error = %e, "appending to the ledger failed; retrying");
                }
            }
        });
        let app = self.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(std::time::Duration::from_secs(2));
            loop {
                tick.tick().await;
                if let Err(e) = app.follow().await {
                    tracing::warn!(error = %e, "following events failed; retrying");
                }
            }
        });
    }
}
