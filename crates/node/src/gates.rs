//! Deployment gates: thresholds, windows, policies, rollouts.

use crate::*;
use liberation_gates as core;
use liberation_gates::Num;
use napi::bindgen_prelude::{BigInt, Either, Object};
use napi::De;
use napi_derive::napi;
use serde_json::Value;
// Thresholds and windows --------------------------------------------------------------------

/// Prometheus-style sustained condition (SPEC §2).
#[napi]
pub struct Threshold {
    pub(crate) inner: core::threshold::Threshold,
}

#[napi]
impl Threshold {
    #[napi(constructor)]
    pub fn new(
        op: String,
        threshold: f64,
        for_seconds: f64,
        #[napi(ts_arg_type = "import('./types').ThresholdOptions | null")] options: Option<
            Object<'_>,
        >,
    ) -> Result<Self> {
        let options = match options {
            Some(o) => from_object(&o, "options")?,
            None => Default::default(),
        };
        core::threshold::Threshold::from_args(&op, threshold, for_seconds, options)
            .map(|inner| Threshold { inner })
            .map_err(err)
    }
    /// Feeds a sample: "inactive", "pending" or "firing". A null value is invalid_sample.
    #[napi]
    pub fn observe(&mut self, t: f64, value: Option<f64>) -> Result<String> {
        self.inner
            .observe_opt(t, value)
            .map(|s| s.as_str().to_string())
            .map_err(err)
    }
    #[napi(getter)]
    pub fn state(&self) -> String {
        self.inner.state().as_str().to_string()
    }
}

/// `(current - baseline) / baseline`.
#[napi]
pub fn degradation(current: f64, baseline: f64) -> Result<f64> {
    core::threshold::degradation(current, baseline).map_err(err)
}

pub(crate) fn count(x: &Either<f64, BigInt>) -> Num {
    match x {
        Either::A(f) => Num::Float(*f),
        Either::B(b) => {
            let (i, lossless) = b.get_i128();
            if lossless {
                Num::Int(i)
            } else {
                Num::Float(f64::NAN)
            }
        }
    }
}

/// Error rate over a sliding window of per-interval counts (SPEC §3).
#[napi]
pub struct WindowRate {
    pub(crate) inner: core::window::WindowRate,
}

#[napi]
impl WindowRate {
    #[napi(constructor)]
    pub fn new(window_seconds: f64, min_requests: Option<Either<f64, BigInt>>) -> Result<Self> {
        let min = min_requests.as_ref().map(count).unwrap_or(Num::Int(0));
        core::window::WindowRate::new(window_seconds, min)
            .map(|inner| WindowRate { inner })
            .map_err(err)
    }
    /// Adds one interval's counts; returns the rate, or null below minRequests.
    #[napi]
    pub fn push(
        &mut self,
        t: f64,
        requests: Either<f64, BigInt>,
        errors: Either<f64, BigInt>,
    ) -> Result<Option<f64>> {
        self.inner
            .push(t, count(&requests), count(&errors))
            .map_err(err)
    }
    /// The rate over the window, or null below minRequests.
    #[napi(getter)]
    pub fn rate(&self) -> Option<f64> {
        self.inner.rate()
    }
}

/// A multi-window burn-rate rule (SRE workbook): fires when the error rate over the long
/// window and over the short window both reach `burn_rate × (1 − objective)`.
#[napi]
pub struct BurnRate {
    inner: core::window::BurnRate,
}

#[napi]
impl BurnRate {
    /// `rule`: `{objective, longWindowSeconds, shortWindowSeconds, burnRate,
    /// minRequests?}`; WindowError `invalid_config` naming what is wrong.
    #[napi(constructor)]
    pub fn new(
        #[napi(ts_arg_type = "import('./types').BurnRateRule")] rule: Object<'_>,
    ) -> Result<Self> {
        core::window::BurnRate::from_de(&mut De::new(&rule))
            .map(|inner| BurnRate { inner })
            .map_err(err)
    }
    /// Adds one interval's counts; whether both windows burn too fast.
    #[napi]
    pub fn push(
        &mut self,
        t: f64,
        requests: Either<f64, BigInt>,
        errors: Either<f64, BigInt>,
    ) -> Result<bool> {
        self.inner
            .push(t, count(&requests), count(&errors))
            .map_err(err)
    }
    /// Whether both windows are at or above the threshold rate.
    #[napi(getter)]
    pub fn firing(&self) -> bool {
        self.inner.firing()
    }
}

// Policy, plan, health, rollout --------------------------------------------------------------

/// A decision handed back from JS (as `observe` returned it), read through serde.
pub(crate) fn decision_in(d: &Object<'_>) -> Result<core::policy::PolicyDecision> {
    from_object(d, "decision")
}

/// An observation read straight from the JS objects (through napi's serde deserializer, so a
/// NaN reaches the core and is refused there, as in every language).
pub(crate) fn observation(
    t: f64,
    metrics: Option<Object<'_>>,
    checks: Option<Object<'_>>,
) -> Result<core::policy::Observation> {
    let (m, c) = (metrics.as_ref().map(De::new), checks.as_ref().map(De::new));
    let (mut m, mut c) = (m, c);
    core::policy::Observation::from_parts(t, m.as_mut(), c.as_mut()).map_err(err)
}

/// A deployment-safety policy (SPEC §7).
#[napi]
pub struct Policy {
    pub(crate) inner: core::policy::Policy,
}

#[napi]
impl Policy {
    /// The built-in liberation-safe policy.
    #[napi(factory)]
    pub fn builtin() -> Self {
        Policy {
            inner: core::policy::Policy::builtin(),
        }
    }
    /// Reads a policy file (.toml, .yaml/.yml, .json).
    #[napi(factory)]
    pub fn from_path(path: String) -> Result<Self> {
        core::policy::Policy::from_path(path)
            .map(|inner| Policy { inner })
            .map_err(err)
    }
    /// Parses policy text in `format` ("toml", "yaml" or "json").
    #[napi(factory)]
    pub fn parse(text: String, format: String) -> Result<Self> {
        core::policy::Policy::parse(&text, format_arg(&format)?)
            .map(|inner| Policy { inner })
            .map_err(err)
    }
    /// Writes the policy in `format` (default "toml").
    #[napi]
    pub fn dumps(&self, format: Option<String>) -> Result<String> {
        self.inner
            .to_string_as(format_arg(format.as_deref().unwrap_or("toml"))?)
            .map_err(err)
    }
    #[napi(getter)]
    pub fn rule_ids(&self) -> Vec<String> {
        self.inner.rules().iter().map(|r| r.id.clone()).collect()
    }
    /// The names of the breakers the policy file configures, sorted.
    #[napi(getter)]
    pub fn breaker_names(&self) -> Vec<String> {
        self.inner.breaker_names()
    }
    /// The config of the breaker called `name` (for `CircuitBreaker`); BreakerError
    /// `unknown_breaker` when the policy configures none.
    #[napi(ts_return_type = "Required<import('./types').BreakerConfig>")]
    pub fn breaker_config(&self, name: String) -> Result<Value> {
        to_value(&self.inner.breaker_config(&name).map_err(err)?)
    }
    /// `[metrics, checks]`: the names the policy reads.
    #[napi(ts_return_type = "[string[], string[]]")]
    pub fn inputs(&self) -> Vec<Vec<String>> {
        let (m, c) = self.inner.inputs();
        vec![m, c]
    }
    /// A fresh evaluator.
    #[napi]
    pub fn evaluator(&self) -> Evaluator {
        Evaluator {
            inner: self.inner.evaluator(),
        }
    }
    /// Liberation rules behind a rollback decision (empty for a technical one).
    #[napi]
    pub fn liberation_cause(
        &self,
        #[napi(ts_arg_type = "import('./types').Decision")] decision: Object<'_>,
    ) -> Result<Vec<String>> {
        Ok(self.inner.liberation_cause(&decision_in(&decision)?))
    }
}

/// Evaluates a policy over observations in time order.
#[napi]
pub struct Evaluator {
    pub(crate) inner: core::policy::Evaluator,
}

#[napi]
impl Evaluator {
    /// One observation; a metric or check given as null is missing.
    #[napi(ts_return_type = "import('./types').Decision")]
    pub fn observe(
        &mut self,
        t: f64,
        #[napi(ts_arg_type = "Record<string, number | null> | null")] metrics: Option<Object<'_>>,
        #[napi(ts_arg_type = "Record<string, boolean | null> | null")] checks: Option<Object<'_>>,
    ) -> Result<Value> {
        to_value(
            &self
                .inner
                .observe(&observation(t, metrics, checks)?)
                .map_err(err)?,
        )
    }
    /// Evaluates a JSON-lines observation file's text; errors name the line.
    #[napi(ts_return_type = "Array<import('./types').Decision>")]
    pub fn observe_jsonl(&mut self, text: String) -> Result<Value> {
        to_value(&core::simulate::observe_jsonl(&mut self.inner, &text).map_err(err)?)
    }
}

/// A progressive-rollout plan.
#[napi]
pub struct RolloutPlan {
    pub(crate) inner: core::rollout::RolloutPlan,
}

#[napi]
impl RolloutPlan {
    /// `steps`: `[{weight, bakeSeconds, approval}]`; omitted for the default plan.
    /// `gentleStepSeconds`: how long a gentle rollback stays on each step on its way down
    /// (default 300).
    #[napi(constructor)]
    pub fn new(
        #[napi(
            ts_arg_type = "Array<{ weight: number; bakeSeconds: number; approval?: boolean }> | null"
        )]
        steps: Option<Value>,
        gentle_step_seconds: Option<f64>,
    ) -> Result<Self> {
        core::rollout::RolloutPlan::from_parts(steps.filter(|v| !v.is_null()), gentle_step_seconds)
            .map(|inner| RolloutPlan { inner })
            .map_err(err)
    }
    /// Reads a rollout plan file's text in `format` ("toml", "yaml" or "json").
    #[napi(factory)]
    pub fn parse(text: String, format: String) -> Result<Self> {
        core::rollout::RolloutPlan::parse(&text, format_arg(&format)?)
            .map(|inner| RolloutPlan { inner })
            .map_err(err)
    }
    #[napi(getter, ts_return_type = "import('./types').Step[]")]
    pub fn steps(&self) -> Result<Value> {
        to_value(&self.inner.steps())
    }
    /// How long a gentle rollback stays on each step on its way down, seconds.
    #[napi(getter)]
    pub fn gentle_step_seconds(&self) -> f64 {
        self.inner.gentle_step_seconds()
    }
}

/// A running canary rollout (SPEC §8).
#[napi]
pub struct Rollout {
    pub(crate) inner: core::rollout::Rollout,
}

#[napi]
impl Rollout {
    #[napi(constructor)]
    pub fn new(plan: Option<&RolloutPlan>, started_at: Option<f64>) -> Self {
        Rollout {
            inner: core::rollout::Rollout::start(
                plan.map(|p| p.inner.clone()).unwrap_or_default(),
                started_at.unwrap_or(0.0),
            ),
        }
    }
    /// `observe {decision}` at `t`.
    #[napi(ts_return_type = "import('./types').RolloutStateObject")]
    pub fn observe(&mut self, t: f64, decision: String) -> Result<Value> {
        self.apply(t, "observe".into(), Some(decision), None, None)
    }
    /// `approve {step}` at `t`.
    #[napi(ts_return_type = "import('./types').RolloutStateObject")]
    pub fn approve(&mut self, t: f64, step: f64) -> Result<Value> {
        self.apply(t, "approve".into(), None, Some(step), None)
    }
    /// `consulted {outcome}` at `t`: the community's answer ("proceed", "rollback" or
    /// "gentle_rollback").
    #[napi(ts_return_type = "import('./types').RolloutStateObject")]
    pub fn consulted(&mut self, t: f64, outcome: String) -> Result<Value> {
        self.apply(t, "consulted".into(), None, None, Some(outcome))
    }
    /// `tick` at `t`: the passage of time alone.
    #[napi(ts_return_type = "import('./types').RolloutStateObject")]
    pub fn tick(&mut self, t: f64) -> Result<Value> {
        self.apply(t, "tick".into(), None, None, None)
    }
    /// An event by name, as in the vectors.
    #[napi(ts_return_type = "import('./types').RolloutStateObject")]
    pub fn apply(
        &mut self,
        t: f64,
        kind: String,
        decision: Option<String>,
        step: Option<f64>,
        outcome: Option<String>,
    ) -> Result<Value> {
        let (decision, outcome) = (decision.as_deref(), outcome.as_deref());
        let step = step.map(Num::Float);
        to_value(
            &self
                .inner
                .apply_named(t, &kind, decision, step, outcome)
                .map_err(err)?,
        )
    }
    /// The gentle-ramp steps the last event caught up on: `[{t, status, step, weight}]`.
    #[napi(getter, ts_return_type = "import('./types').RampStep[]")]
    pub fn ramp_steps(&self) -> Result<Value> {
        to_value(&self.inner.ramp_steps())
    }
    #[napi(getter, ts_return_type = "import('./types').RolloutStateObject")]
    pub fn state(&self) -> Result<Value> {
        to_value(&self.inner.state())
    }
}
