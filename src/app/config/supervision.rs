//! How the supervision tree restarts its services (`[supervision]` in the config).
use super::duration_ms;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// How the tree restarts its children; `[supervision]` in the config.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct SupervisionSpec {
    /// one_for_one: only the failed child restarts; rest_for_one: it and every child started
    /// after it (for children that hold state derived from an earlier one).
    pub strategy: Strategy,
    /// Per child: at most `max_restarts` within `within`, with the backoff between restarts.
    pub child: RestartPolicy,
    /// The root's own intensity over escalations, and the cool-down before it revives a child
    /// that exceeded its intensity. Past this the child stays failed.
    pub root: RestartPolicy,
    /// Per child, how long shutdown waits for in-flight work before stopping it anyway.
    #[serde(with = "duration_ms")]
    pub shutdown_timeout: Duration,
}

impl Default for SupervisionSpec {
    fn default() -> Self {
        SupervisionSpec {
            strategy: Strategy::OneForOne,
            child: RestartPolicy::default(),
            root: RestartPolicy {
                max_restarts: 3,
                within: Duration::from_secs(600),
                backoff_base: Duration::from_secs(10),
                backoff_max: Duration::from_secs(120),
            },
            shutdown_timeout: Duration::from_secs(5),
        }
    }
}

/// Which children restart when one fails.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Strategy {
    /// Only the failed child.
    OneForOne,
    /// The failed child and every child started after it.
    RestForOne,
}

/// Restart intensity and backoff. Durations (de)serialize as integer
/// milliseconds.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
pub struct RestartPolicy {
    /// Restarts allowed within `within`; one more escalates.
    pub max_restarts: u32,
    /// Length of the sliding window restarts are counted over.
    #[serde(with = "duration_ms")]
    pub within: Duration,
    /// Backoff before the first restart in the window.
    #[serde(with = "duration_ms")]
    pub backoff_base: Duration,
    /// Upper bound of the backoff (before jitter).
    #[serde(with = "duration_ms")]
    pub backoff_max: Duration,
}

impl Default for RestartPolicy {
    /// 3 restarts within 5 s; backoff 50 ms doubling up to 5 s.
    fn default() -> Self {
        Self {
            max_restarts: 3,
            within: Duration::from_secs(5),
            backoff_base: Duration::from_millis(50),
            backoff_max: Duration::from_secs(5),
        }
    }
}

impl RestartPolicy {
    /// Backoff before jitter for the `n`-th restart in the window (`n` ≥ 1):
    /// `backoff_base × 2^(n−1)`, capped at `backoff_max`.
    pub fn backoff(&self, n: u32) -> Duration {
        let exponent = n.saturating_sub(1);
        2u32.checked_pow(exponent)
            .and_then(|factor| self.backoff_base.checked_mul(factor))
            .map_or(self.backoff_max, |b| b.min(self.backoff_max))
    }
}
