//! Runs the shared conformance vectors (`tests/vectors/*.json`) through the public Rust API.
//!
//! Each case's `input` is turned into calls of this crate's public functions and types — not
//! passed through to some internal JSON entry point — and the result is written in the
//! vector's `expect` shape and compared. Numbers compare exactly, except `window_rate` rates
//! (relative tolerance 1e-12, as the vectors' README says).

use crate::audit::{self, Paid};
use crate::breaker::{BreakerConfig, BreakerConfigInput, BreakerMachine};
use crate::bucket;
use crate::flags::{FlagDef, FlagSet};
use crate::governance::{self, DecisionArg, Proposal, VoteInput};
use crate::health::{CheckInput, HealthModel};
use crate::num::Num;
use crate::policy::{Observation, Policy};
use crate::rollout::{Rollout, RolloutPlan, StepInput};
use crate::split::{self, CreatorInput, SplitInput};
use crate::threshold::{Op, Threshold, ThresholdRule};
use crate::window::WindowRate;
use serde::Serialize;
use serde_json::{json, Map, Value};
use std::path::{Path, PathBuf};

/// The families, in the order files are usually listed.
pub const FAMILIES: &[&str] = &[
    "split",
    "threshold",
    "window_rate",
    "breaker",
    "governance",
    "flags",
    "policy",
    "rollout",
    "bucket",
    "payout_audit",
    "health",
];

/// The outcome of one case.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CaseResult {
    /// The vector file the case came from.
    pub file: String,
    /// The case's family (`split`, `breaker`, …).
    pub family: String,
    /// The case's name.
    pub name: String,
    /// Whether the actual result matched the expected one.
    pub passed: bool,
    /// What differed, for people (empty when passed).
    pub diff: String,
    /// What the vector expects.
    pub expected: Value,
    /// What this implementation produced.
    pub actual: Value,
}

/// The outcome of a run.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Report {
    /// Every case, in file order.
    pub cases: Vec<CaseResult>,
}

impl Report {
    /// Cases that passed.
    pub fn passed(&self) -> usize {
        self.cases.iter().filter(|c| c.passed).count()
    }
    /// Cases that failed.
    pub fn failed(&self) -> usize {
        self.cases.len() - self.passed()
    }
    /// The failing cases.
    pub fn failures(&self) -> impl Iterator<Item = &CaseResult> {
        self.cases.iter().filter(|c| !c.passed)
    }
}

/// Expands folders into their `*.json` files (sorted), keeping files as given. A folder's
/// files are those whose top-level object has a `family` field.
pub fn collect_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut files: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(|e| format!("{}: {e}", p.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| f.extension().is_some_and(|x| x == "json"))
                .collect();
            files.sort();
            out.extend(files);
        } else if p.exists() {
            out.push(p.clone());
        } else {
            return Err(format!("{}: no such file or folder", p.display()));
        }
    }
    Ok(out)
}

/// Runs every case of every file (folders are expanded).
pub fn run_paths(paths: &[PathBuf]) -> Result<Report, String> {
    let mut report = Report::default();
    for f in collect_files(paths)? {
        report.cases.extend(run_file(&f)?);
    }
    Ok(report)
}

/// Runs one vector file.
pub fn run_file(path: &Path) -> Result<Vec<CaseResult>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let doc: Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: not JSON: {e}", path.display()))?;
    run_document(&doc, &path.display().to_string())
}

/// Runs a parsed vector document.
pub fn run_document(doc: &Value, file: &str) -> Result<Vec<CaseResult>, String> {
    let family = doc
        .get("family")
        .and_then(Value::as_str)
        .ok_or_else(|| format!("{file}: no \"family\""))?;
    if !FAMILIES.contains(&family) {
        return Err(format!("{file}: unknown family {family:?}"));
    }
    let cases = doc
        .get("cases")
        .and_then(Value::as_array)
        .ok_or_else(|| format!("{file}: no \"cases\" list"))?;
    Ok(cases
        .iter()
        .map(|c| {
            let name = c
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("(unnamed)")
                .to_string();
            let input = c.get("input").cloned().unwrap_or(Value::Null);
            let expected = c.get("expect").cloned().unwrap_or(Value::Null);
            let actual = run_case(family, &input);
            let diff = diff(&expected, &actual, family == "window_rate", "");
            CaseResult {
                file: file.to_string(),
                family: family.to_string(),
                name,
                passed: diff.is_empty(),
                diff,
                expected,
                actual,
            }
        })
        .collect())
}

/// Runs one case's input through the API and returns the result in the `expect` shape.
pub fn run_case(family: &str, input: &Value) -> Value {
    match family {
        "split" => run_split(input),
        "threshold" => run_threshold(input),
        "window_rate" => run_window(input),
        "breaker" => run_breaker(input),
        "governance" => run_governance(input),
        "flags" => run_flags(input),
        "policy" => run_policy(input),
        "rollout" => run_rollout(input),
        "bucket" => run_bucket(input),
        "payout_audit" => run_payout_audit(input),
        "health" => run_health(input),
        other => json!({ "error": format!("unknown family {other}") }),
    }
}

fn err(kind: &str) -> Value {
    json!({ "error": kind })
}

fn seq_error(mut v: Map<String, Value>, kind: &str, at: usize) -> Value {
    v.insert("error".into(), json!(kind));
    v.insert("at".into(), json!(at));
    Value::Object(v)
}

fn f(v: &Value, key: &str) -> Option<f64> {
    v.get(key).and_then(Value::as_f64)
}

fn s<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

fn num(v: &Value, key: &str) -> Option<Num> {
    v.get(key)
        .and_then(|x| serde_json::from_value::<Num>(x.clone()).ok())
}

fn list<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v.get(key)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

/// A decimal string as given; `None` when absent or null. Anything else in its place — a
/// JSON number among them — is not a decimal string (SPEC's conventions): it is passed on as
/// text the API refuses with the field's invalid-value error.
fn decimal_text(v: &Value, key: &str) -> Option<String> {
    match v.get(key)? {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(format!(
            "{other} (JSON {}, not a decimal string)",
            json_type(other)
        )),
    }
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn money_json(p: &[split::Payout]) -> Value {
    p.iter()
        .map(|p| json!({"id": p.id, "amount": p.amount.to_string()}))
        .collect()
}

fn run_split(input: &Value) -> Value {
    match split::split(&split_input(input)) {
        Ok(r) => r.to_json(),
        Err(e) => err(e.kind()),
    }
}

fn split_input(input: &Value) -> SplitInput {
    SplitInput {
        gross: decimal_text(input, "gross").unwrap_or_default(),
        currency: s(input, "currency").unwrap_or_default().to_string(),
        creators: list(input, "creators")
            .iter()
            .map(|c| CreatorInput {
                id: s(c, "id").unwrap_or_default().to_string(),
                weight: decimal_text(c, "weight").unwrap_or_default(),
            })
            .collect(),
        creator_share: decimal_text(input, "creator_share"),
        fee: decimal_text(input, "fee"),
        fee_mode: s(input, "fee_mode").map(str::to_string),
        step: None,
    }
}

fn run_payout_audit(input: &Value) -> Value {
    let split = split_input(input.get("split").unwrap_or(&Value::Null));
    let paid: Vec<Paid> = list(input, "paid")
        .iter()
        .map(|p| Paid {
            id: s(p, "id").unwrap_or_default().to_string(),
            amount: decimal_text(p, "amount").unwrap_or_default(),
        })
        .collect();
    match audit::audit(&split, &paid) {
        Ok(a) => json!({
            "expected": money_json(&a.expected),
            "creator_total": a.creator_total.to_string(),
            "paid_total": a.paid_total.to_string(),
            "shortfalls": money_json(&a.shortfalls),
            "exact": a.exact,
            "floor_held": a.floor_held,
            "creator_share_paid": a.creator_share_paid,
        }),
        Err(e) => err(e.kind()),
    }
}

fn run_health(input: &Value) -> Value {
    let checks: Result<Vec<CheckInput>, _> =
        serde_json::from_value(input.get("checks").cloned().unwrap_or(json!([])));
    let model = match checks
        .map_err(|e| crate::error::HealthError::InvalidCheck(e.to_string()))
        .and_then(HealthModel::new)
    {
        Ok(m) => m,
        Err(e) => return err(e.kind()),
    };
    match model.evaluate_value(input.get("status").unwrap_or(&Value::Null)) {
        Ok(r) => json!({
            "levels": r.levels.iter().map(|l| json!({"level": l.level.number(), "status": l.status.as_str()})).collect::<Vec<_>>(),
            "overall": r.overall.as_str(),
            "action": r.action.as_str(),
            "failing": r.failing,
        }),
        Err(e) => err(e.kind()),
    }
}

fn run_threshold(input: &Value) -> Value {
    let r = input.get("rule").cloned().unwrap_or(Value::Null);
    let rule = (|| {
        let op: Op = s(&r, "op").unwrap_or("").parse()?;
        let mut rule = ThresholdRule::new(
            op,
            f(&r, "threshold").unwrap_or(f64::NAN),
            f(&r, "for_seconds").unwrap_or(f64::NAN),
        )?;
        if let Some(k) = f(&r, "keep_firing_for_seconds") {
            rule = rule.with_keep_firing_for(k)?;
        }
        if let Some(g) = f(&r, "max_gap_seconds") {
            rule = rule.with_max_gap(g)?;
        }
        Ok::<_, crate::error::ThresholdError>(rule)
    })();
    let mut th = match rule {
        Ok(rule) => Threshold::new(rule),
        Err(e) => return err(e.kind()),
    };
    let mut states = Vec::new();
    for (i, smp) in list(input, "samples").iter().enumerate() {
        match th.observe_opt(f(smp, "t").unwrap_or(f64::NAN), f(smp, "value")) {
            Ok(st) => states.push(json!(st.as_str())),
            Err(e) => return seq_error(obj([("states", json!(states))]), e.kind(), i),
        }
    }
    json!({ "states": states })
}

fn obj<const N: usize>(pairs: [(&str, Value); N]) -> Map<String, Value> {
    pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

fn run_window(input: &Value) -> Value {
    let min = num(input, "min_requests").unwrap_or(Num::Float(f64::NAN));
    let mut w = match WindowRate::new(f(input, "window_seconds").unwrap_or(f64::NAN), min) {
        Ok(w) => w,
        Err(e) => return err(e.kind()),
    };
    let mut rates = Vec::new();
    for (i, smp) in list(input, "samples").iter().enumerate() {
        let count = |k| num(smp, k).unwrap_or(Num::Float(f64::NAN));
        match w.push(
            f(smp, "t").unwrap_or(f64::NAN),
            count("requests"),
            count("errors"),
        ) {
            Ok(r) => rates.push(json!(r)),
            Err(e) => return seq_error(obj([("rates", json!(rates))]), e.kind(), i),
        }
    }
    json!({ "rates": rates })
}

fn run_breaker(input: &Value) -> Value {
    let cfg = input.get("config").cloned().unwrap_or(json!({}));
    let config = match serde_json::from_value::<BreakerConfigInput>(cfg) {
        Ok(c) => BreakerConfig::try_from(c),
        Err(e) => Err(crate::error::BreakerError::InvalidConfig(e.to_string())),
    };
    let mut m = match config.and_then(BreakerMachine::new) {
        Ok(m) => m,
        Err(e) => return err(e.kind()),
    };
    let mut steps = Vec::new();
    for (i, op) in list(input, "ops").iter().enumerate() {
        match m.apply_named(
            f(op, "t").unwrap_or(f64::NAN),
            s(op, "op").unwrap_or(""),
            s(op, "outcome"),
            f(op, "seconds"),
        ) {
            Ok(permitted) => {
                let mut step = obj([("state", json!(m.state().as_str()))]);
                if let Some(p) = permitted {
                    step.insert("permitted".into(), json!(p));
                }
                steps.push(Value::Object(step));
            }
            Err(e) => return seq_error(obj([("steps", json!(steps))]), e.kind(), i),
        }
    }
    json!({ "steps": steps })
}

fn run_governance(input: &Value) -> Value {
    let electorate = list(input, "electorate")
        .iter()
        .map(|m| m.as_str().unwrap_or_default().to_string())
        .collect();
    let proposal = Proposal::new(
        electorate,
        &decimal_text(input, "quorum").unwrap_or_default(),
        &decimal_text(input, "pass_threshold").unwrap_or_default(),
        f(input, "opens_at").unwrap_or(f64::NAN),
        f(input, "closes_at").unwrap_or(f64::NAN),
    );
    let proposal = match proposal {
        Ok(p) => p,
        Err(e) => return err(e.kind()),
    };
    let votes: Vec<VoteInput> = list(input, "votes")
        .iter()
        .map(|v| VoteInput {
            t: f(v, "t").unwrap_or(f64::NAN),
            member: s(v, "member").unwrap_or_default().to_string(),
            choice: s(v, "choice").unwrap_or_default().to_string(),
        })
        .collect();
    let r = governance::read(proposal, &votes, f(input, "now").unwrap_or(f64::NAN));
    json!({
        "status": r.status.as_str(),
        "yes": r.tally.yes,
        "no": r.tally.no,
        "abstain": r.tally.abstain,
        "refused": r.refused.iter().map(|(i, e)| json!({"index": i, "error": e.kind()})).collect::<Vec<_>>(),
    })
}

fn run_flags(input: &Value) -> Value {
    let defs: Result<Vec<FlagDef>, _> =
        serde_json::from_value(input.get("flags").cloned().unwrap_or(json!([])));
    let mut set = match defs
        .map_err(|e| crate::error::FlagError::InvalidFlag(e.to_string()))
        .and_then(FlagSet::new)
    {
        Ok(s) => s,
        Err(e) => return err(e.kind()),
    };
    let mut steps = Vec::new();
    for op in list(input, "ops") {
        let decision = op.get("decision").map(backed_by_votes);
        let key = s(op, "key").unwrap_or_default();
        let r = decision
            .transpose()
            .map_err(crate::Error::from)
            .and_then(|d| {
                set.apply_arg(
                    key,
                    s(op, "op").unwrap_or_default(),
                    f(op, "value"),
                    d.as_ref(),
                    "conformance",
                    0.0,
                )
            });
        steps.push(match r {
            Ok(st) => json!({"ok": true, "enabled": st.enabled, "intensity": st.intensity}),
            Err(e) => json!({"ok": false, "error": e.kind()}),
        });
    }
    json!({ "steps": steps })
}

/// A vector's decision `{subject, action, status}` as the flag rule now needs it: backed by a
/// real proposal whose votes, tallied at t = 0, give that status (one member; passed: a yes,
/// rejected: a no, no_quorum: a quorum of 1 and no vote, open: still open at t = 0). Any other
/// value is handed over as it is, to be refused as the rule says.
fn backed_by_votes(d: &Value) -> Result<DecisionArg, crate::error::GovernanceError> {
    let (quorum, closes_at, votes) = match d.get("status").and_then(Value::as_str) {
        Some("passed") => ("0", 0.0, json!([{"t": -1, "member": "m", "choice": "yes"}])),
        Some("rejected") => ("0", 0.0, json!([{"t": -1, "member": "m", "choice": "no"}])),
        Some("no_quorum") => ("1", 0.0, json!([])),
        Some("open") => ("0", 1.0, json!([{"t": -1, "member": "m", "choice": "yes"}])),
        _ => return DecisionArg::from_value(d),
    };
    DecisionArg::from_value(&json!({
        "subject": s(d, "subject").unwrap_or_default(), "action": s(d, "action").unwrap_or_default(),
        "electorate": ["m"], "quorum": quorum, "pass_threshold": "0.5",
        "opens_at": -2, "closes_at": closes_at, "votes": votes,
    }))
}

fn run_policy(input: &Value) -> Value {
    let mut eval = Policy::builtin().evaluator();
    let mut decisions = Vec::new();
    for (i, o) in list(input, "observations").iter().enumerate() {
        let r = serde_json::from_value::<Observation>(o.clone())
            .map_err(|e| crate::error::PolicyError::InvalidObservation(e.to_string()))
            .and_then(|obs| eval.observe(&obs));
        match r {
            Ok(d) => decisions.push(json!({"action": d.action.as_str(), "severity": d.severity.as_str(), "reasons": d.reasons})),
            Err(e) => return seq_error(obj([("decisions", json!(decisions))]), e.kind(), i),
        }
    }
    json!({ "decisions": decisions })
}

fn run_rollout(input: &Value) -> Value {
    let plan = match input.get("steps") {
        None | Some(Value::Null) => Ok(RolloutPlan::default()),
        Some(steps) => serde_json::from_value::<Vec<StepInput>>(steps.clone())
            .map_err(|e| crate::error::RolloutError::InvalidPlan(e.to_string()))
            .and_then(RolloutPlan::new),
    };
    let plan = match input.get("gentle_step_seconds") {
        None | Some(Value::Null) => plan,
        Some(g) => plan.and_then(|p| p.with_gentle_step_seconds(g.as_f64().unwrap_or(f64::NAN))),
    };
    let plan = match plan {
        Ok(p) => p,
        Err(e) => return err(e.kind()),
    };
    let mut r = Rollout::start(plan, f(input, "started_at").unwrap_or(0.0));
    let mut states = Vec::new();
    for (i, e) in list(input, "events").iter().enumerate() {
        match r.apply_named(
            f(e, "t").unwrap_or(f64::NAN),
            s(e, "type").unwrap_or_default(),
            s(e, "decision"),
            num(e, "step"),
            s(e, "outcome"),
        ) {
            Ok(st) => states
                .push(json!({"status": st.status.as_str(), "step": st.step, "weight": st.weight})),
            Err(err) => return seq_error(obj([("states", json!(states))]), err.kind(), i),
        }
    }
    json!({ "states": states })
}

fn run_bucket(input: &Value) -> Value {
    let modulus = num(input, "modulus").map_or(Some(bucket::DEFAULT_MODULUS as u64), Num::as_count);
    let seed = num(input, "seed").map_or(Some(0), Num::as_count);
    let (Some(modulus), Some(seed)) = (
        modulus.and_then(|m| u32::try_from(m).ok()),
        seed.and_then(|s| u32::try_from(s).ok()),
    ) else {
        return err("invalid_modulus");
    };
    match bucket::bucket(
        s(input, "id").unwrap_or_default(),
        s(input, "group").unwrap_or_default(),
        modulus,
        seed,
    ) {
        Ok(b) => json!({ "bucket": b }),
        Err(e) => err(e.kind()),
    }
}

/// A description of how `actual` differs from `expected` (empty when equal).
fn diff(expected: &Value, actual: &Value, tolerant: bool, path: &str) -> String {
    let here = if path.is_empty() { "$" } else { path };
    match (expected, actual) {
        (Value::Number(a), Value::Number(b)) => {
            let (a, b) = (
                a.as_f64().unwrap_or(f64::NAN),
                b.as_f64().unwrap_or(f64::NAN),
            );
            let same = if tolerant {
                a == b || (a - b).abs() <= 1e-12 * a.abs().max(b.abs())
            } else {
                a == b
            };
            if same {
                String::new()
            } else {
                format!("{here}: expected {a}, got {b}\n")
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            let mut out = String::new();
            if a.len() != b.len() {
                out.push_str(&format!(
                    "{here}: expected {} items, got {}\n",
                    a.len(),
                    b.len()
                ));
            }
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                out.push_str(&diff(x, y, tolerant, &format!("{here}[{i}]")));
            }
            out
        }
        (Value::Object(a), Value::Object(b)) => {
            let mut out = String::new();
            for (k, x) in a {
                match b.get(k) {
                    Some(y) => out.push_str(&diff(x, y, tolerant, &format!("{here}.{k}"))),
                    None => out.push_str(&format!("{here}.{k}: expected {x}, missing\n")),
                }
            }
            for (k, y) in b {
                if !a.contains_key(k) {
                    out.push_str(&format!("{here}.{k}: unexpected {y}\n"));
                }
            }
            out
        }
        (a, b) if a == b => String::new(),
        (a, b) => format!("{here}: expected {a}, got {b}\n"),
    }
}
