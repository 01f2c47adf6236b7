//! The states a stored row moves through, as enums stored as text: one spelling per state in the
//! database (`as_str`), exhaustive matches in the code, and a value the code does not know read
//! back as an error (never as a default). [`Store::explain_unknown_states`](super::Store) names the
//! rows that hold such a value.
use super::*;
use crate::domain::{Delivery, Lang, SlideHandle, SlideSize, Style};
use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql, FromSqlRow};
use diesel::expression::AsExpression;
use diesel::serialize::{self, Output, ToSql};
use diesel::sql_types::{Nullable, Text};

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

/// diesel's `ToSql`/`FromSql` for `Text` on every backend, for a type with [`TextState`]: written
/// as its one spelling, read back as an error for anything else.
macro_rules! text_sql {
    ($name:ty) => {
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

/// A domain enum (settings, carousel styles) kept in a text column, with its domain spellings.
macro_rules! domain_column {
    ($name:ident) => {
        impl TextState for $name {
            const WHAT: &'static str = $name::WHAT;
            const ALL: &'static [Self] = $name::ALL;
            fn as_str(self) -> &'static str {
                $name::as_str(self)
            }
        }
        text_sql!($name);
    };
}

domain_column!(Style);
domain_column!(SlideSize);
domain_column!(Lang);
domain_column!(Delivery);
domain_column!(SlideHandle);

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

        text_sql!($name);
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

text_state! {
    /// What an outbox row sends: a message (text, keyboard, status), one part of a carousel's
    /// album (up to ten photos or files), or a carousel's PDF.
    OutboxKind, "outbox kind" {
        Message => "message",
        AlbumPart => "album_part",
        Pdf => "pdf",
    }
}

text_state! {
    /// Who wrote a carousel or an answer: the model, or the offline writer and why it stood in
    /// (the model's failure itself is in the logs).
    ContentOrigin, "content origin" {
        Model => "model",
        #[serde(rename = "offline:no_api_key")]
        OfflineNoApiKey => "offline:no_api_key",
        #[serde(rename = "offline:model_failed")]
        OfflineModelFailed => "offline:model_failed",
        #[serde(rename = "offline:circuit_open")]
        OfflineCircuitOpen => "offline:circuit_open",
    }
}

text_state! {
    /// Telegram's name for the kind of a received update (the field of `Update` that is set);
    /// `Unknown` for one this build's Bot API types do not know.
    UpdateType, "update type" {
        Message => "message",
        EditedMessage => "edited_message",
        ChannelPost => "channel_post",
        EditedChannelPost => "edited_channel_post",
        BusinessConnection => "business_connection",
        BusinessMessage => "business_message",
        EditedBusinessMessage => "edited_business_message",
        DeletedBusinessMessages => "deleted_business_messages",
        MessageReaction => "message_reaction",
        MessageReactionCount => "message_reaction_count",
        InlineQuery => "inline_query",
        ChosenInlineResult => "chosen_inline_result",
        CallbackQuery => "callback_query",
        ShippingQuery => "shipping_query",
        PreCheckoutQuery => "pre_checkout_query",
        PurchasedPaidMedia => "purchased_paid_media",
        Poll => "poll",
        PollAnswer => "poll_answer",
        MyChatMember => "my_chat_member",
        ChatMember => "chat_member",
        ChatJoinRequest => "chat_join_request",
        ChatBoost => "chat_boost",
        RemovedChatBoost => "removed_chat_boost",
        Unknown => "unknown",
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

/// A text column holding one of a [`TextState`]'s spellings: what to look for when a read met a
/// value the code does not know.
#[derive(Debug, Clone, Copy)]
pub(super) struct TextColumn {
    name: &'static str,
    what: &'static str,
    known: fn() -> Vec<&'static str>,
}

impl TextColumn {
    /// Column `name`, holding `S`'s spellings.
    pub(super) fn of<S: TextState>(name: &'static str) -> TextColumn {
        TextColumn {
            name,
            what: S::WHAT,
            known: spellings::<S>,
        }
    }
}

fn spellings<S: TextState>() -> Vec<&'static str> {
    S::ALL.iter().map(|s| s.as_str()).collect()
}

impl Store {
    /// Passes `result` through, unless reading it met a value of one of `columns` that the code
    /// does not spell: then the error names the rows of `table` (by `id`; only `row` when the
    /// read was of one row) that hold one.
    pub(super) async fn name_unknown_values<T>(
        &self,
        result: AppResult<T>,
        table: &'static str,
        (id, row): (&'static str, Option<&str>),
        columns: &[TextColumn],
    ) -> AppResult<T> {
        let Err(AppError::Store {
            source: diesel::result::Error::DeserializationError(cause),
            ..
        }) = &result
        else {
            return result;
        };
        // diesel wraps what `FromSql` answered in an error naming the field. (A block: the
        // borrowed error chain must not live across the awaits below, or the future is not Send.)
        let unknown_value = {
            let mut link: Option<&(dyn std::error::Error + 'static)> = Some(&**cause);
            while let Some(error) = link {
                if error.is::<UnknownState>() {
                    break;
                }
                link = error.source();
            }
            link.is_some()
        };
        if !unknown_value {
            return result;
        }
        for column in columns {
            let known = (column.known)()
                .iter()
                .map(|s| format!("'{s}'"))
                .collect::<Vec<_>>()
                .join(", ");
            let name = column.name;
            // Names and spellings are ours (static), never user input.
            let sql = format!(
                "SELECT CAST({id} AS TEXT) AS id, {name} AS value FROM {table} \
                 WHERE {name} NOT IN ({known}) AND ($1 IS NULL OR CAST({id} AS TEXT) = $1) \
                 ORDER BY {id} LIMIT 5"
            );
            let rows: Vec<UnknownRow> = with_conn!(
                self,
                "naming rows with unknown values",
                sqlite | conn | {
                    let query = diesel::sql_query(super::leases::sqlite_dialect(&sql))
                        .bind::<Nullable<Text>, _>(row);
                    diesel_async::RunQueryDsl::load(query, conn).await
                },
                postgres | conn | {
                    let query = diesel::sql_query(sql.as_str()).bind::<Nullable<Text>, _>(row);
                    diesel_async::RunQueryDsl::load(query, conn).await
                }
            )?;
            let Some(first) = <[UnknownRow]>::first(&rows) else {
                continue;
            };
            return Err(AppError::CorruptRow {
                table,
                id: rows
                    .iter()
                    .map(|r| r.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                reason: format!("unknown {} {:?} in column {name}", column.what, first.value),
            });
        }
        result
    }
}

/// What hand-written SQL says about a state column: the quoted values it compares the column
/// with (`col = 'x'`, `col IN ('x', 'y')`), one list per comparison, so a test can check that
/// every spelling in the SQL is one the code knows.
#[cfg(test)]
pub(super) fn sql_literals(sql: &str, column: &str) -> Vec<Vec<String>> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = sql[from..].find(column).map(|i| i + from) {
        from = at + column.len();
        let before = sql[..at].chars().next_back();
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
            continue;
        }
        let rest = sql[from..].trim_start();
        let list = if let Some(rest) = rest.strip_prefix("= '") {
            rest.split('\'').next().map(|v| vec![v.to_string()])
        } else if let Some(rest) = rest.strip_prefix("IN (") {
            rest.split(')').next().map(|inside| {
                inside
                    .split(',')
                    .map(|v| v.trim().trim_matches('\'').to_string())
                    .collect()
            })
        } else {
            None
        };
        found.extend(list);
    }
    found
}

/// Every value `sql` compares `column` with is a spelling of `S`; answers how many comparisons.
#[cfg(test)]
pub(super) fn assert_sql_spells<S: TextState + std::fmt::Debug>(sql: &str, column: &str) -> usize {
    let lists = sql_literals(sql, column);
    for value in lists.iter().flatten() {
        if let Err(e) = S::parse(value) {
            panic!("{e} in SQL: {sql}");
        }
    }
    lists.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sql_literals_are_read_from_equalities_and_lists_only() {
        let sql = "UPDATE t SET state = 'a', substate = 'z' WHERE w.state IN ('b', 'c') AND state IS NULL";
        assert_eq!(
            sql_literals(sql, "state"),
            [
                vec!["a".to_string()],
                vec!["b".to_string(), "c".to_string()]
            ]
        );
        assert!(
            std::panic::catch_unwind(|| assert_sql_spells::<OutboxStatus>(sql, "state")).is_err()
        );
    }

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
        serde_spells_like_the_database::<OutboxKind>();
        serde_spells_like_the_database::<UpdateType>();
        serde_spells_like_the_database::<ContentOrigin>();
        serde_spells_like_the_database::<Delivery>();
        serde_spells_like_the_database::<Style>();
        serde_spells_like_the_database::<SlideSize>();
        serde_spells_like_the_database::<Lang>();
        serde_spells_like_the_database::<SlideHandle>();
    }

    #[test]
    fn every_state_reads_back_as_itself() {
        round_trips::<WorkflowState>();
        round_trips::<UpdateStatus>();
        round_trips::<OutboxStatus>();
        round_trips::<OutboxKind>();
        round_trips::<UpdateType>();
        round_trips::<ContentOrigin>();
        round_trips::<Delivery>();
        round_trips::<Style>();
        round_trips::<SlideSize>();
        round_trips::<Lang>();
        round_trips::<SlideHandle>();
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
