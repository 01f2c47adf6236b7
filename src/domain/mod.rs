//! Domain types shared by the AI writer, the renderer, the store and the messages: carousels,
//! the users they are made for, the states stored rows move through, and typed ids. Plain data:
//! nothing here depends on another module of ours.
use serde::{Deserialize, Serialize};

mod brand;
mod ids;
mod languages;
pub mod post;
mod spelling;
mod states;
mod users;
pub use brand::{
    Accent, AssetId, AssetKind, BrandError, BrandKit, FontPairing, ACCENT_PRESETS,
    MAX_BRAND_ASSET_BYTES, MAX_BRAND_HANDLE_CHARS, MAX_BRAND_NAME_CHARS,
};
pub use ids::{IdError, WorkflowId};
pub use languages::{ContentChoice, ContentLanguage};
pub use post::{Post, PostError};
pub use spelling::{Spelling, UnknownValue};
pub use states::{
    ContentOrigin, OutboxKind, OutboxStatus, UpdateStatus, UpdateType, WorkflowState,
};
pub use users::{CarouselRecord, QuotaKind, UserSettings};

crate::spelled_enum! {
    /// Role of a slide in the carousel's arc.
    #[serde(rename_all = "lowercase")]
    #[strum(serialize_all = "lowercase")]
    pub enum SlideKind as "slide kind" {
        Title,
        Problem,
        Idea,
        Example,
        Quote,
        Cta,
    }
}

/// One slide as written by the model or the offline writer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Slide {
    pub kind: SlideKind,
    pub title: String,
    pub body: String,
    /// What a screen reader says for the slide's image (none on slides stored before posts).
    #[serde(default)]
    pub alt: String,
}

impl Slide {
    /// A slide without alt text.
    pub fn new(kind: SlideKind, title: impl Into<String>, body: impl Into<String>) -> Slide {
        Slide {
            kind,
            title: title.into(),
            body: body.into(),
            alt: String::new(),
        }
    }
}

/// A carousel as written: its slides (each with its alt text) and the post to publish it with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Carousel {
    pub slides: Vec<Slide>,
    pub post: Post,
}

crate::spelled_enum! {
    #[derive(Default, diesel::expression::AsExpression, diesel::deserialize::FromSqlRow)]
    #[diesel(sql_type = diesel::sql_types::Text)]
    #[serde(rename_all = "lowercase")]
    #[strum(serialize_all = "lowercase")]
    /// The interface's language (a folder of `locales/`), spelled by its ISO 639-1 code: the
    /// spelling is kept in user settings, workflow rows and button data, so `ru` and `en` stay.
    pub enum Lang as "language" {
        Ru,
        #[default]
        En,
        Uk,
        Es,
        Pt,
        Id,
        Tr,
        Ar,
        Fa,
        Hi,
    }
}

crate::spelled_enum! {
    #[derive(Default, diesel::expression::AsExpression, diesel::deserialize::FromSqlRow)]
    #[diesel(sql_type = diesel::sql_types::Text)]
    #[serde(rename_all = "lowercase")]
    #[strum(serialize_all = "lowercase")]
    pub enum Style as "style" {
        #[default]
        Galaxy,
        Vibrant,
        Minimal,
    }
}

crate::spelled_enum! {
    #[derive(Default, diesel::expression::AsExpression, diesel::deserialize::FromSqlRow)]
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub enum SlideSize as "size" {
        /// 1080×1350 (4:5), Instagram's tallest feed format.
        #[default]
        #[serde(rename = "1080x1350")]
        #[strum(serialize = "1080x1350")]
        Portrait,
        /// 1080×1080.
        #[serde(rename = "1080x1080")]
        #[strum(serialize = "1080x1080")]
        Square,
    }
}

impl SlideSize {
    pub fn width(self) -> u32 {
        1080
    }
    pub fn height(self) -> u32 {
        match self {
            SlideSize::Portrait => 1350,
            SlideSize::Square => 1080,
        }
    }
}

crate::spelled_enum! {
    /// How a user's carousels arrive: an album of photos (JPEG, what Telegram shows inline) or
    /// lossless PNG files.
    #[derive(Default, diesel::expression::AsExpression, diesel::deserialize::FromSqlRow)]
    #[diesel(sql_type = diesel::sql_types::Text)]
    #[serde(rename_all = "lowercase")]
    #[strum(serialize_all = "lowercase")]
    pub enum Delivery as "delivery" {
        #[default]
        Photos,
        Files,
    }
}

crate::spelled_enum! {
    /// Whose name a slide's footer shows: the requester's own, never the bot's. `Username` is their
    /// `@username`, or their first name when they have none.
    #[derive(Default, diesel::expression::AsExpression, diesel::deserialize::FromSqlRow)]
    #[diesel(sql_type = diesel::sql_types::Text)]
    #[serde(rename_all = "lowercase")]
    #[strum(serialize_all = "lowercase")]
    pub enum SlideHandle as "handle" {
        #[default]
        Username,
        Name,
        #[serde(rename = "none")]
        #[strum(serialize = "none")]
        Nothing,
    }
}

/// Longest handle drawn on a slide, in characters (Telegram's names go up to 64).
pub const MAX_HANDLE_CHARS: usize = 64;

impl SlideHandle {
    /// The footer text for a user with this `username` and `first_name` (either may be unknown);
    /// control and bidi characters dropped, at most [`MAX_HANDLE_CHARS`].
    pub fn text_for(self, username: Option<&str>, first_name: Option<&str>) -> String {
        let clean = |text: &str| -> String {
            text.chars()
                .filter(|c| !c.is_control() && !matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'))
                .take(MAX_HANDLE_CHARS)
                .collect::<String>()
                .trim()
                .to_string()
        };
        let name = || first_name.map(clean).unwrap_or_default();
        match self {
            SlideHandle::Username => match username.map(clean).filter(|u| !u.is_empty()) {
                Some(username) => format!("@{}", username.trim_start_matches('@')),
                None => name(),
            },
            SlideHandle::Name => name(),
            SlideHandle::Nothing => String::new(),
        }
    }
}

crate::spelled_enum! {
    #[derive(Default)]
    #[serde(rename_all = "lowercase")]
    #[strum(serialize_all = "lowercase")]
    pub enum ImageFormat as "image format" {
        #[default]
        Png,
        Jpeg,
    }
}

impl Lang {
    /// The interface language for a Telegram `language_code` ("pt-br", "uk", "en-US"…): its
    /// primary subtag, with the codes of users who mostly read another locale (Belarusian and
    /// Kazakh readers of Russian, Indonesian's old "in"); English for anything else.
    pub fn from_language_code(code: Option<&str>) -> Lang {
        let primary = code
            .and_then(|c| c.split(['-', '_']).next())
            .map(|c| c.trim().to_ascii_lowercase())
            .unwrap_or_default();
        match primary.as_str() {
            "ru" | "be" | "kk" => Lang::Ru,
            "in" => Lang::Id,
            other => Lang::ALL
                .iter()
                .copied()
                .find(|lang| lang.as_str() == other)
                .unwrap_or(Lang::En),
        }
    }
}

/// Slide-count bounds: Instagram allows at most 20 images per carousel.
pub const MIN_SLIDES: usize = 3;
pub const MAX_SLIDES: usize = 20;
pub const DEFAULT_SLIDES: usize = 10;

/// A Telegram user as we keep them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserProfile {
    pub id: i64,
    pub first_name: String,
    pub last_name: Option<String>,
    pub username: Option<String>,
    pub language_code: Option<String>,
}

/// Whether an upsert created the user or refreshed an existing one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum UpsertOutcome {
    Created,
    Updated,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slide_shows_the_requesters_username_else_their_first_name_never_the_bots() {
        let handle = SlideHandle::Username;
        assert_eq!(handle.text_for(Some("ada"), Some("Ada")), "@ada");
        assert_eq!(handle.text_for(None, Some("Ada")), "Ada");
        assert_eq!(handle.text_for(Some(""), Some("Ada")), "Ada");
        assert_eq!(SlideHandle::Name.text_for(Some("ada"), Some("Ada")), "Ada");
        assert_eq!(SlideHandle::Nothing.text_for(Some("ada"), Some("Ada")), "");
        assert_eq!(handle.text_for(None, None), "");
    }

    #[test]
    fn the_interface_language_follows_telegrams_code_and_falls_back_to_english() {
        for (code, lang) in [
            (Some("ru"), Lang::Ru),
            (Some("be"), Lang::Ru),
            (Some("uk"), Lang::Uk),
            (Some("pt-br"), Lang::Pt),
            (Some("pt_PT"), Lang::Pt),
            (Some("es-419"), Lang::Es),
            (Some("in"), Lang::Id),
            (Some("ID"), Lang::Id),
            (Some("tr"), Lang::Tr),
            (Some("ar"), Lang::Ar),
            (Some("fa"), Lang::Fa),
            (Some("hi"), Lang::Hi),
            (Some("en-US"), Lang::En),
            (Some("de"), Lang::En),
            (Some(""), Lang::En),
            (None, Lang::En),
        ] {
            assert_eq!(Lang::from_language_code(code), lang, "{code:?}");
        }
    }

    #[test]
    fn slides_stored_before_alt_texts_still_load_without_one() {
        let stored = r#"[{"kind":"title","title":"T","body":"B"}]"#;
        let slides: Vec<Slide> = serde_json::from_str(stored).expect("old slides load");
        assert_eq!(slides, vec![Slide::new(SlideKind::Title, "T", "B")]);
        let with_alt = Slide {
            alt: "A cover".into(),
            ..Slide::new(SlideKind::Title, "T", "B")
        };
        let json = serde_json::to_string(&with_alt).expect("json");
        assert_eq!(serde_json::from_str::<Slide>(&json).ok(), Some(with_alt));
    }

    #[test]
    fn a_handle_loses_control_characters_and_is_bounded() {
        let name = format!("Ev\u{202e}e\n{}", "x".repeat(200));
        let text = SlideHandle::Name.text_for(None, Some(&name));
        assert!(text.starts_with("Eve") && !text.contains('\n'));
        assert!(text.chars().count() <= MAX_HANDLE_CHARS);
    }
}
