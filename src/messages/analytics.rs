//! Analytics messages: alerts, interactions, the report.
use super::{Ack, Event};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AlertSeverity {
    Info,
    Warning,
    Critical,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertTriggered {
    pub severity: AlertSeverity,
    pub service: String,
    pub message: String,
}
impl Event for AlertTriggered {
    const KIND: &'static str = "analytics.alert.triggered";
    type Reply = Ack;
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserInteractionTracked {
    pub user_id: Option<i64>,
    pub chat_id: Option<i64>,
    /// e.g. `command:/start`, `text`, `callback`, `ignored:edited_message`.
    pub interaction: String,
}
impl Event for UserInteractionTracked {
    const KIND: &'static str = "analytics.user.interaction.tracked";
    type Reply = Ack;
    /// Counted, not recorded: its user, chat and kind are those of the update it is caused by,
    /// whose row in `received_updates` keeps them.
    const LOGGED: bool = false;
}

/// Not an event: alerts read back from the event log at start, oldest first, so `/stats` shows
/// what happened before the process was replaced.
#[derive(Debug, Clone)]
pub struct AlertsRestored(pub Vec<AlertTriggered>);

impl actix::Message for AlertsRestored {
    type Result = ();
}

/// A question, not an event: what analytics knows right now (for `/stats`).
#[derive(Debug, Clone, Copy)]
pub struct ReportRequested;

impl actix::Message for ReportRequested {
    type Result = Result<AnalyticsReport, crate::app::error::AppError>;
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnalyticsReport {
    pub users_created: u64,
    pub interactions: std::collections::BTreeMap<String, u64>,
    pub events: std::collections::BTreeMap<String, u64>,
    pub recent_alerts: Vec<AlertTriggered>,
}
