//! `ai`: writes carousel slides, answers and the wisdom of the day. The writer behind it is a
//! small trait, so tests can run the actor with a scripted writer.
use crate::actors::link::Link;
use crate::ai::{AiClient, CarouselBrief, ContentSource, OfflineReason, Written};
use crate::app::error::AppError;
use crate::domain::ContentOrigin;
use crate::messages::ai::{
    AnalysisCompleted, ContentKind, WisdomGenerated, WriteContent, WrittenBody, WrittenContent,
};
use crate::messages::Envelope;
use crate::service_actor;
use crate::supervisors::{supervised, ServiceHandle};
use actix::{Handler, ResponseFuture};
use futures::future::BoxFuture;
use futures::FutureExt;
use std::sync::Arc;

/// Anything that can write what the AI actor is asked for. It never fails: a writer that
/// cannot reach its model falls back to offline content itself.
pub trait ContentWriter: Send + Sync + 'static {
    fn write(&self, request: WriteContent) -> BoxFuture<'static, WrittenContent>;
}

/// Where content came from, as messages and the store keep it (the model's failure itself is
/// in the logs).
fn origin_of(source: &ContentSource) -> ContentOrigin {
    match source {
        ContentSource::Model => ContentOrigin::Model,
        ContentSource::Offline {
            reason: OfflineReason::NoApiKey,
        } => ContentOrigin::OfflineNoApiKey,
        ContentSource::Offline {
            reason: OfflineReason::ModelFailed(_),
        } => ContentOrigin::OfflineModelFailed,
        ContentSource::Offline {
            reason: OfflineReason::CircuitOpen,
        } => ContentOrigin::OfflineCircuitOpen,
    }
}

fn into_content<T>(written: Written<T>, body: impl FnOnce(T) -> WrittenBody) -> WrittenContent {
    WrittenContent {
        source: origin_of(&written.source),
        attempts: written.attempts,
        body: body(written.content),
    }
}

impl ContentWriter for AiClient {
    fn write(&self, request: WriteContent) -> BoxFuture<'static, WrittenContent> {
        let client = self.clone();
        async move {
            match request.kind {
                ContentKind::Carousel { topic, slides } => {
                    let brief = CarouselBrief::new(topic, slides, request.lang)
                        .in_language(request.content);
                    into_content(client.write_carousel(&brief).await, WrittenBody::Carousel)
                }
                ContentKind::Answer { question } => {
                    let answer = client.ask(&question, request.content, request.lang);
                    into_content(answer.await, WrittenBody::Text)
                }
                ContentKind::Wisdom { date } => {
                    let wisdom = client.wisdom(request.content, request.lang, date);
                    into_content(wisdom.await, WrittenBody::Text)
                }
            }
        }
        .boxed()
    }
}

#[derive(Clone)]
pub struct AiLinks {
    pub analyzed: Link<AnalysisCompleted>,
    pub wisdom: Link<WisdomGenerated>,
}

pub struct AiActor {
    service: ServiceHandle,
    writer: Arc<dyn ContentWriter>,
    links: AiLinks,
    /// The process-wide cap on model calls in flight; none means no cap (tests of one actor).
    gate: Option<Arc<crate::resilience::capacity::Gate>>,
}

impl AiActor {
    pub fn new(service: ServiceHandle, writer: Arc<dyn ContentWriter>, links: AiLinks) -> Self {
        AiActor {
            service,
            writer,
            links,
            gate: None,
        }
    }

    pub fn with_gate(mut self, gate: Arc<crate::resilience::capacity::Gate>) -> Self {
        self.gate = Some(gate);
        self
    }
}

service_actor!(AiActor);

impl Handler<Envelope<WriteContent>> for AiActor {
    type Result = ResponseFuture<Result<WrittenContent, AppError>>;

    fn handle(&mut self, env: Envelope<WriteContent>, _: &mut Self::Context) -> Self::Result {
        let writer = self.writer.clone();
        let links = self.links.clone();
        let gate = self.gate.clone();
        supervised(self, env.handling(), async move {
            let _place = match &gate {
                Some(gate) => Some(gate.enter().await?),
                None => None,
            };
            let written = writer.write(env.payload.clone()).await;
            match &written.body {
                WrittenBody::Carousel(carousel) => {
                    let _ = links.analyzed.tell(env.caused(
                        "ai",
                        AnalysisCompleted {
                            request_id: env.payload.request_id,
                            source: written.source,
                            attempts: written.attempts,
                            slides: carousel.slides.len(),
                        },
                    ));
                }
                WrittenBody::Text(text)
                    if matches!(env.payload.kind, ContentKind::Wisdom { .. }) =>
                {
                    let _ = links.wisdom.tell(env.caused(
                        "ai",
                        WisdomGenerated {
                            lang: env.payload.lang,
                            text: text.clone(),
                            source: written.source,
                        },
                    ));
                }
                WrittenBody::Text(_) => {}
            }
            Ok(written)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{ContentLanguage, Lang, SlideKind};
    use crate::testkit::ack_probe;
    use actix::Actor;

    #[actix_rt::test]
    async fn without_an_api_key_the_ai_actor_writes_offline_and_reports_the_analysis() {
        let (analyzed, seen_analyzed, _a) = ack_probe::<AnalysisCompleted>();
        let (wisdom, seen_wisdom, _w) = ack_probe::<WisdomGenerated>();
        let client = AiClient::new(crate::ai::AiSettings::default());
        let actor = AiActor::new(
            ServiceHandle::detached("ai"),
            Arc::new(client),
            AiLinks { analyzed, wisdom },
        )
        .start();
        let request_id = uuid::Uuid::now_v7();

        let written = actor
            .send(Envelope::new(
                "test",
                WriteContent {
                    request_id,
                    lang: Lang::Ru,
                    content: ContentLanguage::Ru,
                    kind: ContentKind::Carousel {
                        topic: "Вера и сомнение".into(),
                        slides: 6,
                    },
                },
            ))
            .await
            .expect("mailbox")
            .expect("written");

        let WrittenBody::Carousel(carousel) = written.body else {
            panic!("slides expected")
        };
        let slides = carousel.slides;
        assert_eq!(slides.len(), 6);
        assert!(slides.iter().all(|s| !s.alt.is_empty()));
        assert!(carousel.post.hashtags().contains(&"#вера".to_string()));
        assert_eq!(slides[0].kind, SlideKind::Title);
        assert_eq!(written.source, ContentOrigin::OfflineNoApiKey);
        assert_eq!(seen_analyzed.payloads()[0].request_id, request_id);
        assert_eq!(seen_wisdom.count(), 0);
    }

    #[actix_rt::test]
    async fn the_wisdom_of_the_day_is_announced_to_analytics() {
        let (analyzed, _seen_analyzed, _a) = ack_probe::<AnalysisCompleted>();
        let (wisdom, seen_wisdom, _w) = ack_probe::<WisdomGenerated>();
        let client = AiClient::new(crate::ai::AiSettings::default());
        let actor = AiActor::new(
            ServiceHandle::detached("ai"),
            Arc::new(client),
            AiLinks { analyzed, wisdom },
        )
        .start();
        let date = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).expect("date");

        let written = actor
            .send(Envelope::new(
                "test",
                WriteContent {
                    request_id: uuid::Uuid::now_v7(),
                    lang: Lang::En,
                    content: ContentLanguage::En,
                    kind: ContentKind::Wisdom { date },
                },
            ))
            .await
            .expect("mailbox")
            .expect("written");

        let WrittenBody::Text(text) = written.body else {
            panic!("text expected")
        };
        assert!(!text.trim().is_empty());
        assert_eq!(seen_wisdom.payloads()[0].text, text);
    }
}
