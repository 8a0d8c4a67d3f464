//! The one conversion module: JS values in, core types through serde, errors out.

use liberation_gates as core;
use liberation_gates::Num;
use napi::bindgen_prelude::{BigInt, Either};
use serde_json::Value;

pub(crate) type Result<T> = napi::Result<T, String>;

/// The one error conversion: status `family/kind`, reason the core's sentence.
pub(crate) fn err(e: impl Into<core::Error>) -> napi::Error<String> {
    let e: core::Error = e.into();
    let at = e.line().map(|n| format!(":{n}")).unwrap_or_default();
    napi::Error::new(format!("{}/{}{at}", e.family(), e.kind()), e.message())
}

/// A non-core argument problem (a wrong shape), thrown as `InvalidArg`.
pub(crate) fn arg(msg: impl Into<String>) -> napi::Error<String> {
    napi::Error::new("InvalidArg".to_string(), msg.into())
}

// The argument types the shared surface (`src/surface/`) is written against; WASM defines the
// same names over `JsValue`.

/// A string argument.
pub(crate) type Text = String;
/// An object argument, read through serde.
pub(crate) type Obj<'a> = napi::bindgen_prelude::Object<'a>;
/// Money: a decimal string, or a bigint of minor units (see [`money`]).
pub(crate) type Money<'a> = napi::bindgen_prelude::Unknown<'a>;
/// A count: a number, or a bigint.
pub(crate) type Count = Either<f64, BigInt>;
/// An exact decimal: a string, or a whole JS number.
pub(crate) type Exact = Either<String, f64>;
/// A value going out as a plain JS object.
pub(crate) type Out = Value;
/// A split in minor units going out (bigints, which a JSON value cannot hold).
pub(crate) type MinorOut = MinorSplitObject;

/// A split in minor units, every amount a bigint.
#[napi_derive::napi(object)]
pub struct MinorSplitObject {
    pub creators: Vec<BigInt>,
    pub creator_total: BigInt,
    pub platform: BigInt,
    pub fee: BigInt,
}

/// `parts` and each creator's minor units as JS bigints.
pub(crate) fn minor_split(parts: core::split::SplitMinor, creators: &[u128]) -> Result<MinorOut> {
    Ok(MinorSplitObject {
        creators: creators.iter().map(|&u| BigInt::from(u)).collect(),
        creator_total: parts.creator_total.into(),
        platform: parts.platform.into(),
        fee: parts.fee.into(),
    })
}

/// A money argument as the decimal text the core parses: a string is itself, a bigint is
/// minor units of `currency`; anything else is a TypeError saying why (as in WASM).
pub(crate) fn money(v: &Money<'_>, currency: &str, what: &str) -> Result<String> {
    let napi = |e: napi::Error| arg(format!("{what}: {}", e.reason));
    // SAFETY: each cast reads the type `get_type` reported, as `Unknown::cast` requires.
    match v.get_type().map_err(napi)? {
        napi::ValueType::String => unsafe { v.cast::<String>() }.map_err(napi),
        napi::ValueType::BigInt => {
            let (minor, lossless) = unsafe { v.cast::<BigInt>() }.map_err(napi)?.get_i128();
            if !lossless {
                return Err(err(core::error::SplitError::InvalidAmount(format!(
                    "{what}: bigint does not fit in 128 bits"
                ))));
            }
            Ok(core::money::minor_units_text(minor, currency))
        }
        other => {
            let got = format!("{other:?}").to_lowercase();
            Err(arg(core::money::not_money(what, &got)))
        }
    }
}

/// An optional object argument as given (napi already reads `undefined` and `null` as none).
pub(crate) fn present(v: Option<Obj<'_>>) -> Option<Obj<'_>> {
    v
}

pub(crate) fn text(v: &Text, _what: &str) -> Result<String> {
    Ok(v.clone())
}

pub(crate) fn opt_text(v: Option<Text>, _what: &str) -> Result<Option<String>> {
    Ok(v)
}

/// An object argument read into a core type through napi's serde deserializer (so a NaN
/// reaches the core and is refused there); a wrong shape is `InvalidArg` naming `what`.
pub(crate) fn obj<T: serde::de::DeserializeOwned>(v: Obj<'_>, what: &str) -> Result<T> {
    T::deserialize(&mut napi::De::new(&v)).map_err(|e| arg(format!("{what}: {e}")))
}

/// An object argument read into a core type; a wrong shape is the core error `kind` makes of
/// the message.
pub(crate) fn obj_as<T: serde::de::DeserializeOwned, E: Into<core::Error>>(
    v: Obj<'_>,
    kind: impl FnOnce(String) -> E,
) -> Result<T> {
    T::deserialize(&mut napi::De::new(&v)).map_err(|e| err(kind(e.to_string())))
}

pub(crate) fn opt_obj<T: serde::de::DeserializeOwned>(
    v: Option<Obj<'_>>,
    what: &str,
) -> Result<Option<T>> {
    v.map(|o| obj(o, what)).transpose()
}

/// An exact decimal as text: a string is itself, a number goes through `Num::exact_text` (a
/// whole number only).
pub(crate) fn exact(v: &Exact, _what: &str) -> Result<String> {
    Ok(match v {
        Either::A(s) => s.clone(),
        Either::B(f) => Num::exact_text(*f),
    })
}

/// A core value as a JS object, with JavaScript's camelCase field names (`casing`).
pub(crate) fn out<T: serde::Serialize>(v: &T) -> Result<Out> {
    serde_json::to_value(core::casing::CamelCase(v)).map_err(|e| arg(e.to_string()))
}

/// A JSON document going out as it is (no renaming: a schema's keys are data).
pub(crate) fn json_out(v: serde_json::Value) -> Result<Out> {
    Ok(v)
}

pub(crate) fn count(x: &Count) -> Num {
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

/// An observation read straight from the JS objects (through napi's serde deserializer, so a
/// NaN reaches the core and is refused there, as in every language).
pub(crate) fn observation(
    t: f64,
    metrics: Option<Obj<'_>>,
    checks: Option<Obj<'_>>,
) -> Result<core::policy::Observation> {
    let (mut m, mut c) = (
        metrics.as_ref().map(napi::De::new),
        checks.as_ref().map(napi::De::new),
    );
    core::policy::Observation::from_parts(t, m.as_mut(), c.as_mut()).map_err(err)
}

/// An Unleash context argument (absent: the empty context); a wrong shape is
/// `flags/invalid_context`.
pub(crate) fn unleash_context(v: Option<Obj<'_>>) -> Result<core::unleash::Context> {
    v.map_or_else(
        || Ok(Default::default()),
        |o| obj_as(o, core::error::FlagError::InvalidContext),
    )
}
