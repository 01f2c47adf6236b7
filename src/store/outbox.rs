//! The outbox: everything the bot owes Telegram, one row per Bot API call, written before the call.
//!
//! A row is `pending` (due at `next_attempt_at`) → `sending` (claimed with a lease by one replica's
//! dispatcher) → `sent` (with Telegram's message ids) or `failed` (refused, or out of attempts,
//! with the reason). A `sending` row whose lease expired is due again: its replica died, possibly
//! after Telegram took the message and before `sent` was written — the one window in which a
//! message can go twice. Row ids are derived from what caused them, so recording the same reply
//! twice (a redelivered update, a resumed workflow) keeps one row.
use super::leases;
use super::schema::outbox;
use super::*;
use diesel::sql_types::{Text, Timestamp};

/// `outbox`: one row per Bot API call owed; owned by the durable outbox and its dispatcher.
#[derive(Clone)]
pub struct OutboxRows {
    db: Db,
}

impl OutboxRows {
    pub fn new(db: Db) -> OutboxRows {
        OutboxRows { db }
    }

    /// How long a group commit over this table waits to fill a batch.
    pub fn batch_linger(&self) -> std::time::Duration {
        self.db.batch_linger()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Insertable)]
#[diesel(table_name = outbox)]
pub struct NewOutboxRow {
    pub id: String,
    pub chat_id: i64,
    pub method: OutboxKind,
    pub payload: String,
    pub workflow_id: Option<String>,
    pub status: OutboxStatus,
    pub next_attempt_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
    /// The span that recorded it: the send continues that trace.
    pub trace_parent: Option<String>,
    /// Set when the row is recorded already claimed (`sending`) by the recording replica's own
    /// dispatcher, which then needs no claim to take it.
    pub lease_owner: Option<String>,
    pub lease_until: Option<NaiveDateTime>,
}

impl NewOutboxRow {
    /// The row as a claim would have returned it (for rows recorded already claimed).
    pub fn as_recorded(&self) -> OutboxRow {
        OutboxRow {
            id: self.id.clone(),
            chat_id: self.chat_id,
            method: self.method,
            payload: self.payload.clone(),
            workflow_id: self.workflow_id.clone(),
            status: self.status,
            attempts: 0,
            next_attempt_at: self.next_attempt_at,
            lease_owner: self.lease_owner.clone(),
            lease_until: self.lease_until,
            last_error: None,
            message_ids: None,
            created_at: self.created_at,
            sent_at: None,
            trace_parent: self.trace_parent.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = outbox)]
pub struct OutboxRow {
    pub id: String,
    pub chat_id: i64,
    pub method: OutboxKind,
    pub payload: String,
    pub workflow_id: Option<String>,
    pub status: OutboxStatus,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub lease_owner: Option<String>,
    pub lease_until: Option<NaiveDateTime>,
    pub last_error: Option<String>,
    pub message_ids: Option<String>,
    pub created_at: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
    pub trace_parent: Option<String>,
}

/// A row Telegram took, with the ids of the messages it made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentRow {
    pub id: String,
    pub message_ids: Vec<i32>,
}

/// A claimed row given back: due again at `at`; `attempted` says whether a Bot API call was made
/// (pacing deferrals and an open breaker are not attempts).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reschedule {
    pub id: String,
    pub at: NaiveDateTime,
    pub attempted: bool,
    pub error: Option<String>,
}

/// Due rows and lapsed leases, each read in order from its own index (`outbox_due`,
/// `outbox_leased`) and stopped at the batch size: a claim costs the same with a backlog of
/// millions as with none.
const CLAIM_OUTBOX: &str = "WITH due AS (SELECT id, next_attempt_at, created_at FROM outbox \
        WHERE status = 'pending' AND next_attempt_at <= $3 \
        ORDER BY next_attempt_at, created_at, id LIMIT $4 FOR UPDATE SKIP LOCKED), \
     lapsed AS (SELECT id, next_attempt_at, created_at FROM outbox \
        WHERE status = 'sending' AND lease_until < $3 \
        ORDER BY lease_until LIMIT $4 FOR UPDATE SKIP LOCKED) \
     UPDATE outbox SET status = 'sending', lease_owner = $1, lease_until = $2 \
     WHERE id IN (SELECT id FROM \
        (SELECT * FROM due UNION ALL SELECT * FROM lapsed) AS candidates \
        ORDER BY next_attempt_at, created_at, id LIMIT $4) \
     RETURNING id, chat_id, method, payload, workflow_id, status, attempts, next_attempt_at, \
        lease_owner, lease_until, last_error, message_ids, created_at, sent_at, trace_parent";

#[cfg(test)]
#[test]
fn the_outbox_claim_spells_only_known_statuses() {
    assert_eq!(
        super::states::assert_sql_spells::<OutboxStatus>(CLAIM_OUTBOX, "status"),
        3
    );
}

fn ids_text(ids: &[i32]) -> String {
    ids.iter().map(i32::to_string).collect::<Vec<_>>().join(",")
}

impl OutboxRows {
    /// A read of outbox rows, with a status the code does not know named in the error.
    async fn outbox_rows_read<T>(
        &self,
        result: AppResult<T>,
        row_id: Option<&str>,
    ) -> AppResult<T> {
        self.db
            .name_unknown_values(
                result,
                "outbox",
                ("id", row_id),
                &[TextColumn::of::<OutboxStatus>("status")],
            )
            .await
    }
}

impl OutboxRows {
    /// Records rows to send; answers, per row, whether it was new (false: already recorded).
    pub async fn enqueue(&self, rows: &[NewOutboxRow]) -> AppResult<Vec<bool>> {
        use schema::outbox::dsl::*;
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        with_conn!(
            self.db,
            "enqueue",
            sqlite | conn | sqlite_insert_or_ignore!(conn, outbox, rows),
            postgres | conn | {
                pg_bulk::InsertOutbox::new(rows)
                    .get_results::<String>(conn)
                    .await
                    .map(|inserted| first_occurrences_inserted(rows, |r| r.id.clone(), inserted))
            }
        )
    }

    /// Claims up to `limit` due rows for `lease.owner`: pending ones whose time has come and
    /// sending ones whose lease expired. In the order they became due.
    pub async fn claim_outbox(
        &self,
        lease: &Lease,
        now: NaiveDateTime,
        limit: i64,
    ) -> AppResult<Vec<OutboxRow>> {
        let mut rows: Vec<OutboxRow> =
            leases::claim(&self.db, "claim_outbox", CLAIM_OUTBOX, lease, now, limit).await?;
        rows.sort_by(|a, b| {
            (a.next_attempt_at, a.created_at, &a.id).cmp(&(b.next_attempt_at, b.created_at, &b.id))
        });
        Ok(rows)
    }

    /// Marks rows sent (one transaction).
    pub async fn mark_outbox_sent(&self, rows: &[SentRow], now: NaiveDateTime) -> AppResult<()> {
        if rows.is_empty() {
            return Ok(());
        }
        let owned: Vec<(String, String)> = rows
            .iter()
            .map(|r| (r.id.clone(), ids_text(&r.message_ids)))
            .collect();
        with_conn!(
            self.db,
            "mark_outbox_sent",
            sqlite | conn | {
                conn.spawn_blocking(move |sync| {
                    use schema::outbox::dsl::*;
                    sync.transaction(|tx| {
                        for (row_id, ids) in &owned {
                            let update = diesel::update(outbox.find(row_id)).set((
                                status.eq(OutboxStatus::Sent),
                                message_ids.eq(Some(ids)),
                                sent_at.eq(Some(now)),
                                attempts.eq(attempts + 1),
                                lease_owner.eq(None::<String>),
                                lease_until.eq(None::<NaiveDateTime>),
                            ));
                            diesel::RunQueryDsl::execute(update, tx)?;
                        }
                        Ok::<(), diesel::result::Error>(())
                    })
                })
                .await
            },
            postgres | conn | {
                use diesel::sql_types::Array;
                let (ids, mids): (Vec<String>, Vec<String>) = owned.into_iter().unzip();
                diesel::sql_query(
                    "UPDATE outbox SET status = 'sent', message_ids = v.mids, sent_at = $3, \
                     attempts = outbox.attempts + 1, lease_owner = NULL, lease_until = NULL \
                     FROM unnest($1, $2) AS v(id, mids) WHERE outbox.id = v.id",
                )
                .bind::<Array<Text>, _>(ids)
                .bind::<Array<Text>, _>(mids)
                .bind::<Timestamp, _>(now)
                .execute(conn)
                .await
                .map(|_| ())
            }
        )
    }

    /// Gives rows `owner` claimed back, each due again at its own time (rows another replica has
    /// taken over meanwhile are left alone).
    pub async fn reschedule_outbox(&self, owner: &str, rows: &[Reschedule]) -> AppResult<()> {
        if rows.is_empty() {
            return Ok(());
        }
        let owned = rows.to_vec();
        let holder = owner.to_string();
        with_conn!(self.db, "reschedule_outbox", |conn| {
            use diesel_async::AsyncConnection;
            let (owned, holder) = (&owned, &holder);
            conn.transaction::<(), diesel::result::Error, _>(async |tx| {
                use schema::outbox::dsl::*;
                for row in owned {
                    let tried = i32::from(row.attempted);
                    diesel::update(outbox.find(&row.id).filter(lease_owner.eq(holder)))
                        .set((
                            status.eq(OutboxStatus::Pending),
                            next_attempt_at.eq(row.at),
                            attempts.eq(attempts + tried),
                            last_error.eq(row.error.as_deref()),
                            lease_owner.eq(None::<String>),
                            lease_until.eq(None::<NaiveDateTime>),
                        ))
                        .execute(tx)
                        .await?;
                }
                Ok(())
            })
            .await
        })
    }

    /// Extends the claim `lease.owner` made on a row, which expires at `claimed_until` (the claim's
    /// token: a later claim of the same row, even by this replica, has another). Answers the new
    /// expiry, or `None` when the claim was lost and the row must not be sent under it.
    pub async fn renew_outbox(
        &self,
        row_id: &str,
        lease: &Lease,
        claimed_until: NaiveDateTime,
        now: NaiveDateTime,
    ) -> AppResult<Option<NaiveDateTime>> {
        use schema::outbox::dsl::*;
        // Stored with the database's precision, so the token compares equal on the next renewal.
        let until = lease.until(now).and_utc().timestamp_micros();
        let until = chrono::DateTime::from_timestamp_micros(until)
            .map(|t| t.naive_utc())
            .unwrap_or(now);
        let renewed = with_conn!(self.db, "renew_outbox", |conn| {
            diesel::update(
                outbox
                    .find(row_id)
                    .filter(status.eq(OutboxStatus::Sending))
                    .filter(lease_owner.eq(lease.owner.as_ref()))
                    .filter(lease_until.eq(Some(claimed_until))),
            )
            .set(lease_until.eq(Some(until)))
            .execute(conn)
            .await
        })?;
        Ok((renewed == 1).then_some(until))
    }

    /// Ends a row that can never be sent (Telegram refused it, or it ran out of attempts).
    pub async fn fail_outbox(&self, row_id: &str, reason: &str) -> AppResult<()> {
        use schema::outbox::dsl::*;
        with_conn!(self.db, "fail_outbox", |conn| {
            diesel::update(outbox.find(row_id))
                .set((
                    status.eq(OutboxStatus::Failed),
                    attempts.eq(attempts + 1),
                    last_error.eq(Some(reason)),
                    lease_owner.eq(None::<String>),
                    lease_until.eq(None::<NaiveDateTime>),
                ))
                .execute(conn)
                .await
        })
        .map(|_| ())
    }

    pub async fn outbox_row(&self, row_id: &str) -> AppResult<Option<OutboxRow>> {
        use schema::outbox::dsl::*;
        let result = with_conn!(self.db, "outbox_row", |conn| {
            outbox
                .find(row_id)
                .select(OutboxRow::as_select())
                .first(conn)
                .await
                .optional()
        });
        self.outbox_rows_read(result, Some(row_id)).await
    }

    /// Rows Telegram took that are keyed by `correlation` (`<correlation>:…`) or belong to the
    /// workflow of that id, in the order they were sent (the trace). On PostgreSQL the ids
    /// compare bytewise (`COLLATE "C"`), so the prefix is a range of the primary key.
    pub async fn sent_outbox_of(&self, correlation: &str) -> AppResult<Vec<OutboxRow>> {
        use schema::outbox::dsl::*;
        // Only ids made of hex digits and dashes: nothing in the pattern is a wildcard.
        let Ok(correlation) = uuid::Uuid::parse_str(correlation).map(|u| u.to_string()) else {
            return Ok(Vec::new());
        };
        let keyed = format!("{correlation}:%");
        let result = with_conn!(self.db, "sent_outbox_of", |conn| {
            outbox
                .filter(status.eq(OutboxStatus::Sent))
                .filter(id.like(&keyed).or(workflow_id.eq(&correlation)))
                .order((sent_at.asc(), id.asc()))
                .select(OutboxRow::as_select())
                .load(conn)
                .await
        });
        self.outbox_rows_read(result, None).await
    }

    /// Every row sent to one chat, oldest first (tests and operators).
    pub async fn outbox_of_chat(&self, chat: i64) -> AppResult<Vec<OutboxRow>> {
        use schema::outbox::dsl::*;
        let result = with_conn!(self.db, "outbox_of_chat", |conn| {
            outbox
                .filter(chat_id.eq(chat))
                .order((created_at.asc(), id.asc()))
                .select(OutboxRow::as_select())
                .load(conn)
                .await
        });
        self.outbox_rows_read(result, None).await
    }

    /// Rows in one state.
    pub async fn count_outbox(&self, in_state: OutboxStatus) -> AppResult<i64> {
        use schema::outbox::dsl::*;
        with_conn!(self.db, "count_outbox", |conn| {
            outbox
                .filter(status.eq(in_state))
                .count()
                .get_result(conn)
                .await
        })
    }

    /// Deletes sent and failed rows older than `before` (they are history, kept a while for
    /// operators).
    pub async fn prune_outbox(&self, before: NaiveDateTime) -> AppResult<usize> {
        use schema::outbox::dsl::*;
        with_conn!(self.db, "prune_outbox", |conn| {
            diesel::delete(
                outbox
                    .filter(status.eq_any([OutboxStatus::Sent, OutboxStatus::Failed]))
                    .filter(created_at.lt(before)),
            )
            .execute(conn)
            .await
        })
    }
}
