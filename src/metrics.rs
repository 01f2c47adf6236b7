//! Prometheus metrics. Each application instance owns its registry, so tests running several
//! apps in one process never collide.
use prometheus::{
    Encoder, GaugeVec, HistogramOpts, HistogramVec, IntCounterVec, IntGaugeVec, Opts, Registry,
    TextEncoder,
};

#[derive(Clone)]
pub struct Metrics {
    pub registry: Registry,
    pub http_requests: IntCounterVec,
    pub http_request_seconds: HistogramVec,
    pub updates: IntCounterVec,
    pub actor_messages: IntCounterVec,
    pub actor_restarts: IntCounterVec,
    pub actor_up: IntGaugeVec,
    pub store_query_seconds: HistogramVec,
    pub event_log_appended: IntCounterVec,
    pub breaker_state: IntGaugeVec,
    pub breaker_failure_rate: GaugeVec,
    pub breaker_calls: IntCounterVec,
    pub carousels: IntCounterVec,
    pub workflow_step_seconds: HistogramVec,
    pub outbox: IntCounterVec,
    pub limited: IntCounterVec,
    pub dropped_messages: IntCounterVec,
    pub store_pool: IntGaugeVec,
    pub queue_depth: IntGaugeVec,
    pub workflows: IntGaugeVec,
    pub actor_handling_seconds: HistogramVec,
    pub mailbox_depth: IntGaugeVec,
    pub external_call_seconds: HistogramVec,
    /// Every metric family this application exports (for checking dashboards and rules).
    families: std::sync::Arc<Vec<String>>,
    /// Scrapes run on several HTTP workers: one catch-up of the breaker counters at a time, so
    /// two scrapes never add the same difference twice.
    breaker_catch_up: std::sync::Arc<std::sync::Mutex<()>>,
}

/// Latency buckets from 0.25 ms to 10 s: webhook acks live at the low end, AI calls at the top.
const LATENCY_BUCKETS: &[f64] = &[
    0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

impl Metrics {
    pub fn new() -> Metrics {
        let registry = Registry::new();
        let http_requests = IntCounterVec::new(
            Opts::new(
                "bvc_http_requests_total",
                "HTTP requests by route and status.",
            ),
            &["route", "method", "status"],
        )
        .expect("static metric definition");
        let http_request_seconds = HistogramVec::new(
            HistogramOpts::new(
                "bvc_http_request_duration_seconds",
                "HTTP request latency by route.",
            )
            .buckets(LATENCY_BUCKETS.to_vec()),
            &["route"],
        )
        .expect("static metric definition");
        let updates = IntCounterVec::new(
            Opts::new(
                "bvc_telegram_updates_total",
                "Telegram updates by kind and outcome (accepted, deferred, duplicate, rejected).",
            ),
            &["kind", "outcome"],
        )
        .expect("static metric definition");
        let actor_messages = IntCounterVec::new(
            Opts::new(
                "bvc_actor_messages_total",
                "Messages handled by actors, by outcome.",
            ),
            &["actor", "outcome"],
        )
        .expect("static metric definition");
        let actor_restarts = IntCounterVec::new(
            Opts::new(
                "bvc_actor_restarts_total",
                "Actor restarts performed by supervisors.",
            ),
            &["actor"],
        )
        .expect("static metric definition");
        let actor_up = IntGaugeVec::new(
            Opts::new("bvc_actor_up", "1 when the actor is running, 0 otherwise."),
            &["actor"],
        )
        .expect("static metric definition");
        let store_query_seconds = HistogramVec::new(
            HistogramOpts::new(
                "bvc_store_query_duration_seconds",
                "Store query latency by operation.",
            )
            .buckets(LATENCY_BUCKETS.to_vec()),
            &["operation"],
        )
        .expect("static metric definition");
        let event_log_appended = IntCounterVec::new(
            Opts::new(
                "bvc_event_log_records_total",
                "Event log records by outcome (written, dropped).",
            ),
            &["outcome"],
        )
        .expect("static metric definition");
        let breaker_state = IntGaugeVec::new(
            Opts::new(
                "bvc_circuit_breaker_state",
                "1 for the state each circuit breaker is in (closed, open, half_open), 0 for the others.",
            ),
            &["breaker", "state"],
        )
        .expect("static metric definition");
        let breaker_failure_rate = GaugeVec::new(
            Opts::new(
                "bvc_circuit_breaker_failure_rate",
                "Failure share (slow calls included) over each breaker's sliding window.",
            ),
            &["breaker"],
        )
        .expect("static metric definition");
        let breaker_calls = IntCounterVec::new(
            Opts::new(
                "bvc_circuit_breaker_calls_total",
                "Calls through each circuit breaker by outcome (success, failure, slow, rejected).",
            ),
            &["breaker", "outcome"],
        )
        .expect("static metric definition");
        let carousels = IntCounterVec::new(
            Opts::new(
                "bvc_carousels_total",
                "Carousel workflows ended, by outcome (done, failed, cancelled).",
            ),
            &["outcome"],
        )
        .expect("static metric definition");
        let workflow_step_seconds = HistogramVec::new(
            HistogramOpts::new(
                "bvc_workflow_step_duration_seconds",
                "Carousel workflow step duration (writing, rendering, sending), retries included.",
            )
            .buckets(LATENCY_BUCKETS.to_vec()),
            &["step"],
        )
        .expect("static metric definition");
        let outbox = IntCounterVec::new(
            Opts::new(
                "bvc_outbox_rows_total",
                "Outbox rows handled by this replica's dispatcher, by outcome (sent, refused, \
                 retried, deferred by pacing, failed after its last attempt).",
            ),
            &["outcome"],
        )
        .expect("static metric definition");
        let limited = IntCounterVec::new(
            Opts::new(
                "bvc_limited_total",
                "Work refused by a limit, by reason (flood: past a user's update limit; ask, \
                 wisdom, carousel, pdf: a user's quota; busy: the process-wide caps; \
                 not_allowed: a user outside ALLOWED_USER_IDS).",
            ),
            &["reason"],
        )
        .expect("static metric definition");
        let dropped_messages = IntCounterVec::new(
            Opts::new(
                "bvc_actor_messages_dropped_total",
                "Fire-and-forget notices (analytics) dropped because the receiving actor's \
                 mailbox was full, by receiving actor.",
            ),
            &["actor"],
        )
        .expect("static metric definition");
        let store_pool = IntGaugeVec::new(
            Opts::new(
                "bvc_store_pool_connections",
                "Store connections by state (in_use, idle) and callers waiting for one (waiting), \
                 read per scrape.",
            ),
            &["state"],
        )
        .expect("static metric definition");
        let queue_depth = IntGaugeVec::new(
            Opts::new(
                "bvc_queue_depth",
                "Work waiting in the store, read per scrape: updates not yet finished \
                 (updates_open), outbox rows a sender may claim now (outbox_due) and outbox \
                 rows by status (outbox_pending, outbox_sending, \
                 outbox_sent, outbox_failed); and audit records waiting for the event log's \
                 writer in this process (event_log).",
            ),
            &["queue"],
        )
        .expect("static metric definition");
        let workflows = IntGaugeVec::new(
            Opts::new(
                "bvc_workflows",
                "Carousel workflows in the store by state, read per scrape.",
            ),
            &["state"],
        )
        .expect("static metric definition");
        let actor_handling_seconds = HistogramVec::new(
            HistogramOpts::new(
                "bvc_actor_handling_duration_seconds",
                "Time an actor spends handling one message, by actor, message kind and outcome \
                 (ok, failed).",
            )
            .buckets(LATENCY_BUCKETS.to_vec()),
            &["actor", "message", "outcome"],
        )
        .expect("static metric definition");
        let mailbox_depth = IntGaugeVec::new(
            Opts::new(
                "bvc_actor_mailbox_depth",
                "Messages sent to an actor and not yet taken up by its handler, by actor.",
            ),
            &["actor"],
        )
        .expect("static metric definition");
        let external_call_seconds = HistogramVec::new(
            HistogramOpts::new(
                "bvc_external_call_duration_seconds",
                "One call to the language model (service=model) or the Bot API \
                 (service=telegram), by call and outcome (ok; Bot API: flood_wait, \
                 transient, refused; model: timeout, transient, unusable, refused).",
            )
            .buckets(LATENCY_BUCKETS.to_vec()),
            &["service", "call", "outcome"],
        )
        .expect("static metric definition");
        let mut families = Vec::new();
        // CPU, RSS, open fds and start time of this process, as `process_*`.
        let process = prometheus::process_collector::ProcessCollector::for_self();
        families.extend(
            prometheus::core::Collector::desc(&process)
                .iter()
                .map(|d| d.fq_name.clone()),
        );
        registry
            .register(Box::new(process))
            .expect("one process collector per registry");
        for collector in [
            Box::new(breaker_state.clone()) as Box<dyn prometheus::core::Collector>,
            Box::new(store_pool.clone()),
            Box::new(queue_depth.clone()),
            Box::new(workflows.clone()),
            Box::new(actor_handling_seconds.clone()),
            Box::new(mailbox_depth.clone()),
            Box::new(external_call_seconds.clone()),
            Box::new(limited.clone()),
            Box::new(dropped_messages.clone()),
            Box::new(outbox.clone()),
            Box::new(carousels.clone()),
            Box::new(workflow_step_seconds.clone()),
            Box::new(breaker_failure_rate.clone()),
            Box::new(breaker_calls.clone()),
            Box::new(http_requests.clone()),
            Box::new(http_request_seconds.clone()),
            Box::new(updates.clone()),
            Box::new(actor_messages.clone()),
            Box::new(actor_restarts.clone()),
            Box::new(actor_up.clone()),
            Box::new(store_query_seconds.clone()),
            Box::new(event_log_appended.clone()),
        ] {
            families.extend(collector.desc().iter().map(|d| d.fq_name.clone()));
            registry
                .register(collector)
                .expect("metric names are unique");
        }
        Metrics {
            registry,
            http_requests,
            http_request_seconds,
            updates,
            actor_messages,
            actor_restarts,
            actor_up,
            store_query_seconds,
            event_log_appended,
            breaker_state,
            breaker_failure_rate,
            breaker_calls,
            carousels,
            workflow_step_seconds,
            outbox,
            limited,
            dropped_messages,
            store_pool,
            queue_depth,
            workflows,
            actor_handling_seconds,
            mailbox_depth,
            external_call_seconds,
            families: std::sync::Arc::new(families),
            breaker_catch_up: Default::default(),
        }
    }

    /// Brings the breaker series up to date with the breakers' own counts (called per scrape).
    pub fn observe_breakers(&self, breakers: &[crate::supervisors::breaker::BreakerSnapshot]) {
        use crate::supervisors::breaker::BreakerState;
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
        for status in ["pending", "sending", "sent", "failed"] {
            let n = depths
                .outbox
                .iter()
                .find(|(s, _)| s == status)
                .map_or(0, |(_, n)| *n);
            self.queue_depth
                .with_label_values(&[&format!("outbox_{status}")])
                .set(n);
        }
        for state in crate::store::WorkflowState::ALL {
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

    /// Prometheus text exposition format.
    pub fn render(&self) -> String {
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
