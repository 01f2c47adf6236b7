//! From `/carousel` to an album: the durable workflow end to end, through the webhook, against
//! loopback servers speaking the Bot API and the OpenAI protocol.
use crate::helpers::*;
use crate::on_both_backends;
use bible_vibecoder::app::config::Settings;
use bible_vibecoder::domain::Style;
use bible_vibecoder::domain::{UpdateStatus, WorkflowState};
use serde_json::Value;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

const ADA: i64 = 424242;
const GRACE: i64 = 515151;
const WAIT: Duration = Duration::from_secs(20);

struct Bot {
    app: TestApp,
    telegram: FakeBotApi,
    model: FakeOpenAi,
}

async fn bot_with(
    backend: Backend,
    model: FakeOpenAi,
    tune: impl FnOnce(&mut Settings),
) -> Option<Bot> {
    let db = TestDb::create(backend).await?;
    let telegram = FakeBotApi::start();
    let app = spawn_app_tuned(
        Arc::new(db),
        &[
            ("TELEGRAM_BOT_TOKEN", "123:secret"),
            ("TELEGRAM_API_URL", &telegram.url),
            ("OPENAI_API_KEY", "sk-test"),
            ("OPENAI_BASE_URL", &model.base_url),
        ],
        |settings| {
            settings.workflow.step_backoff_ms = 20;
            settings.workflow.step_backoff_max_ms = 200;
            settings.workflow.progress_interval_ms = 100;
            tune(settings);
        },
    )
    .await;
    Some(Bot {
        app,
        telegram,
        model,
    })
}

async fn bot(backend: Backend) -> Option<Bot> {
    bot_with(backend, FakeOpenAi::start(model_slides(10)), |_| {}).await
}

/// A text message from Ada (Russian) with its own update and message ids.
fn ada_says(text: &str, update_id: i64, message_id: i64) -> String {
    let mut update: Value =
        serde_json::from_str(&fixture("command_carousel_ru.json")).expect("json");
    update["update_id"] = update_id.into();
    update["message"]["message_id"] = message_id.into();
    update["message"]["text"] = text.into();
    update.to_string()
}

/// Ada pressing a button carrying `data`.
fn ada_presses(data: &str, update_id: i64) -> String {
    let mut update: Value = serde_json::from_str(&fixture("callback_style.json")).expect("json");
    update["update_id"] = update_id.into();
    update["callback_query"]["id"] = format!("press-{update_id}").into();
    update["callback_query"]["data"] = data.into();
    update.to_string()
}

impl Bot {
    /// The `n`-th style keyboard offered in `chat` (from 0) and the workflow its buttons name.
    async fn style_offer(&self, chat: i64, n: usize) -> (Value, String) {
        let offer = eventually("a style keyboard", WAIT, || async {
            self.telegram
                .calls_to("sendMessage")
                .into_iter()
                .filter(|m| {
                    m["chat_id"] == chat && button_data(m).iter().any(|d| d.starts_with("style:"))
                })
                .nth(n)
        })
        .await;
        let data = button_data(&offer);
        let workflow = data[0].rsplit(':').next().expect("id").to_string();
        (offer, workflow)
    }

    async fn state_of(
        &self,
        workflow: &str,
        wanted: WorkflowState,
    ) -> bible_vibecoder::store::Workflow {
        eventually(&format!("workflow {wanted}"), WAIT, || async {
            self.app
                .store
                .workflows
                .workflow(workflow_id(workflow))
                .await
                .expect("store")
                .filter(|w| w.state == wanted)
        })
        .await
    }

    async fn message_containing(&self, chat: i64, text: &str) -> Value {
        eventually(&format!("a message with {text:?}"), WAIT, || async {
            self.telegram.calls_to("sendMessage").into_iter().find(|m| {
                m["chat_id"] == chat && m["text"].as_str().is_some_and(|t| t.contains(text))
            })
        })
        .await
    }

    async fn press_answer(&self, update_id: i64) -> Value {
        let id = format!("press-{update_id}");
        eventually("the press answered", WAIT, || async {
            self.telegram
                .calls_to("answerCallbackQuery")
                .into_iter()
                .find(|a| a["callback_query_id"] == id.as_str())
        })
        .await
    }

    async fn albums(&self) -> Vec<Value> {
        self.telegram.calls_to("sendMediaGroup")
    }
}

on_both_backends! {
    async fn a_carousel_request_becomes_an_album_of_slides_at_the_chosen_size(backend) {
        let Some(bot) = bot(backend).await else { return };

        assert_eq!(bot.app.post_update(fixture("command_carousel_ru.json")).await.status(), 200);
        let (offer, workflow) = bot.style_offer(ADA, 0).await;
        assert_eq!(offer["reply_parameters"]["message_id"], 13, "the offer answers the request");
        assert_eq!(offer["parse_mode"], "HTML");
        assert!(offer["text"].as_str().is_some_and(|t| t.contains("Квантовая физика для котов 🐈")), "{offer}");
        assert!(button_data(&offer).iter().all(|d| d.len() <= 64), "{offer}");

        bot.app.post_update(ada_presses(&format!("style:vibrant:{workflow}"), 900_001)).await;

        let album = eventually("the album", WAIT, || async { bot.albums().await.into_iter().next() }).await;
        assert_eq!(album["chat_id"], ADA);
        assert_eq!(album["reply_parameters"]["message_id"], 13, "the album answers the request");
        let media = album["media"].as_array().expect("media");
        assert_eq!(media.len(), 10);
        assert!(media.iter().all(|m| m["type"] == "photo"));
        let caption = media[0]["caption"].as_str().unwrap_or_default();
        assert!(caption.starts_with("<b>Квантовая физика для котов 🐈</b>\n\n✨ Model slide number 0\n"), "the topic, then the post: {caption}");
        assert!(caption.ends_with("#квантовая #физика #котов #вера #библия #вайбкодинг #христианство #мудрость"), "{caption}");
        assert_eq!(media[0]["parse_mode"], "HTML");
        let files = bot.telegram.uploads_to("sendMediaGroup");
        assert_eq!(files.len(), 10);
        let total: usize = files.iter().map(|(_, bytes)| bytes.len()).sum();
        assert!(total <= 10 * 200 * 1024, "photos are light JPEG: {total} bytes for ten");
        for (name, bytes) in &files {
            assert!(name.ends_with(".jpg") && image::guess_format(bytes).ok() == Some(image::ImageFormat::Jpeg), "{name} is a JPEG photo");
            let image = image::load_from_memory(bytes).unwrap_or_else(|e| panic!("{name} decodes: {e}"));
            assert_eq!((image.width(), image.height()), (1080, 1350), "{name}");
        }
        assert!(bot.press_answer(900_001).await["text"].as_str().is_some_and(|t| t.contains("Начинаю")));

        let done = bot.state_of(&workflow, WorkflowState::Done).await;
        assert_eq!(done.style, Some(Style::Vibrant));
        assert_eq!(done.content_source.map(|o| o.as_str()), Some("model"));
        let status = eventually("the finished status", WAIT, || async {
            bot.telegram.calls_to("editMessageText").into_iter().find(|e| button_data(e) == [format!("pdf:{workflow}")])
        })
        .await;
        assert!(status["text"].as_str().is_some_and(|t| t.contains("Готово")), "{status}");
        let progress: Vec<String> = bot.telegram.calls_to("editMessageText").iter().filter_map(|e| e["text"].as_str().map(str::to_string)).collect();
        assert!(progress[0].contains("Пишу слайды"), "{progress:?}");
        let edits = bot.telegram.requests_to("editMessageText");
        assert!(edits.len() >= 3, "writing, progress and done at least: {progress:?}");
        for pair in edits.windows(2).take(edits.len().saturating_sub(2)) {
            assert!(pair[1].at.duration_since(pair[0].at) >= Duration::from_millis(95), "progress edits are paced: {progress:?}");
        }
        assert_eq!(bot.model.calls.load(Ordering::SeqCst), 1, "the model is asked once");
        let metrics = bot.app.get("/metrics").await.text().await.expect("metrics");
        assert!(metrics.contains("bvc_carousels_total{outcome=\"done\"} 1"), "{metrics}");
        assert!(metrics.contains("bvc_workflow_step_duration_seconds_count{step=\"writing\"} 1"));
        let history = bot.app.store.users.carousels_of(ADA, 5).await.expect("history");
        assert_eq!(history[0].topic, "Квантовая физика для котов 🐈");

        // The PDF, on request from the finished message.
        bot.app.post_update(ada_presses(&format!("pdf:{workflow}"), 900_002)).await;
        let pdf = eventually("the PDF", WAIT, || async { bot.telegram.uploads_to("sendDocument").into_iter().next() }).await;
        assert_eq!(pdf.0, "carousel.pdf");
        assert!(pdf.1.starts_with(b"%PDF"));
    }

    async fn carousels_and_pdfs_past_their_daily_quota_are_refused_without_asking_the_model(backend) {
        let quota = bible_vibecoder::app::config::Quota { per_minute: 10, per_day: 1 };
        let Some(bot) = bot_with(backend, FakeOpenAi::start(model_slides(10)), |s| {
            s.limits.carousel = quota;
            s.limits.pdf = quota;
        }).await else { return };
        bot.app.post_update(ada_says("/carousel Вера", 910_000, 30)).await;
        let (_, first) = bot.style_offer(ADA, 0).await;
        bot.app.post_update(ada_presses(&format!("style:galaxy:{first}"), 910_001)).await;
        bot.state_of(&first, WorkflowState::Done).await;
        bot.app.post_update(ada_presses(&format!("pdf:{first}"), 910_002)).await;
        eventually("the one PDF", WAIT, || async { bot.telegram.uploads_to("sendDocument").into_iter().next() }).await;
        bot.app.post_update(ada_presses(&format!("pdf:{first}"), 910_003)).await;
        let refused_pdf = bot.message_containing(ADA, "лимит PDF").await;
        assert!(refused_pdf["text"].as_str().is_some_and(|t| t.contains("00:00 UTC")), "{refused_pdf}");

        bot.app.post_update(ada_says("/carousel Надежда", 910_010, 31)).await;
        let (_, second) = bot.style_offer(ADA, 1).await;
        bot.app.post_update(ada_presses(&format!("style:galaxy:{second}"), 910_011)).await;

        let refused = bot.message_containing(ADA, "лимит каруселей").await;
        assert!(refused["text"].as_str().is_some_and(|t| t.contains("1 в день")), "{refused}");
        assert!(bot.press_answer(910_011).await["text"].as_str().is_some_and(|t| t.contains("лимит")));
        bot.state_of(&second, WorkflowState::AwaitingStyle).await;
        assert_eq!(bot.model.calls.load(Ordering::SeqCst), 1, "the refused carousel never reached the model");
        assert_eq!(bot.albums().await.len(), 1);
        assert_eq!(bot.telegram.uploads_to("sendDocument").len(), 1, "one PDF");
    }

    async fn a_topic_no_font_can_draw_gets_a_reply_naming_the_problem_and_no_carousel(backend) {
        let Some(bot) = bot(backend).await else { return };
        bot.app.post_update(ada_says("/carousel 𐌰𐌱𐌲 𐌳𐌴", 910_100, 40)).await;
        let reply = bot.message_containing(ADA, "не могу нарисовать").await;
        assert!(reply["text"].as_str().is_some_and(|t| t.contains("5 из 5")), "{reply}");
        assert_eq!(bot.model.calls.load(Ordering::SeqCst), 0, "the model was never asked");
        let offers = bot.telegram.calls_to("sendMessage").into_iter().filter(|m| !button_data(m).is_empty()).count();
        assert_eq!(offers, 0, "no style keyboard");
    }

    async fn a_redelivered_update_and_a_second_press_still_make_one_album(backend) {
        let Some(bot) = bot(backend).await else { return };
        bot.app.post_update(fixture("command_carousel_ru.json")).await;
        bot.app.post_update(fixture("command_carousel_ru.json")).await;
        let (_, workflow) = bot.style_offer(ADA, 0).await;

        let press = ada_presses(&format!("style:galaxy:{workflow}"), 900_010);
        bot.app.post_update(press.clone()).await;
        bot.app.post_update(press).await;
        // Updates are handled concurrently: the second press comes after the first is answered.
        bot.press_answer(900_010).await;
        bot.app.post_update(ada_presses(&format!("style:minimal:{workflow}"), 900_011)).await;

        bot.state_of(&workflow, WorkflowState::Done).await;
        bot.press_answer(900_011).await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(bot.albums().await.len(), 1);
        let offers = bot.telegram.calls_to("sendMessage").into_iter().filter(|m| !button_data(m).is_empty()).count();
        assert_eq!(offers, 1, "one keyboard for one request");
        assert_eq!(bot.app.store.workflows.workflow(workflow_id(&workflow)).await.expect("store").expect("row").style, Some(Style::Galaxy));
    }

    async fn flood_control_on_the_album_is_waited_out_and_the_album_goes_once(backend) {
        let Some(bot) = bot(backend).await else { return };
        bot.telegram.script("sendMediaGroup", BotAnswer::Fail {
            status: 429,
            description: "Too Many Requests: retry after 1".into(),
            retry_after: Some(1),
        });
        bot.app.post_update(fixture("command_carousel_ru.json")).await;
        let (_, workflow) = bot.style_offer(ADA, 0).await;
        bot.app.post_update(ada_presses(&format!("style:galaxy:{workflow}"), 900_020)).await;

        bot.state_of(&workflow, WorkflowState::Done).await;
        let tries = bot.telegram.requests_to("sendMediaGroup");
        assert_eq!(tries.iter().map(|r| r.outcome).collect::<Vec<_>>(), ["failed", "ok"]);
        assert!(tries[1].at.duration_since(tries[0].at) >= Duration::from_secs(1), "waited retry_after");
        assert_eq!(bot.albums().await.len(), 1);
    }

    async fn a_server_error_on_the_album_is_retried_and_the_album_goes_once(backend) {
        let Some(bot) = bot(backend).await else { return };
        bot.telegram.script("sendMediaGroup", BotAnswer::Fail {
            status: 502,
            description: "Bad Gateway".into(),
            retry_after: None,
        });
        bot.app.post_update(fixture("command_carousel_ru.json")).await;
        let (_, workflow) = bot.style_offer(ADA, 0).await;
        bot.app.post_update(ada_presses(&format!("style:galaxy:{workflow}"), 900_025)).await;

        bot.state_of(&workflow, WorkflowState::Done).await;
        let tries = bot.telegram.requests_to("sendMediaGroup");
        assert_eq!(tries.iter().map(|r| r.outcome).collect::<Vec<_>>(), ["failed", "ok"]);
    }

    async fn a_carousel_past_its_overall_timeout_fails_politely(backend) {
        let model = FakeOpenAi::start_slow(model_slides(10), Duration::from_secs(3));
        let Some(bot) = bot_with(backend, model, |s| s.workflow.timeout_secs = 1).await else { return };
        bot.app.post_update(fixture("command_carousel_ru.json")).await;
        let (_, workflow) = bot.style_offer(ADA, 0).await;
        bot.app.post_update(ada_presses(&format!("style:galaxy:{workflow}"), 900_026)).await;

        let failed = bot.state_of(&workflow, WorkflowState::Failed).await;
        assert_eq!(failed.error.as_deref(), Some("timed out"));
        bot.message_containing(ADA, "слишком много времени").await;
        assert!(bot.albums().await.is_empty());
    }

    async fn help_lists_the_commands_in_the_users_language(backend) {
        let Some(bot) = bot(backend).await else { return };
        bot.app.post_update(ada_says("/help", 900_027, 27)).await;
        let help = bot.message_containing(ADA, "Что я умею").await;
        assert!(help["text"].as_str().is_some_and(|t| t.contains("/carousel") && t.contains("/cancel")));
    }

    async fn a_refused_album_fails_the_carousel_with_a_message_to_the_user(backend) {
        let Some(bot) = bot(backend).await else { return };
        bot.telegram.script("sendMediaGroup", BotAnswer::Fail {
            status: 400,
            description: "Bad Request: wrong file identifier/HTTP URL specified".into(),
            retry_after: None,
        });
        bot.app.post_update(fixture("command_carousel_ru.json")).await;
        let (_, workflow) = bot.style_offer(ADA, 0).await;
        bot.app.post_update(ada_presses(&format!("style:galaxy:{workflow}"), 900_030)).await;

        let failed = bot.state_of(&workflow, WorkflowState::Failed).await;
        assert!(failed.error.as_deref().is_some_and(|e| e.contains("wrong file identifier")), "{:?}", failed.error);
        bot.message_containing(ADA, "Telegram не принял картинки").await;
        assert_eq!(bot.telegram.requests_to("sendMediaGroup").len(), 1, "a refusal is not retried");
    }

    async fn cancel_stops_a_running_carousel_between_steps(backend) {
        let model = FakeOpenAi::start_slow(model_slides(10), Duration::from_millis(1500));
        let Some(bot) = bot_with(backend, model, |_| {}).await else { return };
        bot.app.post_update(fixture("command_carousel_ru.json")).await;
        let (_, workflow) = bot.style_offer(ADA, 0).await;
        bot.app.post_update(ada_presses(&format!("style:galaxy:{workflow}"), 900_040)).await;
        bot.state_of(&workflow, WorkflowState::Writing).await;

        bot.app.post_update(ada_says("/cancel", 900_041, 41)).await;

        bot.state_of(&workflow, WorkflowState::Cancelled).await;
        bot.message_containing(ADA, "Отменяю").await;
        eventually("the status shows it", WAIT, || async {
            bot.telegram.calls_to("editMessageText").into_iter().find(|e| e["text"].as_str().is_some_and(|t| t.contains("Отменено")))
        })
        .await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert!(bot.albums().await.is_empty());
    }

    async fn a_request_cancelled_before_its_style_leaves_a_stale_button(backend) {
        let Some(bot) = bot(backend).await else { return };
        bot.app.post_update(fixture("command_carousel_ru.json")).await;
        let (_, workflow) = bot.style_offer(ADA, 0).await;
        bot.app.post_update(ada_says("/cancel", 900_050, 50)).await;
        bot.state_of(&workflow, WorkflowState::Cancelled).await;

        bot.app.post_update(ada_presses(&format!("style:galaxy:{workflow}"), 900_051)).await;

        let answer = bot.press_answer(900_051).await;
        assert!(answer["text"].as_str().is_some_and(|t| t.contains("больше не действует")), "{answer}");
        assert!(bot.albums().await.is_empty());
        assert_eq!(bot.model.calls.load(Ordering::SeqCst), 0);
    }

    async fn a_second_carousel_while_one_runs_gets_a_polite_one_at_a_time(backend) {
        let model = FakeOpenAi::start_slow(model_slides(10), Duration::from_millis(1000));
        let Some(bot) = bot_with(backend, model, |_| {}).await else { return };
        bot.app.post_update(fixture("command_carousel_ru.json")).await;
        let (_, first) = bot.style_offer(ADA, 0).await;
        bot.app.post_update(ada_says("/carousel Второй запрос", 900_060, 60)).await;
        let (_, second) = bot.style_offer(ADA, 1).await;

        bot.app.post_update(ada_presses(&format!("style:galaxy:{first}"), 900_061)).await;
        bot.state_of(&first, WorkflowState::Writing).await;
        bot.app.post_update(ada_presses(&format!("style:galaxy:{second}"), 900_062)).await;

        let answer = bot.press_answer(900_062).await;
        assert!(answer["text"].as_str().is_some_and(|t| t.contains("по одной")), "{answer}");
        bot.state_of(&first, WorkflowState::Done).await;
        assert_eq!(bot.app.store.workflows.workflow(workflow_id(&second)).await.expect("store").expect("row").state, WorkflowState::AwaitingStyle);
        assert_eq!(bot.albums().await.len(), 1);
    }

    async fn stale_tampered_or_foreign_buttons_get_an_answer_and_a_polite_message(backend) {
        let Some(bot) = bot(backend).await else { return };
        // The fixture as shipped names no request at all.
        bot.app.post_update(fixture("callback_style.json")).await;
        let stale = eventually("a stale-button answer", WAIT, || async {
            bot.telegram.calls_to("answerCallbackQuery").into_iter().find(|a| a["callback_query_id"] == "4382910293847561")
        })
        .await;
        assert!(stale["text"].as_str().is_some_and(|t| t.contains("больше не действует")), "{stale}");
        bot.message_containing(ADA, "больше не действует").await;

        // Grace's request, pressed by Ada.
        bot.app.post_update(fixture("command_carousel_group_mention.json")).await;
        let (_, graces) = bot.style_offer(-1001234567890, 0).await;
        bot.app.post_update(ada_presses(&format!("style:galaxy:{graces}"), 900_070)).await;
        let foreign = bot.press_answer(900_070).await;
        assert!(foreign["text"].as_str().is_some_and(|t| t.contains("чужой")), "{foreign}");
        assert_eq!(bot.app.store.workflows.workflow(workflow_id(&graces)).await.expect("store").expect("row").state, WorkflowState::AwaitingStyle);
    }

    async fn empty_long_and_hostile_topics_are_answered_clearly(backend) {
        let Some(bot) = bot(backend).await else { return };
        bot.app.post_update(fixture("command_carousel_empty.json")).await;
        bot.message_containing(GRACE, "<code>/carousel Faith and doubt</code>").await;
        bot.app.post_update(fixture("long_topic.json")).await;
        bot.message_containing(GRACE, "within 200").await;

        bot.app.post_update(fixture("hostile_text.json")).await;
        let (offer, workflow) = bot.style_offer(GRACE, 0).await;
        let text = offer["text"].as_str().expect("text");
        assert!(text.contains("&lt;b&gt;bold&lt;/b&gt; *md* _x_"), "{text}");
        assert!(!text.contains('\u{0}') && !text.contains('\u{202E}'), "{text:?}");
        let row = bot.app.store.workflows.workflow(workflow_id(&workflow)).await.expect("store").expect("row");
        assert!(row.topic.contains("DROP TABLE users") && !row.topic.contains('\u{0}'));
    }

    async fn settings_change_the_delivery_and_history_makes_a_carousel_again(backend) {
        let Some(bot) = bot(backend).await else { return };
        bot.app.post_update(fixture("command_start.json")).await;
        bot.app.post_update(ada_says("/settings", 900_080, 80)).await;
        let settings = eventually("the settings", WAIT, || async {
            bot.telegram.calls_to("sendMessage").into_iter().find(|m| button_data(m).iter().any(|d| d == "set:delivery:files"))
        })
        .await;
        assert!(settings["text"].as_str().is_some_and(|t| t.contains("Настройки")));

        bot.app.post_update(ada_presses("set:delivery:files", 900_081)).await;
        assert_eq!(bot.press_answer(900_081).await["text"], "Сохранено.");
        bot.app.post_update(ada_presses("set:style:minimal", 900_085)).await;
        bot.press_answer(900_085).await;
        eventually("the settings shown again", WAIT, || async {
            bot.telegram.calls_to("editMessageText").into_iter().find(|e| e["reply_markup"].to_string().contains("✓ files"))
        })
        .await;

        bot.app.post_update(fixture("command_carousel_ru.json")).await;
        let (offer, workflow) = bot.style_offer(ADA, 0).await;
        let first = &offer["reply_markup"]["inline_keyboard"][0][0];
        assert!(first["text"].as_str().is_some_and(|t| t.starts_with('★')), "the default style comes first: {offer}");
        assert_eq!(first["callback_data"], format!("style:minimal:{workflow}"));
        bot.app.post_update(ada_presses(&format!("style:minimal:{workflow}"), 900_082)).await;
        bot.state_of(&workflow, WorkflowState::Done).await;
        let album = &bot.albums().await[0];
        assert!(album["media"].as_array().expect("media").iter().all(|m| m["type"] == "document"), "{album}");
        let files = bot.telegram.uploads_to("sendMediaGroup");
        assert!(files.iter().all(|(name, bytes)| name.ends_with(".png") && image::guess_format(bytes).ok() == Some(image::ImageFormat::Png)), "files stay lossless PNG");

        bot.app.post_update(ada_says("/history", 900_083, 83)).await;
        let history = eventually("the history", WAIT, || async {
            bot.telegram.calls_to("sendMessage").into_iter().find(|m| button_data(m).iter().any(|d| d.starts_with("again:")))
        })
        .await;
        assert_eq!(button_data(&history), [format!("again:{workflow}")]);
        bot.app.post_update(ada_presses(&format!("again:{workflow}"), 900_084)).await;
        eventually("a second album", WAIT, || async { (bot.albums().await.len() == 2).then_some(()) }).await;
        // The history row is written once the album is out.
        let again = eventually("a second carousel in the history", WAIT, || async {
            Some(bot.app.store.users.carousels_of(ADA, 5).await.expect("history")).filter(|h| h.len() == 2)
        })
        .await;
        assert!(again.iter().all(|c| c.style == Style::Minimal));

        // The language setting wins over Telegram's language code, for every reply.
        bot.app.post_update(ada_presses("set:lang:en", 900_086)).await;
        assert_eq!(bot.press_answer(900_086).await["text"], "Saved.");
        bot.app.post_update(ada_says("/help", 900_087, 87)).await;
        bot.message_containing(ADA, "What I can do").await;
    }

    async fn wisdom_and_ask_answer_in_a_reply_and_an_empty_question_gets_usage(backend) {
        let Some(bot) = bot(backend).await else { return };
        bot.app.post_update(ada_says("/wisdom", 900_090, 90)).await;
        let wisdom = eventually("the wisdom", WAIT, || async {
            bot.telegram.calls_to("sendMessage").into_iter().find(|m| m["reply_parameters"]["message_id"] == 90)
        })
        .await;
        assert!(wisdom["text"].as_str().is_some_and(|t| !t.trim().is_empty()));
        bot.app.post_update(ada_says("/ask", 900_091, 91)).await;
        bot.message_containing(ADA, "<code>/ask").await;
        bot.app.post_update(ada_says(&format!("/ask {}", "в".repeat(1001)), 900_093, 93)).await;
        bot.message_containing(ADA, "В вопросе 1001 символов").await;
        bot.app.post_update(ada_says("/ask Что такое благодать?", 900_092, 92)).await;
        eventually("the answer", WAIT, || async {
            bot.telegram.calls_to("sendMessage").into_iter().find(|m| m["reply_parameters"]["message_id"] == 92)
        })
        .await;
    }

    async fn every_shared_fixture_is_handled_with_the_bot_talking(backend) {
        let Some(bot) = bot(backend).await else { return };
        let names = fixture_names();
        for name in &names {
            let body = fixture(name);
            assert_eq!(bot.app.post_update(body.clone()).await.status(), 200, "{name}");
            let status = bot.app.finished_status(update_id_of(&body)).await;
            assert!(matches!(status, Some(UpdateStatus::Done | UpdateStatus::Ignored)), "{name} ended {status:?}");
        }
        // The group carousel got its keyboard in the group, the stale button its answer.
        bot.style_offer(-1001234567890, 0).await;
        bot.style_offer(ADA, 0).await;
        bot.message_containing(ADA, "больше не действует").await;
        let refused = bot.telegram.requests.lock().expect("requests").iter().filter(|r| r.outcome != "ok").count();
        assert_eq!(refused, 0);
    }

    async fn the_carousel_command_draws_the_same_bytes_as_the_bot_for_the_same_slides(backend) {
        let Some(bot) = bot(backend).await else { return };
        bot.app.post_update(fixture("command_start.json")).await;
        bot.app.post_update(ada_presses("set:delivery:files", 900_090)).await;
        bot.press_answer(900_090).await;
        bot.app.post_update(fixture("command_carousel_ru.json")).await;
        let (_, workflow) = bot.style_offer(ADA, 0).await;
        bot.app.post_update(ada_presses(&format!("style:minimal:{workflow}"), 900_091)).await;
        let done = bot.state_of(&workflow, WorkflowState::Done).await;
        let uploaded = eventually("every part uploaded", WAIT, || async {
            let files = bot.telegram.uploads_to("sendMediaGroup");
            (files.len() == done.slides as usize).then_some(files)
        })
        .await;

        // The command line's path, asked for the same carousel: the model answers the same slides.
        use bible_vibecoder::domain::{ImageFormat, Lang};
        use bible_vibecoder::messages::carousel::{CarouselSpec, GenerateCarousel};
        let request = bible_vibecoder::messages::Envelope::new(
            "cli",
            GenerateCarousel {
                request_id: uuid::Uuid::now_v7(),
                user_id: None,
                spec: CarouselSpec {
                    topic: done.topic.clone(),
                    slides: done.slides as usize,
                    lang: Lang::Ru,
                    content: done.content_language(),
                    style: Style::Minimal,
                    size: done.size,
                    format: ImageFormat::Png,
                    pdf: false,
                    handle: done.handle.clone(),
                },
            },
        );
        let made = bot.app.orchestrator.send(request).await.expect("mailbox").expect("carousel");
        assert_eq!(made.images.len(), uploaded.len());
        for (i, (image, (_, bytes))) in made.images.iter().zip(&uploaded).enumerate() {
            assert!(image.bytes == *bytes, "slide {} differs between the bot and the command", i + 1);
        }
    }
}
