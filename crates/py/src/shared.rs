//! Breakers shared through Redis, and fallback caches.

use crate::*;
use liberation_gates as core;
use liberation_gates::breaker::Outcome;
use liberation_gates::fallback::{Attribution, Unavailable};
use liberation_gates::store::shared::SharedEvent;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use std::sync::Arc;
use std::time::Instant;
/// A breaker whose window and state live in Redis, shared by every process using the same
/// name; a local breaker takes over while Redis is unreachable (the Python wrapper is
/// `CircuitBreaker(shared=URL)`). Redis round trips release the GIL.
#[pyclass(frozen, module = "liberation_gates._native")]
pub(crate) struct SharedBreaker {
    pub(crate) inner: Arc<core::store::shared::SharedBreaker>,
}
holds!(SharedBreaker: core::store::shared::SharedBreaker);
holds!(FallbackCache: core::fallback::FallbackCache<Arc<Py<PyAny>>>);

/// What `SharedBreaker.acquire` hands out and `record` takes back.
#[pyclass(frozen, module = "liberation_gates._native")]
pub(crate) struct SharedPermit {
    pub(crate) started: Instant,
    pub(crate) shared: bool,
}

#[pymethods]
impl SharedBreaker {
    #[new]
    #[pyo3(signature = (url, name, config=None))]
    fn new(url: &str, name: &str, config: Opt<'_, '_>) -> PyResult<Self> {
        let config = breaker_config(config)?;
        let shared = core::store::shared::SharedBreaker::connect(url, name, config);
        wrap(shared)
    }
    /// Asks to make a call now; a permit for `record`, or raises CircuitOpenError.
    fn acquire(&self, py: Python<'_>) -> PyResult<SharedPermit> {
        let started = Instant::now();
        match py.detach(|| self.inner.acquire()) {
            Ok(shared) => Ok(SharedPermit { started, shared }),
            Err(r) => Err(err(core::error::BreakerError::from(r))),
        }
    }
    /// Records the outcome of the call `permit` allowed, timed from `acquire` to now.
    fn record(&self, py: Python<'_>, failure: bool, permit: &SharedPermit) -> &'static str {
        let outcome = Outcome::from_failed(failure);
        let seconds = permit.started.elapsed().as_secs_f64();
        py.detach(|| self.inner.record(permit.shared, outcome, seconds))
            .as_str()
    }
    #[getter]
    fn state(&self, py: Python<'_>) -> &'static str {
        py.detach(|| self.inner.state()).as_str()
    }
    /// Whether calls currently go through Redis (else through the local breaker).
    #[getter]
    fn is_shared(&self) -> bool {
        self.inner.is_shared()
    }
    /// State, whether shared, and lifetime counters (every process's, when shared).
    fn metrics<'py>(&self, py: Python<'py>) -> Out<'py> {
        let (state, stats) = py.detach(|| (self.inner.state(), self.inner.stats()));
        let d = PyDict::new(py);
        d.set_item("state", state.as_str())?;
        d.set_item("shared", self.inner.is_shared())?;
        d.set_item("stats", to_py(py, &stats)?)?;
        Ok(d.into_any())
    }
    fn force_open(&self, py: Python<'_>) -> &'static str {
        py.detach(|| self.inner.force_open()).as_str()
    }
    fn disable(&self, py: Python<'_>) -> &'static str {
        py.detach(|| self.inner.disable()).as_str()
    }
    fn reset(&self, py: Python<'_>) -> &'static str {
        py.detach(|| self.inner.reset()).as_str()
    }
    /// Calls `listener(t, from_state, to_state)` on transitions this process makes.
    fn on_transition(&self, listener: Py<PyAny>) {
        self.inner.on_event(move |e| {
            if let SharedEvent::Transition(tr) = e {
                notify_transition(&listener, tr)
            }
        });
    }
    /// Calls `listener("local", reason)` when Redis fails and calls go local, and
    /// `listener("shared", None)` when it answers again.
    fn on_shared_event(&self, listener: Py<PyAny>) {
        self.inner.on_event(move |e| {
            let (what, reason) = match e {
                SharedEvent::Local { reason } => ("local", Some(reason.clone())),
                SharedEvent::Shared => ("shared", None),
                SharedEvent::Transition(_) => return,
            };
            Python::attach(|py| {
                if let Err(e) = listener.call1(py, (what, reason)) {
                    e.write_unraisable(py, None);
                }
            })
        });
    }
}

/// Last good answers with attribution, served while a dependency is unavailable.
#[pyclass(frozen, module = "liberation_gates._native")]
pub(crate) struct FallbackCache {
    pub(crate) inner: core::fallback::FallbackCache<Arc<Py<PyAny>>>,
}

pub(crate) fn attribution(ob: Opt<'_, '_>) -> PyResult<Attribution> {
    match ob.filter(|o| !o.is_none()) {
        None => Ok(Attribution::default()),
        Some(o) => via_json(o, "attribution"),
    }
}

pub(crate) fn served<'py>(
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
    #[pyo3(signature = (capacity=None, ttl_seconds=None, clock=None))]
    fn new(
        capacity: Option<f64>,
        ttl_seconds: Option<f64>,
        clock: Option<Py<PyAny>>,
    ) -> PyResult<Self> {
        let clock = clock_of(clock);
        let cache = core::fallback::FallbackCache::with_numbers(capacity, ttl_seconds, clock);
        wrap(cache)
    }
    /// Stores a good answer and its attribution (`{"creators": [...], "revenue": str?, "note": str?}`).
    #[pyo3(signature = (key, value, attribution_=None))]
    fn store(&self, key: &str, value: Py<PyAny>, attribution_: Opt<'_, '_>) -> PyResult<()> {
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
