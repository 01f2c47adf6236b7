//! A loopback OpenAI-compatible endpoint.
use std::sync::Arc;
use std::time::Duration;

/// A loopback server speaking OpenAI's chat-completions protocol, answering every call with
/// `content` as the assistant message. Runs on its own thread and actix system.
pub struct FakeOpenAi {
    pub base_url: String,
    pub calls: Arc<std::sync::atomic::AtomicUsize>,
    /// The body of every chat-completions request, in arrival order.
    pub requests: Arc<std::sync::Mutex<Vec<serde_json::Value>>>,
}

impl FakeOpenAi {
    /// The messages of every request so far, each as `(system, user)` text.
    pub fn prompts(&self) -> Vec<(String, String)> {
        let text = |body: &serde_json::Value, i: usize| {
            body["messages"][i]["content"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        };
        self.requests
            .lock()
            .expect("requests")
            .iter()
            .map(|body| (text(body, 0), text(body, 1)))
            .collect()
    }
}

impl FakeOpenAi {
    pub fn start(content: String) -> FakeOpenAi {
        Self::start_answering(200, content)
    }

    /// Answers every call with `status` (an OpenAI-style error body unless 200).
    pub fn start_answering(status: u16, content: String) -> FakeOpenAi {
        Self::start_with(status, content, Duration::ZERO)
    }

    /// A model that takes `delay` to answer each call.
    pub fn start_slow(content: String, delay: Duration) -> FakeOpenAi {
        Self::start_with(200, content, delay)
    }

    fn start_with(status: u16, content: String, delay: Duration) -> FakeOpenAi {
        use actix_web::{web, App, HttpResponse, HttpServer};
        let calls = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counter = calls.clone();
        let requests = Arc::new(std::sync::Mutex::new(Vec::new()));
        let recorded = requests.clone();
        let port = super::serve_in_background(move |listener| {
            HttpServer::new(move || {
                let content = content.clone();
                let counter = counter.clone();
                let recorded = recorded.clone();
                App::new()
                .route(
                    "/v1/models",
                    web::get().to(move || async move {
                        if status != 200 {
                            let code = actix_web::http::StatusCode::from_u16(status).expect("valid status");
                            return HttpResponse::build(code).json(serde_json::json!({
                                "error": {"message": "upstream exploded", "type": "server_error", "param": null, "code": null}
                            }));
                        }
                        HttpResponse::Ok().json(serde_json::json!({
                            "object": "list",
                            "data": [{"id": "gpt-test", "object": "model", "created": 1763856000u32, "owned_by": "test"}]
                        }))
                    }),
                )
                .route(
                    "/v1/chat/completions",
                    web::post().to(move |body: web::Json<serde_json::Value>| {
                        let content = content.clone();
                        counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        recorded.lock().expect("requests").push(body.0.clone());
                        async move {
                            tokio::time::sleep(delay).await;
                            if status != 200 {
                                let code = actix_web::http::StatusCode::from_u16(status)
                                    .expect("valid status");
                                return HttpResponse::build(code).json(serde_json::json!({
                                    "error": {"message": "upstream exploded", "type": "server_error", "param": null, "code": null}
                                }));
                            }
                            HttpResponse::Ok().json(serde_json::json!({
                                "id": "chatcmpl-test",
                                "object": "chat.completion",
                                "created": 1763856000u32,
                                "model": body["model"],
                                "choices": [{
                                    "index": 0,
                                    "finish_reason": "stop",
                                    "message": {"role": "assistant", "content": content}
                                }]
                            }))
                        }
                    }),
                )
            })
            .workers(2)
            .listen(listener)
            .expect("listen on loopback")
            .run()
        });
        FakeOpenAi {
            base_url: format!("http://127.0.0.1:{port}/v1"),
            calls,
            requests,
        }
    }
}
