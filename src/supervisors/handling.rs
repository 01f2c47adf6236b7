//! How a service actor's handlers run: supervised (errors and panics counted, faults turned into
//! restarts), traced, and timed.
use super::*;

/// An actor that reports to a [`ServiceHandle`]; implemented by [`service_actor!`].
pub trait ServiceActor: Actor<Context = Context<Self>> + Handler<Fault> {
    fn service(&self) -> &ServiceHandle;
    /// Rebuilds the actor's state (from the store where it has any) for a new incarnation.
    fn rebuild_state(&mut self);
}

/// Messages waiting in one service actor's mailbox at most (set in the configuration module).
pub use crate::app::config::SERVICE_MAILBOX_CAPACITY;

/// Registers the actor's control address, then starts it as its stop told: at once, after the
/// restart backoff (the mailbox waits), failed until the root revives it, or not at all.
pub fn on_started<A: ServiceActor>(actor: &A, ctx: &mut Context<A>) {
    // Bounded: `Outbox::tell` refuses past it instead of queueing without limit. Large enough
    // for the gateway's whole backlog (`ingest.max_backlog` is validated against it).
    ctx.set_mailbox_capacity(SERVICE_MAILBOX_CAPACITY);
    let service = actor.service().clone();
    *service.counters.control.lock() = Some(ctx.address().recipient());
    let plan = std::mem::replace(&mut *service.counters.plan.lock(), StartPlan::Fresh);
    match plan {
        StartPlan::Fresh => service.set_state(ServiceState::Running),
        StartPlan::After(delay) => {
            // `wait` holds the mailbox: queued messages are kept, not processed, until it ends.
            ctx.wait(
                tokio::time::sleep(delay)
                    .into_actor(actor)
                    .map(move |_, _, _| {
                        service.resume();
                    }),
            );
        }
        StartPlan::Failed {
            revive_after: Some(cooldown),
        } => {
            ctx.run_later(cooldown, move |actor, _| {
                actor.rebuild_state();
                service.revived();
            });
        }
        StartPlan::Failed { revive_after: None } | StartPlan::Stopped => {}
    }
}

/// Handles a [`Fault`] report: stops the actor so its supervisor restarts it.
pub fn on_fault<A: ServiceActor>(actor: &A, fault: Fault, ctx: &mut Context<A>) {
    use actix::ActorContext;
    if actor.service().accept_fault(fault) {
        ctx.stop();
    }
}

/// Errors that mean the actor itself is unwell (restart it), as opposed to bad input or a
/// dependency being down (a restart would not help; the breakers deal with those).
fn is_fault(error: &AppError) -> bool {
    match error {
        AppError::Internal { .. } | AppError::Io { .. } => true,
        AppError::Store { .. } => !error.is_store_outage(),
        _ => false,
    }
}

/// Runs a handler's work as a task of its own, so a restart of the actor never drops it.
/// Errors and panics are counted and answered to the caller as errors at once; a panic or a
/// fault error then makes the actor restart. A failed or stopped service refuses the work.
///
/// The work runs in a span of its own (`<actor> <message>`) that continues the envelope's trace,
/// and its duration is observed by actor, message and outcome.
pub fn supervised<A, R, F>(
    actor: &A,
    handling: Handling,
    work: F,
) -> ResponseFuture<Result<R, AppError>>
where
    A: ServiceActor,
    R: 'static,
    F: Future<Output = Result<R, AppError>> + 'static,
{
    let message = handling.kind;
    let service = actor.service().clone();
    if let Some(refusal) = service.refusal(message) {
        return Box::pin(std::future::ready(Err(refusal)));
    }
    let in_flight = service.enter();
    let incarnation = service.incarnation();
    let span = handling_span(service.name(), &handling);
    Box::pin(
        async move {
            let started = std::time::Instant::now();
            let outcome = AssertUnwindSafe(work).catch_unwind().await;
            drop(in_flight);
            if let Some(m) = &service.metrics {
                let ok = matches!(outcome, Ok(Ok(_)));
                m.actor_handling_seconds
                    .with_label_values(&[service.name(), message, if ok { "ok" } else { "failed" }])
                    .observe(started.elapsed().as_secs_f64());
            }
            settle(&service, message, outcome, |exit| {
                service.report_fault_of(incarnation, exit)
            })
        }
        .instrument(span),
    )
}

/// The span one message's handling runs in: a child of the span that sent the envelope.
fn handling_span(actor: &'static str, handling: &Handling) -> tracing::Span {
    if !handling.traced {
        return tracing::Span::none();
    }
    let span = tracing::info_span!(
        "handle",
        otel.name = %format_args!("{actor} {}", handling.kind),
        actor,
        message = handling.kind,
        correlation_id = %handling.correlation_id,
    );
    crate::observability::telemetry::continue_trace(&span, handling.trace.as_deref());
    span
}

fn settle<R>(
    service: &ServiceHandle,
    message: &'static str,
    outcome: Result<Result<R, AppError>, Box<dyn std::any::Any + Send>>,
    restart: impl FnOnce(Exit),
) -> Result<R, AppError> {
    match outcome {
        Ok(Ok(value)) => {
            service.record_handled();
            Ok(value)
        }
        Ok(Err(error)) => {
            service.record_failure(message, &error.to_string());
            if is_fault(&error) {
                tracing::error!(actor = service.name(), message, error = %error, "handler failed; restarting actor");
                restart(Exit::Failed(error.to_string()));
            } else {
                tracing::warn!(actor = service.name(), message, error = %error, "handler failed");
            }
            Err(error)
        }
        Err(panic) => {
            let reason = panic_message(panic.as_ref());
            tracing::error!(actor = service.name(), message, panic = %reason, "handler panicked; restarting actor");
            service.record_failure(message, &format!("panic: {reason}"));
            restart(Exit::Panicked(reason.clone()));
            Err(AppError::ActorFailed {
                actor: service.name(),
                message,
                reason: format!("panic: {reason}"),
            })
        }
    }
}

/// Synchronous twin of [`supervised`] for handlers that only touch the actor's own state.
pub fn supervised_sync<A, R>(
    actor: &mut A,
    ctx: &mut Context<A>,
    message: &'static str,
    work: impl FnOnce(&mut A) -> Result<R, AppError>,
) -> Result<R, AppError>
where
    A: ServiceActor,
{
    let service = actor.service().clone();
    if let Some(refusal) = service.refusal(message) {
        return Err(refusal);
    }
    let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| work(actor)));
    settle(&service, message, outcome, |exit| {
        on_fault(
            actor,
            Fault {
                exit,
                incarnation: service.incarnation(),
                with_sibling: None,
            },
            ctx,
        )
    })
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_string())
}
