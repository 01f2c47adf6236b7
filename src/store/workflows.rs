//! The orchestrator's durable state: carousel workflows, owned through leases while they run.
use super::leases::sqlite_dialect;
use super::schema::workflows;
use super::states::TextColumn;
use super::*;
use crate::domain::{ContentLanguage, Delivery, Lang, SlideSize, Style, WorkflowId};
use diesel::sql_types::{BigInt, Text, Timestamp};

impl Workflow {
    /// The row's id, typed: a malformed one is a corrupt row, never the all-zero id.
    pub fn workflow_id(&self) -> AppResult<crate::domain::WorkflowId> {
        crate::domain::WorkflowId::parse(&self.id).map_err(|e| self.corrupt(e))
    }

    /// The correlation id of the request that made it (every message it causes carries it).
    pub fn correlation(&self) -> AppResult<uuid::Uuid> {
        uuid::Uuid::parse_str(&self.correlation_id).map_err(|e| self.corrupt(e))
    }

    fn corrupt(&self, reason: impl std::fmt::Display) -> AppError {
        AppError::CorruptRow {
            table: "workflows",
            id: self.id.chars().take(64).collect(),
            reason: reason.to_string(),
        }
    }
}

/// `workflows`: one row per carousel request, leased to the replica that runs it; owned by the workflow engine.
#[derive(Clone)]
pub struct WorkflowRows {
    pub(super) db: Db,
}

impl WorkflowRows {
    pub fn new(db: Db) -> WorkflowRows {
        WorkflowRows { db }
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
    pub lang: Lang,
    /// None while the workflow waits for the user's style button.
    pub style: Option<Style>,
    pub slides: i32,
    pub size: SlideSize,
    pub delivery: Delivery,
    pub state: WorkflowState,
    pub slides_json: Option<String>,
    pub content_source: Option<ContentOrigin>,
    pub error: Option<String>,
    pub cancel_requested: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub deadline_at: Option<NaiveDateTime>,
    /// The span of the press that started it: a resumed run links its new trace to it.
    pub trace_parent: Option<String>,
    /// The footer text of its slides, fixed when it was requested (re-rendering draws the same);
    /// none on rows from before handles were the user's (the renderer's default then).
    pub handle: Option<String>,
    /// The language its slides are written in, fixed when it was requested (the topic's, or the
    /// user's choice); none on rows from before content languages (their interface language).
    pub content_lang: Option<ContentLanguage>,
    /// Whether the written slides wait for the user's review before they are drawn.
    pub review: bool,
    /// Bumped by every change to the draft: an edit made on a stale version is refused.
    pub draft_version: i64,
    /// When a draft under review expires.
    pub review_until: Option<NaiveDateTime>,
    /// The post written with the slides (a [`crate::domain::Post`] as JSON); none on rows from
    /// before posts.
    pub post_json: Option<String>,
    /// The brand kit it is drawn with (a [`crate::domain::BrandKit`] snapshot), fixed when its
    /// drawing starts; none before that, and on rows drawn without a kit.
    pub brand_json: Option<String>,
    /// A draft's own accent (`#rrggbb`), chosen in the editor; none: the kit's, else the style's.
    pub accent: Option<String>,
}

impl Workflow {
    /// The language its slides are written in.
    pub fn content_language(&self) -> ContentLanguage {
        self.content_lang
            .unwrap_or_else(|| ContentLanguage::from(self.lang))
    }
}

/// The text columns of a workflow row that hold enums.
fn workflow_columns() -> [TextColumn; 7] {
    [
        TextColumn::of::<WorkflowState>("state"),
        TextColumn::of::<Lang>("lang"),
        TextColumn::of::<Style>("style"),
        TextColumn::of::<SlideSize>("size"),
        TextColumn::of::<Delivery>("delivery"),
        TextColumn::of::<ContentOrigin>("content_source"),
        TextColumn::of::<ContentLanguage>("content_lang"),
    ]
}

/// The text columns of a carousel row that hold enums.
pub(super) fn carousel_columns() -> [TextColumn; 2] {
    [
        TextColumn::of::<Style>("style"),
        TextColumn::of::<ContentOrigin>("content_source"),
    ]
}

/// What the writing step made, as stored: the slides and the post, each as JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WrittenJson<'a> {
    pub slides: &'a str,
    /// None only from writers that make no post.
    pub post: Option<&'a str>,
}

/// What became of a style press.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StyleClaim {
    /// The workflow is started and leased to the claimer.
    Claimed,
    /// The user already runs as many carousels as allowed.
    AtLimit,
    /// The workflow no longer waits for a style (pressed twice, started, cancelled).
    NotWaiting,
}

/// Starts a waiting workflow unless its user is at the limit: the count and the move happen in one
/// statement, which PostgreSQL runs under a per-user transaction lock so two presses on two
/// replicas cannot both pass.
const CLAIM_STYLE: &str = "UPDATE workflows \
     SET style = $2, state = 'requested', deadline_at = $3, updated_at = $4, \
         lease_owner = $5, lease_until = $6 \
     WHERE id = $1 AND state = 'awaiting_style' AND cancel_requested = FALSE \
       AND (SELECT COUNT(*) FROM workflows w WHERE w.user_id = workflows.user_id \
            AND w.state IN ('requested', 'writing', 'rendering', 'sending')) < $7";

pub(super) const USER_LIMIT_LOCK: &str = "SELECT pg_advisory_xact_lock(1651925761, hashint8($1))";

/// Takes a running workflow (or a draft, to offer or expire it) for `$2` when nobody holds it
/// (or `$2` already does).
const ACQUIRE_WORKFLOW: &str = "UPDATE workflows SET lease_owner = $2, lease_until = $3 \
     WHERE id = $1 AND (state IN ('requested', 'writing', 'rendering', 'sending') \
                        OR state = 'reviewing') \
       AND (lease_owner IS NULL OR lease_until IS NULL OR lease_until < $4 OR lease_owner = $2)";

const RENEW_WORKFLOW: &str = "UPDATE workflows SET lease_until = $3 \
     WHERE id = $1 AND lease_owner = $2 AND $3 > $4 \
       AND (state IN ('requested', 'writing', 'rendering', 'sending') OR state = 'reviewing')";

/// Running workflows nobody holds, and drafts with work owed: one whose writer died before
/// it was offered (still leased, lease run out), or one past its review time (to expire it).
const CLAIMABLE_WORKFLOWS: &str = "SELECT id FROM workflows \
     WHERE (state IN ('requested', 'writing', 'rendering', 'sending') \
            AND (lease_owner IS NULL OR lease_until IS NULL OR lease_until < $1)) \
        OR (state = 'reviewing' \
            AND ((lease_owner IS NOT NULL AND lease_until < $1) \
                 OR (review_until < $1 AND (lease_owner IS NULL OR lease_until < $1)))) \
     ORDER BY created_at LIMIT $2";

#[derive(QueryableByName)]
#[diesel(table_name = workflows)]
struct IdRow {
    id: String,
}

impl WorkflowRows {
    async fn lease_workflow(
        &self,
        op: &'static str,
        sql: &'static str,
        workflow: &str,
        lease: &Lease,
        now: NaiveDateTime,
    ) -> AppResult<bool> {
        let (owner, until) = (lease.owner.to_string(), lease.until(now));
        // $1 the workflow, $2 the claimer, $3 its lease's expiry, $4 now.
        macro_rules! lease_query {
            ($sql:expr) => {
                diesel::sql_query($sql)
                    .bind::<Text, _>(workflow)
                    .bind::<Text, _>(&owner)
                    .bind::<Timestamp, _>(until)
                    .bind::<Timestamp, _>(now)
            };
        }
        with_conn!(
            self.db,
            op,
            sqlite | conn | lease_query!(sqlite_dialect(sql)).execute(conn).await,
            postgres | conn | lease_query!(sql).execute(conn).await
        )
        .map(|n| n == 1)
    }
}

impl WorkflowRows {
    /// Inserts a new workflow; false when one with this id exists already (a redelivered update).
    pub async fn create_workflow(&self, row: &Workflow) -> AppResult<bool> {
        use crate::store::schema::workflows::dsl::*;
        with_conn!(self.db, "create_workflow", |conn| {
            diesel::insert_into(workflows)
                .values(row)
                .on_conflict_do_nothing()
                .execute(conn)
                .await
        })
        .map(|n| n == 1)
    }

    pub async fn workflow(&self, workflow: WorkflowId) -> AppResult<Option<Workflow>> {
        let workflow = workflow.to_string();
        let workflow = workflow.as_str();
        use crate::store::schema::workflows::dsl::*;
        let result = with_conn!(self.db, "get_workflow", |conn| {
            workflows
                .find(workflow)
                .select(Workflow::as_select())
                .first(conn)
                .await
                .optional()
        });
        self.db
            .name_unknown_values(
                result,
                "workflows",
                ("id", Some(workflow)),
                &workflow_columns(),
            )
            .await
    }

    /// Starts a workflow waiting for its style, leased to `lease.owner`, unless its user already
    /// runs `max_running` carousels.
    pub async fn claim_style(
        &self,
        workflow: WorkflowId,
        user: i64,
        chosen: Style,
        deadline: NaiveDateTime,
        lease: &Lease,
        max_running: i64,
    ) -> AppResult<StyleClaim> {
        let typed = workflow;
        let workflow = workflow.to_string();
        let workflow = workflow.as_str();
        let now = now_utc();
        let (owner, until) = (lease.owner.to_string(), lease.until(now));
        // The statement's parameters, the same on both backends.
        macro_rules! style_claim {
            ($sql:expr) => {
                diesel::sql_query($sql)
                    .bind::<Text, _>(workflow)
                    .bind::<Text, _>(chosen)
                    .bind::<Timestamp, _>(deadline)
                    .bind::<Timestamp, _>(now)
                    .bind::<Text, _>(&owner)
                    .bind::<Timestamp, _>(until)
                    .bind::<BigInt, _>(max_running)
            };
        }
        let moved = with_conn!(
            self.db,
            "claim_style",
            sqlite | conn | {
                style_claim!(sqlite_dialect(CLAIM_STYLE))
                    .execute(conn)
                    .await
            },
            postgres | conn | {
                use diesel_async::AsyncConnection;
                conn.transaction::<usize, diesel::result::Error, _>(async |tx| {
                    diesel::sql_query(USER_LIMIT_LOCK)
                        .bind::<BigInt, _>(user)
                        .execute(tx)
                        .await?;
                    style_claim!(CLAIM_STYLE).execute(tx).await
                })
                .await
            }
        )?;
        if moved == 1 {
            return Ok(StyleClaim::Claimed);
        }
        Ok(match self.workflow(typed).await? {
            Some(wf) if wf.state == WorkflowState::AwaitingStyle && !wf.cancel_requested => {
                StyleClaim::AtLimit
            }
            _ => StyleClaim::NotWaiting,
        })
    }

    /// Notes the span that started a workflow, so a run resumed elsewhere links back to it.
    pub async fn note_workflow_trace(
        &self,
        workflow: WorkflowId,
        traceparent: &str,
    ) -> AppResult<()> {
        let workflow = workflow.to_string();
        let workflow = workflow.as_str();
        use schema::workflows::dsl::*;
        with_conn!(self.db, "note_workflow_trace", |conn| {
            diesel::update(workflows.find(workflow))
                .set(trace_parent.eq(Some(traceparent)))
                .execute(conn)
                .await
        })
        .map(|_| ())
    }

    /// Takes the lease of a running workflow when nobody holds it; true when `lease.owner` now does.
    pub async fn acquire_workflow(
        &self,
        workflow: WorkflowId,
        lease: &Lease,
        now: NaiveDateTime,
    ) -> AppResult<bool> {
        let workflow = workflow.to_string();
        let workflow = workflow.as_str();
        self.lease_workflow("acquire_workflow", ACQUIRE_WORKFLOW, workflow, lease, now)
            .await
    }

    /// Extends the lease `lease.owner` holds; false when it lost it (expired and taken over) or
    /// the workflow has ended.
    pub async fn renew_workflow(
        &self,
        workflow: WorkflowId,
        lease: &Lease,
        now: NaiveDateTime,
    ) -> AppResult<bool> {
        let workflow = workflow.to_string();
        let workflow = workflow.as_str();
        self.lease_workflow("renew_workflow", RENEW_WORKFLOW, workflow, lease, now)
            .await
    }

    /// Running workflows nobody holds (never leased, released, or their lease expired).
    pub async fn claimable_workflows(
        &self,
        now: NaiveDateTime,
        limit: i64,
    ) -> AppResult<Vec<WorkflowId>> {
        let rows: Vec<IdRow> = with_conn!(
            self.db,
            "claimable_workflows",
            sqlite | conn | {
                diesel::sql_query(sqlite_dialect(CLAIMABLE_WORKFLOWS))
                    .bind::<Timestamp, _>(now)
                    .bind::<BigInt, _>(limit)
                    .load(conn)
                    .await
            },
            postgres | conn | {
                diesel::sql_query(CLAIMABLE_WORKFLOWS)
                    .bind::<Timestamp, _>(now)
                    .bind::<BigInt, _>(limit)
                    .load(conn)
                    .await
            }
        )?;
        rows.into_iter()
            .map(|row| {
                WorkflowId::parse(&row.id).map_err(|e| AppError::CorruptRow {
                    table: "workflows",
                    id: e.given.clone(),
                    reason: e.to_string(),
                })
            })
            .collect()
    }

    /// Moves a workflow from one state to the next; false when it was no longer in `from`.
    pub async fn advance_workflow(
        &self,
        workflow: WorkflowId,
        from: WorkflowState,
        to: WorkflowState,
    ) -> AppResult<bool> {
        let workflow = workflow.to_string();
        let workflow = workflow.as_str();
        use crate::store::schema::workflows::dsl::*;
        let now = now_utc();
        with_conn!(self.db, "advance_workflow", |conn| {
            diesel::update(workflows.find(workflow).filter(state.eq(from)))
                .set((state.eq(to), updated_at.eq(now)))
                .execute(conn)
                .await
        })
        .map(|n| n == 1)
    }

    /// Memoizes the writing step: the slides and the post are kept and the workflow moves on to
    /// rendering.
    pub async fn save_written(
        &self,
        workflow: WorkflowId,
        written: WrittenJson<'_>,
        source: ContentOrigin,
    ) -> AppResult<()> {
        let workflow = workflow.to_string();
        let workflow = workflow.as_str();
        use crate::store::schema::workflows::dsl::*;
        let now = now_utc();
        with_conn!(self.db, "save_written", |conn| {
            diesel::update(
                workflows
                    .find(workflow)
                    .filter(state.eq(WorkflowState::Writing)),
            )
            .set((
                slides_json.eq(Some(written.slides)),
                post_json.eq(written.post),
                content_source.eq(Some(source)),
                state.eq(WorkflowState::Rendering),
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
        workflow: WorkflowId,
        outcome: WorkflowState,
        reason: Option<&str>,
    ) -> AppResult<bool> {
        let workflow = workflow.to_string();
        let workflow = workflow.as_str();
        use crate::store::schema::workflows::dsl::*;
        let now = now_utc();
        with_conn!(self.db, "finish_workflow", |conn| {
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
        with_conn!(self.db, "running_workflows_of", |conn| {
            workflows
                .filter(user_id.eq(user))
                .filter(state.eq_any(WorkflowState::RUNNING))
                .count()
                .get_result(conn)
                .await
        })
    }

    /// The user's workflows that `/cancel` applies to: running, waiting for a style or a review.
    pub async fn cancellable_workflows_of(&self, user: i64) -> AppResult<Vec<Workflow>> {
        use crate::store::schema::workflows::dsl::*;
        let mut states = WorkflowState::RUNNING.to_vec();
        states.push(WorkflowState::AwaitingStyle);
        states.push(WorkflowState::Reviewing);
        let result = with_conn!(self.db, "cancellable_workflows_of", |conn| {
            workflows
                .filter(user_id.eq(user))
                .filter(state.eq_any(&states))
                .filter(cancel_requested.eq(false))
                .select(Workflow::as_select())
                .load(conn)
                .await
        });
        self.db
            .name_unknown_values(result, "workflows", ("id", None), &workflow_columns())
            .await
    }

    /// Asks a running workflow to stop at its next step boundary.
    pub async fn request_cancel(&self, workflow: WorkflowId) -> AppResult<()> {
        let workflow = workflow.to_string();
        let workflow = workflow.as_str();
        use crate::store::schema::workflows::dsl::*;
        let now = now_utc();
        with_conn!(self.db, "request_cancel", |conn| {
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
}

impl WorkflowRows {
    /// Records the message a workflow's status is shown in, unless one is recorded already.
    pub async fn set_status_message_once(
        &self,
        workflow: WorkflowId,
        message: i32,
    ) -> AppResult<()> {
        let workflow = workflow.to_string();
        let workflow = workflow.as_str();
        use schema::workflows::dsl::*;
        with_conn!(self.db, "set_status_message_once", |conn| {
            diesel::update(workflows.find(workflow).filter(status_message_id.is_null()))
                .set(status_message_id.eq(Some(message)))
                .execute(conn)
                .await
        })
        .map(|_| ())
    }
}

#[cfg(test)]
mod sql_tests {
    use super::*;
    use crate::store::states::{assert_sql_spells, sql_literals};

    #[test]
    fn the_workflow_statements_spell_only_known_states_and_running_means_the_four() {
        let running: Vec<String> = WorkflowState::RUNNING
            .iter()
            .map(|s| s.to_string())
            .collect();
        for sql in [
            CLAIM_STYLE,
            ACQUIRE_WORKFLOW,
            RENEW_WORKFLOW,
            CLAIMABLE_WORKFLOWS,
        ] {
            assert!(
                assert_sql_spells::<WorkflowState>(sql, "state") > 0,
                "{sql}"
            );
            let lists = sql_literals(sql, "state");
            for list in lists.iter().filter(|l| l.len() > 1) {
                assert_eq!(list, &running, "{sql}");
            }
        }
    }
}
