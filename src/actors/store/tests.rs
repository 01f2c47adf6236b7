//! Tests of the `store` actor.
use super::*;
use crate::app::config::Settings;
use crate::domain::Style;
use crate::messages::data::UserProfile;
use crate::store::Store;
use crate::testkit::ack_probe;
use actix::{Actor, Addr};

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

/// A store actor over `store`, with probes standing in for analytics.
struct Started {
    actor: Addr<StoreActor>,
    created: crate::testkit::Seen<UserCreated>,
    defaults: crate::testkit::Seen<DefaultSettingsCreated>,
    _probes: Box<dyn std::any::Any>,
}

fn start_over(store: &Store) -> Started {
    let (user_created, created, p1) = ack_probe::<UserCreated>();
    let (default_settings_created, defaults, p2) = ack_probe::<DefaultSettingsCreated>();
    let links = StoreLinks {
        user_created,
        default_settings_created,
    };
    let actor = StoreActor::new(
        ServiceHandle::detached("store"),
        store.users.clone(),
        store.updates.clone(),
        links,
    )
    .start();
    Started {
        actor,
        created,
        defaults,
        _probes: Box::new((p1, p2)),
    }
}

#[actix_rt::test]
async fn the_store_actor_creates_a_user_once_and_announces_only_the_creation() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = temp_store(&dir).await;
    let started = start_over(&store);
    let (actor, created) = (&started.actor, &started.created);

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
    let kept = store
        .users
        .user(42)
        .await
        .expect("query")
        .expect("user exists");
    assert_eq!(kept.first_name, "Ада Л.");
}

#[actix_rt::test]
async fn a_new_session_gets_default_settings_without_overwriting_chosen_ones() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = temp_store(&dir).await;
    let started = start_over(&store);
    let (actor, sessions) = (&started.actor, &started.defaults);
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
        .users
        .settings_of(42)
        .await
        .expect("query")
        .expect("defaults exist");
    assert_eq!((chosen.style, chosen.slides), (Style::Galaxy, 10));
    chosen.style = Style::Minimal;
    store.users.save_settings(&chosen).await.expect("saved");
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
        store
            .users
            .settings_of(42)
            .await
            .expect("query")
            .map(|s| s.style),
        Some(Style::Minimal)
    );
    assert_eq!(sessions.count(), 1, "announced when created, not when kept");
}

/// A store actor on a fresh database that knows Ada (id 42).
async fn data_service(dir: &tempfile::TempDir) -> (Addr<StoreActor>, Box<dyn std::any::Any>) {
    let store = temp_store(dir).await;
    store.users.upsert_user(&ada("Ada")).await.expect("user");
    let started = start_over(&store);
    (started.actor.clone(), Box::new(started))
}

#[actix_rt::test]
async fn settings_are_read_and_changed_through_the_data_service() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (actor, _probes) = data_service(&dir).await;

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
    let save = SaveSettings {
        settings: mine.clone(),
    };
    actor
        .send(Envelope::new("test", save))
        .await
        .expect("mailbox")
        .expect("saved");
    assert_eq!(ask_settings().await.expect("mailbox").expect("read"), mine);
}

#[actix_rt::test]
async fn the_carousel_history_is_read_through_the_data_service() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (actor, _probes) = data_service(&dir).await;
    let id = uuid::Uuid::now_v7();
    let carousel = SaveCarousel {
        request_id: id,
        user_id: Some(42),
        topic: "Вера".into(),
        slides: 7,
        style: Style::Vibrant,
        content_source: crate::domain::ContentOrigin::Model,
    };
    actor
        .send(Envelope::new("test", carousel))
        .await
        .expect("mailbox")
        .expect("saved");

    let load = LoadHistory {
        user_id: 42,
        limit: 5,
    };
    let history = actor
        .send(Envelope::new("test", load))
        .await
        .expect("mailbox")
        .expect("history");
    let listed: Vec<_> = history
        .iter()
        .map(|c| (c.topic.as_str(), c.style))
        .collect();
    assert_eq!(listed, [("Вера", Style::Vibrant)]);
    let load =
        |id: uuid::Uuid| actor.send(Envelope::new("test", LoadCarousel { id: id.to_string() }));
    let one = load(id).await.expect("mailbox").expect("read");
    assert_eq!(one.as_ref(), history.first());
    let none = load(uuid::Uuid::now_v7())
        .await
        .expect("mailbox")
        .expect("read");
    assert_eq!(none, None);
}
