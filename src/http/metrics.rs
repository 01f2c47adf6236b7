//! `/metrics` and the middleware that measures every request.
use super::AppState;
use crate::observability::metrics::Metrics;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{web, HttpRequest, HttpResponse};
use std::time::Instant;

pub async fn metrics(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    if !state.is_operator(&req) {
        return super::unauthorized();
    }
    state.metrics.observe_breakers(&state.registry.breakers());
    // Queue depths cost a few counts per scrape; a slow or failing store leaves them as they
    // were (the scrape itself never waits long on it).
    let depths = match tokio::time::timeout(
        std::time::Duration::from_secs(1),
        state.db.queue_depths(),
    )
    .await
    {
        Ok(Ok(depths)) => Some(depths),
        Ok(Err(e)) => {
            tracing::debug!(error = %e, "queue depths not read for /metrics");
            None
        }
        Err(_) => None,
    };
    state
        .metrics
        .observe_store(state.db.pool_status(), depths.as_ref());
    state
        .metrics
        .queue_depth
        .with_label_values(&["event_log"])
        .set(i64::try_from(state.event_log.queued()).unwrap_or(i64::MAX));
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(state.metrics.render())
}

/// Counts requests by route pattern (not raw path, so label cardinality stays bounded) and status.
pub async fn record_http_metrics(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let metrics = req
        .app_data::<web::Data<AppState>>()
        .map(|s| s.metrics.clone());
    let route = req
        .match_pattern()
        .unwrap_or_else(|| "unmatched".to_string());
    let method = method_label(req.method());
    let started = Instant::now();
    let response = next.call(req).await;
    if let Some(metrics) = metrics {
        let status = match &response {
            Ok(res) => res.status().as_u16(),
            Err(e) => e.as_response_error().status_code().as_u16(),
        };
        observe(&metrics, &route, method, status, started);
    }
    response
}

/// The standard methods by name, anything else as `other`: the method is the client's to choose,
/// and every distinct label value is a series kept for the process's life.
fn method_label(method: &actix_web::http::Method) -> &'static str {
    use actix_web::http::Method;
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::HEAD => "HEAD",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::PATCH => "PATCH",
        Method::OPTIONS => "OPTIONS",
        Method::CONNECT => "CONNECT",
        Method::TRACE => "TRACE",
        _ => "other",
    }
}

/// A status label from the fixed set of codes HTTP defines (100–599); anything else `other`.
fn status_label(status: u16) -> std::borrow::Cow<'static, str> {
    if (100..=599).contains(&status) {
        std::borrow::Cow::Owned(status.to_string())
    } else {
        std::borrow::Cow::Borrowed("other")
    }
}

fn observe(metrics: &Metrics, route: &str, method: &str, status: u16, started: Instant) {
    metrics
        .http_requests
        .with_label_values(&[route, method, &status_label(status)])
        .inc();
    metrics
        .http_request_seconds
        .with_label_values(&[route])
        .observe(started.elapsed().as_secs_f64());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_made_up_method_is_counted_as_other() {
        let made_up = actix_web::http::Method::from_bytes(b"FORGED1").expect("a token");
        assert_eq!(method_label(&made_up), "other");
        assert_eq!(method_label(&actix_web::http::Method::POST), "POST");
        assert_eq!(status_label(200), "200");
        assert_eq!(status_label(999), "other");
    }
}
