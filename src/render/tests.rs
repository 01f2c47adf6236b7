//! Tests of whole slides: dimensions, decoding, distinctness, placement of
//! text inside the card, hostile input, PDF structure.

use image::RgbImage;
use proptest::prelude::*;

use super::layout::Rect;
use super::samples::demo_slides;
use super::style::Frame;
use super::*;
use crate::domain::SlideKind;

fn opts(style: Style, size: SlideSize, format: ImageFormat) -> RenderOptions {
    RenderOptions {
        style,
        size,
        format,
        ..RenderOptions::default()
    }
}

fn slide(kind: SlideKind, title: &str, body: &str) -> Slide {
    Slide {
        kind,
        title: title.to_string(),
        body: body.to_string(),
        alt: String::new(),
    }
}

fn ok<T>(r: Result<T, RenderError>) -> T {
    match r {
        Ok(v) => v,
        Err(e) => panic!("render failed: {e}"),
    }
}

fn image_of(r: Result<(RgbImage, Vec<PlacedText>), RenderError>) -> RgbImage {
    ok(r).0
}

/// Fraction of pixels where some channel differs by more than `tolerance`.
fn diff_fraction(a: &RgbImage, b: &RgbImage, tolerance: u8) -> f64 {
    assert_eq!(a.dimensions(), b.dimensions());
    let differing = a
        .pixels()
        .zip(b.pixels())
        .filter(|(p, q)| p.0.iter().zip(q.0).any(|(x, y)| x.abs_diff(y) > tolerance))
        .count();
    differing as f64 / (a.width() as f64 * a.height() as f64)
}

fn hostile_slides() -> Vec<Slide> {
    let long_body = "Очень длинный текст без конца. ".repeat(170); // > 5 000 characters
    vec![
        slide(SlideKind::Problem, "Title", &long_body),
        slide(
            SlideKind::Idea,
            &"Богословие".repeat(30),
            &"Безразделительнослитноетекстовоеслово".repeat(20),
        ),
        slide(
            SlideKind::Example,
            "NUL\u{0}inside\u{0}",
            "a\u{0}b\u{0}\u{1}\u{7f}c\r\n\t\u{1b}[31m",
        ),
        slide(
            SlideKind::Quote,
            "\u{202E}reversed\u{202C}",
            "\u{2066}isolate\u{2069} \u{202D}override\u{202C} \u{200F}rlm",
        ),
        slide(SlideKind::Cta, "🙏🙏🙏🙏🙏🙏", "🔥✨💡🙏😀🚀📖❤👉🤔🔍💬⭐✝"),
        slide(SlideKind::Title, "", ""),
        slide(SlideKind::Title, "Вера и сомнение 🙏", "Вера и сомнение 🙏"),
        slide(
            SlideKind::Idea,
            "\u{10FFFD}\u{E000}\u{1FAE9}",
            "\u{FFFF}\u{FFFE}\u{10FFFF}",
        ),
        slide(SlideKind::Problem, &"\n".repeat(500), &"  \t ".repeat(400)),
        slide(
            SlideKind::Example,
            "a\u{0301}\u{0301}\u{0301}\u{0301}\u{0301}\u{0301}",
            &"é̴̢̛̛̛̥̯̖̰̜̩̝̘̯̊".repeat(100),
        ),
        slide(
            SlideKind::Idea,
            "مرحبا بالعالم",
            "שלום עולם 你好世界 こんにちは 안녕하세요",
        ),
    ]
}

#[test]
fn default_options_are_galaxy_portrait_png_quality_90_with_the_bot_handle() {
    let o = RenderOptions::default();
    assert_eq!(
        (o.style, o.size, o.format, o.jpeg_quality),
        (Style::Galaxy, SlideSize::Portrait, ImageFormat::Png, 90)
    );
    assert_eq!(o.handle, "@bible_vibecoder_bot");
}

#[test]
fn file_names_are_one_based_and_two_digit_with_matching_mime() {
    let s = RenderedSlide {
        index: 0,
        bytes: vec![],
        width: 1,
        height: 1,
        format: ImageFormat::Png,
        text: Vec::new(),
    };
    assert_eq!(
        (s.file_name().as_str(), s.mime()),
        ("slide-01.png", "image/png")
    );
    let j = RenderedSlide {
        index: 11,
        format: ImageFormat::Jpeg,
        ..s
    };
    assert_eq!(
        (j.file_name().as_str(), j.mime()),
        ("slide-12.jpg", "image/jpeg")
    );
}

#[test]
fn every_style_and_size_encodes_png_and_jpeg_that_decode_to_the_right_dimensions() {
    let s = &demo_slides()[0];
    for &style in Style::ALL {
        for &size in SlideSize::ALL {
            for &format in ImageFormat::ALL {
                let r = ok(render_slide(s, 0, 3, &opts(style, size, format)));
                assert_eq!((r.width, r.height), (1080, size.height()));
                let expected = match format {
                    ImageFormat::Png => image::ImageFormat::Png,
                    ImageFormat::Jpeg => image::ImageFormat::Jpeg,
                };
                assert_eq!(
                    image::guess_format(&r.bytes).ok(),
                    Some(expected),
                    "{style} {size} {format}"
                );
                let decoded = match image::load_from_memory(&r.bytes) {
                    Ok(d) => d,
                    Err(e) => panic!("{style} {size} {format} does not decode: {e}"),
                };
                assert_eq!((decoded.width(), decoded.height()), (1080, size.height()));
                assert!(
                    r.bytes.len() < 10 * 1024 * 1024 / 4,
                    "{style} {size} {format}: {} bytes",
                    r.bytes.len()
                );
            }
        }
    }
}

#[test]
fn jpeg_photos_of_every_style_decode_at_full_size_and_average_at_most_200_kb() {
    let slides = demo_slides();
    for &style in Style::ALL {
        let rendered = ok(render_carousel(
            &slides,
            &opts(style, SlideSize::Portrait, ImageFormat::Jpeg),
        ));
        for r in &rendered {
            let decoded = match image::load_from_memory(&r.bytes) {
                Ok(d) => d,
                Err(e) => panic!("{style} slide {} does not decode: {e}", r.index),
            };
            assert_eq!((decoded.width(), decoded.height()), (1080, 1350));
        }
        let average = rendered.iter().map(|r| r.bytes.len()).sum::<usize>() / rendered.len();
        assert!(
            average <= 200 * 1024,
            "{style}: {average} bytes per slide on average"
        );
    }
}

#[test]
fn jpeg_quality_option_changes_the_file_size() {
    let s = &demo_slides()[1];
    let low = ok(render_slide(
        s,
        1,
        3,
        &RenderOptions {
            jpeg_quality: 20,
            ..opts(Style::Galaxy, SlideSize::Square, ImageFormat::Jpeg)
        },
    ));
    let high = ok(render_slide(
        s,
        1,
        3,
        &RenderOptions {
            jpeg_quality: 98,
            ..opts(Style::Galaxy, SlideSize::Square, ImageFormat::Jpeg)
        },
    ));
    assert!(
        low.bytes.len() * 2 < high.bytes.len(),
        "{} vs {}",
        low.bytes.len(),
        high.bytes.len()
    );
}

#[test]
fn carousel_keeps_slide_order_and_matches_single_renders() {
    let slides = demo_slides();
    let o = opts(Style::Minimal, SlideSize::Square, ImageFormat::Png);
    let all = ok(render_carousel(&slides, &o));
    assert_eq!(all.len(), slides.len());
    for (i, r) in all.iter().enumerate() {
        assert_eq!(r.index, i);
    }
    let fourth = ok(render_slide(&slides[3], 3, slides.len(), &o));
    assert_eq!(all[3], fourth);
    assert_ne!(all[3].bytes, all[4].bytes);
}

#[test]
fn empty_carousels_and_out_of_range_indices_are_errors() {
    assert!(matches!(
        render_carousel(&[], &RenderOptions::default()),
        Err(RenderError::Empty)
    ));
    assert!(matches!(render_pdf(&[]), Err(RenderError::Empty)));
    let s = &demo_slides()[0];
    assert!(matches!(
        render_slide(s, 3, 3, &RenderOptions::default()),
        Err(RenderError::IndexOutOfRange { index: 3, total: 3 })
    ));
}

#[test]
fn neighbouring_slides_differ_visibly_even_with_identical_text() {
    // Same text on every slide: any difference comes from per-index styling.
    let same = slide(
        SlideKind::Idea,
        "Одна и та же мысль",
        "Один и тот же текст на каждом слайде карусели.",
    );
    for &style in Style::ALL {
        let o = opts(style, SlideSize::Portrait, ImageFormat::Png);
        let images: Vec<RgbImage> = (0..6)
            .map(|i| image_of(render_image_traced(&same, i, 6, &o)))
            .collect();
        for i in 0..images.len() - 1 {
            // minimal varies only accent colour and the big slide number by design
            let min = if style == Style::Minimal { 0.005 } else { 0.02 };
            let d = diff_fraction(&images[i], &images[i + 1], 12);
            assert!(
                d > min,
                "{style}: slides {i} and {} differ in only {d:.4} of pixels",
                i + 1
            );
        }
    }
}

#[test]
fn slides_on_one_backdrop_share_every_pixel_outside_the_card_and_differ_inside() {
    let same = slide(SlideKind::Idea, "Одна мысль", "Один и тот же текст.");
    for &style in Style::ALL {
        let o = opts(style, SlideSize::Portrait, ImageFormat::Png);
        let n = backdrop_variants(style);
        let (a, b) = (
            image_of(render_image_traced(&same, 0, 2 * n + 1, &o)),
            image_of(render_image_traced(&same, n, 2 * n + 1, &o)),
        );
        assert_eq!(backdrop_of(style, 0), backdrop_of(style, n));
        let card = card_rect(style, SlideSize::Portrait);
        let mut outside_differs = 0;
        for (x, y, p) in a.enumerate_pixels() {
            let inside = card.contains_point(x as f32 + 0.5, y as f32 + 0.5);
            if !inside && p != b.get_pixel(x, y) {
                outside_differs += 1;
            }
        }
        assert_eq!(
            outside_differs, 0,
            "{style}: backdrops differ outside the card"
        );
        // the n/N counter and the per-index accents still tell the slides apart
        assert!(
            diff_fraction(&a, &b, 12) > 0.0005,
            "{style}: slides 1 and {} are identical",
            n + 1
        );
    }
}

#[test]
fn a_carousel_renders_the_same_bytes_as_its_slides_one_by_one() {
    // render_range shares backdrops between slides; a resumed workflow renders slide by slide
    let slides = demo_slides();
    for &style in Style::ALL {
        let o = opts(style, SlideSize::Portrait, ImageFormat::Jpeg);
        let all = ok(render_carousel(&slides[..5], &o));
        for (i, rendered) in all.iter().enumerate() {
            let alone = ok(render_slide(&slides[i], i, 5, &o));
            assert!(alone.bytes == rendered.bytes, "{style}: slide {i} differs");
        }
        let tail = ok(render_range(&slides[..5], 3..5, &o));
        assert!(tail[0].bytes == all[3].bytes && tail[1].bytes == all[4].bytes);
    }
}

/// Fraction of strongly saturated pixels (HSV saturation > 0.5 and value > 0.3).
fn saturated_fraction(img: &RgbImage) -> f64 {
    let n = img
        .pixels()
        .filter(|p| {
            let (max, min) = (
                *p.0.iter().max().unwrap_or(&0),
                *p.0.iter().min().unwrap_or(&0),
            );
            max > 76 && f64::from(max - min) / f64::from(max) > 0.5
        })
        .count();
    n as f64 / f64::from(img.width() * img.height())
}

fn mean_luma(img: &RgbImage) -> f64 {
    img.pixels()
        .map(|p| 0.299 * f64::from(p.0[0]) + 0.587 * f64::from(p.0[1]) + 0.114 * f64::from(p.0[2]))
        .sum::<f64>()
        / f64::from(img.width() * img.height())
}

#[test]
fn the_three_styles_look_clearly_different() {
    let s = &demo_slides()[2];
    let img = |style| {
        image_of(render_image_traced(
            s,
            2,
            10,
            &opts(style, SlideSize::Portrait, ImageFormat::Png),
        ))
    };
    let (g, v, m) = (img(Style::Galaxy), img(Style::Vibrant), img(Style::Minimal));
    for (a, b, name) in [
        (&g, &v, "galaxy/vibrant"),
        (&g, &m, "galaxy/minimal"),
        (&v, &m, "vibrant/minimal"),
    ] {
        assert!(diff_fraction(a, b, 40) > 0.2, "{name} too similar");
    }
    // galaxy: dark; minimal: light and nearly colourless; vibrant: large bold colour areas
    assert!(mean_luma(&g) < 90.0, "galaxy luma {}", mean_luma(&g));
    assert!(mean_luma(&m) > 200.0, "minimal luma {}", mean_luma(&m));
    assert!(
        saturated_fraction(&m) < 0.02,
        "minimal saturation {}",
        saturated_fraction(&m)
    );
    assert!(
        saturated_fraction(&v) > 0.15,
        "vibrant saturation {}",
        saturated_fraction(&v)
    );
}

/// Pixels outside the card must be identical to those of the same slide with no text.
fn assert_outside_card_unchanged(with_text: &RgbImage, without: &RgbImage, card: Rect, what: &str) {
    for (x, y, p) in with_text.enumerate_pixels() {
        let (fx, fy) = (x as f32 + 0.5, y as f32 + 0.5);
        if !card.contains_point(fx, fy) {
            assert_eq!(
                p,
                without.get_pixel(x, y),
                "{what}: pixel ({x},{y}) outside the card changed"
            );
        }
    }
}

#[test]
fn text_pixels_stay_inside_the_card_even_for_hostile_text() {
    for &style in Style::ALL {
        for &size in SlideSize::ALL {
            let o = opts(style, size, ImageFormat::Png);
            let card = card_rect(style, size);
            for s in hostile_slides().iter().take(5) {
                let full = image_of(render_image_traced(s, 2, 5, &o));
                let empty = image_of(render_image_traced(&slide(s.kind, "", ""), 2, 5, &o));
                assert_outside_card_unchanged(
                    &full,
                    &empty,
                    card,
                    &format!("{style} {size} {:?}", s.title),
                );
                assert!(
                    diff_fraction(&full, &empty, 0) > 0.001,
                    "{style} {size}: text drew nothing"
                );
            }
        }
    }
}

fn assert_placement(trace: &[PlacedText], frame: &Frame, what: &str) {
    for t in trace {
        assert!(
            t.font_size >= t.sizes.min - 1e-3 && t.font_size <= t.sizes.max + 1e-3,
            "{what}: {:?} size {} outside {:?}",
            t.role,
            t.font_size,
            t.sizes
        );
        let region = match t.role {
            TextRole::Title | TextRole::Body | TextRole::Emoji => frame.content,
            TextRole::Counter
            | TextRole::Handle
            | TextRole::Name
            | TextRole::Avatar
            | TextRole::Logo => frame.footer,
            TextRole::Numeral => frame.card,
        };
        for line in &t.lines {
            assert!(
                region.contains(line, 0.5),
                "{what}: {:?} line {line:?} outside {region:?}",
                t.role
            );
        }
        if let Some(ink) = t.ink {
            assert!(
                frame.card.contains(&ink, 1.0),
                "{what}: {:?} ink {ink:?} outside card {:?}",
                t.role,
                frame.card
            );
        }
    }
}

#[test]
fn hostile_inputs_render_with_every_line_inside_its_region() {
    for &style in Style::ALL {
        for &size in SlideSize::ALL {
            let o = RenderOptions {
                handle:
                    "@a_really_really_long_handle_that_cannot_possibly_fit_in_the_footer_of_a_slide"
                        .into(),
                ..opts(style, size, ImageFormat::Png)
            };
            let frame = Frame::new(style, size);
            for (i, s) in hostile_slides().iter().enumerate() {
                let (img, trace) = ok(render_image_traced(s, i, 11, &o));
                assert_eq!(img.dimensions(), (1080, size.height()));
                assert_placement(&trace, &frame, &format!("{style} {size} slide {i}"));
            }
        }
    }
}

#[test]
fn a_five_thousand_character_body_is_shrunk_to_the_minimum_and_ellipsised() {
    let s = &hostile_slides()[0];
    assert!(s.body.chars().count() >= 5_000);
    let (_, trace) = ok(render_image_traced(s, 0, 1, &RenderOptions::default()));
    let body = trace
        .iter()
        .find(|t| t.role == TextRole::Body)
        .map(|t| (t.font_size, t.sizes.min, t.truncated));
    let Some((size, min, truncated)) = body else {
        panic!("no body drawn")
    };
    assert_eq!(size, min);
    assert!(truncated);
}

#[test]
fn cyrillic_with_emoji_renders_title_and_emoji_line() {
    let s = slide(SlideKind::Title, "Вера и сомнение 🙏", "Тело");
    let (_, trace) = ok(render_image_traced(&s, 0, 1, &RenderOptions::default()));
    let title = trace.iter().find(|t| t.role == TextRole::Title);
    assert!(title.is_some_and(|t| t.ink.is_some() && !t.truncated));
    assert!(trace
        .iter()
        .any(|t| t.role == TextRole::Emoji && t.ink.is_some()));
}

#[test]
fn emoji_only_title_becomes_the_emoji_line_and_leaves_no_title() {
    let s = slide(SlideKind::Cta, "🙏✨", "");
    let (_, trace) = ok(render_image_traced(&s, 0, 1, &RenderOptions::default()));
    assert!(trace
        .iter()
        .any(|t| t.role == TextRole::Emoji && t.ink.is_some()));
    assert!(trace
        .iter()
        .filter(|t| t.role == TextRole::Title)
        .all(|t| t.lines.is_empty()));
}

#[test]
fn the_handle_is_drawn_in_the_footer_and_only_there() {
    let s = &demo_slides()[1];
    let with = |handle: &str| {
        let o = RenderOptions {
            handle: handle.into(),
            ..opts(Style::Vibrant, SlideSize::Portrait, ImageFormat::Png)
        };
        image_of(render_image_traced(s, 1, 10, &o))
    };
    let (a, b) = (with("@bible_vibecoder_bot"), with(""));
    let footer = Frame::new(Style::Vibrant, SlideSize::Portrait).footer;
    let mut changed = 0;
    for (x, y, p) in a.enumerate_pixels() {
        if p != b.get_pixel(x, y) {
            assert!(
                footer.contains_point(x as f32 + 0.5, y as f32 + 0.5),
                "({x},{y}) changed outside the footer"
            );
            changed += 1;
        }
    }
    assert!(changed > 500, "handle drew only {changed} pixels");
}

fn pdf_page_count(pdf: &[u8]) -> usize {
    let needle = b"/Type /Page";
    pdf.windows(needle.len() + 1)
        .filter(|w| &w[..needle.len()] == needle && w[needle.len()] != b's')
        .count()
}

#[test]
fn pdf_has_one_page_per_slide_with_the_images_embedded_as_is() {
    for &format in ImageFormat::ALL {
        let slides: Vec<Slide> = demo_slides().into_iter().take(4).collect();
        let rendered = ok(render_carousel(
            &slides,
            &opts(Style::Minimal, SlideSize::Square, format),
        ));
        let pdf = ok(render_pdf(&rendered));
        assert!(pdf.starts_with(b"%PDF-"), "{format}");
        assert_eq!(pdf_page_count(&pdf), 4, "{format}");
        let contains = |s: &[u8]| pdf.windows(s.len()).any(|w| w == s);
        assert!(contains(b"/Count 4"));
        assert!(contains(b"/MediaBox [0 0 540 540]"), "{format}");
        match format {
            ImageFormat::Jpeg => {
                assert!(contains(b"/DCTDecode") && contains(&rendered[2].bytes[..64]))
            }
            ImageFormat::Png => assert!(contains(b"/FlateDecode") && contains(b"/Predictor 15")),
        }
        let images: usize = rendered.iter().map(|r| r.bytes.len()).sum();
        // The images, and the subsets of the faces the text layer uses.
        assert!(
            pdf.len() < images + 160_000,
            "{format}: PDF {} bytes for {images} bytes of images",
            pdf.len()
        );
    }
}

#[test]
fn pdf_pages_follow_each_slides_aspect() {
    let s = &demo_slides()[0];
    let portrait = ok(render_slide(
        s,
        0,
        2,
        &opts(Style::Vibrant, SlideSize::Portrait, ImageFormat::Jpeg),
    ));
    let square = ok(render_slide(
        s,
        1,
        2,
        &opts(Style::Vibrant, SlideSize::Square, ImageFormat::Png),
    ));
    let pdf = ok(render_pdf(&[portrait, square]));
    let contains = |s: &[u8]| pdf.windows(s.len()).any(|w| w == s);
    assert!(contains(b"/MediaBox [0 0 540 675]") && contains(b"/MediaBox [0 0 540 540]"));
    assert_eq!(pdf_page_count(&pdf), 2);
}

#[test]
fn pdf_reencodes_pngs_it_cannot_pass_through_and_rejects_garbage() {
    // An RGBA PNG (colour type 6) cannot go in as-is; it must be re-encoded, not fail.
    let rgba = image::RgbaImage::from_pixel(8, 10, image::Rgba([10, 20, 30, 255]));
    let mut png = std::io::Cursor::new(Vec::new());
    if let Err(e) = rgba.write_to(&mut png, image::ImageFormat::Png) {
        panic!("{e}");
    }
    let slide = RenderedSlide {
        index: 0,
        bytes: png.into_inner(),
        width: 8,
        height: 10,
        format: ImageFormat::Png,
        text: Vec::new(),
    };
    let pdf = ok(render_pdf(std::slice::from_ref(&slide)));
    assert_eq!(pdf_page_count(&pdf), 1);
    let garbage = RenderedSlide {
        bytes: b"not an image".to_vec(),
        ..slide.clone()
    };
    assert!(matches!(
        render_pdf(&[slide.clone(), garbage.clone()]),
        Err(RenderError::Pdf { slide: 1, .. })
    ));
    let bad_jpeg = RenderedSlide {
        format: ImageFormat::Jpeg,
        ..garbage
    };
    assert!(matches!(
        render_pdf(&[bad_jpeg]),
        Err(RenderError::Pdf { slide: 0, .. })
    ));
}

fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[a-zA-Zа-яА-ЯёЁ0-9 ,.!?\n\t🙏✨🔥\u{0}\u{202E}\u{2066}\u{200D}\u{FE0F}—-]{0,300}",
        ("[a-zа-я]{1,60}", 1usize..60).prop_map(|(w, n)| w.repeat(n)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(160))]

    #[test]
    fn any_slide_renders_with_all_text_inside_the_card(
        title in any_text(),
        body in any_text(),
        handle in any_text(),
        style in 0usize..3,
        size in 0usize..2,
        kind in 0usize..6,
        index in 0usize..20,
        extra in 0usize..5,
    ) {
        let (style, size, kind) = (Style::ALL[style], SlideSize::ALL[size], SlideKind::ALL[kind]);
        let o = RenderOptions { handle, ..opts(style, size, ImageFormat::Png) };
        let s = Slide::new(kind, title, body);
        let (img, trace) = ok(render_image_traced(&s, index, index + 1 + extra, &o));
        prop_assert_eq!(img.dimensions(), (1080, size.height()));
        assert_placement(&trace, &Frame::new(style, size), &format!("{style} {size} {kind}"));
    }
}

/// Pixels inside `rect` of a warm, saturated colour (🔥's flame, 💡's bulb, 🙏's hands), which
/// no style's text or card has.
fn warm_pixels(img: &RgbImage, rect: &Rect) -> usize {
    let (x0, y0) = (rect.x.max(0.0) as u32, rect.y.max(0.0) as u32);
    let (x1, y1) = (
        (rect.right().max(0.0) as u32).min(img.width()),
        (rect.bottom().max(0.0) as u32).min(img.height()),
    );
    (y0..y1)
        .flat_map(|y| (x0..x1).map(move |x| (x, y)))
        .filter(|&(x, y)| {
            let [r, g, b] = img.get_pixel(x, y).0;
            r > 200 && g > 80 && b < 90 && i32::from(r) - i32::from(b) > 140
        })
        .count()
}

#[test]
fn emoji_are_drawn_in_colour_in_titles_and_bodies_between_latin_and_cyrillic() {
    for &style in Style::ALL {
        let with = slide(
            SlideKind::Idea,
            "Вера 🔥 faith",
            "Текст 💡 text и слово 🙏 ещё",
        );
        let without = slide(SlideKind::Idea, "Вера faith", "Текст text и слово ещё");
        let o = opts(style, SlideSize::Portrait, ImageFormat::Png);
        let (img, trace) = ok(render_image_traced(&with, 1, 3, &o));
        let (plain, plain_trace) = ok(render_image_traced(&without, 1, 3, &o));
        for role in [TextRole::Title, TextRole::Body] {
            let ink = |t: &[PlacedText]| {
                t.iter()
                    .find(|p| p.role == role)
                    .and_then(|p| p.ink)
                    .unwrap_or_else(|| panic!("{style}: no {role:?} ink"))
            };
            let coloured = warm_pixels(&img, &ink(&trace));
            assert!(
                coloured > 150,
                "{style} {role:?}: only {coloured} warm pixels"
            );
            assert!(
                warm_pixels(&plain, &ink(&plain_trace)) < 10,
                "{style} {role:?}: the text alone has no warm colour"
            );
            let text = trace.iter().find(|p| p.role == role).expect("placed");
            assert!(
                !text.truncated && text.lines.len() <= 2,
                "{style} {role:?}: {text:?}"
            );
        }
    }
}

#[test]
fn a_right_to_left_slide_mirrors_its_text_accents_and_footer() {
    let arabic = slide(
        SlideKind::Idea,
        "الأمل يبدأ بخطوة صغيرة",
        "كل يوم نختار أن نثق. جرّب Telegram لمدة 30 يومًا.",
    );
    let latin = slide(
        SlideKind::Idea,
        "Hope starts small",
        "Every day we choose to trust.",
    );
    for style in [Style::Galaxy, Style::Vibrant, Style::Minimal] {
        let o = opts(style, SlideSize::Portrait, ImageFormat::Png);
        let content = Frame::new(style, o.size).content;
        let placed = |s: &Slide| ok(render_image_traced(s, 1, 5, &o)).1;
        let find = |p: &[PlacedText], role: TextRole| -> PlacedText {
            p.iter()
                .find(|t| t.role == role)
                .cloned()
                .unwrap_or_else(|| panic!("{role:?} drawn"))
        };
        let (rtl, ltr) = (placed(&arabic), placed(&latin));
        let title = find(&rtl, TextRole::Title);
        assert!(title.rtl && title.missing == 0, "{style:?}: {title:?}");
        for line in &title.lines {
            assert!(
                (line.right() - content.right()).abs() < 1.0,
                "{style:?}: title line {line:?} ends at the right"
            );
        }
        let ltr_title = find(&ltr, TextRole::Title);
        assert!(
            ltr_title
                .lines
                .iter()
                .all(|l| (l.x - content.x).abs() < 1.0),
            "{style:?}: Latin starts at the left"
        );
        let (handle, counter) = (find(&rtl, TextRole::Handle), find(&rtl, TextRole::Counter));
        assert!(
            handle.lines[0].x > counter.lines[0].x,
            "{style:?}: the handle moves to the right"
        );
        let (handle, counter) = (find(&ltr, TextRole::Handle), find(&ltr, TextRole::Counter));
        assert!(
            handle.lines[0].x < counter.lines[0].x,
            "{style:?}: the handle stays at the left"
        );
    }
}

/// `text` as a PDF text string as pdf-writer writes it: ASCII literally, the rest in UTF-16BE hex.
fn pdf_text_hex(text: &str) -> String {
    if text.is_ascii() {
        return format!("({text})");
    }
    let mut hex = String::from("<FEFF");
    for unit in text.encode_utf16() {
        hex.push_str(&format!("{unit:04X}"));
    }
    hex.push('>');
    hex
}

/// The `ToUnicode` entries of a PDF: `<glyph> <utf16>` pairs decoded to their text.
fn to_unicode_texts(pdf: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(pdf);
    let mut out = Vec::new();
    for block in text.split("beginbfchar").skip(1) {
        let block = block.split("endbfchar").next().unwrap_or("");
        for line in block.lines() {
            let Some(target) = line.split_whitespace().nth(1) else {
                continue;
            };
            let hex = target.trim_matches(|c| c == '<' || c == '>');
            let units: Vec<u16> = (0..hex.len() / 4)
                .filter_map(|i| u16::from_str_radix(&hex[4 * i..4 * i + 4], 16).ok())
                .collect();
            out.push(String::from_utf16_lossy(&units));
        }
    }
    out
}

#[test]
fn a_pdf_keeps_every_scripts_text_selectable_in_reading_order() {
    let slides = vec![
        slide(SlideKind::Title, "الإيمان والأمل", ""),
        slide(SlideKind::Idea, "信仰与希望", "信仰与希望是人生的两盏灯。"),
        slide(SlideKind::Idea, "आस्था और आशा", "Faith and hope 2026"),
    ];
    let rendered = ok(render_carousel(
        &slides,
        &opts(Style::Minimal, SlideSize::Portrait, ImageFormat::Jpeg),
    ));
    let pdf = ok(render_pdf(&rendered));
    let contains = |s: &[u8]| pdf.windows(s.len()).any(|w| w == s);
    for needle in [
        "/ToUnicode",
        "/Identity-H",
        "/FontFile3",
        "/FontFile2",
        "/ActualText",
        "\n3 Tr",
    ] {
        assert!(contains(needle.as_bytes()), "the PDF lacks {needle}");
    }
    // Each line's words, in reading order, are the text a copy pastes.
    for line in [
        "الإيمان والأمل",
        "信仰与希望",
        "आस्था और आशा",
        "Faith and hope 2026",
    ] {
        assert!(
            contains(pdf_text_hex(line).as_bytes()),
            "no ActualText for {line:?}"
        );
    }
    // And each glyph maps back to its characters for readers that go glyph by glyph.
    let mapped: String = to_unicode_texts(&pdf).concat();
    for c in "الإيمنوأل信仰与希望आसथऔरशFaith2026".chars() {
        assert!(mapped.contains(c), "no ToUnicode entry gives {c:?}");
    }
    // Glyphs drawn, not whole fonts: the CJK collection is 19 MB, the PDF a fraction of one.
    let images: usize = rendered.iter().map(|r| r.bytes.len()).sum();
    assert!(
        pdf.len() < images + 400_000,
        "PDF {} bytes for {images} bytes of images",
        pdf.len()
    );
}

fn solid(w: u32, h: u32, c: [u8; 4]) -> std::sync::Arc<image::RgbaImage> {
    std::sync::Arc::new(image::RgbaImage::from_pixel(w, h, image::Rgba(c)))
}

fn branded(style: Style, size: SlideSize, brand: SlideBrand) -> RenderOptions {
    RenderOptions {
        handle: "@ann".into(),
        brand,
        ..opts(style, size, ImageFormat::Png)
    }
}

fn red_blue_brand() -> SlideBrand {
    SlideBrand {
        name: "Ann Lee".into(),
        accent: Some([0xff, 0x88, 0x00]),
        avatar: Some(solid(64, 64, [255, 0, 0, 255])),
        logo: Some(solid(300, 100, [0, 0, 255, 255])),
        ..SlideBrand::default()
    }
}

fn placed(trace: &[PlacedText], role: TextRole) -> Rect {
    match trace.iter().find(|t| t.role == role) {
        Some(t) => t.lines[0],
        None => panic!("no {role:?} placed"),
    }
}

fn px(img: &RgbImage, x: f32, y: f32) -> [u8; 3] {
    img.get_pixel(x as u32, y as u32).0
}

fn close(a: [u8; 3], b: [u8; 3], tolerance: u8) -> bool {
    a.iter().zip(b).all(|(x, y)| x.abs_diff(y) <= tolerance)
}

#[test]
fn a_brand_draws_its_round_avatar_name_logo_and_accent_in_every_style_and_size() {
    let s = &demo_slides()[1];
    for &style in Style::ALL {
        for &size in SlideSize::ALL {
            let what = format!("{style} {size}");
            let (img, trace) = ok(render_image_traced(
                s,
                1,
                10,
                &branded(style, size, red_blue_brand()),
            ));
            let frame = Frame::new(style, size);
            assert_placement(&trace, &frame, &what);
            let a = placed(&trace, TextRole::Avatar);
            assert!(
                close(px(&img, a.x + a.w / 2.0, a.y + a.h / 2.0), [255, 0, 0], 2),
                "{what}: avatar centre"
            );
            assert!(
                !close(px(&img, a.x + 1.0, a.y + 1.0), [255, 0, 0], 60),
                "{what}: avatar corner is outside the circle"
            );
            let l = placed(&trace, TextRole::Logo);
            assert!(
                close(px(&img, l.x + l.w / 2.0, l.y + l.h / 2.0), [0, 0, 255], 2),
                "{what}: logo centre"
            );
            assert!(
                l.h <= frame.footer.h + 0.5 && l.w <= 160.5,
                "{what}: logo {l:?}"
            );
            assert!(
                (l.w / l.h - 3.0).abs() < 0.1,
                "{what}: logo keeps its aspect"
            );
            let name = trace.iter().find(|t| t.role == TextRole::Name);
            assert!(
                name.is_some_and(|t| t.text == "Ann Lee"),
                "{what}: name traced"
            );
            // the progress bar's fill (slide 2 of 10: its first fifth) carries the accent
            let pal = style::Palette::branded(style, 1, 10, Some([0xff, 0x88, 0x00]));
            let bar_y = frame.footer.y - if frame.height > 1080 { 28.0 } else { 22.0 };
            let fill = px(&img, frame.footer.x + frame.footer.w * 0.1, bar_y);
            assert!(
                close(fill, pal.accent, 3),
                "{what}: fill {fill:?} vs {:?}",
                pal.accent
            );
        }
    }
}

#[test]
fn the_default_brand_draws_every_slide_as_before() {
    // "as before": the options with no brand field set, and those with every brand part empty
    let s = &demo_slides()[2];
    for &style in Style::ALL {
        for &size in SlideSize::ALL {
            let plain = opts(style, size, ImageFormat::Png);
            let empty = RenderOptions {
                brand: SlideBrand {
                    name: "  ".into(),
                    ..SlideBrand::default()
                },
                ..plain.clone()
            };
            let a = ok(render_slide(s, 2, 10, &plain));
            let b = ok(render_slide(s, 2, 10, &empty));
            assert!(a.bytes == b.bytes, "{style} {size}");
            assert_eq!(
                style::Palette::branded(style, 2, 10, None),
                style::Palette::new(style, 2, 10)
            );
        }
    }
}

#[test]
fn every_preset_accent_and_the_extremes_reach_3_to_1_on_what_they_sit_on_in_every_style() {
    use style::{contrast, GALAXY_GLASS, INK, MINIMAL_PAPER, VIBRANT_CARD};
    let extremes = [[0xff, 0xff, 0xff], [0, 0, 0], [0xff, 0xff, 0x00]];
    let accents = crate::domain::ACCENT_PRESETS
        .iter()
        .map(|a| a.0)
        .chain(extremes);
    for accent in accents {
        for i in 0..4 {
            let g = style::Palette::branded(Style::Galaxy, i, 4, Some(accent));
            assert!(contrast(g.accent, GALAXY_GLASS) >= 3.0, "galaxy {accent:?}");
            let v = style::Palette::branded(Style::Vibrant, i, 4, Some(accent));
            assert!(contrast(v.bg, INK) >= 3.0, "vibrant page {accent:?}");
            assert!(
                contrast(v.accent, VIBRANT_CARD) >= 3.0,
                "vibrant bar {accent:?}"
            );
            assert!(
                contrast(v.emoji, v.block_a) >= 3.0,
                "vibrant badge {accent:?}"
            );
            let m = style::Palette::branded(Style::Minimal, i, 4, Some(accent));
            assert!(
                contrast(m.accent, MINIMAL_PAPER) >= 3.0,
                "minimal {accent:?}"
            );
        }
    }
}

#[test]
fn a_backdrop_drawn_for_one_accent_is_never_reused_for_another() {
    let s = &demo_slides()[0];
    let page = |accent: [u8; 3]| {
        let brand = SlideBrand {
            accent: Some(accent),
            ..SlideBrand::default()
        };
        let o = branded(Style::Vibrant, SlideSize::Portrait, brand);
        // two renders each: the second takes the kept backdrop
        let _ = ok(render_image_traced(s, 0, 3, &o));
        let img = image_of(render_image_traced(s, 0, 3, &o));
        let pal = style::Palette::branded(Style::Vibrant, 0, 3, Some(accent));
        (px(&img, 20.0, 675.0), pal.bg)
    };
    for accent in [[0xff, 0x88, 0x00], [0x1e, 0x90, 0xff], [0xff, 0x88, 0x01]] {
        let (seen, bg) = page(accent);
        assert_eq!(seen, bg, "{accent:?}");
    }
    let key = |accent| tile_cache::PixelKey {
        style: Style::Vibrant,
        size: SlideSize::Portrait,
        variant: 0,
        palette: style::Palette::branded(Style::Vibrant, 0, 3, accent),
    };
    assert_ne!(key(Some([1, 1, 1])), key(Some([1, 1, 2])));
    assert_ne!(key(None), key(Some(style::hex(style::VIBRANT[0].0))));
}

#[test]
fn a_long_name_and_handle_shrink_and_stay_clear_of_each_other_and_the_counter() {
    let s = &demo_slides()[1];
    for &style in Style::ALL {
        for &size in SlideSize::ALL {
            for rtl in [false, true] {
                let brand = SlideBrand {
                    name: "Annabelle Leonora Featherstonehaugh-Montgomery".into(),
                    ..red_blue_brand()
                };
                let o = RenderOptions {
                    handle: "@annabelle_leonora_featherstonehaugh".into(),
                    ..branded(style, size, brand)
                };
                let arabic = slide(
                    SlideKind::Idea,
                    "الأمل يبدأ بخطوة صغيرة",
                    "كل يوم نختار أن نثق.",
                );
                let s = if rtl { &arabic } else { s };
                let (_, trace) = ok(render_image_traced(s, 1, 10, &o));
                let what = format!("{style} {size} rtl={rtl}");
                assert_placement(&trace, &Frame::new(style, size), &what);
                let boxes: Vec<(TextRole, Rect)> = [
                    TextRole::Avatar,
                    TextRole::Name,
                    TextRole::Handle,
                    TextRole::Logo,
                    TextRole::Counter,
                ]
                .into_iter()
                .map(|r| {
                    let t = trace
                        .iter()
                        .find(|t| t.role == r)
                        .unwrap_or_else(|| panic!("{what}: {r:?}"));
                    (r, t.ink.unwrap_or(t.lines[0]))
                })
                .collect();
                for (i, (ra, a)) in boxes.iter().enumerate() {
                    for (rb, b) in &boxes[i + 1..] {
                        let apart = a.right() <= b.x + 0.5 || b.right() <= a.x + 0.5;
                        assert!(apart, "{what}: {ra:?} {a:?} overlaps {rb:?} {b:?}");
                    }
                }
                let name = trace
                    .iter()
                    .find(|t| t.role == TextRole::Name)
                    .map(|t| t.truncated);
                assert_eq!(
                    name,
                    Some(true),
                    "{what}: the long name ends with an ellipsis"
                );
            }
        }
    }
}

#[test]
fn a_right_to_left_slide_puts_the_avatar_at_the_right_and_the_logo_left_of_the_name() {
    let arabic = slide(
        SlideKind::Idea,
        "الأمل يبدأ بخطوة صغيرة",
        "كل يوم نختار أن نثق.",
    );
    for &style in Style::ALL {
        let o = branded(style, SlideSize::Portrait, red_blue_brand());
        let (_, trace) = ok(render_image_traced(&arabic, 1, 5, &o));
        let footer = Frame::new(style, SlideSize::Portrait).footer;
        let (avatar, name, logo, counter) = (
            placed(&trace, TextRole::Avatar),
            placed(&trace, TextRole::Name),
            placed(&trace, TextRole::Logo),
            placed(&trace, TextRole::Counter),
        );
        assert!(
            (avatar.right() - footer.right()).abs() < 1.0,
            "{style}: avatar at the right"
        );
        assert!(
            name.right() < avatar.x && logo.right() < name.x,
            "{style}: name then logo leftwards"
        );
        assert!(counter.right() < logo.x, "{style}: counter at the left");
    }
}

#[test]
fn each_font_pairing_draws_titles_and_bodies_in_its_faces() {
    let s = slide(
        SlideKind::Idea,
        "Hope starts small",
        "Every day we choose to trust.",
    );
    let faces = |fonts| {
        let brand = SlideBrand {
            fonts,
            ..SlideBrand::default()
        };
        let (_, trace) = ok(render_image_traced(
            &s,
            1,
            5,
            &branded(Style::Minimal, SlideSize::Portrait, brand),
        ));
        let face = |role| {
            trace
                .iter()
                .find(|t| t.role == role)
                .and_then(|t| t.glyph_lines.first())
                .and_then(|l| l.glyphs.first())
                .map(|g| g.face)
        };
        (face(TextRole::Title), face(TextRole::Body))
    };
    use crate::domain::FontPairing;
    assert_eq!(
        faces(FontPairing::Modern),
        (Some("Inter Display Bold"), Some("Inter Regular"))
    );
    assert_eq!(
        faces(FontPairing::Soft),
        (Some("Inter SemiBold"), Some("Inter Regular"))
    );
    assert_eq!(
        faces(FontPairing::Strong),
        (Some("Inter Display Bold"), Some("Inter SemiBold"))
    );
}

/// Writes the brand samples a designer looks at to /tmp/brand-*.png:
/// `cargo test --lib render::tests::write_brand_samples -- --ignored`.
#[test]
#[ignore]
fn write_brand_samples() {
    let d = 256u32;
    let avatar = image::RgbaImage::from_fn(d, d, |x, y| {
        let (fx, fy) = (x as f32 / d as f32, y as f32 / d as f32);
        image::Rgba([
            (60.0 + 180.0 * fx) as u8,
            (90.0 + 100.0 * fy) as u8,
            (200.0 - 120.0 * fx * fy) as u8,
            255,
        ])
    });
    let logo = image::RgbaImage::from_fn(480, 120, |x, y| {
        let inside = (x / 60) % 2 == 0 || (y > 40 && y < 80);
        image::Rgba([30, 180, 120, if inside { 255 } else { 0 }])
    });
    let arabic = slide(
        SlideKind::Idea,
        "الأمل يبدأ بخطوة صغيرة",
        "كل يوم نختار أن نثق. جرّب لمدة 30 يومًا.",
    );
    let slides = demo_slides();
    for &style in Style::ALL {
        for &size in SlideSize::ALL {
            for (tag, accent) in [
                ("orange", [0xff, 0x88, 0x00]),
                ("navy", [0x11, 0x18, 0x27]),
                ("yellow", [0xf5, 0xc4, 0x00]),
            ] {
                let brand = SlideBrand {
                    name: "Ann Lee".into(),
                    accent: Some(accent),
                    avatar: Some(std::sync::Arc::new(avatar.clone())),
                    logo: Some(std::sync::Arc::new(logo.clone())),
                    ..SlideBrand::default()
                };
                let o = branded(style, size, brand);
                let img = ok(render_image(&slides[1], 1, 10, &o));
                let _ = img.save(format!("/tmp/brand-{style}-{size}-{tag}.png"));
                if tag == "orange" {
                    let img = ok(render_image(&arabic, 1, 10, &o));
                    let _ = img.save(format!("/tmp/brand-{style}-{size}-arabic.png"));
                }
            }
        }
    }
}
