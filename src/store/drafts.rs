//! Drafts under review: a workflow whose slides are written and wait for the user (render,
//! edit, rewrite, restyle) before they are drawn. Every edit bumps `draft_version`, and an edit
//! made on an older version is refused, so two devices editing one draft never overwrite each
//! other silently. A draft past `review_until` can no longer be moved on; the sweep expires it.
use super::leases::sqlite_dialect;
use super::workflows::WrittenJson;
use super::workflows::USER_LIMIT_LOCK;
use super::*;
use crate::domain::{ContentOrigin, Style, WorkflowId};
use diesel::sql_types::{BigInt, Text, Timestamp};

/// What became of a request to move a draft on (render it, or write it again).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DraftMove {
    /// Moved on, leased to the caller.
    Moved,
    /// The user already runs as many carousels as allowed; the draft keeps waiting.
    AtLimit,
    /// The draft changed since the caller read it (another device saved).
    Stale,
    /// It is no longer a draft under review (rendered, cancelled, expired or gone).
    Gone,
}

/// What became of an edit of a draft.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DraftEdit {
    /// Saved under this new version.
    Saved(i64),
    Stale,
    Gone,
}

/// The draft's changes an edit carries: the slides and the post (as stored, JSON) and the
/// style; none of one keeps it as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DraftChange<'a> {
    pub slides_json: Option<&'a str>,
    pub post_json: Option<&'a str>,
    pub style: Option<Style>,
    /// The draft's own accent (`#rrggbb`); `Some(None)` clears it (the kit's, else the style's).
    pub accent: Option<Option<&'a str>>,
}

/// Moves a draft to `$8` (rendering or writing) for `$5`, unless it changed (`$2`: the version
/// read, -1 for any), expired, or its user is at the running limit ($7) — in one statement, which
/// PostgreSQL runs under the per-user lock `claim_style` takes.
const MOVE_DRAFT: &str = "UPDATE workflows \
     SET state = $8, deadline_at = $3, updated_at = $4, lease_owner = $5, lease_until = $6 \
     WHERE id = $1 AND state = 'reviewing' AND cancel_requested = FALSE \
       AND review_until > $4 AND ($2 < 0 OR draft_version = $2) \
       AND (SELECT COUNT(*) FROM workflows w WHERE w.user_id = workflows.user_id \
            AND w.state IN ('requested', 'writing', 'rendering', 'sending')) < $7";

/// A move the store is asked for.
pub struct MoveDraft<'a> {
    pub workflow: WorkflowId,
    pub user: i64,
    /// The version the caller saw; none from a chat button (which shows the latest).
    pub version: Option<i64>,
    pub to: WorkflowState,
    pub deadline: NaiveDateTime,
    pub lease: &'a Lease,
    pub max_running: i64,
}

impl WorkflowRows {
    /// Keeps the written slides as a draft under review until `until`, still leased to its
    /// writer until the review message is recorded ([`WorkflowRows::release_draft`]).
    pub async fn save_draft(
        &self,
        workflow: WorkflowId,
        written: WrittenJson<'_>,
        source: ContentOrigin,
        until: NaiveDateTime,
    ) -> AppResult<bool> {
        let workflow = workflow.to_string();
        let workflow = workflow.as_str();
        use crate::store::schema::workflows::dsl::*;
        let now = now_utc();
        with_conn!(self.db, "save_draft", |conn| {
            diesel::update(
                workflows
                    .find(workflow)
                    .filter(state.eq(WorkflowState::Writing)),
            )
            .set((
                slides_json.eq(Some(written.slides)),
                post_json.eq(written.post),
                content_source.eq(Some(source)),
                state.eq(WorkflowState::Reviewing),
                draft_version.eq(draft_version + 1),
                review_until.eq(Some(until)),
                updated_at.eq(now),
            ))
            .execute(conn)
            .await
        })
        .map(|n| n == 1)
    }

    /// Lets go of a draft once version `offered` is offered: it waits for the user, held by
    /// nobody. False when it changed meanwhile (a newer version, or moved on): the holder reads
    /// it again and carries on.
    pub async fn release_draft(
        &self,
        workflow: WorkflowId,
        lease: &Lease,
        offered: i64,
    ) -> AppResult<bool> {
        let workflow = workflow.to_string();
        let workflow = workflow.as_str();
        let owner = lease.owner.to_string();
        use crate::store::schema::workflows::dsl::*;
        with_conn!(self.db, "release_draft", |conn| {
            diesel::update(
                workflows
                    .find(workflow)
                    .filter(state.eq(WorkflowState::Reviewing))
                    .filter(draft_version.eq(offered))
                    .filter(lease_owner.eq(Some(owner.as_str()))),
            )
            .set((
                lease_owner.eq(None::<String>),
                lease_until.eq(None::<NaiveDateTime>),
            ))
            .execute(conn)
            .await
        })
        .map(|n| n == 1)
    }

    /// Saves an edit of a draft made on `version` (none: on whatever is latest, as the chat's
    /// style buttons do); the review time starts again, since the user is at work on it.
    pub async fn edit_draft(
        &self,
        workflow: WorkflowId,
        version: Option<i64>,
        change: DraftChange<'_>,
        until: NaiveDateTime,
    ) -> AppResult<DraftEdit> {
        let typed = workflow;
        let workflow = workflow.to_string();
        let workflow = workflow.as_str();
        use crate::store::schema::workflows::dsl::*;
        let now = now_utc();
        let Some(current) = self.workflow(typed).await? else {
            return Ok(DraftEdit::Gone);
        };
        let expected = version.unwrap_or(current.draft_version);
        if !is_open(&current, now) {
            return Ok(DraftEdit::Gone);
        }
        if expected != current.draft_version {
            return Ok(DraftEdit::Stale);
        }
        let new_slides = change.slides_json.or(current.slides_json.as_deref());
        let new_post = change.post_json.or(current.post_json.as_deref());
        let new_style = change.style.or(current.style);
        let new_accent = change.accent.unwrap_or(current.accent.as_deref());
        let saved = with_conn!(self.db, "edit_draft", |conn| {
            diesel::update(
                workflows
                    .find(workflow)
                    .filter(state.eq(WorkflowState::Reviewing))
                    .filter(draft_version.eq(expected))
                    .filter(cancel_requested.eq(false))
                    .filter(review_until.gt(now)),
            )
            .set((
                slides_json.eq(new_slides),
                post_json.eq(new_post),
                style.eq(new_style),
                accent.eq(new_accent),
                draft_version.eq(expected + 1),
                review_until.eq(Some(until)),
                updated_at.eq(now),
            ))
            .execute(conn)
            .await
        })?;
        if saved == 1 {
            return Ok(DraftEdit::Saved(expected + 1));
        }
        // Someone else got in between the read and the write.
        Ok(match self.workflow(typed).await? {
            Some(wf) if is_open(&wf, now) => DraftEdit::Stale,
            _ => DraftEdit::Gone,
        })
    }

    /// Moves a draft on (see [`MOVE_DRAFT`]).
    pub async fn move_draft(&self, request: MoveDraft<'_>) -> AppResult<DraftMove> {
        let workflow = request.workflow.to_string();
        let workflow = workflow.as_str();
        let now = now_utc();
        let (owner, until) = (request.lease.owner.to_string(), request.lease.until(now));
        let version = request.version.unwrap_or(-1);
        macro_rules! move_query {
            ($sql:expr) => {
                diesel::sql_query($sql)
                    .bind::<Text, _>(workflow)
                    .bind::<BigInt, _>(version)
                    .bind::<Timestamp, _>(request.deadline)
                    .bind::<Timestamp, _>(now)
                    .bind::<Text, _>(&owner)
                    .bind::<Timestamp, _>(until)
                    .bind::<BigInt, _>(request.max_running)
                    .bind::<Text, _>(request.to)
            };
        }
        let moved = with_conn!(
            self.db,
            "move_draft",
            sqlite | conn | move_query!(sqlite_dialect(MOVE_DRAFT)).execute(conn).await,
            postgres | conn | {
                use diesel_async::AsyncConnection;
                conn.transaction::<usize, diesel::result::Error, _>(async |tx| {
                    diesel::sql_query(USER_LIMIT_LOCK)
                        .bind::<BigInt, _>(request.user)
                        .execute(tx)
                        .await?;
                    move_query!(MOVE_DRAFT).execute(tx).await
                })
                .await
            }
        )?;
        if moved == 1 {
            return Ok(DraftMove::Moved);
        }
        Ok(match self.workflow(request.workflow).await? {
            Some(wf) if !is_open(&wf, now) => DraftMove::Gone,
            Some(wf) if request.version.is_some_and(|v| v != wf.draft_version) => DraftMove::Stale,
            Some(_) => DraftMove::AtLimit,
            None => DraftMove::Gone,
        })
    }

    /// Fixes the brand kit snapshot a workflow is drawn with, unless one is fixed already.
    pub async fn fix_brand(&self, workflow: WorkflowId, snapshot: &str) -> AppResult<bool> {
        let workflow = workflow.to_string();
        let workflow = workflow.as_str();
        use crate::store::schema::workflows::dsl::*;
        with_conn!(self.db, "fix_brand", |conn| {
            diesel::update(workflows.find(workflow).filter(brand_json.is_null()))
                .set(brand_json.eq(Some(snapshot)))
                .execute(conn)
                .await
        })
        .map(|n| n == 1)
    }

    /// Ends a draft whose review time is over; false when it was moved on (or ended) first.
    pub async fn expire_draft(&self, workflow: WorkflowId) -> AppResult<bool> {
        let workflow = workflow.to_string();
        let workflow = workflow.as_str();
        use crate::store::schema::workflows::dsl::*;
        let now = now_utc();
        with_conn!(self.db, "expire_draft", |conn| {
            diesel::update(
                workflows
                    .find(workflow)
                    .filter(state.eq(WorkflowState::Reviewing))
                    .filter(review_until.le(now)),
            )
            .set((
                state.eq(WorkflowState::Expired),
                error.eq(Some("draft expired")),
                updated_at.eq(now),
                lease_owner.eq(None::<String>),
                lease_until.eq(None::<NaiveDateTime>),
            ))
            .execute(conn)
            .await
        })
        .map(|n| n == 1)
    }
}

/// Whether a draft still takes edits and presses.
pub fn is_open(wf: &Workflow, now: NaiveDateTime) -> bool {
    wf.state == WorkflowState::Reviewing
        && !wf.cancel_requested
        && wf.review_until.is_some_and(|until| until > now)
}

#[cfg(test)]
mod sql_tests {
    use super::*;
    use crate::store::states::assert_sql_spells;

    #[test]
    fn the_draft_statement_spells_only_known_states() {
        assert!(assert_sql_spells::<WorkflowState>(MOVE_DRAFT, "state") > 0);
    }
}
