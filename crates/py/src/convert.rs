//! The one conversion module: Python values in, core types through serde, errors out.

use liberation_gates as core;
use liberation_gates::audit::Paid;
use liberation_gates::money::Money;
use liberation_gates::policy::Format;
use liberation_gates::split::CreatorInput;
use liberation_gates::Num;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyModule, PyString};
use pythonize::Depythonizer;
use std::borrow::Cow;

// ---------------------------------------------------------------------------------------
// Errors: the one conversion.

pub(crate) static ERRORS: PyOnceLock<Py<PyModule>> = PyOnceLock::new();

/// Turns any core error into the Python exception of its family, with `.kind`.
pub(crate) fn err(e: impl Into<core::Error>) -> PyErr {
    let e: core::Error = e.into();
    Python::attach(|py| {
        let module = ERRORS.get_or_try_init(py, || {
            py.import("liberation_gates.errors").map(Bound::unbind)
        })?;
        let class = match (e.kind(), e.family()) {
            ("call_rejected", _) => "CircuitOpenError",
            (_, "split") => "SplitError",
            (_, "threshold") => "ThresholdError",
            (_, "window_rate") => "WindowError",
            (_, "breaker") => "BreakerError",
            (_, "governance") => "GovernanceError",
            (_, "flags") => "FlagError",
            (_, "policy") => "PolicyError",
            (_, "health") => "HealthError",
            (_, "rollout") => "RolloutError",
            (_, "bucket") => "BucketError",
            (_, "store") => "StoreError",
            (_, "deployment") => "DeploymentError",
            _ => "LiberationGatesError",
        };
        let exc = module
            .bind(py)
            .getattr(class)?
            .call1((e.kind(), e.message(), e.line()))?;
        Ok::<_, PyErr>(PyErr::from_value(exc))
    })
    .unwrap_or_else(|import_failed| import_failed)
}

/// A core result as a Python class (see `holds!`) or a Python exception.
pub(crate) fn wrap<T, U: Into<T>, E: Into<core::Error>>(r: Result<U, E>) -> PyResult<T> {
    r.map(Into::into).map_err(err)
}

// ---------------------------------------------------------------------------------------
// Conversions in.

/// A money argument as the decimal string the core parses. `int` is minor units of
/// `currency`; `float` and `bool` are refused.
pub(crate) fn money_text(ob: &Bound<'_, PyAny>, currency: &str, what: &str) -> PyResult<String> {
    if ob.is_instance_of::<PyBool>() || ob.is_instance_of::<PyFloat>() {
        return Err(PyTypeError::new_err(format!(
            "{what} must be a str, decimal.Decimal or int minor units, not {}: a binary float cannot hold an amount of money exactly",
            ob.get_type().name()?
        )));
    }
    if ob.is_instance_of::<PyInt>() {
        let Ok(minor) = ob.extract::<i128>() else {
            return Err(err(core::error::SplitError::InvalidAmount(format!(
                "{what} does not fit in 128 bits of minor units"
            ))));
        };
        // The currency is checked first by the core; an unknown one leaves the text as it is.
        return Ok(core::money::minor_units_text(minor, currency));
    }
    decimal_text(ob, what)
}

/// A decimal argument (`str` or `decimal.Decimal`; `int` as a whole number) as text.
pub(crate) fn decimal_text(ob: &Bound<'_, PyAny>, what: &str) -> PyResult<String> {
    if ob.is_instance_of::<PyBool>() || ob.is_instance_of::<PyFloat>() {
        return Err(PyTypeError::new_err(format!(
            "{what} must be a str, decimal.Decimal or int, not {}: a binary float is not an exact decimal",
            ob.get_type().name()?
        )));
    }
    if let Ok(s) = ob.cast::<PyString>() {
        return Ok(s.to_cow()?.into_owned());
    }
    if ob.is_instance_of::<PyInt>() {
        return Ok(ob.str()?.to_string());
    }
    if ob.is_instance(decimal_class(ob.py())?)? {
        // Fixed-point form: Decimal("1E+3") is written "1000".
        return ob
            .py()
            .import("builtins")?
            .getattr("format")?
            .call1((ob, "f"))?
            .extract();
    }
    Err(PyTypeError::new_err(format!(
        "{what} must be a str, decimal.Decimal or int, not {}",
        ob.get_type().name()?
    )))
}

/// [`money_text`], a `str` lent rather than copied (what `split()` reads on every call).
pub(crate) fn money_str<'a>(
    ob: &'a Bound<'_, PyAny>,
    currency: &str,
    what: &str,
) -> PyResult<Cow<'a, str>> {
    match ob.cast::<PyString>() {
        Ok(s) => Ok(Cow::Borrowed(s.to_str()?)),
        Err(_) => money_text(ob, currency, what).map(Cow::Owned),
    }
}

/// [`decimal_text`], a `str` lent rather than copied.
pub(crate) fn decimal_str<'a>(ob: &'a Bound<'_, PyAny>, what: &str) -> PyResult<Cow<'a, str>> {
    match ob.cast::<PyString>() {
        Ok(s) => Ok(Cow::Borrowed(s.to_str()?)),
        Err(_) => decimal_text(ob, what).map(Cow::Owned),
    }
}

/// An optional argument given, Python's `None` being not given.
pub(crate) fn given<'a, 'py>(ob: Opt<'a, 'py>) -> Opt<'a, 'py> {
    ob.filter(|o| !o.is_none())
}

pub(crate) fn opt_decimal(ob: Opt<'_, '_>, what: &str) -> PyResult<Option<String>> {
    given(ob).map(|o| decimal_text(o, what)).transpose()
}

/// A count or number as the core's `Num` (`bool` refused).
pub(crate) fn num(ob: &Bound<'_, PyAny>, what: &str) -> PyResult<Num> {
    if ob.is_instance_of::<PyBool>() {
        return Err(PyTypeError::new_err(format!(
            "{what} must be a number, not bool"
        )));
    }
    if ob.is_instance_of::<PyInt>() {
        // Beyond 128 bits a count is outside any range the core accepts: the core reports it.
        return Ok(ob
            .extract::<i128>()
            .map(Num::Int)
            .unwrap_or(Num::Float(f64::INFINITY)));
    }
    ob.extract::<f64>().map(Num::Float).map_err(|_| {
        PyTypeError::new_err(format!(
            "{what} must be a number, not {}",
            ob.get_type()
                .name()
                .map(|n| n.to_string())
                .unwrap_or_default()
        ))
    })
}

/// Creators as `[(id, weight)]`, `[{"id": .., "weight": ..}]` or `{id: weight}`.
pub(crate) fn parse_creators(ob: &Bound<'_, PyAny>) -> PyResult<Vec<CreatorInput>> {
    creator_objects(ob)?
        .into_iter()
        .map(|(id, w)| {
            Ok(CreatorInput {
                id: id.to_cow()?.into_owned(),
                weight: decimal_text(&w, "weight")?,
            })
        })
        .collect()
}

/// The creators' ids (each checked to be a `str`) and weights as given, in order; every id
/// is checked before any weight is read.
pub(crate) fn creator_objects<'py>(ob: &Bound<'py, PyAny>) -> PyResult<Vec<IdAnd<'py>>> {
    match ob.cast::<PyDict>() {
        Ok(d) => d
            .iter()
            .map(|(id, w)| Ok((id_str(id, "creator")?, w)))
            .collect(),
        Err(_) => id_objects(ob, "creator", "weight"),
    }
}

/// What [`creator_objects`] holds, lent as text: ids and `str` weights borrowed, any other
/// weight written out.
pub(crate) fn creator_strs<'a>(held: &'a [IdAnd<'_>]) -> PyResult<Vec<(&'a str, Cow<'a, str>)>> {
    held.iter()
        .map(|(id, w)| Ok((id.to_str()?, decimal_str(w, "weight")?)))
        .collect()
}

/// Payouts as `[(id, amount)]` or `[{"id": .., "amount": ..}]`, amounts in `currency`.
pub(crate) fn parse_paid(ob: &Bound<'_, PyAny>, currency: &str) -> PyResult<Vec<Paid>> {
    let pairs = id_pairs(ob, "payout", "amount")?.into_iter();
    pairs
        .map(|(id, a)| {
            Ok(Paid {
                id,
                amount: money_text(&a, currency, "paid amount")?,
            })
        })
        .collect()
}

/// An id (a `str`) and the value that goes with it.
pub(crate) type IdAnd<'py> = (Bound<'py, PyString>, Bound<'py, PyAny>);

/// A list of `(id, value)` pairs or `{"id": .., key: ..}` mappings (each one a `what`).
fn id_pairs<'py>(
    ob: &Bound<'py, PyAny>,
    what: &str,
    key: &str,
) -> PyResult<Vec<(String, Bound<'py, PyAny>)>> {
    id_objects(ob, what, key)?
        .into_iter()
        .map(|(id, v)| Ok((id.to_cow()?.into_owned(), v)))
        .collect()
}

/// [`id_pairs`] with the ids kept as Python strings.
fn id_objects<'py>(ob: &Bound<'py, PyAny>, what: &str, key: &str) -> PyResult<Vec<IdAnd<'py>>> {
    let field = |d: &Bound<'py, PyDict>, k: &str| {
        let missing = || PyTypeError::new_err(format!("a {what} mapping needs \"{k}\""));
        d.get_item(k)?.ok_or_else(missing)
    };
    let shape = || format!("each {what} must be (id, {key}) or {{\"id\": .., \"{key}\": ..}}");
    let mut out = Vec::new();
    for item in ob.try_iter()? {
        let item = item?;
        let (id, v): (Bound<'py, PyAny>, Bound<'py, PyAny>) = match item.cast::<PyDict>() {
            Ok(d) => (field(d, "id")?, field(d, key)?),
            Err(_) => item.extract().map_err(|_| PyTypeError::new_err(shape()))?,
        };
        out.push((id_str(id, what)?, v));
    }
    Ok(out)
}

fn id_str<'py>(id: Bound<'py, PyAny>, what: &str) -> PyResult<Bound<'py, PyString>> {
    id.cast_into()
        .map_err(|_| PyTypeError::new_err(format!("a {what} id must be a str")))
}

pub(crate) fn format_arg(f: &str) -> PyResult<Format> {
    f.parse().map_err(err)
}

/// A Python object given as `json`-like data (dicts, lists, str, int, float, bool, None) read
/// straight into a core type through serde.
pub(crate) fn via_json<T: serde::de::DeserializeOwned>(
    ob: &Bound<'_, PyAny>,
    what: &str,
) -> PyResult<T> {
    pythonize::depythonize(ob).map_err(|e| PyValueError::new_err(format!("{what}: {e}")))
}

/// An optional argument read through serde by the core; `None` and Python's None are absent.
pub(crate) fn de<'a, 'py>(ob: Option<&'a Bound<'py, PyAny>>) -> Option<Depythonizer<'a, 'py>> {
    given(ob).map(Depythonizer::from_object)
}

// Conversions out.

/// An optional Python argument (`None` as Rust's, or Python's None where the reader says so).
pub(crate) type Opt<'a, 'py> = Option<&'a Bound<'py, PyAny>>;

/// A Python object going out (or the exception raised instead).
pub(crate) type Out<'py> = PyResult<Bound<'py, PyAny>>;

/// `decimal.Decimal`, imported once.
static DECIMAL: PyOnceLock<Py<pyo3::types::PyType>> = PyOnceLock::new();

pub(crate) fn decimal_class(py: Python<'_>) -> PyResult<&Bound<'_, pyo3::types::PyType>> {
    DECIMAL.import(py, "decimal", "Decimal")
}

/// An amount going out as a `decimal.Decimal` with exactly the currency's digits.
pub(crate) struct Dec(Money);

impl<'py> IntoPyObject<'py> for Dec {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;
    /// `Decimal(text)`, the text written on the stack by the core (`rust_decimal`'s own
    /// conversion formats through a `String` first).
    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        decimal_class(py)?.call1((PyString::new(py, &self.0.text()),))
    }
}

pub(crate) fn dec(m: Money) -> Dec {
    Dec(m)
}

pub(crate) fn to_py<'py, T: serde::Serialize>(py: Python<'py>, v: &T) -> Out<'py> {
    pythonize::pythonize(py, v).map_err(|e| PyValueError::new_err(e.to_string()))
}
