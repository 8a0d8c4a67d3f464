//! The deployment from the description shared with Node (`crates/node/src/surface/deploy.rs`):
//! in memory here (no store backends), the same events, steps, state and notices.

use crate::convert::*;
use crate::gates::Policy;
use crate::plans::{DeploymentPlan, HealthModel};
use liberation_gates as core;
use wasm_bindgen::prelude::*;

include!("../../node/src/surface/deploy.rs");
deploy!(
    wasm_bindgen,
    unchecked_param_type,
    unchecked_optional_param_type,
    unchecked_return_type,
    []
);
