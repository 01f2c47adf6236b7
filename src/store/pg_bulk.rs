//! PostgreSQL bulk inserts with one fixed statement text per table.
//!
//! diesel's multi-row `VALUES (..), (..)` changes its SQL with every batch size, so PostgreSQL parses
//! and plans each batch anew; under webhook load that was most of the server's CPU. Binding one
//! array per column and inserting `SELECT * FROM unnest(..)` keeps the text constant: the statement
//! is prepared once per connection (the type is its cache key) and only the arrays travel.
use super::{NewEvent, NewOutboxRow, NewReceivedUpdate};
use chrono::NaiveDateTime;
use diesel::pg::Pg;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::sql_types::{Array, BigInt, Integer, Nullable, Text, Timestamp};
use diesel::QueryResult;

/// One bulk insert: a struct of one array per column (named as the column), filled from rows,
/// and its fixed `INSERT INTO <table> (<columns>) SELECT * FROM unnest(<arrays>) ON CONFLICT DO
/// NOTHING [RETURNING <key>]`.
macro_rules! unnest_insert {
    (
        $(#[$doc:meta])*
        $name:ident($row:ty) into $table:literal $(returning $key:literal as $key_sql:ty)? {
            $($column:ident: $rust:ty as $sql:ty = |$r:ident| $value:expr),+ $(,)?
        }
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone, QueryId)]
        pub struct $name {
            $($column: Vec<$rust>,)+
        }

        impl $name {
            pub fn new(rows: &[$row]) -> Self {
                $name {
                    $($column: rows.iter().map(|$r| $value).collect(),)+
                }
            }
        }

        impl QueryFragment<Pg> for $name {
            fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
                let columns = [$(stringify!($column)),+].join(", ");
                out.push_sql(&format!("INSERT INTO {} ({columns}) SELECT * FROM unnest(", $table));
                let mut first = true;
                $(
                    if !std::mem::take(&mut first) {
                        out.push_sql(", ");
                    }
                    out.push_bind_param::<Array<$sql>, _>(&self.$column)?;
                )+
                out.push_sql(") ON CONFLICT DO NOTHING");
                $(out.push_sql(concat!(" RETURNING ", $key));)?
                Ok(())
            }
        }

        $(impl Query for $name {
            type SqlType = $key_sql;
        })?
    };
}

unnest_insert! {
    /// The webhook's updates; answers the ids that were new.
    InsertReceivedUpdates(NewReceivedUpdate) into "received_updates" returning "update_id" as BigInt {
        update_id: i64 as BigInt = |r| r.update_id,
        kind: String as Text = |r| r.kind.to_string(),
        payload: String as Text = |r| r.payload.clone(),
        status: String as Text = |r| r.status.to_string(),
        received_at: NaiveDateTime as Timestamp = |r| r.received_at,
        lease_owner: Option<String> as Nullable<Text> = |r| r.lease_owner.clone(),
        lease_until: Option<NaiveDateTime> as Nullable<Timestamp> = |r| r.lease_until,
        attempts: i32 as Integer = |r| r.attempts,
    }
}

unnest_insert! {
    /// The audit trail's records.
    InsertEvents(NewEvent) into "event_log" {
        id: String as Text = |r| r.id.clone(),
        event_type: String as Text = |r| r.event_type.clone(),
        correlation_id: String as Text = |r| r.correlation_id.clone(),
        causation_id: Option<String> as Nullable<Text> = |r| r.causation_id.clone(),
        source: String as Text = |r| r.source.clone(),
        payload: String as Text = |r| r.payload.clone(),
        occurred_at: NaiveDateTime as Timestamp = |r| r.occurred_at,
        trace_id: Option<String> as Nullable<Text> = |r| r.trace_id.clone(),
    }
}

unnest_insert! {
    /// Messages owed; answers the ids that were new.
    InsertOutbox(NewOutboxRow) into "outbox" returning "id" as Text {
        id: String as Text = |r| r.id.clone(),
        chat_id: i64 as BigInt = |r| r.chat_id,
        method: String as Text = |r| r.method.to_string(),
        payload: String as Text = |r| r.payload.clone(),
        workflow_id: Option<String> as Nullable<Text> = |r| r.workflow_id.clone(),
        status: String as Text = |r| r.status.to_string(),
        next_attempt_at: NaiveDateTime as Timestamp = |r| r.next_attempt_at,
        created_at: NaiveDateTime as Timestamp = |r| r.created_at,
        trace_parent: Option<String> as Nullable<Text> = |r| r.trace_parent.clone(),
        lease_owner: Option<String> as Nullable<Text> = |r| r.lease_owner.clone(),
        lease_until: Option<NaiveDateTime> as Nullable<Timestamp> = |r| r.lease_until,
    }
}
