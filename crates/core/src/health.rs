//! The L1–L5 health hierarchy.
//!
//! Checks are named, each with a [`Level`] and a [`Criticality`]:
//! L1 infrastructure, L2 application, L3 business logic, L4 integration, L5 liberation values.
//! Each level's status aggregates its checks, worst wins — `down > degraded > up > unknown`, as
//! Spring Boot's status aggregator orders them — where a critical check that fails makes its
//! level `down` and a non-critical one makes it `degraded`; a check with no result is
//! `unknown`. Levels build on each other: when a level is down, every level above it is
//! reported `skipped` (not `up`: nothing above a broken foundation was meaningfully checked).
//!
//! ```
//! use liberation_gates::health::{HealthModel, HealthStatus, Level};
//! use std::collections::HashMap;
//! let model = HealthModel::builtin();
//! let mut results: HashMap<String, HealthStatus> =
//!     model.checks().iter().map(|c| (c.name.clone(), HealthStatus::Up)).collect();
//! results.insert("database".into(), HealthStatus::Down);
//! let report = model.evaluate(&results);
//! assert_eq!(report.level(Level::L1), Some(HealthStatus::Down));
//! assert_eq!(report.level(Level::L2), Some(HealthStatus::Skipped));
//! assert_eq!(report.overall, HealthStatus::Down);
//! ```

use crate::error::PolicyError;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// A level of the hierarchy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Level {
    /// Infrastructure: database, cache, storage.
    L1,
    /// Application: API gateway, auth.
    L2,
    /// Business logic.
    L3,
    /// Integration between services.
    L4,
    /// Liberation values: community protection, trauma-informed UX, creator sovereignty.
    L5,
}

impl Level {
    /// All levels, bottom up.
    pub const ALL: [Level; 5] = [Level::L1, Level::L2, Level::L3, Level::L4, Level::L5];

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

/// How much a failing check matters to its level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Criticality {
    /// Failing takes the level down.
    #[default]
    Critical,
    /// Failing degrades the level.
    NonCritical,
}

/// The status of a check, a level or the whole service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HealthStatus {
    Up,
    Degraded,
    Down,
    Unknown,
    /// Not evaluated because a level below is down.
    Skipped,
}

impl HealthStatus {
    /// Rank for "worst wins": down > degraded > up > unknown (skipped ranks lowest).
    fn rank(self) -> u8 {
        match self {
            HealthStatus::Down => 4,
            HealthStatus::Degraded => 3,
            HealthStatus::Up => 2,
            HealthStatus::Unknown => 1,
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

    /// `true` → up, `false` → down.
    pub fn from_bool(ok: bool) -> HealthStatus {
        if ok {
            HealthStatus::Up
        } else {
            HealthStatus::Down
        }
    }
}

/// A named check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckDef {
    pub name: String,
    pub level: Level,
    #[serde(default)]
    pub criticality: Criticality,
}

/// The checks of a service, by level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthModel {
    checks: Vec<CheckDef>,
}

/// One level in a [`HealthReport`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LevelReport {
    pub level: Level,
    pub status: HealthStatus,
    /// Each check's own status (its result, or `unknown`).
    pub checks: Vec<(String, HealthStatus)>,
}

/// Aggregated health.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HealthReport {
    pub levels: Vec<LevelReport>,
    pub overall: HealthStatus,
}

impl HealthReport {
    /// The status of `level`, if the model has checks there.
    pub fn level(&self, level: Level) -> Option<HealthStatus> {
        self.levels
            .iter()
            .find(|l| l.level == level)
            .map(|l| l.status)
    }
}

impl HealthModel {
    /// `invalid_policy` when a check name is empty or repeated.
    pub fn new(checks: Vec<CheckDef>) -> Result<Self, PolicyError> {
        let mut seen = std::collections::HashSet::new();
        for c in &checks {
            if c.name.is_empty() || !seen.insert(c.name.as_str()) {
                return Err(PolicyError::InvalidPolicy(format!(
                    "health check name {:?} is empty or repeated",
                    c.name
                )));
            }
        }
        Ok(HealthModel { checks })
    }

    /// The checks the default policy reads, at the levels the strategy gives them.
    pub fn builtin() -> Self {
        let c = |name: &str, level| CheckDef {
            name: name.into(),
            level,
            criticality: Criticality::Critical,
        };
        HealthModel {
            checks: vec![
                c("database", Level::L1),
                c("cache", Level::L1),
                c("storage", Level::L1),
                c("api_gateway", Level::L2),
                c("auth", Level::L2),
                c("business_logic", Level::L3),
                c("integration", Level::L4),
                c("community_protection", Level::L5),
                c("trauma_informed_ux", Level::L5),
            ],
        }
    }

    /// The checks.
    pub fn checks(&self) -> &[CheckDef] {
        &self.checks
    }

    /// Aggregates check results (a missing result is `unknown`).
    pub fn evaluate(&self, results: &HashMap<String, HealthStatus>) -> HealthReport {
        let mut levels = Vec::new();
        let mut below_down = false;
        let mut overall = HealthStatus::Unknown;
        for level in Level::ALL {
            let defs: Vec<&CheckDef> = self.checks.iter().filter(|c| c.level == level).collect();
            if defs.is_empty() {
                continue;
            }
            let checks: Vec<(String, HealthStatus)> = defs
                .iter()
                .map(|c| {
                    (
                        c.name.clone(),
                        results
                            .get(&c.name)
                            .copied()
                            .unwrap_or(HealthStatus::Unknown),
                    )
                })
                .collect();
            let status = if below_down {
                HealthStatus::Skipped
            } else {
                defs.iter()
                    .zip(&checks)
                    .fold(HealthStatus::Unknown, |acc, (d, (_, s))| {
                        let effective = match (s, d.criticality) {
                            (HealthStatus::Down, Criticality::NonCritical) => {
                                HealthStatus::Degraded
                            }
                            (s, _) => *s,
                        };
                        acc.worst(effective)
                    })
            };
            if status == HealthStatus::Down {
                below_down = true;
            }
            overall = overall.worst(status);
            levels.push(LevelReport {
                level,
                status,
                checks,
            });
        }
        HealthReport { levels, overall }
    }

    /// Aggregates boolean results (`true` up, `false` down), as observations carry them.
    pub fn evaluate_bools(&self, checks: &HashMap<String, bool>) -> HealthReport {
        let results = checks
            .iter()
            .map(|(k, &v)| (k.clone(), HealthStatus::from_bool(v)))
            .collect();
        self.evaluate(&results)
    }
}
