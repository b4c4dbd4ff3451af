//! Account helpers for tests: sign up, read the emails the app wrote, sign in.

use std::time::Duration;

use mail_parser::MessageParser;
use serde_json::{Value, json};

use super::TestApp;

pub const PASSWORD: &str = "hortillonnages et cathédrale 2026";

/// The text of every email in the file outbox, oldest first: (to, subject, text body).
pub fn outbox(app: &TestApp) -> Vec<(String, String, String)> {
    let dir = app.data_dir().join("outbox");
    let files: Vec<_> = std::fs::read_dir(&dir)
        .map(|d| {
            d.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "eml"))
                .collect()
        })
        .unwrap_or_default();
    // In the order the emails were queued: the job id is in the Message-ID (`<quai.<job>.…>`);
    // several jobs run at once, so the files' times do not tell.
    let mut mails: Vec<(i64, (String, String, String))> = files
        .iter()
        .filter_map(|p| {
            let raw = std::fs::read(p).ok()?;
            let msg = MessageParser::default().parse(&raw)?;
            let job: i64 = msg.message_id()?.split('.').nth(1)?.parse().ok()?;
            let to = msg.to()?.first()?.address()?.to_owned();
            let subject = msg.subject().unwrap_or("").to_owned();
            let text = msg.body_text(0).map(|t| t.into_owned()).unwrap_or_default();
            Some((job, (to, subject, text)))
        })
        .collect();
    mails.sort_by_key(|(job, _)| *job);
    mails.into_iter().map(|(_, mail)| mail).collect()
}

/// Waits for the `n`-th email to `to` and returns its text.
pub async fn email_to(app: &TestApp, to: &str, n: usize) -> (String, String) {
    for _ in 0..400 {
        let mails: Vec<_> = outbox(app)
            .into_iter()
            .filter(|(t, _, _)| t == to)
            .collect();
        if mails.len() >= n {
            let (_, subject, text) = mails[n - 1].clone();
            return (subject, text);
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("no email #{n} to {to}; outbox: {:?}", outbox(app));
}

/// The `jeton` of the link in an email text.
pub fn token_in(text: &str) -> String {
    let start = text
        .find("jeton=")
        .unwrap_or_else(|| panic!("no link in {text}"))
        + "jeton=".len();
    text[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

pub async fn signup(app: &TestApp, email: &str, name: &str, kind: &str) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/auth/signup"))
        .json(&json!({ "email": email, "password": PASSWORD, "display_name": name, "kind": kind }))
        .send()
        .await
        .unwrap()
}

pub async fn login_with(app: &TestApp, email: &str, password: &str) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({ "email": email, "password": password }))
        .send()
        .await
        .unwrap()
}

/// Signs up, verifies the address from the email, signs in; returns the login answer.
pub async fn verified_user(app: &TestApp, email: &str, name: &str, kind: &str) -> Value {
    // Someone may have written to this address before (an invitation): the next email.
    let before = outbox(app).iter().filter(|(to, _, _)| to == email).count();
    assert_eq!(signup(app, email, name, kind).await.status(), 202);
    let (_, text) = email_to(app, email, before + 1).await;
    let res = app
        .client
        .post(app.url("/api/v1/auth/verify-email"))
        .json(&json!({ "token": token_in(&text) }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    let res = login_with(app, email, PASSWORD).await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

pub fn bearer(tokens: &Value) -> String {
    format!("Bearer {}", tokens["access_token"].as_str().unwrap())
}

/// Makes an admin directly in the database (as `quai create-admin` does) and signs in.
pub async fn admin(app: &TestApp, email: &str) -> Value {
    let hash = quai::auth::password::hash_now(PASSWORD).unwrap();
    quai::accounts::service::create_admin(
        &mut app.connect(),
        email,
        Some(&hash),
        "Équipe Amiens Cluster",
    )
    .unwrap();
    let res = login_with(app, email, PASSWORD).await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

/// A JSON API request as the signed-in person of `who` (a login answer).
pub async fn call(
    app: &TestApp,
    method: &str,
    who: &Value,
    path: &str,
    body: Option<Value>,
) -> reqwest::Response {
    let mut req = app
        .client
        .request(method.parse().unwrap(), app.url(path))
        .header("authorization", bearer(who));
    if let Some(b) = body {
        req = req.json(&b);
    }
    req.send().await.unwrap()
}
