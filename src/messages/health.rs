//! Health messages: what the periodic probe found when it checked one dependency.
use super::{Ack, Event};
use serde::{Deserialize, Serialize};

/// What the bot depends on and probes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dependency {
    /// The database (`SELECT 1` through the store's pool and breaker).
    Store,
    /// The OpenAI-compatible endpoint (`GET /models`); not probed with the offline writer.
    Model,
    /// Telegram's Bot API (`getMe`); not probed without a bot token.
    BotApi,
}

impl Dependency {
    pub fn as_str(self) -> &'static str {
        match self {
            Dependency::Store => "store",
            Dependency::Model => "model",
            Dependency::BotApi => "bot_api",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HealthStatus {
    Healthy,
    Unhealthy,
}

/// One check of one dependency, sent after it answered, failed or timed out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthChecked {
    pub dependency: Dependency,
    pub status: HealthStatus,
    /// Why it is unhealthy (cut to a bounded length); `None` when healthy.
    pub reason: Option<String>,
    pub latency_ms: u64,
}

impl Event for HealthChecked {
    const KIND: &'static str = "health.checked";
    type Reply = Ack;
}
