//! Ownership through leases, on both backends and on a manual clock (every lease query takes
//! `now`): claims never overlap, expire, and are taken over; the per-user limit holds in SQL.
use crate::helpers::*;
use crate::on_both_backends;
use bible_vibecoder::domain::{Delivery, Lang, SlideSize, Style, UserProfile};
use bible_vibecoder::domain::{OutboxKind, OutboxStatus, UpdateStatus, UpdateType, WorkflowState};
use bible_vibecoder::store::{
    now_utc, Lease, NewOutboxRow, NewReceivedUpdate, SentRow, Store, StyleClaim, Workflow,
};
use chrono::NaiveDateTime;
use std::collections::HashSet;
use std::time::Duration;

async fn migrated_store(db: &TestDb) -> Store {
    let store = Store::connect(&settings_for(db, &[]).database).expect("pool");
    store.migrate().await.expect("migrations");
    store
}

fn replica(name: &str) -> Lease {
    Lease {
        owner: name.into(),
        duration: Duration::from_secs(30),
    }
}

fn at(seconds: i64) -> NaiveDateTime {
    chrono::DateTime::from_timestamp(1_800_000_000 + seconds, 0)
        .expect("time")
        .naive_utc()
}

fn pending_update(update_id: i64) -> NewReceivedUpdate {
    NewReceivedUpdate {
        update_id,
        kind: UpdateType::Message,
        payload: "{}".into(),
        status: UpdateStatus::Pending,
        received_at: at(0),
        lease_owner: None,
        lease_until: None,
        attempts: 0,
    }
}

fn letter(id: &str, chat: i64) -> NewOutboxRow {
    NewOutboxRow {
        id: id.into(),
        chat_id: chat,
        method: OutboxKind::Message,
        payload: r#"{"method":"message","html":"hi"}"#.into(),
        workflow_id: None,
        status: OutboxStatus::Pending,
        next_attempt_at: at(0),
        created_at: at(0),
        trace_parent: None,
        lease_owner: None,
        lease_until: None,
    }
}

fn waiting_workflow(id: &str, user: i64) -> Workflow {
    let now = now_utc();
    Workflow {
        id: id.into(),
        correlation_id: id.into(),
        user_id: user,
        chat_id: user,
        request_message_id: None,
        status_message_id: None,
        topic: "Faith".into(),
        lang: Lang::En,
        style: None,
        slides: 5,
        size: SlideSize::Portrait,
        delivery: Delivery::Photos,
        state: WorkflowState::AwaitingStyle,
        slides_json: None,
        content_source: None,
        error: None,
        cancel_requested: false,
        created_at: now,
        updated_at: now,
        deadline_at: None,
        trace_parent: None,
        handle: None,
        content_lang: None,
        review: false,
        draft_version: 0,
        review_until: None,
        post_json: None,
        brand_json: None,
        accent: None,
    }
}

on_both_backends! {
    async fn an_update_claimed_by_a_replica_is_claimed_again_only_after_its_lease_expires(backend) {
        let Some(db) = TestDb::create(backend).await else { return };
        let store = migrated_store(&db).await;
        store.updates.record_updates(&[pending_update(1), pending_update(2)]).await.expect("recorded");
        let (a, b) = (replica("a"), replica("b"));

        let first = store.updates.claim_updates(&a, at(0), 10).await.expect("claim");
        assert_eq!(first.iter().map(|u| u.update_id).collect::<Vec<_>>(), [1, 2]);
        assert!(first.iter().all(|u| u.attempts == 1));
        assert!(store.updates.claim_updates(&b, at(29), 10).await.expect("claim").is_empty(), "held by a");
        store.updates.finish_update(1, UpdateStatus::Done).await.expect("finish");

        let taken_over = store.updates.claim_updates(&b, at(31), 10).await.expect("claim");

        assert_eq!(taken_over.iter().map(|u| (u.update_id, u.attempts)).collect::<Vec<_>>(), [(2, 2)]);
        assert_eq!(store.updates.update_status_of(1).await.expect("status"), Some(UpdateStatus::Done));
    }

    async fn outbox_rows_are_claimed_once_and_sent_rows_never_again(backend) {
        let Some(db) = TestDb::create(backend).await else { return };
        let store = migrated_store(&db).await;
        let new = store.outbox.enqueue(&[letter("r1", 1), letter("r2", 2), letter("r1", 1)]).await.expect("enqueue");
        assert_eq!(new, [true, true, false], "the same reply recorded twice is one row");
        let (a, b) = (replica("a"), replica("b"));

        let claimed = store.outbox.claim_outbox(&a, at(1), 10).await.expect("claim");
        assert_eq!(claimed.len(), 2);
        assert!(claimed.iter().all(|r| r.lease_owner.as_deref() == Some("a")));
        assert!(store.outbox.claim_outbox(&b, at(2), 10).await.expect("claim").is_empty());
        store.outbox.mark_outbox_sent(&[SentRow { id: "r1".into(), message_ids: vec![7] }], at(3))
            .await
            .expect("sent");

        // a died before writing r2's outcome: once its lease expires, b sends r2 (and only r2).
        let again = store.outbox.claim_outbox(&b, at(32), 10).await.expect("claim");

        assert_eq!(again.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), ["r2"]);
        let sent = store.outbox.outbox_row("r1").await.expect("row").expect("r1");
        assert_eq!((sent.status.as_str(), sent.message_ids.as_deref(), sent.attempts), ("sent", Some("7"), 1));
    }

    async fn a_row_recorded_already_claimed_is_left_to_its_replica_until_its_lease_lapses(backend) {
        let Some(db) = TestDb::create(backend).await else { return };
        let store = migrated_store(&db).await;
        let (a, b) = (replica("a"), replica("b"));
        let mut owned = letter("owned", 1);
        owned.status = OutboxStatus::Sending;
        owned.lease_owner = Some("a".into());
        owned.lease_until = Some(a.until(at(0)));
        store.outbox.enqueue(&[owned.clone(), letter("free", 2)]).await.expect("enqueue");
        let stored = store.outbox.outbox_row("owned").await.expect("row").expect("owned");
        assert_eq!(stored, owned.as_recorded(), "stored as the recording replica holds it");

        let claimed = store.outbox.claim_outbox(&b, at(1), 10).await.expect("claim");
        assert_eq!(claimed.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), ["free"], "a's row stays a's");

        // a died before sending it: once the lease lapses, b takes it.
        let again = store.outbox.claim_outbox(&b, at(31), 10).await.expect("claim");
        assert_eq!(again.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), ["owned"]);
        assert_eq!(again[0].lease_owner.as_deref(), Some("b"));
    }

    async fn a_claim_takes_due_rows_in_order_and_lapsed_leases_with_them(backend) {
        let Some(db) = TestDb::create(backend).await else { return };
        let store = migrated_store(&db).await;
        let rows: Vec<NewOutboxRow> = (0..6)
            .map(|i| {
                let mut row = letter(&format!("row-{i}"), i);
                row.next_attempt_at = at(10 - i);
                row
            })
            .collect();
        store.outbox.enqueue(&rows).await.expect("enqueue");
        let (a, b) = (replica("a"), replica("b"));
        let first = store.outbox.claim_outbox(&a, at(10), 2).await.expect("claim");
        assert_eq!(first.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), ["row-5", "row-4"], "earliest due first");

        // a's lease lapses at 40: b's claim takes a's two rows back, ahead of the later ones.
        let next = store.outbox.claim_outbox(&b, at(41), 3).await.expect("claim");

        assert_eq!(next.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), ["row-5", "row-4", "row-3"]);
        assert!(next.iter().all(|r| r.lease_owner.as_deref() == Some("b")));
    }

    async fn concurrent_claimers_never_take_the_same_outbox_row(backend) {
        let Some(db) = TestDb::create(backend).await else { return };
        let store = migrated_store(&db).await;
        let rows: Vec<NewOutboxRow> = (0..400).map(|i| letter(&format!("row-{i:03}"), i)).collect();
        store.outbox.enqueue(&rows).await.expect("enqueue");

        let claimers = (0..4).map(|n| {
            let (store, lease) = (store.clone(), replica(&format!("replica-{n}")));
            async move {
                let mut mine = Vec::new();
                loop {
                    let batch = store.outbox.claim_outbox(&lease, at(1), 15).await.expect("claim");
                    if batch.is_empty() {
                        return mine;
                    }
                    mine.extend(batch.into_iter().map(|r| r.id));
                }
            }
        });
        let claimed: Vec<Vec<String>> = futures::future::join_all(claimers).await;

        let all: Vec<&String> = claimed.iter().flatten().collect();
        let distinct: HashSet<&String> = all.iter().copied().collect();
        assert_eq!(all.len(), 400, "every row claimed exactly once");
        assert_eq!(distinct.len(), 400);
        if backend == Backend::Postgres {
            assert!(claimed.iter().filter(|c| !c.is_empty()).count() > 1, "claimers ran side by side");
        }
    }

    async fn a_deferred_row_waits_for_its_time_and_counts_no_attempt(backend) {
        let Some(db) = TestDb::create(backend).await else { return };
        let store = migrated_store(&db).await;
        store.outbox.enqueue(&[letter("later", 1)]).await.expect("enqueue");
        let a = replica("a");
        assert_eq!(store.outbox.claim_outbox(&a, at(1), 10).await.expect("claim").len(), 1);

        let deferral = bible_vibecoder::store::Reschedule { id: "later".into(), at: at(5), attempted: false, error: None };
        store.outbox.reschedule_outbox("a", &[deferral]).await.expect("defer");

        assert!(store.outbox.claim_outbox(&a, at(4), 10).await.expect("claim").is_empty(), "not due yet");
        let due = store.outbox.claim_outbox(&a, at(5), 10).await.expect("claim");
        assert_eq!(due.iter().map(|r| r.attempts).collect::<Vec<_>>(), [0]);
    }

    async fn a_workflow_lease_keeps_other_replicas_out_until_it_expires(backend) {
        let Some(db) = TestDb::create(backend).await else { return };
        let store = migrated_store(&db).await;
        let wf = waiting_workflow("00000000-0000-7000-8000-000000000001", 7);
        store.workflows.create_workflow(&wf).await.expect("create");
        let (a, b) = (replica("a"), replica("b"));
        let started = store.workflows.claim_style(workflow_id(&wf.id), 7, Style::Galaxy, now_utc(), &a, 1).await.expect("claim");
        assert_eq!(started, StyleClaim::Claimed);
        let now = now_utc();

        assert!(!store.workflows.acquire_workflow(workflow_id(&wf.id), &b, now).await.expect("acquire"), "a holds it");
        assert!(store.workflows.claimable_workflows(now, 10).await.expect("list").is_empty());
        assert!(store.workflows.renew_workflow(workflow_id(&wf.id), &a, now).await.expect("renew"));
        let expired = now + chrono::Duration::seconds(31);
        assert_eq!(store.workflows.claimable_workflows(expired, 10).await.expect("list"), [workflow_id(&wf.id)]);
        assert!(store.workflows.acquire_workflow(workflow_id(&wf.id), &b, expired).await.expect("take over"));
        assert!(!store.workflows.renew_workflow(workflow_id(&wf.id), &a, expired).await.expect("renew"), "a lost it");
    }

    async fn two_presses_at_once_start_one_carousel_when_the_limit_is_one(backend) {
        let Some(db) = TestDb::create(backend).await else { return };
        let store = migrated_store(&db).await;
        let ids = ["00000000-0000-7000-8000-00000000000a", "00000000-0000-7000-8000-00000000000b"];
        for id in ids {
            store.workflows.create_workflow(&waiting_workflow(id, 9)).await.expect("create");
        }

        let presses = ids.iter().enumerate().map(|(n, id)| {
            let (store, lease) = (store.clone(), replica(&format!("replica-{n}")));
            async move { store.workflows.claim_style(workflow_id(id), 9, Style::Vibrant, now_utc(), &lease, 1).await.expect("claim") }
        });
        let outcomes = futures::future::join_all(presses).await;

        assert_eq!(outcomes.iter().filter(|o| **o == StyleClaim::Claimed).count(), 1, "{outcomes:?}");
        assert_eq!(outcomes.iter().filter(|o| **o == StyleClaim::AtLimit).count(), 1, "{outcomes:?}");
        assert_eq!(store.workflows.running_workflows_of(9).await.expect("count"), 1);
    }

    async fn a_released_replica_leaves_its_work_claimable_at_once(backend) {
        let Some(db) = TestDb::create(backend).await else { return };
        let store = migrated_store(&db).await;
        store.updates.record_updates(&[pending_update(5)]).await.expect("recorded");
        store.outbox.enqueue(&[letter("owed", 3)]).await.expect("enqueue");
        let (a, b) = (replica("a"), replica("b"));
        assert_eq!(store.updates.claim_updates(&a, at(0), 10).await.expect("claim").len(), 1);
        assert_eq!(store.outbox.claim_outbox(&a, at(0), 10).await.expect("claim").len(), 1);

        let (updates, _workflows, outbox) = store.db.release_leases("a").await.expect("release");

        assert_eq!((updates, outbox), (1, 1));
        assert_eq!(store.updates.claim_updates(&b, at(1), 10).await.expect("claim").len(), 1, "no wait for expiry");
        assert_eq!(store.outbox.claim_outbox(&b, at(1), 10).await.expect("claim").len(), 1);
    }

    async fn a_state_the_code_does_not_know_is_an_error_naming_the_row_not_a_default(backend) {
        let Some(db) = TestDb::create(backend).await else { return };
        let store = migrated_store(&db).await;
        let (good, bad) = ("00000000-0000-7000-8000-00000000000a", "00000000-0000-7000-8000-00000000000b");
        store.workflows.create_workflow(&waiting_workflow(good, 7)).await.expect("create");
        store.workflows.create_workflow(&waiting_workflow(bad, 7)).await.expect("create");
        store.outbox.enqueue(&[letter("fine", 1), letter("odd", 1)]).await.expect("enqueue");
        store.updates.record_updates(&[pending_update(41)]).await.expect("recorded");
        // As a newer version (or a hand-made fix) might leave them.
        db.execute(&format!("UPDATE workflows SET state = 'paused' WHERE id = '{bad}'")).await;
        db.execute("UPDATE outbox SET status = 'Sent' WHERE id = 'odd'").await;
        db.execute("UPDATE received_updates SET status = 'archived' WHERE update_id = 41").await;

        assert_eq!(store.workflows.workflow(workflow_id(good)).await.expect("readable").expect("row").state, WorkflowState::AwaitingStyle);
        let error = store.workflows.workflow(workflow_id(bad)).await.expect_err("unknown state").to_string();
        assert!(error.contains(bad) && error.contains("paused") && error.contains("workflow state"), "{error}");
        // Queries that select by state never pick an unknown one up.
        let cancellable = store.workflows.cancellable_workflows_of(7).await.expect("the known row reads");
        assert_eq!(cancellable.iter().map(|w| w.id.as_str()).collect::<Vec<_>>(), [good]);
        let error = store.outbox.outbox_of_chat(1).await.expect_err("unknown status").to_string();
        assert!(error.contains("outbox row odd") && error.contains("\"Sent\""), "{error}");
        let error = store.updates.update_status_of(41).await.expect_err("unknown status").to_string();
        assert!(error.contains("received_updates row 41") && error.contains("archived"), "{error}");
    }

    async fn a_setting_or_style_the_code_does_not_know_is_an_error_naming_the_row_not_a_default(backend) {
        let Some(db) = TestDb::create(backend).await else { return };
        let store = migrated_store(&db).await;
        let (kept, odd) = ("00000000-0000-7000-8000-00000000000c", "00000000-0000-7000-8000-00000000000d");
        store.workflows.create_workflow(&waiting_workflow(kept, 8)).await.expect("create");
        store.workflows.create_workflow(&waiting_workflow(odd, 8)).await.expect("create");
        for user in [8, 9] {
            let profile = UserProfile { id: user, first_name: "Ada".into(), last_name: None, username: None, language_code: None };
            store.users.upsert_user(&profile).await.expect("user");
            store.users.ensure_default_settings(user).await.expect("defaults");
        }
        // As an operator's hand edit, or a newer version with a fourth style, might leave them.
        db.execute(&format!("UPDATE workflows SET size = '1080x1920' WHERE id = '{odd}'")).await;
        db.execute("UPDATE user_settings SET delivery = 'stories' WHERE user_id = 9").await;
        db.execute("UPDATE user_settings SET lang = 'de' WHERE user_id = 8").await;

        let error = store.workflows.workflow(workflow_id(odd)).await.expect_err("unknown size").to_string();
        assert!(error.contains(odd) && error.contains("1080x1920") && error.contains("column size"), "{error}");
        assert_eq!(store.workflows.workflow(workflow_id(kept)).await.expect("readable").expect("row").size, SlideSize::Portrait);
        let error = store.users.settings_of(9).await.expect_err("unknown delivery").to_string();
        assert!(error.contains("user_settings row 9") && error.contains("\"stories\"") && error.contains("delivery"), "{error}");
        let error = store.users.settings_of(8).await.expect_err("unknown language").to_string();
        assert!(error.contains("user_settings row 8") && error.contains("\"de\"") && error.contains("language"), "{error}");
    }
}
