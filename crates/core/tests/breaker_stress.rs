//! A breaker shared by 8 threads for 100,000 calls each, on a manual clock moved by another
//! thread: every acquire and record is counted exactly once, and every transition is legal.

use liberation_gates::breaker::{
    BreakerConfig, BreakerState, CircuitBreaker, Outcome, Transition, WindowConfig,
};
use liberation_gates::clock::ManualClock;
use parking_lot::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

fn legal(t: &Transition) -> bool {
    use BreakerState::*;
    matches!(
        (t.from, t.to),
        (Closed, Open)
            | (Open, HalfOpen)
            | (HalfOpen, Open)
            | (HalfOpen, Closed)
            | (_, ForcedOpen)
            | (_, Disabled)
            | (_, Closed)
    ) && t.from != t.to
}

#[test]
fn counters_add_up_and_transitions_are_legal() {
    const THREADS: u64 = 8;
    const CALLS: u64 = 100_000;
    let clock = Arc::new(ManualClock::new(0.0));
    let config = BreakerConfig {
        window: WindowConfig::Count { size: 50 },
        minimum_calls: 20,
        failure_rate_threshold: 0.5,
        open_seconds: 0.01,
        half_open_calls: 5,
        slow_call_seconds: 1.0,
        ..BreakerConfig::default()
    };
    let breaker = Arc::new(CircuitBreaker::with_clock(config, clock.clone()).unwrap());
    let transitions = Arc::new(Mutex::new(Vec::new()));
    let sink = transitions.clone();
    breaker.on_transition(move |t| sink.lock().push(*t));
    let done = Arc::new(AtomicBool::new(false));
    let ticker = {
        let (clock, done) = (clock.clone(), done.clone());
        std::thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                clock.advance(0.001);
                std::thread::yield_now();
            }
        })
    };
    let workers: Vec<_> = (0..THREADS)
        .map(|w| {
            let (b, clock) = (breaker.clone(), clock.clone());
            std::thread::spawn(move || {
                let (mut permitted, mut rejected, mut ok, mut failed) = (0u64, 0u64, 0u64, 0u64);
                // A deterministic mix: phases of mostly failures and mostly successes.
                for i in 0..CALLS {
                    // Time also moves with the calls: refusals are quick enough (no lock) to
                    // finish before the ticker gets a turn on 2 cores.
                    if i % 100 == 0 {
                        clock.advance(0.001);
                    }
                    match b.try_acquire() {
                        Ok(p) => {
                            permitted += 1;
                            let failing = ((i / 5_000) + w) % 2 == 0 && i % 3 != 0;
                            if failing {
                                failed += 1;
                                p.record(Outcome::Failure);
                            } else {
                                ok += 1;
                                p.record(Outcome::Success);
                            }
                        }
                        Err(_) => rejected += 1,
                    }
                }
                (permitted, rejected, ok, failed)
            })
        })
        .collect();
    let mut totals = (0u64, 0u64, 0u64, 0u64);
    for h in workers {
        let (p, r, o, f) = h.join().unwrap();
        totals = (totals.0 + p, totals.1 + r, totals.2 + o, totals.3 + f);
    }
    done.store(true, Ordering::Relaxed);
    ticker.join().unwrap();

    let stats = breaker.metrics().stats;
    assert_eq!(
        stats.permitted + stats.rejected,
        THREADS * CALLS,
        "every acquire counted once"
    );
    assert_eq!(stats.permitted, totals.0);
    assert_eq!(stats.rejected, totals.1);
    assert_eq!(
        stats.successes + stats.failures + stats.ignored,
        totals.2 + totals.3,
        "every record counted once"
    );
    assert!(
        stats.rejected > 0,
        "the breaker opened at some point: {stats:?}"
    );

    let ts = transitions.lock();
    assert!(ts.len() > 2, "{} transitions", ts.len());
    for pair in ts.windows(2) {
        assert_eq!(pair[0].to, pair[1].from, "transitions chain: {pair:?}");
        assert!(pair[0].t <= pair[1].t, "times never go back: {pair:?}");
    }
    for t in ts.iter() {
        assert!(legal(t), "illegal transition {t:?}");
    }
}

/// SPEC §4: the time window counts whole one-second buckets, so its memory is bounded by the
/// window's seconds whatever the call rate. 10^7 calls at one per 10 µs cross 100 s of a 60 s
/// window; after every call the window holds at most 60 buckets (it was one per distinct `t`).
#[test]
fn a_time_window_never_holds_more_buckets_than_its_seconds() {
    use liberation_gates::breaker::BreakerMachine;
    const CALLS: u64 = 10_000_000;
    let mut m = BreakerMachine::new(BreakerConfig {
        window: WindowConfig::Time { seconds: 60 },
        ..BreakerConfig::default()
    })
    .unwrap();
    let mut most = 0;
    for i in 0..CALLS {
        let t = i as f64 / 100_000.0;
        m.record(t, Outcome::Success, 0.0).unwrap();
        most = most.max(m.window_buckets());
    }
    assert_eq!(
        most, 60,
        "the window must fill to, and never pass, 60 buckets"
    );
    let (calls, failure_rate, _) = m.window_rates();
    // The last call is at t = 99.99999: seconds 40..=99 are in the window, 100,000 calls each.
    assert_eq!(calls, 60 * 100_000);
    assert_eq!(failure_rate, 0.0);
    assert_eq!(m.state(), BreakerState::Closed);
}

/// Successful calls on a healthy breaker go through the lock-free path (counted per thread,
/// folded in by the next operation that takes the lock). With 4 threads, a clock that ticks
/// across seconds and a rare failure that takes the lock: every call is counted exactly once,
/// and the window holds what the same calls recorded one by one would leave in it.
#[test]
fn successes_absorbed_without_the_lock_are_all_counted() {
    const THREADS: u64 = 4;
    const CALLS: u64 = 200_000;
    for window in [
        WindowConfig::Count { size: 100 },
        WindowConfig::Time { seconds: 2 },
    ] {
        let clock = Arc::new(ManualClock::new(0.0));
        let config = BreakerConfig {
            window,
            minimum_calls: 10,
            ..BreakerConfig::default()
        };
        let breaker = Arc::new(CircuitBreaker::with_clock(config, clock.clone()).unwrap());
        let workers: Vec<_> = (0..THREADS)
            .map(|w| {
                let (b, clock) = (breaker.clone(), clock.clone());
                std::thread::spawn(move || {
                    for i in 0..CALLS {
                        if w == 0 && i % 1_000 == 0 {
                            clock.advance(0.25);
                        }
                        let r = b.call(|| if i % 10_000 == 7 { Err(()) } else { Ok(()) });
                        assert!(r.is_ok(), "a healthy breaker never rejects");
                    }
                })
            })
            .collect();
        for h in workers {
            h.join().unwrap();
        }
        let m = breaker.metrics();
        let failures = THREADS * (CALLS / 10_000);
        assert_eq!(m.state, BreakerState::Closed);
        assert_eq!(m.stats.permitted, THREADS * CALLS, "{window:?}");
        assert_eq!(m.stats.failures, failures, "{window:?}");
        assert_eq!(m.stats.successes, THREADS * CALLS - failures, "{window:?}");
        assert_eq!(m.stats.ignored, 0);
        if let WindowConfig::Count { size } = window {
            assert_eq!(m.calls, size, "a full count window");
        } else {
            assert!(m.calls > 0 && m.calls <= THREADS * CALLS);
        }
    }
}

/// Refusals while `open` (before its period ends) and `forced_open` are given without the lock
/// and counted; the end of the open period still turns the breaker half-open, and a reset
/// lets calls through again.
#[test]
fn refusals_without_the_lock_keep_the_open_period_and_the_counts() {
    let clock = Arc::new(ManualClock::new(0.0));
    let config = BreakerConfig {
        window: WindowConfig::Count { size: 2 },
        minimum_calls: 2,
        open_seconds: 10.0,
        half_open_calls: 1,
        ..BreakerConfig::default()
    };
    let b = CircuitBreaker::with_clock(config, clock.clone()).unwrap();
    for _ in 0..2 {
        b.try_acquire().unwrap().record(Outcome::Failure);
    }
    let refused = |b: &CircuitBreaker| b.try_acquire().map(|_| ()).unwrap_err().state;
    clock.set(9.999);
    for _ in 0..1000 {
        assert_eq!(refused(&b), BreakerState::Open);
    }
    clock.set(10.0);
    let trial = b
        .try_acquire()
        .expect("the open period is over: a half-open trial");
    assert_eq!(b.state(), BreakerState::HalfOpen);
    assert_eq!(
        refused(&b),
        BreakerState::HalfOpen,
        "one trial call at a time"
    );
    trial.record(Outcome::Success);
    assert_eq!(b.state(), BreakerState::Closed);
    b.force_open();
    clock.set(1e9);
    assert_eq!(
        refused(&b),
        BreakerState::ForcedOpen,
        "forced open never ends by itself"
    );
    b.reset();
    assert!(b.try_acquire().is_ok());
    let stats = b.metrics().stats;
    assert_eq!(stats.rejected, 1002);
    assert_eq!(stats.permitted, 4);
}

/// `count_successes` on a breaker that has had no operation yet (no lease allows it) counts
/// them rather than dropping them.
#[test]
fn successes_counted_before_any_operation_are_not_dropped() {
    let b = CircuitBreaker::new(BreakerConfig::default()).unwrap();
    b.count_successes(5);
    assert_eq!(b.metrics().stats.successes, 5);
    assert_eq!(b.metrics().calls, 5);
}
