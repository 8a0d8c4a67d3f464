//! The napi-rs layer over `crates/core` for Node.
//!
//! Type conversions and errors only. Money crosses as decimal strings or `bigint` minor units
//! (the JS wrapper refuses `number` money with a `TypeError` before it gets here). Every core
//! error is thrown with `code = "<family>/<kind>"`, through the single function [`err`]; the JS
//! wrapper (`lib.cjs`) turns it into the family's `LiberationGatesError` subclass with
//! `.code = kind`. Time is passed in by the caller (the wrapper reads `performance.now()` or
//! an injected clock), so no JavaScript is ever called from Rust.

#![deny(clippy::all)]

mod breakers;
mod community;
mod convert;
mod deploy;
mod durable;
mod gates;
mod metrics;
mod money;
mod plans;
mod shared;

pub use breakers::*;
pub use community::*;
use convert::*;
pub use deploy::*;
pub use durable::*;
pub use gates::*;
use liberation_gates as core;
pub use metrics::*;
pub use money::*;
pub use plans::*;
pub use shared::*;
