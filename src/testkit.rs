//! Test helpers for the unit tests (built only with `cfg(test)`): a probe actor
//! that stands in for any neighbour, records what it receives and answers as scripted.
use crate::actors::link::Link;
use crate::messages::{Envelope, Event};
use crate::observability::eventlog::EventLog;
use actix::{Actor, Addr, Context, Handler};
use std::sync::{Arc, Mutex};

type Script<T> = Box<dyn Fn(&T) -> <T as Event>::Reply + Send>;

pub struct Probe<T: Event + Clone> {
    seen: Arc<Mutex<Vec<Envelope<T>>>>,
    reply: Script<T>,
}

impl<T: Event + Clone + Unpin> Actor for Probe<T> {
    type Context = Context<Self>;
}

impl<T: Event + Clone + Unpin> Handler<Envelope<T>> for Probe<T>
where
    T::Reply: actix::dev::MessageResponse<Probe<T>, Envelope<T>>,
{
    type Result = T::Reply;
    fn handle(&mut self, env: Envelope<T>, _: &mut Context<Self>) -> T::Reply {
        let reply = (self.reply)(&env.payload);
        if let Ok(mut seen) = self.seen.lock() {
            seen.push(env);
        }
        reply
    }
}

/// What a probe has received so far.
pub struct Seen<T>(Arc<Mutex<Vec<Envelope<T>>>>);

impl<T: Clone> Seen<T> {
    pub fn all(&self) -> Vec<Envelope<T>> {
        self.0.lock().map(|s| s.clone()).unwrap_or_default()
    }
    pub fn payloads(&self) -> Vec<T> {
        self.all().into_iter().map(|e| e.payload).collect()
    }
    pub fn count(&self) -> usize {
        self.0.lock().map(|s| s.len()).unwrap_or_default()
    }
}

/// Starts a probe answering with `reply`; returns an outbox to it (with no event log) and its record.
pub fn probe<T>(
    reply: impl Fn(&T) -> T::Reply + Send + 'static,
) -> (Link<T>, Seen<T>, Addr<Probe<T>>)
where
    T: Event + Clone + Unpin,
    T::Reply: actix::dev::MessageResponse<Probe<T>, Envelope<T>>,
{
    let seen = Arc::new(Mutex::new(Vec::new()));
    let addr = Probe {
        seen: seen.clone(),
        reply: Box::new(reply),
    }
    .start();
    let outbox = Link::new("probe", addr.clone().recipient(), EventLog::disabled());
    (outbox, Seen(seen), addr)
}

/// A probe for fire-and-forget events that answers `Ok(())`.
pub fn ack_probe<T>() -> (Link<T>, Seen<T>, Addr<Probe<T>>)
where
    T: Event<Reply = crate::messages::Ack> + Clone + Unpin,
{
    probe(|_| Ok(()))
}

/// Polls `check` every 10 ms until it holds or `within` passes; answers whether it held.
/// For waiting on background work, never for asserting how fast it was.
pub async fn eventually<F, Fut>(within: std::time::Duration, mut check: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = std::time::Instant::now() + within;
    loop {
        if check().await {
            return true;
        }
        if std::time::Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
}
