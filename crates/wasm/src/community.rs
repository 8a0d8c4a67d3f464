//! Community control: proposals, decisions, flags, bucketing.

use crate::convert::*;
use liberation_gates as core;
use liberation_gates::governance::VoteInput;
use wasm_bindgen::prelude::*;

/// One member, one vote (SPEC §5).
#[wasm_bindgen]
pub struct Proposal {
    inner: core::governance::Proposal,
}

#[wasm_bindgen]
impl Proposal {
    /// A proposal to `electorate`, open from `opensAt` to `closesAt`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "string[]")] electorate: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] quorum: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] pass_threshold: JsValue,
        opens_at: f64,
        closes_at: f64,
    ) -> Result<Proposal> {
        let electorate: Vec<String> = from_js(electorate, "electorate")?;
        let (quorum, threshold) = (
            text_arg(&quorum, "quorum")?,
            text_arg(&pass_threshold, "passThreshold")?,
        );
        core::governance::Proposal::new(electorate, &quorum, &threshold, opens_at, closes_at)
            .map(|inner| Proposal { inner })
            .map_err(err)
    }
    /// Casts a vote; a refusal throws with its code and changes nothing.
    pub fn cast(
        &mut self,
        t: f64,
        #[wasm_bindgen(unchecked_param_type = "string")] member: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] choice: JsValue,
    ) -> Result<()> {
        let (member, choice) = (text_arg(&member, "member")?, text_arg(&choice, "choice")?);
        self.inner.cast(t, &member, &choice).map(drop).map_err(err)
    }
    /// The votes counted at `now`.
    #[wasm_bindgen(unchecked_return_type = "{ yes: number; no: number; abstain: number }")]
    pub fn tally(&self, now: f64) -> Result<JsValue> {
        to_js(&self.inner.tally(now))
    }
    /// "open", "passed", "rejected" or "no_quorum" at `now`.
    pub fn status(&self, now: f64) -> String {
        self.inner.status(now).as_str().to_string()
    }
    /// The decision the proposal makes about `subject` at `now`, with its tally.
    #[wasm_bindgen(unchecked_return_type = "CommunityDecision")]
    pub fn decision(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] subject: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] action: JsValue,
        now: f64,
    ) -> Result<JsValue> {
        let (subject, action) = (text_arg(&subject, "subject")?, text_arg(&action, "action")?);
        to_js(&*self.inner.decision(subject, action, now))
    }
    /// The proposal given whole with its votes, as a decision about `subject` and `action`:
    /// what flag changes and the redeploy guard take, tallied by the core when used.
    #[wasm_bindgen(unchecked_return_type = "ProposalTerms")]
    pub fn terms(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] subject: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] action: JsValue,
    ) -> Result<JsValue> {
        let (subject, action) = (text_arg(&subject, "subject")?, text_arg(&action, "action")?);
        to_js(&self.inner.terms(subject, action))
    }
    /// Reads a proposal at `now` from votes `[{t, member, choice}]` in the order cast.
    #[wasm_bindgen(unchecked_return_type = "ProposalReading")]
    pub fn read(
        #[wasm_bindgen(unchecked_param_type = "string[]")] electorate: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] quorum: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] pass_threshold: JsValue,
        opens_at: f64,
        closes_at: f64,
        #[wasm_bindgen(unchecked_param_type = "VoteArg[]")] votes: JsValue,
        now: f64,
    ) -> Result<JsValue> {
        let electorate: Vec<String> = from_js(electorate, "electorate")?;
        let quorum = &text_arg(&quorum, "quorum")?;
        let pass_threshold = &text_arg(&pass_threshold, "pass_threshold")?;
        let p = core::governance::Proposal::new(
            electorate,
            quorum,
            pass_threshold,
            opens_at,
            closes_at,
        )
        .map_err(err)?;
        let votes: Vec<VoteInput> = from_js(votes, "votes")?;
        to_js(&core::governance::read(p, &votes, now).flat())
    }
}

/// Feature flags under community control (SPEC §6), for client-side rollouts.
#[wasm_bindgen]
pub struct FlagSet {
    inner: core::flags::FlagSet,
}

#[wasm_bindgen]
impl FlagSet {
    /// The platform's built-in flags.
    pub fn builtin() -> FlagSet {
        FlagSet {
            inner: core::flags::FlagSet::builtin(),
        }
    }
    /// The audit log: every change, with the decision that authorised it.
    #[wasm_bindgen(getter, unchecked_return_type = "AuditEntry[]")]
    pub fn log(&self) -> Result<JsValue> {
        to_js(&self.inner.log())
    }
    /// `flags`: `[{key, kind, enabled?, intensity?, rollout_percent?}]`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "FlagDef[]")] flags: JsValue,
    ) -> Result<FlagSet> {
        let defs: Vec<core::flags::FlagDef> =
            from_js_strict(flags).map_err(|e| err(core::error::FlagError::InvalidFlag(e)))?;
        core::flags::FlagSet::new(defs)
            .map(|inner| FlagSet { inner })
            .map_err(err)
    }
    /// Applies "enable", "disable" or "set_intensity" with `{decision?, actor?, t?}`.
    #[wasm_bindgen(unchecked_return_type = "FlagState")]
    pub fn apply(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] key: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] op: JsValue,
        value: Option<f64>,
        #[wasm_bindgen(unchecked_param_type = "FlagOptions | null | undefined")] options: JsValue,
    ) -> Result<JsValue> {
        let (key, op) = (&text_arg(&key, "key")?, &text_arg(&op, "op")?);
        let o: core::flags::ChangeOptions = opt_strict(options, "options")?.unwrap_or_default();
        let s = self.inner.apply_with(key, op, value, &o).map_err(err)?;
        to_js(&s)
    }
    /// Enabled, and inside the flag's rollout percentage for `userId`.
    #[wasm_bindgen(js_name = isEnabledFor)]
    pub fn is_enabled_for(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] key: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] user_id: JsValue,
    ) -> Result<bool> {
        let (key, user_id) = (text_arg(&key, "key")?, text_arg(&user_id, "userId")?);
        self.inner.is_enabled_for(&key, &user_id).map_err(err)
    }
}

/// Unleash-compatible bucket of `id` in `group`: 1..=modulus.
#[wasm_bindgen]
pub fn bucket(
    #[wasm_bindgen(unchecked_param_type = "string")] id: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string")] group: JsValue,
    modulus: Option<f64>,
    seed: Option<f64>,
) -> Result<u32> {
    let (id, group) = (text_arg(&id, "id")?, text_arg(&group, "group")?);
    core::bucket::bucket_args(&id, &group, modulus, seed).map_err(err)
}

/// Participation across closed proposals: the `governance_participation_drop` metric.
#[wasm_bindgen]
pub struct Participation {
    inner: core::governance::Participation,
}

#[wasm_bindgen]
impl Participation {
    /// A baseline of the `baseline` proposals before the latest (default 3;
    /// `invalid_participation` for 0).
    #[wasm_bindgen(constructor)]
    pub fn new(baseline: Option<u32>) -> Result<Participation> {
        core::governance::Participation::with_baseline(baseline.map(|b| b as usize))
            .map(|inner| Participation { inner })
            .map_err(err)
    }
    /// Adds a closed proposal's participation rate, 0–1.
    pub fn record(&mut self, rate: f64) -> Result<()> {
        self.inner.record(rate).map_err(err)
    }
    /// The relative drop of the latest rate against the baseline's mean, or undefined.
    #[wasm_bindgen(getter)]
    pub fn drop(&self) -> Option<f64> {
        self.inner.drop()
    }
}
