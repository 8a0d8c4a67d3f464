//! Fallbacks that keep the values: when a dependency's breaker is open (or the call fails),
//! serve the last good answer together with who created it and how revenue was shared.
//!
//! The point, from the deployment strategy: when IVOR, the events API or the newsroom is
//! down, cached answers still show creator attribution and revenue transparency. The cache is
//! bounded (least recently stored evicted first) and entries expire after a TTL.
//!
//! ```
//! use liberation_gates::breaker::{BreakerConfig, CircuitBreaker};
//! use liberation_gates::clock::ManualClock;
//! use liberation_gates::fallback::{Attribution, FallbackCache};
//! use std::sync::Arc;
//! let clock = Arc::new(ManualClock::new(0.0));
//! let breaker = CircuitBreaker::with_clock(BreakerConfig::default(), clock.clone()).unwrap();
//! let cache = FallbackCache::new(100, 3600.0, clock.clone()).unwrap();
//! let attribution = Attribution { creators: vec!["amara".into()], revenue: Some("creators 75.00 / platform 25.00".into()), note: None };
//! let fresh = cache.guard(&breaker, "event:42", || Ok::<_, String>(("Jazz night".to_string(), attribution.clone()))).unwrap();
//! assert!(!fresh.from_cache);
//! clock.advance(30.0);
//! let served = cache.guard(&breaker, "event:42", || Err("timeout".to_string())).unwrap();
//! assert!(served.from_cache);
//! assert_eq!(served.age_seconds, 30.0);
//! assert_eq!(served.attribution.creators, ["amara"]);
//! ```

use crate::breaker::{guard, CallEnd, CircuitBreaker, GuardStep, Rejected};
use crate::clock::Clock;
use crate::error::BreakerError;
use parking_lot::Mutex;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::sync::Arc;

/// Who created a response and how its revenue was shared.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Attribution {
    /// Creator ids credited for the content.
    pub creators: Vec<String>,
    /// Revenue-transparency figures for people, e.g. `"creators 75.00 / platform 25.00 GBP"`.
    pub revenue: Option<String>,
    /// Anything else to show with the content.
    pub note: Option<String>,
}

/// A value served by [`FallbackCache::guard`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Served<T> {
    /// The answer.
    pub value: T,
    /// Who created it and how its revenue was shared.
    pub attribution: Attribution,
    /// True when the dependency was not reached and this is the last good answer.
    pub from_cache: bool,
    /// How old the answer is, seconds (0 when fresh).
    pub age_seconds: f64,
}

/// Why nothing could be served.
#[derive(Debug, Clone, PartialEq)]
pub enum Unavailable<E> {
    /// The breaker refused the call and nothing was cached.
    Rejected(Rejected),
    /// The call failed and nothing was cached.
    Failed(E),
}

impl<E: fmt::Display> fmt::Display for Unavailable<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unavailable::Rejected(r) => write!(f, "{r}, and no cached answer"),
            Unavailable::Failed(e) => write!(f, "call failed ({e}), and no cached answer"),
        }
    }
}

impl<E: fmt::Debug + fmt::Display> std::error::Error for Unavailable<E> {}

/// The entries by key, and the keys in the order stored (oldest first, for eviction).
type Store<T> = (HashMap<String, Entry<T>>, VecDeque<String>);

struct Entry<T> {
    value: T,
    attribution: Attribution,
    stored_at: f64,
}

/// A bounded, expiring store of last good answers per key. Thread-safe.
pub struct FallbackCache<T> {
    capacity: usize,
    ttl_seconds: f64,
    clock: Arc<dyn Clock>,
    inner: Mutex<Store<T>>,
}

impl<T> fmt::Debug for FallbackCache<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FallbackCache")
            .field("capacity", &self.capacity)
            .field("ttl_seconds", &self.ttl_seconds)
            .field("len", &self.inner.lock().0.len())
            .finish()
    }
}

impl<T: Clone> FallbackCache<T> {
    /// A cache of at most `capacity` entries that expire after `ttl_seconds`. A capacity of 0
    /// or a TTL that is negative or not finite is `invalid_config` (it used to be turned into
    /// 1 and 0 without a word).
    pub fn new(
        capacity: usize,
        ttl_seconds: f64,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, BreakerError> {
        if capacity == 0 {
            return Err(BreakerError::InvalidConfig(
                "a fallback cache holds at least 1 entry (capacity 0)".into(),
            ));
        }
        if !(ttl_seconds.is_finite() && ttl_seconds >= 0.0) {
            return Err(BreakerError::InvalidConfig(format!(
                "ttl_seconds must be a finite number ≥ 0, got {ttl_seconds}"
            )));
        }
        Ok(FallbackCache {
            capacity,
            ttl_seconds,
            clock,
            inner: Mutex::new((HashMap::new(), VecDeque::new())),
        })
    }

    /// [`FallbackCache::new`] with the numbers a language passes: `None` for the defaults
    /// (1,024 entries, 3,600 s); a capacity that is not a whole number ≥ 1 is `invalid_config`.
    pub fn with_numbers(
        capacity: Option<f64>,
        ttl_seconds: Option<f64>,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, BreakerError> {
        let capacity = match capacity {
            None => 1024,
            Some(c) => crate::num::Num::Float(c).as_count().ok_or_else(|| {
                BreakerError::InvalidConfig(format!(
                    "capacity must be a whole number of entries ≥ 1, got {c}"
                ))
            })? as usize,
        };
        FallbackCache::new(capacity, ttl_seconds.unwrap_or(3600.0), clock)
    }

    /// [`with_numbers`](Self::with_numbers) for a caller that passes every time itself (the
    /// `*_at` methods), as the JavaScript packages do: the cache reads no clock.
    pub fn with_numbers_caller_timed(
        capacity: Option<f64>,
        ttl_seconds: Option<f64>,
    ) -> Result<Self, BreakerError> {
        Self::with_numbers(
            capacity,
            ttl_seconds,
            Arc::new(crate::clock::ManualClock::new(0.0)),
        )
    }

    /// Entries currently held (expired ones included until evicted).
    pub fn len(&self) -> usize {
        self.inner.lock().0.len()
    }

    /// Whether the cache is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Stores a good answer for `key` now.
    pub fn store(&self, key: &str, value: T, attribution: Attribution) {
        self.store_at(key, value, attribution, self.clock.now())
    }

    /// Stores a good answer at clock time `now` given by the caller.
    pub fn store_at(&self, key: &str, value: T, attribution: Attribution, now: f64) {
        let mut g = self.inner.lock();
        let (map, order) = &mut *g;
        if map
            .insert(
                key.to_string(),
                Entry {
                    value,
                    attribution,
                    stored_at: now,
                },
            )
            .is_some()
        {
            order.retain(|k| k != key);
        }
        order.push_back(key.to_string());
        while map.len() > self.capacity {
            match order.pop_front() {
                Some(old) => {
                    map.remove(&old);
                }
                None => break,
            }
        }
    }

    /// The last good answer for `key`, if stored within the TTL.
    pub fn get(&self, key: &str) -> Option<Served<T>> {
        self.get_at(key, self.clock.now())
    }

    /// The last good answer for `key` as of clock time `now` given by the caller.
    pub fn get_at(&self, key: &str, now: f64) -> Option<Served<T>> {
        let g = self.inner.lock();
        let e = g.0.get(key)?;
        let age = (now - e.stored_at).max(0.0);
        (age <= self.ttl_seconds).then(|| Served {
            value: e.value.clone(),
            attribution: e.attribution.clone(),
            from_cache: true,
            age_seconds: age,
        })
    }

    /// What to serve once a call through the breaker has settled — the cache's one rule, for
    /// callers that make the call themselves (e.g. asynchronously, in another language): a
    /// good answer is stored and served fresh; `None` (the call was refused or failed) serves
    /// the last good answer within the TTL, marked as from the cache with its age, if any.
    pub fn settle_at(
        &self,
        key: &str,
        answer: Option<(T, Attribution)>,
        now: f64,
    ) -> Option<Served<T>> {
        match answer {
            Some((value, attribution)) => Some(self.fresh(key, value, attribution, now)),
            None => self.get_at(key, now),
        }
    }

    /// Stores a good answer and serves it fresh.
    fn fresh(&self, key: &str, value: T, attribution: Attribution, now: f64) -> Served<T> {
        self.store_at(key, value.clone(), attribution.clone(), now);
        Served {
            value,
            attribution,
            from_cache: false,
            age_seconds: 0.0,
        }
    }

    /// As [`settle_at`](Self::settle_at), now.
    pub fn settle(&self, key: &str, answer: Option<(T, Attribution)>) -> Option<Served<T>> {
        self.settle_at(key, answer, self.clock.now())
    }

    /// Calls `f` through `breaker`. A success is stored and served fresh; a failure (recorded
    /// as such) or a rejection serves the cached answer, marked as from the cache with its age.
    pub fn guard<E>(
        &self,
        breaker: &CircuitBreaker,
        key: &str,
        f: impl FnOnce() -> Result<(T, Attribution), E>,
    ) -> Result<Served<T>, Unavailable<E>> {
        self.guard_filtered(breaker, key, f, |_| true)
    }

    /// As [`guard`](Self::guard), but an error for which `is_failure` is false is recorded as a
    /// success (the dependency answered; the caller asked for something wrong) and returned
    /// as it is, without serving the cache.
    pub fn guard_filtered<E>(
        &self,
        breaker: &CircuitBreaker,
        key: &str,
        f: impl FnOnce() -> Result<(T, Attribution), E>,
        is_failure: impl FnOnce(&E) -> bool,
    ) -> Result<Served<T>, Unavailable<E>> {
        let permit = match breaker.try_acquire() {
            Ok(p) => p,
            Err(r) => return self.settle(key, None).ok_or(Unavailable::Rejected(r)),
        };
        let r = f();
        let end = match &r {
            Ok(_) => CallEnd::Returned,
            Err(e) if is_failure(e) => CallEnd::Failed,
            Err(_) => CallEnd::Ignored,
        };
        // The cache is this guard's fallback.
        let (outcome, step) = guard(Some(end), true);
        if let Some(o) = outcome {
            permit.record(o);
        }
        match (r, step) {
            (Ok((value, attribution)), _) => {
                Ok(self.fresh(key, value, attribution, self.clock.now()))
            }
            (Err(e), GuardStep::Fallback) => self.settle(key, None).ok_or(Unavailable::Failed(e)),
            (Err(e), _) => Err(Unavailable::Failed(e)),
        }
    }
}
