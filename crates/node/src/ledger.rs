//! Ledgers and durable stores.

use crate::*;
use liberation_gates as core;
use liberation_gates::money::Currency;
use napi::bindgen_prelude::{BigInt, Either};
use napi_derive::napi;
use serde_json::Value;
/// The ledger of splits and refunds, and its transparency report: in memory, or kept in a
/// durable store.
#[napi]
pub struct Ledger {
    pub(crate) inner: Box<core::store::DurableLedger>,
}

impl Ledger {
    fn ledger(&self) -> &core::ledger::Ledger {
        self.inner.ledger()
    }
    fn of(ledger: core::store::DurableLedger) -> Self {
        Ledger {
            inner: Box::new(ledger),
        }
    }
}

/// Options of a ledger.
#[napi(object)]
pub struct LedgerOptions {
    /// A durable store ("sqlite:PATH" or "postgres://USER@HOST:PORT/DB"): the ledger is
    /// replayed from it, and every record is written there first.
    pub store: Option<String>,
}

#[napi]
impl Ledger {
    #[napi(constructor)]
    pub fn new(options: Option<LedgerOptions>) -> Result<Self> {
        Ok(Ledger::of(match options.and_then(|o| o.store) {
            None => core::store::DurableLedger::in_memory(core::ledger::Ledger::new()),
            Some(url) => core::store::DurableLedger::open(&url).map_err(err)?,
        }))
    }
    /// The ledger kept in a store dump (`liberation-gates store dump`), in memory, its
    /// checksum chain checked first (`store/tampered` otherwise).
    #[napi(factory)]
    pub fn from_dump(text: String) -> Result<Self> {
        core::store::DurableLedger::from_dump(&text)
            .map(Ledger::of)
            .map_err(err)
    }
    /// Reads a JSON-lines ledger; errors name the line.
    #[napi(factory)]
    pub fn from_jsonl(text: String) -> Result<Self> {
        core::ledger::Ledger::from_jsonl(&text)
            .map(|l| Ledger::of(core::store::DurableLedger::in_memory(l)))
            .map_err(err)
    }
    /// Computes and records a split.
    #[napi(ts_return_type = "import('./types').SplitResult")]
    pub fn record_split(
        &mut self,
        id: String,
        t: f64,
        gross: Either<String, BigInt>,
        currency: String,
        creators: Vec<CreatorArg>,
        options: Option<SplitOptions>,
    ) -> Result<Value> {
        let input = split_input(&gross, currency, creators, options)?;
        to_value(&self.inner.record_split(&id, t, &input).map_err(err)?)
    }
    /// Refunds part of a recorded split and records it.
    #[napi]
    pub fn record_refund(
        &mut self,
        id: String,
        t: f64,
        split_id: String,
        amount: Either<String, BigInt>,
    ) -> Result<()> {
        let text = money_text(&amount, self.inner.split_currency_code(&split_id))?;
        self.inner
            .record_refund(&id, t, &split_id, &text)
            .map_err(err)
    }
    /// Records a payout the payment system made: `amount` to `creator` for split `splitId`.
    #[napi]
    pub fn record_payout(
        &mut self,
        id: String,
        t: f64,
        split_id: String,
        creator: String,
        amount: Either<String, BigInt>,
    ) -> Result<()> {
        let text = money_text(&amount, self.inner.split_currency_code(&split_id))?;
        self.inner
            .record_payout(&id, t, &split_id, &creator, &text)
            .map_err(err)
    }
    /// Number of records.
    #[napi(getter)]
    pub fn length(&self) -> u32 {
        self.ledger().records().len() as u32
    }
    /// The store's backend ("sqlite", "postgres"), or null for a ledger in memory.
    #[napi(getter)]
    pub fn store_backend(&self) -> Option<&'static str> {
        self.inner.backend()
    }
    /// The transparency report ("day", "month" or "all").
    #[napi(ts_return_type = "import('./types').TransparencyReport")]
    pub fn report(&self, period: Option<String>) -> Result<Value> {
        let p: core::ledger::Period = period.as_deref().unwrap_or("all").parse().map_err(err)?;
        to_value(&self.ledger().report(p))
    }
    /// The report as CSV.
    #[napi]
    pub fn report_csv(&self, period: Option<String>) -> Result<String> {
        let p: core::ledger::Period = period.as_deref().unwrap_or("all").parse().map_err(err)?;
        Ok(self.ledger().report(p).to_csv())
    }
    /// Creators' share of the base over `(now - windowSeconds, now]` in `currency`.
    #[napi]
    pub fn creator_share(
        &self,
        now: f64,
        window_seconds: f64,
        currency: String,
    ) -> Result<Option<f64>> {
        let c = Currency::from_code(&currency).map_err(err)?;
        Ok(self.ledger().creator_share(now, window_seconds, c))
    }
    /// The creators' share against the 75% floor and each creator's amount in `currency`, or
    /// null when the ledger holds nothing in it.
    #[napi(ts_return_type = "import('./types').SovereigntySummary | null")]
    pub fn sovereignty_summary(&self, currency: String) -> Result<Value> {
        let c = Currency::from_code(&currency).map_err(err)?;
        to_value(&self.ledger().sovereignty_summary(c))
    }
    /// The currencies in the ledger, sorted.
    #[napi(getter)]
    pub fn currencies(&self) -> Vec<&'static str> {
        self.ledger()
            .currencies()
            .iter()
            .map(|c| c.code())
            .collect()
    }
}

impl Default for Ledger {
    fn default() -> Self {
        Ledger::of(core::store::DurableLedger::in_memory(
            core::ledger::Ledger::new(),
        ))
    }
}

/// Append-only records with a checksum chain, and state, in a durable store.
#[napi]
pub struct Store {
    pub(crate) inner: Box<dyn core::store::Store>,
}

#[napi]
impl Store {
    /// Opens `url` ("memory:", "sqlite:PATH", "postgres://…") and verifies its history.
    #[napi(constructor)]
    pub fn new(url: String) -> Result<Self> {
        core::store::open(&url)
            .map(|inner| Store { inner })
            .map_err(err)
    }
    /// The backend's name.
    #[napi(getter)]
    pub fn backend(&self) -> &'static str {
        self.inner.backend()
    }
    /// Appends a record; `body` is JSON text, or any JSON value (written as JSON).
    #[napi(
        ts_args_type = "stream: string, id: string, body: unknown",
        ts_return_type = "import('./types').StoredRecord"
    )]
    pub fn append(&mut self, stream: String, id: String, body: Value) -> Result<Value> {
        let text = match body {
            Value::String(s) => s,
            other => other.to_string(),
        };
        to_value(&self.inner.append(&stream, &id, &text).map_err(err)?)
    }
    /// The records of `stream` (every stream when omitted), oldest first.
    #[napi(ts_return_type = "Array<import('./types').StoredRecord>")]
    pub fn records(&mut self, stream: Option<String>) -> Result<Value> {
        to_value(&self.inner.records(stream.as_deref()).map_err(err)?)
    }
    /// The record `id` of `stream`, or null.
    #[napi(ts_return_type = "import('./types').StoredRecord | null")]
    pub fn record(&mut self, stream: String, id: String) -> Result<Value> {
        to_value(&self.inner.record(&stream, &id).map_err(err)?)
    }
    /// Recomputes the checksum chain; the number of records (StoreError `tampered` if broken).
    #[napi]
    pub fn verify(&mut self) -> Result<i64> {
        self.inner.verify().map(|n| n as i64).map_err(err)
    }
    /// Sets `key` to `value`.
    #[napi]
    pub fn put_state(&mut self, key: String, value: String) -> Result<()> {
        self.inner.put_state(&key, &value).map_err(err)
    }
    /// The value of `key`, or null.
    #[napi]
    pub fn state(&mut self, key: String) -> Result<Option<String>> {
        self.inner.state(&key).map_err(err)
    }
}
