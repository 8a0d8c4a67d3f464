//! Numbers as they arrive from JSON, Python or JavaScript, before they become counts.
//!
//! SPEC: "A count (a size, a number of calls or requests) must be a whole number; an integral
//! JSON number such as `2.0` counts as 2." [`Num`] carries either form to the core, and
//! [`Num::as_count`] is the one place that decides what is a count.

use serde::{Deserialize, Serialize};

/// A number that may be an integer or a double, as JSON and dynamic languages hand it over.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Num {
    /// An integer (JSON `2`, Python `int`, JS `bigint`).
    Int(i128),
    /// A double (JSON `2.0`, Python `float`, JS `number`).
    Float(f64),
}

/// A number in a file: JSON's `number` (a whole one where a count is needed; the readers
/// say so).
impl schemars::JsonSchema for Num {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Num".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "number" })
    }
}

/// Largest double below which every integer is exactly representable (2^53).
const EXACT_F64_INT: f64 = 9_007_199_254_740_992.0;

impl Num {
    /// The value as a whole, non-negative count, or `None` (negative, fractional, NaN,
    /// infinite, or beyond `u64`). `2.0` is 2.
    pub fn as_count(self) -> Option<u64> {
        match self {
            Num::Int(i) => u64::try_from(i).ok(),
            Num::Float(f) => {
                if f.is_finite() && f >= 0.0 && f.fract() == 0.0 && f <= EXACT_F64_INT {
                    Some(f as u64)
                } else {
                    None
                }
            }
        }
    }

    /// A number given where SPEC wants an exact decimal string (a weight, a creator share, a
    /// quorum), as the text the core's decimal parser reads. A whole number below 2^53 is its
    /// digits (`2` → `"2"`): exact in any language. Anything else — `0.8`, `NaN`, `Infinity`
    /// — is not a decimal string (SPEC's conventions): it becomes text no decimal parser
    /// accepts, naming what was given, so the field reports its own invalid-value error
    /// (`invalid_share`, `invalid_weight`, `invalid_quorum`) rather than a binary float being
    /// taken as an exact ratio.
    pub fn exact_text(f: f64) -> String {
        if f.is_finite() && f.fract() == 0.0 && f.abs() < EXACT_F64_INT {
            format!("{}", f as i64)
        } else {
            format!("{f} (a binary floating-point number, not a decimal string such as \"0.8\")")
        }
    }

    /// The value as a double (integers beyond 2^53 lose precision).
    pub fn as_f64(self) -> f64 {
        match self {
            Num::Int(i) => i as f64,
            Num::Float(f) => f,
        }
    }
}

macro_rules! num_from_int {
    ($($t:ty),*) => { $( impl From<$t> for Num { fn from(v: $t) -> Self { Num::Int(v as i128) } } )* };
}
num_from_int!(u8, u16, u32, u64, usize, i8, i16, i32, i64, isize);

impl From<i128> for Num {
    fn from(v: i128) -> Self {
        Num::Int(v)
    }
}

impl From<f64> for Num {
    fn from(v: f64) -> Self {
        Num::Float(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_accept_integral_doubles_and_refuse_the_rest() {
        assert_eq!(Num::Float(2.0).as_count(), Some(2));
        assert_eq!(Num::exact_text(2.0), "2");
        assert_eq!(Num::exact_text(-3.0), "-3");
        assert!(Num::exact_text(0.8).starts_with("0.8 (a binary"));
        assert!(Num::exact_text(f64::NAN).starts_with("NaN"));
        assert_eq!(Num::Int(7).as_count(), Some(7));
        assert_eq!(Num::Float(2.5).as_count(), None);
        assert_eq!(Num::Float(-1.0).as_count(), None);
        assert_eq!(Num::Int(-1).as_count(), None);
        assert_eq!(Num::Float(f64::NAN).as_count(), None);
        assert_eq!(Num::Float(f64::INFINITY).as_count(), None);
        assert_eq!(Num::Float(1e300).as_count(), None);
    }
}

/// Deserializes any JSON document and fails on an object that gives a key twice (serde_json
/// keeps the last one silently). Used to check policy and plan files before reading them.
#[derive(Debug, Clone, Copy)]
pub struct NoDuplicateKeys;

impl<'de> Deserialize<'de> for NoDuplicateKeys {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(NoDuplicateKeysVisitor)
    }
}

struct NoDuplicateKeysVisitor;

impl<'de> serde::de::Visitor<'de> for NoDuplicateKeysVisitor {
    type Value = NoDuplicateKeys;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(NoDuplicateKeys)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(NoDuplicateKeys)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(NoDuplicateKeys)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(NoDuplicateKeys)
    }
    fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
        Ok(NoDuplicateKeys)
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(NoDuplicateKeys)
    }
    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(NoDuplicateKeys)
    }
    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        NoDuplicateKeys::deserialize(d)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<NoDuplicateKeys>()?.is_some() {}
        Ok(NoDuplicateKeys)
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut m: A) -> Result<Self::Value, A::Error> {
        let mut seen = std::collections::HashSet::new();
        while let Some(k) = m.next_key::<String>()? {
            if !seen.insert(k.clone()) {
                return Err(serde::de::Error::custom(format!(
                    "key {k:?} is given twice"
                )));
            }
            m.next_value::<NoDuplicateKeys>()?;
        }
        Ok(NoDuplicateKeys)
    }
}
