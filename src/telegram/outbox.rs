//! Everything the bot owes a user goes out through the durable outbox (the `outbox` table).
//!
//! Callers **post** a [`Letter`]: it is a row in the store before `post` returns, under an id
//! derived from what caused it (so posting the same reply twice keeps one row). Each replica runs
//! one [`Dispatcher`]: it claims due rows in batches with a lease (`FOR UPDATE SKIP LOCKED` on
//! PostgreSQL), paces them by Telegram's limits (per chat and per group here, overall in the
//! courier), makes each Bot API call once and writes the outcome back: sent (with message ids),
//! refused (final, 400-class), or due again later (429 → `retry_after`; 5xx, network errors and
//! an open breaker → backoff). At most `window` rows are held in memory; the rest wait in the store.
//!
//! Albums and PDFs are rows too. Their payload names the workflow to draw the files from: the
//! workflow hands its freshly rendered files over through [`AlbumFiles`], and any other replica
//! (or this one after a restart) renders them again from the stored slides — rendering is
//! deterministic.
use super::courier::{Courier, OutgoingFile};
use crate::batch::Batcher;
use crate::config::DeliverySettings;
use crate::error::{AppError, AppResult};
use crate::metrics::Metrics;
use crate::store::{
    now_utc, Lease, NewOutboxRow, OutboxKind, OutboxRow, OutboxStatus, Reschedule, SentRow, Store,
};
use futures::future::LocalBoxFuture;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use teloxide::types::InlineKeyboardMarkup;
use tokio::sync::{watch, Notify, Semaphore};

/// One Bot API call owed to a chat, as stored in the row's payload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum Outgoing {
    /// sendMessage (HTML). `status_of` names a workflow whose status this message shows: its id
    /// is recorded there once Telegram answers, so progress edits find it.
    Message {
        html: String,
        #[serde(default)]
        reply_to: Option<i32>,
        #[serde(default)]
        keyboard: Option<InlineKeyboardMarkup>,
        #[serde(default)]
        status_of: Option<String>,
    },
    /// One part of a workflow's album: slides `first..end`, drawn from the workflow.
    AlbumPart {
        workflow_id: String,
        part: usize,
        first: usize,
        end: usize,
        caption: Option<String>,
        reply_to: Option<i32>,
        as_documents: bool,
    },
    /// A finished workflow's slides as one PDF document.
    Pdf {
        workflow_id: String,
        caption: String,
        reply_to: Option<i32>,
    },
}

impl Outgoing {
    /// The row's `method` column: what kind of call it is, readable in SQL.
    pub fn method(&self) -> OutboxKind {
        match self {
            Outgoing::Message { .. } => OutboxKind::Message,
            Outgoing::AlbumPart { .. } => OutboxKind::AlbumPart,
            Outgoing::Pdf { .. } => OutboxKind::Pdf,
        }
    }

    fn workflow_id(&self) -> Option<&str> {
        match self {
            Outgoing::Message { .. } => None,
            Outgoing::AlbumPart { workflow_id, .. } | Outgoing::Pdf { workflow_id, .. } => {
                Some(workflow_id)
            }
        }
    }
}

/// A call to record: its id (derived from its cause), its chat and what to send.
#[derive(Debug, Clone, PartialEq)]
pub struct Letter {
    pub id: String,
    pub chat_id: i64,
    pub outgoing: Outgoing,
}

impl Letter {
    pub fn new(id: impl Into<String>, chat_id: i64, outgoing: Outgoing) -> Letter {
        Letter {
            id: id.into(),
            chat_id,
            outgoing,
        }
    }

    /// A plain HTML message.
    pub fn html(id: impl Into<String>, chat_id: i64, html: impl Into<String>) -> Letter {
        Letter::new(
            id,
            chat_id,
            Outgoing::Message {
                html: html.into(),
                reply_to: None,
                keyboard: None,
                status_of: None,
            },
        )
    }

    fn row(&self, now: chrono::NaiveDateTime) -> AppResult<NewOutboxRow> {
        let payload = serde_json::to_string(&self.outgoing)
            .map_err(|e| AppError::internal("recording an outgoing message", e))?;
        Ok(NewOutboxRow {
            id: self.id.clone(),
            chat_id: self.chat_id,
            method: self.outgoing.method(),
            payload,
            workflow_id: self.outgoing.workflow_id().map(str::to_string),
            status: OutboxStatus::Pending,
            next_attempt_at: now,
            created_at: now,
            trace_parent: crate::telemetry::current_traceparent(),
        })
    }
}

/// Ids of rows this replica just recorded, handed to its dispatcher, which claims them by key
/// instead of searching the table (a search walks past every row sent since the last vacuum).
/// Bounded: an id past the bound is only in the store, where the dispatcher's regular search
/// finds it.
#[derive(Clone, Default)]
pub struct FreshRows(Arc<Mutex<std::collections::VecDeque<String>>>);

/// Fresh ids kept for the dispatcher; a few seconds of replies at the highest overall rate.
const FRESH_CAPACITY: usize = 16_384;

impl FreshRows {
    fn lock(&self) -> std::sync::MutexGuard<'_, std::collections::VecDeque<String>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Hands an id over; false when the queue is full (the id waits for a search).
    pub fn push(&self, id: String) -> bool {
        let mut fresh = self.lock();
        if fresh.len() >= FRESH_CAPACITY {
            return false;
        }
        fresh.push_back(id);
        true
    }

    /// Takes up to `n` ids, oldest first.
    pub fn take(&self, n: usize) -> Vec<String> {
        let mut fresh = self.lock();
        let n = n.min(fresh.len());
        fresh.drain(..n).collect()
    }

    pub fn is_empty(&self) -> bool {
        self.lock().is_empty()
    }
}

/// Records letters (group commit: concurrent posts share one transaction) and wakes this
/// replica's dispatcher.
#[derive(Clone)]
pub struct Postbox {
    store: Store,
    recorder: Batcher<NewOutboxRow, bool>,
    wake: Arc<Notify>,
    fresh: FreshRows,
}

/// Letters waiting to be written; beyond this `post` waits its turn (it never drops one).
const RECORD_QUEUE: usize = 4_096;

impl Postbox {
    /// Starts the recorder on the current runtime.
    pub fn start(store: Store) -> Postbox {
        let writer = store.clone();
        let recorder = Batcher::spawn(
            "outbox",
            RECORD_QUEUE,
            512,
            2,
            move |rows: Vec<NewOutboxRow>| {
                let store = writer.clone();
                async move { store.enqueue(&rows).await }
            },
        );
        Postbox {
            store,
            recorder,
            wake: Arc::new(Notify::new()),
            fresh: FreshRows::default(),
        }
    }

    /// Records a letter; true when it is new (false: this id was recorded before).
    pub async fn post(&self, letter: Letter) -> AppResult<bool> {
        let row = letter.row(now_utc())?;
        let id = row.id.clone();
        let new = self.recorder.submit(row).await?;
        if new {
            self.fresh.push(id);
            self.wake.notify_one();
        }
        Ok(new)
    }

    /// Where a letter stands (pending, sending, sent, failed), by its id; none if never posted.
    pub async fn letter(&self, id: &str) -> AppResult<Option<OutboxRow>> {
        self.store.outbox_row(id).await
    }

    /// The dispatcher's wake-up: notified whenever a new row is recorded here.
    pub fn wake(&self) -> Arc<Notify> {
        self.wake.clone()
    }

    /// The ids of the rows recorded here, for this replica's dispatcher to claim by key.
    pub fn fresh(&self) -> FreshRows {
        self.fresh.clone()
    }
}

/// Files a workflow rendered and handed over for sending, by outbox row id. Bounded: past the
/// limit the oldest are dropped and the dispatcher renders them again from the stored slides.
#[derive(Clone, Default)]
pub struct AlbumFiles {
    files: Arc<Mutex<HashMap<String, Vec<OutgoingFile>>>>,
}

const ALBUM_FILES_CAPACITY: usize = 32;

impl AlbumFiles {
    pub fn put(&self, row: &str, files: Vec<OutgoingFile>) {
        let mut map = self.files.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= ALBUM_FILES_CAPACITY {
            map.clear();
        }
        map.insert(row.to_string(), files);
    }

    pub fn take(&self, row: &str) -> Option<Vec<OutgoingFile>> {
        self.files
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(row)
    }
}

/// Draws the files of album and PDF rows (the orchestrator knows how).
pub trait Materials {
    fn files(
        &self,
        row_id: &str,
        outgoing: &Outgoing,
    ) -> LocalBoxFuture<'static, AppResult<Vec<OutgoingFile>>>;
}

mod dispatcher;
pub use dispatcher::Dispatcher;

#[cfg(test)]
mod tests;
