//! Loops of one operation, for `valgrind --tool=callgrind`, which counts instructions
//! reproducibly (criterion's times move with the machine's load). BENCHMARKS.md's "What
//! limits us" quotes these counts; not a benchmark by itself.
//!
//!   cargo build --release -p liberation-gates-benches --example calls
//!   valgrind --tool=callgrind target/release/examples/calls OPERATION [CALLS]
//!
//! OPERATION: breaker-default, breaker-system, breaker-manual (our protected call as
//! `CircuitBreaker::new` makes it: the coarse clock; on the precise system clock; on a manual
//! clock), recloser, failsafe, split (ours, terms prepared), split-into (the same into minor
//! units, no allocation), split-strings (`split()` from strings, as the bindings call it),
//! rusty-money (its `allocate`).
use liberation_gates::breaker::{BreakerConfig, CircuitBreaker};
use liberation_gates::clock::{Clock, ManualClock, SystemClock};
use std::hint::black_box;
use std::sync::Arc;

fn our_breaker(clock: Arc<dyn Clock>, calls: u64) -> u64 {
    let b = CircuitBreaker::with_clock(BreakerConfig::default(), clock).expect("valid");
    (0..calls)
        .filter(|_| b.call(|| Ok::<u32, ()>(black_box(1))).is_ok())
        .count() as u64
}

fn main() {
    let mut args = std::env::args().skip(1);
    let op = args.next().unwrap_or_else(|| "breaker-system".into());
    let calls: u64 = match args.next().map(|s| s.parse()) {
        None => 1_000_000,
        Some(Ok(n)) => n,
        Some(Err(e)) => {
            eprintln!("CALLS must be a whole number: {e}");
            std::process::exit(2);
        }
    };
    let ok = match op.as_str() {
        "breaker-default" => {
            let b = CircuitBreaker::new(BreakerConfig::default()).expect("valid");
            (0..calls)
                .filter(|_| b.call(|| Ok::<u32, ()>(black_box(1))).is_ok())
                .count() as u64
        }
        "breaker-system" => our_breaker(Arc::new(SystemClock::new()), calls),
        "breaker-manual" => our_breaker(Arc::new(ManualClock::new(0.0)), calls),
        "recloser" => {
            let rc = recloser::Recloser::default();
            (0..calls)
                .filter(|_| rc.call(|| Ok::<u32, ()>(black_box(1))).is_ok())
                .count() as u64
        }
        "failsafe" => {
            use failsafe::CircuitBreaker as _;
            let fs = failsafe::Config::new().build();
            (0..calls)
                .filter(|_| fs.call(|| Ok::<u32, ()>(black_box(1))).is_ok())
                .count() as u64
        }
        "split" => {
            let (terms, gross) = liberation_gates_benches::split_2_creators();
            (0..calls)
                .filter(|_| black_box(terms.split(black_box(gross))).is_ok())
                .count() as u64
        }
        "split-strings" => {
            // What a binding's split() does: every string parsed, the terms built, an owned
            // Split returned.
            let input = liberation_gates::split::SplitInput::new("1234.57", "GBP")
                .creator("a", "3")
                .creator("b", "1")
                .share("0.8");
            (0..calls)
                .filter(|_| black_box(liberation_gates::split::split(black_box(&input))).is_ok())
                .count() as u64
        }
        "split-into" => {
            let (terms, gross) = liberation_gates_benches::split_2_creators();
            let mut out = [0u128; 2];
            (0..calls)
                .filter(|_| black_box(terms.split_into(black_box(gross.minor()), &mut out)).is_ok())
                .count() as u64
        }
        "policy-lines" => {
            // CALLS one-second observation lines of the built-in policy's inputs, parsed and
            // evaluated (`scripts/bench`'s policy day, line by line).
            let text = liberation_gates_benches::observation_lines(calls);
            let mut ev = liberation_gates::policy::Policy::builtin().evaluator();
            let decisions = liberation_gates::simulate::observe_jsonl(&mut ev, &text);
            decisions.map_or(0, |d| d.len() as u64)
        }
        "rusty-money" => {
            let rm = rusty_money::Money::from_str("1234.57", rusty_money::iso::GBP)
                .expect("rusty-money parses");
            (0..calls)
                .filter(|_| black_box(black_box(&rm).allocate(black_box(vec![3, 1]))).is_ok())
                .count() as u64
        }
        other => {
            eprintln!("unknown OPERATION {other:?}; see the file's header");
            std::process::exit(2);
        }
    };
    println!("{op}: {ok} of {calls} calls succeeded");
}
