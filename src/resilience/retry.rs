//! The one retry helper: backon's exponential backoff with jitter, a predicate for what is worth
//! another try, and one log line per retry and per give-up.
use backon::Retryable;
use std::future::Future;
use std::time::Duration;

/// How an operation retries: at most `attempts` tries, waits from `first_delay` doubling up to
/// `max_delay`, with jitter.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    pub attempts: usize,
    pub first_delay: Duration,
    pub max_delay: Duration,
}

impl RetryPolicy {
    pub fn from_settings(settings: &crate::app::config::WorkflowSettings) -> Self {
        RetryPolicy {
            attempts: settings.step_attempts.max(1),
            first_delay: Duration::from_millis(settings.step_backoff_ms),
            max_delay: Duration::from_millis(settings.step_backoff_max_ms.max(1)),
        }
    }

    /// The policy as backon's builder, for callers that add their own `when`/`adjust`.
    pub fn backoff(&self) -> backon::ExponentialBuilder {
        backon::ExponentialBuilder::default()
            .with_min_delay(self.first_delay)
            .with_max_delay(self.max_delay)
            .with_max_times(self.attempts.saturating_sub(1))
            .with_jitter()
    }
}

/// Runs `op` until it succeeds, fails with an error `worth_retrying` turns down, or the policy's
/// attempts run out; answers the last error.
pub async fn retry<T, E, F, Fut>(
    what: &str,
    policy: &RetryPolicy,
    mut worth_retrying: impl FnMut(&E) -> bool,
    op: F,
) -> Result<T, E>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, E>>,
    E: std::fmt::Display,
{
    let mut attempt = 1;
    let mut retried = false;
    let result = op
        .retry(policy.backoff())
        .when(|error: &E| {
            retried = worth_retrying(error);
            retried
        })
        .notify(|error: &E, delay: Duration| {
            tracing::warn!(
                what,
                attempt,
                error = %error,
                retry_in_ms = delay.as_millis() as u64,
                "failed; retrying"
            );
            attempt += 1;
        })
        .await;
    if let (Err(error), true) = (&result, retried) {
        tracing::error!(what, attempts = attempt, error = %error, "failed for good");
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quick(attempts: usize) -> RetryPolicy {
        RetryPolicy {
            attempts,
            first_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(2),
        }
    }

    #[tokio::test]
    async fn an_operation_is_tried_as_often_as_the_policy_allows_then_gives_its_last_error() {
        let mut calls = 0;
        let result: Result<(), String> = retry(
            "op",
            &quick(4),
            |_| true,
            || {
                calls += 1;
                let n = calls;
                async move { Err(format!("attempt {n}")) }
            },
        )
        .await;
        assert_eq!(calls, 4);
        assert_eq!(result, Err("attempt 4".to_string()));
    }

    #[tokio::test]
    async fn an_error_not_worth_retrying_ends_it_at_once() {
        let mut calls = 0;
        let result: Result<(), &str> = retry(
            "op",
            &quick(4),
            |e: &&str| *e != "final",
            || {
                calls += 1;
                async { Err("final") }
            },
        )
        .await;
        assert_eq!((calls, result), (1, Err("final")));
    }
}
