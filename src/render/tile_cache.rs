//! Backdrop tiles kept across render calls. A backdrop is the same pixels for every carousel
//! with the same style, size, variant and colours, and encoding its
//! JPEG tiles was the largest share of a JPEG carousel's time; the next carousel of that shape
//! reuses them and only encodes what its own text touched. Bounded: at most [`ENTRIES`]
//! backdrops (all tiles of one 1080×1350 photo are ≈ 150–200 KB), least recently used first out.
//! The pixels of the last few backdrops drawn are kept too, so the next carousel of a kept shape
//! draws no background.
use std::sync::{Arc, Mutex, PoisonError};

use image::RgbImage;

use crate::domain::{SlideSize, Style};

use super::style::Palette;

use super::jpeg_segments::Tiles;

/// How many backdrops' tiles are kept: every style's variants at both sizes for a few carousel
/// lengths.
pub const ENTRIES: usize = 24;

/// What a backdrop's encoded tiles depend on: everything its pixels are drawn from, and the
/// quality. The carousel's length is not part of it (only galaxy's colours follow it, and they
/// are in the palette), so carousels of any length share vibrant's and minimal's backdrops.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BackdropKey {
    pub style: Style,
    pub size: SlideSize,
    pub variant: usize,
    pub palette: Palette,
    pub quality: u8,
}

/// What a backdrop's pixels depend on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PixelKey {
    pub style: Style,
    pub size: SlideSize,
    pub variant: usize,
    pub palette: Palette,
}

/// How many backdrops' pixels are kept (≈ 4.4 MB each at 1080×1350): enough for the backdrops of
/// one carousel of any style, so the next carousel of that shape draws none. Fewer than the
/// tiles: pixels are twenty times their JPEG tiles' size.
pub const PIXEL_ENTRIES: usize = 3;

/// A small map that keeps the `cap` most recently used entries (most recently used last).
pub struct Recent<K, V> {
    cap: usize,
    entries: Vec<(K, V)>,
}

impl<K: PartialEq, V: Clone> Recent<K, V> {
    pub const fn new(cap: usize) -> Self {
        Recent {
            cap,
            entries: Vec::new(),
        }
    }

    /// The value kept for `key`, which becomes the most recently used.
    pub fn get(&mut self, key: &K) -> Option<V> {
        let at = self.entries.iter().position(|(k, _)| k == key)?;
        let entry = self.entries.remove(at);
        let value = entry.1.clone();
        self.entries.push(entry);
        Some(value)
    }

    /// Keeps `value` for `key`, dropping the least recently used entry beyond the bound.
    pub fn keep(&mut self, key: K, value: V) {
        self.entries.retain(|(k, _)| *k != key);
        self.entries.push((key, value));
        if self.entries.len() > self.cap {
            self.entries.remove(0);
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn clear(&mut self) {
        self.entries.clear();
    }
}

/// A [`Recent`] map shared by every render call. Entries are whole values swapped in and out:
/// a panic elsewhere cannot leave one half-made, so a poisoned lock is still sound to use.
pub struct Kept<K, V>(Mutex<Recent<K, V>>);

impl<K: PartialEq, V: Clone> Kept<K, V> {
    pub const fn new(cap: usize) -> Self {
        Kept(Mutex::new(Recent::new(cap)))
    }

    fn with<R>(&self, f: impl FnOnce(&mut Recent<K, V>) -> R) -> R {
        f(&mut self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }

    pub fn get(&self, key: &K) -> Option<V> {
        self.with(|kept| kept.get(key))
    }

    pub fn keep(&self, key: K, value: V) {
        self.with(|kept| kept.keep(key, value))
    }

    pub fn clear(&self) {
        self.with(Recent::clear)
    }
}

static TILES: Kept<BackdropKey, Arc<Tiles>> = Kept::new(ENTRIES);

/// The tiles kept for `key`, if any.
pub fn get(key: &BackdropKey) -> Option<Arc<Tiles>> {
    TILES.get(key)
}

/// Keeps `tiles` for `key`.
pub fn keep(key: BackdropKey, tiles: Arc<Tiles>) {
    TILES.keep(key, tiles)
}

static PIXELS: Kept<PixelKey, Arc<RgbImage>> = Kept::new(PIXEL_ENTRIES);

/// The pixels kept for a backdrop, if any.
pub fn pixels(key: &PixelKey) -> Option<Arc<RgbImage>> {
    PIXELS.get(key)
}

/// Keeps a backdrop's pixels.
pub fn keep_pixels(key: PixelKey, image: Arc<RgbImage>) {
    PIXELS.keep(key, image)
}

/// Forgets every kept backdrop, tiles and pixels (benchmarks of the first carousel of a shape).
pub fn forget_all() {
    TILES.clear();
    PIXELS.clear();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ImageFormat;
    use crate::render::samples::demo_slides;
    use crate::render::{render_range, render_slide, RenderError, RenderOptions};

    fn opts(style: Style) -> RenderOptions {
        RenderOptions {
            style,
            size: SlideSize::Portrait,
            format: ImageFormat::Jpeg,
            ..RenderOptions::default()
        }
    }

    fn ok<T>(r: Result<T, RenderError>) -> T {
        match r {
            Ok(v) => v,
            Err(e) => panic!("render failed: {e}"),
        }
    }

    #[test]
    fn a_jpeg_slide_is_the_same_bytes_whether_its_backdrop_tiles_were_kept_or_encoded_anew() {
        // Forgetting changes what is encoded, never the bytes: tests running beside this one
        // only lose hits.
        let slides: Vec<_> = demo_slides().into_iter().cycle().take(17).collect();
        let shorter: Vec<_> = slides[..9].to_vec();
        for &style in Style::ALL {
            let o = opts(style);
            forget_all();
            let short_fresh = ok(render_range(&shorter, 0..3, &o));
            forget_all();
            let fresh = ok(render_range(&slides, 0..3, &o));
            let kept = ok(render_range(&slides, 0..3, &o));
            // A carousel of another length reuses the backdrops it shares with this one, and
            // must not take this one's where they differ (galaxy's colours follow the length).
            let short_after = ok(render_range(&shorter, 0..3, &o));
            for (a, b) in fresh.iter().zip(&kept) {
                assert!(
                    a.bytes == b.bytes,
                    "{style}: slide {} differs when kept",
                    a.index
                );
            }
            for (a, b) in short_fresh.iter().zip(&short_after) {
                assert!(
                    a.bytes == b.bytes,
                    "{style}: slide {} of 9 differs",
                    a.index
                );
            }
            let tail = ok(render_range(&slides, 3..6, &o));
            let alone = ok(render_slide(&slides[4], 4, 17, &o));
            assert!(alone.bytes == tail[1].bytes, "{style}: slide 4 differs");
        }
    }

    #[test]
    fn warming_up_keeps_every_tile_of_every_styles_backdrops_and_changes_no_byte() {
        use crate::render::{backdrop_variants, warm_up};
        let quality = 77;
        let key = |style, variant| BackdropKey {
            style,
            size: SlideSize::Portrait,
            variant,
            palette: Palette::new(style, variant, 10),
            quality,
        };
        let all_kept = || {
            Style::ALL.iter().all(|&style| {
                (0..backdrop_variants(style)).all(|v| {
                    get(&key(style, v)).is_some_and(|tiles| {
                        let grid = crate::render::jpeg_segments::Grid::new(1080, 1350);
                        (0..grid.tiles()).all(|t| tiles.has(t))
                    })
                })
            })
        };
        // The test beside this one forgets everything now and then: a few tries.
        let kept = (0..3).any(|_| ok(warm_up(SlideSize::Portrait, 10, quality)) == 6 && all_kept());
        assert!(kept, "warm-up left some backdrop tiles unencoded");
        let slides: Vec<_> = demo_slides().into_iter().cycle().take(10).collect();
        let o = RenderOptions {
            jpeg_quality: quality,
            ..opts(Style::Vibrant)
        };
        let warm = ok(render_range(&slides, 0..4, &o));
        forget_all();
        let cold = ok(render_range(&slides, 0..4, &o));
        assert!(warm.iter().zip(&cold).all(|(a, b)| a.bytes == b.bytes));
    }

    #[test]
    fn the_least_recently_used_entry_is_dropped_beyond_the_bound() {
        let mut recent = Recent::new(3);
        for n in 0..3 {
            recent.keep(n, n * 10);
        }
        assert_eq!(
            recent.get(&0),
            Some(0),
            "kept, and now the most recently used"
        );
        recent.keep(3, 30);
        assert_eq!(recent.len(), 3);
        assert_eq!(recent.get(&1), None, "the least recently used went first");
        assert_eq!(recent.get(&0), Some(0));
        recent.keep(0, 1);
        assert_eq!(
            (recent.get(&0), recent.len()),
            (Some(1), 3),
            "a key is kept once"
        );
    }
}
