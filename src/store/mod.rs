//! Persistence over SQLite (embedded default) and PostgreSQL (production) with one query code base.
//!
//! Every query is written once inside [`with_conn!`], which expands it for each backend's connection
//! type (Vaultwarden's approach); migrations are per backend and embedded in the binary.
use crate::app::config::{DatabaseBackend, DatabaseSettings};
use crate::app::error::{AppError, AppResult, StoreContext};
use crate::domain::{
    CarouselRecord, ContentOrigin, Delivery, Lang, OutboxKind, OutboxStatus, SlideSize, Style,
    UpdateStatus, UpdateType, UpsertOutcome, UserProfile, UserSettings, WorkflowState,
};
use crate::resilience::breaker::{CircuitBreaker, Permit};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::ConnectionError;
use diesel_async::pooled_connection::deadpool::Pool;
use diesel_async::pooled_connection::{
    AsyncDieselConnectionManager, ManagerConfig, RecyclingMethod,
};
use diesel_async::sync_connection_wrapper::SyncConnectionWrapper;
use diesel_async::{AsyncPgConnection, RunQueryDsl, SimpleAsyncConnection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};
use prometheus::HistogramVec;
use secrecy::ExposeSecret;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub mod group_commit;
pub mod models;
mod pg_bulk;
pub mod schema;

pub use models::*;

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Any number will do as long as it is ours alone: replicas starting together queue on it.
const MIGRATION_LOCK_KEY: i64 = 0x0062_7663_5f6d_6967; // "bvc_mig"

type SqliteConn = SyncConnectionWrapper<diesel::SqliteConnection>;

enum DbPool {
    Sqlite(Pool<SqliteConn>),
    Postgres(Pool<AsyncPgConnection>),
}

/// The one handle on the database: its pool, backend, breaker and query timing. Each table owner
/// holds a repository over it (below); cheap to clone.
#[derive(Clone)]
pub struct Db {
    pool: Arc<DbPool>,
    backend: DatabaseBackend,
    url: Arc<secrecy::SecretString>,
    query_seconds: Option<HistogramVec>,
    /// How long a group commit on this store waits to fill a batch (`database.batch_linger_us`).
    batch_linger: Duration,
    /// While open, calls fail at once as unavailable (the webhook answers 503) instead of
    /// queueing on a dead database.
    breaker: Option<Arc<CircuitBreaker>>,
}

/// Runs `$body` with `$conn` bound to a pooled connection of whichever backend is configured,
/// and records the query latency under `$op`.
macro_rules! with_conn {
    // One body per backend, for the rare statement the two dialects cannot share.
    ($store:expr, $op:expr, sqlite |$sconn:ident| $sbody:expr, postgres |$pconn:ident| $pbody:expr) => {{
        let permit = $store.admit($op)?;
        let started = Instant::now();
        // The breaker times the query from checkout: waiting for a pooled connection under load
        // is not the database failing.
        // A trace span per query (debug level: only exported traces and debug logs see it),
        // inside the work it serves: a query outside any span (a poll, a sweep, a probe) would be
        // a trace of its own, several a second while idle, burying the requests' traces.
        let span = if tracing::Span::current().is_none() {
            tracing::Span::none()
        } else {
            tracing::debug_span!(
                "store",
                otel.name = %format_args!("store {}", $op),
                otel.kind = "client",
                db.system.name = $store.backend.as_str(),
                db.operation.name = $op
            )
        };
        let (result, checked_out) = tracing::Instrument::instrument(
            async {
                match &*$store.pool {
                    DbPool::Sqlite(pool) => match pool.get().await {
                        Ok(mut pooled) => {
                            let checked_out = Instant::now();
                            let $sconn: &mut SqliteConn = &mut pooled;
                            ($sbody.context($op), Checkout::At(checked_out))
                        }
                        Err(e) => pool_error($op, e),
                    },
                    DbPool::Postgres(pool) => match pool.get().await {
                        Ok(mut pooled) => {
                            let checked_out = Instant::now();
                            let $pconn: &mut AsyncPgConnection = &mut pooled;
                            ($pbody.context($op), Checkout::At(checked_out))
                        }
                        Err(e) => pool_error($op, e),
                    },
                }
            },
            span,
        )
        .await;
        $store.observe($op, started, checked_out, permit, &result);
        result
    }};
    ($store:expr, $op:expr, |$conn:ident| $body:expr) => {{
        with_conn!(
            $store,
            $op,
            sqlite | $conn | $body,
            postgres | $conn | $body
        )
    }};
}

/// On SQLite, inserts each of `$rows` unless its key exists, in one transaction on a blocking
/// thread; per row, whether it was new. diesel has no multi-row upsert for SQLite, and in-process
/// single-row inserts inside one transaction (one fsync) cost microseconds each.
macro_rules! sqlite_insert_or_ignore {
    ($conn:expr, $table:expr, $rows:expr) => {{
        let owned = $rows.to_vec();
        $conn
            .spawn_blocking(move |sync| {
                sync.transaction(|tx| {
                    owned
                        .iter()
                        .map(|row| {
                            let insert = diesel::insert_into($table)
                                .values(row)
                                .on_conflict_do_nothing();
                            diesel::RunQueryDsl::execute(insert, tx).map(|n| n == 1)
                        })
                        .collect::<QueryResult<Vec<bool>>>()
                })
            })
            .await
    }};
}

/// Whether a call got a pooled connection, and when.
enum Checkout {
    At(Instant),
    /// Every connection was busy for the whole wait: the pool is saturated, the database fine.
    WaitedOut,
    /// No connection could be made or kept: the database is unreachable.
    Failed,
}

mod brands;
mod drafts;
mod events;
mod leases;
mod outbox;
mod quotas;
mod sqlite_lock;
mod updates;
mod users;
mod workflows;
pub use brands::{Brands, KitEdit, KitSave, NewImage, StoredImage};
pub use drafts::{is_open as draft_is_open, DraftChange, DraftEdit, DraftMove, MoveDraft};
pub use events::Events;
pub use leases::Lease;
pub use outbox::{NewOutboxRow, OutboxRow, OutboxRows, Reschedule, SentRow};
pub use quotas::{windows_of, QuotaVerdict, Quotas};
pub use sqlite_lock::{sqlite_path, SqliteLock};
pub use updates::{ClaimedUpdate, Updates};
pub use users::Users;
mod states;
use states::TextColumn;
pub use workflows::{StyleClaim, Workflow, WorkflowRows, WrittenJson};

fn pool_error<T, E: std::fmt::Display>(
    op: &str,
    e: deadpool::managed::PoolError<E>,
) -> (AppResult<T>, Checkout) {
    use deadpool::managed::{PoolError, TimeoutType};
    let checkout = match e {
        PoolError::Timeout(TimeoutType::Wait) => Checkout::WaitedOut,
        _ => Checkout::Failed,
    };
    let error = AppError::StoreUnavailable {
        context: op.to_string(),
        reason: e.to_string(),
    };
    (Err(error), checkout)
}

/// Every table's repository over one [`Db`]. Start-up builds it and hands each owner its own
/// repository; tests and operator tools (`trace`, `/metrics`' queue depths) read across them.
#[derive(Clone)]
pub struct Store {
    pub db: Db,
    pub updates: Updates,
    pub users: Users,
    pub workflows: WorkflowRows,
    pub outbox: OutboxRows,
    pub quotas: Quotas,
    pub events: Events,
    pub brands: Brands,
}

impl Store {
    /// The pool (connections are made lazily) and every repository over it.
    pub fn connect(settings: &DatabaseSettings) -> AppResult<Store> {
        Ok(Store::over(Db::connect(settings)?))
    }

    pub fn over(db: Db) -> Store {
        Store {
            updates: Updates::new(db.clone()),
            users: Users::new(db.clone()),
            workflows: WorkflowRows::new(db.clone()),
            outbox: OutboxRows::new(db.clone()),
            quotas: Quotas::new(db.clone()),
            events: Events::new(db.clone()),
            brands: Brands::new(db.clone()),
            db,
        }
    }

    pub fn with_metrics(self, query_seconds: HistogramVec) -> Store {
        Store::over(self.db.with_metrics(query_seconds))
    }

    pub fn with_breaker(self, breaker: Arc<CircuitBreaker>) -> Store {
        Store::over(self.db.with_breaker(breaker))
    }

    pub fn backend(&self) -> DatabaseBackend {
        self.db.backend()
    }

    pub async fn migrate(&self) -> AppResult<usize> {
        self.db.migrate().await
    }

    /// Gives back every lease `owner` holds, in the three leased tables (see [`Db::release_leases`]).
    pub async fn release_leases(&self, owner: &str) -> AppResult<(usize, usize, usize)> {
        self.db.release_leases(owner).await
    }
}

impl Db {
    /// Builds the pool. Connections are made lazily; call [`Store::ping`] to check reachability.
    pub fn connect(settings: &DatabaseSettings) -> AppResult<Db> {
        let url = settings.url.expose_secret().to_string();
        let backend = DatabaseBackend::from_url(&url)?;
        let timeouts = deadpool::managed::Timeouts {
            wait: Some(Duration::from_secs(5)),
            create: Some(Duration::from_secs(5)),
            recycle: Some(Duration::from_secs(5)),
        };
        let pool = match backend {
            DatabaseBackend::Sqlite => {
                let path = sqlite_path(&url).to_string();
                if let Some(parent) = std::path::Path::new(&path).parent() {
                    if !parent.as_os_str().is_empty() {
                        std::fs::create_dir_all(parent).map_err(|e| {
                            AppError::config(
                                "DATABASE_URL",
                                format!("cannot create directory {}: {e}", parent.display()),
                            )
                        })?;
                    }
                }
                check_sqlite_file(&path)?;
                let busy_ms = settings.sqlite_busy_timeout_ms;
                let mut config = ManagerConfig::<SqliteConn>::default();
                config.recycling_method = RecyclingMethod::Fast;
                config.custom_setup = Box::new(move |path| {
                    let path = path.to_string();
                    Box::pin(async move {
                        use diesel_async::AsyncConnection;
                        let mut conn = SqliteConn::establish(&path).await?;
                        // WAL lets readers proceed during writes; NORMAL sync is durable across
                        // process crashes (not power loss) at a fraction of FULL's fsyncs.
                        conn.batch_execute(&format!(
                            "PRAGMA busy_timeout = {busy_ms}; PRAGMA journal_mode = WAL; \
                             PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;"
                        ))
                        .await
                        .map_err(ConnectionError::CouldntSetupConfiguration)?;
                        Ok(conn)
                    })
                });
                let manager =
                    AsyncDieselConnectionManager::<SqliteConn>::new_with_config(path, config);
                let pool = Pool::builder(manager)
                    .max_size(settings.max_connections)
                    .timeouts(timeouts)
                    .runtime(deadpool::Runtime::Tokio1)
                    .build()
                    .map_err(|e| AppError::config("DATABASE_URL", e))?;
                DbPool::Sqlite(pool)
            }
            DatabaseBackend::Postgres => {
                let mut config = ManagerConfig::<AsyncPgConnection>::default();
                config.recycling_method = RecyclingMethod::Fast;
                let manager = AsyncDieselConnectionManager::<AsyncPgConnection>::new_with_config(
                    url.clone(),
                    config,
                );
                let pool = Pool::builder(manager)
                    .max_size(settings.max_connections)
                    .timeouts(timeouts)
                    .runtime(deadpool::Runtime::Tokio1)
                    .build()
                    .map_err(|e| AppError::config("DATABASE_URL", e))?;
                DbPool::Postgres(pool)
            }
        };
        Ok(Db {
            pool: Arc::new(pool),
            backend,
            url: Arc::new(settings.url.clone()),
            query_seconds: None,
            batch_linger: Duration::from_micros(settings.batch_linger_us),
            breaker: None,
        })
    }

    pub fn with_metrics(mut self, query_seconds: HistogramVec) -> Db {
        self.query_seconds = Some(query_seconds);
        self
    }

    /// How long a group commit on this store waits to fill a batch.
    pub fn batch_linger(&self) -> Duration {
        self.batch_linger
    }

    pub fn backend(&self) -> DatabaseBackend {
        self.backend
    }

    pub fn with_breaker(mut self, breaker: Arc<CircuitBreaker>) -> Db {
        self.breaker = Some(breaker);
        self
    }

    /// Leave from the breaker for one call, or an outage error while it is open.
    fn admit(&self, op: &str) -> AppResult<Option<Permit<'_>>> {
        match self.breaker.as_deref().map(CircuitBreaker::try_acquire) {
            None => Ok(None),
            Some(Ok(permit)) => Ok(Some(permit)),
            Some(Err(rejected)) => Err(AppError::StoreUnavailable {
                context: op.to_string(),
                reason: format!(
                    "circuit breaker open after repeated failures; retry in {} ms",
                    rejected.retry_in.as_millis()
                ),
            }),
        }
    }

    fn observe<T>(
        &self,
        op: &str,
        started: Instant,
        checkout: Checkout,
        permit: Option<Permit<'_>>,
        result: &AppResult<T>,
    ) {
        if let Some(h) = &self.query_seconds {
            h.with_label_values(&[op])
                .observe(started.elapsed().as_secs_f64());
        }
        let Some(permit) = permit else { return };
        match checkout {
            // A query the database rejected proves it reachable; only outages trip the breaker.
            Checkout::At(checked_out) => match result {
                Err(e) if e.is_store_outage() => permit.failure(checked_out.elapsed()),
                _ => permit.success(checked_out.elapsed()),
            },
            // A saturated pool says nothing about the database.
            Checkout::WaitedOut => permit.release(),
            Checkout::Failed => permit.failure(started.elapsed()),
        }
    }

    /// Applies pending migrations. On PostgreSQL this holds an advisory lock, so replicas that
    /// start together migrate one at a time. Runs on its own thread: diesel's migration harness is
    /// synchronous and actix arbiters must never block.
    pub async fn migrate(&self) -> AppResult<usize> {
        let url = self.url.expose_secret().to_string();
        let backend = self.backend;
        let (tx, rx) = tokio::sync::oneshot::channel();
        std::thread::Builder::new()
            .name("migrations".into())
            .spawn(move || {
                let _ = tx.send(run_migrations(backend, &url));
            })
            .map_err(|e| AppError::io("starting the migration thread", e))?;
        rx.await.map_err(|_| AppError::Migration {
            backend: backend.as_str(),
            reason: "the migration thread stopped without an answer".into(),
        })?
    }

    /// Cheapest round trip that proves the store answers.
    pub async fn ping(&self) -> AppResult<()> {
        with_conn!(self, "ping", |conn| diesel::sql_query("SELECT 1")
            .execute(conn)
            .await)
        .map(|_| ())
    }

    // ---- received updates -------------------------------------------------------------------

    /// Connections of the pool: open in total, idle, and callers waiting for one.
    pub fn pool_status(&self) -> PoolStatus {
        let status = match &*self.pool {
            DbPool::Sqlite(pool) => pool.status(),
            DbPool::Postgres(pool) => pool.status(),
        };
        PoolStatus {
            open: status.size,
            idle: status.available,
            waiting: status.waiting,
        }
    }

    /// Work waiting in the store: updates not finished, outbox rows by status, workflows by
    /// state (for `/metrics`; a few counts, read per scrape).
    pub async fn queue_depths(&self) -> AppResult<QueueDepths> {
        use diesel::dsl::count_star;
        let open_updates = Updates::new(self.clone()).count_open_updates().await?;
        let outbox: Vec<(String, i64)> = with_conn!(self, "outbox_by_status", |conn| {
            schema::outbox::table
                .group_by(schema::outbox::status)
                .select((schema::outbox::status, count_star()))
                .load(conn)
                .await
        })?;
        let now = now_utc();
        let outbox_due: i64 = with_conn!(self, "outbox_due", |conn| {
            use schema::outbox::dsl::*;
            outbox
                .filter(
                    status
                        .eq(OutboxStatus::Pending)
                        .and(next_attempt_at.le(now))
                        .or(status.eq(OutboxStatus::Sending).and(lease_until.lt(now))),
                )
                .count()
                .get_result(conn)
                .await
        })?;
        let workflows: Vec<(String, i64)> = with_conn!(self, "workflows_by_state", |conn| {
            schema::workflows::table
                .group_by(schema::workflows::state)
                .select((schema::workflows::state, count_star()))
                .load(conn)
                .await
        })?;
        Ok(QueueDepths {
            open_updates,
            outbox,
            outbox_due,
            workflows,
        })
    }
}

/// Per input row, whether it was inserted: `inserted` lists the ids the database took, and a
/// batch that repeats an id counts only its first occurrence as new.
fn first_occurrences_inserted<R, K: Eq + std::hash::Hash>(
    rows: &[R],
    key: impl Fn(&R) -> K,
    inserted: Vec<K>,
) -> Vec<bool> {
    let inserted: std::collections::HashSet<K> = inserted.into_iter().collect();
    let mut seen = std::collections::HashSet::new();
    rows.iter()
        .map(|r| {
            let k = key(r);
            inserted.contains(&k) && seen.insert(k)
        })
        .collect()
}

/// See [`Store::pool_status`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolStatus {
    pub open: usize,
    pub idle: usize,
    pub waiting: usize,
}

/// See [`Store::queue_depths`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueDepths {
    pub open_updates: i64,
    pub outbox: Vec<(String, i64)>,
    /// Rows a sender may claim now: pending and due, or sending under an expired lease.
    pub outbox_due: i64,
    pub workflows: Vec<(String, i64)>,
}

pub fn now_utc() -> NaiveDateTime {
    chrono::Utc::now().naive_utc()
}

/// A PostgreSQL URL without its password, for messages.
fn redacted(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) => {
            if parsed.password().is_some() {
                let _ = parsed.set_password(Some("***"));
            }
            parsed.to_string()
        }
        Err(_) => "the URL in DATABASE_URL".to_string(),
    }
}

/// SQLite's header, the first 16 bytes of every database file.
const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// Refuses, naming the path, a SQLite path that is a directory, cannot be opened for writing,
/// or is a file of something else (SQLite would only say "file is not a database"). A missing
/// or empty file is fine: SQLite makes it a database.
pub fn check_sqlite_file(path: &str) -> AppResult<()> {
    use std::io::Read;
    let refuse = |why: String| AppError::config("DATABASE_URL", format!("{path} {why}"));
    if std::fs::metadata(path).is_ok_and(|m| m.is_dir()) {
        return Err(refuse("is a directory, not a SQLite database file".into()));
    }
    let file = match std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)
    {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => {
            return Err(refuse(format!(
                "cannot be opened for reading and writing: {e}"
            )))
        }
    };
    let metadata = file
        .metadata()
        .map_err(|e| refuse(format!("cannot be read: {e}")))?;
    if metadata.len() == 0 {
        return Ok(());
    }
    let mut header = [0u8; 16];
    let read = file
        .take(16)
        .read(&mut header)
        .map_err(|e| refuse(format!("cannot be read: {e}")))?;
    if read < 16 || &header != SQLITE_HEADER {
        return Err(refuse("is not a SQLite database (no SQLite header)".into()));
    }
    Ok(())
}

fn run_migrations(backend: DatabaseBackend, url: &str) -> AppResult<usize> {
    use diesel::connection::SimpleConnection;
    use diesel::Connection;
    let fail = |reason: String| AppError::Migration {
        backend: backend.as_str(),
        reason,
    };
    match backend {
        DatabaseBackend::Sqlite => {
            let path = sqlite_path(url);
            if let Some(parent) = std::path::Path::new(path).parent() {
                if !parent.as_os_str().is_empty() {
                    std::fs::create_dir_all(parent)
                        .map_err(|e| fail(format!("creating {}: {e}", parent.display())))?;
                }
            }
            // `Store::connect` checked the file; what SQLite still says names the path too.
            let unusable = |e: &dyn std::fmt::Display| {
                AppError::config("DATABASE_URL", format!("{path}: {e}"))
            };
            let mut conn = diesel::SqliteConnection::establish(path).map_err(|e| unusable(&e))?;
            conn.batch_execute("PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL;")
                .map_err(|e| unusable(&e))?;
            let applied = conn
                .run_pending_migrations(SQLITE_MIGRATIONS)
                .map_err(|e| fail(e.to_string()))?;
            Ok(applied.len())
        }
        DatabaseBackend::Postgres => {
            let mut conn = diesel_async::async_connection_wrapper::AsyncConnectionWrapper::<
                AsyncPgConnection,
            >::establish(url)
            .map_err(|e| {
                AppError::config(
                    "DATABASE_URL",
                    format!(
                        "cannot connect to {}: {}",
                        redacted(url),
                        e.to_string().trim()
                    ),
                )
            })?;
            SimpleConnection::batch_execute(
                &mut conn,
                &format!("SELECT pg_advisory_lock({MIGRATION_LOCK_KEY})"),
            )
            .map_err(|e| fail(format!("taking the migration lock: {e}")))?;
            let result = conn
                .run_pending_migrations(POSTGRES_MIGRATIONS)
                .map(|v| v.len())
                .map_err(|e| fail(e.to_string()));
            // The lock also ends with the session; unlocking explicitly frees waiting replicas sooner.
            let _ = SimpleConnection::batch_execute(
                &mut conn,
                &format!("SELECT pg_advisory_unlock({MIGRATION_LOCK_KEY})"),
            );
            result
        }
    }
}
