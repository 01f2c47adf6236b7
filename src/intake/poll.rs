//! Long polling for local development: updates from getUpdates go to our own webhook over
//! loopback, so they are recorded, deduplicated and processed exactly as pushed ones are.
use crate::telegram::SECRET_HEADER;
use secrecy::{ExposeSecret, SecretString};
use std::time::Duration;
use teloxide::payloads::GetUpdatesSetters;
use teloxide::requests::Requester;
use teloxide::Bot;

/// Seconds Telegram holds a getUpdates call open when nothing is waiting.
const LONG_POLL_SECONDS: u32 = 30;
const RETRY_PAUSE: Duration = Duration::from_secs(1);

/// Runs until the process stops. The offset moves past an update only once our webhook has
/// answered 200 for it (recorded durably), so a store outage delays updates but loses none.
pub async fn feed_webhook(bot: Bot, webhook: String, secret: Option<SecretString>) {
    let client = reqwest::Client::new();
    let mut offset: i32 = 0;
    loop {
        let batch = bot
            .get_updates()
            .offset(offset)
            .timeout(LONG_POLL_SECONDS)
            .allowed_updates(crate::telegram::ALLOWED_UPDATES)
            .await;
        let updates = match batch {
            Ok(updates) => updates,
            Err(e) => {
                tracing::warn!(error = %e, "getUpdates failed; retrying");
                tokio::time::sleep(RETRY_PAUSE).await;
                continue;
            }
        };
        for update in updates {
            let id = update.id.0;
            let body = match serde_json::to_vec(&update) {
                Ok(body) => body,
                Err(e) => {
                    tracing::error!(update_id = id, error = %e, "update cannot be re-encoded; skipped");
                    offset = next_offset(id);
                    continue;
                }
            };
            while !hand_over(&client, &webhook, secret.as_ref(), &body, id).await {
                tokio::time::sleep(RETRY_PAUSE).await;
            }
            offset = next_offset(id);
        }
    }
}

fn next_offset(update_id: u32) -> i32 {
    i32::try_from(update_id).map_or(i32::MAX, |id| id.saturating_add(1))
}

/// True once the webhook took the update (200), or refused it for good (4xx: it would refuse it
/// again); false when it should be offered again (503 while the store is down, no answer).
async fn hand_over(
    client: &reqwest::Client,
    webhook: &str,
    secret: Option<&SecretString>,
    body: &[u8],
    update_id: u32,
) -> bool {
    let mut request = client
        .post(webhook)
        .header("content-type", "application/json")
        .body(body.to_vec());
    if let Some(secret) = secret {
        request = request.header(SECRET_HEADER, secret.expose_secret());
    }
    match request.send().await {
        Ok(response) if response.status().is_success() => true,
        Ok(response) if response.status().is_client_error() => {
            tracing::error!(update_id, status = %response.status(), "webhook refused a polled update");
            true
        }
        Ok(response) => {
            tracing::warn!(update_id, status = %response.status(), "webhook not ready; offering again");
            false
        }
        Err(e) => {
            tracing::warn!(update_id, error = %e, "webhook unreachable; offering again");
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_offset_moves_one_past_the_update_and_never_overflows() {
        assert_eq!(next_offset(810_000_001), 810_000_002);
        assert_eq!(next_offset(u32::MAX), i32::MAX);
    }
}
