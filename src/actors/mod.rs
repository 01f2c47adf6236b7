//! The six service actors. Each depends on its neighbours only through [`crate::messages::Outbox`]
//! (a `Recipient` plus the event log), so a test can start one alone with probes around it.
pub mod analytics;
pub mod gateway;
pub mod orchestrator;
pub mod store;

pub use analytics::AnalyticsActor;
pub use gateway::{GatewayActor, GatewayLinks};
pub use orchestrator::{OrchestratorActor, OrchestratorLinks, UserData};
pub use store::{StoreActor, StoreLinks};
pub mod ai;
pub mod carousel;
