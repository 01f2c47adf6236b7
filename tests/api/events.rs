//! The event log: every envelope that crosses actors is kept, with its causal links.
use crate::helpers::*;
use crate::on_both_backends;
use bible_vibecoder::messages::correlation_for_update;
use bible_vibecoder::store::{UpdateStatus, WorkflowState};
use std::collections::HashSet;

on_both_backends! {
    async fn a_start_command_leaves_a_causal_trail_in_the_event_log(backend) {
        let Some(app) = spawn_app(backend).await else { return };
        let body = fixture("command_start.json");
        app.post_update(body.clone()).await;
        assert_eq!(app.finished_status(update_id_of(&body)).await, Some(UpdateStatus::Done));
        // Routing happens after the update is marked done; wait (bounded) for the whole trail.
        let correlation = correlation_for_update(update_id_of(&body)).to_string();
        let events = app
            .events_of(&correlation, |events| events.iter().any(|e| e.event_type == "workflow.event.routed"))
            .await;

        let kinds: HashSet<&str> = events.iter().map(|e| e.event_type.as_str()).collect();
        for expected in [
            "telegram.user.message.received",
            "data.user.updated",
            "data.user.created",
            "data.session.saved",
            "analytics.user.interaction.tracked",
            "telegram.command.executed",
            "workflow.event.routed",
            "data.history.logged",
        ] {
            assert!(kinds.contains(expected), "{expected} missing from {kinds:?}");
        }
        let ids: HashSet<&str> = events.iter().map(|e| e.id.as_str()).collect();
        let roots: Vec<_> = events.iter().filter(|e| e.causation_id.is_none()).collect();
        assert_eq!(roots.len(), 1, "one root: the received update");
        assert_eq!(roots[0].event_type, "telegram.user.message.received");
        for e in &events {
            if let Some(cause) = &e.causation_id {
                assert!(ids.contains(cause.as_str()), "{} points at an unknown cause", e.event_type);
            }
        }
        let received: serde_json::Value = serde_json::from_str(&roots[0].payload).expect("payload is JSON");
        assert_eq!(received["update_id"], update_id_of(&body));
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
            app.store.workflow(&workflow).await.ok().flatten().filter(|w| w.state == WorkflowState::Done)
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
        assert_eq!(roots[0]["kind"], "telegram.user.message.received", "the update is the first root");
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
        assert!(position("telegram.user.message.received") < position("telegram.command.executed"));
        assert!(position("workflow.started") < position("workflow.completed"), "{kinds:?}");

        let text = trace(&["810001"]);
        assert!(text.contains("\n   └─ telegram.command.executed  [gateway]"), "{text}");
        let by_user = trace(&[&user.to_string(), "--json", "--last", "2"]);
        let requests: Vec<serde_json::Value> = by_user.lines().map(|l| serde_json::from_str(l).expect("json")).collect();
        assert_eq!(requests.len(), 2, "the press and the request: {by_user}");
        let mut shown: Vec<String> = requests.iter().map(|r| r["correlation_id"].as_str().expect("id").to_string()).collect();
        shown.sort();
        assert_eq!(shown, [correlation_for_update(810_001).to_string(), correlation_for_update(810_002).to_string()]);
    }
}
