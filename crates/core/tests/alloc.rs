//! Hot paths that must not touch the heap (issue 19), counted by a global allocator that
//! counts this thread's allocations: the policy evaluator's `observe` when nothing fires, and
//! a prepared split.

use liberation_gates::money::{Currency, Money};
use liberation_gates::policy::{Action, Observation, Policy};
use liberation_gates::split::{FeeMode, Share, SplitTerms, Weight, NO_ALLOC_CREATORS};
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

fn count() {
    // `try_with`: the allocator may run while this thread's locals are being torn down.
    let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
}

// SAFETY: every call is passed to the system allocator unchanged; only a counter moves.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count();
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count();
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn allocations() -> usize {
    ALLOCATIONS.with(Cell::get)
}

/// A healthy second of the built-in policy's inputs: every metric and check present.
fn healthy(t: u32, checks: &[String]) -> Observation {
    Observation::new(f64::from(t))
        .metric("http_error_rate", 0.001)
        .metric("response_time_degradation", 0.1)
        .metric("creator_share", 0.8)
        .metric("governance_participation_drop", 0.0)
        .metric("capacity_utilization", 0.5)
        .checks(checks.iter().map(String::as_str), true)
}

#[test]
fn observing_allocates_nothing_when_nothing_fires() {
    let policy = Policy::builtin();
    let (_, checks) = policy.inputs();
    let seconds: Vec<Observation> = (0..1_000).map(|t| healthy(t, &checks)).collect();
    let mut evaluator = policy.evaluator();
    evaluator.observe(&seconds[0]).expect("healthy");
    let before = allocations();
    for o in &seconds[1..] {
        let d = evaluator.observe(o).expect("healthy");
        assert_eq!(d.action, Action::Proceed, "{d:?}");
    }
    assert_eq!(
        allocations() - before,
        0,
        "observe allocated while nothing fired"
    );
}

#[test]
fn a_prepared_split_allocates_nothing() {
    let gbp = Currency::from_code("GBP").expect("GBP");
    let fee = Money::parse("0.30", gbp).expect("fee");
    let creators: Vec<(String, Weight)> = (0..NO_ALLOC_CREATORS)
        .map(|i| {
            (
                format!("c{i}"),
                Weight::parse(&format!("{}", 1 + i % 7)).expect("weight"),
            )
        })
        .collect();
    let terms = SplitTerms::new(
        gbp,
        Share::parse("0.8").expect("share"),
        fee,
        FeeMode::Platform,
        creators,
    )
    .expect("terms");
    let mut out = [0u128; NO_ALLOC_CREATORS];
    let before = allocations();
    let mut paid = 0u128;
    for gross in 1_000..2_000u128 {
        let parts = terms.split_into(gross, &mut out).expect("split");
        paid += parts.creator_total + parts.platform + parts.fee;
        assert_eq!(out.iter().sum::<u128>(), parts.creator_total);
    }
    assert_eq!(allocations() - before, 0, "a prepared split allocated");
    // Every unit of every gross went to someone: the loop did the work it claims.
    assert_eq!(paid, (1_000..2_000u128).sum());
    // The same amounts as the allocating split.
    let split = terms
        .split(Money::from_minor(1_234, gbp).expect("gross"))
        .expect("split");
    terms.split_into(1_234, &mut out).expect("split");
    let minor: Vec<u128> = split.creators.iter().map(|p| p.amount.minor()).collect();
    assert_eq!(minor, out);
}
