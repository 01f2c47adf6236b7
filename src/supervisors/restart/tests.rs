//! Tests of `restart`.
use super::*;
use crate::resilience::clock::ManualClock;

const MS: Duration = Duration::from_millis(1);

fn tracker(restart_type: RestartType) -> (RestartTracker, ManualClock) {
    let clock = ManualClock::new();
    let t = RestartTracker::new(RestartPolicy::default(), restart_type, clock.shared())
        .with_jitter(Jitter::None);
    (t, clock)
}

fn failed() -> Exit {
    Exit::Failed("boom".to_owned())
}

fn after(d: Decision) -> Duration {
    match d {
        Decision::Restart { after } => after,
        other => panic!("expected a restart, got {other:?}"),
    }
}

#[test]
fn three_restarts_in_five_seconds_are_allowed_and_the_fourth_escalates() {
    let (mut t, clock) = tracker(RestartType::Permanent);
    for _ in 0..3 {
        assert!(matches!(t.on_exit(&failed()), Decision::Restart { .. }));
        clock.advance(Duration::from_secs(1));
    }
    assert_eq!(
        t.on_exit(&failed()),
        Decision::Escalate {
            restarts_in_window: 4
        }
    );
    assert_eq!(t.total_restarts(), 3);
}

#[test]
fn restarts_spread_beyond_the_window_never_escalate() {
    let (mut t, clock) = tracker(RestartType::Permanent);
    for _ in 0..20 {
        assert!(matches!(t.on_exit(&failed()), Decision::Restart { .. }));
        clock.advance(Duration::from_millis(2_000));
    }
    // 2 s apart: at most 3 restarts ever fall within 5 s.
    assert_eq!(t.total_restarts(), 20);
}

#[test]
fn a_restart_exactly_within_old_leaves_the_window() {
    let (mut t, clock) = tracker(RestartType::Permanent);
    for _ in 0..3 {
        t.on_exit(&failed());
    }
    assert_eq!(t.restarts_in_window(), 3);
    clock.advance(Duration::from_secs(5) - MS);
    assert!(matches!(t.on_exit(&failed()), Decision::Escalate { .. }));
    clock.advance(MS);
    assert_eq!(t.restarts_in_window(), 0);
    assert!(matches!(t.on_exit(&failed()), Decision::Restart { .. }));
    assert_eq!(t.restarts_in_window(), 1);
}

#[test]
fn the_window_slides_rather_than_resetting() {
    let (mut t, clock) = tracker(RestartType::Permanent);
    t.on_exit(&failed()); // t = 0
    clock.advance(Duration::from_secs(3));
    t.on_exit(&failed()); // t = 3
    t.on_exit(&failed()); // t = 3
    clock.advance(Duration::from_secs(2));
    // t = 5: the restart at 0 left the window, the two at 3 did not.
    assert!(matches!(t.on_exit(&failed()), Decision::Restart { .. }));
    assert_eq!(
        t.on_exit(&failed()),
        Decision::Escalate {
            restarts_in_window: 4
        }
    );
}

#[test]
fn zero_max_restarts_escalates_on_the_first_abnormal_exit() {
    let clock = ManualClock::new();
    let policy = RestartPolicy {
        max_restarts: 0,
        ..RestartPolicy::default()
    };
    let mut t = RestartTracker::new(policy, RestartType::Permanent, clock.shared());
    assert_eq!(
        t.on_exit(&failed()),
        Decision::Escalate {
            restarts_in_window: 1
        }
    );
    assert_eq!(t.total_restarts(), 0);
}

#[test]
fn backoff_doubles_per_restart_in_the_window_and_is_capped() {
    let clock = ManualClock::new();
    let policy = RestartPolicy {
        max_restarts: 10,
        within: Duration::from_secs(60),
        backoff_base: Duration::from_millis(50),
        backoff_max: Duration::from_millis(1_000),
    };
    let mut t = RestartTracker::new(policy, RestartType::Permanent, clock.shared())
        .with_jitter(Jitter::None);
    let waits: Vec<u128> = (0..8)
        .map(|_| after(t.on_exit(&failed())).as_millis())
        .collect();
    assert_eq!(waits, vec![50, 100, 200, 400, 800, 1000, 1000, 1000]);
}

#[test]
fn backoff_starts_over_once_earlier_restarts_leave_the_window() {
    let (mut t, clock) = tracker(RestartType::Permanent);
    assert_eq!(after(t.on_exit(&failed())), 50 * MS);
    assert_eq!(after(t.on_exit(&failed())), 100 * MS);
    clock.advance(Duration::from_secs(5));
    assert_eq!(after(t.on_exit(&failed())), 50 * MS);
}

#[test]
fn backoff_saturates_for_huge_restart_counts() {
    let p = RestartPolicy::default();
    assert_eq!(p.backoff(1), 50 * MS);
    assert_eq!(p.backoff(0), 50 * MS);
    assert_eq!(p.backoff(40), Duration::from_secs(5));
    assert_eq!(p.backoff(u32::MAX), Duration::from_secs(5));
}

fn jitter_samples(jitter: Jitter, seed: u64) -> Vec<Vec<Duration>> {
    let clock = ManualClock::new();
    let policy = RestartPolicy {
        max_restarts: 7,
        within: Duration::from_secs(1),
        backoff_base: Duration::from_millis(50),
        backoff_max: Duration::from_millis(1_000),
    };
    let mut t = RestartTracker::new(policy, RestartType::Permanent, clock.shared())
        .with_jitter(jitter)
        .with_seed(seed);
    (0..200)
        .map(|_| {
            let round: Vec<Duration> = (0..7).map(|_| after(t.on_exit(&failed()))).collect();
            clock.advance(Duration::from_secs(1));
            round
        })
        .collect()
}

#[test]
fn full_jitter_stays_between_zero_and_the_capped_backoff() {
    let p = RestartPolicy {
        backoff_max: Duration::from_millis(1_000),
        ..RestartPolicy::default()
    };
    let rounds = jitter_samples(Jitter::Full, 7);
    for round in &rounds {
        for (i, d) in round.iter().enumerate() {
            assert!(*d <= p.backoff(i as u32 + 1), "restart {}: {d:?}", i + 1);
        }
    }
    // Really random: the capped (7th) backoff lands below half sometimes.
    assert!(rounds.iter().any(|r| r[6] < Duration::from_millis(500)));
    assert!(rounds.iter().any(|r| r[6] > Duration::from_millis(500)));
}

#[test]
fn equal_jitter_stays_between_half_and_the_full_capped_backoff() {
    let p = RestartPolicy {
        backoff_max: Duration::from_millis(1_000),
        ..RestartPolicy::default()
    };
    let rounds = jitter_samples(Jitter::Equal, 11);
    for round in &rounds {
        for (i, d) in round.iter().enumerate() {
            let full = p.backoff(i as u32 + 1);
            assert!(*d >= full / 2 && *d <= full, "restart {}: {d:?}", i + 1);
        }
    }
    let distinct: std::collections::HashSet<Duration> = rounds.iter().map(|r| r[6]).collect();
    assert!(distinct.len() > 100, "jitter varies");
}

#[test]
fn the_same_seed_gives_the_same_backoffs() {
    assert_eq!(
        jitter_samples(Jitter::Full, 3),
        jitter_samples(Jitter::Full, 3)
    );
    assert_ne!(
        jitter_samples(Jitter::Full, 3),
        jitter_samples(Jitter::Full, 4)
    );
}

#[test]
fn new_trackers_use_equal_jitter_by_default() {
    let clock = ManualClock::new();
    let mut t = RestartTracker::new(
        RestartPolicy::default(),
        RestartType::Permanent,
        clock.shared(),
    );
    let d = after(t.on_exit(&failed()));
    assert!(d >= 25 * MS && d <= 50 * MS, "{d:?}");
}

#[test]
fn transient_child_is_not_restarted_after_a_normal_exit() {
    let (mut t, _clock) = tracker(RestartType::Transient);
    assert_eq!(t.on_exit(&Exit::Normal), Decision::Stop);
    assert_eq!(t.total_restarts(), 0);
    assert_eq!(t.restarts_in_window(), 0);
}

#[test]
fn transient_child_is_restarted_after_a_failure_or_a_panic() {
    let (mut t, _clock) = tracker(RestartType::Transient);
    assert_eq!(after(t.on_exit(&failed())), 50 * MS);
    assert_eq!(
        after(t.on_exit(&Exit::Panicked("index out of bounds".to_owned()))),
        100 * MS
    );
    assert_eq!(t.total_restarts(), 2);
}

#[test]
fn normal_exits_of_a_transient_child_do_not_use_up_restart_intensity() {
    let (mut t, _clock) = tracker(RestartType::Transient);
    for _ in 0..10 {
        assert_eq!(t.on_exit(&Exit::Normal), Decision::Stop);
    }
    for _ in 0..3 {
        assert!(matches!(t.on_exit(&failed()), Decision::Restart { .. }));
    }
    assert!(matches!(t.on_exit(&failed()), Decision::Escalate { .. }));
}

#[test]
fn temporary_child_is_never_restarted() {
    let (mut t, _clock) = tracker(RestartType::Temporary);
    for exit in [Exit::Normal, failed(), Exit::Panicked("x".to_owned())] {
        for _ in 0..5 {
            assert_eq!(t.on_exit(&exit), Decision::Stop);
        }
    }
    assert_eq!(t.total_restarts(), 0);
}

#[test]
fn permanent_child_is_restarted_even_after_a_normal_exit() {
    let (mut t, _clock) = tracker(RestartType::Permanent);
    assert!(matches!(t.on_exit(&Exit::Normal), Decision::Restart { .. }));
    assert_eq!(t.total_restarts(), 1);
}

#[test]
fn total_restarts_counts_every_granted_restart_across_windows() {
    let (mut t, clock) = tracker(RestartType::Permanent);
    for _ in 0..4 {
        for _ in 0..3 {
            t.on_exit(&failed());
        }
        t.on_exit(&failed()); // escalates: not counted
        clock.advance(Duration::from_secs(5));
    }
    assert_eq!(t.total_restarts(), 12);
}

const CHILDREN: [&str; 4] = ["store", "ai", "renderer", "telegram"];

#[test]
fn one_for_one_restarts_only_the_failed_child() {
    assert_eq!(
        restart_set(Strategy::OneForOne, &CHILDREN, "ai"),
        vec!["ai"]
    );
    assert_eq!(
        restart_set(Strategy::OneForOne, &CHILDREN, "store"),
        vec!["store"]
    );
}

#[test]
fn rest_for_one_restarts_the_failed_child_and_every_later_child_in_start_order() {
    assert_eq!(
        restart_set(Strategy::RestForOne, &CHILDREN, "ai"),
        vec!["ai", "renderer", "telegram"]
    );
    assert_eq!(
        restart_set(Strategy::RestForOne, &CHILDREN, "store"),
        CHILDREN.to_vec()
    );
    assert_eq!(
        restart_set(Strategy::RestForOne, &CHILDREN, "telegram"),
        vec!["telegram"]
    );
}

#[test]
fn restart_set_for_an_unknown_child_is_that_child_alone() {
    assert_eq!(
        restart_set(Strategy::RestForOne, &CHILDREN, "ghost"),
        vec!["ghost"]
    );
    assert_eq!(
        restart_set(Strategy::OneForOne, &[], "ghost"),
        vec!["ghost"]
    );
}

#[test]
fn policy_defaults_are_three_restarts_in_five_seconds() {
    let p = RestartPolicy::default();
    assert_eq!(p.max_restarts, 3);
    assert_eq!(p.within, Duration::from_secs(5));
    assert_eq!(p.backoff_base, Duration::from_millis(50));
    assert_eq!(p.backoff_max, Duration::from_secs(5));
}

#[test]
fn policy_and_enums_round_trip_through_json() {
    let p = RestartPolicy::default();
    let json = serde_json::to_value(&p).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"max_restarts": 3, "within": 5000, "backoff_base": 50, "backoff_max": 5000})
    );
    assert_eq!(serde_json::from_value::<RestartPolicy>(json).unwrap(), p);
    assert_eq!(
        serde_json::to_string(&Strategy::RestForOne).unwrap(),
        "\"rest_for_one\""
    );
    assert_eq!(
        serde_json::to_string(&RestartType::Transient).unwrap(),
        "\"transient\""
    );
    assert_eq!(
        serde_json::from_str::<Jitter>("\"full\"").unwrap(),
        Jitter::Full
    );
}

#[test]
fn exit_displays_its_reason() {
    assert_eq!(Exit::Normal.to_string(), "normal");
    assert_eq!(failed().to_string(), "failed: boom");
    assert_eq!(
        Exit::Panicked("oops".to_owned()).to_string(),
        "panicked: oops"
    );
    assert!(!Exit::Normal.is_abnormal());
    assert!(failed().is_abnormal());
}

#[test]
fn tracker_is_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<RestartTracker>();
}
