//! The supervision tree's services, started dependencies first and wired to each other.
use super::*;

/// Wires one neighbour: its name for errors, and the event log every envelope is appended to.
struct Neighbour<'a> {
    to: &'static str,
    log: &'a EventLog,
}

impl Neighbour<'_> {
    fn with<T: crate::messages::Event>(self, recipient: actix::Recipient<Envelope<T>>) -> Link<T> {
        Link::new(self.to, recipient, self.log.clone())
    }
}

/// Each service gets its own arbiter (thread): one busy actor never stalls the others, and
/// its database connections are driven on its own thread. Shutdown stops the arbiter.
fn supervise<A: Actor<Context = actix::Context<A>> + Supervised + Send>(
    service: &ServiceHandle,
    actor: impl FnOnce(ServiceHandle) -> A + Send + 'static,
) -> Addr<A> {
    let arbiter = actix::Arbiter::new().handle();
    service.own_arbiter(arbiter.clone());
    let service = service.clone();
    Supervisor::start_in_arbiter(&arbiter, move |_| actor(service))
}

/// One courier (one pacing of Telegram's limits) for every outbound call, when a bot token is set.
fn courier_for(settings: &Settings, breakers: &Breakers, metrics: &Metrics) -> Option<Courier> {
    crate::telegram::bot_from(settings).map(|bot| {
        actix_rt::spawn(register_commands(bot.clone()));
        Courier::new(
            bot,
            breakers.telegram.clone(),
            RetryPolicy::from_settings(&settings.workflow),
        )
        .with_overall_rate(settings.delivery.max_messages_per_second)
        .with_latency(metrics.external_call_seconds.clone())
    })
}

/// What the outbox dispatcher sends with.
struct Outbound<'a> {
    store: Store,
    /// Where each accepted row is announced.
    responses: Link<crate::messages::telegram::BotResponseSent>,
    courier: Courier,
    outbox: &'a Outbox,
    lease: &'a Lease,
    album_files: &'a AlbumFiles,
}

/// This replica's outbox dispatcher, running until `stopped`.
fn start_dispatcher(
    outbound: Outbound<'_>,
    materials: WorkflowMaterials,
    settings: &Settings,
    metrics: &Metrics,
    stopped: tokio::sync::watch::Receiver<bool>,
) -> DispatcherThread {
    let store = outbound.store;
    let courier = outbound.courier;
    let delivery = settings.delivery.clone();
    let lease = outbound.lease.clone();
    let handover = outbound.outbox.handover();
    let album_files = outbound.album_files.clone();
    let responses = outbound.responses;
    let history_days = settings.event_log.retention_days;
    let metrics = metrics.clone();
    // Its own thread: every send, its pacing and the sent marks run there, not on the thread
    // that also serves the sweeper and the write batchers (under load that thread was full).
    let arbiter = actix::Arbiter::new();
    let (done, finished) = tokio::sync::oneshot::channel::<()>();
    let started = arbiter.spawn_fn(move || {
        let dispatcher = Dispatcher::new(
            store.outbox,
            store.workflows,
            courier,
            Arc::new(materials),
            delivery,
            lease,
            handover,
        )
        .with_album_files(album_files)
        .with_responses(responses)
        .with_retention_days(history_days)
        .with_metrics(metrics);
        actix_rt::spawn(async move {
            dispatcher.run(stopped, DISPATCHER_DRAIN).await;
            let _ = done.send(());
        });
    });
    if !started {
        tracing::error!(
            "the outbox dispatcher's thread did not start; nothing is sent from this replica"
        );
    }
    DispatcherThread {
        finished,
        arbiter: arbiter.handle(),
    }
}

/// The outbox dispatcher's thread. It is stopped only after the services: store connections
/// it opened are driven by its runtime, and other services use them from the shared pool.
pub struct DispatcherThread {
    finished: tokio::sync::oneshot::Receiver<()>,
    arbiter: actix::ArbiterHandle,
}

impl DispatcherThread {
    /// Waits (at most `within`) for the dispatcher to finish the sends it started once stopped.
    pub async fn drained(&mut self, within: Duration) {
        let _ = tokio::time::timeout(within, &mut self.finished).await;
    }

    /// Ends the thread (at the very end of a shutdown).
    pub fn stop(self) {
        self.arbiter.stop();
    }
}

/// The gateway: every update's first stop, admitting it (limits) and routing it.
/// What the gateway answers through: the outbox, and the courier for presses it turns away.
struct GatewayOutlets {
    replies: Option<Outbox>,
    presses: Option<Courier>,
}

fn start_gateway(
    service: &ServiceHandle,
    settings: &Settings,
    (links, bot_name): (GatewayLinks, crate::telegram::BotName),
    backlog: &Backlog,
    outlets: GatewayOutlets,
    metrics: &Metrics,
) -> Addr<GatewayActor> {
    let backlog = backlog.clone();
    let admission = Arc::new(Admission::new(&settings.limits).with_metrics(metrics.clone()));
    supervise(service, move |service| {
        GatewayActor::new(service, links, bot_name, backlog)
            .with_replies(outlets.replies.clone())
            .with_press_answers(outlets.presses.clone())
            .with_admission(admission.clone())
    })
}

/// Analytics, where every alert of the tree goes (and the admin chat, when one is set); the
/// latest alerts are read back from the event log.
fn start_analytics(
    registry: &ServiceRegistry,
    settings: &Settings,
    outbox: Option<&Outbox>,
    store: &Store,
    log: &EventLog,
) -> Addr<AnalyticsActor> {
    let admin = outbox
        .cloned()
        .map(Poster::new)
        .zip(settings.telegram.admin_chat_id)
        .map(|(poster, chat_id)| AdminChat { poster, chat_id });
    let analytics = supervise(&registry.register("analytics"), move |service| {
        AnalyticsActor::new(service).with_admin(admin)
    });
    let alerts = Neighbour {
        to: "analytics",
        log,
    }
    .with::<AlertTriggered>(analytics.clone().recipient());
    registry.alerts().connect(move |alert| {
        if let Err(e) = alerts.tell(Envelope::new("supervisor", alert)) {
            tracing::warn!(error = %e, "alert not delivered to analytics");
        }
    });
    actix_rt::spawn(restore_alerts(store.clone(), analytics.clone().recipient()));
    analytics
}

/// The model client behind its breaker (or the offline writer), shared by the AI service and
/// the health probe.
fn ai_client(settings: &Settings, breakers: &Breakers, metrics: &Metrics) -> AiClient {
    AiClient::with_breaker(ai_settings(settings), breakers.ai.clone())
        .with_latency(metrics.external_call_seconds.clone())
}

/// The AI content service: the model behind its breaker, or the offline writer.
fn start_ai(
    registry: &ServiceRegistry,
    client: AiClient,
    links: AiLinks,
    capacity: &crate::resilience::capacity::Capacity,
) -> Addr<AiActor> {
    let writer: Arc<dyn crate::actors::ai::ContentWriter> = Arc::new(client);
    let model_gate = capacity.model.clone();
    supervise(&registry.register("ai"), move |service| {
        AiActor::new(service, writer, links).with_gate(model_gate)
    })
}

/// The board `/health` and `/ready` read, and the probe that keeps it (not yet running).
fn health_probe(
    (settings, metrics): (&Settings, &Metrics),
    targets: Vec<Target>,
    events: Link<crate::messages::health::HealthChecked>,
) -> (HealthBoard, HealthProbe) {
    let board = HealthBoard::default();
    let probe =
        HealthProbe::new(targets, board.clone(), events, &settings.health).with_metrics(metrics);
    (board, probe)
}

/// What the health probe checks: the store always, the model and the Bot API when configured.
fn health_targets(store: &Store, ai: &AiClient, courier: Option<&Courier>) -> Vec<Target> {
    let mut targets = vec![Target::Store(store.db.clone())];
    if !ai.is_offline() {
        targets.push(Target::Model(ai.clone()));
    }
    targets.extend(courier.cloned().map(Target::BotApi));
    targets
}

/// The orchestrator with what it delivers through.
struct Outlets<'a> {
    courier: Option<Courier>,
    responses: Link<crate::messages::telegram::BotResponseSent>,
    outbox: Option<&'a Outbox>,
    lease: &'a Lease,
}

/// The orchestrator and this replica's outbox dispatcher (when Telegram is configured), with
/// the switch that stops the dispatcher.
struct Orchestration {
    orchestrator: Addr<OrchestratorActor>,
    workflows: Arc<Workflows>,
    dispatcher: Option<DispatcherThread>,
    stop: tokio::sync::watch::Sender<bool>,
}

/// The event orchestrator (durable carousel workflows) and the dispatcher that sends what they
/// and everyone else recorded in the outbox.
fn start_orchestration(
    service: &ServiceHandle,
    settings: &Settings,
    store: &Store,
    metrics: &Metrics,
    orchestrator_links: WorkflowLinks,
    outlets: Outlets<'_>,
    capacity: crate::resilience::capacity::Capacity,
) -> Orchestration {
    let Outlets {
        courier,
        responses,
        outbox,
        lease,
    } = outlets;
    let album_files = AlbumFiles::default();
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let dispatcher = courier.clone().zip(outbox).map(|(courier, outbox)| {
        let materials =
            WorkflowMaterials::new(store.workflows.clone(), orchestrator_links.renderer.clone())
                .with_brands(store.brands.clone());
        let outbound = Outbound {
            store: store.clone(),
            responses: responses.clone(),
            courier,
            outbox,
            lease,
            album_files: &album_files,
        };
        start_dispatcher(outbound, materials, settings, metrics, stopped.clone())
    });
    let workflows = Arc::new(
        Workflows::new(
            store.workflows.clone(),
            store.quotas.clone(),
            courier,
            orchestrator_links.clone(),
            settings.workflow.clone(),
        )
        .with_delivery(outbox.cloned(), album_files, lease.clone())
        .with_limits(settings.limits.clone(), capacity)
        .with_metrics(metrics.clone())
        .with_brands(store.brands.clone())
        // Validated when the settings were loaded.
        .with_editor(settings.app.editor_url().ok().flatten()),
    );
    let policy = RetryPolicy::from_settings(&settings.workflow);
    let engine = workflows.clone();
    let orchestrator = supervise(service, move |service| {
        OrchestratorActor::new(service, orchestrator_links)
            .with_workflows(engine.clone())
            .with_policy(policy.clone())
    });
    Orchestration {
        orchestrator,
        workflows,
        dispatcher,
        stop,
    }
}

/// The data persistence service: writes other actors ask for, behind the store breaker.
fn start_store(
    registry: &ServiceRegistry,
    store: &Store,
    log: &EventLog,
    analytics: &Addr<AnalyticsActor>,
) -> Addr<StoreActor> {
    let to = |name: &'static str| Neighbour { to: name, log };
    let links = StoreLinks {
        user_created: to("analytics").with(analytics.clone().recipient()),
        default_settings_created: to("analytics").with(analytics.clone().recipient()),
    };
    let (users, updates) = (store.users.clone(), store.updates.clone());
    supervise(&registry.register("store"), move |service| {
        StoreActor::new(service, users, updates, links)
    })
}

/// The registry every service reports to, with the breakers it shows on `/health`.
fn registry_with_breakers(settings: &Settings, metrics: &Metrics) -> (ServiceRegistry, Breakers) {
    let registry = ServiceRegistry::with_spec(
        Some(metrics.clone()),
        settings.supervision.clone(),
        SystemClock::shared(),
    );
    let breakers = Breakers::from_settings(settings);
    for breaker in [&breakers.store, &breakers.ai, &breakers.telegram] {
        registry.add_breaker(breaker.clone());
    }
    (registry, breakers)
}

/// The carousel generator: layout and rendering, at most as many renders at once as the
/// process-wide gate allows.
fn start_carousel(
    service: &ServiceHandle,
    settings: &Settings,
    rendered: Link<crate::messages::carousel::ImagesRendered>,
    capacity: &crate::resilience::capacity::Capacity,
) -> Addr<CarouselActor> {
    let (handle, quality) = (settings.fixed_slide_handle(), settings.render.jpeg_quality);
    let render_gate = capacity.render.clone();
    supervise(service, move |service| {
        CarouselActor::new(service, handle, quality, rendered).with_gate(render_gate)
    })
}

/// Whom the orchestrator talks to.
fn orchestrator_links(
    log: &EventLog,
    ai: &Addr<AiActor>,
    carousel: &Addr<CarouselActor>,
    store_actor: &Addr<StoreActor>,
    analytics: &Addr<AnalyticsActor>,
) -> WorkflowLinks {
    let to = |name: &'static str| Neighbour { to: name, log };
    WorkflowLinks {
        writer: to("ai").with(ai.clone().recipient()),
        renderer: to("carousel").with(carousel.clone().recipient()),
        saved: to("store").with(store_actor.clone().recipient()),
        user_data: UserData {
            settings: to("store").with(store_actor.clone().recipient()),
            save_settings: to("store").with(store_actor.clone().recipient()),
            history: to("store").with(store_actor.clone().recipient()),
            carousel: to("store").with(store_actor.clone().recipient()),
        },
        started: to("analytics").with(analytics.clone().recipient()),
        steps: to("analytics").with(analytics.clone().recipient()),
        completed: to("analytics").with(analytics.clone().recipient()),
    }
}

/// Where the AI service reports what it wrote.
fn ai_links(log: &EventLog, analytics: &Addr<AnalyticsActor>) -> AiLinks {
    let to = |name: &'static str| Neighbour { to: name, log };
    AiLinks {
        analyzed: to("analytics").with(analytics.clone().recipient()),
        wisdom: to("analytics").with(analytics.clone().recipient()),
    }
}

/// Whom the gateway talks to.
fn gateway_links(
    log: &EventLog,
    store_actor: &Addr<StoreActor>,
    analytics: &Addr<AnalyticsActor>,
    orchestrator: &Addr<OrchestratorActor>,
) -> GatewayLinks {
    let to = |name: &'static str| Neighbour { to: name, log };
    GatewayLinks {
        users: to("store").with(store_actor.clone().recipient()),
        default_settings: to("store").with(store_actor.clone().recipient()),
        finished: to("store").with(store_actor.clone().recipient()),
        interactions: to("analytics").with(analytics.clone().recipient()),
        commands: to("orchestrator").with(orchestrator.clone().recipient()),
        callbacks: to("orchestrator").with(orchestrator.clone().recipient()),
    }
}

/// Starts every service actor under the supervision tree, dependencies first. `store` gets the
/// store breaker here; other handles on the same database take `Services::breakers.store`.
pub fn start_services(settings: &Settings, store: Store, metrics: Metrics) -> Services {
    let lease = Lease::new_replica(settings.delivery.lease());
    tracing::info!(replica = %lease.owner, "this replica's id for leases");
    let (registry, breakers) = registry_with_breakers(settings, &metrics);
    let store = store.with_breaker(breakers.store.clone());
    let log = EventLog::start(store.events.clone(), &settings.event_log, metrics.clone());
    let to = |name: &'static str| Neighbour {
        to: name,
        log: &log,
    };

    let courier = courier_for(settings, &breakers, &metrics);
    let bot_name = crate::telegram::BotName::new(settings.telegram.bot_username.clone());
    // Everything the bot owes a user is recorded in the outbox before it is sent.
    let outbox = courier
        .as_ref()
        .map(|_| Outbox::start(store.outbox.clone()));
    let analytics = start_analytics(&registry, settings, outbox.as_ref(), &store, &log);
    let store_actor = start_store(&registry, &store, &log, &analytics);
    // Process-wide caps on model calls and renders in flight, shared with the orchestrator,
    // which refuses new costly work up front while one is full.
    let capacity = crate::resilience::capacity::Capacity::new(&settings.limits);
    let ai_client = ai_client(settings, &breakers, &metrics);
    let written = ai_links(&log, &analytics);
    let ai = start_ai(&registry, ai_client.clone(), written, &capacity);
    let (health, probe) = health_probe(
        (settings, &metrics),
        health_targets(&store, &ai_client, courier.as_ref()),
        to("analytics").with(analytics.clone().recipient()),
    );
    let carousel = start_carousel(
        &registry.register("carousel"),
        settings,
        to("analytics").with(analytics.clone().recipient()),
        &capacity,
    );
    let render_gate = capacity.render.clone();
    let Orchestration {
        orchestrator,
        workflows,
        dispatcher,
        stop,
    } = start_orchestration(
        &registry.register("orchestrator"),
        settings,
        &store,
        &metrics,
        orchestrator_links(&log, &ai, &carousel, &store_actor, &analytics),
        Outlets {
            courier: courier.clone(),
            responses: to("analytics").with(analytics.clone().recipient()),
            outbox: outbox.as_ref(),
            lease: &lease,
        },
        capacity,
    );
    actix_rt::spawn(probe.run(stop.subscribe()));
    if let (None, Some(courier)) = (bot_name.get(), &courier) {
        actix_rt::spawn(crate::telegram::learn_bot_name(
            courier.clone(),
            bot_name.clone(),
            stop.subscribe(),
        ));
    }
    let backlog = Backlog::new(settings.ingest.max_backlog);
    let gateway = start_gateway(
        &registry.register("gateway"),
        settings,
        (
            gateway_links(&log, &store_actor, &analytics, &orchestrator),
            bot_name.clone(),
        ),
        &backlog,
        GatewayOutlets {
            replies: outbox.clone(),
            presses: courier,
        },
        &metrics,
    );
    Services {
        registry,
        breakers,
        health,
        bot_name,
        backlog,
        event_log: log,
        lease,
        outbox,
        stop,
        dispatcher,
        analytics,
        store: store_actor,
        ai,
        carousel,
        orchestrator,
        gateway,
        miniapp: actix_web::web::Data::new(crate::miniapp::MiniApp::new(
            workflows,
            settings.telegram.bot_token.clone(),
            settings.app.clone(),
            settings.render.clone(),
            render_gate,
        )),
    }
}

/// Reads the latest alerts back from the event log, so `/stats` still shows what happened before
/// a restart of the process.
async fn restore_alerts(store: Store, analytics: actix::Recipient<AlertsRestored>) {
    let rows = match store
        .events
        .latest_events(
            AlertTriggered::KIND,
            crate::actors::analytics::RECENT_ALERTS as i64,
        )
        .await
    {
        Ok(rows) => rows,
        Err(e) => {
            tracing::warn!(error = %e, "could not read earlier alerts back");
            return;
        }
    };
    let older: Vec<AlertTriggered> = rows
        .iter()
        .rev()
        .filter_map(|row| serde_json::from_str(&row.payload).ok())
        .collect();
    if !older.is_empty() {
        // The mailbox is bounded and new at start; a full one only costs `/stats` old alerts.
        if let Err(e) = analytics.try_send(AlertsRestored(older)) {
            tracing::warn!(error = %e, "earlier alerts not handed to analytics");
        }
    }
}

/// Registers the command menu in every interface language, and the English one as the default
/// for users whose language has no menu of its own.
async fn register_commands(bot: teloxide::Bot) {
    use teloxide::payloads::SetMyCommandsSetters;
    use teloxide::requests::Requester;
    if let Err(e) = bot
        .set_my_commands(crate::telegram::commands::menu(crate::domain::Lang::En))
        .await
    {
        tracing::warn!(error = %e, "could not register the default command menu");
    }
    for lang in crate::domain::Lang::ALL {
        let menu = crate::telegram::commands::menu(*lang);
        let code = lang.as_str();
        if let Err(e) = bot.set_my_commands(menu).language_code(code).await {
            tracing::warn!(error = %e, language = code, "could not register the command menu");
        }
    }
}
