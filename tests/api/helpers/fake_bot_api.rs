//! A loopback Telegram Bot API.
use super::eventually;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

type Shared<T> = Arc<std::sync::Mutex<T>>;

/// A file uploaded to the fake Bot API.
#[derive(Clone, Debug)]
pub struct Upload {
    pub method: String,
    pub name: String,
    pub bytes: Vec<u8>,
}

/// What the fake Bot API does with the next call of one method.
#[derive(Clone)]
pub enum BotAnswer {
    /// Answers as usual (to script a later call).
    Pass,
    /// Answers `{"ok": false, ...}` with this HTTP status, error code, description and, for 429,
    /// `parameters.retry_after`.
    Fail {
        status: u16,
        description: String,
        retry_after: Option<u64>,
    },
    /// Never answers (the caller's process can be killed mid-call).
    Hang,
}

/// One request the fake Bot API received.
#[derive(Clone, Debug)]
pub struct BotRequest {
    pub method: String,
    pub at: std::time::Instant,
    /// "ok", "failed" or "held".
    pub outcome: &'static str,
}

/// A loopback server speaking the Bot API's wire protocol (JSON and multipart/form-data).
/// Calls are recorded and answered `ok` with plausible results (send* → messages with fresh
/// ids, sendMediaGroup → one message per item, edits → the message, the rest → `true`), unless
/// a scripted answer is queued for the method. Runs on its own thread and actix system.
pub struct FakeBotApi {
    pub url: String,
    /// Calls answered `ok`: method and parameters.
    pub calls: Arc<std::sync::Mutex<Vec<(String, serde_json::Value)>>>,
    /// Files uploaded with calls answered `ok`: method, file name, bytes.
    pub uploads: Shared<Vec<Upload>>,
    /// Every request, in order, however it was answered.
    pub requests: Arc<std::sync::Mutex<Vec<BotRequest>>>,
    /// Updates the next getUpdates call hands out (then it answers `[]` after a short wait).
    pub pending_updates: Arc<std::sync::Mutex<Vec<serde_json::Value>>>,
    script: Shared<HashMap<String, std::collections::VecDeque<BotAnswer>>>,
    files: Shared<FakeFiles>,
}

/// Files the fake serves: `getFile` answers them, `/file/bot<token>/<path>` downloads them,
/// `getUserProfilePhotos` lists a user's.
#[derive(Default)]
struct FakeFiles {
    /// file_id → (file_path, the size `getFile` reports, the bytes).
    by_id: HashMap<String, (String, u64, Vec<u8>)>,
    profile_photos: HashMap<i64, Vec<String>>,
    /// The paths downloaded, in order.
    downloads: Vec<String>,
}

/// What the server's handler shares with the test's [`FakeBotApi`].
#[derive(Clone)]
struct Handles {
    calls: Arc<std::sync::Mutex<Vec<(String, serde_json::Value)>>>,
    uploads: Shared<Vec<Upload>>,
    requests: Arc<std::sync::Mutex<Vec<BotRequest>>>,
    pending: Arc<std::sync::Mutex<Vec<serde_json::Value>>>,
    script: Shared<HashMap<String, std::collections::VecDeque<BotAnswer>>>,
    next_message_id: Arc<std::sync::atomic::AtomicI64>,
    files: Shared<FakeFiles>,
}

impl Handles {
    /// `GET /file/bot<token>/<file_path>`: the bytes of a registered file (teloxide
    /// percent-encodes the path's slashes), else 404 as Telegram answers.
    fn download(&self, req: &actix_web::HttpRequest) -> actix_web::HttpResponse {
        let path = req.path().splitn(4, '/').nth(3).unwrap_or_default();
        let path = path.replace("%2F", "/").replace("%2f", "/");
        let mut files = self.files.lock().expect("files");
        files.downloads.push(path.clone());
        match files.by_id.values().find(|(p, _, _)| *p == path) {
            Some((_, _, bytes)) => actix_web::HttpResponse::Ok().body(bytes.clone()),
            None => actix_web::HttpResponse::NotFound().finish(),
        }
    }

    /// Answers one call: as scripted, else `ok` with a plausible result, recording it.
    async fn answer(
        self,
        req: actix_web::HttpRequest,
        body: actix_web::web::Bytes,
    ) -> actix_web::HttpResponse {
        use actix_web::HttpResponse;
        let method = req
            .path()
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_string();
        let lowercase = method.to_ascii_lowercase();
        let scripted = self
            .script
            .lock()
            .expect("script")
            .get_mut(&lowercase)
            .and_then(|q| q.pop_front());
        let record = |outcome| {
            self.requests.lock().expect("requests").push(BotRequest {
                method: method.clone(),
                at: std::time::Instant::now(),
                outcome,
            })
        };
        match scripted {
            Some(BotAnswer::Hang) => {
                record("held");
                tokio::time::sleep(Duration::from_secs(3600)).await;
                return HttpResponse::GatewayTimeout().finish();
            }
            Some(BotAnswer::Fail {
                status,
                description,
                retry_after,
            }) => {
                record("failed");
                let mut body = serde_json::json!({"ok": false, "error_code": status, "description": description});
                if let Some(seconds) = retry_after {
                    body["parameters"] = serde_json::json!({"retry_after": seconds});
                }
                let code = actix_web::http::StatusCode::from_u16(status).expect("status");
                return HttpResponse::build(code).json(body);
            }
            Some(BotAnswer::Pass) | None => record("ok"),
        }
        if req.path().starts_with("/file/") {
            return self.download(&req);
        }
        let (params, files) = bot_api_params(&body);
        if lowercase == "getfile" {
            let id = params["file_id"].as_str().unwrap_or_default().to_string();
            let known = self.files.lock().expect("files").by_id.get(&id).cloned();
            self.calls.lock().expect("calls").push((method, params));
            return match known {
                Some((path, size, _)) => HttpResponse::Ok().json(serde_json::json!({"ok": true,
                    "result": {"file_id": id, "file_unique_id": format!("u-{id}"), "file_size": size, "file_path": path}})),
                None => HttpResponse::BadRequest().json(serde_json::json!({"ok": false,
                    "error_code": 400, "description": "Bad Request: invalid file id"})),
            };
        }
        let result = self.result_of(&lowercase, &params).await;
        self.uploads
            .lock()
            .expect("uploads")
            .extend(files.into_iter().map(|(name, bytes)| Upload {
                method: method.clone(),
                name,
                bytes,
            }));
        self.calls.lock().expect("calls").push((method, params));
        HttpResponse::Ok().json(serde_json::json!({"ok": true, "result": result}))
    }

    /// What a successful call of `method` (lowercase) answers.
    async fn result_of(&self, method: &str, params: &serde_json::Value) -> serde_json::Value {
        let chat = params["chat_id"].clone();
        let message = |text: &str| {
            let id = self
                .next_message_id
                .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            serde_json::json!({
                "message_id": id, "date": 1763856000,
                "chat": {"id": chat, "type": "private", "first_name": "Admin"},
                "text": text
            })
        };
        if method == "getupdates" {
            let updates: Vec<serde_json::Value> =
                self.pending.lock().expect("updates").drain(..).collect();
            if updates.is_empty() {
                // A short stand-in for Telegram's long poll.
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            serde_json::Value::Array(updates)
        } else if method == "sendmediagroup" {
            let items = params["media"].as_array().map_or(0, Vec::len);
            serde_json::Value::Array((0..items).map(|_| message("album")).collect())
        } else if method == "getme" {
            serde_json::json!({
                "id": 4242, "is_bot": true, "first_name": "Vibe", "username": "vibe_test_bot",
                "can_join_groups": true, "can_read_all_group_messages": false,
                "supports_inline_queries": false, "has_main_web_app": false
            })
        } else if method == "getuserprofilephotos" {
            let user = params["user_id"].as_i64().unwrap_or_default();
            let photos = self
                .files
                .lock()
                .expect("files")
                .profile_photos
                .get(&user)
                .cloned()
                .unwrap_or_default();
            let sizes: Vec<serde_json::Value> = photos
                .iter()
                .map(|id| {
                    serde_json::json!([{"file_id": id, "file_unique_id": format!("u-{id}"),
                    "width": 640, "height": 640, "file_size": 1000}])
                })
                .collect();
            serde_json::json!({"total_count": sizes.len(), "photos": sizes})
        } else if method.starts_with("send") || method.starts_with("edit") {
            message(params["text"].as_str().unwrap_or("ok"))
        } else {
            serde_json::json!(true)
        }
    }
}

impl FakeBotApi {
    pub fn start() -> FakeBotApi {
        use actix_web::{web, App, HttpRequest, HttpServer};
        let api = FakeBotApi {
            url: String::new(),
            calls: Arc::default(),
            uploads: Arc::default(),
            requests: Arc::default(),
            pending_updates: Arc::default(),
            script: Arc::default(),
            files: Arc::default(),
        };
        let handles = Handles {
            calls: api.calls.clone(),
            uploads: api.uploads.clone(),
            requests: api.requests.clone(),
            pending: api.pending_updates.clone(),
            script: api.script.clone(),
            next_message_id: Arc::new(std::sync::atomic::AtomicI64::new(100)),
            files: api.files.clone(),
        };
        let port = super::serve_in_background(move |listener| {
            HttpServer::new(move || {
                let handles = handles.clone();
                App::new()
                    .app_data(web::PayloadConfig::new(64 * 1024 * 1024))
                    .default_service(web::to(move |req: HttpRequest, body: web::Bytes| {
                        handles.clone().answer(req, body)
                    }))
            })
            .workers(2)
            .listen(listener)
            .expect("listen on loopback")
            .run()
        });
        FakeBotApi {
            url: format!("http://127.0.0.1:{port}"),
            ..api
        }
    }

    /// A file `getFile` knows (reporting `reported_size`) and `/file/…/<path>` serves.
    pub fn add_file(&self, file_id: &str, path: &str, bytes: Vec<u8>, reported_size: u64) {
        let entry = (path.to_string(), reported_size, bytes);
        self.files
            .lock()
            .expect("files")
            .by_id
            .insert(file_id.to_string(), entry);
    }

    /// The user's profile photos (newest first), as `getUserProfilePhotos` lists them.
    pub fn set_profile_photos(&self, user: i64, file_ids: &[&str]) {
        let ids = file_ids.iter().map(|id| id.to_string()).collect();
        self.files
            .lock()
            .expect("files")
            .profile_photos
            .insert(user, ids);
    }

    /// The file paths downloaded so far.
    pub fn downloads(&self) -> Vec<String> {
        self.files.lock().expect("files").downloads.clone()
    }

    pub fn queue_update(&self, update: &str) {
        let update = serde_json::from_str(update).expect("update JSON");
        self.pending_updates.lock().expect("updates").push(update);
    }

    /// The next call of `method` gets `answer` instead of success.
    pub fn script(&self, method: &str, answer: BotAnswer) {
        self.script
            .lock()
            .expect("script")
            .entry(method.to_ascii_lowercase())
            .or_default()
            .push_back(answer);
    }

    /// Calls of one Bot API method answered `ok` (names are case-insensitive; teloxide sends
    /// `SendMessage`).
    pub fn calls_to(&self, method: &str) -> Vec<serde_json::Value> {
        self.calls
            .lock()
            .expect("calls")
            .iter()
            .filter(|(m, _)| m.eq_ignore_ascii_case(method))
            .map(|(_, p)| p.clone())
            .collect()
    }

    /// The first style keyboard sent to `chat`: the button data of its first button (which
    /// names the workflow) once it has arrived.
    pub async fn style_offer_in(&self, chat: i64) -> String {
        let offer = eventually("a style keyboard", Duration::from_secs(30), || async {
            self.calls_to("sendMessage")
                .into_iter()
                .find(|m| m["chat_id"] == chat && m["reply_markup"].to_string().contains("style:"))
        })
        .await;
        offer["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
            .as_str()
            .expect("button data")
            .to_string()
    }

    /// Every request of one method, however answered.
    pub fn requests_to(&self, method: &str) -> Vec<BotRequest> {
        self.requests
            .lock()
            .expect("requests")
            .iter()
            .filter(|r| r.method.eq_ignore_ascii_case(method))
            .cloned()
            .collect()
    }

    /// Files uploaded with `method`, in order.
    pub fn uploads_to(&self, method: &str) -> Vec<(String, Vec<u8>)> {
        self.uploads
            .lock()
            .expect("uploads")
            .iter()
            .filter(|upload| upload.method.eq_ignore_ascii_case(method))
            .map(|upload| (upload.name.clone(), upload.bytes.clone()))
            .collect()
    }
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    haystack
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| i + from)
}

/// A Bot API call's parameters — JSON, or multipart/form-data (teloxide sends calls that may
/// carry files that way), each field's value read as JSON where it is JSON — and its files
/// (file name, bytes).
fn bot_api_params(body: &[u8]) -> (serde_json::Value, Vec<(String, Vec<u8>)>) {
    if let Ok(json) = serde_json::from_slice(body) {
        return (json, Vec::new());
    }
    let mut params = serde_json::Map::new();
    let mut files = Vec::new();
    let Some(line_end) = find(body, b"\r\n", 0) else {
        return (serde_json::Value::Null, files);
    };
    let boundary = body[..line_end].to_vec();
    let mut at = 0;
    while let Some(start) = find(body, &boundary, at) {
        let part_start = start + boundary.len();
        let part_end = find(body, &boundary, part_start).unwrap_or(body.len());
        at = part_end;
        let part = &body[part_start..part_end];
        let Some(head_end) = find(part, b"\r\n\r\n", 0) else {
            continue;
        };
        let head = String::from_utf8_lossy(&part[..head_end]);
        let mut value = &part[head_end + 4..];
        if value.ends_with(b"\r\n") {
            value = &value[..value.len() - 2];
        }
        let attribute = |key: &str| {
            head.split(&format!("{key}=\""))
                .nth(1)
                .and_then(|rest| rest.split('"').next())
                .map(str::to_string)
        };
        let Some(name) = attribute("name") else {
            continue;
        };
        if let Some(file_name) = attribute("filename") {
            files.push((file_name, value.to_vec()));
            continue;
        }
        let text = String::from_utf8_lossy(value);
        params.insert(
            name,
            serde_json::from_str(&text).unwrap_or_else(|_| text.into_owned().into()),
        );
    }
    (serde_json::Value::Object(params), files)
}
