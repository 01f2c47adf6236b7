//! The offline writer's post for a carousel: a caption made of the carousel itself (the title
//! slide's title as the hook, a line per slide title, a call to action), hashtags from the
//! topic's words topped up with the bot's own, and each slide's alt text. Deterministic, like
//! the rest of the offline writer; also what stands in for the parts a model leaves out.
use super::{bank, seed_for, text};
use crate::ai::OfflineLang;
use crate::domain::post::{self, Post, MAX_CAPTION_CHARS, MAX_HASHTAGS, MIN_HASHTAGS};
use crate::domain::Slide;

/// Longest alt text the writer makes (the bound an edited one may reach is
/// [`post::MAX_ALT_CHARS`]): a sentence or two, as screen-reader users prefer.
pub const WRITTEN_ALT_CHARS: usize = 300;
/// Hashtags taken from the topic's words at most (the bot's own follow).
const TOPIC_TAGS: usize = 6;

/// Words of a topic that make poor hashtags.
const STOP_WORDS: &[&str] = &[
    "and",
    "the",
    "for",
    "with",
    "why",
    "how",
    "what",
    "your",
    "you",
    "are",
    "from",
    "into",
    "about",
    "this",
    "that",
    "when",
    "over",
    "than",
    "not",
    "but",
    "our",
    "its",
    "can",
    "who",
    "все",
    "как",
    "что",
    "это",
    "для",
    "или",
    "при",
    "без",
    "над",
    "под",
    "его",
    "её",
    "их",
    "они",
    "мы",
    "вы",
    "кто",
    "где",
    "так",
    "чем",
    "если",
    "когда",
    "почему",
    "зачем",
];

/// The post of `slides` about `topic`, in `lang` (the language of its own phrases; the slide
/// titles are the slides').
pub fn write_post(topic: &str, slides: &[Slide], lang: OfflineLang) -> Post {
    let key = text::clean_topic(topic).unwrap_or_default();
    let mut rng = seed_for("post", lang, &key);
    let cta = bank().post_ctas[rng.below(bank().post_ctas.len())].get(lang);
    let mut lines: Vec<String> = Vec::new();
    if let Some(first) = slides.first() {
        lines.push(first.title.clone());
        lines.push(String::new());
    }
    lines.extend(slides.iter().skip(1).map(|s| s.title.clone()));
    lines.push(String::new());
    lines.push(cta.to_string());
    let caption = text::truncate_chars(&lines.join("\n"), MAX_CAPTION_CHARS);
    let tags = hashtags_for(topic, lang);
    // The tags are valid and 3..=8 by construction; the fixed ones alone stand in regardless.
    Post::new(&caption, &tags).unwrap_or_else(|_| fallback(lang))
}

/// A post of the bot's own hashtags alone. The bundled bank holds at least three valid ones
/// (a unit test checks it), as it holds every other phrase the writer needs.
fn fallback(lang: OfflineLang) -> Post {
    Post::new("", fixed_tags(lang)).expect("the bundled hashtags are valid")
}

fn fixed_tags(lang: OfflineLang) -> Vec<String> {
    bank()
        .post_tags
        .iter()
        .map(|t| t.get(lang).to_string())
        .collect()
}

/// 3..=[`MAX_HASHTAGS`] hashtags for `topic`: its own words (any script, lower-cased, short and
/// common ones left out) first, then the bot's own.
pub fn hashtags_for(topic: &str, lang: OfflineLang) -> Vec<String> {
    let mut tags: Vec<String> = Vec::new();
    let add = |tags: &mut Vec<String>, candidate: &str| {
        if let Ok(tag) = post::hashtag(candidate) {
            if !tags.iter().any(|t| post::same_tag(t, &tag)) {
                tags.push(tag);
            }
        }
    };
    let topic = text::clean_topic(topic).unwrap_or_default().to_lowercase();
    let words = topic.split(|c: char| !(c.is_alphanumeric() || c == '_' || is_mark(c)));
    for word in words.filter(|w| w.chars().count() >= 3 && !STOP_WORDS.contains(w)) {
        if tags.len() >= TOPIC_TAGS {
            break;
        }
        add(&mut tags, word);
    }
    for tag in fixed_tags(lang) {
        add(&mut tags, &tag);
    }
    tags.truncate((TOPIC_TAGS + 2).clamp(MIN_HASHTAGS, MAX_HASHTAGS));
    tags
}

fn is_mark(c: char) -> bool {
    use unicode_properties::{GeneralCategoryGroup, UnicodeGeneralCategory};
    c.general_category_group() == GeneralCategoryGroup::Mark
}

/// The alt text of slide `index` (from 0): "Slide N: title — body", its emoji left out (a
/// screen reader would read their names), within [`WRITTEN_ALT_CHARS`].
pub fn alt_for(index: usize, slide: &Slide, lang: OfflineLang) -> String {
    let name = bank()
        .alt_slide
        .get(lang)
        .replace("{n}", &(index + 1).to_string());
    let (_, title) = text::split_leading_emoji(&slide.title);
    let title = text::clean(&title, false);
    let body = text::clean(&slide.body, false);
    let alt = match (title.is_empty(), body.is_empty()) {
        (false, false) => format!("{name}: {title} — {body}"),
        (false, true) => format!("{name}: {title}"),
        (true, false) => format!("{name}: {body}"),
        (true, true) => name,
    };
    text::truncate_chars(&alt, WRITTEN_ALT_CHARS)
}

/// `slides` with an alt text written for each that has none.
pub fn with_alts(slides: Vec<Slide>, lang: OfflineLang) -> Vec<Slide> {
    slides
        .into_iter()
        .enumerate()
        .map(|(i, mut slide)| {
            if slide.alt.trim().is_empty() {
                slide.alt = alt_for(i, &slide, lang);
            }
            slide
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ai::CarouselBrief;
    use crate::domain::{Lang, SlideKind, MAX_SLIDES};

    #[test]
    fn the_offline_caption_hooks_with_the_title_lists_each_slide_and_ends_with_a_call_to_action() {
        let brief = CarouselBrief::new("Why habits beat motivation", 6, Lang::En);
        let written = super::super::carousel(&brief);
        let caption = written.post.caption();
        let lines: Vec<&str> = caption.lines().collect();
        assert_eq!(lines[0], written.slides[0].title);
        for slide in &written.slides[1..] {
            assert!(lines.contains(&slide.title.as_str()), "{caption}");
        }
        let cta = lines.last().copied().unwrap_or_default();
        assert!(
            bank()
                .post_ctas
                .iter()
                .any(|c| c.get(OfflineLang::En) == cta),
            "{caption}"
        );
        assert!(!caption.contains('#'), "{caption}");
        assert_eq!(written, super::super::carousel(&brief), "deterministic");
    }

    #[test]
    fn a_russian_post_is_written_in_russian() {
        let brief = CarouselBrief::new("Вера и сомнение", 5, Lang::Ru);
        let written = super::super::carousel(&brief);
        let cta = written.post.caption().lines().last().unwrap_or_default();
        assert!(bank()
            .post_ctas
            .iter()
            .any(|c| c.get(OfflineLang::Ru) == cta));
        assert_eq!(&written.post.hashtags()[..2], ["#вера", "#сомнение"]);
        assert!(
            written.slides[0].alt.starts_with("Слайд 1: "),
            "{}",
            written.slides[0].alt
        );
    }

    #[test]
    fn hashtags_come_from_the_topics_words_in_any_script_and_number_three_to_ten() {
        let en = hashtags_for("Why habits beat motivation", OfflineLang::En);
        assert_eq!(&en[..3], ["#habits", "#beat", "#motivation"]);
        let ar = hashtags_for("الإيمان والأمل", OfflineLang::En);
        assert_eq!(&ar[..2], ["#الإيمان", "#والأمل"]);
        let hi = hashtags_for("प्रार्थना और विश्वास", OfflineLang::En);
        assert!(hi.contains(&"#प्रार्थना".to_string()), "{hi:?}");
        for topic in [
            "",
            "a b",
            "!!!",
            "one two three four five six seven eight nine ten eleven",
        ] {
            let tags = hashtags_for(topic, OfflineLang::En);
            assert!(
                (MIN_HASHTAGS..=MAX_HASHTAGS).contains(&tags.len()),
                "{topic}: {tags:?}"
            );
            assert!(Post::new("", &tags).is_ok(), "{topic}: {tags:?}");
        }
        let long = hashtags_for(&"x".repeat(40), OfflineLang::En);
        assert!(long.iter().all(|t| t.chars().count() <= 31), "{long:?}");
    }

    #[test]
    fn an_alt_text_names_the_slide_without_its_emoji_and_is_short() {
        let slide = Slide::new(SlideKind::Idea, "💡 Start small", "One verse a day.");
        assert_eq!(
            alt_for(1, &slide, OfflineLang::En),
            "Slide 2: Start small — One verse a day."
        );
        let long = Slide::new(SlideKind::Idea, "💡 Title", "word ".repeat(200));
        let alt = alt_for(0, &long, OfflineLang::En);
        assert!(
            alt.chars().count() <= WRITTEN_ALT_CHARS && alt.ends_with('…'),
            "{alt}"
        );
    }

    #[test]
    fn every_offline_slide_has_alt_text_and_every_post_is_valid() {
        for (topic, lang) in [
            ("Prayer", Lang::En),
            ("Молитва", Lang::Ru),
            ("ایمان و امید", Lang::Fa),
        ] {
            for n in [3, 10, MAX_SLIDES] {
                let written = super::super::carousel(&CarouselBrief::new(topic, n, lang));
                assert!(written.slides.iter().all(|s| !s.alt.is_empty()));
                assert!(written.post.caption().chars().count() <= MAX_CAPTION_CHARS);
                assert!((MIN_HASHTAGS..=MAX_HASHTAGS).contains(&written.post.hashtags().len()));
            }
        }
        assert_eq!(fallback(OfflineLang::Ru).hashtags().len(), 5);
    }
}
