//! The calendar as derived state: built from the database at start, replaced
//! after a load in this process, and following the `events` table for loads
//! made by other processes on the same PostgreSQL. Queries read an `Arc` under
//! a lock held for a pointer copy, so counting deadlines never waits on SQL.

use std::collections::BTreeSet;
use std::sync::{Arc, RwLock};

use bianli_domain::calendar::WorkCalendar;
use bianli_store::{CalendarRows, Store};

use crate::{AppError, Result};

pub(crate) struct CalendarCache {
    current: RwLock<Arc<WorkCalendar>>,
    /// The last event the follower has looked at.
    seq: tokio::sync::Mutex<i64>,
}

impl CalendarCache {
    pub(crate) async fn open(store: &dyn Store) -> Result<Self> {
        // The position first: a load committed after it is seen by follow().
        let seq = store.last_serial_seq().await?;
        let calendar = build(store.calendar().await?)?;
        Ok(Self {
            current: RwLock::new(Arc::new(calendar)),
            seq: tokio::sync::Mutex::new(seq),
        })
    }

    pub(crate) fn get(&self) -> Arc<WorkCalendar> {
        match self.current.read() {
            Ok(c) => c.clone(),
            // A writer panicked mid-swap; the Arc it left is still whole.
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    pub(crate) async fn reload(&self, store: &dyn Store) -> Result<()> {
        let calendar = Arc::new(build(store.calendar().await?)?);
        match self.current.write() {
            Ok(mut c) => *c = calendar,
            Err(poisoned) => *poisoned.into_inner() = calendar,
        }
        Ok(())
    }

    /// Reloads when another process has loaded years since the last look.
    pub(crate) async fn follow(&self, store: &dyn Store) -> Result<()> {
        let mut seq = self.seq.lock().await;
        let mut loaded = false;
        loop {
            let events = store.serial_events(*seq, 1000).await?;
            let Some(last) = events.last() else { break };
            *seq = last.seq;
            loaded |= events
                .iter()
                .any(|e| e.context == "calendar" && e.kind == "years.loaded");
        }
        if loaded {
            self.reload(store).await?;
        }
        Ok(())
    }
}

fn build(rows: CalendarRows) -> Result<WorkCalendar> {
    let years: BTreeSet<i32> = rows.years.iter().map(|y| y.year).collect();
    WorkCalendar::new(years, &rows.days)
        .map_err(|e| AppError::Internal(format!("the stored calendar is inconsistent: {e}")))
}
