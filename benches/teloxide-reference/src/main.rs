//! teloxide's webhook (axum) and REPL dispatcher: every text message is answered with one
//! sendMessage, as the bot answers `/start`. Nothing is recorded; an update is acknowledged
//! before it is handled, and what is not yet sent when the process stops is lost.
//! Environment: TELOXIDE_TOKEN, TELEGRAM_API_URL (the loopback Bot API), HTTP_ADDR, and
//! WEBHOOK_SECRET (sent by benches/updates.lua as BVC_SECRET).
use teloxide::prelude::*;
use teloxide::types::ParseMode;
use teloxide::update_listeners::webhooks;

const GREETING: &str = "<b>Welcome, Load!</b>\nSend me a topic and I will write and draw an \
    Instagram carousel about it. /help lists what else I can do.";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let token = std::env::var("TELOXIDE_TOKEN")?;
    let api: url::Url = std::env::var("TELEGRAM_API_URL")?.parse()?;
    let addr: std::net::SocketAddr = std::env::var("HTTP_ADDR")?.parse()?;
    let secret = std::env::var("WEBHOOK_SECRET")?;
    let bot = Bot::new(token).set_api_url(api);
    let url = format!("http://{addr}/telegram/webhook").parse()?;
    let options = webhooks::Options::new(addr, url).secret_token(secret);
    let listener = webhooks::axum(bot.clone(), options).await?;
    teloxide::repl_with_listener(
        bot,
        |bot: Bot, msg: Message| async move {
            bot.send_message(msg.chat.id, GREETING)
                .parse_mode(ParseMode::Html)
                .await?;
            Ok(())
        },
        listener,
    )
    .await;
    Ok(())
}
