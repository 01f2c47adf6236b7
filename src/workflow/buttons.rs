//! Button presses: styles, cancel, PDF, make-again and settings. Data that does not parse, or
//! names a request that is gone, finished or someone else's, is answered, never ignored.
use super::engine::{
    cancel_keyboard, deadline_after, new_workflow, reply_key, settings_view, Prefs, Workflows,
};
use crate::app::error::AppResult;
use crate::delivery::outbox::OutboxMessage;
use crate::delivery::outbox::Outgoing;
use crate::domain::Lang;
use crate::domain::QuotaKind;
use crate::domain::Style;
use crate::domain::WorkflowState;
use crate::domain::DEFAULT_SLIDES;
use crate::messages::data::LoadCarousel;
use crate::messages::data::SaveSettings;
use crate::messages::telegram::CallbackPressed;
use crate::messages::Envelope;
use crate::store::now_utc;
use crate::store::StyleClaim;
use crate::store::Workflow;
use crate::workflow::texts;
use crate::workflow::Callback;
use crate::workflow::SettingChoice;
use std::sync::Arc;
use uuid::Uuid;

impl Workflows {
    pub(super) async fn answer_press(
        self: Arc<Self>,
        env: Envelope<CallbackPressed>,
    ) -> AppResult<()> {
        let q = &env.payload;
        let prefs = self
            .prefs(&env, q.user_id, q.language_code.as_deref())
            .await?;
        let lang = prefs.lang;
        let Some(callback) = Callback::parse(&q.data) else {
            tracing::info!(data = %q.data, "unknown button data");
            return self.stale(&env, lang).await;
        };
        match callback {
            Callback::Style { style, workflow } => {
                self.choose_style(&env, lang, style, workflow).await
            }
            Callback::Cancel { workflow } => {
                let Some(wf) = self.own_workflow(&env, lang, workflow).await? else {
                    return Ok(());
                };
                self.cancel_one(&wf, lang).await?;
                self.answer(&q.query_id, &texts::cancel_accepted(lang))
                    .await;
                Ok(())
            }
            Callback::Pdf { workflow } => self.send_pdf(&env, lang, workflow).await,
            Callback::Again { workflow } => self.again(&env, &prefs, workflow).await,
            Callback::Review { action, workflow } => {
                self.review_press(&env, lang, action, workflow).await
            }
            Callback::Restyle { style, workflow } => {
                self.restyle_press(&env, lang, style, workflow).await
            }
            Callback::Set { choice, owner } => {
                self.change_setting(&env, prefs, choice, owner).await
            }
            Callback::Brand { button, value } => {
                self.brand_press(&env, lang, button, value.as_deref()).await
            }
        }
    }

    /// A press refused by a quota or the process's caps: the answer to the press and, since
    /// that toast is easy to miss, a message saying when to try again.
    async fn refuse(
        &self,
        env: &Envelope<CallbackPressed>,
        chat: i64,
        refusal: super::quotas::Refusal,
    ) -> AppResult<()> {
        self.answer(&env.payload.query_id, &refusal.text).await;
        self.say(reply_key(env, "limit"), chat, None, &refusal.text, None)
            .await
    }

    /// Stale, unknown or tampered buttons: an answer to the press and a message, never silence.
    pub(super) async fn stale(&self, env: &Envelope<CallbackPressed>, lang: Lang) -> AppResult<()> {
        let q = &env.payload;
        let text = texts::stale_button(lang);
        self.answer(&q.query_id, &text).await;
        let chat = q.chat_id.unwrap_or(q.user_id);
        self.say(reply_key(env, "stale"), chat, None, &text, None)
            .await
    }

    /// The workflow a button names, when it exists, is this user's and is not finished;
    /// otherwise the press is answered here and `None` returned.
    pub(super) async fn own_workflow(
        &self,
        env: &Envelope<CallbackPressed>,
        lang: Lang,
        workflow: Uuid,
    ) -> AppResult<Option<Workflow>> {
        let q = &env.payload;
        let Some(wf) = self
            .rows
            .workflow(crate::domain::WorkflowId(workflow))
            .await?
        else {
            self.stale(env, lang).await?;
            return Ok(None);
        };
        if wf.user_id != q.user_id {
            self.answer(&q.query_id, &texts::not_your_request(lang))
                .await;
            return Ok(None);
        }
        if wf.state.is_final() {
            self.stale(env, lang).await?;
            return Ok(None);
        }
        Ok(Some(wf))
    }

    pub(super) async fn choose_style(
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
        if wf.state != WorkflowState::AwaitingStyle || wf.cancel_requested {
            self.answer(&q.query_id, &texts::already_started(lang))
                .await;
            return Ok(());
        }
        if let Err(refusal) = self.may_start(q.user_id, QuotaKind::Carousel, lang).await? {
            // The request keeps waiting for its style: a press later (or tomorrow) starts it.
            return self.refuse(env, wf.chat_id, refusal).await;
        }
        if let (None, Some(message)) = (wf.status_message_id, q.message_id) {
            // The press came from the offer's message: progress is shown there even if the
            // dispatcher has not recorded the offer's id yet.
            self.rows
                .set_status_message_once(wf.workflow_id()?, message)
                .await?;
        }
        match self.claim(&wf, style).await? {
            StyleClaim::Claimed => {
                self.note_trace(wf.workflow_id()?).await;
                self.clone().spawn(wf.workflow_id()?);
                self.answer(&q.query_id, &texts::starting(lang)).await;
                Ok(())
            }
            StyleClaim::AtLimit => {
                let text = texts::one_at_a_time(lang);
                self.answer(&q.query_id, &text).await;
                let key = reply_key(env, "limit");
                self.say(key, wf.chat_id, wf.request_message_id, &text, None)
                    .await
            }
            StyleClaim::NotWaiting => {
                self.answer(&q.query_id, &texts::already_started(lang))
                    .await;
                Ok(())
            }
        }
    }

    /// Starts a workflow waiting for its style, leased to this replica, if its user is under
    /// the running limit (checked and applied in one statement in the store).
    async fn claim(&self, wf: &Workflow, style: Style) -> AppResult<StyleClaim> {
        let deadline = deadline_after(now_utc(), self.timeout());
        let limit = i64::try_from(self.settings.max_running_per_user.max(1)).unwrap_or(1);
        self.rows
            .claim_style(
                wf.workflow_id()?,
                wf.user_id,
                style,
                deadline,
                &self.lease,
                limit,
            )
            .await
    }

    /// `again:<id>` from /history: the same topic and style as a new workflow.
    pub(super) async fn again(
        self: Arc<Self>,
        env: &Envelope<CallbackPressed>,
        prefs: &Prefs,
        workflow: Uuid,
    ) -> AppResult<()> {
        let q = &env.payload;
        let lang = prefs.lang;
        let load = env.caused(
            "orchestrator",
            LoadCarousel {
                id: workflow.to_string(),
            },
        );
        let Some(row) = self.links.user_data.carousel.ask(load).await?? else {
            return self.stale(env, lang).await;
        };
        if row.user_id != Some(q.user_id) {
            self.answer(&q.query_id, &texts::not_your_request(lang))
                .await;
            return Ok(());
        }
        let id = env.correlation_id;
        if self
            .rows
            .workflow(crate::domain::WorkflowId(id))
            .await?
            .is_some()
        {
            self.answer(&q.query_id, &texts::already_started(lang))
                .await;
            return Ok(());
        }
        let chat = q.chat_id.unwrap_or(q.user_id);
        if let Err(refusal) = self.may_start(q.user_id, QuotaKind::Carousel, lang).await? {
            return self.refuse(env, chat, refusal).await;
        }
        let mut prefs = prefs.clone();
        prefs.slides = usize::try_from(row.slides).unwrap_or(DEFAULT_SLIDES);
        // Made as a request waiting for its style, then claimed with the chosen one: the same
        // per-user limit as a style press, enforced in the store.
        let mut wf = new_workflow(
            id,
            q.user_id,
            chat,
            None,
            row.topic.clone(),
            &prefs,
            None,
            self.timeout(),
        );
        wf.handle = Some(
            prefs
                .row
                .handle
                .text_for(q.username.as_deref(), q.first_name.as_deref()),
        );
        if !self.rows.create_workflow(&wf).await? {
            return Ok(());
        }
        match self.claim(&wf, row.style).await? {
            StyleClaim::Claimed => {}
            StyleClaim::AtLimit => {
                self.rows
                    .finish_workflow(
                        wf.workflow_id()?,
                        WorkflowState::Cancelled,
                        Some("at the running limit"),
                    )
                    .await?;
                let text = texts::one_at_a_time(lang);
                self.answer(&q.query_id, &text).await;
                return self
                    .say(reply_key(env, "limit"), chat, None, &text, None)
                    .await;
            }
            StyleClaim::NotWaiting => return Ok(()),
        }
        let status = texts::writing(lang, &wf.topic);
        self.offer(
            reply_key(env, "status"),
            &wf,
            &status,
            cancel_keyboard(lang, id),
        )
        .await?;
        self.note_trace(wf.workflow_id()?).await;
        self.clone().spawn(wf.workflow_id()?);
        self.answer(&q.query_id, &texts::starting(lang)).await;
        Ok(())
    }

    /// Keeps the press's trace on the workflow row (when traces are exported); a failure to
    /// write it costs only the link from a resumed run.
    async fn note_trace(&self, workflow: crate::domain::WorkflowId) {
        if let Some(press) = crate::observability::telemetry::current_traceparent() {
            if let Err(e) = self.rows.note_workflow_trace(workflow, &press).await {
                tracing::warn!(error = %e, "workflow trace not recorded");
            }
        }
    }

    pub(super) async fn send_pdf(
        &self,
        env: &Envelope<CallbackPressed>,
        lang: Lang,
        workflow: Uuid,
    ) -> AppResult<()> {
        let q = &env.payload;
        let wf = match self
            .rows
            .workflow(crate::domain::WorkflowId(workflow))
            .await?
        {
            Some(wf) if wf.state == WorkflowState::Done && wf.user_id == q.user_id => wf,
            Some(wf) if wf.user_id != q.user_id => {
                self.answer(&q.query_id, &texts::not_your_request(lang))
                    .await;
                return Ok(());
            }
            _ => return self.stale(env, lang).await,
        };
        if let Err(refusal) = self.may_start(q.user_id, QuotaKind::Pdf, lang).await? {
            return self.refuse(env, wf.chat_id, refusal).await;
        }
        self.answer(&q.query_id, "PDF…").await;
        let Some(outbox) = &self.outbox else {
            return Ok(());
        };
        // The dispatcher draws the PDF from the stored slides when it sends it.
        let pdf = Outgoing::Pdf {
            workflow_id: wf.id.clone(),
            caption: texts::caption(&wf.topic),
            reply_to: wf.status_message_id,
        };
        outbox
            .post(OutboxMessage::new(reply_key(env, "pdf"), wf.chat_id, pdf))
            .await
            .map(|_| ())
    }

    /// A press on a /settings keyboard changes the settings of the user whose keyboard it is,
    /// and only when that user pressed it: in a group anyone can press any button.
    pub(super) async fn change_setting(
        &self,
        env: &Envelope<CallbackPressed>,
        prefs: Prefs,
        choice: SettingChoice,
        owner: Option<i64>,
    ) -> AppResult<()> {
        let q = &env.payload;
        // A keyboard that names no owner (from before owners were named) is trusted only in
        // the presser's own private chat.
        let owner = owner.or_else(|| q.chat_id.filter(|chat| *chat == q.user_id));
        if owner != Some(q.user_id) {
            self.answer(&q.query_id, &texts::not_your_settings(prefs.lang))
                .await;
            return Ok(());
        }
        let mut row = prefs.row;
        match choice {
            SettingChoice::Style(style) => row.style = style,
            SettingChoice::Slides(count) => row.slides = i32::from(count),
            SettingChoice::Size(size) => row.size = size,
            SettingChoice::Lang(lang) => row.lang = Some(lang),
            SettingChoice::Content(content) => row.content = content,
            SettingChoice::Delivery(delivery) => row.delivery = delivery,
            SettingChoice::Handle(handle) => row.handle = handle,
            SettingChoice::Review(review) => row.review = Some(review),
        }
        row.updated_at = now_utc();
        let save = env.caused(
            "orchestrator",
            SaveSettings {
                settings: row.clone(),
            },
        );
        self.links.user_data.save_settings.ask(save).await??;
        let prefs = Prefs::from_row(
            row,
            q.language_code.as_deref(),
            self.settings.review_by_default,
        );
        self.answer(&q.query_id, &texts::saved(prefs.lang)).await;
        if let (Some(chat), Some(message)) = (q.chat_id, q.message_id) {
            let (text, keyboard) = settings_view(&prefs, chat);
            self.edit(chat, message, &text, Some(keyboard)).await;
        }
        Ok(())
    }
}
