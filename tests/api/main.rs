//! Integration tests: the real application on a real port, over SQLite and PostgreSQL.
mod helpers;

mod cli;
mod events;
mod operators;
mod resilience;
mod store;
mod telegram;
mod webhook;
