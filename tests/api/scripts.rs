//! Every script a user writes in: the slides the `carousel` command makes for a topic in each
//! script of issue 34's table come out with the topic drawn, in every style and size.
use bible_vibecoder::ai::{offline, CarouselBrief};
use bible_vibecoder::domain::{ImageFormat, Lang, SlideSize, Style};
use bible_vibecoder::render::{self, RenderOptions, TextRole};
use std::process::Command;

/// The table's topics: Latin, Cyrillic, Greek, Arabic, Persian, Hebrew, Hindi, Thai, Georgian,
/// Armenian, Chinese, Japanese, Korean, and the scripts bundled beside them.
const TOPICS: &[&str] = &[
    "Why habits beat motivation",
    "Вера и сомнение",
    "Πίστη και ελπίδα",
    "الإيمان والأمل",
    "ایمان و امید",
    "אמונה ותקווה",
    "आस्था और आशा",
    "ศรัทธาและความหวัง",
    "რწმენა და იმედი",
    "Հավատ և հույս",
    "信仰与希望",
    "信仰と希望",
    "믿음과 희망",
    "বিশ্বাস ও আশা",
    "நம்பிக்கையும் நம்பிக்கையும்",
    "እምነት እና ተስፋ",
];

fn without_spaces(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn a_topic_in_every_script_is_drawn_on_its_title_slide_in_every_style_and_size() {
    for topic in TOPICS {
        let slides = offline::write_carousel(&CarouselBrief::new(*topic, 3, Lang::En));
        let title = &slides[0];
        assert!(
            title.title.contains(topic),
            "the writer keeps {topic:?}: {:?}",
            title.title
        );
        for style in [Style::Galaxy, Style::Vibrant, Style::Minimal] {
            for size in [SlideSize::Portrait, SlideSize::Square] {
                let opts = RenderOptions {
                    style,
                    size,
                    format: ImageFormat::Png,
                    ..RenderOptions::default()
                };
                let (image, placed) = render::render_image_traced(title, 0, slides.len(), &opts)
                    .unwrap_or_else(|e| panic!("{topic} {style:?} {size:?}: {e}"));
                let drawn = placed
                    .iter()
                    .find(|p| p.role == TextRole::Title)
                    .unwrap_or_else(|| panic!("{topic} {style:?} {size:?}: no title drawn"));
                assert!(
                    drawn.ink.is_some_and(|ink| ink.w > 20.0 && ink.h > 20.0),
                    "{topic} {style:?} {size:?}: the title area is empty"
                );
                assert_eq!(
                    drawn.missing, 0,
                    "{topic} {style:?} {size:?}: boxes in {:?}",
                    drawn.text
                );
                assert!(
                    without_spaces(&drawn.text).contains(&without_spaces(topic)),
                    "{topic} {style:?} {size:?}: drew {:?}",
                    drawn.text
                );
                let encoded = render::encode(&image, ImageFormat::Png, 90).expect("encodes");
                let decoded = image::load_from_memory(&encoded).expect("decodes");
                assert_eq!((decoded.width(), decoded.height()), (1080, size.height()));
            }
        }
    }
}

#[test]
fn the_carousel_command_renders_arabic_hindi_chinese_and_thai_topics_offline() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (n, topic) in [
        "الإيمان والأمل",
        "आस्था और आशा",
        "信仰与希望",
        "ศรัทธาและความหวัง",
    ]
    .iter()
    .enumerate()
    {
        let out = dir.path().join(format!("out{n}"));
        let output = Command::new(env!("CARGO_BIN_EXE_bible-vibecoder"))
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args([
                "carousel", topic, "--slides", "3", "--style", "minimal", "--out",
            ])
            .arg(&out)
            .env(
                "DATABASE_URL",
                format!("sqlite://{}/cli{n}.db", dir.path().display()),
            )
            .output()
            .expect("runs");
        assert!(
            output.status.success(),
            "{topic}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        for slide in 1..=3 {
            let path = out.join(format!("slide-{slide:02}.png"));
            let image =
                image::open(&path).unwrap_or_else(|e| panic!("{topic} {}: {e}", path.display()));
            assert_eq!((image.width(), image.height()), (1080, 1350));
        }
    }
}
