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

/// The system's monotonic clock read coarsely, in seconds since this value was created. On
/// Linux it is `CLOCK_MONOTONIC_COARSE`, the time of the kernel's last timer tick: a read cost
/// 7–13 ns on the 2-core benchmark VM against 34–50 ns for `CLOCK_MONOTONIC` (and 53 ns for
/// `Instant::elapsed`), at a resolution of 4 ms there ([`CoarseClock::resolution`]).
/// Elsewhere it reads the precise clock.
///
/// `CircuitBreaker::new` runs on it when the config's times are coarse enough for it (see
/// there): a protected call reads the clock twice.
#[derive(Debug, Clone, Copy)]
pub struct CoarseClock {
    origin: f64,
}

impl CoarseClock {
    /// A clock starting at 0 now.
    pub fn new() -> Self {
        CoarseClock {
            origin: coarse::now(),
        }
    }

    /// The coarse clock's resolution in seconds, or `None` where there is no coarse clock
    /// (it then reads the precise one).
    pub fn resolution() -> Option<f64> {
        coarse::resolution()
    }
}

impl Default for CoarseClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for CoarseClock {
    fn now(&self) -> f64 {
        coarse::now() - self.origin
    }
}

#[cfg(target_os = "linux")]
mod coarse {
    use rustix::time::{clock_getres, clock_gettime, ClockId, Timespec};

    fn seconds(ts: Timespec) -> f64 {
        ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9
    }

    pub(super) fn now() -> f64 {
        seconds(clock_gettime(ClockId::MonotonicCoarse))
    }

    pub(super) fn resolution() -> Option<f64> {
        Some(seconds(clock_getres(ClockId::MonotonicCoarse))).filter(|r| *r > 0.0)
    }
}

#[cfg(not(target_os = "linux"))]
mod coarse {
    use std::sync::OnceLock;
    use std::time::Instant;

    pub(super) fn now() -> f64 {
        static ORIGIN: OnceLock<Instant> = OnceLock::new();
        ORIGIN.get_or_init(Instant::now).elapsed().as_secs_f64()
    }

    pub(super) fn resolution() -> Option<f64> {
        None
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
