//! `POST /telegram/webhook`: durable before 200, idempotent, bounded, authenticated.
use crate::helpers::*;
use crate::on_both_backends;
use bible_vibecoder::domain::{UpdateStatus, UpdateType};
use serde_json::Value;

on_both_backends! {
    async fn every_shared_fixture_is_answered_200_and_then_finished(backend) {
        let Some(app) = spawn_app(backend).await else { return };
        let names = fixture_names();
        assert!(names.len() >= 13, "expected the shared fixtures, found {names:?}");
        for name in &names {
            let body = fixture(name);
            let response = app.post_update(body.clone()).await;
            assert_eq!(response.status(), 200, "{name}");
            let status = app.finished_status(update_id_of(&body)).await;
            assert!(matches!(status, Some(UpdateStatus::Done | UpdateStatus::Ignored)), "{name} ended {status:?}");
        }
        let stats = app.get_json("/stats").await;
        assert_eq!(stats["updates"]["received"], names.len());
        assert_eq!(stats["updates"]["rejected"], 0);
    }

    async fn an_update_kind_the_bot_does_not_know_is_accepted_and_ignored(backend) {
        let Some(app) = spawn_app(backend).await else { return };
        let body = fixture("unknown_future_kind.json");
        assert_eq!(app.post_update(body.clone()).await.status(), 200);
        assert_eq!(app.finished_status(update_id_of(&body)).await, Some(UpdateStatus::Ignored));
    }

    async fn a_repeated_update_is_recorded_once_and_processed_once(backend) {
        let Some(app) = spawn_app(backend).await else { return };
        let body = fixture("command_start.json");

        let first: Value = app.post_update(body.clone()).await.json().await.expect("json");
        let second = app.post_update(body.clone()).await;

        assert_eq!(second.status(), 200);
        let second: Value = second.json().await.expect("json");
        assert_eq!(first.get("duplicate"), None);
        assert_eq!(second["duplicate"], true);
        assert_eq!(app.store.updates.count_updates().await.expect("count"), 1);
        assert_eq!(app.finished_status(update_id_of(&body)).await, Some(UpdateStatus::Done));
        let stats = app.get_json("/stats").await;
        assert_eq!(stats["updates"]["duplicate"], 1);
        assert_eq!(stats["analytics"]["interactions"]["command:/start"], 1, "processed once: {stats}");
    }

    async fn with_a_secret_a_missing_or_wrong_token_gets_401_and_nothing_is_recorded(backend) {
        let Some(app) = spawn_app_with(backend, &[("TELEGRAM_WEBHOOK_SECRET", "s3cret_token-1")]).await else { return };
        let body = fixture("command_start.json");

        assert_eq!(app.post_update(body.clone()).await.status(), 401);
        assert_eq!(app.post_update_with_secret(body.clone(), Some("s3cret_token-2")).await.status(), 401);
        assert_eq!(app.post_update_with_secret(body.clone(), Some("s3cret_token-1x")).await.status(), 401);
        assert_eq!(app.store.updates.count_updates().await.expect("count"), 0);

        assert_eq!(app.post_update_with_secret(body, Some("s3cret_token-1")).await.status(), 200);
        assert_eq!(app.store.updates.count_updates().await.expect("count"), 1);
        assert_eq!(app.get_json("/stats").await["updates"]["rejected"], 3);
    }

    async fn a_body_over_one_mebibyte_gets_413_and_nothing_is_recorded(backend) {
        let Some(app) = spawn_app(backend).await else { return };
        let padding = "x".repeat(1024 * 1024);
        let body = format!(r#"{{"update_id": 1, "padding": "{padding}"}}"#);

        let response = app.post_update(body).await;

        assert_eq!(response.status(), 413);
        assert_eq!(app.store.updates.count_updates().await.expect("count"), 0);
    }

    async fn bodies_that_are_not_telegram_updates_get_400_with_a_reason(backend) {
        let Some(app) = spawn_app(backend).await else { return };
        for body in ["garbage", "", "[]", "{}", r#"{"message": {"text": "no id"}}"#, r#"{"update_id": "seven"}"#] {
            let response = app.post_update(body).await;
            assert_eq!(response.status(), 400, "{body:?}");
            let reason: Value = response.json().await.expect("json error");
            assert!(reason["error"].as_str().is_some_and(|e| e.contains("not a Telegram Update")), "{reason}");
        }
        assert_eq!(app.store.updates.count_updates().await.expect("count"), 0);
    }

    async fn a_store_failure_answers_503_and_the_retried_update_is_then_accepted(backend) {
        let Some(app) = spawn_app(backend).await else { return };
        let body = fixture("command_start.json");
        app.rename_table("received_updates", "received_updates_away").await;

        assert_eq!(app.post_update(body.clone()).await.status(), 503);

        app.rename_table("received_updates_away", "received_updates").await;
        assert_eq!(app.post_update(body.clone()).await.status(), 200, "Telegram's retry succeeds");
        assert_eq!(app.finished_status(update_id_of(&body)).await, Some(UpdateStatus::Done));
    }

    async fn many_concurrent_updates_are_all_recorded_exactly_once(backend) {
        let Some(app) = spawn_app(backend).await else { return };
        let bodies: Vec<String> = (0..300).map(|i| fixture_with_id("plain_text.json", 900_000 + i)).collect();

        let statuses = futures::future::join_all(bodies.iter().map(|b| app.post_update(b.clone()))).await;

        assert!(statuses.iter().all(|r| r.status() == 200));
        assert_eq!(app.store.updates.count_updates().await.expect("count"), 300);
        assert_eq!(app.get_json("/stats").await["updates"]["received"], 300);
    }

    async fn updates_acknowledged_before_a_crash_are_finished_once_after_restart(backend) {
        let Some(db) = TestDb::create(backend).await else { return };
        let db = std::sync::Arc::new(db);
        let dispatched = fixture("command_start.json");
        let deferred = fixture("command_carousel_ru.json");
        {
            // The first process recorded both and answered 200, then died: one had been handed to
            // the gateway, the other was waiting in the store for the gateway to catch up.
            let store = bible_vibecoder::store::Store::connect(&settings_for(&db, &[]).database).expect("pool");
            store.migrate().await.expect("migrate");
            let row = |body: &str, status: &str| bible_vibecoder::store::NewReceivedUpdate {
                update_id: update_id_of(body),
                kind: UpdateType::Message,
                payload: body.to_string(),
                status: status.parse().expect("a known status"),
                received_at: bible_vibecoder::store::now_utc() - chrono::Duration::seconds(5),
                lease_owner: (status == "claimed").then(|| "replica-that-died".to_string()),
                lease_until: (status == "claimed").then(|| bible_vibecoder::store::now_utc() - chrono::Duration::seconds(1)),
                attempts: 1,
            };
            let rows = [row(&dispatched, "claimed"), row(&deferred, "pending")];
            assert_eq!(store.updates.record_updates(&rows).await.expect("recorded"), vec![true, true]);
        }

        let app = spawn_app_on(db, &[]).await;

        assert_eq!(app.finished_status(update_id_of(&dispatched)).await, Some(UpdateStatus::Done));
        assert_eq!(app.finished_status(update_id_of(&deferred)).await, Some(UpdateStatus::Done));
        assert_eq!(app.store.users.user(424242).await.expect("query").map(|u| u.first_name), Some("Ада".to_string()));
        let stats = app.get_json("/stats").await;
        assert_eq!(stats["analytics"]["interactions"]["command:/start"], 1, "handled once: {stats}");
        assert_eq!(stats["analytics"]["interactions"]["command:/carousel"], 1, "handled once: {stats}");
    }

    async fn with_the_gateway_backlog_full_updates_wait_in_the_store_and_are_all_finished(backend) {
        // One user sends them all: their update limit is raised, this test is about the backlog.
        let Some(app) = spawn_app_with(backend, &[("INGEST_MAX_BACKLOG", "2"), ("USER_UPDATES_BURST", "1000")]).await else { return };
        let bodies: Vec<String> = (0..60).map(|i| fixture_with_id("plain_text.json", 700_000 + i)).collect();

        let responses = futures::future::join_all(bodies.iter().map(|b| app.post_update(b.clone()))).await;

        assert!(responses.iter().all(|r| r.status() == 200), "every update is acknowledged");
        for body in &bodies {
            assert_eq!(app.finished_status(update_id_of(body)).await, Some(UpdateStatus::Done), "{body}");
        }
        assert_eq!(app.store.updates.count_pending().await.expect("count"), 0);
        assert_eq!(app.get_json("/stats").await["analytics"]["interactions"]["text"], 60, "each handled once");
    }
}
