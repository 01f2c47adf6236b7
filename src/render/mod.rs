//! Slide rendering engine: turns [`Slide`]s into Instagram-ready PNG/JPEG images
//! (1080×1350 or 1080×1080) in three styles, and a carousel into a PDF.
//!
//! Synchronous and CPU-bound: slides of a carousel render in parallel on rayon's
//! pool; async callers should wrap calls in `tokio::task::spawn_blocking`.
//!
//! Text handling: input is sanitised (control characters, NUL, bidi overrides and
//! invisible format characters removed, see [`text::sanitize`]); each character is
//! drawn with the first font that covers it (title/body face → the other Inter weight → the
//! Noto face of its script, memory-mapped on first use → Noto Color Emoji → Symbola for
//! symbols; pictographs from U+2300 go to the colour face first); runs are shaped, ordered by
//! UAX #9 and broken by UAX #14 (see [`layout`]). A character no font covers is drawn as a
//! box and counted ([`fonts::missing_glyphs_drawn`]), never dropped silently. Right-to-left
//! slides mirror: text at the right, handle and counter swapped.

pub mod background;
pub mod brand;
mod compose;
mod encode;
pub mod fonts;
mod jpeg_segments;
pub mod layout;
pub mod paint;
pub mod pdf;
mod pipeline;
pub mod preview;
pub mod samples;
pub mod style;
pub mod text;
pub mod tile_cache;
mod turbo;

#[cfg(test)]
mod tests;

use image::RgbImage;

use crate::domain::{ImageFormat, Slide, SlideSize, Style};

use self::layout::{Rect, SizeRange};
use self::style::Frame;

pub use self::brand::SlideBrand;
use self::compose::draw_on;
pub use self::encode::encode;
pub use self::pdf::render_pdf;
pub use self::pipeline::{backdrop_of, backdrop_variants, warm_up};
use self::pipeline::{render_indexed, Backdrop};

/// How to render a carousel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderOptions {
    pub style: Style,
    pub size: SlideSize,
    pub format: ImageFormat,
    /// JPEG quality 1–100 (values outside are clamped); ignored for PNG.
    pub jpeg_quality: u8,
    /// Shown in every slide's footer, e.g. "@bible_vibecoder_bot".
    pub handle: String,
    /// The user's brand kit: name, avatar, logo, accent, fonts (default: none).
    pub brand: SlideBrand,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            style: Style::Galaxy,
            size: SlideSize::Portrait,
            format: ImageFormat::Png,
            jpeg_quality: 90,
            handle: "@bible_vibecoder_bot".to_string(),
            brand: SlideBrand::default(),
        }
    }
}

/// One encoded slide.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderedSlide {
    /// 0-based position in the carousel.
    pub index: usize,
    pub bytes: Vec<u8>,
    pub width: u32,
    pub height: u32,
    pub format: ImageFormat,
    /// The text drawn on it, glyph by glyph: the PDF's selectable layer.
    pub text: Vec<TextLine>,
}

/// One drawn line of text: what it says and where each glyph went, in canvas pixels.
#[derive(Debug, Clone, PartialEq)]
pub struct TextLine {
    /// The line in reading order, as a copy should paste it.
    pub text: String,
    /// Pixels per em.
    pub font_size: f32,
    /// In visual order.
    pub glyphs: Vec<TextGlyph>,
}

/// One outline glyph of a [`TextLine`]: its face (by name, see [`fonts::face_named`]), id, pen
/// position on the baseline, and the characters it stands for.
#[derive(Debug, Clone, PartialEq)]
pub struct TextGlyph {
    pub face: &'static str,
    pub id: u16,
    pub x: f32,
    pub y: f32,
    pub text: String,
}

impl RenderedSlide {
    /// "slide-01.png", "slide-02.jpg", … (1-based, two digits).
    pub fn file_name(&self) -> String {
        let ext = match self.format {
            ImageFormat::Png => "png",
            ImageFormat::Jpeg => "jpg",
        };
        format!("slide-{:02}.{ext}", self.index + 1)
    }

    pub fn mime(&self) -> &'static str {
        match self.format {
            ImageFormat::Png => "image/png",
            ImageFormat::Jpeg => "image/jpeg",
        }
    }
}

/// A bundled font that failed to parse (a build problem, not an input problem).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("bundled font {name} is unusable: {reason}")]
pub struct FontError {
    pub name: &'static str,
    pub reason: String,
}

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("no slides to render")]
    Empty,
    #[error("slide index {index} is outside a carousel of {total} slides")]
    IndexOutOfRange { index: usize, total: usize },
    #[error(transparent)]
    Font(#[from] FontError),
    #[error("failed to encode slide {} as {format}", slide + 1)]
    Encode {
        slide: usize,
        format: ImageFormat,
        #[source]
        source: image::ImageError,
    },
    #[error("cannot put slide {} into the PDF: {reason}", slide + 1)]
    Pdf { slide: usize, reason: String },
    #[error("cannot embed the font {face} in the PDF: {reason}")]
    PdfFont { face: &'static str, reason: String },
}

/// Renders one slide (`index` is 0-based, `total` the carousel length for the n/N counter).
pub fn render_slide(
    slide: &Slide,
    index: usize,
    total: usize,
    opts: &RenderOptions,
) -> Result<RenderedSlide, RenderError> {
    if index >= total {
        return Err(RenderError::IndexOutOfRange { index, total });
    }
    let mut one = render_indexed(&[(index, slide)], total, opts)?;
    one.pop().ok_or(RenderError::Empty)
}

/// Renders all slides in parallel (rayon); the result is in slide order.
pub fn render_carousel(
    slides: &[Slide],
    opts: &RenderOptions,
) -> Result<Vec<RenderedSlide>, RenderError> {
    render_range(slides, 0..slides.len(), opts)
}

/// Renders slides `range` of a carousel in parallel, numbered within the whole carousel: the
/// images are identical to the same slides of [`render_carousel`].
pub fn render_range(
    slides: &[Slide],
    range: std::ops::Range<usize>,
    opts: &RenderOptions,
) -> Result<Vec<RenderedSlide>, RenderError> {
    if slides.is_empty() || range.is_empty() {
        return Err(RenderError::Empty);
    }
    let total = slides.len();
    if range.end > total {
        return Err(RenderError::IndexOutOfRange {
            index: range.end - 1,
            total,
        });
    }
    let items: Vec<(usize, &Slide)> = range.map(|i| (i, &slides[i])).collect();
    render_indexed(&items, total, opts)
}

/// Draws one slide into an RGB image without encoding it (used by tests and benches).
pub fn render_image(
    slide: &Slide,
    index: usize,
    total: usize,
    opts: &RenderOptions,
) -> Result<RgbImage, RenderError> {
    if index >= total {
        return Err(RenderError::IndexOutOfRange { index, total });
    }
    render_image_traced(slide, index, total, opts).map(|(img, _)| img)
}

/// What a piece of drawn text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextRole {
    Numeral,
    Emoji,
    Title,
    Body,
    Counter,
    Handle,
    /// The brand kit's display name, beside the handle.
    Name,
    /// Not text: where the brand avatar was drawn (`lines[0]` is its box; no glyphs).
    Avatar,
    /// Not text: where the brand logo was drawn (`lines[0]` is its box; no glyphs).
    Logo,
}

/// Where a piece of text was drawn, in canvas pixels.
#[derive(Debug, Clone, PartialEq)]
pub struct PlacedText {
    pub role: TextRole,
    pub font_size: f32,
    /// The size range layout was allowed to use.
    pub sizes: SizeRange,
    /// Layout boxes of the lines.
    pub lines: Vec<Rect>,
    /// Union of the glyph outlines' pixel bounds (None when nothing has ink).
    pub ink: Option<Rect>,
    pub truncated: bool,
    /// What was drawn, lines joined with `\n`, in reading order (an ellipsis where cut).
    pub text: String,
    /// Characters drawn as boxes because no font covers them.
    pub missing: usize,
    /// The text reads right to left.
    pub rtl: bool,
    /// The lines glyph by glyph (outline glyphs only: colour emoji and boxes have no text face).
    pub glyph_lines: Vec<TextLine>,
}

/// Like [`render_image`], also returning every piece of text placed on the slide
/// (for tests and debugging: lets callers check placement without pixels).
pub fn render_image_traced(
    slide: &Slide,
    index: usize,
    total: usize,
    opts: &RenderOptions,
) -> Result<(RgbImage, Vec<PlacedText>), RenderError> {
    if index >= total {
        return Err(RenderError::IndexOutOfRange { index, total });
    }
    let variant = backdrop_of(opts.style, index);
    let backdrop = Backdrop::draw(opts.style, opts.size, variant, total, opts.brand.accent);
    draw_on(
        std::sync::Arc::unwrap_or_clone(backdrop.image),
        slide,
        index,
        total,
        opts,
    )
}

/// The card rectangle for a style and size: every text pixel lies inside it.
pub fn card_rect(style: Style, size: SlideSize) -> Rect {
    Frame::new(style, size).card
}
