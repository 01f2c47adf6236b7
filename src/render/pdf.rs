//! Carousel → PDF (LinkedIn "document" carousel): one slide per page, the page
//! exactly the image's aspect (1 px = 0.5 pt, i.e. 144 dpi: 540×675 pt for 4:5).
//!
//! Images are embedded **without re-encoding**:
//! * JPEG slides go in as-is with `DCTDecode`;
//! * PNG slides contribute their concatenated `IDAT` zlib stream as `FlateDecode`
//!   with PNG predictors (`/Predictor 15`), which is exactly how PNG stores
//!   filtered scanlines. So the PDF is lossless for PNG, costs no extra CPU, and
//!   is about the size of the slides themselves.
//!
//! A PNG the passthrough cannot take (not 8-bit RGB/grey, interlaced, or with
//! alpha) is decoded and re-encoded as 8-bit RGB PNG first.

use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, TextStr};

use super::{encode, RenderError, RenderedSlide};
use crate::domain::ImageFormat;

/// PDF points per image pixel.
const PT_PER_PX: f32 = 0.5;

/// An image ready to be written as an image XObject.
struct Embedded {
    width: u32,
    height: u32,
    /// 1 (grey) or 3 (RGB).
    components: u8,
    filter: Filter,
    data: Vec<u8>,
    /// PNG predictor columns for FlateDecode; None for DCT.
    png_predictor: bool,
}

/// Builds a PDF with one page per slide, in the given order.
pub fn render_pdf(slides: &[RenderedSlide]) -> Result<Vec<u8>, RenderError> {
    if slides.is_empty() {
        return Err(RenderError::Empty);
    }
    let embedded = slides
        .iter()
        .enumerate()
        .map(|(i, s)| embed(s).map_err(|reason| RenderError::Pdf { slide: i, reason }))
        .collect::<Result<Vec<_>, _>>()?;

    let mut pdf = Pdf::new();
    let catalog_id = Ref::new(1);
    let tree_id = Ref::new(2);
    let info_id = Ref::new(3);
    let page_ids: Vec<Ref> = (0..slides.len())
        .map(|i| Ref::new(4 + 3 * i as i32))
        .collect();
    pdf.catalog(catalog_id).pages(tree_id);
    pdf.pages(tree_id)
        .kids(page_ids.iter().copied())
        .count(slides.len() as i32);
    pdf.document_info(info_id)
        .producer(TextStr("Bible VibeCoder"));

    let image_name = Name(b"Im1");
    for (page_id, img) in page_ids.iter().zip(&embedded) {
        let image_id = Ref::new(page_id.get() + 1);
        let content_id = Ref::new(page_id.get() + 2);
        let (w, h) = (img.width as f32 * PT_PER_PX, img.height as f32 * PT_PER_PX);

        let mut page = pdf.page(*page_id);
        page.media_box(Rect::new(0.0, 0.0, w, h));
        page.parent(tree_id);
        page.contents(content_id);
        page.resources().x_objects().pair(image_name, image_id);
        page.finish();

        let mut xobj = pdf.image_xobject(image_id, &img.data);
        xobj.filter(img.filter);
        xobj.width(img.width as i32);
        xobj.height(img.height as i32);
        if img.components == 1 {
            xobj.color_space().device_gray();
        } else {
            xobj.color_space().device_rgb();
        }
        xobj.bits_per_component(8);
        if img.png_predictor {
            xobj.decode_parms()
                .predictor(pdf_writer::types::Predictor::PngOptimum)
                .colors(i32::from(img.components))
                .bits_per_component(8)
                .columns(img.width as i32);
        }
        xobj.finish();

        let mut content = Content::new();
        content.save_state();
        content.transform([w, 0.0, 0.0, h, 0.0, 0.0]);
        content.x_object(image_name);
        content.restore_state();
        pdf.stream(content_id, &content.finish());
    }
    Ok(pdf.finish())
}

fn embed(slide: &RenderedSlide) -> Result<Embedded, String> {
    match slide.format {
        ImageFormat::Jpeg => {
            let (width, height, components) = jpeg_header(&slide.bytes)?;
            if components != 1 && components != 3 {
                return Err(format!(
                    "JPEG with {components} components is not supported"
                ));
            }
            Ok(Embedded {
                width,
                height,
                components,
                filter: Filter::DctDecode,
                data: slide.bytes.clone(),
                png_predictor: false,
            })
        }
        ImageFormat::Png => match png_passthrough(&slide.bytes) {
            Ok(e) => Ok(e),
            Err(_) => {
                let img =
                    image::load_from_memory_with_format(&slide.bytes, image::ImageFormat::Png)
                        .map_err(|e| format!("PNG does not decode: {e}"))?
                        .to_rgb8();
                let png = encode(&img, ImageFormat::Png, 0)
                    .map_err(|e| format!("PNG re-encode failed: {e}"))?;
                png_passthrough(&png)
            }
        },
    }
}

/// Width, height and component count from a baseline/progressive JPEG's SOF marker.
fn jpeg_header(b: &[u8]) -> Result<(u32, u32, u8), String> {
    if b.get(..2) != Some(&[0xFF, 0xD8]) {
        return Err("not a JPEG (no SOI marker)".into());
    }
    let mut i = 2;
    while i + 4 <= b.len() {
        if b[i] != 0xFF {
            return Err(format!("corrupt JPEG marker at byte {i}"));
        }
        let marker = b[i + 1];
        if marker == 0xFF {
            i += 1;
            continue;
        }
        let len = usize::from(u16::from_be_bytes([b[i + 2], b[i + 3]]));
        let is_sof = matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC);
        if is_sof {
            let seg = b
                .get(i + 4..i + 2 + len)
                .ok_or("truncated JPEG SOF segment")?;
            if seg.len() < 6 {
                return Err("short JPEG SOF segment".into());
            }
            let height = u32::from(u16::from_be_bytes([seg[1], seg[2]]));
            let width = u32::from(u16::from_be_bytes([seg[3], seg[4]]));
            return Ok((width, height, seg[5]));
        }
        i += 2 + len;
    }
    Err("JPEG has no frame header".into())
}

/// The IDAT stream of an 8-bit, non-interlaced RGB or grey PNG.
fn png_passthrough(b: &[u8]) -> Result<Embedded, String> {
    const SIG: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    if b.get(..8) != Some(&SIG) {
        return Err("not a PNG".into());
    }
    let mut i = 8;
    let mut header: Option<(u32, u32, u8)> = None;
    let mut data = Vec::with_capacity(b.len());
    while i + 8 <= b.len() {
        let len = u32::from_be_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]) as usize;
        let kind = &b[i + 4..i + 8];
        let body = b.get(i + 8..i + 8 + len).ok_or("truncated PNG chunk")?;
        match kind {
            b"IHDR" => {
                if body.len() != 13 {
                    return Err("bad IHDR".into());
                }
                let width = u32::from_be_bytes([body[0], body[1], body[2], body[3]]);
                let height = u32::from_be_bytes([body[4], body[5], body[6], body[7]]);
                let (depth, color, interlace) = (body[8], body[9], body[12]);
                let components = match color {
                    0 => 1,
                    2 => 3,
                    other => return Err(format!("PNG colour type {other} needs re-encoding")),
                };
                if depth != 8 || interlace != 0 {
                    return Err("PNG bit depth/interlace needs re-encoding".into());
                }
                header = Some((width, height, components));
            }
            b"IDAT" => data.extend_from_slice(body),
            b"IEND" => break,
            _ => {}
        }
        i += 12 + len;
    }
    let (width, height, components) = header.ok_or("PNG has no IHDR")?;
    if data.is_empty() {
        return Err("PNG has no image data".into());
    }
    Ok(Embedded {
        width,
        height,
        components,
        filter: Filter::FlateDecode,
        data,
        png_predictor: true,
    })
}
