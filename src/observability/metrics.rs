//! Prometheus metrics. Each application instance owns its registry, so tests running several
//! apps in one process never collide.
use prometheus::{
    Encoder, GaugeVec, HistogramOpts, HistogramVec, IntCounterVec, IntGaugeVec, Opts, Registry,
    TextEncoder,
};

/// Latency buckets from 0.25 ms to 10 s: webhook acks live at the low end, AI calls at the top.
const LATENCY_BUCKETS: &[f64] = &[
    0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

// Metric definitions are static: a bad one is a programming error caught by every test run.
fn counter(name: &str, help: &str, labels: &[&str]) -> IntCounterVec {
    IntCounterVec::new(Opts::new(name, help), labels).expect("static metric definition")
}

fn gauge(name: &str, help: &str, labels: &[&str]) -> IntGaugeVec {
    IntGaugeVec::new(Opts::new(name, help), labels).expect("static metric definition")
}

fn float_gauge(name: &str, help: &str, labels: &[&str]) -> GaugeVec {
    GaugeVec::new(Opts::new(name, help), labels).expect("static metric definition")
}

fn latency(name: &str, help: &str, labels: &[&str]) -> HistogramVec {
    HistogramVec::new(
        HistogramOpts::new(name, help).buckets(LATENCY_BUCKETS.to_vec()),
        labels,
    )
    .expect("static metric definition")
}

/// Declares the application's metric families once: the struct's fields, their definitions and
/// their registration all come from this table.
macro_rules! metric_families {
    ($($field:ident: $ty:ty = $make:ident($name:literal, $help:literal, [$($label:literal),* $(,)?]);)*) => {
        /// The handle every part of the application holds: one shared set of families, so a
        /// clone (one per message crossing actors) is one reference count, not one per family.
        #[derive(Clone)]
        pub struct Metrics(std::sync::Arc<MetricFamilies>);

        impl std::ops::Deref for Metrics {
            type Target = MetricFamilies;
            fn deref(&self) -> &MetricFamilies {
                &self.0
            }
        }

        pub struct MetricFamilies {
            pub registry: Registry,
            $(pub $field: $ty,)*
            /// Every metric family this application exports (for checking dashboards and rules).
            families: std::sync::Arc<Vec<String>>,
            /// Scrapes run on several HTTP workers: one catch-up of the breaker counters at a
            /// time, so two scrapes never add the same difference twice.
            breaker_catch_up: std::sync::Arc<std::sync::Mutex<()>>,
        }

        impl Metrics {
            pub fn new() -> Metrics {
                let registry = Registry::new();
                let mut families = register_process_metrics(&registry);
                $(
                    let $field = $make($name, $help, &[$($label),*]);
                    families.push($name.to_string());
                    registry
                        .register(Box::new($field.clone()))
                        .expect("metric names are unique");
                )*
                let metrics = Metrics(std::sync::Arc::new(MetricFamilies {
                    registry,
                    $($field,)*
                    families: std::sync::Arc::new(families),
                    breaker_catch_up: Default::default(),
                }));
                metrics.start_at_zero();
                metrics
            }
        }
    };
}

metric_families! {
    http_requests: IntCounterVec = counter(
        "bvc_http_requests_total",
        "HTTP requests by route and status.",
        ["route", "method", "status"]
    );
    http_request_seconds: HistogramVec = latency(
        "bvc_http_request_duration_seconds",
        "HTTP request latency by route.",
        ["route"]
    );
    updates: IntCounterVec = counter(
        "bvc_telegram_updates_total",
        "Telegram updates by kind and outcome (accepted, deferred, duplicate, rejected).",
        ["kind", "outcome"]
    );
    actor_messages: IntCounterVec = counter(
        "bvc_actor_messages_total",
        "Messages handled by actors, by outcome.",
        ["actor", "outcome"]
    );
    actor_restarts: IntCounterVec = counter(
        "bvc_actor_restarts_total",
        "Actor restarts performed by supervisors.",
        ["actor"]
    );
    actor_up: IntGaugeVec = gauge(
        "bvc_actor_up",
        "1 when the actor is running, 0 otherwise.",
        ["actor"]
    );
    dependency_up: IntGaugeVec = gauge(
        "bvc_dependency_up",
        "1 when the health probe's latest check of the dependency (store, model, bot_api) passed, 0 when it failed.",
        ["dependency"]
    );
    store_query_seconds: HistogramVec = latency(
        "bvc_store_query_duration_seconds",
        "Store query latency by operation.",
        ["operation"]
    );
    event_log_appended: IntCounterVec = counter(
        "bvc_event_log_records_total",
        "Event log records by outcome (written, dropped).",
        ["outcome"]
    );
    breaker_state: IntGaugeVec = gauge(
        "bvc_circuit_breaker_state",
        "1 for the state each circuit breaker is in (closed, open, half_open), 0 for the others.",
        ["breaker", "state"]
    );
    breaker_failure_rate: GaugeVec = float_gauge(
        "bvc_circuit_breaker_failure_rate",
        "Failure share (slow calls included) over each breaker's sliding window.",
        ["breaker"]
    );
    breaker_calls: IntCounterVec = counter(
        "bvc_circuit_breaker_calls_total",
        "Calls through each circuit breaker by outcome (success, failure, slow, rejected).",
        ["breaker", "outcome"]
    );
    carousels: IntCounterVec = counter(
        "bvc_carousels_total",
        "Carousel workflows ended, by outcome (done, failed, cancelled).",
        ["outcome"]
    );
    workflow_step_seconds: HistogramVec = latency(
        "bvc_workflow_step_duration_seconds",
        "Carousel workflow step duration (writing, rendering, sending), retries included.",
        ["step"]
    );
    outbox: IntCounterVec = counter(
        "bvc_outbox_rows_total",
        "Outbox rows handled by this replica's dispatcher, by outcome (sent, refused, retried, deferred by pacing, failed after its last attempt).",
        ["outcome"]
    );
    limited: IntCounterVec = counter(
        "bvc_limited_total",
        "Work refused by a limit, by reason (flood: past a user's update limit; ask, wisdom, carousel, pdf: a user's quota; busy: the process-wide caps; not_allowed: a user outside ALLOWED_USER_IDS).",
        ["reason"]
    );
    dropped_messages: IntCounterVec = counter(
        "bvc_actor_messages_dropped_total",
        "Fire-and-forget notices (analytics) dropped because the receiving actor's mailbox was full, by receiving actor.",
        ["actor"]
    );
    store_pool: IntGaugeVec = gauge(
        "bvc_store_pool_connections",
        "Store connections by state (in_use, idle) and callers waiting for one (waiting), read per scrape.",
        ["state"]
    );
    queue_depth: IntGaugeVec = gauge(
        "bvc_queue_depth",
        "Work waiting in the store, read per scrape: updates not yet finished (updates_open), outbox rows a sender may claim now (outbox_due) and outbox rows by status (outbox_pending, outbox_sending, outbox_sent, outbox_failed); and audit records waiting for the event log's writer in this process (event_log).",
        ["queue"]
    );
    workflows: IntGaugeVec = gauge(
        "bvc_workflows",
        "Carousel workflows in the store by state, read per scrape.",
        ["state"]
    );
    actor_handling_seconds: HistogramVec = latency(
        "bvc_actor_handling_duration_seconds",
        "Time an actor spends handling one message, by actor, message kind and outcome (ok, failed).",
        ["actor", "message", "outcome"]
    );
    mailbox_depth: IntGaugeVec = gauge(
        "bvc_actor_mailbox_depth",
        "Messages sent to an actor and not yet taken up by its handler, by actor.",
        ["actor"]
    );
    missing_glyphs: IntCounterVec = counter(
        "bvc_render_missing_glyphs_total",
        "Characters drawn as boxes because no bundled font covers them (process-wide).",
        []
    );
    external_call_seconds: HistogramVec = latency(
        "bvc_external_call_duration_seconds",
        "One call to the language model (service=model) or the Bot API (service=telegram), by call and outcome (ok; Bot API: flood_wait, transient, refused; model: timeout, transient, unusable, refused).",
        ["service", "call", "outcome"]
    );
}

/// CPU, RSS, open fds and start time of this process, as `process_*`; answers their names.
fn register_process_metrics(registry: &Registry) -> Vec<String> {
    let process = prometheus::process_collector::ProcessCollector::for_self();
    let names = prometheus::core::Collector::desc(&process)
        .iter()
        .map(|d| d.fq_name.clone())
        .collect();
    registry
        .register(Box::new(process))
        .expect("one process collector per registry");
    names
}

/// `bvc_limited_total`'s reasons: a user's update limit, the per-user quotas, the process-wide
/// caps, the allowlist.
pub const LIMIT_REASONS: [&str; 8] = [
    "flood",
    "ask",
    "wisdom",
    "carousel",
    "pdf",
    "rewrite",
    "busy",
    "not_allowed",
];

/// `bvc_outbox_rows_total`'s outcomes.
pub const OUTBOX_OUTCOMES: [&str; 5] = ["sent", "refused", "retried", "deferred", "failed"];

/// `bvc_event_log_records_total`'s outcomes.
pub const EVENT_LOG_OUTCOMES: [&str; 2] = ["written", "dropped"];

impl Metrics {
    /// Every counter series of a fixed label set exists from the start at 0. A series born at its
    /// first event already incremented is invisible to `increase()` and `rate()` for that first
    /// burst, so an alert on it would miss exactly the first time it matters.
    fn start_at_zero(&self) {
        self.missing_glyphs.with_label_values::<&str>(&[]);
        for reason in LIMIT_REASONS {
            self.limited.with_label_values(&[reason]);
        }
        for outcome in OUTBOX_OUTCOMES {
            self.outbox.with_label_values(&[outcome]);
        }
        for outcome in EVENT_LOG_OUTCOMES {
            self.event_log_appended.with_label_values(&[outcome]);
        }
        use crate::domain::WorkflowState;
        for state in WorkflowState::ALL.iter().filter(|state| state.is_final()) {
            self.carousels.with_label_values(&[state.as_str()]);
        }
        for step in [
            WorkflowState::Writing,
            WorkflowState::Rendering,
            WorkflowState::Sending,
        ] {
            self.workflow_step_seconds
                .with_label_values(&[step.as_str()]);
        }
    }

    /// Series of one supervised actor that alerts count, at 0 from its registration.
    pub fn register_actor(&self, actor: &str) {
        self.actor_restarts.with_label_values(&[actor]);
        self.dropped_messages.with_label_values(&[actor]);
        for outcome in ["handled", "failed", "refused"] {
            self.actor_messages.with_label_values(&[actor, outcome]);
        }
    }

    /// Brings the breaker series up to date with the breakers' own counts (called per scrape).
    pub fn observe_breakers(&self, breakers: &[crate::resilience::breaker::BreakerSnapshot]) {
        use crate::resilience::breaker::BreakerState;
        let _one_at_a_time = self
            .breaker_catch_up
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        for b in breakers {
            for state in [
                BreakerState::Closed,
                BreakerState::Open,
                BreakerState::HalfOpen,
            ] {
                self.breaker_state
                    .with_label_values(&[b.name, state.as_str()])
                    .set(i64::from(b.state == state));
            }
            self.breaker_failure_rate
                .with_label_values(&[b.name])
                .set(b.failure_rate);
            for (outcome, total) in [
                ("success", b.calls.success),
                ("failure", b.calls.failure),
                ("slow", b.calls.slow),
                ("rejected", b.calls.rejected),
            ] {
                let counter = self.breaker_calls.with_label_values(&[b.name, outcome]);
                // The breaker's totals only grow; the counter catches up by the difference.
                counter.inc_by(total.saturating_sub(counter.get()));
            }
        }
    }

    /// Brings the store gauges up to date (called per scrape).
    pub fn observe_store(
        &self,
        pool: crate::store::PoolStatus,
        depths: Option<&crate::store::QueueDepths>,
    ) {
        let gauge = |state: &str, n: usize| {
            self.store_pool
                .with_label_values(&[state])
                .set(i64::try_from(n).unwrap_or(i64::MAX));
        };
        gauge("in_use", pool.open.saturating_sub(pool.idle));
        gauge("idle", pool.idle);
        gauge("waiting", pool.waiting);
        let Some(depths) = depths else {
            return;
        };
        self.queue_depth
            .with_label_values(&["updates_open"])
            .set(depths.open_updates);
        self.queue_depth
            .with_label_values(&["outbox_due"])
            .set(depths.outbox_due);
        // Statuses and states are the store's fixed sets; unknown ones are not exported.
        for status in crate::domain::OutboxStatus::ALL.iter().map(|s| s.as_str()) {
            let n = depths
                .outbox
                .iter()
                .find(|(s, _)| s == status)
                .map_or(0, |(_, n)| *n);
            self.queue_depth
                .with_label_values(&[&format!("outbox_{status}")])
                .set(n);
        }
        for state in crate::domain::WorkflowState::ALL.iter().map(|s| s.as_str()) {
            let n = depths
                .workflows
                .iter()
                .find(|(s, _)| s == state)
                .map_or(0, |(_, n)| *n);
            self.workflows.with_label_values(&[state]).set(n);
        }
    }

    /// The names of every family this application exports, whether or not it has samples yet.
    pub fn family_names(&self) -> &[String] {
        &self.families
    }

    /// Brings the missing-glyph counter up to the renderer's own count: rendering is a pure
    /// library that counts in a process-wide atomic rather than knowing any registry.
    fn catch_up_missing_glyphs(&self) {
        let _one_at_a_time = self
            .breaker_catch_up
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        let counter = self.missing_glyphs.with_label_values::<&str>(&[]);
        let drawn = crate::render::fonts::missing_glyphs_drawn();
        if drawn > counter.get() {
            counter.inc_by(drawn - counter.get());
        }
    }

    /// Prometheus text exposition format.
    pub fn render(&self) -> String {
        self.catch_up_missing_glyphs();
        let mut buffer = Vec::new();
        let encoder = TextEncoder::new();
        if let Err(e) = encoder.encode(&self.registry.gather(), &mut buffer) {
            tracing::error!(error = %e, "could not encode metrics");
        }
        String::from_utf8_lossy(&buffer).into_owned()
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

/// Milliseconds since `since`, as the timings in events and logs are given.
pub fn elapsed_ms(since: std::time::Instant) -> u64 {
    u64::try_from(since.elapsed().as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_of_fixed_label_sets_are_exported_at_zero_before_any_event() {
        let metrics = Metrics::new();
        metrics.register_actor("gateway");
        let text = metrics.render();
        for line in [
            r#"bvc_limited_total{reason="not_allowed"} 0"#,
            r#"bvc_event_log_records_total{outcome="dropped"} 0"#,
            r#"bvc_carousels_total{outcome="failed"} 0"#,
            r#"bvc_carousels_total{outcome="cancelled"} 0"#,
            r#"bvc_outbox_rows_total{outcome="refused"} 0"#,
            r#"bvc_actor_restarts_total{actor="gateway"} 0"#,
            r#"bvc_actor_messages_dropped_total{actor="gateway"} 0"#,
        ] {
            assert!(text.contains(line), "missing {line}");
        }
    }

    #[test]
    fn every_quota_kind_is_a_limit_reason() {
        for kind in crate::domain::QuotaKind::ALL {
            assert!(LIMIT_REASONS.contains(&kind.as_str()), "{kind:?}");
        }
    }
}
