//! Visual themes: card geometry per style and size, colours per slide index,
//! and the text specifications (size ranges, line heights).

use crate::domain::{SlideKind, SlideSize, Style};

use super::layout::{Align, Rect, SizeRange, TextSpec};

/// An sRGB colour.
pub type Rgb = [u8; 3];

pub const fn hex(v: u32) -> Rgb {
    [(v >> 16) as u8, (v >> 8) as u8, v as u8]
}

/// HSL (hue in degrees, saturation and lightness in 0..=1) to sRGB in 0.0..=255.0.
pub fn hsl(h: f32, s: f32, l: f32) -> [f32; 3] {
    let h = h.rem_euclid(360.0) / 60.0;
    let c = (1.0 - (2.0 * l - 1.0).abs()) * s;
    let x = c * (1.0 - (h % 2.0 - 1.0).abs());
    let (r, g, b) = match h as u32 {
        0 => (c, x, 0.0),
        1 => (x, c, 0.0),
        2 => (0.0, c, x),
        3 => (0.0, x, c),
        4 => (x, 0.0, c),
        _ => (c, 0.0, x),
    };
    let m = l - c / 2.0;
    [(r + m) * 255.0, (g + m) * 255.0, (b + m) * 255.0]
}

/// Relative luminance (WCAG) in 0..=1.
pub fn luminance(c: Rgb) -> f32 {
    let lin = |v: u8| {
        let v = f32::from(v) / 255.0;
        if v <= 0.040_45 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2])
}

/// WCAG contrast ratio between two colours (1..=21).
pub fn contrast(a: Rgb, b: Rgb) -> f32 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

pub fn to_rgb(c: [f32; 3]) -> Rgb {
    [
        c[0].round().clamp(0.0, 255.0) as u8,
        c[1].round().clamp(0.0, 255.0) as u8,
        c[2].round().clamp(0.0, 255.0) as u8,
    ]
}

/// Where things go on a slide. All text is laid out inside `content` and
/// `footer`, both of which lie inside `card`; drawing is clipped to `card`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Frame {
    pub width: u32,
    pub height: u32,
    pub card: Rect,
    pub radius: f32,
    /// Emoji line, title and body.
    pub content: Rect,
    /// Handle (left) and n/N counter (right).
    pub footer: Rect,
}

impl Frame {
    pub fn new(style: Style, size: SlideSize) -> Frame {
        let (w, h) = (size.width() as f32, size.height() as f32);
        let square = size == SlideSize::Square;
        // card margins (left/right, top, bottom), corner radius, inner padding
        let (mx, mt, mb, radius, pad) = match (style, square) {
            (Style::Galaxy, false) => (60.0, 60.0, 60.0, 48.0, 76.0),
            (Style::Galaxy, true) => (52.0, 52.0, 52.0, 44.0, 68.0),
            (Style::Vibrant, false) => (64.0, 84.0, 96.0, 36.0, 68.0),
            (Style::Vibrant, true) => (60.0, 64.0, 80.0, 32.0, 60.0),
            // minimal's card is invisible; its padding only leaves room for glyph
            // overhang (e.g. the hook of a bold "j" left of its advance box)
            (Style::Minimal, false) => (72.0, 80.0, 64.0, 0.0, 24.0),
            (Style::Minimal, true) => (64.0, 64.0, 48.0, 0.0, 24.0),
        };
        // Vibrant's hard shadow sits to the right of the card, so its card is narrower.
        let shadow = if style == Style::Vibrant {
            VIBRANT_SHADOW
        } else {
            0.0
        };
        let card = Rect::new(mx, mt, w - 2.0 * mx - shadow, h - mt - mb);
        let inner = card.inset(pad, pad);
        let footer_h = if square { 48.0 } else { 52.0 };
        let gap = if square { 36.0 } else { 48.0 };
        let footer = Rect::new(inner.x, inner.bottom() - footer_h, inner.w, footer_h);
        let content = Rect::new(
            inner.x,
            inner.y,
            inner.w,
            (inner.h - footer_h - gap).max(0.0),
        );
        Frame {
            width: size.width(),
            height: size.height(),
            card,
            radius,
            content,
            footer,
        }
    }
}

pub const VIBRANT_SHADOW: f32 = 16.0;

/// Text specifications for one slide.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Typography {
    /// Em size of the big emoji line.
    pub emoji_size: f32,
    pub title: TextSpec,
    pub body: TextSpec,
    pub label: TextSpec,
    /// Vertical gaps: after the emoji line, after the title.
    pub gap_emoji: f32,
    pub gap_title: f32,
}

impl Typography {
    pub fn new(style: Style, size: SlideSize, kind: SlideKind) -> Typography {
        let square = size == SlideSize::Square;
        let headline = matches!(kind, SlideKind::Title | SlideKind::Cta);
        let title_sizes = match (square, headline) {
            (false, true) => SizeRange::new(112.0, 56.0),
            (false, false) => SizeRange::new(92.0, 50.0),
            (true, true) => SizeRange::new(96.0, 48.0),
            (true, false) => SizeRange::new(80.0, 44.0),
        };
        let body_sizes = match (square, kind == SlideKind::Quote) {
            (false, true) => SizeRange::new(58.0, 28.0),
            (true, true) => SizeRange::new(52.0, 26.0),
            (false, false) => SizeRange::new(46.0, 28.0),
            (true, false) => SizeRange::new(42.0, 26.0),
        };
        let align = if headline && style != Style::Minimal {
            Align::Center
        } else {
            Align::Start
        };
        Typography {
            emoji_size: if square { 104.0 } else { 128.0 },
            title: TextSpec::new(title_sizes).line_height(1.08).align(align),
            body: TextSpec::new(body_sizes).line_height(1.38).align(align),
            label: TextSpec::new(SizeRange::new(30.0, 22.0))
                .line_height(1.3)
                .max_lines(1),
            gap_emoji: if square { 28.0 } else { 40.0 },
            gap_title: if square { 28.0 } else { 36.0 },
        }
    }
}

/// Colours of one slide.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Palette {
    pub title: Rgb,
    pub body: Rgb,
    pub body_alpha: f32,
    pub emoji: Rgb,
    pub label: Rgb,
    pub label_alpha: f32,
    pub accent: Rgb,
    /// Background hue (galaxy) in degrees.
    pub hue: f32,
    /// Background / block colours (vibrant), paper (minimal).
    pub bg: Rgb,
    pub block_a: Rgb,
    pub block_b: Rgb,
    /// The brand kit's accent as given (None: the style's own colours). Part of the palette so
    /// that backdrops cached by palette are never shared between different accents.
    pub brand: Option<Rgb>,
}

/// Vibrant's colour schemes (background, block A, block B), one per backdrop: slides cycle
/// through them, so each is drawn once per carousel.
pub const VIBRANT: [(u32, u32, u32); 3] = [
    (0xFF5A36, 0xFFC531, 0x2D5BFF),
    (0x2D5BFF, 0xFF7AC6, 0xFFC531),
    (0xFFC531, 0xFF5A36, 0x00B88A),
];

const MINIMAL_ACCENTS: [u32; 6] = [0xC8553D, 0x2E5EAA, 0x3C8D5A, 0x8E44AD, 0xB8860B, 0x1F7A8C];

pub const VIBRANT_CARD: Rgb = hex(0xFFF8EC);
pub const INK: Rgb = hex(0x141414);
pub const MINIMAL_PAPER: Rgb = hex(0xF6F3EE);

/// The brightest glass a galaxy accent sits on (rule, bar and progress over the frosted card).
pub const GALAXY_GLASS: Rgb = hex(0x6A4A9A);

impl Palette {
    /// The style's own colours for slide `index` of `total`.
    pub fn new(style: Style, index: usize, total: usize) -> Palette {
        Palette::branded(style, index, total, None)
    }

    /// The colours of slide `index` with a brand accent (None: exactly [`Palette::new`]'s). The
    /// accent is made legible (at least 3:1) against what it sits on: galaxy's glass, vibrant's
    /// ink outline (as the page) and cream card (as the progress bar), minimal's paper.
    pub fn branded(style: Style, index: usize, total: usize, brand: Option<Rgb>) -> Palette {
        let own = Palette::own(style, index, total);
        let Some(raw) = brand else {
            return own;
        };
        let on = |surface: Rgb| legible(raw, surface);
        match style {
            Style::Galaxy => Palette {
                accent: on(GALAXY_GLASS),
                brand,
                ..own
            },
            Style::Vibrant => {
                // The accent is the page on every slide; a decoration block that would vanish
                // on it takes the scheme's own page colour instead.
                let bg = on(INK);
                let (scheme_bg, _, _) = VIBRANT[index % VIBRANT.len()];
                let apart = |block: Rgb| {
                    if contrast(block, bg) < 1.5 {
                        hex(scheme_bg)
                    } else {
                        block
                    }
                };
                let block_a = apart(own.block_a);
                Palette {
                    accent: on(VIBRANT_CARD),
                    emoji: badge_ink(block_a),
                    bg,
                    block_a,
                    block_b: apart(own.block_b),
                    brand,
                    ..own
                }
            }
            Style::Minimal => {
                let accent = on(MINIMAL_PAPER);
                Palette {
                    accent,
                    emoji: accent,
                    brand,
                    ..own
                }
            }
        }
    }

    fn own(style: Style, index: usize, total: usize) -> Palette {
        match style {
            Style::Galaxy => {
                let t = if total > 1 {
                    index as f32 / (total - 1) as f32
                } else {
                    0.0
                };
                let hue = 228.0 + 72.0 * t;
                Palette {
                    title: hex(0xFFFFFF),
                    body: to_rgb(hsl(hue, 0.5, 0.94)),
                    body_alpha: 0.88,
                    emoji: to_rgb(hsl(hue + 75.0, 1.0, 0.86)),
                    label: hex(0xFFFFFF),
                    label_alpha: 0.72,
                    accent: to_rgb(hsl(hue + 75.0, 0.95, 0.72)),
                    hue,
                    bg: to_rgb(hsl(hue, 0.6, 0.08)),
                    block_a: to_rgb(hsl(hue + 75.0, 0.85, 0.6)),
                    block_b: to_rgb(hsl(hue - 45.0, 0.9, 0.55)),
                    brand: None,
                }
            }
            Style::Vibrant => {
                let (bg, a, b) = VIBRANT[index % VIBRANT.len()];
                Palette {
                    title: INK,
                    body: hex(0x2A2A2A),
                    body_alpha: 1.0,
                    // the emoji sits on a `block_a` badge: ink or cream, whichever contrasts more
                    emoji: badge_ink(hex(a)),
                    label: INK,
                    label_alpha: 1.0,
                    accent: hex(bg),
                    hue: 0.0,
                    bg: hex(bg),
                    block_a: hex(a),
                    block_b: hex(b),
                    brand: None,
                }
            }
            Style::Minimal => {
                let accent = hex(MINIMAL_ACCENTS[index % MINIMAL_ACCENTS.len()]);
                Palette {
                    title: INK,
                    body: hex(0x3B3936),
                    body_alpha: 1.0,
                    emoji: accent,
                    label: hex(0x6F6A62),
                    label_alpha: 1.0,
                    accent,
                    hue: 0.0,
                    bg: MINIMAL_PAPER,
                    block_a: hex(0xE9E4DA),
                    block_b: hex(0xD9D3C7),
                    brand: None,
                }
            }
        }
    }
}

/// Ink or cream, whichever contrasts more with a vibrant badge of colour `badge`.
fn badge_ink(badge: Rgb) -> Rgb {
    if contrast(INK, badge) >= contrast(VIBRANT_CARD, badge) {
        INK
    } else {
        VIBRANT_CARD
    }
}

/// Default emoji for each slide kind, used when a title has no leading emoji.
/// Every one is covered by the bundled emoji font (tested).
pub fn default_emoji(kind: SlideKind) -> char {
    match kind {
        SlideKind::Title => '✨',
        SlideKind::Problem => '🤔',
        SlideKind::Idea => '💡',
        SlideKind::Example => '🔍',
        SlideKind::Quote => '💬',
        SlideKind::Cta => '🚀',
    }
}

/// The least contrast an accent keeps against what it sits on (WCAG's for non-text graphics).
pub const ACCENT_CONTRAST: f32 = 3.0;

/// sRGB to HSL (hue in degrees, saturation and lightness in 0..=1).
pub fn to_hsl(c: Rgb) -> (f32, f32, f32) {
    let [r, g, b] = c.map(|v| f32::from(v) / 255.0);
    let (max, min) = (r.max(g).max(b), r.min(g).min(b));
    let l = (max + min) / 2.0;
    let d = max - min;
    if d <= f32::EPSILON {
        return (0.0, 0.0, l);
    }
    let s = d / (1.0 - (2.0 * l - 1.0).abs()).max(f32::EPSILON);
    let h = if max == r {
        60.0 * ((g - b) / d).rem_euclid(6.0)
    } else if max == g {
        60.0 * ((b - r) / d + 2.0)
    } else {
        60.0 * ((r - g) / d + 4.0)
    };
    (h, s.min(1.0), l)
}

/// `accent` with its lightness moved (hue and saturation kept) just far enough to reach
/// [`ACCENT_CONTRAST`] against `surface`: lighter on dark surfaces, darker on light ones.
/// An accent that already contrasts enough is returned as it is.
pub fn legible(accent: Rgb, surface: Rgb) -> Rgb {
    // a small margin: the anti-aliased edges and 8-bit rounding must not fall below 3:1
    let target = ACCENT_CONTRAST + 0.05;
    if contrast(accent, surface) >= target {
        return accent;
    }
    let (h, s, l) = to_hsl(accent);
    let dark_surface = contrast([255, 255, 255], surface) >= contrast([0, 0, 0], surface);
    let step = if dark_surface { 0.01 } else { -0.01 };
    let mut l = l;
    for _ in 0..100 {
        l = (l + step).clamp(0.0, 1.0);
        let c = to_rgb(hsl(h, s, l));
        if contrast(c, surface) >= target {
            return c;
        }
    }
    to_rgb(hsl(h, s, l))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::fonts::Fonts;

    #[test]
    fn content_and_footer_lie_inside_the_card_for_every_style_and_size() {
        for &style in Style::ALL {
            for &size in SlideSize::ALL {
                let f = Frame::new(style, size);
                let canvas = Rect::new(0.0, 0.0, size.width() as f32, size.height() as f32);
                assert!(canvas.contains(&f.card, 0.0), "{style} {size}");
                assert!(f.card.contains(&f.content, 0.0), "{style} {size}");
                assert!(f.card.contains(&f.footer, 0.0), "{style} {size}");
                assert!(f.content.bottom() < f.footer.y, "{style} {size}");
                assert!(
                    f.content.w > 700.0 && f.content.h > 600.0,
                    "{style} {size}: {:?}",
                    f.content
                );
            }
        }
    }

    #[test]
    fn default_emoji_are_all_drawable() {
        let fonts = match Fonts::bundled() {
            Ok(f) => f,
            Err(e) => panic!("{e}"),
        };
        for &kind in SlideKind::ALL {
            assert!(fonts.emoji.glyph(default_emoji(kind)).is_some(), "{kind}");
        }
    }

    #[test]
    fn neighbouring_slides_get_different_colours_in_every_style() {
        for &style in Style::ALL {
            for i in 0..9 {
                let a = Palette::new(style, i, 10);
                let b = Palette::new(style, i + 1, 10);
                assert!(
                    a.accent != b.accent || a.hue != b.hue || a.bg != b.bg,
                    "{style} {i}"
                );
            }
        }
    }

    #[test]
    fn text_colours_contrast_with_their_background() {
        for i in 0..12 {
            let v = Palette::new(Style::Vibrant, i, 12);
            assert!(contrast(v.title, VIBRANT_CARD) >= 7.0);
            assert!(
                contrast(v.emoji, v.block_a) >= 3.0,
                "vibrant badge {i}: {:?} on {:?}",
                v.emoji,
                v.block_a
            );
            let m = Palette::new(Style::Minimal, i, 12);
            assert!(contrast(m.body, m.bg) >= 7.0);
            assert!(contrast(m.label, m.bg) >= 4.5);
            let g = Palette::new(Style::Galaxy, i, 12);
            // galaxy text sits on the glass over a dark gradient: white vs the brightest likely backdrop
            assert!(contrast(g.title, hex(0x6A4A9A)) >= 4.5);
        }
    }

    #[test]
    fn hsl_hits_primary_colours() {
        assert_eq!(to_rgb(hsl(0.0, 1.0, 0.5)), [255, 0, 0]);
        assert_eq!(to_rgb(hsl(120.0, 1.0, 0.5)), [0, 255, 0]);
        assert_eq!(to_rgb(hsl(240.0, 1.0, 0.5)), [0, 0, 255]);
        assert_eq!(to_rgb(hsl(0.0, 0.0, 1.0)), [255, 255, 255]);
    }
}
