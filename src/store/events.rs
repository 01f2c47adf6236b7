//! The event log's rows: appended in batches, read back by correlation, user or kind, pruned.
use super::*;

/// `event_log`: the audit trail; owned by the event log's writer (and read by the `trace` command).
#[derive(Clone)]
pub struct Events {
    db: Db,
}

impl Events {
    pub fn new(db: Db) -> Events {
        Events { db }
    }

    /// How long a group commit over this table waits to fill a batch.
    pub fn batch_linger(&self) -> std::time::Duration {
        self.db.batch_linger()
    }
}

impl Events {
    pub async fn append_events(&self, rows: &[NewEvent]) -> AppResult<usize> {
        use schema::event_log::dsl::*;
        if rows.is_empty() {
            return Ok(0);
        }
        with_conn!(
            self.db,
            "append_events",
            sqlite
                | conn
                | sqlite_insert_or_ignore!(conn, event_log, rows)
                    .map(|new| new.into_iter().filter(|&was_new| was_new).count()),
            postgres | conn | pg_bulk::InsertEvents::new(rows).execute(conn).await
        )
    }

    pub async fn prune_events(&self, older_than: NaiveDateTime) -> AppResult<usize> {
        use schema::event_log::dsl::*;
        with_conn!(self.db, "prune_events", |conn| {
            diesel::delete(event_log.filter(occurred_at.lt(older_than)))
                .execute(conn)
                .await
        })
    }

    pub async fn events_of(&self, correlation: &str) -> AppResult<Vec<StoredEvent>> {
        use schema::event_log::dsl::*;
        with_conn!(self.db, "events_of", |conn| {
            event_log
                .filter(correlation_id.eq(correlation))
                .order((occurred_at.asc(), id.asc()))
                .select(StoredEvent::as_select())
                .load(conn)
                .await
        })
    }

    /// The correlation ids of `user`'s latest `limit` requests, newest first: events whose
    /// payload names them (`"user_id":N`). An operator's look-up (`trace`), not a hot path.
    pub async fn correlations_of_user(&self, user: i64, limit: usize) -> AppResult<Vec<String>> {
        use schema::event_log::dsl::*;
        let (followed, last) = (
            format!("%\"user_id\":{user},%"),
            format!("%\"user_id\":{user}}}%"),
        );
        let rows: Vec<(String, NaiveDateTime)> =
            with_conn!(self.db, "correlations_of_user", |conn| {
                event_log
                    .filter(payload.like(&followed).or(payload.like(&last)))
                    .order(occurred_at.desc())
                    .limit(10_000)
                    .select((correlation_id, occurred_at))
                    .load(conn)
                    .await
            })?;
        let mut seen = std::collections::HashSet::new();
        Ok(rows
            .into_iter()
            .filter_map(|(correlation, _)| seen.insert(correlation.clone()).then_some(correlation))
            .take(limit)
            .collect())
    }

    /// The newest `limit` events of one type, newest first. On PostgreSQL only the alerts have an
    /// index by kind (read once at start-up); other kinds are found walking back through time.
    pub async fn latest_events(&self, kind: &str, limit: i64) -> AppResult<Vec<StoredEvent>> {
        use schema::event_log::dsl::*;
        with_conn!(self.db, "latest_events", |conn| {
            event_log
                .filter(event_type.eq(kind))
                .order((occurred_at.desc(), id.desc()))
                .limit(limit)
                .select(StoredEvent::as_select())
                .load(conn)
                .await
        })
    }

    pub async fn count_events(&self) -> AppResult<i64> {
        use schema::event_log::dsl::*;
        with_conn!(self.db, "count_events", |conn| event_log
            .count()
            .get_result(conn)
            .await)
    }
}

#[cfg(test)]
mod tests {
    /// The alerts' partial index (PostgreSQL) spells the alert kind as the code does: renamed on
    /// one side only, the start-up read of the alerts would walk the whole log.
    #[test]
    fn the_alerts_index_names_the_alert_kind_the_code_sends() {
        use crate::messages::Event;
        let migration = include_str!(
            "../../migrations/postgres/2026-12-02-000008_event_log_alerts_index/up.sql"
        );
        let kind = crate::messages::analytics::AlertTriggered::KIND;
        assert!(
            migration.contains(&format!("WHERE event_type = '{kind}'")),
            "{migration}"
        );
    }
}
