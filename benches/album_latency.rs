//! Time from a style button press to the `sendMediaGroup` call for a 10-slide carousel, with an
//! instant model (a loopback OpenAI server) and a loopback Bot API, through the real webhook.
//!
//! `cargo bench --bench album_latency` (SQLite); `BENCH_BACKEND=postgres` for PostgreSQL;
//! `BENCH_RUNS=n` (default 20, after 2 warm-up runs), `BENCH_PAUSE_MS` between runs (default 1000),
//! `BENCH_VERBOSE=1` to print every run, `BENCH_UPLINK_MBIT=10` to send everything to the Bot
//! API through a loopback proxy that carries at most that many Mbit/s upwards (a slow uplink:
//! what a user waits for is then mostly the upload). Each run uses its own user and chat, as
//! Telegram's one-message-a-second-per-chat pacing would otherwise be what is measured.
#[path = "../tests/api/helpers/mod.rs"]
#[allow(unused_imports, unused_macros)]
mod helpers;

use helpers::*;
use serde_json::Value;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn command(user: i64, update_id: i64) -> String {
    let mut update: Value =
        serde_json::from_str(&fixture("command_carousel_ru.json")).expect("json");
    update["update_id"] = update_id.into();
    update["message"]["from"]["id"] = user.into();
    update["message"]["chat"]["id"] = user.into();
    update.to_string()
}

fn press(user: i64, update_id: i64, data: &str) -> String {
    let mut update: Value = serde_json::from_str(&fixture("callback_style.json")).expect("json");
    update["update_id"] = update_id.into();
    update["callback_query"]["from"]["id"] = user.into();
    update["callback_query"]["message"]["chat"]["id"] = user.into();
    update["callback_query"]["data"] = data.into();
    update.to_string()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

/// The application against `telegram` and `model`, every Bot API call through a throttled
/// proxy when `uplink` (Mbit/s) is given; the proxy lives as long as the answer.
async fn app_behind(
    telegram: &FakeBotApi,
    model: &FakeOpenAi,
    uplink: Option<f64>,
    backend: Backend,
) -> (TestApp, Option<TcpProxy>) {
    let db = TestDb::create(backend)
        .await
        .expect("a database for the benchmark");
    let proxy = uplink.map(|mbit| {
        let target: std::net::SocketAddr = telegram
            .url
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .parse()
            .expect("the fake Bot API's address");
        TcpProxy::start_throttled(target, (mbit * 125_000.0) as u64)
    });
    let api_url = match &proxy {
        Some(proxy) => format!("http://127.0.0.1:{}", proxy.port),
        None => telegram.url.clone(),
    };
    let app = spawn_app_tuned(
        Arc::new(db),
        &[
            ("TELEGRAM_BOT_TOKEN", "123:secret"),
            ("TELEGRAM_API_URL", &api_url),
            ("OPENAI_API_KEY", "sk-test"),
            ("OPENAI_BASE_URL", &model.base_url),
        ],
        |_| {},
    )
    .await;
    (app, proxy)
}

/// One carousel for a user of its own: from the press to the moment the fake Bot API has the
/// whole album; waits for the workflow to finish before answering.
async fn press_to_album(app: &TestApp, telegram: &FakeBotApi, run: usize) -> Duration {
    let user = 7_000_000 + run as i64;
    let update = 5_000_000 + 2 * run as i64;
    app.post_update(command(user, update)).await;
    let data = telegram.style_offer_in(user).await;
    let workflow = data.rsplit(':').next().expect("id").to_string();
    let albums_before = telegram.requests_to("sendMediaGroup").len();
    let pressed = Instant::now();
    app.post_update(press(user, update + 1, &data)).await;
    let album = eventually("the album", Duration::from_secs(30), || async {
        telegram
            .requests_to("sendMediaGroup")
            .get(albums_before)
            .cloned()
    })
    .await;
    eventually("the workflow done", Duration::from_secs(30), || async {
        app.store
            .workflows
            .workflow(bible_vibecoder::domain::WorkflowId::parse(&workflow).expect("a workflow id"))
            .await
            .ok()
            .flatten()
            .filter(|w| w.state == bible_vibecoder::domain::WorkflowState::Done)
    })
    .await;
    album.at.duration_since(pressed)
}

fn env_number<T: std::str::FromStr>(name: &str) -> Option<T> {
    std::env::var(name).ok().and_then(|v| v.parse().ok())
}

fn main() {
    let runs: usize = env_number("BENCH_RUNS").unwrap_or(20);
    let pause = Duration::from_millis(env_number("BENCH_PAUSE_MS").unwrap_or(1000));
    let uplink: Option<f64> = env_number("BENCH_UPLINK_MBIT");
    let backend = match std::env::var("BENCH_BACKEND").as_deref() {
        Ok("postgres") => Backend::Postgres,
        _ => Backend::Sqlite,
    };
    actix_rt::System::new().block_on(async move {
        let telegram = FakeBotApi::start();
        let model = FakeOpenAi::start(model_slides(10));
        let (app, _proxy) = app_behind(&telegram, &model, uplink, backend).await;
        let mut samples = Vec::new();
        for run in 0..runs + 2 {
            let took = press_to_album(&app, &telegram, run).await;
            if run >= 2 {
                samples.push(took);
            }
            if std::env::var_os("BENCH_VERBOSE").is_some() {
                eprintln!("run {run}: {took:?}");
            }
            // Telegram allows about 30 messages a second overall and an album counts once per
            // photo: without a pause, the runs would measure our pacing, not a press.
            tokio::time::sleep(pause).await;
        }
        samples.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        println!(
            "style button -> sendMediaGroup, 10 slides 1080x1350, {backend:?}, uplink {}, {} runs: min {:.1} ms, median {:.1} ms, p95 {:.1} ms, max {:.1} ms",
            uplink.map_or("unthrottled".to_string(), |m| format!("{m} Mbit/s")),
            samples.len(),
            ms(samples[0]),
            ms(percentile(&samples, 0.5)),
            ms(percentile(&samples, 0.95)),
            ms(samples[samples.len() - 1]),
        );
        app.stop().await;
    });
}
