//! Properties of the rules, checked on random inputs with proptest.
//!
//! 1,000 cases per property by default; set `LG_PROPTEST_CASES` (e.g. 1000000) for a long run.

use liberation_gates::breaker::{BreakerConfig, BreakerMachine, BreakerOp, Outcome, WindowConfig};
use liberation_gates::flags::{FlagDef, FlagKind, FlagOp, FlagSet};
use liberation_gates::governance::{Proposal, VerifiedDecision};
use liberation_gates::split::{split, Refundable, SplitInput};
use liberation_gates::threshold::{AlertState, Op, Threshold, ThresholdRule};
use proptest::prelude::*;

fn cases() -> u32 {
    std::env::var("LG_PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000)
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: cases(),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Samples: strictly increasing times (gaps 1..120 s) and breach / no breach.
fn samples() -> impl Strategy<Value = Vec<(f64, bool)>> {
    prop::collection::vec((1u32..120, any::<bool>()), 0..60).prop_map(|v| {
        let mut t = 0.0;
        v.into_iter()
            .map(|(gap, breach)| {
                t += gap as f64;
                (t, breach)
            })
            .collect()
    })
}

proptest! {
    #![proptest_config(config())]

    /// Never `firing` before `for_seconds` of uninterrupted breach (with no keep_firing_for).
    #[test]
    fn threshold_never_fires_early(for_seconds in 0u32..600, s in samples()) {
        let mut th = Threshold::new(ThresholdRule::new(Op::Gt, 0.5, for_seconds as f64).unwrap());
        for (k, &(t, breach)) in s.iter().enumerate() {
            let st = th.observe(t, if breach { 1.0 } else { 0.0 }).unwrap();
            if st == AlertState::Firing {
                // Some run of consecutive breaching samples ending here spans ≥ for_seconds.
                let start = s[..=k].iter().rposition(|&(_, b)| !b).map_or(0, |i| i + 1);
                prop_assert!(start <= k, "firing on a non-breaching sample");
                prop_assert!(t - s[start].0 >= for_seconds as f64);
            }
            if !breach {
                prop_assert_eq!(st, AlertState::Inactive);
            }
        }
    }

    /// `for_seconds = 0` fires on the first breach; a pending rule fires exactly when the run
    /// reaches `for_seconds`.
    #[test]
    fn threshold_fires_on_time(for_seconds in 0u32..600, s in samples()) {
        let mut th = Threshold::new(ThresholdRule::new(Op::Gt, 0.5, for_seconds as f64).unwrap());
        let mut run_start: Option<f64> = None;
        for &(t, breach) in &s {
            let st = th.observe(t, if breach { 1.0 } else { 0.0 }).unwrap();
            run_start = if breach { run_start.or(Some(t)) } else { None };
            let expected = match run_start {
                None => AlertState::Inactive,
                Some(since) if t - since >= for_seconds as f64 => AlertState::Firing,
                Some(_) => AlertState::Pending,
            };
            prop_assert_eq!(st, expected);
        }
    }

    /// keep_firing_for only ever extends firing; an erroring sample changes nothing.
    #[test]
    fn threshold_keep_firing_and_errors(for_seconds in 0u32..300, keep in 0u32..300, s in samples()) {
        let base = ThresholdRule::new(Op::Gt, 0.5, for_seconds as f64).unwrap();
        let mut plain = Threshold::new(base);
        let mut kept = Threshold::new(base.with_keep_firing_for(keep as f64).unwrap());
        let mut prev: Option<f64> = None;
        for &(t, breach) in &s {
            let v = if breach { 1.0 } else { 0.0 };
            let a = plain.observe(t, v).unwrap();
            let before = kept.clone();
            prop_assert!(kept.observe(t, f64::NAN).is_err());
            if let Some(p) = prev {
                prop_assert!(kept.observe(p, v).is_err());
            }
            prop_assert_eq!(&kept, &before);
            let b = kept.observe(t, v).unwrap();
            prev = Some(t);
            if a == AlertState::Firing {
                prop_assert_eq!(b, AlertState::Firing);
            }
        }
    }
}

/// A split request: currency, gross in minor units, creators' weights (in millionths), share.
fn split_case() -> impl Strategy<Value = (&'static str, u32, u128, Vec<u64>, u32, u128, bool)> {
    (
        prop::sample::select(vec![("JPY", 0u32), ("GBP", 2), ("KWD", 3), ("CLF", 4)]),
        prop_oneof![
            0u128..10_000,
            0u128..10_000_000_000,
            0u128..=1_000_000_000_000_000_000
        ],
        prop::collection::vec(
            prop_oneof![1u64..=10_000_000, 1u64..=1_000_000_000_000_000],
            1..12,
        ),
        7500u32..=10_000,
        0u128..1_000,
        any::<bool>(),
    )
        .prop_map(|((c, d), gross, weights, share, fee, before)| {
            // At most 10^15 major units of the currency.
            let gross = gross.min(10u128.pow(15 + d));
            (c, d, gross, weights, share, fee, before)
        })
}

fn minor_to_str(minor: u128, digits: u32) -> String {
    if digits == 0 {
        return minor.to_string();
    }
    let p = 10u128.pow(digits);
    format!("{}.{:0w$}", minor / p, minor % p, w = digits as usize)
}

fn micros_to_str(m: u64) -> String {
    format!("{}.{:06}", m / 1_000_000, m % 1_000_000)
}

fn request(
    c: &str,
    d: u32,
    gross: u128,
    weights: &[u64],
    share: u32,
    fee: u128,
    before: bool,
) -> SplitInput {
    let mut req = SplitInput::new(minor_to_str(gross, d), c)
        .share(format!("0.{share:04}").replace("0.10000", "1.0000"));
    if share == 10_000 {
        req.creator_share = Some("1".into());
    }
    for (i, w) in weights.iter().enumerate() {
        req = req.creator(format!("c{i}"), micros_to_str(*w));
    }
    if fee > 0 {
        req = req.fee(
            minor_to_str(fee.min(gross), d),
            if before { "before_split" } else { "platform" },
        );
    }
    req
}

proptest! {
    #![proptest_config(config())]

    /// Conservation, the floor, and each creator within one minor unit of its exact share.
    #[test]
    fn split_conserves_and_holds_the_floor((c, d, gross, weights, share, fee, before) in split_case()) {
        let req = request(c, d, gross, &weights, share, fee, before);
        let s = match split(&req) {
            Ok(s) => s,
            Err(e) => {
                // Only a platform-mode fee larger than the platform's share may be refused.
                prop_assert_eq!(e.kind(), "fee_exceeds_platform_share");
                return Ok(());
            }
        };
        let creators: u128 = s.creators.iter().map(|p| p.amount.minor()).sum();
        prop_assert_eq!(creators, s.creator_total.minor());
        prop_assert_eq!(creators + s.platform.minor() + s.fee.minor(), gross);
        let base = if before { gross - s.fee.minor() } else { gross };
        // creator_total ≥ share × base, and < share × base + 1 unit (rounded up, not more).
        prop_assert!(creators * 10_000 >= base * share as u128);
        prop_assert!(creators * 10_000 < base * share as u128 + 10_000);
        let w_total: u128 = weights.iter().map(|&w| w as u128).sum();
        for (p, &w) in s.creators.iter().zip(&weights) {
            let exact_floor = creators * w as u128 / w_total;
            prop_assert!(p.amount.minor() == exact_floor || p.amount.minor() == exact_floor + 1);
        }
    }

    /// Reordering creators changes no amount, except between creators whose exact
    /// remainders tie (where input order decides, by one minor unit at most).
    #[test]
    fn split_is_order_independent((c, d, gross, weights, share, _fee, _b) in split_case()) {
        let fwd = split(&request(c, d, gross, &weights, share, 0, false)).unwrap();
        let mut rev_w = weights.clone();
        rev_w.reverse();
        let mut rev_req = SplitInput::new(minor_to_str(gross, d), c);
        rev_req.creator_share = request(c, d, gross, &weights, share, 0, false).creator_share;
        let n = weights.len();
        for (i, w) in rev_w.iter().enumerate() {
            rev_req = rev_req.creator(format!("c{}", n - 1 - i), micros_to_str(*w));
        }
        let rev = split(&rev_req).unwrap();
        let pool = fwd.creator_total.minor();
        let w_total: u128 = weights.iter().map(|&w| w as u128).sum();
        let rems: Vec<u128> = weights.iter().map(|&w| pool * w as u128 % w_total).collect();
        for (i, p) in fwd.creators.iter().enumerate() {
            let q = rev.creators.iter().find(|q| q.id == p.id).unwrap();
            let tied = rems.iter().enumerate().any(|(j, r)| j != i && *r == rems[i]);
            if tied {
                prop_assert!(p.amount.minor().abs_diff(q.amount.minor()) <= 1);
            } else {
                prop_assert_eq!(p.amount, q.amount);
            }
        }
    }

    /// Refunds: never negative, never more than a party holds, and a full refund after any
    /// sequence of partial ones returns every balance exactly.
    #[test]
    fn refunds_reverse_exactly((c, d, gross, weights, share, _fee, _b) in split_case(), cuts in prop::collection::vec(0u32..=1000, 0..8)) {
        let s = split(&request(c, d, gross, &weights, share, 0, false)).unwrap();
        let original: Vec<u128> = s.creators.iter().map(|p| p.amount.minor()).chain([s.platform.minor()]).collect();
        let mut r = Refundable::new(&s);
        let mut refunded = vec![0u128; original.len()];
        for cut in cuts {
            let remaining = r.remaining().minor();
            let amount = remaining * cut as u128 / 1000;
            let (before_c, before_p) = r.balances();
            let before: Vec<u128> = before_c.iter().map(|p| p.amount.minor()).chain([before_p.minor()]).collect();
            let part = r.refund(liberation_gates::money::Money::from_minor(amount, s.currency).unwrap()).unwrap();
            let parts: Vec<u128> = part.creators.iter().map(|p| p.amount.minor()).chain([part.platform.minor()]).collect();
            prop_assert_eq!(parts.iter().sum::<u128>(), amount);
            for (i, (&p, &b)) in parts.iter().zip(&before).enumerate() {
                prop_assert!(p <= b, "party {} refunded {} of {}", i, p, b);
                refunded[i] += p;
            }
        }
        let rest = r.remaining();
        let last = r.refund(rest).unwrap();
        let parts: Vec<u128> = last.creators.iter().map(|p| p.amount.minor()).chain([last.platform.minor()]).collect();
        for (i, p) in parts.iter().enumerate() {
            refunded[i] += p;
        }
        prop_assert_eq!(refunded, original);
        prop_assert_eq!(r.remaining().minor(), 0);
        let one = liberation_gates::money::Money::from_minor(1, s.currency).unwrap();
        prop_assert_eq!(r.refund(one).unwrap_err().kind(), "refund_exceeds_balance");
    }
}

fn vote_strategy() -> impl Strategy<Value = Vec<(u32, usize, u8)>> {
    prop::collection::vec((0u32..200, 0usize..8, 0u8..4), 0..40)
}

proptest! {
    #![proptest_config(config())]

    /// A tally never counts a member twice, and the status is a pure function of the
    /// accepted votes and `now`.
    #[test]
    fn governance_counts_each_member_once(votes in vote_strategy(), now in 0u32..250, quorum in 0u32..=100, thr in 0u32..100) {
        let electorate: Vec<String> = (0..6).map(|i| format!("m{i}")).collect();
        let mut p = Proposal::new(electorate.clone(), &format!("{}", quorum as f64 / 100.0), &format!("{}", thr as f64 / 100.0), 20.0, 150.0).unwrap();
        for &(t, m, c) in &votes {
            if t as f64 > now as f64 {
                continue;
            }
            let choice = ["yes", "no", "abstain", "maybe"][c as usize];
            let _ = p.cast(t as f64, &format!("m{m}"), choice);
        }
        let tally = p.tally(now as f64);
        let accepted = p.votes();
        let mut members: Vec<&str> = accepted.iter().map(|v| v.member.as_str()).collect();
        members.sort_unstable();
        members.dedup();
        prop_assert_eq!(members.len(), accepted.len());
        prop_assert_eq!(tally.cast() as usize, accepted.len());
        prop_assert!(tally.cast() as usize <= electorate.len());
        // Replaying only the accepted votes gives the same status.
        let mut q = Proposal::new(electorate, &format!("{}", quorum as f64 / 100.0), &format!("{}", thr as f64 / 100.0), 20.0, 150.0).unwrap();
        for v in accepted {
            q.cast(v.t, &v.member, match v.choice { liberation_gates::governance::Choice::Yes => "yes", liberation_gates::governance::Choice::No => "no", _ => "abstain" }).unwrap();
        }
        prop_assert_eq!(q.status(now as f64), p.status(now as f64));
        prop_assert_eq!(q.tally(now as f64), tally);
    }
}

/// A decision the core tallies at `now` from a one-member proposal: 0 passed (a yes), 1
/// rejected (a no), 2 no quorum (no vote, quorum 1), 3 still open.
fn decided(subject: &str, action: &str, status: u8, now: f64) -> VerifiedDecision {
    let quorum = if status == 2 { "1" } else { "0" };
    let closes = if status == 3 { now + 1.0 } else { now };
    let mut p = Proposal::new(vec!["m".into()], quorum, "0.5", now - 2.0, closes).unwrap();
    match status {
        0 | 3 => p.cast(now - 1.0, "m", "yes").map(|_| ()).unwrap(),
        1 => p.cast(now - 1.0, "m", "no").map(|_| ()).unwrap(),
        _ => {}
    }
    p.decision(subject, action, now)
}

fn decision_strategy() -> impl Strategy<Value = Option<(u8, u8, u8)>> {
    prop::option::of((0u8..3, 0u8..4, 0u8..4))
}

proptest! {
    #![proptest_config(config())]

    /// A protected flag is never disabled (nor its intensity changed) without a passed,
    /// matching decision, whatever the sequence of operations; every change is logged.
    #[test]
    fn protected_flags_need_the_community(ops in prop::collection::vec((0u8..3, 0u32..=10, decision_strategy()), 0..40)) {
        let mut set = FlagSet::new(vec![FlagDef::new("sovereignty", FlagKind::Protected), FlagDef::new("other", FlagKind::Protected)]).unwrap();
        let subjects = ["flag:sovereignty", "flag:other", "sovereignty"];
        let actions = ["enable", "disable", "set_intensity", "delete"];
        for (i, (op, value, d)) in ops.into_iter().enumerate() {
            let op = [FlagOp::Enable, FlagOp::Disable, FlagOp::SetIntensity][op as usize];
            let decision = d.map(|(s, a, st)| decided(subjects[s as usize], actions[a as usize], st, i as f64));
            let before = set.state("sovereignty").unwrap();
            let r = set.apply("sovereignty", op, Some(value as f64 / 10.0), decision.as_ref(), "prop", i as f64);
            let after = set.state("sovereignty").unwrap();
            let changed_off = before.enabled && !after.enabled;
            let changed_intensity = before.intensity != after.intensity;
            if changed_off || changed_intensity {
                let d = decision.as_ref().expect("a decision was given");
                prop_assert_eq!(d.subject.as_str(), "flag:sovereignty");
                prop_assert_eq!(d.action.as_str(), op.as_str());
                prop_assert!(d.passed());
                let last = set.log().last().unwrap();
                prop_assert_eq!(last.decision.as_ref(), Some(d.record()));
            }
            if r.is_err() {
                prop_assert_eq!(before, after);
            }
        }
        prop_assert!(set.log().iter().all(|e| e.before != e.after));
    }
}

/// Largest remainder as SPEC §1 states it, with a sort: floors, then one unit each to the
/// largest remainders, equal remainders in input order.
fn largest_remainder_by_sort(total: u128, weights: &[u128]) -> Vec<u128> {
    let sum: u128 = weights.iter().sum();
    let mut out: Vec<u128> = weights.iter().map(|w| total * w / sum).collect();
    let mut left = total - out.iter().sum::<u128>();
    let mut order: Vec<(u128, usize)> = weights
        .iter()
        .enumerate()
        .map(|(i, w)| (total * w % sum, i))
        .collect();
    order.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for (_, i) in order {
        if left == 0 {
            break;
        }
        out[i] += 1;
        left -= 1;
    }
    out
}

proptest! {
    #![proptest_config(config())]

    /// The allocation-free selection (up to NO_ALLOC_CREATORS creators) hands out the same
    /// units as the sort, ties included (weights drawn from few values to make ties common).
    #[test]
    fn largest_remainder_selection_equals_the_sort(
        weights in prop::collection::vec(prop_oneof![1u128..=4, 1u128..=1_000_000], 1..=40),
        total in 0u128..=1_000_000_000_000,
    ) {
        let mut out = vec![0u128; weights.len()];
        let sum = weights.iter().sum();
        liberation_gates::split::largest_remainder(total, weights.iter().copied(), sum, &mut out);
        prop_assert_eq!(out, largest_remainder_by_sort(total, &weights));
    }
}

/// A breaker config small enough for every path to be reached in a few dozen operations.
fn breaker_config() -> impl Strategy<Value = BreakerConfig> {
    let window = prop_oneof![
        (1u64..8).prop_map(|size| WindowConfig::Count { size }),
        (1u64..4).prop_map(|seconds| WindowConfig::Time { seconds }),
    ];
    (window, 1u64..6, 1u64..4, 1u32..=4, 1u32..=4).prop_map(
        |(window, minimum_calls, half_open_calls, f, s)| BreakerConfig {
            window,
            minimum_calls,
            half_open_calls,
            failure_rate_threshold: f as f64 / 4.0,
            slow_call_rate_threshold: s as f64 / 4.0,
            slow_call_seconds: 1.0,
            open_seconds: 2.0,
        },
    )
}

/// Operations with time steps of 0 to 1.5 s: acquires, single records (some slow, some
/// failed), controls, and batches of 0 to 40 successes.
fn breaker_ops() -> impl Strategy<Value = Vec<(u8, u8, u64)>> {
    prop::collection::vec((0u8..4, 0u8..10, 0u64..40), 0..60)
}

proptest! {
    #![proptest_config(config())]

    /// `record_successes(t, k)` leaves the machine exactly as `k` single records of a
    /// 0-second success at `t` do, whatever came before (the fast path of `CircuitBreaker`
    /// folds the successes it absorbed with it).
    #[test]
    fn record_successes_equals_k_single_records(config in breaker_config(), ops in breaker_ops()) {
        let mut bulk = BreakerMachine::new(config).unwrap();
        let mut single = BreakerMachine::new(config).unwrap();
        let mut t = 0.0;
        for (step, kind, k) in ops {
            t += step as f64 * 0.5;
            let op = match kind {
                0 => Some(BreakerOp::Acquire),
                1 => Some(BreakerOp::Record { outcome: Outcome::Failure, seconds: 0.1 }),
                2 => Some(BreakerOp::Record { outcome: Outcome::Success, seconds: 3.0 }),
                3 => Some(BreakerOp::Record { outcome: Outcome::Failure, seconds: 3.0 }),
                4 if k % 7 == 0 => Some(BreakerOp::ForceOpen),
                4 if k % 7 == 1 => Some(BreakerOp::Disable),
                4 if k % 7 == 2 => Some(BreakerOp::Reset),
                _ => None,
            };
            match op {
                Some(op) => {
                    bulk.apply(t, op).unwrap();
                    single.apply(t, op).unwrap();
                }
                None => {
                    bulk.record_successes(t, k).unwrap();
                    for _ in 0..k {
                        single.record(t, Outcome::Success, 0.0).unwrap();
                    }
                }
            }
            prop_assert_eq!(bulk.to_json(), single.to_json());
        }
    }
}

proptest! {
    #![proptest_config(config())]

    /// Successes a single user counts itself under `success_lease` and hands over with
    /// `count_successes` (Node's `fire`) leave the breaker as recording each one does: same
    /// state, window and lifetime counts after every operation.
    #[test]
    fn successes_counted_under_a_lease_equal_single_records(config in breaker_config(), ops in breaker_ops()) {
        use liberation_gates::breaker::CircuitBreaker;
        let leased = CircuitBreaker::new(config).unwrap();
        let single = CircuitBreaker::new(config).unwrap();
        let mut held = 0u64;
        let mut t = 0.0;
        for (step, kind, k) in ops {
            t += step as f64 * 0.5;
            match kind {
                // Successes, a tenth of a second apart, every fifth one slow.
                0..=5 => {
                    for i in 0..k {
                        let at = t + i as f64 * 0.1;
                        let seconds = if i % 5 == 4 { 3.0 } else { 0.0 };
                        let _ = single.acquire_at(at);
                        single.record_at(at, Outcome::Success, seconds);
                        match leased.success_lease() {
                            Some((until, slow)) if at < until && seconds <= slow && held < 1024 => {
                                leased.count_permits(1);
                                held += 1;
                            }
                            _ => {
                                leased.count_successes(std::mem::take(&mut held));
                                let _ = leased.acquire_at(at);
                                leased.record_at(at, Outcome::Success, seconds);
                            }
                        }
                    }
                    t += k as f64 * 0.1;
                }
                6 | 7 => {
                    leased.count_successes(std::mem::take(&mut held));
                    for b in [&leased, &single] {
                        let _ = b.acquire_at(t);
                        b.record_at(t, Outcome::Failure, 0.0);
                    }
                }
                8 => {
                    leased.count_successes(std::mem::take(&mut held));
                    for b in [&leased, &single] {
                        if k % 3 == 0 { b.force_open_at(t); } else { b.reset_at(t); }
                    }
                }
                _ => {}
            }
            leased.count_successes(std::mem::take(&mut held));
            let (a, b) = (leased.metrics_at(t), single.metrics_at(t));
            prop_assert_eq!((a.state, a.calls, a.failed_calls, a.slow_calls, a.window_buckets), (b.state, b.calls, b.failed_calls, b.slow_calls, b.window_buckets));
            prop_assert_eq!(a.stats, b.stats);
        }
    }
}

/// One observation line as a file may hold it: names the built-in policy reads and one it
/// does not, values of the right and wrong types, nulls, names given twice, an unknown key,
/// times out of order, and now and then text that is not an observation at all.
fn observation_line() -> impl Strategy<Value = String> {
    let policy = liberation_gates::policy::Policy::builtin();
    let (mut metrics, mut checks) = policy.inputs();
    metrics.push("not_read_by_the_policy".into());
    checks.push("not_read_either".into());
    let value = prop_oneof![
        6 => (0u32..2000).prop_map(|v| format!("{}", f64::from(v) / 1000.0)),
        1 => Just("null".to_string()),
        1 => Just("true".to_string()),
        1 => Just("\"0.5\"".to_string()),
    ];
    let check = prop_oneof![
        6 => any::<bool>().prop_map(|b| b.to_string()),
        1 => Just("null".to_string()),
        1 => Just("1".to_string()),
    ];
    let entries = |names: Vec<String>, v: BoxedStrategy<String>| {
        prop::collection::vec((prop::sample::select(names), v), 0..12).prop_map(|es| {
            let body: Vec<String> = es.iter().map(|(n, v)| format!("{n:?}: {v}")).collect();
            format!("{{{}}}", body.join(", "))
        })
    };
    let shape = (
        0u32..20,
        entries(metrics, value.boxed()),
        entries(checks, check.boxed()),
        0u8..20,
    );
    shape.prop_map(|(t, m, c, odd)| match odd {
        0 => format!("{{\"t\": {t}, \"metrics\": {m}, \"x\": 1}}"),
        1 => format!("{{\"t\": {t}, \"checks\": {c}, \"checks\": {c}}}"),
        2 => format!("{{\"metrics\": {m}}}"),
        3 => "not json".to_string(),
        4 => format!("{{\"checks\": {c}, \"t\": {t}}} trailing"),
        _ => format!("{{\"t\": {t}, \"metrics\": {m}, \"checks\": {c}}}"),
    })
}

proptest! {
    #![proptest_config(config())]

    /// `observe_jsonl` reads a line straight into the evaluator's slots when it can (issue
    /// 19); the decisions, and the first error with its kind, message and line, are those of
    /// reading each line with the general reader (`read_lines`) and observing it.
    #[test]
    fn observe_jsonl_equals_reading_each_observation(lines in prop::collection::vec(observation_line(), 1..30)) {
        use liberation_gates::policy::Policy;
        use liberation_gates::simulate::Input;
        let text = lines.join("\n");
        let got = liberation_gates::simulate::observe_jsonl(&mut Policy::builtin().evaluator(), &text);
        let mut ev = Policy::builtin().evaluator();
        let mut want = Ok(Vec::new());
        for (i, line) in lines.iter().enumerate() {
            // The general reader, as `read_lines` (and `observe_jsonl` before) reads a line.
            let read = liberation_gates::simulate::read_lines(line.as_bytes()).next();
            let d = match read.expect("one line") {
                Ok((_, Input::Observe(o))) => ev.observe(&o),
                Ok(_) => unreachable!("no approvals are generated"),
                Err((_, e)) => Err(e),
            };
            match (d, &mut want) {
                (Ok(d), Ok(ds)) => ds.push(d),
                (Err(e), _) => {
                    let e = liberation_gates::Error::from(e).at_line(i + 1);
                    want = Err((e.kind(), e.message().to_string(), e.line()));
                    break;
                }
                _ => unreachable!(),
            }
        }
        let got = got.map_err(|e| (e.kind(), e.message().to_string(), e.line()));
        prop_assert_eq!(got, want);
    }
}
