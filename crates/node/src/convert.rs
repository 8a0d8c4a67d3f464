//! The one conversion module: JS values in, core types through serde, errors out.

use liberation_gates as core;
use liberation_gates::policy::Format;
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

// Conversions in ----------------------------------------------------------------------------

pub(crate) fn money_text(m: &Either<String, BigInt>, currency: &str) -> Result<String> {
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
pub(crate) fn exact_text(x: &Either<String, f64>) -> String {
    match x {
        Either::A(s) => s.clone(),
        Either::B(f) => Num::exact_text(*f),
    }
}

pub(crate) fn json<T: serde::de::DeserializeOwned>(
    v: Value,
    what: &str,
) -> std::result::Result<T, String> {
    serde_json::from_value(v).map_err(|e| format!("{what}: {e}"))
}

/// A JS object read into a core type through napi's serde deserializer; a wrong shape is
/// `InvalidArg` naming `what`.
pub(crate) fn from_object<T: serde::de::DeserializeOwned>(
    obj: &napi::bindgen_prelude::Object<'_>,
    what: &str,
) -> Result<T> {
    T::deserialize(&mut napi::De::new(obj)).map_err(|e| arg(format!("{what}: {e}")))
}

pub(crate) fn format_arg(f: &str) -> Result<Format> {
    f.parse().map_err(err)
}

/// A core value as a JS object, with JavaScript's camelCase field names (`casing`).
pub(crate) fn to_value<T: serde::Serialize>(v: &T) -> Result<Value> {
    serde_json::to_value(core::casing::CamelCase(v)).map_err(|e| arg(e.to_string()))
}
