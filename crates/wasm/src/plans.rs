//! Deployment plans, health models, blue-green deployments and the redeploy guard, from the
//! description shared with Node (`crates/node/src/surface/plans.rs`).

use crate::convert::*;
use crate::gates::{Policy, Rollout, RolloutPlan};
use liberation_gates as core;
use wasm_bindgen::prelude::*;

include!("../../node/src/surface/plans.rs");
plans!(
    wasm_bindgen,
    unchecked_param_type,
    unchecked_optional_param_type,
    unchecked_return_type,
    []
);
