//! Pure text layout for every script: sanitise; per paragraph, resolve the bidi levels
//! (UAX #9), pick each character's face through the fallback chain, shape each run of one face
//! and one level (HarfBuzz's rules through rustybuzz: Arabic joining, Indic reordering and
//! conjuncts, Thai marks, kerning and ligatures), find the line break opportunities (UAX #14,
//! with ICU's dictionaries for Thai, Lao, Khmer and Burmese; between CJK characters, never
//! before "。" or "、"), and wrap greedily; then shrink the size until the text fits, and if it
//! does not fit at the minimum size, end the last line that fits with an ellipsis.
//!
//! Shaping happens once per text, in em units: each size only re-wraps.
//!
//! Guarantee (checked by property tests over mixed scripts): every line's rectangle lies inside
//! `[0, max_width] × [0, max_height]`, and the chosen size lies inside the range. A character no
//! face covers is laid out as a box ([`MISSING`]), never dropped.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock};

use ab_glyph::GlyphId;
use icu_segmenter::{options::LineBreakOptions, LineSegmenter, LineSegmenterBorrowed};
use unicode_bidi::{Level, ParagraphBidiInfo};
use unicode_properties::{GeneralCategoryGroup, UnicodeGeneralCategory};

use super::fonts::{CjkRegion, FontStack, MISSING, MISSING_BOX_EM};
use super::text::sanitize;

/// Axis-aligned rectangle in pixels (x right, y down).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Rect {
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
}

impl Rect {
    pub const fn new(x: f32, y: f32, w: f32, h: f32) -> Rect {
        Rect { x, y, w, h }
    }

    pub fn right(&self) -> f32 {
        self.x + self.w
    }

    pub fn bottom(&self) -> f32 {
        self.y + self.h
    }

    /// The rectangle shrunk by `dx` on the left and right and `dy` on top and bottom.
    pub fn inset(&self, dx: f32, dy: f32) -> Rect {
        Rect::new(
            self.x + dx,
            self.y + dy,
            (self.w - 2.0 * dx).max(0.0),
            (self.h - 2.0 * dy).max(0.0),
        )
    }

    pub fn translate(&self, dx: f32, dy: f32) -> Rect {
        Rect::new(self.x + dx, self.y + dy, self.w, self.h)
    }

    /// True when `other` lies inside `self`, allowing `eps` pixels of rounding.
    pub fn contains(&self, other: &Rect, eps: f32) -> bool {
        other.x >= self.x - eps
            && other.y >= self.y - eps
            && other.right() <= self.right() + eps
            && other.bottom() <= self.bottom() + eps
    }

    /// True when the point lies inside (edges included).
    pub fn contains_point(&self, x: f32, y: f32) -> bool {
        x >= self.x && x <= self.right() && y >= self.y && y <= self.bottom()
    }

    pub fn union(&self, other: &Rect) -> Rect {
        let x = self.x.min(other.x);
        let y = self.y.min(other.y);
        Rect::new(
            x,
            y,
            self.right().max(other.right()) - x,
            self.bottom().max(other.bottom()) - y,
        )
    }
}

/// Font size bounds in pixels per em; layout starts at `max` and shrinks to `min`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SizeRange {
    pub max: f32,
    pub min: f32,
}

impl SizeRange {
    pub const fn new(max: f32, min: f32) -> SizeRange {
        SizeRange { max, min }
    }

    /// The range with NaN, negative, absurd or inverted bounds repaired.
    pub fn sanitized(&self) -> SizeRange {
        let min = if self.min.is_finite() {
            self.min.clamp(1.0, 1_000.0)
        } else {
            12.0
        };
        let max = if self.max.is_finite() {
            self.max.clamp(min, 1_000.0)
        } else {
            min
        };
        SizeRange { max, min }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Align {
    /// The paragraph's start: the left for left-to-right text, the right for Arabic or Hebrew.
    #[default]
    Start,
    Center,
}

/// How a block of text is set.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TextSpec {
    pub sizes: SizeRange,
    /// Line advance as a multiple of the font size.
    pub line_height: f32,
    pub align: Align,
    /// Hard cap on the number of lines (in addition to the height limit).
    pub max_lines: usize,
}

impl TextSpec {
    pub const fn new(sizes: SizeRange) -> TextSpec {
        TextSpec {
            sizes,
            line_height: 1.25,
            align: Align::Start,
            max_lines: usize::MAX,
        }
    }

    pub const fn line_height(mut self, factor: f32) -> TextSpec {
        self.line_height = factor;
        self
    }

    pub const fn align(mut self, align: Align) -> TextSpec {
        self.align = align;
        self
    }

    pub const fn max_lines(mut self, n: usize) -> TextSpec {
        self.max_lines = n;
        self
    }
}

/// One glyph on a line: face index in the stack ([`MISSING`] for a box), glyph id, and its
/// pen position relative to the line's left edge and baseline (y down).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlacedGlyph {
    pub face: u8,
    pub id: GlyphId,
    pub x: f32,
    pub y: f32,
    /// Byte offset in the line's `text` of the first character this glyph draws.
    pub cluster: usize,
}

/// One laid-out line. `rect` is relative to the text box's top-left corner;
/// `baseline` is the baseline's y in the same coordinates. Glyphs are in visual order.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// The line's characters in logical (reading) order.
    pub text: String,
    pub glyphs: Vec<PlacedGlyph>,
    pub rect: Rect,
    pub baseline: f32,
    /// The line's paragraph reads right to left.
    pub rtl: bool,
}

impl Line {
    /// True when glyph `g` of this line is a space: it only moves the pen (nothing to draw, but
    /// the PDF's text layer keeps it, so readers see the words apart).
    pub fn is_space(&self, g: &PlacedGlyph) -> bool {
        self.text.as_bytes().get(g.cluster) == Some(&b' ')
    }

    /// Each glyph of the line with the characters it stands for (in reading order; empty for the
    /// second and later glyphs of one cluster): what a copy of the line must paste.
    pub fn glyph_texts(&self) -> Vec<&str> {
        let mut starts: Vec<usize> = self.glyphs.iter().map(|g| g.cluster).collect();
        starts.push(self.text.len());
        starts.sort_unstable();
        starts.dedup();
        let mut seen = std::collections::HashSet::new();
        self.glyphs
            .iter()
            .map(|g| {
                if !seen.insert(g.cluster) {
                    return "";
                }
                let end = starts
                    .iter()
                    .copied()
                    .find(|&s| s > g.cluster)
                    .unwrap_or(self.text.len());
                self.text.get(g.cluster..end).unwrap_or("")
            })
            .collect()
    }
}

/// Result of [`fit_text`].
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    pub lines: Vec<Line>,
    /// Chosen size in pixels per em.
    pub font_size: f32,
    /// Line advance in pixels.
    pub line_height: f32,
    /// Union of the line rectangles (zero-sized at the origin when there are no lines).
    pub bbox: Rect,
    /// True when text was cut (ellipsis) because it did not fit at the minimum size.
    pub truncated: bool,
}

impl Layout {
    /// Height taken by the lines (0 when empty).
    pub fn height(&self) -> f32 {
        self.lines.last().map_or(0.0, |l| l.rect.bottom())
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// The visible text, lines joined with `\n`.
    pub fn text(&self) -> String {
        self.lines
            .iter()
            .map(|l| l.text.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Characters laid out as boxes because no font covers them.
    pub fn missing(&self) -> usize {
        self.lines
            .iter()
            .flat_map(|l| &l.glyphs)
            .filter(|g| g.face == MISSING)
            .count()
    }

    /// True when the first line's paragraph reads right to left (the slide mirrors).
    pub fn rtl(&self) -> bool {
        self.lines.first().is_some_and(|l| l.rtl)
    }
}

/// True when `text`'s first strong character reads right to left (Arabic, Hebrew…).
pub fn reads_rtl(text: &str) -> bool {
    ParagraphBidiInfo::new(text, None).paragraph_level.is_rtl()
}

/// UAX #14 with dictionaries for the scripts that write words without spaces. Built once: the
/// data is compiled in, so this only wires references.
static LINE_BREAKS: LazyLock<LineSegmenterBorrowed<'static>> =
    LazyLock::new(|| LineSegmenter::new_dictionary(LineBreakOptions::default()));

/// A shaped glyph, positions in em; `cluster` is the byte offset of its first character in the
/// paragraph.
#[derive(Debug, Clone, Copy)]
struct Shaped {
    face: u8,
    id: GlyphId,
    cluster: usize,
    adv: f32,
    dx: f32,
    dy: f32,
}

/// Consecutive characters of one face and one bidi level, shaped together; glyphs in visual
/// order (reversed for right-to-left runs, as the shaper returns them).
struct Run {
    start: usize,
    end: usize,
    level: Level,
    glyphs: Vec<Shaped>,
}

/// One paragraph, shaped: what wrapping needs at any size.
struct Paragraph {
    text: String,
    rtl: bool,
    level: Level,
    runs: Vec<Run>,
    /// Line break opportunities (byte offsets, from 0 to the end).
    breaks: Vec<usize>,
    /// `prefix[b]`: total advance (em) of the glyphs whose cluster starts before byte `b`.
    prefix: Vec<f32>,
    /// Cluster starts in byte order, and the end: where a word too wide for the box may break.
    clusters: Vec<usize>,
}

impl Paragraph {
    fn width(&self, from: usize, to: usize) -> f32 {
        self.prefix[to] - self.prefix[from]
    }

    /// `to` moved back over trailing spaces: they take no room at a line's end.
    fn trim_end(&self, from: usize, to: usize) -> usize {
        from + self.text[from..to].trim_end_matches(' ').len()
    }
}

/// Characters that belong to the cluster before them: marks, joiners, variation selectors.
fn joins_previous(c: char) -> bool {
    matches!(c, '\u{200C}' | '\u{200D}' | '\u{FE00}'..='\u{FE0F}')
        || c.general_category_group() == GeneralCategoryGroup::Mark
}

/// Faces for each character: the first face of the stack that covers it, except that marks,
/// joiners and spaces stay with the face before them when it has them (a space inside an
/// Arabic phrase keeps the phrase one run; a mark is shaped with its base).
fn faces_of(text: &str, stack: &FontStack<'_>) -> Vec<(usize, u8)> {
    let mut out: Vec<(usize, u8)> = Vec::with_capacity(text.len());
    let mut previous: Option<u8> = None;
    for (i, c) in text.char_indices() {
        let sticky = previous.filter(|&p| {
            p != MISSING
                && (joins_previous(c) || c == ' ')
                && (matches!(c, '\u{200C}' | '\u{200D}') || stack.face(p).glyph(c).is_some())
        });
        let face = match sticky {
            Some(p) => p,
            None => match stack.resolve(c) {
                Some((face, _)) => face,
                // A joiner with nothing to join, or a lone selector: shaped invisibly.
                None if joins_previous(c) => previous.unwrap_or(0),
                None => MISSING,
            },
        };
        out.push((i, face));
        previous = Some(face);
    }
    out
}

/// Shape plans by face, direction and script. Building one (which features the face has for the
/// script, in which lookups) cost more than shaping a slide's text with it; a process uses a
/// few dozen. Cleared when full.
static SHAPE_PLANS: LazyLock<parking_lot::Mutex<HashMap<PlanKey, Arc<rustybuzz::ShapePlan>>>> =
    LazyLock::new(Default::default);

type PlanKey = (&'static str, rustybuzz::Direction, rustybuzz::Script);

const MAX_SHAPE_PLANS: usize = 256;

fn shape_plan(
    font: &super::fonts::Face,
    direction: rustybuzz::Direction,
    script: rustybuzz::Script,
) -> Arc<rustybuzz::ShapePlan> {
    let key = (font.name, direction, script);
    if let Some(plan) = SHAPE_PLANS.lock().get(&key) {
        return plan.clone();
    }
    let plan = Arc::new(rustybuzz::ShapePlan::new(
        &font.shaper,
        direction,
        Some(script),
        None,
        &[],
    ));
    let mut plans = SHAPE_PLANS.lock();
    if plans.len() >= MAX_SHAPE_PLANS {
        plans.clear();
    }
    plans.insert(key, plan.clone());
    plan
}

fn shape_run(
    text: &str,
    start: usize,
    end: usize,
    face: u8,
    level: Level,
    stack: &FontStack<'_>,
) -> Run {
    let mut glyphs = Vec::new();
    if face == MISSING {
        glyphs.extend(text[start..end].char_indices().map(|(i, _)| Shaped {
            face,
            id: GlyphId(0),
            cluster: start + i,
            adv: MISSING_BOX_EM,
            dx: 0.0,
            dy: 0.0,
        }));
        if level.is_rtl() {
            glyphs.reverse();
        }
    } else {
        let font = stack.face(face);
        let mut buffer = rustybuzz::UnicodeBuffer::new();
        buffer.push_str(&text[start..end]);
        buffer.set_direction(if level.is_rtl() {
            rustybuzz::Direction::RightToLeft
        } else {
            rustybuzz::Direction::LeftToRight
        });
        buffer.guess_segment_properties();
        let plan = shape_plan(font, buffer.direction(), buffer.script());
        let shaped = rustybuzz::shape_with_plan(&font.shaper, &plan, buffer);
        let per_em = font.units_per_em();
        for (info, pos) in shaped.glyph_infos().iter().zip(shaped.glyph_positions()) {
            // A glyph the face turned out not to have (a mark kept with a base whose face
            // lacks it) is drawn as a box like any other uncovered character.
            let (face, id, adv) = match u16::try_from(info.glyph_id) {
                Ok(id) if id != 0 => (face, GlyphId(id), pos.x_advance as f32 / per_em),
                _ => (MISSING, GlyphId(0), MISSING_BOX_EM),
            };
            glyphs.push(Shaped {
                face,
                id,
                cluster: start + info.cluster as usize,
                adv: adv.max(0.0),
                dx: if face == MISSING {
                    0.0
                } else {
                    pos.x_offset as f32 / per_em
                },
                dy: if face == MISSING {
                    0.0
                } else {
                    pos.y_offset as f32 / per_em
                },
            });
        }
    }
    Run {
        start,
        end,
        level,
        glyphs,
    }
}

fn shape_paragraph(text: &str, stack: &FontStack<'_>) -> Paragraph {
    let stack = stack.with_cjk(CjkRegion::of(text));
    let bidi = ParagraphBidiInfo::new(text, None);
    let faces = faces_of(text, &stack);
    let mut runs = Vec::new();
    let mut k = 0;
    while k < faces.len() {
        let (start, face) = faces[k];
        let level = bidi.levels[start];
        let mut j = k + 1;
        while j < faces.len() && faces[j].1 == face && bidi.levels[faces[j].0] == level {
            j += 1;
        }
        let end = faces.get(j).map_or(text.len(), |f| f.0);
        runs.push(shape_run(text, start, end, face, level, &stack));
        k = j;
    }
    let mut prefix = vec![0.0f32; text.len() + 1];
    let mut clusters: Vec<usize> = Vec::with_capacity(text.len() + 1);
    for g in runs.iter().flat_map(|r| &r.glyphs) {
        prefix[g.cluster + 1] += g.adv;
        clusters.push(g.cluster);
    }
    for b in 1..prefix.len() {
        prefix[b] += prefix[b - 1];
    }
    clusters.push(text.len());
    clusters.sort_unstable();
    clusters.dedup();
    let breaks: Vec<usize> = LINE_BREAKS.segment_str(text).collect();
    Paragraph {
        text: text.to_string(),
        rtl: bidi.paragraph_level.is_rtl(),
        level: bidi.paragraph_level,
        runs,
        breaks,
        prefix,
        clusters,
    }
}

/// Text shaped against a font stack: paragraphs ready to wrap at any size.
struct Resolved {
    paragraphs: Vec<Paragraph>,
}

fn resolve(text: &str, stack: &FontStack<'_>) -> Resolved {
    let clean = sanitize(text);
    let mut paragraphs: Vec<Paragraph> = Vec::new();
    for para in clean.split('\n') {
        // Collapse repeated blank paragraphs; a blank one is a blank line between others.
        if para.is_empty() && paragraphs.last().is_none_or(|p| p.text.is_empty()) {
            continue;
        }
        paragraphs.push(shape_paragraph(para, stack));
    }
    while paragraphs.last().is_some_and(|p| p.text.is_empty()) {
        paragraphs.pop();
    }
    Resolved { paragraphs }
}

/// A line chosen by wrapping: paragraph index and the byte range it shows.
#[derive(Debug, Clone, Copy)]
struct WrapLine {
    para: usize,
    start: usize,
    end: usize,
    ellipsis: bool,
}

/// Breaks one paragraph into lines at `size`; clusters wider than the box alone are skipped
/// (only a box narrower than one letter has them) and reported, so a smaller size is tried.
fn wrap_paragraph(
    p: &Paragraph,
    index: usize,
    size: f32,
    max_w: f32,
    out: &mut Vec<WrapLine>,
) -> bool {
    let mut skipped = false;
    let fits = |from: usize, to: usize| p.width(from, p.trim_end(from, to)) * size <= max_w;
    let mut start = 0;
    let mut last_fit: Option<usize> = None;
    let mut b = 1;
    let mut pushed = false;
    while b < p.breaks.len() {
        let end = p.breaks[b];
        if end <= start {
            b += 1;
            continue;
        }
        if fits(start, end) {
            last_fit = Some(end);
            b += 1;
            continue;
        }
        if let Some(fit) = last_fit.take() {
            out.push(WrapLine {
                para: index,
                start,
                end: p.trim_end(start, fit),
                ellipsis: false,
            });
            pushed = true;
            start = fit;
            continue;
        }
        // One word wider than the box: break it between clusters.
        let mut piece_end = start;
        for &c in p.clusters.iter().filter(|&&c| c > start && c <= end) {
            if fits(start, c) {
                piece_end = c;
            } else {
                break;
            }
        }
        if piece_end == start {
            // Not even one cluster fits: skip it.
            skipped = true;
            start = p
                .clusters
                .iter()
                .copied()
                .find(|&c| c > start)
                .unwrap_or(p.text.len());
            continue;
        }
        out.push(WrapLine {
            para: index,
            start,
            end: piece_end,
            ellipsis: false,
        });
        pushed = true;
        start = piece_end;
    }
    if start < p.text.len() || !pushed {
        let end = p.trim_end(start, p.text.len());
        if end > start || !pushed {
            out.push(WrapLine {
                para: index,
                start,
                end,
                ellipsis: false,
            });
        }
    }
    skipped
}

/// Wraps at `size`; returns the lines and whether content was left over (`max_lines` reached,
/// or a cluster wider than the box).
fn wrap(res: &Resolved, size: f32, max_w: f32, max_lines: usize) -> (Vec<WrapLine>, bool) {
    let mut lines = Vec::new();
    let mut skipped = false;
    for (i, p) in res.paragraphs.iter().enumerate() {
        skipped |= wrap_paragraph(p, i, size, max_w, &mut lines);
        if lines.len() > max_lines {
            lines.truncate(max_lines);
            return (lines, true);
        }
    }
    (lines, skipped)
}

/// The ellipsis, shaped with the stack (three dots when no face has "…").
fn ellipsis_glyphs(stack: &FontStack<'_>) -> Vec<Shaped> {
    let text = if stack.covers('…') { "…" } else { "..." };
    let faces = faces_of(text, stack);
    let face = faces.first().map_or(MISSING, |f| f.1);
    if face == MISSING {
        return Vec::new();
    }
    shape_run(text, 0, text.len(), face, Level::ltr(), stack)
        .glyphs
        .into_iter()
        .map(|g| Shaped {
            cluster: usize::MAX,
            ..g
        })
        .collect()
}

/// Cuts the last line so that an ellipsis fits after it.
fn add_ellipsis(line: &mut WrapLine, res: &Resolved, stack: &FontStack<'_>, size: f32, max_w: f32) {
    let p = &res.paragraphs[line.para];
    let ell_w: f32 = ellipsis_glyphs(stack).iter().map(|g| g.adv * size).sum();
    if ell_w == 0.0 || ell_w > max_w {
        return;
    }
    let mut end = line.end;
    while end > line.start && p.width(line.start, end) * size + ell_w > max_w {
        end = p
            .clusters
            .iter()
            .rev()
            .copied()
            .find(|&c| c < end)
            .unwrap_or(line.start)
            .max(line.start);
        end = p.trim_end(line.start, end);
    }
    line.end = end;
    line.ellipsis = true;
}

/// The glyphs of `line` in visual order with their pen x (px, from 0), and the line's width.
fn place(
    line: &WrapLine,
    res: &Resolved,
    stack: &FontStack<'_>,
    size: f32,
) -> (Vec<PlacedGlyph>, f32) {
    let p = &res.paragraphs[line.para];
    let mut pieces: Vec<(Level, Vec<Shaped>)> = p
        .runs
        .iter()
        .filter(|r| r.start < line.end && r.end > line.start)
        .map(|r| {
            let glyphs = r
                .glyphs
                .iter()
                .filter(|g| g.cluster >= line.start && g.cluster < line.end)
                .copied()
                .collect();
            (r.level, glyphs)
        })
        .collect();
    if line.ellipsis {
        pieces.push((p.level, ellipsis_glyphs(stack)));
    }
    let levels: Vec<Level> = pieces.iter().map(|(l, _)| *l).collect();
    let order = ParagraphBidiInfo::reorder_visual(&levels);
    let mut pen = 0.0f32;
    let mut out = Vec::new();
    for k in order {
        for g in &pieces[k].1 {
            out.push(PlacedGlyph {
                face: g.face,
                id: g.id,
                x: (pen + g.dx * size).max(0.0),
                y: -g.dy * size,
                // The ellipsis stands after the line's own characters.
                cluster: g
                    .cluster
                    .checked_sub(line.start)
                    .map_or(line.end - line.start, |c| c.min(line.end - line.start)),
            });
            pen += g.adv * size;
        }
    }
    (out, pen)
}

/// Lays `text` out in a `max_width × max_height` box with the largest size in
/// `spec.sizes` at which it fits; see the module docs for the guarantees.
pub fn fit_text(
    text: &str,
    fonts: &FontStack<'_>,
    max_width: f32,
    max_height: f32,
    spec: &TextSpec,
) -> Layout {
    let sizes = spec.sizes.sanitized();
    let line_factor = if spec.line_height.is_finite() {
        spec.line_height.clamp(0.8, 4.0)
    } else {
        1.25
    };
    let max_w = if max_width.is_finite() {
        max_width.max(0.0)
    } else {
        0.0
    };
    let max_h = if max_height.is_finite() {
        max_height.max(0.0)
    } else {
        0.0
    };
    let res = resolve(text, fonts);

    let step = ((sizes.max - sizes.min) / 24.0).clamp(1.0, 4.0);
    let mut size = sizes.max;
    loop {
        let line_h = size * line_factor;
        // Lines that fill the box exactly must count despite float error, but the allowance is
        // in pixels: one relative to the line height let tall lines overrun the box by 0.01 px.
        let by_height = ((max_h + 0.001) / line_h).floor();
        let max_lines = if by_height >= usize::MAX as f32 {
            usize::MAX
        } else {
            by_height as usize
        }
        .min(spec.max_lines);
        let (mut lines, overflow) = wrap(&res, size, max_w, max_lines);
        if !overflow {
            return build(&lines, &res, fonts, size, line_h, max_w, spec.align, false);
        }
        if size <= sizes.min {
            if let Some(last) = lines.last_mut() {
                add_ellipsis(last, &res, fonts, size, max_w);
            }
            return build(&lines, &res, fonts, size, line_h, max_w, spec.align, true);
        }
        size = (size - step).max(sizes.min);
    }
}

#[allow(clippy::too_many_arguments)]
fn build(
    lines: &[WrapLine],
    res: &Resolved,
    fonts: &FontStack<'_>,
    size: f32,
    line_h: f32,
    max_w: f32,
    align: Align,
    truncated: bool,
) -> Layout {
    let primary = fonts.primary();
    let ink_h = (primary.ascent_em + primary.descent_em) * size;
    let baseline_in_line = (line_h - ink_h) / 2.0 + primary.ascent_em * size;
    let mut bbox: Option<Rect> = None;
    let out: Vec<Line> = lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let p = &res.paragraphs[l.para];
            let (glyphs, width) = place(l, res, fonts, size);
            let width = width.min(max_w);
            let x = match (align, p.rtl) {
                (Align::Start, false) => 0.0,
                (Align::Start, true) => (max_w - width).max(0.0),
                (Align::Center, _) => ((max_w - width) / 2.0).max(0.0),
            };
            let y = i as f32 * line_h;
            let rect = Rect::new(x, y, width, line_h);
            bbox = Some(bbox.map_or(rect, |b| b.union(&rect)));
            let mut text = p.text[l.start..l.end].to_string();
            if l.ellipsis {
                text.push('…');
            }
            Line {
                text,
                glyphs,
                rect,
                baseline: y + baseline_in_line,
                rtl: p.rtl,
            }
        })
        .collect();
    Layout {
        lines: out,
        font_size: size,
        line_height: line_h,
        bbox: bbox.unwrap_or_default(),
        truncated,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::fonts::Fonts;
    use proptest::prelude::*;

    fn fonts() -> &'static Fonts {
        match Fonts::bundled() {
            Ok(f) => f,
            Err(e) => panic!("bundled fonts must load: {e}"),
        }
    }

    const BODY: TextSpec = TextSpec::new(SizeRange::new(48.0, 28.0)).line_height(1.35);
    const TITLE: TextSpec = TextSpec::new(SizeRange::new(96.0, 48.0)).line_height(1.1);

    fn assert_inside(layout: &Layout, w: f32, h: f32) {
        let frame = Rect::new(0.0, 0.0, w, h);
        for line in &layout.lines {
            assert!(
                frame.contains(&line.rect, 0.01),
                "line {:?} outside {w}x{h}",
                line.rect
            );
        }
    }

    #[test]
    fn short_text_keeps_the_largest_size() {
        let l = fit_text("Вера", &fonts().title(), 860.0, 400.0, &TITLE);
        assert_eq!(l.font_size, 96.0);
        assert_eq!(l.lines.len(), 1);
        assert!(!l.truncated);
    }

    #[test]
    fn longer_text_shrinks_before_it_truncates() {
        let text = "Вера и сомнение идут рядом: сомнение честно спрашивает, а вера отвечает делом";
        let l = fit_text(text, &fonts().title(), 860.0, 330.0, &TITLE);
        assert!(
            l.font_size < 96.0 && l.font_size >= 48.0,
            "size {}",
            l.font_size
        );
        assert!(!l.truncated);
        assert_eq!(l.text().replace('\n', " "), text);
        assert_inside(&l, 860.0, 330.0);
    }

    #[test]
    fn lines_wrap_on_word_boundaries() {
        let l = fit_text(
            "alpha beta gamma delta epsilon zeta eta theta",
            &fonts().body(),
            300.0,
            1000.0,
            &BODY,
        );
        assert!(l.lines.len() > 1);
        for line in &l.lines {
            assert!(!line.text.starts_with(' ') && !line.text.ends_with(' '));
            for word in line.text.split(' ') {
                assert!(
                    ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"]
                        .contains(&word),
                    "{word}"
                );
            }
        }
    }

    #[test]
    fn long_words_break_inside_the_card() {
        let word = "Богословско-исследовательский".repeat(8);
        let l = fit_text(&word, &fonts().body(), 400.0, 2000.0, &BODY);
        assert!(l.lines.len() > 2, "{} lines", l.lines.len());
        assert_eq!(l.text().replace('\n', ""), word);
        assert_inside(&l, 400.0, 2000.0);
    }

    #[test]
    fn text_that_never_fits_is_truncated_with_an_ellipsis_at_the_minimum_size() {
        let long = "Слово за словом. ".repeat(300);
        let l = fit_text(&long, &fonts().body(), 860.0, 500.0, &BODY);
        assert!(l.truncated);
        assert_eq!(l.font_size, 28.0);
        assert!(l.text().ends_with('…'), "{}", l.text());
        assert!(l.height() <= 500.0);
        assert_inside(&l, 860.0, 500.0);
    }

    #[test]
    fn max_lines_caps_a_single_line_label() {
        let spec = TextSpec::new(SizeRange::new(30.0, 30.0)).max_lines(1);
        let l = fit_text(
            &"@very_long_handle".repeat(10),
            &fonts().label(),
            300.0,
            100.0,
            &spec,
        );
        assert_eq!(l.lines.len(), 1);
        assert!(l.truncated && l.text().ends_with('…'));
        assert!(l.lines[0].rect.w <= 300.0);
    }

    #[test]
    fn uncovered_characters_are_laid_out_as_boxes_and_counted() {
        let l = fit_text(
            // U+1FAE9 (Unicode 16) is newer than every bundled font; private use is removed.
            "a\u{10FFFD}\u{E000}b \u{1FAE9} c",
            &fonts().body(),
            800.0,
            200.0,
            &BODY,
        );
        assert_eq!(l.text(), "ab \u{1FAE9} c");
        assert_eq!(l.missing(), 1);
        let boxed: Vec<&PlacedGlyph> = l.lines[0]
            .glyphs
            .iter()
            .filter(|g| g.face == MISSING)
            .collect();
        assert_eq!(boxed.len(), 1);
        assert!(l
            .lines
            .iter()
            .flat_map(|l| &l.glyphs)
            .all(|g| g.face == MISSING || g.id.0 != 0));
    }

    #[test]
    fn emoji_fall_back_to_the_emoji_face() {
        let l = fit_text("Вера 🙏", &fonts().body(), 800.0, 200.0, &BODY);
        let faces: Vec<u8> = l.lines[0].glyphs.iter().map(|g| g.face).collect();
        // Four letters and the space in Inter, the emoji in colour.
        assert_eq!(faces, vec![0, 0, 0, 0, 0, 2]);
    }

    #[test]
    fn empty_and_invisible_text_lays_out_to_nothing() {
        for t in ["", "   ", "\u{0}\u{202E}\u{200B}\n\n", "\u{10FFFD}"] {
            let l = fit_text(t, &fonts().body(), 800.0, 200.0, &BODY);
            assert!(l.is_empty() && !l.truncated, "{t:?}");
        }
    }

    #[test]
    fn a_box_too_small_for_one_line_yields_no_lines() {
        let l = fit_text("text", &fonts().body(), 800.0, 10.0, &BODY);
        assert!(l.is_empty() && l.truncated);
    }

    #[test]
    fn centred_lines_stay_inside_the_box() {
        let spec = TITLE.align(Align::Center);
        let l = fit_text(
            "A centred title over two lines",
            &fonts().title(),
            500.0,
            800.0,
            &spec,
        );
        assert!(l.lines.iter().all(|line| line.rect.x > 0.0));
        assert_inside(&l, 500.0, 800.0);
    }

    fn any_text() -> impl Strategy<Value = String> {
        prop_oneof![
            any::<String>(),
            proptest::collection::vec(any::<char>(), 0..600).prop_map(|v| v.into_iter().collect()),
            "[a-zA-Zа-яА-Я0-9 ,.!?\n\t🙏✨\u{0}\u{202E}\u{2066}\u{200D}\u{FE0F}-]{0,400}",
            ("[a-zа-я]{1,80}", 1usize..40).prop_map(|(w, n)| w.repeat(n)),
        ]
    }

    /// Words of the scripts the slides must draw, mixed with Latin, digits and emoji.
    fn mixed_script_text() -> impl Strategy<Value = String> {
        let words = prop_oneof![
            Just("الإيمان"),
            Just("والأمل"),
            Just("ایمان"),
            Just("می\u{200C}خواهم"),
            Just("אמונה"),
            Just("ותקווה"),
            Just("आस्था"),
            Just("क्षमा"),
            Just("ศรัทธาและความหวัง"),
            Just("რწმენა"),
            Just("Հավատ"),
            Just("ሰላም"),
            Just("বিশ্বাস"),
            Just("நம்பிக்கை"),
            Just("信仰与希望。"),
            Just("信仰と希望、"),
            Just("믿음과"),
            Just("Faith"),
            Just("Вера"),
            Just("2026"),
            Just("🙏"),
            Just("(1.5)"),
            Just("—"),
        ];
        proptest::collection::vec((words, prop_oneof![Just(" "), Just(""), Just("\n")]), 0..40)
            .prop_map(|v| v.into_iter().map(|(w, sep)| format!("{w}{sep}")).collect())
    }

    #[test]
    fn arabic_letters_take_their_joining_forms() {
        let stack = fonts().body();
        let l = fit_text("سلام", &stack, 800.0, 200.0, &BODY);
        let line = &l.lines[0];
        assert!(line.rtl && l.missing() == 0);
        let face = stack.face(line.glyphs[0].face);
        assert!(face.name.contains("Arabic"), "{}", face.name);
        let isolated: Vec<u16> = "سلام"
            .chars()
            .filter_map(|c| face.glyph(c))
            .map(|g| g.0)
            .collect();
        let shaped: Vec<u16> = line.glyphs.iter().map(|g| g.id.0).collect();
        // Initial seen, medial lam, final meem: not the isolated forms the cmap gives.
        let differing = shaped.iter().filter(|id| !isolated.contains(id)).count();
        assert!(differing >= 2, "shaped {shaped:?} isolated {isolated:?}");
    }

    #[test]
    fn devanagari_forms_conjuncts_and_puts_the_i_sign_before_its_consonant() {
        let stack = fonts().body();
        let conjunct = fit_text("क्ष", &stack, 800.0, 200.0, &BODY);
        assert!(
            conjunct.lines[0].glyphs.len() < 3,
            "{:?}",
            conjunct.lines[0].glyphs
        );
        let ki = fit_text("कि", &stack, 800.0, 200.0, &BODY);
        let face = stack.face(ki.lines[0].glyphs[0].face);
        let ka = face.glyph('क').map(|g| g.0);
        let ids: Vec<u16> = ki.lines[0].glyphs.iter().map(|g| g.id.0).collect();
        assert_eq!(ids.len(), 2);
        assert_eq!(Some(ids[1]), ka, "the i sign is drawn first: {ids:?}");
    }

    #[test]
    fn thai_marks_sit_on_their_base_without_advancing() {
        let stack = fonts().body();
        let l = fit_text("ที่", &stack, 800.0, 200.0, &BODY);
        let g = &l.lines[0].glyphs;
        assert_eq!(g.len(), 3);
        assert!(
            l.lines[0].rect.w < 0.8 * l.font_size,
            "one cell wide: {}",
            l.lines[0].rect.w
        );
        assert!(g.iter().all(|g| g.id.0 != 0));
    }

    #[test]
    fn hebrew_with_latin_and_digits_reads_right_to_left_with_the_numbers_in_order() {
        let stack = fonts().body();
        let l = fit_text("שלום abc 123", &stack, 800.0, 200.0, &BODY);
        let line = &l.lines[0];
        assert!(line.rtl);
        assert!(
            line.rect.right() > 799.0,
            "aligned to the right: {:?}",
            line.rect
        );
        let inter = stack.primary();
        let id = |c: char| inter.glyph(c).map(|g| g.0);
        let at = |c: char| {
            line.glyphs
                .iter()
                .position(|g| Some(g.id.0) == id(c) && g.face == 0)
        };
        let (a, c, one, three) = (at('a'), at('c'), at('1'), at('3'));
        let hebrew = line
            .glyphs
            .iter()
            .position(|g| g.face >= 4)
            .expect("Hebrew glyphs");
        // Reading right to left: "שלום" first, so it is the rightmost; "abc 123" is one
        // left-to-right run (digits after Latin letters take their direction) to its left.
        assert!(
            a.is_some() && a < c && c < one && one < three,
            "{:?}",
            line.glyphs
        );
        assert!(three < Some(hebrew), "{:?}", line.glyphs);
    }

    #[test]
    fn arabic_with_an_embedded_latin_word_keeps_the_word_left_to_right() {
        let stack = fonts().body();
        let l = fit_text("مرحبا Telegram ٢٠٢٦", &stack, 1000.0, 200.0, &BODY);
        let line = &l.lines[0];
        assert!(line.rtl && l.missing() == 0);
        let inter = stack.primary();
        let ids: Vec<u16> = "Telegram"
            .chars()
            .filter_map(|c| inter.glyph(c))
            .map(|g| g.0)
            .collect();
        let latin: Vec<u16> = line
            .glyphs
            .iter()
            .filter(|g| g.face == 0 && g.id.0 != inter.glyph(' ').map_or(0, |g| g.0))
            .map(|g| g.id.0)
            .collect();
        assert_eq!(latin.len(), ids.len());
        assert_eq!(latin.first(), ids.first(), "T first, left to right");
    }

    #[test]
    fn chinese_breaks_between_characters_but_never_before_a_full_stop_or_comma() {
        let text = "信仰与希望是人生的两盏灯、照亮我们前行的道路。我们在黑暗中依然相信光明。";
        let l = fit_text(text, &fonts().body(), 300.0, 2000.0, &BODY);
        assert!(l.lines.len() > 3, "{}", l.text());
        assert_eq!(l.text().replace('\n', ""), text);
        for line in &l.lines {
            assert!(!line.text.starts_with(['。', '、']), "{:?}", line.text);
        }
        assert_eq!(l.missing(), 0);
    }

    #[test]
    fn thai_breaks_between_dictionary_words() {
        let l = fit_text("ศรัทธาและความหวัง", &fonts().body(), 200.0, 2000.0, &BODY);
        assert!(l.lines.len() > 1);
        assert_eq!(l.text().replace('\n', ""), "ศรัทธาและความหวัง");
        for line in &l.lines {
            let mut rest = line.text.as_str();
            while !rest.is_empty() {
                let word = ["ศรัทธา", "และ", "ความ", "หวัง"]
                    .into_iter()
                    .find(|w| rest.starts_with(w));
                let Some(word) = word else {
                    panic!("a line breaks inside a word: {:?}", line.text)
                };
                rest = &rest[word.len()..];
            }
        }
    }

    #[test]
    fn emoji_stay_in_colour_inside_every_script() {
        let stack = fonts().body();
        for text in [
            "الإيمان 🙏 والأمل",
            "信仰🙏希望",
            "आस्था 🙏 आशा",
            "ศรัทธา🙏",
            "אמונה 🙏",
        ] {
            let l = fit_text(text, &stack, 1000.0, 300.0, &BODY);
            assert_eq!(l.missing(), 0, "{text}");
            let colour = l
                .lines
                .iter()
                .flat_map(|line| line.glyphs.iter().filter(|g| !line.is_space(g)))
                .filter(|g| stack.face(g.face).color)
                .count();
            assert_eq!(colour, 1, "{text}: the emoji in colour");
        }
    }

    #[test]
    fn japanese_and_korean_take_their_own_faces() {
        let stack = fonts().body();
        let ja = fit_text("信仰と希望", &stack, 800.0, 200.0, &BODY);
        let ko = fit_text("믿음과 희망", &stack, 800.0, 200.0, &BODY);
        let zh = fit_text("信仰与希望", &stack, 800.0, 200.0, &BODY);
        let tw = fit_text("信仰與希望", &stack, 800.0, 200.0, &BODY);
        let name = |l: &Layout| stack.face(l.lines[0].glyphs[0].face).name;
        assert_eq!(name(&ja), "Noto Sans CJK JP");
        assert_eq!(name(&ko), "Noto Sans CJK KR");
        assert_eq!(name(&zh), "Noto Sans CJK SC");
        assert_eq!(
            name(&tw),
            "Noto Sans CJK TC",
            "與 is written only in Traditional Chinese"
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(96))]

        #[test]
        fn mixed_script_text_fits_inside_its_box_and_nothing_covered_is_boxed(
            text in mixed_script_text(),
            w in 40.0f32..1000.0,
            h in 0.0f32..1300.0,
            max in 20.0f32..120.0,
            which in 0usize..3,
            center in any::<bool>(),
        ) {
            let f = fonts();
            let stack = [f.title(), f.body(), f.label()][which];
            let sizes = SizeRange::new(max, max * 0.4);
            let spec = TextSpec::new(sizes).line_height(1.2).align(if center { Align::Center } else { Align::Start });
            let l = fit_text(&text, &stack, w, h, &spec);
            let frame = Rect::new(0.0, 0.0, w, h);
            for line in &l.lines {
                prop_assert!(frame.contains(&line.rect, 0.01), "line {:?} outside {}x{}", line.rect, w, h);
                // A mark's pen may sit past its base's advance by its offset (Thai and Tamil
                // marks after the last letter); compose keeps the ink itself on the card.
                for g in &line.glyphs {
                    prop_assert!(g.x >= -0.01 && g.x <= line.rect.w + 0.5 * l.font_size, "{:?} in {:?}", g, line.rect);
                }
            }
            prop_assert_eq!(l.missing(), 0, "{}", text);
            if !l.truncated {
                let drawn: String = l.text().chars().filter(|c| !c.is_whitespace()).collect();
                let given: String = sanitize(&text).chars().filter(|c| !c.is_whitespace()).collect();
                prop_assert_eq!(drawn, given);
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn any_text_fits_inside_its_box_at_a_size_within_bounds(
            text in any_text(),
            w in 40.0f32..1000.0,
            h in 0.0f32..1300.0,
            max in 20.0f32..120.0,
            min_frac in 0.2f32..1.0,
            which in 0usize..4,
            center in any::<bool>(),
        ) {
            let f = fonts();
            let stack = [f.title(), f.body(), f.label(), f.emoji_line()][which];
            let sizes = SizeRange::new(max, max * min_frac);
            let spec = TextSpec::new(sizes).line_height(1.2).align(if center { Align::Center } else { Align::Start });
            let l = fit_text(&text, &stack, w, h, &spec);
            prop_assert!(l.font_size >= sizes.min - 1e-3 && l.font_size <= sizes.max + 1e-3);
            let frame = Rect::new(0.0, 0.0, w, h);
            for line in &l.lines {
                prop_assert!(frame.contains(&line.rect, 0.01), "line {:?} outside {}x{}", line.rect, w, h);
                for g in &line.glyphs {
                    prop_assert!(g.x >= -0.01 && g.x <= line.rect.w + 0.01);
                    prop_assert!(g.face == MISSING || g.id.0 != 0);
                }
            }
            prop_assert!(frame.contains(&l.bbox, 0.01));
        }
    }
}
