//! Durable stores.

use crate::*;
use liberation_gates as core;
use pyo3::prelude::*;
use pyo3::types::{IntoPyDict, PyString};
/// Append-only records with a checksum chain, and state, in a durable store.
#[pyclass(module = "liberation_gates._native")]
pub(crate) struct Store {
    /// Behind a mutex only to make it `Sync`; methods take `&mut self`.
    pub(crate) inner: std::sync::Mutex<Box<dyn core::store::Store>>,
}

holds!(Store: Box<dyn core::store::Store>);

#[pymethods]
impl Store {
    /// Opens `url` (`"memory:"`, `"sqlite:PATH"`, `"postgres://…"`) and verifies its history.
    #[new]
    fn new(py: Python<'_>, url: String) -> PyResult<Self> {
        wrap(py.detach(|| core::store::open(&url)))
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
    ) -> Out<'py> {
        // Anything but text is written by `json.dumps` and stored as that text, never through
        // a JSON value that would turn an integer beyond 64 bits into a float (2**64 came
        // back as 1.8446744073709552e+19). NaN and infinities are not JSON: refused.
        let text = match body.cast::<PyString>() {
            Ok(s) => s.to_cow()?.into_owned(),
            Err(_) => {
                let kwargs = [("allow_nan", false)].into_py_dict(py)?;
                let dumped = py
                    .import("json")?
                    .call_method("dumps", (body,), Some(&kwargs));
                let why = |e: PyErr| format!("body is not JSON: {e}");
                let invalid = |e| err(core::error::StoreError::InvalidRecord(why(e)));
                dumped.map_err(invalid)?.extract()?
            }
        };
        let inner = lock_mut(&mut self.inner);
        to_py(
            py,
            &py.detach(|| inner.append(stream, id, &text)).map_err(err)?,
        )
    }
    /// The records of `stream` (every stream for None), oldest first.
    #[pyo3(signature = (stream=None))]
    fn records<'py>(&mut self, py: Python<'py>, stream: Option<&str>) -> Out<'py> {
        let inner = lock_mut(&mut self.inner);
        let rs = py.detach(|| inner.records(stream)).map_err(err)?;
        to_py(py, &rs)
    }
    /// The record `id` of `stream`, or None.
    fn record<'py>(&mut self, py: Python<'py>, stream: &str, id: &str) -> Out<'py> {
        let inner = lock_mut(&mut self.inner);
        to_py(py, &py.detach(|| inner.record(stream, id)).map_err(err)?)
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
