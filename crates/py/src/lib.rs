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

/// Adds functions (`fn a, b`) or classes (`class A, B`) to the module `m`.
macro_rules! export {
    ($m:ident; fn $($f:path),+) => { $($m.add_function(wrap_pyfunction!($f, $m)?)?;)+ };
    ($m:ident; class $($c:ty),+) => { $($m.add_class::<$c>()?;)+ };
}

mod breakers;
mod community;
mod convert;
mod deploy;
mod gates;
mod metrics;
mod money;
mod plans;
mod shared;
mod store;
mod unleash;

use breakers::*;
use community::*;
use convert::*;
use deploy::*;
use gates::*;
use liberation_gates as core;
use metrics::Metrics;
use money::*;
use plans::*;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyModule;
use shared::*;
use std::collections::BTreeMap;
use store::*;
use unleash::Toggles;

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
    export!(m; fn split, degradation, health, json_schema, audit, bucket, simulate, read_proposal, audit_files,
        error_kinds, _raise, run_policy_test, breakers::guard_step, breakers::guard_function);
    export!(m; class Split, SplitTerms, Refundable, Ledger, Threshold, WindowRate, BurnRate,
        Policy, PolicyDecision, Evaluator, RolloutPlan, Rollout, DeploymentPlan, HealthModel,
        Decision, Proposal, FlagSet, Participation, BreakerMachine, CircuitBreaker, Guarded,
        Store, SharedBreaker, SharedPermit, FallbackCache, BlueGreen, RedeployGuard, Deployment, Metrics, Toggles);
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
