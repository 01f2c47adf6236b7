//! What keeps one user, or a crowd, from taking the bot for themselves:
//!
//! - [`UserFlood`]: a token bucket per user over incoming updates (per replica; governor's keyed
//!   GCRA). Updates past it are recorded and finished as `limited`, answered at most once per
//!   window with a short "slow down" whose outbox id names the window, so replicas and
//!   redeliveries send it once.
//! - Quotas ([`QuotaKind`], [`Quota`]) on work that costs a model call or a full render, per
//!   user per minute and per day, counted in the store (`Store::take_quota`) so replicas share
//!   them and restarts forgive nothing.
//! - [`Gate`]: a process-wide cap on model calls and renders in flight, with a bounded queue and
//!   a deadline on the wait; past either, the work is refused as busy.
use crate::error::AppError;
use chrono::NaiveDateTime;
use governor::{DefaultKeyedRateLimiter, Quota as GovernorQuota, RateLimiter};
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Work a user pays for in model calls or renders, each with its own quota.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum QuotaKind {
    Ask,
    Wisdom,
    Carousel,
    Pdf,
}

impl QuotaKind {
    pub const ALL: [QuotaKind; 4] = [
        QuotaKind::Ask,
        QuotaKind::Wisdom,
        QuotaKind::Carousel,
        QuotaKind::Pdf,
    ];

    /// The name kept in the store's `kind` column.
    pub fn as_str(self) -> &'static str {
        match self {
            QuotaKind::Ask => "ask",
            QuotaKind::Wisdom => "wisdom",
            QuotaKind::Carousel => "carousel",
            QuotaKind::Pdf => "pdf",
        }
    }
}

/// Uses allowed per minute and per day (UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
pub struct Quota {
    pub per_minute: i32,
    pub per_day: i32,
}

/// The store's answer to "may this user do this once more now?".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuotaVerdict {
    Granted,
    /// This minute's uses are spent; the next minute brings new ones.
    MinuteUsed,
    /// Today's uses are spent (until midnight UTC).
    DayUsed,
}

/// The minute and the day `now` falls in, as counts since the Unix epoch (UTC).
pub fn windows_of(now: NaiveDateTime) -> (i64, i64) {
    let seconds = now.and_utc().timestamp();
    (seconds.div_euclid(60), seconds.div_euclid(86_400))
}

/// What the per-user bucket says about one more update.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FloodVerdict {
    Admitted,
    /// Over the limit. `notice` carries the window to name the one "slow down" of that window
    /// (None: this window's notice was already given).
    Limited {
        notice: Option<u64>,
    },
}

/// Users tracked at most; past this, buckets of users idle long enough to be full again are
/// dropped (they lose nothing: a full bucket is the state of an unknown user).
const MAX_TRACKED_USERS: usize = 100_000;

/// Token buckets per user over incoming updates, and one "slow down" per user per window.
pub struct UserFlood {
    updates: DefaultKeyedRateLimiter<i64>,
    notices: DefaultKeyedRateLimiter<i64>,
    window: Duration,
}

impl UserFlood {
    /// `burst` updates at once, refilled at `per_minute`; one notice per `window`.
    pub fn new(burst: u32, per_minute: u32, window: Duration) -> UserFlood {
        let burst = NonZeroU32::new(burst.max(1)).unwrap_or(NonZeroU32::MIN);
        let per_minute = NonZeroU32::new(per_minute.max(1)).unwrap_or(NonZeroU32::MIN);
        let window = window.max(Duration::from_secs(1));
        let notice_quota = GovernorQuota::with_period(window)
            .unwrap_or_else(|| GovernorQuota::per_minute(NonZeroU32::MIN));
        UserFlood {
            updates: RateLimiter::keyed(GovernorQuota::per_minute(per_minute).allow_burst(burst)),
            notices: RateLimiter::keyed(notice_quota),
            window,
        }
    }

    pub fn admit(&self, user: i64) -> FloodVerdict {
        self.keep_bounded();
        if self.updates.check_key(&user).is_ok() {
            return FloodVerdict::Admitted;
        }
        let notice = self.notices.check_key(&user).is_ok().then(|| {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap_or_default();
            now.as_secs() / self.window.as_secs().max(1)
        });
        FloodVerdict::Limited { notice }
    }

    /// Users currently tracked (for tests and `/stats`).
    pub fn tracked(&self) -> usize {
        self.updates.len()
    }

    fn keep_bounded(&self) {
        if self.updates.len() >= MAX_TRACKED_USERS {
            self.updates.retain_recent();
            self.updates.shrink_to_fit();
        }
        if self.notices.len() >= MAX_TRACKED_USERS {
            self.notices.retain_recent();
            self.notices.shrink_to_fit();
        }
    }
}

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
    pub fn new(settings: &crate::config::LimitSettings) -> Capacity {
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

/// Parses `ALLOWED_USER_IDS`: Telegram user ids separated by commas or spaces.
pub fn parse_user_ids(text: &str) -> Result<Vec<i64>, String> {
    text.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|part| !part.is_empty())
        .map(|part| {
            part.parse::<i64>()
                .map_err(|_| format!("'{part}' is not a Telegram user id"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_user_past_the_burst_is_limited_and_told_once_per_window() {
        let flood = UserFlood::new(3, 1, Duration::from_secs(60));
        for _ in 0..3 {
            assert_eq!(flood.admit(7), FloodVerdict::Admitted);
        }
        let FloodVerdict::Limited { notice: Some(_) } = flood.admit(7) else {
            panic!("the first update past the burst gets the notice");
        };
        for _ in 0..100 {
            assert_eq!(flood.admit(7), FloodVerdict::Limited { notice: None });
        }
        assert_eq!(
            flood.admit(8),
            FloodVerdict::Admitted,
            "another user's bucket is their own"
        );
    }

    #[test]
    fn minutes_and_days_are_counted_from_the_epoch_in_utc() {
        let t = chrono::NaiveDate::from_ymd_opt(2026, 12, 1)
            .and_then(|d| d.and_hms_opt(0, 1, 59))
            .expect("valid time");
        let (minute, day) = windows_of(t);
        assert_eq!(day, 20_788);
        assert_eq!(minute, 20_788 * 1440 + 1);
    }

    #[test]
    fn allowed_user_ids_parse_with_commas_or_spaces_and_name_a_bad_one() {
        assert_eq!(parse_user_ids("1, 2 3,,"), Ok(vec![1, 2, 3]));
        assert_eq!(
            parse_user_ids("1,abc"),
            Err("'abc' is not a Telegram user id".to_string())
        );
    }

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
