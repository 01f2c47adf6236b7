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

use super::clock::{duration_ms, Clock};

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

    /// Clamps structural values so the state machine always works.
    fn sanitized(mut self) -> Self {
        self.window_size = self.window_size.max(1);
        self.minimum_calls = self.minimum_calls.clamp(1, self.window_size);
        self.half_open_probes = self.half_open_probes.max(1);
        self
    }

    /// Open wait after `trips` trips since the last recovery (`trips` ≥ 1).
    fn open_wait(&self, trips: u32) -> Duration {
        let exponent = trips.saturating_sub(1);
        2u32.checked_pow(exponent)
            .and_then(|factor| self.open_base.checked_mul(factor))
            .map_or(self.open_max, |wait| wait.min(self.open_max))
    }

    /// `retry_in` reported when HalfOpen already has all its probes out.
    fn half_open_retry(&self) -> Duration {
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
            match inner.state {
                BreakerState::Closed => {
                    inner.push_window(bad, self.config.window_size);
                    if bad {
                        inner.consecutive_failures = inner.consecutive_failures.saturating_add(1);
                    } else {
                        inner.consecutive_failures = 0;
                    }
                    let limit = self.config.consecutive_failures;
                    let rate = inner.failure_rate();
                    if bad && limit > 0 && inner.consecutive_failures >= limit {
                        let reason = format!("{} consecutive failures", inner.consecutive_failures);
                        Some(inner.transition(
                            self.name,
                            &self.config,
                            BreakerState::Open,
                            reason,
                            now,
                        ))
                    } else if bad
                        && inner.window.len() >= self.config.minimum_calls
                        && rate >= self.config.failure_rate_threshold
                    {
                        let reason = format!(
                            "failure rate {:.1}% over the last {} calls reached {:.1}%",
                            rate * 100.0,
                            inner.window.len(),
                            self.config.failure_rate_threshold * 100.0
                        );
                        Some(inner.transition(
                            self.name,
                            &self.config,
                            BreakerState::Open,
                            reason,
                            now,
                        ))
                    } else {
                        None
                    }
                }
                BreakerState::HalfOpen => {
                    inner.half_open_in_flight = inner.half_open_in_flight.saturating_sub(1);
                    if bad {
                        let reason = match outcome {
                            Outcome::Dropped => "probe dropped without a result".to_owned(),
                            Outcome::Failure => "probe failed".to_owned(),
                            Outcome::Success => format!("probe was slow ({elapsed:?})"),
                        };
                        Some(inner.transition(
                            self.name,
                            &self.config,
                            BreakerState::Open,
                            reason,
                            now,
                        ))
                    } else {
                        inner.half_open_successes += 1;
                        if inner.half_open_successes >= self.config.half_open_probes {
                            let reason =
                                format!("{} probe(s) succeeded", inner.half_open_successes);
                            Some(inner.transition(
                                self.name,
                                &self.config,
                                BreakerState::Closed,
                                reason,
                                now,
                            ))
                        } else {
                            None
                        }
                    }
                }
                // No permit is ever issued in Open.
                BreakerState::Open => None,
            }
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
mod tests {
    use super::super::clock::{ManualClock, SystemClock};
    use super::*;
    use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};

    const FAST: Duration = Duration::from_millis(10);
    const SECOND: Duration = Duration::from_secs(1);

    /// window 10, min 5, 50 %, 5 in a row, slow ≥ 1 s, open 10 s..60 s, 2 probes.
    fn config() -> BreakerConfig {
        BreakerConfig {
            window_size: 10,
            minimum_calls: 5,
            failure_rate_threshold: 0.5,
            consecutive_failures: 5,
            slow_call_threshold: SECOND,
            open_base: Duration::from_secs(10),
            open_max: Duration::from_secs(60),
            half_open_probes: 2,
        }
    }

    fn rate_only_config() -> BreakerConfig {
        BreakerConfig {
            consecutive_failures: 0,
            ..config()
        }
    }

    fn breaker_with(config: BreakerConfig) -> (CircuitBreaker, ManualClock) {
        let clock = ManualClock::new();
        (CircuitBreaker::new("test", config, clock.shared()), clock)
    }

    fn succeed(b: &CircuitBreaker, n: usize) {
        for _ in 0..n {
            b.try_acquire().unwrap().success(FAST);
        }
    }

    fn fail(b: &CircuitBreaker, n: usize) {
        for _ in 0..n {
            b.try_acquire().unwrap().failure(FAST);
        }
    }

    fn retry_in(b: &CircuitBreaker) -> Duration {
        b.try_acquire().unwrap_err().retry_in
    }

    #[test]
    fn calls_released_without_a_verdict_never_open_the_breaker() {
        let (b, _clock) = breaker_with(config());
        for _ in 0..20 {
            b.try_acquire().expect("a closed breaker admits").release();
        }
        assert_eq!(b.state(), BreakerState::Closed);
        let calls = b.snapshot().calls;
        assert_eq!((calls.success, calls.failure), (0, 0));
    }

    fn record_transitions(b: &CircuitBreaker) -> Arc<Mutex<Vec<Transition>>> {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&seen);
        b.on_transition(move |t| sink.lock().unwrap().push(t.clone()));
        seen
    }

    fn states(seen: &Mutex<Vec<Transition>>) -> Vec<(BreakerState, BreakerState)> {
        seen.lock()
            .unwrap()
            .iter()
            .map(|t| (t.from, t.to))
            .collect()
    }

    use BreakerState::{Closed, HalfOpen, Open};

    // ---- Closed → Open ----

    #[test]
    fn breaker_opens_after_five_consecutive_failures() {
        let (b, _clock) = breaker_with(BreakerConfig {
            window_size: 100,
            minimum_calls: 100,
            ..config()
        });
        fail(&b, 4);
        assert_eq!(b.state(), Closed);
        fail(&b, 1);
        assert_eq!(b.state(), Open);
        assert_eq!(b.snapshot().trips, 1);
    }

    #[test]
    fn a_success_resets_the_consecutive_failure_count() {
        let (b, _clock) = breaker_with(BreakerConfig {
            window_size: 100,
            minimum_calls: 100,
            ..config()
        });
        fail(&b, 4);
        succeed(&b, 1);
        fail(&b, 4);
        assert_eq!(b.state(), Closed);
        assert_eq!(b.snapshot().consecutive_failures, 4);
        fail(&b, 1);
        assert_eq!(b.state(), Open);
    }

    #[test]
    fn breaker_opens_when_the_failure_rate_reaches_the_threshold() {
        let (b, _clock) = breaker_with(rate_only_config());
        succeed(&b, 1);
        fail(&b, 1);
        succeed(&b, 1);
        fail(&b, 1);
        // 2 of 4 fail (50 %), but only 4 < 5 minimum calls.
        assert_eq!(b.state(), Closed);
        fail(&b, 1);
        // 3 of 5 = 60 % ≥ 50 %.
        assert_eq!(b.state(), Open);
        assert!((b.snapshot().failure_rate - 0.6).abs() < 1e-12);
    }

    #[test]
    fn breaker_does_not_open_by_rate_before_minimum_calls() {
        let (b, _clock) = breaker_with(rate_only_config());
        fail(&b, 4);
        assert_eq!(b.snapshot().failure_rate, 1.0);
        assert_eq!(b.state(), Closed);
        fail(&b, 1);
        assert_eq!(b.state(), Open);
    }

    #[test]
    fn breaker_stays_closed_while_the_failure_rate_is_below_the_threshold() {
        let (b, _clock) = breaker_with(rate_only_config());
        for _ in 0..20 {
            succeed(&b, 2);
            fail(&b, 1);
        }
        assert_eq!(b.state(), Closed);
        assert!(b.snapshot().failure_rate < 0.5);
    }

    #[test]
    fn failure_rate_only_counts_the_last_window_size_calls() {
        let (b, _clock) = breaker_with(rate_only_config());
        fail(&b, 4);
        succeed(&b, 10);
        // The four failures slid out of the 10-call window.
        let snap = b.snapshot();
        assert_eq!(snap.window_calls, 10);
        assert_eq!(snap.failure_rate, 0.0);
        fail(&b, 4);
        assert_eq!(b.state(), Closed); // 4 / 10
        fail(&b, 1);
        // 5 / 10 over the window (a cumulative count would be 9 / 19 < 50 %).
        assert_eq!(b.state(), Open);
    }

    #[test]
    fn slow_successes_count_as_failures() {
        // Window large enough that only the consecutive rule can trip.
        let (b, _clock) = breaker_with(BreakerConfig {
            window_size: 100,
            minimum_calls: 100,
            ..config()
        });
        for _ in 0..4 {
            b.try_acquire().unwrap().success(SECOND);
        }
        b.try_acquire()
            .unwrap()
            .success(SECOND - Duration::from_millis(1));
        assert_eq!(b.snapshot().consecutive_failures, 0, "999 ms is not slow");
        for _ in 0..5 {
            b.try_acquire().unwrap().success(Duration::from_secs(3));
        }
        assert_eq!(b.state(), Open);
        let calls = b.snapshot().calls;
        assert_eq!(calls.slow, 9);
        assert_eq!(calls.success, 1);
        assert_eq!(calls.failure, 0);
    }

    #[test]
    fn dropped_permit_counts_as_failure() {
        let (b, _clock) = breaker_with(config());
        for _ in 0..5 {
            let permit = b.try_acquire().unwrap();
            drop(permit);
        }
        assert_eq!(b.state(), Open);
        assert_eq!(b.snapshot().calls.failure, 5);
    }

    // ---- Open ----

    #[test]
    fn open_breaker_rejects_with_the_remaining_wait_as_retry_in() {
        let (b, clock) = breaker_with(config());
        fail(&b, 5);
        assert_eq!(retry_in(&b), Duration::from_secs(10));
        clock.advance(Duration::from_secs(3));
        assert_eq!(retry_in(&b), Duration::from_secs(7));
        clock.advance(Duration::from_millis(6_999));
        assert_eq!(retry_in(&b), Duration::from_millis(1));
        let snap = b.snapshot();
        assert_eq!(snap.state, Open);
        assert_eq!(snap.calls.rejected, 3);
        assert_eq!(snap.retry_in_ms, Some(1));
    }

    #[test]
    fn open_breaker_moves_to_half_open_on_the_first_acquire_after_the_wait() {
        let (b, clock) = breaker_with(config());
        fail(&b, 5);
        clock.advance(Duration::from_secs(10));
        // The wait is over, but nothing asked yet.
        assert_eq!(b.state(), Open);
        assert_eq!(b.snapshot().retry_in_ms, Some(0));
        let probe = b.try_acquire().unwrap();
        assert_eq!(b.state(), HalfOpen);
        assert_eq!(b.snapshot().retry_in_ms, None);
        probe.success(FAST);
    }

    // ---- HalfOpen ----

    #[test]
    fn half_open_lets_at_most_half_open_probes_calls_through_at_once() {
        let (b, clock) = breaker_with(config());
        fail(&b, 5);
        clock.advance(Duration::from_secs(10));
        let p1 = b.try_acquire().unwrap();
        let p2 = b.try_acquire().unwrap();
        let rejected = b.try_acquire().unwrap_err();
        assert_eq!(
            rejected.retry_in, SECOND,
            "min(slow_call_threshold, open_base)"
        );
        assert_eq!(b.snapshot().half_open_in_flight, 2);
        p1.success(FAST);
        // One probe came back: room for one more, no more.
        let p3 = b.try_acquire().unwrap();
        assert!(b.try_acquire().is_err());
        assert_eq!(b.state(), HalfOpen);
        p2.success(FAST);
        assert_eq!(b.state(), Closed);
        // p3 belongs to the finished half-open episode: no effect on Closed.
        p3.failure(FAST);
        assert_eq!(b.state(), Closed);
        assert_eq!(b.snapshot().consecutive_failures, 0);
    }

    #[test]
    fn half_open_closes_after_enough_probe_successes_and_clears_the_window() {
        let (b, clock) = breaker_with(config());
        succeed(&b, 5);
        fail(&b, 5);
        assert_eq!(b.state(), Open);
        assert_eq!(b.snapshot().window_calls, 10);
        clock.advance(Duration::from_secs(10));
        b.try_acquire().unwrap().success(FAST);
        assert_eq!(b.state(), HalfOpen);
        b.try_acquire().unwrap().success(FAST);
        assert_eq!(b.state(), Closed);
        let snap = b.snapshot();
        assert_eq!(snap.window_calls, 0);
        assert_eq!(snap.failure_rate, 0.0);
        assert_eq!(snap.consecutive_failures, 0);
        // A fresh run of failures is needed to trip again.
        fail(&b, 4);
        assert_eq!(b.state(), Closed);
    }

    #[test]
    fn half_open_probe_failure_reopens_with_a_doubled_wait_capped_at_open_max() {
        let (b, clock) = breaker_with(config());
        fail(&b, 5);
        let mut waits = vec![retry_in(&b)];
        for _ in 0..4 {
            clock.advance(waits[waits.len() - 1]);
            b.try_acquire().unwrap().failure(FAST);
            assert_eq!(b.state(), Open);
            waits.push(retry_in(&b));
        }
        let secs: Vec<u64> = waits.iter().map(Duration::as_secs).collect();
        assert_eq!(secs, vec![10, 20, 40, 60, 60]);
        assert_eq!(b.snapshot().trips, 5);
    }

    #[test]
    fn a_slow_probe_reopens_the_breaker() {
        let (b, clock) = breaker_with(config());
        fail(&b, 5);
        clock.advance(Duration::from_secs(10));
        b.try_acquire().unwrap().success(Duration::from_secs(5));
        assert_eq!(b.state(), Open);
        assert_eq!(retry_in(&b), Duration::from_secs(20));
    }

    #[test]
    fn a_dropped_probe_reopens_the_breaker() {
        let (b, clock) = breaker_with(config());
        fail(&b, 5);
        clock.advance(Duration::from_secs(10));
        drop(b.try_acquire().unwrap());
        assert_eq!(b.state(), Open);
        assert_eq!(retry_in(&b), Duration::from_secs(20));
    }

    #[test]
    fn open_wait_resets_to_open_base_after_a_successful_recovery() {
        let (b, clock) = breaker_with(config());
        fail(&b, 5);
        clock.advance(Duration::from_secs(10));
        b.try_acquire().unwrap().failure(FAST);
        assert_eq!(retry_in(&b), Duration::from_secs(20));
        clock.advance(Duration::from_secs(20));
        succeed(&b, 2);
        assert_eq!(b.state(), Closed);
        fail(&b, 5);
        assert_eq!(retry_in(&b), Duration::from_secs(10));
    }

    #[test]
    fn open_wait_saturates_at_open_max_for_huge_trip_counts() {
        let c = config();
        assert_eq!(c.open_wait(1), Duration::from_secs(10));
        assert_eq!(c.open_wait(3), Duration::from_secs(40));
        assert_eq!(c.open_wait(33), Duration::from_secs(60));
        assert_eq!(c.open_wait(u32::MAX), Duration::from_secs(60));
    }

    #[test]
    fn a_permit_from_before_a_transition_does_not_move_the_new_state() {
        let (b, clock) = breaker_with(config());
        let old = b.try_acquire().unwrap();
        fail(&b, 5);
        assert_eq!(b.state(), Open);
        clock.advance(Duration::from_secs(10));
        let probe = b.try_acquire().unwrap();
        // The old Closed-episode permit succeeds: counted, but no probe credit.
        old.success(FAST);
        probe.success(FAST);
        assert_eq!(b.state(), HalfOpen, "needs two probe successes");
        assert_eq!(b.snapshot().calls.success, 2);
        b.try_acquire().unwrap().success(FAST);
        assert_eq!(b.state(), Closed);
    }

    // ---- Snapshot ----

    #[test]
    fn snapshot_counts_and_failure_rate_are_exact() {
        let (b, _clock) = breaker_with(BreakerConfig {
            failure_rate_threshold: 0.7,
            ..config()
        });
        succeed(&b, 3);
        fail(&b, 1);
        b.try_acquire().unwrap().success(Duration::from_secs(2));
        let snap = b.snapshot();
        assert_eq!(
            snap.calls,
            CallCounts {
                success: 3,
                failure: 1,
                slow: 1,
                rejected: 0
            }
        );
        assert_eq!(snap.failure_rate, 0.4);
        assert_eq!(snap.window_calls, 5);
        assert_eq!(snap.consecutive_failures, 2);
        assert_eq!(snap.state, Closed);
        assert_eq!(snap.retry_in_ms, None);
        assert_eq!(snap.trips, 0);
        assert_eq!(snap.name, "test");

        fail(&b, 3); // consecutive 5 → open; window 8 calls, 5 bad
        assert!(b.try_acquire().is_err());
        assert!(b.try_acquire().is_err());
        let snap = b.snapshot();
        assert_eq!(snap.state, Open);
        assert_eq!(snap.failure_rate, 5.0 / 8.0);
        assert_eq!(snap.calls.failure, 4);
        assert_eq!(snap.calls.rejected, 2);
        assert_eq!(snap.retry_in_ms, Some(10_000));
        assert_eq!(snap.trips, 1);
    }

    #[test]
    fn snapshot_serializes_with_snake_case_state() {
        let (b, clock) = breaker_with(config());
        fail(&b, 5);
        clock.advance(Duration::from_secs(10));
        let _probe = b.try_acquire().unwrap();
        let json = serde_json::to_value(b.snapshot()).unwrap();
        assert_eq!(json["name"], "test");
        assert_eq!(json["state"], "half_open");
        assert_eq!(json["calls"]["failure"], 5);
        assert_eq!(json["calls"]["rejected"], 0);
        assert_eq!(json["trips"], 1);
        assert_eq!(json["retry_in_ms"], serde_json::Value::Null);
        assert_eq!(serde_json::to_string(&Closed).unwrap(), "\"closed\"");
        assert_eq!(serde_json::to_string(&Open).unwrap(), "\"open\"");
        assert_eq!(
            serde_json::from_str::<BreakerState>("\"half_open\"").unwrap(),
            HalfOpen
        );
        assert_eq!(HalfOpen.to_string(), "half_open");
    }

    // ---- Callbacks ----

    #[test]
    fn transition_callback_sees_each_transition_exactly_once() {
        let (b, clock) = breaker_with(config());
        let seen = record_transitions(&b);
        fail(&b, 5); // Closed → Open
        assert!(b.try_acquire().is_err()); // no transition
        clock.advance(Duration::from_secs(10));
        b.try_acquire().unwrap().failure(FAST); // → HalfOpen → Open
        clock.advance(Duration::from_secs(20));
        succeed(&b, 2); // → HalfOpen → Closed
        succeed(&b, 3); // no transition
        assert_eq!(
            states(&seen),
            vec![
                (Closed, Open),
                (Open, HalfOpen),
                (HalfOpen, Open),
                (Open, HalfOpen),
                (HalfOpen, Closed)
            ]
        );
        let seen = seen.lock().unwrap();
        assert!(seen.iter().all(|t| t.breaker == "test"));
        assert!(
            seen[0].reason.contains("5 consecutive failures"),
            "{}",
            seen[0].reason
        );
        assert!(seen[0].reason.contains("10s"), "{}", seen[0].reason);
        assert!(
            seen[2].reason.contains("probe failed"),
            "{}",
            seen[2].reason
        );
        assert!(
            seen[4].reason.contains("2 probe(s) succeeded"),
            "{}",
            seen[4].reason
        );
    }

    #[test]
    fn rate_trip_reason_names_the_failure_rate() {
        let (b, _clock) = breaker_with(rate_only_config());
        let seen = record_transitions(&b);
        succeed(&b, 2);
        fail(&b, 3);
        let seen = seen.lock().unwrap();
        assert_eq!(seen.len(), 1);
        assert!(
            seen[0].reason.starts_with("failure rate 60.0%"),
            "{}",
            seen[0].reason
        );
    }

    #[test]
    fn every_registered_callback_runs() {
        let (b, _clock) = breaker_with(config());
        let count = Arc::new(AtomicUsize::new(0));
        for _ in 0..3 {
            let count = Arc::clone(&count);
            b.on_transition(move |_| {
                count.fetch_add(1, Ordering::SeqCst);
            });
        }
        fail(&b, 5);
        assert_eq!(count.load(Ordering::SeqCst), 3);
    }

    #[test]
    fn callbacks_run_without_the_breaker_locks_held() {
        let (b, clock) = breaker_with(config());
        let b = Arc::new(b);
        let weak = Arc::downgrade(&b);
        let calls = Arc::new(AtomicUsize::new(0));
        let all_free = Arc::new(AtomicBool::new(true));
        {
            let (calls, all_free) = (Arc::clone(&calls), Arc::clone(&all_free));
            b.on_transition(move |_| {
                calls.fetch_add(1, Ordering::SeqCst);
                if let Some(b) = weak.upgrade() {
                    let free = b.inner.try_lock().is_ok() && b.listeners.try_lock().is_ok();
                    if free {
                        // Re-entrant use from a callback works (it would
                        // deadlock if a lock were held).
                        let _ = b.snapshot();
                        b.on_transition(|_| {});
                    } else {
                        all_free.store(false, Ordering::SeqCst);
                    }
                }
            });
        }
        fail(&b, 5);
        clock.advance(Duration::from_secs(10));
        succeed(&b, 2);
        assert_eq!(calls.load(Ordering::SeqCst), 3);
        assert!(all_free.load(Ordering::SeqCst));
    }

    #[test]
    fn a_panicking_callback_does_not_break_the_breaker() {
        let (b, clock) = breaker_with(config());
        b.on_transition(|_| panic!("callback bug"));
        let seen = record_transitions(&b);
        fail(&b, 5);
        clock.advance(Duration::from_secs(10));
        succeed(&b, 2);
        assert_eq!(b.state(), Closed);
        assert_eq!(seen.lock().unwrap().len(), 3);
    }

    // ---- Invariants ----

    #[derive(Clone, Copy, Debug)]
    enum Op {
        Acquire,
        SucceedOldest,
        FailOldest,
        DropNewest,
        Advance,
    }

    const OPS: [Op; 5] = [
        Op::Acquire,
        Op::SucceedOldest,
        Op::FailOldest,
        Op::DropNewest,
        Op::Advance,
    ];

    /// Every sequence of 7 operations from a tripped breaker (5^7 = 78 125
    /// runs): in HalfOpen, the permits outstanding from the current episode
    /// never exceed `half_open_probes`, and the internal count agrees.
    #[test]
    fn half_open_never_has_more_than_half_open_probes_permits_outstanding() {
        const DEPTH: u32 = 7;
        let probes = 2u32;
        let cfg = BreakerConfig {
            open_base: SECOND,
            open_max: Duration::from_secs(4),
            slow_call_threshold: Duration::from_secs(3600),
            half_open_probes: probes,
            ..config()
        };
        let mut half_open_seen = 0u64;
        let mut max_outstanding = 0u32;
        for code in 0..5u32.pow(DEPTH) {
            let (b, clock) = breaker_with(cfg.clone());
            fail(&b, 5);
            let mut held: Vec<Permit<'_>> = Vec::new();
            let mut c = code;
            for _ in 0..DEPTH {
                match OPS[(c % 5) as usize] {
                    Op::Acquire => {
                        if let Ok(p) = b.try_acquire() {
                            held.push(p);
                        }
                    }
                    Op::SucceedOldest if !held.is_empty() => held.remove(0).success(FAST),
                    Op::FailOldest if !held.is_empty() => held.remove(0).failure(FAST),
                    Op::DropNewest => drop(held.pop()),
                    Op::Advance => clock.advance(Duration::from_secs(4)),
                    _ => {}
                }
                c /= 5;
                let inner = b.lock();
                if inner.state == HalfOpen {
                    half_open_seen += 1;
                    let outstanding = held
                        .iter()
                        .filter(|p| p.generation == inner.generation)
                        .count() as u32;
                    max_outstanding = max_outstanding.max(outstanding);
                    assert!(outstanding <= probes, "sequence {code}: {outstanding} out");
                    assert_eq!(inner.half_open_in_flight, outstanding, "sequence {code}");
                }
                assert_eq!(inner.state == Open, inner.open_until.is_some());
            }
        }
        assert!(half_open_seen > 0);
        assert_eq!(
            max_outstanding, probes,
            "the limit is reached, not just respected"
        );
    }

    #[test]
    fn concurrent_use_from_threads_keeps_every_call_counted() {
        let b = CircuitBreaker::new(
            "threads",
            BreakerConfig {
                open_base: Duration::from_micros(50),
                open_max: Duration::from_micros(200),
                ..config()
            },
            SystemClock::shared(),
        );
        let transitions = Arc::new(AtomicU64::new(0));
        {
            let transitions = Arc::clone(&transitions);
            b.on_transition(move |_| {
                transitions.fetch_add(1, Ordering::SeqCst);
            });
        }
        const THREADS: u64 = 4;
        const ATTEMPTS: u64 = 2_000;
        std::thread::scope(|s| {
            for t in 0..THREADS {
                let b = &b;
                s.spawn(move || {
                    for i in 0..ATTEMPTS {
                        if let Ok(p) = b.try_acquire() {
                            if (i + t) % 3 == 0 {
                                p.failure(FAST);
                            } else {
                                p.success(FAST);
                            }
                        }
                        assert!(b.snapshot().half_open_in_flight <= 2);
                    }
                });
            }
        });
        let snap = b.snapshot();
        let c = snap.calls;
        assert_eq!(
            c.success + c.failure + c.slow + c.rejected,
            THREADS * ATTEMPTS
        );
        assert!(snap.half_open_in_flight <= 2);
        // Every trip is one callback, plus the transitions out of Open.
        assert!(transitions.load(Ordering::SeqCst) >= snap.trips);
    }

    #[test]
    fn breaker_and_permit_are_send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        fn assert_send<T: Send>() {}
        assert_send_sync::<CircuitBreaker>();
        assert_send_sync::<Arc<CircuitBreaker>>();
        assert_send::<Permit<'static>>();
        assert_send_sync::<BreakerError<std::io::Error>>();
        fn assert_error<T: std::error::Error + Send + Sync + 'static>() {}
        assert_error::<BreakerError<std::io::Error>>();
        assert_error::<Rejected>();
        assert_error::<InvalidBreakerConfig>();
    }

    // ---- call() ----

    #[tokio::test]
    async fn call_returns_the_value_or_the_inner_error_and_records_it() {
        let (b, _clock) = breaker_with(config());
        let ok: Result<u32, BreakerError<&str>> = b.call(|| async { Ok(5) }).await;
        assert_eq!(ok.unwrap(), 5);
        let err = b
            .call(|| async { Err::<u32, _>("boom") })
            .await
            .unwrap_err();
        assert!(!err.is_open());
        assert_eq!(err.into_inner(), Some("boom"));
        let calls = b.snapshot().calls;
        assert_eq!((calls.success, calls.failure), (1, 1));
    }

    #[tokio::test]
    async fn call_on_an_open_breaker_fails_fast_without_running_the_function() {
        let (b, clock) = breaker_with(config());
        for _ in 0..5 {
            let _ = b.call(|| async { Err::<(), _>("down") }).await;
        }
        clock.advance(Duration::from_secs(4));
        let ran = AtomicBool::new(false);
        let err = b
            .call(|| async {
                ran.store(true, Ordering::SeqCst);
                Ok::<(), &str>(())
            })
            .await
            .unwrap_err();
        assert!(!ran.load(Ordering::SeqCst));
        assert!(
            matches!(err, BreakerError::Open { retry_in } if retry_in == Duration::from_secs(6))
        );
        assert_eq!(err.to_string(), "circuit breaker open; retry in 6s");
    }

    #[tokio::test]
    async fn call_measures_elapsed_time_with_the_breaker_clock() {
        let (b, clock) = breaker_with(config());
        let out = b
            .call(|| async {
                clock.advance(Duration::from_millis(1500));
                Ok::<_, ()>("late")
            })
            .await;
        assert_eq!(out.unwrap(), "late");
        let calls = b.snapshot().calls;
        assert_eq!((calls.success, calls.slow), (0, 1));
        assert_eq!(b.snapshot().consecutive_failures, 1);
    }

    /// Polls `b.call(pending)` once (the permit is taken) and drops it.
    fn start_and_cancel_a_call(b: &CircuitBreaker) {
        use std::future::Future as _;
        use std::task::{Context, Waker};
        let mut cx = Context::from_waker(Waker::noop());
        let mut fut = std::pin::pin!(b.call(std::future::pending::<Result<(), ()>>));
        assert!(fut.as_mut().poll(&mut cx).is_pending());
    }

    #[test]
    fn a_cancelled_call_counts_as_a_failure() {
        let (b, clock) = breaker_with(config());
        start_and_cancel_a_call(&b);
        assert_eq!(b.snapshot().calls.failure, 1);

        // A cancelled probe reopens the breaker.
        fail(&b, 4);
        assert_eq!(b.state(), Open);
        clock.advance(Duration::from_secs(10));
        start_and_cancel_a_call(&b);
        assert_eq!(b.state(), Open);
        assert_eq!(retry_in(&b), Duration::from_secs(20));
    }

    #[tokio::test]
    async fn a_call_that_loses_a_tokio_select_counts_as_a_failure() {
        let (b, _clock) = breaker_with(config());
        let mut call_won = false;
        tokio::select! {
            biased;
            _ = b.call(std::future::pending::<Result<(), ()>>) => call_won = true,
            _ = std::future::ready(()) => {}
        }
        assert!(!call_won);
        assert_eq!(b.snapshot().calls.failure, 1);
    }

    #[tokio::test]
    async fn call_with_records_errors_the_classifier_excuses_as_successes() {
        let (b, _clock) = breaker_with(config());
        for _ in 0..10 {
            let err = b
                .call_with(|| async { Err::<(), _>(400u16) }, |status| *status >= 500)
                .await
                .unwrap_err();
            assert_eq!(err.into_inner(), Some(400));
        }
        assert_eq!(b.state(), Closed);
        assert_eq!(b.snapshot().calls.success, 10);
        for _ in 0..5 {
            let _ = b
                .call_with(|| async { Err::<(), _>(503u16) }, |status| *status >= 500)
                .await;
        }
        assert_eq!(b.state(), Open);
    }

    #[test]
    fn call_future_is_send_when_the_function_is() {
        fn assert_send<T: Send>(_: &T) {}
        let (b, _clock) = breaker_with(config());
        let fut = b.call(|| async { Ok::<u8, std::io::Error>(1) });
        assert_send(&fut);
    }

    // ---- Config ----

    #[test]
    fn presets_are_valid_and_use_the_documented_slow_call_thresholds() {
        let ai = BreakerConfig::for_ai();
        let telegram = BreakerConfig::for_telegram();
        let store = BreakerConfig::for_store();
        for c in [&ai, &telegram, &store] {
            assert_eq!(c.validate(), Ok(()));
        }
        assert_eq!(ai.slow_call_threshold, Duration::from_secs(30));
        assert_eq!(telegram.slow_call_threshold, Duration::from_secs(10));
        assert_eq!(store.slow_call_threshold, Duration::from_secs(2));
    }

    #[test]
    fn validate_rejects_unworkable_configs() {
        let bad = [
            BreakerConfig {
                window_size: 0,
                ..config()
            },
            BreakerConfig {
                minimum_calls: 11,
                ..config()
            },
            BreakerConfig {
                minimum_calls: 0,
                ..config()
            },
            BreakerConfig {
                failure_rate_threshold: 0.0,
                ..config()
            },
            BreakerConfig {
                failure_rate_threshold: f64::NAN,
                ..config()
            },
            BreakerConfig {
                failure_rate_threshold: 1.5,
                ..config()
            },
            BreakerConfig {
                slow_call_threshold: Duration::ZERO,
                ..config()
            },
            BreakerConfig {
                open_base: Duration::from_secs(61),
                ..config()
            },
            BreakerConfig {
                half_open_probes: 0,
                ..config()
            },
        ];
        for c in bad {
            assert!(c.validate().is_err(), "{c:?}");
        }
        assert_eq!(config().validate(), Ok(()));
    }

    #[test]
    fn an_invalid_config_is_clamped_into_a_working_breaker() {
        let (b, clock) = breaker_with(BreakerConfig {
            window_size: 0,
            minimum_calls: 50,
            half_open_probes: 0,
            consecutive_failures: 0,
            ..config()
        });
        assert_eq!(b.config().window_size, 1);
        assert_eq!(b.config().minimum_calls, 1);
        fail(&b, 1);
        assert_eq!(b.state(), Open);
        clock.advance(Duration::from_secs(10));
        let probe = b.try_acquire().unwrap();
        assert!(b.try_acquire().is_err(), "one probe at a time");
        probe.success(FAST);
        assert_eq!(b.state(), Closed);
    }

    #[test]
    fn config_round_trips_through_json_with_durations_in_milliseconds() {
        let ai = BreakerConfig::for_ai();
        let json = serde_json::to_value(&ai).unwrap();
        assert_eq!(json["slow_call_threshold"], 30_000);
        assert_eq!(json["open_base"], 15_000);
        assert_eq!(json["open_max"], 300_000);
        let back: BreakerConfig = serde_json::from_value(json).unwrap();
        assert_eq!(back, ai);
    }
}
