//! Review before render and the Mini App editor's API, through the webhook, against the
//! loopback Bot API and model: the draft is offered, edited with a signed initData, sent, and
//! the album carries the edit; strangers, forgers and stale devices are refused.
use crate::helpers::*;
use crate::on_both_backends;
use bible_vibecoder::app::config::Settings;
use bible_vibecoder::domain::{Slide, WorkflowState};
use bible_vibecoder::miniapp::auth::signed_init_data;
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;

const ADA: i64 = 424242;
const GRACE: i64 = 515151;
const TOKEN: &str = "123:secret";
const WAIT: Duration = Duration::from_secs(30);

struct Bot {
    app: TestApp,
    telegram: FakeBotApi,
    _model: FakeOpenAi,
}

async fn bot_on(
    db: Arc<TestDb>,
    tune: impl FnOnce(&mut Settings),
) -> (TestApp, FakeBotApi, FakeOpenAi) {
    let telegram = FakeBotApi::start();
    let model = FakeOpenAi::start(model_slides(10));
    let app = spawn_app_tuned(
        db,
        &[
            ("TELEGRAM_BOT_TOKEN", TOKEN),
            ("TELEGRAM_API_URL", &telegram.url),
            ("OPENAI_API_KEY", "sk-test"),
            ("OPENAI_BASE_URL", &model.base_url),
            ("REVIEW_BY_DEFAULT", "true"),
            ("PUBLIC_BASE_URL", "https://bot.example.com"),
        ],
        |s| {
            s.workflow.step_backoff_ms = 20;
            s.workflow.progress_interval_ms = 100;
            s.delivery.sweep_ms = 100;
            tune(s);
        },
    )
    .await;
    (app, telegram, model)
}

async fn bot(backend: Backend, tune: impl FnOnce(&mut Settings)) -> Option<Bot> {
    let db = Arc::new(TestDb::create(backend).await?);
    let (app, telegram, model) = bot_on(db, tune).await;
    Some(Bot {
        app,
        telegram,
        _model: model,
    })
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

/// Telegram's initData for `user`, signed `age_secs` ago with `token`.
fn init_data(user: i64, age_secs: i64, token: &str) -> String {
    let user = json!({"id": user, "first_name": "Ada", "language_code": "ru"}).to_string();
    signed_init_data(&user, chrono::Utc::now().timestamp() - age_secs, token)
}

impl Bot {
    /// Asks for a carousel, presses a style and waits for the draft's review message; answers
    /// the workflow id and that message (a sendPhoto).
    async fn draft(&self, first_update: i64) -> (String, Value) {
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
        let workflow = style.rsplit(':').next().expect("id").to_string();
        self.app
            .post_update(ada_presses(&style, first_update + 1))
            .await;
        let offer = self.review_message(&workflow, 0).await;
        (workflow, offer)
    }

    /// The `n`-th review message of a draft (a photo whose buttons name it).
    async fn review_message(&self, workflow: &str, n: usize) -> Value {
        let render = format!("review:render:{workflow}");
        eventually("the draft's review message", WAIT, || async {
            self.telegram
                .calls_to("sendPhoto")
                .into_iter()
                .filter(|m| m["reply_markup"].to_string().contains(&render))
                .nth(n)
        })
        .await
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

    async fn api(
        &self,
        method: reqwest::Method,
        path: &str,
        auth: Option<&str>,
        body: Option<Value>,
    ) -> reqwest::Response {
        let mut request = self
            .app
            .client
            .request(method, format!("{}{path}", self.app.address));
        if let Some(auth) = auth {
            request = request.header("Authorization", format!("tma {auth}"));
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.expect("request")
    }
}

fn stored_slides(wf: &bible_vibecoder::store::Workflow) -> Vec<Slide> {
    serde_json::from_str(wf.slides_json.as_deref().expect("slides")).expect("slides json")
}

on_both_backends! {
    async fn a_reviewed_draft_is_edited_in_the_mini_app_and_sent_as_one_album_with_the_edit(backend) {
        let Some(bot) = bot(backend, |_| {}).await else { return };
        let (workflow, offer) = bot.draft(880_001).await;
        let markup = offer["reply_markup"].to_string();
        assert!(markup.contains(&format!("https://bot.example.com/app/?draft={workflow}")), "the Edit button opens the editor: {markup}");
        for action in ["review:rewrite:", "review:style:"] {
            assert!(markup.contains(action), "{markup}");
        }
        assert!(bot.telegram.calls_to("sendMediaGroup").is_empty(), "nothing is drawn in full before review");
        let draft = bot.state_of(&workflow, WorkflowState::Reviewing).await;
        assert_eq!(draft.draft_version, 1);
        let preview = bot.telegram.uploads_to("sendPhoto");
        assert_eq!(preview.len(), 1, "the first slide, as a photo");

        let ada = init_data(ADA, 5, TOKEN);
        let path = format!("/app/api/drafts/{workflow}");
        let got = bot.api(reqwest::Method::GET, &path, Some(&ada), None).await;
        assert_eq!(got.status(), 200);
        let mut shown: Value = got.json().await.expect("json");
        assert_eq!(shown["version"], 1);
        assert_eq!(shown["editable"], true);
        let slides = shown["slides"].as_array_mut().expect("slides");
        assert_eq!(slides.len(), 10);
        // Slide 2 gets a new title and moves first.
        let mut second = slides.remove(1);
        second["title"] = json!("<img src=x onerror=alert(1)> Сначала главное");
        slides.insert(0, second);
        let edit = json!({"version": 1, "style": "minimal", "slides": slides});

        // A stranger, a forger and an old initData get nothing.
        let grace = init_data(GRACE, 5, TOKEN);
        let refused = bot.api(reqwest::Method::PUT, &path, Some(&grace), Some(edit.clone())).await;
        assert_eq!(refused.status(), 403);
        assert_eq!(refused.json::<Value>().await.expect("json")["error"]["code"], "forbidden");
        let forged = init_data(ADA, 5, "123:another-token");
        assert_eq!(bot.api(reqwest::Method::GET, &path, Some(&forged), None).await.status(), 401);
        let expired = init_data(ADA, 2 * 3600, TOKEN);
        let old = bot.api(reqwest::Method::GET, &path, Some(&expired), None).await;
        assert_eq!(old.status(), 401);
        assert_eq!(old.json::<Value>().await.expect("json")["error"]["code"], "unauthorized");
        assert_eq!(bot.api(reqwest::Method::GET, &path, None, None).await.status(), 401);

        let saved = bot.api(reqwest::Method::PUT, &path, Some(&ada), Some(edit.clone())).await;
        assert_eq!(saved.status(), 200);
        assert_eq!(saved.json::<Value>().await.expect("json")["version"], 2);
        // The second device still had version 1: refused, and handed what is there now.
        let stale = bot.api(reqwest::Method::PUT, &path, Some(&ada), Some(edit)).await;
        assert_eq!(stale.status(), 409);
        let stale: Value = stale.json().await.expect("json");
        assert_eq!(stale["error"]["code"], "stale");
        assert_eq!(stale["draft"]["version"], 2);
        assert_eq!(stale["draft"]["slides"][0]["title"], "<img src=x onerror=alert(1)> Сначала главное");
        let grace_send = bot.api(reqwest::Method::POST, &format!("{path}/send"), Some(&grace), Some(json!({"version": 2}))).await;
        assert_eq!(grace_send.status(), 403);
        let stale_send = bot.api(reqwest::Method::POST, &format!("{path}/send"), Some(&ada), Some(json!({"version": 1}))).await;
        assert_eq!(stale_send.status(), 409);

        let sent = bot.api(reqwest::Method::POST, &format!("{path}/send"), Some(&ada), Some(json!({"version": 2}))).await;
        assert_eq!(sent.status(), 202);
        assert_eq!(sent.json::<Value>().await.expect("json")["editable"], false);
        let album = eventually("the album", WAIT, || async { bot.telegram.calls_to("sendMediaGroup").into_iter().next() }).await;
        assert_eq!(album["media"].as_array().map(Vec::len), Some(10));
        let done = bot.state_of(&workflow, WorkflowState::Done).await;
        let slides = stored_slides(&done);
        assert_eq!(slides[0].title, "<img src=x onerror=alert(1)> Сначала главное");
        assert_eq!(bot.telegram.calls_to("sendMediaGroup").len(), 1, "one album");
        let closed = bot.api(reqwest::Method::PUT, &path, Some(&ada), Some(json!({"version": 2, "slides": done_slides(&slides)}))).await;
        assert_eq!(closed.status(), 409, "a sent draft takes no edits");
    }

    async fn a_draft_survives_a_restart_and_the_press_after_it_renders_it(backend) {
        let Some(db) = TestDb::create(backend).await else { return };
        let db = Arc::new(db);
        let (app, telegram, model) = bot_on(db.clone(), |_| {}).await;
        let bot = Bot { app, telegram, _model: model };
        let (workflow, _) = bot.draft(881_001).await;
        bot.state_of(&workflow, WorkflowState::Reviewing).await;
        bot.app.stop().await;

        let (app, telegram, model) = bot_on(db, |_| {}).await;
        let bot = Bot { app, telegram, _model: model };
        let draft = bot.state_of(&workflow, WorkflowState::Reviewing).await;
        assert_eq!(draft.draft_version, 1, "kept as it was");
        bot.app.post_update(ada_presses(&format!("review:render:{workflow}"), 881_010)).await;
        let album = eventually("the album", WAIT, || async { bot.telegram.calls_to("sendMediaGroup").into_iter().next() }).await;
        assert_eq!(album["media"].as_array().map(Vec::len), Some(10));
        bot.state_of(&workflow, WorkflowState::Done).await;
    }

    async fn a_draft_left_alone_expires_with_one_message_and_its_buttons_then_say_so(backend) {
        let Some(bot) = bot(backend, |s| s.workflow.review_ttl_secs = 1).await else { return };
        let (workflow, _) = bot.draft(882_001).await;
        let expired = bot.state_of(&workflow, WorkflowState::Expired).await;
        assert_eq!(expired.error.as_deref(), Some("draft expired"));
        let notes = eventually("the expiry message", WAIT, || async {
            let notes: Vec<Value> = bot.telegram.calls_to("sendMessage").into_iter()
                .filter(|m| m["text"].as_str().is_some_and(|t| t.contains("⌛")))
                .collect();
            (!notes.is_empty()).then_some(notes)
        })
        .await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        let again: Vec<Value> = bot.telegram.calls_to("sendMessage").into_iter()
            .filter(|m| m["text"].as_str().is_some_and(|t| t.contains("⌛")))
            .collect();
        assert_eq!(notes.len(), 1);
        assert_eq!(again.len(), 1, "one message, however many sweeps pass");
        bot.app.post_update(ada_presses(&format!("review:render:{workflow}"), 882_010)).await;
        eventually("the press answered", WAIT, || async {
            bot.telegram.calls_to("answerCallbackQuery").into_iter().find(|a| a["callback_query_id"] == "press-882010")
        })
        .await;
        assert!(bot.telegram.calls_to("sendMediaGroup").is_empty());
    }

    async fn a_style_press_on_a_draft_offers_it_again_and_rewrite_writes_it_again(backend) {
        let Some(bot) = bot(backend, |_| {}).await else { return };
        let (workflow, _) = bot.draft(883_001).await;
        bot.app.post_update(ada_presses(&format!("review:style:{workflow}"), 883_010)).await;
        let keyboard = eventually("the draft's style buttons", WAIT, || async {
            bot.telegram.calls_to("editMessageReplyMarkup").into_iter().find(|e| e["reply_markup"].to_string().contains("restyle:"))
        })
        .await;
        assert!(keyboard["reply_markup"].to_string().contains(&format!("restyle:galaxy:{workflow}")));
        bot.app.post_update(ada_presses(&format!("restyle:galaxy:{workflow}"), 883_011)).await;
        bot.review_message(&workflow, 1).await;
        let restyled = bot.state_of(&workflow, WorkflowState::Reviewing).await;
        assert_eq!(restyled.style, Some(bible_vibecoder::domain::Style::Galaxy));
        assert_eq!(restyled.draft_version, 2);
        bot.app.post_update(ada_presses(&format!("review:rewrite:{workflow}"), 883_012)).await;
        bot.review_message(&workflow, 2).await;
        let rewritten = eventually("the draft written again", WAIT, || async {
            bot.app.store.workflows.workflow(workflow_id(&workflow)).await.expect("store")
                .filter(|w| w.state == WorkflowState::Reviewing && w.draft_version == 3)
        })
        .await;
        assert_eq!(rewritten.style, Some(bible_vibecoder::domain::Style::Galaxy));
    }

    async fn the_editor_preview_is_a_small_jpeg_that_says_how_the_text_fitted_and_is_rate_limited(backend) {
        let Some(bot) = bot(backend, |s| s.app.previews_per_minute = 2).await else { return };
        let (workflow, _) = bot.draft(884_001).await;
        let ada = init_data(ADA, 5, TOKEN);
        let path = format!("/app/api/drafts/{workflow}/preview");
        let body = |title: &str| json!({"index": 1, "total": 10, "style": "vibrant", "slide": {"kind": "idea", "title": title, "body": "Один шаг в день."}});
        let first = bot.api(reqwest::Method::POST, &path, Some(&ada), Some(body("Маленькие шаги"))).await;
        assert_eq!(first.status(), 200);
        assert_eq!(first.headers()["content-type"], "image/jpeg");
        assert_eq!(first.headers()["x-text-fit"], "fits");
        let bytes = first.bytes().await.expect("bytes");
        let image = image::load_from_memory(&bytes).expect("a JPEG");
        assert_eq!(image.width(), 540);
        let huge = "слово ".repeat(400);
        let cut = bot.api(reqwest::Method::POST, &path, Some(&ada), Some(json!({"index": 1, "total": 10, "slide": {"kind": "idea", "title": "Шаги", "body": huge}}))).await;
        assert_eq!(cut.status(), 200);
        assert_ne!(cut.headers()["x-text-fit"], "fits");
        let limited = bot.api(reqwest::Method::POST, &path, Some(&ada), Some(body("Ещё"))).await;
        assert_eq!(limited.status(), 429);
        assert!(limited.headers().contains_key("retry-after"));
        let grace = init_data(GRACE, 5, TOKEN);
        assert_eq!(bot.api(reqwest::Method::POST, &path, Some(&grace), Some(body("x"))).await.status(), 403);
    }
}

fn done_slides(slides: &[Slide]) -> Value {
    serde_json::to_value(slides).expect("json")
}

#[actix_rt::test]
async fn the_editor_page_is_served_under_a_strict_policy_and_unknown_paths_are_json_404s() {
    let Some(bot) = bot(Backend::Sqlite, |_| {}).await else {
        return;
    };
    let page = bot.app.get("/app/").await;
    assert_eq!(page.status(), 200);
    let policy = page.headers()["content-security-policy"]
        .to_str()
        .expect("ascii")
        .to_string();
    assert!(
        policy.contains("script-src 'self' https://telegram.org"),
        "{policy}"
    );
    assert!(
        policy.contains("frame-ancestors https://web.telegram.org"),
        "{policy}"
    );
    assert!(!policy.contains("unsafe-inline"), "{policy}");
    let html = page.text().await.expect("html");
    assert!(html.contains("https://telegram.org/js/telegram-web-app.js"));
    for file in ["app.js", "app.css"] {
        assert_eq!(
            bot.app.get(&format!("/app/{file}")).await.status(),
            200,
            "{file}"
        );
    }
    assert_eq!(bot.app.get("/app/../Cargo.toml").await.status(), 404);
    let fetch = |file: &'static str, headers: Vec<(&'static str, String)>| {
        let mut request = bot
            .app
            .client
            .get(format!("{}/app/{file}", bot.app.address));
        for (name, value) in headers {
            request = request.header(name, value);
        }
        async move { request.send().await.expect("request") }
    };
    let plain = fetch("app.js", vec![]).await;
    assert!(!plain.headers().contains_key("content-encoding"));
    let etag = plain.headers()["etag"].to_str().expect("ascii").to_string();
    let plain = plain.bytes().await.expect("bytes");
    let gzipped = fetch("app.js", vec![("Accept-Encoding", "gzip, br".into())]).await;
    assert_eq!(gzipped.headers()["content-encoding"], "gzip");
    assert_eq!(gzipped.headers()["vary"], "Accept-Encoding");
    let gzipped = gzipped.bytes().await.expect("bytes");
    assert!(
        gzipped.len() * 2 < plain.len(),
        "{} gzipped of {}",
        gzipped.len(),
        plain.len()
    );
    let again = fetch("app.js", vec![("If-None-Match", etag.clone())]).await;
    assert_eq!(
        again.status(),
        304,
        "an editor opened again downloads nothing"
    );
    assert!(again.bytes().await.expect("bytes").is_empty());
    assert_eq!(
        fetch("app.js", vec![("If-None-Match", "\"old\"".into())])
            .await
            .status(),
        200
    );
    let api = bot.app.get("/app/api/nothing").await;
    assert_eq!(api.status(), 404);
    assert_eq!(
        api.json::<Value>().await.expect("json")["error"]["code"],
        "not_found"
    );
    let forged = bot
        .app
        .client
        .get(format!("{}/app/api/session", bot.app.address))
        .header(
            "Authorization",
            "tma query_id=1&user=%7B%22id%22%3A1%7D&auth_date=1&hash=00",
        )
        .send()
        .await
        .expect("request");
    assert_eq!(forged.status(), 401);
    let ada = init_data(ADA, 5, TOKEN);
    let session = bot
        .app
        .client
        .get(format!("{}/app/api/session", bot.app.address))
        .header("Authorization", format!("tma {ada}"))
        .send()
        .await
        .expect("request");
    assert_eq!(session.status(), 200);
    let session: Value = session.json().await.expect("json");
    assert_eq!(session["user"]["id"], ADA);
    assert_eq!(session["lang"], "ru");
    assert!(session["strings"]["app-title"].is_string(), "{session}");
}
