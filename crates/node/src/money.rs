//! Money: splits, refunds and payout audits.

use crate::*;
use liberation_gates as core;
use liberation_gates::money::{Currency, Money};
use liberation_gates::split::{CreatorInput, Payout, SplitInput};
use napi::bindgen_prelude::{BigInt, Either, Null};
use napi_derive::napi;
use serde_json::Value;
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

pub(crate) fn split_input(
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

pub(crate) fn split_result(s: &core::split::Split) -> SplitResult {
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

pub(crate) fn payouts(list: &[Payout]) -> Vec<PayoutObject> {
    list.iter()
        .map(|p| PayoutObject {
            id: p.id.clone(),
            amount: p.amount.to_string(),
        })
        .collect()
}

/// Reads a proposal file's text (the CLI's `vote` file): `{status, tally, refused, decision}`.
#[napi(
    ts_return_type = "{ status: string; tally: { yes: number; no: number; abstain: number }; refused: Array<[number, string]>; decision: { subject: string; action: string; status: string } | null }"
)]
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

pub(crate) fn audit_result(a: core::audit::PayoutAudit) -> Result<AuditResult> {
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
    pub(crate) inner: core::split::Refundable,
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
