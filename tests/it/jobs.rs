//! The durable job queue: transactions, dedup, schedules, crashed workers, several workers.

use std::collections::HashSet;
use std::io::Read;
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};

use diesel::Connection;
use quai::jobs::EnqueueOptions;
use quai::mail::{self, Rendered};

use crate::common::smtp::SmtpSink;
use crate::common::{TestApp, wait_until};

fn content(n: usize) -> Rendered {
    Rendered {
        subject: format!("Message {n}"),
        text: format!("Bonjour n°{n}"),
        html: format!("<p>Bonjour n°{n}</p>"),
    }
}

fn enqueue(conn: &mut quai::db::DbConnection, n: usize, options: EnqueueOptions) -> Option<i64> {
    let to = mail::parse_recipient("to", &format!("porteur{n}@startup.fr")).unwrap();
    mail::enqueue(conn, &to, content(n), vec![], options).unwrap()
}

#[tokio::test]
async fn a_job_exists_only_if_its_transaction_commits() {
    let app = TestApp::spawn_with(|s| s.serve_jobs = false).await;
    let mut conn = app.connect();
    let outcome: Result<(), diesel::result::Error> = conn.transaction(|c| {
        enqueue(c, 1, EnqueueOptions::default());
        Err(diesel::result::Error::RollbackTransaction)
    });
    assert!(outcome.is_err());
    assert_eq!(app.jobs("").await["total"], 0);
    conn.transaction(|c| {
        enqueue(c, 2, EnqueueOptions::default());
        Ok::<_, diesel::result::Error>(())
    })
    .unwrap();
    assert_eq!(app.jobs("queued").await["total"], 1);
}

#[tokio::test]
async fn a_dedup_key_keeps_one_job() {
    let app = TestApp::spawn_with(|s| s.serve_jobs = false).await;
    let mut conn = app.connect();
    let key = || EnqueueOptions {
        run_at: None,
        dedup_key: Some("reminder:event-7:user-3".into()),
    };
    assert!(enqueue(&mut conn, 1, key()).is_some());
    assert!(enqueue(&mut conn, 1, key()).is_none());
    let jobs = app.jobs("").await;
    assert_eq!(jobs["total"], 1);
    assert_eq!(jobs["items"][0]["dedup_key"], "reminder:event-7:user-3");
}

#[tokio::test]
async fn scheduled_jobs_wait_for_their_time() {
    let sink = SmtpSink::start();
    let app =
        TestApp::spawn_with(|s| s.smtp_url = Some(quai::config::Secret::new(sink.url()))).await;
    let mut conn = app.connect();
    let now = chrono::Utc::now().naive_utc();
    let later = enqueue(
        &mut conn,
        1,
        EnqueueOptions {
            run_at: Some(now + chrono::Duration::hours(1)),
            dedup_key: None,
        },
    );
    enqueue(
        &mut conn,
        2,
        EnqueueOptions {
            run_at: Some(now + chrono::Duration::milliseconds(500)),
            dedup_key: None,
        },
    );
    wait_until(10, "the job due in half a second", || async {
        sink.received().len() == 1
    })
    .await;
    assert_eq!(sink.received()[0].header("Subject").unwrap(), "Message 2");
    let jobs = app.jobs("queued").await;
    assert_eq!(jobs["total"], 1);
    assert_eq!(jobs["items"][0]["id"].as_i64(), later);
    assert_eq!(
        jobs["items"][0]["attempts"], 0,
        "the job due in an hour was never claimed"
    );
}

/// `quai worker` as its own process, with a clean QUAI_* environment.
fn worker_process(
    app: &TestApp,
    smtp_url: &str,
    lock_seconds: u64,
    log: &std::path::Path,
) -> Child {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_quai"));
    for (key, _) in std::env::vars() {
        if key.starts_with("QUAI_") {
            cmd.env_remove(key);
        }
    }
    let data = app
        .data_dir()
        .join(format!("worker-{}", uuid::Uuid::new_v4().simple()));
    cmd.arg("worker")
        .env("QUAI_DATABASE_URL", app.db.url())
        .env("QUAI_DATA_DIR", &data)
        .env("QUAI_SMTP_URL", smtp_url)
        .env("QUAI_JOBS_POLL_MS", "20")
        .env("QUAI_JOBS_BACKOFF_MS", "20")
        .env("QUAI_JOBS_BACKOFF_MAX_SECONDS", "1")
        .env("QUAI_JOBS_LOCK_SECONDS", lock_seconds.to_string())
        .env("QUAI_LOG_FORMAT", "json")
        .env("QUAI_JWT_SECRET", crate::common::JWT_SECRET)
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(log).unwrap())
        .spawn()
        .expect("quai worker starts")
}

/// An SMTP server that accepts connections and never says a word.
fn black_hole() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().flatten() {
            held.push(stream);
        }
    });
    port
}

#[tokio::test]
async fn a_killed_workers_jobs_run_again_after_its_lock_expires() {
    let app = TestApp::spawn_with(|s| {
        s.serve_jobs = false;
        s.jobs_lock_seconds = 2;
    })
    .await;
    let mut conn = app.connect();
    for n in 0..6 {
        enqueue(&mut conn, n, EnqueueOptions::default());
    }
    // A worker claims a batch, then hangs on an SMTP server that never answers…
    let log = app.data_dir().join("doomed-worker.log");
    let mut doomed = worker_process(&app, &format!("smtp://127.0.0.1:{}", black_hole()), 2, &log);
    wait_until(20, "the doomed worker to claim a batch", || async {
        app.jobs("running").await["total"] == 4
    })
    .await;
    // …and is killed in the middle of it.
    doomed.kill().unwrap();
    doomed.wait().unwrap();

    let sink = SmtpSink::start();
    let mut settings = app.settings.clone();
    settings.smtp_url = Some(quai::config::Secret::new(sink.url()));
    let rescuer = quai::app::Runtime::prepare(settings)
        .unwrap()
        .worker()
        .spawn();
    wait_until(30, "all six messages", || async {
        sink.received().len() >= 6
    })
    .await;
    wait_until(10, "an empty queue", || async {
        app.jobs("").await["total"] == 0
    })
    .await;
    rescuer.stop().await;
    let received = sink.received();
    assert_eq!(received.len(), 6);
    let ids: HashSet<_> = received.iter().map(|r| r.message_id()).collect();
    assert_eq!(ids.len(), 6, "each once");
}

#[tokio::test]
async fn two_worker_processes_run_500_jobs_exactly_once() {
    let sink = SmtpSink::start();
    let app = TestApp::spawn_with(|s| s.serve_jobs = false).await;
    let logs = [
        app.data_dir().join("worker-a.log"),
        app.data_dir().join("worker-b.log"),
    ];
    let mut workers: Vec<Child> = logs
        .iter()
        .map(|log| worker_process(&app, &sink.url(), 60, log))
        .collect();
    // Both are polling before the work arrives, so both take part.
    wait_until(30, "both workers to start", || async {
        logs.iter()
            .all(|log| std::fs::read_to_string(log).is_ok_and(|t| t.contains("job worker started")))
    })
    .await;
    let mut conn = app.connect();
    conn.transaction(|c| {
        for n in 0..500 {
            enqueue(c, n, EnqueueOptions::default());
        }
        Ok::<_, diesel::result::Error>(())
    })
    .unwrap();
    wait_until(180, "500 deliveries", || async {
        sink.received().len() >= 500
    })
    .await;
    wait_until(20, "an empty queue", || async {
        app.jobs("").await["total"] == 0
    })
    .await;
    for w in &mut workers {
        Command::new("kill")
            .args(["-TERM", &w.id().to_string()])
            .status()
            .unwrap();
        assert!(
            w.wait().unwrap().success(),
            "a worker stops cleanly on SIGTERM"
        );
    }

    let received = sink.received();
    assert_eq!(received.len(), 500, "none twice");
    let ids: HashSet<_> = received.iter().map(|r| r.message_id()).collect();
    assert_eq!(ids.len(), 500);
    let recipients: HashSet<_> = received.iter().flat_map(|r| r.to.clone()).collect();
    assert_eq!(recipients.len(), 500);

    let mut done_per_worker = Vec::new();
    for log in &logs {
        let mut text = String::new();
        std::fs::File::open(log)
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        done_per_worker.push(text.lines().filter(|l| l.contains("\"job done\"")).count());
        assert!(
            !text.contains("porteur1@startup.fr") && !text.contains("porteur"),
            "recipients are masked in logs"
        );
        assert!(text.contains("p…@startup.fr"), "the masked form is logged");
    }
    assert_eq!(
        done_per_worker.iter().sum::<usize>(),
        500,
        "{done_per_worker:?}"
    );
    assert!(
        done_per_worker.iter().all(|&n| n > 0),
        "both workers took part: {done_per_worker:?}"
    );
}
