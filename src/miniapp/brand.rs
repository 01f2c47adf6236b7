//! The brand kit's JSON API (`/app/api/brand`): the caller's own kit only (the signed initData
//! names them, so there is no one else's to ask for), saved with a version like a draft.
#![allow(clippy::result_large_err)]
use super::api::{authenticate, either, fail, parse_body, ApiError, ApiResult};
use super::MiniApp;
use crate::domain::{
    AssetId, AssetKind, BrandError, BrandKit, FontPairing, Lang, MAX_BRAND_HANDLE_CHARS,
    MAX_BRAND_NAME_CHARS,
};
use crate::i18n::{text_with, Value};
use crate::store::{Brands, KitEdit, KitSave};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

/// A kit as the editor shows it.
fn view_of(kit: &BrandKit) -> serde_json::Value {
    let pairings: Vec<_> = FontPairing::ALL
        .iter()
        .map(|f| serde_json::json!({"id": f, "name": f.display_name()}))
        .collect();
    serde_json::json!({
        "version": kit.version,
        "handle": kit.handle,
        "name": kit.name,
        "accent": kit.accent.map(|a| a.hex()),
        "fonts": kit.fonts,
        "font_pairings": pairings,
        "avatar": kit.avatar.is_some(),
        "logo": kit.logo.is_some(),
        "limits": {"handle_chars": MAX_BRAND_HANDLE_CHARS, "name_chars": MAX_BRAND_NAME_CHARS},
    })
}

/// The store's kits; the API answers 503 on an engine built without them.
fn brands_of(app: &MiniApp, lang: Lang) -> Result<&Brands, HttpResponse> {
    app.workflows.brands().ok_or_else(|| {
        fail(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "not_configured",
            lang,
        ))
    })
}

/// The caller's kit: saved, or the default made from their Telegram profile.
async fn kit_of(
    brands: &Brands,
    user: &super::auth::WebAppUser,
    lang: Lang,
) -> Result<BrandKit, HttpResponse> {
    let saved = brands
        .kit(user.id)
        .await
        .map_err(|e| fail(ApiError::internal(&e, lang)))?;
    Ok(saved.unwrap_or_else(|| default_kit(user)))
}

fn default_kit(user: &super::auth::WebAppUser) -> BrandKit {
    BrandKit::default_for(user.username.as_deref(), Some(user.first_name.as_str()))
}

/// `GET /app/api/brand`
pub async fn get_brand(app: web::Data<MiniApp>, req: HttpRequest) -> HttpResponse {
    either(
        async {
            let user = authenticate(&app, &req)?;
            let lang = Lang::from_language_code(user.language_code.as_deref());
            let kit = kit_of(brands_of(&app, lang)?, &user, lang).await?;
            Ok(HttpResponse::Ok().json(view_of(&kit)))
        }
        .await,
    )
}

#[derive(Debug, Deserialize)]
struct KitBody {
    version: i64,
    #[serde(default)]
    handle: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    accent: Option<String>,
    fonts: String,
    #[serde(default)]
    clear_avatar: bool,
    #[serde(default)]
    clear_logo: bool,
}

/// A refused field: 422 naming it, saying what is allowed.
fn invalid(lang: Lang, why: &BrandError) -> HttpResponse {
    let mut error = ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", lang);
    let max = |field| match field {
        "name" => MAX_BRAND_NAME_CHARS,
        _ => MAX_BRAND_HANDLE_CHARS,
    };
    error.message = match why {
        BrandError::Accent(_) => crate::i18n::text(lang, "miniapp-error-invalid-accent"),
        BrandError::Fonts(_) => crate::i18n::text(lang, "miniapp-error-invalid"),
        BrandError::TooLong { field, .. } | BrandError::Control { field } => text_with(
            lang,
            "miniapp-error-invalid-brand-text",
            &[("max", Value::from(max(*field)))],
        ),
    };
    error.field = Some(why.field().to_string());
    fail(error)
}

fn checked_edit(body: KitBody, lang: Lang) -> Result<KitEdit, HttpResponse> {
    let refuse = |why: BrandError| invalid(lang, &why);
    Ok(KitEdit {
        handle: BrandKit::checked_handle(&body.handle).map_err(refuse)?,
        name: BrandKit::checked_name(&body.name).map_err(refuse)?,
        accent: super::api::checked_accent(body.accent.as_deref(), lang)?,
        fonts: FontPairing::parse(&body.fonts).map_err(refuse)?,
        clear_avatar: body.clear_avatar,
        clear_logo: body.clear_logo,
    })
}

/// `PUT /app/api/brand`: the whole kit, saved when `version` is the latest (0: never saved).
pub async fn put_brand(
    app: web::Data<MiniApp>,
    req: HttpRequest,
    body: web::Bytes,
) -> HttpResponse {
    either(
        async {
            let user = authenticate(&app, &req)?;
            let lang = Lang::from_language_code(user.language_code.as_deref());
            let brands = brands_of(&app, lang)?;
            let asked: KitBody = parse_body(&body, lang)?;
            let seen = asked.version;
            let edit = checked_edit(asked, lang)?;
            let default = default_kit(&user);
            match brands.save(user.id, &edit, seen, &default).await {
                Ok(KitSave::Saved(kit)) => Ok(HttpResponse::Ok().json(view_of(&kit))),
                Ok(KitSave::Stale(current)) => {
                    let mut error = ApiError::new(StatusCode::CONFLICT, "brand_stale", lang);
                    error.brand = Some(view_of(&current.unwrap_or(default)));
                    Err(fail(error))
                }
                Err(e) => Err(fail(ApiError::internal(&e, lang))),
            }
        }
        .await,
    )
}

/// `GET /app/api/brand/{avatar|logo}`: the image as kept.
pub async fn brand_image(
    app: web::Data<MiniApp>,
    req: HttpRequest,
    kind: web::Path<String>,
) -> HttpResponse {
    either(image(&app, &req, &kind).await)
}

async fn image(app: &MiniApp, req: &HttpRequest, kind: &str) -> ApiResult {
    let user = authenticate(app, req)?;
    let lang = Lang::from_language_code(user.language_code.as_deref());
    let not_found = || fail(ApiError::new(StatusCode::NOT_FOUND, "not_found", lang));
    let kind: AssetKind = kind.parse().map_err(|_| not_found())?;
    let brands = brands_of(app, lang)?;
    let kit = kit_of(brands, &user, lang).await?;
    let id: Option<AssetId> = match kind {
        AssetKind::Avatar => kit.avatar,
        AssetKind::Logo => kit.logo,
    };
    let id = id.ok_or_else(not_found)?;
    let stored = brands
        .image(user.id, id)
        .await
        .map_err(|e| fail(ApiError::internal(&e, lang)))?
        .ok_or_else(not_found)?;
    // Only the types this bot writes: never a type taken from the upload.
    let mime = match stored.mime.as_str() {
        "image/png" => "image/png",
        _ => "image/jpeg",
    };
    Ok(HttpResponse::Ok().content_type(mime).body(stored.bytes))
}
