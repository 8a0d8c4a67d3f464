//! Payouts made elsewhere, checked against the split (SPEC §10).
//!
//! The split of SPEC §1 says what creators are owed; a payment system pays them. The audit
//! compares the two, so the creator-share gate can watch money actually paid, not only the
//! arithmetic that decided it.
//!
//! - A creator of the split that no entry names was paid 0.
//! - `shortfalls`: each creator paid less than expected, `expected − paid`, in the split's
//!   order. `exact`: every creator was paid exactly what is expected.
//! - `floor_held`: `paid_total ≥ base × creator_share`, compared exactly (with whole minor
//!   units this is `paid_total ≥ creator_total`, the pool rounded up).
//! - `creator_share_paid`: `paid_total / base` truncated toward zero to 4 decimal places
//!   (`"0.7499"`), `None` when the base is 0.
//!
//! Errors, the first in this order: the split's own error (SPEC §1's order); then each `paid`
//! entry in list order — its amount (`invalid_amount`), then its id (`unknown_creator` when the
//! split does not name it, `duplicate_payout` when an earlier entry did).
//!
//! ```
//! use liberation_gates::audit::{audit, Paid};
//! use liberation_gates::split::SplitInput;
//! let split = SplitInput::new("100.00", "GBP").creator("alice", "1").creator("bob", "1");
//! let a = audit(&split, &[Paid::new("alice", "37.50"), Paid::new("bob", "36.75")]).unwrap();
//! assert_eq!(a.shortfalls[0].id, "bob");
//! assert_eq!(a.shortfalls[0].amount.to_string(), "0.75");
//! assert!(!a.floor_held);
//! assert_eq!(a.creator_share_paid.as_deref(), Some("0.7425"));
//! ```

use crate::error::SplitError;
use crate::money::{minor_units_text, Currency, Money};
use crate::split::{mul_wide, split, Payout, Split, SplitInput};
use serde::{Deserialize, Serialize, Serializer};
use std::collections::HashSet;
use std::fmt;

/// A payout as the payment system made it: who, and how much (money in the split's currency,
/// as a decimal string in major units).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Paid {
    /// The creator paid.
    pub id: String,
    /// The amount, a decimal string in major units of the split's currency.
    pub amount: String,
}

impl Paid {
    /// A payout of `amount` (major units, e.g. `"37.50"`) to `id`.
    pub fn new(id: impl Into<String>, amount: impl Into<String>) -> Self {
        Paid {
            id: id.into(),
            amount: amount.into(),
        }
    }
}

/// A sum of money that may exceed one amount's 10^15 limit (several payouts added up).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Total {
    minor: u128,
    currency: Currency,
}

impl Total {
    /// Integer minor units.
    pub fn minor(&self) -> u128 {
        self.minor
    }

    /// The currency.
    pub fn currency(&self) -> Currency {
        self.currency
    }
}

impl fmt::Display for Total {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The sum of a list of amounts ≤ 10^19 minor units each stays far below i128::MAX.
        f.write_str(&minor_units_text(self.minor as i128, self.currency.code()))
    }
}

impl Serialize for Total {
    /// As the decimal string with the currency's digits.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// The result of an audit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PayoutAudit {
    /// The split's currency.
    pub currency: Currency,
    /// What each creator is owed: the split's `creators`, in its order.
    pub expected: Vec<Payout>,
    /// The split's creator pool.
    pub creator_total: Money,
    /// The split's creator share (what `floor_held` compares against).
    pub creator_share: crate::split::Share,
    /// What each creator was paid, in the split's order (0 when no entry names them).
    pub paid: Vec<Payout>,
    /// The sum paid to creators.
    pub paid_total: Total,
    /// `expected − paid` for each creator paid less than expected, in the split's order.
    pub shortfalls: Vec<Payout>,
    /// The sum of the shortfalls.
    pub shortfall_total: Total,
    /// Every creator was paid exactly what is expected.
    pub exact: bool,
    /// `paid_total ≥ base × creator_share`, compared exactly.
    pub floor_held: bool,
    /// `paid_total / base`, truncated to 4 decimal places; `None` when the base is 0.
    pub creator_share_paid: Option<String>,
}

/// Audits a payout file (JSON lines `{"id", "amount"}`; blank and `#` lines skipped) against
/// `split`; an error names its line and keeps its kind (`unknown_creator`,
/// `duplicate_payout`, `invalid_amount`, or `invalid_record` for a line that is not a payout).
pub fn audit_text(split: &Split, text: &str) -> Result<PayoutAudit, crate::Error> {
    let mut lines = Vec::new();
    let mut paid = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let p: Paid = serde_json::from_str(line).map_err(|e| {
            let e = SplitError::InvalidRecord(format!("not a payout {{\"id\", \"amount\"}}: {e}"));
            crate::Error::from(e).at_line(i + 1)
        })?;
        lines.push(i + 1);
        paid.push(p);
    }
    audit_split_at(split, &paid).map_err(|(k, e)| crate::Error::from(e).at_line(lines[k]))
}

/// Audits a payout file against a split terms file, both as text (what `liberation-gates audit
/// --split FILE --paid FILE` reads): the terms' errors are [`SplitInput::from_json`]'s and the
/// split's own, the payouts' are [`audit_text`]'s, with their line.
pub fn audit_files(split_terms: &str, paid: &str) -> Result<PayoutAudit, crate::Error> {
    let input = SplitInput::from_json(split_terms)?;
    audit_text(&split(&input)?, paid)
}

/// Audits `paid` against the split that `input` describes (SPEC §10).
pub fn audit(input: &SplitInput, paid: &[Paid]) -> Result<PayoutAudit, SplitError> {
    audit_split(&split(input)?, paid)
}

/// Audits `paid` against a split already made.
pub fn audit_split(split: &Split, paid: &[Paid]) -> Result<PayoutAudit, SplitError> {
    audit_split_at(split, paid).map_err(|(_, e)| e)
}

/// As [`audit_split`], with the index of the `paid` entry an error is about (for files, where
/// the caller names the line).
pub fn audit_split_at(split: &Split, paid: &[Paid]) -> Result<PayoutAudit, (usize, SplitError)> {
    let c = split.currency;
    let mut paid_minor = vec![0u128; split.creators.len()];
    let mut named = HashSet::with_capacity(paid.len());
    for (i, p) in paid.iter().enumerate() {
        let amount =
            Money::parse_named(&p.amount, c, &format!("paid[{i}] amount")).map_err(|e| (i, e))?;
        let Some(k) = split.creators.iter().position(|x| x.id == p.id) else {
            return Err((
                i,
                SplitError::UnknownCreator(format!(
                    "paid[{i}]: {:?} is not a creator of this split",
                    p.id
                )),
            ));
        };
        if !named.insert(k) {
            return Err((
                i,
                SplitError::DuplicatePayout(format!(
                    "paid[{i}]: {:?} was already paid by an earlier entry",
                    p.id
                )),
            ));
        }
        paid_minor[k] = amount.minor();
    }
    Ok(audit_minor(split, &paid_minor))
}

/// The audit of `paid_minor[i]` minor units paid to the split's creator `i`.
fn audit_minor(split: &Split, paid_minor: &[u128]) -> PayoutAudit {
    let c = split.currency;
    // Every amount here is one parsed payout or a part of one split: within Money's range.
    let at = |minor: u128| Money::from_minor(minor, c).unwrap_or_else(|_| Money::zero(c));
    let paid_total: u128 = paid_minor.iter().sum();
    let shortfalls = split
        .creators
        .iter()
        .zip(paid_minor)
        .filter(|(e, &p)| p < e.amount.minor())
        .map(|(e, &p)| Payout {
            id: e.id.clone(),
            amount: at(e.amount.minor() - p),
        })
        .collect::<Vec<Payout>>();
    let shortfall_total = Total {
        minor: shortfalls.iter().map(|p| p.amount.minor()).sum(),
        currency: c,
    };
    let exact = split
        .creators
        .iter()
        .zip(paid_minor)
        .all(|(e, &p)| p == e.amount.minor());
    let base = split.base().minor();
    let (num, den) = split.creator_share.ratio();
    PayoutAudit {
        currency: c,
        expected: split.creators.clone(),
        creator_total: split.creator_total,
        creator_share: split.creator_share,
        paid: split
            .creators
            .iter()
            .zip(paid_minor)
            .map(|(e, &p)| Payout {
                id: e.id.clone(),
                amount: at(p),
            })
            .collect(),
        paid_total: Total {
            minor: paid_total,
            currency: c,
        },
        shortfalls,
        shortfall_total,
        exact,
        floor_held: mul_wide(paid_total, den) >= mul_wide(base, num),
        creator_share_paid: share_paid(paid_total, base),
    }
}

/// `paid / base` truncated toward zero to 4 decimal places and written with exactly 4
/// (`"0.7499"`); `None` when `base` is 0.
pub fn share_paid(paid: u128, base: u128) -> Option<String> {
    if base == 0 {
        return None;
    }
    // paid ≤ a few × 10^19 and 10^4 × that fits in 128 bits comfortably.
    let q = paid
        .checked_mul(10_000)
        .map(|p| p / base)
        .unwrap_or(u128::MAX);
    Some(format!("{}.{:04}", q / 10_000, q % 10_000))
}
