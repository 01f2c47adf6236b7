//! Process-wide caps on costly work (model calls, renders) in flight: a bulkhead with a bounded
//! queue and a deadline on the wait; past either, the work is refused as busy.
use crate::app::error::AppError;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// A process-wide cap on one kind of costly work in flight, with a bounded queue.
pub struct Gate {
    name: &'static str,
    permits: Arc<Semaphore>,
    waiting: AtomicUsize,
    max_waiting: usize,
    max_wait: Duration,
}

/// A place in a gate, held for as long as the work runs.
pub struct GatePass {
    _permit: OwnedSemaphorePermit,
}

impl Gate {
    pub fn new(
        name: &'static str,
        in_flight: usize,
        max_waiting: usize,
        max_wait: Duration,
    ) -> Gate {
        Gate {
            name,
            permits: Arc::new(Semaphore::new(in_flight.max(1))),
            waiting: AtomicUsize::new(0),
            max_waiting,
            max_wait,
        }
    }

    /// A place now, or after waiting in a queue of at most `max_waiting` for at most `max_wait`;
    /// otherwise `AppError::Busy`.
    pub async fn enter(&self) -> Result<GatePass, AppError> {
        if let Ok(permit) = self.permits.clone().try_acquire_owned() {
            return Ok(GatePass { _permit: permit });
        }
        let queued = self
            .waiting
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < self.max_waiting).then_some(n + 1)
            });
        if queued.is_err() {
            return Err(self.busy("the queue is full"));
        }
        let waited =
            tokio::time::timeout(self.max_wait, self.permits.clone().acquire_owned()).await;
        self.waiting.fetch_sub(1, Ordering::AcqRel);
        match waited {
            Ok(Ok(permit)) => Ok(GatePass { _permit: permit }),
            Ok(Err(_)) => Err(self.busy("closed")),
            Err(_) => Err(self.busy("waited too long")),
        }
    }

    /// True when new work would be refused right now: every place taken and the queue full.
    pub fn is_full(&self) -> bool {
        self.permits.available_permits() == 0
            && self.waiting.load(Ordering::Acquire) >= self.max_waiting
    }

    pub fn in_flight(&self, capacity: usize) -> usize {
        capacity.saturating_sub(self.permits.available_permits())
    }

    pub fn waiting(&self) -> usize {
        self.waiting.load(Ordering::Acquire)
    }

    fn busy(&self, why: &str) -> AppError {
        AppError::Busy {
            what: self.name,
            reason: why.to_string(),
        }
    }
}

/// The process-wide caps, shared by the AI actor, the renderer and the orchestrator (which
/// refuses new costly work up front while a gate is full).
#[derive(Clone)]
pub struct Capacity {
    pub model: Arc<Gate>,
    pub render: Arc<Gate>,
}

impl Capacity {
    pub fn new(settings: &crate::app::config::LimitSettings) -> Capacity {
        let wait = Duration::from_secs(settings.max_wait_secs.max(1));
        Capacity {
            model: Arc::new(Gate::new(
                "model calls",
                settings.model_calls_in_flight,
                settings.queue,
                wait,
            )),
            render: Arc::new(Gate::new(
                "renders",
                settings.renders_in_flight,
                settings.queue,
                wait,
            )),
        }
    }

    /// Generous caps for tests and tools that build actors alone.
    pub fn unbounded() -> Capacity {
        let wait = Duration::from_secs(60);
        Capacity {
            model: Arc::new(Gate::new("model calls", 1024, 1024, wait)),
            render: Arc::new(Gate::new("renders", 1024, 1024, wait)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_full_gate_queues_a_bounded_number_then_refuses_as_busy() {
        let gate = Arc::new(Gate::new("renders", 1, 1, Duration::from_secs(5)));
        let first = gate.enter().await.expect("a free place");
        assert!(!gate.is_full());
        let queued = {
            let gate = gate.clone();
            tokio::spawn(async move { gate.enter().await.map(|_| ()) })
        };
        while gate.waiting() == 0 {
            tokio::task::yield_now().await;
        }
        assert!(gate.is_full());
        let refused = gate.enter().await.err().expect("the queue is full");
        assert!(matches!(
            refused,
            AppError::Busy {
                what: "renders",
                ..
            }
        ));
        drop(first);
        queued
            .await
            .expect("task")
            .expect("the queued one gets the place");
    }

    #[tokio::test]
    async fn a_wait_in_the_queue_has_a_deadline() {
        let gate = Gate::new("model calls", 1, 4, Duration::from_millis(50));
        let _held = gate.enter().await.expect("a free place");
        let refused = gate.enter().await.err().expect("times out");
        assert!(refused.to_string().contains("waited too long"));
        assert_eq!(gate.waiting(), 0, "a timed-out waiter leaves the queue");
    }
}
