//! A loopback OpenTelemetry collector.
use std::sync::Arc;

/// One span as an OTLP collector received it (ids in hex).
#[derive(Debug, Clone)]
pub struct ReceivedSpan {
    pub trace_id: String,
    pub span_id: String,
    pub parent_span_id: Option<String>,
    pub name: String,
    pub attributes: std::collections::HashMap<String, String>,
    /// `trace_id:span_id` of each linked span.
    pub links: Vec<String>,
    pub service_name: Option<String>,
    /// The resource's attributes (service.version, service.instance.id…).
    pub resource: std::collections::HashMap<String, String>,
    /// OTLP's status code: 0 unset, 1 ok, 2 error.
    pub status: i32,
}

/// A loopback OpenTelemetry collector speaking OTLP/HTTP (protobuf) on `/v1/traces`: decodes
/// every export request with `opentelemetry-proto` and keeps the spans.
pub struct FakeCollector {
    pub url: String,
    spans: Arc<std::sync::Mutex<Vec<ReceivedSpan>>>,
}

impl FakeCollector {
    pub fn start() -> FakeCollector {
        use actix_web::{web, App, HttpResponse, HttpServer};
        let spans = Arc::new(std::sync::Mutex::new(Vec::new()));
        let kept = spans.clone();
        let port = super::serve_in_background(move |listener| {
            HttpServer::new(move || {
                let kept = kept.clone();
                App::new()
                    .app_data(web::PayloadConfig::new(64 * 1024 * 1024))
                    .route(
                        "/v1/traces",
                        web::post().to(move |body: web::Bytes| {
                            let kept = kept.clone();
                            async move {
                                match decode_export(&body) {
                                    Ok(spans) => {
                                        kept.lock().expect("spans").extend(spans);
                                        HttpResponse::Ok()
                                            .content_type("application/x-protobuf")
                                            .body(Vec::<u8>::new())
                                    }
                                    Err(e) => HttpResponse::BadRequest().body(e),
                                }
                            }
                        }),
                    )
            })
            .workers(1)
            .listen(listener)
            .expect("listen on loopback")
            .run()
        });
        FakeCollector {
            url: format!("http://127.0.0.1:{port}"),
            spans,
        }
    }

    pub fn spans(&self) -> Vec<ReceivedSpan> {
        self.spans.lock().expect("spans").clone()
    }
}

fn decode_export(body: &[u8]) -> Result<Vec<ReceivedSpan>, String> {
    use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
    use opentelemetry_proto::tonic::common::v1::any_value::Value;
    use prost::Message;
    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }
    fn text(value: Option<&opentelemetry_proto::tonic::common::v1::AnyValue>) -> String {
        match value.and_then(|v| v.value.as_ref()) {
            Some(Value::StringValue(s)) => s.clone(),
            Some(Value::IntValue(i)) => i.to_string(),
            Some(Value::BoolValue(b)) => b.to_string(),
            Some(Value::DoubleValue(d)) => d.to_string(),
            other => format!("{other:?}"),
        }
    }
    let request = ExportTraceServiceRequest::decode(body).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    for resource_spans in request.resource_spans {
        let resource: std::collections::HashMap<String, String> = resource_spans
            .resource
            .as_ref()
            .map(|r| {
                r.attributes
                    .iter()
                    .map(|kv| (kv.key.clone(), text(kv.value.as_ref())))
                    .collect()
            })
            .unwrap_or_default();
        let service_name = resource.get("service.name").cloned();
        for scope in resource_spans.scope_spans {
            for span in scope.spans {
                out.push(ReceivedSpan {
                    trace_id: hex(&span.trace_id),
                    span_id: hex(&span.span_id),
                    parent_span_id: (!span.parent_span_id.is_empty())
                        .then(|| hex(&span.parent_span_id)),
                    name: span.name.clone(),
                    attributes: span
                        .attributes
                        .iter()
                        .map(|kv| (kv.key.clone(), text(kv.value.as_ref())))
                        .collect(),
                    links: span
                        .links
                        .iter()
                        .map(|l| format!("{}:{}", hex(&l.trace_id), hex(&l.span_id)))
                        .collect(),
                    service_name: service_name.clone(),
                    resource: resource.clone(),
                    status: span.status.as_ref().map_or(0, |s| s.code),
                });
            }
        }
    }
    Ok(out)
}
