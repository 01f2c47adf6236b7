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
//!
//! Over each image lies the slide's text, invisible (text render mode 3) and exactly where it
//! was drawn: every face used is embedded as a subset of the glyphs drawn (a CID font with a
//! `ToUnicode` map), and each line is marked with its `ActualText`, so selecting and copying a
//! line, an Arabic one included, pastes it in reading order and not in the order its glyphs sit.
//! Readers that ignore `ActualText` (pdf.js) still get it right: right-to-left glyphs' texts are
//! stored reversed and spaces are kept as glyphs (`.ci/run` checks poppler and pdf.js).

use std::collections::HashMap;

use ab_glyph::Font;
use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, TextRenderingMode, UnicodeCmap};
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};
use subsetter::GlyphRemapper;

use super::fonts::{face_named, Face};
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

    let faces = used_faces(slides);
    let first_font_id = 4 + 3 * slides.len() as i32;
    let font_ref = |k: usize| Ref::new(first_font_id + 5 * k as i32);

    let image_name = Name(b"Im1");
    for ((page_id, img), slide) in page_ids.iter().zip(&embedded).zip(slides) {
        let image_id = Ref::new(page_id.get() + 1);
        let content_id = Ref::new(page_id.get() + 2);
        let (w, h) = (img.width as f32 * PT_PER_PX, img.height as f32 * PT_PER_PX);

        let mut page = pdf.page(*page_id);
        page.media_box(Rect::new(0.0, 0.0, w, h));
        page.parent(tree_id);
        page.contents(content_id);
        let mut resources = page.resources();
        resources.x_objects().pair(image_name, image_id);
        let mut fonts = resources.fonts();
        for (k, used) in faces.iter().enumerate() {
            fonts.pair(Name(used.resource.as_bytes()), font_ref(k));
        }
        fonts.finish();
        resources.finish();
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
        write_text_layer(&mut content, slide, &faces, h);
        pdf.stream(content_id, &content.finish());
    }
    for (k, used) in faces.iter().enumerate() {
        write_font(&mut pdf, used, font_ref(k)).map_err(|reason| RenderError::PdfFont {
            face: used.face.name,
            reason,
        })?;
    }
    Ok(pdf.finish())
}

/// A face some page's text uses: its glyphs' ids in the embedded subset, and the text each
/// glyph stands for (its `ToUnicode` entry: the first text seen for it).
struct UsedFace {
    face: &'static Face,
    resource: String,
    remapper: GlyphRemapper,
    texts: HashMap<u16, String>,
}

fn used_faces(slides: &[RenderedSlide]) -> Vec<UsedFace> {
    let mut faces: Vec<UsedFace> = Vec::new();
    for glyph in slides.iter().flat_map(|s| &s.text).flat_map(|l| &l.glyphs) {
        if glyph.text.is_empty() {
            continue;
        }
        let k = match faces.iter().position(|f| f.face.name == glyph.face) {
            Some(k) => k,
            None => {
                let Some(face) = face_named(glyph.face) else {
                    continue;
                };
                let mut remapper = GlyphRemapper::new();
                remapper.remap(0);
                faces.push(UsedFace {
                    face,
                    resource: format!("F{}", faces.len() + 1),
                    remapper,
                    texts: HashMap::new(),
                });
                faces.len() - 1
            }
        };
        let used = &mut faces[k];
        let new = used.remapper.remap(glyph.id);
        if !glyph.text.is_empty() {
            used.texts
                .entry(new)
                .or_insert_with(|| unicode_of(&glyph.text));
        }
    }
    faces
}

/// A glyph's `ToUnicode` text. Readers that ignore `ActualText` read right-to-left text glyph by
/// glyph in visual order and reverse the whole run, each glyph's text included: a ligature such
/// as lam-alef is stored reversed so that it comes out the right way round.
fn unicode_of(text: &str) -> String {
    if super::layout::reads_rtl(text) {
        text.chars().rev().collect()
    } else {
        text.to_string()
    }
}

/// The page's lines as invisible text over the image, each glyph at its drawn position. Only
/// glyphs that stand for characters are written: a cluster's later glyphs (a Thai mark, a
/// Devanagari vowel sign drawn before its consonant) carry no text of their own, and a reader
/// going glyph by glyph would show them as stray codes.
fn write_text_layer(content: &mut Content, slide: &RenderedSlide, faces: &[UsedFace], page_h: f32) {
    for line in &slide.text {
        if line.glyphs.is_empty() {
            continue;
        }
        content
            .begin_marked_content_with_properties(Name(b"Span"))
            .properties()
            .actual_text(TextStr(&line.text));
        content.begin_text();
        content.set_text_rendering_mode(TextRenderingMode::Invisible);
        let mut current: Option<usize> = None;
        for glyph in line.glyphs.iter().filter(|g| !g.text.is_empty()) {
            let Some(k) = faces.iter().position(|f| f.face.name == glyph.face) else {
                continue;
            };
            let Some(new) = faces[k].remapper.get(glyph.id) else {
                continue;
            };
            if current != Some(k) {
                content.set_font(
                    Name(faces[k].resource.as_bytes()),
                    line.font_size * PT_PER_PX,
                );
                current = Some(k);
            }
            let (x, y) = (glyph.x * PT_PER_PX, page_h - glyph.y * PT_PER_PX);
            content.set_text_matrix([1.0, 0.0, 0.0, 1.0, x, y]);
            content.show(Str(&new.to_be_bytes()));
        }
        content.end_text();
        content.end_marked_content();
    }
}

/// Six capitals naming an embedded subset (PDF's `ABCDEF+Name` convention).
fn subset_tag(name: &str) -> String {
    let mut n = name
        .bytes()
        .fold(5381u32, |h, b| h.wrapping_mul(33) ^ u32::from(b));
    (0..6)
        .map(|_| {
            let c = char::from(b'A' + (n % 26) as u8);
            n /= 26;
            c
        })
        .collect()
}

/// One used face: a Type 0 font over a CID font (ids are the subset's glyph ids), its
/// descriptor, the subset itself and its `ToUnicode` map; five objects from `id`.
fn write_font(pdf: &mut Pdf, used: &UsedFace, id: Ref) -> Result<(), String> {
    let (cid_id, descriptor_id, file_id, cmap_id) = (
        Ref::new(id.get() + 1),
        Ref::new(id.get() + 2),
        Ref::new(id.get() + 3),
        Ref::new(id.get() + 4),
    );
    let face = used.face;
    let subset = subsetter::subset(face.bytes, face.index, &used.remapper)
        .map_err(|e| format!("subsetting failed: {e:?}"))?;
    let cff = face.shaper.tables().cff.is_some();
    let base = format!("{}+{}", subset_tag(face.name), face.name.replace(' ', ""));
    let per_em = face.units_per_em();
    let thousandths = |v: f32| v / per_em * 1000.0;

    pdf.type0_font(id)
        .base_font(Name(base.as_bytes()))
        .encoding_predefined(Name(b"Identity-H"))
        .descendant_font(cid_id)
        .to_unicode(cmap_id);

    let system_info = SystemInfo {
        registry: Str(b"Adobe"),
        ordering: Str(b"Identity"),
        supplement: 0,
    };
    let mut cid = pdf.cid_font(cid_id);
    cid.subtype(if cff {
        CidFontType::Type0
    } else {
        CidFontType::Type2
    })
    .base_font(Name(base.as_bytes()))
    .system_info(system_info)
    .font_descriptor(descriptor_id);
    if !cff {
        cid.cid_to_gid_map_predefined(Name(b"Identity"));
    }
    let widths: Vec<f32> = used
        .remapper
        .remapped_gids()
        .map(|old| thousandths(face.font.h_advance_unscaled(ab_glyph::GlyphId(old))))
        .collect();
    cid.widths().consecutive(0, widths);
    cid.finish();

    let bbox = face.shaper.global_bounding_box();
    let mut descriptor = pdf.font_descriptor(descriptor_id);
    descriptor
        .name(Name(base.as_bytes()))
        .flags(FontFlags::SYMBOLIC)
        .bbox(Rect::new(
            thousandths(f32::from(bbox.x_min)),
            thousandths(f32::from(bbox.y_min)),
            thousandths(f32::from(bbox.x_max)),
            thousandths(f32::from(bbox.y_max)),
        ))
        .italic_angle(0.0)
        .ascent(face.ascent_em * 1000.0)
        .descent(-face.descent_em * 1000.0)
        .cap_height(
            face.shaper
                .capital_height()
                .map_or(face.ascent_em * 1000.0, |c| thousandths(f32::from(c))),
        )
        .stem_v(80.0);
    if cff {
        descriptor.font_file3(file_id);
    } else {
        descriptor.font_file2(file_id);
    }
    descriptor.finish();

    let mut file = pdf.stream(file_id, &subset);
    if cff {
        file.pair(Name(b"Subtype"), Name(b"OpenType"));
    }
    file.finish();

    let mut cmap = UnicodeCmap::new(
        Name(b"Custom"),
        SystemInfo {
            registry: Str(b"Adobe"),
            ordering: Str(b"UCS"),
            supplement: 0,
        },
    );
    let mut mapped: Vec<(&u16, &String)> = used.texts.iter().collect();
    mapped.sort();
    for (gid, text) in mapped {
        cmap.pair_with_multiple(*gid, text.chars());
    }
    pdf.cmap(cmap_id, &cmap.finish());
    Ok(())
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
