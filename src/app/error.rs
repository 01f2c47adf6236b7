//! The one error type of the service. Every variant carries enough context to act on.
use std::fmt;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// A setting is missing or invalid; `setting` is the name a user types (e.g. `DATABASE_URL`).
    #[error("invalid setting {setting}: {reason}")]
    Config { setting: String, reason: String },

    #[error("store error while {context}: {source}")]
    Store {
        context: String,
        #[source]
        source: diesel::result::Error,
    },

    /// A stored row holds a value this code does not know (written by hand, or by a newer
    /// version): reported with the row, never read as a default.
    #[error("{table} row {id}: {reason}")]
    CorruptRow {
        table: &'static str,
        id: String,
        reason: String,
    },

    #[error("store connection error while {context}: {reason}")]
    StoreUnavailable { context: String, reason: String },

    #[error("migration failed on {backend}: {reason}")]
    Migration {
        backend: &'static str,
        reason: String,
    },

    #[error("actor {actor} is unavailable: {reason}")]
    ActorUnavailable { actor: &'static str, reason: String },

    #[error("actor {actor} failed while handling {message}: {reason}")]
    ActorFailed {
        actor: &'static str,
        message: &'static str,
        reason: String,
    },

    #[error("bad request: {0}")]
    BadRequest(String),

    /// Telegram answered a call with a final refusal (400/403: bad chat, blocked bot, bad file).
    #[error("Telegram refused {method}: {reason}")]
    TelegramRefused {
        method: &'static str,
        reason: String,
    },

    /// Telegram could not be reached or asked us to slow down; the call may be made again later
    /// (`retry_after` when Telegram or the breaker said when).
    #[error("Telegram unavailable for {method}: {reason}")]
    TelegramUnavailable {
        method: &'static str,
        reason: String,
        retry_after: Option<std::time::Duration>,
    },

    #[error("i/o error while {context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },

    /// A process-wide cap on costly work (model calls, renders) is reached and its queue is
    /// full or the wait ran out: the user is asked to try again shortly.
    #[error("busy: {what} at capacity ({reason})")]
    Busy { what: &'static str, reason: String },

    #[error("{context}: {reason}")]
    Internal { context: String, reason: String },
}

/// Failure reasons and alert texts kept for operators are cut to this many characters, so
/// `/health` and `/stats` stay small whatever a failure quotes.
pub const MAX_REASON_CHARS: usize = 300;

/// `text` cut to at most [`MAX_REASON_CHARS`] characters (an ellipsis marks the cut).
pub fn cut_reason(text: &str) -> String {
    match text.char_indices().nth(MAX_REASON_CHARS) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_string(),
    }
}

impl AppError {
    pub fn config(setting: impl Into<String>, reason: impl fmt::Display) -> Self {
        AppError::Config {
            setting: setting.into(),
            reason: reason.to_string(),
        }
    }

    pub fn internal(context: impl Into<String>, reason: impl fmt::Display) -> Self {
        AppError::Internal {
            context: context.into(),
            reason: reason.to_string(),
        }
    }

    pub fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        AppError::Io {
            context: context.into(),
            source,
        }
    }

    /// True when the store could not be reached (as opposed to a query that was wrong):
    /// callers answer 503 so the sender retries later.
    pub fn is_store_outage(&self) -> bool {
        match self {
            AppError::StoreUnavailable { .. } => true,
            AppError::Store { source, .. } => match source {
                diesel::result::Error::DatabaseError(
                    diesel::result::DatabaseErrorKind::ClosedConnection
                    | diesel::result::DatabaseErrorKind::UnableToSendCommand,
                    _,
                )
                | diesel::result::Error::BrokenTransactionManager => true,
                // PostgreSQL ending our session (an operator's pg_terminate_backend, a restart or
                // shutdown: SQLSTATE class 57) reaches diesel as an unknown database error.
                diesel::result::Error::DatabaseError(_, info) => {
                    let message = info.message();
                    message.starts_with("terminating connection")
                        || message.contains("the database system is shutting down")
                        || message.contains("the database system is starting up")
                        || message.contains("connection closed")
                }
                _ => false,
            },
            _ => false,
        }
    }
}

/// Adds "while …" context to store results, Lemmy-style.
pub trait StoreContext<T> {
    fn context(self, context: &str) -> Result<T, AppError>;
}

impl<T> StoreContext<T> for Result<T, diesel::result::Error> {
    fn context(self, context: &str) -> Result<T, AppError> {
        self.map_err(|source| AppError::Store {
            context: context.to_string(),
            source,
        })
    }
}

pub type AppResult<T> = Result<T, AppError>;

#[cfg(test)]
mod tests {
    use super::*;
    use diesel::result::{DatabaseErrorKind, Error};

    fn database_error(kind: DatabaseErrorKind, message: &str) -> AppError {
        AppError::Store {
            context: "test".into(),
            source: Error::DatabaseError(kind, Box::new(message.to_string())),
        }
    }

    #[test]
    fn postgres_ending_our_session_is_an_outage_and_a_bad_query_is_not() {
        let terminated = "terminating connection due to administrator command";
        assert!(database_error(DatabaseErrorKind::Unknown, terminated).is_store_outage());
        assert!(database_error(DatabaseErrorKind::ClosedConnection, "gone").is_store_outage());
        let refused = "duplicate key value violates unique constraint";
        assert!(!database_error(DatabaseErrorKind::UniqueViolation, refused).is_store_outage());
        assert!(!database_error(DatabaseErrorKind::Unknown, "syntax error").is_store_outage());
    }
}
