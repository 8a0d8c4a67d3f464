//! The deployment (issue 18): events in as dicts, steps, state and notices out as dicts.

use crate::*;
use liberation_gates as core;
use pyo3::prelude::*;

/// The six-phase deployment of one service, with verified community decisions and a notice
/// outbox; in memory or kept in a store and resumed from it.
#[pyclass(module = "liberation_gates._native")]
pub(crate) struct Deployment {
    inner: std::sync::Mutex<core::deployment::Deployment>,
}
holds!(Deployment: core::deployment::Deployment);

/// What `deliver`'s loop stops on: the callback's exception, or the core's error made one.
struct Raised(PyErr);

impl From<core::Error> for Raised {
    fn from(e: core::Error) -> Self {
        Raised(err(e))
    }
}

impl Deployment {
    pub(crate) fn state_now(&self) -> core::deployment::DeploymentState {
        lock(&self.inner).state()
    }
}

#[pymethods]
impl Deployment {
    /// `plan`, `policy`, `health`: None for the built-in ones. `store`: None in memory, or
    /// `"sqlite:PATH"` / `"postgres://…"` (replayed from it; every event is written there).
    #[new]
    #[pyo3(signature = (service, *, plan=None, policy=None, health=None, store=None))]
    fn new(
        py: Python<'_>,
        service: &str,
        plan: Option<PyRef<'_, DeploymentPlan>>,
        policy: Option<PyRef<'_, Policy>>,
        health: Option<PyRef<'_, HealthModel>>,
        store: Option<String>,
    ) -> PyResult<Self> {
        let setup = core::deployment::Setup::or_builtin(
            service,
            plan.map(|p| p.inner.clone()),
            policy.map(|p| p.inner.clone()),
            health.map(|h| h.inner.clone()),
        )
        .map_err(err)?;
        wrap(py.detach(|| core::deployment::Deployment::in_store(setup, store.as_deref())))
    }
    /// A read-only view of a deployment of `service` (built-in plan, policy and health
    /// model) from a dump of its store (`liberation-gates store dump`): the dump's checksum
    /// chain is checked (StoreError `tampered`), then its events are replayed in memory.
    #[staticmethod]
    fn from_dump(service: &str, dump: &str) -> PyResult<Self> {
        let setup = core::deployment::Setup::builtin(service).map_err(err)?;
        wrap(core::deployment::Deployment::from_dump(setup, dump))
    }
    /// Applies one event (a dict, as a line of an events file: docs/deploy.md); the step as
    /// a dict. A refused event changes nothing.
    fn apply<'py>(&self, py: Python<'py>, event: &Bound<'py, PyAny>) -> Out<'py> {
        let v: serde_json::Value = via_json(event, "event")?;
        let e = core::deployment::Event::from_value(&v).map_err(err)?;
        to_py(py, &lock(&self.inner).apply(&e).map_err(err)?)
    }
    /// Applies an events file's text, line by line; an error names its line.
    fn apply_jsonl<'py>(&self, py: Python<'py>, text: &str) -> Out<'py> {
        to_py(py, &lock(&self.inner).apply_jsonl(text).map_err(err)?)
    }
    /// The state: service, attempt, phase, status, strategy, canary, weight, rollback, …
    #[getter]
    fn state<'py>(&self, py: Python<'py>) -> Out<'py> {
        to_py(py, &self.state_now())
    }
    /// Every notice raised, in order.
    fn notices<'py>(&self, py: Python<'py>) -> Out<'py> {
        to_py(py, &lock(&self.inner).notices())
    }
    /// The notices not delivered yet, in order.
    fn undelivered<'py>(&self, py: Python<'py>) -> Out<'py> {
        to_py(py, &lock(&self.inner).undelivered())
    }
    /// Marks notice `id` and every one before it delivered.
    fn mark_delivered(&self, id: &str) -> PyResult<()> {
        lock(&self.inner).mark_delivered(id).map_err(err)
    }
    /// Calls `send(notice)` for each undelivered notice in order, marking each delivered when
    /// `send` returns (at least once: ids make a repeat harmless); stops at the first
    /// exception `send` raises. Returns how many were sent. (`send` may not call back into
    /// this deployment while it runs.)
    fn deliver(&mut self, py: Python<'_>, send: &Bound<'_, PyAny>) -> PyResult<usize> {
        let sent = lock_mut(&mut self.inner).deliver(|n| {
            send.call1((to_py(py, n).map_err(Raised)?,))
                .map(drop)
                .map_err(Raised)
        });
        sent.map_err(|Raised(e)| e)
    }
    /// The store's backend (`"sqlite"`, `"postgres"`), or None in memory.
    #[getter]
    fn store_backend(&self) -> Option<&'static str> {
        lock(&self.inner).backend()
    }
}
