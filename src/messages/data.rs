//! Persistence messages, answered by the `store` actor.
use super::{Ack, Event};
use crate::domain::Style;
use crate::error::AppError;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use crate::domain::{UpsertOutcome, UserProfile};

/// A user seen for the first time (announced by the store after inserting them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserCreated {
    pub user: UserProfile,
}
impl Event for UserCreated {
    const KIND: &'static str = "data.user.created";
    type Reply = Ack;
}

/// A user's profile as Telegram last showed it; the store upserts it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpsertUser {
    pub user: UserProfile,
}
impl Event for UpsertUser {
    const KIND: &'static str = "data.user.upsert";
    type Reply = Result<UpsertOutcome, AppError>;
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnsureSettings {
    pub user_id: i64,
    pub chat_id: i64,
}
impl Event for EnsureSettings {
    const KIND: &'static str = "data.settings.ensure";
    type Reply = Ack;
}

/// A received update has been fully handled (or deliberately ignored).
/// A user's session began: their default settings were created (first contact).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionCreated {
    pub user_id: i64,
    pub chat_id: i64,
}
impl Event for SessionCreated {
    const KIND: &'static str = "data.session.created";
    type Reply = Ack;
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FinishUpdate {
    pub update_id: i64,
    pub outcome: crate::store::UpdateStatus,
}
impl Event for FinishUpdate {
    const KIND: &'static str = "data.update.finish";
    type Reply = Ack;
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaveCarousel {
    pub request_id: Uuid,
    pub user_id: Option<i64>,
    pub topic: String,
    pub slides: usize,
    pub style: Style,
    /// `model` or `offline:<reason>`.
    pub content_source: String,
}
impl Event for SaveCarousel {
    const KIND: &'static str = "data.carousel.save";
    type Reply = Ack;
}
