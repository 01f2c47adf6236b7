//! The bot talking back through the real Bot API client, against a loopback Bot API.
use crate::helpers::*;
use crate::on_both_backends;
use serde_json::Value;
use std::time::Duration;

async fn message_to(telegram: &FakeBotApi, chat_id: i64) -> serde_json::Value {
    eventually("a message to the chat", Duration::from_secs(30), || async {
        telegram
            .calls_to("sendMessage")
            .into_iter()
            .find(|m| m["chat_id"] == chat_id)
    })
    .await
}

on_both_backends! {
    async fn start_greets_the_user_by_first_name_in_their_language(backend) {
        let Some((app, telegram)) = app_with_bot(backend, &[], |_| {}).await else { return };

        assert_eq!(app.post_update(fixture("command_start.json")).await.status(), 200);

        let reply = message_to(&telegram, 424242).await;
        assert_eq!(reply["parse_mode"], "HTML");
        let text = reply["text"].as_str().expect("text");
        assert!(text.starts_with("Привет, Ада!"), "{text}");
        assert!(text.contains("/carousel"), "{text}");
    }

    async fn the_command_menu_is_registered_in_every_locale_and_in_english_by_default(backend) {
        let Some((_app, telegram)) = app_with_bot(backend, &[], |_| {}).await else { return };
        let locales = bible_vibecoder::domain::Lang::ALL.len();

        let menus = eventually("a menu per locale and a default", Duration::from_secs(30), || async {
            let menus = telegram.calls_to("setMyCommands");
            (menus.len() == locales + 1).then_some(menus)
        })
        .await;

        let mut languages: Vec<&str> = menus.iter().filter_map(|m| m["language_code"].as_str()).collect();
        languages.sort();
        let mut expected: Vec<&str> = bible_vibecoder::domain::Lang::ALL.iter().map(|l| l.as_str()).collect();
        expected.sort();
        assert_eq!(languages, expected, "one call per locale");
        let default: Vec<&Value> = menus.iter().filter(|m| m.get("language_code").is_none()).collect();
        assert_eq!(default.len(), 1, "one default menu: {menus:?}");
        let description = |menu: &Value, command: &str| {
            menu["commands"].as_array().expect("commands").iter().find(|c| c["command"] == command).and_then(|c| c["description"].as_str()).map(str::to_string)
        };
        assert_eq!(description(default[0], "carousel").as_deref(), Some("Make a carousel: /carousel <topic>."));
        let in_language = |code: &str| menus.iter().find(|m| m["language_code"] == code).expect("a menu");
        assert_eq!(description(in_language("ru"), "carousel").as_deref(), Some("Сделать карусель: /carousel <тема>."));
        assert_eq!(description(in_language("es"), "carousel").as_deref(), Some("Crear un carrusel: /carousel <tema>."));
        for menu in &menus {
            let commands: Vec<&str> = menu["commands"].as_array().expect("commands").iter().filter_map(|c| c["command"].as_str()).collect();
            assert_eq!(commands, ["start", "help", "carousel", "wisdom", "myid", "ask", "history", "settings", "cancel", "brand"]);
        }
    }

    async fn plain_text_in_a_private_chat_gets_a_hint_once_even_when_redelivered(backend) {
        let Some((app, telegram)) = app_with_bot(backend, &[], |_| {}).await else { return };
        let body = fixture("plain_text.json");
        let chat_id = serde_json::from_str::<serde_json::Value>(&body).expect("json")["message"]["chat"]["id"].as_i64().expect("chat id");

        app.post_update(body.clone()).await;
        app.post_update(body).await;

        let hint = message_to(&telegram, chat_id).await;
        assert!(hint["text"].as_str().is_some_and(|t| t.contains("/carousel")), "{hint}");
        app.finished_status(update_id_of(&fixture("plain_text.json"))).await;
        let to_chat = telegram.calls_to("sendMessage").into_iter().filter(|m| m["chat_id"] == chat_id).count();
        assert_eq!(to_chat, 1, "a duplicate update is answered once");
    }
}
