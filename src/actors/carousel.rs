//! `carousel`: lays out and renders slides. Rendering is CPU-bound, so it runs on the blocking
//! pool (slides in parallel on rayon) and never on the actor's arbiter.
use crate::actors::link::Link;
use crate::app::error::AppError;
use crate::messages::carousel::BrandLook;
use crate::messages::carousel::{ImagesRendered, RenderSlides, RenderedCarousel, RenderedImage};
use crate::messages::{Envelope, Event};
use crate::render::{render_pdf, render_range, RenderError, RenderOptions, SlideBrand};
use crate::service_actor;
use crate::supervisors::{supervised, ServiceHandle};
use actix::{Handler, ResponseFuture};
use std::time::Instant;

pub struct CarouselActor {
    service: ServiceHandle,
    /// `render.handle`: when set, every slide's footer shows it instead of the requester's name.
    handle: String,
    jpeg_quality: u8,
    rendered: Link<ImagesRendered>,
    /// The process-wide cap on renders in flight; none means no cap (tests of one actor).
    gate: Option<std::sync::Arc<crate::resilience::capacity::Gate>>,
}

impl CarouselActor {
    pub fn new(
        service: ServiceHandle,
        handle: String,
        jpeg_quality: u8,
        rendered: Link<ImagesRendered>,
    ) -> Self {
        CarouselActor {
            service,
            handle,
            jpeg_quality,
            rendered,
            gate: None,
        }
    }

    pub fn with_gate(mut self, gate: std::sync::Arc<crate::resilience::capacity::Gate>) -> Self {
        self.gate = Some(gate);
        self
    }
}

service_actor!(CarouselActor);

/// A kit's look as the renderer draws it, its images decoded (they are the bot's own, checked
/// and resized when kept: at most 512 KB). An image that no longer decodes is left out, logged.
/// CPU work: call it on the blocking pool.
pub fn slide_brand(look: Option<&BrandLook>) -> SlideBrand {
    let Some(look) = look else {
        return SlideBrand::default();
    };
    let decode = |bytes: &Option<std::sync::Arc<[u8]>>| {
        let bytes = bytes.as_ref()?;
        image::load_from_memory(bytes)
            .inspect_err(|e| tracing::warn!(error = %e, "a kept brand image does not decode"))
            .ok()
            .map(|image| std::sync::Arc::new(image.to_rgba8()))
    };
    SlideBrand {
        name: look.name.clone(),
        accent: look.accent.map(|a| a.0),
        fonts: look.fonts,
        avatar: decode(&look.avatar),
        logo: decode(&look.logo),
    }
}

/// Slides the request does not have are bad input; anything else (fonts, encoding) is ours.
fn render_failure(error: RenderError) -> AppError {
    match error {
        RenderError::Empty | RenderError::IndexOutOfRange { .. } => {
            AppError::BadRequest(format!("rendering slides: {error}"))
        }
        other => AppError::internal("rendering slides", other),
    }
}

impl Handler<Envelope<RenderSlides>> for CarouselActor {
    type Result = ResponseFuture<Result<RenderedCarousel, AppError>>;

    fn handle(&mut self, env: Envelope<RenderSlides>, _: &mut Self::Context) -> Self::Result {
        let options = RenderOptions {
            style: env.payload.style,
            size: env.payload.size,
            format: env.payload.format,
            jpeg_quality: self.jpeg_quality,
            handle: if self.handle.is_empty() {
                env.payload.handle.clone().unwrap_or_default()
            } else {
                self.handle.clone()
            },
            brand: SlideBrand::default(),
        };
        let look = env.payload.brand.clone();
        let rendered_outbox = self.rendered.clone();
        let gate = self.gate.clone();
        supervised(self, env.handling(), async move {
            let _place = match &gate {
                Some(gate) => Some(gate.enter().await?),
                None => None,
            };
            let started = Instant::now();
            let slides = env.payload.slides.clone();
            let want_pdf = env.payload.pdf;
            let range = env
                .payload
                .only
                .map_or(0..slides.len(), |(start, end)| start..end);
            let span = tracing::info_span!("render", otel.name = "render carousel");
            let mut options = options;
            let (images, pdf) = tokio::task::spawn_blocking(move || {
                let _in = span.enter();
                options.brand = slide_brand(look.as_ref());
                let images = render_range(&slides, range, &options)?;
                let pdf = if want_pdf {
                    Some(render_pdf(&images)?)
                } else {
                    None
                };
                Ok::<_, RenderError>((images, pdf))
            })
            .await
            // A panic on the blocking pool leaves this actor's state intact: the request fails
            // (and the workflow may retry it) without restarting the actor for everyone.
            .map_err(|e| AppError::ActorFailed {
                actor: "carousel",
                message: RenderSlides::KIND,
                reason: format!("render task failed: {e}"),
            })?
            .map_err(render_failure)?;
            let images: Vec<RenderedImage> = images
                .into_iter()
                .map(|slide| RenderedImage {
                    file_name: slide.file_name(),
                    mime: slide.mime(),
                    width: slide.width,
                    height: slide.height,
                    bytes: slide.bytes,
                })
                .collect();
            let _ = rendered_outbox.tell(env.caused(
                "carousel",
                ImagesRendered {
                    request_id: env.payload.request_id,
                    count: images.len(),
                    bytes_total: images.iter().map(|i| i.bytes.len()).sum(),
                    elapsed_ms: crate::observability::metrics::elapsed_ms(started),
                },
            ));
            Ok(RenderedCarousel { images, pdf })
        })
    }
}
