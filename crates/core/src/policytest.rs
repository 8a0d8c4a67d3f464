//! Policy unit tests in the spirit of `promtool test rules`.
//!
//! A test file gives a policy (the built-in one by default), input series in a compact
//! notation, and the decisions expected at given times:
//!
//! ```yaml
//! name: error spike rolls back after five minutes
//! interval: 60            # seconds between samples; sample i is at start + i × interval
//! series:
//!   http_error_rate: "0.001x2 0.06x6"   # value x count; "_" is a missing sample
//! checks:
//!   database: "truex8"
//! expect:
//!   - at: 120
//!     action: alert
//!     severity: high
//!     reasons: [error_rate_alert]
//!   - at: 420
//!     action: rollback
//! ```
//!
//! `0.06x10` is ten samples of 0.06; a bare value is one sample; `_` (or `_x3`) is missing.
//! `series_defaults` / `checks_default` fill any name not given a series. `severity` and
//! `reasons` may be left out of an expectation to leave them unchecked.

use crate::error::PolicyError;
use crate::policy::{Action, Format, Observation, Policy, PolicyDecision, Severity};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One expected decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expectation {
    /// The time the decision is checked at.
    pub at: f64,
    /// The action expected.
    pub action: Action,
    /// The severity expected, when given.
    #[serde(default)]
    pub severity: Option<Severity>,
    /// The reasons expected, when given.
    #[serde(default)]
    pub reasons: Option<Vec<String>>,
}

/// A policy test file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyTest {
    /// The test's name.
    #[serde(default)]
    pub name: String,
    /// A policy file path (relative to the test file), or absent for the built-in policy.
    #[serde(default)]
    pub policy: Option<String>,
    /// The time of the first observation.
    #[serde(default)]
    pub start: f64,
    /// Seconds between observations.
    pub interval: f64,
    /// Metric series by name, in promtool's notation (`"0.002x5 0.06x6"`, `_` for missing).
    #[serde(default)]
    pub series: BTreeMap<String, String>,
    /// Check series by name (`"truex3 false"`).
    #[serde(default)]
    pub checks: BTreeMap<String, String>,
    /// A value used for every metric the policy reads that has no series.
    #[serde(default)]
    pub series_defaults: BTreeMap<String, f64>,
    /// A result used for every check the policy reads that has no series.
    #[serde(default)]
    pub checks_default: Option<bool>,
    /// The decisions expected.
    pub expect: Vec<Expectation>,
}

/// A failed expectation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Mismatch {
    /// The time checked.
    pub at: f64,
    /// What was expected.
    pub expected: String,
    /// What the policy decided.
    pub actual: String,
}

/// The outcome of one test file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TestOutcome {
    /// The test's name.
    pub name: String,
    /// Expectations checked.
    pub checked: usize,
    /// Expectations that did not hold.
    pub mismatches: Vec<Mismatch>,
}

/// Expands `"0.06x3 _ 0.1"` into `[Some(0.06), Some(0.06), Some(0.06), None, Some(0.1)]`.
pub fn expand<T: Copy>(
    notation: &str,
    parse: impl Fn(&str) -> Option<T>,
) -> Result<Vec<Option<T>>, String> {
    let mut out = Vec::new();
    for token in notation.split_whitespace() {
        let (value, count) = match token.rsplit_once('x') {
            Some((v, n))
                if !v.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) && !n.is_empty() =>
            {
                (
                    v,
                    n.parse::<usize>().map_err(|e| format!("{token:?}: {e}"))?,
                )
            }
            _ => (token, 1),
        };
        if count > 10_000_000 {
            return Err(format!("{token:?}: more than 10,000,000 samples"));
        }
        let v = if value == "_" {
            None
        } else {
            Some(parse(value).ok_or_else(|| format!("{token:?} is not a valid sample"))?)
        };
        out.extend(std::iter::repeat_n(v, count));
    }
    Ok(out)
}

/// Runs a policy test file's text against `policy`, or against the built-in policy when the
/// file names none. A file that names a policy file needs that policy passed in (the bindings
/// and the CLI read it): `invalid_policy` otherwise.
pub fn run_text(
    text: &str,
    format: Format,
    policy: Option<&Policy>,
) -> Result<TestOutcome, PolicyError> {
    let test = PolicyTest::parse(text, format)?;
    match (policy, &test.policy) {
        (Some(p), _) => test.run(p),
        (None, None) => test.run(&Policy::builtin()),
        (None, Some(path)) => Err(PolicyError::InvalidPolicy(format!(
            "the test reads the policy file {path:?}: pass that policy to run it"
        ))),
    }
}

impl PolicyTest {
    /// Parses a test file in `format`.
    pub fn parse(text: &str, format: Format) -> Result<PolicyTest, PolicyError> {
        crate::policy::parse_as(text, format)
            .map_err(|e| PolicyError::InvalidPolicy(format!("could not read the policy test: {e}")))
    }

    /// The observations the series describe.
    pub fn observations(&self, policy: &Policy) -> Result<Vec<Observation>, PolicyError> {
        if !(self.interval.is_finite() && self.interval > 0.0) {
            return Err(PolicyError::InvalidPolicy(format!(
                "interval must be > 0, got {}",
                self.interval
            )));
        }
        let bad =
            |name: &str, e: String| PolicyError::InvalidPolicy(format!("series {name:?}: {e}"));
        let mut metrics = BTreeMap::new();
        for (k, v) in &self.series {
            metrics.insert(
                k.clone(),
                expand(v, |s| s.parse::<f64>().ok().filter(|f| f.is_finite()))
                    .map_err(|e| bad(k, e))?,
            );
        }
        let mut checks = BTreeMap::new();
        for (k, v) in &self.checks {
            checks.insert(
                k.clone(),
                expand(v, |s| s.parse::<bool>().ok()).map_err(|e| bad(k, e))?,
            );
        }
        let n = metrics
            .values()
            .map(Vec::len)
            .chain(checks.values().map(Vec::len))
            .max()
            .unwrap_or(0);
        let (used_metrics, used_checks) = policy.inputs();
        let mut out = Vec::with_capacity(n);
        for i in 0..n {
            let mut o = Observation::new(self.start + i as f64 * self.interval);
            for (k, vs) in &metrics {
                if let Some(Some(v)) = vs.get(i) {
                    o.metrics.insert(k.clone(), *v);
                }
            }
            for m in &used_metrics {
                if !metrics.contains_key(m) {
                    if let Some(v) = self.series_defaults.get(m) {
                        o.metrics.insert(m.clone(), *v);
                    }
                }
            }
            for (k, vs) in &checks {
                if let Some(Some(v)) = vs.get(i) {
                    o.checks.insert(k.clone(), *v);
                }
            }
            if let Some(d) = self.checks_default {
                for c in &used_checks {
                    if !checks.contains_key(c) {
                        o.checks.insert(c.clone(), d);
                    }
                }
            }
            out.push(o);
        }
        Ok(out)
    }

    /// Runs the test against `policy`.
    pub fn run(&self, policy: &Policy) -> Result<TestOutcome, PolicyError> {
        let mut eval = policy.evaluator();
        let mut decisions: Vec<PolicyDecision> = Vec::new();
        for o in self.observations(policy)? {
            decisions.push(eval.observe(&o)?);
        }
        let mut mismatches = Vec::new();
        for e in &self.expect {
            let expected = describe(e.action, e.severity, e.reasons.as_deref());
            match decisions.iter().find(|d| d.t == e.at) {
                None => mismatches.push(Mismatch {
                    at: e.at,
                    expected,
                    actual: "no observation at this time".into(),
                }),
                Some(d) => {
                    let ok = d.action == e.action
                        && e.severity.is_none_or(|s| s == d.severity)
                        && e.reasons.as_ref().is_none_or(|r| *r == d.reasons);
                    if !ok {
                        mismatches.push(Mismatch {
                            at: e.at,
                            expected,
                            actual: describe(d.action, Some(d.severity), Some(&d.reasons)),
                        });
                    }
                }
            }
        }
        Ok(TestOutcome {
            name: self.name.clone(),
            checked: self.expect.len(),
            mismatches,
        })
    }
}

fn describe(action: Action, severity: Option<Severity>, reasons: Option<&[String]>) -> String {
    let mut s = action.to_string();
    if let Some(sev) = severity {
        s.push_str(&format!(" severity={sev}"));
    }
    if let Some(r) = reasons {
        s.push_str(&format!(" reasons=[{}]", r.join(", ")));
    }
    s
}
