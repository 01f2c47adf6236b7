//! Anti-aliased drawing primitives on an RGB canvas, and text drawing from a
//! [`Layout`]. Everything is clipped to the canvas; text is also clipped to a
//! caller-given rectangle (the card).

use std::collections::HashMap;
use std::sync::Arc;

use ab_glyph::{point, Font, Glyph, GlyphId};
use image::RgbImage;

use super::fonts::{Face, FontStack, MISSING, MISSING_BOX_EM};
use super::layout::{Layout, Rect};
use super::style::Rgb;

/// Blends `color` over pixel `(x, y)` with opacity `a` (0..=1). Out-of-canvas is ignored.
#[inline]
pub fn blend(img: &mut RgbImage, x: i64, y: i64, color: Rgb, a: f32) {
    if a <= 0.0 || x < 0 || y < 0 || x >= i64::from(img.width()) || y >= i64::from(img.height()) {
        return;
    }
    let a = a.min(1.0);
    let idx = (y as usize * img.width() as usize + x as usize) * 3;
    let buf: &mut [u8] = img.as_mut();
    if let Some(px) = buf.get_mut(idx..idx + 3) {
        for (p, c) in px.iter_mut().zip(color) {
            let v = f32::from(*p) + (f32::from(c) - f32::from(*p)) * a;
            *p = (v + 0.5) as u8;
        }
    }
}

/// Signed distance from point to a rounded rectangle (negative inside).
#[inline]
pub fn sdf_round_rect(px: f32, py: f32, rect: &Rect, radius: f32) -> f32 {
    let r = radius.clamp(0.0, rect.w.min(rect.h) / 2.0);
    let hx = rect.w / 2.0 - r;
    let hy = rect.h / 2.0 - r;
    let qx = (px - (rect.x + rect.w / 2.0)).abs() - hx;
    let qy = (py - (rect.y + rect.h / 2.0)).abs() - hy;
    let ox = qx.max(0.0);
    let oy = qy.max(0.0);
    (ox * ox + oy * oy).sqrt() + qx.max(qy).min(0.0) - r
}

/// Integer pixel bounds `[x0, x1) × [y0, y1)` of `rect` grown by `grow`, clipped to the canvas.
fn pixel_bounds(img: &RgbImage, rect: &Rect, grow: f32) -> (i64, i64, i64, i64) {
    let x0 = ((rect.x - grow).floor() as i64).max(0);
    let y0 = ((rect.y - grow).floor() as i64).max(0);
    let x1 = ((rect.right() + grow).ceil() as i64).min(i64::from(img.width()));
    let y1 = ((rect.bottom() + grow).ceil() as i64).min(i64::from(img.height()));
    (x0, y0, x1, y1)
}

/// Horizontal extent `(x0, x1)` at height `fy` of the rounded rectangle offset
/// by `off` pixels (positive grows, negative shrinks), or `None` if the row
/// misses it. The offset shape is exactly the set `sdf_round_rect <= off`.
pub fn round_rect_span(rect: &Rect, radius: f32, off: f32, fy: f32) -> Option<(f32, f32)> {
    let r0 = radius.clamp(0.0, rect.w.min(rect.h) / 2.0);
    let (hx, hy) = (rect.w / 2.0 - r0, rect.h / 2.0 - r0);
    let (hx, hy, r) = if off >= -r0 {
        (hx, hy, r0 + off)
    } else {
        (hx + r0 + off, hy + r0 + off, 0.0)
    };
    if hx < 0.0 || hy < 0.0 {
        return None;
    }
    let cx = rect.x + rect.w / 2.0;
    let qy = (fy - (rect.y + rect.h / 2.0)).abs() - hy;
    if qy > r {
        return None;
    }
    let ext = hx
        + if qy <= 0.0 {
            r
        } else {
            (r * r - qy * qy).sqrt()
        };
    Some((cx - ext, cx + ext))
}

/// Pixel indices whose centres lie in `[a, b]`, clipped to `[0, width)`.
pub fn pixels_in(a: f32, b: f32, width: i64) -> (i64, i64) {
    let x0 = ((a - 0.5).ceil() as i64).clamp(0, width.max(0));
    let x1 = (((b - 0.5).floor() as i64) + 1).min(width);
    (x0, x1.max(x0))
}

/// Blends a solid colour over pixels `[x0, x1)` of row `y` (integer arithmetic).
fn blend_span(img: &mut RgbImage, y: i64, x0: i64, x1: i64, color: Rgb, alpha: f32) {
    if x1 <= x0 || y < 0 || y >= i64::from(img.height()) || alpha <= 0.0 {
        return;
    }
    let w = img.width() as usize;
    let row_start = y as usize * w * 3;
    let buf: &mut [u8] = img.as_mut();
    let Some(span) = buf.get_mut(row_start + x0 as usize * 3..row_start + x1 as usize * 3) else {
        return;
    };
    if alpha >= 1.0 {
        fill_pattern(span, &color);
    } else {
        let a = (alpha * 256.0) as u32;
        let inv = 256 - a;
        // One pass over the span's bytes with the colour repeated to match: no per-pixel
        // indexing, so the loop vectorises.
        let mut pre = [0u32; 48];
        for (k, p) in pre.iter_mut().enumerate() {
            *p = u32::from(color[k % 3]) * a + 128;
        }
        for chunk in span.chunks_mut(48) {
            for (byte, pre) in chunk.iter_mut().zip(&pre) {
                *byte = ((u32::from(*byte) * inv + pre) >> 8) as u8;
            }
        }
    }
}

/// Fills `span` (whole pixels) with `color`: one pixel written, then the filled part copied
/// onto the rest, doubling each time (memcpy speed instead of three-byte stores).
pub(super) fn fill_pattern(span: &mut [u8], color: &Rgb) {
    if span.len() < 3 {
        return;
    }
    span[..3].copy_from_slice(color);
    let mut filled = 3;
    while filled < span.len() {
        let n = filled.min(span.len() - filled);
        span.copy_within(..n, filled);
        filled += n;
    }
}

/// Fills a rounded rectangle with anti-aliased edges: solid spans inside,
/// signed-distance coverage only within a pixel or two of the edge.
pub fn fill_round_rect(img: &mut RgbImage, rect: &Rect, radius: f32, color: Rgb, alpha: f32) {
    let (_, y0, _, y1) = pixel_bounds(img, rect, 1.0);
    let width = i64::from(img.width());
    for y in y0..y1 {
        let fy = y as f32 + 0.5;
        let Some((o0, o1)) = round_rect_span(rect, radius, 1.0, fy) else {
            continue;
        };
        let (ox0, ox1) = pixels_in(o0, o1, width);
        let (sx0, sx1) = match round_rect_span(rect, radius, -1.0, fy) {
            Some((i0, i1)) => pixels_in(i0, i1, width),
            None => (ox1, ox1),
        };
        let (sx0, sx1) = (sx0.max(ox0), sx1.min(ox1).max(sx0.max(ox0)));
        for x in (ox0..sx0).chain(sx1..ox1) {
            let d = sdf_round_rect(x as f32 + 0.5, fy, rect, radius);
            blend(img, x, y, color, (0.5 - d).clamp(0.0, 1.0) * alpha);
        }
        blend_span(img, y, sx0, sx1, color, alpha);
    }
}

/// Strokes the inside edge of a rounded rectangle with a band `width` pixels wide.
pub fn stroke_round_rect(
    img: &mut RgbImage,
    rect: &Rect,
    radius: f32,
    width: f32,
    color: Rgb,
    alpha: f32,
) {
    let (_, y0, _, y1) = pixel_bounds(img, rect, 1.0);
    let img_w = i64::from(img.width());
    let half = width / 2.0;
    for y in y0..y1 {
        let fy = y as f32 + 0.5;
        let Some((o0, o1)) = round_rect_span(rect, radius, 1.0, fy) else {
            continue;
        };
        let (ox0, ox1) = pixels_in(o0, o1, img_w);
        // pixels deep inside the hole of the ring are untouched
        let (hx0, hx1) = match round_rect_span(rect, radius, -width - 1.0, fy) {
            Some((i0, i1)) => pixels_in(i0, i1, img_w),
            None => (ox1, ox1),
        };
        let (hx0, hx1) = (hx0.max(ox0), hx1.min(ox1).max(hx0.max(ox0)));
        for x in (ox0..hx0).chain(hx1..ox1) {
            let d = sdf_round_rect(x as f32 + 0.5, fy, rect, radius);
            let cov = (half + 0.5 - (d + half).abs()).clamp(0.0, 1.0);
            blend(img, x, y, color, cov * alpha);
        }
    }
}

/// Fills a circle with anti-aliased edges.
pub fn fill_circle(img: &mut RgbImage, cx: f32, cy: f32, r: f32, color: Rgb, alpha: f32) {
    fill_round_rect(
        img,
        &Rect::new(cx - r, cy - r, 2.0 * r, 2.0 * r),
        r,
        color,
        alpha,
    );
}

/// Strokes a ring of `width` pixels whose outer edge is the circle of radius `r`.
pub fn stroke_circle(
    img: &mut RgbImage,
    cx: f32,
    cy: f32,
    r: f32,
    width: f32,
    color: Rgb,
    alpha: f32,
) {
    stroke_round_rect(
        img,
        &Rect::new(cx - r, cy - r, 2.0 * r, 2.0 * r),
        r,
        width,
        color,
        alpha,
    );
}

/// Fills a soft radial glow (Gaussian falloff, `sigma` in pixels) blended with
/// `peak` opacity at the centre; pixels outside the rounded rectangle `clip`
/// (corner radius `clip_radius`) are not touched.
#[allow(clippy::too_many_arguments)]
pub fn soft_dot(
    img: &mut RgbImage,
    cx: f32,
    cy: f32,
    sigma: f32,
    color: Rgb,
    peak: f32,
    clip: &Rect,
    clip_radius: f32,
) {
    let r = sigma * 3.0;
    let rect = Rect::new(cx - r, cy - r, 2.0 * r, 2.0 * r);
    let (x0, y0, x1, y1) = pixel_bounds(img, &rect, 0.0);
    let k = -1.0 / (2.0 * sigma * sigma);
    // exp(k·(dx² + dy²)) = exp(k·dx²)·exp(k·dy²): one exp per column and per row, not per pixel.
    let columns: Vec<f32> = (x0..x1)
        .map(|x| {
            let dx = x as f32 + 0.5 - cx;
            (dx * dx * k).exp()
        })
        .collect();
    let width = i64::from(img.width());
    let stride = img.width() as usize * 3;
    let buf: &mut [u8] = img.as_mut();
    for y in y0..y1 {
        let fy = y as f32 + 0.5;
        // Pixels whose centre is inside the clip by half a pixel: `sdf_round_rect <= -0.5`.
        let Some((a, b)) = round_rect_span(clip, clip_radius, -0.5, fy) else {
            continue;
        };
        let (inside0, inside1) = pixels_in(a, b, width);
        let (from, to) = (x0.max(inside0), x1.min(inside1));
        let dy = fy - cy;
        let row = peak * (dy * dy * k).exp();
        // The row's pixels as one slice: the same arithmetic as `blend`, without its per-pixel
        // bounds checks and index computation.
        let line = y as usize * stride;
        let (Some(span), Some(weights)) = (
            buf.get_mut(line + from as usize * 3..line + to.max(from) as usize * 3),
            columns.get((from - x0) as usize..(to.max(from) - x0) as usize),
        ) else {
            continue;
        };
        for (px, w) in span.chunks_exact_mut(3).zip(weights) {
            let a = (row * w).min(1.0);
            if a <= 0.0 {
                continue;
            }
            for (p, c) in px.iter_mut().zip(color) {
                let v = f32::from(*p) + (f32::from(c) - f32::from(*p)) * a;
                *p = (v + 0.5) as u8;
            }
        }
    }
}

/// Draws every glyph of `layout` with its top-left corner at `origin`, blending
/// `color` at `alpha`; pixels outside `clip` (or the canvas) are never touched. A character no
/// font covers is drawn as a box outline and counted (`fonts::missing_glyphs_drawn`).
pub fn draw_layout(
    img: &mut RgbImage,
    layout: &Layout,
    stack: &FontStack<'_>,
    origin: (f32, f32),
    color: Rgb,
    alpha: f32,
    clip: &Rect,
) {
    let mut missing = 0;
    for line in &layout.lines {
        let baseline = origin.1 + line.baseline;
        for g in line.glyphs.iter().filter(|g| !line.is_space(g)) {
            let pen = (origin.0 + line.rect.x + g.x, baseline + g.y);
            if g.face == MISSING {
                missing += 1;
                draw_missing_box(img, layout.font_size, pen, (color, alpha), clip);
                continue;
            }
            let face = stack.face(g.face);
            if face.color {
                draw_color_glyph(img, face, g.id, layout.font_size, pen, alpha, clip);
                continue;
            }
            draw_glyph(img, face, g.id, layout.font_size, pen, (color, alpha), clip);
        }
    }
    super::fonts::count_missing(missing);
}

/// Where the box for an uncovered character sits relative to the pen: inside its advance, from
/// the baseline up to about a capital's height.
pub fn missing_box(size_px: f32, pen: (f32, f32)) -> Rect {
    let w = MISSING_BOX_EM * size_px;
    let h = 0.72 * size_px;
    Rect::new(pen.0 + 0.1 * w, pen.1 - h, 0.8 * w, h)
}

/// The visible stand-in for a character no font has: an outlined box, as every system draws
/// one, so the reader sees something is missing instead of a silently shorter word.
fn draw_missing_box(
    img: &mut RgbImage,
    size_px: f32,
    pen: (f32, f32),
    ink: (Rgb, f32),
    clip: &Rect,
) {
    let b = missing_box(size_px, pen);
    let stroke = (size_px * 0.06).max(1.0);
    let (x0, y0, x1, y1) = (b.x, b.y, b.right(), b.bottom());
    let mut fill = |r: Rect| {
        let (lx, rx) = (r.x.max(clip.x), r.right().min(clip.right()));
        let (ty, by) = (r.y.max(clip.y), r.bottom().min(clip.bottom()));
        if lx >= rx || ty >= by {
            return;
        }
        for y in ty.floor() as i64..by.ceil() as i64 {
            for x in lx.floor() as i64..rx.ceil() as i64 {
                blend(img, x, y, ink.0, ink.1);
            }
        }
    };
    fill(Rect::new(x0, y0, x1 - x0, stroke));
    fill(Rect::new(x0, y1 - stroke, x1 - x0, stroke));
    fill(Rect::new(x0, y0, stroke, y1 - y0));
    fill(Rect::new(x1 - stroke, y0, stroke, y1 - y0));
}

/// A colour glyph's bitmap at one size: premultiplied RGBA and where its top-left corner sits
/// relative to the pen (x at the glyph origin, y at the baseline).
pub struct ColorBitmap {
    pub left: f32,
    pub top: f32,
    pub image: image::RgbaImage,
}

/// Where a colour glyph's bitmap lands at `size_px` pixels per em, relative to the pen:
/// (left, top, width, height). Read from the strike's metrics, without decoding.
pub fn color_glyph_box(face: &Face, id: GlyphId, size_px: f32) -> Option<Rect> {
    let raster = face.font.glyph_raster_image2(id, strike_request(size_px))?;
    let scale = size_px / f32::from(raster.pixels_per_em.max(1));
    let (w, h) = (
        f32::from(raster.width) * scale,
        f32::from(raster.height) * scale,
    );
    Some(Rect::new(
        raster.origin.x * scale,
        -(raster.origin.y * scale) - h,
        w,
        h,
    ))
}

fn strike_request(size_px: f32) -> u16 {
    size_px.ceil().clamp(1.0, f32::from(u16::MAX)) as u16
}

/// Decoded and scaled colour glyphs, shared by every render of the process; cleared when full
/// (a carousel uses a handful of emoji at three or four sizes).
static COLOR_BITMAPS: GlyphCache<(u16, u32), ColorBitmap> = GlyphCache::new(512, 8 << 20);

/// The bitmap of colour glyph `id` at `size_px` (decoded from the font's PNG, premultiplied,
/// scaled with Catmull-Rom), from the cache when it was drawn before.
pub fn color_bitmap(face: &Face, id: GlyphId, size_px: f32) -> Option<Arc<ColorBitmap>> {
    let key = (id.0, (size_px * 4.0).round() as u32);
    if let Some(hit) = COLOR_BITMAPS.get(&key) {
        return Some(hit);
    }
    let raster = face.font.glyph_raster_image2(id, strike_request(size_px))?;
    if !matches!(raster.format, ab_glyph::GlyphImageFormat::Png) {
        return None;
    }
    let mut decoded = image::load_from_memory_with_format(raster.data, image::ImageFormat::Png)
        .ok()?
        .to_rgba8();
    // Premultiplied, so the filter never drags the colour of transparent pixels into edges.
    for p in decoded.pixels_mut() {
        let a = u16::from(p.0[3]);
        for c in &mut p.0[..3] {
            *c = ((u16::from(*c) * a + 127) / 255) as u8;
        }
    }
    let place = color_glyph_box(face, id, size_px)?;
    let (w, h) = (
        place.w.round().max(1.0) as u32,
        place.h.round().max(1.0) as u32,
    );
    let image = image::imageops::resize(&decoded, w, h, image::imageops::FilterType::CatmullRom);
    let bitmap = Arc::new(ColorBitmap {
        left: place.x,
        top: place.y,
        image,
    });
    let bytes = bitmap.image.as_raw().len();
    Some(COLOR_BITMAPS.keep(key, bitmap, bytes))
}

/// A process-wide glyph cache bounded by entries and by bytes: emptied first when keeping one
/// more would pass either bound (a carousel's glyphs fill it again at once). Title glyphs are
/// ten times the size of body glyphs, so a count alone would not bound the memory.
struct GlyphCache<K, V> {
    max_entries: usize,
    max_bytes: usize,
    /// The glyphs and their bytes (made on first use: a `HashMap` cannot be made in a static).
    kept: std::sync::Mutex<Option<Kept<K, V>>>,
}

type Kept<K, V> = (HashMap<K, Arc<V>>, usize);

impl<K: std::hash::Hash + Eq, V> GlyphCache<K, V> {
    const fn new(max_entries: usize, max_bytes: usize) -> Self {
        GlyphCache {
            max_entries,
            max_bytes,
            kept: std::sync::Mutex::new(None),
        }
    }

    fn get(&self, key: &K) -> Option<Arc<V>> {
        let kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        kept.as_ref().and_then(|(map, _)| map.get(key).cloned())
    }

    /// Keeps `value` (`bytes` large) under `key`; answers it.
    fn keep(&self, key: K, value: Arc<V>, bytes: usize) -> Arc<V> {
        let mut kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        let (map, total) = kept.get_or_insert_with(|| (HashMap::new(), 0));
        // Another thread drew the same glyph meanwhile: keep one.
        if let Some(found) = map.get(&key) {
            return found.clone();
        }
        if map.len() >= self.max_entries || *total + bytes > self.max_bytes {
            map.clear();
            *total = 0;
        }
        if bytes <= self.max_bytes {
            map.insert(key, value.clone());
            *total += bytes;
        }
        value
    }

    #[cfg(test)]
    fn bytes(&self) -> usize {
        let kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        kept.as_ref().map_or(0, |(_, total)| *total)
    }
}

/// Draws a colour (bitmap) glyph with its origin at `pen` (x, baseline), at `alpha`, clipped to
/// `clip` and the canvas.
pub fn draw_color_glyph(
    img: &mut RgbImage,
    face: &Face,
    id: GlyphId,
    size_px: f32,
    pen: (f32, f32),
    alpha: f32,
    clip: &Rect,
) {
    let Some(bitmap) = color_bitmap(face, id, size_px) else {
        return;
    };
    let (x0, y0) = (
        (pen.0 + bitmap.left).round() as i64,
        (pen.1 + bitmap.top).round() as i64,
    );
    let (width, height) = (i64::from(img.width()), i64::from(img.height()));
    let alpha = alpha.clamp(0.0, 1.0);
    for (x, y, p) in bitmap.image.enumerate_pixels() {
        let (px, py) = (x0 + i64::from(x), y0 + i64::from(y));
        if p.0[3] == 0
            || px < 0
            || py < 0
            || px >= width
            || py >= height
            || !clip.contains_point(px as f32 + 0.5, py as f32 + 0.5)
        {
            continue;
        }
        let a = f32::from(p.0[3]) / 255.0 * alpha;
        let dst = img.get_pixel_mut(px as u32, py as u32);
        for (d, s) in dst.0.iter_mut().zip(&p.0[..3]) {
            let v = f32::from(*s) * alpha + f32::from(*d) * (1.0 - a);
            *d = (v + 0.5).min(255.0) as u8;
        }
    }
}

/// Sub-pixel steps a glyph's position is rounded to (per axis) before rasterising, so its
/// coverage can be kept and reused: a quarter pixel is invisible in text and leaves 16 variants
/// of each glyph at each size.
const SUBPIXEL_STEPS: f32 = 4.0;

/// A glyph's coverage at one size and sub-pixel offset (0–255 per pixel), and where its top-left
/// pixel sits relative to the whole-pixel part of the pen.
struct Coverage {
    left: i64,
    top: i64,
    width: usize,
    alpha: Vec<u8>,
}

/// (face, glyph, size bits, x step, y step).
type CoverageKey = (&'static str, u16, u32, u8, u8);

/// Coverage of recently drawn glyphs, shared by every render of the process: slides repeat the
/// same letters at the same few sizes, and rasterising outlines was a fifth of a slide's drawing.
/// Bounded: cleared when full (a carousel uses a few hundred glyph variants, ≈ 1 MB).
static COVERAGE: GlyphCache<CoverageKey, Coverage> = GlyphCache::new(4096, 8 << 20);

/// Splits a coordinate into its whole pixels and its rounded sub-pixel step.
fn snap(v: f32) -> (i64, u8) {
    let whole = v.floor();
    let step = ((v - whole) * SUBPIXEL_STEPS).round();
    if step >= SUBPIXEL_STEPS {
        (whole as i64 + 1, 0)
    } else {
        (whole as i64, step as u8)
    }
}

fn coverage(
    face: &Face,
    id: GlyphId,
    scale: ab_glyph::PxScale,
    steps: (u8, u8),
) -> Option<Arc<Coverage>> {
    let key = (face.name, id.0, scale.y.to_bits(), steps.0, steps.1);
    if let Some(found) = COVERAGE.get(&key) {
        return Some(found);
    }
    let glyph = Glyph {
        id,
        scale,
        position: point(
            f32::from(steps.0) / SUBPIXEL_STEPS,
            f32::from(steps.1) / SUBPIXEL_STEPS,
        ),
    };
    // Whitespace and empty glyphs have no outline.
    let outlined = face.font.outline_glyph(glyph)?;
    let b = outlined.px_bounds();
    let width = b.width() as usize;
    let mut alpha = vec![0u8; width * b.height() as usize];
    outlined.draw(|x, y, cov| {
        if let Some(a) = alpha.get_mut(y as usize * width + x as usize) {
            *a = (cov.clamp(0.0, 1.0) * 255.0 + 0.5) as u8;
        }
    });
    let bytes = alpha.len();
    let found = Arc::new(Coverage {
        left: b.min.x as i64,
        top: b.min.y as i64,
        width,
        alpha,
    });
    Some(COVERAGE.keep(key, found, bytes))
}

/// Draws one outline glyph with its pen at `pen`, blending `ink` (colour, opacity) by its
/// coverage; pixels outside `clip` (or the canvas) are never touched.
pub fn draw_glyph(
    img: &mut RgbImage,
    face: &Face,
    id: GlyphId,
    size_px: f32,
    pen: (f32, f32),
    ink: (Rgb, f32),
    clip: &Rect,
) {
    let (color, alpha) = ink;
    let ((px, sx), (py, sy)) = (snap(pen.0), snap(pen.1));
    let Some(cov) = coverage(face, id, face.scale(size_px), (sx, sy)) else {
        return;
    };
    for (row, line) in cov.alpha.chunks(cov.width.max(1)).enumerate() {
        let y = py + cov.top + row as i64;
        for (col, &a) in line.iter().enumerate() {
            if a == 0 {
                continue;
            }
            let x = px + cov.left + col as i64;
            if clip.contains_point(x as f32 + 0.5, y as f32 + 0.5) {
                blend(img, x, y, color, f32::from(a) / 255.0 * alpha);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_glyph_cache_is_emptied_before_it_passes_its_byte_or_entry_bound() {
        let cache: GlyphCache<u32, u8> = GlyphCache::new(3, 100);
        cache.keep(1, Arc::new(1), 60);
        cache.keep(1, Arc::new(1), 60);
        assert_eq!(cache.bytes(), 60, "a key kept twice counts once");
        cache.keep(2, Arc::new(2), 30);
        assert_eq!((cache.get(&1), cache.bytes()), (Some(Arc::new(1)), 90));
        cache.keep(3, Arc::new(3), 20);
        assert_eq!(
            (cache.get(&1), cache.get(&3), cache.bytes()),
            (None, Some(Arc::new(3)), 20)
        );
        cache.keep(4, Arc::new(4), 1);
        cache.keep(5, Arc::new(5), 1);
        cache.keep(6, Arc::new(6), 1);
        assert_eq!(
            (cache.get(&3), cache.get(&6)),
            (None, Some(Arc::new(6))),
            "three entries at most"
        );
        assert_eq!(
            *cache.keep(7, Arc::new(7), 500),
            7,
            "too big to keep, still answered"
        );
        assert_eq!((cache.get(&7), cache.bytes()), (None, 0));
    }

    #[test]
    fn soft_dot_matches_the_per_pixel_gaussian_and_stays_inside_its_clip() {
        let clip = Rect::new(20.0, 15.0, 140.0, 110.0);
        let (cx, cy, sigma, peak) = (40.0, 30.0, 12.0, 0.6);
        let mut fast = RgbImage::from_pixel(180, 140, image::Rgb([10, 20, 30]));
        let mut reference = fast.clone();
        soft_dot(&mut fast, cx, cy, sigma, [250, 200, 90], peak, &clip, 24.0);
        let k = -1.0 / (2.0 * sigma * sigma);
        for y in 0..140i64 {
            for x in 0..180i64 {
                let (fx, fy) = (x as f32 + 0.5, y as f32 + 0.5);
                let (dx, dy) = (fx - cx, fy - cy);
                if (dx.abs() <= 3.0 * sigma && dy.abs() <= 3.0 * sigma)
                    && sdf_round_rect(fx, fy, &clip, 24.0) <= -0.5
                {
                    blend(
                        &mut reference,
                        x,
                        y,
                        [250, 200, 90],
                        peak * ((dx * dx + dy * dy) * k).exp(),
                    );
                }
            }
        }
        let mut touched = 0;
        for (a, b) in fast.pixels().zip(reference.pixels()) {
            for c in 0..3 {
                assert!(a.0[c].abs_diff(b.0[c]) <= 1, "{a:?} vs {b:?}");
            }
            touched += usize::from(a.0 != [10, 20, 30]);
        }
        assert!(touched > 500, "the glow drew only {touched} pixels");
        // the rounded corner at (20, 15) is outside the clip: untouched
        assert_eq!(fast.get_pixel(21, 16).0, [10, 20, 30]);
    }

    #[test]
    fn blend_mixes_proportionally_and_ignores_out_of_canvas_pixels() {
        let mut img = RgbImage::from_pixel(4, 4, image::Rgb([0, 0, 0]));
        blend(&mut img, 1, 1, [200, 100, 0], 0.5);
        blend(&mut img, -1, 0, [255, 255, 255], 1.0);
        blend(&mut img, 4, 4, [255, 255, 255], 1.0);
        assert_eq!(img.get_pixel(1, 1).0, [100, 50, 0]);
        assert_eq!(img.get_pixel(0, 0).0, [0, 0, 0]);
    }

    #[test]
    fn round_rect_distance_is_negative_inside_and_positive_outside() {
        let r = Rect::new(10.0, 10.0, 100.0, 50.0);
        assert!(sdf_round_rect(60.0, 35.0, &r, 10.0) < -20.0);
        assert!((sdf_round_rect(60.0, 5.0, &r, 10.0) - 5.0).abs() < 1e-3);
        // the rounded corner cuts the rectangle's corner point off
        assert!(sdf_round_rect(10.5, 10.5, &r, 10.0) > 0.0);
    }

    #[test]
    fn span_fill_matches_per_pixel_coverage() {
        let rect = Rect::new(7.3, 5.6, 61.2, 40.9);
        let mut fast = RgbImage::from_pixel(80, 60, image::Rgb([10, 20, 30]));
        fill_round_rect(&mut fast, &rect, 12.5, [250, 200, 100], 0.8);
        for y in 0..60u32 {
            for x in 0..80u32 {
                let d = sdf_round_rect(x as f32 + 0.5, y as f32 + 0.5, &rect, 12.5);
                let mut reference = RgbImage::from_pixel(1, 1, image::Rgb([10, 20, 30]));
                blend(
                    &mut reference,
                    0,
                    0,
                    [250, 200, 100],
                    (0.5 - d).clamp(0.0, 1.0) * 0.8,
                );
                let (a, b) = (fast.get_pixel(x, y).0, reference.get_pixel(0, 0).0);
                for k in 0..3 {
                    assert!(a[k].abs_diff(b[k]) <= 1, "({x},{y}): {a:?} vs {b:?}");
                }
            }
        }
    }

    #[test]
    fn a_solid_span_covers_exactly_its_pixels_whatever_its_length() {
        for len in 0..70i64 {
            let mut img = RgbImage::from_pixel(80, 3, image::Rgb([1, 2, 3]));
            blend_span(&mut img, 1, 5, 5 + len, [200, 100, 50], 1.0);
            for (x, y, px) in img.enumerate_pixels() {
                let inside = y == 1 && (5..5 + len).contains(&i64::from(x));
                let want = if inside { [200, 100, 50] } else { [1, 2, 3] };
                assert_eq!(px.0, want, "len {len} at ({x},{y})");
            }
        }
    }

    #[test]
    fn a_position_snaps_to_the_nearest_quarter_pixel() {
        assert_eq!(snap(3.1), (3, 0));
        assert_eq!(snap(3.375), (3, 2));
        assert_eq!(snap(3.9), (4, 0));
        assert_eq!(snap(-0.2), (-1, 3));
    }

    #[test]
    fn a_glyph_drawn_from_kept_coverage_matches_its_outline_and_repeats_exactly() {
        let fonts = match crate::render::fonts::Fonts::bundled() {
            Ok(fonts) => fonts,
            Err(e) => panic!("{e}"),
        };
        let face = fonts.body().primary();
        let Some(id) = face.glyph('Ж') else {
            panic!("the body face has no Ж")
        };
        let clip = Rect::new(0.0, 0.0, 120.0, 120.0);
        let (size, pen) = (64.0, (20.25, 90.5));
        let draw = || {
            let mut img = RgbImage::from_pixel(120, 120, image::Rgb([0, 0, 0]));
            draw_glyph(&mut img, face, id, size, pen, ([255, 255, 255], 1.0), &clip);
            img
        };
        let (first, again) = (draw(), draw());
        assert!(first == again, "the kept coverage drew other pixels");
        // The same glyph rasterised directly at the same (quarter-pixel) position.
        let mut reference = RgbImage::from_pixel(120, 120, image::Rgb([0, 0, 0]));
        let glyph = Glyph {
            id,
            scale: face.scale(size),
            position: point(pen.0, pen.1),
        };
        let Some(outlined) = face.font.outline_glyph(glyph) else {
            panic!("Ж has an outline")
        };
        let b = outlined.px_bounds();
        outlined.draw(|x, y, cov| {
            let (x, y) = (b.min.x as i64 + i64::from(x), b.min.y as i64 + i64::from(y));
            blend(&mut reference, x, y, [255, 255, 255], cov);
        });
        let inked = first.pixels().filter(|p| p.0[0] > 0).count();
        assert!(inked > 300, "only {inked} pixels inked");
        for (a, b) in first.pixels().zip(reference.pixels()) {
            assert!(a.0[0].abs_diff(b.0[0]) <= 1, "{a:?} vs {b:?}");
        }
    }

    #[test]
    fn ring_leaves_its_centre_untouched() {
        let mut img = RgbImage::from_pixel(40, 40, image::Rgb([0, 0, 0]));
        stroke_circle(&mut img, 20.0, 20.0, 15.0, 3.0, [255, 255, 255], 1.0);
        assert_eq!(img.get_pixel(20, 20).0, [0, 0, 0]);
        assert_eq!(img.get_pixel(20, 6).0, [255, 255, 255]);
    }

    #[test]
    fn filled_circle_covers_its_centre_and_not_its_bounding_corners() {
        let mut img = RgbImage::from_pixel(40, 40, image::Rgb([0, 0, 0]));
        fill_circle(&mut img, 20.0, 20.0, 15.0, [255, 255, 255], 1.0);
        assert_eq!(img.get_pixel(20, 20).0, [255, 255, 255]);
        assert_eq!(img.get_pixel(6, 6).0, [0, 0, 0]);
    }
}
