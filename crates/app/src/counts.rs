//! Power-list counts per date, cached until the next event. Counting scans
//! every version row (hundreds of thousands), while the list changes only when
//! an event is written, in the same transaction as the change; writers take the
//! store's write lock, so events become visible in sequence order and an
//! unchanged last sequence means unchanged counts, in every process.

use std::collections::HashMap;
use std::sync::Arc;

use bianli_store::{Counts, Store};
use chrono::NaiveDate;
use tokio::sync::Mutex;

use crate::Result;

/// Dates asked about between two changes stay few (today, a baseline, the
/// dates people pick); past this many the cache starts afresh.
const MAX_DATES: usize = 64;

#[derive(Default)]
pub(crate) struct CountsCache {
    entries: Mutex<HashMap<NaiveDate, (i64, Arc<Counts>)>>,
}

impl CountsCache {
    pub(crate) async fn get(&self, store: &dyn Store, date: NaiveDate) -> Result<Arc<Counts>> {
        let seq = store.last_serial_seq().await?;
        if let Some((at, c)) = self.entries.lock().await.get(&date)
            && *at == seq
        {
            return Ok(c.clone());
        }
        let counts = Arc::new(store.stats(date).await?);
        let mut entries = self.entries.lock().await;
        if entries.len() >= MAX_DATES {
            entries.clear();
        }
        entries.insert(date, (seq, counts.clone()));
        Ok(counts)
    }
}
