//! Tests of `outbox`.
use super::dispatcher::{backoff, stagger};
use super::*;

#[test]
fn a_row_belongs_to_the_correlation_its_id_starts_with_or_else_to_its_workflow() {
    let request = uuid::Uuid::now_v7();
    let workflow = uuid::Uuid::now_v7();
    let w = workflow.to_string();
    assert_eq!(
        correlation_of_row(&format!("{request}:hint"), Some(&w)),
        Some(request)
    );
    assert_eq!(correlation_of_row("album:3", Some(&w)), Some(workflow));
    assert_eq!(correlation_of_row("album:3", None), None);
    assert_eq!(correlation_of_row("", Some("not a uuid")), None);
}

#[test]
fn letters_keep_their_call_in_a_readable_payload() {
    let message = OutboxMessage::new(
        "c:reply",
        42,
        Outgoing::AlbumPart {
            workflow_id: "w".into(),
            part: 1,
            first: 6,
            end: 11,
            caption: None,
            reply_to: Some(3),
            as_documents: false,
        },
    );
    let row = message.row(now_utc()).expect("row");
    assert_eq!(row.method, OutboxKind::AlbumPart);
    assert_eq!(row.workflow_id.as_deref(), Some("w"));
    assert!(
        row.payload.contains(r#""method":"album_part""#),
        "{}",
        row.payload
    );
    let back: Outgoing = serde_json::from_str(&row.payload).expect("parses back");
    assert_eq!(back, message.outgoing);
}

#[test]
fn a_failing_row_backs_off_doubling_to_a_minute() {
    assert_eq!(backoff(0), Duration::from_secs(1));
    assert_eq!(backoff(3), Duration::from_secs(8));
    assert_eq!(backoff(40), Duration::from_secs(60));
}

#[test]
fn rows_held_back_for_a_chat_keep_their_order_one_interval_apart() {
    let now = now_utc();
    let first = stagger(now, Duration::from_millis(500), 0, 42);
    let second = stagger(now, Duration::from_millis(500), 1, 42);
    assert_eq!((second - first).num_seconds(), 1);
    let group = stagger(now, Duration::ZERO, 1, -100);
    assert_eq!(
        (group - now).num_seconds(),
        3,
        "groups allow twenty a minute"
    );
}

#[test]
fn album_files_are_handed_over_once_and_bounded() {
    let files = AlbumFiles::default();
    files.put("a", Vec::new());
    assert!(files.take("a").is_some());
    assert!(files.take("a").is_none(), "taken once");
    for i in 0..(ALBUM_FILES_CAPACITY + 5) {
        files.put(&i.to_string(), Vec::new());
    }
    assert!(files.files.lock().len() <= ALBUM_FILES_CAPACITY);
}

fn new_row(id: &str) -> NewOutboxRow {
    OutboxMessage::html(id, 42, "hi")
        .row(now_utc())
        .expect("row")
}

#[test]
fn rows_are_recorded_claimed_only_while_the_dispatcher_runs_and_its_window_has_room() {
    let handover = Handover::default();
    let mut early = new_row("early");
    assert!(!handover.reserve(&mut early), "no dispatcher yet");
    assert_eq!(
        (early.status, early.lease_owner.as_deref()),
        (OutboxStatus::Pending, None)
    );

    let lease = Lease {
        owner: "replica-a".into(),
        duration: Duration::from_secs(30),
    };
    handover.open(2, lease.clone());
    let mut claimed = Vec::new();
    for id in ["one", "two"] {
        let mut row = new_row(id);
        assert!(handover.reserve(&mut row), "{id} has room");
        assert_eq!(row.status, OutboxStatus::Sending);
        assert_eq!(row.lease_owner.as_deref(), Some("replica-a"));
        assert_eq!(row.lease_until, Some(lease.until(row.created_at)));
        claimed.push(row);
    }
    let mut third = new_row("three");
    assert!(!handover.reserve(&mut third), "the window is full");
    assert_eq!(third.status, OutboxStatus::Pending);
    assert_eq!(handover.held(), 2);

    handover.release(1);
    assert!(handover.reserve(&mut third), "a place was given up");
    handover.close();
    handover.release(3);
    let mut late = new_row("late");
    assert!(!handover.reserve(&mut late), "the dispatcher stopped");
    assert_eq!(handover.held(), 0);
}

#[test]
fn rows_handed_over_are_taken_oldest_first_and_a_pending_row_asks_for_a_search_once() {
    let handover = Handover::default();
    for id in ["a", "b"] {
        handover.hand_over(new_row(id).as_recorded());
    }
    let taken: Vec<String> = handover.take_all().into_iter().map(|r| r.id).collect();
    assert_eq!(taken, ["a", "b"]);
    assert!(handover.take_all().is_empty());

    assert!(!handover.take_pending_note());
    handover.note_pending();
    assert!(handover.take_pending_note(), "a row waits in the store");
    assert!(!handover.take_pending_note(), "one search per note");
}
