//! Circuit breakers that share their window and state across processes through Redis.
//!
//! The breakers named `name` in every process keep one [`BreakerMachine`] (SPEC §4, the same
//! code as a local breaker) as JSON under the key `liberation-gates:breaker:{name}`. Each
//! operation reads it, applies the operation in Rust, and writes it back with a Lua
//! compare-and-set that succeeds only if nobody wrote in between (else it reads again), so
//! every process's acquires and records enter the one window and every transition happens
//! once. Times are wall-clock seconds ([`WallClock`]), the clock processes agree on.
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

/// Compare-and-set: write `ARGV[2]` if the key still holds `ARGV[1]` (`""`: does not exist).
/// Returns `{1, ""}` when written, else `{0, current}` (`""` for none), so a writer that lost
/// the race has the current value without another round trip.
const CAS: &str = r"
local cur = redis.call('GET', KEYS[1])
if (cur == false and ARGV[1] == '') or cur == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2])
  return {1, ''}
end
if cur == false then cur = '' end
return {0, cur}
";

/// Attempts at one operation when other processes keep writing in between.
const MAX_ATTEMPTS: usize = 64;

/// What a shared breaker tells its listeners.
#[derive(Debug, Clone, PartialEq)]
pub enum SharedEvent {
    /// Redis failed (`reason`); calls go through the local breaker until it answers again.
    Local { reason: String },
    /// Redis answers again; calls go through the shared state.
    Shared,
    /// This process moved the shared breaker from one state to another.
    Transition(Transition),
}

type Listener = Box<dyn Fn(&SharedEvent) + Send + Sync>;

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
        for _ in 0..MAX_ATTEMPTS {
            let mut m = if current.is_empty() {
                BreakerMachine::new(self.config).map_err(|e| e.to_string())?
            } else {
                BreakerMachine::from_json(&current)
                    .map_err(|e| format!("redis: the shared state is unreadable: {e}"))?
            };
            let now = self.clock.now();
            let t = m.last_time().map_or(now, |last| now.max(last));
            let (permitted, trans) = m.apply(t, op).map_err(|e| e.to_string())?;
            let next = m.to_json();
            let (written, actual): (i64, String) = self
                .cas
                .key(&self.key)
                .arg(&current)
                .arg(&next)
                .invoke(conn)
                .map_err(|e| format!("redis: compare-and-set: {e}"))?;
            if written == 1 {
                link.seen = Some(next);
                events.extend(trans.into_iter().map(SharedEvent::Transition));
                return Ok((permitted, m.state()));
            }
            current = actual;
        }
        Err(format!(
            "redis: {MAX_ATTEMPTS} attempts in a row lost the compare-and-set to other writers"
        ))
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
