//! A render call's pipeline: the backdrops its slides sit on, drawn once each; every slide's
//! text on a copy of its backdrop; then encoding (JPEG from the backdrop's reused tiles).
use image::RgbImage;
use rayon::prelude::*;

use crate::domain::{ImageFormat, Slide, SlideSize, Style};

use super::jpeg_segments::{assemble, bands, changed_tiles, encode_tiles, Grid, Tiles};
use super::style::{self, Frame, Palette};
use super::tile_cache::{self, BackdropKey, PixelKey};
use super::{
    background, draw_on, encode, PlacedText, RenderError, RenderOptions, RenderedSlide, TextLine,
};
use std::sync::Arc;

/// How many backdrops (background and card: everything under the text) the slides of one
/// carousel share; slide `i` sits on backdrop `i % n`. A backdrop is drawn once per render
/// call, not once per slide: galaxy's gradients, glows and frosted glass were two thirds of
/// a slide's drawing. Slides still alternate (galaxy's light from the other side, vibrant's
/// three colour schemes) and their text, accents and counters differ.
pub fn backdrop_variants(style: Style) -> usize {
    match style {
        Style::Galaxy => 2,
        Style::Vibrant => style::VIBRANT.len(),
        Style::Minimal => 1,
    }
}

/// Which backdrop slide `index` sits on.
pub fn backdrop_of(style: Style, index: usize) -> usize {
    index % backdrop_variants(style)
}

/// A drawn backdrop: the same pixels for every slide of a carousel that uses it
/// (deterministic in style, size, variant and palette).
pub(super) struct Backdrop {
    style: Style,
    size: SlideSize,
    variant: usize,
    /// Its colours: with style, size and variant, all that its pixels depend on.
    palette: Palette,
    /// Shared with the pixel cache ([`tile_cache::pixels`]): slides draw on copies.
    pub(super) image: Arc<RgbImage>,
}

impl Backdrop {
    /// The backdrop's pixels: kept from an earlier render call of the same shape, or drawn
    /// (and kept for the next one).
    pub(super) fn draw(
        style: Style,
        size: SlideSize,
        variant: usize,
        total: usize,
        accent: Option<style::Rgb>,
    ) -> Backdrop {
        let pal = Palette::branded(style, variant, total, accent);
        let key = PixelKey {
            style,
            size,
            variant,
            palette: pal,
        };
        let image = tile_cache::pixels(&key).unwrap_or_else(|| {
            let image = Arc::new(paint_backdrop(style, size, variant, &pal));
            tile_cache::keep_pixels(key, image.clone());
            image
        });
        Backdrop {
            style,
            size,
            variant,
            palette: pal,
            image,
        }
    }

    /// What its encoded tiles are kept under between render calls.
    fn key(&self, quality: u8) -> BackdropKey {
        BackdropKey {
            style: self.style,
            size: self.size,
            variant: self.variant,
            palette: self.palette,
            quality,
        }
    }
}

fn paint_backdrop(style: Style, size: SlideSize, variant: usize, pal: &Palette) -> RgbImage {
    let frame = Frame::new(style, size);
    let mut image = RgbImage::new(frame.width, frame.height);
    super::paint::fill_pattern(&mut image, &pal.bg);
    background::paint(&mut image, style, pal, &frame, variant);
    image
}

/// Paints a backdrop over `image`, reusing its buffer when the size matches.
fn repaint_backdrop(
    image: &mut RgbImage,
    style: Style,
    size: SlideSize,
    variant: usize,
    pal: &Palette,
) {
    let frame = Frame::new(style, size);
    if image.dimensions() == (frame.width, frame.height) {
        super::paint::fill_pattern(image, &pal.bg);
        background::paint(image, style, pal, &frame, variant);
    } else {
        *image = paint_backdrop(style, size, variant, pal);
    }
}

/// Encodes every tile of every style's backdrops for JPEG carousels of `total` slides at `size`
/// and keeps them ([`tile_cache`]), so that the first carousel after start encodes only what its
/// own text touched; answers how many backdrops were warmed. Their pixels are not kept (a few MB
/// each; kept pixels are those carousels drew last): a first carousel still draws its backdrops.
/// One backdrop at a time on the calling thread, in one reused buffer: it runs at start, where
/// idle memory counts more than the ≈ 0.1 s it takes.
pub fn warm_up(size: SlideSize, total: usize, quality: u8) -> Result<usize, RenderError> {
    let mut image = RgbImage::new(0, 0);
    let mut warmed = 0;
    for &style in Style::ALL {
        for variant in 0..backdrop_variants(style) {
            let palette = Palette::new(style, variant, total);
            repaint_backdrop(&mut image, style, size, variant, &palette);
            let grid = Grid::new(image.width(), image.height());
            let tiles = encode_tiles(&grid, &image, &vec![true; grid.tiles()], quality)
                .map_err(jpeg_failed(0))?;
            let key = BackdropKey {
                style,
                size,
                variant,
                palette,
                quality,
            };
            tile_cache::keep(key, Arc::new(tiles));
            warmed += 1;
        }
    }
    Ok(warmed)
}

/// Renders `(index, slide)` pairs of a carousel of `total` slides in parallel: the backdrops
/// they sit on first, then each slide's text on a copy of its backdrop. JPEG slides reuse their
/// backdrop's encoded tiles wherever the text left it untouched ([`super::jpeg_segments`]).
pub(super) fn render_indexed(
    items: &[(usize, &Slide)],
    total: usize,
    opts: &RenderOptions,
) -> Result<Vec<RenderedSlide>, RenderError> {
    // Each slide's spans hang under the caller's, on whichever pool thread draws it.
    let parent = tracing::Span::current();
    let mut variants: Vec<usize> = items
        .iter()
        .map(|(i, _)| backdrop_of(opts.style, *i))
        .collect();
    variants.sort_unstable();
    variants.dedup();
    let backdrops: Vec<Backdrop> = variants
        .into_par_iter()
        .map(|v| {
            tracing::info_span!(parent: &parent, "backdrop", otel.name = "render backdrop", variant = v)
                .in_scope(|| Backdrop::draw(opts.style, opts.size, v, total, opts.brand.accent))
        })
        .collect();
    let backdrop_of_slide = |i: usize| {
        let variant = backdrop_of(opts.style, i);
        backdrops
            .iter()
            .position(|b| b.variant == variant)
            .ok_or(RenderError::IndexOutOfRange { index: i, total })
    };
    let draw = |i: usize, slide: &Slide| {
        let b = backdrop_of_slide(i)?;
        tracing::info_span!("draw", otel.name = "render draw", slide = i)
            .in_scope(|| draw_on(RgbImage::clone(&backdrops[b].image), slide, i, total, opts))
            .map(|(img, placed)| (i, b, img, text_of(placed)))
    };
    match opts.format {
        // Each PNG is encoded as soon as it is drawn: no slide's pixels wait for the others.
        ImageFormat::Png => items
            .par_iter()
            .map(|&(i, slide)| {
                let _slide = slide_span(&parent, i).entered();
                let (_, _, img, text) = draw(i, slide)?;
                let bytes = tracing::info_span!("encode", otel.name = "render encode", slide = i)
                    .in_scope(|| encode(&img, opts.format, opts.jpeg_quality))
                    .map_err(|source| encode_failed(i, opts.format, source))?;
                Ok(rendered(i, &img, bytes, opts.format, text))
            })
            .collect(),
        ImageFormat::Jpeg => render_jpeg(items, &backdrops, opts, &parent, draw),
    }
}

/// JPEG slides: each drawn, compared with its backdrop and its own tiles encoded at once, so
/// only the slides in flight hold pixels; the backdrops' tiles follow, then assembly.
fn render_jpeg<D>(
    items: &[(usize, &Slide)],
    backdrops: &[Backdrop],
    opts: &RenderOptions,
    parent: &tracing::Span,
    draw: D,
) -> Result<Vec<RenderedSlide>, RenderError>
where
    D: Fn(usize, &Slide) -> Result<(usize, usize, RgbImage, Vec<TextLine>), RenderError> + Sync,
{
    let Some(first) = backdrops.first() else {
        return Err(RenderError::Empty);
    };
    let grid = Grid::new(first.image.width(), first.image.height());
    let own: Vec<SlideTiles> = items
        .par_iter()
        .map(|&(i, slide)| {
            let _slide = slide_span(parent, i).entered();
            let (_, backdrop, img, text) = draw(i, slide)?;
            let changed = changed_tiles(&grid, &img, &backdrops[backdrop].image);
            let tiles = tracing::info_span!("encode", otel.name = "render encode", slide = i)
                .in_scope(|| encode_tiles(&grid, &img, &changed, opts.jpeg_quality))
                .map_err(jpeg_failed(i))?;
            Ok(SlideTiles {
                index: i,
                backdrop,
                changed,
                tiles,
                text,
            })
        })
        .collect::<Result<_, RenderError>>()?;
    let under = backdrop_tiles(&grid, backdrops, &own, opts.jpeg_quality, parent)?;
    own.par_iter()
        .map(|s| {
            let bytes =
                assemble(&grid, &s.tiles, &under[s.backdrop]).map_err(jpeg_failed(s.index))?;
            Ok(rendered(
                s.index,
                &first.image,
                bytes,
                opts.format,
                s.text.clone(),
            ))
        })
        .collect()
}

/// The span one slide's drawing and encoding run in, under the render call's.
fn slide_span(parent: &tracing::Span, i: usize) -> tracing::Span {
    tracing::info_span!(parent: parent, "slide", otel.name = "render slide", slide = i)
}

fn rendered(
    index: usize,
    img: &RgbImage,
    bytes: Vec<u8>,
    format: ImageFormat,
    text: Vec<TextLine>,
) -> RenderedSlide {
    RenderedSlide {
        index,
        bytes,
        width: img.width(),
        height: img.height(),
        format,
        text,
    }
}

/// Every line drawn on a slide, for its PDF page.
fn text_of(placed: Vec<PlacedText>) -> Vec<TextLine> {
    placed.into_iter().flat_map(|p| p.glyph_lines).collect()
}

/// A slide's own JPEG tiles: those that differ from its backdrop.
struct SlideTiles {
    index: usize,
    text: Vec<TextLine>,
    backdrop: usize,
    changed: Vec<bool>,
    tiles: Tiles,
}

/// Tile rows per backdrop encoding job: a backdrop is most of the encoding work, so it is
/// split across the pool rather than left to one thread.
const BACKDROP_BAND_ROWS: usize = 24;

/// Each backdrop's tiles that at least one of its slides left untouched: those kept from an
/// earlier render call of the same shape ([`tile_cache`]), the rest encoded in bands in
/// parallel and kept for the next call.
fn backdrop_tiles(
    grid: &Grid,
    backdrops: &[Backdrop],
    slides: &[SlideTiles],
    quality: u8,
    parent: &tracing::Span,
) -> Result<Vec<Arc<Tiles>>, RenderError> {
    let mut under: Vec<Tiles> = backdrops
        .iter()
        .map(|b| {
            tile_cache::get(&b.key(quality)).map_or_else(|| Tiles::none(grid), |t| (*t).clone())
        })
        .collect();
    let mut missing = vec![vec![false; grid.tiles()]; backdrops.len()];
    for s in slides {
        for (tile, (miss, changed)) in missing[s.backdrop].iter_mut().zip(&s.changed).enumerate() {
            *miss |= !changed && !under[s.backdrop].has(tile);
        }
    }
    let jobs: Vec<(usize, Vec<bool>)> = missing
        .iter()
        .enumerate()
        .flat_map(|(b, miss)| {
            bands(grid, miss, BACKDROP_BAND_ROWS)
                .into_iter()
                .map(move |m| (b, m))
        })
        .collect();
    let slide = slides.first().map_or(0, |s| s.index);
    let encoded = jobs
        .into_par_iter()
        .map(|(b, mask)| {
            tracing::info_span!(parent: parent, "backdrop_encode", otel.name = "render backdrop encode", variant = backdrops[b].variant)
                .in_scope(|| encode_tiles(grid, &backdrops[b].image, &mask, quality))
                .map(|tiles| (b, tiles))
                .map_err(jpeg_failed(slide))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut grown = vec![false; backdrops.len()];
    for (b, tiles) in encoded {
        under[b].merge(tiles);
        grown[b] = true;
    }
    Ok(under
        .into_iter()
        .zip(backdrops)
        .zip(grown)
        .map(|((tiles, backdrop), grown)| {
            let tiles = Arc::new(tiles);
            if grown {
                tile_cache::keep(backdrop.key(quality), tiles.clone());
            }
            tiles
        })
        .collect())
}

fn jpeg_failed(slide: usize) -> impl Fn(String) -> RenderError {
    move |reason| encode_failed(slide, ImageFormat::Jpeg, encode::jpeg_error(reason))
}

fn encode_failed(slide: usize, format: ImageFormat, source: image::ImageError) -> RenderError {
    RenderError::Encode {
        slide,
        format,
        source,
    }
}
