//! A render call's pipeline: the backdrops its slides sit on, drawn once each; every slide's
//! text on a copy of its backdrop; then encoding (JPEG from the backdrop's reused tiles).
use image::RgbImage;
use rayon::prelude::*;

use crate::domain::{ImageFormat, Slide, SlideSize, Style};

use super::style::{self, Frame, Palette};
use super::{
    background, draw_on, encode, jpeg_segments, RenderError, RenderOptions, RenderedSlide,
};

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
/// (deterministic in style, size, variant and carousel length).
pub(super) struct Backdrop {
    variant: usize,
    pub(super) image: RgbImage,
}

impl Backdrop {
    pub(super) fn draw(style: Style, size: SlideSize, variant: usize, total: usize) -> Backdrop {
        let frame = Frame::new(style, size);
        let pal = Palette::new(style, variant, total);
        let mut image = RgbImage::from_pixel(frame.width, frame.height, image::Rgb(pal.bg));
        background::paint(&mut image, style, &pal, &frame, variant);
        Backdrop { variant, image }
    }
}

/// Renders `(index, slide)` pairs of a carousel of `total` slides in parallel: the backdrops
/// they sit on first, then each slide's text on a copy of its backdrop. JPEG slides reuse their
/// backdrop's encoded tiles wherever the text left it untouched ([`jpeg_segments`]).
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
                .in_scope(|| Backdrop::draw(opts.style, opts.size, v, total))
        })
        .collect();
    let backdrop_of_slide = |i: usize| {
        let variant = backdrop_of(opts.style, i);
        backdrops
            .iter()
            .position(|b| b.variant == variant)
            .ok_or(RenderError::IndexOutOfRange { index: i, total })
    };
    let drawn: Vec<(usize, usize, RgbImage)> = items
        .par_iter()
        .map(|&(i, slide)| {
            let b = backdrop_of_slide(i)?;
            let _slide =
                tracing::info_span!(parent: &parent, "slide", otel.name = "render slide", slide = i)
                    .entered();
            tracing::info_span!("draw", otel.name = "render draw", slide = i)
                .in_scope(|| draw_on(backdrops[b].image.clone(), slide, i, total, opts))
                .map(|(img, _)| (i, b, img))
        })
        .collect::<Result<_, _>>()?;
    let encoded = match opts.format {
        ImageFormat::Png => drawn
            .par_iter()
            .map(|(i, _, img)| {
                tracing::info_span!(parent: &parent, "encode", otel.name = "render encode", slide = i)
                    .in_scope(|| encode(img, opts.format, opts.jpeg_quality))
                    .map_err(|source| encode_failed(*i, opts.format, source))
            })
            .collect::<Result<Vec<_>, _>>()?,
        ImageFormat::Jpeg => encode_jpeg_on_backdrops(&drawn, &backdrops, opts.jpeg_quality, &parent)?,
    };
    Ok(drawn
        .into_iter()
        .zip(encoded)
        .map(|((index, _, img), bytes)| RenderedSlide {
            index,
            bytes,
            width: img.width(),
            height: img.height(),
            format: opts.format,
        })
        .collect())
}

fn encode_failed(slide: usize, format: ImageFormat, source: image::ImageError) -> RenderError {
    RenderError::Encode {
        slide,
        format,
        source,
    }
}

/// JPEG bytes of drawn slides `(index, backdrop, image)`: each backdrop's tiles that some slide
/// left untouched and each slide's changed tiles are encoded (in parallel), then every slide
/// is assembled from the two.
fn encode_jpeg_on_backdrops(
    drawn: &[(usize, usize, RgbImage)],
    backdrops: &[Backdrop],
    quality: u8,
    parent: &tracing::Span,
) -> Result<Vec<Vec<u8>>, RenderError> {
    use jpeg_segments::{assemble, changed_tiles, encode_tiles, Grid};
    let failed = |slide: usize| {
        move |reason: String| encode_failed(slide, ImageFormat::Jpeg, encode::jpeg_error(reason))
    };
    let Some((_, _, first)) = drawn.first() else {
        return Ok(Vec::new());
    };
    let grid = Grid::new(first.width(), first.height());
    let changed: Vec<Vec<bool>> = drawn
        .par_iter()
        .map(|(_, b, img)| changed_tiles(&grid, img, &backdrops[*b].image))
        .collect();
    // A backdrop tile is needed where at least one of its slides left it untouched.
    let mut needed = vec![vec![false; grid.tiles()]; backdrops.len()];
    for ((_, b, _), changed) in drawn.iter().zip(&changed) {
        for (need, changed) in needed[*b].iter_mut().zip(changed) {
            *need |= !changed;
        }
    }
    // (image, tiles wanted, the slide it is, or None for a backdrop)
    let jobs: Vec<(&RgbImage, &[bool], Option<usize>)> = backdrops
        .iter()
        .zip(&needed)
        .map(|(b, need)| (&b.image, need.as_slice(), None))
        .chain(
            drawn
                .iter()
                .zip(&changed)
                .map(|((i, _, img), changed)| (img, changed.as_slice(), Some(*i))),
        )
        .collect();
    let mut tiles = jobs
        .into_par_iter()
        .map(|(img, wanted, slide)| {
            let span = match slide {
                Some(i) => tracing::info_span!(parent: parent, "encode", otel.name = "render encode", slide = i),
                None => tracing::info_span!(parent: parent, "backdrop_encode", otel.name = "render backdrop encode"),
            };
            span.in_scope(|| encode_tiles(&grid, img, wanted, quality))
                .map_err(failed(slide.unwrap_or(drawn[0].0)))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let own = tiles.split_off(backdrops.len());
    drawn
        .par_iter()
        .zip(own.par_iter())
        .map(|((i, b, _), own)| assemble(&grid, own, &tiles[*b]).map_err(failed(*i)))
        .collect()
}
