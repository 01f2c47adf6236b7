//! `received_updates`: every update, recorded before the webhook answers 200, claimed with a lease
//! by the replica that handles it, finished with its outcome. Owned by the intake (the webhook's
//! group commit, the sweep) until the gateway finishes it through the data service.
use super::leases;
use super::schema::received_updates;
use super::*;

/// The table of received updates.
#[derive(Clone)]
pub struct Updates {
    db: Db,
}

impl Updates {
    pub fn new(db: Db) -> Updates {
        Updates { db }
    }
}

/// An update claimed for handling.
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
#[diesel(table_name = received_updates)]
pub struct ClaimedUpdate {
    pub update_id: i64,
    pub payload: String,
    /// Claims so far, this one included.
    pub attempts: i32,
}

/// Pending updates and lapsed claims, each read in order from its own index (`received_updates_due`,
/// `received_updates_leased`) and stopped at the batch size: a claim costs the same with a
/// backlog of millions as with none.
pub(super) const CLAIM_UPDATES: &str = "WITH due AS (SELECT update_id FROM received_updates \
        WHERE status = 'pending' ORDER BY update_id LIMIT $4 FOR UPDATE SKIP LOCKED), \
     lapsed AS (SELECT update_id FROM received_updates \
        WHERE status = 'claimed' AND (lease_until IS NULL OR lease_until < $3) \
        LIMIT $4 FOR UPDATE SKIP LOCKED) \
     UPDATE received_updates \
     SET status = 'claimed', lease_owner = $1, lease_until = $2, attempts = attempts + 1 \
     WHERE update_id IN (SELECT update_id FROM \
        (SELECT update_id FROM due UNION ALL SELECT update_id FROM lapsed) AS candidates \
        ORDER BY update_id LIMIT $4) \
     RETURNING update_id, payload, attempts";

impl Updates {
    /// Records a batch of updates in one statement; answers, per input row, whether it was new.
    /// This is the group commit behind the webhook: many requests, one transaction.
    pub async fn record_updates(&self, rows: &[NewReceivedUpdate]) -> AppResult<Vec<bool>> {
        use schema::received_updates::dsl::*;
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        with_conn!(
            self.db,
            "record_updates",
            sqlite | conn | sqlite_insert_or_ignore!(conn, received_updates, rows),
            postgres | conn | {
                pg_bulk::InsertReceivedUpdates::new(rows)
                    .get_results::<i64>(conn)
                    .await
                    .map(|inserted| first_occurrences_inserted(rows, |r| r.update_id, inserted))
            }
        )
    }

    pub async fn count_pending(&self) -> AppResult<i64> {
        use schema::received_updates::dsl::*;
        with_conn!(self.db, "count_pending", |conn| {
            received_updates
                .filter(status.eq(UpdateStatus::Pending))
                .count()
                .get_result(conn)
                .await
        })
    }

    /// The update's row as recorded (its payload verbatim): the trace's root of its conversation.
    pub async fn received_update(&self, id: i64) -> AppResult<Option<ReceivedUpdate>> {
        use schema::received_updates::dsl::*;
        let result = with_conn!(self.db, "received_update", |conn| {
            received_updates
                .find(id)
                .select(ReceivedUpdate::as_select())
                .first(conn)
                .await
                .optional()
        });
        self.db
            .name_unknown_values(
                result,
                "received_updates",
                ("update_id", Some(&id.to_string())),
                &[
                    TextColumn::of::<UpdateStatus>("status"),
                    TextColumn::of::<UpdateType>("kind"),
                ],
            )
            .await
    }

    pub async fn update_status_of(&self, id: i64) -> AppResult<Option<UpdateStatus>> {
        use schema::received_updates::dsl::*;
        let result = with_conn!(self.db, "update_status", |conn| {
            received_updates
                .find(id)
                .select(status)
                .first::<UpdateStatus>(conn)
                .await
                .optional()
        });
        self.db
            .name_unknown_values(
                result,
                "received_updates",
                ("update_id", Some(&id.to_string())),
                &[TextColumn::of::<UpdateStatus>("status")],
            )
            .await
    }

    pub async fn finish_update(&self, id: i64, outcome: UpdateStatus) -> AppResult<()> {
        use schema::received_updates::dsl::*;
        let now = now_utc();
        with_conn!(self.db, "finish_update", |conn| {
            diesel::update(received_updates.find(id))
                .set((status.eq(outcome), processed_at.eq(Some(now))))
                .execute(conn)
                .await
        })
        .map(|_| ())
    }

    /// Marks many updates finished at once: one statement per distinct outcome.
    pub async fn finish_updates(&self, finished: &[(i64, UpdateStatus)]) -> AppResult<()> {
        use schema::received_updates::dsl::*;
        let now = now_utc();
        let mut by_outcome: std::collections::BTreeMap<&str, Vec<i64>> =
            std::collections::BTreeMap::new();
        for (id, outcome) in finished {
            by_outcome.entry(outcome.as_str()).or_default().push(*id);
        }
        for (outcome, ids) in by_outcome {
            with_conn!(self.db, "finish_updates", |conn| {
                diesel::update(received_updates.filter(update_id.eq_any(&ids)))
                    .set((status.eq(outcome), processed_at.eq(Some(now))))
                    .execute(conn)
                    .await
            })?;
        }
        Ok(())
    }

    pub async fn count_updates(&self) -> AppResult<i64> {
        use schema::received_updates::dsl::*;
        with_conn!(self.db, "count_updates", |conn| received_updates
            .count()
            .get_result(conn)
            .await)
    }

    // ---- users ------------------------------------------------------------------------------
}

impl Updates {
    /// Claims up to `limit` updates nobody owns: pending ones, and claimed ones whose lease has
    /// expired (their replica died or stalled). Oldest first.
    pub async fn claim_updates(
        &self,
        lease: &Lease,
        now: NaiveDateTime,
        limit: i64,
    ) -> AppResult<Vec<ClaimedUpdate>> {
        let mut claimed: Vec<ClaimedUpdate> =
            leases::claim(&self.db, "claim_updates", CLAIM_UPDATES, lease, now, limit).await?;
        claimed.sort_by_key(|u| u.update_id);
        Ok(claimed)
    }

    /// Updates recorded but not finished (pending or claimed), for operators and tests.
    pub async fn count_open_updates(&self) -> AppResult<i64> {
        use schema::received_updates::dsl::*;
        with_conn!(self.db, "count_open_updates", |conn| {
            received_updates
                .filter(status.eq_any([UpdateStatus::Pending, UpdateStatus::Claimed]))
                .count()
                .get_result(conn)
                .await
        })
    }
}
