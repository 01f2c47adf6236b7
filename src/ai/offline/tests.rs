//! Tests of `offline`.
use super::*;

#[test]
fn the_bundled_phrase_banks_parse_and_none_is_empty() {
    let b = bank();
    for (name, len) in [
        ("quotes", b.quotes.len()),
        ("title_templates", b.title_templates.len()),
        ("generic_titles", b.generic_titles.len()),
        ("title_hooks", b.title_hooks.len()),
        ("problems", b.problems.len()),
        ("why_it_matters", b.why_it_matters.len()),
        ("ideas", b.ideas.len()),
        ("examples", b.examples.len()),
        ("quote_titles", b.quote_titles.len()),
        ("ctas", b.ctas.len()),
        ("reflections", b.reflections.len()),
    ] {
        assert!(len > 0, "{name} is empty");
    }
    assert!(b
        .quotes
        .iter()
        .all(|q| !q.text.en.is_empty() && !q.text.ru.is_empty()));
}
use crate::ai::text::{BODY_MAX_CHARS, TITLE_MAX_CHARS};
use crate::domain::{ContentLanguage, Lang, MAX_SLIDES, MIN_SLIDES};

fn brief(topic: &str, n: usize, lang: OfflineLang) -> CarouselBrief {
    CarouselBrief::new(topic, n, Lang::En).in_language(lang.content())
}

fn assert_well_formed(slides: &[Slide], n: usize) {
    assert_eq!(slides.len(), n);
    assert_eq!(slides[0].kind, SlideKind::Title);
    assert_eq!(slides[n - 1].kind, SlideKind::Cta);
    for s in slides {
        assert!(
            !s.title.trim().is_empty() && !s.body.trim().is_empty(),
            "{s:?}"
        );
        assert!(s.title.chars().count() <= TITLE_MAX_CHARS, "{s:?}");
        assert!(s.body.chars().count() <= BODY_MAX_CHARS, "{s:?}");
        let first = s.title.chars().next().unwrap_or(' ');
        assert!(
            text::is_emoji(first),
            "title must start with an emoji: {s:?}"
        );
        assert!(!s.title.contains('\0') && !s.body.contains('\0'));
        assert!(!s.body.contains("{q}") && !s.body.contains("{t}"), "{s:?}");
    }
}

#[test]
fn every_slide_count_in_both_languages_gives_exactly_n_slides_title_first_cta_last() {
    for lang in [OfflineLang::En, OfflineLang::Ru] {
        for n in MIN_SLIDES..=MAX_SLIDES {
            let slides = write_carousel(&brief("Patience at work", n, lang));
            assert_well_formed(&slides, n);
        }
    }
}

#[test]
fn slide_count_outside_bounds_is_clamped() {
    assert_eq!(
        write_carousel(&brief("x y", 0, OfflineLang::En)).len(),
        MIN_SLIDES
    );
    assert_eq!(
        write_carousel(&brief("x y", 500, OfflineLang::Ru)).len(),
        MAX_SLIDES
    );
}

#[test]
fn same_topic_lang_and_count_give_the_same_carousel() {
    let a = write_carousel(&brief("Prayer and deadlines", 10, OfflineLang::En));
    let b = write_carousel(&brief("Prayer and deadlines", 10, OfflineLang::En));
    assert_eq!(a, b);
}

#[test]
fn distinct_topics_give_visibly_different_carousels() {
    let topics = [
        "Prayer",
        "Burnout",
        "Code review",
        "Money",
        "Forgiveness",
        "Focus",
    ];
    let carousels: Vec<Vec<Slide>> = topics
        .iter()
        .map(|t| write_carousel(&brief(t, 10, OfflineLang::En)))
        .collect();
    for i in 0..carousels.len() {
        for j in i + 1..carousels.len() {
            let same_titles = carousels[i]
                .iter()
                .zip(&carousels[j])
                .skip(1)
                .filter(|(a, b)| a.title == b.title)
                .count();
            assert!(
                same_titles < 6,
                "{} vs {}: {same_titles} equal titles",
                topics[i],
                topics[j]
            );
        }
    }
}

#[test]
fn the_topic_appears_in_the_carousel() {
    let slides = write_carousel(&brief("Sabbath rest", 6, OfflineLang::En));
    assert!(slides[0].title.contains("Sabbath rest") || slides[0].title.contains("sabbath rest"));
    assert!(slides
        .iter()
        .skip(1)
        .any(|s| s.body.contains("“Sabbath rest”")));
}

#[test]
fn russian_topic_is_quoted_with_guillemets_after_a_noun() {
    let slides = write_carousel(&brief("прокрастинация", 10, OfflineLang::Ru));
    assert_well_formed(&slides, 10);
    let bodies: Vec<&str> = slides.iter().map(|s| s.body.as_str()).collect();
    assert!(
        bodies.iter().any(|b| b.contains("«прокрастинация»")),
        "{bodies:?}"
    );
    for b in &bodies {
        if let Some(pos) = b.find("«прокрастинация»") {
            let before = &b[..pos];
            assert!(
                before.trim_end().ends_with("тема")
                    || before.trim_end().ends_with("теме")
                    || before.trim_end().ends_with("темой")
                    || before.trim_end().ends_with("тему")
                    || before.trim_end().ends_with("Напишите"),
                "topic must follow a form of «тема»: {b}"
            );
        }
    }
}

#[test]
fn cyrillic_topic_with_emoji_is_handled() {
    let slides = write_carousel(&brief("  🙏 Молитва и код 💻  ", 7, OfflineLang::Ru));
    assert_well_formed(&slides, 7);
    assert!(
        slides.iter().any(|s| s.body.contains("Молитва и код")),
        "{slides:?}"
    );
}

#[test]
fn hostile_topic_with_markup_nul_and_five_thousand_chars_is_handled() {
    let mut topic = String::from("<script>alert('x')</script>\0<b>Faith</b> ");
    topic.push_str(&"a".repeat(5000));
    for lang in [OfflineLang::En, OfflineLang::Ru] {
        let slides = write_carousel(&brief(&topic, 10, lang));
        assert_well_formed(&slides, 10);
        for s in &slides {
            assert!(!s.body.contains('<') && !s.title.contains('<'), "{s:?}");
        }
    }
}

#[test]
fn empty_topic_uses_a_sensible_default() {
    let slides = write_carousel(&brief("   ", 5, OfflineLang::Ru));
    assert_well_formed(&slides, 5);
    assert!(
        slides
            .iter()
            .any(|s| s.body.contains("вера и повседневность")),
        "{slides:?}"
    );
}

#[test]
fn shouted_topic_is_lowered() {
    let slides = write_carousel(&brief("MONEY AND PEACE", 4, OfflineLang::En));
    assert!(
        slides.iter().any(|s| s.body.contains("“money and peace”")),
        "{slides:?}"
    );
}

#[test]
fn a_topic_containing_placeholders_stays_literal() {
    let slides = write_carousel(&brief("{q} and {t}", 4, OfflineLang::En));
    assert!(
        slides.iter().any(|s| s.body.contains("“q and t”")),
        "{slides:?}"
    );
}

#[test]
fn long_topic_keeps_titles_within_limits() {
    let slides = write_carousel(&brief(
        "how to keep praying when your startup is failing and your code will not compile",
        10,
        OfflineLang::En,
    ));
    assert_well_formed(&slides, 10);
}

#[test]
fn offline_answer_is_plain_short_text_in_the_right_language() {
    let en = answer("How do I stop worrying about my deadline?", OfflineLang::En);
    assert!(en.starts_with("Good question"));
    assert!(en.chars().count() <= text::ANSWER_MAX_CHARS);
    let ru = answer("Как перестать тревожиться?", OfflineLang::Ru);
    assert!(ru.starts_with("Хороший вопрос"));
    assert!(
        ru.contains("Матфея 6:34"),
        "worry keywords pick the matching quote: {ru}"
    );
}

#[test]
fn offline_answer_handles_empty_and_huge_questions() {
    assert!(!answer("", OfflineLang::En).is_empty());
    let huge = "?".repeat(100_000) + &"word ".repeat(10_000);
    assert!(answer(&huge, OfflineLang::Ru).chars().count() <= text::ANSWER_MAX_CHARS);
}

#[test]
fn wisdom_is_deterministic_per_date_and_changes_day_to_day() {
    let d = NaiveDate::from_ymd_opt(2025, 3, 14).unwrap();
    let next = d.succ_opt().unwrap();
    assert_eq!(wisdom(OfflineLang::En, d), wisdom(OfflineLang::En, d));
    assert_ne!(wisdom(OfflineLang::En, d), wisdom(OfflineLang::En, next));
    assert!(wisdom(OfflineLang::Ru, d).contains('«'));
    assert!(wisdom(OfflineLang::En, d).starts_with("📖 “"));
}

#[test]
fn filler_slides_are_topic_free_and_well_formed() {
    for kind in [
        SlideKind::Idea,
        SlideKind::Example,
        SlideKind::Quote,
        SlideKind::Problem,
    ] {
        for i in 0..5 {
            let s = filler_slide(kind, OfflineLang::Ru, 42, i);
            assert!(!s.body.contains("«»") && !s.body.contains("{q}"), "{s:?}");
            assert!(s.title.chars().count() <= TITLE_MAX_CHARS);
        }
    }
}

#[test]
fn a_topic_in_another_script_is_written_about_in_the_readers_language_and_kept_verbatim() {
    for (topic, language) in [
        ("الإيمان والأمل", ContentLanguage::Ar),
        ("ایمان و امید", ContentLanguage::Fa),
        ("信仰与希望", ContentLanguage::Zh),
        ("आस्था और आशा", ContentLanguage::Hi),
    ] {
        for (interface, offline, marker) in [
            (Lang::Ru, OfflineLang::Ru, "«"),
            (Lang::Es, OfflineLang::En, "“"),
            (Lang::En, OfflineLang::En, "“"),
        ] {
            let brief = CarouselBrief::new(topic, 6, interface).in_language(language);
            assert_eq!(brief.offline_lang(), offline);
            let slides = write_carousel(&brief);
            assert_well_formed(&slides, 6);
            assert_eq!(slides, write_carousel(&brief), "deterministic");
            let quoted = format!("{marker}{topic}");
            assert!(
                slides
                    .iter()
                    .any(|s| s.body.contains(&quoted) || s.title.contains(topic)),
                "{topic} kept as written in {offline:?}: {slides:?}"
            );
        }
    }
}
