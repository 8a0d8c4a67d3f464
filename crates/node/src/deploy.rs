//! The deployment (issue 18): events in as objects, steps, state and notices out, all the
//! core's values with JavaScript's casing.

use crate::*;
use liberation_gates as core;
use napi::bindgen_prelude::Object;
use napi_derive::napi;
use serde_json::Value;

/// The six-phase deployment of one service (docs/deploy.md), with verified community
/// decisions and a notice outbox; in memory or kept in a store and resumed from it.
#[napi]
pub struct Deployment {
    inner: core::deployment::Deployment,
}

#[napi]
impl Deployment {
    /// `plan`, `policy`, `health`: null for the built-in ones. `store`: null in memory, or
    /// "sqlite:PATH" / "postgres://…" (replayed from it; every event is written there first).
    #[napi(constructor)]
    pub fn new(
        service: String,
        plan: Option<&DeploymentPlan>,
        policy: Option<&Policy>,
        health: Option<&HealthModel>,
        store: Option<String>,
    ) -> Result<Self> {
        let setup = core::deployment::Setup::or_builtin(
            &service,
            plan.map(|p| p.inner.clone()),
            policy.map(|p| p.inner.clone()),
            health.map(|h| h.inner.clone()),
        )
        .map_err(err)?;
        core::deployment::Deployment::in_store(setup, store.as_deref())
            .map(|inner| Deployment { inner })
            .map_err(err)
    }
    /// A read-only view of a deployment of `service` (built-in plan, policy and health
    /// model) from a dump of its store (`liberation-gates store dump`): the dump's checksum
    /// chain is checked (StoreError `tampered`), then its events are replayed in memory.
    #[napi(factory)]
    pub fn from_dump(service: String, dump: String) -> Result<Self> {
        let setup = core::deployment::Setup::builtin(&service).map_err(err)?;
        core::deployment::Deployment::from_dump(setup, &dump)
            .map(|inner| Deployment { inner })
            .map_err(err)
    }
    /// Applies one event (an object, as a line of an events file); the step. A refused event
    /// changes nothing.
    #[napi(ts_return_type = "import('./types').DeploymentStep")]
    pub fn apply(
        &mut self,
        #[napi(ts_arg_type = "import('./types').DeploymentEvent")] event: Object<'_>,
    ) -> Result<Value> {
        let v: Value = from_object(&event, "event")?;
        let e = core::deployment::Event::from_value(&v).map_err(err)?;
        to_value(&self.inner.apply(&e).map_err(err)?)
    }
    /// Applies an events file's text, line by line; an error names its line.
    #[napi(ts_return_type = "import('./types').DeploymentStep[]")]
    pub fn apply_jsonl(&mut self, text: String) -> Result<Value> {
        to_value(&self.inner.apply_jsonl(&text).map_err(err)?)
    }
    /// The state: service, attempt, phase, status, strategy, canary, weight, rollback, …
    #[napi(getter, ts_return_type = "import('./types').DeploymentState")]
    pub fn state(&self) -> Result<Value> {
        to_value(&self.inner.state())
    }
    /// Every notice raised, in order.
    #[napi(ts_return_type = "import('./types').Notice[]")]
    pub fn notices(&self) -> Result<Value> {
        to_value(&self.inner.notices())
    }
    /// The notices not delivered yet, in order: send each, then `markDelivered(id)` (at least
    /// once; ids make a repeat harmless).
    #[napi(ts_return_type = "import('./types').Notice[]")]
    pub fn undelivered(&self) -> Result<Value> {
        to_value(&self.inner.undelivered())
    }
    /// Marks notice `id` and every one before it delivered.
    #[napi]
    pub fn mark_delivered(&mut self, id: String) -> Result<()> {
        self.inner.mark_delivered(&id).map_err(err)
    }
    /// The store's backend ("sqlite", "postgres"), or null in memory.
    #[napi(getter)]
    pub fn store_backend(&self) -> Option<&'static str> {
        self.inner.backend()
    }
}
