//! `Toggles`: Unleash toggles evaluated by the core (`liberation_gates::unleash`), contexts as
//! dicts with Unleash's field names.

use crate::convert::*;
use crate::FlagSet;
use liberation_gates as core;
use pyo3::prelude::*;

/// Unleash toggles evaluated as Unleash's SDKs do, with the community's votes on top for the
/// flags of a `FlagSet`.
#[pyclass(module = "liberation_gates._native")]
pub(crate) struct Toggles {
    inner: core::unleash::Toggles,
}

/// A dict read into `T` through serde (None: the empty one); a bad one is
/// `flags/invalid_context`. A context is `{"userId", "sessionId", "remoteAddress",
/// "environment", "appName", "currentTime", "properties"}`.
fn read<T: serde::de::DeserializeOwned + Default>(ob: Opt<'_, '_>) -> PyResult<T> {
    match ob.filter(|o| !o.is_none()) {
        None => Ok(T::default()),
        Some(o) => pythonize::depythonize(o)
            .map_err(|e| err(core::error::FlagError::InvalidContext(e.to_string()))),
    }
}

fn context(ob: Opt<'_, '_>) -> PyResult<core::unleash::Context> {
    read(ob)
}

#[pymethods]
impl Toggles {
    /// Reads a toggle state: Unleash's `features` document or a delta document, as JSON text.
    #[staticmethod]
    fn from_json(text: &str) -> PyResult<Self> {
        let inner = core::unleash::Toggles::from_json(text).map_err(err)?;
        Ok(Toggles { inner })
    }
    /// Applies a delta document's events (a `features` document replaces the state).
    fn apply_json(&mut self, text: &str) -> PyResult<()> {
        self.inner.apply_json(text).map_err(err)
    }
    /// Whether toggle `name` is on for `context`; False when there is none.
    #[pyo3(signature = (name, context=None))]
    fn is_enabled(&self, name: &str, context: Opt<'_, '_>) -> PyResult<bool> {
        Ok(self.inner.is_enabled(name, &self::context(context)?))
    }
    /// The variant of toggle `name`: `{"name", "enabled", "feature_enabled", "payload"?}`.
    #[pyo3(signature = (name, context=None))]
    fn get_variant<'py>(&self, py: Python<'py>, name: &str, context: Opt<'_, 'py>) -> Out<'py> {
        to_py(py, &self.inner.get_variant(name, &self::context(context)?))
    }
    /// As `is_enabled`, but a protected, community or always-on flag of `flags` is on only
    /// while the community's votes say so; the toggle's strategies still decide who sees it.
    #[pyo3(signature = (name, flags, context=None))]
    fn is_enabled_governed(
        &self,
        name: &str,
        flags: &FlagSet,
        context: Opt<'_, '_>,
    ) -> PyResult<bool> {
        let ctx = self::context(context)?;
        Ok(self.inner.is_enabled_governed(name, &ctx, &flags.inner))
    }
    /// As `get_variant`, under the community's votes.
    #[pyo3(signature = (name, flags, context=None))]
    fn get_variant_governed<'py>(
        &self,
        py: Python<'py>,
        name: &str,
        flags: &FlagSet,
        context: Opt<'_, 'py>,
    ) -> Out<'py> {
        let ctx = self::context(context)?;
        to_py(
            py,
            &self.inner.get_variant_governed(name, &ctx, &flags.inner),
        )
    }
    /// `key` resolved as OpenFeature asks, under the community's votes in `flags`:
    /// `{"value", "reason", "error"?, "message"?, "metadata"?}` as a `"boolean"` (decided by
    /// the toggle's strategies for the evaluation's `targeting_key` and `attributes`), a
    /// `"number"` (the flag's intensity) or another type; what `LiberationGatesProvider`
    /// serves when it is given toggles.
    #[pyo3(signature = (key, flags, as_type, targeting_key=None, attributes=None))]
    fn resolve<'py>(
        &self,
        py: Python<'py>,
        key: &str,
        flags: &FlagSet,
        as_type: &str,
        targeting_key: Option<&str>,
        attributes: Opt<'_, 'py>,
    ) -> Out<'py> {
        let attributes: serde_json::Map<String, serde_json::Value> = read(attributes)?;
        let ctx = core::unleash::Context::from_evaluation(targeting_key, &attributes);
        to_py(py, &self.inner.resolve(key, &ctx, &flags.inner, as_type))
    }
    /// The toggles' names, sorted.
    #[getter]
    fn names(&self) -> Vec<String> {
        self.inner.names()
    }
}
