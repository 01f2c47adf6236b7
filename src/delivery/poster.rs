//! Messages posted from synchronous code (the analytics actor's admin alerts): each becomes an
//! outbox row like every other message, posted by a small bounded pool of tasks.
use super::outbox::{Outbox, OutboxMessage};
use crate::app::error::AppError;
use std::sync::Arc;
use tokio::sync::Semaphore;

/// Posts recorded at once; beyond this `post_html` refuses rather than queue without bound.
const POSTS_IN_FLIGHT: usize = 64;

#[derive(Clone)]
pub struct Poster {
    outbox: Outbox,
    in_flight: Arc<Semaphore>,
}

impl Poster {
    pub fn new(outbox: Outbox) -> Poster {
        Poster {
            outbox,
            in_flight: Arc::new(Semaphore::new(POSTS_IN_FLIGHT)),
        }
    }

    /// Records an HTML message for `chat_id` in the outbox (in the background); `key` names it
    /// so that posting it twice sends it once.
    pub fn post_html(&self, key: String, chat_id: i64, html: String) -> Result<(), AppError> {
        let turn =
            self.in_flight
                .clone()
                .try_acquire_owned()
                .map_err(|_| AppError::ActorUnavailable {
                    actor: "poster",
                    reason: format!("{POSTS_IN_FLIGHT} messages are being recorded already"),
                })?;
        let outbox = self.outbox.clone();
        actix_rt::spawn(async move {
            if let Err(e) = outbox.post(OutboxMessage::html(key, chat_id, html)).await {
                tracing::warn!(chat_id, error = %e, "message not recorded in the outbox");
            }
            drop(turn);
        });
        Ok(())
    }
}
