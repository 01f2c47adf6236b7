//! Small, pure text helpers shared by the parser and the offline writer:
//! cleaning, emoji handling, word-boundary truncation, stable hashing.

use super::OfflineLang;
use crate::domain::SlideKind;

/// Hard caps for one slide (the renderer has room for this much; prompts ask for less).
pub const TITLE_MAX_CHARS: usize = 60;
pub const TITLE_MAX_WORDS: usize = 7;
pub const BODY_MAX_CHARS: usize = 280;
pub const BODY_MAX_SENTENCES: usize = 3;
/// Telegram's limit for one text message.
pub const ANSWER_MAX_CHARS: usize = 4096;
/// Longest topic we insert into templates or prompts.
pub const TOPIC_MAX_CHARS: usize = 80;

const ELLIPSIS: char = '…';

/// The emoji a title of this kind gets when the model forgot one.
pub fn kind_emoji(kind: SlideKind) -> &'static str {
    match kind {
        SlideKind::Title => "✨",
        SlideKind::Problem => "🤔",
        SlideKind::Idea => "💡",
        SlideKind::Example => "🧩",
        SlideKind::Quote => "📖",
        SlideKind::Cta => "🚀",
    }
}

/// A title for a slide whose title was empty.
pub fn default_title(kind: SlideKind, lang: OfflineLang) -> &'static str {
    match (lang, kind) {
        (OfflineLang::En, SlideKind::Title) => "A fresh look at this",
        (OfflineLang::En, SlideKind::Problem) => "Where it gets hard",
        (OfflineLang::En, SlideKind::Idea) => "One idea to keep",
        (OfflineLang::En, SlideKind::Example) => "What it looks like",
        (OfflineLang::En, SlideKind::Quote) => "Words worth keeping",
        (OfflineLang::En, SlideKind::Cta) => "Your next step",
        (OfflineLang::Ru, SlideKind::Title) => "Свежий взгляд на главное",
        (OfflineLang::Ru, SlideKind::Problem) => "Где становится трудно",
        (OfflineLang::Ru, SlideKind::Idea) => "Мысль, которую стоит сохранить",
        (OfflineLang::Ru, SlideKind::Example) => "Как это выглядит в жизни",
        (OfflineLang::Ru, SlideKind::Quote) => "Слова, которые стоит запомнить",
        (OfflineLang::Ru, SlideKind::Cta) => "Ваш следующий шаг",
    }
}

/// A body for a slide whose body was empty.
pub fn default_body(kind: SlideKind, lang: OfflineLang) -> &'static str {
    match (lang, kind) {
        (OfflineLang::En, SlideKind::Title) => "Swipe through: a few minutes, one clear thought.",
        (OfflineLang::En, SlideKind::Problem) => {
            "We know what matters, yet the noise of the day pushes it aside."
        }
        (OfflineLang::En, SlideKind::Idea) => "Start small and stay faithful. Little steps add up.",
        (OfflineLang::En, SlideKind::Example) => {
            "Ten quiet minutes each morning, kept for a month, change more than one big plan."
        }
        (OfflineLang::En, SlideKind::Quote) => {
            "“Commit to the Lord whatever you do, and your plans will succeed.” — Proverbs 16:3"
        }
        (OfflineLang::En, SlideKind::Cta) => {
            "Save this and share it with someone who needs it today."
        }
        (OfflineLang::Ru, SlideKind::Title) => "Листайте: пара минут и одна ясная мысль.",
        (OfflineLang::Ru, SlideKind::Problem) => {
            "Мы знаем, что важно, но суета дня вытесняет главное."
        }
        (OfflineLang::Ru, SlideKind::Idea) => {
            "Начните с малого и будьте верны в малом. Маленькие шаги складываются."
        }
        (OfflineLang::Ru, SlideKind::Example) => {
            "Десять тихих минут каждое утро в течение месяца меняют больше, чем один большой план."
        }
        (OfflineLang::Ru, SlideKind::Quote) => {
            "«Предай Господу дела твои, и предприятия твои совершатся». — Притчи 16:3"
        }
        (OfflineLang::Ru, SlideKind::Cta) => "Сохраните и отправьте тому, кому это нужно сегодня.",
    }
}

/// True for characters we treat as emoji (pictographs, symbols, dingbats, flags).
pub fn is_emoji(c: char) -> bool {
    matches!(c as u32,
        0x1F000..=0x1FAFF   // pictographs, emoticons, transport, flags, symbols & pictographs ext.
        | 0x2600..=0x27BF   // misc symbols, dingbats
        | 0x2B00..=0x2BFF   // arrows & stars (⭐ ⬆)
        | 0x2300..=0x23FF   // technical (⌛ ⏳ ⌚)
        | 0x2190..=0x21FF   // arrows
        | 0x3030 | 0x303D | 0x3297 | 0x3299
        | 0x2122 | 0x2139)
}

/// Characters that glue onto an emoji (variation selector, ZWJ, skin tones, keycap, tags).
fn is_emoji_modifier(c: char) -> bool {
    matches!(c as u32, 0xFE0E | 0xFE0F | 0x200D | 0x20E3 | 0x1F3FB..=0x1F3FF | 0xE0020..=0xE007F)
}

/// Splits a string into its leading emoji (one emoji "grapheme", possibly a ZWJ
/// sequence) and the rest. Further leading emoji are dropped from the rest.
pub fn split_leading_emoji(s: &str) -> (Option<String>, String) {
    let s = s.trim_start();
    let mut chars = s.char_indices().peekable();
    let mut first = String::new();
    match chars.peek() {
        Some(&(_, c)) if is_emoji(c) => {}
        _ => return (None, s.to_string()),
    }
    // First emoji grapheme: an emoji, its modifiers, and ZWJ-joined emoji.
    let mut end = 0;
    let mut after_zwj = true;
    while let Some(&(i, c)) = chars.peek() {
        if after_zwj && is_emoji(c) {
            first.push(c);
            after_zwj = false;
        } else if is_emoji_modifier(c) {
            first.push(c);
            after_zwj = c == '\u{200D}';
        } else if (0x1F1E6..=0x1F1FF).contains(&(c as u32))
            && first.chars().count() == 1
            && first
                .chars()
                .next()
                .is_some_and(|f| (0x1F1E6..=0x1F1FF).contains(&(f as u32)))
        {
            // Second regional indicator of a flag.
            first.push(c);
        } else {
            end = i;
            break;
        }
        end = i + c.len_utf8();
        chars.next();
    }
    let mut rest = &s[end..];
    // Drop any further leading emoji so the title keeps exactly one.
    loop {
        let trimmed = rest.trim_start();
        match trimmed.chars().next() {
            Some(c) if is_emoji(c) || is_emoji_modifier(c) => {
                rest = &trimmed[c.len_utf8()..];
            }
            _ => {
                rest = trimmed;
                break;
            }
        }
    }
    (Some(first), rest.to_string())
}

/// Removes control characters (NUL included), zero-width junk, markdown emphasis and
/// heading marks; collapses runs of spaces. Keeps single line breaks when `keep_newlines`.
pub fn clean(s: &str, keep_newlines: bool) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    let mut pending_newline = false;
    for line in s.split(['\n', '\r']) {
        let line = line.trim_start_matches([' ', '\t']);
        let line = line
            .trim_start_matches('#')
            .trim_start_matches(['>', '-', '•', '*']);
        let line = if line.starts_with(' ') {
            line.trim_start()
        } else {
            line
        };
        if line.trim().is_empty() {
            continue;
        }
        if !out.is_empty() {
            if keep_newlines {
                pending_newline = true;
            } else {
                pending_space = true;
            }
        }
        for c in line.chars() {
            let is_junk = c.is_control()
                || matches!(
                    c,
                    '\u{200B}' | '\u{200C}' | '\u{2060}' | '\u{FEFF}' | '*' | '`'
                );
            if is_junk {
                if c == '\t' {
                    pending_space = true;
                }
                continue;
            }
            if c.is_whitespace() {
                pending_space = true;
                continue;
            }
            if pending_newline {
                out.push('\n');
                pending_newline = false;
            } else if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.push(c);
        }
    }
    out
}

/// Truncates to at most `max_chars` characters on a word boundary, adding an ellipsis
/// when something was cut. Never returns more than `max_chars` characters.
pub fn truncate_chars(s: &str, max_chars: usize) -> String {
    let s = s.trim();
    if s.chars().count() <= max_chars {
        return s.to_string();
    }
    if max_chars == 0 {
        return String::new();
    }
    // Room for the ellipsis.
    let budget = max_chars - 1;
    let cut: String = s.chars().take(budget).collect();
    let next_is_break = s.chars().nth(budget).is_some_and(char::is_whitespace);
    let kept = if next_is_break {
        cut.as_str()
    } else {
        match cut.rfind(char::is_whitespace) {
            // Only back off to a word boundary if that keeps at least half the text.
            Some(pos) if cut[..pos].chars().count() >= budget / 2 => &cut[..pos],
            _ => cut.as_str(),
        }
    };
    let kept = kept.trim_end_matches(|c: char| c.is_whitespace() || ",;:—–-(".contains(c));
    let kept = kept.trim_end_matches(['.', '…']);
    let mut out = kept.to_string();
    out.push(ELLIPSIS);
    out
}

/// Keeps at most `max_words` words, adding an ellipsis when something was cut.
pub fn truncate_words(s: &str, max_words: usize) -> String {
    let words: Vec<&str> = s.split_whitespace().collect();
    if words.len() <= max_words {
        return words.join(" ");
    }
    let kept = words[..max_words].join(" ");
    let kept = kept.trim_end_matches(|c: char| ",;:—–-(.…".contains(c));
    format!("{kept}{ELLIPSIS}")
}

/// Keeps at most `max` sentences (split after `.`, `!`, `?`, `…` followed by a space).
pub fn first_sentences(s: &str, max: usize) -> String {
    let mut count = 0;
    let mut prev_end: Option<char> = None;
    for (i, c) in s.char_indices() {
        if c.is_whitespace() {
            if let Some(p) = prev_end {
                if matches!(p, '.' | '!' | '?' | '…') || is_closing_quote_after_stop(s, i) {
                    count += 1;
                    if count >= max {
                        return s[..i].trim_end().to_string();
                    }
                }
            }
        }
        prev_end = Some(c);
    }
    s.trim_end().to_string()
}

/// `…succeed.” — Proverbs`: a closing quote right after a full stop also ends a sentence.
fn is_closing_quote_after_stop(s: &str, ws_at: usize) -> bool {
    let before: Vec<char> = s[..ws_at].chars().rev().take(2).collect();
    matches!(before.as_slice(), [q, p] if matches!(q, '”' | '»' | '"' | ')') && matches!(p, '.' | '!' | '?' | '…'))
}

/// A slide title: exactly one leading emoji (the kind's if missing), ≤ 7 words after it,
/// ≤ 60 characters in all, never empty.
pub fn fit_title(raw: &str, kind: SlideKind, lang: OfflineLang) -> String {
    let cleaned = clean(raw, false);
    let cleaned = strip_wrapping_quotes(&cleaned);
    let (emoji, rest) = split_leading_emoji(&cleaned);
    let mut rest = rest
        .trim()
        .trim_end_matches(['.', ':', ';', ','])
        .trim()
        .to_string();
    rest = strip_wrapping_quotes(&rest);
    if !rest.chars().any(char::is_alphanumeric) {
        rest = default_title(kind, lang).to_string();
    }
    let emoji = emoji.unwrap_or_else(|| kind_emoji(kind).to_string());
    let words = truncate_words(&rest, TITLE_MAX_WORDS);
    let budget = TITLE_MAX_CHARS.saturating_sub(emoji.chars().count() + 1);
    let text = truncate_chars(&words, budget);
    let title = format!("{emoji} {text}");
    if title.chars().count() > TITLE_MAX_CHARS {
        // Only possible with an absurdly long emoji sequence: fall back to the kind's.
        return format!(
            "{} {}",
            kind_emoji(kind),
            truncate_chars(&text, TITLE_MAX_CHARS - 2)
        );
    }
    title
}

/// A slide body: ≤ 3 sentences, ≤ 280 characters, never empty.
pub fn fit_body(raw: &str, kind: SlideKind, lang: OfflineLang) -> String {
    let cleaned = clean(raw, true);
    let cleaned = cleaned.trim();
    if !cleaned.chars().any(char::is_alphanumeric) {
        return default_body(kind, lang).to_string();
    }
    let sentences = first_sentences(cleaned, BODY_MAX_SENTENCES);
    truncate_chars(&sentences, BODY_MAX_CHARS)
}

fn strip_wrapping_quotes(s: &str) -> String {
    let t = s.trim();
    let pairs = [('"', '"'), ('«', '»'), ('“', '”'), ('\'', '\''), ('„', '“')];
    for (open, close) in pairs {
        if t.chars().count() >= 2 && t.starts_with(open) && t.ends_with(close) {
            let inner = &t[open.len_utf8()..t.len() - close.len_utf8()];
            if !inner.contains(open) && !inner.contains(close) {
                return inner.trim().to_string();
            }
        }
    }
    t.to_string()
}

/// Makes a user-typed topic safe and tidy to insert into templates and prompts:
/// no control characters or markup, collapsed whitespace, no wrapping quotes,
/// shouting lowered, capped at [`TOPIC_MAX_CHARS`] on a word boundary.
/// Returns `None` when nothing usable is left.
pub fn clean_topic(raw: &str) -> Option<String> {
    // Cap the work on hostile input before anything else.
    let raw: String = raw.chars().take(TOPIC_MAX_CHARS * 8).collect();
    let without_tags = strip_tags(&raw);
    let filtered: String = without_tags
        .chars()
        .map(|c| {
            if c.is_control() || "<>{}[]`*_#|\\^~=\"«»“”„".contains(c) {
                ' '
            } else {
                c
            }
        })
        .collect();
    let collapsed = filtered.split_whitespace().collect::<Vec<_>>().join(" ");
    let trimmed = collapsed
        .trim_matches(|c: char| c.is_whitespace() || ".,;:!?'—–-/".contains(c))
        .to_string();
    if !trimmed.chars().any(char::is_alphanumeric) {
        return None;
    }
    let letters: Vec<char> = trimmed.chars().filter(|c| c.is_alphabetic()).collect();
    let shouting = letters.len() > 3 && letters.iter().all(|c| c.is_uppercase());
    let cased = if shouting {
        trimmed.to_lowercase()
    } else {
        trimmed
    };
    Some(truncate_chars(&cased, TOPIC_MAX_CHARS))
}

/// Removes `<...>` tags (and their content when it is a script/style block is not worth
/// the complexity here: the remaining words are harmless plain text).
fn strip_tags(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// Upper-cases the first letter (for a topic that starts a title).
pub fn capitalize_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// FNV-1a, 64 bit: a stable hash (std's `DefaultHasher` may change between releases,
/// and the offline writer must stay deterministic across builds).
pub fn stable_hash(parts: &[&[u8]]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in *part {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        // Separator so ("ab","c") and ("a","bc") differ.
        h ^= 0xff;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// SplitMix64: a tiny deterministic generator (we don't use `rand`'s seeded RNGs for
/// content because their output is not guaranteed stable across versions).
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform-enough index in `0..n` (`n > 0`; returns 0 for `n == 0`).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        (self.next_u64() % n as u64) as usize
    }

    /// Fisher–Yates shuffle of `0..n`.
    pub fn permutation(&mut self, n: usize) -> Vec<usize> {
        let mut v: Vec<usize> = (0..n).collect();
        for i in (1..n).rev() {
            let j = self.below(i + 1);
            v.swap(i, j);
        }
        v
    }
}

/// Drops `<think>…</think>` blocks that reasoning models (DeepSeek-R1, Qwen3 via
/// Ollama) put before the answer.
pub fn strip_think(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(start) = rest.find("<think>") {
        out.push_str(&rest[..start]);
        match rest[start..].find("</think>") {
            Some(end) => rest = &rest[start + end + "</think>".len()..],
            None => {
                rest = "";
                break;
            }
        }
    }
    out.push_str(rest);
    out.trim().to_string()
}

/// Cleans a plain-text answer: no markdown emphasis, headings, code fences or control
/// characters; paragraphs kept; capped at `max_chars`. Empty → error (retry).
pub fn accept_plain_text(raw: &str, max_chars: usize) -> Result<String, String> {
    let mut paragraphs: Vec<String> = Vec::new();
    let mut current: Vec<String> = Vec::new();
    for line in raw.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with("```") {
            continue;
        }
        if trimmed.is_empty() {
            if !current.is_empty() {
                paragraphs.push(current.join("\n"));
                current.clear();
            }
            continue;
        }
        let no_heading = trimmed.trim_start_matches('#').trim_start();
        let cleaned: String = no_heading
            .chars()
            .filter(|c| !c.is_control() && !matches!(c, '*' | '`' | '\u{200B}' | '\u{FEFF}'))
            .collect();
        let cleaned = cleaned.trim();
        if !cleaned.is_empty() {
            current.push(cleaned.to_string());
        }
    }
    if !current.is_empty() {
        paragraphs.push(current.join("\n"));
    }
    let text_out = paragraphs.join("\n\n");
    if !text_out.chars().any(char::is_alphanumeric) {
        return Err("empty answer".into());
    }
    Ok(truncate_chars(&text_out, max_chars))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leading_emoji_is_split_off_and_extra_ones_are_dropped() {
        let (e, rest) = split_leading_emoji("🔥🔥 Hot take");
        assert_eq!(e.as_deref(), Some("🔥"));
        assert_eq!(rest, "Hot take");
    }

    #[test]
    fn zwj_sequence_counts_as_one_emoji() {
        let (e, rest) = split_leading_emoji("👨‍💻 Vibe coding");
        assert_eq!(e.as_deref(), Some("👨‍💻"));
        assert_eq!(rest, "Vibe coding");
    }

    #[test]
    fn text_without_emoji_has_no_leading_emoji() {
        let (e, rest) = split_leading_emoji("Plain title");
        assert!(e.is_none());
        assert_eq!(rest, "Plain title");
    }

    #[test]
    fn truncation_respects_word_boundaries_and_adds_an_ellipsis() {
        let t = truncate_chars("one two three four five six", 15);
        assert!(t.chars().count() <= 15, "{t}");
        assert_eq!(t, "one two three…");
    }

    #[test]
    fn short_text_is_not_truncated() {
        assert_eq!(truncate_chars("short", 10), "short");
    }

    #[test]
    fn sentences_beyond_the_third_are_dropped() {
        let s = first_sentences("One. Two! Three? Four. Five.", 3);
        assert_eq!(s, "One. Two! Three?");
    }

    #[test]
    fn title_without_emoji_gets_the_kind_emoji() {
        assert_eq!(
            fit_title("Key idea", SlideKind::Idea, OfflineLang::En),
            "💡 Key idea"
        );
    }

    #[test]
    fn long_title_is_cut_to_seven_words_and_sixty_chars() {
        let t = fit_title(
            "🌟 This title is definitely way too long for any slide at all",
            SlideKind::Idea,
            OfflineLang::En,
        );
        assert!(t.chars().count() <= TITLE_MAX_CHARS);
        assert_eq!(t, "🌟 This title is definitely way too long…");
    }

    #[test]
    fn empty_title_and_body_get_defaults() {
        let t = fit_title("  ", SlideKind::Cta, OfflineLang::Ru);
        assert_eq!(t, "🚀 Ваш следующий шаг");
        assert!(!fit_body("", SlideKind::Cta, OfflineLang::Ru).is_empty());
    }

    #[test]
    fn control_characters_and_markdown_are_cleaned() {
        assert_eq!(clean("**Bold**\0 text\t here", false), "Bold text here");
    }

    #[test]
    fn topic_cleaning_strips_markup_and_lowers_shouting() {
        assert_eq!(
            clean_topic("  <b>LOVE AND CODE</b>!!! ").as_deref(),
            Some("love and code")
        );
        assert_eq!(clean_topic("<script></script>"), None);
        assert_eq!(clean_topic("\"Вера\"").as_deref(), Some("Вера"));
    }

    #[test]
    fn stable_hash_differs_for_different_inputs() {
        assert_ne!(stable_hash(&[b"a", b"bc"]), stable_hash(&[b"ab", b"c"]));
        assert_eq!(stable_hash(&[b"x"]), stable_hash(&[b"x"]));
    }
}
