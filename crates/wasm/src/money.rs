//! Money (splits, audits, refunds, the ledger) from the description shared with Node
//! (`crates/node/src/surface/money.rs`), and the readers of its arguments.

use crate::convert::*;
use liberation_gates as core;
use liberation_gates::split::{CreatorArg, SplitInput, SplitTermsArg, SPLIT_OPTIONS};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

include!("../../node/src/surface/money.rs");
money!(
    wasm_bindgen,
    unchecked_param_type,
    unchecked_optional_param_type,
    unchecked_return_type
);

/// A split request from JS arguments: serde-wasm-bindgen reads only the fields a struct
/// declares, so the keys of every object are checked first.
pub(crate) fn split_input(
    gross: &Money<'_>,
    currency: &str,
    creators: Obj<'_>,
    options: Option<Obj<'_>>,
) -> Result<SplitInput> {
    if let Ok(list) = creators.clone().dyn_into::<js_sys::Array>() {
        for c in list.iter() {
            known_keys(&c, &["id", "weight"], "creator field")?;
        }
    }
    let creators: Vec<CreatorArg> = from_js(creators, "creators")?;
    let mut input = SplitInput {
        gross: money(gross, currency, "gross")?,
        currency: currency.to_string(),
        creators: creators.into_iter().map(Into::into).collect(),
        ..Default::default()
    };
    let Some(o) = options.filter(opt) else {
        return Ok(input);
    };
    known_keys(&o, &SPLIT_OPTIONS, "split option")?;
    let amount = |k: &str| match js_sys::Reflect::get(&o, &k.into()) {
        Ok(v) if opt(&v) => money(&v, currency, k).map(Some),
        _ => Ok(None),
    };
    (input.fee, input.step) = (amount("fee")?, amount("step")?);
    let terms: SplitTermsArg = from_js(o, "options")?;
    input.creator_share = terms.creator_share.map(|s| s.text());
    input.fee_mode = terms.fee_mode;
    Ok(input)
}

/// Payouts `[{id, amount}]` in `currency`.
pub(crate) fn paid_list(paid: Obj<'_>, currency: &str) -> Result<Vec<core::audit::Paid>> {
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
            amount: money(&amount, currency, "paid amount")?,
        });
    }
    Ok(list)
}
