//! One helper module for every integration test: per-test databases, `spawn_app`, fixtures.
#![allow(dead_code)]
use bible_vibecoder::config::Settings;
use bible_vibecoder::eventlog::EventLog;
use bible_vibecoder::routes::AppState;
use bible_vibecoder::startup::Application;
use bible_vibecoder::store::{Store, UpdateStatus};
use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Where the PostgreSQL tests create their databases.
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
    running:
        std::sync::Mutex<Option<tokio::task::JoinHandle<bible_vibecoder::error::AppResult<()>>>>,
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
        store: state.store.clone(),
        state,
        event_log,
        db,
        orchestrator,
        server,
    }
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
            let status = self.store.update_status_of(update_id).await.ok().flatten();
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
            let events = self.store.events_of(correlation).await.expect("events");
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

/// A loopback server speaking OpenAI's chat-completions protocol, answering every call with
/// `content` as the assistant message. Runs on its own thread and actix system.
pub struct FakeOpenAi {
    pub base_url: String,
    pub calls: Arc<std::sync::atomic::AtomicUsize>,
}

impl FakeOpenAi {
    pub fn start(content: String) -> FakeOpenAi {
        Self::start_answering(200, content)
    }

    /// Answers every call with `status` (an OpenAI-style error body unless 200).
    pub fn start_answering(status: u16, content: String) -> FakeOpenAi {
        Self::start_with(status, content, Duration::ZERO)
    }

    /// A model that takes `delay` to answer each call.
    pub fn start_slow(content: String, delay: Duration) -> FakeOpenAi {
        Self::start_with(200, content, delay)
    }

    fn start_with(status: u16, content: String, delay: Duration) -> FakeOpenAi {
        use actix_web::{web, App, HttpResponse, HttpServer};
        let calls = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counter = calls.clone();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let system = actix_rt::System::new();
            system.block_on(async move {
                let server = HttpServer::new(move || {
                    let content = content.clone();
                    let counter = counter.clone();
                    App::new().route(
                        "/v1/chat/completions",
                        web::post().to(move |body: web::Json<serde_json::Value>| {
                            let content = content.clone();
                            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                            async move {
                                tokio::time::sleep(delay).await;
                                if status != 200 {
                                    let code = actix_web::http::StatusCode::from_u16(status)
                                        .expect("valid status");
                                    return HttpResponse::build(code).json(serde_json::json!({
                                        "error": {"message": "upstream exploded", "type": "server_error", "param": null, "code": null}
                                    }));
                                }
                                HttpResponse::Ok().json(serde_json::json!({
                                    "id": "chatcmpl-test",
                                    "object": "chat.completion",
                                    "created": 1763856000u32,
                                    "model": body["model"],
                                    "choices": [{
                                        "index": 0,
                                        "finish_reason": "stop",
                                        "message": {"role": "assistant", "content": content}
                                    }]
                                }))
                            }
                        }),
                    )
                })
                .workers(2)
                .bind("127.0.0.1:0")
                .expect("bind fake OpenAI");
                let port = server.addrs()[0].port();
                let _ = tx.send(port);
                let _ = server.run().await;
            });
        });
        let port = rx.recv().expect("fake OpenAI started");
        FakeOpenAi {
            base_url: format!("http://127.0.0.1:{port}/v1"),
            calls,
        }
    }
}

/// A TCP proxy in front of a real server that a test can cut (live connections are dropped and
/// new ones refused) and restore: a database outage without touching the database.
pub struct TcpProxy {
    pub port: u16,
    up: Arc<std::sync::atomic::AtomicBool>,
    live: Arc<std::sync::Mutex<Vec<tokio::task::AbortHandle>>>,
}

/// Copies `from` to `to` at most `bytes_per_second` (a slow uplink), in 16 KB steps.
async fn copy_throttled(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    bytes_per_second: u64,
) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    // When the link is free again; an idle connection (keep-alive) earns no credit.
    let mut free_at = tokio::time::Instant::now();
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        let n = match from.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        free_at = free_at.max(tokio::time::Instant::now())
            + Duration::from_secs_f64(n as f64 / bytes_per_second as f64);
        tokio::time::sleep_until(free_at).await;
        if to.write_all(&buf[..n]).await.is_err() {
            break;
        }
    }
    let _ = to.shutdown().await;
}

impl TcpProxy {
    pub fn start(target: std::net::SocketAddr) -> TcpProxy {
        Self::start_with(target, None)
    }

    /// A proxy whose client-to-server direction carries at most `bytes_per_second` (a slow
    /// uplink, e.g. 10 Mbit/s = 1,250,000); answers come back at full speed.
    pub fn start_throttled(target: std::net::SocketAddr, bytes_per_second: u64) -> TcpProxy {
        Self::start_with(target, Some(bytes_per_second.max(1)))
    }

    fn start_with(target: std::net::SocketAddr, uplink: Option<u64>) -> TcpProxy {
        let up = Arc::new(std::sync::atomic::AtomicBool::new(true));
        let live = Arc::new(std::sync::Mutex::new(Vec::new()));
        let (tx, rx) = std::sync::mpsc::channel();
        let (up2, live2) = (up.clone(), live.clone());
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .build()
                .expect("proxy runtime");
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                    .await
                    .expect("bind proxy");
                let _ = tx.send(listener.local_addr().expect("addr").port());
                loop {
                    let Ok((mut inbound, _)) = listener.accept().await else {
                        continue;
                    };
                    if !up2.load(std::sync::atomic::Ordering::SeqCst) {
                        drop(inbound);
                        continue;
                    }
                    let task = tokio::spawn(async move {
                        let Ok(mut outbound) = tokio::net::TcpStream::connect(target).await else {
                            return;
                        };
                        match uplink {
                            None => {
                                let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound)
                                    .await;
                            }
                            Some(rate) => {
                                let (client_read, mut client_write) = inbound.into_split();
                                let (mut server_read, server_write) = outbound.into_split();
                                let up = copy_throttled(client_read, server_write, rate);
                                let down = tokio::io::copy(&mut server_read, &mut client_write);
                                let _ = tokio::join!(up, down);
                            }
                        }
                    });
                    live2.lock().expect("live").push(task.abort_handle());
                }
            });
        });
        TcpProxy {
            port: rx.recv().expect("proxy started"),
            up,
            live,
        }
    }

    pub fn cut(&self) {
        self.up.store(false, std::sync::atomic::Ordering::SeqCst);
        for task in self.live.lock().expect("live").drain(..) {
            task.abort();
        }
    }

    pub fn restore(&self) {
        self.up.store(true, std::sync::atomic::Ordering::SeqCst);
    }
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

type Shared<T> = Arc<std::sync::Mutex<T>>;

/// A file uploaded to the fake Bot API.
#[derive(Clone, Debug)]
pub struct Upload {
    pub method: String,
    pub name: String,
    pub bytes: Vec<u8>,
}

/// What the fake Bot API does with the next call of one method.
#[derive(Clone)]
pub enum BotAnswer {
    /// Answers as usual (to script a later call).
    Pass,
    /// Answers `{"ok": false, ...}` with this HTTP status, error code, description and, for 429,
    /// `parameters.retry_after`.
    Fail {
        status: u16,
        description: String,
        retry_after: Option<u64>,
    },
    /// Never answers (the caller's process can be killed mid-call).
    Hang,
}

/// One request the fake Bot API received.
#[derive(Clone, Debug)]
pub struct BotRequest {
    pub method: String,
    pub at: std::time::Instant,
    /// "ok", "failed" or "held".
    pub outcome: &'static str,
}

/// A loopback server speaking the Bot API's wire protocol (JSON and multipart/form-data).
/// Calls are recorded and answered `ok` with plausible results (send* → messages with fresh
/// ids, sendMediaGroup → one message per item, edits → the message, the rest → `true`), unless
/// a scripted answer is queued for the method. Runs on its own thread and actix system.
pub struct FakeBotApi {
    pub url: String,
    /// Calls answered `ok`: method and parameters.
    pub calls: Arc<std::sync::Mutex<Vec<(String, serde_json::Value)>>>,
    /// Files uploaded with calls answered `ok`: method, file name, bytes.
    pub uploads: Shared<Vec<Upload>>,
    /// Every request, in order, however it was answered.
    pub requests: Arc<std::sync::Mutex<Vec<BotRequest>>>,
    /// Updates the next getUpdates call hands out (then it answers `[]` after a short wait).
    pub pending_updates: Arc<std::sync::Mutex<Vec<serde_json::Value>>>,
    script: Shared<HashMap<String, std::collections::VecDeque<BotAnswer>>>,
}

impl FakeBotApi {
    pub fn start() -> FakeBotApi {
        use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
        let api = FakeBotApi {
            url: String::new(),
            calls: Arc::default(),
            uploads: Arc::default(),
            requests: Arc::default(),
            pending_updates: Arc::default(),
            script: Arc::default(),
        };
        let shared = (
            api.calls.clone(),
            api.uploads.clone(),
            api.requests.clone(),
            api.pending_updates.clone(),
            api.script.clone(),
        );
        let next_message_id = Arc::new(std::sync::atomic::AtomicI64::new(100));
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let system = actix_rt::System::new();
            system.block_on(async move {
                let server = HttpServer::new(move || {
                    let shared = shared.clone();
                    let next_message_id = next_message_id.clone();
                    App::new()
                        .app_data(web::PayloadConfig::new(64 * 1024 * 1024))
                        .default_service(web::to(move |req: HttpRequest, body: web::Bytes| {
                            let (calls, uploads, requests, pending, script) = shared.clone();
                            let next_message_id = next_message_id.clone();
                            async move {
                                let method = req.path().rsplit('/').next().unwrap_or_default().to_string();
                                let lowercase = method.to_ascii_lowercase();
                                let scripted = script.lock().expect("script").get_mut(&lowercase).and_then(|q| q.pop_front());
                                let record = |outcome| requests.lock().expect("requests").push(BotRequest { method: method.clone(), at: std::time::Instant::now(), outcome });
                                match scripted {
                                    Some(BotAnswer::Hang) => {
                                        record("held");
                                        tokio::time::sleep(Duration::from_secs(3600)).await;
                                        return HttpResponse::GatewayTimeout().finish();
                                    }
                                    Some(BotAnswer::Fail { status, description, retry_after }) => {
                                        record("failed");
                                        let mut body = serde_json::json!({"ok": false, "error_code": status, "description": description});
                                        if let Some(seconds) = retry_after {
                                            body["parameters"] = serde_json::json!({"retry_after": seconds});
                                        }
                                        let code = actix_web::http::StatusCode::from_u16(status).expect("status");
                                        return HttpResponse::build(code).json(body);
                                    }
                                    Some(BotAnswer::Pass) | None => record("ok"),
                                }
                                let (params, files) = bot_api_params(&body);
                                let chat = params["chat_id"].clone();
                                let message = |text: &str| {
                                    let id = next_message_id.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                                    serde_json::json!({
                                        "message_id": id, "date": 1763856000,
                                        "chat": {"id": chat, "type": "private", "first_name": "Admin"},
                                        "text": text
                                    })
                                };
                                let result = if lowercase == "getupdates" {
                                    let updates: Vec<serde_json::Value> = pending.lock().expect("updates").drain(..).collect();
                                    if updates.is_empty() {
                                        // A short stand-in for Telegram's long poll.
                                        tokio::time::sleep(Duration::from_millis(50)).await;
                                    }
                                    serde_json::Value::Array(updates)
                                } else if lowercase == "sendmediagroup" {
                                    let items = params["media"].as_array().map_or(0, Vec::len);
                                    serde_json::Value::Array((0..items).map(|_| message("album")).collect())
                                } else if lowercase.starts_with("send") || lowercase.starts_with("edit") {
                                    message(params["text"].as_str().unwrap_or("ok"))
                                } else {
                                    serde_json::json!(true)
                                };
                                uploads.lock().expect("uploads").extend(files.into_iter().map(|(name, bytes)| Upload { method: method.clone(), name, bytes }));
                                calls.lock().expect("calls").push((method, params));
                                HttpResponse::Ok().json(serde_json::json!({"ok": true, "result": result}))
                            }
                        }))
                })
                .workers(2)
                .bind("127.0.0.1:0")
                .expect("bind fake Bot API");
                let port = server.addrs()[0].port();
                let _ = tx.send(port);
                let _ = server.run().await;
            });
        });
        let port = rx.recv().expect("fake Bot API started");
        FakeBotApi {
            url: format!("http://127.0.0.1:{port}"),
            ..api
        }
    }

    pub fn queue_update(&self, update: &str) {
        let update = serde_json::from_str(update).expect("update JSON");
        self.pending_updates.lock().expect("updates").push(update);
    }

    /// The next call of `method` gets `answer` instead of success.
    pub fn script(&self, method: &str, answer: BotAnswer) {
        self.script
            .lock()
            .expect("script")
            .entry(method.to_ascii_lowercase())
            .or_default()
            .push_back(answer);
    }

    /// Calls of one Bot API method answered `ok` (names are case-insensitive; teloxide sends
    /// `SendMessage`).
    pub fn calls_to(&self, method: &str) -> Vec<serde_json::Value> {
        self.calls
            .lock()
            .expect("calls")
            .iter()
            .filter(|(m, _)| m.eq_ignore_ascii_case(method))
            .map(|(_, p)| p.clone())
            .collect()
    }

    /// The first style keyboard sent to `chat`: the button data of its first button (which
    /// names the workflow) once it has arrived.
    pub async fn style_offer_in(&self, chat: i64) -> String {
        let offer = eventually("a style keyboard", Duration::from_secs(30), || async {
            self.calls_to("sendMessage")
                .into_iter()
                .find(|m| m["chat_id"] == chat && m["reply_markup"].to_string().contains("style:"))
        })
        .await;
        offer["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
            .as_str()
            .expect("button data")
            .to_string()
    }

    /// Every request of one method, however answered.
    pub fn requests_to(&self, method: &str) -> Vec<BotRequest> {
        self.requests
            .lock()
            .expect("requests")
            .iter()
            .filter(|r| r.method.eq_ignore_ascii_case(method))
            .cloned()
            .collect()
    }

    /// Files uploaded with `method`, in order.
    pub fn uploads_to(&self, method: &str) -> Vec<(String, Vec<u8>)> {
        self.uploads
            .lock()
            .expect("uploads")
            .iter()
            .filter(|upload| upload.method.eq_ignore_ascii_case(method))
            .map(|upload| (upload.name.clone(), upload.bytes.clone()))
            .collect()
    }
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    haystack
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| i + from)
}

/// A Bot API call's parameters — JSON, or multipart/form-data (teloxide sends calls that may
/// carry files that way), each field's value read as JSON where it is JSON — and its files
/// (file name, bytes).
fn bot_api_params(body: &[u8]) -> (serde_json::Value, Vec<(String, Vec<u8>)>) {
    if let Ok(json) = serde_json::from_slice(body) {
        return (json, Vec::new());
    }
    let mut params = serde_json::Map::new();
    let mut files = Vec::new();
    let Some(line_end) = find(body, b"\r\n", 0) else {
        return (serde_json::Value::Null, files);
    };
    let boundary = body[..line_end].to_vec();
    let mut at = 0;
    while let Some(start) = find(body, &boundary, at) {
        let part_start = start + boundary.len();
        let part_end = find(body, &boundary, part_start).unwrap_or(body.len());
        at = part_end;
        let part = &body[part_start..part_end];
        let Some(head_end) = find(part, b"\r\n\r\n", 0) else {
            continue;
        };
        let head = String::from_utf8_lossy(&part[..head_end]);
        let mut value = &part[head_end + 4..];
        if value.ends_with(b"\r\n") {
            value = &value[..value.len() - 2];
        }
        let attribute = |key: &str| {
            head.split(&format!("{key}=\""))
                .nth(1)
                .and_then(|rest| rest.split('"').next())
                .map(str::to_string)
        };
        let Some(name) = attribute("name") else {
            continue;
        };
        if let Some(file_name) = attribute("filename") {
            files.push((file_name, value.to_vec()));
            continue;
        }
        let text = String::from_utf8_lossy(value);
        params.insert(
            name,
            serde_json::from_str(&text).unwrap_or_else(|_| text.into_owned().into()),
        );
    }
    (serde_json::Value::Object(params), files)
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
    (Served(child), port)
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

/// One span as an OTLP collector received it (ids in hex).
#[derive(Debug, Clone)]
pub struct ReceivedSpan {
    pub trace_id: String,
    pub span_id: String,
    pub parent_span_id: Option<String>,
    pub name: String,
    pub attributes: std::collections::HashMap<String, String>,
    /// `trace_id:span_id` of each linked span.
    pub links: Vec<String>,
    pub service_name: Option<String>,
}

/// A loopback OpenTelemetry collector speaking OTLP/HTTP (protobuf) on `/v1/traces`: decodes
/// every export request with `opentelemetry-proto` and keeps the spans.
pub struct FakeCollector {
    pub url: String,
    spans: Arc<std::sync::Mutex<Vec<ReceivedSpan>>>,
}

impl FakeCollector {
    pub fn start() -> FakeCollector {
        use actix_web::{web, App, HttpResponse, HttpServer};
        let spans = Arc::new(std::sync::Mutex::new(Vec::new()));
        let kept = spans.clone();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let system = actix_rt::System::new();
            system.block_on(async move {
                let server = HttpServer::new(move || {
                    let kept = kept.clone();
                    App::new()
                        .app_data(web::PayloadConfig::new(64 * 1024 * 1024))
                        .route(
                            "/v1/traces",
                            web::post().to(move |body: web::Bytes| {
                                let kept = kept.clone();
                                async move {
                                    match decode_export(&body) {
                                        Ok(spans) => {
                                            kept.lock().expect("spans").extend(spans);
                                            HttpResponse::Ok()
                                                .content_type("application/x-protobuf")
                                                .body(Vec::<u8>::new())
                                        }
                                        Err(e) => HttpResponse::BadRequest().body(e),
                                    }
                                }
                            }),
                        )
                })
                .workers(1)
                .bind("127.0.0.1:0")
                .expect("bind fake collector");
                let port = server.addrs()[0].port();
                let _ = tx.send(port);
                let _ = server.run().await;
            });
        });
        let port = rx.recv().expect("fake collector started");
        FakeCollector {
            url: format!("http://127.0.0.1:{port}"),
            spans,
        }
    }

    pub fn spans(&self) -> Vec<ReceivedSpan> {
        self.spans.lock().expect("spans").clone()
    }
}

fn decode_export(body: &[u8]) -> Result<Vec<ReceivedSpan>, String> {
    use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
    use opentelemetry_proto::tonic::common::v1::any_value::Value;
    use prost::Message;
    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }
    fn text(value: Option<&opentelemetry_proto::tonic::common::v1::AnyValue>) -> String {
        match value.and_then(|v| v.value.as_ref()) {
            Some(Value::StringValue(s)) => s.clone(),
            Some(Value::IntValue(i)) => i.to_string(),
            Some(Value::BoolValue(b)) => b.to_string(),
            Some(Value::DoubleValue(d)) => d.to_string(),
            other => format!("{other:?}"),
        }
    }
    let request = ExportTraceServiceRequest::decode(body).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    for resource_spans in request.resource_spans {
        let service_name = resource_spans.resource.as_ref().and_then(|r| {
            r.attributes
                .iter()
                .find(|kv| kv.key == "service.name")
                .map(|kv| text(kv.value.as_ref()))
        });
        for scope in resource_spans.scope_spans {
            for span in scope.spans {
                out.push(ReceivedSpan {
                    trace_id: hex(&span.trace_id),
                    span_id: hex(&span.span_id),
                    parent_span_id: (!span.parent_span_id.is_empty())
                        .then(|| hex(&span.parent_span_id)),
                    name: span.name.clone(),
                    attributes: span
                        .attributes
                        .iter()
                        .map(|kv| (kv.key.clone(), text(kv.value.as_ref())))
                        .collect(),
                    links: span
                        .links
                        .iter()
                        .map(|l| format!("{}:{}", hex(&l.trace_id), hex(&l.span_id)))
                        .collect(),
                    service_name: service_name.clone(),
                });
            }
        }
    }
    Ok(out)
}
