//! The circuit breaker's behaviour on a manual clock.
use super::*;
use crate::resilience::clock::ManualClock;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

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

mod invariants;
