//! Feature flags under community control (SPEC §6).
//!
//! | kind | default | enable | disable | set_intensity |
//! |---|---|---|---|---|
//! | `protected` | on | free | decision | decision |
//! | `community` | off | decision | decision | decision |
//! | `always_on` | on | no-op | never (`always_on`) | free |
//! | `standard` | off | free | free | free |
//!
//! A decision is one the core made by tallying a proposal ([`VerifiedDecision`]); from a
//! dynamic language a decision made by hand is refused first with `unverified_decision`
//! ([`FlagSet::apply_with`]). It matches when its subject is `flag:<key>` and its action is
//! the operation's name. Checks, in order: `unknown_flag`, `invalid_op`, `invalid_intensity`,
//! `always_on`; then, where a decision is needed, `vote_required`, `decision_mismatch`,
//! `decision_not_passed` (also for a proposal that had not closed at the change's time). An
//! operation that changes nothing is accepted without a decision and not logged. A decision
//! given where none is needed is accepted, not checked, and recorded in the log. Every
//! accepted change is appended to the audit log.
//!
//! ```
//! use liberation_gates::flags::{FlagDef, FlagKind, FlagSet};
//! use liberation_gates::governance::Proposal;
//! let key = "creator_sovereignty_enforcement";
//! let mut flags = FlagSet::new(vec![FlagDef::new(key, FlagKind::Protected)]).unwrap();
//! let err = flags.disable(key, None, "ops", 0.0).unwrap_err();
//! assert_eq!(err.kind(), "vote_required");
//! let mut vote = Proposal::new(vec!["ana".into(), "ben".into()], "0.5", "0.5", 0.0, 10.0).unwrap();
//! vote.cast(1.0, "ana", "yes").unwrap();
//! let d = vote.decision(format!("flag:{key}"), "disable", 10.0);
//! flags.disable(key, Some(&d), "ops", 11.0).unwrap();
//! assert!(!flags.is_enabled(key).unwrap());
//! ```

use crate::bucket;
use crate::error::FlagError;
use crate::governance::{Decision, DecisionArg, VerifiedDecision};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

string_enum! {
    /// Who may change a flag, and how.
    pub enum FlagKind {
        /// Changes only with a passed community decision.
        Protected = "protected",
        /// Changes only with a passed community decision; its intensity too.
        Community = "community",
        /// Always on: it cannot be disabled, even by a vote.
        AlwaysOn = "always_on",
        /// Changed by operators, with an audit entry.
        Standard = "standard",
    }
    parse: "flag kind" => FlagError::InvalidFlag
}

impl FlagKind {
    /// Whether a flag of this kind is on when its definition does not say.
    pub fn default_enabled(self) -> bool {
        matches!(self, FlagKind::Protected | FlagKind::AlwaysOn)
    }

    fn needs_decision(self, op: FlagOp) -> bool {
        match (self, op) {
            (FlagKind::Protected, FlagOp::Enable) => false,
            (FlagKind::Protected, _) => true,
            (FlagKind::Community, _) => true,
            (FlagKind::AlwaysOn, _) | (FlagKind::Standard, _) => false,
        }
    }
}

string_enum! {
    /// The operations on a flag.
    pub enum FlagOp {
        /// Turns the flag on.
        Enable = "enable",
        /// Turns the flag off.
        Disable = "disable",
        /// Sets the flag's intensity, 0–1.
        SetIntensity = "set_intensity",
    }
    parse: "operation" => FlagError::InvalidOp
}

/// A flag's definition, as written in a policy file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FlagDef {
    /// The flag's key.
    pub key: String,
    /// `"protected"`, `"community"`, `"always_on"` or `"standard"`.
    #[schemars(with = "FlagKind")]
    pub kind: String,
    /// Whether it starts enabled (default true).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// Its starting intensity, 0–1 (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intensity: Option<f64>,
    /// Percent of users (by [bucketing](crate::bucket)) the flag reaches when enabled; absent
    /// means everyone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(alias = "rolloutPercent")]
    #[schemars(
        description = "Percent of users (by Unleash-compatible bucketing of their id) \
        the flag reaches when enabled; absent means everyone."
    )]
    pub rollout_percent: Option<f64>,
    /// What the flag is for, for people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

impl FlagDef {
    /// A flag of `kind` with its default state.
    pub fn new(key: impl Into<String>, kind: FlagKind) -> Self {
        FlagDef {
            key: key.into(),
            kind: kind.as_str().into(),
            enabled: None,
            intensity: None,
            rollout_percent: None,
            description: None,
        }
    }
}

/// How a change is authorised and attributed, as a dynamic language passes it
/// (see [`FlagSet::apply_with`]).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChangeOptions {
    /// The community decision that authorises a vote-gated change: a proposal with its
    /// votes, read by [`DecisionArg::from_value`] (a record made by hand is refused with
    /// `unverified_decision`).
    #[serde(default)]
    pub decision: Option<serde_json::Value>,
    /// Who made the change, for the audit log (default `""`).
    #[serde(default)]
    pub actor: Option<String>,
    /// When, seconds (default 0).
    #[serde(default)]
    pub t: Option<f64>,
}

/// A flag's current state.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct FlagState {
    /// The flag's kind.
    pub kind: FlagKind,
    /// Whether it is on.
    pub enabled: bool,
    /// Its intensity, 0–1.
    pub intensity: f64,
    /// Percent of users it is on for (bucketed by user id), or all when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rollout_percent: Option<f64>,
}

/// One accepted change: who, what, when, which decision.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditEntry {
    /// 1, 2, 3, … in the order changes were made.
    pub seq: u64,
    /// When the change was made.
    pub t: f64,
    /// Who made it.
    pub actor: String,
    /// The flag changed.
    pub key: String,
    /// What was done.
    pub op: FlagOp,
    /// The flag before the change.
    pub before: FlagState,
    /// The flag after the change.
    pub after: FlagState,
    /// The community decision that authorised it, when one was needed or given.
    pub decision: Option<Decision>,
}

/// A set of flags with its append-only audit log.
#[derive(Debug, Clone)]
pub struct FlagSet {
    order: Vec<String>,
    flags: HashMap<String, FlagState>,
    log: Vec<AuditEntry>,
}

fn check_intensity(v: f64) -> bool {
    (0.0..=1.0).contains(&v)
}

impl FlagSet {
    /// Builds a flag set. `invalid_flag` for a key named twice, an unknown kind, an intensity
    /// outside [0, 1], a rollout percent outside [0, 100], or an `always_on` flag declared
    /// disabled.
    pub fn new(defs: Vec<FlagDef>) -> Result<FlagSet, FlagError> {
        let mut order = Vec::with_capacity(defs.len());
        let mut flags = HashMap::with_capacity(defs.len());
        for d in defs {
            let kind: FlagKind = d.kind.parse().map_err(|e: FlagError| {
                FlagError::InvalidFlag(format!("flag {:?}: {}", d.key, e.message()))
            })?;
            if flags.contains_key(&d.key) {
                return Err(FlagError::InvalidFlag(format!(
                    "flag {:?} is defined twice",
                    d.key
                )));
            }
            let intensity = d.intensity.unwrap_or(1.0);
            if !check_intensity(intensity) {
                return Err(FlagError::InvalidFlag(format!(
                    "flag {:?}: intensity {intensity} is outside [0, 1]",
                    d.key
                )));
            }
            if let Some(p) = d.rollout_percent {
                if !(0.0..=100.0).contains(&p) {
                    return Err(FlagError::InvalidFlag(format!(
                        "flag {:?}: rollout_percent {p} is outside [0, 100]",
                        d.key
                    )));
                }
            }
            if kind == FlagKind::AlwaysOn && d.enabled == Some(false) {
                return Err(FlagError::InvalidFlag(format!(
                    "flag {:?} is always_on and cannot be declared disabled",
                    d.key
                )));
            }
            let enabled = d.enabled.unwrap_or(kind.default_enabled());
            order.push(d.key.clone());
            flags.insert(
                d.key,
                FlagState {
                    kind,
                    enabled,
                    intensity,
                    rollout_percent: d.rollout_percent,
                },
            );
        }
        Ok(FlagSet {
            order,
            flags,
            log: Vec::new(),
        })
    }

    /// The platform's flags: creator sovereignty enforcement (protected), democratic
    /// governance features (community), community protection mechanisms (always on),
    /// trauma-informed UX patterns (always on, with intensity), cultural celebration elements
    /// (standard).
    pub fn builtin() -> FlagSet {
        let defs = vec![
            FlagDef::new("creator_sovereignty_enforcement", FlagKind::Protected),
            FlagDef::new("democratic_governance", FlagKind::Community),
            FlagDef::new("community_protection", FlagKind::AlwaysOn),
            FlagDef {
                intensity: Some(1.0),
                ..FlagDef::new("trauma_informed_ux", FlagKind::AlwaysOn)
            },
            FlagDef::new("cultural_celebration", FlagKind::Standard),
        ];
        // The built-in definitions are valid by construction; an empty set is the only
        // alternative and is never returned in practice (covered by a unit test).
        FlagSet::new(defs).unwrap_or_else(|_| FlagSet {
            order: vec![],
            flags: HashMap::new(),
            log: vec![],
        })
    }

    fn get(&self, key: &str) -> Result<&FlagState, FlagError> {
        self.flags
            .get(key)
            .ok_or_else(|| FlagError::UnknownFlag(format!("no flag named {key:?}")))
    }

    /// The state of `key`.
    pub fn state(&self, key: &str) -> Result<FlagState, FlagError> {
        self.get(key).copied()
    }

    /// Whether `key` is enabled.
    pub fn is_enabled(&self, key: &str) -> Result<bool, FlagError> {
        Ok(self.get(key)?.enabled)
    }

    /// Whether `key` is enabled for `user_id`: enabled, and inside its rollout percentage
    /// (Unleash-compatible bucketing on the flag's key) when it has one.
    pub fn is_enabled_for(&self, key: &str, user_id: &str) -> Result<bool, crate::Error> {
        let f = self.get(key)?;
        if !f.enabled {
            return Ok(false);
        }
        match f.rollout_percent {
            None => Ok(true),
            // A bucketing error keeps its own kind (an empty user id is `invalid_id`).
            Some(p) => Ok(bucket::PercentageRollout {
                group: key.to_string(),
                percent: p,
            }
            .includes(user_id)?),
        }
    }

    /// The flag keys in definition order.
    pub fn keys(&self) -> &[String] {
        &self.order
    }

    /// The audit log, oldest first.
    pub fn log(&self) -> &[AuditEntry] {
        &self.log
    }

    /// `enable`.
    pub fn enable(
        &mut self,
        key: &str,
        decision: Option<&VerifiedDecision>,
        actor: &str,
        t: f64,
    ) -> Result<FlagState, FlagError> {
        self.apply(key, FlagOp::Enable, None, decision, actor, t)
    }

    /// `disable`.
    pub fn disable(
        &mut self,
        key: &str,
        decision: Option<&VerifiedDecision>,
        actor: &str,
        t: f64,
    ) -> Result<FlagState, FlagError> {
        self.apply(key, FlagOp::Disable, None, decision, actor, t)
    }

    /// `set_intensity {value}`.
    pub fn set_intensity(
        &mut self,
        key: &str,
        value: f64,
        decision: Option<&VerifiedDecision>,
        actor: &str,
        t: f64,
    ) -> Result<FlagState, FlagError> {
        self.apply(key, FlagOp::SetIntensity, Some(value), decision, actor, t)
    }

    /// [`apply_named`](Self::apply_named) with the options a dynamic language passes
    /// (`{decision?, actor?, t?}`; no actor is `""`, no time is 0).
    pub fn apply_with(
        &mut self,
        key: &str,
        op: &str,
        value: Option<f64>,
        options: &ChangeOptions,
    ) -> Result<FlagState, crate::Error> {
        let actor = options.actor.as_deref().unwrap_or("");
        let t = options.t.unwrap_or(0.0);
        let decision = options
            .decision
            .as_ref()
            .map(DecisionArg::from_value)
            .transpose()?;
        self.apply_arg(key, op, value, decision.as_ref(), actor, t)
    }

    /// [`apply_named`](Self::apply_named) with a decision as a dynamic language hands it over:
    /// verified first (`unverified_decision` for one made by hand; a proposal given whole is
    /// tallied at `t`).
    pub fn apply_arg(
        &mut self,
        key: &str,
        op: &str,
        value: Option<f64>,
        decision: Option<&DecisionArg>,
        actor: &str,
        t: f64,
    ) -> Result<FlagState, crate::Error> {
        let decision = decision
            .map(|d| d.verify(t, |m| FlagError::UnverifiedDecision(m).into()))
            .transpose()?;
        Ok(self.apply_named(key, op, value, decision.as_ref(), actor, t)?)
    }

    /// Applies an operation named by a string (`unknown_flag` is checked before `invalid_op`).
    pub fn apply_named(
        &mut self,
        key: &str,
        op: &str,
        value: Option<f64>,
        decision: Option<&VerifiedDecision>,
        actor: &str,
        t: f64,
    ) -> Result<FlagState, FlagError> {
        self.get(key)?;
        let op: FlagOp = op.parse()?;
        self.apply(key, op, value, decision, actor, t)
    }

    /// Applies an operation; a refused operation changes nothing.
    pub fn apply(
        &mut self,
        key: &str,
        op: FlagOp,
        value: Option<f64>,
        decision: Option<&VerifiedDecision>,
        actor: &str,
        t: f64,
    ) -> Result<FlagState, FlagError> {
        let before = *self.get(key)?;
        let mut after = before;
        match op {
            FlagOp::Enable => after.enabled = true,
            FlagOp::Disable => after.enabled = false,
            FlagOp::SetIntensity => {
                let v = value.ok_or_else(|| {
                    FlagError::InvalidIntensity("set_intensity needs a value".into())
                })?;
                if !check_intensity(v) {
                    return Err(FlagError::InvalidIntensity(format!(
                        "intensity {v} is outside [0, 1]"
                    )));
                }
                after.intensity = v;
            }
        }
        if before.kind == FlagKind::AlwaysOn && op == FlagOp::Disable {
            return Err(FlagError::AlwaysOn(format!(
                "flag {key:?} is always on and can never be disabled"
            )));
        }
        if after == before {
            return Ok(after);
        }
        if before.kind.needs_decision(op) {
            let d = decision.ok_or_else(|| {
                FlagError::VoteRequired(format!(
                    "{op} on {} flag {key:?} needs a passed community decision",
                    before.kind.as_str()
                ))
            })?;
            let subject = format!("flag:{key}");
            if d.subject != subject || d.action != op.as_str() {
                return Err(FlagError::DecisionMismatch(format!(
                    "decision is for {:?} / {:?}, not {subject:?} / {:?}",
                    d.subject,
                    d.action,
                    op.as_str()
                )));
            }
            if !d.passed() {
                return Err(FlagError::DecisionNotPassed(format!(
                    "decision on {subject:?} is {}, not passed",
                    d.status
                )));
            }
            if let Some(closed) = d.closed_at.filter(|&c| c > t) {
                return Err(FlagError::DecisionNotPassed(format!(
                    "the proposal on {subject:?} closed at t={closed}, after this change at t={t}"
                )));
            }
        }
        self.flags.insert(key.to_string(), after);
        let seq = self.log.len() as u64 + 1;
        tracing::info!(target: "liberation_gates::flags", key, op = op.as_str(), actor, t, enabled = after.enabled, intensity = after.intensity, "flag changed");
        self.log.push(AuditEntry {
            seq,
            t,
            actor: actor.to_string(),
            key: key.to_string(),
            op,
            before,
            after,
            decision: decision.map(|d| d.record().clone()),
        });
        Ok(after)
    }
}
