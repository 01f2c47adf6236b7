//! Builds the application: store, migrations, the supervised actors, the HTTP server.
//! Tests call [`Application::build`] with port 0 and a database of their own.
use crate::actors::ai::{AiActor, AiLinks};
use crate::actors::analytics::AdminChat;
use crate::actors::carousel::CarouselActor;
use crate::actors::link::Link;
use crate::actors::{
    AnalyticsActor, GatewayActor, GatewayLinks, OrchestratorActor, StoreActor, StoreLinks,
};
use crate::ai::{AiClient, AiSettings};
use crate::app::config::Settings;
use crate::app::error::{AppError, AppResult};
use crate::delivery::courier::Courier;
use crate::delivery::outbox::{AlbumFiles, Dispatcher, Outbox};
use crate::delivery::poster::Poster;
use crate::http::{AppState, UpdateCounters};
use crate::intake::admission::Admission;
use crate::intake::backlog::Backlog;
use crate::messages::analytics::{AlertTriggered, AlertsRestored};
use crate::messages::telegram::UpdateReceived;
use crate::messages::Envelope;
use crate::messages::Event;
use crate::observability::eventlog::EventLog;
use crate::observability::health::{HealthBoard, HealthProbe, Target};
use crate::observability::metrics::Metrics;
use crate::resilience::breaker::CircuitBreaker;
use crate::resilience::clock::SystemClock;
use crate::resilience::retry::RetryPolicy;
use crate::store::{Lease, Store};
use crate::supervisors::{ServiceHandle, ServiceRegistry};
use crate::workflow::engine::Workflows;
use crate::workflow::links::{UserData, WorkflowLinks};
use crate::workflow::materials::WorkflowMaterials;
use actix::{Actor, Addr, Supervised, Supervisor};
use actix_web::dev::{Server, ServerHandle};
use actix_web::middleware::from_fn;
use actix_web::{web, App, HttpServer};
use secrecy::ExposeSecret;
use std::net::TcpListener;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The circuit breakers around the dependencies.
#[derive(Clone)]
pub struct Breakers {
    pub ai: Arc<CircuitBreaker>,
    pub store: Arc<CircuitBreaker>,
    pub telegram: Arc<CircuitBreaker>,
}

impl Breakers {
    pub fn from_settings(settings: &Settings) -> Breakers {
        let clock = SystemClock::shared();
        let b = &settings.breakers;
        Breakers {
            ai: Arc::new(CircuitBreaker::new("openai", b.ai.clone(), clock.clone())),
            store: Arc::new(CircuitBreaker::new("store", b.store.clone(), clock.clone())),
            telegram: Arc::new(CircuitBreaker::new("telegram", b.telegram.clone(), clock)),
        }
    }
}

/// The running actors and what they share.
pub struct Services {
    pub registry: ServiceRegistry,
    pub breakers: Breakers,
    /// The latest check of each dependency, kept by the periodic probe.
    pub health: HealthBoard,
    /// The bot's own username (`/cmd@name` in groups), from the settings or `getMe`.
    pub bot_name: crate::telegram::BotName,
    pub backlog: Backlog,
    pub event_log: EventLog,
    /// This replica's claim on the work it owns (updates, workflows, outbox rows).
    pub lease: Lease,
    /// Records what the bot owes Telegram; none without a bot token.
    pub outbox: Option<Outbox>,
    /// Turned true at shutdown: the dispatcher and the sweepers claim nothing more.
    pub stop: tokio::sync::watch::Sender<bool>,
    /// The outbox dispatcher, which ends once it has drained after `stop`.
    dispatcher: Option<services::DispatcherThread>,
    pub analytics: Addr<AnalyticsActor>,
    pub store: Addr<StoreActor>,
    pub ai: Addr<AiActor>,
    pub carousel: Addr<CarouselActor>,
    pub orchestrator: Addr<OrchestratorActor>,
    pub gateway: Addr<GatewayActor>,
    /// The Mini App editor's state (the workflow engine it edits drafts through).
    pub miniapp: web::Data<crate::miniapp::MiniApp>,
}

impl Services {
    pub fn gateway_outbox(&self) -> Link<UpdateReceived> {
        Link::new(
            "gateway",
            self.gateway.clone().recipient(),
            self.event_log.clone(),
        )
    }
}

pub fn ai_settings(settings: &Settings) -> AiSettings {
    AiSettings {
        api_key: settings
            .openai
            .api_key
            .as_ref()
            .map(|k| k.expose_secret().to_string()),
        base_url: settings.openai.base_url.clone(),
        model: settings.openai.model.clone(),
        request_timeout: Duration::from_secs(settings.openai.request_timeout_secs.max(1)),
        max_attempts: settings.openai.max_attempts,
        ..AiSettings::default()
    }
}

mod services;
pub use services::start_services;

/// Connects the store and applies migrations: what both `serve` and `migrate` start with.
pub async fn prepare_store(settings: &Settings, metrics: &Metrics) -> AppResult<Store> {
    let store =
        Store::connect(&settings.database)?.with_metrics(metrics.store_query_seconds.clone());
    let applied = store.migrate().await?;
    if applied > 0 {
        tracing::info!(
            applied,
            backend = store.backend().as_str(),
            "migrations applied"
        );
    }
    Ok(store)
}

/// Points the renderer at the script fonts and says at start when some are missing (their
/// scripts would be drawn as boxes), rather than at the first Arabic topic.
pub fn configure_fonts(settings: &Settings) {
    if let Some(dir) = &settings.render.fonts_dir {
        crate::render::fonts::use_script_dir(dir.into());
    }
    let missing = crate::render::fonts::missing_script_files();
    let dir = crate::render::fonts::script_dir();
    if missing.is_empty() {
        tracing::info!(dir = %dir.display(), "script fonts found");
    } else {
        let files: Vec<String> = missing.iter().map(|p| p.display().to_string()).collect();
        tracing::warn!(
            dir = %dir.display(),
            missing = ?files,
            "script fonts missing: those scripts are drawn as boxes (set FONTS_DIR)"
        );
    }
}

/// With `[render] warm_up`, encodes every style's backdrops in the background (a default
/// carousel: 10 slides, 1080×1350), so the first carousel after a deploy encodes only its own
/// text. Readiness does not wait for it; a carousel meanwhile simply encodes what it needs.
fn warm_render_caches(settings: &Settings) {
    if !settings.render.warm_up {
        return;
    }
    let quality = settings.render.jpeg_quality;
    tokio::task::spawn_blocking(move || {
        let started = Instant::now();
        let size = crate::domain::SlideSize::Portrait;
        match crate::render::warm_up(size, crate::domain::DEFAULT_SLIDES, quality) {
            Ok(backdrops) => tracing::info!(
                backdrops,
                ms = started.elapsed().as_millis() as u64,
                "render caches warmed"
            ),
            Err(e) => tracing::warn!(
                error = %e,
                "render caches not warmed; the first carousels encode their backdrops"
            ),
        }
    });
}

/// Stops the HTTP server gracefully on SIGTERM (a deploy) or SIGINT (Ctrl-C); the rest of the
/// shutdown follows in [`Application::run_until_stopped`]. The handlers are installed before
/// this returns (before "listening" is logged), so a signal right after start is never lost to
/// the default action.
fn stop_on_signal(server: ServerHandle) {
    use tokio::signal::unix::{signal, SignalKind};
    let listen = |kind: SignalKind, name: &'static str| match signal(kind) {
        Ok(stream) => Some(stream),
        Err(e) => {
            tracing::warn!(error = %e, signal = name, "cannot listen for the signal");
            None
        }
    };
    let mut terminate = listen(SignalKind::terminate(), "SIGTERM");
    let mut interrupt = listen(SignalKind::interrupt(), "SIGINT");
    actix_rt::spawn(async move {
        async fn received(stream: &mut Option<tokio::signal::unix::Signal>) {
            match stream {
                Some(stream) => {
                    stream.recv().await;
                }
                None => std::future::pending::<()>().await,
            }
        }
        tokio::select! {
            _ = received(&mut terminate) => tracing::info!("SIGTERM received; shutting down"),
            _ = received(&mut interrupt) => tracing::info!("SIGINT received; shutting down"),
        }
        server.stop(true).await;
    });
}

/// Resumes running workflows nobody holds (their replica died, or shut down and released them).
async fn resume_workflows(
    orchestrator: Addr<OrchestratorActor>,
    every: Duration,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    while !*stop.borrow() {
        match orchestrator
            .send(crate::messages::workflow::ResumeWorkflows)
            .await
        {
            Ok(Err(e)) => tracing::warn!(error = %e, "could not look for workflows to resume"),
            Err(e) => tracing::warn!(error = %e, "orchestrator unavailable for resuming workflows"),
            Ok(Ok(_)) => {}
        }
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = stop.changed() => {}
        }
    }
}

/// How long start-up waits for `getMe` to name the bot.
const BOT_NAME_WAIT: Duration = Duration::from_secs(2);

/// Time for the services to stop and the event log to flush once the HTTP server has stopped.
const SHUTDOWN_AFTER_HTTP: Duration = Duration::from_secs(4);

/// Time the outbox dispatcher gets at shutdown to finish the sends it has started.
const DISPATCHER_DRAIN: Duration = Duration::from_millis(1500);

pub struct Application {
    port: u16,
    server: Server,
    state: web::Data<AppState>,
    services: Services,
    settings: Settings,
    /// Held while serving a SQLite database: a second process on the same file refuses to start.
    _single_process: Option<crate::store::SqliteLock>,
}

/// The HTTP front (webhook and operator routes) on `listener`.
fn serve(
    settings: &Settings,
    app_state: web::Data<AppState>,
    miniapp: web::Data<crate::miniapp::MiniApp>,
    listener: TcpListener,
) -> AppResult<actix_web::dev::Server> {
    let server = HttpServer::new(move || {
        App::new()
            .app_data(app_state.clone())
            .app_data(miniapp.clone())
            .wrap(from_fn(crate::http::record_http_metrics))
            .service(
                web::resource("/telegram/webhook")
                    .route(web::post().to(crate::http::telegram_webhook)),
            )
            .route("/health", web::get().to(crate::http::health))
            .route("/ready", web::get().to(crate::http::ready))
            .route("/stats", web::get().to(crate::http::stats))
            .route("/metrics", web::get().to(crate::http::metrics))
            .configure(crate::miniapp::routes)
    })
    .workers(settings.http.workers.max(1))
    .shutdown_timeout(settings.http.shutdown_timeout_secs)
    // actix-server stops the whole actor system right after a signal; we stop the server
    // ourselves so the shutdown can run in order (see `run_until_stopped`).
    .disable_signals()
    .listen(listener)
    .map_err(|e| AppError::io("starting the HTTP server", e))?
    .run();
    Ok(server)
}

impl Application {
    pub async fn build(settings: Settings) -> AppResult<Application> {
        let started_at = Instant::now();
        let metrics = Metrics::new();
        let single_process = crate::store::SqliteLock::take(&settings.database)?;
        let store = prepare_store(&settings, &metrics).await?;
        let services = start_services(&settings, store.clone(), metrics.clone());
        // A group command right after a deploy names the bot: give getMe a moment to answer
        // before serving (it keeps asking in the background if Telegram is slow).
        if settings.telegram.bot_token.is_some()
            && !services.bot_name.known_within(BOT_NAME_WAIT).await
        {
            tracing::warn!("the bot's username is not known yet; serving meanwhile");
        }
        let ingest = crate::intake::start_ingest(
            &settings.database,
            settings.ingest.max_batch,
            &metrics,
            &services.breakers.store,
        )?;
        let store = store.with_breaker(services.breakers.store.clone());
        let addr = settings.http_addr()?;
        let listener = TcpListener::bind(addr)
            .map_err(|e| AppError::config("HTTP_ADDR", format!("cannot bind {addr}: {e}")))?;
        if !addr.ip().is_loopback() && settings.http.admin_token.is_none() {
            tracing::warn!(
                %addr,
                "listening beyond loopback without ADMIN_TOKEN: /stats, /metrics and the detailed /health are open to anyone who can reach this port; set ADMIN_TOKEN"
            );
        }
        if !addr.ip().is_loopback() && settings.telegram.webhook_secret.is_none() {
            tracing::warn!(
                %addr,
                "listening beyond loopback without TELEGRAM_WEBHOOK_SECRET: anyone who can reach this port can post updates as any user; set TELEGRAM_WEBHOOK_SECRET (and register it with set-webhook)"
            );
        }
        let port = listener
            .local_addr()
            .map_err(|e| AppError::io("reading the bound address", e))?
            .port();
        let state = web::Data::new(AppState {
            version: env!("CARGO_PKG_VERSION"),
            started_at,
            webhook_secret: settings.telegram.webhook_secret.clone(),
            max_body_bytes: settings.http.max_body_bytes,
            db: store.db.clone(),
            metrics,
            registry: services.registry.clone(),
            ingest,
            gateway: services.gateway_outbox(),
            backlog: services.backlog.clone(),
            lease: services.lease.clone(),
            analytics: services.analytics.clone().recipient(),
            counters: UpdateCounters::default(),
            admin_token: settings.http.admin_token.clone(),
            event_log: services.event_log.clone(),
            health: services.health.clone(),
        });
        let server = serve(&settings, state.clone(), services.miniapp.clone(), listener)?;
        configure_fonts(&settings);
        warm_render_caches(&settings);
        // Work nobody holds — left by a previous process or a dead replica, or deferred under
        // load — is claimed now and then every sweep interval.
        let every = Duration::from_millis(settings.delivery.sweep_ms.max(10));
        actix_rt::spawn(resume_workflows(
            services.orchestrator.clone(),
            every,
            services.stop.subscribe(),
        ));
        actix_rt::spawn(crate::intake::sweep::sweep_updates(
            store.updates,
            services.gateway_outbox(),
            services.backlog.clone(),
            services.lease.clone(),
            every,
            services.stop.subscribe(),
        ));
        stop_on_signal(server.handle());
        tracing::info!(port, backend = state.db.backend().as_str(), "listening");
        Ok(Application {
            port,
            server,
            state,
            services,
            settings,
            _single_process: single_process,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn state(&self) -> web::Data<AppState> {
        self.state.clone()
    }

    pub fn services(&self) -> &Services {
        &self.services
    }

    pub fn server_handle(&self) -> ServerHandle {
        self.server.handle()
    }

    /// Serves until SIGINT/SIGTERM (or a stop through the handle), then shuts down in order:
    /// claim nothing more, let the outbox sends in flight finish, flush the event log while the
    /// store is usable, stop the services, and give every lease this replica holds back to the
    /// store so another replica (or the next start) takes the work over at once.
    pub async fn run_until_stopped(mut self) -> AppResult<()> {
        let result = (&mut self.server)
            .await
            .map_err(|e| AppError::io("running the HTTP server", e));
        tracing::info!("HTTP server stopped; no more work is claimed");
        // The HTTP server had up to its own timeout; the rest gets what is left of a 10 s whole,
        // the grace Telegram hosts and orchestrators usually allow.
        let deadline = Instant::now() + SHUTDOWN_AFTER_HTTP;
        let _ = self.services.stop.send(true);
        if let Some(dispatcher) = self.services.dispatcher.as_mut() {
            dispatcher
                .drained(DISPATCHER_DRAIN + Duration::from_millis(200))
                .await;
        }
        self.flush_event_log(deadline).await;
        tracing::info!("stopping services in reverse start order");
        self.services.registry.shutdown_by(Some(deadline)).await;
        self.release_leases().await;
        self.flush_event_log(deadline).await;
        if let Some(dispatcher) = self.services.dispatcher.take() {
            dispatcher.stop();
        }
        tracing::info!("shutdown complete");
        result
    }

    async fn flush_event_log(&self, deadline: Instant) {
        let flush_time = deadline
            .saturating_duration_since(Instant::now())
            .max(Duration::from_millis(500));
        if tokio::time::timeout(flush_time, self.services.event_log.flush())
            .await
            .is_err()
        {
            tracing::error!("the event log could not be flushed in time (store down?)");
        }
    }

    /// Gives back this replica's leases through a connection of its own: pooled PostgreSQL
    /// connections are driven by the runtimes that opened them, and the services' runtimes have
    /// just stopped.
    async fn release_leases(&self) {
        let owner = self.services.lease.owner.clone();
        let released = async {
            let settings = crate::app::config::DatabaseSettings {
                max_connections: 1,
                ..self.settings.database.clone()
            };
            Store::connect(&settings)?.release_leases(&owner).await
        };
        match tokio::time::timeout(Duration::from_secs(2), released).await {
            Ok(Ok((updates, workflows, outbox))) => {
                tracing::info!(
                    updates,
                    workflows,
                    outbox,
                    "leases released for other replicas"
                )
            }
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "leases not released; they expire by themselves")
            }
            Err(_) => tracing::warn!("leases not released in time; they expire by themselves"),
        }
    }
}
