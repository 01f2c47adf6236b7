//! How one actor reaches a neighbour: the transport over the typed messages, which appends every
//! crossing envelope to the event log (messages themselves are plain data).
use crate::app::error::AppError;
use crate::messages::{Envelope, Event, MailboxSlot};
use crate::observability::eventlog::EventLog;
use actix::Recipient;

/// The way one actor reaches a neighbour: a `Recipient` plus the event log every crossing
/// envelope is appended to. Tests put a probe actor behind the recipient.
pub struct Link<T: Event> {
    to: &'static str,
    recipient: Recipient<Envelope<T>>,
    log: EventLog,
}

impl<T: Event> Clone for Link<T> {
    fn clone(&self) -> Self {
        Link {
            to: self.to,
            recipient: self.recipient.clone(),
            log: self.log.clone(),
        }
    }
}

impl<T: Event> Link<T>
where
    T::Reply: Send,
{
    pub fn new(to: &'static str, recipient: Recipient<Envelope<T>>, log: EventLog) -> Self {
        Link { to, recipient, log }
    }

    /// Sends and waits for the neighbour's answer. A stopped or crashed neighbour is an error,
    /// never a hang.
    pub async fn ask(&self, mut envelope: Envelope<T>) -> Result<T::Reply, AppError> {
        in_current_trace(&mut envelope);
        if T::LOGGED {
            self.log.append(envelope.record());
        }
        self.enter_mailbox(&mut envelope);
        self.recipient
            .send(envelope)
            .await
            .map_err(|e| AppError::ActorUnavailable {
                actor: self.to,
                reason: e.to_string(),
            })
    }

    /// Fire and forget, for notices nobody waits on (analytics). Only ever into the bounded
    /// mailbox: a full one refuses the notice (the event log still has it) rather than grow
    /// without bound; work that must not be lost goes through the store or `ask`.
    pub fn tell(&self, mut envelope: Envelope<T>) -> Result<(), AppError> {
        in_current_trace(&mut envelope);
        if T::LOGGED {
            self.log.append(envelope.record());
        }
        self.enter_mailbox(&mut envelope);
        match self.recipient.try_send(envelope) {
            Ok(()) => Ok(()),
            Err(actix::prelude::SendError::Full(_)) => {
                self.log.count_dropped_notice(self.to);
                Err(AppError::ActorUnavailable {
                    actor: self.to,
                    reason: "mailbox full; notice dropped".into(),
                })
            }
            Err(actix::prelude::SendError::Closed(_)) => Err(AppError::ActorUnavailable {
                actor: self.to,
                reason: "mailbox closed".into(),
            }),
        }
    }
}

impl<T: Event> Link<T> {
    fn enter_mailbox(&self, envelope: &mut Envelope<T>) {
        if let Some(gauge) = self.log.mailbox_gauge(self.to) {
            envelope.mailbox = MailboxSlot::enter(gauge);
        }
    }
}

/// The envelope travels in the trace of the span sending it (when traces are exported), so the
/// receiving actor's span continues it; outside any span it keeps its cause's.
fn in_current_trace<T>(envelope: &mut Envelope<T>) {
    if let Some(trace) = crate::observability::telemetry::current_traceparent() {
        envelope.trace = Some(trace);
    }
}
