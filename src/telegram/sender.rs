//! Fire-and-forget outbound Telegram messages (the private-chat hint, admin alerts) through the
//! [`Courier`]: paced, behind the Telegram circuit breaker, 429 waited out.
//!
//! Messages wait in a bounded queue and go out one at a time. 5xx answers and network errors retry
//! with backoff for as long as it takes, and while the breaker is open the message waits, so
//! nothing queued is dropped. A 400-class refusal is final: logged with its reason.
//! The queue lives in memory: a message queued when the process dies is not sent (alerts only;
//! carousel delivery keeps its own durable outbox).
use super::courier::{is_refusal, Courier};
use crate::error::AppError;
use crate::workflow::RetryPolicy;
use std::time::Duration;
use tokio::sync::mpsc;

/// Messages waiting to be sent; beyond this `send_html` refuses rather than grow without bound.
const QUEUE_CAPACITY: usize = 1_000;

#[derive(Debug)]
struct Outgoing {
    chat_id: i64,
    html: String,
}

/// What became of one message (for tests and logs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    Sent { attempts: u32 },
    Refused { reason: String },
}

#[derive(Clone)]
pub struct TelegramSender {
    queue: mpsc::Sender<Outgoing>,
}

impl TelegramSender {
    /// Starts the sending task on the current runtime. Calls go through `courier` (its breaker
    /// and pacing) but never give up on a transient failure. `delivered` hears about every message.
    pub fn start(
        courier: Courier,
        delivered: Option<mpsc::UnboundedSender<Delivery>>,
    ) -> TelegramSender {
        let courier = courier.with_policy(RetryPolicy {
            attempts: usize::MAX,
            first_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(30),
        });
        let (queue, mut waiting) = mpsc::channel::<Outgoing>(QUEUE_CAPACITY);
        tokio::spawn(async move {
            while let Some(message) = waiting.recv().await {
                let outcome = deliver(&courier, &message).await;
                if let Some(delivered) = &delivered {
                    let _ = delivered.send(outcome);
                }
            }
        });
        TelegramSender { queue }
    }

    /// Queues an HTML message for `chat_id`.
    pub fn send_html(&self, chat_id: i64, html: String) -> Result<(), AppError> {
        self.queue
            .try_send(Outgoing { chat_id, html })
            .map_err(|e| AppError::ActorUnavailable {
                actor: "telegram sender",
                reason: format!("outbound queue cannot take the message: {e}"),
            })
    }
}

/// Sends one message until Telegram takes it or refuses it.
async fn deliver(courier: &Courier, message: &Outgoing) -> Delivery {
    let mut attempts = 0;
    loop {
        let (sent, requests) = courier
            .send_html_counted(message.chat_id, &message.html, None, None)
            .await;
        attempts += requests;
        match sent {
            Ok(_) => return Delivery::Sent { attempts },
            Err(e) if is_refusal(&e) => {
                return Delivery::Refused {
                    reason: e.to_string(),
                }
            }
            // Only flood control that never ends gets here; keep trying, slowly.
            Err(e) => {
                tracing::warn!(chat_id = message.chat_id, error = %e, "message not sent yet; will retry");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::supervisors::breaker::CircuitBreaker;
    use crate::supervisors::breaker::{BreakerConfig, BreakerState};
    use crate::supervisors::clock::ManualClock;
    use std::sync::Arc;
    use std::sync::Mutex;
    use std::time::Duration;
    use teloxide::Bot;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// What the fake Bot API does with one request.
    #[derive(Clone)]
    enum Answer {
        /// Drops the connection without answering (a network failure for the client).
        Hangup,
        /// Answers with this HTTP status and JSON body.
        Json(u16, String),
    }

    fn sent_ok() -> Answer {
        Answer::Json(
            200,
            r#"{"ok":true,"result":{"message_id":7,"date":1763856000,"chat":{"id":42,"type":"private","first_name":"A"},"text":"hi"}}"#.into(),
        )
    }

    /// A loopback server speaking the Bot API's HTTP wire format: request `i` gets `script[i]`
    /// (the last repeats); bodies of requests are kept.
    struct FakeBotApi {
        url: url::Url,
        bodies: Arc<Mutex<Vec<String>>>,
    }

    impl FakeBotApi {
        async fn start(script: Vec<Answer>) -> FakeBotApi {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind");
            let port = listener.local_addr().expect("addr").port();
            let bodies = Arc::new(Mutex::new(Vec::new()));
            let seen = bodies.clone();
            tokio::spawn(async move {
                let mut served = 0;
                while let Ok((mut socket, _)) = listener.accept().await {
                    let body = read_request(&mut socket).await;
                    let answer = script[served.min(script.len() - 1)].clone();
                    served += 1;
                    seen.lock().expect("bodies").push(body);
                    if let Answer::Json(status, json) = answer {
                        let response = format!(
                            "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{json}",
                            json.len()
                        );
                        let _ = socket.write_all(response.as_bytes()).await;
                    }
                }
            });
            FakeBotApi {
                url: url::Url::parse(&format!("http://127.0.0.1:{port}")).expect("url"),
                bodies,
            }
        }

        fn requests(&self) -> usize {
            self.bodies.lock().expect("bodies").len()
        }
    }

    async fn read_request(socket: &mut tokio::net::TcpStream) -> String {
        let mut data = Vec::new();
        let mut buf = [0u8; 4096];
        while let Ok(n) = socket.read(&mut buf).await {
            if n == 0 {
                break;
            }
            data.extend_from_slice(&buf[..n]);
            let text = String::from_utf8_lossy(&data);
            if let Some(end) = text.find("\r\n\r\n") {
                let length = text[..end]
                    .lines()
                    .find_map(|l| {
                        let (k, v) = l.split_once(':')?;
                        k.eq_ignore_ascii_case("content-length")
                            .then(|| v.trim().parse().ok())?
                    })
                    .unwrap_or(0usize);
                if data.len() >= end + 4 + length {
                    return String::from_utf8_lossy(&data[end + 4..]).into_owned();
                }
            }
        }
        String::new()
    }

    fn default_breaker() -> Arc<CircuitBreaker> {
        Arc::new(CircuitBreaker::new(
            "telegram",
            BreakerConfig::for_telegram(),
            ManualClock::new().shared(),
        ))
    }

    fn courier(api: &FakeBotApi, breaker: Arc<CircuitBreaker>) -> Courier {
        let bot = Bot::new("123:test").set_api_url(api.url.clone());
        // The sender replaces the policy with its own, which never gives up.
        Courier::new(
            bot,
            breaker,
            RetryPolicy::from_settings(&Default::default()),
        )
    }

    #[tokio::test]
    async fn flood_control_is_waited_out_and_the_message_goes_once() {
        let api = FakeBotApi::start(vec![
            Answer::Json(
                429,
                r#"{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 1","parameters":{"retry_after":1}}"#.into(),
            ),
            sent_ok(),
        ])
        .await;
        let breaker = default_breaker();
        let (tx, mut delivered) = mpsc::unbounded_channel();
        let sender = TelegramSender::start(courier(&api, breaker.clone()), Some(tx));

        sender
            .send_html(42, "<b>alert</b> &lt;x&gt;".into())
            .expect("queued");

        assert_eq!(delivered.recv().await, Some(Delivery::Sent { attempts: 2 }));
        assert_eq!(api.requests(), 2);
        assert!(api.bodies.lock().expect("bodies")[1].contains("alert"));
        assert_eq!(
            breaker.snapshot().calls.failure,
            0,
            "flood control is not an outage"
        );
    }

    #[tokio::test]
    async fn while_the_breaker_is_open_the_message_waits_then_goes_out_on_recovery() {
        let api = FakeBotApi::start(vec![Answer::Hangup, Answer::Hangup, sent_ok()]).await;
        let clock = ManualClock::new();
        let breaker = Arc::new(CircuitBreaker::new(
            "telegram",
            BreakerConfig {
                consecutive_failures: 2,
                open_base: Duration::from_secs(30),
                half_open_probes: 1,
                ..BreakerConfig::for_telegram()
            },
            clock.shared(),
        ));
        let (tx, mut delivered) = mpsc::unbounded_channel();
        let sender = TelegramSender::start(courier(&api, breaker.clone()), Some(tx));

        sender.send_html(42, "hello".into()).expect("queued");
        tokio::time::timeout(Duration::from_secs(10), async {
            while breaker.state() != BreakerState::Open {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        })
        .await
        .expect("the breaker opens after the failures");
        assert_eq!(api.requests(), 2);
        assert!(
            delivered.try_recv().is_err(),
            "not dropped, not sent: waiting"
        );

        clock.advance(Duration::from_secs(30));
        assert_eq!(delivered.recv().await, Some(Delivery::Sent { attempts: 3 }));
        assert_eq!(breaker.state(), BreakerState::Closed);
        assert_eq!(api.requests(), 3);
    }

    #[tokio::test]
    async fn a_refusal_is_final_and_reported() {
        let api = FakeBotApi::start(vec![Answer::Json(
            400,
            r#"{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}"#.into(),
        )])
        .await;
        let breaker = default_breaker();
        let (tx, mut delivered) = mpsc::unbounded_channel();
        let sender = TelegramSender::start(courier(&api, breaker), Some(tx));

        sender.send_html(42, "hello".into()).expect("queued");

        let Some(Delivery::Refused { reason }) = delivered.recv().await else {
            panic!("expected a refusal");
        };
        assert!(reason.contains("chat not found"), "{reason}");
        assert_eq!(api.requests(), 1);
    }
}
