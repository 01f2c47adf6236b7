//! What the workflow says to users, in Russian and English, as Telegram HTML. User text is always
//! escaped before it gets here or in here.
use crate::domain::WorkflowState;
use crate::domain::{Delivery, Lang, SlideHandle, SlideSize, Style};
use teloxide::utils::html::escape as escape_html;

fn pick(lang: Lang, en: &str, ru: &str) -> String {
    match lang {
        Lang::En => en.to_string(),
        Lang::Ru => ru.to_string(),
    }
}

pub fn carousel_usage(lang: Lang) -> String {
    pick(
        lang,
        "Tell me the topic after the command, for example:\n<code>/carousel Faith and doubt</code>",
        "Напишите тему после команды, например:\n<code>/carousel Вера и сомнение</code>",
    )
}

pub fn topic_too_long(lang: Lang, chars: usize, max: usize) -> String {
    match lang {
        Lang::En => format!(
            "That topic is {chars} characters long; please keep it within {max}. A short, clear topic makes better slides."
        ),
        Lang::Ru => format!(
            "В теме {chars} символов, а можно не больше {max}. Короткая ясная тема — лучшие слайды."
        ),
    }
}

pub fn question_too_long(lang: Lang, chars: usize, max: usize) -> String {
    match lang {
        Lang::En => {
            format!("That question is {chars} characters long; please keep it within {max}.")
        }
        Lang::Ru => format!("В вопросе {chars} символов, а можно не больше {max}."),
    }
}

pub fn pick_style(lang: Lang, topic: &str) -> String {
    let topic = escape_html(topic);
    match lang {
        Lang::En => format!("Topic: <b>{topic}</b>\nPick a style:"),
        Lang::Ru => format!("Тема: <b>{topic}</b>\nВыберите стиль:"),
    }
}

pub fn style_name(lang: Lang, style: crate::domain::Style) -> &'static str {
    use crate::domain::Style;
    match (lang, style) {
        (Lang::En, Style::Galaxy) => "🌌 Galaxy",
        (Lang::En, Style::Vibrant) => "🎨 Vibrant",
        (Lang::En, Style::Minimal) => "⚪ Minimal",
        (Lang::Ru, Style::Galaxy) => "🌌 Галактика",
        (Lang::Ru, Style::Vibrant) => "🎨 Яркий",
        (Lang::Ru, Style::Minimal) => "⚪ Минимализм",
    }
}

pub fn cancel_button(lang: Lang) -> String {
    pick(lang, "✖ Cancel", "✖ Отмена")
}

pub fn pdf_button(lang: Lang) -> String {
    pick(lang, "📄 PDF", "📄 PDF")
}

pub fn one_at_a_time(lang: Lang) -> String {
    pick(
        lang,
        "One carousel at a time, please: the current one is still being made. Send /cancel to stop it.",
        "Пожалуйста, по одной карусели: предыдущая ещё готовится. Остановить её — /cancel.",
    )
}

pub fn stale_button(lang: Lang) -> String {
    pick(
        lang,
        "This button is no longer valid. Please start again with /carousel.",
        "Эта кнопка больше не действует. Начните заново: /carousel.",
    )
}

pub fn not_your_request(lang: Lang) -> String {
    pick(
        lang,
        "This request belongs to someone else; send your own /carousel.",
        "Это чужой запрос — отправьте свой /carousel.",
    )
}

pub fn already_started(lang: Lang) -> String {
    pick(lang, "Already on it.", "Уже делаю.")
}

pub fn starting(lang: Lang) -> String {
    pick(lang, "Starting…", "Начинаю…")
}

pub fn writing(lang: Lang, topic: &str) -> String {
    let topic = escape_html(topic);
    match lang {
        Lang::En => format!("<b>{topic}</b>\n✍️ Writing the slides…"),
        Lang::Ru => format!("<b>{topic}</b>\n✍️ Пишу слайды…"),
    }
}

pub fn rendering(lang: Lang, topic: &str, done: usize, total: usize) -> String {
    let topic = escape_html(topic);
    match lang {
        Lang::En => format!("<b>{topic}</b>\n🎨 Rendering {done}/{total}…"),
        Lang::Ru => format!("<b>{topic}</b>\n🎨 Рисую {done}/{total}…"),
    }
}

pub fn sending(lang: Lang, topic: &str) -> String {
    let topic = escape_html(topic);
    match lang {
        Lang::En => format!("<b>{topic}</b>\n📤 Sending…"),
        Lang::Ru => format!("<b>{topic}</b>\n📤 Отправляю…"),
    }
}

pub fn done(lang: Lang, topic: &str, slides: usize) -> String {
    let topic = escape_html(topic);
    match lang {
        Lang::En => format!("<b>{topic}</b>\n✅ Done: {slides} slides. The PDF is one tap away."),
        Lang::Ru => format!("<b>{topic}</b>\n✅ Готово: слайдов — {slides}. PDF — по кнопке."),
    }
}

pub fn caption(topic: &str) -> String {
    super::fit_html(
        &format!("<b>{}</b>", escape_html(topic)),
        super::MAX_CAPTION_CHARS,
    )
}

pub fn failed(lang: Lang, topic: &str, reason: &str) -> String {
    let (topic, reason) = (escape_html(topic), escape_html(reason));
    match lang {
        Lang::En => format!(
            "<b>{topic}</b>\n⚠️ Sorry, this carousel could not be made: {reason}\nPlease try again later."
        ),
        Lang::Ru => format!(
            "<b>{topic}</b>\n⚠️ Простите, карусель не получилась: {reason}\nПопробуйте ещё раз позже."
        ),
    }
}

pub fn timed_out(lang: Lang) -> String {
    pick(lang, "it took too long", "это заняло слишком много времени")
}

pub fn telegram_refused(lang: Lang) -> String {
    pick(
        lang,
        "Telegram did not accept the images",
        "Telegram не принял картинки",
    )
}

pub fn step_failed(lang: Lang, step: WorkflowState) -> String {
    match step {
        WorkflowState::Writing => pick(
            lang,
            "the text could not be written",
            "не удалось написать текст",
        ),
        WorkflowState::Rendering => pick(
            lang,
            "the slides could not be drawn",
            "не удалось нарисовать слайды",
        ),
        WorkflowState::Sending => pick(
            lang,
            "the slides could not be sent",
            "не удалось отправить слайды",
        ),
        WorkflowState::AwaitingStyle
        | WorkflowState::Requested
        | WorkflowState::Done
        | WorkflowState::Failed
        | WorkflowState::Cancelled => internal_error(lang),
    }
}

/// The reason shown when our own code failed.
pub fn internal_error(lang: Lang) -> String {
    pick(
        lang,
        "something went wrong on our side",
        "у нас что-то пошло не так",
    )
}

pub fn cancelled(lang: Lang, topic: &str) -> String {
    let topic = escape_html(topic);
    match lang {
        Lang::En => format!("<b>{topic}</b>\n✖ Cancelled."),
        Lang::Ru => format!("<b>{topic}</b>\n✖ Отменено."),
    }
}

pub fn cancel_accepted(lang: Lang) -> String {
    pick(
        lang,
        "Cancelling: the carousel stops after its current step.",
        "Отменяю: карусель остановится после текущего шага.",
    )
}

pub fn nothing_to_cancel(lang: Lang) -> String {
    pick(
        lang,
        "Nothing to cancel: no carousel is being made.",
        "Отменять нечего: карусель сейчас не готовится.",
    )
}

pub fn ask_usage(lang: Lang) -> String {
    pick(
        lang,
        "Ask after the command, for example:\n<code>/ask What is grace?</code>",
        "Задайте вопрос после команды, например:\n<code>/ask Что такое благодать?</code>",
    )
}

pub fn history_empty(lang: Lang) -> String {
    pick(
        lang,
        "No carousels yet. Make the first one: <code>/carousel topic</code>",
        "Каруселей пока нет. Сделайте первую: <code>/carousel тема</code>",
    )
}

pub fn history_header(lang: Lang) -> String {
    pick(
        lang,
        "<b>Your recent carousels</b> — tap one to make it again:",
        "<b>Ваши последние карусели</b> — нажмите, чтобы сделать снова:",
    )
}

pub fn settings(
    lang: Lang,
    style: Style,
    slides: usize,
    size: SlideSize,
    delivery: Delivery,
    handle: SlideHandle,
) -> String {
    let language = lang.as_str();
    let handle = handle_name(lang, handle);
    match lang {
        Lang::En => format!(
            "<b>Settings</b>\nStyle: {style}\nSlides: {slides}\nSize: {size}\nLanguage: {language}\nDelivery: {delivery}\nOn the slides: {handle}\n\nTap to change:"
        ),
        Lang::Ru => format!(
            "<b>Настройки</b>\nСтиль: {style}\nСлайдов: {slides}\nРазмер: {size}\nЯзык: {language}\nОтправка: {delivery}\nНа слайдах: {handle}\n\nНажмите, чтобы изменить:"
        ),
    }
}

/// What the handle setting puts on the slides, in words.
fn handle_name(lang: Lang, handle: SlideHandle) -> &'static str {
    match (lang, handle) {
        (Lang::En, SlideHandle::Username) => "your @username (else your first name)",
        (Lang::En, SlideHandle::Name) => "your first name",
        (Lang::En, SlideHandle::Nothing) => "no name",
        (Lang::Ru, SlideHandle::Username) => "ваш @username (или имя)",
        (Lang::Ru, SlideHandle::Name) => "ваше имя",
        (Lang::Ru, SlideHandle::Nothing) => "без имени",
    }
}

/// A /settings keyboard pressed by someone other than its owner (in a group).
pub fn not_your_settings(lang: Lang) -> String {
    pick(
        lang,
        "These settings belong to someone else; send /settings for your own.",
        "Это чужие настройки — отправьте /settings, чтобы открыть свои.",
    )
}

pub fn saved(lang: Lang) -> String {
    pick(lang, "Saved.", "Сохранено.")
}

pub fn unavailable(lang: Lang) -> String {
    pick(
        lang,
        "Sorry, something went wrong on our side. Please try again in a minute.",
        "Простите, у нас что-то пошло не так. Попробуйте через минуту.",
    )
}

/// Past the per-user update limit: said at most once per window, never once per update.
pub fn slow_down(lang: Lang) -> String {
    pick(
        lang,
        "You are sending messages faster than I can answer. Please slow down: messages sent in the next minute may go unanswered.",
        "Вы пишете быстрее, чем я успеваю отвечать. Пожалуйста, помедленнее: сообщения в ближайшую минуту могут остаться без ответа.",
    )
}

/// What a quota is called in user terms.
fn quota_subject(lang: Lang, kind: crate::domain::QuotaKind) -> &'static str {
    use crate::domain::QuotaKind;
    match (lang, kind) {
        (Lang::En, QuotaKind::Ask) => "questions (/ask)",
        (Lang::En, QuotaKind::Wisdom) => "wisdoms (/wisdom)",
        (Lang::En, QuotaKind::Carousel) => "carousels",
        (Lang::En, QuotaKind::Pdf) => "PDFs",
        (Lang::Ru, QuotaKind::Ask) => "вопросов (/ask)",
        (Lang::Ru, QuotaKind::Wisdom) => "мудростей (/wisdom)",
        (Lang::Ru, QuotaKind::Carousel) => "каруселей",
        (Lang::Ru, QuotaKind::Pdf) => "PDF",
    }
}

/// A per-user quota is used up, with when it comes back.
pub fn quota_used(
    lang: Lang,
    kind: crate::domain::QuotaKind,
    verdict: crate::store::QuotaVerdict,
    quota: crate::app::config::Quota,
) -> String {
    use crate::store::QuotaVerdict;
    let subject = quota_subject(lang, kind);
    match (lang, verdict) {
        (Lang::En, QuotaVerdict::DayUsed) => format!(
            "That is all {subject} for today: {} a day. More tomorrow (the day turns at 00:00 UTC).",
            quota.per_day
        ),
        (Lang::Ru, QuotaVerdict::DayUsed) => format!(
            "На сегодня лимит {subject} исчерпан: {} в день. Завтра можно снова (сутки сменяются в 00:00 UTC).",
            quota.per_day
        ),
        (Lang::En, _) => format!(
            "Too many {subject} in a minute (at most {}). Try again in a minute.",
            quota.per_minute
        ),
        (Lang::Ru, _) => format!(
            "Слишком много {subject} за минуту (не больше {}). Попробуйте через минуту.",
            quota.per_minute
        ),
    }
}

/// Every place for model calls or renders is taken and the queue is full.
pub fn busy(lang: Lang) -> String {
    pick(
        lang,
        "I am very busy right now. Please try again in a minute.",
        "Сейчас я очень загружен. Пожалуйста, попробуйте через минуту.",
    )
}

/// A private bot (`ALLOWED_USER_IDS`) to someone not on its list: said once.
pub fn not_allowed(lang: Lang) -> String {
    pick(
        lang,
        "Sorry, this bot is private and serves only its members.",
        "Извините, это частный бот: он отвечает только своим участникам.",
    )
}

/// The limits in `/help`, in terms users understand.
pub fn limits_help(lang: Lang, limits: &crate::app::config::LimitSettings) -> String {
    let (c, a, w, p) = (limits.carousel, limits.ask, limits.wisdom, limits.pdf);
    match lang {
        Lang::En => format!(
            "<b>Fair use</b>\nPer person: {} carousels a day (at most {} a minute), {} questions \
             (/ask) and {} wisdoms a day, {} PDFs a day. Messages faster than about {} a minute \
             go unanswered for a while. When many people use the bot at once you may be asked \
             to try again in a minute.",
            c.per_day, c.per_minute, a.per_day, w.per_day, p.per_day, limits.user_per_minute
        ),
        Lang::Ru => format!(
            "<b>Честное использование</b>\nНа человека: {} каруселей в день (не больше {} в \
             минуту), {} вопросов (/ask) и {} мудростей в день, {} PDF в день. Если писать \
             чаще примерно {} сообщений в минуту, часть останется без ответа. Когда ботом \
             пользуются многие сразу, он может попросить повторить через минуту.",
            c.per_day, c.per_minute, a.per_day, w.per_day, p.per_day, limits.user_per_minute
        ),
    }
}
