//! No password, token or hash ever appears in a log line: the real binary's logs, captured.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use serde_json::{Value, json};

use crate::common::TestDb;

#[tokio::test]
async fn logs_hold_no_password_token_or_hash() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::create(dir.path());
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_quai"));
    for (key, _) in std::env::vars() {
        if key.starts_with("QUAI_") {
            cmd.env_remove(key);
        }
    }
    let mut child = cmd
        .current_dir(dir.path())
        .arg("serve")
        .env("QUAI_BIND", "127.0.0.1:0")
        .env("QUAI_LOG_FORMAT", "json")
        .env("QUAI_LOG", "debug,h2=info,hyper=info,rustls=info")
        .env("QUAI_DATABASE_URL", db.url())
        .env("QUAI_JWT_SECRET", crate::common::JWT_SECRET)
        .env("QUAI_JOBS_POLL_MS", "20")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let mut lines = Vec::new();
    let address = loop {
        let line = rx
            .recv_timeout(std::time::Duration::from_secs(30))
            .expect("a log line");
        lines.push(line.clone());
        if let Some(addr) = serde_json::from_str::<Value>(&line)
            .ok()
            .and_then(|v| v["address"].as_str().map(str::to_owned))
        {
            break format!("http://{addr}");
        }
    };
    let client = reqwest::Client::new();
    let post = |path: &str, body: Value| client.post(format!("{address}{path}")).json(&body).send();
    let password = "une phrase secrète très longue 42";
    let new_password = "une autre phrase secrète bien longue";
    post("/api/v1/auth/signup", json!({"email": "lea@startup.fr", "password": password, "display_name": "Léa", "kind": "mentor"})).await.unwrap();
    let tokens: Value = post(
        "/api/v1/auth/login",
        json!({"email": "lea@startup.fr", "password": password}),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    post(
        "/api/v1/auth/login",
        json!({"email": "lea@startup.fr", "password": "wrong-password-here"}),
    )
    .await
    .unwrap();
    let refreshed: Value = post(
        "/api/v1/auth/refresh",
        json!({"refresh_token": tokens["refresh_token"]}),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    post(
        "/api/v1/auth/password-reset",
        json!({"email": "lea@startup.fr"}),
    )
    .await
    .unwrap();
    // Wait for both emails, then use the reset link.
    let outbox = dir.path().join("data").join("outbox");
    let mut texts = Vec::new();
    for _ in 0..400 {
        texts = std::fs::read_dir(&outbox)
            .map(|d| {
                d.filter_map(Result::ok)
                    .filter_map(|e| std::fs::read_to_string(e.path()).ok())
                    .collect()
            })
            .unwrap_or_default();
        if texts.len() >= 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    assert_eq!(texts.len(), 2);
    let mut link_tokens = Vec::new();
    for text in &texts {
        let parsed = mail_parser::MessageParser::default()
            .parse(text.as_bytes())
            .unwrap();
        let body = parsed.body_text(0).unwrap().into_owned();
        link_tokens.push(crate::common::accounts::token_in(&body));
    }
    for token in &link_tokens {
        post(
            "/api/v1/auth/password-reset/confirm",
            json!({"token": token, "password": new_password}),
        )
        .await
        .unwrap();
        post("/api/v1/auth/verify-email", json!({"token": token}))
            .await
            .unwrap();
    }
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    child.wait().unwrap();
    while let Ok(line) = rx.recv_timeout(std::time::Duration::from_secs(5)) {
        lines.push(line);
    }
    let log = lines.join("\n");
    assert!(log.contains("\"answered\""), "the requests were logged");
    let secrets = [
        password.to_owned(),
        new_password.to_owned(),
        "wrong-password-here".to_owned(),
        tokens["access_token"].as_str().unwrap().to_owned(),
        tokens["refresh_token"].as_str().unwrap().to_owned(),
        refreshed["refresh_token"].as_str().unwrap().to_owned(),
        "$argon2".to_owned(),
        crate::common::JWT_SECRET.to_owned(),
        "lea@startup.fr".to_owned(),
    ];
    for secret in secrets.iter().chain(link_tokens.iter()) {
        assert!(!log.contains(secret.as_str()), "a log line holds {secret}");
    }
}
