//! Community control: decisions, proposals, flags, bucketing.

use crate::*;
use liberation_gates as core;
use liberation_gates::governance::{ProposalStatus, VoteInput};
use pyo3::prelude::*;
use std::collections::HashMap;
// ---------------------------------------------------------------------------------------
// Governance, flags, bucketing.

/// A community decision: `subject`, `action`, `status`. Only one made by
/// `Proposal.decision` (the core tallied its votes) authorises anything; one built by hand is
/// refused where it is used, with `unverified_decision`.
#[pyclass(frozen, module = "liberation_gates._native")]
#[derive(Clone)]
pub(crate) struct Decision {
    record: core::governance::Decision,
    pub(crate) arg: core::governance::DecisionArg,
}

impl From<core::governance::VerifiedDecision> for Decision {
    fn from(d: core::governance::VerifiedDecision) -> Self {
        Decision {
            record: d.record().clone(),
            arg: core::governance::DecisionArg::Verified(d),
        }
    }
}

#[pymethods]
impl Decision {
    #[new]
    fn new(subject: String, action: String, status: &str) -> PyResult<Self> {
        let status: ProposalStatus = status.parse().map_err(err)?;
        let record = core::governance::Decision::new(subject, action, status);
        Ok(Decision {
            arg: core::governance::DecisionArg::Claimed(record.clone()),
            record,
        })
    }
    #[getter]
    fn subject(&self) -> &str {
        &self.record.subject
    }
    #[getter]
    fn action(&self) -> &str {
        &self.record.action
    }
    #[getter]
    fn status(&self) -> &'static str {
        self.record.status.as_str()
    }
    #[getter]
    fn passed(&self) -> bool {
        self.record.passed()
    }
    /// Whether the core made it by tallying a proposal.
    #[getter]
    fn verified(&self) -> bool {
        self.arg.is_verified()
    }
    /// `{"yes", "no", "abstain"}` behind it, or None for one built by hand.
    #[getter]
    fn tally(&self) -> Option<HashMap<&'static str, u64>> {
        self.record.tally.map(tally_dict)
    }
    /// When voting closed, or None.
    #[getter]
    fn closed_at(&self) -> Option<f64> {
        self.record.closed_at
    }
    fn __repr__(&self) -> String {
        let (r, verified) = (
            &self.record,
            ["False", "True"][self.arg.is_verified() as usize],
        );
        let (subject, action, status) = (&r.subject, &r.action, r.status.as_str());
        format!("Decision(subject={subject:?}, action={action:?}, status={status:?}, verified={verified})")
    }
}

/// `(status, tally, [(index, kind)])`: a proposal read at a time.
type ReadingTuple = (
    &'static str,
    HashMap<&'static str, u64>,
    Vec<(usize, &'static str)>,
);

fn tally_dict(t: core::governance::Tally) -> HashMap<&'static str, u64> {
    HashMap::from([("yes", t.yes), ("no", t.no), ("abstain", t.abstain)])
}

/// One member, one vote (SPEC §5).
#[pyclass(module = "liberation_gates._native")]
pub(crate) struct Proposal {
    pub(crate) inner: core::governance::Proposal,
}
holds!(Proposal: core::governance::Proposal, FlagSet: core::flags::FlagSet);
holds!(Participation: core::governance::Participation);

#[pymethods]
impl Proposal {
    #[new]
    fn new(
        electorate: Vec<String>,
        quorum: &Bound<'_, PyAny>,
        pass_threshold: &Bound<'_, PyAny>,
        opens_at: f64,
        closes_at: f64,
    ) -> PyResult<Self> {
        let q = decimal_text(quorum, "quorum")?;
        let p = decimal_text(pass_threshold, "pass_threshold")?;
        let proposal = core::governance::Proposal::new(electorate, &q, &p, opens_at, closes_at);
        wrap(proposal)
    }
    /// Casts a vote; a refusal raises GovernanceError with its kind and changes nothing.
    fn cast(&mut self, t: f64, member: &str, choice: &str) -> PyResult<()> {
        self.inner.cast(t, member, choice).map(|_| ()).map_err(err)
    }
    /// `{"yes", "no", "abstain"}` of accepted votes cast at or before `now`.
    fn tally(&self, now: f64) -> HashMap<&'static str, u64> {
        tally_dict(self.inner.tally(now))
    }
    /// "open", "passed", "rejected" or "no_quorum".
    fn status(&self, now: f64) -> &'static str {
        self.inner.status(now).as_str()
    }
    /// The decision record at `now`.
    fn decision(&self, subject: String, action: String, now: f64) -> Decision {
        self.inner.decision(subject, action, now).into()
    }
    /// Reads a proposal at `now` from votes `[(t, member, choice)]` in the order cast: votes
    /// after `now` are neither counted nor refused. Returns
    /// `(status, {"yes", "no", "abstain"}, [(index, kind)])`.
    #[staticmethod]
    fn read(
        electorate: Vec<String>,
        quorum: &Bound<'_, PyAny>,
        pass_threshold: &Bound<'_, PyAny>,
        opens_at: f64,
        closes_at: f64,
        votes: Vec<(f64, String, String)>,
        now: f64,
    ) -> PyResult<ReadingTuple> {
        let p = Proposal::new(electorate, quorum, pass_threshold, opens_at, closes_at)?;
        let votes: Vec<VoteInput> = votes.into_iter().map(VoteInput::from).collect();
        let r = core::governance::read(p.inner, &votes, now);
        Ok((
            r.status.as_str(),
            tally_dict(r.tally),
            r.refused.iter().map(|(i, e)| (*i, e.kind())).collect(),
        ))
    }
}

/// Feature flags under community control (SPEC §6). States are `(enabled, intensity)`.
#[pyclass(module = "liberation_gates._native")]
pub(crate) struct FlagSet {
    pub(crate) inner: core::flags::FlagSet,
}

#[pymethods]
impl FlagSet {
    /// `flags`: a list of `{"key", "kind", "enabled"?, "intensity"?, "rollout_percent"?}`.
    #[new]
    fn new(flags: &Bound<'_, PyAny>) -> PyResult<Self> {
        let defs: Vec<core::flags::FlagDef> = via_json(flags, "flags")
            .map_err(|e| err(core::error::FlagError::InvalidFlag(e.to_string())))?;
        wrap(core::flags::FlagSet::new(defs))
    }
    /// The platform's built-in flags.
    #[staticmethod]
    fn builtin() -> Self {
        core::flags::FlagSet::builtin().into()
    }
    /// Applies `op` ("enable", "disable", "set_intensity"); raises FlagError on refusal.
    #[pyo3(signature = (key, op, value=None, decision=None, actor="", t=0.0))]
    fn apply(
        &mut self,
        key: &str,
        op: &str,
        value: Option<f64>,
        decision: Option<PyRef<'_, Decision>>,
        actor: &str,
        t: f64,
    ) -> PyResult<(bool, f64)> {
        let decision = decision.as_ref().map(|d| &d.arg);
        let state = self.inner.apply_arg(key, op, value, decision, actor, t);
        wrap(state.map(|s| (s.enabled, s.intensity)))
    }
    #[pyo3(signature = (key, decision=None, actor="", t=0.0))]
    fn enable(
        &mut self,
        key: &str,
        decision: Option<PyRef<'_, Decision>>,
        actor: &str,
        t: f64,
    ) -> PyResult<(bool, f64)> {
        self.apply(key, "enable", None, decision, actor, t)
    }
    #[pyo3(signature = (key, decision=None, actor="", t=0.0))]
    fn disable(
        &mut self,
        key: &str,
        decision: Option<PyRef<'_, Decision>>,
        actor: &str,
        t: f64,
    ) -> PyResult<(bool, f64)> {
        self.apply(key, "disable", None, decision, actor, t)
    }
    #[pyo3(signature = (key, value, decision=None, actor="", t=0.0))]
    fn set_intensity(
        &mut self,
        key: &str,
        value: f64,
        decision: Option<PyRef<'_, Decision>>,
        actor: &str,
        t: f64,
    ) -> PyResult<(bool, f64)> {
        self.apply(key, "set_intensity", Some(value), decision, actor, t)
    }
    fn is_enabled(&self, key: &str) -> PyResult<bool> {
        self.inner.is_enabled(key).map_err(err)
    }
    /// Enabled, and inside the flag's rollout percentage for `user_id`.
    fn is_enabled_for(&self, key: &str, user_id: &str) -> PyResult<bool> {
        self.inner.is_enabled_for(key, user_id).map_err(err)
    }
    fn intensity(&self, key: &str) -> PyResult<f64> {
        self.inner.state(key).map(|s| s.intensity).map_err(err)
    }
    #[getter]
    fn keys(&self) -> Vec<String> {
        self.inner.keys().to_vec()
    }
    /// `key` resolved as OpenFeature asks, as a dict `{value, reason, error?, message?,
    /// metadata?}`: as a boolean for the evaluation's `targeting_key`, a number
    /// (`as_type="number"`), or another type (TYPE_MISMATCH). `LiberationGatesProvider`
    /// serves these to OpenFeature's SDK.
    #[pyo3(signature = (key, targeting_key=None, as_type="boolean"))]
    fn resolve<'py>(
        &self,
        py: Python<'py>,
        key: &str,
        targeting_key: Option<&str>,
        as_type: &str,
    ) -> Out<'py> {
        to_py(py, &self.inner.resolve(key, targeting_key, as_type))
    }
    /// The audit log as a list of dicts.
    #[getter]
    fn log<'py>(&self, py: Python<'py>) -> Out<'py> {
        to_py(py, &self.inner.log())
    }
}

/// Unleash-compatible bucket of `id` in `group`: 1..=modulus.
#[pyfunction]
#[pyo3(signature = (id, group, modulus=None, seed=None))]
pub(crate) fn bucket(
    id: &str,
    group: &str,
    modulus: Option<f64>,
    seed: Option<f64>,
) -> PyResult<u32> {
    core::bucket::bucket_args(id, group, modulus, seed).map_err(err)
}

/// Reads a proposal file's text (the CLI's `vote` file): `{status, tally, refused, decision}`.
#[pyfunction]
pub(crate) fn read_proposal<'py>(py: Python<'py>, text: &str) -> Out<'py> {
    let f = core::governance::ProposalFile::parse(text).map_err(err)?;
    to_py(py, &f.read().map_err(err)?)
}

/// Participation across closed proposals: the `governance_participation_drop` metric.
#[pyclass(module = "liberation_gates._native")]
pub(crate) struct Participation {
    inner: core::governance::Participation,
}

#[pymethods]
impl Participation {
    /// A baseline of the `baseline` proposals before the latest (default 3; GovernanceError
    /// `invalid_participation` for 0).
    #[new]
    #[pyo3(signature = (baseline=None))]
    fn new(baseline: Option<usize>) -> PyResult<Self> {
        wrap(core::governance::Participation::with_baseline(baseline))
    }
    /// Adds a closed proposal's participation rate, 0–1.
    fn record(&mut self, rate: f64) -> PyResult<()> {
        self.inner.record(rate).map_err(err)
    }
    /// The relative drop of the latest rate against the baseline's mean, or None.
    #[getter]
    fn drop(&self) -> Option<f64> {
        self.inner.drop()
    }
}
