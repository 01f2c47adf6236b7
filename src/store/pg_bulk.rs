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

/// `INSERT INTO received_updates .. ON CONFLICT DO NOTHING RETURNING update_id` for many rows.
#[derive(Debug, Clone, QueryId)]
pub struct InsertReceivedUpdates {
    update_ids: Vec<i64>,
    kinds: Vec<String>,
    payloads: Vec<String>,
    statuses: Vec<String>,
    received_at: Vec<NaiveDateTime>,
    lease_owners: Vec<Option<String>>,
    lease_until: Vec<Option<NaiveDateTime>>,
    attempts: Vec<i32>,
}

impl InsertReceivedUpdates {
    pub fn new(rows: &[NewReceivedUpdate]) -> Self {
        InsertReceivedUpdates {
            update_ids: rows.iter().map(|r| r.update_id).collect(),
            kinds: rows.iter().map(|r| r.kind.to_string()).collect(),
            payloads: rows.iter().map(|r| r.payload.clone()).collect(),
            statuses: rows.iter().map(|r| r.status.to_string()).collect(),
            received_at: rows.iter().map(|r| r.received_at).collect(),
            lease_owners: rows.iter().map(|r| r.lease_owner.clone()).collect(),
            lease_until: rows.iter().map(|r| r.lease_until).collect(),
            attempts: rows.iter().map(|r| r.attempts).collect(),
        }
    }
}

impl QueryFragment<Pg> for InsertReceivedUpdates {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        out.push_sql(
            "INSERT INTO received_updates \
             (update_id, kind, payload, status, received_at, lease_owner, lease_until, attempts) \
             SELECT * FROM unnest(",
        );
        out.push_bind_param::<Array<BigInt>, _>(&self.update_ids)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Text>, _>(&self.kinds)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Text>, _>(&self.payloads)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Text>, _>(&self.statuses)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Timestamp>, _>(&self.received_at)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Nullable<Text>>, _>(&self.lease_owners)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Nullable<Timestamp>>, _>(&self.lease_until)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Integer>, _>(&self.attempts)?;
        out.push_sql(") ON CONFLICT DO NOTHING RETURNING update_id");
        Ok(())
    }
}

impl Query for InsertReceivedUpdates {
    type SqlType = BigInt;
}

/// `INSERT INTO event_log .. ON CONFLICT DO NOTHING` for many rows.
#[derive(Debug, Clone, QueryId)]
pub struct InsertEvents {
    ids: Vec<String>,
    event_types: Vec<String>,
    correlation_ids: Vec<String>,
    causation_ids: Vec<Option<String>>,
    sources: Vec<String>,
    payloads: Vec<String>,
    occurred_at: Vec<NaiveDateTime>,
    trace_ids: Vec<Option<String>>,
}

impl InsertEvents {
    pub fn new(rows: &[NewEvent]) -> Self {
        InsertEvents {
            ids: rows.iter().map(|r| r.id.clone()).collect(),
            event_types: rows.iter().map(|r| r.event_type.clone()).collect(),
            correlation_ids: rows.iter().map(|r| r.correlation_id.clone()).collect(),
            causation_ids: rows.iter().map(|r| r.causation_id.clone()).collect(),
            sources: rows.iter().map(|r| r.source.clone()).collect(),
            payloads: rows.iter().map(|r| r.payload.clone()).collect(),
            occurred_at: rows.iter().map(|r| r.occurred_at).collect(),
            trace_ids: rows.iter().map(|r| r.trace_id.clone()).collect(),
        }
    }
}

impl QueryFragment<Pg> for InsertEvents {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        out.push_sql(
            "INSERT INTO event_log \
             (id, event_type, correlation_id, causation_id, source, payload, occurred_at, \
              trace_id) \
             SELECT * FROM unnest(",
        );
        out.push_bind_param::<Array<Text>, _>(&self.ids)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Text>, _>(&self.event_types)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Text>, _>(&self.correlation_ids)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Nullable<Text>>, _>(&self.causation_ids)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Text>, _>(&self.sources)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Text>, _>(&self.payloads)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Timestamp>, _>(&self.occurred_at)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Nullable<Text>>, _>(&self.trace_ids)?;
        out.push_sql(") ON CONFLICT DO NOTHING");
        Ok(())
    }
}

/// `INSERT INTO outbox .. ON CONFLICT DO NOTHING RETURNING id` for many rows.
#[derive(Debug, Clone, QueryId)]
pub struct InsertOutbox {
    ids: Vec<String>,
    chat_ids: Vec<i64>,
    methods: Vec<String>,
    payloads: Vec<String>,
    workflow_ids: Vec<Option<String>>,
    statuses: Vec<String>,
    next_attempt_at: Vec<NaiveDateTime>,
    created_at: Vec<NaiveDateTime>,
    trace_parents: Vec<Option<String>>,
    lease_owners: Vec<Option<String>>,
    lease_until: Vec<Option<NaiveDateTime>>,
}

impl InsertOutbox {
    pub fn new(rows: &[NewOutboxRow]) -> Self {
        InsertOutbox {
            ids: rows.iter().map(|r| r.id.clone()).collect(),
            chat_ids: rows.iter().map(|r| r.chat_id).collect(),
            methods: rows.iter().map(|r| r.method.to_string()).collect(),
            payloads: rows.iter().map(|r| r.payload.clone()).collect(),
            workflow_ids: rows.iter().map(|r| r.workflow_id.clone()).collect(),
            statuses: rows.iter().map(|r| r.status.to_string()).collect(),
            next_attempt_at: rows.iter().map(|r| r.next_attempt_at).collect(),
            created_at: rows.iter().map(|r| r.created_at).collect(),
            trace_parents: rows.iter().map(|r| r.trace_parent.clone()).collect(),
            lease_owners: rows.iter().map(|r| r.lease_owner.clone()).collect(),
            lease_until: rows.iter().map(|r| r.lease_until).collect(),
        }
    }
}

impl QueryFragment<Pg> for InsertOutbox {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        out.push_sql(
            "INSERT INTO outbox \
             (id, chat_id, method, payload, workflow_id, status, next_attempt_at, created_at, \
              trace_parent, lease_owner, lease_until) \
             SELECT * FROM unnest(",
        );
        out.push_bind_param::<Array<Text>, _>(&self.ids)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<BigInt>, _>(&self.chat_ids)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Text>, _>(&self.methods)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Text>, _>(&self.payloads)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Nullable<Text>>, _>(&self.workflow_ids)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Text>, _>(&self.statuses)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Timestamp>, _>(&self.next_attempt_at)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Timestamp>, _>(&self.created_at)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Nullable<Text>>, _>(&self.trace_parents)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Nullable<Text>>, _>(&self.lease_owners)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Nullable<Timestamp>>, _>(&self.lease_until)?;
        out.push_sql(") ON CONFLICT DO NOTHING RETURNING id");
        Ok(())
    }
}

impl Query for InsertOutbox {
    type SqlType = Text;
}
