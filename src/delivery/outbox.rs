//! Everything the bot owes a user goes out through the durable outbox (the `outbox` table).
//!
//! Callers **post** a [`OutboxMessage`]: it is a row in the store before `post` returns, under an id
//! derived from what caused it (so posting the same reply twice keeps one row). Each replica runs
//! one [`Dispatcher`]: it claims due rows in batches with a lease (`FOR UPDATE SKIP LOCKED` on
//! PostgreSQL), paces them by Telegram's limits (per chat and per group here, overall in the
//! courier), makes each Bot API call once and writes the outcome back: sent (with message ids),
//! refused (final, 400-class), or due again later (429 → `retry_after`; 5xx, network errors and
//! an open breaker → backoff). At most `window` rows are held in memory; the rest wait in the store.
//! While the window has room, a row posted on this replica is recorded already claimed by its
//! dispatcher and handed over in memory ([`Handover`]): no claim, no search, same lease rules.
//!
//! Albums and PDFs are rows too. Their payload names the workflow to draw the files from: the
//! workflow hands its freshly rendered files over through [`AlbumFiles`], and any other replica
//! (or this one after a restart) renders them again from the stored slides — rendering is
//! deterministic.
use super::courier::{Courier, OutgoingFile};
use crate::app::config::DeliverySettings;
use crate::app::error::{AppError, AppResult};
use crate::domain::{OutboxKind, OutboxStatus};
use crate::observability::metrics::Metrics;
use crate::store::group_commit::Batcher;
use crate::store::{now_utc, Lease, NewOutboxRow, OutboxRow, OutboxRows, Reschedule, SentRow};
use futures::future::LocalBoxFuture;
use parking_lot::Mutex;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
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
    /// A draft's first slide as a photo, with the slide texts as its caption and the review
    /// buttons under it (drawn from the workflow's stored draft).
    Preview {
        workflow_id: String,
        caption: String,
        keyboard: Option<InlineKeyboardMarkup>,
        reply_to: Option<i32>,
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
            Outgoing::Preview { .. } => OutboxKind::Preview,
            Outgoing::Pdf { .. } => OutboxKind::Pdf,
        }
    }

    fn workflow_id(&self) -> Option<&str> {
        match self {
            Outgoing::Message { .. } => None,
            Outgoing::AlbumPart { workflow_id, .. }
            | Outgoing::Preview { workflow_id, .. }
            | Outgoing::Pdf { workflow_id, .. } => Some(workflow_id),
        }
    }
}

/// A call to record: its id (derived from its cause), its chat and what to send.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxMessage {
    pub id: String,
    pub chat_id: i64,
    pub outgoing: Outgoing,
}

impl OutboxMessage {
    pub fn new(id: impl Into<String>, chat_id: i64, outgoing: Outgoing) -> OutboxMessage {
        OutboxMessage {
            id: id.into(),
            chat_id,
            outgoing,
        }
    }

    /// A plain HTML message.
    pub fn html(id: impl Into<String>, chat_id: i64, html: impl Into<String>) -> OutboxMessage {
        OutboxMessage::new(
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
            trace_parent: crate::observability::telemetry::current_traceparent(),
            lease_owner: None,
            lease_until: None,
        })
    }
}

/// Rows this replica records already claimed by its own dispatcher, handed to it in memory: under
/// load most rows go this way, with no claim (a row update) and no search of the table. A row is
/// recorded claimed only while the dispatcher runs and its window has room: the place is taken
/// before the row is written, so the rows held never pass the window. Otherwise the row is
/// recorded `pending` and the dispatcher searches for it at once. Should this replica die first,
/// the row's lease lapses and any replica claims it, as if this one had claimed it and died.
#[derive(Clone)]
pub struct Handover(Arc<HandoverState>);

struct HandoverState {
    /// Rows the dispatcher holds (claimed or handed over, not yet written back): its window.
    held: AtomicUsize,
    /// Where the dispatcher claims again: once no more than this many rows are held.
    refill_at: AtomicUsize,
    /// The dispatcher's window and lease while it runs; none before it starts or once stopped.
    open: Mutex<Option<(usize, Lease)>>,
    rows: Mutex<VecDeque<OutboxRow>>,
    /// A row was recorded `pending` here for want of room: the dispatcher searches at once.
    pending_recorded: AtomicBool,
    /// Wakes the dispatcher: a row handed over or recorded pending, or room made for a claim.
    wake: Arc<Notify>,
}

impl Default for Handover {
    fn default() -> Handover {
        Handover(Arc::new(HandoverState {
            held: AtomicUsize::new(0),
            refill_at: AtomicUsize::new(0),
            open: Mutex::new(None),
            rows: Mutex::new(VecDeque::new()),
            pending_recorded: AtomicBool::new(false),
            wake: Arc::new(Notify::new()),
        }))
    }
}

impl Handover {
    /// The dispatcher runs with a window of `max_held` rows under `lease`.
    pub(crate) fn open(&self, max_held: usize, lease: Lease) {
        self.0.refill_at.store(max_held / 2, Ordering::Release);
        *self.0.open.lock() = Some((max_held, lease));
    }

    /// The dispatcher stopped claiming: rows are recorded `pending` from now on.
    pub(crate) fn close(&self) {
        *self.0.open.lock() = None;
    }

    /// Takes a place in the window for `row` and makes it claimed by the dispatcher's lease;
    /// false (the row unchanged) when the dispatcher is not running or its window is full.
    fn reserve(&self, row: &mut NewOutboxRow) -> bool {
        let open = self.0.open.lock();
        let Some((max_held, lease)) = open.as_ref() else {
            return false;
        };
        let placed = self
            .0
            .held
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < *max_held).then_some(n + 1)
            })
            .is_ok();
        if placed {
            row.status = OutboxStatus::Sending;
            row.lease_owner = Some(lease.owner.to_string());
            row.lease_until = Some(lease.until(row.created_at));
        }
        placed
    }

    /// Hands a row recorded claimed over to the dispatcher.
    fn hand_over(&self, row: OutboxRow) {
        self.0.rows.lock().push_back(row);
        self.0.wake.notify_one();
    }

    /// Notes a row recorded `pending` here, for the dispatcher to search for it at once.
    fn note_pending(&self) {
        self.0.pending_recorded.store(true, Ordering::Release);
        self.0.wake.notify_one();
    }

    /// The rows handed over so far, oldest first.
    pub(crate) fn take_all(&self) -> Vec<OutboxRow> {
        self.0.rows.lock().drain(..).collect()
    }

    /// Whether a row was recorded `pending` here since the last call.
    pub(crate) fn take_pending_note(&self) -> bool {
        self.0.pending_recorded.swap(false, Ordering::AcqRel)
    }

    pub(crate) fn wake(&self) -> &Arc<Notify> {
        &self.0.wake
    }

    pub(crate) fn held(&self) -> usize {
        self.0.held.load(Ordering::Acquire)
    }

    pub(crate) fn refill_at(&self) -> usize {
        self.0.refill_at.load(Ordering::Acquire)
    }

    /// Takes `n` places for rows about to be claimed.
    pub(crate) fn hold(&self, n: usize) {
        self.0.held.fetch_add(n, Ordering::AcqRel);
    }

    /// Gives up `n` places, waking the dispatcher when that makes room for a batch: a claim's
    /// cost is mostly fixed, and claiming a few rows at every release made claims most of the
    /// database's work under load.
    pub(crate) fn release(&self, n: usize) {
        let before = self
            .0
            .held
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |h| {
                Some(h.saturating_sub(n))
            })
            .unwrap_or(0);
        let refill_at = self.refill_at();
        if before > refill_at && before.saturating_sub(n) <= refill_at {
            self.0.wake.notify_one();
        }
    }
}

/// Records messages (group commit: concurrent posts share one transaction) and wakes this
/// replica's dispatcher.
#[derive(Clone)]
pub struct Outbox {
    rows: OutboxRows,
    recorder: Batcher<NewOutboxRow, bool>,
    handover: Handover,
}

/// Letters waiting to be written; beyond this `post` waits its turn (it never drops one).
const RECORD_QUEUE: usize = 4_096;

impl Outbox {
    /// Starts the recorder on the current runtime.
    pub fn start(rows: OutboxRows) -> Outbox {
        let writer = rows.clone();
        let recorder = Batcher::spawn(
            "outbox",
            RECORD_QUEUE,
            512,
            2,
            rows.batch_linger(),
            move |batch: Vec<NewOutboxRow>| {
                let rows = writer.clone();
                async move { rows.enqueue(&batch).await }
            },
        );
        Outbox {
            rows,
            recorder,
            handover: Handover::default(),
        }
    }

    /// Records a message; true when it is new (false: this id was recorded before). While this
    /// replica's dispatcher has room, the row is recorded already claimed by it and handed over.
    pub async fn post(&self, message: OutboxMessage) -> AppResult<bool> {
        let mut row = message.row(now_utc())?;
        let claimed = self.handover.reserve(&mut row);
        let held = claimed.then(|| row.as_recorded());
        let new = match self.recorder.submit(row).await {
            Ok(new) => new,
            Err(e) => {
                if claimed {
                    self.handover.release(1);
                }
                return Err(e);
            }
        };
        match (held, new) {
            (Some(row), true) => self.handover.hand_over(row),
            // Recorded before (by whoever): that row keeps its own state and owner.
            (Some(_), false) => self.handover.release(1),
            (None, true) => self.handover.note_pending(),
            (None, false) => {}
        }
        Ok(new)
    }

    /// Where a message stands (pending, sending, sent, failed), by its id; none if never posted.
    pub async fn message(&self, id: &str) -> AppResult<Option<OutboxRow>> {
        self.rows.outbox_row(id).await
    }

    /// Where the rows recorded here meet this replica's dispatcher.
    pub fn handover(&self) -> Handover {
        self.handover.clone()
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
        let mut map = self.files.lock();
        if map.len() >= ALBUM_FILES_CAPACITY {
            map.clear();
        }
        map.insert(row.to_string(), files);
    }

    pub fn take(&self, row: &str) -> Option<Vec<OutgoingFile>> {
        self.files.lock().remove(row)
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
pub use dispatcher::{correlation_of_row, Dispatcher};

#[cfg(test)]
mod tests;
