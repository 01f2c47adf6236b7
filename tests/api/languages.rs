//! Every script a user writes in, through the webhook: the interface in the reader's locale, the
//! slides in the topic's language (or the one chosen in /settings), and the menu in every locale.
use crate::helpers::*;
use crate::on_both_backends;
use bible_vibecoder::domain::{ContentChoice, ContentLanguage, Lang, WorkflowState};
use serde_json::Value;
use std::time::Duration;

const ADA: i64 = 424242;
const WAIT: Duration = Duration::from_secs(20);
const ARABIC_TOPIC: &str = "الإيمان والأمل";

/// The bot with a loopback model answering ten slides (or no model at all).
async fn bot(backend: Backend, model: Option<&FakeOpenAi>) -> Option<(TestApp, FakeBotApi)> {
    let env: Vec<(&str, &str)> = match model {
        Some(model) => vec![
            ("OPENAI_API_KEY", "sk-test"),
            ("OPENAI_BASE_URL", model.base_url.as_str()),
        ],
        None => Vec::new(),
    };
    app_with_bot(backend, &env, |settings| {
        settings.workflow.step_backoff_ms = 20;
        settings.workflow.progress_interval_ms = 50;
        // A few carousels a minute from one user, as these tests make.
        settings.limits.carousel.per_minute = 10;
    })
    .await
}

/// A message sent to `chat` whose buttons start with `prefix`, once there is one.
async fn keyboard(telegram: &FakeBotApi, chat: i64, prefix: &str) -> Value {
    eventually(&format!("a keyboard of {prefix}"), WAIT, || async {
        telegram
            .calls_to("sendMessage")
            .into_iter()
            .find(|m| m["chat_id"] == chat && button_data(m).iter().any(|d| d.starts_with(prefix)))
    })
    .await
}

/// Requests a carousel on `topic` as a reader of `language_code`, presses its first style and
/// waits for the album; answers the workflow's row and the status message's last text.
async fn carousel_of(
    app: &TestApp,
    telegram: &FakeBotApi,
    language_code: &str,
    topic: &str,
    update: i64,
) -> (bible_vibecoder::store::Workflow, String) {
    let request = update_from(
        "command_carousel_ru.json",
        update,
        language_code,
        &format!("/carousel {topic}"),
    );
    app.post_update(request).await;
    let offer = eventually("the style offer for this topic", WAIT, || async {
        telegram.calls_to("sendMessage").into_iter().find(|m| {
            m["text"].as_str().is_some_and(|t| t.contains(topic))
                && button_data(m).iter().any(|d| d.starts_with("style:"))
        })
    })
    .await;
    let style = button_data(&offer)[0].clone();
    let workflow = style.rsplit(':').next().expect("a workflow id").to_string();
    app.post_update(update_from(
        "callback_style.json",
        update + 1,
        language_code,
        &style,
    ))
    .await;
    let done = eventually("the workflow done", WAIT, || async {
        app.store
            .workflows
            .workflow(workflow_id(&workflow))
            .await
            .expect("store")
            .filter(|w| w.state == WorkflowState::Done)
    })
    .await;
    let status = eventually("the finished status", WAIT, || async {
        telegram
            .calls_to("editMessageText")
            .into_iter()
            .rfind(|e| button_data(e) == [format!("pdf:{workflow}")])
            .and_then(|e| e["text"].as_str().map(str::to_string))
    })
    .await;
    (done, status)
}

on_both_backends! {
    async fn a_spanish_reader_asking_about_an_arabic_topic_gets_arabic_slides_and_spanish_words(backend) {
        let model = FakeOpenAi::start(model_slides(10));
        let Some((app, telegram)) = bot(backend, Some(&model)).await else { return };

        let (done, status) = carousel_of(&app, &telegram, "es", ARABIC_TOPIC, 950_001).await;

        assert_eq!((done.lang, done.content_lang), (Lang::Es, Some(ContentLanguage::Ar)));
        let prompts = model.prompts();
        assert_eq!(prompts.len(), 1, "the model is asked once");
        let (system, user) = &prompts[0];
        assert!(user.contains(&format!("\"{ARABIC_TOPIC}\"")), "{user}");
        assert!(user.contains("Write every title and body in Arabic (العربية)"), "the request asks for Arabic: {user}");
        assert!(system.contains("Arabic"), "{system}");
        let offer = keyboard(&telegram, ADA, "style:").await;
        assert!(offer["text"].as_str().is_some_and(|t| t.contains("Elige un estilo:")), "{offer}");
        let styles: Vec<&str> = offer["reply_markup"]["inline_keyboard"][0].as_array().expect("styles").iter().filter_map(|b| b["text"].as_str()).collect();
        assert!(styles.iter().any(|s| s.contains("Galaxia")), "{styles:?}");
        let answered = telegram.calls_to("answerCallbackQuery");
        assert!(answered.iter().any(|a| a["text"] == "Empezando…"), "{answered:?}");
        let edits: Vec<String> = telegram.calls_to("editMessageText").iter().filter_map(|e| e["text"].as_str().map(str::to_string)).collect();
        assert!(edits.iter().any(|t| t.contains("Escribiendo las diapositivas")), "{edits:?}");
        assert_eq!(status, format!("<b>{ARABIC_TOPIC}</b>\n✅ Listo: 10 diapositivas. El PDF está a un toque."));
        let album = &telegram.calls_to("sendMediaGroup")[0];
        let caption = album["media"][0]["caption"].as_str().unwrap_or_default();
        assert!(caption.starts_with(&format!("<b>{ARABIC_TOPIC}</b>\n\n")), "the caption opens with the topic as written: {caption}");
        assert!(caption.contains("#الإيمان"), "the post's hashtags come from the topic's words: {caption}");
        let finished = telegram.calls_to("editMessageText").into_iter().find(|e| button_data(e).iter().any(|d| d.starts_with("pdf:"))).expect("the finished status");
        assert_eq!(finished["reply_markup"]["inline_keyboard"][0][0]["text"], "📄 PDF");
    }

    async fn without_a_model_an_arabic_topic_is_written_in_english_and_the_spanish_status_says_so(backend) {
        let Some((app, telegram)) = bot(backend, None).await else { return };

        let (done, status) = carousel_of(&app, &telegram, "es", ARABIC_TOPIC, 951_001).await;

        assert_eq!(done.content_source.map(|o| o.as_str()), Some("offline:no_api_key"));
        let slides: Vec<bible_vibecoder::domain::Slide> = serde_json::from_str(done.slides_json.as_deref().expect("slides")).expect("slides json");
        assert!(slides.iter().any(|s| s.body.contains(&format!("“{ARABIC_TOPIC}”")) || s.title.contains(ARABIC_TOPIC)), "the topic kept verbatim: {slides:?}");
        assert!(status.contains("✅ Listo:"), "{status}");
        assert!(
            status.ends_with("<i>Escrito en modo sin conexión, en inglés; tu tema se conserva tal como lo escribiste.</i>"),
            "{status}"
        );

        // A Russian reader's Arabic topic is written in Russian, and said so in Russian.
        let (_, status) = carousel_of(&app, &telegram, "ru", "ایمان و امید", 951_101).await;
        assert!(status.contains("Написано офлайн на русском"), "{status}");
        // An English topic needs no note.
        let (_, status) = carousel_of(&app, &telegram, "es", "Why habits beat motivation", 951_201).await;
        assert!(!status.contains("<i>"), "{status}");
    }

    async fn settings_offer_every_locale_and_the_slides_language_the_next_carousel_is_written_in(backend) {
        let model = FakeOpenAi::start(model_slides(10));
        let Some((app, telegram)) = bot(backend, Some(&model)).await else { return };
        app.post_update(update_from("command_start.json", 952_000, "uk", "/start")).await;
        let hello = eventually("the greeting", WAIT, || async {
            telegram.calls_to("sendMessage").into_iter().find(|m| m["chat_id"] == ADA)
        })
        .await;
        assert!(hello["text"].as_str().is_some_and(|t| t.starts_with("Привіт, ") && t.contains("Що я вмію")), "Ukrainian, not Russian: {hello}");

        app.post_update(update_from("command_carousel_ru.json", 952_001, "uk", "/settings")).await;
        let settings = keyboard(&telegram, ADA, "set:").await;
        assert!(settings["text"].as_str().is_some_and(|t| t.contains("<b>Налаштування</b>") && t.contains("Мова: Українська")), "{settings}");
        let data = button_data(&settings);
        for lang in Lang::ALL {
            assert!(data.contains(&format!("set:lang:{lang}")), "{lang} offered: {data:?}");
        }
        for choice in ContentChoice::ALL {
            assert!(data.contains(&format!("set:content:{choice}")), "{choice} offered: {data:?}");
        }
        assert!(settings["reply_markup"]["inline_keyboard"].as_array().expect("rows").iter().all(|row| row.as_array().is_some_and(|r| r.len() <= 5)));

        app.post_update(update_from("callback_style.json", 952_002, "uk", "set:content:fa")).await;
        let saved = eventually("the press answered", WAIT, || async {
            telegram.calls_to("answerCallbackQuery").into_iter().find(|a| a["callback_query_id"] == "press-952002")
        })
        .await;
        assert_eq!(saved["text"], "Збережено.");
        let row = app.store.users.settings_of(ADA).await.expect("store").expect("settings");
        assert_eq!(row.content, ContentChoice::Language(ContentLanguage::Fa));

        let (done, status) = carousel_of(&app, &telegram, "uk", "Morning prayer", 952_010).await;
        assert_eq!(done.content_lang, Some(ContentLanguage::Fa), "the chosen language wins over the topic's");
        assert!(model.prompts()[0].1.contains("in Persian (فارسی)"), "{:?}", model.prompts());
        assert!(status.contains("✅ Готово: 10 слайдів."), "{status}");

        // The interface language chosen in /settings wins over Telegram's, in every reply.
        app.post_update(update_from("callback_style.json", 952_020, "uk", "set:lang:hi")).await;
        let saved = eventually("the press answered", WAIT, || async {
            telegram.calls_to("answerCallbackQuery").into_iter().find(|a| a["callback_query_id"] == "press-952020")
        })
        .await;
        assert_eq!(saved["text"], "सेव हो गया।");
    }
}
