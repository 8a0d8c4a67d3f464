//! `Metrics`: the core's Prometheus exposition (`liberation_gates::metrics`), fed with the
//! binding's own objects.

use crate::convert::*;
use crate::deploy::Deployment;
use crate::gates::{observation, Policy, PolicyDecision, Rollout};
use crate::money::{audit_of, audit_out};
use crate::{CircuitBreaker, Proposal};
use liberation_gates as core;
use pyo3::prelude::*;
use pyo3::types::PyDict;

/// Prometheus metrics (OpenMetrics text) of breakers, rollouts, deployments, decisions,
/// payout audits and proposals; `encode()` is what a `/metrics` endpoint serves.
#[pyclass(frozen, module = "liberation_gates._native")]
pub(crate) struct Metrics {
    inner: core::metrics::Metrics,
}

#[pymethods]
impl Metrics {
    #[new]
    fn new() -> Self {
        Metrics {
            inner: core::metrics::Metrics::new(),
        }
    }
    /// Reports `breaker` (a `CircuitBreaker`) as `name` on every scrape.
    fn add_breaker(&self, name: &str, breaker: &Bound<'_, PyAny>) -> PyResult<()> {
        // The Python class keeps its native breaker in `_native`.
        let native = match breaker.getattr("_native") {
            Ok(n) => n,
            Err(_) => breaker.clone(),
        };
        let b = native.cast::<CircuitBreaker>()?;
        self.inner.add_breaker(name, b.get().inner.clone());
        Ok(())
    }
    /// Counts `decision` (from `Evaluator.observe`) for `service`, with the observation's
    /// `metrics` and `checks` for the liberation rules' status and values.
    #[pyo3(signature = (service, policy, decision, metrics=None, checks=None))]
    fn record_decision(
        &self,
        service: &str,
        policy: &Policy,
        decision: &PolicyDecision,
        metrics: Opt<'_, '_>,
        checks: Opt<'_, '_>,
    ) -> PyResult<()> {
        let o = observation(decision.inner.t, metrics, checks)?;
        self.inner
            .record_decision(service, &policy.inner, &o, &decision.inner);
        Ok(())
    }
    /// Reports the rollout's current state as `name`.
    fn set_rollout(&self, name: &str, rollout: PyRef<'_, Rollout>) {
        self.inner.set_rollout(name, &rollout.inner.state());
    }
    /// Reports the deployment's current state under its service.
    fn set_deployment(&self, deployment: &Deployment) {
        self.inner.set_deployment(&deployment.state_now());
    }
    /// Reports the proposal's status and participation at `now` as `id`.
    fn set_proposal(&self, id: &str, proposal: PyRef<'_, Proposal>, now: f64) {
        self.inner.set_proposal(id, &proposal.inner, now);
    }
    /// Audits payouts as `audit()` does, adds the audit to its currency's totals and returns it.
    #[pyo3(signature = (gross, currency, creators, paid, *, creator_share=None, fee=None, fee_mode=None))]
    #[allow(clippy::too_many_arguments)]
    fn record_audit<'py>(
        &self,
        py: Python<'py>,
        gross: &Bound<'py, PyAny>,
        currency: &str,
        creators: &Bound<'py, PyAny>,
        paid: &Bound<'py, PyAny>,
        creator_share: Opt<'_, 'py>,
        fee: Opt<'_, 'py>,
        fee_mode: Option<String>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let a = audit_of(
            gross,
            currency,
            creators,
            paid,
            (creator_share, fee, fee_mode, None),
        )?;
        self.inner.record_audit(&a);
        audit_out(py, a)
    }
    /// The exposition now (OpenMetrics text, ending `# EOF`).
    fn encode(&self) -> String {
        self.inner.encode()
    }
    /// The exposition now in Prometheus' classic text format (0.0.4).
    fn encode_text(&self) -> String {
        self.inner.encode_text()
    }
    /// `(content_type, body)` to answer a scrape whose `Accept` header is `accept`.
    #[pyo3(signature = (accept=None))]
    fn scrape(&self, accept: Option<&str>) -> (&'static str, String) {
        self.inner.scrape(accept)
    }
}
