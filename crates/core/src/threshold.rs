//! Sustained conditions: Prometheus's `for` / `keep_firing_for` state machine (SPEC §2).
//!
//! A [`Threshold`] is fed samples `(t, value)` in strictly increasing `t` and reports, after
//! each, one of [`AlertState::Inactive`], [`AlertState::Pending`], [`AlertState::Firing`]:
//!
//! * condition true: `inactive → pending` with `since = t` (straight to `firing` when
//!   `for_seconds = 0`); `pending → firing` once `t − since ≥ for_seconds`; `firing` stays;
//! * condition false: `pending → inactive`; `firing` stays while
//!   `t − first_false_t < keep_firing_for_seconds`, then `inactive`; a true sample while
//!   cooling ends the cooling;
//! * `max_gap_seconds`: when `t − previous_t > max_gap_seconds` continuity is broken and the
//!   state is recomputed as if this sample were the first.
//!
//! An erroring sample leaves the state unchanged.
//!
//! ```
//! use liberation_gates::threshold::{AlertState, Op, Threshold, ThresholdRule};
//! let rule = ThresholdRule::new(Op::Gt, 0.05, 300.0).unwrap();
//! let mut t = Threshold::new(rule);
//! assert_eq!(t.observe(0.0, 0.06).unwrap(), AlertState::Pending);
//! assert_eq!(t.observe(300.0, 0.06).unwrap(), AlertState::Firing);
//! assert_eq!(t.observe(360.0, 0.01).unwrap(), AlertState::Inactive);
//! ```

use crate::error::ThresholdError;
use serde::{Deserialize, Serialize};

string_enum! {
    /// A comparison between the sample value (left) and the threshold (right).
    pub enum Op {
        /// Greater than.
        Gt = ">",
        /// Greater than or equal to.
        Ge = ">=",
        /// Less than.
        Lt = "<",
        /// Less than or equal to.
        Le = "<=",
    }
    parse: "op" => ThresholdError::InvalidRule
}

impl Op {
    /// Whether `value OP threshold` holds.
    #[inline]
    pub fn holds(self, value: f64, threshold: f64) -> bool {
        match self {
            Op::Gt => value > threshold,
            Op::Ge => value >= threshold,
            Op::Lt => value < threshold,
            Op::Le => value <= threshold,
        }
    }
}

string_enum! {
    /// The state reported after each sample.
    pub enum AlertState {
        /// The condition does not hold.
        Inactive = "inactive",
        /// The condition holds, but not for long enough yet.
        Pending = "pending",
        /// The rule fires.
        Firing = "firing",
    }
}

/// A validated rule. Build it with [`ThresholdRule::new`] and the `with_*` methods, or
/// deserialize it and call [`ThresholdRule::validate`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThresholdRule {
    /// The comparison: the condition is `value op threshold`.
    pub op: Op,
    /// The right-hand side of the comparison.
    pub threshold: f64,
    /// How long (seconds) the condition must hold, uninterrupted, before `firing`.
    pub for_seconds: f64,
    /// How long (seconds) a firing rule keeps firing after the condition stops holding.
    #[serde(default)]
    pub keep_firing_for_seconds: f64,
    /// A gap between samples longer than this (seconds) breaks continuity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_gap_seconds: Option<f64>,
}

/// A threshold's optional parts, as a language passes them (`{keep_firing_for_seconds?,
/// max_gap_seconds?}`, camelCase accepted): see [`Threshold::from_args`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThresholdOptions {
    /// How long a firing rule keeps firing after the condition stops holding (default 0).
    #[serde(default, alias = "keepFiringForSeconds")]
    pub keep_firing_for_seconds: Option<f64>,
    /// A gap between samples longer than this breaks continuity (default: none).
    #[serde(default, alias = "maxGapSeconds")]
    pub max_gap_seconds: Option<f64>,
}

impl ThresholdRule {
    /// A rule `value op threshold` that must hold for `for_seconds`.
    pub fn new(op: Op, threshold: f64, for_seconds: f64) -> Result<Self, ThresholdError> {
        let rule = ThresholdRule {
            op,
            threshold,
            for_seconds,
            keep_firing_for_seconds: 0.0,
            max_gap_seconds: None,
        };
        rule.validate()?;
        Ok(rule)
    }

    /// Keep firing this long after the condition stops holding.
    pub fn with_keep_firing_for(mut self, seconds: f64) -> Result<Self, ThresholdError> {
        self.keep_firing_for_seconds = seconds;
        self.validate()?;
        Ok(self)
    }

    /// Break continuity when samples are further apart than `seconds`.
    pub fn with_max_gap(mut self, seconds: f64) -> Result<Self, ThresholdError> {
        self.max_gap_seconds = Some(seconds);
        self.validate()?;
        Ok(self)
    }

    /// `invalid_rule` when a duration is negative or not finite, or the threshold is not finite.
    pub fn validate(&self) -> Result<(), ThresholdError> {
        let duration = |name: &str, v: f64| {
            if v.is_finite() && v >= 0.0 {
                Ok(())
            } else {
                Err(ThresholdError::InvalidRule(format!(
                    "{name} must be a finite number of seconds ≥ 0, got {v}"
                )))
            }
        };
        if !self.threshold.is_finite() {
            return Err(ThresholdError::InvalidRule(format!(
                "threshold must be a finite number, got {}",
                self.threshold
            )));
        }
        duration("for_seconds", self.for_seconds)?;
        duration("keep_firing_for_seconds", self.keep_firing_for_seconds)?;
        if let Some(g) = self.max_gap_seconds {
            duration("max_gap_seconds", g)?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Phase {
    Inactive,
    Pending { since: f64 },
    Firing { cooling_since: Option<f64> },
}

/// The state machine for one rule. Cheap to copy; no allocation.
#[derive(Debug, Clone, PartialEq)]
pub struct Threshold {
    rule: ThresholdRule,
    phase: Phase,
    last_t: Option<f64>,
}

impl Threshold {
    /// A machine in state `inactive`, with no sample seen. The rule must be valid
    /// ([`ThresholdRule::new`] guarantees it; a deserialized one should be validated).
    pub fn new(rule: ThresholdRule) -> Self {
        Threshold {
            rule,
            phase: Phase::Inactive,
            last_t: None,
        }
    }

    /// Validates `rule` and builds the machine.
    pub fn try_new(rule: ThresholdRule) -> Result<Self, ThresholdError> {
        rule.validate()?;
        Ok(Self::new(rule))
    }

    /// A machine from the arguments every language's constructor takes: the comparison by its
    /// name (`">"`, `">="`, …; `invalid_rule` otherwise), the threshold, `for_seconds` and the
    /// options, which default to keep firing for 0 s and no gap limit.
    pub fn from_args(
        op: &str,
        threshold: f64,
        for_seconds: f64,
        options: ThresholdOptions,
    ) -> Result<Self, ThresholdError> {
        Self::try_new(ThresholdRule {
            op: op.parse()?,
            threshold,
            for_seconds,
            keep_firing_for_seconds: options.keep_firing_for_seconds.unwrap_or(0.0),
            max_gap_seconds: options.max_gap_seconds,
        })
    }

    /// The rule this machine evaluates.
    pub fn rule(&self) -> &ThresholdRule {
        &self.rule
    }

    /// The current state.
    pub fn state(&self) -> AlertState {
        match self.phase {
            Phase::Inactive => AlertState::Inactive,
            Phase::Pending { .. } => AlertState::Pending,
            Phase::Firing { .. } => AlertState::Firing,
        }
    }

    /// Since when the condition has held (pending or firing), if it currently does.
    pub fn pending_since(&self) -> Option<f64> {
        match self.phase {
            Phase::Pending { since } => Some(since),
            _ => None,
        }
    }

    /// Feeds one sample. `out_of_order` when `t` is not strictly after the previous sample
    /// (or not finite), `invalid_sample` when `value` is not finite. Errors change nothing.
    pub fn observe(&mut self, t: f64, value: f64) -> Result<AlertState, ThresholdError> {
        if !t.is_finite() {
            return Err(ThresholdError::InvalidSample(format!(
                "time t must be finite, got {t}"
            )));
        }
        if let Some(prev) = self.last_t {
            if t <= prev {
                return Err(ThresholdError::OutOfOrder(format!(
                    "sample at t={t} is not after the previous sample at t={prev}"
                )));
            }
        }
        if !value.is_finite() {
            return Err(ThresholdError::InvalidSample(format!(
                "value must be a finite number, got {value}"
            )));
        }
        Ok(self.observe_valid(t, value))
    }

    /// Feeds a sample whose value may be absent (`None` is `invalid_sample`).
    pub fn observe_opt(
        &mut self,
        t: f64,
        value: Option<f64>,
    ) -> Result<AlertState, ThresholdError> {
        match value {
            Some(v) => self.observe(t, v),
            None => {
                // Order first (SPEC names out_of_order before invalid_sample).
                if let Some(prev) = self.last_t {
                    if t <= prev {
                        return Err(ThresholdError::OutOfOrder(format!(
                            "sample at t={t} is not after the previous sample at t={prev}"
                        )));
                    }
                }
                Err(ThresholdError::InvalidSample(
                    "the sample has no value".into(),
                ))
            }
        }
    }

    #[inline]
    fn observe_valid(&mut self, t: f64, value: f64) -> AlertState {
        let before = self.state();
        if let (Some(prev), Some(gap)) = (self.last_t, self.rule.max_gap_seconds) {
            if t - prev > gap {
                self.phase = Phase::Inactive;
            }
        }
        self.last_t = Some(t);
        let cond = self.rule.op.holds(value, self.rule.threshold);
        self.phase = match (self.phase, cond) {
            (Phase::Inactive, true) => {
                if self.rule.for_seconds == 0.0 {
                    Phase::Firing {
                        cooling_since: None,
                    }
                } else {
                    Phase::Pending { since: t }
                }
            }
            (Phase::Inactive, false) => Phase::Inactive,
            (Phase::Pending { since }, true) => {
                if t - since >= self.rule.for_seconds {
                    Phase::Firing {
                        cooling_since: None,
                    }
                } else {
                    Phase::Pending { since }
                }
            }
            (Phase::Pending { .. }, false) => Phase::Inactive,
            (Phase::Firing { .. }, true) => Phase::Firing {
                cooling_since: None,
            },
            (Phase::Firing { cooling_since }, false) => {
                let first_false = cooling_since.unwrap_or(t);
                if t - first_false < self.rule.keep_firing_for_seconds {
                    Phase::Firing {
                        cooling_since: Some(first_false),
                    }
                } else {
                    Phase::Inactive
                }
            }
        };
        let after = self.state();
        if after != before {
            tracing::debug!(target: "liberation_gates::threshold", t, value, from = before.as_str(), to = after.as_str(), "threshold state change");
        }
        after
    }
}

/// Response-time degradation `(current − baseline) / baseline`; "degradation > 200%" means a
/// result `> 2.0`. `baseline ≤ 0` (or any non-finite input) is `invalid_sample`.
///
/// ```
/// assert_eq!(liberation_gates::threshold::degradation(300.0, 100.0).unwrap(), 2.0);
/// assert!(liberation_gates::threshold::degradation(1.0, 0.0).is_err());
/// ```
pub fn degradation(current: f64, baseline: f64) -> Result<f64, ThresholdError> {
    if !(baseline.is_finite() && baseline > 0.0) {
        return Err(ThresholdError::InvalidSample(format!(
            "baseline must be a finite number > 0, got {baseline}"
        )));
    }
    if !current.is_finite() {
        return Err(ThresholdError::InvalidSample(format!(
            "current must be a finite number, got {current}"
        )));
    }
    Ok((current - baseline) / baseline)
}
