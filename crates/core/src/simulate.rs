//! Observation files and the canary simulation: each observation goes through the policy,
//! and its decision drives the progressive rollout.
//!
//! Files are JSON lines. An observation line is `{"t", "metrics", "checks"}`; in a simulation a
//! line `{"t": T, "approve": STEP}` records a community approval instead, and a line
//! `{"t": T, "consulted": "proceed" | "rollback" | "gentle_rollback"}` carries the community's
//! answer to a consultation (SPEC §8). Blank lines and lines
//! starting with `#` are skipped; any other bad line is an error naming its line number — no
//! line after a bad one is silently skipped.
//!
//! ```
//! use liberation_gates::policy::Policy;
//! use liberation_gates::rollout::{RolloutPlan, RolloutStatus};
//! use liberation_gates::simulate::{parse_lines, Simulation};
//! let text = r#"{"t": 0, "metrics": {"http_error_rate": 0.001}, "checks": {}}"#;
//! let lines = parse_lines(text).unwrap();
//! let mut sim = Simulation::new(Policy::builtin(), RolloutPlan::default(), 0.0);
//! let step = sim.step(&lines[0].1).unwrap();
//! assert_eq!(step.state.status, RolloutStatus::Paused); // missing data holds
//! ```

use crate::error::{Error, PolicyError};
use crate::policy::{Action, Evaluator, Observation, Policy, PolicyDecision};
use crate::rollout::{
    ConsultationOutcome, RampStep, Rollout, RolloutPlan, RolloutState, RolloutStatus,
};
use serde::Serialize;

/// One line of a simulation file.
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    /// An observation for the policy.
    Observe(Observation),
    /// A community approval of a step.
    Approve {
        /// When it was given.
        t: f64,
        /// The step approved.
        step: usize,
    },
    /// The community's answer to a consultation.
    Consulted {
        /// When it was given.
        t: f64,
        /// The answer.
        outcome: ConsultationOutcome,
    },
}

impl Input {
    /// The line's time.
    pub fn t(&self) -> f64 {
        match self {
            Input::Observe(o) => o.t,
            Input::Approve { t, .. } | Input::Consulted { t, .. } => *t,
        }
    }
}

fn parse_line(line: &str) -> Result<Input, PolicyError> {
    // Observations are the common case: parse straight into the typed model, and only look
    // for an approval line when that fails (so each line is parsed once, not twice).
    match Observation::from_json(line) {
        Ok(o) => Ok(Input::Observe(o)),
        Err(observation_error) => {
            let v: serde_json::Value = serde_json::from_str(line)
                .map_err(|e| PolicyError::InvalidObservation(format!("not JSON: {e}")))?;
            let t = || {
                v.get("t").and_then(|t| t.as_f64()).ok_or_else(|| {
                    PolicyError::InvalidObservation(
                        "an approval or answer needs a numeric t".into(),
                    )
                })
            };
            if let Some(outcome) = v.get("consulted") {
                let outcome = outcome
                    .as_str()
                    .ok_or_else(|| {
                        PolicyError::InvalidObservation(
                            "consulted must be \"proceed\", \"rollback\" or \"gentle_rollback\""
                                .into(),
                        )
                    })?
                    .parse::<ConsultationOutcome>()
                    .map_err(|e| PolicyError::InvalidObservation(e.message().to_string()))?;
                if v.as_object().is_some_and(|o| o.len() != 2) {
                    return Err(PolicyError::InvalidObservation(
                        "a consultation answer line has only t and consulted".into(),
                    ));
                }
                return Ok(Input::Consulted { t: t()?, outcome });
            }
            let Some(step) = v.get("approve") else {
                return Err(observation_error);
            };
            let t = t()?;
            let step = step.as_u64().ok_or_else(|| {
                PolicyError::InvalidObservation(
                    "approve must be a step index (a whole number ≥ 0)".into(),
                )
            })?;
            if v.as_object().is_some_and(|o| o.len() != 2) {
                return Err(PolicyError::InvalidObservation(
                    "an approval line has only t and approve".into(),
                ));
            }
            Ok(Input::Approve {
                t,
                step: step as usize,
            })
        }
    }
}

/// Reads an observation or simulation file one line at a time, in constant memory: each item
/// is a line's 1-based number and its input, or the line's error (blank lines and lines
/// starting with `#` are skipped). A line that cannot be read is `invalid_observation`.
///
/// ```
/// use liberation_gates::simulate::read_lines;
/// let text = "# a comment\n{\"t\": 0}\n\n{\"t\": 60, \"approve\": 0}\n";
/// let numbers: Vec<usize> = read_lines(text.as_bytes()).map(|l| l.unwrap().0).collect();
/// assert_eq!(numbers, [2, 4]);
/// ```
pub fn read_lines<R: std::io::BufRead>(reader: R) -> InputLines<R> {
    InputLines {
        lines: reader.lines(),
        n: 0,
    }
}

/// The iterator of [`read_lines`].
#[derive(Debug)]
pub struct InputLines<R> {
    lines: std::io::Lines<R>,
    n: usize,
}

impl<R: std::io::BufRead> Iterator for InputLines<R> {
    type Item = Result<(usize, Input), (usize, PolicyError)>;
    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let line = self.lines.next()?;
            self.n += 1;
            let n = self.n;
            let line = match line {
                Ok(l) => l,
                Err(e) => {
                    return Some(Err((
                        n,
                        PolicyError::InvalidObservation(format!("could not read the line: {e}")),
                    )))
                }
            };
            let trimmed = line.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            return Some(parse_line(&line).map(|x| (n, x)).map_err(|e| (n, e)));
        }
    }
}

/// Parses an observation or simulation file; errors carry the 1-based line number.
pub fn parse_lines(text: &str) -> Result<Vec<(usize, Input)>, (usize, PolicyError)> {
    read_lines(text.as_bytes()).collect()
}

/// Parses a file of observations only (an approval line is an error).
pub fn parse_observations(text: &str) -> Result<Vec<(usize, Observation)>, (usize, PolicyError)> {
    parse_lines(text)?
        .into_iter()
        .map(|(n, i)| match i {
            Input::Observe(o) => Ok((n, o)),
            Input::Approve { .. } | Input::Consulted { .. } => Err((
                n,
                PolicyError::InvalidObservation(
                    "approvals and consultation answers belong in simulation files, not here"
                        .into(),
                ),
            )),
        })
        .collect()
}

/// Evaluates an observation file's text with `evaluator`, one line at a time; an error names
/// its line and keeps its true kind (`policy/out_of_order` for a line earlier than the one
/// before, `policy/invalid_observation` for a line that is not an observation — approvals and
/// consultation answers belong in simulation files).
///
/// ```
/// use liberation_gates::policy::Policy;
/// use liberation_gates::simulate::observe_jsonl;
/// let mut ev = Policy::builtin().evaluator();
/// let e = observe_jsonl(&mut ev, "{\"t\": 5}\n{\"t\": 1}\n").unwrap_err();
/// assert_eq!((e.kind(), e.line()), ("out_of_order", Some(2)));
/// ```
pub fn observe_jsonl(evaluator: &mut Evaluator, text: &str) -> Result<Vec<PolicyDecision>, Error> {
    let mut decisions = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        // Straight into the evaluator's slots when the line allows it; else the general
        // reader below, for the same decision or the line's exact error.
        let decision = match evaluator.observe_line(line) {
            Some(d) => d.map_err(|e| Error::from(e).at_line(i + 1))?,
            None => observe_read(evaluator, line, i + 1)?,
        };
        decisions.push(decision);
    }
    Ok(decisions)
}

/// Reads line `n` of an observation file and evaluates it with `evaluator`.
fn observe_read(evaluator: &mut Evaluator, line: &str, n: usize) -> Result<PolicyDecision, Error> {
    let Input::Observe(o) = parse_line(line).map_err(|e| Error::from(e).at_line(n))? else {
        let e = PolicyError::InvalidObservation(
            "approvals and consultation answers belong in simulation files, not here".into(),
        );
        return Err(Error::from(e).at_line(n));
    };
    evaluator.observe(&o).map_err(|e| Error::from(e).at_line(n))
}

/// What happened at one line of a simulation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SimStep {
    /// The line's time.
    pub t: f64,
    /// The policy's decision (absent for an approval line).
    pub decision: Option<PolicyDecision>,
    /// Set for an approval line: the step approved.
    pub approved: Option<usize>,
    /// Set for a consultation answer line: the community's answer.
    pub consulted: Option<ConsultationOutcome>,
    /// The gentle-ramp steps this line caught up on, each with the time it was due.
    pub ramp: Vec<RampStep>,
    /// The rollout's state after the line.
    pub state: RolloutState,
}

/// A canary rollout driven by a policy.
#[derive(Debug, Clone)]
pub struct Simulation {
    evaluator: Evaluator,
    rollout: Rollout,
}

impl Simulation {
    /// Starts the rollout at `started_at`.
    pub fn new(policy: Policy, plan: RolloutPlan, started_at: f64) -> Self {
        Simulation {
            evaluator: policy.evaluator(),
            rollout: Rollout::start(plan, started_at),
        }
    }

    /// The rollout.
    pub fn rollout(&self) -> &Rollout {
        &self.rollout
    }

    /// Applies one line. Errors (out of order, bad observation) change nothing.
    pub fn step(&mut self, input: &Input) -> Result<SimStep, Error> {
        match input {
            Input::Observe(o) => {
                // The rollout's time order is checked before the policy moves on, so an error
                // leaves both unchanged.
                self.rollout.check_time(o.t)?;
                let d = self.evaluator.observe(o)?;
                let state = self.rollout.observe(o.t, d.action)?;
                Ok(self.sim_step(o.t, Some(d), None, None, state))
            }
            Input::Approve { t, step } => {
                let state = self.rollout.approve(*t, *step)?;
                Ok(self.sim_step(*t, None, Some(*step), None, state))
            }
            Input::Consulted { t, outcome } => {
                let state = self.rollout.consulted(*t, *outcome)?;
                Ok(self.sim_step(*t, None, None, Some(*outcome), state))
            }
        }
    }

    fn sim_step(
        &self,
        t: f64,
        decision: Option<PolicyDecision>,
        approved: Option<usize>,
        consulted: Option<ConsultationOutcome>,
        state: RolloutState,
    ) -> SimStep {
        SimStep {
            t,
            decision,
            approved,
            consulted,
            ramp: self.rollout.ramp_steps().to_vec(),
            state,
        }
    }
}

/// The simulation driver every language shares: reads a simulation file line by line (in
/// constant memory), starts the rollout at `started_at` or else at the first line's time, and
/// yields each line's number and [`SimStep`]. An error names its line and keeps its true kind
/// (`rollout/out_of_order`, `policy/invalid_observation`, …); nothing after it is read.
///
/// ```
/// use liberation_gates::policy::Policy;
/// use liberation_gates::rollout::RolloutPlan;
/// use liberation_gates::simulate::Run;
/// let text = "{\"t\": 60, \"approve\": 0}\n{\"t\": 0, \"approve\": 0}\n";
/// let mut run = Run::new(text.as_bytes(), Policy::builtin(), RolloutPlan::default(), None);
/// assert!(run.next().unwrap().is_ok());
/// let e = run.next().unwrap().unwrap_err();
/// assert_eq!((e.family(), e.kind(), e.line()), ("rollout", "out_of_order", Some(2)));
/// assert!(run.next().is_none());
/// ```
pub struct Run<R: std::io::BufRead> {
    lines: std::iter::Peekable<InputLines<R>>,
    start: Option<(Policy, RolloutPlan, Option<f64>)>,
    sim: Option<Simulation>,
    summary: Summary,
    failed: bool,
}

impl<R: std::io::BufRead> std::fmt::Debug for Run<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Run")
            .field("sim", &self.sim)
            .field("summary", &self.summary)
            .field("failed", &self.failed)
            .finish_non_exhaustive()
    }
}

impl<R: std::io::BufRead> Run<R> {
    /// A run over `reader`'s lines; `started_at` `None` starts at the first line's time.
    pub fn new(reader: R, policy: Policy, plan: RolloutPlan, started_at: Option<f64>) -> Self {
        Run {
            lines: read_lines(reader).peekable(),
            start: Some((policy, plan, started_at)),
            sim: None,
            summary: Summary::default(),
            failed: false,
        }
    }

    fn simulation(&mut self) -> &mut Simulation {
        if let Some((policy, plan, started_at)) = self.start.take() {
            let t = started_at
                .or_else(|| match self.lines.peek() {
                    Some(Ok((_, first))) => Some(first.t()),
                    _ => None,
                })
                .unwrap_or(0.0);
            self.sim = Some(Simulation::new(policy, plan, t));
        }
        self.sim
            .as_mut()
            .expect("the simulation starts on first use")
    }

    /// The rollout's state after the lines read so far.
    pub fn state(&mut self) -> RolloutState {
        self.simulation().rollout().state()
    }

    /// The tally of the lines read so far.
    pub fn summary(&self) -> Summary {
        self.summary
    }
}

impl<R: std::io::BufRead> Iterator for Run<R> {
    type Item = Result<(usize, SimStep), Error>;
    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        self.simulation();
        let item = match self.lines.next()? {
            Err((n, e)) => Err(Error::from(e).at_line(n)),
            Ok((n, input)) => {
                let sim = self.sim.as_mut().expect("started above");
                sim.step(&input).map(|st| (n, st)).map_err(|e| e.at_line(n))
            }
        };
        match &item {
            Ok((_, st)) => self.summary.add(st),
            Err(_) => self.failed = true,
        }
        Some(item)
    }
}

/// A whole simulation file's steps, in order (see [`Run`]); the first error stops it.
pub fn run_text(
    text: &str,
    policy: Policy,
    plan: RolloutPlan,
    started_at: Option<f64>,
) -> Result<Vec<SimStep>, Error> {
    Run::new(text.as_bytes(), policy, plan, started_at)
        .map(|r| r.map(|(_, st)| st))
        .collect()
}

/// Counts for a summary line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Observation lines.
    pub observations: usize,
    /// Approval lines.
    pub approvals: usize,
    /// Times the rollout entered `paused`.
    pub pauses: usize,
    /// Observations whose decision was `alert`.
    pub alerts: usize,
    /// Consultations opened (the rollout entering `consulting`).
    pub consultations: usize,
    /// Community answers to consultations.
    pub answers: usize,
    /// Gentle-ramp steps taken.
    pub ramp_steps: usize,
    /// The status after the last step added (to count entries into a status).
    #[serde(skip)]
    last: Option<RolloutStatus>,
}

impl Summary {
    /// Tallies simulation steps.
    pub fn of(steps: &[SimStep]) -> Summary {
        let mut s = Summary::default();
        for st in steps {
            s.add(st);
        }
        s
    }

    /// Adds one step to the tally (a simulation streamed line by line keeps no list).
    pub fn add(&mut self, st: &SimStep) {
        match &st.decision {
            Some(d) => {
                self.observations += 1;
                self.alerts += (d.action == Action::Alert) as usize;
            }
            None if st.consulted.is_some() => self.answers += 1,
            None => self.approvals += 1,
        }
        let (now, last) = (
            st.state.status,
            self.last.unwrap_or(RolloutStatus::Progressing),
        );
        self.pauses += (now == RolloutStatus::Paused && last != now) as usize;
        self.consultations += (now == RolloutStatus::Consulting && last != now) as usize;
        self.ramp_steps += st.ramp.len();
        self.last = Some(now);
    }
}
