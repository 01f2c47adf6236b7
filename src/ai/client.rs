//! The model client: one OpenAI-compatible endpoint, bounded retries with backoff and
//! jitter, a per-call timeout, automatic `response_format` downgrade, and the offline
//! writer as the last word. Nothing here ever returns an error to the caller.

use std::fmt;
use std::sync::atomic::{AtomicU32, AtomicU8, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tracing::Instrument;

use async_openai::config::{OpenAIConfig, OPENAI_API_BASE};
use async_openai::error::OpenAIError;
use async_openai::types::chat::{
    ChatCompletionRequestMessage, ChatCompletionRequestSystemMessage,
    ChatCompletionRequestUserMessage, CreateChatCompletionRequest, CreateChatCompletionRequestArgs,
    ResponseFormat, ResponseFormatJsonSchema,
};
use async_openai::Client;
use chrono::NaiveDate;

use super::{
    offline, parse, prompts, text, AiSettings, CarouselBrief, ContentSource, OfflineReason,
    StructuredOutput, Written,
};
use crate::domain::{Carousel, ContentLanguage, Lang};
use crate::resilience::breaker::CircuitBreaker;
use crate::resilience::retry::{retry, RetryPolicy};

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
            // An answer past the byte cap is the model's (or a proxy's) fault, not the network's.
            OpenAIError::Boxed(e) if e.is::<transport::AnswerTooLarge>() => {
                CallError::BadResponse(e.to_string())
            }
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
    /// The endpoint's host and port, for the call spans.
    server: (String, u16),
}

/// Why a model call wrote nothing usable: what [`AiClient::run`]'s retries see.
#[derive(Debug)]
struct NotWritten {
    error: String,
    retryable: bool,
    circuit_open: bool,
}

impl fmt::Display for NotWritten {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.error)
    }
}

/// How one attempt at a model call went.
enum Attempt<T> {
    Accepted(T),
    /// The breaker is open: the model was not called.
    CircuitOpen,
    /// The endpoint refused the response format; a looser one is used from now on.
    Downgraded,
    Failed {
        error: String,
        retryable: bool,
    },
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
            Client::with_config(config).with_http_service(transport::BoundedTransport::new(
                transport::MAX_ANSWER_BYTES,
            ))
        });
        let floor = match settings.structured_output {
            StructuredOutput::JsonSchema => WireFormat::JsonSchema,
            StructuredOutput::JsonObject => WireFormat::JsonObject,
        };
        if api.is_none() {
            tracing::info!("ai: no API key configured, using the offline writer");
        }
        let base = url::Url::parse(&normalize_base_url(settings.base_url.as_deref())).ok();
        let server = base.map_or((String::new(), 443), |url| {
            (
                url.host_str().unwrap_or_default().to_string(),
                url.port_or_known_default().unwrap_or(443),
            )
        });
        Self {
            inner: Arc::new(Inner {
                settings,
                api,
                format_floor: AtomicU8::new(floor as u8),
                breaker,
                latency: None,
                server,
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

    /// The health probe's view of the endpoint: `GET /models`, once, outside the breaker and
    /// the retries (a probe must not open the breaker real calls depend on). `Ok` offline.
    pub async fn probe(&self) -> Result<(), String> {
        let Some(api) = &self.inner.api else {
            return Ok(());
        };
        api.models()
            .list_byot::<serde_json::Value>()
            .await
            .map(|_| ())
            .map_err(|e| format!("GET /models: {e}"))
    }

    /// The settings this client was built with.
    pub fn settings(&self) -> &AiSettings {
        &self.inner.settings
    }

    /// A carousel of exactly `brief.slide_count()` slides, with its post. Never fails.
    pub async fn write_carousel(&self, brief: &CarouselBrief) -> Written<Carousel> {
        let n = brief.slide_count();
        let (language, padding) = (brief.language, brief.offline_lang());
        let topic = text::clean_topic(&brief.topic)
            .unwrap_or_else(|| offline::default_topic(padding).to_string());
        let call = ModelCall {
            task: Task::Carousel,
            system: prompts::carousel_system(language),
            user: prompts::carousel_user(&topic, n, language),
            json: true,
        };
        self.run(
            call,
            |raw| parse::parse_carousel(raw, n, padding, &topic).map_err(|e| e.to_string()),
            || offline::carousel(brief),
        )
        .await
    }

    /// A short plain-text answer (≤ 4096 characters) in `language`; offline, in the
    /// [`OfflineLang`](super::OfflineLang) that stands in for it for a reader of `interface`.
    /// Never fails.
    pub async fn ask(
        &self,
        question: &str,
        language: ContentLanguage,
        interface: Lang,
    ) -> Written<String> {
        let lang = super::OfflineLang::for_content(language, interface);
        let question = text::truncate_chars(&text::clean(question, true), QUESTION_MAX_CHARS);
        let call = ModelCall {
            task: Task::Ask,
            system: prompts::ask_system(language),
            user: question.clone(),
            json: false,
        };
        self.run(
            call,
            |raw| text::accept_plain_text(raw, text::ANSWER_MAX_CHARS),
            || offline::answer(&question, lang),
        )
        .await
    }

    /// The wisdom of the day: a short quote and a reflection, in `language` (offline, as for
    /// [`AiClient::ask`]). Never fails.
    pub async fn wisdom(
        &self,
        language: ContentLanguage,
        interface: Lang,
        date: NaiveDate,
    ) -> Written<String> {
        let lang = super::OfflineLang::for_content(language, interface);
        let call = ModelCall {
            task: Task::Wisdom,
            system: prompts::wisdom_system(language),
            user: prompts::wisdom_user(language, date),
            json: false,
        };
        self.run(
            call,
            |raw| text::accept_plain_text(raw, WISDOM_MAX_CHARS),
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

    /// Every task's model call under the one retry helper: up to `max_attempts` attempts with
    /// exponential backoff and jitter; a refused `response_format` is downgraded and tried
    /// again at once within the same attempt. Falls back to `offline()`.
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
        let policy = RetryPolicy {
            attempts: settings.max_attempts.max(1) as usize,
            first_delay: settings.backoff_base,
            max_delay: MAX_BACKOFF,
        };
        let task = call.task.label();
        // Model calls made, and the attempt being made (a format downgrade repeats it).
        let calls = AtomicU32::new(0);
        let attempts = AtomicU32::new(0);
        let outcome = retry(
            task,
            &policy,
            |failed: &NotWritten| failed.retryable,
            || async {
                let attempt = attempts.fetch_add(1, Ordering::Relaxed) + 1;
                loop {
                    calls.fetch_add(1, Ordering::Relaxed);
                    match self.attempt(api, &call, attempt, &accept).await {
                        Attempt::Accepted(content) => return Ok(content),
                        // A format switch is not the model's fault: the same attempt again, at once.
                        Attempt::Downgraded => continue,
                        Attempt::CircuitOpen => {
                            calls.fetch_sub(1, Ordering::Relaxed);
                            return Err(NotWritten {
                                error: "circuit breaker open".into(),
                                retryable: false,
                                circuit_open: true,
                            });
                        }
                        Attempt::Failed { error, retryable } => {
                            return Err(NotWritten {
                                error,
                                retryable,
                                circuit_open: false,
                            })
                        }
                    }
                }
            },
        )
        .await;
        let calls = calls.load(Ordering::Relaxed);
        let reason = match outcome {
            Ok(content) => {
                return Written {
                    content,
                    source: ContentSource::Model,
                    attempts: calls,
                }
            }
            Err(failed) if failed.circuit_open => OfflineReason::CircuitOpen,
            Err(failed) => {
                tracing::warn!(task, calls, error = %failed.error, "ai: falling back to the offline writer");
                OfflineReason::ModelFailed(failed.error)
            }
        };
        Written {
            content: offline(),
            source: ContentSource::Offline { reason },
            attempts: calls,
        }
    }

    /// One attempt of [`AiClient::run`]: a model call and its answer checked by `accept`.
    async fn attempt<T>(
        &self,
        api: &Client<OpenAIConfig>,
        call: &ModelCall,
        attempt: u32,
        accept: &impl Fn(&str) -> Result<T, String>,
    ) -> Attempt<T> {
        let settings = &self.inner.settings;
        let max_attempts = settings.max_attempts.max(1);
        let task = call.task.label();
        let format = call.json.then(|| self.current_format());
        let Some((result, elapsed)) = self.guarded_call(api, call, format, attempt).await else {
            return Attempt::CircuitOpen;
        };
        let elapsed_ms = elapsed.as_millis() as u64;
        let format_label = format.map_or("text", WireFormat::label);
        let error = match result {
            Ok(raw) => match accept(&raw) {
                Ok(content) => {
                    tracing::info!(task, attempt, max_attempts, elapsed_ms, format = format_label,
                        model = %settings.model, "ai: model call succeeded");
                    return Attempt::Accepted(content);
                }
                Err(why) => CallError::BadResponse(why),
            },
            Err(e) => e,
        };
        if let (CallError::FormatUnsupported(msg), Some(refused)) = (&error, format) {
            if let Some(looser) = self.downgrade_from(refused) {
                tracing::warn!(task, attempt, elapsed_ms, from = refused.label(), to = looser.label(),
                    error = %msg, "ai: endpoint refused response_format, downgrading");
                return Attempt::Downgraded;
            }
        }
        let retryable = error.is_retryable();
        tracing::warn!(task, attempt, max_attempts, elapsed_ms, format = format_label,
            model = %settings.model, retryable, error = %error, "ai: model call failed");
        Attempt::Failed {
            error: text::truncate_chars(&error.to_string(), ERROR_MAX_CHARS),
            retryable,
        }
    }

    /// One model call through the breaker, traced and timed: its result and duration, or
    /// `None` while the breaker is open (the model is not called).
    async fn guarded_call(
        &self,
        api: &Client<OpenAIConfig>,
        call: &ModelCall,
        format: Option<WireFormat>,
        attempt: u32,
    ) -> Option<(Result<String, CallError>, Duration)> {
        let task = call.task.label();
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
                return None;
            }
            Some(Ok(permit)) => Some(permit),
            None => None,
        };
        let started = Instant::now();
        // OpenTelemetry's HTTP client and GenAI conventions; the status is recorded by the transport.
        let span = tracing::info_span!(
            "model",
            otel.name = "chat.completions",
            otel.kind = "client",
            otel.status_code = tracing::field::Empty,
            http.request.method = "POST",
            server.address = self.inner.server.0.as_str(),
            server.port = self.inner.server.1,
            http.response.status_code = tracing::field::Empty,
            error.type = tracing::field::Empty,
            gen_ai.operation.name = "chat",
            gen_ai.request.model = %self.inner.settings.model,
            task,
            attempt,
            model = %self.inner.settings.model
        );
        let result = self
            .call_model(api, call, format)
            .instrument(span.clone())
            .await;
        if result.is_err() {
            span.record("error.type", call_outcome(&result));
            span.record("otel.status_code", "ERROR");
        }
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
        Some((result, started.elapsed()))
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
            Some(content) if !content.trim().is_empty() => Ok(text::strip_think(&content)),
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

mod transport;

#[cfg(test)]
mod tests;
