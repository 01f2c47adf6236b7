//! Who may use the bot, and how fast: the allowlist (`ALLOWED_USER_IDS`) and a token bucket per
//! user over incoming updates (per replica; governor's keyed GCRA). Updates past it are recorded
//! and finished as `limited`, answered at most once per window with a short "slow down" whose
//! outbox id names the window, so replicas and redeliveries send it once.
use crate::domain::UpdateStatus;
use crate::telegram::{Inbound, Route};
use governor::{DefaultKeyedRateLimiter, Quota as GovernorQuota, RateLimiter};
use std::collections::HashSet;
use std::num::NonZeroU32;
use std::time::Duration;

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

/// Who may use the bot, and how fast (see [`crate::limits`]). Shared by the gateway's restarts.
pub struct Admission {
    pub flood: UserFlood,
    /// `ALLOWED_USER_IDS`; none serves everyone.
    pub allowed: Option<HashSet<i64>>,
    pub metrics: Option<crate::observability::metrics::Metrics>,
}

/// What the gateway does with one update before any work.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Serve,
    /// Recorded as `status`; `reply` (key, text) is recorded in the outbox if any. A button
    /// press is answered with `refusal` every time (the client spins until it is answered).
    Turn {
        status: UpdateStatus,
        reply: Option<(String, String)>,
        refusal: String,
    },
}

impl Admission {
    pub fn new(settings: &crate::app::config::LimitSettings) -> Admission {
        Admission {
            flood: UserFlood::new(
                settings.user_burst,
                settings.user_per_minute,
                std::time::Duration::from_secs(settings.notice_window_secs),
            ),
            allowed: settings.allowed_users(),
            metrics: None,
        }
    }

    pub fn with_metrics(mut self, metrics: crate::observability::metrics::Metrics) -> Admission {
        self.metrics = Some(metrics);
        self
    }

    /// Updates that would make the bot work (commands, presses, private text) from a user are
    /// checked against the allowlist and the user's bucket; everything else costs nothing.
    pub fn judge(&self, inbound: &Inbound) -> Verdict {
        let (Some(user), false) = (&inbound.user, matches!(inbound.route, Route::Ignored(_)))
        else {
            return Verdict::Serve;
        };
        let lang = crate::telegram::commands::lang_of(inbound);
        if self
            .allowed
            .as_ref()
            .is_some_and(|ids| !ids.contains(&user.id))
        {
            self.count("not_allowed");
            let refusal = crate::workflow::texts::not_allowed(lang);
            return Verdict::Turn {
                status: UpdateStatus::Refused,
                // One refusal per user, ever: the key names only the user.
                reply: Some((format!("not-allowed:{}", user.id), refusal.clone())),
                refusal,
            };
        }
        match self.flood.admit(user.id) {
            FloodVerdict::Admitted => Verdict::Serve,
            FloodVerdict::Limited { notice } => {
                self.count("flood");
                let refusal = crate::workflow::texts::slow_down(lang);
                Verdict::Turn {
                    status: UpdateStatus::Limited,
                    // One notice per user per window, whichever replica gives it.
                    reply: notice
                        .map(|window| (format!("slow-down:{}:{window}", user.id), refusal.clone())),
                    refusal,
                }
            }
        }
    }

    fn count(&self, reason: &'static str) {
        if let Some(metrics) = &self.metrics {
            metrics.limited.with_label_values(&[reason]).inc();
        }
    }
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
}
