//! A carousel's post as Telegram carries it: the album's caption (the post, cut to Telegram's
//! 1,024 characters) and, after the album, one message with the whole post to copy: in a `<pre>`
//! block (Telegram's clients copy a block with a tap) and, when it is short enough, on a
//! `copy_text` button (Bot API 7.11, whose text Telegram bounds to 1–256 characters), then each
//! slide's alt text. Pure: the runner sends what these make through the outbox.
use super::texts;
use crate::domain::{Lang, Post, Slide};
use teloxide::types::{CopyTextButton, InlineKeyboardButton, InlineKeyboardMarkup};
use teloxide::utils::html::escape;

/// Telegram's longest media caption and message, in UTF-16 code units of the text after entity
/// parsing (how Telegram counts them).
pub const MAX_CAPTION_UNITS: usize = super::MAX_CAPTION_CHARS;
pub const MAX_MESSAGE_UNITS: usize = 4096;
/// Telegram's bound on the text a `copy_text` button copies (CopyTextButton.text: 1–256).
pub const MAX_COPY_TEXT_UNITS: usize = 256;

/// The length of `text` as Telegram counts it.
pub fn utf16_len(text: &str) -> usize {
    text.encode_utf16().count()
}

/// `text` within `max` UTF-16 units: cut at a word (when that keeps at least half of it) and
/// ended with "…" when it was longer.
pub fn fit_utf16(text: &str, max: usize) -> String {
    if utf16_len(text) <= max {
        return text.to_string();
    }
    let budget = max.saturating_sub(1);
    let mut kept = String::new();
    let mut units = 0;
    for c in text.chars() {
        if units + c.len_utf16() > budget {
            break;
        }
        units += c.len_utf16();
        kept.push(c);
    }
    let next_is_break = text[kept.len()..]
        .chars()
        .next()
        .is_some_and(char::is_whitespace);
    if !next_is_break {
        if let Some(at) = kept.rfind(char::is_whitespace) {
            if utf16_len(&kept[..at]) >= budget / 2 {
                kept.truncate(at);
            }
        }
    }
    let mut out = kept.trim_end().to_string();
    if max > 0 {
        out.push('…');
    }
    out
}

/// The album's caption (HTML): the topic in bold, then the post cut to fit (a carousel written
/// before posts has the topic alone).
pub fn album_caption(post: Option<&Post>, topic: &str) -> String {
    let head = texts::caption(topic);
    match post {
        Some(post) => {
            let room = MAX_CAPTION_UNITS.saturating_sub(utf16_len(topic) + 2);
            format!("{head}\n\n{}", escape(&fit_utf16(&post.text(), room)))
        }
        None => head,
    }
}

/// The message after the album.
#[derive(Debug, Clone, PartialEq)]
pub struct PostMessage {
    pub html: String,
    pub keyboard: Option<InlineKeyboardMarkup>,
}

/// The whole post ready to paste, and under it the alt text of each slide that has one, as many
/// as fit one message (the rest cut); the copy button when the post (else its hashtags) fits one.
pub fn post_message(lang: Lang, post: &Post, slides: &[Slide]) -> PostMessage {
    let ready = texts::post_ready(lang);
    let whole = post.text();
    let mut html = format!("{ready}\n\n<pre>{}</pre>", escape(&whole));
    // Tags counted as text: an overestimate of what Telegram counts, so always within it.
    let mut room = MAX_MESSAGE_UNITS.saturating_sub(utf16_len(&ready) + 2 + utf16_len(&whole));
    let heading = texts::post_alt_heading(lang);
    let alts: Vec<String> = slides
        .iter()
        .enumerate()
        .filter(|(_, s)| !s.alt.trim().is_empty())
        .map(|(i, s)| format!("{}. {}", i + 1, s.alt.trim()))
        .collect();
    let overhead = utf16_len(&heading) + 2 + 1;
    if !alts.is_empty() && room > overhead + 16 {
        room -= overhead;
        let mut lines: Vec<String> = Vec::new();
        for line in alts {
            let needed = utf16_len(&line) + 1;
            if needed <= room {
                room -= needed;
                lines.push(line);
            } else {
                if room > 16 {
                    lines.push(fit_utf16(&line, room - 1));
                }
                break;
            }
        }
        html.push_str(&format!(
            "\n\n<b>{}</b>\n<blockquote expandable>{}</blockquote>",
            escape(&heading),
            escape(&lines.join("\n"))
        ));
    }
    let copy = |label: String, text: String| {
        InlineKeyboardMarkup::new(vec![vec![InlineKeyboardButton::copy_text_button(
            label,
            CopyTextButton { text },
        )]])
    };
    let fits = |text: &str| (1..=MAX_COPY_TEXT_UNITS).contains(&utf16_len(text));
    let keyboard = if fits(&whole) {
        Some(copy(texts::post_copy_button(lang), whole))
    } else if fits(&post.hashtag_line()) {
        Some(copy(
            texts::post_copy_hashtags_button(lang),
            post.hashtag_line(),
        ))
    } else {
        None
    };
    PostMessage { html, keyboard }
}

/// The post as a plain-text file (the `carousel` command's `post.txt`): the post, then each
/// slide's alt text.
pub fn post_file(lang: Lang, post: &Post, slides: &[Slide]) -> String {
    let mut out = post.text();
    out.push_str("\n\n");
    out.push_str(&texts::post_alt_heading(lang));
    out.push('\n');
    for (i, slide) in slides.iter().enumerate() {
        out.push_str(&format!("{}. {}\n", i + 1, slide.alt.trim()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::SlideKind;

    fn post(caption: &str) -> Post {
        Post::new(caption, ["#faith", "#hope", "#love"]).expect("valid")
    }

    fn slides(n: usize, alt: &str) -> Vec<Slide> {
        (0..n)
            .map(|i| Slide {
                alt: format!("{alt} {i}"),
                ..Slide::new(SlideKind::Idea, format!("Title {i}"), "Body")
            })
            .collect()
    }

    #[test]
    fn the_album_caption_is_the_topic_and_the_post_cut_at_a_word_within_1024_utf16_units() {
        let short = post("Short & sweet <3");
        assert_eq!(
            album_caption(Some(&short), "A <topic>"),
            "<b>A &lt;topic&gt;</b>\n\nShort &amp; sweet &lt;3\n\n#faith #hope #love"
        );
        // Emoji take two UTF-16 units each: 2,000 characters, 4,000 units.
        let long = post(&"🙏🙏 word ".repeat(250));
        let caption = album_caption(Some(&long), "Topic 🐈");
        let visible = utf16_len(&caption.replace("<b>", "").replace("</b>", ""));
        assert!(visible <= MAX_CAPTION_UNITS, "{visible}");
        assert!(visible > MAX_CAPTION_UNITS - 12, "{visible}");
        assert!(
            caption.starts_with("<b>Topic 🐈</b>\n\n🙏🙏 word"),
            "{caption}"
        );
        assert!(caption.ends_with("word…"), "{caption}");
        assert_eq!(
            album_caption(None, "A <topic>"),
            texts::caption("A <topic>")
        );
    }

    #[test]
    fn fitting_counts_utf16_units_and_never_splits_a_character() {
        assert_eq!(fit_utf16("abc", 3), "abc");
        assert_eq!(fit_utf16("one two three", 9), "one two…");
        assert_eq!(fit_utf16("🙏🙏🙏", 5), "🙏🙏…");
        assert_eq!(fit_utf16("абвгд", 3), "аб…");
    }

    #[test]
    fn a_short_post_comes_with_a_copy_button_holding_exactly_the_post() {
        let short = post("Hook\n\nCall <to> action");
        let message = post_message(Lang::En, &short, &slides(3, "Alt"));
        assert!(message
            .html
            .contains("<pre>Hook\n\nCall &lt;to&gt; action\n\n#faith #hope #love</pre>"));
        assert!(
            message
                .html
                .contains("1. Alt 0\n2. Alt 1\n3. Alt 2</blockquote>"),
            "{}",
            message.html
        );
        let json = serde_json::to_value(message.keyboard.expect("a copy button")).expect("json");
        let button = &json["inline_keyboard"][0][0];
        assert_eq!(button["text"], texts::post_copy_button(Lang::En));
        assert_eq!(button["copy_text"]["text"], short.text());
    }

    #[test]
    fn a_long_post_is_copied_from_its_block_and_its_hashtags_from_the_button() {
        let long = post(&"word ".repeat(100));
        assert!(utf16_len(&long.text()) > MAX_COPY_TEXT_UNITS);
        let message = post_message(Lang::Ru, &long, &slides(3, "Alt"));
        let json = serde_json::to_value(message.keyboard.expect("a hashtag button")).expect("json");
        assert_eq!(
            json["inline_keyboard"][0][0]["copy_text"]["text"],
            "#faith #hope #love"
        );
        assert!(message.html.starts_with(&texts::post_ready(Lang::Ru)));
    }

    #[test]
    fn the_post_message_stays_within_telegrams_4096_units_with_the_longest_post_and_alts() {
        let tags: Vec<String> = (0..10).map(|i| format!("#{}{i}", "д".repeat(29))).collect();
        let longest = Post::new(&"ж".repeat(2200), &tags).expect("valid");
        let message = post_message(Lang::En, &longest, &slides(20, &"x".repeat(990)));
        let visible = message
            .html
            .replace("<pre>", "")
            .replace("</pre>", "")
            .replace("<b>", "")
            .replace("</b>", "")
            .replace("<blockquote expandable>", "")
            .replace("</blockquote>", "");
        assert!(
            utf16_len(&visible) <= MAX_MESSAGE_UNITS,
            "{}",
            utf16_len(&visible)
        );
        assert!(
            message.html.contains("<pre>"),
            "the post itself is never cut"
        );
        assert!(
            message.keyboard.is_none(),
            "neither the post nor its tags fit a button"
        );
    }

    #[test]
    fn the_post_file_holds_the_post_and_every_alt_text() {
        let file = post_file(Lang::En, &post("Hook"), &slides(2, "Alt"));
        assert!(file.starts_with("Hook\n\n#faith #hope #love\n\n"));
        assert!(file.ends_with("1. Alt 0\n2. Alt 1\n"));
    }
}
