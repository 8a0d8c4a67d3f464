//! Hot paths that must not touch the heap (issue 19), counted by a global allocator that
//! counts this thread's allocations: the policy evaluator's `observe` when nothing fires.
//! One test in this binary, so no other test allocates beside it.

use liberation_gates::policy::{Action, Observation, Policy};
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
fn healthy(t: u32) -> Observation {
    let checks = [
        "database", "cache", "storage", "api_gateway", "auth", "business_logic", "integration",
        "community_protection", "trauma_informed_ux",
    ];
    Observation::new(f64::from(t))
        .metric("http_error_rate", 0.001)
        .metric("response_time_degradation", 0.1)
        .metric("creator_share", 0.8)
        .metric("governance_participation_drop", 0.0)
        .metric("capacity_utilization", 0.5)
        .checks(checks, true)
}

#[test]
fn observing_allocates_nothing_when_nothing_fires() {
    let mut evaluator = Policy::builtin().evaluator();
    let seconds: Vec<Observation> = (0..1_000).map(healthy).collect();
    evaluator.observe(&seconds[0]).expect("healthy");
    let before = allocations();
    for o in &seconds[1..] {
        let d = evaluator.observe(o).expect("healthy");
        assert_eq!(d.action, Action::Proceed, "{d:?}");
    }
    assert_eq!(allocations() - before, 0, "observe allocated while nothing fired");
}
