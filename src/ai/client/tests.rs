//! Tests of `client`.
use super::*;
use crate::ai::testkit::{MockServer, Reply};
use crate::ai::StructuredOutput;
use crate::domain::SlideKind;
use serde_json::{json, Value};

fn settings(server: &MockServer) -> AiSettings {
    AiSettings {
        api_key: Some("test-key-123".into()),
        base_url: Some(server.base_url()),
        model: "test-model-mini".into(),
        request_timeout: Duration::from_secs(5),
        max_attempts: 3,
        backoff_base: Duration::from_millis(5),
        structured_output: StructuredOutput::JsonSchema,
    }
}

fn carousel_json(n: usize) -> String {
    let kinds = crate::ai::arc(n);
    let slides: Vec<Value> = kinds
        .iter()
        .enumerate()
        .map(|(i, k)| json!({"kind": k.as_str(), "title": format!("🌿 Model slide {i}"), "body": format!("Model body {i}.")}))
        .collect();
    json!({ "slides": slides }).to_string()
}

fn brief(n: usize, lang: Lang) -> CarouselBrief {
    CarouselBrief::new("Patience in code review", n, lang)
}

fn assert_offline_model_failed(source: &ContentSource) {
    assert!(
        matches!(
            source,
            ContentSource::Offline {
                reason: OfflineReason::ModelFailed(_)
            }
        ),
        "{source:?}"
    );
}

/// The endpoint fails, is slow, then recovers: the breaker goes closed → open → half-open →
/// open (slow probe) → half-open → closed, on a manual clock; while open nothing is sent.
#[tokio::test]
async fn the_breaker_follows_an_endpoint_that_fails_is_slow_then_recovers() {
    use crate::resilience::breaker::{BreakerConfig, BreakerState};
    use crate::resilience::clock::ManualClock;
    let good = Reply::content(carousel_json(3));
    let server = MockServer::start(vec![
        Reply::status(500, "down"),
        Reply::status(502, "down"),
        Reply::delayed(Duration::from_millis(300), good.clone()),
        good,
    ]);
    let clock = ManualClock::new();
    let breaker = Arc::new(CircuitBreaker::new(
        "openai",
        BreakerConfig {
            consecutive_failures: 2,
            slow_call_threshold: Duration::from_millis(150),
            open_base: Duration::from_secs(10),
            open_max: Duration::from_secs(60),
            half_open_probes: 1,
            ..BreakerConfig::for_ai()
        },
        clock.shared(),
    ));
    let client = AiClient::with_breaker(
        AiSettings {
            max_attempts: 2,
            ..settings(&server)
        },
        breaker.clone(),
    );

    let first = client.write_carousel(&brief(3, Lang::En)).await;
    assert_offline_model_failed(&first.source);
    assert_eq!(breaker.state(), BreakerState::Open, "two failures in a row");

    let while_open = client.write_carousel(&brief(3, Lang::En)).await;
    assert_eq!(
        while_open.source,
        ContentSource::Offline {
            reason: OfflineReason::CircuitOpen
        }
    );
    assert_eq!(server.request_count(), 2, "nothing sent while open");

    clock.advance(Duration::from_secs(10));
    let slow_probe = client.write_carousel(&brief(3, Lang::En)).await;
    assert_eq!(
        slow_probe.source,
        ContentSource::Model,
        "a slow answer is still used"
    );
    assert_eq!(
        breaker.state(),
        BreakerState::Open,
        "but the slow probe reopened it"
    );
    assert_eq!(breaker.snapshot().calls.slow, 1);

    clock.advance(Duration::from_secs(20)); // the second wait is twice as long
    let recovered = client.write_carousel(&brief(3, Lang::En)).await;
    assert_eq!(recovered.source, ContentSource::Model);
    assert_eq!(breaker.state(), BreakerState::Closed);
    assert_eq!(server.request_count(), 4);
    let calls = breaker.snapshot().calls;
    assert_eq!(
        (calls.success, calls.failure, calls.slow, calls.rejected),
        (1, 2, 1, 1)
    );
}

#[tokio::test]
async fn good_json_comes_from_the_model() {
    let server = MockServer::start(vec![Reply::content(carousel_json(10))]);
    let client = AiClient::new(settings(&server));
    let out = client.write_carousel(&brief(10, Lang::En)).await;
    assert_eq!(out.source, ContentSource::Model);
    assert_eq!(out.attempts, 1);
    assert_eq!(out.content.slides.len(), 10);
    assert_eq!(out.content.slides[0].title, "🌿 Model slide 0");
    assert_eq!(out.content.slides[9].kind, SlideKind::Cta);
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn request_carries_model_response_format_language_and_bearer_key() {
    let server = MockServer::start(vec![Reply::content(carousel_json(5))]);
    let client = AiClient::new(settings(&server));
    client.write_carousel(&brief(5, Lang::Ru)).await;
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let req = &requests[0];
    assert_eq!(req.path, "/v1/chat/completions");
    assert_eq!(req.authorization.as_deref(), Some("Bearer test-key-123"));
    let body = &req.body;
    assert_eq!(body["model"], "test-model-mini");
    assert_eq!(body["response_format"]["type"], "json_schema");
    assert_eq!(body["response_format"]["json_schema"]["strict"], true);
    assert_eq!(body["response_format"]["json_schema"]["name"], "carousel");
    assert_eq!(body["messages"][0]["role"], "system");
    assert_eq!(body["messages"][1]["role"], "user");
    let user = body["messages"][1]["content"].as_str().unwrap_or_default();
    assert!(
        user.contains(&prompts::language_instruction(ContentLanguage::Ru)),
        "{user}"
    );
    assert!(
        user.contains("«Patience in code review»") && user.contains("ровно 5"),
        "{user}"
    );
}

#[tokio::test]
async fn json_object_setting_sends_json_object() {
    let server = MockServer::start(vec![Reply::content(carousel_json(3))]);
    let client = AiClient::new(AiSettings {
        structured_output: StructuredOutput::JsonObject,
        ..settings(&server)
    });
    let out = client.write_carousel(&brief(3, Lang::En)).await;
    assert_eq!(out.source, ContentSource::Model);
    assert_eq!(
        server.requests()[0].body["response_format"],
        json!({"type": "json_object"})
    );
}

#[tokio::test]
async fn fenced_json_comes_from_the_model() {
    let fenced = format!("Here you go!\n```json\n{}\n```", carousel_json(6));
    let server = MockServer::start(vec![Reply::content(fenced)]);
    let out = AiClient::new(settings(&server))
        .write_carousel(&brief(6, Lang::En))
        .await;
    assert_eq!(out.source, ContentSource::Model);
    assert_eq!(out.content.slides.len(), 6);
}

#[tokio::test]
async fn think_blocks_of_reasoning_models_are_ignored() {
    let answer = format!(
        "<think>{{\"slides\": \"not these\"}} hmm</think>\n{}",
        carousel_json(4)
    );
    let server = MockServer::start(vec![Reply::content(answer)]);
    let out = AiClient::new(settings(&server))
        .write_carousel(&brief(4, Lang::En))
        .await;
    assert_eq!(out.source, ContentSource::Model);
    assert_eq!(out.content.slides[1].title, "🌿 Model slide 1");
}

#[tokio::test]
async fn garbage_every_time_retries_max_attempts_then_goes_offline() {
    let server = MockServer::start(vec![Reply::content("I'm sorry, I can't do JSON today.")]);
    let out = AiClient::new(settings(&server))
        .write_carousel(&brief(10, Lang::En))
        .await;
    assert_offline_model_failed(&out.source);
    assert_eq!(server.request_count(), 3);
    assert_eq!(out.attempts, 3);
    assert_eq!(out.content.slides.len(), 10);
    assert_eq!(out.content.slides[0].kind, SlideKind::Title);
}

#[tokio::test]
async fn garbage_then_good_json_succeeds_on_the_second_attempt() {
    let server = MockServer::start(vec![
        Reply::content("no json here"),
        Reply::content(carousel_json(7)),
    ]);
    let out = AiClient::new(settings(&server))
        .write_carousel(&brief(7, Lang::En))
        .await;
    assert_eq!(out.source, ContentSource::Model);
    assert_eq!(out.attempts, 2);
    assert_eq!(server.request_count(), 2);
}

#[tokio::test]
async fn http_500s_are_retried_then_offline_without_hidden_extra_requests() {
    let server = MockServer::start(vec![Reply::status(500, "upstream exploded")]);
    let out = AiClient::new(settings(&server))
        .write_carousel(&brief(5, Lang::Ru))
        .await;
    assert_offline_model_failed(&out.source);
    // Exactly our attempts: async-openai's own retry layer must not multiply them.
    assert_eq!(server.request_count(), 3);
    assert_eq!(out.content.slides.len(), 5);
    if let ContentSource::Offline {
        reason: OfflineReason::ModelFailed(why),
    } = &out.source
    {
        assert!(why.contains("500"), "{why}");
    }
}

#[tokio::test]
async fn unauthorized_is_not_retried() {
    let server = MockServer::start(vec![Reply::error_json(
        401,
        "Incorrect API key provided",
        Some("invalid_api_key"),
        None,
    )]);
    let out = AiClient::new(settings(&server))
        .write_carousel(&brief(5, Lang::En))
        .await;
    assert_offline_model_failed(&out.source);
    assert_eq!(server.request_count(), 1);
    assert_eq!(out.attempts, 1);
}

#[tokio::test]
async fn a_server_slower_than_the_timeout_falls_back_offline_quickly() {
    let server = MockServer::start(vec![Reply::delayed(
        Duration::from_secs(10),
        Reply::content(carousel_json(3)),
    )]);
    let client = AiClient::new(AiSettings {
        request_timeout: Duration::from_millis(200),
        max_attempts: 2,
        ..settings(&server)
    });
    let started = Instant::now();
    let out = client.write_carousel(&brief(3, Lang::En)).await;
    let elapsed = started.elapsed();
    assert_offline_model_failed(&out.source);
    assert!(elapsed < Duration::from_secs(3), "took {elapsed:?}");
    assert_eq!(out.attempts, 2);
    assert_eq!(out.content.slides.len(), 3);
    if let ContentSource::Offline {
        reason: OfflineReason::ModelFailed(why),
    } = &out.source
    {
        assert!(why.contains("timed out"), "{why}");
    }
}

#[tokio::test]
async fn connection_refused_falls_back_offline() {
    // Bind and drop a listener to get a port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap();
    let client = AiClient::new(AiSettings {
        api_key: Some("k".into()),
        base_url: Some(format!("http://127.0.0.1:{port}/v1")),
        backoff_base: Duration::from_millis(1),
        ..AiSettings::default()
    });
    let out = client
        .ask("What is grace?", ContentLanguage::En, Lang::En)
        .await;
    assert_offline_model_failed(&out.source);
    assert_eq!(out.attempts, 3);
    assert!(out.content.starts_with("Good question"));
}

#[tokio::test]
async fn wrong_slide_count_from_the_model_is_repaired() {
    let server = MockServer::start(vec![Reply::content(carousel_json(12))]);
    let out = AiClient::new(settings(&server))
        .write_carousel(&brief(8, Lang::En))
        .await;
    assert_eq!(out.source, ContentSource::Model);
    assert_eq!(out.content.slides.len(), 8);
    assert_eq!(out.content.slides[7].kind, SlideKind::Cta);

    let server = MockServer::start(vec![Reply::content(carousel_json(9))]);
    let out = AiClient::new(settings(&server))
        .write_carousel(&brief(10, Lang::En))
        .await;
    assert_eq!(out.source, ContentSource::Model);
    assert_eq!(out.content.slides.len(), 10);
}

#[tokio::test]
async fn response_format_refusal_downgrades_to_json_object_and_remembers_it() {
    let server = MockServer::start(vec![
        Reply::error_json(
            400,
            "response_format json_schema is not supported by this model",
            Some("invalid_request_error"),
            Some("response_format"),
        ),
        Reply::content(carousel_json(4)),
    ]);
    let client = AiClient::new(settings(&server));
    let out = client.write_carousel(&brief(4, Lang::En)).await;
    assert_eq!(out.source, ContentSource::Model);
    assert_eq!(out.attempts, 2);
    let requests = server.requests();
    assert_eq!(requests[0].body["response_format"]["type"], "json_schema");
    assert_eq!(requests[1].body["response_format"]["type"], "json_object");

    // Remembered for the client's lifetime (and its clones).
    let again = client.clone().write_carousel(&brief(4, Lang::En)).await;
    assert_eq!(again.source, ContentSource::Model);
    assert_eq!(
        server.requests()[2].body["response_format"]["type"],
        "json_object"
    );
    assert_eq!(server.request_count(), 3);
}

#[tokio::test]
async fn plain_text_400_about_response_format_also_downgrades() {
    let server = MockServer::start(vec![
        Reply::status(400, "error: response_format type json_schema unsupported"),
        Reply::status(400, "error: response_format json_object unsupported"),
        Reply::content(carousel_json(3)),
    ]);
    let client = AiClient::new(settings(&server));
    let out = client.write_carousel(&brief(3, Lang::En)).await;
    assert_eq!(out.source, ContentSource::Model);
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    assert!(
        requests[2].body.get("response_format").is_none(),
        "{:?}",
        requests[2].body
    );
}

#[tokio::test]
async fn no_api_key_means_offline_with_zero_requests() {
    let server = MockServer::start(vec![Reply::content(carousel_json(3))]);
    let client = AiClient::new(AiSettings {
        api_key: None,
        ..settings(&server)
    });
    assert!(client.is_offline());
    let out = client.write_carousel(&brief(6, Lang::Ru)).await;
    assert_eq!(
        out.source,
        ContentSource::Offline {
            reason: OfflineReason::NoApiKey
        }
    );
    assert_eq!(out.attempts, 0);
    assert_eq!(out.content.slides.len(), 6);
    let blank_key = AiClient::new(AiSettings {
        api_key: Some("   ".into()),
        ..settings(&server)
    });
    assert!(blank_key.is_offline());
    assert_eq!(
        blank_key
            .ask("?", ContentLanguage::En, Lang::En)
            .await
            .attempts,
        0
    );
    assert_eq!(
        blank_key
            .wisdom(
                ContentLanguage::En,
                Lang::En,
                NaiveDate::from_ymd_opt(2025, 1, 1).unwrap()
            )
            .await
            .source,
        ContentSource::Offline {
            reason: OfflineReason::NoApiKey
        }
    );
    assert_eq!(server.request_count(), 0);
}

#[tokio::test]
async fn ask_returns_clean_plain_text_from_the_model() {
    let server = MockServer::start(vec![Reply::content(
        "## Answer\n\n**Grace** is *unearned* favor.\n\nRead Ephesians 2:8.",
    )]);
    let out = AiClient::new(settings(&server))
        .ask("What is grace?", ContentLanguage::En, Lang::En)
        .await;
    assert_eq!(out.source, ContentSource::Model);
    assert_eq!(
        out.content,
        "Answer\n\nGrace is unearned favor.\n\nRead Ephesians 2:8."
    );
    let body = &server.requests()[0].body;
    assert!(body.get("response_format").is_none());
    assert_eq!(body["messages"][1]["content"], "What is grace?");
    assert!(body["messages"][0]["content"]
        .as_str()
        .unwrap_or_default()
        .contains(&prompts::language_instruction_answer(ContentLanguage::En)));
}

#[tokio::test]
async fn ask_caps_answers_at_telegram_length() {
    let server = MockServer::start(vec![Reply::content("word ".repeat(3000))]);
    let out = AiClient::new(settings(&server))
        .ask("Long?", ContentLanguage::En, Lang::En)
        .await;
    assert_eq!(out.source, ContentSource::Model);
    assert!(out.content.chars().count() <= 4096);
}

#[tokio::test]
async fn empty_model_answers_are_retried_then_offline() {
    let server = MockServer::start(vec![Reply::content("   ")]);
    let out = AiClient::new(settings(&server))
        .ask("Как молиться?", ContentLanguage::Ru, Lang::Ru)
        .await;
    assert_offline_model_failed(&out.source);
    assert_eq!(server.request_count(), 3);
    assert!(out.content.starts_with("Хороший вопрос"));
}

#[tokio::test]
async fn wisdom_comes_from_the_model_and_falls_back_to_the_offline_one() {
    let date = NaiveDate::from_ymd_opt(2025, 6, 1).unwrap();
    let server = MockServer::start(vec![Reply::content(
        "“Be still.” — Psalm 46:10\n\nPause before you push.",
    )]);
    let out = AiClient::new(settings(&server))
        .wisdom(ContentLanguage::En, Lang::En, date)
        .await;
    assert_eq!(out.source, ContentSource::Model);
    assert!(out.content.contains("Psalm 46:10"));
    let user = server.requests()[0].body["messages"][1]["content"].clone();
    assert_eq!(user, "Today is 2025-06-01. Write today's wisdom.");

    let failing = MockServer::start(vec![Reply::status(503, "busy")]);
    let out = AiClient::new(settings(&failing))
        .wisdom(ContentLanguage::Ru, Lang::Ru, date)
        .await;
    assert_offline_model_failed(&out.source);
    assert_eq!(
        out.content,
        offline::wisdom(crate::ai::OfflineLang::Ru, date)
    );
}

#[test]
fn base_urls_are_normalized_for_any_openai_compatible_server() {
    assert_eq!(normalize_base_url(None), "https://api.openai.com/v1");
    assert_eq!(normalize_base_url(Some("  ")), "https://api.openai.com/v1");
    assert_eq!(
        normalize_base_url(Some("http://localhost:11434")),
        "http://localhost:11434/v1"
    );
    assert_eq!(
        normalize_base_url(Some("http://localhost:11434/")),
        "http://localhost:11434/v1"
    );
    assert_eq!(
        normalize_base_url(Some("http://127.0.0.1:8000/v1/")),
        "http://127.0.0.1:8000/v1"
    );
    assert_eq!(
        normalize_base_url(Some("http://h:8080/v1/chat/completions")),
        "http://h:8080/v1"
    );
    assert_eq!(
        normalize_base_url(Some("https://openrouter.ai/api/v1")),
        "https://openrouter.ai/api/v1"
    );
}

#[test]
fn client_is_send_sync_clone_and_its_futures_are_send() {
    fn send_sync_clone<T: Send + Sync + Clone + 'static>() {}
    fn send<T: Send>(_: &T) {}
    send_sync_clone::<AiClient>();
    let client = AiClient::new(AiSettings::default());
    let brief = CarouselBrief::default();
    let date = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap_or_default();
    send(&client.write_carousel(&brief));
    send(&client.ask("q", ContentLanguage::En, Lang::En));
    send(&client.wisdom(ContentLanguage::En, Lang::En, date));
}

#[test]
fn client_debug_does_not_leak_the_api_key() {
    let client = AiClient::new(AiSettings {
        api_key: Some("sk-live-abcdef".into()),
        ..AiSettings::default()
    });
    let printed = format!("{client:?}");
    assert!(!printed.contains("sk-live-abcdef"), "{printed}");
    assert!(!client.is_offline());
}

#[test]
fn format_errors_are_recognized_and_others_classified() {
    assert!(mentions_response_format(
        "Unsupported: 'response_format' of type json_schema"
    ));
    assert!(!mentions_response_format("model not found"));
    assert!(CallError::Http {
        status: 503,
        message: String::new()
    }
    .is_retryable());
    assert!(CallError::Http {
        status: 429,
        message: String::new()
    }
    .is_retryable());
    assert!(!CallError::Http {
        status: 404,
        message: String::new()
    }
    .is_retryable());
    assert!(CallError::Timeout(Duration::from_secs(1)).is_retryable());
}

#[test]
fn plain_text_cleanup_keeps_paragraphs_and_rejects_empty() {
    assert_eq!(
        text::accept_plain_text("```\nHi **there**\n```", 100).as_deref(),
        Ok("Hi there")
    );
    assert!(text::accept_plain_text(" \n ** \n", 100).is_err());
    assert_eq!(text::strip_think("<think>x</think> answer"), "answer");
    assert_eq!(text::strip_think("<think>unterminated"), "");
}

#[tokio::test]
async fn an_answer_past_the_byte_cap_fails_its_attempt_and_the_retry_policy_applies() {
    let huge = "x".repeat(transport::MAX_ANSWER_BYTES + 1);
    let server = MockServer::start(vec![
        Reply::content(huge.clone()),
        Reply::content(carousel_json(3)),
    ]);
    let client = AiClient::new(settings(&server));
    let out = client.write_carousel(&brief(3, Lang::En)).await;
    assert_eq!(out.source, ContentSource::Model, "the retry was answered");
    assert_eq!(out.attempts, 2);
    assert_eq!(server.request_count(), 2);

    // An endpoint that always answers too much: the offline writer, saying why.
    let server = MockServer::start(vec![Reply::content(huge); 3]);
    let client = AiClient::new(settings(&server));
    let out = client.write_carousel(&brief(3, Lang::En)).await;
    assert_offline_model_failed(&out.source);
    let ContentSource::Offline {
        reason: OfflineReason::ModelFailed(why),
    } = &out.source
    else {
        unreachable!()
    };
    assert!(why.contains("larger than"), "{why}");
    assert_eq!(server.request_count(), 3);
}

#[tokio::test]
async fn a_brief_in_another_language_asks_the_model_for_it_by_name() {
    let server = MockServer::start(vec![Reply::content(carousel_json(5))]);
    let client = AiClient::new(settings(&server));
    let brief = CarouselBrief::new("الإيمان والأمل", 5, Lang::Es).in_language(ContentLanguage::Ar);
    let out = client.write_carousel(&brief).await;
    assert_eq!(out.source, ContentSource::Model);
    let body = &server.requests()[0].body;
    let system = body["messages"][0]["content"].as_str().unwrap_or_default();
    let user = body["messages"][1]["content"].as_str().unwrap_or_default();
    assert!(system.contains("Answer with JSON only"), "{system}");
    assert!(user.contains("\"الإيمان والأمل\""), "{user}");
    assert!(
        user.contains(&prompts::language_instruction(ContentLanguage::Ar)),
        "{user}"
    );
    assert!(user.contains("Arabic"), "{user}");
}
