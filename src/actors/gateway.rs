//! `gateway`: takes durably recorded Telegram updates and routes them to the other services.
use crate::actors::link::Link;
use crate::app::error::AppError;
use crate::delivery::outbox::{Outbox, OutboxMessage};
use crate::domain::UpdateStatus;
use crate::intake::admission::{Admission, Verdict};
use crate::intake::backlog::Backlog;
use crate::messages::analytics::UserInteractionTracked;
use crate::messages::data::{EnsureSettings, FinishUpdate, UpsertOutcome, UpsertUser, UserProfile};
use crate::messages::telegram::{CallbackPressed, ExecuteCommand, UpdateReceived};
use crate::messages::{Ack, Envelope};
use crate::service_actor;
use crate::supervisors::{supervised, ServiceHandle};
use crate::telegram::commands::immediate_reply;
use crate::telegram::{inbound_of, Inbound, Route};
use actix::{Handler, ResponseFuture};
use futures::FutureExt;
use std::sync::Arc;
use tokio::sync::Semaphore;
use tracing::Instrument;

/// Profiles stored lately, by user id (cheap to clone: clones share one cache). Kept behind an
/// `Arc` because a read hands out a clone of the value: one per update.
type KnownUsers = moka::sync::Cache<i64, Arc<UserProfile>>;

/// The gateway's neighbours.
#[derive(Clone)]
pub struct GatewayLinks {
    pub users: Link<UpsertUser>,
    pub default_settings: Link<EnsureSettings>,
    pub finished: Link<FinishUpdate>,
    pub interactions: Link<UserInteractionTracked>,
    pub commands: Link<ExecuteCommand>,
    pub callbacks: Link<CallbackPressed>,
}

/// Updates handled at once. Beyond this they wait their turn instead of piling onto the store
/// pool, where they would time out under a burst.
pub const MAX_CONCURRENT_UPDATES: usize = 128;

/// Profiles remembered to skip re-storing an unchanged user; past this the least used are
/// evicted (TinyLFU); forgotten on restart.
const KNOWN_USERS_CAPACITY: u64 = 10_000;

pub struct GatewayActor {
    service: ServiceHandle,
    links: GatewayLinks,
    bot_name: crate::telegram::BotName,
    in_flight: Arc<Semaphore>,
    /// Shared with in-flight work, which forgets a profile whose storing failed.
    known_users: KnownUsers,
    backlog: Backlog,
    /// Records the hint for plain text in a private chat in the outbox (commands are answered
    /// by the orchestrator, which knows the user's language setting); none without a bot token.
    replies: Option<Outbox>,
    /// Answers the presses it turns away (a refused press must still stop the client's spinner);
    /// none without a bot token.
    presses: Option<crate::delivery::courier::Courier>,
    admission: Option<Arc<Admission>>,
}

impl GatewayActor {
    pub fn new(
        service: ServiceHandle,
        links: GatewayLinks,
        bot_name: crate::telegram::BotName,
        backlog: Backlog,
    ) -> Self {
        GatewayActor {
            service,
            links,
            bot_name,
            in_flight: Arc::new(Semaphore::new(MAX_CONCURRENT_UPDATES)),
            known_users: KnownUsers::new(KNOWN_USERS_CAPACITY),
            backlog,
            replies: None,
            presses: None,
            admission: None,
        }
    }

    /// Where the presses it turns away are answered.
    pub fn with_press_answers(
        mut self,
        courier: Option<crate::delivery::courier::Courier>,
    ) -> Self {
        self.presses = courier;
        self
    }

    /// The allowlist and per-user update limits; none admits everything (tests of one actor).
    pub fn with_admission(mut self, admission: Arc<Admission>) -> Self {
        self.admission = Some(admission);
        self
    }

    pub fn with_replies(mut self, replies: Option<Outbox>) -> Self {
        self.replies = replies;
        self
    }

    /// Unfinished updates live in the store and are claimed again by a sweep; the profile cache is
    /// only an optimisation and starts empty.
    fn forget_profiles(&mut self) {
        self.known_users.invalidate_all();
    }

    /// True when this profile must be stored: new to us, or changed since we last stored it.
    /// Remembers it optimistically; a failed store call forgets it again.
    fn needs_storing(&mut self, user: &UserProfile) -> bool {
        if self
            .known_users
            .get(&user.id)
            .is_some_and(|known| *known == *user)
        {
            return false;
        }
        self.known_users.insert(user.id, Arc::new(user.clone()));
        true
    }
}

service_actor!(GatewayActor, rebuild = forget_profiles);

impl Handler<Envelope<UpdateReceived>> for GatewayActor {
    type Result = ResponseFuture<Ack>;

    fn handle(&mut self, env: Envelope<UpdateReceived>, _: &mut Self::Context) -> Self::Result {
        let links = self.links.clone();
        let backlog = self.backlog.clone();
        let known_users = self.known_users.clone();
        let in_flight = self.in_flight.clone();
        let inbound = self
            .bot_name
            .with(|name| inbound_of(&env.payload.update, name));
        let verdict = self
            .admission
            .as_ref()
            .map_or(Verdict::Serve, |a| a.judge(&inbound));
        if let Verdict::Turn {
            status,
            reply,
            refusal,
        } = verdict
        {
            return self.turn_away(env, inbound, status, reply, refusal);
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
            let span = update_span(&env, &inbound, None);
            async move {
                let _turn = in_flight
                    .acquire_owned()
                    .await
                    .map_err(|_| AppError::internal("gateway", "concurrency limit closed"))?;
                if let Some(user) = store_user {
                    let user_id = user.id;
                    let upsert = links
                        .users
                        .ask(env.caused("gateway", UpsertUser { user }))
                        .await??;
                    if let (UpsertOutcome::Created, Some(chat_id)) = (upsert, inbound.chat_id) {
                        let session = env.caused("gateway", EnsureSettings { user_id, chat_id });
                        links.default_settings.ask(session).await??;
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
                if let Some(((outbox, chat_id), html)) = reply {
                    let key = format!("{}:hint", env.correlation_id);
                    outbox.post(OutboxMessage::html(key, chat_id, html)).await?;
                }
                let outcome = route(&links, &env, &inbound).await?;
                finish(&links, &env, outcome).await
            }
            .instrument(span)
            .await
        })
        .map(move |result| {
            backlog.release();
            if let (Err(_), Some(id)) = (&result, user_id) {
                known_users.invalidate(&id);
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
        env: Envelope<UpdateReceived>,
        inbound: Inbound,
        status: UpdateStatus,
        reply: Option<(String, String)>,
        refusal: String,
    ) -> ResponseFuture<Ack> {
        let press = match &inbound.route {
            Route::Callback { query_id, .. } => self.presses.clone().map(|c| (c, query_id.clone())),
            _ => None,
        };
        let links = self.links.clone();
        let backlog = self.backlog.clone();
        let message =
            self.replies.clone().zip(inbound.chat_id).zip(reply).map(
                |((outbox, chat), (key, html))| (outbox, OutboxMessage::html(key, chat, html)),
            );
        let handling = env.handling();
        supervised(self, handling, async move {
            let span = update_span(&env, &inbound, Some(status.as_str()));
            async move {
                if let Some((courier, query)) = press {
                    // Patient but bounded (the courier's deadline); a miss costs a spinner.
                    if let Err(e) = courier.answer_callback(&query, &refusal).await {
                        tracing::warn!(error = %e, "refused button press not answered");
                    }
                }
                if let Some((outbox, message)) = message {
                    outbox.post(message).await?;
                }
                finish(&links, &env, status).await
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

/// The span one update's handling runs in (with why it was turned away, when it was).
fn update_span(
    env: &Envelope<UpdateReceived>,
    inbound: &Inbound,
    turned_away: Option<&'static str>,
) -> tracing::Span {
    tracing::info_span!(
        "update",
        correlation_id = %env.correlation_id,
        update_id = env.payload.update_id,
        kind = inbound.kind.as_str(),
        turned_away
    )
}

/// Marks the update handled with `outcome`, once everything it caused is recorded.
async fn finish(
    links: &GatewayLinks,
    env: &Envelope<UpdateReceived>,
    outcome: UpdateStatus,
) -> Result<(), AppError> {
    let done = env.caused(
        "gateway",
        FinishUpdate {
            update_id: env.payload.update_id,
            outcome,
        },
    );
    links.finished.ask(done).await?
}

/// Hands the update to whoever owns its route (commands and button presses to the orchestrator,
/// which records the answer before it replies); answers how the update ends.
async fn route(
    links: &GatewayLinks,
    env: &Envelope<UpdateReceived>,
    inbound: &Inbound,
) -> Result<UpdateStatus, AppError> {
    let mut outcome = UpdateStatus::Done;
    match &inbound.route {
        Route::Command { name, args } => {
            if let Some(chat_id) = inbound.chat_id {
                let command = env.caused(
                    "gateway",
                    ExecuteCommand {
                        chat_id,
                        user_id: inbound.user.as_ref().map(|u| u.id),
                        command: name.clone(),
                        args: args.clone(),
                        language_code: inbound.user.as_ref().and_then(|u| u.language_code.clone()),
                        message_id: inbound.message_id,
                        first_name: inbound.user.as_ref().map(|u| u.first_name.clone()),
                        username: inbound.user.as_ref().and_then(|u| u.username.clone()),
                        image: None,
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
            outcome = UpdateStatus::Ignored;
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
                        first_name: Some(user.first_name.clone()),
                        username: user.username.clone(),
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
        Route::Image(image) => {
            if let (Some(chat_id), Some(user)) = (inbound.chat_id, &inbound.user) {
                let sent = env.caused(
                    "gateway",
                    ExecuteCommand {
                        chat_id,
                        user_id: Some(user.id),
                        command: "image".into(),
                        args: String::new(),
                        language_code: user.language_code.clone(),
                        message_id: inbound.message_id,
                        first_name: Some(user.first_name.clone()),
                        username: user.username.clone(),
                        image: Some(image.clone()),
                    },
                );
                links.commands.ask(sent).await?.map_err(neighbour_failed)?;
            }
        }
    }
    Ok(outcome)
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
mod tests;
