//! `store`: the data persistence service. It owns users, their settings and the carousel
//! history: other actors write and read them only through its messages.
use crate::batch::Batcher;
use crate::error::AppError;
use crate::messages::data::{
    EnsureSettings, FinishUpdate, LoadCarousel, LoadHistory, LoadSettings, SaveCarousel,
    SaveSettings, SessionCreated, UpsertOutcome, UpsertUser, UserCreated,
};
use crate::messages::{Ack, Envelope, Outbox};
use crate::service_actor;
use crate::store::{now_utc, NewCarousel, Store, UpdateStatus, UserSettings};
use crate::supervisors::{supervised, ServiceHandle};
use actix::{Handler, ResponseFuture};

/// Where the store actor announces what it created (analytics).
#[derive(Clone)]
pub struct StoreLinks {
    pub user_created: Outbox<UserCreated>,
    pub session_created: Outbox<SessionCreated>,
}

pub struct StoreActor {
    service: ServiceHandle,
    store: Store,
    links: StoreLinks,
    /// Group commit of "update finished" marks: one statement for many updates under load.
    finished: Batcher<(i64, UpdateStatus), ()>,
}

impl StoreActor {
    /// Must be called inside a tokio runtime (it starts the batch writer).
    pub fn new(service: ServiceHandle, store: Store, links: StoreLinks) -> Self {
        let writer = store.clone();
        let finished = Batcher::spawn(
            "finish_updates",
            65_536,
            512,
            1,
            move |batch: Vec<(i64, UpdateStatus)>| {
                let store = writer.clone();
                async move {
                    let count = batch.len();
                    store.finish_updates(&batch).await.map(|()| vec![(); count])
                }
            },
        );
        StoreActor {
            service,
            store,
            links,
            finished,
        }
    }

    /// Holds no state of its own beyond the pool, which survives restarts.
    fn rebuild(&mut self) {}
}

service_actor!(StoreActor);

impl Handler<Envelope<UpsertUser>> for StoreActor {
    type Result = ResponseFuture<Result<UpsertOutcome, AppError>>;

    fn handle(&mut self, env: Envelope<UpsertUser>, _: &mut Self::Context) -> Self::Result {
        let store = self.store.clone();
        let announce = self.links.user_created.clone();
        supervised(self, env.handling(), async move {
            let outcome = store.upsert_user(&env.payload.user).await?;
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
        let store = self.store.clone();
        let announce = self.links.session_created.clone();
        supervised(self, env.handling(), async move {
            if store.ensure_default_settings(env.payload.user_id).await? {
                let created = env.caused(
                    "store",
                    SessionCreated {
                        user_id: env.payload.user_id,
                        chat_id: env.payload.chat_id,
                    },
                );
                if let Err(e) = announce.tell(created) {
                    tracing::warn!(error = %e, "could not announce a new session");
                }
            }
            Ok(())
        })
    }
}

impl Handler<Envelope<SaveCarousel>> for StoreActor {
    type Result = ResponseFuture<Ack>;

    fn handle(&mut self, env: Envelope<SaveCarousel>, _: &mut Self::Context) -> Self::Result {
        let store = self.store.clone();
        supervised(self, env.handling(), async move {
            let p = &env.payload;
            store
                .save_carousel(&NewCarousel {
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
        let store = self.store.clone();
        supervised(self, env.handling(), async move {
            let user = env.payload.user_id;
            Ok(store
                .settings_of(user)
                .await?
                .unwrap_or_else(|| UserSettings::defaults_for(user, now_utc())))
        })
    }
}

impl Handler<Envelope<SaveSettings>> for StoreActor {
    type Result = ResponseFuture<Ack>;

    fn handle(&mut self, env: Envelope<SaveSettings>, _: &mut Self::Context) -> Self::Result {
        let store = self.store.clone();
        supervised(self, env.handling(), async move {
            store.save_settings(&env.payload.settings).await
        })
    }
}

impl Handler<Envelope<LoadHistory>> for StoreActor {
    type Result = ResponseFuture<Result<Vec<NewCarousel>, AppError>>;

    fn handle(&mut self, env: Envelope<LoadHistory>, _: &mut Self::Context) -> Self::Result {
        let store = self.store.clone();
        supervised(self, env.handling(), async move {
            let p = &env.payload;
            store.carousels_of(p.user_id, p.limit).await
        })
    }
}

impl Handler<Envelope<LoadCarousel>> for StoreActor {
    type Result = ResponseFuture<Result<Option<NewCarousel>, AppError>>;

    fn handle(&mut self, env: Envelope<LoadCarousel>, _: &mut Self::Context) -> Self::Result {
        let store = self.store.clone();
        supervised(self, env.handling(), async move {
            store.carousel(&env.payload.id).await
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Settings;
    use crate::domain::Style;
    use crate::messages::data::UserProfile;
    use crate::testkit::ack_probe;
    use actix::Actor;

    async fn temp_store(dir: &tempfile::TempDir) -> Store {
        let url = format!("sqlite://{}/test.db", dir.path().display());
        let settings = Settings::load_from(|name| (name == "DATABASE_URL").then(|| url.clone()))
            .expect("settings");
        let store = Store::connect(&settings.database).expect("pool");
        store.migrate().await.expect("migrations");
        store
    }

    fn ada(first_name: &str) -> UserProfile {
        UserProfile {
            id: 42,
            first_name: first_name.into(),
            last_name: None,
            username: Some("ada".into()),
            language_code: Some("ru".into()),
        }
    }

    #[actix_rt::test]
    async fn the_store_actor_creates_a_user_once_and_announces_only_the_creation() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = temp_store(&dir).await;
        let (user_created, created, _probe) = ack_probe::<UserCreated>();
        let (session_created, _sessions, _session_probe) = ack_probe::<SessionCreated>();
        let links = StoreLinks {
            user_created,
            session_created,
        };
        let actor = StoreActor::new(ServiceHandle::detached("store"), store.clone(), links).start();

        let first = actor
            .send(Envelope::new(
                "test",
                UpsertUser {
                    user: ada("Ада")
                },
            ))
            .await
            .expect("mailbox");
        let second = actor
            .send(Envelope::new(
                "test",
                UpsertUser {
                    user: ada("Ада Л."),
                },
            ))
            .await
            .expect("mailbox");

        assert_eq!(first.expect("stored"), UpsertOutcome::Created);
        assert_eq!(second.expect("stored"), UpsertOutcome::Updated);
        assert_eq!(created.count(), 1);
        let kept = store.user(42).await.expect("query").expect("user exists");
        assert_eq!(kept.first_name, "Ада Л.");
    }

    #[actix_rt::test]
    async fn a_new_session_gets_default_settings_without_overwriting_chosen_ones() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = temp_store(&dir).await;
        let (user_created, _created, _probe) = ack_probe::<UserCreated>();
        let (session_created, sessions, _session_probe) = ack_probe::<SessionCreated>();
        let links = StoreLinks {
            user_created,
            session_created,
        };
        let actor = StoreActor::new(ServiceHandle::detached("store"), store.clone(), links).start();
        actor
            .send(Envelope::new(
                "test",
                UpsertUser {
                    user: ada("Ада")
                },
            ))
            .await
            .expect("mailbox")
            .expect("ok");

        actor
            .send(Envelope::new(
                "test",
                EnsureSettings {
                    user_id: 42,
                    chat_id: 42,
                },
            ))
            .await
            .expect("mailbox")
            .expect("ok");
        let mut chosen = store
            .settings_of(42)
            .await
            .expect("query")
            .expect("defaults exist");
        assert_eq!((chosen.style, chosen.slides), (Style::Galaxy, 10));
        chosen.style = Style::Minimal;
        store.save_settings(&chosen).await.expect("saved");
        actor
            .send(Envelope::new(
                "test",
                EnsureSettings {
                    user_id: 42,
                    chat_id: 42,
                },
            ))
            .await
            .expect("mailbox")
            .expect("ok");

        assert_eq!(
            store.settings_of(42).await.expect("query").map(|s| s.style),
            Some(Style::Minimal)
        );
        assert_eq!(sessions.count(), 1, "announced when created, not when kept");
    }

    #[actix_rt::test]
    async fn settings_and_history_are_read_and_changed_through_the_data_service() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = temp_store(&dir).await;
        let (user_created, _created, _p1) = ack_probe::<UserCreated>();
        let (session_created, _sessions, _p2) = ack_probe::<SessionCreated>();
        let links = StoreLinks {
            user_created,
            session_created,
        };
        let actor = StoreActor::new(ServiceHandle::detached("store"), store.clone(), links).start();
        store.upsert_user(&ada("Ada")).await.expect("user");

        let ask_settings = || actor.send(Envelope::new("test", LoadSettings { user_id: 42 }));
        let defaults = ask_settings().await.expect("mailbox").expect("defaults");
        assert_eq!(
            defaults,
            UserSettings::defaults_for(42, defaults.updated_at)
        );
        let mine = UserSettings {
            style: Style::Vibrant,
            slides: 7,
            ..defaults
        };
        actor
            .send(Envelope::new(
                "test",
                SaveSettings {
                    settings: mine.clone(),
                },
            ))
            .await
            .expect("mailbox")
            .expect("saved");
        assert_eq!(ask_settings().await.expect("mailbox").expect("read"), mine);

        let id = uuid::Uuid::now_v7();
        actor
            .send(Envelope::new(
                "test",
                SaveCarousel {
                    request_id: id,
                    user_id: Some(42),
                    topic: "Вера".into(),
                    slides: 7,
                    style: Style::Vibrant,
                    content_source: crate::store::ContentOrigin::Model,
                },
            ))
            .await
            .expect("mailbox")
            .expect("saved");
        let history = actor
            .send(Envelope::new(
                "test",
                LoadHistory {
                    user_id: 42,
                    limit: 5,
                },
            ))
            .await
            .expect("mailbox")
            .expect("history");
        assert_eq!(
            history
                .iter()
                .map(|c| (c.topic.as_str(), c.style))
                .collect::<Vec<_>>(),
            [("Вера", Style::Vibrant)]
        );
        let one = actor
            .send(Envelope::new("test", LoadCarousel { id: id.to_string() }))
            .await
            .expect("mailbox")
            .expect("read");
        assert_eq!(one.as_ref(), history.first());
        let none = actor
            .send(Envelope::new(
                "test",
                LoadCarousel {
                    id: uuid::Uuid::now_v7().to_string(),
                },
            ))
            .await
            .expect("mailbox")
            .expect("read");
        assert_eq!(none, None);
    }
}
