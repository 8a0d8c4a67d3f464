//! Error rates from raw counts (SPEC §3) and multi-window burn-rate rules.
//!
//! Samples `(t, requests, errors)` are counts *in that interval*, not cumulative. After each
//! sample the rate is `Σerrors / Σrequests` over the samples with `t' > t − window_seconds`,
//! or `None` when `Σrequests < min_requests` or `Σrequests = 0`. Running totals make each
//! sample O(1) amortised.
//!
//! ```
//! use liberation_gates::window::WindowRate;
//! let mut w = WindowRate::new(60.0, 0u64).unwrap();
//! assert_eq!(w.push(0.0, 100u64, 10u64).unwrap(), Some(0.1));
//! assert_eq!(w.push(30.0, 100u64, 0u64).unwrap(), Some(0.05));
//! assert_eq!(w.push(60.0, 0u64, 0u64).unwrap(), Some(0.0)); // t=0 has left the window
//! ```

use crate::error::WindowError;
use crate::num::Num;
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;

/// A sliding window over per-interval request and error counts.
#[derive(Debug, Clone)]
pub struct WindowRate {
    window_seconds: f64,
    min_requests: u64,
    samples: VecDeque<(f64, u64, u64)>,
    requests: u128,
    errors: u128,
    last_t: Option<f64>,
}

impl WindowRate {
    /// `invalid_config` when `window_seconds ≤ 0` (or not finite) or `min_requests` is not a
    /// whole number ≥ 0.
    pub fn new(window_seconds: f64, min_requests: impl Into<Num>) -> Result<Self, WindowError> {
        if !(window_seconds.is_finite() && window_seconds > 0.0) {
            return Err(WindowError::InvalidConfig(format!(
                "window_seconds must be a finite number > 0, got {window_seconds}"
            )));
        }
        let min = min_requests.into();
        let min_requests = min.as_count().ok_or_else(|| {
            WindowError::InvalidConfig(format!(
                "min_requests must be a whole number ≥ 0, got {}",
                min.as_f64()
            ))
        })?;
        Ok(WindowRate {
            window_seconds,
            min_requests,
            samples: VecDeque::new(),
            requests: 0,
            errors: 0,
            last_t: None,
        })
    }

    /// [`WindowRate::new`] as the bindings call it: `min_requests` absent means 0 (every
    /// interval's rate counts).
    pub fn from_args(window_seconds: f64, min_requests: Option<Num>) -> Result<Self, WindowError> {
        WindowRate::new(window_seconds, min_requests.unwrap_or(Num::Int(0)))
    }

    /// The window length in seconds.
    pub fn window_seconds(&self) -> f64 {
        self.window_seconds
    }

    /// Adds one interval's counts and returns the rate over the window. Errors (nothing changes):
    /// `out_of_order` when `t` is not strictly after the previous sample; `invalid_sample` for a
    /// negative or fractional count, or `errors > requests`.
    pub fn push(
        &mut self,
        t: f64,
        requests: impl Into<Num>,
        errors: impl Into<Num>,
    ) -> Result<Option<f64>, WindowError> {
        if !t.is_finite() {
            return Err(WindowError::InvalidSample(format!(
                "time t must be finite, got {t}"
            )));
        }
        if let Some(prev) = self.last_t {
            if t <= prev {
                return Err(WindowError::OutOfOrder(format!(
                    "sample at t={t} is not after the previous sample at t={prev}"
                )));
            }
        }
        let count = |name: &str, n: Num| {
            n.as_count().ok_or_else(|| {
                WindowError::InvalidSample(format!(
                    "{name} must be a whole number ≥ 0, got {}",
                    n.as_f64()
                ))
            })
        };
        let requests = count("requests", requests.into())?;
        let errors = count("errors", errors.into())?;
        if errors > requests {
            return Err(WindowError::InvalidSample(format!(
                "errors ({errors}) exceed requests ({requests})"
            )));
        }
        self.last_t = Some(t);
        self.samples.push_back((t, requests, errors));
        self.requests += requests as u128;
        self.errors += errors as u128;
        let oldest_kept = t - self.window_seconds;
        while let Some(&(t0, r, e)) = self.samples.front() {
            if t0 > oldest_kept {
                break;
            }
            self.samples.pop_front();
            self.requests -= r as u128;
            self.errors -= e as u128;
        }
        Ok(self.rate())
    }

    /// The rate over the window as of the last sample, `None` below `min_requests` or at zero
    /// requests.
    pub fn rate(&self) -> Option<f64> {
        if self.requests == 0 || self.requests < self.min_requests as u128 {
            None
        } else {
            Some(self.errors as f64 / self.requests as f64)
        }
    }

    /// Requests and errors currently in the window.
    pub fn totals(&self) -> (u128, u128) {
        (self.requests, self.errors)
    }
}

/// A multi-window burn-rate rule (Google SRE workbook, "Alerting on SLOs"): fires when the
/// error rate over the long window **and** over the short window both reach
/// `burn_rate × (1 − objective)`. E.g. objective 0.999, 1 h / 5 min, burn rate 14.4: 2% of
/// the monthly error budget spent in one hour.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BurnRateRule {
    /// The service-level objective, e.g. 0.999 (must be in (0, 1)).
    pub objective: f64,
    /// The long window, seconds.
    #[serde(alias = "longWindowSeconds")]
    pub long_window_seconds: f64,
    /// The short window, seconds (≤ the long one).
    #[serde(alias = "shortWindowSeconds")]
    pub short_window_seconds: f64,
    /// How many times faster than sustainable the budget is being spent, e.g. 14.4.
    #[serde(alias = "burnRate")]
    pub burn_rate: f64,
    /// Requests needed in a window before its rate counts (default 0).
    #[serde(default)]
    #[serde(alias = "minRequests")]
    pub min_requests: u64,
}

impl BurnRateRule {
    /// `invalid_config` unless `0 < objective < 1`, windows > 0 with short ≤ long, and
    /// `burn_rate > 0`.
    pub fn validate(&self) -> Result<(), WindowError> {
        let bad = |m: String| Err(WindowError::InvalidConfig(m));
        if !(self.objective > 0.0 && self.objective < 1.0) {
            return bad(format!(
                "objective must be in (0, 1), got {}",
                self.objective
            ));
        }
        if !(self.burn_rate.is_finite() && self.burn_rate > 0.0) {
            return bad(format!("burn_rate must be > 0, got {}", self.burn_rate));
        }
        for (name, w) in [
            ("long_window_seconds", self.long_window_seconds),
            ("short_window_seconds", self.short_window_seconds),
        ] {
            if !(w.is_finite() && w > 0.0) {
                return bad(format!("{name} must be > 0, got {w}"));
            }
        }
        if self.short_window_seconds > self.long_window_seconds {
            return bad(format!(
                "short_window_seconds ({}) must not exceed long_window_seconds ({})",
                self.short_window_seconds, self.long_window_seconds
            ));
        }
        Ok(())
    }

    /// The error rate both windows must reach: `burn_rate × (1 − objective)`.
    pub fn error_rate_threshold(&self) -> f64 {
        self.burn_rate * (1.0 - self.objective)
    }
}

/// The running evaluation of a [`BurnRateRule`].
#[derive(Debug, Clone)]
pub struct BurnRate {
    rule: BurnRateRule,
    long: WindowRate,
    short: WindowRate,
}

impl BurnRate {
    /// A burn rate from the rule as the bindings receive it (any serde deserializer):
    /// `{objective, long_window_seconds, short_window_seconds, burn_rate, min_requests?}`;
    /// a wrong shape is `invalid_config`, as is a rule [`BurnRateRule::validate`] refuses.
    pub fn from_de<'de, D: serde::Deserializer<'de>>(rule: D) -> Result<Self, WindowError> {
        let rule = BurnRateRule::deserialize(rule)
            .map_err(|e| WindowError::InvalidConfig(format!("burn-rate rule: {e}")))?;
        BurnRate::new(rule)
    }

    /// Validates the rule and starts with empty windows.
    pub fn new(rule: BurnRateRule) -> Result<Self, WindowError> {
        rule.validate()?;
        Ok(BurnRate {
            long: WindowRate::new(rule.long_window_seconds, rule.min_requests)?,
            short: WindowRate::new(rule.short_window_seconds, rule.min_requests)?,
            rule,
        })
    }

    /// A rule already validated by [`BurnRateRule::validate`] (as policies do).
    pub(crate) fn from_valid(rule: BurnRateRule) -> Self {
        let window = |seconds| WindowRate {
            window_seconds: seconds,
            min_requests: rule.min_requests,
            samples: VecDeque::new(),
            requests: 0,
            errors: 0,
            last_t: None,
        };
        BurnRate {
            long: window(rule.long_window_seconds),
            short: window(rule.short_window_seconds),
            rule,
        }
    }

    /// Adds one interval's counts; returns whether both windows burn too fast.
    pub fn push(
        &mut self,
        t: f64,
        requests: impl Into<Num>,
        errors: impl Into<Num>,
    ) -> Result<bool, WindowError> {
        let (requests, errors) = (requests.into(), errors.into());
        // Both windows validate identically and share their last `t`, so when the first
        // accepts the sample the second does too: an error leaves both unchanged.
        self.long.push(t, requests, errors)?;
        self.short.push(t, requests, errors)?;
        Ok(self.firing())
    }

    /// Whether both windows are at or above the threshold rate.
    pub fn firing(&self) -> bool {
        let limit = self.rule.error_rate_threshold();
        matches!((self.long.rate(), self.short.rate()), (Some(l), Some(s)) if l >= limit && s >= limit)
    }

    /// The rule.
    pub fn rule(&self) -> &BurnRateRule {
        &self.rule
    }
}
