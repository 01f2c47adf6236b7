//! Group commit: many concurrent producers, one writer that takes everything queued so far and
//! writes it in one go. Under load batches grow by themselves. A batch smaller than the limit
//! waits up to `linger` for more before it is written: at moderate rates each commit otherwise
//! carries a handful of rows, and part of the database's work is per commit, not per row.
use crate::app::error::{AppError, AppResult};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot, Mutex, RwLock};

enum Command<T, R> {
    /// An item, who waits for its result, and the span that queued it (only while traces are
    /// exported): the batch's span links to it.
    Item(
        T,
        Option<oneshot::Sender<AppResult<R>>>,
        Option<opentelemetry::trace::SpanContext>,
    ),
    Flush(oneshot::Sender<()>),
}

pub struct Batcher<T, R> {
    name: &'static str,
    tx: mpsc::Sender<Command<T, R>>,
}

impl<T, R> Clone for Batcher<T, R> {
    fn clone(&self) -> Self {
        Batcher {
            name: self.name,
            tx: self.tx.clone(),
        }
    }
}

impl<T: Send + 'static, R: Send + 'static> Batcher<T, R> {
    /// Spawns `writers` writer tasks on the current tokio runtime. `write` gets a batch and
    /// answers one result per item, in order. More than one writer lets batches overlap (a server
    /// database commits them in parallel); order between batches is then not guaranteed.
    /// `linger` (zero: none) is how long a batch smaller than `max_batch` waits for more items.
    pub fn spawn<F, Fut>(
        name: &'static str,
        capacity: usize,
        max_batch: usize,
        writers: usize,
        linger: Duration,
        write: F,
    ) -> Batcher<T, R>
    where
        F: Fn(Vec<T>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = AppResult<Vec<R>>> + Send + 'static,
    {
        let (tx, rx) = mpsc::channel::<Command<T, R>>(capacity.max(1));
        let shared = Arc::new(Shared {
            name,
            max_batch: max_batch.max(1),
            linger,
            queue: Mutex::new(rx),
            in_flight: Arc::new(RwLock::new(())),
            write,
        });
        for _ in 0..writers.max(1) {
            tokio::spawn(write_batches(shared.clone()));
        }
        Batcher { name, tx }
    }

    /// Queues an item and waits until it is written (or the write failed).
    pub async fn submit(&self, item: T) -> AppResult<R> {
        let (reply, answer) = oneshot::channel();
        self.tx
            .send(Command::Item(
                item,
                Some(reply),
                crate::observability::telemetry::current_span_context(),
            ))
            .await
            .map_err(|_| self.stopped())?;
        answer.await.map_err(|_| self.stopped())?
    }

    /// Queues an item without waiting; false when the queue is full or the writer is gone.
    pub fn offer(&self, item: T) -> bool {
        self.tx
            .try_send(Command::Item(
                item,
                None,
                crate::observability::telemetry::current_span_context(),
            ))
            .is_ok()
    }

    /// Items queued and not yet taken by a writer.
    pub fn queued(&self) -> usize {
        self.tx.max_capacity() - self.tx.capacity()
    }

    /// Resolves once everything queued before this call has been written.
    pub async fn flush(&self) {
        let (ack, done) = oneshot::channel();
        if self.tx.send(Command::Flush(ack)).await.is_ok() {
            let _ = done.await;
        }
    }

    fn stopped(&self) -> AppError {
        AppError::StoreUnavailable {
            context: self.name.to_string(),
            reason: "the batch writer has stopped".into(),
        }
    }
}

struct Shared<T, R, F> {
    name: &'static str,
    max_batch: usize,
    linger: Duration,
    queue: Mutex<mpsc::Receiver<Command<T, R>>>,
    /// Held (shared) by each batch being written; a flush takes it exclusively, so it completes
    /// only after every batch dequeued before it.
    in_flight: Arc<RwLock<()>>,
    write: F,
}

async fn write_batches<T, R, F, Fut>(shared: Arc<Shared<T, R, F>>)
where
    F: Fn(Vec<T>) -> Fut,
    Fut: Future<Output = AppResult<Vec<R>>>,
{
    let name = shared.name;
    loop {
        let mut items = Vec::new();
        let mut waiters = Vec::new();
        let mut flushes = Vec::new();
        let mut links = Vec::new();
        let batch_guard = {
            let mut queue = shared.queue.lock().await;
            let Some(first) = queue.recv().await else {
                return;
            };
            let mut next = Some(first);
            let mut lingered = false;
            loop {
                while let Some(cmd) = next.take() {
                    match cmd {
                        Command::Item(item, reply, link) => {
                            items.push(item);
                            waiters.push(reply);
                            links.extend(link);
                        }
                        Command::Flush(ack) => flushes.push(ack),
                    }
                    if items.len() < shared.max_batch {
                        next = queue.try_recv().ok();
                    }
                }
                // Once per batch, and never when a flush waits (shutdown wants it now). The
                // queue stays locked meanwhile, so the next writer cannot take a sliver of it.
                let full = items.len() >= shared.max_batch;
                let flushing = !flushes.is_empty();
                if shared.linger.is_zero() || lingered || full || items.is_empty() || flushing {
                    break;
                }
                lingered = true;
                tokio::time::sleep(shared.linger).await;
                next = queue.try_recv().ok();
            }
            // Taken before the queue is released, so a later flush waits for this batch.
            shared.in_flight.clone().read_owned().await
        };
        if !items.is_empty() {
            let expected = items.len();
            // One write serves many requests: its span links to each of theirs.
            let span = crate::observability::telemetry::group_commit_span(name, expected, links);
            match tracing::Instrument::instrument((shared.write)(items), span).await {
                Ok(results) if results.len() == expected => {
                    for (reply, result) in waiters.drain(..).zip(results) {
                        if let Some(reply) = reply {
                            let _ = reply.send(Ok(result));
                        }
                    }
                }
                Ok(results) => {
                    let reason = format!(
                        "writer answered {} results for {expected} items",
                        results.len()
                    );
                    tracing::error!(batcher = name, %reason, "batch writer broke its contract");
                    fail_all(name, &mut waiters, &reason);
                }
                Err(e) => fail_all(name, &mut waiters, &e.to_string()),
            }
        }
        drop(batch_guard);
        if !flushes.is_empty() {
            let _everything_before = shared.in_flight.write().await;
            for ack in flushes {
                let _ = ack.send(());
            }
        }
    }
}

fn fail_all<R>(
    name: &'static str,
    waiters: &mut Vec<Option<oneshot::Sender<AppResult<R>>>>,
    reason: &str,
) {
    for reply in waiters.drain(..).flatten() {
        let _ = reply.send(Err(AppError::StoreUnavailable {
            context: name.to_string(),
            reason: reason.to_string(),
        }));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test]
    async fn concurrent_submissions_are_written_in_fewer_batches_than_items() {
        let batches = Arc::new(AtomicUsize::new(0));
        let counter = batches.clone();
        let batcher: Batcher<u32, u32> = Batcher::spawn(
            "test",
            1024,
            64,
            1,
            Duration::ZERO,
            move |items: Vec<u32>| {
                counter.fetch_add(1, Ordering::SeqCst);
                async move {
                    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
                    Ok(items.into_iter().map(|i| i * 2).collect())
                }
            },
        );
        let answers = futures::future::join_all((0..200u32).map(|i| {
            let b = batcher.clone();
            async move { b.submit(i).await }
        }))
        .await;
        for (i, answer) in answers.into_iter().enumerate() {
            assert_eq!(answer.expect("written"), i as u32 * 2);
        }
        let n = batches.load(Ordering::SeqCst);
        assert!((200 / 64..200).contains(&n), "200 items took {n} batches");
    }

    #[tokio::test]
    async fn a_failed_write_fails_every_waiter_of_that_batch() {
        let batcher: Batcher<u32, ()> = Batcher::spawn(
            "test",
            16,
            16,
            1,
            Duration::ZERO,
            |_items: Vec<u32>| async { Err(AppError::internal("write", "disk on fire")) },
        );
        let err = batcher.submit(1).await.expect_err("must fail");
        assert!(err.to_string().contains("disk on fire"), "{err}");
        assert!(err.is_store_outage());
    }

    #[tokio::test]
    async fn flush_waits_for_items_offered_before_it_even_with_several_writers() {
        let written = Arc::new(AtomicUsize::new(0));
        let w = written.clone();
        let batcher: Batcher<u32, ()> = Batcher::spawn(
            "test",
            1024,
            8,
            3,
            Duration::from_millis(1),
            move |items: Vec<u32>| {
                let w = w.clone();
                async move {
                    tokio::time::sleep(std::time::Duration::from_millis(2)).await;
                    w.fetch_add(items.len(), Ordering::SeqCst);
                    Ok(vec![(); items.len()])
                }
            },
        );
        for i in 0..50 {
            assert!(batcher.offer(i));
        }
        batcher.flush().await;
        assert_eq!(written.load(Ordering::SeqCst), 50);
    }

    /// Two items 200 ms apart, counted in batches. The test runtime has one thread, so the
    /// writer has taken (and, without a linger, written) the first long before the second comes.
    async fn batches_for_two_items_200ms_apart(linger: Duration) -> usize {
        let batches = Arc::new(AtomicUsize::new(0));
        let counter = batches.clone();
        let batcher: Batcher<u32, ()> =
            Batcher::spawn("test", 16, 16, 1, linger, move |items: Vec<u32>| {
                counter.fetch_add(1, Ordering::SeqCst);
                async move { Ok(vec![(); items.len()]) }
            });
        let first = tokio::spawn({
            let b = batcher.clone();
            async move { b.submit(1).await }
        });
        tokio::time::sleep(Duration::from_millis(200)).await;
        batcher.submit(2).await.expect("second written");
        first.await.expect("joined").expect("first written");
        batches.load(Ordering::SeqCst)
    }

    #[tokio::test]
    async fn an_item_arriving_within_the_linger_joins_the_waiting_batch() {
        assert_eq!(
            batches_for_two_items_200ms_apart(Duration::from_secs(2)).await,
            1
        );
    }

    #[tokio::test]
    async fn without_a_linger_each_item_is_written_at_once() {
        assert_eq!(batches_for_two_items_200ms_apart(Duration::ZERO).await, 2);
    }

    #[tokio::test]
    async fn a_flush_does_not_wait_for_the_linger() {
        let batcher: Batcher<u32, ()> = Batcher::spawn(
            "test",
            16,
            16,
            1,
            Duration::from_secs(3600),
            |items: Vec<u32>| async move { Ok(vec![(); items.len()]) },
        );
        assert!(batcher.offer(1));
        tokio::time::timeout(Duration::from_secs(10), batcher.flush())
            .await
            .expect("an item queued with a flush is written without lingering");
    }
}
