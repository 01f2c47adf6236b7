//! A user's brand kit as the renderer draws it (issue 35): the display name beside the handle,
//! the avatar and logo in the footer, an accent colour made legible on each style, and the
//! font pairing.
use std::sync::Arc;

use image::imageops::FilterType;
use image::{RgbImage, RgbaImage};

use crate::domain::FontPairing;

use super::layout::Rect;
use super::paint::blend;
use super::style::{contrast, hsl, to_rgb, Rgb};

/// What of a brand kit a slide carries. The default is no brand at all: slides look exactly as
/// they did before brand kits.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SlideBrand {
    /// Display name beside the handle; empty: none drawn.
    pub name: String,
    /// None: each style's own colours.
    pub accent: Option<[u8; 3]>,
    pub fonts: FontPairing,
    /// Drawn as a circle at the footer's reading start.
    pub avatar: Option<Arc<RgbaImage>>,
    /// Drawn at the footer's reading end, before the counter.
    pub logo: Option<Arc<RgbaImage>>,
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

/// `src` scaled to cover a `d`×`d` square (centre-cropped to a square first).
pub fn square_cover(src: &RgbaImage, d: u32) -> RgbaImage {
    let side = src.width().min(src.height()).max(1);
    let (x, y) = ((src.width() - side) / 2, (src.height() - side) / 2);
    let square = image::imageops::crop_imm(src, x, y, side, side).to_image();
    image::imageops::resize(&square, d.max(1), d.max(1), FilterType::CatmullRom)
}

/// The size a logo `w`×`h` takes at most `max_w`×`max_h`, aspect kept.
pub fn fit_size(w: u32, h: u32, max_w: f32, max_h: f32) -> (u32, u32) {
    if w == 0 || h == 0 {
        return (0, 0);
    }
    let s = (max_w / w as f32).min(max_h / h as f32);
    (
        ((w as f32 * s).round() as u32).max(1),
        ((h as f32 * s).round() as u32).max(1),
    )
}

/// Blends `src` (already at its drawn size) with its alpha at `(x, y)`, masked to a circle
/// inscribed in it (anti-aliased edge) when `circle`, never outside `clip`.
pub fn draw_rgba(img: &mut RgbImage, src: &RgbaImage, x: i64, y: i64, circle: bool, clip: &Rect) {
    let r = src.width().min(src.height()) as f32 / 2.0;
    let (cx, cy) = (src.width() as f32 / 2.0, src.height() as f32 / 2.0);
    for (sx, sy, p) in src.enumerate_pixels() {
        let (px, py) = (x + i64::from(sx), y + i64::from(sy));
        if !clip.contains_point(px as f32 + 0.5, py as f32 + 0.5) {
            continue;
        }
        let mut a = f32::from(p.0[3]) / 255.0;
        if circle {
            let (dx, dy) = (sx as f32 + 0.5 - cx, sy as f32 + 0.5 - cy);
            a *= (r - (dx * dx + dy * dy).sqrt() + 0.5).clamp(0.0, 1.0);
        }
        blend(img, px, py, [p.0[0], p.0[1], p.0[2]], a);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hsl_round_trips_through_rgb() {
        for c in [[255, 136, 0], [17, 24, 39], [245, 196, 0], [124, 92, 255]] {
            let (h, s, l) = to_hsl(c);
            let back = to_rgb(hsl(h, s, l));
            assert!(
                c.iter().zip(back).all(|(a, b)| a.abs_diff(b) <= 1),
                "{c:?} {back:?}"
            );
        }
    }

    #[test]
    fn an_accent_too_close_to_its_surface_moves_away_in_lightness_until_it_reaches_3_to_1() {
        let paper = [0xF6, 0xF3, 0xEE];
        let yellow = legible([0xf5, 0xc4, 0x00], paper);
        assert!(contrast(yellow, paper) >= 3.0);
        assert!(super::super::style::luminance(yellow) < 0.5, "darkened");
        let night = [0x12, 0x10, 0x20];
        let navy = legible([0x11, 0x18, 0x27], night);
        assert!(contrast(navy, night) >= 3.0);
        assert_eq!(legible([0xff, 0x88, 0x00], night), [0xff, 0x88, 0x00]);
    }

    #[test]
    fn a_logo_keeps_its_aspect_within_its_box() {
        assert_eq!(fit_size(400, 100, 160.0, 48.0), (160, 40));
        assert_eq!(fit_size(100, 100, 160.0, 48.0), (48, 48));
        assert_eq!(fit_size(0, 100, 160.0, 48.0), (0, 0));
    }
}
