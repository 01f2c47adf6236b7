//! The files of album and PDF rows, drawn again from a workflow's stored slides when the outbox
//! dispatcher did not get them handed over (another replica rendered them, or the process
//! restarted). Rendering is deterministic, so the images are the ones the workflow drew.
use super::engine::slides_of;
use crate::actors::link::Link;
use crate::app::error::AppError;
use crate::app::error::AppResult;
use crate::delivery::courier::OutgoingFile;
use crate::delivery::outbox::Materials;
use crate::delivery::outbox::Outgoing;
use crate::messages::carousel::RenderSlides;
use crate::messages::Envelope;
use crate::store::{Brands, WorkflowRows};
use futures::future::LocalBoxFuture;
use futures::FutureExt;

pub struct WorkflowMaterials {
    workflows: WorkflowRows,
    renderer: Link<RenderSlides>,
    /// The kits' images, for slides drawn with one; none: the handle alone (tests).
    brands: Option<Brands>,
}

impl WorkflowMaterials {
    pub fn new(workflows: WorkflowRows, renderer: Link<RenderSlides>) -> WorkflowMaterials {
        WorkflowMaterials {
            workflows,
            renderer,
            brands: None,
        }
    }

    pub fn with_brands(mut self, brands: Brands) -> WorkflowMaterials {
        self.brands = Some(brands);
        self
    }
}

impl Materials for WorkflowMaterials {
    fn files(
        &self,
        row_id: &str,
        outgoing: &Outgoing,
    ) -> LocalBoxFuture<'static, AppResult<Vec<OutgoingFile>>> {
        let (workflows, renderer) = (self.workflows.clone(), self.renderer.clone());
        let brands = self.brands.clone();
        let (row_id, outgoing) = (row_id.to_string(), outgoing.clone());
        async move {
            let (workflow_id, only, pdf) = match &outgoing {
                Outgoing::AlbumPart {
                    workflow_id,
                    first,
                    end,
                    ..
                } => (workflow_id, Some((*first, *end)), false),
                // A draft's preview is its first slide.
                Outgoing::Preview { workflow_id, .. } => (workflow_id, Some((0, 1)), false),
                Outgoing::Pdf { workflow_id, .. } => (workflow_id, None, true),
                Outgoing::Message { .. } => return Ok(Vec::new()),
            };
            let id = crate::domain::WorkflowId::parse(workflow_id).map_err(|e| {
                AppError::CorruptRow {
                    table: "outbox",
                    id: row_id.clone(),
                    reason: e.to_string(),
                }
            })?;
            let wf = workflows.workflow(id).await?.ok_or_else(|| {
                AppError::internal(
                    format!("drawing the files of outbox row {row_id}"),
                    format!("workflow {workflow_id} does not exist"),
                )
            })?;
            let drawing = super::brand::drawing_with_kit(&wf, brands.as_ref()).await?;
            let request = drawing.request(slides_of(&wf)?, pdf, only);
            let env = Envelope::correlated("outbox", wf.correlation()?, request);
            let rendered = renderer.ask(env).await??;
            if pdf {
                let pdf = rendered.pdf.ok_or_else(|| {
                    AppError::internal("making the PDF", "the renderer made none")
                })?;
                return Ok(vec![OutgoingFile {
                    name: "carousel.pdf".into(),
                    bytes: pdf.into(),
                }]);
            }
            Ok(rendered
                .images
                .into_iter()
                .map(|image| OutgoingFile {
                    name: image.file_name,
                    bytes: image.bytes.into(),
                })
                .collect())
        }
        .boxed_local()
    }
}
