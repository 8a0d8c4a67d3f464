//! The six-phase deployment plan: 1 infrastructure, 2 API gateway, 3 business logic,
//! 4 integration, 5 canary, 6 full launch.
//!
//! Each phase is a gate with technical checks and liberation checks (the liberation ones —
//! creator sovereignty, governance, community protection — apply at every phase). A phase
//! passes only if every check passes: *rollback if ANY technical OR liberation check fails*.
//! A check whose data is missing holds the phase (unless another check already failed).
//! The plan is data (TOML, YAML or JSON); [`DeploymentPlan::builtin`] is the strategy's.
//!
//! ```
//! use liberation_gates::plan::{DeploymentPlan, GateAction};
//! use liberation_gates::policy::Observation;
//! let plan = DeploymentPlan::builtin();
//! let obs = Observation::new(0.0)
//!     .metric("gateway_latency_ms", 140.0).check("auth", true)
//!     .metric("creator_share", 0.8).check("governance", true).check("community_protection", true);
//! let r = plan.phase("api_gateway").unwrap().evaluate(&obs);
//! assert_eq!(r.action, GateAction::Rollback);
//! assert_eq!(r.failed, vec!["gateway_latency_ms < 100"]);
//! ```

use crate::error::PolicyError;
use crate::policy::{Format, Observation};
use crate::threshold::Op;
use serde::{Deserialize, Serialize};

/// One gate check: a named boolean check, or `metric op threshold`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(untagged, deny_unknown_fields)]
pub enum GateCheck {
    /// A named boolean check that must be true.
    Check {
        /// The check's name.
        check: String,
    },
    /// `metric op threshold` must hold.
    Metric {
        /// The metric's name.
        metric: String,
        /// The comparison.
        op: Op,
        /// The value compared with.
        threshold: f64,
    },
}

impl GateCheck {
    /// A name for people: the check's name, or `metric op threshold`.
    pub fn label(&self) -> String {
        match self {
            GateCheck::Check { check } => check.clone(),
            GateCheck::Metric {
                metric,
                op,
                threshold,
            } => format!("{metric} {op} {threshold}"),
        }
    }

    /// `Some(true)` pass, `Some(false)` fail, `None` missing data.
    pub fn evaluate(&self, obs: &Observation) -> Option<bool> {
        match self {
            GateCheck::Check { check } => obs.checks.get(check).copied(),
            GateCheck::Metric {
                metric,
                op,
                threshold,
            } => obs
                .metrics
                .get(metric)
                .filter(|v| v.is_finite())
                .map(|&v| op.holds(v, *threshold)),
        }
    }
}

string_enum! {
    /// What a phase of a [`crate::deployment::Deployment`] does.
    #[derive(Default)]
    pub enum PhaseKind {
        /// A gate: the phase passes on the first observation where every check, the policy
        /// and the health of its levels say proceed.
        #[default]
        Gate = "gate",
        /// The canary: the progressive rollout (SPEC §8), or blue-green's pre-promotion gate.
        Canary = "canary",
        /// Full traffic: a last gate, or blue-green's post-promotion watch.
        Launch = "launch",
    }
    parse: "phase kind" => PolicyError::InvalidPlan
}

string_enum! {
    /// How phases 5–6 of a deployment move traffic.
    #[derive(Default)]
    pub enum Strategy {
        /// A progressive canary (SPEC §8) in the `canary` phase, then the `launch` gate.
        #[default]
        Canary = "canary",
        /// Blue-green: the `canary` phase is the pre-promotion gate, the `launch` phase the
        /// post-promotion watch.
        BlueGreen = "blue_green",
    }
    parse: "strategy" => PolicyError::InvalidPlan
}

fn four() -> u8 {
    4
}

/// A phase of the plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Phase {
    /// The phase's name.
    pub name: String,
    /// What the phase does (`gate` unless given).
    #[serde(default)]
    pub kind: PhaseKind,
    /// The health levels that gate the phase in a deployment: 1 to this level. Default 4:
    /// every technical level (liberation values are the policy's and the plan's to judge).
    #[serde(default = "four")]
    pub health_level: u8,
    /// Technical checks of this phase.
    #[serde(default)]
    pub technical: Vec<GateCheck>,
    /// Liberation checks of this phase (the plan's shared ones are added).
    #[serde(default)]
    pub liberation: Vec<GateCheck>,
}

/// What a gate prescribes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GateAction {
    /// Every check passed.
    Proceed,
    /// Some data is missing and nothing failed.
    Hold,
    /// A technical or liberation check failed.
    Rollback,
}

/// The evaluation of one phase.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PhaseResult {
    /// The phase evaluated.
    pub phase: String,
    /// Whether every check passed.
    pub passed: bool,
    /// What the deployment does next.
    pub action: GateAction,
    /// Labels of failed technical checks, then failed liberation checks.
    pub failed: Vec<String>,
    /// Labels of checks whose data was missing.
    pub missing: Vec<String>,
    /// Whether any liberation check failed (the community must hear of it).
    pub liberation_failed: bool,
}

impl Phase {
    /// Evaluates this phase's checks (technical and its own liberation ones).
    pub fn evaluate(&self, obs: &Observation) -> PhaseResult {
        self.evaluate_with(obs, &[])
    }

    fn evaluate_with(&self, obs: &Observation, shared: &[GateCheck]) -> PhaseResult {
        let mut failed = Vec::new();
        let mut missing = Vec::new();
        let mut liberation_failed = false;
        let tech = self.technical.iter().map(|c| (c, false));
        let lib = self.liberation.iter().chain(shared).map(|c| (c, true));
        for (c, is_lib) in tech.chain(lib) {
            match c.evaluate(obs) {
                Some(true) => {}
                Some(false) => {
                    failed.push(c.label());
                    liberation_failed |= is_lib;
                }
                None => missing.push(c.label()),
            }
        }
        let action = if !failed.is_empty() {
            GateAction::Rollback
        } else if !missing.is_empty() {
            GateAction::Hold
        } else {
            GateAction::Proceed
        };
        PhaseResult {
            phase: self.name.clone(),
            passed: action == GateAction::Proceed,
            action,
            failed,
            missing,
            liberation_failed,
        }
    }
}

/// Liberation checks every phase shares.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct SharedLiberation {
    /// The checks, each a named check or `metric op threshold`.
    #[serde(default)]
    checks: Vec<GateCheck>,
}

/// A deployment plan: phases in order, and liberation checks shared by every phase.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeploymentPlan {
    /// The plan's name.
    #[serde(default)]
    pub name: String,
    /// The phases, in order.
    pub phases: Vec<Phase>,
    /// Liberation checks added to every phase.
    #[serde(default)]
    liberation: SharedLiberation,
    /// How phases 5–6 move traffic (default `canary`).
    #[serde(default)]
    pub strategy: Strategy,
    /// The canary's rollout plan (default: SPEC §8's default plan).
    #[serde(default)]
    pub canary: Option<crate::rollout::PlanFile>,
    /// Blue-green: how long the post-promotion gate watches before the launch completes,
    /// seconds (default 3600).
    #[serde(default)]
    pub watch_seconds: Option<f64>,
}

/// The text of the built-in plan, as shipped (TOML, with its comments).
pub const BUILTIN_PLAN_TOML: &str = include_str!("../plans/default.toml");

/// The same plan as JSON, converted from the TOML by the build script.
const BUILTIN_PLAN_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/default_plan.json"));

impl DeploymentPlan {
    /// The strategy's six phases.
    pub fn builtin() -> Self {
        // Shipped inside the crate and parsed by a unit test.
        DeploymentPlan::parse(BUILTIN_PLAN_JSON, Format::Json)
            .expect("the built-in plan file is valid")
    }

    /// Parses and validates a plan: `invalid_plan` for unreadable text, no phases, a phase
    /// without a name or without checks, a health level outside 1–5, more than one `canary`
    /// phase, a `launch` phase that is not the last, a canary rollout plan that SPEC §8
    /// refuses, or a negative watch period.
    pub fn parse(text: &str, format: Format) -> Result<Self, PolicyError> {
        let plan: DeploymentPlan = crate::policy::parse_as(text, format)
            .map_err(|e| PolicyError::InvalidPlan(format!("could not read the plan: {e}")))?;
        if plan.phases.is_empty() {
            return Err(PolicyError::InvalidPlan(
                "a plan needs at least one phase".into(),
            ));
        }
        for (i, p) in plan.phases.iter().enumerate() {
            if p.name.is_empty()
                || p.technical.is_empty()
                    && p.liberation.is_empty()
                    && plan.liberation.checks.is_empty()
            {
                return Err(PolicyError::InvalidPlan(format!(
                    "phase {i} ({:?}) needs a name and at least one check",
                    p.name
                )));
            }
            if !(1..=5).contains(&p.health_level) {
                return Err(PolicyError::InvalidPlan(format!(
                    "phase {i} ({:?}): health_level {} is not a level from 1 to 5",
                    p.name, p.health_level
                )));
            }
            if p.kind == PhaseKind::Launch && i + 1 != plan.phases.len() {
                return Err(PolicyError::InvalidPlan(format!(
                    "phase {i} ({:?}): a launch phase must be the last",
                    p.name
                )));
            }
        }
        let canaries = plan.phases.iter().filter(|p| p.kind == PhaseKind::Canary);
        if canaries.count() > 1 {
            return Err(PolicyError::InvalidPlan(
                "a plan has at most one canary phase".into(),
            ));
        }
        plan.rollout_plan()?;
        if let Some(w) = plan.watch_seconds.filter(|w| !(w.is_finite() && *w >= 0.0)) {
            return Err(PolicyError::InvalidPlan(format!(
                "watch_seconds must be a finite number ≥ 0, got {w}"
            )));
        }
        Ok(plan)
    }

    /// The canary's rollout plan (SPEC §8's default when the plan gives none).
    pub fn rollout_plan(&self) -> Result<crate::rollout::RolloutPlan, PolicyError> {
        let Some(file) = &self.canary else {
            return Ok(crate::rollout::RolloutPlan::default());
        };
        crate::rollout::RolloutPlan::new(file.steps.clone())
            .and_then(|p| match file.gentle_step_seconds {
                Some(g) => p.with_gentle_step_seconds(g),
                None => Ok(p),
            })
            .map_err(|e| PolicyError::InvalidPlan(format!("canary: {}", e.message())))
    }

    /// Blue-green's post-promotion watch, seconds (default 3600).
    pub fn watch_seconds(&self) -> f64 {
        self.watch_seconds.unwrap_or(3600.0)
    }

    /// The liberation checks every phase shares.
    pub fn shared_liberation(&self) -> &[GateCheck] {
        &self.liberation.checks
    }

    /// Reads a plan file; the format from its extension (`.toml`, `.yaml`/`.yml`, `.json`).
    pub fn from_path(path: impl AsRef<std::path::Path>) -> Result<Self, PolicyError> {
        let (text, format) =
            crate::policy::read_file(path.as_ref(), "plan").map_err(PolicyError::InvalidPlan)?;
        DeploymentPlan::parse(&text, format)
    }

    /// The phase called `name`.
    pub fn phase(&self, name: &str) -> Option<PhaseView<'_>> {
        self.phases
            .iter()
            .find(|p| p.name == name)
            .map(|phase| PhaseView {
                phase,
                shared: &self.liberation.checks,
            })
    }

    /// Evaluates the phase called `name`; `invalid_plan` when the plan has no such phase.
    pub fn evaluate_phase(
        &self,
        name: &str,
        obs: &Observation,
    ) -> Result<PhaseResult, PolicyError> {
        self.phase(name)
            .map(|p| p.evaluate(obs))
            .ok_or_else(|| PolicyError::InvalidPlan(format!("no phase named {name:?}")))
    }

    /// Evaluates every phase, in order.
    pub fn evaluate_all(&self, obs: &Observation) -> Vec<PhaseResult> {
        self.phases
            .iter()
            .map(|p| p.evaluate_with(obs, &self.liberation.checks))
            .collect()
    }
}

/// A phase together with the plan's shared liberation checks.
#[derive(Debug, Clone, Copy)]
pub struct PhaseView<'a> {
    phase: &'a Phase,
    shared: &'a [GateCheck],
}

impl PhaseView<'_> {
    /// Evaluates the phase's technical checks and all liberation checks.
    pub fn evaluate(&self, obs: &Observation) -> PhaseResult {
        self.phase.evaluate_with(obs, self.shared)
    }

    /// The phase's name.
    pub fn name(&self) -> &str {
        &self.phase.name
    }
}
