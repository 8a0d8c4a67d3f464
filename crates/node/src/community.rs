//! Community control (proposals, decisions, flags, bucketing, participation) from the
//! description shared with WASM (`surface/community.rs`).

use crate::*;
use liberation_gates as core;
use napi_derive::napi;

include!("surface/community.rs");
community!(napi, ts_arg_type, ts_arg_type, ts_return_type);
