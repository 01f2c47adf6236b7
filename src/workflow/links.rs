//! The neighbours a workflow talks to, each through a [`Link`]: the writer, the renderer, the
//! data service (settings, history) and analytics (what happened, for the counters and the log).
use crate::actors::link::Link;
use crate::messages::ai::WriteContent;
use crate::messages::carousel::RenderSlides;
use crate::messages::data::{LoadCarousel, LoadHistory, LoadSettings, SaveCarousel, SaveSettings};
use crate::messages::workflow::{Completed, Started, StepCompleted};

/// Whom the workflows talk to.
#[derive(Clone)]
pub struct WorkflowLinks {
    pub writer: Link<WriteContent>,
    pub renderer: Link<RenderSlides>,
    pub saved: Link<SaveCarousel>,
    pub user_data: UserData,
    pub started: Link<Started>,
    pub steps: Link<StepCompleted>,
    pub completed: Link<Completed>,
}

/// The data service's side of a user the workflows read and change: settings and history live
/// there, and are reached only through it.
#[derive(Clone)]
pub struct UserData {
    pub settings: Link<LoadSettings>,
    pub save_settings: Link<SaveSettings>,
    pub history: Link<LoadHistory>,
    pub carousel: Link<LoadCarousel>,
}
