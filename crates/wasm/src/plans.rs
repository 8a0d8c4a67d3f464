//! Deployment plans, health, blue-green deployments and the redeploy guard.

use crate::convert::*;
use crate::gates::{observation, Policy, Rollout, RolloutPlan};
use liberation_gates as core;
use wasm_bindgen::prelude::*;

/// A health model (SPEC §11): checks `{name, level, critical}` in levels 1–5.
#[wasm_bindgen]
pub struct HealthModel {
    pub(crate) inner: core::health::HealthModel,
}

#[wasm_bindgen]
impl HealthModel {
    /// `checks`: `[{name, level, critical?}]` (`critical` defaults to true).
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "CheckDef[]")] checks: JsValue,
    ) -> Result<HealthModel> {
        let checks: Vec<core::health::CheckInput> =
            from_js_strict(checks).map_err(|e| err(core::error::HealthError::InvalidCheck(e)))?;
        core::health::HealthModel::new(checks)
            .map(|inner| HealthModel { inner })
            .map_err(err)
    }
    /// The platform's model, with the check names the built-in policy and plan share.
    pub fn builtin() -> HealthModel {
        HealthModel {
            inner: core::health::HealthModel::builtin(),
        }
    }
    /// The declared checks, `[{name, level, critical}]`.
    #[wasm_bindgen(getter, unchecked_return_type = "CheckDef[]")]
    pub fn checks(&self) -> Result<JsValue> {
        to_js(&self.inner.checks())
    }
    /// Evaluates `{name: "up" | "degraded" | "down" | null}`:
    /// `{levels, overall, action, failing, checks}`.
    #[wasm_bindgen(unchecked_return_type = "HealthReport")]
    pub fn evaluate(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Record<string, HealthStatus | null>")]
        status: JsValue,
    ) -> Result<JsValue> {
        let status: serde_json::Value = serde_wasm_bindgen::from_value(status)
            .map_err(|e| err(core::error::HealthError::InvalidStatus(e.to_string())))?;
        to_js(&self.inner.evaluate_value(&status).map_err(err)?)
    }
}

/// The six-phase deployment plan (SPEC §9).
#[wasm_bindgen]
pub struct DeploymentPlan {
    pub(crate) inner: core::plan::DeploymentPlan,
}

#[wasm_bindgen]
impl DeploymentPlan {
    /// The built-in plan.
    pub fn builtin() -> DeploymentPlan {
        DeploymentPlan {
            inner: core::plan::DeploymentPlan::builtin(),
        }
    }
    /// Reads a deployment plan's text (`format` "json"; TOML and YAML are not in this build).
    pub fn parse(
        #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] format: JsValue,
    ) -> Result<DeploymentPlan> {
        let format = text_arg(&format, "format")?.parse().map_err(err)?;
        core::plan::DeploymentPlan::parse(&text_arg(&text, "text")?, format)
            .map(|inner| DeploymentPlan { inner })
            .map_err(err)
    }
    /// Phase names, in order.
    #[wasm_bindgen(getter)]
    pub fn phases(&self) -> Vec<String> {
        self.inner.phases.iter().map(|p| p.name.clone()).collect()
    }
    /// Evaluates one phase: `{phase, passed, action, failed, missing, liberation_failed}`.
    #[wasm_bindgen(unchecked_return_type = "PhaseResult")]
    pub fn evaluate(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] phase: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Record<string, number | null> | null")]
        metrics: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Record<string, boolean | null> | null")]
        checks: JsValue,
    ) -> Result<JsValue> {
        let o = observation(0.0, metrics, checks)?;
        to_js(
            &self
                .inner
                .evaluate_phase(&text_arg(&phase, "phase")?, &o)
                .map_err(err)?,
        )
    }
}

/// A blue-green deployment: green staged beside blue, a pre-promotion gate, then a
/// post-promotion gate watched for `watchSeconds` (SPEC §8).
#[wasm_bindgen]
pub struct BlueGreen {
    inner: core::rollout::BlueGreen,
}

#[wasm_bindgen]
impl BlueGreen {
    #[wasm_bindgen(constructor)]
    pub fn new(watch_seconds: f64) -> BlueGreen {
        BlueGreen {
            inner: core::rollout::BlueGreen::new(watch_seconds),
        }
    }
    /// "staged", "aborted", "promoted", "switched_back" or "completed".
    #[wasm_bindgen(getter, unchecked_return_type = "string")]
    pub fn status(&self) -> Result<JsValue> {
        to_js(&self.inner.status())
    }
    /// Reports the pre-promotion gate at `t`: passing promotes, failing aborts.
    #[wasm_bindgen(js_name = preGate, unchecked_return_type = "string")]
    pub fn pre_gate(&mut self, t: f64, passed: bool) -> Result<JsValue> {
        to_js(&self.inner.pre_gate(t, passed))
    }
    /// Reports the post-promotion gate at `t`: failing switches back to blue; passing until
    /// the watch period is over completes.
    #[wasm_bindgen(js_name = postGate, unchecked_return_type = "string")]
    pub fn post_gate(&mut self, t: f64, passed: bool) -> Result<JsValue> {
        to_js(&self.inner.post_gate(t, passed))
    }
}

/// After a rollback caused by a liberation rule, a service redeploys only with a passed
/// community decision `redeploy:<service>`.
#[wasm_bindgen]
pub struct RedeployGuard {
    inner: core::rollout::RedeployGuard,
}

#[wasm_bindgen]
impl RedeployGuard {
    #[wasm_bindgen(constructor)]
    #[allow(clippy::new_without_default)]
    pub fn new() -> RedeployGuard {
        RedeployGuard {
            inner: core::rollout::RedeployGuard::new(),
        }
    }
    /// Notes a policy decision (as `observe` returned it) about `service`; a liberation
    /// rollback blocks redeployment.
    pub fn record(
        &mut self,
        policy: &Policy,
        #[wasm_bindgen(unchecked_param_type = "string")] service: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Decision")] decision: JsValue,
    ) -> Result<()> {
        let d: core::policy::PolicyDecision = from_js(decision, "decision")?;
        self.inner
            .record(&policy.inner, &text_arg(&service, "service")?, &d);
        Ok(())
    }
    /// The liberation rules that blocked `service`, or undefined.
    #[wasm_bindgen(js_name = blockedBy)]
    pub fn blocked_by(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] service: JsValue,
    ) -> Result<Option<Vec<String>>> {
        Ok(self
            .inner
            .blocked_by(&text_arg(&service, "service")?)
            .map(<[String]>::to_vec))
    }
    /// Starts a rollout of `service`; a blocked service needs a passed `redeploy:<service>`
    /// decision, the proposal given whole (`proposal.terms(...)`; `redeploy_needs_approval`
    /// otherwise, `unverified_decision` for a record made by hand).
    pub fn start(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] service: JsValue,
        plan: Option<RolloutPlan>,
        started_at: Option<f64>,
        #[wasm_bindgen(unchecked_param_type = "ProposalTerms | null | undefined")]
        decision: JsValue,
    ) -> Result<Rollout> {
        let decision = opt_strict::<serde_json::Value>(decision, "decision")?
            .map(|d| core::governance::DecisionArg::from_value(&d))
            .transpose()
            .map_err(err)?;
        let plan = plan.map(|p| p.inner).unwrap_or_default();
        let service = text_arg(&service, "service")?;
        self.inner
            .start_with(&service, plan, started_at.unwrap_or(0.0), decision.as_ref())
            .map(|inner| Rollout { inner })
            .map_err(err)
    }
}
