//! The brand kit: the Mini App's `/app/api/brand` (read, saved with a version, refused when
//! stale or invalid), `/brand` in the chat with its buttons (the Telegram profile photo through
//! getUserProfilePhotos, getFile and the file download), a draft's own accent, and the album
//! drawn with the kit that was fixed when its drawing started.
use crate::helpers::*;
use crate::on_both_backends;
use bible_vibecoder::domain::{AssetKind, BrandKit, FontPairing, WorkflowState};
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

async fn bot(backend: Backend) -> Option<Bot> {
    let db = Arc::new(TestDb::create(backend).await?);
    let telegram = FakeBotApi::start();
    let model = FakeOpenAi::start(model_slides(5));
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
            // One user sends many updates here in a few seconds.
            s.limits.user_burst = 100;
            s.limits.user_per_minute = 600;
        },
    )
    .await;
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
    let command_len = text
        .split(' ')
        .next()
        .map_or(0, |c| c.encode_utf16().count());
    update["message"]["entities"][0]["length"] = command_len.into();
    update.to_string()
}

fn ada_presses(data: &str, update_id: i64) -> String {
    let mut update: Value = serde_json::from_str(&fixture("callback_style.json")).expect("json");
    update["update_id"] = update_id.into();
    update["callback_query"]["id"] = format!("press-{update_id}").into();
    update["callback_query"]["data"] = data.into();
    update.to_string()
}

/// Ada sends a file (no text), as Telegram delivers a document.
fn ada_sends_file(file_id: &str, size: u64, update_id: i64) -> String {
    let mut update: Value =
        serde_json::from_str(&fixture("command_carousel_ru.json")).expect("json");
    update["update_id"] = update_id.into();
    let message = update["message"].as_object_mut().expect("message");
    message.remove("text");
    message.remove("entities");
    message.insert(
        "document".into(),
        json!({"file_id": file_id, "file_unique_id": format!("u-{file_id}"),
        "file_name": "logo.png", "mime_type": "image/png", "file_size": size}),
    );
    update.to_string()
}

fn png_logo() -> Vec<u8> {
    let image = image::RgbaImage::from_fn(400, 100, |x, _| {
        image::Rgba([20, 40, 200, if x < 200 { 255 } else { 0 }])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    image
        .write_to(&mut out, image::ImageFormat::Png)
        .expect("png");
    out.into_inner()
}

fn animated_gif() -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut encoder = image::codecs::gif::GifEncoder::new(&mut out);
        for shade in [0u8, 255] {
            let frame = image::RgbaImage::from_pixel(8, 8, image::Rgba([shade, 0, 0, 255]));
            encoder
                .encode_frame(image::Frame::new(frame))
                .expect("frame");
        }
    }
    out
}

fn init_data(user: i64) -> String {
    let user = json!({"id": user, "first_name": "Ada", "username": "ada_l", "language_code": "en"});
    signed_init_data(&user.to_string(), chrono::Utc::now().timestamp() - 5, TOKEN)
}

/// A 300×200 photo, as Telegram would serve a profile picture.
fn photo_bytes() -> Vec<u8> {
    let image = image::RgbImage::from_fn(300, 200, |x, y| {
        image::Rgb([(x % 255) as u8, (y % 255) as u8, 120])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    image
        .write_to(&mut out, image::ImageFormat::Jpeg)
        .expect("jpeg");
    out.into_inner()
}

impl Bot {
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

    async fn kit(&self) -> Option<BrandKit> {
        self.app.store.brands.kit(ADA).await.expect("store")
    }
}

on_both_backends! {
    async fn the_brand_kit_api_reads_saves_and_refuses_stale_or_invalid_kits(backend) {
        let Some(bot) = bot(backend).await else { return };
        let ada = init_data(ADA);
        assert_eq!(bot.api(reqwest::Method::GET, "/app/api/brand", None, None).await.status(), 401);
        let got = bot.api(reqwest::Method::GET, "/app/api/brand", Some(&ada), None).await;
        assert_eq!(got.status(), 200);
        let shown: Value = got.json().await.expect("json");
        assert_eq!(shown["version"], 0, "never saved: the default from the profile");
        assert_eq!(shown["handle"], "@ada_l");
        assert_eq!(shown["name"], "Ada");
        assert_eq!(shown["font_pairings"].as_array().map(Vec::len), Some(3));

        let kit = json!({"version": 0, "handle": "@ada.codes", "name": "Ada Lovelace", "accent": "#F80", "fonts": "soft"});
        let saved = bot.api(reqwest::Method::PUT, "/app/api/brand", Some(&ada), Some(kit.clone())).await;
        assert_eq!(saved.status(), 200);
        let saved: Value = saved.json().await.expect("json");
        assert_eq!((saved["version"].clone(), saved["accent"].clone()), (json!(1), json!("#ff8800")));
        let stored = bot.kit().await.expect("a saved kit");
        assert_eq!((stored.handle.as_str(), stored.fonts), ("@ada.codes", FontPairing::Soft));

        // A second device still on version 0: refused, and handed the kit as it is now.
        let stale = bot.api(reqwest::Method::PUT, "/app/api/brand", Some(&ada), Some(kit)).await;
        assert_eq!(stale.status(), 409);
        let stale: Value = stale.json().await.expect("json");
        assert_eq!(stale["error"]["code"], "brand_stale");
        assert_eq!(stale["brand"]["version"], 1);
        assert_eq!(stale["brand"]["name"], "Ada Lovelace");

        for (body, field) in [
            (json!({"version": 1, "handle": "@a", "name": "A", "accent": "orange", "fonts": "soft"}), "accent"),
            (json!({"version": 1, "handle": "x".repeat(33), "name": "A", "fonts": "soft"}), "handle"),
            (json!({"version": 1, "handle": "@a", "name": "A\u{202e}B", "fonts": "soft"}), "name"),
            (json!({"version": 1, "handle": "@a", "name": "A", "fonts": "comic"}), "fonts"),
        ] {
            let refused = bot.api(reqwest::Method::PUT, "/app/api/brand", Some(&ada), Some(body)).await;
            assert_eq!(refused.status(), 422, "{field}");
            assert_eq!(refused.json::<Value>().await.expect("json")["error"]["field"], field);
        }
        assert_eq!(bot.kit().await.expect("kit").version, 1, "nothing refused was saved");
        let none = bot.api(reqwest::Method::GET, "/app/api/brand/avatar", Some(&ada), None).await;
        assert_eq!(none.status(), 404, "no avatar yet");
    }

    async fn brand_in_the_chat_takes_the_profile_photo_and_the_buttons_change_the_kit(backend) {
        let Some(bot) = bot(backend).await else { return };
        bot.telegram.set_profile_photos(ADA, &["photo-1"]);
        bot.telegram.add_file("photo-1", "photos/file_1.jpg", photo_bytes(), 1000);
        bot.app.post_update(ada_says("/brand", 1)).await;
        let shown = eventually("the kit", WAIT, || async {
            bot.telegram.calls_to("sendMessage").into_iter().find(|m| button_data(m).iter().any(|d| d == "brand:photo"))
        }).await;
        assert!(shown["text"].as_str().unwrap_or_default().contains("@ada_l"), "{shown}");
        assert!(shown["reply_markup"].to_string().contains("view=brand"), "an Edit button opens the kit in the app");
        bot.app.post_update(ada_presses("brand:photo", 2)).await;
        let kit = eventually("an avatar", WAIT, || async { bot.kit().await.filter(|k| k.avatar.is_some()) }).await;
        assert_eq!(bot.telegram.downloads(), ["photos/file_1.jpg"]);
        let avatar = bot.app.store.brands.image(ADA, kit.avatar.expect("avatar")).await.expect("store").expect("kept");
        let decoded = image::load_from_memory(&avatar.bytes).expect("an image");
        assert_eq!((decoded.width(), decoded.height()), (200, 200), "centre-cropped square");
        let ada = init_data(ADA);
        let served = bot.api(reqwest::Method::GET, "/app/api/brand/avatar", Some(&ada), None).await;
        assert_eq!(served.status(), 200);
        assert_eq!(served.bytes().await.expect("bytes").as_ref(), avatar.bytes.as_slice());

        bot.app.post_update(ada_presses("brand:fonts:strong", 3)).await;
        bot.app.post_update(ada_presses("brand:accent:22b573", 4)).await;
        let kit = eventually("the pressed changes", WAIT, || async {
            bot.kit().await.filter(|k| k.fonts == FontPairing::Strong && k.accent.map(|a| a.hex()) == Some("#22b573".into()))
        }).await;
        assert!(kit.avatar.is_some());
        bot.app.post_update(ada_says("/brand handle @ada_brand", 5)).await;
        eventually("the typed handle", WAIT, || async { bot.kit().await.filter(|k| k.handle == "@ada_brand") }).await;
        bot.app.post_update(ada_presses("brand:clear:avatar", 6)).await;
        eventually("the avatar removed", WAIT, || async { bot.kit().await.filter(|k| k.avatar.is_none()) }).await;
        assert!(bot.app.store.brands.image(ADA, kit.avatar.expect("id")).await.expect("store").is_none(), "its bytes are gone");
        let _ = AssetKind::Avatar;

        // A picture sent without asking first gets a word on how (Ada reads Russian); then the
        // logo is asked for.
        bot.telegram.add_file("logo-1", "documents/logo.png", png_logo(), 5000);
        bot.app.post_update(ada_sends_file("logo-1", 5000, 7)).await;
        eventually("the hint", WAIT, || async {
            bot.telegram.calls_to("sendMessage").into_iter().find(|m| m["text"].as_str().unwrap_or_default().contains("сначала нажмите"))
        }).await;
        bot.app.post_update(ada_presses("brand:upload:logo", 8)).await;
        eventually("the logo asked for", WAIT, || async {
            bot.telegram.calls_to("sendMessage").into_iter().find(|m| m["text"].as_str().unwrap_or_default().contains("Пришлите логотип"))
        }).await;
        // 30 MB: refused from what Telegram says, before any download.
        bot.telegram.add_file("huge-1", "documents/huge.png", Vec::new(), 30_000_000);
        bot.app.post_update(ada_sends_file("huge-1", 30_000_000, 9)).await;
        bot.telegram.add_file("gif-1", "documents/moving.gif", animated_gif(), 500);
        bot.app.post_update(ada_sends_file("gif-1", 500, 10)).await;
        bot.telegram.add_file("text-1", "documents/notes.png", b"not a picture at all".to_vec(), 20);
        bot.app.post_update(ada_sends_file("text-1", 20, 11)).await;
        for (what, words) in [("30 MB", "Файл больше 20 МБ"), ("animated", "Анимированные"), ("not an image", "Это не изображение")] {
            eventually(what, WAIT, || async {
                bot.telegram.calls_to("sendMessage").into_iter().find(|m| m["text"].as_str().unwrap_or_default().contains(words))
            }).await;
        }
        assert!(!bot.telegram.downloads().iter().any(|p| p.contains("huge")), "the 30 MB file was never downloaded");
        assert!(bot.kit().await.expect("kit").logo.is_none(), "refused pictures change nothing");
        bot.app.post_update(ada_sends_file("logo-1", 5000, 12)).await;
        let kit = eventually("a logo", WAIT, || async { bot.kit().await.filter(|k| k.logo.is_some()) }).await;
        let logo = bot.app.store.brands.image(ADA, kit.logo.expect("logo")).await.expect("store").expect("kept");
        assert_eq!(logo.mime, "image/png");
        let decoded = image::load_from_memory(&logo.bytes).expect("an image");
        assert_eq!((decoded.width(), decoded.height()), (400, 100), "kept at its own size");
        assert_eq!(decoded.to_rgba8().get_pixel(300, 50)[3], 0, "its transparency kept");
    }

    async fn a_draft_keeps_its_own_accent_and_the_album_is_drawn_with_the_kit_fixed_at_drawing(backend) {
        let Some(bot) = bot(backend).await else { return };
        let ada = init_data(ADA);
        let kit = json!({"version": 0, "handle": "@ada_brand", "name": "Ada Lovelace", "accent": "#1e90ff", "fonts": "modern"});
        assert_eq!(bot.api(reqwest::Method::PUT, "/app/api/brand", Some(&ada), Some(kit)).await.status(), 200);
        bot.app.post_update(ada_says("/carousel Привычки сильнее мотивации", 10)).await;
        let style = eventually("a style keyboard", WAIT, || async {
            bot.telegram.calls_to("sendMessage").into_iter().find_map(|m| button_data(&m).into_iter().find(|d| d.starts_with("style:minimal:")))
        }).await;
        let workflow = style.rsplit(':').next().expect("id").to_string();
        bot.app.post_update(ada_presses(&style, 11)).await;
        let path = format!("/app/api/drafts/{workflow}");
        let draft: Value = eventually("the draft", WAIT, || async {
            let got = bot.api(reqwest::Method::GET, &path, Some(&ada), None).await;
            let draft: Value = got.json().await.ok()?;
            (draft["state"] == "reviewing").then_some(draft)
        }).await;
        assert_eq!(draft["accent"], Value::Null);
        let slides = draft["slides"].clone();
        let bad = json!({"version": draft["version"], "style": "minimal", "accent": "#12345", "slides": slides});
        let refused = bot.api(reqwest::Method::PUT, &path, Some(&ada), Some(bad)).await;
        assert_eq!(refused.status(), 422);
        assert_eq!(refused.json::<Value>().await.expect("json")["error"]["field"], "accent");
        let preview = bot.api(reqwest::Method::POST, &format!("{path}/preview"), Some(&ada),
            Some(json!({"index": 0, "total": 5, "slide": slides[0], "style": "minimal", "accent": "#ff5c8a"}))).await;
        assert_eq!(preview.status(), 200);
        assert_eq!(preview.headers()["content-type"], "image/jpeg");
        let edit = json!({"version": draft["version"], "style": "minimal", "accent": "#FF5C8A", "slides": slides});
        let saved = bot.api(reqwest::Method::PUT, &path, Some(&ada), Some(edit)).await;
        assert_eq!(saved.status(), 200);
        let saved: Value = saved.json().await.expect("json");
        assert_eq!(saved["accent"], "#ff5c8a");
        let sent = bot.api(reqwest::Method::POST, &format!("{path}/send"), Some(&ada), Some(json!({"version": saved["version"]}))).await;
        assert_eq!(sent.status(), 202);
        eventually("the album", WAIT, || async { bot.telegram.calls_to("sendMediaGroup").into_iter().next() }).await;
        let done = eventually("done", WAIT, || async {
            bot.app.store.workflows.workflow(workflow_id(&workflow)).await.expect("store").filter(|w| w.state == WorkflowState::Done)
        }).await;
        assert_eq!(done.accent.as_deref(), Some("#ff5c8a"));
        let fixed = BrandKit::from_snapshot(done.brand_json.as_deref().expect("a snapshot")).expect("a kit");
        assert_eq!((fixed.handle.as_str(), fixed.name.as_str()), ("@ada_brand", "Ada Lovelace"));
    }
}
