//! `/health`, `/ready`, `/stats`, `/metrics`: what operators read.
use crate::helpers::*;
use crate::on_both_backends;
use bible_vibecoder::supervisors::ServiceState;
use std::time::Duration;

const SERVICES: [&str; 6] = [
    "analytics",
    "store",
    "ai",
    "carousel",
    "orchestrator",
    "gateway",
];

on_both_backends! {
    async fn health_is_ok_and_lists_the_six_services_running(backend) {
        let Some(app) = spawn_app(backend).await else { return };
        let health = app.get_json("/health").await;
        assert_eq!(health["status"], "ok");
        let names: Vec<&str> = health["services"].as_array().expect("services").iter().filter_map(|s| s["name"].as_str()).collect();
        assert_eq!(names, SERVICES);
        assert!(health["services"].as_array().expect("services").iter().all(|s| s["state"] == "running"));
    }

    async fn ready_is_200_when_all_runs_and_503_naming_a_failed_service(backend) {
        let Some(app) = spawn_app(backend).await else { return };
        assert_eq!(app.get("/ready").await.status(), 200);

        app.state.registry.handle("ai").expect("ai registered").set_state(ServiceState::Failed);

        let ready = app.get("/ready").await;
        assert_eq!(ready.status(), 503);
        let body: serde_json::Value = ready.json().await.expect("json");
        assert_eq!(body["not_running"], serde_json::json!(["ai"]));
        let health = app.get_json("/health").await;
        assert_eq!(health["status"], "degraded");
        assert_eq!(health["degraded"], serde_json::json!(["ai"]));
    }

    async fn health_shows_what_the_periodic_probe_found_and_a_failing_model_degrades_it_without_unreadying(backend) {
        let telegram = FakeBotApi::start();
        let model = FakeOpenAi::start_answering(500, String::new());
        let Some(app) = spawn_app_with(backend, &[
            ("TELEGRAM_BOT_TOKEN", "123:probe"),
            ("TELEGRAM_API_URL", &telegram.url),
            ("OPENAI_API_KEY", "sk-test"),
            ("OPENAI_BASE_URL", &model.base_url),
            ("HEALTH_PROBE_INTERVAL_MS", "100"),
        ]).await else { return };

        let health = eventually("every dependency checked", Duration::from_secs(15), || async {
            let health = app.get_json("/health").await;
            (health["checks"].as_array().map(Vec::len) == Some(3)).then_some(health)
        }).await;
        let checks = health["checks"].as_array().expect("checks");
        let status_of = |name: &str| checks.iter().find(|c| c["dependency"] == name).map(|c| c["status"].clone());
        assert_eq!(status_of("store"), Some("healthy".into()), "{health}");
        assert_eq!(status_of("bot_api"), Some("healthy".into()), "{health}");
        assert_eq!(status_of("model"), Some("unhealthy".into()), "{health}");
        assert_eq!(health["status"], "degraded");
        assert_eq!(health["unhealthy"], serde_json::json!(["model"]));
        assert!(!telegram.requests_to("getMe").is_empty(), "the Bot API was asked getMe");
        assert_eq!(model.calls.load(std::sync::atomic::Ordering::SeqCst), 0, "a probe is not a completion");

        let metrics = app.get("/metrics").await.text().await.expect("metrics");
        for line in [r#"bvc_dependency_up{dependency="model"} 0"#, r#"bvc_dependency_up{dependency="bot_api"} 1"#, r#"bvc_dependency_up{dependency="store"} 1"#] {
            assert!(metrics.contains(line), "missing {line}");
        }

        // The model does not decide readiness: updates are still recorded and replies wait.
        assert_eq!(app.get("/ready").await.status(), 200);

        let recorded = eventually("probe results in the event log", Duration::from_secs(15), || async {
            app.event_log.flush().await;
            let rows = app.store.events.latest_events("health.checked", 50).await.expect("events");
            let checked: Vec<serde_json::Value> = rows.iter().filter_map(|r| serde_json::from_str(&r.payload).ok()).collect();
            checked.iter().any(|c| c["dependency"] == "model" && c["status"] == "unhealthy").then_some(checked)
        }).await;
        let failed = recorded.iter().find(|c| c["dependency"] == "model").expect("a model check");
        assert!(failed["reason"].as_str().unwrap_or_default().contains("GET /models"), "{failed}");

        let stats = app.get_json("/stats").await;
        let alerts = stats["analytics"]["recent_alerts"].as_array().expect("alerts");
        let model_alerts: Vec<_> = alerts.iter().filter(|a| a["service"] == "health:model").collect();
        assert_eq!(model_alerts.len(), 1, "one alert when it turned unhealthy, none while it stays: {alerts:?}");
    }

    async fn stats_report_version_uptime_backend_actors_and_update_counts(backend) {
        let Some(app) = spawn_app(backend).await else { return };
        app.post_update(fixture("command_start.json")).await;
        app.post_update(fixture("command_start.json")).await;
        app.post_update("nonsense").await;

        let stats = app.get_json("/stats").await;

        assert_eq!(stats["version"], env!("CARGO_PKG_VERSION"));
        assert!(stats["uptime_seconds"].is_u64());
        let expected_backend = if backend == Backend::Sqlite { "sqlite" } else { "postgres" };
        assert_eq!(stats["store_backend"], expected_backend);
        assert_eq!(stats["actors"].as_array().map(Vec::len), Some(6));
        for actor in stats["actors"].as_array().expect("actors") {
            for field in ["handled", "failed", "restarts"] {
                assert!(actor[field].is_u64(), "{field} missing in {actor}");
            }
        }
        assert_eq!(stats["updates"], serde_json::json!({"received": 1, "duplicate": 1, "rejected": 1}));
    }

    async fn metrics_expose_http_update_actor_and_store_families_in_text_format(backend) {
        let Some(app) = spawn_app(backend).await else { return };
        let body = fixture("command_start.json");
        app.post_update(body.clone()).await;
        app.finished_status(update_id_of(&body)).await;
        app.get("/health").await;

        let response = app.get("/metrics").await;
        assert_eq!(response.status(), 200);
        assert!(response.headers()["content-type"].to_str().expect("ascii").starts_with("text/plain; version=0.0.4"));
        let text = response.text().await.expect("text");

        for needle in [
            r#"bvc_http_requests_total{method="POST",route="/telegram/webhook",status="200"} 1"#,
            r#"bvc_http_request_duration_seconds_bucket{route="/health""#,
            r#"bvc_telegram_updates_total{kind="message",outcome="accepted"} 1"#,
            r#"bvc_actor_messages_total{actor="gateway",outcome="handled"} 1"#,
            r#"bvc_store_query_duration_seconds_count{operation="record_updates"} 1"#,
            r#"bvc_actor_up{actor="orchestrator"} 1"#,
            r#"bvc_queue_depth{queue="updates_open"} 0"#,
            r#"bvc_queue_depth{queue="outbox_pending"} 0"#,
            r#"bvc_queue_depth{queue="outbox_due"} 0"#,
            r#"bvc_workflows{state="awaiting_style"} 0"#,
            r#"bvc_store_pool_connections{state="waiting"} 0"#,
            r#"bvc_actor_handling_duration_seconds_count{actor="gateway",message="telegram.update.received",outcome="ok"} 1"#,
            r#"bvc_actor_mailbox_depth{actor="gateway"} 0"#,
            r#"bvc_queue_depth{queue="event_log"} "#,
            "process_resident_memory_bytes ",
            "process_open_fds ",
            "process_start_time_seconds ",
        ] {
            assert!(text.contains(needle), "missing {needle} in\n{text}");
        }
        for line in text.lines().filter(|l| !l.starts_with('#') && !l.is_empty()) {
            let value = line.rsplit(' ').next().expect("value");
            assert!(value.parse::<f64>().is_ok(), "not a sample line: {line}");
        }
        let idle: f64 = text
            .lines()
            .find_map(|l| l.strip_prefix(r#"bvc_store_pool_connections{state="idle"} "#))
            .and_then(|v| v.parse().ok())
            .expect("idle connections");
        assert!(idle >= 1.0, "the pool keeps connections: {idle}");
    }

    async fn queue_depths_count_workflows_by_state_and_unfinished_updates(backend) {
        let Some(app) = spawn_app(backend).await else { return };
        let body = fixture("command_carousel_ru.json");
        app.post_update(body.clone()).await;
        app.finished_status(update_id_of(&body)).await;

        let text = app.get("/metrics").await.text().await.expect("text");
        assert!(text.contains(r#"bvc_workflows{state="awaiting_style"} 1"#), "{text}");
        assert!(text.contains(r#"bvc_workflows{state="done"} 0"#));
    }
}

/// Metric names in a PromQL text: identifiers that start like ours or the process collector's.
fn metric_names_in(text: &str) -> std::collections::BTreeSet<String> {
    let mut names = std::collections::BTreeSet::new();
    let mut current = String::new();
    for c in text.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_alphanumeric() || c == '_' {
            current.push(c);
        } else {
            if current.starts_with("bvc_") || current.starts_with("process_") {
                names.insert(std::mem::take(&mut current));
            }
            current.clear();
        }
    }
    names
}

/// The series selectors in a PromQL text: a metric name of ours and its `label="value"`
/// matchers (regex and negative matchers select no particular value and are left out).
fn selectors_in(text: &str) -> Vec<(String, Vec<String>)> {
    let names = metric_names_in(text);
    let mut selectors = Vec::new();
    for name in names {
        let mut rest = text;
        while let Some(at) = rest.find(name.as_str()) {
            let after = &rest[at + name.len()..];
            let boundary = after
                .chars()
                .next()
                .is_none_or(|c| !(c.is_ascii_alphanumeric() || c == '_'));
            let before_ok =
                at == 0 || !rest[..at].ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_');
            if boundary && before_ok {
                let matchers = after
                    .strip_prefix('{')
                    .and_then(|inner| inner.split_once('}'))
                    .map(|(inner, _)| {
                        inner
                            .split(',')
                            .map(str::trim)
                            .filter(|m| m.contains("=\"") && !m.contains("=~") && !m.contains("!="))
                            .map(str::to_string)
                            .collect()
                    })
                    .unwrap_or_default();
                selectors.push((name.clone(), matchers));
            }
            rest = after;
        }
    }
    selectors
}

/// Every series the alert rules and the dashboard select is in a live `/metrics` of a freshly
/// started bot, with every label value they name: an alert on a series that appears only at its
/// first event (already incremented) would miss that first event.
#[actix_rt::test]
async fn every_series_the_alert_rules_and_the_dashboard_select_is_in_a_live_scrape() {
    let read = |path: &str| {
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path))
            .unwrap_or_else(|e| panic!("{path}: {e}"))
    };
    let rules = read("deploy/prometheus/alerts.yml");
    let dashboard: serde_json::Value =
        serde_json::from_str(&read("deploy/grafana/dashboards/bible-vibecoder.json"))
            .expect("the dashboard is JSON");
    let panel_exprs: Vec<String> = dashboard["panels"]
        .as_array()
        .expect("panels")
        .iter()
        .flat_map(|p| p["targets"].as_array().cloned().unwrap_or_default())
        .filter_map(|t| t["expr"].as_str().map(str::to_string))
        .collect();
    assert!(panel_exprs.len() >= 12, "every panel has queries");
    let mut selectors = selectors_in(&rules);
    assert!(
        selectors.len() >= 8,
        "the rules name our metrics: {selectors:?}"
    );
    selectors.extend(selectors_in(&panel_exprs.join("\n")));

    // A bot with a Bot API to answer through, so it has made calls and handled an update.
    let Some(db) = TestDb::create(Backend::Sqlite).await else {
        return;
    };
    let telegram = FakeBotApi::start();
    let app = spawn_app_on(
        std::sync::Arc::new(db),
        &[
            ("TELEGRAM_BOT_TOKEN", "123:secret"),
            ("TELEGRAM_API_URL", telegram.url.as_str()),
        ],
    )
    .await;
    app.post_update(fixture("command_start.json")).await;
    eventually("the greeting sent", Duration::from_secs(30), || async {
        (!telegram.calls_to("sendMessage").is_empty()).then_some(())
    })
    .await;
    let missing = |scrape: &str| -> Vec<String> {
        selectors
            .iter()
            .filter(|(name, matchers)| {
                !scrape.lines().filter(|l| !l.starts_with('#')).any(|line| {
                    let series = line.split(['{', ' ']).next().unwrap_or_default();
                    let family = ["_bucket", "_sum", "_count"]
                        .iter()
                        .find_map(|suffix| series.strip_suffix(suffix))
                        .unwrap_or(series);
                    (series == name || family == name)
                        && matchers.iter().all(|m| line.contains(m.as_str()))
                })
            })
            .map(|(name, matchers)| format!("{name}{{{}}}", matchers.join(",")))
            .collect()
    };
    let still_missing = eventually_or_last(Duration::from_secs(30), || async {
        app.get("/health").await;
        let scrape = app.get("/metrics").await.text().await.expect("metrics");
        missing(&scrape)
    })
    .await;
    assert!(
        still_missing.is_empty(),
        "selected but not in /metrics: {still_missing:?}"
    );
}

/// Polls `check` until it answers an empty list or `limit` passes; answers the last list.
async fn eventually_or_last<F, Fut>(limit: Duration, mut check: F) -> Vec<String>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Vec<String>>,
{
    let started = std::time::Instant::now();
    loop {
        let left = check().await;
        if left.is_empty() || started.elapsed() > limit {
            return left;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[test]
fn every_metric_family_the_application_exports_is_documented_in_the_operations_guide() {
    let guide = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/operations.md"))
        .expect("docs/operations.md");
    let table = guide
        .split("### Metric families")
        .nth(1)
        .expect("a metric families section in docs/operations.md");
    let metrics = bible_vibecoder::observability::metrics::Metrics::new();
    let families = metrics.family_names();
    assert!(families.len() > 20, "{families:?}");
    for family in families {
        assert!(
            table.contains(&format!("`{family}`")) || table.contains(&format!("`{family}{{")),
            "{family} is not documented in docs/operations.md's metric families"
        );
    }
}
