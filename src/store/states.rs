//! The domain's spelled enums in text columns: written as their one spelling, read back as an
//! error for anything else (never as a default); [`Store::name_unknown_values`] names the rows
//! that hold such a value.
use super::*;
use crate::domain::{
    ContentChoice, ContentLanguage, ContentOrigin, Delivery, Lang, OutboxKind, OutboxStatus,
    SlideHandle, SlideSize, Spelling, Style, UnknownValue, UpdateStatus, UpdateType, WorkflowState,
};
use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql};
use diesel::serialize::{self, Output, ToSql};
use diesel::sql_types::{Nullable, Text};

/// diesel's `ToSql`/`FromSql` for `Text` on every backend, for each spelled enum kept in a column.
/// (A macro, not a blanket impl: Rust's orphan rule refuses `impl<T: Spelling> ToSql for T`.)
macro_rules! text_columns {
    ($($name:ty),+ $(,)?) => {$(
        impl<DB> ToSql<Text, DB> for $name
        where
            DB: Backend,
            str: ToSql<Text, DB>,
        {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
                <str as ToSql<Text, DB>>::to_sql(self.spelling(), out)
            }
        }

        impl<DB> FromSql<Text, DB> for $name
        where
            DB: Backend,
            String: FromSql<Text, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
                let text = <String as FromSql<Text, DB>>::from_sql(bytes)?;
                Ok(<Self as Spelling>::parse_exact(&text)?)
            }
        }
    )+};
}

text_columns!(
    WorkflowState,
    UpdateStatus,
    OutboxStatus,
    OutboxKind,
    ContentOrigin,
    UpdateType,
    Style,
    SlideSize,
    Lang,
    Delivery,
    SlideHandle,
    ContentLanguage,
    ContentChoice,
    crate::domain::FontPairing,
    crate::domain::AssetKind,
);

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
    pub(super) fn of<S: Spelling>(name: &'static str) -> TextColumn {
        TextColumn {
            name,
            what: S::WHAT,
            known: spellings::<S>,
        }
    }
}

fn spellings<S: Spelling>() -> Vec<&'static str> {
    S::VARIANTS.iter().map(|s| s.spelling()).collect()
}

impl Db {
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
                if error.is::<UnknownValue>() {
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
pub(super) fn assert_sql_spells<S: Spelling + std::fmt::Debug>(sql: &str, column: &str) -> usize {
    let lists = sql_literals(sql, column);
    for value in lists.iter().flatten() {
        if let Err(e) = S::parse_exact(value) {
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

    fn round_trips<S: Spelling + std::fmt::Debug + std::str::FromStr>()
    where
        S::Err: std::fmt::Debug,
    {
        for &state in S::VARIANTS {
            assert_eq!(S::parse_exact(state.spelling()), Ok(state));
            assert_eq!(
                state.spelling().parse::<S>().ok(),
                Some(state),
                "FromStr agrees"
            );
        }
    }

    fn serde_spells_like_the_database<S>()
    where
        S: Spelling
            + std::fmt::Debug
            + std::fmt::Display
            + serde::Serialize
            + serde::de::DeserializeOwned,
    {
        for &state in S::VARIANTS {
            let json = serde_json::to_string(&state).expect("serialises");
            assert_eq!(json, format!("\"{}\"", state.spelling()));
            assert_eq!(state.to_string(), state.spelling(), "Display agrees");
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
        serde_spells_like_the_database::<ContentLanguage>();
        serde_spells_like_the_database::<ContentChoice>();
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
        round_trips::<ContentLanguage>();
        round_trips::<ContentChoice>();
    }

    #[test]
    fn an_unknown_spelling_is_an_error_that_says_what_it_was() {
        let err = WorkflowState::parse_exact("finished").unwrap_err();
        let text = err.to_string();
        assert!(text.contains("workflow state"), "{text}");
        assert!(text.contains("'finished'"), "{text}");
        assert!(text.contains("awaiting_style"), "{text}");
        // Case matters: the database holds exactly one spelling.
        assert!(OutboxStatus::parse_exact("Done").is_err());
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
