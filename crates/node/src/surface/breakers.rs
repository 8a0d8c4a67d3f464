// The JavaScript surface of the breaker state machine with explicit times (SPEC §4), as the
// vectors drive it, described once for Node and WASM (see `gates.rs` beside it for how). The
// breakers that guard calls differ by design: Node's wrap promises and timers
// (`breakers.cjs`), WASM's are this machine and the fallback cache.
macro_rules! breakers {
    ($js:ident, $arg:ident, $opt:ident, $ret:ident) => {
        /// The breaker state machine driven with explicit times (SPEC §4).
        #[$js]
        pub struct BreakerMachine {
            pub(crate) inner: core::breaker::BreakerMachine,
        }

        #[$js]
        impl BreakerMachine {
            /// A machine with `config` (`{failureRateThreshold, slowCallRateThreshold, …}`,
            /// each defaulted; BreakerError `invalid_config` naming what is wrong).
            #[$js(constructor)]
            pub fn new(
                #[$js($opt = "BreakerConfig | null")] config: Option<Obj<'_>>,
            ) -> Result<Self> {
                core::breaker::BreakerMachine::new(breaker_config(config)?)
                    .map(|inner| BreakerMachine { inner }).map_err(err)
            }
            /// Applies `op` at `t`; for `acquire`, whether it was permitted (else null).
            #[$js($ret = "boolean | null")]
            pub fn apply(
                &mut self,
                t: f64,
                #[$js($arg = "string")] op: Text,
                #[$js($opt = "string")] outcome: Option<Text>,
                #[$js($opt = "number")] seconds: Option<f64>,
            ) -> Result<Out> {
                let (op, outcome) = (text(&op, "op")?, opt_text(outcome, "outcome")?);
                out(&self.inner.apply_named(t, &op, outcome.as_deref(), seconds).map_err(err)?)
            }
            /// Records `k` successful, non-slow calls at `t` at once: the machine ends as after
            /// `k` single records (BreakerError `invalid_op` unless `k` is a whole number ≥ 0).
            #[$js(js_name = "recordSuccesses")]
            pub fn record_successes(
                &mut self,
                t: f64,
                #[$js($arg = "Count")] k: Count,
            ) -> Result<String> {
                let state = self.inner.record_successes(t, count(&k)).map_err(err)?;
                Ok(state.as_str().to_string())
            }
            #[$js(getter)]
            pub fn state(&self) -> String {
                self.inner.state().as_str().to_string()
            }
        }
    };
}
