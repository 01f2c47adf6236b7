//! What an attacker and an operator tried (issue 32): forged log lines, made-up HTTP methods,
//! someone else's settings keyboard, presses that were refused, secret files, databases that
//! cannot work, the bot's own name, the user's own handle, liveness after an escalation.
use crate::helpers::*;
use crate::on_both_backends;
use bible_vibecoder::messages::correlation_for_update;
use std::sync::Arc;
use std::time::Duration;

const GROUP: i64 = -1_001_234_567_890;
const GRACE: i64 = 515_151;
const MALLORY: i64 = 616_161;

/// A message from `user` (with `username`) in the test group.
fn group_message(update_id: i64, user: i64, username: Option<&str>, text: &str) -> String {
    let mut from = serde_json::json!({"id": user, "is_bot": false, "first_name": format!("User{user}"), "language_code": "en"});
    if let Some(username) = username {
        from["username"] = username.into();
    }
    let command = text
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .encode_utf16()
        .count();
    serde_json::json!({
        "update_id": update_id,
        "message": {
            "message_id": 30, "from": from, "date": 1763856000,
            "chat": {"id": GROUP, "type": "supergroup", "title": "Vibe coders"},
            "text": text,
            "entities": [{"offset": 0, "length": command, "type": "bot_command"}]
        }
    })
    .to_string()
}

/// A press by `user` of the button with `data` on message `message` of `chat`.
fn press_in(
    update_id: i64,
    user: i64,
    chat: serde_json::Value,
    message: i64,
    data: &str,
) -> String {
    serde_json::json!({
        "update_id": update_id,
        "callback_query": {
            "id": format!("press-{update_id}"),
            "from": {"id": user, "is_bot": false, "first_name": format!("User{user}"), "language_code": "en"},
            "chat_instance": "-1",
            "data": data,
            "message": {
                "message_id": message,
                "from": {"id": 7000000001i64, "is_bot": true, "first_name": "VibeBot", "username": "vibe_test_bot"},
                "chat": chat, "date": 1763856006, "text": "Settings"
            }
        }
    })
    .to_string()
}

fn group_chat() -> serde_json::Value {
    serde_json::json!({"id": GROUP, "type": "supergroup", "title": "Vibe coders"})
}

/// The answers given to one press (answerCallbackQuery's texts), once there are `n`.
async fn press_answers(telegram: &FakeBotApi, query: &str, n: usize) -> Vec<String> {
    eventually("the press answered", Duration::from_secs(30), || async {
        let answers: Vec<String> = telegram
            .calls_to("answerCallbackQuery")
            .into_iter()
            .filter(|c| c["callback_query_id"] == query)
            .map(|c| c["text"].as_str().unwrap_or_default().to_string())
            .collect();
        (answers.len() >= n).then_some(answers)
    })
    .await
}

/// The `set:` buttons of the /settings keyboard sent to `chat`.
async fn settings_buttons(telegram: &FakeBotApi, chat: i64) -> Vec<String> {
    let keyboard = eventually("a settings keyboard", Duration::from_secs(30), || async {
        telegram
            .calls_to("sendMessage")
            .into_iter()
            .find(|m| m["chat_id"] == chat && m["reply_markup"].to_string().contains("set:"))
    })
    .await;
    keyboard["reply_markup"]["inline_keyboard"]
        .as_array()
        .expect("rows")
        .iter()
        .flat_map(|row| row.as_array().cloned().unwrap_or_default())
        .filter_map(|b| b["callback_data"].as_str().map(str::to_string))
        .collect()
}

on_both_backends! {
    async fn someone_elses_settings_keyboard_changes_nothing_and_says_whose_it_is(backend) {
        let Some((app, telegram)) = app_with_bot(backend, &[], |_| {}).await else { return };
        app.post_update(group_message(70_001, GRACE, Some("ghopper"), "/settings@vibe_test_bot")).await;
        let buttons = settings_buttons(&telegram, GROUP).await;
        let five = buttons.iter().find(|d| d.starts_with("set:slides:5")).expect("a 5-slides button").clone();
        assert_eq!(five, format!("set:slides:5:{GRACE}"), "the keyboard names its owner");
        app.post_update(group_message(70_002, MALLORY, None, "/start")).await;
        app.finished_status(70_002).await;
        let before = app.store.users.settings_of(MALLORY).await.expect("store").expect("Mallory's defaults");

        app.post_update(press_in(70_003, MALLORY, group_chat(), 40, &five)).await;
        let answers = press_answers(&telegram, "press-70003", 1).await;
        assert!(answers[0].contains("someone else"), "{answers:?}");
        // A keyboard from before owners were named is refused in a group too.
        app.post_update(press_in(70_004, MALLORY, group_chat(), 40, "set:slides:5")).await;
        let answers = press_answers(&telegram, "press-70004", 1).await;
        assert!(answers[0].contains("someone else"), "{answers:?}");
        app.finished_status(70_004).await;
        assert_eq!(app.store.users.settings_of(MALLORY).await.expect("store"), Some(before), "the presser's settings unchanged");
        assert_eq!(app.store.users.settings_of(GRACE).await.expect("store").expect("Grace's").slides, 10, "the owner's unchanged");
        assert!(telegram.calls_to("editMessageText").is_empty(), "the owner's keyboard not rewritten");

        app.post_update(press_in(70_005, GRACE, group_chat(), 40, &five)).await;
        press_answers(&telegram, "press-70005", 1).await;
        eventually("Grace's own press saved", Duration::from_secs(30), || async {
            let slides = app.store.users.settings_of(GRACE).await.ok().flatten().map(|s| s.slides);
            (slides == Some(5)).then_some(())
        }).await;
    }

    async fn every_refused_press_is_answered_so_no_client_spins(backend) {
        let Some((app, telegram)) = app_with_bot(backend, &[
            ("ALLOWED_USER_IDS", "5401"),
            ("USER_UPDATES_BURST", "1"),
            ("USER_UPDATES_PER_MINUTE", "1"),
        ], |_| {}).await else { return };
        let private = |user: i64| serde_json::json!({"id": user, "type": "private", "first_name": "U"});
        // A stranger to a private bot, twice: both presses answered, one refusal message.
        for (update, query) in [(71_001, "press-71001"), (71_002, "press-71002")] {
            app.post_update(press_in(update, 5499, private(5499), 17, "set:slides:5")).await;
            let answers = press_answers(&telegram, query, 1).await;
            assert!(answers[0].contains("private"), "{answers:?}");
        }
        // A member past the flood limit: the press beyond the burst is answered all the same.
        app.post_update(text_update(71_003, 5401, "/help")).await;
        app.finished_status(71_003).await;
        app.post_update(press_in(71_004, 5401, private(5401), 17, "set:slides:5")).await;
        let answers = press_answers(&telegram, "press-71004", 1).await;
        assert!(answers[0].contains("slow down"), "{answers:?}");
    }

    async fn slides_carry_the_requesters_handle_and_settings_change_it(backend) {
        let Some((app, telegram)) = app_with_bot(backend, &[], |_| {}).await else { return };
        let carousel = |update: i64| group_message(update, GRACE, Some("ghopper"), "/carousel@vibe_test_bot Rust ownership");
        app.post_update(carousel(72_001)).await;
        let offer = telegram.style_offer_in(GROUP).await;
        let workflow = offer.rsplit(':').next().expect("workflow id").to_string();
        let row = app.store.workflows.workflow(workflow_id(&workflow)).await.expect("store").expect("workflow row");
        assert_eq!(row.handle.as_deref(), Some("@ghopper"), "the requester's @username, not the bot's");

        app.post_update(group_message(72_002, GRACE, Some("ghopper"), "/settings@vibe_test_bot")).await;
        let buttons = settings_buttons(&telegram, GROUP).await;
        let name = buttons.iter().find(|d| d.starts_with("set:handle:name:")).expect("a handle row").clone();
        app.post_update(press_in(72_003, GRACE, group_chat(), 41, &name)).await;
        eventually("the handle setting saved", Duration::from_secs(30), || async {
            let handle = app.store.users.settings_of(GRACE).await.ok().flatten().map(|s| s.handle);
            (handle == Some(bible_vibecoder::domain::SlideHandle::Name)).then_some(())
        }).await;
        app.post_update(group_message(72_004, GRACE, Some("ghopper"), "/cancel@vibe_test_bot")).await;
        app.finished_status(72_004).await;
        app.post_update(carousel(72_005)).await;
        let id = correlation_for_update(72_005).to_string();
        let row = eventually("the second request", Duration::from_secs(30), || async {
            app.store.workflows.workflow(workflow_id(&id)).await.ok().flatten()
        }).await;
        assert_eq!(row.handle.as_deref(), Some("User515151"), "their first name, as chosen");
    }
}

#[actix_rt::test]
async fn made_up_methods_and_paths_add_no_metric_series() {
    let Some(app) = spawn_app(Backend::Sqlite).await else {
        return;
    };
    let series = |text: &str| text.lines().filter(|l| l.starts_with("bvc_http_")).count();
    // Every route this test reads is counted once before the count is taken.
    app.get("/nowhere").await;
    app.get("/metrics").await;
    let before = app.get("/metrics").await.text().await.expect("metrics");
    for chunk in (0..1000).collect::<Vec<u32>>().chunks(50) {
        let requests = chunk.iter().map(|i| {
            let method =
                reqwest::Method::from_bytes(format!("FORGED{i}").as_bytes()).expect("a token");
            app.client
                .request(method, format!("{}/made/up/{i}?q={i}", app.address))
                .send()
        });
        for answer in futures::future::join_all(requests).await {
            assert_eq!(answer.expect("answered").status(), 404);
        }
    }
    let after = app.get("/metrics").await.text().await.expect("metrics");
    assert!(
        !after.contains("FORGED") && !after.contains("/made/up"),
        "no request's own text in a label"
    );
    assert!(
        series(&after) <= series(&before) + 1,
        "1,000 made-up methods and paths: {} series before, {} after",
        series(&before),
        series(&after)
    );
    assert!(after.contains(r#"method="other""#), "counted, as other");
}

#[actix_rt::test]
async fn liveness_fails_once_the_root_supervisor_gives_up_on_a_service() {
    use bible_vibecoder::supervisors::ServiceState;
    let Some(db) = TestDb::create(Backend::Sqlite).await else {
        return;
    };
    let token = "operator-token-0123456789";
    let app = spawn_app_tuned(Arc::new(db), &[("ADMIN_TOKEN", token)], |s| {
        s.supervision.child.max_restarts = 0;
        s.supervision.root.max_restarts = 0;
    })
    .await;
    let ai = app.state.registry.handle("ai").expect("ai registered");
    eventually("ai running", Duration::from_secs(30), || async {
        (ai.state() == ServiceState::Running).then_some(())
    })
    .await;
    assert_eq!(app.get("/health").await.status(), 200);
    ai.inject_fault("drill");
    eventually("ai failed for good", Duration::from_secs(30), || async {
        (ai.state() == ServiceState::Failed).then_some(())
    })
    .await;
    let bare = app.get("/health").await;
    assert_eq!(bare.status(), 503, "a platform replaces the process");
    assert_eq!(
        bare.json::<serde_json::Value>().await.expect("json"),
        serde_json::json!({"status": "failed"})
    );
    let detailed = app
        .client
        .get(format!("{}/health", app.address))
        .header("authorization", format!("bearer {token}"))
        .send()
        .await
        .expect("health");
    assert_eq!(detailed.status(), 503);
    let body: serde_json::Value = detailed.json().await.expect("json");
    assert_eq!(body["failed"], serde_json::json!(["ai"]), "{body}");
}

/// What an attacker puts in a value that reaches a log line: a line of its own and a terminal
/// escape that clears the operator's screen.
const FORGED: &str = "\n2026-01-01T00:00:00Z ERROR admin: token rotated\x1b[2J";

#[actix_rt::test]
async fn a_forged_log_line_through_button_data_a_topic_and_a_first_name_stays_one_escaped_line() {
    let Some(db) = TestDb::create(Backend::Sqlite).await else {
        return;
    };
    let telegram = FakeBotApi::start();
    let (serve, port) = serve_binary(
        &db.url,
        &telegram,
        None,
        &[
            ("LOG_FORMAT", "pretty"),
            ("RUST_LOG", "info,bible_vibecoder=debug"),
        ],
    );
    let client = reqwest::Client::new();
    let mut hostile_name: serde_json::Value =
        serde_json::from_str(&text_update(73_001, 7301, "/start")).expect("json");
    hostile_name["message"]["from"]["first_name"] = format!("Eve{FORGED}").into();
    assert_eq!(post_to(&client, port, hostile_name.to_string()).await, 200);
    let topic = text_update(73_002, 7301, &format!("/carousel faith{FORGED}"));
    assert_eq!(post_to(&client, port, topic).await, 200);
    assert_eq!(
        post_to(&client, port, press_update(73_003, 7301, FORGED)).await,
        200
    );
    let log = eventually(
        "all three values logged",
        Duration::from_secs(30),
        || async {
            let log = log_of(&serve);
            let escaped = r"\n2026-01-01T00:00:00Z ERROR admin: token rotated\u{1b}[2J";
            (log.matches(escaped).count() >= 3).then_some(log)
        },
    )
    .await;
    assert!(
        !log.contains('\x1b'),
        "no raw escape (and no colours: stderr is not a terminal)"
    );
    assert!(
        !log.lines()
            .any(|line| line.starts_with("2026-01-01T00:00:00Z ERROR admin")),
        "no forged line"
    );
    drop(serve);
}

#[actix_rt::test]
async fn json_log_lines_inside_a_request_carry_its_trace_span_and_correlation_ids() {
    let Some(db) = TestDb::create(Backend::Sqlite).await else {
        return;
    };
    let telegram = FakeBotApi::start();
    let collector = FakeCollector::start();
    let (mut serve, port) = serve_binary(
        &db.url,
        &telegram,
        None,
        &[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", &collector.url),
            ("OTEL_BSP_SCHEDULE_DELAY", "200"),
        ],
    );
    assert_eq!(
        post_to(
            &reqwest::Client::new(),
            port,
            text_update(74_001, 7401, "/help")
        )
        .await,
        200
    );
    let correlation = correlation_for_update(74_001).to_string();
    let line = eventually("the command logged", Duration::from_secs(30), || async {
        log_of(&serve)
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .find(|l| {
                l["message"] == "command received" && l["correlation_id"] == correlation.as_str()
            })
    })
    .await;
    let (trace_id, span_id) = (
        line["trace_id"]
            .as_str()
            .expect("trace_id at the top")
            .to_string(),
        line["span_id"]
            .as_str()
            .expect("span_id at the top")
            .to_string(),
    );
    assert_eq!((trace_id.len(), span_id.len()), (32, 16), "{line}");
    let (status, _) = terminate(&mut serve, Duration::from_secs(15));
    assert!(status.success());
    let spans = collector.spans();
    let span = spans
        .iter()
        .find(|s| s.span_id == span_id)
        .expect("the line's span was exported");
    assert_eq!(span.trace_id, trace_id);
    let root = spans
        .iter()
        .find(|s| s.trace_id == trace_id && s.parent_span_id.is_none())
        .expect("the request's root");
    assert_eq!(root.name, "POST /telegram/webhook");
}
