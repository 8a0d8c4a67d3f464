//! `Metrics`: the core's Prometheus exposition (`liberation_gates::metrics`), fed with the
//! binding's own objects (Node only: a browser has no `/metrics` to serve).

use crate::*;
use napi_derive::napi;

/// Prometheus metrics (OpenMetrics text) of breakers, rollouts, deployments, decisions,
/// payout audits and proposals; `encode()` is what a `/metrics` endpoint serves.
#[napi]
pub struct Metrics {
    inner: core::metrics::Metrics,
}

#[napi]
impl Metrics {
    #[napi(constructor)]
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        Metrics {
            inner: core::metrics::Metrics::new(),
        }
    }
    /// Reports the breaker as `name` on every scrape (lib.cjs passes a `CircuitBreaker`'s
    /// native half).
    #[napi(
        js_name = "addBreaker",
        ts_args_type = "name: string, breaker: import('./lib').CircuitBreaker"
    )]
    pub fn add_breaker(&self, name: String, breaker: &NativeBreaker) {
        self.inner.add_breaker(&name, breaker.core());
    }
    /// Counts `decision` (as `Evaluator.observe` returned it) for `service`, with the
    /// observation's `metrics` and `checks` for the liberation rules' status and values.
    #[napi(js_name = "recordDecision")]
    pub fn record_decision(
        &self,
        service: String,
        policy: &Policy,
        #[napi(ts_arg_type = "Decision")] decision: Obj<'_>,
        #[napi(ts_arg_type = "Record<string, number | null> | null")] metrics: Option<Obj<'_>>,
        #[napi(ts_arg_type = "Record<string, boolean | null> | null")] checks: Option<Obj<'_>>,
    ) -> Result<()> {
        let d: core::policy::PolicyDecision = obj(decision, "decision")?;
        let o = observation(d.t, metrics, checks)?;
        self.inner.record_decision(&service, &policy.inner, &o, &d);
        Ok(())
    }
    /// Reports the rollout's current state as `name`.
    #[napi(js_name = "setRollout")]
    pub fn set_rollout(&self, name: String, rollout: &Rollout) {
        self.inner.set_rollout(&name, &rollout.inner.state());
    }
    /// Reports the deployment's current state under its service.
    #[napi(js_name = "setDeployment")]
    pub fn set_deployment(&self, deployment: &Deployment) {
        self.inner.set_deployment(&deployment.inner.state());
    }
    /// Reports the proposal's status and participation at `now` as `id`.
    #[napi(js_name = "setProposal")]
    pub fn set_proposal(&self, id: String, proposal: &Proposal, now: f64) {
        self.inner.set_proposal(&id, &proposal.inner, now);
    }
    /// Audits payouts as `audit()` does, adds the audit to its currency's totals and returns it.
    #[napi(js_name = "recordAudit", ts_return_type = "AuditResult")]
    pub fn record_audit(
        &self,
        #[napi(ts_arg_type = "Money")] gross: Money<'_>,
        currency: String,
        #[napi(ts_arg_type = "CreatorArg[]")] creators: Obj<'_>,
        #[napi(ts_arg_type = "PaidArg[]")] paid: Obj<'_>,
        #[napi(ts_arg_type = "SplitOptions | null")] options: Option<Obj<'_>>,
    ) -> Result<Out> {
        let a = audit_of(&gross, &currency, creators, paid, options)?;
        self.inner.record_audit(&a);
        out(&a)
    }
    /// The exposition now (OpenMetrics text, ending `# EOF`).
    #[napi]
    pub fn encode(&self) -> String {
        self.inner.encode()
    }
    /// The exposition now in Prometheus' classic text format (0.0.4, what `promtool check
    /// metrics` reads).
    #[napi(js_name = "encodeText")]
    pub fn encode_text(&self) -> String {
        self.inner.encode_text()
    }
    /// `{contentType, body}` answering a scrape whose `Accept` header is `accept`:
    /// OpenMetrics when asked for (Prometheus asks), the classic format otherwise.
    #[napi(ts_return_type = "{ contentType: string; body: string }")]
    pub fn scrape(&self, accept: Option<String>) -> Result<Out> {
        let (content_type, body) = self.inner.scrape(accept.as_deref());
        Ok(serde_json::json!({ "contentType": content_type, "body": body }))
    }
}
