//! Text hygiene before layout: hostile or sloppy input (control characters, NUL,
//! bidi overrides, zero-width junk, emoji modifiers) is removed here, and the leading emoji of
//! a title is split off.
//!
//! Characters that survive sanitising but that no font covers are drawn as boxes by layout
//! (see `layout.rs`) and counted, never silently dropped.

/// Longest text (in characters, after sanitising) that layout will look at.
/// Anything longer could never fit a card even at the minimum font size, so it
/// would be truncated with an ellipsis anyway; the cap bounds CPU time.
pub const MAX_TEXT_CHARS: usize = 4_000;

/// At most this many combining marks are kept after one base character
/// ("Zalgo" text would otherwise stack hundreds of marks on one glyph).
const MAX_COMBINING_RUN: usize = 2;

/// Bidi embedding/override/isolate controls and marks (U+202A–202E, U+2066–2069,
/// LRM/RLM/ALM). Layout orders text by its characters' own directions (UAX #9); an override
/// from user input could only make a slide read backwards, so none is kept.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// Invisible format characters and emoji modifiers the slides do not use: zero-width
/// spaces, word joiner, BOM, variation selectors, emoji skin-tone modifiers, tag characters,
/// the combining keycap, soft hyphen and private-use code points. The zero-width joiner and
/// non-joiner stay: Persian and the Indic scripts spell words with them, and the shaper reads
/// them.
fn is_invisible_or_unusable(c: char) -> bool {
    matches!(c,
        '\u{00AD}'
        | '\u{200B}'
        | '\u{2060}'..='\u{2064}'
        | '\u{FEFF}'
        | '\u{FE00}'..='\u{FE0F}'
        | '\u{E0100}'..='\u{E01EF}'
        | '\u{E0000}'..='\u{E007F}'
        | '\u{1F3FB}'..='\u{1F3FF}'
        | '\u{20E3}'
        | '\u{E000}'..='\u{F8FF}'
        | '\u{F0000}'..='\u{10FFFF}'
        | '\u{FFF9}'..='\u{FFFB}'
        | '\u{FFFC}'
    )
}

fn is_combining_mark(c: char) -> bool {
    matches!(c,
        '\u{0300}'..='\u{036F}'
        | '\u{1AB0}'..='\u{1AFF}'
        | '\u{1DC0}'..='\u{1DFF}'
        | '\u{20D0}'..='\u{20FF}'
        | '\u{FE20}'..='\u{FE2F}'
    )
}

fn is_line_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\u{000B}' | '\u{000C}' | '\u{0085}' | '\u{2028}' | '\u{2029}'
    )
}

/// Cleans text for layout:
/// * CR/LF, vertical tab, form feed, NEL, U+2028/2029 become `\n`; at most one
///   blank line is kept between paragraphs;
/// * tabs and all other Unicode spaces become a plain space, runs of spaces
///   collapse to one, lines are trimmed;
/// * control characters (incl. NUL), bidi controls, zero-width and other
///   invisible format characters, variation selectors, skin-tone modifiers and
///   private-use characters are removed;
/// * runs of combining marks are capped;
/// * the result is cut at [`MAX_TEXT_CHARS`] characters.
pub fn sanitize(input: &str) -> String {
    let mut out = String::with_capacity(input.len().min(MAX_TEXT_CHARS * 4));
    let mut chars = 0usize;
    let mut pending_space = false;
    let mut newlines = 0usize;
    let mut combining_run = 0usize;
    let mut it = input.chars().peekable();
    while let Some(c) = it.next() {
        if chars >= MAX_TEXT_CHARS {
            break;
        }
        let c = if c == '\r' {
            if it.peek() == Some(&'\n') {
                continue;
            }
            '\n'
        } else {
            c
        };
        if is_line_break(c) {
            pending_space = false;
            if chars > 0 {
                newlines += 1;
            }
            continue;
        }
        if c == '\t' || (c.is_whitespace() && !c.is_control()) {
            pending_space = true;
            continue;
        }
        if c.is_control() || is_bidi_control(c) || is_invisible_or_unusable(c) {
            continue;
        }
        if is_combining_mark(c) {
            if combining_run >= MAX_COMBINING_RUN || chars == 0 {
                continue;
            }
            combining_run += 1;
        } else {
            combining_run = 0;
        }
        if newlines > 0 {
            let n = newlines.min(2);
            for _ in 0..n {
                out.push('\n');
            }
            chars += n;
            newlines = 0;
        } else if pending_space && chars > 0 {
            out.push(' ');
            chars += 1;
        }
        pending_space = false;
        out.push(c);
        chars += 1;
    }
    out
}

/// True for code points that are emoji (or emoji-like pictographs) when they
/// start a title: the pictograph and symbol blocks, dingbats, a few arrows and
/// stars. Digits, `#` and `*` (keycap bases) are deliberately not counted.
pub fn is_emoji(c: char) -> bool {
    matches!(c,
        '\u{1F000}'..='\u{1FAFF}'
        | '\u{2600}'..='\u{27BF}'
        | '\u{2300}'..='\u{23FF}'
        | '\u{2B00}'..='\u{2BFF}'
        | '\u{2190}'..='\u{21FF}'
        | '\u{25A0}'..='\u{25FF}'
        | '\u{2934}' | '\u{2935}' | '\u{203C}' | '\u{2049}' | '\u{2139}' | '\u{24C2}'
        | '\u{3030}' | '\u{303D}' | '\u{3297}' | '\u{3299}'
    )
}

/// Most emoji taken from the start of a title for the big emoji line.
pub const MAX_LEADING_EMOJI: usize = 3;

/// Splits the leading emoji off a title: returns the emoji (base code points
/// only, modifiers dropped, at most [`MAX_LEADING_EMOJI`]) and the rest of the
/// title with its leading whitespace and separators trimmed.
pub fn split_leading_emoji(title: &str) -> (Vec<char>, &str) {
    let mut emoji = Vec::new();
    let mut rest = title.trim_start();
    loop {
        let mut chars = rest.char_indices();
        let Some((_, c)) = chars.next() else { break };
        if is_emoji(c) {
            if emoji.len() < MAX_LEADING_EMOJI {
                emoji.push(c);
            }
        } else if !(is_invisible_or_unusable(c)
            // The joiner inside a ZWJ sequence: its parts stay together in the emoji line.
            || c == '\u{200D}'
            || c.is_whitespace()
            || c.is_control()
            || is_bidi_control(c))
            || emoji.is_empty()
        {
            break;
        }
        rest = &rest[c.len_utf8()..];
    }
    let rest = rest.trim_start_matches(|c: char| {
        c.is_whitespace() || matches!(c, '-' | '–' | '—' | ':' | '|' | '·')
    });
    (emoji, rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_and_nul_are_removed() {
        assert_eq!(sanitize("a\u{0}b\u{7}c\u{1b}[31md"), "abc[31md");
    }

    #[test]
    fn bidi_overrides_and_isolates_are_removed() {
        assert_eq!(
            sanitize("\u{202E}evil\u{202C} \u{2066}x\u{2069}\u{200F}"),
            "evil x"
        );
    }

    #[test]
    fn whitespace_runs_collapse_and_lines_are_trimmed() {
        assert_eq!(sanitize("  one\t\t two  \r\n   three  "), "one two\nthree");
    }

    #[test]
    fn at_most_one_blank_line_separates_paragraphs() {
        assert_eq!(sanitize("a\n\n\n\n\nb\u{2029}c"), "a\n\nb\nc");
    }

    #[test]
    fn variation_selectors_and_skin_tones_are_removed_but_joiners_stay_for_the_shaper() {
        assert_eq!(
            sanitize("❤\u{FE0F}\u{200D}🔥 👍\u{1F3FD}"),
            "❤\u{200D}🔥 👍"
        );
        assert_eq!(sanitize("می\u{200C}خواهم\u{200B}"), "می\u{200C}خواهم");
    }

    #[test]
    fn zalgo_marks_are_capped_per_base_character() {
        let zalgo = format!("a{}", "\u{0301}".repeat(50));
        assert_eq!(sanitize(&zalgo).chars().count(), 1 + MAX_COMBINING_RUN);
    }

    #[test]
    fn very_long_text_is_capped() {
        let long = "слово ".repeat(5_000);
        assert_eq!(sanitize(&long).chars().count(), MAX_TEXT_CHARS);
    }

    #[test]
    fn leading_emoji_is_split_from_the_title() {
        assert_eq!(
            split_leading_emoji("🙏 Вера и сомнение"),
            (vec!['🙏'], "Вера и сомнение")
        );
        assert_eq!(
            split_leading_emoji("  ✨\u{FE0F}🔥 — Title"),
            (vec!['✨', '🔥'], "Title")
        );
        assert_eq!(
            split_leading_emoji("👨\u{200D}👩 Family"),
            (vec!['👨', '👩'], "Family")
        );
    }

    #[test]
    fn titles_without_a_leading_emoji_are_unchanged() {
        assert_eq!(split_leading_emoji("Faith 🙏"), (vec![], "Faith 🙏"));
        assert_eq!(split_leading_emoji("1. Step"), (vec![], "1. Step"));
        assert_eq!(split_leading_emoji(""), (vec![], ""));
    }

    #[test]
    fn emoji_only_titles_leave_an_empty_rest() {
        let (emoji, rest) = split_leading_emoji("🙏🙏🙏🙏🙏");
        assert_eq!(emoji.len(), MAX_LEADING_EMOJI);
        assert_eq!(rest, "");
    }
}
