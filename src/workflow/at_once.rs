//! A carousel made at once, with no workflow row to resume from: the `carousel` command. The
//! same steps as the bot's workflow ([`Steps`]), without the store in between them and without
//! the outbox after them: the caller writes the images where it wants them.
use super::steps::{Drawing, Steps};
use crate::app::error::AppResult;
use crate::domain::WorkflowState;
use crate::messages::carousel::{CarouselOutput, GenerateCarousel};
use crate::messages::data::SaveCarousel;
use crate::messages::workflow::{Completed, Started, WorkflowKind};
use crate::messages::Envelope;
use std::time::Instant;

/// Writes, draws and records the carousel `env` asks for; analytics hears it started, each step
/// and how it ended, as for a workflow.
pub async fn make(
    steps: &Steps<'_>,
    env: &Envelope<GenerateCarousel>,
) -> AppResult<CarouselOutput> {
    let workflow_id = env.payload.request_id;
    let links = steps.links;
    let _ = links.started.tell(env.caused(
        "orchestrator",
        Started {
            workflow_id,
            kind: WorkflowKind::Carousel,
        },
    ));
    let result = run(steps, env).await;
    let (outcome, reason) = match &result {
        Ok(_) => (WorkflowState::Done, None),
        Err(e) => (WorkflowState::Failed, Some(e.to_string())),
    };
    let _ = links.completed.tell(env.caused(
        "orchestrator",
        Completed {
            workflow_id,
            outcome,
            reason,
        },
    ));
    result
}

async fn run(steps: &Steps<'_>, env: &Envelope<GenerateCarousel>) -> AppResult<CarouselOutput> {
    let request = &env.payload;
    let spec = &request.spec;
    let started = Instant::now();
    let written = steps
        .write(
            env,
            request.request_id,
            (spec.lang, spec.content),
            &spec.topic,
            spec.slides,
        )
        .await?;
    let writing_ms = steps.done(env, request.request_id, WorkflowState::Writing, started);

    let started = Instant::now();
    let drawing = Drawing {
        request_id: request.request_id,
        style: spec.style,
        size: spec.size,
        format: spec.format,
        handle: spec.handle.clone(),
        brand: None,
    };
    let drawn = steps
        .draw(env, &drawing, &written.slides, spec.pdf, None)
        .await?;
    let rendering_ms = steps.done(env, request.request_id, WorkflowState::Rendering, started);

    steps
        .record(
            env,
            SaveCarousel {
                request_id: request.request_id,
                user_id: request.user_id,
                topic: spec.topic.clone(),
                slides: written.slides.len(),
                style: spec.style,
                content_source: written.origin,
            },
        )
        .await;
    Ok(CarouselOutput {
        request_id: request.request_id,
        slides: written.slides,
        post: written.post,
        content_source: written.origin,
        images: drawn.images,
        pdf: drawn.pdf,
        writing_ms,
        rendering_ms,
    })
}
