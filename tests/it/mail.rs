//! Email delivery through the job queue, counted at a real SMTP server.

use std::collections::HashSet;

use serde_json::Value;

use crate::common::smtp::{Fault, SmtpSink, free_port};
use crate::common::{TestApp, problem, wait_until};

async fn queue_is_empty(app: &TestApp) -> bool {
    app.jobs("").await["total"] == 0
}

fn unique_ids(received: &[crate::common::smtp::Received]) -> HashSet<String> {
    received.iter().map(|r| r.message_id()).collect()
}

#[tokio::test]
async fn an_email_has_subject_text_html_and_a_message_id_from_its_job() {
    let sink = SmtpSink::start();
    let app =
        TestApp::spawn_with(|s| s.smtp_url = Some(quai::config::Secret::new(sink.url()))).await;
    let res = app
        .send_test_email("Léa Martin <lea@startup-amiens.fr>", "fr")
        .await;
    assert_eq!(res.status(), 202);
    let job_id = res.json::<Value>().await.unwrap()["job_id"]
        .as_i64()
        .unwrap();
    wait_until(10, "delivery", || async { sink.received().len() == 1 }).await;
    let mail = &sink.received()[0];
    assert_eq!(mail.to, ["lea@startup-amiens.fr"]);
    assert_eq!(mail.header("Subject").unwrap(), "Message de test de Quai");
    assert!(mail.header("From").unwrap().contains("quai@localhost"));
    assert!(
        mail.message_id().starts_with(&format!("<quai.{job_id}.")),
        "{}",
        mail.message_id()
    );
    assert!(mail.message_id().ends_with("@127.0.0.1>"));
    assert!(
        mail.header("Content-Type")
            .unwrap()
            .starts_with("multipart/alternative")
    );
    assert!(
        mail.data
            .contains("Content-Type: text/plain; charset=utf-8")
    );
    assert!(mail.data.contains("Content-Type: text/html; charset=utf-8"));
    assert!(mail.data.contains("Amiens Cluster"));
    wait_until(5, "an empty queue", || queue_is_empty(&app)).await;

    let metrics = app.get("/metrics").await.text().await.unwrap();
    assert!(
        metrics.lines().any(|l| l == "quai_emails_sent_total 1"),
        "{metrics}"
    );
    assert!(
        metrics
            .lines()
            .any(|l| l.starts_with("quai_jobs_completed_total{kind=\"send_email\"} 1")),
        "{metrics}"
    );
}

#[tokio::test]
async fn the_recipients_language_is_used() {
    let sink = SmtpSink::start();
    let app =
        TestApp::spawn_with(|s| s.smtp_url = Some(quai::config::Secret::new(sink.url()))).await;
    assert_eq!(
        app.send_test_email("mentor@engie.example.com", "en")
            .await
            .status(),
        202
    );
    wait_until(10, "delivery", || async { sink.received().len() == 1 }).await;
    assert_eq!(
        sink.received()[0].header("Subject").unwrap(),
        "Test message from Quai"
    );
}

#[tokio::test]
async fn without_smtp_emails_are_written_to_the_outbox() {
    let app = TestApp::spawn().await;
    assert_eq!(
        app.send_test_email("contact@amiens-cluster.fr", "fr")
            .await
            .status(),
        202
    );
    let outbox = app.data_dir().join("outbox");
    let eml = || {
        std::fs::read_dir(&outbox)
            .map(|d| {
                d.filter_map(Result::ok)
                    .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    };
    wait_until(10, "an .eml file", || async { eml().len() == 1 }).await;
    let text = std::fs::read_to_string(eml()[0].path()).unwrap();
    assert!(text.contains("Subject: Message de test de Quai"), "{text}");
    assert!(text.contains("Message-ID: <quai."), "{text}");
    assert!(text.contains("To: contact@amiens-cluster.fr"), "{text}");
}

#[tokio::test]
async fn a_malformed_recipient_is_refused_when_enqueued() {
    let app = TestApp::spawn().await;
    for bad in ["not-an-address", "a@", "x y@z.fr", ""] {
        let body = problem(
            app.send_test_email(bad, "fr").await,
            422,
            "validation_failed",
        )
        .await;
        assert!(body["errors"]["to"][0].is_string(), "{bad}: {body}");
    }
    assert_eq!(app.jobs("").await["total"], 0, "nothing was queued");
}

#[tokio::test]
async fn smtp_down_for_a_while_loses_nothing() {
    let port = free_port();
    let app = TestApp::spawn_with(|s| {
        s.smtp_url = Some(quai::config::Secret::new(format!(
            "smtp://127.0.0.1:{port}"
        )))
    })
    .await;
    let readyz: Value = app.get("/readyz").await.json().await.unwrap();
    assert_eq!(
        readyz["status"], "ready",
        "mail down does not make the platform unready"
    );
    assert_eq!(readyz["checks"]["mail"], "unavailable");
    for n in 0..10 {
        assert_eq!(
            app.send_test_email(&format!("porteur{n}@startup.fr"), "fr")
                .await
                .status(),
            202
        );
    }
    // Every message has failed at least once against the absent server…
    wait_until(20, "every job to fail once", || async {
        let jobs = app.jobs("").await;
        jobs["total"] == 10
            && jobs["items"]
                .as_array()
                .unwrap()
                .iter()
                .all(|j| j["attempts"].as_i64() >= Some(1) && j["last_error"].is_string())
    })
    .await;
    // …then the server comes up on that port, and each arrives exactly once.
    let sink = SmtpSink::start_on(port);
    wait_until(30, "all ten messages", || async {
        sink.received().len() >= 10
    })
    .await;
    wait_until(10, "an empty queue", || queue_is_empty(&app)).await;
    let received = sink.received();
    assert_eq!(received.len(), 10);
    assert_eq!(unique_ids(&received).len(), 10);
    let readyz: Value = app.get("/readyz").await.json().await.unwrap();
    assert_eq!(readyz["checks"]["mail"], "ok");
}

#[tokio::test]
async fn smtp_refusing_half_the_attempts_delivers_everything_once() {
    let sink = SmtpSink::start();
    sink.set_fault(Fault::Flaky);
    let app =
        TestApp::spawn_with(|s| s.smtp_url = Some(quai::config::Secret::new(sink.url()))).await;
    for n in 0..20 {
        assert_eq!(
            app.send_test_email(&format!("mentor{n}@engie.example.com"), "fr")
                .await
                .status(),
            202
        );
    }
    wait_until(60, "an empty queue", || queue_is_empty(&app)).await;
    let received = sink.received();
    assert_eq!(received.len(), 20);
    assert_eq!(unique_ids(&received).len(), 20, "none twice");
    assert!(
        sink.attempts() >= 38,
        "the server did refuse about half: {} attempts",
        sink.attempts()
    );
    let recipients: HashSet<_> = received.iter().flat_map(|r| r.to.clone()).collect();
    assert_eq!(recipients.len(), 20);
}

#[tokio::test]
async fn a_550_kills_the_job_at_once_with_the_answer_visible_then_an_admin_retries_it() {
    let sink = SmtpSink::start();
    sink.set_fault(Fault::Reject550);
    let app =
        TestApp::spawn_with(|s| s.smtp_url = Some(quai::config::Secret::new(sink.url()))).await;
    let job_id = app
        .send_test_email("inconnu@startup.fr", "fr")
        .await
        .json::<Value>()
        .await
        .unwrap()["job_id"]
        .as_i64()
        .unwrap();
    wait_until(10, "a dead job", || async {
        app.jobs("dead").await["total"] == 1
    })
    .await;
    let dead = &app.jobs("dead").await["items"][0];
    assert_eq!(dead["id"], job_id);
    assert_eq!(dead["attempts"], 1, "no retry after a permanent refusal");
    let error = dead["last_error"].as_str().unwrap();
    assert!(
        error.contains("550") && error.contains("Mailbox unavailable"),
        "{error}"
    );
    assert!(sink.received().is_empty());
    let metrics = app.get("/metrics").await.text().await.unwrap();
    assert!(
        metrics.lines().any(|l| l == "quai_jobs{state=\"dead\"} 1"),
        "{metrics}"
    );

    // The address is fixed on the server's side; an admin retries the job.
    sink.set_fault(Fault::None);
    let res = app
        .operator(
            app.client
                .post(app.url(&format!("/api/v1/admin/jobs/{job_id}/retry"))),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    wait_until(10, "delivery after the retry", || async {
        sink.received().len() == 1
    })
    .await;
    wait_until(5, "an empty queue", || queue_is_empty(&app)).await;
}

#[tokio::test]
async fn dead_jobs_can_be_discarded_and_live_ones_cannot() {
    let sink = SmtpSink::start();
    sink.set_fault(Fault::Reject550);
    let app =
        TestApp::spawn_with(|s| s.smtp_url = Some(quai::config::Secret::new(sink.url()))).await;
    let job_id = app
        .send_test_email("inconnu@startup.fr", "fr")
        .await
        .json::<Value>()
        .await
        .unwrap()["job_id"]
        .as_i64()
        .unwrap();
    wait_until(10, "a dead job", || async {
        app.jobs("dead").await["total"] == 1
    })
    .await;
    let discard = |id: i64| {
        app.operator(
            app.client
                .delete(app.url(&format!("/api/v1/admin/jobs/{id}"))),
        )
        .send()
    };
    assert_eq!(discard(job_id).await.unwrap().status(), 204);
    assert_eq!(app.jobs("").await["total"], 0);
    problem(discard(job_id).await.unwrap(), 404, "not_found").await;

    // A job that is not dead is neither discarded nor retried.
    let mut conn = app.connect();
    let future = chrono::Utc::now().naive_utc() + chrono::Duration::hours(1);
    let to = quai::mail::parse_recipient("to", "later@startup.fr").unwrap();
    let content = quai::mail::Rendered {
        subject: "s".into(),
        text: "t".into(),
        html: "<p>h</p>".into(),
    };
    let id = quai::mail::enqueue(
        &mut conn,
        &to,
        content,
        vec![],
        quai::jobs::EnqueueOptions {
            run_at: Some(future),
            dedup_key: None,
        },
    )
    .unwrap()
    .unwrap();
    problem(discard(id).await.unwrap(), 409, "conflict").await;
    let res = app
        .operator(
            app.client
                .post(app.url(&format!("/api/v1/admin/jobs/{id}/retry"))),
        )
        .send()
        .await
        .unwrap();
    problem(res, 409, "conflict").await;
}

#[tokio::test]
async fn the_job_api_is_for_operators_only() {
    let app = TestApp::spawn().await;
    problem(app.get("/api/v1/admin/jobs").await, 401, "unauthorized").await;
    let res = app
        .client
        .post(app.url("/api/v1/admin/test-email"))
        .json(&serde_json::json!({"to": "a@b.fr"}))
        .send()
        .await
        .unwrap();
    problem(res, 401, "unauthorized").await;
    problem(
        app.get("/api/v1/admin/jobs?state=unknown").await,
        401,
        "unauthorized",
    )
    .await;
    let res = app
        .operator(app.client.get(app.url("/api/v1/admin/jobs?state=unknown")))
        .send()
        .await
        .unwrap();
    problem(res, 400, "bad_request").await;
}
