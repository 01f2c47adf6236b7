//! The brand kit in a carousel's life: which kit its slides are drawn with (the user's kit as it
//! is while the carousel is a draft, then the snapshot fixed when its drawing starts, so a
//! resumed run draws the same), the draft's own accent over it, and the kit's images read from
//! the store for the renderer.
use super::engine::Workflows;
use super::steps::Drawing;
use crate::app::error::AppResult;
use crate::domain::{Accent, BrandKit};
use crate::messages::carousel::BrandLook;
use crate::store::{Brands, Workflow};

/// What `workflows.brand_json` holds for a carousel drawn without a kit: fixed like a kit, so a
/// kit saved while it is drawn does not change its later slides.
const NO_KIT: &str = "null";

/// The kit a workflow is drawn with: its snapshot once fixed, else the user's kit as it is now.
async fn kit_of(wf: &Workflow, brands: Option<&Brands>) -> AppResult<Option<BrandKit>> {
    match (&wf.brand_json, brands) {
        (Some(json), _) => Ok(BrandKit::from_snapshot(json)),
        (None, Some(brands)) => brands.kit(wf.user_id).await,
        (None, None) => Ok(None),
    }
}

/// `drawing` with the look of `kit` and the draft's own accent (`wf.accent`), the kit's images
/// read from the store. A missing image is left out (logged): the slide is drawn without it.
pub(crate) async fn with_look(
    mut drawing: Drawing,
    wf: &Workflow,
    kit: Option<&BrandKit>,
    accent: Option<Accent>,
    brands: Option<&Brands>,
) -> AppResult<Drawing> {
    let accent = accent.or(kit.and_then(|k| k.accent));
    let Some(kit) = kit else {
        drawing.brand = accent.map(|accent| BrandLook {
            accent: Some(accent),
            ..BrandLook::default()
        });
        return Ok(drawing);
    };
    let mut look = BrandLook {
        name: kit.name.clone(),
        accent,
        fonts: kit.fonts,
        avatar: None,
        logo: None,
    };
    if let Some(brands) = brands {
        for (id, slot) in [(kit.avatar, &mut look.avatar), (kit.logo, &mut look.logo)] {
            let Some(id) = id else { continue };
            match brands.image(wf.user_id, id).await? {
                Some(image) => *slot = Some(image.bytes.into()),
                None => tracing::warn!(asset = %id, "a brand image of the kit is gone"),
            }
        }
    }
    drawing.handle = Some(kit.handle.clone());
    drawing.brand = Some(look);
    Ok(drawing)
}

/// The draft's accent as stored; one that does not parse is the kit's.
pub(crate) fn draft_accent(wf: &Workflow) -> Option<Accent> {
    wf.accent.as_deref().and_then(|a| Accent::parse(a).ok())
}

/// How a workflow's slides are drawn, with its kit (see [`kit_of`]).
pub(crate) async fn drawing_with_kit(wf: &Workflow, brands: Option<&Brands>) -> AppResult<Drawing> {
    let kit = kit_of(wf, brands).await?;
    with_look(
        super::engine::drawing_of(wf)?,
        wf,
        kit.as_ref(),
        draft_accent(wf),
        brands,
    )
    .await
}

/// How the editor's preview of a draft is drawn: with the user's kit as it is now and the
/// accent the editor shows (none: the kit's).
pub async fn preview_drawing(
    wf: &Workflow,
    accent: Option<Accent>,
    brands: Option<&Brands>,
) -> AppResult<Drawing> {
    let kit = kit_of(wf, brands).await?;
    with_look(
        super::engine::drawing_of(wf)?,
        wf,
        kit.as_ref(),
        accent,
        brands,
    )
    .await
}

impl Workflows {
    /// The brand kits, when this engine serves them (none in tests of one actor alone).
    pub fn brands(&self) -> Option<&Brands> {
        self.brands.as_ref()
    }

    /// Fixes the kit `wf` is drawn with (the user's kit now, or none) before its drawing starts;
    /// answers the workflow as it is then. A resumed run finds it fixed and draws the same.
    pub(super) async fn fix_kit(&self, wf: &Workflow) -> AppResult<Workflow> {
        if wf.brand_json.is_some() {
            return Ok(wf.clone());
        }
        let Some(brands) = &self.brands else {
            return Ok(wf.clone());
        };
        let snapshot = match brands.kit(wf.user_id).await? {
            Some(kit) => kit.snapshot_json(),
            None => NO_KIT.to_string(),
        };
        let id = wf.workflow_id()?;
        self.rows.fix_brand(id, &snapshot).await?;
        // Whoever fixed it first (a replica resuming it) won; read what is there.
        Ok(self.rows.workflow(id).await?.unwrap_or_else(|| wf.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_kit_is_a_snapshot_that_reads_back_as_none() {
        assert_eq!(BrandKit::from_snapshot(NO_KIT), None);
    }
}
