//! The napi-rs layer over `crates/core` for Node.
//!
//! Type conversions and errors only. Money crosses as decimal strings or `bigint` minor units
//! (the JS wrapper refuses `number` money with a `TypeError` before it gets here). Every core
//! error is thrown with `code = "<family>/<kind>"`, through the single function [`err`]; the JS
//! wrapper (`lib.cjs`) turns it into the family's `LiberationGatesError` subclass with
//! `.code = kind`. Time is passed in by the caller (the wrapper reads `performance.now()` or
//! an injected clock), so no JavaScript is ever called from Rust.

#![deny(clippy::all)]

use liberation_gates as core;
use liberation_gates::breaker::{BreakerConfig, Outcome, Transition};
use liberation_gates::fallback::Attribution;
use liberation_gates::governance::{ProposalStatus, VoteInput};
use liberation_gates::money::{Currency, Money};
use liberation_gates::policy::Format;
use liberation_gates::split::{CreatorInput, Payout, SplitInput};
use liberation_gates::Num;
use napi::bindgen_prelude::{BigInt, Either, External, Null, Object};
use napi::De;
use napi_derive::napi;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

type Result<T> = napi::Result<T, String>;

/// The one error conversion: status `family/kind`, reason the core's sentence.
fn err(e: impl Into<core::Error>) -> napi::Error<String> {
    let e: core::Error = e.into();
    let at = e.line().map(|n| format!(":{n}")).unwrap_or_default();
    napi::Error::new(format!("{}/{}{at}", e.family(), e.kind()), e.message())
}

/// A non-core argument problem (a wrong shape), thrown as `InvalidArg`.
fn arg(msg: impl Into<String>) -> napi::Error<String> {
    napi::Error::new("InvalidArg".to_string(), msg.into())
}

// Conversions in ----------------------------------------------------------------------------

fn money_text(m: &Either<String, BigInt>, currency: &str) -> Result<String> {
    match m {
        Either::A(s) => Ok(s.clone()),
        Either::B(b) => {
            let (minor, lossless) = b.get_i128();
            if !lossless {
                return Err(err(core::error::SplitError::InvalidAmount(
                    "bigint amount does not fit in 128 bits".into(),
                )));
            }
            Ok(core::money::minor_units_text(minor, currency))
        }
    }
}

/// An exact decimal: a string, or a JS number (a whole number only; see `Num::exact_text`).
fn exact_text(x: &Either<String, f64>) -> String {
    match x {
        Either::A(s) => s.clone(),
        Either::B(f) => Num::exact_text(*f),
    }
}

fn json<T: serde::de::DeserializeOwned>(v: Value, what: &str) -> std::result::Result<T, String> {
    serde_json::from_value(v).map_err(|e| format!("{what}: {e}"))
}

fn format_arg(f: &str) -> Result<Format> {
    f.parse().map_err(err)
}

fn to_value<T: serde::Serialize>(v: &T) -> Result<Value> {
    serde_json::to_value(v).map_err(|e| arg(e.to_string()))
}

// Money -------------------------------------------------------------------------------------

/// A creator and its weight (a decimal string, or a number).
#[napi(object)]
pub struct CreatorArg {
    pub id: String,
    pub weight: Either<String, f64>,
}

/// Options of a split.
#[napi(object)]
pub struct SplitOptions {
    /// The creators' share, a decimal string (default "0.75", never below).
    pub creator_share: Option<Either<String, f64>>,
    /// The processor's fee (decimal string or bigint minor units).
    pub fee: Option<Either<String, BigInt>>,
    /// "platform" (default: the platform absorbs the fee) or "before_split".
    pub fee_mode: Option<String>,
    /// A cash step (e.g. "0.05" CHF): creators receive whole steps.
    pub step: Option<Either<String, BigInt>>,
}

/// One party's amount.
#[napi(object)]
pub struct PayoutObject {
    pub id: String,
    pub amount: String,
}

/// The result of a split; amounts are decimal strings with the currency's digits.
#[napi(object)]
pub struct SplitResult {
    pub currency: String,
    pub gross: String,
    pub creators: Vec<PayoutObject>,
    pub platform: String,
    pub fee: String,
    pub creator_total: String,
    pub creator_share: String,
    pub fee_mode: String,
    pub method: String,
}

fn split_input(
    gross: &Either<String, BigInt>,
    currency: String,
    creators: Vec<CreatorArg>,
    options: Option<SplitOptions>,
) -> Result<SplitInput> {
    let o = options.unwrap_or(SplitOptions {
        creator_share: None,
        fee: None,
        fee_mode: None,
        step: None,
    });
    Ok(SplitInput {
        gross: money_text(gross, &currency)?,
        creators: creators
            .iter()
            .map(|c| CreatorInput {
                id: c.id.clone(),
                weight: exact_text(&c.weight),
            })
            .collect(),
        creator_share: o.creator_share.as_ref().map(exact_text),
        fee: o
            .fee
            .as_ref()
            .map(|f| money_text(f, &currency))
            .transpose()?,
        fee_mode: o.fee_mode,
        step: o
            .step
            .as_ref()
            .map(|f| money_text(f, &currency))
            .transpose()?,
        currency,
    })
}

fn split_result(s: &core::split::Split) -> SplitResult {
    SplitResult {
        currency: s.currency.code().to_string(),
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
        fee_mode: s.fee_mode.as_str().to_string(),
        method: s.method.as_str().to_string(),
    }
}

/// Splits a payment so creators keep at least 75% (SPEC §1).
#[napi]
pub fn split(
    gross: Either<String, BigInt>,
    currency: String,
    creators: Vec<CreatorArg>,
    options: Option<SplitOptions>,
) -> Result<SplitResult> {
    let input = split_input(&gross, currency, creators, options)?;
    core::split::split(&input)
        .map(|s| split_result(&s))
        .map_err(err)
}

/// A payout as the payment system made it.
#[napi(object)]
pub struct PaidArg {
    pub id: String,
    /// A decimal string in major units, or a bigint of minor units.
    pub amount: Either<String, BigInt>,
}

/// Payouts checked against the split (SPEC §10); amounts are decimal strings.
#[napi(object)]
pub struct AuditResult {
    pub currency: String,
    /// What each creator is owed, in the split's order.
    pub expected: Vec<PayoutObject>,
    /// What each creator was paid, in the split's order (0 when no payout names them).
    pub paid: Vec<PayoutObject>,
    pub creator_total: String,
    pub paid_total: String,
    /// `expected − paid` for each creator paid less, in the split's order.
    pub shortfalls: Vec<PayoutObject>,
    pub shortfall_total: String,
    /// Every creator was paid exactly what the split says.
    pub exact: bool,
    /// Money paid kept creators at or above `base × creatorShare`.
    pub floor_held: bool,
    /// Paid ÷ base, truncated to 4 places (`"0.7499"`); null when the base is 0.
    pub creator_share_paid: Either<String, Null>,
}

fn payouts(list: &[Payout]) -> Vec<PayoutObject> {
    list.iter()
        .map(|p| PayoutObject {
            id: p.id.clone(),
            amount: p.amount.to_string(),
        })
        .collect()
}

/// Reads a proposal file's text (the CLI's `vote` file): `{status, tally, refused, decision}`.
#[napi(ts_return_type = "{ status: string; tally: { yes: number; no: number; abstain: number }; refused: Array<[number, string]>; decision: { subject: string; action: string; status: string } | null }")]
pub fn read_proposal(text: String) -> Result<Value> {
    let f = core::governance::ProposalFile::parse(&text).map_err(err)?;
    to_value(&f.read().map_err(err)?)
}

/// Audits a payout file's text (JSON lines `{id, amount}`) against a split terms file's text
/// (the CLI's `audit --split --paid`); an error in the payouts names its line.
#[napi]
pub fn audit_files(split_terms: String, paid: String) -> Result<AuditResult> {
    audit_result(core::audit::audit_files(&split_terms, &paid).map_err(err)?)
}

/// Audits payouts made elsewhere against the split that says what creators are owed.
#[napi]
pub fn audit(
    gross: Either<String, BigInt>,
    currency: String,
    creators: Vec<CreatorArg>,
    paid: Vec<PaidArg>,
    options: Option<SplitOptions>,
) -> Result<AuditResult> {
    let input = split_input(&gross, currency.clone(), creators, options)?;
    let split = core::split::split(&input).map_err(err)?;
    let paid = paid
        .iter()
        .map(|p| {
            Ok(core::audit::Paid {
                id: p.id.clone(),
                amount: money_text(&p.amount, &currency)?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    audit_result(core::audit::audit_split(&split, &paid).map_err(err)?)
}

fn audit_result(a: core::audit::PayoutAudit) -> Result<AuditResult> {
    Ok(AuditResult {
        currency: a.currency.code().to_string(),
        expected: payouts(&a.expected),
        paid: payouts(&a.paid),
        creator_total: a.creator_total.to_string(),
        paid_total: a.paid_total.to_string(),
        shortfall_total: a.shortfall_total().to_string(),
        shortfalls: payouts(&a.shortfalls),
        exact: a.exact,
        floor_held: a.floor_held,
        creator_share_paid: a.creator_share_paid.map_or(Either::B(Null), Either::A),
    })
}

/// How a refund was taken from the parties.
#[napi(object)]
pub struct RefundResult {
    pub creators: Vec<PayoutObject>,
    pub platform: String,
}

/// The unrefunded balances of one split.
#[napi]
pub struct Refundable {
    inner: core::split::Refundable,
}

#[napi]
impl Refundable {
    /// Balances of a split result as returned by `split()`.
    #[napi(constructor)]
    pub fn new(split: SplitResult) -> Result<Self> {
        let c = Currency::from_code(&split.currency).map_err(err)?;
        let m = |s: &str| Money::parse(s, c).map_err(err);
        let creators = split
            .creators
            .iter()
            .map(|p| {
                Ok(Payout {
                    id: p.id.clone(),
                    amount: m(&p.amount)?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let inner =
            core::split::Refundable::from_parts(c, creators, m(&split.platform)?).map_err(err)?;
        Ok(Refundable { inner })
    }
    /// Takes `amount` from the parties in proportion to their unrefunded balances.
    #[napi]
    pub fn refund(&mut self, amount: Either<String, BigInt>) -> Result<RefundResult> {
        let text = money_text(&amount, self.inner.remaining().currency().code())?;
        let r = self.inner.refund_str(&text).map_err(err)?;
        Ok(RefundResult {
            creators: r
                .creators
                .iter()
                .map(|p| PayoutObject {
                    id: p.id.clone(),
                    amount: p.amount.to_string(),
                })
                .collect(),
            platform: r.platform.to_string(),
        })
    }
    /// What remains refundable.
    #[napi(getter)]
    pub fn remaining(&self) -> String {
        self.inner.remaining().to_string()
    }
}

/// The ledger of splits and refunds, and its transparency report.
#[napi]
pub struct Ledger {
    inner: LedgerKind,
}

/// A ledger in memory, or one kept in a durable store.
enum LedgerKind {
    Plain(core::ledger::Ledger),
    Durable(Box<core::store::DurableLedger>),
}

impl Ledger {
    fn ledger(&self) -> &core::ledger::Ledger {
        match &self.inner {
            LedgerKind::Plain(l) => l,
            LedgerKind::Durable(d) => d.ledger(),
        }
    }

    /// The currency code of a recorded split ("" when unknown: the core reports that).
    fn split_currency(&self, split_id: &str) -> &'static str {
        self.ledger()
            .split_currency(split_id)
            .map_or("", |c| c.code())
    }
}

/// Options of a ledger.
#[napi(object)]
pub struct LedgerOptions {
    /// A durable store ("sqlite:PATH" or "postgres://USER@HOST:PORT/DB"): the ledger is
    /// replayed from it, and every record is written there first.
    pub store: Option<String>,
}

#[napi]
impl Ledger {
    #[napi(constructor)]
    pub fn new(options: Option<LedgerOptions>) -> Result<Self> {
        Ok(Ledger {
            inner: match options.and_then(|o| o.store) {
                None => LedgerKind::Plain(core::ledger::Ledger::new()),
                Some(url) => LedgerKind::Durable(Box::new(
                    core::store::DurableLedger::open(&url).map_err(err)?,
                )),
            },
        })
    }
    /// Reads a JSON-lines ledger; errors name the line.
    #[napi(factory)]
    pub fn from_jsonl(text: String) -> Result<Self> {
        core::ledger::Ledger::from_jsonl(&text)
            .map(|l| Ledger {
                inner: LedgerKind::Plain(l),
            })
            .map_err(err)
    }
    /// Computes and records a split.
    #[napi]
    pub fn record_split(
        &mut self,
        id: String,
        t: f64,
        gross: Either<String, BigInt>,
        currency: String,
        creators: Vec<CreatorArg>,
        options: Option<SplitOptions>,
    ) -> Result<SplitResult> {
        let input = split_input(&gross, currency, creators, options)?;
        match &mut self.inner {
            LedgerKind::Plain(l) => l.record_split(&id, t, &input).map_err(err),
            LedgerKind::Durable(d) => d.record_split(&id, t, &input).map_err(err),
        }
        .map(|s| split_result(&s))
    }
    /// Refunds part of a recorded split and records it.
    #[napi]
    pub fn record_refund(
        &mut self,
        id: String,
        t: f64,
        split_id: String,
        amount: Either<String, BigInt>,
    ) -> Result<()> {
        let text = money_text(&amount, self.split_currency(&split_id))?;
        match &mut self.inner {
            LedgerKind::Plain(l) => l
                .record_refund(&id, t, &split_id, &text)
                .map(|_| ())
                .map_err(err),
            LedgerKind::Durable(d) => d.record_refund(&id, t, &split_id, &text).map_err(err),
        }
    }
    /// Records a payout the payment system made: `amount` to `creator` for split `splitId`.
    #[napi]
    pub fn record_payout(
        &mut self,
        id: String,
        t: f64,
        split_id: String,
        creator: String,
        amount: Either<String, BigInt>,
    ) -> Result<()> {
        let text = money_text(&amount, self.split_currency(&split_id))?;
        match &mut self.inner {
            LedgerKind::Plain(l) => l
                .record_payout(&id, t, &split_id, &creator, &text)
                .map(|_| ())
                .map_err(err),
            LedgerKind::Durable(d) => d
                .record_payout(&id, t, &split_id, &creator, &text)
                .map_err(err),
        }
    }
    /// Number of records.
    #[napi(getter)]
    pub fn length(&self) -> u32 {
        self.ledger().records().len() as u32
    }
    /// The store's backend ("sqlite", "postgres"), or null for a ledger in memory.
    #[napi(getter)]
    pub fn store_backend(&mut self) -> Option<&'static str> {
        match &mut self.inner {
            LedgerKind::Plain(_) => None,
            LedgerKind::Durable(d) => Some(d.store().backend()),
        }
    }
    /// The transparency report ("day", "month" or "all").
    #[napi]
    pub fn report(&self, period: Option<String>) -> Result<Value> {
        let p: core::ledger::Period = period.as_deref().unwrap_or("all").parse().map_err(err)?;
        to_value(&self.ledger().report(p))
    }
    /// The report as CSV.
    #[napi]
    pub fn report_csv(&self, period: Option<String>) -> Result<String> {
        let p: core::ledger::Period = period.as_deref().unwrap_or("all").parse().map_err(err)?;
        Ok(self.ledger().report(p).to_csv())
    }
    /// Creators' share of the base over `(now - windowSeconds, now]` in `currency`.
    #[napi]
    pub fn creator_share(
        &self,
        now: f64,
        window_seconds: f64,
        currency: String,
    ) -> Result<Option<f64>> {
        let c = Currency::from_code(&currency).map_err(err)?;
        Ok(self.ledger().creator_share(now, window_seconds, c))
    }
}

impl Default for Ledger {
    fn default() -> Self {
        Ledger {
            inner: LedgerKind::Plain(core::ledger::Ledger::new()),
        }
    }
}

// Thresholds and windows --------------------------------------------------------------------

#[napi(object)]
pub struct ThresholdOptions {
    pub keep_firing_for_seconds: Option<f64>,
    pub max_gap_seconds: Option<f64>,
}

/// Prometheus-style sustained condition (SPEC §2).
#[napi]
pub struct Threshold {
    inner: core::threshold::Threshold,
}

#[napi]
impl Threshold {
    #[napi(constructor)]
    pub fn new(
        op: String,
        threshold: f64,
        for_seconds: f64,
        options: Option<ThresholdOptions>,
    ) -> Result<Self> {
        let o = options.unwrap_or(ThresholdOptions {
            keep_firing_for_seconds: None,
            max_gap_seconds: None,
        });
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
    #[napi]
    pub fn observe(&mut self, t: f64, value: Option<f64>) -> Result<String> {
        self.inner
            .observe_opt(t, value)
            .map(|s| s.as_str().to_string())
            .map_err(err)
    }
    #[napi(getter)]
    pub fn state(&self) -> String {
        self.inner.state().as_str().to_string()
    }
}

/// `(current - baseline) / baseline`.
#[napi]
pub fn degradation(current: f64, baseline: f64) -> Result<f64> {
    core::threshold::degradation(current, baseline).map_err(err)
}

fn count(x: &Either<f64, BigInt>) -> Num {
    match x {
        Either::A(f) => Num::Float(*f),
        Either::B(b) => {
            let (i, lossless) = b.get_i128();
            if lossless {
                Num::Int(i)
            } else {
                Num::Float(f64::NAN)
            }
        }
    }
}

/// Error rate over a sliding window of per-interval counts (SPEC §3).
#[napi]
pub struct WindowRate {
    inner: core::window::WindowRate,
}

#[napi]
impl WindowRate {
    #[napi(constructor)]
    pub fn new(window_seconds: f64, min_requests: Option<Either<f64, BigInt>>) -> Result<Self> {
        let min = min_requests.as_ref().map(count).unwrap_or(Num::Int(0));
        core::window::WindowRate::new(window_seconds, min)
            .map(|inner| WindowRate { inner })
            .map_err(err)
    }
    /// Adds one interval's counts; returns the rate, or null below minRequests.
    #[napi]
    pub fn push(
        &mut self,
        t: f64,
        requests: Either<f64, BigInt>,
        errors: Either<f64, BigInt>,
    ) -> Result<Option<f64>> {
        self.inner
            .push(t, count(&requests), count(&errors))
            .map_err(err)
    }
}

// Policy, plan, health, rollout --------------------------------------------------------------

/// A community notification attached to a decision.
#[napi(object)]
pub struct NotificationObject {
    pub audience: String,
    pub severity: String,
    pub rules: Vec<String>,
    pub message: String,
}

/// The decision after one observation.
#[napi(object)]
pub struct PolicyDecision {
    pub t: f64,
    pub action: String,
    pub severity: String,
    pub reasons: Vec<String>,
    pub notification: Option<NotificationObject>,
}

fn decision_out(d: core::policy::PolicyDecision) -> PolicyDecision {
    PolicyDecision {
        t: d.t,
        action: d.action.as_str().to_string(),
        severity: d.severity.as_str().to_string(),
        notification: d.notification.map(|n| NotificationObject {
            audience: n.audience,
            severity: n.severity.as_str().to_string(),
            rules: n.rules,
            message: n.message,
        }),
        reasons: d.reasons,
    }
}

fn decision_in(d: &PolicyDecision) -> Result<core::policy::PolicyDecision> {
    Ok(core::policy::PolicyDecision {
        t: d.t,
        action: d.action.parse().map_err(err)?,
        severity: d.severity.parse().map_err(err)?,
        reasons: d.reasons.clone(),
        notification: None,
    })
}

/// An observation read straight from the JS objects (through napi's serde deserializer, so a
/// NaN reaches the core and is refused there, as in every language).
fn observation(
    t: f64,
    metrics: Option<Object<'_>>,
    checks: Option<Object<'_>>,
) -> Result<core::policy::Observation> {
    let (m, c) = (metrics.as_ref().map(De::new), checks.as_ref().map(De::new));
    let (mut m, mut c) = (m, c);
    core::policy::Observation::from_parts(t, m.as_mut(), c.as_mut()).map_err(err)
}

/// A deployment-safety policy (SPEC §7).
#[napi]
pub struct Policy {
    inner: core::policy::Policy,
}

#[napi]
impl Policy {
    /// The built-in liberation-safe policy.
    #[napi(factory)]
    pub fn builtin() -> Self {
        Policy {
            inner: core::policy::Policy::builtin(),
        }
    }
    /// Reads a policy file (.toml, .yaml/.yml, .json).
    #[napi(factory)]
    pub fn from_path(path: String) -> Result<Self> {
        core::policy::Policy::from_path(path)
            .map(|inner| Policy { inner })
            .map_err(err)
    }
    /// Parses policy text in `format` ("toml", "yaml" or "json").
    #[napi(factory)]
    pub fn parse(text: String, format: String) -> Result<Self> {
        core::policy::Policy::parse(&text, format_arg(&format)?)
            .map(|inner| Policy { inner })
            .map_err(err)
    }
    /// Writes the policy in `format` (default "toml").
    #[napi]
    pub fn dumps(&self, format: Option<String>) -> Result<String> {
        self.inner
            .to_string_as(format_arg(format.as_deref().unwrap_or("toml"))?)
            .map_err(err)
    }
    #[napi(getter)]
    pub fn rule_ids(&self) -> Vec<String> {
        self.inner.rules().iter().map(|r| r.id.clone()).collect()
    }
    /// A fresh evaluator.
    #[napi]
    pub fn evaluator(&self) -> Evaluator {
        Evaluator {
            inner: self.inner.evaluator(),
        }
    }
    /// Liberation rules behind a rollback decision (empty for a technical one).
    #[napi]
    pub fn liberation_cause(&self, decision: PolicyDecision) -> Result<Vec<String>> {
        Ok(self.inner.liberation_cause(&decision_in(&decision)?))
    }
}

/// Evaluates a policy over observations in time order.
#[napi]
pub struct Evaluator {
    inner: core::policy::Evaluator,
}

#[napi]
impl Evaluator {
    /// One observation; a metric or check given as null is missing.
    #[napi]
    pub fn observe(
        &mut self,
        t: f64,
        #[napi(ts_arg_type = "Record<string, number | null> | null")] metrics: Option<Object<'_>>,
        #[napi(ts_arg_type = "Record<string, boolean | null> | null")] checks: Option<Object<'_>>,
    ) -> Result<PolicyDecision> {
        self.inner
            .observe(&observation(t, metrics, checks)?)
            .map(decision_out)
            .map_err(err)
    }
    /// Evaluates a JSON-lines observation file's text; errors name the line.
    #[napi]
    pub fn observe_jsonl(&mut self, text: String) -> Result<Vec<PolicyDecision>> {
        let decisions = core::simulate::observe_jsonl(&mut self.inner, &text).map_err(err)?;
        Ok(decisions.into_iter().map(decision_out).collect())
    }
}

/// A rollout's state.
#[napi(object)]
pub struct RolloutState {
    pub status: String,
    pub step: u32,
    pub weight: u32,
}

fn rstate(s: core::rollout::RolloutState) -> RolloutState {
    RolloutState {
        status: s.status.as_str().to_string(),
        step: s.step as u32,
        weight: s.weight as u32,
    }
}

/// A progressive-rollout plan.
#[napi]
pub struct RolloutPlan {
    inner: core::rollout::RolloutPlan,
}

#[napi]
impl RolloutPlan {
    /// `steps`: `[{weight, bake_seconds, approval}]`; omitted for the default plan.
    /// `gentleStepSeconds`: how long a gentle rollback stays on each step on its way down
    /// (default 300).
    #[napi(constructor)]
    pub fn new(
        #[napi(ts_arg_type = "Array<{ weight: number; bake_seconds: number; approval?: boolean }> | null")]
        steps: Option<Value>,
        gentle_step_seconds: Option<f64>,
    ) -> Result<Self> {
        core::rollout::RolloutPlan::from_parts(steps.filter(|v| !v.is_null()), gentle_step_seconds)
            .map(|inner| RolloutPlan { inner })
            .map_err(err)
    }
    /// Reads a rollout plan file's text in `format` ("toml", "yaml" or "json").
    #[napi(factory)]
    pub fn parse(text: String, format: String) -> Result<Self> {
        core::rollout::RolloutPlan::parse(&text, format_arg(&format)?)
            .map(|inner| RolloutPlan { inner })
            .map_err(err)
    }
    #[napi(getter)]
    pub fn steps(&self) -> Result<Value> {
        to_value(&self.inner.steps())
    }
    /// How long a gentle rollback stays on each step on its way down, seconds.
    #[napi(getter)]
    pub fn gentle_step_seconds(&self) -> f64 {
        self.inner.gentle_step_seconds()
    }
}

/// A running canary rollout (SPEC §8).
#[napi]
pub struct Rollout {
    inner: core::rollout::Rollout,
}

#[napi]
impl Rollout {
    #[napi(constructor)]
    pub fn new(plan: Option<&RolloutPlan>, started_at: Option<f64>) -> Self {
        Rollout {
            inner: core::rollout::Rollout::start(
                plan.map(|p| p.inner.clone()).unwrap_or_default(),
                started_at.unwrap_or(0.0),
            ),
        }
    }
    /// `observe {decision}` at `t`.
    #[napi]
    pub fn observe(&mut self, t: f64, decision: String) -> Result<RolloutState> {
        self.inner
            .apply_named(t, "observe", Some(&decision), None, None)
            .map(rstate)
            .map_err(err)
    }
    /// `approve {step}` at `t`.
    #[napi]
    pub fn approve(&mut self, t: f64, step: f64) -> Result<RolloutState> {
        self.inner
            .apply_named(t, "approve", None, Some(Num::Float(step)), None)
            .map(rstate)
            .map_err(err)
    }
    /// `consulted {outcome}` at `t`: the community's answer ("proceed", "rollback" or
    /// "gentle_rollback").
    #[napi]
    pub fn consulted(&mut self, t: f64, outcome: String) -> Result<RolloutState> {
        self.apply(t, "consulted".into(), None, None, Some(outcome))
    }
    /// `tick` at `t`: the passage of time alone.
    #[napi]
    pub fn tick(&mut self, t: f64) -> Result<RolloutState> {
        self.apply(t, "tick".into(), None, None, None)
    }
    /// An event by name, as in the vectors.
    #[napi]
    pub fn apply(
        &mut self,
        t: f64,
        kind: String,
        decision: Option<String>,
        step: Option<f64>,
        outcome: Option<String>,
    ) -> Result<RolloutState> {
        self.inner
            .apply_named(
                t,
                &kind,
                decision.as_deref(),
                step.map(Num::Float),
                outcome.as_deref(),
            )
            .map(rstate)
            .map_err(err)
    }
    /// The gentle-ramp steps the last event caught up on: `[{t, status, step, weight}]`.
    #[napi(getter)]
    pub fn ramp_steps(&self) -> Result<Value> {
        to_value(&self.inner.ramp_steps())
    }
    #[napi(getter)]
    pub fn state(&self) -> RolloutState {
        rstate(self.inner.state())
    }
}

/// The six-phase deployment plan.
#[napi]
pub struct DeploymentPlan {
    inner: core::plan::DeploymentPlan,
}

#[napi]
impl DeploymentPlan {
    #[napi(factory)]
    pub fn builtin() -> Self {
        DeploymentPlan {
            inner: core::plan::DeploymentPlan::builtin(),
        }
    }
    /// Reads a deployment plan's text in `format` ("toml", "yaml" or "json").
    #[napi(factory)]
    pub fn parse(text: String, format: String) -> Result<Self> {
        core::plan::DeploymentPlan::parse(&text, format_arg(&format)?)
            .map(|inner| DeploymentPlan { inner })
            .map_err(err)
    }
    #[napi(getter)]
    pub fn phases(&self) -> Vec<String> {
        self.inner.phases.iter().map(|p| p.name.clone()).collect()
    }
    /// Evaluates one phase: `{phase, passed, action, failed, missing, liberation_failed}`.
    #[napi]
    pub fn evaluate(
        &self,
        phase: String,
        #[napi(ts_arg_type = "Record<string, number | null> | null")] metrics: Option<Object<'_>>,
        #[napi(ts_arg_type = "Record<string, boolean | null> | null")] checks: Option<Object<'_>>,
    ) -> Result<Value> {
        let o = observation(0.0, metrics, checks)?;
        to_value(&self.inner.evaluate_phase(&phase, &o).map_err(err)?)
    }
}

/// L1–L5 health of the built-in model from boolean check results.
#[napi]
pub fn health(checks: HashMap<String, bool>) -> Result<Value> {
    to_value(&core::health::HealthModel::builtin().evaluate_checks(&checks))
}

/// A health model (SPEC §11): checks `{name, level, critical}` in levels 1–5.
#[napi]
pub struct HealthModel {
    inner: core::health::HealthModel,
}

#[napi]
impl HealthModel {
    /// `checks`: `[{name, level, critical?}]` (`critical` defaults to true).
    #[napi(constructor)]
    pub fn new(checks: Value) -> Result<Self> {
        let checks: Vec<core::health::CheckInput> =
            json(checks, "checks").map_err(|m| err(core::error::HealthError::InvalidCheck(m)))?;
        core::health::HealthModel::new(checks)
            .map(|inner| HealthModel { inner })
            .map_err(err)
    }
    /// The platform's model, with the check names the built-in policy and plan share.
    #[napi(factory)]
    pub fn builtin() -> Self {
        HealthModel {
            inner: core::health::HealthModel::builtin(),
        }
    }
    /// The declared checks, `[{name, level, critical}]`.
    #[napi(getter)]
    pub fn checks(&self) -> Result<Value> {
        to_value(&self.inner.checks())
    }
    /// Evaluates `{name: "up" | "degraded" | "down" | null}`:
    /// `{levels, overall, action, failing, checks}`.
    #[napi]
    pub fn evaluate(&self, status: Value) -> Result<Value> {
        to_value(&self.inner.evaluate_value(&status).map_err(err)?)
    }
    /// Evaluates boolean results as observations carry them (true up, false down).
    #[napi]
    pub fn evaluate_checks(&self, checks: HashMap<String, bool>) -> Result<Value> {
        to_value(&self.inner.evaluate_checks(&checks))
    }
}

/// Runs a simulation file's text through a policy (default: built-in) and a rollout.
#[napi]
pub fn simulate(
    text: String,
    policy: Option<&Policy>,
    plan: Option<&RolloutPlan>,
    started_at: Option<f64>,
) -> Result<Value> {
    let policy = policy
        .map(|p| p.inner.clone())
        .unwrap_or_else(core::policy::Policy::builtin);
    let plan = plan.map(|p| p.inner.clone()).unwrap_or_default();
    let steps = core::simulate::run_text(&text, policy, plan, started_at).map_err(err)?;
    to_value(&steps)
}

// Governance, flags, bucketing ---------------------------------------------------------------

/// A community decision.
#[napi(object)]
#[derive(Clone)]
pub struct DecisionObject {
    pub subject: String,
    pub action: String,
    /// "open", "passed", "rejected" or "no_quorum".
    pub status: String,
}

fn decision_core(d: &DecisionObject) -> Result<core::governance::Decision> {
    let status: ProposalStatus = d.status.parse().map_err(err)?;
    Ok(core::governance::Decision::new(
        d.subject.clone(),
        d.action.clone(),
        status,
    ))
}

#[napi(object)]
pub struct Tally {
    pub yes: u32,
    pub no: u32,
    pub abstain: u32,
}

#[napi(object)]
pub struct Refusal {
    pub index: u32,
    pub error: String,
}

#[napi(object)]
pub struct Reading {
    pub status: String,
    pub yes: u32,
    pub no: u32,
    pub abstain: u32,
    pub refused: Vec<Refusal>,
}

#[napi(object)]
pub struct VoteArg {
    pub t: f64,
    pub member: String,
    pub choice: String,
}

/// One member, one vote (SPEC §5).
#[napi]
pub struct Proposal {
    inner: core::governance::Proposal,
}

#[napi]
impl Proposal {
    #[napi(constructor)]
    pub fn new(
        electorate: Vec<String>,
        quorum: Either<String, f64>,
        pass_threshold: Either<String, f64>,
        opens_at: f64,
        closes_at: f64,
    ) -> Result<Self> {
        core::governance::Proposal::new(
            electorate,
            &exact_text(&quorum),
            &exact_text(&pass_threshold),
            opens_at,
            closes_at,
        )
        .map(|inner| Proposal { inner })
        .map_err(err)
    }
    /// Casts a vote; a refusal throws GovernanceError with its code and changes nothing.
    #[napi]
    pub fn cast(&mut self, t: f64, member: String, choice: String) -> Result<()> {
        self.inner
            .cast(t, &member, &choice)
            .map(|_| ())
            .map_err(err)
    }
    #[napi]
    pub fn tally(&self, now: f64) -> Tally {
        let t = self.inner.tally(now);
        Tally {
            yes: t.yes as u32,
            no: t.no as u32,
            abstain: t.abstain as u32,
        }
    }
    #[napi]
    pub fn status(&self, now: f64) -> String {
        self.inner.status(now).as_str().to_string()
    }
    #[napi]
    pub fn decision(&self, subject: String, action: String, now: f64) -> DecisionObject {
        let d = self.inner.decision(subject, action, now);
        DecisionObject {
            subject: d.subject,
            action: d.action,
            status: d.status.as_str().to_string(),
        }
    }
    /// Reads a proposal at `now` from votes in the order cast (votes after `now` are neither
    /// counted nor refused).
    #[napi]
    pub fn read(
        electorate: Vec<String>,
        quorum: Either<String, f64>,
        pass_threshold: Either<String, f64>,
        opens_at: f64,
        closes_at: f64,
        votes: Vec<VoteArg>,
        now: f64,
    ) -> Result<Reading> {
        let p = Proposal::new(electorate, quorum, pass_threshold, opens_at, closes_at)?;
        let votes: Vec<VoteInput> = votes
            .into_iter()
            .map(|v| VoteInput {
                t: v.t,
                member: v.member,
                choice: v.choice,
            })
            .collect();
        let r = core::governance::read(p.inner, &votes, now);
        Ok(Reading {
            status: r.status.as_str().to_string(),
            yes: r.tally.yes as u32,
            no: r.tally.no as u32,
            abstain: r.tally.abstain as u32,
            refused: r
                .refused
                .iter()
                .map(|(i, e)| Refusal {
                    index: *i as u32,
                    error: e.kind().to_string(),
                })
                .collect(),
        })
    }
}

#[napi(object)]
pub struct FlagStateObject {
    pub enabled: bool,
    pub intensity: f64,
}

fn flag_out(s: core::flags::FlagState) -> FlagStateObject {
    FlagStateObject {
        enabled: s.enabled,
        intensity: s.intensity,
    }
}

#[napi(object)]
pub struct FlagOptions {
    pub decision: Option<DecisionObject>,
    pub actor: Option<String>,
    pub t: Option<f64>,
}

/// Feature flags under community control (SPEC §6).
#[napi]
pub struct FlagSet {
    inner: core::flags::FlagSet,
}

#[napi]
impl FlagSet {
    /// `flags`: `[{key, kind, enabled?, intensity?, rollout_percent?}]`.
    #[napi(constructor)]
    pub fn new(flags: Value) -> Result<Self> {
        let defs: Vec<core::flags::FlagDef> =
            json(flags, "flags").map_err(|m| err(core::error::FlagError::InvalidFlag(m)))?;
        core::flags::FlagSet::new(defs)
            .map(|inner| FlagSet { inner })
            .map_err(err)
    }
    /// The platform's built-in flags.
    #[napi(factory)]
    pub fn builtin() -> Self {
        FlagSet {
            inner: core::flags::FlagSet::builtin(),
        }
    }
    /// Applies "enable", "disable" or "set_intensity".
    #[napi]
    pub fn apply(
        &mut self,
        key: String,
        op: String,
        value: Option<f64>,
        options: Option<FlagOptions>,
    ) -> Result<FlagStateObject> {
        let o = options.unwrap_or(FlagOptions {
            decision: None,
            actor: None,
            t: None,
        });
        let decision = o.decision.as_ref().map(decision_core).transpose()?;
        self.inner
            .apply_named(
                &key,
                &op,
                value,
                decision.as_ref(),
                o.actor.as_deref().unwrap_or(""),
                o.t.unwrap_or(0.0),
            )
            .map(flag_out)
            .map_err(err)
    }
    #[napi]
    pub fn enable(&mut self, key: String, options: Option<FlagOptions>) -> Result<FlagStateObject> {
        self.apply(key, "enable".into(), None, options)
    }
    #[napi]
    pub fn disable(
        &mut self,
        key: String,
        options: Option<FlagOptions>,
    ) -> Result<FlagStateObject> {
        self.apply(key, "disable".into(), None, options)
    }
    #[napi]
    pub fn set_intensity(
        &mut self,
        key: String,
        value: f64,
        options: Option<FlagOptions>,
    ) -> Result<FlagStateObject> {
        self.apply(key, "set_intensity".into(), Some(value), options)
    }
    #[napi]
    pub fn is_enabled(&self, key: String) -> Result<bool> {
        self.inner.is_enabled(&key).map_err(err)
    }
    /// Enabled, and inside the flag's rollout percentage for `userId`.
    #[napi]
    pub fn is_enabled_for(&self, key: String, user_id: String) -> Result<bool> {
        self.inner.is_enabled_for(&key, &user_id).map_err(err)
    }
    #[napi]
    pub fn intensity(&self, key: String) -> Result<f64> {
        self.inner.state(&key).map(|s| s.intensity).map_err(err)
    }
    #[napi(getter)]
    pub fn keys(&self) -> Vec<String> {
        self.inner.keys().to_vec()
    }
    /// The audit log.
    #[napi(getter)]
    pub fn log(&self) -> Result<Value> {
        to_value(&self.inner.log())
    }
}

/// Unleash-compatible bucket of `id` in `group`: 1..=modulus.
#[napi]
pub fn bucket(id: String, group: String, modulus: Option<f64>, seed: Option<f64>) -> Result<u32> {
    core::bucket::bucket_args(&id, &group, modulus, seed).map_err(err)
}

// Breakers and fallbacks ---------------------------------------------------------------------

/// A breaker config read straight from the JS object (NaN reaches the core and is refused).
fn breaker_config(config: Option<Object<'_>>) -> Result<BreakerConfig> {
    BreakerConfig::from_de(config.as_ref().map(De::new).as_mut()).map_err(err)
}

/// The breaker state machine driven with explicit times (SPEC §4), as the vectors use it.
#[napi]
pub struct BreakerMachine {
    inner: core::breaker::BreakerMachine,
}

#[napi]
impl BreakerMachine {
    #[napi(constructor)]
    pub fn new(config: Option<Object<'_>>) -> Result<Self> {
        core::breaker::BreakerMachine::new(breaker_config(config)?)
            .map(|inner| BreakerMachine { inner })
            .map_err(err)
    }
    /// Applies `op` at `t`; for `acquire`, whether it was permitted (else null).
    #[napi]
    pub fn apply(
        &mut self,
        t: f64,
        op: String,
        outcome: Option<String>,
        seconds: Option<f64>,
    ) -> Result<Option<bool>> {
        self.inner
            .apply_named(t, &op, outcome.as_deref(), seconds)
            .map_err(err)
    }
    #[napi(getter)]
    pub fn state(&self) -> String {
        self.inner.state().as_str().to_string()
    }
}

#[napi(object)]
pub struct TransitionObject {
    pub t: f64,
    pub from: String,
    pub to: String,
}

/// What a `NativeBreaker` and its hot-path handle share.
pub struct BreakerShared {
    inner: core::breaker::CircuitBreaker,
    transitions: Mutex<Vec<Transition>>,
    /// Whether `transitions` is non-empty, readable without the lock (set and cleared under it).
    has_pending: AtomicBool,
}

impl BreakerShared {
    fn pending(&self) -> u32 {
        if self.has_pending.load(Ordering::Acquire) {
            2
        } else {
            0
        }
    }
    fn acquire(&self, t: f64) -> u32 {
        (self.inner.acquire_at(t).is_ok() as u32) | self.pending()
    }
    fn record(&self, t: f64, failure: bool, seconds: f64) -> u32 {
        let outcome = if failure {
            Outcome::Failure
        } else {
            Outcome::Success
        };
        self.inner.record_at(t, outcome, seconds);
        self.pending()
    }
}

/// A thread-safe circuit breaker driven with the caller's clock; `acquire` and `record` return
/// a bit set: 1 = permitted (acquire only), 2 = transitions are waiting in `takeTransitions()`.
#[napi]
pub struct NativeBreaker {
    shared: Arc<BreakerShared>,
}

/// The breaker behind [`breaker_acquire`] and [`breaker_record`], the per-call hot path of
/// `CircuitBreaker.fire`. They are free functions on this handle rather than methods because
/// napi-rs unwraps a method's `this` at ≈175 ns a call here (a no-op method measured 196 ns, a
/// no-op function on an external 96 ns), more than the breaker itself costs.
pub type BreakerHandle = External<Arc<BreakerShared>>;

/// `NativeBreaker#acquire` through a handle.
#[napi(ts_args_type = "handle: ExternalObject<'BreakerHandle'>, t: number")]
pub fn breaker_acquire(handle: &BreakerHandle, t: f64) -> u32 {
    handle.acquire(t)
}

/// `NativeBreaker#record` through a handle.
#[napi(
    ts_args_type = "handle: ExternalObject<'BreakerHandle'>, t: number, failure: boolean, seconds: number"
)]
pub fn breaker_record(handle: &BreakerHandle, t: f64, failure: bool, seconds: f64) -> u32 {
    handle.record(t, failure, seconds)
}

#[napi]
impl NativeBreaker {
    #[napi(constructor)]
    pub fn new(config: Option<Object<'_>>) -> Result<Self> {
        let inner = core::breaker::CircuitBreaker::new(breaker_config(config)?).map_err(err)?;
        let shared = Arc::new(BreakerShared {
            inner,
            transitions: Mutex::new(Vec::new()),
            has_pending: AtomicBool::new(false),
        });
        // The listener holds a weak reference: the breaker owns its listeners, so a strong
        // one would keep the breaker alive forever.
        let sink = Arc::downgrade(&shared);
        shared.inner.on_transition(move |t| {
            if let Some(shared) = sink.upgrade() {
                let mut v = shared.transitions.lock().unwrap_or_else(|p| p.into_inner());
                v.push(*t);
                shared.has_pending.store(true, Ordering::Release);
            }
        });
        Ok(NativeBreaker { shared })
    }
    /// A handle for `breakerAcquire` / `breakerRecord`.
    #[napi(ts_return_type = "ExternalObject<'BreakerHandle'>")]
    pub fn handle(&self) -> BreakerHandle {
        External::new(self.shared.clone())
    }
    #[napi]
    pub fn acquire(&self, t: f64) -> u32 {
        self.shared.acquire(t)
    }
    #[napi]
    pub fn record(&self, t: f64, failure: bool, seconds: f64) -> u32 {
        self.shared.record(t, failure, seconds)
    }
    /// Transitions since the last call, in order.
    #[napi]
    pub fn take_transitions(&self) -> Vec<TransitionObject> {
        let mut v = self
            .shared
            .transitions
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        self.shared.has_pending.store(false, Ordering::Release);
        v.drain(..)
            .map(|t| TransitionObject {
                t: t.t,
                from: t.from.as_str().to_string(),
                to: t.to.as_str().to_string(),
            })
            .collect()
    }
    #[napi]
    pub fn force_open(&self, t: f64) -> String {
        self.shared.inner.force_open_at(t).as_str().to_string()
    }
    #[napi]
    pub fn disable(&self, t: f64) -> String {
        self.shared.inner.disable_at(t).as_str().to_string()
    }
    #[napi]
    pub fn reset(&self, t: f64) -> String {
        self.shared.inner.reset_at(t).as_str().to_string()
    }
    /// A snapshot at `t`: state, calls, failure_rate, slow_call_rate, seconds_until_half_open, stats.
    #[napi]
    pub fn metrics(&self, t: f64) -> Result<Value> {
        to_value(&self.shared.inner.metrics_at(t))
    }
}

/// Served answer of a fallback cache.
#[napi(object)]
pub struct ServedObject {
    pub value: Value,
    pub attribution: Value,
    pub from_cache: bool,
    pub age_seconds: f64,
}

/// Last good answers (JSON values) with attribution, bounded and expiring; times from the caller.
#[napi]
pub struct NativeFallbackCache {
    inner: core::fallback::FallbackCache<Value>,
}

fn attribution_in(a: Option<Value>) -> Result<Attribution> {
    match a {
        None | Some(Value::Null) => Ok(Attribution::default()),
        Some(v) => json(v, "attribution").map_err(arg),
    }
}

fn served(s: core::fallback::Served<Value>) -> Result<ServedObject> {
    Ok(ServedObject {
        attribution: to_value(&s.attribution)?,
        value: s.value,
        from_cache: s.from_cache,
        age_seconds: s.age_seconds,
    })
}

#[napi]
impl NativeFallbackCache {
    #[napi(constructor)]
    pub fn new(capacity: Option<u32>, ttl_seconds: Option<f64>) -> Self {
        let clock = Arc::new(core::clock::ManualClock::new(0.0));
        NativeFallbackCache {
            inner: core::fallback::FallbackCache::new(
                capacity.unwrap_or(1024) as usize,
                ttl_seconds.unwrap_or(3600.0),
                clock,
            ),
        }
    }
    #[napi]
    pub fn store(
        &self,
        key: String,
        value: Value,
        attribution: Option<Value>,
        t: f64,
    ) -> Result<()> {
        self.inner
            .store_at(&key, value, attribution_in(attribution)?, t);
        Ok(())
    }
    #[napi]
    pub fn get(&self, key: String, t: f64) -> Result<Option<ServedObject>> {
        self.inner.get_at(&key, t).map(served).transpose()
    }
    /// What to serve once a call has settled (the core's rule): `succeeded` stores `value` and
    /// serves it fresh; otherwise the cached answer within the TTL, if any.
    #[napi]
    pub fn settle(
        &self,
        key: String,
        succeeded: bool,
        value: Value,
        attribution: Option<Value>,
        t: f64,
    ) -> Result<Option<ServedObject>> {
        let answer = if succeeded {
            Some((value, attribution_in(attribution)?))
        } else {
            None
        };
        self.inner
            .settle_at(&key, answer, t)
            .map(served)
            .transpose()
    }
    #[napi(getter)]
    pub fn size(&self) -> u32 {
        self.inner.len() as u32
    }
}

/// Every error kind of every family: `{family: [kinds]}`.
#[napi]
pub fn error_kinds() -> HashMap<String, Vec<String>> {
    core::error::FAMILIES
        .iter()
        .map(|(f, ks)| (f.to_string(), ks.iter().map(|k| k.to_string()).collect()))
        .collect()
}

/// Throws the error the binding maps `family`/`kind` to (for tests of the mapping).
#[napi]
pub fn raise_for_test(family: String, kind: String) -> Result<()> {
    let e = core::Error::from_family_kind(
        &family,
        &kind,
        format!("raised for a test of the {family}/{kind} mapping"),
    );
    Err(e
        .map(err)
        .unwrap_or_else(|| arg(format!("unknown family/kind {family}/{kind}"))))
}

/// Append-only records with a checksum chain, and state, in a durable store.
#[napi]
pub struct Store {
    inner: Box<dyn core::store::Store>,
}

/// A stored record.
#[napi(object)]
pub struct StoredRecordObject {
    /// 1, 2, 3, … across the store, in the order appended.
    pub seq: i64,
    pub stream: String,
    pub id: String,
    /// The record, as JSON text.
    pub body: String,
    /// SHA-256 (hex) chaining this record to the one before.
    pub checksum: String,
}

fn record_object(r: core::store::StoredRecord) -> StoredRecordObject {
    StoredRecordObject {
        seq: r.seq as i64,
        stream: r.stream,
        id: r.id,
        body: r.body,
        checksum: r.checksum,
    }
}

#[napi]
impl Store {
    /// Opens `url` ("memory:", "sqlite:PATH", "postgres://…") and verifies its history.
    #[napi(constructor)]
    pub fn new(url: String) -> Result<Self> {
        core::store::open(&url)
            .map(|inner| Store { inner })
            .map_err(err)
    }
    /// The backend's name.
    #[napi(getter)]
    pub fn backend(&self) -> &'static str {
        self.inner.backend()
    }
    /// Appends a record; `body` is JSON text, or any JSON value (written as JSON).
    #[napi(ts_args_type = "stream: string, id: string, body: unknown")]
    pub fn append(
        &mut self,
        stream: String,
        id: String,
        body: Value,
    ) -> Result<StoredRecordObject> {
        let text = match body {
            Value::String(s) => s,
            other => other.to_string(),
        };
        self.inner
            .append(&stream, &id, &text)
            .map(record_object)
            .map_err(err)
    }
    /// The records of `stream` (every stream when omitted), oldest first.
    #[napi]
    pub fn records(&mut self, stream: Option<String>) -> Result<Vec<StoredRecordObject>> {
        self.inner
            .records(stream.as_deref())
            .map(|rs| rs.into_iter().map(record_object).collect())
            .map_err(err)
    }
    /// The record `id` of `stream`, or null.
    #[napi]
    pub fn record(&mut self, stream: String, id: String) -> Result<Option<StoredRecordObject>> {
        self.inner
            .record(&stream, &id)
            .map(|r| r.map(record_object))
            .map_err(err)
    }
    /// Recomputes the checksum chain; the number of records (StoreError `tampered` if broken).
    #[napi]
    pub fn verify(&mut self) -> Result<i64> {
        self.inner.verify().map(|n| n as i64).map_err(err)
    }
    /// Sets `key` to `value`.
    #[napi]
    pub fn put_state(&mut self, key: String, value: String) -> Result<()> {
        self.inner.put_state(&key, &value).map_err(err)
    }
    /// The value of `key`, or null.
    #[napi]
    pub fn state(&mut self, key: String) -> Result<Option<String>> {
        self.inner.state(&key).map_err(err)
    }
}

/// An event of a shared breaker: a transition this process made (`t`, `from`, `to`), or
/// `local` (Redis failed: `reason`) / `shared` (Redis answers again).
#[napi(object)]
pub struct SharedEventObject {
    /// "transition", "local" or "shared".
    pub kind: String,
    pub t: Option<f64>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub reason: Option<String>,
}

/// A breaker whose window and state live in Redis (shared by every process using the same
/// name), with a local breaker while Redis is unreachable. Its Redis round trips run on the
/// libuv thread pool (`acquire` and `record` return promises), never on the event loop.
#[napi]
pub struct NativeSharedBreaker {
    inner: Arc<core::store::shared::SharedBreaker>,
    events: Arc<Mutex<Vec<SharedEventObject>>>,
}

pub struct SharedAcquire(Arc<core::store::shared::SharedBreaker>);

impl napi::Task for SharedAcquire {
    /// 1 = permitted by the shared state, 0 = by the local breaker, -1 = rejected.
    type Output = i32;
    type JsValue = i32;
    fn compute(&mut self) -> napi::Result<i32> {
        Ok(match self.0.acquire() {
            Ok(true) => 1,
            Ok(false) => 0,
            Err(_) => -1,
        })
    }
    fn resolve(&mut self, _env: napi::Env, output: i32) -> napi::Result<i32> {
        Ok(output)
    }
}

pub struct SharedRecord {
    breaker: Arc<core::store::shared::SharedBreaker>,
    shared: bool,
    outcome: Outcome,
    seconds: f64,
}

impl napi::Task for SharedRecord {
    type Output = &'static str;
    type JsValue = String;
    fn compute(&mut self) -> napi::Result<&'static str> {
        Ok(self
            .breaker
            .record(self.shared, self.outcome, self.seconds)
            .as_str())
    }
    fn resolve(&mut self, _env: napi::Env, output: &'static str) -> napi::Result<String> {
        Ok(output.to_string())
    }
}

#[napi]
impl NativeSharedBreaker {
    #[napi(constructor)]
    pub fn new(url: String, name: String, config: Option<Object<'_>>) -> Result<Self> {
        let inner =
            core::store::shared::SharedBreaker::connect(&url, &name, breaker_config(config)?)
                .map_err(err)?;
        let events: Arc<Mutex<Vec<SharedEventObject>>> = Arc::default();
        let sink = Arc::downgrade(&events);
        inner.on_event(move |e| {
            let Some(sink) = sink.upgrade() else { return };
            let o = match e {
                core::store::shared::SharedEvent::Transition(t) => SharedEventObject {
                    kind: "transition".into(),
                    t: Some(t.t),
                    from: Some(t.from.as_str().into()),
                    to: Some(t.to.as_str().into()),
                    reason: None,
                },
                core::store::shared::SharedEvent::Local { reason } => SharedEventObject {
                    kind: "local".into(),
                    t: None,
                    from: None,
                    to: None,
                    reason: Some(reason.clone()),
                },
                core::store::shared::SharedEvent::Shared => SharedEventObject {
                    kind: "shared".into(),
                    t: None,
                    from: None,
                    to: None,
                    reason: None,
                },
            };
            sink.lock().unwrap_or_else(|p| p.into_inner()).push(o);
        });
        Ok(NativeSharedBreaker {
            inner: Arc::new(inner),
            events,
        })
    }
    /// Resolves to 1 (permitted, shared), 0 (permitted by the local breaker) or -1 (rejected).
    #[napi(ts_return_type = "Promise<number>")]
    pub fn acquire(&self) -> napi::bindgen_prelude::AsyncTask<SharedAcquire> {
        napi::bindgen_prelude::AsyncTask::new(SharedAcquire(self.inner.clone()))
    }
    /// Records a call of `seconds` that `acquire` permitted (`shared`: it answered 1).
    #[napi(ts_return_type = "Promise<string>")]
    pub fn record(
        &self,
        shared: bool,
        failure: bool,
        seconds: f64,
    ) -> napi::bindgen_prelude::AsyncTask<SharedRecord> {
        napi::bindgen_prelude::AsyncTask::new(SharedRecord {
            breaker: self.inner.clone(),
            shared,
            outcome: if failure {
                Outcome::Failure
            } else {
                Outcome::Success
            },
            seconds,
        })
    }
    /// Events since the last call, in order.
    #[napi]
    pub fn take_events(&self) -> Vec<SharedEventObject> {
        std::mem::take(&mut *self.events.lock().unwrap_or_else(|p| p.into_inner()))
    }
    /// Whether calls currently go through Redis.
    #[napi(getter)]
    pub fn is_shared(&self) -> bool {
        self.inner.is_shared()
    }
    /// The state (a Redis round trip on the calling thread).
    #[napi(getter)]
    pub fn state(&self) -> &'static str {
        self.inner.state().as_str()
    }
    /// Lifetime counters (every process's, when shared).
    #[napi]
    pub fn stats(&self) -> Result<Value> {
        to_value(&self.inner.stats())
    }
    #[napi]
    pub fn force_open(&self) -> &'static str {
        self.inner.force_open().as_str()
    }
    #[napi]
    pub fn disable(&self) -> &'static str {
        self.inner.disable().as_str()
    }
    #[napi]
    pub fn reset(&self) -> &'static str {
        self.inner.reset().as_str()
    }
}
