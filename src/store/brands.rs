//! Brand kits and their images: one kit per user, versioned like a draft (a save made on an
//! older version is refused, so two devices never overwrite each other silently), and the
//! avatar and logo bytes beside it. Owned by whoever serves the kit (the Mini App API and the
//! /brand command); the runner reads a kit when a carousel's drawing starts.
use super::*;
use crate::domain::{Accent, AssetId, AssetKind, BrandKit, FontPairing};
use diesel::sql_types::BigInt;
use uuid::Uuid;

#[derive(Clone)]
pub struct Brands {
    db: Db,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = schema::brand_kits)]
struct KitRow {
    user_id: i64,
    handle: String,
    name: String,
    accent: Option<String>,
    fonts: FontPairing,
    avatar_id: Option<String>,
    logo_id: Option<String>,
    version: i64,
    awaiting: Option<AssetKind>,
    awaiting_until: Option<NaiveDateTime>,
    updated_at: NaiveDateTime,
}

impl KitRow {
    fn new(user: i64, kit: &BrandKit, version: i64, now: NaiveDateTime) -> KitRow {
        KitRow {
            user_id: user,
            handle: kit.handle.clone(),
            name: kit.name.clone(),
            accent: kit.accent.map(|a| a.hex()),
            fonts: kit.fonts,
            avatar_id: kit.avatar.map(|id| id.to_string()),
            logo_id: kit.logo.map(|id| id.to_string()),
            version,
            awaiting: None,
            awaiting_until: None,
            updated_at: now,
        }
    }

    /// The kit it holds. A value this build cannot read (hand-edited, or from a later version)
    /// is left out rather than failing the whole kit: the slides fall back to the style's.
    fn kit(&self) -> BrandKit {
        let id = |text: &Option<String>| text.as_deref().and_then(|t| AssetId::parse(t).ok());
        BrandKit {
            handle: self.handle.clone(),
            name: self.name.clone(),
            avatar: id(&self.avatar_id),
            logo: id(&self.logo_id),
            accent: self.accent.as_deref().and_then(|a| Accent::parse(a).ok()),
            fonts: self.fonts,
            version: self.version,
        }
    }
}

/// A change of a kit's fields as a user makes it; its images are only set by
/// [`Brands::put_image`], and here only removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KitEdit {
    pub handle: String,
    pub name: String,
    pub accent: Option<Accent>,
    pub fonts: FontPairing,
    pub clear_avatar: bool,
    pub clear_logo: bool,
}

/// What became of a save.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KitSave {
    Saved(BrandKit),
    /// Saved meanwhile by someone else (another device): the kit as it is now; none when the
    /// caller's version names a kit that was never saved.
    Stale(Option<BrandKit>),
}

/// An image ready to keep (already checked, resized and encoded).
#[derive(Debug, Clone, Copy)]
pub struct NewImage<'a> {
    pub kind: AssetKind,
    pub mime: &'a str,
    pub bytes: &'a [u8],
    pub width: u32,
    pub height: u32,
}

/// A kept image.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct StoredImage {
    pub mime: String,
    pub bytes: Vec<u8>,
}

/// Deletes a user's images that neither their kit shows nor a carousel still being made draws
/// with (its kit snapshot names them). A carousel that is done no longer needs its images: its
/// slides are drawn and stored.
const PRUNE_IMAGES: &str = "DELETE FROM brand_assets WHERE user_id = $1 \
     AND id NOT IN (SELECT avatar_id FROM brand_kits WHERE user_id = $1 AND avatar_id IS NOT NULL \
                    UNION SELECT logo_id FROM brand_kits WHERE user_id = $1 AND logo_id IS NOT NULL) \
     AND NOT EXISTS (SELECT 1 FROM workflows w WHERE w.user_id = $1 \
         AND w.state IN ('awaiting_style', 'requested', 'writing', 'reviewing', 'rendering', 'sending') \
         AND w.brand_json LIKE '%' || brand_assets.id || '%')";

impl Brands {
    pub fn new(db: Db) -> Brands {
        Brands { db }
    }

    async fn row(&self, user: i64) -> AppResult<Option<KitRow>> {
        use schema::brand_kits::dsl::*;
        with_conn!(self.db, "brand_kit", |conn| {
            brand_kits
                .find(user)
                .select(KitRow::as_select())
                .first(conn)
                .await
                .optional()
        })
    }

    /// The user's saved kit; none when they never saved one.
    pub async fn kit(&self, user: i64) -> AppResult<Option<BrandKit>> {
        Ok(self.row(user).await?.map(|row| row.kit()))
    }

    /// Saves `edit` made on `version` (0: on the kit never saved, made from `default`).
    pub async fn save(
        &self,
        user: i64,
        edit: &KitEdit,
        seen: i64,
        default: &BrandKit,
    ) -> AppResult<KitSave> {
        let now = now_utc();
        let saved = if seen == 0 {
            let kit = BrandKit {
                handle: edit.handle.clone(),
                name: edit.name.clone(),
                accent: edit.accent,
                fonts: edit.fonts,
                avatar: None,
                logo: None,
                ..default.clone()
            };
            let row = KitRow::new(user, &kit, 1, now);
            use schema::brand_kits::dsl::*;
            with_conn!(self.db, "save_brand_kit", |conn| {
                diesel::insert_into(brand_kits)
                    .values(&row)
                    .on_conflict_do_nothing()
                    .execute(conn)
                    .await
            })?
        } else {
            self.update(user, edit, seen, now).await?
        };
        let current = self.kit(user).await?;
        if saved != 1 {
            return Ok(KitSave::Stale(current));
        }
        if edit.clear_avatar || edit.clear_logo {
            self.prune(user).await?;
        }
        Ok(match current {
            Some(kit) => KitSave::Saved(kit),
            None => KitSave::Stale(None),
        })
    }

    async fn update(
        &self,
        user: i64,
        edit: &KitEdit,
        seen: i64,
        now: NaiveDateTime,
    ) -> AppResult<usize> {
        use schema::brand_kits::dsl::*;
        let accent_hex = edit.accent.map(|a| a.hex());
        let (clear_avatar, clear_logo) = (edit.clear_avatar, edit.clear_logo);
        with_conn!(self.db, "save_brand_kit", |conn| {
            let target = brand_kits.find(user).filter(version.eq(seen));
            let fields = (
                handle.eq(&edit.handle),
                name.eq(&edit.name),
                accent.eq(accent_hex.as_deref()),
                fonts.eq(edit.fonts),
                version.eq(seen + 1),
                updated_at.eq(now),
            );
            // One statement whatever is cleared: a clear is `NULL`, a keep the column itself.
            match (clear_avatar, clear_logo) {
                (false, false) => diesel::update(target).set(fields).execute(conn).await,
                (true, false) => {
                    diesel::update(target)
                        .set((fields, avatar_id.eq(None::<String>)))
                        .execute(conn)
                        .await
                }
                (false, true) => {
                    diesel::update(target)
                        .set((fields, logo_id.eq(None::<String>)))
                        .execute(conn)
                        .await
                }
                (true, true) => {
                    diesel::update(target)
                        .set((
                            fields,
                            avatar_id.eq(None::<String>),
                            logo_id.eq(None::<String>),
                        ))
                        .execute(conn)
                        .await
                }
            }
        })
    }

    /// Keeps `image` as the kit's avatar or logo (making the kit from `default` if the user has
    /// none yet) and answers the kit; the image it replaces goes unless a carousel in the
    /// making still draws with it.
    pub async fn put_image(
        &self,
        user: i64,
        image: NewImage<'_>,
        default: &BrandKit,
    ) -> AppResult<BrandKit> {
        let now = now_utc();
        let asset = AssetId(Uuid::now_v7());
        let asset_text = asset.to_string();
        {
            use schema::brand_assets::dsl::*;
            let row = (
                id.eq(asset_text.as_str()),
                user_id.eq(user),
                kind.eq(image.kind),
                mime.eq(image.mime),
                bytes.eq(image.bytes),
                width.eq(i32::try_from(image.width).unwrap_or(i32::MAX)),
                height.eq(i32::try_from(image.height).unwrap_or(i32::MAX)),
                created_at.eq(now),
            );
            with_conn!(self.db, "put_brand_image", |conn| {
                diesel::insert_into(brand_assets)
                    .values(row)
                    .execute(conn)
                    .await
            })?;
        }
        let mut fresh = default.clone();
        match image.kind {
            AssetKind::Avatar => fresh.avatar = Some(asset),
            AssetKind::Logo => fresh.logo = Some(asset),
        }
        let row = KitRow::new(user, &fresh, 1, now);
        {
            use schema::brand_kits::dsl::*;
            let taken = asset_text.as_str();
            with_conn!(self.db, "put_brand_image", |conn| {
                let insert = diesel::insert_into(brand_kits)
                    .values(&row)
                    .on_conflict(user_id)
                    .do_update();
                let done = (
                    version.eq(version + 1),
                    awaiting.eq(None::<AssetKind>),
                    awaiting_until.eq(None::<NaiveDateTime>),
                    updated_at.eq(now),
                );
                match image.kind {
                    AssetKind::Avatar => {
                        insert
                            .set((done, avatar_id.eq(Some(taken))))
                            .execute(conn)
                            .await
                    }
                    AssetKind::Logo => {
                        insert
                            .set((done, logo_id.eq(Some(taken))))
                            .execute(conn)
                            .await
                    }
                }
            })?;
        }
        self.prune(user).await?;
        self.kit(user)
            .await?
            .ok_or_else(|| AppError::internal("keeping a brand image", "the kit is gone"))
    }

    async fn prune(&self, user: i64) -> AppResult<usize> {
        let sql = match self.db.backend() {
            DatabaseBackend::Sqlite => super::leases::sqlite_dialect(PRUNE_IMAGES),
            DatabaseBackend::Postgres => PRUNE_IMAGES.to_string(),
        };
        with_conn!(self.db, "prune_brand_images", |conn| {
            diesel::sql_query(sql.as_str())
                .bind::<BigInt, _>(user)
                .execute(conn)
                .await
        })
    }

    /// One of the user's images; none when it is not theirs or gone.
    pub async fn image(&self, user: i64, asset: AssetId) -> AppResult<Option<StoredImage>> {
        use schema::brand_assets::dsl::*;
        let asset = asset.to_string();
        with_conn!(self.db, "brand_image", |conn| {
            brand_assets
                .find(asset.as_str())
                .filter(user_id.eq(user))
                .select((mime, bytes))
                .first::<StoredImage>(conn)
                .await
                .optional()
        })
    }

    /// Notes that the user's next image in the chat is their `kind`, until `until` (the kit
    /// made from `default` if they have none).
    pub async fn await_image(
        &self,
        user: i64,
        kind: AssetKind,
        until: NaiveDateTime,
        default: &BrandKit,
    ) -> AppResult<()> {
        use schema::brand_kits::dsl::*;
        let now = now_utc();
        let mut row = KitRow::new(user, default, 1, now);
        row.awaiting = Some(kind);
        row.awaiting_until = Some(until);
        with_conn!(self.db, "await_brand_image", |conn| {
            diesel::insert_into(brand_kits)
                .values(&row)
                .on_conflict(user_id)
                .do_update()
                .set((awaiting.eq(Some(kind)), awaiting_until.eq(Some(until))))
                .execute(conn)
                .await
        })?;
        Ok(())
    }

    /// The image the user said they would send, if they said so before `now` ran out.
    pub async fn awaited_image(
        &self,
        user: i64,
        now: NaiveDateTime,
    ) -> AppResult<Option<AssetKind>> {
        Ok(self.row(user).await?.and_then(|row| {
            row.awaiting
                .filter(|_| row.awaiting_until.is_some_and(|until| until > now))
        }))
    }

    /// Forgets an awaited image (the user sent something that was refused, or changed their mind).
    pub async fn stop_awaiting(&self, user: i64) -> AppResult<()> {
        use schema::brand_kits::dsl::*;
        with_conn!(self.db, "stop_awaiting_brand_image", |conn| {
            diesel::update(brand_kits.find(user))
                .set((
                    awaiting.eq(None::<AssetKind>),
                    awaiting_until.eq(None::<NaiveDateTime>),
                ))
                .execute(conn)
                .await
        })?;
        Ok(())
    }
}

#[cfg(test)]
mod sql_tests {
    use super::*;
    use crate::domain::WorkflowState;
    use crate::store::states::assert_sql_spells;

    #[test]
    fn the_prune_statement_spells_only_known_states() {
        assert!(assert_sql_spells::<WorkflowState>(PRUNE_IMAGES, "state") > 0);
    }
}
