//! The application around the pipeline: settings, the one error type, start-up and shutdown,
//! and the command line.
pub mod cli;
pub mod config;
pub mod error;
pub mod startup;
