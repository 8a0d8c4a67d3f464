//! Money: splits, audits, refunds and ledgers.

use crate::convert::*;
use liberation_gates as core;
use liberation_gates::money::Currency;
use liberation_gates::split::{CreatorInput, SplitInput};
use serde::Deserialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[derive(Deserialize)]
pub(crate) struct CreatorArg {
    id: String,
    weight: ExactValue,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SplitOptions {
    creator_share: Option<ExactValue>,
    fee_mode: Option<String>,
}

pub(crate) fn split_input(
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
        creator_share: o.creator_share.as_ref().map(ExactValue::text),
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
#[wasm_bindgen(unchecked_return_type = "SplitResult")]
pub fn split(
    #[wasm_bindgen(unchecked_param_type = "Money")] gross: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string")] currency: JsValue,
    #[wasm_bindgen(unchecked_param_type = "CreatorArg[]")] creators: JsValue,
    #[wasm_bindgen(unchecked_param_type = "SplitOptions | null | undefined")] options: JsValue,
) -> Result<JsValue> {
    let currency = text_arg(&currency, "currency")?;
    let input = split_input(&gross, &currency, creators, options)?;
    to_js(&core::split::split(&input).map_err(err)?)
}

/// Audits payouts made elsewhere against the split (SPEC §10). `paid`: `[{id, amount}]`
/// (decimal strings or bigint minor units). Returns `{currency, expected, paid, creatorTotal,
/// paidTotal, shortfalls, shortfallTotal, exact, floorHeld, creatorSharePaid}`.
#[wasm_bindgen(unchecked_return_type = "AuditResult")]
pub fn audit(
    #[wasm_bindgen(unchecked_param_type = "Money")] gross: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string")] currency: JsValue,
    #[wasm_bindgen(unchecked_param_type = "CreatorArg[]")] creators: JsValue,
    #[wasm_bindgen(unchecked_param_type = "PaidArg[]")] paid: JsValue,
    #[wasm_bindgen(unchecked_param_type = "SplitOptions | null | undefined")] options: JsValue,
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
    to_js(&core::audit::audit_split(&split, &list).map_err(err)?)
}

/// Audits a payout file's text (JSON lines `{id, amount}`) against a split terms file's text
/// (the CLI's `audit --split --paid`); an error in the payouts names its line (`line`).
#[wasm_bindgen(js_name = auditFiles, unchecked_return_type = "AuditResult")]
pub fn audit_files(
    #[wasm_bindgen(unchecked_param_type = "string")] split_terms: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string")] paid: JsValue,
) -> Result<JsValue> {
    let terms = text_arg(&split_terms, "splitTerms")?;
    to_js(&core::audit::audit_files(&terms, &text_arg(&paid, "paid")?).map_err(err)?)
}

/// Reads a proposal file's text (the CLI's `vote` file): `{status, tally, refused, decision}`.
#[wasm_bindgen(js_name = readProposal, unchecked_return_type = "ProposalFileReading")]
pub fn read_proposal(
    #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
) -> Result<JsValue> {
    let f = core::governance::ProposalFile::parse(&text_arg(&text, "text")?).map_err(err)?;
    to_js(&f.read().map_err(err)?)
}

/// The unrefunded balances of a split, to take refunds from.
#[wasm_bindgen]
pub struct Refundable {
    inner: core::split::Refundable,
}

#[wasm_bindgen]
impl Refundable {
    /// The balances of a split result as `split()` returns it.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "SplitResult")] split: JsValue,
    ) -> Result<Refundable> {
        core::split::Refundable::from_balances(serde_wasm_bindgen::Deserializer::from(split))
            .map(|inner| Refundable { inner })
            .map_err(err)
    }
    /// Takes `amount` (a decimal string or bigint minor units) from the parties in proportion
    /// to their unrefunded balances: `{amount, creators: [{id, amount}], platform}`.
    #[wasm_bindgen(unchecked_return_type = "RefundResult")]
    pub fn refund(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "Money")] amount: JsValue,
    ) -> Result<JsValue> {
        let currency = self.inner.remaining().currency();
        let text = money_text(&amount, currency.code(), "amount")?;
        to_js(&self.inner.refund_str(&text).map_err(err)?)
    }
    /// What remains refundable.
    #[wasm_bindgen(getter)]
    pub fn remaining(&self) -> String {
        self.inner.remaining().to_string()
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
    /// An empty ledger.
    #[wasm_bindgen(constructor)]
    #[allow(clippy::new_without_default)]
    pub fn new() -> Ledger {
        Ledger {
            inner: core::ledger::Ledger::new(),
        }
    }
    /// Computes and records a split; the split, as `split()` returns it.
    #[wasm_bindgen(js_name = recordSplit, unchecked_return_type = "SplitResult")]
    pub fn record_split(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] id: JsValue,
        t: f64,
        #[wasm_bindgen(unchecked_param_type = "Money")] gross: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] currency: JsValue,
        #[wasm_bindgen(unchecked_param_type = "CreatorArg[]")] creators: JsValue,
        #[wasm_bindgen(unchecked_param_type = "SplitOptions | null | undefined")] options: JsValue,
    ) -> Result<JsValue> {
        let currency = text_arg(&currency, "currency")?;
        let input = split_input(&gross, &currency, creators, options)?;
        let s = self
            .inner
            .record_split(&text_arg(&id, "id")?, t, &input)
            .map_err(err)?;
        to_js(&s)
    }
    /// Refunds `amount` of the recorded split `splitId` and records it.
    #[wasm_bindgen(js_name = recordRefund)]
    pub fn record_refund(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] id: JsValue,
        t: f64,
        #[wasm_bindgen(unchecked_param_type = "string")] split_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Money")] amount: JsValue,
    ) -> Result<()> {
        let split_id = text_arg(&split_id, "splitId")?;
        let text = money_text(&amount, self.currency_of(&split_id), "amount")?;
        self.inner
            .record_refund(&text_arg(&id, "id")?, t, &split_id, &text)
            .map(drop)
            .map_err(err)
    }
    /// Records a payout the payment system made: `amount` to `creator` for split `splitId`.
    #[wasm_bindgen(js_name = recordPayout)]
    pub fn record_payout(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] id: JsValue,
        t: f64,
        #[wasm_bindgen(unchecked_param_type = "string")] split_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] creator: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Money")] amount: JsValue,
    ) -> Result<()> {
        let split_id = text_arg(&split_id, "splitId")?;
        let text = money_text(&amount, self.currency_of(&split_id), "amount")?;
        let (id, creator) = (text_arg(&id, "id")?, text_arg(&creator, "creator")?);
        self.inner
            .record_payout(&id, t, &split_id, &creator, &text)
            .map(drop)
            .map_err(err)
    }
    /// The transparency report as CSV, one row per period and currency.
    #[wasm_bindgen(js_name = reportCsv)]
    pub fn report_csv(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "string")] period: Option<JsValue>,
    ) -> Result<String> {
        let period = opt_text_arg(period, "period")?;
        let p: core::ledger::Period = period.as_deref().unwrap_or("all").parse().map_err(err)?;
        Ok(self.inner.report(p).to_csv())
    }
    /// The `creator_share` metric over the `windowSeconds` before `now` in `currency`, or null.
    #[wasm_bindgen(js_name = creatorShare)]
    pub fn creator_share(
        &self,
        now: f64,
        window_seconds: f64,
        #[wasm_bindgen(unchecked_param_type = "string")] currency: JsValue,
    ) -> Result<Option<f64>> {
        let c = Currency::from_code(&text_arg(&currency, "currency")?).map_err(err)?;
        Ok(self.inner.creator_share(now, window_seconds, c))
    }
    fn currency_of(&self, split_id: &str) -> &'static str {
        self.inner.split_currency(split_id).map_or("", |c| c.code())
    }
    /// The ledger kept in a store dump (`liberation-gates store dump`), its checksum chain
    /// checked first (`store/tampered` for a changed, cut or reordered dump).
    #[wasm_bindgen(js_name = fromDump)]
    pub fn from_dump(
        #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
    ) -> Result<Ledger> {
        core::store::DurableLedger::from_dump(&text_arg(&text, "text")?)
            .map(|d| Ledger {
                inner: d.into_ledger(),
            })
            .map_err(err)
    }
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
    #[wasm_bindgen(unchecked_return_type = "TransparencyReport")]
    pub fn report(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "string")] period: Option<JsValue>,
    ) -> Result<JsValue> {
        let period = opt_text_arg(period, "period")?;
        let p: core::ledger::Period = period.as_deref().unwrap_or("all").parse().map_err(err)?;
        to_js(&self.inner.report(p))
    }
    /// The creators' share against the 75% floor, and each creator's amount, for `currency`.
    #[wasm_bindgen(js_name = sovereigntySummary, unchecked_return_type = "SovereigntySummary | null")]
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
