//! `bible-vibecoder trace`: the event log read back as the causal tree of one request.
//!
//! Every envelope that crossed actors is in the event log with its correlation id (stable per
//! Telegram update) and the id of the message that caused it. One correlation's events become a
//! forest: roots are events without a cause in the set (the webhook's update, a workflow run's
//! start), children are what they caused, in the order they happened. Two events are not log
//! rows because a row of their own records them: an update's receipt (its row in
//! `received_updates`, the root) and Telegram's acceptance of an outbox row (the row, `sent`).
use crate::app::error::AppResult;
use crate::messages::telegram::{BotResponseSent, UpdateReceived};
use crate::messages::{update_of_correlation, Event};
use crate::store::{OutboxRow, ReceivedUpdate, Store, StoredEvent};
use serde::Serialize;
use std::collections::HashMap;
use std::fmt::Write;

/// One event and what it caused.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TraceNode {
    pub id: String,
    pub kind: String,
    pub source: String,
    pub occurred_at: chrono::NaiveDateTime,
    /// Time since the event that caused it (since the first event for a root), in ms.
    pub after_ms: f64,
    /// The exported trace (OpenTelemetry) the event travelled in, when traces were on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trace_id: Option<String>,
    pub children: Vec<TraceNode>,
}

/// Everything recorded for one correlation: its event-log rows, the outbox rows of it that
/// Telegram took and, for an update's correlation, the update's row as the event that started it.
/// Requests recorded before these two kinds left the log keep their logged events; the rows are
/// read only where the log has none of that kind, so nothing shows twice.
pub async fn trail_of(store: &Store, correlation: &str) -> AppResult<Vec<StoredEvent>> {
    let mut events = store.events.events_of(correlation).await?;
    let logged = |kind: &str| events.iter().any(|e| e.event_type == kind);
    let (sent_logged, receipt_logged) =
        (logged(BotResponseSent::KIND), logged(UpdateReceived::KIND));
    if !sent_logged {
        let sent = store.outbox.sent_outbox_of(correlation).await?;
        events.extend(
            sent.iter()
                .filter(|row| belongs_to(row, correlation))
                .filter_map(acceptance_of),
        );
    }
    let update = uuid::Uuid::parse_str(correlation)
        .ok()
        .and_then(update_of_correlation)
        .filter(|_| !receipt_logged);
    if let Some(update_id) = update {
        if let Some(row) = store.updates.received_update(update_id).await? {
            events.push(receipt_of(&row));
        }
    }
    Ok(events)
}

/// An update's row read as the `telegram.update.received` envelope the gateway got: same id
/// (the update's correlation id, which what it caused points at), the time it was recorded.
pub fn receipt_of(row: &ReceivedUpdate) -> StoredEvent {
    let correlation = crate::messages::correlation_for_update(row.update_id).to_string();
    let payload = serde_json::json!({
        "update_id": row.update_id,
        "kind": row.kind,
        "status": row.status,
        "processed_at": row.processed_at,
    });
    StoredEvent {
        id: correlation.clone(),
        event_type: UpdateReceived::KIND.to_string(),
        correlation_id: correlation,
        causation_id: None,
        source: "webhook".to_string(),
        payload: payload.to_string(),
        occurred_at: row.received_at,
        trace_id: None,
    }
}

/// Whether the dispatcher announced `row` in `correlation` (a row keyed by another correlation
/// may still belong to this one's workflow).
fn belongs_to(row: &OutboxRow, correlation: &str) -> bool {
    crate::delivery::outbox::correlation_of_row(&row.id, row.workflow_id.as_deref())
        .is_some_and(|c| c.to_string() == correlation)
}

/// A sent outbox row read as the `telegram.bot.response.sent` the dispatcher announced: the
/// chat, the method and the messages Telegram made, at the time the row was marked sent.
pub fn acceptance_of(row: &OutboxRow) -> Option<StoredEvent> {
    let correlation =
        crate::delivery::outbox::correlation_of_row(&row.id, row.workflow_id.as_deref())?;
    let message_ids: Vec<i32> = row
        .message_ids
        .as_deref()
        .unwrap_or_default()
        .split(',')
        .filter_map(|id| id.trim().parse().ok())
        .collect();
    let sent = BotResponseSent {
        chat_id: row.chat_id,
        method: row.method,
        message_ids,
    };
    Some(StoredEvent {
        id: row.id.clone(),
        event_type: BotResponseSent::KIND.to_string(),
        correlation_id: correlation.to_string(),
        causation_id: None,
        source: "dispatcher".to_string(),
        payload: serde_json::to_string(&sent).ok()?,
        occurred_at: row.sent_at?,
        trace_id: row
            .trace_parent
            .as_deref()
            .and_then(crate::observability::telemetry::trace_id_of),
    })
}

/// The causal forest of `events` (one correlation), roots and children in time order.
pub fn build_tree(events: &[StoredEvent]) -> Vec<TraceNode> {
    let mut sorted: Vec<&StoredEvent> = events.iter().collect();
    sorted.sort_by(|a, b| (a.occurred_at, &a.id).cmp(&(b.occurred_at, &b.id)));
    let known: HashMap<&str, &StoredEvent> = sorted.iter().map(|e| (e.id.as_str(), *e)).collect();
    let mut children: HashMap<&str, Vec<&StoredEvent>> = HashMap::new();
    let mut roots = Vec::new();
    for event in &sorted {
        match event
            .causation_id
            .as_deref()
            .filter(|c| known.contains_key(c))
        {
            Some(cause) => children.entry(cause).or_default().push(event),
            None => roots.push(*event),
        }
    }
    let start = sorted.first().map(|e| e.occurred_at);
    roots
        .into_iter()
        .map(|root| node(root, start.unwrap_or(root.occurred_at), &children, 0))
        .collect()
}

/// Deeper chains than this are cut (a cycle in corrupt data must not recurse forever).
const MAX_DEPTH: usize = 64;

fn node(
    event: &StoredEvent,
    since: chrono::NaiveDateTime,
    children: &HashMap<&str, Vec<&StoredEvent>>,
    depth: usize,
) -> TraceNode {
    let kids = if depth < MAX_DEPTH {
        children
            .get(event.id.as_str())
            .map(|kids| {
                kids.iter()
                    .map(|kid| node(kid, event.occurred_at, children, depth + 1))
                    .collect()
            })
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    TraceNode {
        id: event.id.clone(),
        kind: event.event_type.clone(),
        source: event.source.clone(),
        occurred_at: event.occurred_at,
        after_ms: (event.occurred_at - since)
            .num_microseconds()
            .map_or(0.0, |us| us as f64 / 1000.0),
        trace_id: event.trace_id.clone(),
        children: kids,
    }
}

/// The forest as indented text: kind, source, time, and the time since its cause.
pub fn render_text(roots: &[TraceNode]) -> String {
    fn line(out: &mut String, node: &TraceNode, depth: usize, parent_trace: Option<&str>) {
        let indent = "   ".repeat(depth);
        let branch = if depth == 0 { "" } else { "└─ " };
        let _ = write!(
            out,
            "{indent}{branch}{}  [{}]  {}  +{:.1} ms",
            node.kind,
            node.source,
            node.occurred_at.format("%H:%M:%S%.3f"),
            node.after_ms
        );
        // The trace id where it changes (a root, or a hop into a new trace), not on every line.
        match (&node.trace_id, parent_trace) {
            (Some(id), parent) if parent != Some(id.as_str()) => {
                let _ = writeln!(out, "  trace {id}");
            }
            _ => out.push('\n'),
        }
        for child in &node.children {
            line(out, child, depth + 1, node.trace_id.as_deref());
        }
    }
    let mut out = String::new();
    for root in roots {
        line(&mut out, root, 0, None);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(id: &str, kind: &str, cause: Option<&str>, ms: i64) -> StoredEvent {
        let base = chrono::NaiveDate::from_ymd_opt(2026, 12, 1)
            .and_then(|d| d.and_hms_opt(1, 0, 0))
            .expect("time");
        StoredEvent {
            id: id.into(),
            event_type: kind.into(),
            correlation_id: "c".into(),
            causation_id: cause.map(str::to_string),
            source: "test".into(),
            payload: "{}".into(),
            occurred_at: base + chrono::Duration::milliseconds(ms),
            trace_id: None,
        }
    }

    #[test]
    fn events_become_a_tree_of_causes_in_time_order_with_the_time_between_steps() {
        let events = [
            event("c", "data.update.finish", Some("a"), 30),
            event("b", "telegram.command.execute", Some("a"), 10),
            event("a", "telegram.update.received", None, 0),
            event("w", "workflow.started", None, 50),
            event("s", "workflow.step.completed", Some("w"), 80),
            event("x", "orphan.of.a.pruned.cause", Some("gone"), 90),
        ];
        let roots = build_tree(&events);
        let kinds: Vec<&str> = roots.iter().map(|r| r.kind.as_str()).collect();
        assert_eq!(
            kinds,
            [
                "telegram.update.received",
                "workflow.started",
                "orphan.of.a.pruned.cause"
            ]
        );
        let children: Vec<&str> = roots[0].children.iter().map(|c| c.kind.as_str()).collect();
        assert_eq!(children, ["telegram.command.execute", "data.update.finish"]);
        assert_eq!(roots[0].children[1].after_ms, 30.0);
        assert_eq!(roots[1].children[0].after_ms, 30.0);
        assert_eq!(
            roots[1].after_ms, 50.0,
            "a root is timed from the first event"
        );
        let text = render_text(&roots);
        assert!(text.starts_with("telegram.update.received  [test]  01:00:00.000  +0.0 ms\n"));
        assert!(text.contains("\n   └─ telegram.command.execute  [test]  01:00:00.010  +10.0 ms\n"));
    }

    #[test]
    fn the_trace_id_is_printed_where_a_request_enters_a_trace() {
        let traced = |mut e: StoredEvent| {
            e.trace_id = Some("4bf92f3577b34da6a3ce929d0e0e4736".into());
            e
        };
        let events = [
            traced(event("a", "telegram.update.received", None, 0)),
            traced(event("b", "telegram.command.execute", Some("a"), 10)),
        ];
        let text = render_text(&build_tree(&events));
        assert_eq!(
            text.matches("trace 4bf92f3577b34da6a3ce929d0e0e4736")
                .count(),
            1,
            "{text}"
        );
        assert!(text
            .lines()
            .next()
            .is_some_and(|l| l.ends_with("trace 4bf92f3577b34da6a3ce929d0e0e4736")));
    }

    #[test]
    fn an_updates_row_becomes_the_root_of_what_the_update_caused() {
        use crate::domain::{UpdateStatus, UpdateType};
        let at = |ms| {
            chrono::NaiveDate::from_ymd_opt(2026, 12, 1)
                .and_then(|d| d.and_hms_milli_opt(1, 0, 0, ms))
                .expect("time")
        };
        let row = ReceivedUpdate {
            update_id: 810_001,
            kind: UpdateType::Message,
            payload: "{}".into(),
            status: UpdateStatus::Done,
            received_at: at(0),
            processed_at: Some(at(20)),
        };
        let correlation = crate::messages::correlation_for_update(810_001).to_string();
        let receipt = receipt_of(&row);
        assert_eq!(receipt.id, correlation);
        assert_eq!(receipt.correlation_id, correlation);
        let payload: serde_json::Value = serde_json::from_str(&receipt.payload).expect("json");
        assert_eq!(payload["update_id"], 810_001);
        assert_eq!(payload["status"], "done");
        let mut command = event("b", "telegram.command.execute", Some(&correlation), 10);
        command.occurred_at = at(10);
        let roots = build_tree(&[command, receipt]);
        assert_eq!(roots.len(), 1, "{roots:?}");
        assert_eq!(roots[0].kind, "telegram.update.received");
        assert_eq!(roots[0].source, "webhook");
        assert_eq!(roots[0].children[0].kind, "telegram.command.execute");
        assert_eq!(roots[0].children[0].after_ms, 10.0);
    }

    #[test]
    fn a_sent_outbox_row_reads_as_the_acceptance_the_dispatcher_announced() {
        use crate::domain::{OutboxKind, OutboxStatus};
        let at = chrono::NaiveDate::from_ymd_opt(2026, 12, 1)
            .and_then(|d| d.and_hms_opt(1, 0, 5))
            .expect("time");
        let correlation = uuid::Uuid::now_v7().to_string();
        let row = OutboxRow {
            id: format!("{correlation}:album:1"),
            chat_id: 77,
            method: OutboxKind::AlbumPart,
            payload: "{}".into(),
            workflow_id: None,
            status: OutboxStatus::Sent,
            attempts: 1,
            next_attempt_at: at,
            lease_owner: None,
            lease_until: None,
            last_error: None,
            message_ids: Some("10,11,12".into()),
            created_at: at,
            sent_at: Some(at),
            trace_parent: Some("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".into()),
        };
        let sent = acceptance_of(&row).expect("a sent row is an acceptance");
        assert_eq!(sent.event_type, "telegram.bot.response.sent");
        assert_eq!(sent.correlation_id, correlation);
        assert_eq!(sent.occurred_at, at);
        assert_eq!(
            sent.trace_id.as_deref(),
            Some("4bf92f3577b34da6a3ce929d0e0e4736")
        );
        let payload: serde_json::Value = serde_json::from_str(&sent.payload).expect("json");
        assert_eq!(payload["chat_id"], 77);
        assert_eq!(payload["message_ids"], serde_json::json!([10, 11, 12]));
        assert!(belongs_to(&row, &correlation));
        assert!(!belongs_to(&row, &uuid::Uuid::now_v7().to_string()));
        let unsent = OutboxRow {
            sent_at: None,
            ..row
        };
        assert!(acceptance_of(&unsent).is_none(), "not sent: no acceptance");
    }

    #[test]
    fn a_cycle_in_corrupt_data_does_not_recurse_forever() {
        let events = [event("a", "x", Some("b"), 0), event("b", "y", Some("a"), 1)];
        // Both have a cause in the set: no root, nothing printed, no hang.
        assert!(build_tree(&events).is_empty());
    }
}
