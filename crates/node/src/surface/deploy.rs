// The JavaScript surface of the deployment (docs/deploy.md), described once for Node and WASM
// (see `gates.rs` beside it for how): events in as objects; steps, state and notices out.
macro_rules! deploy {
    ($js:ident, $arg:ident, $opt:ident, $ret:ident, [$($by:tt)*]) => {
        /// The six-phase deployment of one service, with verified community decisions and a
        /// notice outbox; in memory, or (Node) kept in a store and resumed from it.
        #[$js]
        pub struct Deployment {
            pub(crate) inner: core::deployment::Deployment,
        }

        #[$js]
        impl Deployment {
            /// `plan`, `policy`, `health`: null for the built-in ones (WASM takes over the
            /// objects given); in memory. (A deployment kept in a store is Node's
            /// `await DurableDeployment.open(...)`, whose writes run off the event loop; WASM
            /// has no store backends and says so when `store` is given.)
            #[$js(constructor)]
            pub fn new(
                #[$js($arg = "string")] service: Text,
                plan: Option<$($by)* DeploymentPlan>,
                policy: Option<$($by)* Policy>,
                health: Option<$($by)* HealthModel>,
                #[$js($opt = "string")] store: Option<Text>,
            ) -> Result<Self> {
                let setup = core::deployment::Setup::or_builtin(
                    &text(&service, "service")?,
                    plan.map(|p| p.inner.clone()),
                    policy.map(|p| p.inner.clone()),
                    health.map(|h| h.inner.clone()),
                );
                let store = opt_text(store, "store")?;
                Ok(Deployment { inner: in_memory_deployment(setup.map_err(err)?, store.as_deref())? })
            }
            /// A read-only view of a deployment of `service` (built-in plan, policy and health
            /// model) from a dump of its store (`liberation-gates store dump`): the dump's
            /// checksum chain is checked (StoreError `tampered`), then its events replayed.
            #[$js(js_name = "fromDump")]
            pub fn from_dump(
                #[$js($arg = "string")] service: Text,
                #[$js($arg = "string")] dump: Text,
            ) -> Result<Deployment> {
                let setup = core::deployment::Setup::builtin(&text(&service, "service")?);
                core::deployment::Deployment::from_dump(setup.map_err(err)?, &text(&dump, "dump")?)
                    .map(|inner| Deployment { inner }).map_err(err)
            }
            /// Applies one event (an object, as a line of an events file); the step. A refused
            /// event changes nothing.
            #[$js($ret = "DeploymentStep")]
            pub fn apply(
                &mut self,
                #[$js($arg = "DeploymentEvent")] event: Obj<'_>,
            ) -> Result<Out> {
                let e = core::deployment::Event::from_value(&obj(event, "event")?).map_err(err)?;
                out(&self.inner.apply(&e).map_err(err)?)
            }
            /// Applies an events file's text, line by line; an error names its line.
            #[$js(js_name = "applyJsonl", $ret = "DeploymentStep[]")]
            pub fn apply_jsonl(&mut self, #[$js($arg = "string")] text: Text) -> Result<Out> {
                let text = self::text(&text, "text")?;
                out(&self.inner.apply_jsonl(&text).map_err(err)?)
            }
            /// The state: service, attempt, phase, status, strategy, canary, weight, rollback,
            /// proposals, liberation, …
            #[$js(getter, $ret = "DeploymentState")]
            pub fn state(&self) -> Result<Out> {
                out(&self.inner.state())
            }
            /// Every notice raised, in order.
            #[$js($ret = "Notice[]")]
            pub fn notices(&self) -> Result<Out> {
                out(&self.inner.notices())
            }
            /// The notices not delivered yet, in order: send each, then `markDelivered(id)` (at
            /// least once; ids make a repeat harmless).
            #[$js($ret = "Notice[]")]
            pub fn undelivered(&self) -> Result<Out> {
                out(&self.inner.undelivered())
            }
            /// Marks notice `id` and every one before it delivered.
            #[$js(js_name = "markDelivered")]
            pub fn mark_delivered(&mut self, #[$js($arg = "string")] id: Text) -> Result<()> {
                self.inner.mark_delivered(&text(&id, "id")?).map_err(err)
            }
            /// The store's backend ("sqlite", "postgres"), or null in memory.
            #[$js(getter, js_name = "storeBackend", $ret = "string | null")]
            pub fn store_backend(&self) -> Result<Out> {
                out(&self.inner.backend())
            }
        }
    };
}
