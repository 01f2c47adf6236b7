//! The dispatcher: claims due outbox rows with a lease, paces them by Telegram's limits, makes
//! each call once and writes the outcome back.
use super::*;
use crate::actors::link::Link;
use crate::messages::telegram::BotResponseSent;
use crate::messages::Envelope;
use crate::store::WorkflowRows;
use uuid::Uuid;

/// What became of one claimed row.
#[derive(Debug)]
enum Outcome {
    Sent(Vec<i32>),
    Refused(String),
    Retry {
        after: Option<Duration>,
        error: String,
    },
}

/// What is written back for a row once its call was made.
enum Write {
    Sent(SentRow),
    Failed(String),
    Again(Reschedule),
}

/// Messages a row counts against Telegram's overall limit (an album counts each photo).
pub(super) fn messages_in(row: &OutboxRow) -> u32 {
    match serde_json::from_str::<Outgoing>(&row.payload) {
        Ok(Outgoing::AlbumPart { first, end, .. }) => {
            u32::try_from(end.saturating_sub(first).max(1)).unwrap_or(1)
        }
        _ => 1,
    }
}

/// Sent rows remembered while their mark cannot be written; beyond this the oldest are forgotten
/// (and may be sent again once their lease expires: the documented window).
const UNRECORDED_CAPACITY: usize = 10_000;

/// Backoff of a row that failed `attempts` times: 1 s doubling to a minute.
pub(super) fn backoff(attempts: i32) -> Duration {
    let exponent = u32::try_from(attempts.clamp(0, 6)).unwrap_or(6);
    Duration::from_secs(2u64.pow(exponent)).min(Duration::from_secs(60))
}

/// When each row of one chat may go: the first `ready` now, the others one pacing interval
/// apart after `wait` (keeping their order).
pub(super) fn stagger(
    now: chrono::NaiveDateTime,
    wait: Duration,
    nth: u32,
    chat: i64,
) -> chrono::NaiveDateTime {
    // Telegram allows about one message a second in a chat and twenty a minute in a group.
    let interval = if chat < 0 {
        Duration::from_secs(3)
    } else {
        Duration::from_secs(1)
    };
    let delay = wait + interval * nth;
    now + chrono::Duration::from_std(delay).unwrap_or(chrono::Duration::seconds(1))
}

/// The conversation an outbox row belongs to: rows are keyed by their cause's correlation
/// (`<correlation>:<what>`), or belong to a workflow, whose id is its correlation.
pub fn correlation_of_row(id: &str, workflow_id: Option<&str>) -> Option<Uuid> {
    id.split(':')
        .next()
        .and_then(|head| Uuid::parse_str(head).ok())
        .or_else(|| workflow_id.and_then(|w| Uuid::parse_str(w).ok()))
}

/// Sends what the outbox holds; one per replica.
pub struct Dispatcher {
    rows: OutboxRows,
    /// Only to note a status message's id on its workflow, once sent.
    workflows: WorkflowRows,
    courier: Courier,
    materials: Arc<dyn Materials>,
    album_files: AlbumFiles,
    /// Rows this replica sent whose `sent` mark could not be written (the store was out for
    /// longer than the retries): claimed again here, they are marked, not sent twice.
    unrecorded: Mutex<HashMap<String, Vec<i32>>>,
    settings: DeliverySettings,
    lease: Lease,
    /// Rows this replica's outbox recorded already claimed for this dispatcher, its wake-up,
    /// and the count of rows held (the window).
    handover: Handover,
    metrics: Option<Metrics>,
    /// Sent marks, group-committed: under load one transaction records many.
    sent: Batcher<SentRow, ()>,
    /// Where each accepted row is announced (analytics), when wired.
    responses: Option<Link<BotResponseSent>>,
    /// How long sent and failed rows are kept: they are the record of what was delivered, kept
    /// as long as the event log (`EVENT_LOG_RETENTION_DAYS`); none keeps them all.
    retention: Option<chrono::Duration>,
}

/// Rows held (claimed or handed over, not yet written back), the sends in flight, and the stop
/// signal; shared with the send tasks.
#[derive(Clone)]
struct Window {
    /// Counts the rows held; the claim loop claims again once no more than half the window is
    /// held, so each claim takes a large batch.
    handover: Handover,
    sends: Arc<Semaphore>,
    stop: watch::Receiver<bool>,
}

impl Window {
    /// Gives up `n` held rows, waking the claim loop when that makes room for a batch.
    fn release(&self, n: usize) {
        self.handover.release(n);
    }

    fn held(&self) -> usize {
        self.handover.held()
    }

    fn refill_at(&self) -> usize {
        self.handover.refill_at()
    }
}

impl Dispatcher {
    pub fn new(
        rows: OutboxRows,
        workflows: WorkflowRows,
        courier: Courier,
        materials: Arc<dyn Materials>,
        settings: DeliverySettings,
        lease: Lease,
        handover: Handover,
    ) -> Dispatcher {
        let marker = rows.clone();
        let sent = Batcher::spawn(
            "outbox_sent",
            RECORD_QUEUE,
            512,
            1,
            rows.batch_linger(),
            move |sent: Vec<SentRow>| {
                let rows = marker.clone();
                async move {
                    let count = sent.len();
                    rows.mark_outbox_sent(&sent, now_utc())
                        .await
                        .map(|()| vec![(); count])
                }
            },
        );
        Dispatcher {
            sent,
            rows,
            workflows,
            courier: courier.once(),
            materials,
            album_files: AlbumFiles::default(),
            unrecorded: Mutex::default(),
            settings,
            lease,
            handover,
            metrics: None,
            responses: None,
            retention: Some(chrono::Duration::days(30)),
        }
    }

    pub fn with_responses(mut self, responses: Link<BotResponseSent>) -> Dispatcher {
        self.responses = Some(responses);
        self
    }

    /// Announces that Telegram accepted `row`, in the conversation that caused it: rows are keyed
    /// by their cause's correlation (or belong to a workflow, whose id is its correlation).
    fn announce_sent(&self, row: &OutboxRow, message_ids: &[i32]) {
        let Some(responses) = &self.responses else {
            return;
        };
        let correlation = correlation_of_row(&row.id, row.workflow_id.as_deref());
        let sent = BotResponseSent {
            chat_id: row.chat_id,
            method: row.method,
            message_ids: message_ids.to_vec(),
        };
        let envelope = match correlation {
            Some(correlation) => Envelope::correlated("dispatcher", correlation, sent),
            None => Envelope::new("dispatcher", sent),
        };
        if let Err(e) = responses.tell(envelope) {
            tracing::debug!(error = %e, "a sent response was not announced");
        }
    }

    /// Keeps sent and failed rows `days` days (0: all of them).
    pub fn with_retention_days(mut self, days: u32) -> Dispatcher {
        self.retention = (days > 0).then(|| chrono::Duration::days(i64::from(days)));
        self
    }

    pub fn with_metrics(mut self, metrics: Metrics) -> Dispatcher {
        self.metrics = Some(metrics);
        self
    }

    pub fn with_album_files(mut self, files: AlbumFiles) -> Dispatcher {
        self.album_files = files;
        self
    }

    fn count(&self, outcome: &str, n: usize) {
        if let Some(metrics) = &self.metrics {
            metrics
                .outbox
                .with_label_values(&[outcome])
                .inc_by(n as u64);
        }
    }

    /// Runs until `stop` turns true; then claims nothing more, lets the sends in flight finish
    /// (bounded by `drain`) and gives the rows it claimed but did not start back to the store.
    pub async fn run(self, mut stop: watch::Receiver<bool>, drain: Duration) {
        // Local to this thread's runtime: the sends are spawned on it, nowhere else.
        let this = std::rc::Rc::new(self);
        let max_held = this.max_held();
        this.handover.open(max_held, this.lease.clone());
        let window = Window {
            handover: this.handover.clone(),
            sends: Arc::new(Semaphore::new(this.settings.concurrency.max(1))),
            stop: stop.clone(),
        };
        let poll = Duration::from_millis(this.settings.poll_ms.max(10));
        let mut last_prune = std::time::Instant::now();
        // Rows this replica records while there is room come handed over, already claimed
        // ([`Handover`]). The table is searched every `poll`, at once when a row was recorded
        // here without room, and again at once while searches come back full, for the rest:
        // other replicas' rows, retries come due, lapsed leases.
        let mut last_search: Option<std::time::Instant> = None;
        let mut more_due = false;
        while !*stop.borrow() {
            let handed = this.handover.take_all();
            if !handed.is_empty() {
                this.clone().dispatch(handed, &window).await;
            }
            let held = window.held();
            let room = max_held.saturating_sub(held);
            let mut again = false;
            if room > 0 && held <= window.refill_at() {
                let limit = room.min(this.settings.claim_batch.max(1));
                let search = this.handover.take_pending_note()
                    || more_due
                    || last_search.is_none_or(|at| at.elapsed() >= poll);
                if search {
                    last_search = Some(std::time::Instant::now());
                    // The places are taken before the claim: rows handed over meanwhile never
                    // push the window past its size.
                    window.handover.hold(limit);
                    let claimed = this
                        .rows
                        .claim_outbox(&this.lease, now_utc(), limit as i64)
                        .await;
                    match claimed {
                        Ok(rows) => {
                            window.release(limit - rows.len());
                            more_due = rows.len() == limit;
                            again = more_due;
                            this.clone().dispatch(rows, &window).await;
                        }
                        Err(e) => {
                            window.release(limit);
                            more_due = false;
                            tracing::warn!(error = %e, "could not claim outbox rows; will retry");
                        }
                    }
                }
            }
            if last_prune.elapsed() > Duration::from_secs(3600) {
                last_prune = std::time::Instant::now();
                this.prune().await;
            }
            if again && window.held() <= window.refill_at() {
                tokio::task::yield_now().await;
                continue;
            }
            tokio::select! {
                _ = this.handover.wake().notified() => {}
                _ = tokio::time::sleep(poll) => {}
                changed = stop.changed() => {
                    // The switch is gone with its owner: nobody can ask for more sends.
                    if changed.is_err() {
                        break;
                    }
                }
            }
        }
        // Rows recorded from now on wait in the store; those handed over and not started go
        // back to it, due at once, for whoever claims next.
        this.handover.close();
        this.give_back(this.handover.take_all(), &window).await;
        // Every send task holds a place in the window until it has written its outcome back.
        let drained = tokio::time::timeout(drain, async {
            while window.held() > 0 {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        })
        .await;
        if drained.is_err() {
            tracing::warn!(
                rows = window.held(),
                "outbox sends still in flight at shutdown; their leases expire and they are sent again"
            );
        }
    }

    /// Rows held at once: the window, and never more than half a lease's worth at the overall
    /// rate, so every held row is sent well before its lease could expire.
    fn max_held(&self) -> usize {
        let rate = u64::from(self.settings.max_messages_per_second.max(1));
        let half_lease = (self.lease.duration.as_secs() / 2).max(1);
        let sendable = usize::try_from(rate * half_lease).unwrap_or(usize::MAX);
        self.settings.window.clamp(1, sendable.max(1))
    }

    async fn prune(&self) {
        let Some(retention) = self.retention else {
            return;
        };
        let before = now_utc() - retention;
        if let Err(e) = self.rows.prune_outbox(before).await {
            tracing::warn!(error = %e, "could not prune old outbox rows");
        }
    }

    /// Paces one claimed batch: per chat, what may go now is sent in order by one task; the rest
    /// is given back to the store, due when the chat's limit allows.
    async fn dispatch(self: std::rc::Rc<Self>, rows: Vec<OutboxRow>, window: &Window) {
        let now = now_utc();
        let mut chats: Vec<(i64, Vec<OutboxRow>)> = Vec::new();
        let mut index: HashMap<i64, usize> = HashMap::new();
        for row in rows {
            let at = *index.entry(row.chat_id).or_insert_with(|| {
                chats.push((row.chat_id, Vec::new()));
                chats.len() - 1
            });
            chats[at].1.push(row);
        }
        let mut deferred = Vec::new();
        for (chat, rows) in chats {
            let mut now_rows = Vec::new();
            let mut waiting: Option<Duration> = None;
            let mut nth = 0;
            for row in rows {
                if waiting.is_none() {
                    match self.courier.try_chat(chat) {
                        Ok(()) => {
                            now_rows.push(row);
                            continue;
                        }
                        Err(wait) => waiting = Some(wait),
                    }
                }
                deferred.push(Reschedule {
                    id: row.id,
                    at: stagger(now, waiting.unwrap_or_default(), nth, chat),
                    attempted: false,
                    error: row.last_error,
                });
                nth += 1;
            }
            if !now_rows.is_empty() {
                actix_rt::spawn(self.clone().send_in_order(now_rows, window.clone()));
            }
        }
        if !deferred.is_empty() {
            self.count("deferred", deferred.len());
            self.write_back_held(&deferred, window).await;
        }
    }

    /// Writes held rows back to the store, due at their new times, and gives their places in
    /// the window up. Should the write fail, their leases expire and they are claimed again.
    async fn write_back_held(&self, rows: &[Reschedule], window: &Window) {
        if let Err(e) = self.rows.reschedule_outbox(&self.lease.owner, rows).await {
            tracing::warn!(error = %e, rows = rows.len(), "held outbox rows not written back; their leases expire");
        }
        window.release(rows.len());
    }

    /// Sends one chat's rows in order, each when the overall limit allows. Once stop is asked
    /// for, rows not yet sent are given back to the store (due at once, no attempt counted), so
    /// only calls already made are waited for at shutdown.
    async fn send_in_order(self: std::rc::Rc<Self>, rows: Vec<OutboxRow>, mut window: Window) {
        let mut given_back = Vec::new();
        let turn = tokio::select! {
            turn = window.sends.clone().acquire_owned() => turn.ok(),
            _ = window.stop.wait_for(|stop| *stop) => None,
        };
        for row in rows {
            let paced = turn.is_some()
                && tokio::select! {
                    biased;
                    _ = window.stop.wait_for(|stop| *stop) => false,
                    _ = self.courier.wait_overall(messages_in(&row)) => true,
                };
            if paced && !*window.stop.borrow() {
                self.send(row).await;
                window.release(1);
            } else {
                given_back.push(row);
            }
        }
        self.give_back(given_back, &window).await;
        drop(turn);
    }

    /// Gives held rows that were not sent back to the store, due at once with no attempt
    /// counted, and their places in the window up.
    async fn give_back(&self, rows: Vec<OutboxRow>, window: &Window) {
        if rows.is_empty() {
            return;
        }
        let now = now_utc();
        let given_back: Vec<Reschedule> = rows
            .into_iter()
            .map(|row| Reschedule {
                id: row.id,
                at: now,
                attempted: false,
                error: row.last_error,
            })
            .collect();
        self.write_back_held(&given_back, window).await;
    }

    /// Makes one row's call and writes its outcome back.
    async fn send(&self, row: OutboxRow) {
        use tracing::Instrument;
        let span = tracing::info_span!(
            "outbox",
            otel.name = %format_args!("outbox send {}", row.method),
            row = %row.id,
            chat = row.chat_id
        );
        crate::observability::telemetry::continue_trace(&span, row.trace_parent.as_deref());
        self.send_row(row).instrument(span).await
    }

    async fn send_row(&self, row: OutboxRow) {
        let Some(outcome) = self.outcome_of(&row).await else {
            return;
        };
        let write = self.write_for(&row, outcome);
        self.record(&row.id, write).await;
    }

    /// Makes the row's call (unless it was sent and only its mark is owed); `None` when the
    /// claim was lost meanwhile.
    async fn outcome_of(&self, row: &OutboxRow) -> Option<Outcome> {
        let already_sent = self.unrecorded.lock().remove(&row.id);
        let outcome = if let Some(message_ids) = already_sent {
            Outcome::Sent(message_ids)
        } else {
            match serde_json::from_str::<Outgoing>(&row.payload) {
                Ok(outgoing) => {
                    // Drawing an album's files can take a while: the claim is kept meanwhile, and
                    // the call is made only while the claim is still this task's.
                    match self
                        .keeping_claim(row, self.files(&row.id, &outgoing))
                        .await
                    {
                        Some(Ok(files)) => {
                            let outcome = self.call(row, &outgoing, &files).await;
                            if matches!(outcome, Outcome::Retry { .. }) && !files.is_empty() {
                                // Kept for the next attempt (here, if this replica claims it again).
                                self.album_files.put(&row.id, files);
                            }
                            outcome
                        }
                        Some(Err(e)) => Outcome::from_error(e),
                        None => {
                            tracing::warn!(
                                "outbox row's claim was lost before its call; not sent here"
                            );
                            return None;
                        }
                    }
                }
                Err(e) => Outcome::Refused(format!(
                    "outbox row {} has an unreadable payload: {e}",
                    row.id
                )),
            }
        };
        Some(outcome)
    }

    /// What is written back for a row given the outcome of its call.
    fn write_for(&self, row: &OutboxRow, outcome: Outcome) -> Write {
        match outcome {
            Outcome::Sent(message_ids) => {
                self.count("sent", 1);
                self.announce_sent(row, &message_ids);
                Write::Sent(SentRow {
                    id: row.id.clone(),
                    message_ids,
                })
            }
            Outcome::Refused(reason) => {
                self.count("refused", 1);
                tracing::error!(
                    reason,
                    "telegram refused an outbox row; it will not be sent"
                );
                Write::Failed(reason)
            }
            Outcome::Retry { error, .. } if row.attempts + 1 >= self.settings.max_attempts => {
                self.count("failed", 1);
                tracing::error!(
                    error,
                    attempts = row.attempts + 1,
                    "outbox row out of attempts"
                );
                Write::Failed(format!(
                    "gave up after {} attempts: {error}",
                    row.attempts + 1
                ))
            }
            Outcome::Retry { after, error } => {
                self.count("retried", 1);
                let wait = after.unwrap_or_else(|| backoff(row.attempts));
                tracing::warn!(
                    error,
                    retry_in_ms = wait.as_millis() as u64,
                    "outbox row not sent yet"
                );
                let at = now_utc()
                    + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::seconds(1));
                Write::Again(Reschedule {
                    id: row.id.clone(),
                    at,
                    attempted: true,
                    error: Some(error),
                })
            }
        }
    }

    /// Writes the row's outcome back.
    async fn record(&self, row_id: &str, write: Write) {
        // A store blip must not turn a sent message into a resend: the outcome is written again
        // (backon, exponential) for as long as half the lease, which keeps the row ours meanwhile.
        let retries = backon::ExponentialBuilder::default()
            .with_min_delay(Duration::from_millis(50))
            .with_max_delay(Duration::from_secs(1))
            .with_total_delay(Some(self.lease.duration / 2))
            .without_max_times();
        let written = {
            use backon::Retryable;
            (|| self.write(row_id, &write))
                .retry(retries)
                .when(AppError::is_store_outage)
                .await
        };
        if let (Err(_), Write::Sent(sent)) = (&written, &write) {
            let mut unrecorded = self.unrecorded.lock();
            if unrecorded.len() >= UNRECORDED_CAPACITY {
                unrecorded.clear();
            }
            unrecorded.insert(sent.id.clone(), sent.message_ids.clone());
        }
        if let Err(e) = written {
            // The lease expires and the row is claimed again (a sent one is then only marked if
            // this replica claims it): never lost.
            tracing::error!(error = %e, "outbox outcome not recorded");
        }
    }

    async fn write(&self, row_id: &str, write: &Write) -> AppResult<()> {
        match write {
            Write::Sent(sent) => self.sent.submit(sent.clone()).await,
            Write::Failed(reason) => self.rows.fail_outbox(row_id, reason).await,
            Write::Again(again) => {
                let again = std::slice::from_ref(again);
                self.rows.reschedule_outbox(&self.lease.owner, again).await
            }
        }
    }

    /// Runs `work` while renewing the row's claim every third of a lease; answers its result
    /// when the claim is still this task's afterwards with at least half a lease left (renewing
    /// it once more if needed), `None` when it was lost.
    async fn keeping_claim<T>(
        &self,
        row: &OutboxRow,
        work: impl std::future::Future<Output = T>,
    ) -> Option<T> {
        let mut token = row.lease_until?;
        let every = self.lease.duration / 3;
        tokio::pin!(work);
        let result = loop {
            tokio::select! {
                result = &mut work => break result,
                _ = tokio::time::sleep(every) => token = self.renew(row, token).await?,
            }
        };
        let half = chrono::Duration::from_std(self.lease.duration / 2)
            .unwrap_or(chrono::Duration::seconds(15));
        if token - now_utc() <= half {
            self.renew(row, token).await?;
        }
        Some(result)
    }

    async fn renew(
        &self,
        row: &OutboxRow,
        token: chrono::NaiveDateTime,
    ) -> Option<chrono::NaiveDateTime> {
        match self
            .rows
            .renew_outbox(&row.id, &self.lease, token, now_utc())
            .await
        {
            Ok(renewed) => renewed,
            Err(e) => {
                tracing::warn!(error = %e, "outbox claim not renewed");
                None
            }
        }
    }

    async fn call(&self, row: &OutboxRow, outgoing: &Outgoing, files: &[OutgoingFile]) -> Outcome {
        let chat = row.chat_id;
        let result = match outgoing {
            Outgoing::Message {
                html,
                reply_to,
                keyboard,
                status_of,
            } => {
                let sent = self
                    .courier
                    .send_html(chat, html, *reply_to, keyboard.clone())
                    .await;
                if let (Ok(message), Some(workflow)) = (&sent, status_of) {
                    let noted = match crate::domain::WorkflowId::parse(workflow) {
                        Ok(id) => self.workflows.set_status_message_once(id, *message).await,
                        Err(e) => Err(AppError::CorruptRow {
                            table: "outbox",
                            id: row.id.clone(),
                            reason: e.to_string(),
                        }),
                    };
                    if let Err(e) = noted {
                        tracing::warn!(error = %e, "status message not recorded");
                    }
                }
                sent.map(|message| vec![message])
            }
            Outgoing::AlbumPart {
                caption,
                reply_to,
                as_documents,
                ..
            } => {
                self.courier
                    .send_album(chat, *reply_to, files, caption.as_deref(), *as_documents)
                    .await
            }
            Outgoing::Preview {
                caption,
                keyboard,
                reply_to,
                ..
            } => match files {
                [file] => self
                    .courier
                    .send_photo_html(chat, *reply_to, file, caption, keyboard.clone())
                    .await
                    .map(|message| vec![message]),
                _ => Err(AppError::internal(
                    "sending a draft's preview",
                    format!("{} files drawn, not one", files.len()),
                )),
            },
            Outgoing::Pdf {
                caption, reply_to, ..
            } => {
                self.courier
                    .send_album(chat, *reply_to, files, Some(caption), true)
                    .await
            }
        };
        match result {
            Ok(ids) => Outcome::Sent(ids),
            Err(e) => Outcome::from_error(e),
        }
    }
}

impl Outcome {
    fn from_error(error: AppError) -> Outcome {
        match error {
            AppError::TelegramRefused { reason, .. } => Outcome::Refused(reason),
            // The row names something that cannot be drawn (its workflow or slides are gone).
            e @ AppError::Internal { .. } => Outcome::Refused(e.to_string()),
            AppError::TelegramUnavailable {
                retry_after,
                reason,
                ..
            } => Outcome::Retry {
                after: retry_after,
                error: reason,
            },
            e => Outcome::Retry {
                after: None,
                error: e.to_string(),
            },
        }
    }
}

impl Dispatcher {
    async fn files(&self, row_id: &str, outgoing: &Outgoing) -> AppResult<Vec<OutgoingFile>> {
        if matches!(outgoing, Outgoing::Message { .. }) {
            return Ok(Vec::new());
        }
        match self.album_files.take(row_id) {
            Some(files) => Ok(files),
            None => self.materials.files(row_id, outgoing).await,
        }
    }
}

#[cfg(test)]
mod window_tests {
    use super::*;

    #[tokio::test]
    async fn the_claim_loop_is_woken_once_half_the_window_is_free_not_at_every_send() {
        let (_stop, stopped) = watch::channel(false);
        let handover = Handover::default();
        handover.open(8, Lease::new_replica(Duration::from_secs(30)));
        handover.hold(8);
        let window = Window {
            handover: handover.clone(),
            sends: Arc::new(Semaphore::new(1)),
            stop: stopped,
        };
        let woken = || async {
            tokio::time::timeout(Duration::from_millis(20), handover.wake().notified())
                .await
                .is_ok()
        };
        window.release(3);
        assert!(!woken().await, "five of eight held");
        window.release(1);
        assert!(woken().await, "four of eight held: claim a batch");
        window.release(2);
        assert!(!woken().await, "already below: one wake-up per crossing");
        assert_eq!(window.held(), 2);
    }
}
