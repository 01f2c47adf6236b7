//! The real binary killed (SIGKILL) in the middle of a carousel, then started again over the
//! same database: the carousel resumes from its last completed step and is delivered once.
use crate::helpers::*;
use bible_vibecoder::domain::{OutboxStatus, WorkflowState};

use std::sync::atomic::Ordering;
use std::time::Duration;

const ADA: i64 = 424242;

/// Both runs export their traces to `collector`.
fn serve(
    database_url: &str,
    telegram: &FakeBotApi,
    model: &FakeOpenAi,
    collector: &FakeCollector,
) -> (Served, u16) {
    serve_binary(
        database_url,
        telegram,
        Some(model),
        &[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", &collector.url),
            ("OTEL_BSP_SCHEDULE_DELAY", "200"),
        ],
    )
}

async fn post(port: u16, body: String) {
    let status = reqwest::Client::new()
        .post(format!("http://127.0.0.1:{port}/telegram/webhook"))
        .body(body)
        .send()
        .await
        .expect("webhook")
        .status();
    assert_eq!(status, 200);
}

/// Ada asks for a twelve-slide carousel and presses a style; answers the workflow's id.
async fn twelve_slide_carousel_pressed(
    port: u16,
    store: &bible_vibecoder::store::Store,
    telegram: &FakeBotApi,
) -> String {
    post(port, fixture("command_start.json")).await;
    let ada = eventually("Ada registered", Duration::from_secs(20), || async {
        store.users.settings_of(ADA).await.expect("store")
    })
    .await;
    store
        .users
        .save_settings(&bible_vibecoder::domain::UserSettings { slides: 12, ..ada })
        .await
        .expect("twelve slides");
    post(port, fixture("command_carousel_ru.json")).await;
    let data = telegram.style_offer_in(ADA).await;
    let workflow = data.rsplit(':').next().expect("id").to_string();
    let mut press: serde_json::Value =
        serde_json::from_str(&fixture("callback_style.json")).expect("json");
    press["callback_query"]["data"] = data.clone().into();
    post(port, press.to_string()).await;

    workflow
}

/// The resumed run is a trace of its own, linked to the press that started the carousel.
fn assert_resumed_run_is_linked_to_the_press(trace_parent: Option<&str>, spans: &[ReceivedSpan]) {
    let press = trace_parent
        .and_then(|tp| tp.split('-').nth(1))
        .expect("the press's trace is kept on the workflow");
    let resumed = spans
        .iter()
        .find(|s| {
            s.name == "workflow carousel"
                && s.attributes.get("resumed").map(String::as_str) == Some("true")
        })
        .expect("the resumed run's span");
    assert_ne!(resumed.trace_id, press, "a new trace for the resumed run");
    assert!(
        resumed
            .links
            .iter()
            .any(|l| l.starts_with(&format!("{press}:"))),
        "linked to the press's trace: {:?}",
        resumed.links
    );
}

/// The first part was recorded as sent and is not repeated; the unanswered one went again.
async fn assert_each_part_sent_once(
    store: &bible_vibecoder::store::Store,
    telegram: &FakeBotApi,
    workflow: &str,
) {
    let albums = telegram.calls_to("sendMediaGroup");
    assert_eq!(albums.len(), 2, "each part delivered exactly once");
    let sizes: Vec<_> = albums
        .iter()
        .map(|a| a["media"].as_array().map_or(0, Vec::len))
        .collect();
    assert_eq!(sizes, [6, 6]);
    assert!(
        albums[0]["media"][0]["caption"].is_string() && albums[1]["media"][0]["caption"].is_null()
    );
    for part in 0..2 {
        let row = store
            .outbox
            .outbox_row(&format!("album:{workflow}:{part}"))
            .await
            .expect("outbox")
            .expect("the part is in the outbox");
        assert_eq!(row.status, OutboxStatus::Sent, "part {part}");
        assert!(row.message_ids.is_some_and(|ids| !ids.is_empty()));
    }
    assert_eq!(telegram.uploads_to("sendMediaGroup").len(), 12);
}

async fn kill_mid_album_then_resume(backend: Backend) {
    let Some(db) = TestDb::create(backend).await else {
        return;
    };
    let store =
        bible_vibecoder::store::Store::connect(&settings_for(&db, &[]).database).expect("pool");
    let telegram = FakeBotApi::start();
    let model = FakeOpenAi::start(model_slides(12));
    let collector = FakeCollector::start();
    // Twelve slides go out as two albums of six. The first is delivered; the second call never
    // comes back: the process dies while Telegram "holds" it.
    telegram.script("sendMediaGroup", BotAnswer::Pass);
    telegram.script("sendMediaGroup", BotAnswer::Hang);

    let (mut first, port) = serve(&db.url, &telegram, &model, &collector);
    let workflow = twelve_slide_carousel_pressed(port, &store, &telegram).await;
    eventually(
        "the second album call in flight",
        Duration::from_secs(20),
        || async { (telegram.requests_to("sendMediaGroup").len() == 2).then_some(()) },
    )
    .await;
    first.kill().expect("SIGKILL");
    first.wait().expect("reaped");

    let row = store
        .workflows
        .workflow(workflow_id(&workflow))
        .await
        .expect("store")
        .expect("row");
    assert_eq!(row.state, WorkflowState::Sending, "killed while sending");
    assert!(row.slides_json.is_some(), "the written slides were kept");
    assert_eq!(model.calls.load(Ordering::SeqCst), 1);

    let (mut second, _port) = serve(&db.url, &telegram, &model, &collector);
    let done = eventually(
        "the resumed carousel done",
        Duration::from_secs(30),
        || async {
            store
                .workflows
                .workflow(workflow_id(&workflow))
                .await
                .expect("store")
                .filter(|w| w.state == WorkflowState::Done)
        },
    )
    .await;
    // The post follows the resumed album, recorded once under the workflow's key.
    eventually("the post message sent", Duration::from_secs(20), || async {
        store
            .outbox
            .outbox_row(&format!("{workflow}:post"))
            .await
            .expect("outbox")
            .filter(|row| row.status == OutboxStatus::Sent)
    })
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (status, _) = terminate(&mut second, Duration::from_secs(15));
    assert!(status.success(), "{status:?}");

    assert_resumed_run_is_linked_to_the_press(row.trace_parent.as_deref(), &collector.spans());
    assert_eq!(done.content_source.map(|o| o.as_str()), Some("model"));
    assert_eq!(
        model.calls.load(Ordering::SeqCst),
        1,
        "the resumed workflow did not ask the model again"
    );
    assert_each_part_sent_once(&store, &telegram, &workflow).await;
    let posts = telegram
        .calls_to("sendMessage")
        .into_iter()
        .filter(|m| m["text"].as_str().is_some_and(|t| t.contains("<pre>")))
        .count();
    assert_eq!(posts, 1, "one post message after the resumed album");
}

#[actix_rt::test]
async fn a_carousel_killed_mid_delivery_resumes_on_restart_and_arrives_once_on_sqlite() {
    kill_mid_album_then_resume(Backend::Sqlite).await;
}

#[actix_rt::test]
async fn a_carousel_killed_mid_delivery_resumes_on_restart_and_arrives_once_on_postgres() {
    kill_mid_album_then_resume(Backend::Postgres).await;
}
