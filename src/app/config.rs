//! Layered settings: `config/default.toml` → `config/{APP_ENV}.toml` → environment variables.
//!
//! Environment variables use the flat names operators already know (`DATABASE_URL`, `PORT`, …)
//! rather than a prefixed tree, so each one is mapped explicitly below.
use crate::app::error::AppError;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

mod breakers;
mod supervision;
pub use breakers::{BreakerConfig, InvalidBreakerConfig};
pub use supervision::{RestartPolicy, Strategy, SupervisionSpec};

/// Messages waiting in one service actor's mailbox at most (the supervisors set it; the ingest
/// backlog is validated against it).
pub const SERVICE_MAILBOX_CAPACITY: usize = 8192;

/// `#[serde(with = "duration_ms")]`: a [`Duration`] as whole milliseconds (an
/// unsigned integer), e.g. `slow_call_threshold = 30000` in TOML.
pub mod duration_ms {
    use serde::{Deserialize, Deserializer, Serializer};
    use std::time::Duration;

    /// Serializes as integer milliseconds (saturating at `u64::MAX`).
    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
    }

    /// Deserializes from integer milliseconds.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        u64::deserialize(d).map(Duration::from_millis)
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct Settings {
    pub http: HttpSettings,
    pub database: DatabaseSettings,
    pub ingest: IngestSettings,
    pub event_log: EventLogSettings,
    pub telegram: TelegramSettings,
    pub openai: OpenAiSettings,
    pub render: RenderSettings,
    pub log: LogSettings,
    #[serde(default)]
    pub supervision: SupervisionSpec,
    #[serde(default)]
    pub breakers: BreakerSettings,
    #[serde(default)]
    pub workflow: WorkflowSettings,
    #[serde(default)]
    pub delivery: DeliverySettings,
    #[serde(default)]
    pub limits: LimitSettings,
    #[serde(default)]
    pub health: HealthSettings,
    #[serde(default)]
    pub app: MiniAppSettings,
}

/// The Telegram Mini App editor under `/app` (`[app]`).
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct MiniAppSettings {
    /// The bot's public https address (`PUBLIC_BASE_URL`), e.g. `https://bot.example.com`;
    /// the editor is at `<it>/app/`. Without it no Edit button is offered (Telegram opens only
    /// https Mini Apps, so it must be the address of the TLS proxy in front of the bot).
    pub public_base_url: Option<String>,
    /// How old a Mini App's `initData` may be (its `auth_date`) before calls are refused.
    pub init_data_max_age_secs: u64,
    /// Slide previews one user may ask for per minute (the editor asks as they type).
    pub previews_per_minute: u32,
}

impl MiniAppSettings {
    /// The editor's address (`PUBLIC_BASE_URL` + `/app/`), when one is set. Only http(s) with a
    /// host and nothing after the path: it goes into every Edit button.
    pub fn editor_url(&self) -> Result<Option<url::Url>, AppError> {
        let Some(base) = self.public_base_url.as_deref().map(str::trim) else {
            return Ok(None);
        };
        if base.is_empty() {
            return Ok(None);
        }
        let invalid = |why: &str| AppError::config("PUBLIC_BASE_URL", format!("'{base}' {why}"));
        let mut url = url::Url::parse(base).map_err(|e| invalid(&format!("is not a URL: {e}")))?;
        if !matches!(url.scheme(), "https" | "http") || url.host().is_none() {
            return Err(invalid(
                "must be an https address (Telegram opens only https Mini Apps)",
            ));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(invalid("must not carry a query or fragment"));
        }
        let path = format!("{}/app/", url.path().trim_end_matches('/'));
        url.set_path(&path);
        Ok(Some(url))
    }
}

impl Default for MiniAppSettings {
    fn default() -> Self {
        MiniAppSettings {
            public_base_url: None,
            init_data_max_age_secs: 3_600,
            previews_per_minute: 60,
        }
    }
}

/// The periodic probe of the store, the model endpoint and the Bot API (`[health]`).
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct HealthSettings {
    /// How often each dependency is checked (`HEALTH_PROBE_INTERVAL_MS`).
    pub probe_interval_ms: u64,
    /// A check that takes longer is unhealthy.
    pub probe_timeout_ms: u64,
}

impl Default for HealthSettings {
    fn default() -> Self {
        HealthSettings {
            probe_interval_ms: 30_000,
            probe_timeout_ms: 5_000,
        }
    }
}

/// What one user, or everyone together, may ask of the bot (`[limits]` in the config).
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct LimitSettings {
    /// Updates one user may send at once (`USER_UPDATES_BURST`)…
    pub user_burst: u32,
    /// …refilled at this many per minute (`USER_UPDATES_PER_MINUTE`).
    pub user_per_minute: u32,
    /// A flooding user is told "slow down" at most once per this many seconds.
    pub notice_window_secs: u64,
    /// Per-user quotas on work that costs a model call or a full render.
    pub ask: crate::app::config::Quota,
    pub wisdom: crate::app::config::Quota,
    pub carousel: crate::app::config::Quota,
    pub pdf: crate::app::config::Quota,
    /// Drafts or single slides written again during review.
    #[serde(default = "default_rewrite_quota")]
    pub rewrite: crate::app::config::Quota,
    /// Model calls in flight for the whole process (`MAX_MODEL_CALLS_IN_FLIGHT`).
    pub model_calls_in_flight: usize,
    /// Renders (carousels, PDFs) in flight for the whole process (`MAX_RENDERS_IN_FLIGHT`).
    pub renders_in_flight: usize,
    /// Work waiting for a place at each cap; beyond it, or after `max_wait_secs`, "busy".
    pub queue: usize,
    pub max_wait_secs: u64,
    /// `ALLOWED_USER_IDS`: when set, only these users are served (others get one polite refusal).
    pub allowed_user_ids: Option<String>,
}

fn default_rewrite_quota() -> Quota {
    Quota {
        per_minute: 6,
        per_day: 60,
    }
}

impl Default for LimitSettings {
    fn default() -> Self {
        use crate::app::config::Quota;
        LimitSettings {
            user_burst: 10,
            user_per_minute: 30,
            notice_window_secs: 60,
            ask: Quota {
                per_minute: 3,
                per_day: 50,
            },
            wisdom: Quota {
                per_minute: 3,
                per_day: 20,
            },
            carousel: Quota {
                per_minute: 2,
                per_day: 30,
            },
            pdf: Quota {
                per_minute: 3,
                per_day: 30,
            },
            rewrite: default_rewrite_quota(),
            model_calls_in_flight: 16,
            renders_in_flight: 2,
            queue: 32,
            max_wait_secs: 60,
            allowed_user_ids: None,
        }
    }
}

impl LimitSettings {
    pub fn quota(&self, kind: crate::domain::QuotaKind) -> crate::app::config::Quota {
        use crate::domain::QuotaKind;
        match kind {
            QuotaKind::Ask => self.ask,
            QuotaKind::Wisdom => self.wisdom,
            QuotaKind::Carousel => self.carousel,
            QuotaKind::Pdf => self.pdf,
            QuotaKind::Rewrite => self.rewrite,
        }
    }

    /// The users a private bot serves; `None` serves everyone. Validated at load.
    pub fn allowed_users(&self) -> Option<std::collections::HashSet<i64>> {
        let text = self.allowed_user_ids.as_deref()?.trim();
        if text.is_empty() {
            return None;
        }
        crate::app::config::parse_user_ids(text)
            .ok()
            .map(|ids| ids.into_iter().collect())
    }
}

/// The durable outbox and the leases on owned work (`[delivery]` in the config).
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct DeliverySettings {
    /// Messages per second to Telegram overall (`TELEGRAM_MAX_MESSAGES_PER_SECOND`): 30 by
    /// Telegram's rules, up to 1000 for bots with paid broadcasts.
    pub max_messages_per_second: u32,
    /// Outbox rows one replica holds in memory at once (claimed and not yet written back).
    pub window: usize,
    /// Rows claimed per query.
    pub claim_batch: usize,
    /// Chats sent to at once.
    pub concurrency: usize,
    /// How often the outbox table is searched for due rows (other replicas' rows, retries
    /// coming due, lapsed leases), in ms; rows this replica records while its dispatcher has room
    /// are recorded already claimed by it, and one recorded without room asks for a search at once.
    pub poll_ms: u64,
    /// Attempts at a row before it is failed (backoff doubles from 1 s to a minute).
    pub max_attempts: i32,
    /// How long a claim on an update, a workflow or an outbox row holds without renewal
    /// (`LEASE_SECS`); an expired one is taken over by any replica.
    pub lease_secs: u64,
    /// How often each replica looks for unowned work (pending updates, expired leases), in ms;
    /// also at once when half the gateway's backlog frees up while updates wait in the store.
    pub sweep_ms: u64,
}

impl Default for DeliverySettings {
    fn default() -> Self {
        DeliverySettings {
            max_messages_per_second: 30,
            window: 512,
            claim_batch: 256,
            concurrency: 64,
            poll_ms: 250,
            max_attempts: 50,
            lease_secs: 30,
            sweep_ms: 1_000,
        }
    }
}

impl DeliverySettings {
    pub fn lease(&self) -> std::time::Duration {
        std::time::Duration::from_secs(self.lease_secs.max(1))
    }
}

/// The carousel workflow (`[workflow]` in the config).
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct WorkflowSettings {
    /// Carousels one user may have running at once; a further request is politely refused.
    pub max_running_per_user: usize,
    /// A workflow still unfinished after this many seconds fails with a message to the user.
    pub timeout_secs: u64,
    /// Attempts per step (the first and the retries).
    pub step_attempts: usize,
    /// First retry delay of a step in ms, doubling (with jitter) up to `step_backoff_max_ms`.
    pub step_backoff_ms: u64,
    pub step_backoff_max_ms: u64,
    /// Least time between two progress edits of the status message in one chat, in ms.
    pub progress_interval_ms: u64,
    /// Whether written slides wait for review for users who have not chosen in /settings.
    pub review_by_default: bool,
    /// How long a draft waits for review before it expires (with one message), in seconds.
    pub review_ttl_secs: u64,
}

impl Default for WorkflowSettings {
    fn default() -> Self {
        WorkflowSettings {
            max_running_per_user: 1,
            timeout_secs: 300,
            step_attempts: 5,
            step_backoff_ms: 500,
            step_backoff_max_ms: 15_000,
            progress_interval_ms: 1_000,
            review_by_default: true,
            review_ttl_secs: 24 * 3_600,
        }
    }
}

/// One circuit breaker per dependency, each tuned to it (`[breakers.ai]` etc. in the config).
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct BreakerSettings {
    pub ai: BreakerConfig,
    pub telegram: BreakerConfig,
    pub store: BreakerConfig,
}

impl Default for BreakerSettings {
    fn default() -> Self {
        BreakerSettings {
            ai: BreakerConfig::for_ai(),
            telegram: BreakerConfig::for_telegram(),
            store: BreakerConfig::for_store(),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct RenderSettings {
    pub handle: String,
    pub jpeg_quality: u8,
    /// At start, encode every style's backdrops for a default carousel in the background, so
    /// the first carousel after a deploy encodes only its own text (≈ 1 MB kept).
    #[serde(default = "enabled")]
    pub warm_up: bool,
    /// Where the script fonts (Arabic, Hebrew, Indic, Thai, CJK…) are; none: the checkout's
    /// `assets/fonts/scripts`, where `cargo run` finds them.
    #[serde(default)]
    pub fonts_dir: Option<String>,
}

fn enabled() -> bool {
    true
}

#[derive(Debug, Clone, Deserialize)]
pub struct HttpSettings {
    pub addr: String,
    pub max_body_bytes: usize,
    pub shutdown_timeout_secs: u64,
    pub workers: usize,
    /// `ADMIN_TOKEN`: when set, `/stats`, `/metrics` and the detailed `/health` need
    /// `Authorization: Bearer <token>`.
    #[serde(default)]
    pub admin_token: Option<SecretString>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct DatabaseSettings {
    pub url: SecretString,
    pub max_connections: usize,
    pub sqlite_busy_timeout_ms: u64,
    /// How long a write batch smaller than its limit waits for more rows (microseconds; 0: none).
    pub batch_linger_us: u64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct IngestSettings {
    pub max_batch: usize,
    pub max_backlog: usize,
}

#[derive(Debug, Clone, Deserialize)]
pub struct EventLogSettings {
    pub queue_capacity: usize,
    /// Days the log's records and the outbox's sent and failed rows are kept (0: all).
    pub retention_days: u32,
    pub batch_size: usize,
}

#[derive(Debug, Clone, Deserialize)]
pub struct TelegramSettings {
    pub bot_token: Option<SecretString>,
    pub api_url: String,
    pub webhook_secret: Option<SecretString>,
    /// `TELEGRAM_BOT_USERNAME`: an override; unset, the bot asks Telegram (`getMe`) at start.
    #[serde(default)]
    pub bot_username: Option<String>,
    /// Where warnings and critical alerts are sent (needs `TELEGRAM_BOT_TOKEN`).
    #[serde(default)]
    pub admin_chat_id: Option<i64>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct OpenAiSettings {
    pub api_key: Option<SecretString>,
    pub base_url: Option<String>,
    pub model: String,
    pub request_timeout_secs: u64,
    pub max_attempts: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Pretty,
    Json,
}

#[derive(Debug, Clone, Deserialize)]
pub struct LogSettings {
    pub format: LogFormat,
}

/// A group commit's longest wait for company; more would only add latency.
const MAX_BATCH_LINGER_US: u64 = 100_000;

/// Environment variable → settings key. Order matters only for `PORT`, applied last.
const ENV_KEYS: &[(&str, &str)] = &[
    ("DATABASE_URL", "database.url"),
    ("TELEGRAM_BOT_TOKEN", "telegram.bot_token"),
    ("TELEGRAM_API_URL", "telegram.api_url"),
    ("TELEGRAM_WEBHOOK_SECRET", "telegram.webhook_secret"),
    ("TELEGRAM_BOT_USERNAME", "telegram.bot_username"),
    ("OPENAI_API_KEY", "openai.api_key"),
    ("OPENAI_BASE_URL", "openai.base_url"),
    ("OPENAI_MODEL", "openai.model"),
    ("HTTP_ADDR", "http.addr"),
    ("LOG_FORMAT", "log.format"),
    ("EVENT_LOG_RETENTION_DAYS", "event_log.retention_days"),
    ("INGEST_MAX_BACKLOG", "ingest.max_backlog"),
    ("DATABASE_BATCH_LINGER_US", "database.batch_linger_us"),
    ("ADMIN_CHAT_ID", "telegram.admin_chat_id"),
    (
        "WORKFLOW_MAX_RUNNING_PER_USER",
        "workflow.max_running_per_user",
    ),
    ("WORKFLOW_TIMEOUT_SECS", "workflow.timeout_secs"),
    ("WORKFLOW_STEP_BACKOFF_MS", "workflow.step_backoff_ms"),
    (
        "TELEGRAM_MAX_MESSAGES_PER_SECOND",
        "delivery.max_messages_per_second",
    ),
    ("LEASE_SECS", "delivery.lease_secs"),
    ("ADMIN_TOKEN", "http.admin_token"),
    ("ALLOWED_USER_IDS", "limits.allowed_user_ids"),
    ("USER_UPDATES_BURST", "limits.user_burst"),
    ("USER_UPDATES_PER_MINUTE", "limits.user_per_minute"),
    ("MAX_MODEL_CALLS_IN_FLIGHT", "limits.model_calls_in_flight"),
    ("MAX_RENDERS_IN_FLIGHT", "limits.renders_in_flight"),
    ("HEALTH_PROBE_INTERVAL_MS", "health.probe_interval_ms"),
    ("RENDER_WARM_UP", "render.warm_up"),
    ("FONTS_DIR", "render.fonts_dir"),
    ("PUBLIC_BASE_URL", "app.public_base_url"),
    ("REVIEW_BY_DEFAULT", "workflow.review_by_default"),
    ("REVIEW_TTL_SECS", "workflow.review_ttl_secs"),
];

/// Settings that may come from a file instead (`<NAME>_FILE`, the Docker and Kubernetes secrets
/// convention): tokens, keys and the database URL, which carries a password.
const SECRET_VARS: &[&str] = &[
    "ADMIN_TOKEN",
    "TELEGRAM_BOT_TOKEN",
    "TELEGRAM_WEBHOOK_SECRET",
    "OPENAI_API_KEY",
    "DATABASE_URL",
];

/// A secret file is a few hundred bytes at most; anything far larger is the wrong file.
const MAX_SECRET_FILE_BYTES: u64 = 64 * 1024;

/// A secret setting from `var` or from the file `<var>_FILE` names (not both), with surrounding
/// whitespace trimmed: a file written by `echo` or an editor ends in a newline, and a token
/// compared with one is never equal. An empty file is refused, except for `OPENAI_API_KEY`,
/// where nothing means the offline writer, as an empty variable does.
fn secret_from(
    env: &impl Fn(&str) -> Option<String>,
    var: &str,
) -> Result<Option<String>, AppError> {
    let file_var = format!("{var}_FILE");
    let direct = env(var)
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty());
    let file = env(&file_var)
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty());
    let path = match (direct, file) {
        (Some(_), Some(_)) => {
            return Err(AppError::config(
                var,
                format!("is set both directly and through {file_var}: set one of them"),
            ))
        }
        (direct, None) => return Ok(direct),
        (None, Some(path)) => path,
    };
    let unreadable =
        |e: std::io::Error| AppError::config(&file_var, format!("cannot read {path}: {e}"));
    let size = std::fs::metadata(&path).map_err(unreadable)?.len();
    if size > MAX_SECRET_FILE_BYTES {
        return Err(AppError::config(
            &file_var,
            format!("{path} is {size} bytes; a secret file holds one value"),
        ));
    }
    let value = std::fs::read_to_string(&path)
        .map_err(unreadable)?
        .trim()
        .to_string();
    if value.is_empty() && var != "OPENAI_API_KEY" {
        return Err(AppError::config(&file_var, format!("{path} is empty")));
    }
    Ok(Some(value).filter(|v| !v.is_empty()))
}

/// Where the layered files live: `BVC_CONFIG_DIR`, else `./config`, else none (built-in defaults).
fn config_dir() -> Option<PathBuf> {
    if let Ok(dir) = std::env::var("BVC_CONFIG_DIR") {
        return Some(PathBuf::from(dir));
    }
    let local = Path::new("config");
    local
        .join("default.toml")
        .exists()
        .then(|| local.to_path_buf())
}

const BUILT_IN_DEFAULTS: &str = include_str!("../../config/default.toml");

impl Settings {
    /// Loads settings from files and the process environment.
    pub fn load() -> Result<Settings, AppError> {
        Self::load_from(|name| std::env::var(name).ok())
    }

    /// Loads settings with an explicit environment lookup (tests pass a map).
    pub fn load_from(env: impl Fn(&str) -> Option<String>) -> Result<Settings, AppError> {
        let mut builder = config::Config::builder().add_source(config::File::from_str(
            BUILT_IN_DEFAULTS,
            config::FileFormat::Toml,
        ));
        if let Some(dir) = config_dir() {
            builder =
                builder.add_source(config::File::from(dir.join("default.toml")).required(false));
            if let Some(app_env) = env("APP_ENV").filter(|v| !v.is_empty()) {
                builder = builder.add_source(
                    config::File::from(dir.join(format!("{app_env}.toml"))).required(false),
                );
            }
        }
        for (var, key) in ENV_KEYS {
            let value = if SECRET_VARS.contains(var) {
                secret_from(&env, var)?
            } else {
                env(var).filter(|v| !v.trim().is_empty())
            };
            if let Some(value) = value {
                builder = builder
                    .set_override(*key, value)
                    .map_err(|e| AppError::config(*var, e))?;
            }
        }
        // PaaS hosts hand us PORT and expect every interface; it wins over HTTP_ADDR.
        if let Some(port) = env("PORT").filter(|v| !v.trim().is_empty()) {
            let port: u16 = port.trim().parse().map_err(|_| {
                AppError::config("PORT", format!("'{port}' is not a port number (0-65535)"))
            })?;
            builder = builder
                .set_override("http.addr", format!("0.0.0.0:{port}"))
                .map_err(|e| AppError::config("PORT", e))?;
        }
        let settings: Settings = builder
            .build()
            .and_then(|c| c.try_deserialize())
            .map_err(|e| AppError::config(setting_name_in(&e.to_string()), e))?;
        settings.validate()?;
        Ok(settings)
    }

    /// Checks what serde cannot: formats and ranges. Each error names the setting a user sets.
    pub fn validate(&self) -> Result<(), AppError> {
        self.validate_endpoints()?;
        self.validate_limits()?;
        self.validate_tuning()
    }

    /// Addresses, URLs and secrets.
    fn validate_endpoints(&self) -> Result<(), AppError> {
        self.http_addr()?;
        self.app.editor_url()?;
        DatabaseBackend::from_url(self.database.url.expose_secret())?;
        url::Url::parse(&self.telegram.api_url).map_err(|e| {
            AppError::config(
                "TELEGRAM_API_URL",
                format!("'{}' is not a URL: {e}", self.telegram.api_url),
            )
        })?;
        if let Some(base) = &self.openai.base_url {
            url::Url::parse(base).map_err(|e| {
                AppError::config("OPENAI_BASE_URL", format!("'{base}' is not a URL: {e}"))
            })?;
        }
        if let Some(secret) = &self.telegram.webhook_secret {
            let s = secret.expose_secret();
            // Telegram allows 1-256 characters of A-Z, a-z, 0-9, _ and -.
            if s.is_empty()
                || s.len() > 256
                || !s
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
            {
                return Err(AppError::config(
                    "TELEGRAM_WEBHOOK_SECRET",
                    "must be 1-256 characters of A-Z, a-z, 0-9, '_' or '-' (Telegram's rule)",
                ));
            }
        }
        if let Some(token) = &self.http.admin_token {
            let token = token.expose_secret();
            if token.trim() != token {
                return Err(AppError::config(
                    "ADMIN_TOKEN",
                    "has whitespace around it (in config/*.toml): a presented token never has it",
                ));
            }
            if token.len() < 16 {
                return Err(AppError::config(
                    "ADMIN_TOKEN",
                    "must be at least 16 characters (it guards /stats and /metrics)",
                ));
            }
        }
        Ok(())
    }

    /// Delivery rates, leases, who may use the bot, per-user limits and image quality.
    fn validate_limits(&self) -> Result<(), AppError> {
        if !(1..=10_000).contains(&self.delivery.max_messages_per_second) {
            return Err(AppError::config(
                "TELEGRAM_MAX_MESSAGES_PER_SECOND",
                "must be between 1 and 10000 (Telegram allows 30, or up to 1000 with paid broadcasts)",
            ));
        }
        if self.delivery.lease_secs == 0 || self.delivery.window == 0 {
            return Err(AppError::config(
                "LEASE_SECS",
                "leases and the delivery window must be at least 1",
            ));
        }
        if let Some(ids) = &self.limits.allowed_user_ids {
            crate::app::config::parse_user_ids(ids)
                .map_err(|e| AppError::config("ALLOWED_USER_IDS", e))?;
        }
        let limits = &self.limits;
        if limits.user_burst == 0
            || limits.user_per_minute == 0
            || limits.model_calls_in_flight == 0
            || limits.renders_in_flight == 0
            || crate::domain::QuotaKind::ALL.iter().any(|kind| {
                let quota = limits.quota(*kind);
                quota.per_minute < 1 || quota.per_day < 1
            })
        {
            return Err(AppError::config(
                "limits",
                "bursts, rates, in-flight caps and quotas must be at least 1",
            ));
        }
        if !(1..=100).contains(&self.render.jpeg_quality) {
            return Err(AppError::config(
                "render.jpeg_quality",
                "must be between 1 and 100",
            ));
        }
        Ok(())
    }

    /// Breakers, supervision, retries, pools and queues.
    fn validate_tuning(&self) -> Result<(), AppError> {
        for (name, breaker) in [
            ("breakers.ai", &self.breakers.ai),
            ("breakers.telegram", &self.breakers.telegram),
            ("breakers.store", &self.breakers.store),
        ] {
            breaker
                .validate()
                .map_err(|e| AppError::config(name, e.0))?;
        }
        let policy = &self.supervision.child;
        if policy.within.is_zero() || policy.backoff_base > policy.backoff_max {
            return Err(AppError::config(
                "supervision.child",
                "within must be positive and backoff_base at most backoff_max",
            ));
        }
        if self.openai.max_attempts == 0 {
            return Err(AppError::config(
                "openai.max_attempts",
                "must be at least 1",
            ));
        }
        if self.database.batch_linger_us > MAX_BATCH_LINGER_US {
            return Err(AppError::config(
                "DATABASE_BATCH_LINGER_US",
                format!("must be at most {MAX_BATCH_LINGER_US} (100 ms; each stage of a reply waits it)"),
            ));
        }
        if self.database.max_connections == 0 {
            return Err(AppError::config(
                "database.max_connections",
                "must be at least 1",
            ));
        }
        if self.ingest.max_backlog > SERVICE_MAILBOX_CAPACITY {
            return Err(AppError::config(
                "INGEST_MAX_BACKLOG",
                format!(
                    "must be at most {} (the gateway's mailbox)",
                    SERVICE_MAILBOX_CAPACITY
                ),
            ));
        }
        if self.event_log.batch_size == 0
            || self.ingest.max_batch == 0
            || self.ingest.max_backlog == 0
        {
            return Err(AppError::config(
                "event_log.batch_size / ingest.max_batch / ingest.max_backlog",
                "must be at least 1",
            ));
        }
        Ok(())
    }

    /// `render.handle`: a handle an operator puts on every slide instead of each requester's own
    /// name (empty: the requester's, as their /settings say).
    pub fn fixed_slide_handle(&self) -> String {
        self.render.handle.trim().to_string()
    }

    pub fn http_addr(&self) -> Result<SocketAddr, AppError> {
        self.http.addr.parse().map_err(|_| {
            AppError::config(
                "HTTP_ADDR",
                format!(
                    "'{}' is not a socket address like 127.0.0.1:8080",
                    self.http.addr
                ),
            )
        })
    }

    pub fn database_backend(&self) -> DatabaseBackend {
        // validate() already accepted the URL; fall back to SQLite only for the type checker's sake.
        DatabaseBackend::from_url(self.database.url.expose_secret())
            .unwrap_or(DatabaseBackend::Sqlite)
    }
}

/// The `config` crate reports keys (`http.addr`); users set variables (`HTTP_ADDR`).
fn setting_name_in(message: &str) -> String {
    for (var, key) in ENV_KEYS {
        if message.contains(key) {
            return (*var).to_string();
        }
    }
    message
        .split('`')
        .nth(1)
        .map(str::to_string)
        .unwrap_or_else(|| "configuration".to_string())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DatabaseBackend {
    Sqlite,
    Postgres,
}

impl DatabaseBackend {
    pub fn from_url(url: &str) -> Result<DatabaseBackend, AppError> {
        if url.starts_with("sqlite:") {
            sqlite_file_of(url)?;
            Ok(DatabaseBackend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(DatabaseBackend::Postgres)
        } else {
            Err(AppError::config(
                "DATABASE_URL",
                "must start with sqlite:// (embedded) or postgres:// (server)",
            ))
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            DatabaseBackend::Sqlite => "sqlite",
            DatabaseBackend::Postgres => "postgres",
        }
    }
}

/// The file a `sqlite:` URL names. An empty path (`sqlite://`, what an unset variable in
/// `sqlite://$DIR/bot.db` gives) and in-memory databases are refused: every pooled connection
/// would open a database of its own, empty, and every update would fail.
pub fn sqlite_file_of(url: &str) -> Result<PathBuf, AppError> {
    let rest = url.strip_prefix("sqlite:").unwrap_or(url);
    let path = rest.strip_prefix("//").unwrap_or(rest);
    let (path, query) = path.split_once('?').unwrap_or((path, ""));
    let in_memory = path == ":memory:"
        || path.starts_with("file::memory:")
        || query.split('&').any(|kv| kv == "mode=memory");
    if in_memory {
        return Err(AppError::config(
            "DATABASE_URL",
            format!("'{url}' is an in-memory database: each connection would see its own, empty one; name a file, e.g. sqlite://data/bible-vibecoder.db"),
        ));
    }
    if path.trim().is_empty() {
        return Err(AppError::config(
            "DATABASE_URL",
            format!(
                "'{url}' names no file (an unset variable?); e.g. sqlite://data/bible-vibecoder.db"
            ),
        ));
    }
    Ok(PathBuf::from(path))
}

/// Uses allowed per minute and per day (UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub struct Quota {
    pub per_minute: i32,
    pub per_day: i32,
}

/// Parses `ALLOWED_USER_IDS`: Telegram user ids separated by commas or spaces.
pub fn parse_user_ids(text: &str) -> Result<Vec<i64>, String> {
    text.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|part| !part.is_empty())
        .map(|part| {
            part.parse::<i64>()
                .map_err(|_| format!("'{part}' is not a Telegram user id"))
        })
        .collect()
}

#[cfg(test)]
mod tests;
