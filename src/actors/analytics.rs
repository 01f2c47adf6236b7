//! `analytics`: counts what happens, keeps recent alerts, answers reports for `/stats`.
use crate::app::error::AppError;
use crate::delivery::poster::Poster;
use crate::messages::analytics::{
    AlertSeverity, AlertTriggered, AlertsRestored, AnalyticsReport, ReportRequested,
    UserInteractionTracked,
};
use crate::messages::data::UserCreated;
use crate::messages::health::{Dependency, HealthChecked, HealthStatus};
use crate::messages::{ai, carousel, workflow, Ack, Envelope, Event};
use crate::service_actor;
use crate::supervisors::{supervised_sync, ServiceHandle};
use actix::Handler;
use std::collections::{BTreeMap, VecDeque};
use teloxide::utils::html::escape as escape_html;

/// How many alerts `/stats` shows.
pub const RECENT_ALERTS: usize = 50;

pub struct AnalyticsActor {
    service: ServiceHandle,
    report: AnalyticsReport,
    alerts: VecDeque<AlertTriggered>,
    admin: Option<AdminChat>,
    /// Each dependency's status at its latest check, to alert on changes only.
    health: BTreeMap<Dependency, HealthStatus>,
}

/// Where warnings and critical alerts are also sent.
pub struct AdminChat {
    pub poster: Poster,
    pub chat_id: i64,
}

impl AnalyticsActor {
    pub fn new(service: ServiceHandle) -> Self {
        AnalyticsActor {
            service,
            report: empty_report(),
            alerts: VecDeque::with_capacity(RECENT_ALERTS),
            admin: None,
            health: BTreeMap::new(),
        }
    }

    pub fn with_admin(mut self, admin: Option<AdminChat>) -> Self {
        self.admin = admin;
        self
    }

    /// Counters are process-lifetime figures (the durable history is the event log) and start
    /// again; recent alerts are kept, since a restart is exactly when operators need them.
    fn empty_the_report(&mut self) {
        self.report = empty_report();
    }

    fn count_event(&mut self, kind: &str) {
        *self.report.events.entry(kind.to_string()).or_default() += 1;
    }

    /// Keeps `alert` for `/stats` and sends warnings and worse to the admin chat (`key` makes
    /// the outbox row idempotent).
    fn raise(&mut self, key: String, alert: AlertTriggered) {
        if let (Some(admin), AlertSeverity::Warning | AlertSeverity::Critical) =
            (&self.admin, alert.severity)
        {
            let html = admin_message(&alert);
            if let Err(e) = admin.poster.post_html(key, admin.chat_id, html) {
                tracing::warn!(error = %e, "alert not sent to the admin chat");
            }
        }
        remember_alert(&mut self.alerts, alert);
    }
}

/// The alert a health check calls for, given the dependency's previous status: a warning when
/// it turns unhealthy, a note when it recovers, nothing while it stays as it was.
pub fn health_alert(
    previous: Option<HealthStatus>,
    check: &HealthChecked,
) -> Option<AlertTriggered> {
    let service = format!("health:{}", check.dependency.as_str());
    match (previous, check.status) {
        (Some(HealthStatus::Unhealthy), HealthStatus::Unhealthy)
        | (None | Some(HealthStatus::Healthy), HealthStatus::Healthy) => None,
        (_, HealthStatus::Unhealthy) => Some(AlertTriggered {
            severity: AlertSeverity::Warning,
            service,
            message: format!(
                "{} is unhealthy: {}",
                check.dependency.as_str(),
                check.reason.as_deref().unwrap_or("no reason given")
            ),
        }),
        (Some(HealthStatus::Unhealthy), HealthStatus::Healthy) => Some(AlertTriggered {
            severity: AlertSeverity::Info,
            service,
            message: format!("{} is healthy again", check.dependency.as_str()),
        }),
    }
}

fn empty_report() -> AnalyticsReport {
    AnalyticsReport {
        users_created: 0,
        interactions: BTreeMap::new(),
        events: BTreeMap::new(),
        recent_alerts: Vec::new(),
    }
}

/// The admin chat's view of an alert (Telegram HTML; the text is escaped).
pub fn admin_message(alert: &AlertTriggered) -> String {
    let icon = match alert.severity {
        AlertSeverity::Critical => "🛑",
        AlertSeverity::Warning => "⚠️",
        AlertSeverity::Info => "ℹ️",
    };
    format!(
        "{icon} <b>{}</b>\n{}",
        escape_html(&alert.service),
        escape_html(&alert.message)
    )
}

/// Keeps the newest `RECENT_ALERTS` alerts, oldest first.
pub fn remember_alert(alerts: &mut VecDeque<AlertTriggered>, mut alert: AlertTriggered) {
    alert.message = crate::app::error::cut_reason(&alert.message);
    if alerts.len() == RECENT_ALERTS {
        alerts.pop_front();
    }
    alerts.push_back(alert);
}

service_actor!(AnalyticsActor, rebuild = empty_the_report);

impl Handler<Envelope<UserInteractionTracked>> for AnalyticsActor {
    type Result = Ack;
    fn handle(&mut self, env: Envelope<UserInteractionTracked>, ctx: &mut Self::Context) -> Ack {
        supervised_sync(self, ctx, UserInteractionTracked::KIND, |this| {
            *this
                .report
                .interactions
                .entry(env.payload.interaction)
                .or_default() += 1;
            this.count_event(UserInteractionTracked::KIND);
            Ok(())
        })
    }
}

impl Handler<Envelope<UserCreated>> for AnalyticsActor {
    type Result = Ack;
    fn handle(&mut self, _env: Envelope<UserCreated>, ctx: &mut Self::Context) -> Ack {
        supervised_sync(self, ctx, UserCreated::KIND, |this| {
            this.report.users_created += 1;
            this.count_event(UserCreated::KIND);
            Ok(())
        })
    }
}

impl Handler<Envelope<AlertTriggered>> for AnalyticsActor {
    type Result = Ack;
    fn handle(&mut self, env: Envelope<AlertTriggered>, ctx: &mut Self::Context) -> Ack {
        supervised_sync(self, ctx, AlertTriggered::KIND, |this| {
            // Already logged where it was raised (`supervisors::Alerts::raise`).
            this.raise(format!("alert:{}", env.id), env.payload);
            this.count_event(AlertTriggered::KIND);
            Ok(())
        })
    }
}

impl Handler<Envelope<HealthChecked>> for AnalyticsActor {
    type Result = Ack;
    fn handle(&mut self, env: Envelope<HealthChecked>, ctx: &mut Self::Context) -> Ack {
        supervised_sync(self, ctx, HealthChecked::KIND, |this| {
            let check = env.payload;
            let previous = this.health.insert(check.dependency, check.status);
            if let Some(alert) = health_alert(previous, &check) {
                this.raise(format!("health:{}", env.id), alert);
            }
            this.count_event(HealthChecked::KIND);
            Ok(())
        })
    }
}

impl Handler<AlertsRestored> for AnalyticsActor {
    type Result = ();
    fn handle(&mut self, restored: AlertsRestored, ctx: &mut Self::Context) {
        let _ = supervised_sync(self, ctx, "analytics.alerts.restored", |this| {
            this.alerts = restore_alerts(restored.0, std::mem::take(&mut this.alerts));
            Ok(())
        });
    }
}

/// Older alerts from the store, then the ones raised since start; the newest `RECENT_ALERTS` kept.
pub fn restore_alerts(
    older: Vec<AlertTriggered>,
    since_start: VecDeque<AlertTriggered>,
) -> VecDeque<AlertTriggered> {
    let mut alerts = VecDeque::with_capacity(RECENT_ALERTS);
    for alert in older.into_iter().chain(since_start) {
        remember_alert(&mut alerts, alert);
    }
    alerts
}

impl Handler<ReportRequested> for AnalyticsActor {
    type Result = Result<AnalyticsReport, AppError>;
    fn handle(&mut self, _: ReportRequested, ctx: &mut Self::Context) -> Self::Result {
        supervised_sync(self, ctx, "analytics.report.requested", |this| {
            let mut report = this.report.clone();
            report.recent_alerts = this.alerts.iter().cloned().collect();
            Ok(report)
        })
    }
}

/// Events analytics only counts.
macro_rules! counted_events {
    ($($event:ty),+ $(,)?) => {$(
        impl Handler<Envelope<$event>> for AnalyticsActor {
            type Result = Ack;
            fn handle(&mut self, _env: Envelope<$event>, ctx: &mut Self::Context) -> Ack {
                supervised_sync(self, ctx, <$event>::KIND, |this| {
                    this.count_event(<$event>::KIND);
                    Ok(())
                })
            }
        }
    )+};
}

counted_events!(
    workflow::Started,
    crate::messages::data::DefaultSettingsCreated,
    crate::messages::telegram::BotResponseSent,
    workflow::StepCompleted,
    workflow::Completed,
    carousel::ImagesRendered,
    ai::AnalysisCompleted,
    ai::WisdomGenerated,
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::analytics::AlertSeverity;
    use actix::Actor;

    fn alert(n: usize) -> AlertTriggered {
        AlertTriggered {
            severity: AlertSeverity::Warning,
            service: "ai".into(),
            message: format!("alert {n}"),
        }
    }

    #[test]
    fn restored_alerts_come_before_new_ones_and_only_the_newest_are_kept() {
        let older: Vec<_> = (0..RECENT_ALERTS).map(alert).collect();
        let since_start: VecDeque<_> = (100..102).map(alert).collect();

        let kept = restore_alerts(older, since_start);

        assert_eq!(kept.len(), RECENT_ALERTS);
        assert_eq!(kept.front(), Some(&alert(2)));
        assert_eq!(kept.back(), Some(&alert(101)));
    }

    #[test]
    fn only_the_newest_alerts_are_kept_in_order() {
        let mut alerts = VecDeque::new();
        for n in 0..RECENT_ALERTS + 5 {
            remember_alert(&mut alerts, alert(n));
        }
        assert_eq!(alerts.len(), RECENT_ALERTS);
        assert_eq!(
            alerts.front().map(|a| a.message.clone()),
            Some("alert 5".to_string())
        );
        assert_eq!(
            alerts.back().map(|a| a.message.clone()),
            Some(format!("alert {}", RECENT_ALERTS + 4))
        );
    }

    fn check(status: HealthStatus) -> HealthChecked {
        HealthChecked {
            dependency: Dependency::BotApi,
            status,
            reason: (status == HealthStatus::Unhealthy).then(|| "getMe: 502".to_string()),
            latency_ms: 4,
        }
    }

    #[test]
    fn a_dependency_alerts_when_it_turns_unhealthy_and_when_it_recovers_not_while_it_stays() {
        use HealthStatus::{Healthy, Unhealthy};
        assert_eq!(health_alert(None, &check(Healthy)), None);
        assert_eq!(health_alert(Some(Healthy), &check(Healthy)), None);
        assert_eq!(health_alert(Some(Unhealthy), &check(Unhealthy)), None);

        let down = health_alert(Some(Healthy), &check(Unhealthy)).expect("alert when it fails");
        assert_eq!(down.severity, AlertSeverity::Warning);
        assert_eq!(down.service, "health:bot_api");
        assert_eq!(down.message, "bot_api is unhealthy: getMe: 502");
        assert!(
            health_alert(None, &check(Unhealthy)).is_some(),
            "unhealthy at the first check"
        );

        let up = health_alert(Some(Unhealthy), &check(Healthy)).expect("note when it recovers");
        assert_eq!(up.severity, AlertSeverity::Info);
    }

    #[actix_rt::test]
    async fn the_analytics_actor_alone_counts_interactions_and_reports_alerts() {
        let service = ServiceHandle::detached("analytics");
        let addr = AnalyticsActor::new(service.clone()).start();
        for interaction in ["command:/start", "command:/start", "text"] {
            let env = Envelope::new(
                "test",
                UserInteractionTracked {
                    user_id: Some(1),
                    chat_id: Some(1),
                    interaction: interaction.into(),
                },
            );
            addr.send(env).await.expect("mailbox").expect("handled");
        }
        addr.send(Envelope::new("test", alert(1)))
            .await
            .expect("mailbox")
            .expect("handled");
        let report = addr
            .send(ReportRequested)
            .await
            .expect("mailbox")
            .expect("report");
        assert_eq!(report.interactions.get("command:/start"), Some(&2));
        assert_eq!(report.interactions.get("text"), Some(&1));
        assert_eq!(report.recent_alerts, vec![alert(1)]);
        assert_eq!(service.status().handled, 5);
    }
}
