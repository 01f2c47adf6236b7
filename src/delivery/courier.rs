//! Outbound Bot API calls, with Telegram's rules applied to each: paced within its rate limits,
//! through the Telegram circuit breaker, 400-class refusals final.
//!
//! Two ways to call. The outbox dispatcher makes each call **once** (it paces chats itself, and a
//! 429, a 5xx, a network error or an open breaker come back as [`AppError::TelegramUnavailable`]
//! for it to reschedule the row in the store). Direct calls (button answers, progress edits) are
//! **patient**: 429 answers waited out, 5xx and network errors retried with backoff, an open
//! breaker waited for — each bounded by a deadline.
use crate::app::error::{AppError, AppResult};
use crate::resilience::breaker::CircuitBreaker;
use crate::resilience::retry::RetryPolicy;
use governor::{DefaultDirectRateLimiter, DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::future::{Future, IntoFuture};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::{Duration, Instant};
use teloxide::payloads::{
    AnswerCallbackQuerySetters, EditMessageReplyMarkupSetters, EditMessageTextSetters,
    SendDocumentSetters, SendMediaGroupSetters, SendMessageSetters, SendPhotoSetters,
};
use teloxide::requests::Requester;
use teloxide::types::{
    CallbackQueryId, ChatId, InlineKeyboardMarkup, InputFile, InputMedia, InputMediaDocument,
    InputMediaPhoto, MessageId, ParseMode, ReplyParameters,
};
use teloxide::{ApiError, Bot, RequestError};
use tracing::Instrument;

/// True when `error` is Telegram refusing a call (retrying cannot help; the user should know).
pub fn is_refusal(error: &AppError) -> bool {
    matches!(error, AppError::TelegramRefused { .. })
}

/// Why one attempt delivered nothing, and so what the retry helper does next.
enum Failed {
    /// The breaker is open: nothing was sent; it may close again in about this long.
    BreakerOpen(Duration),
    /// Flood control: Telegram is fine, we were too fast; wait this long (not counted as a
    /// failed attempt: the wait is Telegram's, not our backoff).
    FloodWait(Duration, AppError),
    /// Telegram or the network is unwell: worth another try after the policy's backoff.
    Transient(AppError),
    /// Telegram refused the call itself: final.
    Refused(AppError),
}

impl Failed {
    fn into_error(self, method: &'static str) -> AppError {
        match self {
            Failed::BreakerOpen(retry_in) => AppError::TelegramUnavailable {
                method,
                reason: "circuit breaker open".to_string(),
                retry_after: Some(retry_in),
            },
            Failed::FloodWait(_, e) | Failed::Transient(e) | Failed::Refused(e) => e,
        }
    }
}

/// More flood-control waits than this for one call means something is wrong on our side.
const MAX_FLOOD_WAITS: u32 = 10;

/// A button press must be answered within seconds or Telegram shows an error to the user anyway.
const ANSWER_DEADLINE: Duration = Duration::from_secs(10);
/// A progress edit later than this shows stale progress; better none.
const EDIT_DEADLINE: Duration = Duration::from_secs(30);

/// How one failed call should be handled.
#[derive(Debug, PartialEq, Eq)]
pub enum CallFailure {
    /// Flood control: Telegram is fine, we were too fast.
    FloodWait(Duration),
    /// Telegram or the network is unwell: retry, and tell the breaker.
    Transient,
    /// The request itself is wrong (bad chat, blocked bot, bad HTML): retrying cannot help.
    Final,
}

pub fn failure_of(error: &RequestError) -> CallFailure {
    match error {
        RequestError::RetryAfter(seconds) => CallFailure::FloodWait(seconds.duration()),
        RequestError::Network(_) | RequestError::InvalidJson { .. } | RequestError::Io(_) => {
            CallFailure::Transient
        }
        // teloxide keeps only the description of errors it does not know; 5xx ones are these.
        RequestError::Api(ApiError::Unknown(description))
            if [
                "Internal Server Error",
                "Bad Gateway",
                "Gateway Timeout",
                "Service Unavailable",
            ]
            .iter()
            .any(|s| description.contains(s)) =>
        {
            CallFailure::Transient
        }
        RequestError::Api(_) | RequestError::MigrateToChatId(_) => CallFailure::Final,
    }
}

/// Telegram's published limits: about 30 messages a second overall, one a second per chat (short
/// bursts tolerated), 20 a minute per group.
pub struct Pace {
    overall: DefaultDirectRateLimiter,
    per_chat: DefaultKeyedRateLimiter<i64>,
    per_group: DefaultKeyedRateLimiter<i64>,
}

fn nonzero(n: u32) -> NonZeroU32 {
    NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN)
}

/// Telegram's default overall limit for bots without paid broadcasts.
pub const DEFAULT_MESSAGES_PER_SECOND: u32 = 30;

impl Pace {
    pub fn telegram() -> Pace {
        Pace::with_overall(DEFAULT_MESSAGES_PER_SECOND)
    }

    /// Telegram's per-chat and per-group limits with `per_second` messages overall (bots with
    /// paid broadcasts may send up to 1000).
    pub fn with_overall(per_second: u32) -> Pace {
        Pace {
            overall: RateLimiter::direct(Quota::per_second(nonzero(per_second))),
            per_chat: RateLimiter::keyed(Quota::per_second(nonzero(1)).allow_burst(nonzero(3))),
            per_group: RateLimiter::keyed(Quota::per_minute(nonzero(20))),
        }
    }

    /// Takes a message's place in `chat`'s limits now, or answers how long until one is free
    /// (nothing is taken then). Never waits.
    pub fn try_chat(&self, chat: i64) -> Result<(), Duration> {
        use governor::clock::{Clock, DefaultClock};
        let wait = |not_until: governor::NotUntil<_>| {
            not_until.wait_time_from(DefaultClock::default().now())
        };
        if chat < 0 {
            // A group's place is checked first and only taken when the chat's is free too.
            if let Err(not_until) = self.per_group.check_key(&chat) {
                return Err(wait(not_until));
            }
        }
        let taken = self.per_chat.check_key(&chat).map_err(wait);
        if self.per_chat.len() > 10_000 {
            self.per_chat.retain_recent();
            self.per_group.retain_recent();
        }
        taken
    }

    /// Waits until `messages` more may go to `chat` (an album counts once per chat, and each
    /// of its photos against the overall limit).
    async fn message(&self, chat: i64, messages: u32) {
        if chat < 0 {
            self.per_group.until_key_ready(&chat).await;
        }
        self.per_chat.until_key_ready(&chat).await;
        if self
            .overall
            .until_n_ready(nonzero(messages.min(30)))
            .await
            .is_err()
        {
            self.overall.until_ready().await;
        }
        if self.per_chat.len() > 10_000 {
            self.per_chat.retain_recent();
            self.per_group.retain_recent();
        }
    }

    /// Edits and callback answers count only against the overall limit.
    async fn other(&self) {
        self.overall.until_ready().await;
    }

    /// `messages` against the overall limit only (their chat was paced by the caller).
    async fn overall(&self, messages: u32) {
        if self
            .overall
            .until_n_ready(nonzero(messages.min(30)))
            .await
            .is_err()
        {
            self.overall.until_ready().await;
        }
    }
}

/// One slide (or any file) to send.
#[derive(Debug, Clone)]
pub struct OutgoingFile {
    pub name: String,
    pub bytes: bytes::Bytes,
}

#[derive(Clone)]
pub struct Courier {
    bot: Bot,
    breaker: Arc<CircuitBreaker>,
    pace: Arc<Pace>,
    policy: RetryPolicy,
    /// Patient (direct calls) or once (the outbox dispatcher); see the module docs.
    patient: bool,
    /// `bvc_external_call_duration_seconds`, when metrics are kept.
    latency: Option<prometheus::HistogramVec>,
    /// The Bot API's host and port, for the client spans (the URL itself holds the token).
    server: Arc<(String, u16)>,
}

enum Paced {
    Message { chat: i64, count: u32 },
    Other,
}

fn reply_to(message: Option<i32>) -> Option<ReplyParameters> {
    message.map(|id| ReplyParameters::new(MessageId(id)).allow_sending_without_reply())
}

impl Courier {
    /// The Bot API client, for the calls that are not deliveries (a user's profile photo).
    pub fn bot(&self) -> &Bot {
        &self.bot
    }

    pub fn new(bot: Bot, breaker: Arc<CircuitBreaker>, policy: RetryPolicy) -> Courier {
        let api = bot.api_url();
        let server = (
            api.host_str().unwrap_or_default().to_string(),
            api.port_or_known_default().unwrap_or(443),
        );
        Courier {
            server: Arc::new(server),
            bot,
            breaker,
            pace: Arc::new(Pace::telegram()),
            policy,
            patient: true,
            latency: None,
        }
    }

    /// The same courier, observing each call's latency by method and outcome.
    pub fn with_latency(mut self, latency: prometheus::HistogramVec) -> Courier {
        self.latency = Some(latency);
        self
    }

    fn observe(&self, method: &'static str, started: Instant, outcome: &str) {
        if let Some(latency) = &self.latency {
            latency
                .with_label_values(&["telegram", method, outcome])
                .observe(started.elapsed().as_secs_f64());
        }
    }

    /// The same courier with `per_second` messages overall.
    pub fn with_overall_rate(mut self, per_second: u32) -> Courier {
        self.pace = Arc::new(Pace::with_overall(per_second));
        self
    }

    /// The same bot, breaker and pacing, making each call once: the outbox dispatcher paces
    /// each call itself ([`Courier::try_chat`], [`Courier::wait_overall`]) and reschedules what
    /// fails.
    pub fn once(&self) -> Courier {
        Courier {
            patient: false,
            ..self.clone()
        }
    }

    /// The health probe's view of the Bot API: `getMe`, once, outside the breaker and the
    /// pacing (it sends nothing to anyone). teloxide keeps the token out of its errors.
    pub async fn probe(&self) -> Result<(), String> {
        self.bot
            .get_me()
            .await
            .map(|_| ())
            .map_err(|e| format!("getMe: {e}"))
    }

    /// The bot's own username, from `getMe` (once, outside the breaker and the pacing).
    pub async fn username(&self) -> Result<String, String> {
        let me = self.bot.get_me().await.map_err(|e| format!("getMe: {e}"))?;
        me.user
            .username
            .clone()
            .ok_or_else(|| "getMe: the bot has no username".to_string())
    }

    /// See [`Pace::try_chat`].
    pub fn try_chat(&self, chat: i64) -> Result<(), Duration> {
        self.pace.try_chat(chat)
    }

    /// Waits until `messages` more may go out under the overall limit.
    pub async fn wait_overall(&self, messages: u32) {
        self.pace.overall(messages).await
    }

    /// The same bot, breaker and pacing, retrying transient failures as `policy` says.
    pub fn with_policy(&self, policy: RetryPolicy) -> Courier {
        Courier {
            policy,
            ..self.clone()
        }
    }

    /// Makes one Bot API call under the rules above.
    async fn call<T, F, Fut>(&self, method: &'static str, paced: Paced, request: F) -> AppResult<T>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, RequestError>>,
    {
        self.call_counted(method, paced, request).await.0
    }

    /// [`Courier::call`], also answering how many requests reached (or tried to reach) Telegram.
    /// Patient calls go through the one retry helper (backon): transient failures as the
    /// policy says, flood waits as long as Telegram says (at most [`MAX_FLOOD_WAITS`]), an open
    /// breaker looked at again at least every second (the caller's own timeout bounds that).
    async fn call_counted<T, F, Fut>(
        &self,
        method: &'static str,
        paced: Paced,
        mut request: F,
    ) -> (AppResult<T>, u32)
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, RequestError>>,
    {
        use backon::Retryable;
        let requests = std::sync::atomic::AtomicU32::new(0);
        let (mut failed_attempts, mut flood_waits) = (1, 0);
        let result = (|| self.attempt(method, &paced, request(), &requests))
            .retry(self.policy.backoff().without_max_times())
            .when(|failed: &Failed| {
                self.patient
                    && match failed {
                        Failed::BreakerOpen(_) => true,
                        Failed::FloodWait(..) => {
                            flood_waits += 1;
                            flood_waits <= MAX_FLOOD_WAITS
                        }
                        Failed::Transient(_) => {
                            failed_attempts += 1;
                            failed_attempts <= self.policy.attempts
                        }
                        Failed::Refused(_) => false,
                    }
            })
            .adjust(|failed: &Failed, backoff| match failed {
                Failed::BreakerOpen(retry_in) => {
                    Some((*retry_in).clamp(Duration::from_millis(10), Duration::from_secs(1)))
                }
                Failed::FloodWait(wait, _) => Some(*wait),
                Failed::Transient(_) | Failed::Refused(_) => backoff,
            })
            .notify(|failed: &Failed, wait: Duration| match failed {
                Failed::FloodWait(..) => {
                    tracing::warn!(
                        method,
                        wait_s = wait.as_secs(),
                        "telegram flood control; waiting"
                    )
                }
                Failed::Transient(error) => tracing::warn!(
                    method,
                    error = %error,
                    retry_in_ms = wait.as_millis() as u64,
                    "telegram call failed; retrying"
                ),
                Failed::BreakerOpen(_) | Failed::Refused(_) => {}
            })
            .await;
        let requests = requests.load(std::sync::atomic::Ordering::Relaxed);
        (result.map_err(|failed| failed.into_error(method)), requests)
    }

    /// One attempt: paced (patient calls; one-shot calls were paced by their caller, the outbox
    /// dispatcher), through the breaker, timed and traced.
    async fn attempt<T, Fut>(
        &self,
        method: &'static str,
        paced: &Paced,
        request: Fut,
        requests: &std::sync::atomic::AtomicU32,
    ) -> Result<T, Failed>
    where
        Fut: Future<Output = Result<T, RequestError>>,
    {
        match paced {
            _ if !self.patient => {}
            Paced::Message { chat, count } => self.pace.message(*chat, *count).await,
            Paced::Other => self.pace.other().await,
        }
        let permit = self
            .breaker
            .try_acquire()
            .map_err(|rejected| Failed::BreakerOpen(rejected.retry_in))?;
        let started = Instant::now();
        let attempt = requests.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        // OpenTelemetry's HTTP client conventions; the path (it holds the token) is left out.
        let span = tracing::info_span!(
            "telegram",
            otel.name = method,
            otel.kind = "client",
            otel.status_code = tracing::field::Empty,
            http.request.method = "POST",
            server.address = self.server.0.as_str(),
            server.port = self.server.1,
            http.response.status_code = tracing::field::Empty,
            error.type = tracing::field::Empty,
            attempt
        );
        match request.instrument(span.clone()).await {
            Ok(value) => {
                span.record("http.response.status_code", 200);
                permit.success(started.elapsed());
                self.observe(method, started, "ok");
                Ok(value)
            }
            Err(error) => {
                let failed = self.failed(method, &error, permit, started);
                let kind = match &failed {
                    Failed::FloodWait(..) => {
                        span.record("http.response.status_code", 429);
                        "flood_wait"
                    }
                    Failed::Transient(_) => "transient",
                    Failed::Refused(_) | Failed::BreakerOpen(_) => "refused",
                };
                span.record("error.type", kind);
                span.record("otel.status_code", "ERROR");
                Err(failed)
            }
        }
    }

    /// Records a failed request with the breaker and the metrics and says what it was: a flood
    /// wait and a refusal are Telegram answering (the breaker counts a success), a transient
    /// failure counts against it.
    fn failed(
        &self,
        method: &'static str,
        error: &RequestError,
        permit: crate::resilience::breaker::Permit<'_>,
        started: Instant,
    ) -> Failed {
        let unavailable = |retry_after| AppError::TelegramUnavailable {
            method,
            reason: error.to_string(),
            retry_after,
        };
        match failure_of(error) {
            CallFailure::FloodWait(wait) => {
                permit.success(started.elapsed());
                self.observe(method, started, "flood_wait");
                Failed::FloodWait(wait, unavailable(Some(wait)))
            }
            CallFailure::Transient => {
                permit.failure(started.elapsed());
                self.observe(method, started, "transient");
                Failed::Transient(unavailable(None))
            }
            CallFailure::Final => {
                permit.success(started.elapsed());
                self.observe(method, started, "refused");
                tracing::error!(method, error = %error, "telegram refused the call");
                Failed::Refused(AppError::TelegramRefused {
                    method,
                    reason: error.to_string(),
                })
            }
        }
    }

    /// Sends an HTML message; answers its message id.
    pub async fn send_html(
        &self,
        chat: i64,
        html: &str,
        reply: Option<i32>,
        keyboard: Option<InlineKeyboardMarkup>,
    ) -> AppResult<i32> {
        self.send_html_counted(chat, html, reply, keyboard).await.0
    }

    /// [`Courier::send_html`], also answering how many requests it took.
    pub async fn send_html_counted(
        &self,
        chat: i64,
        html: &str,
        reply: Option<i32>,
        keyboard: Option<InlineKeyboardMarkup>,
    ) -> (AppResult<i32>, u32) {
        let (sent, requests) = self
            .call_counted("sendMessage", Paced::Message { chat, count: 1 }, || {
                let mut request = self
                    .bot
                    .send_message(ChatId(chat), html)
                    .parse_mode(ParseMode::Html);
                if let Some(reply) = reply_to(reply) {
                    request = request.reply_parameters(reply);
                }
                if let Some(keyboard) = keyboard.clone() {
                    request = request.reply_markup(keyboard);
                }
                request.into_future()
            })
            .await;
        (sent.map(|message| message.id.0), requests)
    }

    /// Replaces a message's text (and keyboard: `None` removes it).
    pub async fn edit_html(
        &self,
        chat: i64,
        message: i32,
        html: &str,
        keyboard: Option<InlineKeyboardMarkup>,
    ) -> AppResult<()> {
        let edit = self.call("editMessageText", Paced::Other, || {
            let request = self
                .bot
                .edit_message_text(ChatId(chat), MessageId(message), html)
                .parse_mode(ParseMode::Html)
                .reply_markup(keyboard.clone().unwrap_or_default())
                .into_future();
            async {
                match request.await {
                    // An edit that changes nothing has reached its goal.
                    Err(RequestError::Api(ApiError::MessageNotModified)) => Ok(()),
                    other => other.map(|_| ()),
                }
            }
        });
        within("editMessageText", EDIT_DEADLINE, edit).await
    }

    /// Replaces the buttons under a message (a photo's, too, which editMessageText cannot).
    pub async fn edit_keyboard(
        &self,
        chat: i64,
        message: i32,
        keyboard: InlineKeyboardMarkup,
    ) -> AppResult<()> {
        let edit = self.call("editMessageReplyMarkup", Paced::Other, || {
            let request = self
                .bot
                .edit_message_reply_markup(ChatId(chat), MessageId(message))
                .reply_markup(keyboard.clone())
                .into_future();
            async {
                match request.await {
                    Err(RequestError::Api(ApiError::MessageNotModified)) => Ok(()),
                    other => other.map(|_| ()),
                }
            }
        });
        within("editMessageReplyMarkup", EDIT_DEADLINE, edit).await
    }

    /// Answers a button press (the small notice over the chat); `text` may be empty.
    pub async fn answer_callback(&self, query: &str, text: &str) -> AppResult<()> {
        let answer = self.call("answerCallbackQuery", Paced::Other, || {
            let mut request = self
                .bot
                .answer_callback_query(CallbackQueryId(query.to_string()));
            if !text.is_empty() {
                request = request.text(text);
            }
            request.into_future()
        });
        within("answerCallbackQuery", ANSWER_DEADLINE, answer)
            .await
            .map(|_| ())
    }

    /// Sends slides as one album (2–10 files) or, for one file, a single photo or document.
    /// The caption goes on the first file. Answers the ids of the messages Telegram made.
    pub async fn send_album(
        &self,
        chat: i64,
        reply: Option<i32>,
        files: &[OutgoingFile],
        caption: Option<&str>,
        as_documents: bool,
    ) -> AppResult<Vec<i32>> {
        let count = u32::try_from(files.len()).unwrap_or(u32::MAX);
        let paced = || Paced::Message { chat, count };
        if let [file] = files {
            let input = || InputFile::memory(file.bytes.clone()).file_name(file.name.clone());
            // sendPhoto and sendDocument are different request types with the same setters.
            macro_rules! single {
                ($method:literal, $send:ident) => {
                    self.call($method, paced(), || {
                        let mut request = self.bot.$send(ChatId(chat), input());
                        if let Some(caption) = caption {
                            request = request.caption(caption).parse_mode(ParseMode::Html);
                        }
                        if let Some(reply) = reply_to(reply) {
                            request = request.reply_parameters(reply);
                        }
                        request.into_future()
                    })
                    .await?
                };
            }
            let sent = if as_documents {
                single!("sendDocument", send_document)
            } else {
                single!("sendPhoto", send_photo)
            };
            return Ok(vec![sent.id.0]);
        }
        let media = || -> Vec<InputMedia> {
            files
                .iter()
                .enumerate()
                .map(|(i, file)| {
                    let input = InputFile::memory(file.bytes.clone()).file_name(file.name.clone());
                    let caption = caption.filter(|_| i == 0);
                    if as_documents {
                        let mut doc = InputMediaDocument::new(input);
                        if let Some(caption) = caption {
                            doc = doc.caption(caption).parse_mode(ParseMode::Html);
                        }
                        InputMedia::Document(doc)
                    } else {
                        let mut photo = InputMediaPhoto::new(input);
                        if let Some(caption) = caption {
                            photo = photo.caption(caption).parse_mode(ParseMode::Html);
                        }
                        InputMedia::Photo(photo)
                    }
                })
                .collect()
        };
        let sent = self
            .call("sendMediaGroup", paced(), || {
                let mut request = self.bot.send_media_group(ChatId(chat), media());
                if let Some(reply) = reply_to(reply) {
                    request = request.reply_parameters(reply);
                }
                request.into_future()
            })
            .await?;
        Ok(sent.iter().map(|m| m.id.0).collect())
    }

    /// sendPhoto with an HTML caption and buttons under it: a draft's preview for review.
    pub async fn send_photo_html(
        &self,
        chat: i64,
        reply: Option<i32>,
        file: &OutgoingFile,
        caption: &str,
        keyboard: Option<InlineKeyboardMarkup>,
    ) -> AppResult<i32> {
        let paced = Paced::Message { chat, count: 1 };
        let sent = self
            .call("sendPhoto", paced, || {
                let input = InputFile::memory(file.bytes.clone()).file_name(file.name.clone());
                let mut request = self
                    .bot
                    .send_photo(ChatId(chat), input)
                    .caption(caption)
                    .parse_mode(ParseMode::Html);
                if let Some(reply) = reply_to(reply) {
                    request = request.reply_parameters(reply);
                }
                if let Some(keyboard) = keyboard.clone() {
                    request = request.reply_markup(keyboard);
                }
                request.into_future()
            })
            .await?;
        Ok(sent.id.0)
    }
}

/// A direct call that has not finished by `deadline` is given up (it would be stale by then).
async fn within<T>(
    method: &'static str,
    deadline: Duration,
    call: impl Future<Output = AppResult<T>>,
) -> AppResult<T> {
    tokio::time::timeout(deadline, call)
        .await
        .unwrap_or_else(|_| {
            Err(AppError::TelegramUnavailable {
                method,
                reason: format!("no answer within {} s", deadline.as_secs()),
                retry_after: None,
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flood_control_waits_server_errors_retry_and_refusals_are_final() {
        use teloxide::types::Seconds;
        assert_eq!(
            failure_of(&RequestError::RetryAfter(Seconds::from_seconds(3))),
            CallFailure::FloodWait(Duration::from_secs(3))
        );
        assert_eq!(
            failure_of(&RequestError::Api(ApiError::Unknown("Bad Gateway".into()))),
            CallFailure::Transient
        );
        assert_eq!(
            failure_of(&RequestError::Api(ApiError::BotBlocked)),
            CallFailure::Final
        );
        assert_eq!(
            failure_of(&RequestError::Api(ApiError::Unknown(
                "Bad Request: wrong file identifier".into()
            ))),
            CallFailure::Final
        );
    }

    #[test]
    fn one_chat_gets_a_short_burst_and_a_group_twenty_messages_a_minute() {
        let pace = Pace::telegram();
        for _ in 0..3 {
            assert!(pace.per_chat.check_key(&42).is_ok());
        }
        assert!(
            pace.per_chat.check_key(&42).is_err(),
            "the fourth at once waits"
        );
        assert!(
            pace.per_chat.check_key(&43).is_ok(),
            "another chat is not held up"
        );
        for _ in 0..20 {
            assert!(pace.per_group.check_key(&-100).is_ok());
        }
        assert!(pace.per_group.check_key(&-100).is_err());
    }
}
