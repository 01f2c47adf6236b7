//! The gateway's backlog: updates handed to it and not yet finished, bounded. Past the bound,
//! updates are still recorded and acknowledged but wait in the store until a sweep claims them,
//! so memory stays bounded under any load.
use std::sync::Arc;

/// Updates handed to the gateway and not yet finished. Shared by whoever dispatches (webhook,
/// sweeps of unowned updates) and the gateway, which releases each one when it is done with it.
#[derive(Clone)]
pub struct Backlog {
    in_flight: Arc<std::sync::atomic::AtomicUsize>,
    limit: usize,
    /// Set when updates were left waiting in the store (the backlog was full); the sweeper is
    /// then woken as soon as half the backlog is free, not at its next tick.
    waiting: Arc<std::sync::atomic::AtomicBool>,
    room: Arc<tokio::sync::Notify>,
}

impl Backlog {
    pub fn new(limit: usize) -> Backlog {
        Backlog {
            in_flight: Arc::default(),
            limit: limit.max(1),
            waiting: Arc::default(),
            room: Arc::default(),
        }
    }

    /// Takes a place if one is free; when none is, notes that an update waits in the store.
    pub fn try_reserve(&self) -> bool {
        use std::sync::atomic::Ordering;
        let reserved = self
            .in_flight
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < self.limit).then_some(n + 1)
            })
            .is_ok();
        if !reserved {
            self.note_waiting();
        }
        reserved
    }

    /// Takes a place regardless of the limit (for updates a sweep has already claimed).
    pub fn reserve_anyway(&self) {
        self.in_flight
            .fetch_add(1, std::sync::atomic::Ordering::AcqRel);
    }

    pub fn release(&self) {
        use std::sync::atomic::Ordering;
        let before = self
            .in_flight
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                Some(n.saturating_sub(1))
            })
            .unwrap_or(0);
        if before.saturating_sub(1) <= self.limit / 2 && self.waiting.load(Ordering::Acquire) {
            self.room.notify_one();
        }
    }

    pub fn free(&self) -> usize {
        self.limit
            .saturating_sub(self.in_flight.load(std::sync::atomic::Ordering::Acquire))
    }

    /// Notes that updates wait in the store for a place.
    pub fn note_waiting(&self) {
        self.waiting
            .store(true, std::sync::atomic::Ordering::Release);
    }

    /// Waits until updates wait in the store and half the backlog is free. The caller then
    /// claims what it can; whoever leaves an update waiting afterwards notes it again.
    pub async fn room_for_waiting(&self) {
        self.room.notified().await;
        self.waiting
            .store(false, std::sync::atomic::Ordering::Release);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_backlog_refuses_places_beyond_its_limit_until_released() {
        let backlog = Backlog::new(2);
        assert!(backlog.try_reserve() && backlog.try_reserve());
        assert!(!backlog.try_reserve());
        backlog.release();
        assert_eq!(backlog.free(), 1);
        assert!(backlog.try_reserve());
    }

    #[actix_rt::test]
    async fn the_sweeper_is_woken_once_half_the_backlog_is_free_after_updates_were_left_waiting() {
        let backlog = Backlog::new(4);
        let woken = |backlog: &Backlog| {
            let backlog = backlog.clone();
            async move {
                tokio::time::timeout(
                    std::time::Duration::from_millis(50),
                    backlog.room_for_waiting(),
                )
                .await
                .is_ok()
            }
        };
        for _ in 0..4 {
            assert!(backlog.try_reserve());
        }
        backlog.release();
        assert!(!woken(&backlog).await, "nothing waits in the store yet");
        assert!(backlog.try_reserve());
        assert!(
            !backlog.try_reserve(),
            "full: this update waits in the store"
        );
        backlog.release();
        assert!(!woken(&backlog).await, "three of four places still taken");
        backlog.release();
        assert!(woken(&backlog).await, "half free, with an update waiting");
        backlog.release();
        assert!(
            !woken(&backlog).await,
            "the wake-up was taken; nothing was left waiting since"
        );
    }
}
