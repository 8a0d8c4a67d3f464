//! Objects kept in a durable store (Node only: WASM has no store backends): the `Store`, the
//! durable ledger and the durable deployment. Every method that touches a store runs on
//! libuv's thread pool (a napi async task) and returns a Promise, so a slow database never
//! stalls the event loop. lib.cjs runs each object's calls one at a time in call order.

use crate::*;
use liberation_gates::deployment::{Deployment as CoreDeployment, Event};
use liberation_gates::store::{DurableLedger as CoreLedger, Store as CoreStore};
use napi::bindgen_prelude::{AsyncTask, Either, Unknown};
use napi::{Env, Task};
use napi_derive::napi;
use serde_json::{json, Value};
use std::sync::{Arc, Mutex, MutexGuard};

type Job = Box<dyn FnOnce() -> core::error::Result<Value> + Send>;

/// Work on a store off the event loop. What comes back is an envelope lib.cjs unwraps:
/// `{lgOk: value}`, or `{lgErr: [code, message]}` for a core error (whose code,
/// `family/kind`, an async task's own rejection could not carry).
pub struct Work(Option<Job>);

fn envelope(r: core::error::Result<Value>) -> Value {
    match r {
        Ok(v) => json!({ "lgOk": v }),
        Err(e) => {
            let e = err(e);
            json!({ "lgErr": [e.status, e.reason] })
        }
    }
}

impl Task for Work {
    type Output = Value;
    type JsValue = Unknown<'static>;
    fn compute(&mut self) -> napi::Result<Value> {
        Ok(envelope(
            self.0.take().map_or_else(|| Ok(Value::Null), |job| job()),
        ))
    }
    fn resolve(&mut self, env: Env, output: Value) -> napi::Result<Unknown<'static>> {
        env.to_js_value(&output)
    }
}

fn work(job: impl FnOnce() -> core::error::Result<Value> + Send + 'static) -> AsyncTask<Work> {
    AsyncTask::new(Work(Some(Box::new(job))))
}

/// A value as a JS object, in the worker (serde only: no JS values there).
fn js<T: serde::Serialize>(v: &T) -> core::error::Result<Value> {
    serde_json::to_value(core::casing::CamelCase(v)).map_err(|e| {
        core::error::StoreError::Unavailable(format!("could not convert the answer: {e}")).into()
    })
}

fn locked<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Opening a store-backed object off the event loop: the object, or the error's envelope.
pub struct Opening<T>(Option<Box<dyn FnOnce() -> core::error::Result<T> + Send>>);

impl<T: Send + napi::bindgen_prelude::ToNapiValue + napi::bindgen_prelude::TypeName + 'static> Task
    for Opening<T>
{
    type Output = Either<T, Value>;
    type JsValue = Either<T, Unknown<'static>>;
    fn compute(&mut self) -> napi::Result<Either<T, Value>> {
        let opened = self.0.take().map(|open| open());
        Ok(match opened {
            Some(Ok(t)) => Either::A(t),
            Some(Err(e)) => Either::B(envelope(Err(e))),
            None => Either::B(Value::Null),
        })
    }
    fn resolve(&mut self, env: Env, output: Self::Output) -> napi::Result<Self::JsValue> {
        Ok(match output {
            Either::A(t) => Either::A(t),
            Either::B(e) => Either::B(env.to_js_value(&e)?),
        })
    }
}

fn opening<T>(
    open: impl FnOnce() -> core::error::Result<T> + Send + 'static,
) -> AsyncTask<Opening<T>>
where
    Opening<T>: Task,
{
    AsyncTask::new(Opening(Some(Box::new(open))))
}

/// The refusal of a store URL by a synchronous constructor.
fn use_open(class: &str, durable: &str) -> napi::Error<String> {
    arg(format!(
        "new {class}() is in memory: a {class} kept in a store is `await {durable}.open(...)`, whose writes run off the event loop"
    ))
}

/// `new Ledger()`: in memory only in Node (see [`DurableLedger`]).
pub(crate) fn in_memory_ledger(store: Option<&str>) -> Result<CoreLedger> {
    match store {
        None => CoreLedger::new(None).map_err(err),
        Some(_) => Err(use_open("Ledger", "DurableLedger")),
    }
}

/// `new Deployment(...)`: in memory only in Node (see [`DurableDeployment`]).
pub(crate) fn in_memory_deployment(
    setup: core::deployment::Setup,
    store: Option<&str>,
) -> Result<CoreDeployment> {
    match store {
        None => Ok(CoreDeployment::new(setup)),
        Some(_) => Err(use_open("Deployment", "DurableDeployment")),
    }
}

/// Append-only records with a checksum chain, and state, in a durable store; every method
/// returns a Promise.
#[napi]
pub struct Store {
    inner: Arc<Mutex<Box<dyn CoreStore>>>,
    backend: &'static str,
}

impl Store {
    fn of(store: Box<dyn CoreStore>) -> Store {
        Store {
            backend: store.backend(),
            inner: Arc::new(Mutex::new(store)),
        }
    }
    fn run(
        &self,
        f: impl FnOnce(&mut dyn CoreStore) -> core::error::Result<Value> + Send + 'static,
    ) -> AsyncTask<Work> {
        let store = self.inner.clone();
        work(move || f(locked(&store).as_mut()))
    }
}

#[napi]
impl Store {
    /// A store in memory (`url` absent or "memory:"); a durable one is `await Store.open(url)`.
    #[napi(constructor)]
    pub fn new(url: Option<String>) -> Result<Self> {
        match url.as_deref() {
            None | Some("memory:") => core::store::open("memory:").map(Store::of).map_err(err),
            Some(_) => Err(use_open("Store", "Store")),
        }
    }
    /// Opens `url` ("memory:", "sqlite:PATH", "postgres://…") and verifies its history.
    #[napi(ts_return_type = "Promise<Store>")]
    pub fn open(url: String) -> AsyncTask<Opening<Store>> {
        opening(move || Ok(Store::of(core::store::open(&url)?)))
    }
    /// The backend's name.
    #[napi(getter)]
    pub fn backend(&self) -> &'static str {
        self.backend
    }
    /// Appends a record; `body` is JSON text, or any JSON value (written as JSON).
    #[napi(
        ts_args_type = "stream: string, id: string, body: unknown",
        ts_return_type = "Promise<import('./types').StoredRecord>"
    )]
    pub fn append(&self, stream: String, id: String, body: Value) -> AsyncTask<Work> {
        let text = match body {
            Value::String(s) => s,
            other => other.to_string(),
        };
        self.run(move |s| js(&s.append(&stream, &id, &text)?))
    }
    /// The records of `stream` (every stream when omitted), oldest first.
    #[napi(ts_return_type = "Promise<Array<import('./types').StoredRecord>>")]
    pub fn records(&self, stream: Option<String>) -> AsyncTask<Work> {
        self.run(move |s| js(&s.records(stream.as_deref())?))
    }
    /// The record `id` of `stream`, or null.
    #[napi(ts_return_type = "Promise<import('./types').StoredRecord | null>")]
    pub fn record(&self, stream: String, id: String) -> AsyncTask<Work> {
        self.run(move |s| js(&s.record(&stream, &id)?))
    }
    /// Recomputes the checksum chain; the number of records (StoreError `tampered` if broken).
    #[napi(ts_return_type = "Promise<number>")]
    pub fn verify(&self) -> AsyncTask<Work> {
        self.run(|s| Ok(json!(s.verify()?)))
    }
    /// Sets `key` to `value`.
    #[napi(ts_return_type = "Promise<void>")]
    pub fn put_state(&self, key: String, value: String) -> AsyncTask<Work> {
        self.run(move |s| Ok(s.put_state(&key, &value).map(|()| Value::Null)?))
    }
    /// The value of `key`, or null.
    #[napi(ts_return_type = "Promise<string | null>")]
    pub fn state(&self, key: String) -> AsyncTask<Work> {
        self.run(move |s| js(&s.state(&key)?))
    }
}

/// A ledger kept in a durable store: every record is written there first, off the event loop.
/// Read it through `snapshot()`, an in-memory `Ledger` with the reports.
#[napi]
pub struct DurableLedger {
    inner: Arc<Mutex<CoreLedger>>,
    backend: Option<&'static str>,
}

impl DurableLedger {
    fn run(
        &self,
        f: impl FnOnce(&mut CoreLedger) -> core::error::Result<Value> + Send + 'static,
    ) -> AsyncTask<Work> {
        let ledger = self.inner.clone();
        work(move || f(&mut locked(&ledger)))
    }
    /// The currency of a recorded split, for an amount given in minor units. lib.cjs runs one
    /// call at a time, so no task holds the lock while this reads it.
    fn currency_of(&self, split_id: &str) -> &'static str {
        locked(&self.inner).split_currency_code(split_id)
    }
}

#[napi]
impl DurableLedger {
    /// Opens the ledger kept in `store` ("sqlite:PATH", "postgres://…", "memory:"), replayed
    /// from it.
    #[napi(ts_return_type = "Promise<DurableLedger>")]
    pub fn open(store: String) -> AsyncTask<Opening<DurableLedger>> {
        opening(move || {
            let l = CoreLedger::open(&store)?;
            Ok(DurableLedger {
                backend: l.backend(),
                inner: Arc::new(Mutex::new(l)),
            })
        })
    }
    /// Computes a split, stores it, then records it; the split, as `split()` returns it.
    #[napi(js_name = "recordSplit", ts_return_type = "Promise<SplitResult>")]
    pub fn record_split(
        &self,
        id: String,
        t: f64,
        #[napi(ts_arg_type = "Money")] gross: Money<'_>,
        currency: String,
        #[napi(ts_arg_type = "CreatorArg[]")] creators: Obj<'_>,
        #[napi(ts_arg_type = "SplitOptions | null")] options: Option<Obj<'_>>,
    ) -> Result<AsyncTask<Work>> {
        let input = split_input(Some(&gross), &currency, creators, options)?;
        Ok(self.run(move |l| js(&l.record_split(&id, t, &input)?)))
    }
    /// Refunds `amount` of the recorded split `splitId`, stores it, then records it.
    #[napi(js_name = "recordRefund", ts_return_type = "Promise<void>")]
    pub fn record_refund(
        &self,
        id: String,
        t: f64,
        split_id: String,
        #[napi(ts_arg_type = "Money")] amount: Money<'_>,
    ) -> Result<AsyncTask<Work>> {
        let amount = money(&amount, self.currency_of(&split_id), "amount")?;
        Ok(self.run(move |l| {
            l.record_refund(&id, t, &split_id, &amount)
                .map(|()| Value::Null)
        }))
    }
    /// Records a payout the payment system made: `amount` to `creator` for split `splitId`.
    #[napi(js_name = "recordPayout", ts_return_type = "Promise<void>")]
    pub fn record_payout(
        &self,
        id: String,
        t: f64,
        split_id: String,
        creator: String,
        #[napi(ts_arg_type = "Money")] amount: Money<'_>,
    ) -> Result<AsyncTask<Work>> {
        let amount = money(&amount, self.currency_of(&split_id), "amount")?;
        let run = move |l: &mut CoreLedger| {
            l.record_payout(&id, t, &split_id, &creator, &amount)
                .map(|()| Value::Null)
        };
        Ok(self.run(run))
    }
    /// The ledger as it stands after the calls before this one, in memory: `report`,
    /// `sovereigntySummary`, … on it.
    #[napi(ts_return_type = "Promise<Ledger>")]
    pub fn snapshot(&self) -> AsyncTask<Opening<Ledger>> {
        let ledger = self.inner.clone();
        opening(move || {
            let copy = locked(&ledger).ledger().clone();
            Ok(Ledger {
                inner: CoreLedger::in_memory(copy),
            })
        })
    }
    /// The store's backend ("sqlite", "postgres", "memory").
    #[napi(getter, js_name = "storeBackend", ts_return_type = "string | null")]
    pub fn store_backend(&self) -> Option<&'static str> {
        self.backend
    }
}

/// A deployment kept in a durable store, replayed from it on open; every event is written
/// there first, off the event loop. Reads return Promises too: they wait for the writes
/// before them.
#[napi]
pub struct DurableDeployment {
    inner: Arc<Mutex<CoreDeployment>>,
    backend: Option<&'static str>,
}

impl DurableDeployment {
    fn run(
        &self,
        f: impl FnOnce(&mut CoreDeployment) -> core::error::Result<Value> + Send + 'static,
    ) -> AsyncTask<Work> {
        let d = self.inner.clone();
        work(move || f(&mut locked(&d)))
    }
}

#[napi]
impl DurableDeployment {
    /// Opens the deployment of `service` kept in `store` ("sqlite:PATH", "postgres://…");
    /// `plan`, `policy`, `health`: null for the built-in ones.
    #[napi(ts_return_type = "Promise<DurableDeployment>")]
    pub fn open(
        service: String,
        store: String,
        plan: Option<&DeploymentPlan>,
        policy: Option<&Policy>,
        health: Option<&HealthModel>,
    ) -> AsyncTask<Opening<DurableDeployment>> {
        let (plan, policy) = (
            plan.map(|p| p.inner.clone()),
            policy.map(|p| p.inner.clone()),
        );
        let health = health.map(|h| h.inner.clone());
        opening(move || {
            let setup = core::deployment::Setup::or_builtin(&service, plan, policy, health)?;
            let d = CoreDeployment::open_url(setup, &store)?;
            Ok(DurableDeployment {
                backend: d.backend(),
                inner: Arc::new(Mutex::new(d)),
            })
        })
    }
    /// Applies one event (an object, as a line of an events file); the step. A refused event
    /// changes nothing.
    #[napi(ts_return_type = "Promise<DeploymentStep>")]
    pub fn apply(
        &self,
        #[napi(ts_arg_type = "DeploymentEvent")] event: Obj<'_>,
    ) -> Result<AsyncTask<Work>> {
        let e = Event::from_value(&obj(event, "event")?).map_err(err)?;
        Ok(self.run(move |d| js(&d.apply(&e)?)))
    }
    /// Applies an events file's text, line by line; an error names its line.
    #[napi(js_name = "applyJsonl", ts_return_type = "Promise<DeploymentStep[]>")]
    pub fn apply_jsonl(&self, text: String) -> AsyncTask<Work> {
        self.run(move |d| js(&d.apply_jsonl(&text)?))
    }
    /// The state: service, attempt, phase, status, strategy, canary, weight, rollback, …
    #[napi(ts_return_type = "Promise<DeploymentState>")]
    pub fn state(&self) -> AsyncTask<Work> {
        self.run(|d| js(&d.state()))
    }
    /// Every notice raised, in order.
    #[napi(ts_return_type = "Promise<Notice[]>")]
    pub fn notices(&self) -> AsyncTask<Work> {
        self.run(|d| js(&d.notices()))
    }
    /// The notices not delivered yet, in order: send each, then `markDelivered(id)`.
    #[napi(ts_return_type = "Promise<Notice[]>")]
    pub fn undelivered(&self) -> AsyncTask<Work> {
        self.run(|d| js(&d.undelivered()))
    }
    /// Marks notice `id` and every one before it delivered (kept in the store).
    #[napi(js_name = "markDelivered", ts_return_type = "Promise<void>")]
    pub fn mark_delivered(&self, id: String) -> AsyncTask<Work> {
        self.run(move |d| d.mark_delivered(&id).map(|()| Value::Null))
    }
    /// The store's backend ("sqlite", "postgres", "memory").
    #[napi(getter, js_name = "storeBackend", ts_return_type = "string | null")]
    pub fn store_backend(&self) -> Option<&'static str> {
        self.backend
    }
}
