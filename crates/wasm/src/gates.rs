//! Deployment gates: thresholds, windows, policies, simulations, rollouts.

use crate::convert::*;
use liberation_gates as core;
use liberation_gates::Num;
use wasm_bindgen::prelude::*;

/// Prometheus-style sustained condition (SPEC §2).
#[wasm_bindgen]
pub struct Threshold {
    inner: core::threshold::Threshold,
}

#[wasm_bindgen]
impl Threshold {
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "string")] op: JsValue,
        threshold: f64,
        for_seconds: f64,
        #[wasm_bindgen(unchecked_param_type = "ThresholdOptions | null | undefined")]
        options: JsValue,
    ) -> Result<Threshold> {
        let op = &text_arg(&op, "op")?;
        let options = opt_strict(options, "options")?.unwrap_or_default();
        core::threshold::Threshold::from_args(op, threshold, for_seconds, options)
            .map(|inner| Threshold { inner })
            .map_err(err)
    }
    /// Feeds a sample: "inactive", "pending" or "firing". A null value is invalid_sample.
    pub fn observe(&mut self, t: f64, value: Option<f64>) -> Result<String> {
        self.inner
            .observe_opt(t, value)
            .map(|s| s.as_str().to_string())
            .map_err(err)
    }
    #[wasm_bindgen(getter)]
    pub fn state(&self) -> String {
        self.inner.state().as_str().to_string()
    }
}

/// How many times slower `current` is than `baseline` (`current / baseline − 1`, SPEC §2).
#[wasm_bindgen]
pub fn degradation(current: f64, baseline: f64) -> Result<f64> {
    core::threshold::degradation(current, baseline).map_err(err)
}

/// Error rate over a sliding window of per-interval counts (SPEC §3).
#[wasm_bindgen]
pub struct WindowRate {
    inner: core::window::WindowRate,
}

#[wasm_bindgen]
impl WindowRate {
    #[wasm_bindgen(constructor)]
    pub fn new(window_seconds: f64, min_requests: Option<f64>) -> Result<WindowRate> {
        core::window::WindowRate::new(window_seconds, Num::Float(min_requests.unwrap_or(0.0)))
            .map(|inner| WindowRate { inner })
            .map_err(err)
    }
    /// Adds one interval's counts; the rate, or `null` (not `undefined`) below minRequests.
    #[wasm_bindgen(unchecked_return_type = "number | null")]
    pub fn push(&mut self, t: f64, requests: f64, errors: f64) -> Result<JsValue> {
        let rate = self
            .inner
            .push(t, Num::Float(requests), Num::Float(errors))
            .map_err(err)?;
        Ok(rate.map_or(JsValue::NULL, JsValue::from))
    }
    /// The rate over the window, or null below minRequests.
    #[wasm_bindgen(getter, unchecked_return_type = "number | null")]
    pub fn rate(&self) -> JsValue {
        self.inner.rate().map_or(JsValue::NULL, JsValue::from)
    }
}

/// A multi-window burn-rate rule (SRE workbook): fires when the error rate over the long
/// window and over the short window both reach `burn_rate × (1 − objective)`.
#[wasm_bindgen]
pub struct BurnRate {
    inner: core::window::BurnRate,
}

#[wasm_bindgen]
impl BurnRate {
    /// `rule`: `{objective, longWindowSeconds, shortWindowSeconds, burnRate,
    /// minRequests?}`; `invalid_config` naming what is wrong.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "BurnRateRule")] rule: JsValue,
    ) -> Result<BurnRate> {
        // Through a JSON value, so an unknown key is seen (see `from_js_strict`).
        let rule: serde_json::Value = from_js(rule, "rule")?;
        core::window::BurnRate::from_de(rule)
            .map(|inner| BurnRate { inner })
            .map_err(err)
    }
    /// Adds one interval's counts; whether both windows burn too fast.
    pub fn push(&mut self, t: f64, requests: f64, errors: f64) -> Result<bool> {
        self.inner
            .push(t, Num::Float(requests), Num::Float(errors))
            .map_err(err)
    }
    /// Whether both windows are at or above the threshold rate.
    #[wasm_bindgen(getter)]
    pub fn firing(&self) -> bool {
        self.inner.firing()
    }
}

/// Runs a promtool-style policy test file's text (`format` "json" in this build) against
/// `policy` (default: the built-in one): `{name, checked, mismatches: [{at, expected, actual}]}`.
#[wasm_bindgen(js_name = runPolicyTest, unchecked_return_type = "PolicyTestOutcome")]
pub fn run_policy_test(
    #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string")] format: JsValue,
    policy: Option<Policy>,
) -> Result<JsValue> {
    let format = text_arg(&format, "format")?.parse().map_err(err)?;
    let text = text_arg(&text, "text")?;
    let outcome = core::policytest::run_text(&text, format, policy.as_ref().map(|p| &p.inner));
    to_js(&outcome.map_err(err)?)
}

/// A deployment-safety policy (SPEC §7); JSON only in the browser build.
#[wasm_bindgen]
pub struct Policy {
    pub(crate) inner: core::policy::Policy,
}

#[wasm_bindgen]
impl Policy {
    /// The built-in liberation-safe policy.
    pub fn builtin() -> Policy {
        Policy {
            inner: core::policy::Policy::builtin(),
        }
    }
    /// Parses policy text in `format` ("json"; TOML and YAML are not in this build, and say so).
    pub fn parse(
        #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] format: JsValue,
    ) -> Result<Policy> {
        let format = text_arg(&format, "format")?.parse().map_err(err)?;
        core::policy::Policy::parse(&text_arg(&text, "text")?, format)
            .map(|inner| Policy { inner })
            .map_err(err)
    }
    /// Parses a policy written as JSON.
    #[wasm_bindgen(js_name = fromJson)]
    pub fn from_json(
        #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
    ) -> Result<Policy> {
        core::policy::Policy::parse(&text_arg(&text, "text")?, core::policy::Format::Json)
            .map(|inner| Policy { inner })
            .map_err(err)
    }
    #[wasm_bindgen(getter, js_name = ruleIds)]
    pub fn rule_ids(&self) -> Vec<String> {
        self.inner.rules().iter().map(|r| r.id.clone()).collect()
    }
    /// `[metrics, checks]`: the names the policy reads.
    #[wasm_bindgen(unchecked_return_type = "[string[], string[]]")]
    pub fn inputs(&self) -> Result<JsValue> {
        to_js(&self.inner.inputs())
    }
    /// The liberation rules behind a rollback decision as `observe` returned it (empty for a
    /// technical one).
    #[wasm_bindgen(js_name = liberationCause)]
    pub fn liberation_cause(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Decision")] decision: JsValue,
    ) -> Result<Vec<String>> {
        let d: core::policy::PolicyDecision = from_js(decision, "decision")?;
        Ok(self.inner.liberation_cause(&d))
    }
    /// A fresh evaluator.
    pub fn evaluator(&self) -> Evaluator {
        Evaluator {
            inner: self.inner.evaluator(),
        }
    }
}

/// An observation from JS objects: a `null` value is a missing measurement, NaN is refused.
pub(crate) fn observation(
    t: f64,
    metrics: JsValue,
    checks: JsValue,
) -> Result<core::policy::Observation> {
    let part = |v: JsValue| opt(&v).then(|| serde_wasm_bindgen::Deserializer::from(v));
    core::policy::Observation::from_parts(t, part(metrics), part(checks)).map_err(err)
}

/// Evaluates a policy over observations in time order (for dashboards).
#[wasm_bindgen]
pub struct Evaluator {
    inner: core::policy::Evaluator,
}

#[wasm_bindgen]
impl Evaluator {
    /// One observation: `metrics` `{name: number|null}`, `checks` `{name: boolean|null}`.
    #[wasm_bindgen(unchecked_return_type = "Decision")]
    pub fn observe(
        &mut self,
        t: f64,
        #[wasm_bindgen(unchecked_param_type = "Record<string, number | null> | null | undefined")]
        metrics: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Record<string, boolean | null> | null | undefined")]
        checks: JsValue,
    ) -> Result<JsValue> {
        let o = observation(t, metrics, checks)?;
        let d = self.inner.observe(&o).map_err(err)?;
        to_js(&d)
    }
    /// Evaluates a JSON-lines observation file's text; an error names its line (`line`).
    #[wasm_bindgen(js_name = observeJsonl, unchecked_return_type = "Decision[]")]
    pub fn observe_jsonl(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
    ) -> Result<JsValue> {
        let text = text_arg(&text, "text")?;
        to_js(&core::simulate::observe_jsonl(&mut self.inner, &text).map_err(err)?)
    }
}

/// Runs a simulation file's text (observations, approvals, consultation answers) through a
/// policy (default: the built-in one) and a canary rollout; one step per line. An error names
/// its line (`line`) and keeps its kind.
#[wasm_bindgen(unchecked_return_type = "SimStep[]")]
pub fn simulate(
    #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
    policy: Option<Policy>,
    plan: Option<RolloutPlan>,
    started_at: Option<f64>,
) -> Result<JsValue> {
    let text = text_arg(&text, "text")?;
    let policy = policy.map_or_else(core::policy::Policy::builtin, |p| p.inner);
    let plan = plan.map(|p| p.inner).unwrap_or_default();
    to_js(&core::simulate::run_text(&text, policy, plan, started_at).map_err(err)?)
}

/// A progressive-rollout plan.
#[wasm_bindgen]
pub struct RolloutPlan {
    pub(crate) inner: core::rollout::RolloutPlan,
}

#[wasm_bindgen]
impl RolloutPlan {
    /// `steps`: `[{weight, bakeSeconds, approval}]`, or null for the default plan;
    /// `gentleStepSeconds`: how long a gentle rollback stays on each step on its way down
    /// (default 300).
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(
            unchecked_param_type = "Array<{ weight: number; bakeSeconds: number; approval?: boolean }> | null | undefined"
        )]
        steps: JsValue,
        gentle_step_seconds: Option<f64>,
    ) -> Result<RolloutPlan> {
        // Through a JSON value, so an unknown key in a step is seen (see `from_js_strict`).
        let steps: Option<serde_json::Value> = match opt(&steps) {
            true => Some(from_js(steps, "steps")?),
            false => None,
        };
        core::rollout::RolloutPlan::from_parts(steps, gentle_step_seconds)
            .map(|inner| RolloutPlan { inner })
            .map_err(err)
    }
    /// Reads a rollout plan file's text (`format` "json"; TOML and YAML are not in this build).
    pub fn parse(
        #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] format: JsValue,
    ) -> Result<RolloutPlan> {
        let format = text_arg(&format, "format")?.parse().map_err(err)?;
        core::rollout::RolloutPlan::parse(&text_arg(&text, "text")?, format)
            .map(|inner| RolloutPlan { inner })
            .map_err(err)
    }
    /// How long a gentle rollback stays on each step on its way down, seconds.
    #[wasm_bindgen(getter, js_name = gentleStepSeconds)]
    pub fn gentle_step_seconds(&self) -> f64 {
        self.inner.gentle_step_seconds()
    }
}

/// A running canary rollout (SPEC §8).
#[wasm_bindgen]
pub struct Rollout {
    pub(crate) inner: core::rollout::Rollout,
}

impl Rollout {
    fn event(
        &mut self,
        t: f64,
        kind: &str,
        decision: Option<&str>,
        step: Option<f64>,
        outcome: Option<&str>,
    ) -> Result<JsValue> {
        // The core takes integral numbers as step indices (SPEC §8).
        self.inner
            .apply_named(t, kind, decision, step.map(Num::Float), outcome)
            .map_err(err)
            .and_then(|s| to_js(&s))
    }
}

#[wasm_bindgen]
impl Rollout {
    #[wasm_bindgen(constructor)]
    pub fn new(plan: &RolloutPlan, started_at: Option<f64>) -> Rollout {
        Rollout {
            inner: core::rollout::Rollout::start(plan.inner.clone(), started_at.unwrap_or(0.0)),
        }
    }
    /// An event by name: "observe" with a decision, "approve" with a step, "consulted" with
    /// an outcome, or "tick".
    #[wasm_bindgen(unchecked_return_type = "RolloutStateObject")]
    pub fn apply(
        &mut self,
        t: f64,
        #[wasm_bindgen(unchecked_param_type = "string")] kind: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "string")] decision: Option<JsValue>,
        #[wasm_bindgen(unchecked_optional_param_type = "number")] step: Option<f64>,
        #[wasm_bindgen(unchecked_optional_param_type = "string")] outcome: Option<JsValue>,
    ) -> Result<JsValue> {
        let kind = text_arg(&kind, "kind")?;
        let decision = opt_text_arg(decision, "decision")?;
        let outcome = opt_text_arg(outcome, "outcome")?;
        self.event(t, &kind, decision.as_deref(), step, outcome.as_deref())
    }
    /// `consulted {outcome}` at `t`: the community's answer ("proceed", "rollback" or
    /// "gentle_rollback").
    #[wasm_bindgen(unchecked_return_type = "RolloutStateObject")]
    pub fn consulted(
        &mut self,
        t: f64,
        #[wasm_bindgen(unchecked_param_type = "string")] outcome: JsValue,
    ) -> Result<JsValue> {
        let outcome = text_arg(&outcome, "outcome")?;
        self.event(t, "consulted", None, None, Some(&outcome))
    }
    /// `tick` at `t`: the passage of time alone.
    #[wasm_bindgen(unchecked_return_type = "RolloutStateObject")]
    pub fn tick(&mut self, t: f64) -> Result<JsValue> {
        self.event(t, "tick", None, None, None)
    }
    /// The gentle-ramp steps the last event caught up on: `[{t, status, step, weight}]`.
    #[wasm_bindgen(getter, js_name = rampSteps, unchecked_return_type = "RampStep[]")]
    pub fn ramp_steps(&self) -> Result<JsValue> {
        to_js(&self.inner.ramp_steps())
    }
    #[wasm_bindgen(getter, unchecked_return_type = "RolloutStateObject")]
    pub fn state(&self) -> Result<JsValue> {
        to_js(&self.inner.state())
    }
}
