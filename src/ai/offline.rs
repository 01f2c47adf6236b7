//! The offline writer: deterministic, template-based content for any topic, in
//! Russian or English. Used when no model is configured or the model keeps failing.
//! A topic in any other language is written about in one of the two
//! ([`OfflineLang::for_content`]), the topic itself kept verbatim in its own script.
//!
//! Same input → same output (seeded from a stable hash of the topic, never from the
//! clock or a random source). In Russian the topic is always quoted after a noun
//! («тема «…»») so no template has to decline it.

use chrono::{Datelike, NaiveDate};

use super::text::{self, SplitMix64};
use super::{arc, CarouselBrief, OfflineLang};
use crate::domain::{Carousel, Slide, SlideKind};
use serde::Deserialize;

/// One piece of bilingual template text.
struct Bi {
    en: &'static str,
    ru: &'static str,
}

/// [`Bi`] as the data file holds it.
#[derive(Deserialize)]
struct BiText {
    en: String,
    ru: String,
}

// By hand: a derived impl would ask the data to outlive `'static` (for the `&'static str` fields).
impl<'de> Deserialize<'de> for Bi {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Bi, D::Error> {
        BiText::deserialize(d).map(Bi::from)
    }
}

impl From<BiText> for Bi {
    fn from(text: BiText) -> Bi {
        Bi {
            en: leak(text.en),
            ru: leak(text.ru),
        }
    }
}

impl Bi {
    fn get(&self, lang: OfflineLang) -> &'static str {
        match lang {
            OfflineLang::En => self.en,
            OfflineLang::Ru => self.ru,
        }
    }
}

/// A slide template: title and body, with placeholders `{t}` (topic as typed),
/// `{T}` (topic, capitalized) and `{q}` (topic in the language's quotation marks).
#[derive(Deserialize)]
struct Tpl {
    title: Bi,
    body: Bi,
}

impl Tpl {
    fn uses_topic(&self) -> bool {
        [self.title.en, self.title.ru, self.body.en, self.body.ru]
            .iter()
            .any(|s| s.contains("{t}") || s.contains("{T}") || s.contains("{q}"))
    }
}

/// A short quote: a paraphrased Bible verse (with reference) or one of our own sayings.
struct Quote {
    text: Bi,
    source: Bi,
    /// Lower-case stems; a topic or question containing one prefers this quote.
    tags: Vec<&'static str>,
}

#[derive(Deserialize)]
struct QuoteText {
    text: Bi,
    source: Bi,
    tags: Vec<String>,
}

impl<'de> Deserialize<'de> for Quote {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Quote, D::Error> {
        QuoteText::deserialize(d).map(Quote::from)
    }
}

impl From<QuoteText> for Quote {
    fn from(q: QuoteText) -> Quote {
        Quote {
            text: q.text,
            source: q.source,
            tags: q.tags.into_iter().map(leak).collect(),
        }
    }
}

/// The writer's phrase banks, kept as data (`offline/phrases.json`) and read once.
#[derive(Deserialize)]
struct Bank {
    quotes: Vec<Quote>,
    title_templates: Vec<Bi>,
    generic_titles: Vec<Bi>,
    title_hooks: Vec<Bi>,
    problems: Vec<Tpl>,
    why_it_matters: Vec<Tpl>,
    ideas: Vec<Tpl>,
    examples: Vec<Tpl>,
    quote_titles: Vec<Bi>,
    ctas: Vec<Tpl>,
    reflections: Vec<Bi>,
    /// The post's closing line.
    post_ctas: Vec<Bi>,
    /// Hashtags every post may carry beside the topic's own.
    post_tags: Vec<Bi>,
    /// How an alt text names its slide (`{n}`: its number).
    alt_slide: Bi,
}

fn bank() -> &'static Bank {
    static BANK: std::sync::OnceLock<Bank> = std::sync::OnceLock::new();
    BANK.get_or_init(|| {
        // Bundled at compile time; a unit test parses it, so this cannot fail in a build.
        serde_json::from_str(include_str!("offline/phrases.json"))
            .expect("the bundled phrase banks are valid")
    })
}

/// The banks are read once and live for the whole process, so their text is `'static`.
fn leak(text: String) -> &'static str {
    Box::leak(text.into_boxed_str())
}

static EMOJI: &[(SlideKind, &[&str])] = &[
    (SlideKind::Title, &["✨", "🔥", "🌅", "🕊️", "🌱", "💫"]),
    (SlideKind::Problem, &["🤔", "⚠️", "🧱", "🌀"]),
    (SlideKind::Idea, &["💡", "🌱", "🔑", "🧭", "🎯", "🛠️"]),
    (SlideKind::Example, &["🧩", "📌", "👣", "🔍"]),
    (SlideKind::Quote, &["📖", "📜", "🕊️"]),
    (SlideKind::Cta, &["🚀", "👉", "💬", "🙌"]),
];

const DEFAULT_TOPIC: Bi = Bi {
    en: "faith and everyday life",
    ru: "вера и повседневность",
};

/// The topic used when the user gave none (or nothing usable).
pub(crate) fn default_topic(lang: OfflineLang) -> &'static str {
    DEFAULT_TOPIC.get(lang)
}

/// Longest topic (in words / chars) that goes into a title.
const TITLE_TOPIC_WORDS: usize = 5;
const TITLE_TOPIC_CHARS: usize = 44;

fn emoji_for(kind: SlideKind, rng: &mut SplitMix64) -> &'static str {
    let pool = emoji_pool(kind);
    pool[rng.below(pool.len())]
}

fn emoji_pool(kind: SlideKind) -> &'static [&'static str] {
    EMOJI
        .iter()
        .find(|(k, _)| *k == kind)
        .map(|(_, pool)| *pool)
        .unwrap_or(&["✨"])
}

/// An emoji for `kind` that differs from the previous slide's.
fn emoji_after(kind: SlideKind, previous: &str, rng: &mut SplitMix64) -> &'static str {
    let pool = emoji_pool(kind);
    let i = rng.below(pool.len());
    if pool[i] == previous {
        pool[(i + 1) % pool.len()]
    } else {
        pool[i]
    }
}

fn quoted(topic: &str, lang: OfflineLang) -> String {
    match lang {
        OfflineLang::En => format!("“{topic}”"),
        OfflineLang::Ru => format!("«{topic}»"),
    }
}

/// Single-pass placeholder substitution (so a topic containing `{t}` stays literal).
fn render(template: &str, topic: &str, lang: OfflineLang) -> String {
    let mut out = String::with_capacity(template.len() + topic.len() + 4);
    let mut rest = template;
    while let Some(pos) = rest.find('{') {
        out.push_str(&rest[..pos]);
        let tail = &rest[pos..];
        if let Some(after) = tail.strip_prefix("{t}") {
            out.push_str(topic);
            rest = after;
        } else if let Some(after) = tail.strip_prefix("{T}") {
            out.push_str(&text::capitalize_first(topic));
            rest = after;
        } else if let Some(after) = tail.strip_prefix("{q}") {
            out.push_str(&quoted(topic, lang));
            rest = after;
        } else {
            out.push('{');
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
    out
}

fn word_count(s: &str) -> usize {
    s.split_whitespace().count()
}

/// The cleaned topic, or the default topic when nothing usable was given.
fn topic_or_default(raw: &str, lang: OfflineLang) -> String {
    text::clean_topic(raw).unwrap_or_else(|| DEFAULT_TOPIC.get(lang).to_string())
}

fn seed_for(kind: &str, lang: OfflineLang, key: &str) -> SplitMix64 {
    SplitMix64::new(text::stable_hash(&[
        kind.as_bytes(),
        lang.code().as_bytes(),
        key.to_lowercase().as_bytes(),
    ]))
}

/// Quote order: quotes whose tags match `haystack` first (in seeded order), then the rest.
fn quote_order(haystack: &str, rng: &mut SplitMix64) -> Vec<usize> {
    let hay = haystack.to_lowercase();
    let perm = rng.permutation(bank().quotes.len());
    let (mut matching, rest): (Vec<usize>, Vec<usize>) = perm
        .into_iter()
        .partition(|&i| bank().quotes[i].tags.iter().any(|t| hay.contains(t)));
    matching.extend(rest);
    matching
}

fn quote_body(q: &Quote, lang: OfflineLang) -> String {
    let (open, close) = match lang {
        OfflineLang::En => ('“', '”'),
        OfflineLang::Ru => ('«', '»'),
    };
    let quote = q.text.get(lang);
    // Russian puts the full stop outside the guillemets, and drops it before a source.
    let quote = match lang {
        OfflineLang::Ru => quote.trim_end_matches('.'),
        OfflineLang::En => quote,
    };
    format!("{open}{quote}{close} — {}", q.source.get(lang))
}

fn make_slide(kind: SlideKind, emoji: &str, title: &str, body: &str, lang: OfflineLang) -> Slide {
    Slide::new(
        kind,
        text::fit_title(&format!("{emoji} {title}"), kind, lang),
        text::fit_body(body, kind, lang),
    )
}

/// Title text for the first slide: a template that fits in 7 words with the topic,
/// or a topic-free title when the topic itself is too long for a title.
fn title_text(topic: &str, lang: OfflineLang, rng: &mut SplitMix64) -> String {
    if word_count(topic) > TITLE_TOPIC_WORDS || topic.chars().count() > TITLE_TOPIC_CHARS {
        return bank().generic_titles[rng.below(bank().generic_titles.len())]
            .get(lang)
            .to_string();
    }
    let short = topic;
    let topic_words = word_count(short);
    let fitting: Vec<&Bi> = bank()
        .title_templates
        .iter()
        .filter(|t| {
            let tpl = t.get(lang);
            let template_words = word_count(&tpl.replace("{T}", "").replace("{t}", ""));
            template_words + topic_words <= text::TITLE_MAX_WORDS
                && tpl.chars().count() + short.chars().count() <= text::TITLE_MAX_CHARS - 3
        })
        .collect();
    let chosen = if fitting.is_empty() {
        "{T}"
    } else {
        fitting[rng.below(fitting.len())].get(lang)
    };
    render(chosen, short, lang)
}

/// Picks from `pool` in a seeded order without repeating until the pool is exhausted.
struct Picker {
    order: Vec<usize>,
    next: usize,
}

impl Picker {
    fn new(len: usize, rng: &mut SplitMix64) -> Self {
        Self {
            order: rng.permutation(len),
            next: 0,
        }
    }

    fn from_order(order: Vec<usize>) -> Self {
        Self { order, next: 0 }
    }

    fn take(&mut self) -> usize {
        if self.order.is_empty() {
            return 0;
        }
        let i = self.order[self.next % self.order.len()];
        self.next += 1;
        i
    }
}

/// A full carousel for any topic: exactly `brief.slide_count()` slides, title first,
/// call to action last, each with its alt text. Deterministic in (topic, lang, N).
pub fn write_carousel(brief: &CarouselBrief) -> Vec<Slide> {
    let lang = brief.offline_lang();
    let topic = topic_or_default(&brief.topic, lang);
    let mut rng = seed_for("carousel", lang, &topic);
    let kinds = arc(brief.slide_count());

    let hook = bank().title_hooks[rng.below(bank().title_hooks.len())].get(lang);
    let mut problems = Picker::new(bank().problems.len(), &mut rng);
    let mut whys = Picker::new(bank().why_it_matters.len(), &mut rng);
    let mut ideas = Picker::new(bank().ideas.len(), &mut rng);
    let mut examples = Picker::new(bank().examples.len(), &mut rng);
    let mut quotes = Picker::from_order(quote_order(&topic, &mut rng));
    let mut quote_titles = Picker::new(bank().quote_titles.len(), &mut rng);
    let cta = &bank().ctas[rng.below(bank().ctas.len())];

    let mut problem_seen = 0;
    let mut previous_emoji = "";
    let slides = kinds
        .iter()
        .map(|&kind| {
            let emoji = emoji_after(kind, previous_emoji, &mut rng);
            previous_emoji = emoji;
            match kind {
                SlideKind::Title => {
                    let title = title_text(&topic, lang, &mut rng);
                    make_slide(kind, emoji, &title, &render(hook, &topic, lang), lang)
                }
                SlideKind::Problem => {
                    problem_seen += 1;
                    let t = if problem_seen == 1 {
                        &bank().problems[problems.take()]
                    } else {
                        &bank().why_it_matters[whys.take()]
                    };
                    template_slide(kind, emoji, t, &topic, lang)
                }
                SlideKind::Idea => {
                    template_slide(kind, emoji, &bank().ideas[ideas.take()], &topic, lang)
                }
                SlideKind::Example => {
                    template_slide(kind, emoji, &bank().examples[examples.take()], &topic, lang)
                }
                SlideKind::Quote => {
                    let q = &bank().quotes[quotes.take()];
                    let title = bank().quote_titles[quote_titles.take()].get(lang);
                    make_slide(kind, emoji, title, &quote_body(q, lang), lang)
                }
                SlideKind::Cta => template_slide(kind, emoji, cta, &topic, lang),
            }
        })
        .collect();
    with_alts(slides, lang)
}

fn template_slide(kind: SlideKind, emoji: &str, t: &Tpl, topic: &str, lang: OfflineLang) -> Slide {
    make_slide(
        kind,
        emoji,
        &render(t.title.get(lang), topic, lang),
        &render(t.body.get(lang), topic, lang),
        lang,
    )
}

/// Topic-free slides used by the parser to pad a model's carousel that came up a
/// little short. `index` varies the choice; `seed` keeps it deterministic per input.
pub(crate) fn filler_slide(kind: SlideKind, lang: OfflineLang, seed: u64, index: usize) -> Slide {
    let mut rng = SplitMix64::new(seed ^ (index as u64).wrapping_mul(0x9e37_79b9));
    let emoji = emoji_for(kind, &mut rng);
    let free = |pool: &'static [Tpl]| -> Vec<&'static Tpl> {
        pool.iter().filter(|t| !t.uses_topic()).collect()
    };
    match kind {
        SlideKind::Quote => {
            let q = &bank().quotes[(rng.below(bank().quotes.len()) + index) % bank().quotes.len()];
            let title = bank().quote_titles[index % bank().quote_titles.len()].get(lang);
            make_slide(kind, emoji, title, &quote_body(q, lang), lang)
        }
        SlideKind::Example => {
            let pool = free(&bank().examples);
            match pool.get(index % pool.len().max(1)) {
                Some(t) => template_slide(kind, emoji, t, "", lang),
                None => filler_slide(SlideKind::Quote, lang, seed, index),
            }
        }
        SlideKind::Cta => {
            let pool = free(&bank().ctas);
            match pool.get(index % pool.len().max(1)) {
                Some(t) => template_slide(kind, emoji, t, "", lang),
                None => make_slide(
                    kind,
                    emoji,
                    text::default_title(kind, lang),
                    text::default_body(kind, lang),
                    lang,
                ),
            }
        }
        // Ideas (and anything else: titles and problems need the topic).
        _ => {
            let pool = free(&bank().ideas);
            let start = rng.below(pool.len().max(1));
            match pool.get((start + index) % pool.len().max(1)) {
                Some(t) => template_slide(
                    SlideKind::Idea,
                    emoji_for(SlideKind::Idea, &mut rng),
                    t,
                    "",
                    lang,
                ),
                None => filler_slide(SlideKind::Quote, lang, seed, index),
            }
        }
    }
}

/// A short, honest offline answer to a question (plain text, ≤ 4096 chars): a quote
/// chosen for the question's keywords, a reflection, and a note to ask again later.
pub fn answer(question: &str, lang: OfflineLang) -> String {
    let q = text::clean_topic(question);
    let key = q.clone().unwrap_or_default();
    let mut rng = seed_for("answer", lang, &key);
    let quote = &bank().quotes[quote_order(&key, &mut rng)[0]];
    let reflection = bank().reflections[rng.below(bank().reflections.len())].get(lang);
    let opening = match (&q, lang) {
        (Some(q), OfflineLang::En) => format!("Good question: {}", quoted(q, lang)),
        (Some(q), OfflineLang::Ru) => format!("Хороший вопрос: {}", quoted(q, lang)),
        (None, OfflineLang::En) => "Here is a thought for you".to_string(),
        (None, OfflineLang::Ru) => "Вот мысль для вас".to_string(),
    };
    let closing = match lang {
        OfflineLang::En => "I'm answering from my offline notebook right now. Ask again a little later for a fuller answer.",
        OfflineLang::Ru => "Сейчас я отвечаю из офлайн-блокнота. Спросите чуть позже, и ответ будет подробнее.",
    };
    let text = format!(
        "{opening}\n\n{}\n\n{reflection}\n\n{closing}",
        quote_body(quote, lang)
    );
    text::truncate_chars(&text, text::ANSWER_MAX_CHARS)
}

/// The wisdom of the day: a short quote and a reflection, the same all day long,
/// a different quote on consecutive days.
pub fn wisdom(lang: OfflineLang, date: NaiveDate) -> String {
    let day = i64::from(date.num_days_from_ce());
    let quote = &bank().quotes[day.rem_euclid(bank().quotes.len() as i64) as usize];
    let mut rng = seed_for("wisdom", lang, &date.to_string());
    let reflection = bank().reflections[rng.below(bank().reflections.len())].get(lang);
    format!("📖 {}\n\n{reflection}", quote_body(quote, lang))
}

mod post;
pub use post::{alt_for, hashtags_for, with_alts, write_post};

/// A whole carousel for `brief`: the slides of [`write_carousel`] and the post of
/// [`write_post`].
pub fn carousel(brief: &CarouselBrief) -> Carousel {
    let slides = write_carousel(brief);
    let post = write_post(&brief.topic, &slides, brief.offline_lang());
    Carousel { slides, post }
}

#[cfg(test)]
mod tests;
