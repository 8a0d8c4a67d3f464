//! Deployment plans, health, simulations.

use crate::*;
use liberation_gates as core;
use napi::bindgen_prelude::Object;
use napi_derive::napi;
use serde_json::Value;
use std::collections::HashMap;
/// The six-phase deployment plan.
#[napi]
pub struct DeploymentPlan {
    pub(crate) inner: core::plan::DeploymentPlan,
}

#[napi]
impl DeploymentPlan {
    #[napi(factory)]
    pub fn builtin() -> Self {
        DeploymentPlan {
            inner: core::plan::DeploymentPlan::builtin(),
        }
    }
    /// Reads a deployment plan's text in `format` ("toml", "yaml" or "json").
    #[napi(factory)]
    pub fn parse(text: String, format: String) -> Result<Self> {
        core::plan::DeploymentPlan::parse(&text, format_arg(&format)?)
            .map(|inner| DeploymentPlan { inner })
            .map_err(err)
    }
    #[napi(getter)]
    pub fn phases(&self) -> Vec<String> {
        self.inner.phases.iter().map(|p| p.name.clone()).collect()
    }
    /// Evaluates one phase: `{phase, passed, action, failed, missing, liberation_failed}`.
    #[napi(ts_return_type = "import('./types').PhaseResult")]
    pub fn evaluate(
        &self,
        phase: String,
        #[napi(ts_arg_type = "Record<string, number | null> | null")] metrics: Option<Object<'_>>,
        #[napi(ts_arg_type = "Record<string, boolean | null> | null")] checks: Option<Object<'_>>,
    ) -> Result<Value> {
        let o = observation(0.0, metrics, checks)?;
        to_value(&self.inner.evaluate_phase(&phase, &o).map_err(err)?)
    }
}

/// L1–L5 health of the built-in model from boolean check results.
#[napi(ts_return_type = "import('./types').HealthReport")]
pub fn health(checks: HashMap<String, bool>) -> Result<Value> {
    to_value(&core::health::HealthModel::builtin().evaluate_checks(&checks))
}

/// A health model (SPEC §11): checks `{name, level, critical}` in levels 1–5.
#[napi]
pub struct HealthModel {
    pub(crate) inner: core::health::HealthModel,
}

#[napi]
impl HealthModel {
    /// `checks`: `[{name, level, critical?}]` (`critical` defaults to true).
    #[napi(constructor)]
    pub fn new(
        #[napi(ts_arg_type = "import('./types').CheckDef[]")] checks: Value,
    ) -> Result<Self> {
        let checks: Vec<core::health::CheckInput> =
            json(checks, "checks").map_err(|m| err(core::error::HealthError::InvalidCheck(m)))?;
        core::health::HealthModel::new(checks)
            .map(|inner| HealthModel { inner })
            .map_err(err)
    }
    /// The platform's model, with the check names the built-in policy and plan share.
    #[napi(factory)]
    pub fn builtin() -> Self {
        HealthModel {
            inner: core::health::HealthModel::builtin(),
        }
    }
    /// The declared checks, `[{name, level, critical}]`.
    #[napi(getter, ts_return_type = "import('./types').CheckDef[]")]
    pub fn checks(&self) -> Result<Value> {
        to_value(&self.inner.checks())
    }
    /// Evaluates `{name: "up" | "degraded" | "down" | null}`:
    /// `{levels, overall, action, failing, checks}`.
    #[napi(ts_return_type = "import('./types').HealthReport")]
    pub fn evaluate(
        &self,
        #[napi(ts_arg_type = "Record<string, import('./types').HealthStatus | null>")]
        status: Value,
    ) -> Result<Value> {
        to_value(&self.inner.evaluate_value(&status).map_err(err)?)
    }
    /// Evaluates boolean results as observations carry them (true up, false down).
    #[napi(ts_return_type = "import('./types').HealthReport")]
    pub fn evaluate_checks(&self, checks: HashMap<String, bool>) -> Result<Value> {
        to_value(&self.inner.evaluate_checks(&checks))
    }
}

/// Runs a simulation file's text through a policy (default: built-in) and a rollout.
#[napi(ts_return_type = "import('./types').SimStep[]")]
pub fn simulate(
    text: String,
    policy: Option<&Policy>,
    plan: Option<&RolloutPlan>,
    started_at: Option<f64>,
) -> Result<Value> {
    let policy = policy
        .map(|p| p.inner.clone())
        .unwrap_or_else(core::policy::Policy::builtin);
    let plan = plan.map(|p| p.inner.clone()).unwrap_or_default();
    let steps = core::simulate::run_text(&text, policy, plan, started_at).map_err(err)?;
    to_value(&steps)
}

/// A blue-green deployment: green staged beside blue, a pre-promotion gate, then a
/// post-promotion gate watched for `watchSeconds` (SPEC §8).
#[napi]
pub struct BlueGreen {
    inner: core::rollout::BlueGreen,
}

#[napi]
impl BlueGreen {
    #[napi(constructor)]
    pub fn new(watch_seconds: f64) -> Self {
        BlueGreen {
            inner: core::rollout::BlueGreen::new(watch_seconds),
        }
    }
    /// "staged", "aborted", "promoted", "switched_back" or "completed".
    #[napi(getter, ts_return_type = "string")]
    pub fn status(&self) -> Result<Value> {
        to_value(&self.inner.status())
    }
    /// Reports the pre-promotion gate at `t`: passing promotes, failing aborts.
    #[napi(ts_return_type = "string")]
    pub fn pre_gate(&mut self, t: f64, passed: bool) -> Result<Value> {
        to_value(&self.inner.pre_gate(t, passed))
    }
    /// Reports the post-promotion gate at `t`: failing switches back to blue; passing until
    /// the watch period is over completes.
    #[napi(ts_return_type = "string")]
    pub fn post_gate(&mut self, t: f64, passed: bool) -> Result<Value> {
        to_value(&self.inner.post_gate(t, passed))
    }
}

/// After a rollback caused by a liberation rule, a service redeploys only with a passed
/// community decision `redeploy:<service>`.
#[napi]
pub struct RedeployGuard {
    inner: core::rollout::RedeployGuard,
}

#[napi]
impl RedeployGuard {
    #[napi(constructor)]
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        RedeployGuard {
            inner: core::rollout::RedeployGuard::new(),
        }
    }
    /// Notes a policy decision about `service`; a liberation rollback blocks redeployment.
    #[napi]
    pub fn record(
        &mut self,
        policy: &Policy,
        service: String,
        #[napi(ts_arg_type = "import('./types').Decision")] decision: Object<'_>,
    ) -> Result<()> {
        self.inner
            .record(&policy.inner, &service, &decision_in(&decision)?);
        Ok(())
    }
    /// The liberation rules that blocked `service`, or null.
    #[napi]
    pub fn blocked_by(&self, service: String) -> Option<Vec<String>> {
        self.inner.blocked_by(&service).map(<[String]>::to_vec)
    }
    /// Starts a rollout of `service`; a blocked service needs a passed `redeploy:<service>`
    /// decision (RolloutError `redeploy_needs_approval` otherwise).
    #[napi]
    pub fn start(
        &mut self,
        service: String,
        plan: Option<&RolloutPlan>,
        started_at: Option<f64>,
        #[napi(ts_arg_type = "import('./types').ProposalTerms | null")] decision: Option<
            Object<'_>,
        >,
    ) -> Result<Rollout> {
        let plan = plan.map(|p| p.inner.clone()).unwrap_or_default();
        let decision = decision
            .map(|d| from_object::<Value>(&d, "decision"))
            .transpose()?
            .map(|d| core::governance::DecisionArg::from_value(&d))
            .transpose()
            .map_err(err)?;
        self.inner
            .start_with(&service, plan, started_at.unwrap_or(0.0), decision.as_ref())
            .map(|inner| Rollout { inner })
            .map_err(err)
    }
}

/// Runs a promtool-style policy test file's text in `format` against `policy` (default: the
/// built-in one): `{name, checked, mismatches: [{at, expected, actual}]}`.
#[napi(
    ts_return_type = "{ name: string; checked: number; mismatches: Array<{ at: number; expected: string; actual: string }> }"
)]
pub fn run_policy_test(text: String, format: String, policy: Option<&Policy>) -> Result<Value> {
    let outcome = core::policytest::run_text(&text, format_arg(&format)?, policy.map(|p| &p.inner));
    to_value(&outcome.map_err(err)?)
}
