//! Money (splits, audits, refunds, the ledger) from the description shared with Node
//! (`crates/node/src/surface/money.rs`), and the readers of its arguments.

use crate::convert::*;
use liberation_gates as core;
use liberation_gates::split::{CreatorArg, SplitTermsArg};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

include!("../../node/src/surface/money.rs");
money!(
    wasm_bindgen,
    unchecked_param_type,
    unchecked_optional_param_type,
    unchecked_return_type
);

/// The creators of a split: serde-wasm-bindgen reads only the fields a struct declares, so
/// the keys of each creator are checked first.
fn creator_args(creators: Obj<'_>) -> Result<Vec<CreatorArg>> {
    if let Ok(list) = creators.clone().dyn_into::<js_sys::Array>() {
        for c in list.iter() {
            known_keys(&c, &["id", "weight"], "creator field")?;
        }
    }
    from_js(creators, "creators")
}

/// A split's options other than its amounts (their keys checked by the caller).
fn split_terms(o: Obj<'_>) -> Result<SplitTermsArg> {
    from_js(o, "options")
}

/// The value of `o[k]`, or `None` when it is `undefined` or `null`.
fn field(o: &Obj<'_>, k: &str) -> Result<Option<Money<'static>>> {
    Ok(js_sys::Reflect::get(o, &k.into()).ok().filter(opt))
}

/// Payouts `[{id, amount}]` in `currency`.
pub(crate) fn paid_list(paid: Obj<'_>, currency: &str) -> Result<Vec<core::audit::Paid>> {
    let entries: js_sys::Array = paid
        .dyn_into()
        .map_err(|_| arg("paid must be an array of {id, amount}"))?;
    let mut list = Vec::with_capacity(entries.length() as usize);
    for entry in entries.iter() {
        known_keys(&entry, &["id", "amount"], "payout field")?;
        let id = js_sys::Reflect::get(&entry, &"id".into())
            .ok()
            .and_then(|v| v.as_string())
            .ok_or_else(|| arg("each payout needs a string id"))?;
        let amount = js_sys::Reflect::get(&entry, &"amount".into()).unwrap_or(JsValue::UNDEFINED);
        list.push(core::audit::Paid {
            id,
            amount: money(&amount, currency, "paid amount")?,
        });
    }
    Ok(list)
}
