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

/// `n` one-second observation lines (JSON lines) of every input of the built-in policy, the
/// error rate above its threshold for the first minute of each hour: the policy day's file.
pub fn observation_lines(n: u64) -> String {
    let mut text = String::new();
    for t in 0..n {
        text.push_str(&format!(
            "{{\"t\":{t},\"metrics\":{{\"http_error_rate\":{},\"response_time_degradation\":0.1,\"creator_share\":0.8,\"governance_participation_drop\":0.0,\"capacity_utilization\":0.5}},\"checks\":{{\"database\":true,\"cache\":true,\"storage\":true,\"api_gateway\":true,\"auth\":true,\"business_logic\":true,\"integration\":true,\"community_protection\":true,\"trauma_informed_ux\":true}}}}\n",
            if t % 3600 < 60 { 0.02 } else { 0.001 }
        ));
    }
    text
}
