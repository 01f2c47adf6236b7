//! First contacts in groups: the users a batch of updates brings, and their default settings,
//! written in one statement each (one transaction on SQLite). A spike of new users, and every
//! returning user's first update after a deploy, cost one commit per batch, not one per user.
use super::*;
use diesel::sql_types::{Array, BigInt, Bool, Nullable, Text, Timestamp};

/// users, their /settings and their carousels (the history): owned by the data service (the `store` actor).
#[derive(Clone)]
pub struct Users {
    db: Db,
}

impl Users {
    pub fn new(db: Db) -> Users {
        Users { db }
    }

    /// How long a group commit over this table waits to fill a batch.
    pub fn batch_linger(&self) -> std::time::Duration {
        self.db.batch_linger()
    }
}

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

impl Users {
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
            self.db,
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
            self.db,
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

impl Users {
    /// Creates the user or refreshes their names: [`Store::upsert_users`] for one.
    pub async fn upsert_user(&self, profile: &UserProfile) -> AppResult<UpsertOutcome> {
        let outcomes = self.upsert_users(std::slice::from_ref(profile)).await?;
        Ok(outcomes
            .into_iter()
            .next()
            .unwrap_or(UpsertOutcome::Updated))
    }

    pub async fn user(&self, user_id: i64) -> AppResult<Option<User>> {
        use schema::users::dsl::*;
        with_conn!(self.db, "get_user", |conn| {
            users
                .find(user_id)
                .select(User::as_select())
                .first(conn)
                .await
                .optional()
        })
    }

    pub async fn settings_of(&self, user: i64) -> AppResult<Option<UserSettings>> {
        use schema::user_settings::dsl::*;
        let result = with_conn!(self.db, "get_user_settings", |conn| {
            user_settings
                .find(user)
                .select(SettingsRow::as_select())
                .first(conn)
                .await
                .optional()
        })
        .map(|row| row.map(UserSettings::from));
        let columns = [
            TextColumn::of::<Style>("style"),
            TextColumn::of::<SlideSize>("size"),
            TextColumn::of::<Lang>("lang"),
            TextColumn::of::<Delivery>("delivery"),
            TextColumn::of::<crate::domain::SlideHandle>("handle"),
            TextColumn::of::<crate::domain::ContentChoice>("content_lang"),
        ];
        self.db
            .name_unknown_values(
                result,
                "user_settings",
                ("user_id", Some(&user.to_string())),
                &columns,
            )
            .await
    }

    /// The settings of several users in one query, in the order asked (none where a user has
    /// none). A row the code cannot read fails the whole read: the caller then reads one by one
    /// ([`Store::settings_of`]), and only that user's read fails, naming the row.
    pub async fn settings_of_many(&self, users: &[i64]) -> AppResult<Vec<Option<UserSettings>>> {
        use schema::user_settings::dsl::*;
        let rows: Vec<SettingsRow> = with_conn!(
            self.db,
            "get_users_settings",
            sqlite | conn | {
                user_settings
                    .filter(user_id.eq_any(users))
                    .select(SettingsRow::as_select())
                    .load(conn)
                    .await
            },
            // Not a cached prepared statement: PostgreSQL would keep the plan it chose for the
            // first few batches, and on a young table that is a scan of the whole table (seen:
            // 2.7 ms a batch once it held 10k users). Planned each time, it uses the key.
            postgres | conn | {
                diesel::sql_query(
                    "SELECT user_id, style, slides, size, lang, delivery, updated_at, handle, \
                     content_lang \
                     FROM user_settings WHERE user_id = ANY($1)",
                )
                .bind::<diesel::sql_types::Array<diesel::sql_types::BigInt>, _>(users)
                .load(conn)
                .await
            }
        )?;
        let by_user: std::collections::HashMap<i64, UserSettings> = rows
            .into_iter()
            .map(|row| (row.user_id, row.into()))
            .collect();
        Ok(users
            .iter()
            .map(|user| by_user.get(user).cloned())
            .collect())
    }

    pub async fn save_settings(&self, settings: &UserSettings) -> AppResult<()> {
        use schema::user_settings::dsl::*;
        let row = SettingsRow::from(settings);
        with_conn!(self.db, "save_user_settings", |conn| {
            diesel::insert_into(user_settings)
                .values(&row)
                .on_conflict(user_id)
                .do_update()
                .set(&row)
                .execute(conn)
                .await
        })
        .map(|_| ())
    }

    /// Gives a user default settings unless they have some; answers whether it did.
    pub async fn ensure_default_settings(&self, user: i64) -> AppResult<bool> {
        let given = self.ensure_default_settings_of(&[user]).await?;
        Ok(given.into_iter().next().unwrap_or(false))
    }

    // ---- carousels --------------------------------------------------------------------------

    pub async fn save_carousel(&self, record: &CarouselRecord) -> AppResult<()> {
        use schema::carousels::dsl::*;
        let row = CarouselRow::from(record);
        with_conn!(self.db, "save_carousel", |conn| {
            diesel::insert_into(carousels)
                .values(&row)
                .on_conflict_do_nothing()
                .execute(conn)
                .await
        })
        .map(|_| ())
    }

    /// A user's most recent carousels, newest first.
    pub async fn carousels_of(&self, user: i64, limit: i64) -> AppResult<Vec<CarouselRecord>> {
        use schema::carousels::dsl::*;
        let result = with_conn!(self.db, "carousels_of", |conn| {
            carousels
                .filter(user_id.eq(user))
                .order(created_at.desc())
                .limit(limit)
                .select(CarouselRow::as_select())
                .load(conn)
                .await
                .map(|rows: Vec<CarouselRow>| rows.into_iter().map(CarouselRecord::from).collect())
        });
        let columns = super::workflows::carousel_columns();
        self.db
            .name_unknown_values(result, "carousels", ("id", None), &columns)
            .await
    }
}

impl Users {
    /// One carousel of the history (its id is the workflow's).
    pub async fn carousel(&self, carousel: &str) -> AppResult<Option<CarouselRecord>> {
        use crate::store::schema::carousels::dsl::*;
        let result = with_conn!(self.db, "get_carousel", |conn| {
            carousels
                .find(carousel)
                .select(CarouselRow::as_select())
                .first(conn)
                .await
                .optional()
                .map(|row: Option<CarouselRow>| row.map(CarouselRecord::from))
        });
        let columns = super::workflows::carousel_columns();
        self.db
            .name_unknown_values(result, "carousels", ("id", Some(carousel)), &columns)
            .await
    }
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
