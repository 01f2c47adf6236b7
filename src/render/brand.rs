//! A user's brand kit as the renderer draws it (issue 35): the display name beside the handle,
//! the avatar and logo in the footer, an accent colour made legible on each style, and the
//! font pairing.
use std::sync::Arc;

use image::imageops::FilterType;
use image::{RgbImage, RgbaImage};

use crate::domain::FontPairing;

use super::layout::Rect;
use super::paint::blend;
#[cfg(test)]
use super::style::{contrast, hsl, to_rgb};

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

pub use super::style::{legible, to_hsl, ACCENT_CONTRAST};

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
