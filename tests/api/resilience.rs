//! Supervision and circuit breakers in the running application: a service past its restart
//! intensity, a model answering 500 to everything, a database that goes away and comes back.
use crate::helpers::*;
use crate::on_both_backends;
use bible_vibecoder::domain::{ImageFormat, Lang, SlideSize, Style};
use bible_vibecoder::messages::carousel::{CarouselSpec, GenerateCarousel};
use bible_vibecoder::messages::Envelope;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

fn carousel_request(topic: &str) -> Envelope<GenerateCarousel> {
    Envelope::new(
        "test",
        GenerateCarousel {
            request_id: uuid::Uuid::now_v7(),
            user_id: None,
            spec: CarouselSpec {
                topic: topic.into(),
                slides: 3,
                lang: Lang::En,
                content: bible_vibecoder::domain::ContentLanguage::En,
                style: Style::Minimal,
                size: SlideSize::Square,
                format: ImageFormat::Png,
                pdf: false,
                handle: None,
            },
        },
    )
}

fn breaker<'a>(stats: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    stats["breakers"]
        .as_array()
        .and_then(|all| all.iter().find(|b| b["name"] == name))
        .unwrap_or_else(|| panic!("breaker {name} missing in {stats}"))
}

on_both_backends! {
    async fn a_service_past_its_restart_intensity_is_failed_in_ready_health_and_stats(backend) {
        let Some(db) = TestDb::create(backend).await else { return };
        let app = spawn_app_tuned(Arc::new(db), &[], |s| {
            s.supervision.child.backoff_base = Duration::from_millis(1);
            s.supervision.child.backoff_max = Duration::from_millis(1);
            s.supervision.root.max_restarts = 0; // the root gives up at once: stays failed
        })
        .await;
        let ai = app.state.registry.handle("ai").expect("ai registered");
        // A fault reported before the actor has started has no one to reach (seen under load:
        // the drill began while "ai" was still starting): wait until it runs.
        eventually("ai running", Duration::from_secs(30), || async {
            (ai.state() == bible_vibecoder::supervisors::ServiceState::Running).then_some(())
        })
        .await;

        for n in 1..=3u64 {
            ai.inject_fault("drill");
            let seen = std::sync::Mutex::new(Vec::new());
            let restarted = tokio::time::timeout(Duration::from_secs(30), eventually("restarted", Duration::from_secs(60), || async {
                let (restarts, state) = (ai.status().restarts, ai.state());
                let mut seen = seen.lock().expect("seen");
                if seen.last() != Some(&(restarts, state)) {
                    seen.push((restarts, state));
                }
                (restarts == n && state == bible_vibecoder::supervisors::ServiceState::Running).then_some(())
            }))
            .await;
            // What the service went through, should it never get there (a rare flake under load).
            assert!(restarted.is_ok(), "restart {n} not seen; (restarts, state) seen: {:?}", seen.lock().expect("seen"));
            assert_eq!(app.get("/ready").await.status(), 200, "restart {n} is within the intensity");
        }
        ai.inject_fault("one too many");
        eventually("failed", Duration::from_secs(30), || async {
            (ai.state() == bible_vibecoder::supervisors::ServiceState::Failed).then_some(())
        })
        .await;

        let ready = app.get("/ready").await;
        assert_eq!(ready.status(), 503);
        let ready: serde_json::Value = ready.json().await.expect("json");
        assert_eq!(ready["not_running"], serde_json::json!(["ai"]));
        // The root gave up on it: liveness fails, so a platform replaces the process.
        let health = app.get("/health").await;
        assert_eq!(health.status(), 503);
        let health: serde_json::Value = health.json().await.expect("json");
        assert_eq!(health["status"], "failed");
        assert_eq!(health["failed"], serde_json::json!(["ai"]));
        assert_eq!(health["degraded"], serde_json::json!(["ai"]));
        let stats = eventually("alert in /stats", Duration::from_secs(30), || async {
            let stats = app.get_json("/stats").await;
            let alerts = stats["analytics"]["recent_alerts"].as_array().cloned().unwrap_or_default();
            alerts.iter().any(|a| a["severity"] == "critical" && a["service"] == "ai").then_some(stats)
        })
        .await;
        let ai_stats = stats["actors"].as_array().expect("actors").iter().find(|a| a["name"] == "ai").expect("ai").clone();
        assert_eq!(ai_stats["state"], "failed");
        assert_eq!(ai_stats["restarts"], 3);
        let answer = app.orchestrator.send(carousel_request("still asked")).await.expect("mailbox");
        assert!(answer.is_err(), "a carousel needing the failed service gets an error, not a hang");
    }

    async fn a_model_answering_500_still_yields_carousels_and_the_breaker_shows_open(backend) {
        let Some(db) = TestDb::create(backend).await else { return };
        let model = FakeOpenAi::start_answering(500, String::new());
        let app = spawn_app_tuned(
            Arc::new(db),
            &[("OPENAI_API_KEY", "sk-test"), ("OPENAI_BASE_URL", &model.base_url)],
            |s| s.openai.max_attempts = 3,
        )
        .await;

        // 3 failed calls; the second carousel's 2 more reach the 5 consecutive failures that open
        // the breaker, so its third attempt and the whole third carousel never reach the model.
        let mut sources = Vec::new();
        for topic in ["first", "second", "third"] {
            let output = app
                .orchestrator
                .send(carousel_request(topic))
                .await
                .expect("mailbox")
                .expect("a carousel, whatever the model does");
            assert_eq!(output.slides.len(), 3);
            assert_eq!(output.images.len(), 3);
            sources.push(output.content_source.as_str());
        }

        assert_eq!(sources, ["offline:model_failed", "offline:circuit_open", "offline:circuit_open"]);
        assert_eq!(model.calls.load(Ordering::SeqCst), 5, "no call once the breaker is open");
        let stats = app.get_json("/stats").await;
        let openai = breaker(&stats, "openai");
        assert_eq!(openai["state"], "open");
        assert_eq!(openai["calls"]["failure"], 5);
        assert_eq!(openai["calls"]["rejected"], 2);
        let metrics = app.get("/metrics").await.text().await.expect("text");
        assert!(metrics.contains(r#"bvc_circuit_breaker_state{breaker="openai",state="open"} 1"#), "{metrics}");
        assert!(metrics.contains(r#"bvc_circuit_breaker_calls_total{breaker="openai",outcome="failure"} 5"#));
        let health = app.get_json("/health").await;
        assert_eq!(health["status"], "degraded");
    }
}

/// PostgreSQL behind a proxy the test cuts: the webhook answers 503 (Telegram retries), the
/// store breaker opens, and once the database is back every update is accepted and processed.
#[actix_rt::test]
async fn a_store_outage_answers_503_then_recovers_with_nothing_lost() {
    let Some(db) = TestDb::create(Backend::Postgres).await else {
        return;
    };
    let proxy = TcpProxy::start("127.0.0.1:5432".parse().expect("addr"));
    let proxied = db.url.replacen(":5432/", &format!(":{}/", proxy.port), 1);
    let settings = [
        ("DATABASE_URL", proxied.as_str()),
        ("HEALTH_PROBE_INTERVAL_MS", "100"),
    ];
    let app = spawn_app_tuned(Arc::new(db), &settings, |s| {
        s.breakers.store.open_base = Duration::from_millis(200);
        s.breakers.store.open_max = Duration::from_millis(400);
        // An update whose handling meets the store still recovering (its breaker half-open) is
        // left claimed and taken again when its lease runs out: seconds here, not the default 30.
        s.delivery.lease_secs = 3;
    })
    .await;
    let before = fixture_with_id("command_start.json", 7_001);
    assert_eq!(app.post_update(before.clone()).await.status(), 200);
    eventually(
        "first update processed",
        Duration::from_secs(30),
        || async { app.finished_status(7_001).await },
    )
    .await;

    proxy.cut();
    let during: Vec<String> = (7_002..7_010)
        .map(|id| fixture_with_id("command_start.json", id))
        .collect();
    for body in &during {
        assert_eq!(
            app.post_update(body.clone()).await.status(),
            503,
            "refused, so Telegram retries"
        );
    }
    let stats = app.get_json("/stats").await;
    assert_eq!(breaker(&stats, "store")["state"], "open", "{stats}");
    // The periodic probe sees it too, before anyone asks /ready.
    eventually(
        "the probe finds the store down",
        Duration::from_secs(10),
        || async {
            let health = app.get_json("/health").await;
            (health["unhealthy"] == serde_json::json!(["store"])).then_some(())
        },
    )
    .await;
    assert_eq!(app.get("/ready").await.status(), 503);

    proxy.restore();
    // Telegram redelivers what it did not get a 200 for.
    for body in &during {
        eventually("redelivery accepted", Duration::from_secs(15), || async {
            (app.post_update(body.clone()).await.status() == 200).then_some(())
        })
        .await;
    }
    for id in 7_001..7_010 {
        let status = eventually("processed", Duration::from_secs(15), || async {
            app.finished_status(id).await
        })
        .await;
        assert_eq!(
            status,
            bible_vibecoder::domain::UpdateStatus::Done,
            "update {id}"
        );
    }
    assert_eq!(app.get("/ready").await.status(), 200);
    eventually(
        "the probe finds the store back",
        Duration::from_secs(10),
        || async {
            let health = app.get_json("/health").await;
            (health["unhealthy"] == serde_json::json!([])).then_some(())
        },
    )
    .await;
    // `/health` changes first; analytics hears of it by message just after, so wait for the note.
    let health_alerts = |stats: &serde_json::Value| -> Vec<serde_json::Value> {
        stats["analytics"]["recent_alerts"]
            .as_array()
            .map(|alerts| {
                alerts
                    .iter()
                    .filter(|a| a["service"] == "health:store")
                    .map(|a| a["severity"].clone())
                    .collect()
            })
            .unwrap_or_default()
    };
    let stats = eventually(
        "analytics notes the store back",
        Duration::from_secs(10),
        || async {
            let stats = app.get_json("/stats").await;
            (health_alerts(&stats).len() >= 2).then_some(stats)
        },
    )
    .await;
    assert_eq!(
        health_alerts(&stats),
        ["warning", "info"],
        "down once, back once: {stats}"
    );
    assert_eq!(breaker(&stats, "store")["state"], "closed");
    assert_eq!(stats["updates"]["received"], 9);
}

/// With a bot token and `ADMIN_CHAT_ID`, a critical alert reaches the admin chat through the
/// Bot API (here a loopback fake).
#[actix_rt::test]
async fn an_escalation_is_sent_to_the_admin_chat() {
    let Some(db) = TestDb::create(Backend::Sqlite).await else {
        return;
    };
    let telegram = FakeBotApi::start();
    let app = spawn_app_tuned(
        Arc::new(db),
        &[
            ("TELEGRAM_BOT_TOKEN", "123:secret"),
            ("TELEGRAM_API_URL", &telegram.url),
            ("ADMIN_CHAT_ID", "-100777"),
        ],
        |s| {
            s.supervision.child.max_restarts = 0; // the first fault escalates
            s.supervision.root.max_restarts = 0;
        },
    )
    .await;

    app.state
        .registry
        .handle("carousel")
        .expect("carousel registered")
        .inject_fault("drill");

    let sent = eventually(
        "alert sent to the admin chat",
        Duration::from_secs(30),
        || async {
            telegram.calls_to("sendMessage").into_iter().find(|m| {
                m["text"]
                    .as_str()
                    .is_some_and(|t| t.contains("restart intensity"))
            })
        },
    )
    .await;
    assert_eq!(sent["chat_id"], -100777);
    assert_eq!(sent["parse_mode"], "HTML");
    assert!(
        sent["text"]
            .as_str()
            .is_some_and(|t| t.contains("<b>carousel</b>")),
        "{sent}"
    );
}

/// Alerts are part of the event log: after the process is replaced, `/stats` still shows them.
#[actix_rt::test]
async fn recent_alerts_survive_a_restart_of_the_process() {
    alerts_survive_a_restart(Backend::Sqlite).await;
}

/// The same on PostgreSQL, where the alerts are read through an index of their own.
#[actix_rt::test]
async fn recent_alerts_survive_a_restart_of_the_process_on_postgres() {
    alerts_survive_a_restart(Backend::Postgres).await;
}

async fn alerts_survive_a_restart(backend: Backend) {
    let Some(db) = TestDb::create(backend).await else {
        return;
    };
    let db = Arc::new(db);
    let tune = |s: &mut bible_vibecoder::app::config::Settings| {
        s.supervision.child.max_restarts = 0;
        s.supervision.root.max_restarts = 0;
    };
    let first = spawn_app_tuned(db.clone(), &[], tune).await;
    first
        .state
        .registry
        .handle("ai")
        .expect("ai registered")
        .inject_fault("before the restart");
    eventually(
        "alert written to the event log",
        Duration::from_secs(30),
        || async {
            first.event_log.flush().await;
            let alerts = first
                .store
                .events
                .latest_events("analytics.alert.triggered", 10)
                .await
                .ok()?;
            (!alerts.is_empty()).then_some(())
        },
    )
    .await;
    first.stop().await;

    let second = spawn_app_tuned(db, &[], tune).await;

    let alerts = eventually("alerts restored", Duration::from_secs(30), || async {
        let stats = second.get_json("/stats").await;
        let alerts = stats["analytics"]["recent_alerts"].as_array().cloned()?;
        (!alerts.is_empty()).then_some(alerts)
    })
    .await;
    assert!(alerts.iter().any(|a| a["service"] == "ai"
        && a["message"]
            .as_str()
            .is_some_and(|m| m.contains("restart intensity"))));
    assert_eq!(
        second.get("/ready").await.status(),
        200,
        "the new process starts afresh"
    );
}
