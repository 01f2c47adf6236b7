//! Per-style backgrounds and cards (everything under the text).
//!
//! Galaxy's smooth layers (gradient and glows) are evaluated on an 8-px grid and
//! bilinearly interpolated; the rest is painted row by row in `f32`, with signed
//! distances computed only near shape edges. Other shapes fill solid row spans.

use image::RgbImage;
use imageproc::drawing::{draw_antialiased_polygon_mut, draw_filled_rect_mut};
use imageproc::pixelops::interpolate;
use imageproc::point::Point;

use crate::domain::Style;

use super::layout::Rect;
use super::paint::{
    fill_circle, fill_round_rect, pixels_in, round_rect_span, sdf_round_rect, stroke_round_rect,
};
use super::style::{hsl, Frame, Palette, Rgb, INK, VIBRANT_CARD, VIBRANT_SHADOW};

/// Paints background and card for `style` onto `img` (which is `frame`-sized and filled with
/// `pal.bg`).
pub fn paint(img: &mut RgbImage, style: Style, pal: &Palette, frame: &Frame, index: usize) {
    match style {
        Style::Galaxy => galaxy(img, pal, frame, index),
        Style::Vibrant => vibrant(img, pal, frame, index),
        // Warm paper, nothing else (the canvas already is): minimal's structure comes from
        // typography and thin rules drawn with the text.
        Style::Minimal => {}
    }
}

/// SplitMix64: deterministic pseudo-random numbers for star fields and jitter.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f32 {
        (self.next_u64() >> 40) as f32 / (1u64 << 24) as f32
    }

    fn range(&mut self, lo: f32, hi: f32) -> f32 {
        lo + (hi - lo) * self.unit()
    }
}

/// A Gaussian light, screen-blended: `strength · exp(−d²/2σ²)`.
struct Glow {
    cx: f32,
    cy: f32,
    /// Colour in 0..=1 per channel.
    color: [f32; 3],
    strength: f32,
    /// −1 / 2σ².
    k: f32,
}

impl Glow {
    fn new(cx: f32, cy: f32, sigma: f32, color: [f32; 3], strength: f32) -> Glow {
        Glow {
            cx,
            cy,
            color: [color[0] / 255.0, color[1] / 255.0, color[2] / 255.0],
            strength,
            k: -1.0 / (2.0 * sigma * sigma),
        }
    }

    fn apply(&self, c: &mut [f32; 3], x: f32, y: f32) {
        let (dx, dy) = (x - self.cx, y - self.cy);
        let g = self.strength * ((dx * dx + dy * dy) * self.k).exp();
        for (ch, k) in c.iter_mut().zip(self.color) {
            *ch += (255.0 - *ch) * g * k;
        }
    }
}

/// A sharp-edged glowing planet that the frosted card blurs where it passes under it.
struct Orb {
    cx: f32,
    cy: f32,
    r: f32,
    /// Edge softness (pixels) under the glass.
    blur: f32,
    light: [f32; 3],
    dark: [f32; 3],
}

/// Spacing of the low-resolution grid on which the smooth part of the galaxy
/// (gradient + glows, all with radii of hundreds of pixels) is evaluated; full
/// resolution is bilinear interpolation of this grid.
const GRID: usize = 8;

/// Deep gradient, soft glows, a planet, stars, and a frosted-glass card.
fn galaxy(img: &mut RgbImage, pal: &Palette, frame: &Frame, index: usize) {
    let width = img.width() as usize;
    let height = img.height() as usize;
    let (w, h) = (width as f32, height as f32);
    let mut rng = Rng(0xC0FF_EE00 ^ (index as u64).wrapping_mul(0x2545_F491_4F6C_DD1D));
    let light = GalaxyLight::new(pal.hue, w, h, index, &mut rng);
    let grid = SmoothGrid::new(&light, width, height);
    let mut rows = GalaxyRows::new(width, grid.gw);
    let buf: &mut [u8] = img.as_mut();
    for (y, out_row) in buf.chunks_exact_mut(width * 3).enumerate().take(height) {
        let fy = y as f32 + 0.5;
        // 1. gradient + glows, 2. card coverage, 3. the planet, 4. frosted glass
        grid.interpolate(fy, &mut rows.coarse, &mut rows.row);
        let (outer, solid) = rows.cover_card(frame, fy);
        light.orb.draw_row(&mut rows.row, &rows.cover, fy);
        rows.frost(frame, fy, outer, solid);
        // 5. round to 8 bits (saturating float → u8 casts). Not dithered: dithering
        //    tripled PNG size (0.5 → 1.4 MB) for banding only visible at 5× contrast.
        for (o, c) in out_row.iter_mut().zip(&rows.row) {
            *o = (c + 0.5) as u8;
        }
    }
    galaxy_stars(img, &mut rng, frame);
}

/// The galaxy's smooth light: a three-stop gradient along a mostly vertical diagonal (leaning
/// left or right by slide), three glows and a planet placed from six presets, jittered.
struct GalaxyLight {
    stops: [[f32; 3]; 3],
    gx: f32,
    gy: f32,
    span: f32,
    offset: f32,
    glows: [Glow; 3],
    orb: Orb,
}

impl GalaxyLight {
    fn new(hue: f32, w: f32, h: f32, index: usize, rng: &mut Rng) -> GalaxyLight {
        let stops = [
            hsl(hue, 0.65, 0.045),
            hsl(hue + 15.0, 0.6, 0.11),
            hsl(hue + 38.0, 0.55, 0.19),
        ];
        let (gx, gy) = if index & 1 == 0 {
            (0.35f32, 1.0f32)
        } else {
            (-0.35f32, 1.0f32)
        };
        // Light layout: six presets cycled by index, jittered.
        const PRESETS: [[(f32, f32); 4]; 6] = [
            [(0.88, 0.10), (0.08, 0.80), (0.55, 0.50), (0.93, 0.86)],
            [(0.12, 0.12), (0.92, 0.72), (0.45, 0.95), (0.06, 0.30)],
            [(0.80, 0.92), (0.15, 0.25), (0.60, 0.15), (0.95, 0.14)],
            [(0.20, 0.90), (0.85, 0.20), (0.35, 0.45), (0.05, 0.92)],
            [(0.95, 0.50), (0.05, 0.12), (0.50, 0.85), (0.90, 0.06)],
            [(0.10, 0.55), (0.90, 0.92), (0.65, 0.05), (0.08, 0.08)],
        ];
        let p = PRESETS[index % PRESETS.len()];
        let mut jitter = |(x, y): (f32, f32)| {
            (
                (x + rng.range(-0.04, 0.04)) * w,
                (y + rng.range(-0.03, 0.03)) * h,
            )
        };
        let (g1, g2, g3, orb_c) = (jitter(p[0]), jitter(p[1]), jitter(p[2]), jitter(p[3]));
        let glows = [
            Glow::new(g1.0, g1.1, 0.30 * w, hsl(hue + 80.0, 0.9, 0.58), 0.60),
            Glow::new(g2.0, g2.1, 0.26 * w, hsl(hue - 40.0, 0.95, 0.55), 0.50),
            Glow::new(g3.0, g3.1, 0.38 * w, hsl(hue + 25.0, 0.8, 0.45), 0.30),
        ];
        let orb = Orb {
            cx: orb_c.0,
            cy: orb_c.1,
            r: rng.range(0.10, 0.15) * w,
            blur: 30.0,
            light: hsl(hue + 95.0, 0.95, 0.78),
            dark: hsl(hue + 40.0, 0.7, 0.28),
        };
        GalaxyLight {
            stops,
            gx,
            gy,
            span: gx.abs() * w + gy * h,
            offset: if gx < 0.0 { -gx * w } else { 0.0 },
            glows,
            orb,
        }
    }

    /// Gradient and glows at a point.
    fn at(&self, x: f32, y: f32) -> [f32; 3] {
        let stops = &self.stops;
        let t = ((self.offset + self.gx * x + self.gy * y) / self.span).clamp(0.0, 1.0);
        let (a, b, u) = if t < 0.55 {
            (stops[0], stops[1], t / 0.55)
        } else {
            (stops[1], stops[2], (t - 0.55) / 0.45)
        };
        let mut c = [
            a[0] + (b[0] - a[0]) * u,
            a[1] + (b[1] - a[1]) * u,
            a[2] + (b[2] - a[2]) * u,
        ];
        for g in &self.glows {
            g.apply(&mut c, x, y);
        }
        c
    }
}

/// The smooth layers sampled on the low-resolution grid (sample (i, j) sits at pixel centre
/// (i·G, j·G)).
struct SmoothGrid {
    samples: Vec<[f32; 3]>,
    gw: usize,
    gh: usize,
}

impl SmoothGrid {
    fn new(light: &GalaxyLight, width: usize, height: usize) -> SmoothGrid {
        let gw = width / GRID + 2;
        let gh = height / GRID + 2;
        let mut samples = vec![[0.0f32; 3]; gw * gh];
        for j in 0..gh {
            for i in 0..gw {
                samples[j * gw + i] = light.at((i * GRID) as f32, (j * GRID) as f32);
            }
        }
        SmoothGrid { samples, gw, gh }
    }

    /// Row `fy` bilinearly from the grid: vertically into `coarse`, then horizontally into `row`.
    fn interpolate(&self, fy: f32, coarse: &mut [f32], row: &mut [f32]) {
        let (gw, gh) = (self.gw, self.gh);
        let v = fy / GRID as f32;
        let j0 = (v as usize).min(gh - 2);
        let fv = v - j0 as f32;
        let (top, bottom) = (
            &self.samples[j0 * gw..(j0 + 1) * gw],
            &self.samples[(j0 + 1) * gw..(j0 + 2) * gw],
        );
        for ((c, a), b) in coarse.chunks_exact_mut(3).zip(top).zip(bottom) {
            for k in 0..3 {
                c[k] = a[k] + (b[k] - a[k]) * fv;
            }
        }
        for (i, seg) in row.chunks_exact_mut(GRID * 3).enumerate().take(gw - 1) {
            let a = [coarse[i * 3], coarse[i * 3 + 1], coarse[i * 3 + 2]];
            let d = [
                coarse[i * 3 + 3] - a[0],
                coarse[i * 3 + 4] - a[1],
                coarse[i * 3 + 5] - a[2],
            ];
            for (k, px) in seg.chunks_exact_mut(3).enumerate() {
                let u = (k as f32 + 0.5) / GRID as f32;
                px[0] = a[0] + d[0] * u;
                px[1] = a[1] + d[1] * u;
                px[2] = a[2] + d[2] * u;
            }
        }
    }
}

/// One row of the galaxy in `f32`, with the card's coverage and rim band along it.
struct GalaxyRows {
    width: usize,
    coarse: Vec<f32>,
    row: Vec<f32>,
    cover: Vec<f32>,
    edge: Vec<f32>,
}

impl GalaxyRows {
    fn new(width: usize, gw: usize) -> GalaxyRows {
        GalaxyRows {
            width,
            coarse: vec![0.0f32; gw * 3],
            row: vec![0.0f32; gw * GRID * 3],
            cover: vec![0.0f32; width],
            edge: vec![0.0f32; width],
        }
    }

    /// Card coverage on row `fy` (1 inside, anti-aliased at the edge) and the 2 px rim band;
    /// answers the card's outer and solid pixel spans.
    fn cover_card(&mut self, frame: &Frame, fy: f32) -> ((i64, i64), (i64, i64)) {
        let (card, radius) = (&frame.card, frame.radius);
        let img_w = self.width as i64;
        let mut solid = (0i64, 0i64);
        let mut outer = (0i64, 0i64);
        if let Some((o0, o1)) = round_rect_span(card, radius, 1.0, fy) {
            outer = pixels_in(o0, o1, img_w);
            solid = match round_rect_span(card, radius, -2.5, fy) {
                Some((i0, i1)) => pixels_in(i0, i1, img_w),
                None => (outer.1, outer.1),
            };
            solid = (
                solid.0.max(outer.0),
                solid.1.min(outer.1).max(solid.0.max(outer.0)),
            );
            for x in (outer.0..solid.0).chain(solid.1..outer.1) {
                let d = sdf_round_rect(x as f32 + 0.5, fy, card, radius);
                self.cover[x as usize] = (0.5 - d).clamp(0.0, 1.0);
                self.edge[x as usize] = (1.5 - (d + 1.0).abs()).clamp(0.0, 1.0);
            }
            self.cover[solid.0 as usize..solid.1 as usize].fill(1.0);
        }
        (outer, solid)
    }

    /// Frosted glass: a milky tint (stronger at the top) and a bright rim; clears the coverage
    /// for the next row.
    fn frost(&mut self, frame: &Frame, fy: f32, outer: (i64, i64), solid: (i64, i64)) {
        if outer.1 <= outer.0 {
            return;
        }
        let card = &frame.card;
        let ty = ((fy - card.y) / card.h).clamp(0.0, 1.0);
        let tint = 0.075 + 0.065 * (1.0 - ty);
        let rim = 0.55 - 0.38 * ty;
        for x in (outer.0..solid.0).chain(solid.1..outer.1) {
            let x = x as usize;
            let a = (self.cover[x] * tint + self.edge[x] * rim).min(1.0);
            for c in &mut self.row[x * 3..x * 3 + 3] {
                *c += (255.0 - *c) * a;
            }
            self.cover[x] = 0.0;
            self.edge[x] = 0.0;
        }
        for c in &mut self.row[solid.0 as usize * 3..solid.1 as usize * 3] {
            *c += (255.0 - *c) * tint;
        }
        self.cover[solid.0 as usize..solid.1 as usize].fill(0.0);
    }
}

impl Orb {
    /// The planet on row `fy`: sharp outside the card, blurred under the glass (`cover`).
    fn draw_row(&self, row: &mut [f32], cover: &[f32], fy: f32) {
        let width = cover.len();
        let dy = fy - self.cy;
        let reach = self.r + self.blur;
        if dy.abs() >= reach {
            return;
        }
        let half = (reach * reach - dy * dy).sqrt();
        let x0 = (self.cx - half).floor().max(0.0) as usize;
        let x1 = ((self.cx + half).ceil().max(0.0) as usize).min(width);
        let x0 = x0.min(x1);
        let pixels = row[x0 * 3..x1 * 3].chunks_exact_mut(3).zip(&cover[x0..x1]);
        for (x, (px, under_glass)) in (x0..x1).zip(pixels) {
            let dx = x as f32 + 0.5 - self.cx;
            let d = (dx * dx + dy * dy).sqrt();
            let sharp = (self.r - d + 0.5).clamp(0.0, 1.0);
            let soft = ((self.r - d) / (2.0 * self.blur) + 0.5).clamp(0.0, 1.0);
            let a = (sharp + (soft - sharp) * under_glass) * 0.92;
            if a <= 0.0 {
                continue;
            }
            let t = ((dx * 0.55 + dy * 0.85) / self.r * 0.5 + 0.5).clamp(0.0, 1.0);
            for ((c, light), dark) in px.iter_mut().zip(self.light).zip(self.dark) {
                let oc = light + (dark - light) * t;
                *c += (oc - *c) * a;
            }
        }
    }
}

/// Stars: crisp points outside the card only (the glass hides them).
fn galaxy_stars(img: &mut RgbImage, rng: &mut Rng, frame: &Frame) {
    let (w, h) = (img.width() as f32, img.height() as f32);
    let (card, radius) = (&frame.card, frame.radius);
    let n_stars = (w * h / 9_000.0) as usize;
    for _ in 0..n_stars {
        let (sx, sy) = (rng.range(0.0, w), rng.range(0.0, h));
        let r = 0.5 + rng.unit().powi(3) * 1.6;
        let a = rng.range(0.35, 1.0);
        if sdf_round_rect(sx, sy, card, radius) > r * 3.0 + 3.0 {
            fill_circle(img, sx, sy, r, [255, 255, 255], a);
            if r > 1.4 {
                fill_circle(img, sx, sy, r * 3.0, [255, 255, 255], 0.10);
            }
        }
    }
}

/// Bold colour blocks: a big disc, a diagonal band, a dot grid, and a cream card
/// with a thick ink border and a hard offset shadow.
fn vibrant(img: &mut RgbImage, pal: &Palette, frame: &Frame, index: usize) {
    let (w, h) = (img.width() as f32, img.height() as f32);
    let corner = index % 4;
    // big disc in the corner opposite to the band
    let (dx, dy) = match corner {
        0 => (0.92, 0.06),
        1 => (0.06, 0.94),
        2 => (0.08, 0.05),
        _ => (0.94, 0.93),
    };
    fill_circle(img, dx * w, dy * h, 0.40 * w, pal.block_a, 1.0);

    // diagonal band across the opposite corner
    let (ax, ay) = (1.0 - dx, 1.0 - dy);
    let (cx, cy) = (ax * w, ay * h);
    let len = 0.9 * w;
    let thick = 0.11 * w;
    // direction perpendicular to the corner diagonal
    let diag = std::f32::consts::FRAC_1_SQRT_2;
    let (ux, uy) = (
        if (ax > 0.5) == (ay > 0.5) {
            diag
        } else {
            -diag
        },
        diag,
    );
    let (nx, ny) = (-uy, ux);
    let pts = [
        (cx - ux * len + nx * thick, cy - uy * len + ny * thick),
        (cx + ux * len + nx * thick, cy + uy * len + ny * thick),
        (cx + ux * len - nx * thick, cy + uy * len - ny * thick),
        (cx - ux * len - nx * thick, cy - uy * len - ny * thick),
    ];
    let poly: Vec<Point<i32>> = pts
        .iter()
        .map(|&(x, y)| Point::new(x.round() as i32, y.round() as i32))
        .collect();
    draw_antialiased_polygon_mut(img, &poly, image::Rgb(pal.block_b), interpolate);

    // a strip of halftone dots in the top margin, left or right
    let card = frame.card;
    let pitch = 26.0;
    let (cols, rows) = (8usize, 2usize);
    let gx = if corner & 1 == 0 {
        card.right() - cols as f32 * pitch
    } else {
        card.x + pitch / 2.0
    };
    let gy = card.y / 2.0 - pitch * (rows as f32 - 1.0) / 2.0;
    for row in 0..rows {
        for col in 0..cols {
            fill_circle(
                img,
                gx + col as f32 * pitch,
                gy + row as f32 * pitch,
                5.5,
                INK,
                1.0,
            );
        }
    }

    // card: hard shadow, fill, ink border
    let shadow = card.translate(VIBRANT_SHADOW, VIBRANT_SHADOW);
    fill_round_rect(img, &shadow, frame.radius, INK, 1.0);
    fill_round_rect(img, &card, frame.radius, VIBRANT_CARD, 1.0);
    stroke_round_rect(img, &card, frame.radius, 6.0, INK, 1.0);
}

/// Pixel-aligned solid rectangle (rules, bars), clipped to the canvas.
pub fn solid_rect(img: &mut RgbImage, rect: &Rect, color: Rgb) {
    let x = rect.x.round() as i32;
    let y = rect.y.round() as i32;
    let w = rect.w.round().max(0.0) as u32;
    let h = rect.h.round().max(0.0) as u32;
    if w > 0 && h > 0 {
        draw_filled_rect_mut(
            img,
            imageproc::rect::Rect::at(x, y).of_size(w, h),
            image::Rgb(color),
        );
    }
}
