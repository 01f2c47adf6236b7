//! Invariants of the breaker over many generated call sequences.
use super::*;
use crate::resilience::clock::SystemClock;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use BreakerState::{Closed, HalfOpen, Open};

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
    assert!(matches!(err, BreakerError::Open { retry_in } if retry_in == Duration::from_secs(6)));
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
