//! The event log: every envelope that crosses actors is kept (but queries, analytics' notices, the
//! update's receipt and finish, which its row keeps, and Telegram's acceptance of an outbox row,
//! which the row keeps), with its causal links; the trace reads those rows back as events.
use crate::helpers::*;
use crate::on_both_backends;
use bible_vibecoder::domain::{OutboxStatus, UpdateStatus, WorkflowState};
use bible_vibecoder::messages::correlation_for_update;
use std::collections::HashSet;

on_both_backends! {
    async fn a_start_command_leaves_a_causal_trail_in_the_event_log(backend) {
        let Some(app) = spawn_app(backend).await else { return };
        let body = fixture("command_start.json");
        app.post_update(body.clone()).await;
        assert_eq!(app.finished_status(update_id_of(&body)).await, Some(UpdateStatus::Done));
        // The log is written in batches after the fact; wait (bounded) for the command.
        let correlation = correlation_for_update(update_id_of(&body)).to_string();
        let events = app
            .events_of(&correlation, |events| events.iter().any(|e| e.event_type == "telegram.command.execute"))
            .await;

        let kinds: HashSet<&str> = events.iter().map(|e| e.event_type.as_str()).collect();
        for expected in [
            "telegram.update.received",
            "data.user.upsert",
            "data.user.created",
            "data.settings.ensure",
            "telegram.command.execute",
        ] {
            assert!(kinds.contains(expected), "{expected} missing from {kinds:?}");
        }
        // The command read the user's settings from the data service: a query, not recorded.
        // Analytics' notices restate recorded envelopes, and the update's finish restates its
        // row's status (already `done` above): handled, not recorded.
        for unrecorded in [
            "data.settings.load",
            "data.update.finish",
            "analytics.user.interaction.tracked",
        ] {
            assert!(!kinds.contains(unrecorded), "{unrecorded} recorded: {kinds:?}");
        }
        let ids: HashSet<&str> = events.iter().map(|e| e.id.as_str()).collect();
        let roots: Vec<_> = events.iter().filter(|e| e.causation_id.is_none()).collect();
        assert_eq!(roots.len(), 1, "one root: the received update");
        assert_eq!(roots[0].event_type, "telegram.update.received");
        for e in &events {
            if let Some(cause) = &e.causation_id {
                assert!(ids.contains(cause.as_str()), "{} points at an unknown cause", e.event_type);
            }
        }
        let received: serde_json::Value = serde_json::from_str(&roots[0].payload).expect("payload is JSON");
        assert_eq!(received["update_id"], update_id_of(&body));
        assert_eq!(received["status"], "done");
        // That root is the update's row, not a log row restating it; what the update caused
        // points at it by the update's correlation id.
        let logged = app.store.events.events_of(&correlation).await.expect("log");
        assert!(logged.iter().all(|e| e.event_type != "telegram.update.received"), "{logged:?}");
        let command = logged.iter().find(|e| e.event_type == "telegram.command.execute").expect("command");
        assert_eq!(command.causation_id.as_deref(), Some(correlation.as_str()));
    }

    async fn one_carousel_leaves_every_kind_it_involves_in_the_event_log_each_pointing_at_its_cause(backend) {
        let telegram = FakeBotApi::start();
        let model = FakeOpenAi::start(model_slides(4));
        let Some(app) = spawn_app_with(backend, &[
            ("TELEGRAM_BOT_TOKEN", "123:secret"),
            ("TELEGRAM_API_URL", telegram.url.as_str()),
            ("OPENAI_API_KEY", "sk-test"),
            ("OPENAI_BASE_URL", model.base_url.as_str()),
        ]).await else { return };
        let user = 7_7002;
        app.post_update(text_update(820_001, user, "/carousel Faith and code")).await;
        let data = telegram.style_offer_in(user).await;
        app.post_update(press_update(820_002, user, &data)).await;
        let workflow = data.rsplit(':').next().expect("id").to_string();
        eventually("the carousel done", std::time::Duration::from_secs(30), || async {
            app.store.workflows.workflow(workflow_id(&workflow)).await.ok().flatten().filter(|w| w.state == WorkflowState::Done)
        }).await;
        let correlation = correlation_for_update(820_001).to_string();
        let sent = |events: &[bible_vibecoder::store::StoredEvent]| {
            events.iter().filter(|e| e.event_type == "telegram.bot.response.sent").count()
        };
        // The style offer, the album and the post message after it, each announced.
        let events = app.events_of(&correlation, |events| {
            events.iter().any(|e| e.event_type == "workflow.completed") && sent(events) >= 3
        }).await;

        let kinds: HashSet<&str> = events.iter().map(|e| e.event_type.as_str()).collect();
        for expected in [
            "telegram.update.received",
            "data.user.upsert",
            "data.user.created",
            "data.settings.ensure",
            "data.session.created",
            "telegram.command.execute",
            "workflow.started",
            "ai.content.write",
            "workflow.step.completed",
            "carousel.slides.render",
            "carousel.images.rendered",
            "data.carousel.save",
            "workflow.completed",
            "telegram.bot.response.sent",
        ] {
            assert!(kinds.contains(expected), "{expected} missing from {kinds:?}");
        }
        // The command read the user's settings from the data service: a query, not recorded.
        assert!(!kinds.contains("data.settings.load"), "{kinds:?}");
        let by_id: std::collections::HashMap<&str, &str> =
            events.iter().map(|e| (e.id.as_str(), e.event_type.as_str())).collect();
        for e in &events {
            match &e.causation_id {
                Some(cause) => assert!(by_id.contains_key(cause.as_str()), "{} points at an unknown cause", e.event_type),
                // Roots: the update, the workflow (started by the press, run in the request's
                // conversation) and what Telegram accepted (sent by whichever replica's dispatcher).
                None => assert!(
                    ["telegram.update.received", "workflow.started", "telegram.bot.response.sent"].contains(&e.event_type.as_str()),
                    "{} has no cause", e.event_type
                ),
            }
        }
        let cause_of = |kind: &str| {
            let e = events.iter().find(|e| e.event_type == kind).unwrap_or_else(|| panic!("{kind}"));
            e.causation_id.as_deref().map(|c| by_id[c])
        };
        assert_eq!(cause_of("telegram.command.execute"), Some("telegram.update.received"));
        assert_eq!(cause_of("data.user.created"), Some("data.user.upsert"));
        assert_eq!(cause_of("data.session.created"), Some("data.settings.ensure"));
        assert_eq!(cause_of("ai.content.write"), Some("workflow.started"));
        assert_eq!(cause_of("carousel.slides.render"), Some("workflow.started"));
        assert_eq!(cause_of("workflow.completed"), Some("workflow.started"));
        let album: Vec<serde_json::Value> = events
            .iter()
            .filter(|e| e.event_type == "telegram.bot.response.sent")
            .map(|e| serde_json::from_str(&e.payload).expect("json"))
            .collect();
        assert!(album.iter().all(|p| p["chat_id"] == user && !p["message_ids"].as_array().expect("ids").is_empty()), "{album:?}");
        // Those are the outbox's rows, marked sent with Telegram's ids; the log does not restate them.
        let logged = app.store.events.events_of(&correlation).await.expect("log");
        assert!(logged.iter().all(|e| e.event_type != "telegram.bot.response.sent"), "{logged:?}");
        let rows = app.store.outbox.outbox_of_chat(user).await.expect("rows");
        assert_eq!(album.len(), rows.iter().filter(|r| r.status == OutboxStatus::Sent).count(), "one per sent row: {rows:?}");
    }

    async fn the_trace_command_prints_a_carousel_requests_events_as_a_causal_tree(backend) {
        let Some(db) = TestDb::create(backend).await else { return };
        let db = std::sync::Arc::new(db);
        let telegram = FakeBotApi::start();
        let model = FakeOpenAi::start(model_slides(10));
        let app = spawn_app_on(db.clone(), &[
            ("TELEGRAM_BOT_TOKEN", "123:secret"),
            ("TELEGRAM_API_URL", telegram.url.as_str()),
            ("OPENAI_API_KEY", "sk-test"),
            ("OPENAI_BASE_URL", model.base_url.as_str()),
        ]).await;
        let user = 7_7001;
        app.post_update(text_update(810_001, user, "/carousel Faith and code")).await;
        let data = telegram.style_offer_in(user).await;
        app.post_update(press_update(810_002, user, &data)).await;
        let workflow = data.rsplit(':').next().expect("id").to_string();
        eventually("the carousel done", std::time::Duration::from_secs(30), || async {
            app.store.workflows.workflow(workflow_id(&workflow)).await.ok().flatten().filter(|w| w.state == WorkflowState::Done)
        }).await;
        app.stop().await;

        let trace = |args: &[&str]| {
            let output = std::process::Command::new(env!("CARGO_BIN_EXE_bible-vibecoder"))
                .env_clear()
                .env("PATH", std::env::var("PATH").unwrap_or_default())
                .env("DATABASE_URL", &db.url)
                .current_dir(env!("CARGO_MANIFEST_DIR"))
                .arg("trace")
                .args(args)
                .output()
                .expect("trace runs");
            assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
            String::from_utf8(output.stdout).expect("utf-8")
        };

        let json: serde_json::Value = serde_json::from_str(trace(&["810001", "--json"]).trim()).expect("json");
        assert_eq!(json["correlation_id"], correlation_for_update(810_001).to_string());
        let roots = json["events"].as_array().expect("roots");
        assert_eq!(roots[0]["kind"], "telegram.update.received", "the update is the first root");
        // Depth-first: every event comes after the one that caused it.
        fn walk(node: &serde_json::Value, parent: Option<&str>, kinds: &mut Vec<String>) {
            let at = node["occurred_at"].as_str().expect("time");
            if let Some(parent) = parent {
                assert!(at >= parent, "{} at {at} before its cause at {parent}", node["kind"]);
            }
            kinds.push(node["kind"].as_str().expect("kind").to_string());
            for child in node["children"].as_array().expect("children") {
                walk(child, Some(at), kinds);
            }
        }
        let mut kinds = Vec::new();
        for root in roots {
            walk(root, None, &mut kinds);
        }
        let position = |kind: &str| kinds.iter().position(|k| k == kind).unwrap_or_else(|| panic!("{kind} missing: {kinds:?}"));
        assert!(position("telegram.update.received") < position("telegram.command.execute"));
        assert!(position("workflow.started") < position("workflow.completed"), "{kinds:?}");

        let text = trace(&["810001"]);
        assert!(text.contains("\n   └─ telegram.command.execute  [gateway]"), "{text}");
        let by_user = trace(&[&user.to_string(), "--json", "--last", "2"]);
        let requests: Vec<serde_json::Value> = by_user.lines().map(|l| serde_json::from_str(l).expect("json")).collect();
        assert_eq!(requests.len(), 2, "the press and the request: {by_user}");
        let mut shown: Vec<String> = requests.iter().map(|r| r["correlation_id"].as_str().expect("id").to_string()).collect();
        shown.sort();
        assert_eq!(shown, [correlation_for_update(810_001).to_string(), correlation_for_update(810_002).to_string()]);
    }
}
