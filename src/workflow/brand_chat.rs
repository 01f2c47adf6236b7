//! `/brand` in the chat: the kit shown with buttons (edit in the Mini App, take the Telegram
//! profile photo, an accent preset, a font pairing, remove an image) and typed changes
//! (`/brand handle @ann`, `/brand name Ann Lee`, `/brand accent #ff8800`, `/brand fonts soft`).
//! The kit is the presser's own: a press changes whoever pressed it, and the kit is only
//! shown in their private chat.
use super::engine::reply_key;
use super::engine::Workflows;
use super::texts;
use crate::app::error::AppResult;
use crate::domain::{
    Accent, AssetKind, BrandError, BrandKit, FontPairing, Lang, ACCENT_PRESETS,
    MAX_BRAND_HANDLE_CHARS, MAX_BRAND_NAME_CHARS,
};
use crate::i18n::{text, text_with, Value};
use crate::messages::telegram::{CallbackPressed, ExecuteCommand};
use crate::messages::Envelope;
use crate::store::{KitEdit, KitSave, NewImage};
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup, WebAppInfo};

/// How long fetching a profile photo may take, lookup and download together.
const PHOTO_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(20);

crate::spelled_enum! {
    /// What a `brand:` button does to the presser's kit.
    #[serde(rename_all = "lowercase")]
    #[strum(serialize_all = "lowercase")]
    pub enum BrandButton as "brand button" {
        /// Take the Telegram profile photo as the avatar.
        Photo,
        /// `brand:accent:<rrggbb|none>`
        Accent,
        /// `brand:fonts:<pairing>`
        Fonts,
        /// `brand:clear:<avatar|logo>`
        Clear,
        /// `brand:upload:<avatar|logo>` — the next picture the user sends is it.
        Upload,
    }
}

/// How long after "Upload avatar" (or logo) the next picture is taken as it.
const UPLOAD_MINUTES: i64 = 10;

/// How often a press's save is made again when another save got in first.
const PRESS_SAVE_ATTEMPTS: usize = 5;

/// What a press changes in a kit.
#[derive(Debug, Clone, Copy)]
enum PressedChange {
    Accent(Option<Accent>),
    Fonts(FontPairing),
    Clear(AssetKind),
}

impl PressedChange {
    fn apply(self, edit: &mut KitEdit) {
        match self {
            PressedChange::Accent(accent) => edit.accent = accent,
            PressedChange::Fonts(fonts) => edit.fonts = fonts,
            PressedChange::Clear(AssetKind::Avatar) => edit.clear_avatar = true,
            PressedChange::Clear(AssetKind::Logo) => edit.clear_logo = true,
        }
    }
}

/// A `brand:` button's data: the action and its value (checked where it is acted on).
pub fn brand_data(button: BrandButton, value: Option<&str>) -> String {
    match value {
        Some(value) => format!("brand:{button}:{value}"),
        None => format!("brand:{button}"),
    }
}

/// A kit field as the chat shows it: the text, or a dash when empty.
fn shown(text_value: &str) -> String {
    if text_value.is_empty() {
        "—".to_string()
    } else {
        teloxide::utils::html::escape(text_value)
    }
}

/// The /brand message for a kit.
fn view(lang: Lang, kit: &BrandKit, editor: Option<url::Url>) -> (String, InlineKeyboardMarkup) {
    let yes_no = |has: bool| text(lang, if has { "brand-has" } else { "brand-has-not" });
    let accent = kit
        .accent
        .map_or_else(|| text(lang, "brand-accent-style"), |a| a.hex());
    let body = text_with(
        lang,
        "brand-view",
        &[
            ("handle", Value::from(shown(&kit.handle))),
            ("name", Value::from(shown(&kit.name))),
            ("accent", Value::from(accent)),
            ("fonts", Value::from(kit.fonts.display_name())),
            ("avatar", Value::from(yes_no(kit.avatar.is_some()))),
            ("logo", Value::from(yes_no(kit.logo.is_some()))),
        ],
    );
    let mut rows: Vec<Vec<InlineKeyboardButton>> = Vec::new();
    if let Some(url) = editor {
        rows.push(vec![InlineKeyboardButton::web_app(
            text(lang, "brand-button-edit"),
            WebAppInfo { url },
        )]);
    }
    rows.push(vec![InlineKeyboardButton::callback(
        text(lang, "brand-button-photo"),
        brand_data(BrandButton::Photo, None),
    )]);
    rows.push(
        [
            (AssetKind::Avatar, "brand-button-upload-avatar"),
            (AssetKind::Logo, "brand-button-upload-logo"),
        ]
        .into_iter()
        .map(|(kind, label)| {
            InlineKeyboardButton::callback(
                text(lang, label),
                brand_data(BrandButton::Upload, Some(kind.as_str())),
            )
        })
        .collect(),
    );
    let swatch = |a: &Accent| {
        let mark = if kit.accent == Some(*a) { "✓ " } else { "" };
        InlineKeyboardButton::callback(
            format!("{mark}{}", a.hex()),
            brand_data(BrandButton::Accent, Some(&a.hex()[1..])),
        )
    };
    let presets: Vec<_> = ACCENT_PRESETS.iter().map(swatch).collect();
    for chunk in presets.chunks(4) {
        rows.push(chunk.to_vec());
    }
    rows.push(vec![InlineKeyboardButton::callback(
        text(lang, "brand-accent-style"),
        brand_data(BrandButton::Accent, Some("none")),
    )]);
    rows.push(
        FontPairing::ALL
            .iter()
            .map(|f| {
                let mark = if kit.fonts == *f { "✓ " } else { "" };
                InlineKeyboardButton::callback(
                    format!("{mark}{}", text(lang, &format!("brand-fonts-{f}"))),
                    brand_data(BrandButton::Fonts, Some(f.as_str())),
                )
            })
            .collect(),
    );
    let mut clear = Vec::new();
    for (has, kind, label) in [
        (
            kit.avatar.is_some(),
            AssetKind::Avatar,
            "brand-button-clear-avatar",
        ),
        (
            kit.logo.is_some(),
            AssetKind::Logo,
            "brand-button-clear-logo",
        ),
    ] {
        if has {
            clear.push(InlineKeyboardButton::callback(
                text(lang, label),
                brand_data(BrandButton::Clear, Some(kind.as_str())),
            ));
        }
    }
    if !clear.is_empty() {
        rows.push(clear);
    }
    (body, InlineKeyboardMarkup::new(rows))
}

/// What a typed `/brand <field> <value>` asks for; none: just show the kit.
fn typed_edit(args: &str, kit: &BrandKit) -> Option<Result<KitEdit, BrandError>> {
    let (field, value) = args
        .trim()
        .split_once(char::is_whitespace)
        .unwrap_or((args.trim(), ""));
    let value = value.trim();
    let mut edit = edit_of(kit);
    match field.to_lowercase().as_str() {
        "handle" => edit.handle = try_field(BrandKit::checked_handle(value))?,
        "name" => edit.name = try_field(BrandKit::checked_name(value))?,
        "accent" if value.eq_ignore_ascii_case("none") => edit.accent = None,
        "accent" => edit.accent = Some(try_field(Accent::parse(value))?),
        "fonts" => edit.fonts = try_field(FontPairing::parse(value))?,
        _ => return None,
    }
    Some(Ok(edit))
}

/// `?` inside [`typed_edit`]'s Option<Result<…>>: a refusal ends it as `Some(Err)`.
fn try_field<T>(result: Result<T, BrandError>) -> Option<T> {
    // A refused value is reported by `typed_refusal`, which checks again.
    result.ok()
}

/// Why a typed value was refused, when it was.
fn typed_refusal(args: &str) -> Option<BrandError> {
    let (field, value) = args
        .trim()
        .split_once(char::is_whitespace)
        .unwrap_or((args.trim(), ""));
    let value = value.trim();
    match field.to_lowercase().as_str() {
        "handle" => BrandKit::checked_handle(value).err(),
        "name" => BrandKit::checked_name(value).err(),
        "accent" if !value.eq_ignore_ascii_case("none") => Accent::parse(value).err(),
        "fonts" => FontPairing::parse(value).err(),
        _ => None,
    }
}

fn edit_of(kit: &BrandKit) -> KitEdit {
    KitEdit {
        handle: kit.handle.clone(),
        name: kit.name.clone(),
        accent: kit.accent,
        fonts: kit.fonts,
        clear_avatar: false,
        clear_logo: false,
    }
}

fn refusal_text(lang: Lang, why: &BrandError) -> String {
    match why {
        BrandError::Accent(_) => text(lang, "brand-invalid-accent"),
        BrandError::Fonts(_) => text(lang, "brand-invalid-fonts"),
        BrandError::TooLong { field, .. } | BrandError::Control { field } => {
            let max = if *field == "name" {
                MAX_BRAND_NAME_CHARS
            } else {
                MAX_BRAND_HANDLE_CHARS
            };
            text_with(lang, "brand-invalid-text", &[("max", Value::from(max))])
        }
    }
}

impl Workflows {
    fn brand_editor(&self) -> Option<url::Url> {
        let mut url = self.editor.clone()?;
        url.query_pairs_mut().append_pair("view", "brand");
        Some(url)
    }

    /// `/brand [field value]`: a typed change saved first, then the kit shown.
    pub(super) async fn brand_command(
        &self,
        env: &Envelope<ExecuteCommand>,
        user: i64,
        lang: Lang,
    ) -> AppResult<()> {
        let c = &env.payload;
        let (chat, reply) = (c.chat_id, c.message_id);
        let key = reply_key(env, "reply");
        let Some(brands) = self.brands.clone() else {
            return self
                .say(key, chat, reply, &text(lang, "brand-unavailable"), None)
                .await;
        };
        if chat != user {
            return self
                .say(key, chat, reply, &text(lang, "brand-private-only"), None)
                .await;
        }
        let default = BrandKit::default_for(c.username.as_deref(), c.first_name.as_deref());
        let mut kit = brands.kit(user).await?.unwrap_or_else(|| default.clone());
        if let Some(why) = typed_refusal(&c.args) {
            return self
                .say(key, chat, reply, &refusal_text(lang, &why), None)
                .await;
        }
        if let Some(Ok(edit)) = typed_edit(&c.args, &kit) {
            kit = match brands.save(user, &edit, kit.version, &default).await? {
                KitSave::Saved(saved) => saved,
                KitSave::Stale(current) => current.unwrap_or(default),
            };
        }
        let (body, keyboard) = view(lang, &kit, self.brand_editor());
        self.say(key, chat, reply, &body, Some(keyboard)).await
    }

    /// A `brand:` button: changes the presser's own kit, then shows it again in its message.
    pub(super) async fn brand_press(
        &self,
        env: &Envelope<CallbackPressed>,
        lang: Lang,
        button: BrandButton,
        value: Option<&str>,
    ) -> AppResult<()> {
        let q = &env.payload;
        let Some(brands) = self.brands.clone() else {
            self.answer(&q.query_id, &text(lang, "brand-unavailable"))
                .await;
            return Ok(());
        };
        let user = q.user_id;
        let default = BrandKit::default_for(q.username.as_deref(), q.first_name.as_deref());
        let change = match (button, value) {
            (BrandButton::Photo, None) => {
                if let Err(why) = self.take_profile_photo(user, lang, &default).await? {
                    self.answer(&q.query_id, &why).await;
                    return Ok(());
                }
                None
            }
            (BrandButton::Accent, Some("none")) => Some(PressedChange::Accent(None)),
            (BrandButton::Accent, Some(hex)) => match Accent::parse(hex) {
                Ok(accent) => Some(PressedChange::Accent(Some(accent))),
                Err(_) => return self.stale(env, lang).await,
            },
            (BrandButton::Fonts, Some(name)) => match FontPairing::parse(name) {
                Ok(fonts) => Some(PressedChange::Fonts(fonts)),
                Err(_) => return self.stale(env, lang).await,
            },
            (BrandButton::Clear, Some(kind)) => match kind.parse::<AssetKind>() {
                Ok(kind) => Some(PressedChange::Clear(kind)),
                Err(_) => return self.stale(env, lang).await,
            },
            (BrandButton::Upload, Some(kind)) => match kind.parse::<AssetKind>() {
                Ok(kind) => {
                    let until = crate::store::now_utc() + chrono::Duration::minutes(UPLOAD_MINUTES);
                    brands.await_image(user, kind, until, &default).await?;
                    let asked = text(lang, &format!("brand-upload-{kind}-now"));
                    self.answer(&q.query_id, &asked).await;
                    let chat = q.chat_id.unwrap_or(user);
                    return self
                        .say(reply_key(env, "upload"), chat, None, &asked, None)
                        .await;
                }
                Err(_) => return self.stale(env, lang).await,
            },
            _ => return self.stale(env, lang).await,
        };
        if let Some(change) = change {
            // A press applies to the kit as saved now: two quick presses (or another device)
            // in between make a save stale, and it is made again on the newer kit.
            for _ in 0..PRESS_SAVE_ATTEMPTS {
                let kit = brands.kit(user).await?.unwrap_or_else(|| default.clone());
                let mut edit = edit_of(&kit);
                change.apply(&mut edit);
                if let KitSave::Saved(_) = brands.save(user, &edit, kit.version, &default).await? {
                    break;
                }
            }
        }
        self.answer(&q.query_id, &texts::saved(lang)).await;
        let kit = brands.kit(user).await?.unwrap_or(default);
        if let (Some(chat), Some(message)) = (q.chat_id, q.message_id) {
            if chat == user {
                let (body, keyboard) = view(lang, &kit, self.brand_editor());
                self.edit(chat, message, &body, Some(keyboard)).await;
            }
        }
        Ok(())
    }

    /// The user's Telegram profile photo made their avatar; `Err` with what to tell them when
    /// there is none, it cannot be fetched, or it is refused.
    async fn take_profile_photo(
        &self,
        user: i64,
        lang: Lang,
        default: &BrandKit,
    ) -> AppResult<Result<(), String>> {
        let (Some(courier), Some(brands)) = (&self.courier, &self.brands) else {
            return Ok(Err(text(lang, "brand-unavailable")));
        };
        let bot = courier.bot();
        let Ok(user_id) = u64::try_from(user) else {
            return Ok(Err(text(lang, "brand-photo-none")));
        };
        let photo = match crate::telegram::files::largest_profile_photo(bot, user_id).await {
            Ok(Some(photo)) => photo,
            Ok(None) => return Ok(Err(text(lang, "brand-photo-none"))),
            Err(e) => {
                tracing::warn!(error = %e, "profile photos not read");
                return Ok(Err(text(lang, "brand-photo-failed")));
            }
        };
        let bytes = match crate::telegram::files::download_file_by_id(
            bot,
            &photo,
            crate::media::MAX_UPLOAD_BYTES,
            PHOTO_TIMEOUT,
        )
        .await
        {
            Ok(bytes) => bytes,
            Err(e) => {
                tracing::warn!(error = %e, "profile photo not downloaded");
                return Ok(Err(text(lang, "brand-photo-failed")));
            }
        };
        let prepared = match tokio::task::spawn_blocking(move || {
            crate::media::prepare(&bytes, AssetKind::Avatar)
        })
        .await
        {
            Ok(Ok(prepared)) => prepared,
            Ok(Err(why)) => {
                return Ok(Err(text(lang, &format!("brand-image-{}", why.reason()))));
            }
            Err(e) => {
                tracing::error!(error = %e, "preparing a profile photo failed");
                return Ok(Err(text(lang, "brand-photo-failed")));
            }
        };
        let image = NewImage {
            kind: AssetKind::Avatar,
            mime: prepared.mime,
            bytes: &prepared.bytes,
            width: prepared.width,
            height: prepared.height,
        };
        brands.put_image(user, image, default).await?;
        Ok(Ok(()))
    }
}

impl Workflows {
    /// A picture the user sent: their avatar or logo when they asked to send one (checked,
    /// resized, kept), else a word on how to use it. A refused picture changes nothing.
    pub(super) async fn brand_upload(
        &self,
        env: &Envelope<ExecuteCommand>,
        user: i64,
        lang: Lang,
        image: &crate::messages::telegram::SentImage,
    ) -> AppResult<()> {
        let c = &env.payload;
        let (chat, reply) = (c.chat_id, c.message_id);
        let key = reply_key(env, "reply");
        let (Some(brands), Some(courier)) = (self.brands.clone(), &self.courier) else {
            return self
                .say(key, chat, reply, &text(lang, "brand-unavailable"), None)
                .await;
        };
        let Some(kind) = brands.awaited_image(user, crate::store::now_utc()).await? else {
            return self
                .say(key, chat, reply, &text(lang, "brand-upload-hint"), None)
                .await;
        };
        let max = crate::media::MAX_UPLOAD_BYTES;
        let refuse = |why: &str| text(lang, &format!("brand-image-{why}"));
        // Telegram says how big it is: a file over the limit is refused before any download.
        if image
            .file_size
            .is_some_and(|size| usize::try_from(size).map_or(true, |s| s > max))
        {
            return self.say(key, chat, reply, &refuse("too-large"), None).await;
        }
        let fetched = crate::telegram::files::download_file_by_id(
            courier.bot(),
            &image.file_id,
            max,
            PHOTO_TIMEOUT,
        )
        .await;
        let bytes = match fetched {
            Ok(bytes) => bytes,
            Err(crate::telegram::files::DownloadError::TooLarge { .. }) => {
                return self.say(key, chat, reply, &refuse("too-large"), None).await;
            }
            Err(e) => {
                tracing::warn!(error = %e, "a sent picture was not downloaded");
                return self
                    .say(key, chat, reply, &text(lang, "brand-photo-failed"), None)
                    .await;
            }
        };
        let prepared =
            match tokio::task::spawn_blocking(move || crate::media::prepare(&bytes, kind)).await {
                Ok(Ok(prepared)) => prepared,
                Ok(Err(why)) => {
                    return self
                        .say(key, chat, reply, &refuse(why.reason()), None)
                        .await
                }
                Err(e) => {
                    tracing::error!(error = %e, "preparing a sent picture failed");
                    return self
                        .say(key, chat, reply, &text(lang, "brand-photo-failed"), None)
                        .await;
                }
            };
        let default = BrandKit::default_for(c.username.as_deref(), c.first_name.as_deref());
        let image = NewImage {
            kind,
            mime: prepared.mime,
            bytes: &prepared.bytes,
            width: prepared.width,
            height: prepared.height,
        };
        let kit = brands.put_image(user, image, &default).await?;
        let saved = text(lang, &format!("brand-upload-{kind}-saved"));
        let (body, keyboard) = view(lang, &kit, self.brand_editor());
        self.say(
            key,
            chat,
            reply,
            &format!("{saved}\n\n{body}"),
            Some(keyboard),
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_brand_button_fits_telegrams_64_bytes_and_reads_back() {
        for value in ["7c5cff", "none", "strong", "avatar", "logo"] {
            for &button in BrandButton::ALL {
                let data = brand_data(button, Some(value));
                assert!(data.len() <= 64, "{data}");
                let callback = super::super::Callback::parse(&data);
                assert!(callback.is_some(), "{data}");
            }
        }
        assert!(super::super::Callback::parse(&brand_data(BrandButton::Photo, None)).is_some());
        assert!(super::super::Callback::parse("brand:melt:x").is_none());
    }

    #[test]
    fn a_typed_change_is_read_and_a_bad_value_refused() {
        let kit = BrandKit::default_for(Some("ann"), Some("Ann"));
        let edit = typed_edit("handle @annlee", &kit)
            .expect("a change")
            .expect("valid");
        assert_eq!(edit.handle, "@annlee");
        let edit = typed_edit("accent #F80", &kit)
            .expect("a change")
            .expect("valid");
        assert_eq!(edit.accent, Some(Accent([0xff, 0x88, 0x00])));
        assert!(typed_refusal("accent red").is_some());
        assert!(typed_refusal(&format!("name {}", "x".repeat(65))).is_some());
        assert!(typed_edit("", &kit).is_none());
        assert!(typed_edit("colour blue", &kit).is_none());
    }
}
