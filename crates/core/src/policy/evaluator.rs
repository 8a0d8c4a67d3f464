//! The evaluator: a policy's rules stepped through observations in time order, and the
//! decision after each one (SPEC §7).

use super::{line, Action, Condition, Policy, Rule, Severity};
use crate::error::PolicyError;
use crate::num::Num;
use crate::threshold::{AlertState, Threshold};
use crate::window::BurnRate;
use serde::{Deserialize, Serialize};
use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::fmt;

/// One observation of a service: metric values and health-check results at time `t`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Observation {
    /// When the observation was made, seconds.
    pub t: f64,
    /// Metric values by name (a missing one is absent).
    #[serde(default, deserialize_with = "nullable_map")]
    pub metrics: NameMap<f64>,
    /// Check results by name (a missing one is absent).
    #[serde(default, deserialize_with = "nullable_map")]
    pub checks: NameMap<bool>,
}

/// A map of an observation's names to values: a `HashMap` with foldhash's randomly seeded
/// hasher (a few times faster than the default SipHash on short names; still seeded per
/// process, so names chosen to collide cannot be precomputed).
pub type NameMap<V> = HashMap<String, V, foldhash::fast::RandomState>;

/// A JSON `null` value in `metrics`/`checks` means the value is missing. A name given twice
/// is refused: serde would keep the last, so `{"database": false, "database": true}` passed.
fn nullable_map<'de, D, V>(d: D) -> Result<NameMap<V>, D::Error>
where
    D: serde::Deserializer<'de>,
    V: Deserialize<'de>,
{
    struct Visit<V>(std::marker::PhantomData<V>);
    impl<'de, V: Deserialize<'de>> serde::de::Visitor<'de> for Visit<V> {
        type Value = NameMap<V>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an object of names to values")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut m: A,
        ) -> Result<Self::Value, A::Error> {
            // One map per line: a name given twice is found in it, or among the few names
            // given as null (kept aside, since they are not in the map). JSON gives no size
            // hint: room for 8 names (a table of 16, up to 14 names) saves most regrowths.
            let room = m.size_hint().unwrap_or(8);
            let mut out = NameMap::with_capacity_and_hasher(room, Default::default());
            let mut nulls: Vec<String> = Vec::new();
            while let Some((k, v)) = m.next_entry::<String, Option<V>>()? {
                if nulls.contains(&k) {
                    return Err(serde::de::Error::custom(format!("{k:?} is given twice")));
                }
                match (out.entry(k), v) {
                    (Entry::Occupied(e), _) => {
                        let k = e.key();
                        return Err(serde::de::Error::custom(format!("{k:?} is given twice")));
                    }
                    (Entry::Vacant(e), Some(v)) => {
                        e.insert(v);
                    }
                    (Entry::Vacant(e), None) => nulls.push(e.into_key()),
                }
            }
            Ok(out)
        }
    }
    d.deserialize_map(Visit(std::marker::PhantomData))
}

impl Observation {
    /// An empty observation at `t`.
    pub fn new(t: f64) -> Self {
        Observation {
            t,
            ..Default::default()
        }
    }
    /// Adds a metric.
    pub fn metric(mut self, name: impl Into<String>, value: f64) -> Self {
        self.metrics.insert(name.into(), value);
        self
    }
    /// Adds a check result.
    pub fn check(mut self, name: impl Into<String>, ok: bool) -> Self {
        self.checks.insert(name.into(), ok);
        self
    }
    /// Sets several checks to the same result.
    pub fn checks<S: Into<String>>(mut self, names: impl IntoIterator<Item = S>, ok: bool) -> Self {
        for n in names {
            self.checks.insert(n.into(), ok);
        }
        self
    }

    /// Parses one JSON line `{"t", "metrics", "checks"}`; `invalid_observation` naming what was
    /// wrong.
    pub fn from_json(line: &str) -> Result<Observation, PolicyError> {
        let o: Observation = serde_json::from_str(line)
            .map_err(|e| PolicyError::InvalidObservation(e.to_string()))?;
        o.finite()
    }

    /// An observation from its parts as the bindings receive them (any serde deserializer:
    /// a JSON value, a Python or JS object): `metrics` `{name: number | null}` and `checks`
    /// `{name: bool | null}`, each `None` for none. A `null` value is a missing measurement (SPEC §7), the same as leaving the name
    /// out; anything else that is not a number or a boolean is `invalid_observation`.
    ///
    /// ```
    /// use liberation_gates::policy::Observation;
    /// use serde_json::json;
    /// let none: Option<serde_json::Value> = None;
    /// let o = Observation::from_parts(5.0, Some(json!({"latency_p99_ms": null})), none.clone()).unwrap();
    /// assert!(o.metrics.is_empty());
    /// let e = Observation::from_parts(5.0, Some(json!({"x": "1"})), none).unwrap_err();
    /// assert_eq!(e.kind(), "invalid_observation");
    /// ```
    pub fn from_parts<'de, M, C>(
        t: f64,
        metrics: Option<M>,
        checks: Option<C>,
    ) -> Result<Observation, PolicyError>
    where
        M: serde::Deserializer<'de>,
        C: serde::Deserializer<'de>,
    {
        let mut o = Observation::new(t);
        let bad = |what: &str, e: String| PolicyError::InvalidObservation(format!("{what}: {e}"));
        if let Some(m) = metrics {
            o.metrics = nullable_map(m).map_err(|e| bad("metrics", e.to_string()))?;
        }
        if let Some(c) = checks {
            o.checks = nullable_map(c).map_err(|e| bad("checks", e.to_string()))?;
        }
        o.finite()
    }

    fn finite(self) -> Result<Observation, PolicyError> {
        let o = self;
        if !o.t.is_finite() {
            return Err(PolicyError::InvalidObservation(format!(
                "t must be finite, got {}",
                o.t
            )));
        }
        if let Some((name, v)) = o.metrics.iter().find(|(_, v)| !v.is_finite()) {
            return Err(PolicyError::InvalidObservation(format!(
                "metric {name:?} must be a finite number, got {v}"
            )));
        }
        Ok(o)
    }
}

/// A message the community must receive about a decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    /// Who must hear about it: `"community"`.
    pub audience: String,
    /// The notice's severity.
    pub severity: Severity,
    /// The rules involved, sorted.
    pub rules: Vec<String>,
    /// A plain-language message.
    pub message: String,
}

/// The decision after one observation. It reads back from its serialized form (as the
/// bindings return it), so a decision can be handed back to [`Policy::liberation_cause`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PolicyDecision {
    /// The observation's time.
    pub t: f64,
    /// The highest action among firing rules, or `hold` for missing data.
    pub action: Action,
    /// The highest severity among firing rules.
    pub severity: Severity,
    /// Firing rule ids and `missing:<name>` entries, sorted.
    pub reasons: Vec<String>,
    /// Present when the decision must reach the community: a gentle rollback, a consultation,
    /// or any rollback caused by a liberation rule.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notification: Option<Notification>,
}

/// `t=60 rollback (critical): error_rate, latency_p99` (no reasons: nothing after the severity).
impl fmt::Display for PolicyDecision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (action, severity) = (self.action.as_str(), self.severity.as_str());
        write!(f, "t={} {action} ({severity})", self.t)?;
        if !self.reasons.is_empty() {
            write!(f, ": {}", self.reasons.join(", "))?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone)]
enum RuleState {
    Threshold(Threshold),
    Checks(bool),
    BurnRate(BurnRate),
}

impl RuleState {
    fn state(&self) -> AlertState {
        match self {
            RuleState::Threshold(t) => t.state(),
            RuleState::Checks(true) => AlertState::Firing,
            RuleState::BurnRate(b) if b.firing() => AlertState::Firing,
            _ => AlertState::Inactive,
        }
    }
}

/// Where a rule reads its inputs: indices into the evaluator's distinct metric and check
/// names, resolved once when the evaluator is built.
#[derive(Debug, Clone)]
enum Slots {
    Threshold(usize),
    Checks(Vec<usize>),
    BurnRate(usize, usize),
}

/// Evaluates a policy over observations in time order.
#[derive(Debug, Clone)]
pub struct Evaluator {
    policy: Policy,
    states: Vec<RuleState>,
    /// Per rule, where its inputs are in `metrics` and `checks`.
    slots: Vec<Slots>,
    /// The distinct metric names the rules read, and this observation's value of each (each
    /// looked up once per observation; the buffer is reused, so observing allocates nothing).
    metric_names: Vec<String>,
    metrics: Vec<Option<f64>>,
    /// The same for check names.
    check_names: Vec<String>,
    checks: Vec<Option<bool>>,
    /// For reading a line straight into the slots ([`Evaluator::observe_line`]): each
    /// name's slot, and which slots the line has given.
    metric_index: NameMap<usize>,
    check_index: NameMap<usize>,
    metric_seen: Vec<bool>,
    check_seen: Vec<bool>,
    last_t: Option<f64>,
    last_action: Option<Action>,
}

/// The index of `name` in `names`, added when new.
fn slot(names: &mut Vec<String>, name: &str) -> usize {
    names.iter().position(|n| n == name).unwrap_or_else(|| {
        names.push(name.to_string());
        names.len() - 1
    })
}

impl Evaluator {
    /// An evaluator with every rule inactive.
    pub fn new(policy: Policy) -> Self {
        let states = policy
            .rules
            .iter()
            .map(|r| match &r.condition {
                Condition::Threshold { rule, .. } => RuleState::Threshold(Threshold::new(*rule)),
                Condition::Checks(_) => RuleState::Checks(false),
                Condition::BurnRate { rule, .. } => {
                    RuleState::BurnRate(BurnRate::from_valid(*rule))
                }
            })
            .collect();
        let (mut metric_names, mut check_names) = (Vec::new(), Vec::new());
        let slots = policy
            .rules
            .iter()
            .map(|r| match &r.condition {
                Condition::Threshold { metric, .. } => {
                    Slots::Threshold(slot(&mut metric_names, metric))
                }
                Condition::Checks(names) => {
                    Slots::Checks(names.iter().map(|n| slot(&mut check_names, n)).collect())
                }
                Condition::BurnRate {
                    requests, errors, ..
                } => Slots::BurnRate(
                    slot(&mut metric_names, requests),
                    slot(&mut metric_names, errors),
                ),
            })
            .collect();
        let index = |names: &[String]| names.iter().cloned().zip(0..).collect::<NameMap<_>>();
        Evaluator {
            policy,
            states,
            slots,
            metrics: vec![None; metric_names.len()],
            checks: vec![None; check_names.len()],
            metric_index: index(&metric_names),
            check_index: index(&check_names),
            metric_seen: vec![false; metric_names.len()],
            check_seen: vec![false; check_names.len()],
            metric_names,
            check_names,
            last_t: None,
            last_action: None,
        }
    }

    /// The policy.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// The state of each rule, by id.
    pub fn rule_states(&self) -> Vec<(&str, AlertState)> {
        self.policy
            .rules
            .iter()
            .zip(&self.states)
            .map(|(r, s)| {
                let st = s.state();
                (r.id.as_str(), st)
            })
            .collect()
    }

    /// Evaluates one observation. `out_of_order` when `t` is not strictly after the previous
    /// observation; `invalid_observation` for a non-finite `t` or needed metric, or a burn-rate
    /// count that is not a whole number. Errors change nothing.
    ///
    /// Each rule steps with the observation; the decision is the highest action and severity
    /// among the firing rules, and missing data holds.
    pub fn observe(&mut self, obs: &Observation) -> Result<PolicyDecision, PolicyError> {
        for (v, n) in self.metrics.iter_mut().zip(&self.metric_names) {
            *v = obs.metrics.get(n.as_str()).copied();
        }
        for (v, n) in self.checks.iter_mut().zip(&self.check_names) {
            *v = obs.checks.get(n.as_str()).copied();
        }
        self.evaluate(obs.t)
    }

    /// Evaluates a JSON observation line as `observe(&Observation::from_json(line)?)` does,
    /// reading it straight into the slots (no map, no allocation) when it gives only names
    /// the policy reads; `None` when it does not, or is not a valid observation: then read it
    /// with `Observation::from_json`, which gives the same result or the exact error.
    pub(crate) fn observe_line(
        &mut self,
        line: &str,
    ) -> Option<Result<PolicyDecision, PolicyError>> {
        let metrics = line::Table {
            index: &self.metric_index,
            values: &mut self.metrics,
            seen: &mut self.metric_seen,
        };
        let checks = line::Table {
            index: &self.check_index,
            values: &mut self.checks,
            seen: &mut self.check_seen,
        };
        let t = line::read(line, metrics, checks)?;
        Some(self.evaluate(t))
    }

    /// [`Evaluator::observe`] on the values in the slots.
    fn evaluate(&mut self, t: f64) -> Result<PolicyDecision, PolicyError> {
        self.check(t)?;
        self.last_t = Some(t);
        let mut firing: Vec<&Rule> = Vec::new();
        let mut missing: Vec<&str> = Vec::new();
        let inputs = Inputs {
            t,
            metrics: &self.metrics,
            checks: &self.checks,
        };
        let rules = self.policy.rules.iter().zip(&self.slots);
        for ((rule, slots), state) in rules.zip(self.states.iter_mut()) {
            let before = state.state();
            if step(rule, slots, state, &inputs, &mut missing)? {
                firing.push(rule);
            }
            let after = state.state();
            if after != before {
                tracing::info!(target: "liberation_gates::policy", t = t, rule = rule.id.as_str(), from = before.as_str(), to = after.as_str(), "rule state change");
            }
        }
        let d = decide(t, &firing, missing);
        if self.last_action != Some(d.action) {
            tracing::info!(target: "liberation_gates::policy", t = t, action = d.action.as_str(), severity = d.severity.as_str(), reasons = ?d.reasons, "decision changed");
            self.last_action = Some(d.action);
        }
        Ok(d)
    }

    /// Everything that could make [`Evaluator::observe`] fail, checked before any rule moves
    /// (on the values `observe` has just read into the slots): time order, finite values,
    /// whole burn-rate counts with errors ≤ requests.
    fn check(&self, t: f64) -> Result<(), PolicyError> {
        if !t.is_finite() {
            return Err(PolicyError::InvalidObservation(format!(
                "t must be finite, got {t}"
            )));
        }
        if let Some(prev) = self.last_t.filter(|prev| t <= *prev) {
            return Err(PolicyError::OutOfOrder(format!(
                "observation at t={t} is not after the previous one at t={prev}"
            )));
        }
        let value = |i: usize, count: bool| -> Result<Option<f64>, PolicyError> {
            let (n, v) = (&self.metric_names[i], self.metrics[i]);
            match v {
                Some(v) if !v.is_finite() => Err(PolicyError::InvalidObservation(format!(
                    "metric {n:?} must be a finite number, got {v}"
                ))),
                Some(v) if count && Num::Float(v).as_count().is_none() => {
                    Err(PolicyError::InvalidObservation(format!(
                        "metric {n:?} must be a whole count ≥ 0, got {v}"
                    )))
                }
                v => Ok(v),
            }
        };
        for slots in &self.slots {
            match *slots {
                Slots::Threshold(m) => {
                    value(m, false)?;
                }
                Slots::Checks(_) => {}
                Slots::BurnRate(q, e) => {
                    if let (Some(qv), Some(ev)) = (value(q, true)?, value(e, true)?) {
                        if ev > qv {
                            let (qn, en) = (&self.metric_names[q], &self.metric_names[e]);
                            return Err(PolicyError::InvalidObservation(format!(
                                "metric {en:?} ({ev}) exceeds {qn:?} ({qv})"
                            )));
                        }
                    }
                }
            }
        }
        Ok(())
    }
}

/// One observation's inputs, as the evaluator's slots hold them.
struct Inputs<'a> {
    t: f64,
    metrics: &'a [Option<f64>],
    checks: &'a [Option<bool>],
}

/// Moves one rule with an observation [`Evaluator::check`] accepted; whether it fires. A
/// value the observation lacks is added to `missing`, and the rule keeps its state.
fn step<'r>(
    rule: &'r Rule,
    slots: &Slots,
    state: &mut RuleState,
    obs: &Inputs<'_>,
    missing: &mut Vec<&'r str>,
) -> Result<bool, PolicyError> {
    // Checked already, so these cannot fail; if one ever did, it is reported, never swallowed.
    let failed =
        |message: &str| PolicyError::InvalidObservation(format!("rule {:?}: {message}", rule.id));
    let t = obs.t;
    Ok(match (&rule.condition, slots, state) {
        (Condition::Threshold { metric, .. }, Slots::Threshold(m), RuleState::Threshold(th)) => {
            match obs.metrics[*m] {
                Some(v) => th.observe(t, v).map_err(|e| failed(e.message()))? == AlertState::Firing,
                None => {
                    missing.push(metric);
                    th.state() == AlertState::Firing
                }
            }
        }
        (Condition::Checks(names), Slots::Checks(at), RuleState::Checks(fired)) => {
            let mut any_false = false;
            let mut any_missing = false;
            for (n, i) in names.iter().zip(at) {
                match obs.checks[*i] {
                    Some(false) => any_false = true,
                    Some(true) => {}
                    None => {
                        any_missing = true;
                        missing.push(n);
                    }
                }
            }
            // A false check fires; all true clears; a missing one keeps the state.
            if any_false {
                *fired = true;
            } else if !any_missing {
                *fired = false;
            }
            *fired
        }
        (
            Condition::BurnRate {
                requests, errors, ..
            },
            Slots::BurnRate(qi, ei),
            RuleState::BurnRate(b),
        ) => match (obs.metrics[*qi], obs.metrics[*ei]) {
            (Some(q), Some(e)) => b.push(t, q, e).map_err(|e| failed(e.message()))?,
            (q, e) => {
                if q.is_none() {
                    missing.push(requests);
                }
                if e.is_none() {
                    missing.push(errors);
                }
                b.firing()
            }
        },
        // Evaluator::new gives every rule the state of its condition.
        _ => false,
    })
}

/// The decision from the firing rules and the missing values: the highest action (at least
/// `hold` when a value is missing), the highest severity, the reasons sorted, and the notice
/// the community must get.
fn decide(t: f64, firing: &[&Rule], mut missing: Vec<&str>) -> PolicyDecision {
    let mut action = firing
        .iter()
        .map(|r| r.action)
        .max()
        .unwrap_or(Action::Proceed);
    if !missing.is_empty() && action < Action::Hold {
        action = Action::Hold;
    }
    let severity = firing
        .iter()
        .map(|r| r.severity)
        .max()
        .unwrap_or(Severity::None);
    let mut reasons: Vec<String> = firing.iter().map(|r| r.id.clone()).collect();
    missing.sort_unstable();
    missing.dedup();
    reasons.extend(missing.iter().map(|m| format!("missing:{m}")));
    reasons.sort();
    PolicyDecision {
        t,
        action,
        severity,
        reasons,
        notification: notification(action, severity, firing),
    }
}

fn notification(action: Action, severity: Severity, firing: &[&Rule]) -> Option<Notification> {
    let liberation: Vec<&&Rule> = firing.iter().filter(|r| r.liberation).collect();
    let needed = match action {
        Action::GentleRollback | Action::Consult => true,
        Action::Rollback => liberation.iter().any(|r| r.action == Action::Rollback),
        _ => false,
    };
    if !needed {
        return None;
    }
    let mut rules: Vec<String> = firing
        .iter()
        .filter(|r| r.liberation || r.action == action)
        .map(|r| r.id.clone())
        .collect();
    rules.sort();
    let what = match action {
        Action::Rollback => "The deployment is being rolled back because it broke a promise to the community",
        Action::GentleRollback => "The deployment is being rolled back gently, with notice, to protect people using the platform",
        _ => "The deployment is paused until the community is consulted",
    };
    let why: Vec<String> = firing
        .iter()
        .filter(|r| rules.contains(&r.id))
        .map(|r| r.description.clone().unwrap_or_else(|| r.id.clone()))
        .collect();
    Some(Notification {
        audience: "community".into(),
        severity,
        rules,
        message: format!("{what}: {}.", why.join("; ")),
    })
}
