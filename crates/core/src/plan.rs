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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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

/// A phase of the plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Phase {
    /// The phase's name.
    pub name: String,
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

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SharedLiberation {
    #[serde(default)]
    checks: Vec<GateCheck>,
}

/// A deployment plan: phases in order, and liberation checks shared by every phase.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeploymentPlan {
    /// The plan's name.
    #[serde(default)]
    pub name: String,
    /// The phases, in order.
    pub phases: Vec<Phase>,
    #[serde(default)]
    liberation: SharedLiberation,
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

    /// Parses and validates a plan: `invalid_plan` for unreadable text, no phases, or a phase
    /// without a name or without checks.
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
        }
        Ok(plan)
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
