//! AI content: carousel slides, short answers and the "wisdom of the day".
//!
//! A language model behind any OpenAI-compatible endpoint writes the content
//! ([`AiClient`]); when no API key is configured, or the model keeps failing,
//! the deterministic [`offline`] writer does. Callers never see an error: every
//! public call returns [`Written`], which also says where the content came from.

pub mod client;
pub mod language;
pub mod offline;
pub mod parse;
pub mod prompts;
mod text;

#[cfg(test)]
mod testkit;

use std::fmt;
use std::time::Duration;

use crate::domain::{ContentLanguage, Lang, SlideKind, DEFAULT_SLIDES, MAX_SLIDES, MIN_SLIDES};

pub use client::AiClient;
pub use parse::ParseError;

/// A current small OpenAI chat model; any other endpoint takes its own model name.
pub const DEFAULT_MODEL: &str = "gpt-4o-mini";

/// How to ask the endpoint for JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StructuredOutput {
    /// `response_format: {"type":"json_schema", "json_schema": {..., "strict": true}}`
    /// (OpenAI, recent vLLM / llama.cpp / Ollama). Downgraded automatically when refused.
    #[default]
    JsonSchema,
    /// `response_format: {"type":"json_object"}` (older or simpler servers).
    JsonObject,
}

/// Settings of the AI client. `Debug` never prints the API key.
#[derive(Clone)]
pub struct AiSettings {
    /// `None` (or blank) → offline writer only, no network at all.
    pub api_key: Option<String>,
    /// OpenAI-compatible base URL, e.g. `http://127.0.0.1:11434/v1`.
    /// `None` → `https://api.openai.com/v1`. A URL without a path gets `/v1`.
    pub base_url: Option<String>,
    pub model: String,
    /// Time limit of ONE model call (connect + answer).
    pub request_timeout: Duration,
    /// Model calls per request before falling back offline (at least 1).
    pub max_attempts: u32,
    /// First backoff delay; doubles per attempt, with jitter.
    pub backoff_base: Duration,
    pub structured_output: StructuredOutput,
}

impl Default for AiSettings {
    fn default() -> Self {
        Self {
            api_key: None,
            base_url: None,
            model: DEFAULT_MODEL.to_string(),
            request_timeout: Duration::from_secs(60),
            max_attempts: 3,
            backoff_base: Duration::from_millis(500),
            structured_output: StructuredOutput::JsonSchema,
        }
    }
}

impl fmt::Debug for AiSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AiSettings")
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("base_url", &self.base_url)
            .field("model", &self.model)
            .field("request_timeout", &self.request_timeout)
            .field("max_attempts", &self.max_attempts)
            .field("backoff_base", &self.backoff_base)
            .field("structured_output", &self.structured_output)
            .finish()
    }
}

/// What the user asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CarouselBrief {
    pub topic: String,
    /// Clamped to `MIN_SLIDES..=MAX_SLIDES` by every writer.
    pub slides: usize,
    /// The language the slides are written in (the topic's, or the user's choice).
    pub language: ContentLanguage,
    /// The language the user reads the bot in: the offline writer's when it cannot write
    /// `language` (see [`OfflineLang::for_content`]).
    pub interface: Lang,
}

impl CarouselBrief {
    /// A brief whose slides are in the interface's own language.
    pub fn new(topic: impl Into<String>, slides: usize, lang: Lang) -> Self {
        Self {
            topic: topic.into(),
            slides,
            language: ContentLanguage::from(lang),
            interface: lang,
        }
    }

    /// The same brief, with its slides in `language`.
    pub fn in_language(self, language: ContentLanguage) -> Self {
        Self { language, ..self }
    }

    /// The slide count actually produced.
    pub fn slide_count(&self) -> usize {
        clamp_slides(self.slides)
    }

    /// The language the offline writer writes this brief in.
    pub fn offline_lang(&self) -> OfflineLang {
        OfflineLang::for_content(self.language, self.interface)
    }
}

impl Default for CarouselBrief {
    fn default() -> Self {
        Self::new(String::new(), DEFAULT_SLIDES, Lang::default())
    }
}

/// The two languages the offline writer has phrase banks for. Any other content is written in
/// one of them, with the topic kept verbatim in its own script.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum OfflineLang {
    #[default]
    En,
    Ru,
}

impl OfflineLang {
    /// The offline writer's language for content in `content` for a user reading `interface`:
    /// the content's own when it is one of the two, else the interface's when that is, else
    /// English (a Russian reader's Arabic topic gets Russian slides; a Spanish reader's, English).
    pub fn for_content(content: ContentLanguage, interface: Lang) -> OfflineLang {
        match (content, interface) {
            (ContentLanguage::Ru, _) => OfflineLang::Ru,
            (ContentLanguage::En, _) => OfflineLang::En,
            (_, Lang::Ru) => OfflineLang::Ru,
            _ => OfflineLang::En,
        }
    }

    /// As a content language.
    pub fn content(self) -> ContentLanguage {
        match self {
            OfflineLang::En => ContentLanguage::En,
            OfflineLang::Ru => ContentLanguage::Ru,
        }
    }

    /// Its ISO 639-1 code (also what seeds the offline writer's choices).
    pub fn code(self) -> &'static str {
        self.content().code()
    }
}

/// Why the offline writer produced the content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OfflineReason {
    /// No API key configured: the model was never called.
    NoApiKey,
    /// The model was called and every attempt failed; the last failure, for logs.
    ModelFailed(String),
    /// The endpoint's circuit breaker is open: the model was not called at all.
    CircuitOpen,
}

/// Where the content came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContentSource {
    Model,
    Offline { reason: OfflineReason },
}

impl ContentSource {
    /// Short label for logs and metrics: `"model"` or `"offline"`.
    pub fn label(&self) -> &'static str {
        match self {
            ContentSource::Model => "model",
            ContentSource::Offline { .. } => "offline",
        }
    }
}

/// Content plus its provenance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written<T> {
    pub content: T,
    pub source: ContentSource,
    /// Model calls made (0 when offline without a key).
    pub attempts: u32,
}

/// Clamps a requested slide count to `MIN_SLIDES..=MAX_SLIDES`.
pub fn clamp_slides(n: usize) -> usize {
    n.clamp(MIN_SLIDES, MAX_SLIDES)
}

/// The arc of a carousel of `n` slides (clamped): title first, CTA last, and in
/// between the problem (and why it matters), ideas, examples and quotes, scaled to `n`.
///
/// n=3: title idea cta · n=6: title problem idea example quote cta ·
/// n=10: title problem×2 idea×3 example×2 quote cta.
pub fn arc(n: usize) -> Vec<SlideKind> {
    let n = clamp_slides(n);
    let middle = n - 2;
    let problems = match n {
        3 => 0,
        4..=8 => 1,
        _ => 2,
    };
    let quotes = match n {
        0..=5 => 0,
        6..=16 => 1,
        _ => 2,
    };
    let examples = match n {
        0..=4 => 0,
        5..=9 => 1,
        10..=15 => 2,
        16..=17 => 3,
        _ => 4,
    };
    let ideas = middle - problems - quotes - examples;

    // Ideas and examples interleaved: an example closes each run of ideas.
    let total = ideas + examples;
    let mut core = Vec::with_capacity(total);
    for i in 0..total {
        let is_example = examples > 0 && (i + 1) * examples / total > i * examples / total;
        core.push(if is_example {
            SlideKind::Example
        } else {
            SlideKind::Idea
        });
    }
    if quotes == 2 {
        core.insert(total / 2, SlideKind::Quote);
    }

    let mut kinds = Vec::with_capacity(n);
    kinds.push(SlideKind::Title);
    kinds.extend(std::iter::repeat_n(SlideKind::Problem, problems));
    kinds.extend(core);
    if quotes >= 1 {
        kinds.push(SlideKind::Quote);
    }
    kinds.push(SlideKind::Cta);
    kinds
}

#[cfg(test)]
mod tests {
    use super::*;
    use SlideKind::*;

    #[test]
    fn arc_has_exactly_n_kinds_starting_with_title_and_ending_with_cta() {
        for n in 0..=30 {
            let a = arc(n);
            assert_eq!(a.len(), clamp_slides(n), "n={n}");
            assert_eq!(a[0], Title);
            assert_eq!(a[a.len() - 1], Cta);
            assert_eq!(a.iter().filter(|k| **k == Title).count(), 1);
            assert_eq!(a.iter().filter(|k| **k == Cta).count(), 1);
            assert!(a.contains(&Idea), "n={n}: {a:?}");
        }
    }

    #[test]
    fn arc_for_three_slides_is_title_idea_cta() {
        assert_eq!(arc(3), vec![Title, Idea, Cta]);
    }

    #[test]
    fn arc_for_ten_slides_has_problem_why_three_ideas_examples_and_a_quote() {
        assert_eq!(
            arc(10),
            vec![Title, Problem, Problem, Idea, Idea, Example, Idea, Example, Quote, Cta]
        );
    }

    #[test]
    fn arc_for_twenty_slides_has_more_ideas_and_examples() {
        let a = arc(20);
        assert!(a.iter().filter(|k| **k == Idea).count() >= 8);
        assert!(a.iter().filter(|k| **k == Example).count() >= 3);
    }

    #[test]
    fn settings_debug_redacts_the_api_key() {
        let s = AiSettings {
            api_key: Some("sk-very-secret-123".into()),
            ..AiSettings::default()
        };
        let printed = format!("{s:?}");
        assert!(!printed.contains("sk-very-secret-123"), "{printed}");
        assert!(printed.contains("<redacted>"));
    }

    #[test]
    fn the_offline_writer_keeps_russian_and_english_and_else_writes_the_interfaces_or_english() {
        use ContentLanguage as C;
        assert_eq!(OfflineLang::for_content(C::Ru, Lang::Es), OfflineLang::Ru);
        assert_eq!(OfflineLang::for_content(C::En, Lang::Ru), OfflineLang::En);
        assert_eq!(OfflineLang::for_content(C::Ar, Lang::Ru), OfflineLang::Ru);
        assert_eq!(OfflineLang::for_content(C::Ar, Lang::Es), OfflineLang::En);
        assert_eq!(OfflineLang::for_content(C::Uk, Lang::Uk), OfflineLang::En);
        let brief = CarouselBrief::new("ایمان و امید", 5, Lang::Ru).in_language(C::Fa);
        assert_eq!(brief.offline_lang(), OfflineLang::Ru);
    }

    #[test]
    fn brief_slide_count_is_clamped() {
        assert_eq!(CarouselBrief::new("x", 1, Lang::En).slide_count(), 3);
        assert_eq!(CarouselBrief::new("x", 99, Lang::En).slide_count(), 20);
        assert_eq!(CarouselBrief::new("x", 7, Lang::En).slide_count(), 7);
    }
}
