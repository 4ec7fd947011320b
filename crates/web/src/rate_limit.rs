//! A per-client request budget for public endpoints that take a secret
//! (the status query's verification code): a fixed window per IP address,
//! kept in memory. Several servers each keep their own, which only makes
//! the budget a small multiple of itself; it still turns guessing an
//! eight-character code into centuries.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct RateLimit {
    per_window: u32,
    window: Duration,
    seen: Mutex<HashMap<IpAddr, (Instant, u32)>>,
}

impl RateLimit {
    pub fn new(per_window: u32, window: Duration) -> Self {
        Self {
            per_window,
            window,
            seen: Mutex::new(HashMap::new()),
        }
    }

    /// Counts one request from `ip`; false when its budget is spent.
    pub fn allow(&self, ip: IpAddr, now: Instant) -> bool {
        let Ok(mut seen) = self.seen.lock() else {
            return true;
        };
        // Old windows are dropped as the map grows, so it stays bounded by
        // the clients of one window.
        if seen.len() > 100_000 {
            let window = self.window;
            seen.retain(|_, (start, _)| now.duration_since(*start) < window);
        }
        let entry = seen.entry(ip).or_insert((now, 0));
        if now.duration_since(entry.0) >= self.window {
            *entry = (now, 0);
        }
        entry.1 += 1;
        entry.1 <= self.per_window
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_gets_its_budget_per_window() {
        let limit = RateLimit::new(3, Duration::from_secs(60));
        let (a, b) = ("10.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap());
        let t0 = Instant::now();
        assert!((0..3).all(|_| limit.allow(a, t0)));
        assert!(!limit.allow(a, t0));
        assert!(limit.allow(b, t0), "another client has its own budget");
        assert!(limit.allow(a, t0 + Duration::from_secs(61)));
    }
}
