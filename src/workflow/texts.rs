//! What the workflow says to users, as Telegram HTML, in the user's interface language. The
//! words are in the Fluent files (`locales/<code>/main.ftl`, see [`crate::i18n`]); these thin
//! functions name the message and hand it its variables, user text escaped first.
use crate::ai::OfflineLang;
use crate::domain::WorkflowState;
use crate::domain::{
    ContentChoice, ContentLanguage, Delivery, Lang, QuotaKind, SlideHandle, SlideSize, Style,
};
use crate::i18n::{text, text_with, Value};
use teloxide::utils::html::escape as escape_html;

/// A count as Fluent takes it (numbers select the plural form).
fn count(n: usize) -> Value<'static> {
    Value::from(n)
}

/// A topic (or name, or reason) escaped for HTML.
fn escaped(user_text: &str) -> Value<'static> {
    Value::from(escape_html(user_text))
}

pub fn carousel_usage(lang: Lang) -> String {
    text(lang, "carousel-usage")
}

pub fn topic_too_long(lang: Lang, chars: usize, max: usize) -> String {
    text_with(
        lang,
        "topic-too-long",
        &[("chars", count(chars)), ("max", count(max))],
    )
}

/// A topic mostly in characters no bundled font has: what the user gets instead of boxes.
pub fn topic_undrawable(lang: Lang, missing: usize, total: usize) -> String {
    text_with(
        lang,
        "topic-undrawable",
        &[("missing", count(missing)), ("total", count(total))],
    )
}

pub fn question_too_long(lang: Lang, chars: usize, max: usize) -> String {
    text_with(
        lang,
        "question-too-long",
        &[("chars", count(chars)), ("max", count(max))],
    )
}

pub fn pick_style(lang: Lang, topic: &str) -> String {
    text_with(lang, "pick-style", &[("topic", escaped(topic))])
}

pub fn style_name(lang: Lang, style: Style) -> String {
    text(lang, &format!("style-{}", style.as_str()))
}

pub fn cancel_button(lang: Lang) -> String {
    text(lang, "cancel-button")
}

pub fn pdf_button(lang: Lang) -> String {
    text(lang, "pdf-button")
}

pub fn one_at_a_time(lang: Lang) -> String {
    text(lang, "one-at-a-time")
}

pub fn stale_button(lang: Lang) -> String {
    text(lang, "stale-button")
}

pub fn not_your_request(lang: Lang) -> String {
    text(lang, "not-your-request")
}

pub fn already_started(lang: Lang) -> String {
    text(lang, "already-started")
}

pub fn starting(lang: Lang) -> String {
    text(lang, "starting")
}

pub fn writing(lang: Lang, topic: &str) -> String {
    text_with(lang, "writing", &[("topic", escaped(topic))])
}

pub fn rendering(lang: Lang, topic: &str, done: usize, total: usize) -> String {
    text_with(
        lang,
        "rendering",
        &[
            ("topic", escaped(topic)),
            ("done", count(done)),
            ("total", count(total)),
        ],
    )
}

pub fn sending(lang: Lang, topic: &str) -> String {
    text_with(lang, "sending", &[("topic", escaped(topic))])
}

pub fn done(lang: Lang, topic: &str, slides: usize) -> String {
    text_with(
        lang,
        "done",
        &[("topic", escaped(topic)), ("slides", count(slides))],
    )
}

/// The line a status message gains when the offline writer wrote in `written_in` instead of the
/// topic's language (the topic itself stays as the user wrote it).
pub fn offline_note(lang: Lang, written_in: OfflineLang) -> String {
    text_with(
        lang,
        "offline-note",
        &[("language", Value::from(written_in.code()))],
    )
}

/// `html` with `note` (already HTML) under it, in italics.
pub fn with_note(html: String, note: Option<&str>) -> String {
    match note {
        Some(note) => format!("{html}\n<i>{note}</i>"),
        None => html,
    }
}

pub fn caption(topic: &str) -> String {
    super::fit_html(
        &format!("<b>{}</b>", escape_html(topic)),
        super::MAX_CAPTION_CHARS,
    )
}

/// The line above a post ready to paste (HTML).
pub fn post_ready(lang: Lang) -> String {
    text(lang, "post-ready")
}

pub fn post_copy_button(lang: Lang) -> String {
    text(lang, "post-copy-button")
}

pub fn post_copy_hashtags_button(lang: Lang) -> String {
    text(lang, "post-copy-hashtags-button")
}

/// The heading of a post's alt texts (plain text: escape it for HTML).
pub fn post_alt_heading(lang: Lang) -> String {
    text(lang, "post-alt-heading")
}

pub fn failed(lang: Lang, topic: &str, reason: &str) -> String {
    text_with(
        lang,
        "failed",
        &[("topic", escaped(topic)), ("reason", escaped(reason))],
    )
}

pub fn timed_out(lang: Lang) -> String {
    text(lang, "timed-out")
}

pub fn telegram_refused(lang: Lang) -> String {
    text(lang, "telegram-refused")
}

pub fn step_failed(lang: Lang, step: WorkflowState) -> String {
    match step {
        WorkflowState::Writing => text(lang, "step-failed-writing"),
        WorkflowState::Rendering => text(lang, "step-failed-rendering"),
        WorkflowState::Sending => text(lang, "step-failed-sending"),
        WorkflowState::AwaitingStyle
        | WorkflowState::Requested
        | WorkflowState::Done
        | WorkflowState::Failed
        | WorkflowState::Cancelled
        | WorkflowState::Reviewing
        | WorkflowState::Expired => internal_error(lang),
    }
}

/// The reason shown when our own code failed.
pub fn internal_error(lang: Lang) -> String {
    text(lang, "internal-error")
}

pub fn cancelled(lang: Lang, topic: &str) -> String {
    text_with(lang, "cancelled", &[("topic", escaped(topic))])
}

pub fn cancel_accepted(lang: Lang) -> String {
    text(lang, "cancel-accepted")
}

pub fn nothing_to_cancel(lang: Lang) -> String {
    text(lang, "nothing-to-cancel")
}

pub fn ask_usage(lang: Lang) -> String {
    text(lang, "ask-usage")
}

pub fn history_empty(lang: Lang) -> String {
    text(lang, "history-empty")
}

pub fn history_header(lang: Lang) -> String {
    text(lang, "history-header")
}

/// An interface language as its own speakers name it (the same in every locale).
pub fn language_name(lang: Lang) -> &'static str {
    ContentLanguage::from(lang).native_name()
}

/// The slides' language setting, in words.
pub fn content_choice(lang: Lang, choice: ContentChoice) -> String {
    match choice {
        ContentChoice::Auto => text(lang, "content-auto"),
        ContentChoice::Interface => text(lang, "content-interface"),
        ContentChoice::Language(language) => language.native_name().to_string(),
    }
}

/// A button of the slides' language row.
pub fn content_choice_button(lang: Lang, choice: ContentChoice) -> String {
    match choice {
        ContentChoice::Auto => text(lang, "content-auto-button"),
        ContentChoice::Interface => text(lang, "content-interface-button"),
        ContentChoice::Language(language) => language.native_name().to_string(),
    }
}

/// The /settings message: what each setting is now.
pub struct SettingsShown {
    pub style: Style,
    pub slides: usize,
    pub size: SlideSize,
    pub content: ContentChoice,
    pub delivery: Delivery,
    pub handle: SlideHandle,
}

pub fn settings(lang: Lang, shown: &SettingsShown) -> String {
    text_with(
        lang,
        "settings",
        &[
            ("style", Value::from(shown.style.as_str())),
            ("slides", count(shown.slides)),
            ("size", Value::from(shown.size.as_str())),
            ("language", Value::from(language_name(lang))),
            ("content", Value::from(content_choice(lang, shown.content))),
            ("delivery", Value::from(shown.delivery.as_str())),
            ("handle", Value::from(handle_name(lang, shown.handle))),
        ],
    )
}

/// What the handle setting puts on the slides, in words.
fn handle_name(lang: Lang, handle: SlideHandle) -> String {
    text(lang, &format!("handle-{}", handle.as_str()))
}

/// A /settings keyboard pressed by someone other than its owner (in a group).
pub fn not_your_settings(lang: Lang) -> String {
    text(lang, "not-your-settings")
}

pub fn saved(lang: Lang) -> String {
    text(lang, "saved")
}

pub fn unavailable(lang: Lang) -> String {
    text(lang, "unavailable")
}

/// Past the per-user update limit: said at most once per window, never once per update.
pub fn slow_down(lang: Lang) -> String {
    text(lang, "slow-down")
}

/// What a quota is called in user terms.
fn quota_subject(lang: Lang, kind: QuotaKind) -> String {
    text(lang, &format!("quota-{}", kind.as_str()))
}

/// A per-user quota is used up, with when it comes back.
pub fn quota_used(
    lang: Lang,
    kind: QuotaKind,
    verdict: crate::store::QuotaVerdict,
    quota: crate::app::config::Quota,
) -> String {
    use crate::store::QuotaVerdict;
    let subject = Value::from(quota_subject(lang, kind));
    match verdict {
        QuotaVerdict::DayUsed => text_with(
            lang,
            "quota-day-used",
            &[
                ("subject", subject),
                ("per_day", Value::from(quota.per_day)),
            ],
        ),
        _ => text_with(
            lang,
            "quota-minute-used",
            &[
                ("subject", subject),
                ("per_minute", Value::from(quota.per_minute)),
            ],
        ),
    }
}

/// Every place for model calls or renders is taken and the queue is full.
pub fn busy(lang: Lang) -> String {
    text(lang, "busy")
}

/// A private bot (`ALLOWED_USER_IDS`) to someone not on its list: said once.
pub fn not_allowed(lang: Lang) -> String {
    text(lang, "not-allowed")
}

/// The limits in `/help`, in terms users understand.
pub fn limits_help(lang: Lang, limits: &crate::app::config::LimitSettings) -> String {
    let (c, a, w, p) = (limits.carousel, limits.ask, limits.wisdom, limits.pdf);
    text_with(
        lang,
        "limits-help",
        &[
            ("carousels", Value::from(c.per_day)),
            ("carousels_per_minute", Value::from(c.per_minute)),
            ("questions", Value::from(a.per_day)),
            ("wisdoms", Value::from(w.per_day)),
            ("pdfs", Value::from(p.per_day)),
            ("messages", Value::from(limits.user_per_minute)),
        ],
    )
}

// Review before render (`review.ftl`).

pub fn review_setting_button(lang: Lang, review: bool) -> String {
    text(
        lang,
        if review {
            "review-setting-on"
        } else {
            "review-setting-off"
        },
    )
}

pub fn review_render_button(lang: Lang) -> String {
    text(lang, "review-render-button")
}

pub fn review_edit_button(lang: Lang) -> String {
    text(lang, "review-edit-button")
}

pub fn review_rewrite_button(lang: Lang) -> String {
    text(lang, "review-rewrite-button")
}

pub fn review_style_button(lang: Lang) -> String {
    text(lang, "review-style-button")
}

/// The status message once the draft is offered below it.
pub fn draft_ready(lang: Lang, topic: &str) -> String {
    text_with(lang, "draft-ready", &[("topic", escaped(topic))])
}

pub fn draft_expired(lang: Lang, topic: &str) -> String {
    text_with(lang, "draft-expired", &[("topic", escaped(topic))])
}

/// A press or an edit on a draft that is no longer one (rendered, cancelled, expired).
pub fn draft_gone(lang: Lang) -> String {
    text(lang, "draft-gone")
}

pub fn draft_rewriting(lang: Lang) -> String {
    text(lang, "draft-rewriting")
}

pub fn draft_pick_style(lang: Lang) -> String {
    text(lang, "draft-pick-style")
}

/// The review message's caption: the topic, each slide's title (escaped), and what the
/// buttons do, within Telegram's 1,024 characters (titles are cut first, never the help).
pub fn draft_caption(
    lang: Lang,
    topic: &str,
    slides: &[crate::domain::Slide],
    editor: bool,
) -> String {
    let help = text(
        lang,
        if editor {
            "draft-help-editor"
        } else {
            "draft-help"
        },
    );
    let head = text_with(
        lang,
        "draft-caption",
        &[("topic", escaped(topic)), ("slides", count(slides.len()))],
    );
    let room = crate::workflow::MAX_CAPTION_CHARS
        .saturating_sub(head.chars().count() + help.chars().count() + 4);
    let per_slide = (room / slides.len().max(1)).max(8);
    let mut list = String::new();
    for (i, slide) in slides.iter().enumerate() {
        let line =
            crate::workflow::fit_html(&escape_html(&slide.title), per_slide.saturating_sub(6));
        list.push_str(&format!("{}. {line}\n", i + 1));
    }
    let list = crate::workflow::fit_html(&list, room);
    crate::workflow::fit_html(
        &format!("{head}\n\n{}\n{help}", list.trim_end()),
        crate::workflow::MAX_CAPTION_CHARS,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown() -> SettingsShown {
        SettingsShown {
            style: Style::Galaxy,
            slides: 10,
            size: SlideSize::Portrait,
            content: ContentChoice::Auto,
            delivery: Delivery::Photos,
            handle: SlideHandle::Username,
        }
    }

    #[test]
    fn english_and_russian_read_exactly_as_before_fluent() {
        assert_eq!(
            carousel_usage(Lang::En),
            "Tell me the topic after the command, for example:\n<code>/carousel Faith and doubt</code>"
        );
        assert_eq!(
            topic_too_long(Lang::Ru, 201, 200),
            "В теме 201 символов, а можно не больше 200. Короткая ясная тема — лучшие слайды."
        );
        assert_eq!(
            question_too_long(Lang::Ru, 1001, 1000),
            "В вопросе 1001 символов, а можно не больше 1000."
        );
        assert_eq!(
            pick_style(Lang::En, "a < b"),
            "Topic: <b>a &lt; b</b>\nPick a style:"
        );
        assert_eq!(style_name(Lang::Ru, Style::Minimal), "⚪ Минимализм");
        assert_eq!(
            rendering(Lang::Ru, "Вера", 3, 10),
            "<b>Вера</b>\n🎨 Рисую 3/10…"
        );
        assert_eq!(
            done(Lang::En, "Faith", 10),
            "<b>Faith</b>\n✅ Done: 10 slides. The PDF is one tap away."
        );
        assert_eq!(
            done(Lang::Ru, "Вера", 10),
            "<b>Вера</b>\n✅ Готово: слайдов — 10. PDF — по кнопке."
        );
        assert_eq!(
            failed(Lang::En, "T", "it <took> too long"),
            "<b>T</b>\n⚠️ Sorry, this carousel could not be made: it &lt;took&gt; too long\nPlease try again later."
        );
        assert_eq!(
            step_failed(Lang::Ru, WorkflowState::Rendering),
            "не удалось нарисовать слайды"
        );
        assert_eq!(
            step_failed(Lang::En, WorkflowState::Done),
            "something went wrong on our side"
        );
        assert_eq!(
            settings(Lang::En, &shown()),
            "<b>Settings</b>\nStyle: galaxy\nSlides: 10\nSize: 1080x1350\nLanguage: English\n\
             Language of the slides: the topic's own\nDelivery: photos\n\
             On the slides: your @username (else your first name)\n\nTap to change:"
        );
        assert_eq!(
            quota_used(
                Lang::En,
                QuotaKind::Ask,
                crate::store::QuotaVerdict::DayUsed,
                crate::app::config::Quota { per_minute: 3, per_day: 20 }
            ),
            "That is all questions (/ask) for today: 20 a day. More tomorrow (the day turns at 00:00 UTC)."
        );
        assert_eq!(
            limits_help(Lang::En, &crate::app::config::LimitSettings::default()),
            "<b>Fair use</b>\nPer person: 30 carousels a day (at most 2 a minute), 50 questions \
             (/ask) and 20 wisdoms a day, 30 PDFs a day. Messages faster than about 30 a minute \
             go unanswered for a while. When many people use the bot at once you may be asked \
             to try again in a minute."
        );
    }

    #[test]
    fn statuses_in_other_locales_keep_the_topic_escaped_and_bold() {
        for lang in Lang::ALL {
            let text = writing(*lang, "<b>x</b> & y");
            assert!(
                text.contains("&lt;b&gt;x&lt;/b&gt; &amp; y"),
                "{lang}: {text}"
            );
            assert!(text.starts_with("<b>"), "{lang}: {text}");
        }
        assert!(done(Lang::Es, "Fe", 10).contains("Listo: 10 diapositivas"));
    }

    #[test]
    fn the_offline_note_names_the_language_written_in_the_readers_language() {
        assert_eq!(
            offline_note(Lang::En, OfflineLang::En),
            "Written offline in English; your topic is kept as you wrote it."
        );
        assert!(offline_note(Lang::Es, OfflineLang::En).contains("inglés"));
        assert!(offline_note(Lang::Ru, OfflineLang::Ru).contains("на русском"));
        assert_eq!(with_note("a".into(), Some("b")), "a\n<i>b</i>");
        assert_eq!(with_note("a".into(), None), "a");
    }
}
