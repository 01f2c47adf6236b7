//! Per-user quotas on costly work, counted in the store so every replica sees the same figures
//! and a restart forgives nothing.
use super::leases::sqlite_dialect;
use super::*;
use crate::app::config::Quota;
use crate::domain::QuotaKind;
use diesel::sql_types::{BigInt, Integer};

/// `usage_quotas`: per-user counts of costly work; owned by the workflow engine.
#[derive(Clone)]
pub struct Quotas {
    db: Db,
}

impl Quotas {
    pub fn new(db: Db) -> Quotas {
        Quotas { db }
    }
}

/// The store's answer to "may this user do this once more now?".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuotaVerdict {
    Granted,
    /// This minute's uses are spent; the next minute brings new ones.
    MinuteUsed,
    /// Today's uses are spent (until midnight UTC).
    DayUsed,
}

/// The minute and the day `now` falls in, as counts since the Unix epoch (UTC).
pub fn windows_of(now: NaiveDateTime) -> (i64, i64) {
    let seconds = now.and_utc().timestamp();
    (seconds.div_euclid(60), seconds.div_euclid(86_400))
}

/// Counts one use when both the minute's and the day's count are under their limits, in one
/// statement (a new minute or day starts its count again). No row back: over a limit, nothing
/// counted.
const TAKE_QUOTA: &str =
    "INSERT INTO usage_quotas (user_id, kind, minute, minute_count, day, day_count) \
     VALUES ($1, $2, $3, 1, $4, 1) \
     ON CONFLICT (user_id, kind) DO UPDATE SET \
       minute_count = CASE WHEN usage_quotas.minute = excluded.minute \
                           THEN usage_quotas.minute_count + 1 ELSE 1 END, \
       minute = excluded.minute, \
       day_count = CASE WHEN usage_quotas.day = excluded.day \
                        THEN usage_quotas.day_count + 1 ELSE 1 END, \
       day = excluded.day \
     WHERE (usage_quotas.minute <> excluded.minute OR usage_quotas.minute_count < $5) \
       AND (usage_quotas.day <> excluded.day OR usage_quotas.day_count < $6) \
     RETURNING minute_count";

const USAGE: &str = "SELECT minute, minute_count, day, day_count FROM usage_quotas \
     WHERE user_id = $1 AND kind = $2";

#[derive(QueryableByName)]
struct Counted {
    #[diesel(sql_type = Integer)]
    #[allow(dead_code)]
    minute_count: i32,
}

#[derive(QueryableByName)]
struct Usage {
    #[diesel(sql_type = BigInt)]
    minute: i64,
    #[diesel(sql_type = Integer)]
    minute_count: i32,
    #[diesel(sql_type = BigInt)]
    day: i64,
    #[diesel(sql_type = Integer)]
    day_count: i32,
}

macro_rules! take_query {
    ($sql:expr, $user:expr, $kind:expr, $minute:expr, $day:expr, $quota:expr) => {
        diesel::sql_query($sql)
            .bind::<BigInt, _>($user)
            .bind::<diesel::sql_types::Text, _>($kind)
            .bind::<BigInt, _>($minute)
            .bind::<BigInt, _>($day)
            .bind::<Integer, _>($quota.per_minute)
            .bind::<Integer, _>($quota.per_day)
    };
}

macro_rules! usage_query {
    ($sql:expr, $user:expr, $kind:expr) => {
        diesel::sql_query($sql)
            .bind::<BigInt, _>($user)
            .bind::<diesel::sql_types::Text, _>($kind)
    };
}

impl Quotas {
    /// Takes one use of `kind` for `user` at `now` if the quota allows it; otherwise says which
    /// limit was reached (nothing is counted then).
    pub async fn take_quota(
        &self,
        user: i64,
        kind: QuotaKind,
        quota: Quota,
        now: NaiveDateTime,
    ) -> AppResult<QuotaVerdict> {
        let (minute, day) = crate::store::windows_of(now);
        let kind_name = kind.as_str();
        let counted: Vec<Counted> = with_conn!(
            self.db,
            "take_quota",
            sqlite | conn | {
                take_query!(
                    sqlite_dialect(TAKE_QUOTA),
                    user,
                    kind_name,
                    minute,
                    day,
                    quota
                )
                .load(conn)
                .await
            },
            postgres | conn | {
                take_query!(TAKE_QUOTA, user, kind_name, minute, day, quota)
                    .load(conn)
                    .await
            }
        )?;
        if !counted.is_empty() {
            return Ok(QuotaVerdict::Granted);
        }
        let usage: Vec<Usage> = with_conn!(
            self.db,
            "quota_usage",
            sqlite | conn | {
                usage_query!(sqlite_dialect(USAGE), user, kind_name)
                    .load(conn)
                    .await
            },
            postgres | conn | { usage_query!(USAGE, user, kind_name).load(conn).await }
        )?;
        Ok(match <[Usage]>::first(&usage) {
            Some(u) if u.day == day && u.day_count >= quota.per_day => QuotaVerdict::DayUsed,
            Some(u) if u.minute == minute && u.minute_count >= quota.per_minute => {
                QuotaVerdict::MinuteUsed
            }
            // Another replica's use moved the window between the two statements: the next
            // attempt will be counted normally.
            _ => QuotaVerdict::MinuteUsed,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minutes_and_days_are_counted_from_the_epoch_in_utc() {
        let t = chrono::NaiveDate::from_ymd_opt(2026, 12, 1)
            .and_then(|d| d.and_hms_opt(0, 1, 59))
            .expect("valid time");
        let (minute, day) = windows_of(t);
        assert_eq!(day, 20_788);
        assert_eq!(minute, 20_788 * 1440 + 1);
    }
}
