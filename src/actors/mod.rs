//! The six service actors, each a thin adapter over its feature module. Each reaches its
//! neighbours only through a [`link::Link`] (a `Recipient` plus the event log), so a test can
//! start one alone with probes around it.
pub mod ai;
pub mod analytics;
pub mod carousel;
pub mod gateway;
pub mod link;
pub mod orchestrator;
pub mod store;

pub use analytics::AnalyticsActor;
pub use gateway::{GatewayActor, GatewayLinks};
pub use orchestrator::OrchestratorActor;
pub use store::{StoreActor, StoreLinks};
