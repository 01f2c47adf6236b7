//! Abuse limits and the operator surface: floods from one user, quotas on paid work, the
//! process-wide caps, bounded state after thousands of distinct commands, the bearer token and
//! the allowlist.
use crate::helpers::*;
use crate::on_both_backends;
use bible_vibecoder::app::config::Quota;
use bible_vibecoder::app::config::Settings;
use bible_vibecoder::store::Store;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

const ADMIN_TOKEN: &str = "operator-token-0123456789";

/// Settings that point the app at a loopback Bot API and a loopback model.
fn bot_and_model<'a>(
    telegram: &'a FakeBotApi,
    model: &'a FakeOpenAi,
) -> [(&'static str, &'a str); 4] {
    [
        ("TELEGRAM_BOT_TOKEN", "123:secret"),
        ("TELEGRAM_API_URL", telegram.url.as_str()),
        ("OPENAI_API_KEY", "sk-test"),
        ("OPENAI_BASE_URL", model.base_url.as_str()),
    ]
}

fn texts_to(telegram: &FakeBotApi, chat: i64) -> Vec<String> {
    telegram
        .calls_to("sendMessage")
        .into_iter()
        .filter(|m| m["chat_id"] == chat)
        .filter_map(|m| m["text"].as_str().map(str::to_string))
        .collect()
}

async fn wait_until_finished(app: &TestApp, ids: impl IntoIterator<Item = i64>) -> Vec<String> {
    let mut statuses = Vec::new();
    for id in ids {
        statuses.push(
            app.finished_status(id)
                .await
                .map(|s| s.to_string())
                .unwrap_or_default(),
        );
    }
    statuses
}

on_both_backends! {
    async fn quotas_count_per_minute_and_per_day_and_say_which_ran_out(backend) {
        use bible_vibecoder::app::config::Quota;
        use bible_vibecoder::domain::QuotaKind;
        use bible_vibecoder::store::QuotaVerdict;
        let Some(db) = TestDb::create(backend).await else { return };
        let store = Store::connect(&settings_for(&db, &[]).database).expect("pool");
        store.migrate().await.expect("migrations");
        let quota = Quota { per_minute: 2, per_day: 3 };
        let at = |h: u32, m: u32, s: u32| {
            chrono::NaiveDate::from_ymd_opt(2026, 12, 1).and_then(|d| d.and_hms_opt(h, m, s)).expect("time")
        };
        let take = |kind, t| store.quotas.take_quota(7, kind, quota, t);

        assert_eq!(take(QuotaKind::Ask, at(10, 0, 1)).await.expect("take"), QuotaVerdict::Granted);
        assert_eq!(take(QuotaKind::Ask, at(10, 0, 30)).await.expect("take"), QuotaVerdict::Granted);
        assert_eq!(take(QuotaKind::Ask, at(10, 0, 59)).await.expect("take"), QuotaVerdict::MinuteUsed);
        assert_eq!(take(QuotaKind::Pdf, at(10, 0, 59)).await.expect("take"), QuotaVerdict::Granted, "each kind counts alone");
        assert_eq!(take(QuotaKind::Ask, at(10, 1, 0)).await.expect("take"), QuotaVerdict::Granted, "a new minute");
        assert_eq!(take(QuotaKind::Ask, at(10, 2, 0)).await.expect("take"), QuotaVerdict::DayUsed);
        assert_eq!(take(QuotaKind::Ask, at(23, 59, 59)).await.expect("take"), QuotaVerdict::DayUsed, "refusals count nothing");
        let next_day = chrono::NaiveDate::from_ymd_opt(2026, 12, 2).and_then(|d| d.and_hms_opt(0, 0, 0)).expect("time");
        assert_eq!(take(QuotaKind::Ask, next_day).await.expect("take"), QuotaVerdict::Granted, "a new day");
        assert_eq!(store.quotas.take_quota(8, QuotaKind::Ask, quota, at(10, 0, 1)).await.expect("take"), QuotaVerdict::Granted, "each user counts alone");
    }

    async fn a_flood_from_one_user_is_recorded_answered_once_with_slow_down_and_never_delays_another_user(backend) {
        let Some((app, telegram)) = app_with_bot(backend, &[], |s| {
            s.limits.user_burst = 5;
            s.limits.user_per_minute = 1;
        }).await else { return };
        let (flooder, other) = (5101, 5102);

        for i in 0..300 {
            assert_eq!(app.post_update(text_update(10_000 + i, flooder, "/help")).await.status(), 200);
        }
        app.post_update(text_update(20_000, other, "/help")).await;

        let statuses = wait_until_finished(&app, (10_000..10_300).chain([20_000])).await;
        assert_eq!(statuses.iter().filter(|s| *s == "done").count(), 6, "five of the flood and the other user's");
        assert_eq!(statuses.iter().filter(|s| *s == "limited").count(), 295, "the rest recorded as limited, none lost");
        let other_reply = eventually("the other user's answer", Duration::from_secs(30), || async {
            texts_to(&telegram, other).into_iter().next()
        }).await;
        assert!(other_reply.contains("/carousel"), "{other_reply}");
        assert!(other_reply.contains("Fair use") && other_reply.contains("30 carousels a day"), "/help states the limits: {other_reply}");
        let flooder_texts = eventually("the flooder's six messages", Duration::from_secs(30), || async {
            let texts = texts_to(&telegram, flooder);
            (texts.len() >= 6).then_some(texts)
        }).await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        let flooder_texts_later = texts_to(&telegram, flooder);
        assert_eq!(flooder_texts_later.len(), 6, "five answers and one notice, never one per update: {flooder_texts:?}");
        assert_eq!(flooder_texts.iter().filter(|t| t.contains("slow down")).count(), 1);
        // Sent in parallel with the flooder's paced replies, not behind them.
        let calls = telegram.calls_to("sendMessage");
        let other_at = calls.iter().position(|m| m["chat_id"] == other).expect("sent");
        let flooder_last = calls.iter().rposition(|m| m["chat_id"] == flooder).expect("sent");
        assert!(other_at < flooder_last, "the other user waited for the flood");
    }

    async fn questions_past_the_daily_quota_get_a_polite_refusal_and_no_model_call_even_after_a_restart(backend) {
        let Some(db) = TestDb::create(backend).await else { return };
        let db = Arc::new(db);
        let model = FakeOpenAi::start("An answer.".into());
        let telegram = FakeBotApi::start();
        let env = bot_and_model(&telegram, &model);
        let tune = |s: &mut Settings| s.limits.ask = Quota { per_minute: 100, per_day: 2 };
        let user = 5201;
        let app = spawn_app_tuned(db.clone(), &env, tune).await;
        for i in 0..4 {
            app.post_update(text_update(30_000 + i, user, "/ask why?")).await;
            app.finished_status(30_000 + i).await;
        }
        let texts = eventually("four replies", Duration::from_secs(30), || async {
            let texts = texts_to(&telegram, user);
            (texts.len() >= 4).then_some(texts)
        }).await;
        assert_eq!(model.calls.load(Ordering::SeqCst), 2, "only the quota's questions reach the model");
        assert_eq!(texts.iter().filter(|t| t.contains("An answer.")).count(), 2, "{texts:?}");
        assert_eq!(texts.iter().filter(|t| t.contains("all questions (/ask) for today")).count(), 2, "{texts:?}");
        app.stop().await;

        // Another replica (or the next start) on the same store sees the same count.
        let again = spawn_app_tuned(db, &env, tune).await;
        again.post_update(text_update(30_010, user, "/ask and now?")).await;
        again.finished_status(30_010).await;
        eventually("the refusal after the restart", Duration::from_secs(30), || async {
            (texts_to(&telegram, user).len() >= 5).then_some(())
        }).await;
        assert_eq!(model.calls.load(Ordering::SeqCst), 2);
    }

    async fn with_the_one_model_place_taken_and_no_queue_another_question_is_told_busy(backend) {
        let Some(db) = TestDb::create(backend).await else { return };
        let model = FakeOpenAi::start_slow("Slow answer.".into(), Duration::from_secs(3));
        let telegram = FakeBotApi::start();
        let env = bot_and_model(&telegram, &model);
        let app = spawn_app_tuned(Arc::new(db), &env, |s| {
            s.limits.model_calls_in_flight = 1;
            s.limits.queue = 0;
        }).await;
        app.post_update(text_update(40_000, 5301, "/ask first?")).await;
        eventually("the first question at the model", Duration::from_secs(30), || async {
            (model.calls.load(Ordering::SeqCst) == 1).then_some(())
        }).await;

        app.post_update(text_update(40_001, 5302, "/ask second?")).await;

        let busy = eventually("the busy answer", Duration::from_secs(30), || async {
            texts_to(&telegram, 5302).into_iter().next()
        }).await;
        assert!(busy.contains("very busy") && busy.contains("minute"), "{busy}");
        let answer = eventually("the first answer", Duration::from_secs(30), || async {
            texts_to(&telegram, 5301).into_iter().next()
        }).await;
        assert!(answer.contains("Slow answer."), "{answer}");
        assert_eq!(model.calls.load(Ordering::SeqCst), 1, "the busy question never reached the model");
    }

    async fn thousands_of_distinct_made_up_commands_leave_stats_small_and_labels_fixed(backend) {
        let Some(app) = spawn_app(backend).await else { return };
        let client = app.client.clone();
        let url = format!("{}/telegram/webhook", app.address);
        let posts = (0..3000i64).map(|i| {
            let (client, url) = (client.clone(), url.clone());
            async move {
                client.post(&url).header("content-type", "application/json")
                    .body(text_update(50_000 + i, 600_000 + i, &format!("/zz{:08}", 12_345_678 + i)))
                    .send().await.expect("webhook").status().as_u16()
            }
        });
        let codes = futures::future::join_all(posts).await;
        assert!(codes.iter().all(|c| *c == 200));
        let statuses = wait_until_finished(&app, 50_000..53_000).await;
        assert!(statuses.iter().all(|s| s == "done"), "every one handled");

        let stats = app.get("/stats").await.text().await.expect("body");
        assert!(stats.len() <= 16 * 1024, "/stats is {} bytes", stats.len());
        assert!(!stats.contains("zz1"), "no user-typed command in /stats");
        let stats: serde_json::Value = serde_json::from_str(&stats).expect("json");
        let labels: Vec<&String> = stats["analytics"]["interactions"].as_object().expect("interactions").keys().collect();
        assert_eq!(labels, ["command:unknown"], "one label for every made-up command");
        let metrics = app.get("/metrics").await.text().await.expect("body");
        assert!(!metrics.contains("zz1"), "no user-typed command in /metrics");
    }

    async fn stats_and_metrics_need_the_bearer_token_while_liveness_stays_public(backend) {
        let Some(app) = spawn_app_with(backend, &[("ADMIN_TOKEN", ADMIN_TOKEN)]).await else { return };
        let get = |path: &'static str, token: Option<&'static str>| {
            let mut request = app.client.get(format!("{}{path}", app.address));
            if let Some(token) = token {
                request = request.bearer_auth(token);
            }
            async move { request.send().await.expect("request") }
        };

        for path in ["/stats", "/metrics"] {
            let refused = get(path, None).await;
            assert_eq!(refused.status(), 401, "{path} without a token");
            assert_eq!(refused.headers()["www-authenticate"], "Bearer");
            assert_eq!(get(path, Some("operator-token-wrong-guess")).await.status(), 401, "{path} with a wrong token");
            assert_eq!(get(path, Some(ADMIN_TOKEN)).await.status(), 200, "{path} with the token");
        }
        let bare: serde_json::Value = get("/health", None).await.json().await.expect("json");
        assert_eq!(bare, serde_json::json!({"status": "ok"}), "liveness without detail");
        let detailed: serde_json::Value = get("/health", Some(ADMIN_TOKEN)).await.json().await.expect("json");
        assert_eq!(detailed["services"].as_array().map(Vec::len), Some(6));
        let ready: serde_json::Value = get("/ready", None).await.json().await.expect("json");
        assert_eq!(ready, serde_json::json!({"ready": true}));
    }

    async fn a_private_bot_refuses_strangers_once_and_serves_its_members(backend) {
        let Some((app, telegram)) = app_with_bot(backend, &[("ALLOWED_USER_IDS", "5401, 5402")], |_| {}).await else { return };
        let (member, stranger) = (5401, 5499);

        for i in 0..3 {
            app.post_update(text_update(60_000 + i, stranger, "/help")).await;
        }
        app.post_update(press_update(60_010, stranger, "style:galaxy:00000000-0000-0000-0000-000000000000")).await;
        app.post_update(text_update(60_020, member, "/help")).await;

        let statuses = wait_until_finished(&app, [60_000, 60_001, 60_002, 60_010, 60_020]).await;
        assert_eq!(statuses, ["refused", "refused", "refused", "refused", "done"]);
        eventually("the member's answer", Duration::from_secs(30), || async {
            texts_to(&telegram, member).into_iter().next()
        }).await;
        let refusals = eventually("the refusal", Duration::from_secs(30), || async {
            let texts = texts_to(&telegram, stranger);
            (!texts.is_empty()).then_some(texts)
        }).await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert_eq!(texts_to(&telegram, stranger).len(), 1, "one polite refusal: {refusals:?}");
        assert!(refusals[0].contains("private"), "{refusals:?}");
    }
}

#[test]
fn a_short_admin_token_and_a_malformed_allowlist_are_refused_by_name() {
    let load = |name: &'static str, value: &'static str| {
        Settings::load_from(move |var| match var {
            "DATABASE_URL" => Some("sqlite://unused.db".to_string()),
            v if v == name => Some(value.to_string()),
            _ => None,
        })
    };
    let short = load("ADMIN_TOKEN", "short")
        .expect_err("refused")
        .to_string();
    assert!(short.contains("ADMIN_TOKEN"), "{short}");
    let error = load("ALLOWED_USER_IDS", "1, two")
        .expect_err("refused")
        .to_string();
    assert!(
        error.contains("ALLOWED_USER_IDS") && error.contains("'two'"),
        "{error}"
    );
    assert!(load("ALLOWED_USER_IDS", "1, 2").is_ok());
}

#[test]
fn listening_beyond_loopback_without_an_admin_token_logs_one_clear_warning() {
    let telegram = FakeBotApi::start();
    let dir = tempfile::tempdir().expect("temp dir");
    for (token, warned) in [(None, 1), (Some(ADMIN_TOKEN), 0)] {
        let url = format!("sqlite://{}/open-{warned}.db", dir.path().display());
        let mut extra = vec![("HTTP_ADDR", "0.0.0.0:0")];
        extra.extend(token.map(|t| ("ADMIN_TOKEN", t)));
        let (mut child, _port) = serve_binary(&url, &telegram, None, &extra);
        let log_path = std::env::temp_dir().join(format!("bvc-serve-{}.log", child.id()));
        let (status, _) = terminate(&mut child, Duration::from_secs(30));
        std::thread::sleep(Duration::from_millis(200));
        let log = std::fs::read_to_string(&log_path).expect("log");
        assert!(status.success(), "{status}:\n{log}");
        let warnings = log
            .lines()
            .filter(|l| l.contains("WARN") && l.contains("without ADMIN_TOKEN"))
            .count();
        assert_eq!(warnings, warned, "token {token:?}:\n{log}");
    }
}
