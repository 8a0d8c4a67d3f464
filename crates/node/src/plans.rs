//! Deployment plans, health models, blue-green deployments and the redeploy guard, from the
//! description shared with WASM (`surface/plans.rs`).

use crate::*;
use liberation_gates as core;
use napi_derive::napi;

include!("surface/plans.rs");
plans!(napi, ts_arg_type, ts_arg_type, ts_return_type, [&]);
