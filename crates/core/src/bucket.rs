//! Stable percentage bucketing, compatible with Unleash's `normalizedHash` (SPEC §9).
//!
//! `bucket(id, group, modulus, seed) = murmur3_x86_32(utf8(group + ":" + id), seed) % modulus + 1`,
//! a number in `1..=modulus`. A user is in a rollout of `p` percent when `p > 0` and
//! `bucket(user_id, flag_key) ≤ p`, so a 5% canary picks the same users in every service and
//! language, and the same users an Unleash server would.
//!
//! ```
//! use liberation_gates::bucket::bucket;
//! assert_eq!(bucket("123", "gr1", 100, 0).unwrap(), 73);
//! assert_eq!(bucket("999", "groupX", 100, 0).unwrap(), 25);
//! ```

use crate::error::BucketError;
use serde::{Deserialize, Serialize};

/// Unleash's default modulus.
pub const DEFAULT_MODULUS: u32 = 100;

/// The bucket of `id` in `group`: `1..=modulus`. Errors: `invalid_id` (empty id),
/// `invalid_group` (empty group), `invalid_modulus` (0), in that order.
pub fn bucket(id: &str, group: &str, modulus: u32, seed: u32) -> Result<u32, BucketError> {
    if id.is_empty() {
        return Err(BucketError::InvalidId("id must not be empty".into()));
    }
    if group.is_empty() {
        return Err(BucketError::InvalidGroup("group must not be empty".into()));
    }
    if modulus == 0 {
        return Err(BucketError::InvalidModulus(
            "modulus must be at least 1".into(),
        ));
    }
    let key = format!("{group}:{id}");
    // murmur3 reads from an io::Read; reading a byte slice cannot fail.
    let h = murmur3::murmur3_32(&mut key.as_bytes(), seed)
        .map_err(|e| BucketError::InvalidId(format!("could not hash id: {e}")))?;
    Ok(h % modulus + 1)
}

/// [`bucket`] with the modulus and seed as the numbers a language passes (JavaScript has only
/// doubles; Python's ints are unbounded): `None` is the default (100, 0); a number that is not
/// a whole number in `0..=4294967295` is `invalid_modulus` or `invalid_seed`, checked after
/// the id and the group, so every language reports the same error for the same arguments.
///
/// ```
/// use liberation_gates::bucket::bucket_args;
/// assert_eq!(bucket_args("123", "gr1", None, None).unwrap(), 73);
/// assert_eq!(bucket_args("123", "gr1", None, Some(-1.0)).unwrap_err().kind(), "invalid_seed");
/// assert_eq!(bucket_args("123", "gr1", Some(2.5), None).unwrap_err().kind(), "invalid_modulus");
/// ```
pub fn bucket_args(
    id: &str,
    group: &str,
    modulus: Option<f64>,
    seed: Option<f64>,
) -> Result<u32, BucketError> {
    let whole =
        |x: f64| (x.fract() == 0.0 && (0.0..=u32::MAX as f64).contains(&x)).then_some(x as u32);
    let modulus = modulus.unwrap_or(DEFAULT_MODULUS as f64);
    let seed = seed.unwrap_or(0.0);
    let (m, s) = (whole(modulus), whole(seed));
    match (m, s) {
        (Some(m), Some(s)) => bucket(id, group, m, s),
        _ if id.is_empty() || group.is_empty() => bucket(id, group, 1, 0),
        (None, _) => Err(BucketError::InvalidModulus(format!(
            "modulus must be a whole number from 1 to 4294967295, got {modulus}"
        ))),
        (_, None) => Err(BucketError::InvalidSeed(format!(
            "seed must be a whole number from 0 to 4294967295, got {seed}"
        ))),
    }
}

/// A percentage rollout over one group (usually a flag key).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PercentageRollout {
    /// The group users are bucketed in (usually the flag key).
    pub group: String,
    /// Percent of users included, 0–100 (fractions allowed).
    pub percent: f64,
}

impl PercentageRollout {
    /// Whether `user_id` is in the rollout: `percent > 0` and `bucket(user_id, group) ≤ percent`.
    pub fn includes(&self, user_id: &str) -> Result<bool, BucketError> {
        let b = bucket(user_id, &self.group, DEFAULT_MODULUS, 0)?;
        Ok(self.percent > 0.0 && b as f64 <= self.percent)
    }
}
