//! Ownership of work through leases in the store: a replica that claims a row writes its id and an
//! expiry; any replica may claim the row again once that expiry has passed. Nothing here trusts
//! process memory, so replicas on one PostgreSQL share work and a killed one loses nothing.
//!
//! Claims on PostgreSQL take rows `FOR UPDATE SKIP LOCKED`, so concurrent claimers never take the
//! same row; SQLite is the one-process backend (a second process refuses to start), where one
//! statement is atomic anyway. Every query takes `now` from the caller, so tests run leases on a
//! manual clock.
use super::*;
use diesel::sql_types::Text;

/// Who owns claimed work, and for how long a claim holds without renewal.
#[derive(Debug, Clone)]
pub struct Lease {
    pub owner: Arc<str>,
    pub duration: Duration,
}

impl Lease {
    /// A lease owned by a new replica id (one per process).
    pub fn new_replica(duration: Duration) -> Lease {
        Lease {
            owner: Arc::from(format!("replica-{}", uuid::Uuid::now_v7())),
            duration,
        }
    }

    /// When a claim made at `now` expires.
    pub fn until(&self, now: NaiveDateTime) -> NaiveDateTime {
        now + chrono::Duration::from_std(self.duration).unwrap_or(chrono::Duration::seconds(30))
    }
}

/// PostgreSQL's `$n` parameters become SQLite's `?n`, and row locks (which SQLite does not need:
/// it has one writer) are dropped.
pub(super) fn sqlite_dialect(postgres_sql: &str) -> String {
    postgres_sql
        .replace(" FOR UPDATE SKIP LOCKED", "")
        .replace('$', "?")
}

/// Claims rows of a leased table with `postgres_sql` (its SQLite dialect on SQLite), bound as
/// every claim is: `$1` the claimer, `$2` its lease's expiry, `$3` now, `$4` how many rows at most.
/// The statement answers the claimed rows, read by column name.
pub(super) async fn claim<R>(
    db: &Db,
    op: &'static str,
    postgres_sql: &'static str,
    lease: &Lease,
    now: NaiveDateTime,
    limit: i64,
) -> AppResult<Vec<R>>
where
    R: QueryableByName<diesel::sqlite::Sqlite> + QueryableByName<diesel::pg::Pg> + Send + 'static,
{
    use diesel::sql_types::{BigInt, Timestamp};
    let (owner, until) = (lease.owner.to_string(), lease.until(now));
    let sql = match db.backend {
        DatabaseBackend::Sqlite => sqlite_dialect(postgres_sql),
        DatabaseBackend::Postgres => postgres_sql.to_string(),
    };
    let query = diesel::sql_query(sql)
        .bind::<Text, _>(owner)
        .bind::<Timestamp, _>(until)
        .bind::<Timestamp, _>(now)
        .bind::<BigInt, _>(limit);
    with_conn!(db, op, |conn| query.clone().load(conn).await)
}

// The three leased tables, each given back by its owner at shutdown.
const RELEASE_UPDATES: &str = "UPDATE received_updates \
     SET status = 'pending', lease_owner = NULL, lease_until = NULL \
     WHERE status = 'claimed' AND lease_owner = $1";

const RELEASE_WORKFLOWS: &str = "UPDATE workflows \
     SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = $1";

const RELEASE_OUTBOX: &str = "UPDATE outbox \
     SET status = 'pending', lease_owner = NULL, lease_until = NULL \
     WHERE status = 'sending' AND lease_owner = $1";

impl Db {
    /// Gives back everything `owner` holds (a graceful shutdown): its unfinished updates become
    /// pending, its workflows unowned and its unsent outbox rows due, so another replica (or the
    /// next start) takes them at once instead of waiting for the leases to expire.
    pub async fn release_leases(&self, owner: &str) -> AppResult<(usize, usize, usize)> {
        let mut released = [0usize; 3];
        for (i, sql) in [RELEASE_UPDATES, RELEASE_WORKFLOWS, RELEASE_OUTBOX]
            .into_iter()
            .enumerate()
        {
            released[i] = with_conn!(
                self,
                "release_leases",
                sqlite | conn | {
                    diesel::sql_query(sqlite_dialect(sql))
                        .bind::<Text, _>(owner)
                        .execute(conn)
                        .await
                },
                postgres | conn | {
                    diesel::sql_query(sql)
                        .bind::<Text, _>(owner)
                        .execute(conn)
                        .await
                }
            )?;
        }
        Ok((released[0], released[1], released[2]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postgres_parameters_and_row_locks_become_sqlite_dialect() {
        assert_eq!(
            sqlite_dialect("SELECT x FROM t WHERE a = $1 LIMIT $2 FOR UPDATE SKIP LOCKED)"),
            "SELECT x FROM t WHERE a = ?1 LIMIT ?2)"
        );
    }

    #[test]
    fn a_lease_expires_its_duration_after_the_claim() {
        let lease = Lease::new_replica(Duration::from_secs(30));
        let now = chrono::DateTime::from_timestamp(1_000, 0)
            .expect("time")
            .naive_utc();
        assert_eq!((lease.until(now) - now).num_seconds(), 30);
        assert!(lease.owner.starts_with("replica-"));
    }

    #[test]
    fn the_lease_statements_spell_only_known_states() {
        use crate::store::states::assert_sql_spells;
        assert_eq!(
            assert_sql_spells::<UpdateStatus>(super::super::updates::CLAIM_UPDATES, "status"),
            3
        );
        assert_eq!(
            assert_sql_spells::<UpdateStatus>(RELEASE_UPDATES, "status"),
            2
        );
        assert_eq!(
            assert_sql_spells::<OutboxStatus>(RELEASE_OUTBOX, "status"),
            2
        );
    }
}
