//! `liberation_gates._native`: the pyo3 layer over `crates/core`.
//!
//! This crate converts types and errors and nothing else. Money arrives as `str`,
//! `decimal.Decimal` or `int` minor units and leaves as `Decimal`; a `float` is refused with a
//! `TypeError`. Every core error becomes the exception class of its family (defined in
//! `liberation_gates/errors.py`) with `.kind` equal to the core's kind, through the single
//! function [`err`]. No panic crosses into Python: pyo3 turns one into `PanicException`, and the
//! core is written so that none happens on any input.

/// `From<core type>` for the classes holding one core value as `inner` (as it is, or in an
/// `Arc` or a `Mutex`), so that `convert::wrap` turns a core result into the class.
macro_rules! holds {
    ($($class:ident: $core:ty),* $(,)?) => {$(
        impl From<$core> for $class {
            fn from(inner: $core) -> Self {
                $class { inner: inner.into() }
            }
        }
    )*};
}

mod breakers;
mod community;
mod convert;
mod deploy;
mod gates;
mod money;
mod plans;
mod shared;
mod store;

use breakers::*;
use community::*;
use convert::*;
use deploy::*;
use gates::*;
use liberation_gates as core;
use money::*;
use plans::*;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyModule;
use shared::*;
use std::collections::BTreeMap;
use store::*;

/// Every error kind of every family, as `{family: [kinds]}`.
#[pyfunction]
fn error_kinds() -> BTreeMap<&'static str, Vec<&'static str>> {
    core::error::FAMILIES
        .iter()
        .map(|(f, ks)| (*f, ks.to_vec()))
        .collect()
}

/// Raises the exception the binding maps `family`/`kind` to (for tests of the mapping).
#[pyfunction]
fn _raise(family: &str, kind: &str) -> PyResult<()> {
    let e = core::Error::from_family_kind(
        family,
        kind,
        format!("raised for a test of the {family}/{kind} mapping"),
    )
    .ok_or_else(|| PyValueError::new_err(format!("unknown family/kind {family}/{kind}")))?;
    Err(err(e))
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(split, m)?)?;
    m.add_function(wrap_pyfunction!(degradation, m)?)?;
    m.add_function(wrap_pyfunction!(health, m)?)?;
    m.add_function(wrap_pyfunction!(audit, m)?)?;
    m.add_class::<HealthModel>()?;
    m.add_function(wrap_pyfunction!(bucket, m)?)?;
    m.add_function(wrap_pyfunction!(breakers::guard_step, m)?)?;
    m.add_function(wrap_pyfunction!(breakers::guard_function, m)?)?;
    m.add_function(wrap_pyfunction!(simulate, m)?)?;
    m.add_function(wrap_pyfunction!(read_proposal, m)?)?;
    m.add_function(wrap_pyfunction!(audit_files, m)?)?;
    m.add_function(wrap_pyfunction!(error_kinds, m)?)?;
    m.add_function(wrap_pyfunction!(_raise, m)?)?;
    m.add_class::<Split>()?;
    m.add_class::<SplitTerms>()?;
    m.add_class::<Refundable>()?;
    m.add_class::<Ledger>()?;
    m.add_class::<Threshold>()?;
    m.add_class::<WindowRate>()?;
    m.add_class::<Policy>()?;
    m.add_class::<PolicyDecision>()?;
    m.add_class::<Evaluator>()?;
    m.add_class::<RolloutPlan>()?;
    m.add_class::<Rollout>()?;
    m.add_class::<DeploymentPlan>()?;
    m.add_class::<Decision>()?;
    m.add_class::<Proposal>()?;
    m.add_class::<FlagSet>()?;
    m.add_class::<BreakerMachine>()?;
    m.add_class::<CircuitBreaker>()?;
    m.add_class::<Guarded>()?;
    m.add_class::<Store>()?;
    m.add_class::<SharedBreaker>()?;
    m.add_class::<SharedPermit>()?;
    m.add_class::<FallbackCache>()?;
    m.add_class::<BlueGreen>()?;
    m.add_class::<RedeployGuard>()?;
    m.add_class::<Participation>()?;
    m.add_class::<BurnRate>()?;
    m.add_class::<Deployment>()?;
    m.add_function(wrap_pyfunction!(run_policy_test, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
