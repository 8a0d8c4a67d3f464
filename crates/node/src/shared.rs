//! Breakers shared through Redis.

use crate::*;
use liberation_gates as core;
use liberation_gates::breaker::Outcome;
use napi::bindgen_prelude::Object;
use napi_derive::napi;
use serde_json::Value;
use std::sync::{Arc, Mutex};
/// A breaker whose window and state live in Redis (shared by every process using the same
/// name), with a local breaker while Redis is unreachable. Its Redis round trips run on the
/// libuv thread pool (`acquire` and `record` return promises), never on the event loop.
#[napi]
pub struct NativeSharedBreaker {
    pub(crate) inner: Arc<core::store::shared::SharedBreaker>,
    events: Arc<Mutex<Vec<core::store::shared::SharedEvent>>>,
}

pub struct SharedAcquire(Arc<core::store::shared::SharedBreaker>);

impl napi::Task for SharedAcquire {
    /// 1 = permitted by the shared state, 0 = by the local breaker, -1 = rejected.
    type Output = i32;
    type JsValue = i32;
    fn compute(&mut self) -> napi::Result<i32> {
        Ok(match self.0.acquire() {
            Ok(true) => 1,
            Ok(false) => 0,
            Err(_) => -1,
        })
    }
    fn resolve(&mut self, _env: napi::Env, output: i32) -> napi::Result<i32> {
        Ok(output)
    }
}

pub struct SharedRecord {
    breaker: Arc<core::store::shared::SharedBreaker>,
    shared: bool,
    outcome: Outcome,
    seconds: f64,
}

impl napi::Task for SharedRecord {
    type Output = &'static str;
    type JsValue = String;
    fn compute(&mut self) -> napi::Result<&'static str> {
        Ok(self
            .breaker
            .record(self.shared, self.outcome, self.seconds)
            .as_str())
    }
    fn resolve(&mut self, _env: napi::Env, output: &'static str) -> napi::Result<String> {
        Ok(output.to_string())
    }
}

#[napi]
impl NativeSharedBreaker {
    #[napi(constructor)]
    pub fn new(url: String, name: String, config: Option<Object<'_>>) -> Result<Self> {
        let inner =
            core::store::shared::SharedBreaker::connect(&url, &name, breaker_config(config)?)
                .map_err(err)?;
        let events = Arc::<Mutex<Vec<_>>>::default();
        let sink = Arc::downgrade(&events);
        inner.on_event(move |e| {
            if let Some(sink) = sink.upgrade() {
                sink.lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .push(e.clone());
            }
        });
        Ok(NativeSharedBreaker {
            inner: Arc::new(inner),
            events,
        })
    }
    /// Resolves to 1 (permitted, shared), 0 (permitted by the local breaker) or -1 (rejected).
    #[napi(ts_return_type = "Promise<number>")]
    pub fn acquire(&self) -> napi::bindgen_prelude::AsyncTask<SharedAcquire> {
        napi::bindgen_prelude::AsyncTask::new(SharedAcquire(self.inner.clone()))
    }
    /// Records a call of `seconds` that `acquire` permitted (`shared`: it answered 1).
    #[napi(ts_return_type = "Promise<string>")]
    pub fn record(
        &self,
        shared: bool,
        failure: bool,
        seconds: f64,
    ) -> napi::bindgen_prelude::AsyncTask<SharedRecord> {
        napi::bindgen_prelude::AsyncTask::new(SharedRecord {
            breaker: self.inner.clone(),
            shared,
            outcome: Outcome::from_failed(failure),
            seconds,
        })
    }
    /// Events since the last call, in order.
    #[napi(ts_return_type = "Array<import('./types').SharedEvent>")]
    pub fn take_events(&self) -> Result<Value> {
        out(&std::mem::take(
            &mut *self.events.lock().unwrap_or_else(|p| p.into_inner()),
        ))
    }
    /// Whether calls currently go through Redis.
    #[napi(getter)]
    pub fn is_shared(&self) -> bool {
        self.inner.is_shared()
    }
    /// The state (a Redis round trip on the calling thread).
    #[napi(getter)]
    pub fn state(&self) -> &'static str {
        self.inner.state().as_str()
    }
    /// Lifetime counters (every process's, when shared).
    #[napi(ts_return_type = "import('./types').BreakerStats")]
    pub fn stats(&self) -> Result<Value> {
        out(&self.inner.stats())
    }
    #[napi]
    pub fn force_open(&self) -> &'static str {
        self.inner.force_open().as_str()
    }
    #[napi]
    pub fn disable(&self) -> &'static str {
        self.inner.disable().as_str()
    }
    #[napi]
    pub fn reset(&self) -> &'static str {
        self.inner.reset().as_str()
    }
}
