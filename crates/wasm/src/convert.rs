//! The one conversion module: JS values in, core types through serde, errors out.

use liberation_gates as core;
use liberation_gates::Num;
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

pub(crate) type Result<T> = std::result::Result<T, JsValue>;

/// The one error conversion: an `Error` with `.code` = kind and `.family`.
pub(crate) fn err(e: impl Into<core::Error>) -> JsValue {
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

/// A non-core argument problem, thrown as a `TypeError` (Node's `InvalidArg`).
pub(crate) fn arg(msg: impl AsRef<str>) -> JsValue {
    js_sys::TypeError::new(msg.as_ref()).into()
}

// The argument types the shared surface (`crates/node/src/surface/`) is written against;
// Node defines the same names over napi's types.

/// Money: a decimal string, or a bigint of minor units (see [`money`]).
pub(crate) type Money<'a> = JsValue;
/// A string argument, checked here (see [`text`]).
pub(crate) type Text = JsValue;
/// An object argument, read through serde (the lifetime is Node's).
pub(crate) type Obj<'a> = JsValue;
/// A count: a number, or a bigint.
pub(crate) type Count = JsValue;
/// An exact decimal: a string, or a whole JS number.
pub(crate) type Exact = JsValue;
/// A value going out as a plain JS object.
pub(crate) type Out = JsValue;
/// A split in minor units going out (bigints).
pub(crate) type MinorOut = JsValue;

/// `parts` and each creator's minor units as `{creators, creatorTotal, platform, fee}` of JS
/// bigints.
pub(crate) fn minor_split(parts: core::split::SplitMinor, creators: &[u128]) -> Result<MinorOut> {
    let big = |u: u128| JsValue::from(js_sys::BigInt::from(u));
    let o = js_sys::Object::new();
    let list: js_sys::Array = creators.iter().map(|&u| big(u)).collect();
    let fields = [
        ("creators", list.into()),
        ("creatorTotal", big(parts.creator_total)),
        ("platform", big(parts.platform)),
        ("fee", big(parts.fee)),
    ];
    for (k, v) in fields {
        js_sys::Reflect::set(&o, &k.into(), &v).map_err(|_| arg("minor split"))?;
    }
    Ok(o.into())
}

/// An optional object argument as given: `undefined` and `null` are none.
pub(crate) fn present(v: Option<Obj<'_>>) -> Option<Obj<'_>> {
    v.filter(opt)
}

/// A string argument. wasm-bindgen's own string conversion reads a non-string as a pointer
/// and traps the module ("memory access out of bounds"); here anything else is a `TypeError`
/// naming the argument. Parameters taking it are declared `string` in the TypeScript types.
pub(crate) fn text(v: &Text, what: &str) -> Result<String> {
    v.as_string().ok_or_else(|| {
        arg(format!(
            "{what} must be a string, not {}",
            v.js_typeof().as_string().unwrap_or_default()
        ))
    })
}

/// An optional string argument: `undefined` or `null` is absent, a string is itself, anything
/// else a `TypeError` naming the argument.
pub(crate) fn opt_text(v: Option<Text>, what: &str) -> Result<Option<String>> {
    v.filter(opt).map(|v| text(&v, what)).transpose()
}

/// A value read through serde-wasm-bindgen, which reads only the fields a struct declares
/// (see [`obj`] for a strict read).
pub(crate) fn from_js<T: serde::de::DeserializeOwned>(v: JsValue, what: &str) -> Result<T> {
    serde_wasm_bindgen::from_value(v).map_err(|e| arg(format!("{what}: {e}")))
}

/// A core input type from a JS value, through a JSON value: serde-wasm-bindgen reads only the
/// fields a struct declares, so an unknown key (a misspelt option on a money or rule path)
/// would be silently ignored; through JSON every key is seen, and the core's
/// `deny_unknown_fields` refuses it.
fn strict<T: serde::de::DeserializeOwned>(v: JsValue) -> std::result::Result<T, String> {
    let value: serde_json::Value = serde_wasm_bindgen::from_value(v).map_err(|e| e.to_string())?;
    serde_json::from_value(value).map_err(|e| e.to_string())
}

/// An object argument read strictly (see [`strict`]); a wrong shape is a `TypeError`.
pub(crate) fn obj<T: serde::de::DeserializeOwned>(v: Obj<'_>, what: &str) -> Result<T> {
    strict(v).map_err(|e| arg(format!("{what}: {e}")))
}

/// An object argument read strictly into a core type; a wrong shape is the core error `kind`
/// makes of the message.
pub(crate) fn obj_as<T: serde::de::DeserializeOwned, E: Into<core::Error>>(
    v: Obj<'_>,
    kind: impl FnOnce(String) -> E,
) -> Result<T> {
    strict(v).map_err(|e| err(kind(e)))
}

/// An optional object argument: `undefined` or `null` is `None`.
pub(crate) fn opt_obj<T: serde::de::DeserializeOwned>(
    v: Option<Obj<'_>>,
    what: &str,
) -> Result<Option<T>> {
    present(v).map(|v| obj(v, what)).transpose()
}

/// An exact decimal as text: a string is itself, a number goes through `Num::exact_text`
/// (a whole number only), anything else is a `TypeError` naming the argument.
pub(crate) fn exact(v: &Exact, what: &str) -> Result<String> {
    match v.as_f64() {
        Some(f) => Ok(Num::exact_text(f)),
        None => text(v, what),
    }
}

/// A core value as a JS object, with JavaScript's camelCase field names (`casing`).
pub(crate) fn out<T: Serialize>(v: &T) -> Result<Out> {
    core::casing::CamelCase(v)
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| arg(e.to_string()))
}

/// A JSON document going out as it is (no renaming: a schema's keys are data).
pub(crate) fn json_out(v: serde_json::Value) -> Result<Out> {
    v.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| arg(e.to_string()))
}

/// A count as the core reads it; anything but a number or a bigint is NaN, which the core
/// refuses naming the count.
pub(crate) fn count(x: &Count) -> Num {
    if x.is_bigint() {
        return big(x).map_or(Num::Float(f64::NAN), Num::Int);
    }
    Num::Float(x.as_f64().unwrap_or(f64::NAN))
}

/// A bigint's value, when it fits in 128 bits.
fn big(v: &JsValue) -> Option<i128> {
    let text = js_sys::BigInt::from(v.clone()).to_string(10).ok()?;
    String::from(text).parse().ok()
}

/// An observation from JS objects: a `null` value is a missing measurement, NaN is refused.
pub(crate) fn observation(
    t: f64,
    metrics: Option<Obj<'_>>,
    checks: Option<Obj<'_>>,
) -> Result<core::policy::Observation> {
    let part = |v: Option<JsValue>| v.filter(opt).map(serde_wasm_bindgen::Deserializer::from);
    core::policy::Observation::from_parts(t, part(metrics), part(checks)).map_err(err)
}

/// Refuses keys an argument object does not have, naming them (serde-wasm-bindgen would drop
/// them silently: a misspelt `creator_share` would pay creators the default 75%).
pub(crate) fn known_keys(v: &JsValue, keys: &[&str], what: &str) -> Result<()> {
    if !v.is_object() {
        return Ok(());
    }
    for k in js_sys::Object::keys(v.unchecked_ref::<js_sys::Object>()).iter() {
        let k = k.as_string().unwrap_or_default();
        if !keys.contains(&k.as_str()) {
            return Err(arg(format!(
                "unknown {what} {k:?}: expected {}",
                keys.join(", ")
            )));
        }
    }
    Ok(())
}

pub(crate) fn opt(v: &JsValue) -> bool {
    !(v.is_undefined() || v.is_null())
}

/// A money argument as the decimal text the core parses: a string is itself, a bigint is
/// minor units of `currency`; anything else is a `TypeError` saying why (as in Node).
pub(crate) fn money(v: &Money<'_>, currency: &str, what: &str) -> Result<String> {
    if let Some(s) = v.as_string() {
        return Ok(s);
    }
    if v.is_bigint() {
        let minor = big(v).ok_or_else(|| {
            let why = format!("{what}: bigint does not fit in 128 bits");
            err(core::error::SplitError::InvalidAmount(why))
        })?;
        return Ok(core::money::minor_units_text(minor, currency));
    }
    let got = match v.is_null() {
        true => "null".to_string(),
        false => v.js_typeof().as_string().unwrap_or_default(),
    };
    Err(arg(core::money::not_money(what, &got)))
}

/// The ledger `new Ledger(options)` makes: a store URL is refused by the core here (the WASM
/// build has no store backends).
pub(crate) fn in_memory_ledger(store: Option<&str>) -> Result<core::store::DurableLedger> {
    core::store::DurableLedger::new(store).map_err(err)
}

/// The deployment `new Deployment(...)` makes: likewise.
pub(crate) fn in_memory_deployment(
    setup: core::deployment::Setup,
    store: Option<&str>,
) -> Result<core::deployment::Deployment> {
    core::deployment::Deployment::in_store(setup, store).map_err(err)
}

/// An Unleash context argument (absent: the empty context); a wrong shape is
/// `flags/invalid_context`. Without `currentTime`, the date constraints read JavaScript's clock
/// (the core has none in WASM).
pub(crate) fn unleash_context(v: Option<Obj<'_>>) -> Result<core::unleash::Context> {
    let mut ctx: core::unleash::Context = match present(v) {
        Some(o) => obj_as(o, core::error::FlagError::InvalidContext)?,
        None => Default::default(),
    };
    if ctx.current_time.is_none() {
        ctx.current_time = js_sys::Date::new_0().to_iso_string().as_string();
    }
    Ok(ctx)
}
