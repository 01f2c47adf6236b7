//! A post ready to paste, through the webhook against the loopback Bot API and model: the album
//! (its caption within Telegram's 1,024) is followed by one message with the whole post and a
//! copy button; the post is stored with the slides, and the Mini App editor shows, checks and
//! saves it, so the message after Send carries the edited caption.
use crate::helpers::*;
use crate::on_both_backends;
use bible_vibecoder::app::config::Settings;
use bible_vibecoder::domain::{Post, Slide, WorkflowState};
use bible_vibecoder::miniapp::auth::signed_init_data;
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;

const ADA: i64 = 424242;
const TOKEN: &str = "123:secret";
const WAIT: Duration = Duration::from_secs(30);

struct Bot {
    app: TestApp,
    telegram: FakeBotApi,
    _model: FakeOpenAi,
}

async fn bot(backend: Backend, model: FakeOpenAi, review: bool) -> Option<Bot> {
    let db = Arc::new(TestDb::create(backend).await?);
    let telegram = FakeBotApi::start();
    let review = if review { "true" } else { "false" };
    let app = spawn_app_tuned(
        db,
        &[
            ("TELEGRAM_BOT_TOKEN", TOKEN),
            ("TELEGRAM_API_URL", &telegram.url),
            ("OPENAI_API_KEY", "sk-test"),
            ("OPENAI_BASE_URL", &model.base_url),
            ("REVIEW_BY_DEFAULT", review),
            ("PUBLIC_BASE_URL", "https://bot.example.com"),
        ],
        |s: &mut Settings| {
            s.workflow.step_backoff_ms = 20;
            s.workflow.progress_interval_ms = 100;
            s.delivery.sweep_ms = 100;
        },
    )
    .await;
    Some(Bot {
        app,
        telegram,
        _model: model,
    })
}

/// The model's answer: ten slides, an alt text on the second, and a short post.
fn model_carousel() -> String {
    let mut answer: Value = serde_json::from_str(&model_slides(10)).expect("json");
    answer["slides"][1]["alt"] = json!("A calendar with every day ticked");
    answer["post"] = json!({
        "caption": "Habits outlast motivation.\n\nSave this & try one today.",
        "hashtags": ["#habits", "faith", "#Growth", "#habits"]
    });
    answer.to_string()
}

fn ada_says(text: &str, update_id: i64) -> String {
    let mut update: Value =
        serde_json::from_str(&fixture("command_carousel_ru.json")).expect("json");
    update["update_id"] = update_id.into();
    update["message"]["text"] = text.into();
    update.to_string()
}

fn ada_presses(data: &str, update_id: i64) -> String {
    let mut update: Value = serde_json::from_str(&fixture("callback_style.json")).expect("json");
    update["update_id"] = update_id.into();
    update["callback_query"]["id"] = format!("press-{update_id}").into();
    update["callback_query"]["data"] = data.into();
    update.to_string()
}

fn init_data(user: i64) -> String {
    let user = json!({"id": user, "first_name": "Ada", "language_code": "ru"}).to_string();
    signed_init_data(&user, chrono::Utc::now().timestamp() - 5, TOKEN)
}

/// The visible length of Telegram HTML, as Telegram counts it (UTF-16 units, tags and the
/// entities our escaping makes taken out).
fn visible_units(html: &str) -> usize {
    let mut text = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
        .encode_utf16()
        .count()
}

impl Bot {
    /// Asks for a carousel and presses a style; answers the workflow id.
    async fn carousel(&self, first_update: i64) -> String {
        self.app
            .post_update(ada_says(
                "/carousel Привычки сильнее мотивации",
                first_update,
            ))
            .await;
        let style = eventually("a style keyboard", WAIT, || async {
            self.telegram
                .calls_to("sendMessage")
                .into_iter()
                .find_map(|m| {
                    button_data(&m)
                        .into_iter()
                        .find(|d| d.starts_with("style:minimal:"))
                })
        })
        .await;
        self.app
            .post_update(ada_presses(&style, first_update + 1))
            .await;
        style.rsplit(':').next().expect("id").to_string()
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

    /// The post messages sent (a `<pre>` block): waits for the first, then answers them all.
    async fn post_messages(&self) -> Vec<Value> {
        let posts = || {
            self.telegram
                .calls_to("sendMessage")
                .into_iter()
                .filter(|m| m["text"].as_str().is_some_and(|t| t.contains("<pre>")))
                .collect::<Vec<_>>()
        };
        eventually("the post message", WAIT, || async {
            Some(posts()).filter(|p| !p.is_empty())
        })
        .await;
        // A second one would come at once after the first: give it the time to.
        tokio::time::sleep(Duration::from_millis(500)).await;
        posts()
    }

    /// Whether the post message (the `n`-th sendMessage) was sent after every album part.
    fn sent_after_the_album(&self, post: &Value) -> bool {
        let messages = self.telegram.calls_to("sendMessage");
        let Some(at) = messages.iter().position(|m| m == post) else {
            return false;
        };
        let sent_at = self.telegram.requests_to("sendMessage")[at].at;
        self.telegram
            .requests_to("sendMediaGroup")
            .iter()
            .all(|album| album.at < sent_at)
    }

    async fn api(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> reqwest::Response {
        let mut request = self
            .app
            .client
            .request(method, format!("{}{path}", self.app.address))
            .header("Authorization", format!("tma {}", init_data(ADA)));
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.expect("request")
    }
}

fn stored_post(wf: &bible_vibecoder::store::Workflow) -> Post {
    serde_json::from_str(wf.post_json.as_deref().expect("a stored post")).expect("post json")
}

fn stored_slides(wf: &bible_vibecoder::store::Workflow) -> Vec<Slide> {
    serde_json::from_str(wf.slides_json.as_deref().expect("slides")).expect("slides json")
}

on_both_backends! {
    async fn a_carousel_ends_with_its_album_then_one_post_message_to_copy(backend) {
        let Some(bot) = bot(backend, FakeOpenAi::start(model_carousel()), false).await else { return };
        let workflow = bot.carousel(890_001).await;
        let done = bot.state_of(&workflow, WorkflowState::Done).await;

        let post = stored_post(&done);
        assert_eq!(post.caption(), "Habits outlast motivation.\n\nSave this & try one today.");
        assert_eq!(post.hashtags(), ["#habits", "#faith", "#Growth"], "normalised, repeats dropped");
        let slides = stored_slides(&done);
        assert_eq!(slides[1].alt, "A calendar with every day ticked", "the model's alt text");
        assert!(slides[0].alt.starts_with("Слайд 1: "), "the others written offline: {:?}", slides[0]);

        let albums = bot.telegram.calls_to("sendMediaGroup");
        assert_eq!(albums.len(), 1);
        let caption = albums[0]["media"][0]["caption"].as_str().unwrap_or_default();
        assert!(visible_units(caption) <= 1024, "{caption}");
        assert!(caption.contains("Save this &amp; try one today."), "{caption}");

        let posts = bot.post_messages().await;
        assert_eq!(posts.len(), 1, "one post message: {posts:?}");
        let message = &posts[0];
        assert!(bot.sent_after_the_album(message), "the post follows the album");
        assert_eq!(message["chat_id"], ADA);
        assert_eq!(message["parse_mode"], "HTML");
        let html = message["text"].as_str().unwrap_or_default();
        assert!(
            html.contains("<pre>Habits outlast motivation.\n\nSave this &amp; try one today.\n\n#habits #faith #Growth</pre>"),
            "{html}"
        );
        assert!(html.contains("2. A calendar with every day ticked"), "the alt texts follow: {html}");
        assert!(visible_units(html) <= 4096);
        let button = &message["reply_markup"]["inline_keyboard"][0][0];
        assert_eq!(button["copy_text"]["text"], post.text(), "the button copies the whole post: {message}");
        assert!(button["text"].as_str().is_some_and(|t| !t.is_empty()));
    }

    async fn a_post_edited_in_the_mini_app_is_checked_saved_and_sent_after_the_album(backend) {
        let Some(bot) = bot(backend, FakeOpenAi::start(model_slides(10)), true).await else { return };
        let workflow = bot.carousel(891_001).await;
        bot.state_of(&workflow, WorkflowState::Reviewing).await;

        let session: Value = bot.api(reqwest::Method::GET, &format!("/app/api/session?draft={workflow}"), None).await.json().await.expect("json");
        let limits = &session["limits"];
        assert_eq!((limits["caption_chars"].as_u64(), limits["alt_chars"].as_u64()), (Some(2200), Some(1000)));
        assert_eq!((limits["hashtags_min"].as_u64(), limits["hashtags_max"].as_u64()), (Some(3), Some(10)));

        // The model wrote no post: the draft has the offline writer's, made of its slides.
        let path = format!("/app/api/drafts/{workflow}");
        let shown: Value = bot.api(reqwest::Method::GET, &path, None).await.json().await.expect("json");
        assert!(shown["post"]["caption"].as_str().is_some_and(|c| c.starts_with("✨ Model slide number 0\n")), "{shown}");
        let tags = shown["post"]["hashtags"].as_array().map(Vec::len).unwrap_or_default();
        assert!((3..=10).contains(&tags), "{shown}");
        assert!(shown["slides"][2]["alt"].as_str().is_some_and(|a| a.starts_with("Слайд 3: ")), "{shown}");

        let edit = |post: Value, slides: &Value| json!({"version": 1, "style": "minimal", "slides": slides, "post": post});
        let slides = shown["slides"].clone();
        let eleven: Vec<String> = (0..11).map(|i| format!("#tag{i}")).collect();
        let refused = bot.api(reqwest::Method::PUT, &path, Some(edit(json!({"caption": "c", "hashtags": eleven}), &slides))).await;
        assert_eq!(refused.status(), 422);
        let refused: Value = refused.json().await.expect("json");
        assert_eq!(refused["error"]["field"], "post.hashtags", "{refused}");
        assert!(refused["error"]["message"].as_str().is_some_and(|m| m.contains("10")), "{refused}");
        let spaced = bot.api(reqwest::Method::PUT, &path, Some(edit(json!({"caption": "c", "hashtags": ["#a", "#b", "#two words"]}), &slides))).await;
        assert_eq!(spaced.json::<Value>().await.expect("json")["error"]["field"], "post.hashtags");
        let long = bot.api(reqwest::Method::PUT, &path, Some(edit(json!({"caption": "я".repeat(2201), "hashtags": ["#a", "#b", "#c"]}), &slides))).await;
        assert_eq!(long.json::<Value>().await.expect("json")["error"]["field"], "post.caption");
        let mut wordy = slides.clone();
        wordy[2]["alt"] = json!("x".repeat(1001));
        let alt = bot.api(reqwest::Method::PUT, &path, Some(edit(json!({"caption": "c", "hashtags": ["#a", "#b", "#c"]}), &wordy))).await;
        assert_eq!(alt.json::<Value>().await.expect("json")["error"]["field"], "slides[2].alt");
        assert_eq!(bot.state_of(&workflow, WorkflowState::Reviewing).await.draft_version, 1, "nothing refused was saved");

        let mut described = slides.clone();
        described[0]["alt"] = json!("Обложка: привычки сильнее мотивации");
        let edited = json!({"caption": "Привычки — это огонь <b>, а не искра.", "hashtags": ["привычки", "#Вера", "#рост", "#вера"]});
        let saved = bot.api(reqwest::Method::PUT, &path, Some(edit(edited, &described))).await;
        assert_eq!(saved.status(), 200);
        let saved: Value = saved.json().await.expect("json");
        assert_eq!(saved["version"], 2);
        assert_eq!(saved["post"]["hashtags"], json!(["#привычки", "#Вера", "#рост"]));
        assert_eq!(saved["slides"][0]["alt"], "Обложка: привычки сильнее мотивации");
        let stored = stored_post(&bot.state_of(&workflow, WorkflowState::Reviewing).await);
        assert_eq!(stored.caption(), "Привычки — это огонь <b>, а не искра.");

        let sent = bot.api(reqwest::Method::POST, &format!("{path}/send"), Some(json!({"version": 2}))).await;
        assert_eq!(sent.status(), 202);
        bot.state_of(&workflow, WorkflowState::Done).await;
        let albums = bot.telegram.calls_to("sendMediaGroup");
        assert_eq!(albums.len(), 1);
        let caption = albums[0]["media"][0]["caption"].as_str().unwrap_or_default();
        assert!(caption.contains("Привычки — это огонь &lt;b&gt;, а не искра."), "{caption}");
        let posts = bot.post_messages().await;
        assert_eq!(posts.len(), 1, "{posts:?}");
        assert!(bot.sent_after_the_album(&posts[0]));
        let html = posts[0]["text"].as_str().unwrap_or_default();
        assert!(html.contains("<pre>Привычки — это огонь &lt;b&gt;, а не искра.\n\n#привычки #Вера #рост</pre>"), "{html}");
        assert!(html.contains("1. Обложка: привычки сильнее мотивации"), "{html}");
        assert_eq!(
            posts[0]["reply_markup"]["inline_keyboard"][0][0]["copy_text"]["text"],
            "Привычки — это огонь <b>, а не искра.\n\n#привычки #Вера #рост"
        );
    }
}
