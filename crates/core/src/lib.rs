//! # liberation-gates
//!
//! One Rust core for the rules every service of a community-owned creator platform shares:
//! whether a deployment may go on ([`policy`], [`rollout`], [`threshold`], [`window`],
//! [`health`], [`plan`]), how a payment is split so creators keep at least 75% ([`split`],
//! [`money`], [`ledger`]), when a failing dependency is cut off ([`breaker`], [`fallback`]),
//! and which features the community has voted to change ([`governance`], [`flags`],
//! [`bucket`]).
//!
//! The rules are written down in SPEC.md and mirrored, case by case, by the conformance
//! vectors that [`conformance`] runs. Every function takes time as an argument (or a
//! [`clock::Clock`]), returns plain serialisable data, and reports bad input as an
//! [`Error`] with a stable [`kind`](Error::kind) — never a panic.
//!
//! ```
//! use liberation_gates::split::{split, SplitInput};
//! let s = split(&SplitInput::new("100.00", "GBP").creator("alice", "3").creator("bob", "1")).unwrap();
//! assert_eq!(s.creator_total.to_string(), "75.00");
//! assert_eq!(s.creators[0].amount.to_string(), "56.25");
//! assert_eq!(s.platform.to_string(), "25.00");
//! ```
#![forbid(unsafe_code)]
#![warn(missing_debug_implementations)]
#![warn(missing_docs)]

#[macro_use]
mod names;

pub mod audit;
pub mod breaker;
pub mod bucket;
pub mod casing;
pub mod clock;
pub mod conformance;
pub mod deployment;
pub mod error;
pub mod fallback;
pub mod flags;
pub mod governance;
pub mod health;
pub mod ledger;
#[cfg(feature = "metrics")]
pub mod metrics;
pub mod money;
pub mod num;
#[cfg(feature = "openfeature")]
pub mod openfeature;
pub mod plan;
pub mod policy;
pub mod policytest;
pub mod resolution;
pub mod rollout;
pub mod schema;
pub mod simulate;
pub mod split;
pub mod store;
pub mod threshold;
pub mod unleash;
pub mod window;

pub use error::{Error, Result};

/// The README's code blocks, compiled and run as doc tests so they cannot drift.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
pub struct ReadmeDoctests;

/// The Rust guide's code blocks (`docs/rust.md`), compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../../../docs/rust.md")]
pub struct RustGuideDoctests;
pub use num::Num;
