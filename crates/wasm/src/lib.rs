//! The wasm-bindgen layer over `crates/core` for frontends.
//!
//! Type conversions and errors only, with the same names and result shapes as the Node
//! package. Money crosses as decimal strings (or `bigint` minor units); a JS `number` given as
//! money is refused with a `TypeError`. Every core error becomes a JS `Error` named
//! `LiberationGatesError` with `.code` (the core's kind) and `.family`, through the single
//! function [`err`]. A panic hook reports to the console, but nothing here panics on any
//! input: every fallible step returns an error.

mod breakers;
mod community;
mod convert;
mod deploy;
mod gates;
mod money;
mod plans;

pub use breakers::*;
pub use community::*;
pub use deploy::*;
pub use gates::*;
pub use money::*;
pub use plans::*;

use wasm_bindgen::prelude::*;

#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
}

// The TypeScript shapes of what crosses as plain objects (appended to the generated .d.ts).
#[wasm_bindgen(typescript_custom_section)]
const _: &str = include_str!("../../node/types.d.ts");
