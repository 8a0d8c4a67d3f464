//! Durable stores: append-only records with a checksum chain, and state (Node only: WASM has
//! no store backends).

use crate::*;
use napi_derive::napi;
use serde_json::Value;

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
        out(&self.inner.append(&stream, &id, &text).map_err(err)?)
    }
    /// The records of `stream` (every stream when omitted), oldest first.
    #[napi(ts_return_type = "Array<import('./types').StoredRecord>")]
    pub fn records(&mut self, stream: Option<String>) -> Result<Value> {
        out(&self.inner.records(stream.as_deref()).map_err(err)?)
    }
    /// The record `id` of `stream`, or null.
    #[napi(ts_return_type = "import('./types').StoredRecord | null")]
    pub fn record(&mut self, stream: String, id: String) -> Result<Value> {
        out(&self.inner.record(&stream, &id).map_err(err)?)
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
