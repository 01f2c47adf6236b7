use super::*;
use std::collections::HashMap;

fn load(vars: &[(&str, &str)]) -> Result<Settings, AppError> {
    let map: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Settings::load_from(|name| map.get(name).cloned())
}

#[test]
fn defaults_use_embedded_sqlite_on_localhost() {
    let s = load(&[]).expect("defaults load");
    assert_eq!(
        s.database.url.expose_secret(),
        "sqlite://data/bible-vibecoder.db"
    );
    assert_eq!(s.http.addr, "127.0.0.1:8080");
    assert_eq!(s.telegram.api_url, "https://api.telegram.org");
    assert_eq!(s.database_backend(), DatabaseBackend::Sqlite);
}

#[test]
fn port_binds_every_interface_and_wins_over_http_addr() {
    let s = load(&[("PORT", "9000"), ("HTTP_ADDR", "127.0.0.1:1")]).expect("loads");
    assert_eq!(s.http.addr, "0.0.0.0:9000");
}

#[test]
fn invalid_port_names_the_setting() {
    let err = load(&[("PORT", "eighty")])
        .expect_err("must fail")
        .to_string();
    assert!(err.contains("PORT"), "{err}");
}

#[test]
fn invalid_http_addr_names_the_setting() {
    let err = load(&[("HTTP_ADDR", "localhost")])
        .expect_err("must fail")
        .to_string();
    assert!(err.starts_with("invalid setting HTTP_ADDR"), "{err}");
}

#[test]
fn unknown_database_scheme_names_database_url() {
    let err = load(&[("DATABASE_URL", "mysql://x")])
        .expect_err("must fail")
        .to_string();
    assert!(err.contains("DATABASE_URL"), "{err}");
}

#[test]
fn group_commits_linger_a_millisecond_unless_told_otherwise() {
    let default = load(&[]).expect("defaults load");
    assert_eq!(default.database.batch_linger_us, 1000);
    let off = load(&[("DATABASE_BATCH_LINGER_US", "0")]).expect("loads");
    assert_eq!(off.database.batch_linger_us, 0);
}

#[test]
fn a_linger_longer_than_100ms_names_the_setting() {
    let err = load(&[("DATABASE_BATCH_LINGER_US", "100001")])
        .expect_err("must fail")
        .to_string();
    assert!(err.contains("DATABASE_BATCH_LINGER_US"), "{err}");
    assert!(err.contains("100000"), "{err}");
}

#[test]
fn bad_log_format_names_log_format() {
    let err = load(&[("LOG_FORMAT", "xml")])
        .expect_err("must fail")
        .to_string();
    assert!(err.contains("LOG_FORMAT"), "{err}");
}

#[test]
fn webhook_secret_with_forbidden_characters_is_refused() {
    let err = load(&[("TELEGRAM_WEBHOOK_SECRET", "has space")])
        .expect_err("must fail")
        .to_string();
    assert!(err.contains("TELEGRAM_WEBHOOK_SECRET"), "{err}");
}

#[test]
fn secrets_never_appear_in_debug_output() {
    let s = load(&[
        ("TELEGRAM_BOT_TOKEN", "123:very-secret-token"),
        ("OPENAI_API_KEY", "sk-very-secret"),
        ("TELEGRAM_WEBHOOK_SECRET", "hook_secret_value"),
        ("DATABASE_URL", "postgres://u:dbpassword@h/db"),
    ])
    .expect("loads");
    let debug = format!("{s:?}");
    for secret in [
        "very-secret-token",
        "sk-very-secret",
        "hook_secret_value",
        "dbpassword",
    ] {
        assert!(!debug.contains(secret), "{secret} leaked in {debug}");
    }
    assert_eq!(
        s.openai
            .api_key
            .as_ref()
            .map(|k| k.expose_secret().to_string()),
        Some("sk-very-secret".into())
    );
}

#[test]
fn render_caches_are_warmed_at_start_unless_turned_off() {
    let on = load(&[]).map(|s| s.render.warm_up);
    let off = load(&[("RENDER_WARM_UP", "false")]).map(|s| s.render.warm_up);
    assert!(matches!((on, off), (Ok(true), Ok(false))));
}

#[test]
fn a_secret_read_from_a_file_loses_its_trailing_newline() {
    let dir = tempfile::tempdir().expect("tempdir");
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).expect("write");
        path.to_string_lossy().into_owned()
    };
    let admin = write("admin_token", "0123456789abcdef-secret\n");
    let bot = write("bot_token", "123:abc\r\n");
    let database = write("database_url", "sqlite://data/x.db\n");
    let key = write("openai_api_key", "\n");
    let s = load(&[
        ("ADMIN_TOKEN_FILE", admin.as_str()),
        ("TELEGRAM_BOT_TOKEN_FILE", bot.as_str()),
        ("DATABASE_URL_FILE", database.as_str()),
        ("OPENAI_API_KEY_FILE", key.as_str()),
        // An empty variable counts as unset, as everywhere (Kubernetes manifests blank defaults).
        ("DATABASE_URL", ""),
    ])
    .expect("loads");
    let token = s.http.admin_token.expect("token");
    assert_eq!(token.expose_secret(), "0123456789abcdef-secret");
    assert_eq!(
        s.telegram.bot_token.expect("bot token").expose_secret(),
        "123:abc"
    );
    assert_eq!(s.database.url.expose_secret(), "sqlite://data/x.db");
    assert!(
        s.openai.api_key.is_none(),
        "an empty key file: the offline writer"
    );
}

#[test]
fn a_secret_given_twice_or_from_a_missing_or_empty_file_is_refused_by_name() {
    let dir = tempfile::tempdir().expect("tempdir");
    let empty = dir.path().join("empty");
    std::fs::write(&empty, "  \n").expect("write");
    let empty = empty.to_string_lossy().into_owned();
    let both = load(&[
        ("ADMIN_TOKEN", "0123456789abcdef"),
        ("ADMIN_TOKEN_FILE", empty.as_str()),
    ])
    .expect_err("both")
    .to_string();
    assert!(
        both.contains("ADMIN_TOKEN") && both.contains("ADMIN_TOKEN_FILE"),
        "{both}"
    );
    let missing = load(&[("TELEGRAM_BOT_TOKEN_FILE", "/nonexistent/token")])
        .expect_err("missing")
        .to_string();
    assert!(
        missing.starts_with("invalid setting TELEGRAM_BOT_TOKEN_FILE"),
        "{missing}"
    );
    assert!(missing.contains("/nonexistent/token"), "{missing}");
    let blank = load(&[("ADMIN_TOKEN_FILE", empty.as_str())])
        .expect_err("empty")
        .to_string();
    assert!(
        blank.contains("ADMIN_TOKEN_FILE") && blank.contains("is empty"),
        "{blank}"
    );
}

#[test]
fn an_admin_token_with_surrounding_whitespace_in_the_environment_is_trimmed() {
    let s = load(&[("ADMIN_TOKEN", " 0123456789abcdef\n")]).expect("loads");
    assert_eq!(
        s.http.admin_token.expect("token").expose_secret(),
        "0123456789abcdef"
    );
}

#[test]
fn an_empty_or_in_memory_sqlite_database_is_refused_naming_database_url() {
    for url in [
        "sqlite://",
        "sqlite:",
        "sqlite::memory:",
        "sqlite://:memory:",
        "sqlite://file::memory:?cache=shared",
        "sqlite://data/x.db?mode=memory",
    ] {
        let err = load(&[("DATABASE_URL", url)]).expect_err(url).to_string();
        assert!(
            err.starts_with("invalid setting DATABASE_URL"),
            "{url}: {err}"
        );
        assert!(!err.contains('\n'), "one line: {err}");
    }
    assert!(load(&[("DATABASE_URL", "sqlite://data/x.db")]).is_ok());
}

#[test]
fn allowed_user_ids_parse_with_commas_or_spaces_and_name_a_bad_one() {
    assert_eq!(parse_user_ids("1, 2 3,,"), Ok(vec![1, 2, 3]));
    assert_eq!(
        parse_user_ids("1,abc"),
        Err("'abc' is not a Telegram user id".to_string())
    );
}
