//! Everything the bot owes Telegram: the durable outbox (rows before any send), its dispatcher
//! (claims, pacing, outcomes) and the courier (Bot API calls under Telegram's rules).
pub mod courier;
pub mod outbox;
pub mod poster;
