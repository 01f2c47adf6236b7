//! Runs a workflow step by step, storing each step's output before the next one starts.
use super::engine::{
    album_part_key, cancel_keyboard, deadline_after, offline_note, post_of, slides_of,
    StatusMessage, StatusView, Workflows,
};
use crate::app::error::AppError;
use crate::app::error::AppResult;
use crate::delivery::courier::is_refusal;
use crate::delivery::courier::OutgoingFile;
use crate::delivery::outbox::Outbox;
use crate::delivery::outbox::OutboxMessage;
use crate::delivery::outbox::Outgoing;
use crate::domain::Delivery;
use crate::domain::Lang;
use crate::domain::OutboxStatus;
use crate::domain::Post;
use crate::domain::Slide;
use crate::domain::WorkflowId;
use crate::domain::WorkflowState;
use crate::domain::DEFAULT_SLIDES;
use crate::messages::carousel::RenderedImage;
use crate::messages::data::SaveCarousel;
use crate::messages::workflow::Completed;
use crate::messages::workflow::Started;
use crate::messages::workflow::WorkflowKind;
use crate::messages::Envelope;
use crate::store::now_utc;
use crate::store::Workflow;
use crate::store::WrittenJson;
use crate::workflow;
use crate::workflow::texts;
use crate::workflow::Callback;
use futures::FutureExt;
use std::sync::Arc;
use std::time::Duration;
use std::time::Instant;
use teloxide::types::InlineKeyboardButton;
use teloxide::types::InlineKeyboardMarkup;
use tokio::sync::watch;
use tracing::Instrument;

impl Workflows {
    /// Picks up running workflows nobody holds: never leased, released by a replica that shut
    /// down, or whose replica died (its lease expired). Called at start-up and then periodically.
    pub async fn resume(self: Arc<Self>) -> AppResult<usize> {
        let orphans = self.rows.claimable_workflows(now_utc(), 100).await?;
        let mut resumed = 0;
        for id in orphans {
            if self.running.lock().contains_key(&id) {
                continue;
            }
            tracing::info!(workflow_id = %id, "resuming workflow");
            self.clone().run_detached(id, None);
            resumed += 1;
        }
        Ok(resumed)
    }

    /// Runs a workflow started now (by a press): its trace continues the press's.
    pub(super) fn spawn(self: Arc<Self>, id: WorkflowId) {
        let started_by = crate::observability::telemetry::current_traceparent();
        self.run_detached(id, started_by);
    }

    fn run_detached(self: Arc<Self>, id: WorkflowId, started_by: Option<String>) {
        actix_rt::spawn(self.run(id, started_by));
    }

    /// Runs one workflow to its end while this replica holds its lease (renewed in the
    /// background; if it is lost, this runner stops and the new holder carries on). A store
    /// outage pauses it; a panic ends it as failed, so the user is not left waiting.
    /// `started_by` is the press's span when it runs right away; a resumed run (no such span)
    /// starts a trace of its own, linked to the press's.
    pub(super) async fn run(self: Arc<Self>, id: WorkflowId, started_by: Option<String>) {
        {
            let mut running = self.running.lock();
            if let Some(again) = running.get_mut(&id) {
                // A press moved it on while this process's runner was finishing (offering a
                // draft, say): that runner goes round once more instead of leaving it be.
                *again = true;
                return;
            }
            running.insert(id, false);
        }
        loop {
            self.run_once(id, started_by.as_deref()).await;
            let mut running = self.running.lock();
            if running.get(&id) == Some(&true) {
                running.insert(id, false);
                continue;
            }
            running.remove(&id);
            break;
        }
    }

    async fn run_once(self: &Arc<Self>, id: WorkflowId, started_by: Option<&str>) {
        match self.rows.acquire_workflow(id, &self.lease, now_utc()).await {
            Ok(true) => {
                let lost = self.keep_lease(id);
                tokio::select! {
                    _ = self.clone().run_leased(id, started_by) => {}
                    _ = lost => {
                        tracing::warn!(workflow_id = %id, "workflow lease lost; another replica carries on");
                    }
                }
            }
            Ok(false) => tracing::debug!(workflow_id = %id, "workflow held by another replica"),
            Err(e) => {
                tracing::warn!(workflow_id = %id, error = %e, "workflow not claimed; it is resumed later")
            }
        }
    }

    /// Renews the workflow's lease every third of its duration; resolves when it was lost. A
    /// renewal the store cannot answer is tried again until the lease has run out.
    fn keep_lease(&self, id: WorkflowId) -> impl std::future::Future<Output = ()> + 'static {
        let (rows, lease) = (self.rows.clone(), self.lease.clone());
        async move {
            let every = lease.duration / 3;
            let mut held_until = std::time::Instant::now() + lease.duration;
            loop {
                tokio::time::sleep(every).await;
                match rows.renew_workflow(id, &lease, now_utc()).await {
                    Ok(true) => held_until = std::time::Instant::now() + lease.duration,
                    Ok(false) => return,
                    Err(e) => {
                        tracing::warn!(workflow_id = %id, error = %e, "workflow lease not renewed");
                        if std::time::Instant::now() >= held_until {
                            return;
                        }
                    }
                }
            }
        }
    }

    async fn run_leased(self: Arc<Self>, id: WorkflowId, started_by: Option<&str>) {
        loop {
            let outcome = std::panic::AssertUnwindSafe(self.drive(id, started_by))
                .catch_unwind()
                .await;
            let reason = match outcome {
                Ok(Ok(())) => break,
                Ok(Err(e)) if e.is_store_outage() => {
                    tracing::warn!(
                        workflow_id = %id,
                        error = %e,
                        "store unavailable; the workflow waits"
                    );
                    tokio::time::sleep(self.policy.max_delay).await;
                    continue;
                }
                Ok(Err(e)) => e.to_string(),
                Err(_) => "the workflow panicked".to_string(),
            };
            tracing::error!(workflow_id = %id, reason, "workflow stopped by an internal error");
            if let Ok(Some(wf)) = self.rows.workflow(id).await {
                let lang = wf.lang;
                let status = StatusMessage {
                    latest: None,
                    editor: None,
                };
                let _ = self
                    .fail(&wf, lang, &status, &texts::internal_error(lang), &reason)
                    .await;
            }
            break;
        }
    }

    pub(super) async fn drive(&self, id: WorkflowId, started_by: Option<&str>) -> AppResult<()> {
        let Some(first) = self.rows.workflow(id).await? else {
            return Ok(());
        };
        let span = workflow_span(&first, started_by);
        async move {
            let lang = first.lang;
            let workflow_id = first.workflow_id()?.0;
            let root = Envelope::correlated(
                "orchestrator",
                first.correlation()?,
                Started {
                    workflow_id,
                    kind: WorkflowKind::Carousel,
                },
            );
            let status = self.status_message(&first);
            let mut images = None;
            // The row is read again after every step: it is the record of what is done.
            let mut current = Some(first);
            let result = loop {
                let wf = match current.take() {
                    Some(wf) => wf,
                    None => match self.rows.workflow(id).await? {
                        Some(wf) => wf,
                        None => break Ok(()),
                    },
                };
                if wf.state.is_final() {
                    break Ok(());
                }
                if wf.cancel_requested {
                    let cancelled = WorkflowState::Cancelled;
                    if self.rows.finish_workflow(id, cancelled, None).await? {
                        status.show(texts::cancelled(lang, &wf.topic), None);
                        self.completed(&root, WorkflowState::Cancelled);
                        tracing::info!("workflow cancelled");
                    }
                    break Ok(());
                }
                // A draft waits for the user, not for the workflow's deadline.
                if wf.state == WorkflowState::Reviewing {
                    match self.review(&root, &wf, lang, &status).await {
                        // Changed while it was offered (restyled, rendered): read it again.
                        Ok(true) => continue,
                        other => break other.map(|_| ()),
                    }
                }
                let deadline = wf
                    .deadline_at
                    .unwrap_or_else(|| deadline_after(wf.created_at, self.timeout()));
                let remaining = (deadline - now_utc()).to_std().unwrap_or(Duration::ZERO);
                let timed_out = texts::timed_out(lang);
                if remaining.is_zero() {
                    break self.fail(&wf, lang, &status, &timed_out, "timed out").await;
                }
                let step = wf.state;
                let work = self.step(&root, &wf, lang, &status, &mut images);
                match tokio::time::timeout(remaining, work).await {
                    Ok(Ok(())) => {}
                    Ok(Err(e)) if e.is_store_outage() => break Err(e),
                    Ok(Err(e)) => {
                        let shown = if is_refusal(&e) {
                            texts::telegram_refused(lang)
                        } else {
                            texts::step_failed(lang, step)
                        };
                        let reason = format!("{step}: {e}");
                        break self.fail(&wf, lang, &status, &shown, &reason).await;
                    }
                    Err(_) => break self.fail(&wf, lang, &status, &timed_out, "timed out").await,
                }
            };
            status.close().await;
            result
        }
        .instrument(span)
        .await
    }

    /// One step of a workflow in state `wf.state`; its output is stored before it returns.
    pub(super) async fn step(
        &self,
        root: &Envelope<Started>,
        wf: &Workflow,
        lang: Lang,
        status: &StatusMessage,
        images: &mut Option<Vec<RenderedImage>>,
    ) -> AppResult<()> {
        let started = Instant::now();
        match wf.state {
            WorkflowState::Requested => {
                let _ = self.links.started.tell(root.clone());
                self.rows
                    .advance_workflow(
                        wf.workflow_id()?,
                        WorkflowState::Requested,
                        WorkflowState::Writing,
                    )
                    .await?;
            }
            WorkflowState::Writing => self.write(root, wf, lang, status, started).await?,
            WorkflowState::Rendering => {
                let slides = slides_of(wf)?;
                *images = Some(self.render(root, wf, &slides, lang, status).await?);
                self.rows
                    .advance_workflow(
                        wf.workflow_id()?,
                        WorkflowState::Rendering,
                        WorkflowState::Sending,
                    )
                    .await?;
                self.step_done(root, WorkflowState::Rendering, started);
            }
            WorkflowState::Sending => {
                let images = images.take();
                self.send(root, wf, lang, status, images, started).await?
            }
            // Waiting for the user's press, or over: nothing to run.
            WorkflowState::AwaitingStyle
            | WorkflowState::Reviewing
            | WorkflowState::Done
            | WorkflowState::Failed
            | WorkflowState::Cancelled
            | WorkflowState::Expired => {}
        }
        Ok(())
    }

    /// The writing step: the model writes the slides, which are stored before it returns.
    async fn write(
        &self,
        root: &Envelope<Started>,
        wf: &Workflow,
        lang: Lang,
        status: &StatusMessage,
        started: Instant,
    ) -> AppResult<()> {
        let workflow = wf.workflow_id()?.0;
        status.show(
            texts::writing(lang, &wf.topic),
            cancel_keyboard(lang, workflow),
        );
        let count = usize::try_from(wf.slides).unwrap_or(DEFAULT_SLIDES);
        let written = self
            .steps()
            .write(
                root,
                workflow,
                (lang, wf.content_language()),
                &wf.topic,
                count,
            )
            .await?;
        let json = serde_json::to_string(&written.slides)
            .map_err(|e| AppError::internal("storing the slides", e))?;
        let post = serde_json::to_string(&written.post)
            .map_err(|e| AppError::internal("storing the post", e))?;
        let stored = WrittenJson {
            slides: &json,
            post: Some(&post),
        };
        if wf.review {
            let ttl = Duration::from_secs(self.settings.review_ttl_secs.max(1));
            let until = deadline_after(now_utc(), ttl);
            self.rows
                .save_draft(wf.workflow_id()?, stored, written.origin, until)
                .await?;
        } else {
            self.rows
                .save_written(wf.workflow_id()?, stored, written.origin)
                .await?;
        }
        self.step_done(root, WorkflowState::Writing, started);
        Ok(())
    }

    /// The sending step: the album (drawn again from the stored slides after a restart), the
    /// history record, the workflow marked done and the user told.
    async fn send(
        &self,
        root: &Envelope<Started>,
        wf: &Workflow,
        lang: Lang,
        status: &StatusMessage,
        images: Option<Vec<RenderedImage>>,
        started: Instant,
    ) -> AppResult<()> {
        let workflow = wf.workflow_id()?.0;
        // Written before rendering, with the slides: a row without it was not made by this code.
        let origin = wf.content_source.ok_or_else(|| AppError::CorruptRow {
            table: "workflows",
            id: wf.id.clone(),
            reason: "slides written but content_source empty".into(),
        })?;
        // After a restart the images are drawn again from the stored slides (identically).
        let rendered = match images {
            Some(rendered) => rendered,
            None => self.render(root, wf, &slides_of(wf)?, lang, status).await?,
        };
        let note = offline_note(wf);
        let noted = |html: String| texts::with_note(html, note.as_deref());
        status.show(noted(texts::sending(lang, &wf.topic)), None);
        let count = rendered.len();
        let post = post_of(wf);
        self.deliver(wf, rendered, post.as_ref()).await?;
        if let Some(post) = &post {
            self.send_post(wf, lang, post).await?;
        }
        self.steps()
            .record(
                root,
                SaveCarousel {
                    request_id: workflow,
                    user_id: Some(wf.user_id),
                    topic: wf.topic.clone(),
                    slides: count,
                    style: wf.style.unwrap_or_default(),
                    content_source: origin,
                },
            )
            .await;
        self.rows
            .finish_workflow(wf.workflow_id()?, WorkflowState::Done, None)
            .await?;
        let pdf = InlineKeyboardMarkup::new(vec![vec![InlineKeyboardButton::callback(
            texts::pdf_button(lang),
            Callback::Pdf { workflow }.data(),
        )]]);
        status.show(noted(texts::done(lang, &wf.topic, count)), Some(pdf));
        self.step_done(root, WorkflowState::Sending, started);
        self.completed(root, WorkflowState::Done);
        tracing::info!(slides = count, "carousel delivered");
        Ok(())
    }

    pub(super) fn step_done(
        &self,
        root: &Envelope<Started>,
        step: WorkflowState,
        started: Instant,
    ) {
        self.steps()
            .done(root, root.payload.workflow_id, step, started);
    }

    pub(super) fn completed(&self, root: &Envelope<Started>, outcome: WorkflowState) {
        self.count_outcome(outcome);
        let _ = self.links.completed.tell(root.caused(
            "orchestrator",
            Completed {
                workflow_id: root.payload.workflow_id,
                outcome,
                reason: None,
            },
        ));
    }

    /// Ends a workflow as failed: stored with the reason, the status shows it, the user is told.
    pub(super) async fn fail(
        &self,
        wf: &Workflow,
        lang: Lang,
        status: &StatusMessage,
        shown: &str,
        reason: &str,
    ) -> AppResult<()> {
        tracing::error!(reason, "workflow failed");
        if !self
            .rows
            .finish_workflow(wf.workflow_id()?, WorkflowState::Failed, Some(reason))
            .await?
        {
            return Ok(());
        }
        self.count_outcome(WorkflowState::Failed);
        let text = texts::failed(lang, &wf.topic, shown);
        status.show(text.clone(), None);
        let key = format!("{}:failed", wf.id);
        self.say(key, wf.chat_id, wf.request_message_id, &text, None)
            .await?;
        let _ = self.links.completed.tell(Envelope::correlated(
            "orchestrator",
            wf.correlation()?,
            Completed {
                workflow_id: wf.workflow_id()?.0,
                outcome: WorkflowState::Failed,
                reason: Some(reason.to_string()),
            },
        ));
        Ok(())
    }

    /// Draws the slides a few at a time, showing the progress between batches.
    pub(super) async fn render(
        &self,
        root: &Envelope<Started>,
        wf: &Workflow,
        slides: &[Slide],
        lang: Lang,
        status: &StatusMessage,
    ) -> AppResult<Vec<RenderedImage>> {
        let workflow = wf.workflow_id()?.0;
        let note = offline_note(wf);
        let shown = |drawn: usize, total: usize| {
            status.show(
                texts::with_note(
                    texts::rendering(lang, &wf.topic, drawn, total),
                    note.as_deref(),
                ),
                cancel_keyboard(lang, workflow),
            )
        };
        shown(0, slides.len());
        let mut progress = shown;
        let wf = self.fix_kit(wf).await?;
        let drawing = super::brand::drawing_with_kit(&wf, self.brands.as_ref()).await?;
        let drawn = self
            .steps()
            .draw(root, &drawing, slides, false, Some(&mut progress))
            .await?;
        Ok(drawn.images)
    }

    /// Sends the album part by part through the outbox, each part once its predecessor is sent
    /// (so they arrive in order). A part's row id is fixed by the workflow and the part, so a
    /// resumed workflow finds the parts already sent and records nothing twice.
    pub(super) async fn deliver(
        &self,
        wf: &Workflow,
        images: Vec<RenderedImage>,
        post: Option<&Post>,
    ) -> AppResult<()> {
        let outbox = self.outbox.as_ref().ok_or_else(|| {
            AppError::config("TELEGRAM_BOT_TOKEN", "is needed to deliver carousels")
        })?;
        let mut files: Vec<OutgoingFile> = images
            .into_iter()
            .map(|image| OutgoingFile {
                name: image.file_name,
                bytes: image.bytes.into(),
            })
            .collect();
        let as_documents = match wf.delivery {
            Delivery::Files => true,
            Delivery::Photos => false,
        };
        let caption = workflow::post::album_caption(post, &wf.topic);
        let mut parts = Vec::new();
        for (part, range) in workflow::album_parts(files.len())
            .into_iter()
            .enumerate()
            .rev()
        {
            // Split from the end: each part's files move out without a copy.
            let part_files = files.split_off(range.start);
            let message = OutboxMessage::new(
                album_part_key(&wf.id, part),
                wf.chat_id,
                Outgoing::AlbumPart {
                    workflow_id: wf.id.clone(),
                    part,
                    first: range.start,
                    end: range.end,
                    caption: (part == 0).then(|| caption.clone()),
                    reply_to: wf.request_message_id,
                    as_documents,
                },
            );
            parts.push((message, part_files));
        }
        for (message, part_files) in parts.into_iter().rev() {
            let key = message.id.clone();
            // Handed over before the row exists, so the dispatcher never renders them again.
            self.album_files.put(&key, part_files);
            if !outbox.post(message).await? {
                self.album_files.take(&key);
            }
            sent(outbox, &key).await?;
        }
        Ok(())
    }

    /// The post ready to paste, once after the album (its row id is fixed by the workflow, so
    /// a resumed workflow records it once). Not waited for: the carousel is delivered by now,
    /// and a post Telegram refused must not fail it.
    async fn send_post(&self, wf: &Workflow, lang: Lang, post: &Post) -> AppResult<()> {
        let message = workflow::post::post_message(lang, post, &slides_of(wf)?);
        let key = format!("{}:post", wf.id);
        self.post(key, wf.chat_id, None, &message.html, message.keyboard, None)
            .await
    }

    /// The background editor of a workflow's status message (none without one).
    pub(super) fn status_message(&self, wf: &Workflow) -> StatusMessage {
        let (Some(courier), Some(message)) = (self.courier.clone(), wf.status_message_id) else {
            return StatusMessage {
                latest: None,
                editor: None,
            };
        };
        let (latest, mut updates) = watch::channel::<StatusView>(None);
        let interval = Duration::from_millis(self.settings.progress_interval_ms);
        let chat = wf.chat_id;
        // The edits belong to the workflow's trace, not to traces of their own.
        let span = tracing::Span::current();
        let editor = actix_rt::spawn(tracing::Instrument::instrument(
            async move {
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
                            if let Err(e) = courier.edit_html(chat, message, &html, keyboard).await
                            {
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
            },
            span,
        ));
        StatusMessage {
            latest: Some(latest),
            editor: Some(editor),
        }
    }
}

/// A run's span: in the trace of the press that started it, or, for a run resumed later (here
/// or on another replica), a trace of its own linked to the press's.
fn workflow_span(workflow: &Workflow, started_by: Option<&str>) -> tracing::Span {
    let span = tracing::info_span!(
        parent: None,
        "workflow",
        otel.name = "workflow carousel",
        correlation_id = %workflow.correlation_id,
        workflow_id = %workflow.id,
        resumed = started_by.is_none()
    );
    match started_by {
        Some(press) => crate::observability::telemetry::continue_trace(&span, Some(press)),
        None => {
            crate::observability::telemetry::link_trace(&span, workflow.trace_parent.as_deref())
        }
    }
    span
}

/// Waits until the dispatcher (of any replica) has sent an outbox row; a row it had to give up
/// on fails the step. The workflow's deadline bounds the wait.
async fn sent(outbox: &Outbox, key: &str) -> AppResult<()> {
    loop {
        match outbox.message(key).await? {
            Some(row) if row.status == OutboxStatus::Sent => return Ok(()),
            Some(row) if row.status == OutboxStatus::Failed => {
                return Err(AppError::TelegramRefused {
                    method: "sendMediaGroup",
                    reason: row.last_error.unwrap_or_default(),
                })
            }
            Some(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            None => {
                return Err(AppError::internal(
                    "sending the album",
                    format!("outbox row {key} disappeared"),
                ))
            }
        }
    }
}
