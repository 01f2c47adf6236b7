//! The OTLP exporter, with its failures logged: the SDK drops a batch it cannot send without a
//! word (we build it without its internal logs), so a collector that is down, refuses us or is
//! misnamed would otherwise cost every trace silently.
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::trace::{SpanData, SpanExporter};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// At most one warning per this interval; the failures in between are counted in the next one.
const REPORT_EVERY: Duration = Duration::from_secs(60);

#[derive(Debug)]
pub struct Reporting<E> {
    inner: E,
    failures: FailureReport,
}

impl<E> Reporting<E> {
    pub fn new(inner: E) -> Reporting<E> {
        Reporting {
            inner,
            failures: FailureReport::default(),
        }
    }
}

impl<E: SpanExporter> SpanExporter for Reporting<E> {
    async fn export(&self, batch: Vec<SpanData>) -> OTelSdkResult {
        let spans = batch.len();
        let result = self.inner.export(batch).await;
        if let Err(e) = &result {
            if let Some(unreported) = self.failures.note(Instant::now()) {
                tracing::warn!(
                    error = %e,
                    spans,
                    failed_exports_since_last_warning = unreported,
                    "spans not exported over OTLP (is the collector at OTEL_EXPORTER_OTLP_ENDPOINT up?)"
                );
            }
        }
        result
    }

    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        self.inner.shutdown_with_timeout(timeout)
    }

    fn force_flush(&self) -> OTelSdkResult {
        self.inner.force_flush()
    }

    fn set_resource(&mut self, resource: &opentelemetry_sdk::Resource) {
        self.inner.set_resource(resource);
    }
}

/// Counts failures and says when one should be reported.
#[derive(Debug, Default)]
struct FailureReport {
    last_reported: Mutex<Option<Instant>>,
    since: AtomicU64,
}

impl FailureReport {
    /// Notes one failure at `now`; answers how many went unreported before it when this one is
    /// to be reported.
    fn note(&self, now: Instant) -> Option<u64> {
        let mut last = self.last_reported.lock().unwrap_or_else(|e| e.into_inner());
        if last.is_some_and(|at| now.duration_since(at) < REPORT_EVERY) {
            self.since.fetch_add(1, Ordering::Relaxed);
            return None;
        }
        *last = Some(now);
        Some(self.since.swap(0, Ordering::Relaxed))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn export_failures_are_reported_once_a_minute_with_the_count_in_between() {
        let report = FailureReport::default();
        let start = Instant::now();
        assert_eq!(report.note(start), Some(0));
        assert_eq!(report.note(start + Duration::from_secs(1)), None);
        assert_eq!(report.note(start + Duration::from_secs(59)), None);
        assert_eq!(report.note(start + Duration::from_secs(61)), Some(2));
        assert_eq!(report.note(start + Duration::from_secs(62)), None);
    }
}
