//! The root of the supervision tree, which `/health`, `/ready`, `/stats` and `/metrics` read.
use super::*;

/// The root of the supervision tree: all services in start order, the breakers around their
/// dependencies, and where alerts go.
#[derive(Clone)]
pub struct ServiceRegistry {
    tree: Arc<Tree>,
}

impl Default for ServiceRegistry {
    fn default() -> Self {
        ServiceRegistry::with_spec(None, SupervisionSpec::default(), SystemClock::shared())
    }
}

/// How long a service took to stop at shutdown, and whether it finished its work.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StopReport {
    pub service: &'static str,
    pub drained: bool,
    pub took: Duration,
}

impl ServiceRegistry {
    pub fn new(metrics: Metrics) -> ServiceRegistry {
        ServiceRegistry::with_spec(
            Some(metrics),
            SupervisionSpec::default(),
            SystemClock::shared(),
        )
    }

    pub fn with_spec(
        metrics: Option<Metrics>,
        spec: SupervisionSpec,
        clock: Arc<dyn Clock>,
    ) -> ServiceRegistry {
        let root = RestartTracker::new(spec.root.clone(), RestartType::Permanent, clock.clone());
        ServiceRegistry {
            tree: Arc::new(Tree {
                services: Mutex::default(),
                breakers: Mutex::default(),
                metrics,
                spec,
                clock,
                root: Mutex::new(root),
                alerts: Alerts::default(),
            }),
        }
    }

    pub fn spec(&self) -> &SupervisionSpec {
        &self.tree.spec
    }

    pub fn alerts(&self) -> Alerts {
        self.tree.alerts.clone()
    }

    /// A permanent child (always restarted).
    pub fn register(&self, name: &'static str) -> ServiceHandle {
        self.register_child(name, RestartType::Permanent)
    }

    pub fn register_child(&self, name: &'static str, restart_type: RestartType) -> ServiceHandle {
        let tracker = RestartTracker::new(
            self.tree.spec.child.clone(),
            restart_type,
            self.tree.clock.clone(),
        );
        let handle = ServiceHandle::build(
            name,
            tracker,
            self.tree.metrics.clone(),
            Arc::downgrade(&self.tree),
        );
        handle.set_state(ServiceState::Starting);
        self.tree.services.lock().push(handle.clone());
        handle
    }

    /// Puts a breaker in `/stats` and `/metrics`, and turns its transitions into alerts.
    pub fn add_breaker(&self, breaker: Arc<CircuitBreaker>) {
        let alerts = self.tree.alerts.clone();
        breaker.on_transition(move |t| {
            let severity = match t.to {
                breaker::BreakerState::Open => AlertSeverity::Warning,
                _ => AlertSeverity::Info,
            };
            alerts.raise(
                severity,
                t.breaker,
                format!(
                    "circuit breaker {} {} → {}: {}",
                    t.breaker, t.from, t.to, t.reason
                ),
            );
        });
        self.tree.breakers.lock().push(breaker);
    }

    pub fn breakers(&self) -> Vec<BreakerSnapshot> {
        self.tree
            .breakers
            .lock()
            .iter()
            .map(|b| b.snapshot())
            .collect()
    }

    pub fn snapshot(&self) -> Vec<ServiceStatus> {
        self.tree
            .services
            .lock()
            .iter()
            .map(ServiceHandle::status)
            .collect()
    }

    /// Every service is serving (running, or back within a restart backoff).
    pub fn all_running(&self) -> bool {
        let snapshot = self.snapshot();
        !snapshot.is_empty() && snapshot.iter().all(|s| s.state.is_available())
    }

    /// The services the root gave up on (failed until the process is replaced).
    pub fn abandoned(&self) -> Vec<&'static str> {
        self.tree
            .services
            .lock()
            .iter()
            .filter(|s| s.abandoned())
            .map(ServiceHandle::name)
            .collect()
    }

    /// A registered service's handle, by name.
    pub fn handle(&self, name: &str) -> Option<ServiceHandle> {
        self.tree
            .services
            .lock()
            .iter()
            .find(|h| h.name() == name)
            .cloned()
    }

    /// Stops the services in reverse start order: each refuses new work, gets up to the
    /// per-child timeout to finish what is in flight, then its arbiter stops.
    pub async fn shutdown(&self) -> Vec<StopReport> {
        self.shutdown_by(None).await
    }

    /// [`shutdown`](Self::shutdown), with no child waiting past `deadline`: the process as a whole
    /// has a limit (the platform kills it after a grace period).
    pub async fn shutdown_by(&self, deadline: Option<Instant>) -> Vec<StopReport> {
        let services = self.tree.services.lock().clone();
        let mut reports = Vec::with_capacity(services.len());
        for service in services.iter().rev() {
            let started = Instant::now();
            let timeout = deadline.map_or(self.tree.spec.shutdown_timeout, |deadline| {
                deadline
                    .saturating_duration_since(started)
                    .min(self.tree.spec.shutdown_timeout)
            });
            service.set_state(ServiceState::Stopped);
            let drained = loop {
                if service.in_flight() == 0 {
                    break true;
                }
                if started.elapsed() >= timeout {
                    break false;
                }
                tokio::time::sleep(Duration::from_millis(5)).await;
            };
            if let Some(arbiter) = service.counters.arbiter.lock().take() {
                arbiter.stop();
            }
            let took = started.elapsed();
            if drained {
                tracing::info!(
                    service = service.name(),
                    took_ms = took.as_millis() as u64,
                    "service stopped"
                );
            } else {
                tracing::warn!(
                    service = service.name(),
                    in_flight = service.in_flight(),
                    timeout_ms = timeout.as_millis() as u64,
                    "service did not finish in time; stopped anyway"
                );
            }
            reports.push(StopReport {
                service: service.name(),
                drained,
                took,
            });
        }
        reports
    }
}
