//! An in-memory token bucket per client IP, for login, signup and link opening.
//!
//! Per process: with several processes each allows its own burst, which still bounds
//! guessing (tokens have 256 bits; passwords are what this protects).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::error::AppError;

/// Buckets idle this long are full again and are forgotten, so the map stays small.
const FORGET_AFTER: Duration = Duration::from_secs(600);

pub struct RateLimiter {
    capacity: f64,
    refill_every: Duration,
    buckets: Mutex<HashMap<IpAddr, Bucket>>,
}

#[derive(Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

impl RateLimiter {
    /// `capacity` attempts at once, then one more per `refill_every`.
    pub fn new(capacity: u32, refill_every: Duration) -> Self {
        RateLimiter {
            capacity: f64::from(capacity),
            refill_every,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one attempt for `ip` at `now`, or says how long to wait.
    pub fn check_at(&self, ip: IpAddr, now: Instant) -> Result<(), AppError> {
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if buckets.len() > 10_000 {
            buckets.retain(|_, b| now.saturating_duration_since(b.at) < FORGET_AFTER);
        }
        let bucket = buckets.entry(ip).or_insert(Bucket {
            tokens: self.capacity,
            at: now,
        });
        let refilled = now.saturating_duration_since(bucket.at).as_secs_f64()
            / self.refill_every.as_secs_f64();
        bucket.tokens = (bucket.tokens + refilled).min(self.capacity);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            let wait = (1.0 - bucket.tokens) * self.refill_every.as_secs_f64();
            Err(AppError::TooManyRequests {
                retry_after_seconds: wait.ceil().max(1.0) as u64,
            })
        }
    }

    pub fn check(&self, ip: IpAddr) -> Result<(), AppError> {
        self.check_at(ip, Instant::now())
    }
}

impl Default for RateLimiter {
    /// Ten attempts, then one every six seconds (ten a minute).
    fn default() -> Self {
        RateLimiter::new(10, Duration::from_secs(6))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_passes_then_waits_for_refill_per_ip() {
        let limiter = RateLimiter::new(3, Duration::from_secs(6));
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        let other: IpAddr = "192.0.2.2".parse().unwrap();
        let t0 = Instant::now();
        for _ in 0..3 {
            assert!(limiter.check_at(ip, t0).is_ok());
        }
        match limiter.check_at(ip, t0) {
            Err(AppError::TooManyRequests {
                retry_after_seconds,
            }) => assert_eq!(retry_after_seconds, 6),
            other => panic!("expected 429, got {other:?}"),
        }
        assert!(limiter.check_at(other, t0).is_ok(), "buckets are per IP");
        assert!(limiter.check_at(ip, t0 + Duration::from_secs(3)).is_err());
        assert!(limiter.check_at(ip, t0 + Duration::from_secs(7)).is_ok());
    }
}
