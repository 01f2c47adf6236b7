//! `POST /telegram/webhook`: authenticate, bound, parse, record durably, acknowledge, dispatch.
use super::{AppState, UpdateCounters};
use crate::domain::UpdateStatus;
use crate::messages::telegram::UpdateReceived;
use crate::messages::Envelope;
use crate::store::{now_utc, NewReceivedUpdate};
use crate::telegram::SECRET_HEADER;
use actix_web::{web, HttpRequest, HttpResponse};
use secrecy::ExposeSecret;
use serde_json::json;
use subtle::ConstantTimeEq;

fn refuse(
    state: &AppState,
    status: actix_web::http::StatusCode,
    kind: &str,
    message: String,
) -> HttpResponse {
    UpdateCounters::bump(&state.counters.rejected);
    state
        .metrics
        .updates
        .with_label_values(&[kind, "rejected"])
        .inc();
    HttpResponse::build(status).json(json!({ "ok": false, "error": message }))
}

/// The secret matches in constant time, so its prefix cannot be guessed byte by byte.
fn secret_matches(state: &AppState, req: &HttpRequest) -> bool {
    match &state.webhook_secret {
        None => true,
        Some(expected) => {
            let given = req
                .headers()
                .get(SECRET_HEADER)
                .map(|v| v.as_bytes())
                .unwrap_or_default();
            bool::from(given.ct_eq(expected.expose_secret().as_bytes()))
        }
    }
}

/// The webhook's span is the root of the update's trace: the gateway's handling (and all that
/// follows, up to the last Bot API call) continues it.
pub async fn telegram_webhook(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> HttpResponse {
    use tracing::Instrument;
    let span = tracing::info_span!(
        "webhook",
        otel.name = "POST /telegram/webhook",
        otel.kind = "server",
        otel.status_code = tracing::field::Empty,
        http.request.method = "POST",
        http.route = "/telegram/webhook",
        http.response.status_code = tracing::field::Empty,
        update_id = tracing::field::Empty,
        correlation_id = tracing::field::Empty,
    );
    let response = receive(req, payload, state).instrument(span.clone()).await;
    let status = response.status();
    span.record("http.response.status_code", status.as_u16());
    // OpenTelemetry's HTTP conventions: a server span is an error only on a 5xx.
    if status.is_server_error() {
        span.record("otel.status_code", "ERROR");
    }
    response
}

async fn receive(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> HttpResponse {
    match accept(&req, payload, &state).await {
        Ok((update, body)) => record_and_dispatch(update, body, &state).await,
        Err(refusal) => refusal,
    }
}

/// Authenticates, bounds, reads and parses the request: the update and its raw body, or the
/// refusal to answer with.
async fn accept(
    req: &HttpRequest,
    payload: web::Payload,
    state: &AppState,
) -> Result<(teloxide::types::Update, web::Bytes), HttpResponse> {
    use actix_web::http::StatusCode;
    if !secret_matches(state, req) {
        return Err(refuse(
            state,
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "secret token missing or wrong".into(),
        ));
    }
    let declared = req
        .headers()
        .get(actix_web::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    let too_large = || format!("body larger than {} bytes", state.max_body_bytes);
    if declared.is_some_and(|n| n > state.max_body_bytes) {
        return Err(refuse(
            state,
            StatusCode::PAYLOAD_TOO_LARGE,
            "oversized",
            too_large(),
        ));
    }
    // actix-web stops reading at the limit: the rest of an oversized body is never buffered.
    let body = match payload.to_bytes_limited(state.max_body_bytes).await {
        Ok(Ok(body)) => body,
        Err(_limit_exceeded) => {
            return Err(refuse(
                state,
                StatusCode::PAYLOAD_TOO_LARGE,
                "oversized",
                too_large(),
            ))
        }
        Ok(Err(e)) => {
            return Err(refuse(
                state,
                StatusCode::BAD_REQUEST,
                "unreadable",
                format!("could not read body: {e}"),
            ))
        }
    };
    let update: teloxide::types::Update = match serde_json::from_slice(&body) {
        Ok(update) => update,
        Err(e) => {
            return Err(refuse(
                state,
                StatusCode::BAD_REQUEST,
                "malformed",
                format!("not a Telegram Update: {e}"),
            ));
        }
    };
    Ok((update, body))
}

/// Records the update durably (claimed by this replica when the gateway has room, pending
/// otherwise), then answers Telegram and hands it to the gateway.
async fn record_and_dispatch(
    update: teloxide::types::Update,
    body: web::Bytes,
    state: &web::Data<AppState>,
) -> HttpResponse {
    let update_id = i64::from(update.id.0);
    let span = tracing::Span::current();
    span.record("update_id", update_id);
    span.record(
        "correlation_id",
        tracing::field::display(crate::messages::correlation_for_update(update_id)),
    );
    let kind = crate::telegram::update_type(&update.kind);
    // With the gateway's backlog full the update is still recorded and acknowledged, but waits
    // in the store (pending) until a sweep claims it: memory stays bounded under any load.
    let dispatch_now = state.backlog.try_reserve();
    let now = now_utc();
    // Dispatched at once, it is recorded as claimed by this replica; if this replica dies before
    // finishing it, the lease expires and another one claims it.
    let (status, lease_owner, lease_until, attempts) = if dispatch_now {
        let lease = &state.lease;
        (
            UpdateStatus::Claimed,
            Some(lease.owner.to_string()),
            Some(lease.until(now)),
            1,
        )
    } else {
        (UpdateStatus::Pending, None, None, 0)
    };
    let row = NewReceivedUpdate {
        update_id,
        kind,
        // serde_json accepted it, so it is UTF-8.
        payload: String::from_utf8_lossy(&body).into_owned(),
        status,
        received_at: now,
        lease_owner,
        lease_until,
        attempts,
    };
    let recorded = state.ingest.submit(row).await;
    if dispatch_now && !matches!(recorded, Ok(true)) {
        state.backlog.release();
    }
    answer(recorded, dispatch_now, update, kind.as_str(), state)
}

/// Telegram's answer for an update once its recording is known, and the hand-off to the
/// gateway of one this replica claimed.
fn answer(
    recorded: crate::app::error::AppResult<bool>,
    dispatch_now: bool,
    update: teloxide::types::Update,
    kind: &str,
    state: &AppState,
) -> HttpResponse {
    use actix_web::http::StatusCode;
    let update_id = i64::from(update.id.0);
    match recorded {
        Ok(true) if !dispatch_now => {
            UpdateCounters::bump(&state.counters.received);
            state
                .metrics
                .updates
                .with_label_values(&[kind, "deferred"])
                .inc();
            HttpResponse::Ok().json(json!({ "ok": true }))
        }
        Ok(true) => {
            UpdateCounters::bump(&state.counters.received);
            state
                .metrics
                .updates
                .with_label_values(&[kind, "accepted"])
                .inc();
            let env = Envelope::for_update(
                "webhook",
                update_id,
                UpdateReceived {
                    update_id,
                    update: Box::new(update),
                },
            );
            // Recorded as claimed: if this hand-off fails, the lease expires and a sweep claims it.
            if let Err(e) = state.gateway.tell(env) {
                state.backlog.release();
                tracing::error!(update_id, error = %e, "recorded update not dispatched; a sweep claims it once its lease expires");
            }
            HttpResponse::Ok().json(json!({ "ok": true }))
        }
        Ok(false) => {
            UpdateCounters::bump(&state.counters.duplicate);
            state
                .metrics
                .updates
                .with_label_values(&[kind, "duplicate"])
                .inc();
            HttpResponse::Ok().json(json!({ "ok": true, "duplicate": true }))
        }
        Err(e) => {
            tracing::error!(update_id, error = %e, "could not record update; asking Telegram to retry");
            refuse(
                state,
                StatusCode::SERVICE_UNAVAILABLE,
                "unrecorded",
                "store unavailable, retry later".into(),
            )
        }
    }
}
