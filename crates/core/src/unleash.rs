//! Unleash-compatible flag evaluation (issue 21): a toggle state as Unleash's client API serves
//! it, evaluated as Unleash's SDKs do, and proven by Unleash's own client specification
//! (`tests/external/unleash`).
//!
//! - **State**: the `features` document (`{version, features, segments}`), or a delta
//!   document (`{events: [...]}`: `hydration`, `feature-updated`, `feature-removed`,
//!   `segment-updated`, `segment-removed`, applied in order).
//! - **Enabled**: a missing or disabled toggle is off; so is one whose dependencies do not hold
//!   (a parent must exist and have no parents of its own; `enabled: false` asks for the parent
//!   to be off; `variants` for one of the parent's variants); a toggle with no strategies is on;
//!   otherwise the first strategy whose segments' and own constraints all hold and whose rule
//!   says yes turns it on. Unknown strategies say no.
//! - **Strategies**: `default`, `userWithId`, `gradualRolloutUserId`, `gradualRolloutSessionId`,
//!   `gradualRolloutRandom`, `flexibleRollout` (stickiness `default` = user, then session, then
//!   random; `userId`, `sessionId`, `random` or any context field; `groupId` defaulting to the
//!   toggle's name, where the legacy gradual rollouts default it to empty), `remoteAddress` (IPs and CIDR ranges) and `applicationHostname` (the
//!   context property `hostname`, else the `HOSTNAME` environment variable). Percentages use
//!   [`crate::bucket`]'s `normalizedHash` (murmur3 of `group:id`, mod 100, plus 1).
//! - **Constraints**: `IN`, `NOT_IN`, `STR_STARTS_WITH`, `STR_ENDS_WITH`, `STR_CONTAINS`
//!   (`caseInsensitive`), `NUM_EQ/GT/GTE/LT/LTE`, `DATE_AFTER/BEFORE` (RFC 3339; `currentTime`
//!   defaults to now), `SEMVER_EQ/GT/GTE/LT/LTE` (strict semantic versions), `REGEX` (no
//!   lookaround or backreferences: such a pattern, like any invalid one, never matches) and
//!   `IN_CIDR`; `inverted` negates the operator's answer. An unknown operator, a missing context
//!   value (but for `NOT_IN`) and an unreadable number, date or version are false.
//! - **Variants**: a strategy's variants when the strategy that enabled the toggle has any,
//!   else the toggle's; an override naming the context wins; otherwise the variant whose
//!   cumulative weight first reaches `normalizedHash(stickiness value, group, total weight,
//!   seed 86028157)`. A toggle that is off gives the `disabled` variant with `feature_enabled:
//!   false`; one that is on without variants gives `disabled` with `feature_enabled: true`.
//!
//! ```
//! use liberation_gates::unleash::{Context, Toggles};
//! let state = r#"{"version": 1, "features": [{"name": "cards", "enabled": true,
//!   "strategies": [{"name": "userWithId", "parameters": {"userIds": "amara, kofi"}}]}]}"#;
//! let toggles = Toggles::from_json(state).unwrap();
//! let amara = Context { user_id: Some("amara".into()), ..Context::default() };
//! assert!(toggles.is_enabled("cards", &amara));
//! assert!(!toggles.is_enabled("cards", &Context::default()));
//! assert_eq!(toggles.get_variant("cards", &amara).name, "disabled");
//! ```

use crate::error::FlagError;
use crate::flags::{FlagKind, FlagSet};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasher, Hasher};
use std::net::IpAddr;
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};

/// The seed Unleash's SDKs hash variant stickiness with.
pub const VARIANT_SEED: u32 = 86_028_157;

/// A context value: a string, or a number or boolean written as text; null is absent.
fn lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    match Value::deserialize(d)? {
        v @ (Value::Array(_) | Value::Object(_)) => Err(serde::de::Error::custom(format!(
            "expected a string, a number or a boolean, got {v}"
        ))),
        v => Ok(text_of(&v)),
    }
}

fn text_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Who is asking: Unleash's context fields, and any other as a property.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Context {
    /// The user.
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub user_id: Option<String>,
    /// The session.
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub session_id: Option<String>,
    /// The caller's IP address.
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub remote_address: Option<String>,
    /// The environment (`production`, …).
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub environment: Option<String>,
    /// The application.
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub app_name: Option<String>,
    /// The time of the evaluation, RFC 3339 (default: now).
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub current_time: Option<String>,
    /// Any other field, by name.
    #[serde(default)]
    pub properties: BTreeMap<String, Value>,
}

impl Context {
    /// Reads a context from its JSON form (`{userId, sessionId, …, properties}`).
    pub fn from_json(text: &str) -> Result<Context, FlagError> {
        serde_json::from_str(text).map_err(|e| FlagError::InvalidContext(e.to_string()))
    }

    /// The value of the field `name`: a standard field when set and not empty, else the
    /// property of that name (as text; null and empty are absent), as Unleash's SDKs resolve it.
    pub fn value(&self, name: &str) -> Option<String> {
        let standard = match name {
            "userId" => self.user_id.as_ref(),
            "sessionId" => self.session_id.as_ref(),
            "remoteAddress" => self.remote_address.as_ref(),
            "environment" => self.environment.as_ref(),
            "appName" => self.app_name.as_ref(),
            "currentTime" => self.current_time.as_ref(),
            _ => None,
        };
        match standard.filter(|s| !s.is_empty()) {
            Some(s) => Some(s.clone()),
            None => self
                .properties
                .get(name)
                .and_then(text_of)
                .filter(|s| !s.is_empty()),
        }
    }
}

/// A constraint on the context.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Constraint {
    context_name: String,
    operator: String,
    #[serde(default)]
    values: Vec<Value>,
    #[serde(default, deserialize_with = "lenient")]
    value: Option<String>,
    #[serde(default)]
    inverted: bool,
    #[serde(default)]
    case_insensitive: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Override {
    context_name: String,
    #[serde(default)]
    values: Vec<Value>,
}

/// A variant of a toggle or a strategy.
#[derive(Debug, Clone, Deserialize)]
struct VariantDef {
    name: String,
    #[serde(default)]
    weight: i64,
    #[serde(default)]
    payload: Option<Value>,
    #[serde(default)]
    stickiness: Option<String>,
    #[serde(default)]
    overrides: Vec<Override>,
}

#[derive(Debug, Clone, Deserialize)]
struct Strategy {
    name: String,
    #[serde(default)]
    parameters: BTreeMap<String, Value>,
    #[serde(default)]
    constraints: Vec<Constraint>,
    #[serde(default)]
    segments: Vec<i64>,
    #[serde(default)]
    variants: Vec<VariantDef>,
    #[serde(default)]
    disabled: bool,
}

#[derive(Debug, Clone, Deserialize)]
struct Dependency {
    feature: String,
    #[serde(default)]
    enabled: Option<bool>,
    #[serde(default)]
    variants: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
struct Feature {
    name: String,
    #[serde(default)]
    enabled: bool,
    #[serde(default)]
    strategies: Vec<Strategy>,
    #[serde(default)]
    variants: Vec<VariantDef>,
    #[serde(default)]
    dependencies: Vec<Dependency>,
}

#[derive(Debug, Clone, Deserialize)]
struct Segment {
    id: i64,
    #[serde(default)]
    constraints: Vec<Constraint>,
}

#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
enum Event {
    Hydration {
        #[serde(default)]
        features: Vec<Feature>,
        #[serde(default)]
        segments: Vec<Segment>,
    },
    FeatureUpdated {
        feature: Feature,
    },
    #[serde(rename_all = "camelCase")]
    FeatureRemoved {
        feature_name: String,
    },
    SegmentUpdated {
        segment: Segment,
    },
    #[serde(rename_all = "camelCase")]
    SegmentRemoved {
        segment_id: i64,
    },
}

#[derive(Debug, Deserialize)]
struct Document {
    #[serde(default)]
    features: Vec<Feature>,
    #[serde(default)]
    segments: Vec<Segment>,
    #[serde(default)]
    events: Option<Vec<Event>>,
}

/// A state document: a JSON object (serde would also read a struct from an array).
fn document(text: &str) -> Result<Document, FlagError> {
    let bad = FlagError::InvalidToggleState;
    let v: Value = serde_json::from_str(text).map_err(|e| bad(e.to_string()))?;
    if !v.is_object() {
        return Err(bad(
            "a toggle state is a JSON object with `features` or `events`".into(),
        ));
    }
    Document::deserialize(v).map_err(|e| bad(e.to_string()))
}

/// A variant as Unleash's SDKs give it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Variant {
    /// Its name (`disabled` when none applies).
    pub name: String,
    /// Whether a variant applies.
    pub enabled: bool,
    /// Whether the toggle is enabled.
    pub feature_enabled: bool,
    /// Its payload (`{type, value}`), when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payload: Option<Value>,
}

impl Variant {
    fn disabled(feature_enabled: bool) -> Variant {
        Variant {
            name: "disabled".into(),
            enabled: false,
            feature_enabled,
            payload: None,
        }
    }
}

/// A toggle state: the toggles and segments an Unleash server serves.
#[derive(Debug, Clone, Default)]
pub struct Toggles {
    features: HashMap<String, Feature>,
    segments: HashMap<i64, Segment>,
}

impl Toggles {
    /// Reads a `features` document or a delta document; `invalid_toggle_state` when it is
    /// not one.
    pub fn from_json(text: &str) -> Result<Toggles, FlagError> {
        let doc = document(text)?;
        let mut t = Toggles::default();
        t.replace(doc.features, doc.segments);
        for e in doc.events.unwrap_or_default() {
            t.apply(e);
        }
        Ok(t)
    }

    /// Applies a delta document's `events` (or a whole `features` document, which replaces
    /// the state) to this state.
    pub fn apply_json(&mut self, text: &str) -> Result<(), FlagError> {
        let doc = document(text)?;
        match doc.events {
            Some(events) => events.into_iter().for_each(|e| self.apply(e)),
            None => self.replace(doc.features, doc.segments),
        }
        Ok(())
    }

    fn replace(&mut self, features: Vec<Feature>, segments: Vec<Segment>) {
        self.features = features.into_iter().map(|f| (f.name.clone(), f)).collect();
        self.segments = segments.into_iter().map(|s| (s.id, s)).collect();
    }

    fn apply(&mut self, e: Event) {
        match e {
            Event::Hydration { features, segments } => self.replace(features, segments),
            Event::FeatureUpdated { feature } => {
                self.features.insert(feature.name.clone(), feature);
            }
            Event::FeatureRemoved { feature_name } => {
                self.features.remove(&feature_name);
            }
            Event::SegmentUpdated { segment } => {
                self.segments.insert(segment.id, segment);
            }
            Event::SegmentRemoved { segment_id } => {
                self.segments.remove(&segment_id);
            }
        }
    }

    /// The toggles' names, sorted.
    pub fn names(&self) -> Vec<String> {
        let mut n: Vec<String> = self.features.keys().cloned().collect();
        n.sort();
        n
    }

    /// Whether toggle `name` exists.
    pub fn contains(&self, name: &str) -> bool {
        self.features.contains_key(name)
    }

    /// Whether toggle `name` is on for `ctx` (false when there is no such toggle).
    pub fn is_enabled(&self, name: &str, ctx: &Context) -> bool {
        self.features
            .get(name)
            .is_some_and(|f| self.evaluate(f, ctx).0)
    }

    /// The variant of toggle `name` for `ctx`.
    pub fn get_variant(&self, name: &str, ctx: &Context) -> Variant {
        let Some(f) = self.features.get(name) else {
            return Variant::disabled(false);
        };
        match self.with_variant(f, self.evaluate(f, ctx), ctx) {
            (false, _) => Variant::disabled(false),
            (true, Some(v)) => v,
            (true, None) => Variant::disabled(true),
        }
    }

    /// As [`is_enabled`](Self::is_enabled), under community control: for a flag of `flags`
    /// that only a verified vote changes (protected, community, always-on), whether it is on
    /// is the flag set's answer, never the toggle state's `enabled`; the toggle's strategies,
    /// constraints and dependencies still decide who sees it when it is on (a flag with no
    /// toggle is on for everyone). Standard flags and toggles the set does not define are
    /// Unleash's alone.
    pub fn is_enabled_governed(&self, name: &str, ctx: &Context, flags: &FlagSet) -> bool {
        self.governed(name, ctx, flags).0
    }

    /// As [`get_variant`](Self::get_variant), under community control (see
    /// [`is_enabled_governed`](Self::is_enabled_governed)).
    pub fn get_variant_governed(&self, name: &str, ctx: &Context, flags: &FlagSet) -> Variant {
        let (enabled, variant) = self.governed(name, ctx, flags);
        match (enabled, variant) {
            (false, _) => Variant::disabled(false),
            (true, Some(v)) => v,
            (true, None) => Variant::disabled(true),
        }
    }

    fn governed(&self, name: &str, ctx: &Context, flags: &FlagSet) -> (bool, Option<Variant>) {
        let community = community_switch(name, flags);
        let feature = self.features.get(name);
        match (community, feature) {
            (Some(false), _) => (false, None),
            (Some(true), None) => (true, None),
            (Some(true), Some(f)) => self.with_variant(f, self.evaluate_as(f, true, ctx), ctx),
            (None, Some(f)) => self.with_variant(f, self.evaluate(f, ctx), ctx),
            (None, None) => (false, None),
        }
    }

    /// A strategy's variant, else the toggle's.
    fn with_variant(
        &self,
        f: &Feature,
        (enabled, variant): (bool, Option<Variant>),
        ctx: &Context,
    ) -> (bool, Option<Variant>) {
        if !enabled || variant.is_some() {
            return (enabled, variant);
        }
        let v = select(&f.name, &f.variants, None, ctx).map(|v| Variant {
            name: v.name.clone(),
            enabled: true,
            feature_enabled: true,
            payload: v.payload.clone(),
        });
        (true, v)
    }

    /// Whether the toggle is on, and the variant of the strategy that turned it on (if it
    /// has variants).
    fn evaluate(&self, f: &Feature, ctx: &Context) -> (bool, Option<Variant>) {
        self.evaluate_as(f, f.enabled, ctx)
    }

    /// [`evaluate`](Self::evaluate) with the toggle's own switch given.
    fn evaluate_as(&self, f: &Feature, enabled: bool, ctx: &Context) -> (bool, Option<Variant>) {
        if !enabled || !self.parents_hold(f, ctx) {
            return (false, None);
        }
        if f.strategies.is_empty() {
            return (true, None);
        }
        for s in f.strategies.iter().filter(|s| !s.disabled) {
            if self.strategy_holds(f, s, ctx) {
                let group = param(s, "groupId").unwrap_or_else(|| f.name.clone());
                let sticky = param(s, "stickiness");
                let variant =
                    select(&group, &s.variants, sticky.as_deref(), ctx).map(|v| Variant {
                        name: v.name.clone(),
                        enabled: true,
                        feature_enabled: true,
                        payload: v.payload.clone(),
                    });
                return (true, variant);
            }
        }
        (false, None)
    }

    fn parents_hold(&self, f: &Feature, ctx: &Context) -> bool {
        f.dependencies.iter().all(|d| {
            let Some(parent) = self.features.get(&d.feature) else {
                return false;
            };
            if !parent.dependencies.is_empty() {
                return false; // one level of dependencies only, as Unleash
            }
            if d.enabled == Some(false) {
                return !self.evaluate(parent, ctx).0;
            }
            if d.variants.is_empty() {
                return self.evaluate(parent, ctx).0;
            }
            let v = self.get_variant(&parent.name, ctx);
            v.feature_enabled && d.variants.contains(&v.name)
        })
    }

    fn strategy_holds(&self, f: &Feature, s: &Strategy, ctx: &Context) -> bool {
        for id in &s.segments {
            match self.segments.get(id) {
                Some(seg) if seg.constraints.iter().all(|c| holds(c, ctx)) => {}
                _ => return false,
            }
        }
        s.constraints.iter().all(|c| holds(c, ctx)) && rule(f, s, ctx)
    }
}

/// A strategy parameter as text (numbers written as text).
fn param(s: &Strategy, name: &str) -> Option<String> {
    s.parameters
        .get(name)
        .and_then(text_of)
        .filter(|v| !v.is_empty())
}

/// A percentage parameter (`"25"`, 25): unreadable is 0.
fn percentage(s: &Strategy, name: &str) -> f64 {
    param(s, name)
        .and_then(|p| p.trim().parse::<f64>().ok())
        .unwrap_or(0.0)
}

/// `normalizedHash(id, group)`: 1 to `modulus`.
fn normalized(id: &str, group: &str, modulus: u32, seed: u32) -> u32 {
    // The group may be empty in a state (murmur3 of ":id" then), which `bucket` refuses.
    let key = format!("{group}:{id}");
    murmur3::murmur3_32(&mut std::io::Cursor::new(key.as_bytes()), seed).unwrap_or(0) % modulus + 1
}

/// A random decimal string, as the SDKs' random stickiness.
fn random_id() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut h = foldhash::fast::RandomState::default().build_hasher();
    h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    (h.finish() % 100_000 + 1).to_string()
}

fn in_rollout(id: Option<String>, group: &str, pct: f64) -> bool {
    match id {
        Some(id) => pct > 0.0 && f64::from(normalized(&id, group, 100, 0)) <= pct,
        None => false,
    }
}

/// The strategy's own rule.
fn rule(f: &Feature, s: &Strategy, ctx: &Context) -> bool {
    let list = |name: &str| -> Vec<String> {
        param(s, name)
            .map(|v| v.split(',').map(|x| x.trim().to_string()).collect())
            .unwrap_or_default()
    };
    let group = || param(s, "groupId").unwrap_or_else(|| f.name.clone());
    match s.name.as_str() {
        "default" => true,
        "userWithId" => ctx
            .user_id
            .as_ref()
            .is_some_and(|u| list("userIds").contains(u)),
        // The legacy rollouts hash on `groupId` alone (empty when absent), as Unleash's SDKs.
        "gradualRolloutUserId" | "gradualRolloutSessionId" => {
            let field = match s.name.as_str() {
                "gradualRolloutUserId" => "userId",
                _ => "sessionId",
            };
            let group = param(s, "groupId").unwrap_or_default();
            in_rollout(ctx.value(field), &group, percentage(s, "percentage"))
        }
        "gradualRolloutRandom" => {
            let pct = percentage(s, "percentage");
            pct > 0.0 && f64::from(normalized(&random_id(), "random", 100, 0)) <= pct
        }
        "flexibleRollout" => {
            let stickiness = param(s, "stickiness").unwrap_or_else(|| "default".into());
            let id = match stickiness.as_str() {
                "default" => ctx
                    .value("userId")
                    .or_else(|| ctx.value("sessionId"))
                    .or_else(|| Some(random_id())),
                "random" => Some(random_id()),
                field => ctx.value(field),
            };
            in_rollout(id, &group(), percentage(s, "rollout"))
        }
        "remoteAddress" => match ctx.value("remoteAddress") {
            Some(addr) => list("IPs").iter().any(|r| *r == addr || in_cidr(r, &addr)),
            None => false,
        },
        "applicationHostname" => {
            let host = ctx.value("hostname").or_else(hostname);
            host.is_some_and(|h| list("hostNames").iter().any(|n| n.eq_ignore_ascii_case(&h)))
        }
        _ => false,
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn hostname() -> Option<String> {
    std::env::var("HOSTNAME").ok()
}

#[cfg(target_arch = "wasm32")]
fn hostname() -> Option<String> {
    None
}

/// Whether `addr` is in `range` (a CIDR range or a single address).
fn in_cidr(range: &str, addr: &str) -> bool {
    let Ok(ip) = IpAddr::from_str(addr.trim()) else {
        return false;
    };
    let range = range.trim();
    if let Ok(net) = ipnet::IpNet::from_str(range) {
        return net.contains(&ip);
    }
    IpAddr::from_str(range).is_ok_and(|r| r == ip)
}

fn values(c: &Constraint) -> Vec<String> {
    c.values.iter().filter_map(text_of).collect()
}

/// The community's say on `name`: for a flag it controls (any kind but `standard`), whether
/// its votes leave the flag on; `None` when the flag set has no say and the toggle decides.
fn community_switch(name: &str, flags: &FlagSet) -> Option<bool> {
    flags
        .state(name)
        .ok()
        .filter(|s| s.kind != FlagKind::Standard)
        .map(|s| s.enabled)
}

/// Whether the constraint holds for `ctx`.
fn holds(c: &Constraint, ctx: &Context) -> bool {
    let value = if c.context_name == "currentTime" {
        Some(ctx.value("currentTime").unwrap_or_else(now_rfc3339))
    } else {
        ctx.value(&c.context_name)
    };
    // An unknown operator is false whether or not the constraint is inverted.
    operator(c, value.as_deref()).is_some_and(|holds| holds != c.inverted)
}

/// The operator's answer for `value` (before `inverted`), or `None` for an operator this
/// evaluator does not know. A missing context value holds only for `NOT_IN`.
fn operator(c: &Constraint, value: Option<&str>) -> Option<bool> {
    let op = c.operator.as_str();
    let present = |test: &dyn Fn(&str) -> bool| value.is_some_and(test);
    Some(match op {
        "NOT_IN" => value.is_none_or(|v| !values(c).iter().any(|x| x == v)),
        "IN" => present(&|v| values(c).iter().any(|x| x == v)),
        "STR_STARTS_WITH" | "STR_ENDS_WITH" | "STR_CONTAINS" => present(&|v| {
            let fold = |s: &str| match c.case_insensitive {
                true => s.to_lowercase(),
                false => s.to_string(),
            };
            let v = fold(v);
            values(c).iter().map(|x| fold(x)).any(|x| match op {
                "STR_STARTS_WITH" => v.starts_with(&x),
                "STR_ENDS_WITH" => v.ends_with(&x),
                _ => v.contains(&x),
            })
        }),
        "NUM_EQ" | "NUM_GT" | "NUM_GTE" | "NUM_LT" | "NUM_LTE" => present(&|v| {
            let (Some(a), Some(b)) = (number(v), c.value.as_deref().and_then(number)) else {
                return false;
            };
            match op {
                "NUM_EQ" => a == b,
                "NUM_GT" => a > b,
                "NUM_GTE" => a >= b,
                "NUM_LT" => a < b,
                _ => a <= b,
            }
        }),
        "DATE_AFTER" | "DATE_BEFORE" => present(&|v| {
            let (Some(a), Some(b)) = (date(v), c.value.as_deref().and_then(date)) else {
                return false;
            };
            match op {
                "DATE_AFTER" => a > b,
                _ => a < b,
            }
        }),
        "SEMVER_EQ" | "SEMVER_GT" | "SEMVER_GTE" | "SEMVER_LT" | "SEMVER_LTE" => present(&|v| {
            let parse = |s: &str| semver::Version::parse(s.trim()).ok();
            let (Some(a), Some(b)) = (parse(v), c.value.as_deref().and_then(parse)) else {
                return false;
            };
            match op {
                "SEMVER_EQ" => a == b,
                "SEMVER_GT" => a > b,
                "SEMVER_GTE" => a >= b,
                "SEMVER_LT" => a < b,
                _ => a <= b,
            }
        }),
        "REGEX" => present(&|v| {
            c.value.as_deref().is_some_and(|pattern| {
                regex_lite::RegexBuilder::new(pattern)
                    .case_insensitive(c.case_insensitive)
                    .build()
                    .is_ok_and(|re| re.is_match(v))
            })
        }),
        "IN_CIDR" => present(&|v| values(c).iter().any(|r| in_cidr(r, v))),
        _ => return None,
    })
}

/// A number as JavaScript's `Number()` reads a context value: trimmed, finite.
fn number(s: &str) -> Option<f64> {
    s.trim().parse::<f64>().ok().filter(|n| n.is_finite())
}

/// A date: RFC 3339, or a date and time without an offset (read as UTC), or a day.
fn date(s: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
    let s = s.trim();
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Some(d.with_timezone(&Utc));
    }
    if let Ok(d) = NaiveDateTime::from_str(s) {
        return Some(d.and_utc());
    }
    NaiveDate::from_str(s)
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|d| d.and_utc())
}

#[cfg(not(target_arch = "wasm32"))]
fn now_rfc3339() -> String {
    chrono::DateTime::<chrono::Utc>::from(std::time::SystemTime::now()).to_rfc3339()
}

/// WASM has no system clock here: the binding passes `currentTime` (JavaScript's `Date`).
#[cfg(target_arch = "wasm32")]
fn now_rfc3339() -> String {
    String::new()
}

/// Selects a variant: an override naming the context, else by weight on the stickiness (the
/// first variant's, else `fallback`, else `default`).
fn select<'a>(
    group: &str,
    variants: &'a [VariantDef],
    fallback: Option<&str>,
    ctx: &Context,
) -> Option<&'a VariantDef> {
    let total: i64 = variants.iter().map(|v| v.weight.max(0)).sum();
    if total <= 0 {
        return None;
    }
    let overridden = variants.iter().find(|v| {
        v.overrides.iter().any(|o| {
            let value = ctx.value(&o.context_name);
            value.is_some_and(|x| o.values.iter().filter_map(text_of).any(|y| y == x))
        })
    });
    if overridden.is_some() {
        return overridden;
    }
    let stickiness = variants[0]
        .stickiness
        .as_deref()
        .or(fallback)
        .unwrap_or("default");
    let seed = match stickiness {
        "default" => ["userId", "sessionId", "remoteAddress"]
            .iter()
            .find_map(|k| ctx.value(k)),
        field => ctx.value(field),
    }
    .unwrap_or_else(random_id);
    let modulus = u32::try_from(total).unwrap_or(u32::MAX);
    let target = i64::from(normalized(&seed, group, modulus, VARIANT_SEED));
    let mut counter = 0;
    for v in variants.iter().filter(|v| v.weight > 0) {
        counter += v.weight;
        if counter >= target {
            return Some(v);
        }
    }
    None
}

/// The result of running one file of Unleash's client specification.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SpecOutcome {
    /// Tests and variant tests that passed.
    pub passed: usize,
    /// One line per failing test: its description, what was expected and what came.
    pub failures: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SpecFile {
    state: Value,
    #[serde(default)]
    tests: Vec<SpecTest>,
    #[serde(default)]
    variant_tests: Vec<SpecTest>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SpecTest {
    description: String,
    #[serde(default)]
    context: Value,
    toggle_name: String,
    expected_result: Value,
}

/// Runs a file of Unleash's client specification (`{state, tests, variantTests}`) through
/// [`Toggles`]: each test's `isEnabled` and each variant test's variant compared with what the
/// file expects. `invalid_toggle_state` / `invalid_context` when the file cannot be read.
pub fn run_spec(text: &str) -> Result<SpecOutcome, FlagError> {
    let file: SpecFile =
        serde_json::from_str(text).map_err(|e| FlagError::InvalidToggleState(e.to_string()))?;
    let toggles = Toggles::from_json(&file.state.to_string())?;
    let mut out = SpecOutcome::default();
    let context = |t: &SpecTest| -> Result<Context, FlagError> {
        match &t.context {
            Value::Null => Ok(Context::default()),
            v => Context::deserialize(v).map_err(|e| FlagError::InvalidContext(e.to_string())),
        }
    };
    for t in &file.tests {
        let got = Value::Bool(toggles.is_enabled(&t.toggle_name, &context(t)?));
        out.check(t, got);
    }
    for t in &file.variant_tests {
        let v = toggles.get_variant(&t.toggle_name, &context(t)?);
        let got = serde_json::to_value(&v).unwrap_or(Value::Null);
        out.check(t, got);
    }
    Ok(out)
}

impl SpecOutcome {
    fn check(&mut self, t: &SpecTest, got: Value) {
        if got == t.expected_result {
            self.passed += 1;
        } else {
            self.failures.push(format!(
                "{}: {}: expected {}, got {got}",
                t.toggle_name, t.description, t.expected_result
            ));
        }
    }
}

impl Context {
    /// The context of a feature-flag SDK's evaluation (OpenFeature's): the targeting key is the
    /// user, unless the attributes name a `userId`; attributes with Unleash's field names fill
    /// those fields, every other one is a property.
    pub fn from_evaluation(
        targeting_key: Option<&str>,
        attributes: &serde_json::Map<String, Value>,
    ) -> Context {
        let mut ctx = Context {
            user_id: targeting_key.filter(|k| !k.is_empty()).map(str::to_string),
            ..Context::default()
        };
        for (name, v) in attributes {
            let field = match name.as_str() {
                "userId" => &mut ctx.user_id,
                "sessionId" => &mut ctx.session_id,
                "remoteAddress" => &mut ctx.remote_address,
                "environment" => &mut ctx.environment,
                "appName" => &mut ctx.app_name,
                "currentTime" => &mut ctx.current_time,
                _ => {
                    ctx.properties.insert(name.clone(), v.clone());
                    continue;
                }
            };
            if let Some(text) = text_of(v) {
                *field = Some(text);
            }
        }
        ctx
    }
}

impl Toggles {
    /// `key` resolved for a feature-flag SDK (OpenFeature's providers), under the community's
    /// votes in `flags`:
    /// - **boolean**: a flag the community controls that its votes turned off is `false`
    ///   (`DISABLED`); otherwise a toggle of that name decides by its strategies — `true` with
    ///   `TARGETING_MATCH` when one matched (`STATIC` for a toggle on for everyone), `false`
    ///   with `DEFAULT` when none did, `false` with `DISABLED` when the toggle is off; a flag
    ///   with no toggle is the flag set's own answer ([`FlagSet::resolve_bool`]), and a key
    ///   neither knows is `FLAG_NOT_FOUND`;
    /// - **number**: the flag's intensity as [`FlagSet::resolve_number`] (a toggle has none:
    ///   `TYPE_MISMATCH`);
    /// - anything else: `TYPE_MISMATCH`.
    ///
    /// The metadata is the community flag's, when there is one.
    pub fn resolve(
        &self,
        key: &str,
        ctx: &Context,
        flags: &FlagSet,
        as_type: &str,
    ) -> crate::resolution::Resolution<Value> {
        use crate::resolution::{Reason, Resolution, ResolveError};
        if !self.features.contains_key(key) {
            return flags.resolve(key, ctx.user_id.as_deref(), as_type);
        }
        let metadata = flags.metadata(key);
        match as_type {
            "boolean" => self.resolve_bool(key, ctx, flags).map(Into::into),
            "number" if metadata.is_some() => flags.resolve_number(key).map(Into::into),
            other => Resolution {
                value: None,
                reason: Reason::Error,
                error: Some(ResolveError::TypeMismatch),
                message: Some(format!(
                    "toggle {key:?} is a boolean{}, not a {other}",
                    if metadata.is_some() {
                        " with a number (intensity)"
                    } else {
                        ""
                    }
                )),
                metadata,
            },
        }
    }

    /// `key` as a boolean for `ctx`, under the community's votes (see
    /// [`resolve`](Self::resolve)).
    pub fn resolve_bool(
        &self,
        key: &str,
        ctx: &Context,
        flags: &FlagSet,
    ) -> crate::resolution::Resolution<bool> {
        use crate::resolution::{Reason, Resolution};
        let Some(f) = self.features.get(key) else {
            return flags.resolve_bool(key, ctx.user_id.as_deref());
        };
        let metadata = flags.metadata(key);
        let resolved = |value: bool, reason| Resolution {
            value: Some(value),
            reason,
            error: None,
            message: None,
            metadata: metadata.clone(),
        };
        let on = community_switch(key, flags).unwrap_or(f.enabled);
        if !on {
            return resolved(false, Reason::Disabled);
        }
        match self.evaluate_as(f, true, ctx).0 {
            true if f.strategies.is_empty() && f.dependencies.is_empty() => {
                resolved(true, Reason::Static)
            }
            true => resolved(true, Reason::TargetingMatch),
            false => resolved(false, Reason::Default),
        }
    }
}
