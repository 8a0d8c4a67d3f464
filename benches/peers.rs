//! Side by side with the libraries people would use instead (issue 8), in one criterion run:
//! `cargo bench -p liberation-gates-benches --bench peers`.
//!
//! Every breaker here reads the real monotonic clock (`Instant`), as each peer does.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use liberation_gates::breaker::{BreakerConfig, CircuitBreaker, Outcome, WindowConfig};
use liberation_gates::split::Payout;
use rust_decimal::prelude::*;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn ours() -> CircuitBreaker {
    CircuitBreaker::new(BreakerConfig::default()).expect("the default config is valid")
}

/// Wall time per call with two threads sharing one breaker.
fn two_threads(iters: u64, call: Arc<dyn Fn() + Send + Sync>) -> Duration {
    let per_thread = iters.div_ceil(2);
    let start = Instant::now();
    let hs: Vec<_> = (0..2)
        .map(|_| {
            let c = call.clone();
            std::thread::spawn(move || {
                for _ in 0..per_thread {
                    c();
                }
            })
        })
        .collect();
    for h in hs {
        h.join().expect("a benchmark thread panicked");
    }
    let d = start.elapsed();
    Duration::from_nanos((d.as_nanos() as u64 * iters) / (2 * per_thread).max(1))
}

fn breakers(c: &mut Criterion) {
    let mut g = c.benchmark_group("breaker_protected_call");
    let lg = ours();
    g.bench_function("liberation_gates", |b| {
        b.iter(|| black_box(lg.call(|| Ok::<u32, ()>(black_box(1))).is_ok()))
    });
    // The same breaker on a manual clock: what the two monotonic-clock reads per call cost.
    let manual = CircuitBreaker::with_clock(
        BreakerConfig::default(),
        Arc::new(liberation_gates::clock::ManualClock::new(0.0)),
    )
    .expect("valid");
    g.bench_function("liberation_gates_manual_clock", |b| {
        b.iter(|| black_box(manual.call(|| Ok::<u32, ()>(black_box(1))).is_ok()))
    });
    // The clocks a protected call could read, each alone: the coarse clock `ours()` runs on
    // (its default times are coarse enough), the precise one, and the processor's time-stamp
    // counter. A call that times itself reads one of them twice (start and end).
    let coarse = liberation_gates::clock::CoarseClock::new();
    g.bench_function("coarse_clock_read_alone", |b| {
        use liberation_gates::clock::Clock as _;
        b.iter(|| black_box(black_box(&coarse).now()))
    });
    // The least a breaker that times its calls can do: read the clock, make the call, read
    // the clock, compare the duration with the slow-call time and count the call. Not a
    // breaker; a measured lower bound for one on this clock.
    g.bench_function("least_timed_call", |b| {
        use liberation_gates::clock::Clock as _;
        let mut counted = 0u64;
        b.iter(|| {
            let started = coarse.now();
            let r = Ok::<u32, ()>(black_box(1));
            let ended = coarse.now();
            if ended - started <= black_box(60.0) {
                counted += 1;
            }
            black_box((r.is_ok(), counted))
        })
    });
    g.bench_function("instant_now_alone", |b| {
        b.iter(|| black_box(Instant::now()))
    });
    #[cfg(target_arch = "x86_64")]
    g.bench_function("rdtsc_alone", |b| {
        // SAFETY: RDTSC reads a register; it exists on every x86_64 processor.
        #[allow(unused_unsafe)]
        b.iter(|| black_box(unsafe { std::arch::x86_64::_rdtsc() }))
    });
    let rc = recloser::Recloser::default();
    g.bench_function("recloser", |b| {
        b.iter(|| black_box(rc.call(|| Ok::<u32, ()>(black_box(1))).is_ok()))
    });
    let fs = failsafe::Config::new().build();
    g.bench_function("failsafe", |b| {
        use failsafe::CircuitBreaker as _;
        b.iter(|| black_box(fs.call(|| Ok::<u32, ()>(black_box(1))).is_ok()))
    });
    g.finish();

    let mut g = c.benchmark_group("breaker_protected_call_2_threads");
    let lg = Arc::new(ours());
    g.bench_function("liberation_gates", |b| {
        let lg = lg.clone();
        b.iter_custom(move |n| {
            let lg = lg.clone();
            two_threads(
                n,
                Arc::new(move || {
                    black_box(lg.call(|| Ok::<u32, ()>(1)).is_ok());
                }),
            )
        })
    });
    let rc = Arc::new(recloser::Recloser::default());
    g.bench_function("recloser", |b| {
        let rc = rc.clone();
        b.iter_custom(move |n| {
            let rc = rc.clone();
            two_threads(
                n,
                Arc::new(move || {
                    black_box(rc.call(|| Ok::<u32, ()>(1)).is_ok());
                }),
            )
        })
    });
    let fs = Arc::new(failsafe::Config::new().build());
    g.bench_function("failsafe", |b| {
        let fs = fs.clone();
        b.iter_custom(move |n| {
            let fs = fs.clone();
            two_threads(
                n,
                Arc::new(move || {
                    use failsafe::CircuitBreaker as _;
                    black_box(fs.call(|| Ok::<u32, ()>(1)).is_ok());
                }),
            )
        })
    });
    g.finish();

    // Open: every breaker opened by failures, with a long open period, then rejecting.
    let mut g = c.benchmark_group("breaker_open_rejection");
    let lg = CircuitBreaker::new(BreakerConfig {
        window: WindowConfig::Count { size: 1 },
        minimum_calls: 1,
        open_seconds: 1e9,
        ..BreakerConfig::default()
    })
    .expect("valid config");
    lg.record(Outcome::Failure, 0.0);
    g.bench_function("liberation_gates", |b| {
        b.iter(|| black_box(lg.call(|| Ok::<u32, ()>(1)).is_err()))
    });
    let rc = recloser::Recloser::custom()
        .closed_len(1)
        .open_wait(Duration::from_secs(1_000_000))
        .build();
    for _ in 0..3 {
        let _ = rc.call(|| Err::<u32, ()>(()));
    }
    g.bench_function("recloser", |b| {
        b.iter(|| black_box(rc.call(|| Ok::<u32, ()>(1)).is_err()))
    });
    let fs = failsafe::Config::new()
        .failure_policy(failsafe::failure_policy::consecutive_failures(
            1,
            failsafe::backoff::constant(Duration::from_secs(1_000_000)),
        ))
        .build();
    {
        use failsafe::CircuitBreaker as _;
        let _ = fs.call(|| Err::<u32, ()>(()));
        g.bench_function("failsafe", |b| {
            b.iter(|| black_box(fs.call(|| Ok::<u32, ()>(1)).is_err()))
        });
    }
    g.finish();
}

/// The same rule written directly with rust_decimal: pool rounded up to the cent, floors by
/// weight, leftover cents to the largest remainders (what a user would write by hand).
fn by_hand(gross: Decimal, share: Decimal, weights: &[Decimal]) -> (Vec<Decimal>, Decimal) {
    let cent = Decimal::new(1, 2);
    let pool = (gross * share).round_dp_with_strategy(2, RoundingStrategy::ToPositiveInfinity);
    let total: Decimal = weights.iter().sum();
    let mut amounts = Vec::with_capacity(weights.len());
    let mut remainders = Vec::with_capacity(weights.len());
    for (i, w) in weights.iter().enumerate() {
        let exact = pool * w / total;
        let floor = exact.round_dp_with_strategy(2, RoundingStrategy::ToNegativeInfinity);
        amounts.push(floor);
        remainders.push((exact - floor, i));
    }
    let mut left = ((pool - amounts.iter().sum::<Decimal>()) / cent)
        .to_i64()
        .unwrap_or(0);
    remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for (_, i) in remainders {
        if left == 0 {
            break;
        }
        amounts[i] += cent;
        left -= 1;
    }
    (amounts, gross - pool)
}

fn splits(c: &mut Criterion) {
    let mut g = c.benchmark_group("split_2_creators");
    let (terms, gross) = liberation_gates_benches::split_2_creators();
    g.bench_function("liberation_gates", |b| {
        b.iter(|| black_box(terms.split(black_box(gross))))
    });
    // The prepared split on a hot path: minor units in, each creator's minor units written
    // into the caller's array and the pool, platform and fee returned; no allocation.
    g.bench_function("liberation_gates_split_into", |b| {
        let mut out = [0u128; 2];
        b.iter(|| {
            let parts = terms.split_into(black_box(gross.minor()), &mut out);
            black_box((parts, out))
        })
    });
    // What an owned `Split` of two creators owns, made and freed alone: a `Vec` of two
    // payouts and a `String` per id (the same `collect` as the core's): what an owned split
    // adds to `split_into`.
    g.bench_function("owned_split_allocations_alone", |b| {
        let amount = gross;
        b.iter(|| {
            let payouts: Vec<Payout> = black_box(["a", "b"])
                .iter()
                .map(|id| Payout {
                    id: (*id).to_owned(),
                    amount,
                })
                .collect();
            black_box(payouts)
        })
    });
    let rm =
        rusty_money::Money::from_str("1234.57", rusty_money::iso::GBP).expect("rusty-money parses");
    g.bench_function("rusty_money_allocate", |b| {
        b.iter(|| black_box(black_box(&rm).allocate(black_box(vec![3, 1]))))
    });
    let (g_dec, s_dec, ws) = (
        Decimal::from_str("1234.57").expect("d"),
        Decimal::from_str("0.8").expect("d"),
        [Decimal::from(3), Decimal::from(1)],
    );
    g.bench_function("rust_decimal_by_hand", |b| {
        b.iter(|| black_box(by_hand(black_box(g_dec), black_box(s_dec), &ws)))
    });
    g.finish();
}

fn policy_day(c: &mut Criterion) {
    // A day of one-second observations as a JSON-lines file, end to end: parse + evaluate.
    let text = liberation_gates_benches::observation_lines(86_400);
    let mut g = c.benchmark_group("policy_day_of_observations");
    g.sample_size(10);
    g.bench_function("liberation_gates_parse_and_evaluate_86400", |b| {
        b.iter(|| {
            // The observation file's API: each line read and evaluated, every decision kept.
            let mut ev = liberation_gates::policy::Policy::builtin().evaluator();
            let decisions = liberation_gates::simulate::observe_jsonl(&mut ev, black_box(&text));
            black_box(decisions.expect("valid file").pop())
        })
    });
    g.bench_function("serde_json_parse_only_86400", |b| {
        b.iter(|| {
            black_box(
                text.lines()
                    .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
                    .count(),
            )
        })
    });
    g.finish();
}

criterion_group!(benches, breakers, splits, policy_day);
criterion_main!(benches);
