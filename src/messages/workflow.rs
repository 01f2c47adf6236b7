//! Workflow messages: the life of a carousel workflow, told to analytics.
use super::{Ack, Event};
use crate::domain::WorkflowState;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What a workflow makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WorkflowKind {
    Carousel,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Started {
    pub workflow_id: Uuid,
    pub kind: WorkflowKind,
}
impl Event for Started {
    const KIND: &'static str = "workflow.started";
    type Reply = Ack;
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepCompleted {
    pub workflow_id: Uuid,
    /// The state the step worked in: writing, rendering or sending.
    pub step: WorkflowState,
    pub elapsed_ms: u64,
}
impl Event for StepCompleted {
    const KIND: &'static str = "workflow.step.completed";
    type Reply = Ack;
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Completed {
    pub workflow_id: Uuid,
    /// The final state: done, failed or cancelled.
    pub outcome: WorkflowState,
    /// Why it failed, when it did.
    pub reason: Option<String>,
}
impl Event for Completed {
    const KIND: &'static str = "workflow.completed";
    type Reply = Ack;
}

/// A timer's tick (at start-up, then every sweep interval on each replica): the orchestrator
/// picks up running workflows nobody holds. A tick, not an event, so it is not recorded in the
/// event log: it carries nothing, and each workflow it resumes records its own events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, actix::Message)]
#[rtype(result = "Result<usize, crate::app::error::AppError>")]
pub struct ResumeWorkflows;
impl ResumeWorkflows {
    /// The name its handling is supervised and counted under.
    pub const NAME: &'static str = "workflow.resume";
}
