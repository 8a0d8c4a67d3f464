//! Criterion benchmarks of the core. Run: `cargo bench -p liberation-gates-benches --bench core`
//! (a smoke run, each benchmark once: `cargo test -p liberation-gates-benches --benches`).

use criterion::{black_box, criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use liberation_gates::breaker::{BreakerConfig, CircuitBreaker, Outcome};
use liberation_gates::clock::ManualClock;
use liberation_gates::flags::{FlagDef, FlagKind, FlagSet};
use liberation_gates::ledger::{Ledger, Period};
use liberation_gates::money::{Currency, Money};
use liberation_gates::policy::{Observation, Policy};
use liberation_gates::split::{FeeMode, Share, SplitTerms, Weight};
use liberation_gates::threshold::{Op, Threshold, ThresholdRule};
use std::sync::Arc;
use std::time::{Duration, Instant};

const CHECKS: [&str; 9] = [
    "database",
    "cache",
    "storage",
    "api_gateway",
    "auth",
    "business_logic",
    "integration",
    "community_protection",
    "trauma_informed_ux",
];

fn observation(t: f64) -> Observation {
    Observation::new(t)
        .metric("http_error_rate", 0.002)
        .metric("response_time_degradation", 0.1)
        .metric("creator_share", 0.78)
        .metric("governance_participation_drop", 0.0)
        .metric("capacity_utilization", 0.5)
        .checks(CHECKS, true)
}

fn policy(c: &mut Criterion) {
    let mut g = c.benchmark_group("policy");
    let obs = observation(0.0);
    g.bench_function("default_policy_one_observation", |b| {
        let mut eval = Policy::builtin().evaluator();
        let mut o = obs.clone();
        let mut t = 0.0;
        b.iter(|| {
            t += 1.0;
            o.t = t;
            black_box(eval.observe(black_box(&o)).ok());
        })
    });
    g.finish();
}

fn threshold(c: &mut Criterion) {
    let mut g = c.benchmark_group("threshold");
    const N: usize = 1_000_000;
    let values: Vec<f64> = (0..N)
        .map(|i| if (i / 1000) % 3 == 0 { 0.06 } else { 0.01 })
        .collect();
    g.throughput(Throughput::Elements(N as u64));
    g.bench_function("ingest_1m_samples", |b| {
        let rule = ThresholdRule::new(Op::Gt, 0.05, 300.0).unwrap();
        b.iter(|| {
            let mut th = Threshold::new(rule);
            for (i, v) in values.iter().enumerate() {
                black_box(th.observe(i as f64, *v).ok());
            }
        })
    });
    g.finish();
}

fn terms(n: usize) -> SplitTerms {
    let gbp = Currency::from_code("GBP").unwrap();
    let creators = (0..n)
        .map(|i| {
            (
                format!("creator-{i}"),
                Weight::parse(&format!("{}", 1 + i % 7)).unwrap(),
            )
        })
        .collect();
    SplitTerms::new(
        gbp,
        Share::parse("0.8").unwrap(),
        Money::zero(gbp),
        FeeMode::Platform,
        creators,
    )
    .unwrap()
}

fn split(c: &mut Criterion) {
    let mut g = c.benchmark_group("split");
    let gross = Money::parse("1234.57", Currency::from_code("GBP").unwrap()).unwrap();
    for n in [2usize, 10, 1000] {
        let t = terms(n);
        g.bench_function(format!("{n}_creators"), |b| {
            b.iter(|| black_box(t.split(black_box(gross)).ok()))
        });
    }
    g.bench_function("parse_and_split_2_creators_from_strings", |b| {
        let input = liberation_gates::split::SplitInput::new("1234.57", "GBP")
            .creator("a", "3")
            .creator("b", "1")
            .share("0.8");
        b.iter(|| black_box(liberation_gates::split::split(black_box(&input)).ok()))
    });
    g.finish();
}

fn ledger(c: &mut Criterion) {
    let mut g = c.benchmark_group("ledger");
    g.sample_size(10);
    let mut l = Ledger::new();
    // LG_BENCH_SMOKE (set by scripts/test) shrinks the ledger so the smoke run stays quick.
    let n: u64 = if std::env::var_os("LG_BENCH_SMOKE").is_some() {
        10_000
    } else {
        1_000_000
    };
    for i in 0..n {
        let input = liberation_gates::split::SplitInput::new(
            format!("{}.{:02}", 1 + i % 500, i % 100),
            if i % 10 == 0 { "EUR" } else { "GBP" },
        )
        .creator(format!("c{}", i % 97), "2")
        .creator(format!("c{}", (i + 13) % 97), "1");
        l.record_split(&format!("tx{i}"), (i * 60) as f64, &input)
            .unwrap();
    }
    g.bench_function(format!("report_{n}_transactions_by_day"), |b| {
        b.iter(|| black_box(l.report(Period::Day).rows.len()))
    });
    g.finish();
}

fn breaker(c: &mut Criterion) {
    let mut g = c.benchmark_group("breaker");
    let clock = Arc::new(ManualClock::new(0.0));
    let b1 = CircuitBreaker::with_clock(BreakerConfig::default(), clock.clone()).unwrap();
    g.bench_function("acquire_and_record_1_thread", |b| {
        b.iter(|| {
            if let Ok(p) = b1.try_acquire() {
                black_box(p.record(Outcome::Success));
            }
        })
    });
    let open = CircuitBreaker::with_clock(BreakerConfig::default(), clock.clone()).unwrap();
    open.force_open();
    g.bench_function("rejected_while_open", |b| {
        b.iter(|| black_box(open.try_acquire().is_err()))
    });
    let shared = Arc::new(CircuitBreaker::with_clock(BreakerConfig::default(), clock).unwrap());
    g.bench_function("acquire_and_record_2_threads_per_call", |b| {
        b.iter_custom(|iters| {
            let per_thread = iters.div_ceil(2);
            let start = Instant::now();
            let hs: Vec<_> = (0..2)
                .map(|_| {
                    let s = shared.clone();
                    std::thread::spawn(move || {
                        for _ in 0..per_thread {
                            if let Ok(p) = s.try_acquire() {
                                black_box(p.record(Outcome::Success));
                            }
                        }
                    })
                })
                .collect();
            for h in hs {
                h.join().unwrap();
            }
            // Wall time for 2 × per_thread calls, reported per call.
            let d = start.elapsed();
            Duration::from_nanos((d.as_nanos() as u64 * iters) / (2 * per_thread).max(1))
        })
    });
    g.finish();
}

fn flags(c: &mut Criterion) {
    let mut g = c.benchmark_group("flags");
    let set = FlagSet::new(vec![FlagDef {
        rollout_percent: Some(5.0),
        enabled: Some(true),
        ..FlagDef::new("new_event_cards", FlagKind::Standard)
    }])
    .unwrap();
    let users: Vec<String> = (0..1024).map(|i| format!("user-{i}")).collect();
    let mut i = 0usize;
    g.bench_function("is_enabled_for_with_bucketing", |b| {
        b.iter_batched(
            || {
                i = (i + 1) % users.len();
                &users[i]
            },
            |u| black_box(set.is_enabled_for("new_event_cards", u).ok()),
            BatchSize::SmallInput,
        )
    });
    g.finish();
}

criterion_group!(benches, policy, threshold, split, ledger, breaker, flags);
criterion_main!(benches);
