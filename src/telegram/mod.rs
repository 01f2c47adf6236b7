//! Telegram itself: what kind an update is, who sent it and what it asks for (`inbound_of`), the
//! updates the bot asks for, the Bot API client, the bot's name (from `getMe`), its commands.
//! `files`: files downloaded from the Bot API, bounded in bytes and time.
pub mod commands;
pub mod files;
use crate::app::config::Settings;
pub use crate::domain::UpdateType;
use crate::messages::data::UserProfile;
use secrecy::ExposeSecret;
use teloxide::types::{AllowedUpdate, Update, UpdateKind, User};

/// The header Telegram sends the webhook secret in (`setWebhook`'s `secret_token`).
pub const SECRET_HEADER: &str = "X-Telegram-Bot-Api-Secret-Token";

/// The update kinds the bot acts on (webhook registration and polling); Telegram sends nothing else.
pub const ALLOWED_UPDATES: [AllowedUpdate; 3] = [
    AllowedUpdate::Message,
    AllowedUpdate::CallbackQuery,
    AllowedUpdate::MyChatMember,
];

/// The Bot API client for `TELEGRAM_BOT_TOKEN` at `TELEGRAM_API_URL`; `None` without a token.
/// The URL was validated when the settings loaded.
pub fn bot_from(settings: &Settings) -> Option<teloxide::Bot> {
    let token = settings.telegram.bot_token.as_ref()?;
    let api_url = url::Url::parse(&settings.telegram.api_url).ok()?;
    Some(teloxide::Bot::new(token.expose_secret()).set_api_url(api_url))
}

/// The bot's own username, which `/cmd@name` in groups must name: `TELEGRAM_BOT_USERNAME` when
/// set, else what Telegram's `getMe` says at start (until then, commands addressed to a named
/// bot are taken as someone else's; plain `/cmd` always works).
#[derive(Clone)]
pub struct BotName(std::sync::Arc<tokio::sync::watch::Sender<Option<String>>>);

impl BotName {
    pub fn new(known: Option<String>) -> BotName {
        let known = known
            .map(|name| name.trim().trim_start_matches('@').to_string())
            .filter(|name| !name.is_empty());
        BotName(std::sync::Arc::new(tokio::sync::watch::Sender::new(known)))
    }

    pub fn set(&self, name: String) {
        self.0
            .send_replace(Some(name.trim_start_matches('@').to_string()));
    }

    pub fn get(&self) -> Option<String> {
        self.0.borrow().clone()
    }

    /// Runs `f` with the name (empty while unknown), without copying it.
    pub fn with<R>(&self, f: impl FnOnce(&str) -> R) -> R {
        f(self.0.borrow().as_deref().unwrap_or_default())
    }

    /// Waits at most `wait` for the name to be known; answers whether it is.
    pub async fn known_within(&self, wait: std::time::Duration) -> bool {
        let mut known = self.0.subscribe();
        tokio::time::timeout(wait, known.wait_for(Option::is_some))
            .await
            .is_ok_and(|seen| seen.is_ok())
    }
}

/// Asks Telegram for the bot's username until it answers (backoff from half a second to a
/// minute), unless `stop` ends it first.
pub async fn learn_bot_name(
    courier: crate::delivery::courier::Courier,
    name: BotName,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    use std::time::Duration;
    let mut delay = Duration::from_millis(500);
    while !*stop.borrow() {
        match tokio::time::timeout(Duration::from_secs(10), courier.username()).await {
            Ok(Ok(username)) => {
                tracing::info!(bot_username = %username, "the bot's username, from getMe");
                name.set(username);
                return;
            }
            Ok(Err(e)) => tracing::warn!(
                error = %e,
                retry_in_ms = delay.as_millis() as u64,
                "getMe failed: until the bot knows its username, /cmd@name in groups is taken as another bot's (set TELEGRAM_BOT_USERNAME to skip getMe)"
            ),
            Err(_) => tracing::warn!(
                retry_in_ms = delay.as_millis() as u64,
                "getMe did not answer within 10 s; asking again"
            ),
        }
        tokio::select! {
            _ = tokio::time::sleep(delay) => {}
            changed = stop.changed() => {
                if changed.is_err() {
                    return;
                }
            }
        }
        delay = (delay * 2).min(Duration::from_secs(60));
    }
}

/// Telegram's own name for an update kind, as recorded and counted.
pub fn update_type(kind: &UpdateKind) -> UpdateType {
    match kind {
        UpdateKind::Message(_) => UpdateType::Message,
        UpdateKind::EditedMessage(_) => UpdateType::EditedMessage,
        UpdateKind::ChannelPost(_) => UpdateType::ChannelPost,
        UpdateKind::EditedChannelPost(_) => UpdateType::EditedChannelPost,
        UpdateKind::BusinessConnection(_) => UpdateType::BusinessConnection,
        UpdateKind::BusinessMessage(_) => UpdateType::BusinessMessage,
        UpdateKind::EditedBusinessMessage(_) => UpdateType::EditedBusinessMessage,
        UpdateKind::DeletedBusinessMessages(_) => UpdateType::DeletedBusinessMessages,
        UpdateKind::MessageReaction(_) => UpdateType::MessageReaction,
        UpdateKind::MessageReactionCount(_) => UpdateType::MessageReactionCount,
        UpdateKind::InlineQuery(_) => UpdateType::InlineQuery,
        UpdateKind::ChosenInlineResult(_) => UpdateType::ChosenInlineResult,
        UpdateKind::CallbackQuery(_) => UpdateType::CallbackQuery,
        UpdateKind::ShippingQuery(_) => UpdateType::ShippingQuery,
        UpdateKind::PreCheckoutQuery(_) => UpdateType::PreCheckoutQuery,
        UpdateKind::PurchasedPaidMedia(_) => UpdateType::PurchasedPaidMedia,
        UpdateKind::Poll(_) => UpdateType::Poll,
        UpdateKind::PollAnswer(_) => UpdateType::PollAnswer,
        UpdateKind::MyChatMember(_) => UpdateType::MyChatMember,
        UpdateKind::ChatMember(_) => UpdateType::ChatMember,
        UpdateKind::ChatJoinRequest(_) => UpdateType::ChatJoinRequest,
        UpdateKind::ChatBoost(_) => UpdateType::ChatBoost,
        UpdateKind::RemovedChatBoost(_) => UpdateType::RemovedChatBoost,
        UpdateKind::Error(_) => UpdateType::Unknown,
    }
}

/// Where an update goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// `/name args`, addressed to us (or to nobody in particular).
    Command { name: String, args: String },
    /// Anything that is not a command in a private chat: it deserves a hint.
    PrivateText,
    /// A photo, or a file, sent in a private chat (for the brand kit).
    Image(crate::messages::telegram::SentImage),
    /// An inline-keyboard button press: Telegram's id for it, its data and the message it is on.
    Callback {
        query_id: String,
        data: String,
        message_id: Option<i32>,
    },
    /// Deliberately not acted upon; the reason is logged and counted.
    Ignored(&'static str),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inbound {
    pub kind: UpdateType,
    pub user: Option<UserProfile>,
    pub chat_id: Option<i64>,
    /// The message itself, for replies (none for button presses and non-message updates).
    pub message_id: Option<i32>,
    pub route: Route,
}

impl Inbound {
    /// The label analytics counts this update under.
    pub fn interaction(&self) -> String {
        match &self.route {
            // Only the bot's own commands get a label of their own: users type anything.
            Route::Command { name, .. } if commands::is_command(name) => format!("command:/{name}"),
            Route::Command { .. } => "command:unknown".to_string(),
            Route::PrivateText => "text".to_string(),
            Route::Image(_) => "image".to_string(),
            Route::Callback { .. } => "callback".to_string(),
            Route::Ignored(_) => format!("ignored:{}", self.kind),
        }
    }
}

/// The picture of a message: its largest photo size, or a document (whatever it claims to
/// be: its bytes are checked once downloaded).
fn sent_image(message: &teloxide::types::Message) -> Option<crate::messages::telegram::SentImage> {
    let (id, size) = if let Some(sizes) = message.photo() {
        let largest = sizes
            .iter()
            .max_by_key(|s| u64::from(s.width) * u64::from(s.height))?;
        (largest.file.id.0.clone(), largest.file.size)
    } else {
        let document = message.document()?;
        (document.file.id.0.clone(), document.file.size)
    };
    Some(crate::messages::telegram::SentImage {
        file_id: id,
        // teloxide's stand-in for a size Telegram did not give.
        file_size: (size != u32::MAX).then_some(size),
    })
}

pub fn profile_of(user: &User) -> UserProfile {
    UserProfile {
        id: i64::try_from(user.id.0).unwrap_or(i64::MAX),
        first_name: user.first_name.clone(),
        last_name: user.last_name.clone(),
        username: user.username.clone(),
        language_code: user.language_code.clone(),
    }
}

/// Splits `/cmd@bot args` into (`cmd`, `args`) when it is addressed to `bot_username` or to no bot.
pub fn parse_command(
    text: &str,
    bot_username: &str,
) -> Result<Option<(String, String)>, &'static str> {
    let Some(rest) = text.strip_prefix('/') else {
        return Ok(None);
    };
    let (head, args) = match rest.find(char::is_whitespace) {
        Some(i) => (&rest[..i], rest[i..].trim()),
        None => (rest, ""),
    };
    let (name, addressee) = match head.split_once('@') {
        Some((name, bot)) => (name, Some(bot)),
        None => (head, None),
    };
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Ok(None);
    }
    if let Some(bot) = addressee {
        if !bot.eq_ignore_ascii_case(bot_username.trim_start_matches('@')) {
            return Err("command for another bot");
        }
    }
    Ok(Some((name.to_ascii_lowercase(), args.to_string())))
}

pub fn inbound_of(update: &Update, bot_username: &str) -> Inbound {
    let kind = update_type(&update.kind);
    let user = update.from().filter(|u| !u.is_bot).map(profile_of);
    let chat_id = update.chat().map(|c| c.id.0);
    let route = match &update.kind {
        UpdateKind::Message(message) => {
            let private = message.chat.is_private();
            match message.text().map(|t| parse_command(t, bot_username)) {
                Some(Ok(Some((name, args)))) => Route::Command { name, args },
                Some(Err(reason)) => Route::Ignored(reason),
                None if private => sent_image(message).map_or(Route::PrivateText, Route::Image),
                _ if private => Route::PrivateText,
                _ => Route::Ignored("group chatter"),
            }
        }
        UpdateKind::CallbackQuery(query) => Route::Callback {
            query_id: query.id.0.clone(),
            data: query.data.clone().unwrap_or_default(),
            message_id: query.message.as_ref().map(|m| m.id().0),
        },
        UpdateKind::EditedMessage(_) => Route::Ignored("edited messages are not re-run"),
        UpdateKind::MyChatMember(_) => Route::Ignored("membership change"),
        UpdateKind::Error(_) => Route::Ignored("update kind unknown to this bot"),
        _ => Route::Ignored("update kind not used by this bot"),
    };
    let message_id = match &update.kind {
        UpdateKind::Message(message) => Some(message.id.0),
        _ => None,
    };
    Inbound {
        kind,
        user,
        chat_id,
        message_id,
        route,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_command_addressed_to_us_in_a_group_is_parsed() {
        assert_eq!(
            parse_command(
                "/carousel@Bible_VibeCoder_Bot  faith and code ",
                "bible_vibecoder_bot"
            ),
            Ok(Some(("carousel".into(), "faith and code".into())))
        );
    }

    #[test]
    fn a_command_for_another_bot_is_refused() {
        assert_eq!(
            parse_command("/start@other_bot", "bible_vibecoder_bot"),
            Err("command for another bot")
        );
    }

    #[test]
    fn text_that_merely_starts_with_a_slash_is_not_a_command() {
        assert_eq!(parse_command("/ hello", "b"), Ok(None));
        assert_eq!(parse_command("/путь", "b"), Ok(None));
        assert_eq!(parse_command("hello /start", "b"), Ok(None));
    }
}
