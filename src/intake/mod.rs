//! Updates coming in: recorded durably (the webhook's group commit), admitted, and handed to
//! the gateway; long polling for development feeds the same webhook.
pub mod admission;
pub mod backlog;
pub mod poll;
pub mod sweep;

use crate::app::config::DatabaseSettings;
use crate::app::error::AppResult;
use crate::observability::metrics::Metrics;
use crate::resilience::breaker::CircuitBreaker;
use crate::store::group_commit::Batcher;
use crate::store::{Db, NewReceivedUpdate, Updates};
use std::sync::Arc;
use std::time::Duration;

/// Group commits of received updates in flight at once. SQLite serializes writers anyway; on
/// PostgreSQL overlapping commits raise throughput.
const INGEST_WRITERS: usize = 3;

/// The webhook's group commit: updates recorded in batches on connections of their own, so
/// background work never makes the webhook wait.
pub fn start_ingest(
    database: &DatabaseSettings,
    max_batch: usize,
    metrics: &Metrics,
    breaker: &Arc<CircuitBreaker>,
) -> AppResult<Batcher<NewReceivedUpdate, bool>> {
    let ingest_settings = DatabaseSettings {
        max_connections: INGEST_WRITERS,
        ..database.clone()
    };
    // A pool of its own: background work never holds the connections the webhook waits on.
    let updates = Updates::new(
        Db::connect(&ingest_settings)?
            .with_metrics(metrics.store_query_seconds.clone())
            .with_breaker(breaker.clone()),
    );
    Ok(Batcher::spawn(
        "ingest",
        65_536,
        max_batch,
        INGEST_WRITERS,
        // No linger: the webhook's answer waits on this write, and Telegram sends the next
        // update on a connection only after the last one's answer, so concurrent requests fill
        // the batch and waiting would only slow the intake.
        Duration::ZERO,
        move |rows: Vec<NewReceivedUpdate>| {
            let updates = updates.clone();
            async move { updates.record_updates(&rows).await }
        },
    ))
}
