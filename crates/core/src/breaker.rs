//! Circuit breaker (SPEC §4), with resilience4j's defaults and state names.
//!
//! [`BreakerMachine`] is the state machine, driven by hand with explicit times: it is what the
//! conformance vectors exercise. [`CircuitBreaker`] wraps it for concurrent use
//! (`Send + Sync`), reads time from a [`Clock`], hands out permits and
//! tells listeners about every transition.
//!
//! * Before any operation at `t`: `open` with `t ≥ opened_at + open_seconds` becomes
//!   `half_open`, with no permits handed out yet.
//! * `acquire`: permitted in `closed` and `disabled`; rejected in `open` and `forced_open`;
//!   in `half_open`, permitted while fewer than `half_open_calls` permits were handed out.
//! * `record`: a call is slow when `seconds > slow_call_seconds`. In `closed` it enters the
//!   window; once the window holds ≥ `minimum_calls` and either rate reaches its threshold,
//!   the breaker opens. In `half_open` outcomes are counted apart; after `half_open_calls`
//!   of them the same rates decide: `open`, or `closed` with an empty window. Ignored in
//!   `open`, `forced_open` and `disabled`.
//!
//! Rates come from running totals, so reading them is O(1).
//!
//! ```
//! use liberation_gates::breaker::{BreakerConfig, BreakerMachine, BreakerState, Outcome, WindowConfig};
//! let config = BreakerConfig { window: WindowConfig::Count { size: 4 }, minimum_calls: 4, ..Default::default() };
//! let mut b = BreakerMachine::new(config).unwrap();
//! for t in 0..4 { b.record(t as f64, Outcome::Failure, 0.1).unwrap(); }
//! assert_eq!(b.state(), BreakerState::Open);
//! assert!(!b.acquire(5.0).unwrap());
//! ```

use crate::clock::{Clock, CoarseClock, SystemClock};
use crate::error::BreakerError;
use crate::num::Num;
use parking_lot::Mutex;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, AtomicU8, AtomicUsize, Ordering};
use std::sync::Arc;

string_enum! {
    /// The breaker's states.
    pub enum BreakerState {
        /// Calls go through; outcomes enter the window.
        Closed = "closed",
        /// Calls are rejected until `open_seconds` have passed.
        Open = "open",
        /// A limited number of trial calls decide whether to close or open again.
        HalfOpen = "half_open",
        /// Opened by hand: every call is rejected until reset.
        ForcedOpen = "forced_open",
        /// Switched off by hand: every call goes through and nothing is counted.
        Disabled = "disabled",
    }
}

impl BreakerState {
    /// Whether the breaker refuses calls in this state (`open` or `forced_open`): what
    /// opossum calls `opened`.
    pub fn rejects_calls(self) -> bool {
        matches!(self, BreakerState::Open | BreakerState::ForcedOpen)
    }
}

/// The outcome of a protected call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The call did what was asked (its duration may still make it slow).
    Success,
    /// The call failed.
    Failure,
}

impl Outcome {
    /// `Failure` when `failed`, else `Success`: the outcome of a call a language reports as a
    /// flag.
    pub fn from_failed(failed: bool) -> Outcome {
        if failed {
            Outcome::Failure
        } else {
            Outcome::Success
        }
    }

    /// Whether this is `Failure`.
    pub fn is_failure(self) -> bool {
        self == Outcome::Failure
    }
}

impl FromStr for Outcome {
    type Err = BreakerError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "success" => Ok(Outcome::Success),
            "failure" => Ok(Outcome::Failure),
            other => Err(BreakerError::InvalidOp(format!(
                "unknown outcome {other:?}: expected \"success\" or \"failure\""
            ))),
        }
    }
}

string_enum! {
    /// How a guarded call ended, as the code that ran it saw it (the guard protocol, see
    /// [`guard`]).
    pub enum CallEnd {
        /// It returned a value.
        Returned = "returned",
        /// It raised an error that counts against the dependency.
        Failed = "failed",
        /// It raised an error that does not count (an ignored or filtered error).
        Ignored = "ignored",
        /// The code judging whether the error counts raised an error itself.
        ClassifierFailed = "classifier_failed",
        /// It was cancelled before it ended (a timed-out or cancelled task).
        Cancelled = "cancelled",
    }
    parse: "call end" => BreakerError::InvalidOp
}

string_enum! {
    /// What to do once a guarded call is over (see [`guard`]).
    pub enum GuardStep {
        /// Return the call's value.
        Return = "return",
        /// Serve the fallback instead.
        Fallback = "fallback",
        /// Let the call's error (or the breaker's refusal) through.
        Rethrow = "rethrow",
        /// Let the classifier's own error through.
        RethrowClassifierError = "rethrow_classifier_error",
    }
}

/// The guard protocol every language follows around a protected call: acquire a permit;
/// without one (`end` is `None`) nothing is recorded and the fallback is served if there is
/// one, else the refusal is raised. With one, the call ends as `end`, which is recorded as:
///
/// | end | recorded | then |
/// |---|---|---|
/// | returned | success | return the value |
/// | failed | failure | the fallback if there is one, else rethrow |
/// | ignored | success | rethrow (an ignored error is the caller's, never hidden) |
/// | classifier failed | failure | rethrow the classifier's error |
/// | cancelled | failure | rethrow the cancellation (no fallback) |
///
/// The permit is always recorded, so a half-open breaker never waits for a call that ended.
///
/// ```
/// use liberation_gates::breaker::{guard, CallEnd, GuardStep, Outcome};
/// assert_eq!(guard(None, true), (None, GuardStep::Fallback));
/// assert_eq!(guard(Some(CallEnd::Failed), false), (Some(Outcome::Failure), GuardStep::Rethrow));
/// assert_eq!(guard(Some(CallEnd::Cancelled), true), (Some(Outcome::Failure), GuardStep::Rethrow));
/// ```
pub fn guard(end: Option<CallEnd>, has_fallback: bool) -> (Option<Outcome>, GuardStep) {
    let fallback_or_rethrow = if has_fallback {
        GuardStep::Fallback
    } else {
        GuardStep::Rethrow
    };
    match end {
        None => (None, fallback_or_rethrow),
        Some(CallEnd::Returned) => (Some(Outcome::Success), GuardStep::Return),
        Some(CallEnd::Failed) => (Some(Outcome::Failure), fallback_or_rethrow),
        Some(CallEnd::Ignored) => (Some(Outcome::Success), GuardStep::Rethrow),
        Some(CallEnd::ClassifierFailed) => {
            (Some(Outcome::Failure), GuardStep::RethrowClassifierError)
        }
        Some(CallEnd::Cancelled) => (Some(Outcome::Failure), GuardStep::Rethrow),
    }
}

/// The sliding window the failure and slow-call rates are computed over.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum WindowConfig {
    /// The last `size` recorded calls.
    Count {
        /// How many calls the window holds (at least 1).
        size: u64,
    },
    /// One-second buckets, as resilience4j keeps them: the window at `t` holds the records of
    /// the whole seconds `s > ⌊t⌋ − seconds` (the `seconds` most recent ones, the current one
    /// included), so its memory is at most `seconds` buckets whatever the call rate.
    Time {
        /// How many whole seconds the window covers (at least 1).
        seconds: u64,
    },
}

/// Breaker settings. [`Default`] is resilience4j's: count window of 100, failure rate 0.5,
/// slow-call rate 1.0 over 60 s, 100 minimum calls, 60 s open, 10 half-open calls.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BreakerConfig {
    /// The sliding window the rates are computed over.
    pub window: WindowConfig,
    /// Open when the failure rate reaches this, in (0, 1].
    pub failure_rate_threshold: f64,
    /// Open when the slow-call rate reaches this, in (0, 1].
    pub slow_call_rate_threshold: f64,
    /// A call longer than this (seconds, strictly) is slow.
    pub slow_call_seconds: f64,
    /// Rates are only judged once the window holds this many calls (≥ 1).
    pub minimum_calls: u64,
    /// How long `open` lasts before `half_open`, seconds.
    pub open_seconds: f64,
    /// Trial calls permitted, and judged, in `half_open` (≥ 1).
    pub half_open_calls: u64,
}

impl Default for BreakerConfig {
    fn default() -> Self {
        BreakerConfig {
            window: WindowConfig::Count { size: 100 },
            failure_rate_threshold: 0.5,
            slow_call_rate_threshold: 1.0,
            slow_call_seconds: 60.0,
            minimum_calls: 100,
            open_seconds: 60.0,
            half_open_calls: 10,
        }
    }
}

impl BreakerConfig {
    /// `invalid_config` for a threshold outside (0, 1], a count window `size`,
    /// `minimum_calls` or `half_open_calls` below 1, a time window of fewer than 1 second, or
    /// a negative `slow_call_seconds` or `open_seconds`.
    pub fn validate(&self) -> Result<(), BreakerError> {
        let bad = |m: String| Err(BreakerError::InvalidConfig(m));
        for (name, v) in [
            ("failure_rate_threshold", self.failure_rate_threshold),
            ("slow_call_rate_threshold", self.slow_call_rate_threshold),
        ] {
            if !(v > 0.0 && v <= 1.0) {
                return bad(format!("{name} must be in (0, 1], got {v}"));
            }
        }
        match self.window {
            WindowConfig::Count { size } if size < 1 => {
                return bad("count window size must be at least 1".into())
            }
            WindowConfig::Time { seconds } if seconds < 1 => {
                return bad("a time window must be at least 1 second".into())
            }
            _ => {}
        }
        if self.minimum_calls < 1 {
            return bad("minimum_calls must be at least 1".into());
        }
        if self.half_open_calls < 1 {
            return bad("half_open_calls must be at least 1".into());
        }
        for (name, v) in [
            ("slow_call_seconds", self.slow_call_seconds),
            ("open_seconds", self.open_seconds),
        ] {
            if !(v.is_finite() && v >= 0.0) {
                return bad(format!("{name} must be a finite number ≥ 0, got {v}"));
            }
        }
        Ok(())
    }
}

/// A breaker configuration as it arrives from JSON or a dynamic language: every field
/// optional (defaults fill in), counts as [`Num`]. Convert with `BreakerConfig::try_from`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    description = "A circuit breaker's configuration (SPEC §4): every field optional, \
    resilience4j's defaults fill in."
)]
pub struct BreakerConfigInput {
    /// The sliding window (default: the last 100 calls).
    #[serde(default)]
    pub window: Option<WindowInput>,
    /// The failure rate, 0–1, at or above which the breaker opens (default 0.5).
    #[serde(default)]
    #[serde(alias = "failureRateThreshold")]
    pub failure_rate_threshold: Option<f64>,
    /// The slow-call rate, 0–1, at or above which the breaker opens (default 1.0).
    #[serde(default)]
    #[serde(alias = "slowCallRateThreshold")]
    pub slow_call_rate_threshold: Option<f64>,
    /// How long a call may take before it counts as slow, seconds (default 60).
    #[serde(default)]
    #[serde(alias = "slowCallSeconds")]
    pub slow_call_seconds: Option<f64>,
    /// Calls the window needs before its rates count (default 100).
    #[serde(default)]
    #[serde(alias = "minimumCalls")]
    pub minimum_calls: Option<Num>,
    /// How long the breaker stays open before trying half-open, seconds (default 60).
    #[serde(default)]
    #[serde(alias = "openSeconds")]
    pub open_seconds: Option<f64>,
    /// Trial calls permitted while half-open (default 10).
    #[serde(default)]
    #[serde(alias = "halfOpenCalls")]
    pub half_open_calls: Option<Num>,
}

/// A window as it arrives from JSON: `{"type": "count", "size": N}` or
/// `{"type": "time", "seconds": S}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WindowInput {
    /// `"count"` or `"time"`.
    #[serde(rename = "type")]
    #[schemars(extend("enum" = ["count", "time"]))]
    pub kind: String,
    /// For a count window: how many calls it holds.
    #[serde(default)]
    pub size: Option<Num>,
    /// For a time window: how many whole seconds it covers.
    #[serde(default)]
    pub seconds: Option<Num>,
}

impl BreakerConfig {
    /// A config from the object a binding receives, read through any serde deserializer
    /// (`None` for the defaults). Every problem is `invalid_config` naming it — an unknown
    /// key, a value of the wrong type, NaN — the same in every language.
    pub fn from_de<'de, D: serde::Deserializer<'de>>(
        config: Option<D>,
    ) -> Result<BreakerConfig, BreakerError> {
        let input = match config {
            None => BreakerConfigInput::default(),
            Some(d) => BreakerConfigInput::deserialize(d)
                .map_err(|e| BreakerError::InvalidConfig(format!("config: {e}")))?,
        };
        BreakerConfig::try_from(input)
    }
}

impl TryFrom<BreakerConfigInput> for BreakerConfig {
    type Error = BreakerError;
    fn try_from(i: BreakerConfigInput) -> Result<Self, BreakerError> {
        let d = BreakerConfig::default();
        let count = |name: &str, v: Option<Num>, default: u64| match v {
            None => Ok(default),
            Some(n) => n.as_count().ok_or_else(|| {
                BreakerError::InvalidConfig(format!(
                    "{name} must be a whole number ≥ 1, got {}",
                    n.as_f64()
                ))
            }),
        };
        let window = match i.window {
            None => d.window,
            Some(w) => match w.kind.as_str() {
                "count" => WindowConfig::Count {
                    size: count("window size", w.size, 100)?,
                },
                "time" => match w.seconds {
                    None => {
                        return Err(BreakerError::InvalidConfig(
                            "a time window needs seconds".into(),
                        ))
                    }
                    Some(n) => WindowConfig::Time {
                        seconds: n.as_count().filter(|&s| s >= 1).ok_or_else(|| {
                            BreakerError::InvalidConfig(format!(
                                "time window seconds must be a whole number ≥ 1, got {}",
                                n.as_f64()
                            ))
                        })?,
                    },
                },
                other => {
                    return Err(BreakerError::InvalidConfig(format!(
                        "unknown window type {other:?}: expected \"count\" or \"time\""
                    )))
                }
            },
        };
        let c = BreakerConfig {
            window,
            failure_rate_threshold: i.failure_rate_threshold.unwrap_or(d.failure_rate_threshold),
            slow_call_rate_threshold: i
                .slow_call_rate_threshold
                .unwrap_or(d.slow_call_rate_threshold),
            slow_call_seconds: i.slow_call_seconds.unwrap_or(d.slow_call_seconds),
            minimum_calls: count("minimum_calls", i.minimum_calls, d.minimum_calls)?,
            open_seconds: i.open_seconds.unwrap_or(d.open_seconds),
            half_open_calls: count("half_open_calls", i.half_open_calls, d.half_open_calls)?,
        };
        c.validate()?;
        Ok(c)
    }
}

/// Running totals over the recorded calls.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
struct Totals {
    /// Calls recorded.
    calls: u64,
    /// Of which failures.
    failures: u64,
    /// Of which slower than `slow_call_seconds` (a failure can also be slow).
    slow: u64,
}

impl Totals {
    fn add(&mut self, o: Totals) {
        self.calls += o.calls;
        self.failures += o.failures;
        self.slow += o.slow;
    }
    fn sub(&mut self, o: Totals) {
        self.calls -= o.calls;
        self.failures -= o.failures;
        self.slow -= o.slow;
    }
    fn one(failure: bool, slow: bool) -> Totals {
        Totals {
            calls: 1,
            failures: failure as u64,
            slow: slow as u64,
        }
    }
    fn rates(&self) -> (f64, f64) {
        if self.calls == 0 {
            return (0.0, 0.0);
        }
        let n = self.calls as f64;
        (self.failures as f64 / n, self.slow as f64 / n)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
enum Window {
    /// Outcomes of the last `size` calls (bit 0 failure, bit 1 slow).
    Count {
        /// How many calls the window holds.
        size: u64,
        /// The outcomes, oldest first.
        calls: VecDeque<u8>,
    },
    /// A ring of one-second buckets `(second, totals)`, oldest first, holding only the
    /// seconds still in the window: never more than `seconds` of them.
    Time {
        /// How many whole seconds the window covers.
        seconds: u64,
        /// `(second, totals of that second)`, oldest first.
        buckets: VecDeque<(i64, Totals)>,
    },
}

/// Lifetime counters of a breaker: every acquire and every record lands in exactly one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BreakerStats {
    /// Acquires that were permitted.
    pub permitted: u64,
    /// Acquires that were rejected.
    pub rejected: u64,
    /// Records that entered the window or the half-open trial.
    pub successes: u64,
    /// Records of a failure that entered the window or the half-open trial.
    pub failures: u64,
    /// Records ignored because the breaker was open, forced open or disabled.
    pub ignored: u64,
}

/// The breaker's state machine, driven with explicit times. Not thread-safe by itself; see
/// [`CircuitBreaker`]. It serializes whole (config, state, window, counters), which is how
/// breakers of the same name in several processes share it (see `store::shared`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BreakerMachine {
    /// The validated config: thresholds, window, open time, half-open trial size.
    config: BreakerConfig,
    /// Where the breaker stands.
    state: BreakerState,
    /// When the breaker last opened; it turns half-open at `opened_at + open_seconds`.
    opened_at: f64,
    /// The closed-state window of recent outcomes (count or time), as SPEC §4 defines it.
    window: Window,
    /// Calls, failures and slow calls in `window`, kept in step with it so the rates cost
    /// no scan.
    totals: Totals,
    /// Trial calls permitted since the breaker turned half-open (at most `half_open_calls`).
    half_open_permits: u64,
    /// Outcomes recorded during the half-open trial; they decide closed or open again.
    half_open: Totals,
    /// The time of the last operation; an earlier one is `out_of_order`.
    last_t: Option<f64>,
    /// Lifetime counters: every acquire and every record lands in exactly one.
    stats: BreakerStats,
}

/// A state change, as reported to listeners and `tracing`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Transition {
    /// When it happened.
    pub t: f64,
    /// The state before.
    pub from: BreakerState,
    /// The state after.
    pub to: BreakerState,
}

/// The operations of SPEC §4, for driving a machine from data.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum BreakerOp {
    /// Asks to make a call.
    Acquire,
    /// Records how a permitted call ended.
    Record {
        /// How the call ended.
        outcome: Outcome,
        /// How long it took, seconds.
        seconds: f64,
    },
    /// Opens the breaker by hand.
    ForceOpen,
    /// Switches the breaker off by hand.
    Disable,
    /// Returns to `closed` with an empty window.
    Reset,
}

impl BreakerOp {
    /// Builds an operation from its name (`acquire`, `record`, `force_open`, `disable`,
    /// `reset`); `invalid_op` for an unknown name or a `record` without a valid outcome.
    pub fn parse(
        name: &str,
        outcome: Option<&str>,
        seconds: Option<f64>,
    ) -> Result<BreakerOp, BreakerError> {
        Ok(match name {
            "acquire" => BreakerOp::Acquire,
            "record" => BreakerOp::Record {
                outcome: outcome
                    .ok_or_else(|| BreakerError::InvalidOp("record needs an outcome".into()))?
                    .parse()?,
                seconds: seconds.unwrap_or(0.0),
            },
            "force_open" => BreakerOp::ForceOpen,
            "disable" => BreakerOp::Disable,
            "reset" => BreakerOp::Reset,
            other => {
                return Err(BreakerError::InvalidOp(format!(
                    "unknown operation {other:?}"
                )))
            }
        })
    }
}

impl BreakerMachine {
    /// A closed breaker with an empty window. `invalid_config` for a bad config.
    pub fn new(config: BreakerConfig) -> Result<Self, BreakerError> {
        config.validate()?;
        let window = match config.window {
            WindowConfig::Count { size } => Window::Count {
                size,
                calls: VecDeque::new(),
            },
            WindowConfig::Time { seconds } => Window::Time {
                seconds,
                buckets: VecDeque::new(),
            },
        };
        Ok(BreakerMachine {
            config,
            state: BreakerState::Closed,
            opened_at: 0.0,
            window,
            totals: Totals::default(),
            half_open_permits: 0,
            half_open: Totals::default(),
            last_t: None,
            stats: BreakerStats::default(),
        })
    }

    /// The configuration.
    pub fn config(&self) -> &BreakerConfig {
        &self.config
    }

    /// The current state (as of the last operation).
    pub fn state(&self) -> BreakerState {
        self.state
    }

    /// Calls, failure rate and slow-call rate in the closed window.
    pub fn window_rates(&self) -> (u64, f64, f64) {
        let (f, s) = self.totals.rates();
        (self.totals.calls, f, s)
    }

    /// Calls, failed calls and slow calls in the closed window.
    pub fn window_counts(&self) -> (u64, u64, u64) {
        (self.totals.calls, self.totals.failures, self.totals.slow)
    }

    /// The time of the last operation, if any (later operations must not be earlier).
    pub fn last_time(&self) -> Option<f64> {
        self.last_t
    }

    /// The whole machine (config, state, window, counters) as JSON, for sharing.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// A machine written by [`to_json`](Self::to_json). `invalid_config` for text that is not
    /// one, or whose config is invalid.
    pub fn from_json(text: &str) -> Result<Self, BreakerError> {
        let m: BreakerMachine = serde_json::from_str(text)
            .map_err(|e| BreakerError::InvalidConfig(format!("not a breaker machine: {e}")))?;
        m.config.validate()?;
        Ok(m)
    }

    /// When an `open` breaker will become `half_open`.
    pub fn half_open_at(&self) -> Option<f64> {
        (self.state == BreakerState::Open).then_some(self.opened_at + self.config.open_seconds)
    }

    /// Applies one operation at `t`; returns the transitions it caused (possibly none) and,
    /// for `acquire`, whether the call is permitted.
    pub fn apply(
        &mut self,
        t: f64,
        op: BreakerOp,
    ) -> Result<(Option<bool>, Vec<Transition>), BreakerError> {
        let mut trans = Vec::new();
        self.advance(t, &mut trans)?;
        let permitted = match op {
            BreakerOp::Acquire => Some(self.acquire_now()),
            BreakerOp::Record { outcome, seconds } => {
                self.record_now(t, outcome, seconds, &mut trans)?;
                None
            }
            BreakerOp::ForceOpen => {
                self.go(t, BreakerState::ForcedOpen, &mut trans);
                None
            }
            BreakerOp::Disable => {
                self.go(t, BreakerState::Disabled, &mut trans);
                None
            }
            BreakerOp::Reset => {
                self.go(t, BreakerState::Closed, &mut trans);
                None
            }
        };
        Ok((permitted, trans))
    }

    /// Applies an operation named by strings, as it arrives from data: the operation is
    /// checked first (`invalid_op`), then the time (`out_of_order`).
    pub fn apply_named(
        &mut self,
        t: f64,
        op: &str,
        outcome: Option<&str>,
        seconds: Option<f64>,
    ) -> Result<Option<bool>, BreakerError> {
        let op = BreakerOp::parse(op, outcome, seconds)?;
        Ok(self.apply(t, op)?.0)
    }

    /// `acquire` at `t`: whether a call may go ahead.
    pub fn acquire(&mut self, t: f64) -> Result<bool, BreakerError> {
        Ok(self.apply(t, BreakerOp::Acquire)?.0.unwrap_or(false))
    }

    /// `record` at `t` of a call that took `seconds`.
    pub fn record(
        &mut self,
        t: f64,
        outcome: Outcome,
        seconds: f64,
    ) -> Result<BreakerState, BreakerError> {
        self.apply(t, BreakerOp::Record { outcome, seconds })?;
        Ok(self.state)
    }

    /// `k` records at `t` of successful calls that were not slow, as one operation: the
    /// machine ends exactly as after `k` single [`record`](Self::record)s of a success
    /// taking 0 seconds (a property test checks it), but in O(window) rather than O(k) once
    /// no further success can change the state ([`absorbs_successes`](Self::absorbs_successes)).
    /// `invalid_op` when `k` is not a whole number ≥ 0.
    pub fn record_successes(
        &mut self,
        t: f64,
        k: impl Into<Num>,
    ) -> Result<BreakerState, BreakerError> {
        let k = k.into();
        let k = k.as_count().ok_or_else(|| {
            BreakerError::InvalidOp(format!(
                "the number of successes must be a whole number ≥ 0, got {}",
                k.as_f64()
            ))
        })?;
        if k > 0 {
            let mut trans = Vec::new();
            self.advance(t, &mut trans)?;
            self.successes_now(t, k, &mut trans);
        }
        Ok(self.state)
    }

    /// Whether successful, non-slow calls recorded at `t` (any number of them) leave the
    /// state as it is: `closed`, no window bucket due to expire by `t`, and either nothing
    /// failed or was slow in the window, or the window already holds `minimum_calls` with
    /// both rates below their thresholds (more successes only lower the rates).
    pub fn absorbs_successes(&self, t: f64) -> bool {
        if self.state != BreakerState::Closed {
            return false;
        }
        if let Window::Time { seconds, buckets } = &self.window {
            let oldest_kept = whole_second(t).saturating_sub_unsigned(*seconds);
            if buckets.front().is_some_and(|&(s, _)| s <= oldest_kept) {
                return false;
            }
        }
        let totals = self.totals;
        (totals.failures == 0 && totals.slow == 0)
            || (totals.calls >= self.config.minimum_calls && !self.trips(totals))
    }

    fn successes_now(&mut self, t: f64, mut k: u64, trans: &mut Vec<Transition>) {
        while k > 0 {
            match self.state {
                BreakerState::Open | BreakerState::ForcedOpen | BreakerState::Disabled => {
                    self.stats.ignored += k;
                    return;
                }
                BreakerState::Closed if self.absorbs_successes(t) => {
                    self.stats.successes += k;
                    match &mut self.window {
                        // At most a window's worth of entries; the rest would be evicted.
                        Window::Count { size, calls } => {
                            let n = k.min(*size);
                            calls.extend(std::iter::repeat_n(0, n as usize));
                            self.totals.calls += n;
                            while calls.len() as u64 > *size {
                                if let Some(old) = calls.pop_front() {
                                    self.totals.sub(Totals::one(old & 1 != 0, old & 2 != 0));
                                }
                            }
                        }
                        Window::Time { .. } => self.push(
                            t,
                            Totals {
                                calls: k,
                                ..Totals::default()
                            },
                        ),
                    }
                    return;
                }
                // One at a time while a success may still move the breaker.
                _ => {
                    let _ = self.record_now(t, Outcome::Success, 0.0, trans);
                    k -= 1;
                }
            }
        }
    }

    /// `force_open` at `t`: rejects every call until `reset` or `disable`.
    pub fn force_open(&mut self, t: f64) -> Result<BreakerState, BreakerError> {
        self.apply(t, BreakerOp::ForceOpen)?;
        Ok(self.state)
    }

    /// `disable` at `t`: permits every call and records nothing.
    pub fn disable(&mut self, t: f64) -> Result<BreakerState, BreakerError> {
        self.apply(t, BreakerOp::Disable)?;
        Ok(self.state)
    }

    /// `reset` at `t`: closed, with an empty window.
    pub fn reset(&mut self, t: f64) -> Result<BreakerState, BreakerError> {
        self.apply(t, BreakerOp::Reset)?;
        Ok(self.state)
    }

    fn advance(&mut self, t: f64, trans: &mut Vec<Transition>) -> Result<(), BreakerError> {
        if !t.is_finite() {
            return Err(BreakerError::OutOfOrder(format!(
                "time t must be finite, got {t}"
            )));
        }
        if let Some(prev) = self.last_t {
            if t < prev {
                return Err(BreakerError::OutOfOrder(format!(
                    "operation at t={t} is before the previous one at t={prev}"
                )));
            }
        }
        self.last_t = Some(t);
        if self.state == BreakerState::Open && t >= self.opened_at + self.config.open_seconds {
            self.go(t, BreakerState::HalfOpen, trans);
        }
        Ok(())
    }

    /// Lifetime counters.
    pub fn stats(&self) -> BreakerStats {
        self.stats
    }

    fn acquire_now(&mut self) -> bool {
        let permitted = self.permits();
        if permitted {
            self.stats.permitted += 1;
        } else {
            self.stats.rejected += 1;
        }
        permitted
    }

    fn permits(&mut self) -> bool {
        match self.state {
            BreakerState::Closed | BreakerState::Disabled => true,
            BreakerState::Open | BreakerState::ForcedOpen => false,
            BreakerState::HalfOpen => {
                if self.half_open_permits < self.config.half_open_calls {
                    self.half_open_permits += 1;
                    true
                } else {
                    false
                }
            }
        }
    }

    fn record_now(
        &mut self,
        t: f64,
        outcome: Outcome,
        seconds: f64,
        trans: &mut Vec<Transition>,
    ) -> Result<(), BreakerError> {
        if !(seconds.is_finite() && seconds >= 0.0) {
            return Err(BreakerError::InvalidOp(format!(
                "a call's duration must be a finite number of seconds ≥ 0, got {seconds}"
            )));
        }
        let one = Totals::one(
            outcome == Outcome::Failure,
            seconds > self.config.slow_call_seconds,
        );
        if matches!(self.state, BreakerState::Closed | BreakerState::HalfOpen) {
            match outcome {
                Outcome::Success => self.stats.successes += 1,
                Outcome::Failure => self.stats.failures += 1,
            }
        } else {
            self.stats.ignored += 1;
        }
        match self.state {
            BreakerState::Closed => {
                self.push(t, one);
                if self.totals.calls >= self.config.minimum_calls && self.trips(self.totals) {
                    self.go(t, BreakerState::Open, trans);
                }
            }
            BreakerState::HalfOpen => {
                self.half_open.add(one);
                if self.half_open.calls >= self.config.half_open_calls {
                    let to = if self.trips(self.half_open) {
                        BreakerState::Open
                    } else {
                        BreakerState::Closed
                    };
                    self.go(t, to, trans);
                }
            }
            BreakerState::Open | BreakerState::ForcedOpen | BreakerState::Disabled => {}
        }
        Ok(())
    }

    fn trips(&self, totals: Totals) -> bool {
        let (f, s) = totals.rates();
        f >= self.config.failure_rate_threshold || s >= self.config.slow_call_rate_threshold
    }

    fn push(&mut self, t: f64, one: Totals) {
        self.totals.add(one);
        match &mut self.window {
            Window::Count { size, calls } => {
                calls.push_back((one.failures as u8) | ((one.slow as u8) << 1));
                if calls.len() as u64 > *size {
                    if let Some(old) = calls.pop_front() {
                        self.totals.sub(Totals::one(old & 1 != 0, old & 2 != 0));
                    }
                }
            }
            Window::Time { seconds, buckets } => {
                // A record at t belongs to second ⌊t⌋; the window keeps the seconds
                // s > ⌊t⌋ − seconds. Times never go back, so the newest bucket is last.
                let second = whole_second(t);
                match buckets.back_mut() {
                    Some((s, b)) if *s == second => b.add(one),
                    _ => buckets.push_back((second, one)),
                }
                let oldest_kept = second.saturating_sub_unsigned(*seconds);
                while let Some(&(s, b)) = buckets.front() {
                    if s > oldest_kept {
                        break;
                    }
                    buckets.pop_front();
                    self.totals.sub(b);
                }
            }
        }
    }

    /// How many one-second buckets the time window holds now (0 for a count window): at most
    /// the window's `seconds`.
    pub fn window_buckets(&self) -> usize {
        match &self.window {
            Window::Count { .. } => 0,
            Window::Time { buckets, .. } => buckets.len(),
        }
    }

    fn clear_window(&mut self) {
        self.totals = Totals::default();
        match &mut self.window {
            Window::Count { calls, .. } => calls.clear(),
            Window::Time { buckets, .. } => buckets.clear(),
        }
    }

    fn go(&mut self, t: f64, to: BreakerState, trans: &mut Vec<Transition>) {
        let from = self.state;
        match to {
            BreakerState::Open => self.opened_at = t,
            BreakerState::HalfOpen => {
                self.half_open_permits = 0;
                self.half_open = Totals::default();
            }
            BreakerState::Closed => self.clear_window(),
            BreakerState::ForcedOpen | BreakerState::Disabled => {}
        }
        self.state = to;
        if from != to {
            tracing::info!(target: "liberation_gates::breaker", t, from = from.as_str(), to = to.as_str(), "breaker transition");
            trans.push(Transition { t, from, to });
        }
    }
}

/// The whole second `⌊t⌋` a time `t` falls in (saturating far outside `i64`).
fn whole_second(t: f64) -> i64 {
    t.floor() as i64
}

/// A point-in-time view of a breaker for dashboards and health endpoints.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct BreakerMetrics {
    /// The state now.
    pub state: BreakerState,
    /// Calls in the closed window.
    pub calls: u64,
    /// Of which failed.
    pub failed_calls: u64,
    /// Of which were slower than `slow_call_seconds` (a failed call can also be slow).
    pub slow_calls: u64,
    /// The one-second buckets a time window holds now, at most its `seconds` whatever the
    /// call rate (SPEC §4); 0 for a count window.
    pub window_buckets: u64,
    /// Failures ÷ calls in the closed window (0 when it is empty).
    pub failure_rate: f64,
    /// Slow calls ÷ calls in the closed window (0 when it is empty).
    pub slow_call_rate: f64,
    /// Seconds until an open breaker turns half-open (`None` unless open).
    pub seconds_until_half_open: Option<f64>,
    /// Lifetime counters.
    pub stats: BreakerStats,
}

/// Returned when the breaker refuses a call. A value, not an error: rejecting is the
/// breaker doing its job, and costs no allocation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rejected {
    /// The state that refused the call (`open` or `forced_open`).
    pub state: BreakerState,
}

impl fmt::Display for Rejected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "call rejected: circuit breaker is {}", self.state)
    }
}

impl std::error::Error for Rejected {}

impl From<Rejected> for BreakerError {
    fn from(r: Rejected) -> Self {
        BreakerError::CallRejected(format!("call rejected: circuit breaker is {}", r.state))
    }
}

type Listener = Box<dyn Fn(&Transition) + Send + Sync>;

/// A thread-safe circuit breaker reading time from a [`Clock`].
///
/// ```
/// use liberation_gates::breaker::{BreakerConfig, CircuitBreaker};
/// use liberation_gates::clock::ManualClock;
/// use std::sync::Arc;
/// let clock = Arc::new(ManualClock::new(0.0));
/// let b = CircuitBreaker::with_clock(BreakerConfig::default(), clock.clone()).unwrap();
/// let r: Result<Result<u32, &str>, _> = b.call(|| Ok(42));
/// assert_eq!(r.unwrap(), Ok(42));
/// ```
pub struct CircuitBreaker {
    machine: Mutex<BreakerMachine>,
    clock: Arc<dyn Clock>,
    listeners: Mutex<Vec<Listener>>,
    /// Transitions not yet delivered, in the order they happened (queued under `machine`).
    pending: Mutex<VecDeque<Transition>>,
    /// Held by the one thread delivering transitions, so listeners see them in order.
    delivering: Mutex<()>,
    /// The machine's state, mirrored after every operation, so that acquiring in `closed`
    /// or `disabled` (which changes nothing but a counter) needs no lock.
    state_hint: AtomicU8,
    /// The fast path's head word: `epoch << 1 | absorbing`. While `absorbing`, successful,
    /// non-slow calls recorded before `absorb_until` cannot change the machine (see
    /// [`BreakerMachine::absorbs_successes`]): each is counted on its thread's stripe, tagged
    /// with the epoch, and folded into the machine by the next operation that takes the lock.
    head: AtomicU64,
    /// The time (`f64` bits) before which records are absorbed in this epoch: the end of the
    /// last operation's second for a time window (so every absorbed call falls in that
    /// second's bucket), +∞ for a count window.
    absorb_until: AtomicU64,
    /// The time (`f64` bits) before which an acquire is refused without the lock: the end
    /// of the open period while `open`, +∞ while `forced_open`, −∞ otherwise.
    reject_until: AtomicU64,
    /// Calls slower than this take the lock (the config's `slow_call_seconds`).
    slow_call_seconds: f64,
    /// Per-thread counters of the lock-free paths, each on its own cache line.
    stripes: Box<[Stripe]>,
}

/// One thread's share of the lock-free paths, alone on its cache lines (128 bytes: adjacent
/// lines are prefetched in pairs), so that threads recording successes write no shared line.
#[repr(align(128))]
#[derive(Default)]
struct Stripe {
    /// Successes absorbed: the epoch they were absorbed in (high 32 bits) and how many (low).
    successes: AtomicU64,
    /// Permits granted without the lock.
    permits: AtomicU64,
    /// Acquires refused without the lock.
    rejected: AtomicU64,
}

/// Absorbed successes per stripe and epoch before a record takes the lock anyway.
const STRIPE_LIMIT: u64 = 1 << 31;

/// Hands each thread its stripe index, round-robin in the order threads first use a breaker.
static NEXT_STRIPE: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    static STRIPE: usize = NEXT_STRIPE.fetch_add(1, Ordering::Relaxed);
}

fn state_code(s: BreakerState) -> u8 {
    match s {
        BreakerState::Closed => 0,
        BreakerState::Disabled => 1,
        BreakerState::Open => 2,
        BreakerState::HalfOpen => 3,
        BreakerState::ForcedOpen => 4,
    }
}

impl fmt::Debug for CircuitBreaker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CircuitBreaker")
            .field("machine", &*self.machine.lock())
            .finish_non_exhaustive()
    }
}

/// Permission to make one call; report how it went with [`Permit::record`] (or
/// [`CircuitBreaker::record`]). Dropping a permit without recording records nothing.
#[derive(Debug)]
#[must_use = "record the outcome of the call"]
pub struct Permit<'a> {
    breaker: &'a CircuitBreaker,
    started: f64,
}

impl Permit<'_> {
    /// Records the outcome, measuring the duration from when the permit was granted.
    pub fn record(self, outcome: Outcome) -> BreakerState {
        let now = self.breaker.clock.now();
        self.breaker
            .record_at(now, outcome, (now - self.started).max(0.0))
    }

    /// When the permit was granted (clock seconds).
    pub fn started(&self) -> f64 {
        self.started
    }
}

impl CircuitBreaker {
    /// A breaker on the system's monotonic clock: the coarse one ([`CoarseClock`], 4 ms
    /// ticks on Linux, a fifth of the precise clock's cost) when `slow_call_seconds` and
    /// `open_seconds` are both at least 1,000 of its ticks (4 s: the defaults are 60 s), so
    /// that its error is at most 0.1% of either; the precise one ([`SystemClock`]) otherwise.
    pub fn new(config: BreakerConfig) -> Result<Self, BreakerError> {
        let shortest = config.slow_call_seconds.min(config.open_seconds);
        let clock: Arc<dyn Clock> = match CoarseClock::resolution() {
            Some(tick) if shortest >= 1000.0 * tick => Arc::new(CoarseClock::new()),
            _ => Arc::new(SystemClock::new()),
        };
        Self::with_clock(config, clock)
    }

    /// A breaker on the given clock (a [`ManualClock`](crate::clock::ManualClock) in tests and
    /// simulations).
    pub fn with_clock(config: BreakerConfig, clock: Arc<dyn Clock>) -> Result<Self, BreakerError> {
        let slow_call_seconds = config.slow_call_seconds;
        // Twice the cores, a power of two: threads rarely share a stripe.
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let stripes = (2 * cores).next_power_of_two().clamp(4, 64);
        Ok(CircuitBreaker {
            machine: Mutex::new(BreakerMachine::new(config)?),
            clock,
            listeners: Mutex::new(Vec::new()),
            pending: Mutex::new(VecDeque::new()),
            delivering: Mutex::new(()),
            state_hint: AtomicU8::new(state_code(BreakerState::Closed)),
            head: AtomicU64::new(0),
            absorb_until: AtomicU64::new(f64::NEG_INFINITY.to_bits()),
            reject_until: AtomicU64::new(f64::NEG_INFINITY.to_bits()),
            slow_call_seconds,
            stripes: (0..stripes).map(|_| Stripe::default()).collect(),
        })
    }

    /// Calls `f` on every transition, in the order transitions happened, outside the breaker's
    /// lock. A listener may call the breaker (a transition it causes is delivered after it
    /// returns) but must not register listeners.
    pub fn on_transition(&self, f: impl Fn(&Transition) + Send + Sync + 'static) {
        self.listeners.lock().push(Box::new(f));
    }

    fn run(&self, t: f64, op: BreakerOp) -> (Option<bool>, BreakerState) {
        let (permitted, state, moved) = {
            let mut m = self.machine.lock();
            self.settle(&mut m);
            // The clock is monotonic, but threads read it before taking the lock: a time a
            // hair earlier than the last one is clamped to it rather than refused.
            let t = m.last_t.map_or(t, |last| t.max(last));
            // Only a bad duration can fail, and callers clamp durations before calling.
            let (permitted, trans) = m.apply(t, op).unwrap_or((None, Vec::new()));
            let moved = !trans.is_empty();
            if moved {
                self.pending.lock().extend(trans);
            }
            self.publish(&m);
            (permitted, m.state, moved)
        };
        if moved {
            self.deliver();
        }
        (permitted, state)
    }

    /// Under the machine's lock: ends the fast path's epoch and folds the successes it
    /// absorbed into the machine. A success is absorbed by a compare-and-swap on its stripe
    /// that expects the epoch, so it lands either before the stripe is swapped here (and is
    /// folded now) or not at all (and takes the lock).
    fn settle(&self, m: &mut BreakerMachine) {
        let epoch = self.head.load(Ordering::Relaxed) >> 1;
        let next = (epoch + 1) & u64::from(u32::MAX);
        self.head.store(next << 1, Ordering::SeqCst);
        let mut absorbed = 0;
        for s in self.stripes.iter() {
            let old = s.successes.swap(next << 32, Ordering::AcqRel);
            if old >> 32 == epoch {
                absorbed += old & u64::from(u32::MAX);
            }
        }
        if let (Some(t), true) = (m.last_t, absorbed > 0) {
            // Absorbed successes change no state, so the time is the last operation's.
            let _ = m.record_successes(t, absorbed);
        }
    }

    /// Under the machine's lock, after an operation: mirrors the state for the lock-free
    /// acquire and opens the next epoch of the fast path when successes cannot move the
    /// machine.
    fn publish(&self, m: &BreakerMachine) {
        let reject_until = match m.state {
            BreakerState::ForcedOpen => f64::INFINITY,
            _ => m.half_open_at().unwrap_or(f64::NEG_INFINITY),
        };
        self.reject_until
            .store(reject_until.to_bits(), Ordering::Relaxed);
        self.state_hint
            .store(state_code(m.state), Ordering::Release);
        let Some(t) = m.last_t.filter(|&t| m.absorbs_successes(t)) else {
            return;
        };
        let until = match m.config.window {
            WindowConfig::Count { .. } => f64::INFINITY,
            WindowConfig::Time { .. } => (whole_second(t) as f64) + 1.0,
        };
        self.absorb_until.store(until.to_bits(), Ordering::Relaxed);
        let epoch = self.head.load(Ordering::Relaxed) >> 1;
        self.head.store(epoch << 1 | 1, Ordering::Release);
    }

    /// This thread's stripe.
    fn stripe(&self) -> &Stripe {
        let i = STRIPE.with(|i| *i);
        &self.stripes[i & (self.stripes.len() - 1)]
    }

    /// The fast path of a record: counts a success of a non-slow call at `t` on this thread's
    /// stripe if the breaker absorbs it; false sends the record through the lock.
    #[inline]
    fn absorb(&self, t: f64) -> bool {
        let head = self.head.load(Ordering::Acquire);
        // NaN is never before the end of the epoch: it goes through the lock, which refuses it.
        let until = f64::from_bits(self.absorb_until.load(Ordering::Relaxed));
        if head & 1 == 0 || t.partial_cmp(&until) != Some(std::cmp::Ordering::Less) {
            return false;
        }
        let s = &self.stripe().successes;
        let w = s.load(Ordering::Relaxed);
        if w >> 32 != head >> 1 || w & u64::from(u32::MAX) >= STRIPE_LIMIT {
            return false;
        }
        s.compare_exchange(w, w + 1, Ordering::AcqRel, Ordering::Relaxed)
            .is_ok()
    }

    /// Delivers queued transitions in order. Whoever holds `delivering` drains the queue;
    /// others leave their transitions to it (re-checking after it lets go, so none is stranded).
    fn deliver(&self) {
        while let Some(guard) = self.delivering.try_lock() {
            while let Some(tr) = self.pending.lock().pop_front() {
                for l in self.listeners.lock().iter() {
                    l(&tr);
                }
            }
            drop(guard);
            if self.pending.lock().is_empty() {
                return;
            }
        }
    }

    /// The breaker's clock, now.
    pub fn now(&self) -> f64 {
        self.clock.now()
    }

    /// Asks to make a call now.
    ///
    /// In `closed` and `disabled` the answer is always yes, in `forced_open` and in `open`
    /// before its open period ends always no, and nothing but a counter changes: the answer is
    /// given without taking the lock (a call racing with a transition is ordered just before
    /// it). `half_open` and the end of an open period take the lock.
    pub fn try_acquire(&self) -> Result<Permit<'_>, Rejected> {
        let now = self.clock.now();
        self.acquire_at(now).map(|()| Permit {
            breaker: self,
            started: now,
        })
    }

    /// As [`try_acquire`](Self::try_acquire) at clock time `t` given by the caller (for
    /// bindings whose language owns the clock); record with [`record_at`](Self::record_at).
    pub fn acquire_at(&self, t: f64) -> Result<(), Rejected> {
        let hint = self.state_hint.load(Ordering::Acquire);
        if hint <= state_code(BreakerState::Disabled) {
            self.stripe().permits.fetch_add(1, Ordering::Relaxed);
            return Ok(());
        }
        // Open before the end of its open period, or forced open: refused without the lock
        // (nothing but a counter changes).
        let state = match hint {
            h if h == state_code(BreakerState::Open) => BreakerState::Open,
            h if h == state_code(BreakerState::ForcedOpen) => BreakerState::ForcedOpen,
            _ => BreakerState::HalfOpen,
        };
        let until = f64::from_bits(self.reject_until.load(Ordering::Relaxed));
        if state != BreakerState::HalfOpen
            && t.partial_cmp(&until) == Some(std::cmp::Ordering::Less)
        {
            self.stripe().rejected.fetch_add(1, Ordering::Relaxed);
            return Err(Rejected { state });
        }
        match self.run(t, BreakerOp::Acquire) {
            (Some(true), _) => Ok(()),
            (_, state) => Err(Rejected { state }),
        }
    }

    /// Whether every acquire is permitted now (`closed` or `disabled`) and changes nothing but
    /// a counter: a caller on one thread that asks nothing else of the breaker in between
    /// may skip asking and count its permits later with [`count_permits`](Self::count_permits)
    /// (Node's `fire` does, to cross into Rust once per call).
    pub fn permits_every_call(&self) -> bool {
        self.state_hint.load(Ordering::Acquire) <= state_code(BreakerState::Disabled)
    }

    /// While successes cannot move the breaker (the fast path of [`record_at`](Self::record_at)
    /// is open): the time before which a successful call that took at most the returned
    /// `slow_call_seconds` changes nothing but counts, as `(until, slow_call_seconds)`. A
    /// caller that is the breaker's only user until it next calls it (Node's `fire` on a
    /// breaker it has not shared) may count such successes itself and hand them over with
    /// [`count_successes`](Self::count_successes) before anything else.
    pub fn success_lease(&self) -> Option<(f64, f64)> {
        let head = self.head.load(Ordering::Acquire);
        let until = f64::from_bits(self.absorb_until.load(Ordering::Relaxed));
        (head & 1 == 1).then_some((until, self.slow_call_seconds))
    }

    /// Records `k` successful, non-slow calls taken under a [`success_lease`](Self::success_lease)
    /// by its only user, at the time of the breaker's last operation (the lease's second): what
    /// `k` records during the lease would have done. (Called with no operation before, which no
    /// lease allows, they are recorded at the breaker's clock's now rather than dropped.)
    pub fn count_successes(&self, k: u64) {
        if k == 0 {
            return;
        }
        let moved = {
            let mut m = self.machine.lock();
            self.settle(&mut m);
            let mut trans = Vec::new();
            // Under a lease there was an operation before; without one, they are now's.
            let t = m.last_t.unwrap_or_else(|| self.clock.now());
            if m.advance(t, &mut trans).is_ok() {
                m.successes_now(t, k, &mut trans);
            }
            let moved = !trans.is_empty();
            if moved {
                self.pending.lock().extend(trans);
            }
            self.publish(&m);
            moved
        };
        if moved {
            self.deliver();
        }
    }

    /// Counts `k` permits taken while [`permits_every_call`](Self::permits_every_call) held:
    /// what `k` acquires then would have counted.
    pub fn count_permits(&self, k: u64) {
        if k > 0 {
            self.stripe().permits.fetch_add(k, Ordering::Relaxed);
        }
    }

    /// Records the outcome of a call that took `seconds`, now.
    pub fn record(&self, outcome: Outcome, seconds: f64) -> BreakerState {
        self.record_at(self.clock.now(), outcome, seconds)
    }

    /// Records at clock time `t` the outcome of a call that took `seconds` (negative or
    /// non-finite durations count as 0).
    pub fn record_at(&self, t: f64, outcome: Outcome, seconds: f64) -> BreakerState {
        let seconds = if seconds.is_finite() && seconds >= 0.0 {
            seconds
        } else {
            0.0
        };
        if outcome == Outcome::Success && seconds <= self.slow_call_seconds && self.absorb(t) {
            return BreakerState::Closed;
        }
        self.run(t, BreakerOp::Record { outcome, seconds }).1
    }

    /// Runs `f` if permitted, recording `Err` as a failure and `Ok` as a success, with its
    /// duration. `Err(Rejected)` when the breaker refuses the call.
    pub fn call<T, E>(&self, f: impl FnOnce() -> Result<T, E>) -> Result<Result<T, E>, Rejected> {
        self.call_filtered(f, |_| true)
    }

    /// As [`call`](Self::call), but only errors for which `is_failure` is true count as
    /// failures (e.g. a 404 is the caller's problem, not the dependency's).
    pub fn call_filtered<T, E>(
        &self,
        f: impl FnOnce() -> Result<T, E>,
        is_failure: impl FnOnce(&E) -> bool,
    ) -> Result<Result<T, E>, Rejected> {
        let permit = self.try_acquire()?;
        let r = f();
        let end = match &r {
            Ok(_) => CallEnd::Returned,
            Err(e) if is_failure(e) => CallEnd::Failed,
            Err(_) => CallEnd::Ignored,
        };
        if let (Some(outcome), _) = guard(Some(end), false) {
            permit.record(outcome);
        }
        Ok(r)
    }

    /// Forces the breaker open until `reset`.
    pub fn force_open(&self) -> BreakerState {
        self.force_open_at(self.clock.now())
    }

    /// As [`force_open`](Self::force_open) at clock time `t` given by the caller.
    pub fn force_open_at(&self, t: f64) -> BreakerState {
        self.run(t, BreakerOp::ForceOpen).1
    }

    /// Disables the breaker: every call is permitted and nothing is recorded.
    pub fn disable(&self) -> BreakerState {
        self.disable_at(self.clock.now())
    }

    /// As [`disable`](Self::disable) at clock time `t` given by the caller.
    pub fn disable_at(&self, t: f64) -> BreakerState {
        self.run(t, BreakerOp::Disable).1
    }

    /// Closes the breaker with an empty window.
    pub fn reset(&self) -> BreakerState {
        self.reset_at(self.clock.now())
    }

    /// As [`reset`](Self::reset) at clock time `t` given by the caller.
    pub fn reset_at(&self, t: f64) -> BreakerState {
        self.run(t, BreakerOp::Reset).1
    }

    /// A counter of the lock-free paths, summed over every stripe.
    fn fast(&self, counter: impl Fn(&Stripe) -> &AtomicU64) -> u64 {
        let counts = self
            .stripes
            .iter()
            .map(|s| counter(s).load(Ordering::Relaxed));
        counts.sum()
    }

    /// The state now (an open breaker whose open period has elapsed reports `half_open`).
    pub fn state(&self) -> BreakerState {
        self.metrics().state
    }

    /// The breaker's configuration.
    pub fn config(&self) -> BreakerConfig {
        *self.machine.lock().config()
    }

    /// A snapshot of the breaker now.
    pub fn metrics(&self) -> BreakerMetrics {
        self.metrics_at(self.clock.now())
    }

    /// A snapshot of the breaker at clock time `now` given by the caller.
    pub fn metrics_at(&self, now: f64) -> BreakerMetrics {
        let mut m = self.machine.lock();
        self.settle(&mut m);
        self.publish(&m);
        let (calls, failure_rate, slow_call_rate) = m.window_rates();
        let (_, failed_calls, slow_calls) = m.window_counts();
        let half_open_at = m.half_open_at();
        let state = match half_open_at {
            Some(at) if now >= at => BreakerState::HalfOpen,
            _ => m.state,
        };
        BreakerMetrics {
            state,
            calls,
            failed_calls,
            slow_calls,
            window_buckets: m.window_buckets() as u64,
            failure_rate,
            slow_call_rate,
            seconds_until_half_open: half_open_at.filter(|&at| now < at).map(|at| at - now),
            stats: BreakerStats {
                permitted: m.stats.permitted + self.fast(|s| &s.permits),
                rejected: m.stats.rejected + self.fast(|s| &s.rejected),
                ..m.stats
            },
        }
    }
}

/// Named breakers (`ivor`, `events`, `newsroom`, …) sharing one clock.
#[derive(Default)]
pub struct BreakerRegistry {
    breakers: HashMap<String, Arc<CircuitBreaker>>,
}

impl fmt::Debug for BreakerRegistry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BreakerRegistry")
            .field("names", &self.names())
            .finish()
    }
}

impl BreakerRegistry {
    /// Builds one breaker per named config, all on `clock`.
    pub fn new(
        configs: impl IntoIterator<Item = (String, BreakerConfig)>,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, BreakerError> {
        let mut breakers = HashMap::new();
        for (name, c) in configs {
            let b = CircuitBreaker::with_clock(c, clock.clone()).map_err(|e| {
                BreakerError::InvalidConfig(format!("breaker {name:?}: {}", e.message()))
            })?;
            breakers.insert(name, Arc::new(b));
        }
        Ok(BreakerRegistry { breakers })
    }

    /// The breaker called `name`; `unknown_breaker` if there is none.
    pub fn get(&self, name: &str) -> Result<Arc<CircuitBreaker>, BreakerError> {
        self.breakers
            .get(name)
            .cloned()
            .ok_or_else(|| BreakerError::UnknownBreaker(format!("no breaker named {name:?}")))
    }

    /// The names, sorted.
    pub fn names(&self) -> Vec<String> {
        let mut n: Vec<String> = self.breakers.keys().cloned().collect();
        n.sort();
        n
    }
}
