//! Deployment-safety policies as data, and the decision after each observation (SPEC §7).
//!
//! A [`Policy`] is a list of rules, read from TOML, YAML or JSON (one model, three formats).
//! Each rule is either a **threshold** rule over one metric (SPEC §2: `metric`, `op`,
//! `threshold`, `for_seconds`, optional `keep_firing_for_seconds`, `max_gap_seconds`), a
//! **check** rule (`checks = [...]`, fires as soon as a named check is `false`), or a
//! **burn-rate** rule over raw request and error counts (see [`crate::window::BurnRateRule`]).
//!
//! After each observation the [`PolicyDecision`] is: the highest-precedence action among the
//! firing rules (`rollback > gentle_rollback > consult > hold > alert > proceed`), the highest
//! severity among them (`critical > high > medium > none`), and the firing rule ids sorted.
//! A needed metric or check that is missing gives `hold` (unless something stronger fires) and
//! a reason `missing:<name>`; rules over missing data keep their state.
//!
//! ```
//! use liberation_gates::policy::{Action, Observation, Policy};
//! let mut eval = Policy::builtin().evaluator();
//! let obs = Observation::new(0.0)
//!     .metric("http_error_rate", 0.02).metric("response_time_degradation", 0.1)
//!     .metric("creator_share", 0.8).metric("governance_participation_drop", 0.0)
//!     .metric("capacity_utilization", 0.5)
//!     .checks(["database", "cache", "storage", "api_gateway", "auth", "business_logic",
//!              "integration", "community_protection", "trauma_informed_ux"], true);
//! let d = eval.observe(&obs).unwrap();
//! assert_eq!(d.action, Action::Alert);
//! assert_eq!(d.reasons, vec!["error_rate_alert"]);
//! ```

use crate::breaker::BreakerConfigInput;
use crate::error::PolicyError;
use crate::flags::FlagDef;
use crate::threshold::{Op, ThresholdRule};
use crate::window::BurnRateRule;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};
use std::str::FromStr;
use std::sync::OnceLock;

mod evaluator;
mod line;
pub use evaluator::{Evaluator, NameMap, Notification, Observation, PolicyDecision};

string_enum! {
    /// What the deployment strategy prescribes, in increasing precedence.
    #[derive(PartialOrd, Ord)]
    pub enum Action {
        /// Carry on.
        Proceed = "proceed",
        /// Carry on, and tell someone.
        Alert = "alert",
        /// Stop moving forward until the data comes back or the condition clears.
        Hold = "hold",
        /// Stop moving forward and ask the community.
        Consult = "consult",
        /// Step back down the rollout slowly, one step at a time.
        GentleRollback = "gentle_rollback",
        /// Roll back now.
        Rollback = "rollback",
    }
    parse: "action" => PolicyError::InvalidPolicy
}

string_enum! {
    /// How serious a decision is, in increasing order.
    #[derive(PartialOrd, Ord)]
    pub enum Severity {
        /// Nothing fired.
        None = "none",
        /// Worth a look.
        Medium = "medium",
        /// Needs attention now.
        High = "high",
        /// Harms people or the platform's promises: act now.
        Critical = "critical",
    }
    parse: "severity" => PolicyError::InvalidPolicy
}

/// A burn-rate rule as written in a policy file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BurnRateSpec {
    /// The metric holding the interval's request count.
    pub requests: String,
    /// The metric holding the interval's error count.
    pub errors: String,
    /// The burn-rate thresholds and windows.
    #[serde(flatten)]
    pub rule: BurnRateRule,
}

/// One rule as written in a policy file. Exactly one of `metric`, `checks` or `burn_rate`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    /// The rule's id, unique in the policy.
    pub id: String,
    /// What the rule is for, for people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// For a threshold rule: the metric compared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric: Option<String>,
    /// For a threshold rule: `">"`, `">="`, `"<"` or `"<="`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<crate::threshold::Op>")]
    pub op: Option<String>,
    /// For a threshold rule: the value compared with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold: Option<f64>,
    /// How long the condition must hold before the rule fires, seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub for_seconds: Option<f64>,
    /// How long the rule keeps firing after the condition clears, seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keep_firing_for_seconds: Option<f64>,
    /// The longest gap between samples the rule accepts, seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_gap_seconds: Option<f64>,
    /// For a checks rule: the checks that must all be true.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checks: Option<Vec<String>>,
    /// For a burn-rate rule: its counts and thresholds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub burn_rate: Option<BurnRateSpec>,
    /// What a firing rule asks for (`"rollback"`, `"hold"`, …).
    #[schemars(with = "Action")]
    pub action: String,
    /// How serious it is (`"critical"`, `"high"`, `"medium"`).
    #[schemars(with = "Severity")]
    pub severity: String,
    /// A rule guarding the platform's liberation values: a rollback it causes is announced to
    /// the community, and redeploying afterwards needs a community decision.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub liberation: bool,
}

/// A policy file: rules, and optionally the breakers and flags configured beside them.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicySpec {
    /// The policy's name.
    #[serde(default)]
    pub name: String,
    /// The policy's version.
    #[serde(default = "one")]
    pub version: u32,
    /// The rules.
    #[serde(default)]
    pub rules: Vec<RuleSpec>,
    /// Circuit breakers configured beside the rules, by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub breakers: BTreeMap<String, BreakerConfigInput>,
    /// Feature flags configured beside the rules.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flags: Vec<FlagDef>,
}

fn one() -> u32 {
    1
}

/// The formats a policy can be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// TOML.
    Toml,
    /// YAML.
    Yaml,
    /// JSON.
    Json,
}

impl Default for Format {
    /// The format a policy is written in when none is named: TOML where this build reads it,
    /// JSON otherwise (the WASM build).
    fn default() -> Self {
        if cfg!(feature = "toml") {
            Format::Toml
        } else {
            Format::Json
        }
    }
}

impl FromStr for Format {
    type Err = PolicyError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "toml" => Ok(Format::Toml),
            "yaml" | "yml" => Ok(Format::Yaml),
            "json" => Ok(Format::Json),
            other => Err(PolicyError::InvalidPolicy(format!(
                "unknown format {other:?}: expected toml, yaml or json"
            ))),
        }
    }
}

/// Reads a `what` file (policy, plan, …) and the format its extension names (`.toml`,
/// `.yaml`/`.yml`, `.json`); the error names the file.
pub(crate) fn read_file(path: &std::path::Path, what: &str) -> Result<(String, Format), String> {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    let format: Format = ext.parse().map_err(|_| {
        format!(
            "{}: unknown {what} file extension {ext:?} (use .toml, .yaml or .json)",
            path.display()
        )
    })?;
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok((text, format))
}

/// Parses TOML, YAML or JSON text into any serde model: the one place that knows the three
/// formats (policies, plans, policy tests and data files beside them all go through it).
/// The error is the parser's sentence (with its line and column where it gives them).
pub fn parse_as<T: serde::de::DeserializeOwned>(text: &str, format: Format) -> Result<T, String> {
    match format {
        #[cfg(feature = "toml")]
        Format::Toml => toml::from_str(text).map_err(|e| e.to_string().trim_end().to_string()),
        #[cfg(feature = "yaml")]
        Format::Yaml => {
            yaml_depth_within(text, MAX_NESTING)?;
            serde_norway::from_str(text).map_err(|e| e.to_string())
        }
        Format::Json => {
            // serde_json keeps the last of a repeated key; a file that says two things is
            // refused instead (TOML and YAML parsers refuse duplicates themselves).
            serde_json::from_str::<crate::num::NoDuplicateKeys>(text).map_err(|e| e.to_string())?;
            serde_json::from_str(text).map_err(|e| e.to_string())
        }
        #[allow(unreachable_patterns)]
        other => Err(format!("{other:?} support is not compiled into this build")),
    }
}

/// The deepest nesting a policy, plan or data file may have (serde_json's own limit).
pub const MAX_NESTING: usize = 128;

/// Fails fast on YAML nested deeper than `limit` levels, counting flow collections (`[`, `{`
/// outside quotes and comments) and block indentation, in one linear pass. The YAML parser
/// takes quadratic time on deep nesting (100,000 levels took 24 s) before any limit of its
/// own applies.
#[cfg_attr(not(feature = "yaml"), allow(dead_code))]
fn yaml_depth_within(text: &str, limit: usize) -> Result<(), String> {
    let too_deep = |line: usize| {
        Err(format!(
            "nesting deeper than {limit} levels at line {line}: refused before parsing"
        ))
    };
    let mut indents: Vec<usize> = Vec::new();
    let mut flow = 0usize;
    for (n, line) in text.lines().enumerate() {
        let body = line.trim_start_matches(' ');
        if flow == 0 && !body.is_empty() && !body.starts_with('#') {
            let indent = line.len() - body.len();
            while indents.last().is_some_and(|&top| top > indent) {
                indents.pop();
            }
            if indents.last().is_none_or(|&top| top < indent) {
                indents.push(indent);
            }
            // A "- " sequence entry opens a level inside its line too.
            if indents.len() + body.matches("- ").count() > limit {
                return too_deep(n + 1);
            }
        }
        let (mut single, mut double, mut prev) = (false, false, ' ');
        for c in line.chars() {
            match c {
                '\'' if !double => single = !single,
                '"' if !single && prev != '\\' => double = !double,
                '#' if !single && !double && (prev == ' ' || prev == '\t') => break,
                '[' | '{' if !single && !double => {
                    flow += 1;
                    if flow + indents.len() > limit {
                        return too_deep(n + 1);
                    }
                }
                ']' | '}' if !single && !double => flow = flow.saturating_sub(1),
                _ => {}
            }
            prev = c;
        }
    }
    Ok(())
}

/// Parses TOML, YAML or JSON text into a JSON value (for data files beside policies, such
/// as rollout plans, so all three formats reach the same serde model).
pub fn parse_value(text: &str, format: Format) -> Result<serde_json::Value, PolicyError> {
    parse_as(text, format)
        .map_err(|e| PolicyError::InvalidPolicy(format!("could not read the {format:?} file: {e}")))
}

/// The condition of a validated rule.
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    /// A metric compared with a threshold.
    Threshold {
        /// The metric.
        metric: String,
        /// The comparison and its durations.
        rule: ThresholdRule,
    },
    /// Checks that must all be true.
    Checks(Vec<String>),
    /// A multi-window burn rate over request and error counts.
    BurnRate {
        /// The metric counting requests.
        requests: String,
        /// The metric counting errors.
        errors: String,
        /// The objective, windows and burn rate.
        rule: BurnRateRule,
    },
}

/// A validated rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    /// The rule's id.
    pub id: String,
    /// When it fires.
    pub condition: Condition,
    /// What it asks for when it fires.
    pub action: Action,
    /// How serious it is.
    pub severity: Severity,
    /// Whether it protects creators or the community (its rollbacks notify the community and block redeploys).
    pub liberation: bool,
    /// What the rule is for, for people.
    pub description: Option<String>,
}

/// A validated policy.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    spec: PolicySpec,
    rules: Vec<Rule>,
}

/// The text of the built-in policy file, as shipped (TOML, with its comments).
pub const BUILTIN_TOML: &str = include_str!("../../policies/default.toml");

/// The same policy as JSON, converted from the TOML by the build script.
const BUILTIN_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/default_policy.json"));

impl Policy {
    /// The built-in liberation-safe policy of SPEC §7.
    pub fn builtin() -> Policy {
        static BUILTIN: OnceLock<Policy> = OnceLock::new();
        BUILTIN
            .get_or_init(|| {
                // The file ships inside the crate and a unit test parses it; failure here is a
                // build defect, not an input error.
                Policy::parse(BUILTIN_JSON, Format::Json)
                    .expect("the built-in policy file is valid")
            })
            .clone()
    }

    /// Parses and validates a policy in `format`.
    pub fn parse(text: &str, format: Format) -> Result<Policy, PolicyError> {
        let spec: PolicySpec = parse_as(text, format).map_err(|e| {
            PolicyError::InvalidPolicy(format!("could not read the {format:?} policy: {e}"))
        })?;
        Policy::from_spec(spec)
    }

    /// Reads a policy file, choosing the format from its extension (`.toml`, `.yaml`/`.yml`,
    /// `.json`).
    pub fn from_path(path: impl AsRef<std::path::Path>) -> Result<Policy, PolicyError> {
        let path = path.as_ref();
        let (text, format) = read_file(path, "policy").map_err(PolicyError::InvalidPolicy)?;
        Policy::parse(&text, format)
            .map_err(|e| PolicyError::InvalidPolicy(format!("{}: {}", path.display(), e.message())))
    }

    /// Validates a spec. Errors name the rule (by index and id) and the field.
    pub fn from_spec(spec: PolicySpec) -> Result<Policy, PolicyError> {
        if spec.rules.is_empty() {
            // An empty file (or JSON `[]`) would otherwise be a policy under which everything
            // proceeds.
            return Err(PolicyError::InvalidPolicy(
                "a policy needs at least one rule (this one has none)".into(),
            ));
        }
        let mut ids = HashSet::new();
        let mut rules = Vec::with_capacity(spec.rules.len());
        for (i, r) in spec.rules.iter().enumerate() {
            let bad = |field: &str, why: String| {
                PolicyError::InvalidPolicy(format!("rule {i} ({:?}): field `{field}`: {why}", r.id))
            };
            if r.id.is_empty() {
                return Err(bad("id", "must not be empty".into()));
            }
            if !ids.insert(r.id.as_str()) {
                return Err(bad("id", "is used by another rule".into()));
            }
            let action: Action = r
                .action
                .parse()
                .map_err(|e: PolicyError| bad("action", e.message().into()))?;
            let severity: Severity = r
                .severity
                .parse()
                .map_err(|e: PolicyError| bad("severity", e.message().into()))?;
            let kinds =
                r.metric.is_some() as u8 + r.checks.is_some() as u8 + r.burn_rate.is_some() as u8;
            if kinds != 1 {
                return Err(bad(
                    "metric",
                    "a rule needs exactly one of `metric`, `checks` or `burn_rate`".into(),
                ));
            }
            let threshold_only = [
                ("op", r.op.is_some()),
                ("threshold", r.threshold.is_some()),
                ("for_seconds", r.for_seconds.is_some()),
                (
                    "keep_firing_for_seconds",
                    r.keep_firing_for_seconds.is_some(),
                ),
                ("max_gap_seconds", r.max_gap_seconds.is_some()),
            ];
            let condition = if let Some(metric) = &r.metric {
                if metric.is_empty() {
                    return Err(bad("metric", "must not be empty".into()));
                }
                let op: Op =
                    r.op.as_deref()
                        .ok_or_else(|| bad("op", "is required for a metric rule".into()))?
                        .parse()
                        .map_err(|e: crate::error::ThresholdError| bad("op", e.message().into()))?;
                let rule = ThresholdRule {
                    op,
                    threshold: r
                        .threshold
                        .ok_or_else(|| bad("threshold", "is required for a metric rule".into()))?,
                    for_seconds: r.for_seconds.unwrap_or(0.0),
                    keep_firing_for_seconds: r.keep_firing_for_seconds.unwrap_or(0.0),
                    max_gap_seconds: r.max_gap_seconds,
                };
                rule.validate().map_err(|e| {
                    let field = [
                        "threshold",
                        "for_seconds",
                        "keep_firing_for_seconds",
                        "max_gap_seconds",
                    ]
                    .into_iter()
                    .find(|f| e.message().starts_with(f))
                    .unwrap_or("threshold");
                    bad(field, e.message().into())
                })?;
                Condition::Threshold {
                    metric: metric.clone(),
                    rule,
                }
            } else {
                if let Some((field, _)) = threshold_only.iter().find(|(_, set)| *set) {
                    return Err(bad(field, "only applies to a metric rule".into()));
                }
                if let Some(checks) = &r.checks {
                    if checks.is_empty() || checks.iter().any(|c| c.is_empty()) {
                        return Err(bad(
                            "checks",
                            "must list at least one non-empty check name".into(),
                        ));
                    }
                    Condition::Checks(checks.clone())
                } else {
                    let b = r
                        .burn_rate
                        .as_ref()
                        .ok_or_else(|| bad("burn_rate", "missing".into()))?;
                    b.rule
                        .validate()
                        .map_err(|e| bad("burn_rate", e.message().into()))?;
                    if b.requests.is_empty() || b.errors.is_empty() {
                        return Err(bad(
                            "burn_rate",
                            "`requests` and `errors` must name metrics".into(),
                        ));
                    }
                    Condition::BurnRate {
                        requests: b.requests.clone(),
                        errors: b.errors.clone(),
                        rule: b.rule,
                    }
                }
            };
            rules.push(Rule {
                id: r.id.clone(),
                condition,
                action,
                severity,
                liberation: r.liberation,
                description: r.description.clone(),
            });
        }
        for (name, b) in &spec.breakers {
            crate::breaker::BreakerConfig::try_from(b.clone()).map_err(|e| {
                PolicyError::InvalidPolicy(format!("breaker {name:?}: {}", e.message()))
            })?;
        }
        if !spec.flags.is_empty() {
            crate::flags::FlagSet::new(spec.flags.clone())
                .map_err(|e| PolicyError::InvalidPolicy(format!("flags: {}", e.message())))?;
        }
        Ok(Policy { spec, rules })
    }

    /// The rules.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// The spec as read (for writing it back out).
    pub fn spec(&self) -> &PolicySpec {
        &self.spec
    }

    /// Writes the policy in `format`.
    pub fn to_string_as(&self, format: Format) -> Result<String, PolicyError> {
        let bad = |e: String| {
            PolicyError::InvalidPolicy(format!("could not write the policy as {format:?}: {e}"))
        };
        match format {
            #[cfg(feature = "toml")]
            Format::Toml => toml::to_string_pretty(&self.spec).map_err(|e| bad(e.to_string())),
            #[cfg(feature = "yaml")]
            Format::Yaml => serde_norway::to_string(&self.spec).map_err(|e| bad(e.to_string())),
            Format::Json => {
                serde_json::to_string_pretty(&self.spec).map_err(|e| bad(e.to_string()))
            }
            #[allow(unreachable_patterns)]
            other => Err(bad(format!(
                "{other:?} support is not compiled into this build"
            ))),
        }
    }

    /// The breakers configured in the policy file, validated.
    pub fn breakers(&self) -> Vec<(String, crate::breaker::BreakerConfig)> {
        self.spec
            .breakers
            .iter()
            .filter_map(|(n, b)| {
                crate::breaker::BreakerConfig::try_from(b.clone())
                    .ok()
                    .map(|c| (n.clone(), c))
            })
            .collect()
    }

    /// The names of the breakers the policy file configures, sorted.
    pub fn breaker_names(&self) -> Vec<String> {
        self.spec.breakers.keys().cloned().collect()
    }

    /// The config of the breaker called `name` in the policy file; `unknown_breaker` when the
    /// file configures none of that name.
    pub fn breaker_config(
        &self,
        name: &str,
    ) -> Result<crate::breaker::BreakerConfig, crate::error::BreakerError> {
        let input = self.spec.breakers.get(name).ok_or_else(|| {
            crate::error::BreakerError::UnknownBreaker(format!(
                "the policy configures no breaker {name:?} (it has: {})",
                self.breaker_names().join(", ")
            ))
        })?;
        crate::breaker::BreakerConfig::try_from(input.clone())
    }

    /// The flags defined in the policy file.
    pub fn flags(&self) -> Result<crate::flags::FlagSet, crate::error::FlagError> {
        crate::flags::FlagSet::new(self.spec.flags.clone())
    }

    /// Every metric and check the policy reads, sorted: `(metrics, checks)`.
    pub fn inputs(&self) -> (Vec<String>, Vec<String>) {
        let (mut m, mut c) = (Vec::new(), Vec::new());
        for r in &self.rules {
            match &r.condition {
                Condition::Threshold { metric, .. } => m.push(metric.clone()),
                Condition::Checks(cs) => c.extend(cs.iter().cloned()),
                Condition::BurnRate {
                    requests, errors, ..
                } => {
                    m.push(requests.clone());
                    m.push(errors.clone());
                }
            }
        }
        for v in [&mut m, &mut c] {
            v.sort();
            v.dedup();
        }
        (m, c)
    }

    /// The liberation rules behind a rollback decision (sorted ids): the firing rules marked
    /// `liberation` whose own action is a rollback. Empty for a technical rollback or any
    /// other decision.
    pub fn liberation_cause(&self, d: &PolicyDecision) -> Vec<String> {
        if !matches!(d.action, Action::Rollback | Action::GentleRollback) {
            return Vec::new();
        }
        self.rules
            .iter()
            .filter(|r| {
                r.liberation
                    && matches!(r.action, Action::Rollback | Action::GentleRollback)
                    && d.reasons.contains(&r.id)
            })
            .map(|r| r.id.clone())
            .collect()
    }

    /// Each liberation rule of the policy (in the policy's order) as an observation and the
    /// decision on it left it: failing when the rule is among the decision's reasons,
    /// unknown when an input it reads was missing (or nothing was observed yet), holding
    /// otherwise; with the metric's value and the checks it reads.
    pub fn liberation_status(
        &self,
        last: Option<(&Observation, &PolicyDecision)>,
    ) -> Vec<LiberationStatus> {
        self.rules
            .iter()
            .filter(|r| r.liberation)
            .map(|r| {
                let (metric, checks): (Option<&str>, &[String]) = match &r.condition {
                    Condition::Threshold { metric, .. } => (Some(metric), &[]),
                    Condition::Checks(cs) => (None, cs),
                    Condition::BurnRate { errors, .. } => (Some(errors), &[]),
                };
                let value = metric.and_then(|m| last.and_then(|(o, _)| o.metrics.get(m).copied()));
                let checks: BTreeMap<String, Option<bool>> = checks
                    .iter()
                    .map(|c| (c.clone(), last.and_then(|(o, _)| o.checks.get(c).copied())))
                    .collect();
                let status = match last {
                    Some((_, d)) if d.reasons.contains(&r.id) => LiberationHealth::Failing,
                    Some(_) if metric.is_some() && value.is_none() => LiberationHealth::Unknown,
                    Some(_) if checks.values().any(Option::is_none) => LiberationHealth::Unknown,
                    Some(_) => LiberationHealth::Holding,
                    None => LiberationHealth::Unknown,
                };
                LiberationStatus {
                    rule: r.id.clone(),
                    description: r.description.clone(),
                    status,
                    action: r.action,
                    metric: metric.map(str::to_string),
                    value,
                    checks,
                }
            })
            .collect()
    }

    /// A fresh evaluator (all rules inactive).
    pub fn evaluator(&self) -> Evaluator {
        Evaluator::new(self.clone())
    }
}

string_enum! {
    /// Where a liberation rule stands at the last observation.
    pub enum LiberationHealth {
        /// Observed, and the rule did not fire.
        Holding = "holding",
        /// The rule fired (its action is the policy's: rollback, gentle rollback, consult).
        Failing = "failing",
        /// Not observed yet, or an input the rule reads was missing.
        Unknown = "unknown",
    }
}

/// A liberation rule of the policy, as the last observation left it: what the strategy's
/// liberation dashboard shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LiberationStatus {
    /// The rule's id (`creator_sovereignty`, `community_protection`, …).
    pub rule: String,
    /// What it protects, for people.
    pub description: Option<String>,
    /// Holding, failing or unknown.
    pub status: LiberationHealth,
    /// What the policy asks for when it fires.
    pub action: Action,
    /// The metric it reads, for a threshold rule (`creator_share`).
    pub metric: Option<String>,
    /// That metric's last observed value.
    pub value: Option<f64>,
    /// The checks it reads, with their last observed values (`None`: never observed).
    pub checks: BTreeMap<String, Option<bool>>,
}
