//! Divisions and departments, read on nearly every page, kept in memory
//! until the catalog's (or calendar's) events move: reference data only
//! changes through them, and those writers hold the write lock, so an
//! unchanged last serial sequence means unchanged reference data in every
//! process (see `Store::serial_events`).

use std::sync::Arc;

use bianli_domain::catalog::Department;
use bianli_domain::division::Division;
use bianli_store::Store;
use tokio::sync::Mutex;

use crate::Result;

pub(crate) struct Reference {
    pub divisions: Vec<Division>,
    pub departments: Vec<Department>,
}

#[derive(Default)]
pub(crate) struct ReferenceCache(Mutex<Option<(i64, Arc<Reference>)>>);

impl ReferenceCache {
    pub(crate) async fn get(&self, store: &dyn Store) -> Result<Arc<Reference>> {
        let seq = store.last_serial_seq().await?;
        let mut cached = self.0.lock().await;
        if let Some((at, r)) = cached.as_ref()
            && *at == seq
        {
            return Ok(r.clone());
        }
        let r = Arc::new(Reference {
            divisions: store.divisions().await?,
            departments: store.departments().await?,
        });
        *cached = Some((seq, r.clone()));
        Ok(r)
    }
}
