// The JavaScript surface of the deployment gates — thresholds, windows, policies, rollouts,
// plans and health — described once for Node (napi) and WASM (wasm-bindgen). Each package
// expands `gates!` with its attribute (`$js`) and the names its attribute gives TypeScript
// types of parameters (`$arg`, `$opt` for an optional one) and of results (`$ret`); the
// argument types (`Text`, `Obj`, `Count`, `Out`) and their readers come from the package's
// `convert` module. An optional class argument is borrowed in Node and taken in WASM
// (`$by`: wasm-bindgen has no optional borrow), so WASM documents that it consumes the object.
// Rules stay in the core: every body is a conversion and one core call.
macro_rules! gates {
    ($js:ident, $arg:ident, $opt:ident, $ret:ident, [$($by:tt)*]) => {
        /// Prometheus-style sustained condition (SPEC §2).
        #[$js]
        pub struct Threshold {
            inner: core::threshold::Threshold,
        }

        #[$js]
        impl Threshold {
            #[$js(constructor)]
            pub fn new(
                #[$js($arg = "string")] op: Text,
                threshold: f64,
                for_seconds: f64,
                #[$js($opt = "ThresholdOptions | null")] options: Option<Obj<'_>>,
            ) -> Result<Self> {
                let options = opt_obj(options, "options")?.unwrap_or_default();
                let op = text(&op, "op")?;
                core::threshold::Threshold::from_args(&op, threshold, for_seconds, options)
                    .map(|inner| Threshold { inner }).map_err(err)
            }
            /// Feeds a sample: "inactive", "pending" or "firing". A null value is
            /// `invalid_sample`.
            #[$js]
            pub fn observe(&mut self, t: f64, value: Option<f64>) -> Result<String> {
                let state = self.inner.observe_opt(t, value).map_err(err)?;
                Ok(state.as_str().to_string())
            }
            #[$js(getter)]
            pub fn state(&self) -> String {
                self.inner.state().as_str().to_string()
            }
        }

        /// How many times slower `current` is than `baseline` (`current / baseline − 1`,
        /// SPEC §2).
        #[$js]
        pub fn degradation(current: f64, baseline: f64) -> Result<f64> {
            core::threshold::degradation(current, baseline).map_err(err)
        }

        /// Error rate over a sliding window of per-interval counts (SPEC §3).
        #[$js]
        pub struct WindowRate {
            inner: core::window::WindowRate,
        }

        #[$js]
        impl WindowRate {
            /// `minRequests` defaults to 0 (the core's default).
            #[$js(constructor)]
            pub fn new(
                window_seconds: f64,
                #[$js($opt = "Count")] min_requests: Option<Count>,
            ) -> Result<Self> {
                let min = min_requests.as_ref().map(count);
                core::window::WindowRate::from_args(window_seconds, min)
                    .map(|inner| WindowRate { inner }).map_err(err)
            }
            /// Adds one interval's counts; the rate, or null below `minRequests`.
            #[$js($ret = "number | null")]
            pub fn push(
                &mut self,
                t: f64,
                #[$js($arg = "Count")] requests: Count,
                #[$js($arg = "Count")] errors: Count,
            ) -> Result<Out> {
                out(&self.inner.push(t, count(&requests), count(&errors)).map_err(err)?)
            }
            /// The rate over the window, or null below `minRequests`.
            #[$js(getter, $ret = "number | null")]
            pub fn rate(&self) -> Result<Out> {
                out(&self.inner.rate())
            }
        }

        /// A multi-window burn-rate rule (SRE workbook): fires when the error rate over the
        /// long window and over the short window both reach `burnRate × (1 − objective)`.
        #[$js]
        pub struct BurnRate {
            inner: core::window::BurnRate,
        }

        #[$js]
        impl BurnRate {
            /// `rule`: `{objective, longWindowSeconds, shortWindowSeconds, burnRate,
            /// minRequests?}`; WindowError `invalid_config` naming what is wrong.
            #[$js(constructor)]
            pub fn new(#[$js($arg = "BurnRateRule")] rule: Obj<'_>) -> Result<Self> {
                let rule: serde_json::Value = obj(rule, "rule")?;
                core::window::BurnRate::from_de(rule)
                    .map(|inner| BurnRate { inner }).map_err(err)
            }
            /// Adds one interval's counts; whether both windows burn too fast.
            #[$js]
            pub fn push(
                &mut self,
                t: f64,
                #[$js($arg = "Count")] requests: Count,
                #[$js($arg = "Count")] errors: Count,
            ) -> Result<bool> {
                self.inner.push(t, count(&requests), count(&errors)).map_err(err)
            }
            /// Whether both windows are at or above the threshold rate.
            #[$js(getter)]
            pub fn firing(&self) -> bool {
                self.inner.firing()
            }
        }

        /// A deployment-safety policy (SPEC §7). The WASM build reads JSON only.
        #[$js]
        pub struct Policy {
            pub(crate) inner: core::policy::Policy,
        }

        #[$js]
        impl Policy {
            /// The built-in liberation-safe policy.
            #[$js]
            pub fn builtin() -> Policy {
                Policy { inner: core::policy::Policy::builtin() }
            }
            /// Parses policy text in `format` ("toml", "yaml" or "json").
            #[$js]
            pub fn parse(
                #[$js($arg = "string")] text: Text,
                #[$js($arg = "string")] format: Text,
            ) -> Result<Policy> {
                let format = self::text(&format, "format")?.parse().map_err(err)?;
                core::policy::Policy::parse(&self::text(&text, "text")?, format)
                    .map(|inner| Policy { inner }).map_err(err)
            }
            /// Parses a policy written as JSON.
            #[$js(js_name = "fromJson")]
            pub fn from_json(#[$js($arg = "string")] text: Text) -> Result<Policy> {
                core::policy::Policy::parse(&self::text(&text, "text")?, core::policy::Format::Json)
                    .map(|inner| Policy { inner }).map_err(err)
            }
            /// Writes the policy in `format` (default "toml"; "json" in the WASM build).
            #[$js]
            pub fn dumps(&self, #[$js($opt = "string")] format: Option<Text>) -> Result<String> {
                let format = opt_text(format, "format")?.map(|f| f.parse()).transpose();
                let format = format.map_err(err)?.unwrap_or_default();
                self.inner.to_string_as(format).map_err(err)
            }
            #[$js(getter, js_name = "ruleIds")]
            pub fn rule_ids(&self) -> Vec<String> {
                self.inner.rules().iter().map(|r| r.id.clone()).collect()
            }
            /// The names of the breakers the policy file configures, sorted.
            #[$js(getter, js_name = "breakerNames")]
            pub fn breaker_names(&self) -> Vec<String> {
                self.inner.breaker_names()
            }
            /// The config of the breaker called `name` (for `CircuitBreaker`); BreakerError
            /// `unknown_breaker` when the policy configures none.
            #[$js(js_name = "breakerConfig", $ret = "Required<BreakerConfig>")]
            pub fn breaker_config(&self, #[$js($arg = "string")] name: Text) -> Result<Out> {
                out(&self.inner.breaker_config(&text(&name, "name")?).map_err(err)?)
            }
            /// `[metrics, checks]`: the names the policy reads.
            #[$js($ret = "[string[], string[]]")]
            pub fn inputs(&self) -> Result<Out> {
                out(&self.inner.inputs())
            }
            /// A fresh evaluator.
            #[$js]
            pub fn evaluator(&self) -> Evaluator {
                Evaluator { inner: self.inner.evaluator() }
            }
            /// The liberation rules behind a rollback decision as `observe` returned it (empty
            /// for a technical one).
            #[$js(js_name = "liberationCause")]
            pub fn liberation_cause(
                &self,
                #[$js($arg = "Decision")] decision: Obj<'_>,
            ) -> Result<Vec<String>> {
                Ok(self.inner.liberation_cause(&obj(decision, "decision")?))
            }
        }

        /// Evaluates a policy over observations in time order.
        #[$js]
        pub struct Evaluator {
            inner: core::policy::Evaluator,
        }

        #[$js]
        impl Evaluator {
            /// One observation: `metrics` `{name: number | null}`, `checks` `{name: boolean |
            /// null}`; a value given as null is missing.
            #[$js($ret = "Decision")]
            pub fn observe(
                &mut self,
                t: f64,
                #[$js($opt = "Record<string, number | null> | null")] metrics: Option<Obj<'_>>,
                #[$js($opt = "Record<string, boolean | null> | null")] checks: Option<Obj<'_>>,
            ) -> Result<Out> {
                let o = observation(t, metrics, checks)?;
                out(&self.inner.observe(&o).map_err(err)?)
            }
            /// Evaluates a JSON-lines observation file's text; an error names its line.
            #[$js(js_name = "observeJsonl", $ret = "Decision[]")]
            pub fn observe_jsonl(&mut self, #[$js($arg = "string")] text: Text) -> Result<Out> {
                let text = self::text(&text, "text")?;
                out(&core::simulate::observe_jsonl(&mut self.inner, &text).map_err(err)?)
            }
        }

        /// Runs a simulation file's text (observations, approvals, consultation answers)
        /// through a policy (default: the built-in one) and a canary rollout; one step per
        /// line. An error names its line and keeps its kind.
        #[$js($ret = "SimStep[]")]
        pub fn simulate(
            #[$js($arg = "string")] text: Text,
            policy: Option<$($by)* Policy>,
            plan: Option<$($by)* RolloutPlan>,
            started_at: Option<f64>,
        ) -> Result<Out> {
            let policy = policy.map_or_else(core::policy::Policy::builtin, |p| p.inner.clone());
            let plan = plan.map(|p| p.inner.clone()).unwrap_or_default();
            let text = self::text(&text, "text")?;
            out(&core::simulate::run_text(&text, policy, plan, started_at).map_err(err)?)
        }

        /// Runs a promtool-style policy test file's text in `format` against `policy`
        /// (default: the built-in one): `{name, checked, mismatches: [{at, expected, actual}]}`.
        #[$js(js_name = "runPolicyTest", $ret = "PolicyTestOutcome")]
        pub fn run_policy_test(
            #[$js($arg = "string")] text: Text,
            #[$js($arg = "string")] format: Text,
            policy: Option<$($by)* Policy>,
        ) -> Result<Out> {
            let format = self::text(&format, "format")?.parse().map_err(err)?;
            let text = self::text(&text, "text")?;
            let policy = policy.as_ref().map(|p| &p.inner);
            out(&core::policytest::run_text(&text, format, policy).map_err(err)?)
        }

        /// A progressive-rollout plan.
        #[$js]
        pub struct RolloutPlan {
            pub(crate) inner: core::rollout::RolloutPlan,
        }

        #[$js]
        impl RolloutPlan {
            /// `steps`: `[{weight, bakeSeconds, approval}]`, or null for the default plan;
            /// `gentleStepSeconds`: how long a gentle rollback stays on each step on its way
            /// down (default 300).
            #[$js(constructor)]
            pub fn new(
                #[$js($opt = "StepArg[] | null")]
                steps: Option<Obj<'_>>,
                #[$js($opt = "number")] gentle_step_seconds: Option<f64>,
            ) -> Result<Self> {
                let steps: Option<serde_json::Value> = opt_obj(steps, "steps")?;
                core::rollout::RolloutPlan::from_parts(steps, gentle_step_seconds)
                    .map(|inner| RolloutPlan { inner }).map_err(err)
            }
            /// Reads a rollout plan file's text in `format` ("toml", "yaml" or "json").
            #[$js]
            pub fn parse(
                #[$js($arg = "string")] text: Text,
                #[$js($arg = "string")] format: Text,
            ) -> Result<RolloutPlan> {
                let format = self::text(&format, "format")?.parse().map_err(err)?;
                core::rollout::RolloutPlan::parse(&self::text(&text, "text")?, format)
                    .map(|inner| RolloutPlan { inner }).map_err(err)
            }
            #[$js(getter, $ret = "Step[]")]
            pub fn steps(&self) -> Result<Out> {
                out(&self.inner.steps())
            }
            /// How long a gentle rollback stays on each step on its way down, seconds.
            #[$js(getter, js_name = "gentleStepSeconds")]
            pub fn gentle_step_seconds(&self) -> f64 {
                self.inner.gentle_step_seconds()
            }
        }

        /// A running canary rollout (SPEC §8).
        #[$js]
        pub struct Rollout {
            pub(crate) inner: core::rollout::Rollout,
        }

        impl Rollout {
            /// `kind` at `t` with its decision, step or outcome (SPEC §8: a step index is an
            /// integral number, which the core checks).
            fn event(
                &mut self,
                t: f64,
                kind: &str,
                decision: Option<String>,
                step: Option<f64>,
                outcome: Option<String>,
            ) -> Result<Out> {
                let (step, outcome) = (step.map(core::Num::Float), outcome.as_deref());
                let state = self.inner.apply_named(t, kind, decision.as_deref(), step, outcome);
                out(&state.map_err(err)?)
            }
        }

        #[$js]
        impl Rollout {
            /// A rollout of `plan` (default: the default plan) started at `startedAt`
            /// (default 0).
            #[$js(constructor)]
            pub fn new(plan: Option<$($by)* RolloutPlan>, started_at: Option<f64>) -> Self {
                let plan = plan.map(|p| p.inner.clone()).unwrap_or_default();
                let started_at = started_at.unwrap_or_default();
                Rollout { inner: core::rollout::Rollout::start(plan, started_at) }
            }
            /// `observe {decision}` at `t`.
            #[$js($ret = "RolloutStateObject")]
            pub fn observe(
                &mut self,
                t: f64,
                #[$js($arg = "string")] decision: Text,
            ) -> Result<Out> {
                self.event(t, "observe", Some(text(&decision, "decision")?), None, None)
            }
            /// `approve {step}` at `t`.
            #[$js($ret = "RolloutStateObject")]
            pub fn approve(&mut self, t: f64, step: f64) -> Result<Out> {
                self.event(t, "approve", None, Some(step), None)
            }
            /// `consulted {outcome}` at `t`: the community's answer ("proceed", "rollback" or
            /// "gentle_rollback").
            #[$js($ret = "RolloutStateObject")]
            pub fn consulted(
                &mut self,
                t: f64,
                #[$js($arg = "string")] outcome: Text,
            ) -> Result<Out> {
                self.event(t, "consulted", None, None, Some(text(&outcome, "outcome")?))
            }
            /// `tick` at `t`: the passage of time alone.
            #[$js($ret = "RolloutStateObject")]
            pub fn tick(&mut self, t: f64) -> Result<Out> {
                self.event(t, "tick", None, None, None)
            }
            /// An event by name, as in the vectors: "observe" with a decision, "approve" with
            /// a step, "consulted" with an outcome, or "tick".
            #[$js($ret = "RolloutStateObject")]
            pub fn apply(
                &mut self,
                t: f64,
                #[$js($arg = "string")] kind: Text,
                #[$js($opt = "string")] decision: Option<Text>,
                #[$js($opt = "number")] step: Option<f64>,
                #[$js($opt = "string")] outcome: Option<Text>,
            ) -> Result<Out> {
                let decision = opt_text(decision, "decision")?;
                let outcome = opt_text(outcome, "outcome")?;
                self.event(t, &text(&kind, "kind")?, decision, step, outcome)
            }
            /// The gentle-ramp steps the last event caught up on: `[{t, status, step, weight}]`.
            #[$js(getter, js_name = "rampSteps", $ret = "RampStep[]")]
            pub fn ramp_steps(&self) -> Result<Out> {
                out(&self.inner.ramp_steps())
            }
            #[$js(getter, $ret = "RolloutStateObject")]
            pub fn state(&self) -> Result<Out> {
                out(&self.inner.state())
            }
        }

        /// Every error kind of every family: `{family: [kinds]}`.
        #[$js(js_name = "errorKinds", $ret = "Record<string, string[]>")]
        pub fn error_kinds() -> Result<Out> {
            let kinds = core::error::FAMILIES.iter().copied();
            out(&kinds.collect::<std::collections::BTreeMap<_, _>>())
        }

        /// Throws the error the package maps `family`/`kind` to (for tests of the mapping).
        #[$js(js_name = "raiseForTest")]
        pub fn raise_for_test(
            #[$js($arg = "string")] family: Text,
            #[$js($arg = "string")] kind: Text,
        ) -> Result<()> {
            let (family, kind) = (text(&family, "family")?, text(&kind, "kind")?);
            let message = format!("raised for a test of the {family}/{kind} mapping");
            let e = core::Error::from_family_kind(&family, &kind, message);
            Err(e.map_or_else(|| arg(format!("unknown family/kind {family}/{kind}")), err))
        }
    };
}
