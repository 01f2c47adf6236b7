//! The states a stored row moves through, as enums stored as text: one spelling per state in the
//! database (`as_str`), exhaustive matches in the code, and a value the code does not know read
//! back as an error (never as a default). [`Store::explain_unknown_states`](super::Store) names the
//! rows that hold such a value.
use super::*;
use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql, FromSqlRow};
use diesel::expression::AsExpression;
use diesel::serialize::{self, Output, ToSql};
use diesel::sql_types::Text;

/// A column value no state spells.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} {value:?} (known: {known})")]
pub struct UnknownState {
    pub what: &'static str,
    pub value: String,
    pub known: String,
}

/// An enum stored as one of a fixed set of texts.
pub trait TextState: Sized + Copy + 'static {
    /// What the column holds, for messages ("workflow state").
    const WHAT: &'static str;
    /// Every value, in the lifecycle's order.
    const ALL: &'static [Self];
    fn as_str(self) -> &'static str;

    fn parse(value: &str) -> Result<Self, UnknownState> {
        Self::ALL
            .iter()
            .copied()
            .find(|s| s.as_str() == value)
            .ok_or_else(|| UnknownState {
                what: Self::WHAT,
                value: value.to_string(),
                known: Self::ALL
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }
}

/// Defines a state enum with its text spellings, `Display`, `FromStr` and diesel's
/// `ToSql`/`FromSql` for `Text` on every backend.
macro_rules! text_state {
    (
        $(#[$meta:meta])*
        $name:ident, $what:literal {
            $( $(#[$vmeta:meta])* $variant:ident => $text:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, AsExpression, FromSqlRow,
            serde::Serialize, serde::Deserialize,
        )]
        #[diesel(sql_type = Text)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        impl TextState for $name {
            const WHAT: &'static str = $what;
            const ALL: &'static [Self] = Self::ALL;
            fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $text,)+
                }
            }
        }

        impl $name {
            /// Every value, in the lifecycle's order.
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            /// How the database spells it.
            pub fn as_str(self) -> &'static str {
                <Self as TextState>::as_str(self)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = UnknownState;
            fn from_str(s: &str) -> Result<Self, UnknownState> {
                <Self as TextState>::parse(s)
            }
        }

        impl<DB> ToSql<Text, DB> for $name
        where
            DB: Backend,
            str: ToSql<Text, DB>,
        {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
                <str as ToSql<Text, DB>>::to_sql(self.as_str(), out)
            }
        }

        impl<DB> FromSql<Text, DB> for $name
        where
            DB: Backend,
            String: FromSql<Text, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
                let text = <String as FromSql<Text, DB>>::from_sql(bytes)?;
                Ok(<Self as TextState>::parse(&text)?)
            }
        }
    };
}

text_state! {
    /// Where a carousel workflow is. `AwaitingStyle` waits for the user's button; the four running
    /// states are resumed after a restart (or by another replica when the lease expires); the last
    /// three are final.
    WorkflowState, "workflow state" {
        AwaitingStyle => "awaiting_style",
        Requested => "requested",
        Writing => "writing",
        Rendering => "rendering",
        Sending => "sending",
        Done => "done",
        Failed => "failed",
        Cancelled => "cancelled",
    }
}

impl WorkflowState {
    pub const RUNNING: [WorkflowState; 4] = [
        WorkflowState::Requested,
        WorkflowState::Writing,
        WorkflowState::Rendering,
        WorkflowState::Sending,
    ];
    pub const FINAL: [WorkflowState; 3] = [
        WorkflowState::Done,
        WorkflowState::Failed,
        WorkflowState::Cancelled,
    ];
    pub fn is_final(self) -> bool {
        match self {
            WorkflowState::Done | WorkflowState::Failed | WorkflowState::Cancelled => true,
            WorkflowState::AwaitingStyle
            | WorkflowState::Requested
            | WorkflowState::Writing
            | WorkflowState::Rendering
            | WorkflowState::Sending => false,
        }
    }
}

text_state! {
    /// Lifecycle of a received update: recorded before the webhook answers 200 — `Claimed` (with
    /// this replica's lease) when handed straight to the gateway, `Pending` when the gateway's
    /// backlog was full — then marked once the gateway has handled (or deliberately ignored) it. A
    /// pending update, or a claimed one whose lease expired, is claimed by whichever replica sweeps
    /// first.
    UpdateStatus, "update status" {
        Pending => "pending",
        Claimed => "claimed",
        Done => "done",
        Ignored => "ignored",
        /// Past the user's update limit: recorded, not answered (one "slow down" per window).
        Limited => "limited",
        /// From a user outside `ALLOWED_USER_IDS`: recorded, answered with one refusal ever.
        Refused => "refused",
        Failed => "failed",
    }
}

text_state! {
    /// An outbox row: `Pending` (due at `next_attempt_at`) → `Sending` (claimed with a lease) →
    /// `Sent` (with Telegram's message ids) or `Failed` (refused, or out of attempts).
    OutboxStatus, "outbox status" {
        Pending => "pending",
        Sending => "sending",
        Sent => "sent",
        Failed => "failed",
    }
}

/// A row whose state column holds an unknown value.
#[derive(Debug, diesel::QueryableByName)]
struct UnknownRow {
    #[diesel(sql_type = Text)]
    id: String,
    #[diesel(sql_type = Text)]
    value: String,
}

impl Store {
    /// Passes `result` through, unless reading it met a `column` value that no `S` spells: then
    /// the error names the rows of `table` (by `id`) that hold one.
    pub(super) async fn name_unknown_states<T, S: TextState>(
        &self,
        result: AppResult<T>,
        table: &'static str,
        id: &'static str,
        column: &'static str,
    ) -> AppResult<T> {
        let Err(AppError::Store {
            source: diesel::result::Error::DeserializationError(cause),
            ..
        }) = &result
        else {
            return result;
        };
        // diesel wraps what `FromSql` answered in an error naming the field.
        let mut link: Option<&(dyn std::error::Error + 'static)> = Some(&**cause);
        while let Some(error) = link {
            if error.is::<UnknownState>() {
                break;
            }
            link = error.source();
        }
        if link.is_none() {
            return result;
        }
        let known = S::ALL
            .iter()
            .map(|s| format!("'{}'", s.as_str()))
            .collect::<Vec<_>>()
            .join(", ");
        // Names and spellings are ours (static), never user input.
        let sql = format!(
            "SELECT CAST({id} AS TEXT) AS id, {column} AS value FROM {table} \
             WHERE {column} NOT IN ({known}) ORDER BY {id} LIMIT 5"
        );
        let rows: Vec<UnknownRow> = with_conn!(self, "naming rows with unknown states", |conn| {
            diesel_async::RunQueryDsl::load(diesel::sql_query(sql.as_str()), conn).await
        })?;
        let Some(first) = <[UnknownRow]>::first(&rows) else {
            return result;
        };
        Err(AppError::CorruptRow {
            table,
            id: rows
                .iter()
                .map(|r| r.id.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            reason: format!("unknown {} {:?} in column {column}", S::WHAT, first.value),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trips<S: TextState + std::fmt::Debug + PartialEq>() {
        for &state in S::ALL {
            assert_eq!(S::parse(state.as_str()), Ok(state));
        }
    }

    fn serde_spells_like_the_database<S>()
    where
        S: TextState + std::fmt::Debug + PartialEq + serde::Serialize + serde::de::DeserializeOwned,
    {
        for &state in S::ALL {
            let json = serde_json::to_string(&state).expect("serialises");
            assert_eq!(json, format!("\"{}\"", state.as_str()));
            assert_eq!(serde_json::from_str::<S>(&json).expect("reads back"), state);
        }
    }

    #[test]
    fn events_carry_states_spelled_as_in_the_database() {
        serde_spells_like_the_database::<WorkflowState>();
        serde_spells_like_the_database::<UpdateStatus>();
        serde_spells_like_the_database::<OutboxStatus>();
    }

    #[test]
    fn every_state_reads_back_as_itself() {
        round_trips::<WorkflowState>();
        round_trips::<UpdateStatus>();
        round_trips::<OutboxStatus>();
    }

    #[test]
    fn an_unknown_spelling_is_an_error_that_says_what_it_was() {
        let err = "finished".parse::<WorkflowState>().unwrap_err();
        let text = err.to_string();
        assert!(text.contains("workflow state"), "{text}");
        assert!(text.contains("\"finished\""), "{text}");
        assert!(text.contains("awaiting_style"), "{text}");
        // Case matters: the database holds exactly one spelling.
        assert!("Done".parse::<OutboxStatus>().is_err());
    }

    #[test]
    fn final_states_are_exactly_the_last_three() {
        let finals: Vec<_> = WorkflowState::ALL
            .iter()
            .copied()
            .filter(|s| s.is_final())
            .collect();
        assert_eq!(finals, WorkflowState::FINAL);
        assert!(WorkflowState::RUNNING.iter().all(|s| !s.is_final()));
    }
}
