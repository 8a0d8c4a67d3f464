//! Circuit breakers that share their window and state across processes through Redis.
//!
//! The breakers named `name` in every process keep one [`BreakerMachine`] (SPEC §4, the same
//! code as a local breaker) as JSON under the key `liberation-gates:breaker:{name}`. Each
//! operation applies itself in Rust to the machine this process last saw and writes the result
//! with a Lua compare-and-set that succeeds only if nobody wrote in between, so every
//! process's acquires and records enter the one window and every transition happens once. An
//! uncontended operation is one round trip. A writer that loses three times in a row takes
//! the breaker's lock (`…:lock`, `SET NX PX`, which every compare-and-set respects), reads,
//! writes and unlocks: under heavy contention writers take turns instead of colliding forever
//! (a lock whose holder died expires after a second). Times are wall-clock seconds
//! ([`WallClock`]), the clock processes agree on.
//!
//! **Redis trouble never becomes an outage.** Connecting, reading and writing time out after
//! `timeout` (default 200 ms); on any failure the breaker carries on with a local breaker of
//! the same config, reports [`SharedEvent::Local`] to listeners (and a `tracing` warning), and
//! tries Redis again after `retry_seconds` (default 5 s), reporting [`SharedEvent::Shared`]
//! when it answers.
//!
//! ```no_run
//! use liberation_gates::breaker::BreakerConfig;
//! use liberation_gates::store::shared::SharedBreaker;
//! let b = SharedBreaker::connect("redis://127.0.0.1:6379/", "payments", BreakerConfig::default()).unwrap();
//! b.on_event(|e| eprintln!("{e:?}"));
//! let r: Result<Result<u32, &str>, _> = b.call(|| Ok(42));
//! ```

use crate::breaker::{
    BreakerConfig, BreakerMachine, BreakerOp, BreakerState, BreakerStats, CircuitBreaker, Outcome,
    Rejected, Transition,
};
use crate::clock::{Clock, WallClock};
use crate::error::StoreError;
use parking_lot::Mutex;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Compare-and-set: write `ARGV[2]` to `KEYS[1]` if it still holds `ARGV[1]` (`""`: does not
/// exist) and the lock `KEYS[2]` is free or held with token `ARGV[3]`. Returns `{1, ""}` when
/// written, else `{0, current}` (`""` for none), so a writer that lost the race has the
/// current value without another round trip.
const CAS: &str = r"
local lock = redis.call('GET', KEYS[2])
local cur = redis.call('GET', KEYS[1])
if cur == false then cur = '' end
if (lock == false or lock == ARGV[3]) and cur == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2])
  return {1, ''}
end
return {0, cur}
";

/// Releases the lock `KEYS[1]` if it is still held with token `ARGV[1]`.
const UNLOCK: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
";

/// Numbers this process's breakers, for their lock tokens.
static NEXT_TOKEN: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Optimistic attempts before taking the lock.
const OPTIMISTIC_ATTEMPTS: u32 = 3;

/// How long a lock lives if its holder dies while holding it.
const LOCK_MILLIS: u64 = 1000;

/// How long to wait for the lock before giving up (and going local).
const LOCK_WAIT: Duration = Duration::from_secs(2);

/// The pause after the `attempt`-th failure to take the lock: 2^attempt µs, at most 2 ms,
/// scaled by a jitter in [0.5, 1.5) taken from the clock's nanoseconds.
fn backoff(attempt: u32) -> Duration {
    let base = 1u64 << attempt.min(11);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos() as u64);
    let jitter = 500 + nanos % 1000; // per mille
    Duration::from_nanos(base * jitter)
}

/// What a shared breaker tells its listeners (serialized with its `kind`: `local`, `shared`
/// or `transition`, beside the variant's fields).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SharedEvent {
    /// Redis failed (`reason`); calls go through the local breaker until it answers again.
    Local {
        /// What went wrong with Redis.
        reason: String,
    },
    /// Redis answers again; calls go through the shared state.
    Shared,
    /// This process moved the shared breaker from one state to another.
    Transition(Transition),
}

type Listener = Box<dyn Fn(&SharedEvent) + Send + Sync>;

/// One compare-and-set: written (the new text, the answer, the state, the transitions), or
/// lost to another writer (the current text).
enum Attempt {
    Written(String, Option<bool>, BreakerState, Vec<Transition>),
    Lost(String),
}

/// Settings of a [`SharedBreaker`] besides the breaker's own config.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SharedOptions {
    /// Connect, read and write timeout.
    pub timeout: Duration,
    /// How long to stay local after Redis failed before trying it again.
    pub retry_seconds: f64,
}

impl Default for SharedOptions {
    fn default() -> Self {
        SharedOptions {
            timeout: Duration::from_millis(200),
            retry_seconds: 5.0,
        }
    }
}

struct Link {
    conn: Option<redis::Connection>,
    /// The shared machine as this process last wrote or saw it (`""`: none yet). Each
    /// operation is applied to it and written with one compare-and-set, a single round trip
    /// unless another process wrote in between.
    seen: Option<String>,
    /// While local: when to try Redis again.
    retry_at: Option<Instant>,
}

/// A breaker whose window and state live in Redis, shared by every process using the same
/// name, with a local breaker for when Redis is unreachable.
pub struct SharedBreaker {
    name: String,
    key: String,
    config: BreakerConfig,
    options: SharedOptions,
    client: redis::Client,
    link: Mutex<Link>,
    local: CircuitBreaker,
    clock: Arc<dyn Clock>,
    cas: redis::Script,
    unlock: redis::Script,
    lock_key: String,
    /// This breaker's lock token: unique per process and breaker.
    token: String,
    listeners: Mutex<Vec<Listener>>,
}

impl std::fmt::Debug for SharedBreaker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SharedBreaker")
            .field("name", &self.name)
            .field("shared", &self.is_shared())
            .finish_non_exhaustive()
    }
}

/// Permission to make one call; record its outcome with [`SharedPermit::record`].
#[derive(Debug)]
#[must_use = "record the outcome of the call"]
pub struct SharedPermit<'a> {
    breaker: &'a SharedBreaker,
    started: Instant,
    shared: bool,
}

impl SharedPermit<'_> {
    /// Records the outcome with the call's duration (measured on the monotonic clock), in
    /// the state that permitted the call (or locally, if Redis failed meanwhile).
    pub fn record(self, outcome: Outcome) -> BreakerState {
        let seconds = self.started.elapsed().as_secs_f64();
        self.breaker.record_via(self.shared, outcome, seconds)
    }

    /// Whether the shared state permitted the call (else the local breaker did).
    pub fn shared(&self) -> bool {
        self.shared
    }
}

impl SharedBreaker {
    /// A shared breaker on `url` (`redis://HOST:PORT/`) named `name`, with default options.
    /// `invalid_url` for a URL the Redis client does not accept; an unreachable server is not
    /// an error (the breaker starts local and says so).
    pub fn connect(
        url: &str,
        name: &str,
        config: BreakerConfig,
    ) -> Result<SharedBreaker, crate::error::Error> {
        Self::with_options(
            url,
            name,
            config,
            SharedOptions::default(),
            Arc::new(WallClock),
        )
    }

    /// As [`connect`](Self::connect), with options and the clock that times operations
    /// (every process sharing the breaker must use the same one).
    pub fn with_options(
        url: &str,
        name: &str,
        config: BreakerConfig,
        options: SharedOptions,
        clock: Arc<dyn Clock>,
    ) -> Result<SharedBreaker, crate::error::Error> {
        if name.is_empty() {
            return Err(StoreError::InvalidRecord("a shared breaker needs a name".into()).into());
        }
        let client = redis::Client::open(url)
            .map_err(|e| StoreError::InvalidUrl(format!("redis URL {url:?}: {e}")))?;
        let local = CircuitBreaker::new(config)?;
        Ok(SharedBreaker {
            name: name.to_string(),
            key: format!("liberation-gates:breaker:{name}"),
            config,
            options,
            client,
            link: Mutex::new(Link {
                conn: None,
                seen: None,
                retry_at: None,
            }),
            local,
            clock,
            cas: redis::Script::new(CAS),
            unlock: redis::Script::new(UNLOCK),
            lock_key: format!("liberation-gates:breaker:{name}:lock"),
            token: format!(
                "{}-{:x}-{}",
                std::process::id(),
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_nanos()),
                NEXT_TOKEN.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            ),
            listeners: Mutex::new(Vec::new()),
        })
    }

    /// The breaker's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Calls `f` on every event: falling back to local, back to shared, and transitions of
    /// the shared state made by this process.
    pub fn on_event(&self, f: impl Fn(&SharedEvent) + Send + Sync + 'static) {
        self.listeners.lock().push(Box::new(f));
    }

    fn emit(&self, e: SharedEvent) {
        match &e {
            SharedEvent::Local { reason } => tracing::warn!(
                target: "liberation_gates::store",
                breaker = %self.name,
                reason = %reason,
                "shared breaker falls back to its local state"
            ),
            SharedEvent::Shared => tracing::info!(
                target: "liberation_gates::store",
                breaker = %self.name,
                "shared breaker uses the shared state again"
            ),
            SharedEvent::Transition(_) => {}
        }
        for l in self.listeners.lock().iter() {
            l(&e);
        }
    }

    /// Whether operations currently go to Redis (else to the local breaker).
    pub fn is_shared(&self) -> bool {
        let link = self.link.lock();
        link.retry_at.is_none()
    }

    /// Applies `op` to the shared machine; `Err(reason)` when Redis failed (the caller then
    /// uses the local breaker). Events are emitted after the link's lock is released.
    fn shared_apply(&self, op: BreakerOp) -> Result<(Option<bool>, BreakerState), String> {
        let mut events = Vec::new();
        let r = {
            let mut link = self.link.lock();
            if let Some(at) = link.retry_at {
                if Instant::now() < at {
                    return Err("redis is unavailable (waiting to retry)".to_string());
                }
            }
            let was_local = link.retry_at.is_some();
            let r = self.apply_on(&mut link, op, &mut events);
            match &r {
                Ok(_) => {
                    link.retry_at = None;
                    if was_local {
                        events.insert(0, SharedEvent::Shared);
                    }
                }
                Err(reason) => {
                    link.conn = None;
                    link.retry_at =
                        Some(Instant::now() + Duration::from_secs_f64(self.options.retry_seconds));
                    if !was_local {
                        events.push(SharedEvent::Local {
                            reason: reason.clone(),
                        });
                    }
                }
            }
            r
        };
        for e in events {
            self.emit(e);
        }
        r
    }

    fn connection<'l>(&self, link: &'l mut Link) -> Result<&'l mut redis::Connection, String> {
        if link.conn.is_none() {
            let conn = self
                .client
                .get_connection_with_timeout(self.options.timeout)
                .map_err(|e| format!("redis: connect: {e}"))?;
            conn.set_read_timeout(Some(self.options.timeout))
                .and_then(|_| conn.set_write_timeout(Some(self.options.timeout)))
                .map_err(|e| format!("redis: timeouts: {e}"))?;
            link.conn = Some(conn);
        }
        link.conn
            .as_mut()
            .ok_or_else(|| "redis: no connection".to_string())
    }

    fn apply_on(
        &self,
        link: &mut Link,
        op: BreakerOp,
        events: &mut Vec<SharedEvent>,
    ) -> Result<(Option<bool>, BreakerState), String> {
        let mut current = match link.seen.take() {
            Some(seen) => seen,
            None => {
                let conn = self.connection(link)?;
                redis::cmd("GET")
                    .arg(&self.key)
                    .query::<Option<String>>(conn)
                    .map_err(|e| format!("redis: GET: {e}"))?
                    .unwrap_or_default()
            }
        };
        let conn = self.connection(link)?;
        // Optimistic first: one round trip when nobody else wrote since we last did.
        for _ in 0..OPTIMISTIC_ATTEMPTS {
            match self.attempt(conn, &current, op, "")? {
                Attempt::Written(next, permitted, state, trans) => {
                    link.seen = Some(next);
                    events.extend(trans.into_iter().map(SharedEvent::Transition));
                    return Ok((permitted, state));
                }
                Attempt::Lost(actual) => current = actual,
            }
        }
        // Busy: take the breaker's lock (which the compare-and-set of every other writer
        // respects), so that writers take turns instead of colliding forever.
        let deadline = Instant::now() + LOCK_WAIT;
        let mut tries = 0;
        loop {
            let got: Option<String> = redis::cmd("SET")
                .arg(&self.lock_key)
                .arg(&self.token)
                .arg("NX")
                .arg("PX")
                .arg(LOCK_MILLIS)
                .query(conn)
                .map_err(|e| format!("redis: lock: {e}"))?;
            if got.is_some() {
                break;
            }
            if Instant::now() >= deadline {
                return Err(format!(
                    "redis: the breaker's lock stayed busy for {LOCK_WAIT:?}"
                ));
            }
            std::thread::sleep(backoff(tries));
            tries += 1;
        }
        let result = (|| {
            let current: String = redis::cmd("GET")
                .arg(&self.key)
                .query::<Option<String>>(conn)
                .map_err(|e| format!("redis: GET: {e}"))?
                .unwrap_or_default();
            match self.attempt(conn, &current, op, &self.token)? {
                Attempt::Written(next, permitted, state, trans) => {
                    Ok((next, permitted, state, trans))
                }
                Attempt::Lost(_) => Err(
                    "redis: the state changed while this process held the lock (lock expired?)"
                        .to_string(),
                ),
            }
        })();
        let _: i64 = self
            .unlock
            .key(&self.lock_key)
            .arg(&self.token)
            .invoke(conn)
            .map_err(|e| format!("redis: unlock: {e}"))?;
        let (next, permitted, state, trans) = result?;
        link.seen = Some(next);
        events.extend(trans.into_iter().map(SharedEvent::Transition));
        Ok((permitted, state))
    }

    /// Applies `op` to the machine in `current` and tries to write it back.
    fn attempt(
        &self,
        conn: &mut redis::Connection,
        current: &str,
        op: BreakerOp,
        token: &str,
    ) -> Result<Attempt, String> {
        let mut m = if current.is_empty() {
            BreakerMachine::new(self.config).map_err(|e| e.to_string())?
        } else {
            BreakerMachine::from_json(current)
                .map_err(|e| format!("redis: the shared state is unreadable: {e}"))?
        };
        let now = self.clock.now();
        let t = m.last_time().map_or(now, |last| now.max(last));
        let (permitted, trans) = m.apply(t, op).map_err(|e| e.to_string())?;
        let next = m.to_json();
        let (written, actual): (i64, String) = self
            .cas
            .key(&self.key)
            .key(&self.lock_key)
            .arg(current)
            .arg(&next)
            .arg(token)
            .invoke(conn)
            .map_err(|e| format!("redis: compare-and-set: {e}"))?;
        Ok(if written == 1 {
            Attempt::Written(next, permitted, m.state(), trans)
        } else {
            Attempt::Lost(actual)
        })
    }

    /// Asks to make a call now.
    pub fn try_acquire(&self) -> Result<SharedPermit<'_>, Rejected> {
        let started = Instant::now();
        match self.shared_apply(BreakerOp::Acquire) {
            Ok((Some(true), _)) => Ok(SharedPermit {
                breaker: self,
                started,
                shared: true,
            }),
            Ok((_, state)) => Err(Rejected { state }),
            Err(_) => {
                self.local.acquire_at(self.local.now())?;
                Ok(SharedPermit {
                    breaker: self,
                    started,
                    shared: false,
                })
            }
        }
    }

    /// Asks to make a call now, for bindings that keep the permit themselves: `Ok(true)` when
    /// the shared state permitted it, `Ok(false)` when the local breaker did (Redis is
    /// unavailable). Record with [`record`](Self::record), passing that answer back.
    pub fn acquire(&self) -> Result<bool, Rejected> {
        self.try_acquire().map(|p| p.shared)
    }

    /// Records a call of `seconds` permitted by [`acquire`](Self::acquire) (`shared`: what it
    /// answered).
    pub fn record(&self, shared: bool, outcome: Outcome, seconds: f64) -> BreakerState {
        let seconds = if seconds.is_finite() && seconds >= 0.0 {
            seconds
        } else {
            0.0
        };
        self.record_via(shared, outcome, seconds)
    }

    fn record_via(&self, shared: bool, outcome: Outcome, seconds: f64) -> BreakerState {
        if shared {
            if let Ok((_, state)) = self.shared_apply(BreakerOp::Record { outcome, seconds }) {
                return state;
            }
        }
        self.local.record(outcome, seconds)
    }

    /// Runs `f` if permitted, recording `Err` as a failure and `Ok` as a success.
    pub fn call<T, E>(&self, f: impl FnOnce() -> Result<T, E>) -> Result<Result<T, E>, Rejected> {
        let permit = self.try_acquire()?;
        let r = f();
        permit.record(if r.is_ok() {
            Outcome::Success
        } else {
            Outcome::Failure
        });
        Ok(r)
    }

    /// The shared machine as last written, if Redis answers now.
    fn shared_machine(&self) -> Option<BreakerMachine> {
        let mut link = self.link.lock();
        if link.retry_at.is_some() {
            return None;
        }
        let conn = self.connection(&mut link).ok()?;
        redis::cmd("GET")
            .arg(&self.key)
            .query::<Option<String>>(conn)
            .ok()
            .flatten()
            .and_then(|t| BreakerMachine::from_json(&t).ok())
    }

    /// The shared state (the local breaker's while Redis is unavailable).
    pub fn state(&self) -> BreakerState {
        self.shared_machine()
            .map_or_else(|| self.local.state(), |m| m.state())
    }

    /// The shared machine's lifetime counters (every process's acquires and records), or
    /// the local breaker's while Redis is unavailable.
    pub fn stats(&self) -> BreakerStats {
        self.shared_machine()
            .map_or_else(|| self.local.metrics().stats, |m| m.stats())
    }

    /// Forces the shared breaker open (or the local one while Redis is unavailable).
    pub fn force_open(&self) -> BreakerState {
        self.shared_apply(BreakerOp::ForceOpen)
            .map(|r| r.1)
            .unwrap_or_else(|_| self.local.force_open())
    }

    /// Disables the shared breaker: every call permitted, nothing recorded (or the local one).
    pub fn disable(&self) -> BreakerState {
        self.shared_apply(BreakerOp::Disable)
            .map(|r| r.1)
            .unwrap_or_else(|_| self.local.disable())
    }

    /// Closes the shared breaker with an empty window (or the local one).
    pub fn reset(&self) -> BreakerState {
        self.shared_apply(BreakerOp::Reset)
            .map(|r| r.1)
            .unwrap_or_else(|_| self.local.reset())
    }
}
