//! The Telegram Mini App editor: static files under `/app/` (built into the binary) and its
//! JSON API under `/app/api/`, where every call carries `Authorization: tma <initData>`
//! (checked in `auth.rs`) and may touch only the caller's own drafts. No cookies: the signed
//! initData is the session, so there is nothing to steal from the page's origin.
pub mod api;
pub mod assets;
pub mod auth;
pub mod brand;

use crate::app::config::{MiniAppSettings, RenderSettings};
use crate::resilience::capacity::Gate;

use crate::workflow::engine::Workflows;
use secrecy::SecretString;
use std::num::NonZeroU32;
use std::sync::Arc;

/// What the editor's handlers share.
pub struct MiniApp {
    pub(crate) workflows: Arc<Workflows>,
    /// Signs every initData; none: the API answers 503 (the files are still served).
    pub(crate) bot_token: Option<SecretString>,
    pub(crate) settings: MiniAppSettings,
    /// The footer an operator fixed for every slide (`render.handle`), as the renderer has it.
    pub(crate) render: RenderSettings,
    /// Previews per user: the editor asks as the user types.
    pub(crate) previews: governor::DefaultKeyedRateLimiter<i64>,
    /// The process-wide cap on renders in flight, which previews share with carousels.
    pub(crate) render_gate: Arc<Gate>,
}

/// Users whose preview budgets are kept before the idle ones are forgotten.
const PREVIEW_USERS_KEPT: usize = 10_000;

impl MiniApp {
    pub fn new(
        workflows: Arc<Workflows>,
        bot_token: Option<SecretString>,
        settings: MiniAppSettings,
        render: RenderSettings,
        render_gate: Arc<Gate>,
    ) -> MiniApp {
        let per_minute =
            NonZeroU32::new(settings.previews_per_minute.max(1)).unwrap_or(NonZeroU32::MIN);
        // A burst of a few lets the first look at every slide come at once.
        let burst =
            NonZeroU32::new(settings.previews_per_minute.clamp(1, 10)).unwrap_or(NonZeroU32::MIN);
        let quota = governor::Quota::per_minute(per_minute).allow_burst(burst);
        MiniApp {
            workflows,
            bot_token,
            settings,
            render,
            previews: governor::RateLimiter::keyed(quota),
            render_gate,
        }
    }

    /// Takes one preview from `user`'s budget; the wait until the next one when it is spent.
    pub(crate) fn take_preview(&self, user: i64) -> Result<(), std::time::Duration> {
        if self.previews.len() > PREVIEW_USERS_KEPT {
            self.previews.retain_recent();
        }
        self.previews.check_key(&user).map_err(|not_until| {
            not_until.wait_time_from(governor::clock::Clock::now(
                &governor::clock::DefaultClock::default(),
            ))
        })
    }
}

/// The editor's routes, mounted by the HTTP front.
pub fn routes(cfg: &mut actix_web::web::ServiceConfig) {
    use actix_web::web;
    cfg.service(
        web::scope("/app")
            .service(
                web::scope("/api")
                    .wrap(
                        actix_web::middleware::DefaultHeaders::new()
                            .add(("Cache-Control", "no-store"))
                            .add(("X-Content-Type-Options", "nosniff")),
                    )
                    .route("/session", web::get().to(api::session))
                    .route("/drafts/{id}", web::get().to(api::get_draft))
                    .route("/drafts/{id}", web::put().to(api::put_draft))
                    .route("/drafts/{id}/preview", web::post().to(api::preview))
                    .route(
                        "/drafts/{id}/slides/{index}/regenerate",
                        web::post().to(api::regenerate),
                    )
                    .route("/drafts/{id}/send", web::post().to(api::send))
                    .route("/brand", web::get().to(brand::get_brand))
                    .route("/brand", web::put().to(brand::put_brand))
                    .route("/brand/{kind}", web::get().to(brand::brand_image))
                    .default_service(web::to(api::not_found)),
            )
            .route("", web::get().to(assets::redirect_to_index))
            .route("/", web::get().to(assets::index))
            .route("/{file}", web::get().to(assets::file)),
    );
}
