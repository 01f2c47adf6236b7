//! Rendering benchmarks: a 10-slide PNG carousel per style and size and a 10-slide JPEG
//! carousel per style (rayon, all cores), the same in Arabic, Hindi and Chinese, and PNG vs JPEG
//! encoding of one already-drawn slide.
//!
//! `cargo bench --bench render -- --warm-up-time 1 --measurement-time 3`
use std::hint::black_box;

use bible_vibecoder::domain::{ImageFormat, SlideSize, Style};
use bible_vibecoder::render::samples::{demo_slides, demo_slides_in, DemoScript};
use bible_vibecoder::render::{encode, render_carousel, render_image, RenderOptions};
use criterion::{criterion_group, criterion_main, Criterion};

fn carousel(c: &mut Criterion) {
    let slides = demo_slides();
    let mut group = c.benchmark_group("carousel_10_png");
    group.sample_size(10);
    for &style in Style::ALL {
        for &size in SlideSize::ALL {
            let opts = RenderOptions {
                style,
                size,
                ..RenderOptions::default()
            };
            group.bench_function(format!("{style}/{size}"), |b| {
                b.iter(|| match render_carousel(black_box(&slides), &opts) {
                    Ok(r) => r,
                    Err(e) => panic!("{e}"),
                })
            });
        }
    }
    group.finish();
}

/// What users get as photos: JPEG (q90, 4:4:4), 1080×1350.
fn carousel_jpeg(c: &mut Criterion) {
    let slides = demo_slides();
    let mut group = c.benchmark_group("carousel_10_jpeg");
    group.sample_size(10);
    for &style in Style::ALL {
        let opts = RenderOptions {
            style,
            format: ImageFormat::Jpeg,
            ..RenderOptions::default()
        };
        // The first carousel of its shape since start encodes its backdrops' tiles...
        group.bench_function(format!("{style}/1080x1350/first"), |b| {
            b.iter_batched(
                bible_vibecoder::render::tile_cache::forget_all,
                |()| match render_carousel(black_box(&slides), &opts) {
                    Ok(r) => r,
                    Err(e) => panic!("{e}"),
                },
                criterion::BatchSize::PerIteration,
            )
        });
        // The first after start when the server warmed the caches (`[render] warm_up`): its
        // backdrops' tiles are kept, their pixels are not.
        group.bench_function(format!("{style}/1080x1350/after_warm_up"), |b| {
            b.iter_batched(
                || {
                    bible_vibecoder::render::tile_cache::forget_all();
                    if let Err(e) = bible_vibecoder::render::warm_up(opts.size, slides.len(), 90) {
                        panic!("{e}")
                    }
                },
                |()| match render_carousel(black_box(&slides), &opts) {
                    Ok(r) => r,
                    Err(e) => panic!("{e}"),
                },
                criterion::BatchSize::PerIteration,
            )
        });
        // ...every later one reuses them, pixels too.
        group.bench_function(format!("{style}/1080x1350"), |b| {
            b.iter(|| match render_carousel(black_box(&slides), &opts) {
                Ok(r) => r,
                Err(e) => panic!("{e}"),
            })
        });
    }
    group.finish();
}

/// Shaped scripts (joining, conjuncts, bidi, CJK line breaks), 1080×1350, PNG and later JPEG
/// carousels, beside the Cyrillic demo in the same run.
fn carousel_scripts(c: &mut Criterion) {
    let mut group = c.benchmark_group("carousel_10_scripts");
    group.sample_size(10);
    let sets: Vec<(&str, Vec<bible_vibecoder::domain::Slide>)> =
        std::iter::once(("cyrillic", demo_slides()))
            .chain(
                DemoScript::ALL
                    .iter()
                    .map(|&s| (s.name(), demo_slides_in(s))),
            )
            .collect();
    for (name, slides) in &sets {
        for format in [ImageFormat::Png, ImageFormat::Jpeg] {
            let opts = RenderOptions {
                style: Style::Galaxy,
                format,
                ..RenderOptions::default()
            };
            group.bench_function(format!("{name}/galaxy/{format}"), |b| {
                b.iter(|| match render_carousel(black_box(slides), &opts) {
                    Ok(r) => r,
                    Err(e) => panic!("{e}"),
                })
            });
        }
    }
    group.finish();
}

fn one_slide(c: &mut Criterion) {
    let slides = demo_slides();
    let mut group = c.benchmark_group("one_slide_portrait");
    group.sample_size(20);
    for &style in Style::ALL {
        let opts = RenderOptions {
            style,
            ..RenderOptions::default()
        };
        let img = match render_image(&slides[3], 3, slides.len(), &opts) {
            Ok(i) => i,
            Err(e) => panic!("{e}"),
        };
        group.bench_function(format!("{style}/draw"), |b| {
            b.iter(|| {
                render_image(black_box(&slides[3]), 3, slides.len(), &opts).map(|i| i.width())
            })
        });
        group.bench_function(format!("{style}/encode_png"), |b| {
            b.iter(|| encode(black_box(&img), ImageFormat::Png, 90).map(|v| v.len()))
        });
        group.bench_function(format!("{style}/encode_jpeg_q90"), |b| {
            b.iter(|| encode(black_box(&img), ImageFormat::Jpeg, 90).map(|v| v.len()))
        });
    }
    group.finish();
}

criterion_group!(
    benches,
    carousel,
    carousel_jpeg,
    carousel_scripts,
    one_slide
);
criterion_main!(benches);
