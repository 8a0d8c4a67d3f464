// The JavaScript surface of community control — proposals, decisions, flags, bucketing and
// participation — described once for Node and WASM (see `gates.rs` beside it for how).
macro_rules! community {
    ($js:ident, $arg:ident, $opt:ident, $ret:ident) => {
        /// One member, one vote (SPEC §5).
        #[$js]
        pub struct Proposal {
            pub(crate) inner: core::governance::Proposal,
        }

        #[$js]
        impl Proposal {
            /// A proposal to `electorate`, open from `opensAt` to `closesAt`; `quorum` and
            /// `passThreshold` are exact decimals ("0.5"; a whole number may be a number).
            #[$js(constructor)]
            pub fn new(
                #[$js($arg = "string[]")] electorate: Obj<'_>,
                #[$js($arg = "string | number")] quorum: Exact,
                #[$js($arg = "string | number")] pass_threshold: Exact,
                opens_at: f64,
                closes_at: f64,
            ) -> Result<Self> {
                let electorate = obj(electorate, "electorate")?;
                let quorum = exact(&quorum, "quorum")?;
                let threshold = exact(&pass_threshold, "passThreshold")?;
                let (opens, closes) = (opens_at, closes_at);
                core::governance::Proposal::new(electorate, &quorum, &threshold, opens, closes)
                    .map(|inner| Proposal { inner }).map_err(err)
            }
            /// Casts a vote; a refusal throws GovernanceError with its code and changes
            /// nothing.
            #[$js]
            pub fn cast(
                &mut self,
                t: f64,
                #[$js($arg = "string")] member: Text,
                #[$js($arg = "string")] choice: Text,
            ) -> Result<()> {
                let (member, choice) = (text(&member, "member")?, text(&choice, "choice")?);
                self.inner.cast(t, &member, &choice).map(drop).map_err(err)
            }
            /// The votes counted at `now`.
            #[$js($ret = "Tally")]
            pub fn tally(&self, now: f64) -> Result<Out> {
                out(&self.inner.tally(now))
            }
            /// "open", "passed", "rejected" or "no_quorum" at `now`.
            #[$js]
            pub fn status(&self, now: f64) -> String {
                self.inner.status(now).as_str().to_string()
            }
            /// The decision the proposal makes about `subject` at `now`, with its tally (a
            /// record to read; to authorise a change, hand over `terms(subject, action)`).
            #[$js($ret = "CommunityDecision")]
            pub fn decision(
                &self,
                #[$js($arg = "string")] subject: Text,
                #[$js($arg = "string")] action: Text,
                now: f64,
            ) -> Result<Out> {
                let (subject, action) = (text(&subject, "subject")?, text(&action, "action")?);
                out(&*self.inner.decision(subject, action, now))
            }
            /// The proposal given whole with its votes, as a decision about `subject` and
            /// `action`: what flag changes and the redeploy guard take, tallied by the core
            /// when used.
            #[$js($ret = "ProposalTerms")]
            pub fn terms(
                &self,
                #[$js($arg = "string")] subject: Text,
                #[$js($arg = "string")] action: Text,
            ) -> Result<Out> {
                let (subject, action) = (text(&subject, "subject")?, text(&action, "action")?);
                out(&self.inner.terms(subject, action))
            }
            /// Reads a proposal at `now` from votes `[{t, member, choice}]` in the order cast
            /// (votes after `now` are neither counted nor refused): `{status, yes, no,
            /// abstain, refused: [{index, error}]}`.
            #[$js($ret = "ProposalReading")]
            pub fn read(
                #[$js($arg = "string[]")] electorate: Obj<'_>,
                #[$js($arg = "string | number")] quorum: Exact,
                #[$js($arg = "string | number")] pass_threshold: Exact,
                opens_at: f64,
                closes_at: f64,
                #[$js($arg = "VoteArg[]")] votes: Obj<'_>,
                now: f64,
            ) -> Result<Out> {
                let p = Proposal::new(electorate, quorum, pass_threshold, opens_at, closes_at)?;
                let votes: Vec<core::governance::VoteInput> = obj(votes, "votes")?;
                out(&core::governance::read(p.inner, &votes, now).flat())
            }
        }

        /// Feature flags under community control (SPEC §6).
        #[$js]
        pub struct FlagSet {
            pub(crate) inner: core::flags::FlagSet,
        }

        impl FlagSet {
            /// `op` on flag `key` with its value and options.
            fn change(
                &mut self,
                key: Text,
                op: &str,
                value: Option<f64>,
                options: Option<Obj<'_>>,
            ) -> Result<Out> {
                let options = opt_obj(options, "options")?.unwrap_or_default();
                let key = text(&key, "key")?;
                out(&self.inner.apply_with(&key, op, value, &options).map_err(err)?)
            }
        }

        #[$js]
        impl FlagSet {
            /// `flags`: `[{key, kind, enabled?, intensity?, rolloutPercent?}]`.
            #[$js(constructor)]
            pub fn new(#[$js($arg = "FlagDef[]")] flags: Obj<'_>) -> Result<Self> {
                let defs = obj_as(flags, core::error::FlagError::InvalidFlag)?;
                core::flags::FlagSet::new(defs)
                    .map(|inner| FlagSet { inner }).map_err(err)
            }
            /// The platform's built-in flags.
            #[$js]
            pub fn builtin() -> FlagSet {
                FlagSet { inner: core::flags::FlagSet::builtin() }
            }
            /// Applies "enable", "disable" or "set_intensity" with `{decision?, actor?, t?}`;
            /// a protected or community flag needs `decision`, a proposal given whole.
            #[$js($ret = "FlagState")]
            pub fn apply(
                &mut self,
                #[$js($arg = "string")] key: Text,
                #[$js($arg = "string")] op: Text,
                #[$js($opt = "number")] value: Option<f64>,
                #[$js($opt = "FlagOptions | null")] options: Option<Obj<'_>>,
            ) -> Result<Out> {
                let op = text(&op, "op")?;
                self.change(key, &op, value, options)
            }
            #[$js($ret = "FlagState")]
            pub fn enable(
                &mut self,
                #[$js($arg = "string")] key: Text,
                #[$js($opt = "FlagOptions | null")] options: Option<Obj<'_>>,
            ) -> Result<Out> {
                self.change(key, "enable", None, options)
            }
            #[$js($ret = "FlagState")]
            pub fn disable(
                &mut self,
                #[$js($arg = "string")] key: Text,
                #[$js($opt = "FlagOptions | null")] options: Option<Obj<'_>>,
            ) -> Result<Out> {
                self.change(key, "disable", None, options)
            }
            #[$js(js_name = "setIntensity", $ret = "FlagState")]
            pub fn set_intensity(
                &mut self,
                #[$js($arg = "string")] key: Text,
                value: f64,
                #[$js($opt = "FlagOptions | null")] options: Option<Obj<'_>>,
            ) -> Result<Out> {
                self.change(key, "set_intensity", Some(value), options)
            }
            #[$js(js_name = "isEnabled")]
            pub fn is_enabled(&self, #[$js($arg = "string")] key: Text) -> Result<bool> {
                self.inner.is_enabled(&text(&key, "key")?).map_err(err)
            }
            /// Enabled, and inside the flag's rollout percentage for `userId`.
            #[$js(js_name = "isEnabledFor")]
            pub fn is_enabled_for(
                &self,
                #[$js($arg = "string")] key: Text,
                #[$js($arg = "string")] user_id: Text,
            ) -> Result<bool> {
                let (key, user_id) = (text(&key, "key")?, text(&user_id, "userId")?);
                self.inner.is_enabled_for(&key, &user_id).map_err(err)
            }
            #[$js]
            pub fn intensity(&self, #[$js($arg = "string")] key: Text) -> Result<f64> {
                self.inner.state(&text(&key, "key")?).map(|s| s.intensity).map_err(err)
            }
            #[$js(getter)]
            pub fn keys(&self) -> Vec<String> {
                self.inner.keys().to_vec()
            }
            /// The audit log: every change, with the decision that authorised it.
            #[$js(getter, $ret = "AuditEntry[]")]
            pub fn log(&self) -> Result<Out> {
                out(&self.inner.log())
            }
            /// `key` resolved as OpenFeature asks: `{value, reason, error?, message?,
            /// metadata?}` as a boolean for `targetingKey` (`asType` "boolean"), a number
            /// ("number") or another type (TYPE_MISMATCH); what `LiberationGatesProvider` serves.
            #[$js($ret = "FlagResolution")]
            pub fn resolve(
                &self,
                #[$js($arg = "string")] key: Text,
                #[$js($arg = "string")] as_type: Text,
                #[$js($opt = "string | null")] targeting_key: Option<Text>,
            ) -> Result<Out> {
                let (key, as_type) = (text(&key, "key")?, text(&as_type, "asType")?);
                let targeting_key = opt_text(targeting_key, "targetingKey")?;
                out(&self.inner.resolve(&key, targeting_key.as_deref(), &as_type))
            }
        }

        /// Unleash toggles evaluated as Unleash's SDKs do (docs/unleash.md), with the
        /// community's votes on top for the flags of a `FlagSet`.
        #[$js]
        pub struct Toggles {
            inner: core::unleash::Toggles,
        }

        #[$js]
        impl Toggles {
            /// Reads a toggle state: Unleash's `features` document (`{features, segments}`) or
            /// a delta document (`{events}`), as JSON text.
            #[$js(js_name = "fromJson")]
            pub fn from_json(#[$js($arg = "string")] text: Text) -> Result<Toggles> {
                let inner = core::unleash::Toggles::from_json(&self::text(&text, "text")?);
                Ok(Toggles { inner: inner.map_err(err)? })
            }
            /// Applies a delta document's events (a `features` document replaces the state).
            #[$js(js_name = "applyJson")]
            pub fn apply_json(&mut self, #[$js($arg = "string")] text: Text) -> Result<()> {
                self.inner.apply_json(&self::text(&text, "text")?).map_err(err)
            }
            /// Whether toggle `name` is on for `context` (`{userId, sessionId, remoteAddress,
            /// environment, appName, currentTime, properties}`); false when there is none.
            #[$js(js_name = "isEnabled")]
            pub fn is_enabled(
                &self,
                #[$js($arg = "string")] name: Text,
                #[$js($opt = "UnleashContext | null")] context: Option<Obj<'_>>,
            ) -> Result<bool> {
                let ctx = unleash_context(context)?;
                Ok(self.inner.is_enabled(&text(&name, "name")?, &ctx))
            }
            /// The variant of toggle `name` for `context`: `{name, enabled, featureEnabled,
            /// payload?}` (`disabled` when none applies).
            #[$js(js_name = "getVariant", $ret = "UnleashVariant")]
            pub fn get_variant(
                &self,
                #[$js($arg = "string")] name: Text,
                #[$js($opt = "UnleashContext | null")] context: Option<Obj<'_>>,
            ) -> Result<Out> {
                let ctx = unleash_context(context)?;
                out(&self.inner.get_variant(&text(&name, "name")?, &ctx))
            }
            /// As `isEnabled`, but a protected, community or always-on flag of `flags` is on
            /// only while the community's votes say so; the toggle's strategies still decide
            /// who sees it.
            #[$js(js_name = "isEnabledGoverned")]
            pub fn is_enabled_governed(
                &self,
                #[$js($arg = "string")] name: Text,
                flags: &FlagSet,
                #[$js($opt = "UnleashContext | null")] context: Option<Obj<'_>>,
            ) -> Result<bool> {
                let ctx = unleash_context(context)?;
                Ok(self.inner.is_enabled_governed(&text(&name, "name")?, &ctx, &flags.inner))
            }
            /// As `getVariant`, under the community's votes (see `isEnabledGoverned`).
            #[$js(js_name = "getVariantGoverned", $ret = "UnleashVariant")]
            pub fn get_variant_governed(
                &self,
                #[$js($arg = "string")] name: Text,
                flags: &FlagSet,
                #[$js($opt = "UnleashContext | null")] context: Option<Obj<'_>>,
            ) -> Result<Out> {
                let ctx = unleash_context(context)?;
                out(&self.inner.get_variant_governed(&text(&name, "name")?, &ctx, &flags.inner))
            }
            /// `key` resolved as OpenFeature asks, under the community's votes in `flags`:
            /// `{value, reason, error?, message?, metadata?}` as a "boolean" (decided by the
            /// toggle's strategies for `targetingKey` and `attributes`), a "number" (the flag's
            /// intensity) or another type; what `LiberationGatesProvider` serves with toggles.
            #[$js($ret = "FlagResolution")]
            pub fn resolve(
                &self,
                #[$js($arg = "string")] key: Text,
                flags: &FlagSet,
                #[$js($arg = "string")] as_type: Text,
                #[$js($opt = "string | null")] targeting_key: Option<Text>,
                #[$js($opt = "Record<string, string | number | boolean> | null")] attributes: Option<Obj<'_>>,
            ) -> Result<Out> {
                let (key, as_type) = (text(&key, "key")?, text(&as_type, "asType")?);
                let targeting_key = opt_text(targeting_key, "targetingKey")?;
                let attributes: serde_json::Map<String, serde_json::Value> = match present(attributes) {
                    Some(a) => obj_as(a, core::error::FlagError::InvalidContext)?,
                    None => Default::default(),
                };
                let ctx = core::unleash::Context::from_evaluation(targeting_key.as_deref(), &attributes);
                out(&self.inner.resolve(&key, &ctx, &flags.inner, &as_type))
            }
            /// The toggles' names, sorted.
            #[$js(getter)]
            pub fn names(&self) -> Vec<String> {
                self.inner.names()
            }
        }

        /// Unleash-compatible bucket of `id` in `group`: 1..=modulus.
        #[$js]
        pub fn bucket(
            #[$js($arg = "string")] id: Text,
            #[$js($arg = "string")] group: Text,
            #[$js($opt = "number")] modulus: Option<f64>,
            #[$js($opt = "number")] seed: Option<f64>,
        ) -> Result<u32> {
            let (id, group) = (text(&id, "id")?, text(&group, "group")?);
            core::bucket::bucket_args(&id, &group, modulus, seed).map_err(err)
        }

        /// Participation across closed proposals: the `governance_participation_drop`
        /// metric.
        #[$js]
        pub struct Participation {
            inner: core::governance::Participation,
        }

        #[$js]
        impl Participation {
            /// A baseline of the `baseline` proposals before the latest (default 3;
            /// GovernanceError `invalid_participation` for 0).
            #[$js(constructor)]
            pub fn new(#[$js($opt = "number")] baseline: Option<u32>) -> Result<Self> {
                core::governance::Participation::with_baseline(baseline.map(|b| b as usize))
                    .map(|inner| Participation { inner }).map_err(err)
            }
            /// Adds a closed proposal's participation rate, 0–1.
            #[$js]
            pub fn record(&mut self, rate: f64) -> Result<()> {
                self.inner.record(rate).map_err(err)
            }
            /// The relative drop of the latest rate against the baseline's mean, or null.
            #[$js(getter, $ret = "number | null")]
            pub fn drop(&self) -> Result<Out> {
                out(&self.inner.drop())
            }
        }
    };
}
