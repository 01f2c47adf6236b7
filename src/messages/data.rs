//! Persistence messages, answered by the `store` actor.
use super::{Ack, Event};
use crate::app::error::AppError;
use crate::domain::CarouselRecord;
use crate::domain::Style;
use crate::domain::{ContentOrigin, UserSettings};
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

/// A user's default settings were created (their first contact).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DefaultSettingsCreated {
    pub user_id: i64,
    pub chat_id: i64,
}
impl Event for DefaultSettingsCreated {
    // The kind keeps its first name: stored event logs and dashboards count it by this one.
    const KIND: &'static str = "data.session.created";
    type Reply = Ack;
}

/// A received update has been fully handled (or deliberately ignored).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FinishUpdate {
    pub update_id: i64,
    pub outcome: crate::domain::UpdateStatus,
}
impl Event for FinishUpdate {
    const KIND: &'static str = "data.update.finish";
    type Reply = Ack;
    /// The update's own row keeps the outcome and when it was reached (`received_updates`:
    /// status, processed_at); a log row per update restating it was a fifth of the log's writes.
    const LOGGED: bool = false;
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaveCarousel {
    pub request_id: Uuid,
    pub user_id: Option<i64>,
    pub topic: String,
    pub slides: usize,
    pub style: Style,
    pub content_source: ContentOrigin,
}
impl Event for SaveCarousel {
    const KIND: &'static str = "data.carousel.save";
    type Reply = Ack;
}

/// A user's settings: theirs, or the defaults when they have none yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoadSettings {
    pub user_id: i64,
}
impl Event for LoadSettings {
    const KIND: &'static str = "data.settings.load";
    type Reply = Result<UserSettings, AppError>;
    const LOGGED: bool = false;
}

/// A user changed a setting; the store keeps the whole row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaveSettings {
    pub settings: UserSettings,
}
impl Event for SaveSettings {
    const KIND: &'static str = "data.settings.save";
    type Reply = Ack;
}

/// A user's latest carousels, newest first (`/history`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoadHistory {
    pub user_id: i64,
    pub limit: i64,
}
impl Event for LoadHistory {
    const KIND: &'static str = "data.history.load";
    type Reply = Result<Vec<CarouselRecord>, AppError>;
    const LOGGED: bool = false;
}

/// One recorded carousel, by its workflow id (a "make again" button).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoadCarousel {
    pub id: String,
}
impl Event for LoadCarousel {
    const KIND: &'static str = "data.carousel.load";
    type Reply = Result<Option<CarouselRecord>, AppError>;
    const LOGGED: bool = false;
}
