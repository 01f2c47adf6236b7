//! A carousel's steps: the slides written, drawn, recorded in the history. The durable workflow
//! (`runner.rs`, behind the bot) and the `carousel` command run these same functions; what
//! differs is around them: the runner stores each step's output before the next one and
//! delivers through the outbox, the command writes files.
use super::links::WorkflowLinks;
use super::{render_batches, retry_step, RetryPolicy};
use crate::app::error::{AppError, AppResult};
use crate::domain::{
    ContentLanguage, ContentOrigin, ImageFormat, Lang, Post, Slide, SlideSize, Style, WorkflowState,
};
use crate::messages::ai::{ContentKind, WriteContent, WrittenBody};
use crate::messages::carousel::{BrandLook, RenderSlides, RenderedCarousel};
use crate::messages::data::SaveCarousel;
use crate::messages::workflow::StepCompleted;
use crate::messages::{Envelope, Event};
use crate::observability::metrics::Metrics;
use std::time::Instant;
use uuid::Uuid;

/// How a carousel's slides are drawn: everything the renderer needs beside the slides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drawing {
    pub request_id: Uuid,
    pub style: Style,
    pub size: SlideSize,
    pub format: ImageFormat,
    /// The footer's handle; none: the renderer's default.
    pub handle: Option<String>,
    /// The brand kit's look; none: the style as it is.
    pub brand: Option<BrandLook>,
}

impl Drawing {
    /// The renderer's request for `slides` (all of them, or `only` a range), with a PDF of them
    /// when `pdf` (drawn lossless: a PDF's pages are PNG).
    pub fn request(
        &self,
        slides: Vec<Slide>,
        pdf: bool,
        only: Option<(usize, usize)>,
    ) -> RenderSlides {
        RenderSlides {
            request_id: self.request_id,
            slides,
            style: self.style,
            size: self.size,
            format: if pdf { ImageFormat::Png } else { self.format },
            pdf,
            only,
            handle: self.handle.clone(),
            brand: self.brand.clone(),
        }
    }
}

/// What the writing step made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub slides: Vec<Slide>,
    pub post: Post,
    pub origin: ContentOrigin,
}

/// The steps, over the links to the writer, the renderer and the data service, each retried as
/// `policy` says.
pub struct Steps<'a> {
    pub links: &'a WorkflowLinks,
    pub policy: &'a RetryPolicy,
    pub metrics: Option<&'a Metrics>,
}

impl Steps<'_> {
    /// Writing: the model (or the offline writer) writes `count` slides about `topic` in
    /// `content`, for a reader of `lang`.
    pub async fn write<T: Event>(
        &self,
        cause: &Envelope<T>,
        request_id: Uuid,
        (lang, content): (Lang, ContentLanguage),
        topic: &str,
        count: usize,
    ) -> AppResult<Written> {
        let request = WriteContent {
            request_id,
            lang,
            content,
            kind: ContentKind::Carousel {
                topic: topic.to_string(),
                slides: count,
            },
        };
        let written = retry_step("writing", self.policy, || {
            let env = cause.caused("orchestrator", request.clone());
            let writer = self.links.writer.clone();
            async move { writer.ask(env).await.and_then(|written| written) }
        })
        .await?;
        let WrittenBody::Carousel(carousel) = written.body else {
            return Err(AppError::internal(
                "writing slides",
                "the writer answered text instead of slides",
            ));
        };
        Ok(Written {
            slides: carousel.slides,
            post: carousel.post,
            origin: written.source,
        })
    }

    /// Drawing: every slide, with a PDF of them when `pdf`. With `progress`, a few slides at a
    /// time (as many as there are cores), telling it how many are drawn after each batch.
    pub async fn draw<T: Event>(
        &self,
        cause: &Envelope<T>,
        drawing: &Drawing,
        slides: &[Slide],
        pdf: bool,
        mut progress: Option<&mut dyn FnMut(usize, usize)>,
    ) -> AppResult<RenderedCarousel> {
        let total = slides.len();
        let batches = match progress {
            // A PDF needs every page at once.
            Some(_) if !pdf => {
                let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
                render_batches(total, cores.max(2))
            }
            _ => std::iter::once(0..total).collect(),
        };
        let mut drawn = RenderedCarousel {
            images: Vec::with_capacity(total),
            pdf: None,
        };
        for range in batches {
            let only = (range.len() < total).then_some((range.start, range.end));
            let request = drawing.request(slides.to_vec(), pdf, only);
            let rendered = retry_step("rendering", self.policy, || {
                let env = cause.caused("orchestrator", request.clone());
                let renderer = self.links.renderer.clone();
                async move { renderer.ask(env).await.and_then(|rendered| rendered) }
            })
            .await?;
            drawn.images.extend(rendered.images);
            drawn.pdf = drawn.pdf.or(rendered.pdf);
            if let Some(progress) = progress.as_mut() {
                progress(drawn.images.len(), total);
            }
        }
        Ok(drawn)
    }

    /// The carousel into the user's history. Its images exist by now: a failure to record it is
    /// logged, never the loss of the carousel.
    pub async fn record<T: Event>(&self, cause: &Envelope<T>, carousel: SaveCarousel) {
        let saved = cause.caused("orchestrator", carousel);
        if let Err(e) = self.links.saved.ask(saved).await.and_then(|saved| saved) {
            tracing::warn!(error = %e, "carousel made but not recorded in history");
        }
    }

    /// A step done: timed in `/metrics`, told to analytics; answers how long it took (ms).
    pub fn done<T: Event>(
        &self,
        cause: &Envelope<T>,
        workflow_id: Uuid,
        step: WorkflowState,
        started: Instant,
    ) -> u64 {
        if let Some(metrics) = self.metrics {
            metrics
                .workflow_step_seconds
                .with_label_values(&[step.as_str()])
                .observe(started.elapsed().as_secs_f64());
        }
        let elapsed_ms = crate::observability::metrics::elapsed_ms(started);
        let _ = self.links.steps.tell(cause.caused(
            "orchestrator",
            StepCompleted {
                workflow_id,
                step,
                elapsed_ms,
            },
        ));
        elapsed_ms
    }
}
