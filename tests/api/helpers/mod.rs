//! One helper module for every integration test: per-test databases, `spawn_app`, fixtures.
#![allow(dead_code)]
use bible_vibecoder::app::config::Settings;
use bible_vibecoder::app::startup::Application;
use bible_vibecoder::domain::UpdateStatus;
use bible_vibecoder::http::AppState;
use bible_vibecoder::observability::eventlog::EventLog;
use bible_vibecoder::store::Store;
use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

mod collector;
mod fake_bot_api;
mod fake_openai;
mod processes;
mod proxy;

pub use collector::*;
pub use fake_bot_api::*;
pub use fake_openai::*;
pub use processes::*;
pub use proxy::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Where the PostgreSQL tests create their databases.
/// A workflow id as the tests write it (the canonical UUID text).
pub fn workflow_id(text: &str) -> bible_vibecoder::domain::WorkflowId {
    bible_vibecoder::domain::WorkflowId::parse(text).expect("a workflow id")
}

pub fn postgres_admin_url() -> String {
    std::env::var("TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// CI sets this so an unreachable PostgreSQL fails the run instead of skipping.
fn postgres_required() -> bool {
    std::env::var("BVC_REQUIRE_POSTGRES").is_ok_and(|v| v == "1")
}

/// A database of the test's own: a temp SQLite file, or a PostgreSQL database dropped afterwards.
pub struct TestDb {
    pub backend: Backend,
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    pg_database: Option<String>,
}

impl TestDb {
    /// Runs `sql` on a connection of its own (to corrupt or break what the store sees).
    pub async fn execute(&self, sql: &str) {
        let sql = sql.to_string();
        match self.backend {
            Backend::Postgres => {
                let mut conn = AsyncPgConnection::establish(&self.url)
                    .await
                    .expect("connect");
                conn.batch_execute(&sql).await.expect("sql runs");
            }
            Backend::Sqlite => {
                use diesel::connection::SimpleConnection;
                use diesel::Connection;
                let path = bible_vibecoder::store::sqlite_path(&self.url).to_string();
                tokio::task::spawn_blocking(move || {
                    let mut conn = diesel::SqliteConnection::establish(&path).expect("connect");
                    conn.batch_execute(&format!("PRAGMA busy_timeout = 5000; {sql}"))
                        .expect("sql runs");
                })
                .await
                .expect("sql task");
            }
        }
    }

    /// `None` (with a loud note) when PostgreSQL is wanted but unreachable and not required.
    pub async fn create(backend: Backend) -> Option<TestDb> {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite://{}/bvc-test.db", dir.path().display());
                Some(TestDb {
                    backend,
                    url,
                    _dir: Some(dir),
                    pg_database: None,
                })
            }
            Backend::Postgres => {
                let admin = postgres_admin_url();
                let connected = tokio::time::timeout(
                    Duration::from_secs(3),
                    AsyncPgConnection::establish(&admin),
                )
                .await;
                let mut conn = match connected {
                    Ok(Ok(conn)) => conn,
                    outcome => {
                        let why = match outcome {
                            Ok(Err(e)) => e.to_string(),
                            _ => "timed out".to_string(),
                        };
                        if postgres_required() {
                            panic!("PostgreSQL required (BVC_REQUIRE_POSTGRES=1) but unreachable at {admin}: {why}");
                        }
                        eprintln!("SKIPPED: PostgreSQL test (unreachable at {admin}: {why})");
                        return None;
                    }
                };
                let name = format!("bvc_test_{}", uuid::Uuid::new_v4().simple());
                conn.batch_execute(&format!("CREATE DATABASE {name}"))
                    .await
                    .expect("create test database");
                let base = admin
                    .rsplit_once('/')
                    .map(|(base, _)| base.to_string())
                    .unwrap_or(admin);
                Some(TestDb {
                    backend,
                    url: format!("{base}/{name}"),
                    _dir: None,
                    pg_database: Some(name),
                })
            }
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(name) = self.pg_database.take() {
            // Drop runs inside the test's runtime, which cannot be blocked on: use a thread of its own.
            let admin = postgres_admin_url();
            let _ = std::thread::spawn(move || {
                let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                else {
                    return;
                };
                rt.block_on(async move {
                    if let Ok(mut conn) = AsyncPgConnection::establish(&admin).await {
                        let _ = conn
                            .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                            .await;
                    }
                });
            })
            .join();
        }
    }
}

/// Settings as a user would give them, through the same loader, plus the test's overrides.
pub fn settings_for(db: &TestDb, extra: &[(&str, &str)]) -> Settings {
    let mut env: HashMap<String, String> = HashMap::new();
    env.insert("DATABASE_URL".into(), db.url.clone());
    env.insert("HTTP_ADDR".into(), "127.0.0.1:0".into());
    env.insert("TELEGRAM_BOT_USERNAME".into(), "vibe_test_bot".into());
    // Every test app would warm the same process-wide caches again: off unless a test asks.
    env.insert("RENDER_WARM_UP".into(), "false".into());
    // Today's one-press flow unless a test asks for review before render.
    env.insert("REVIEW_BY_DEFAULT".into(), "false".into());
    for (k, v) in extra {
        env.insert((*k).into(), (*v).into());
    }
    Settings::load_from(|name| env.get(name).cloned()).expect("test settings load")
}

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub state: actix_web::web::Data<AppState>,
    pub store: Store,
    pub event_log: EventLog,
    pub db: Arc<TestDb>,
    pub orchestrator: actix::Addr<bible_vibecoder::actors::OrchestratorActor>,
    server: actix_web::dev::ServerHandle,
    /// The application's run (serving, then its shutdown), awaited by `stop`.
    running: std::sync::Mutex<
        Option<tokio::task::JoinHandle<bible_vibecoder::app::error::AppResult<()>>>,
    >,
}

pub async fn spawn_app(backend: Backend) -> Option<TestApp> {
    spawn_app_with(backend, &[]).await
}

pub async fn spawn_app_with(backend: Backend, extra: &[(&str, &str)]) -> Option<TestApp> {
    let db = Arc::new(TestDb::create(backend).await?);
    Some(spawn_app_on(db, extra).await)
}

/// Starts the application over an existing database (e.g. to restart "after a crash").
pub async fn spawn_app_on(db: Arc<TestDb>, extra: &[(&str, &str)]) -> TestApp {
    spawn_app_tuned(db, extra, |_| {}).await
}

/// Like [`spawn_app_on`], with settings no environment variable reaches (breakers, supervision).
pub async fn spawn_app_tuned(
    db: Arc<TestDb>,
    extra: &[(&str, &str)],
    tune: impl FnOnce(&mut Settings),
) -> TestApp {
    let mut settings = settings_for(&db, extra);
    tune(&mut settings);
    let app = Application::build(settings)
        .await
        .expect("application builds");
    let address = format!("http://127.0.0.1:{}", app.port());
    let state = app.state();
    let event_log = app.services().event_log.clone();
    let orchestrator = app.services().orchestrator.clone();
    let server = app.server_handle();
    let running = std::sync::Mutex::new(Some(actix_rt::spawn(app.run_until_stopped())));
    TestApp {
        running,
        address,
        client: reqwest::Client::new(),
        store: Store::over(state.db.clone()),
        state,
        event_log,
        db,
        orchestrator,
        server,
    }
}

/// The application over a database of its own, talking to a loopback Bot API of its own
/// (`extra` settings and `tune` on top).
pub async fn app_with_bot(
    backend: Backend,
    extra: &[(&str, &str)],
    tune: impl FnOnce(&mut Settings),
) -> Option<(TestApp, FakeBotApi)> {
    let db = Arc::new(TestDb::create(backend).await?);
    let telegram = FakeBotApi::start();
    let mut env = vec![
        ("TELEGRAM_BOT_TOKEN", "123:secret"),
        ("TELEGRAM_API_URL", telegram.url.as_str()),
    ];
    env.extend_from_slice(extra);
    let app = spawn_app_tuned(db, &env, tune).await;
    Some((app, telegram))
}

pub fn fixture_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/telegram")
}

/// The names of every shared Telegram fixture, sorted.
pub fn fixture_names() -> Vec<String> {
    let mut names: Vec<_> = std::fs::read_dir(fixture_dir())
        .expect("fixtures in tests/fixtures/telegram")
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .filter(|n| n.ends_with(".json"))
        .collect();
    names.sort();
    names
}

pub fn fixture(name: &str) -> String {
    let path = fixture_dir().join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("fixture {}: {e}", path.display()))
}

/// A fixture with its update_id replaced, for tests that need many distinct updates.
pub fn fixture_with_id(name: &str, update_id: i64) -> String {
    let mut value: serde_json::Value =
        serde_json::from_str(&fixture(name)).expect("fixture is JSON");
    value["update_id"] = update_id.into();
    value.to_string()
}

pub fn update_id_of(body: &str) -> i64 {
    let value: serde_json::Value = serde_json::from_str(body).expect("JSON");
    value["update_id"].as_i64().expect("update_id")
}

impl TestApp {
    pub async fn post_update(&self, body: impl Into<reqwest::Body>) -> reqwest::Response {
        self.post_update_with_secret(body, None).await
    }

    pub async fn post_update_with_secret(
        &self,
        body: impl Into<reqwest::Body>,
        secret: Option<&str>,
    ) -> reqwest::Response {
        let mut request = self
            .client
            .post(format!("{}/telegram/webhook", self.address))
            .header("content-type", "application/json")
            .body(body);
        if let Some(secret) = secret {
            request = request.header("X-Telegram-Bot-Api-Secret-Token", secret);
        }
        request.send().await.expect("webhook request")
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.address))
            .send()
            .await
            .expect("GET request")
    }

    pub async fn get_json(&self, path: &str) -> serde_json::Value {
        self.get(path).await.json().await.expect("JSON body")
    }

    /// Waits (bounded) for the gateway to finish an update; answers its final status.
    pub async fn finished_status(&self, update_id: i64) -> Option<UpdateStatus> {
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        loop {
            let status = self
                .store
                .updates
                .update_status_of(update_id)
                .await
                .ok()
                .flatten();
            if status.is_some_and(|s| !matches!(s, UpdateStatus::Pending | UpdateStatus::Claimed))
                || std::time::Instant::now() >= deadline
            {
                return status;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// The event log's records for one correlation id, once `until` holds for them (bounded wait).
    pub async fn events_of(
        &self,
        correlation: &str,
        until: impl Fn(&[bible_vibecoder::store::StoredEvent]) -> bool,
    ) -> Vec<bible_vibecoder::store::StoredEvent> {
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        loop {
            self.event_log.flush().await;
            // The log's rows, the sent outbox rows and, for an update, its row as the root.
            let events = bible_vibecoder::observability::trace::trail_of(&self.store, correlation)
                .await
                .expect("events");
            if until(&events) || std::time::Instant::now() >= deadline {
                return events;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Renames a table away (or back), so the store fails as if it had lost it, on either backend.
    pub async fn rename_table(&self, from: &str, to: &str) {
        self.db
            .execute(&format!("ALTER TABLE {from} RENAME TO {to}"))
            .await;
    }

    /// Stops the application as SIGTERM would and waits for its whole shutdown.
    pub async fn stop(&self) {
        self.server.stop(true).await;
        let running = self.running.lock().expect("run handle").take();
        if let Some(running) = running {
            let _ = running.await;
        }
    }
}

/// Runs each test once per backend: `sqlite::name` and `postgres::name`.
#[macro_export]
macro_rules! on_both_backends {
    ($(async fn $name:ident($backend:ident) $body:block)+) => {
        mod sqlite {
            #[allow(unused_imports)]
            use super::*;
            $(
                #[actix_rt::test]
                async fn $name() {
                    let $backend = $crate::helpers::Backend::Sqlite;
                    $body
                }
            )+
        }
        mod postgres {
            #[allow(unused_imports)]
            use super::*;
            $(
                #[actix_rt::test]
                async fn $name() {
                    let $backend = $crate::helpers::Backend::Postgres;
                    $body
                }
            )+
        }
    };
}

/// Polls `check` until it answers `Some`, for states the system reaches on its own; panics
/// naming `what` after `limit`.
pub async fn eventually<T, F, Fut>(what: &str, limit: Duration, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let started = std::time::Instant::now();
    loop {
        if let Some(value) = check().await {
            return value;
        }
        if started.elapsed() > limit {
            panic!("never happened within {limit:?}: {what}");
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The callback data of every inline button a sent (or edited) message carries, row by row.
pub fn button_data(message: &serde_json::Value) -> Vec<String> {
    message["reply_markup"]["inline_keyboard"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row.as_array().into_iter().flatten())
        .filter_map(|button| button["callback_data"].as_str().map(str::to_string))
        .collect()
}

/// A shared fixture's update as sent by someone else: `update_id`, the sender's
/// `language_code`, and (for a message) its text or (for a button press) its data.
pub fn update_from(fixture_name: &str, update_id: i64, language_code: &str, text: &str) -> String {
    let mut update: serde_json::Value =
        serde_json::from_str(&fixture(fixture_name)).expect("fixture is JSON");
    update["update_id"] = update_id.into();
    if update.get("callback_query").is_some() {
        update["callback_query"]["id"] = format!("press-{update_id}").into();
        update["callback_query"]["from"]["language_code"] = language_code.into();
        update["callback_query"]["data"] = text.into();
    } else {
        update["message"]["message_id"] = (update_id % 100_000).into();
        update["message"]["from"]["language_code"] = language_code.into();
        update["message"]["text"] = text.into();
    }
    update.to_string()
}

/// What a model answers for a carousel of `n` slides.
pub fn model_slides(n: usize) -> String {
    let slides: Vec<serde_json::Value> = (0..n)
        .map(|i| {
            let kind = match i {
                0 => "title",
                i if i + 1 == n => "cta",
                _ => "idea",
            };
            serde_json::json!({"kind": kind, "title": format!("✨ Model slide number {i}"), "body": "Written by the fake model."})
        })
        .collect();
    serde_json::json!({ "slides": slides }).to_string()
}

/// Runs the server `start` makes on a loopback listener, on its own thread and actix system,
/// as every fake does; answers the port it listens on.
pub fn serve_in_background(
    start: impl FnOnce(std::net::TcpListener) -> actix_web::dev::Server + Send + 'static,
) -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    let port = listener.local_addr().expect("its address").port();
    std::thread::spawn(move || {
        actix_rt::System::new().block_on(async move {
            let _ = start(listener).await;
        });
    });
    port
}
