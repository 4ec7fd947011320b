//! The public figures, each computed at most once per short window. The
//! dashboard refreshes every few seconds in every open browser and a
//! province's figures aggregate every case (a quarter of a second at
//! 100,000 cases on SQLite), so without this the readers, not the work,
//! would set the database's load. Figures change with nearly every case
//! event, so caching "until the next event" would never hit under real
//! traffic; a window of a couple of seconds bounds the work instead, and
//! every answer carries the `computed_at` it was made at.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::Mutex;

use crate::Result;

/// How long one computation of a scope's figures serves: the dashboard's
/// own refresh is 5 s. `BIANLI_OVERSIGHT_WINDOW_MS` sets another (0: every
/// request computes afresh).
pub const DEFAULT_WINDOW: Duration = Duration::from_secs(2);

/// Scopes asked about stay few (the province, 136 divisions, the
/// departments people open); past this many the cache starts afresh.
const MAX_KEYS: usize = 4096;

/// The window from the environment, else [`DEFAULT_WINDOW`].
pub(crate) fn window_from_env() -> Duration {
    std::env::var("BIANLI_OVERSIGHT_WINDOW_MS")
        .ok()
        .and_then(|ms| ms.trim().parse::<u64>().ok())
        .map_or(DEFAULT_WINDOW, Duration::from_millis)
}

type Slot<T> = Arc<Mutex<Option<(Instant, Arc<T>)>>>;

pub(crate) struct Windowed<T> {
    window: Duration,
    slots: std::sync::Mutex<HashMap<String, Slot<T>>>,
}

impl<T> Windowed<T> {
    pub(crate) fn new(window: Duration) -> Self {
        Self {
            window,
            slots: std::sync::Mutex::default(),
        }
    }

    /// The figures for `key`: the last computation when it is younger than
    /// the window, else a new one. Concurrent askers of one key wait for a
    /// single computation instead of each running their own.
    pub(crate) async fn get<F, Fut>(&self, key: &str, compute: F) -> Result<Arc<T>>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<T>>,
    {
        if self.window.is_zero() {
            return Ok(Arc::new(compute().await?));
        }
        let slot = {
            let mut slots = self
                .slots
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if slots.len() >= MAX_KEYS && !slots.contains_key(key) {
                slots.clear();
            }
            slots.entry(key.to_string()).or_default().clone()
        };
        let mut held = slot.lock().await;
        if let Some((at, value)) = held.as_ref()
            && at.elapsed() < self.window
        {
            return Ok(value.clone());
        }
        let value = Arc::new(compute().await?);
        *held = Some((Instant::now(), value.clone()));
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[tokio::test]
    async fn one_computation_serves_the_window_and_concurrent_askers() {
        let cache = Arc::new(Windowed::<usize>::new(Duration::from_secs(60)));
        let runs = Arc::new(AtomicUsize::new(0));
        let ask = |cache: Arc<Windowed<usize>>, runs: Arc<AtomicUsize>| async move {
            cache
                .get("province", || async {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    Ok(runs.fetch_add(1, Ordering::SeqCst))
                })
                .await
        };
        let askers: Vec<_> = (0..8)
            .map(|_| tokio::spawn(ask(cache.clone(), runs.clone())))
            .collect();
        for a in askers {
            assert_eq!(*a.await.expect("task").expect("figures"), 0);
        }
        assert_eq!(*ask(cache.clone(), runs.clone()).await.expect("again"), 0);
        assert_eq!(runs.load(Ordering::SeqCst), 1);
        // Another key is its own computation.
        let other = cache.get("city", || async { Ok(7) }).await.expect("city");
        assert_eq!(*other, 7);
    }

    #[tokio::test]
    async fn a_zero_window_always_computes_and_errors_are_not_kept() {
        let cache = Windowed::<u32>::new(Duration::ZERO);
        assert_eq!(*cache.get("k", || async { Ok(1) }).await.expect("1"), 1);
        assert_eq!(*cache.get("k", || async { Ok(2) }).await.expect("2"), 2);

        let cache = Windowed::<u32>::new(Duration::from_secs(60));
        let failed = cache
            .get("k", || async {
                Err(crate::AppError::Internal("db down".into()))
            })
            .await;
        assert!(failed.is_err());
        assert_eq!(*cache.get("k", || async { Ok(3) }).await.expect("3"), 3);
    }

    #[tokio::test]
    async fn an_old_computation_is_replaced() {
        let cache = Windowed::<u32>::new(Duration::from_millis(30));
        assert_eq!(*cache.get("k", || async { Ok(1) }).await.expect("1"), 1);
        tokio::time::sleep(Duration::from_millis(40)).await;
        assert_eq!(*cache.get("k", || async { Ok(2) }).await.expect("2"), 2);
    }
}
