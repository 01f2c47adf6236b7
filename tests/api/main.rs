//! Integration tests: the real application on a real port, over SQLite and PostgreSQL.
mod helpers;

mod architecture;
mod brand;
mod carousel;
mod cli;
mod crash;
mod events;
mod hardening;
mod languages;
mod leases;
mod limits;
mod operators;
mod post;
mod replicas;
mod resilience;
mod review;
mod scripts;
mod startup;
mod store;
mod telegram;
mod traces;
mod webhook;
