//! Community flags resolved the way a feature-flag SDK asks for them (OpenFeature's
//! resolution details, issue 20): a value, a reason, an error code, and metadata naming the
//! flag's kind and the community decision that last changed it. Every language's OpenFeature
//! provider is a translation of these results; the rules are here.
//!
//! - **Boolean** = the flag's enabled state. A disabled flag is `false` (`DISABLED`); an
//!   enabled flag without a rollout is `true` (`STATIC`); with a rollout percentage the
//!   evaluation's targeting key is bucketed as [`FlagSet::is_enabled_for`] does (`SPLIT`), and
//!   without a targeting key it is the error `TARGETING_KEY_MISSING`.
//! - **Number** = the flag's intensity (`STATIC`); a disabled flag is `0.0` (`DISABLED`): a
//!   feature that is off runs at no intensity, in every language, whatever default the caller
//!   gave (OpenFeature's Rust SDK does not pass one).
//! - Any other type is `TYPE_MISMATCH`; an unknown key is `FLAG_NOT_FOUND`. An error resolves
//!   to the caller's default with reason `ERROR`.

use crate::bucket::PercentageRollout;
use crate::flags::{FlagKind, FlagSet, FlagState};
use serde::Serialize;

string_enum! {
    /// Why a flag resolved to its value (OpenFeature's reasons).
    pub enum Reason {
        /// The flag's own state, with no evaluation of the caller.
        Static = "STATIC",
        /// A rule matched the caller (Unleash strategies; not used by community flags alone).
        TargetingMatch = "TARGETING_MATCH",
        /// The caller's bucket in a percentage rollout.
        Split = "SPLIT",
        /// The flag is disabled.
        Disabled = "DISABLED",
        /// The caller's default, with nothing evaluated.
        Default = "DEFAULT",
        /// The flag could not be resolved: see the error.
        Error = "ERROR",
    }
}

string_enum! {
    /// Why a flag could not be resolved (OpenFeature's error codes).
    pub enum ResolveError {
        /// No flag has the key.
        FlagNotFound = "FLAG_NOT_FOUND",
        /// The flag cannot be read as the type asked for.
        TypeMismatch = "TYPE_MISMATCH",
        /// A percentage rollout needs the evaluation's targeting key, and none was given.
        TargetingKeyMissing = "TARGETING_KEY_MISSING",
    }
}

/// What the flag is, beside its value: its kind, and the community decision that last changed
/// it (`"action subject (status)"`), if one did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FlagMetadata {
    /// The flag's kind (`protected`, `community`, `always_on`, `standard`).
    pub kind: FlagKind,
    /// The decision behind the flag's last change, e.g. `"disable flag:x (passed)"`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decision: Option<String>,
}

/// A flag resolved for one evaluation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Resolution<T> {
    /// The value, or `None` for the caller's default (when there is an error).
    pub value: Option<T>,
    /// Why.
    pub reason: Reason,
    /// The error, when the flag could not be resolved.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<ResolveError>,
    /// What went wrong, for people.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The flag's kind and last decision (absent for an unknown key).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<FlagMetadata>,
}

impl<T> Resolution<T> {
    /// The same resolution with its value mapped.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Resolution<U> {
        Resolution {
            value: self.value.map(f),
            reason: self.reason,
            error: self.error,
            message: self.message,
            metadata: self.metadata,
        }
    }

    fn ok(value: Option<T>, reason: Reason, metadata: FlagMetadata) -> Self {
        Resolution {
            value,
            reason,
            error: None,
            message: None,
            metadata: Some(metadata),
        }
    }

    fn error(error: ResolveError, message: String, metadata: Option<FlagMetadata>) -> Self {
        Resolution {
            value: None,
            reason: Reason::Error,
            error: Some(error),
            message: Some(message),
            metadata,
        }
    }
}

impl FlagSet {
    /// What a resolution of `key` reports about the flag (its kind and the decision behind
    /// its last change), or `None` when the set has no such flag.
    pub(crate) fn metadata(&self, key: &str) -> Option<FlagMetadata> {
        let state = self.state(key).ok()?;
        let decision = self.log().iter().rev().find(|e| e.key == key);
        let decision = decision
            .and_then(|e| e.decision.as_ref())
            .map(|d| format!("{} {} ({})", d.action, d.subject, d.status.as_str()));
        Some(FlagMetadata {
            kind: state.kind,
            decision,
        })
    }

    /// The state and metadata of `key`, or the `FLAG_NOT_FOUND` resolution.
    fn found<T>(&self, key: &str) -> Result<(FlagState, FlagMetadata), Resolution<T>> {
        match (self.state(key), self.metadata(key)) {
            (Ok(state), Some(metadata)) => Ok((state, metadata)),
            _ => {
                let message = format!("no flag named {key:?}");
                Err(Resolution::error(ResolveError::FlagNotFound, message, None))
            }
        }
    }

    /// `key` as a boolean for the evaluation whose targeting key is `targeting_key`.
    pub fn resolve_bool(&self, key: &str, targeting_key: Option<&str>) -> Resolution<bool> {
        let (state, metadata) = match self.found(key) {
            Ok(found) => found,
            Err(r) => return r,
        };
        if !state.enabled {
            return Resolution::ok(Some(false), Reason::Disabled, metadata);
        }
        let Some(percent) = state.rollout_percent else {
            return Resolution::ok(Some(true), Reason::Static, metadata);
        };
        let Some(id) = targeting_key.filter(|k| !k.is_empty()) else {
            let message = format!("flag {key:?} rolls out to {percent}% of users by targeting key");
            return Resolution::error(ResolveError::TargetingKeyMissing, message, Some(metadata));
        };
        let rollout = PercentageRollout {
            group: key.to_string(),
            percent,
        };
        match rollout.includes(id) {
            Ok(inside) => Resolution::ok(Some(inside), Reason::Split, metadata),
            // A key bucketing refuses (too long, say) cannot be placed: no targeting key.
            Err(e) => {
                let message = format!("targeting key: {e}");
                Resolution::error(ResolveError::TargetingKeyMissing, message, Some(metadata))
            }
        }
    }

    /// `key` as a number: its intensity, or `0.0` while it is disabled.
    pub fn resolve_number(&self, key: &str) -> Resolution<f64> {
        match self.found(key) {
            Err(r) => r,
            Ok((s, m)) if s.enabled => Resolution::ok(Some(s.intensity), Reason::Static, m),
            Ok((_, m)) => Resolution::ok(Some(0.0), Reason::Disabled, m),
        }
    }

    /// `key` asked for as a value of `as_type`: `"boolean"` ([`FlagSet::resolve_bool`], for
    /// `targeting_key`), `"number"` ([`FlagSet::resolve_number`]), anything else
    /// ([`FlagSet::resolve_other`]); the value as JSON. What the Python and Node providers call.
    pub fn resolve(
        &self,
        key: &str,
        targeting_key: Option<&str>,
        as_type: &str,
    ) -> Resolution<serde_json::Value> {
        match as_type {
            "boolean" => self.resolve_bool(key, targeting_key).map(Into::into),
            "number" => self.resolve_number(key).map(Into::into),
            other => self.resolve_other(key, &format!("a {other}")),
        }
    }

    /// `key` asked for as another type (a string, an object, an integer): `TYPE_MISMATCH`, or
    /// `FLAG_NOT_FOUND` for an unknown key.
    pub fn resolve_other<T>(&self, key: &str, asked_for: &str) -> Resolution<T> {
        match self.found(key) {
            Err(r) => r,
            Ok((_, m)) => {
                let message = format!(
                    "flag {key:?} is a boolean (enabled) with a number (intensity), not {asked_for}"
                );
                Resolution::error(ResolveError::TypeMismatch, message, Some(m))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_flags_resolve_and_unknown_keys_are_not_found() {
        let flags = FlagSet::builtin();
        let r = flags.resolve_bool("creator_sovereignty_enforcement", None);
        assert_eq!((r.value, r.reason), (Some(true), Reason::Static));
        assert_eq!(r.metadata.map(|m| m.kind), Some(FlagKind::Protected));
        let r = flags.resolve_bool("no_such_flag", Some("u"));
        assert_eq!((r.value, r.error), (None, Some(ResolveError::FlagNotFound)));
        let r: Resolution<String> =
            flags.resolve_other("creator_sovereignty_enforcement", "a string");
        assert_eq!(
            (r.reason, r.error),
            (Reason::Error, Some(ResolveError::TypeMismatch))
        );
    }
}
