//! Deployment gates: thresholds, windows, policies, rollouts.

use crate::*;
use liberation_gates as core;
use pyo3::prelude::*;
use pythonize::Depythonizer;
// ---------------------------------------------------------------------------------------
// Thresholds and windows.

/// Prometheus-style sustained condition (SPEC §2).
#[pyclass(module = "liberation_gates._native")]
pub(crate) struct Threshold {
    pub(crate) inner: core::threshold::Threshold,
}
holds!(Threshold: core::threshold::Threshold, WindowRate: core::window::WindowRate);
holds!(BurnRate: core::window::BurnRate, Policy: core::policy::Policy);
holds!(PolicyDecision: core::policy::PolicyDecision, Evaluator: core::policy::Evaluator);
holds!(RolloutPlan: core::rollout::RolloutPlan, Rollout: core::rollout::Rollout);

#[pymethods]
impl Threshold {
    #[new]
    #[pyo3(signature = (op, threshold, for_seconds, *, keep_firing_for_seconds=0.0, max_gap_seconds=None))]
    fn new(
        op: &str,
        threshold: f64,
        for_seconds: f64,
        keep_firing_for_seconds: f64,
        max_gap_seconds: Option<f64>,
    ) -> PyResult<Self> {
        let options = core::threshold::ThresholdOptions {
            keep_firing_for_seconds: Some(keep_firing_for_seconds),
            max_gap_seconds,
        };
        let threshold = core::threshold::Threshold::from_args(op, threshold, for_seconds, options);
        wrap(threshold)
    }
    /// Feeds a sample; returns "inactive", "pending" or "firing". `value=None` is invalid_sample.
    fn observe(&mut self, t: f64, value: Option<f64>) -> PyResult<&'static str> {
        wrap(self.inner.observe_opt(t, value).map(|s| s.as_str()))
    }
    #[getter]
    fn state(&self) -> &'static str {
        self.inner.state().as_str()
    }
}

/// `(current - baseline) / baseline`.
#[pyfunction]
pub(crate) fn degradation(current: f64, baseline: f64) -> PyResult<f64> {
    core::threshold::degradation(current, baseline).map_err(err)
}

/// Error rate over a sliding window of per-interval counts (SPEC §3).
#[pyclass(module = "liberation_gates._native")]
pub(crate) struct WindowRate {
    pub(crate) inner: core::window::WindowRate,
}

#[pymethods]
impl WindowRate {
    #[new]
    #[pyo3(signature = (window_seconds, min_requests=None))]
    fn new(window_seconds: f64, min_requests: Opt<'_, '_>) -> PyResult<Self> {
        let min = min_requests.map(|m| num(m, "min_requests")).transpose()?;
        wrap(core::window::WindowRate::from_args(window_seconds, min))
    }
    /// Adds one interval's counts; returns the rate, or None below min_requests.
    fn push(
        &mut self,
        t: f64,
        requests: &Bound<'_, PyAny>,
        errors: &Bound<'_, PyAny>,
    ) -> PyResult<Option<f64>> {
        let (requests, errors) = (num(requests, "requests")?, num(errors, "errors")?);
        self.inner.push(t, requests, errors).map_err(err)
    }
    #[getter]
    fn rate(&self) -> Option<f64> {
        self.inner.rate()
    }
}

/// A multi-window burn-rate rule (SRE workbook): fires when the error rate over the long
/// window and over the short window both reach `burn_rate × (1 − objective)`.
#[pyclass(module = "liberation_gates._native")]
pub(crate) struct BurnRate {
    inner: core::window::BurnRate,
}

#[pymethods]
impl BurnRate {
    /// `rule`: `{objective, long_window_seconds, short_window_seconds, burn_rate,
    /// min_requests}`; WindowError `invalid_config` naming what is wrong.
    #[new]
    fn new(rule: &Bound<'_, PyAny>) -> PyResult<Self> {
        let mut rule = Depythonizer::from_object(rule);
        wrap(core::window::BurnRate::from_de(&mut rule))
    }
    /// Adds one interval's counts; whether both windows burn too fast.
    fn push(
        &mut self,
        t: f64,
        requests: &Bound<'_, PyAny>,
        errors: &Bound<'_, PyAny>,
    ) -> PyResult<bool> {
        let (requests, errors) = (num(requests, "requests")?, num(errors, "errors")?);
        self.inner.push(t, requests, errors).map_err(err)
    }
    /// Whether both windows are at or above the threshold rate.
    #[getter]
    fn firing(&self) -> bool {
        self.inner.firing()
    }
}

// ---------------------------------------------------------------------------------------
// Policy, simulation, plan, health, rollout.

/// A deployment-safety policy (SPEC §7).
#[pyclass(frozen, module = "liberation_gates._native")]
pub(crate) struct Policy {
    pub(crate) inner: core::policy::Policy,
}

#[pymethods]
impl Policy {
    /// The built-in liberation-safe policy.
    #[staticmethod]
    fn builtin() -> Self {
        core::policy::Policy::builtin().into()
    }
    /// Reads a policy file (.toml, .yaml/.yml, .json).
    #[staticmethod]
    fn from_path(path: std::path::PathBuf) -> PyResult<Self> {
        wrap(core::policy::Policy::from_path(path))
    }
    /// Parses policy text in `format` ("toml", "yaml" or "json").
    #[staticmethod]
    fn parse(text: &str, format: &str) -> PyResult<Self> {
        wrap(core::policy::Policy::parse(text, format_arg(format)?))
    }
    /// Writes the policy in `format`.
    #[pyo3(signature = (format="toml"))]
    fn dumps(&self, format: &str) -> PyResult<String> {
        self.inner.to_string_as(format_arg(format)?).map_err(err)
    }
    /// Rule ids, in order.
    #[getter]
    fn rule_ids(&self) -> Vec<String> {
        self.inner.rules().iter().map(|r| r.id.clone()).collect()
    }
    /// The names of the breakers the policy file configures, sorted.
    #[getter]
    fn breaker_names(&self) -> Vec<String> {
        self.inner.breaker_names()
    }
    /// The config of the breaker called `name` (a dict for `CircuitBreaker`); BreakerError
    /// `unknown_breaker` when the policy configures none.
    fn breaker_config<'py>(&self, py: Python<'py>, name: &str) -> Out<'py> {
        to_py(py, &self.inner.breaker_config(name).map_err(err)?)
    }
    /// `(metrics, checks)` the policy reads.
    fn inputs(&self) -> (Vec<String>, Vec<String>) {
        self.inner.inputs()
    }
    /// A fresh evaluator.
    fn evaluator(&self) -> Evaluator {
        self.inner.evaluator().into()
    }
    /// Liberation rules behind a rollback decision (empty for a technical one).
    fn liberation_cause(&self, decision: &PolicyDecision) -> Vec<String> {
        self.inner.liberation_cause(&decision.inner)
    }
}

/// The decision after one observation.
#[pyclass(frozen, module = "liberation_gates._native")]
pub(crate) struct PolicyDecision {
    pub(crate) inner: core::policy::PolicyDecision,
}

#[pymethods]
impl PolicyDecision {
    #[getter]
    fn t(&self) -> f64 {
        self.inner.t
    }
    #[getter]
    fn action(&self) -> &'static str {
        self.inner.action.as_str()
    }
    #[getter]
    fn severity(&self) -> &'static str {
        self.inner.severity.as_str()
    }
    #[getter]
    fn reasons(&self) -> Vec<String> {
        self.inner.reasons.clone()
    }
    /// The community notification, as a dict, when the decision must reach the community.
    #[getter]
    fn notification<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        self.inner
            .notification
            .as_ref()
            .map(|n| to_py(py, n))
            .transpose()
    }
    fn to_dict<'py>(&self, py: Python<'py>) -> Out<'py> {
        to_py(py, &self.inner)
    }
    fn __repr__(&self) -> String {
        format!("PolicyDecision({})", self.inner)
    }
}

pub(crate) fn observation(
    t: f64,
    metrics: Opt<'_, '_>,
    checks: Opt<'_, '_>,
) -> PyResult<core::policy::Observation> {
    let (mut m, mut c) = (de(metrics), de(checks));
    core::policy::Observation::from_parts(t, m.as_mut(), c.as_mut()).map_err(err)
}

/// Evaluates a policy over observations in time order.
#[pyclass(module = "liberation_gates._native")]
pub(crate) struct Evaluator {
    pub(crate) inner: core::policy::Evaluator,
}

#[pymethods]
impl Evaluator {
    /// One observation; a metric or check given as None is missing.
    #[pyo3(signature = (t, metrics=None, checks=None))]
    fn observe(
        &mut self,
        t: f64,
        metrics: Opt<'_, '_>,
        checks: Opt<'_, '_>,
    ) -> PyResult<PolicyDecision> {
        let o = observation(t, metrics, checks)?;
        wrap(self.inner.observe(&o))
    }
    /// Evaluates a JSON-lines observation file's text (GIL released). Errors name the line.
    fn observe_jsonl(&mut self, py: Python<'_>, text: String) -> PyResult<Vec<PolicyDecision>> {
        let inner = &mut self.inner;
        let decisions = py
            .detach(|| core::simulate::observe_jsonl(inner, &text))
            .map_err(err)?;
        Ok(decisions.into_iter().map(PolicyDecision::from).collect())
    }
}

/// A progressive-rollout plan.
#[pyclass(frozen, module = "liberation_gates._native")]
#[derive(Clone)]
pub(crate) struct RolloutPlan {
    pub(crate) inner: core::rollout::RolloutPlan,
}

#[pymethods]
impl RolloutPlan {
    /// `steps`: a list of `{"weight", "bake_seconds", "approval"}`; None for the default plan.
    /// `gentle_step_seconds`: how long a gentle rollback stays on each step on its way down
    /// (default 300).
    #[new]
    #[pyo3(signature = (steps=None, gentle_step_seconds=None))]
    fn new(steps: Opt<'_, '_>, gentle_step_seconds: Option<f64>) -> PyResult<Self> {
        let mut steps = de(steps);
        let plan = core::rollout::RolloutPlan::from_parts(steps.as_mut(), gentle_step_seconds);
        wrap(plan)
    }
    /// Reads a rollout plan file's text (`format`: "toml", "yaml" or "json"):
    /// `{steps: [...], gentle_step_seconds: 300}`.
    #[staticmethod]
    fn parse(text: &str, format: &str) -> PyResult<Self> {
        wrap(core::rollout::RolloutPlan::parse(text, format_arg(format)?))
    }
    /// How long a gentle rollback stays on each step on its way down, seconds.
    #[getter]
    fn gentle_step_seconds(&self) -> f64 {
        self.inner.gentle_step_seconds()
    }
    /// The steps as `(weight, bake_seconds, approval)`.
    #[getter]
    fn steps(&self) -> Vec<(u8, f64, bool)> {
        self.inner
            .steps()
            .iter()
            .map(|s| (s.weight, s.bake_seconds, s.approval))
            .collect()
    }
}

/// A running canary rollout (SPEC §8). States are `(status, step, weight)`.
#[pyclass(module = "liberation_gates._native")]
pub(crate) struct Rollout {
    pub(crate) inner: core::rollout::Rollout,
}

/// A rollout state as Python reads it: `(status, step, weight)`.
pub(crate) type State = (&'static str, usize, u8);

pub(crate) fn rstate(s: core::rollout::RolloutState) -> State {
    (s.status.as_str(), s.step, s.weight)
}

#[pymethods]
impl Rollout {
    #[new]
    #[pyo3(signature = (plan=None, started_at=0.0))]
    fn new(plan: Option<PyRef<'_, RolloutPlan>>, started_at: f64) -> Self {
        let plan = plan.map(|p| p.inner.clone()).unwrap_or_default();
        core::rollout::Rollout::start(plan, started_at).into()
    }
    /// `observe {decision}` at `t` (decision: a policy action name).
    fn observe(&mut self, t: f64, decision: &str) -> PyResult<State> {
        self.apply(t, "observe", Some(decision), None, None)
    }
    /// `approve {step}` at `t`.
    fn approve(&mut self, t: f64, step: &Bound<'_, PyAny>) -> PyResult<State> {
        self.apply(t, "approve", None, Some(step), None)
    }
    /// `consulted {outcome}` at `t`: the community's answer to a consultation
    /// (`"proceed"`, `"rollback"` or `"gentle_rollback"`).
    fn consulted(&mut self, t: f64, outcome: &str) -> PyResult<State> {
        self.apply(t, "consulted", None, None, Some(outcome))
    }
    /// `tick` at `t`: the passage of time alone.
    fn tick(&mut self, t: f64) -> PyResult<State> {
        self.apply(t, "tick", None, None, None)
    }
    /// An event by name, as in the vectors.
    #[pyo3(signature = (t, kind, decision=None, step=None, outcome=None))]
    fn apply(
        &mut self,
        t: f64,
        kind: &str,
        decision: Option<&str>,
        step: Opt<'_, '_>,
        outcome: Option<&str>,
    ) -> PyResult<State> {
        let step = step
            .filter(|s| !s.is_none())
            .map(|s| num(s, "step"))
            .transpose()?;
        let state = self.inner.apply_named(t, kind, decision, step, outcome);
        wrap(state.map(rstate))
    }
    /// The gentle-ramp steps the last event caught up on: dicts `{t, status, step, weight}`.
    #[getter]
    fn ramp_steps<'py>(&self, py: Python<'py>) -> Out<'py> {
        to_py(py, &self.inner.ramp_steps())
    }
    #[getter]
    fn state(&self) -> State {
        rstate(self.inner.state())
    }
}
