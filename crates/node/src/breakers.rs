//! Circuit breakers and fallback caches.

use crate::*;
use liberation_gates as core;
use liberation_gates::breaker::{
    guard, BreakerConfig, BreakerState, CallEnd, GuardStep, Outcome, Transition,
};
use liberation_gates::fallback::Attribution;
use napi::bindgen_prelude::{External, Object};
use napi::De;
use napi_derive::napi;
use serde_json::Value;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex, Weak};
// Breakers and fallbacks ---------------------------------------------------------------------

/// A breaker config read straight from the JS object (NaN reaches the core and is refused).
pub(crate) fn breaker_config(config: Option<Object<'_>>) -> Result<BreakerConfig> {
    BreakerConfig::from_de(config.as_ref().map(De::new).as_mut()).map_err(err)
}

include!("surface/breakers.rs");
breakers!(napi, ts_arg_type, ts_arg_type, ts_return_type);

/// What a `NativeBreaker` and its hot-path handle share.
pub struct BreakerShared {
    pub(crate) inner: Arc<core::breaker::CircuitBreaker>,
    transitions: Mutex<Vec<Transition>>,
    /// Whether `transitions` is non-empty, readable without the lock (set and cleared under it).
    has_pending: AtomicBool,
}

impl BreakerShared {
    /// 2 if transitions wait in `takeTransitions()`, | 8 if every acquire is permitted now
    /// (the core's `permits_every_call`: `fire` may skip the next acquire), | 4 if the core
    /// gives a success lease (`breakerLease`: `fire` may count successes itself).
    fn pending(&self) -> u32 {
        let pending = self.has_pending.load(Ordering::Acquire) as u32 * 2;
        let lease = self.inner.success_lease().is_some() as u32 * 4;
        pending | (self.inner.permits_every_call() as u32 * 8) | lease
    }
    /// 1 if permitted, | 2 if transitions wait; a refusal carries the index of the state
    /// that refused (in [`breaker_states`]) in bits 4 and up, for its message.
    /// Hands over what `fire` counted itself: `permits` skipped acquires, then `successes`
    /// taken under a lease.
    fn local(&self, permits: u32, successes: u32) {
        self.inner.count_permits(permits.into());
        self.inner.count_successes(successes.into());
    }
    fn acquire(&self, t: f64) -> u32 {
        // A state's index is its place in `BreakerState::ALL` (declaration order).
        let bits = self
            .inner
            .acquire_at(t)
            .map_or_else(|r| (r.state as u32) << 4, |()| 1);
        bits | self.pending()
    }
}

/// A thread-safe circuit breaker driven with the caller's clock; `acquire` and `record` return
/// a bit set: 1 = permitted (acquire only), 2 = transitions are waiting in `takeTransitions()`.
#[napi]
pub struct NativeBreaker {
    shared: Arc<BreakerShared>,
}

/// The breaker behind [`breaker_acquire`] and [`breaker_record`], the per-call hot path of
/// `CircuitBreaker.fire`. They are free functions on this handle rather than methods because
/// napi-rs unwraps a method's `this` at ≈175 ns a call here (a no-op method measured 196 ns, a
/// no-op function on an external 96 ns), more than the breaker itself costs.
pub type BreakerHandle = External<Arc<BreakerShared>>;

/// `NativeBreaker#acquire` through a handle, after counting `permits` acquires skipped while
/// every call was permitted (see bit 8) and `successes` counted under a lease (bit 4).
#[napi(
    ts_args_type = "handle: ExternalObject<'BreakerHandle'>, t: number, permits: number, successes: number"
)]
pub fn breaker_acquire(handle: &BreakerHandle, t: f64, permits: u32, successes: u32) -> u32 {
    handle.local(permits, successes);
    handle.acquire(t)
}

/// The core's success lease (`CircuitBreaker::success_lease`): `[until, slowCallSeconds]`, or
/// `null` when there is none.
#[napi(
    ts_args_type = "handle: ExternalObject<'BreakerHandle'>",
    ts_return_type = "[number, number] | null"
)]
pub fn breaker_lease(handle: &BreakerHandle) -> Option<Vec<f64>> {
    handle
        .inner
        .success_lease()
        .map(|(until, slow)| vec![until, slow])
}

/// The guard protocol's verdict (the core's `breaker::guard`): `end` is the index of the
/// call's `CallEnd` (see [`call_ends`]), or -1 when the breaker refused the call.
fn verdict(end: i32, has_fallback: bool) -> Result<(Option<Outcome>, GuardStep)> {
    let end = match end {
        -1 => None,
        i => Some(
            *usize::try_from(i)
                .ok()
                .and_then(|i| CallEnd::ALL.get(i))
                .ok_or_else(|| arg(format!("unknown call end {i}")))?,
        ),
    };
    Ok(guard(end, has_fallback))
}

/// Ends a permitted call through a handle, after counting `permits` skipped acquires and
/// `successes` counted under a lease: records
/// it as the guard protocol says and returns bits 2 and 8 (see `acquire`) with the
/// `GuardStep` index in bits 4 and up.
#[napi(
    ts_args_type = "handle: ExternalObject<'BreakerHandle'>, t: number, end: number, seconds: number, hasFallback: boolean, permits: number, successes: number"
)]
pub fn breaker_finish(
    handle: &BreakerHandle,
    t: f64,
    end: i32,
    seconds: f64,
    has_fallback: bool,
    permits: u32,
    successes: u32,
) -> Result<u32> {
    handle.local(permits, successes);
    let (outcome, step) = verdict(end, has_fallback)?;
    if let Some(o) = outcome {
        handle.inner.record_at(t, o, seconds);
    }
    Ok(handle.pending() | (step as u32) << 4)
}

/// The guard protocol's verdict alone (for the shared breaker, which records through Redis):
/// what to record (0 nothing, 1 success, 2 failure) with the `GuardStep` index in bits 4 and up.
#[napi]
pub fn guard_step(end: i32, has_fallback: bool) -> Result<u32> {
    let (outcome, step) = verdict(end, has_fallback)?;
    let record = outcome.map_or(0, |o| 1 + o.is_failure() as u32);
    Ok(record | (step as u32) << 4)
}

/// The names of the breaker states, in the order their indices mean.
#[napi]
pub fn breaker_states() -> Vec<&'static str> {
    BreakerState::NAMES.to_vec()
}

/// The names of the call ends, in the order their indices mean.
#[napi]
pub fn call_ends() -> Vec<&'static str> {
    CallEnd::NAMES.to_vec()
}

/// The names of the guard steps, in the order their indices mean.
#[napi]
pub fn guard_steps() -> Vec<&'static str> {
    GuardStep::NAMES.to_vec()
}

/// Breakers shared with other threads of this process, by token (`share`/`attach`). Weak:
/// sharing keeps no breaker alive.
static SHARED: std::sync::LazyLock<
    Mutex<std::collections::HashMap<u32, Weak<core::breaker::CircuitBreaker>>>,
> = std::sync::LazyLock::new(Default::default);
static NEXT_TOKEN: AtomicU32 = AtomicU32::new(1);

impl NativeBreaker {
    /// A view of `inner` with its own queue of transitions for `takeTransitions()`.
    fn over(inner: Arc<core::breaker::CircuitBreaker>) -> NativeBreaker {
        let shared = Arc::new(BreakerShared {
            inner,
            transitions: Mutex::new(Vec::new()),
            has_pending: AtomicBool::new(false),
        });
        // The listener holds a weak reference: the breaker owns its listeners, so a strong
        // one would keep the breaker alive forever.
        let sink = Arc::downgrade(&shared);
        shared.inner.on_transition(move |t| {
            if let Some(shared) = sink.upgrade() {
                let mut v = shared.transitions.lock().unwrap_or_else(|p| p.into_inner());
                v.push(*t);
                shared.has_pending.store(true, Ordering::Release);
            }
        });
        NativeBreaker { shared }
    }

    /// The core breaker, for `Metrics.addBreaker`.
    pub(crate) fn core(&self) -> Arc<core::breaker::CircuitBreaker> {
        self.shared.inner.clone()
    }
}

#[napi]
impl NativeBreaker {
    #[napi(constructor)]
    pub fn new(config: Option<Object<'_>>) -> Result<Self> {
        let inner = core::breaker::CircuitBreaker::new(breaker_config(config)?).map_err(err)?;
        Ok(NativeBreaker::over(Arc::new(inner)))
    }
    /// A token naming this breaker to the other threads of this process (worker threads):
    /// `NativeBreaker.attach(token)` there drives the same breaker. The token keeps nothing
    /// alive: once every breaker over it is collected, attaching fails.
    #[napi]
    pub fn share(&self) -> u32 {
        let mut shared = SHARED.lock().unwrap_or_else(|p| p.into_inner());
        shared.retain(|_, b| b.strong_count() > 0);
        let me = Arc::downgrade(&self.shared.inner);
        if let Some((&token, _)) = shared.iter().find(|(_, b)| b.ptr_eq(&me)) {
            return token;
        }
        let token = NEXT_TOKEN.fetch_add(1, Ordering::Relaxed);
        shared.insert(token, me);
        token
    }
    /// The breaker another thread of this process shared as `token` (see `share`), with its
    /// own transition events.
    #[napi(factory)]
    pub fn attach(token: u32) -> Result<Self> {
        let shared = SHARED.lock().unwrap_or_else(|p| p.into_inner());
        let inner = shared.get(&token).and_then(std::sync::Weak::upgrade);
        drop(shared);
        inner.map(NativeBreaker::over).ok_or_else(|| {
            arg(format!(
                "no breaker is shared as token {token} in this process (a token from \
                 another process, or its breaker was collected)"
            ))
        })
    }
    /// A handle for `breakerAcquire` / `breakerRecord`.
    #[napi(ts_return_type = "ExternalObject<'BreakerHandle'>")]
    pub fn handle(&self) -> BreakerHandle {
        External::new(self.shared.clone())
    }
    #[napi]
    pub fn acquire(&self, t: f64) -> u32 {
        self.shared.acquire(t)
    }
    /// Counts `permits` acquires skipped while every call was permitted, then `successes`
    /// counted under a lease.
    #[napi]
    pub fn count_local(&self, permits: u32, successes: u32) {
        self.shared.local(permits, successes);
    }
    /// Transitions since the last call, in order: `{t, from, to}`.
    #[napi(ts_return_type = "TransitionObject[]")]
    pub fn take_transitions(&self) -> Result<Out> {
        let mut v = self
            .shared
            .transitions
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        self.shared.has_pending.store(false, Ordering::Release);
        out(&v.drain(..).collect::<Vec<_>>())
    }
    #[napi]
    pub fn force_open(&self, t: f64) -> String {
        self.shared.inner.force_open_at(t).as_str().to_string()
    }
    #[napi]
    pub fn disable(&self, t: f64) -> String {
        self.shared.inner.disable_at(t).as_str().to_string()
    }
    #[napi]
    pub fn reset(&self, t: f64) -> String {
        self.shared.inner.reset_at(t).as_str().to_string()
    }
    /// A snapshot at `t`: state, calls, failure_rate, slow_call_rate, seconds_until_half_open, stats.
    #[napi(ts_return_type = "import('./types').BreakerMetrics")]
    pub fn metrics(&self, t: f64) -> Result<Value> {
        out(&self.shared.inner.metrics_at(t))
    }
    /// Whether the breaker refuses calls at `t` (`open` or `forced_open`).
    #[napi]
    pub fn rejects_calls(&self, t: f64) -> bool {
        self.shared.inner.metrics_at(t).state.rejects_calls()
    }
}

/// Last good answers (JSON values) with attribution, bounded and expiring; times from the caller.
#[napi]
pub struct NativeFallbackCache {
    pub(crate) inner: core::fallback::FallbackCache<Value>,
}

/// An attribution argument (`{creators, revenue, note}`, or null for none).
type AttrArg<'a> = Option<Object<'a>>;

fn attribution_in(a: AttrArg<'_>) -> Result<Attribution> {
    Ok(opt_obj(a, "attribution")?.unwrap_or_default())
}

#[napi]
impl NativeFallbackCache {
    #[napi(constructor)]
    pub fn new(capacity: Option<f64>, ttl_seconds: Option<f64>) -> Result<Self> {
        core::fallback::FallbackCache::with_numbers_caller_timed(capacity, ttl_seconds)
            .map(|inner| NativeFallbackCache { inner })
            .map_err(err)
    }
    #[napi]
    pub fn store(
        &self,
        key: String,
        #[napi(ts_arg_type = "unknown")] value: Value,
        #[napi(ts_arg_type = "import('./types').Attribution | null")] attribution: AttrArg<'_>,
        t: f64,
    ) -> Result<()> {
        self.inner
            .store_at(&key, value, attribution_in(attribution)?, t);
        Ok(())
    }
    #[napi(ts_return_type = "import('./types').Served | null")]
    pub fn get(&self, key: String, t: f64) -> Result<Value> {
        out(&self.inner.get_at(&key, t))
    }
    /// What to serve once a call has settled (the core's rule): `succeeded` stores `value` and
    /// serves it fresh; otherwise the cached answer within the TTL, if any.
    #[napi(ts_return_type = "import('./types').Served | null")]
    pub fn settle(
        &self,
        key: String,
        succeeded: bool,
        #[napi(ts_arg_type = "unknown")] value: Value,
        #[napi(ts_arg_type = "import('./types').Attribution | null")] attribution: AttrArg<'_>,
        t: f64,
    ) -> Result<Value> {
        let answer = succeeded.then_some((value, attribution_in(attribution)?));
        out(&self.inner.settle_at(&key, answer, t))
    }
    #[napi(getter)]
    pub fn size(&self) -> u32 {
        self.inner.len() as u32
    }
}
