//! Fonts and the per-character fallback chain used by layout and drawing.
//!
//! Latin, Greek and Cyrillic (Inter) and emoji are compiled into the binary. Every other script's
//! Noto face lives under [`script_dir`] and is memory-mapped the first time a character of that
//! script is laid out, so a bot that only ever sees Latin text pays nothing for them at run time
//! (the mapped pages are shared, clean and only read where a glyph is drawn).
//!
//! See `assets/fonts/LICENSES.md` for names, sources and licences.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

use ab_glyph::{Font, FontRef, GlyphId, PxScale};

use super::FontError;
use crate::domain::FontPairing;

static INTER_REGULAR: &[u8] = include_bytes!("../../assets/fonts/Inter-Regular.otf");
static INTER_SEMIBOLD: &[u8] = include_bytes!("../../assets/fonts/Inter-SemiBold.otf");
static INTER_DISPLAY_BOLD: &[u8] = include_bytes!("../../assets/fonts/InterDisplay-Bold.otf");
static SYMBOLA: &[u8] = include_bytes!("../../assets/fonts/Symbola.ttf");
static NOTO_COLOR_EMOJI: &[u8] = include_bytes!("../../assets/fonts/NotoColorEmoji.ttf");

/// The face index a layout glyph carries when no font covers its character: it is drawn as a
/// box (see `paint::draw_missing_box`), never dropped and never a face of the stack.
pub const MISSING: u8 = u8::MAX;

/// Width of the box drawn for an uncovered character, in em.
pub const MISSING_BOX_EM: f32 = 0.6;

/// One parsed face with the metrics layout needs, in em units.
pub struct Face {
    pub name: &'static str,
    pub font: FontRef<'static>,
    /// The font file and the face's index in it (a PDF embeds a subset of them).
    pub bytes: &'static [u8],
    pub index: u32,
    /// The same bytes for the shaper (HarfBuzz's algorithm: joining, reordering, marks, kerning).
    pub shaper: rustybuzz::Face<'static>,
    units_per_em: f32,
    /// `PxScale` per em: ab_glyph scales by (ascent − descent), not by the em.
    scale_per_em: f32,
    pub ascent_em: f32,
    pub descent_em: f32,
    /// Glyphs are colour bitmaps (drawn with `paint::draw_color_glyph`), not outlines.
    pub color: bool,
    /// A symbol face (Symbola): it has Latin letters too, but only draws what nothing else can.
    pub last_resort: bool,
}

impl std::fmt::Debug for Face {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Face")
            .field("name", &self.name)
            .field("color", &self.color)
            .finish_non_exhaustive()
    }
}

impl Face {
    fn load(name: &'static str, bytes: &'static [u8], index: u32) -> Result<Face, FontError> {
        let error = |reason: String| FontError { name, reason };
        let font =
            FontRef::try_from_slice_and_index(bytes, index).map_err(|e| error(e.to_string()))?;
        let shaper = rustybuzz::Face::from_slice(bytes, index)
            .ok_or_else(|| error("the shaper cannot read it".to_string()))?;
        let units_per_em = font
            .units_per_em()
            .filter(|u| *u > 0.0)
            .ok_or_else(|| error("font has no units-per-em".to_string()))?;
        let height = font.height_unscaled();
        if height.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater) {
            return Err(error("font has no vertical extent".to_string()));
        }
        Ok(Face {
            name,
            scale_per_em: height / units_per_em,
            ascent_em: font.ascent_unscaled() / units_per_em,
            descent_em: -font.descent_unscaled() / units_per_em,
            units_per_em,
            font,
            shaper,
            bytes,
            index,
            color: false,
            last_resort: false,
        })
    }

    /// A face whose glyphs are colour bitmaps; it must have one for a common emoji.
    fn load_color(name: &'static str, bytes: &'static [u8]) -> Result<Face, FontError> {
        let face = Face {
            color: true,
            ..Face::load(name, bytes, 0)?
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

    /// Font units (the shaper's positions) per em.
    pub fn units_per_em(&self) -> f32 {
        self.units_per_em
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
                    regular: Face::load("Inter Regular", INTER_REGULAR, 0)?,
                    semibold: Face::load("Inter SemiBold", INTER_SEMIBOLD, 0)?,
                    bold: Face::load("Inter Display Bold", INTER_DISPLAY_BOLD, 0)?,
                    emoji: Face {
                        last_resort: true,
                        ..Face::load("Symbola", SYMBOLA, 0)?
                    },
                    color_emoji: Face::load_color("Noto Color Emoji", NOTO_COLOR_EMOJI)?,
                })
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Titles: bold → regular → colour emoji → symbols.
    pub fn title(&self) -> FontStack<'_> {
        FontStack::new(
            [&self.bold, &self.regular, &self.color_emoji, &self.emoji],
            Weight::Bold,
        )
    }

    /// Body text: regular → bold → colour emoji → symbols.
    pub fn body(&self) -> FontStack<'_> {
        FontStack::new(
            [&self.regular, &self.bold, &self.color_emoji, &self.emoji],
            Weight::Regular,
        )
    }

    /// Titles in a brand kit's pairing: Soft's are Inter SemiBold, the others' Display Bold.
    pub fn title_for(&self, pairing: FontPairing) -> FontStack<'_> {
        match pairing {
            FontPairing::Modern | FontPairing::Strong => self.title(),
            FontPairing::Soft => FontStack::new(
                [&self.semibold, &self.bold, &self.color_emoji, &self.emoji],
                Weight::Bold,
            ),
        }
    }

    /// Body text in a brand kit's pairing: Strong's is Inter SemiBold (scripts Inter lacks in
    /// their bold Noto face, to match), the others' Regular.
    pub fn body_for(&self, pairing: FontPairing) -> FontStack<'_> {
        match pairing {
            FontPairing::Modern | FontPairing::Soft => self.body(),
            FontPairing::Strong => FontStack::new(
                [&self.semibold, &self.bold, &self.color_emoji, &self.emoji],
                Weight::Bold,
            ),
        }
    }

    /// Footer labels: semibold → regular → colour emoji → symbols.
    pub fn label(&self) -> FontStack<'_> {
        FontStack::new(
            [
                &self.semibold,
                &self.regular,
                &self.color_emoji,
                &self.emoji,
            ],
            Weight::Bold,
        )
    }

    /// The big emoji line: colour emoji first, then symbols, then text faces for stray letters.
    pub fn emoji_line(&self) -> FontStack<'_> {
        FontStack::new(
            [&self.color_emoji, &self.emoji, &self.bold, &self.regular],
            Weight::Bold,
        )
    }
}

/// A face by its name (as a PDF's text layer names them): a bundled face, or a script face
/// already loaded (one was, if a glyph of it was laid out).
pub fn face_named(name: &str) -> Option<&'static Face> {
    let fonts = Fonts::bundled().ok()?;
    let bundled = [
        &fonts.regular,
        &fonts.semibold,
        &fonts.bold,
        &fonts.emoji,
        &fonts.color_emoji,
    ];
    if let Some(face) = bundled.into_iter().find(|f| f.name == name) {
        return Some(face);
    }
    ScriptFamily::iter_all()
        .flat_map(|family| [Weight::Regular, Weight::Bold].map(|w| (family, w)))
        .filter(|(family, weight)| family.name(*weight) == name)
        .find_map(|(family, weight)| script_face(family, weight))
}

/// Which of a script family's two faces a stack draws with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weight {
    Regular,
    Bold,
}

/// The Noto family that draws a script Inter lacks. The four CJK entries are faces of one
/// collection: the same characters with each region's glyph shapes (a Japanese 直 is not a
/// Chinese one), picked per paragraph by [`CjkRegion::of`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::EnumIter, strum::EnumCount)]
pub enum ScriptFamily {
    Arabic,
    Hebrew,
    Devanagari,
    Bengali,
    Tamil,
    Thai,
    Georgian,
    Armenian,
    Ethiopic,
    CjkJapanese,
    CjkKorean,
    CjkSimplified,
    CjkTraditional,
}

impl ScriptFamily {
    /// (file stem, face index in the file) for a weight; the files are `<stem>-Regular` /
    /// `<stem>-Bold` with the extension given.
    fn source(self) -> (&'static str, &'static str, u32) {
        use ScriptFamily::*;
        match self {
            Arabic => ("NotoSansArabic", "ttf", 0),
            Hebrew => ("NotoSansHebrew", "ttf", 0),
            Devanagari => ("NotoSansDevanagari", "ttf", 0),
            Bengali => ("NotoSansBengali", "ttf", 0),
            Tamil => ("NotoSansTamil", "ttf", 0),
            Thai => ("NotoSansThai", "ttf", 0),
            Georgian => ("NotoSansGeorgian", "ttf", 0),
            Armenian => ("NotoSansArmenian", "ttf", 0),
            Ethiopic => ("NotoSansEthiopic", "ttf", 0),
            // The collection's order: JP, KR, SC, TC, HK (then the Mono faces).
            CjkJapanese => ("NotoSansCJK", "ttc", 0),
            CjkKorean => ("NotoSansCJK", "ttc", 1),
            CjkSimplified => ("NotoSansCJK", "ttc", 2),
            CjkTraditional => ("NotoSansCJK", "ttc", 3),
        }
    }

    fn name(self, weight: Weight) -> &'static str {
        use ScriptFamily::*;
        match (self, weight) {
            (Arabic, Weight::Regular) => "Noto Sans Arabic",
            (Arabic, Weight::Bold) => "Noto Sans Arabic Bold",
            (Hebrew, Weight::Regular) => "Noto Sans Hebrew",
            (Hebrew, Weight::Bold) => "Noto Sans Hebrew Bold",
            (Devanagari, Weight::Regular) => "Noto Sans Devanagari",
            (Devanagari, Weight::Bold) => "Noto Sans Devanagari Bold",
            (Bengali, Weight::Regular) => "Noto Sans Bengali",
            (Bengali, Weight::Bold) => "Noto Sans Bengali Bold",
            (Tamil, Weight::Regular) => "Noto Sans Tamil",
            (Tamil, Weight::Bold) => "Noto Sans Tamil Bold",
            (Thai, Weight::Regular) => "Noto Sans Thai",
            (Thai, Weight::Bold) => "Noto Sans Thai Bold",
            (Georgian, Weight::Regular) => "Noto Sans Georgian",
            (Georgian, Weight::Bold) => "Noto Sans Georgian Bold",
            (Armenian, Weight::Regular) => "Noto Sans Armenian",
            (Armenian, Weight::Bold) => "Noto Sans Armenian Bold",
            (Ethiopic, Weight::Regular) => "Noto Sans Ethiopic",
            (Ethiopic, Weight::Bold) => "Noto Sans Ethiopic Bold",
            (CjkJapanese, Weight::Regular) => "Noto Sans CJK JP",
            (CjkJapanese, Weight::Bold) => "Noto Sans CJK JP Bold",
            (CjkKorean, Weight::Regular) => "Noto Sans CJK KR",
            (CjkKorean, Weight::Bold) => "Noto Sans CJK KR Bold",
            (CjkSimplified, Weight::Regular) => "Noto Sans CJK SC",
            (CjkSimplified, Weight::Bold) => "Noto Sans CJK SC Bold",
            (CjkTraditional, Weight::Regular) => "Noto Sans CJK TC",
            (CjkTraditional, Weight::Bold) => "Noto Sans CJK TC Bold",
        }
    }

    /// The family for `c` by its Unicode block, with `cjk` deciding the Han, kana and Hangul
    /// faces' region. None for scripts Inter draws (and for those no bundled face has).
    pub fn of(c: char, cjk: CjkRegion) -> Option<ScriptFamily> {
        use ScriptFamily::*;
        Some(match c {
            '\u{0600}'..='\u{06FF}'
            | '\u{0750}'..='\u{077F}'
            | '\u{0870}'..='\u{08FF}'
            | '\u{FB50}'..='\u{FDFF}'
            | '\u{FE70}'..='\u{FEFF}' => Arabic,
            '\u{0590}'..='\u{05FF}' | '\u{FB1D}'..='\u{FB4F}' => Hebrew,
            '\u{0900}'..='\u{097F}' | '\u{A8E0}'..='\u{A8FF}' | '\u{1CD0}'..='\u{1CFF}' => {
                Devanagari
            }
            '\u{0980}'..='\u{09FF}' => Bengali,
            '\u{0B80}'..='\u{0BFF}' | '\u{11FC0}'..='\u{11FFF}' => Tamil,
            '\u{0E00}'..='\u{0E7F}' => Thai,
            '\u{10A0}'..='\u{10FF}' | '\u{1C90}'..='\u{1CBF}' | '\u{2D00}'..='\u{2D2F}' => Georgian,
            '\u{0530}'..='\u{058F}' | '\u{FB13}'..='\u{FB17}' => Armenian,
            '\u{1200}'..='\u{139F}'
            | '\u{2D80}'..='\u{2DDF}'
            | '\u{AB00}'..='\u{AB2F}'
            | '\u{1E7E0}'..='\u{1E7FF}' => Ethiopic,
            _ if is_cjk(c) => cjk.family(),
            _ => return None,
        })
    }
}

/// Han, kana, Hangul, bopomofo, CJK punctuation, symbols and full-width forms.
pub fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{1100}'..='\u{11FF}'
        | '\u{2E80}'..='\u{2FDF}'
        | '\u{3000}'..='\u{303F}'
        | '\u{3040}'..='\u{30FF}'
        | '\u{3100}'..='\u{312F}'
        | '\u{3130}'..='\u{318F}'
        | '\u{3190}'..='\u{31FF}'
        | '\u{3200}'..='\u{33FF}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{A960}'..='\u{A97F}'
        | '\u{AC00}'..='\u{D7FF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{FE30}'..='\u{FE4F}'
        | '\u{FF00}'..='\u{FFEF}'
        | '\u{20000}'..='\u{3134F}'
    )
}

/// Frequent characters whose Simplified and Traditional forms differ, pair by pair: enough to
/// tell a paragraph's standard, since almost any sentence has several of them.
const SIMPLIFIED_ONLY: &str = "与们这个来为爱学国会时对说经过还后发开问长门见无书东车话义让认";
const TRADITIONAL_ONLY: &str = "與們這個來為愛學國會時對說經過還後發開問長門見無書東車話義讓認";

/// Whose glyph shapes Han characters take.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CjkRegion {
    #[default]
    Simplified,
    Traditional,
    Japanese,
    Korean,
}

impl CjkRegion {
    /// The region a paragraph reads as: kana make it Japanese, Hangul Korean; other Han text is
    /// Traditional Chinese when it has more of the common characters only Traditional writes
    /// (與, 們, 這…) than of their Simplified forms, and Simplified Chinese otherwise.
    pub fn of(text: &str) -> CjkRegion {
        let (mut simplified, mut traditional) = (0usize, 0usize);
        for c in text.chars() {
            match c {
                '\u{3040}'..='\u{30FF}' | '\u{31F0}'..='\u{31FF}' => return CjkRegion::Japanese,
                '\u{1100}'..='\u{11FF}' | '\u{3130}'..='\u{318F}' | '\u{AC00}'..='\u{D7AF}' => {
                    return CjkRegion::Korean
                }
                _ if SIMPLIFIED_ONLY.contains(c) => simplified += 1,
                _ if TRADITIONAL_ONLY.contains(c) => traditional += 1,
                _ => {}
            }
        }
        if traditional > simplified {
            CjkRegion::Traditional
        } else {
            CjkRegion::Simplified
        }
    }

    fn family(self) -> ScriptFamily {
        match self {
            CjkRegion::Simplified => ScriptFamily::CjkSimplified,
            CjkRegion::Traditional => ScriptFamily::CjkTraditional,
            CjkRegion::Japanese => ScriptFamily::CjkJapanese,
            CjkRegion::Korean => ScriptFamily::CjkKorean,
        }
    }
}

/// The checkout's script fonts, where a fresh clone's binary finds them with no setting.
const CHECKOUT_SCRIPT_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/fonts/scripts");

static SCRIPT_DIR: OnceLock<PathBuf> = OnceLock::new();

/// Sets where the script fonts are (`[render] fonts_dir`, `FONTS_DIR`: an image installs them
/// beside the binary). Only the first call counts, and only before the first script is drawn;
/// answers whether this call set it.
pub fn use_script_dir(dir: PathBuf) -> bool {
    SCRIPT_DIR.set(dir).is_ok()
}

/// Where the script fonts are read from: the configured folder, else the checkout's.
pub fn script_dir() -> PathBuf {
    SCRIPT_DIR
        .get()
        .cloned()
        .unwrap_or_else(|| PathBuf::from(CHECKOUT_SCRIPT_DIR))
}

/// The script font files [`script_dir`] lacks (start-up logs them: their scripts would come out
/// as boxes).
pub fn missing_script_files() -> Vec<PathBuf> {
    let dir = script_dir();
    let mut files: Vec<PathBuf> = ScriptFamily::iter_all()
        .flat_map(|family| {
            let (stem, ext, _) = family.source();
            ["Regular", "Bold"].map(|w| dir.join(format!("{stem}-{w}.{ext}")))
        })
        .filter(|path| !path.is_file())
        .collect();
    files.dedup();
    files
}

const FAMILIES: usize = <ScriptFamily as strum::EnumCount>::COUNT;

/// Mapped font files by (file stem, weight); the four CJK faces share one file per weight.
static FILES: [[OnceLock<Option<&'static [u8]>>; 2]; FAMILIES] =
    [const { [const { OnceLock::new() }, const { OnceLock::new() }] }; FAMILIES];
static FACES: [[OnceLock<Option<Face>>; 2]; FAMILIES] =
    [const { [const { OnceLock::new() }, const { OnceLock::new() }] }; FAMILIES];

fn weight_slot(weight: Weight) -> usize {
    match weight {
        Weight::Regular => 0,
        Weight::Bold => 1,
    }
}

/// The bytes of a family's file, mapped once. The map lives as long as the process: faces
/// borrow from it, and the pages only cost memory where glyphs were read.
fn mapped(family: ScriptFamily, weight: Weight) -> Option<&'static [u8]> {
    let (stem, ext, _) = family.source();
    // Families sharing a file share its first family's slot.
    let owner = ScriptFamily::iter_all()
        .find(|f| f.source().0 == stem)
        .unwrap_or(family);
    let suffix = match weight {
        Weight::Regular => "Regular",
        Weight::Bold => "Bold",
    };
    *FILES[owner as usize][weight_slot(weight)].get_or_init(|| {
        let path = script_dir().join(format!("{stem}-{suffix}.{ext}"));
        let opened = std::fs::File::open(&path).and_then(|file| {
            // SAFETY: the file is opened read-only and mapped private; the bytes are only read.
            // A font file replaced underneath a running process is an operator's error that
            // shows as wrong glyphs, which is the same risk every system font loader takes.
            unsafe { memmap2::Mmap::map(&file) }
        });
        match opened {
            Ok(map) => Some(&**Box::leak(Box::new(map))),
            Err(e) => {
                tracing::warn!(path = %path.display(), error = %e, "script font unavailable; its characters are drawn as boxes");
                None
            }
        }
    })
}

/// A script family's face at a weight, loaded on first use (None when its file is missing or
/// unreadable: those characters are then drawn as boxes and counted).
pub fn script_face(family: ScriptFamily, weight: Weight) -> Option<&'static Face> {
    FACES[family as usize][weight_slot(weight)]
        .get_or_init(|| {
            let bytes = mapped(family, weight)?;
            match Face::load(family.name(weight), bytes, family.source().2) {
                Ok(face) => Some(face),
                Err(e) => {
                    tracing::warn!(error = %e, "script font unusable; its characters are drawn as boxes");
                    None
                }
            }
        })
        .as_ref()
}

impl ScriptFamily {
    fn iter_all() -> impl Iterator<Item = ScriptFamily> {
        <ScriptFamily as strum::IntoEnumIterator>::iter()
    }

    /// The stack face index of this family at `weight` (after the stack's own four).
    fn face_index(self, weight: Weight) -> u8 {
        4 + self as u8 * 2 + weight_slot(weight) as u8
    }

    fn from_face_index(i: u8) -> Option<(ScriptFamily, Weight)> {
        let k = usize::from(i.checked_sub(4)?);
        let family = ScriptFamily::iter_all().nth(k / 2)?;
        let weight = if k % 2 == 0 {
            Weight::Regular
        } else {
            Weight::Bold
        };
        Some((family, weight))
    }
}

/// Characters drawn as boxes because no font covers them, since the process started (the
/// `/metrics` counter reads it).
static MISSING_DRAWN: AtomicU64 = AtomicU64::new(0);

/// Counts `n` characters drawn as missing-glyph boxes.
pub fn count_missing(n: usize) {
    if n > 0 {
        MISSING_DRAWN.fetch_add(n as u64, Ordering::Relaxed);
    }
}

/// Characters drawn as missing-glyph boxes so far in this process.
pub fn missing_glyphs_drawn() -> u64 {
    MISSING_DRAWN.load(Ordering::Relaxed)
}

/// An ordered fallback chain: each character is drawn with the first face that has a glyph
/// for it: the stack's text faces, then the Noto face of the character's script (at the
/// stack's weight, in `cjk`'s region), then colour emoji and symbols.
#[derive(Debug, Clone, Copy)]
pub struct FontStack<'a> {
    faces: [&'a Face; 4],
    weight: Weight,
    cjk: CjkRegion,
}

impl<'a> FontStack<'a> {
    pub fn new(faces: [&'a Face; 4], weight: Weight) -> Self {
        FontStack {
            faces,
            weight,
            cjk: CjkRegion::default(),
        }
    }

    /// The same stack with Han characters drawn in `cjk`'s shapes.
    pub fn with_cjk(mut self, cjk: CjkRegion) -> Self {
        self.cjk = cjk;
        self
    }

    /// First face covering `c` (index into the stack) and its glyph. Control
    /// characters never resolve (Symbola maps NUL to an empty `.null` glyph).
    pub fn resolve(&self, c: char) -> Option<(u8, GlyphId)> {
        if c.is_control() {
            return None;
        }
        let script = ScriptFamily::of(c, self.cjk);
        // Pictographs (from U+2300: ⌚, ☀, ❤, ✨, ⭐, 🙏…) in colour even where a text face has a
        // monochrome glyph for them; letters, digits, punctuation and arrows stay text.
        if c >= '\u{2300}' && script.is_none() {
            if let Some(hit) = self.faces.iter().enumerate().find_map(|(i, face)| {
                face.color
                    .then(|| face.glyph(c))
                    .flatten()
                    .map(|g| (i as u8, g))
            }) {
                return Some(hit);
            }
        }
        let text_faces = || {
            self.faces
                .iter()
                .enumerate()
                .filter(|(_, face)| !face.color && !face.last_resort)
                .find_map(|(i, face)| face.glyph(c).map(|g| (i as u8, g)))
        };
        let script_face = || {
            let family = script?;
            let face = script_face(family, self.weight)?;
            face.glyph(c).map(|g| (family.face_index(self.weight), g))
        };
        // A script's own face before Inter's stray glyphs for it (Inter has a few Arabic-block
        // punctuation marks that would break a word's joining run).
        let found = if script.is_some() {
            script_face().or_else(text_faces)
        } else {
            text_faces()
        };
        found.or_else(|| {
            self.faces
                .iter()
                .enumerate()
                .find_map(|(i, face)| face.glyph(c).map(|g| (i as u8, g)))
        })
    }

    /// Face `i` of the stack (a script face past the stack's own four; clamped to the last
    /// own face for anything else, [`MISSING`] included).
    pub fn face(&self, i: u8) -> &'a Face {
        if let Some(face) = ScriptFamily::from_face_index(i)
            .and_then(|(family, weight)| script_face(family, weight))
        {
            return face;
        }
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

/// How much of `text` the fonts can draw: (characters covered, characters counted), counting
/// letters, digits, marks and symbols (not spaces or punctuation), so a reply can say when a
/// topic would come out as boxes.
pub fn coverage(text: &str) -> Result<(usize, usize), FontError> {
    let fonts = Fonts::bundled()?;
    let stack = fonts.body().with_cjk(CjkRegion::of(text));
    use unicode_properties::{GeneralCategoryGroup, UnicodeGeneralCategory};
    let counted = text.chars().filter(|c| {
        matches!(
            c.general_category_group(),
            GeneralCategoryGroup::Letter
                | GeneralCategoryGroup::Mark
                | GeneralCategoryGroup::Number
                | GeneralCategoryGroup::Symbol
        )
    });
    let (mut covered, mut total) = (0, 0);
    for c in counted {
        total += 1;
        if stack.covers(c) {
            covered += 1;
        }
    }
    Ok((covered, total))
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
