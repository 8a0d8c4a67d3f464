//! One member, one vote (SPEC §5).
//!
//! A [`Proposal`] has an electorate, a `quorum` in [0, 1] and a `pass_threshold` in [0, 1),
//! both exact decimals, and a voting period `[opens_at, closes_at)`. Votes are cast in order;
//! a refused vote leaves the tally unchanged and does not count as having voted. Refusals,
//! checked in this order: `invalid_choice`, `not_a_member`, `voting_closed`, `out_of_order`
//! (earlier than the last accepted vote), `already_voted` (the first accepted vote stands).
//!
//! Status at `now`: `open` while `now < closes_at`; then `no_quorum` if
//! `votes cast < quorum × |electorate|`; else `passed` if `yes > pass_threshold × (yes + no)`
//! (strictly; abstentions count for quorum only); else `rejected`.
//!
//! ```
//! use liberation_gates::governance::{Proposal, ProposalStatus};
//! let mut p = Proposal::new(vec!["ana".into(), "ben".into(), "chi".into()], "0.5", "0.5", 0.0, 100.0).unwrap();
//! p.cast(10.0, "ana", "yes").unwrap();
//! p.cast(20.0, "ben", "yes").unwrap();
//! assert_eq!(p.cast(30.0, "ana", "no").unwrap_err().kind(), "already_voted");
//! assert_eq!(p.status(100.0), ProposalStatus::Passed);
//! ```

use crate::error::GovernanceError;
use crate::money::DecimalStr;
use crate::split::mul_wide;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::HashSet;
use std::str::FromStr;

/// A vote's choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Choice {
    /// In favour.
    Yes,
    /// Against.
    No,
    /// Counts toward the quorum, not toward the threshold.
    Abstain,
}

impl Choice {
    /// `"yes"`, `"no"` or `"abstain"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Choice::Yes => "yes",
            Choice::No => "no",
            Choice::Abstain => "abstain",
        }
    }
}

impl FromStr for Choice {
    type Err = GovernanceError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "yes" => Ok(Choice::Yes),
            "no" => Ok(Choice::No),
            "abstain" => Ok(Choice::Abstain),
            other => Err(GovernanceError::InvalidChoice(format!(
                "unknown choice {other:?}: expected \"yes\", \"no\" or \"abstain\""
            ))),
        }
    }
}

string_enum! {
    /// Where a proposal stands.
    pub enum ProposalStatus {
        /// Voting has not closed.
        Open = "open",
        /// Closed with the quorum met and the threshold reached.
        Passed = "passed",
        /// Closed with the quorum met and the threshold not reached.
        Rejected = "rejected",
        /// Closed without enough members voting.
        NoQuorum = "no_quorum",
    }
    parse: "proposal status" => GovernanceError::InvalidStatus
}

/// An exact decimal in [0, 1]: `num / 10^scale`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Fraction {
    num: u128,
    scale: u32,
}

impl Fraction {
    fn parse(s: &str) -> Option<Fraction> {
        let d = DecimalStr::parse(s)?;
        if d.negative && !d.is_zero() {
            return None;
        }
        let scale = d.significant_places();
        if scale > 36 {
            return None;
        }
        let num = d.to_scaled(scale).ok()?;
        (num <= 10u128.pow(scale)).then_some(Fraction { num, scale })
    }

    fn is_one(&self) -> bool {
        self.num == 10u128.pow(self.scale)
    }

    /// Whether `count < self × n`, exactly (256-bit products).
    fn exceeds(&self, count: u128, n: u128) -> bool {
        mul_wide(count, 10u128.pow(self.scale)) < mul_wide(self.num, n)
    }

    /// Whether `count > self × n`, exactly.
    fn below(&self, count: u128, n: u128) -> bool {
        mul_wide(count, 10u128.pow(self.scale)) > mul_wide(self.num, n)
    }
}

/// Counts of accepted votes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    /// Votes in favour.
    pub yes: u64,
    /// Votes against.
    pub no: u64,
    /// Abstentions.
    pub abstain: u64,
}

impl Tally {
    /// Every accepted vote, abstentions included.
    pub fn cast(&self) -> u64 {
        self.yes + self.no + self.abstain
    }
}

/// An accepted vote.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Vote {
    /// When the vote was cast.
    pub t: f64,
    /// Who cast it.
    pub member: String,
    /// The choice.
    pub choice: Choice,
}

/// A proposal and the votes accepted so far.
#[derive(Debug, Clone)]
pub struct Proposal {
    electorate: Vec<String>,
    members: HashSet<String>,
    quorum: Fraction,
    pass_threshold: Fraction,
    quorum_text: String,
    pass_threshold_text: String,
    opens_at: f64,
    closes_at: f64,
    accepted: Vec<Vote>,
    voted: HashSet<String>,
}

impl Proposal {
    /// Validates and opens a proposal. Errors, the first in this order: `empty_electorate`,
    /// `duplicate_member`, `invalid_quorum` (not a decimal in [0, 1]), `invalid_threshold`
    /// (not a decimal in [0, 1)), `invalid_period` (`closes_at ≤ opens_at`).
    pub fn new(
        electorate: Vec<String>,
        quorum: &str,
        pass_threshold: &str,
        opens_at: f64,
        closes_at: f64,
    ) -> Result<Self, GovernanceError> {
        if electorate.is_empty() {
            return Err(GovernanceError::EmptyElectorate(
                "a proposal needs at least one member".into(),
            ));
        }
        let mut members = HashSet::with_capacity(electorate.len());
        for m in &electorate {
            if !members.insert(m.clone()) {
                return Err(GovernanceError::DuplicateMember(format!(
                    "member {m:?} appears twice in the electorate"
                )));
            }
        }
        let q = Fraction::parse(quorum).ok_or_else(|| {
            GovernanceError::InvalidQuorum(format!("quorum {quorum:?} must be a decimal in [0, 1]"))
        })?;
        let p = Fraction::parse(pass_threshold)
            .filter(|f| !f.is_one())
            .ok_or_else(|| {
                GovernanceError::InvalidThreshold(format!(
                    "pass_threshold {pass_threshold:?} must be a decimal in [0, 1)"
                ))
            })?;
        if !(opens_at.is_finite() && closes_at.is_finite() && closes_at > opens_at) {
            return Err(GovernanceError::InvalidPeriod(format!(
                "closes_at ({closes_at}) must be after opens_at ({opens_at})"
            )));
        }
        Ok(Proposal {
            electorate,
            members,
            quorum: q,
            pass_threshold: p,
            quorum_text: quorum.to_string(),
            pass_threshold_text: pass_threshold.to_string(),
            opens_at,
            closes_at,
            accepted: Vec::new(),
            voted: HashSet::new(),
        })
    }

    /// The electorate, in the order given.
    pub fn electorate(&self) -> &[String] {
        &self.electorate
    }

    /// `(quorum, pass_threshold)` as given.
    pub fn ratios(&self) -> (&str, &str) {
        (&self.quorum_text, &self.pass_threshold_text)
    }

    /// `(opens_at, closes_at)`.
    pub fn period(&self) -> (f64, f64) {
        (self.opens_at, self.closes_at)
    }

    /// The accepted votes, in order.
    pub fn votes(&self) -> &[Vote] {
        &self.accepted
    }

    /// Casts a vote at `t`. Refusals leave everything unchanged (see the module docs).
    pub fn cast(&mut self, t: f64, member: &str, choice: &str) -> Result<Choice, GovernanceError> {
        let choice: Choice = choice.parse()?;
        if !self.members.contains(member) {
            return Err(GovernanceError::NotAMember(format!(
                "{member:?} is not in the electorate"
            )));
        }
        if !t.is_finite() {
            return Err(GovernanceError::InvalidTime(format!(
                "vote time must be finite, got {t}"
            )));
        }
        if t < self.opens_at || t >= self.closes_at {
            return Err(GovernanceError::VotingClosed(format!(
                "vote at t={t} is outside the voting period [{}, {})",
                self.opens_at, self.closes_at
            )));
        }
        if let Some(last) = self.accepted.last() {
            if t < last.t {
                return Err(GovernanceError::OutOfOrder(format!(
                    "vote at t={t} is earlier than the last accepted vote at t={}",
                    last.t
                )));
            }
        }
        if self.voted.contains(member) {
            return Err(GovernanceError::AlreadyVoted(format!(
                "{member:?} has already voted; the first vote stands"
            )));
        }
        self.voted.insert(member.to_string());
        self.accepted.push(Vote {
            t,
            member: member.to_string(),
            choice,
        });
        Ok(choice)
    }

    /// The tally of accepted votes cast at or before `now`.
    pub fn tally(&self, now: f64) -> Tally {
        let mut tally = Tally::default();
        for v in self.accepted.iter().take_while(|v| v.t <= now) {
            match v.choice {
                Choice::Yes => tally.yes += 1,
                Choice::No => tally.no += 1,
                Choice::Abstain => tally.abstain += 1,
            }
        }
        tally
    }

    /// The status at `now`.
    pub fn status(&self, now: f64) -> ProposalStatus {
        if now < self.closes_at {
            return ProposalStatus::Open;
        }
        let t = self.tally(now);
        if self
            .quorum
            .exceeds(t.cast() as u128, self.electorate.len() as u128)
        {
            ProposalStatus::NoQuorum
        } else if self
            .pass_threshold
            .below(t.yes as u128, (t.yes + t.no) as u128)
        {
            ProposalStatus::Passed
        } else {
            ProposalStatus::Rejected
        }
    }

    /// Participation at `now`: votes cast ÷ electorate size.
    pub fn participation(&self, now: f64) -> f64 {
        self.tally(now).cast() as f64 / self.electorate.len() as f64
    }

    /// The decision at `now`, for `subject` and `action`, tallied by the core.
    pub fn decision(
        &self,
        subject: impl Into<String>,
        action: impl Into<String>,
        now: f64,
    ) -> VerifiedDecision {
        VerifiedDecision(Decision {
            subject: subject.into(),
            action: action.into(),
            status: self.status(now),
            tally: Some(self.tally(now)),
            closed_at: (now >= self.closes_at).then_some(self.closes_at),
        })
    }

    /// The proposal given whole, with its accepted votes, as a decision about `subject` and
    /// `action` that a dynamic language can hand over ([`DecisionArg::Backed`]).
    pub fn terms(&self, subject: impl Into<String>, action: impl Into<String>) -> ProposalTerms {
        ProposalTerms {
            id: None,
            subject: subject.into(),
            action: action.into(),
            electorate: self.electorate.clone(),
            quorum: self.quorum_text.clone(),
            pass_threshold: self.pass_threshold_text.clone(),
            opens_at: self.opens_at,
            closes_at: self.closes_at,
            votes: self
                .accepted
                .iter()
                .map(|v| VoteInput {
                    t: v.t,
                    member: v.member.clone(),
                    choice: v.choice.as_str().to_string(),
                })
                .collect(),
        }
    }
}

/// A vote as it arrives from data, for [`read`]. An unknown field (a `weight`, say) is
/// refused rather than ignored: every member's vote counts the same.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VoteInput {
    /// When the vote was cast.
    pub t: f64,
    /// Who cast it.
    pub member: String,
    /// `"yes"`, `"no"` or `"abstain"`.
    pub choice: String,
}

/// A vote as `(t, member, choice)`.
impl From<(f64, String, String)> for VoteInput {
    fn from((t, member, choice): (f64, String, String)) -> Self {
        VoteInput { t, member, choice }
    }
}

/// The reading of a proposal at `now` from its votes in the order cast.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reading {
    /// The proposal's status at the time read.
    pub status: ProposalStatus,
    /// The votes counted.
    pub tally: Tally,
    /// Refused votes: their index in the input and why.
    pub refused: Vec<(usize, GovernanceError)>,
}

impl Reading {
    /// The reading in the vectors' flat shape, as the JavaScript packages return it:
    /// `{status, yes, no, abstain, refused: [{index, error}]}` (the error its kind).
    pub fn flat(&self) -> FlatReading {
        FlatReading {
            status: self.status,
            yes: self.tally.yes,
            no: self.tally.no,
            abstain: self.tally.abstain,
            refused: (self.refused.iter())
                .map(|(index, e)| Refusal {
                    index: *index,
                    error: e.kind(),
                })
                .collect(),
        }
    }
}

/// A [`Reading`] with its tally spread out and each refusal named by kind.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FlatReading {
    /// The proposal's status at the time read.
    pub status: ProposalStatus,
    /// Votes for.
    pub yes: u64,
    /// Votes against.
    pub no: u64,
    /// Abstentions.
    pub abstain: u64,
    /// Refused votes.
    pub refused: Vec<Refusal>,
}

/// A refused vote: its index in the input and the error's kind.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Refusal {
    /// The vote's index in the order cast.
    pub index: usize,
    /// The error's kind (`already_voted`, `not_eligible`, …).
    pub error: &'static str,
}

/// Reads a proposal at `now`: votes with `t > now` have not happened yet and are neither
/// counted nor refused; the others are cast in order.
pub fn read(mut proposal: Proposal, votes: &[VoteInput], now: f64) -> Reading {
    let refused = cast_until(&mut proposal, votes, now);
    Reading {
        status: proposal.status(now),
        tally: proposal.tally(now),
        refused,
    }
}

/// Casts the votes with `t ≤ now` in order; the refused ones, by index.
fn cast_until(
    proposal: &mut Proposal,
    votes: &[VoteInput],
    now: f64,
) -> Vec<(usize, GovernanceError)> {
    votes
        .iter()
        .enumerate()
        .filter(|(_, v)| v.t <= now)
        .filter_map(|(i, v)| {
            proposal
                .cast(v.t, &v.member, &v.choice)
                .err()
                .map(|e| (i, e))
        })
        .collect()
}

/// A proposal file as the CLI's `vote` and every binding read it: the proposal's terms, the
/// votes in the order cast, the time to read it at, and optionally the subject and action of
/// the decision it makes (see `examples/proposal.json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProposalFile {
    /// What the decision is about (`"flag:democratic_governance"`).
    #[serde(default)]
    pub subject: Option<String>,
    /// What the decision does (`"enable"`).
    #[serde(default)]
    pub action: Option<String>,
    /// Who may vote.
    pub electorate: Vec<String>,
    /// The share of the electorate that must vote (a decimal string).
    pub quorum: String,
    /// The share of yes among yes and no that passes (a decimal string).
    pub pass_threshold: String,
    /// When voting opens.
    pub opens_at: f64,
    /// When voting closes.
    pub closes_at: f64,
    /// The votes, in the order cast.
    #[serde(default)]
    pub votes: Vec<VoteInput>,
    /// The time to read the proposal at.
    pub now: f64,
}

/// A proposal file's reading: the [`Reading`], and the decision when the file names a
/// subject and an action.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FileReading {
    /// Status, tally and refused votes.
    #[serde(flatten)]
    pub reading: Reading,
    /// The decision record, when the file names its subject and action.
    pub decision: Option<Decision>,
}

impl ProposalFile {
    /// Parses a proposal file (JSON); `invalid_proposal` naming what was wrong when it is not
    /// one (not JSON, a missing or unknown field, a value of the wrong type).
    ///
    /// ```
    /// use liberation_gates::governance::ProposalFile;
    /// let f = ProposalFile::parse(r#"{"electorate": ["a", "b"], "quorum": "0.5",
    ///   "pass_threshold": "0.5", "opens_at": 0, "closes_at": 10,
    ///   "votes": [{"t": 1, "member": "a", "choice": "yes"}], "now": 10,
    ///   "subject": "flag:x", "action": "enable"}"#).unwrap();
    /// let r = f.read().unwrap();
    /// assert_eq!(r.decision.unwrap().status.as_str(), "passed");
    /// ```
    pub fn parse(text: &str) -> Result<ProposalFile, GovernanceError> {
        crate::policy::parse_as(text, crate::policy::Format::Json)
            .map_err(|e| GovernanceError::InvalidProposal(format!("not a proposal file: {e}")))
    }

    /// Builds the proposal (its own errors: `empty_electorate`, `invalid_quorum`, …) and reads
    /// it at `now`.
    pub fn read(&self) -> Result<FileReading, GovernanceError> {
        let p = Proposal::new(
            self.electorate.clone(),
            &self.quorum,
            &self.pass_threshold,
            self.opens_at,
            self.closes_at,
        )?;
        let reading = read(p, &self.votes, self.now);
        let decision = match (&self.subject, &self.action) {
            (Some(s), Some(a)) => Some(Decision::new(s.clone(), a.clone(), reading.status)),
            _ => None,
        };
        Ok(FileReading { reading, decision })
    }
}

impl Serialize for GovernanceError {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.kind())
    }
}

/// The record of a proposal's outcome, accepted by other modules as proof of a community
/// decision, e.g. `{"subject": "flag:creator_sovereignty_enforcement", "action": "disable",
/// "status": "passed"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    /// What the decision is about (`"flag:democratic_governance"`, `"redeploy:events"`).
    pub subject: String,
    /// What it does (`"enable"`, `"redeploy"`, …).
    pub action: String,
    /// The proposal's outcome; only `passed` authorises anything.
    pub status: ProposalStatus,
    /// The votes behind it, when recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tally: Option<Tally>,
    /// When voting closed, when recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(alias = "closedAt")]
    pub closed_at: Option<f64>,
}

impl Decision {
    /// A decision record with no tally attached.
    pub fn new(
        subject: impl Into<String>,
        action: impl Into<String>,
        status: ProposalStatus,
    ) -> Self {
        Decision {
            subject: subject.into(),
            action: action.into(),
            status,
            tally: None,
            closed_at: None,
        }
    }

    /// Whether the community passed it.
    pub fn passed(&self) -> bool {
        self.status == ProposalStatus::Passed
    }
}

/// A decision as a dynamic language passes it, `{subject, action, status}`, its status as
/// text; [`DecisionInput::decision`] reads it (`invalid_status` for an unknown status).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecisionInput {
    /// What the decision is about.
    pub subject: String,
    /// What it does.
    pub action: String,
    /// `"open"`, `"passed"`, `"rejected"` or `"no_quorum"`.
    pub status: String,
    /// The votes behind it, when recorded (as [`Decision`] gives them out).
    #[serde(default)]
    pub tally: Option<Tally>,
    /// When voting closed, when recorded.
    #[serde(default, alias = "closedAt")]
    pub closed_at: Option<f64>,
}

impl DecisionInput {
    /// The decision record, with its tally and closing time when given.
    pub fn decision(&self) -> Result<Decision, GovernanceError> {
        Ok(Decision {
            subject: self.subject.clone(),
            action: self.action.clone(),
            status: self.status.parse()?,
            tally: self.tally,
            closed_at: self.closed_at,
        })
    }
}

/// A proposal given whole: what it decides, its terms (SPEC §5) and its votes. This is how a
/// dynamic language proves a community decision ([`DecisionArg::Backed`]): the core tallies
/// the votes itself when the decision is used. In a deployment a `proposal` event records one
/// under its `id` (its votes are `vote` events then).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProposalTerms {
    /// The id that decisions name (a recorded proposal).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// What it is about (`"deploy:events"`).
    pub subject: String,
    /// What it does (`"approve:0"`, `"rollback"`, `"redeploy"`).
    pub action: String,
    /// Who may vote.
    pub electorate: Vec<String>,
    /// The share of the electorate that must vote (a decimal string).
    pub quorum: String,
    /// The share of yes among yes and no that passes (a decimal string).
    #[serde(alias = "passThreshold")]
    pub pass_threshold: String,
    /// When voting opens.
    #[serde(alias = "opensAt")]
    pub opens_at: f64,
    /// When voting closes.
    #[serde(alias = "closesAt")]
    pub closes_at: f64,
    /// The votes, in the order cast (a decision given whole).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub votes: Vec<VoteInput>,
}

impl ProposalTerms {
    /// The proposal, validated (SPEC §5's whole-proposal errors), with no votes cast.
    pub fn proposal(&self) -> Result<Proposal, crate::error::GovernanceError> {
        Proposal::new(
            self.electorate.clone(),
            &self.quorum,
            &self.pass_threshold,
            self.opens_at,
            self.closes_at,
        )
    }

    /// The decision this proposal makes at `now`: its votes cast in order (refused votes do
    /// not count, as in [`read`]) and tallied by the core. The proposal's own errors
    /// (`empty_electorate`, `invalid_quorum`, …) when its terms are invalid.
    pub fn decide(&self, now: f64) -> Result<VerifiedDecision, GovernanceError> {
        let mut p = self.proposal()?;
        cast_until(&mut p, &self.votes, now);
        Ok(p.decision(self.subject.clone(), self.action.clone(), now))
    }
}

/// A community decision the core made itself, by tallying a proposal's votes
/// ([`Proposal::decision`], [`ProposalTerms::decide`]): the only proof of a vote that
/// vote-gated flag changes ([`crate::flags`]) and the redeploy guard
/// ([`crate::rollout::RedeployGuard`]) accept. It cannot be built by hand or changed; read
/// its record through [`VerifiedDecision::record`] (or `Deref`).
///
/// ```
/// use liberation_gates::governance::Proposal;
/// let mut p = Proposal::new(vec!["ana".into(), "ben".into()], "0.5", "0.5", 0.0, 10.0).unwrap();
/// p.cast(1.0, "ana", "yes").unwrap();
/// let d = p.decision("flag:democratic_governance", "disable", 10.0);
/// assert!(d.passed());
/// assert_eq!(d.tally.unwrap().yes, 1);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(transparent)]
pub struct VerifiedDecision(Decision);

impl VerifiedDecision {
    /// The decision record.
    pub fn record(&self) -> &Decision {
        &self.0
    }

    /// The decision record, owned.
    pub fn into_record(self) -> Decision {
        self.0
    }
}

impl std::ops::Deref for VerifiedDecision {
    type Target = Decision;
    fn deref(&self) -> &Decision {
        &self.0
    }
}

/// A decision as a dynamic language hands it over, before the core has checked it.
#[derive(Debug, Clone, PartialEq)]
pub enum DecisionArg {
    /// Made by the core from a proposal (Python's `Proposal.decision`).
    Verified(VerifiedDecision),
    /// A proposal given whole with its votes, tallied when the decision is used.
    Backed(ProposalTerms),
    /// A `{subject, action, status}` made by hand: not proof of a vote.
    Claimed(Decision),
}

impl DecisionArg {
    /// Reads a decision value: an object with a `status` is a record made by hand
    /// ([`DecisionArg::Claimed`]; `invalid_status` for an unknown status); any other object is a
    /// proposal given whole ([`ProposalTerms`]; `invalid_proposal` naming what was wrong).
    pub fn from_value(v: &Value) -> Result<DecisionArg, GovernanceError> {
        match v {
            Value::Object(m) if m.contains_key("status") => {
                let d: DecisionInput = serde_json::from_value(v.clone())
                    .map_err(|e| GovernanceError::InvalidProposal(format!("decision: {e}")))?;
                Ok(DecisionArg::Claimed(d.decision()?))
            }
            Value::Object(_) => serde_json::from_value(v.clone())
                .map(DecisionArg::Backed)
                .map_err(|e| GovernanceError::InvalidProposal(format!("decision: {e}"))),
            other => Err(GovernanceError::InvalidProposal(format!(
                "a decision is a proposal with its votes, not {other}"
            ))),
        }
    }

    /// Whether the core made it (a proposal given whole is verified when it is used).
    pub fn is_verified(&self) -> bool {
        !matches!(self, DecisionArg::Claimed(_))
    }

    /// The decision at `now`, verified: a decision the core made is taken as it is, a
    /// proposal given whole is tallied at `now`, and a record made by hand is refused with
    /// the error `unverified` builds (each caller's family has an `unverified_decision`).
    pub fn verify(
        &self,
        now: f64,
        unverified: impl FnOnce(String) -> crate::Error,
    ) -> Result<VerifiedDecision, crate::Error> {
        match self {
            DecisionArg::Verified(d) => Ok(d.clone()),
            DecisionArg::Backed(terms) => Ok(terms.decide(now)?),
            DecisionArg::Claimed(d) => Err(unverified(format!(
                "the decision on {:?} {:?} was made by hand, not tallied from a proposal: hand \
                 over the proposal with its votes (its terms) or the decision the core made from it",
                d.subject, d.action
            ))),
        }
    }
}

/// Participation across closed proposals, and the `governance_participation_drop` metric the
/// default policy's `participation_drop` rule reads: the relative drop of the latest
/// participation rate against the mean of the `baseline` proposals before it.
#[derive(Debug, Clone)]
pub struct Participation {
    rates: Vec<f64>,
    baseline: usize,
}

impl Default for Participation {
    /// A baseline of [`Participation::DEFAULT_BASELINE`] proposals. (A derived default had a
    /// baseline of 0, which `new` refuses.)
    fn default() -> Self {
        Participation {
            rates: Vec::new(),
            baseline: Self::DEFAULT_BASELINE,
        }
    }
}

impl Participation {
    /// The baseline when none is given: the 3 proposals before the latest.
    pub const DEFAULT_BASELINE: usize = 3;

    /// [`Participation::new`] with the baseline a language passes: `None` for the default.
    pub fn with_baseline(baseline: Option<usize>) -> Result<Self, GovernanceError> {
        Self::new(baseline.unwrap_or(Self::DEFAULT_BASELINE))
    }

    /// Tracks participation with a baseline of the `baseline` proposals before the latest;
    /// `invalid_participation` for a baseline of 0.
    pub fn new(baseline: usize) -> Result<Self, GovernanceError> {
        if baseline == 0 {
            return Err(GovernanceError::InvalidParticipation(
                "the baseline must count at least one proposal".into(),
            ));
        }
        Ok(Participation {
            rates: Vec::new(),
            baseline,
        })
    }

    /// Adds a closed proposal's participation rate (votes cast ÷ electorate);
    /// `invalid_participation` unless it is a number in `[0, 1]` (nothing is recorded then).
    pub fn record(&mut self, rate: f64) -> Result<(), GovernanceError> {
        if !(0.0..=1.0).contains(&rate) {
            return Err(GovernanceError::InvalidParticipation(format!(
                "a participation rate is a number from 0 to 1, got {rate}"
            )));
        }
        self.rates.push(rate);
        Ok(())
    }

    /// Adds a proposal read at `now` (its participation at that time).
    pub fn record_proposal(&mut self, p: &Proposal, now: f64) -> Result<(), GovernanceError> {
        self.record(p.participation(now))
    }

    /// `(baseline − latest) / baseline`, or `None` with fewer than two proposals or a zero
    /// baseline. Positive when participation fell; 0.6 means a 60% drop.
    pub fn drop(&self) -> Option<f64> {
        let (latest, before) = self.rates.split_last()?;
        let window = &before[before.len().saturating_sub(self.baseline)..];
        if window.is_empty() {
            return None;
        }
        let base = window.iter().sum::<f64>() / window.len() as f64;
        (base > 0.0).then(|| (base - latest) / base)
    }
}
