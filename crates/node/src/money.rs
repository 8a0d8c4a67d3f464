//! Money (splits, audits, refunds, the ledger) from the description shared with WASM
//! (`surface/money.rs`), and the readers of its arguments: money checked here, the rest through
//! serde, so an unknown key is refused by name.

use crate::*;
use liberation_gates as core;
use liberation_gates::split::{CreatorArg, SplitInput, SplitTermsArg, SPLIT_OPTIONS};
use napi::bindgen_prelude::{JsObjectValue, JsValue, Object, Unknown};
use napi::ValueType;
use napi_derive::napi;

include!("surface/money.rs");
money!(napi, ts_arg_type, ts_arg_type, ts_return_type);

/// A value given, as opposed to `undefined` or `null`.
fn given(v: &Unknown<'_>) -> bool {
    !matches!(v.get_type(), Ok(ValueType::Undefined | ValueType::Null))
}

/// A split request from JS arguments.
pub(crate) fn split_input(
    gross: &Money<'_>,
    currency: &str,
    creators: Obj<'_>,
    options: Option<Obj<'_>>,
) -> Result<SplitInput> {
    let creators: Vec<CreatorArg> = obj(creators, "creators")?;
    let mut input = SplitInput {
        gross: money(gross, currency, "gross")?,
        currency: currency.to_string(),
        creators: creators.into_iter().map(Into::into).collect(),
        ..Default::default()
    };
    let Some(o) = options else { return Ok(input) };
    known_keys(&o, &SPLIT_OPTIONS, "split option")?;
    let amount = |k: &str| match o.get::<Unknown>(k).map_err(|e| arg(e.reason))? {
        Some(v) if given(&v) => money(&v, currency, k).map(Some),
        _ => Ok(None),
    };
    (input.fee, input.step) = (amount("fee")?, amount("step")?);
    let terms: SplitTermsArg = obj(o, "options")?;
    input.creator_share = terms.creator_share.map(|s| s.text());
    input.fee_mode = terms.fee_mode;
    Ok(input)
}

/// Payouts `[{id, amount}]` in `currency`.
pub(crate) fn paid_list(paid: Obj<'_>, currency: &str) -> Result<Vec<core::audit::Paid>> {
    let napi = |e: napi::Error| arg(format!("paid: {}", e.reason));
    if !paid.is_array().map_err(napi)? {
        return Err(arg("paid must be an array of {id, amount}"));
    }
    let one = |i| -> Result<core::audit::Paid> {
        let p: Object = paid.get_element(i).map_err(napi)?;
        known_keys(&p, &["id", "amount"], "payout field")?;
        let id: Option<String> = p.get("id").map_err(napi)?;
        let amount: Unknown = p.get_named_property("amount").map_err(napi)?;
        Ok(core::audit::Paid {
            id: id.ok_or_else(|| arg("each payout needs a string id"))?,
            amount: money(&amount, currency, "paid amount")?,
        })
    };
    (0..paid.get_array_length().map_err(napi)?)
        .map(one)
        .collect()
}

/// Refuses keys an argument object does not have, naming them.
fn known_keys(o: &Object<'_>, keys: &[&str], what: &str) -> Result<()> {
    for k in Object::keys(o).map_err(|e| arg(e.reason))? {
        if !keys.contains(&k.as_str()) {
            return Err(arg(format!(
                "unknown {what} {k:?}: expected {}",
                keys.join(", ")
            )));
        }
    }
    Ok(())
}
