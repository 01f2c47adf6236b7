//! The real binary: settings errors, graceful shutdown.
use crate::helpers::*;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn binary() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_bible-vibecoder"));
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("RUST_LOG", "info")
        .current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd
}

#[test]
fn a_bad_setting_stops_start_up_with_one_line_naming_it() {
    for (var, value) in [
        ("HTTP_ADDR", "localhost"),
        ("PORT", "eighty"),
        ("DATABASE_URL", "mysql://db"),
        ("LOG_FORMAT", "xml"),
    ] {
        let output = binary()
            .arg("serve")
            .env(var, value)
            .output()
            .expect("runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{var}: {stderr}");
        assert_eq!(
            stderr.trim().lines().count(),
            1,
            "{var}: one line, got {stderr}"
        );
        assert!(stderr.contains(var), "{var} not named in {stderr}");
    }
}

#[test]
fn sigterm_stops_serve_within_ten_seconds_with_exit_zero_and_a_flushed_event_log() {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite://{}/shutdown.db", dir.path().display());
    let mut child = binary()
        .arg("serve")
        .env("DATABASE_URL", &url)
        .env("HTTP_ADDR", "127.0.0.1:0")
        .env("LOG_FORMAT", "json")
        .stderr(Stdio::piped())
        .spawn()
        .expect("serve starts");
    let stderr = child.stderr.take().expect("stderr");
    let mut lines = BufReader::new(stderr).lines();
    let port = lines
        .by_ref()
        .map_while(Result::ok)
        .find_map(|line| {
            let v: serde_json::Value = serde_json::from_str(&line).ok()?;
            (v["message"] == "listening")
                .then(|| v["port"].as_u64())
                .flatten()
        })
        .expect("serve logs the port it listens on");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let status = rt.block_on(async {
        reqwest::Client::new()
            .post(format!("http://127.0.0.1:{port}/telegram/webhook"))
            .body(fixture("command_start.json"))
            .send()
            .await
            .expect("webhook")
            .status()
    });
    assert_eq!(status, 200);

    let asked = Instant::now();
    let killed = Command::new("kill")
        .arg("-TERM")
        .arg(child.id().to_string())
        .status()
        .expect("kill runs");
    assert!(killed.success());
    let exit = loop {
        if let Some(exit) = child.try_wait().expect("wait") {
            break exit;
        }
        assert!(
            asked.elapsed() < Duration::from_secs(10),
            "still running 10 s after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(exit.success(), "exit status {exit:?}");
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    assert!(
        rest.iter().any(|l| l.contains("shutdown complete")),
        "{rest:?}"
    );

    let events = rt.block_on(async {
        let db = TestDb::create(Backend::Sqlite).await.expect("sqlite");
        let mut settings = settings_for(&db, &[]);
        settings.database.url = url.clone().into();
        let store = bible_vibecoder::store::Store::connect(&settings.database).expect("pool");
        store.events.count_events().await.expect("count")
    });
    assert!(events > 0, "the event log was flushed before exit");
}

fn assert_png_slides(dir: &std::path::Path, count: usize, width: u32, height: u32) {
    for n in 1..=count {
        let path = dir.join(format!("slide-{n:02}.png"));
        let image = image::open(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(
            (image.width(), image.height()),
            (width, height),
            "{}",
            path.display()
        );
    }
    assert!(
        !dir.join(format!("slide-{:02}.png", count + 1)).exists(),
        "exactly {count} slides"
    );
}

#[test]
fn the_carousel_command_works_offline_with_no_accounts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    let output = binary()
        .args([
            "carousel",
            "Вера и сомнение 🙏",
            "--slides",
            "5",
            "--size",
            "1080x1080",
            "--pdf",
            "--out",
        ])
        .arg(&out)
        .env(
            "DATABASE_URL",
            format!("sqlite://{}/cli.db", dir.path().display()),
        )
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );

    assert_png_slides(&out, 5, 1080, 1080);
    let pdf = std::fs::read(out.join("carousel.pdf")).expect("pdf written");
    assert!(pdf.starts_with(b"%PDF"));
    assert!(
        stdout.contains("slide-01.png") && stdout.contains("carousel.pdf"),
        "{stdout}"
    );
    assert!(stdout.contains("written by offline:no_api_key"), "{stdout}");
    let post = std::fs::read_to_string(out.join("post.txt")).expect("post.txt written");
    assert!(stdout.contains("post.txt"), "{stdout}");
    assert!(post.contains("#вера #сомнение"), "{post}");
    assert!(
        post.contains("\n1. Слайд 1: ") && post.contains("\n5. Слайд 5: "),
        "{post}"
    );
}

#[test]
fn with_an_api_key_the_carousel_command_asks_the_model() {
    let slides: Vec<serde_json::Value> = (0..4)
        .map(|i| {
            let kind = ["title", "idea", "example", "cta"][i];
            serde_json::json!({"kind": kind, "title": format!("✨ Model slide number {i}"), "body": "Written by the fake model."})
        })
        .collect();
    let model = FakeOpenAi::start(serde_json::json!({ "slides": slides }).to_string());
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");

    let output = binary()
        .args([
            "carousel",
            "Rust ownership",
            "--slides",
            "4",
            "--style",
            "vibrant",
            "--out",
        ])
        .arg(&out)
        .env(
            "DATABASE_URL",
            format!("sqlite://{}/cli.db", dir.path().display()),
        )
        .env("OPENAI_API_KEY", "sk-test")
        .env("OPENAI_BASE_URL", &model.base_url)
        .output()
        .expect("runs");

    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("written by model"), "{stdout}");
    assert_eq!(model.calls.load(std::sync::atomic::Ordering::SeqCst), 1);
    assert_png_slides(&out, 4, 1080, 1350);
    // The model wrote no post: the offline writer's, made of the model's slides.
    let post = std::fs::read_to_string(out.join("post.txt")).expect("post.txt written");
    assert!(post.starts_with("✨ Model slide number 0\n"), "{post}");
    assert!(post.contains("#rust #ownership"), "{post}");
}

#[test]
fn bad_carousel_arguments_get_one_clear_line() {
    for args in [
        vec!["carousel", "x", "--slides", "25"],
        vec!["carousel", "x", "--style", "neon"],
        vec!["carousel", "   "],
    ] {
        let output = binary()
            .args(&args)
            .env("DATABASE_URL", "sqlite:///nonexistent-dir-never-used/x.db")
            .output()
            .expect("runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.lines().any(|l| l.starts_with("error:")),
            "{args:?}: {stderr}"
        );
    }
}

#[test]
fn set_webhook_registers_the_url_secret_updates_and_connections_with_telegram() {
    let telegram = FakeBotApi::start();
    let output = binary()
        .args([
            "set-webhook",
            "--url",
            "https://bot.example.com/telegram/webhook",
            "--max-connections",
            "20",
        ])
        .env("TELEGRAM_BOT_TOKEN", "123:secret")
        .env("TELEGRAM_API_URL", &telegram.url)
        .env("TELEGRAM_WEBHOOK_SECRET", "s3cret-token")
        .output()
        .expect("runs");

    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.contains("webhook set: https://bot.example.com/telegram/webhook"),
        "{stdout}"
    );
    assert!(
        !stdout.contains("s3cret-token"),
        "the secret is never printed"
    );
    let calls = telegram.calls_to("setWebhook");
    assert_eq!(calls.len(), 1);
    let call = &calls[0];
    assert_eq!(call["url"], "https://bot.example.com/telegram/webhook");
    assert_eq!(call["secret_token"], "s3cret-token");
    assert_eq!(call["max_connections"], 20);
    assert_eq!(
        call["allowed_updates"],
        serde_json::json!(["message", "callback_query", "my_chat_member"])
    );
}

#[test]
fn set_webhook_without_a_bot_token_says_which_setting_is_missing() {
    let output = binary()
        .args([
            "set-webhook",
            "--url",
            "https://bot.example.com/telegram/webhook",
        ])
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("TELEGRAM_BOT_TOKEN"), "{stderr}");
}

#[test]
fn poll_deletes_the_webhook_then_feeds_polled_updates_through_the_pipeline() {
    let telegram = FakeBotApi::start();
    telegram.queue_update(&fixture("command_start.json"));
    let dir = tempfile::tempdir().expect("temp dir");
    let mut child = binary()
        .arg("poll")
        .env("TELEGRAM_BOT_TOKEN", "123:secret")
        .env("TELEGRAM_API_URL", &telegram.url)
        .env(
            "DATABASE_URL",
            format!("sqlite://{}/poll.db", dir.path().display()),
        )
        .env("HTTP_ADDR", "127.0.0.1:0")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("starts");

    let polled_past = || {
        telegram
            .calls_to("getUpdates")
            .iter()
            .any(|p| p["offset"].as_i64() == Some(810_000_002))
    };
    let started = Instant::now();
    // Done once the reply went out and a later poll asked past the update.
    let greeting = loop {
        let sent = telegram
            .calls_to("sendMessage")
            .into_iter()
            .find(|m| m["chat_id"] == 424242);
        if let (Some(sent), true) = (sent, polled_past()) {
            break sent;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "no reply to the polled /start, or the offset never moved past it"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    let _ = child.kill();
    let _ = child.wait();

    assert!(greeting["text"]
        .as_str()
        .is_some_and(|t| t.starts_with("Привет, Ада!")));
    let methods: Vec<String> = telegram
        .calls
        .lock()
        .expect("calls")
        .iter()
        .map(|(m, _)| m.to_ascii_lowercase())
        .collect();
    let delete = methods.iter().position(|m| m == "deletewebhook");
    let first_poll = methods.iter().position(|m| m == "getupdates");
    assert!(
        delete.is_some() && delete < first_poll,
        "the webhook goes before polling starts: {methods:?}"
    );
}
