//! Every image here is made by the test itself: encoded with `image`, or crafted byte by byte
//! where an encoder would refuse to write it (a 30000×30000 header, an APNG, an animated WebP).
use super::*;
use image::codecs::gif::GifEncoder;
use image::codecs::webp::WebPEncoder;
use image::{Frame, GenericImageView, Rgba, RgbaImage};

/// A photo-like picture: smooth gradients plus `noise` of grain (0: none), deterministic.
fn photo(width: u32, height: u32, noise: u8) -> RgbImage {
    let mut state = 0x2545_f491_u32;
    RgbImage::from_fn(width, height, |x, y| {
        let mut grain = || {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            if noise == 0 {
                0
            } else {
                (state % u32::from(noise)) as u8
            }
        };
        Rgb([
            ((x * 200 / width.max(1)) as u8).wrapping_add(grain()),
            ((y * 200 / height.max(1)) as u8).wrapping_add(grain()),
            (((x + y) % 200) as u8).wrapping_add(grain()),
        ])
    })
}

fn jpeg_of(image: &RgbImage, quality: u8) -> Vec<u8> {
    let mut bytes = Vec::new();
    JpegEncoder::new_with_quality(&mut bytes, quality)
        .encode_image(image)
        .unwrap();
    bytes
}

fn png_of(image: &DynamicImage) -> Vec<u8> {
    let mut bytes = Vec::new();
    image
        .write_to(&mut Cursor::new(&mut bytes), ImageFormat::Png)
        .unwrap();
    bytes
}

/// A logo-like picture: an opaque disc on a transparent background.
fn disc(width: u32, height: u32) -> RgbaImage {
    RgbaImage::from_fn(width, height, |x, y| {
        let (dx, dy) = (x as i64 - width as i64 / 2, y as i64 - height as i64 / 2);
        let inside = dx * dx + dy * dy <= (width.min(height) as i64 / 2).pow(2);
        Rgba(if inside {
            [200, 30, 60, 255]
        } else {
            [0, 0, 0, 0]
        })
    })
}

/// CRC-32 (ISO-HDLC), as PNG chunks carry it: the decoder checks it.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xffff_ffff_u32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut chunk = (data.len() as u32).to_be_bytes().to_vec();
    chunk.extend_from_slice(kind);
    chunk.extend_from_slice(data);
    let crc = crc32(&chunk[4..]);
    chunk.extend_from_slice(&crc.to_be_bytes());
    chunk
}

/// A PNG that is only a signature, an IHDR claiming `width`×`height` (8-bit RGBA) and IEND.
fn png_header_only(width: u32, height: u32) -> Vec<u8> {
    let mut ihdr = width.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 6, 0, 0, 0]);
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.extend(png_chunk(b"IHDR", &ihdr));
    bytes.extend(png_chunk(b"IEND", &[]));
    bytes
}

/// A real PNG with an acTL chunk (2 frames, looping) right after its IHDR: an APNG.
fn apng() -> Vec<u8> {
    let still = png_of(&DynamicImage::ImageRgb8(photo(32, 32, 0)));
    let after_ihdr = 8 + 4 + 4 + 13 + 4;
    let mut actl = 2u32.to_be_bytes().to_vec();
    actl.extend_from_slice(&0u32.to_be_bytes());
    let mut bytes = still[..after_ihdr].to_vec();
    bytes.extend(png_chunk(b"acTL", &actl));
    bytes.extend_from_slice(&still[after_ihdr..]);
    bytes
}

fn gif_of(frames: usize) -> Vec<u8> {
    let mut bytes = Vec::new();
    {
        let mut encoder = GifEncoder::new(&mut bytes);
        let frames = (0..frames).map(|i| Frame::new(disc(24 + i as u32 * 8, 32)));
        encoder.encode_frames(frames).unwrap();
    }
    bytes
}

fn webp_of(image: &RgbaImage) -> Vec<u8> {
    let mut bytes = Vec::new();
    WebPEncoder::new_lossless(&mut bytes)
        .encode(
            image.as_raw(),
            image.width(),
            image.height(),
            ExtendedColorType::Rgba8,
        )
        .unwrap();
    bytes
}

fn riff_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut chunk = kind.to_vec();
    chunk.extend_from_slice(&(data.len() as u32).to_le_bytes());
    chunk.extend_from_slice(data);
    if data.len() % 2 == 1 {
        chunk.push(0);
    }
    chunk
}

/// An animated WebP: VP8X with the animation flag, ANIM, and two ANMF frames, each holding the
/// VP8L bitstream of a lossless still.
fn animated_webp() -> Vec<u8> {
    let (width, height) = (16u32, 16u32);
    let still = webp_of(&disc(width, height));
    // A simple-format WebP is "RIFF", size, "WEBP", then its one VP8L chunk.
    let vp8l = &still[12..];
    let mut vp8x = vec![0x02 | 0x10, 0, 0, 0];
    vp8x.extend_from_slice(&(width - 1).to_le_bytes()[..3]);
    vp8x.extend_from_slice(&(height - 1).to_le_bytes()[..3]);
    let mut anmf = vec![0; 6];
    anmf.extend_from_slice(&(width - 1).to_le_bytes()[..3]);
    anmf.extend_from_slice(&(height - 1).to_le_bytes()[..3]);
    anmf.extend_from_slice(&[100, 0, 0, 0]);
    anmf.extend_from_slice(vp8l);
    let mut body = b"WEBP".to_vec();
    body.extend(riff_chunk(b"VP8X", &vp8x));
    body.extend(riff_chunk(b"ANIM", &[255, 255, 255, 255, 0, 0]));
    body.extend(riff_chunk(b"ANMF", &anmf));
    body.extend(riff_chunk(b"ANMF", &anmf));
    riff_chunk(b"RIFF", &body)
}

/// What a prepared image decodes back to, checked against what it says it is.
fn decoded(prepared: &PreparedImage) -> DynamicImage {
    let format = image::guess_format(&prepared.bytes).unwrap();
    assert_eq!(format.to_mime_type(), prepared.mime);
    let image = image::load_from_memory(&prepared.bytes).unwrap();
    assert_eq!(image.dimensions(), (prepared.width, prepared.height));
    assert!(prepared.bytes.len() <= MAX_BRAND_ASSET_BYTES);
    image
}

#[test]
fn a_landscape_jpeg_becomes_a_centred_512_pixel_square_jpeg_avatar() {
    let upload = jpeg_of(&photo(1200, 800, 8), 90);
    let avatar = prepare(&upload, AssetKind::Avatar).unwrap();
    assert_eq!(
        (avatar.mime, avatar.width, avatar.height),
        ("image/jpeg", 512, 512)
    );
    decoded(&avatar);
}

#[test]
fn a_jpeg_logo_is_fitted_into_its_box_with_its_aspect_kept_as_an_opaque_png() {
    let upload = jpeg_of(&photo(2000, 500, 8), 90);
    let logo = prepare(&upload, AssetKind::Logo).unwrap();
    assert_eq!(
        (logo.mime, logo.width, logo.height),
        ("image/png", 640, 160)
    );
    assert!(!decoded(&logo).color().has_alpha());
}

#[test]
fn a_transparent_png_logo_keeps_its_transparency() {
    let upload = png_of(&DynamicImage::ImageRgba8(disc(900, 900)));
    let logo = prepare(&upload, AssetKind::Logo).unwrap();
    assert_eq!((logo.width, logo.height), (320, 320));
    let image = decoded(&logo).to_rgba8();
    assert_eq!(
        image.get_pixel(0, 0).0[3],
        0,
        "the corner stays transparent"
    );
    assert_eq!(image.get_pixel(160, 160).0, [200, 30, 60, 255]);
}

#[test]
fn a_transparent_png_avatar_is_flattened_onto_white() {
    let upload = png_of(&DynamicImage::ImageRgba8(disc(600, 400)));
    let avatar = prepare(&upload, AssetKind::Avatar).unwrap();
    assert_eq!((avatar.width, avatar.height), (400, 400));
    let image = decoded(&avatar).to_rgb8();
    assert!(
        image.get_pixel(1, 1).0.iter().all(|&c| c > 245),
        "white corner"
    );
    let [r, g, b] = image.get_pixel(200, 200).0;
    assert!(
        r > 180 && g < 60 && b < 80,
        "the disc keeps its colour: {r} {g} {b}"
    );
}

#[test]
fn a_small_image_is_kept_at_its_own_size_never_upscaled() {
    let upload = png_of(&DynamicImage::ImageRgb8(photo(10, 6, 0)));
    let avatar = prepare(&upload, AssetKind::Avatar).unwrap();
    assert_eq!((avatar.width, avatar.height), (6, 6));
    decoded(&avatar);
    let logo = prepare(&upload, AssetKind::Logo).unwrap();
    assert_eq!((logo.width, logo.height), (10, 6));
    decoded(&logo);
    let dot = png_of(&DynamicImage::ImageRgb8(photo(1, 1, 0)));
    assert_eq!(prepare(&dot, AssetKind::Avatar).unwrap().width, 1);
}

#[test]
fn a_still_gif_and_a_still_webp_are_taken() {
    let avatar = prepare(&gif_of(1), AssetKind::Avatar).unwrap();
    assert_eq!((avatar.width, avatar.height), (24, 24));
    decoded(&avatar);
    let logo = prepare(&webp_of(&disc(40, 20)), AssetKind::Logo).unwrap();
    assert_eq!((logo.width, logo.height), (40, 20));
    assert!(decoded(&logo).color().has_alpha());
}

#[test]
fn a_noisy_4000_pixel_photo_is_made_to_fit_the_kits_byte_budget() {
    let upload = jpeg_of(&photo(4000, 4000, 64), 92);
    assert!(upload.len() > MAX_BRAND_ASSET_BYTES * 4, "a heavy upload");
    assert!(upload.len() <= MAX_UPLOAD_BYTES);
    let avatar = prepare(&upload, AssetKind::Avatar).unwrap();
    assert_eq!(avatar.width, 512);
    decoded(&avatar);
    let logo = prepare(&upload, AssetKind::Logo).unwrap();
    assert!(logo.width <= LOGO_MAX_WIDTH && logo.height <= LOGO_MAX_HEIGHT);
    assert_eq!(logo.width, logo.height, "the square stays square");
    decoded(&logo);
}

#[test]
fn a_noisy_wide_logo_too_big_as_a_png_is_shrunk_until_it_fits() {
    let upload = png_of(&DynamicImage::ImageRgb8(photo(1280, 640, 255)));
    let logo = prepare(&upload, AssetKind::Logo).unwrap();
    assert!(
        logo.width < LOGO_MAX_WIDTH,
        "shrunk below its box: {}",
        logo.width
    );
    assert_eq!(logo.width, logo.height * 2, "aspect kept");
    decoded(&logo);
}

#[test]
fn a_header_claiming_30000_by_30000_pixels_is_refused_before_decoding() {
    let upload = png_header_only(30_000, 30_000);
    assert!(upload.len() < 100);
    assert_eq!(
        prepare(&upload, AssetKind::Avatar),
        Err(ImageRefusal::TooManyPixels {
            width: 30_000,
            height: 30_000
        })
    );
    // A side over the limit, or too many pixels in all, each alone is enough.
    assert!(matches!(
        prepare(&png_header_only(8001, 10), AssetKind::Logo),
        Err(ImageRefusal::TooManyPixels { .. })
    ));
    assert!(matches!(
        prepare(&png_header_only(7000, 7000), AssetKind::Logo),
        Err(ImageRefusal::TooManyPixels { .. })
    ));
    // At the limit, it goes on to decoding (and this header has no pixels).
    assert_eq!(
        prepare(&png_header_only(8000, 5000), AssetKind::Logo),
        Err(ImageRefusal::Unreadable)
    );
}

#[test]
fn an_animated_gif_png_or_webp_is_refused() {
    for (what, upload) in [
        ("gif", gif_of(2)),
        ("apng", apng()),
        ("webp", animated_webp()),
    ] {
        assert_eq!(
            prepare(&upload, AssetKind::Avatar),
            Err(ImageRefusal::Animated),
            "{what}"
        );
    }
}

#[test]
fn the_still_versions_of_the_animations_are_not_taken_for_animations() {
    let still_png = png_of(&DynamicImage::ImageRgb8(photo(32, 32, 0)));
    assert!(prepare(&still_png, AssetKind::Logo).is_ok());
    assert_eq!(gif::frame_count(&gif_of(3), 10), 3);
    assert_eq!(gif::frame_count(&gif_of(1), 10), 1);
}

#[test]
fn text_a_pdf_or_nothing_is_not_an_image_whatever_it_is_called() {
    for upload in [
        b"hello, this is not a picture\n".as_slice(),
        b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n",
        b"",
        b"\x89PN",
    ] {
        assert_eq!(
            prepare(upload, AssetKind::Avatar),
            Err(ImageRefusal::NotAnImage)
        );
    }
}

#[test]
fn a_file_over_20_mib_is_refused_unread() {
    let mut upload = jpeg_of(&photo(8, 8, 0), 90);
    upload.resize(MAX_UPLOAD_BYTES + 1, 0);
    assert_eq!(
        prepare(&upload, AssetKind::Logo),
        Err(ImageRefusal::TooLarge {
            bytes: MAX_UPLOAD_BYTES + 1
        })
    );
}

#[test]
fn a_truncated_image_is_unreadable() {
    let whole = png_of(&DynamicImage::ImageRgb8(photo(64, 64, 255)));
    assert!(prepare(&whole, AssetKind::Logo).is_ok());
    let cut = &whole[..whole.len() / 2];
    assert_eq!(prepare(cut, AssetKind::Logo), Err(ImageRefusal::Unreadable));
    let jpeg = jpeg_of(&photo(64, 64, 8), 90);
    assert_eq!(
        prepare(&jpeg[..40], AssetKind::Avatar),
        Err(ImageRefusal::Unreadable)
    );
}

#[test]
fn each_refusal_has_its_own_reason() {
    let reasons: std::collections::BTreeSet<_> = [
        ImageRefusal::TooLarge { bytes: 1 },
        ImageRefusal::NotAnImage,
        ImageRefusal::Animated,
        ImageRefusal::TooManyPixels {
            width: 1,
            height: 1,
        },
        ImageRefusal::Unreadable,
        ImageRefusal::Unfittable,
    ]
    .iter()
    .map(ImageRefusal::reason)
    .collect();
    assert_eq!(reasons.len(), 6);
}

#[test]
fn over_white_keeps_opaque_colours_and_whitens_transparent_ones() {
    assert_eq!(over_white(10, 255), 10);
    assert_eq!(over_white(10, 0), 255);
    assert_eq!(over_white(0, 128), 127);
}

#[test]
fn shrinking_starts_at_the_given_size_and_stops_at_a_small_side() {
    let sizes: Vec<_> = shrinking(640, 320).collect();
    assert_eq!(sizes[..3], [(640, 320), (480, 240), (360, 180)]);
    let last = sizes.last().unwrap();
    assert!(last.0 >= MIN_SHRUNK_SIDE && last.0 * 3 / 4 < MIN_SHRUNK_SIDE);
    assert_eq!(shrinking(3, 2).collect::<Vec<_>>(), [(3, 2)]);
}

#[test]
fn fitting_a_logo_scales_down_only() {
    assert_eq!(fitted(1280, 640), (640, 320));
    assert_eq!(fitted(320, 1280), (80, 320));
    assert_eq!(fitted(100, 50), (100, 50));
    assert_eq!(fitted(8000, 1), (640, 1));
}
