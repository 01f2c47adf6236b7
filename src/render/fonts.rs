//! Bundled fonts (compiled into the binary with `include_bytes!`) and the
//! per-character fallback chain used by layout and drawing.
//!
//! See `assets/fonts/LICENSES.md` for names, sources and licences.

use std::sync::OnceLock;

use ab_glyph::{Font, FontRef, GlyphId, PxScale};

use super::FontError;

static INTER_REGULAR: &[u8] = include_bytes!("../../assets/fonts/Inter-Regular.otf");
static INTER_SEMIBOLD: &[u8] = include_bytes!("../../assets/fonts/Inter-SemiBold.otf");
static INTER_DISPLAY_BOLD: &[u8] = include_bytes!("../../assets/fonts/InterDisplay-Bold.otf");
static SYMBOLA: &[u8] = include_bytes!("../../assets/fonts/Symbola.ttf");
static NOTO_COLOR_EMOJI: &[u8] = include_bytes!("../../assets/fonts/NotoColorEmoji.ttf");

/// One parsed face with the metrics layout needs, in em units.
#[derive(Debug)]
pub struct Face {
    pub name: &'static str,
    pub font: FontRef<'static>,
    units_per_em: f32,
    /// `PxScale` per em: ab_glyph scales by (ascent − descent), not by the em.
    scale_per_em: f32,
    pub ascent_em: f32,
    pub descent_em: f32,
    /// Glyphs are colour bitmaps (drawn with `paint::draw_color_glyph`), not outlines.
    pub color: bool,
}

impl Face {
    fn load(name: &'static str, bytes: &'static [u8]) -> Result<Face, FontError> {
        let font = FontRef::try_from_slice(bytes).map_err(|e| FontError {
            name,
            reason: e.to_string(),
        })?;
        let units_per_em = font.units_per_em().filter(|u| *u > 0.0).ok_or(FontError {
            name,
            reason: "font has no units-per-em".to_string(),
        })?;
        let height = font.height_unscaled();
        if height.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater) {
            return Err(FontError {
                name,
                reason: "font has no vertical extent".to_string(),
            });
        }
        Ok(Face {
            name,
            scale_per_em: height / units_per_em,
            ascent_em: font.ascent_unscaled() / units_per_em,
            descent_em: -font.descent_unscaled() / units_per_em,
            units_per_em,
            font,
            color: false,
        })
    }

    /// A face whose glyphs are colour bitmaps; it must have one for a common emoji.
    fn load_color(name: &'static str, bytes: &'static [u8]) -> Result<Face, FontError> {
        let face = Face {
            color: true,
            ..Face::load(name, bytes)?
        };
        let probe = face
            .glyph('🙏')
            .and_then(|id| face.font.glyph_raster_image2(id, 128));
        if probe.is_none() {
            return Err(FontError {
                name,
                reason: "no colour bitmap for U+1F64F".to_string(),
            });
        }
        Ok(face)
    }

    /// Glyph for `c`, or `None` when the face has no real glyph (never `.notdef`).
    pub fn glyph(&self, c: char) -> Option<GlyphId> {
        let id = self.font.glyph_id(c);
        (id.0 != 0).then_some(id)
    }

    /// Horizontal advance of `id` in em.
    pub fn advance_em(&self, id: GlyphId) -> f32 {
        self.font.h_advance_unscaled(id) / self.units_per_em
    }

    /// The `PxScale` that makes one em `size_px` pixels.
    pub fn scale(&self, size_px: f32) -> PxScale {
        PxScale::from(size_px * self.scale_per_em)
    }
}

/// All bundled faces, parsed once per process.
#[derive(Debug)]
pub struct Fonts {
    /// Inter Regular: body text.
    pub regular: Face,
    /// Inter SemiBold: footer and small labels.
    pub semibold: Face,
    /// Inter Display Bold: titles.
    pub bold: Face,
    /// Symbola: monochrome outline emoji and symbols (the fallback).
    pub emoji: Face,
    /// Noto Color Emoji: colour bitmap emoji.
    pub color_emoji: Face,
}

static FONTS: OnceLock<Result<Fonts, FontError>> = OnceLock::new();

impl Fonts {
    /// The bundled fonts, parsed on first use.
    pub fn bundled() -> Result<&'static Fonts, FontError> {
        FONTS
            .get_or_init(|| {
                Ok(Fonts {
                    regular: Face::load("Inter Regular", INTER_REGULAR)?,
                    semibold: Face::load("Inter SemiBold", INTER_SEMIBOLD)?,
                    bold: Face::load("Inter Display Bold", INTER_DISPLAY_BOLD)?,
                    emoji: Face::load("Symbola", SYMBOLA)?,
                    color_emoji: Face::load_color("Noto Color Emoji", NOTO_COLOR_EMOJI)?,
                })
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Titles: bold → regular → colour emoji → symbols.
    pub fn title(&self) -> FontStack<'_> {
        FontStack::new([&self.bold, &self.regular, &self.color_emoji, &self.emoji])
    }

    /// Body text: regular → bold → colour emoji → symbols.
    pub fn body(&self) -> FontStack<'_> {
        FontStack::new([&self.regular, &self.bold, &self.color_emoji, &self.emoji])
    }

    /// Footer labels: semibold → regular → colour emoji → symbols.
    pub fn label(&self) -> FontStack<'_> {
        FontStack::new([
            &self.semibold,
            &self.regular,
            &self.color_emoji,
            &self.emoji,
        ])
    }

    /// The big emoji line: colour emoji first, then symbols, then text faces for stray letters.
    pub fn emoji_line(&self) -> FontStack<'_> {
        FontStack::new([&self.color_emoji, &self.emoji, &self.bold, &self.regular])
    }
}

/// An ordered fallback chain: each character is drawn with the first face that
/// has a glyph for it; a character none of them covers is dropped.
#[derive(Debug, Clone, Copy)]
pub struct FontStack<'a> {
    faces: [&'a Face; 4],
}

impl<'a> FontStack<'a> {
    pub fn new(faces: [&'a Face; 4]) -> Self {
        FontStack { faces }
    }

    /// First face covering `c` (index into the stack) and its glyph. Control
    /// characters never resolve (Symbola maps NUL to an empty `.null` glyph).
    pub fn resolve(&self, c: char) -> Option<(u8, GlyphId)> {
        if c.is_control() {
            return None;
        }
        // Pictographs (from U+2300: ⌚, ☀, ❤, ✨, ⭐, 🙏…) in colour even where a text face has a
        // monochrome glyph for them; letters, digits, punctuation and arrows stay text.
        if c >= '\u{2300}' {
            if let Some(hit) = self.faces.iter().enumerate().find_map(|(i, face)| {
                face.color
                    .then(|| face.glyph(c))
                    .flatten()
                    .map(|g| (i as u8, g))
            }) {
                return Some(hit);
            }
        }
        self.faces
            .iter()
            .enumerate()
            .find_map(|(i, face)| face.glyph(c).map(|g| (i as u8, g)))
    }

    /// Face `i` of the stack (clamped to the last one).
    pub fn face(&self, i: u8) -> &'a Face {
        self.faces[usize::from(i).min(self.faces.len() - 1)]
    }

    /// The primary face, whose metrics set line geometry.
    pub fn primary(&self) -> &'a Face {
        self.faces[0]
    }

    /// True when some face of the stack can draw `c`.
    pub fn covers(&self, c: char) -> bool {
        self.resolve(c).is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fonts() -> &'static Fonts {
        match Fonts::bundled() {
            Ok(f) => f,
            Err(e) => panic!("bundled fonts must load: {e}"),
        }
    }

    #[test]
    fn bundled_fonts_parse_and_have_sane_metrics() {
        let f = fonts();
        for face in [&f.regular, &f.semibold, &f.bold, &f.emoji] {
            assert!(
                face.ascent_em > 0.5 && face.ascent_em < 1.5,
                "{} ascent {}",
                face.name,
                face.ascent_em
            );
            assert!(
                face.descent_em >= 0.0 && face.descent_em < 0.8,
                "{} descent {}",
                face.name,
                face.descent_em
            );
        }
    }

    #[test]
    fn text_faces_cover_latin_and_cyrillic() {
        let f = fonts();
        for face in [&f.regular, &f.semibold, &f.bold] {
            for c in "AZaz09ÀéßАЯаяЁёЙйЇїЄєЎўΑΩαω«»—…№".chars() {
                assert!(face.glyph(c).is_some(), "{} lacks {c:?}", face.name);
            }
        }
    }

    #[test]
    fn emoji_face_covers_common_emoji_that_text_faces_lack() {
        let f = fonts();
        for c in "🙏✨💡🔥❤🤔🔍💬🚀📖✝⭐👉😀".chars() {
            assert!(f.emoji.glyph(c).is_some(), "Symbola lacks {c:?}");
        }
        assert!(f.regular.glyph('🙏').is_none());
    }

    #[test]
    fn emoji_come_from_the_colour_face_and_symbols_it_lacks_from_symbola() {
        let stack = fonts().body();
        for c in "🙏✨💡🔥❤🤔🔍💬🚀📖⭐👉😀🫶🥹".chars() {
            let (face, _) = stack
                .resolve(c)
                .unwrap_or_else(|| panic!("{c:?} not covered"));
            assert!(stack.face(face).color, "{c:?} is not drawn in colour");
        }
        let symbol = ('\u{2190}'..='\u{27BF}')
            .find(|c| {
                let f = fonts();
                f.regular.glyph(*c).is_none()
                    && f.bold.glyph(*c).is_none()
                    && f.color_emoji.glyph(*c).is_none()
                    && f.emoji.glyph(*c).is_some()
            })
            .expect("Symbola has symbols the others lack");
        let (face, _) = stack.resolve(symbol).expect("a symbol");
        assert_eq!(stack.face(face).name, "Symbola", "{symbol:?}");
    }

    #[test]
    fn fallback_picks_the_first_face_that_covers_a_character() {
        let stack = fonts().body();
        assert_eq!(stack.resolve('a').map(|r| r.0), Some(0));
        assert_eq!(stack.resolve('🙏').map(|r| r.0), Some(2));
        assert_eq!(stack.resolve('\u{10FFFD}'), None);
        assert_eq!(stack.resolve('\u{0}'), None);
    }
}
