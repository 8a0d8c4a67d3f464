//! Money: splits, refunds and payout audits.

use crate::*;
use liberation_gates as core;
use liberation_gates::split::{CreatorInput, SplitInput};
use napi::bindgen_prelude::{BigInt, Either, Object};
use napi::De;
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

/// Splits a payment so creators keep at least 75% (SPEC §1).
#[napi(ts_return_type = "import('./types').SplitResult")]
pub fn split(
    gross: Either<String, BigInt>,
    currency: String,
    creators: Vec<CreatorArg>,
    options: Option<SplitOptions>,
) -> Result<Value> {
    let input = split_input(&gross, currency, creators, options)?;
    to_value(&core::split::split(&input).map_err(err)?)
}

/// A payout as the payment system made it.
#[napi(object)]
pub struct PaidArg {
    pub id: String,
    /// A decimal string in major units, or a bigint of minor units.
    pub amount: Either<String, BigInt>,
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
#[napi(ts_return_type = "import('./types').AuditResult")]
pub fn audit_files(split_terms: String, paid: String) -> Result<Value> {
    to_value(&core::audit::audit_files(&split_terms, &paid).map_err(err)?)
}

/// Audits payouts made elsewhere against the split that says what creators are owed.
#[napi(ts_return_type = "import('./types').AuditResult")]
pub fn audit(
    gross: Either<String, BigInt>,
    currency: String,
    creators: Vec<CreatorArg>,
    paid: Vec<PaidArg>,
    options: Option<SplitOptions>,
) -> Result<Value> {
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
    to_value(&core::audit::audit_split(&split, &paid).map_err(err)?)
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
    pub fn new(
        #[napi(ts_arg_type = "import('./types').SplitResult")] split: Object<'_>,
    ) -> Result<Self> {
        core::split::Refundable::from_balances(&mut De::new(&split))
            .map(|inner| Refundable { inner })
            .map_err(err)
    }
    /// Takes `amount` from the parties in proportion to their unrefunded balances:
    /// `{amount, creators: [{id, amount}], platform}`.
    #[napi(ts_return_type = "import('./types').RefundResult")]
    pub fn refund(&mut self, amount: Either<String, BigInt>) -> Result<Value> {
        let text = money_text(&amount, self.inner.remaining().currency().code())?;
        to_value(&self.inner.refund_str(&text).map_err(err)?)
    }
    /// What remains refundable.
    #[napi(getter)]
    pub fn remaining(&self) -> String {
        self.inner.remaining().to_string()
    }
}
