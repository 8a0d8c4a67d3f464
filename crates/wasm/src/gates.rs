//! Deployment gates (thresholds, windows, policies, rollouts) from the description shared with
//! Node (`crates/node/src/surface/gates.rs`).

use crate::convert::*;
use liberation_gates as core;
use wasm_bindgen::prelude::*;

include!("../../node/src/surface/gates.rs");
gates!(
    wasm_bindgen,
    unchecked_param_type,
    unchecked_optional_param_type,
    unchecked_return_type,
    []
);
