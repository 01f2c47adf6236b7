//! The periodic health probe. Every `[health] probe_interval_ms` it checks the store, the model
//! endpoint and the Bot API at once, keeps each one's latest result on the [`HealthBoard`] that
//! `/health` and `/ready` read, and tells analytics what it found ([`HealthChecked`]).
use crate::actors::link::Link;
use crate::ai::AiClient;
use crate::app::config::HealthSettings;
use crate::delivery::courier::Courier;
use crate::messages::health::{Dependency, HealthChecked, HealthStatus};
use crate::messages::Envelope;
use crate::store::Db;
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// The latest check of each dependency: at most one entry per [`Dependency`].
#[derive(Clone, Default)]
pub struct HealthBoard {
    latest: Arc<Mutex<BTreeMap<Dependency, Latest>>>,
}

#[derive(Debug, Clone)]
struct Latest {
    check: HealthChecked,
    at: Instant,
}

/// One dependency's latest check as operators read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckView {
    pub dependency: Dependency,
    pub status: HealthStatus,
    pub reason: Option<String>,
    pub latency_ms: u64,
    /// How long ago it was checked.
    pub age_ms: u64,
}

impl HealthBoard {
    fn with<R>(&self, f: impl FnOnce(&mut BTreeMap<Dependency, Latest>) -> R) -> R {
        // A panic elsewhere while holding the lock leaves a whole map of plain values behind.
        let mut latest = self.latest.lock().unwrap_or_else(PoisonError::into_inner);
        f(&mut latest)
    }

    /// Keeps `check` as its dependency's latest.
    pub fn record(&self, check: HealthChecked) {
        let at = Instant::now();
        self.with(|latest| latest.insert(check.dependency, Latest { check, at }));
    }

    /// Every dependency checked so far, in a fixed order.
    pub fn snapshot(&self) -> Vec<CheckView> {
        self.with(|latest| {
            latest
                .values()
                .map(|l| CheckView {
                    dependency: l.check.dependency,
                    status: l.check.status,
                    reason: l.check.reason.clone(),
                    latency_ms: l.check.latency_ms,
                    age_ms: l.at.elapsed().as_millis() as u64,
                })
                .collect()
        })
    }

    /// The dependencies whose latest check failed.
    pub fn unhealthy(&self) -> Vec<Dependency> {
        self.with(|latest| {
            latest
                .values()
                .filter(|l| l.check.status == HealthStatus::Unhealthy)
                .map(|l| l.check.dependency)
                .collect()
        })
    }
}

/// What the probe checks, each through the client the bot itself uses.
#[derive(Clone)]
pub enum Target {
    Store(Db),
    Model(AiClient),
    BotApi(Courier),
}

impl Target {
    pub fn dependency(&self) -> Dependency {
        match self {
            Target::Store(_) => Dependency::Store,
            Target::Model(_) => Dependency::Model,
            Target::BotApi(_) => Dependency::BotApi,
        }
    }

    async fn check(&self) -> Result<(), String> {
        match self {
            Target::Store(db) => db.ping().await.map_err(|e| e.to_string()),
            Target::Model(ai) => ai.probe().await,
            Target::BotApi(courier) => courier.probe().await,
        }
    }
}

/// A check's outcome as the event it becomes: `None` is no answer within `timeout`.
pub fn checked(
    dependency: Dependency,
    outcome: Option<Result<(), String>>,
    latency: Duration,
    timeout: Duration,
) -> HealthChecked {
    let reason = match outcome {
        Some(Ok(())) => None,
        Some(Err(reason)) => Some(crate::app::error::cut_reason(&reason)),
        None => Some(format!("no answer within {} ms", timeout.as_millis())),
    };
    HealthChecked {
        dependency,
        status: match reason {
            None => HealthStatus::Healthy,
            Some(_) => HealthStatus::Unhealthy,
        },
        reason,
        latency_ms: latency.min(timeout).as_millis() as u64,
    }
}

/// Checks `target` once, at most `timeout`.
pub async fn check_once(target: &Target, timeout: Duration) -> HealthChecked {
    let started = Instant::now();
    let outcome = tokio::time::timeout(timeout, target.check()).await.ok();
    checked(target.dependency(), outcome, started.elapsed(), timeout)
}

/// One log line when a dependency turns unhealthy or recovers, not one per probe while it
/// stays down.
fn log_change(previous: Option<HealthStatus>, check: &HealthChecked) {
    let dependency = check.dependency.as_str();
    match (previous, &check.reason) {
        (Some(HealthStatus::Unhealthy), Some(_)) => {}
        (_, Some(reason)) => tracing::warn!(dependency, reason = %reason, "health check failed"),
        (Some(HealthStatus::Unhealthy), None) => tracing::info!(dependency, "healthy again"),
        (_, None) => {}
    }
}

/// The probe: its targets, where results go, and how often.
pub struct HealthProbe {
    targets: Vec<Target>,
    board: HealthBoard,
    events: Link<HealthChecked>,
    interval: Duration,
    timeout: Duration,
    /// `bvc_dependency_up`, when metrics are kept.
    up: Option<prometheus::IntGaugeVec>,
}

impl HealthProbe {
    pub fn new(
        targets: Vec<Target>,
        board: HealthBoard,
        events: Link<HealthChecked>,
        settings: &HealthSettings,
    ) -> Self {
        HealthProbe {
            targets,
            board,
            events,
            interval: Duration::from_millis(settings.probe_interval_ms.max(10)),
            timeout: Duration::from_millis(settings.probe_timeout_ms.max(1)),
            up: None,
        }
    }

    /// The same probe, setting `bvc_dependency_up` after each check.
    pub fn with_metrics(mut self, metrics: &crate::observability::metrics::Metrics) -> Self {
        self.up = Some(metrics.dependency_up.clone());
        self
    }

    /// Checks every target at once and reports each result. `seen` is the status of each
    /// dependency at the probe's own previous check (`/ready` also writes the board, so the
    /// board cannot tell the probe what changed since it last looked).
    pub async fn check_all(&self, seen: &mut BTreeMap<Dependency, HealthStatus>) {
        let checks = self.targets.iter().map(|t| check_once(t, self.timeout));
        for check in futures::future::join_all(checks).await {
            if let Some(up) = &self.up {
                let healthy = check.status == HealthStatus::Healthy;
                up.with_label_values(&[check.dependency.as_str()])
                    .set(i64::from(healthy));
            }
            log_change(seen.insert(check.dependency, check.status), &check);
            self.board.record(check.clone());
            if let Err(e) = self.events.tell(Envelope::new("health", check)) {
                tracing::warn!(error = %e, "health check not reported to analytics");
            }
        }
    }

    /// Checks now, then every interval, until `stopped` turns true.
    pub async fn run(self, mut stopped: tokio::sync::watch::Receiver<bool>) {
        let mut seen = BTreeMap::new();
        let mut ticks = tokio::time::interval(self.interval);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = ticks.tick() => self.check_all(&mut seen).await,
                changed = stopped.changed() => {
                    if changed.is_err() || *stopped.borrow() {
                        return;
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok_check(dependency: Dependency) -> HealthChecked {
        checked(
            dependency,
            Some(Ok(())),
            Duration::from_millis(3),
            Duration::from_secs(1),
        )
    }

    #[test]
    fn a_check_that_timed_out_is_unhealthy_saying_how_long_it_waited() {
        let check = checked(
            Dependency::BotApi,
            None,
            Duration::from_secs(9),
            Duration::from_millis(500),
        );
        assert_eq!(check.status, HealthStatus::Unhealthy);
        assert_eq!(check.reason.as_deref(), Some("no answer within 500 ms"));
        assert_eq!(check.latency_ms, 500);
    }

    #[test]
    fn a_failed_check_keeps_a_bounded_reason() {
        let check = checked(
            Dependency::Model,
            Some(Err("x".repeat(10_000))),
            Duration::from_millis(2),
            Duration::from_secs(1),
        );
        assert_eq!(check.status, HealthStatus::Unhealthy);
        let reason = check.reason.unwrap_or_default();
        assert!(reason.len() < 1_000, "{} bytes", reason.len());
    }

    #[test]
    fn the_board_keeps_only_the_latest_check_of_each_dependency() {
        let board = HealthBoard::default();
        board.record(ok_check(Dependency::Store));
        board.record(checked(
            Dependency::Store,
            Some(Err("connection refused".into())),
            Duration::from_millis(1),
            Duration::from_secs(1),
        ));
        board.record(ok_check(Dependency::BotApi));

        let views = board.snapshot();
        assert_eq!(views.len(), 2);
        assert_eq!(views[0].dependency, Dependency::Store);
        assert_eq!(views[0].reason.as_deref(), Some("connection refused"));
        assert_eq!(board.unhealthy(), vec![Dependency::Store]);

        board.record(ok_check(Dependency::Store));
        assert!(board.unhealthy().is_empty());
    }
}
