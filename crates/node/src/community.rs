//! Community control: proposals, decisions, flags, bucketing.

use crate::*;
use liberation_gates as core;
use liberation_gates::governance::VoteInput;
use napi::bindgen_prelude::{Either, Object};
use napi_derive::napi;
use serde_json::Value;
// Governance, flags, bucketing ---------------------------------------------------------------

#[napi(object)]
pub struct Tally {
    pub yes: u32,
    pub no: u32,
    pub abstain: u32,
}

/// One member, one vote (SPEC §5).
#[napi]
pub struct Proposal {
    pub(crate) inner: core::governance::Proposal,
}

#[napi]
impl Proposal {
    #[napi(constructor)]
    pub fn new(
        electorate: Vec<String>,
        quorum: Either<String, f64>,
        pass_threshold: Either<String, f64>,
        opens_at: f64,
        closes_at: f64,
    ) -> Result<Self> {
        core::governance::Proposal::new(
            electorate,
            &exact_text(&quorum),
            &exact_text(&pass_threshold),
            opens_at,
            closes_at,
        )
        .map(|inner| Proposal { inner })
        .map_err(err)
    }
    /// Casts a vote; a refusal throws GovernanceError with its code and changes nothing.
    #[napi]
    pub fn cast(&mut self, t: f64, member: String, choice: String) -> Result<()> {
        self.inner
            .cast(t, &member, &choice)
            .map(|_| ())
            .map_err(err)
    }
    #[napi]
    pub fn tally(&self, now: f64) -> Tally {
        let t = self.inner.tally(now);
        Tally {
            yes: t.yes as u32,
            no: t.no as u32,
            abstain: t.abstain as u32,
        }
    }
    #[napi]
    pub fn status(&self, now: f64) -> String {
        self.inner.status(now).as_str().to_string()
    }
    /// The decision the proposal makes about `subject` at `now`, with its tally (a record to
    /// read; to authorise a change, hand over `terms(subject, action)`).
    #[napi(ts_return_type = "import('./types').CommunityDecision")]
    pub fn decision(&self, subject: String, action: String, now: f64) -> Result<Value> {
        to_value(&*self.inner.decision(subject, action, now))
    }
    /// The proposal given whole with its votes, as a decision about `subject` and `action`:
    /// what flag changes and the redeploy guard take, tallied by the core when used.
    #[napi(ts_return_type = "import('./types').ProposalTerms")]
    pub fn terms(&self, subject: String, action: String) -> Result<Value> {
        to_value(&self.inner.terms(subject, action))
    }
    /// Reads a proposal at `now` from votes in the order cast (votes after `now` are neither
    /// counted nor refused): `{status, yes, no, abstain, refused: [{index, error}]}`.
    #[napi(ts_return_type = "import('./types').ProposalReading")]
    pub fn read(
        electorate: Vec<String>,
        quorum: Either<String, f64>,
        pass_threshold: Either<String, f64>,
        opens_at: f64,
        closes_at: f64,
        #[napi(ts_arg_type = "Array<import('./types').VoteArg>")] votes: Value,
        now: f64,
    ) -> Result<Value> {
        let p = Proposal::new(electorate, quorum, pass_threshold, opens_at, closes_at)?;
        let votes: Vec<VoteInput> = json(votes, "votes").map_err(arg)?;
        to_value(&core::governance::read(p.inner, &votes, now).flat())
    }
}

/// `{decision?, actor?, t?}` read through serde: an unknown key or an unknown status is
/// refused by name.
fn change_options(options: Option<Object<'_>>) -> Result<core::flags::ChangeOptions> {
    match options {
        None => Ok(Default::default()),
        Some(o) => from_object(&o, "options"),
    }
}

/// Feature flags under community control (SPEC §6).
#[napi]
pub struct FlagSet {
    pub(crate) inner: core::flags::FlagSet,
}

#[napi]
impl FlagSet {
    /// `flags`: `[{key, kind, enabled?, intensity?, rollout_percent?}]`.
    #[napi(constructor)]
    pub fn new(#[napi(ts_arg_type = "import('./types').FlagDef[]")] flags: Value) -> Result<Self> {
        let defs: Vec<core::flags::FlagDef> =
            json(flags, "flags").map_err(|m| err(core::error::FlagError::InvalidFlag(m)))?;
        core::flags::FlagSet::new(defs)
            .map(|inner| FlagSet { inner })
            .map_err(err)
    }
    /// The platform's built-in flags.
    #[napi(factory)]
    pub fn builtin() -> Self {
        FlagSet {
            inner: core::flags::FlagSet::builtin(),
        }
    }
    /// Applies "enable", "disable" or "set_intensity".
    #[napi(ts_return_type = "import('./types').FlagState")]
    pub fn apply(
        &mut self,
        key: String,
        op: String,
        value: Option<f64>,
        #[napi(ts_arg_type = "import('./types').FlagOptions | null")] options: Option<Object<'_>>,
    ) -> Result<Value> {
        let options = change_options(options)?;
        to_value(
            &self
                .inner
                .apply_with(&key, &op, value, &options)
                .map_err(err)?,
        )
    }
    #[napi(ts_return_type = "import('./types').FlagState")]
    pub fn enable(
        &mut self,
        key: String,
        #[napi(ts_arg_type = "import('./types').FlagOptions | null")] options: Option<Object<'_>>,
    ) -> Result<Value> {
        self.apply(key, "enable".into(), None, options)
    }
    #[napi(ts_return_type = "import('./types').FlagState")]
    pub fn disable(
        &mut self,
        key: String,
        #[napi(ts_arg_type = "import('./types').FlagOptions | null")] options: Option<Object<'_>>,
    ) -> Result<Value> {
        self.apply(key, "disable".into(), None, options)
    }
    #[napi(ts_return_type = "import('./types').FlagState")]
    pub fn set_intensity(
        &mut self,
        key: String,
        value: f64,
        #[napi(ts_arg_type = "import('./types').FlagOptions | null")] options: Option<Object<'_>>,
    ) -> Result<Value> {
        self.apply(key, "set_intensity".into(), Some(value), options)
    }
    #[napi]
    pub fn is_enabled(&self, key: String) -> Result<bool> {
        self.inner.is_enabled(&key).map_err(err)
    }
    /// Enabled, and inside the flag's rollout percentage for `userId`.
    #[napi]
    pub fn is_enabled_for(&self, key: String, user_id: String) -> Result<bool> {
        self.inner.is_enabled_for(&key, &user_id).map_err(err)
    }
    #[napi]
    pub fn intensity(&self, key: String) -> Result<f64> {
        self.inner.state(&key).map(|s| s.intensity).map_err(err)
    }
    #[napi(getter)]
    pub fn keys(&self) -> Vec<String> {
        self.inner.keys().to_vec()
    }
    /// The audit log.
    #[napi(getter, ts_return_type = "import('./types').AuditEntry[]")]
    pub fn log(&self) -> Result<Value> {
        to_value(&self.inner.log())
    }
}

/// Unleash-compatible bucket of `id` in `group`: 1..=modulus.
#[napi]
pub fn bucket(id: String, group: String, modulus: Option<f64>, seed: Option<f64>) -> Result<u32> {
    core::bucket::bucket_args(&id, &group, modulus, seed).map_err(err)
}

/// Participation across closed proposals: the `governance_participation_drop` metric.
#[napi]
pub struct Participation {
    inner: core::governance::Participation,
}

#[napi]
impl Participation {
    /// A baseline of the `baseline` proposals before the latest (default 3; GovernanceError
    /// `invalid_participation` for 0).
    #[napi(constructor)]
    pub fn new(baseline: Option<u32>) -> Result<Self> {
        core::governance::Participation::with_baseline(baseline.map(|b| b as usize))
            .map(|inner| Participation { inner })
            .map_err(err)
    }
    /// Adds a closed proposal's participation rate, 0–1.
    #[napi]
    pub fn record(&mut self, rate: f64) -> Result<()> {
        self.inner.record(rate).map_err(err)
    }
    /// The relative drop of the latest rate against the baseline's mean, or null.
    #[napi(getter)]
    pub fn drop(&self) -> Option<f64> {
        self.inner.drop()
    }
}
