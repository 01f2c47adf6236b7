//! The editor's JSON API. Every handler authenticates first (`Authorization: tma <initData>`:
//! forged or expired → 401), then loads the draft and checks it is the caller's (someone
//! else's → 403), then acts. Errors are `{"error": {"code", "message"}}` in the user's language;
//! what the user wrote is never echoed into a log unescaped, and bodies are bounded.
// A refusal here is the response itself, built once and returned at once: boxing it would
// buy nothing.
#![allow(clippy::result_large_err)]
use super::auth::{self, WebAppUser};
use super::MiniApp;
use crate::app::error::AppError;
use crate::domain::post::{self, Post};
use crate::domain::{Lang, Slide, SlideKind, Style, WorkflowId, WorkflowState};
use crate::i18n::{text, text_with};
use crate::render::preview::preview as draw_preview;
use crate::render::RenderOptions;
use crate::store::{now_utc, DraftChange, DraftEdit, DraftMove, Workflow};
use crate::workflow::review::{self, InvalidDraft};
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// The largest request body the editor sends (a whole draft of 20 slides fits in a few KB).
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// The preview's width in pixels: sharp on a phone, a tenth of the full slide's bytes.
pub const PREVIEW_WIDTH: u32 = 540;

/// A refusal, as the editor gets it.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    pub(super) message: String,
    pub(super) field: Option<String>,
    draft: Option<DraftView>,
    /// The brand kit as it is now, after a refused save of it.
    pub(super) brand: Option<serde_json::Value>,
    retry_after: Option<u64>,
}

impl ApiError {
    pub(super) fn new(status: StatusCode, code: &'static str, lang: Lang) -> ApiError {
        ApiError {
            status,
            code,
            message: text(lang, &format!("miniapp-error-{}", code.replace('_', "-"))),
            field: None,
            draft: None,
            brand: None,
            retry_after: None,
        }
    }

    fn unauthorized() -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", Lang::En)
    }

    pub(super) fn internal(error: &AppError, lang: Lang) -> ApiError {
        if error.is_store_outage() {
            return ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", lang);
        }
        tracing::error!(error = %error, "mini app request failed");
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", lang)
    }

    fn response(self) -> HttpResponse {
        let mut body = serde_json::json!({
            "error": {"code": self.code, "message": self.message}
        });
        if let Some(field) = self.field {
            body["error"]["field"] = serde_json::Value::String(field);
        }
        if let Some(draft) = self.draft {
            body["draft"] = serde_json::to_value(draft).unwrap_or_default();
        }
        if let Some(brand) = self.brand {
            body["brand"] = brand;
        }
        let mut response = HttpResponse::build(self.status);
        if let Some(secs) = self.retry_after {
            response.insert_header((header::RETRY_AFTER, secs.to_string()));
        }
        response.json(body)
    }
}

pub(super) type ApiResult = Result<HttpResponse, HttpResponse>;

pub(super) fn fail(error: ApiError) -> HttpResponse {
    error.response()
}

/// The editor's state of one slide.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SlideView {
    pub kind: SlideKind,
    pub title: String,
    #[serde(default)]
    pub body: String,
    /// What a screen reader says for the slide's image.
    #[serde(default)]
    pub alt: String,
}

/// The post as the editor shows and edits it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PostView {
    #[serde(default)]
    pub caption: String,
    #[serde(default)]
    pub hashtags: Vec<String>,
}

/// A draft as the editor shows it.
#[derive(Debug, Clone, Serialize)]
pub struct DraftView {
    pub id: String,
    pub version: i64,
    pub state: WorkflowState,
    pub editable: bool,
    pub topic: String,
    pub lang: Lang,
    pub dir: &'static str,
    pub style: Style,
    /// The draft's own accent (`#rrggbb`); none: the brand kit's, else the style's colours.
    pub accent: Option<String>,
    pub slides: Vec<SlideView>,
    pub post: PostView,
}

/// Whether text in `lang` reads right to left (the page's `dir`).
pub(super) fn dir_of(lang: Lang) -> &'static str {
    match lang {
        Lang::Ar | Lang::Fa => "rtl",
        Lang::Ru | Lang::En | Lang::Uk | Lang::Es | Lang::Pt | Lang::Id | Lang::Tr | Lang::Hi => {
            "ltr"
        }
    }
}

/// The post of a draft: as stored, or, for a draft written before posts, the offline writer's
/// post of its slides (saved with the next edit).
fn post_view(wf: &Workflow, slides: &[Slide]) -> PostView {
    let stored = wf
        .post_json
        .as_deref()
        .and_then(|json| serde_json::from_str::<Post>(json).ok());
    let post = stored.unwrap_or_else(|| {
        let lang = crate::ai::OfflineLang::for_content(wf.content_language(), wf.lang);
        crate::ai::offline::write_post(&wf.topic, slides, lang)
    });
    PostView {
        caption: post.caption().to_string(),
        hashtags: post.hashtags().to_vec(),
    }
}

fn view_of(wf: &Workflow) -> Result<DraftView, AppError> {
    let slides: Vec<Slide> = match &wf.slides_json {
        Some(json) => serde_json::from_str(json)
            .map_err(|e| AppError::internal("reading the written slides", e))?,
        None => Vec::new(),
    };
    let post = post_view(wf, &slides);
    Ok(DraftView {
        id: wf.id.clone(),
        version: wf.draft_version,
        state: wf.state,
        editable: crate::store::draft_is_open(wf, now_utc()),
        topic: wf.topic.clone(),
        lang: wf.lang,
        dir: dir_of(wf.lang),
        style: wf.style.unwrap_or_default(),
        accent: crate::workflow::brand::draft_accent(wf).map(|a| a.hex()),
        slides: slides
            .into_iter()
            .map(|s| SlideView {
                kind: s.kind,
                title: s.title,
                body: s.body,
                alt: s.alt,
            })
            .collect(),
        post,
    })
}

/// The caller, from `Authorization: tma <initData>`.
pub(super) fn authenticate(app: &MiniApp, req: &HttpRequest) -> Result<WebAppUser, HttpResponse> {
    let Some(token) = &app.bot_token else {
        return Err(fail(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "not_configured",
            Lang::En,
        )));
    };
    let init_data = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim_start().split_once(' '))
        .and_then(|(scheme, data)| scheme.eq_ignore_ascii_case("tma").then_some(data.trim()))
        .unwrap_or_default();
    let max_age = i64::try_from(app.settings.init_data_max_age_secs).unwrap_or(i64::MAX);
    let now = chrono::Utc::now().timestamp();
    auth::validate(init_data, token.expose_secret(), now, max_age).map_err(|why| {
        tracing::info!(reason = %why, "mini app call refused");
        fail(ApiError::unauthorized())
    })
}

/// The caller's draft `id`: 404 when there is none, 403 when it is someone else's.
async fn own_draft(app: &MiniApp, user: &WebAppUser, id: &str) -> Result<Workflow, HttpResponse> {
    let lang = Lang::from_language_code(user.language_code.as_deref());
    let not_found = || fail(ApiError::new(StatusCode::NOT_FOUND, "not_found", lang));
    let id = WorkflowId::parse(id).map_err(|_| not_found())?;
    let wf = app
        .workflows
        .draft(id)
        .await
        .map_err(|e| fail(ApiError::internal(&e, lang)))?
        .ok_or_else(not_found)?;
    if wf.user_id != user.id {
        tracing::warn!(workflow_id = %wf.id, "mini app call for someone else's draft refused");
        return Err(fail(ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            lang,
        )));
    }
    Ok(wf)
}

fn draft_response(status: StatusCode, wf: &Workflow) -> ApiResult {
    let view = view_of(wf).map_err(|e| fail(ApiError::internal(&e, wf.lang)))?;
    Ok(HttpResponse::build(status).json(view))
}

/// The draft as it is now, after a refused change (so the editor reloads it).
async fn conflict(app: &MiniApp, wf: &Workflow, code: &'static str) -> HttpResponse {
    let mut error = ApiError::new(StatusCode::CONFLICT, code, wf.lang);
    if let Ok(id) = wf.workflow_id() {
        if let Ok(Some(current)) = app.workflows.draft(id).await {
            error.draft = view_of(&current).ok();
        }
    }
    fail(error)
}

fn invalid(lang: Lang, why: InvalidDraft) -> HttpResponse {
    let mut error = ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", lang);
    let count = |n: usize| crate::i18n::Value::from(n);
    if why.field.ends_with(".alt") {
        error.message = text_with(
            lang,
            "miniapp-error-invalid-alt",
            &[("max", count(post::MAX_ALT_CHARS))],
        );
    }
    error.field = Some(why.field);
    fail(error)
}

/// A refused post: 422 naming `post.caption` or `post.hashtags`, saying what the bound is.
fn invalid_post(lang: Lang, why: &post::PostError) -> HttpResponse {
    let mut error = ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", lang);
    let count = |n: usize| crate::i18n::Value::from(n);
    error.message = match why {
        post::PostError::CaptionTooLong { .. } => text_with(
            lang,
            "miniapp-error-invalid-caption",
            &[("max", count(post::MAX_CAPTION_CHARS))],
        ),
        _ => text_with(
            lang,
            "miniapp-error-invalid-hashtags",
            &[
                ("min", count(post::MIN_HASHTAGS)),
                ("max", count(post::MAX_HASHTAGS)),
                ("chars", count(post::MAX_HASHTAG_CHARS)),
            ],
        ),
    };
    error.field = Some(why.field().to_string());
    fail(error)
}

/// An accent as the editor sends it (`#abc`, `#aabbcc`, or null for none); anything else is a
/// 422 naming `accent`.
pub(super) fn checked_accent(
    given: Option<&str>,
    lang: Lang,
) -> Result<Option<crate::domain::Accent>, HttpResponse> {
    match given.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(given) => crate::domain::Accent::parse(given).map(Some).map_err(|_| {
            let mut error = ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", lang);
            error.message = text(lang, "miniapp-error-invalid-accent");
            error.field = Some("accent".into());
            fail(error)
        }),
    }
}

/// A JSON body of at most [`MAX_BODY_BYTES`]; anything else is a 422 naming the problem.
pub(super) fn parse_body<T: serde::de::DeserializeOwned>(
    body: &[u8],
    lang: Lang,
) -> Result<T, HttpResponse> {
    if body.len() > MAX_BODY_BYTES {
        return Err(fail(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            lang,
        )));
    }
    serde_json::from_slice(body).map_err(|e| {
        // serde's message may quote the input: it goes to the log escaped, not back.
        tracing::info!(error = %e.to_string().escape_debug(), "mini app body refused");
        let mut error = ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", lang);
        error.field = Some("body".into());
        fail(error)
    })
}

pub(super) fn either(result: ApiResult) -> HttpResponse {
    result.unwrap_or_else(|response| response)
}

#[derive(Debug, Deserialize)]
pub struct SessionQuery {
    draft: Option<String>,
}

/// `GET /app/api/session`: who the caller is, their language, the editor's words and bounds.
pub async fn session(
    app: web::Data<MiniApp>,
    req: HttpRequest,
    query: web::Query<SessionQuery>,
) -> HttpResponse {
    either(async {
        let user = authenticate(&app, &req)?;
        let mut lang = Lang::from_language_code(user.language_code.as_deref());
        // The draft was requested in the language the user reads the bot in.
        if let Some(id) = &query.draft {
            if let Ok(wf) = own_draft(&app, &user, id).await {
                lang = wf.lang;
            }
        }
        let styles: Vec<_> = Style::ALL
            .iter()
            .map(|s| serde_json::json!({"id": s, "name": crate::workflow::texts::style_name(lang, *s)}))
            .collect();
        Ok(HttpResponse::Ok().json(serde_json::json!({
            "user": {"id": user.id, "first_name": user.first_name, "username": user.username},
            "lang": lang,
            "dir": dir_of(lang),
            "strings": super::assets::strings(lang),
            "styles": styles,
            "accents": crate::domain::ACCENT_PRESETS.iter().map(|a| a.hex()).collect::<Vec<_>>(),
            "limits": {
                "title_chars": review::MAX_TITLE_CHARS,
                "body_chars": review::MAX_BODY_CHARS,
                "slides_min": review::MIN_DRAFT_SLIDES,
                "slides_max": review::MAX_DRAFT_SLIDES,
                "alt_chars": post::MAX_ALT_CHARS,
                "caption_chars": post::MAX_CAPTION_CHARS,
                "hashtags_min": post::MIN_HASHTAGS,
                "hashtags_max": post::MAX_HASHTAGS,
                "hashtag_chars": post::MAX_HASHTAG_CHARS,
            },
        })))
    }
    .await)
}

/// `GET /app/api/drafts/{id}`
pub async fn get_draft(
    app: web::Data<MiniApp>,
    req: HttpRequest,
    id: web::Path<String>,
) -> HttpResponse {
    either(
        async {
            let user = authenticate(&app, &req)?;
            let wf = own_draft(&app, &user, &id).await?;
            draft_response(StatusCode::OK, &wf)
        }
        .await,
    )
}

#[derive(Debug, Deserialize)]
struct DraftEditBody {
    version: i64,
    style: Option<Style>,
    /// The draft's own accent; none (or null): the kit's, else the style's.
    #[serde(default)]
    accent: Option<String>,
    slides: Vec<SlideView>,
    /// None keeps the post as it is.
    #[serde(default)]
    post: Option<PostView>,
}

/// `PUT /app/api/drafts/{id}`: the whole edited draft, saved when `version` is the latest.
pub async fn put_draft(
    app: web::Data<MiniApp>,
    req: HttpRequest,
    id: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    either(
        async {
            let user = authenticate(&app, &req)?;
            let wf = own_draft(&app, &user, &id).await?;
            let lang = wf.lang;
            let edit: DraftEditBody = parse_body(&body, lang)?;
            let slides: Vec<Slide> = edit
                .slides
                .into_iter()
                .map(|s| Slide {
                    kind: s.kind,
                    title: s.title,
                    body: s.body,
                    alt: s.alt,
                })
                .collect();
            let slides = review::checked_slides(slides).map_err(|why| invalid(lang, why))?;
            let accent = checked_accent(edit.accent.as_deref(), lang)?.map(|a| a.hex());
            let post = edit
                .post
                .map(|p| Post::new(&p.caption, &p.hashtags))
                .transpose()
                .map_err(|why| invalid_post(lang, &why))?;
            let stored = |what: &'static str, e: serde_json::Error| {
                fail(ApiError::internal(&AppError::internal(what, e), lang))
            };
            let json =
                serde_json::to_string(&slides).map_err(|e| stored("storing the slides", e))?;
            let post_json = post
                .map(|p| serde_json::to_string(&p))
                .transpose()
                .map_err(|e| stored("storing the post", e))?;
            let change = DraftChange {
                slides_json: Some(&json),
                post_json: post_json.as_deref(),
                style: edit.style,
                accent: Some(accent.as_deref()),
            };
            let id = wf
                .workflow_id()
                .map_err(|e| fail(ApiError::internal(&e, lang)))?;
            match app
                .workflows
                .edit_draft(id, Some(edit.version), change)
                .await
            {
                Ok(DraftEdit::Saved(_)) => reload(&app, &wf, StatusCode::OK).await,
                Ok(DraftEdit::Stale) => Err(conflict(&app, &wf, "stale").await),
                Ok(DraftEdit::Gone) => Err(conflict(&app, &wf, "closed").await),
                Err(e) => Err(fail(ApiError::internal(&e, lang))),
            }
        }
        .await,
    )
}

async fn reload(app: &MiniApp, wf: &Workflow, status: StatusCode) -> ApiResult {
    let id = wf
        .workflow_id()
        .map_err(|e| fail(ApiError::internal(&e, wf.lang)))?;
    match app.workflows.draft(id).await {
        Ok(Some(current)) => draft_response(status, &current),
        Ok(None) => Err(fail(ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            wf.lang,
        ))),
        Err(e) => Err(fail(ApiError::internal(&e, wf.lang))),
    }
}

#[derive(Debug, Deserialize)]
struct PreviewBody {
    index: usize,
    total: usize,
    slide: SlideView,
    style: Option<Style>,
    /// The accent the editor shows now; none: the draft's kit's, else the style's.
    #[serde(default)]
    accent: Option<String>,
}

/// `POST /app/api/drafts/{id}/preview`: one slide as a small JPEG, `X-Text-Fit` saying whether
/// its text fitted. Bounded by the user's preview rate and the process's render cap.
pub async fn preview(
    app: web::Data<MiniApp>,
    req: HttpRequest,
    id: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    either(
        async {
            let user = authenticate(&app, &req)?;
            let wf = own_draft(&app, &user, &id).await?;
            let lang = wf.lang;
            let asked: PreviewBody = parse_body(&body, lang)?;
            let total = asked.total.clamp(1, review::MAX_DRAFT_SLIDES);
            if asked.index >= total {
                return Err(invalid(
                    lang,
                    InvalidDraft {
                        field: "index".into(),
                        reason: "outside the draft",
                    },
                ));
            }
            if let Err(wait) = app.take_preview(user.id) {
                let mut error = ApiError::new(StatusCode::TOO_MANY_REQUESTS, "rate_limited", lang);
                error.retry_after = Some(wait.as_secs().max(1));
                return Err(fail(error));
            }
            let slide = Slide::new(
                asked.slide.kind,
                crate::workflow::clean_text(&asked.slide.title, review::MAX_TITLE_CHARS)
                    .unwrap_or_default(),
                asked
                    .slide
                    .body
                    .chars()
                    .take(review::MAX_BODY_CHARS)
                    .collect::<String>(),
            );
            let accent = checked_accent(asked.accent.as_deref(), lang)?;
            let drawing =
                crate::workflow::brand::preview_drawing(&wf, accent, app.workflows.brands())
                    .await
                    .map_err(|e| fail(ApiError::internal(&e, lang)))?;
            let look = drawing.brand;
            let mut options = RenderOptions {
                style: asked.style.or(wf.style).unwrap_or_default(),
                size: wf.size,
                format: crate::domain::ImageFormat::Jpeg,
                jpeg_quality: app.render.jpeg_quality,
                handle: if app.render.handle.is_empty() {
                    drawing.handle.unwrap_or_default()
                } else {
                    app.render.handle.clone()
                },
                ..RenderOptions::default()
            };
            let _pass =
                app.render_gate.enter().await.map_err(|_| {
                    fail(ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "busy", lang))
                })?;
            let index = asked.index;
            let drawn = web::block(move || {
                options.brand = crate::actors::carousel::slide_brand(look.as_ref());
                draw_preview(&slide, index, total, &options, PREVIEW_WIDTH)
            })
            .await
            .map_err(|e| {
                fail(ApiError::internal(
                    &AppError::internal("drawing a preview", e),
                    lang,
                ))
            })?
            .map_err(|e| {
                fail(ApiError::internal(
                    &AppError::internal("drawing a preview", e),
                    lang,
                ))
            })?;
            Ok(HttpResponse::Ok()
                .content_type("image/jpeg")
                .insert_header(("X-Text-Fit", drawn.fit.as_str()))
                .body(drawn.jpeg))
        }
        .await,
    )
}

#[derive(Debug, Deserialize)]
struct VersionBody {
    version: i64,
}

/// `POST /app/api/drafts/{id}/slides/{index}/regenerate`: one slide written again by the model.
pub async fn regenerate(
    app: web::Data<MiniApp>,
    req: HttpRequest,
    path: web::Path<(String, usize)>,
    body: web::Bytes,
) -> HttpResponse {
    let (id, index) = path.into_inner();
    either(
        async {
            let user = authenticate(&app, &req)?;
            let wf = own_draft(&app, &user, &id).await?;
            let lang = wf.lang;
            let asked: VersionBody = parse_body(&body, lang)?;
            if !crate::store::draft_is_open(&wf, now_utc()) {
                return Err(conflict(&app, &wf, "closed").await);
            }
            if asked.version != wf.draft_version {
                return Err(conflict(&app, &wf, "stale").await);
            }
            match app
                .workflows
                .regenerate_slide(&wf, asked.version, index)
                .await
            {
                Ok(Ok(DraftEdit::Saved(_))) => reload(&app, &wf, StatusCode::OK).await,
                Ok(Ok(DraftEdit::Stale)) => Err(conflict(&app, &wf, "stale").await),
                Ok(Ok(DraftEdit::Gone)) => Err(conflict(&app, &wf, "closed").await),
                Ok(Err(refusal)) => {
                    let mut error = ApiError::new(StatusCode::TOO_MANY_REQUESTS, "quota", lang);
                    error.message = plain_text(&refusal);
                    Err(fail(error))
                }
                Err(AppError::BadRequest(_)) => Err(invalid(
                    lang,
                    InvalidDraft {
                        field: "index".into(),
                        reason: "outside the draft",
                    },
                )),
                Err(e) => Err(fail(ApiError::internal(&e, lang))),
            }
        }
        .await,
    )
}

/// `POST /app/api/drafts/{id}/send`: the draft as saved under `version` is drawn and sent.
pub async fn send(
    app: web::Data<MiniApp>,
    req: HttpRequest,
    id: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    either(
        async {
            let user = authenticate(&app, &req)?;
            let wf = own_draft(&app, &user, &id).await?;
            let lang = wf.lang;
            let asked: VersionBody = parse_body(&body, lang)?;
            let workflows: Arc<crate::workflow::engine::Workflows> = app.workflows.clone();
            match workflows.send_draft(&wf, asked.version).await {
                Ok(DraftMove::Moved) => reload(&app, &wf, StatusCode::ACCEPTED).await,
                Ok(DraftMove::Stale) => Err(conflict(&app, &wf, "stale").await),
                Ok(DraftMove::Gone) => Err(conflict(&app, &wf, "closed").await),
                Ok(DraftMove::AtLimit) => Err(fail(ApiError::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    "one_at_a_time",
                    lang,
                ))),
                Err(e) => Err(fail(ApiError::internal(&e, lang))),
            }
        }
        .await,
    )
}

/// Anything else under `/app/api/`.
pub async fn not_found() -> HttpResponse {
    fail(ApiError::new(StatusCode::NOT_FOUND, "not_found", Lang::En))
}

/// A reply written for Telegram HTML as plain text (the editor shows it with `textContent`).
fn plain_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quota_reply_loses_its_tags_and_entities_for_the_editor() {
        assert_eq!(
            plain_text("<b>Limit</b> for &lt;today&gt; &amp; more"),
            "Limit for <today> & more"
        );
    }
}
