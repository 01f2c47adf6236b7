//! Supervision: every service actor runs under actix's [`actix::Supervisor`] (which keeps the
//! actor's address and mailbox across restarts), and its handlers run through [`supervised`],
//! which turns a panic into a counted failure and a restart instead of a lost message and a
//! silent hang. The [`ServiceRegistry`] is what `/health`, `/ready` and `/stats` read.
pub mod breaker;
pub mod clock;
pub mod restart;

use crate::error::AppError;
use crate::metrics::Metrics;
use actix::fut::{ActorFutureExt, WrapFuture};
use actix::{Actor, ActorContext, AsyncContext, Context, ResponseActFuture};
use futures::FutureExt;
use serde::Serialize;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicU64, AtomicU8, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ServiceState {
    Starting,
    Running,
    Restarting,
    Failed,
    Stopped,
}

impl ServiceState {
    fn from_u8(v: u8) -> ServiceState {
        match v {
            1 => ServiceState::Running,
            2 => ServiceState::Restarting,
            3 => ServiceState::Failed,
            4 => ServiceState::Stopped,
            _ => ServiceState::Starting,
        }
    }
    fn as_u8(self) -> u8 {
        match self {
            ServiceState::Starting => 0,
            ServiceState::Running => 1,
            ServiceState::Restarting => 2,
            ServiceState::Failed => 3,
            ServiceState::Stopped => 4,
        }
    }
}

struct ServiceCounters {
    name: &'static str,
    state: AtomicU8,
    handled: AtomicU64,
    failed: AtomicU64,
    restarts: AtomicU64,
    last_failure: Mutex<Option<String>>,
}

/// One service's live counters; cloned into the actor (and kept across its restarts).
#[derive(Clone)]
pub struct ServiceHandle {
    counters: Arc<ServiceCounters>,
    metrics: Option<Metrics>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServiceStatus {
    pub name: &'static str,
    pub state: ServiceState,
    pub handled: u64,
    pub failed: u64,
    pub restarts: u64,
    pub last_failure: Option<String>,
}

/// Backoff between restarts: 50 ms doubling to 5 s, reset once a restarted actor handles work.
fn restart_backoff(consecutive: u64) -> Duration {
    let exp = consecutive.saturating_sub(1).min(10) as u32;
    Duration::from_millis(50u64.saturating_mul(1u64 << exp)).min(Duration::from_secs(5))
}

impl ServiceHandle {
    /// A handle outside any registry, for actors started alone in tests.
    pub fn detached(name: &'static str) -> ServiceHandle {
        ServiceHandle {
            counters: Arc::new(ServiceCounters {
                name,
                state: AtomicU8::new(0),
                handled: AtomicU64::new(0),
                failed: AtomicU64::new(0),
                restarts: AtomicU64::new(0),
                last_failure: Mutex::new(None),
            }),
            metrics: None,
        }
    }

    pub fn name(&self) -> &'static str {
        self.counters.name
    }

    pub fn set_state(&self, state: ServiceState) {
        self.counters.state.store(state.as_u8(), Ordering::SeqCst);
        if let Some(m) = &self.metrics {
            m.actor_up
                .with_label_values(&[self.name()])
                .set(i64::from(state == ServiceState::Running));
        }
    }

    pub fn state(&self) -> ServiceState {
        ServiceState::from_u8(self.counters.state.load(Ordering::SeqCst))
    }

    pub fn record_handled(&self) {
        self.counters.handled.fetch_add(1, Ordering::Relaxed);
        if let Some(m) = &self.metrics {
            m.actor_messages
                .with_label_values(&[self.name(), "handled"])
                .inc();
        }
    }

    pub fn record_failure(&self, message: &str, reason: &str) {
        self.counters.failed.fetch_add(1, Ordering::Relaxed);
        if let Ok(mut last) = self.counters.last_failure.lock() {
            *last = Some(format!("{message}: {reason}"));
        }
        if let Some(m) = &self.metrics {
            m.actor_messages
                .with_label_values(&[self.name(), "failed"])
                .inc();
        }
    }

    /// Called from `Supervised::restarting`; answers how long the restarted actor should wait
    /// before taking messages again.
    pub fn record_restart(&self) -> Duration {
        let n = self.counters.restarts.fetch_add(1, Ordering::SeqCst) + 1;
        self.set_state(ServiceState::Restarting);
        if let Some(m) = &self.metrics {
            m.actor_restarts.with_label_values(&[self.name()]).inc();
        }
        tracing::warn!(actor = self.name(), restarts = n, "restarting actor");
        restart_backoff(n)
    }

    pub fn status(&self) -> ServiceStatus {
        ServiceStatus {
            name: self.counters.name,
            state: self.state(),
            handled: self.counters.handled.load(Ordering::Relaxed),
            failed: self.counters.failed.load(Ordering::Relaxed),
            restarts: self.counters.restarts.load(Ordering::Relaxed),
            last_failure: self
                .counters
                .last_failure
                .lock()
                .ok()
                .and_then(|l| l.clone()),
        }
    }
}

/// All services in start order.
#[derive(Clone, Default)]
pub struct ServiceRegistry {
    services: Arc<Mutex<Vec<ServiceHandle>>>,
    metrics: Option<Metrics>,
}

impl ServiceRegistry {
    pub fn new(metrics: Metrics) -> ServiceRegistry {
        ServiceRegistry {
            services: Arc::default(),
            metrics: Some(metrics),
        }
    }

    pub fn register(&self, name: &'static str) -> ServiceHandle {
        let mut handle = ServiceHandle::detached(name);
        handle.metrics = self.metrics.clone();
        handle.set_state(ServiceState::Starting);
        if let Ok(mut services) = self.services.lock() {
            services.push(handle.clone());
        }
        handle
    }

    pub fn snapshot(&self) -> Vec<ServiceStatus> {
        self.services
            .lock()
            .map(|s| s.iter().map(ServiceHandle::status).collect())
            .unwrap_or_default()
    }

    pub fn all_running(&self) -> bool {
        let snapshot = self.snapshot();
        !snapshot.is_empty() && snapshot.iter().all(|s| s.state == ServiceState::Running)
    }

    /// A registered service's handle, by name.
    pub fn handle(&self, name: &str) -> Option<ServiceHandle> {
        self.services
            .lock()
            .ok()
            .and_then(|s| s.iter().find(|h| h.name() == name).cloned())
    }

    pub fn mark_all_stopped(&self) {
        if let Ok(services) = self.services.lock() {
            for s in services.iter() {
                s.set_state(ServiceState::Stopped);
            }
        }
    }
}

/// An actor that reports to a [`ServiceHandle`].
pub trait ServiceActor: Actor<Context = Context<Self>> {
    fn service(&self) -> &ServiceHandle;
}

/// Marks the actor running, after waiting out the restart backoff if it was just restarted.
pub fn on_started<A: ServiceActor>(actor: &A, ctx: &mut Context<A>) {
    let service = actor.service().clone();
    if service.state() == ServiceState::Restarting {
        let delay = restart_backoff(service.status().restarts);
        // `wait` holds the mailbox: queued messages are kept, not processed, until the backoff ends.
        ctx.wait(
            tokio::time::sleep(delay)
                .into_actor(actor)
                .map(move |_, _, _| service.set_state(ServiceState::Running)),
        );
    } else {
        service.set_state(ServiceState::Running);
    }
}

/// Runs a handler's work. An error is counted and returned to the caller; a panic is counted,
/// returned to the caller as an error, and stops the actor so its supervisor restarts it.
pub fn supervised<A, R, F>(
    actor: &A,
    message: &'static str,
    work: F,
) -> ResponseActFuture<A, Result<R, AppError>>
where
    A: ServiceActor,
    R: 'static,
    F: Future<Output = Result<R, AppError>> + 'static,
{
    let service = actor.service().clone();
    let caught = AssertUnwindSafe(work).catch_unwind();
    Box::pin(caught.into_actor(actor).map(move |outcome, _actor, ctx: &mut Context<A>| match outcome {
        Ok(Ok(value)) => {
            service.record_handled();
            Ok(value)
        }
        Ok(Err(error)) => {
            tracing::warn!(actor = service.name(), message, error = %error, "handler failed");
            service.record_failure(message, &error.to_string());
            Err(error)
        }
        Err(panic) => {
            let reason = panic_message(panic.as_ref());
            tracing::error!(actor = service.name(), message, panic = %reason, "handler panicked; restarting actor");
            service.record_failure(message, &format!("panic: {reason}"));
            ctx.stop();
            Err(AppError::ActorFailed {
                actor: service.name(),
                message,
                reason: format!("panic: {reason}"),
            })
        }
    }))
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restart_backoff_doubles_from_fifty_milliseconds_and_caps_at_five_seconds() {
        assert_eq!(restart_backoff(1), Duration::from_millis(50));
        assert_eq!(restart_backoff(2), Duration::from_millis(100));
        assert_eq!(restart_backoff(4), Duration::from_millis(400));
        assert_eq!(restart_backoff(40), Duration::from_secs(5));
    }

    #[test]
    fn the_registry_is_ready_only_when_every_service_runs() {
        let registry = ServiceRegistry::new(Metrics::new());
        let a = registry.register("a");
        let b = registry.register("b");
        assert!(!registry.all_running());
        a.set_state(ServiceState::Running);
        b.set_state(ServiceState::Running);
        assert!(registry.all_running());
        b.set_state(ServiceState::Failed);
        assert!(!registry.all_running());
        assert_eq!(registry.snapshot()[1].state, ServiceState::Failed);
    }
}

/// Synchronous twin of [`supervised`] for handlers that only touch the actor's own state.
pub fn supervised_sync<A, R>(
    actor: &mut A,
    ctx: &mut Context<A>,
    message: &'static str,
    work: impl FnOnce(&mut A) -> Result<R, AppError>,
) -> Result<R, AppError>
where
    A: ServiceActor,
{
    let service = actor.service().clone();
    match std::panic::catch_unwind(AssertUnwindSafe(|| work(actor))) {
        Ok(Ok(value)) => {
            service.record_handled();
            Ok(value)
        }
        Ok(Err(error)) => {
            service.record_failure(message, &error.to_string());
            Err(error)
        }
        Err(panic) => {
            let reason = panic_message(panic.as_ref());
            tracing::error!(actor = service.name(), message, panic = %reason, "handler panicked; restarting actor");
            service.record_failure(message, &format!("panic: {reason}"));
            ctx.stop();
            Err(AppError::ActorFailed {
                actor: service.name(),
                message,
                reason: format!("panic: {reason}"),
            })
        }
    }
}

/// Implements `Actor` and `Supervised` for a service actor with a `service: ServiceHandle` field:
/// it reports running/restarting to the registry and rebuilds its state on restart.
#[macro_export]
macro_rules! service_actor {
    ($ty:ty) => {
        impl actix::Actor for $ty {
            type Context = actix::Context<Self>;
            fn started(&mut self, ctx: &mut Self::Context) {
                $crate::supervisors::on_started(self, ctx);
            }
        }
        impl actix::Supervised for $ty {
            fn restarting(&mut self, _ctx: &mut Self::Context) {
                self.service.record_restart();
                self.rebuild();
            }
        }
        impl $crate::supervisors::ServiceActor for $ty {
            fn service(&self) -> &$crate::supervisors::ServiceHandle {
                &self.service
            }
        }
    };
}

#[cfg(test)]
mod supervision_tests {
    use super::*;
    use actix::{Handler, Supervisor};

    struct Flaky {
        service: ServiceHandle,
        restarted: bool,
    }
    impl Flaky {
        fn rebuild(&mut self) {
            self.restarted = true;
        }
    }
    crate::service_actor!(Flaky);

    struct Work(&'static str);
    impl actix::Message for Work {
        type Result = Result<bool, AppError>;
    }
    impl Handler<Work> for Flaky {
        type Result = ResponseActFuture<Self, Result<bool, AppError>>;
        fn handle(&mut self, msg: Work, _: &mut Context<Self>) -> Self::Result {
            let restarted = self.restarted;
            supervised(self, "work", async move {
                match msg.0 {
                    "panic" => panic!("boom"),
                    "error" => Err(AppError::internal("work", "bad input")),
                    _ => Ok(restarted),
                }
            })
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

    #[actix_rt::test]
    async fn a_panicking_handler_answers_an_error_and_the_actor_restarts_with_the_same_address() {
        let service = ServiceHandle::detached("flaky");
        let s = service.clone();
        let addr = Supervisor::start(move |_| Flaky {
            service: s,
            restarted: false,
        });

        let err = addr
            .send(Work("panic"))
            .await
            .expect("mailbox")
            .expect_err("panic becomes an error");
        assert!(err.to_string().contains("boom"), "{err}");
        let after = addr
            .send(Work("ok"))
            .await
            .expect("same address still answers")
            .expect("handled");

        assert!(
            after,
            "the message after the panic was handled by the rebuilt actor"
        );
        let status = service.status();
        assert_eq!((status.failed, status.restarts, status.handled), (1, 1, 1));
        assert_eq!(status.state, ServiceState::Running);
    }

    #[actix_rt::test]
    async fn an_error_is_counted_and_returned_without_a_restart() {
        let service = ServiceHandle::detached("flaky");
        let s = service.clone();
        let addr = Supervisor::start(move |_| Flaky {
            service: s,
            restarted: false,
        });

        let err = addr
            .send(Work("error"))
            .await
            .expect("mailbox")
            .expect_err("error");
        assert!(err.to_string().contains("bad input"));
        assert!(!addr
            .send(Work("ok"))
            .await
            .expect("mailbox")
            .expect("handled"));
        assert_eq!((service.status().failed, service.status().restarts), (1, 0));
    }

    #[actix_rt::test]
    async fn a_panic_in_a_synchronous_handler_also_restarts_the_actor() {
        let service = ServiceHandle::detached("flaky");
        let s = service.clone();
        let addr = Supervisor::start(move |_| Flaky {
            service: s,
            restarted: false,
        });

        assert!(addr.send(SyncWork(true)).await.expect("mailbox").is_err());
        addr.send(SyncWork(false))
            .await
            .expect("mailbox")
            .expect("handled after restart");
        assert_eq!(service.status().restarts, 1);
    }
}
