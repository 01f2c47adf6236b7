//! The durable carousel workflow and the commands around it (`/carousel`, `/cancel`, `/wisdom`,
//! `/ask`, `/history`, `/settings`, and their buttons).
//!
//! Every request is a row in `workflows` before anything else happens; each step's output is
//! written there before the next step starts (the slides after writing; the images are re-rendered
//! identically from them), and every message, album part and PDF goes through the durable outbox
//! (`telegram::outbox`). A running workflow is leased to the replica that runs it, which renews
//! the lease; when it expires (the replica died) any replica resumes the workflow from its last
//! completed step without asking the model again. Button data names the persisted workflow, never
//! process memory.
//!
//! This file holds the engine and what its parts share; `commands.rs` answers the commands,
//! `buttons.rs` the presses, `runner.rs` runs the steps, `quotas.rs` checks the limits.
use super::links::WorkflowLinks;
use super::steps::{Drawing, Steps};
use crate::app::config::WorkflowSettings;
use crate::app::error::{AppError, AppResult};
use crate::delivery::courier::Courier;
use crate::delivery::outbox::{AlbumFiles, Outbox, OutboxMessage, Outgoing};
use crate::domain::{
    ContentLanguage, Delivery, ImageFormat, Lang, Slide, Style, DEFAULT_SLIDES, MAX_SLIDES,
    MIN_SLIDES,
};
use crate::domain::{Post, UserSettings, WorkflowState};
use crate::messages::data::LoadSettings;
use crate::messages::telegram::{CallbackPressed, ExecuteCommand};
use crate::messages::{Envelope, Event};
use crate::store::{now_utc, Lease, Quotas, Workflow, WorkflowRows};
use crate::workflow::{texts, Callback, RetryPolicy, SettingChoice, SettingField};
use parking_lot::Mutex;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};
use tokio::sync::watch;
use uuid::Uuid;

/// Telegram's limit for one message, in characters.
pub(super) const MAX_MESSAGE_CHARS: usize = 4096;
/// Carousels listed by `/history`.
pub(super) const HISTORY_LENGTH: i64 = 5;

pub struct Workflows {
    /// The workflows table: this engine's alone.
    pub(super) rows: WorkflowRows,
    /// The per-user quota counters it takes before costly work.
    pub(super) quotas: Quotas,
    /// Direct calls only: button answers and progress edits.
    pub(super) courier: Option<Courier>,
    /// Everything else the user is owed goes through the outbox; none without a bot token.
    pub(super) outbox: Option<Outbox>,
    pub(super) album_files: AlbumFiles,
    /// This replica's claim on the workflows it runs.
    pub(super) lease: Lease,
    pub(super) links: WorkflowLinks,
    pub(super) settings: WorkflowSettings,
    pub(super) policy: RetryPolicy,
    /// Workflows with a runner in this process: a resume never starts a second one here (other
    /// replicas are kept out by the lease). True when it was asked to run again meanwhile.
    pub(super) running: Mutex<HashMap<crate::domain::WorkflowId, bool>>,
    pub(super) metrics: Option<crate::observability::metrics::Metrics>,
    /// Per-user quotas and the process-wide caps on costly work; none: no limits (tests).
    pub(super) limits: Option<Limits>,
    /// The Mini App editor's address (`PUBLIC_BASE_URL` + `/app/`); none: no Edit buttons.
    pub(super) editor: Option<url::Url>,
    /// The users' brand kits; none: slides carry the handle alone (tests of one actor).
    pub(super) brands: Option<crate::store::Brands>,
}

/// What [`Workflows`] checks before costly work.
pub(super) struct Limits {
    pub(super) settings: crate::app::config::LimitSettings,
    pub(super) capacity: crate::resilience::capacity::Capacity,
}

/// A user's settings as a carousel uses them: the language follows Telegram's unless one was
/// chosen, and a slide count out of bounds (set by an operator, say) is brought back into them.
#[derive(Debug, Clone)]
pub(super) struct Prefs {
    pub(super) lang: Lang,
    pub(super) slides: usize,
    /// Whether written slides wait for review: the user's choice, else the operator's default.
    pub(super) review: bool,
    pub(super) row: UserSettings,
}

impl Prefs {
    pub(super) fn from_row(
        row: UserSettings,
        language_code: Option<&str>,
        review_by_default: bool,
    ) -> Prefs {
        Prefs {
            lang: row
                .lang
                .unwrap_or_else(|| Lang::from_language_code(language_code)),
            slides: usize::try_from(row.slides)
                .unwrap_or(DEFAULT_SLIDES)
                .clamp(MIN_SLIDES, MAX_SLIDES),
            review: row.review.unwrap_or(review_by_default),
            row,
        }
    }

    /// The language slides (or an answer) about `text` are written in, as the user's
    /// setting asks: the text's own by default.
    pub(super) fn content_for(&self, text: &str) -> ContentLanguage {
        crate::ai::language::resolve(self.row.content, text, self.lang)
    }
}

/// The text (HTML) and keyboard a status message should show.
pub(super) type StatusView = Option<(String, Option<InlineKeyboardMarkup>)>;

/// A workflow's status message, edited in the background at most about once per interval:
/// the workflow never waits for an edit, and only the latest text is shown.
pub(super) struct StatusMessage {
    pub(super) latest: Option<watch::Sender<StatusView>>,
    pub(super) editor: Option<tokio::task::JoinHandle<()>>,
}

impl StatusMessage {
    pub(super) fn show(&self, html: String, keyboard: Option<InlineKeyboardMarkup>) {
        if let Some(latest) = &self.latest {
            latest.send_replace(Some((html, keyboard)));
        }
    }

    /// Shows the last text set and waits for the editor to finish.
    pub(super) async fn close(mut self) {
        drop(self.latest.take());
        if let Some(editor) = self.editor.take() {
            let _ = editor.await;
        }
    }
}

/// The style buttons, the user's default style (from /settings) first and starred.
pub(super) fn style_keyboard(lang: Lang, workflow: Uuid, default: Style) -> InlineKeyboardMarkup {
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

pub(super) fn cancel_button(lang: Lang, workflow: Uuid) -> InlineKeyboardButton {
    InlineKeyboardButton::callback(
        texts::cancel_button(lang),
        Callback::Cancel { workflow }.data(),
    )
}

pub(super) fn cancel_keyboard(lang: Lang, workflow: Uuid) -> Option<InlineKeyboardMarkup> {
    Some(InlineKeyboardMarkup::new(vec![vec![cancel_button(
        lang, workflow,
    )]]))
}

/// The /settings message for `chat`. In a group its buttons name their owner (anyone there can
/// press them); in the owner's private chat nobody else can, and they name nobody.
pub(super) fn settings_view(prefs: &Prefs, chat: i64) -> (String, InlineKeyboardMarkup) {
    let row = &prefs.row;
    let lang = prefs.lang;
    let text = texts::settings(
        lang,
        &texts::SettingsShown {
            style: row.style,
            slides: prefs.slides,
            size: row.size,
            content: row.content,
            delivery: row.delivery,
            handle: row.handle,
        },
    );
    let current = |choice: SettingChoice| match choice {
        SettingChoice::Style(style) => style == row.style,
        SettingChoice::Slides(count) => usize::from(count) == prefs.slides,
        SettingChoice::Size(size) => size == row.size,
        SettingChoice::Lang(language) => language == lang,
        SettingChoice::Content(content) => content == row.content,
        SettingChoice::Delivery(delivery) => delivery == row.delivery,
        SettingChoice::Handle(handle) => handle == row.handle,
        SettingChoice::Review(review) => review == prefs.review,
    };
    // Languages are shown by their own names; every other value as its spelling.
    let label = |choice: SettingChoice| match choice {
        SettingChoice::Lang(language) => texts::language_name(language).to_string(),
        SettingChoice::Content(content) => texts::content_choice_button(lang, content),
        SettingChoice::Review(review) => texts::review_setting_button(lang, review),
        other => other.value(),
    };
    let owner = (chat != row.user_id).then_some(row.user_id);
    let rows = SettingField::ALL
        .iter()
        .flat_map(|field| field.rows())
        .map(|choices| {
            choices
                .into_iter()
                .map(|choice| {
                    let label = if current(choice) {
                        format!("✓ {}", label(choice))
                    } else {
                        label(choice)
                    };
                    InlineKeyboardButton::callback(label, Callback::Set { choice, owner }.data())
                })
                .collect()
        })
        .collect::<Vec<Vec<_>>>();
    (text, InlineKeyboardMarkup::new(rows))
}

/// A new workflow row. One started straight away (`requested`) gets its deadline now.
#[allow(clippy::too_many_arguments)]
pub(super) fn new_workflow(
    id: Uuid,
    user: i64,
    chat: i64,
    request_message: Option<i32>,
    topic: String,
    prefs: &Prefs,
    style: Option<Style>,
    timeout: Duration,
) -> Workflow {
    let now = now_utc();
    // Fixed now, with the topic: a resumed run writes in the same language.
    let content_lang = Some(prefs.content_for(&topic));
    let state = if style.is_some() {
        WorkflowState::Requested
    } else {
        WorkflowState::AwaitingStyle
    };
    Workflow {
        id: id.to_string(),
        correlation_id: id.to_string(),
        user_id: user,
        chat_id: chat,
        request_message_id: request_message,
        status_message_id: None,
        topic,
        lang: prefs.lang,
        style,
        slides: i32::try_from(prefs.slides).unwrap_or(DEFAULT_SLIDES as i32),
        size: prefs.row.size,
        delivery: prefs.row.delivery,
        state,
        slides_json: None,
        content_source: None,
        error: None,
        cancel_requested: false,
        created_at: now,
        updated_at: now,
        deadline_at: style.map(|_| deadline_after(now, timeout)),
        trace_parent: None,
        handle: None,
        content_lang,
        review: prefs.review,
        draft_version: 0,
        review_until: None,
        post_json: None,
        brand_json: None,
        accent: None,
    }
}

pub(super) fn deadline_after(
    now: chrono::NaiveDateTime,
    timeout: Duration,
) -> chrono::NaiveDateTime {
    now + chrono::Duration::from_std(timeout).unwrap_or(chrono::Duration::minutes(5))
}

pub(super) fn slides_of(wf: &Workflow) -> AppResult<Vec<Slide>> {
    let json = wf
        .slides_json
        .as_deref()
        .ok_or_else(|| AppError::internal("reading the written slides", "none were stored"))?;
    serde_json::from_str(json).map_err(|e| AppError::internal("reading the written slides", e))
}

/// The post written with a workflow's slides; none on rows from before posts. One that cannot
/// be read is logged and left out: the carousel goes out without it, as before posts.
pub(super) fn post_of(wf: &Workflow) -> Option<Post> {
    let json = wf.post_json.as_deref()?;
    serde_json::from_str(json)
        .inspect_err(|e| tracing::warn!(error = %e, "the stored post is unreadable"))
        .ok()
}

/// The status line a workflow's messages carry once the offline writer wrote its slides in
/// another language than it asked for (an Arabic topic, say, with no model at hand); none when
/// the model wrote them, or the offline writer could write that language itself.
pub(super) fn offline_note(wf: &Workflow) -> Option<String> {
    let origin = wf.content_source?;
    if origin == crate::domain::ContentOrigin::Model {
        return None;
    }
    let asked = wf.content_language();
    let written = crate::ai::OfflineLang::for_content(asked, wf.lang);
    (written.content() != asked).then(|| texts::offline_note(wf.lang, written))
}

/// How a workflow's slides are drawn.
pub(super) fn drawing_of(wf: &Workflow) -> AppResult<Drawing> {
    Ok(Drawing {
        request_id: wf.workflow_id()?.0,
        style: wf.style.unwrap_or_default(),
        size: wf.size,
        format: slide_format(wf.delivery),
        handle: wf.handle.clone(),
        brand: None,
    })
}

/// Photos go as JPEG (Telegram recompresses photos to JPEG anyway: PNG bytes buy nothing but
/// upload time); files and PDFs keep lossless PNG.
pub(super) fn slide_format(delivery: Delivery) -> ImageFormat {
    match delivery {
        Delivery::Files => ImageFormat::Png,
        Delivery::Photos => ImageFormat::Jpeg,
    }
}

/// The outbox id of one part of a workflow's album.
pub(super) fn album_part_key(workflow: &str, part: usize) -> String {
    format!("album:{workflow}:{part}")
}

/// The outbox id of a reply: what caused it (stable across redeliveries) and which reply it is.
pub(super) fn reply_key<T>(cause: &Envelope<T>, which: &str) -> String {
    format!("{}:{which}", cause.correlation_id)
}

impl Workflows {
    /// The carousel's steps, as this engine runs them (its links, its retries, its metrics).
    pub(super) fn steps(&self) -> Steps<'_> {
        Steps {
            links: &self.links,
            policy: &self.policy,
            metrics: self.metrics.as_ref(),
        }
    }

    pub fn new(
        rows: WorkflowRows,
        quotas: Quotas,
        courier: Option<Courier>,
        links: WorkflowLinks,
        settings: WorkflowSettings,
    ) -> Workflows {
        Workflows {
            policy: RetryPolicy::from_settings(&settings),
            rows,
            quotas,
            courier,
            outbox: None,
            album_files: AlbumFiles::default(),
            lease: Lease::new_replica(Duration::from_secs(30)),
            links,
            settings,
            running: Mutex::default(),
            metrics: None,
            limits: None,
            editor: None,
            brands: None,
        }
    }

    /// Serves the users' brand kits and draws their slides with them.
    pub fn with_brands(mut self, brands: crate::store::Brands) -> Workflows {
        self.brands = Some(brands);
        self
    }

    /// Offers the Mini App editor at `editor` (`PUBLIC_BASE_URL` + `/app/`) on review messages.
    pub fn with_editor(mut self, editor: Option<url::Url>) -> Workflows {
        self.editor = editor;
        self
    }

    /// The editor's address for one draft, when the editor is offered.
    pub(super) fn editor_for(&self, workflow: Uuid) -> Option<url::Url> {
        let mut url = self.editor.clone()?;
        url.query_pairs_mut()
            .append_pair("draft", &workflow.to_string());
        Some(url)
    }

    /// Quotas per user (counted in the store) and the process-wide caps on model calls and
    /// renders: new costly work is refused politely when either says no.
    pub fn with_limits(
        mut self,
        settings: crate::app::config::LimitSettings,
        capacity: crate::resilience::capacity::Capacity,
    ) -> Workflows {
        self.limits = Some(Limits { settings, capacity });
        self
    }

    /// Where replies go (the outbox), the files handed to its dispatcher, and this replica's lease.
    pub fn with_delivery(
        mut self,
        outbox: Option<Outbox>,
        album_files: AlbumFiles,
        lease: Lease,
    ) -> Workflows {
        self.outbox = outbox;
        self.album_files = album_files;
        self.lease = lease;
        self
    }

    /// Counts carousels by outcome and times their steps in `/metrics`.
    pub fn with_metrics(mut self, metrics: crate::observability::metrics::Metrics) -> Workflows {
        self.metrics = Some(metrics);
        self
    }

    /// Answers a command. When that fails, the update stays unfinished and is claimed again; a
    /// store outage is only waited out (the answer comes once the store is back), any other
    /// failure is also told to the user. The error still goes to the supervisor.
    pub async fn command(self: Arc<Self>, env: Envelope<ExecuteCommand>) -> AppResult<()> {
        let c = &env.payload;
        let (chat, reply) = (c.chat_id, c.message_id);
        let lang = Lang::from_language_code(c.language_code.as_deref());
        let key = reply_key(&env, "unavailable");
        let result = self.clone().answer_command(env).await;
        if result.as_ref().is_err_and(|e| !e.is_store_outage()) {
            let text = texts::unavailable(lang);
            self.say_or_log(key, chat, reply, &text).await;
        }
        result
    }

    /// Answers a button press; when that fails, the press is still answered (it cannot wait) and,
    /// unless the store is only briefly out (the press is handled again), the user told.
    pub async fn callback(self: Arc<Self>, env: Envelope<CallbackPressed>) -> AppResult<()> {
        let q = env.payload.clone();
        let lang = Lang::from_language_code(q.language_code.as_deref());
        let key = reply_key(&env, "unavailable");
        let result = self.clone().answer_press(env).await;
        if let Err(e) = &result {
            let text = texts::unavailable(lang);
            self.answer(&q.query_id, &text).await;
            if !e.is_store_outage() {
                self.say_or_log(key, q.chat_id.unwrap_or(q.user_id), None, &text)
                    .await;
            }
        }
        result
    }

    pub(super) fn count_outcome(&self, outcome: WorkflowState) {
        if let Some(metrics) = &self.metrics {
            metrics
                .carousels
                .with_label_values(&[outcome.as_str()])
                .inc();
        }
    }

    pub(super) fn timeout(&self) -> Duration {
        Duration::from_secs(self.settings.timeout_secs.max(1))
    }

    /// The user's settings, from the data service, on behalf of `cause`.
    pub(super) async fn prefs<T: Event>(
        &self,
        cause: &Envelope<T>,
        user: i64,
        language_code: Option<&str>,
    ) -> AppResult<Prefs> {
        let load = cause.caused("orchestrator", LoadSettings { user_id: user });
        let row = self.links.user_data.settings.ask(load).await??;
        Ok(Prefs::from_row(
            row,
            language_code,
            self.settings.review_by_default,
        ))
    }

    pub(super) async fn at_limit(&self, user: i64) -> AppResult<bool> {
        let running = self.rows.running_workflows_of(user).await?;
        Ok(running >= i64::try_from(self.settings.max_running_per_user.max(1)).unwrap_or(1))
    }

    /// Records a message in the outbox (sent by the dispatcher). `key` names it, so a
    /// redelivered update or a resumed workflow records it once. An error means the store could
    /// not record it: the caller's work is then unfinished and is done again.
    pub(super) async fn say(
        &self,
        key: String,
        chat: i64,
        reply: Option<i32>,
        html: &str,
        keyboard: Option<InlineKeyboardMarkup>,
    ) -> AppResult<()> {
        self.post(key, chat, reply, html, keyboard, None).await
    }

    /// [`Workflows::say`] for a workflow's status message: its id is recorded on the workflow
    /// once Telegram answers, for the progress edits.
    pub(super) async fn offer(
        &self,
        key: String,
        wf: &Workflow,
        html: &str,
        keyboard: Option<InlineKeyboardMarkup>,
    ) -> AppResult<()> {
        let reply = wf.request_message_id;
        self.post(key, wf.chat_id, reply, html, keyboard, Some(wf.id.clone()))
            .await
    }

    pub(super) async fn post(
        &self,
        key: String,
        chat: i64,
        reply: Option<i32>,
        html: &str,
        keyboard: Option<InlineKeyboardMarkup>,
        status_of: Option<String>,
    ) -> AppResult<()> {
        let Some(outbox) = &self.outbox else {
            tracing::warn!(chat, "no TELEGRAM_BOT_TOKEN: a reply was not sent");
            return Ok(());
        };
        let outgoing = Outgoing::Message {
            html: html.to_string(),
            reply_to: reply,
            keyboard,
            status_of,
        };
        outbox
            .post(OutboxMessage::new(key, chat, outgoing))
            .await
            .map(|_| ())
    }

    /// A last word when the work itself failed: if even that cannot be recorded, it is logged.
    pub(super) async fn say_or_log(&self, key: String, chat: i64, reply: Option<i32>, html: &str) {
        if let Err(e) = self.say(key, chat, reply, html, None).await {
            tracing::warn!(chat, error = %e, "reply not recorded");
        }
    }

    pub(super) async fn answer(&self, query: &str, text: &str) {
        if let Some(courier) = &self.courier {
            if let Err(e) = courier.answer_callback(query, text).await {
                tracing::warn!(error = %e, "button press not answered");
            }
        }
    }

    pub(super) async fn edit(
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
