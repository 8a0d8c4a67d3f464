//! JavaScript's key casing for core values: [`CamelCase`] serialises any value with every
//! struct field name in camelCase (`creator_total` → `creatorTotal`), so Node and WASM hand
//! back the same objects, with the same keys, as the core's own types.
//!
//! Only struct field names change. Map keys (metric, check, breaker and creator names) are
//! names a user chose and pass through untouched, as do enum values (`"half_open"` is a
//! value the SPEC names, not a key). A `#[serde(flatten)]`ed struct reaches a serializer as
//! map entries, so its fields keep their names; the core flattens only one-word fields.
//!
//! The other way, the input types a JS object becomes (breaker configs, rollout steps,
//! burn-rate rules) accept each multi-word field under its camelCase name too, through a
//! serde `alias`, so what Node and WASM hand out can be handed back.
//!
//! ```
//! use liberation_gates::casing::CamelCase;
//! use std::collections::BTreeMap;
//!
//! #[derive(serde::Serialize)]
//! struct Report { creator_total: &'static str, by_metric: BTreeMap<&'static str, u32> }
//!
//! let r = Report { creator_total: "7.50", by_metric: BTreeMap::from([("error_rate", 1)]) };
//! let json = serde_json::to_string(&CamelCase(&r)).unwrap();
//! assert_eq!(json, r#"{"creatorTotal":"7.50","byMetric":{"error_rate":1}}"#);
//! ```

use parking_lot::Mutex;
use serde::ser::{self, Serializer};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::OnceLock;

/// A value serialised with camelCase struct field names (see the module docs).
#[derive(Debug)]
pub struct CamelCase<'a, T: ?Sized>(pub &'a T);

impl<T: Serialize + ?Sized> Serialize for CamelCase<'_, T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(Camel(s))
    }
}

/// `snake_case` → `camelCase`, as a `'static` name: serde wants field names to live forever.
/// Each distinct field name is converted and kept once (there are as many as the program's
/// struct fields), so this never grows with the data.
fn camel(name: &'static str) -> &'static str {
    if !name.contains('_') {
        return name;
    }
    static NAMES: OnceLock<Mutex<HashMap<&'static str, &'static str>>> = OnceLock::new();
    let mut names = NAMES.get_or_init(Default::default).lock();
    names.entry(name).or_insert_with(|| {
        let mut out = String::with_capacity(name.len());
        let mut upper = false;
        for c in name.chars() {
            match c {
                '_' if !out.is_empty() => upper = true,
                _ if upper => {
                    out.extend(c.to_uppercase());
                    upper = false;
                }
                _ => out.push(c),
            }
        }
        Box::leak(out.into_boxed_str())
    })
}

/// The serializer adapter: delegates everything, renaming struct fields and wrapping every
/// nested value so the renaming reaches all depths.
struct Camel<S>(S);

macro_rules! forward {
    ($($method:ident($($arg:ident: $ty:ty),*);)*) => {
        $(fn $method(self, $($arg: $ty),*) -> Result<S::Ok, S::Error> {
            self.0.$method($($arg),*)
        })*
    };
}

impl<S: Serializer> Serializer for Camel<S> {
    type Ok = S::Ok;
    type Error = S::Error;
    type SerializeSeq = Camel<S::SerializeSeq>;
    type SerializeTuple = Camel<S::SerializeTuple>;
    type SerializeTupleStruct = Camel<S::SerializeTupleStruct>;
    type SerializeTupleVariant = Camel<S::SerializeTupleVariant>;
    type SerializeMap = Camel<S::SerializeMap>;
    type SerializeStruct = Camel<S::SerializeStruct>;
    type SerializeStructVariant = Camel<S::SerializeStructVariant>;

    forward! {
        serialize_bool(v: bool); serialize_i8(v: i8); serialize_i16(v: i16);
        serialize_i32(v: i32); serialize_i64(v: i64); serialize_i128(v: i128);
        serialize_u8(v: u8); serialize_u16(v: u16); serialize_u32(v: u32);
        serialize_u64(v: u64); serialize_u128(v: u128); serialize_f32(v: f32);
        serialize_f64(v: f64); serialize_char(v: char); serialize_str(v: &str);
        serialize_bytes(v: &[u8]); serialize_none(); serialize_unit();
        serialize_unit_struct(name: &'static str);
        serialize_unit_variant(name: &'static str, index: u32, variant: &'static str);
    }

    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result<S::Ok, S::Error> {
        self.0.serialize_some(&CamelCase(v))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        v: &T,
    ) -> Result<S::Ok, S::Error> {
        self.0.serialize_newtype_struct(name, &CamelCase(v))
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        v: &T,
    ) -> Result<S::Ok, S::Error> {
        self.0
            .serialize_newtype_variant(name, index, variant, &CamelCase(v))
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<Self::SerializeSeq, S::Error> {
        self.0.serialize_seq(len).map(Camel)
    }
    fn serialize_tuple(self, len: usize) -> Result<Self::SerializeTuple, S::Error> {
        self.0.serialize_tuple(len).map(Camel)
    }
    fn serialize_tuple_struct(
        self,
        name: &'static str,
        len: usize,
    ) -> Result<Self::SerializeTupleStruct, S::Error> {
        self.0.serialize_tuple_struct(name, len).map(Camel)
    }
    fn serialize_tuple_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self::SerializeTupleVariant, S::Error> {
        self.0
            .serialize_tuple_variant(name, index, variant, len)
            .map(Camel)
    }
    fn serialize_map(self, len: Option<usize>) -> Result<Self::SerializeMap, S::Error> {
        self.0.serialize_map(len).map(Camel)
    }
    fn serialize_struct(
        self,
        name: &'static str,
        len: usize,
    ) -> Result<Self::SerializeStruct, S::Error> {
        self.0.serialize_struct(name, len).map(Camel)
    }
    fn serialize_struct_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self::SerializeStructVariant, S::Error> {
        self.0
            .serialize_struct_variant(name, index, variant, len)
            .map(Camel)
    }
    fn is_human_readable(&self) -> bool {
        self.0.is_human_readable()
    }
}

/// The element-wise compound serializers: values wrapped, names kept.
macro_rules! elements {
    ($($trait:ident :: $method:ident;)*) => {
        $(impl<S: ser::$trait> ser::$trait for Camel<S> {
            type Ok = S::Ok;
            type Error = S::Error;
            fn $method<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), S::Error> {
                self.0.$method(&CamelCase(v))
            }
            fn end(self) -> Result<S::Ok, S::Error> {
                self.0.end()
            }
        })*
    };
}

elements! {
    SerializeSeq::serialize_element;
    SerializeTuple::serialize_element;
    SerializeTupleStruct::serialize_field;
    SerializeTupleVariant::serialize_field;
}

impl<S: ser::SerializeMap> ser::SerializeMap for Camel<S> {
    type Ok = S::Ok;
    type Error = S::Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, k: &T) -> Result<(), S::Error> {
        self.0.serialize_key(k)
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), S::Error> {
        self.0.serialize_value(&CamelCase(v))
    }
    fn end(self) -> Result<S::Ok, S::Error> {
        self.0.end()
    }
}

/// The struct serializers: each field renamed, its value wrapped.
macro_rules! fields {
    ($($trait:ident;)*) => {
        $(impl<S: ser::$trait> ser::$trait for Camel<S> {
            type Ok = S::Ok;
            type Error = S::Error;
            fn serialize_field<T: Serialize + ?Sized>(
                &mut self,
                key: &'static str,
                v: &T,
            ) -> Result<(), S::Error> {
                self.0.serialize_field(camel(key), &CamelCase(v))
            }
            fn skip_field(&mut self, key: &'static str) -> Result<(), S::Error> {
                self.0.skip_field(camel(key))
            }
            fn end(self) -> Result<S::Ok, S::Error> {
                self.0.end()
            }
        })*
    };
}

fields! {
    SerializeStruct;
    SerializeStructVariant;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_names_change_and_map_keys_enum_values_do_not() {
        #[derive(Serialize)]
        #[serde(rename_all = "snake_case")]
        enum State {
            HalfOpen,
        }
        #[derive(Serialize)]
        #[serde(tag = "type", rename_all = "snake_case")]
        enum Event {
            Opened { at_seconds: u32 },
        }
        #[derive(Serialize)]
        struct Inner {
            slow_call_rate: Option<u32>,
        }
        #[derive(Serialize)]
        struct Outer {
            state: State,
            by_name: HashMap<&'static str, Inner>,
            events: Vec<Event>,
            last_inner: Option<Inner>,
            _private_ish: u8,
        }
        let v = Outer {
            state: State::HalfOpen,
            by_name: HashMap::from([(
                "payment_gateway",
                Inner {
                    slow_call_rate: Some(3),
                },
            )]),
            events: vec![Event::Opened { at_seconds: 9 }],
            last_inner: Some(Inner {
                slow_call_rate: None,
            }),
            _private_ish: 1,
        };
        assert_eq!(
            serde_json::to_value(CamelCase(&v)).unwrap(),
            serde_json::json!({
                "state": "half_open",
                "byName": {"payment_gateway": {"slowCallRate": 3}},
                "events": [{"type": "opened", "atSeconds": 9}],
                "lastInner": {"slowCallRate": null},
                "_privateIsh": 1,
            })
        );
    }
}
