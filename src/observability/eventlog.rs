//! The persisted audit trail: every envelope that crosses actors is appended here, written in
//! batches by a background task, and pruned after the configured retention.
use crate::app::config::EventLogSettings;
use crate::app::error::AppError;
use crate::observability::metrics::Metrics;
use crate::resilience::retry::{retry, RetryPolicy};
use crate::store::group_commit::Batcher;
use crate::store::{Events, NewEvent};
use std::time::Duration;

pub use crate::messages::EventRecord;

/// The row the log writes for a record: its trace named by the trace id alone.
fn row_of(record: EventRecord) -> NewEvent {
    let EventRecord {
        id,
        event_type,
        correlation_id,
        causation_id,
        source,
        payload,
        occurred_at,
        trace,
    } = record;
    NewEvent {
        id: id.to_string(),
        event_type: event_type.to_string(),
        correlation_id: correlation_id.to_string(),
        causation_id: causation_id.map(|c| c.to_string()),
        source,
        payload,
        occurred_at,
        trace_id: trace
            .as_deref()
            .and_then(crate::observability::telemetry::trace_id_of),
    }
}

/// Handle to append records. Cloned into every link between actors.
#[derive(Clone)]
pub struct EventLog {
    writer: Option<Batcher<EventRecord, ()>>,
    metrics: Option<Metrics>,
}

/// How often a batch of audit records is tried when the store answers with an error that is not
/// an outage, before it is given up.
const WRITE_ATTEMPTS: u32 = 5;

/// An outage is waited out (retried without end, 50 ms doubling to 5 s).
const WRITE_RETRIES: RetryPolicy = RetryPolicy {
    attempts: usize::MAX,
    first_delay: Duration::from_millis(50),
    max_delay: Duration::from_secs(5),
};

impl EventLog {
    /// A log that keeps nothing: for actors under test with probes around them.
    /// Counts a notice an actor's full mailbox refused (`Outbox::tell`).
    pub fn count_dropped_notice(&self, to: &'static str) {
        if let Some(metrics) = &self.metrics {
            metrics.dropped_messages.with_label_values(&[to]).inc();
        }
    }

    /// The mailbox-depth gauge of actor `to` (none for a log that keeps nothing).
    pub fn mailbox_gauge(&self, to: &'static str) -> Option<prometheus::IntGauge> {
        let metrics = self.metrics.as_ref()?;
        Some(metrics.mailbox_depth.with_label_values(&[to]))
    }

    /// Records waiting to be written (bounded by the queue capacity).
    pub fn queued(&self) -> usize {
        self.writer.as_ref().map_or(0, Batcher::queued)
    }

    pub fn disabled() -> EventLog {
        EventLog {
            writer: None,
            metrics: None,
        }
    }

    /// Starts the batch writer and the retention task on the current runtime.
    pub fn start(events: Events, settings: &EventLogSettings, metrics: Metrics) -> EventLog {
        let writer_events = events.clone();
        let write_metrics = metrics.clone();
        let writer = Batcher::spawn(
            "event_log",
            settings.queue_capacity,
            settings.batch_size,
            1,
            events.batch_linger(),
            move |records: Vec<EventRecord>| {
                let store = writer_events.clone();
                let metrics = write_metrics.clone();
                async move {
                    let count = records.len();
                    let rows: Vec<NewEvent> = records.into_iter().map(row_of).collect();
                    // An outage ends: wait for the store (new records queue meanwhile, bounded
                    // by the queue capacity) rather than lose the audit trail.
                    let mut other_failures = 0;
                    let written = retry(
                        "event log write",
                        &WRITE_RETRIES,
                        |e: &AppError| {
                            other_failures += u32::from(!e.is_store_outage());
                            e.is_store_outage() || other_failures < WRITE_ATTEMPTS
                        },
                        || store.append_events(&rows),
                    )
                    .await;
                    let outcome = if written.is_ok() {
                        "written"
                    } else {
                        "dropped"
                    };
                    if let Err(e) = &written {
                        tracing::error!(error = %e, records = count, "event log write failed; records dropped");
                    }
                    metrics
                        .event_log_appended
                        .with_label_values(&[outcome])
                        .inc_by(count as u64);
                    Ok(vec![(); count])
                }
            },
        );
        if settings.retention_days > 0 {
            let retention = chrono::Duration::days(i64::from(settings.retention_days));
            tokio::spawn(async move {
                let mut every_hour = tokio::time::interval(Duration::from_secs(3600));
                loop {
                    every_hour.tick().await;
                    let cutoff = chrono::Utc::now().naive_utc() - retention;
                    match events.prune_events(cutoff).await {
                        Ok(0) => {}
                        Ok(n) => tracing::info!(pruned = n, "event log retention applied"),
                        Err(e) => {
                            tracing::warn!(error = %e, "event log retention failed; will retry")
                        }
                    }
                }
            });
        }
        EventLog {
            writer: Some(writer),
            metrics: Some(metrics),
        }
    }

    pub fn append(&self, record: EventRecord) {
        if let Some(writer) = &self.writer {
            if !writer.offer(record) {
                tracing::warn!("event log queue full; record dropped");
                if let Some(m) = &self.metrics {
                    m.event_log_appended.with_label_values(&["dropped"]).inc();
                }
            }
        }
    }

    /// Writes everything appended so far; called on shutdown and by tests.
    pub async fn flush(&self) {
        if let Some(writer) = &self.writer {
            writer.flush().await;
        }
    }
}
