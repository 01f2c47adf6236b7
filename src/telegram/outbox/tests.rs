//! Tests of `outbox`.
use super::dispatcher::{backoff, stagger};
use super::*;

#[test]
fn letters_keep_their_call_in_a_readable_payload() {
    let letter = Letter::new(
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
    let row = letter.row(now_utc()).expect("row");
    assert_eq!(row.method, OutboxKind::AlbumPart);
    assert_eq!(row.workflow_id.as_deref(), Some("w"));
    assert!(
        row.payload.contains(r#""method":"album_part""#),
        "{}",
        row.payload
    );
    let back: Outgoing = serde_json::from_str(&row.payload).expect("parses back");
    assert_eq!(back, letter.outgoing);
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
    assert!(files.files.lock().expect("lock").len() <= ALBUM_FILES_CAPACITY);
}

#[test]
fn fresh_row_ids_are_taken_oldest_first_and_bounded() {
    let fresh = FreshRows::default();
    for n in 0..FRESH_CAPACITY {
        assert!(fresh.push(format!("row-{n}")));
    }
    assert!(
        !fresh.push("one too many".into()),
        "past the bound an id waits for a search"
    );
    assert_eq!(fresh.take(2), ["row-0", "row-1"]);
    assert_eq!(fresh.take(FRESH_CAPACITY).len(), FRESH_CAPACITY - 2);
    assert!(fresh.is_empty());
}
