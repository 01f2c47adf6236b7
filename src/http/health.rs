//! `/health` (liveness), `/ready` (readiness) and `/stats` (figures for operators).
use super::AppState;
use crate::observability::health::{check_once, Target};
use crate::resilience::breaker::BreakerState;
use crate::supervisors::ServiceState;
use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::json;
use std::sync::atomic::Ordering;
use std::time::Duration;

/// Liveness: 200, or 503 once a service escalated and the root supervisor gave up on it (it
/// stays failed until the process is replaced, which is what a platform does on a failed
/// liveness probe). A breaker open or a dependency down is "degraded" but alive: a new process
/// would not fix it. Without the operator's token (when `ADMIN_TOKEN` is set) only the status:
/// platforms probe it, and the detail (failure reasons) is for operators.
pub async fn health(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let abandoned = state.registry.abandoned();
    let mut answer = if abandoned.is_empty() {
        HttpResponse::Ok()
    } else {
        HttpResponse::ServiceUnavailable()
    };
    if !state.is_operator(&req) {
        let status = if abandoned.is_empty() { "ok" } else { "failed" };
        return answer.json(json!({ "status": status }));
    }
    let services = state.registry.snapshot();
    let breakers = state.registry.breakers();
    let mut degraded: Vec<&str> = services
        .iter()
        .filter(|s| s.state != ServiceState::Running)
        .map(|s| s.name)
        .collect();
    degraded.extend(
        breakers
            .iter()
            .filter(|b| b.state != BreakerState::Closed)
            .map(|b| b.name),
    );
    let unhealthy: Vec<&str> = state
        .health
        .unhealthy()
        .into_iter()
        .map(|d| d.as_str())
        .collect();
    let fine = degraded.is_empty() && unhealthy.is_empty();
    let status = match () {
        _ if !abandoned.is_empty() => "failed",
        _ if fine => "ok",
        _ => "degraded",
    };
    answer.json(json!({
        "status": status,
        "failed": abandoned,
        "version": state.version,
        "degraded": degraded,
        "unhealthy": unhealthy,
        "checks": state.health.snapshot(),
        "services": services.iter().map(|s| json!({
            "name": s.name,
            "state": s.state,
            "restarts": s.restarts,
            "last_failure": s.last_failure,
        })).collect::<Vec<_>>(),
        "breakers": breakers.iter().map(|b| json!({ "name": b.name, "state": b.state })).collect::<Vec<_>>(),
    }))
}

/// Readiness: 200 or 503 for everyone; what is not ready only for operators. The store is
/// checked now (readiness must not lag an outage by a probe interval) and the result kept on
/// the health board beside the probe's; the model and the Bot API do not decide readiness (a
/// replica without them still records updates, and what it owes waits in the outbox).
pub async fn ready(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let store_check = check_once(&Target::Store(state.db.clone()), Duration::from_secs(2)).await;
    let store = store_check.reason.clone();
    state.health.record(store_check);
    let not_running: Vec<&str> = state
        .registry
        .snapshot()
        .into_iter()
        .filter(|s| !s.state.is_available())
        .map(|s| s.name)
        .collect();
    let ready = store.is_none() && not_running.is_empty();
    let body = if state.is_operator(&req) {
        json!({
            "ready": ready,
            "store": store.as_deref().unwrap_or("ok"),
            "not_running": not_running,
            "checks": state.health.snapshot(),
        })
    } else {
        json!({ "ready": ready })
    };
    if ready {
        HttpResponse::Ok().json(body)
    } else {
        HttpResponse::ServiceUnavailable().json(body)
    }
}

pub async fn stats(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    if !state.is_operator(&req) {
        return super::unauthorized();
    }
    let analytics = match tokio::time::timeout(
        Duration::from_secs(2),
        state.analytics.send(super::ReportRequested),
    )
    .await
    {
        Ok(Ok(Ok(report))) => json!(report),
        Ok(Ok(Err(e))) => json!({ "error": e.to_string() }),
        Ok(Err(e)) => json!({ "error": format!("analytics unavailable: {e}") }),
        Err(_) => json!({ "error": "analytics did not answer within 2 s" }),
    };
    let c = &state.counters;
    let mut body = json!({
        "version": state.version,
        "uptime_seconds": state.started_at.elapsed().as_secs(),
        "store_backend": state.db.backend(),
        "actors": state.registry.snapshot(),
        "breakers": state.registry.breakers(),
        "supervision": {
            "strategy": state.registry.spec().strategy,
            "max_restarts": state.registry.spec().child.max_restarts,
            "within_ms": state.registry.spec().child.within.as_millis() as u64,
        },
        "updates": {
            "received": c.received.load(Ordering::Relaxed),
            "duplicate": c.duplicate.load(Ordering::Relaxed),
            "rejected": c.rejected.load(Ordering::Relaxed),
        },
        "analytics": analytics,
    });
    HttpResponse::Ok()
        .content_type("application/json")
        .body(within_stats_budget(&mut body))
}

/// `/stats` stays within this many bytes whatever failures and alerts quote.
pub const MAX_STATS_BYTES: usize = 16 * 1024;

/// The body as JSON, oldest alerts left out until it fits [`MAX_STATS_BYTES`] (every label is
/// from a fixed set and every reason already cut, so alerts are all that can make it large).
fn within_stats_budget(body: &mut serde_json::Value) -> String {
    loop {
        let text = body.to_string();
        let alerts = body
            .pointer_mut("/analytics/recent_alerts")
            .and_then(|a| a.as_array_mut());
        match alerts {
            Some(alerts) if text.len() > MAX_STATS_BYTES && !alerts.is_empty() => {
                alerts.remove(0);
                body["analytics"]["alerts_left_out"] = json!(true);
            }
            _ => return text,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stats_leave_out_the_oldest_alerts_to_stay_within_budget() {
        let alert = |i: usize| json!({ "severity": "warning", "service": "ai", "message": format!("{i}:{}", "\u{1}ж".repeat(300)) });
        let mut body = json!({
            "version": "1",
            "analytics": { "recent_alerts": (0..50).map(alert).collect::<Vec<_>>() },
        });
        let text = within_stats_budget(&mut body);
        assert!(text.len() <= MAX_STATS_BYTES, "{} bytes", text.len());
        let kept = body["analytics"]["recent_alerts"]
            .as_array()
            .expect("alerts");
        assert!(!kept.is_empty() && kept.len() < 50);
        assert!(
            kept[kept.len() - 1]["message"]
                .as_str()
                .is_some_and(|m| m.starts_with("49:")),
            "the newest are kept"
        );
        assert_eq!(body["analytics"]["alerts_left_out"], true);
    }
}
