//! Baseline JPEG from libjpeg-turbo (its SIMD colour conversion, DCT and Huffman coding),
//! through the C shim in `native/jpeg_encode.c` that `build.rs` compiles. Measured on our
//! 1080×1350 slides it encodes about twice as fast as `jpeg-encoder`'s AVX2 path, and photos
//! are what a user waits for.
use std::ffi::{c_char, c_int, c_uint, c_ulong, CStr};

extern "C" {
    fn bvc_jpeg_encode_rgb(
        pixels: *const u8,
        width: c_uint,
        height: c_uint,
        stride: usize,
        quality: c_int,
        restart_mcus: c_uint,
        out: *mut *mut u8,
        out_len: *mut c_ulong,
        message: *mut c_char,
        message_len: usize,
    ) -> c_int;
    fn bvc_jpeg_free(buffer: *mut u8);
}

/// An RGB rectangle read in place: `width × height` pixels starting at `pixels[0]`, rows
/// `stride` bytes apart (the rectangle may be part of a larger image).
#[derive(Debug, Clone, Copy)]
pub struct RgbRect<'a> {
    pub pixels: &'a [u8],
    pub width: usize,
    pub height: usize,
    pub stride: usize,
}

impl RgbRect<'_> {
    /// Whether every row the encoder will read lies inside `pixels`.
    fn fits(&self) -> bool {
        let row = self.width.checked_mul(3);
        let last_row_start = self
            .height
            .checked_sub(1)
            .and_then(|h| h.checked_mul(self.stride));
        match (row, last_row_start) {
            (Some(row), Some(start)) => {
                self.width > 0
                    && row <= self.stride
                    && start
                        .checked_add(row)
                        .is_some_and(|end| end <= self.pixels.len())
            }
            _ => false,
        }
    }
}

/// Encodes `image` at `quality` (1–100), 4:4:4 (no chroma subsampling), standard Huffman
/// tables, with a restart marker every `restart_mcus` MCUs (0: none). Deterministic: the same
/// pixels give the same bytes, and an aligned rectangle's entropy-coded segments are those of
/// the whole image ([`super::jpeg_segments`] relies on it).
pub fn encode_rgb(image: RgbRect<'_>, quality: u8, restart_mcus: u16) -> Result<Vec<u8>, String> {
    if !image.fits() {
        return Err(format!(
            "a {}×{} rectangle with rows {} bytes apart does not fit in {} bytes",
            image.width,
            image.height,
            image.stride,
            image.pixels.len()
        ));
    }
    let (width, height) = match (u16::try_from(image.width), u16::try_from(image.height)) {
        (Ok(w), Ok(h)) => (c_uint::from(w), c_uint::from(h)),
        _ => return Err("JPEG images are at most 65535 px a side".into()),
    };
    let mut out: *mut u8 = std::ptr::null_mut();
    let mut len: c_ulong = 0;
    let mut message = [0 as c_char; 256];
    // SAFETY: `fits` checked that every row the shim reads (height rows of width × 3 bytes,
    // `stride` apart) lies inside `pixels`; the out-pointers and the message buffer are valid
    // for the call and the shim writes at most `message.len()` bytes, NUL-terminated.
    let status = unsafe {
        bvc_jpeg_encode_rgb(
            image.pixels.as_ptr(),
            width,
            height,
            image.stride,
            c_int::from(quality.clamp(1, 100)),
            c_uint::from(restart_mcus),
            &mut out,
            &mut len,
            message.as_mut_ptr(),
            message.len(),
        )
    };
    if status != 0 || out.is_null() {
        // SAFETY: the shim NUL-terminated the message (the buffer starts zeroed either way).
        let reason = unsafe { CStr::from_ptr(message.as_ptr()) }.to_string_lossy();
        return Err(format!("libjpeg-turbo: {reason}"));
    }
    let bytes = usize::try_from(len)
        .map_err(|_| "libjpeg-turbo wrote more than this platform can address".to_string())
        // SAFETY: on success `out` points to `len` bytes the shim allocated and we own.
        .map(|len| unsafe { std::slice::from_raw_parts(out, len) }.to_vec());
    // SAFETY: `out` came from the shim's allocator and is freed once, here.
    unsafe { bvc_jpeg_free(out) };
    bytes
}

/// A whole image, rows packed.
pub fn encode_image(
    img: &image::RgbImage,
    quality: u8,
    restart_mcus: u16,
) -> Result<Vec<u8>, String> {
    let (width, height) = (img.width() as usize, img.height() as usize);
    encode_rgb(
        RgbRect {
            pixels: img.as_raw(),
            width,
            height,
            stride: width * 3,
        },
        quality,
        restart_mcus,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gradient(width: u32, height: u32) -> image::RgbImage {
        image::RgbImage::from_fn(width, height, |x, y| {
            image::Rgb([(x * 255 / width) as u8, (y * 255 / height) as u8, 90])
        })
    }

    #[test]
    fn an_encoded_image_decodes_to_its_size_and_colours() {
        let img = gradient(1080, 1350);
        let bytes = encode_image(&img, 90, 0).unwrap_or_default();
        let decoded = image::load_from_memory(&bytes).map(|d| d.to_rgb8());
        let Ok(decoded) = decoded else {
            panic!("not a JPEG: {decoded:?}")
        };
        assert_eq!(decoded.dimensions(), (1080, 1350));
        let (a, b) = (img.get_pixel(500, 700), decoded.get_pixel(500, 700));
        for c in 0..3 {
            assert!(a[c].abs_diff(b[c]) <= 3, "{a:?} vs {b:?}");
        }
    }

    #[test]
    fn the_same_pixels_encode_to_the_same_bytes() {
        let img = gradient(200, 120);
        assert_eq!(encode_image(&img, 85, 9), encode_image(&img, 85, 9));
        assert_ne!(encode_image(&img, 85, 9), encode_image(&img, 60, 9));
    }

    #[test]
    fn a_rectangle_that_does_not_fit_its_buffer_is_refused_not_read() {
        let pixels = vec![0u8; 10 * 10 * 3];
        for (width, height, stride) in [(10, 11, 30), (11, 10, 30), (10, 10, 20), (0, 10, 30)] {
            let image = RgbRect {
                pixels: &pixels,
                width,
                height,
                stride,
            };
            assert!(
                encode_rgb(image, 90, 0).is_err(),
                "{width}×{height}/{stride}"
            );
        }
        let inner = RgbRect {
            pixels: &pixels[3 * 12..],
            width: 5,
            height: 8,
            stride: 30,
        };
        assert!(encode_rgb(inner, 90, 0).is_ok());
    }
}
