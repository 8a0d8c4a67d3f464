//! The deployment from the description shared with WASM (`surface/deploy.rs`).

use crate::*;
use liberation_gates as core;
use napi_derive::napi;

include!("surface/deploy.rs");
deploy!(napi, ts_arg_type, ts_arg_type, ts_return_type, [&]);
