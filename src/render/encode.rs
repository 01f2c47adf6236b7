//! Slides to bytes: PNG (lossless, for files and PDFs) or JPEG (photos).
use super::ImageFormat;
use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use image::{ExtendedColorType, ImageEncoder, RgbImage};
use std::io::Cursor;

/// Encodes an RGB image: PNG with fast compression (fdeflate) and the Up filter
/// (cheap, and the best fixed filter for smooth vertical gradients), or JPEG at
/// `jpeg_quality` (clamped to 1–100) without chroma subsampling (4:4:4: 4:2:0 smears
/// coloured text and accent bars on our dark gradients) from libjpeg-turbo.
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
    super::turbo::encode_image(img, quality, 0).map_err(jpeg_error)
}
