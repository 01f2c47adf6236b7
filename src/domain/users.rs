//! What the bot keeps about a user: their settings, their carousels, the work they pay for.
use super::{
    ContentChoice, ContentOrigin, Delivery, Lang, SlideHandle, SlideSize, Style, DEFAULT_SLIDES,
};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

/// A user's /settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserSettings {
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
    /// The language of the slides: the topic's (auto), the interface's, or one chosen.
    #[serde(default)]
    pub content: ContentChoice,
    /// Whether written slides wait for review before they are drawn; none: not chosen yet,
    /// the operator's default applies (`[workflow] review_by_default`).
    #[serde(default)]
    pub review: Option<bool>,
}

impl UserSettings {
    /// What a user gets before touching /settings.
    pub fn defaults_for(user_id: i64, now: NaiveDateTime) -> UserSettings {
        UserSettings {
            user_id,
            style: Style::default(),
            slides: DEFAULT_SLIDES as i32,
            size: SlideSize::default(),
            lang: None,
            delivery: Delivery::default(),
            updated_at: now,
            handle: SlideHandle::default(),
            content: ContentChoice::default(),
            review: None,
        }
    }
}

/// One carousel a user made, as /history lists it and "make again" repeats it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CarouselRecord {
    /// The workflow that made it (a CLI carousel: its request id).
    pub id: String,
    pub user_id: Option<i64>,
    pub topic: String,
    pub slides: i32,
    pub style: Style,
    pub content_source: ContentOrigin,
    pub created_at: NaiveDateTime,
}

crate::spelled_enum! {
    /// Work a user pays for in model calls or renders, each with its own quota.
    #[serde(rename_all = "lowercase")]
    #[strum(serialize_all = "lowercase")]
    pub enum QuotaKind as "quota kind" {
        Ask,
        Wisdom,
        Carousel,
        Pdf,
        /// A draft written again, or one of its slides (from the review message or the editor).
        Rewrite,
    }
}
