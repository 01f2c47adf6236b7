//! The carousel workflow's pure parts: callback data, topic checks, album parts, captions,
//! the progress throttle and step retries. The orchestrator does the I/O.
pub mod at_once;
pub mod brand;
mod brand_chat;
mod buttons;
mod commands;
pub mod engine;
pub mod links;
pub mod materials;
pub mod post;
mod quotas;
pub mod review;
mod runner;
pub mod steps;
pub mod texts;

use crate::app::error::AppError;
use crate::domain::{ContentChoice, Delivery, Lang, SlideHandle, SlideSize, Style};
use std::future::Future;
use std::ops::Range;
use std::time::{Duration, Instant};
use uuid::Uuid;

/// Longest topic accepted, in characters.
pub const MAX_TOPIC_CHARS: usize = 200;
/// Longest `/ask` question accepted, in characters.
pub const MAX_QUESTION_CHARS: usize = 1000;
/// Telegram's limit for a media caption, in characters after entity parsing.
pub const MAX_CAPTION_CHARS: usize = 1024;
/// Telegram's limit for inline-button callback data, in bytes.
pub const MAX_CALLBACK_BYTES: usize = 64;

/// What an inline button asks for. Every variant that refers to a request names it by the
/// workflow id persisted in the store, never by anything held in memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Callback {
    /// `style:<style>:<workflow>` — start the requested carousel in this style.
    Style { style: Style, workflow: Uuid },
    /// `cancel:<workflow>`
    Cancel { workflow: Uuid },
    /// `pdf:<workflow>` — the finished carousel as one PDF.
    Pdf { workflow: Uuid },
    /// `again:<workflow>` — make a carousel of the history again.
    Again { workflow: Uuid },
    /// `review:<action>:<workflow>` — a button under a draft's preview.
    Review {
        action: ReviewAction,
        workflow: Uuid,
    },
    /// `restyle:<style>:<workflow>` — the draft's new style, from its style buttons.
    Restyle { style: Style, workflow: Uuid },
    /// `set:<field>:<value>:<owner>` in a group, `set:<field>:<value>` in the owner's private
    /// chat — change one setting of the user whose /settings keyboard it is. One that names no
    /// owner acts only in the presser's private chat, where nobody else can press it.
    Set {
        choice: SettingChoice,
        owner: Option<i64>,
    },
    /// `brand:<button>[:<value>]` — a change of the presser's own brand kit.
    Brand {
        button: brand_chat::BrandButton,
        value: Option<String>,
    },
}

crate::spelled_enum! {
    /// What a button under a draft's preview asks for (Edit is a Mini App button, no data).
    #[serde(rename_all = "lowercase")]
    #[strum(serialize_all = "lowercase")]
    pub enum ReviewAction as "review action" {
        /// Draw and send the draft as it is.
        Render,
        /// Write the draft again (quota-counted).
        Rewrite,
        /// Show the style buttons.
        Style,
    }
}

/// A row of the /settings keyboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SettingField {
    Style,
    Slides,
    Size,
    Lang,
    /// The language of the slides.
    Content,
    Delivery,
    Handle,
    /// Whether written slides wait for review.
    Review,
}

/// The slide counts a settings button offers.
pub const SLIDE_CHOICES: [u8; 3] = [5, 7, 10];

impl SettingField {
    pub const ALL: [SettingField; 8] = [
        SettingField::Style,
        SettingField::Slides,
        SettingField::Size,
        SettingField::Lang,
        SettingField::Content,
        SettingField::Delivery,
        SettingField::Handle,
        SettingField::Review,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SettingField::Style => "style",
            SettingField::Slides => "slides",
            SettingField::Size => "size",
            SettingField::Lang => "lang",
            SettingField::Content => "content",
            SettingField::Delivery => "delivery",
            SettingField::Handle => "handle",
            SettingField::Review => "review",
        }
    }

    /// The values a settings button may carry for this field, in the keyboard's order.
    pub fn choices(self) -> Vec<SettingChoice> {
        match self {
            SettingField::Style => Style::ALL
                .iter()
                .map(|&s| SettingChoice::Style(s))
                .collect(),
            SettingField::Slides => SLIDE_CHOICES.map(SettingChoice::Slides).to_vec(),
            SettingField::Size => SlideSize::ALL
                .iter()
                .map(|&s| SettingChoice::Size(s))
                .collect(),
            SettingField::Lang => Lang::ALL.iter().map(|&l| SettingChoice::Lang(l)).collect(),
            SettingField::Content => ContentChoice::ALL
                .iter()
                .map(|&c| SettingChoice::Content(c))
                .collect(),
            SettingField::Delivery => Delivery::ALL
                .iter()
                .map(|&d| SettingChoice::Delivery(d))
                .collect(),
            SettingField::Handle => SlideHandle::ALL
                .iter()
                .map(|&h| SettingChoice::Handle(h))
                .collect(),
            SettingField::Review => vec![SettingChoice::Review(true), SettingChoice::Review(false)],
        }
    }

    /// The keyboard rows of this field: its choices, at most [`SETTING_ROW`] to a row (Telegram
    /// shows at most eight, and narrow phones cut long labels), the slides' language with its
    /// two modes on a row of their own above the languages.
    pub fn rows(self) -> Vec<Vec<SettingChoice>> {
        let choices = self.choices();
        let (modes, rest): (Vec<SettingChoice>, Vec<SettingChoice>) =
            choices.into_iter().partition(|c| {
                matches!(
                    c,
                    SettingChoice::Content(ContentChoice::Auto | ContentChoice::Interface)
                )
            });
        std::iter::once(modes)
            .filter(|modes| !modes.is_empty())
            .chain(rest.chunks(SETTING_ROW).map(<[SettingChoice]>::to_vec))
            .collect()
    }
}

/// The most buttons a /settings keyboard row holds.
pub const SETTING_ROW: usize = 5;

/// One setting's new value, as a settings button carries it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SettingChoice {
    Style(Style),
    /// One of [`SLIDE_CHOICES`].
    Slides(u8),
    Size(SlideSize),
    Lang(Lang),
    Content(ContentChoice),
    Delivery(Delivery),
    Handle(SlideHandle),
    Review(bool),
}

impl SettingChoice {
    pub fn field(self) -> SettingField {
        match self {
            SettingChoice::Style(_) => SettingField::Style,
            SettingChoice::Slides(_) => SettingField::Slides,
            SettingChoice::Size(_) => SettingField::Size,
            SettingChoice::Lang(_) => SettingField::Lang,
            SettingChoice::Content(_) => SettingField::Content,
            SettingChoice::Delivery(_) => SettingField::Delivery,
            SettingChoice::Handle(_) => SettingField::Handle,
            SettingChoice::Review(_) => SettingField::Review,
        }
    }

    /// How the button's data (and, but for languages, the keyboard's label) spells the value.
    pub fn value(self) -> String {
        match self {
            SettingChoice::Style(style) => style.to_string(),
            SettingChoice::Slides(count) => count.to_string(),
            SettingChoice::Size(size) => size.to_string(),
            SettingChoice::Lang(lang) => lang.to_string(),
            SettingChoice::Content(content) => content.to_string(),
            SettingChoice::Delivery(delivery) => delivery.to_string(),
            SettingChoice::Handle(handle) => handle.to_string(),
            SettingChoice::Review(true) => "on".to_string(),
            SettingChoice::Review(false) => "off".to_string(),
        }
    }

    /// The choice `field` offers under this spelling; `None` for anything it does not offer.
    fn parse(field: SettingField, value: &str) -> Option<SettingChoice> {
        field.choices().into_iter().find(|c| c.value() == value)
    }
}

impl Callback {
    pub fn data(&self) -> String {
        match self {
            Callback::Style { style, workflow } => format!("style:{style}:{workflow}"),
            Callback::Cancel { workflow } => format!("cancel:{workflow}"),
            Callback::Pdf { workflow } => format!("pdf:{workflow}"),
            Callback::Again { workflow } => format!("again:{workflow}"),
            Callback::Review { action, workflow } => format!("review:{action}:{workflow}"),
            Callback::Restyle { style, workflow } => format!("restyle:{style}:{workflow}"),
            Callback::Set {
                choice,
                owner: Some(owner),
            } => format!("set:{}:{}:{owner}", choice.field().as_str(), choice.value()),
            Callback::Set {
                choice,
                owner: None,
            } => format!("set:{}:{}", choice.field().as_str(), choice.value()),
            Callback::Brand { button, value } => brand_chat::brand_data(*button, value.as_deref()),
        }
    }

    /// Reads button data back; `None` for anything this bot did not write (tampered, truncated,
    /// from an older version).
    pub fn parse(data: &str) -> Option<Callback> {
        if data.len() > MAX_CALLBACK_BYTES {
            return None;
        }
        let mut parts = data.split(':');
        let callback = match (parts.next()?, parts.next(), parts.next()) {
            ("set", Some(field), Some(value)) => {
                let field = SettingField::ALL
                    .into_iter()
                    .find(|f| f.as_str() == field)?;
                let owner = match parts.next() {
                    None => None,
                    // Only the one spelling this bot writes.
                    Some(id) => Some(id.parse::<i64>().ok().filter(|n| n.to_string() == id)?),
                };
                Callback::Set {
                    choice: SettingChoice::parse(field, value)?,
                    owner,
                }
            }
            ("style", Some(style), Some(id)) => Callback::Style {
                style: style.parse().ok()?,
                workflow: parse_id(id)?,
            },
            ("review", Some(action), Some(id)) => Callback::Review {
                action: action.parse().ok()?,
                workflow: parse_id(id)?,
            },
            ("restyle", Some(style), Some(id)) => Callback::Restyle {
                style: style.parse().ok()?,
                workflow: parse_id(id)?,
            },
            ("cancel", Some(id), None) => Callback::Cancel {
                workflow: parse_id(id)?,
            },
            ("pdf", Some(id), None) => Callback::Pdf {
                workflow: parse_id(id)?,
            },
            ("again", Some(id), None) => Callback::Again {
                workflow: parse_id(id)?,
            },
            // The value is checked where it is acted on (a colour, a pairing, an image kind).
            ("brand", Some(button), value) => Callback::Brand {
                button: button.parse().ok()?,
                value: value
                    .filter(|v| v.len() <= 16 && v.bytes().all(|b| b.is_ascii_alphanumeric()))
                    .map(str::to_string),
            },
            _ => return None,
        };
        parts.next().is_none().then_some(callback)
    }
}

/// Only the canonical hyphenated form, so one request has exactly one spelling.
fn parse_id(text: &str) -> Option<Uuid> {
    let id = Uuid::parse_str(text).ok()?;
    (id.hyphenated().to_string() == text).then_some(id)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TopicProblem {
    Empty,
    TooLong { chars: usize },
}

/// The topic as it will be written about: control characters (NUL, bidi overrides…) dropped,
/// whitespace collapsed. Checked against the empty and the too-long cases.
pub fn clean_topic(raw: &str) -> Result<String, TopicProblem> {
    clean_text(raw, MAX_TOPIC_CHARS)
}

/// The characters of `topic` no bundled font can draw, with the count of those checked, when
/// they are more than half: such a carousel would be mostly boxes, so it is refused with a reply
/// naming the problem (a few stray symbols are drawn as boxes and counted instead).
pub fn undrawable(topic: &str) -> Option<(usize, usize)> {
    let (covered, total) = crate::render::fonts::coverage(topic).ok()?;
    (total > 0 && covered * 2 < total).then_some((total - covered, total))
}

/// [`clean_topic`] with another length limit.
pub fn clean_text(raw: &str, max_chars: usize) -> Result<String, TopicProblem> {
    let visible: String = raw
        .chars()
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .filter(|c| !c.is_control() && !is_bidi_control(*c))
        .collect();
    let topic = visible.split_whitespace().collect::<Vec<_>>().join(" ");
    let chars = topic.chars().count();
    if chars == 0 {
        Err(TopicProblem::Empty)
    } else if chars > max_chars {
        Err(TopicProblem::TooLong { chars })
    } else {
        Ok(topic)
    }
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}')
}

/// How `n` slides go out: albums of 2–10 as even as possible; one slide alone is a single photo.
pub fn album_parts(n: usize) -> Vec<Range<usize>> {
    if n == 0 {
        return Vec::new();
    }
    let parts = n.div_ceil(10);
    let (base, extra) = (n / parts, n % parts);
    let mut start = 0;
    (0..parts)
        .map(|i| {
            let len = base + usize::from(i < extra);
            let range = start..start + len;
            start += len;
            range
        })
        .collect()
}

/// Cuts HTML-escaped text to `max` characters without splitting an entity like `&amp;`.
pub fn fit_html(escaped: &str, max: usize) -> String {
    if escaped.chars().count() <= max {
        return escaped.to_string();
    }
    let mut cut: String = escaped.chars().take(max.saturating_sub(1)).collect();
    if let Some(amp) = cut.rfind('&') {
        if !cut[amp..].contains(';') {
            cut.truncate(amp);
        }
    }
    cut.push('…');
    cut
}

/// How long to wait before the next edit of a status message, so that one chat sees at most
/// one edit per `interval`.
pub fn edit_delay(last_edit: Option<Instant>, now: Instant, interval: Duration) -> Duration {
    last_edit.map_or(Duration::ZERO, |last| {
        (last + interval).saturating_duration_since(now)
    })
}

pub use crate::resilience::retry::RetryPolicy;

/// Whether retrying can help: bad input and refusals cannot.
pub fn is_retryable(error: &AppError) -> bool {
    !matches!(
        error,
        AppError::BadRequest(_) | AppError::TelegramRefused { .. } | AppError::Config { .. }
    )
}

/// Runs one step with its retries; answers the last error when every attempt failed.
pub async fn retry_step<T, F, Fut>(step: &str, policy: &RetryPolicy, run: F) -> Result<T, AppError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, AppError>>,
{
    crate::resilience::retry::retry(step, policy, is_retryable, run).await
}

/// Slides per render call: progress is reported between calls, and each call keeps both cores busy.
pub fn render_batches(total: usize, batch: usize) -> Vec<Range<usize>> {
    let batch = batch.max(1);
    (0..total)
        .step_by(batch)
        .map(|start| start..(start + batch).min(total))
        .collect()
}

#[cfg(test)]
mod tests;
