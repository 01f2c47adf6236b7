//! Time source for the supervision building blocks.
//!
//! Production code uses [`SystemClock`]; tests use [`ManualClock`] and move
//! time forward explicitly, so no test ever sleeps.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A monotonic time source.
pub trait Clock: Send + Sync + 'static {
    /// The current instant.
    fn now(&self) -> Instant;
}

/// The real monotonic clock ([`Instant::now`]).
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl SystemClock {
    /// A shareable system clock, ready to hand to a breaker or tracker.
    pub fn shared() -> Arc<dyn Clock> {
        Arc::new(SystemClock)
    }
}

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        Instant::now()
    }
}

/// A clock that only moves when told to.
///
/// Cloning shares the underlying time: advance one clone and every clone
/// (and every breaker or tracker holding it) sees the new time.
#[derive(Clone, Debug)]
pub struct ManualClock {
    now: Arc<Mutex<Instant>>,
}

impl ManualClock {
    /// A manual clock frozen at the moment of creation.
    pub fn new() -> Self {
        Self {
            now: Arc::new(Mutex::new(Instant::now())),
        }
    }

    /// Moves time forward by `by`.
    pub fn advance(&self, by: Duration) {
        let mut now = self.now.lock().unwrap_or_else(|e| e.into_inner());
        *now += by;
    }

    /// This clock as a trait object sharing the same time.
    pub fn shared(&self) -> Arc<dyn Clock> {
        Arc::new(self.clone())
    }
}

impl Default for ManualClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Instant {
        *self.now.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_clock_stands_still_until_advanced() {
        let clock = ManualClock::new();
        let t0 = clock.now();
        assert_eq!(clock.now(), t0);
        clock.advance(Duration::from_millis(1500));
        assert_eq!(clock.now() - t0, Duration::from_millis(1500));
    }

    #[test]
    fn manual_clock_clones_share_one_time() {
        let clock = ManualClock::new();
        let shared = clock.shared();
        let t0 = shared.now();
        clock.advance(Duration::from_secs(7));
        assert_eq!(shared.now() - t0, Duration::from_secs(7));
    }

    #[test]
    fn system_clock_never_goes_backwards() {
        let clock = SystemClock::shared();
        let a = clock.now();
        let b = clock.now();
        assert!(b >= a);
    }
}
