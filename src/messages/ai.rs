//! AI content messages, answered by the `ai` actor.
use super::{Ack, Event};
use crate::domain::ContentOrigin;
use crate::domain::{Carousel, ContentLanguage, Lang};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What the AI actor is asked to write.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ContentKind {
    Carousel { topic: String, slides: usize },
    Answer { question: String },
    Wisdom { date: chrono::NaiveDate },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WriteContent {
    pub request_id: Uuid,
    /// The language the user reads the bot in (the offline writer's, when it cannot write
    /// `content`).
    pub lang: Lang,
    /// The language to write in.
    #[serde(default)]
    pub content: ContentLanguage,
    pub kind: ContentKind,
}
impl Event for WriteContent {
    const KIND: &'static str = "ai.content.write";
    /// Only an actor failure is an error: the offline writer stands in when the model cannot be used.
    type Reply = Result<WrittenContent, crate::app::error::AppError>;
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum WrittenBody {
    /// A carousel's slides and its post.
    Carousel(Carousel),
    Text(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WrittenContent {
    pub body: WrittenBody,
    pub source: ContentOrigin,
    pub attempts: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnalysisCompleted {
    pub request_id: Uuid,
    pub source: ContentOrigin,
    pub attempts: u32,
    pub slides: usize,
}
impl Event for AnalysisCompleted {
    const KIND: &'static str = "ai.analysis.completed";
    type Reply = Ack;
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WisdomGenerated {
    pub lang: Lang,
    pub text: String,
    pub source: ContentOrigin,
}
impl Event for WisdomGenerated {
    const KIND: &'static str = "ai.wisdom.generated";
    type Reply = Ack;
}
