//! The time use cases run at: the system's, or a pinned one for the demo's
//! replayed year of cases and for tests of deadlines that take weeks.

use std::sync::Mutex;

use chrono::{DateTime, Utc};

pub struct Clock {
    pinned: Mutex<Option<DateTime<Utc>>>,
    /// Where time comes from when not pinned: the system, or a test's own.
    source: fn() -> DateTime<Utc>,
}

impl Default for Clock {
    fn default() -> Self {
        Self::from_source(Utc::now)
    }
}

impl Clock {
    pub fn from_source(source: fn() -> DateTime<Utc>) -> Self {
        Self {
            pinned: Mutex::new(None),
            source,
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.pinned
            .lock()
            .ok()
            .and_then(|p| *p)
            .unwrap_or_else(self.source)
    }

    /// From now on every use case sees `at` (until pinned again or released).
    pub fn pin(&self, at: DateTime<Utc>) {
        if let Ok(mut p) = self.pinned.lock() {
            *p = Some(at);
        }
    }

    pub fn release(&self) {
        if let Ok(mut p) = self.pinned.lock() {
            *p = None;
        }
    }
}
