//! Supervision tree: a root supervisor ([`ServiceRegistry`]) over the service actors.
//!
//! actix's own [`actix::Supervisor`] only restarts an actor that stops itself, and a panic in a
//! handler would lose the message. Here every handler runs through [`supervised`] (or
//! [`supervised_sync`]): an error or a panic is counted, the caller gets an error at once, and a
//! fault makes the actor stop itself, which actix's `Supervisor` turns into a restart that keeps the
//! address and mailbox. Each restart is decided by the child's [`RestartTracker`] (intensity
//! R restarts in P seconds, exponential backoff with jitter); past the intensity the child is marked
//! failed, an alert goes out, and the root applies its own policy: revive it after a cool-down, or,
//! once its own intensity is spent, leave it failed (`/ready` 503) for the platform to replace the
//! process. The registry is also what `/health`, `/ready`, `/stats` and `/metrics` read.
pub mod restart;

pub use crate::app::config::SupervisionSpec;
use crate::app::error::AppError;
use crate::messages::analytics::{AlertSeverity, AlertTriggered};
use crate::messages::Handling;
use crate::observability::metrics::Metrics;
use crate::resilience::breaker::{self, BreakerSnapshot, CircuitBreaker};
use crate::resilience::clock::{Clock, SystemClock};
use actix::fut::{ActorFutureExt, WrapFuture};
use actix::{Actor, AsyncContext, Context, Handler, Recipient, ResponseFuture};
use futures::FutureExt;
use parking_lot::Mutex;
use restart::{Decision, Exit, RestartPolicy, RestartTracker, RestartType, Strategy};
use serde::Serialize;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicU64, AtomicU8, AtomicUsize, Ordering};
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};
use tracing::Instrument;

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

    /// Serving (or about to serve again after a short backoff).
    pub fn is_available(self) -> bool {
        matches!(self, ServiceState::Running | ServiceState::Restarting)
    }
}

/// Where alerts go: the analytics actor once the system is wired (and the log always).
#[derive(Clone, Default)]
pub struct Alerts {
    sink: Arc<Mutex<Option<AlertSink>>>,
}

type AlertSink = Arc<dyn Fn(AlertTriggered) + Send + Sync>;

impl Alerts {
    pub fn connect(&self, sink: impl Fn(AlertTriggered) + Send + Sync + 'static) {
        *self.sink.lock() = Some(Arc::new(sink));
    }

    pub fn raise(&self, severity: AlertSeverity, service: &str, message: String) {
        match severity {
            AlertSeverity::Critical => tracing::error!(service, %message, "alert"),
            AlertSeverity::Warning => tracing::warn!(service, %message, "alert"),
            AlertSeverity::Info => tracing::info!(service, %message, "alert"),
        }
        let sink = self.sink.lock().clone();
        if let Some(sink) = sink {
            sink(AlertTriggered {
                severity,
                service: service.to_string(),
                message,
            });
        }
    }
}

/// What the next start of a child should do, decided when it stopped.
#[derive(Debug, Clone, Copy, PartialEq)]
enum StartPlan {
    Fresh,
    /// Restart after this backoff; the mailbox is held meanwhile.
    After(Duration),
    /// Exceeded its intensity: refuse work, and revive after this cool-down if the root allows.
    Failed {
        revive_after: Option<Duration>,
    },
    /// A temporary (or transient, ended normally) child: stays stopped.
    Stopped,
}

/// Asks a service actor to stop so its supervisor restarts it (or, on shutdown, to report drained).
#[derive(Debug, Clone)]
pub struct Fault {
    pub exit: Exit,
    /// The incarnation that failed: a late report about an earlier one is ignored.
    pub incarnation: u64,
    /// Restarted along with a sibling (rest_for_one); does not count against its own intensity.
    pub with_sibling: Option<&'static str>,
}

impl actix::Message for Fault {
    type Result = ();
}

struct ServiceCounters {
    name: &'static str,
    state: AtomicU8,
    handled: AtomicU64,
    failed: AtomicU64,
    restarts: AtomicU64,
    /// Set when the root gave up on it: failed until the process is replaced.
    abandoned: std::sync::atomic::AtomicBool,
    incarnation: AtomicU64,
    in_flight: AtomicUsize,
    last_failure: Mutex<Option<String>>,
    tracker: Mutex<RestartTracker>,
    plan: Mutex<StartPlan>,
    pending_exit: Mutex<Option<(Exit, Option<&'static str>)>>,
    control: Mutex<Option<Recipient<Fault>>>,
    arbiter: Mutex<Option<actix::ArbiterHandle>>,
}

/// One service's live counters and restart bookkeeping; cloned into the actor (and kept across
/// its restarts).
#[derive(Clone)]
pub struct ServiceHandle {
    counters: Arc<ServiceCounters>,
    metrics: Option<Metrics>,
    tree: Weak<Tree>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServiceStatus {
    pub name: &'static str,
    pub state: ServiceState,
    pub restart_type: RestartType,
    pub handled: u64,
    pub failed: u64,
    pub restarts: u64,
    pub restarts_in_window: u32,
    pub in_flight: usize,
    pub last_failure: Option<String>,
}

impl ServiceHandle {
    /// A handle outside any tree, for actors started alone in tests: default intensity, no root
    /// (an escalation leaves it failed).
    pub fn detached(name: &'static str) -> ServiceHandle {
        Self::build(
            name,
            RestartTracker::new(
                RestartPolicy::default(),
                RestartType::Permanent,
                SystemClock::shared(),
            ),
            None,
            Weak::new(),
        )
    }

    fn build(
        name: &'static str,
        tracker: RestartTracker,
        metrics: Option<Metrics>,
        tree: Weak<Tree>,
    ) -> ServiceHandle {
        if let Some(metrics) = &metrics {
            metrics.register_actor(name);
        }
        ServiceHandle {
            counters: Arc::new(ServiceCounters {
                name,
                state: AtomicU8::new(0),
                handled: AtomicU64::new(0),
                failed: AtomicU64::new(0),
                restarts: AtomicU64::new(0),
                abandoned: std::sync::atomic::AtomicBool::new(false),
                incarnation: AtomicU64::new(0),
                in_flight: AtomicUsize::new(0),
                last_failure: Mutex::new(None),
                tracker: Mutex::new(tracker),
                plan: Mutex::new(StartPlan::Fresh),
                pending_exit: Mutex::new(None),
                control: Mutex::new(None),
                arbiter: Mutex::new(None),
            }),
            metrics,
            tree,
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

    /// Moves to Running after a restart backoff or a revival, unless shutdown stopped the service
    /// meanwhile (a late timer must not undo it). True when it moved.
    fn resume(&self) -> bool {
        let (stopped, running) = (ServiceState::Stopped.as_u8(), ServiceState::Running.as_u8());
        let moved = self
            .counters
            .state
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |s| {
                (s != stopped).then_some(running)
            })
            .is_ok();
        if let (true, Some(m)) = (moved, &self.metrics) {
            m.actor_up.with_label_values(&[self.name()]).set(1);
        }
        moved
    }

    pub fn state(&self) -> ServiceState {
        ServiceState::from_u8(self.counters.state.load(Ordering::SeqCst))
    }

    /// Failed for good: it escalated and the root gave up reviving it, so only a new process
    /// brings it back (what a liveness probe is for).
    pub fn abandoned(&self) -> bool {
        self.state() == ServiceState::Failed && self.counters.abandoned.load(Ordering::SeqCst)
    }

    pub fn incarnation(&self) -> u64 {
        self.counters.incarnation.load(Ordering::SeqCst)
    }

    /// The arbiter the service runs on, stopped at shutdown (only for arbiters made for it).
    pub fn own_arbiter(&self, arbiter: actix::ArbiterHandle) {
        *self.counters.arbiter.lock() = Some(arbiter);
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
        *self.counters.last_failure.lock() = Some(crate::app::error::cut_reason(&format!(
            "{message}: {reason}"
        )));
        if let Some(m) = &self.metrics {
            m.actor_messages
                .with_label_values(&[self.name(), "failed"])
                .inc();
        }
    }

    fn record_refused(&self) {
        if let Some(m) = &self.metrics {
            m.actor_messages
                .with_label_values(&[self.name(), "refused"])
                .inc();
        }
    }

    /// The error a failed or stopped service answers with, instead of running the work.
    fn refusal(&self, message: &'static str) -> Option<AppError> {
        match self.state() {
            ServiceState::Failed | ServiceState::Stopped => {
                self.record_refused();
                Some(AppError::ActorUnavailable {
                    actor: self.name(),
                    reason: format!(
                        "service is {} (refused {message})",
                        if self.state() == ServiceState::Failed {
                            "failed"
                        } else {
                            "stopped"
                        }
                    ),
                })
            }
            _ => None,
        }
    }

    /// The actor asked to stop itself because of `fault`: remember why, for `restarting`.
    /// Answers false for a report about an earlier incarnation (already restarted).
    fn accept_fault(&self, fault: Fault) -> bool {
        if fault.incarnation != self.incarnation() {
            return false;
        }
        *self.counters.pending_exit.lock() = Some((fault.exit, fault.with_sibling));
        true
    }

    /// Called from `Supervised::restarting`: decides, with the restart tracker and the root, how the
    /// new incarnation starts.
    pub fn record_restart(&self) {
        self.counters.incarnation.fetch_add(1, Ordering::SeqCst);
        let (exit, with_sibling) = self
            .counters
            .pending_exit
            .lock()
            .take()
            .unwrap_or_else(|| (Exit::Failed("stopped unexpectedly".into()), None));
        let tree = self.tree.upgrade();
        let alerts = tree.as_ref().map(|t| t.alerts.clone()).unwrap_or_default();
        let plan = if let Some(sibling) = with_sibling {
            tracing::warn!(
                actor = self.name(),
                sibling,
                "restarting with a sibling (rest_for_one)"
            );
            StartPlan::After(Duration::ZERO)
        } else {
            let (decision, policy) = {
                let mut tracker = self.counters.tracker.lock();
                (tracker.on_exit(&exit), tracker.policy().clone())
            };
            match decision {
                Decision::Restart { after } => {
                    if let Some(tree) = &tree {
                        tree.restart_later_siblings(self.name());
                    }
                    StartPlan::After(after)
                }
                Decision::Stop => StartPlan::Stopped,
                Decision::Escalate { restarts_in_window } => {
                    alerts.raise(
                        AlertSeverity::Critical,
                        self.name(),
                        format!(
                            "{} exceeded its restart intensity ({restarts_in_window} restarts within {:?}, at most {}); marked failed. Last: {exit}",
                            self.name(),
                            policy.within,
                            policy.max_restarts
                        ),
                    );
                    let revive_after = tree.as_ref().and_then(|t| t.on_escalation(self));
                    StartPlan::Failed { revive_after }
                }
            }
        };
        match plan {
            StartPlan::After(_) | StartPlan::Fresh => {
                let n = self.counters.restarts.fetch_add(1, Ordering::SeqCst) + 1;
                if let Some(m) = &self.metrics {
                    m.actor_restarts.with_label_values(&[self.name()]).inc();
                }
                tracing::warn!(actor = self.name(), restarts = n, exit = %exit, "restarting actor");
                self.set_state(ServiceState::Restarting);
            }
            StartPlan::Failed { revive_after } => {
                self.counters
                    .abandoned
                    .store(revive_after.is_none(), Ordering::SeqCst);
                self.set_state(ServiceState::Failed)
            }
            StartPlan::Stopped => self.set_state(ServiceState::Stopped),
        }
        *self.counters.plan.lock() = plan;
    }

    /// The root revived the service after a cool-down: a fresh intensity window.
    fn revived(&self) {
        if !self.resume() {
            return;
        }
        self.counters.tracker.lock().reset();
        self.counters.restarts.fetch_add(1, Ordering::SeqCst);
        if let Some(m) = &self.metrics {
            m.actor_restarts.with_label_values(&[self.name()]).inc();
        }
        if let Some(tree) = self.tree.upgrade() {
            tree.alerts.raise(
                AlertSeverity::Info,
                self.name(),
                format!("{} revived by the root supervisor", self.name()),
            );
        }
    }

    fn enter(&self) -> InFlight {
        self.counters.in_flight.fetch_add(1, Ordering::SeqCst);
        InFlight(self.counters.clone())
    }

    pub fn in_flight(&self) -> usize {
        self.counters.in_flight.load(Ordering::SeqCst)
    }

    /// Fault injection (operators' drills and tests): the service restarts exactly as if one of
    /// its handlers had failed with `reason`.
    pub fn inject_fault(&self, reason: &str) {
        self.report_fault(Exit::Failed(format!("injected: {reason}")));
    }

    fn report_fault(&self, exit: Exit) {
        self.report_fault_of(self.incarnation(), exit);
    }

    /// Reports a fault of the incarnation that started the failed work: one that has been
    /// replaced meanwhile is stale, and the supervisor ignores it instead of restarting the new one.
    fn report_fault_of(&self, incarnation: u64, exit: Exit) {
        let control = self.counters.control.lock().clone();
        if let Some(control) = control {
            control.do_send(Fault {
                exit,
                incarnation,
                with_sibling: None,
            });
        }
    }

    pub fn status(&self) -> ServiceStatus {
        let tracker = self.counters.tracker.lock();
        ServiceStatus {
            name: self.counters.name,
            state: self.state(),
            restart_type: tracker.restart_type(),
            handled: self.counters.handled.load(Ordering::Relaxed),
            failed: self.counters.failed.load(Ordering::Relaxed),
            restarts: self.counters.restarts.load(Ordering::Relaxed),
            restarts_in_window: tracker.restarts_in_window(),
            in_flight: self.in_flight(),
            last_failure: self.counters.last_failure.lock().clone(),
        }
    }
}

/// Counts a handler's work as in flight until dropped (also when the work panics).
struct InFlight(Arc<ServiceCounters>);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

struct Tree {
    services: Mutex<Vec<ServiceHandle>>,
    breakers: Mutex<Vec<Arc<CircuitBreaker>>>,
    metrics: Option<Metrics>,
    spec: SupervisionSpec,
    clock: Arc<dyn Clock>,
    /// The root's intensity, over escalations of any child.
    root: Mutex<RestartTracker>,
    alerts: Alerts,
}

impl Tree {
    fn restart_later_siblings(&self, failed: &'static str) {
        if self.spec.strategy != Strategy::RestForOne {
            return;
        }
        let services = self.services.lock().clone();
        let names: Vec<&'static str> = services.iter().map(ServiceHandle::name).collect();
        // Stop the later ones newest first, as OTP does; each restarts under its own supervisor.
        for name in restart::restart_set(self.spec.strategy, &names, failed)
            .into_iter()
            .skip(1)
            .rev()
        {
            if let Some(sibling) = services.iter().find(|s| s.name() == name) {
                let control = sibling.counters.control.lock().clone();
                if let Some(control) = control {
                    control.do_send(Fault {
                        exit: Exit::Failed(format!("{failed} restarted")),
                        incarnation: sibling.incarnation(),
                        with_sibling: Some(failed),
                    });
                }
            }
        }
    }

    /// The root's policy for a child that exceeded its intensity: the cool-down before reviving
    /// it, or `None` when the root's own intensity is spent and the child stays failed.
    fn on_escalation(&self, child: &ServiceHandle) -> Option<Duration> {
        let decision = self.root.lock().on_exit(&Exit::Failed(format!(
            "{} exceeded its restart intensity",
            child.name()
        )));
        match decision {
            Decision::Restart { after } => {
                self.alerts.raise(
                    AlertSeverity::Warning,
                    child.name(),
                    format!(
                        "root supervisor will revive {} in {} ms",
                        child.name(),
                        after.as_millis()
                    ),
                );
                Some(after)
            }
            Decision::Escalate { .. } | Decision::Stop => {
                self.alerts.raise(
                    AlertSeverity::Critical,
                    child.name(),
                    format!(
                        "root supervisor gave up on {}: too many escalations within {:?}; it stays failed until the process is restarted",
                        child.name(),
                        self.spec.root.within
                    ),
                );
                None
            }
        }
    }
}

mod registry;
pub use registry::{ServiceRegistry, StopReport};

mod handling;
pub use handling::{
    on_fault, on_started, supervised, supervised_sync, ServiceActor, SERVICE_MAILBOX_CAPACITY,
};

/// Implements `Actor`, `Supervised` and [`ServiceActor`] for a service actor with a
/// `service: ServiceHandle` field: it reports its state to the tree and restarts through it.
/// `rebuild = method` names what rebuilds its state on restart; without it the actor keeps none
/// (everything it owns lives in the store or in a client that survives the restart).
#[macro_export]
macro_rules! service_actor {
    ($ty:ty) => {
        $crate::service_actor!(@impl $ty, |_actor: &mut $ty| {});
    };
    ($ty:ty, rebuild = $method:ident) => {
        $crate::service_actor!(@impl $ty, |actor: &mut $ty| actor.$method());
    };
    (@impl $ty:ty, $rebuild:expr) => {
        impl actix::Actor for $ty {
            type Context = actix::Context<Self>;
            fn started(&mut self, ctx: &mut Self::Context) {
                $crate::supervisors::on_started(self, ctx);
            }
        }
        impl actix::Supervised for $ty {
            fn restarting(&mut self, _ctx: &mut Self::Context) {
                self.service.record_restart();
                ($rebuild)(self);
            }
        }
        impl actix::Handler<$crate::supervisors::Fault> for $ty {
            type Result = ();
            fn handle(&mut self, fault: $crate::supervisors::Fault, ctx: &mut Self::Context) {
                $crate::supervisors::on_fault(self, fault, ctx);
            }
        }
        impl $crate::supervisors::ServiceActor for $ty {
            fn service(&self) -> &$crate::supervisors::ServiceHandle {
                &self.service
            }
            fn rebuild_state(&mut self) {
                ($rebuild)(self);
            }
        }
    };
}

#[cfg(test)]
mod tests;
