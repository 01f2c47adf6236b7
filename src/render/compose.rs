//! Everything drawn over a slide's backdrop: decoration, the emoji line, title, accents and
//! body inside the card, and the footer (handle, counter, progress).
use ab_glyph::{point, Font, Glyph};
use image::RgbImage;

use crate::domain::{Slide, SlideKind, Style};

use super::brand::{draw_rgba, fit_size, square_cover, SlideBrand};
use super::fonts::{FontStack, Fonts, MISSING};
use super::layout::{fit_text, Align, Layout, Rect, SizeRange, TextSpec};
use super::paint::{self, draw_layout, fill_round_rect, soft_dot};
use super::style::{self, default_emoji, Frame, Palette, Typography, INK, VIBRANT_CARD};
use super::{text, PlacedText, RenderError, RenderOptions, TextRole};

/// Draws a slide's text and accents onto (a copy of) its backdrop.
pub(super) fn draw_on(
    mut img: RgbImage,
    slide: &Slide,
    index: usize,
    total: usize,
    opts: &RenderOptions,
) -> Result<(RgbImage, Vec<PlacedText>), RenderError> {
    let fonts = Fonts::bundled()?;
    let frame = Frame::new(opts.style, opts.size);
    let pal = Palette::branded(opts.style, index, total, opts.brand.accent);
    let typo = Typography::new(opts.style, opts.size, slide.kind);
    let ctx = Ctx {
        style: opts.style,
        rtl: super::layout::reads_rtl(&slide.title)
            || (text::sanitize(&slide.title).is_empty() && super::layout::reads_rtl(&slide.body)),
        fonts,
        frame,
        pal,
        typo,
        brand: &opts.brand,
    };
    let mut trace = Vec::new();
    ctx.decor(&mut img, index, &mut trace);
    ctx.content(&mut img, slide, &mut trace);
    ctx.footer(&mut img, &opts.handle, index, total, &mut trace);
    Ok((img, trace))
}

/// The emoji line above a slide's title: its fitted layout and ink box (none when nothing
/// fits), the height it takes, and the badge diameter (vibrant).
struct EmojiLine {
    fitted: Option<(Layout, Rect)>,
    height: f32,
    badge_d: f32,
}

struct Ctx<'f> {
    style: Style,
    brand: &'f SlideBrand,
    /// The slide reads right to left: its layout mirrors (text, accents and footer).
    rtl: bool,
    fonts: &'f Fonts,
    frame: Frame,
    pal: Palette,
    typo: Typography,
}

/// The widest a brand logo is drawn in the footer, in pixels.
const LOGO_MAX_W: f32 = 160.0;

/// Space above a slide's text block out of `free`: headlines sit near the middle, other slides
/// nearer the top.
fn lead_space(kind: SlideKind, free: f32) -> f32 {
    match kind {
        SlideKind::Title | SlideKind::Cta => free * 0.45,
        SlideKind::Problem | SlideKind::Idea | SlideKind::Example | SlideKind::Quote => free * 0.3,
    }
}

/// Moves `origin` as little as possible so that `bbox` (relative to it) lies inside `region`.
fn keep_inside(origin: (f32, f32), bbox: &Rect, region: &Rect) -> (f32, f32) {
    let clamp = |o: f32, lo: f32, size: f32, start: f32, len: f32| {
        let (min, max) = (start - lo, start + len - lo - size);
        if min <= max {
            o.clamp(min, max)
        } else {
            min
        }
    };
    (
        clamp(origin.0, bbox.x, bbox.w, region.x, region.w),
        clamp(origin.1, bbox.y, bbox.h, region.y, region.h),
    )
}

/// Ink bounds of a laid-out text relative to its origin (None when nothing has ink).
fn ink_bounds(layout: &Layout, stack: &FontStack<'_>) -> Option<Rect> {
    let mut out: Option<Rect> = None;
    for line in &layout.lines {
        for g in line.glyphs.iter().filter(|g| !line.is_space(g)) {
            if g.face == MISSING {
                let r =
                    paint::missing_box(layout.font_size, (line.rect.x + g.x, line.baseline + g.y));
                out = Some(out.map_or(r, |u| u.union(&r)));
                continue;
            }
            let face = stack.face(g.face);
            if face.color {
                if let Some(b) = paint::color_glyph_box(face, g.id, layout.font_size) {
                    let r = b.translate(line.rect.x + g.x, line.baseline + g.y);
                    out = Some(out.map_or(r, |u| u.union(&r)));
                }
                continue;
            }
            let glyph = Glyph {
                id: g.id,
                scale: face.scale(layout.font_size),
                position: point(line.rect.x + g.x, line.baseline + g.y),
            };
            if let Some(o) = face.font.outline_glyph(glyph) {
                let b = o.px_bounds();
                let r = Rect::new(b.min.x, b.min.y, b.width(), b.height());
                out = Some(out.map_or(r, |u| u.union(&r)));
            }
        }
    }
    out
}

/// The layout's lines with each outline glyph's face, canvas position and text.
fn glyph_lines(layout: &Layout, stack: &FontStack<'_>, origin: (f32, f32)) -> Vec<super::TextLine> {
    layout
        .lines
        .iter()
        .map(|line| super::TextLine {
            text: line.text.clone(),
            font_size: layout.font_size,
            glyphs: line
                .glyphs
                .iter()
                .zip(line.glyph_texts())
                .filter(|(g, _)| g.face != MISSING && !stack.face(g.face).color)
                .map(|(g, text)| super::TextGlyph {
                    face: stack.face(g.face).name,
                    id: g.id.0,
                    x: origin.0 + line.rect.x + g.x,
                    y: origin.1 + line.baseline + g.y,
                    text: text.to_string(),
                })
                .collect(),
        })
        .collect()
}

impl Ctx<'_> {
    fn align(&self) -> Align {
        self.typo.title.align
    }

    /// Where something `w` wide starts when it sits at the reading start of `region`: its left
    /// edge, or its right edge on a right-to-left slide.
    fn start_x(&self, region: &Rect, w: f32) -> f32 {
        if self.rtl {
            region.right() - w
        } else {
            region.x
        }
    }

    /// Draws `layout` at `origin` (clipped to the card) and records where it went.
    #[allow(clippy::too_many_arguments)]
    fn text(
        &self,
        img: &mut RgbImage,
        trace: &mut Vec<PlacedText>,
        role: TextRole,
        layout: &Layout,
        stack: &FontStack<'_>,
        sizes: SizeRange,
        origin: (f32, f32),
        color: style::Rgb,
        alpha: f32,
    ) {
        // A glyph's ink may reach past its layout box (a wide left bearing, e.g. Symbola's 𝄞):
        // move the text so the ink stays on the card rather than clip it.
        let ink = ink_bounds(layout, stack);
        let origin = match ink {
            Some(ink) => keep_inside(origin, &ink, &self.frame.card),
            None => origin,
        };
        draw_layout(img, layout, stack, origin, color, alpha, &self.frame.card);
        trace.push(PlacedText {
            role,
            font_size: layout.font_size,
            sizes,
            lines: layout
                .lines
                .iter()
                .map(|l| l.rect.translate(origin.0, origin.1))
                .collect(),
            ink: ink.map(|r| r.translate(origin.0, origin.1)),
            truncated: layout.truncated,
            text: layout.text(),
            missing: layout.missing(),
            rtl: layout.rtl(),
            glyph_lines: glyph_lines(layout, stack, origin),
        });
    }

    /// Lays the emoji line out so its ink is `ink_h` tall (Symbola's pictographs
    /// vary a lot in size) but no wider than `max_w`; returns layout and ink box.
    fn fit_emoji(&self, emoji: &str, base: f32, ink_h: f32, max_w: f32) -> Option<(Layout, Rect)> {
        let stack = self.fonts.emoji_line();
        let spec = |size: f32| {
            TextSpec::new(SizeRange::new(size, size))
                .line_height(1.2)
                .max_lines(1)
        };
        let probe = fit_text(emoji, &stack, f32::MAX / 4.0, base * 2.0, &spec(base));
        let ink = ink_bounds(&probe, &stack)?;
        let f = (ink_h / ink.h.max(1.0))
            .min(max_w / ink.w.max(1.0))
            .clamp(0.2, 2.0);
        let size = base * f;
        let layout = fit_text(emoji, &stack, max_w * 1.5, size * 1.3, &spec(size));
        let ink = ink_bounds(&layout, &stack)?;
        Some((layout, ink))
    }

    /// Style decorations under the text: minimal's big pale slide number.
    fn decor(&self, img: &mut RgbImage, index: usize, trace: &mut Vec<PlacedText>) {
        if self.style != Style::Minimal {
            return;
        }
        let card = self.frame.card;
        let stack = self.fonts.title_for(self.brand.fonts);
        let size = if self.frame.height > 1080 {
            220.0
        } else {
            180.0
        };
        let spec = TextSpec::new(SizeRange::new(size, size))
            .line_height(1.0)
            .max_lines(1);
        let numeral = fit_text(
            &format!("{:02}", index + 1),
            &stack,
            card.w,
            size * 1.2,
            &spec,
        );
        if let Some(ink) = ink_bounds(&numeral, &stack) {
            let content = self.frame.content;
            let target = (content.right() - ink.right(), content.y - ink.y);
            let origin = keep_inside(target, &numeral.bbox, &card);
            self.text(
                img,
                trace,
                TextRole::Numeral,
                &numeral,
                &stack,
                spec.sizes,
                origin,
                self.pal.block_a,
                1.0,
            );
        }
    }

    /// Emoji line, title, accent rule and body, stacked inside `frame.content`.
    fn content(&self, img: &mut RgbImage, slide: &Slide, trace: &mut Vec<PlacedText>) {
        let content = self.frame.content;
        let typo = &self.typo;

        // --- emoji line: the title's leading emoji, or the kind's default
        let (leading, title_rest) = text::split_leading_emoji(&slide.title);
        let emoji = self.emoji_line(leading, slide.kind);
        let emoji_h = emoji.height;

        // --- title and body
        let title_stack = self.fonts.title_for(self.brand.fonts);
        let body_stack = self.fonts.body_for(self.brand.fonts);
        let has_body = !text::sanitize(&slide.body).is_empty();
        let avail = (content.h - emoji_h - typo.gap_emoji).max(0.0);
        let quote = slide.kind == SlideKind::Quote;
        let body_indent = if quote { 40.0 } else { 0.0 };
        let title_max_h = if has_body { avail * 0.5 } else { avail };
        let title = fit_text(
            title_rest,
            &title_stack,
            content.w,
            title_max_h,
            &typo.title,
        );
        let title_h = title.height();
        // Room for the accent rule under a title.
        let rule_gap = typo.gap_title * if title.is_empty() { 0.0 } else { 2.0 };
        let body_max_h = (avail - title_h - rule_gap).max(0.0);
        let body = fit_text(
            &slide.body,
            &body_stack,
            content.w - body_indent,
            body_max_h,
            &typo.body,
        );
        let body_h = body.height();

        let block_h = emoji_h + typo.gap_emoji + title_h + rule_gap + body_h;
        let top = content.y + lead_space(slide.kind, (content.h - block_h).max(0.0));

        self.draw_emoji(img, trace, &emoji, top);

        // title
        let title_y = top + emoji_h + typo.gap_emoji;
        let origin = (content.x, title_y);
        self.text(
            img,
            trace,
            TextRole::Title,
            &title,
            &title_stack,
            typo.title.sizes,
            origin,
            self.pal.title,
            1.0,
        );

        let body_y = title_y + title_h + rule_gap;
        let rule_y = title_y + title_h + typo.gap_title;
        self.accents(img, &title, &body, quote, rule_y, (body_y, body_h));
        let body_x = if self.rtl {
            content.x
        } else {
            content.x + body_indent
        };
        let (origin, color, alpha) = ((body_x, body_y), self.pal.body, self.pal.body_alpha);
        self.text(
            img,
            trace,
            TextRole::Body,
            &body,
            &body_stack,
            typo.body.sizes,
            origin,
            color,
            alpha,
        );
    }

    /// The emoji line to show above the title: the title's leading emoji the fonts can draw,
    /// or the kind's default, fitted to its slot (a round badge on vibrant).
    fn emoji_line(&self, leading: Vec<char>, kind: SlideKind) -> EmojiLine {
        let (typo, content, fonts) = (&self.typo, self.frame.content, self.fonts);
        let mut emoji: String = leading
            .into_iter()
            .filter(|c| fonts.color_emoji.glyph(*c).is_some() || fonts.emoji.glyph(*c).is_some())
            .collect();
        if emoji.is_empty() {
            emoji.push(default_emoji(kind));
        }
        let vibrant = self.style == Style::Vibrant;
        let badge_d = typo.emoji_size * 1.2;
        let single = emoji.chars().count() == 1;
        let (ink_h, ink_w) = if vibrant {
            (
                badge_d * 0.5,
                if single {
                    badge_d * 0.56
                } else {
                    content.w * 0.6
                },
            )
        } else {
            (typo.emoji_size * 0.8, content.w * 0.8)
        };
        EmojiLine {
            fitted: self.fit_emoji(&emoji, typo.emoji_size, ink_h, ink_w),
            height: if vibrant { badge_d } else { ink_h },
            badge_d,
        }
    }

    /// The emoji line at `top`, ink-centred in its slot: on a round badge for vibrant, over a
    /// soft glow for galaxy.
    fn draw_emoji(
        &self,
        img: &mut RgbImage,
        trace: &mut Vec<PlacedText>,
        emoji: &EmojiLine,
        top: f32,
    ) {
        let Some((layout, ink)) = &emoji.fitted else {
            return;
        };
        let (content, badge_d) = (self.frame.content, emoji.badge_d);
        let vibrant = self.style == Style::Vibrant;
        let stack = self.fonts.emoji_line();
        let slot_w = if vibrant {
            (ink.w + badge_d * 0.44).max(badge_d)
        } else {
            ink.w
        };
        let slot_x = match self.align() {
            Align::Start => self.start_x(&content, slot_w),
            Align::Center => content.x + (content.w - slot_w) / 2.0,
        };
        let (cx, cy) = (slot_x + slot_w / 2.0, top + emoji.height / 2.0);
        if vibrant {
            let badge = Rect::new(slot_x, top, slot_w, badge_d);
            fill_round_rect(img, &badge, badge_d / 2.0, self.pal.block_a, 1.0);
            paint::stroke_round_rect(img, &badge, badge_d / 2.0, 5.0, INK, 1.0);
        } else if self.style == Style::Galaxy {
            let clip = self.frame.card;
            let (glow, radius) = (self.pal.accent, self.frame.radius);
            soft_dot(img, cx, cy, ink.h * 0.55, glow, 0.22, &clip, radius);
        }
        let origin = keep_inside(
            (cx - (ink.x + ink.w / 2.0), cy - (ink.y + ink.h / 2.0)),
            &layout.bbox,
            &content,
        );
        let sizes = SizeRange::new(layout.font_size, layout.font_size);
        self.text(
            img,
            trace,
            TextRole::Emoji,
            layout,
            &stack,
            sizes,
            origin,
            self.pal.emoji,
            1.0,
        );
    }

    /// The accent rule between title and body (centred on `rule_y`), and the bar left of a
    /// quote's body (`body`: its top and height).
    fn accents(
        &self,
        img: &mut RgbImage,
        title: &Layout,
        body: &Layout,
        quote: bool,
        rule_y: f32,
        (body_y, body_h): (f32, f32),
    ) {
        let content = self.frame.content;
        let color = if self.style == Style::Vibrant {
            INK
        } else {
            self.pal.accent
        };
        if !title.is_empty() && !body.is_empty() {
            let (rw, rh) = (88.0, 8.0);
            let rx = match self.align() {
                Align::Start => self.start_x(&content, rw),
                Align::Center => content.x + (content.w - rw) / 2.0,
            };
            let rule = Rect::new(rx, rule_y - rh / 2.0, rw, rh);
            fill_round_rect(img, &rule, rh / 2.0, color, 1.0);
        }
        if quote && !body.is_empty() {
            let bar = Rect::new(
                self.start_x(&content, 6.0),
                body_y + 6.0,
                6.0,
                (body_h - 12.0).max(6.0),
            );
            fill_round_rect(img, &bar, 3.0, color, 1.0);
        }
    }

    /// The progress bar above the footer: slide `index + 1` of `total` filled.
    fn progress(&self, img: &mut RgbImage, index: usize, total: usize) {
        let f = self.frame.footer;
        let bar_y = f.y - if self.frame.height > 1080 { 28.0 } else { 22.0 };
        let (track_color, track_alpha, fill_color) = match self.style {
            Style::Galaxy => ([255, 255, 255], 0.16, self.pal.accent),
            // a brand accent fills vibrant's bar too (legible on the cream card)
            Style::Vibrant if self.pal.brand.is_some() => (INK, 0.14, self.pal.accent),
            Style::Vibrant => (INK, 0.14, INK),
            Style::Minimal => (self.pal.block_b, 1.0, self.pal.accent),
        };
        let track = Rect::new(f.x, bar_y - 2.0, f.w, 4.0);
        fill_round_rect(img, &track, 2.0, track_color, track_alpha);
        let done_w = f.w * (index + 1) as f32 / total as f32;
        let done = Rect::new(self.start_x(&f, done_w), bar_y - 2.0, done_w, 4.0);
        fill_round_rect(img, &done, 2.0, fill_color, 1.0);
    }

    /// Handle at the reading start, n/N counter at the end (mirrored on right-to-left slides),
    /// a progress bar above them.
    fn footer(
        &self,
        img: &mut RgbImage,
        handle: &str,
        index: usize,
        total: usize,
        trace: &mut Vec<PlacedText>,
    ) {
        let f = self.frame.footer;
        let stack = self.fonts.label();
        let spec = self.typo.label;

        self.progress(img, index, total);

        // counter, right-aligned, in a pill for galaxy and vibrant
        let counter = format!("{}/{}", index + 1, total);
        let counter_layout = fit_text(&counter, &stack, f.w * 0.35, f.h, &spec);
        let cw = counter_layout.bbox.w;
        let pill_pad = 22.0;
        let pill_x = if self.rtl {
            f.x
        } else {
            f.right() - cw - 2.0 * pill_pad
        };
        let pill = Rect::new(pill_x, f.y + 4.0, cw + 2.0 * pill_pad, f.h - 4.0);
        let text_color = match self.style {
            Style::Galaxy => {
                fill_round_rect(img, &pill, pill.h / 2.0, [255, 255, 255], 0.14);
                paint::stroke_round_rect(img, &pill, pill.h / 2.0, 1.5, [255, 255, 255], 0.35);
                [255, 255, 255]
            }
            Style::Vibrant => {
                fill_round_rect(img, &pill, pill.h / 2.0, INK, 1.0);
                VIBRANT_CARD
            }
            Style::Minimal => INK,
        };
        let counter_x = match (self.style, self.rtl) {
            (Style::Minimal, false) => f.right() - cw,
            (Style::Minimal, true) => f.x,
            _ => pill.x + pill_pad,
        };
        let cy = pill.y + pill.h / 2.0 - counter_layout.line_height / 2.0;
        self.text(
            img,
            trace,
            TextRole::Counter,
            &counter_layout,
            &stack,
            spec.sizes,
            (counter_x, cy),
            text_color,
            1.0,
        );

        self.identity(img, &pill, handle, trace);
    }

    /// Records where an image was drawn (a trace entry with its box and no text).
    fn place(&self, trace: &mut Vec<PlacedText>, role: TextRole, rect: Rect) {
        trace.push(PlacedText {
            role,
            font_size: 1.0,
            sizes: SizeRange::new(1.0, 1.0),
            lines: vec![rect],
            ink: Some(rect),
            truncated: false,
            text: String::new(),
            missing: 0,
            rtl: self.rtl,
            glyph_lines: Vec::new(),
        });
    }

    /// The brand's avatar, display name and the handle at the footer's reading start, its logo
    /// at the reading end before the counter's `pill`; mirrored on right-to-left slides. With no
    /// brand only the handle is drawn, exactly where it always was.
    fn identity(&self, img: &mut RgbImage, pill: &Rect, handle: &str, trace: &mut Vec<PlacedText>) {
        let f = self.frame.footer;
        let (stack, spec) = (self.fonts.label(), self.typo.label);
        // Positions are worked out left to right in `start..end`, then mirrored for RTL.
        // (`room` is the width left of the counter, kept as a width so that with no brand the
        // handle's box is bit for bit what it always was)
        let mut start = f.x;
        let mut room = f.w - pill.w - 24.0;
        let mirror = |x: f32, w: f32| if self.rtl { f.x + f.right() - x - w } else { x };
        let card = self.frame.card;
        if let Some(avatar) = &self.brand.avatar {
            let d = pill.h.round();
            if d <= room {
                let (x, y) = (mirror(start, d).round(), pill.y.round());
                let drawn = square_cover(avatar, d as u32);
                draw_rgba(img, &drawn, x as i64, y as i64, true, &card);
                self.place(trace, TextRole::Avatar, Rect::new(x, y, d, d));
                start += d + 14.0;
                room -= d + 14.0;
            }
        }
        if let Some(logo) = &self.brand.logo {
            let max_w = LOGO_MAX_W.min(room * 0.4);
            let (w, h) = fit_size(logo.width(), logo.height(), max_w, pill.h);
            if w > 0 && h > 0 {
                let (wf, hf) = (w as f32, h as f32);
                let x = mirror(start + room - wf, wf).round();
                let y = (pill.y + (pill.h - hf) / 2.0).round();
                let drawn = image::imageops::resize(
                    logo.as_ref(),
                    w,
                    h,
                    image::imageops::FilterType::CatmullRom,
                );
                draw_rgba(img, &drawn, x as i64, y as i64, false, &card);
                self.place(trace, TextRole::Logo, Rect::new(x, y, wf, hf));
                room -= wf + 20.0;
            }
        }
        let avail = room.max(0.0);
        let name = self.brand.name.trim();
        let mut baseline = None;
        if !name.is_empty() {
            // the name takes what it needs but leaves the handle at least 40 % of the line
            let name_max = if handle.trim().is_empty() {
                avail
            } else {
                avail * 0.6
            };
            let layout = fit_text(name, &stack, name_max, f.h, &spec);
            let w = layout.bbox.right();
            let box_x = mirror(start, name_max);
            let x = if self.rtl {
                box_x + name_max - w
            } else {
                box_x
            };
            let y = pill.y + pill.h / 2.0 - layout.line_height / 2.0;
            baseline = layout.lines.first().map(|l| y + l.baseline);
            let color = match self.style {
                Style::Minimal => self.pal.body,
                _ => self.pal.label,
            };
            self.text(
                img,
                trace,
                TextRole::Name,
                &layout,
                &stack,
                spec.sizes,
                (x, y),
                color,
                1.0,
            );
            start += w + 12.0;
            room -= w + 12.0;
        }
        // the handle, truncated with an ellipsis if too long
        let handle_w = room.max(0.0);
        let layout = fit_text(handle, &stack, handle_w, f.h, &spec);
        let box_right = mirror(start, handle_w) + handle_w;
        let x = if self.rtl {
            box_right - layout.bbox.right()
        } else {
            start
        };
        let centred = pill.y + pill.h / 2.0 - layout.line_height / 2.0;
        // beside a name it sits on the name's baseline, a step quieter
        let (y, alpha) = match (baseline, layout.lines.first()) {
            (Some(b), Some(line)) => (
                b - line.baseline,
                match self.style {
                    Style::Vibrant => 0.7,
                    _ => self.pal.label_alpha,
                },
            ),
            _ => (centred, self.pal.label_alpha),
        };
        self.text(
            img,
            trace,
            TextRole::Handle,
            &layout,
            &stack,
            spec.sizes,
            (x, y),
            self.pal.label,
            alpha,
        );
    }
}
