// The JavaScript surface of deployment plans, health models, blue-green deployments and the
// redeploy guard, described once for Node and WASM (see `gates.rs` beside it for how).
macro_rules! plans {
    ($js:ident, $arg:ident, $opt:ident, $ret:ident, [$($by:tt)*]) => {
        /// The JSON Schema (draft 2020-12) of `kind` files: "policy", "plan" (deployment
        /// plans) or "rollout_plan"; PolicyError `invalid_policy` for another kind.
        #[$js(js_name = "jsonSchema", $ret = "Record<string, unknown>")]
        pub fn json_schema(#[$js($arg = "string")] kind: Text) -> Result<Out> {
            json_out(core::schema::json_schema(text(&kind, "kind")?.parse().map_err(err)?))
        }

        /// The six-phase deployment plan (SPEC §9).
        #[$js]
        pub struct DeploymentPlan {
            pub(crate) inner: core::plan::DeploymentPlan,
        }

        #[$js]
        impl DeploymentPlan {
            /// The built-in plan.
            #[$js]
            pub fn builtin() -> DeploymentPlan {
                DeploymentPlan { inner: core::plan::DeploymentPlan::builtin() }
            }
            /// Reads a deployment plan's text in `format` ("toml", "yaml" or "json"; "json"
            /// only in the WASM build).
            #[$js]
            pub fn parse(
                #[$js($arg = "string")] text: Text,
                #[$js($arg = "string")] format: Text,
            ) -> Result<DeploymentPlan> {
                let format = self::text(&format, "format")?.parse().map_err(err)?;
                core::plan::DeploymentPlan::parse(&self::text(&text, "text")?, format)
                    .map(|inner| DeploymentPlan { inner }).map_err(err)
            }
            /// Phase names, in order.
            #[$js(getter)]
            pub fn phases(&self) -> Vec<String> {
                self.inner.phases.iter().map(|p| p.name.clone()).collect()
            }
            /// Evaluates one phase: `{phase, passed, action, failed, missing,
            /// liberationFailed}`.
            #[$js($ret = "PhaseResult")]
            pub fn evaluate(
                &self,
                #[$js($arg = "string")] phase: Text,
                #[$js($opt = "Record<string, number | null> | null")] metrics: Option<Obj<'_>>,
                #[$js($opt = "Record<string, boolean | null> | null")] checks: Option<Obj<'_>>,
            ) -> Result<Out> {
                let o = observation(0.0, metrics, checks)?;
                out(&self.inner.evaluate_phase(&text(&phase, "phase")?, &o).map_err(err)?)
            }
        }

        /// L1–L5 health of the built-in model from boolean check results.
        #[$js($ret = "HealthReport")]
        pub fn health(#[$js($arg = "Record<string, boolean>")] checks: Obj<'_>) -> Result<Out> {
            let checks = obj(checks, "checks")?;
            out(&core::health::HealthModel::builtin().evaluate_checks(&checks))
        }

        /// A health model (SPEC §11): checks `{name, level, critical}` in levels 1–5.
        #[$js]
        pub struct HealthModel {
            pub(crate) inner: core::health::HealthModel,
        }

        #[$js]
        impl HealthModel {
            /// `checks`: `[{name, level, critical?}]` (`critical` defaults to true).
            #[$js(constructor)]
            pub fn new(#[$js($arg = "CheckDef[]")] checks: Obj<'_>) -> Result<Self> {
                let checks = obj_as(checks, core::error::HealthError::InvalidCheck)?;
                core::health::HealthModel::new(checks)
                    .map(|inner| HealthModel { inner }).map_err(err)
            }
            /// The platform's model, with the check names the built-in policy and plan share.
            #[$js]
            pub fn builtin() -> HealthModel {
                HealthModel { inner: core::health::HealthModel::builtin() }
            }
            /// The declared checks, `[{name, level, critical}]`.
            #[$js(getter, $ret = "CheckDef[]")]
            pub fn checks(&self) -> Result<Out> {
                out(&self.inner.checks())
            }
            /// Evaluates `{name: "up" | "degraded" | "down" | null}`:
            /// `{levels, overall, action, failing, checks}`.
            #[$js($ret = "HealthReport")]
            pub fn evaluate(
                &self,
                #[$js($arg = "Record<string, HealthStatus | null>")] status: Obj<'_>,
            ) -> Result<Out> {
                let status = obj_as(status, core::error::HealthError::InvalidStatus)?;
                out(&self.inner.evaluate_value(&status).map_err(err)?)
            }
            /// Evaluates boolean results as observations carry them (true up, false down).
            #[$js(js_name = "evaluateChecks", $ret = "HealthReport")]
            pub fn evaluate_checks(
                &self,
                #[$js($arg = "Record<string, boolean>")] checks: Obj<'_>,
            ) -> Result<Out> {
                out(&self.inner.evaluate_checks(&obj(checks, "checks")?))
            }
        }

        /// A blue-green deployment: green staged beside blue, a pre-promotion gate, then a
        /// post-promotion gate watched for `watchSeconds` (SPEC §8).
        #[$js]
        pub struct BlueGreen {
            inner: core::rollout::BlueGreen,
        }

        #[$js]
        impl BlueGreen {
            #[$js(constructor)]
            pub fn new(watch_seconds: f64) -> Self {
                BlueGreen { inner: core::rollout::BlueGreen::new(watch_seconds) }
            }
            /// "staged", "aborted", "promoted", "switched_back" or "completed".
            #[$js(getter, $ret = "string")]
            pub fn status(&self) -> Result<Out> {
                out(&self.inner.status())
            }
            /// Reports the pre-promotion gate at `t`: passing promotes, failing aborts.
            #[$js(js_name = "preGate", $ret = "string")]
            pub fn pre_gate(&mut self, t: f64, passed: bool) -> Result<Out> {
                out(&self.inner.pre_gate(t, passed))
            }
            /// Reports the post-promotion gate at `t`: failing switches back to blue; passing
            /// until the watch period is over completes.
            #[$js(js_name = "postGate", $ret = "string")]
            pub fn post_gate(&mut self, t: f64, passed: bool) -> Result<Out> {
                out(&self.inner.post_gate(t, passed))
            }
        }

        /// After a rollback caused by a liberation rule, a service redeploys only with a
        /// passed community decision `redeploy:<service>`.
        #[$js]
        pub struct RedeployGuard {
            inner: core::rollout::RedeployGuard,
        }

        #[$js]
        impl RedeployGuard {
            #[$js(constructor)]
            #[allow(clippy::new_without_default)]
            pub fn new() -> Self {
                RedeployGuard { inner: core::rollout::RedeployGuard::new() }
            }
            /// Notes a policy decision (as `observe` returned it) about `service`; a
            /// liberation rollback blocks redeployment.
            #[$js]
            pub fn record(
                &mut self,
                policy: &Policy,
                #[$js($arg = "string")] service: Text,
                #[$js($arg = "Decision")] decision: Obj<'_>,
            ) -> Result<()> {
                let decision = obj(decision, "decision")?;
                self.inner.record(&policy.inner, &text(&service, "service")?, &decision);
                Ok(())
            }
            /// The liberation rules that blocked `service`, or null.
            #[$js(js_name = "blockedBy", $ret = "string[] | null")]
            pub fn blocked_by(&self, #[$js($arg = "string")] service: Text) -> Result<Out> {
                out(&self.inner.blocked_by(&text(&service, "service")?))
            }
            /// Starts a rollout of `service`; a blocked service needs a passed
            /// `redeploy:<service>` decision, the proposal given whole
            /// (`proposal.terms(...)`; RolloutError `redeploy_needs_approval` otherwise,
            /// `unverified_decision` for a record made by hand).
            #[$js]
            pub fn start(
                &mut self,
                #[$js($arg = "string")] service: Text,
                plan: Option<$($by)* RolloutPlan>,
                started_at: Option<f64>,
                #[$js($opt = "ProposalTerms | null")] decision: Option<Obj<'_>>,
            ) -> Result<Rollout> {
                let decision: Option<serde_json::Value> = opt_obj(decision, "decision")?;
                let decision = decision.map(|d| core::governance::DecisionArg::from_value(&d));
                let decision = decision.transpose().map_err(err)?;
                let plan = plan.map(|p| p.inner.clone()).unwrap_or_default();
                let (service, t) = (text(&service, "service")?, started_at.unwrap_or_default());
                self.inner
                    .start_with(&service, plan, t, decision.as_ref())
                    .map(|inner| Rollout { inner }).map_err(err)
            }
        }
    };
}
