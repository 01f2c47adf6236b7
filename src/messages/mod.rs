//! Typed messages that stand in for the events of the original design.
//!
//! Every message travels in an [`Envelope`] carrying its id, the correlation id of the request it
//! belongs to (webhook update → album), the id of the message that caused it, the time and the
//! sending actor. One file per domain; payloads are plain data.
use crate::app::error::AppError;
use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub mod ai;
pub mod analytics;
pub mod carousel;
pub mod data;
pub mod health;
pub mod telegram;
pub mod workflow;

/// A payload that can travel between actors.
pub trait Event: Serialize + Send + 'static {
    /// The dotted event name, e.g. `telegram.update.received`.
    const KIND: &'static str;
    /// What the receiving actor answers.
    type Reply: Send + 'static;
    /// Whether crossing envelopes are appended to the event log. Queries (`Load…`) change
    /// nothing and are asked on every command: they are supervised and traced, not recorded.
    /// Neither are notices that only restate a recorded envelope for analytics' counters
    /// (each is a row per update, and the log was the store's largest cost under load).
    const LOGGED: bool = true;
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Envelope<T> {
    pub id: Uuid,
    pub correlation_id: Uuid,
    pub causation_id: Option<Uuid>,
    pub occurred_at: DateTime<Utc>,
    pub source: String,
    /// W3C `traceparent` of the span that sent it, when traces are exported: the receiving
    /// actor's span continues that trace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trace: Option<String>,
    /// Counts the envelope in its recipient's mailbox depth until handling starts.
    #[serde(skip)]
    pub mailbox: MailboxSlot,
    pub payload: T,
}

/// What a handler's supervision needs to know of the envelope it handles.
#[derive(Debug, Clone)]
pub struct Handling {
    pub kind: &'static str,
    pub correlation_id: Uuid,
    pub trace: Option<String>,
    /// False for housekeeping ticks that would only add a trace of their own every second.
    pub traced: bool,
}

impl Handling {
    /// For a message that starts no trace (a periodic housekeeping tick).
    pub fn untraced(kind: &'static str) -> Handling {
        Handling {
            kind,
            correlation_id: Uuid::nil(),
            trace: None,
            traced: false,
        }
    }
}

/// One envelope as the event log keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRecord {
    pub id: Uuid,
    pub event_type: &'static str,
    pub correlation_id: Uuid,
    pub causation_id: Option<Uuid>,
    pub source: String,
    pub payload: String,
    pub occurred_at: NaiveDateTime,
    /// The W3C `traceparent` the envelope travelled in (the log keeps its trace id).
    pub trace: Option<String>,
}

/// One envelope's place in a mailbox-depth gauge: taken when sent through a link, given
/// back when handling starts or the envelope is dropped unhandled. Clones hold no place.
#[derive(Default)]
pub struct MailboxSlot {
    gauge: Option<prometheus::IntGauge>,
    released: std::sync::atomic::AtomicBool,
}

impl MailboxSlot {
    pub fn enter(gauge: prometheus::IntGauge) -> MailboxSlot {
        gauge.inc();
        MailboxSlot {
            gauge: Some(gauge),
            released: std::sync::atomic::AtomicBool::new(false),
        }
    }

    fn release(&self) {
        if let Some(gauge) = &self.gauge {
            if !self
                .released
                .swap(true, std::sync::atomic::Ordering::Relaxed)
            {
                gauge.dec();
            }
        }
    }
}

impl Drop for MailboxSlot {
    fn drop(&mut self) {
        self.release();
    }
}

impl Clone for MailboxSlot {
    fn clone(&self) -> Self {
        MailboxSlot::default()
    }
}

impl std::fmt::Debug for MailboxSlot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MailboxSlot")
    }
}

impl<T: Event> actix::Message for Envelope<T> {
    type Result = T::Reply;
}

impl<T: Event> Envelope<T> {
    /// Starts a new causal chain: the message is its own correlation root.
    pub fn new(source: &str, payload: T) -> Self {
        let id = Uuid::now_v7();
        Envelope {
            id,
            correlation_id: id,
            causation_id: None,
            occurred_at: Utc::now(),
            source: source.to_string(),
            trace: None,
            mailbox: MailboxSlot::default(),
            payload,
        }
    }

    /// Starts a chain under an existing correlation id (e.g. one derived from a Telegram update).
    pub fn correlated(source: &str, correlation_id: Uuid, payload: T) -> Self {
        Envelope {
            correlation_id,
            ..Envelope::new(source, payload)
        }
    }

    /// A Telegram update handed to the gateway: the root of the update's conversation, whose id
    /// is the update's correlation id. It is not written to the event log (the update's row in
    /// `received_updates` is its record), so what it causes points at an id the trace can find
    /// from the correlation alone.
    pub fn for_update(source: &str, update_id: i64, payload: T) -> Self {
        let id = correlation_for_update(update_id);
        Envelope {
            id,
            correlation_id: id,
            ..Envelope::new(source, payload)
        }
    }

    /// A message caused by this one: same correlation, causation = this id.
    pub fn caused<U: Event>(&self, source: &str, payload: U) -> Envelope<U> {
        Envelope {
            id: Uuid::now_v7(),
            correlation_id: self.correlation_id,
            causation_id: Some(self.id),
            occurred_at: Utc::now(),
            source: source.to_string(),
            // Its cause's trace, until the link that sends it names the span sending it.
            trace: self.trace.clone(),
            mailbox: MailboxSlot::default(),
            payload,
        }
    }

    pub fn kind(&self) -> &'static str {
        T::KIND
    }

    /// Handling starts: the envelope leaves its mailbox; answers what supervision needs.
    pub fn handling(&self) -> Handling {
        self.mailbox.release();
        Handling {
            kind: T::KIND,
            correlation_id: self.correlation_id,
            trace: self.trace.clone(),
            traced: true,
        }
    }

    /// The row the event log keeps for this envelope.
    pub fn record(&self) -> EventRecord {
        EventRecord {
            id: self.id,
            event_type: T::KIND,
            correlation_id: self.correlation_id,
            causation_id: self.causation_id,
            source: self.source.clone(),
            payload: serde_json::to_string(&self.payload)
                .unwrap_or_else(|e| format!("{{\"unserializable\":\"{e}\"}}")),
            occurred_at: self.occurred_at.naive_utc(),
            trace: self.trace.clone(),
        }
    }
}

/// Correlation id for everything caused by one Telegram update: stable across redeliveries,
/// so logs of a retried update join up with the first attempt.
pub fn correlation_for_update(update_id: i64) -> Uuid {
    Uuid::from_u64_pair(UPDATE_CORRELATION_PREFIX, update_id as u64)
}

/// The update a correlation id was made for by [`correlation_for_update`], if it was.
pub fn update_of_correlation(correlation: Uuid) -> Option<i64> {
    let (prefix, update_id) = correlation.as_u64_pair();
    (prefix == UPDATE_CORRELATION_PREFIX).then_some(update_id as i64)
}

/// "telegram" in ASCII: the high half of every update's correlation id.
const UPDATE_CORRELATION_PREFIX: u64 = 0x7465_6c65_6772_616d;

/// A reply that is only an acknowledgement (or a failure the sender should know about).
pub type Ack = Result<(), AppError>;

/// Every event kind, for documentation and tests.
pub fn all_kinds() -> Vec<&'static str> {
    vec![
        telegram::UpdateReceived::KIND,
        telegram::ExecuteCommand::KIND,
        telegram::BotResponseSent::KIND,
        carousel::GenerateCarousel::KIND,
        carousel::RenderSlides::KIND,
        carousel::ImagesRendered::KIND,
        ai::WriteContent::KIND,
        ai::AnalysisCompleted::KIND,
        ai::WisdomGenerated::KIND,
        data::UserCreated::KIND,
        data::UpsertUser::KIND,
        data::EnsureSettings::KIND,
        data::DefaultSettingsCreated::KIND,
        data::FinishUpdate::KIND,
        data::SaveCarousel::KIND,
        data::LoadSettings::KIND,
        data::SaveSettings::KIND,
        data::LoadHistory::KIND,
        data::LoadCarousel::KIND,
        analytics::AlertTriggered::KIND,
        analytics::UserInteractionTracked::KIND,
        workflow::Started::KIND,
        workflow::StepCompleted::KIND,
        workflow::Completed::KIND,
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_caused_message_keeps_the_correlation_and_points_at_its_cause() {
        let root = Envelope::new("gateway", telegram::ExecuteCommand::example());
        let child = root.caused(
            "orchestrator",
            workflow::Started {
                workflow_id: Uuid::now_v7(),
                kind: workflow::WorkflowKind::Carousel,
            },
        );
        assert_eq!(child.correlation_id, root.correlation_id);
        assert_eq!(child.causation_id, Some(root.id));
        assert_ne!(child.id, root.id);
    }

    #[test]
    fn the_same_update_always_gets_the_same_correlation_id() {
        assert_eq!(correlation_for_update(42), correlation_for_update(42));
        assert_ne!(correlation_for_update(42), correlation_for_update(43));
    }

    #[test]
    fn an_update_is_found_again_from_its_correlation_id_and_no_other_id_names_one() {
        for update_id in [0, 42, 4_000_000_000, i64::MAX] {
            assert_eq!(
                update_of_correlation(correlation_for_update(update_id)),
                Some(update_id)
            );
        }
        assert_eq!(update_of_correlation(Uuid::now_v7()), None);
        assert_eq!(update_of_correlation(Uuid::nil()), None);
    }

    #[test]
    fn an_updates_envelope_is_the_root_of_its_conversation_and_what_it_causes_points_at_it() {
        let received = Envelope::for_update("webhook", 42, telegram::ExecuteCommand::example());
        assert_eq!(received.id, correlation_for_update(42));
        assert_eq!(received.correlation_id, correlation_for_update(42));
        assert_eq!(received.causation_id, None);
        let command = received.caused("gateway", telegram::ExecuteCommand::example());
        assert_eq!(command.causation_id, Some(correlation_for_update(42)));
    }

    #[test]
    fn an_envelope_record_names_its_kind_and_serializes_the_payload() {
        let env = Envelope::new("gateway", telegram::ExecuteCommand::example());
        let rec = env.record();
        assert_eq!(rec.event_type, "telegram.command.execute");
        let payload: serde_json::Value = serde_json::from_str(&rec.payload).expect("json");
        assert_eq!(payload["command"], "start");
    }

    #[test]
    fn every_message_kind_is_distinct() {
        let kinds = all_kinds();
        let unique: std::collections::HashSet<_> = kinds.iter().collect();
        assert_eq!(unique.len(), kinds.len(), "{kinds:?}");
    }
}
