//! Quotas and capacity before costly work: a model call (`/ask`, `/wisdom`, a carousel's
//! slides) or a full render (a carousel, a PDF).
use super::engine::Workflows;
use crate::app::error::AppResult;
use crate::domain::Lang;
use crate::domain::QuotaKind;
use crate::store::now_utc;
use crate::store::QuotaVerdict;
use crate::workflow::texts;

/// Which process-wide cap the work goes through.
#[derive(Debug, Clone, Copy)]
pub(super) enum Cost {
    ModelCall,
    Render,
    /// A carousel: a model call, then renders.
    Both,
}

impl QuotaKind {
    fn cost(self) -> Cost {
        match self {
            QuotaKind::Ask | QuotaKind::Wisdom | QuotaKind::Rewrite => Cost::ModelCall,
            QuotaKind::Pdf => Cost::Render,
            QuotaKind::Carousel => Cost::Both,
        }
    }
}

/// Why costly work was not started, in the user's language.
pub(super) struct Refusal {
    pub text: String,
}

impl Workflows {
    /// Whether `user` may start `kind` of work now: the process has room for it and the user's
    /// quota allows it (one use is counted then). `Err` only when the store fails.
    pub(super) async fn may_start(
        &self,
        user: i64,
        kind: QuotaKind,
        lang: Lang,
    ) -> AppResult<Result<(), Refusal>> {
        let Some(limits) = &self.limits else {
            return Ok(Ok(()));
        };
        let capacity = &limits.capacity;
        let full = match kind.cost() {
            Cost::ModelCall => capacity.model.is_full(),
            Cost::Render => capacity.render.is_full(),
            Cost::Both => capacity.model.is_full() || capacity.render.is_full(),
        };
        if full {
            self.count_refusal("busy");
            return Ok(Err(Refusal {
                text: texts::busy(lang),
            }));
        }
        let quota = limits.settings.quota(kind);
        let verdict = self.quotas.take_quota(user, kind, quota, now_utc()).await?;
        if verdict == QuotaVerdict::Granted {
            return Ok(Ok(()));
        }
        self.count_refusal(kind.as_str());
        Ok(Err(Refusal {
            text: texts::quota_used(lang, kind, verdict, quota),
        }))
    }

    fn count_refusal(&self, why: &'static str) {
        if let Some(metrics) = &self.metrics {
            metrics.limited.with_label_values(&[why]).inc();
        }
    }
}
