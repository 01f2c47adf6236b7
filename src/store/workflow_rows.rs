//! The orchestrator's durable state: carousel workflows and their delivery outbox.
use super::schema::{workflow_sends, workflows};
use super::*;

/// Where a workflow is. `awaiting_style` waits for the user's button; the four running states
/// are resumed after a restart; the last three are final.
pub struct WorkflowState;
impl WorkflowState {
    pub const AWAITING_STYLE: &'static str = "awaiting_style";
    pub const REQUESTED: &'static str = "requested";
    pub const WRITING: &'static str = "writing";
    pub const RENDERING: &'static str = "rendering";
    pub const SENDING: &'static str = "sending";
    pub const DONE: &'static str = "done";
    pub const FAILED: &'static str = "failed";
    pub const CANCELLED: &'static str = "cancelled";
    pub const RUNNING: [&'static str; 4] = [
        Self::REQUESTED,
        Self::WRITING,
        Self::RENDERING,
        Self::SENDING,
    ];

    pub const FINAL: [&'static str; 3] = [Self::DONE, Self::FAILED, Self::CANCELLED];

    pub fn is_final(state: &str) -> bool {
        Self::FINAL.contains(&state)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = workflows)]
pub struct Workflow {
    pub id: String,
    pub correlation_id: String,
    pub user_id: i64,
    pub chat_id: i64,
    pub request_message_id: Option<i32>,
    pub status_message_id: Option<i32>,
    pub topic: String,
    pub lang: String,
    pub style: Option<String>,
    pub slides: i32,
    pub size: String,
    pub delivery: String,
    pub state: String,
    pub slides_json: Option<String>,
    pub content_source: Option<String>,
    pub error: Option<String>,
    pub cancel_requested: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub deadline_at: Option<NaiveDateTime>,
}

/// One album part in the delivery outbox.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = workflow_sends)]
pub struct WorkflowSend {
    pub workflow_id: String,
    pub part: i32,
    pub method: String,
    pub status: String,
    pub message_ids: Option<String>,
    pub attempted_at: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
}

pub struct SendStatus;
impl SendStatus {
    /// Written before the Bot API call: if the process dies now, nobody knows whether Telegram
    /// took the part (the one window in which a part can be sent twice).
    pub const SENDING: &'static str = "sending";
    pub const SENT: &'static str = "sent";
}

impl Store {
    /// Inserts a new workflow; false when one with this id exists already (a redelivered update).
    pub async fn create_workflow(&self, row: &Workflow) -> AppResult<bool> {
        use crate::store::schema::workflows::dsl::*;
        with_conn!(self, "create_workflow", |conn| {
            diesel::insert_into(workflows)
                .values(row)
                .on_conflict_do_nothing()
                .execute(conn)
                .await
        })
        .map(|n| n == 1)
    }

    pub async fn workflow(&self, workflow: &str) -> AppResult<Option<Workflow>> {
        use crate::store::schema::workflows::dsl::*;
        with_conn!(self, "get_workflow", |conn| {
            workflows
                .find(workflow)
                .select(Workflow::as_select())
                .first(conn)
                .await
                .optional()
        })
    }

    pub async fn set_status_message(&self, workflow: &str, message: i32) -> AppResult<()> {
        use crate::store::schema::workflows::dsl::*;
        let now = now_utc();
        with_conn!(self, "set_status_message", |conn| {
            diesel::update(workflows.find(workflow))
                .set((status_message_id.eq(Some(message)), updated_at.eq(now)))
                .execute(conn)
                .await
        })
        .map(|_| ())
    }

    /// Starts a workflow waiting for its style: true only for the one caller that moved it.
    pub async fn claim_style(
        &self,
        workflow: &str,
        chosen: &str,
        deadline: NaiveDateTime,
    ) -> AppResult<bool> {
        use crate::store::schema::workflows::dsl::*;
        let now = now_utc();
        with_conn!(self, "claim_style", |conn| {
            diesel::update(
                workflows
                    .find(workflow)
                    .filter(state.eq(WorkflowState::AWAITING_STYLE)),
            )
            .set((
                style.eq(Some(chosen)),
                state.eq(WorkflowState::REQUESTED),
                deadline_at.eq(Some(deadline)),
                updated_at.eq(now),
            ))
            .execute(conn)
            .await
        })
        .map(|n| n == 1)
    }

    /// Moves a workflow from one state to the next; false when it was no longer in `from`.
    pub async fn advance_workflow(&self, workflow: &str, from: &str, to: &str) -> AppResult<bool> {
        use crate::store::schema::workflows::dsl::*;
        let now = now_utc();
        with_conn!(self, "advance_workflow", |conn| {
            diesel::update(workflows.find(workflow).filter(state.eq(from)))
                .set((state.eq(to), updated_at.eq(now)))
                .execute(conn)
                .await
        })
        .map(|n| n == 1)
    }

    /// Memoizes the writing step: the slides are kept and the workflow moves on to rendering.
    pub async fn save_written(&self, workflow: &str, json: &str, source: &str) -> AppResult<()> {
        use crate::store::schema::workflows::dsl::*;
        let now = now_utc();
        with_conn!(self, "save_written", |conn| {
            diesel::update(
                workflows
                    .find(workflow)
                    .filter(state.eq(WorkflowState::WRITING)),
            )
            .set((
                slides_json.eq(Some(json)),
                content_source.eq(Some(source)),
                state.eq(WorkflowState::RENDERING),
                updated_at.eq(now),
            ))
            .execute(conn)
            .await
        })
        .map(|_| ())
    }

    /// Ends a workflow (done, failed or cancelled) unless it has ended already.
    pub async fn finish_workflow(
        &self,
        workflow: &str,
        outcome: &str,
        reason: Option<&str>,
    ) -> AppResult<bool> {
        use crate::store::schema::workflows::dsl::*;
        let now = now_utc();
        with_conn!(self, "finish_workflow", |conn| {
            diesel::update(
                workflows
                    .find(workflow)
                    .filter(state.ne_all(WorkflowState::FINAL)),
            )
            .set((state.eq(outcome), error.eq(reason), updated_at.eq(now)))
            .execute(conn)
            .await
        })
        .map(|n| n == 1)
    }

    /// Workflows of this user that are running (not waiting for a style, not finished).
    pub async fn running_workflows_of(&self, user: i64) -> AppResult<i64> {
        use crate::store::schema::workflows::dsl::*;
        with_conn!(self, "running_workflows_of", |conn| {
            workflows
                .filter(user_id.eq(user))
                .filter(state.eq_any(WorkflowState::RUNNING))
                .count()
                .get_result(conn)
                .await
        })
    }

    /// The user's workflows that `/cancel` applies to: running or waiting for a style.
    pub async fn cancellable_workflows_of(&self, user: i64) -> AppResult<Vec<Workflow>> {
        use crate::store::schema::workflows::dsl::*;
        let mut states = WorkflowState::RUNNING.to_vec();
        states.push(WorkflowState::AWAITING_STYLE);
        with_conn!(self, "cancellable_workflows_of", |conn| {
            workflows
                .filter(user_id.eq(user))
                .filter(state.eq_any(&states))
                .filter(cancel_requested.eq(false))
                .select(Workflow::as_select())
                .load(conn)
                .await
        })
    }

    /// Asks a running workflow to stop at its next step boundary.
    pub async fn request_cancel(&self, workflow: &str) -> AppResult<()> {
        use crate::store::schema::workflows::dsl::*;
        let now = now_utc();
        with_conn!(self, "request_cancel", |conn| {
            diesel::update(
                workflows
                    .find(workflow)
                    .filter(state.ne_all(WorkflowState::FINAL)),
            )
            .set((cancel_requested.eq(true), updated_at.eq(now)))
            .execute(conn)
            .await
        })
        .map(|_| ())
    }

    /// Every workflow a restart must pick up again.
    pub async fn unfinished_workflows(&self) -> AppResult<Vec<Workflow>> {
        use crate::store::schema::workflows::dsl::*;
        with_conn!(self, "unfinished_workflows", |conn| {
            workflows
                .filter(state.eq_any(WorkflowState::RUNNING))
                .order(created_at.asc())
                .select(Workflow::as_select())
                .load(conn)
                .await
        })
    }

    /// The delivery outbox of one workflow, by part.
    pub async fn sends_of(&self, workflow: &str) -> AppResult<Vec<WorkflowSend>> {
        use crate::store::schema::workflow_sends::dsl::*;
        with_conn!(self, "sends_of", |conn| {
            workflow_sends
                .filter(workflow_id.eq(workflow))
                .order(part.asc())
                .select(WorkflowSend::as_select())
                .load(conn)
                .await
        })
    }

    /// Records that a part is about to be sent (before the Bot API call).
    pub async fn mark_sending(&self, workflow: &str, number: i32, via: &str) -> AppResult<()> {
        use crate::store::schema::workflow_sends::dsl::*;
        let row = WorkflowSend {
            workflow_id: workflow.to_string(),
            part: number,
            method: via.to_string(),
            status: SendStatus::SENDING.to_string(),
            message_ids: None,
            attempted_at: now_utc(),
            sent_at: None,
        };
        with_conn!(self, "mark_sending", |conn| {
            diesel::insert_into(workflow_sends)
                .values(&row)
                .on_conflict((workflow_id, part))
                .do_update()
                .set((attempted_at.eq(row.attempted_at), method.eq(&row.method)))
                .execute(conn)
                .await
        })
        .map(|_| ())
    }

    /// Records that Telegram took a part, with the message ids it answered.
    pub async fn mark_sent(&self, workflow: &str, number: i32, ids: &[i32]) -> AppResult<()> {
        use crate::store::schema::workflow_sends::dsl::*;
        let now = now_utc();
        let ids = ids.iter().map(i32::to_string).collect::<Vec<_>>().join(",");
        with_conn!(self, "mark_sent", |conn| {
            diesel::update(workflow_sends.find((workflow, number)))
                .set((
                    status.eq(SendStatus::SENT),
                    message_ids.eq(Some(&ids)),
                    sent_at.eq(Some(now)),
                ))
                .execute(conn)
                .await
        })
        .map(|_| ())
    }

    /// One carousel of the history (its id is the workflow's).
    pub async fn carousel(&self, carousel: &str) -> AppResult<Option<NewCarousel>> {
        use crate::store::schema::carousels::dsl::*;
        with_conn!(self, "get_carousel", |conn| {
            carousels
                .find(carousel)
                .select(NewCarousel::as_select())
                .first(conn)
                .await
                .optional()
        })
    }
}
