//! Slides to bytes: PNG (lossless, for files and PDFs) or JPEG (photos).
use super::ImageFormat;
use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use image::{ExtendedColorType, ImageEncoder, RgbImage};
use std::io::Cursor;

/// Encodes an RGB image: PNG with fast compression (fdeflate) and the Up filter
/// (cheap, and the best fixed filter for smooth vertical gradients), or JPEG at
/// `jpeg_quality` (clamped to 1–100) without chroma subsampling (4:4:4: 4:2:0 smears
/// coloured text and accent bars on our dark gradients) from `jpeg-encoder` (AVX2 when
/// the CPU has it).
pub fn encode(
    img: &RgbImage,
    format: ImageFormat,
    jpeg_quality: u8,
) -> Result<Vec<u8>, image::ImageError> {
    let mut out = Cursor::new(Vec::with_capacity(img.as_raw().len() / 3));
    match format {
        ImageFormat::Png => {
            PngEncoder::new_with_quality(&mut out, CompressionType::Fast, FilterType::Up)
                .write_image(
                    img.as_raw(),
                    img.width(),
                    img.height(),
                    ExtendedColorType::Rgb8,
                )?
        }
        ImageFormat::Jpeg => return encode_jpeg(img, jpeg_quality),
    }
    Ok(out.into_inner())
}

/// A JPEG encoding failure as the `image` crate reports one.
pub(super) fn jpeg_error(reason: String) -> image::ImageError {
    image::ImageError::Encoding(image::error::EncodingError::new(
        image::error::ImageFormatHint::Exact(image::ImageFormat::Jpeg),
        reason,
    ))
}

fn encode_jpeg(img: &RgbImage, quality: u8) -> Result<Vec<u8>, image::ImageError> {
    let failed = jpeg_error;
    let (w, h) = (
        u16::try_from(img.width()).map_err(|_| failed("wider than 65535 px".into()))?,
        u16::try_from(img.height()).map_err(|_| failed("taller than 65535 px".into()))?,
    );
    let mut out = Vec::with_capacity(img.as_raw().len() / 8);
    let mut encoder = jpeg_encoder::Encoder::new(&mut out, quality.clamp(1, 100));
    encoder.set_sampling_factor(jpeg_encoder::SamplingFactor::R_4_4_4);
    encoder
        .encode(img.as_raw(), w, h, jpeg_encoder::ColorType::Rgb)
        .map_err(|e| failed(e.to_string()))?;
    Ok(out)
}
