//! `liberation_gates._native`: the pyo3 layer over `crates/core`.
//!
//! This crate converts types and errors and nothing else. Money arrives as `str`,
//! `decimal.Decimal` or `int` minor units and leaves as `Decimal`; a `float` is refused with a
//! `TypeError`. Every core error becomes the exception class of its family (defined in
//! `liberation_gates/errors.py`) with `.kind` equal to the core's kind, through the single
//! function [`err`]. No panic crosses into Python: pyo3 turns one into `PanicException`, and the
//! core is written so that none happens on any input.

use liberation_gates as core;
use liberation_gates::breaker::{BreakerConfig, Outcome};
use liberation_gates::clock::{Clock, SystemClock};
use liberation_gates::fallback::{Attribution, Unavailable};
use liberation_gates::governance::{ProposalStatus, VoteInput};
use liberation_gates::money::{Currency, Money};
use liberation_gates::policy::Format;
use liberation_gates::split::{CreatorInput, SplitInput};
use liberation_gates::Num;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pythonize::Depythonizer;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyModule, PyString, PyTuple};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::Instant;

// ---------------------------------------------------------------------------------------
// Errors: the one conversion.

static ERRORS: PyOnceLock<Py<PyModule>> = PyOnceLock::new();

/// Turns any core error into the Python exception of its family, with `.kind`.
fn err(e: impl Into<core::Error>) -> PyErr {
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

// ---------------------------------------------------------------------------------------
// Conversions in.

/// A money argument as the decimal string the core parses. `int` is minor units of
/// `currency`; `float` and `bool` are refused.
fn money_text(ob: &Bound<'_, PyAny>, currency: &str, what: &str) -> PyResult<String> {
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
fn decimal_text(ob: &Bound<'_, PyAny>, what: &str) -> PyResult<String> {
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
    let decimal = ob.py().import("decimal")?.getattr("Decimal")?;
    if ob.is_instance(&decimal)? {
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

fn opt_decimal(ob: Option<&Bound<'_, PyAny>>, what: &str) -> PyResult<Option<String>> {
    ob.filter(|o| !o.is_none())
        .map(|o| decimal_text(o, what))
        .transpose()
}

/// A count or number as the core's `Num` (`bool` refused).
fn num(ob: &Bound<'_, PyAny>, what: &str) -> PyResult<Num> {
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
fn parse_creators(ob: &Bound<'_, PyAny>) -> PyResult<Vec<CreatorInput>> {
    let one = |id: &Bound<'_, PyAny>, w: &Bound<'_, PyAny>| -> PyResult<CreatorInput> {
        Ok(CreatorInput {
            id: id
                .extract()
                .map_err(|_| PyTypeError::new_err("a creator id must be a str"))?,
            weight: decimal_text(w, "weight")?,
        })
    };
    if let Ok(d) = ob.cast::<PyDict>() {
        return d.iter().map(|(k, v)| one(&k, &v)).collect();
    }
    let mut out = Vec::new();
    for item in ob.try_iter()? {
        let item = item?;
        if let Ok(d) = item.cast::<PyDict>() {
            let id = d
                .get_item("id")?
                .ok_or_else(|| PyTypeError::new_err("a creator mapping needs \"id\""))?;
            let w = d
                .get_item("weight")?
                .ok_or_else(|| PyTypeError::new_err("a creator mapping needs \"weight\""))?;
            out.push(one(&id, &w)?);
        } else {
            let (id, w): (Bound<'_, PyAny>, Bound<'_, PyAny>) = item.extract().map_err(|_| {
                PyTypeError::new_err(
                    "each creator must be (id, weight) or {\"id\": .., \"weight\": ..}",
                )
            })?;
            out.push(one(&id, &w)?);
        }
    }
    Ok(out)
}

fn format_arg(f: &str) -> PyResult<Format> {
    f.parse().map_err(err)
}

/// A Python object given as `json`-like data (dicts, lists, str, int, float, bool, None) read
/// straight into a core type through serde.
fn via_json<T: serde::de::DeserializeOwned>(ob: &Bound<'_, PyAny>, what: &str) -> PyResult<T> {
    pythonize::depythonize(ob).map_err(|e| PyValueError::new_err(format!("{what}: {e}")))
}

// Conversions out.

fn dec(m: Money) -> Decimal {
    m.to_decimal()
}

fn to_py<'py, T: serde::Serialize>(py: Python<'py>, v: &T) -> PyResult<Bound<'py, PyAny>> {
    pythonize::pythonize(py, v).map_err(|e| PyValueError::new_err(e.to_string()))
}

// ---------------------------------------------------------------------------------------
// Money: split, refunds, ledger.

/// The result of a split. Amounts are `decimal.Decimal` with the currency's digits.
#[pyclass(frozen, module = "liberation_gates._native")]
struct Split {
    inner: core::split::Split,
}

#[pymethods]
impl Split {
    #[getter]
    fn currency(&self) -> &'static str {
        self.inner.currency.code()
    }
    #[getter]
    fn gross(&self) -> Decimal {
        dec(self.inner.gross)
    }
    /// Each creator's amount, in input order.
    #[getter]
    fn creators<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for p in &self.inner.creators {
            d.set_item(&p.id, dec(p.amount))?;
        }
        Ok(d)
    }
    #[getter]
    fn platform(&self) -> Decimal {
        dec(self.inner.platform)
    }
    #[getter]
    fn fee(&self) -> Decimal {
        dec(self.inner.fee)
    }
    #[getter]
    fn creator_total(&self) -> Decimal {
        dec(self.inner.creator_total)
    }
    #[getter]
    fn creator_share(&self) -> String {
        self.inner.creator_share.to_string()
    }
    #[getter]
    fn fee_mode(&self) -> &'static str {
        self.inner.fee_mode.as_str()
    }
    /// How the pool was divided: `"largest_remainder"`.
    #[getter]
    fn method(&self) -> &'static str {
        self.inner.method.as_str()
    }
    /// The split in the conformance vectors' shape: amounts as strings.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let s = &self.inner;
        to_py(
            py,
            &serde_json::json!({
                "creators": s.creators.iter().map(|p| serde_json::json!({"id": p.id, "amount": p.amount.to_string()})).collect::<Vec<_>>(),
                "platform": s.platform.to_string(),
                "fee": s.fee.to_string(),
                "creator_total": s.creator_total.to_string(),
            }),
        )
    }
    /// Balances to take refunds from.
    fn refundable(&self) -> Refundable {
        Refundable {
            inner: std::sync::Mutex::new(core::split::Refundable::new(&self.inner)),
        }
    }
    fn __repr__(&self) -> String {
        let c = self.inner.currency.code();
        let parts: Vec<String> = self
            .inner
            .creators
            .iter()
            .map(|p| format!("{}={}", p.id, p.amount))
            .collect();
        format!(
            "Split({c} {}: creators [{}], platform {}, fee {})",
            self.inner.gross,
            parts.join(", "),
            self.inner.platform,
            self.inner.fee
        )
    }
}

/// The core's split request from Python arguments (money and exact decimals converted).
fn split_input(
    gross: &Bound<'_, PyAny>,
    currency: &str,
    creators: &Bound<'_, PyAny>,
    creator_share: Option<&Bound<'_, PyAny>>,
    fee: Option<&Bound<'_, PyAny>>,
    fee_mode: Option<String>,
    step: Option<&Bound<'_, PyAny>>,
) -> PyResult<SplitInput> {
    let money = |m: Option<&Bound<'_, PyAny>>, what: &str| {
        m.filter(|m| !m.is_none())
            .map(|m| money_text(m, currency, what))
            .transpose()
    };
    Ok(SplitInput {
        gross: money_text(gross, currency, "gross")?,
        currency: currency.to_string(),
        creators: parse_creators(creators)?,
        creator_share: opt_decimal(creator_share, "creator_share")?,
        fee: money(fee, "fee")?,
        fee_mode,
        step: money(step, "step")?,
    })
}

/// Splits a payment: creators keep at least 75% (SPEC §1).
#[pyfunction]
#[pyo3(signature = (gross, currency, creators, *, creator_share=None, fee=None, fee_mode=None, step=None))]
#[allow(clippy::too_many_arguments)]
fn split(
    gross: &Bound<'_, PyAny>,
    currency: &str,
    creators: &Bound<'_, PyAny>,
    creator_share: Option<&Bound<'_, PyAny>>,
    fee: Option<&Bound<'_, PyAny>>,
    fee_mode: Option<String>,
    step: Option<&Bound<'_, PyAny>>,
) -> PyResult<Split> {
    let input = split_input(
        gross,
        currency,
        creators,
        creator_share,
        fee,
        fee_mode,
        step,
    )?;
    core::split::split(&input)
        .map(|inner| Split { inner })
        .map_err(err)
}

/// Unrefunded balances of one split.
#[pyclass(frozen, module = "liberation_gates._native")]
struct Refundable {
    inner: std::sync::Mutex<core::split::Refundable>,
}

fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[pymethods]
impl Refundable {
    /// Takes `amount` from the parties in proportion to their unrefunded balances. Returns
    /// `(creators: dict[str, Decimal], platform: Decimal)`.
    fn refund<'py>(
        &self,
        py: Python<'py>,
        amount: &Bound<'py, PyAny>,
    ) -> PyResult<(Bound<'py, PyDict>, Decimal)> {
        let mut r = lock(&self.inner);
        let code = r.remaining().currency().code();
        let text = money_text(amount, code, "amount")?;
        let refund = r.refund_str(&text).map_err(err)?;
        let d = PyDict::new(py);
        for p in &refund.creators {
            d.set_item(&p.id, dec(p.amount))?;
        }
        Ok((d, dec(refund.platform)))
    }
    /// What remains refundable.
    #[getter]
    fn remaining(&self) -> Decimal {
        dec(lock(&self.inner).remaining())
    }
    /// `(creators, platform)` balances.
    fn balances<'py>(&self, py: Python<'py>) -> PyResult<(Bound<'py, PyDict>, Decimal)> {
        let (c, p) = lock(&self.inner).balances();
        let d = PyDict::new(py);
        for x in &c {
            d.set_item(&x.id, dec(x.amount))?;
        }
        Ok((d, dec(p)))
    }
}

/// The ledger of splits and refunds, and its transparency report.
#[pyclass(module = "liberation_gates._native")]
struct Ledger {
    inner: LedgerKind,
}

/// A ledger in memory, or one kept in a durable store (behind a mutex only to make it
/// `Sync`; methods take `&mut self`, so it is never contended).
enum LedgerKind {
    Plain(core::ledger::Ledger),
    Durable(std::sync::Mutex<core::store::DurableLedger>),
}

impl Ledger {
    fn ledger(&mut self) -> &core::ledger::Ledger {
        match &mut self.inner {
            LedgerKind::Plain(l) => l,
            LedgerKind::Durable(d) => lock_mut(d).ledger(),
        }
    }
}

fn lock_mut<T>(m: &mut std::sync::Mutex<T>) -> &mut T {
    m.get_mut().unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[pymethods]
impl Ledger {
    /// An empty ledger in memory, or the ledger kept in `store` (`"sqlite:PATH"` or
    /// `"postgres://…"`), replayed from it; every record is then written there first.
    #[new]
    #[pyo3(signature = (store=None))]
    fn new(py: Python<'_>, store: Option<String>) -> PyResult<Self> {
        Ok(Ledger {
            inner: match store {
                None => LedgerKind::Plain(core::ledger::Ledger::new()),
                Some(url) => LedgerKind::Durable(std::sync::Mutex::new(
                    py.detach(|| core::store::DurableLedger::open(&url))
                        .map_err(err)?,
                )),
            },
        })
    }
    /// Reads a JSON-lines ledger (the GIL is released while parsing).
    #[staticmethod]
    fn from_jsonl(py: Python<'_>, text: String) -> PyResult<Ledger> {
        py.detach(|| core::ledger::Ledger::from_jsonl(&text))
            .map(|l| Ledger {
                inner: LedgerKind::Plain(l),
            })
            .map_err(err)
    }
    /// Computes and records a split.
    #[pyo3(signature = (id, t, gross, currency, creators, *, creator_share=None, fee=None, fee_mode=None))]
    #[allow(clippy::too_many_arguments)]
    fn record_split(
        &mut self,
        id: &str,
        t: f64,
        gross: &Bound<'_, PyAny>,
        currency: &str,
        creators: &Bound<'_, PyAny>,
        creator_share: Option<&Bound<'_, PyAny>>,
        fee: Option<&Bound<'_, PyAny>>,
        fee_mode: Option<String>,
    ) -> PyResult<Split> {
        let input = split_input(
            gross,
            currency,
            creators,
            creator_share,
            fee,
            fee_mode,
            None,
        )?;
        match &mut self.inner {
            LedgerKind::Plain(l) => l.record_split(id, t, &input).map_err(err),
            LedgerKind::Durable(d) => lock_mut(d).record_split(id, t, &input).map_err(err),
        }
        .map(|inner| Split { inner })
    }
    /// Refunds part of a recorded split and records it.
    fn record_refund(
        &mut self,
        id: &str,
        t: f64,
        split_id: &str,
        amount: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        let currency = self
            .ledger()
            .split_currency(split_id)
            .map_or("", |c| c.code());
        let text = money_text(amount, currency, "amount")?;
        match &mut self.inner {
            LedgerKind::Plain(l) => l
                .record_refund(id, t, split_id, &text)
                .map(|_| ())
                .map_err(err),
            LedgerKind::Durable(d) => lock_mut(d)
                .record_refund(id, t, split_id, &text)
                .map_err(err),
        }
    }
    /// Records a payout the payment system made: `amount` to `creator` for split `split_id`.
    fn record_payout(
        &mut self,
        id: &str,
        t: f64,
        split_id: &str,
        creator: &str,
        amount: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        let currency = self
            .ledger()
            .split_currency(split_id)
            .map_or("", |c| c.code());
        let text = money_text(amount, currency, "amount")?;
        match &mut self.inner {
            LedgerKind::Plain(l) => l
                .record_payout(id, t, split_id, creator, &text)
                .map(|_| ())
                .map_err(err),
            LedgerKind::Durable(d) => lock_mut(d)
                .record_payout(id, t, split_id, creator, &text)
                .map_err(err),
        }
    }
    /// Number of records.
    fn __len__(&mut self) -> usize {
        self.ledger().records().len()
    }
    /// The store's backend (`"sqlite"`, `"postgres"`), or None for a ledger in memory.
    #[getter]
    fn store_backend(&mut self) -> Option<&'static str> {
        match &mut self.inner {
            LedgerKind::Plain(_) => None,
            LedgerKind::Durable(d) => Some(lock_mut(d).store().backend()),
        }
    }
    /// The transparency report (`period`: "day", "month" or "all") as a dict; amounts as
    /// strings. The GIL is released while it is computed.
    #[pyo3(signature = (period="all"))]
    fn report<'py>(&mut self, py: Python<'py>, period: &str) -> PyResult<Bound<'py, PyAny>> {
        let p: core::ledger::Period = period.parse().map_err(err)?;
        let ledger = self.ledger();
        let r = py.detach(|| ledger.report(p));
        to_py(py, &r)
    }
    /// The report as CSV.
    #[pyo3(signature = (period="all"))]
    fn report_csv(&mut self, py: Python<'_>, period: &str) -> PyResult<String> {
        let p: core::ledger::Period = period.parse().map_err(err)?;
        let ledger = self.ledger();
        Ok(py.detach(|| ledger.report(p).to_csv()))
    }
    /// Creators' share of the base over `(now - window_seconds, now]` in `currency`.
    fn creator_share(
        &mut self,
        now: f64,
        window_seconds: f64,
        currency: &str,
    ) -> PyResult<Option<f64>> {
        let c = Currency::from_code(currency).map_err(err)?;
        Ok(self.ledger().creator_share(now, window_seconds, c))
    }
}

/// Append-only records with a checksum chain, and state, in a durable store.
#[pyclass(module = "liberation_gates._native")]
struct Store {
    /// Behind a mutex only to make it `Sync`; methods take `&mut self`.
    inner: std::sync::Mutex<Box<dyn core::store::Store>>,
}

fn stored_record<'py>(
    py: Python<'py>,
    r: &core::store::StoredRecord,
) -> PyResult<Bound<'py, PyAny>> {
    to_py(py, r)
}

#[pymethods]
impl Store {
    /// Opens `url` (`"memory:"`, `"sqlite:PATH"`, `"postgres://…"`) and verifies its history.
    #[new]
    fn new(py: Python<'_>, url: String) -> PyResult<Self> {
        py.detach(|| core::store::open(&url))
            .map(|inner| Store {
                inner: std::sync::Mutex::new(inner),
            })
            .map_err(err)
    }
    /// The backend's name.
    #[getter]
    fn backend(&mut self) -> &'static str {
        lock_mut(&mut self.inner).backend()
    }
    /// Appends a record (`body`: JSON text, or anything JSON can hold); returns it as a dict.
    fn append<'py>(
        &mut self,
        py: Python<'py>,
        stream: &str,
        id: &str,
        body: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        // Anything but text is written by `json.dumps` and stored as that text, never through
        // a JSON value that would turn an integer beyond 64 bits into a float (2**64 came
        // back as 1.8446744073709552e+19). NaN and infinities are not JSON: refused.
        let text = match body.cast::<PyString>() {
            Ok(s) => s.to_cow()?.into_owned(),
            Err(_) => {
                let kwargs = PyDict::new(py);
                kwargs.set_item("allow_nan", false)?;
                py.import("json")?
                    .getattr("dumps")?
                    .call((body,), Some(&kwargs))
                    .map_err(|e| {
                        err(core::error::StoreError::InvalidRecord(format!(
                            "body is not JSON: {e}"
                        )))
                    })?
                    .extract()?
            }
        };
        let inner = lock_mut(&mut self.inner);
        let r = py.detach(|| inner.append(stream, id, &text)).map_err(err)?;
        stored_record(py, &r)
    }
    /// The records of `stream` (every stream for None), oldest first.
    #[pyo3(signature = (stream=None))]
    fn records<'py>(
        &mut self,
        py: Python<'py>,
        stream: Option<&str>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let inner = lock_mut(&mut self.inner);
        let rs = py.detach(|| inner.records(stream)).map_err(err)?;
        to_py(py, &rs)
    }
    /// The record `id` of `stream`, or None.
    fn record<'py>(
        &mut self,
        py: Python<'py>,
        stream: &str,
        id: &str,
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        let inner = lock_mut(&mut self.inner);
        match py.detach(|| inner.record(stream, id)).map_err(err)? {
            Some(r) => stored_record(py, &r).map(Some),
            None => Ok(None),
        }
    }
    /// Recomputes the checksum chain; the number of records (StoreError `tampered` if broken).
    fn verify(&mut self, py: Python<'_>) -> PyResult<u64> {
        let inner = lock_mut(&mut self.inner);
        py.detach(|| inner.verify()).map_err(err)
    }
    /// Sets `key` to `value`.
    fn put_state(&mut self, py: Python<'_>, key: &str, value: &str) -> PyResult<()> {
        let inner = lock_mut(&mut self.inner);
        py.detach(|| inner.put_state(key, value)).map_err(err)
    }
    /// The value of `key`, or None.
    fn state(&mut self, py: Python<'_>, key: &str) -> PyResult<Option<String>> {
        let inner = lock_mut(&mut self.inner);
        py.detach(|| inner.state(key)).map_err(err)
    }
}

// ---------------------------------------------------------------------------------------
// Thresholds and windows.

/// Prometheus-style sustained condition (SPEC §2).
#[pyclass(module = "liberation_gates._native")]
struct Threshold {
    inner: core::threshold::Threshold,
}

#[pymethods]
impl Threshold {
    #[new]
    #[pyo3(signature = (op, threshold, for_seconds, *, keep_firing_for_seconds=0.0, max_gap_seconds=None))]
    fn new(
        op: &str,
        threshold: f64,
        for_seconds: f64,
        keep_firing_for_seconds: f64,
        max_gap_seconds: Option<f64>,
    ) -> PyResult<Self> {
        let rule = core::threshold::ThresholdRule {
            op: op.parse().map_err(err)?,
            threshold,
            for_seconds,
            keep_firing_for_seconds,
            max_gap_seconds,
        };
        core::threshold::Threshold::try_new(rule)
            .map(|inner| Threshold { inner })
            .map_err(err)
    }
    /// Feeds a sample; returns "inactive", "pending" or "firing". `value=None` is invalid_sample.
    fn observe(&mut self, t: f64, value: Option<f64>) -> PyResult<&'static str> {
        self.inner
            .observe_opt(t, value)
            .map(|s| s.as_str())
            .map_err(err)
    }
    #[getter]
    fn state(&self) -> &'static str {
        self.inner.state().as_str()
    }
}

/// `(current - baseline) / baseline`.
#[pyfunction]
fn degradation(current: f64, baseline: f64) -> PyResult<f64> {
    core::threshold::degradation(current, baseline).map_err(err)
}

/// Error rate over a sliding window of per-interval counts (SPEC §3).
#[pyclass(module = "liberation_gates._native")]
struct WindowRate {
    inner: core::window::WindowRate,
}

#[pymethods]
impl WindowRate {
    #[new]
    #[pyo3(signature = (window_seconds, min_requests=None))]
    fn new(window_seconds: f64, min_requests: Option<&Bound<'_, PyAny>>) -> PyResult<Self> {
        let min = match min_requests {
            Some(m) => num(m, "min_requests")?,
            None => Num::Int(0),
        };
        core::window::WindowRate::new(window_seconds, min)
            .map(|inner| WindowRate { inner })
            .map_err(err)
    }
    /// Adds one interval's counts; returns the rate, or None below min_requests.
    fn push(
        &mut self,
        t: f64,
        requests: &Bound<'_, PyAny>,
        errors: &Bound<'_, PyAny>,
    ) -> PyResult<Option<f64>> {
        self.inner
            .push(t, num(requests, "requests")?, num(errors, "errors")?)
            .map_err(err)
    }
    #[getter]
    fn rate(&self) -> Option<f64> {
        self.inner.rate()
    }
}

// ---------------------------------------------------------------------------------------
// Policy, simulation, plan, health, rollout.

/// A deployment-safety policy (SPEC §7).
#[pyclass(frozen, module = "liberation_gates._native")]
struct Policy {
    inner: core::policy::Policy,
}

#[pymethods]
impl Policy {
    /// The built-in liberation-safe policy.
    #[staticmethod]
    fn builtin() -> Self {
        Policy {
            inner: core::policy::Policy::builtin(),
        }
    }
    /// Reads a policy file (.toml, .yaml/.yml, .json).
    #[staticmethod]
    fn from_path(path: std::path::PathBuf) -> PyResult<Self> {
        core::policy::Policy::from_path(path)
            .map(|inner| Policy { inner })
            .map_err(err)
    }
    /// Parses policy text in `format` ("toml", "yaml" or "json").
    #[staticmethod]
    fn parse(text: &str, format: &str) -> PyResult<Self> {
        core::policy::Policy::parse(text, format_arg(format)?)
            .map(|inner| Policy { inner })
            .map_err(err)
    }
    /// Writes the policy in `format`.
    #[pyo3(signature = (format="toml"))]
    fn dumps(&self, format: &str) -> PyResult<String> {
        self.inner.to_string_as(format_arg(format)?).map_err(err)
    }
    /// Rule ids, in order.
    #[getter]
    fn rule_ids(&self) -> Vec<String> {
        self.inner.rules().iter().map(|r| r.id.clone()).collect()
    }
    /// `(metrics, checks)` the policy reads.
    fn inputs(&self) -> (Vec<String>, Vec<String>) {
        self.inner.inputs()
    }
    /// A fresh evaluator.
    fn evaluator(&self) -> Evaluator {
        Evaluator {
            inner: self.inner.evaluator(),
        }
    }
    /// Liberation rules behind a rollback decision (empty for a technical one).
    fn liberation_cause(&self, decision: &PolicyDecision) -> Vec<String> {
        self.inner.liberation_cause(&decision.inner)
    }
}

/// The decision after one observation.
#[pyclass(frozen, module = "liberation_gates._native")]
struct PolicyDecision {
    inner: core::policy::PolicyDecision,
}

#[pymethods]
impl PolicyDecision {
    #[getter]
    fn t(&self) -> f64 {
        self.inner.t
    }
    #[getter]
    fn action(&self) -> &'static str {
        self.inner.action.as_str()
    }
    #[getter]
    fn severity(&self) -> &'static str {
        self.inner.severity.as_str()
    }
    #[getter]
    fn reasons(&self) -> Vec<String> {
        self.inner.reasons.clone()
    }
    /// The community notification, as a dict, when the decision must reach the community.
    #[getter]
    fn notification<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        self.inner
            .notification
            .as_ref()
            .map(|n| to_py(py, n))
            .transpose()
    }
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner)
    }
    fn __repr__(&self) -> String {
        format!(
            "PolicyDecision(t={}, action={:?}, severity={:?}, reasons={:?})",
            self.inner.t,
            self.inner.action.as_str(),
            self.inner.severity.as_str(),
            self.inner.reasons
        )
    }
}

fn observation(
    t: f64,
    metrics: Option<&Bound<'_, PyAny>>,
    checks: Option<&Bound<'_, PyAny>>,
) -> PyResult<core::policy::Observation> {
    let (m, c) = (metrics.filter(|m| !m.is_none()), checks.filter(|c| !c.is_none()));
    let mut m = m.map(Depythonizer::from_object);
    let mut c = c.map(Depythonizer::from_object);
    core::policy::Observation::from_parts(t, m.as_mut(), c.as_mut()).map_err(err)
}

/// Evaluates a policy over observations in time order.
#[pyclass(module = "liberation_gates._native")]
struct Evaluator {
    inner: core::policy::Evaluator,
}

#[pymethods]
impl Evaluator {
    /// One observation; a metric or check given as None is missing.
    #[pyo3(signature = (t, metrics=None, checks=None))]
    fn observe(
        &mut self,
        t: f64,
        metrics: Option<&Bound<'_, PyAny>>,
        checks: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PolicyDecision> {
        let o = observation(t, metrics, checks)?;
        self.inner
            .observe(&o)
            .map(|inner| PolicyDecision { inner })
            .map_err(err)
    }
    /// Evaluates a JSON-lines observation file's text (GIL released). Errors name the line.
    fn observe_jsonl(&mut self, py: Python<'_>, text: String) -> PyResult<Vec<PolicyDecision>> {
        let inner = &mut self.inner;
        let decisions = py
            .detach(|| core::simulate::observe_jsonl(inner, &text))
            .map_err(err)?;
        Ok(decisions
            .into_iter()
            .map(|inner| PolicyDecision { inner })
            .collect())
    }
}

/// A progressive-rollout plan.
#[pyclass(frozen, module = "liberation_gates._native")]
#[derive(Clone)]
struct RolloutPlan {
    inner: core::rollout::RolloutPlan,
}

#[pymethods]
impl RolloutPlan {
    /// `steps`: a list of `{"weight", "bake_seconds", "approval"}`; None for the default plan.
    /// `gentle_step_seconds`: how long a gentle rollback stays on each step on its way down
    /// (default 300).
    #[new]
    #[pyo3(signature = (steps=None, gentle_step_seconds=None))]
    fn new(steps: Option<&Bound<'_, PyAny>>, gentle_step_seconds: Option<f64>) -> PyResult<Self> {
        let mut steps = steps.filter(|s| !s.is_none()).map(Depythonizer::from_object);
        core::rollout::RolloutPlan::from_parts(steps.as_mut(), gentle_step_seconds)
            .map(|inner| RolloutPlan { inner })
            .map_err(err)
    }
    /// Reads a rollout plan file's text (`format`: "toml", "yaml" or "json"):
    /// `{steps: [...], gentle_step_seconds: 300}`.
    #[staticmethod]
    fn parse(text: &str, format: &str) -> PyResult<Self> {
        core::rollout::RolloutPlan::parse(text, format_arg(format)?)
            .map(|inner| RolloutPlan { inner })
            .map_err(err)
    }
    /// How long a gentle rollback stays on each step on its way down, seconds.
    #[getter]
    fn gentle_step_seconds(&self) -> f64 {
        self.inner.gentle_step_seconds()
    }
    /// The steps as `(weight, bake_seconds, approval)`.
    #[getter]
    fn steps(&self) -> Vec<(u8, f64, bool)> {
        self.inner
            .steps()
            .iter()
            .map(|s| (s.weight, s.bake_seconds, s.approval))
            .collect()
    }
}

/// A running canary rollout (SPEC §8). States are `(status, step, weight)`.
#[pyclass(module = "liberation_gates._native")]
struct Rollout {
    inner: core::rollout::Rollout,
}

fn rstate(s: core::rollout::RolloutState) -> (&'static str, usize, u8) {
    (s.status.as_str(), s.step, s.weight)
}

#[pymethods]
impl Rollout {
    #[new]
    #[pyo3(signature = (plan=None, started_at=0.0))]
    fn new(plan: Option<PyRef<'_, RolloutPlan>>, started_at: f64) -> Self {
        Rollout {
            inner: core::rollout::Rollout::start(
                plan.map(|p| p.inner.clone()).unwrap_or_default(),
                started_at,
            ),
        }
    }
    /// `observe {decision}` at `t` (decision: a policy action name).
    fn observe(&mut self, t: f64, decision: &str) -> PyResult<(&'static str, usize, u8)> {
        self.inner
            .apply_named(t, "observe", Some(decision), None, None)
            .map(rstate)
            .map_err(err)
    }
    /// `approve {step}` at `t`.
    fn approve(&mut self, t: f64, step: &Bound<'_, PyAny>) -> PyResult<(&'static str, usize, u8)> {
        let step = num(step, "step")?;
        self.inner
            .apply_named(t, "approve", None, Some(step), None)
            .map(rstate)
            .map_err(err)
    }
    /// `consulted {outcome}` at `t`: the community's answer to a consultation
    /// (`"proceed"`, `"rollback"` or `"gentle_rollback"`).
    fn consulted(&mut self, t: f64, outcome: &str) -> PyResult<(&'static str, usize, u8)> {
        self.apply(t, "consulted", None, None, Some(outcome))
    }
    /// `tick` at `t`: the passage of time alone.
    fn tick(&mut self, t: f64) -> PyResult<(&'static str, usize, u8)> {
        self.apply(t, "tick", None, None, None)
    }
    /// An event by name, as in the vectors.
    #[pyo3(signature = (t, kind, decision=None, step=None, outcome=None))]
    fn apply(
        &mut self,
        t: f64,
        kind: &str,
        decision: Option<&str>,
        step: Option<&Bound<'_, PyAny>>,
        outcome: Option<&str>,
    ) -> PyResult<(&'static str, usize, u8)> {
        let step = step
            .filter(|s| !s.is_none())
            .map(|s| num(s, "step"))
            .transpose()?;
        self.inner
            .apply_named(t, kind, decision, step, outcome)
            .map(rstate)
            .map_err(err)
    }
    /// The gentle-ramp steps the last event caught up on: dicts `{t, status, step, weight}`.
    #[getter]
    fn ramp_steps<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner.ramp_steps())
    }
    #[getter]
    fn state(&self) -> (&'static str, usize, u8) {
        rstate(self.inner.state())
    }
}

/// The six-phase deployment plan.
#[pyclass(frozen, module = "liberation_gates._native")]
struct DeploymentPlan {
    inner: core::plan::DeploymentPlan,
}

#[pymethods]
impl DeploymentPlan {
    #[staticmethod]
    fn builtin() -> Self {
        DeploymentPlan {
            inner: core::plan::DeploymentPlan::builtin(),
        }
    }
    #[staticmethod]
    fn parse(text: &str, format: &str) -> PyResult<Self> {
        core::plan::DeploymentPlan::parse(text, format_arg(format)?)
            .map(|inner| DeploymentPlan { inner })
            .map_err(err)
    }
    /// Phase names, in order.
    #[getter]
    fn phases(&self) -> Vec<String> {
        self.inner.phases.iter().map(|p| p.name.clone()).collect()
    }
    /// Evaluates one phase: a dict with passed, action, failed, missing, liberation_failed.
    #[pyo3(signature = (phase, metrics=None, checks=None))]
    fn evaluate<'py>(
        &self,
        py: Python<'py>,
        phase: &str,
        metrics: Option<&Bound<'py, PyAny>>,
        checks: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let o = observation(0.0, metrics, checks)?;
        to_py(py, &self.inner.evaluate_phase(phase, &o).map_err(err)?)
    }
}

/// L1–L5 health of the built-in model from boolean check results (`True` up, `False` down).
#[pyfunction]
fn health(py: Python<'_>, checks: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
    let c: HashMap<String, bool> = checks
        .extract()
        .map_err(|_| PyTypeError::new_err("checks must be a dict of str to bool"))?;
    Ok(to_py(
        py,
        &core::health::HealthModel::builtin().evaluate_checks(&c),
    )?
    .unbind())
}

/// A health model (SPEC §11): checks `{name, level, critical}` in levels 1–5.
#[pyclass(frozen, module = "liberation_gates._native")]
struct HealthModel {
    inner: core::health::HealthModel,
}

#[pymethods]
impl HealthModel {
    /// `checks`: a list of `{"name", "level", "critical"?}` (critical defaults to True).
    #[new]
    fn new(checks: &Bound<'_, PyAny>) -> PyResult<Self> {
        let checks: Vec<core::health::CheckInput> = via_json(checks, "checks")
            .map_err(|e| err(core::error::HealthError::InvalidCheck(e.to_string())))?;
        core::health::HealthModel::new(checks)
            .map(|inner| HealthModel { inner })
            .map_err(err)
    }
    /// The platform's model, with the check names the built-in policy and plan share.
    #[staticmethod]
    fn builtin() -> Self {
        HealthModel {
            inner: core::health::HealthModel::builtin(),
        }
    }
    /// The declared checks as dicts `{name, level, critical}`.
    #[getter]
    fn checks<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner.checks())
    }
    /// Evaluates `status` (`{name: "up" | "degraded" | "down" | None}`): a dict
    /// `{levels, overall, action, failing, checks}`.
    fn evaluate<'py>(
        &self,
        py: Python<'py>,
        status: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        if !status.is_instance_of::<PyDict>() {
            return Err(PyTypeError::new_err(
                "status must be a dict of check name to status",
            ));
        }
        // Through JSON, so that the core decides what a non-str status is (invalid_status).
        let value: serde_json::Value = via_json(status, "status")?;
        to_py(py, &self.inner.evaluate_value(&value).map_err(err)?)
    }
    /// Evaluates boolean results as observations carry them (`True` up, `False` down).
    fn evaluate_checks<'py>(
        &self,
        py: Python<'py>,
        checks: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let c: HashMap<String, bool> = checks
            .extract()
            .map_err(|_| PyTypeError::new_err("checks must be a dict of str to bool"))?;
        to_py(py, &self.inner.evaluate_checks(&c))
    }
}

/// Payouts as `[(id, amount)]` or `[{"id": .., "amount": ..}]`.
fn parse_paid(ob: &Bound<'_, PyAny>, currency: &str) -> PyResult<Vec<core::audit::Paid>> {
    let mut out = Vec::new();
    for item in ob.try_iter()? {
        let item = item?;
        let (id, amount): (Bound<'_, PyAny>, Bound<'_, PyAny>) = match item.cast::<PyDict>() {
            Ok(d) => (
                d.get_item("id")?
                    .ok_or_else(|| PyTypeError::new_err("a payout mapping needs \"id\""))?,
                d.get_item("amount")?
                    .ok_or_else(|| PyTypeError::new_err("a payout mapping needs \"amount\""))?,
            ),
            Err(_) => item.extract().map_err(|_| {
                PyTypeError::new_err(
                    "each payout must be (id, amount) or {\"id\": .., \"amount\": ..}",
                )
            })?,
        };
        out.push(core::audit::Paid {
            id: id
                .extract()
                .map_err(|_| PyTypeError::new_err("a payout id must be a str"))?,
            amount: money_text(&amount, currency, "paid amount")?,
        });
    }
    Ok(out)
}

/// Audits payouts made elsewhere against the split (SPEC §10). Amounts are `Decimal`.
#[pyfunction]
#[pyo3(signature = (gross, currency, creators, paid, *, creator_share=None, fee=None, fee_mode=None))]
#[allow(clippy::too_many_arguments)]
fn audit<'py>(
    py: Python<'py>,
    gross: &Bound<'py, PyAny>,
    currency: &str,
    creators: &Bound<'py, PyAny>,
    paid: &Bound<'py, PyAny>,
    creator_share: Option<&Bound<'py, PyAny>>,
    fee: Option<&Bound<'py, PyAny>>,
    fee_mode: Option<String>,
) -> PyResult<Bound<'py, PyDict>> {
    let input = split_input(
        gross,
        currency,
        creators,
        creator_share,
        fee,
        fee_mode,
        None,
    )?;
    let split = core::split::split(&input).map_err(err)?;
    let paid = parse_paid(paid, currency)?;
    let a = core::audit::audit_split(&split, &paid).map_err(err)?;
    let decimal = |text: String| -> PyResult<Decimal> {
        text.parse::<Decimal>()
            .map_err(|e| PyValueError::new_err(e.to_string()))
    };
    let amounts = |list: &[core::split::Payout]| -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for p in list {
            d.set_item(&p.id, dec(p.amount))?;
        }
        Ok(d)
    };
    let out = PyDict::new(py);
    out.set_item("currency", a.currency.code())?;
    out.set_item("expected", amounts(&a.expected)?)?;
    out.set_item("paid", amounts(&a.paid)?)?;
    out.set_item("creator_total", dec(a.creator_total))?;
    out.set_item("paid_total", decimal(a.paid_total.to_string())?)?;
    out.set_item("shortfalls", amounts(&a.shortfalls)?)?;
    out.set_item("shortfall_total", decimal(a.shortfall_total().to_string())?)?;
    out.set_item("exact", a.exact)?;
    out.set_item("floor_held", a.floor_held)?;
    out.set_item(
        "creator_share_paid",
        a.creator_share_paid.map(decimal).transpose()?,
    )?;
    Ok(out)
}

// ---------------------------------------------------------------------------------------
// Governance, flags, bucketing.

/// A community decision: `subject`, `action`, `status`.
#[pyclass(frozen, module = "liberation_gates._native")]
#[derive(Clone)]
struct Decision {
    inner: core::governance::Decision,
}

#[pymethods]
impl Decision {
    #[new]
    fn new(subject: String, action: String, status: &str) -> PyResult<Self> {
        let status: ProposalStatus = status.parse().map_err(err)?;
        Ok(Decision {
            inner: core::governance::Decision::new(subject, action, status),
        })
    }
    #[getter]
    fn subject(&self) -> &str {
        &self.inner.subject
    }
    #[getter]
    fn action(&self) -> &str {
        &self.inner.action
    }
    #[getter]
    fn status(&self) -> &'static str {
        self.inner.status.as_str()
    }
    #[getter]
    fn passed(&self) -> bool {
        self.inner.passed()
    }
    fn __repr__(&self) -> String {
        format!(
            "Decision(subject={:?}, action={:?}, status={:?})",
            self.inner.subject,
            self.inner.action,
            self.inner.status.as_str()
        )
    }
}

/// `(status, tally, [(index, kind)])`: a proposal read at a time.
type ReadingTuple = (
    &'static str,
    HashMap<&'static str, u64>,
    Vec<(usize, &'static str)>,
);

/// One member, one vote (SPEC §5).
#[pyclass(module = "liberation_gates._native")]
struct Proposal {
    inner: core::governance::Proposal,
}

#[pymethods]
impl Proposal {
    #[new]
    fn new(
        electorate: Vec<String>,
        quorum: &Bound<'_, PyAny>,
        pass_threshold: &Bound<'_, PyAny>,
        opens_at: f64,
        closes_at: f64,
    ) -> PyResult<Self> {
        let q = decimal_text(quorum, "quorum")?;
        let p = decimal_text(pass_threshold, "pass_threshold")?;
        core::governance::Proposal::new(electorate, &q, &p, opens_at, closes_at)
            .map(|inner| Proposal { inner })
            .map_err(err)
    }
    /// Casts a vote; a refusal raises GovernanceError with its kind and changes nothing.
    fn cast(&mut self, t: f64, member: &str, choice: &str) -> PyResult<()> {
        self.inner.cast(t, member, choice).map(|_| ()).map_err(err)
    }
    /// `{"yes", "no", "abstain"}` of accepted votes cast at or before `now`.
    fn tally(&self, now: f64) -> HashMap<&'static str, u64> {
        let t = self.inner.tally(now);
        HashMap::from([("yes", t.yes), ("no", t.no), ("abstain", t.abstain)])
    }
    /// "open", "passed", "rejected" or "no_quorum".
    fn status(&self, now: f64) -> &'static str {
        self.inner.status(now).as_str()
    }
    /// The decision record at `now`.
    fn decision(&self, subject: String, action: String, now: f64) -> Decision {
        Decision {
            inner: self.inner.decision(subject, action, now),
        }
    }
    /// Reads a proposal at `now` from votes `[(t, member, choice)]` in the order cast: votes
    /// after `now` are neither counted nor refused. Returns
    /// `(status, {"yes", "no", "abstain"}, [(index, kind)])`.
    #[staticmethod]
    fn read(
        electorate: Vec<String>,
        quorum: &Bound<'_, PyAny>,
        pass_threshold: &Bound<'_, PyAny>,
        opens_at: f64,
        closes_at: f64,
        votes: Vec<(f64, String, String)>,
        now: f64,
    ) -> PyResult<ReadingTuple> {
        let p = Proposal::new(electorate, quorum, pass_threshold, opens_at, closes_at)?;
        let votes: Vec<VoteInput> = votes
            .into_iter()
            .map(|(t, member, choice)| VoteInput { t, member, choice })
            .collect();
        let r = core::governance::read(p.inner, &votes, now);
        let tally = HashMap::from([
            ("yes", r.tally.yes),
            ("no", r.tally.no),
            ("abstain", r.tally.abstain),
        ]);
        Ok((
            r.status.as_str(),
            tally,
            r.refused.iter().map(|(i, e)| (*i, e.kind())).collect(),
        ))
    }
}

/// Feature flags under community control (SPEC §6). States are `(enabled, intensity)`.
#[pyclass(module = "liberation_gates._native")]
struct FlagSet {
    inner: core::flags::FlagSet,
}

#[pymethods]
impl FlagSet {
    /// `flags`: a list of `{"key", "kind", "enabled"?, "intensity"?, "rollout_percent"?}`.
    #[new]
    fn new(flags: &Bound<'_, PyAny>) -> PyResult<Self> {
        let defs: Vec<core::flags::FlagDef> = via_json(flags, "flags")
            .map_err(|e| err(core::error::FlagError::InvalidFlag(e.to_string())))?;
        core::flags::FlagSet::new(defs)
            .map(|inner| FlagSet { inner })
            .map_err(err)
    }
    /// The platform's built-in flags.
    #[staticmethod]
    fn builtin() -> Self {
        FlagSet {
            inner: core::flags::FlagSet::builtin(),
        }
    }
    /// Applies `op` ("enable", "disable", "set_intensity"); raises FlagError on refusal.
    #[pyo3(signature = (key, op, value=None, decision=None, actor="", t=0.0))]
    fn apply(
        &mut self,
        key: &str,
        op: &str,
        value: Option<f64>,
        decision: Option<PyRef<'_, Decision>>,
        actor: &str,
        t: f64,
    ) -> PyResult<(bool, f64)> {
        self.inner
            .apply_named(
                key,
                op,
                value,
                decision.as_ref().map(|d| &d.inner),
                actor,
                t,
            )
            .map(|s| (s.enabled, s.intensity))
            .map_err(err)
    }
    #[pyo3(signature = (key, decision=None, actor="", t=0.0))]
    fn enable(
        &mut self,
        key: &str,
        decision: Option<PyRef<'_, Decision>>,
        actor: &str,
        t: f64,
    ) -> PyResult<(bool, f64)> {
        self.apply(key, "enable", None, decision, actor, t)
    }
    #[pyo3(signature = (key, decision=None, actor="", t=0.0))]
    fn disable(
        &mut self,
        key: &str,
        decision: Option<PyRef<'_, Decision>>,
        actor: &str,
        t: f64,
    ) -> PyResult<(bool, f64)> {
        self.apply(key, "disable", None, decision, actor, t)
    }
    #[pyo3(signature = (key, value, decision=None, actor="", t=0.0))]
    fn set_intensity(
        &mut self,
        key: &str,
        value: f64,
        decision: Option<PyRef<'_, Decision>>,
        actor: &str,
        t: f64,
    ) -> PyResult<(bool, f64)> {
        self.apply(key, "set_intensity", Some(value), decision, actor, t)
    }
    fn is_enabled(&self, key: &str) -> PyResult<bool> {
        self.inner.is_enabled(key).map_err(err)
    }
    /// Enabled, and inside the flag's rollout percentage for `user_id`.
    fn is_enabled_for(&self, key: &str, user_id: &str) -> PyResult<bool> {
        self.inner.is_enabled_for(key, user_id).map_err(err)
    }
    fn intensity(&self, key: &str) -> PyResult<f64> {
        self.inner.state(key).map(|s| s.intensity).map_err(err)
    }
    #[getter]
    fn keys(&self) -> Vec<String> {
        self.inner.keys().to_vec()
    }
    /// The audit log as a list of dicts.
    #[getter]
    fn log<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner.log())
    }
}

/// Unleash-compatible bucket of `id` in `group`: 1..=modulus.
#[pyfunction]
#[pyo3(signature = (id, group, modulus=None, seed=None))]
fn bucket(id: &str, group: &str, modulus: Option<f64>, seed: Option<f64>) -> PyResult<u32> {
    core::bucket::bucket_args(id, group, modulus, seed).map_err(err)
}

// ---------------------------------------------------------------------------------------
// Breakers and fallbacks.

fn breaker_config(config: Option<&Bound<'_, PyAny>>) -> PyResult<BreakerConfig> {
    let mut config = config.filter(|c| !c.is_none()).map(Depythonizer::from_object);
    BreakerConfig::from_de(config.as_mut()).map_err(err)
}

/// The breaker state machine driven with explicit times (SPEC §4), as the vectors use it.
#[pyclass(module = "liberation_gates._native")]
struct BreakerMachine {
    inner: core::breaker::BreakerMachine,
}

#[pymethods]
impl BreakerMachine {
    #[new]
    #[pyo3(signature = (config=None))]
    fn new(config: Option<&Bound<'_, PyAny>>) -> PyResult<Self> {
        core::breaker::BreakerMachine::new(breaker_config(config)?)
            .map(|inner| BreakerMachine { inner })
            .map_err(err)
    }
    /// Applies `op` at `t`; returns whether an `acquire` was permitted (None for other ops).
    #[pyo3(signature = (t, op, outcome=None, seconds=None))]
    fn apply(
        &mut self,
        t: f64,
        op: &str,
        outcome: Option<&str>,
        seconds: Option<f64>,
    ) -> PyResult<Option<bool>> {
        self.inner.apply_named(t, op, outcome, seconds).map_err(err)
    }
    #[getter]
    fn state(&self) -> &'static str {
        self.inner.state().as_str()
    }
}

/// A clock that calls a Python callable (e.g. `time.monotonic`). A clock that raises or
/// returns a non-number reads as not having moved.
struct PyClock(Py<PyAny>);

impl Clock for PyClock {
    fn now(&self) -> f64 {
        Python::attach(|py| {
            self.0
                .call0(py)
                .and_then(|v| v.extract::<f64>(py))
                .unwrap_or(f64::NAN)
        })
    }
}

fn clock_of(clock: Option<Py<PyAny>>) -> Arc<dyn Clock> {
    match clock {
        Some(c) => Arc::new(PyClock(c)),
        None => Arc::new(SystemClock::new()),
    }
}

/// A thread-safe circuit breaker (the Python wrapper adds decorators and context managers).
#[pyclass(frozen, module = "liberation_gates._native")]
struct CircuitBreaker {
    inner: Arc<core::breaker::CircuitBreaker>,
}

#[pymethods]
impl CircuitBreaker {
    #[new]
    #[pyo3(signature = (config=None, clock=None))]
    fn new(config: Option<&Bound<'_, PyAny>>, clock: Option<Py<PyAny>>) -> PyResult<Self> {
        let b = core::breaker::CircuitBreaker::with_clock(breaker_config(config)?, clock_of(clock))
            .map_err(err)?;
        Ok(CircuitBreaker { inner: Arc::new(b) })
    }
    /// Asks to make a call now; returns the start time, or raises CircuitOpenError.
    fn acquire(&self) -> PyResult<f64> {
        match self.inner.try_acquire() {
            Ok(p) => Ok(p.started()),
            Err(r) => Err(err(core::error::BreakerError::from(r))),
        }
    }
    /// Records a call that started at `started` (from `acquire`) and ended now.
    fn record(&self, failure: bool, started: f64) -> &'static str {
        let now = self.inner.now();
        let outcome = if failure {
            Outcome::Failure
        } else {
            Outcome::Success
        };
        self.inner
            .record_at(now, outcome, (now - started).max(0.0))
            .as_str()
    }
    /// Records a call of `seconds`, now.
    fn record_duration(&self, failure: bool, seconds: f64) -> &'static str {
        let outcome = if failure {
            Outcome::Failure
        } else {
            Outcome::Success
        };
        self.inner.record(outcome, seconds).as_str()
    }
    fn force_open(&self) -> &'static str {
        self.inner.force_open().as_str()
    }
    fn disable(&self) -> &'static str {
        self.inner.disable().as_str()
    }
    fn reset(&self) -> &'static str {
        self.inner.reset().as_str()
    }
    #[getter]
    fn state(&self) -> &'static str {
        self.inner.state().as_str()
    }
    /// A snapshot: state, calls, failure_rate, slow_call_rate, seconds_until_half_open, stats.
    fn metrics<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner.metrics())
    }
    /// Wraps a plain (not `async`) function: the decorator's per-call path, in Rust. An
    /// exception that is an instance of `failure_exceptions` and not of `ignore_exceptions`
    /// counts as a failure; the fallback, if any, answers refused and failed calls.
    #[pyo3(signature = (func, failure_exceptions, ignore_exceptions, fallback=None))]
    fn guard(
        &self,
        func: Py<PyAny>,
        failure_exceptions: Py<PyAny>,
        ignore_exceptions: Py<PyAny>,
        fallback: Option<Py<PyAny>>,
    ) -> Guarded {
        Guarded::new(
            GuardedBreaker::Local(self.inner.clone()),
            func,
            failure_exceptions,
            ignore_exceptions,
            fallback,
        )
    }
    /// Calls `listener(t, from_state, to_state)` on every transition.
    fn on_transition(&self, listener: Py<PyAny>) {
        self.inner.on_transition(move |tr| {
            Python::attach(|py| {
                if let Err(e) = listener.call1(py, (tr.t, tr.from.as_str(), tr.to.as_str())) {
                    e.write_unraisable(py, None);
                }
            })
        });
    }
}

/// A function protected by a breaker (made by `CircuitBreaker.guard`). Calling it acquires a
/// permit, calls the function, classifies an exception, records the outcome with the call's
/// duration and falls back — one native call instead of two plus a Python frame. It has an
/// instance `__dict__` so that `functools.update_wrapper` can copy the function's name and
/// docs, and binds like a function when used on a method.
#[pyclass(frozen, dict, module = "liberation_gates._native")]
struct Guarded {
    breaker: GuardedBreaker,
    func: Py<PyAny>,
    failure_exceptions: Py<PyAny>,
    ignore_exceptions: Py<PyAny>,
    fallback: Option<Py<PyAny>>,
}

/// The breaker a [`Guarded`] function goes through.
enum GuardedBreaker {
    Local(Arc<core::breaker::CircuitBreaker>),
    Shared(Arc<core::store::shared::SharedBreaker>),
}

/// A permit of a [`GuardedBreaker`]: a local one is timed on its breaker's clock (which a test
/// may inject), a shared one on the monotonic clock, remembering which state gave it.
enum GuardedPermit {
    Local { started: f64 },
    Shared { started: Instant, shared: bool },
}

impl GuardedBreaker {
    fn acquire(&self, py: Python<'_>) -> Result<GuardedPermit, core::breaker::Rejected> {
        match self {
            GuardedBreaker::Local(b) => b.try_acquire().map(|p| GuardedPermit::Local {
                started: p.started(),
            }),
            GuardedBreaker::Shared(b) => {
                let started = Instant::now();
                py.detach(|| b.acquire())
                    .map(|shared| GuardedPermit::Shared { started, shared })
            }
        }
    }
    fn record(&self, py: Python<'_>, permit: GuardedPermit, outcome: Outcome) {
        match (self, permit) {
            (GuardedBreaker::Local(b), GuardedPermit::Local { started }) => {
                let now = b.now();
                b.record_at(now, outcome, (now - started).max(0.0));
            }
            (GuardedBreaker::Shared(b), GuardedPermit::Shared { started, shared }) => {
                let seconds = started.elapsed().as_secs_f64();
                py.detach(|| b.record(shared, outcome, seconds));
            }
            // A permit only ever goes back to the breaker that gave it.
            _ => {}
        }
    }
}

impl Guarded {
    fn new(
        breaker: GuardedBreaker,
        func: Py<PyAny>,
        failure_exceptions: Py<PyAny>,
        ignore_exceptions: Py<PyAny>,
        fallback: Option<Py<PyAny>>,
    ) -> Guarded {
        Guarded {
            breaker,
            func,
            failure_exceptions,
            ignore_exceptions,
            fallback,
        }
    }

    fn is_failure(&self, py: Python<'_>, e: &PyErr) -> PyResult<bool> {
        let v = e.value(py);
        Ok(v.is_instance(self.failure_exceptions.bind(py))?
            && !v.is_instance(self.ignore_exceptions.bind(py))?)
    }
}

#[pymethods]
impl Guarded {
    #[pyo3(signature = (*args, **kwargs))]
    fn __call__(
        &self,
        py: Python<'_>,
        args: &Bound<'_, PyTuple>,
        kwargs: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Py<PyAny>> {
        let permit = match self.breaker.acquire(py) {
            Ok(p) => p,
            Err(rejected) => {
                return match &self.fallback {
                    Some(f) => f.call(py, args, kwargs),
                    None => Err(err(core::error::BreakerError::from(rejected))),
                }
            }
        };
        match self.func.call(py, args, kwargs) {
            Ok(v) => {
                self.breaker.record(py, permit, Outcome::Success);
                Ok(v)
            }
            Err(e) => {
                // A classification that raises (a bad exception tuple) counts as a failure
                // and the original error goes on.
                let failed = self.is_failure(py, &e).unwrap_or(true);
                let outcome = if failed {
                    Outcome::Failure
                } else {
                    Outcome::Success
                };
                self.breaker.record(py, permit, outcome);
                match (&self.fallback, failed) {
                    (Some(f), true) => f.call(py, args, kwargs),
                    _ => Err(e),
                }
            }
        }
    }
    /// Binds like a function: `obj.method` gives a bound method.
    fn __get__(
        slf: &Bound<'_, Self>,
        obj: Option<&Bound<'_, PyAny>>,
        _objtype: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        static METHOD_TYPE: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
        let py = slf.py();
        match obj.filter(|o| !o.is_none()) {
            None => Ok(slf.clone().into_any().unbind()),
            Some(o) => {
                let method_type = METHOD_TYPE.get_or_try_init(py, || {
                    Ok::<_, PyErr>(py.import("types")?.getattr("MethodType")?.unbind())
                })?;
                Ok(method_type.call1(py, (slf, o))?)
            }
        }
    }
}

/// A breaker whose window and state live in Redis, shared by every process using the same
/// name; a local breaker takes over while Redis is unreachable (the Python wrapper is
/// `CircuitBreaker(shared=URL)`). Redis round trips release the GIL.
#[pyclass(frozen, module = "liberation_gates._native")]
struct SharedBreaker {
    inner: Arc<core::store::shared::SharedBreaker>,
}

/// What `SharedBreaker.acquire` hands out and `record` takes back.
#[pyclass(frozen, module = "liberation_gates._native")]
struct SharedPermit {
    started: Instant,
    shared: bool,
}

#[pymethods]
impl SharedBreaker {
    #[new]
    #[pyo3(signature = (url, name, config=None))]
    fn new(url: &str, name: &str, config: Option<&Bound<'_, PyAny>>) -> PyResult<Self> {
        core::store::shared::SharedBreaker::connect(url, name, breaker_config(config)?)
            .map(|b| SharedBreaker { inner: Arc::new(b) })
            .map_err(err)
    }
    /// Asks to make a call now; a permit for `record`, or raises CircuitOpenError.
    fn acquire(&self, py: Python<'_>) -> PyResult<SharedPermit> {
        let started = Instant::now();
        let inner = &self.inner;
        match py.detach(|| inner.acquire()) {
            Ok(shared) => Ok(SharedPermit { started, shared }),
            Err(r) => Err(err(core::error::BreakerError::from(r))),
        }
    }
    /// Records the outcome of the call `permit` allowed, timed from `acquire` to now.
    fn record(&self, py: Python<'_>, failure: bool, permit: &SharedPermit) -> &'static str {
        let outcome = if failure {
            Outcome::Failure
        } else {
            Outcome::Success
        };
        let seconds = permit.started.elapsed().as_secs_f64();
        let (inner, shared) = (&self.inner, permit.shared);
        py.detach(|| inner.record(shared, outcome, seconds))
            .as_str()
    }
    #[getter]
    fn state(&self, py: Python<'_>) -> &'static str {
        let inner = &self.inner;
        py.detach(|| inner.state()).as_str()
    }
    /// Whether calls currently go through Redis (else through the local breaker).
    #[getter]
    fn is_shared(&self) -> bool {
        self.inner.is_shared()
    }
    /// State, whether shared, and lifetime counters (every process's, when shared).
    fn metrics<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let inner = &self.inner;
        let (state, stats) = py.detach(|| (inner.state(), inner.stats()));
        let d = PyDict::new(py);
        d.set_item("state", state.as_str())?;
        d.set_item("shared", inner.is_shared())?;
        d.set_item("stats", to_py(py, &stats)?)?;
        Ok(d.into_any())
    }
    fn force_open(&self, py: Python<'_>) -> &'static str {
        let inner = &self.inner;
        py.detach(|| inner.force_open()).as_str()
    }
    fn disable(&self, py: Python<'_>) -> &'static str {
        let inner = &self.inner;
        py.detach(|| inner.disable()).as_str()
    }
    fn reset(&self, py: Python<'_>) -> &'static str {
        let inner = &self.inner;
        py.detach(|| inner.reset()).as_str()
    }
    /// Calls `listener(t, from_state, to_state)` on transitions this process makes.
    fn on_transition(&self, listener: Py<PyAny>) {
        self.inner.on_event(move |e| {
            if let core::store::shared::SharedEvent::Transition(tr) = e {
                Python::attach(|py| {
                    if let Err(e) = listener.call1(py, (tr.t, tr.from.as_str(), tr.to.as_str())) {
                        e.write_unraisable(py, None);
                    }
                })
            }
        });
    }
    /// Calls `listener("local", reason)` when Redis fails and calls go local, and
    /// `listener("shared", None)` when it answers again.
    fn on_shared_event(&self, listener: Py<PyAny>) {
        self.inner.on_event(move |e| {
            let (what, reason) = match e {
                core::store::shared::SharedEvent::Local { reason } => {
                    ("local", Some(reason.clone()))
                }
                core::store::shared::SharedEvent::Shared => ("shared", None),
                core::store::shared::SharedEvent::Transition(_) => return,
            };
            Python::attach(|py| {
                if let Err(e) = listener.call1(py, (what, reason)) {
                    e.write_unraisable(py, None);
                }
            })
        });
    }
    /// As `CircuitBreaker.guard`.
    #[pyo3(signature = (func, failure_exceptions, ignore_exceptions, fallback=None))]
    fn guard(
        &self,
        func: Py<PyAny>,
        failure_exceptions: Py<PyAny>,
        ignore_exceptions: Py<PyAny>,
        fallback: Option<Py<PyAny>>,
    ) -> Guarded {
        Guarded::new(
            GuardedBreaker::Shared(self.inner.clone()),
            func,
            failure_exceptions,
            ignore_exceptions,
            fallback,
        )
    }
}

/// Last good answers with attribution, served while a dependency is unavailable.
#[pyclass(frozen, module = "liberation_gates._native")]
struct FallbackCache {
    inner: core::fallback::FallbackCache<Arc<Py<PyAny>>>,
}

fn attribution(ob: Option<&Bound<'_, PyAny>>) -> PyResult<Attribution> {
    match ob.filter(|o| !o.is_none()) {
        None => Ok(Attribution::default()),
        Some(o) => via_json(o, "attribution"),
    }
}

fn served<'py>(
    py: Python<'py>,
    s: core::fallback::Served<Arc<Py<PyAny>>>,
) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("value", s.value.clone_ref(py))?;
    d.set_item("attribution", to_py(py, &s.attribution)?)?;
    d.set_item("from_cache", s.from_cache)?;
    d.set_item("age_seconds", s.age_seconds)?;
    Ok(d)
}

#[pymethods]
impl FallbackCache {
    #[new]
    #[pyo3(signature = (capacity=1024, ttl_seconds=3600.0, clock=None))]
    fn new(capacity: usize, ttl_seconds: f64, clock: Option<Py<PyAny>>) -> Self {
        FallbackCache {
            inner: core::fallback::FallbackCache::new(capacity, ttl_seconds, clock_of(clock)),
        }
    }
    /// Stores a good answer and its attribution (`{"creators": [...], "revenue": str?, "note": str?}`).
    #[pyo3(signature = (key, value, attribution_=None))]
    fn store(
        &self,
        key: &str,
        value: Py<PyAny>,
        attribution_: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        self.inner
            .store(key, Arc::new(value), attribution(attribution_)?);
        Ok(())
    }
    /// The cached answer for `key` (a dict with value, attribution, from_cache, age_seconds).
    fn get<'py>(&self, py: Python<'py>, key: &str) -> PyResult<Option<Bound<'py, PyDict>>> {
        self.inner.get(key).map(|s| served(py, s)).transpose()
    }
    /// Calls `func()` through `breaker`: it returns `(value, attribution)`. On success the
    /// answer is stored and served fresh; on a failure (an exception that `is_failure(exc)`
    /// accepts) or a rejection, the cached answer is served; with nothing cached the exception
    /// (or CircuitOpenError) is raised.
    #[pyo3(signature = (breaker, key, func, is_failure=None))]
    fn guard<'py>(
        &self,
        py: Python<'py>,
        breaker: &CircuitBreaker,
        key: &str,
        func: Bound<'py, PyAny>,
        is_failure: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let call = || -> Result<(Arc<Py<PyAny>>, Attribution), PyErr> {
            let r = func.call0()?;
            let (value, attr): (Bound<'py, PyAny>, Bound<'py, PyAny>) =
                r.extract().map_err(|_| {
                    PyTypeError::new_err("the guarded function must return (value, attribution)")
                })?;
            Ok((Arc::new(value.unbind()), attribution(Some(&attr))?))
        };
        let classify = |e: &PyErr| match &is_failure {
            None => true,
            Some(f) => f
                .call1((e.value(py),))
                .and_then(|v| v.is_truthy())
                .unwrap_or(true),
        };
        match self
            .inner
            .guard_filtered(&breaker.inner, key, call, classify)
        {
            Ok(s) => served(py, s),
            Err(Unavailable::Rejected(r)) => Err(err(core::error::BreakerError::from(r))),
            Err(Unavailable::Failed(e)) => Err(e),
        }
    }
    fn __len__(&self) -> usize {
        self.inner.len()
    }
}

// ---------------------------------------------------------------------------------------
// Simulation and conformance helpers.

/// Runs a simulation file's text (observations and approvals) through the policy and a
/// rollout; returns one dict per line and the final state.
#[pyfunction]
#[pyo3(signature = (text, policy=None, plan=None, started_at=None))]
fn simulate<'py>(
    py: Python<'py>,
    text: String,
    policy: Option<&Policy>,
    plan: Option<&RolloutPlan>,
    started_at: Option<f64>,
) -> PyResult<Bound<'py, PyAny>> {
    let policy = policy
        .map(|p| p.inner.clone())
        .unwrap_or_else(core::policy::Policy::builtin);
    let plan = plan.map(|p| p.inner.clone()).unwrap_or_default();
    let steps = py
        .detach(|| core::simulate::run_text(&text, policy, plan, started_at))
        .map_err(err)?;
    to_py(py, &steps)
}

/// Reads a proposal file's text (the CLI's `vote` file): `{status, tally, refused, decision}`.
#[pyfunction]
fn read_proposal<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    let f = core::governance::ProposalFile::parse(text).map_err(err)?;
    to_py(py, &f.read().map_err(err)?)
}

/// Audits a payout file's text (JSON lines `{id, amount}`) against a split terms file's text
/// (the CLI's `audit --split --paid`); an error in the payouts names its line.
#[pyfunction]
fn audit_files<'py>(py: Python<'py>, split_terms: &str, paid: &str) -> PyResult<Bound<'py, PyAny>> {
    to_py(py, &core::audit::audit_files(split_terms, paid).map_err(err)?)
}

/// Every error kind of every family, as `{family: [kinds]}`.
#[pyfunction]
fn error_kinds() -> BTreeMap<&'static str, Vec<&'static str>> {
    core::error::FAMILIES
        .iter()
        .map(|(f, ks)| (*f, ks.to_vec()))
        .collect()
}

/// Raises the exception the binding maps `family`/`kind` to (for tests of the mapping).
#[pyfunction]
fn _raise(family: &str, kind: &str) -> PyResult<()> {
    let e = core::Error::from_family_kind(
        family,
        kind,
        format!("raised for a test of the {family}/{kind} mapping"),
    )
    .ok_or_else(|| PyValueError::new_err(format!("unknown family/kind {family}/{kind}")))?;
    Err(err(e))
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(split, m)?)?;
    m.add_function(wrap_pyfunction!(degradation, m)?)?;
    m.add_function(wrap_pyfunction!(health, m)?)?;
    m.add_function(wrap_pyfunction!(audit, m)?)?;
    m.add_class::<HealthModel>()?;
    m.add_function(wrap_pyfunction!(bucket, m)?)?;
    m.add_function(wrap_pyfunction!(simulate, m)?)?;
    m.add_function(wrap_pyfunction!(read_proposal, m)?)?;
    m.add_function(wrap_pyfunction!(audit_files, m)?)?;
    m.add_function(wrap_pyfunction!(error_kinds, m)?)?;
    m.add_function(wrap_pyfunction!(_raise, m)?)?;
    m.add_class::<Split>()?;
    m.add_class::<Refundable>()?;
    m.add_class::<Ledger>()?;
    m.add_class::<Threshold>()?;
    m.add_class::<WindowRate>()?;
    m.add_class::<Policy>()?;
    m.add_class::<PolicyDecision>()?;
    m.add_class::<Evaluator>()?;
    m.add_class::<RolloutPlan>()?;
    m.add_class::<Rollout>()?;
    m.add_class::<DeploymentPlan>()?;
    m.add_class::<Decision>()?;
    m.add_class::<Proposal>()?;
    m.add_class::<FlagSet>()?;
    m.add_class::<BreakerMachine>()?;
    m.add_class::<CircuitBreaker>()?;
    m.add_class::<Guarded>()?;
    m.add_class::<Store>()?;
    m.add_class::<SharedBreaker>()?;
    m.add_class::<SharedPermit>()?;
    m.add_class::<FallbackCache>()?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
