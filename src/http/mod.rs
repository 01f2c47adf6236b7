//! The actix-web front: the Telegram webhook and the operator endpoints.
use crate::actors::link::Link;
use crate::messages::analytics::ReportRequested;
use crate::messages::telegram::UpdateReceived;
use crate::observability::metrics::Metrics;
use crate::store::group_commit::Batcher;
use crate::store::{Db, NewReceivedUpdate};
use crate::supervisors::ServiceRegistry;
use actix::Recipient;
use secrecy::SecretString;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

mod health;
mod metrics;
mod webhook;

pub use crate::telegram::SECRET_HEADER;
pub use health::{health, ready, stats};
pub use metrics::{metrics, record_http_metrics};
pub use webhook::telegram_webhook;

/// Webhook outcome counters shown in `/stats`.
#[derive(Default)]
pub struct UpdateCounters {
    pub received: AtomicU64,
    pub duplicate: AtomicU64,
    pub rejected: AtomicU64,
}

impl UpdateCounters {
    pub fn bump(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }
}

/// Everything the handlers need, shared by all HTTP workers.
pub struct AppState {
    pub version: &'static str,
    pub started_at: Instant,
    pub webhook_secret: Option<SecretString>,
    pub max_body_bytes: usize,
    /// The database, for `/ready`'s check and `/metrics`' pool and queue figures.
    pub db: Db,
    pub metrics: Metrics,
    pub registry: ServiceRegistry,
    pub ingest: Batcher<NewReceivedUpdate, bool>,
    pub gateway: Link<UpdateReceived>,
    pub backlog: crate::intake::backlog::Backlog,
    /// This replica's lease, written on updates it dispatches straight from the webhook.
    pub lease: crate::store::Lease,
    pub analytics: Recipient<ReportRequested>,
    pub counters: UpdateCounters,
    /// `ADMIN_TOKEN`: when set, operator endpoints need it as a bearer token.
    pub admin_token: Option<SecretString>,
    /// The audit trail's writer, whose queue `/metrics` reports.
    pub event_log: crate::observability::eventlog::EventLog,
    /// Each dependency's latest check (the periodic probe, and `/ready`'s own store check).
    pub health: crate::observability::health::HealthBoard,
}

impl AppState {
    /// True when the request may see operator detail: no `ADMIN_TOKEN` is set, or it carries
    /// `Authorization: Bearer <ADMIN_TOKEN>` (the scheme in any case, as RFC 7235 says; the
    /// token compared in constant time).
    pub fn is_operator(&self, req: &actix_web::HttpRequest) -> bool {
        use secrecy::ExposeSecret;
        use subtle::ConstantTimeEq;
        let Some(token) = &self.admin_token else {
            return true;
        };
        req.headers()
            .get(actix_web::http::header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.trim_start().split_once(' '))
            .and_then(|(scheme, given)| scheme.eq_ignore_ascii_case("bearer").then_some(given))
            .is_some_and(|given| {
                bool::from(
                    given
                        .trim()
                        .as_bytes()
                        .ct_eq(token.expose_secret().as_bytes()),
                )
            })
    }
}

/// The answer to an operator endpoint asked without the bearer token.
pub fn unauthorized() -> actix_web::HttpResponse {
    actix_web::HttpResponse::Unauthorized()
        .insert_header((actix_web::http::header::WWW_AUTHENTICATE, "Bearer"))
        .json(serde_json::json!({
            "error": "this endpoint needs Authorization: Bearer <ADMIN_TOKEN>"
        }))
}
