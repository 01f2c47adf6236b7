//! A loopback Bot API for benchmarks (never for production): answers every call `ok` at once and
//! counts calls per method; `GET /counts` shows them. `benches/delivery-load.sh` starts it.
//!
//! Usage: `cargo run --release --example fake_bot_api -- 127.0.0.1:18091`
use actix_web::{web, App, HttpResponse, HttpServer};
use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Mutex;

#[derive(Default)]
struct Counts {
    per_method: Mutex<HashMap<String, u64>>,
    next_message: AtomicI64,
}

fn message(id: i64) -> serde_json::Value {
    serde_json::json!({
        "message_id": id, "date": 1763856000, "text": "ok",
        "chat": {"id": 1, "type": "private", "first_name": "Bench"}
    })
}

/// Reads the request body as Telegram does: a handler that leaves it unread makes actix-web close
/// the connection after answering, and every such call then costs the client a new connection.
async fn call(
    path: web::Path<(String, String)>,
    _body: web::Bytes,
    counts: web::Data<Counts>,
) -> HttpResponse {
    let method = path.1.to_ascii_lowercase();
    *counts
        .per_method
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .entry(method.clone())
        .or_default() += 1;
    let id = counts.next_message.fetch_add(1, Ordering::Relaxed) + 1;
    let result = match method.as_str() {
        "sendmediagroup" => serde_json::json!([message(id)]),
        "setmycommands" | "answercallbackquery" | "deletewebhook" | "setwebhook" => {
            serde_json::json!(true)
        }
        "getme" => serde_json::json!({
            "id": 4242, "is_bot": true, "first_name": "Bench", "username": "bench_bot",
            "can_join_groups": true, "can_read_all_group_messages": false,
            "supports_inline_queries": false, "has_main_web_app": false
        }),
        _ => message(id),
    };
    HttpResponse::Ok().json(serde_json::json!({"ok": true, "result": result}))
}

async fn show(counts: web::Data<Counts>) -> HttpResponse {
    let map = counts
        .per_method
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    HttpResponse::Ok().json(map)
}

fn main() -> std::io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:18091".into());
    let counts = web::Data::new(Counts::default());
    actix_rt::System::new().block_on(async move {
        HttpServer::new(move || {
            App::new()
                .app_data(counts.clone())
                .app_data(web::PayloadConfig::new(64 * 1024 * 1024))
                .route("/counts", web::get().to(show))
                .route("/{token}/{method}", web::post().to(call))
        })
        .workers(1)
        .bind(addr)?
        .run()
        .await
    })
}
