//! Start-up as an operator meets it, on the real binary: secrets from files, settings that
//! cannot work, and the bot's own name from Telegram.
use crate::helpers::*;
use std::time::Duration;

/// The binary run once with only `vars` (and PATH) set: its exit code and what it wrote to stderr.
fn run_binary(args: &[&str], vars: &[(&str, &str)]) -> (Option<i32>, String) {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_bible-vibecoder"));
    command
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HTTP_ADDR", "127.0.0.1:0")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args);
    for (name, value) in vars {
        command.env(name, value);
    }
    let output = command.output().expect("the binary runs");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn unusable_database_urls_stop_start_up_with_one_line_naming_the_setting_and_exit_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    let not_a_database = dir.path().join("notes.db");
    std::fs::write(&not_a_database, "these are my notes, not a database\n").expect("write");
    let not_a_database = format!("sqlite://{}", not_a_database.display());
    let a_directory = format!("sqlite://{}", dir.path().display());
    let cases: [(&str, &str); 5] = [
        ("sqlite://", "names no file"),
        ("sqlite::memory:", "in-memory"),
        ("sqlite://:memory:", "in-memory"),
        (&not_a_database, "is not a SQLite database"),
        (&a_directory, "is a directory"),
    ];
    for (url, why) in cases {
        for command in ["serve", "migrate"] {
            let (code, stderr) = run_binary(&[command], &[("DATABASE_URL", url)]);
            assert_eq!(code, Some(2), "{command} {url}: {stderr}");
            let lines: Vec<&str> = stderr.lines().collect();
            assert_eq!(lines.len(), 1, "{command} {url}: one line, got {stderr:?}");
            assert!(
                lines[0].contains("DATABASE_URL") && lines[0].contains(why),
                "{url}: {stderr}"
            );
            if url == not_a_database {
                assert!(lines[0].contains("notes.db"), "the file is named: {stderr}");
            }
        }
    }
    let untouched = std::fs::read_to_string(dir.path().join("notes.db")).expect("read");
    assert!(
        untouched.starts_with("these are my notes"),
        "a refused file is left as it was"
    );
}

#[test]
fn a_secret_given_both_directly_and_as_a_file_is_refused_with_one_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("token");
    std::fs::write(&file, "operator-token-0123456789\n").expect("write");
    let db = format!("sqlite://{}/bot.db", dir.path().display());
    let (code, stderr) = run_binary(
        &["serve"],
        &[
            ("DATABASE_URL", &db),
            ("ADMIN_TOKEN", "operator-token-0123456789"),
            ("ADMIN_TOKEN_FILE", &file.to_string_lossy()),
        ],
    );
    assert_eq!(code, Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("ADMIN_TOKEN_FILE"), "{stderr}");
}

#[actix_rt::test]
async fn secrets_from_files_with_a_trailing_newline_work_and_the_bearer_scheme_is_any_case() {
    let Some(db) = TestDb::create(Backend::Sqlite).await else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).expect("write");
        path.to_string_lossy().into_owned()
    };
    let token = "operator-token-0123456789";
    let token_file = write("admin_token", &format!("{token}\n"));
    let url_file = write("database_url", &format!("{}\n", db.url));
    let telegram = FakeBotApi::start();
    let (serve, port) = serve_binary(
        "",
        &telegram,
        None,
        &[
            ("ADMIN_TOKEN_FILE", &token_file),
            ("DATABASE_URL_FILE", &url_file),
        ],
    );
    let client = reqwest::Client::new();
    let metrics = |authorization: Option<String>| {
        let mut request = client.get(format!("http://127.0.0.1:{port}/metrics"));
        if let Some(value) = authorization {
            request = request.header("authorization", value);
        }
        async move { request.send().await.expect("metrics").status().as_u16() }
    };
    assert_eq!(
        metrics(Some(format!("Bearer {token}"))).await,
        200,
        "the file's token, without its newline"
    );
    assert_eq!(
        metrics(Some(format!("bearer {token}"))).await,
        200,
        "RFC 7235: the scheme in any case"
    );
    assert_eq!(metrics(Some(format!("BEARER  {token}"))).await, 200);
    assert_eq!(metrics(Some(format!("Bearer {token}x"))).await, 401);
    assert_eq!(metrics(Some(format!("Basic {token}"))).await, 401);
    assert_eq!(metrics(None).await, 401);
    let ready = client
        .get(format!("http://127.0.0.1:{port}/ready"))
        .send()
        .await
        .expect("ready");
    assert_eq!(ready.status(), 200, "the database from DATABASE_URL_FILE");
    drop(serve);
}

#[actix_rt::test]
async fn without_a_configured_username_the_bot_learns_its_own_from_get_me() {
    let Some(db) = TestDb::create(Backend::Sqlite).await else {
        return;
    };
    let telegram = FakeBotApi::start();
    // No TELEGRAM_BOT_USERNAME: the fake Bot API's getMe says "vibe_test_bot".
    let (serve, port) = serve_binary(&db.url, &telegram, None, &[("TELEGRAM_BOT_USERNAME", "")]);
    assert!(
        !telegram.requests_to("getMe").is_empty(),
        "getMe asked at start"
    );
    let status = post_to(
        &reqwest::Client::new(),
        port,
        fixture("command_carousel_group_mention.json"),
    )
    .await;
    assert_eq!(status, 200);
    let offer = telegram.style_offer_in(-1_001_234_567_890).await;
    assert!(
        offer.starts_with("style:"),
        "/carousel@vibe_test_bot answered in the group"
    );
    eventually("the name logged", Duration::from_secs(10), || async {
        log_of(&serve)
            .contains("the bot's username, from getMe")
            .then_some(())
    })
    .await;
    drop(serve);
}
