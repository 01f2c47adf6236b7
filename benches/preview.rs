//! The Mini App editor's live preview, server side: `POST /app/api/drafts/{id}/preview` on
//! loopback with a signed initData, from the request to the last byte of the 540 px JPEG
//! (initData check, the draft read from the store and its owner checked, the slide drawn on the
//! blocking pool under the render cap, encoded). One draft in review, the slide's text changed
//! on every request as a typing user's would be, every style in turn.
//!
//! `cargo bench --bench preview` (SQLite); `BENCH_BACKEND=postgres`; `BENCH_RUNS=n` per style
//! (default 60, after 5 warm-up requests).
#[path = "../tests/api/helpers/mod.rs"]
#[allow(unused_imports, unused_macros)]
mod helpers;

use bible_vibecoder::miniapp::auth::signed_init_data;
use helpers::*;
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::{Duration, Instant};

const TOKEN: &str = "123:secret";
const USER: i64 = 424_242;

fn update(text_or_press: Result<&str, &str>, update_id: i64) -> String {
    let (fixture_name, field) = match text_or_press {
        Ok(_) => ("command_carousel_ru.json", "message"),
        Err(_) => ("callback_style.json", "callback_query"),
    };
    let mut update: Value = serde_json::from_str(&fixture(fixture_name)).expect("json");
    update["update_id"] = update_id.into();
    match text_or_press {
        Ok(text) => update[field]["text"] = text.into(),
        Err(data) => {
            update[field]["id"] = format!("press-{update_id}").into();
            update[field]["data"] = data.into();
        }
    }
    update.to_string()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

fn env_number<T: std::str::FromStr>(name: &str) -> Option<T> {
    std::env::var(name).ok().and_then(|v| v.parse().ok())
}

/// A draft waiting in review for `USER`; answers its id.
async fn draft(app: &TestApp, telegram: &FakeBotApi) -> String {
    let wait = Duration::from_secs(60);
    app.post_update(update(Ok("/carousel Привычки сильнее мотивации"), 1))
        .await;
    let style = eventually("a style keyboard", wait, || async {
        telegram.calls_to("sendMessage").into_iter().find_map(|m| {
            button_data(&m)
                .into_iter()
                .find(|d| d.starts_with("style:minimal:"))
        })
    })
    .await;
    let workflow = style.rsplit(':').next().expect("id").to_string();
    app.post_update(update(Err(&style), 2)).await;
    let render = format!("review:render:{workflow}");
    eventually("the review message", wait, || async {
        telegram
            .calls_to("sendPhoto")
            .into_iter()
            .find(|m| m["reply_markup"].to_string().contains(&render))
    })
    .await;
    workflow
}

fn main() {
    let runs: usize = env_number("BENCH_RUNS").unwrap_or(60);
    let backend = match std::env::var("BENCH_BACKEND").as_deref() {
        Ok("postgres") => Backend::Postgres,
        _ => Backend::Sqlite,
    };
    actix_rt::System::new().block_on(async move {
        let telegram = FakeBotApi::start();
        let model = FakeOpenAi::start(model_slides(10));
        let db = TestDb::create(backend).await.expect("a database");
        let app = spawn_app_tuned(
            Arc::new(db),
            &[
                ("TELEGRAM_BOT_TOKEN", TOKEN),
                ("TELEGRAM_API_URL", &telegram.url),
                ("OPENAI_API_KEY", "sk-test"),
                ("OPENAI_BASE_URL", &model.base_url),
                ("REVIEW_BY_DEFAULT", "true"),
                ("PUBLIC_BASE_URL", "https://bot.example.com"),
            ],
            // The per-user preview rate would otherwise be what is measured.
            |s| s.app.previews_per_minute = 1_000_000,
        )
        .await;
        let workflow = draft(&app, &telegram).await;
        let user = json!({"id": USER, "first_name": "Ada", "language_code": "ru"}).to_string();
        let init_data = signed_init_data(&user, chrono::Utc::now().timestamp(), TOKEN);
        let url = format!("{}/app/api/drafts/{workflow}/preview", app.address);
        let mut overall = Vec::new();
        let mut bytes = 0usize;
        for style in ["minimal", "vibrant", "galaxy"] {
            let mut samples = Vec::new();
            for run in 0..runs + 5 {
                let body = json!({
                    "index": 1 + run % 8, "total": 10, "style": style,
                    "slide": {"kind": "idea", "title": format!("Маленькие шаги {run}"),
                              "body": format!("Один шаг в день, и через месяц их {run}. Привычка сильнее порыва.")}
                });
                let started = Instant::now();
                let response = app
                    .client
                    .post(&url)
                    .header("Authorization", format!("tma {init_data}"))
                    .json(&body)
                    .send()
                    .await
                    .expect("request");
                assert_eq!(response.status(), 200, "a preview");
                let jpeg = response.bytes().await.expect("bytes");
                let took = started.elapsed();
                if run >= 5 {
                    samples.push(took);
                    bytes += jpeg.len();
                }
            }
            overall.extend(samples.iter().copied());
            samples.sort();
            report(&format!("{style:>7}"), &samples, backend);
        }
        overall.sort();
        report("all", &overall, backend);
        println!("average preview JPEG: {:.1} KB", bytes as f64 / overall.len() as f64 / 1024.0);
        app.stop().await;
    });
}

fn report(what: &str, sorted: &[Duration], backend: Backend) {
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "preview, {what}, {backend:?}, {} requests: min {:.1} ms, p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms",
        sorted.len(),
        ms(sorted[0]),
        ms(percentile(sorted, 0.5)),
        ms(percentile(sorted, 0.95)),
        ms(sorted[sorted.len() - 1]),
    );
}
