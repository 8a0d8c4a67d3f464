//! Time, injected. The core never reads a clock by itself: state machines take `t` as an
//! argument, and the conveniences that need "now" take a [`Clock`] so tests and simulations
//! drive time by hand with a [`ManualClock`].

use parking_lot::Mutex;
use std::time::Instant;

/// A monotonic clock in seconds (`f64`).
pub trait Clock: Send + Sync {
    /// Seconds since an arbitrary, fixed origin; never decreases.
    fn now(&self) -> f64;
}

/// The system's monotonic clock, in seconds since this value was created.
#[derive(Debug, Clone, Copy)]
pub struct SystemClock {
    origin: Instant,
}

impl SystemClock {
    /// A clock starting at 0 now.
    pub fn new() -> Self {
        SystemClock { origin: Instant::now() }
    }
}

impl Default for SystemClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for SystemClock {
    fn now(&self) -> f64 {
        self.origin.elapsed().as_secs_f64()
    }
}

/// A clock that moves only when told to.
///
/// ```
/// use liberation_gates::clock::{Clock, ManualClock};
/// let c = ManualClock::new(10.0);
/// c.advance(5.0);
/// assert_eq!(c.now(), 15.0);
/// ```
#[derive(Debug, Default)]
pub struct ManualClock {
    now: Mutex<f64>,
}

impl ManualClock {
    /// A clock reading `t`.
    pub fn new(t: f64) -> Self {
        ManualClock { now: Mutex::new(t) }
    }

    /// Sets the time; a time earlier than now is ignored (the clock is monotonic).
    pub fn set(&self, t: f64) {
        let mut n = self.now.lock();
        if t > *n {
            *n = t;
        }
    }

    /// Moves the clock forward by `seconds` (negative values are ignored).
    pub fn advance(&self, seconds: f64) {
        if seconds > 0.0 {
            *self.now.lock() += seconds;
        }
    }
}

impl Clock for ManualClock {
    fn now(&self) -> f64 {
        *self.now.lock()
    }
}
