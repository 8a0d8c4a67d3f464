//! Money (splits, audits, refunds, the ledger) from the description shared with WASM
//! (`surface/money.rs`), and the readers of its arguments: money checked here, the rest through
//! serde, so an unknown key is refused by name.

use crate::*;
use liberation_gates as core;
use liberation_gates::split::{CreatorArg, ExactArg, SplitTermsArg};
use napi::bindgen_prelude::{
    BigInt64ArraySlice, External, FromNapiValue, JsObjectValue, JsValue, Object, Unknown,
};
use napi::ValueType;
use napi_derive::napi;

include!("surface/money.rs");
money!(napi, ts_arg_type, ts_arg_type, ts_return_type);

/// The creators of a split, read property by property (napi's serde reader makes about
/// twenty N-API calls per creator, this about seven); any other shape goes through serde,
/// which names what is wrong, as does a creator with a key besides `id` and `weight`.
fn creator_args(v: Obj<'_>) -> Result<Vec<CreatorArg>> {
    let napi = |e: napi::Error| arg(format!("creators: {}", e.reason));
    if !v.is_array().map_err(napi)? {
        return obj(v, "creators");
    }
    let n = v.get_array_length().map_err(napi)?;
    let mut out = Vec::with_capacity(n as usize);
    for i in 0..n {
        let c: Unknown = v.get_element(i).map_err(napi)?;
        if c.get_type().map_err(napi)? != ValueType::Object {
            return obj(v, "creators");
        }
        // SAFETY: the value's type was checked to be an object just above.
        let c: Object = unsafe { c.cast() }.map_err(napi)?;
        let id: Option<Unknown> = c.get("id").map_err(napi)?;
        let weight: Option<Unknown> = c.get("weight").map_err(napi)?;
        let keys = c.get_property_names().and_then(|k| k.get_array_length());
        let (Some(id), Some(weight), Ok(2)) = (id, weight, keys) else {
            return obj(v, "creators");
        };
        // SAFETY: each cast reads the type `get_type` reported.
        let weight = match weight.get_type().map_err(napi)? {
            ValueType::String => ExactArg::Text(unsafe { weight.cast() }.map_err(napi)?),
            ValueType::Number => ExactArg::Number(unsafe { weight.cast() }.map_err(napi)?),
            _ => return obj(v, "creators"),
        };
        let id = match id.get_type().map_err(napi)? {
            ValueType::String => unsafe { id.cast() }.map_err(napi)?,
            _ => return obj(v, "creators"),
        };
        out.push(CreatorArg { id, weight });
    }
    Ok(out)
}

/// A split's options other than its amounts.
fn split_terms(o: Obj<'_>) -> Result<SplitTermsArg> {
    obj(o, "options")
}

/// The value of `o[k]`, or `None` when it is `undefined` or `null`.
fn field<'a>(o: &Obj<'a>, k: &str) -> Result<Option<Money<'a>>> {
    let v: Option<Unknown> = o.get(k).map_err(|e| arg(e.reason))?;
    Ok(v.filter(|v| !matches!(v.get_type(), Ok(ValueType::Undefined | ValueType::Null))))
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
pub(crate) fn known_keys(o: &Object<'_>, keys: &[&str], what: &str) -> Result<()> {
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

#[napi]
impl SplitTerms {
    /// Splits `gross` (a bigint of minor units) into `out`, a `BigInt64Array` of the creators'
    /// amounts in order, then the creators' total, the platform's amount and the fee (so
    /// creators + 3 places): `splitMinor` without building an object, for hot paths. Every
    /// amount within the money limit fits; `out` of another type or length is a TypeError.
    #[napi(ts_args_type = "gross: bigint, out: BigInt64Array")]
    pub fn split_minor_into(&self, gross: Unknown<'_>, out: Unknown<'_>) -> Result<()> {
        minor_into(&self.inner, gross, out)
    }
}

/// Prepared terms behind an External, for `splitTermsMinorInto`.
pub type SplitTermsHandle = External<core::split::SplitTerms>;

/// A handle on a copy of `terms` (they never change): lib.cjs takes one per `SplitTerms` and
/// calls `splitTermsMinorInto` with it, because a class method pays for unwrapping `this` on
/// every call and a function on an External does not.
#[napi(ts_return_type = "ExternalObject<'SplitTermsHandle'>")]
pub fn split_terms_handle(terms: &SplitTerms) -> SplitTermsHandle {
    External::new(terms.inner.clone())
}

/// `split()` for arguments lib.cjs has checked and packed into one string, its result packed
/// the same way: reading the arguments and building the result through napi takes an N-API
/// call per property, this two calls in all. `packed` joins with U+0000 the gross, the currency, then the
/// creator share, fee, fee mode and step (an empty field for each one absent; bits 0 to 3 of
/// `present` say which are given), then each creator's id and weight. The result joins the
/// currency, gross, platform, fee, creators' total, creator share, fee mode and method,
/// then each creator's amount in order.
#[napi(js_name = "splitPacked")]
pub fn split_packed(packed: String, present: u32) -> Result<String> {
    let short = || arg("splitPacked: fewer fields than the header's six");
    let mut fields = packed.split('\0');
    let mut header = [""; 6];
    for h in &mut header {
        *h = fields.next().ok_or_else(short)?;
    }
    let [gross, currency, share, fee, fee_mode, step] = header;
    let given = |bit: u32, field| (present & (1 << bit) != 0).then_some(field);
    // The rest are id, weight pairs.
    if fields.clone().count() % 2 != 0 {
        return Err(arg("splitPacked: a creator's id without its weight"));
    }
    let input = core::split::SplitText {
        gross,
        currency,
        creators: Pairs(fields),
        creator_share: given(0, share),
        fee: given(1, fee),
        fee_mode: given(2, fee_mode),
        step: given(3, step),
    };
    let s = core::split::split_text(&input).map_err(err)?;
    let mut out = String::with_capacity(64 + 24 * s.creators.len());
    let mut put = |text: &str| {
        out.push_str(text);
        out.push('\0');
    };
    put(s.currency.code());
    put(&s.gross.text());
    put(&s.platform.text());
    put(&s.fee.text());
    put(&s.creator_total.text());
    put(&s.creator_share.text());
    put(s.fee_mode.as_str());
    put(s.method.as_str());
    for p in &s.creators {
        put(&p.amount.text());
    }
    out.pop();
    Ok(out)
}

/// Consecutive items two by two.
#[derive(Clone)]
struct Pairs<I>(I);

impl<'a, I: Iterator<Item = &'a str>> Iterator for Pairs<I> {
    type Item = (&'a str, &'a str);
    fn next(&mut self) -> Option<Self::Item> {
        Some((self.0.next()?, self.0.next()?))
    }
}

/// How many places `splitMinorInto` writes for the terms behind `handle`: the creators, then
/// the creators' total, the platform's amount and the fee.
#[napi(ts_args_type = "handle: ExternalObject<'SplitTermsHandle'>")]
pub fn split_terms_places(handle: &SplitTermsHandle) -> u32 {
    // A creator count beyond u32 cannot come from a JS array.
    u32::try_from(handle.creator_count() + 3).unwrap_or(u32::MAX)
}

/// `SplitTerms#splitMinorInto` through a handle from `splitTermsHandle`.
#[napi(
    ts_args_type = "handle: ExternalObject<'SplitTermsHandle'>, gross: bigint, out: BigInt64Array"
)]
pub fn split_terms_minor_into(
    handle: &SplitTermsHandle,
    gross: Unknown<'_>,
    out: Unknown<'_>,
) -> Result<()> {
    minor_into(handle, gross, out)
}

/// `splitMinorInto` on `terms`.
fn minor_into(terms: &core::split::SplitTerms, gross: Unknown<'_>, out: Unknown<'_>) -> Result<()> {
    let n = terms.creator_count();
    let bad_out = |got: &str| {
        arg(format!(
            "out must be a BigInt64Array of {} places (the {n} creators, creatorTotal, \
                 platform, fee), got {got}",
            n + 3
        ))
    };
    // One napi call and no allocation (napi-rs's `BigInt` reads the words into a `Vec`):
    // a non-bigint is refused by the call, one outside i64 by `lossless`.
    let (mut value, mut lossless) = (0i64, false);
    // SAFETY: env and value come from this call's arguments; both out-pointers are live.
    let status = unsafe {
        napi::sys::napi_get_value_bigint_int64(
            gross.value().env,
            gross.value().value,
            &mut value,
            &mut lossless,
        )
    };
    let gross =
        match u128::try_from(value) {
            Ok(gross) if status == napi::sys::Status::napi_ok && lossless => gross,
            _ => return Err(arg(
                "gross must be a bigint of minor units from 0 to 2^63 − 1 (splitMinor takes more)",
            )),
        };
    let mut out = BigInt64ArraySlice::from_unknown(out).map_err(|_| bad_out("another type"))?;
    // SAFETY: JavaScript does not run while this synchronous call does, so nothing else
    // reads or writes the array's memory meanwhile.
    let out = unsafe { out.as_mut() };
    if out.len() != n + 3 {
        return Err(bad_out(&format!("{} places", out.len())));
    }
    let mut few = [0u128; 8];
    let mut many = Vec::new();
    let creators = if n <= few.len() {
        &mut few[..n]
    } else {
        many.resize(n, 0);
        &mut many[..]
    };
    let parts = terms.split_into(gross, creators).map_err(err)?;
    // Every amount is at most the gross, which fits.
    let amounts = creators
        .iter()
        .chain([&parts.creator_total, &parts.platform, &parts.fee]);
    for (place, &amount) in out.iter_mut().zip(amounts) {
        *place = amount as i64;
    }
    Ok(())
}
