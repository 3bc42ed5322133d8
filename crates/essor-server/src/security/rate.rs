//! A token bucket per client address for the writes.
//!
//! Each address holds up to `per_minute` tokens, refilled continuously at `per_minute` a
//! minute; a write takes one. In memory and per process: enough to stop one machine from
//! filling the registry (300 referrals in 0.4 s before issue 11), not a defence against a
//! botnet. Behind a reverse proxy every request comes from the proxy's address, so the
//! limit becomes global: the proxy should limit per client itself (`X-Forwarded-For` is
//! not trusted, for the same reason as `Host`).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How many writes an address may make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WriteRate {
    /// Writes a minute, and the burst allowed; 0 turns the limit off.
    pub per_minute: u32,
}

impl Default for WriteRate {
    /// 30 writes a minute: far above what a person typing referrals does.
    fn default() -> Self {
        Self { per_minute: 30 }
    }
}

/// Addresses kept before the full buckets are forgotten.
const MAX_ADDRESSES: usize = 10_000;

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

/// The buckets of every address seen.
#[derive(Debug)]
pub struct RateLimiter {
    rate: WriteRate,
    buckets: Mutex<HashMap<Option<IpAddr>, Bucket>>,
}

impl RateLimiter {
    pub fn new(rate: WriteRate) -> Self {
        Self {
            rate,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes a token for `addr` (`None`: address unknown, one shared bucket); `Err` holds
    /// the wait before the next token.
    pub fn take(&self, addr: Option<IpAddr>, now: Instant) -> Result<(), Duration> {
        if self.rate.per_minute == 0 {
            return Ok(());
        }
        let capacity = f64::from(self.rate.per_minute);
        let per_second = capacity / 60.0;
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        if buckets.len() >= MAX_ADDRESSES {
            buckets.retain(|_, b| {
                b.tokens + now.saturating_duration_since(b.at).as_secs_f64() * per_second < capacity
            });
        }
        let bucket = buckets.entry(addr).or_insert(Bucket {
            tokens: capacity,
            at: now,
        });
        let elapsed = now.saturating_duration_since(bucket.at).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * per_second).min(capacity);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - bucket.tokens) / per_second))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_allows_its_burst_then_refills_with_time() {
        let limiter = RateLimiter::new(WriteRate { per_minute: 3 });
        let a = Some("192.0.2.1".parse().unwrap());
        let b = Some("192.0.2.2".parse().unwrap());
        let t0 = Instant::now();
        for _ in 0..3 {
            assert!(limiter.take(a, t0).is_ok());
        }
        let wait = limiter.take(a, t0).unwrap_err();
        assert!((19..=20).contains(&wait.as_secs()), "{wait:?}");
        assert!(
            limiter.take(b, t0).is_ok(),
            "another address has its own bucket"
        );
        assert!(limiter.take(a, t0 + Duration::from_secs(20)).is_ok());
        assert!(limiter.take(a, t0 + Duration::from_secs(21)).is_err());
    }

    #[test]
    fn zero_turns_the_limit_off() {
        let limiter = RateLimiter::new(WriteRate { per_minute: 0 });
        let t0 = Instant::now();
        assert!((0..1000).all(|_| limiter.take(None, t0).is_ok()));
    }
}
