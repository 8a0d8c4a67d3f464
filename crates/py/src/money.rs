//! Money: splits, refunds, ledgers and payout audits.

use crate::*;
use liberation_gates as core;
use liberation_gates::money::Currency;
use liberation_gates::split::SplitInput;
use pyo3::prelude::*;
use pyo3::types::PyDict;
// ---------------------------------------------------------------------------------------
// Money: split, refunds, ledger.

/// The result of a split. Amounts are `decimal.Decimal` with the currency's digits.
#[pyclass(frozen, module = "liberation_gates._native")]
pub(crate) struct Split {
    pub(crate) inner: core::split::Split,
}
holds!(Split: core::split::Split, SplitTerms: core::split::SplitTerms);

#[pymethods]
impl Split {
    #[getter]
    fn currency(&self) -> &'static str {
        self.inner.currency.code()
    }
    #[getter]
    fn gross(&self) -> Dec {
        dec(self.inner.gross)
    }
    /// Each creator's amount, in input order.
    #[getter]
    fn creators<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        amounts(py, &self.inner.creators)
    }
    #[getter]
    fn platform(&self) -> Dec {
        dec(self.inner.platform)
    }
    #[getter]
    fn fee(&self) -> Dec {
        dec(self.inner.fee)
    }
    #[getter]
    fn creator_total(&self) -> Dec {
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
    fn to_dict<'py>(&self, py: Python<'py>) -> Out<'py> {
        to_py(py, &self.inner.to_json())
    }
    /// Balances to take refunds from.
    fn refundable(&self) -> Refundable {
        core::split::Refundable::new(&self.inner).into()
    }
    fn __repr__(&self) -> String {
        format!("Split({})", self.inner)
    }
}

/// A split's keyword arguments as Python gives them: creator_share, fee, fee_mode, step.
pub(crate) type Keywords<'a, 'py> = (Opt<'a, 'py>, Opt<'a, 'py>, Option<String>, Opt<'a, 'py>);

/// The core's split request from Python arguments (money and exact decimals converted);
/// without `gross`, the terms `SplitTerms` prepares.
fn split_input(
    gross: Opt<'_, '_>,
    currency: &str,
    creators: &Bound<'_, PyAny>,
    (creator_share, fee, fee_mode, step): Keywords<'_, '_>,
) -> PyResult<SplitInput> {
    let money =
        |m: Opt<'_, '_>, what: &str| given(m).map(|m| money_text(m, currency, what)).transpose();
    let gross = gross
        .map(|g| money_text(g, currency, "gross"))
        .transpose()?;
    Ok(SplitInput {
        gross: gross.unwrap_or_default(),
        currency: currency.to_string(),
        creators: parse_creators(creators)?,
        creator_share: opt_decimal(creator_share, "creator_share")?,
        fee: money(fee, "fee")?,
        fee_mode,
        step: money(step, "step")?,
    })
}

/// Split a payment so creators keep at least ``creator_share`` (default 0.75) of it.
///
/// The creator pool is ``base × creator_share`` rounded **up** to the currency's minor unit
/// (or to ``step``, for cash), so creators are never rounded below their share. It is divided
/// by weight with the largest-remainder method in exact integers: leftover minor units go to
/// the largest remainders, ties to the earlier creator. ``fee_mode="platform"`` (default): the
/// platform absorbs ``fee``; ``"before_split"``: the fee comes off the top first.
///
/// Nothing is lost or created: ``sum(creators) + platform + fee == gross``.
///
/// Raises :class:`SplitError` with ``.kind`` ``unknown_currency``, ``invalid_amount``,
/// ``sovereignty_violation`` (share below 0.75), ``invalid_share``, ``no_creators``,
/// ``duplicate_creator``, ``invalid_weight``, ``invalid_fee_mode``, ``fee_exceeds_gross`` or
/// ``fee_exceeds_platform_share``; ``TypeError`` for a ``float`` amount.
///
/// >>> s = split("100.00", "GBP", [("alice", "3"), ("bob", "1")], fee="1.20")
/// >>> s.creators
/// {'alice': Decimal('56.25'), 'bob': Decimal('18.75')}
/// >>> s.platform, s.fee
/// (Decimal('23.80'), Decimal('1.20'))
/// >>> split(10000, "GBP", {"alice": 1}).creator_total  # int = minor units (pence)
/// Decimal('75.00')
///
#[pyfunction]
#[pyo3(signature = (gross, currency, creators, *, creator_share=None, fee=None, fee_mode=None, step=None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn split(
    gross: &Bound<'_, PyAny>,
    currency: &str,
    creators: &Bound<'_, PyAny>,
    creator_share: Opt<'_, '_>,
    fee: Opt<'_, '_>,
    fee_mode: Option<String>,
    step: Opt<'_, '_>,
) -> PyResult<Split> {
    // The same conversions, in the same order, as `split_input`, but every `str` lent to the
    // core's `split_text` rather than copied into a `SplitInput`.
    let gross = money_str(gross, currency, "gross")?;
    let held = creator_objects(creators)?;
    let pairs = creator_strs(&held)?;
    let share = given(creator_share).map(|o| decimal_str(o, "creator_share"));
    let share = share.transpose()?;
    let fee = given(fee)
        .map(|m| money_str(m, currency, "fee"))
        .transpose()?;
    let step = given(step)
        .map(|m| money_str(m, currency, "step"))
        .transpose()?;
    wrap(core::split::split_text(&core::split::SplitText {
        gross: &gross,
        currency,
        creators: pairs.iter().map(|(id, w)| (*id, w.as_ref())),
        creator_share: share.as_deref(),
        fee: fee.as_deref(),
        fee_mode: fee_mode.as_deref(),
        step: step.as_deref(),
    }))
}

/// Split terms prepared once (currency, creators, share, fee, step) to split many payments:
/// `split(gross)` as `split()` does, `split_minor(gross)` in integer minor units.
#[pyclass(frozen, module = "liberation_gates._native")]
pub(crate) struct SplitTerms {
    inner: core::split::SplitTerms,
}

impl SplitTerms {
    fn gross(&self, gross: &Bound<'_, PyAny>) -> PyResult<core::money::Money> {
        let text = money_text(gross, self.inner.currency().code(), "gross")?;
        self.inner.gross(&text).map_err(err)
    }
}

#[pymethods]
impl SplitTerms {
    /// The terms of `split(gross, currency, creators, ...)` but the gross; the same errors,
    /// checked here once.
    #[new]
    #[pyo3(signature = (currency, creators, *, creator_share=None, fee=None, fee_mode=None, step=None))]
    fn new(
        currency: &str,
        creators: &Bound<'_, PyAny>,
        creator_share: Opt<'_, '_>,
        fee: Opt<'_, '_>,
        fee_mode: Option<String>,
        step: Opt<'_, '_>,
    ) -> PyResult<Self> {
        let keywords = (creator_share, fee, fee_mode, step);
        wrap(split_input(None, currency, creators, keywords)?.terms())
    }
    /// Splits `gross` (str, `Decimal` or int minor units): the result of `split()`.
    fn split(&self, gross: &Bound<'_, PyAny>) -> PyResult<Split> {
        wrap(self.inner.split(self.gross(gross)?))
    }
    /// Splits `gross` in minor units: `(creators, creator_total, platform, fee)`, every amount
    /// an int of minor units, creators in order.
    fn split_minor(&self, gross: &Bound<'_, PyAny>) -> PyResult<(Vec<u128>, u128, u128, u128)> {
        let mut creators = vec![0; self.inner.creator_count()];
        let gross = self.gross(gross)?.minor();
        let parts = self.inner.split_into(gross, &mut creators).map_err(err)?;
        Ok((creators, parts.creator_total, parts.platform, parts.fee))
    }
}

/// Unrefunded balances of one split.
#[pyclass(frozen, module = "liberation_gates._native")]
pub(crate) struct Refundable {
    pub(crate) inner: std::sync::Mutex<core::split::Refundable>,
}

pub(crate) fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
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
    ) -> PyResult<(Bound<'py, PyDict>, Dec)> {
        let mut r = lock(&self.inner);
        let code = r.remaining().currency().code();
        let text = money_text(amount, code, "amount")?;
        let refund = r.refund_str(&text).map_err(err)?;
        Ok((amounts(py, &refund.creators)?, dec(refund.platform)))
    }
    /// What remains refundable.
    #[getter]
    fn remaining(&self) -> Dec {
        dec(lock(&self.inner).remaining())
    }
    /// `(creators, platform)` balances.
    fn balances<'py>(&self, py: Python<'py>) -> PyResult<(Bound<'py, PyDict>, Dec)> {
        let (c, p) = lock(&self.inner).balances();
        Ok((amounts(py, &c)?, dec(p)))
    }
}

/// The ledger of splits and refunds, and its transparency report: in memory, or kept in a
/// durable store (behind a mutex only to make it `Sync`; methods take `&mut self`, so it is
/// never contended).
#[pyclass(module = "liberation_gates._native")]
pub(crate) struct Ledger {
    pub(crate) inner: std::sync::Mutex<core::store::DurableLedger>,
}
holds!(Ledger: core::store::DurableLedger, Refundable: core::split::Refundable);

impl Ledger {
    fn book(&mut self) -> &mut core::store::DurableLedger {
        lock_mut(&mut self.inner)
    }
    fn ledger(&mut self) -> &core::ledger::Ledger {
        self.book().ledger()
    }
    /// An amount of the recorded split `split_id` as text (minor units read in its currency).
    fn amount(&mut self, split_id: &str, amount: &Bound<'_, PyAny>) -> PyResult<String> {
        money_text(amount, self.book().split_currency_code(split_id), "amount")
    }
}

pub(crate) fn lock_mut<T>(m: &mut std::sync::Mutex<T>) -> &mut T {
    m.get_mut().unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[pymethods]
impl Ledger {
    /// An empty ledger in memory, or the ledger kept in `store` (`"sqlite:PATH"` or
    /// `"postgres://…"`), replayed from it; every record is then written there first.
    #[new]
    #[pyo3(signature = (store=None))]
    fn new(py: Python<'_>, store: Option<String>) -> PyResult<Self> {
        wrap(py.detach(|| core::store::DurableLedger::new(store.as_deref())))
    }
    /// The ledger kept in a store dump (`liberation-gates store dump`), in memory, its
    /// checksum chain checked first (StoreError `tampered` otherwise).
    #[staticmethod]
    fn from_dump(py: Python<'_>, text: String) -> PyResult<Ledger> {
        wrap(py.detach(|| core::store::DurableLedger::from_dump(&text)))
    }
    /// Reads a JSON-lines ledger (the GIL is released while parsing).
    #[staticmethod]
    fn from_jsonl(py: Python<'_>, text: String) -> PyResult<Ledger> {
        let ledger = py
            .detach(|| core::ledger::Ledger::from_jsonl(&text))
            .map_err(err)?;
        Ok(core::store::DurableLedger::in_memory(ledger).into())
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
        creator_share: Opt<'_, '_>,
        fee: Opt<'_, '_>,
        fee_mode: Option<String>,
    ) -> PyResult<Split> {
        let keywords = (creator_share, fee, fee_mode, None);
        let input = split_input(Some(gross), currency, creators, keywords)?;
        wrap(self.book().record_split(id, t, &input))
    }
    /// Refunds part of a recorded split and records it.
    fn record_refund(
        &mut self,
        id: &str,
        t: f64,
        split_id: &str,
        amount: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        let text = self.amount(split_id, amount)?;
        wrap(self.book().record_refund(id, t, split_id, &text))
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
        let text = self.amount(split_id, amount)?;
        wrap(self.book().record_payout(id, t, split_id, creator, &text))
    }
    /// Number of records.
    fn __len__(&mut self) -> usize {
        self.ledger().records().len()
    }
    /// The store's backend (`"sqlite"`, `"postgres"`), or None for a ledger in memory.
    #[getter]
    fn store_backend(&mut self) -> Option<&'static str> {
        self.book().backend()
    }
    /// The transparency report (`period`: "day", "month" or "all") as a dict; amounts as
    /// strings. The GIL is released while it is computed.
    #[pyo3(signature = (period="all"))]
    fn report<'py>(&mut self, py: Python<'py>, period: &str) -> Out<'py> {
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
    /// The creators' share against the 75% floor and each creator's amount in `currency`
    /// (a dict), or None when the ledger holds nothing in it.
    fn sovereignty_summary<'py>(&mut self, py: Python<'py>, currency: &str) -> Out<'py> {
        let c = Currency::from_code(currency).map_err(err)?;
        to_py(py, &self.ledger().sovereignty_summary(c))
    }
    /// The currencies in the ledger, sorted.
    #[getter]
    fn currencies(&mut self) -> Vec<&'static str> {
        self.ledger()
            .currencies()
            .iter()
            .map(|c| c.code())
            .collect()
    }
}

/// Audits payouts made elsewhere against the split (SPEC §10). Amounts are `Decimal`.
#[pyfunction]
#[pyo3(signature = (gross, currency, creators, paid, *, creator_share=None, fee=None, fee_mode=None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn audit<'py>(
    py: Python<'py>,
    gross: &Bound<'py, PyAny>,
    currency: &str,
    creators: &Bound<'py, PyAny>,
    paid: &Bound<'py, PyAny>,
    creator_share: Option<&Bound<'py, PyAny>>,
    fee: Option<&Bound<'py, PyAny>>,
    fee_mode: Option<String>,
) -> PyResult<Bound<'py, PyDict>> {
    let keywords = (creator_share, fee, fee_mode, None);
    audit_out(py, audit_of(gross, currency, creators, paid, keywords)?)
}

/// The audit of `audit()`'s arguments (also `Metrics.record_audit`'s).
pub(crate) fn audit_of(
    gross: &Bound<'_, PyAny>,
    currency: &str,
    creators: &Bound<'_, PyAny>,
    paid: &Bound<'_, PyAny>,
    keywords: Keywords<'_, '_>,
) -> PyResult<core::audit::PayoutAudit> {
    let input = split_input(Some(gross), currency, creators, keywords)?;
    let split = core::split::split(&input).map_err(err)?;
    let paid = parse_paid(paid, currency)?;
    core::audit::audit_split(&split, &paid).map_err(err)
}

/// Audits a payout file's text (JSON lines `{id, amount}`) against a split terms file's text
/// (the CLI's `audit --split --paid`); an error in the payouts names its line. The result is
/// `audit()`'s.
#[pyfunction]
pub(crate) fn audit_files<'py>(
    py: Python<'py>,
    split_terms: &str,
    paid: &str,
) -> PyResult<Bound<'py, PyDict>> {
    audit_out(
        py,
        core::audit::audit_files(split_terms, paid).map_err(err)?,
    )
}

/// An audit as Python reads it: amounts `Decimal`, each list of payouts `{id: Decimal}`.
pub(crate) fn audit_out(
    py: Python<'_>,
    a: core::audit::PayoutAudit,
) -> PyResult<Bound<'_, PyDict>> {
    // Totals and the paid share are the core's decimal text: Decimal(text), as `Dec` does.
    let decimal = |text: String| decimal_class(py)?.call1((text,));
    let out = PyDict::new(py);
    out.set_item("currency", a.currency.code())?;
    out.set_item("expected", amounts(py, &a.expected)?)?;
    out.set_item("paid", amounts(py, &a.paid)?)?;
    out.set_item("creator_total", dec(a.creator_total))?;
    out.set_item("creator_share", a.creator_share.to_string())?;
    out.set_item("paid_total", decimal(a.paid_total.to_string())?)?;
    out.set_item("shortfalls", amounts(py, &a.shortfalls)?)?;
    out.set_item("shortfall_total", decimal(a.shortfall_total.to_string())?)?;
    out.set_item("exact", a.exact)?;
    out.set_item("floor_held", a.floor_held)?;
    out.set_item(
        "creator_share_paid",
        a.creator_share_paid.map(decimal).transpose()?,
    )?;
    Ok(out)
}

/// `{id: Decimal}` of payouts, in their order.
fn amounts<'py>(py: Python<'py>, list: &[core::split::Payout]) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    for p in list {
        d.set_item(&p.id, dec(p.amount))?;
    }
    Ok(d)
}
