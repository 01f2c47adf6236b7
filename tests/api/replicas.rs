//! Real `serve` processes as operators run them: a deploy (SIGTERM) right after a burst, two
//! replicas on one PostgreSQL with one killed -9, a second process on one SQLite file. What the
//! bot owes a user lives in the store, so every user is answered exactly once.
use crate::helpers::*;
use crate::on_both_backends;
use bible_vibecoder::domain::WorkflowState;
use std::collections::HashMap;
use std::time::Duration;

/// sendMessage calls answered `ok`, counted per chat.
fn messages_per_chat(telegram: &FakeBotApi) -> HashMap<i64, usize> {
    let mut counts = HashMap::new();
    for call in telegram.calls_to("sendMessage") {
        if let Some(chat) = call["chat_id"].as_i64() {
            *counts.entry(chat).or_insert(0) += 1;
        }
    }
    counts
}

/// Albums answered `ok`, counted per chat.
fn albums_per_chat(telegram: &FakeBotApi) -> HashMap<i64, usize> {
    let mut counts = HashMap::new();
    for call in telegram.calls_to("sendMediaGroup") {
        if let Some(chat) = call["chat_id"].as_i64() {
            *counts.entry(chat).or_insert(0) += 1;
        }
    }
    counts
}

const USERS: i64 = 200;
const FIRST_USER: i64 = 5_000_000;

on_both_backends! {
    async fn a_deploy_right_after_a_burst_still_answers_every_user_exactly_once(backend) {
        let Some(db) = TestDb::create(backend).await else { return };
        let telegram = FakeBotApi::start();
        let (mut first, port) = serve_binary(&db.url, &telegram, None, &[]);
        let client = reqwest::Client::new();
        let burst = (0..USERS).map(|i| {
            post_to(&client, port, text_update(9_000_000 + i, FIRST_USER + i, "/help"))
        });
        let statuses = futures::future::join_all(burst).await;
        assert!(statuses.iter().all(|s| *s == 200), "every update acknowledged");

        // Telegram allows 30 messages a second: most replies are still owed when the deploy comes.
        let (status, took) = terminate(&mut first, Duration::from_secs(12));
        assert!(status.success(), "exit 0 on SIGTERM: {status:?}");
        assert!(took < Duration::from_secs(10), "stopped within 10 s: {took:?}");
        let before_restart = telegram.calls_to("sendMessage").len();
        assert!(before_restart < USERS as usize, "the deploy came while replies were owed ({before_restart} sent)");
        // The event log was flushed while the store was still usable (on PostgreSQL pooled
        // connections die with the runtimes that opened them).
        let store = bible_vibecoder::store::Store::connect(&settings_for(&db, &[]).database).expect("pool");
        // Every update finished before the exit executed its command first, and the command's
        // record was appended before it ran: none of those records may be missing.
        let finished = USERS - store.updates.count_open_updates().await.expect("open updates");
        let commands = store.events.latest_events("telegram.command.execute", 1_000).await.expect("events");
        assert!(finished > 0, "the first process finished some updates");
        assert!(commands.len() as i64 >= finished, "every finished update's command flushed before the exit: {} < {finished}", commands.len());

        let (mut second, _port) = serve_binary(&db.url, &telegram, None, &[]);
        eventually("every user answered", Duration::from_secs(60), || async {
            (messages_per_chat(&telegram).len() == USERS as usize).then_some(())
        })
        .await;
        tokio::time::sleep(Duration::from_secs(1)).await;
        let _ = second.kill();
        let _ = second.wait();

        let counts = messages_per_chat(&telegram);
        let doubled: Vec<_> = counts.iter().filter(|(_, n)| **n != 1).collect();
        assert!(doubled.is_empty(), "each user answered exactly once: {doubled:?}");
        assert!((0..USERS).all(|i| counts.contains_key(&(FIRST_USER + i))));
    }
}

#[actix_rt::test]
async fn a_second_process_on_the_same_sqlite_file_refuses_to_start_with_one_line() {
    let Some(db) = TestDb::create(Backend::Sqlite).await else {
        return;
    };
    let telegram = FakeBotApi::start();
    let (mut first, _port) = serve_binary(&db.url, &telegram, None, &[]);

    let second = std::process::Command::new(env!("CARGO_BIN_EXE_bible-vibecoder"))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("DATABASE_URL", &db.url)
        .env("HTTP_ADDR", "127.0.0.1:0")
        .arg("serve")
        .output()
        .expect("second serve runs");
    let _ = first.kill();
    let _ = first.wait();

    assert_eq!(second.status.code(), Some(2), "refused as a setting error");
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert!(
        stderr.contains("another process already serves the SQLite database"),
        "{stderr}"
    );
    assert!(
        stderr.contains("PostgreSQL"),
        "says what to do instead: {stderr}"
    );
}

/// Six users each start a carousel on replica A (the model is slow, so all six are still being
/// written); A is killed -9. B takes every one over once A's leases expire and delivers each
/// album once; A, started again, resends nothing.
#[actix_rt::test]
async fn two_replicas_on_postgres_share_work_and_the_survivor_finishes_a_killed_ones_carousels() {
    let Some(db) = TestDb::create(Backend::Postgres).await else {
        return;
    };
    let telegram = FakeBotApi::start();
    let model = FakeOpenAi::start_slow(model_slides(5), Duration::from_secs(2));
    let fast = [("TELEGRAM_MAX_MESSAGES_PER_SECOND", "1000")];
    let (mut a, port_a) = serve_binary(&db.url, &telegram, Some(&model), &fast);
    let (mut b, port_b) = serve_binary(&db.url, &telegram, Some(&model), &fast);
    let client = reqwest::Client::new();
    let users: Vec<i64> = (0..6).map(|i| 7_100_000 + i).collect();
    for (i, user) in users.iter().enumerate() {
        // Requests arrive at either replica, as behind one URL.
        let port = if i % 2 == 0 { port_a } else { port_b };
        let request = text_update(9_100_000 + i as i64, *user, "/carousel Grace and code");
        assert_eq!(post_to(&client, port, request).await, 200);
    }
    let store =
        bible_vibecoder::store::Store::connect(&settings_for(&db, &[]).database).expect("pool");
    let mut workflows = Vec::new();
    for (i, user) in users.iter().enumerate() {
        let data = telegram.style_offer_in(*user).await;
        workflows.push(data.rsplit(':').next().expect("id").to_string());
        assert_eq!(
            post_to(
                &client,
                port_a,
                press_update(9_200_000 + i as i64, *user, &data)
            )
            .await,
            200
        );
    }
    eventually(
        "every carousel started on A",
        Duration::from_secs(20),
        || async {
            let mut started = 0;
            for id in &workflows {
                let wf = store
                    .workflows
                    .workflow(workflow_id(id))
                    .await
                    .expect("store")
                    .expect("row");
                started += usize::from(wf.state != WorkflowState::AwaitingStyle);
            }
            (started == workflows.len()).then_some(())
        },
    )
    .await;
    a.kill().expect("SIGKILL");
    a.wait().expect("reaped");
    assert!(
        telegram.calls_to("sendMediaGroup").is_empty(),
        "A died before sending any album"
    );

    eventually(
        "every album delivered by B",
        Duration::from_secs(90),
        || async { (albums_per_chat(&telegram).len() == users.len()).then_some(()) },
    )
    .await;
    let (mut a_again, _port) = serve_binary(&db.url, &telegram, Some(&model), &fast);
    tokio::time::sleep(Duration::from_secs(5)).await;
    let _ = a_again.kill();
    let _ = b.kill();
    let _ = (a_again.wait(), b.wait());

    let albums = albums_per_chat(&telegram);
    assert!(
        users.iter().all(|u| albums.get(u) == Some(&1)),
        "one album per user: {albums:?}"
    );
    for id in &workflows {
        let wf = store
            .workflows
            .workflow(workflow_id(id))
            .await
            .expect("store")
            .expect("row");
        assert_eq!(wf.state, WorkflowState::Done, "{id}");
    }
}

/// Kills every connection the application holds to its PostgreSQL database.
async fn cut_connections(db: &TestDb) -> usize {
    use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
    #[derive(diesel::QueryableByName)]
    struct Killed {
        #[diesel(sql_type = diesel::sql_types::Bool)]
        #[allow(dead_code)]
        killed: bool,
    }
    let database = db
        .url
        .rsplit('/')
        .next()
        .expect("database name")
        .to_string();
    let mut admin = AsyncPgConnection::establish(&postgres_admin_url())
        .await
        .expect("admin connection");
    let killed: Vec<Killed> = diesel::sql_query(
        "SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity \
         WHERE datname = $1 AND pid <> pg_backend_pid()",
    )
    .bind::<diesel::sql_types::Text, _>(database)
    .load(&mut admin)
    .await
    .expect("terminate");
    killed.len()
}

/// Posts like Telegram does: a 503 (the store could not record it) is retried until accepted.
async fn deliver_like_telegram(client: &reqwest::Client, port: u16, body: String) {
    for _ in 0..200 {
        match post_to(client, port, body.clone()).await {
            200 => return,
            503 => tokio::time::sleep(Duration::from_millis(50)).await,
            other => panic!("webhook answered {other}"),
        }
    }
    panic!("the webhook never accepted the update");
}

#[actix_rt::test]
async fn connections_cut_twice_during_a_burst_lose_nothing_and_double_nothing_on_postgres() {
    let Some(db) = TestDb::create(Backend::Postgres).await else {
        return;
    };
    let telegram = FakeBotApi::start();
    let fast = [("TELEGRAM_MAX_MESSAGES_PER_SECOND", "1000")];
    let (mut serving, port) = serve_binary(&db.url, &telegram, None, &fast);
    let client = reqwest::Client::new();
    let first_user = 6_000_000;
    let burst = (0..150).map(|i| {
        let body = text_update(9_300_000 + i, first_user + i, "/help");
        deliver_like_telegram(&client, port, body)
    });
    let cuts = async {
        tokio::time::sleep(Duration::from_millis(30)).await;
        let first = cut_connections(&db).await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        first + cut_connections(&db).await
    };
    let (_, killed) = futures::join!(futures::future::join_all(burst), cuts);
    assert!(killed > 0, "connections were cut");

    eventually(
        "every user answered after the cuts",
        Duration::from_secs(60),
        || async { (messages_per_chat(&telegram).len() == 150).then_some(()) },
    )
    .await;
    eventually("ready again", Duration::from_secs(30), || async {
        let ready = client
            .get(format!("http://127.0.0.1:{port}/ready"))
            .send()
            .await
            .ok()?;
        (ready.status() == 200).then_some(())
    })
    .await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let _ = serving.kill();
    let _ = serving.wait();

    let counts = messages_per_chat(&telegram);
    let doubled: Vec<_> = counts.iter().filter(|(_, n)| **n != 1).collect();
    assert!(
        doubled.is_empty(),
        "each user answered exactly once: {doubled:?}"
    );
}
