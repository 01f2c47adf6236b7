//! The event log: every envelope that crosses actors is kept, with its causal links.
use crate::helpers::*;
use crate::on_both_backends;
use bible_vibecoder::messages::correlation_for_update;
use std::collections::HashSet;

on_both_backends! {
    async fn a_start_command_leaves_a_causal_trail_in_the_event_log(backend) {
        let Some(app) = spawn_app(backend).await else { return };
        let body = fixture("command_start.json");
        app.post_update(body.clone()).await;
        assert_eq!(app.finished_status(update_id_of(&body)).await.as_deref(), Some("done"));
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
}
