//! The revenue split with a creator floor (SPEC §1), and refunds against it.
//!
//! 1. The **creator pool** is `base × creator_share` rounded **up** to the minor unit (or to
//!    the cash step), so creators are never rounded below their share; `creator_share ≥ 0.75`
//!    always (`sovereignty_violation` otherwise).
//! 2. The base is `gross` with [`FeeMode::Platform`] (the platform absorbs the fee) or
//!    `gross − fee` with [`FeeMode::BeforeSplit`].
//! 3. The pool is divided by weight with [`AllocationMethod::LargestRemainder`] in exact
//!    integer arithmetic on minor units: creator *i* gets `floor(pool × wᵢ / Σw)`, and the units
//!    left over go one each to the largest exact remainders, ties to the earlier creator.
//!
//! Nothing is lost or created: creators + platform + fee = gross, always.
//!
//! ```
//! use liberation_gates::split::{split, SplitInput};
//! let s = split(&SplitInput::new("99.99", "EUR").creator("a", "1")).unwrap();
//! assert_eq!(s.creators[0].amount.to_string(), "75.00"); // 74.9925 rounded up
//! assert_eq!(s.platform.to_string(), "24.99");
//! ```

use crate::error::SplitError;
use crate::money::{Currency, DecimalStr, Money, ScaleError};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

string_enum! {
    /// Who absorbs the payment processor's fee.
    #[derive(Default)]
    pub enum FeeMode {
        /// The platform absorbs the fee: base = gross, platform = gross − pool − fee.
        #[default]
        Platform = "platform",
        /// The fee comes off the top: base = gross − fee, platform = base − pool.
        BeforeSplit = "before_split",
    }
    parse: "fee_mode" => SplitError::InvalidFeeMode
}

string_enum! {
    /// How the pool is divided among creators. Named so reports can say how it was done.
    #[derive(Default)]
    pub enum AllocationMethod {
        /// Hamilton's method in integers: floors first, leftover units to the largest exact
        /// remainders, ties to the earlier party.
        #[default]
        LargestRemainder = "largest_remainder",
    }
}

/// The creators' share of the base: an exact decimal in `[0.75, 1]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Share {
    /// The share is `num / 10^scale`.
    num: u128,
    scale: u32,
}

/// The most decimal places a share may have (so that `num` fits in 128 bits).
pub const MAX_SHARE_PLACES: u32 = 36;

impl Share {
    /// The platform's constitutional floor, 0.75.
    pub const FLOOR: Share = Share { num: 75, scale: 2 };

    /// Parses and checks a share: `< 0.75` is `sovereignty_violation`, `> 1` is
    /// `invalid_share`, and so is anything that is not a decimal string (or has more than
    /// 36 significant decimal places).
    pub fn parse(s: &str) -> Result<Share, SplitError> {
        let d = DecimalStr::parse(s).ok_or_else(|| {
            SplitError::InvalidShare(format!(
                "creator_share {s:?} is not a decimal number such as \"0.8\""
            ))
        })?;
        if d.negative && !d.is_zero() {
            return Err(SplitError::SovereigntyViolation(format!(
                "creator_share {s} is below the 0.75 floor"
            )));
        }
        let scale = d.significant_places().max(2);
        let num = match d.to_scaled(scale) {
            Ok(n) if scale <= MAX_SHARE_PLACES => n,
            Ok(_) | Err(ScaleError::TooPrecise) => {
                return Err(SplitError::InvalidShare(format!(
                    "creator_share {s:?} has more than {MAX_SHARE_PLACES} decimal places"
                )))
            }
            Err(ScaleError::TooLarge) => {
                return Err(SplitError::InvalidShare(format!(
                    "creator_share {s} is above 1"
                )))
            }
        };
        let one = 10u128.pow(scale);
        // Above 1 first: with 36 places, `num` of a share above 1 can be beyond 10^36 and
        // `num × 100` beyond 128 bits (the two errors cannot both apply).
        if num > one {
            return Err(SplitError::InvalidShare(format!(
                "creator_share {s} is above 1"
            )));
        }
        if num * 100 < 75 * one {
            return Err(SplitError::SovereigntyViolation(format!(
                "creator_share {s} is below the 0.75 floor: creators keep at least 75%"
            )));
        }
        Ok(Share { num, scale })
    }

    /// The share as [`Display`](fmt::Display) writes it (`"0.80"`), on the stack.
    pub fn text(&self) -> crate::money::AmountText {
        // A share has at most 36 places, which `new` always writes.
        crate::money::AmountText::new(self.num, self.scale).unwrap_or_default()
    }

    /// `(numerator, denominator)` of the exact ratio.
    pub fn ratio(&self) -> (u128, u128) {
        (self.num, 10u128.pow(self.scale))
    }
}

impl Default for Share {
    fn default() -> Self {
        Share::FLOOR
    }
}

impl fmt::Display for Share {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text())
    }
}

impl FromStr for Share {
    type Err = SplitError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Share::parse(s)
    }
}

/// A creator's weight: a decimal in `(0, 10^9]`, a whole number of millionths.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Weight(u64);

impl Weight {
    /// Parses a weight; `invalid_weight` when not a decimal > 0, more than six significant
    /// decimal places, or above 10^9.
    pub fn parse(s: &str) -> Result<Weight, SplitError> {
        let bad = |why: &str| SplitError::InvalidWeight(format!("weight {s:?} {why}"));
        let d = DecimalStr::parse(s)
            .ok_or_else(|| bad("is not a decimal number such as \"1\" or \"0.25\""))?;
        if d.negative || d.is_zero() {
            return Err(bad("must be greater than 0"));
        }
        let micros = d.to_scaled(6).map_err(|e| match e {
            ScaleError::TooPrecise => {
                bad("is not a whole number of millionths (at most 6 decimal places)")
            }
            ScaleError::TooLarge => bad("exceeds 10^9"),
        })?;
        if micros > 1_000_000_000_000_000 {
            return Err(bad("exceeds 10^9"));
        }
        Ok(Weight(micros as u64))
    }

    /// The weight in millionths.
    pub fn micros(&self) -> u64 {
        self.0
    }
}

impl fmt::Display for Weight {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = String::new();
        crate::money::format_minor(&mut s, self.0 as u128, 6)?;
        let t = s.trim_end_matches('0').trim_end_matches('.');
        f.write_str(t)
    }
}

/// A split request as strings, exactly as it crosses a language boundary. [`split`] checks it
/// in the SPEC's order: currency, gross, fee, fee_mode, creator_share, empty creators, then
/// each creator in input order (its weight, then its id).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SplitInput {
    /// The payment, a decimal string in major units (`"12.50"`).
    pub gross: String,
    /// Its ISO 4217 currency code.
    pub currency: String,
    /// The creators and their weights, in order.
    pub creators: Vec<CreatorInput>,
    /// The creators' share, at least the 0.75 floor (default 0.75).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creator_share: Option<String>,
    /// The processor's fee, a decimal string (default none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee: Option<String>,
    /// Who bears the fee: `"platform"` (default) or `"before_split"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee_mode: Option<String>,
    /// Cash step in major units (e.g. `"0.05"` CHF): the pool rounds up to whole steps and
    /// creators receive whole steps. Absent: one minor unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<String>,
}

/// An exact decimal as a binding receives it: text, or a number (a whole number only; see
/// [`crate::Num::exact_text`]).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum ExactArg {
    /// A decimal string.
    Text(String),
    /// A number.
    Number(f64),
}

impl ExactArg {
    /// The decimal text the core parses.
    pub fn text(&self) -> String {
        match self {
            ExactArg::Text(s) => s.clone(),
            ExactArg::Number(f) => crate::Num::exact_text(*f),
        }
    }
}

/// One creator as the JavaScript bindings receive it: `{id, weight}`, the weight a decimal
/// string or a whole number; any other key is refused.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreatorArg {
    /// The creator's id.
    pub id: String,
    /// The creator's weight.
    pub weight: ExactArg,
}

impl From<CreatorArg> for CreatorInput {
    fn from(c: CreatorArg) -> CreatorInput {
        CreatorInput {
            weight: c.weight.text(),
            id: c.id,
        }
    }
}

/// The keys of a split's options object in JavaScript: `{creatorShare, fee, feeMode, step}`.
pub const SPLIT_OPTIONS: [&str; 4] = ["creatorShare", "fee", "feeMode", "step"];

/// The options of a split in JavaScript other than its amounts (which the binding reads as
/// money): `creatorShare` an exact decimal, `feeMode` text.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SplitTermsArg {
    /// The creators' share.
    pub creator_share: Option<ExactArg>,
    /// Who bears the fee.
    pub fee_mode: Option<String>,
}

/// One creator of a [`SplitInput`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreatorInput {
    /// The creator's id.
    pub id: String,
    /// The creator's weight, a positive decimal string.
    pub weight: String,
}

impl SplitInput {
    /// The terms of this split, its gross aside (not read): prepared once, they split many
    /// payments ([`SplitTerms::split`], [`SplitTerms::split_into`]). Errors are [`split`]'s
    /// but `gross`'s.
    pub fn terms(&self) -> Result<SplitTerms, SplitError> {
        terms_in(self, Currency::from_code(&self.currency)?)
    }

    /// Reads a split's terms from JSON (the file `liberation-gates audit --split` takes):
    /// `{"gross", "currency", "creators": [{"id", "weight"}], "creator_share", "fee",
    /// "fee_mode", "step"}`, amounts as decimal strings. A JSON number where a decimal string
    /// belongs, an unknown field or text that is not JSON is `invalid_record`.
    ///
    /// ```
    /// use liberation_gates::split::SplitInput;
    /// let e = SplitInput::from_json(r#"{"gross": 10, "currency": "GBP", "creators": []}"#).unwrap_err();
    /// assert_eq!(e.kind(), "invalid_record");
    /// ```
    pub fn from_json(text: &str) -> Result<SplitInput, SplitError> {
        crate::policy::parse_as(text, crate::policy::Format::Json)
            .map_err(|e| SplitError::InvalidRecord(format!("not a split's terms: {e}")))
    }

    /// A request for `gross` of `currency` with the default share and no fee.
    pub fn new(gross: impl Into<String>, currency: impl Into<String>) -> Self {
        SplitInput {
            gross: gross.into(),
            currency: currency.into(),
            ..Default::default()
        }
    }
    /// Adds a creator.
    pub fn creator(mut self, id: impl Into<String>, weight: impl Into<String>) -> Self {
        self.creators.push(CreatorInput {
            id: id.into(),
            weight: weight.into(),
        });
        self
    }
    /// Sets the creator share.
    pub fn share(mut self, share: impl Into<String>) -> Self {
        self.creator_share = Some(share.into());
        self
    }
    /// Sets the fee and its mode.
    pub fn fee(mut self, fee: impl Into<String>, mode: impl Into<String>) -> Self {
        self.fee = Some(fee.into());
        self.fee_mode = Some(mode.into());
        self
    }
    /// Sets a cash step.
    pub fn step(mut self, step: impl Into<String>) -> Self {
        self.step = Some(step.into());
        self
    }
}

/// Validated, reusable terms of a split: everything but the gross amount.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitTerms {
    currency: Currency,
    share: Share,
    fee: Money,
    fee_mode: FeeMode,
    step_minor: u128,
    creators: Vec<(String, Weight)>,
    weight_total: u128,
    /// The currency's largest amount in minor units (10^15 major units), computed once.
    max_gross: u128,
    /// The largest gross whose split is done in `u64` arithmetic (hardware division): then
    /// `base × share numerator`, `pool × any weight` and the weight total all fit in 64 bits.
    /// 0 when the share's denominator or the weight total does not.
    fast_limit: u128,
}

impl SplitTerms {
    /// Terms for `creators` in `currency`. Checks, in order: empty creators, then each creator
    /// (weight already parsed, then its id: `duplicate_creator`).
    pub fn new(
        currency: Currency,
        share: Share,
        fee: Money,
        fee_mode: FeeMode,
        creators: Vec<(String, Weight)>,
    ) -> Result<SplitTerms, SplitError> {
        if fee.currency() != currency {
            return Err(SplitError::CurrencyMismatch(format!(
                "fee is in {} but the split is in {}",
                fee.currency(),
                currency
            )));
        }
        if creators.is_empty() {
            return Err(SplitError::NoCreators(
                "a split needs at least one creator".into(),
            ));
        }
        let mut seen = Seen::with_capacity(creators.len());
        for (id, _) in &creators {
            seen.insert(id)?;
        }
        Ok(Self::checked(currency, share, fee, fee_mode, creators))
    }

    /// Terms from creators already checked: at least one, no id twice, fee in `currency`.
    fn checked(
        currency: Currency,
        share: Share,
        fee: Money,
        fee_mode: FeeMode,
        creators: Vec<(String, Weight)>,
    ) -> SplitTerms {
        let weight_total: u128 = creators.iter().map(|(_, w)| w.0 as u128).sum();
        let (num, den) = share.ratio();
        let widest = creators.iter().map(|(_, w)| w.0 as u128).max().unwrap_or(1);
        let fast_limit = match den <= u64::MAX as u128 && weight_total <= u64::MAX as u128 {
            true => (u64::MAX as u128 / num.max(1)).min(u64::MAX as u128 / widest.max(1)),
            false => 0,
        };
        SplitTerms {
            currency,
            share,
            fee,
            fee_mode,
            step_minor: 1,
            creators,
            weight_total,
            max_gross: currency.max_minor(),
            fast_limit,
        }
    }

    /// Allocate in cash steps (e.g. CHF 0.05): the pool rounds up to a whole step and every
    /// creator receives whole steps. `invalid_step` unless a positive whole number of minor units.
    pub fn with_step(mut self, step: Money) -> Result<SplitTerms, SplitError> {
        if step.currency() != self.currency || step.is_zero() {
            return Err(SplitError::InvalidStep(format!(
                "cash step must be a positive amount of {}, got {} {}",
                self.currency,
                step,
                step.currency()
            )));
        }
        self.step_minor = step.minor();
        Ok(self)
    }

    /// The currency.
    pub fn currency(&self) -> Currency {
        self.currency
    }

    /// An amount of the terms' currency read from decimal text (`invalid_amount` naming
    /// `gross`): the gross of [`SplitTerms::split`] as the bindings receive it.
    pub fn gross(&self, text: &str) -> Result<Money, SplitError> {
        Money::parse_named(text, self.currency, "gross")
    }

    /// The number of creators: the length [`SplitTerms::split_into`] writes.
    pub fn creator_count(&self) -> usize {
        self.creators.len()
    }

    /// Splits `gross`. Errors: `currency_mismatch`, `fee_exceeds_gross` (before_split),
    /// `fee_exceeds_platform_share`, `invalid_step` when a whole-step pool exceeds the base.
    pub fn split(&self, gross: Money) -> Result<Split, SplitError> {
        self.split_named(gross, self.creators.iter().map(|(id, _)| id.as_str()))
    }

    /// [`SplitTerms::split`] with the creators' ids taken from `ids` (in order, one per
    /// creator): `split()` from strings uses its input's ids and does not copy them twice.
    fn split_named<'a>(
        &self,
        gross: Money,
        ids: impl Iterator<Item = &'a str>,
    ) -> Result<Split, SplitError> {
        if gross.currency() != self.currency {
            return Err(SplitError::CurrencyMismatch(format!(
                "gross is in {} but the split is in {}",
                gross.currency(),
                self.currency
            )));
        }
        let n = self.creators.len();
        let (mut few, mut many) = ([0u128; 8], Vec::new());
        let units = match n <= few.len() {
            true => &mut few[..n],
            false => {
                many.resize(n, 0);
                &mut many[..]
            }
        };
        let parts = self.split_into(gross.minor(), units)?;
        let c = self.currency;
        let creators = (ids.zip(units.iter()))
            .map(|(id, &u)| Payout {
                id: id.to_owned(),
                amount: money(u, c),
            })
            .collect();
        Ok(Split {
            currency: c,
            gross,
            creators,
            platform: money(parts.platform, c),
            fee: self.fee,
            creator_total: money(parts.creator_total, c),
            creator_share: self.share,
            fee_mode: self.fee_mode,
            method: AllocationMethod::LargestRemainder,
        })
    }

    /// Splits `gross` minor units of the terms' currency, writing each creator's minor units
    /// into `out` in order (its first [`SplitTerms::creator_count`] entries) and returning
    /// the pool, the platform's part and the fee: the same amounts as [`SplitTerms::split`],
    /// without allocating for up to [`NO_ALLOC_CREATORS`] creators (a prepared split on a hot
    /// path). Errors are `split`'s, and `invalid_amount` for a gross beyond 10^15 major units
    /// or an `out` shorter than the creators.
    pub fn split_into(&self, gross: u128, out: &mut [u128]) -> Result<SplitMinor, SplitError> {
        let c = self.currency;
        let n = self.creators.len();
        let Some(out) = out.get_mut(..n) else {
            return Err(SplitError::InvalidAmount(format!(
                "{} places for the amounts of {n} creators",
                out.len()
            )));
        };
        if gross > self.max_gross {
            Money::from_minor(gross, c)?; // the error, worded once
        }
        let (g, fee) = (gross, self.fee.minor());
        let base = match self.fee_mode {
            FeeMode::Platform => g,
            FeeMode::BeforeSplit => g.checked_sub(fee).ok_or_else(|| {
                SplitError::FeeExceedsGross(format!(
                    "fee {} exceeds gross {}",
                    self.fee,
                    money(g, c)
                ))
            })?,
        };
        let (num, den) = self.share.ratio();
        // Within `fast_limit` every product and quotient below fits in 64 bits.
        let fast = g <= self.fast_limit && self.step_minor <= self.fast_limit;
        let mut pool = match fast {
            true => Some((base as u64 * num as u64).div_ceil(den as u64) as u128),
            false => mul_div_ceil(base, num, den),
        }
        .ok_or_else(|| {
            SplitError::InvalidAmount("amount too large for the creator share's precision".into())
        })?;
        let step = self.step_minor;
        if step > 1 {
            pool = pool.div_ceil(step) * step;
            if pool > base {
                return Err(SplitError::InvalidStep(format!(
                    "the pool rounded up to a whole step of {} exceeds the base {}",
                    money(step, c),
                    money(base, c)
                )));
            }
        }
        let platform = match self.fee_mode {
            FeeMode::Platform => g.checked_sub(pool).and_then(|r| r.checked_sub(fee)),
            FeeMode::BeforeSplit => base.checked_sub(pool),
        }
        .ok_or_else(|| {
            SplitError::FeeExceedsPlatformShare(format!(
                "fee {} exceeds the platform's share {} of gross {}",
                self.fee,
                money(g - pool, c),
                money(g, c)
            ))
        })?;
        let units = if step > 1 { pool / step } else { pool };
        let weights = self.creators.iter().map(|(_, w)| w.0);
        if fast {
            allot(units as u64, weights, self.weight_total as u64, out);
        } else {
            allot(units, weights.map(u128::from), self.weight_total, out);
        }
        if step > 1 {
            out.iter_mut().for_each(|u| *u *= step);
        }
        Ok(SplitMinor {
            creator_total: pool,
            platform,
            fee,
        })
    }
}

/// The amounts of a split other than each creator's, in minor units (see
/// [`SplitTerms::split_into`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SplitMinor {
    /// What creators get in all: the pool, rounded up.
    pub creator_total: u128,
    /// The platform's amount.
    pub platform: u128,
    /// The processor's fee.
    pub fee: u128,
}

/// Up to this many creators, [`largest_remainder`] (and so a prepared split) allocates
/// nothing: the leftover units are handed out by selection instead of a sort.
pub const NO_ALLOC_CREATORS: usize = 32;

/// An amount made of amounts already checked (see [`Money::of_checked`]).
fn money(minor: u128, c: Currency) -> Money {
    Money::of_checked(minor, c)
}

/// One creator's payout.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Payout {
    /// The creator's id.
    pub id: String,
    /// What the creator gets.
    pub amount: Money,
}

/// The result of a split. `creators` are in input order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Split {
    /// The currency of every amount.
    pub currency: Currency,
    /// The payment.
    pub gross: Money,
    /// Each creator's amount, in input order.
    pub creators: Vec<Payout>,
    /// The platform's amount.
    pub platform: Money,
    /// The processor's fee.
    pub fee: Money,
    /// What creators get in all: the pool, rounded up.
    pub creator_total: Money,
    /// The share used.
    pub creator_share: Share,
    /// Who bore the fee.
    pub fee_mode: FeeMode,
    /// How the pool was divided.
    pub method: AllocationMethod,
}

impl Split {
    /// The amount the creator share applies to: `gross` (`platform` fee mode) or
    /// `gross − fee` (`before_split`).
    pub fn base(&self) -> Money {
        match self.fee_mode {
            FeeMode::Platform => self.gross,
            FeeMode::BeforeSplit => Money::from_minor(
                self.gross.minor().saturating_sub(self.fee.minor()),
                self.currency,
            )
            .unwrap_or(self.gross),
        }
    }

    /// The split in the conformance vectors' shape (what `split --json` prints): `creators`
    /// as `[{id, amount}]`, `platform`, `fee` and `creator_total`, every amount a string.
    pub fn to_json(&self) -> serde_json::Value {
        let creators: Vec<_> = self
            .creators
            .iter()
            .map(|p| serde_json::json!({"id": p.id, "amount": p.amount.to_string()}))
            .collect();
        serde_json::json!({
            "creators": creators,
            "platform": self.platform.to_string(),
            "fee": self.fee.to_string(),
            "creator_total": self.creator_total.to_string(),
        })
    }
}

/// `GBP 100.00: creators [alice=56.25, bob=18.75], platform 23.80, fee 1.20`.
impl fmt::Display for Split {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: creators [", self.currency, self.gross)?;
        for (i, p) in self.creators.iter().enumerate() {
            let sep = if i == 0 { "" } else { ", " };
            write!(f, "{sep}{}={}", p.id, p.amount)?;
        }
        write!(f, "], platform {}, fee {}", self.platform, self.fee)
    }
}

impl Serialize for Share {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Splits a payment described as strings, checking inputs in the SPEC's order.
pub fn split(input: &SplitInput) -> Result<Split, SplitError> {
    split_text(&SplitText::of(input))
}

/// A split request borrowing its text: what a [`SplitInput`] holds, for a caller that has
/// the strings already (a binding reading them out of its arguments) and need not copy them.
/// `creators` yields each creator's `(id, weight)` in order.
#[derive(Debug, Clone)]
pub struct SplitText<'a, C> {
    /// The payment, a decimal string in major units.
    pub gross: &'a str,
    /// Its ISO 4217 currency code.
    pub currency: &'a str,
    /// Each creator's id and weight, in order.
    pub creators: C,
    /// The creators' share (default 0.75).
    pub creator_share: Option<&'a str>,
    /// The processor's fee (default none).
    pub fee: Option<&'a str>,
    /// Who bears the fee (default `"platform"`).
    pub fee_mode: Option<&'a str>,
    /// Cash step in major units (default one minor unit).
    pub step: Option<&'a str>,
}

/// The creators of a [`SplitInput`] as [`SplitText::of`] lends them.
pub type InputCreators<'a> =
    std::iter::Map<std::slice::Iter<'a, CreatorInput>, fn(&'a CreatorInput) -> (&'a str, &'a str)>;

impl<'a> SplitText<'a, InputCreators<'a>> {
    /// The text of `input`, borrowed.
    pub fn of(input: &'a SplitInput) -> Self {
        fn pair(c: &CreatorInput) -> (&str, &str) {
            (&c.id, &c.weight)
        }
        SplitText {
            gross: &input.gross,
            currency: &input.currency,
            creators: input.creators.iter().map(pair as fn(&'a CreatorInput) -> _),
            creator_share: input.creator_share.as_deref(),
            fee: input.fee.as_deref(),
            fee_mode: input.fee_mode.as_deref(),
            step: input.step.as_deref(),
        }
    }
}

/// [`split`] of borrowed text: the same checks in the same order, the same result.
///
/// ```
/// use liberation_gates::split::{split_text, SplitText};
/// let s = split_text(&SplitText {
///     gross: "100.00",
///     currency: "GBP",
///     creators: [("alice", "3"), ("bob", "1")].into_iter(),
///     creator_share: None,
///     fee: Some("1.20"),
///     fee_mode: None,
///     step: None,
/// })
/// .unwrap();
/// assert_eq!(s.to_string(), "GBP 100.00: creators [alice=56.25, bob=18.75], platform 23.80, fee 1.20");
/// ```
pub fn split_text<'a, C>(input: &SplitText<'a, C>) -> Result<Split, SplitError>
where
    C: Iterator<Item = (&'a str, &'a str)> + Clone,
{
    let currency = Currency::from_code(input.currency)?;
    let gross = Money::parse_named(input.gross, currency, "gross")?;
    // The terms live for this call only: their ids stay empty (no copy), the payouts take
    // the input's.
    let terms = terms_of(input, currency, |_| String::new())?;
    terms.split_named(gross, input.creators.clone().map(|(id, _)| id))
}

/// The terms of `input` in `currency`, its gross aside, checked in the SPEC's order.
fn terms_in(input: &SplitInput, currency: Currency) -> Result<SplitTerms, SplitError> {
    terms_of(&SplitText::of(input), currency, str::to_owned)
}

/// [`terms_in`] with each creator's id in the terms made by `keep` (after the checks).
fn terms_of<'a, C>(
    input: &SplitText<'a, C>,
    currency: Currency,
    keep: impl Fn(&str) -> String,
) -> Result<SplitTerms, SplitError>
where
    C: Iterator<Item = (&'a str, &'a str)> + Clone,
{
    let fee = match input.fee {
        Some(f) => Money::parse_named(f, currency, "fee")?,
        None => Money::zero(currency),
    };
    let fee_mode = match input.fee_mode {
        Some(m) => m.parse()?,
        None => FeeMode::Platform,
    };
    let share = match input.creator_share {
        Some(s) => Share::parse(s)?,
        None => Share::FLOOR,
    };
    let n = input.creators.clone().count();
    if n == 0 {
        return Err(SplitError::NoCreators(
            "a split needs at least one creator".into(),
        ));
    }
    let mut creators = Vec::with_capacity(n);
    let mut seen = Seen::with_capacity(n);
    for (id, weight) in input.creators.clone() {
        let w = Weight::parse(weight)?;
        seen.insert(id)?;
        creators.push((keep(id), w));
    }
    let terms = SplitTerms::checked(currency, share, fee, fee_mode, creators);
    match input.step {
        Some(step) => terms.with_step(Money::parse_named(step, currency, "step")?),
        None => Ok(terms),
    }
}

/// The creator ids met so far, to refuse one met twice (`duplicate_creator`). A few are
/// compared one by one, which beats hashing them; many go into a hash set.
struct Seen<'a> {
    few: [&'a str; Seen::FEW],
    len: usize,
    many: Option<std::collections::HashSet<&'a str>>,
}

impl<'a> Seen<'a> {
    /// Up to this many ids are compared one by one, on the stack.
    const FEW: usize = 8;

    fn with_capacity(n: usize) -> Self {
        Seen {
            few: [""; Seen::FEW],
            len: 0,
            many: (n > Self::FEW).then(|| std::collections::HashSet::with_capacity(n)),
        }
    }

    /// Notes `id`; `duplicate_creator` when it was noted before.
    fn insert(&mut self, id: &'a str) -> Result<(), SplitError> {
        let new = match &mut self.many {
            Some(set) => set.insert(id),
            None if self.few[..self.len].contains(&id) => false,
            None if self.len == Self::FEW => {
                let mut set: std::collections::HashSet<&str> = self.few.into_iter().collect();
                set.insert(id);
                self.many = Some(set);
                true
            }
            None => {
                self.few[self.len] = id;
                self.len += 1;
                true
            }
        };
        match new {
            true => Ok(()),
            false => Err(SplitError::DuplicateCreator(format!(
                "creator id {id:?} appears twice"
            ))),
        }
    }
}

/// Largest-remainder allocation of `total` units by `weights` (summing to `weight_total`):
/// floors first, then one unit each to the largest exact remainders, ties to the lower index.
/// `out` receives the amounts, in order. Exact in integers: `total × w` must fit in `u128`,
/// which holds for every amount and weight this crate accepts (≤ 10^19 × 10^15, or
/// 10^19 × 10^19 for refunds).
pub fn largest_remainder(
    total: u128,
    weights: impl Iterator<Item = u128> + Clone,
    weight_total: u128,
    out: &mut [u128],
) {
    allot(total, weights, weight_total, out)
}

/// The unsigned integers [`allot`] computes in: `u64` (hardware division) when every
/// product fits, else `u128`.
trait Units:
    Copy
    + Ord
    + Into<u128>
    + std::ops::Mul<Output = Self>
    + std::ops::Div<Output = Self>
    + std::ops::Rem<Output = Self>
    + std::ops::Sub<Output = Self>
    + std::ops::AddAssign
    + std::ops::SubAssign
{
    const ZERO: Self;
    const ONE: Self;
}

impl Units for u64 {
    const ZERO: Self = 0;
    const ONE: Self = 1;
}

impl Units for u128 {
    const ZERO: Self = 0;
    const ONE: Self = 1;
}

/// [`largest_remainder`] in `T`; `total × w` must fit in `T`.
fn allot<T: Units>(
    total: T,
    weights: impl Iterator<Item = T> + Clone,
    weight_total: T,
    out: &mut [u128],
) {
    if weight_total == T::ZERO {
        out.iter_mut().for_each(|o| *o = 0);
        return;
    }
    // Floors, and the first largest remainder on the way (the remainder by a multiplication:
    // one division per creator).
    let (mut given, mut best) = (T::ZERO, (T::ZERO, 0usize));
    for (i, (o, w)) in out.iter_mut().zip(weights.clone()).enumerate() {
        let product = total * w;
        let share = product / weight_total;
        let r = product - share * weight_total;
        if i == 0 || r > best.0 {
            best = (r, i);
        }
        given += share;
        *o = share.into();
    }
    let mut left = total - given;
    if left == T::ZERO {
        return;
    }
    if left == T::ONE {
        // One unit: the first largest remainder takes it (no allocation, no sort).
        out[best.1] += 1;
        return;
    }
    if out.len() <= NO_ALLOC_CREATORS {
        // Fewer units left than creators: give them one by one, each to the next entry in
        // the order (largest remainder first, equal remainders in input order), found by
        // selection after the previous one (no allocation, no sort).
        let mut prev: Option<(T, usize)> = None;
        while left > T::ZERO {
            let mut next: Option<(T, usize)> = None;
            for (i, w) in weights.clone().enumerate() {
                let r = total * w % weight_total;
                let after_prev = prev.is_none_or(|(pr, pi)| r < pr || (r == pr && i > pi));
                let before_next = next.is_none_or(|(nr, ni)| r > nr || (r == nr && i < ni));
                if after_prev && before_next {
                    next = Some((r, i));
                }
            }
            let Some((_, i)) = next else { return };
            out[i] += 1;
            left -= T::ONE;
            prev = next;
        }
        return;
    }
    let mut order: Vec<(T, usize)> = weights
        .enumerate()
        .map(|(i, w)| (total * w % weight_total, i))
        .collect();
    // Largest remainder first; equal remainders in input order.
    order.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for &(_, i) in &order {
        if left == T::ZERO {
            break;
        }
        out[i] += 1;
        left -= T::ONE;
    }
}

/// `ceil(a × b / d)` exactly, with a 256-bit intermediate when `a × b` overflows; `None` if
/// the result does not fit in 128 bits.
fn mul_div_ceil(a: u128, b: u128, d: u128) -> Option<u128> {
    if let Some(p) = a.checked_mul(b) {
        return Some(p.div_ceil(d));
    }
    let (hi, lo) = mul_wide(a, b);
    if hi >= d {
        return None;
    }
    let (q, r) = div_wide(hi, lo, d);
    if r > 0 {
        q.checked_add(1)
    } else {
        Some(q)
    }
}

/// The full 256-bit product `a × b` as `(high, low)` 128-bit halves.
pub(crate) fn mul_wide(a: u128, b: u128) -> (u128, u128) {
    const M: u128 = u64::MAX as u128;
    let (a1, a0, b1, b0) = (a >> 64, a & M, b >> 64, b & M);
    let (p00, p01, p10, p11) = (a0 * b0, a0 * b1, a1 * b0, a1 * b1);
    let mid = (p00 >> 64) + (p01 & M) + (p10 & M);
    let lo = (p00 & M) | (mid << 64);
    let hi = p11 + (p01 >> 64) + (p10 >> 64) + (mid >> 64);
    (hi, lo)
}

/// `(hi·2^128 + lo) / d` by restoring binary division; requires `hi < d`.
fn div_wide(hi: u128, lo: u128, d: u128) -> (u128, u128) {
    let (mut r, mut q) = (hi, 0u128);
    for i in (0..128).rev() {
        let carry = r >> 127;
        r = (r << 1) | ((lo >> i) & 1);
        q <<= 1;
        if carry == 1 || r >= d {
            r = r.wrapping_sub(d);
            q |= 1;
        }
    }
    (q, r)
}

/// The unrefunded balances of one split, for refunds (SPEC §1 "Refunds").
///
/// A refund of `r` is taken from the parties (each creator, then the platform) in proportion
/// to their **unrefunded balances**, by largest remainder in integers (ties by input order,
/// platform last). Each party's share is ≥ 0 and ≤ its balance, and refunding the whole
/// remaining balance returns every balance exactly, whatever the partial refunds before it.
/// The processor's fee is outside the split and is never refunded here.
///
/// ```
/// use liberation_gates::split::{split, Refundable, SplitInput};
/// let s = split(&SplitInput::new("100.00", "GBP").creator("a", "1").creator("b", "1")).unwrap();
/// let mut r = Refundable::new(&s);
/// let part = r.refund_str("10.00").unwrap();
/// assert_eq!(part.creators[0].amount.to_string(), "3.75");
/// assert_eq!(part.platform.to_string(), "2.50");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Refundable {
    currency: Currency,
    ids: Vec<String>,
    /// Unrefunded balances: creators in order, then the platform.
    balances: Vec<u128>,
}

/// How one refund was taken from the parties.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Refund {
    /// The amount refunded.
    pub amount: Money,
    /// What each creator gives back, in order.
    pub creators: Vec<Payout>,
    /// What the platform gives back.
    pub platform: Money,
}

impl Refundable {
    /// The balances of a fresh split.
    pub fn new(split: &Split) -> Self {
        let mut balances: Vec<u128> = split.creators.iter().map(|p| p.amount.minor()).collect();
        balances.push(split.platform.minor());
        Refundable {
            currency: split.currency,
            ids: split.creators.iter().map(|p| p.id.clone()).collect(),
            balances,
        }
    }

    /// Balances from a split's parts as they were paid out (e.g. read back from storage or
    /// from another language): creators in order, then the platform. `currency_mismatch`
    /// when an amount is in another currency; `duplicate_creator` for a repeated id.
    pub fn from_parts(
        currency: Currency,
        creators: Vec<Payout>,
        platform: Money,
    ) -> Result<Self, SplitError> {
        let mismatch = |m: &Money| {
            SplitError::CurrencyMismatch(format!("{m} is in {}, not {currency}", m.currency()))
        };
        if platform.currency() != currency {
            return Err(mismatch(&platform));
        }
        let mut seen = std::collections::HashSet::new();
        let mut ids = Vec::with_capacity(creators.len());
        let mut balances = Vec::with_capacity(creators.len() + 1);
        for p in creators {
            if p.amount.currency() != currency {
                return Err(mismatch(&p.amount));
            }
            if !seen.insert(p.id.clone()) {
                return Err(SplitError::DuplicateCreator(format!(
                    "creator id {:?} appears twice",
                    p.id
                )));
            }
            balances.push(p.amount.minor());
            ids.push(p.id);
        }
        balances.push(platform.minor());
        Ok(Refundable {
            currency,
            ids,
            balances,
        })
    }

    /// Balances from a split as a binding returned it — `{currency, creators: [{id, amount}],
    /// platform}` with amounts as decimal strings, other fields ignored — read through any
    /// serde deserializer. A shape that is not that is `invalid_record`; amounts are checked
    /// as [`Refundable::from_parts`] checks them (`unknown_currency`, `invalid_amount`, …).
    pub fn from_balances<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Self, SplitError> {
        #[derive(Deserialize)]
        struct Line {
            id: String,
            amount: String,
        }
        #[derive(Deserialize)]
        struct Balances {
            currency: String,
            creators: Vec<Line>,
            platform: String,
        }
        let b = Balances::deserialize(d)
            .map_err(|e| SplitError::InvalidRecord(format!("not a split's balances: {e}")))?;
        let c = Currency::from_code(&b.currency)?;
        let creators = b
            .creators
            .into_iter()
            .map(|l| {
                Ok(Payout {
                    amount: Money::parse_named(&l.amount, c, "creator amount")?,
                    id: l.id,
                })
            })
            .collect::<Result<Vec<_>, SplitError>>()?;
        Refundable::from_parts(c, creators, Money::parse_named(&b.platform, c, "platform")?)
    }

    /// What remains refundable in total.
    pub fn remaining(&self) -> Money {
        money(self.balances.iter().sum(), self.currency)
    }

    /// What the creators still hold together, and what everyone holds, in minor units.
    pub fn remaining_minor(&self) -> (u128, u128) {
        let creators = self.balances[..self.ids.len()].iter().sum();
        (creators, self.balances.iter().sum())
    }

    /// The remaining balance of each creator (input order) and of the platform.
    pub fn balances(&self) -> (Vec<Payout>, Money) {
        let (c, p) = self.balances.split_at(self.ids.len());
        let creators = self
            .ids
            .iter()
            .zip(c)
            .map(|(id, &m)| Payout {
                id: id.clone(),
                amount: money(m, self.currency),
            })
            .collect();
        (creators, money(p[0], self.currency))
    }

    /// Parses `amount` in this split's currency and refunds it.
    pub fn refund_str(&mut self, amount: &str) -> Result<Refund, SplitError> {
        let m = Money::parse_named(amount, self.currency, "refund")?;
        self.refund(m)
    }

    /// Takes `amount` from the parties. `refund_exceeds_balance` above the remaining total;
    /// `currency_mismatch` for another currency. An error changes nothing.
    pub fn refund(&mut self, amount: Money) -> Result<Refund, SplitError> {
        if amount.currency() != self.currency {
            return Err(SplitError::CurrencyMismatch(format!(
                "refund is in {} but the split is in {}",
                amount.currency(),
                self.currency
            )));
        }
        let total: u128 = self.balances.iter().sum();
        if amount.minor() > total {
            return Err(SplitError::RefundExceedsBalance(format!(
                "refund {} exceeds the remaining balance {}",
                amount,
                money(total, self.currency)
            )));
        }
        let mut parts = vec![0u128; self.balances.len()];
        largest_remainder(
            amount.minor(),
            self.balances.iter().copied(),
            total,
            &mut parts,
        );
        for (b, p) in self.balances.iter_mut().zip(&parts) {
            *b -= p;
        }
        let c = self.currency;
        let creators = self
            .ids
            .iter()
            .zip(&parts)
            .map(|(id, &p)| Payout {
                id: id.clone(),
                amount: money(p, c),
            })
            .collect();
        Ok(Refund {
            amount,
            creators,
            platform: money(parts[self.ids.len()], c),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refundable_total_beyond_one_amounts_limit_is_still_its_total() {
        // Each balance is within 10^15 major units; together they are not, and the total is
        // what it is (it once came back as zero).
        let gbp = Currency::from_code("GBP").unwrap();
        let max = Money::parse("1000000000000000", gbp).unwrap();
        let creators = vec![
            Payout {
                id: "a".into(),
                amount: max,
            },
            Payout {
                id: "b".into(),
                amount: max,
            },
        ];
        let r = Refundable::from_parts(gbp, creators, max).unwrap();
        assert_eq!(r.remaining().minor(), 3 * max.minor());
        assert_eq!(r.remaining().to_string(), "3000000000000000.00");
    }

    /// Found by the payout_audit fuzz target: a share above 1 with 36 decimal places made
    /// `num × 100` overflow (a panic in debug builds, a wrapped comparison in release that
    /// could report `sovereignty_violation` for a share above 1).
    #[test]
    fn a_share_above_one_with_36_places_is_invalid_share() {
        for s in [
            "5.815555555555555515555550000002055555",
            "3.450000000000000000000000000000000001",
            "3.4",
            "339.99",
        ] {
            let e = Share::parse(s).unwrap_err();
            assert_eq!(e.kind(), "invalid_share", "{s}: {e}");
        }
        let e = Share::parse("0.749999999999999999999999999999999999").unwrap_err();
        assert_eq!(e.kind(), "sovereignty_violation");
        assert!(Share::parse("1.000000000000000000000000000000000000").is_ok());
    }

    #[test]
    fn wide_mul_div_matches_narrow() {
        for (a, b, d) in [
            (7u128, 3u128, 2u128),
            (10u128.pow(19), 10u128.pow(19), 10u128.pow(20)),
            (u128::MAX / 3, 5, 7),
        ] {
            let (hi, lo) = mul_wide(a, b);
            if hi < d {
                let (q, r) = div_wide(hi, lo, d);
                if let Some(p) = a.checked_mul(b) {
                    assert_eq!((q, r), (p / d, p % d));
                }
            }
        }
        // 10^19 × (75×10^34) / 10^36 = 7.5×10^18 exactly.
        assert_eq!(
            mul_div_ceil(10u128.pow(19), 75 * 10u128.pow(34), 10u128.pow(36)),
            Some(75 * 10u128.pow(17))
        );
        assert_eq!(
            mul_div_ceil(10u128.pow(19) + 1, 75 * 10u128.pow(34), 10u128.pow(36)),
            Some(75 * 10u128.pow(17) + 1)
        );
    }

    #[test]
    fn share_bounds() {
        assert_eq!(
            Share::parse("0.7499").unwrap_err().kind(),
            "sovereignty_violation"
        );
        assert_eq!(Share::parse("1.0001").unwrap_err().kind(), "invalid_share");
        assert_eq!(Share::parse("abc").unwrap_err().kind(), "invalid_share");
        assert_eq!(Share::parse("1.000").unwrap().to_string(), "1.00");
        assert_eq!(Share::parse("0.75").unwrap(), Share::FLOOR);
    }

    #[test]
    fn cash_steps_give_whole_steps() {
        let s = split(
            &SplitInput::new("10.00", "CHF")
                .creator("a", "1")
                .creator("b", "1")
                .creator("c", "1")
                .step("0.05"),
        )
        .unwrap();
        assert_eq!(s.creator_total.to_string(), "7.50");
        for p in &s.creators {
            assert_eq!(p.amount.minor() % 5, 0, "{p:?}");
        }
        let total: u128 =
            s.creators.iter().map(|p| p.amount.minor()).sum::<u128>() + s.platform.minor();
        assert_eq!(total, 1000);
        assert_eq!(
            split(
                &SplitInput::new("0.03", "CHF")
                    .creator("a", "1")
                    .step("0.05")
            )
            .unwrap_err()
            .kind(),
            "invalid_step"
        );
    }

    proptest::proptest! {
        /// The `u64` path (gross within `fast_limit`) gives exactly what the `u128` path gives
        /// for the same terms: shares, weights, fee modes, cash steps and amounts at and around
        /// the limit.
        #[test]
        fn the_u64_path_equals_the_u128_path(
            share in 750_000u64..=1_000_000,
            weights in proptest::collection::vec(
                proptest::prop_oneof![1u64..=100, 1u64..=1_000_000_000_000], 1..=40),
            gross in proptest::prop_oneof![0u128..=1_000_000, 0u128..=10u128.pow(17)],
            near_limit in proptest::bool::ANY,
            fee in 0u128..1000,
            before_split in proptest::bool::ANY,
            step in 1u128..=20,
        ) {
            let c = Currency::from_code("USD").unwrap();
            let share = Share::parse(&format!("{}.{:06}", share / 1_000_000, share % 1_000_000)).unwrap();
            let mode = if before_split { FeeMode::BeforeSplit } else { FeeMode::Platform };
            let creators = weights.iter().enumerate().map(|(i, w)| (format!("c{i}"), Weight(*w))).collect();
            let fast = SplitTerms::new(c, share, Money::from_minor(fee, c).unwrap(), mode, creators)
                .unwrap()
                .with_step(Money::from_minor(step, c).unwrap())
                .unwrap();
            let mut slow = fast.clone();
            slow.fast_limit = 0;
            let gross = match near_limit {
                true => fast.fast_limit.saturating_sub(gross % 64) + gross % 3,
                false => gross,
            }.min(fast.max_gross);
            let (mut a, mut b) = (vec![0; weights.len()], vec![0; weights.len()]);
            let (pa, pb) = (fast.split_into(gross, &mut a), slow.split_into(gross, &mut b));
            proptest::prop_assert_eq!(pa, pb);
            proptest::prop_assert_eq!(a, b);
        }
    }
}
