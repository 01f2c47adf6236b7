//! What operators see: metrics, logs and traces, the audit trail (event log) and the `trace`
//! command over it, and the periodic health probe.
pub mod eventlog;
pub mod health;
pub mod metrics;
pub mod telemetry;
pub mod trace;
