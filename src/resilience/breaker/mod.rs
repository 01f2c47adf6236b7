//! Circuit breaker around an unreliable dependency (the OpenAI endpoint, the
//! Telegram Bot API, the store).
//!
//! States and transitions:
//!
//! * **Closed** — calls flow. Every finished call is recorded into a sliding
//!   window of the last `window_size` calls. The breaker trips to Open when
//!   `consecutive_failures` calls fail in a row, or when at least
//!   `minimum_calls` are in the window and the share of failures reaches
//!   `failure_rate_threshold`. A call that took `slow_call_threshold` or longer
//!   counts as a failure even if it succeeded.
//! * **Open** — calls are rejected with [`Rejected::retry_in`] = the rest of the
//!   open wait. The wait is `open_base × 2^(trips − 1)`, capped at `open_max`,
//!   where `trips` counts trips since the last successful recovery.
//! * **HalfOpen** — entered by the first [`CircuitBreaker::try_acquire`] after
//!   the wait. At most `half_open_probes` probe calls are outstanding at once;
//!   once `half_open_probes` probes have succeeded the breaker closes (window,
//!   consecutive count and trip count reset); any probe failure (including a
//!   slow or dropped probe) reopens it with the next, longer wait.
//!
//! A permit belongs to the state episode it was taken in: a call that started
//! before a transition and finishes after it still counts in the totals, but
//! does not move the new state.

use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::clock::Clock;

pub use crate::app::config::{BreakerConfig, InvalidBreakerConfig};

/// How a breaker reads its tuning.
impl BreakerConfig {
    /// Clamps structural values so the state machine always works.
    pub(crate) fn sanitized(mut self) -> Self {
        self.window_size = self.window_size.max(1);
        self.minimum_calls = self.minimum_calls.clamp(1, self.window_size);
        self.half_open_probes = self.half_open_probes.max(1);
        self
    }

    /// Open wait after `trips` trips since the last recovery (`trips` ≥ 1).
    pub(crate) fn open_wait(&self, trips: u32) -> Duration {
        let exponent = trips.saturating_sub(1);
        2u32.checked_pow(exponent)
            .and_then(|factor| self.open_base.checked_mul(factor))
            .map_or(self.open_max, |wait| wait.min(self.open_max))
    }

    /// `retry_in` reported when HalfOpen already has all its probes out.
    pub(crate) fn half_open_retry(&self) -> Duration {
        self.slow_call_threshold.min(self.open_base)
    }
}

/// The state of a breaker. Serializes as `"closed"`, `"open"`, `"half_open"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BreakerState {
    /// Calls flow and are measured.
    Closed,
    /// Calls are rejected until the open wait ends.
    Open,
    /// A limited number of probe calls decide between Closed and Open.
    HalfOpen,
}

impl BreakerState {
    /// The serialized name: `closed`, `open` or `half_open`.
    pub fn as_str(self) -> &'static str {
        match self {
            BreakerState::Closed => "closed",
            BreakerState::Open => "open",
            BreakerState::HalfOpen => "half_open",
        }
    }
}

impl fmt::Display for BreakerState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A state change, handed to every [`CircuitBreaker::on_transition`] callback.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transition {
    /// The breaker's name.
    pub breaker: &'static str,
    /// State before.
    pub from: BreakerState,
    /// State after.
    pub to: BreakerState,
    /// Why, in words (for logs and alerts).
    pub reason: String,
}

/// The breaker refused a call.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("circuit breaker open; retry in {retry_in:?}")]
pub struct Rejected {
    /// When trying again makes sense. While Open: the rest of the open wait
    /// (always > 0). While HalfOpen with every probe out:
    /// `min(slow_call_threshold, open_base)`.
    pub retry_in: Duration,
}

/// Error of [`CircuitBreaker::call`].
#[derive(Debug, thiserror::Error)]
pub enum BreakerError<E> {
    /// The breaker refused the call; the wrapped function was not run.
    #[error("circuit breaker open; retry in {retry_in:?}")]
    Open {
        /// See [`Rejected::retry_in`].
        retry_in: Duration,
    },
    /// The call ran and failed.
    #[error(transparent)]
    Inner(E),
}

impl<E> BreakerError<E> {
    /// The inner error, if the call ran.
    pub fn into_inner(self) -> Option<E> {
        match self {
            BreakerError::Inner(e) => Some(e),
            BreakerError::Open { .. } => None,
        }
    }

    /// Whether the breaker refused the call.
    pub fn is_open(&self) -> bool {
        matches!(self, BreakerError::Open { .. })
    }
}

impl<E> From<Rejected> for BreakerError<E> {
    fn from(r: Rejected) -> Self {
        BreakerError::Open {
            retry_in: r.retry_in,
        }
    }
}

/// Totals since the breaker was created. Every recorded call lands in exactly
/// one of `success`, `failure`, `slow`; `rejected` counts refused acquires.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CallCounts {
    /// Succeeded in less than `slow_call_threshold`.
    pub success: u64,
    /// Failed, or the permit was dropped unrecorded (any duration).
    pub failure: u64,
    /// Succeeded, but took `slow_call_threshold` or longer (a failure for the
    /// breaker's rules).
    pub slow: u64,
    /// Refused by the breaker.
    pub rejected: u64,
}

/// A point-in-time view of a breaker, for health endpoints and metrics.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BreakerSnapshot {
    /// The breaker's name.
    pub name: &'static str,
    /// Current state (`open` stays reported until the next acquire, even once
    /// the wait is over; then `retry_in_ms` is 0).
    pub state: BreakerState,
    /// Failures (including slow calls) ÷ calls in the window; 0 when empty.
    /// The window is kept while Open/HalfOpen and cleared on closing.
    pub failure_rate: f64,
    /// Calls currently in the window.
    pub window_calls: usize,
    /// Current run of failures in Closed.
    pub consecutive_failures: u32,
    /// Totals since creation.
    pub calls: CallCounts,
    /// While Open: milliseconds left of the open wait.
    pub retry_in_ms: Option<u64>,
    /// While HalfOpen: probes currently out.
    pub half_open_in_flight: u32,
    /// Trips (Closed→Open and HalfOpen→Open) since creation.
    pub trips: u64,
}

type Listener = Arc<dyn Fn(&Transition) + Send + Sync>;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outcome {
    Success,
    Failure,
    Dropped,
}

struct Inner {
    state: BreakerState,
    /// Bumped on every transition; permits carry the value they were issued
    /// under, so late results of an old episode cannot move the new state.
    generation: u64,
    /// `true` = failure (or slow), oldest first.
    window: VecDeque<bool>,
    window_failures: usize,
    consecutive_failures: u32,
    /// Trips since the last recovery; drives the exponential open wait.
    consecutive_trips: u32,
    /// Set while Open.
    open_until: Option<Instant>,
    half_open_in_flight: u32,
    half_open_successes: u32,
    totals: CallCounts,
    trips: u64,
}

impl Inner {
    fn new() -> Self {
        Self {
            state: BreakerState::Closed,
            generation: 0,
            window: VecDeque::new(),
            window_failures: 0,
            consecutive_failures: 0,
            consecutive_trips: 0,
            open_until: None,
            half_open_in_flight: 0,
            half_open_successes: 0,
            totals: CallCounts::default(),
            trips: 0,
        }
    }

    fn failure_rate(&self) -> f64 {
        if self.window.is_empty() {
            0.0
        } else {
            self.window_failures as f64 / self.window.len() as f64
        }
    }

    /// Counts a call made while closed; answers why the breaker must open, if it must.
    fn after_closed_call(&mut self, config: &BreakerConfig, bad: bool) -> Option<String> {
        self.push_window(bad, config.window_size);
        if bad {
            self.consecutive_failures = self.consecutive_failures.saturating_add(1);
        } else {
            self.consecutive_failures = 0;
        }
        let limit = config.consecutive_failures;
        let rate = self.failure_rate();
        if bad && limit > 0 && self.consecutive_failures >= limit {
            Some(format!(
                "{} consecutive failures",
                self.consecutive_failures
            ))
        } else if bad
            && self.window.len() >= config.minimum_calls
            && rate >= config.failure_rate_threshold
        {
            Some(format!(
                "failure rate {:.1}% over the last {} calls reached {:.1}%",
                rate * 100.0,
                self.window.len(),
                config.failure_rate_threshold * 100.0
            ))
        } else {
            None
        }
    }

    /// Counts a half-open probe; answers where the breaker goes and why, if it moves: back to
    /// open on a bad probe (`why_bad` says how), closed after enough good ones.
    fn after_probe(
        &mut self,
        config: &BreakerConfig,
        bad: bool,
        why_bad: impl FnOnce() -> String,
    ) -> Option<(BreakerState, String)> {
        self.half_open_in_flight = self.half_open_in_flight.saturating_sub(1);
        if bad {
            return Some((BreakerState::Open, why_bad()));
        }
        self.half_open_successes += 1;
        (self.half_open_successes >= config.half_open_probes).then(|| {
            let reason = format!("{} probe(s) succeeded", self.half_open_successes);
            (BreakerState::Closed, reason)
        })
    }

    fn push_window(&mut self, bad: bool, window_size: usize) {
        self.window.push_back(bad);
        if bad {
            self.window_failures += 1;
        }
        while self.window.len() > window_size {
            if self.window.pop_front() == Some(true) {
                self.window_failures -= 1;
            }
        }
    }

    /// Moves to `to`, resetting what the new state needs, and describes it.
    fn transition(
        &mut self,
        name: &'static str,
        config: &BreakerConfig,
        to: BreakerState,
        reason: String,
        now: Instant,
    ) -> Transition {
        let from = self.state;
        self.state = to;
        self.generation = self.generation.wrapping_add(1);
        self.half_open_in_flight = 0;
        self.half_open_successes = 0;
        self.open_until = None;
        let reason = match to {
            BreakerState::Open => {
                self.consecutive_trips = self.consecutive_trips.saturating_add(1);
                self.trips += 1;
                let wait = config.open_wait(self.consecutive_trips);
                self.open_until = Some(now + wait);
                format!("{reason}; open for {wait:?}")
            }
            BreakerState::HalfOpen => reason,
            BreakerState::Closed => {
                self.window.clear();
                self.window_failures = 0;
                self.consecutive_failures = 0;
                self.consecutive_trips = 0;
                reason
            }
        };
        Transition {
            breaker: name,
            from,
            to,
            reason,
        }
    }
}

/// A circuit breaker. `Send + Sync`: share it as `Arc<CircuitBreaker>`.
pub struct CircuitBreaker {
    name: &'static str,
    config: BreakerConfig,
    clock: Arc<dyn Clock>,
    inner: Mutex<Inner>,
    listeners: Mutex<Vec<Listener>>,
}

impl fmt::Debug for CircuitBreaker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CircuitBreaker")
            .field("name", &self.name)
            .field("state", &self.lock().state)
            .finish_non_exhaustive()
    }
}

impl CircuitBreaker {
    /// A closed breaker. A config failing [`BreakerConfig::validate`] is
    /// logged and used with `window_size`, `minimum_calls` and
    /// `half_open_probes` clamped to workable values.
    pub fn new(name: &'static str, config: BreakerConfig, clock: Arc<dyn Clock>) -> Self {
        if let Err(e) = config.validate() {
            tracing::error!(breaker = name, error = %e, "circuit breaker config is invalid");
        }
        Self {
            name,
            config: config.sanitized(),
            clock,
            inner: Mutex::new(Inner::new()),
            listeners: Mutex::new(Vec::new()),
        }
    }

    /// The name given at creation.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The config in use (after clamping).
    pub fn config(&self) -> &BreakerConfig {
        &self.config
    }

    /// The current state (Open is reported until the next acquire moves it).
    pub fn state(&self) -> BreakerState {
        self.lock().state
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Asks to make one call. On `Ok`, make the call and record its result on
    /// the permit ([`Permit::success`] / [`Permit::failure`]); a permit dropped
    /// unrecorded counts as a failure.
    pub fn try_acquire(&self) -> Result<Permit<'_>, Rejected> {
        let now = self.clock.now();
        let mut transition = None;
        let decision = {
            let mut inner = self.lock();
            match inner.state {
                BreakerState::Closed => Ok(inner.generation),
                BreakerState::Open => {
                    let until = inner.open_until.unwrap_or(now);
                    if now >= until {
                        let t = inner.transition(
                            self.name,
                            &self.config,
                            BreakerState::HalfOpen,
                            "open wait elapsed; probing".to_owned(),
                            now,
                        );
                        transition = Some(t);
                        inner.half_open_in_flight = 1;
                        Ok(inner.generation)
                    } else {
                        inner.totals.rejected += 1;
                        Err(Rejected {
                            retry_in: until.saturating_duration_since(now),
                        })
                    }
                }
                BreakerState::HalfOpen => {
                    if inner.half_open_in_flight < self.config.half_open_probes {
                        inner.half_open_in_flight += 1;
                        Ok(inner.generation)
                    } else {
                        inner.totals.rejected += 1;
                        Err(Rejected {
                            retry_in: self.config.half_open_retry(),
                        })
                    }
                }
            }
        };
        if let Some(t) = transition {
            self.notify(t);
        }
        decision.map(|generation| Permit {
            breaker: self,
            generation,
            started: now,
            recorded: false,
        })
    }

    /// Runs `f` if the breaker allows it, records the outcome (elapsed time
    /// measured with the breaker's clock) and returns it. Cancelling the
    /// returned future mid-call counts as a failure.
    pub async fn call<T, E, F, Fut>(&self, f: F) -> Result<T, BreakerError<E>>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        self.call_with(f, |_| true).await
    }

    /// Like [`call`](Self::call), but an error for which `counts_as_failure`
    /// returns `false` (e.g. a 400 caused by our own input, or a rate-limit
    /// answer handled elsewhere) is recorded as a success — still subject to
    /// the slow-call rule — and returned as `BreakerError::Inner`.
    pub async fn call_with<T, E, F, Fut, C>(
        &self,
        f: F,
        counts_as_failure: C,
    ) -> Result<T, BreakerError<E>>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, E>>,
        C: FnOnce(&E) -> bool,
    {
        let permit = self.try_acquire()?;
        let result = f().await;
        let elapsed = permit.elapsed();
        match result {
            Ok(value) => {
                permit.success(elapsed);
                Ok(value)
            }
            Err(e) => {
                if counts_as_failure(&e) {
                    permit.failure(elapsed);
                } else {
                    permit.success(elapsed);
                }
                Err(BreakerError::Inner(e))
            }
        }
    }

    /// A consistent view of the breaker's state and counters.
    pub fn snapshot(&self) -> BreakerSnapshot {
        let now = self.clock.now();
        let inner = self.lock();
        BreakerSnapshot {
            name: self.name,
            state: inner.state,
            failure_rate: inner.failure_rate(),
            window_calls: inner.window.len(),
            consecutive_failures: inner.consecutive_failures,
            calls: inner.totals,
            retry_in_ms: inner.open_until.map(|until| {
                u64::try_from(until.saturating_duration_since(now).as_millis()).unwrap_or(u64::MAX)
            }),
            half_open_in_flight: inner.half_open_in_flight,
            trips: inner.trips,
        }
    }

    /// Registers a callback run once for every transition, after the
    /// breaker's lock is released, on the thread that caused the transition.
    /// Keep it short and non-blocking (log, send an alert event). A panic in a
    /// callback is caught and logged.
    pub fn on_transition(&self, f: impl Fn(&Transition) + Send + Sync + 'static) {
        self.listeners
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(Arc::new(f));
    }

    /// Gives a permit back without a verdict (the call never reached the dependency): nothing is
    /// counted, and a half-open probe slot is freed for another call.
    fn release(&self, generation: u64) {
        let mut inner = self.lock();
        if generation == inner.generation && inner.state == BreakerState::HalfOpen {
            inner.half_open_in_flight = inner.half_open_in_flight.saturating_sub(1);
        }
    }

    fn record(&self, generation: u64, outcome: Outcome, elapsed: Duration) {
        let now = self.clock.now();
        let slow = elapsed >= self.config.slow_call_threshold;
        let bad = outcome != Outcome::Success || slow;
        let transition = {
            let mut inner = self.lock();
            match (outcome, slow) {
                (Outcome::Success, false) => inner.totals.success += 1,
                (Outcome::Success, true) => inner.totals.slow += 1,
                (Outcome::Failure | Outcome::Dropped, _) => inner.totals.failure += 1,
            }
            if generation != inner.generation {
                // Started in an earlier episode: counted, but no say now.
                return;
            }
            let verdict = match inner.state {
                BreakerState::Closed => inner
                    .after_closed_call(&self.config, bad)
                    .map(|reason| (BreakerState::Open, reason)),
                BreakerState::HalfOpen => inner.after_probe(&self.config, bad, || match outcome {
                    Outcome::Dropped => "probe dropped without a result".to_owned(),
                    Outcome::Failure => "probe failed".to_owned(),
                    Outcome::Success => format!("probe was slow ({elapsed:?})"),
                }),
                // No permit is ever issued in Open.
                BreakerState::Open => None,
            };
            verdict.map(|(to, reason)| inner.transition(self.name, &self.config, to, reason, now))
        };
        if let Some(t) = transition {
            self.notify(t);
        }
    }

    /// Logs a transition and runs the callbacks. Never called with a lock held.
    fn notify(&self, t: Transition) {
        match t.to {
            BreakerState::Open => tracing::warn!(
                breaker = t.breaker,
                from = %t.from,
                reason = %t.reason,
                "circuit breaker opened"
            ),
            BreakerState::HalfOpen => tracing::info!(
                breaker = t.breaker,
                reason = %t.reason,
                "circuit breaker half-open"
            ),
            BreakerState::Closed => tracing::info!(
                breaker = t.breaker,
                reason = %t.reason,
                "circuit breaker closed"
            ),
        }
        let listeners: Vec<Listener> = self
            .listeners
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        for listener in listeners {
            if catch_unwind(AssertUnwindSafe(|| listener(&t))).is_err() {
                tracing::error!(
                    breaker = t.breaker,
                    "circuit breaker transition callback panicked"
                );
            }
        }
    }
}

/// Leave to make one call. Record the result with [`success`](Self::success)
/// or [`failure`](Self::failure); dropping it unrecorded (the call was
/// cancelled or panicked) records a failure.
#[must_use = "record the call's result on the permit; dropping it counts as a failure"]
pub struct Permit<'a> {
    breaker: &'a CircuitBreaker,
    generation: u64,
    started: Instant,
    recorded: bool,
}

impl fmt::Debug for Permit<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Permit")
            .field("breaker", &self.breaker.name)
            .field("generation", &self.generation)
            .finish_non_exhaustive()
    }
}

impl Permit<'_> {
    /// Gives the permit back without a verdict: the call never reached the dependency (e.g. it
    /// waited out a saturated connection pool). Neither a success nor a failure.
    pub fn release(mut self) {
        self.recorded = true;
        self.breaker.release(self.generation);
    }

    /// Records a success that took `elapsed` (slow if ≥ `slow_call_threshold`).
    pub fn success(mut self, elapsed: Duration) {
        self.recorded = true;
        self.breaker
            .record(self.generation, Outcome::Success, elapsed);
    }

    /// Records a failure that took `elapsed`.
    pub fn failure(mut self, elapsed: Duration) {
        self.recorded = true;
        self.breaker
            .record(self.generation, Outcome::Failure, elapsed);
    }

    /// Time since the permit was issued, by the breaker's clock.
    pub fn elapsed(&self) -> Duration {
        self.breaker
            .clock
            .now()
            .saturating_duration_since(self.started)
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        if !self.recorded {
            self.recorded = true;
            let elapsed = self.elapsed();
            self.breaker
                .record(self.generation, Outcome::Dropped, elapsed);
        }
    }
}

#[cfg(test)]
mod tests;
