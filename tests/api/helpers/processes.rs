//! The real binary as a child process, and the updates posted to it.
use super::{FakeBotApi, FakeOpenAi};
use std::time::Duration;

/// A `serve` child process that is killed when dropped: a failing test never leaves one running
/// (holding its port, its database and the test runner's output pipe).
pub struct Served(std::process::Child);

impl std::ops::Deref for Served {
    type Target = std::process::Child;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl std::ops::DerefMut for Served {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        if matches!(self.0.try_wait(), Ok(None)) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

/// The real binary's `serve` over `database_url`, talking to the fakes (the offline writer
/// without a model); answers the child and the port it listens on. Its log is drained in the
/// background; lines containing "ERROR" go to the test's output.
pub fn serve_binary(
    database_url: &str,
    telegram: &FakeBotApi,
    model: Option<&FakeOpenAi>,
    extra: &[(&str, &str)],
) -> (Served, u16) {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    let mut command = Command::new(env!("CARGO_BIN_EXE_bible-vibecoder"));
    command
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
        .env("WORKFLOW_STEP_BACKOFF_MS", "20")
        // Today's one-press flow: these tests are about delivery, not review.
        .env("REVIEW_BY_DEFAULT", "false")
        // A killed replica's claims are taken over within seconds.
        .env("LEASE_SECS", "3");
    if let Some(model) = model {
        command
            .env("OPENAI_API_KEY", "sk-test")
            .env("OPENAI_BASE_URL", &model.base_url);
    }
    for (name, value) in extra {
        command.env(name, value);
    }
    let mut child = command
        .stderr(Stdio::piped())
        .spawn()
        .expect("serve starts");
    let stderr = child.stderr.take().expect("stderr");
    let (tx, rx) = std::sync::mpsc::channel();
    // Keep draining the log so the child never blocks on a full pipe.
    // The whole log is kept beside the test binaries for reading after a failure.
    let log_path = std::env::temp_dir().join(format!("bvc-serve-{}.log", child.id()));
    std::thread::spawn(move || {
        use std::io::Write;
        let mut log = std::fs::File::create(&log_path).ok();
        let mut sent = false;
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(file) = log.as_mut() {
                let _ = writeln!(file, "{line}");
            }
            if line.contains("\"ERROR\"") {
                eprintln!("serve: {line}");
            }
            if sent {
                continue;
            }
            if let Some(port) = listening_port(&line) {
                let _ = tx.send(port);
                sent = true;
            }
        }
    });
    let port = rx
        .recv_timeout(Duration::from_secs(30))
        .expect("serve logs the port it listens on");
    (Served(child), port)
}

/// The port a `listening` log line names, in the JSON or the pretty format.
fn listening_port(line: &str) -> Option<u16> {
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(line) {
        return (v["message"] == "listening")
            .then(|| v["port"].as_u64())
            .flatten()
            .map(|p| p as u16);
    }
    let (_, after) = line.split_once(" listening port=")?;
    after.split_whitespace().next()?.parse().ok()
}

/// Everything a `serve` child has logged so far (its stderr, kept beside the test binaries).
pub fn log_of(child: &std::process::Child) -> String {
    let path = std::env::temp_dir().join(format!("bvc-serve-{}.log", child.id()));
    std::fs::read_to_string(path).unwrap_or_default()
}

/// Sends SIGTERM (a deploy) and waits for the exit, at most `limit`; answers the exit status
/// and how long it took.
pub fn terminate(
    child: &mut std::process::Child,
    limit: Duration,
) -> (std::process::ExitStatus, Duration) {
    let started = std::time::Instant::now();
    let sent = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(sent.success(), "SIGTERM delivered");
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            return (status, started.elapsed());
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            panic!("serve did not exit within {limit:?} of SIGTERM");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A private-chat text message from user `user` (their chat has the same id).
pub fn text_update(update_id: i64, user: i64, text: &str) -> String {
    let command_length = text
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .encode_utf16()
        .count();
    let mut message = serde_json::json!({
        "message_id": 11,
        "from": {"id": user, "is_bot": false, "first_name": "User", "language_code": "en"},
        "chat": {"id": user, "type": "private", "first_name": "User"},
        "date": 1763856000,
        "text": text,
    });
    if text.starts_with('/') {
        message["entities"] =
            serde_json::json!([{"offset": 0, "length": command_length, "type": "bot_command"}]);
    }
    serde_json::json!({"update_id": update_id, "message": message}).to_string()
}

/// A press of the button with `data` by user `user`, on message 17 of their chat.
pub fn press_update(update_id: i64, user: i64, data: &str) -> String {
    serde_json::json!({
        "update_id": update_id,
        "callback_query": {
            "id": format!("press-{update_id}"),
            "from": {"id": user, "is_bot": false, "first_name": "User", "language_code": "en"},
            "chat_instance": "-1",
            "data": data,
            "message": {
                "message_id": 17,
                "from": {"id": 7000000001i64, "is_bot": true, "first_name": "VibeBot", "username": "vibe_test_bot"},
                "chat": {"id": user, "type": "private", "first_name": "User"},
                "date": 1763856006,
                "text": "Pick a style"
            }
        }
    })
    .to_string()
}

/// Posts one update to a `serve` process's webhook; answers the HTTP status.
pub async fn post_to(client: &reqwest::Client, port: u16, body: String) -> u16 {
    client
        .post(format!("http://127.0.0.1:{port}/telegram/webhook"))
        .body(body)
        .send()
        .await
        .expect("webhook")
        .status()
        .as_u16()
}
