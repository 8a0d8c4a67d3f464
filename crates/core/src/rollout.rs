//! Progressive canary with validation gates (SPEC §8), and blue-green promotion.
//!
//! A plan is a list of steps `{weight, bake_seconds, approval}`: whole percents, strictly
//! increasing, the last 100. The default plan is 5% / 1 day / approval, 25% / 2 h / approval,
//! 75% / 2 h / approval, 100% / 0 s.
//!
//! **Settling at `t`** (whenever `progressing`): while `t − step_started ≥ bake_seconds` the
//! step is done — if it needs an approval not yet recorded the rollout awaits it; if it is the
//! last step the rollout is completed; else the next step starts at `t`.
//!
//! **Consultations** wait for the community: a `consult` decision moves the rollout to
//! `consulting`, and only the community's answer ([`Rollout::consulted`]) or a `rollback` /
//! `gentle_rollback` decision ends it — never `proceed`, `alert` or `hold`.
//!
//! **Gentle rollbacks** ramp down: the rollout steps back through the plan's earlier weights,
//! one step per `gentle_step_seconds` (default 300), then rolls back, so users can be told
//! before anything disappears ([`Rollout::ramp_steps`] lists the steps an event caught up on).
//!
//! ```
//! use liberation_gates::policy::Action;
//! use liberation_gates::rollout::{Rollout, RolloutPlan, RolloutStatus};
//! let mut r = Rollout::start(RolloutPlan::default(), 0.0);
//! assert_eq!(r.observe(86_400.0, Action::Proceed).unwrap().status, RolloutStatus::AwaitingApproval);
//! let s = r.approve(86_500.0, 0).unwrap();
//! assert_eq!((s.step, s.weight), (1, 25));
//! ```

use crate::error::RolloutError;
use crate::governance::{DecisionArg, VerifiedDecision};
use crate::num::Num;
use crate::policy::{Action, Policy, PolicyDecision};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// One step of a plan.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Step {
    /// Percent of traffic on the new version during this step.
    pub weight: u8,
    /// How long the step must run, seconds.
    pub bake_seconds: f64,
    /// Whether the community must approve before moving on.
    pub approval: bool,
}

/// A step as it arrives from data (`weight` may be `5` or `5.0`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StepInput {
    /// Percent of traffic on the new version, a whole number 0–100.
    pub weight: Num,
    /// How long the step must run cleanly before the next, seconds.
    #[serde(alias = "bakeSeconds")]
    pub bake_seconds: f64,
    /// Whether moving past this step needs a community approval.
    #[serde(default)]
    pub approval: bool,
}

/// How long a gentle rollback stays on each step on its way down, by default (SPEC §8).
pub const DEFAULT_GENTLE_STEP_SECONDS: f64 = 300.0;

/// A validated plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RolloutPlan {
    steps: Vec<Step>,
    /// How long a gentle rollback keeps each earlier step's weight on its way to 0 (≥ 0).
    gentle_step_seconds: f64,
}

impl Default for RolloutPlan {
    /// 5% for a day, then 25% and 75% for two hours each, each needing approval; then 100%.
    fn default() -> Self {
        let s = |weight, bake_seconds, approval| Step {
            weight,
            bake_seconds,
            approval,
        };
        RolloutPlan {
            steps: vec![
                s(5, 86_400.0, true),
                s(25, 7_200.0, true),
                s(75, 7_200.0, true),
                s(100, 0.0, false),
            ],
            gentle_step_seconds: DEFAULT_GENTLE_STEP_SECONDS,
        }
    }
}

/// A rollout plan file as the CLI and every binding read it (TOML, YAML or JSON):
/// `{"steps": [{"weight", "bake_seconds", "approval"}], "gentle_step_seconds": 300}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(description = "A rollout plan: the canary's steps in order (SPEC §8).")]
pub struct PlanFile {
    /// The steps, in order.
    pub steps: Vec<StepInput>,
    /// How long a gentle rollback stays on each step on its way down (default 300 s).
    #[serde(default)]
    pub gentle_step_seconds: Option<f64>,
}

impl RolloutPlan {
    /// Reads a rollout plan file (see [`PlanFile`]); `invalid_plan` naming what was wrong.
    ///
    /// ```
    /// use liberation_gates::policy::Format;
    /// use liberation_gates::rollout::RolloutPlan;
    /// let p = RolloutPlan::parse(r#"{"steps": [{"weight": 100, "bake_seconds": 0}]}"#, Format::Json).unwrap();
    /// assert_eq!(p.steps().len(), 1);
    /// let e = RolloutPlan::parse(r#"{"steps": [], "speed": 2}"#, Format::Json).unwrap_err();
    /// assert_eq!(e.kind(), "invalid_plan");
    /// ```
    pub fn parse(text: &str, format: crate::policy::Format) -> Result<RolloutPlan, RolloutError> {
        let file: PlanFile = crate::policy::parse_as(text, format)
            .map_err(|e| RolloutError::InvalidPlan(format!("not a rollout plan: {e}")))?;
        RolloutPlan::new(file.steps)?.gentle(file.gentle_step_seconds)
    }

    /// A plan from its parts as the bindings receive them: `steps` read through any serde
    /// deserializer (`None` for the default plan) and an optional gentle-ramp step time.
    pub fn from_parts<'de, D: serde::Deserializer<'de>>(
        steps: Option<D>,
        gentle_step_seconds: Option<f64>,
    ) -> Result<RolloutPlan, RolloutError> {
        let plan = match steps {
            None => RolloutPlan::default(),
            Some(d) => RolloutPlan::new(
                Vec::<StepInput>::deserialize(d)
                    .map_err(|e| RolloutError::InvalidPlan(format!("steps: {e}")))?,
            )?,
        };
        plan.gentle(gentle_step_seconds)
    }

    fn gentle(self, seconds: Option<f64>) -> Result<RolloutPlan, RolloutError> {
        match seconds {
            Some(g) => self.with_gentle_step_seconds(g),
            None => Ok(self),
        }
    }

    /// `invalid_plan` unless there is at least one step, weights are whole percents in
    /// 0..=100, strictly increasing, the last 100, and every `bake_seconds ≥ 0`.
    pub fn new(steps: Vec<StepInput>) -> Result<Self, RolloutError> {
        let bad = |m: String| RolloutError::InvalidPlan(m);
        if steps.is_empty() {
            return Err(bad("a plan needs at least one step".into()));
        }
        let mut out: Vec<Step> = Vec::with_capacity(steps.len());
        for (i, s) in steps.iter().enumerate() {
            let weight = s.weight.as_count().filter(|&w| w <= 100).ok_or_else(|| {
                bad(format!(
                    "step {i}: weight {} is not a whole percent from 0 to 100",
                    s.weight.as_f64()
                ))
            })? as u8;
            if let Some(prev) = out.last() {
                if weight <= prev.weight {
                    return Err(bad(format!(
                        "step {i}: weight {weight} is not above the previous step's {}",
                        prev.weight
                    )));
                }
            }
            if !(s.bake_seconds.is_finite() && s.bake_seconds >= 0.0) {
                return Err(bad(format!(
                    "step {i}: bake_seconds must be ≥ 0, got {}",
                    s.bake_seconds
                )));
            }
            out.push(Step {
                weight,
                bake_seconds: s.bake_seconds,
                approval: s.approval,
            });
        }
        if out.last().map(|s| s.weight) != Some(100) {
            return Err(bad("the last step must have weight 100".into()));
        }
        Ok(RolloutPlan {
            steps: out,
            gentle_step_seconds: DEFAULT_GENTLE_STEP_SECONDS,
        })
    }

    /// The same plan with a gentle rollback staying `seconds` on each step on its way down;
    /// `invalid_plan` when `seconds` is negative or not finite. `0` makes a gentle rollback a
    /// hard one.
    pub fn with_gentle_step_seconds(mut self, seconds: f64) -> Result<Self, RolloutError> {
        if !(seconds.is_finite() && seconds >= 0.0) {
            return Err(RolloutError::InvalidPlan(format!(
                "gentle_step_seconds must be a finite number ≥ 0, got {seconds}"
            )));
        }
        self.gentle_step_seconds = seconds;
        Ok(self)
    }

    /// The steps.
    pub fn steps(&self) -> &[Step] {
        &self.steps
    }

    /// How long a gentle rollback stays on each step on its way down.
    pub fn gentle_step_seconds(&self) -> f64 {
        self.gentle_step_seconds
    }
}

string_enum! {
    /// Where a rollout stands.
    pub enum RolloutStatus {
        /// Moving forward as steps bake.
        Progressing = "progressing",
        /// Baked, waiting for a community approval of the next step.
        AwaitingApproval = "awaiting_approval",
        /// Held by a `hold` decision.
        Paused = "paused",
        /// Waiting for the community's answer to a consultation.
        Consulting = "consulting",
        /// A gentle rollback stepping down through the plan's earlier weights.
        RampingDown = "ramping_down",
        /// At 100%: done.
        Completed = "completed",
        /// Back at 0%: the new version is off.
        RolledBack = "rolled_back",
    }
}

impl RolloutStatus {
    /// Completed and rolled back are final.
    pub fn is_terminal(self) -> bool {
        matches!(self, RolloutStatus::Completed | RolloutStatus::RolledBack)
    }
}

/// What a rollout reports after each event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RolloutState {
    /// The status.
    pub status: RolloutStatus,
    /// The step index.
    pub step: usize,
    /// `steps[step].weight`, or 0 once rolled back.
    pub weight: u8,
}

string_enum! {
    /// The community's answer to a consultation.
    pub enum ConsultationOutcome {
        /// Go on: the step's bake starts over.
        Proceed = "proceed",
        /// Roll back at once.
        Rollback = "rollback",
        /// Ramp down gently.
        GentleRollback = "gentle_rollback",
    }
    parse: "consultation outcome" => RolloutError::InvalidEvent
}

/// An event, for driving a rollout from data.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RolloutEvent {
    /// A policy decision's action.
    Observe(Action),
    /// Approval of a step index (any integer; one outside the plan is ignored).
    Approve(i128),
    /// The community's answer to a consultation.
    Consulted(ConsultationOutcome),
    /// The passage of time alone.
    Tick,
}

/// One step of a gentle ramp: at `t` the rollout went down to `step` (weight `weight`), or
/// rolled back (`weight` 0) after the first step's time was up.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RampStep {
    /// When the step was taken (`ramp start + k × gentle_step_seconds`).
    pub t: f64,
    /// The status after the step.
    pub status: RolloutStatus,
    /// The step index after it.
    pub step: usize,
    /// The traffic weight after it, percent.
    pub weight: u8,
}

impl RolloutEvent {
    /// Builds an event from its type name and fields (`observe {decision}`, `approve {step}`,
    /// `consulted {outcome}`, `tick`); `invalid_event` for an unknown type, decision or
    /// outcome, or a missing/fractional step.
    pub fn parse(
        kind: &str,
        decision: Option<&str>,
        step: Option<Num>,
        outcome: Option<&str>,
    ) -> Result<RolloutEvent, RolloutError> {
        match kind {
            "consulted" => Ok(RolloutEvent::Consulted(
                outcome
                    .ok_or_else(|| RolloutError::InvalidEvent("consulted needs an outcome".into()))?
                    .parse()?,
            )),
            "tick" => Ok(RolloutEvent::Tick),
            "observe" => {
                let d = decision
                    .ok_or_else(|| RolloutError::InvalidEvent("observe needs a decision".into()))?;
                let a: Action = d
                    .parse()
                    .map_err(|_| RolloutError::InvalidEvent(format!("unknown decision {d:?}")))?;
                Ok(RolloutEvent::Observe(a))
            }
            "approve" => match step {
                Some(Num::Int(i)) => Ok(RolloutEvent::Approve(i)),
                Some(Num::Float(f)) if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e18 => {
                    Ok(RolloutEvent::Approve(f as i128))
                }
                Some(n) => Err(RolloutError::InvalidEvent(format!(
                    "approve step {} is not a whole number",
                    n.as_f64()
                ))),
                None => Err(RolloutError::InvalidEvent("approve needs a step".into())),
            },
            other => Err(RolloutError::InvalidEvent(format!(
                "unknown event type {other:?}: expected observe, approve, consulted or tick"
            ))),
        }
    }
}

/// A running progressive rollout.
#[derive(Debug, Clone, PartialEq)]
pub struct Rollout {
    plan: RolloutPlan,
    started_at: f64,
    step: usize,
    step_started: f64,
    status: RolloutStatus,
    approved: Vec<bool>,
    last_t: Option<f64>,
    /// While `ramping_down`: when the current ramp step's time started.
    ramp_at: f64,
    /// The ramp steps the last event caught up on.
    ramped: Vec<RampStep>,
}

impl Rollout {
    /// Starts on step 0 at `started_at`, progressing, and settles at once.
    pub fn start(plan: RolloutPlan, started_at: f64) -> Rollout {
        let n = plan.steps.len();
        let mut r = Rollout {
            plan,
            started_at,
            step: 0,
            step_started: started_at,
            status: RolloutStatus::Progressing,
            approved: vec![false; n],
            last_t: None,
            ramp_at: started_at,
            ramped: Vec::new(),
        };
        r.settle(started_at);
        r
    }

    /// The plan.
    pub fn plan(&self) -> &RolloutPlan {
        &self.plan
    }

    /// The current state.
    pub fn state(&self) -> RolloutState {
        let weight = if self.status == RolloutStatus::RolledBack {
            0
        } else {
            self.plan.steps[self.step].weight
        };
        RolloutState {
            status: self.status,
            step: self.step,
            weight,
        }
    }

    /// When the current step started.
    pub fn step_started(&self) -> f64 {
        self.step_started
    }

    /// The ramp steps the last event caught up on (empty unless a gentle rollback was under
    /// way), in order, each with the time it was due.
    pub fn ramp_steps(&self) -> &[RampStep] {
        &self.ramped
    }

    /// While `ramping_down`, when the next ramp step is due.
    pub fn next_ramp_at(&self) -> Option<f64> {
        (self.status == RolloutStatus::RampingDown)
            .then_some(self.ramp_at + self.plan.gentle_step_seconds)
    }

    /// **Ramping at `t`**: while `t − ramp_at ≥ gentle_step_seconds`, `ramp_at` moves on by
    /// `gentle_step_seconds`, then on step 0 the rollout is rolled back, else it goes down
    /// one step.
    fn ramp(&mut self, t: f64) {
        let gentle = self.plan.gentle_step_seconds;
        while self.status == RolloutStatus::RampingDown && t - self.ramp_at >= gentle {
            self.ramp_at += gentle;
            if self.step == 0 {
                self.set_status(self.ramp_at, RolloutStatus::RolledBack);
            } else {
                self.step -= 1;
            }
            self.ramped.push(RampStep {
                t: self.ramp_at,
                status: self.status,
                step: self.step,
                weight: self.state().weight,
            });
        }
    }

    /// A ramp starts at `t`: `ramping_down` from `ramp_at = t`, then ramping at `t` (so
    /// `gentle_step_seconds = 0` rolls back at once).
    fn start_ramp(&mut self, t: f64) {
        self.set_status(t, RolloutStatus::RampingDown);
        self.ramp_at = t;
        self.ramp(t);
    }

    /// Back to `progressing` with the step's bake starting over at `t`, then settle.
    fn resume(&mut self, t: f64) {
        self.set_status(t, RolloutStatus::Progressing);
        self.step_started = t;
        self.settle(t);
    }

    fn settle(&mut self, t: f64) {
        while self.status == RolloutStatus::Progressing {
            let s = self.plan.steps[self.step];
            if t - self.step_started < s.bake_seconds {
                break;
            }
            if s.approval && !self.approved[self.step] {
                self.set_status(t, RolloutStatus::AwaitingApproval);
            } else {
                self.advance(t);
            }
        }
    }

    /// The current step is done: complete, or start the next one at `t`.
    fn advance(&mut self, t: f64) {
        if self.step + 1 == self.plan.steps.len() {
            self.set_status(t, RolloutStatus::Completed);
        } else {
            self.step += 1;
            self.step_started = t;
            self.set_status(t, RolloutStatus::Progressing);
            tracing::info!(target: "liberation_gates::rollout", t, step = self.step, weight = self.plan.steps[self.step].weight, "rollout step");
        }
    }

    fn set_status(&mut self, t: f64, s: RolloutStatus) {
        if self.status != s {
            tracing::info!(target: "liberation_gates::rollout", t, from = self.status.as_str(), to = s.as_str(), step = self.step, "rollout status");
        }
        self.status = s;
    }

    /// `Ok` when an event at `t` would be in order (at or after `started_at`, after the
    /// previous event); `out_of_order` otherwise.
    pub fn check_time(&self, t: f64) -> Result<(), RolloutError> {
        let ok = match self.last_t {
            None => t >= self.started_at,
            Some(prev) => t > prev,
        };
        if ok && t.is_finite() {
            Ok(())
        } else {
            Err(RolloutError::OutOfOrder(format!(
                "event at t={t} is not after the previous event (or before started_at={})",
                self.started_at
            )))
        }
    }

    /// Applies an event at `t`. `out_of_order` when `t` is before `started_at` or not after
    /// the previous event; an error changes nothing.
    pub fn apply(&mut self, t: f64, event: RolloutEvent) -> Result<RolloutState, RolloutError> {
        use RolloutStatus::*;
        self.check_time(t)?;
        self.last_t = Some(t);
        self.ramped.clear();
        if self.status.is_terminal() {
            return Ok(self.state());
        }
        // A ramping rollout first catches up with its ramp; if that rolls it back, the event
        // changes nothing more.
        if self.status == RampingDown {
            self.ramp(t);
            if self.status.is_terminal() {
                return Ok(self.state());
            }
        }
        match event {
            RolloutEvent::Observe(a) => match a {
                Action::Rollback => self.set_status(t, RolledBack),
                Action::GentleRollback if self.status != RampingDown => self.start_ramp(t),
                Action::Consult
                    if matches!(self.status, Progressing | AwaitingApproval | Paused) =>
                {
                    self.set_status(t, Consulting)
                }
                Action::Hold if matches!(self.status, Progressing | AwaitingApproval) => {
                    self.set_status(t, Paused)
                }
                Action::Proceed | Action::Alert => match self.status {
                    Paused => self.resume(t),
                    Progressing => self.settle(t),
                    _ => {}
                },
                _ => {}
            },
            // The community's answer ends a consultation; outside one it is ignored.
            RolloutEvent::Consulted(outcome) if self.status == Consulting => match outcome {
                ConsultationOutcome::Proceed => self.resume(t),
                ConsultationOutcome::Rollback => self.set_status(t, RolledBack),
                ConsultationOutcome::GentleRollback => self.start_ramp(t),
            },
            RolloutEvent::Consulted(_) => {}
            RolloutEvent::Approve(step) => {
                if step == self.step as i128 && self.status != RampingDown {
                    self.approved[self.step] = true;
                    match self.status {
                        AwaitingApproval => {
                            self.advance(t);
                            self.settle(t);
                        }
                        Progressing => self.settle(t),
                        _ => {}
                    }
                }
            }
            RolloutEvent::Tick => {
                if self.status == Progressing {
                    self.settle(t);
                }
            }
        }
        Ok(self.state())
    }

    /// Applies an event named by strings, as it arrives from data: the time is checked first
    /// (`out_of_order`), then the event (`invalid_event`), as SPEC §8 orders them.
    pub fn apply_named(
        &mut self,
        t: f64,
        kind: &str,
        decision: Option<&str>,
        step: Option<Num>,
        outcome: Option<&str>,
    ) -> Result<RolloutState, RolloutError> {
        self.check_time(t)?;
        let event = RolloutEvent::parse(kind, decision, step, outcome)?;
        self.apply(t, event)
    }

    /// `consulted {outcome}` at `t`: the community's answer to a consultation (ignored unless
    /// `consulting`).
    pub fn consulted(
        &mut self,
        t: f64,
        outcome: ConsultationOutcome,
    ) -> Result<RolloutState, RolloutError> {
        self.apply(t, RolloutEvent::Consulted(outcome))
    }

    /// `tick` at `t`: the passage of time alone (settles a progressing rollout, moves a ramp).
    pub fn tick(&mut self, t: f64) -> Result<RolloutState, RolloutError> {
        self.apply(t, RolloutEvent::Tick)
    }

    /// `observe {decision}` at `t`.
    pub fn observe(&mut self, t: f64, decision: Action) -> Result<RolloutState, RolloutError> {
        self.apply(t, RolloutEvent::Observe(decision))
    }

    /// `approve {step}` at `t`.
    pub fn approve(&mut self, t: f64, step: usize) -> Result<RolloutState, RolloutError> {
        self.apply(t, RolloutEvent::Approve(step as i128))
    }
}

string_enum! {
    /// Where a blue-green deployment stands.
    pub enum BlueGreenStatus {
        /// Green is deployed beside blue; the pre-promotion gate has not passed yet.
        Staged = "staged",
        /// The pre-promotion gate failed: traffic never moved.
        Aborted = "aborted",
        /// Traffic is on green; the post-promotion gate is watching.
        Promoted = "promoted",
        /// The post-promotion gate failed: traffic is back on blue.
        SwitchedBack = "switched_back",
        /// The post-promotion gate held for its whole watch period.
        Completed = "completed",
    }
}

/// Blue-green promotion: a pre-promotion gate that must pass before the switch, and a
/// post-promotion gate whose failure switches back. Gate results come from the caller (e.g. a
/// [`crate::plan::Phase`] evaluation or a policy decision).
///
/// ```
/// use liberation_gates::rollout::{BlueGreen, BlueGreenStatus};
/// let mut bg = BlueGreen::new(600.0);
/// assert_eq!(bg.pre_gate(0.0, true), BlueGreenStatus::Promoted);
/// assert_eq!(bg.post_gate(60.0, false), BlueGreenStatus::SwitchedBack);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BlueGreen {
    status: BlueGreenStatus,
    watch_seconds: f64,
    promoted_at: f64,
}

impl BlueGreen {
    /// A staged deployment whose post-promotion gate watches for `watch_seconds`.
    pub fn new(watch_seconds: f64) -> Self {
        BlueGreen {
            status: BlueGreenStatus::Staged,
            watch_seconds: watch_seconds.max(0.0),
            promoted_at: 0.0,
        }
    }

    /// The status.
    pub fn status(&self) -> BlueGreenStatus {
        self.status
    }

    /// Reports the pre-promotion gate at `t`: pass promotes, fail aborts.
    pub fn pre_gate(&mut self, t: f64, passed: bool) -> BlueGreenStatus {
        if self.status == BlueGreenStatus::Staged {
            self.status = if passed {
                BlueGreenStatus::Promoted
            } else {
                BlueGreenStatus::Aborted
            };
            self.promoted_at = t;
        }
        self.status
    }

    /// Reports the post-promotion gate at `t`: a failure switches back; passing until the
    /// watch period is over completes.
    pub fn post_gate(&mut self, t: f64, passed: bool) -> BlueGreenStatus {
        if self.status == BlueGreenStatus::Promoted {
            if !passed {
                self.status = BlueGreenStatus::SwitchedBack;
            } else if t - self.promoted_at >= self.watch_seconds {
                self.status = BlueGreenStatus::Completed;
            }
        }
        self.status
    }
}

/// Community validation before redeployment.
///
/// The recovery protocol: after a rollback caused by a liberation rule (`creator_sovereignty`,
/// `community_protection`, `trauma_informed_ux`, or any rule marked `liberation`), a new
/// rollout of that service starts only with a passed community decision whose subject is
/// `redeploy:<service>`, made by the core from a proposal ([`VerifiedDecision`]) that closed
/// after the rollback and before the start. Technical rollbacks do not need one.
///
/// ```
/// use liberation_gates::governance::Proposal;
/// use liberation_gates::policy::{Action, Policy, PolicyDecision, Severity};
/// use liberation_gates::rollout::{RedeployGuard, RolloutPlan};
/// let policy = Policy::builtin();
/// let rollback = PolicyDecision { t: 60.0, action: Action::Rollback, severity: Severity::Critical,
///     reasons: vec!["creator_sovereignty".into()], notification: None };
/// let mut guard = RedeployGuard::new();
/// guard.record(&policy, "events", &rollback);
/// let err = guard.start("events", RolloutPlan::default(), 100.0, None).unwrap_err();
/// assert_eq!(err.kind(), "redeploy_needs_approval");
/// let mut vote = Proposal::new(vec!["ana".into(), "ben".into()], "0.5", "0.5", 100.0, 150.0).unwrap();
/// vote.cast(110.0, "ana", "yes").unwrap();
/// let ok = vote.decision("redeploy:events", "redeploy", 200.0);
/// assert!(guard.start("events", RolloutPlan::default(), 200.0, Some(&ok)).is_ok());
/// ```
#[derive(Debug, Clone, Default)]
pub struct RedeployGuard {
    /// Services rolled back by liberation rules: when, and which rules.
    blocked: HashMap<String, (f64, Vec<String>)>,
}

impl RedeployGuard {
    /// A guard with no service blocked.
    pub fn new() -> Self {
        Self::default()
    }

    /// Notes a decision about `service`; a rollback caused by a liberation rule blocks
    /// redeployment until the community approves it.
    pub fn record(&mut self, policy: &Policy, service: &str, decision: &PolicyDecision) {
        let rules = policy.liberation_cause(decision);
        if !rules.is_empty() {
            tracing::warn!(target: "liberation_gates::rollout", service, t = decision.t, rules = ?rules, "redeploy now needs community approval");
            self.blocked
                .insert(service.to_string(), (decision.t, rules));
        }
    }

    /// The liberation rules that blocked `service`, if it is blocked.
    pub fn blocked_by(&self, service: &str) -> Option<&[String]> {
        self.blocked.get(service).map(|(_, r)| r.as_slice())
    }

    /// Starts a rollout of `service`. A blocked service needs a passed decision with subject
    /// `redeploy:<service>`: `redeploy_needs_approval` otherwise (naming what was missing or
    /// wrong). A successful start lifts the block.
    pub fn start(
        &mut self,
        service: &str,
        plan: RolloutPlan,
        started_at: f64,
        decision: Option<&VerifiedDecision>,
    ) -> Result<Rollout, RolloutError> {
        if let Some((at, rules)) = self.blocked.get(service) {
            let subject = format!("redeploy:{service}");
            let why = match decision {
                None => Some(format!("needs a passed community decision {subject:?}")),
                Some(d) if d.subject != subject => Some(format!(
                    "the decision is about {:?}, not {subject:?}",
                    d.subject
                )),
                Some(d) if !d.passed() => Some(format!(
                    "the decision on {subject:?} is {}, not passed",
                    d.status
                )),
                Some(d) if d.closed_at.is_some_and(|c| c < *at) => Some(format!(
                    "the decision on {subject:?} closed before the rollback at t={at}"
                )),
                Some(d) if d.closed_at.is_some_and(|c| c > started_at) => Some(format!(
                    "the decision on {subject:?} closed after the start at t={started_at}"
                )),
                Some(_) => None,
            };
            if let Some(why) = why {
                return Err(RolloutError::RedeployNeedsApproval(format!(
                    "{service} was rolled back by {} at t={at}; redeploying {why}",
                    rules.join(", ")
                )));
            }
        }
        self.blocked.remove(service);
        Ok(Rollout::start(plan, started_at))
    }

    /// [`start`](Self::start) with a decision as a dynamic language hands it over: verified
    /// first (`unverified_decision` for one made by hand; a proposal given whole is tallied at
    /// `started_at`).
    pub fn start_with(
        &mut self,
        service: &str,
        plan: RolloutPlan,
        started_at: f64,
        decision: Option<&DecisionArg>,
    ) -> Result<Rollout, crate::Error> {
        let decision = decision
            .map(|d| d.verify(started_at, |m| RolloutError::UnverifiedDecision(m).into()))
            .transpose()?;
        Ok(self.start(service, plan, started_at, decision.as_ref())?)
    }
}
