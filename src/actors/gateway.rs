//! `gateway`: takes durably recorded Telegram updates and routes them to the other services.
use crate::error::AppError;
use crate::limits::{FloodVerdict, UserFlood};
use crate::messages::analytics::UserInteractionTracked;
use crate::messages::data::{HistoryLogged, SessionSaved, UpsertOutcome, UserProfile, UserUpdated};
use crate::messages::telegram::{CallbackPressed, CommandExecuted, UserMessageReceived};
use crate::messages::{Ack, Envelope, Outbox};
use crate::service_actor;
use crate::store::UpdateStatus;
use crate::supervisors::{supervised, ServiceHandle};
use crate::telegram::outbox::{Letter, Postbox};
use crate::telegram::replies::immediate_reply;
use crate::telegram::{classify, Inbound, Route};
use actix::{Handler, ResponseFuture};
use futures::FutureExt;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use tokio::sync::Semaphore;
use tracing::Instrument;

/// Updates handed to the gateway and not yet finished. Shared by whoever dispatches (webhook,
/// sweeps of unowned updates) and the gateway, which releases each one when it is done with it.
#[derive(Clone)]
pub struct Backlog {
    in_flight: Arc<std::sync::atomic::AtomicUsize>,
    limit: usize,
}

impl Backlog {
    pub fn new(limit: usize) -> Backlog {
        Backlog {
            in_flight: Arc::default(),
            limit: limit.max(1),
        }
    }

    /// Takes a place if one is free.
    pub fn try_reserve(&self) -> bool {
        use std::sync::atomic::Ordering;
        self.in_flight
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < self.limit).then_some(n + 1)
            })
            .is_ok()
    }

    /// Takes a place regardless of the limit (for updates a sweep has already claimed).
    pub fn reserve_anyway(&self) {
        self.in_flight
            .fetch_add(1, std::sync::atomic::Ordering::AcqRel);
    }

    pub fn release(&self) {
        use std::sync::atomic::Ordering;
        let _ = self
            .in_flight
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                Some(n.saturating_sub(1))
            });
    }

    pub fn free(&self) -> usize {
        self.limit
            .saturating_sub(self.in_flight.load(std::sync::atomic::Ordering::Acquire))
    }
}

/// Who may use the bot, and how fast (see [`crate::limits`]). Shared by the gateway's restarts.
pub struct Admission {
    pub flood: UserFlood,
    /// `ALLOWED_USER_IDS`; none serves everyone.
    pub allowed: Option<HashSet<i64>>,
    pub metrics: Option<crate::metrics::Metrics>,
}

/// What the gateway does with one update before any work.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Verdict {
    Serve,
    /// Recorded as `status`; `reply` (key, text) is recorded in the outbox if any.
    Turn {
        status: &'static str,
        reply: Option<(String, String)>,
    },
}

impl Admission {
    pub fn new(settings: &crate::config::LimitSettings) -> Admission {
        Admission {
            flood: UserFlood::new(
                settings.user_burst,
                settings.user_per_minute,
                std::time::Duration::from_secs(settings.notice_window_secs),
            ),
            allowed: settings.allowed_users(),
            metrics: None,
        }
    }

    pub fn with_metrics(mut self, metrics: crate::metrics::Metrics) -> Admission {
        self.metrics = Some(metrics);
        self
    }

    /// Updates that would make the bot work (commands, presses, private text) from a user are
    /// checked against the allowlist and the user's bucket; everything else costs nothing.
    fn judge(&self, inbound: &Inbound) -> Verdict {
        let (Some(user), false) = (&inbound.user, matches!(inbound.route, Route::Ignored(_)))
        else {
            return Verdict::Serve;
        };
        let lang = crate::telegram::replies::lang_of(inbound);
        if self
            .allowed
            .as_ref()
            .is_some_and(|ids| !ids.contains(&user.id))
        {
            self.count("not_allowed");
            return Verdict::Turn {
                status: UpdateStatus::REFUSED,
                // One refusal per user, ever: the key names only the user.
                reply: Some((
                    format!("not-allowed:{}", user.id),
                    crate::workflow::texts::not_allowed(lang),
                )),
            };
        }
        match self.flood.admit(user.id) {
            FloodVerdict::Admitted => Verdict::Serve,
            FloodVerdict::Limited { notice } => {
                self.count("flood");
                Verdict::Turn {
                    status: UpdateStatus::LIMITED,
                    // One notice per user per window, whichever replica gives it.
                    reply: notice.map(|window| {
                        (
                            format!("slow-down:{}:{window}", user.id),
                            crate::workflow::texts::slow_down(lang),
                        )
                    }),
                }
            }
        }
    }

    fn count(&self, reason: &'static str) {
        if let Some(metrics) = &self.metrics {
            metrics.limited.with_label_values(&[reason]).inc();
        }
    }
}

type KnownUsers = Arc<std::sync::Mutex<HashMap<i64, UserProfile>>>;

fn lock_known(known: &KnownUsers) -> std::sync::MutexGuard<'_, HashMap<i64, UserProfile>> {
    known.lock().unwrap_or_else(|e| e.into_inner())
}

/// The gateway's neighbours.
#[derive(Clone)]
pub struct GatewayLinks {
    pub users: Outbox<UserUpdated>,
    pub sessions: Outbox<SessionSaved>,
    pub history: Outbox<HistoryLogged>,
    pub interactions: Outbox<UserInteractionTracked>,
    pub commands: Outbox<CommandExecuted>,
    pub callbacks: Outbox<CallbackPressed>,
}

/// Updates handled at once. Beyond this they wait their turn instead of piling onto the store
/// pool, where they would time out under a burst.
pub const MAX_CONCURRENT_UPDATES: usize = 32;

/// Profiles remembered to skip re-storing an unchanged user; cleared when full or on restart.
const KNOWN_USERS_CAPACITY: usize = 10_000;

pub struct GatewayActor {
    service: ServiceHandle,
    links: GatewayLinks,
    bot_username: String,
    in_flight: Arc<Semaphore>,
    /// Shared with in-flight work, which forgets a profile whose storing failed.
    known_users: KnownUsers,
    backlog: Backlog,
    /// Records the hint for plain text in a private chat in the outbox (commands are answered
    /// by the orchestrator, which knows the user's language setting); none without a bot token.
    replies: Option<Postbox>,
    admission: Option<Arc<Admission>>,
}

impl GatewayActor {
    pub fn new(
        service: ServiceHandle,
        links: GatewayLinks,
        bot_username: String,
        backlog: Backlog,
    ) -> Self {
        GatewayActor {
            service,
            links,
            bot_username,
            in_flight: Arc::new(Semaphore::new(MAX_CONCURRENT_UPDATES)),
            known_users: KnownUsers::default(),
            backlog,
            replies: None,
            admission: None,
        }
    }

    /// The allowlist and per-user update limits; none admits everything (tests of one actor).
    pub fn with_admission(mut self, admission: Arc<Admission>) -> Self {
        self.admission = Some(admission);
        self
    }

    pub fn with_replies(mut self, replies: Option<Postbox>) -> Self {
        self.replies = replies;
        self
    }

    /// Unfinished updates live in the store and are claimed again by a sweep; the profile cache is
    /// only an optimisation and starts empty.
    fn rebuild(&mut self) {
        lock_known(&self.known_users).clear();
    }

    /// True when this profile must be stored: new to us, or changed since we last stored it.
    /// Remembers it optimistically; a failed store call forgets it again.
    fn needs_storing(&mut self, user: &UserProfile) -> bool {
        let mut known = lock_known(&self.known_users);
        if known.get(&user.id) == Some(user) {
            return false;
        }
        if known.len() >= KNOWN_USERS_CAPACITY {
            known.clear();
        }
        known.insert(user.id, user.clone());
        true
    }
}

service_actor!(GatewayActor);

impl Handler<Envelope<UserMessageReceived>> for GatewayActor {
    type Result = ResponseFuture<Ack>;

    fn handle(
        &mut self,
        env: Envelope<UserMessageReceived>,
        _: &mut Self::Context,
    ) -> Self::Result {
        let links = self.links.clone();
        let backlog = self.backlog.clone();
        let known_users = self.known_users.clone();
        let in_flight = self.in_flight.clone();
        let inbound = classify(&env.payload.update, &self.bot_username);
        let verdict = self
            .admission
            .as_ref()
            .map_or(Verdict::Serve, |a| a.judge(&inbound));
        if let Verdict::Turn { status, reply } = verdict {
            return self.turn_away(env, inbound, status, reply);
        }
        let reply = self
            .replies
            .clone()
            .zip(inbound.chat_id)
            .zip(immediate_reply(&inbound));
        let user_id = inbound.user.as_ref().map(|u| u.id);
        let store_user = inbound.user.clone().filter(|u| self.needs_storing(u));
        let handling = env.handling();
        supervised(self, handling, async move {
            let span = tracing::info_span!(
                "update",
                correlation_id = %env.correlation_id,
                update_id = env.payload.update_id,
                kind = inbound.kind
            );
            async move {
                let _turn = in_flight
                    .acquire_owned()
                    .await
                    .map_err(|_| AppError::internal("gateway", "concurrency limit closed"))?;
                let mut outcome = UpdateStatus::DONE;
                if let Some(user) = store_user {
                    let user_id = user.id;
                    let upsert = links
                        .users
                        .ask(env.caused("gateway", UserUpdated { user }))
                        .await??;
                    if let (UpsertOutcome::Created, Some(chat_id)) = (upsert, inbound.chat_id) {
                        let session = env.caused("gateway", SessionSaved { user_id, chat_id });
                        links.sessions.ask(session).await??;
                    }
                }
                let tracked = env.caused(
                    "gateway",
                    UserInteractionTracked {
                        user_id: inbound.user.as_ref().map(|u| u.id),
                        chat_id: inbound.chat_id,
                        interaction: inbound.interaction(),
                    },
                );
                warn_unless_sent(links.interactions.tell(tracked));
                if let Some(((postbox, chat_id), html)) = reply {
                    let key = format!("{}:hint", env.correlation_id);
                    postbox.post(Letter::html(key, chat_id, html)).await?;
                }
                match &inbound.route {
                    Route::Command { name, args } => {
                        if let Some(chat_id) = inbound.chat_id {
                            let command = env.caused(
                                "gateway",
                                CommandExecuted {
                                    chat_id,
                                    user_id: inbound.user.as_ref().map(|u| u.id),
                                    command: name.clone(),
                                    args: args.clone(),
                                    language_code: inbound
                                        .user
                                        .as_ref()
                                        .and_then(|u| u.language_code.clone()),
                                    message_id: inbound.message_id,
                                    first_name: inbound.user.as_ref().map(|u| u.first_name.clone()),
                                },
                            );
                            // Done only once the answer is recorded (in the outbox, or as a
                            // workflow): a failure leaves the update to be claimed again.
                            links
                                .commands
                                .ask(command)
                                .await?
                                .map_err(neighbour_failed)?;
                        }
                    }
                    Route::Ignored(reason) => {
                        tracing::debug!(reason, "update ignored");
                        outcome = UpdateStatus::IGNORED;
                    }
                    Route::Callback {
                        query_id,
                        data,
                        message_id,
                    } => {
                        if let Some(user) = &inbound.user {
                            let pressed = env.caused(
                                "gateway",
                                CallbackPressed {
                                    query_id: query_id.clone(),
                                    data: data.clone(),
                                    user_id: user.id,
                                    language_code: user.language_code.clone(),
                                    chat_id: inbound.chat_id,
                                    message_id: *message_id,
                                },
                            );
                            links
                                .callbacks
                                .ask(pressed)
                                .await?
                                .map_err(neighbour_failed)?;
                        }
                    }
                    Route::PrivateText => {}
                }
                let done = env.caused(
                    "gateway",
                    HistoryLogged {
                        update_id: env.payload.update_id,
                        outcome: outcome.to_string(),
                    },
                );
                links.history.ask(done).await??;
                Ok::<(), AppError>(())
            }
            .instrument(span)
            .await
        })
        .map(move |result| {
            backlog.release();
            if let (Err(_), Some(id)) = (&result, user_id) {
                lock_known(&known_users).remove(&id);
            }
            result
        })
        .boxed_local()
    }
}

impl GatewayActor {
    /// An update past a limit or from a user not allowed: recorded as handled with `status`,
    /// answered only with `reply` when there is one (once per key), never with work.
    fn turn_away(
        &mut self,
        env: Envelope<UserMessageReceived>,
        inbound: Inbound,
        status: &'static str,
        reply: Option<(String, String)>,
    ) -> ResponseFuture<Ack> {
        let links = self.links.clone();
        let backlog = self.backlog.clone();
        let letter = self
            .replies
            .clone()
            .zip(inbound.chat_id)
            .zip(reply)
            .map(|((postbox, chat), (key, html))| (postbox, Letter::html(key, chat, html)));
        let handling = env.handling();
        supervised(self, handling, async move {
            let span = tracing::info_span!(
                "update",
                correlation_id = %env.correlation_id,
                update_id = env.payload.update_id,
                kind = inbound.kind,
                turned_away = status
            );
            async move {
                if let Some((postbox, letter)) = letter {
                    postbox.post(letter).await?;
                }
                let done = env.caused(
                    "gateway",
                    HistoryLogged {
                        update_id: env.payload.update_id,
                        outcome: status.to_string(),
                    },
                );
                links.history.ask(done).await??;
                Ok::<(), AppError>(())
            }
            .instrument(span)
            .await
        })
        .map(move |result| {
            backlog.release();
            result
        })
        .boxed_local()
    }
}

/// A neighbour's failure leaves this update unfinished; it is not the gateway's own fault, so it
/// does not restart the gateway.
fn neighbour_failed(error: AppError) -> AppError {
    if error.is_store_outage() {
        return error;
    }
    AppError::ActorUnavailable {
        actor: "orchestrator",
        reason: error.to_string(),
    }
}

fn warn_unless_sent(result: Result<(), AppError>) {
    if let Err(e) = result {
        tracing::warn!(error = %e, "could not notify a neighbour");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::data::UserUpdated;
    use crate::supervisors::ServiceHandle;
    use crate::testkit::{ack_probe, probe};
    use actix::Actor;

    fn update(json: serde_json::Value) -> Envelope<UserMessageReceived> {
        let update: teloxide::types::Update =
            serde_json::from_str(&json.to_string()).expect("valid update");
        assert!(
            !matches!(update.kind, teloxide::types::UpdateKind::Error(_)),
            "test update must parse"
        );
        Envelope::new(
            "test",
            UserMessageReceived {
                update_id: i64::from(update.id.0),
                update: Box::new(update),
            },
        )
    }

    fn message(update_id: u32, chat: serde_json::Value, text: &str) -> serde_json::Value {
        serde_json::json!({
            "update_id": update_id,
            "message": {
                "message_id": 1, "date": 1763856000, "text": text, "chat": chat,
                "from": {"id": 7, "is_bot": false, "first_name": "Ада", "language_code": "ru"}
            }
        })
    }

    fn inbound_of(json: serde_json::Value) -> Inbound {
        classify(&update(json).payload.update, "vibe_bot")
    }

    #[test]
    fn admission_refuses_strangers_to_a_private_bot_with_one_refusal_key_per_user() {
        let settings = crate::config::LimitSettings {
            allowed_user_ids: Some("1, 2".into()),
            ..Default::default()
        };
        let admission = Admission::new(&settings);
        let private = serde_json::json!({"id": 7, "type": "private"});
        let Verdict::Turn { status, reply } =
            admission.judge(&inbound_of(message(1, private.clone(), "/help")))
        else {
            panic!("user 7 is not on the list");
        };
        assert_eq!(status, UpdateStatus::REFUSED);
        let (key, text) = reply.expect("a refusal");
        assert_eq!(key, "not-allowed:7");
        assert!(text.contains("частный"), "in the user's language: {text}");
        let group = serde_json::json!({"id": -100, "type": "supergroup", "title": "g"});
        assert_eq!(
            admission.judge(&inbound_of(message(2, group, "hello all"))),
            Verdict::Serve,
            "chatter the bot ignores anyway costs nothing and gets no refusal"
        );
    }

    #[test]
    fn admission_limits_a_flood_and_names_the_notice_by_user_and_window() {
        let settings = crate::config::LimitSettings {
            user_burst: 2,
            user_per_minute: 1,
            ..Default::default()
        };
        let admission = Admission::new(&settings);
        let private = serde_json::json!({"id": 7, "type": "private"});
        let verdicts: Vec<Verdict> = (0..5)
            .map(|i| admission.judge(&inbound_of(message(i, private.clone(), "/help"))))
            .collect();
        assert_eq!(verdicts[..2], [Verdict::Serve, Verdict::Serve]);
        let Verdict::Turn {
            status,
            reply: Some((key, text)),
        } = &verdicts[2]
        else {
            panic!("the third is limited with a notice: {verdicts:?}");
        };
        assert_eq!(*status, UpdateStatus::LIMITED);
        assert!(key.starts_with("slow-down:7:"), "{key}");
        assert!(text.contains("помедленнее"), "{text}");
        assert!(verdicts[3..].iter().all(|v| *v
            == Verdict::Turn {
                status: UpdateStatus::LIMITED,
                reply: None
            }));
    }

    #[test]
    fn the_backlog_refuses_places_beyond_its_limit_until_released() {
        let backlog = Backlog::new(2);
        assert!(backlog.try_reserve() && backlog.try_reserve());
        assert!(!backlog.try_reserve());
        backlog.release();
        assert_eq!(backlog.free(), 1);
        assert!(backlog.try_reserve());
    }

    #[actix_rt::test]
    async fn a_new_users_start_command_registers_them_and_reaches_the_orchestrator() {
        let (users, seen_users, _u) = probe::<UserUpdated>(|_| Ok(UpsertOutcome::Created));
        let (sessions, seen_sessions, _s) = ack_probe::<SessionSaved>();
        let (history, seen_history, _h) = ack_probe::<HistoryLogged>();
        let (interactions, seen_interactions, _i) = ack_probe::<UserInteractionTracked>();
        let (commands, seen_commands, _c) = ack_probe::<CommandExecuted>();
        let (callbacks, _callbacks_seen, _cb) = ack_probe::<CallbackPressed>();
        let links = GatewayLinks {
            users,
            sessions,
            history,
            interactions,
            commands,
            callbacks,
        };
        let gateway = GatewayActor::new(
            ServiceHandle::detached("gateway"),
            links,
            "vibe_bot".into(),
            Backlog::new(8),
        )
        .start();

        let env = update(message(
            5,
            serde_json::json!({"id": 7, "type": "private"}),
            "/start",
        ));
        let correlation = env.correlation_id;
        gateway.send(env).await.expect("mailbox").expect("handled");

        assert_eq!(seen_users.payloads()[0].user.first_name, "Ада");
        assert_eq!(
            seen_sessions.payloads(),
            vec![SessionSaved {
                user_id: 7,
                chat_id: 7
            }]
        );
        let commands = seen_commands.all();
        assert_eq!(commands.len(), 1);
        assert_eq!(commands[0].payload.command, "start");
        assert_eq!(
            commands[0].correlation_id, correlation,
            "the command keeps the update's correlation id"
        );
        assert_eq!(
            seen_interactions.payloads()[0].interaction,
            "command:/start"
        );
        assert_eq!(
            seen_history.payloads(),
            vec![HistoryLogged {
                update_id: 5,
                outcome: "done".into()
            }]
        );
    }

    #[actix_rt::test]
    async fn group_chatter_and_commands_for_other_bots_are_ignored_without_a_command() {
        let (users, _seen_users, _u) = probe::<UserUpdated>(|_| Ok(UpsertOutcome::Updated));
        let (sessions, seen_sessions, _s) = ack_probe::<SessionSaved>();
        let (history, seen_history, _h) = ack_probe::<HistoryLogged>();
        let (interactions, _seen_interactions, _i) = ack_probe::<UserInteractionTracked>();
        let (commands, seen_commands, _c) = ack_probe::<CommandExecuted>();
        let (callbacks, _callbacks_seen, _cb) = ack_probe::<CallbackPressed>();
        let links = GatewayLinks {
            users,
            sessions,
            history,
            interactions,
            commands,
            callbacks,
        };
        let gateway = GatewayActor::new(
            ServiceHandle::detached("gateway"),
            links,
            "vibe_bot".into(),
            Backlog::new(8),
        )
        .start();
        let group = serde_json::json!({"id": -100, "type": "supergroup", "title": "g"});

        gateway
            .send(update(message(1, group.clone(), "hello all")))
            .await
            .expect("mailbox")
            .expect("ok");
        gateway
            .send(update(message(2, group, "/start@other_bot")))
            .await
            .expect("mailbox")
            .expect("ok");

        assert_eq!(seen_commands.count(), 0);
        assert_eq!(seen_sessions.count(), 0, "known users get no new session");
        let outcomes: Vec<String> = seen_history
            .payloads()
            .into_iter()
            .map(|h| h.outcome)
            .collect();
        assert_eq!(outcomes, vec!["ignored", "ignored"]);
    }

    #[actix_rt::test]
    async fn a_store_failure_is_returned_to_the_caller_and_counted() {
        let (users, _seen, _u) =
            probe::<UserUpdated>(|_| Err(AppError::internal("upsert", "store down")));
        let (sessions, _s1, _s) = ack_probe::<SessionSaved>();
        let (history, seen_history, _h) = ack_probe::<HistoryLogged>();
        let (interactions, _s3, _i) = ack_probe::<UserInteractionTracked>();
        let (commands, _s4, _c) = ack_probe::<CommandExecuted>();
        let (callbacks, _callbacks_seen, _cb) = ack_probe::<CallbackPressed>();
        let service = ServiceHandle::detached("gateway");
        let links = GatewayLinks {
            users,
            sessions,
            history,
            interactions,
            commands,
            callbacks,
        };
        let gateway =
            GatewayActor::new(service.clone(), links, "vibe_bot".into(), Backlog::new(8)).start();

        let result = gateway
            .send(update(message(
                3,
                serde_json::json!({"id": 7, "type": "private"}),
                "hi",
            )))
            .await
            .expect("mailbox");

        assert!(result
            .expect_err("must fail")
            .to_string()
            .contains("store down"));
        assert_eq!(
            seen_history.count(),
            0,
            "an unfinished update stays claimed, to be claimed again once its lease expires"
        );
        assert_eq!(service.status().failed, 1);
    }
}
