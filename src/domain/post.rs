//! The post a carousel is published with: its caption, its hashtags and (on each [`Slide`]) the
//! alt text of its images, bounded as Instagram takes them. A [`Post`] is only ever made checked
//! ([`Post::new`], also behind deserializing), so whatever holds one can send it as it is.
//!
//! [`Slide`]: super::Slide
use serde::{Deserialize, Serialize};
use unicode_properties::{GeneralCategoryGroup, UnicodeGeneralCategory};

/// Instagram's longest caption, in characters.
pub const MAX_CAPTION_CHARS: usize = 2200;
/// Hashtags a post carries: at least a few to be found by, at most what reads as a post and
/// not a tag cloud (Instagram itself allows 30).
pub const MIN_HASHTAGS: usize = 3;
pub const MAX_HASHTAGS: usize = 10;
/// Longest hashtag, in characters after the `#`.
pub const MAX_HASHTAG_CHARS: usize = 30;
/// Longest alt text of one slide, in characters: Instagram's documented 1,000 per image (as
/// publishing APIs in front of it state it), what the editor shows as its bound.
pub const MAX_ALT_CHARS: usize = 1000;

/// What is wrong with a post, naming the field at fault ([`PostError::field`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PostError {
    #[error("the caption has {chars} characters, more than {MAX_CAPTION_CHARS}")]
    CaptionTooLong { chars: usize },
    #[error("{got} hashtags: a post takes {MIN_HASHTAGS} to {MAX_HASHTAGS}")]
    HashtagCount { got: usize },
    #[error("hashtag {index} is not # and letters, digits or underscores")]
    BadHashtag { index: usize },
    #[error("hashtag {index} is longer than {MAX_HASHTAG_CHARS} characters")]
    HashtagTooLong { index: usize },
}

impl PostError {
    /// The field at fault, as the editor's API names it.
    pub fn field(&self) -> &'static str {
        match self {
            PostError::CaptionTooLong { .. } => "post.caption",
            PostError::HashtagCount { .. }
            | PostError::BadHashtag { .. }
            | PostError::HashtagTooLong { .. } => "post.hashtags",
        }
    }
}

/// Why one hashtag was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HashtagProblem {
    /// Empty, or with something beside letters, digits and underscores (a space, punctuation).
    NotATag,
    TooLong,
}

/// An alt text longer than [`MAX_ALT_CHARS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the alt text has {chars} characters, more than {MAX_ALT_CHARS}")]
pub struct AltTooLong {
    pub chars: usize,
}

/// A caption and 3–10 distinct hashtags.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "PostFields")]
pub struct Post {
    caption: String,
    hashtags: Vec<String>,
}

/// A post as it is stored and sent, before it is checked.
#[derive(Debug, Clone, Deserialize)]
struct PostFields {
    #[serde(default)]
    caption: String,
    #[serde(default)]
    hashtags: Vec<String>,
}

impl TryFrom<PostFields> for Post {
    type Error = PostError;
    fn try_from(fields: PostFields) -> Result<Post, PostError> {
        Post::new(&fields.caption, fields.hashtags)
    }
}

impl Post {
    /// A checked post: the caption cleaned ([`clean_caption`]) and at most
    /// [`MAX_CAPTION_CHARS`]; each hashtag normalised ([`hashtag`]), repeats dropped whatever
    /// their case, and [`MIN_HASHTAGS`]..=[`MAX_HASHTAGS`] of them left.
    pub fn new<S: AsRef<str>>(
        caption: &str,
        hashtags: impl IntoIterator<Item = S>,
    ) -> Result<Post, PostError> {
        let caption = clean_caption(caption);
        let chars = caption.chars().count();
        if chars > MAX_CAPTION_CHARS {
            return Err(PostError::CaptionTooLong { chars });
        }
        let mut tags: Vec<String> = Vec::new();
        for (index, raw) in hashtags.into_iter().enumerate() {
            let tag = hashtag(raw.as_ref()).map_err(|problem| match problem {
                HashtagProblem::NotATag => PostError::BadHashtag { index },
                HashtagProblem::TooLong => PostError::HashtagTooLong { index },
            })?;
            if !tags.iter().any(|t| same_tag(t, &tag)) {
                tags.push(tag);
            }
        }
        if !(MIN_HASHTAGS..=MAX_HASHTAGS).contains(&tags.len()) {
            return Err(PostError::HashtagCount { got: tags.len() });
        }
        Ok(Post {
            caption,
            hashtags: tags,
        })
    }

    pub fn caption(&self) -> &str {
        &self.caption
    }

    /// Each starting with `#`, distinct whatever their case.
    pub fn hashtags(&self) -> &[String] {
        &self.hashtags
    }

    /// The hashtags on one line, as they are pasted.
    pub fn hashtag_line(&self) -> String {
        self.hashtags.join(" ")
    }

    /// The whole post as it is pasted: the caption, an empty line, the hashtags.
    pub fn text(&self) -> String {
        match self.caption.is_empty() {
            true => self.hashtag_line(),
            false => format!("{}\n\n{}", self.caption, self.hashtag_line()),
        }
    }
}

/// Whether two hashtags are the same tag (Instagram's are case-insensitive).
pub fn same_tag(a: &str, b: &str) -> bool {
    a.to_lowercase() == b.to_lowercase()
}

/// A hashtag normalised: trimmed, starting with one `#`, then letters, digits and underscores in
/// any script (with the combining marks of scripts like Devanagari and Arabic, and the zero-width
/// non-joiner Persian words carry), at least one letter, at most [`MAX_HASHTAG_CHARS`] of them.
pub fn hashtag(raw: &str) -> Result<String, HashtagProblem> {
    let body = raw.trim().trim_start_matches(['#', '＃']);
    let mut letters = 0;
    let mut chars = 0;
    for c in body.chars() {
        chars += 1;
        if c.is_alphabetic() {
            letters += 1;
        } else if !(c.is_numeric()
            || c == '_'
            || c == '\u{200C}'
            || c.general_category_group() == GeneralCategoryGroup::Mark)
        {
            return Err(HashtagProblem::NotATag);
        }
    }
    if letters == 0 {
        return Err(HashtagProblem::NotATag);
    }
    if chars > MAX_HASHTAG_CHARS {
        return Err(HashtagProblem::TooLong);
    }
    Ok(format!("#{body}"))
}

/// A caption as it is kept: control and bidi-override characters dropped, each line's trailing
/// space trimmed, at most one empty line in a row, nothing blank around it.
pub fn clean_caption(raw: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    for line in raw.lines() {
        let line: String = line.chars().filter(|c| !is_hidden(*c)).collect();
        let line = line.trim_end().to_string();
        if line.trim().is_empty() && out.last().is_none_or(|l| l.is_empty()) {
            continue;
        }
        out.push(if line.trim().is_empty() {
            String::new()
        } else {
            line
        });
    }
    out.join("\n").trim().to_string()
}

/// An alt text as it is kept: one line, control and bidi-override characters dropped,
/// whitespace collapsed; refused over [`MAX_ALT_CHARS`]. Empty is allowed (no alt text).
pub fn alt_text(raw: &str) -> Result<String, AltTooLong> {
    let alt = raw
        .split(|c: char| c.is_whitespace() || is_hidden(c))
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let chars = alt.chars().count();
    if chars > MAX_ALT_CHARS {
        return Err(AltTooLong { chars });
    }
    Ok(alt)
}

/// Characters a reader never sees but that change what they see: controls (a line break is
/// kept by splitting on it first) and bidi overrides.
fn is_hidden(c: char) -> bool {
    (c.is_control() && c != '\t') || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("#tag{i}")).collect()
    }

    #[test]
    fn a_post_keeps_its_caption_and_normalises_its_hashtags() {
        let post = Post::new(
            "  Hook line\n\n\n\nMore  \n",
            ["faith", "#Hope", " #love_1 "],
        )
        .expect("valid");
        assert_eq!(post.caption(), "Hook line\n\nMore");
        assert_eq!(post.hashtags(), ["#faith", "#Hope", "#love_1"]);
        assert_eq!(post.text(), "Hook line\n\nMore\n\n#faith #Hope #love_1");
    }

    #[test]
    fn a_caption_over_instagrams_2200_characters_is_refused_naming_the_caption() {
        let at_limit = "я".repeat(MAX_CAPTION_CHARS);
        assert!(Post::new(&at_limit, tags(3)).is_ok());
        let over = Post::new(&format!("{at_limit}!"), tags(3)).unwrap_err();
        assert_eq!(over, PostError::CaptionTooLong { chars: 2201 });
        assert_eq!(over.field(), "post.caption");
    }

    #[test]
    fn a_post_takes_three_to_ten_hashtags() {
        let two = Post::new("c", tags(2)).unwrap_err();
        assert_eq!(two, PostError::HashtagCount { got: 2 });
        assert_eq!(two.field(), "post.hashtags");
        assert!(Post::new("c", tags(3)).is_ok());
        assert!(Post::new("c", tags(10)).is_ok());
        let eleven = Post::new("c", tags(11)).unwrap_err();
        assert_eq!(eleven, PostError::HashtagCount { got: 11 });
        assert_eq!(eleven.field(), "post.hashtags");
    }

    #[test]
    fn a_hashtag_with_a_space_or_punctuation_is_refused_naming_its_place() {
        for bad in [
            "#two words",
            "#hope!",
            "#a-b",
            "#",
            "  ",
            "#1234",
            "#a.b",
            "#<b>",
        ] {
            let refused = Post::new("c", ["#one", "#two", bad]).unwrap_err();
            assert_eq!(refused, PostError::BadHashtag { index: 2 }, "{bad:?}");
            assert_eq!(refused.field(), "post.hashtags");
        }
        let long = format!("#{}", "a".repeat(MAX_HASHTAG_CHARS + 1));
        assert_eq!(
            Post::new("c", ["#one", long.as_str(), "#three"]).unwrap_err(),
            PostError::HashtagTooLong { index: 1 }
        );
        assert!(hashtag(&format!("#{}", "a".repeat(MAX_HASHTAG_CHARS))).is_ok());
    }

    #[test]
    fn hashtags_in_cyrillic_arabic_persian_and_devanagari_are_tags() {
        for tag in [
            "#вера",
            "#Библия_2024",
            "#الإيمان",
            "#ایمان",
            "#می‌خواهم",
            "#प्रार्थना",
        ] {
            assert_eq!(hashtag(tag).as_deref(), Ok(tag), "{tag}");
        }
        let post = Post::new("", ["вера", "#الإيمان", "#प्रार्थना"]).expect("valid");
        assert_eq!(post.hashtags(), ["#вера", "#الإيمان", "#प्रार्थना"]);
        assert_eq!(post.text(), "#вера #الإيمان #प्रार्थना");
    }

    #[test]
    fn repeated_hashtags_count_once_whatever_their_case() {
        let post = Post::new(
            "c",
            ["#Faith", "#faith", "#FAITH", "#Вера", "#вера", "#hope"],
        )
        .expect("three distinct tags");
        assert_eq!(post.hashtags(), ["#Faith", "#Вера", "#hope"]);
        assert_eq!(
            Post::new("c", ["#a1", "#A1", "#b"]).unwrap_err(),
            PostError::HashtagCount { got: 2 }
        );
    }

    #[test]
    fn a_stored_post_is_checked_when_it_is_read() {
        let post = Post::new("Caption", ["#a", "#b", "#c"]).expect("valid");
        let json = serde_json::to_string(&post).expect("json");
        assert_eq!(
            json,
            r##"{"caption":"Caption","hashtags":["#a","#b","#c"]}"##
        );
        assert_eq!(serde_json::from_str::<Post>(&json).ok(), Some(post));
        assert!(serde_json::from_str::<Post>(r##"{"caption":"c","hashtags":["#a"]}"##).is_err());
    }

    #[test]
    fn an_alt_text_is_one_clean_line_within_its_bound() {
        assert_eq!(
            alt_text(" Slide 1:\n a cover\u{202E} \t photo ").as_deref(),
            Ok("Slide 1: a cover photo")
        );
        assert_eq!(alt_text("").as_deref(), Ok(""));
        assert!(alt_text(&"x".repeat(MAX_ALT_CHARS)).is_ok());
        assert_eq!(
            alt_text(&"x".repeat(MAX_ALT_CHARS + 1)),
            Err(AltTooLong {
                chars: MAX_ALT_CHARS + 1
            })
        );
    }

    #[test]
    fn a_caption_loses_hidden_characters_and_extra_empty_lines() {
        assert_eq!(
            clean_caption("\n\nOne\u{0}\u{202E}\n\n\n\nTwo  \n\n"),
            "One\n\nTwo"
        );
    }
}
