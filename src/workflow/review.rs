//! Review before render: written slides wait as a draft (state `reviewing`, in the store) until
//! the user renders them, edits them in the Mini App, has them written again or restyles them.
//! A draft is leased only while work is owed on it (offering it, expiring it); otherwise it
//! waits for the user, held by nobody, so any replica takes the next press. One not acted on
//! within `review_ttl_secs` expires with one message.
use super::engine::{
    cancel_button, deadline_after, reply_key, slides_of, StatusMessage, Workflows,
};
use crate::app::error::{AppError, AppResult};
use crate::delivery::outbox::{OutboxMessage, Outgoing};
use crate::domain::{Lang, QuotaKind, Slide, Style, WorkflowId, WorkflowState};
use crate::messages::carousel::RenderSlides;
use crate::messages::telegram::CallbackPressed;
use crate::messages::workflow::Started;
use crate::messages::Envelope;
use crate::store::{now_utc, DraftChange, DraftEdit, DraftMove, MoveDraft, Workflow};
use crate::workflow::{texts, Callback, ReviewAction};
use std::sync::Arc;
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup, WebAppInfo};
use uuid::Uuid;

/// The most slides a draft may have after editing, and the fewest.
pub const MAX_DRAFT_SLIDES: usize = 20;
pub const MIN_DRAFT_SLIDES: usize = 3;
/// A slide's title and body, in characters, as the editor may set them.
pub const MAX_TITLE_CHARS: usize = 120;
pub const MAX_BODY_CHARS: usize = 600;

/// Why an edited draft was refused, naming the field at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidDraft {
    pub field: String,
    pub reason: &'static str,
}

/// The outbox id of a draft's review message: one per version, so a rewritten or restyled
/// draft is offered again, and a resumed offer is recorded once.
fn review_key(wf: &Workflow) -> String {
    format!("review:{}:{}", wf.id, wf.draft_version)
}

/// The buttons under a draft: Render and Edit (the Mini App, when it is offered), Rewrite and
/// Style, Cancel.
pub(super) fn review_keyboard(
    lang: Lang,
    workflow: Uuid,
    editor: Option<url::Url>,
) -> InlineKeyboardMarkup {
    let press = |label: String, action: ReviewAction| {
        InlineKeyboardButton::callback(label, Callback::Review { action, workflow }.data())
    };
    let mut first = vec![press(
        texts::review_render_button(lang),
        ReviewAction::Render,
    )];
    if let Some(url) = editor {
        first.push(InlineKeyboardButton::web_app(
            texts::review_edit_button(lang),
            WebAppInfo { url },
        ));
    }
    InlineKeyboardMarkup::new(vec![
        first,
        vec![
            press(texts::review_rewrite_button(lang), ReviewAction::Rewrite),
            press(texts::review_style_button(lang), ReviewAction::Style),
        ],
        vec![cancel_button(lang, workflow)],
    ])
}

/// The style buttons of a draft (its current style ticked) and a way back.
fn restyle_keyboard(lang: Lang, workflow: Uuid, current: Style) -> InlineKeyboardMarkup {
    let styles = Style::ALL
        .iter()
        .map(|style| {
            let name = texts::style_name(lang, *style);
            let label = if *style == current {
                format!("✓ {name}")
            } else {
                name.to_string()
            };
            InlineKeyboardButton::callback(
                label,
                Callback::Restyle {
                    style: *style,
                    workflow,
                }
                .data(),
            )
        })
        .collect();
    InlineKeyboardMarkup::new(vec![styles, vec![cancel_button(lang, workflow)]])
}

/// Checks an edited draft's slides against the bounds the editor shows: a count within
/// [`MIN_DRAFT_SLIDES`]..=[`MAX_DRAFT_SLIDES`], every title present, lengths bounded (alt texts
/// by [`crate::domain::post::MAX_ALT_CHARS`]). The text is cleaned as topics are (control and
/// bidi-override characters dropped, whitespace collapsed, but line breaks of a body kept).
pub fn checked_slides(slides: Vec<Slide>) -> Result<Vec<Slide>, InvalidDraft> {
    if !(MIN_DRAFT_SLIDES..=MAX_DRAFT_SLIDES).contains(&slides.len()) {
        return Err(InvalidDraft {
            field: "slides".into(),
            reason: "slide count out of bounds",
        });
    }
    slides
        .into_iter()
        .enumerate()
        .map(|(i, mut slide)| {
            let title = crate::workflow::clean_text(&slide.title, MAX_TITLE_CHARS);
            slide.title = match title {
                Ok(title) => title,
                Err(crate::workflow::TopicProblem::Empty) => {
                    return Err(InvalidDraft {
                        field: format!("slides[{i}].title"),
                        reason: "empty",
                    })
                }
                Err(crate::workflow::TopicProblem::TooLong { .. }) => {
                    return Err(InvalidDraft {
                        field: format!("slides[{i}].title"),
                        reason: "too long",
                    })
                }
            };
            slide.body = clean_body(&slide.body).ok_or_else(|| InvalidDraft {
                field: format!("slides[{i}].body"),
                reason: "too long",
            })?;
            slide.alt = crate::domain::post::alt_text(&slide.alt).map_err(|_| InvalidDraft {
                field: format!("slides[{i}].alt"),
                reason: "too long",
            })?;
            Ok(slide)
        })
        .collect()
}

/// A body as the editor sent it, each line cleaned as a topic is; `None` when too long.
fn clean_body(raw: &str) -> Option<String> {
    let lines: Vec<String> = raw
        .lines()
        .filter_map(|line| crate::workflow::clean_text(line, usize::MAX).ok())
        .collect();
    let body = lines.join("\n");
    (body.chars().count() <= MAX_BODY_CHARS).then_some(body)
}

impl Workflows {
    /// A runner met a draft: it offers it (a crash before that left it leased, so the sweep
    /// brings it here again), or, past its review time, expires it with one message. True when
    /// the draft changed while it was offered (the row must be read again).
    pub(super) async fn review(
        &self,
        root: &Envelope<Started>,
        wf: &Workflow,
        lang: Lang,
        status: &StatusMessage,
    ) -> AppResult<bool> {
        let id = wf.workflow_id()?;
        if wf.review_until.is_none_or(|until| until <= now_utc()) {
            let text = texts::draft_expired(lang, &wf.topic);
            // Recorded before the state moves (under one key: a retry records it once), so
            // the user hears of every draft that expired.
            let key = format!("{}:expired", wf.id);
            self.say(key, wf.chat_id, wf.request_message_id, &text, None)
                .await?;
            if self.rows.expire_draft(id).await? {
                status.show(text, None);
                self.completed(root, WorkflowState::Expired);
                tracing::info!("draft expired");
            }
            return Ok(false);
        }
        self.offer_draft(root, wf, lang).await?;
        status.show(texts::draft_ready(lang, &wf.topic), None);
        let released = self
            .rows
            .release_draft(id, &self.lease, wf.draft_version)
            .await?;
        // Changed meanwhile: carried on here only while this replica still holds it (a press
        // on another replica took it over with its own lease).
        Ok(!released
            && self
                .rows
                .acquire_workflow(id, &self.lease, now_utc())
                .await?)
    }

    /// Records the review message: the first slide drawn, the slide titles as its caption and
    /// the review buttons.
    async fn offer_draft(
        &self,
        root: &Envelope<Started>,
        wf: &Workflow,
        lang: Lang,
    ) -> AppResult<()> {
        let Some(outbox) = &self.outbox else {
            tracing::warn!("no TELEGRAM_BOT_TOKEN: a draft was not offered");
            return Ok(());
        };
        let workflow = wf.workflow_id()?.0;
        let slides = slides_of(wf)?;
        let editor = self.editor_for(workflow);
        let caption = texts::draft_caption(lang, &wf.topic, &slides, editor.is_some());
        let keyboard = review_keyboard(lang, workflow, editor);
        let key = review_key(wf);
        let drawn = self.draw_first(root, wf, slides).await?;
        let message = OutboxMessage::new(
            key.clone(),
            wf.chat_id,
            Outgoing::Preview {
                workflow_id: wf.id.clone(),
                caption,
                keyboard: Some(keyboard),
                reply_to: wf.request_message_id,
            },
        );
        self.album_files.put(&key, drawn);
        if !outbox.post(message).await? {
            self.album_files.take(&key);
        }
        Ok(())
    }

    async fn draw_first(
        &self,
        root: &Envelope<Started>,
        wf: &Workflow,
        slides: Vec<Slide>,
    ) -> AppResult<Vec<crate::delivery::courier::OutgoingFile>> {
        let drawing = super::brand::drawing_with_kit(wf, self.brands.as_ref()).await?;
        let request: RenderSlides = drawing.request(slides, false, Some((0, 1)));
        let env = root.caused("orchestrator", request);
        let rendered = self.links.renderer.ask(env).await??;
        Ok(rendered
            .images
            .into_iter()
            .map(|image| crate::delivery::courier::OutgoingFile {
                name: image.file_name,
                bytes: image.bytes.into(),
            })
            .collect())
    }

    /// A press on a button under a draft.
    pub(super) async fn review_press(
        self: Arc<Self>,
        env: &Envelope<CallbackPressed>,
        lang: Lang,
        action: ReviewAction,
        workflow: Uuid,
    ) -> AppResult<()> {
        let q = &env.payload;
        let Some(wf) = self.own_workflow(env, lang, workflow).await? else {
            return Ok(());
        };
        if !crate::store::draft_is_open(&wf, now_utc()) {
            self.answer(&q.query_id, &texts::draft_gone(lang)).await;
            return Ok(());
        }
        match action {
            ReviewAction::Render => {
                let moved = self
                    .clone()
                    .move_on(&wf, None, WorkflowState::Rendering)
                    .await?;
                self.answer_move(env, &wf, lang, moved, texts::starting(lang))
                    .await
            }
            ReviewAction::Rewrite => {
                if let Err(refusal) = self.may_start(q.user_id, QuotaKind::Rewrite, lang).await? {
                    self.answer(&q.query_id, &refusal.text).await;
                    return self
                        .say(
                            reply_key(env, "limit"),
                            wf.chat_id,
                            None,
                            &refusal.text,
                            None,
                        )
                        .await;
                }
                let moved = self
                    .clone()
                    .move_on(&wf, None, WorkflowState::Writing)
                    .await?;
                self.answer_move(env, &wf, lang, moved, texts::draft_rewriting(lang))
                    .await
            }
            ReviewAction::Style => {
                self.answer(&q.query_id, &texts::draft_pick_style(lang))
                    .await;
                if let (Some(chat), Some(message)) = (q.chat_id, q.message_id) {
                    let keyboard = restyle_keyboard(lang, workflow, wf.style.unwrap_or_default());
                    self.edit_keyboard(chat, message, keyboard).await;
                }
                Ok(())
            }
        }
    }

    /// A style picked for a draft: saved as a new version, and the draft offered again (its
    /// preview changes).
    pub(super) async fn restyle_press(
        self: Arc<Self>,
        env: &Envelope<CallbackPressed>,
        lang: Lang,
        style: Style,
        workflow: Uuid,
    ) -> AppResult<()> {
        let q = &env.payload;
        let Some(wf) = self.own_workflow(env, lang, workflow).await? else {
            return Ok(());
        };
        let change = DraftChange {
            style: Some(style),
            ..DraftChange::default()
        };
        match self.edit_draft(wf.workflow_id()?, None, change).await? {
            DraftEdit::Saved(_) => {
                self.answer(&q.query_id, &texts::saved(lang)).await;
                self.reoffer(wf.workflow_id()?).await
            }
            DraftEdit::Stale | DraftEdit::Gone => {
                self.answer(&q.query_id, &texts::draft_gone(lang)).await;
                Ok(())
            }
        }
    }

    /// Offers a draft again after a change made outside the runner (a style press): the
    /// runner does it, leased, like any offer.
    async fn reoffer(self: Arc<Self>, id: WorkflowId) -> AppResult<()> {
        if self
            .rows
            .acquire_workflow(id, &self.lease, now_utc())
            .await?
        {
            self.spawn(id);
        }
        Ok(())
    }

    async fn answer_move(
        &self,
        env: &Envelope<CallbackPressed>,
        wf: &Workflow,
        lang: Lang,
        moved: DraftMove,
        started: String,
    ) -> AppResult<()> {
        let q = &env.payload;
        match moved {
            DraftMove::Moved => {
                self.answer(&q.query_id, &started).await;
                Ok(())
            }
            DraftMove::AtLimit => {
                let text = texts::one_at_a_time(lang);
                self.answer(&q.query_id, &text).await;
                let key = reply_key(env, "limit");
                self.say(key, wf.chat_id, wf.request_message_id, &text, None)
                    .await
            }
            DraftMove::Stale | DraftMove::Gone => {
                self.answer(&q.query_id, &texts::draft_gone(lang)).await;
                Ok(())
            }
        }
    }

    /// Moves a draft on to `to` (rendering, or writing again) and runs it here.
    async fn move_on(
        self: Arc<Self>,
        wf: &Workflow,
        version: Option<i64>,
        to: WorkflowState,
    ) -> AppResult<DraftMove> {
        let id = wf.workflow_id()?;
        let limit = i64::try_from(self.settings.max_running_per_user.max(1)).unwrap_or(1);
        let moved = self
            .rows
            .move_draft(MoveDraft {
                workflow: id,
                user: wf.user_id,
                version,
                to,
                deadline: deadline_after(now_utc(), self.timeout()),
                lease: &self.lease,
                max_running: limit,
            })
            .await?;
        if moved == DraftMove::Moved {
            self.clone().spawn(id);
        }
        Ok(moved)
    }

    /// The review time a change starts again.
    fn review_until(&self) -> chrono::NaiveDateTime {
        deadline_after(
            now_utc(),
            std::time::Duration::from_secs(self.settings.review_ttl_secs.max(1)),
        )
    }

    /// Saves a change to a draft made on `version` (none: the latest).
    pub async fn edit_draft(
        &self,
        id: WorkflowId,
        version: Option<i64>,
        change: DraftChange<'_>,
    ) -> AppResult<DraftEdit> {
        self.rows
            .edit_draft(id, version, change, self.review_until())
            .await
    }

    /// The editor's Send: the draft as saved under `version` is drawn and sent.
    pub async fn send_draft(self: Arc<Self>, wf: &Workflow, version: i64) -> AppResult<DraftMove> {
        self.move_on(wf, Some(version), WorkflowState::Rendering)
            .await
    }

    /// The draft row behind an editor's request.
    pub async fn draft(&self, id: WorkflowId) -> AppResult<Option<Workflow>> {
        self.rows.workflow(id).await
    }

    /// Writes slide `index` of a draft again with the model (quota-counted): the whole
    /// carousel is asked for, so the new slide keeps its place in the arc, and only that slide
    /// is taken. `Err(text)` when a quota or the process's caps refuse it.
    pub async fn regenerate_slide(
        &self,
        wf: &Workflow,
        version: i64,
        index: usize,
    ) -> AppResult<Result<DraftEdit, String>> {
        let lang = wf.lang;
        let mut slides = slides_of(wf)?;
        if index >= slides.len() {
            return Err(AppError::BadRequest(format!(
                "slide {index} is outside a draft of {} slides",
                slides.len()
            )));
        }
        if let Err(refusal) = self.may_start(wf.user_id, QuotaKind::Rewrite, lang).await? {
            return Ok(Err(refusal.text));
        }
        let root = Envelope::correlated(
            "orchestrator",
            wf.correlation()?,
            Started {
                workflow_id: wf.workflow_id()?.0,
                kind: crate::messages::workflow::WorkflowKind::Carousel,
            },
        );
        let written = self
            .steps()
            .write(
                &root,
                root.payload.workflow_id,
                (lang, wf.content_language()),
                &wf.topic,
                slides.len(),
            )
            .await?;
        let Some(new) = written.slides.into_iter().nth(index) else {
            return Err(AppError::internal(
                "regenerating a slide",
                "the writer wrote fewer slides",
            ));
        };
        slides[index] = new;
        let json = serde_json::to_string(&slides)
            .map_err(|e| AppError::internal("storing the slides", e))?;
        // The new slide comes with its own alt text; the post stays as the user left it.
        let change = DraftChange {
            slides_json: Some(&json),
            ..DraftChange::default()
        };
        Ok(Ok(self
            .edit_draft(wf.workflow_id()?, Some(version), change)
            .await?))
    }

    async fn edit_keyboard(&self, chat: i64, message: i32, keyboard: InlineKeyboardMarkup) {
        if let Some(courier) = &self.courier {
            if let Err(e) = courier.edit_keyboard(chat, message, keyboard).await {
                tracing::warn!(chat, error = %e, "keyboard not changed");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::SlideKind;

    fn slide(title: &str, body: &str) -> Slide {
        Slide {
            kind: SlideKind::Idea,
            title: title.into(),
            body: body.into(),
            alt: String::new(),
        }
    }

    #[test]
    fn an_edited_draft_is_cleaned_and_bounded_and_the_field_at_fault_named() {
        let ok = checked_slides(vec![
            slide("  Title\u{202E} one ", "line one\n\n  line\u{0} two  "),
            slide("<img src=x onerror=alert(1)>", ""),
            slide("Three", "body"),
        ])
        .expect("valid");
        assert_eq!(ok[0].title, "Title one");
        assert_eq!(ok[0].body, "line one\nline two");
        // Kept as text: escaping is the renderer's and the page's business, not a refusal.
        assert_eq!(ok[1].title, "<img src=x onerror=alert(1)>");
        let two = checked_slides(vec![slide("a", ""), slide("b", "")]);
        assert_eq!(two.map_err(|e| e.field), Err("slides".to_string()));
        let empty = checked_slides(vec![slide("a", ""), slide("  ", ""), slide("c", "")]);
        assert_eq!(
            empty.map_err(|e| e.field),
            Err("slides[1].title".to_string())
        );
        let long = checked_slides(vec![
            slide("a", ""),
            slide("b", ""),
            slide("c", &"x".repeat(MAX_BODY_CHARS + 1)),
        ]);
        assert_eq!(long.map_err(|e| e.field), Err("slides[2].body".to_string()));
        let mut described = vec![slide("a", ""), slide("b", ""), slide("c", "")];
        described[1].alt = " A cover\n photo ".into();
        assert_eq!(
            checked_slides(described.clone()).expect("valid")[1].alt,
            "A cover photo"
        );
        described[2].alt = "x".repeat(crate::domain::post::MAX_ALT_CHARS + 1);
        assert_eq!(
            checked_slides(described).map_err(|e| e.field),
            Err("slides[2].alt".to_string())
        );
        let many = checked_slides(vec![slide("a", ""); MAX_DRAFT_SLIDES + 1]);
        assert!(many.is_err());
    }

    #[test]
    fn the_review_buttons_offer_edit_only_with_an_editor_address_and_fit_64_bytes() {
        let id = Uuid::now_v7();
        let without = review_keyboard(Lang::En, id, None);
        let json = serde_json::to_string(&without).expect("json");
        assert!(!json.contains("web_app"), "{json}");
        let url = url::Url::parse("https://bot.example.com/app/?draft=x").expect("url");
        let with = review_keyboard(Lang::En, id, Some(url));
        let json = serde_json::to_string(&with).expect("json");
        assert!(
            json.contains("\"web_app\":{\"url\":\"https://bot.example.com/app/?draft=x\"}"),
            "{json}"
        );
        for row in with.inline_keyboard.iter().chain(
            restyle_keyboard(Lang::Ar, id, Style::Minimal)
                .inline_keyboard
                .iter(),
        ) {
            for button in row {
                if let teloxide::types::InlineKeyboardButtonKind::CallbackData(data) = &button.kind
                {
                    assert!(data.len() <= crate::workflow::MAX_CALLBACK_BYTES, "{data}");
                    assert!(Callback::parse(data).is_some(), "{data}");
                }
            }
        }
    }
}
