//! JPEG slides assembled from restart-interval segments, so that what a slide shares with its
//! backdrop is encoded once per carousel instead of once per slide.
//!
//! A baseline JPEG with a restart interval of `R` MCUs is a header followed by independent
//! entropy-coded segments (DC prediction restarts at every `RSTn` marker). When `R` divides
//! the MCUs of a row, every segment is an `8R × 8` pixel tile whose bytes depend only on its
//! own pixels. So a slide's tiles that equal its backdrop's reuse the backdrop's bytes, and
//! only the tiles its text touched are encoded. The result is byte for byte what
//! libjpeg-turbo ([`super::turbo`]) writes for the whole slide with the same restart interval
//! (a unit test checks it): reuse changes the cost, never the image.
use image::RgbImage;

use super::turbo::{encode_rgb, RgbRect};

/// Tile width in MCUs (72 px): small tiles follow text closely, but each costs a marker, its
/// padding and a fresh DC prediction. Measured on 1080×1350 galaxy slides: 5 MCUs 190 KB a
/// slide, 9 MCUs 179 KB and the fastest, 15 MCUs 173 KB but 7 % slower (more tiles re-encoded).
const TILE_MCUS: usize = 9;

/// How a slide of `width × height` is cut into tiles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grid {
    width: usize,
    height: usize,
    /// Tile width in MCUs (the restart interval).
    mcus: usize,
    cols: usize,
    rows: usize,
}

impl Grid {
    /// The tiling of a `width × height` image: tiles of [`TILE_MCUS`] MCUs, or of the largest
    /// divisor of the row's MCUs below that when it does not divide them (whole rows when the
    /// width is no multiple of 8).
    pub fn new(width: u32, height: u32) -> Grid {
        let (width, height) = (width as usize, height as usize);
        let row_mcus = width.div_ceil(8);
        let mcus = if width % 8 != 0 {
            row_mcus
        } else {
            (1..=TILE_MCUS.min(row_mcus))
                .rev()
                .find(|m| row_mcus % m == 0)
                .unwrap_or(1)
        };
        Grid {
            width,
            height,
            mcus,
            cols: row_mcus / mcus,
            rows: height.div_ceil(8),
        }
    }

    pub fn tiles(&self) -> usize {
        self.cols * self.rows
    }

    fn tile_px(&self) -> usize {
        self.mcus * 8
    }

    /// Pixel columns `[x0, x1)` of tile column `c`.
    fn columns(&self, c: usize) -> (usize, usize) {
        let x0 = c * self.tile_px();
        (x0, (x0 + self.tile_px()).min(self.width))
    }

    /// Pixel rows `[y0, y1)` of tile row `r`.
    fn lines(&self, r: usize) -> (usize, usize) {
        (r * 8, (r * 8 + 8).min(self.height))
    }
}

/// Which tiles of `img` differ from `backdrop` (same size), in raster order.
pub fn changed_tiles(grid: &Grid, img: &RgbImage, backdrop: &RgbImage) -> Vec<bool> {
    let stride = grid.width * 3;
    let (a, b) = (img.as_raw(), backdrop.as_raw());
    let mut changed = vec![false; grid.tiles()];
    for r in 0..grid.rows {
        let (y0, y1) = grid.lines(r);
        for c in 0..grid.cols {
            let (x0, x1) = grid.columns(c);
            changed[r * grid.cols + c] = (y0..y1).any(|y| {
                let span = y * stride + x0 * 3..y * stride + x1 * 3;
                a.get(span.clone()) != b.get(span)
            });
        }
    }
    changed
}

/// A rectangle of tiles: rows `[r0, r1)` × columns `[c0, c1)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Patch {
    r0: usize,
    r1: usize,
    c0: usize,
    c1: usize,
}

/// Covers the `wanted` tiles with few rectangles (one encoder call each): each row's runs of
/// wanted tiles, merged with the same run on the row below.
pub fn patches(grid: &Grid, wanted: &[bool]) -> Vec<Patch> {
    let mut open: Vec<Patch> = Vec::new();
    let mut done = Vec::new();
    for r in 0..grid.rows {
        let row = &wanted[r * grid.cols..(r + 1) * grid.cols];
        let mut runs = Vec::new();
        let mut c = 0;
        while c < grid.cols {
            if row[c] {
                let start = c;
                while c < grid.cols && row[c] {
                    c += 1;
                }
                runs.push((start, c));
            } else {
                c += 1;
            }
        }
        let mut still_open = Vec::new();
        for p in open.drain(..) {
            if let Some(i) = runs.iter().position(|&(c0, c1)| (c0, c1) == (p.c0, p.c1)) {
                runs.remove(i);
                still_open.push(Patch { r1: r + 1, ..p });
            } else {
                done.push(p);
            }
        }
        still_open.extend(runs.into_iter().map(|(c0, c1)| Patch {
            r0: r,
            r1: r + 1,
            c0,
            c1,
        }));
        open = still_open;
    }
    done.extend(open);
    done
}

/// Encoded tiles of one image; `None` where a tile was not asked for.
#[derive(Clone)]
pub struct Tiles {
    /// Everything before the first segment, from an encoding of a patch (its frame size is
    /// rewritten when a whole image is assembled).
    header: Vec<u8>,
    segments: Vec<Option<Vec<u8>>>,
}

/// `wanted` split into masks of at most `rows` tile rows each, leaving out empty ones: jobs
/// that encode one image's tiles in parallel.
pub fn bands(grid: &Grid, wanted: &[bool], rows: usize) -> Vec<Vec<bool>> {
    let per_band = rows.max(1) * grid.cols;
    wanted
        .chunks(per_band)
        .enumerate()
        .filter(|(_, band)| band.iter().any(|w| *w))
        .map(|(k, band)| {
            let mut mask = vec![false; wanted.len()];
            mask[k * per_band..k * per_band + band.len()].copy_from_slice(band);
            mask
        })
        .collect()
}

impl Tiles {
    /// No tile encoded yet.
    pub fn none(grid: &Grid) -> Tiles {
        Tiles {
            header: Vec::new(),
            segments: vec![None; grid.tiles()],
        }
    }

    /// Whether tile `i` is encoded.
    pub fn has(&self, i: usize) -> bool {
        self.segments.get(i).is_some_and(Option::is_some)
    }

    /// Takes in the tiles `other` encoded (of the same image).
    pub fn merge(&mut self, other: Tiles) {
        if self.header.is_empty() {
            self.header = other.header;
        }
        for (mine, theirs) in self.segments.iter_mut().zip(other.segments) {
            if theirs.is_some() {
                *mine = theirs;
            }
        }
    }
}

/// Encodes the `wanted` tiles of `img` (one encoder call per patch).
pub fn encode_tiles(
    grid: &Grid,
    img: &RgbImage,
    wanted: &[bool],
    quality: u8,
) -> Result<Tiles, String> {
    let mut tiles = Tiles::none(grid);
    for patch in patches(grid, wanted) {
        let (header, segments) = encode_patch(grid, img, &patch, quality)?;
        if tiles.header.is_empty() {
            tiles.header = header;
        }
        let mut segments = segments.into_iter();
        for r in patch.r0..patch.r1 {
            for c in patch.c0..patch.c1 {
                tiles.segments[r * grid.cols + c] = Some(
                    segments
                        .next()
                        .ok_or("the encoder wrote fewer segments than tiles")?,
                );
            }
        }
    }
    Ok(tiles)
}

/// Assembles a whole JPEG from a slide's own tiles where it changed and its backdrop's
/// elsewhere.
pub fn assemble(grid: &Grid, own: &Tiles, backdrop: &Tiles) -> Result<Vec<u8>, String> {
    let header = if own.header.is_empty() {
        &backdrop.header
    } else {
        &own.header
    };
    let mut out = Vec::with_capacity(200 * 1024);
    out.extend_from_slice(header);
    set_frame_size(&mut out, grid.width, grid.height)?;
    let n = grid.tiles();
    for i in 0..n {
        let segment = own.segments[i]
            .as_ref()
            .or(backdrop.segments[i].as_ref())
            .ok_or_else(|| {
                format!("tile {i} was encoded neither for the slide nor its backdrop")
            })?;
        out.extend_from_slice(segment);
        if i + 1 < n {
            out.extend_from_slice(&[0xFF, 0xD0 + (i % 8) as u8]);
        }
    }
    out.extend_from_slice(&[0xFF, 0xD9]);
    Ok(out)
}

/// Encodes the patch's pixels as their own JPEG (same tables, restart interval of one tile)
/// and splits it into its header and its segments, in raster order.
fn encode_patch(
    grid: &Grid,
    img: &RgbImage,
    patch: &Patch,
    quality: u8,
) -> Result<(Vec<u8>, Vec<Vec<u8>>), String> {
    let (x0, _) = grid.columns(patch.c0);
    let (_, x1) = grid.columns(patch.c1 - 1);
    let (y0, _) = grid.lines(patch.r0);
    let (_, y1) = grid.lines(patch.r1 - 1);
    let stride = grid.width * 3;
    // Read in place: the encoder walks the patch's rows inside the whole image.
    let patch = RgbRect {
        pixels: img
            .as_raw()
            .get(y0 * stride + x0 * 3..)
            .ok_or("patch outside the image")?,
        width: x1 - x0,
        height: y1 - y0,
        stride,
    };
    let restart = u16::try_from(grid.mcus).map_err(|_| "restart interval above 65535 MCUs")?;
    split(&encode_rgb(patch, quality, restart)?)
}

/// A JPEG's bytes up to its first entropy-coded segment, and the segments between restart
/// markers (without the markers).
fn split(jpeg: &[u8]) -> Result<(Vec<u8>, Vec<Vec<u8>>), String> {
    let sos = find_marker(jpeg, 0xDA).ok_or("no start of scan")?;
    let len = usize::from(u16::from_be_bytes([
        *jpeg.get(sos + 2).ok_or("truncated scan header")?,
        *jpeg.get(sos + 3).ok_or("truncated scan header")?,
    ]));
    let start = sos + 2 + len;
    let mut segments = Vec::new();
    let mut from = start;
    let mut i = start;
    while i + 1 < jpeg.len() {
        if jpeg[i] == 0xFF {
            match jpeg[i + 1] {
                0x00 => i += 2,
                0xD0..=0xD7 | 0xD9 => {
                    segments.push(jpeg[from..i].to_vec());
                    if jpeg[i + 1] == 0xD9 {
                        return Ok((jpeg[..start].to_vec(), segments));
                    }
                    i += 2;
                    from = i;
                }
                other => return Err(format!("unexpected marker 0xFF{other:02X} in the scan")),
            }
        } else {
            i += 1;
        }
    }
    Err("no end of image".into())
}

/// Offset of the first `0xFF marker` among the header's segments (walking their lengths).
fn find_marker(jpeg: &[u8], marker: u8) -> Option<usize> {
    let mut i = 2; // after SOI
    while i + 3 < jpeg.len() {
        if jpeg[i] != 0xFF {
            return None;
        }
        if jpeg[i + 1] == marker {
            return Some(i);
        }
        i += 2 + usize::from(u16::from_be_bytes([jpeg[i + 2], jpeg[i + 3]]));
    }
    None
}

/// Rewrites the baseline frame header's height and width.
fn set_frame_size(header: &mut [u8], width: usize, height: usize) -> Result<(), String> {
    let sof = find_marker(header, 0xC0).ok_or("no baseline frame header")?;
    let (h, w) = (
        u16::try_from(height).map_err(|_| "too tall")?,
        u16::try_from(width).map_err(|_| "too wide")?,
    );
    let fields = header
        .get_mut(sof + 5..sof + 9)
        .ok_or("truncated frame header")?;
    fields[..2].copy_from_slice(&h.to_be_bytes());
    fields[2..].copy_from_slice(&w.to_be_bytes());
    Ok(())
}

#[cfg(test)]
mod tests;
