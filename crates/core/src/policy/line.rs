//! Reading an observation line straight into an evaluator's slots (issue 19): no map and no
//! allocation when the line gives only names the policy reads. Anything else — a name the
//! policy does not read, a name or key given twice, a value of the wrong type, a key other
//! than `t`, `metrics` and `checks`, text that is not JSON — is left to the general reader
//! ([`Observation::from_json`](super::Observation::from_json)), which makes the same
//! observation of a valid line and words the error of an invalid one. So this is only ever a
//! faster way to the same result.

use super::NameMap;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use std::fmt;

/// The slots of one kind of input (metrics or checks): where each name the policy reads
/// goes, this line's values, and which names the line has given (to refuse one given twice).
pub(super) struct Table<'a, T> {
    pub(super) index: &'a NameMap<usize>,
    pub(super) values: &'a mut [Option<T>],
    pub(super) seen: &'a mut [bool],
}

/// Fills `metrics` and `checks` from `line` and returns its `t`; `None` leaves the line to
/// the general reader (the tables may then hold anything: the caller refills them).
pub(super) fn read(line: &str, metrics: Table<'_, f64>, checks: Table<'_, bool>) -> Option<f64> {
    let (mut metrics, mut checks) = (metrics, checks);
    for t in [&mut metrics.seen[..], &mut checks.seen[..]] {
        t.fill(false);
    }
    metrics.values.fill(None);
    checks.values.fill(None);
    let mut d = serde_json::Deserializer::from_str(line);
    let t = d.deserialize_map(Line {
        metrics: &mut metrics,
        checks: &mut checks,
    });
    t.ok().filter(|_| d.end().is_ok())
}

/// Any reason to leave a line to the general reader (it gives the real message).
fn general<E: de::Error>() -> E {
    E::custom("left to the general reader")
}

/// The line's keys.
#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "lowercase")]
enum Key {
    T,
    Metrics,
    Checks,
}

struct Line<'l, 'a> {
    metrics: &'l mut Table<'a, f64>,
    checks: &'l mut Table<'a, bool>,
}

impl<'de> Visitor<'de> for Line<'_, '_> {
    type Value = f64;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an observation {t, metrics, checks}")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<f64, A::Error> {
        let (mut t, mut metrics, mut checks) = (None, false, false);
        while let Some(key) = m.next_key::<Key>()? {
            match key {
                Key::T if t.is_none() => t = Some(m.next_value::<f64>()?),
                Key::Metrics if !metrics => {
                    metrics = true;
                    m.next_value_seed(&mut *self.metrics)?;
                }
                Key::Checks if !checks => {
                    checks = true;
                    m.next_value_seed(&mut *self.checks)?;
                }
                _ => return Err(general()),
            }
        }
        t.ok_or_else(general)
    }
}

impl<'de, T: Deserialize<'de>> DeserializeSeed<'de> for &mut Table<'_, T> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, T: Deserialize<'de>> Visitor<'de> for &mut Table<'_, T> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object of names to values")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<(), A::Error> {
        while let Some(i) = m.next_key_seed(Slot(self.index))? {
            if std::mem::replace(&mut self.seen[i], true) {
                return Err(general());
            }
            self.values[i] = m.next_value::<Option<T>>()?;
        }
        Ok(())
    }
}

/// A name's slot; a name the policy does not read is left to the general reader.
struct Slot<'a>(&'a NameMap<usize>);

impl<'de> DeserializeSeed<'de> for Slot<'_> {
    type Value = usize;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<usize, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Slot<'_> {
    type Value = usize;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a name")
    }
    fn visit_str<E: de::Error>(self, name: &str) -> Result<usize, E> {
        self.0.get(name).copied().ok_or_else(general)
    }
}
