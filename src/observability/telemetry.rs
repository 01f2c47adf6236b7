//! Logging and tracing set-up. `RUST_LOG` filters the log, `LOG_FORMAT` picks pretty or JSON
//! lines. With `OTEL_EXPORTER_OTLP_ENDPOINT` (or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) set, our
//! spans are also exported as OpenTelemetry traces over OTLP (`OTEL_EXPORTER_OTLP_PROTOCOL`:
//! `http/protobuf`, the default, or `grpc`); the SDK reads the other standard variables itself
//! (`OTEL_SERVICE_NAME`, `OTEL_TRACES_SAMPLER`/`_ARG`, `OTEL_BSP_*`, headers, timeouts).
//!
//! A trace crosses actors, the store and processes as a W3C `traceparent` string: envelopes,
//! outbox rows and workflow rows carry one (see [`current_traceparent`]).
use crate::app::config::LogFormat;
use crate::app::error::AppError;
use opentelemetry::trace::{SpanContext, TraceContextExt, TracerProvider as _};
use opentelemetry::Context;
use opentelemetry_sdk::propagation::TraceContextPropagator;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing_opentelemetry::OpenTelemetrySpanExt;
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{fmt, EnvFilter, Layer};

mod exporter;
mod logs;
pub use logs::Escaped;

/// Where and how spans are exported, read from the standard `OTEL_*` variables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OtelPlan {
    pub protocol: OtlpProtocol,
    /// `OTEL_SERVICE_NAME`, or ours when it is not set.
    pub service_name: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OtlpProtocol {
    HttpProtobuf,
    Grpc,
}

/// The export plan for these variables: `None` when no endpoint is set or `OTEL_SDK_DISABLED`
/// is true; an error names a variable we cannot honour.
pub fn otel_plan(var: impl Fn(&str) -> Option<String>) -> Result<Option<OtelPlan>, AppError> {
    let set = |name: &str| var(name).filter(|v| !v.trim().is_empty());
    if set("OTEL_SDK_DISABLED").is_some_and(|v| v.trim().eq_ignore_ascii_case("true")) {
        return Ok(None);
    }
    if set("OTEL_EXPORTER_OTLP_ENDPOINT").is_none()
        && set("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT").is_none()
    {
        return Ok(None);
    }
    let protocol_var = [
        "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL",
        "OTEL_EXPORTER_OTLP_PROTOCOL",
    ]
    .into_iter()
    .find_map(|name| set(name).map(|value| (name, value)));
    let protocol = match protocol_var {
        None => OtlpProtocol::HttpProtobuf,
        Some((name, value)) => match value.trim().to_ascii_lowercase().as_str() {
            "http/protobuf" => OtlpProtocol::HttpProtobuf,
            "grpc" => OtlpProtocol::Grpc,
            other => {
                return Err(AppError::config(
                    name,
                    format!("`{other}` is not supported: use http/protobuf or grpc"),
                ))
            }
        },
    };
    Ok(Some(OtelPlan {
        protocol,
        service_name: set("OTEL_SERVICE_NAME"),
    }))
}

/// Keeps the span exporter alive; [`Telemetry::shutdown`] sends what is buffered.
#[derive(Default)]
pub struct Telemetry {
    provider: Option<SdkTracerProvider>,
}

impl Telemetry {
    pub fn exporting(&self) -> bool {
        self.provider.is_some()
    }

    /// Flushes buffered spans and stops the exporter, on a blocking thread: the exporter may
    /// need this runtime (gRPC) while the flush waits.
    pub async fn shutdown(self) {
        let Some(provider) = self.provider else {
            return;
        };
        let flushed = tokio::task::spawn_blocking(move || provider.shutdown()).await;
        match flushed {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::warn!(error = %e, "spans not all exported at shutdown"),
            Err(e) => tracing::warn!(error = %e, "span exporter shutdown failed"),
        }
    }
}

/// Whether this process exports traces: work that only feeds traces (span links, trace
/// context captured per batched row) is skipped when it does not.
static EXPORTING: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// True once spans are exported over OTLP.
pub fn exporting() -> bool {
    EXPORTING.load(std::sync::atomic::Ordering::Relaxed)
}

/// Colours only for a person at a terminal (and never with `NO_COLOR`, https://no-color.org).
fn colours_wanted() -> bool {
    use std::io::IsTerminal;
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Installs the global subscriber once; later calls (tests) are ignored. Call it inside the
/// runtime that will run the service: the gRPC exporter keeps a task on it.
pub fn init(format: LogFormat) -> Result<Telemetry, AppError> {
    let plan = otel_plan(|name| std::env::var(name).ok())?;
    let provider = plan.map(|plan| tracer_provider(&plan)).transpose()?;
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,actix_web=warn,actix_server=warn"));
    let log = fmt::layer().with_writer(std::io::stderr);
    let log = match format {
        LogFormat::Json => log
            .fmt_fields(fmt::format::JsonFields::new())
            .event_format(logs::JsonLines)
            .with_filter(filter)
            .boxed(),
        LogFormat::Pretty => log
            .compact()
            .with_ansi(colours_wanted())
            .fmt_fields(logs::EscapedFields)
            .with_filter(filter)
            .boxed(),
    };
    // Only our own spans become trace spans (down to store queries at debug level): the HTTP
    // clients' spans would also trace the exporter's own requests.
    let traces = provider.as_ref().map(|provider| {
        tracing_opentelemetry::layer()
            .with_tracer(provider.tracer("bible-vibecoder"))
            .with_filter(
                Targets::new()
                    .with_target("bible_vibecoder", LevelFilter::DEBUG)
                    .with_default(LevelFilter::OFF),
            )
    });
    let installed = tracing_subscriber::registry()
        .with(log)
        .with(traces)
        .try_init()
        .is_ok();
    if installed && provider.is_some() {
        EXPORTING.store(true, std::sync::atomic::Ordering::Relaxed);
        tracing::info!(
            service_instance_id = %instance_id(),
            "exporting traces over OTLP"
        );
    }
    Ok(Telemetry {
        provider: provider.filter(|_| installed),
    })
}

/// This process's `service.instance.id` (unless `OTEL_RESOURCE_ATTRIBUTES` names one): tells
/// replicas' spans apart.
pub fn instance_id() -> &'static str {
    static ID: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    ID.get_or_init(|| uuid::Uuid::now_v7().to_string())
}

fn tracer_provider(plan: &OtelPlan) -> Result<SdkTracerProvider, AppError> {
    use opentelemetry::KeyValue;
    use opentelemetry_otlp::SpanExporter;
    let exporter = match plan.protocol {
        OtlpProtocol::HttpProtobuf => SpanExporter::builder().with_http().build(),
        OtlpProtocol::Grpc => SpanExporter::builder().with_tonic().build(),
    }
    .map_err(|e| AppError::config("OTEL_EXPORTER_OTLP_ENDPOINT", e))?;
    // The builder starts from OTEL_RESOURCE_ATTRIBUTES and OTEL_SERVICE_NAME; ours only fill gaps.
    let mut resource = opentelemetry_sdk::Resource::builder();
    if plan.service_name.is_none() {
        resource = resource.with_service_name("bible-vibecoder");
    }
    let named = |key: &str| {
        std::env::var("OTEL_RESOURCE_ATTRIBUTES")
            .is_ok_and(|attributes| attributes.split(',').any(|kv| kv.trim().starts_with(key)))
    };
    if !named("service.version=") {
        resource =
            resource.with_attribute(KeyValue::new("service.version", env!("CARGO_PKG_VERSION")));
    }
    if !named("service.instance.id=") {
        resource = resource.with_attribute(KeyValue::new("service.instance.id", instance_id()));
    }
    Ok(SdkTracerProvider::builder()
        .with_batch_exporter(exporter::Reporting::new(exporter))
        .with_resource(resource.build())
        .build())
}

/// The current span as a W3C `traceparent`, when it belongs to an exported trace.
pub fn current_traceparent() -> Option<String> {
    let context = tracing::Span::current().context();
    let span = context.span();
    traceparent_of(span.span_context())
}

fn traceparent_of(span: &SpanContext) -> Option<String> {
    use opentelemetry::propagation::TextMapPropagator;
    if !span.is_valid() {
        return None;
    }
    let mut carrier = std::collections::HashMap::new();
    let context = Context::new().with_remote_span_context(span.clone());
    TraceContextPropagator::new().inject_context(&context, &mut carrier);
    carrier.remove("traceparent")
}

/// The remote span a `traceparent` names (W3C Trace Context, read by OpenTelemetry's own
/// propagator); `None` for anything malformed.
pub fn span_context_of(traceparent: &str) -> Option<SpanContext> {
    use opentelemetry::propagation::TextMapPropagator;
    let carrier =
        std::collections::HashMap::from([("traceparent".to_string(), traceparent.to_string())]);
    let context = TraceContextPropagator::new().extract(&carrier);
    let span = context.span().span_context().clone();
    span.is_valid().then_some(span)
}

/// The trace id of a `traceparent` (32 hex digits), for the event log and `trace`.
pub fn trace_id_of(traceparent: &str) -> Option<String> {
    span_context_of(traceparent).map(|c| c.trace_id().to_string())
}

/// Makes `span` a child of the remote span `traceparent` names (no-op when there is none).
pub fn continue_trace(span: &tracing::Span, traceparent: Option<&str>) {
    if let Some(remote) = traceparent.and_then(span_context_of) {
        let _ = span.set_parent(Context::new().with_remote_span_context(remote));
    }
}

/// The current span's context, for a link to it later; `None` unless traces are exported.
pub fn current_span_context() -> Option<SpanContext> {
    if !exporting() {
        return None;
    }
    let context = tracing::Span::current().context();
    let span = context.span().span_context().clone();
    span.is_valid().then_some(span)
}

/// The span of one group commit (`<batcher> group commit`), linked to the spans of the rows it
/// writes; none when no row came from a traced span (nothing to tell about a write nobody waits
/// on in a trace).
pub fn group_commit_span(
    batcher: &'static str,
    rows: usize,
    links: Vec<SpanContext>,
) -> tracing::Span {
    if links.is_empty() {
        return tracing::Span::none();
    }
    let span = tracing::info_span!(
        "group_commit",
        otel.name = %format_args!("{batcher} group commit"),
        batch.rows = rows
    );
    for link in links {
        span.add_link(link);
    }
    span
}

/// Links `span` (which starts a trace of its own) to the span `traceparent` names: work taken
/// up again later, by this process or another one, points back at what began it.
pub fn link_trace(span: &tracing::Span, traceparent: Option<&str>) {
    if let Some(remote) = traceparent.and_then(span_context_of) {
        span.add_link(remote);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn plan(vars: &[(&str, &str)]) -> Result<Option<OtelPlan>, AppError> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        otel_plan(|name| vars.get(name).cloned())
    }

    #[test]
    fn traces_are_off_until_an_endpoint_is_set() {
        assert_eq!(plan(&[]).expect("plan"), None);
        assert_eq!(
            plan(&[("OTEL_EXPORTER_OTLP_ENDPOINT", " ")]).expect("plan"),
            None
        );
        let on = plan(&[("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318")])
            .expect("plan")
            .expect("on");
        assert_eq!(on.protocol, OtlpProtocol::HttpProtobuf);
        assert_eq!(on.service_name, None);
    }

    #[test]
    fn the_sdk_switch_turns_traces_off_even_with_an_endpoint() {
        let vars = [
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318"),
            ("OTEL_SDK_DISABLED", "TRUE"),
        ];
        assert_eq!(plan(&vars).expect("plan"), None);
    }

    #[test]
    fn grpc_is_chosen_by_the_standard_variable_and_json_is_refused_by_name() {
        let grpc = plan(&[
            (
                "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
                "http://collector:4317",
            ),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", "gRPC"),
            ("OTEL_SERVICE_NAME", "bot-eu"),
        ])
        .expect("plan")
        .expect("on");
        assert_eq!(grpc.protocol, OtlpProtocol::Grpc);
        assert_eq!(grpc.service_name.as_deref(), Some("bot-eu"));
        let json = plan(&[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318"),
            ("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "http/json"),
        ])
        .expect_err("refused");
        assert!(json
            .to_string()
            .contains("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"));
    }

    #[test]
    fn a_traceparent_round_trips_and_garbage_is_ignored() {
        let tp = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        let context = span_context_of(tp).expect("valid");
        assert_eq!(traceparent_of(&context).as_deref(), Some(tp));
        assert_eq!(
            trace_id_of(tp).as_deref(),
            Some("4bf92f3577b34da6a3ce929d0e0e4736")
        );
        for bad in [
            "",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
            "00-zzf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
        ] {
            assert!(span_context_of(bad).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn without_an_exported_trace_there_is_no_traceparent() {
        assert_eq!(current_traceparent(), None);
    }
}
