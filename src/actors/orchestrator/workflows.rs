//! The durable carousel workflow and the commands around it (`/carousel`, `/cancel`, `/wisdom`,
//! `/ask`, `/history`, `/settings`, and their buttons).
//!
//! Every request is a row in `workflows` before anything else happens; each step's output is
//! written there before the next step starts (the slides after writing; the images are re-rendered
//! identically from them), and each album part goes through the `workflow_sends` outbox. A
//! restarted process resumes every running workflow from its last completed step without asking
//! the model again. Button data names the persisted workflow, never process memory.
use super::OrchestratorLinks;
use crate::config::WorkflowSettings;
use crate::domain::{
    ImageFormat, Lang, Slide, SlideSize, Style, DEFAULT_SLIDES, MAX_SLIDES, MIN_SLIDES,
};
use crate::error::{AppError, AppResult};
use crate::messages::ai::{ContentKind, ContentRequested, WrittenBody};
use crate::messages::carousel::{RenderedCarousel, RenderedImage, SlidesGenerated};
use crate::messages::data::CarouselSaved;
use crate::messages::telegram::{CallbackPressed, CommandExecuted};
use crate::messages::workflow::{Completed, Started, StepCompleted};
use crate::messages::Envelope;
use crate::store::{now_utc, SendStatus, Store, UserSettings, Workflow, WorkflowState};
use crate::telegram::courier::{Courier, OutgoingFile};
use crate::telegram::{escape_html, replies};
use crate::workflow::{self, retry_step, texts, Callback, RetryPolicy, SettingField, TopicProblem};
use futures::FutureExt;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};
use tokio::sync::watch;
use tracing::Instrument;
use uuid::Uuid;

/// Telegram's limit for one message, in characters.
const MAX_MESSAGE_CHARS: usize = 4096;
/// Carousels listed by `/history`.
const HISTORY_LENGTH: i64 = 5;

pub struct Workflows {
    store: Store,
    courier: Option<Courier>,
    links: OrchestratorLinks,
    settings: WorkflowSettings,
    policy: RetryPolicy,
    /// Workflows with a runner in this process: a resume never starts a second one.
    running: Mutex<HashSet<String>>,
    /// Serialises "is this user under the limit? then start" so two presses cannot both pass.
    claims: tokio::sync::Mutex<()>,
}

/// A user's settings, with defaults for whatever is unset or unreadable.
#[derive(Debug, Clone)]
struct Prefs {
    lang: Lang,
    slides: usize,
    size: SlideSize,
    row: UserSettings,
}

impl Prefs {
    fn from_row(row: UserSettings, language_code: Option<&str>) -> Prefs {
        Prefs {
            lang: row
                .lang
                .as_deref()
                .and_then(|l| l.parse().ok())
                .unwrap_or_else(|| Lang::from_language_code(language_code)),
            slides: usize::try_from(row.slides)
                .ok()
                .filter(|n| (MIN_SLIDES..=MAX_SLIDES).contains(n))
                .unwrap_or(DEFAULT_SLIDES),
            size: row.size.parse().unwrap_or_default(),
            row,
        }
    }
}

/// The text (HTML) and keyboard a status message should show.
type StatusView = Option<(String, Option<InlineKeyboardMarkup>)>;

/// A workflow's status message, edited in the background at most about once per interval:
/// the workflow never waits for an edit, and only the latest text is shown.
struct StatusMessage {
    latest: Option<watch::Sender<StatusView>>,
    editor: Option<tokio::task::JoinHandle<()>>,
}

impl StatusMessage {
    fn show(&self, html: String, keyboard: Option<InlineKeyboardMarkup>) {
        if let Some(latest) = &self.latest {
            latest.send_replace(Some((html, keyboard)));
        }
    }

    /// Shows the last text set and waits for the editor to finish.
    async fn close(mut self) {
        drop(self.latest.take());
        if let Some(editor) = self.editor.take() {
            let _ = editor.await;
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

/// The style buttons, the user's default style (from /settings) first and starred.
fn style_keyboard(lang: Lang, workflow: Uuid, default: Style) -> InlineKeyboardMarkup {
    let mut order = Style::ALL.to_vec();
    order.sort_by_key(|style| *style != default);
    let styles = order
        .iter()
        .map(|style| {
            let name = texts::style_name(lang, *style);
            let label = if *style == default {
                format!("★ {name}")
            } else {
                name.to_string()
            };
            InlineKeyboardButton::callback(
                label,
                Callback::Style {
                    style: *style,
                    workflow,
                }
                .data(),
            )
        })
        .collect();
    InlineKeyboardMarkup::new(vec![styles, vec![cancel_button(lang, workflow)]])
}

fn cancel_button(lang: Lang, workflow: Uuid) -> InlineKeyboardButton {
    InlineKeyboardButton::callback(
        texts::cancel_button(lang),
        Callback::Cancel { workflow }.data(),
    )
}

fn cancel_keyboard(lang: Lang, workflow: Uuid) -> Option<InlineKeyboardMarkup> {
    Some(InlineKeyboardMarkup::new(vec![vec![cancel_button(
        lang, workflow,
    )]]))
}

fn settings_view(prefs: &Prefs) -> (String, InlineKeyboardMarkup) {
    let row = &prefs.row;
    let lang = prefs.lang;
    let text = texts::settings(
        lang,
        &row.style,
        row.slides,
        &row.size,
        lang.as_str(),
        &row.delivery,
    );
    let slides = prefs.slides.to_string();
    let rows = SettingField::ALL
        .iter()
        .map(|field| {
            let current = match field {
                SettingField::Style => row.style.as_str(),
                SettingField::Slides => slides.as_str(),
                SettingField::Size => row.size.as_str(),
                SettingField::Lang => lang.as_str(),
                SettingField::Delivery => row.delivery.as_str(),
            };
            field
                .choices()
                .iter()
                .map(|value| {
                    let label = if *value == current {
                        format!("✓ {value}")
                    } else {
                        (*value).to_string()
                    };
                    let data = Callback::Set {
                        field: *field,
                        value: (*value).to_string(),
                    }
                    .data();
                    InlineKeyboardButton::callback(label, data)
                })
                .collect()
        })
        .collect::<Vec<Vec<_>>>();
    (text, InlineKeyboardMarkup::new(rows))
}

/// A new workflow row. One started straight away (`requested`) gets its deadline now.
#[allow(clippy::too_many_arguments)]
fn new_workflow(
    id: Uuid,
    user: i64,
    chat: i64,
    request_message: Option<i32>,
    topic: String,
    prefs: &Prefs,
    style: Option<&str>,
    timeout: Duration,
) -> Workflow {
    let now = now_utc();
    let state = if style.is_some() {
        WorkflowState::REQUESTED
    } else {
        WorkflowState::AWAITING_STYLE
    };
    Workflow {
        id: id.to_string(),
        correlation_id: id.to_string(),
        user_id: user,
        chat_id: chat,
        request_message_id: request_message,
        status_message_id: None,
        topic,
        lang: prefs.lang.to_string(),
        style: style.map(str::to_string),
        slides: i32::try_from(prefs.slides).unwrap_or(DEFAULT_SLIDES as i32),
        size: prefs.size.to_string(),
        delivery: prefs.row.delivery.clone(),
        state: state.to_string(),
        slides_json: None,
        content_source: None,
        error: None,
        cancel_requested: false,
        created_at: now,
        updated_at: now,
        deadline_at: style.map(|_| deadline_after(now, timeout)),
    }
}

fn deadline_after(now: chrono::NaiveDateTime, timeout: Duration) -> chrono::NaiveDateTime {
    now + chrono::Duration::from_std(timeout).unwrap_or(chrono::Duration::minutes(5))
}

fn slides_of(wf: &Workflow) -> AppResult<Vec<Slide>> {
    let json = wf
        .slides_json
        .as_deref()
        .ok_or_else(|| AppError::internal("reading the written slides", "none were stored"))?;
    serde_json::from_str(json).map_err(|e| AppError::internal("reading the written slides", e))
}

fn uuid_of(id: &str) -> Uuid {
    Uuid::parse_str(id).unwrap_or_default()
}

fn elapsed_ms(since: Instant) -> u64 {
    u64::try_from(since.elapsed().as_millis()).unwrap_or(u64::MAX)
}

impl Workflows {
    pub fn new(
        store: Store,
        courier: Option<Courier>,
        links: OrchestratorLinks,
        settings: WorkflowSettings,
    ) -> Workflows {
        Workflows {
            policy: RetryPolicy::from_settings(&settings),
            store,
            courier,
            links,
            settings,
            running: Mutex::default(),
            claims: tokio::sync::Mutex::default(),
        }
    }

    fn timeout(&self) -> Duration {
        Duration::from_secs(self.settings.timeout_secs.max(1))
    }

    async fn prefs(&self, user: i64, language_code: Option<&str>) -> AppResult<Prefs> {
        let row = self
            .store
            .settings_of(user)
            .await?
            .unwrap_or_else(|| UserSettings::defaults_for(user, now_utc()));
        Ok(Prefs::from_row(row, language_code))
    }

    async fn at_limit(&self, user: i64) -> AppResult<bool> {
        let running = self.store.running_workflows_of(user).await?;
        Ok(running >= i64::try_from(self.settings.max_running_per_user.max(1)).unwrap_or(1))
    }

    /// Sends a message; failures are logged (the courier has already retried).
    async fn say(
        &self,
        chat: i64,
        reply: Option<i32>,
        html: &str,
        keyboard: Option<InlineKeyboardMarkup>,
    ) -> Option<i32> {
        let Some(courier) = &self.courier else {
            tracing::warn!(chat, "no TELEGRAM_BOT_TOKEN: a reply was not sent");
            return None;
        };
        match courier.send_html(chat, html, reply, keyboard).await {
            Ok(id) => Some(id),
            Err(e) => {
                tracing::warn!(chat, error = %e, "reply not sent");
                None
            }
        }
    }

    async fn answer(&self, query: &str, text: &str) {
        if let Some(courier) = &self.courier {
            if let Err(e) = courier.answer_callback(query, text).await {
                tracing::warn!(error = %e, "button press not answered");
            }
        }
    }

    async fn edit(
        &self,
        chat: i64,
        message: i32,
        html: &str,
        keyboard: Option<InlineKeyboardMarkup>,
    ) {
        if let Some(courier) = &self.courier {
            if let Err(e) = courier.edit_html(chat, message, html, keyboard).await {
                tracing::warn!(chat, error = %e, "message not edited");
            }
        }
    }

    // ---- commands ---------------------------------------------------------------------------

    pub async fn command(self: Arc<Self>, env: Envelope<CommandExecuted>) -> AppResult<()> {
        let c = &env.payload;
        let Some(user) = c.user_id else {
            return Ok(());
        };
        let (chat, reply) = (c.chat_id, c.message_id);
        let prefs = self.prefs(user, c.language_code.as_deref()).await?;
        let lang = prefs.lang;
        let first_name = c.first_name.as_deref().unwrap_or_default();
        if let Some(html) =
            replies::command_reply(&c.command, lang, first_name, Some(user), Some(chat))
        {
            self.say(chat, None, &html, None).await;
            return Ok(());
        }
        match c.command.as_str() {
            "carousel" => self.request_carousel(&env, user, &prefs).await,
            "cancel" => self.cancel_all(user, chat, reply, lang).await,
            "wisdom" => {
                let today = chrono::Utc::now().date_naive();
                self.write_text(&env, ContentKind::Wisdom { date: today }, lang)
                    .await
            }
            "ask" => match workflow::clean_text(&c.args, workflow::MAX_QUESTION_CHARS) {
                Ok(question) => {
                    self.write_text(&env, ContentKind::Answer { question }, lang)
                        .await
                }
                Err(TopicProblem::Empty) => {
                    self.say(chat, reply, &texts::ask_usage(lang), None).await;
                    Ok(())
                }
                Err(TopicProblem::TooLong { chars }) => {
                    let text = texts::topic_too_long(lang, chars, workflow::MAX_QUESTION_CHARS);
                    self.say(chat, reply, &text, None).await;
                    Ok(())
                }
            },
            "history" => self.history(chat, reply, user, lang).await,
            _ => {
                let (text, keyboard) = settings_view(&prefs);
                self.say(chat, reply, &text, Some(keyboard)).await;
                Ok(())
            }
        }
    }

    /// `/carousel <topic>`: checks the topic, persists the request, offers the styles.
    async fn request_carousel(
        &self,
        env: &Envelope<CommandExecuted>,
        user: i64,
        prefs: &Prefs,
    ) -> AppResult<()> {
        let c = &env.payload;
        let lang = prefs.lang;
        let topic = match workflow::clean_topic(&c.args) {
            Ok(topic) => topic,
            Err(TopicProblem::Empty) => {
                self.say(c.chat_id, c.message_id, &texts::carousel_usage(lang), None)
                    .await;
                return Ok(());
            }
            Err(TopicProblem::TooLong { chars }) => {
                let text = texts::topic_too_long(lang, chars, workflow::MAX_TOPIC_CHARS);
                self.say(c.chat_id, c.message_id, &text, None).await;
                return Ok(());
            }
        };
        // The update's correlation id is stable across redeliveries: one request, one row.
        let id = env.correlation_id;
        let wf = match self.store.workflow(&id.to_string()).await? {
            Some(existing) => existing,
            None => {
                if self.at_limit(user).await? {
                    self.say(c.chat_id, c.message_id, &texts::one_at_a_time(lang), None)
                        .await;
                    return Ok(());
                }
                let wf = new_workflow(
                    id,
                    user,
                    c.chat_id,
                    c.message_id,
                    topic,
                    prefs,
                    None,
                    self.timeout(),
                );
                self.store.create_workflow(&wf).await?;
                wf
            }
        };
        if wf.status_message_id.is_some() || wf.state != WorkflowState::AWAITING_STYLE {
            return Ok(());
        }
        let offer = texts::pick_style(lang, &wf.topic);
        if let Some(message) = self
            .say(
                c.chat_id,
                c.message_id,
                &offer,
                Some(style_keyboard(
                    lang,
                    id,
                    prefs.row.style.parse().unwrap_or_default(),
                )),
            )
            .await
        {
            self.store.set_status_message(&wf.id, message).await?;
        }
        Ok(())
    }

    async fn write_text(
        &self,
        env: &Envelope<CommandExecuted>,
        kind: ContentKind,
        lang: Lang,
    ) -> AppResult<()> {
        let c = &env.payload;
        let request = ContentRequested {
            request_id: Uuid::now_v7(),
            lang,
            kind,
        };
        let written = self
            .links
            .writer
            .ask(env.caused("orchestrator", request))
            .await??;
        let WrittenBody::Text(text) = written.body else {
            return Err(AppError::internal(
                "writing an answer",
                "the writer answered slides",
            ));
        };
        let html = workflow::fit_html(&escape_html(&text), MAX_MESSAGE_CHARS);
        self.say(c.chat_id, c.message_id, &html, None).await;
        Ok(())
    }

    async fn history(&self, chat: i64, reply: Option<i32>, user: i64, lang: Lang) -> AppResult<()> {
        let rows = self.store.carousels_of(user, HISTORY_LENGTH).await?;
        let buttons: Vec<Vec<InlineKeyboardButton>> = rows
            .iter()
            .filter_map(|row| {
                let workflow = Uuid::parse_str(&row.id).ok()?;
                let topic: String = row.topic.chars().take(40).collect();
                let label = format!("↻ {topic} · {}", row.style);
                Some(vec![InlineKeyboardButton::callback(
                    label,
                    Callback::Again { workflow }.data(),
                )])
            })
            .collect();
        if buttons.is_empty() {
            self.say(chat, reply, &texts::history_empty(lang), None)
                .await;
        } else {
            let keyboard = InlineKeyboardMarkup::new(buttons);
            self.say(chat, reply, &texts::history_header(lang), Some(keyboard))
                .await;
        }
        Ok(())
    }

    async fn cancel_all(
        &self,
        user: i64,
        chat: i64,
        reply: Option<i32>,
        lang: Lang,
    ) -> AppResult<()> {
        let mine = self.store.cancellable_workflows_of(user).await?;
        if mine.is_empty() {
            self.say(chat, reply, &texts::nothing_to_cancel(lang), None)
                .await;
            return Ok(());
        }
        for wf in &mine {
            self.cancel_one(wf, lang).await?;
        }
        self.say(chat, reply, &texts::cancel_accepted(lang), None)
            .await;
        Ok(())
    }

    /// A workflow still waiting for its style ends at once; a running one stops at its next step.
    async fn cancel_one(&self, wf: &Workflow, lang: Lang) -> AppResult<()> {
        if wf.state == WorkflowState::AWAITING_STYLE {
            if self
                .store
                .finish_workflow(&wf.id, WorkflowState::CANCELLED, None)
                .await?
            {
                if let Some(message) = wf.status_message_id {
                    self.edit(
                        wf.chat_id,
                        message,
                        &texts::cancelled(lang, &wf.topic),
                        None,
                    )
                    .await;
                }
            }
            return Ok(());
        }
        self.store.request_cancel(&wf.id).await
    }

    // ---- buttons ----------------------------------------------------------------------------

    pub async fn callback(self: Arc<Self>, env: Envelope<CallbackPressed>) -> AppResult<()> {
        let q = &env.payload;
        let prefs = self.prefs(q.user_id, q.language_code.as_deref()).await?;
        let lang = prefs.lang;
        let Some(callback) = Callback::parse(&q.data) else {
            tracing::info!(data = %q.data, "unknown button data");
            return self.stale(q, lang).await;
        };
        match callback {
            Callback::Style { style, workflow } => {
                self.choose_style(q, lang, style, workflow).await
            }
            Callback::Cancel { workflow } => {
                let Some(wf) = self.own_workflow(q, lang, workflow).await? else {
                    return Ok(());
                };
                self.cancel_one(&wf, lang).await?;
                self.answer(&q.query_id, &texts::cancel_accepted(lang))
                    .await;
                Ok(())
            }
            Callback::Pdf { workflow } => self.send_pdf(&env, lang, workflow).await,
            Callback::Again { workflow } => self.again(&env, &prefs, workflow).await,
            Callback::Set { field, value } => self.change_setting(q, prefs, field, &value).await,
        }
    }

    /// Stale, unknown or tampered buttons: an answer to the press and a message, never silence.
    async fn stale(&self, q: &CallbackPressed, lang: Lang) -> AppResult<()> {
        let text = texts::stale_button(lang);
        self.answer(&q.query_id, &text).await;
        self.say(q.chat_id.unwrap_or(q.user_id), None, &text, None)
            .await;
        Ok(())
    }

    /// The workflow a button names, when it exists, is this user's and is not finished;
    /// otherwise the press is answered here and `None` returned.
    async fn own_workflow(
        &self,
        q: &CallbackPressed,
        lang: Lang,
        workflow: Uuid,
    ) -> AppResult<Option<Workflow>> {
        let Some(wf) = self.store.workflow(&workflow.to_string()).await? else {
            self.stale(q, lang).await?;
            return Ok(None);
        };
        if wf.user_id != q.user_id {
            self.answer(&q.query_id, &texts::not_your_request(lang))
                .await;
            return Ok(None);
        }
        if WorkflowState::is_final(&wf.state) {
            self.stale(q, lang).await?;
            return Ok(None);
        }
        Ok(Some(wf))
    }

    async fn choose_style(
        self: Arc<Self>,
        q: &CallbackPressed,
        lang: Lang,
        style: Style,
        workflow: Uuid,
    ) -> AppResult<()> {
        let Some(wf) = self.own_workflow(q, lang, workflow).await? else {
            return Ok(());
        };
        if wf.state != WorkflowState::AWAITING_STYLE || wf.cancel_requested {
            self.answer(&q.query_id, &texts::already_started(lang))
                .await;
            return Ok(());
        }
        {
            let _claim = self.claims.lock().await;
            if self.at_limit(wf.user_id).await? {
                let text = texts::one_at_a_time(lang);
                self.answer(&q.query_id, &text).await;
                self.say(wf.chat_id, wf.request_message_id, &text, None)
                    .await;
                return Ok(());
            }
            let deadline = deadline_after(now_utc(), self.timeout());
            if !self
                .store
                .claim_style(&wf.id, style.as_str(), deadline)
                .await?
            {
                self.answer(&q.query_id, &texts::already_started(lang))
                    .await;
                return Ok(());
            }
        }
        self.clone().spawn(wf.id);
        self.answer(&q.query_id, &texts::starting(lang)).await;
        Ok(())
    }

    /// `again:<id>` from /history: the same topic and style as a new workflow.
    async fn again(
        self: Arc<Self>,
        env: &Envelope<CallbackPressed>,
        prefs: &Prefs,
        workflow: Uuid,
    ) -> AppResult<()> {
        let q = &env.payload;
        let lang = prefs.lang;
        let Some(row) = self.store.carousel(&workflow.to_string()).await? else {
            return self.stale(q, lang).await;
        };
        if row.user_id != Some(q.user_id) {
            self.answer(&q.query_id, &texts::not_your_request(lang))
                .await;
            return Ok(());
        }
        let id = env.correlation_id;
        if self.store.workflow(&id.to_string()).await?.is_some() {
            self.answer(&q.query_id, &texts::already_started(lang))
                .await;
            return Ok(());
        }
        let chat = q.chat_id.unwrap_or(q.user_id);
        let mut prefs = prefs.clone();
        prefs.slides = usize::try_from(row.slides).unwrap_or(DEFAULT_SLIDES);
        let wf = {
            let _claim = self.claims.lock().await;
            if self.at_limit(q.user_id).await? {
                let text = texts::one_at_a_time(lang);
                self.answer(&q.query_id, &text).await;
                self.say(chat, None, &text, None).await;
                return Ok(());
            }
            let wf = new_workflow(
                id,
                q.user_id,
                chat,
                None,
                row.topic.clone(),
                &prefs,
                Some(&row.style),
                self.timeout(),
            );
            if !self.store.create_workflow(&wf).await? {
                return Ok(());
            }
            wf
        };
        let status = texts::writing(lang, &wf.topic);
        if let Some(message) = self
            .say(chat, None, &status, cancel_keyboard(lang, id))
            .await
        {
            self.store.set_status_message(&wf.id, message).await?;
        }
        self.clone().spawn(wf.id);
        self.answer(&q.query_id, &texts::starting(lang)).await;
        Ok(())
    }

    async fn send_pdf(
        &self,
        env: &Envelope<CallbackPressed>,
        lang: Lang,
        workflow: Uuid,
    ) -> AppResult<()> {
        let q = &env.payload;
        let wf = match self.store.workflow(&workflow.to_string()).await? {
            Some(wf) if wf.state == WorkflowState::DONE && wf.user_id == q.user_id => wf,
            Some(wf) if wf.user_id != q.user_id => {
                self.answer(&q.query_id, &texts::not_your_request(lang))
                    .await;
                return Ok(());
            }
            _ => return self.stale(q, lang).await,
        };
        self.answer(&q.query_id, "PDF…").await;
        let slides = slides_of(&wf)?;
        let request = SlidesGenerated {
            request_id: workflow,
            slides,
            style: wf
                .style
                .as_deref()
                .and_then(|s| s.parse().ok())
                .unwrap_or_default(),
            size: wf.size.parse().unwrap_or_default(),
            format: ImageFormat::Png,
            pdf: true,
            only: None,
        };
        let rendered = retry_step("rendering", &self.policy, || {
            self.render_call(env, request.clone())
        })
        .await?;
        let pdf = rendered
            .pdf
            .ok_or_else(|| AppError::internal("making the PDF", "the renderer made none"))?;
        let Some(courier) = &self.courier else {
            return Ok(());
        };
        let file = OutgoingFile {
            name: "carousel.pdf".into(),
            bytes: pdf.into(),
        };
        let caption = texts::caption(&wf.topic);
        courier
            .send_album(
                wf.chat_id,
                wf.status_message_id,
                &[file],
                Some(&caption),
                true,
            )
            .await?;
        Ok(())
    }

    async fn change_setting(
        &self,
        q: &CallbackPressed,
        prefs: Prefs,
        field: SettingField,
        value: &str,
    ) -> AppResult<()> {
        let mut row = prefs.row;
        match field {
            SettingField::Style => row.style = value.to_string(),
            SettingField::Slides => row.slides = value.parse().unwrap_or(DEFAULT_SLIDES as i32),
            SettingField::Size => row.size = value.to_string(),
            SettingField::Lang => row.lang = Some(value.to_string()),
            SettingField::Delivery => row.delivery = value.to_string(),
        }
        row.updated_at = now_utc();
        self.store.save_settings(&row).await?;
        let prefs = Prefs::from_row(row, q.language_code.as_deref());
        self.answer(&q.query_id, &texts::saved(prefs.lang)).await;
        if let (Some(chat), Some(message)) = (q.chat_id, q.message_id) {
            let (text, keyboard) = settings_view(&prefs);
            self.edit(chat, message, &text, Some(keyboard)).await;
        }
        Ok(())
    }

    // ---- the workflow runner ----------------------------------------------------------------

    /// Picks up every workflow a previous process left running.
    pub async fn resume(self: Arc<Self>) -> AppResult<usize> {
        let unfinished = self.store.unfinished_workflows().await?;
        for wf in &unfinished {
            tracing::info!(workflow_id = %wf.id, state = %wf.state, "resuming workflow");
            self.clone().spawn(wf.id.clone());
        }
        Ok(unfinished.len())
    }

    fn spawn(self: Arc<Self>, id: String) {
        actix_rt::spawn(self.run(id));
    }

    /// Runs one workflow to its end. A store outage pauses it (it resumes when the store
    /// answers, or at the next start); a panic ends it as failed, so the user is not left waiting.
    async fn run(self: Arc<Self>, id: String) {
        if !lock(&self.running).insert(id.clone()) {
            return;
        }
        loop {
            let outcome = std::panic::AssertUnwindSafe(self.drive(&id))
                .catch_unwind()
                .await;
            let reason = match outcome {
                Ok(Ok(())) => break,
                Ok(Err(e)) if e.is_store_outage() => {
                    tracing::warn!(workflow_id = %id, error = %e, "store unavailable; the workflow waits");
                    tokio::time::sleep(self.policy.max_delay).await;
                    continue;
                }
                Ok(Err(e)) => e.to_string(),
                Err(_) => "the workflow panicked".to_string(),
            };
            tracing::error!(workflow_id = %id, reason, "workflow stopped by an internal error");
            if let Ok(Some(wf)) = self.store.workflow(&id).await {
                let lang = wf.lang.parse().unwrap_or_default();
                let status = StatusMessage {
                    latest: None,
                    editor: None,
                };
                let _ = self
                    .fail(&wf, lang, &status, &texts::unavailable(lang), &reason)
                    .await;
            }
            break;
        }
        lock(&self.running).remove(&id);
    }

    async fn drive(&self, id: &str) -> AppResult<()> {
        let Some(first) = self.store.workflow(id).await? else {
            return Ok(());
        };
        let span = tracing::info_span!("workflow", correlation_id = %first.correlation_id, workflow_id = %id);
        async move {
            let lang: Lang = first.lang.parse().unwrap_or_default();
            let workflow_id = uuid_of(&first.id);
            let root = Envelope::correlated(
                "orchestrator",
                uuid_of(&first.correlation_id),
                Started {
                    workflow_id,
                    kind: "carousel".into(),
                },
            );
            let status = self.status_message(&first);
            let mut images = None;
            let result = loop {
                let Some(wf) = self.store.workflow(id).await? else {
                    break Ok(());
                };
                if WorkflowState::is_final(&wf.state) {
                    break Ok(());
                }
                if wf.cancel_requested {
                    if self.store.finish_workflow(id, WorkflowState::CANCELLED, None).await? {
                        status.show(texts::cancelled(lang, &wf.topic), None);
                        self.completed(&root, "cancelled");
                        tracing::info!("workflow cancelled");
                    }
                    break Ok(());
                }
                let deadline = wf.deadline_at.unwrap_or_else(|| deadline_after(wf.created_at, self.timeout()));
                let remaining = (deadline - now_utc()).to_std().unwrap_or(Duration::ZERO);
                if remaining.is_zero() {
                    break self.fail(&wf, lang, &status, &texts::timed_out(lang), "timed out").await;
                }
                let step = wf.state.clone();
                match tokio::time::timeout(remaining, self.step(&root, &wf, lang, &status, &mut images)).await {
                    Ok(Ok(())) => {}
                    Ok(Err(e)) if e.is_store_outage() => break Err(e),
                    Ok(Err(e)) => {
                        let telegram_refused = matches!(&e, AppError::BadRequest(reason) if reason.starts_with("Telegram refused"));
                        let shown = if telegram_refused {
                            texts::telegram_refused(lang)
                        } else {
                            texts::step_failed(lang, &step)
                        };
                        break self.fail(&wf, lang, &status, &shown, &format!("{step}: {e}")).await;
                    }
                    Err(_) => {
                        break self.fail(&wf, lang, &status, &texts::timed_out(lang), "timed out").await;
                    }
                }
            };
            status.close().await;
            result
        }
        .instrument(span)
        .await
    }

    /// One step of a workflow in state `wf.state`; its output is stored before it returns.
    async fn step(
        &self,
        root: &Envelope<Started>,
        wf: &Workflow,
        lang: Lang,
        status: &StatusMessage,
        images: &mut Option<Vec<RenderedImage>>,
    ) -> AppResult<()> {
        let started = Instant::now();
        let workflow = uuid_of(&wf.id);
        match wf.state.as_str() {
            WorkflowState::REQUESTED => {
                let _ = self.links.started.tell(root.clone());
                self.store
                    .advance_workflow(&wf.id, WorkflowState::REQUESTED, WorkflowState::WRITING)
                    .await?;
            }
            WorkflowState::WRITING => {
                status.show(
                    texts::writing(lang, &wf.topic),
                    cancel_keyboard(lang, workflow),
                );
                let request = ContentRequested {
                    request_id: workflow,
                    lang,
                    kind: ContentKind::Carousel {
                        topic: wf.topic.clone(),
                        slides: usize::try_from(wf.slides).unwrap_or(DEFAULT_SLIDES),
                    },
                };
                let written = retry_step("writing", &self.policy, || {
                    let env = root.caused("orchestrator", request.clone());
                    let writer = self.links.writer.clone();
                    async move { writer.ask(env).await.and_then(|written| written) }
                })
                .await?;
                let WrittenBody::Slides(slides) = written.body else {
                    return Err(AppError::internal(
                        "writing slides",
                        "the writer answered text instead of slides",
                    ));
                };
                let json = serde_json::to_string(&slides)
                    .map_err(|e| AppError::internal("storing the slides", e))?;
                self.store
                    .save_written(&wf.id, &json, &written.source)
                    .await?;
                self.step_done(root, "writing", started);
            }
            WorkflowState::RENDERING => {
                let slides = slides_of(wf)?;
                *images = Some(self.render(root, wf, &slides, lang, status).await?);
                self.store
                    .advance_workflow(&wf.id, WorkflowState::RENDERING, WorkflowState::SENDING)
                    .await?;
                self.step_done(root, "rendering", started);
            }
            WorkflowState::SENDING => {
                let slides = slides_of(wf)?;
                // After a restart the images are drawn again from the stored slides (identically).
                let rendered = match images.take() {
                    Some(rendered) => rendered,
                    None => self.render(root, wf, &slides, lang, status).await?,
                };
                status.show(texts::sending(lang, &wf.topic), None);
                let count = rendered.len();
                self.deliver(wf, rendered).await?;
                let saved = root.caused(
                    "orchestrator",
                    CarouselSaved {
                        request_id: workflow,
                        user_id: Some(wf.user_id),
                        topic: wf.topic.clone(),
                        slides: count,
                        style: wf.style.clone().unwrap_or_default(),
                        content_source: wf.content_source.clone().unwrap_or_default(),
                    },
                );
                if let Err(e) = self.links.saved.ask(saved).await.and_then(|saved| saved) {
                    tracing::warn!(error = %e, "carousel delivered but not recorded in history");
                }
                self.store
                    .finish_workflow(&wf.id, WorkflowState::DONE, None)
                    .await?;
                let pdf = InlineKeyboardMarkup::new(vec![vec![InlineKeyboardButton::callback(
                    texts::pdf_button(lang),
                    Callback::Pdf { workflow }.data(),
                )]]);
                status.show(texts::done(lang, &wf.topic, count), Some(pdf));
                self.step_done(root, "sending", started);
                self.completed(root, "done");
                tracing::info!(slides = count, "carousel delivered");
            }
            _ => {}
        }
        Ok(())
    }

    fn step_done(&self, root: &Envelope<Started>, step: &str, started: Instant) {
        let _ = self.links.steps.tell(root.caused(
            "orchestrator",
            StepCompleted {
                workflow_id: root.payload.workflow_id,
                step: step.to_string(),
                elapsed_ms: elapsed_ms(started),
            },
        ));
    }

    fn completed(&self, root: &Envelope<Started>, outcome: &str) {
        let _ = self.links.completed.tell(root.caused(
            "orchestrator",
            Completed {
                workflow_id: root.payload.workflow_id,
                outcome: outcome.to_string(),
            },
        ));
    }

    /// Ends a workflow as failed: stored with the reason, the status shows it, the user is told.
    async fn fail(
        &self,
        wf: &Workflow,
        lang: Lang,
        status: &StatusMessage,
        shown: &str,
        reason: &str,
    ) -> AppResult<()> {
        tracing::error!(reason, "workflow failed");
        if !self
            .store
            .finish_workflow(&wf.id, WorkflowState::FAILED, Some(reason))
            .await?
        {
            return Ok(());
        }
        let text = texts::failed(lang, &wf.topic, shown);
        status.show(text.clone(), None);
        self.say(wf.chat_id, wf.request_message_id, &text, None)
            .await;
        let _ = self.links.completed.tell(Envelope::correlated(
            "orchestrator",
            uuid_of(&wf.correlation_id),
            Completed {
                workflow_id: uuid_of(&wf.id),
                outcome: format!("failed: {reason}"),
            },
        ));
        Ok(())
    }

    fn render_call<T: crate::messages::Event>(
        &self,
        cause: &Envelope<T>,
        request: SlidesGenerated,
    ) -> impl std::future::Future<Output = AppResult<RenderedCarousel>> + 'static {
        let env = cause.caused("orchestrator", request);
        let renderer = self.links.renderer.clone();
        async move { renderer.ask(env).await.and_then(|rendered| rendered) }
    }

    /// Draws the slides a few at a time, showing the progress between batches.
    async fn render(
        &self,
        root: &Envelope<Started>,
        wf: &Workflow,
        slides: &[Slide],
        lang: Lang,
        status: &StatusMessage,
    ) -> AppResult<Vec<RenderedImage>> {
        let total = slides.len();
        let workflow = uuid_of(&wf.id);
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let mut images = Vec::with_capacity(total);
        status.show(
            texts::rendering(lang, &wf.topic, 0, total),
            cancel_keyboard(lang, workflow),
        );
        for range in workflow::render_batches(total, cores.max(2)) {
            let request = SlidesGenerated {
                request_id: workflow,
                slides: slides.to_vec(),
                style: wf
                    .style
                    .as_deref()
                    .and_then(|s| s.parse().ok())
                    .unwrap_or_default(),
                size: wf.size.parse().unwrap_or_default(),
                format: ImageFormat::Png,
                pdf: false,
                only: Some((range.start, range.end)),
            };
            let rendered = retry_step("rendering", &self.policy, || {
                self.render_call(root, request.clone())
            })
            .await?;
            images.extend(rendered.images);
            status.show(
                texts::rendering(lang, &wf.topic, images.len(), total),
                cancel_keyboard(lang, workflow),
            );
        }
        Ok(images)
    }

    /// Sends the album part by part through the outbox: a part marked sent is never sent again.
    async fn deliver(&self, wf: &Workflow, images: Vec<RenderedImage>) -> AppResult<()> {
        let courier = self.courier.as_ref().ok_or_else(|| {
            AppError::config("TELEGRAM_BOT_TOKEN", "is needed to deliver carousels")
        })?;
        let outbox: HashMap<i32, String> = self
            .store
            .sends_of(&wf.id)
            .await?
            .into_iter()
            .map(|send| (send.part, send.status))
            .collect();
        let files: Vec<OutgoingFile> = images
            .into_iter()
            .map(|image| OutgoingFile {
                name: image.file_name,
                bytes: image.bytes.into(),
            })
            .collect();
        let as_documents = wf.delivery == "files";
        let caption = texts::caption(&wf.topic);
        for (part, range) in workflow::album_parts(files.len()).into_iter().enumerate() {
            let part = i32::try_from(part).unwrap_or(i32::MAX);
            match outbox.get(&part).map(String::as_str) {
                Some(SendStatus::SENT) => continue,
                Some(_) => tracing::warn!(
                    part,
                    "this part was being sent when the process stopped and may have reached \
                     Telegram; sending it again"
                ),
                None => {}
            }
            let method = match (range.len(), as_documents) {
                (1, true) => "sendDocument",
                (1, false) => "sendPhoto",
                _ => "sendMediaGroup",
            };
            self.store.mark_sending(&wf.id, part, method).await?;
            let caption = (part == 0).then_some(caption.as_str());
            let ids = courier
                .send_album(
                    wf.chat_id,
                    wf.request_message_id,
                    &files[range],
                    caption,
                    as_documents,
                )
                .await?;
            self.store.mark_sent(&wf.id, part, &ids).await?;
        }
        Ok(())
    }

    /// The background editor of a workflow's status message (none without one).
    fn status_message(&self, wf: &Workflow) -> StatusMessage {
        let (Some(courier), Some(message)) = (self.courier.clone(), wf.status_message_id) else {
            return StatusMessage {
                latest: None,
                editor: None,
            };
        };
        let (latest, mut updates) = watch::channel::<StatusView>(None);
        let interval = Duration::from_millis(self.settings.progress_interval_ms);
        let chat = wf.chat_id;
        let editor = actix_rt::spawn(async move {
            let mut last_edit: Option<Instant> = None;
            let mut shown: Option<String> = None;
            loop {
                let closed = updates.changed().await.is_err();
                let wait = workflow::edit_delay(last_edit, Instant::now(), interval);
                if !closed && !wait.is_zero() {
                    // Later updates replace this one while we wait: only the latest is shown.
                    tokio::time::sleep(wait).await;
                }
                let current = updates.borrow_and_update().clone();
                if let Some((html, keyboard)) = current {
                    if shown.as_deref() != Some(html.as_str()) {
                        if let Err(e) = courier.edit_html(chat, message, &html, keyboard).await {
                            tracing::warn!(error = %e, "status message not updated");
                        }
                        shown = Some(html);
                        last_edit = Some(Instant::now());
                    }
                }
                if closed {
                    break;
                }
            }
        });
        StatusMessage {
            latest: Some(latest),
            editor: Some(editor),
        }
    }
}
