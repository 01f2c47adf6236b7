//! Erlang/OTP-style restart intensity for actor supervisors.
//!
//! A supervisor keeps one [`RestartTracker`] per child. When the child stops it
//! calls [`RestartTracker::on_exit`], which answers:
//!
//! * [`Decision::Stop`] — leave the child stopped (temporary child, or a
//!   transient child that ended normally);
//! * [`Decision::Restart`] — restart it after the given backoff;
//! * [`Decision::Escalate`] — the child has restarted more than
//!   `max_restarts` times within `within`: give up and let the supervisor's
//!   own parent handle it (Erlang's "reached max restart intensity").
//!
//! [`restart_set`] tells which siblings restart along with the failed child.

use std::collections::VecDeque;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};

pub use crate::app::config::{RestartPolicy, Strategy};
use crate::resilience::clock::Clock;

/// When a child is restarted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RestartType {
    /// Always restarted, whatever the exit.
    Permanent,
    /// Restarted only after an abnormal exit (failure or panic).
    Transient,
    /// Never restarted.
    Temporary,
}

/// How random the backoff is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Jitter {
    /// Exactly the computed backoff.
    None,
    /// Uniform in `[0, backoff]`.
    Full,
    /// Uniform in `[backoff / 2, backoff]`.
    #[default]
    Equal,
}

/// How a child stopped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Exit {
    /// Stopped on purpose.
    Normal,
    /// Stopped because of an error.
    Failed(String),
    /// Panicked.
    Panicked(String),
}

impl Exit {
    /// Whether the exit was a failure or a panic.
    pub fn is_abnormal(&self) -> bool {
        !matches!(self, Exit::Normal)
    }
}

impl fmt::Display for Exit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Exit::Normal => f.write_str("normal"),
            Exit::Failed(reason) => write!(f, "failed: {reason}"),
            Exit::Panicked(reason) => write!(f, "panicked: {reason}"),
        }
    }
}

/// What the supervisor should do about an exited child.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Restart the child after this delay.
    Restart {
        /// Backoff, jitter included.
        after: Duration,
    },
    /// Too many restarts: give up on this child and escalate. The count is the
    /// restarts already in the window plus the one refused (so > max_restarts).
    Escalate {
        /// Restarts that would have happened within the window.
        restarts_in_window: u32,
    },
    /// Leave the child stopped; nothing to escalate.
    Stop,
}

/// Restart bookkeeping for one child.
pub struct RestartTracker {
    policy: RestartPolicy,
    restart_type: RestartType,
    clock: Arc<dyn Clock>,
    jitter: Jitter,
    rng: StdRng,
    /// Instants of the granted restarts still inside the window, oldest first.
    restarts: VecDeque<Instant>,
    total: u64,
}

impl fmt::Debug for RestartTracker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RestartTracker")
            .field("policy", &self.policy)
            .field("restart_type", &self.restart_type)
            .field("jitter", &self.jitter)
            .field("restarts_in_window", &self.restarts.len())
            .field("total", &self.total)
            .finish_non_exhaustive()
    }
}

impl RestartTracker {
    /// A tracker with [`Jitter::Equal`] and a randomly seeded generator.
    pub fn new(policy: RestartPolicy, restart_type: RestartType, clock: Arc<dyn Clock>) -> Self {
        Self {
            policy,
            restart_type,
            clock,
            jitter: Jitter::default(),
            rng: StdRng::from_rng(&mut rand::rng()),
            restarts: VecDeque::new(),
            total: 0,
        }
    }

    /// Uses `jitter` for the backoff.
    pub fn with_jitter(mut self, jitter: Jitter) -> Self {
        self.jitter = jitter;
        self
    }

    /// Seeds the jitter generator (reproducible backoffs).
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.rng = StdRng::seed_from_u64(seed);
        self
    }

    /// The policy in use.
    pub fn policy(&self) -> &RestartPolicy {
        &self.policy
    }

    /// The child's restart type.
    pub fn restart_type(&self) -> RestartType {
        self.restart_type
    }

    /// Decides what to do about the child's exit. A granted restart is
    /// recorded at the clock's current time; an escalation is not recorded.
    pub fn on_exit(&mut self, exit: &Exit) -> Decision {
        let wanted = match self.restart_type {
            RestartType::Permanent => true,
            RestartType::Transient => exit.is_abnormal(),
            RestartType::Temporary => false,
        };
        if !wanted {
            return Decision::Stop;
        }
        let now = self.clock.now();
        self.prune(now);
        let in_window = u32::try_from(self.restarts.len()).unwrap_or(u32::MAX);
        let n = in_window.saturating_add(1);
        if n > self.policy.max_restarts {
            return Decision::Escalate {
                restarts_in_window: n,
            };
        }
        self.restarts.push_back(now);
        self.total += 1;
        Decision::Restart {
            after: self.jittered(self.policy.backoff(n)),
        }
    }

    /// Forgets the restarts in the window (the child was restarted from above, afresh).
    pub fn reset(&mut self) {
        self.restarts.clear();
    }

    /// Restarts granted since creation.
    pub fn total_restarts(&self) -> u64 {
        self.total
    }

    /// Granted restarts still inside the sliding window.
    pub fn restarts_in_window(&self) -> u32 {
        let now = self.clock.now();
        let count = self
            .restarts
            .iter()
            .filter(|&&at| now.saturating_duration_since(at) < self.policy.within)
            .count();
        u32::try_from(count).unwrap_or(u32::MAX)
    }

    /// Forgets restarts that are `within` or more in the past.
    fn prune(&mut self, now: Instant) {
        while let Some(&oldest) = self.restarts.front() {
            if now.saturating_duration_since(oldest) >= self.policy.within {
                self.restarts.pop_front();
            } else {
                break;
            }
        }
    }

    fn jittered(&mut self, backoff: Duration) -> Duration {
        let nanos = u64::try_from(backoff.as_nanos()).unwrap_or(u64::MAX);
        let nanos = match self.jitter {
            Jitter::None => nanos,
            Jitter::Full => self.rng.random_range(0..=nanos),
            Jitter::Equal => {
                let half = nanos / 2;
                half + self.rng.random_range(0..=nanos - half)
            }
        };
        Duration::from_nanos(nanos)
    }
}

/// The children to restart, in start order, when `failed` stopped.
///
/// `children` lists the supervisor's children in start order. One-for-one:
/// `[failed]`. Rest-for-one: `failed` and every child after it (stop them in
/// reverse order, then start them in this order). A `failed` missing from
/// `children` yields `[failed]` for both strategies.
pub fn restart_set(
    strategy: Strategy,
    children: &[&'static str],
    failed: &'static str,
) -> Vec<&'static str> {
    match strategy {
        Strategy::OneForOne => vec![failed],
        Strategy::RestForOne => match children.iter().position(|&c| c == failed) {
            Some(i) => children[i..].to_vec(),
            None => {
                tracing::warn!(
                    child = failed,
                    "restart_set: unknown child; restarting it alone"
                );
                vec![failed]
            }
        },
    }
}

#[cfg(test)]
mod tests;
