//! Orchestrator messages: the life of a workflow and the routing of events.
use super::{Ack, Event};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Started {
    pub workflow_id: Uuid,
    pub kind: String,
}
impl Event for Started {
    const KIND: &'static str = "workflow.started";
    type Reply = Ack;
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepCompleted {
    pub workflow_id: Uuid,
    pub step: String,
    pub elapsed_ms: u64,
}
impl Event for StepCompleted {
    const KIND: &'static str = "workflow.step.completed";
    type Reply = Ack;
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Completed {
    pub workflow_id: Uuid,
    pub outcome: String,
}
impl Event for Completed {
    const KIND: &'static str = "workflow.completed";
    type Reply = Ack;
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventRouted {
    pub event_type: String,
    pub to: String,
}
impl Event for EventRouted {
    const KIND: &'static str = "workflow.event.routed";
    type Reply = Ack;
}

/// Start-up asks the orchestrator to pick up every workflow a previous process left unfinished.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResumeWorkflows;
impl Event for ResumeWorkflows {
    const KIND: &'static str = "workflow.resume.requested";
    type Reply = Result<usize, crate::error::AppError>;
}
