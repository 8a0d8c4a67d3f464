//! Currencies and amounts, exact to the minor unit. No floating point anywhere here.
//!
//! Amounts are held as integer minor units (`i128`: 10^15 CLF is 10^19 minor units, more than
//! an `i64` holds) and written back with exactly the currency's minor-unit digits (`"12.50"`
//! GBP, `"1250"` JPY, `"1.250"` KWD). Parsing is strict: a plain decimal string, no exponent,
//! no sign but `-`, no separators. [`Money::to_decimal`] / [`Money::from_decimal`] convert to
//! and from `rust_decimal::Decimal` exactly (no rounding happens: a value with more digits than
//! the currency has is refused, not rounded).

use crate::error::SplitError;
use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::cell::Cell;
use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

/// The largest amount accepted, in major units: 10^15.
pub const MAX_MAJOR_UNITS: u128 = 1_000_000_000_000_000;

/// An ISO 4217 currency with defined minor units. Copy, 24 bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Currency {
    code: &'static str,
    digits: u8,
}

impl Currency {
    /// Looks up an ISO 4217 alphabetic code (upper case, exactly as ISO writes it). Codes
    /// without minor units (XXX, XAU, XDR, …) are `unknown_currency`: they cannot be split.
    ///
    /// ```
    /// use liberation_gates::money::Currency;
    /// assert_eq!(Currency::from_code("JPY").unwrap().digits(), 0);
    /// assert_eq!(Currency::from_code("KWD").unwrap().digits(), 3);
    /// assert_eq!(Currency::from_code("CLF").unwrap().digits(), 4);
    /// assert_eq!(Currency::from_code("gbp").unwrap_err().kind(), "unknown_currency");
    /// ```
    pub fn from_code(code: &str) -> Result<Currency, SplitError> {
        // iso_currency matches the code against each of ISO's codes in turn (about 300
        // instructions for GBP under callgrind); a thread mostly splits in one currency, so
        // the last one found is compared first.
        thread_local! {
            static LAST: Cell<Option<Currency>> = const { Cell::new(None) };
        }
        if let Some(last) = LAST.with(Cell::get).filter(|c| c.code == code) {
            return Ok(last);
        }
        let found = Currency::look_up(code)?;
        LAST.with(|l| l.set(Some(found)));
        Ok(found)
    }

    fn look_up(code: &str) -> Result<Currency, SplitError> {
        // iso_currency's exponent is ISO's minor-unit column (JPY 0, KWD 3, CLF 4), not a
        // "subunit fraction"; codes without one (XXX, metals, SDR) return None.
        let c = iso_currency::Currency::from_code(code).ok_or_else(|| {
            SplitError::UnknownCurrency(format!("{code:?} is not an ISO 4217 currency code"))
        })?;
        let digits = c.exponent().ok_or_else(|| {
            SplitError::UnknownCurrency(format!("{code:?} has no minor unit defined by ISO 4217"))
        })?;
        Ok(Currency {
            code: c.code(),
            digits: digits as u8,
        })
    }

    /// The alphabetic code, e.g. `"GBP"`.
    pub fn code(&self) -> &'static str {
        self.code
    }

    /// The number of minor-unit digits (ISO 4217's exponent).
    pub fn digits(&self) -> u32 {
        self.digits as u32
    }

    /// Minor units per major unit (10^digits).
    pub fn minor_per_major(&self) -> u128 {
        10u128.pow(self.digits as u32)
    }

    /// The largest accepted amount in minor units (10^15 major units).
    pub fn max_minor(&self) -> u128 {
        MAX_MAJOR_UNITS * self.minor_per_major()
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code)
    }
}

impl FromStr for Currency {
    type Err = SplitError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Currency::from_code(s)
    }
}

impl Serialize for Currency {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code)
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Currency::from_code(&s).map_err(serde::de::Error::custom)
    }
}

/// A decimal string split into its parts: `-?digits(.digits)?`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DecimalStr<'a> {
    pub negative: bool,
    int: &'a str,
    frac: &'a str,
}

/// Why a decimal string does not fit a given scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ScaleError {
    /// More significant fractional digits than the scale allows.
    TooPrecise,
    /// The value does not fit in 128 bits at that scale.
    TooLarge,
}

impl<'a> DecimalStr<'a> {
    /// Parses `-?[0-9]+(\.[0-9]+)?`; anything else (exponents, `+`, spaces, `_`) is `None`.
    /// One pass over the bytes: amounts are short, and a searcher per `.` cost more than
    /// the scan.
    pub fn parse(s: &'a str) -> Option<Self> {
        let (negative, body) = match s.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, s),
        };
        let mut dot = None;
        for (i, &b) in body.as_bytes().iter().enumerate() {
            match b {
                b'0'..=b'9' => {}
                b'.' if dot.is_none() => dot = Some(i),
                _ => return None,
            }
        }
        // Splitting at an ASCII '.' keeps both halves on character boundaries.
        let (int, frac) = match dot {
            Some(i) => (&body[..i], &body[i + 1..]),
            None => (body, ""),
        };
        if int.is_empty() || (dot.is_some() && frac.is_empty()) {
            return None;
        }
        Some(DecimalStr {
            negative,
            int,
            frac,
        })
    }

    /// Whether the value is zero.
    pub fn is_zero(self) -> bool {
        self.int.bytes().all(|b| b == b'0') && self.frac.bytes().all(|b| b == b'0')
    }

    /// Number of significant fractional digits (trailing zeros do not count).
    pub fn significant_places(self) -> u32 {
        self.frac.trim_end_matches('0').len() as u32
    }

    /// The absolute value as an integer count of `10^-scale` units.
    pub fn to_scaled(self, scale: u32) -> Result<u128, ScaleError> {
        let frac = self.frac.trim_end_matches('0');
        if frac.len() as u32 > scale {
            return Err(ScaleError::TooPrecise);
        }
        let int = self.int.trim_start_matches('0');
        if int.len() > 39 {
            return Err(ScaleError::TooLarge);
        }
        let mut digits = int.bytes().chain(frac.bytes()).map(|b| b - b'0');
        let v = match int.len() + frac.len() {
            // 19 digits are below 10^19 < 2^64: no overflow, and 64-bit arithmetic.
            0..=19 => digits.fold(0u64, |v, d| v * 10 + d as u64) as u128,
            _ => digits.try_fold(0u128, |v, d| {
                v.checked_mul(10)
                    .and_then(|v| v.checked_add(d as u128))
                    .ok_or(ScaleError::TooLarge)
            })?,
        };
        let pad = scale - frac.len() as u32;
        let factor = 10u128.checked_pow(pad).ok_or(ScaleError::TooLarge)?;
        v.checked_mul(factor).ok_or(ScaleError::TooLarge)
    }
}

/// A non-negative amount of one currency, at most 10^15 major units, held as minor units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Money {
    minor: u128,
    currency: Currency,
}

impl Money {
    /// Parses a decimal string in major units. `invalid_amount` when it is not a plain decimal,
    /// negative, not a whole number of minor units (`"12.505"` GBP; `"12.500"` is fine), or
    /// above 10^15 major units.
    ///
    /// ```
    /// use liberation_gates::money::{Currency, Money};
    /// let gbp = Currency::from_code("GBP").unwrap();
    /// assert_eq!(Money::parse("12.5", gbp).unwrap().to_string(), "12.50");
    /// assert_eq!(Money::parse("12.505", gbp).unwrap_err().kind(), "invalid_amount");
    /// ```
    pub fn parse(s: &str, currency: Currency) -> Result<Money, SplitError> {
        Self::parse_named(s, currency, "amount")
    }

    pub(crate) fn parse_named(
        s: &str,
        currency: Currency,
        what: &str,
    ) -> Result<Money, SplitError> {
        let bad = |why: String| SplitError::InvalidAmount(format!("{what} {s:?} {why}"));
        let d = DecimalStr::parse(s)
            .ok_or_else(|| bad("is not a decimal number such as \"12.50\"".into()))?;
        if d.negative && !d.is_zero() {
            return Err(bad("is negative".into()));
        }
        let minor = d.to_scaled(currency.digits()).map_err(|e| match e {
            ScaleError::TooPrecise => bad(format!(
                "is not a whole number of minor units ({} has {} decimal places)",
                currency.code(),
                currency.digits()
            )),
            ScaleError::TooLarge => bad("exceeds 10^15 major units".into()),
        })?;
        Money::from_minor(minor, currency).map_err(|_| bad("exceeds 10^15 major units".into()))
    }

    /// An amount from integer minor units; `invalid_amount` above 10^15 major units.
    pub fn from_minor(minor: u128, currency: Currency) -> Result<Money, SplitError> {
        if minor > currency.max_minor() {
            return Err(SplitError::InvalidAmount(format!(
                "{minor} minor units of {} exceeds 10^15 major units",
                currency.code()
            )));
        }
        Ok(Money { minor, currency })
    }

    /// `minor` units of `currency` without the 10^15 check, for what is made of amounts
    /// already checked: a split's pool, payouts and platform part (each at most the gross), a
    /// refundable balance and its total.
    pub(crate) fn of_checked(minor: u128, currency: Currency) -> Money {
        Money { minor, currency }
    }

    /// An amount from signed minor units; negative is `invalid_amount`.
    pub fn from_minor_signed(minor: i128, currency: Currency) -> Result<Money, SplitError> {
        let m = u128::try_from(minor).map_err(|_| {
            SplitError::InvalidAmount(format!("amount of {minor} minor units is negative"))
        })?;
        Money::from_minor(m, currency)
    }

    /// Zero of `currency`.
    pub fn zero(currency: Currency) -> Money {
        Money { minor: 0, currency }
    }

    /// Converts an exact `Decimal`; more digits than the currency has is `invalid_amount`
    /// (never rounded).
    pub fn from_decimal(d: Decimal, currency: Currency) -> Result<Money, SplitError> {
        Money::parse(&d.to_string(), currency)
    }

    /// The amount as a `Decimal` with exactly the currency's digits (no rounding: exact).
    pub fn to_decimal(&self) -> Decimal {
        // ≤ 10^19 minor units always fits Decimal's 96-bit mantissa.
        Decimal::from_i128_with_scale(self.minor as i128, self.currency.digits())
    }

    /// The amount as [`Display`](fmt::Display) writes it (major units, exactly the
    /// currency's digits), on the stack: what a binding turns into a string or a `Decimal`
    /// without allocating.
    ///
    /// ```
    /// use liberation_gates::money::{Currency, Money};
    /// let kwd = Currency::from_code("KWD").unwrap();
    /// assert_eq!(&*Money::from_minor(7, kwd).unwrap().text(), "0.007");
    /// ```
    pub fn text(&self) -> AmountText {
        // A currency has at most 4 places, so `new` always writes it.
        AmountText::new(self.minor, self.currency.digits()).unwrap_or_default()
    }

    /// Integer minor units.
    pub fn minor(&self) -> u128 {
        self.minor
    }

    /// The currency.
    pub fn currency(&self) -> Currency {
        self.currency
    }

    /// Whether the amount is zero.
    pub fn is_zero(&self) -> bool {
        self.minor == 0
    }
}

impl fmt::Display for Money {
    /// Major units with exactly the currency's minor-unit digits.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text())
    }
}

/// Writes signed integer minor units of the currency coded `currency` as a decimal string with
/// its digits, without checking the range (`-1250` JPY is `"-1250"`, `1250` GBP is `"12.50"`).
/// Bindings use it to turn integer minor units into the text the core parses, so range errors
/// come from the core in the SPEC's order; an unknown code leaves the number as it is, and the
/// split or refund then reports `unknown_currency` itself.
///
/// ```
/// use liberation_gates::money::minor_units_text;
/// assert_eq!(minor_units_text(1250, "GBP"), "12.50");
/// assert_eq!(minor_units_text(-1250, "JPY"), "-1250");
/// assert_eq!(minor_units_text(7, "KWD"), "0.007");
/// assert_eq!(minor_units_text(7, "ZZZ"), "7");
/// ```
pub fn minor_units_text(minor: i128, currency: &str) -> String {
    let Ok(currency) = Currency::from_code(currency) else {
        return minor.to_string();
    };
    let mut s = String::new();
    if minor < 0 {
        s.push('-');
    }
    let _ = format_minor(&mut s, minor.unsigned_abs(), currency.digits());
    s
}

/// What a JavaScript binding says of a money argument `what` that is neither a decimal
/// string nor a bigint of minor units but of JavaScript type `got` (Node and WASM word it
/// the same way).
pub fn not_money(what: &str, got: &str) -> String {
    let why = match got {
        "number" => ": a binary float cannot hold an amount of money exactly",
        _ => "",
    };
    format!("{what} must be a decimal string (e.g. \"12.50\") or a bigint of minor units, not {got}{why}")
}

pub(crate) fn format_minor(f: &mut impl fmt::Write, minor: u128, digits: u32) -> fmt::Result {
    match AmountText::new(minor, digits) {
        Some(text) => f.write_str(&text),
        // 10^digits exceeds every u128: the whole part is 0.
        None => write!(f, "0.{minor:0>w$}", w = digits as usize),
    }
}

/// An amount written as decimal text, kept on the stack: [`Money::text`]. Dereferences to
/// `str`. Writing it takes no allocation and, for every amount of money (at most 10^19
/// minor units, below 2^64), no 128-bit division.
#[derive(Clone, Copy)]
pub struct AmountText {
    buf: [u8; AmountText::ROOM],
    /// Where the text starts: it runs to the buffer's end.
    start: u8,
}

impl AmountText {
    /// Room for any `u128` and its point: 39 digits and a '.', or "0." and 46 places.
    const ROOM: usize = 48;
    /// The most places written here (a currency has at most 4, a share 36).
    const MAX_PLACES: usize = 46;

    /// `minor` units of `10^-places`, with exactly `places` digits after the point (none
    /// and no point for 0 places): `(1250, 2)` is `"12.50"`, `(7, 3)` is `"0.007"`. `None`
    /// beyond 46 places.
    pub(crate) fn new(minor: u128, places: u32) -> Option<AmountText> {
        let places = places as usize;
        if places > Self::MAX_PLACES {
            return None;
        }
        let mut text = AmountText::default();
        // Written right to left, ending at the buffer's end.
        let start = match u64::try_from(minor) {
            Ok(small) => fill(&mut text.buf, small, places),
            Err(_) => fill(&mut text.buf, minor, places),
        };
        text.start = start as u8;
        Some(text)
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        // Only ASCII digits and '.' are written.
        std::str::from_utf8(&self.buf[self.start as usize..]).unwrap_or_default()
    }
}

/// Writes `rest` with `places` digits after a point into the end of `buf`, right to left,
/// and returns where the text starts: the fraction's digits, the point, then the whole
/// part's (at least one). Generic so that amounts of money, all below 2^64, divide in 64 bits.
fn fill<T>(buf: &mut [u8; AmountText::ROOM], mut rest: T, places: usize) -> usize
where
    T: Copy + PartialEq + From<u8> + std::ops::Div<Output = T> + std::ops::Rem<Output = T>,
    u8: TryFrom<T>,
{
    let (zero, ten) = (T::from(0), T::from(10));
    let mut i = buf.len();
    let mut written = 0;
    loop {
        if written == places && places > 0 {
            i -= 1;
            buf[i] = b'.';
        }
        i -= 1;
        buf[i] = b'0' + u8::try_from(rest % ten).unwrap_or(0);
        rest = rest / ten;
        written += 1;
        if rest == zero && written > places {
            return i;
        }
    }
}

impl Default for AmountText {
    /// The empty text.
    fn default() -> Self {
        AmountText {
            buf: [0; AmountText::ROOM],
            start: AmountText::ROOM as u8,
        }
    }
}

impl std::ops::Deref for AmountText {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Display for AmountText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self)
    }
}

impl fmt::Debug for AmountText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl PartialOrd for Money {
    /// Amounts of different currencies are not ordered.
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        (self.currency == other.currency).then(|| self.minor.cmp(&other.minor))
    }
}

impl Serialize for Money {
    /// As the decimal string, e.g. `"12.50"`.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_strings_are_strict() {
        for bad in [
            "", "-", ".5", "5.", "1e3", "+1", " 1", "1_000", "1.2.3", "١",
        ] {
            assert!(
                DecimalStr::parse(bad).is_none(),
                "{bad:?} should be refused"
            );
        }
        assert_eq!(
            DecimalStr::parse("012.3400").unwrap().to_scaled(2),
            Ok(1234)
        );
        assert_eq!(
            DecimalStr::parse("0.001").unwrap().to_scaled(2),
            Err(ScaleError::TooPrecise)
        );
    }

    /// The first definitions of `DecimalStr::parse` and `to_scaled`, written as the grammar
    /// reads (split at the first '.', every part digits, the value built in `u128`): the
    /// one-pass versions must answer exactly as they do.
    fn reference(s: &str, scale: u32) -> Option<(bool, Result<u128, ScaleError>)> {
        let (negative, body) = match s.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, s),
        };
        let (int, frac) = body.split_once('.').unwrap_or((body, ""));
        let digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
        if int.is_empty()
            || !digits(int)
            || !digits(frac)
            || (body.contains('.') && frac.is_empty())
        {
            return None;
        }
        let frac = frac.trim_end_matches('0');
        if frac.len() as u32 > scale {
            return Some((negative, Err(ScaleError::TooPrecise)));
        }
        let int = int.trim_start_matches('0');
        if int.len() > 39 {
            return Some((negative, Err(ScaleError::TooLarge)));
        }
        let mut v: u128 = 0;
        for b in int.bytes().chain(frac.bytes()) {
            match v
                .checked_mul(10)
                .and_then(|v| v.checked_add((b - b'0') as u128))
            {
                Some(next) => v = next,
                None => return Some((negative, Err(ScaleError::TooLarge))),
            }
        }
        let factor = 10u128.checked_pow(scale - frac.len() as u32);
        Some((
            negative,
            factor
                .and_then(|f| v.checked_mul(f))
                .ok_or(ScaleError::TooLarge),
        ))
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4096))]
        #[test]
        fn one_pass_decimal_parsing_answers_as_the_grammar(
            s in "-?[0-9.]{0,44}|-?[0-9]{0,25}(\\.[0-9]{0,25})?|\\PC{0,8}",
            scale in 0u32..40,
        ) {
            let ours = DecimalStr::parse(&s).map(|d| (d.negative, d.to_scaled(scale)));
            proptest::prop_assert_eq!(ours, reference(&s, scale), "{:?} at scale {}", s, scale);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4096))]
        #[test]
        fn amount_text_writes_what_fmt_writes(
            minor in proptest::prop_oneof![0u128..1000, 0u128..=u64::MAX as u128 + 10, proptest::prelude::any::<u128>()],
            places in 0u32..=50,
        ) {
            // The first definition, through fmt (exact up to 38 places, where 10^places fits).
            let expected = match places {
                0 => minor.to_string(),
                1..=38 => {
                    let p = 10u128.pow(places);
                    format!("{}.{:0w$}", minor / p, minor % p, w = places as usize)
                }
                _ => format!("0.{minor:0>w$}", w = places as usize),
            };
            let mut ours = String::new();
            format_minor(&mut ours, minor, places).unwrap();
            proptest::prop_assert_eq!(ours, expected);
        }
    }

    #[test]
    fn money_formats_with_exact_digits_and_round_trips_decimal() {
        let kwd = Currency::from_code("KWD").unwrap();
        let m = Money::parse("1.25", kwd).unwrap();
        assert_eq!(m.to_string(), "1.250");
        assert_eq!(m.to_decimal().to_string(), "1.250");
        assert_eq!(Money::from_decimal(m.to_decimal(), kwd).unwrap(), m);
        let jpy = Currency::from_code("JPY").unwrap();
        assert_eq!(Money::parse("1250.00", jpy).unwrap().to_string(), "1250");
        let clf = Currency::from_code("CLF").unwrap();
        let max = Money::parse("1000000000000000", clf).unwrap();
        assert_eq!(max.minor(), 10u128.pow(19));
        assert_eq!(
            Money::parse("1000000000000000.0001", clf)
                .unwrap_err()
                .kind(),
            "invalid_amount"
        );
    }

    #[test]
    fn the_last_currency_found_answers_only_for_its_own_code() {
        // Each code looked up right after a different one and right after itself: the
        // remembered currency must never answer for another code, nor hide an error.
        let codes = [
            "GBP", "JPY", "KWD", "CLF", "gbp", "GB", "GBPX", "XXX", "EUR", "GBP",
        ];
        for a in codes {
            for b in codes {
                for code in [a, b, b] {
                    let got = Currency::from_code(code);
                    let want = Currency::look_up(code);
                    assert_eq!(got.as_ref().ok(), want.as_ref().ok(), "{code} after {a}");
                    assert_eq!(got.err().map(|e| e.kind()), want.err().map(|e| e.kind()));
                }
            }
        }
        assert_eq!(Currency::from_code("KWD").unwrap().digits(), 3);
        assert_eq!(Currency::from_code("JPY").unwrap().code(), "JPY");
    }

    #[test]
    fn currencies_without_minor_units_are_unknown() {
        for code in ["XXX", "XAU", "XDR", "ABC", "gbp", ""] {
            assert_eq!(
                Currency::from_code(code).unwrap_err().kind(),
                "unknown_currency",
                "{code}"
            );
        }
    }
}
