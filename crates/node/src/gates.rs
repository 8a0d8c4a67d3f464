//! Deployment gates (thresholds, windows, policies, rollouts) from the description shared with
//! WASM (`surface/gates.rs`), and what only Node has: reading a policy file.

use crate::*;
use liberation_gates as core;
use napi_derive::napi;

include!("surface/gates.rs");
gates!(napi, ts_arg_type, ts_arg_type, ts_return_type, [&]);

#[napi]
impl Policy {
    /// Reads a policy file (.toml, .yaml/.yml, .json).
    #[napi(factory)]
    pub fn from_path(path: String) -> Result<Self> {
        core::policy::Policy::from_path(path)
            .map(|inner| Policy { inner })
            .map_err(err)
    }
}
