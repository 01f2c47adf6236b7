//! Pure text layout: sanitise, resolve each character through the font fallback
//! chain, wrap on words (breaking words wider than the box), and shrink the font
//! size until the text fits; if it does not fit even at the minimum size, the
//! last line that fits ends with an ellipsis.
//!
//! Guarantee (checked by property tests): every line's rectangle lies inside
//! `[0, max_width] × [0, max_height]`, and the chosen size lies inside the range.
//! Kerning is not applied (Inter's OpenType kerning lives in GPOS, which
//! ab_glyph does not read); Inter's default spacing is designed to work without it.

use ab_glyph::GlyphId;

use super::fonts::FontStack;
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
    #[default]
    Left,
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
            align: Align::Left,
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

/// One glyph on a line: face index in the stack, glyph id, pen x relative to the line's left edge.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlacedGlyph {
    pub face: u8,
    pub id: GlyphId,
    pub x: f32,
}

/// One laid-out line. `rect` is relative to the text box's top-left corner;
/// `baseline` is the baseline's y in the same coordinates.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub text: String,
    pub glyphs: Vec<PlacedGlyph>,
    pub rect: Rect,
    pub baseline: f32,
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
}

#[derive(Debug, Clone, Copy)]
struct Item {
    ch: char,
    face: u8,
    id: GlyphId,
    /// Advance in em.
    adv: f32,
}

/// Text resolved against a font stack: paragraphs of words of drawable glyphs.
struct Resolved {
    paragraphs: Vec<Vec<Vec<Item>>>,
    space_em: f32,
}

fn resolve_char(stack: &FontStack<'_>, ch: char) -> Option<Item> {
    stack.resolve(ch).map(|(face, id)| Item {
        ch,
        face,
        id,
        adv: stack.face(face).advance_em(id).max(0.0),
    })
}

fn resolve(text: &str, stack: &FontStack<'_>) -> Resolved {
    let clean = sanitize(text);
    let mut paragraphs: Vec<Vec<Vec<Item>>> = Vec::new();
    for para in clean.split('\n') {
        let words: Vec<Vec<Item>> = para
            .split(' ')
            .map(|w| {
                w.chars()
                    .filter_map(|c| resolve_char(stack, c))
                    .collect::<Vec<_>>()
            })
            .filter(|w| !w.is_empty())
            .collect();
        // Collapse blank paragraphs (also those whose characters were all dropped).
        if words.is_empty() && paragraphs.last().is_none_or(|p| p.is_empty()) {
            continue;
        }
        paragraphs.push(words);
    }
    while paragraphs.last().is_some_and(|p| p.is_empty()) {
        paragraphs.pop();
    }
    let space_em = resolve_char(stack, ' ').map_or(0.25, |i| i.adv);
    Resolved {
        paragraphs,
        space_em,
    }
}

/// A line being built: items with their pen x, and whether a space precedes each.
#[derive(Default)]
struct WrapLine {
    items: Vec<(Item, f32, bool)>,
    width: f32,
}

impl WrapLine {
    fn push(&mut self, item: Item, x: f32, size: f32, space_before: bool) {
        self.items.push((item, x, space_before));
        self.width = x + item.adv * size;
    }

    fn recompute_width(&mut self, size: f32) {
        self.width = self
            .items
            .last()
            .map_or(0.0, |(it, x, _)| x + it.adv * size);
    }

    fn text(&self) -> String {
        let mut s = String::with_capacity(self.items.len() + 8);
        for (it, _, space) in &self.items {
            if *space {
                s.push(' ');
            }
            s.push(it.ch);
        }
        s
    }
}

/// Wraps at `size`; returns the lines and whether content was left over
/// because `max_lines` was reached.
fn wrap(res: &Resolved, size: f32, max_w: f32, max_lines: usize) -> (Vec<WrapLine>, bool) {
    let space = res.space_em * size;
    let mut lines: Vec<WrapLine> = Vec::new();
    let mut cur = WrapLine::default();
    for para in &res.paragraphs {
        for word in para {
            let word_w: f32 = word.iter().map(|i| i.adv * size).sum();
            if !cur.items.is_empty() {
                if cur.width + space + word_w <= max_w {
                    let mut x = cur.width + space;
                    for (k, item) in word.iter().enumerate() {
                        cur.push(*item, x, size, k == 0);
                        x += item.adv * size;
                    }
                    continue;
                }
                if lines.len() >= max_lines {
                    return (lines, true);
                }
                lines.push(std::mem::take(&mut cur));
            }
            // Start of a line: the word goes here whole, or is broken across lines.
            for item in word {
                let w = item.adv * size;
                if w > max_w {
                    continue; // a single glyph wider than the box cannot be placed
                }
                if !cur.items.is_empty() && cur.width + w > max_w {
                    if lines.len() >= max_lines {
                        return (lines, true);
                    }
                    lines.push(std::mem::take(&mut cur));
                }
                let x = cur.width;
                cur.push(*item, x, size, false);
            }
        }
        // End of paragraph (an empty paragraph is a blank line).
        if lines.len() >= max_lines {
            return (lines, true);
        }
        lines.push(std::mem::take(&mut cur));
    }
    (lines, false)
}

fn add_ellipsis(line: &mut WrapLine, stack: &FontStack<'_>, size: f32, max_w: f32) {
    let ellipsis: Vec<Item> = match resolve_char(stack, '…') {
        Some(i) => vec![i],
        None => std::iter::repeat_n('.', 3)
            .filter_map(|c| resolve_char(stack, c))
            .collect(),
    };
    let ell_w: f32 = ellipsis.iter().map(|i| i.adv * size).sum();
    if ellipsis.is_empty() || ell_w > max_w {
        return;
    }
    while !line.items.is_empty() && line.width + ell_w > max_w {
        line.items.pop();
        line.recompute_width(size);
    }
    let mut x = line.width;
    for item in ellipsis {
        line.push(item, x, size, false);
        x += item.adv * size;
    }
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
            return build(lines, fonts, size, line_h, max_w, spec.align, false);
        }
        if size <= sizes.min {
            if let Some(last) = lines.last_mut() {
                add_ellipsis(last, fonts, size, max_w);
            }
            return build(lines, fonts, size, line_h, max_w, spec.align, true);
        }
        size = (size - step).max(sizes.min);
    }
}

fn build(
    lines: Vec<WrapLine>,
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
        .into_iter()
        .enumerate()
        .map(|(i, l)| {
            let width = l.width.min(max_w);
            let x = match align {
                Align::Left => 0.0,
                Align::Center => ((max_w - width) / 2.0).max(0.0),
            };
            let y = i as f32 * line_h;
            let rect = Rect::new(x, y, width, line_h);
            bbox = Some(bbox.map_or(rect, |b| b.union(&rect)));
            Line {
                text: l.text(),
                glyphs: l
                    .items
                    .iter()
                    .map(|(it, gx, _)| PlacedGlyph {
                        face: it.face,
                        id: it.id,
                        x: *gx,
                    })
                    .collect(),
                rect,
                baseline: y + baseline_in_line,
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
    fn uncovered_characters_are_dropped_not_drawn_as_tofu() {
        let l = fit_text(
            // U+1FAE9 (Unicode 16) is newer than every bundled font.
            "a\u{10FFFD}\u{E000}b \u{1FAE9} c",
            &fonts().body(),
            800.0,
            200.0,
            &BODY,
        );
        assert_eq!(l.text(), "ab c");
        assert!(l.lines.iter().flat_map(|l| &l.glyphs).all(|g| g.id.0 != 0));
    }

    #[test]
    fn emoji_fall_back_to_the_emoji_face() {
        let l = fit_text("Вера 🙏", &fonts().body(), 800.0, 200.0, &BODY);
        let faces: Vec<u8> = l.lines[0].glyphs.iter().map(|g| g.face).collect();
        assert_eq!(faces, vec![0, 0, 0, 0, 2]);
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
            let spec = TextSpec::new(sizes).line_height(1.2).align(if center { Align::Center } else { Align::Left });
            let l = fit_text(&text, &stack, w, h, &spec);
            prop_assert!(l.font_size >= sizes.min - 1e-3 && l.font_size <= sizes.max + 1e-3);
            let frame = Rect::new(0.0, 0.0, w, h);
            for line in &l.lines {
                prop_assert!(frame.contains(&line.rect, 0.01), "line {:?} outside {}x{}", line.rect, w, h);
                for g in &line.glyphs {
                    prop_assert!(g.x >= -0.01 && g.x <= line.rect.w + 0.01);
                    prop_assert!(g.id.0 != 0);
                }
            }
            prop_assert!(frame.contains(&l.bbox, 0.01));
        }
    }
}
