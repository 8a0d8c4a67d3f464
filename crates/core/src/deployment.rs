//! The liberation-safe deployment, end to end: one [`Deployment`] runs the phases of a
//! [`DeploymentPlan`] in order, takes the community's decisions only when a proposal backs
//! them, and turns every community-facing event into a durable [`Notice`].
//!
//! **Phases.** A `gate` phase (infrastructure, API gateway, business logic, integration)
//! passes on the first observation where three judges all say proceed (or alert): the phase's
//! technical and liberation checks ([`crate::plan`]), the policy's decision (SPEC §7) and the
//! health of levels 1 to the phase's `health_level` (SPEC §11; checks in observations count as
//! `up`/`down`, `health` events set any status). Level 5, liberation values, is judged by the
//! policy's liberation rules and the plan's liberation checks (a phase with `health_level = 5`
//! also reads it from the health model), so that a trauma-informed UX failure is the gentle
//! rollback the policy prescribes, not a second, harder verdict. *Rollback if ANY
//! technical OR liberation check fails*: a rollback from any judge rolls the deployment back
//! in every phase. The `canary` phase runs the progressive rollout (SPEC §8) on the worst of
//! the three actions, with consultations and gentle ramps; the `launch` phase is the last gate.
//! With the `blue_green` strategy the canary phase is the pre-promotion gate and the launch
//! phase the post-promotion watch.
//!
//! **Community authority.** Approvals of canary steps, answers to consultations, a
//! community-governed rollback and a redeploy after a liberation rollback each take a
//! decision that the deployment verifies when it is used: the id of a proposal recorded in
//! the deployment (its votes are events too), or a proposal given whole with its votes. The
//! proposal is tallied (SPEC §5) at the event's time. A hand-made `{subject, action, status}`
//! is `unverified_decision`; one about something else `decision_mismatch`; one that did not
//! pass `decision_not_passed`. Subjects and actions: `deploy:<service>` with
//! `approve:<step>`, a consultation answer (`proceed`, `rollback`, `gentle_rollback`), or
//! `rollback` / `gentle_rollback` for a community-governed rollback; `redeploy:<service>`
//! with `redeploy`.
//!
//! **Redeploys.** After a rollback the deployment waits. A technical rollback may be
//! redeployed at once; after a liberation or community rollback a redeploy needs a verified
//! passed decision and a passed re-test in staging recorded after the rollback, or it is
//! refused (a notice says what is missing).
//!
//! **Durability.** Events are applied to a copy first; only an event that applies is written
//! (to the store, when there is one) and then takes effect, so a refused event changes
//! nothing. A deployment opened on a store replays its events and ends in the state it had.
//! Notices carry ids that make redelivery harmless, and are delivered at least once.
//!
//! ```
//! use liberation_gates::deployment::{Deployment, Event, Setup};
//! let mut d = Deployment::new(Setup::builtin("events").unwrap());
//! let forged = Event::from_json(r#"{"t": 1, "redeploy": {"subject": "redeploy:events",
//!     "action": "redeploy", "status": "passed"}}"#).unwrap_err();
//! assert_eq!(forged.kind(), "unverified_decision");
//! let step = d.apply(&Event::from_json(r#"{"t": 1, "checks": {"database": false}}"#).unwrap()).unwrap();
//! assert_eq!(step.state.status.as_str(), "rolled_back");
//! assert_eq!(d.undelivered()[0].kind.as_str(), "rollback");
//! ```

use crate::error::{DeploymentError, Error, StoreError};
pub use crate::governance::ProposalTerms;
use crate::governance::{self, Decision, Proposal, ProposalStatus};
use crate::health::{HealthModel, HealthStatus, Level};
use crate::plan::{DeploymentPlan, GateAction, PhaseKind, PhaseResult, Strategy};
use crate::policy::{Action, Evaluator, Observation, Policy, PolicyDecision, Severity};
pub use crate::policy::{LiberationHealth, LiberationStatus};
use crate::rollout::{
    BlueGreen, BlueGreenStatus, ConsultationOutcome, Rollout, RolloutPlan, RolloutState,
    RolloutStatus,
};
use crate::store::Store;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::sync::Arc;

string_enum! {
    /// Where a deployment stands.
    pub enum DeploymentStatus {
        /// Moving through its phases.
        Running = "running",
        /// A gate or blue-green phase waits for the community's answer.
        Consulting = "consulting",
        /// Rolled back; waiting for a redeploy.
        RolledBack = "rolled_back",
        /// Every phase passed.
        Completed = "completed",
    }
}

string_enum! {
    /// Why a deployment was rolled back.
    pub enum RollbackCause {
        /// A technical check, rule or health level failed.
        Technical = "technical",
        /// A liberation check or rule failed, or the liberation-values health level is down.
        Liberation = "liberation",
        /// The community decided it.
        Community = "community",
    }
}

string_enum! {
    /// What a notice is about.
    pub enum NoticeKind {
        /// A phase passed.
        PhasePassed = "phase_passed",
        /// The deployment is asking the community.
        ConsultationOpened = "consultation_opened",
        /// A canary step waits for the community's approval.
        ApprovalNeeded = "approval_needed",
        /// A gentle rollback took a step down.
        RampStep = "ramp_step",
        /// The deployment was rolled back.
        Rollback = "rollback",
        /// A redeploy was refused.
        RedeployRefused = "redeploy_refused",
        /// The deployment starts again.
        Redeployed = "redeployed",
        /// Every phase passed.
        Completed = "completed",
    }
}

/// What a deployment runs: the service, its plan, the policy and the health model.
#[derive(Debug, Clone)]
pub struct Setup {
    service: String,
    plan: DeploymentPlan,
    policy: Policy,
    health: HealthModel,
    canary: RolloutPlan,
}

impl Setup {
    /// A setup; `invalid_setup` for an empty service name (the canary plan comes from the
    /// deployment plan, which validated it).
    pub fn new(
        service: &str,
        plan: DeploymentPlan,
        policy: Policy,
        health: HealthModel,
    ) -> Result<Setup, Error> {
        if service.trim().is_empty() {
            return Err(
                DeploymentError::InvalidSetup("a deployment needs a service name".into()).into(),
            );
        }
        let canary = plan.rollout_plan()?;
        Ok(Setup {
            service: service.to_string(),
            plan,
            policy,
            health,
            canary,
        })
    }

    /// [`Setup::new`] with the built-in plan, policy or health model for each one not given
    /// (what every language's `Deployment` constructor does with a null).
    pub fn or_builtin(
        service: &str,
        plan: Option<DeploymentPlan>,
        policy: Option<Policy>,
        health: Option<HealthModel>,
    ) -> Result<Setup, Error> {
        Setup::new(
            service,
            plan.unwrap_or_else(DeploymentPlan::builtin),
            policy.unwrap_or_else(Policy::builtin),
            health.unwrap_or_else(HealthModel::builtin),
        )
    }

    /// The built-in plan, policy and health model for `service`.
    pub fn builtin(service: &str) -> Result<Setup, Error> {
        Setup::or_builtin(service, None, None, None)
    }

    /// The service deployed.
    pub fn service(&self) -> &str {
        &self.service
    }

    /// The plan.
    pub fn plan(&self) -> &DeploymentPlan {
        &self.plan
    }
}

/// A community decision as an event carries it: never a bare status.
#[derive(Debug, Clone, PartialEq)]
pub enum DecisionRef {
    /// The id of a proposal recorded in the deployment.
    Proposal(String),
    /// `{"proposal": ID, "checksum": C}`: a recorded proposal and the checksum of its terms
    /// and the votes the decision was made from ([`RecordedProposal::checksum`]); any other
    /// vote, or a changed one, is `unverified_decision`.
    Pinned {
        /// The proposal's id.
        proposal: String,
        /// The checksum its state showed when the decision was named.
        checksum: String,
    },
    /// A proposal with its votes.
    Backed(ProposalTerms),
}

impl DecisionRef {
    /// Reads a decision: a proposal id (a string), `{"proposal", "checksum"}`, or a proposal
    /// with its votes (an object). An object with a `status` is a decision made by hand:
    /// `unverified_decision`.
    pub fn from_value(v: &Value) -> Result<DecisionRef, Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Pin {
            proposal: String,
            checksum: String,
        }
        match v {
            Value::String(id) => Ok(DecisionRef::Proposal(id.clone())),
            Value::Object(m) if m.contains_key("status") => Err(DeploymentError::UnverifiedDecision(
                "a decision {subject, action, status} made by hand is not proof of a vote: give the id of a recorded proposal, or the proposal with its votes".into(),
            )
            .into()),
            Value::Object(m) if m.contains_key("proposal") => {
                let p: Pin = serde_json::from_value(v.clone())
                    .map_err(|e| invalid(format!("decision: {e}")))?;
                Ok(DecisionRef::Pinned {
                    proposal: p.proposal,
                    checksum: p.checksum,
                })
            }
            Value::Object(_) => serde_json::from_value(v.clone())
                .map(DecisionRef::Backed)
                .map_err(|e| invalid(format!("decision: {e}"))),
            other => Err(invalid(format!(
                "a decision is a proposal id or a proposal with its votes, not {other}"
            ))),
        }
    }

    fn to_value(&self) -> Value {
        match self {
            DecisionRef::Proposal(id) => Value::String(id.clone()),
            DecisionRef::Pinned { proposal, checksum } => {
                json!({"proposal": proposal, "checksum": checksum})
            }
            DecisionRef::Backed(b) => serde_json::to_value(b).unwrap_or(Value::Null),
        }
    }
}

/// One input of a deployment: a line of a `deploy` events file.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// `{"t", "metrics", "checks"}`: an observation for the policy, the phase's checks and
    /// the health model.
    Observe(Observation),
    /// `{"t", "health": {check: "up" | "degraded" | "down" | null}}`.
    Health {
        /// When.
        t: f64,
        /// Statuses by check name (`None`: unknown again).
        status: Vec<(String, Option<String>)>,
    },
    /// `{"t", "proposal": {id, subject, action, electorate, quorum, pass_threshold,
    /// opens_at, closes_at}}`.
    Proposal {
        /// When.
        t: f64,
        /// The proposal.
        proposal: ProposalTerms,
    },
    /// `{"t", "vote": {"proposal", "member", "choice"}}`, cast at `t`.
    Vote {
        /// When.
        t: f64,
        /// The proposal's id.
        proposal: String,
        /// Who votes.
        member: String,
        /// `yes`, `no` or `abstain`.
        choice: String,
    },
    /// `{"t", "approve": STEP, "decision": D}`: the community approves a canary step.
    Approve {
        /// When.
        t: f64,
        /// The step index.
        step: usize,
        /// The decision (`deploy:<service>`, `approve:<step>`).
        decision: DecisionRef,
    },
    /// `{"t", "consulted": OUTCOME, "decision": D}`: the community's answer.
    Consulted {
        /// When.
        t: f64,
        /// `proceed`, `rollback` or `gentle_rollback`.
        outcome: ConsultationOutcome,
        /// The decision (`deploy:<service>`, the outcome).
        decision: DecisionRef,
    },
    /// `{"t", "community": D}`: a community-governed rollback (`deploy:<service>`,
    /// `rollback` or `gentle_rollback`).
    Community {
        /// When.
        t: f64,
        /// The decision.
        decision: DecisionRef,
    },
    /// `{"t", "staging": true | false}`: a re-test in staging after a rollback.
    Staging {
        /// When.
        t: f64,
        /// Whether it passed.
        passed: bool,
    },
    /// `{"t", "redeploy": D | null}`: start again after a rollback.
    Redeploy {
        /// When.
        t: f64,
        /// The decision (`redeploy:<service>`, `redeploy`), when one is given.
        decision: Option<DecisionRef>,
    },
    /// `{"t", "tick": true}`: the passage of time alone.
    Tick {
        /// When.
        t: f64,
    },
}

fn invalid(m: impl Into<String>) -> Error {
    DeploymentError::InvalidEvent(m.into()).into()
}

const EVENT_KEYS: &[&str] = &[
    "health",
    "proposal",
    "vote",
    "approve",
    "consulted",
    "community",
    "staging",
    "redeploy",
    "tick",
];

impl Event {
    /// Parses one line of an events file; `invalid_event` naming what was wrong (an
    /// observation line's own errors are `invalid_observation`), `unverified_decision` for a
    /// decision made by hand.
    pub fn from_json(line: &str) -> Result<Event, Error> {
        let v: Value = serde_json::from_str(line).map_err(|e| invalid(format!("not JSON: {e}")))?;
        Event::from_value(&v)
    }

    /// Reads an event from its JSON form (see [`Event`]'s variants).
    pub fn from_value(v: &Value) -> Result<Event, Error> {
        let m = v
            .as_object()
            .ok_or_else(|| invalid(format!("an event is a JSON object, not {v}")))?;
        let keys: Vec<&str> = EVENT_KEYS
            .iter()
            .copied()
            .filter(|k| m.contains_key(*k))
            .collect();
        let Some(&key) = keys.first() else {
            return Ok(Event::Observe(
                Observation::from_parts(t_of(m)?, m.get("metrics"), m.get("checks")).and_then(
                    |o| {
                        extra(m, &["t", "metrics", "checks"]).map_err(|e| {
                            crate::error::PolicyError::InvalidObservation(e.message().to_string())
                        })?;
                        Ok(o)
                    },
                )?,
            ));
        };
        if keys.len() > 1 {
            return Err(invalid(format!(
                "an event has one of {keys:?}, not several"
            )));
        }
        let t = t_of(m)?;
        let body = &m[key];
        let allowed: &[&str] = match key {
            "approve" | "consulted" => &["t", key, "decision"],
            _ => &["t", key],
        };
        extra(m, allowed)?;
        let decision = || {
            m.get("decision")
                .ok_or_else(|| invalid(format!("a {key} event needs a decision")))
                .and_then(DecisionRef::from_value)
        };
        fn de(what: &'static str) -> impl Fn(serde_json::Error) -> Error {
            move |e| invalid(format!("{what}: {e}"))
        }
        Ok(match key {
            "health" => {
                let status = match body {
                    Value::Object(s) => s
                        .iter()
                        .map(|(k, v)| match v {
                            Value::Null => Ok((k.clone(), None)),
                            Value::String(s) => Ok((k.clone(), Some(s.clone()))),
                            other => Ok((k.clone(), Some(other.to_string()))),
                        })
                        .collect::<Result<_, Error>>()?,
                    other => {
                        return Err(invalid(format!(
                            "health is an object of check name to status, not {other}"
                        )))
                    }
                };
                Event::Health { t, status }
            }
            "proposal" => Event::Proposal {
                t,
                proposal: serde_json::from_value(body.clone()).map_err(de("proposal"))?,
            },
            "vote" => {
                #[derive(Deserialize)]
                #[serde(deny_unknown_fields)]
                struct V {
                    proposal: String,
                    member: String,
                    choice: String,
                }
                let v: V = serde_json::from_value(body.clone()).map_err(de("vote"))?;
                Event::Vote {
                    t,
                    proposal: v.proposal,
                    member: v.member,
                    choice: v.choice,
                }
            }
            "approve" => Event::Approve {
                t,
                // `2.0` is step 2, as a JavaScript number arrives.
                step: body
                    .as_u64()
                    .or_else(|| {
                        body.as_f64()
                            .filter(|f| f.fract() == 0.0 && (0.0..9.0e15).contains(f))
                            .map(|f| f as u64)
                    })
                    .ok_or_else(|| invalid("approve is a step index (a whole number ≥ 0)"))?
                    as usize,
                decision: decision()?,
            },
            "consulted" => Event::Consulted {
                t,
                outcome: body
                    .as_str()
                    .ok_or_else(|| invalid("consulted is proceed, rollback or gentle_rollback"))?
                    .parse()
                    .map_err(|e: crate::error::RolloutError| invalid(e.message()))?,
                decision: decision()?,
            },
            "community" => Event::Community {
                t,
                decision: DecisionRef::from_value(body)?,
            },
            "staging" => Event::Staging {
                t,
                passed: body
                    .as_bool()
                    .ok_or_else(|| invalid("staging is true (the re-test passed) or false"))?,
            },
            "redeploy" => Event::Redeploy {
                t,
                decision: match body {
                    Value::Null => None,
                    d => Some(DecisionRef::from_value(d)?),
                },
            },
            _ => match body {
                Value::Bool(true) => Event::Tick { t },
                _ => return Err(invalid("tick is true")),
            },
        })
    }

    /// The event's JSON form, as [`Event::from_value`] reads it (and a store keeps it).
    pub fn to_value(&self) -> Value {
        let t = self.t();
        match self {
            Event::Observe(o) => json!({"t": t, "metrics": o.metrics, "checks": o.checks}),
            Event::Health { status, .. } => {
                let s: Map<String, Value> = status
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone().map_or(Value::Null, Value::String)))
                    .collect();
                json!({"t": t, "health": s})
            }
            Event::Proposal { proposal, .. } => json!({"t": t, "proposal": proposal}),
            Event::Vote {
                proposal,
                member,
                choice,
                ..
            } => {
                json!({"t": t, "vote": {"proposal": proposal, "member": member, "choice": choice}})
            }
            Event::Approve { step, decision, .. } => {
                json!({"t": t, "approve": step, "decision": decision.to_value()})
            }
            Event::Consulted {
                outcome, decision, ..
            } => json!({"t": t, "consulted": outcome.as_str(), "decision": decision.to_value()}),
            Event::Community { decision, .. } => json!({"t": t, "community": decision.to_value()}),
            Event::Staging { passed, .. } => json!({"t": t, "staging": passed}),
            Event::Redeploy { decision, .. } => {
                json!({"t": t, "redeploy": decision.as_ref().map_or(Value::Null, DecisionRef::to_value)})
            }
            Event::Tick { .. } => json!({"t": t, "tick": true}),
        }
    }

    /// The event's time.
    pub fn t(&self) -> f64 {
        match self {
            Event::Observe(o) => o.t,
            Event::Health { t, .. }
            | Event::Proposal { t, .. }
            | Event::Vote { t, .. }
            | Event::Approve { t, .. }
            | Event::Consulted { t, .. }
            | Event::Community { t, .. }
            | Event::Staging { t, .. }
            | Event::Redeploy { t, .. }
            | Event::Tick { t } => *t,
        }
    }

    /// The event's type: `observation`, or the key that names it (`health`, `vote`, …).
    pub fn kind(&self) -> &'static str {
        match self {
            Event::Observe(_) => "observation",
            Event::Health { .. } => "health",
            Event::Proposal { .. } => "proposal",
            Event::Vote { .. } => "vote",
            Event::Approve { .. } => "approve",
            Event::Consulted { .. } => "consulted",
            Event::Community { .. } => "community",
            Event::Staging { .. } => "staging",
            Event::Redeploy { .. } => "redeploy",
            Event::Tick { .. } => "tick",
        }
    }
}

fn t_of(m: &Map<String, Value>) -> Result<f64, Error> {
    m.get("t")
        .and_then(Value::as_f64)
        .filter(|t| t.is_finite())
        .ok_or_else(|| invalid("an event needs a finite numeric t"))
}

fn extra(m: &Map<String, Value>, allowed: &[&str]) -> Result<(), Error> {
    match m.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(k) => Err(invalid(format!(
            "unknown key {k:?} (this event has {allowed:?})"
        ))),
        None => Ok(()),
    }
}

/// A message the community receives, kept in the deployment's outbox until delivered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Notice {
    /// `<service>/<n>`: the same notice always has the same id, so redelivery is harmless.
    pub id: String,
    /// When it was raised.
    pub t: f64,
    /// What it is about.
    pub kind: NoticeKind,
    /// Who must hear it: `"community"`.
    pub audience: String,
    /// How serious it is.
    pub severity: Severity,
    /// The rules and checks involved.
    pub rules: Vec<String>,
    /// A plain-language message.
    pub message: String,
}

/// A rollback: when, in which phase, why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rollback {
    /// When.
    pub t: f64,
    /// The phase it happened in.
    pub phase: String,
    /// Technical, liberation or community.
    pub cause: RollbackCause,
    /// The failed checks, firing rules and failing health checks (`health:<name>`), or the
    /// community decision's subject.
    pub reasons: Vec<String>,
}

/// A deployment's state, as every language reads it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeploymentState {
    /// The service.
    pub service: String,
    /// 1 for the first run, one more for each redeploy.
    pub attempt: u32,
    /// The current phase's name (the last phase once completed).
    pub phase: String,
    /// Its index in the plan.
    pub phase_index: usize,
    /// Where the deployment stands.
    pub status: DeploymentStatus,
    /// Canary or blue-green.
    pub strategy: Strategy,
    /// The canary rollout, once the canary phase has started.
    pub canary: Option<RolloutState>,
    /// Blue-green's status, once its canary phase has started.
    pub blue_green: Option<BlueGreenStatus>,
    /// Percent of traffic on the new version.
    pub weight: u8,
    /// The last rollback, while rolled back.
    pub rollback: Option<Rollback>,
    /// What a redeploy needs now: `"decision"` (a passed `redeploy:<service>` decision),
    /// `"staging"` (a passed re-test after the rollback). Empty unless rolled back.
    pub redeploy_needs: Vec<String>,
    /// The last event's time.
    pub t: Option<f64>,
    /// The proposals recorded in the deployment, by id, read at `t`.
    pub proposals: Vec<RecordedProposal>,
    /// Each liberation rule of the policy at the last observation: creators' share,
    /// community protection, trauma-informed UX, governance participation, … (in the
    /// policy's order).
    pub liberation: Vec<LiberationStatus>,
}

/// A proposal recorded in a deployment, as its state shows it: what a decision naming it
/// would be, and the checksum that pins the votes behind it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecordedProposal {
    /// Its id.
    pub id: String,
    /// What it is about.
    pub subject: String,
    /// What it does.
    pub action: String,
    /// Its status at the deployment's last event.
    pub status: ProposalStatus,
    /// The votes counted then.
    pub tally: governance::Tally,
    /// Votes cast ÷ electorate (governance participation).
    pub participation: f64,
    /// When voting closes.
    pub closes_at: f64,
    /// SHA-256 chained over the proposal's terms and each accepted vote in order, with the
    /// store's record checksum ([`crate::store::checksum`]): first over `(GENESIS, 0,
    /// "proposal/ID", ID, terms as JSON)`, then for vote n over `(previous, n, "proposal/ID",
    /// member, {"t": T, "choice": C})`. A decision `{"proposal", "checksum"}` names exactly
    /// these votes.
    pub checksum: String,
}

/// A proposal recorded by a `proposal` event, its accepted votes and their checksum.
#[derive(Debug, Clone)]
struct Recorded {
    terms: ProposalTerms,
    proposal: Proposal,
    checksum: String,
    votes: u64,
}

/// What one event did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Step {
    /// The event's time.
    pub t: f64,
    /// The event's type ([`Event::kind`]).
    pub event: &'static str,
    /// The policy's decision, for an observation that was judged.
    pub decision: Option<PolicyDecision>,
    /// The phase's checks, for an observation that was judged.
    pub gate: Option<PhaseResult>,
    /// The verified community decision the event carried.
    pub community: Option<Decision>,
    /// Why the event was refused without being an error (a vote the proposal refuses, a
    /// redeploy that lacks what it needs).
    pub refused: Option<String>,
    /// The state after the event.
    pub state: DeploymentState,
    /// The notices the event raised.
    pub notices: Vec<Notice>,
}

/// The verdict of the three judges on one observation.
struct Verdict {
    action: Action,
    liberation: bool,
    severity: Severity,
    reasons: Vec<String>,
}

/// The deployment's state machine, without its store (cloned to apply an event safely).
#[derive(Debug, Clone)]
struct Machine {
    setup: Arc<Setup>,
    attempt: u32,
    phase: usize,
    status: DeploymentStatus,
    evaluator: Evaluator,
    health: BTreeMap<String, HealthStatus>,
    rollout: Option<Rollout>,
    blue_green: Option<BlueGreen>,
    /// The cause of a gentle rollback under way, for when its ramp ends.
    ramping: Option<Rollback>,
    rollback: Option<Rollback>,
    staging_passed: bool,
    proposals: BTreeMap<String, Recorded>,
    last_t: Option<f64>,
    /// The last observation and the policy's decision on it, for the liberation status.
    last_observed: Option<(Observation, PolicyDecision)>,
    outbox: Vec<Notice>,
}

impl Machine {
    fn new(setup: Arc<Setup>) -> Machine {
        Machine {
            evaluator: setup.policy.evaluator(),
            setup,
            attempt: 1,
            phase: 0,
            status: DeploymentStatus::Running,
            health: BTreeMap::new(),
            rollout: None,
            blue_green: None,
            ramping: None,
            rollback: None,
            staging_passed: false,
            proposals: BTreeMap::new(),
            last_t: None,
            last_observed: None,
            outbox: Vec::new(),
        }
    }

    fn service(&self) -> &str {
        &self.setup.service
    }

    fn kind(&self) -> PhaseKind {
        self.setup.plan.phases[self.phase].kind
    }

    fn phase_name(&self) -> String {
        self.setup.plan.phases[self.phase].name.clone()
    }

    fn blue_green(&self) -> bool {
        self.setup.plan.strategy == Strategy::BlueGreen
    }

    fn live(&self) -> bool {
        matches!(
            self.status,
            DeploymentStatus::Running | DeploymentStatus::Consulting
        )
    }

    fn state(&self) -> DeploymentState {
        let weight = match (self.status, self.kind()) {
            (DeploymentStatus::RolledBack, _) => 0,
            (DeploymentStatus::Completed, _) => 100,
            _ if self.blue_green() => match self.blue_green.map(|b| b.status()) {
                Some(BlueGreenStatus::Promoted | BlueGreenStatus::Completed) => 100,
                _ => 0,
            },
            (_, PhaseKind::Canary) => self.rollout.as_ref().map_or(0, |r| r.state().weight),
            (_, PhaseKind::Launch) => 100,
            (_, PhaseKind::Gate) => 0,
        };
        DeploymentState {
            service: self.service().to_string(),
            attempt: self.attempt,
            phase: self.phase_name(),
            phase_index: self.phase,
            status: self.status,
            strategy: self.setup.plan.strategy,
            canary: self.rollout.as_ref().map(Rollout::state),
            blue_green: self.blue_green.map(|b| b.status()),
            weight,
            rollback: self
                .rollback
                .clone()
                .filter(|_| self.status == DeploymentStatus::RolledBack),
            redeploy_needs: self.redeploy_needs(),
            t: self.last_t,
            proposals: self
                .proposals
                .iter()
                .map(|(id, r)| {
                    let now = self.last_t.unwrap_or(f64::NEG_INFINITY);
                    RecordedProposal {
                        id: id.clone(),
                        subject: r.terms.subject.clone(),
                        action: r.terms.action.clone(),
                        status: r.proposal.status(now),
                        tally: r.proposal.tally(now),
                        participation: r.proposal.participation(now),
                        closes_at: r.terms.closes_at,
                        checksum: r.checksum.clone(),
                    }
                })
                .collect(),
            liberation: self.liberation(),
        }
    }

    /// Each liberation rule of the policy at the last observation.
    fn liberation(&self) -> Vec<LiberationStatus> {
        let last = self.last_observed.as_ref().map(|(o, d)| (o, d));
        self.setup.policy.liberation_status(last)
    }

    fn redeploy_needs(&self) -> Vec<String> {
        match &self.rollback {
            Some(r)
                if self.status == DeploymentStatus::RolledBack
                    && r.cause != RollbackCause::Technical =>
            {
                let mut needs = vec!["decision".to_string()];
                if !self.staging_passed {
                    needs.push("staging".into());
                }
                needs
            }
            _ => Vec::new(),
        }
    }

    fn notice(
        &mut self,
        t: f64,
        kind: NoticeKind,
        severity: Severity,
        rules: Vec<String>,
        message: String,
    ) {
        let id = format!("{}/{}", self.service(), self.outbox.len() + 1);
        self.outbox.push(Notice {
            id,
            t,
            kind,
            audience: "community".into(),
            severity,
            rules,
            message,
        });
    }

    /// Verifies a community decision at `t`: backed by a proposal, about `subject` and one
    /// of `actions`, passed when tallied now.
    fn verify(
        &self,
        d: &DecisionRef,
        subject: &str,
        actions: &[&str],
        t: f64,
    ) -> Result<Decision, Error> {
        let (s, a, status, tally, closes_at) = match d {
            DecisionRef::Proposal(id) | DecisionRef::Pinned { proposal: id, .. } => {
                let r = self.proposals.get(id).ok_or_else(|| {
                    DeploymentError::UnverifiedDecision(format!(
                        "no proposal {id:?} was recorded in this deployment"
                    ))
                })?;
                if let DecisionRef::Pinned { checksum, .. } = d {
                    if *checksum != r.checksum {
                        return Err(DeploymentError::UnverifiedDecision(format!(
                            "the decision names proposal {id:?} with checksum {checksum}, but its \
                             recorded votes have checksum {}",
                            r.checksum
                        ))
                        .into());
                    }
                }
                let (s, a) = (r.terms.subject.clone(), r.terms.action.clone());
                (
                    s,
                    a,
                    r.proposal.status(t),
                    r.proposal.tally(t),
                    r.terms.closes_at,
                )
            }
            DecisionRef::Backed(b) => {
                let d = b.decide(t)?.into_record();
                let tally = d.tally.unwrap_or_default();
                (d.subject, d.action, d.status, tally, b.closes_at)
            }
        };
        if s != subject || !actions.contains(&a.as_str()) {
            return Err(DeploymentError::DecisionMismatch(format!(
                "the decision is about {s:?} {a:?}; this needs {subject:?} {}",
                actions.join(" or ")
            ))
            .into());
        }
        if status != ProposalStatus::Passed {
            return Err(DeploymentError::DecisionNotPassed(format!(
                "the proposal on {s:?} {a:?} is {status} at t={t}, not passed"
            ))
            .into());
        }
        Ok(Decision {
            subject: s,
            action: a,
            status,
            tally: Some(tally),
            closed_at: Some(closes_at),
        })
    }

    fn apply(&mut self, event: &Event) -> Result<Step, Error> {
        let t = event.t();
        if let Some(last) = self.last_t.filter(|&last| t <= last) {
            return Err(DeploymentError::OutOfOrder(format!(
                "t={t} is not after the previous event's t={last}"
            ))
            .into());
        }
        let first_notice = self.outbox.len();
        let mut step = Step {
            t,
            event: event.kind(),
            decision: None,
            gate: None,
            community: None,
            refused: None,
            state: self.state(),
            notices: Vec::new(),
        };
        let deploy = format!("deploy:{}", self.service());
        match event {
            Event::Observe(o) => self.observe(o, &mut step)?,
            Event::Health { status, .. } => {
                self.setup.health.evaluate(status)?;
                for (name, s) in status {
                    match s.as_deref().and_then(HealthStatus::parse_reported) {
                        Some(s) => self.health.insert(name.clone(), s),
                        None => self.health.remove(name),
                    };
                }
                let v = self.health_verdict();
                if v.action == Action::Rollback && self.live() {
                    self.act(t, v)?;
                }
            }
            Event::Proposal { proposal: p, .. } => {
                let Some(id) = p.id.clone() else {
                    return Err(invalid(
                        "a proposal event needs an id for decisions to name",
                    ));
                };
                if !p.votes.is_empty() {
                    return Err(invalid("a recorded proposal's votes are vote events"));
                }
                if self.proposals.contains_key(&id) {
                    return Err(invalid(format!("a proposal {id:?} was already recorded")));
                }
                let proposal = p.proposal()?;
                let terms = serde_json::to_string(p).unwrap_or_default();
                let checksum = crate::store::checksum(
                    crate::store::GENESIS,
                    0,
                    &format!("proposal/{id}"),
                    &id,
                    &terms,
                );
                self.proposals.insert(
                    id,
                    Recorded {
                        terms: p.clone(),
                        proposal,
                        checksum,
                        votes: 0,
                    },
                );
            }
            Event::Vote {
                proposal,
                member,
                choice,
                ..
            } => {
                let r = self.proposals.get_mut(proposal).ok_or_else(|| {
                    invalid(format!("a vote on {proposal:?}, which was never proposed"))
                })?;
                match r.proposal.cast(t, member, choice) {
                    Err(e) => step.refused = Some(format!("{}: {}", e.kind(), e.message())),
                    Ok(choice) => {
                        // A struct, not a map: the body's key order is fixed whatever serde_json
                        // features a build unifies.
                        #[derive(Serialize)]
                        struct Ballot<'a> {
                            t: f64,
                            choice: &'a str,
                        }
                        let ballot = Ballot {
                            t,
                            choice: choice.as_str(),
                        };
                        r.votes += 1;
                        r.checksum = crate::store::checksum(
                            &r.checksum,
                            r.votes,
                            &format!("proposal/{proposal}"),
                            member,
                            &serde_json::to_string(&ballot).unwrap_or_default(),
                        );
                    }
                }
            }
            Event::Approve {
                step: i, decision, ..
            } => {
                let action = format!("approve:{i}");
                let d = self.verify(decision, &deploy, &[&action], t)?;
                step.community = Some(d);
                let live = self.live();
                let Some(rollout) = self.rollout.as_mut().filter(|_| live) else {
                    return Err(invalid("an approval, but no canary is running"));
                };
                let before = rollout.state();
                rollout.approve(t, *i)?;
                self.after_rollout(t, before, None);
            }
            Event::Consulted {
                outcome, decision, ..
            } => {
                step.community = Some(self.verify(decision, &deploy, &[outcome.as_str()], t)?);
                self.consulted(t, *outcome)?;
            }
            Event::Community { decision, .. } => {
                let d = self.verify(decision, &deploy, &["rollback", "gentle_rollback"], t)?;
                let action = if d.action == "rollback" {
                    Action::Rollback
                } else {
                    Action::GentleRollback
                };
                step.community = Some(d);
                if self.status != DeploymentStatus::RolledBack {
                    if self.status == DeploymentStatus::Completed {
                        // The community may take back even a finished launch.
                        self.status = DeploymentStatus::Running;
                    }
                    self.community_rollback(t, action)?;
                }
            }
            Event::Staging { passed, .. } => {
                if self.status != DeploymentStatus::RolledBack {
                    return Err(invalid("a staging re-test, but nothing was rolled back"));
                }
                self.staging_passed = *passed;
            }
            Event::Redeploy { decision, .. } => {
                if self.status != DeploymentStatus::RolledBack {
                    return Err(invalid(format!(
                        "a redeploy, but the deployment is {}",
                        self.status
                    )));
                }
                let subject = format!("redeploy:{}", self.service());
                if let Some(d) = decision {
                    step.community = Some(self.verify(d, &subject, &["redeploy"], t)?);
                }
                let mut needs = self.redeploy_needs();
                if step.community.is_some() {
                    needs.retain(|n| n != "decision");
                }
                if needs.is_empty() {
                    self.redeploy(t);
                } else {
                    let r = self.rollback.clone().unwrap_or_else(|| Rollback {
                        t,
                        phase: self.phase_name(),
                        cause: RollbackCause::Community,
                        reasons: Vec::new(),
                    });
                    let what: Vec<&str> = needs
                        .iter()
                        .map(|n| match n.as_str() {
                            "decision" => "a passed community decision on redeploying it",
                            _ => "a passed re-test in staging",
                        })
                        .collect();
                    let why = format!(
                        "redeploying {} was refused: after a {} rollback it needs {}",
                        self.service(),
                        r.cause,
                        what.join(" and ")
                    );
                    self.notice(
                        t,
                        NoticeKind::RedeployRefused,
                        Severity::High,
                        r.reasons,
                        why.clone(),
                    );
                    step.refused = Some(why);
                }
            }
            Event::Tick { .. } => {
                let live = self.live();
                if let Some(rollout) = self.rollout.as_mut().filter(|_| live) {
                    let before = rollout.state();
                    rollout.tick(t)?;
                    self.after_rollout(t, before, None);
                }
            }
        }
        self.last_t = Some(t);
        step.state = self.state();
        step.notices = self.outbox[first_notice..].to_vec();
        Ok(step)
    }

    fn observe(&mut self, o: &Observation, step: &mut Step) -> Result<(), Error> {
        let decision = self.evaluator.observe(o)?;
        self.last_observed = Some((o.clone(), decision.clone()));
        for (name, ok) in &o.checks {
            if self.setup.health.checks().iter().any(|c| &c.name == name) {
                let s = if *ok {
                    HealthStatus::Up
                } else {
                    HealthStatus::Down
                };
                self.health.insert(name.clone(), s);
            }
        }
        if !self.live() {
            step.decision = Some(decision);
            return Ok(());
        }
        let phase = &self.setup.plan.phases[self.phase];
        let gate = self
            .setup
            .plan
            .phase(&phase.name)
            .map(|p| p.evaluate(o))
            .ok_or_else(|| invalid("the plan lost its phase"))?;
        let health = self.health_verdict();
        let gate_action = match gate.action {
            GateAction::Proceed => Action::Proceed,
            GateAction::Hold => Action::Hold,
            GateAction::Rollback => Action::Rollback,
        };
        let mut reasons = gate.failed.clone();
        reasons.extend(decision.reasons.iter().cloned());
        reasons.extend(health.reasons);
        let mut seen = std::collections::HashSet::new();
        reasons.retain(|r| seen.insert(r.clone()));
        let verdict = Verdict {
            action: decision.action.max(gate_action).max(health.action),
            liberation: gate.liberation_failed
                || health.liberation
                || !self.setup.policy.liberation_cause(&decision).is_empty(),
            severity: decision
                .severity
                .max(health.severity)
                .max(if gate.failed.is_empty() {
                    Severity::None
                } else {
                    Severity::High
                }),
            reasons,
        };
        step.decision = Some(decision);
        step.gate = Some(gate);
        self.act(o.t, verdict)
    }

    /// The health of the current phase's levels (1..=health_level).
    fn health_verdict(&self) -> Verdict {
        let level = self.setup.plan.phases[self.phase].health_level;
        let report = self.setup.health.evaluate_known(&self.health);
        let counts = |l: Level| l.number() <= level;
        let worst = Level::ALL
            .iter()
            .filter(|l| counts(**l))
            .fold(HealthStatus::Up, |acc, l| acc.worst(report.level(*l)));
        // The checks behind the verdict: those down when it is a rollback, else the unknown.
        let behind = if worst == HealthStatus::Down {
            HealthStatus::Down
        } else {
            HealthStatus::Unknown
        };
        let reasons = report
            .checks
            .iter()
            .filter(|c| counts(c.level) && c.counts_as == behind)
            .map(|c| format!("health:{}", c.name))
            .collect();
        Verdict {
            action: worst.action(),
            liberation: level >= 5 && report.level(Level::L5) == HealthStatus::Down,
            severity: if worst == HealthStatus::Down {
                Severity::High
            } else {
                Severity::None
            },
            reasons,
        }
    }

    /// Does what a verdict says in the current phase.
    fn act(&mut self, t: f64, v: Verdict) -> Result<(), Error> {
        let cause = if v.liberation {
            RollbackCause::Liberation
        } else {
            RollbackCause::Technical
        };
        let rollback = Rollback {
            t,
            phase: self.phase_name(),
            cause,
            reasons: v.reasons.clone(),
        };
        if self.kind() == PhaseKind::Canary && !self.blue_green() {
            if let Some(rollout) = self.rollout.as_mut() {
                let before = rollout.state();
                rollout.observe(t, v.action)?;
                let why = matches!(v.action, Action::Rollback | Action::GentleRollback)
                    .then_some((rollback, v.severity, v.reasons));
                self.after_rollout(t, before, why);
                return Ok(());
            }
        }
        let consulting = self.status == DeploymentStatus::Consulting;
        match v.action {
            Action::Rollback | Action::GentleRollback => {
                let kind = self.kind();
                if let Some(bg) = self.blue_green.as_mut() {
                    match kind {
                        PhaseKind::Canary => bg.pre_gate(t, false),
                        _ => bg.post_gate(t, false),
                    };
                }
                self.roll_back(rollback, v.severity);
            }
            _ if consulting => {}
            Action::Consult => {
                self.status = DeploymentStatus::Consulting;
                let msg = format!(
                    "{} waits for the community before going further in phase {}: {}",
                    self.service(),
                    self.phase_name(),
                    v.reasons.join(", ")
                );
                self.notice(
                    t,
                    NoticeKind::ConsultationOpened,
                    v.severity,
                    v.reasons,
                    msg,
                );
            }
            Action::Hold => {}
            Action::Proceed | Action::Alert => match (self.kind(), self.blue_green.as_mut()) {
                (PhaseKind::Canary, Some(bg)) => {
                    if bg.pre_gate(t, true) == BlueGreenStatus::Promoted {
                        self.pass_phase(t);
                    }
                }
                (PhaseKind::Launch, Some(bg)) => {
                    if bg.post_gate(t, true) == BlueGreenStatus::Completed {
                        self.pass_phase(t);
                    }
                }
                _ => self.pass_phase(t),
            },
        }
        Ok(())
    }

    /// Notices and phase changes after the canary rollout moved from `before`; `why` is the
    /// cause of a rollback or gentle rollback the event decided.
    fn after_rollout(
        &mut self,
        t: f64,
        before: RolloutState,
        why: Option<(Rollback, Severity, Vec<String>)>,
    ) {
        let Some(rollout) = self.rollout.as_ref() else {
            return;
        };
        let now = rollout.state();
        let ramps = rollout.ramp_steps().to_vec();
        if let Some((r, ..)) = &why {
            if now.status == RolloutStatus::RampingDown && self.ramping.is_none() {
                self.ramping = Some(r.clone());
            }
        }
        for s in ramps.clone() {
            let msg = if s.weight == 0 {
                format!(
                    "{} is rolled back gently: nobody sees the new version now",
                    self.service()
                )
            } else {
                format!(
                    "{} is rolled back gently: {}% of people see the new version now",
                    self.service(),
                    s.weight
                )
            };
            let rules = self
                .ramping
                .as_ref()
                .map(|r| r.reasons.clone())
                .unwrap_or_default();
            self.notice(s.t, NoticeKind::RampStep, Severity::Medium, rules, msg);
        }
        if now.status == before.status && now.step == before.step {
            return;
        }
        match now.status {
            RolloutStatus::RampingDown if before.status != RolloutStatus::RampingDown => {
                let (r, sev, _) = why.clone().unwrap_or_else(|| {
                    (
                        self.ramping
                            .clone()
                            .unwrap_or_else(|| self.community_cause(t, vec![])),
                        Severity::High,
                        vec![],
                    )
                });
                let msg = format!(
                    "{} starts a gentle rollback from {}% in phase {}: {}",
                    self.service(),
                    before.weight,
                    r.phase,
                    r.reasons.join(", ")
                );
                self.notice(t, NoticeKind::RampStep, sev, r.reasons, msg);
            }
            RolloutStatus::Consulting => {
                let (_, sev, reasons) =
                    why.unwrap_or((self.community_cause(t, vec![]), Severity::High, vec![]));
                let msg = format!(
                    "{} waits for the community at {}% of people",
                    self.service(),
                    now.weight
                );
                self.notice(t, NoticeKind::ConsultationOpened, sev, reasons, msg);
            }
            RolloutStatus::AwaitingApproval => {
                let msg = format!(
                    "step {} of the {} canary ({}% of people) is done; it goes further only with the community's approval (decision deploy:{} approve:{})",
                    now.step,
                    self.service(),
                    now.weight,
                    self.service(),
                    now.step
                );
                self.notice(t, NoticeKind::ApprovalNeeded, Severity::None, vec![], msg);
            }
            RolloutStatus::RolledBack => {
                // A gentle ramp reaches 0 at its last step's time, which may be before `t`.
                let at = ramps.last().map_or(t, |s| s.t);
                let (mut r, sev) = match (self.ramping.take(), why) {
                    (Some(r), _) => (r, Severity::High),
                    (None, Some((r, sev, _))) => (r, sev),
                    (None, None) => (self.community_cause(t, vec![]), Severity::High),
                };
                r.t = at;
                self.roll_back(r, sev);
            }
            RolloutStatus::Completed => self.pass_phase(t),
            _ => {}
        }
    }

    fn community_cause(&self, t: f64, reasons: Vec<String>) -> Rollback {
        Rollback {
            t,
            phase: self.phase_name(),
            cause: RollbackCause::Community,
            reasons,
        }
    }

    fn consulted(&mut self, t: f64, outcome: ConsultationOutcome) -> Result<(), Error> {
        if !self.live() {
            return Ok(());
        }
        if let Some(rollout) = self
            .rollout
            .as_mut()
            .filter(|_| self.setup.plan.phases[self.phase].kind == PhaseKind::Canary)
        {
            let before = rollout.state();
            rollout.consulted(t, outcome)?;
            let r = Rollback {
                t,
                phase: self.setup.plan.phases[self.phase].name.clone(),
                cause: RollbackCause::Community,
                reasons: vec![format!("deploy:{}", self.setup.service)],
            };
            self.after_rollout(
                t,
                before,
                Some((r.clone(), Severity::High, r.reasons.clone())),
            );
            return Ok(());
        }
        if self.status != DeploymentStatus::Consulting {
            return Ok(());
        }
        match outcome {
            ConsultationOutcome::Proceed => self.status = DeploymentStatus::Running,
            _ => {
                let r = self.community_cause(t, vec![format!("deploy:{}", self.service())]);
                self.roll_back(r, Severity::High);
            }
        }
        Ok(())
    }

    fn community_rollback(&mut self, t: f64, action: Action) -> Result<(), Error> {
        let reasons = vec![format!("deploy:{}", self.service())];
        if self.kind() == PhaseKind::Canary && !self.blue_green() {
            if let Some(rollout) = self.rollout.as_mut() {
                let before = rollout.state();
                rollout.observe(t, action)?;
                let r = self.community_cause(t, reasons.clone());
                self.after_rollout(t, before, Some((r, Severity::High, reasons)));
                return Ok(());
            }
        }
        let r = self.community_cause(t, reasons);
        self.roll_back(r, Severity::High);
        Ok(())
    }

    fn roll_back(&mut self, r: Rollback, severity: Severity) {
        self.status = DeploymentStatus::RolledBack;
        self.staging_passed = false;
        let because = match r.cause {
            RollbackCause::Technical => "a technical check failed",
            RollbackCause::Liberation => "a liberation check failed",
            RollbackCause::Community => "the community decided so",
        };
        let mut msg = format!(
            "{} was rolled back in phase {} because {because}",
            self.service(),
            r.phase
        );
        if !r.reasons.is_empty() {
            msg.push_str(&format!(": {}", r.reasons.join(", ")));
        }
        if r.cause != RollbackCause::Technical {
            msg.push_str("; redeploying it needs a passed community decision and a passed re-test in staging");
        }
        let severity = if r.cause == RollbackCause::Liberation {
            Severity::Critical
        } else {
            severity.max(Severity::High)
        };
        tracing::warn!(target: "liberation_gates::deployment", service = %self.setup.service, cause = %r.cause, "rolled back");
        self.notice(r.t, NoticeKind::Rollback, severity, r.reasons.clone(), msg);
        self.rollback = Some(r);
    }

    fn pass_phase(&mut self, t: f64) {
        let name = self.phase_name();
        let msg = format!(
            "phase {name} of {} passed: every technical and liberation check held",
            self.service()
        );
        self.notice(t, NoticeKind::PhasePassed, Severity::None, vec![], msg);
        if self.phase + 1 == self.setup.plan.phases.len() {
            self.status = DeploymentStatus::Completed;
            let msg = format!("{} is fully launched", self.service());
            self.notice(t, NoticeKind::Completed, Severity::None, vec![], msg);
            return;
        }
        self.phase += 1;
        self.status = DeploymentStatus::Running;
        if self.kind() == PhaseKind::Canary {
            if self.blue_green() {
                self.blue_green = Some(BlueGreen::new(self.setup.plan.watch_seconds()));
            } else {
                let rollout = Rollout::start(self.setup.canary.clone(), t);
                let before = RolloutState {
                    status: RolloutStatus::Progressing,
                    step: 0,
                    weight: 0,
                };
                self.rollout = Some(rollout);
                self.after_rollout(t, before, None);
            }
        }
    }

    fn redeploy(&mut self, t: f64) {
        let fresh = Machine::new(self.setup.clone());
        self.attempt += 1;
        self.phase = 0;
        self.status = DeploymentStatus::Running;
        self.evaluator = fresh.evaluator;
        self.health.clear();
        self.rollout = None;
        self.blue_green = None;
        self.ramping = None;
        self.rollback = None;
        self.staging_passed = false;
        let msg = format!(
            "{} is being deployed again (attempt {}), from phase {}",
            self.service(),
            self.attempt,
            self.phase_name()
        );
        self.notice(t, NoticeKind::Redeployed, Severity::None, vec![], msg);
    }
}

/// The stream a store keeps a deployment's events in.
pub fn events_stream(service: &str) -> String {
    format!("deployment/{service}")
}

/// The stream a store keeps a deployment's notices in.
pub fn notices_stream(service: &str) -> String {
    format!("notices/{service}")
}

fn delivered_key(service: &str) -> String {
    format!("notices/{service}/delivered")
}

fn delivered_count(store: &mut dyn Store, service: &str) -> Result<usize, Error> {
    match store.state(&delivered_key(service))? {
        Some(v) => Ok(v.parse::<usize>().map_err(|_| {
            StoreError::InvalidRecord(format!("the delivered count of {service} is {v:?}"))
        })?),
        None => Ok(0),
    }
}

/// A deployment: the state machine, its outbox and, optionally, the store that keeps both.
#[derive(Debug)]
pub struct Deployment {
    machine: Machine,
    store: Option<Box<dyn Store>>,
    /// Events in the store's stream: the next one's id is this plus one.
    written: usize,
    /// Notices in the store's stream (the outbox's first ones).
    notices_written: usize,
    delivered: usize,
}

impl Deployment {
    /// A deployment in memory, starting in the plan's first phase.
    pub fn new(setup: Setup) -> Deployment {
        Deployment {
            machine: Machine::new(Arc::new(setup)),
            store: None,
            written: 0,
            notices_written: 0,
            delivered: 0,
        }
    }

    /// The deployment kept in `store`, resumed: its events are replayed (a stored event that
    /// no longer applies is `store/invalid_record`), notices it raised but had not written
    /// yet are written, and delivery resumes where it stopped.
    pub fn open(setup: Setup, mut store: Box<dyn Store>) -> Result<Deployment, Error> {
        let mut machine = Machine::new(Arc::new(setup));
        let service = machine.service().to_string();
        let events = store.records(Some(&events_stream(&service)))?;
        let written = events.len();
        for r in events {
            let event = serde_json::from_str::<Value>(&r.body)
                .map_err(|e| invalid(e.to_string()))
                .and_then(|v| Event::from_value(&v))
                .and_then(|e| machine.apply(&e));
            if let Err(e) = event {
                return Err(StoreError::InvalidRecord(format!(
                    "stored event {} of {service} no longer applies: {}",
                    r.id,
                    e.message()
                ))
                .into());
            }
        }
        // The notices written must be what the rules raise again; the ones missing (a crash
        // between an event and its notices) are written now.
        let stored = store.records(Some(&notices_stream(&service)))?;
        if let Some(r) = stored
            .iter()
            .zip(&machine.outbox)
            .find(|(r, n)| r.id != n.id || r.body != to_json(n))
            .map(|(r, _)| r)
            .or_else(|| stored.get(machine.outbox.len()))
        {
            return Err(StoreError::InvalidRecord(format!(
                "stored notice {} of {service} differs from what its events raise",
                r.id
            ))
            .into());
        }
        let delivered = delivered_count(store.as_mut(), &service)?.min(machine.outbox.len());
        let mut d = Deployment {
            machine,
            store: Some(store),
            written,
            notices_written: stored.len(),
            delivered,
        };
        d.flush_notices()?;
        Ok(d)
    }

    /// A read-only view of a deployment from a dump of its whole store (the JSON lines of
    /// `liberation-gates store dump --store URL`): the dump's checksum chain is recomputed
    /// (`store/tampered` for a record changed, dropped or reordered), then the deployment's
    /// events are replayed in memory. The notices the replay raises must be the ones the
    /// dump holds (`store/duplicate_id` otherwise). Nothing is marked delivered: a dump does
    /// not carry the delivery cursor.
    pub fn from_dump(setup: Setup, text: &str) -> Result<Deployment, Error> {
        let copy = crate::store::MemoryStore::from_dump(text)?;
        let mut d = Deployment::open(setup, Box::new(copy))?;
        d.store = None;
        Ok(d)
    }

    /// In memory for `None`, else [`Deployment::open_url`] (what every language's
    /// `Deployment` constructor does with its optional store).
    pub fn in_store(setup: Setup, url: Option<&str>) -> Result<Deployment, Error> {
        match url {
            None => Ok(Deployment::new(setup)),
            Some(url) => Deployment::open_url(setup, url),
        }
    }

    /// [`Deployment::open`] on the store a URL names (`sqlite:PATH`, `postgres://…`).
    pub fn open_url(setup: Setup, url: &str) -> Result<Deployment, Error> {
        Deployment::open(setup, crate::store::open(url)?)
    }

    /// Applies one event: the state changes only if the event applies, and (with a store)
    /// only once the event is written. Errors: `deployment/…` for the event and its
    /// decision, the policy's, health model's, governance's and rollout's own, and `store/…`
    /// when the store fails (the event then did not happen).
    pub fn apply(&mut self, event: &Event) -> Result<Step, Error> {
        let mut next = self.machine.clone();
        let step = next.apply(event)?;
        if let Some(store) = self.store.as_mut() {
            let service = next.service().to_string();
            let id = format!("{:08}", self.written + 1);
            store.append(&events_stream(&service), &id, &event.to_value().to_string())?;
            self.written += 1;
        }
        // The event happened (it is written): its notices follow. One that cannot be written
        // now stays in the outbox (delivery reads it there) and is written by the next event
        // or when the deployment is opened again.
        self.machine = next;
        if let Err(e) = self.flush_notices() {
            tracing::warn!(target: "liberation_gates::deployment", error = %e, "notices not written yet");
        }
        Ok(step)
    }

    /// Writes the notices the store does not hold yet, in order.
    fn flush_notices(&mut self) -> Result<(), Error> {
        let Some(store) = self.store.as_mut() else {
            return Ok(());
        };
        let stream = notices_stream(self.machine.service());
        while let Some(n) = self.machine.outbox.get(self.notices_written) {
            store.append(&stream, &n.id, &to_json(n))?;
            self.notices_written += 1;
        }
        Ok(())
    }

    /// Applies every event of an events file's text (JSON lines; blank lines and lines
    /// starting with `#` skipped); the first error names its line and stops.
    pub fn apply_jsonl(&mut self, text: &str) -> Result<Vec<Step>, Error> {
        let mut steps = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let trimmed = line.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            let step = Event::from_json(trimmed)
                .and_then(|e| self.apply(&e))
                .map_err(|e| e.at_line(i + 1))?;
            steps.push(step);
        }
        Ok(steps)
    }

    /// The state now.
    pub fn state(&self) -> DeploymentState {
        self.machine.state()
    }

    /// The setup.
    pub fn setup(&self) -> &Setup {
        &self.machine.setup
    }

    /// Every notice raised, in order.
    pub fn notices(&self) -> &[Notice] {
        &self.machine.outbox
    }

    /// The notices not yet marked delivered, in order.
    pub fn undelivered(&self) -> &[Notice] {
        &self.machine.outbox[self.delivered..]
    }

    /// Marks the notice `id` and every one before it delivered (kept in the store when there
    /// is one); `invalid_event` for an id the deployment never raised.
    pub fn mark_delivered(&mut self, id: &str) -> Result<(), Error> {
        let i = self
            .machine
            .outbox
            .iter()
            .position(|n| n.id == id)
            .ok_or_else(|| invalid(format!("no notice {id:?} was raised")))?;
        let delivered = self.delivered.max(i + 1);
        if let Some(store) = self.store.as_mut() {
            store.put_state(
                &delivered_key(self.machine.service()),
                &delivered.to_string(),
            )?;
        }
        self.delivered = delivered;
        Ok(())
    }

    /// Delivers the undelivered notices in order through `send`, marking each delivered once
    /// `send` returns `Ok`: at least once, since a crash between the two sends it again with
    /// the same id. Stops at the first error `send` returns.
    pub fn deliver<E: From<Error>>(
        &mut self,
        mut send: impl FnMut(&Notice) -> Result<(), E>,
    ) -> Result<usize, E> {
        let pending = self.undelivered().to_vec();
        for n in &pending {
            send(n)?;
            self.mark_delivered(&n.id)?;
        }
        Ok(pending.len())
    }

    /// The store's backend, or `None` in memory.
    pub fn backend(&self) -> Option<&'static str> {
        self.store.as_ref().map(|s| s.backend())
    }
}

fn to_json<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

/// The undelivered notices a store holds for `service` (every service for `None`), in order:
/// what `liberation-gates notifications --store URL` lists.
pub fn undelivered_in(store: &mut dyn Store, service: Option<&str>) -> Result<Vec<Notice>, Error> {
    let mut out = Vec::new();
    let mut per_service: BTreeMap<String, Vec<Notice>> = BTreeMap::new();
    for r in store.records(None)? {
        let Some(s) = r.stream.strip_prefix("notices/") else {
            continue;
        };
        if service.is_some_and(|want| want != s) {
            continue;
        }
        let n: Notice = serde_json::from_str(&r.body).map_err(|e| {
            StoreError::InvalidRecord(format!("notice {} is not a notice: {e}", r.id))
        })?;
        per_service.entry(s.to_string()).or_default().push(n);
    }
    for (s, notices) in per_service {
        let delivered = delivered_count(store, &s)?;
        out.extend(notices.into_iter().skip(delivered));
    }
    Ok(out)
}
