//! The store on both backends: migrations, group-commit inserts, users, retention.
use crate::helpers::*;
use crate::on_both_backends;
use bible_vibecoder::domain::{Style, UpsertOutcome, UserProfile};
use bible_vibecoder::domain::{UpdateType, UserSettings};
use bible_vibecoder::messages::correlation_for_update;
use bible_vibecoder::observability::trace::trail_of;
use bible_vibecoder::store::{now_utc, NewEvent, NewReceivedUpdate, Store};

async fn migrated_store(db: &TestDb) -> Store {
    let store = Store::connect(&settings_for(db, &[]).database).expect("pool");
    store.migrate().await.expect("migrations");
    store
}

fn update(update_id: i64) -> NewReceivedUpdate {
    NewReceivedUpdate {
        update_id,
        kind: UpdateType::Message,
        payload: "{}".into(),
        status: bible_vibecoder::domain::UpdateStatus::Pending,
        received_at: now_utc(),
        lease_owner: None,
        lease_until: None,
        attempts: 0,
    }
}

fn event(id: &str, days_old: i64) -> NewEvent {
    NewEvent {
        id: id.into(),
        event_type: "workflow.started".into(),
        correlation_id: "c".into(),
        causation_id: None,
        source: "test".into(),
        payload: "{}".into(),
        occurred_at: now_utc() - chrono::Duration::days(days_old),
        trace_id: None,
    }
}

on_both_backends! {
    async fn migrations_apply_once_and_then_find_nothing_to_do(backend) {
        let Some(db) = TestDb::create(backend).await else { return };
        let store = Store::connect(&settings_for(&db, &[]).database).expect("pool");
        assert!(store.migrate().await.expect("first run") >= 1);
        assert_eq!(store.migrate().await.expect("second run"), 0);
        store.db.ping().await.expect("store answers");
    }

    async fn a_batch_reports_per_row_which_updates_were_new(backend) {
        let Some(db) = TestDb::create(backend).await else { return };
        let store = migrated_store(&db).await;
        assert_eq!(store.updates.record_updates(&[update(1), update(2)]).await.expect("first"), vec![true, true]);

        let answer = store.updates.record_updates(&[update(2), update(3), update(3), update(4)]).await.expect("second");

        assert_eq!(answer, vec![false, true, false, true]);
        assert_eq!(store.updates.count_updates().await.expect("count"), 4);
    }

    async fn retention_prunes_only_events_older_than_the_cutoff(backend) {
        let Some(db) = TestDb::create(backend).await else { return };
        let store = migrated_store(&db).await;
        store.events.append_events(&[event("old", 40), event("recent", 1), event("now", 0)]).await.expect("append");

        let pruned = store.events.prune_events(now_utc() - chrono::Duration::days(30)).await.expect("prune");

        assert_eq!(pruned, 1);
        let kept: Vec<String> = store.events.events_of("c").await.expect("events").into_iter().map(|e| e.id).collect();
        assert_eq!(kept, vec!["recent", "now"]);
    }

    async fn the_trail_reads_an_updates_row_as_its_root_unless_the_log_already_has_one(backend) {
        let Some(db) = TestDb::create(backend).await else { return };
        let store = migrated_store(&db).await;
        store.updates.record_updates(&[update(61), update(62)]).await.expect("updates");
        let kinds = |events: &[bible_vibecoder::store::StoredEvent]| {
            events.iter().map(|e| e.event_type.clone()).collect::<Vec<_>>()
        };
        let new = correlation_for_update(61).to_string();
        assert_eq!(kinds(&trail_of(&store, &new).await.expect("trail")), ["telegram.update.received"]);
        // Recorded before the receipt left the log: the logged event stays, the row adds nothing.
        let old = correlation_for_update(62).to_string();
        let logged = NewEvent {
            event_type: "telegram.update.received".into(),
            correlation_id: old.clone(),
            ..event("logged-receipt", 0)
        };
        store.events.append_events(&[logged]).await.expect("append");
        let trail = trail_of(&store, &old).await.expect("trail");
        assert_eq!(kinds(&trail), ["telegram.update.received"]);
        assert_eq!(trail[0].id, "logged-receipt");
        assert!(trail_of(&store, &correlation_for_update(63).to_string()).await.expect("trail").is_empty());
    }

    async fn a_batch_of_first_contacts_creates_new_users_once_and_refreshes_known_ones(backend) {
        let Some(db) = TestDb::create(backend).await else { return };
        let store = migrated_store(&db).await;
        store.users.upsert_user(&profile(1, "Ada")).await.expect("known user");

        let batch = [profile(1, "Ada L."), profile(2, "Bob"), profile(3, "Cy"), profile(2, "Bobby")];
        let outcomes = store.users.upsert_users(&batch).await.expect("batch");

        use UpsertOutcome::{Created, Updated};
        assert_eq!(outcomes, [Updated, Created, Created, Updated]);
        let name_of = |user| {
            let store = store.clone();
            async move { store.users.user(user).await.expect("read").expect("stored").first_name }
        };
        assert_eq!(name_of(1).await, "Ada L.");
        assert_eq!(name_of(2).await, "Bobby", "the latest profile in the batch wins");
        assert_eq!(store.users.upsert_users(&[profile(3, "Cy")]).await.expect("again"), [Updated]);
        assert!(store.users.upsert_users(&[]).await.expect("empty").is_empty());
    }

    async fn default_settings_in_a_batch_go_only_to_users_without_settings(backend) {
        let Some(db) = TestDb::create(backend).await else { return };
        let store = migrated_store(&db).await;
        for user in [1, 2, 3] {
            store.users.upsert_user(&profile(user, "User")).await.expect("user");
        }
        store.users.ensure_default_settings(1).await.expect("defaults");
        let mut chosen = store.users.settings_of(1).await.expect("read").expect("stored");
        chosen.style = Style::Minimal;
        store.users.save_settings(&chosen).await.expect("chosen");

        let given = store.users.ensure_default_settings_of(&[1, 2, 3, 2]).await.expect("batch");

        assert_eq!(given, [false, true, true, false]);
        assert_eq!(store.users.settings_of(1).await.expect("read").map(|s| s.style), Some(Style::Minimal));
        let defaults = store.users.settings_of(2).await.expect("read").expect("given");
        assert_eq!(defaults, UserSettings::defaults_for(2, defaults.updated_at));
    }
}

#[actix_rt::test]
async fn a_name_postgres_refuses_fails_only_its_own_first_contact_in_a_batch() {
    let Some(db) = TestDb::create(Backend::Postgres).await else {
        return;
    };
    let store = migrated_store(&db).await;
    // PostgreSQL's text cannot hold a NUL byte; SQLite stores it.
    let batch = [profile(1, "Ada"), profile(2, "Bad\0Name"), profile(3, "Cy")];

    assert!(
        store.users.upsert_users(&batch).await.is_err(),
        "the batch as one statement is refused"
    );
    let outcomes = store
        .users
        .upsert_users_each(&batch)
        .await
        .expect("not an outage");

    assert!(matches!(outcomes[0], Ok(UpsertOutcome::Created)));
    assert!(outcomes[1].is_err());
    assert!(matches!(outcomes[2], Ok(UpsertOutcome::Created)));
    assert!(store.users.user(2).await.expect("read").is_none());
    let given = store
        .users
        .ensure_default_settings_each(&[1, 3])
        .await
        .expect("settings");
    assert!(given.iter().all(|g| matches!(g, Ok(true))));
}

fn profile(id: i64, name: &str) -> UserProfile {
    UserProfile {
        id,
        first_name: name.into(),
        last_name: None,
        username: Some(format!("user{id}")),
        language_code: Some("ru".into()),
    }
}

#[actix_rt::test]
async fn replicas_migrating_one_postgres_database_at_once_all_succeed() {
    let Some(db) = TestDb::create(Backend::Postgres).await else {
        return;
    };
    let stores: Vec<Store> = (0..4)
        .map(|_| Store::connect(&settings_for(&db, &[]).database).expect("pool"))
        .collect();

    let results = futures::future::join_all(stores.iter().map(|s| s.migrate())).await;

    let applied: Vec<usize> = results
        .into_iter()
        .map(|r| r.expect("every replica starts"))
        .collect();
    assert_eq!(
        applied.iter().filter(|n| **n > 0).count(),
        1,
        "exactly one replica migrated: {applied:?}"
    );
}
