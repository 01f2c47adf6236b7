//! Bible VibeCoder: a Telegram bot that turns a topic into an Instagram carousel, built as a
//! supervised actix actor system with an actix-web front.
pub mod actors;
pub mod ai;
pub mod batch;
pub mod cli;
pub mod config;
pub mod domain;
pub mod error;
pub mod eventlog;
pub mod health;
pub mod limits;
pub mod messages;
pub mod metrics;
pub mod render;
pub mod resilience;
pub mod routes;
pub mod startup;
pub mod store;
pub mod supervisors;
pub mod telegram;
pub mod telemetry;
#[cfg(test)]
pub mod testkit;
pub mod trace;
pub mod workflow;
