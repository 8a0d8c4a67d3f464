//! Load: a breaker registry shared by 16 threads, and a ledger of splits and refunds that must
//! reconcile to the cent. Short by default; `LG_LONG=1` runs the full sizes of issue 9
//! (16 threads × 10,000,000 calls in all; 1,000,000 splits and refunds).

use liberation_gates::breaker::{BreakerConfig, BreakerRegistry, Outcome, WindowConfig};
use liberation_gates::clock::ManualClock;
use liberation_gates::ledger::{Ledger, Period};
use liberation_gates::money::{Currency, Money};
use liberation_gates::split::SplitInput;
use std::sync::Arc;

/// The two tests run one at a time: RSS is per process, and the ledger test allocates.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn long() -> bool {
    std::env::var_os("LG_LONG").is_some()
}

/// Resident set size in KiB (Linux), for "memory stays flat".
fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

#[test]
fn a_registry_shared_by_16_threads_counts_every_call_and_stays_flat() {
    let _serial = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    const THREADS: u64 = 16;
    let total: u64 = if long() { 10_000_000 } else { 320_000 };
    let per_thread = total / THREADS;
    let clock = Arc::new(ManualClock::new(0.0));
    let small = BreakerConfig {
        window: WindowConfig::Count { size: 50 },
        minimum_calls: 20,
        open_seconds: 0.5,
        half_open_calls: 3,
        ..BreakerConfig::default()
    };
    let timed = BreakerConfig {
        window: WindowConfig::Time { seconds: 2 },
        minimum_calls: 10,
        open_seconds: 0.5,
        ..BreakerConfig::default()
    };
    let registry = Arc::new(
        BreakerRegistry::new(
            [
                ("ivor".to_string(), small),
                ("events".to_string(), timed),
                ("newsroom".to_string(), small),
            ],
            clock.clone(),
        )
        .unwrap(),
    );
    let names = ["ivor", "events", "newsroom"];
    let run = |calls: u64| {
        let handles: Vec<_> = (0..THREADS)
            .map(|w| {
                let (registry, clock) = (registry.clone(), clock.clone());
                std::thread::spawn(move || {
                    let mut tally = [[0u64; 2]; 3];
                    for i in 0..calls {
                        let which = ((i + w) % 3) as usize;
                        let b = registry.get(names[which]).unwrap();
                        match b.try_acquire() {
                            Ok(p) => {
                                tally[which][0] += 1;
                                p.record(if (i / 1000 + w) % 4 == 0 {
                                    Outcome::Failure
                                } else {
                                    Outcome::Success
                                });
                            }
                            Err(_) => tally[which][1] += 1,
                        }
                        if w == 0 && i % 64 == 0 {
                            clock.advance(0.01);
                        }
                    }
                    tally
                })
            })
            .collect();
        let mut sum = [[0u64; 2]; 3];
        for h in handles {
            for (s, t) in sum.iter_mut().zip(h.join().unwrap()) {
                s[0] += t[0];
                s[1] += t[1];
            }
        }
        sum
    };
    // Warm up with a full-size run (thread stacks, allocator arenas), then measure memory
    // across a second run of the same size: a leak per call would show there.
    let warm = run(per_thread);
    let before = rss_kib();
    let main = run(per_thread);
    let after = rss_kib();
    for (i, name) in names.iter().enumerate() {
        let stats = registry.get(name).unwrap().metrics().stats;
        let (permitted, rejected) = (warm[i][0] + main[i][0], warm[i][1] + main[i][1]);
        assert_eq!(
            (stats.permitted, stats.rejected),
            (permitted, rejected),
            "{name}: every acquire counted once"
        );
        assert_eq!(
            stats.successes + stats.failures + stats.ignored,
            permitted,
            "{name}: every record counted once"
        );
    }
    let grew = after.saturating_sub(before);
    assert!(
        grew < 4 * 1024,
        "RSS grew by {grew} KiB over the main run ({before} -> {after} KiB)"
    );
    println!(
        "registry: {} calls over {THREADS} threads, RSS {before} -> {after} KiB",
        2 * total
    );
}

#[test]
fn a_ledger_of_splits_and_refunds_reconciles_to_the_cent() {
    let _serial = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    let n: u64 = if long() { 1_000_000 } else { 20_000 };
    let gbp = Currency::from_code("GBP").unwrap();
    let mut ledger = Ledger::new();
    let (mut gross, mut fees, mut refunded) = (0u128, 0u128, 0u128);
    let mut per_creator = std::collections::BTreeMap::<String, i128>::new();
    let mut every_held = true;
    for i in 0..n {
        let g = 1 + (i * 7919) % 50_000;
        let amount = Money::from_minor(g as u128, gbp).unwrap();
        let fee = if i % 3 == 0 { (g / 40) as u128 } else { 0 };
        let mut req = SplitInput::new(amount.to_string(), "GBP")
            .creator(format!("c{}", i % 101), "2")
            .creator(format!("c{}", (i * 13) % 101 + 101), "1")
            .share(["0.75", "0.8", "0.925"][i as usize % 3]);
        if fee > 0 {
            req = req.fee(
                Money::from_minor(fee, gbp).unwrap().to_string(),
                if i % 2 == 0 {
                    "platform"
                } else {
                    "before_split"
                },
            );
        }
        let s = ledger
            .record_split(&format!("t{i}"), i as f64, &req)
            .unwrap();
        gross += g as u128;
        fees += fee;
        for p in &s.creators {
            *per_creator.entry(p.id.clone()).or_default() += p.amount.minor() as i128;
        }
        if i % 5 == 0 {
            let r = (g as u128 * (1 + i as u128 % 9)) / 10;
            let part = ledger
                .record_refund(
                    &format!("r{i}"),
                    i as f64 + 0.5,
                    &format!("t{i}"),
                    &Money::from_minor(r, gbp).unwrap().to_string(),
                )
                .unwrap();
            refunded += r;
            for p in &part.creators {
                *per_creator.entry(p.id.clone()).or_default() -= p.amount.minor() as i128;
            }
            // What the split has left after the refund: creators must still hold 75% of it
            // (largest remainder can take the last unit from them).
            let kept = s.creator_total.minor()
                - part.creators.iter().map(|p| p.amount.minor()).sum::<u128>();
            let left = s.creator_total.minor() + s.platform.minor() - r;
            every_held &= kept * 100 >= left * 75;
            assert_eq!(
                ledger.records().last().unwrap().floor_held,
                kept * 100 >= left * 75,
                "refund r{i}"
            );
        }
    }
    let report = ledger.report(Period::All);
    let row = &report.rows[0];
    let m = |s: &str| Money::parse(s, gbp).unwrap().minor();
    assert_eq!(m(&row.gross), gross);
    assert_eq!(m(&row.fees), fees);
    assert_eq!(m(&row.refunded), refunded);
    assert_eq!(
        m(&row.creator_total) + m(&row.platform_total) + fees + refunded,
        gross,
        "creators + platform + fees + refunds = gross"
    );
    // Every split holds the floor; a refund's rounding can leave creators a unit under 75% of
    // what is left, and the report says so.
    assert_eq!(row.floor_held_every_transaction, every_held);
    assert!(row.floor_held_overall);
    assert_eq!(report.floor_held, every_held);
    for (id, amount) in &per_creator {
        assert_eq!(m(&row.creators[id]) as i128, *amount, "{id}");
    }
}
