//! Community control (proposals, decisions, flags, bucketing, participation) from the
//! description shared with Node (`crates/node/src/surface/community.rs`).

use crate::convert::*;
use liberation_gates as core;
use wasm_bindgen::prelude::*;

include!("../../node/src/surface/community.rs");
community!(
    wasm_bindgen,
    unchecked_param_type,
    unchecked_optional_param_type,
    unchecked_return_type
);
