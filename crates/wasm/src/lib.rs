//! The wasm-bindgen layer over `crates/core` for frontends.
//!
//! Type conversions and errors only, with the same names and result shapes as the Node
//! package. Money crosses as decimal strings (or `bigint` minor units); a JS `number` given as
//! money is refused with a `TypeError`. Every core error becomes a JS `Error` named
//! `LiberationGatesError` with `.code` (the core's kind) and `.family`, through the single
//! function [`err`]. A panic hook reports to the console, but nothing here panics on any
//! input: every fallible step returns an error.

use liberation_gates as core;
use liberation_gates::governance::{ProposalStatus, VoteInput};
use liberation_gates::money::Currency;
use liberation_gates::split::{CreatorInput, SplitInput};
use liberation_gates::Num;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

type Result<T> = std::result::Result<T, JsValue>;

#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
}

/// The one error conversion: an `Error` with `.code` = kind and `.family`.
fn err(e: impl Into<core::Error>) -> JsValue {
    let e: core::Error = e.into();
    let js = js_sys::Error::new(&format!("{}: {}", e.kind(), e.message()));
    js.set_name("LiberationGatesError");
    let _ = js_sys::Reflect::set(&js, &"code".into(), &e.kind().into());
    let _ = js_sys::Reflect::set(&js, &"family".into(), &e.family().into());
    let _ = js_sys::Reflect::set(&js, &"detail".into(), &e.message().into());
    if let Some(n) = e.line() {
        let _ = js_sys::Reflect::set(&js, &"line".into(), &(n as f64).into());
    }
    js.into()
}

fn type_error(msg: &str) -> JsValue {
    js_sys::TypeError::new(msg).into()
}

fn from_js<T: serde::de::DeserializeOwned>(v: JsValue, what: &str) -> Result<T> {
    serde_wasm_bindgen::from_value(v).map_err(|e| type_error(&format!("{what}: {e}")))
}

/// A core input type from a JS value, through a JSON value: serde-wasm-bindgen reads only the
/// fields a struct declares, so an unknown key (a misspelt option on a money or rule path)
/// would be silently ignored; through JSON every key is seen, and the core's
/// `deny_unknown_fields` refuses it.
fn from_js_strict<T: serde::de::DeserializeOwned>(v: JsValue) -> std::result::Result<T, String> {
    let value: serde_json::Value = serde_wasm_bindgen::from_value(v).map_err(|e| e.to_string())?;
    serde_json::from_value(value).map_err(|e| e.to_string())
}

fn to_js<T: Serialize>(v: &T) -> Result<JsValue> {
    v.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| type_error(&e.to_string()))
}

/// A string argument. wasm-bindgen's own string conversion reads a non-string as a pointer
/// and traps the module ("memory access out of bounds"); here anything else is a `TypeError`
/// naming the argument. Parameters taking it are declared `string` in the TypeScript types.
fn text_arg(v: &JsValue, what: &str) -> Result<String> {
    v.as_string().ok_or_else(|| {
        type_error(&format!(
            "{what} must be a string, not {}",
            v.js_typeof().as_string().unwrap_or_default()
        ))
    })
}

/// An optional string argument: `undefined` or `null` is absent, a string is itself, anything
/// else a `TypeError` naming the argument.
fn opt_text_arg(v: Option<JsValue>, what: &str) -> Result<Option<String>> {
    match v {
        Some(v) if opt(&v) => text_arg(&v, what).map(Some),
        _ => Ok(None),
    }
}

/// Refuses keys an argument object does not have, naming them (serde-wasm-bindgen would drop
/// them silently: a misspelt `creator_share` would pay creators the default 75%).
fn known_keys(v: &JsValue, keys: &[&str], what: &str) -> Result<()> {
    if !v.is_object() {
        return Ok(());
    }
    for k in js_sys::Object::keys(v.unchecked_ref::<js_sys::Object>()).iter() {
        let k = k.as_string().unwrap_or_default();
        if !keys.contains(&k.as_str()) {
            return Err(type_error(&format!(
                "unknown {what} {k:?}: expected {}",
                keys.join(", ")
            )));
        }
    }
    Ok(())
}

fn opt(v: &JsValue) -> bool {
    !(v.is_undefined() || v.is_null())
}

/// Money: a decimal string, or a bigint of minor units; a number is a TypeError.
fn money_text(v: &JsValue, currency: &str, what: &str) -> Result<String> {
    if let Some(s) = v.as_string() {
        return Ok(s);
    }
    if v.is_bigint() {
        let text: String = js_sys::BigInt::from(v.clone())
            .to_string(10)
            .map(String::from)
            .unwrap_or_default();
        let minor: i128 = text.parse().map_err(|_| {
            err(core::error::SplitError::InvalidAmount(format!(
                "{what}: bigint does not fit in 128 bits"
            )))
        })?;
        return Ok(core::money::minor_units_text(minor, currency));
    }
    Err(type_error(&format!(
        "{what} must be a decimal string (e.g. \"12.50\") or a bigint of minor units, not a number: a binary float cannot hold an amount of money exactly"
    )))
}

/// An exact decimal: a string, or a JS number (a whole number only; see `Num::exact_text`).
#[derive(Deserialize)]
#[serde(untagged)]
enum Exact {
    Text(String),
    Number(f64),
}

impl Exact {
    fn text(&self) -> String {
        match self {
            Exact::Text(s) => s.clone(),
            Exact::Number(f) => Num::exact_text(*f),
        }
    }
}

#[derive(Deserialize)]
struct CreatorArg {
    id: String,
    weight: Exact,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct SplitOptions {
    creator_share: Option<Exact>,
    fee_mode: Option<String>,
}

#[derive(Serialize)]
struct PayoutObject {
    id: String,
    amount: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SplitResult {
    currency: String,
    gross: String,
    creators: Vec<PayoutObject>,
    platform: String,
    fee: String,
    creator_total: String,
    creator_share: String,
    fee_mode: String,
    method: String,
}

fn split_input(
    gross: &JsValue,
    currency: &str,
    creators: JsValue,
    options: JsValue,
) -> Result<SplitInput> {
    if let Ok(list) = creators.clone().dyn_into::<js_sys::Array>() {
        for c in list.iter() {
            known_keys(&c, &["id", "weight"], "creator field")?;
        }
    }
    known_keys(
        &options,
        &["creatorShare", "fee", "feeMode", "step"],
        "split option",
    )?;
    let creators: Vec<CreatorArg> = from_js(creators, "creators")?;
    let get = |k: &str| js_sys::Reflect::get(&options, &k.into()).unwrap_or(JsValue::UNDEFINED);
    let (fee, step) = if opt(&options) {
        (get("fee"), get("step"))
    } else {
        (JsValue::UNDEFINED, JsValue::UNDEFINED)
    };
    let o: SplitOptions = if opt(&options) {
        from_js(options, "options")?
    } else {
        SplitOptions::default()
    };
    Ok(SplitInput {
        gross: money_text(gross, currency, "gross")?,
        currency: currency.to_string(),
        creators: creators
            .iter()
            .map(|c| CreatorInput {
                id: c.id.clone(),
                weight: c.weight.text(),
            })
            .collect(),
        creator_share: o.creator_share.as_ref().map(Exact::text),
        fee: if opt(&fee) {
            Some(money_text(&fee, currency, "fee")?)
        } else {
            None
        },
        fee_mode: o.fee_mode,
        step: if opt(&step) {
            Some(money_text(&step, currency, "step")?)
        } else {
            None
        },
    })
}

/// Splits a payment so creators keep at least 75% (SPEC §1). Returns
/// `{currency, gross, creators: [{id, amount}], platform, fee, creatorTotal, creatorShare, feeMode, method}`.
#[wasm_bindgen]
pub fn split(
    gross: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string")] currency: JsValue,
    creators: JsValue,
    options: JsValue,
) -> Result<JsValue> {
    let currency = text_arg(&currency, "currency")?;
    let input = split_input(&gross, &currency, creators, options)?;
    let s = core::split::split(&input).map_err(err)?;
    to_js(&SplitResult {
        currency: s.currency.code().into(),
        gross: s.gross.to_string(),
        creators: s
            .creators
            .iter()
            .map(|p| PayoutObject {
                id: p.id.clone(),
                amount: p.amount.to_string(),
            })
            .collect(),
        platform: s.platform.to_string(),
        fee: s.fee.to_string(),
        creator_total: s.creator_total.to_string(),
        creator_share: s.creator_share.to_string(),
        fee_mode: s.fee_mode.as_str().into(),
        method: s.method.as_str().into(),
    })
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AuditResult {
    currency: String,
    expected: Vec<PayoutObject>,
    paid: Vec<PayoutObject>,
    creator_total: String,
    paid_total: String,
    shortfalls: Vec<PayoutObject>,
    shortfall_total: String,
    exact: bool,
    floor_held: bool,
    creator_share_paid: Option<String>,
}

fn payouts(list: &[core::split::Payout]) -> Vec<PayoutObject> {
    list.iter()
        .map(|p| PayoutObject {
            id: p.id.clone(),
            amount: p.amount.to_string(),
        })
        .collect()
}

/// Audits payouts made elsewhere against the split (SPEC §10). `paid`: `[{id, amount}]`
/// (decimal strings or bigint minor units). Returns `{currency, expected, paid, creatorTotal,
/// paidTotal, shortfalls, shortfallTotal, exact, floorHeld, creatorSharePaid}`.
#[wasm_bindgen]
pub fn audit(
    gross: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string")] currency: JsValue,
    creators: JsValue,
    paid: JsValue,
    options: JsValue,
) -> Result<JsValue> {
    let currency = &text_arg(&currency, "currency")?;
    let input = split_input(&gross, currency, creators, options)?;
    let split = core::split::split(&input).map_err(err)?;
    let entries: js_sys::Array = paid
        .dyn_into()
        .map_err(|_| type_error("paid must be an array of {id, amount}"))?;
    let mut list = Vec::with_capacity(entries.length() as usize);
    for entry in entries.iter() {
        known_keys(&entry, &["id", "amount"], "payout field")?;
        let id = js_sys::Reflect::get(&entry, &"id".into())
            .ok()
            .and_then(|v| v.as_string())
            .ok_or_else(|| type_error("each payout needs a string id"))?;
        let amount = js_sys::Reflect::get(&entry, &"amount".into()).unwrap_or(JsValue::UNDEFINED);
        list.push(core::audit::Paid {
            id,
            amount: money_text(&amount, currency, "paid amount")?,
        });
    }
    audit_result(core::audit::audit_split(&split, &list).map_err(err)?)
}

/// Audits a payout file's text (JSON lines `{id, amount}`) against a split terms file's text
/// (the CLI's `audit --split --paid`); an error in the payouts names its line (`line`).
#[wasm_bindgen(js_name = auditFiles)]
pub fn audit_files(
    #[wasm_bindgen(unchecked_param_type = "string")] split_terms: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string")] paid: JsValue,
) -> Result<JsValue> {
    let terms = text_arg(&split_terms, "splitTerms")?;
    audit_result(core::audit::audit_files(&terms, &text_arg(&paid, "paid")?).map_err(err)?)
}

/// Reads a proposal file's text (the CLI's `vote` file): `{status, tally, refused, decision}`.
#[wasm_bindgen(js_name = readProposal)]
pub fn read_proposal(
    #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
) -> Result<JsValue> {
    let f = core::governance::ProposalFile::parse(&text_arg(&text, "text")?).map_err(err)?;
    to_js(&f.read().map_err(err)?)
}

fn audit_result(a: core::audit::PayoutAudit) -> Result<JsValue> {
    to_js(&AuditResult {
        currency: a.currency.code().into(),
        expected: payouts(&a.expected),
        paid: payouts(&a.paid),
        creator_total: a.creator_total.to_string(),
        paid_total: a.paid_total.to_string(),
        shortfall_total: a.shortfall_total().to_string(),
        shortfalls: payouts(&a.shortfalls),
        exact: a.exact,
        floor_held: a.floor_held,
        creator_share_paid: a.creator_share_paid,
    })
}

/// A health model (SPEC §11): checks `{name, level, critical}` in levels 1–5.
#[wasm_bindgen]
pub struct HealthModel {
    inner: core::health::HealthModel,
}

#[wasm_bindgen]
impl HealthModel {
    /// `checks`: `[{name, level, critical?}]` (`critical` defaults to true).
    #[wasm_bindgen(constructor)]
    pub fn new(checks: JsValue) -> Result<HealthModel> {
        let checks: Vec<core::health::CheckInput> =
            from_js_strict(checks).map_err(|e| err(core::error::HealthError::InvalidCheck(e)))?;
        core::health::HealthModel::new(checks)
            .map(|inner| HealthModel { inner })
            .map_err(err)
    }
    /// The platform's model, with the check names the built-in policy and plan share.
    pub fn builtin() -> HealthModel {
        HealthModel {
            inner: core::health::HealthModel::builtin(),
        }
    }
    /// The declared checks, `[{name, level, critical}]`.
    #[wasm_bindgen(getter)]
    pub fn checks(&self) -> Result<JsValue> {
        to_js(&self.inner.checks())
    }
    /// Evaluates `{name: "up" | "degraded" | "down" | null}`:
    /// `{levels, overall, action, failing, checks}`.
    pub fn evaluate(&self, status: JsValue) -> Result<JsValue> {
        let status: serde_json::Value = serde_wasm_bindgen::from_value(status)
            .map_err(|e| err(core::error::HealthError::InvalidStatus(e.to_string())))?;
        to_js(&self.inner.evaluate_value(&status).map_err(err)?)
    }
}

/// A ledger of splits, refunds and payouts: the transparency report and the sovereignty
/// summary.
#[wasm_bindgen]
pub struct Ledger {
    inner: core::ledger::Ledger,
}

#[wasm_bindgen]
impl Ledger {
    /// Reads a JSON-lines ledger; errors name the line.
    #[wasm_bindgen(js_name = fromJsonl)]
    pub fn from_jsonl(
        #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
    ) -> Result<Ledger> {
        core::ledger::Ledger::from_jsonl(&text_arg(&text, "text")?)
            .map(|inner| Ledger { inner })
            .map_err(err)
    }
    /// The transparency report ("day", "month" or "all").
    pub fn report(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "string")] period: Option<JsValue>,
    ) -> Result<JsValue> {
        let period = opt_text_arg(period, "period")?;
        let p: core::ledger::Period = period.as_deref().unwrap_or("all").parse().map_err(err)?;
        to_js(&self.inner.report(p))
    }
    /// The creators' share against the 75% floor, and each creator's amount, for `currency`.
    #[wasm_bindgen(js_name = sovereigntySummary)]
    pub fn sovereignty_summary(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] currency: JsValue,
    ) -> Result<JsValue> {
        let c = Currency::from_code(&text_arg(&currency, "currency")?).map_err(err)?;
        to_js(&self.inner.sovereignty_summary(c))
    }
    /// The currencies in the ledger, sorted.
    pub fn currencies(&self) -> Vec<String> {
        self.inner
            .currencies()
            .iter()
            .map(|c| c.code().to_string())
            .collect()
    }
    #[wasm_bindgen(getter)]
    pub fn length(&self) -> u32 {
        self.inner.records().len() as u32
    }
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct ThresholdOptions {
    keep_firing_for_seconds: Option<f64>,
    max_gap_seconds: Option<f64>,
}

/// Prometheus-style sustained condition (SPEC §2).
#[wasm_bindgen]
pub struct Threshold {
    inner: core::threshold::Threshold,
}

#[wasm_bindgen]
impl Threshold {
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "string")] op: JsValue,
        threshold: f64,
        for_seconds: f64,
        options: JsValue,
    ) -> Result<Threshold> {
        let op = &text_arg(&op, "op")?;
        let o: ThresholdOptions = if opt(&options) {
            from_js(options, "options")?
        } else {
            ThresholdOptions::default()
        };
        let rule = core::threshold::ThresholdRule {
            op: op.parse().map_err(err)?,
            threshold,
            for_seconds,
            keep_firing_for_seconds: o.keep_firing_for_seconds.unwrap_or(0.0),
            max_gap_seconds: o.max_gap_seconds,
        };
        core::threshold::Threshold::try_new(rule)
            .map(|inner| Threshold { inner })
            .map_err(err)
    }
    /// Feeds a sample: "inactive", "pending" or "firing". A null value is invalid_sample.
    pub fn observe(&mut self, t: f64, value: Option<f64>) -> Result<String> {
        self.inner
            .observe_opt(t, value)
            .map(|s| s.as_str().to_string())
            .map_err(err)
    }
    #[wasm_bindgen(getter)]
    pub fn state(&self) -> String {
        self.inner.state().as_str().to_string()
    }
}

/// Error rate over a sliding window of per-interval counts (SPEC §3).
#[wasm_bindgen]
pub struct WindowRate {
    inner: core::window::WindowRate,
}

#[wasm_bindgen]
impl WindowRate {
    #[wasm_bindgen(constructor)]
    pub fn new(window_seconds: f64, min_requests: Option<f64>) -> Result<WindowRate> {
        core::window::WindowRate::new(window_seconds, Num::Float(min_requests.unwrap_or(0.0)))
            .map(|inner| WindowRate { inner })
            .map_err(err)
    }
    /// Adds one interval's counts; the rate, or `null` (not `undefined`) below minRequests.
    pub fn push(&mut self, t: f64, requests: f64, errors: f64) -> Result<JsValue> {
        let rate = self
            .inner
            .push(t, Num::Float(requests), Num::Float(errors))
            .map_err(err)?;
        Ok(rate.map_or(JsValue::NULL, JsValue::from))
    }
}

/// A deployment-safety policy (SPEC §7); JSON only in the browser build.
#[wasm_bindgen]
pub struct Policy {
    inner: core::policy::Policy,
}

#[wasm_bindgen]
impl Policy {
    /// The built-in liberation-safe policy.
    pub fn builtin() -> Policy {
        Policy {
            inner: core::policy::Policy::builtin(),
        }
    }
    /// Parses policy text in `format` ("json"; TOML and YAML are not in this build, and say so).
    pub fn parse(
        #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] format: JsValue,
    ) -> Result<Policy> {
        let format = text_arg(&format, "format")?.parse().map_err(err)?;
        core::policy::Policy::parse(&text_arg(&text, "text")?, format)
            .map(|inner| Policy { inner })
            .map_err(err)
    }
    /// Parses a policy written as JSON.
    #[wasm_bindgen(js_name = fromJson)]
    pub fn from_json(
        #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
    ) -> Result<Policy> {
        core::policy::Policy::parse(&text_arg(&text, "text")?, core::policy::Format::Json)
            .map(|inner| Policy { inner })
            .map_err(err)
    }
    #[wasm_bindgen(getter, js_name = ruleIds)]
    pub fn rule_ids(&self) -> Vec<String> {
        self.inner.rules().iter().map(|r| r.id.clone()).collect()
    }
    /// A fresh evaluator.
    pub fn evaluator(&self) -> Evaluator {
        Evaluator {
            inner: self.inner.evaluator(),
        }
    }
}

/// An observation from JS objects: a `null` value is a missing measurement, NaN is refused.
fn observation(t: f64, metrics: JsValue, checks: JsValue) -> Result<core::policy::Observation> {
    let part = |v: JsValue| opt(&v).then(|| serde_wasm_bindgen::Deserializer::from(v));
    core::policy::Observation::from_parts(t, part(metrics), part(checks)).map_err(err)
}

/// Evaluates a policy over observations in time order (for dashboards).
#[wasm_bindgen]
pub struct Evaluator {
    inner: core::policy::Evaluator,
}

#[wasm_bindgen]
impl Evaluator {
    /// One observation: `metrics` `{name: number|null}`, `checks` `{name: boolean|null}`.
    pub fn observe(&mut self, t: f64, metrics: JsValue, checks: JsValue) -> Result<JsValue> {
        let o = observation(t, metrics, checks)?;
        let d = self.inner.observe(&o).map_err(err)?;
        to_js(&d)
    }
    /// Evaluates a JSON-lines observation file's text; an error names its line (`line`).
    #[wasm_bindgen(js_name = observeJsonl)]
    pub fn observe_jsonl(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
    ) -> Result<JsValue> {
        let text = text_arg(&text, "text")?;
        to_js(&core::simulate::observe_jsonl(&mut self.inner, &text).map_err(err)?)
    }
}

/// Runs a simulation file's text (observations, approvals, consultation answers) through a
/// policy (default: the built-in one) and a canary rollout; one step per line. An error names
/// its line (`line`) and keeps its kind.
#[wasm_bindgen]
pub fn simulate(
    #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
    policy: Option<Policy>,
    plan: Option<RolloutPlan>,
    started_at: Option<f64>,
) -> Result<JsValue> {
    let text = text_arg(&text, "text")?;
    let policy = policy.map_or_else(core::policy::Policy::builtin, |p| p.inner);
    let plan = plan.map(|p| p.inner).unwrap_or_default();
    to_js(&core::simulate::run_text(&text, policy, plan, started_at).map_err(err)?)
}

/// The six-phase deployment plan (SPEC §9).
#[wasm_bindgen]
pub struct DeploymentPlan {
    inner: core::plan::DeploymentPlan,
}

#[wasm_bindgen]
impl DeploymentPlan {
    /// The built-in plan.
    pub fn builtin() -> DeploymentPlan {
        DeploymentPlan {
            inner: core::plan::DeploymentPlan::builtin(),
        }
    }
    /// Reads a deployment plan's text (`format` "json"; TOML and YAML are not in this build).
    pub fn parse(
        #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] format: JsValue,
    ) -> Result<DeploymentPlan> {
        let format = text_arg(&format, "format")?.parse().map_err(err)?;
        core::plan::DeploymentPlan::parse(&text_arg(&text, "text")?, format)
            .map(|inner| DeploymentPlan { inner })
            .map_err(err)
    }
    /// Phase names, in order.
    #[wasm_bindgen(getter)]
    pub fn phases(&self) -> Vec<String> {
        self.inner.phases.iter().map(|p| p.name.clone()).collect()
    }
    /// Evaluates one phase: `{phase, passed, action, failed, missing, liberation_failed}`.
    pub fn evaluate(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] phase: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Record<string, number | null> | null")]
        metrics: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Record<string, boolean | null> | null")]
        checks: JsValue,
    ) -> Result<JsValue> {
        let o = observation(0.0, metrics, checks)?;
        to_js(&self.inner.evaluate_phase(&text_arg(&phase, "phase")?, &o).map_err(err)?)
    }
}

/// A progressive-rollout plan.
#[wasm_bindgen]
pub struct RolloutPlan {
    inner: core::rollout::RolloutPlan,
}

#[wasm_bindgen]
impl RolloutPlan {
    /// `steps`: `[{weight, bake_seconds, approval}]`, or null for the default plan;
    /// `gentleStepSeconds`: how long a gentle rollback stays on each step on its way down
    /// (default 300).
    #[wasm_bindgen(constructor)]
    pub fn new(steps: JsValue, gentle_step_seconds: Option<f64>) -> Result<RolloutPlan> {
        // Through a JSON value, so an unknown key in a step is seen (see `from_js_strict`).
        let steps: Option<serde_json::Value> = match opt(&steps) {
            true => Some(from_js(steps, "steps")?),
            false => None,
        };
        core::rollout::RolloutPlan::from_parts(steps, gentle_step_seconds)
            .map(|inner| RolloutPlan { inner })
            .map_err(err)
    }
    /// Reads a rollout plan file's text (`format` "json"; TOML and YAML are not in this build).
    pub fn parse(
        #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] format: JsValue,
    ) -> Result<RolloutPlan> {
        let format = text_arg(&format, "format")?.parse().map_err(err)?;
        core::rollout::RolloutPlan::parse(&text_arg(&text, "text")?, format)
            .map(|inner| RolloutPlan { inner })
            .map_err(err)
    }
    /// How long a gentle rollback stays on each step on its way down, seconds.
    #[wasm_bindgen(getter, js_name = gentleStepSeconds)]
    pub fn gentle_step_seconds(&self) -> f64 {
        self.inner.gentle_step_seconds()
    }
}

#[derive(Serialize)]
struct RolloutStateObject {
    status: &'static str,
    step: usize,
    weight: u8,
}

fn rstate(s: core::rollout::RolloutState) -> Result<JsValue> {
    to_js(&RolloutStateObject {
        status: s.status.as_str(),
        step: s.step,
        weight: s.weight,
    })
}

/// A running canary rollout (SPEC §8).
#[wasm_bindgen]
pub struct Rollout {
    inner: core::rollout::Rollout,
}

impl Rollout {
    fn event(
        &mut self,
        t: f64,
        kind: &str,
        decision: Option<&str>,
        step: Option<f64>,
        outcome: Option<&str>,
    ) -> Result<JsValue> {
        // The core takes integral numbers as step indices (SPEC §8).
        self.inner
            .apply_named(t, kind, decision, step.map(Num::Float), outcome)
            .map_err(err)
            .and_then(rstate)
    }
}

#[wasm_bindgen]
impl Rollout {
    #[wasm_bindgen(constructor)]
    pub fn new(plan: &RolloutPlan, started_at: Option<f64>) -> Rollout {
        Rollout {
            inner: core::rollout::Rollout::start(plan.inner.clone(), started_at.unwrap_or(0.0)),
        }
    }
    /// An event by name: "observe" with a decision, "approve" with a step, "consulted" with
    /// an outcome, or "tick".
    pub fn apply(
        &mut self,
        t: f64,
        #[wasm_bindgen(unchecked_param_type = "string")] kind: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "string")] decision: Option<JsValue>,
        #[wasm_bindgen(unchecked_optional_param_type = "number")] step: Option<f64>,
        #[wasm_bindgen(unchecked_optional_param_type = "string")] outcome: Option<JsValue>,
    ) -> Result<JsValue> {
        let kind = text_arg(&kind, "kind")?;
        let decision = opt_text_arg(decision, "decision")?;
        let outcome = opt_text_arg(outcome, "outcome")?;
        self.event(t, &kind, decision.as_deref(), step, outcome.as_deref())
    }
    /// `consulted {outcome}` at `t`: the community's answer ("proceed", "rollback" or
    /// "gentle_rollback").
    pub fn consulted(
        &mut self,
        t: f64,
        #[wasm_bindgen(unchecked_param_type = "string")] outcome: JsValue,
    ) -> Result<JsValue> {
        let outcome = text_arg(&outcome, "outcome")?;
        self.event(t, "consulted", None, None, Some(&outcome))
    }
    /// `tick` at `t`: the passage of time alone.
    pub fn tick(&mut self, t: f64) -> Result<JsValue> {
        self.event(t, "tick", None, None, None)
    }
    /// The gentle-ramp steps the last event caught up on: `[{t, status, step, weight}]`.
    #[wasm_bindgen(getter, js_name = rampSteps)]
    pub fn ramp_steps(&self) -> Result<JsValue> {
        to_js(&self.inner.ramp_steps())
    }
    #[wasm_bindgen(getter)]
    pub fn state(&self) -> Result<JsValue> {
        rstate(self.inner.state())
    }
}

/// The breaker state machine driven with explicit times (SPEC §4).
#[wasm_bindgen]
pub struct BreakerMachine {
    inner: core::breaker::BreakerMachine,
}

#[wasm_bindgen]
impl BreakerMachine {
    #[wasm_bindgen(constructor)]
    pub fn new(config: JsValue) -> Result<BreakerMachine> {
        let input: core::breaker::BreakerConfigInput = if opt(&config) {
            from_js_strict(config).map_err(|e| err(core::error::BreakerError::InvalidConfig(e)))?
        } else {
            Default::default()
        };
        let config = core::breaker::BreakerConfig::try_from(input).map_err(err)?;
        core::breaker::BreakerMachine::new(config)
            .map(|inner| BreakerMachine { inner })
            .map_err(err)
    }
    /// Applies `op` at `t`; for `acquire`, whether it was permitted (else undefined).
    pub fn apply(
        &mut self,
        t: f64,
        #[wasm_bindgen(unchecked_param_type = "string")] op: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "string")] outcome: Option<JsValue>,
        #[wasm_bindgen(unchecked_optional_param_type = "number")] seconds: Option<f64>,
    ) -> Result<Option<bool>> {
        let op = text_arg(&op, "op")?;
        let outcome = opt_text_arg(outcome, "outcome")?;
        self.inner
            .apply_named(t, &op, outcome.as_deref(), seconds)
            .map_err(err)
    }
    #[wasm_bindgen(getter)]
    pub fn state(&self) -> String {
        self.inner.state().as_str().to_string()
    }
}

#[derive(Deserialize)]
struct VoteArg {
    t: f64,
    member: String,
    choice: String,
}

#[derive(Serialize)]
struct Refusal {
    index: usize,
    error: &'static str,
}

#[derive(Serialize)]
struct Reading {
    status: &'static str,
    yes: u64,
    no: u64,
    abstain: u64,
    refused: Vec<Refusal>,
}

/// One member, one vote (SPEC §5).
#[wasm_bindgen]
pub struct Proposal;

#[wasm_bindgen]
impl Proposal {
    /// Reads a proposal at `now` from votes `[{t, member, choice}]` in the order cast.
    pub fn read(
        #[wasm_bindgen(unchecked_param_type = "string[]")] electorate: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] quorum: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] pass_threshold: JsValue,
        opens_at: f64,
        closes_at: f64,
        votes: JsValue,
        now: f64,
    ) -> Result<JsValue> {
        let electorate: Vec<String> = from_js(electorate, "electorate")?;
        let quorum = &text_arg(&quorum, "quorum")?;
        let pass_threshold = &text_arg(&pass_threshold, "pass_threshold")?;
        let p = core::governance::Proposal::new(
            electorate,
            quorum,
            pass_threshold,
            opens_at,
            closes_at,
        )
        .map_err(err)?;
        let votes: Vec<VoteArg> = from_js(votes, "votes")?;
        let votes: Vec<VoteInput> = votes
            .into_iter()
            .map(|v| VoteInput {
                t: v.t,
                member: v.member,
                choice: v.choice,
            })
            .collect();
        let r = core::governance::read(p, &votes, now);
        to_js(&Reading {
            status: r.status.as_str(),
            yes: r.tally.yes,
            no: r.tally.no,
            abstain: r.tally.abstain,
            refused: r
                .refused
                .iter()
                .map(|(i, e)| Refusal {
                    index: *i,
                    error: e.kind(),
                })
                .collect(),
        })
    }
}

#[derive(Deserialize)]
struct DecisionArg {
    subject: String,
    action: String,
    status: String,
}

#[derive(Deserialize, Default)]
struct FlagOptions {
    decision: Option<DecisionArg>,
    actor: Option<String>,
    t: Option<f64>,
}

#[derive(Serialize)]
struct FlagStateObject {
    enabled: bool,
    intensity: f64,
}

/// Feature flags under community control (SPEC §6), for client-side rollouts.
#[wasm_bindgen]
pub struct FlagSet {
    inner: core::flags::FlagSet,
}

#[wasm_bindgen]
impl FlagSet {
    /// `flags`: `[{key, kind, enabled?, intensity?, rollout_percent?}]`.
    #[wasm_bindgen(constructor)]
    pub fn new(flags: JsValue) -> Result<FlagSet> {
        let defs: Vec<core::flags::FlagDef> =
            from_js_strict(flags).map_err(|e| err(core::error::FlagError::InvalidFlag(e)))?;
        core::flags::FlagSet::new(defs)
            .map(|inner| FlagSet { inner })
            .map_err(err)
    }
    /// Applies "enable", "disable" or "set_intensity" with `{decision?, actor?, t?}`.
    pub fn apply(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] key: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] op: JsValue,
        value: Option<f64>,
        options: JsValue,
    ) -> Result<JsValue> {
        let (key, op) = (&text_arg(&key, "key")?, &text_arg(&op, "op")?);
        let o: FlagOptions = if opt(&options) {
            from_js(options, "options")?
        } else {
            FlagOptions::default()
        };
        let decision = match &o.decision {
            None => None,
            Some(d) => {
                let status: ProposalStatus = d.status.parse().map_err(err)?;
                Some(core::governance::Decision::new(
                    d.subject.clone(),
                    d.action.clone(),
                    status,
                ))
            }
        };
        let s = self
            .inner
            .apply_named(
                key,
                op,
                value,
                decision.as_ref(),
                o.actor.as_deref().unwrap_or(""),
                o.t.unwrap_or(0.0),
            )
            .map_err(err)?;
        to_js(&FlagStateObject {
            enabled: s.enabled,
            intensity: s.intensity,
        })
    }
    /// Enabled, and inside the flag's rollout percentage for `userId`.
    #[wasm_bindgen(js_name = isEnabledFor)]
    pub fn is_enabled_for(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] key: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] user_id: JsValue,
    ) -> Result<bool> {
        let (key, user_id) = (text_arg(&key, "key")?, text_arg(&user_id, "userId")?);
        self.inner.is_enabled_for(&key, &user_id).map_err(err)
    }
}

/// Unleash-compatible bucket of `id` in `group`: 1..=modulus.
#[wasm_bindgen]
pub fn bucket(
    #[wasm_bindgen(unchecked_param_type = "string")] id: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string")] group: JsValue,
    modulus: Option<f64>,
    seed: Option<f64>,
) -> Result<u32> {
    let (id, group) = (text_arg(&id, "id")?, text_arg(&group, "group")?);
    core::bucket::bucket_args(&id, &group, modulus, seed).map_err(err)
}

/// Every error kind of every family: `{family: [kinds]}`.
#[wasm_bindgen(js_name = errorKinds)]
pub fn error_kinds() -> Result<JsValue> {
    let m: HashMap<&str, &[&str]> = core::error::FAMILIES.iter().copied().collect();
    to_js(&m)
}
