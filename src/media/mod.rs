//! A brand image as a user uploaded it (issue 35) made into one the store keeps: checked from
//! its bytes, never its name, refused before any decoding when it is too big or animated,
//! decoded under a memory bound, then sized and encoded to fit [`MAX_BRAND_ASSET_BYTES`].
//! Pure: bytes in, bytes out; the caller downloads, replies and stores.
//!
//! Everything about an upload is hostile: its size, its claimed dimensions (a 100-byte PNG may
//! claim 30000×30000 and ask for gigabytes), its format and its frame count.
use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::{CompressionType, FilterType, PngDecoder, PngEncoder};
use image::codecs::webp::WebPDecoder;
use image::metadata::Orientation;
use image::{
    DynamicImage, ExtendedColorType, ImageDecoder, ImageEncoder, ImageFormat, ImageReader, Limits,
    Rgb, RgbImage,
};

use crate::domain::{AssetKind, MAX_BRAND_ASSET_BYTES};

mod gif;
#[cfg(test)]
mod tests;

/// Largest upload looked at: the Bot API's `getFile` serves nothing bigger, so a bigger one
/// never came from Telegram.
pub const MAX_UPLOAD_BYTES: usize = 20 * 1024 * 1024;
/// Widest or tallest image decoded, in pixels.
pub const MAX_SIDE_PX: u32 = 8000;
/// Most pixels decoded (40 megapixels: any phone photo, not a decompression bomb).
pub const MAX_PIXELS: u64 = 40_000_000;
/// What a decoder may allocate: a 40-megapixel RGBA image (160 MB) and some room for the
/// decoder's own buffers; a crafted file asking for more fails instead of taking the host down.
const MAX_DECODE_ALLOC: u64 = 256 * 1024 * 1024;

/// An avatar is drawn small and round: a square this size at most is plenty.
pub const AVATAR_MAX_SIDE: u32 = 512;
/// The box a logo is fitted into (aspect kept): wide marks are common, tall ones rare.
pub const LOGO_MAX_WIDTH: u32 = 640;
pub const LOGO_MAX_HEIGHT: u32 = 320;
/// JPEG qualities tried in turn until the avatar fits: the best that fits wins.
const JPEG_QUALITIES: [u8; 6] = [90, 80, 70, 60, 50, 40];
/// Each shrinking step keeps this fraction of a side (numerator, denominator).
const SHRINK_STEP: (u32, u32) = (3, 4);
/// Below this side shrinking stops: an image that does not fit by then never will.
const MIN_SHRUNK_SIDE: u32 = 16;

/// An image ready to keep: encoded, within its kind's bounds and [`MAX_BRAND_ASSET_BYTES`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreparedImage {
    pub bytes: Vec<u8>,
    /// `image/jpeg` (avatars) or `image/png` (logos).
    pub mime: &'static str,
    pub width: u32,
    pub height: u32,
}

/// Why an upload was not kept. Each has its own reply ([`ImageRefusal::reason`] names it).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImageRefusal {
    #[error("the file is {bytes} bytes, more than the {MAX_UPLOAD_BYTES} looked at")]
    TooLarge { bytes: usize },
    #[error("the file is not a JPEG, PNG, WebP or GIF image")]
    NotAnImage,
    #[error("the image is animated")]
    Animated,
    #[error("the image is {width}×{height} pixels, more than {MAX_SIDE_PX} a side or {MAX_PIXELS} in all")]
    TooManyPixels { width: u32, height: u32 },
    #[error("the image could not be read (damaged, truncated or too demanding to decode)")]
    Unreadable,
    /// Decoded, but no size or quality tried made it fit: never seen (a 16-pixel image always
    /// fits), kept so that no input can make [`prepare`] panic.
    #[error("the image could not be made small enough to keep")]
    Unfittable,
}

impl ImageRefusal {
    /// A stable name for the refusal (for the reply's message and the logs).
    pub fn reason(&self) -> &'static str {
        match self {
            ImageRefusal::TooLarge { .. } => "too-large",
            ImageRefusal::NotAnImage => "not-an-image",
            ImageRefusal::Animated => "animated",
            ImageRefusal::TooManyPixels { .. } => "too-many-pixels",
            ImageRefusal::Unreadable => "unreadable",
            ImageRefusal::Unfittable => "unfittable",
        }
    }
}

/// An upload made into a kit's `kind` of image, or why not. The cheap checks come first (size,
/// format, dimensions read from the header, animation), so a hostile file is refused before
/// anything is decoded.
pub fn prepare(bytes: &[u8], kind: AssetKind) -> Result<PreparedImage, ImageRefusal> {
    if bytes.len() > MAX_UPLOAD_BYTES {
        return Err(ImageRefusal::TooLarge { bytes: bytes.len() });
    }
    let format = accepted_format(bytes)?;
    let (width, height) = header_dimensions(bytes, format)?;
    check_pixels(width, height)?;
    if is_animated(bytes, format)? {
        return Err(ImageRefusal::Animated);
    }
    let image = decode(bytes, format)?;
    match kind {
        AssetKind::Avatar => avatar(&image),
        AssetKind::Logo => logo(&image),
    }
}

/// The format the bytes are in (their magic numbers: a file's name or a client's MIME type
/// says nothing), if it is one a kit takes.
fn accepted_format(bytes: &[u8]) -> Result<ImageFormat, ImageRefusal> {
    match image::guess_format(bytes) {
        Ok(
            format @ (ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP | ImageFormat::Gif),
        ) => Ok(format),
        _ => Err(ImageRefusal::NotAnImage),
    }
}

/// The width and height the file claims, read without decoding any pixel. PNG and GIF carry
/// them at fixed offsets (read directly, so a file that is nothing but a header still answers);
/// JPEG and WebP from their decoders' header parsing, which allocates nothing per pixel.
fn header_dimensions(bytes: &[u8], format: ImageFormat) -> Result<(u32, u32), ImageRefusal> {
    let unreadable = |_| ImageRefusal::Unreadable;
    match format {
        ImageFormat::Png => png_ihdr_dimensions(bytes).ok_or(ImageRefusal::Unreadable),
        ImageFormat::Gif => gif::screen_dimensions(bytes).ok_or(ImageRefusal::Unreadable),
        ImageFormat::WebP => WebPDecoder::new(Cursor::new(bytes))
            .map(|d| d.dimensions())
            .map_err(unreadable),
        _ => image::codecs::jpeg::JpegDecoder::new(Cursor::new(bytes))
            .map(|d| d.dimensions())
            .map_err(unreadable),
    }
}

/// A PNG's IHDR, which the format requires to be the first chunk: the 8-byte signature, the
/// chunk's length and type, then width and height (big-endian).
fn png_ihdr_dimensions(bytes: &[u8]) -> Option<(u32, u32)> {
    if bytes.get(12..16)? != b"IHDR" {
        return None;
    }
    let be = |at: usize| Some(u32::from_be_bytes(bytes.get(at..at + 4)?.try_into().ok()?));
    Some((be(16)?, be(20)?))
}

fn check_pixels(width: u32, height: u32) -> Result<(), ImageRefusal> {
    let too_many = width > MAX_SIDE_PX
        || height > MAX_SIDE_PX
        || u64::from(width) * u64::from(height) > MAX_PIXELS;
    if too_many {
        return Err(ImageRefusal::TooManyPixels { width, height });
    }
    Ok(())
}

/// Whether the file holds more than one picture: a kit keeps a still image, and decoding only
/// the first frame of an animation would keep something the user did not choose.
fn is_animated(bytes: &[u8], format: ImageFormat) -> Result<bool, ImageRefusal> {
    match format {
        // An acTL chunk makes a PNG an APNG, whatever frames follow.
        ImageFormat::Png => PngDecoder::with_limits(Cursor::new(bytes), memory_limits())
            .and_then(|d| d.is_apng())
            .map_err(|_| ImageRefusal::Unreadable),
        ImageFormat::WebP => WebPDecoder::new(Cursor::new(bytes))
            .map(|d| d.has_animation())
            .map_err(|_| ImageRefusal::Unreadable),
        // Counting the frames' descriptors decodes none of them.
        ImageFormat::Gif => Ok(gif::frame_count(bytes, 2) > 1),
        _ => Ok(false),
    }
}

/// The decoders' bounds: the dimension limits repeat [`check_pixels`] in the decoder itself.
fn memory_limits() -> Limits {
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE_PX);
    limits.max_image_height = Some(MAX_SIDE_PX);
    limits.max_alloc = Some(MAX_DECODE_ALLOC);
    limits
}

/// The pixels, upright (a photo sent as a file keeps its camera's EXIF orientation).
fn decode(bytes: &[u8], format: ImageFormat) -> Result<DynamicImage, ImageRefusal> {
    let unreadable = |_| ImageRefusal::Unreadable;
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(memory_limits());
    let mut decoder = reader.into_decoder().map_err(unreadable)?;
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    // The output buffer alone must fit the budget (some decoders only bound their own buffers).
    memory_limits()
        .reserve(decoder.total_bytes())
        .map_err(unreadable)?;
    let mut image = DynamicImage::from_decoder(decoder).map_err(unreadable)?;
    image.apply_orientation(orientation);
    Ok(image)
}

/// A centred square, at most [`AVATAR_MAX_SIDE`], flattened onto white (an avatar is drawn on
/// any background, and JPEG has no transparency), as the best JPEG quality that fits.
fn avatar(image: &DynamicImage) -> Result<PreparedImage, ImageRefusal> {
    let square = centre_square(image);
    let side = square.width().min(AVATAR_MAX_SIDE);
    for (side, _) in shrinking(side, side) {
        let flat = flatten_on_white(&resized(&square, side, side));
        for quality in JPEG_QUALITIES {
            let bytes = encode_jpeg(&flat, quality)?;
            if bytes.len() <= MAX_BRAND_ASSET_BYTES {
                return Ok(prepared(bytes, "image/jpeg", side, side));
            }
        }
    }
    Err(ImageRefusal::Unfittable)
}

/// Fitted into [`LOGO_MAX_WIDTH`]×[`LOGO_MAX_HEIGHT`] with its aspect and transparency kept, as
/// a PNG (a logo's flat colours and sharp edges are what PNG keeps best), shrunk until it fits.
fn logo(image: &DynamicImage) -> Result<PreparedImage, ImageRefusal> {
    let (width, height) = fitted(image.width(), image.height());
    let fitted = resized(image, width, height);
    for (width, height) in shrinking(width, height) {
        let bytes = encode_png(&resized(&fitted, width, height))?;
        if bytes.len() <= MAX_BRAND_ASSET_BYTES {
            return Ok(prepared(bytes, "image/png", width, height));
        }
    }
    Err(ImageRefusal::Unfittable)
}

fn prepared(bytes: Vec<u8>, mime: &'static str, width: u32, height: u32) -> PreparedImage {
    PreparedImage {
        bytes,
        mime,
        width,
        height,
    }
}

/// The largest square in the middle of the image (a portrait's face is usually there).
fn centre_square(image: &DynamicImage) -> DynamicImage {
    let side = image.width().min(image.height());
    let x = (image.width() - side) / 2;
    let y = (image.height() - side) / 2;
    image.crop_imm(x, y, side, side)
}

/// A logo's size in its box: scaled down to fit, never up (a small logo stays sharp), at
/// least one pixel a side however thin it is.
fn fitted(width: u32, height: u32) -> (u32, u32) {
    let scale = (f64::from(LOGO_MAX_WIDTH) / f64::from(width.max(1)))
        .min(f64::from(LOGO_MAX_HEIGHT) / f64::from(height.max(1)))
        .min(1.0);
    let side = |length: u32, max: u32| ((f64::from(length) * scale).round() as u32).clamp(1, max);
    (side(width, LOGO_MAX_WIDTH), side(height, LOGO_MAX_HEIGHT))
}

/// The sizes tried in turn: the given one, then each [`SHRINK_STEP`] smaller, until a side
/// would have its longer side below [`MIN_SHRUNK_SIDE`] (the given size is always tried,
/// however small).
fn shrinking(width: u32, height: u32) -> impl Iterator<Item = (u32, u32)> {
    let (keep, of) = SHRINK_STEP;
    let smaller = move |&(w, h): &(u32, u32)| {
        let next = ((w * keep / of).max(1), (h * keep / of).max(1));
        (next.0.max(next.1) >= MIN_SHRUNK_SIDE).then_some(next)
    };
    std::iter::successors(Some((width, height)), smaller)
}

/// The image at exactly this size, by area averaging (fast and good for large reductions);
/// the image itself when it already is that size.
fn resized(image: &DynamicImage, width: u32, height: u32) -> DynamicImage {
    if (image.width(), image.height()) == (width, height) {
        return image.clone();
    }
    image.thumbnail_exact(width, height)
}

/// Each pixel composited over white by its alpha.
fn flatten_on_white(image: &DynamicImage) -> RgbImage {
    let rgba = image.to_rgba8();
    RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let [r, g, b, alpha] = rgba.get_pixel(x, y).0;
        Rgb([r, g, b].map(|channel| over_white(channel, alpha)))
    })
}

/// One channel over white: `c·a + 255·(1 − a)`, rounded.
fn over_white(channel: u8, alpha: u8) -> u8 {
    let (channel, alpha) = (u32::from(channel), u32::from(alpha));
    ((channel * alpha + 255 * (255 - alpha) + 127) / 255) as u8
}

fn encode_jpeg(image: &RgbImage, quality: u8) -> Result<Vec<u8>, ImageRefusal> {
    let mut bytes = Vec::new();
    JpegEncoder::new_with_quality(&mut bytes, quality)
        .encode_image(image)
        .map_err(|_| ImageRefusal::Unfittable)?;
    Ok(bytes)
}

/// 8-bit RGBA when the image has an alpha channel, else 8-bit RGB (a quarter smaller).
fn encode_png(image: &DynamicImage) -> Result<Vec<u8>, ImageRefusal> {
    let (pixels, colour) = if image.color().has_alpha() {
        (image.to_rgba8().into_raw(), ExtendedColorType::Rgba8)
    } else {
        (image.to_rgb8().into_raw(), ExtendedColorType::Rgb8)
    };
    let mut bytes = Vec::new();
    PngEncoder::new_with_quality(&mut bytes, CompressionType::Best, FilterType::Adaptive)
        .write_image(&pixels, image.width(), image.height(), colour)
        .map_err(|_| ImageRefusal::Unfittable)?;
    Ok(bytes)
}
