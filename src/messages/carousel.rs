//! Carousel messages: a request, its analysis, the written slides, the rendered images.
use super::{Ack, Event};
use crate::app::error::AppError;
use crate::domain::ContentOrigin;
use crate::domain::{ContentLanguage, ImageFormat, Lang, Slide, SlideSize, Style};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Everything needed to produce one carousel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CarouselSpec {
    pub topic: String,
    pub slides: usize,
    /// The language of whoever asked (the offline writer's, when it cannot write `content`).
    pub lang: Lang,
    /// The language the slides are written in.
    #[serde(default)]
    pub content: ContentLanguage,
    pub style: Style,
    pub size: SlideSize,
    pub format: ImageFormat,
    pub pdf: bool,
    /// The footer's handle; none: the renderer's default (`render.handle`, empty unless set).
    #[serde(default)]
    pub handle: Option<String>,
}

/// A carousel is wanted (by a user's /carousel or the `carousel` CLI command).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GenerateCarousel {
    pub request_id: Uuid,
    pub user_id: Option<i64>,
    pub spec: CarouselSpec,
}
impl Event for GenerateCarousel {
    const KIND: &'static str = "carousel.generate";
    type Reply = Result<CarouselOutput, AppError>;
}

/// The finished product handed back to whoever asked.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CarouselOutput {
    pub request_id: Uuid,
    pub slides: Vec<Slide>,
    /// The caption and hashtags to publish it with (each slide carries its alt text).
    pub post: crate::domain::Post,
    pub content_source: ContentOrigin,
    #[serde(skip)]
    pub images: Vec<RenderedImage>,
    #[serde(skip)]
    pub pdf: Option<Vec<u8>>,
    pub writing_ms: u64,
    pub rendering_ms: u64,
}

/// One encoded slide image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedImage {
    pub file_name: String,
    pub mime: &'static str,
    pub width: u32,
    pub height: u32,
    pub bytes: Vec<u8>,
}

/// What a brand kit puts on slides besides the handle: the name, accent, fonts and images
/// (encoded as stored; the renderer decodes them). The images stay out of the event log.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BrandLook {
    pub name: String,
    pub accent: Option<crate::domain::Accent>,
    pub fonts: crate::domain::FontPairing,
    #[serde(skip)]
    pub avatar: Option<std::sync::Arc<[u8]>>,
    #[serde(skip)]
    pub logo: Option<std::sync::Arc<[u8]>>,
}

/// Written slides, to be rendered; the carousel actor answers with the images.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RenderSlides {
    pub request_id: Uuid,
    pub slides: Vec<Slide>,
    pub style: Style,
    pub size: SlideSize,
    pub format: ImageFormat,
    pub pdf: bool,
    /// Render only slides `start..end` (numbered within the whole carousel); all when absent.
    #[serde(default)]
    pub only: Option<(usize, usize)>,
    /// The footer's handle (the requester's name); none: the renderer's default.
    #[serde(default)]
    pub handle: Option<String>,
    /// The brand kit's look beyond the handle; none: the style as it is.
    #[serde(default)]
    pub brand: Option<BrandLook>,
}
impl Event for RenderSlides {
    const KIND: &'static str = "carousel.slides.render";
    type Reply = Result<RenderedCarousel, AppError>;
}

#[derive(Debug, Clone)]
pub struct RenderedCarousel {
    pub images: Vec<RenderedImage>,
    pub pdf: Option<Vec<u8>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImagesRendered {
    pub request_id: Uuid,
    pub count: usize,
    pub bytes_total: usize,
    pub elapsed_ms: u64,
}
impl Event for ImagesRendered {
    const KIND: &'static str = "carousel.images.rendered";
    type Reply = Ack;
}
