//! Persistence messages, answered by the `store` actor.
use super::{Ack, Event};
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
pub struct UserUpdated {
    pub user: UserProfile,
}
impl Event for UserUpdated {
    const KIND: &'static str = "data.user.updated";
    type Reply = Result<UpsertOutcome, AppError>;
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionSaved {
    pub user_id: i64,
    pub chat_id: i64,
}
impl Event for SessionSaved {
    const KIND: &'static str = "data.session.saved";
    type Reply = Ack;
}

/// A received update has been fully handled (or deliberately ignored).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryLogged {
    pub update_id: i64,
    pub outcome: crate::store::UpdateStatus,
}
impl Event for HistoryLogged {
    const KIND: &'static str = "data.history.logged";
    type Reply = Ack;
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CarouselSaved {
    pub request_id: Uuid,
    pub user_id: Option<i64>,
    pub topic: String,
    pub slides: usize,
    pub style: String,
    /// `model` or `offline:<reason>`.
    pub content_source: String,
}
impl Event for CarouselSaved {
    const KIND: &'static str = "data.carousel.saved";
    type Reply = Ack;
}
