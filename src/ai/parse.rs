//! Turning what a model actually returns into exactly the slides we need.
//!
//! [`parse_slides`] is pure: no I/O, no clock, no randomness (padding is seeded from a
//! hash of the input). It repairs code fences, prose around the JSON, trailing commas,
//! truncated arrays, a top-level array, nested or renamed keys, missing or extra fields,
//! unknown kinds, wrong slide counts, over-long or empty text and missing emoji. What it
//! cannot repair (no JSON, no slides, far too few slides) is a [`ParseError`], and the
//! caller retries the model. [`parse_carousel`] also takes the post (caption and hashtags) and
//! each slide's alt text; what of them is missing or unusable the offline writer makes from the
//! slides, so a model that writes only slides still yields a whole carousel.

use serde_json::Value;

use super::clamp_slides;
use super::offline;
use super::text;
use super::OfflineLang;
use crate::domain::post::{
    self, Post, MAX_ALT_CHARS, MAX_CAPTION_CHARS, MAX_HASHTAGS, MIN_HASHTAGS,
};
use crate::domain::{Carousel, Slide, SlideKind};

/// Why a model answer could not be turned into a carousel.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("no JSON found in the model's answer")]
    NoJson,
    #[error("the JSON holds no usable slides")]
    NoSlides,
    #[error("too few slides: got {got}, wanted {wanted}")]
    TooFew { got: usize, wanted: usize },
}

/// How many candidate JSON starts we try in prose before giving up (bounds the work
/// on long garbage).
const MAX_CANDIDATES: usize = 32;
/// Nesting depth we search for the slides array.
const MAX_DEPTH: usize = 4;

/// A slide as found in the JSON, before repair.
#[derive(Debug, Clone, Default)]
struct RawSlide {
    kind: Option<SlideKind>,
    title: String,
    body: String,
    alt: String,
}

/// Parses a model's answer into exactly `wanted` slides (clamped to 3..=20), padded in `lang`.
///
/// Title first, call to action last; titles carry one leading emoji and fit in 7 words
/// and 60 characters; bodies fit in 3 sentences and 280 characters. A carousel short by
/// at most a quarter of `wanted` (at least one slide) is padded with topic-free slides
/// from the offline writer; shorter ones are [`ParseError::TooFew`].
pub fn parse_slides(raw: &str, wanted: usize, lang: OfflineLang) -> Result<Vec<Slide>, ParseError> {
    let (items, found_json, _) = find_slide_items(raw);
    slides_from(raw, &items, found_json, wanted, lang)
}

/// [`parse_slides`], and the post: the model's caption and hashtags when it wrote usable ones
/// (hashtags it put at the end of the caption are taken as hashtags; too few are topped up
/// with the topic's), else the offline writer's post of these slides about `topic`.
pub fn parse_carousel(
    raw: &str,
    wanted: usize,
    lang: OfflineLang,
    topic: &str,
) -> Result<Carousel, ParseError> {
    let (items, found_json, root) = find_slide_items(raw);
    let slides = slides_from(raw, &items, found_json, wanted, lang)?;
    let written = root.as_ref().and_then(post_in);
    let post = written
        .and_then(|(caption, tags)| model_post(&caption, &tags, topic, lang))
        .unwrap_or_else(|| offline::write_post(topic, &slides, lang));
    Ok(Carousel { slides, post })
}

fn slides_from(
    raw: &str,
    items: &[Value],
    found_json: bool,
    wanted: usize,
    lang: OfflineLang,
) -> Result<Vec<Slide>, ParseError> {
    let wanted = clamp_slides(wanted);
    if !found_json {
        return Err(ParseError::NoJson);
    }
    let mut slides: Vec<RawSlide> = items
        .iter()
        .filter_map(raw_slide)
        .filter(|s| has_text(&s.title) || has_text(&s.body))
        .collect();
    if slides.is_empty() {
        return Err(ParseError::NoSlides);
    }
    let got = slides.len();
    let tolerated_missing = (wanted / 4).max(1);
    if got + tolerated_missing < wanted {
        return Err(ParseError::TooFew { got, wanted });
    }

    assign_kinds(&mut slides);
    let seed = text::stable_hash(&[raw.as_bytes()]);
    ensure_cta_last(&mut slides, lang, seed);
    trim_to(&mut slides, wanted);
    pad_to(&mut slides, wanted, lang, seed);

    let slides = slides
        .into_iter()
        .map(|s| {
            let kind = s.kind.unwrap_or(SlideKind::Idea);
            Slide {
                kind,
                title: text::fit_title(&s.title, kind, lang),
                body: text::fit_body(&s.body, kind, lang),
                alt: text::truncate_chars(&text::clean(&s.alt, false), MAX_ALT_CHARS),
            }
        })
        .collect();
    Ok(offline::with_alts(slides, lang))
}

fn has_text(s: &str) -> bool {
    s.chars().any(char::is_alphanumeric)
}

// ---------------------------------------------------------------------------------
// Finding the JSON and the slides array in it.

/// Returns the slide items, whether any JSON value was found at all, and the value the slides
/// were found in (none when they were salvaged from a truncated answer).
fn find_slide_items(raw: &str) -> (Vec<Value>, bool, Option<Value>) {
    let mut found_json = false;
    let mut texts: Vec<String> = vec![raw.trim().to_string()];
    texts.extend(fenced_blocks(raw));

    for t in &texts {
        for candidate in [t.clone(), remove_trailing_commas(t)] {
            if let Ok(v) = serde_json::from_str::<Value>(&candidate) {
                found_json = true;
                if let Some(items) = slides_in(&v, 0) {
                    return (items, true, Some(v));
                }
            }
        }
    }

    // Prose around the JSON: try each `{` / `[` as the start of a value.
    let repaired = remove_trailing_commas(raw);
    for start in json_starts(&repaired).take(MAX_CANDIDATES) {
        let mut stream =
            serde_json::Deserializer::from_str(&repaired[start..]).into_iter::<Value>();
        if let Some(Ok(v)) = stream.next() {
            found_json = true;
            if let Some(items) = slides_in(&v, 0) {
                return (items, true, Some(v));
            }
        }
    }

    // Truncated output (the model ran out of tokens): keep the complete slides.
    if let Some(items) = salvage_truncated_array(&repaired) {
        return (items, true, None);
    }
    (Vec::new(), found_json, None)
}

/// Contents of ``` fenced blocks (an unterminated last fence runs to the end).
fn fenced_blocks(raw: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut rest = raw;
    while let Some(open) = rest.find("```") {
        let after_ticks = &rest[open + 3..];
        // Skip the info string (`json`, `JSON`, ...) up to the end of the line.
        let body_start = after_ticks.find('\n').map_or(after_ticks.len(), |i| i + 1);
        let info = after_ticks[..body_start].trim();
        let body_and_more = if info.starts_with('{') || info.starts_with('[') {
            after_ticks
        } else {
            &after_ticks[body_start..]
        };
        match body_and_more.find("```") {
            Some(close) => {
                blocks.push(body_and_more[..close].trim().to_string());
                rest = &body_and_more[close + 3..];
            }
            None => {
                blocks.push(body_and_more.trim().to_string());
                break;
            }
        }
    }
    blocks
}

fn json_starts(s: &str) -> impl Iterator<Item = usize> + '_ {
    s.char_indices()
        .filter(|(_, c)| *c == '{' || *c == '[')
        .map(|(i, _)| i)
}

/// Drops commas that directly precede `}` or `]` (outside strings).
fn remove_trailing_commas(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut in_string = false;
    let mut escaped = false;
    for (i, &c) in chars.iter().enumerate() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        if c == '"' {
            in_string = true;
        }
        if c == ',' {
            let next = chars[i + 1..].iter().find(|c| !c.is_whitespace());
            if matches!(next, Some('}') | Some(']')) {
                continue;
            }
        }
        out.push(c);
    }
    out
}

/// Parses the complete elements of an array that was cut off mid-way:
/// `{"slides":[{...},{...},{"kind":"id` → the first two objects.
fn salvage_truncated_array(s: &str) -> Option<Vec<Value>> {
    let lower = s.to_lowercase();
    // Prefer the array after a "slides" key; else the first array.
    let key_at = lower.find("\"slides\"").and_then(|k| {
        // `to_lowercase` can change byte lengths for some scripts: only trust the
        // position when it points at the same text in the original.
        s.get(k..k + 8)
            .filter(|t| t.eq_ignore_ascii_case("\"slides\""))
            .map(|_| k)
    });
    let from = key_at.unwrap_or(0);
    let open = from + s.get(from..)?.find('[')?;
    let mut pos = open + 1;
    let mut items = Vec::new();
    loop {
        let rest = s.get(pos..)?;
        let skipped = rest.len()
            - rest
                .trim_start_matches(|c: char| c.is_whitespace() || c == ',')
                .len();
        pos += skipped;
        let rest = s.get(pos..)?;
        if rest.is_empty() || rest.starts_with(']') {
            break;
        }
        let mut stream = serde_json::Deserializer::from_str(rest).into_iter::<Value>();
        match stream.next() {
            Some(Ok(v)) => {
                items.push(v);
                pos += stream.byte_offset();
            }
            _ => break,
        }
    }
    let usable = items.iter().any(|v| v.is_object());
    usable.then_some(items)
}

const ARRAY_KEYS: &[&str] = &[
    "slides",
    "carousel",
    "cards",
    "items",
    "pages",
    "data",
    "слайды",
];

/// Finds the array of slides inside a JSON value.
fn slides_in(v: &Value, depth: usize) -> Option<Vec<Value>> {
    if depth > MAX_DEPTH {
        return None;
    }
    match v {
        Value::Array(items) if looks_like_slides(items) => Some(items.clone()),
        Value::Array(items) if items.len() == 1 => slides_in(&items[0], depth + 1),
        Value::Object(map) => {
            for key in ARRAY_KEYS {
                if let Some((_, inner)) = map.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)) {
                    if let Some(found) = slides_in(inner, depth + 1) {
                        return Some(found);
                    }
                }
            }
            map.values().find_map(|inner| match inner {
                Value::Array(_) | Value::Object(_) => slides_in(inner, depth + 1),
                _ => None,
            })
        }
        // Double-encoded JSON: "{\"slides\": ...}".
        Value::String(s) if depth < 2 => {
            let t = s.trim();
            if t.starts_with('{') || t.starts_with('[') {
                serde_json::from_str::<Value>(t)
                    .ok()
                    .and_then(|inner| slides_in(&inner, depth + 1))
            } else {
                None
            }
        }
        _ => None,
    }
}

fn looks_like_slides(items: &[Value]) -> bool {
    !items.is_empty()
        && items.iter().any(|i| match i {
            Value::Object(_) => {
                raw_slide(i).is_some_and(|s| has_text(&s.title) || has_text(&s.body))
            }
            Value::String(s) => has_text(s),
            _ => false,
        })
        && items
            .iter()
            .all(|i| matches!(i, Value::Object(_) | Value::String(_) | Value::Null))
}

// ---------------------------------------------------------------------------------
// One slide.

const TITLE_KEYS: &[&str] = &[
    "title",
    "heading",
    "headline",
    "header",
    "name",
    "заголовок",
];
const BODY_KEYS: &[&str] = &[
    "body",
    "text",
    "content",
    "description",
    "subtitle",
    "caption",
    "message",
    "текст",
];
const KIND_KEYS: &[&str] = &[
    "kind",
    "type",
    "role",
    "slide_type",
    "slidetype",
    "category",
    "тип",
];

const ALT_KEYS: &[&str] = &[
    "alt",
    "alt_text",
    "alttext",
    "alt-text",
    "image_alt",
    "alt text",
];

fn field<'a>(map: &'a serde_json::Map<String, Value>, keys: &[&str]) -> Option<&'a Value> {
    keys.iter().find_map(|key| {
        map.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
    })
}

fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Array(items) => items
            .iter()
            .map(value_text)
            .filter(|s| !s.trim().is_empty())
            .collect::<Vec<_>>()
            .join(" "),
        Value::Object(_) | Value::Null => String::new(),
    }
}

fn raw_slide(v: &Value) -> Option<RawSlide> {
    match v {
        Value::String(s) => Some(RawSlide {
            kind: None,
            title: String::new(),
            body: s.clone(),
            alt: String::new(),
        }),
        Value::Object(map) => {
            let mut title = field(map, TITLE_KEYS).map(value_text).unwrap_or_default();
            if let Some(emoji) = map.get("emoji").map(value_text) {
                let starts_with_emoji = title
                    .trim_start()
                    .chars()
                    .next()
                    .is_some_and(text::is_emoji);
                if !starts_with_emoji && emoji.chars().next().is_some_and(text::is_emoji) {
                    title = format!("{} {}", emoji.trim(), title.trim());
                }
            }
            let body = field(map, BODY_KEYS).map(value_text).unwrap_or_default();
            let kind = field(map, KIND_KEYS)
                .map(value_text)
                .and_then(|k| kind_from_text(&k));
            let alt = field(map, ALT_KEYS).map(value_text).unwrap_or_default();
            Some(RawSlide {
                kind,
                title,
                body,
                alt,
            })
        }
        _ => None,
    }
}

/// Phrases that name a slide kind wherever they appear in what the model wrote.
const KIND_PHRASES: &[(&str, SlideKind)] = &[
    ("call to action", SlideKind::Cta),
    ("призыв к действию", SlideKind::Cta),
    ("next step", SlideKind::Cta),
    ("why it matters", SlideKind::Problem),
    ("pain point", SlideKind::Problem),
    ("key idea", SlideKind::Idea),
    ("striking fact", SlideKind::Quote),
    ("bible verse", SlideKind::Quote),
    ("title slide", SlideKind::Title),
];

/// Single words that name a slide kind (English and Russian).
const KIND_WORDS: &[(&str, SlideKind)] = &[
    ("title", SlideKind::Title),
    ("hook", SlideKind::Title),
    ("cover", SlideKind::Title),
    ("intro", SlideKind::Title),
    ("introduction", SlideKind::Title),
    ("headline", SlideKind::Title),
    ("opening", SlideKind::Title),
    ("заголовок", SlideKind::Title),
    ("обложка", SlideKind::Title),
    ("хук", SlideKind::Title),
    ("problem", SlideKind::Problem),
    ("pain", SlideKind::Problem),
    ("issue", SlideKind::Problem),
    ("challenge", SlideKind::Problem),
    ("why", SlideKind::Problem),
    ("context", SlideKind::Problem),
    ("stakes", SlideKind::Problem),
    ("проблема", SlideKind::Problem),
    ("боль", SlideKind::Problem),
    ("idea", SlideKind::Idea),
    ("ideas", SlideKind::Idea),
    ("insight", SlideKind::Idea),
    ("tip", SlideKind::Idea),
    ("point", SlideKind::Idea),
    ("lesson", SlideKind::Idea),
    ("principle", SlideKind::Idea),
    ("step", SlideKind::Idea),
    ("solution", SlideKind::Idea),
    ("идея", SlideKind::Idea),
    ("совет", SlideKind::Idea),
    ("мысль", SlideKind::Idea),
    ("example", SlideKind::Example),
    ("case", SlideKind::Example),
    ("story", SlideKind::Example),
    ("illustration", SlideKind::Example),
    ("practice", SlideKind::Example),
    ("пример", SlideKind::Example),
    ("история", SlideKind::Example),
    ("кейс", SlideKind::Example),
    ("quote", SlideKind::Quote),
    ("verse", SlideKind::Quote),
    ("scripture", SlideKind::Quote),
    ("fact", SlideKind::Quote),
    ("stat", SlideKind::Quote),
    ("statistic", SlideKind::Quote),
    ("цитата", SlideKind::Quote),
    ("стих", SlideKind::Quote),
    ("факт", SlideKind::Quote),
    ("cta", SlideKind::Cta),
    ("action", SlideKind::Cta),
    ("conclusion", SlideKind::Cta),
    ("closing", SlideKind::Cta),
    ("outro", SlideKind::Cta),
    ("summary", SlideKind::Cta),
    ("призыв", SlideKind::Cta),
    ("вывод", SlideKind::Cta),
    ("итог", SlideKind::Cta),
];

/// Maps what models write as a slide kind to ours: exact names, synonyms (English and
/// Russian), and decorated forms like `"Key idea #2"` or `"SlideKind::Cta"`.
pub(crate) fn kind_from_text(s: &str) -> Option<SlideKind> {
    let normalized: String = s
        .to_lowercase()
        .chars()
        .map(|c| if c.is_alphabetic() { c } else { ' ' })
        .collect();
    let words: Vec<&str> = normalized.split_whitespace().collect();
    if words.is_empty() {
        return None;
    }
    let phrase = words.join(" ");
    if let Some((_, k)) = KIND_PHRASES.iter().find(|(p, _)| phrase.contains(p)) {
        return Some(*k);
    }
    // The last word is usually the noun ("SlideKind::Cta", "key_idea"), so try it first.
    for w in words.iter().rev() {
        if let Some((_, k)) = KIND_WORDS.iter().find(|(name, _)| name == w) {
            return Some(*k);
        }
    }
    None
}

// ---------------------------------------------------------------------------------
// The arc and the count.

/// Title first, CTA last (when marked), unknown kinds inferred from position,
/// stray titles and CTAs in the middle turned into ideas.
fn assign_kinds(slides: &mut [RawSlide]) {
    let n = slides.len();
    for (i, s) in slides.iter_mut().enumerate() {
        let inferred = if i == 0 {
            SlideKind::Title
        } else if i == n - 1 && n > 1 {
            SlideKind::Cta
        } else if i == 1 && n >= 5 {
            SlideKind::Problem
        } else {
            SlideKind::Idea
        };
        let kind = s.kind.unwrap_or(inferred);
        s.kind = Some(match kind {
            _ if i == 0 => SlideKind::Title,
            SlideKind::Title => SlideKind::Idea,
            other => other,
        });
    }
}

/// Moves the last CTA to the end, or appends one; other CTAs become ideas.
fn ensure_cta_last(slides: &mut Vec<RawSlide>, lang: OfflineLang, seed: u64) {
    let last_cta = slides
        .iter()
        .enumerate()
        .skip(1)
        .rev()
        .find(|(_, s)| s.kind == Some(SlideKind::Cta))
        .map(|(i, _)| i);
    match last_cta {
        Some(i) => {
            let cta = slides.remove(i);
            slides.push(cta);
        }
        None => {
            let filler = offline::filler_slide(SlideKind::Cta, lang, seed, 0);
            slides.push(RawSlide {
                kind: Some(SlideKind::Cta),
                title: filler.title,
                body: filler.body,
                alt: String::new(),
            });
        }
    }
    let last = slides.len() - 1;
    for s in slides[1..last].iter_mut() {
        if s.kind == Some(SlideKind::Cta) {
            s.kind = Some(SlideKind::Idea);
        }
    }
}

/// Drops middle slides, always from the most repeated kind, until `wanted` remain.
fn trim_to(slides: &mut Vec<RawSlide>, wanted: usize) {
    const PREFERENCE: [SlideKind; 4] = [
        SlideKind::Idea,
        SlideKind::Example,
        SlideKind::Problem,
        SlideKind::Quote,
    ];
    while slides.len() > wanted && slides.len() > 2 {
        let last = slides.len() - 1;
        let middle = &slides[1..last];
        let count = |k: SlideKind| middle.iter().filter(|s| s.kind == Some(k)).count();
        let Some(victim_kind) = PREFERENCE
            .iter()
            .copied()
            .filter(|k| count(*k) > 0)
            .max_by_key(|k| {
                (
                    count(*k),
                    std::cmp::Reverse(PREFERENCE.iter().position(|p| p == k)),
                )
            })
        else {
            // Only possible if the middle is empty, which `len > wanted >= 3` rules out.
            slides.remove(1);
            continue;
        };
        let victim = (1..last)
            .rev()
            .find(|&i| slides[i].kind == Some(victim_kind))
            .unwrap_or(last - 1);
        slides.remove(victim);
    }
}

/// Inserts topic-free offline slides before the CTA until `wanted` are there, filling
/// the kinds the arc is missing first (ideas, then examples, then quotes).
fn pad_to(slides: &mut Vec<RawSlide>, wanted: usize, lang: OfflineLang, seed: u64) {
    if slides.len() >= wanted {
        return;
    }
    let target = super::arc(wanted);
    let count_in = |list: &[SlideKind], k: SlideKind| list.iter().filter(|x| **x == k).count();
    let present: Vec<SlideKind> = slides.iter().filter_map(|s| s.kind).collect();
    let mut needed: Vec<SlideKind> = Vec::new();
    for k in [SlideKind::Idea, SlideKind::Example, SlideKind::Quote] {
        let missing = count_in(&target, k).saturating_sub(count_in(&present, k));
        needed.extend(std::iter::repeat_n(k, missing));
    }
    // Missing problems are replaced by ideas (a problem needs the topic).
    let missing_problems = count_in(&target, SlideKind::Problem)
        .saturating_sub(count_in(&present, SlideKind::Problem));
    needed.extend(std::iter::repeat_n(SlideKind::Idea, missing_problems));

    let mut index = 0;
    let mut filler_kinds = needed.into_iter();
    while slides.len() < wanted {
        let kind = filler_kinds.next().unwrap_or(if index % 2 == 0 {
            SlideKind::Idea
        } else {
            SlideKind::Quote
        });
        // Avoid repeating a slide that is already there.
        let mut filler = offline::filler_slide(kind, lang, seed, index);
        for bump in 1..8 {
            if !slides
                .iter()
                .any(|s| text::fit_title(&s.title, filler.kind, lang) == filler.title)
            {
                break;
            }
            filler = offline::filler_slide(kind, lang, seed, index + bump * 7);
        }
        index += 1;
        let at = slides.len() - 1;
        slides.insert(
            at,
            RawSlide {
                kind: Some(filler.kind),
                title: filler.title,
                body: filler.body,
                alt: String::new(),
            },
        );
    }
}

// ---------------------------------------------------------------------------------
// The post.

const POST_KEYS: &[&str] = &["post", "instagram_post", "instagram", "publication", "пост"];
const CAPTION_KEYS: &[&str] = &["caption", "text", "body", "description", "подпись", "текст"];
const HASHTAG_KEYS: &[&str] = &["hashtags", "tags", "hashtag", "хэштеги", "хештеги", "теги"];

/// The caption and the hashtags as written, from a `post` object beside the slides or from
/// `caption` / `hashtags` keys next to them; none when the model wrote neither.
fn post_in(root: &Value) -> Option<(String, Vec<String>)> {
    let map = root.as_object()?;
    let post = field(map, POST_KEYS)
        .and_then(Value::as_object)
        .unwrap_or(map);
    let caption = field(post, CAPTION_KEYS)
        .map(value_text)
        .unwrap_or_default();
    let tags = match field(post, HASHTAG_KEYS) {
        Some(Value::Array(items)) => items.iter().map(value_text).collect(),
        Some(other) => split_tags(&value_text(other)),
        None => Vec::new(),
    };
    (!caption.trim().is_empty() || !tags.is_empty()).then_some((caption, tags))
}

fn split_tags(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || c == ',')
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

/// The model's post, repaired: hashtag lines at the end of the caption become hashtags, the
/// caption is cut to Instagram's bound, unusable hashtags are dropped and too few topped up
/// from the topic. None when the caption is empty (the offline writer's post stands in).
fn model_post(caption: &str, tags: &[String], topic: &str, lang: OfflineLang) -> Option<Post> {
    let mut lines: Vec<&str> = caption.lines().collect();
    let mut written: Vec<String> = Vec::new();
    while let Some(last) = lines.last() {
        let words = split_tags(last);
        if last.trim().is_empty() || words.iter().all(|w| w.starts_with('#')) {
            written.splice(0..0, words);
            lines.pop();
        } else {
            break;
        }
    }
    let caption = post::clean_caption(&lines.join("\n"));
    if caption.is_empty() {
        return None;
    }
    let caption = text::truncate_chars(&caption, MAX_CAPTION_CHARS);
    let mut hashtags: Vec<String> = Vec::new();
    let add = |hashtags: &mut Vec<String>, tag: &str| {
        if let Ok(tag) = post::hashtag(tag) {
            if !hashtags.iter().any(|t| post::same_tag(t, &tag)) {
                hashtags.push(tag);
            }
        }
    };
    for tag in tags.iter().chain(&written) {
        if hashtags.len() >= MAX_HASHTAGS {
            break;
        }
        add(&mut hashtags, tag);
    }
    for tag in offline::hashtags_for(topic, lang) {
        if hashtags.len() >= MIN_HASHTAGS {
            break;
        }
        add(&mut hashtags, &tag);
    }
    Post::new(&caption, &hashtags).ok()
}

#[cfg(test)]
mod tests;
