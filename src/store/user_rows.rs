//! First contacts in groups: the users a batch of updates brings, and their default settings,
//! written in one statement each (one transaction on SQLite). A spike of new users, and every
//! returning user's first update after a deploy, cost one commit per batch, not one per user.
use super::*;
use diesel::sql_types::{Array, BigInt, Bool, Nullable, Text, Timestamp};

/// Creates the users that are new and refreshes the names of those already known, answering
/// which of the two each row was (`xmax` is 0 only in a row version this statement inserted).
const UPSERT_USERS: &str = "INSERT INTO users \
     (id, first_name, last_name, username, language_code, created_at, updated_at) \
     SELECT u.id, u.first_name, u.last_name, u.username, u.language_code, $6, $6 \
     FROM unnest($1, $2, $3, $4, $5) AS u(id, first_name, last_name, username, language_code) \
     ON CONFLICT (id) DO UPDATE SET first_name = excluded.first_name, \
       last_name = excluded.last_name, username = excluded.username, \
       language_code = excluded.language_code, updated_at = excluded.updated_at \
     RETURNING id, (xmax = 0) AS created";

/// Gives default settings to the users that have none; answers those it gave them to.
const ENSURE_DEFAULT_SETTINGS: &str = "INSERT INTO user_settings \
     (user_id, style, slides, size, lang, delivery, updated_at) \
     SELECT u.user_id, $2, $3, $4, NULL, $5, $6 FROM unnest($1) AS u(user_id) \
     ON CONFLICT DO NOTHING RETURNING user_id";

#[derive(QueryableByName)]
struct Upserted {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Bool)]
    created: bool,
}

#[derive(QueryableByName)]
struct Given {
    #[diesel(sql_type = BigInt)]
    user_id: i64,
}

impl Store {
    /// Creates or refreshes many users at once; answers, per profile, whether it created the
    /// user. A user named twice is created (or refreshed) by the first and refreshed by the
    /// rest, and keeps the last profile's names.
    pub async fn upsert_users(&self, profiles: &[UserProfile]) -> AppResult<Vec<UpsertOutcome>> {
        if profiles.is_empty() {
            return Ok(Vec::new());
        }
        let now = now_utc();
        let latest = latest_profile_of_each(profiles);
        let created: Vec<(i64, bool)> = with_conn!(
            self,
            "upsert_users",
            sqlite | conn | {
                let owned: Vec<UserProfile> = latest.iter().map(|p| (*p).clone()).collect();
                conn.spawn_blocking(move |sync| {
                    sync.transaction(|tx| {
                        owned
                            .iter()
                            .map(|profile| {
                                upsert_one_sqlite(tx, profile, now).map(|c| (profile.id, c))
                            })
                            .collect::<QueryResult<Vec<_>>>()
                    })
                })
                .await
            },
            postgres | conn | {
                diesel::sql_query(UPSERT_USERS)
                    .bind::<Array<BigInt>, _>(latest.iter().map(|p| p.id).collect::<Vec<_>>())
                    .bind::<Array<Text>, _>(
                        latest
                            .iter()
                            .map(|p| p.first_name.as_str())
                            .collect::<Vec<_>>(),
                    )
                    .bind::<Array<Nullable<Text>>, _>(
                        latest
                            .iter()
                            .map(|p| p.last_name.as_deref())
                            .collect::<Vec<_>>(),
                    )
                    .bind::<Array<Nullable<Text>>, _>(
                        latest
                            .iter()
                            .map(|p| p.username.as_deref())
                            .collect::<Vec<_>>(),
                    )
                    .bind::<Array<Nullable<Text>>, _>(
                        latest
                            .iter()
                            .map(|p| p.language_code.as_deref())
                            .collect::<Vec<_>>(),
                    )
                    .bind::<Timestamp, _>(now)
                    .load::<Upserted>(conn)
                    .await
                    .map(|rows| rows.into_iter().map(|r| (r.id, r.created)).collect())
            }
        )?;
        Ok(outcomes_in_order(profiles, &created))
    }

    /// Gives default settings to each user that has none; answers, per user, whether it did
    /// (a user named twice gets them at most once).
    pub async fn ensure_default_settings_of(&self, users: &[i64]) -> AppResult<Vec<bool>> {
        use schema::user_settings::dsl::*;
        if users.is_empty() {
            return Ok(Vec::new());
        }
        let defaults = UserSettings::defaults_for(0, now_utc());
        let given: Vec<i64> = with_conn!(
            self,
            "ensure_users_settings",
            sqlite | conn | {
                let owned = users.to_vec();
                conn.spawn_blocking(move |sync| {
                    sync.transaction(|tx| {
                        let mut given = Vec::new();
                        for user in owned {
                            let row = SettingsRow::from(&UserSettings {
                                user_id: user,
                                ..defaults.clone()
                            });
                            let insert = diesel::insert_into(user_settings)
                                .values(&row)
                                .on_conflict_do_nothing();
                            if diesel::RunQueryDsl::execute(insert, tx)? == 1 {
                                given.push(user);
                            }
                        }
                        Ok(given)
                    })
                })
                .await
            },
            postgres | conn | {
                diesel::sql_query(ENSURE_DEFAULT_SETTINGS)
                    .bind::<Array<BigInt>, _>(users)
                    .bind::<Text, _>(defaults.style.as_str())
                    .bind::<diesel::sql_types::Integer, _>(defaults.slides)
                    .bind::<Text, _>(defaults.size.as_str())
                    .bind::<Text, _>(defaults.delivery.as_str())
                    .bind::<Timestamp, _>(defaults.updated_at)
                    .load::<Given>(conn)
                    .await
                    .map(|rows| rows.into_iter().map(|r| r.user_id).collect())
            }
        )?;
        Ok(first_occurrences_inserted(users, |u| *u, given))
    }

    /// [`Store::upsert_users`] with an answer per profile: when the batch fails for a reason
    /// other than an outage (a name the database refuses), one by one, so only that user fails.
    pub async fn upsert_users_each(
        &self,
        profiles: &[UserProfile],
    ) -> AppResult<Vec<AppResult<UpsertOutcome>>> {
        match self.upsert_users(profiles).await {
            Ok(outcomes) => Ok(outcomes.into_iter().map(Ok).collect()),
            Err(e) if e.is_store_outage() => Err(e),
            Err(_) => {
                let mut outcomes = Vec::with_capacity(profiles.len());
                for profile in profiles {
                    outcomes.push(self.upsert_user(profile).await);
                }
                Ok(outcomes)
            }
        }
    }

    /// [`Store::ensure_default_settings_of`] with an answer per user, one by one when the batch
    /// fails for a reason other than an outage.
    pub async fn ensure_default_settings_each(
        &self,
        users: &[i64],
    ) -> AppResult<Vec<AppResult<bool>>> {
        match self.ensure_default_settings_of(users).await {
            Ok(given) => Ok(given.into_iter().map(Ok).collect()),
            Err(e) if e.is_store_outage() => Err(e),
            Err(_) => {
                let mut given = Vec::with_capacity(users.len());
                for user in users {
                    given.push(self.ensure_default_settings(*user).await);
                }
                Ok(given)
            }
        }
    }
}

/// The last profile given for each user, in the order users first appear: PostgreSQL refuses
/// an upsert that touches one row twice, and the latest names are the ones to keep.
fn latest_profile_of_each(profiles: &[UserProfile]) -> Vec<&UserProfile> {
    let mut position = std::collections::HashMap::new();
    let mut latest: Vec<&UserProfile> = Vec::new();
    for profile in profiles {
        match position.get(&profile.id) {
            Some(&at) => latest[at] = profile,
            None => {
                position.insert(profile.id, latest.len());
                latest.push(profile);
            }
        }
    }
    latest
}

/// Per profile, in order: created for the first mention of a user the statement created,
/// updated for every other.
fn outcomes_in_order(profiles: &[UserProfile], created: &[(i64, bool)]) -> Vec<UpsertOutcome> {
    let mut new_users: std::collections::HashSet<i64> = created
        .iter()
        .filter(|(_, was_created)| *was_created)
        .map(|(id, _)| *id)
        .collect();
    profiles
        .iter()
        .map(|p| {
            if new_users.remove(&p.id) {
                UpsertOutcome::Created
            } else {
                UpsertOutcome::Updated
            }
        })
        .collect()
}

/// SQLite: insert if new, else refresh the names; answers whether it inserted.
fn upsert_one_sqlite(
    tx: &mut diesel::SqliteConnection,
    profile: &UserProfile,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    use schema::users::dsl::*;
    let row = User {
        id: profile.id,
        first_name: profile.first_name.clone(),
        last_name: profile.last_name.clone(),
        username: profile.username.clone(),
        language_code: profile.language_code.clone(),
        created_at: now,
        updated_at: now,
    };
    let insert = diesel::insert_into(users)
        .values(&row)
        .on_conflict_do_nothing();
    if diesel::RunQueryDsl::execute(insert, tx)? == 1 {
        return Ok(true);
    }
    let refresh = diesel::update(users.find(row.id)).set((
        first_name.eq(&row.first_name),
        last_name.eq(&row.last_name),
        username.eq(&row.username),
        language_code.eq(&row.language_code),
        updated_at.eq(now),
    ));
    diesel::RunQueryDsl::execute(refresh, tx).map(|_| false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(id: i64, name: &str) -> UserProfile {
        UserProfile {
            id,
            first_name: name.into(),
            last_name: None,
            username: None,
            language_code: None,
        }
    }

    #[test]
    fn a_user_named_twice_in_a_batch_is_written_once_with_the_latest_names() {
        let batch = [profile(1, "Ada"), profile(2, "Bob"), profile(1, "Ada L.")];

        let latest = latest_profile_of_each(&batch);

        let names: Vec<_> = latest
            .iter()
            .map(|p| (p.id, p.first_name.as_str()))
            .collect();
        assert_eq!(names, [(1, "Ada L."), (2, "Bob")]);
    }

    #[test]
    fn only_the_first_mention_of_a_created_user_counts_as_created() {
        let batch = [profile(1, "Ada"), profile(2, "Bob"), profile(1, "Ada")];

        let outcomes = outcomes_in_order(&batch, &[(1, true), (2, false)]);

        assert_eq!(
            outcomes,
            [
                UpsertOutcome::Created,
                UpsertOutcome::Updated,
                UpsertOutcome::Updated
            ]
        );
    }
}
