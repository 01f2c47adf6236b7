//! Updates nobody owns (recorded while the backlog was full, or claimed by a replica that died or
//! stalled) claimed from the store and handed to the gateway as places in the backlog free up.
use crate::actors::link::Link;
use crate::domain::UpdateStatus;
use crate::intake::backlog::Backlog;
use crate::messages::telegram::UpdateReceived;
use crate::messages::Envelope;
use crate::store::{now_utc, ClaimedUpdate, Lease, Updates};
use std::time::Duration;

/// Claims beyond this many mean the update itself makes handling fail: it is marked failed.
const MAX_UPDATE_ATTEMPTS: i32 = 5;

/// Hands one claimed update to the gateway (the caller has reserved its backlog place).
/// A row that no longer parses, or that failed too often, is marked failed rather than retried
/// forever.
async fn dispatch_claimed(
    row: ClaimedUpdate,
    updates: &Updates,
    gateway: &Link<UpdateReceived>,
    backlog: &Backlog,
) {
    let failed = |reason: String| async move {
        backlog.release();
        tracing::error!(update_id = row.update_id, reason, "update marked failed");
        if let Err(e) = updates
            .finish_update(row.update_id, UpdateStatus::Failed)
            .await
        {
            tracing::warn!(error = %e, "could not mark the update failed; it is claimed again");
        }
    };
    if row.attempts > MAX_UPDATE_ATTEMPTS {
        return failed(format!("not handled after {MAX_UPDATE_ATTEMPTS} claims")).await;
    }
    match serde_json::from_str::<teloxide::types::Update>(&row.payload) {
        Ok(update) => {
            let env = Envelope::for_update(
                "store",
                row.update_id,
                UpdateReceived {
                    update_id: row.update_id,
                    update: Box::new(update),
                },
            );
            if let Err(e) = gateway.tell(env) {
                backlog.release();
                tracing::error!(update_id = row.update_id, error = %e, "gateway unavailable; the update is claimed again when its lease expires");
            }
        }
        Err(e) => failed(format!("stored update no longer parses: {e}")).await,
    }
}

/// Claims updates nobody owns — recorded while the gateway's backlog was full, or claimed by a
/// replica that died or stalled (lease expired) — as places in the backlog free up. Every replica
/// runs one; the store makes sure no two take the same update.
pub async fn sweep_updates(
    updates: Updates,
    gateway: Link<UpdateReceived>,
    backlog: Backlog,
    lease: Lease,
    every: Duration,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    while !*stop.borrow() {
        loop {
            let room = backlog.free().min(500);
            if room == 0 || *stop.borrow() {
                // More may wait in the store: come back as soon as there is room.
                backlog.note_waiting();
                break;
            }
            let claimed = match updates.claim_updates(&lease, now_utc(), room as i64).await {
                Ok(claimed) => claimed,
                Err(e) => {
                    tracing::warn!(error = %e, "could not claim updates; will retry");
                    break;
                }
            };
            let full = claimed.len() == room;
            for row in claimed {
                tracing::debug!(
                    update_id = row.update_id,
                    attempts = row.attempts,
                    "claimed update"
                );
                backlog.reserve_anyway();
                dispatch_claimed(row, &updates, &gateway, &backlog).await;
            }
            if !full {
                break;
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = backlog.room_for_waiting() => {}
            _ = stop.changed() => {}
        }
    }
}
