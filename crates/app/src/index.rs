//! The search index as derived state: built from the database at start, then
//! following the `events` table, so several processes on one database agree.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use bianli_domain::catalog::Item;
use bianli_search::{SearchDoc, SearchIndex};
use bianli_store::Store;
use tokio::sync::Mutex;

use crate::Result;

pub(crate) struct Index {
    pub(crate) search: Arc<SearchIndex>,
    state: Mutex<State>,
    /// Department names by id: the status query reads them on every
    /// request, so they sit apart from `state`, whose lock the follower
    /// holds across store reads.
    names: RwLock<Arc<HashMap<i64, String>>>,
    /// One-shot commands (seed, import, export) never search: building or
    /// following the index there would be work thrown away at exit.
    live: bool,
}

#[derive(Default)]
struct State {
    /// The last event whose effect the index holds.
    seq: i64,
}

const PAGE: i64 = 20_000;

impl Index {
    pub(crate) fn new(live: bool) -> Result<Self> {
        Ok(Self {
            search: Arc::new(SearchIndex::new()?),
            state: Mutex::new(State::default()),
            names: RwLock::default(),
            live,
        })
    }

    pub(crate) fn is_live(&self) -> bool {
        self.live
    }

    pub(crate) async fn rebuild(&self, store: &dyn Store) -> Result<()> {
        if !self.live {
            return Ok(());
        }
        let mut st = self.state.lock().await;
        // Read the position first: anything written after it is replayed by follow().
        st.seq = store.last_serial_seq().await?;
        let names = self.load_names(store).await?;
        let mut docs = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let page = store.current_items(after.as_deref(), PAGE).await?;
            let Some(last) = page.last() else { break };
            after = Some(last.code.to_string());
            docs.extend(page.iter().map(|i| doc(i, &names)));
        }
        let search = self.search.clone();
        tokio::task::spawn_blocking(move || search.rebuild(docs))
            .await
            .map_err(|e| crate::AppError::Internal(e.to_string()))??;
        Ok(())
    }

    /// Department names by id, as of the last rebuild or reference load.
    pub(crate) fn department_names(&self) -> Arc<HashMap<i64, String>> {
        // A poisoned lock still holds a whole map: it is only ever replaced.
        self.names
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    async fn load_names(&self, store: &dyn Store) -> Result<Arc<HashMap<i64, String>>> {
        let names = department_names(store).await?;
        *self
            .names
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = names.clone();
        Ok(names)
    }

    pub(crate) async fn follow(&self, store: &dyn Store) -> Result<()> {
        if !self.live {
            return Ok(());
        }
        let mut st = self.state.lock().await;
        loop {
            let events = store.serial_events(st.seq, 1000).await?;
            let Some(last) = events.last() else {
                return Ok(());
            };
            let last = last.seq;
            let mut codes = Vec::new();
            for e in &events {
                match (e.context.as_str(), e.kind.as_str()) {
                    ("catalog", "decree.applied") => {
                        if let Some(id) = e
                            .subject
                            .strip_prefix("decree:")
                            .and_then(|s| s.parse().ok())
                        {
                            codes.extend(store.decree_codes(id).await?);
                        }
                    }
                    ("catalog", "item.revised") => codes.push(e.subject.clone()),
                    ("catalog", "reference.loaded") => {
                        self.load_names(store).await?;
                    }
                    _ => {}
                }
            }
            if !codes.is_empty() {
                codes.sort();
                codes.dedup();
                self.reindex(store, &codes, &self.department_names())
                    .await?;
            }
            st.seq = last;
        }
    }

    async fn reindex(
        &self,
        store: &dyn Store,
        codes: &[String],
        names: &HashMap<i64, String>,
    ) -> Result<()> {
        // The index holds each item's latest version.
        let live = store.items_by_code(codes, crate::end_of_time()).await?;
        let docs: Vec<SearchDoc> = live
            .iter()
            .filter(|v| v.valid_to.is_none())
            .map(|v| doc(&v.item, names))
            .collect();
        // Upsert replaces by code; only codes no longer in force are removed,
        // so an item being revised never drops out of search in between.
        let live: std::collections::HashSet<&str> = docs.iter().map(|d| d.code.as_str()).collect();
        let gone: Vec<String> = codes
            .iter()
            .filter(|c| !live.contains(c.as_str()))
            .cloned()
            .collect();
        let search = self.search.clone();
        tokio::task::spawn_blocking(move || {
            if !gone.is_empty() {
                search.remove(&gone)?;
            }
            search.upsert(&docs)
        })
        .await
        .map_err(|e| crate::AppError::Internal(e.to_string()))??;
        Ok(())
    }
}

async fn department_names(store: &dyn Store) -> Result<Arc<HashMap<i64, String>>> {
    Ok(Arc::new(
        store
            .departments()
            .await?
            .into_iter()
            .map(|d| (d.id, d.name))
            .collect(),
    ))
}

fn doc(i: &Item, names: &HashMap<i64, String>) -> SearchDoc {
    SearchDoc {
        code: i.code.to_string(),
        name: i.name.clone(),
        aliases: i.aliases.clone(),
        materials: i.materials.iter().map(|m| m.name.clone()).collect(),
        department: names.get(&i.department_id).cloned().unwrap_or_default(),
        department_id: i.department_id,
        kind: i.kind.zh().to_string(),
        level: i.level().as_str().to_string(),
        division: i.division.to_string(),
        channels: i.channels.iter().map(|c| c.as_str().to_string()).collect(),
        visits: i.visits,
    }
}
