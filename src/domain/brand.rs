//! A user's brand kit (issue 35): the handle and name their slides carry, their avatar and
//! logo, an accent colour and a font pairing. Plain data with its limits; the store keeps it,
//! the renderer draws it.
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{IdError, SlideHandle};

/// Longest handle a kit keeps, in characters.
pub const MAX_BRAND_HANDLE_CHARS: usize = 32;
/// Longest display name a kit keeps, in characters.
pub const MAX_BRAND_NAME_CHARS: usize = 64;
/// Largest avatar or logo kept, in bytes (after resizing and encoding).
pub const MAX_BRAND_ASSET_BYTES: usize = 512 * 1024;

/// One stored image of a kit (avatar or logo).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AssetId(pub Uuid);

impl AssetId {
    /// Only the canonical hyphenated form, like [`super::WorkflowId`].
    pub fn parse(text: &str) -> Result<AssetId, IdError> {
        Uuid::parse_str(text)
            .ok()
            .filter(|id| id.hyphenated().to_string() == text)
            .map(AssetId)
            .ok_or_else(|| IdError {
                what: "asset id",
                given: text.chars().take(64).collect(),
            })
    }
}

impl std::fmt::Display for AssetId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.hyphenated().fmt(f)
    }
}

/// An accent colour, `#rrggbb` (lowercase) when written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Accent(pub [u8; 3]);

/// The presets offered beside any hex (the editor's swatches and /brand's buttons).
pub const ACCENT_PRESETS: [Accent; 7] = [
    Accent([0x7c, 0x5c, 0xff]),
    Accent([0xff, 0x5c, 0x8a]),
    Accent([0xff, 0x88, 0x00]),
    Accent([0xf5, 0xc4, 0x00]),
    Accent([0x22, 0xb5, 0x73]),
    Accent([0x1e, 0x90, 0xff]),
    Accent([0x11, 0x18, 0x27]),
];

/// Why a kit's field was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BrandError {
    #[error("'{0}' is not a colour (#abc or #aabbcc)")]
    Accent(String),
    #[error("'{0}' is not a font pairing")]
    Fonts(String),
    #[error("the {field} is longer than {max} characters")]
    TooLong { field: &'static str, max: usize },
    #[error("the {field} has control characters")]
    Control { field: &'static str },
}

impl BrandError {
    /// The field it is about, as the API names it.
    pub fn field(&self) -> &'static str {
        match self {
            BrandError::Accent(_) => "accent",
            BrandError::Fonts(_) => "fonts",
            BrandError::TooLong { field, .. } | BrandError::Control { field } => field,
        }
    }
}

impl Accent {
    /// `#abc` or `#aabbcc`, any case, the `#` optional; surrounding spaces ignored.
    pub fn parse(text: &str) -> Result<Accent, BrandError> {
        let refuse = || BrandError::Accent(text.chars().take(16).collect());
        let digits = text.trim();
        let digits = digits.strip_prefix('#').unwrap_or(digits);
        if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(refuse());
        }
        let nibble = |b: u8| (b as char).to_digit(16).map(|d| d as u8).unwrap_or(0);
        let bytes = digits.as_bytes();
        match bytes.len() {
            3 => Ok(Accent([0, 1, 2].map(|i| nibble(bytes[i]) * 17))),
            6 => {
                Ok(Accent([0, 1, 2].map(|i| {
                    nibble(bytes[2 * i]) * 16 + nibble(bytes[2 * i + 1])
                })))
            }
            _ => Err(refuse()),
        }
    }

    /// `#rrggbb`, lowercase.
    pub fn hex(self) -> String {
        let [r, g, b] = self.0;
        format!("#{r:02x}{g:02x}{b:02x}")
    }
}

impl std::fmt::Display for Accent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.hex())
    }
}

impl std::str::FromStr for Accent {
    type Err = BrandError;
    fn from_str(text: &str) -> Result<Accent, BrandError> {
        Accent::parse(text)
    }
}

impl Serialize for Accent {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.hex())
    }
}

impl<'de> Deserialize<'de> for Accent {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Accent, D::Error> {
        let text = String::deserialize(d)?;
        Accent::parse(&text).map_err(serde::de::Error::custom)
    }
}

crate::spelled_enum! {
    /// Title and body faces, all from the bundled Inter family (see `assets/fonts/LICENSES.md`):
    /// every pairing draws every script the slides can carry, through the same fallbacks.
    #[derive(Default)]
    #[derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow)]
    #[diesel(sql_type = diesel::sql_types::Text)]
    #[serde(rename_all = "lowercase")]
    #[strum(serialize_all = "lowercase")]
    pub enum FontPairing as "font pairing" {
        /// Inter Display Bold titles, Inter Regular body: the slides as they always were.
        #[default]
        Modern,
        /// Inter SemiBold titles, Inter Regular body: quieter headlines.
        Soft,
        /// Inter Display Bold titles, Inter SemiBold body: everything heavier.
        Strong,
    }
}

impl FontPairing {
    /// The pairing's name as the editor lists it (font names are not translated).
    pub fn display_name(self) -> &'static str {
        match self {
            FontPairing::Modern => "Modern — Inter Display Bold & Inter",
            FontPairing::Soft => "Soft — Inter SemiBold & Inter",
            FontPairing::Strong => "Strong — Inter Display Bold & Inter SemiBold",
        }
    }

    pub fn parse(text: &str) -> Result<FontPairing, BrandError> {
        text.parse()
            .map_err(|_| BrandError::Fonts(text.chars().take(32).collect()))
    }
}

crate::spelled_enum! {
    /// Which image of a kit an upload is for: each is prepared (cropped, sized, encoded) its own
    /// way, see `crate::media::prepare`.
    #[derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow)]
    #[diesel(sql_type = diesel::sql_types::Text)]
    #[serde(rename_all = "lowercase")]
    #[strum(serialize_all = "lowercase")]
    pub enum AssetKind as "asset kind" {
        /// The round picture beside the handle: a square JPEG.
        Avatar,
        /// The mark in a corner: aspect kept, transparency kept, a PNG.
        Logo,
    }
}

/// A user's brand kit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BrandKit {
    /// The footer's handle ("@ann"); empty: none drawn.
    pub handle: String,
    /// The display name beside it; empty: none drawn.
    pub name: String,
    pub avatar: Option<AssetId>,
    pub logo: Option<AssetId>,
    /// None: each style's own accent colours.
    pub accent: Option<Accent>,
    pub fonts: FontPairing,
    /// Bumped by every save; 0 for a kit never saved (the default made from the profile).
    pub version: i64,
}

/// A kit's text field checked: no control or bidi-override characters, at most `max` characters.
fn checked(field: &'static str, text: &str, max: usize) -> Result<String, BrandError> {
    let text = text.trim();
    if text.chars().any(|c| c.is_control() || is_bidi_control(c)) {
        return Err(BrandError::Control { field });
    }
    if text.chars().count() > max {
        return Err(BrandError::TooLong { field, max });
    }
    Ok(text.to_string())
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

impl BrandKit {
    /// The kit of a user who never saved one: their `@username`, else their first name (never
    /// the bot's), their first name as the display name, no images, the style's colours.
    pub fn default_for(username: Option<&str>, first_name: Option<&str>) -> BrandKit {
        let bounded = |text: String| text.chars().take(MAX_BRAND_HANDLE_CHARS).collect();
        BrandKit {
            handle: bounded(SlideHandle::Username.text_for(username, first_name)),
            name: SlideHandle::Name
                .text_for(None, first_name)
                .chars()
                .take(MAX_BRAND_NAME_CHARS)
                .collect(),
            avatar: None,
            logo: None,
            accent: None,
            fonts: FontPairing::default(),
            version: 0,
        }
    }

    /// A handle as a user typed it, checked.
    pub fn checked_handle(text: &str) -> Result<String, BrandError> {
        checked("handle", text, MAX_BRAND_HANDLE_CHARS)
    }

    /// A display name as a user typed it, checked.
    pub fn checked_name(text: &str) -> Result<String, BrandError> {
        checked("name", text, MAX_BRAND_NAME_CHARS)
    }

    /// What a carousel keeps of the kit when its text is written (the images by id: they are
    /// read when drawn), so a later edit of the kit does not change it.
    pub fn snapshot_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// A snapshot read back; None when it does not parse (a row from a later version).
    pub fn from_snapshot(json: &str) -> Option<BrandKit> {
        serde_json::from_str(json).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_accent_parses_from_short_or_long_hex_in_any_case_and_is_written_lowercase() {
        assert_eq!(Accent::parse("#abc"), Ok(Accent([0xaa, 0xbb, 0xcc])));
        assert_eq!(Accent::parse("#AABBCC"), Ok(Accent([0xaa, 0xbb, 0xcc])));
        assert_eq!(Accent::parse(" ff8800 "), Ok(Accent([0xff, 0x88, 0x00])));
        assert_eq!(Accent([0xFF, 0x88, 0x00]).hex(), "#ff8800");
        for bad in [
            "", "#", "#ab", "#abcd", "#gggggg", "red", "#ff88001", "#ff 880",
        ] {
            assert!(
                matches!(Accent::parse(bad), Err(BrandError::Accent(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn an_accent_goes_through_json_as_its_hex() {
        let json = serde_json::to_string(&Accent([1, 2, 3])).unwrap();
        assert_eq!(json, "\"#010203\"");
        assert_eq!(
            serde_json::from_str::<Accent>(&json).unwrap(),
            Accent([1, 2, 3])
        );
        assert!(serde_json::from_str::<Accent>("\"#zz0000\"").is_err());
    }

    #[test]
    fn the_presets_are_distinct_and_match_their_spelling() {
        for (i, a) in ACCENT_PRESETS.iter().enumerate() {
            assert_eq!(Accent::parse(&a.hex()), Ok(*a));
            assert!(ACCENT_PRESETS[i + 1..].iter().all(|b| b != a));
        }
    }

    #[test]
    fn a_default_kit_shows_the_users_username_else_their_first_name() {
        let kit = BrandKit::default_for(Some("ann"), Some("Ann"));
        assert_eq!((kit.handle.as_str(), kit.name.as_str()), ("@ann", "Ann"));
        let kit = BrandKit::default_for(None, Some("Ann"));
        assert_eq!(kit.handle, "Ann");
        assert_eq!(kit.version, 0);
        assert_eq!(kit.fonts, FontPairing::Modern);
        let long = "x".repeat(100);
        let kit = BrandKit::default_for(Some(&long), Some(&long));
        assert!(kit.handle.chars().count() <= MAX_BRAND_HANDLE_CHARS);
        assert!(kit.name.chars().count() <= MAX_BRAND_NAME_CHARS);
    }

    #[test]
    fn a_handle_or_name_with_control_characters_or_too_long_is_refused() {
        assert_eq!(BrandKit::checked_handle("  @ann "), Ok("@ann".to_string()));
        assert_eq!(
            BrandKit::checked_handle("@a\nb").map_err(|e| e.field()),
            Err("handle")
        );
        assert!(BrandKit::checked_name("Ann\u{202e}Lee").is_err());
        assert!(BrandKit::checked_handle(&"x".repeat(33)).is_err());
        assert!(BrandKit::checked_handle(&"é".repeat(32)).is_ok());
        assert!(BrandKit::checked_name(&"x".repeat(64)).is_ok());
        assert!(matches!(
            BrandKit::checked_name(&"x".repeat(65)),
            Err(BrandError::TooLong {
                field: "name",
                max: 64
            })
        ));
    }

    #[test]
    fn font_pairings_have_one_spelling_and_a_name() {
        for &f in FontPairing::ALL {
            assert_eq!(FontPairing::parse(f.as_str()), Ok(f));
            assert!(f.display_name().contains("Inter"));
        }
        assert_eq!(
            FontPairing::parse("comic").map_err(|e| e.field()),
            Err("fonts")
        );
    }

    #[test]
    fn asset_kinds_are_spelled_avatar_and_logo() {
        assert_eq!(AssetKind::ALL, &[AssetKind::Avatar, AssetKind::Logo]);
        assert_eq!(AssetKind::Avatar.as_str(), "avatar");
        assert_eq!("logo".parse(), Ok(AssetKind::Logo));
        assert_eq!(serde_json::to_string(&AssetKind::Logo).unwrap(), "\"logo\"");
        assert!("Avatar ".parse::<AssetKind>().is_err());
    }

    #[test]
    fn a_snapshot_reads_back_the_same_kit() {
        let kit = BrandKit {
            accent: Some(Accent([9, 8, 7])),
            avatar: Some(AssetId(Uuid::now_v7())),
            fonts: FontPairing::Soft,
            version: 3,
            ..BrandKit::default_for(Some("ann"), Some("Ann"))
        };
        assert_eq!(BrandKit::from_snapshot(&kit.snapshot_json()), Some(kit));
        assert_eq!(BrandKit::from_snapshot("{"), None);
    }
}
