//! Deployment plans, health, simulations.

use crate::*;
use liberation_gates as core;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use std::collections::HashMap;
/// The six-phase deployment plan.
#[pyclass(frozen, module = "liberation_gates._native")]
pub(crate) struct DeploymentPlan {
    pub(crate) inner: core::plan::DeploymentPlan,
}
holds!(DeploymentPlan: core::plan::DeploymentPlan, HealthModel: core::health::HealthModel);
holds!(BlueGreen: core::rollout::BlueGreen, RedeployGuard: core::rollout::RedeployGuard);

#[pymethods]
impl DeploymentPlan {
    #[staticmethod]
    fn builtin() -> Self {
        core::plan::DeploymentPlan::builtin().into()
    }
    #[staticmethod]
    fn parse(text: &str, format: &str) -> PyResult<Self> {
        wrap(core::plan::DeploymentPlan::parse(text, format_arg(format)?))
    }
    /// Phase names, in order.
    #[getter]
    fn phases(&self) -> Vec<String> {
        self.inner.phases.iter().map(|p| p.name.clone()).collect()
    }
    /// Evaluates one phase: a dict with passed, action, failed, missing, liberation_failed.
    #[pyo3(signature = (phase, metrics=None, checks=None))]
    fn evaluate<'py>(
        &self,
        py: Python<'py>,
        phase: &str,
        metrics: Option<&Bound<'py, PyAny>>,
        checks: Option<&Bound<'py, PyAny>>,
    ) -> Out<'py> {
        let o = observation(0.0, metrics, checks)?;
        to_py(py, &self.inner.evaluate_phase(phase, &o).map_err(err)?)
    }
}

/// The JSON Schema (draft 2020-12) of `kind` files as a dict: ``"policy"``, ``"plan"``
/// (deployment plans) or ``"rollout_plan"``; PolicyError ``invalid_policy`` for another kind.
/// The package also ships them as files: ``liberation_gates/schemas/*.schema.json``.
#[pyfunction]
pub(crate) fn json_schema<'py>(py: Python<'py>, kind: &str) -> Out<'py> {
    to_py(py, &core::schema::json_schema(kind.parse().map_err(err)?))
}

/// L1–L5 health of the built-in model from boolean check results (`True` up, `False` down).
#[pyfunction]
pub(crate) fn health(py: Python<'_>, checks: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
    let model = core::health::HealthModel::builtin();
    Ok(to_py(py, &model.evaluate_checks(&bool_checks(checks)?))?.unbind())
}

/// A health model (SPEC §11): checks `{name, level, critical}` in levels 1–5.
#[pyclass(frozen, module = "liberation_gates._native")]
pub(crate) struct HealthModel {
    pub(crate) inner: core::health::HealthModel,
}

#[pymethods]
impl HealthModel {
    /// `checks`: a list of `{"name", "level", "critical"?}` (critical defaults to True).
    #[new]
    fn new(checks: &Bound<'_, PyAny>) -> PyResult<Self> {
        let checks: Vec<core::health::CheckInput> = via_json(checks, "checks")
            .map_err(|e| err(core::error::HealthError::InvalidCheck(e.to_string())))?;
        wrap(core::health::HealthModel::new(checks))
    }
    /// The platform's model, with the check names the built-in policy and plan share.
    #[staticmethod]
    fn builtin() -> Self {
        core::health::HealthModel::builtin().into()
    }
    /// The declared checks as dicts `{name, level, critical}`.
    #[getter]
    fn checks<'py>(&self, py: Python<'py>) -> Out<'py> {
        to_py(py, &self.inner.checks())
    }
    /// Evaluates `status` (`{name: "up" | "degraded" | "down" | None}`): a dict
    /// `{levels, overall, action, failing, checks}`.
    fn evaluate<'py>(&self, py: Python<'py>, status: &Bound<'py, PyAny>) -> Out<'py> {
        if !status.is_instance_of::<PyDict>() {
            return Err(PyTypeError::new_err(
                "status must be a dict of check name to status",
            ));
        }
        // Through JSON, so that the core decides what a non-str status is (invalid_status).
        let value: serde_json::Value = via_json(status, "status")?;
        to_py(py, &self.inner.evaluate_value(&value).map_err(err)?)
    }
    /// Evaluates boolean results as observations carry them (`True` up, `False` down).
    fn evaluate_checks<'py>(&self, py: Python<'py>, checks: &Bound<'py, PyAny>) -> Out<'py> {
        to_py(py, &self.inner.evaluate_checks(&bool_checks(checks)?))
    }
}

/// Check results `{name: bool}`.
fn bool_checks(checks: &Bound<'_, PyAny>) -> PyResult<HashMap<String, bool>> {
    (checks.extract()).map_err(|_| PyTypeError::new_err("checks must be a dict of str to bool"))
}

/// Runs a simulation file's text (observations and approvals) through the policy and a
/// rollout; returns one dict per line and the final state.
#[pyfunction]
#[pyo3(signature = (text, policy=None, plan=None, started_at=None))]
pub(crate) fn simulate<'py>(
    py: Python<'py>,
    text: String,
    policy: Option<&Policy>,
    plan: Option<&RolloutPlan>,
    started_at: Option<f64>,
) -> Out<'py> {
    let policy = policy
        .map(|p| p.inner.clone())
        .unwrap_or_else(core::policy::Policy::builtin);
    let plan = plan.map(|p| p.inner.clone()).unwrap_or_default();
    let steps = py
        .detach(|| core::simulate::run_text(&text, policy, plan, started_at))
        .map_err(err)?;
    to_py(py, &steps)
}

/// A blue-green deployment: green staged beside blue, a pre-promotion gate, then a
/// post-promotion gate watched for `watch_seconds` (SPEC §8).
#[pyclass(module = "liberation_gates._native")]
pub(crate) struct BlueGreen {
    inner: core::rollout::BlueGreen,
}

#[pymethods]
impl BlueGreen {
    #[new]
    fn new(watch_seconds: f64) -> Self {
        core::rollout::BlueGreen::new(watch_seconds).into()
    }
    /// "staged", "aborted", "promoted", "switched_back" or "completed".
    #[getter]
    fn status(&self) -> &'static str {
        self.inner.status().as_str()
    }
    /// Reports the pre-promotion gate at `t`: passing promotes, failing aborts.
    fn pre_gate(&mut self, t: f64, passed: bool) -> &'static str {
        self.inner.pre_gate(t, passed).as_str()
    }
    /// Reports the post-promotion gate at `t`: failing switches back to blue; passing until the
    /// watch period is over completes.
    fn post_gate(&mut self, t: f64, passed: bool) -> &'static str {
        self.inner.post_gate(t, passed).as_str()
    }
}

/// After a rollback caused by a liberation rule, a service redeploys only with a passed
/// community decision `redeploy:<service>`.
#[pyclass(module = "liberation_gates._native")]
pub(crate) struct RedeployGuard {
    inner: core::rollout::RedeployGuard,
}

#[pymethods]
impl RedeployGuard {
    #[new]
    fn new() -> Self {
        core::rollout::RedeployGuard::new().into()
    }
    /// Notes a policy decision about `service`; a liberation rollback blocks redeployment.
    fn record(&mut self, policy: &Policy, service: &str, decision: &PolicyDecision) {
        self.inner.record(&policy.inner, service, &decision.inner);
    }
    /// The liberation rules that blocked `service`, or None.
    fn blocked_by(&self, service: &str) -> Option<Vec<String>> {
        self.inner.blocked_by(service).map(<[String]>::to_vec)
    }
    /// Starts a rollout of `service`; a blocked service needs a passed `redeploy:<service>`
    /// decision (RolloutError `redeploy_needs_approval` otherwise).
    #[pyo3(signature = (service, plan=None, started_at=0.0, decision=None))]
    fn start(
        &mut self,
        service: &str,
        plan: Option<PyRef<'_, RolloutPlan>>,
        started_at: f64,
        decision: Option<PyRef<'_, Decision>>,
    ) -> PyResult<Rollout> {
        let plan = plan.map(|p| p.inner.clone()).unwrap_or_default();
        let decision = decision.as_deref().map(|d| &d.arg);
        wrap(self.inner.start_with(service, plan, started_at, decision))
    }
}

/// Runs a promtool-style policy test file's text (`format`: "toml", "yaml" or "json") against
/// `policy` (default: the built-in one): `{name, checked, mismatches: [{at, expected, actual}]}`.
#[pyfunction]
#[pyo3(signature = (text, format, policy=None))]
pub(crate) fn run_policy_test<'py>(
    py: Python<'py>,
    text: &str,
    format: &str,
    policy: Option<&Policy>,
) -> Out<'py> {
    let outcome = core::policytest::run_text(text, format_arg(format)?, policy.map(|p| &p.inner));
    to_py(py, &outcome.map_err(err)?)
}
