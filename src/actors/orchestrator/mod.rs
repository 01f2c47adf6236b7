//! `orchestrator`: routes commands and runs the carousel workflows: the durable one behind
//! `/carousel` ([`Workflows`]) and the in-memory one behind the `carousel` CLI command.
mod workflows;
pub use workflows::{WorkflowMaterials, Workflows};

use crate::actors::Link;
use crate::app::error::AppError;
use crate::domain::WorkflowState;
use crate::messages::ai::{ContentKind, WriteContent, WrittenBody};
use crate::messages::carousel::{CarouselOutput, GenerateCarousel, RenderSlides};
use crate::messages::data::{LoadCarousel, LoadHistory, LoadSettings, SaveCarousel, SaveSettings};
use crate::messages::telegram::{CallbackPressed, ExecuteCommand};
use crate::messages::workflow::{
    Completed, EventRouted, ResumeWorkflows, Started, StepCompleted, WorkflowKind,
};
use crate::messages::{Ack, Envelope, Event, Handling};
use crate::service_actor;
use crate::supervisors::{supervised, ServiceHandle};
use crate::telegram::commands::Command;
use actix::{Handler, ResponseFuture};
use std::sync::Arc;
use std::time::Instant;
use tracing::Instrument;

#[derive(Clone)]
pub struct OrchestratorLinks {
    pub writer: Link<WriteContent>,
    pub renderer: Link<RenderSlides>,
    pub saved: Link<SaveCarousel>,
    pub user_data: UserData,
    pub started: Link<Started>,
    pub steps: Link<StepCompleted>,
    pub completed: Link<Completed>,
    pub routed: Link<EventRouted>,
}

/// The data service's side of a user the workflows read and change: settings and history live
/// there, and are reached only through it.
#[derive(Clone)]
pub struct UserData {
    pub settings: Link<LoadSettings>,
    pub save_settings: Link<SaveSettings>,
    pub history: Link<LoadHistory>,
    pub carousel: Link<LoadCarousel>,
}

pub struct OrchestratorActor {
    service: ServiceHandle,
    links: OrchestratorLinks,
    /// The durable workflows; their state lives in the store and their runners are tasks of
    /// their own, so a restart of this actor loses none of them.
    workflows: Option<Arc<Workflows>>,
}

impl OrchestratorActor {
    pub fn new(service: ServiceHandle, links: OrchestratorLinks) -> Self {
        OrchestratorActor {
            service,
            links,
            workflows: None,
        }
    }

    pub fn with_workflows(mut self, workflows: Arc<Workflows>) -> Self {
        self.workflows = Some(workflows);
        self
    }

    fn rebuild(&mut self) {}

    fn engine(&self) -> Result<Arc<Workflows>, AppError> {
        self.workflows
            .clone()
            .ok_or_else(|| AppError::ActorUnavailable {
                actor: "orchestrator",
                reason: "started without its workflow store".into(),
            })
    }
}

service_actor!(OrchestratorActor);

/// Which service does a command's work (the start, help and id answers, and the hint for an
/// unknown one, come from the gateway).
pub fn route_of(command: Option<&Command>) -> &'static str {
    match command {
        Some(Command::Carousel(_) | Command::Cancel) => "orchestrator",
        Some(Command::Ask(_) | Command::Wisdom) => "ai",
        // The orchestrator answers these, reading and saving through the data service.
        Some(Command::History | Command::Settings) => "orchestrator",
        Some(Command::Start | Command::Help | Command::Myid) | None => "gateway",
    }
}

impl Handler<Envelope<ExecuteCommand>> for OrchestratorActor {
    type Result = ResponseFuture<Ack>;

    fn handle(&mut self, env: Envelope<ExecuteCommand>, _: &mut Self::Context) -> Self::Result {
        let routed = self.links.routed.clone();
        let workflows = self.workflows.clone();
        let handling = env.handling();
        supervised(self, handling, async move {
            let span = tracing::info_span!(
                "command",
                correlation_id = %env.correlation_id,
                command = %env.payload.command
            );
            async move {
                let command = Command::from_parts(&env.payload.command, &env.payload.args);
                let to = route_of(command.as_ref());
                tracing::info!(to, "command routed");
                tracing::debug!(args = %env.payload.args, "command arguments");
                routed.tell(env.caused(
                    "orchestrator",
                    EventRouted {
                        event_type: ExecuteCommand::KIND.to_string(),
                        to: to.to_string(),
                    },
                ))?;
                match workflows {
                    Some(workflows) => workflows.command(env).await,
                    None => Ok(()),
                }
            }
            .instrument(span)
            .await
        })
    }
}

impl Handler<Envelope<CallbackPressed>> for OrchestratorActor {
    type Result = ResponseFuture<Ack>;

    fn handle(&mut self, env: Envelope<CallbackPressed>, _: &mut Self::Context) -> Self::Result {
        let workflows = self.engine();
        let handling = env.handling();
        supervised(self, handling, async move {
            let span = tracing::info_span!(
                "button",
                correlation_id = %env.correlation_id,
                data = %env.payload.data
            );
            async move { workflows?.callback(env).await }
                .instrument(span)
                .await
        })
    }
}

impl Handler<ResumeWorkflows> for OrchestratorActor {
    type Result = ResponseFuture<Result<usize, AppError>>;

    fn handle(&mut self, _: ResumeWorkflows, _: &mut Self::Context) -> Self::Result {
        let workflows = self.engine();
        supervised(
            self,
            Handling::untraced(ResumeWorkflows::NAME),
            async move { workflows?.resume().await },
        )
    }
}

impl Handler<Envelope<GenerateCarousel>> for OrchestratorActor {
    type Result = ResponseFuture<Result<CarouselOutput, AppError>>;

    fn handle(&mut self, env: Envelope<GenerateCarousel>, _: &mut Self::Context) -> Self::Result {
        let links = self.links.clone();
        let handling = env.handling();
        supervised(self, handling, async move {
            let span = tracing::info_span!("carousel", correlation_id = %env.correlation_id, request_id = %env.payload.request_id);
            async move {
                let workflow_id = env.payload.request_id;
                let _ = links.started.tell(env.caused(
                    "orchestrator",
                    Started {
                        workflow_id,
                        kind: WorkflowKind::Carousel,
                    },
                ));
                let result = run_carousel(&links, &env).await;
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
            .instrument(span)
            .await
        })
    }
}

async fn run_carousel(
    links: &OrchestratorLinks,
    env: &Envelope<GenerateCarousel>,
) -> Result<CarouselOutput, AppError> {
    let request = &env.payload;
    let spec = &request.spec;
    let writing = Instant::now();
    let written = links
        .writer
        .ask(env.caused(
            "orchestrator",
            WriteContent {
                request_id: request.request_id,
                lang: spec.lang,
                kind: ContentKind::Carousel {
                    topic: spec.topic.clone(),
                    slides: spec.slides,
                },
            },
        ))
        .await??;
    let WrittenBody::Slides(slides) = written.body else {
        return Err(AppError::internal(
            "writing slides",
            "the writer answered text instead of slides",
        ));
    };
    let writing_ms = step_completed(links, env, WorkflowState::Writing, writing);

    let rendering = Instant::now();
    let rendered = links
        .renderer
        .ask(env.caused(
            "orchestrator",
            RenderSlides {
                request_id: request.request_id,
                slides: slides.clone(),
                style: spec.style,
                size: spec.size,
                format: spec.format,
                pdf: spec.pdf,
                only: None,
                handle: spec.handle.clone(),
            },
        ))
        .await??;
    let rendering_ms = step_completed(links, env, WorkflowState::Rendering, rendering);

    let saved = links
        .saved
        .ask(env.caused(
            "orchestrator",
            SaveCarousel {
                request_id: request.request_id,
                user_id: request.user_id,
                topic: spec.topic.clone(),
                slides: slides.len(),
                style: spec.style,
                content_source: written.source,
            },
        ))
        .await;
    if let Err(e) = saved.and_then(|inner| inner) {
        // The images exist; losing the history row must not lose the carousel.
        tracing::warn!(error = %e, "carousel rendered but not recorded in history");
    }
    Ok(CarouselOutput {
        request_id: request.request_id,
        slides,
        content_source: written.source,
        images: rendered.images,
        pdf: rendered.pdf,
        writing_ms,
        rendering_ms,
    })
}

/// Tells analytics that `step` of the request finished; answers how long it took (ms).
fn step_completed(
    links: &OrchestratorLinks,
    env: &Envelope<GenerateCarousel>,
    step: WorkflowState,
    started: Instant,
) -> u64 {
    let elapsed_ms = elapsed_ms(started);
    let _ = links.steps.tell(env.caused(
        "orchestrator",
        StepCompleted {
            workflow_id: env.payload.request_id,
            step,
            elapsed_ms,
        },
    ));
    elapsed_ms
}

fn elapsed_ms(since: Instant) -> u64 {
    u64::try_from(since.elapsed().as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{ImageFormat, Lang, Slide, SlideKind, SlideSize, Style};
    use crate::messages::ai::WrittenContent;
    use crate::messages::carousel::{CarouselSpec, RenderedCarousel, RenderedImage};
    use crate::testkit::{ack_probe, probe};
    use actix::Actor;

    fn slides(n: usize) -> Vec<Slide> {
        (0..n)
            .map(|i| Slide {
                kind: if i == 0 {
                    SlideKind::Title
                } else {
                    SlideKind::Idea
                },
                title: format!("✨ Slide {i}"),
                body: "Body".into(),
            })
            .collect()
    }

    fn request() -> Envelope<GenerateCarousel> {
        Envelope::new(
            "test",
            GenerateCarousel {
                request_id: uuid::Uuid::now_v7(),
                user_id: Some(7),
                spec: CarouselSpec {
                    topic: "Faith and code".into(),
                    slides: 4,
                    lang: Lang::En,
                    style: Style::Minimal,
                    size: SlideSize::Square,
                    format: ImageFormat::Png,
                    pdf: false,
                    handle: None,
                },
            },
        )
    }

    struct Probes {
        links: OrchestratorLinks,
        saved: crate::testkit::Seen<SaveCarousel>,
        completed: crate::testkit::Seen<Completed>,
        renderer: crate::testkit::Seen<RenderSlides>,
        _keep: Vec<Box<dyn std::any::Any>>,
    }

    fn probes(render_fails: bool) -> Probes {
        let (writer, _w, a1) = probe::<WriteContent>(|req| {
            let ContentKind::Carousel { slides: n, .. } = &req.kind else {
                panic!("carousel expected")
            };
            Ok(WrittenContent {
                body: WrittenBody::Slides(slides(*n)),
                source: crate::domain::ContentOrigin::Model,
                attempts: 1,
            })
        });
        let (renderer, seen_renderer, a2) = probe::<RenderSlides>(move |req| {
            if render_fails {
                return Err(AppError::internal("rendering", "out of ink"));
            }
            Ok(RenderedCarousel {
                images: req
                    .slides
                    .iter()
                    .enumerate()
                    .map(|(i, _)| RenderedImage {
                        file_name: format!("slide-{:02}.png", i + 1),
                        mime: "image/png",
                        width: 1080,
                        height: 1080,
                        bytes: vec![1, 2, 3],
                    })
                    .collect(),
                pdf: None,
            })
        });
        let (saved, seen_saved, a3) = ack_probe::<SaveCarousel>();
        let (started, _s, a4) = ack_probe::<Started>();
        let (steps, _st, a5) = ack_probe::<StepCompleted>();
        let (completed, seen_completed, a6) = ack_probe::<Completed>();
        let (routed, _r, a7) = ack_probe::<EventRouted>();
        let (user_data, a8) = user_data_probes();
        Probes {
            links: OrchestratorLinks {
                writer,
                renderer,
                saved,
                user_data,
                started,
                steps,
                completed,
                routed,
            },
            saved: seen_saved,
            completed: seen_completed,
            renderer: seen_renderer,
            _keep: vec![
                Box::new(a1),
                Box::new(a2),
                Box::new(a3),
                Box::new(a4),
                Box::new(a5),
                Box::new(a6),
                Box::new(a7),
                a8,
            ],
        }
    }

    /// A data service that knows nobody: default settings, no history.
    fn user_data_probes() -> (UserData, Box<dyn std::any::Any>) {
        let (settings, _s, a1) = probe::<LoadSettings>(|q| {
            Ok(crate::domain::UserSettings::defaults_for(
                q.user_id,
                crate::store::now_utc(),
            ))
        });
        let (save_settings, _ss, a2) = ack_probe::<SaveSettings>();
        let (history, _h, a3) = probe::<LoadHistory>(|_| Ok(Vec::new()));
        let (carousel, _c, a4) = probe::<LoadCarousel>(|_| Ok(None));
        let data = UserData {
            settings,
            save_settings,
            history,
            carousel,
        };
        (data, Box::new((a1, a2, a3, a4)))
    }

    #[actix_rt::test]
    async fn a_carousel_request_is_written_rendered_saved_and_returned() {
        let p = probes(false);
        let orchestrator =
            OrchestratorActor::new(ServiceHandle::detached("orchestrator"), p.links.clone())
                .start();
        let env = request();
        let correlation = env.correlation_id;

        let output = orchestrator
            .send(env)
            .await
            .expect("mailbox")
            .expect("carousel");

        assert_eq!(output.slides.len(), 4);
        assert_eq!(output.images.len(), 4);
        assert_eq!(output.content_source, crate::domain::ContentOrigin::Model);
        let render = &p.renderer.all()[0];
        assert_eq!(
            (render.payload.style, render.payload.size),
            (Style::Minimal, SlideSize::Square)
        );
        assert_eq!(render.correlation_id, correlation);
        assert_eq!(p.saved.payloads()[0].topic, "Faith and code");
        assert_eq!(p.completed.payloads()[0].outcome, WorkflowState::Done);
        assert_eq!(p.completed.payloads()[0].reason, None);
    }

    #[actix_rt::test]
    async fn a_failed_render_fails_the_request_and_the_workflow_says_so() {
        let p = probes(true);
        let orchestrator =
            OrchestratorActor::new(ServiceHandle::detached("orchestrator"), p.links.clone())
                .start();

        let err = orchestrator
            .send(request())
            .await
            .expect("mailbox")
            .expect_err("must fail");

        assert!(err.to_string().contains("out of ink"), "{err}");
        assert_eq!(p.saved.count(), 0, "nothing half-made is recorded");
        let completed = &p.completed.payloads()[0];
        assert_eq!(completed.outcome, WorkflowState::Failed);
        assert!(
            completed
                .reason
                .as_deref()
                .is_some_and(|r| r.contains("out of ink")),
            "{completed:?}"
        );
    }

    #[test]
    fn commands_are_routed_to_the_service_that_owns_them() {
        let route = |name: &str| route_of(Command::from_parts(name, "").as_ref());
        assert_eq!(route("carousel"), "orchestrator");
        assert_eq!(route("ask"), "ai");
        assert_eq!(route("history"), "orchestrator");
        assert_eq!(route("start"), "gateway");
        assert_eq!(route("frobnicate"), "gateway");
    }
}
