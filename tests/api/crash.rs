//! The real binary killed (SIGKILL) in the middle of a carousel, then started again over the
//! same database: the carousel resumes from its last completed step and is delivered once.
use crate::helpers::*;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::Ordering;
use std::time::Duration;

const ADA: i64 = 424242;

/// `serve` over `database_url`, talking to the fakes; answers the child and its port.
fn serve(database_url: &str, telegram: &FakeBotApi, model: &FakeOpenAi) -> (Child, u16) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_bible-vibecoder"))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("RUST_LOG", "info")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .arg("serve")
        .env("DATABASE_URL", database_url)
        .env("HTTP_ADDR", "127.0.0.1:0")
        .env("LOG_FORMAT", "json")
        .env("TELEGRAM_BOT_TOKEN", "123:secret")
        .env("TELEGRAM_API_URL", &telegram.url)
        .env("TELEGRAM_BOT_USERNAME", "vibe_test_bot")
        .env("OPENAI_API_KEY", "sk-test")
        .env("OPENAI_BASE_URL", &model.base_url)
        .env("WORKFLOW_STEP_BACKOFF_MS", "20")
        .stderr(Stdio::piped())
        .spawn()
        .expect("serve starts");
    let stderr = child.stderr.take().expect("stderr");
    let (tx, rx) = std::sync::mpsc::channel();
    // Keep draining the log so the child never blocks on a full pipe.
    std::thread::spawn(move || {
        let mut sent = false;
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if sent {
                continue;
            }
            let Ok(v) = serde_json::from_str::<serde_json::Value>(&line) else {
                continue;
            };
            if v["message"] == "listening" {
                if let Some(port) = v["port"].as_u64() {
                    let _ = tx.send(port as u16);
                    sent = true;
                }
            }
        }
    });
    let port = rx
        .recv_timeout(Duration::from_secs(30))
        .expect("serve logs the port it listens on");
    (child, port)
}

async fn post(port: u16, body: String) {
    let status = reqwest::Client::new()
        .post(format!("http://127.0.0.1:{port}/telegram/webhook"))
        .body(body)
        .send()
        .await
        .expect("webhook")
        .status();
    assert_eq!(status, 200);
}

async fn kill_mid_album_then_resume(backend: Backend) {
    let Some(db) = TestDb::create(backend).await else {
        return;
    };
    let store =
        bible_vibecoder::store::Store::connect(&settings_for(&db, &[]).database).expect("pool");
    let telegram = FakeBotApi::start();
    let model = FakeOpenAi::start(model_slides(12));
    // Twelve slides go out as two albums of six. The first is delivered; the second call never
    // comes back: the process dies while Telegram "holds" it.
    telegram.script("sendMediaGroup", BotAnswer::Pass);
    telegram.script("sendMediaGroup", BotAnswer::Hang);

    let (mut first, port) = serve(&db.url, &telegram, &model);
    post(port, fixture("command_start.json")).await;
    let ada = eventually("Ada registered", Duration::from_secs(20), || async {
        store.settings_of(ADA).await.expect("store")
    })
    .await;
    store
        .save_settings(&bible_vibecoder::store::UserSettings { slides: 12, ..ada })
        .await
        .expect("twelve slides");
    post(port, fixture("command_carousel_ru.json")).await;
    let data = telegram.style_offer_in(ADA).await;
    let workflow = data.rsplit(':').next().expect("id").to_string();
    let mut press: serde_json::Value =
        serde_json::from_str(&fixture("callback_style.json")).expect("json");
    press["callback_query"]["data"] = data.clone().into();
    post(port, press.to_string()).await;

    eventually(
        "the second album call in flight",
        Duration::from_secs(20),
        || async { (telegram.requests_to("sendMediaGroup").len() == 2).then_some(()) },
    )
    .await;
    first.kill().expect("SIGKILL");
    first.wait().expect("reaped");

    let row = store
        .workflow(&workflow)
        .await
        .expect("store")
        .expect("row");
    assert_eq!(row.state, "sending", "killed while sending");
    assert!(row.slides_json.is_some(), "the written slides were kept");
    assert_eq!(model.calls.load(Ordering::SeqCst), 1);

    let (mut second, _port) = serve(&db.url, &telegram, &model);
    let done = eventually(
        "the resumed carousel done",
        Duration::from_secs(30),
        || async {
            store
                .workflow(&workflow)
                .await
                .expect("store")
                .filter(|w| w.state == "done")
        },
    )
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    second.kill().expect("stop");
    let _ = second.wait();

    assert_eq!(done.content_source.as_deref(), Some("model"));
    assert_eq!(
        model.calls.load(Ordering::SeqCst),
        1,
        "the resumed workflow did not ask the model again"
    );
    // The first part was recorded as sent and is not repeated; the unanswered one goes again.
    let albums = telegram.calls_to("sendMediaGroup");
    assert_eq!(albums.len(), 2, "each part delivered exactly once");
    let sizes: Vec<_> = albums
        .iter()
        .map(|a| a["media"].as_array().map_or(0, Vec::len))
        .collect();
    assert_eq!(sizes, [6, 6]);
    assert!(
        albums[0]["media"][0]["caption"].is_string() && albums[1]["media"][0]["caption"].is_null()
    );
    let sends = store.sends_of(&workflow).await.expect("outbox");
    assert_eq!(
        sends.iter().map(|s| s.status.as_str()).collect::<Vec<_>>(),
        ["sent", "sent"]
    );
    assert_eq!(telegram.uploads_to("sendMediaGroup").len(), 12);
}

#[actix_rt::test]
async fn a_carousel_killed_mid_delivery_resumes_on_restart_and_arrives_once_on_sqlite() {
    kill_mid_album_then_resume(Backend::Sqlite).await;
}

#[actix_rt::test]
async fn a_carousel_killed_mid_delivery_resumes_on_restart_and_arrives_once_on_postgres() {
    kill_mid_album_then_resume(Backend::Postgres).await;
}
