//! The durable carousel workflow and the commands around it (`/carousel`, `/cancel`, `/wisdom`,
//! `/ask`, `/history`, `/settings`, and their buttons).
//!
//! Every request is a row in `workflows` before anything else happens; each step's output is
//! written there before the next step starts (the slides after writing; the images are re-rendered
//! identically from them), and each album part goes through the `workflow_sends` outbox. A
//! restarted process resumes every running workflow from its last completed step without asking
//! the model again. Button data names the persisted workflow, never process memory.
//!
//! `commands.rs` answers the commands, `buttons.rs` the presses, `runner.rs` runs the steps.
mod buttons;
mod commands;
mod runner;
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
use crate::telegram::courier::{is_refusal, Courier, OutgoingFile};
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
    metrics: Option<crate::metrics::Metrics>,
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

/// What the renderer is asked for a workflow's slides (all of them, or `only` a range).
fn render_request(
    wf: &Workflow,
    slides: Vec<Slide>,
    pdf: bool,
    only: Option<(usize, usize)>,
) -> SlidesGenerated {
    SlidesGenerated {
        request_id: uuid_of(&wf.id),
        slides,
        style: wf
            .style
            .as_deref()
            .and_then(|s| s.parse().ok())
            .unwrap_or_default(),
        size: wf.size.parse().unwrap_or_default(),
        format: ImageFormat::Png,
        pdf,
        only,
    }
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
            metrics: None,
        }
    }

    /// Counts carousels by outcome and times their steps in `/metrics`.
    pub fn with_metrics(mut self, metrics: crate::metrics::Metrics) -> Workflows {
        self.metrics = Some(metrics);
        self
    }

    /// Answers a command. When that fails (the store or a neighbour is down), the user is told
    /// so instead of hearing nothing; the error still goes to the supervisor.
    pub async fn command(self: Arc<Self>, env: Envelope<CommandExecuted>) -> AppResult<()> {
        let c = &env.payload;
        let (chat, reply) = (c.chat_id, c.message_id);
        let lang = Lang::from_language_code(c.language_code.as_deref());
        let result = self.clone().answer_command(env).await;
        if result.is_err() {
            self.say(chat, reply, &texts::unavailable(lang), None).await;
        }
        result
    }

    /// Answers a button press; when that fails, the press is still answered and the user told.
    pub async fn callback(self: Arc<Self>, env: Envelope<CallbackPressed>) -> AppResult<()> {
        let q = env.payload.clone();
        let lang = Lang::from_language_code(q.language_code.as_deref());
        let result = self.clone().answer_press(env).await;
        if result.is_err() {
            let text = texts::unavailable(lang);
            self.answer(&q.query_id, &text).await;
            self.say(q.chat_id.unwrap_or(q.user_id), None, &text, None)
                .await;
        }
        result
    }

    fn count_outcome(&self, outcome: &str) {
        if let Some(metrics) = &self.metrics {
            metrics.carousels.with_label_values(&[outcome]).inc();
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
}
