//! The deployment (issue 18) in the browser: in memory (no stores here), the same events,
//! steps, state and notices as in Node.

use crate::convert::*;
use crate::gates::Policy;
use crate::plans::{DeploymentPlan, HealthModel};
use liberation_gates as core;
use wasm_bindgen::prelude::*;

/// The six-phase deployment of one service (docs/deploy.md), in memory: replay a deployment's
/// events to show its state and notices.
#[wasm_bindgen]
pub struct Deployment {
    inner: core::deployment::Deployment,
}

#[wasm_bindgen]
impl Deployment {
    /// `plan`, `policy`, `health`: null for the built-in ones. Objects given are taken over
    /// by the deployment (as `simulate` takes its policy): wasm-bindgen passes an optional
    /// object only by value.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "string")] service: JsValue,
        plan: Option<DeploymentPlan>,
        policy: Option<Policy>,
        health: Option<HealthModel>,
    ) -> Result<Deployment> {
        let setup = core::deployment::Setup::or_builtin(
            &text_arg(&service, "service")?,
            plan.map(|p| p.inner),
            policy.map(|p| p.inner),
            health.map(|h| h.inner),
        )
        .map_err(err)?;
        Ok(Deployment {
            inner: core::deployment::Deployment::new(setup),
        })
    }
    /// A read-only view of a deployment of `service` (built-in plan, policy and health
    /// model) from a dump of its store (`liberation-gates store dump`): the dump's checksum
    /// chain is checked (`tampered`), then its events are replayed.
    #[wasm_bindgen(js_name = fromDump)]
    pub fn from_dump(
        #[wasm_bindgen(unchecked_param_type = "string")] service: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] dump: JsValue,
    ) -> Result<Deployment> {
        let setup =
            core::deployment::Setup::builtin(&text_arg(&service, "service")?).map_err(err)?;
        core::deployment::Deployment::from_dump(setup, &text_arg(&dump, "dump")?)
            .map(|inner| Deployment { inner })
            .map_err(err)
    }
    /// Applies one event (an object, as a line of an events file); the step.
    #[wasm_bindgen(unchecked_return_type = "DeploymentStep")]
    pub fn apply(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "DeploymentEvent")] event: JsValue,
    ) -> Result<JsValue> {
        let v: serde_json::Value = from_js(event, "event")?;
        let e = core::deployment::Event::from_value(&v).map_err(err)?;
        to_js(&self.inner.apply(&e).map_err(err)?)
    }
    /// Applies an events file's text, line by line; an error names its line.
    #[wasm_bindgen(js_name = applyJsonl, unchecked_return_type = "DeploymentStep[]")]
    pub fn apply_jsonl(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
    ) -> Result<JsValue> {
        let text = text_arg(&text, "text")?;
        to_js(&self.inner.apply_jsonl(&text).map_err(err)?)
    }
    /// The state: service, attempt, phase, status, strategy, canary, weight, rollback, …
    #[wasm_bindgen(getter, unchecked_return_type = "DeploymentState")]
    pub fn state(&self) -> Result<JsValue> {
        to_js(&self.inner.state())
    }
    /// Every notice raised, in order.
    #[wasm_bindgen(unchecked_return_type = "Notice[]")]
    pub fn notices(&self) -> Result<JsValue> {
        to_js(&self.inner.notices())
    }
    /// The notices not marked delivered yet, in order.
    #[wasm_bindgen(unchecked_return_type = "Notice[]")]
    pub fn undelivered(&self) -> Result<JsValue> {
        to_js(&self.inner.undelivered())
    }
    /// Marks notice `id` and every one before it delivered.
    #[wasm_bindgen(js_name = markDelivered)]
    pub fn mark_delivered(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] id: JsValue,
    ) -> Result<()> {
        self.inner
            .mark_delivered(&text_arg(&id, "id")?)
            .map_err(err)
    }
}
