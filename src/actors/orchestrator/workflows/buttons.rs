//! Button presses: styles, cancel, PDF, make-again and settings. Data that does not parse, or
//! names a request that is gone, finished or someone else's, is answered, never ignored.
use super::*;

impl Workflows {
    pub(super) async fn answer_press(
        self: Arc<Self>,
        env: Envelope<CallbackPressed>,
    ) -> AppResult<()> {
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
    pub(super) async fn stale(&self, q: &CallbackPressed, lang: Lang) -> AppResult<()> {
        let text = texts::stale_button(lang);
        self.answer(&q.query_id, &text).await;
        self.say(q.chat_id.unwrap_or(q.user_id), None, &text, None)
            .await;
        Ok(())
    }

    /// The workflow a button names, when it exists, is this user's and is not finished;
    /// otherwise the press is answered here and `None` returned.
    pub(super) async fn own_workflow(
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

    pub(super) async fn choose_style(
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
    pub(super) async fn again(
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

    pub(super) async fn send_pdf(
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
        let request = render_request(&wf, slides, true, None);
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

    pub(super) async fn change_setting(
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
}
