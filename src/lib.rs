//! Bible VibeCoder: a Telegram bot that turns a topic into an Instagram carousel, built as a
//! supervised actix actor system with an actix-web front.
//!
//! The folders follow a request: `http` (the webhook) → `intake` (recorded, admitted, handed on)
//! → `actors` (the services, each a thin adapter) → `workflow` (the durable carousel workflow)
//! → `ai` and `render` (the content and the slides) → `delivery` (the durable outbox, the Bot
//! API). Beside them: `domain` and `messages` (plain data), `i18n` (the interface's words, one
//! Fluent folder per locale), `store` (one repository per table owner), `telegram` (pure update
//! parsing), `media` (brand uploads checked and prepared, pure), `supervisors`, `resilience`,
//! `observability`, and
//! `app` (settings, errors, start-up, the command line).
pub mod actors;
pub mod ai;
pub mod app;
pub mod delivery;
pub mod domain;
pub mod http;
pub mod i18n;
pub mod intake;
pub mod media;
pub mod messages;
pub mod miniapp;
pub mod observability;
pub mod render;
pub mod resilience;
pub mod store;
pub mod supervisors;
pub mod telegram;
#[cfg(test)]
pub mod testkit;
pub mod workflow;
