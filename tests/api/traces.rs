//! Traces: the real binary exporting over OTLP/HTTP to a loopback collector. One carousel's
//! spans share one trace from the webhook to `sendMediaGroup`, parent by parent, and the event
//! log keeps that trace id.
use crate::helpers::*;
use crate::on_both_backends;
use std::collections::HashMap;
use std::time::Duration;

const ADA: i64 = 424242;

async fn post(port: u16, body: String) {
    assert_eq!(post_to(&reqwest::Client::new(), port, body).await, 200);
}

/// The names from `span` up to its root, following parent ids; panics on a parent that never
/// arrived (a broken link).
fn ancestry<'a>(span: &'a ReceivedSpan, by_id: &HashMap<&str, &'a ReceivedSpan>) -> Vec<&'a str> {
    let mut names = vec![span.name.as_str()];
    let mut current = span;
    while let Some(parent) = &current.parent_span_id {
        let Some(next) = by_id.get(parent.as_str()) else {
            panic!(
                "span {:?} has a parent {parent} that was never exported",
                current.name
            );
        };
        assert_eq!(next.trace_id, current.trace_id, "a parent in another trace");
        names.push(next.name.as_str());
        current = next;
    }
    names
}

/// Ada's /start, /carousel and style press through the webhook, until the album is sent;
/// answers the press's update id.
async fn carousel_to_album(
    port: u16,
    store: &bible_vibecoder::store::Store,
    telegram: &FakeBotApi,
) -> i64 {
    post(port, fixture("command_start.json")).await;
    eventually("Ada registered", Duration::from_secs(20), || async {
        store.users.settings_of(ADA).await.expect("store")
    })
    .await;
    post(port, fixture("command_carousel_ru.json")).await;
    let data = telegram.style_offer_in(ADA).await;
    let mut press: serde_json::Value =
        serde_json::from_str(&fixture("callback_style.json")).expect("json");
    press["callback_query"]["data"] = data.into();
    let press_update = press["update_id"].as_i64().expect("update id");
    post(port, press.to_string()).await;
    eventually("the album sent", Duration::from_secs(30), || async {
        (!telegram.calls_to("sendMediaGroup").is_empty()).then_some(())
    })
    .await;
    press_update
}

/// Model and Bot API latency by outcome are in `/metrics`, beside the traces. The fake Bot API
/// has the album as soon as the request arrives; the call's latency is observed once its answer
/// is back here, a moment later, so the metrics are read until they show it (or time runs out).
async fn assert_call_latency_is_measured(port: u16) {
    let needles = [
        r#"bvc_external_call_duration_seconds_count{call="sendMediaGroup",outcome="ok",service="telegram"} 1"#,
        r#"bvc_external_call_duration_seconds_count{call="chat.completions",outcome="ok",service="model"} 1"#,
    ];
    let read = || async {
        reqwest::get(format!("http://127.0.0.1:{port}/metrics"))
            .await
            .expect("metrics")
            .text()
            .await
            .expect("text")
    };
    let started = std::time::Instant::now();
    let mut metrics = read().await;
    while !needles.iter().all(|n| metrics.contains(n))
        && started.elapsed() < Duration::from_secs(10)
    {
        tokio::time::sleep(Duration::from_millis(50)).await;
        metrics = read().await;
    }
    let calls: Vec<&str> = metrics
        .lines()
        .filter(|l| l.starts_with("bvc_external_call_duration_seconds_count"))
        .collect();
    for needle in needles {
        assert!(metrics.contains(needle), "missing {needle} in {calls:#?}");
    }
}

/// The album call's trace: parent by parent it leads back to the press's webhook request,
/// through each actor in causal order.
fn album_trace_from_the_webhook(
    spans: &[ReceivedSpan],
    by_id: &HashMap<&str, &ReceivedSpan>,
    press_update: i64,
) -> String {
    let album: Vec<&ReceivedSpan> = spans
        .iter()
        .filter(|s| s.name == "sendMediaGroup")
        .collect();
    assert_eq!(album.len(), 1, "one Bot API call for the album");
    let trace = album[0].trace_id.clone();

    // Parent by parent, the album call leads back to the press's webhook request.
    let chain = ancestry(album[0], by_id);
    let root = *chain.last().expect("a root");
    assert_eq!(root, "POST /telegram/webhook", "chain: {chain:?}");
    let webhook = spans
        .iter()
        .find(|s| s.trace_id == trace && s.parent_span_id.is_none())
        .expect("the root span");
    assert_eq!(
        webhook.attributes.get("update_id"),
        Some(&press_update.to_string())
    );
    for hop in [
        "gateway telegram.update.received",
        "orchestrator telegram.callback.pressed",
        "workflow carousel",
        "outbox send album_part",
    ] {
        assert!(chain.contains(&hop), "{hop} missing from {chain:?}");
    }
    let position = |name: &str| chain.iter().position(|n| *n == name).expect(name);
    assert!(
        position("outbox send album_part") < position("workflow carousel")
            && position("workflow carousel") < position("orchestrator telegram.callback.pressed")
            && position("orchestrator telegram.callback.pressed")
                < position("gateway telegram.update.received"),
        "hops in causal order: {chain:?}"
    );

    trace
}

on_both_backends! {
    async fn one_carousel_is_one_trace_from_the_webhook_to_send_media_group(backend) {
        let Some(db) = TestDb::create(backend).await else { return };
        let store = bible_vibecoder::store::Store::connect(&settings_for(&db, &[]).database)
            .expect("pool");
        let telegram = FakeBotApi::start();
        let model = FakeOpenAi::start(model_slides(10));
        let collector = FakeCollector::start();
        let (mut serve, port) = serve_binary(
            &db.url,
            &telegram,
            Some(&model),
            &[
                ("OTEL_EXPORTER_OTLP_ENDPOINT", &collector.url),
                ("OTEL_SERVICE_NAME", "bvc-under-test"),
                ("OTEL_BSP_SCHEDULE_DELAY", "200"),
            ],
        );
        let press_update = carousel_to_album(port, &store, &telegram).await;
        assert_call_latency_is_measured(port).await;
        // SIGTERM flushes the spans still buffered before the process exits.
        let (status, _) = terminate(&mut serve, Duration::from_secs(15));
        assert!(status.success(), "serve exits 0 after SIGTERM: {status:?}");

        let spans = collector.spans();
        assert!(
            spans.iter().all(|s| s.service_name.as_deref() == Some("bvc-under-test")),
            "OTEL_SERVICE_NAME names the service"
        );
        let by_id: HashMap<&str, &ReceivedSpan> =
            spans.iter().map(|s| (s.span_id.as_str(), s)).collect();
        let trace = album_trace_from_the_webhook(&spans, &by_id, press_update);
        // The rest of the carousel's work is in the same trace, under the workflow.
        let in_trace: Vec<&ReceivedSpan> = spans.iter().filter(|s| s.trace_id == trace).collect();
        let model_call = in_trace
            .iter()
            .find(|s| s.name == "chat.completions")
            .expect("the model call is in the trace");
        let model_chain = ancestry(model_call, &by_id);
        assert!(
            model_chain.contains(&"ai ai.content.write")
                && model_chain.contains(&"workflow carousel"),
            "the model call runs in the AI actor's handling, under the workflow: {model_chain:?}"
        );
        let slides = in_trace.iter().filter(|s| s.name == "render slide").count();
        let encodes = in_trace.iter().filter(|s| s.name == "render encode").count();
        let sent = telegram.calls_to("sendMediaGroup")[0]["media"]
            .as_array()
            .map_or(0, Vec::len);
        assert!(sent >= 5);
        assert_eq!((slides, encodes), (sent, sent), "each slide drawn and encoded in its own span");
        let render = in_trace
            .iter()
            .find(|s| s.name == "render slide")
            .expect("a slide");
        assert!(
            ancestry(render, &by_id).iter().any(|n| n.starts_with("carousel ")),
            "slides render under the carousel actor's handling"
        );
        assert!(
            in_trace.iter().any(|s| s.name.starts_with("store ")),
            "store queries are spans of the trace"
        );

        // From an event to its trace: the press's audit records carry the trace id.
        let correlation = bible_vibecoder::messages::correlation_for_update(press_update);
        let events = store.events.events_of(&correlation.to_string()).await.expect("events");
        assert!(!events.is_empty());
        let traced: Vec<_> = events.iter().filter_map(|e| e.trace_id.as_deref()).collect();
        assert!(traced.contains(&trace.as_str()), "events: {events:?}");

        assert_spans_follow_the_conventions(&spans, &trace);
    }
}

/// OpenTelemetry's HTTP conventions on the server and client spans, the resource naming the
/// version and the instance, and the webhook's group commit linked to the request it served.
fn assert_spans_follow_the_conventions(spans: &[ReceivedSpan], trace: &str) {
    let webhook = spans
        .iter()
        .find(|s| s.trace_id == trace && s.parent_span_id.is_none())
        .expect("the root span");
    assert_eq!(
        webhook.attributes.get("http.route").map(String::as_str),
        Some("/telegram/webhook")
    );
    assert_eq!(
        webhook
            .attributes
            .get("http.request.method")
            .map(String::as_str),
        Some("POST")
    );
    assert_eq!(
        webhook
            .attributes
            .get("http.response.status_code")
            .map(String::as_str),
        Some("200")
    );
    let album = spans
        .iter()
        .find(|s| s.name == "sendMediaGroup")
        .expect("the album call");
    assert_eq!(
        album
            .attributes
            .get("http.request.method")
            .map(String::as_str),
        Some("POST")
    );
    assert_eq!(
        album.attributes.get("server.address").map(String::as_str),
        Some("127.0.0.1")
    );
    assert_eq!(
        album
            .attributes
            .get("http.response.status_code")
            .map(String::as_str),
        Some("200")
    );
    assert!(album
        .attributes
        .get("server.port")
        .is_some_and(|p| p.parse::<u16>().is_ok()));
    let version = webhook
        .resource
        .get("service.version")
        .expect("service.version");
    assert_eq!(version, env!("CARGO_PKG_VERSION"));
    assert!(webhook
        .resource
        .get("service.instance.id")
        .is_some_and(|id| !id.is_empty()));
    let served = format!("{}:{}", webhook.trace_id, webhook.span_id);
    let commit = spans
        .iter()
        .find(|s| s.name == "ingest group commit" && s.links.contains(&served))
        .expect("the update's group commit links to its webhook request");
    assert!(
        spans.iter().any(
            |s| s.parent_span_id.as_deref() == Some(commit.span_id.as_str())
                && s.name == "store record_updates"
        ),
        "the commit's store query is its child"
    );
}

/// Spans with no parent: each is a trace of its own in the operator's UI.
fn roots(spans: &[ReceivedSpan]) -> Vec<&str> {
    spans
        .iter()
        .filter(|s| s.parent_span_id.is_none())
        .map(|s| s.name.as_str())
        .collect()
}

#[actix_rt::test]
async fn an_idle_bot_exports_no_poll_traces_and_a_failed_model_call_is_an_error_span() {
    let Some(db) = TestDb::create(Backend::Sqlite).await else {
        return;
    };
    let store =
        bible_vibecoder::store::Store::connect(&settings_for(&db, &[]).database).expect("pool");
    let telegram = FakeBotApi::start();
    let model = FakeOpenAi::start_answering(500, String::new());
    let collector = FakeCollector::start();
    let (mut serve, port) = serve_binary(
        &db.url,
        &telegram,
        Some(&model),
        &[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", &collector.url),
            ("OTEL_BSP_SCHEDULE_DELAY", "200"),
            ("RENDER_WARM_UP", "false"),
        ],
    );
    // Outbox claims every 250 ms, sweeps every second, the health probe: a dozen polls.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let idle = collector.spans();
    assert!(
        roots(&idle).is_empty(),
        "idle, nothing to tell: {:?}",
        roots(&idle)
    );

    carousel_to_album(port, &store, &telegram).await;
    let (status, _) = terminate(&mut serve, Duration::from_secs(15));
    assert!(status.success());
    let spans = collector.spans();
    let failed: Vec<&ReceivedSpan> = spans
        .iter()
        .filter(|s| s.name == "chat.completions")
        .collect();
    assert!(!failed.is_empty(), "the model was asked");
    for call in failed {
        assert_eq!(call.status, 2, "status ERROR: {:?}", call.attributes);
        assert_eq!(
            call.attributes
                .get("http.response.status_code")
                .map(String::as_str),
            Some("500")
        );
        assert!(call.attributes.contains_key("error.type"));
    }
    let polls: Vec<&str> = roots(&spans)
        .into_iter()
        .filter(|n| n.starts_with("store "))
        .collect();
    assert!(
        polls.is_empty(),
        "store queries outside any request are not traces: {polls:?}"
    );
}

#[actix_rt::test]
async fn spans_the_collector_cannot_take_are_reported_in_the_log() {
    let Some(db) = TestDb::create(Backend::Sqlite).await else {
        return;
    };
    let telegram = FakeBotApi::start();
    // A port nobody listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("port");
    let endpoint = format!("http://{}", closed.local_addr().expect("addr"));
    drop(closed);
    let (serve, port) = serve_binary(
        &db.url,
        &telegram,
        None,
        &[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", &endpoint),
            ("OTEL_BSP_SCHEDULE_DELAY", "100"),
        ],
    );
    assert_eq!(
        post_to(
            &reqwest::Client::new(),
            port,
            text_update(75_001, 7501, "/help")
        )
        .await,
        200
    );
    eventually(
        "the export failure logged",
        Duration::from_secs(30),
        || async {
            log_of(&serve)
                .contains("spans not exported over OTLP")
                .then_some(())
        },
    )
    .await;
    drop(serve);
}
