//! Telegram gateway messages.
use super::{Ack, Event};
use crate::domain::OutboxKind;
use serde::{Deserialize, Serialize};

/// What the webhook or the poller hands the gateway once an update is durably recorded.
/// Its record is the update's row in `received_updates` (verbatim, with its status, claims and
/// times), not an event-log row restating it: one row less per update. Its envelope's id is the
/// update's correlation id ([`super::Envelope::for_update`]), so the trace finds the row.
#[derive(Debug, Clone, Serialize)]
pub struct UpdateReceived {
    pub update_id: i64,
    #[serde(skip)]
    pub update: Box<teloxide::types::Update>,
}
impl Event for UpdateReceived {
    const KIND: &'static str = "telegram.update.received";
    type Reply = Ack;
    const LOGGED: bool = false;
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExecuteCommand {
    pub chat_id: i64,
    pub user_id: Option<i64>,
    pub command: String,
    pub args: String,
    pub language_code: Option<String>,
    /// The user's message, which answers reply to.
    #[serde(default)]
    pub message_id: Option<i32>,
    /// For the greeting, and the slides' handle.
    #[serde(default)]
    pub first_name: Option<String>,
    /// The slides' handle (`@username`), when the user has one.
    #[serde(default)]
    pub username: Option<String>,
    /// A picture the user sent in their private chat (a photo, or a file), for their brand kit.
    /// Set only by the gateway from the message itself, never from what the user typed.
    #[serde(default)]
    pub image: Option<SentImage>,
}

/// A picture a user sent: Telegram's id for the file and the size Telegram says it has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentImage {
    pub file_id: String,
    /// In bytes; none when Telegram does not say.
    pub file_size: Option<u32>,
}
impl ExecuteCommand {
    pub fn example() -> Self {
        ExecuteCommand {
            chat_id: 1,
            user_id: Some(1),
            command: "start".into(),
            args: String::new(),
            language_code: Some("en".into()),
            message_id: Some(1),
            first_name: Some("Ada".into()),
            username: Some("ada".into()),
            image: None,
        }
    }
}
impl Event for ExecuteCommand {
    const KIND: &'static str = "telegram.command.execute";
    type Reply = Ack;
}

/// Telegram accepted an outbox row: the messages it made (an album part makes several).
/// Told to analytics, not written to the event log: the row itself, marked `sent` with these
/// ids, is its record (kept as long as the log) and the trace reads it from there.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BotResponseSent {
    pub chat_id: i64,
    pub method: OutboxKind,
    pub message_ids: Vec<i32>,
}
impl Event for BotResponseSent {
    const KIND: &'static str = "telegram.bot.response.sent";
    type Reply = Ack;
    const LOGGED: bool = false;
}

/// An inline-keyboard button was pressed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CallbackPressed {
    /// Telegram's id of the press, needed to answer it.
    pub query_id: String,
    pub data: String,
    pub user_id: i64,
    pub language_code: Option<String>,
    /// The chat and message the button belongs to (absent for very old messages).
    pub chat_id: Option<i64>,
    pub message_id: Option<i32>,
    /// Who pressed, for the handle of a carousel made again from /history.
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub username: Option<String>,
}
impl Event for CallbackPressed {
    const KIND: &'static str = "telegram.callback.pressed";
    type Reply = Ack;
}
