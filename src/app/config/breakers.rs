//! Tuning of a breaker, validated before use.
use serde::{Deserialize, Serialize};
use std::time::Duration;

use super::duration_ms;

/// Tuning of one breaker. Durations (de)serialize as integer milliseconds.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
pub struct BreakerConfig {
    /// Number of most recent calls the failure rate is computed over.
    pub window_size: usize,
    /// Calls that must be in the window before the failure rate can trip.
    pub minimum_calls: usize,
    /// Failure share (0..=1) of the window at which the breaker trips.
    pub failure_rate_threshold: f64,
    /// Failures in a row that trip the breaker (0 disables this rule).
    pub consecutive_failures: u32,
    /// A call taking at least this long counts as a failure.
    #[serde(with = "duration_ms")]
    pub slow_call_threshold: Duration,
    /// Open wait after the first trip.
    #[serde(with = "duration_ms")]
    pub open_base: Duration,
    /// Upper bound of the open wait.
    #[serde(with = "duration_ms")]
    pub open_max: Duration,
    /// Probes allowed in flight in HalfOpen, and successes needed to close.
    pub half_open_probes: u32,
}

/// A [`BreakerConfig`] that cannot work as intended.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid breaker config: {0}")]
pub struct InvalidBreakerConfig(pub &'static str);

impl BreakerConfig {
    /// OpenAI chat completions: generations legitimately take several
    /// seconds, so only ≥ 30 s is slow; probes cost tokens, so one probe.
    pub fn for_ai() -> Self {
        Self {
            window_size: 20,
            minimum_calls: 10,
            failure_rate_threshold: 0.5,
            consecutive_failures: 5,
            slow_call_threshold: Duration::from_secs(30),
            open_base: Duration::from_secs(15),
            open_max: Duration::from_secs(300),
            half_open_probes: 1,
        }
    }

    /// Telegram Bot API: many small calls, ≥ 10 s is slow.
    pub fn for_telegram() -> Self {
        Self {
            window_size: 50,
            minimum_calls: 20,
            failure_rate_threshold: 0.5,
            consecutive_failures: 10,
            slow_call_threshold: Duration::from_secs(10),
            open_base: Duration::from_secs(5),
            open_max: Duration::from_secs(120),
            half_open_probes: 3,
        }
    }

    /// The database: fast or broken, ≥ 2 s is slow; recover quickly.
    pub fn for_store() -> Self {
        Self {
            window_size: 50,
            minimum_calls: 20,
            failure_rate_threshold: 0.5,
            consecutive_failures: 5,
            slow_call_threshold: Duration::from_secs(2),
            open_base: Duration::from_secs(1),
            open_max: Duration::from_secs(30),
            half_open_probes: 3,
        }
    }

    /// Checks the config for values that cannot work as intended. The breaker
    /// still accepts such a config (see [`CircuitBreaker::new`]); call this
    /// when loading configuration to fail early.
    pub fn validate(&self) -> Result<(), InvalidBreakerConfig> {
        if self.window_size == 0 {
            return Err(InvalidBreakerConfig("window_size must be at least 1"));
        }
        if self.minimum_calls == 0 || self.minimum_calls > self.window_size {
            return Err(InvalidBreakerConfig(
                "minimum_calls must be between 1 and window_size",
            ));
        }
        if !(self.failure_rate_threshold > 0.0 && self.failure_rate_threshold <= 1.0) {
            return Err(InvalidBreakerConfig(
                "failure_rate_threshold must be in (0, 1]",
            ));
        }
        if self.slow_call_threshold.is_zero() {
            return Err(InvalidBreakerConfig("slow_call_threshold must be positive"));
        }
        if self.open_base.is_zero() || self.open_base > self.open_max {
            return Err(InvalidBreakerConfig(
                "open_base must be positive and at most open_max",
            ));
        }
        if self.half_open_probes == 0 {
            return Err(InvalidBreakerConfig("half_open_probes must be at least 1"));
        }
        Ok(())
    }
}
