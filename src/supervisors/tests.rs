//! Fault injection against the supervision tree: actors that panic, error, exceed their intensity,
//! restart with siblings, and stop in order. Windows run on a manual clock; backoffs are a
//! millisecond so waiting for a state never depends on timing.
use super::*;
use crate::resilience::clock::ManualClock;
use actix::{Handler, Supervisor};

struct Flaky {
    service: ServiceHandle,
    incarnation_seen: u64,
    rebuilt: bool,
}

impl Flaky {
    fn new(service: ServiceHandle) -> Self {
        Flaky {
            service,
            incarnation_seen: 0,
            rebuilt: false,
        }
    }
    fn rebuild(&mut self) {
        self.rebuilt = true;
    }
}
crate::service_actor!(Flaky, rebuild = rebuild);

enum Do {
    Ok,
    Panic,
    Fault,
    BadInput,
    /// Waits for the signal before answering.
    Slow(tokio::sync::oneshot::Receiver<()>),
}

struct Work(Do);
impl actix::Message for Work {
    type Result = Result<bool, AppError>;
}
impl Handler<Work> for Flaky {
    type Result = ResponseFuture<Result<bool, AppError>>;
    fn handle(&mut self, msg: Work, _: &mut Context<Self>) -> Self::Result {
        let rebuilt = self.rebuilt;
        self.incarnation_seen = self.service.incarnation();
        supervised(
            self,
            crate::messages::Handling::untraced("work"),
            async move {
                match msg.0 {
                    Do::Panic => panic!("boom"),
                    Do::Fault => Err(AppError::internal("work", "invariant broken")),
                    Do::BadInput => Err(AppError::BadRequest("bad input".into())),
                    Do::Slow(rx) => {
                        let _ = rx.await;
                        Ok(rebuilt)
                    }
                    Do::Ok => Ok(rebuilt),
                }
            },
        )
    }
}

struct SyncWork(bool);
impl actix::Message for SyncWork {
    type Result = Result<(), AppError>;
}
impl Handler<SyncWork> for Flaky {
    type Result = Result<(), AppError>;
    fn handle(&mut self, msg: SyncWork, ctx: &mut Context<Self>) -> Self::Result {
        supervised_sync(self, ctx, "sync_work", |_| {
            if msg.0 {
                panic!("sync boom");
            }
            Ok(())
        })
    }
}

fn fast_spec() -> SupervisionSpec {
    SupervisionSpec {
        strategy: Strategy::OneForOne,
        child: RestartPolicy {
            max_restarts: 3,
            within: Duration::from_secs(5),
            backoff_base: Duration::from_millis(1),
            backoff_max: Duration::from_millis(2),
        },
        root: RestartPolicy {
            max_restarts: 1,
            within: Duration::from_secs(600),
            backoff_base: Duration::from_millis(1),
            backoff_max: Duration::from_millis(1),
        },
        shutdown_timeout: Duration::from_millis(200),
    }
}

fn start(service: &ServiceHandle) -> actix::Addr<Flaky> {
    let s = service.clone();
    Supervisor::start(move |_| Flaky::new(s))
}

/// Waits (bounded) for a condition that the actor system reaches asynchronously.
async fn until(what: &str, mut condition: impl FnMut() -> bool) {
    for _ in 0..2_000 {
        if condition() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    panic!("never reached: {what}");
}

fn alerts_into(registry: &ServiceRegistry) -> Arc<Mutex<Vec<AlertTriggered>>> {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = seen.clone();
    registry
        .alerts()
        .connect(move |alert| sink.lock().push(alert));
    seen
}

#[actix_rt::test]
async fn a_panicking_handler_answers_an_error_and_the_actor_restarts_with_the_same_address() {
    let service = ServiceHandle::detached("flaky");
    let addr = start(&service);

    let err = addr
        .send(Work(Do::Panic))
        .await
        .expect("mailbox")
        .expect_err("a panic becomes an error for the caller");
    assert!(err.to_string().contains("boom"), "{err}");
    until("restarted", || service.status().restarts == 1).await;
    let rebuilt = addr
        .send(Work(Do::Ok))
        .await
        .expect("the same address still answers")
        .expect("handled");

    assert!(rebuilt, "the message after the panic met the rebuilt actor");
    let status = service.status();
    assert_eq!((status.failed, status.restarts, status.handled), (1, 1, 1));
    assert_eq!(status.state, ServiceState::Running);
}

#[actix_rt::test]
async fn a_fault_error_is_answered_and_counted_as_a_restart() {
    let service = ServiceHandle::detached("flaky");
    let addr = start(&service);

    let err = addr.send(Work(Do::Fault)).await.expect("mailbox");
    assert!(err
        .expect_err("error")
        .to_string()
        .contains("invariant broken"));
    until("restarted", || service.status().restarts == 1).await;
    assert!(addr.send(Work(Do::Ok)).await.expect("mailbox").expect("ok"));
    assert_eq!(service.status().failed, 1);
}

#[actix_rt::test]
async fn bad_input_is_the_callers_problem_and_restarts_nothing() {
    let service = ServiceHandle::detached("flaky");
    let addr = start(&service);

    assert!(addr
        .send(Work(Do::BadInput))
        .await
        .expect("mailbox")
        .is_err());
    assert!(!addr.send(Work(Do::Ok)).await.expect("mailbox").expect("ok"));
    assert_eq!((service.status().failed, service.status().restarts), (1, 0));
}

#[actix_rt::test]
async fn a_panic_in_a_synchronous_handler_also_restarts_the_actor() {
    let service = ServiceHandle::detached("flaky");
    let addr = start(&service);

    assert!(addr.send(SyncWork(true)).await.expect("mailbox").is_err());
    addr.send(SyncWork(false))
        .await
        .expect("mailbox")
        .expect("handled after restart");
    assert_eq!(service.status().restarts, 1);
}

#[actix_rt::test]
async fn work_in_flight_survives_a_restart_caused_by_another_message() {
    let service = ServiceHandle::detached("flaky");
    let addr = start(&service);
    let (release, wait) = tokio::sync::oneshot::channel();
    let slow = addr.send(Work(Do::Slow(wait)));
    let slow = actix_rt::spawn(slow);
    until("slow work in flight", || service.in_flight() == 1).await;

    assert!(addr.send(Work(Do::Panic)).await.expect("mailbox").is_err());
    until("restarted", || service.status().restarts == 1).await;
    release.send(()).expect("slow work still waiting");

    let answer = slow.await.expect("task").expect("mailbox");
    assert!(answer.is_ok(), "the slow caller got its answer: {answer:?}");
}

#[actix_rt::test]
async fn exceeding_the_intensity_escalates_marks_the_service_failed_and_alerts() {
    let clock = ManualClock::new();
    let mut spec = fast_spec();
    spec.root.max_restarts = 0; // the root gives up at once
    let registry = ServiceRegistry::with_spec(None, spec, clock.shared());
    let alerts = alerts_into(&registry);
    let service = registry.register("flaky");
    let addr = start(&service);

    for restart in 1..=3 {
        assert!(addr.send(Work(Do::Panic)).await.expect("mailbox").is_err());
        until("restarted", || {
            service.status().restarts == restart && service.state() == ServiceState::Running
        })
        .await;
    }
    assert!(registry.all_running());
    assert!(addr.send(Work(Do::Panic)).await.expect("mailbox").is_err());
    until("failed", || service.state() == ServiceState::Failed).await;

    assert!(!registry.all_running());
    let status = service.status();
    assert_eq!((status.restarts, status.restarts_in_window), (3, 3));
    let refused = addr.send(Work(Do::Ok)).await.expect("mailbox");
    assert!(
        refused
            .expect_err("a failed service refuses work")
            .to_string()
            .contains("failed"),
        "refusal names the state"
    );
    let alerts = alerts.lock().clone();
    assert!(alerts
        .iter()
        .any(|a| a.severity == AlertSeverity::Critical && a.message.contains("restart intensity")));
    assert!(alerts.iter().any(|a| a.message.contains("gave up")));
}

#[actix_rt::test]
async fn restarts_older_than_the_window_do_not_count_towards_the_intensity() {
    let clock = ManualClock::new();
    let registry = ServiceRegistry::with_spec(None, fast_spec(), clock.shared());
    let service = registry.register("flaky");
    let addr = start(&service);

    for restart in 1..=6u64 {
        assert!(addr.send(Work(Do::Panic)).await.expect("mailbox").is_err());
        until("restarted", || service.status().restarts == restart).await;
        clock.advance(Duration::from_secs(2)); // 3 in 5 s is never reached at one per 2 s
    }
    until("running", || service.state() == ServiceState::Running).await;
    assert!(addr.send(Work(Do::Ok)).await.expect("mailbox").is_ok());
}

#[actix_rt::test]
async fn the_root_revives_an_escalated_service_after_its_cool_down() {
    let clock = ManualClock::new();
    let registry = ServiceRegistry::with_spec(None, fast_spec(), clock.shared());
    let alerts = alerts_into(&registry);
    let service = registry.register("flaky");
    let addr = start(&service);

    for _ in 0..4 {
        let _ = addr.send(Work(Do::Panic)).await;
        until("back or failed", || {
            service.state() != ServiceState::Restarting
        })
        .await;
    }
    until("revived", || {
        alerts.lock().iter().any(|a| a.message.contains("revived"))
    })
    .await;

    assert_eq!(service.state(), ServiceState::Running);
    assert_eq!(service.status().restarts_in_window, 0, "a fresh window");
    assert!(addr.send(Work(Do::Ok)).await.expect("mailbox").expect("ok"));
}

#[actix_rt::test]
async fn rest_for_one_restarts_the_failed_child_and_every_later_one_but_not_earlier_ones() {
    let mut spec = fast_spec();
    spec.strategy = Strategy::RestForOne;
    let registry = ServiceRegistry::with_spec(None, spec, ManualClock::new().shared());
    let first = registry.register("first");
    let second = registry.register("second");
    let third = registry.register("third");
    let (_a, b, _c) = (start(&first), start(&second), start(&third));
    until("all up", || registry.all_running()).await;

    assert!(b.send(Work(Do::Panic)).await.expect("mailbox").is_err());
    until("second and third restarted", || {
        second.status().restarts == 1 && third.status().restarts == 1
    })
    .await;

    assert_eq!(first.status().restarts, 0);
    assert_eq!(
        third.status().restarts_in_window,
        0,
        "a sibling restart does not use up the sibling's own intensity"
    );
}

#[actix_rt::test]
async fn one_for_one_restarts_only_the_failed_child() {
    let registry = ServiceRegistry::with_spec(None, fast_spec(), ManualClock::new().shared());
    let first = registry.register("first");
    let second = registry.register("second");
    let (a, _b) = (start(&first), start(&second));
    until("all up", || registry.all_running()).await;

    assert!(a.send(Work(Do::Panic)).await.expect("mailbox").is_err());
    until("first restarted", || first.status().restarts == 1).await;
    assert_eq!(second.status().restarts, 0);
}

#[actix_rt::test]
async fn shutdown_stops_services_in_reverse_start_order_and_bounds_each_wait() {
    let registry = ServiceRegistry::with_spec(None, fast_spec(), ManualClock::new().shared());
    let first = registry.register("first");
    let second = registry.register("second");
    let (_a, b) = (start(&first), start(&second));
    until("all up", || registry.all_running()).await;
    let (_never_released, wait) = tokio::sync::oneshot::channel::<()>();
    let stuck = b.send(Work(Do::Slow(wait)));
    let _stuck = actix_rt::spawn(stuck);
    until("stuck work in flight", || second.in_flight() == 1).await;

    let reports = registry.shutdown().await;

    let order: Vec<_> = reports.iter().map(|r| (r.service, r.drained)).collect();
    assert_eq!(order, vec![("second", false), ("first", true)]);
    assert!(reports[0].took >= Duration::from_millis(200));
    assert_eq!(second.state(), ServiceState::Stopped);
    let refused = b.send(Work(Do::Ok)).await.expect("mailbox");
    assert!(refused.is_err(), "a stopped service takes no new work");
}

#[actix_rt::test]
async fn a_late_fault_report_about_an_earlier_incarnation_is_ignored() {
    let service = ServiceHandle::detached("flaky");
    let addr = start(&service);
    until("up", || service.state() == ServiceState::Running).await;
    let stale = service.incarnation();
    assert!(addr.send(Work(Do::Panic)).await.expect("mailbox").is_err());
    until("restarted", || service.status().restarts == 1).await;

    addr.do_send(Fault {
        exit: Exit::Failed("stale".into()),
        incarnation: stale,
        with_sibling: None,
    });
    assert!(addr.send(Work(Do::Ok)).await.expect("mailbox").is_ok());
    assert_eq!(service.status().restarts, 1);
}

#[test]
fn the_registry_is_ready_only_when_every_service_serves() {
    let registry = ServiceRegistry::new(Metrics::new());
    let a = registry.register("a");
    let b = registry.register("b");
    assert!(!registry.all_running());
    a.set_state(ServiceState::Running);
    b.set_state(ServiceState::Restarting);
    assert!(registry.all_running(), "a restart backoff is not an outage");
    b.set_state(ServiceState::Failed);
    assert!(!registry.all_running());
    assert_eq!(registry.snapshot()[1].state, ServiceState::Failed);
}

#[test]
fn breaker_transitions_become_alerts() {
    use crate::resilience::breaker::{BreakerConfig, BreakerState};
    let clock = ManualClock::new();
    let registry = ServiceRegistry::with_spec(None, fast_spec(), clock.shared());
    let alerts = alerts_into(&registry);
    let config = BreakerConfig {
        consecutive_failures: 2,
        ..BreakerConfig::for_store()
    };
    let breaker = Arc::new(CircuitBreaker::new("store", config, clock.shared()));
    registry.add_breaker(breaker.clone());

    for _ in 0..2 {
        breaker
            .try_acquire()
            .expect("closed")
            .failure(Duration::from_millis(1));
    }

    assert_eq!(breaker.state(), BreakerState::Open);
    assert_eq!(registry.breakers()[0].state, BreakerState::Open);
    let alerts = alerts.lock().clone();
    assert_eq!(alerts.len(), 1);
    assert_eq!(alerts[0].severity, AlertSeverity::Warning);
    assert!(
        alerts[0].message.contains("closed → open"),
        "{}",
        alerts[0].message
    );
}

#[actix_rt::test]
async fn a_shutdown_deadline_cuts_every_childs_wait_short() {
    let mut spec = fast_spec();
    spec.shutdown_timeout = Duration::from_secs(60);
    let registry = ServiceRegistry::with_spec(None, spec, ManualClock::new().shared());
    let only = registry.register("only");
    let addr = start(&only);
    until("up", || registry.all_running()).await;
    let (_never_released, wait) = tokio::sync::oneshot::channel::<()>();
    let _stuck = actix_rt::spawn(addr.send(Work(Do::Slow(wait))));
    until("stuck work in flight", || only.in_flight() == 1).await;

    let reports = registry
        .shutdown_by(Some(Instant::now() + Duration::from_millis(50)))
        .await;

    assert!(!reports[0].drained);
    assert!(
        reports[0].took < Duration::from_secs(30),
        "the deadline, not the 60 s per-child timeout, ended the wait"
    );
}
