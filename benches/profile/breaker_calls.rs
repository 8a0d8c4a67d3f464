//! A loop of protected calls for `valgrind --tool=callgrind`, which counts instructions
//! reproducibly (criterion's times move with the machine's load). Used by BENCHMARKS.md's
//! "What limits us"; not a benchmark by itself.
//!
//!   cargo build --release -p liberation-gates-benches --example breaker_calls
//!   valgrind --tool=callgrind target/release/examples/breaker_calls [manual|system] [CALLS]
use liberation_gates::breaker::{BreakerConfig, CircuitBreaker, Outcome};
use liberation_gates::clock::{Clock, ManualClock, SystemClock};
use std::sync::Arc;

fn main() {
    let mut args = std::env::args().skip(1);
    let clock: Arc<dyn Clock> = match args.next().as_deref() {
        Some("system") | None => Arc::new(SystemClock::new()),
        Some("manual") => Arc::new(ManualClock::new(0.0)),
        Some(other) => {
            eprintln!("clock must be manual or system, got {other:?}");
            std::process::exit(2);
        }
    };
    let calls: u64 = match args.next().map(|s| s.parse()) {
        None => 1_000_000,
        Some(Ok(n)) => n,
        Some(Err(e)) => {
            eprintln!("CALLS must be a whole number: {e}");
            std::process::exit(2);
        }
    };
    let breaker = CircuitBreaker::with_clock(BreakerConfig::default(), clock)
        .expect("the default config is valid");
    let mut ok = 0u64;
    for i in 0..calls {
        let permit = breaker
            .try_acquire()
            .expect("closed: every call is permitted");
        std::hint::black_box(i);
        permit.record(Outcome::Success);
        ok += 1;
    }
    println!("{ok} protected calls, state {}", breaker.state());
}
