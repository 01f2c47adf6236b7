//! Tests of `gateway`.
use super::*;
use crate::messages::data::UpsertUser;
use crate::supervisors::ServiceHandle;
use crate::testkit::{ack_probe, probe};
use actix::Actor;

fn update(json: serde_json::Value) -> Envelope<UpdateReceived> {
    let update: teloxide::types::Update =
        serde_json::from_str(&json.to_string()).expect("valid update");
    assert!(
        !matches!(update.kind, teloxide::types::UpdateKind::Error(_)),
        "test update must parse"
    );
    Envelope::new(
        "test",
        UpdateReceived {
            update_id: i64::from(update.id.0),
            update: Box::new(update),
        },
    )
}

fn message(update_id: u32, chat: serde_json::Value, text: &str) -> serde_json::Value {
    serde_json::json!({
        "update_id": update_id,
        "message": {
            "message_id": 1, "date": 1763856000, "text": text, "chat": chat,
            "from": {"id": 7, "is_bot": false, "first_name": "Ада", "language_code": "ru"}
        }
    })
}

fn inbound_of(json: serde_json::Value) -> Inbound {
    crate::telegram::inbound_of(&update(json).payload.update, "vibe_bot")
}

#[test]
fn admission_refuses_strangers_to_a_private_bot_with_one_refusal_key_per_user() {
    let settings = crate::app::config::LimitSettings {
        allowed_user_ids: Some("1, 2".into()),
        ..Default::default()
    };
    let admission = Admission::new(&settings);
    let private = serde_json::json!({"id": 7, "type": "private"});
    let Verdict::Turn { status, reply, .. } =
        admission.judge(&inbound_of(message(1, private.clone(), "/help")))
    else {
        panic!("user 7 is not on the list");
    };
    assert_eq!(status, UpdateStatus::Refused);
    let (key, text) = reply.expect("a refusal");
    assert_eq!(key, "not-allowed:7");
    assert!(text.contains("частный"), "in the user's language: {text}");
    let group = serde_json::json!({"id": -100, "type": "supergroup", "title": "g"});
    assert_eq!(
        admission.judge(&inbound_of(message(2, group, "hello all"))),
        Verdict::Serve,
        "chatter the bot ignores anyway costs nothing and gets no refusal"
    );
}

#[test]
fn admission_limits_a_flood_and_names_the_notice_by_user_and_window() {
    let settings = crate::app::config::LimitSettings {
        user_burst: 2,
        user_per_minute: 1,
        ..Default::default()
    };
    let admission = Admission::new(&settings);
    let private = serde_json::json!({"id": 7, "type": "private"});
    let verdicts: Vec<Verdict> = (0..5)
        .map(|i| admission.judge(&inbound_of(message(i, private.clone(), "/help"))))
        .collect();
    assert_eq!(verdicts[..2], [Verdict::Serve, Verdict::Serve]);
    let Verdict::Turn {
        status,
        reply: Some((key, text)),
        refusal,
    } = &verdicts[2]
    else {
        panic!("the third is limited with a notice: {verdicts:?}");
    };
    assert_eq!(*status, UpdateStatus::Limited);
    assert!(key.starts_with("slow-down:7:"), "{key}");
    assert!(text.contains("помедленнее"), "{text}");
    assert_eq!(refusal, text, "a press is answered with the notice");
    assert!(verdicts[3..].iter().all(|v| *v
        == Verdict::Turn {
            status: UpdateStatus::Limited,
            reply: None,
            refusal: text.clone(),
        }));
}

#[actix_rt::test]
async fn a_new_users_start_command_registers_them_and_reaches_the_orchestrator() {
    let (users, seen_users, _u) = probe::<UpsertUser>(|_| Ok(UpsertOutcome::Created));
    let (default_settings, seen_default_settings, _s) = ack_probe::<EnsureSettings>();
    let (finished, seen_finished, _h) = ack_probe::<FinishUpdate>();
    let (interactions, seen_interactions, _i) = ack_probe::<UserInteractionTracked>();
    let (commands, seen_commands, _c) = ack_probe::<ExecuteCommand>();
    let (callbacks, _callbacks_seen, _cb) = ack_probe::<CallbackPressed>();
    let links = GatewayLinks {
        users,
        default_settings,
        finished,
        interactions,
        commands,
        callbacks,
    };
    let gateway = GatewayActor::new(
        ServiceHandle::detached("gateway"),
        links,
        crate::telegram::BotName::new(Some("vibe_bot".into())),
        Backlog::new(8),
    )
    .start();

    let env = update(message(
        5,
        serde_json::json!({"id": 7, "type": "private"}),
        "/start",
    ));
    let correlation = env.correlation_id;
    gateway.send(env).await.expect("mailbox").expect("handled");

    assert_eq!(seen_users.payloads()[0].user.first_name, "Ада");
    assert_eq!(
        seen_default_settings.payloads(),
        vec![EnsureSettings {
            user_id: 7,
            chat_id: 7
        }]
    );
    let commands = seen_commands.all();
    assert_eq!(commands.len(), 1);
    assert_eq!(commands[0].payload.command, "start");
    assert_eq!(
        commands[0].correlation_id, correlation,
        "the command keeps the update's correlation id"
    );
    assert_eq!(
        seen_interactions.payloads()[0].interaction,
        "command:/start"
    );
    assert_eq!(
        seen_finished.payloads(),
        vec![FinishUpdate {
            update_id: 5,
            outcome: UpdateStatus::Done
        }]
    );
}

#[actix_rt::test]
async fn group_chatter_and_commands_for_other_bots_are_ignored_without_a_command() {
    let (users, _seen_users, _u) = probe::<UpsertUser>(|_| Ok(UpsertOutcome::Updated));
    let (default_settings, seen_default_settings, _s) = ack_probe::<EnsureSettings>();
    let (finished, seen_finished, _h) = ack_probe::<FinishUpdate>();
    let (interactions, _seen_interactions, _i) = ack_probe::<UserInteractionTracked>();
    let (commands, seen_commands, _c) = ack_probe::<ExecuteCommand>();
    let (callbacks, _callbacks_seen, _cb) = ack_probe::<CallbackPressed>();
    let links = GatewayLinks {
        users,
        default_settings,
        finished,
        interactions,
        commands,
        callbacks,
    };
    let gateway = GatewayActor::new(
        ServiceHandle::detached("gateway"),
        links,
        crate::telegram::BotName::new(Some("vibe_bot".into())),
        Backlog::new(8),
    )
    .start();
    let group = serde_json::json!({"id": -100, "type": "supergroup", "title": "g"});

    gateway
        .send(update(message(1, group.clone(), "hello all")))
        .await
        .expect("mailbox")
        .expect("ok");
    gateway
        .send(update(message(2, group, "/start@other_bot")))
        .await
        .expect("mailbox")
        .expect("ok");

    assert_eq!(seen_commands.count(), 0);
    assert_eq!(
        seen_default_settings.count(),
        0,
        "known users get no default settings again"
    );
    let outcomes: Vec<UpdateStatus> = seen_finished
        .payloads()
        .into_iter()
        .map(|h| h.outcome)
        .collect();
    assert_eq!(outcomes, vec![UpdateStatus::Ignored, UpdateStatus::Ignored]);
}

#[actix_rt::test]
async fn a_store_failure_is_returned_to_the_caller_and_counted() {
    let (users, _seen, _u) =
        probe::<UpsertUser>(|_| Err(AppError::internal("upsert", "store down")));
    let (default_settings, _s1, _s) = ack_probe::<EnsureSettings>();
    let (finished, seen_finished, _h) = ack_probe::<FinishUpdate>();
    let (interactions, _s3, _i) = ack_probe::<UserInteractionTracked>();
    let (commands, _s4, _c) = ack_probe::<ExecuteCommand>();
    let (callbacks, _callbacks_seen, _cb) = ack_probe::<CallbackPressed>();
    let service = ServiceHandle::detached("gateway");
    let links = GatewayLinks {
        users,
        default_settings,
        finished,
        interactions,
        commands,
        callbacks,
    };
    let gateway = GatewayActor::new(
        service.clone(),
        links,
        crate::telegram::BotName::new(Some("vibe_bot".into())),
        Backlog::new(8),
    )
    .start();

    let result = gateway
        .send(update(message(
            3,
            serde_json::json!({"id": 7, "type": "private"}),
            "hi",
        )))
        .await
        .expect("mailbox");

    assert!(result
        .expect_err("must fail")
        .to_string()
        .contains("store down"));
    assert_eq!(
        seen_finished.count(),
        0,
        "an unfinished update stays claimed, to be claimed again once its lease expires"
    );
    assert_eq!(service.status().failed, 1);
}
