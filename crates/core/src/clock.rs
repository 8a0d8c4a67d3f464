//! Time, injected. The core never reads a clock by itself: state machines take `t` as an
//! argument, and the conveniences that need "now" take a [`Clock`] so tests and simulations
//! drive time by hand with a [`ManualClock`].

use std::sync::atomic::{AtomicU64, Ordering};
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
        SystemClock {
            origin: Instant::now(),
        }
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

/// A clock that moves only when told to. Reading it is lock-free (the time is an `f64` held
/// as its bits in an atomic).
///
/// ```
/// use liberation_gates::clock::{Clock, ManualClock};
/// let c = ManualClock::new(10.0);
/// c.advance(5.0);
/// assert_eq!(c.now(), 15.0);
/// ```
#[derive(Debug, Default)]
pub struct ManualClock {
    bits: AtomicU64,
}

impl ManualClock {
    /// A clock reading `t`.
    pub fn new(t: f64) -> Self {
        ManualClock {
            bits: AtomicU64::new(t.to_bits()),
        }
    }

    fn update(&self, f: impl Fn(f64) -> Option<f64>) {
        let _ = self
            .bits
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |b| {
                f(f64::from_bits(b)).map(f64::to_bits)
            });
    }

    /// Sets the time; a time earlier than now (or not finite) is ignored: the clock is monotonic.
    pub fn set(&self, t: f64) {
        self.update(|now| (t.is_finite() && t > now).then_some(t));
    }

    /// Moves the clock forward by `seconds` (negative or non-finite values are ignored).
    pub fn advance(&self, seconds: f64) {
        self.update(|now| (seconds.is_finite() && seconds > 0.0).then_some(now + seconds));
    }
}

impl Clock for ManualClock {
    fn now(&self) -> f64 {
        f64::from_bits(self.bits.load(Ordering::Acquire))
    }
}

/// Wall-clock time, seconds since the Unix epoch: the one clock that several processes (or
/// machines, kept in sync by NTP) agree on, used by breakers that share state. It can step
/// backwards; a breaker clamps a time earlier than its last operation to that operation's.
#[derive(Debug, Clone, Copy, Default)]
pub struct WallClock;

impl Clock for WallClock {
    fn now(&self) -> f64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64())
    }
}
