//! One slide drawn small for the editor's live preview, with word of whether its text fitted:
//! the editor warns while the user types, before a whole carousel is drawn.
use super::{render_image_traced, RenderError, RenderOptions, TextRole};
use crate::domain::{ImageFormat, Slide};

/// How the slide's title and body fitted their boxes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextFit {
    /// At the style's full size.
    Fits,
    /// Made smaller to fit.
    Shrunk,
    /// Did not fit even at the smallest size: ended with an ellipsis.
    Cut,
}

impl TextFit {
    pub fn as_str(self) -> &'static str {
        match self {
            TextFit::Fits => "fits",
            TextFit::Shrunk => "shrunk",
            TextFit::Cut => "cut",
        }
    }
}

/// A preview: a JPEG `width` pixels wide (or the slide's own width if smaller) and the fit.
#[derive(Debug, Clone, PartialEq)]
pub struct Preview {
    pub jpeg: Vec<u8>,
    pub fit: TextFit,
}

/// Draws slide `index` of `total` as the carousel would, then scales it down to `width`.
pub fn preview(
    slide: &Slide,
    index: usize,
    total: usize,
    opts: &RenderOptions,
    width: u32,
) -> Result<Preview, RenderError> {
    let (image, placed) = render_image_traced(slide, index, total, opts)?;
    let texts = placed
        .iter()
        .filter(|p| matches!(p.role, TextRole::Title | TextRole::Body));
    let fit = texts.fold(TextFit::Fits, |fit, p| {
        if p.truncated {
            TextFit::Cut
        } else if fit == TextFit::Fits && p.font_size + 0.5 < p.sizes.max {
            TextFit::Shrunk
        } else {
            fit
        }
    });
    let small = if image.width() > width && width > 0 {
        let height = (u64::from(image.height()) * u64::from(width) / u64::from(image.width()))
            .try_into()
            .unwrap_or(u32::MAX)
            .max(1);
        image::imageops::resize(&image, width, height, image::imageops::FilterType::Triangle)
    } else {
        image
    };
    let jpeg =
        super::encode(&small, ImageFormat::Jpeg, 82).map_err(|source| RenderError::Encode {
            slide: index,
            format: ImageFormat::Jpeg,
            source,
        })?;
    Ok(Preview { jpeg, fit })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::SlideKind;

    fn slide(title: &str, body: &str) -> Slide {
        Slide {
            kind: SlideKind::Idea,
            title: title.into(),
            body: body.into(),
            alt: String::new(),
        }
    }

    #[test]
    fn a_short_slide_fits_and_comes_back_as_a_small_jpeg() {
        let opts = RenderOptions::default();
        let p =
            preview(&slide("Small steps", "One page a day."), 1, 5, &opts, 540).expect("preview");
        assert_eq!(p.fit, TextFit::Fits);
        let decoded = image::load_from_memory(&p.jpeg).expect("a JPEG");
        assert_eq!(decoded.width(), 540);
        assert_eq!(&p.jpeg[..2], &[0xFF, 0xD8]);
    }

    #[test]
    fn a_long_body_is_reported_shrunk_and_a_huge_one_cut() {
        let opts = RenderOptions::default();
        let long = "Habits compound quietly over months and years. ".repeat(9);
        let p = preview(&slide("Small steps", &long), 1, 5, &opts, 540).expect("preview");
        assert_eq!(p.fit, TextFit::Shrunk);
        let huge = "word ".repeat(600);
        let p = preview(&slide("Small steps", &huge), 1, 5, &opts, 540).expect("preview");
        assert_eq!(p.fit, TextFit::Cut);
    }
}
