//! `store`: the data persistence service. It owns users, their settings and the carousel
//! history: other actors write and read them only through its messages.
use crate::actors::link::Link;
use crate::app::error::{AppError, AppResult};
use crate::domain::CarouselRecord;
use crate::domain::UserProfile;
use crate::domain::{UpdateStatus, UserSettings};
use crate::messages::data::{
    DefaultSettingsCreated, EnsureSettings, FinishUpdate, LoadCarousel, LoadHistory, LoadSettings,
    SaveCarousel, SaveSettings, UpsertOutcome, UpsertUser, UserCreated,
};
use crate::messages::{Ack, Envelope};
use crate::service_actor;
use crate::store::group_commit::Batcher;
use crate::store::{now_utc, Updates, Users};
use crate::supervisors::{supervised, ServiceHandle};
use actix::{Handler, ResponseFuture};

/// Where the store actor announces what it created (analytics).
#[derive(Clone)]
pub struct StoreLinks {
    pub user_created: Link<UserCreated>,
    pub default_settings_created: Link<DefaultSettingsCreated>,
}

pub struct StoreActor {
    service: ServiceHandle,
    /// The users, settings and carousels tables: this actor's alone.
    users: Users,
    links: StoreLinks,
    /// Group commit of "update finished" marks: one statement for many updates under load.
    finished: Batcher<(i64, UpdateStatus), ()>,
    /// Settings reads, batched the same way: every command reads its user's settings, and one
    /// round trip each was a large share of the store's work under load.
    settings: Batcher<i64, AppResult<Option<UserSettings>>>,
    /// First contacts, batched too: a spike of new users (and every known user's first update
    /// after a deploy) is one statement per batch, not one or two per user.
    upserts: Batcher<UserProfile, AppResult<UpsertOutcome>>,
    /// Default settings for new users, likewise.
    defaults: Batcher<i64, AppResult<bool>>,
}

impl StoreActor {
    /// Must be called inside a tokio runtime (it starts the batch writer).
    /// `updates` only for marking updates finished: intake owns that table.
    pub fn new(service: ServiceHandle, users: Users, updates: Updates, links: StoreLinks) -> Self {
        let linger = users.batch_linger();
        let finished = Batcher::spawn(
            "finish_updates",
            65_536,
            512,
            1,
            linger,
            move |batch: Vec<(i64, UpdateStatus)>| {
                let updates = updates.clone();
                async move {
                    let count = batch.len();
                    updates
                        .finish_updates(&batch)
                        .await
                        .map(|()| vec![(); count])
                }
            },
        );
        let reader = users.clone();
        let settings = Batcher::spawn(
            "load_settings",
            65_536,
            512,
            2,
            linger,
            move |ids: Vec<i64>| {
                let users = reader.clone();
                async move { settings_of_each(&users, &ids).await }
            },
        );
        let upserter = users.clone();
        let upserts = Batcher::spawn(
            "upsert_users",
            65_536,
            512,
            1,
            linger,
            move |profiles: Vec<UserProfile>| {
                let users = upserter.clone();
                async move { users.upsert_users_each(&profiles).await }
            },
        );
        let giver = users.clone();
        let defaults = Batcher::spawn(
            "ensure_users_settings",
            65_536,
            512,
            1,
            linger,
            move |ids: Vec<i64>| {
                let users = giver.clone();
                async move { users.ensure_default_settings_each(&ids).await }
            },
        );
        StoreActor {
            service,
            users,
            links,
            finished,
            settings,
            upserts,
            defaults,
        }
    }
}

service_actor!(StoreActor);

impl Handler<Envelope<UpsertUser>> for StoreActor {
    type Result = ResponseFuture<Result<UpsertOutcome, AppError>>;

    fn handle(&mut self, env: Envelope<UpsertUser>, _: &mut Self::Context) -> Self::Result {
        let users = self.upserts.clone();
        let announce = self.links.user_created.clone();
        supervised(self, env.handling(), async move {
            let outcome = users.submit(env.payload.user.clone()).await??;
            let user = &env.payload.user;
            tracing::debug!(user_id = user.id, first_name = %user.first_name, ?outcome, "user stored");
            if outcome == UpsertOutcome::Created {
                let created = env.caused(
                    "store",
                    UserCreated {
                        user: env.payload.user.clone(),
                    },
                );
                if let Err(e) = announce.tell(created) {
                    tracing::warn!(error = %e, "could not announce a new user");
                }
            }
            Ok(outcome)
        })
    }
}

impl Handler<Envelope<FinishUpdate>> for StoreActor {
    type Result = ResponseFuture<Ack>;

    fn handle(&mut self, env: Envelope<FinishUpdate>, _: &mut Self::Context) -> Self::Result {
        let finished = self.finished.clone();
        supervised(self, env.handling(), async move {
            finished
                .submit((env.payload.update_id, env.payload.outcome))
                .await
        })
    }
}

impl Handler<Envelope<EnsureSettings>> for StoreActor {
    type Result = ResponseFuture<Ack>;

    fn handle(&mut self, env: Envelope<EnsureSettings>, _: &mut Self::Context) -> Self::Result {
        let defaults = self.defaults.clone();
        let announce = self.links.default_settings_created.clone();
        supervised(self, env.handling(), async move {
            if defaults.submit(env.payload.user_id).await?? {
                let created = env.caused(
                    "store",
                    DefaultSettingsCreated {
                        user_id: env.payload.user_id,
                        chat_id: env.payload.chat_id,
                    },
                );
                if let Err(e) = announce.tell(created) {
                    tracing::warn!(error = %e, "could not announce default settings");
                }
            }
            Ok(())
        })
    }
}

impl Handler<Envelope<SaveCarousel>> for StoreActor {
    type Result = ResponseFuture<Ack>;

    fn handle(&mut self, env: Envelope<SaveCarousel>, _: &mut Self::Context) -> Self::Result {
        let store = self.users.clone();
        supervised(self, env.handling(), async move {
            let p = &env.payload;
            store
                .save_carousel(&CarouselRecord {
                    id: p.request_id.to_string(),
                    user_id: p.user_id,
                    topic: p.topic.clone(),
                    slides: i32::try_from(p.slides).unwrap_or(i32::MAX),
                    style: p.style,
                    content_source: p.content_source,
                    created_at: crate::store::now_utc(),
                })
                .await
        })
    }
}

impl Handler<Envelope<LoadSettings>> for StoreActor {
    type Result = ResponseFuture<Result<UserSettings, AppError>>;

    fn handle(&mut self, env: Envelope<LoadSettings>, _: &mut Self::Context) -> Self::Result {
        let settings = self.settings.clone();
        supervised(self, env.handling(), async move {
            let user = env.payload.user_id;
            Ok(settings
                .submit(user)
                .await??
                .unwrap_or_else(|| UserSettings::defaults_for(user, now_utc())))
        })
    }
}

/// Reads a batch of users' settings in one query; when a row cannot be read, one by one, so
/// only that user's read fails (with the row named) and the others are answered.
async fn settings_of_each(
    store: &Users,
    users: &[i64],
) -> AppResult<Vec<AppResult<Option<UserSettings>>>> {
    match store.settings_of_many(users).await {
        Ok(found) => Ok(found.into_iter().map(Ok).collect()),
        Err(e) if e.is_store_outage() => Err(e),
        Err(_) => {
            let mut found = Vec::with_capacity(users.len());
            for user in users {
                found.push(store.settings_of(*user).await);
            }
            Ok(found)
        }
    }
}

impl Handler<Envelope<SaveSettings>> for StoreActor {
    type Result = ResponseFuture<Ack>;

    fn handle(&mut self, env: Envelope<SaveSettings>, _: &mut Self::Context) -> Self::Result {
        let store = self.users.clone();
        supervised(self, env.handling(), async move {
            store.save_settings(&env.payload.settings).await
        })
    }
}

impl Handler<Envelope<LoadHistory>> for StoreActor {
    type Result = ResponseFuture<Result<Vec<CarouselRecord>, AppError>>;

    fn handle(&mut self, env: Envelope<LoadHistory>, _: &mut Self::Context) -> Self::Result {
        let store = self.users.clone();
        supervised(self, env.handling(), async move {
            let p = &env.payload;
            store.carousels_of(p.user_id, p.limit).await
        })
    }
}

impl Handler<Envelope<LoadCarousel>> for StoreActor {
    type Result = ResponseFuture<Result<Option<CarouselRecord>, AppError>>;

    fn handle(&mut self, env: Envelope<LoadCarousel>, _: &mut Self::Context) -> Self::Result {
        let store = self.users.clone();
        supervised(self, env.handling(), async move {
            store.carousel(&env.payload.id).await
        })
    }
}

#[cfg(test)]
mod tests;
