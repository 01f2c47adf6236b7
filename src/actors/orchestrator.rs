//! `orchestrator`: routes commands and runs the carousel workflows: the durable one behind
//! `/carousel` ([`Workflows`]) and the in-memory one behind the `carousel` CLI command.
pub use crate::workflow::engine::Workflows;
pub use crate::workflow::links::{UserData, WorkflowLinks};

use crate::app::error::AppError;
use crate::messages::carousel::{CarouselOutput, GenerateCarousel};
use crate::messages::telegram::{CallbackPressed, ExecuteCommand};
use crate::messages::workflow::ResumeWorkflows;
use crate::messages::{Ack, Envelope, Handling};
use crate::service_actor;
use crate::supervisors::{supervised, ServiceHandle};
use crate::workflow::steps::Steps;
use crate::workflow::{at_once, RetryPolicy};
use actix::{Handler, ResponseFuture};
use std::sync::Arc;
use tracing::Instrument;

pub struct OrchestratorActor {
    service: ServiceHandle,
    links: WorkflowLinks,
    /// How the steps of a carousel made at once are retried (as a workflow's are).
    policy: RetryPolicy,
    /// The durable workflows; their state lives in the store and their runners are tasks of
    /// their own, so a restart of this actor loses none of them.
    workflows: Option<Arc<Workflows>>,
}

impl OrchestratorActor {
    pub fn new(service: ServiceHandle, links: WorkflowLinks) -> Self {
        OrchestratorActor {
            service,
            links,
            policy: RetryPolicy::from_settings(&crate::app::config::WorkflowSettings::default()),
            workflows: None,
        }
    }

    pub fn with_workflows(mut self, workflows: Arc<Workflows>) -> Self {
        self.workflows = Some(workflows);
        self
    }

    /// Retries of a carousel made at once (`[workflow]` in the config).
    pub fn with_policy(mut self, policy: RetryPolicy) -> Self {
        self.policy = policy;
        self
    }

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

impl Handler<Envelope<ExecuteCommand>> for OrchestratorActor {
    type Result = ResponseFuture<Ack>;

    fn handle(&mut self, env: Envelope<ExecuteCommand>, _: &mut Self::Context) -> Self::Result {
        let workflows = self.workflows.clone();
        let handling = env.handling();
        supervised(self, handling, async move {
            let span = tracing::info_span!(
                "command",
                correlation_id = %env.correlation_id,
                command = %env.payload.command
            );
            async move {
                tracing::info!("command received");
                tracing::debug!(args = %env.payload.args, "command arguments");
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
        let (links, policy) = (self.links.clone(), self.policy.clone());
        let handling = env.handling();
        supervised(self, handling, async move {
            let span = tracing::info_span!("carousel", correlation_id = %env.correlation_id, request_id = %env.payload.request_id);
            let steps = Steps {
                links: &links,
                policy: &policy,
                metrics: None,
            };
            at_once::make(&steps, &env).instrument(span).await
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::error::AppError;
    use crate::domain::WorkflowState;
    use crate::domain::{ImageFormat, Lang, Slide, SlideKind, SlideSize, Style};
    use crate::messages::ai::WrittenContent;
    use crate::messages::ai::{ContentKind, WriteContent, WrittenBody};
    use crate::messages::carousel::RenderSlides;
    use crate::messages::carousel::{CarouselSpec, RenderedCarousel, RenderedImage};
    use crate::messages::data::{
        LoadCarousel, LoadHistory, LoadSettings, SaveCarousel, SaveSettings,
    };
    use crate::messages::workflow::{Completed, Started, StepCompleted};
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
                alt: String::new(),
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
                    content: crate::domain::ContentLanguage::En,
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
        links: WorkflowLinks,
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
                body: WrittenBody::Carousel(crate::domain::Carousel {
                    post: crate::ai::offline::write_post(
                        "topic",
                        &slides(*n),
                        crate::ai::OfflineLang::En,
                    ),
                    slides: slides(*n),
                }),
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
        let (user_data, a8) = user_data_probes();
        Probes {
            links: WorkflowLinks {
                writer,
                renderer,
                saved,
                user_data,
                started,
                steps,
                completed,
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
}
