//! Benchmarks live in benches/*.rs

use liberation_gates::money::{Currency, Money};
use liberation_gates::split::{FeeMode, Share, SplitTerms, Weight};

/// The split every side-by-side split benchmark measures: GBP 1234.57, 80% to creators a and
/// b weighted 3:1, no fee. Returns the prepared terms and the gross.
pub fn split_2_creators() -> (SplitTerms, Money) {
    let gbp = Currency::from_code("GBP").expect("GBP");
    let terms = SplitTerms::new(
        gbp,
        Share::parse("0.8").expect("share"),
        Money::zero(gbp),
        FeeMode::Platform,
        vec![
            ("a".into(), Weight::parse("3").expect("w")),
            ("b".into(), Weight::parse("1").expect("w")),
        ],
    )
    .expect("terms");
    (terms, Money::parse("1234.57", gbp).expect("gross"))
}
