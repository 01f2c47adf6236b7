//! Test-only loopback server speaking OpenAI's chat-completions wire protocol
//! (`POST /v1/chat/completions` → a real `chat.completion` JSON body), built on
//! actix-web 4. It replays a script of replies and records every request.

use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use actix_web::dev::ServerHandle;
use actix_web::http::StatusCode;
use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use serde_json::{json, Value};

/// One scripted reply.
#[derive(Debug, Clone)]
pub enum Reply {
    /// 200 with a chat.completion whose message content is this text.
    Content(String),
    /// Any status with a raw (possibly non-JSON) body.
    Status(u16, String),
    /// Any status with an OpenAI-style `{"error":{...}}` body.
    ErrorJson {
        status: u16,
        message: String,
        kind: Option<String>,
        param: Option<String>,
    },
    /// Sleep, then answer.
    Delayed(Duration, Box<Reply>),
}

impl Reply {
    pub fn content(s: impl Into<String>) -> Self {
        Reply::Content(s.into())
    }
    pub fn status(code: u16, body: impl Into<String>) -> Self {
        Reply::Status(code, body.into())
    }
    pub fn error_json(code: u16, message: &str, kind: Option<&str>, param: Option<&str>) -> Self {
        Reply::ErrorJson {
            status: code,
            message: message.into(),
            kind: kind.map(Into::into),
            param: param.map(Into::into),
        }
    }
    pub fn delayed(by: Duration, then: Reply) -> Self {
        Reply::Delayed(by, Box::new(then))
    }
}

/// A request as the server saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub path: String,
    pub authorization: Option<String>,
    pub body: Value,
}

#[derive(Default)]
struct State {
    script: Vec<Reply>,
    seen: Mutex<Vec<Seen>>,
}

/// The running server; stops when dropped.
pub struct MockServer {
    port: u16,
    state: Arc<State>,
    handle: ServerHandle,
}

impl MockServer {
    /// Starts on 127.0.0.1 on a free port. Request `i` gets `script[i]`; the last
    /// reply repeats for every later request.
    pub fn start(script: Vec<Reply>) -> Self {
        let state = Arc::new(State {
            script,
            seen: Mutex::new(Vec::new()),
        });
        let (tx, rx) = mpsc::channel();
        let server_state = state.clone();
        thread::spawn(move || {
            let system = actix_rt::System::new();
            system.block_on(async move {
                let data = web::Data::from(server_state);
                let server = HttpServer::new(move || {
                    App::new()
                        .app_data(data.clone())
                        .app_data(web::PayloadConfig::new(16 * 1024 * 1024))
                        .route("/v1/chat/completions", web::post().to(chat_completions))
                })
                .workers(1)
                .disable_signals()
                .shutdown_timeout(0)
                .bind(("127.0.0.1", 0))
                .expect("bind loopback");
                let port = server.addrs()[0].port();
                let running = server.run();
                tx.send((port, running.handle())).expect("report port");
                let _ = running.await;
            });
        });
        let (port, handle) = rx
            .recv_timeout(Duration::from_secs(10))
            .expect("server started");
        Self {
            port,
            state,
            handle,
        }
    }

    /// `http://127.0.0.1:PORT/v1`
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}/v1", self.port)
    }

    pub fn requests(&self) -> Vec<Seen> {
        self.state
            .seen
            .lock()
            .map(|s| s.clone())
            .unwrap_or_default()
    }

    pub fn request_count(&self) -> usize {
        self.requests().len()
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        // Sends the stop command right away; the server thread then exits.
        drop(self.handle.stop(false));
    }
}

async fn chat_completions(
    req: HttpRequest,
    body: web::Bytes,
    state: web::Data<State>,
) -> HttpResponse {
    let parsed: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let model = parsed["model"].as_str().unwrap_or("unknown").to_string();
    let index = {
        let mut seen = state.seen.lock().expect("lock");
        seen.push(Seen {
            path: req.path().to_string(),
            authorization: req
                .headers()
                .get("authorization")
                .and_then(|v| v.to_str().ok())
                .map(String::from),
            body: parsed,
        });
        seen.len() - 1
    };
    let reply = state
        .script
        .get(index)
        .or_else(|| state.script.last())
        .cloned()
        .unwrap_or_else(|| Reply::status(500, "empty script"));
    respond(reply, &model).await
}

async fn respond(reply: Reply, model: &str) -> HttpResponse {
    let mut reply = reply;
    while let Reply::Delayed(by, then) = reply {
        actix_rt::time::sleep(by).await;
        reply = *then;
    }
    match reply {
        Reply::Content(content) => HttpResponse::Ok().json(completion(&content, model)),
        Reply::Status(code, body) => {
            HttpResponse::build(StatusCode::from_u16(code).expect("status")).body(body)
        }
        Reply::ErrorJson {
            status,
            message,
            kind,
            param,
        } => HttpResponse::build(StatusCode::from_u16(status).expect("status")).json(json!({
            "error": { "message": message, "type": kind, "param": param, "code": null }
        })),
        Reply::Delayed(..) => HttpResponse::InternalServerError().finish(),
    }
}

/// A real `chat.completion` object, as OpenAI returns it.
fn completion(content: &str, model: &str) -> Value {
    json!({
        "id": "chatcmpl-test-0001",
        "object": "chat.completion",
        "created": 1_735_689_600,
        "model": model,
        "system_fingerprint": "fp_test",
        "choices": [{
            "index": 0,
            "message": { "role": "assistant", "content": content, "refusal": null },
            "logprobs": null,
            "finish_reason": "stop"
        }],
        "usage": { "prompt_tokens": 120, "completion_tokens": 480, "total_tokens": 600 }
    })
}
