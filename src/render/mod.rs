// TEMPORARY PLACEHOLDER — never committed; replaced by the real renderer from helper-1.
use crate::domain::{ImageFormat, Slide, SlideSize, Style};
pub struct RenderOptions { pub style: Style, pub size: SlideSize, pub format: ImageFormat, pub jpeg_quality: u8, pub handle: String }
pub struct RenderedSlide { pub index: usize, pub bytes: Vec<u8>, pub width: u32, pub height: u32, pub format: ImageFormat }
impl RenderedSlide { pub fn file_name(&self) -> String { format!("slide-{:02}.png", self.index + 1) } pub fn mime(&self) -> &'static str { "image/png" } }
#[derive(Debug, thiserror::Error)] pub enum RenderError { #[error("x")] X }
pub fn render_carousel(_s: &[Slide], _o: &RenderOptions) -> Result<Vec<RenderedSlide>, RenderError> { Err(RenderError::X) }
pub fn render_pdf(_s: &[RenderedSlide]) -> Result<Vec<u8>, RenderError> { Err(RenderError::X) }
