//! The store on both backends: migrations, group-commit inserts, users, retention.
use crate::helpers::*;
use crate::on_both_backends;
use bible_vibecoder::messages::correlation_for_update;
use bible_vibecoder::store::{now_utc, NewEvent, NewReceivedUpdate, Store, UpdateType};
use bible_vibecoder::trace::trail_of;

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
        status: bible_vibecoder::store::UpdateStatus::Pending,
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
        store.ping().await.expect("store answers");
    }

    async fn a_batch_reports_per_row_which_updates_were_new(backend) {
        let Some(db) = TestDb::create(backend).await else { return };
        let store = migrated_store(&db).await;
        assert_eq!(store.record_updates(&[update(1), update(2)]).await.expect("first"), vec![true, true]);

        let answer = store.record_updates(&[update(2), update(3), update(3), update(4)]).await.expect("second");

        assert_eq!(answer, vec![false, true, false, true]);
        assert_eq!(store.count_updates().await.expect("count"), 4);
    }

    async fn retention_prunes_only_events_older_than_the_cutoff(backend) {
        let Some(db) = TestDb::create(backend).await else { return };
        let store = migrated_store(&db).await;
        store.append_events(&[event("old", 40), event("recent", 1), event("now", 0)]).await.expect("append");

        let pruned = store.prune_events(now_utc() - chrono::Duration::days(30)).await.expect("prune");

        assert_eq!(pruned, 1);
        let kept: Vec<String> = store.events_of("c").await.expect("events").into_iter().map(|e| e.id).collect();
        assert_eq!(kept, vec!["recent", "now"]);
    }

    async fn the_trail_reads_an_updates_row_as_its_root_unless_the_log_already_has_one(backend) {
        let Some(db) = TestDb::create(backend).await else { return };
        let store = migrated_store(&db).await;
        store.record_updates(&[update(61), update(62)]).await.expect("updates");
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
        store.append_events(&[logged]).await.expect("append");
        let trail = trail_of(&store, &old).await.expect("trail");
        assert_eq!(kinds(&trail), ["telegram.update.received"]);
        assert_eq!(trail[0].id, "logged-receipt");
        assert!(trail_of(&store, &correlation_for_update(63).to_string()).await.expect("trail").is_empty());
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
