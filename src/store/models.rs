//! Rows as the store reads and writes them.
use super::schema::{carousels, event_log, received_updates, user_settings, users};
use crate::domain::{
    CarouselRecord, ContentChoice, ContentOrigin, Delivery, Lang, SlideHandle, SlideSize, Style,
    UpdateStatus, UpdateType, UserSettings,
};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = users)]
pub struct User {
    pub id: i64,
    pub first_name: String,
    pub last_name: Option<String>,
    pub username: Option<String>,
    pub language_code: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(
    Debug,
    Clone,
    PartialEq,
    Eq,
    Queryable,
    QueryableByName,
    Selectable,
    Insertable,
    AsChangeset,
    Serialize,
    Deserialize,
)]
#[diesel(table_name = user_settings)]
pub struct SettingsRow {
    pub user_id: i64,
    pub style: Style,
    pub slides: i32,
    pub size: SlideSize,
    /// The language chosen in /settings; none: follow Telegram's `language_code`.
    pub lang: Option<Lang>,
    pub delivery: Delivery,
    pub updated_at: NaiveDateTime,
    /// Whose name the slides show (the user's own; see [`SlideHandle`]).
    #[serde(default)]
    pub handle: SlideHandle,
    /// The language of the slides the user chose (auto: the topic's).
    #[serde(default)]
    #[diesel(column_name = content_lang)]
    pub content: ContentChoice,
    #[serde(default)]
    pub review: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq, Insertable)]
#[diesel(table_name = received_updates)]
pub struct NewReceivedUpdate {
    pub update_id: i64,
    pub kind: UpdateType,
    pub payload: String,
    pub status: UpdateStatus,
    pub received_at: NaiveDateTime,
    pub lease_owner: Option<String>,
    pub lease_until: Option<NaiveDateTime>,
    pub attempts: i32,
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = received_updates)]
pub struct ReceivedUpdate {
    pub update_id: i64,
    pub kind: UpdateType,
    pub payload: String,
    pub status: UpdateStatus,
    pub received_at: NaiveDateTime,
    pub processed_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, PartialEq, Eq, Insertable)]
#[diesel(table_name = event_log)]
pub struct NewEvent {
    pub id: String,
    pub event_type: String,
    pub correlation_id: String,
    pub causation_id: Option<String>,
    pub source: String,
    pub payload: String,
    pub occurred_at: NaiveDateTime,
    pub trace_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = event_log)]
pub struct StoredEvent {
    pub id: String,
    pub event_type: String,
    pub correlation_id: String,
    pub causation_id: Option<String>,
    pub source: String,
    pub payload: String,
    pub occurred_at: NaiveDateTime,
    /// The exported trace the event travelled in, when traces were on.
    pub trace_id: Option<String>,
}

#[derive(
    Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable, Serialize, Deserialize,
)]
#[diesel(table_name = carousels)]
pub struct CarouselRow {
    pub id: String,
    pub user_id: Option<i64>,
    pub topic: String,
    pub slides: i32,
    pub style: Style,
    pub content_source: ContentOrigin,
    pub created_at: NaiveDateTime,
}

/// A row type and its domain type with the same fields: each converts into the other (the domain
/// stays free of diesel's derives).
macro_rules! same_fields {
    ($row:ident <=> $domain:ident { $($field:ident),+ $(,)? }) => {
        impl From<$row> for $domain {
            fn from(row: $row) -> $domain {
                let $row { $($field),+ } = row;
                $domain { $($field),+ }
            }
        }
        impl From<&$domain> for $row {
            fn from(value: &$domain) -> $row {
                let $domain { $($field),+ } = value.clone();
                $row { $($field),+ }
            }
        }
    };
}

same_fields!(SettingsRow <=> UserSettings {
    user_id,
    style,
    slides,
    size,
    lang,
    delivery,
    updated_at,
    handle,
    content,
    review,
});

same_fields!(CarouselRow <=> CarouselRecord {
    id,
    user_id,
    topic,
    slides,
    style,
    content_source,
    created_at,
});
