//! `/carousel`, `/cancel`, `/wisdom`, `/ask`, `/history` and `/settings`.
use super::engine::{
    new_workflow, reply_key, settings_view, style_keyboard, Prefs, Workflows, HISTORY_LENGTH,
    MAX_MESSAGE_CHARS,
};
use crate::app::error::AppError;
use crate::app::error::AppResult;
use crate::domain::ContentLanguage;
use crate::domain::Lang;
use crate::domain::QuotaKind;
use crate::domain::WorkflowState;
use crate::messages::ai::ContentKind;
use crate::messages::ai::WriteContent;
use crate::messages::ai::WrittenBody;
use crate::messages::data::LoadHistory;
use crate::messages::telegram::ExecuteCommand;
use crate::messages::Envelope;
use crate::store::Workflow;
use crate::telegram::commands as bot_commands;
use crate::telegram::commands::Command;
use crate::workflow;
use crate::workflow::texts;
use crate::workflow::Callback;
use crate::workflow::TopicProblem;
use std::sync::Arc;
use teloxide::types::InlineKeyboardButton;
use teloxide::types::InlineKeyboardMarkup;
use teloxide::utils::html::escape as escape_html;
use uuid::Uuid;

impl Workflows {
    pub(super) async fn answer_command(
        self: Arc<Self>,
        env: Envelope<ExecuteCommand>,
    ) -> AppResult<()> {
        let c = &env.payload;
        let Some(user) = c.user_id else {
            return Ok(());
        };
        let (chat, reply) = (c.chat_id, c.message_id);
        let prefs = self.prefs(&env, user, c.language_code.as_deref()).await?;
        let lang = prefs.lang;
        let first_name = c.first_name.as_deref().unwrap_or_default();
        let key = |which: &str| reply_key(&env, which);
        if let Some(image) = &c.image {
            return self.brand_upload(&env, user, lang, image).await;
        }
        let command = Command::from_parts(&c.command, &c.args);
        if let Some(mut html) =
            bot_commands::command_reply(command.as_ref(), lang, first_name, Some(user), Some(chat))
        {
            if let (Some(limits), Some(Command::Help | Command::Start)) = (&self.limits, &command) {
                html = format!("{html}\n\n{}", texts::limits_help(lang, &limits.settings));
            }
            return self.say(key("reply"), chat, None, &html, None).await;
        }
        let Some(command) = command else {
            return Ok(());
        };
        match command {
            Command::Carousel(_) => self.request_carousel(&env, user, &prefs).await,
            Command::Cancel => self.cancel_all(&env, user, lang).await,
            Command::Wisdom => {
                let today = chrono::Utc::now().date_naive();
                let kind = ContentKind::Wisdom { date: today };
                // No text to detect a language in: the interface's, unless one was chosen.
                let content = prefs.content_for("");
                self.write_text(&env, user, QuotaKind::Wisdom, kind, (lang, content))
                    .await
            }
            Command::Ask(question) => {
                match workflow::clean_text(&question, workflow::MAX_QUESTION_CHARS) {
                    Ok(question) => {
                        // Answered in the question's language (or the one chosen).
                        let content = prefs.content_for(&question);
                        let kind = ContentKind::Answer { question };
                        self.write_text(&env, user, QuotaKind::Ask, kind, (lang, content))
                            .await
                    }
                    Err(TopicProblem::Empty) => {
                        let text = texts::ask_usage(lang);
                        self.say(key("reply"), chat, reply, &text, None).await
                    }
                    Err(TopicProblem::TooLong { chars }) => {
                        let text =
                            texts::question_too_long(lang, chars, workflow::MAX_QUESTION_CHARS);
                        self.say(key("reply"), chat, reply, &text, None).await
                    }
                }
            }
            Command::History => self.history(&env, user, lang).await,
            Command::Brand(_) => self.brand_command(&env, user, lang).await,
            Command::Settings => {
                let (text, keyboard) = settings_view(&prefs, chat);
                self.say(key("reply"), chat, reply, &text, Some(keyboard))
                    .await
            }
            // These got their reply above.
            Command::Start | Command::Help | Command::Myid => Ok(()),
        }
    }

    /// `/carousel <topic>`: checks the topic, persists the request, offers the styles.
    pub(super) async fn request_carousel(
        &self,
        env: &Envelope<ExecuteCommand>,
        user: i64,
        prefs: &Prefs,
    ) -> AppResult<()> {
        let c = &env.payload;
        let lang = prefs.lang;
        let key = |which: &str| reply_key(env, which);
        let topic = match workflow::clean_topic(&c.args) {
            Ok(topic) => topic,
            Err(TopicProblem::Empty) => {
                let text = texts::carousel_usage(lang);
                return self
                    .say(key("reply"), c.chat_id, c.message_id, &text, None)
                    .await;
            }
            Err(TopicProblem::TooLong { chars }) => {
                let text = texts::topic_too_long(lang, chars, workflow::MAX_TOPIC_CHARS);
                return self
                    .say(key("reply"), c.chat_id, c.message_id, &text, None)
                    .await;
            }
        };
        if let Some((missing, total)) = workflow::undrawable(&topic) {
            let text = texts::topic_undrawable(lang, missing, total);
            return self
                .say(key("reply"), c.chat_id, c.message_id, &text, None)
                .await;
        }
        // The update's correlation id is stable across redeliveries: one request, one row.
        let id = env.correlation_id;
        let wf = match self.rows.workflow(crate::domain::WorkflowId(id)).await? {
            Some(existing) => existing,
            None => {
                if self.at_limit(user).await? {
                    let text = texts::one_at_a_time(lang);
                    return self
                        .say(key("reply"), c.chat_id, c.message_id, &text, None)
                        .await;
                }
                let mut wf = new_workflow(
                    id,
                    user,
                    c.chat_id,
                    c.message_id,
                    topic,
                    prefs,
                    None,
                    self.timeout(),
                );
                wf.handle = Some(
                    prefs
                        .row
                        .handle
                        .text_for(c.username.as_deref(), c.first_name.as_deref()),
                );
                self.rows.create_workflow(&wf).await?;
                wf
            }
        };
        if wf.status_message_id.is_some() || wf.state != WorkflowState::AwaitingStyle {
            return Ok(());
        }
        let offer = texts::pick_style(lang, &wf.topic);
        let keyboard = style_keyboard(lang, id, prefs.row.style);
        // Recorded under the same key on a redelivery: one keyboard per request.
        self.offer(key("offer"), &wf, &offer, Some(keyboard)).await
    }

    /// `/ask` and `/wisdom`: one model call, within the user's quota and the process's cap.
    pub(super) async fn write_text(
        &self,
        env: &Envelope<ExecuteCommand>,
        user: i64,
        quota: QuotaKind,
        kind: ContentKind,
        (lang, content): (Lang, ContentLanguage),
    ) -> AppResult<()> {
        let c = &env.payload;
        let key = reply_key(env, "reply");
        if let Err(refusal) = self.may_start(user, quota, lang).await? {
            return self
                .say(key, c.chat_id, c.message_id, &refusal.text, None)
                .await;
        }
        let request = WriteContent {
            request_id: Uuid::now_v7(),
            lang,
            content,
            kind,
        };
        let written = match self
            .links
            .writer
            .ask(env.caused("orchestrator", request))
            .await?
        {
            Ok(written) => written,
            Err(AppError::Busy { .. }) => {
                let text = texts::busy(lang);
                return self.say(key, c.chat_id, c.message_id, &text, None).await;
            }
            Err(e) => return Err(e),
        };
        let WrittenBody::Text(text) = written.body else {
            return Err(AppError::internal(
                "writing an answer",
                "the writer answered slides",
            ));
        };
        let html = workflow::fit_html(&escape_html(&text), MAX_MESSAGE_CHARS);
        self.say(key, c.chat_id, c.message_id, &html, None).await
    }

    pub(super) async fn history(
        &self,
        env: &Envelope<ExecuteCommand>,
        user: i64,
        lang: Lang,
    ) -> AppResult<()> {
        let (chat, reply) = (env.payload.chat_id, env.payload.message_id);
        let key = reply_key(env, "reply");
        let load = env.caused(
            "orchestrator",
            LoadHistory {
                user_id: user,
                limit: HISTORY_LENGTH,
            },
        );
        let rows = self.links.user_data.history.ask(load).await??;
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
            self.say(key, chat, reply, &texts::history_empty(lang), None)
                .await
        } else {
            let keyboard = InlineKeyboardMarkup::new(buttons);
            self.say(
                key,
                chat,
                reply,
                &texts::history_header(lang),
                Some(keyboard),
            )
            .await
        }
    }

    pub(super) async fn cancel_all(
        &self,
        env: &Envelope<ExecuteCommand>,
        user: i64,
        lang: Lang,
    ) -> AppResult<()> {
        let (chat, reply) = (env.payload.chat_id, env.payload.message_id);
        let key = reply_key(env, "reply");
        let mine = self.rows.cancellable_workflows_of(user).await?;
        if mine.is_empty() {
            let text = texts::nothing_to_cancel(lang);
            return self.say(key, chat, reply, &text, None).await;
        }
        for wf in &mine {
            self.cancel_one(wf, lang).await?;
        }
        self.say(key, chat, reply, &texts::cancel_accepted(lang), None)
            .await
    }

    /// A workflow still waiting for its style ends at once; a running one stops at its next step.
    pub(super) async fn cancel_one(&self, wf: &Workflow, lang: Lang) -> AppResult<()> {
        // Nothing runs for a workflow waiting for the user: it ends here.
        if matches!(
            wf.state,
            WorkflowState::AwaitingStyle | WorkflowState::Reviewing
        ) {
            if self
                .rows
                .finish_workflow(wf.workflow_id()?, WorkflowState::Cancelled, None)
                .await?
            {
                self.count_outcome(WorkflowState::Cancelled);
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
        self.rows.request_cancel(wf.workflow_id()?).await
    }
}
