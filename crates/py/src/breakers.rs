//! Circuit breakers guarding calls.

use crate::*;
use liberation_gates as core;
use liberation_gates::breaker::{guard, BreakerConfig, CallEnd, GuardStep, Outcome};
use liberation_gates::clock::{Clock, SystemClock};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyTuple};
use std::sync::Arc;
use std::time::Instant;
// ---------------------------------------------------------------------------------------
// Breakers and fallbacks.

pub(crate) fn breaker_config(config: Opt<'_, '_>) -> PyResult<BreakerConfig> {
    BreakerConfig::from_de(de(config).as_mut()).map_err(err)
}

/// The guard protocol (the core's `breaker::guard`) for the Python wrapper's own call paths:
/// given how a call ended (`None`: the breaker refused it), what to record (`True` a failure,
/// `False` a success, `None` nothing) and what to do next (`"return"`, `"fallback"`,
/// `"rethrow"`, `"rethrow_classifier_error"`).
#[pyfunction]
#[pyo3(signature = (end, has_fallback))]
pub(crate) fn guard_step(
    end: Option<&str>,
    has_fallback: bool,
) -> PyResult<(Option<bool>, &'static str)> {
    let end = end.map(str::parse::<CallEnd>).transpose().map_err(err)?;
    let (outcome, step) = guard(end, has_fallback);
    Ok((outcome.map(Outcome::is_failure), step.as_str()))
}

/// Wraps a plain (not `async`) function in `breaker` (a native `CircuitBreaker` or
/// `SharedBreaker`): the decorator's per-call path, in Rust. An exception that is an instance
/// of `failure_exceptions` and not of `ignore_exceptions` counts as a failure; the fallback,
/// if any, answers refused and failed calls.
#[pyfunction]
#[pyo3(signature = (breaker, func, failure_exceptions, ignore_exceptions, fallback=None))]
pub(crate) fn guard_function(
    breaker: &Bound<'_, PyAny>,
    func: Py<PyAny>,
    failure_exceptions: Py<PyAny>,
    ignore_exceptions: Py<PyAny>,
    fallback: Option<Py<PyAny>>,
) -> PyResult<Guarded> {
    let breaker = if let Ok(b) = breaker.cast::<CircuitBreaker>() {
        GuardedBreaker::Local(b.get().inner.clone())
    } else if let Ok(b) = breaker.cast::<SharedBreaker>() {
        GuardedBreaker::Shared(b.get().inner.clone())
    } else {
        return Err(pyo3::exceptions::PyTypeError::new_err(
            "breaker must be a native CircuitBreaker or SharedBreaker",
        ));
    };
    Ok(Guarded {
        breaker,
        func,
        failure_exceptions,
        ignore_exceptions,
        fallback,
    })
}

/// The breaker state machine driven with explicit times (SPEC §4), as the vectors use it.
#[pyclass(module = "liberation_gates._native")]
pub(crate) struct BreakerMachine {
    pub(crate) inner: core::breaker::BreakerMachine,
}
holds!(BreakerMachine: core::breaker::BreakerMachine);
holds!(CircuitBreaker: core::breaker::CircuitBreaker);

#[pymethods]
impl BreakerMachine {
    #[new]
    #[pyo3(signature = (config=None))]
    fn new(config: Opt<'_, '_>) -> PyResult<Self> {
        wrap(core::breaker::BreakerMachine::new(breaker_config(config)?))
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
    /// Records `k` successful, non-slow calls at `t` at once: the machine ends as after `k`
    /// single records (BreakerError `invalid_op` unless `k` is a whole number ≥ 0).
    fn record_successes(&mut self, t: f64, k: &Bound<'_, PyAny>) -> PyResult<&'static str> {
        let state = self.inner.record_successes(t, num(k, "k")?).map_err(err)?;
        Ok(state.as_str())
    }
    #[getter]
    fn state(&self) -> &'static str {
        self.inner.state().as_str()
    }
}

/// A clock that calls a Python callable (e.g. `time.monotonic`). A clock that raises or
/// returns a non-number reads as not having moved.
pub(crate) struct PyClock(Py<PyAny>);

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

pub(crate) fn clock_of(clock: Option<Py<PyAny>>) -> Arc<dyn Clock> {
    match clock {
        Some(c) => Arc::new(PyClock(c)),
        None => Arc::new(SystemClock::new()),
    }
}

/// A thread-safe circuit breaker (the Python wrapper adds decorators and context managers).
#[pyclass(frozen, module = "liberation_gates._native")]
pub(crate) struct CircuitBreaker {
    pub(crate) inner: Arc<core::breaker::CircuitBreaker>,
}

#[pymethods]
impl CircuitBreaker {
    #[new]
    #[pyo3(signature = (config=None, clock=None))]
    fn new(config: Opt<'_, '_>, clock: Option<Py<PyAny>>) -> PyResult<Self> {
        let config = breaker_config(config)?;
        wrap(match clock {
            Some(c) => core::breaker::CircuitBreaker::with_clock(config, Arc::new(PyClock(c))),
            None => core::breaker::CircuitBreaker::new(config),
        })
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
        let outcome = Outcome::from_failed(failure);
        self.inner
            .record_at(now, outcome, (now - started).max(0.0))
            .as_str()
    }
    /// Records a call of `seconds`, now.
    fn record_duration(&self, failure: bool, seconds: f64) -> &'static str {
        let outcome = Outcome::from_failed(failure);
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
    fn metrics<'py>(&self, py: Python<'py>) -> Out<'py> {
        to_py(py, &self.inner.metrics())
    }
    /// Calls `listener(t, from_state, to_state)` on every transition.
    fn on_transition(&self, listener: Py<PyAny>) {
        self.inner
            .on_transition(move |tr| notify_transition(&listener, tr));
    }
}

/// Calls `listener(t, from_state, to_state)`; what it raises is reported as unraisable.
pub(crate) fn notify_transition(listener: &Py<PyAny>, tr: &core::breaker::Transition) {
    Python::attach(|py| {
        if let Err(e) = listener.call1(py, (tr.t, tr.from.as_str(), tr.to.as_str())) {
            e.write_unraisable(py, None);
        }
    })
}

/// A function protected by a breaker (made by `CircuitBreaker.guard`). Calling it acquires a
/// permit, calls the function, classifies an exception, records the outcome with the call's
/// duration and falls back — one native call instead of two plus a Python frame. It has an
/// instance `__dict__` so that `functools.update_wrapper` can copy the function's name and
/// docs, and binds like a function when used on a method.
#[pyclass(frozen, dict, module = "liberation_gates._native")]
pub(crate) struct Guarded {
    pub(crate) breaker: GuardedBreaker,
    func: Py<PyAny>,
    failure_exceptions: Py<PyAny>,
    ignore_exceptions: Py<PyAny>,
    fallback: Option<Py<PyAny>>,
}

/// The breaker a [`Guarded`] function goes through.
pub(crate) enum GuardedBreaker {
    Local(Arc<core::breaker::CircuitBreaker>),
    Shared(Arc<core::store::shared::SharedBreaker>),
}

/// A permit of a [`GuardedBreaker`]: a local one is timed on its breaker's clock (which a test
/// may inject), a shared one on the monotonic clock, remembering which state gave it.
pub(crate) enum GuardedPermit {
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
        // The core's guard protocol decides what is recorded and what happens next.
        let has_fallback = self.fallback.is_some();
        let fallback = || match &self.fallback {
            Some(f) => f.call(py, args, kwargs),
            None => Err(PyValueError::new_err("no fallback")),
        };
        let permit = match self.breaker.acquire(py) {
            Ok(p) => p,
            Err(rejected) => {
                return match guard(None, has_fallback).1 {
                    GuardStep::Fallback => fallback(),
                    _ => Err(err(core::error::BreakerError::from(rejected))),
                }
            }
        };
        let result = self.func.call(py, args, kwargs);
        let mut classifier_error = None;
        let end = match &result {
            Ok(_) => CallEnd::Returned,
            Err(e) => match self.is_failure(py, e) {
                Ok(true) => CallEnd::Failed,
                Ok(false) => CallEnd::Ignored,
                Err(c) => {
                    classifier_error = Some(c);
                    CallEnd::ClassifierFailed
                }
            },
        };
        let (outcome, step) = guard(Some(end), has_fallback);
        if let Some(o) = outcome {
            self.breaker.record(py, permit, o);
        }
        match (step, result, classifier_error) {
            (GuardStep::Fallback, _, _) => fallback(),
            (GuardStep::RethrowClassifierError, _, Some(c)) => Err(c),
            (_, result, _) => result,
        }
    }
    /// Binds like a function: `obj.method` gives a bound method.
    fn __get__(
        slf: &Bound<'_, Self>,
        obj: Opt<'_, '_>,
        _objtype: Opt<'_, '_>,
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
