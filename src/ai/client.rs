//! The model client: one OpenAI-compatible endpoint, bounded retries with backoff and
//! jitter, a per-call timeout, automatic `response_format` downgrade, and the offline
//! writer as the last word. Nothing here ever returns an error to the caller.

use std::fmt;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tracing::Instrument;

use async_openai::config::{OpenAIConfig, OPENAI_API_BASE};
use async_openai::error::OpenAIError;
use async_openai::middleware::ReqwestService;
use async_openai::types::chat::{
    ChatCompletionRequestMessage, ChatCompletionRequestSystemMessage,
    ChatCompletionRequestUserMessage, CreateChatCompletionRequest, CreateChatCompletionRequestArgs,
    ResponseFormat, ResponseFormatJsonSchema,
};
use async_openai::Client;
use chrono::NaiveDate;
use rand::Rng;

use super::{
    offline, parse, prompts, text, AiSettings, CarouselBrief, ContentSource, OfflineReason,
    StructuredOutput, Written,
};
use crate::domain::{Lang, Slide};
use crate::supervisors::breaker::CircuitBreaker;

/// Longest backoff between two attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(10);
/// Longest question we forward to the model.
const QUESTION_MAX_CHARS: usize = 2000;
/// Longest wisdom-of-the-day text we accept from the model.
const WISDOM_MAX_CHARS: usize = 700;
/// Longest error text we keep for logs and `OfflineReason::ModelFailed`.
const ERROR_MAX_CHARS: usize = 300;

/// How we ask for JSON, from strictest to loosest. The client only ever moves down
/// (when the endpoint refuses a format) and remembers it for its lifetime.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[repr(u8)]
enum WireFormat {
    JsonSchema = 0,
    JsonObject = 1,
    /// No `response_format` at all: the prompt alone asks for JSON.
    PromptOnly = 2,
}

impl WireFormat {
    fn from_u8(v: u8) -> Self {
        match v {
            0 => WireFormat::JsonSchema,
            1 => WireFormat::JsonObject,
            _ => WireFormat::PromptOnly,
        }
    }

    fn looser(self) -> Option<Self> {
        match self {
            WireFormat::JsonSchema => Some(WireFormat::JsonObject),
            WireFormat::JsonObject => Some(WireFormat::PromptOnly),
            WireFormat::PromptOnly => None,
        }
    }

    fn label(self) -> &'static str {
        match self {
            WireFormat::JsonSchema => "json_schema",
            WireFormat::JsonObject => "json_object",
            WireFormat::PromptOnly => "prompt_only",
        }
    }
}

/// What a task is, for logs.
#[derive(Debug, Clone, Copy)]
enum Task {
    Carousel,
    Ask,
    Wisdom,
}

impl Task {
    fn label(self) -> &'static str {
        match self {
            Task::Carousel => "carousel",
            Task::Ask => "ask",
            Task::Wisdom => "wisdom",
        }
    }
}

/// The input of one model call.
struct ModelCall {
    task: Task,
    system: String,
    user: String,
    /// Whether the answer must be JSON (then a `WireFormat` applies).
    json: bool,
}

/// Why one model call failed.
#[derive(Debug, thiserror::Error)]
enum CallError {
    #[error("timed out after {0:?}")]
    Timeout(Duration),
    #[error("endpoint refused response_format: {0}")]
    FormatUnsupported(String),
    #[error("HTTP {status}: {message}")]
    Http { status: u16, message: String },
    #[error("transport error: {0}")]
    Transport(String),
    #[error("unusable response: {0}")]
    BadResponse(String),
    #[error("request rejected before sending: {0}")]
    Fatal(String),
}

impl CallError {
    /// Worth another attempt? Auth errors, unknown models and bad requests are not.
    fn is_retryable(&self) -> bool {
        match self {
            CallError::Timeout(_) | CallError::Transport(_) | CallError::BadResponse(_) => true,
            CallError::Http { status, .. } => matches!(status, 408 | 409 | 425 | 429 | 500..=599),
            CallError::FormatUnsupported(_) | CallError::Fatal(_) => false,
        }
    }

    /// The endpoint itself is unwell (as opposed to the model answering something unusable).
    fn is_endpoint_failure(&self) -> bool {
        match self {
            CallError::Timeout(_) | CallError::Transport(_) => true,
            CallError::Http { status, .. } => matches!(status, 429 | 500..=599),
            _ => false,
        }
    }

    fn from_openai(err: OpenAIError) -> Self {
        match err {
            OpenAIError::ApiError(resp) => {
                let status = resp.status_code.as_u16();
                let message = text::truncate_chars(&resp.api_error.to_string(), ERROR_MAX_CHARS);
                let about_format = resp.api_error.param.as_deref() == Some("response_format")
                    || mentions_response_format(&resp.api_error.message);
                if matches!(status, 400 | 422) && about_format {
                    CallError::FormatUnsupported(message)
                } else {
                    CallError::Http { status, message }
                }
            }
            // A 4xx whose body is not OpenAI's error JSON lands here too (llama.cpp and
            // proxies answer in plain text), so look at the text for the format complaint.
            OpenAIError::JSONDeserialize(e, content) => {
                let content = text::truncate_chars(&content, ERROR_MAX_CHARS);
                if mentions_response_format(&content) {
                    CallError::FormatUnsupported(content)
                } else {
                    CallError::BadResponse(format!("{e}: {content}"))
                }
            }
            OpenAIError::Reqwest(e) => CallError::Transport(e.to_string()),
            OpenAIError::Boxed(e) => CallError::Transport(e.to_string()),
            OpenAIError::InvalidArgument(msg) => CallError::Fatal(msg),
            other => CallError::Fatal(other.to_string()),
        }
    }
}

fn mentions_response_format(message: &str) -> bool {
    let m = message.to_lowercase();
    [
        "response_format",
        "response format",
        "json_schema",
        "json schema",
        "structured output",
    ]
    .iter()
    .any(|needle| m.contains(needle))
}

struct Inner {
    settings: AiSettings,
    /// `None` when no API key is configured: offline only, no network.
    api: Option<Client<OpenAIConfig>>,
    /// The loosest `WireFormat` the endpoint has forced on us so far.
    format_floor: AtomicU8,
    /// Guards the endpoint: while open, content comes from the offline writer at once.
    breaker: Option<Arc<CircuitBreaker>>,
    /// `bvc_external_call_duration_seconds`, when metrics are kept.
    latency: Option<prometheus::HistogramVec>,
}

/// The AI content client. Cheap to clone (an `Arc` inside); never fails: when the
/// model cannot deliver, the offline writer does, and [`Written::source`] says so.
#[derive(Clone)]
pub struct AiClient {
    inner: Arc<Inner>,
}

impl fmt::Debug for AiClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AiClient")
            .field("settings", &self.inner.settings)
            .field("offline", &self.is_offline())
            .field("format", &self.current_format().label())
            .finish()
    }
}

/// `OPENAI_API_BASE` for `None`; a URL without a path gets `/v1` (Ollama, vLLM and
/// llama.cpp all serve `/v1/chat/completions`); a pasted `/chat/completions` suffix
/// and trailing slashes are removed.
pub(crate) fn normalize_base_url(url: Option<&str>) -> String {
    let url = url
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .unwrap_or(OPENAI_API_BASE);
    let mut url = url.trim_end_matches('/');
    if let Some(stripped) = url.strip_suffix("/chat/completions") {
        url = stripped.trim_end_matches('/');
    }
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    if after_scheme.contains('/') {
        url.to_string()
    } else {
        format!("{url}/v1")
    }
}

impl AiClient {
    /// Builds the client. No network I/O happens here.
    pub fn new(settings: AiSettings) -> Self {
        Self::build(settings, None)
    }

    /// The same client with every model call going through `breaker`.
    pub fn with_breaker(settings: AiSettings, breaker: Arc<CircuitBreaker>) -> Self {
        Self::build(settings, Some(breaker))
    }

    fn build(settings: AiSettings, breaker: Option<Arc<CircuitBreaker>>) -> Self {
        let key = settings
            .api_key
            .as_deref()
            .map(str::trim)
            .filter(|k| !k.is_empty());
        let api = key.map(|key| {
            let config = OpenAIConfig::new()
                .with_api_base(normalize_base_url(settings.base_url.as_deref()))
                .with_api_key(key);
            // Our own retry loop is the only one: the default client would also retry
            // 429/5xx/connect errors up to 3 times inside every attempt of ours.
            Client::with_config(config).with_http_service(ReqwestService::default())
        });
        let floor = match settings.structured_output {
            StructuredOutput::JsonSchema => WireFormat::JsonSchema,
            StructuredOutput::JsonObject => WireFormat::JsonObject,
        };
        if api.is_none() {
            tracing::info!("ai: no API key configured, using the offline writer");
        }
        Self {
            inner: Arc::new(Inner {
                settings,
                api,
                format_floor: AtomicU8::new(floor as u8),
                breaker,
                latency: None,
            }),
        }
    }

    /// The same client, observing each model call's latency by outcome. Call it before the
    /// client is shared.
    pub fn with_latency(mut self, latency: prometheus::HistogramVec) -> Self {
        if let Some(inner) = Arc::get_mut(&mut self.inner) {
            inner.latency = Some(latency);
        }
        self
    }

    /// True when no API key is configured (everything comes from the offline writer).
    pub fn is_offline(&self) -> bool {
        self.inner.api.is_none()
    }

    /// The settings this client was built with.
    pub fn settings(&self) -> &AiSettings {
        &self.inner.settings
    }

    /// A carousel of exactly `brief.slide_count()` slides. Never fails.
    pub async fn write_carousel(&self, brief: &CarouselBrief) -> Written<Vec<Slide>> {
        let n = brief.slide_count();
        let lang = brief.lang;
        let topic = text::clean_topic(&brief.topic)
            .unwrap_or_else(|| offline::default_topic(lang).to_string());
        let call = ModelCall {
            task: Task::Carousel,
            system: prompts::carousel_system(lang),
            user: prompts::carousel_user(&topic, n, lang),
            json: true,
        };
        self.run(
            call,
            |raw| parse::parse_slides(raw, n, lang).map_err(|e| e.to_string()),
            || offline::write_carousel(brief),
        )
        .await
    }

    /// A short plain-text answer (≤ 4096 characters). Never fails.
    pub async fn ask(&self, question: &str, lang: Lang) -> Written<String> {
        let question = text::truncate_chars(&text::clean(question, true), QUESTION_MAX_CHARS);
        let call = ModelCall {
            task: Task::Ask,
            system: prompts::ask_system(lang),
            user: question.clone(),
            json: false,
        };
        self.run(
            call,
            |raw| accept_plain_text(raw, text::ANSWER_MAX_CHARS),
            || offline::answer(&question, lang),
        )
        .await
    }

    /// The wisdom of the day: a short quote and a reflection. Never fails.
    pub async fn wisdom(&self, lang: Lang, date: NaiveDate) -> Written<String> {
        let call = ModelCall {
            task: Task::Wisdom,
            system: prompts::wisdom_system(lang),
            user: prompts::wisdom_user(lang, date),
            json: false,
        };
        self.run(
            call,
            |raw| accept_plain_text(raw, WISDOM_MAX_CHARS),
            || offline::wisdom(lang, date),
        )
        .await
    }

    fn current_format(&self) -> WireFormat {
        WireFormat::from_u8(self.inner.format_floor.load(Ordering::Relaxed))
    }

    /// Remembers, for the client's lifetime, that `refused` does not work here.
    fn downgrade_from(&self, refused: WireFormat) -> Option<WireFormat> {
        let looser = refused.looser()?;
        self.inner
            .format_floor
            .fetch_max(looser as u8, Ordering::Relaxed);
        Some(looser)
    }

    /// The retry loop shared by every task: up to `max_attempts` model calls with
    /// exponential backoff and jitter; a refused `response_format` is downgraded and
    /// retried at once without using up an attempt. Falls back to `offline()`.
    async fn run<T>(
        &self,
        call: ModelCall,
        accept: impl Fn(&str) -> Result<T, String>,
        offline: impl FnOnce() -> T,
    ) -> Written<T> {
        let Some(api) = self.inner.api.as_ref() else {
            return Written {
                content: offline(),
                source: ContentSource::Offline {
                    reason: OfflineReason::NoApiKey,
                },
                attempts: 0,
            };
        };
        let settings = &self.inner.settings;
        let max_attempts = settings.max_attempts.max(1);
        let task = call.task.label();
        let mut attempt = 0u32;
        let mut calls = 0u32;
        let mut last_error = String::from("no attempt made");

        while attempt < max_attempts {
            attempt += 1;
            calls += 1;
            let format = call.json.then(|| self.current_format());
            let permit = match self
                .inner
                .breaker
                .as_deref()
                .map(CircuitBreaker::try_acquire)
            {
                Some(Err(rejected)) => {
                    tracing::info!(
                        task,
                        retry_in_ms = rejected.retry_in.as_millis() as u64,
                        "ai: circuit open, using the offline writer without calling the model"
                    );
                    return Written {
                        content: offline(),
                        source: ContentSource::Offline {
                            reason: OfflineReason::CircuitOpen,
                        },
                        attempts: calls - 1,
                    };
                }
                Some(Ok(permit)) => Some(permit),
                None => None,
            };
            let started = Instant::now();
            let span = tracing::info_span!(
                "model",
                otel.name = "chat.completions",
                otel.kind = "client",
                task,
                attempt,
                model = %self.inner.settings.model
            );
            let result = self.call_model(api, &call, format).instrument(span).await;
            if let Some(latency) = &self.inner.latency {
                latency
                    .with_label_values(&["model", "chat.completions", call_outcome(&result)])
                    .observe(started.elapsed().as_secs_f64());
            }
            if let Some(permit) = permit {
                // The breaker watches the endpoint, not the model's prose: a reply we cannot use
                // still proves the endpoint alive; timeouts, 5xx, 429 and resets count against it.
                match &result {
                    Err(e) if e.is_endpoint_failure() => permit.failure(started.elapsed()),
                    _ => permit.success(started.elapsed()),
                }
            }
            let elapsed_ms = started.elapsed().as_millis() as u64;
            let format_label = format.map_or("text", WireFormat::label);

            let error = match result {
                Ok(raw) => match accept(&raw) {
                    Ok(content) => {
                        tracing::info!(task, attempt, max_attempts, elapsed_ms, format = format_label,
                            model = %settings.model, "ai: model call succeeded");
                        return Written {
                            content,
                            source: ContentSource::Model,
                            attempts: calls,
                        };
                    }
                    Err(why) => CallError::BadResponse(why),
                },
                Err(e) => e,
            };

            if let (CallError::FormatUnsupported(msg), Some(refused)) = (&error, format) {
                if let Some(looser) = self.downgrade_from(refused) {
                    tracing::warn!(task, attempt, elapsed_ms, from = refused.label(), to = looser.label(),
                        error = %msg, "ai: endpoint refused response_format, downgrading");
                    // A format switch is not the model's fault: retry now, same attempt.
                    attempt -= 1;
                    continue;
                }
            }

            let retryable = error.is_retryable();
            tracing::warn!(task, attempt, max_attempts, elapsed_ms, format = format_label,
                model = %settings.model, retryable, error = %error, "ai: model call failed");
            last_error = text::truncate_chars(&error.to_string(), ERROR_MAX_CHARS);
            if !retryable {
                break;
            }
            if attempt < max_attempts {
                tokio::time::sleep(backoff_delay(settings.backoff_base, attempt)).await;
            }
        }

        tracing::warn!(task, calls, error = %last_error, "ai: falling back to the offline writer");
        Written {
            content: offline(),
            source: ContentSource::Offline {
                reason: OfflineReason::ModelFailed(last_error),
            },
            attempts: calls,
        }
    }

    /// Performs exactly ONE model call (one HTTP request, bounded by the timeout) and
    /// returns the message text. This is the seam for a circuit breaker: wrap this
    /// call, and treat `CallError::is_retryable()` failures as breaker failures.
    async fn call_model(
        &self,
        api: &Client<OpenAIConfig>,
        call: &ModelCall,
        format: Option<WireFormat>,
    ) -> Result<String, CallError> {
        let request = build_request(&self.inner.settings.model, call, format)?;
        let timeout = self.inner.settings.request_timeout;
        let response = tokio::time::timeout(timeout, api.chat().create(request))
            .await
            .map_err(|_| CallError::Timeout(timeout))?
            .map_err(CallError::from_openai)?;
        let Some(choice) = response.choices.into_iter().next() else {
            return Err(CallError::BadResponse("no choices".into()));
        };
        match choice.message.content {
            Some(content) if !content.trim().is_empty() => Ok(strip_think(&content)),
            _ => Err(CallError::BadResponse(match choice.message.refusal {
                Some(refusal) => format!("refusal: {}", text::truncate_chars(&refusal, 120)),
                None => "empty content".into(),
            })),
        }
    }
}

/// The outcome label of one model call: ok, timeout, transient (worth another attempt),
/// unusable (an answer we cannot use) or refused.
fn call_outcome(result: &Result<String, CallError>) -> &'static str {
    match result {
        Ok(_) => "ok",
        Err(CallError::Timeout(_)) => "timeout",
        Err(CallError::BadResponse(_)) => "unusable",
        Err(e) if e.is_retryable() => "transient",
        Err(_) => "refused",
    }
}

/// Builds the chat-completions request for one call.
fn build_request(
    model: &str,
    call: &ModelCall,
    format: Option<WireFormat>,
) -> Result<CreateChatCompletionRequest, CallError> {
    let messages: Vec<ChatCompletionRequestMessage> = vec![
        ChatCompletionRequestSystemMessage::from(call.system.as_str()).into(),
        ChatCompletionRequestUserMessage::from(call.user.as_str()).into(),
    ];
    let mut args = CreateChatCompletionRequestArgs::default();
    args.model(model).messages(messages);
    match format {
        Some(WireFormat::JsonSchema) => {
            args.response_format(ResponseFormat::JsonSchema {
                json_schema: ResponseFormatJsonSchema {
                    description: Some("Instagram carousel slides".into()),
                    name: prompts::CAROUSEL_SCHEMA_NAME.into(),
                    schema: prompts::carousel_schema(),
                    strict: Some(true),
                },
            });
        }
        Some(WireFormat::JsonObject) => {
            args.response_format(ResponseFormat::JsonObject);
        }
        Some(WireFormat::PromptOnly) | None => {}
    }
    args.build().map_err(CallError::from_openai)
}

/// Exponential backoff with "equal jitter": half the delay fixed, half random.
fn backoff_delay(base: Duration, attempt: u32) -> Duration {
    let exp = base.saturating_mul(2u32.saturating_pow(attempt.saturating_sub(1)));
    let capped = exp.min(MAX_BACKOFF);
    let half = capped / 2;
    let jitter_ms = rand::rng().random_range(0..=half.as_millis() as u64);
    half + Duration::from_millis(jitter_ms)
}

/// Drops `<think>…</think>` blocks that reasoning models (DeepSeek-R1, Qwen3 via
/// Ollama) put before the answer.
fn strip_think(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(start) = rest.find("<think>") {
        out.push_str(&rest[..start]);
        match rest[start..].find("</think>") {
            Some(end) => rest = &rest[start + end + "</think>".len()..],
            None => {
                rest = "";
                break;
            }
        }
    }
    out.push_str(rest);
    out.trim().to_string()
}

/// Cleans a plain-text answer: no markdown emphasis, headings, code fences or control
/// characters; paragraphs kept; capped at `max_chars`. Empty → error (retry).
fn accept_plain_text(raw: &str, max_chars: usize) -> Result<String, String> {
    let mut paragraphs: Vec<String> = Vec::new();
    let mut current: Vec<String> = Vec::new();
    for line in raw.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with("```") {
            continue;
        }
        if trimmed.is_empty() {
            if !current.is_empty() {
                paragraphs.push(current.join("\n"));
                current.clear();
            }
            continue;
        }
        let no_heading = trimmed.trim_start_matches('#').trim_start();
        let cleaned: String = no_heading
            .chars()
            .filter(|c| !c.is_control() && !matches!(c, '*' | '`' | '\u{200B}' | '\u{FEFF}'))
            .collect();
        let cleaned = cleaned.trim();
        if !cleaned.is_empty() {
            current.push(cleaned.to_string());
        }
    }
    if !current.is_empty() {
        paragraphs.push(current.join("\n"));
    }
    let text_out = paragraphs.join("\n\n");
    if !text_out.chars().any(char::is_alphanumeric) {
        return Err("empty answer".into());
    }
    Ok(text::truncate_chars(&text_out, max_chars))
}

#[cfg(test)]
mod tests {
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
        use crate::supervisors::breaker::{BreakerConfig, BreakerState};
        use crate::supervisors::clock::ManualClock;
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
        assert_eq!(out.content.len(), 10);
        assert_eq!(out.content[0].title, "🌿 Model slide 0");
        assert_eq!(out.content[9].kind, SlideKind::Cta);
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
            user.contains(prompts::language_instruction(Lang::Ru)),
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
        assert_eq!(out.content.len(), 6);
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
        assert_eq!(out.content[1].title, "🌿 Model slide 1");
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
        assert_eq!(out.content.len(), 10);
        assert_eq!(out.content[0].kind, SlideKind::Title);
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
        assert_eq!(out.content.len(), 5);
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
        assert_eq!(out.content.len(), 3);
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
        let out = client.ask("What is grace?", Lang::En).await;
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
        assert_eq!(out.content.len(), 8);
        assert_eq!(out.content[7].kind, SlideKind::Cta);

        let server = MockServer::start(vec![Reply::content(carousel_json(9))]);
        let out = AiClient::new(settings(&server))
            .write_carousel(&brief(10, Lang::En))
            .await;
        assert_eq!(out.source, ContentSource::Model);
        assert_eq!(out.content.len(), 10);
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
        assert_eq!(out.content.len(), 6);
        let blank_key = AiClient::new(AiSettings {
            api_key: Some("   ".into()),
            ..settings(&server)
        });
        assert!(blank_key.is_offline());
        assert_eq!(blank_key.ask("?", Lang::En).await.attempts, 0);
        assert_eq!(
            blank_key
                .wisdom(Lang::En, NaiveDate::from_ymd_opt(2025, 1, 1).unwrap())
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
            .ask("What is grace?", Lang::En)
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
            .contains(prompts::language_instruction_answer(Lang::En)));
    }

    #[tokio::test]
    async fn ask_caps_answers_at_telegram_length() {
        let server = MockServer::start(vec![Reply::content("word ".repeat(3000))]);
        let out = AiClient::new(settings(&server))
            .ask("Long?", Lang::En)
            .await;
        assert_eq!(out.source, ContentSource::Model);
        assert!(out.content.chars().count() <= 4096);
    }

    #[tokio::test]
    async fn empty_model_answers_are_retried_then_offline() {
        let server = MockServer::start(vec![Reply::content("   ")]);
        let out = AiClient::new(settings(&server))
            .ask("Как молиться?", Lang::Ru)
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
            .wisdom(Lang::En, date)
            .await;
        assert_eq!(out.source, ContentSource::Model);
        assert!(out.content.contains("Psalm 46:10"));
        let user = server.requests()[0].body["messages"][1]["content"].clone();
        assert_eq!(user, "Today is 2025-06-01. Write today's wisdom.");

        let failing = MockServer::start(vec![Reply::status(503, "busy")]);
        let out = AiClient::new(settings(&failing))
            .wisdom(Lang::Ru, date)
            .await;
        assert_offline_model_failed(&out.source);
        assert_eq!(out.content, offline::wisdom(Lang::Ru, date));
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
    fn backoff_grows_exponentially_with_bounded_jitter() {
        let base = Duration::from_millis(100);
        for attempt in 1..=4 {
            let full = base * 2u32.pow(attempt - 1);
            let d = backoff_delay(base, attempt);
            assert!(d >= full / 2 && d <= full, "attempt {attempt}: {d:?}");
        }
        assert!(backoff_delay(Duration::from_secs(5), 30) <= MAX_BACKOFF);
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
        send(&client.ask("q", Lang::En));
        send(&client.wisdom(Lang::En, date));
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
            accept_plain_text("```\nHi **there**\n```", 100).as_deref(),
            Ok("Hi there")
        );
        assert!(accept_plain_text(" \n ** \n", 100).is_err());
        assert_eq!(strip_think("<think>x</think> answer"), "answer");
        assert_eq!(strip_think("<think>unterminated"), "");
    }
}
