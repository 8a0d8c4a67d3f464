//! The L1–L5 health hierarchy (SPEC §11).
//!
//! Levels: 1 infrastructure, 2 application, 3 business logic, 4 integration, 5 liberation
//! values. A model declares checks `{name, level, critical}` (`critical` defaults to `true`);
//! a status maps a check's name to `up`, `degraded` or `down`. A check without a status (or
//! with `null`) is `unknown`: **missing data is never healthy**.
//!
//! - A non-critical check that is `down` counts as `degraded`.
//! - A level's status is the worst of its checks by `down > unknown > degraded > up`; a level
//!   without checks is `up`. Every level above the lowest `down` level is `skipped`: what sits
//!   on a broken foundation cannot be trusted as healthy.
//! - `overall` is the worst status among the levels not skipped, and the gate's action
//!   follows: `down` → rollback, `unknown` → hold, `degraded` → alert, `up` → proceed.
//! - `failing` lists, in name order (UTF-8 bytes), every check — skipped levels included —
//!   that is `down` (critical) or `unknown`.
//!
//! ```
//! use liberation_gates::health::{HealthModel, HealthStatus};
//! let model = HealthModel::builtin();
//! let mut status: Vec<(String, Option<String>)> = model
//!     .checks()
//!     .iter()
//!     .map(|c| (c.name.clone(), Some("up".to_string())))
//!     .collect();
//! status[0].1 = Some("down".into()); // database, L1, critical
//! let report = model.evaluate(&status).unwrap();
//! assert_eq!(report.levels[0].status, HealthStatus::Down);
//! assert_eq!(report.levels[1].status, HealthStatus::Skipped);
//! assert_eq!(report.action.as_str(), "rollback");
//! assert_eq!(report.failing, ["database"]);
//! ```

use crate::error::HealthError;
use crate::num::Num;
use crate::policy::Action;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};

/// A level of the hierarchy, 1 (infrastructure) to 5 (liberation values).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// Infrastructure: database, cache, storage.
    L1 = 1,
    /// Application: API gateway, auth.
    L2 = 2,
    /// Business logic.
    L3 = 3,
    /// Integration between services.
    L4 = 4,
    /// Liberation values: creator sovereignty, community protection, trauma-informed UX,
    /// governance.
    L5 = 5,
}

impl Level {
    /// All levels, bottom up.
    pub const ALL: [Level; 5] = [Level::L1, Level::L2, Level::L3, Level::L4, Level::L5];

    /// The level's number, 1–5.
    pub fn number(self) -> u8 {
        self as u8
    }

    /// The level numbered `n` (a whole number 1–5; `2.0` counts as 2), or `None`.
    pub fn from_num(n: Num) -> Option<Level> {
        match n.as_count()? {
            1 => Some(Level::L1),
            2 => Some(Level::L2),
            3 => Some(Level::L3),
            4 => Some(Level::L4),
            5 => Some(Level::L5),
            _ => None,
        }
    }

    /// A name for people.
    pub fn name(self) -> &'static str {
        match self {
            Level::L1 => "infrastructure",
            Level::L2 => "application",
            Level::L3 => "business logic",
            Level::L4 => "integration",
            Level::L5 => "liberation values",
        }
    }
}

impl Serialize for Level {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u8(self.number())
    }
}

string_enum! {
    /// The status of a check, a level or the whole service.
    pub enum HealthStatus {
        /// Working.
        Up = "up",
        /// Working, but not well.
        Degraded = "degraded",
        /// Not working.
        Down = "down",
        /// No status reported: never counted as healthy.
        Unknown = "unknown",
        /// Not judged because a level below is down.
        Skipped = "skipped",
    }
}

impl HealthStatus {
    /// Rank for "worst wins": `down > unknown > degraded > up` (skipped never wins).
    fn rank(self) -> u8 {
        match self {
            HealthStatus::Down => 4,
            HealthStatus::Unknown => 3,
            HealthStatus::Degraded => 2,
            HealthStatus::Up => 1,
            HealthStatus::Skipped => 0,
        }
    }

    /// The worse of two statuses.
    pub fn worst(self, other: HealthStatus) -> HealthStatus {
        if other.rank() > self.rank() {
            other
        } else {
            self
        }
    }

    /// The gate's action for an overall status: `down` → rollback, `unknown` → hold,
    /// `degraded` → alert, `up` → proceed.
    pub fn action(self) -> Action {
        match self {
            HealthStatus::Down => Action::Rollback,
            HealthStatus::Unknown => Action::Hold,
            HealthStatus::Degraded => Action::Alert,
            HealthStatus::Up | HealthStatus::Skipped => Action::Proceed,
        }
    }

    /// A reported status: `up`, `degraded` or `down` (anything else is `invalid_status`).
    pub fn parse_reported(s: &str) -> Option<HealthStatus> {
        match s {
            "up" => Some(HealthStatus::Up),
            "degraded" => Some(HealthStatus::Degraded),
            "down" => Some(HealthStatus::Down),
            _ => None,
        }
    }
}

/// A declared check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckDef {
    /// The check's name.
    pub name: String,
    /// The level it belongs to.
    pub level: Level,
    /// A critical check that is down takes its level down; a non-critical one degrades it.
    pub critical: bool,
}

impl CheckDef {
    /// A critical check.
    pub fn critical(name: &str, level: Level) -> Self {
        CheckDef {
            name: name.into(),
            level,
            critical: true,
        }
    }

    /// A non-critical check.
    pub fn non_critical(name: &str, level: Level) -> Self {
        CheckDef {
            critical: false,
            ..CheckDef::critical(name, level)
        }
    }
}

/// A check as it arrives from data: `{name, level, critical?}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckInput {
    /// The check's name.
    pub name: String,
    /// The level, a whole number 1–5.
    pub level: Num,
    /// Whether a `down` status counts as `down` (default true) or as `degraded`.
    #[serde(default)]
    pub critical: Option<bool>,
}

/// The checks of a service, by level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HealthModel {
    checks: Vec<CheckDef>,
}

/// One level in a [`HealthReport`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LevelReport {
    /// The level.
    pub level: Level,
    /// The worst status of its checks.
    pub status: HealthStatus,
}

/// One check in a [`HealthReport`]: its reported status (or `unknown`), and what it counted
/// as (`degraded` for a non-critical check that is down).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckReport {
    /// The check's name.
    pub name: String,
    /// Its level.
    pub level: Level,
    /// The status given (`unknown` when none was).
    pub status: HealthStatus,
    /// What it counts as for its level (a non-critical `down` counts as `degraded`).
    pub counts_as: HealthStatus,
}

/// Aggregated health (SPEC §11's output, plus each check for dashboards).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HealthReport {
    /// Levels 1–5, in order.
    pub levels: Vec<LevelReport>,
    /// The worst status of all levels.
    pub overall: HealthStatus,
    /// What a deployment gate does with it.
    pub action: Action,
    /// Checks that are down (critical) or unknown, by name (UTF-8 byte order).
    pub failing: Vec<String>,
    /// Every declared check, in declaration order.
    pub checks: Vec<CheckReport>,
}

impl HealthReport {
    /// The status of `level`.
    pub fn level(&self, level: Level) -> HealthStatus {
        self.levels[level as usize - 1].status
    }
}

impl HealthModel {
    /// A model from declared checks. Each check in list order: a bad level is
    /// `invalid_check`, then an empty or repeated name `invalid_check` / `duplicate_check`.
    pub fn new(checks: Vec<CheckInput>) -> Result<Self, HealthError> {
        let mut seen = HashSet::new();
        let mut out = Vec::with_capacity(checks.len());
        for (i, c) in checks.into_iter().enumerate() {
            let level = Level::from_num(c.level).ok_or_else(|| {
                HealthError::InvalidCheck(format!(
                    "check {i} ({:?}): level {} is not a whole number from 1 to 5",
                    c.name,
                    c.level.as_f64()
                ))
            })?;
            if c.name.is_empty() {
                return Err(HealthError::InvalidCheck(format!(
                    "check {i}: the name is empty"
                )));
            }
            if !seen.insert(c.name.clone()) {
                return Err(HealthError::DuplicateCheck(format!(
                    "check {i}: {:?} is already declared",
                    c.name
                )));
            }
            out.push(CheckDef {
                name: c.name,
                level,
                critical: c.critical.unwrap_or(true),
            });
        }
        Ok(HealthModel { checks: out })
    }

    /// A model from checks already typed; the names must be distinct and non-empty.
    pub fn from_defs(checks: Vec<CheckDef>) -> Result<Self, HealthError> {
        Self::new(
            checks
                .into_iter()
                .map(|c| CheckInput {
                    name: c.name,
                    level: Num::Int(c.level as i128),
                    critical: Some(c.critical),
                })
                .collect(),
        )
    }

    /// The platform's checks, with the names the built-in policy and plan share:
    /// L1 `database`, `database_replica` (non-critical), `cache`, `storage`, `monitoring`
    /// (non-critical); L2 `api_gateway`, `auth`; L3 `business_logic`, `ivor`, `events_api`,
    /// `newsroom` (non-critical); L4 `integration`; L5 `creator_sovereignty`,
    /// `community_protection`, `trauma_informed_ux`, `governance`.
    pub fn builtin() -> Self {
        use Level::*;
        let (c, n) = (CheckDef::critical, CheckDef::non_critical);
        HealthModel {
            checks: vec![
                c("database", L1),
                n("database_replica", L1),
                c("cache", L1),
                c("storage", L1),
                n("monitoring", L1),
                c("api_gateway", L2),
                c("auth", L2),
                c("business_logic", L3),
                c("ivor", L3),
                c("events_api", L3),
                n("newsroom", L3),
                c("integration", L4),
                c("creator_sovereignty", L5),
                c("community_protection", L5),
                c("trauma_informed_ux", L5),
                c("governance", L5),
            ],
        }
    }

    /// Reads a health model file (TOML, YAML or JSON): `{checks: [{name, level, critical?}]}`.
    /// The model's own errors (`invalid_check`, `duplicate_check`), and `invalid_check` for
    /// text that is not a model.
    ///
    /// ```
    /// use liberation_gates::health::HealthModel;
    /// use liberation_gates::policy::Format;
    /// let m = HealthModel::parse(r#"{"checks": [{"name": "db", "level": 1}]}"#, Format::Json).unwrap();
    /// assert_eq!(m.checks()[0].name, "db");
    /// assert_eq!(HealthModel::parse("[]", Format::Json).unwrap_err().kind(), "invalid_check");
    /// ```
    pub fn parse(text: &str, format: crate::policy::Format) -> Result<Self, HealthError> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct ModelFile {
            checks: Vec<CheckInput>,
        }
        let file: ModelFile = crate::policy::parse_as(text, format)
            .map_err(|e| HealthError::InvalidCheck(format!("not a health model: {e}")))?;
        HealthModel::new(file.checks)
    }

    /// The checks, in declaration order.
    pub fn checks(&self) -> &[CheckDef] {
        &self.checks
    }

    /// Evaluates reported statuses (`name → "up" | "degraded" | "down"`, or `None` for
    /// `null`). Entries are checked in ascending order of their names' UTF-8 bytes: a name
    /// the model does not declare is `unknown_check`, then a value other than the three is
    /// `invalid_status`.
    pub fn evaluate<K: AsRef<str>, V: AsRef<str>>(
        &self,
        status: &[(K, Option<V>)],
    ) -> Result<HealthReport, HealthError> {
        let mut sorted: Vec<(&str, Option<&str>)> = status
            .iter()
            .map(|(k, v)| (k.as_ref(), v.as_ref().map(AsRef::as_ref)))
            .collect();
        sorted.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
        let mut reported = HashMap::with_capacity(sorted.len());
        for (name, value) in sorted {
            if !self.checks.iter().any(|c| c.name == name) {
                return Err(HealthError::UnknownCheck(format!(
                    "status for {name:?}, which no check declares"
                )));
            }
            if let Some(v) = value {
                let s = HealthStatus::parse_reported(v).ok_or_else(|| {
                    HealthError::InvalidStatus(format!(
                        "status of {name:?} is {v:?}: expected up, degraded, down or null"
                    ))
                })?;
                reported.insert(name, s);
            }
        }
        Ok(self.report(|name| reported.get(name).copied()))
    }

    /// Evaluates a status object as it arrives from JSON or a dynamic language:
    /// `{name: "up" | "degraded" | "down" | null}`. `null` is unknown; any other non-string
    /// value is `invalid_status` (reported in name order, as [`evaluate`](Self::evaluate)
    /// does), and so is a status that is not an object.
    pub fn evaluate_value(&self, status: &serde_json::Value) -> Result<HealthReport, HealthError> {
        let map = match status {
            serde_json::Value::Object(m) => m,
            serde_json::Value::Null => return self.evaluate::<&str, &str>(&[]),
            other => {
                return Err(HealthError::InvalidStatus(format!(
                    "status must be an object of check name to status, not {other}"
                )))
            }
        };
        let entries: Vec<(&str, Option<String>)> = map
            .iter()
            .map(|(k, v)| {
                let v = match v {
                    serde_json::Value::Null => None,
                    serde_json::Value::String(s) => Some(s.clone()),
                    other => Some(other.to_string()),
                };
                (k.as_str(), v)
            })
            .collect();
        self.evaluate(&entries)
    }

    /// Evaluates statuses already known by name (a deployment keeps the latest one of each
    /// check); a declared check with none is `unknown`, names the model does not declare are
    /// ignored.
    pub fn evaluate_known(&self, known: &BTreeMap<String, HealthStatus>) -> HealthReport {
        self.report(|name| known.get(name).copied())
    }

    /// Evaluates boolean check results as observations carry them (`true` up, `false` down);
    /// results for names the model does not declare are ignored.
    pub fn evaluate_checks(&self, checks: &HashMap<String, bool>) -> HealthReport {
        self.report(|name| {
            checks.get(name).map(|&ok| {
                if ok {
                    HealthStatus::Up
                } else {
                    HealthStatus::Down
                }
            })
        })
    }

    fn report(&self, status_of: impl Fn(&str) -> Option<HealthStatus>) -> HealthReport {
        let checks: Vec<CheckReport> = self
            .checks
            .iter()
            .map(|c| {
                let status = status_of(&c.name).unwrap_or(HealthStatus::Unknown);
                let counts_as = match status {
                    HealthStatus::Down if !c.critical => HealthStatus::Degraded,
                    s => s,
                };
                CheckReport {
                    name: c.name.clone(),
                    level: c.level,
                    status,
                    counts_as,
                }
            })
            .collect();
        let mut levels = Vec::with_capacity(5);
        let mut overall = HealthStatus::Up;
        let mut below_down = false;
        for level in Level::ALL {
            let status = if below_down {
                HealthStatus::Skipped
            } else {
                checks
                    .iter()
                    .filter(|c| c.level == level)
                    .fold(HealthStatus::Up, |acc, c| acc.worst(c.counts_as))
            };
            below_down |= status == HealthStatus::Down;
            overall = overall.worst(status);
            levels.push(LevelReport { level, status });
        }
        let failing: BTreeMap<&[u8], &str> = checks
            .iter()
            .filter(|c| matches!(c.counts_as, HealthStatus::Down | HealthStatus::Unknown))
            .map(|c| (c.name.as_bytes(), c.name.as_str()))
            .collect();
        HealthReport {
            levels,
            overall,
            action: overall.action(),
            failing: failing.into_values().map(str::to_string).collect(),
            checks,
        }
    }
}
