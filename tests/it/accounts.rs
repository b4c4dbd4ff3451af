//! Accounts through the API: sign-up, verification, sessions, tokens, limits, roles, audit.

use diesel::{QueryDsl, RunQueryDsl};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

use crate::common::accounts::{
    PASSWORD, admin, bearer, email_to, login_with, signup, token_in, verified_user,
};
use crate::common::{JWT_SECRET, TestApp, problem};

async fn me(app: &TestApp, auth: &str) -> reqwest::Response {
    app.client
        .get(app.url("/api/v1/me"))
        .header("authorization", auth)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn sign_up_verify_then_sign_in() {
    let app = TestApp::spawn().await;
    let res = signup(
        &app,
        "  Lea.Martin@Startup-Amiens.fr ",
        "Léa Martin",
        "startup_founder",
    )
    .await;
    assert_eq!(res.status(), 202);
    problem(app.get("/api/v1/me").await, 401, "unauthorized").await;

    // Unverified accounts can sign in…
    let tokens: Value = login_with(&app, "lea.martin@startup-amiens.fr", PASSWORD)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(tokens["token_type"], "Bearer");
    assert_eq!(tokens["expires_in"], 900);
    let body: Value = me(&app, &bearer(&tokens)).await.json().await.unwrap();
    assert_eq!(body["email"], "lea.martin@startup-amiens.fr");
    assert_eq!(body["email_verified"], false);
    assert_eq!(body["roles"], json!(["startup_member"]));

    // …and verify with the emailed link, once.
    let (subject, text) = email_to(&app, "lea.martin@startup-amiens.fr", 1).await;
    assert_eq!(subject, "Confirmez votre adresse email");
    assert!(text.contains("/verifier-email?jeton="), "{text}");
    let token = token_in(&text);
    assert!(token.len() >= 43, "256 bits: {token}");
    let verify = || {
        app.client
            .post(app.url("/api/v1/auth/verify-email"))
            .json(&json!({ "token": token }))
            .send()
    };
    assert_eq!(verify().await.unwrap().status(), 204);
    let body: Value = me(&app, &bearer(&tokens)).await.json().await.unwrap();
    assert_eq!(body["email_verified"], true);
    let again = problem(verify().await.unwrap(), 422, "validation_failed").await;
    assert!(again["errors"]["token"].is_array());
}

#[tokio::test]
async fn sign_up_refuses_bad_input_and_writes_nothing() {
    let app = TestApp::spawn().await;
    let cases = [
        (
            json!({"email": "pas-une-adresse", "password": PASSWORD, "display_name": "X", "kind": "mentor"}),
            "email",
        ),
        (
            json!({"email": "a@b.fr", "password": "court", "display_name": "X", "kind": "mentor"}),
            "password",
        ),
        (
            json!({"email": "a@b.fr", "password": "passwordpassword", "display_name": "X", "kind": "mentor"}),
            "password",
        ),
        (
            json!({"email": "a@b.fr", "password": PASSWORD, "display_name": "", "kind": "mentor"}),
            "display_name",
        ),
        (
            json!({"email": "a@b.fr", "password": PASSWORD, "display_name": "X", "kind": "astronaut"}),
            "kind",
        ),
        (
            json!({"email": "a@b.fr", "password": "x".repeat(129), "display_name": "X", "kind": "mentor"}),
            "password",
        ),
    ];
    for (body, field) in cases {
        let res = app
            .client
            .post(app.url("/api/v1/auth/signup"))
            .json(&body)
            .send()
            .await
            .unwrap();
        let p = problem(res, 422, "validation_failed").await;
        assert!(p["errors"][field].is_array(), "{field}: {p}");
    }
    let users: Value = app
        .operator(app.client.get(app.url("/api/v1/admin/users")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(users["total"], 0);
}

#[tokio::test]
async fn answers_never_reveal_whether_an_address_has_an_account() {
    let app = TestApp::spawn().await;
    verified_user(&app, "mentor@engie.example.com", "Mentor", "mentor").await;

    let taken = signup(&app, "mentor@engie.example.com", "Autre", "mentor").await;
    let free = signup(&app, "nouveau@startup.fr", "Nouveau", "mentor").await;
    assert_eq!(taken.status(), free.status());
    assert_eq!(taken.text().await.unwrap(), free.text().await.unwrap());
    // The owner of the taken address is told instead.
    let (subject, _) = email_to(&app, "mentor@engie.example.com", 2).await;
    assert_eq!(subject, "Tentative d’inscription avec votre adresse");

    let wrong_password =
        login_with(&app, "mentor@engie.example.com", "not the password at all").await;
    let unknown = login_with(&app, "personne@nulle-part.fr", "not the password at all").await;
    assert_eq!(wrong_password.status(), 401);
    assert_eq!(unknown.status(), 401);
    let (a, b): (Value, Value) = (
        wrong_password.json().await.unwrap(),
        unknown.json().await.unwrap(),
    );
    assert_eq!(a, b);

    let reset = |email: &'static str| {
        app.client
            .post(app.url("/api/v1/auth/password-reset"))
            .json(&json!({ "email": email }))
            .send()
    };
    let (known, unknown) = (
        reset("mentor@engie.example.com").await.unwrap(),
        reset("personne@nulle-part.fr").await.unwrap(),
    );
    assert_eq!(known.status(), 202);
    assert_eq!(known.text().await.unwrap(), unknown.text().await.unwrap());
}

#[tokio::test]
async fn refresh_tokens_rotate_and_a_replay_revokes_the_family() {
    let app = TestApp::spawn().await;
    let first = verified_user(&app, "porteur@startup.fr", "Porteur", "startup_founder").await;
    let refresh = |token: String| {
        app.client
            .post(app.url("/api/v1/auth/refresh"))
            .json(&json!({ "refresh_token": token }))
            .send()
    };
    let old = first["refresh_token"].as_str().unwrap().to_owned();
    let res = refresh(old.clone()).await.unwrap();
    assert_eq!(res.status(), 200);
    let second: Value = res.json().await.unwrap();
    assert_ne!(second["refresh_token"], first["refresh_token"]);
    assert_eq!(me(&app, &bearer(&second)).await.status(), 200);

    // Within the grace window a double refresh (two tabs) is tolerated…
    assert_eq!(refresh(old.clone()).await.unwrap().status(), 200);
    // …later, the replay of a rotated token is theft: the whole family dies.
    let mut conn = app.connect();
    let past = chrono::Utc::now().naive_utc() - chrono::Duration::seconds(60);
    diesel::sql_query(match &app.db {
        crate::common::TestDb::Postgres { .. } => {
            "UPDATE refresh_tokens SET used_at = $1 WHERE used_at IS NOT NULL"
        }
        crate::common::TestDb::Sqlite(_) => {
            "UPDATE refresh_tokens SET used_at = ?1 WHERE used_at IS NOT NULL"
        }
    })
    .bind::<diesel::sql_types::Timestamp, _>(past)
    .execute(&mut conn)
    .unwrap();
    problem(refresh(old).await.unwrap(), 401, "unauthorized").await;
    problem(
        refresh(second["refresh_token"].as_str().unwrap().to_owned())
            .await
            .unwrap(),
        401,
        "unauthorized",
    )
    .await;
    problem(me(&app, &bearer(&second)).await, 401, "unauthorized").await;
    let audit: Value = app
        .operator(app.client.get(app.url("/api/v1/admin/audit-log")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        audit["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "refresh_token_reused"),
        "{audit}"
    );
}

fn claims(app: &TestApp, user: i64, sid: i64) -> serde_json::Map<String, Value> {
    let now = chrono::Utc::now().timestamp();
    let Value::Object(map) = json!({
        "iss": app.settings.base_url.as_str(), "aud": "quai", "sub": user.to_string(),
        "exp": now + 600, "iat": now, "jti": "0b6f1c9a-test", "typ": "access", "sid": sid,
    }) else {
        unreachable!()
    };
    map
}

fn sign(alg: Algorithm, key: &str, claims: &serde_json::Map<String, Value>) -> String {
    jsonwebtoken::encode(
        &Header::new(alg),
        claims,
        &EncodingKey::from_secret(key.as_bytes()).unwrap(),
    )
    .unwrap()
}

fn b64(v: &Value) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string())
}

#[tokio::test]
async fn crafted_tokens_are_all_refused() {
    let app = TestApp::spawn().await;
    let tokens = verified_user(&app, "cible@startup.fr", "Cible", "startup_founder").await;
    let me_body: Value = me(&app, &bearer(&tokens)).await.json().await.unwrap();
    let user = me_body["id"].as_i64().unwrap();
    let real: Value = {
        let payload = tokens["access_token"]
            .as_str()
            .unwrap()
            .split('.')
            .nth(1)
            .unwrap()
            .to_owned();
        use base64::Engine;
        serde_json::from_slice(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(payload)
                .unwrap(),
        )
        .unwrap()
    };
    let sid = real["sid"].as_i64().unwrap();
    let good = claims(&app, user, sid);
    // The control: a token made this way with the right key and claims is accepted.
    assert_eq!(
        me(
            &app,
            &format!("Bearer {}", sign(Algorithm::HS256, JWT_SECRET, &good))
        )
        .await
        .status(),
        200
    );

    let with = |key: &str, value: Value| {
        let mut c = good.clone();
        c.insert(key.into(), value);
        sign(Algorithm::HS256, JWT_SECRET, &c)
    };
    let without = |key: &str| {
        let mut c = good.clone();
        c.remove(key);
        sign(Algorithm::HS256, JWT_SECRET, &c)
    };
    let now = chrono::Utc::now().timestamp();
    let none = format!(
        "{}.{}.",
        b64(&json!({"alg": "none", "typ": "JWT"})),
        b64(&Value::Object(good.clone()))
    );
    let valid = sign(Algorithm::HS256, JWT_SECRET, &good);
    let tampered = format!("{}x", &valid[..valid.len() - 1]);
    let crafted = [
        ("alg none", none),
        ("HS512", sign(Algorithm::HS512, JWT_SECRET, &good)),
        ("bad signature", tampered),
        (
            "wrong key",
            sign(
                Algorithm::HS256,
                "another-secret-another-secret-another",
                &good,
            ),
        ),
        ("missing aud", without("aud")),
        ("wrong aud", with("aud", json!("someone-else"))),
        ("missing iss", without("iss")),
        ("wrong iss", with("iss", json!("https://evil.example/"))),
        ("expired", with("exp", json!(now - 120))),
        ("nbf in the future", with("nbf", json!(now + 600))),
        ("missing sub", without("sub")),
        ("missing jti", without("jti")),
        ("missing typ", without("typ")),
        ("refresh typ", with("typ", json!("refresh"))),
        ("unknown session", with("sid", json!(sid + 1000))),
        (
            "refresh token as access token",
            tokens["refresh_token"].as_str().unwrap().to_owned(),
        ),
        ("garbage", "not.a.token".to_owned()),
    ];
    for (name, token) in &crafted {
        let res = me(&app, &format!("Bearer {token}")).await;
        assert_eq!(res.status(), 401, "{name} was accepted");
    }

    // A deactivated user's token dies at once.
    let admin_tokens = admin(&app, "admin@amiens-cluster.fr").await;
    let res = app
        .client
        .post(app.url(&format!("/api/v1/admin/users/{user}/deactivate")))
        .header("authorization", bearer(&admin_tokens))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    problem(me(&app, &bearer(&tokens)).await, 401, "unauthorized").await;
    problem(
        me(&app, &format!("Bearer {valid}")).await,
        401,
        "unauthorized",
    )
    .await;
}

async fn hashes(app: &TestApp) -> i64 {
    let text = app.get("/metrics").await.text().await.unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix("quai_password_hashes "))
        .map(|v| v.trim().parse().unwrap())
        .expect("the hash gauge")
}

fn insert_failures(app: &TestApp, email: &str, n: usize, minutes_ago: i64) {
    let at = chrono::Utc::now().naive_utc() - chrono::Duration::minutes(minutes_ago);
    let key = quai::auth::model::email_key(email);
    let mut conn = app.connect();
    for _ in 0..n {
        quai::auth::model::record_failure(&mut conn, &key, at).unwrap();
    }
}
use diesel::ExpressionMethods;

async fn user_id(app: &TestApp, tokens: &Value) -> i64 {
    me(app, &bearer(tokens))
        .await
        .json::<Value>()
        .await
        .unwrap()["id"]
        .as_i64()
        .unwrap()
}

#[tokio::test]
async fn the_101st_failure_in_an_hour_is_refused_before_any_hash() {
    let app = TestApp::spawn_with(|s| s.login_per_minute = 1000).await;
    verified_user(&app, "cible@startup.fr", "Cible", "startup_founder").await;
    // 100 failures earlier this hour (long enough ago that no delay applies).
    insert_failures(&app, "cible@startup.fr", 100, 50);
    let before = hashes(&app).await;
    let res = login_with(&app, "cible@startup.fr", PASSWORD).await;
    assert!(res.headers().contains_key("retry-after"));
    problem(res, 429, "too_many_requests").await;
    assert_eq!(hashes(&app).await, before, "no hash was computed");
    // An unknown address costs a hash, like a known one would.
    login_with(&app, "personne@nulle-part.fr", PASSWORD).await;
    assert_eq!(hashes(&app).await, before + 1);
}

#[tokio::test]
async fn after_five_failures_attempts_must_wait_but_a_reset_still_works() {
    let app = TestApp::spawn_with(|s| s.login_per_minute = 1000).await;
    verified_user(&app, "cible@startup.fr", "Cible", "startup_founder").await;
    for _ in 0..5 {
        problem(
            login_with(&app, "cible@startup.fr", "wrong wrong wrong").await,
            401,
            "unauthorized",
        )
        .await;
    }
    // Even the right password now waits.
    let res = login_with(&app, "cible@startup.fr", PASSWORD).await;
    let wait: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=2).contains(&wait), "{wait}");
    problem(res, 429, "too_many_requests").await;
    // The delays grow with the failures.
    insert_failures(&app, "cible@startup.fr", 5, 0);
    let res = login_with(&app, "cible@startup.fr", PASSWORD).await;
    let wait: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(wait > 16, "{wait}");

    // The lockout never blocks a password reset, which clears it.
    let res = app
        .client
        .post(app.url("/api/v1/auth/password-reset"))
        .json(&json!({ "email": "cible@startup.fr" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 202);
    let (subject, text) = email_to(&app, "cible@startup.fr", 2).await;
    assert_eq!(subject, "Réinitialisez votre mot de passe");
    let new_password = "un tout nouveau mot de passe solide";
    let res = app
        .client
        .post(app.url("/api/v1/auth/password-reset/confirm"))
        .json(&json!({ "token": token_in(&text), "password": new_password }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    assert_eq!(
        login_with(&app, "cible@startup.fr", new_password)
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn per_ip_limits_answer_429_and_can_be_switched_off() {
    // Different addresses each time: this is the per-IP limit, not the per-address one.
    let app = TestApp::spawn_with(|s| s.login_per_minute = 3).await;
    for n in 0..3 {
        assert_eq!(
            login_with(&app, &format!("x{n}@startup.fr"), "whatever whatever")
                .await
                .status(),
            401
        );
    }
    let res = login_with(&app, "x9@startup.fr", "whatever whatever").await;
    assert!(res.headers().contains_key("retry-after"));
    problem(res, 429, "too_many_requests").await;

    let app = TestApp::spawn_with(|s| {
        s.login_per_minute = 3;
        s.rate_limits = quai::config::Switch::Off;
    })
    .await;
    for n in 0..6 {
        assert_eq!(
            login_with(&app, &format!("x{n}@startup.fr"), "whatever whatever")
                .await
                .status(),
            401
        );
    }
}

#[tokio::test]
async fn at_most_three_reset_emails_per_address_per_hour() {
    let app = TestApp::spawn().await;
    verified_user(&app, "cible@startup.fr", "Cible", "startup_founder").await;
    for _ in 0..5 {
        let res = app
            .client
            .post(app.url("/api/v1/auth/password-reset"))
            .json(&json!({ "email": "cible@startup.fr" }))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 202);
    }
    // The verification email counted too: 1 + 2 resets reach the limit of 3.
    crate::common::wait_until(10, "queued emails to go out", || async {
        app.jobs("").await["total"] == 0
    })
    .await;
    let mails = crate::common::accounts::outbox(&app);
    assert_eq!(
        mails
            .iter()
            .filter(|(to, _, _)| to == "cible@startup.fr")
            .count(),
        3,
        "{mails:?}"
    );
}

#[tokio::test]
async fn a_password_reset_ends_every_session_and_its_link_works_once() {
    let app = TestApp::spawn().await;
    let tokens = verified_user(&app, "cible@startup.fr", "Cible", "startup_founder").await;
    app.client
        .post(app.url("/api/v1/auth/password-reset"))
        .json(&json!({ "email": "cible@startup.fr" }))
        .send()
        .await
        .unwrap();
    let (_, text) = email_to(&app, "cible@startup.fr", 2).await;
    let token = token_in(&text);
    let confirm = |password: &str| {
        app.client
            .post(app.url("/api/v1/auth/password-reset/confirm"))
            .json(&json!({ "token": token, "password": password }))
            .send()
    };
    let weak = problem(
        confirm("motdepasse").await.unwrap(),
        422,
        "validation_failed",
    )
    .await;
    assert!(weak["errors"]["password"].is_array());
    assert_eq!(
        confirm("une phrase de passe toute neuve")
            .await
            .unwrap()
            .status(),
        204
    );
    problem(
        confirm("encore une autre phrase de passe").await.unwrap(),
        422,
        "validation_failed",
    )
    .await;
    problem(me(&app, &bearer(&tokens)).await, 401, "unauthorized").await;
    assert_eq!(
        login_with(&app, "cible@startup.fr", PASSWORD)
            .await
            .status(),
        401
    );
    let (subject, _) = email_to(&app, "cible@startup.fr", 3).await;
    assert_eq!(subject, "Votre mot de passe a été changé");
}

#[tokio::test]
async fn changing_the_password_ends_the_other_sessions_only() {
    let app = TestApp::spawn().await;
    let laptop = verified_user(&app, "cible@startup.fr", "Cible", "startup_founder").await;
    let phone: Value = login_with(&app, "cible@startup.fr", PASSWORD)
        .await
        .json()
        .await
        .unwrap();
    let change = |current: &str| {
        app.client
            .post(app.url("/api/v1/me/password"))
            .header("authorization", bearer(&laptop))
            .json(&json!({ "current_password": current, "new_password": "nouvelle phrase de passe robuste" }))
            .send()
    };
    let wrong = problem(
        change("pas le bon").await.unwrap(),
        422,
        "validation_failed",
    )
    .await;
    assert!(wrong["errors"]["current_password"].is_array());
    assert_eq!(change(PASSWORD).await.unwrap().status(), 204);
    assert_eq!(me(&app, &bearer(&laptop)).await.status(), 200);
    problem(me(&app, &bearer(&phone)).await, 401, "unauthorized").await;
}

#[tokio::test]
async fn sessions_are_listed_and_revoked_one_by_one_or_all_others() {
    let app = TestApp::spawn().await;
    let a = verified_user(&app, "cible@startup.fr", "Cible", "startup_founder").await;
    let b: Value = login_with(&app, "cible@startup.fr", PASSWORD)
        .await
        .json()
        .await
        .unwrap();
    let c: Value = login_with(&app, "cible@startup.fr", PASSWORD)
        .await
        .json()
        .await
        .unwrap();
    let list: Value = app
        .client
        .get(app.url("/api/v1/me/sessions"))
        .header("authorization", bearer(&a))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let sessions = list.as_array().unwrap();
    assert_eq!(sessions.len(), 3);
    assert_eq!(sessions.iter().filter(|s| s["current"] == true).count(), 1);
    let b_session = sessions.iter().find(|s| s["current"] == false).unwrap()["id"]
        .as_i64()
        .unwrap();

    // Someone else's session is not found, and stays alive.
    let other = verified_user(&app, "autre@startup.fr", "Autre", "mentor").await;
    let res = app
        .client
        .delete(app.url(&format!("/api/v1/me/sessions/{b_session}")))
        .header("authorization", bearer(&other))
        .send()
        .await
        .unwrap();
    problem(res, 404, "not_found").await;

    let res = app
        .client
        .delete(app.url(&format!("/api/v1/me/sessions/{b_session}")))
        .header("authorization", bearer(&a))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    let alive = [
        me(&app, &bearer(&b)).await.status(),
        me(&app, &bearer(&c)).await.status(),
    ];
    assert_eq!(alive.iter().filter(|s| **s == 401).count(), 1, "{alive:?}");
    let res = app
        .client
        .delete(app.url("/api/v1/me/sessions"))
        .header("authorization", bearer(&a))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    problem(me(&app, &bearer(&b)).await, 401, "unauthorized").await;
    problem(me(&app, &bearer(&c)).await, 401, "unauthorized").await;
    assert_eq!(me(&app, &bearer(&a)).await.status(), 200);
    assert_eq!(me(&app, &bearer(&other)).await.status(), 200);
}

#[tokio::test]
async fn logout_ends_the_session() {
    let app = TestApp::spawn().await;
    let tokens = verified_user(&app, "cible@startup.fr", "Cible", "startup_founder").await;
    let res = app
        .client
        .post(app.url("/api/v1/auth/logout"))
        .header("authorization", bearer(&tokens))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    problem(me(&app, &bearer(&tokens)).await, 401, "unauthorized").await;
    let res = app
        .client
        .post(app.url("/api/v1/auth/refresh"))
        .json(&json!({ "refresh_token": tokens["refresh_token"] }))
        .send()
        .await
        .unwrap();
    problem(res, 401, "unauthorized").await;
}

#[tokio::test]
async fn the_email_changes_only_when_the_new_address_confirms() {
    let app = TestApp::spawn().await;
    let tokens = verified_user(&app, "ancienne@startup.fr", "Cible", "startup_founder").await;
    let res = app
        .client
        .post(app.url("/api/v1/me/email"))
        .header("authorization", bearer(&tokens))
        .json(&json!({ "current_password": PASSWORD, "new_email": "nouvelle@startup.fr" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 202);
    let body: Value = me(&app, &bearer(&tokens)).await.json().await.unwrap();
    assert_eq!(body["email"], "ancienne@startup.fr");
    let (subject, text) = email_to(&app, "nouvelle@startup.fr", 1).await;
    assert_eq!(subject, "Confirmez votre nouvelle adresse email");
    let res = app
        .client
        .post(app.url("/api/v1/auth/verify-email"))
        .json(&json!({ "token": token_in(&text) }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    let body: Value = me(&app, &bearer(&tokens)).await.json().await.unwrap();
    assert_eq!(body["email"], "nouvelle@startup.fr");
    assert_eq!(
        login_with(&app, "nouvelle@startup.fr", PASSWORD)
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn my_data_can_be_downloaded_and_my_account_erased() {
    let app = TestApp::spawn().await;
    let tokens = verified_user(&app, "cible@startup.fr", "Cible Martin", "mentor").await;
    let res = app
        .client
        .get(app.url("/api/v1/me/export"))
        .header("authorization", bearer(&tokens))
        .send()
        .await
        .unwrap();
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("attachment")
    );
    let data: Value = res.json().await.unwrap();
    assert_eq!(data["account"]["email"], "cible@startup.fr");
    assert_eq!(data["account"]["roles"], json!(["mentor"]));
    assert!(
        data["activity"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "login")
    );
    assert!(data["sessions"].as_array().unwrap().len() == 1);

    let delete = |password: &str| {
        app.client
            .delete(app.url("/api/v1/me"))
            .header("authorization", bearer(&tokens))
            .json(&json!({ "current_password": password }))
            .send()
    };
    problem(
        delete("pas le bon mot de passe").await.unwrap(),
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(delete(PASSWORD).await.unwrap().status(), 204);
    problem(me(&app, &bearer(&tokens)).await, 401, "unauthorized").await;
    assert_eq!(
        login_with(&app, "cible@startup.fr", PASSWORD)
            .await
            .status(),
        401
    );
    let users: Value = app
        .operator(app.client.get(app.url("/api/v1/admin/users")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(users["total"], 0);
    // The address is free again.
    assert_eq!(
        signup(&app, "cible@startup.fr", "De retour", "mentor")
            .await
            .status(),
        202
    );
}

#[tokio::test]
async fn admins_manage_roles_and_accounts_and_everything_is_audited() {
    let app = TestApp::spawn().await;
    let admin_tokens = admin(&app, "admin@amiens-cluster.fr").await;
    let user = verified_user(&app, "mentor@engie.example.com", "Mentor ENGIE", "mentor").await;
    login_with(&app, "mentor@engie.example.com", "wrong wrong wrong").await;
    let id = user_id(&app, &user).await;
    let admin_get = |path: &str| {
        app.client
            .get(app.url(path))
            .header("authorization", bearer(&admin_tokens))
            .send()
    };

    let list: Value = admin_get("/api/v1/admin/users?q=engie")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["roles"], json!(["mentor"]));

    let res = app
        .client
        .put(app.url(&format!("/api/v1/admin/users/{id}/roles")))
        .header("authorization", bearer(&admin_tokens))
        .json(&json!({ "roles": ["mentor", "partner_member"] }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body: Value = me(&app, &bearer(&user)).await.json().await.unwrap();
    assert_eq!(body["roles"], json!(["partner_member", "mentor"]));
    let bad = app
        .client
        .put(app.url(&format!("/api/v1/admin/users/{id}/roles")))
        .header("authorization", bearer(&admin_tokens))
        .json(&json!({ "roles": ["emperor"] }))
        .send()
        .await
        .unwrap();
    problem(bad, 422, "validation_failed").await;

    let post = |path: String| {
        app.client
            .post(app.url(&path))
            .header("authorization", bearer(&admin_tokens))
            .send()
    };
    assert_eq!(
        post(format!("/api/v1/admin/users/{id}/deactivate"))
            .await
            .unwrap()
            .status(),
        200
    );
    problem(me(&app, &bearer(&user)).await, 401, "unauthorized").await;
    problem(
        login_with(&app, "mentor@engie.example.com", PASSWORD).await,
        403,
        "forbidden",
    )
    .await;
    assert_eq!(
        post(format!("/api/v1/admin/users/{id}/reactivate"))
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(
        login_with(&app, "mentor@engie.example.com", PASSWORD)
            .await
            .status(),
        200
    );
    problem(
        post("/api/v1/admin/users/99999/deactivate".into())
            .await
            .unwrap(),
        404,
        "not_found",
    )
    .await;

    let audit: Value = admin_get("/api/v1/admin/audit-log?per_page=100")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let actions: Vec<&str> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for expected in [
        "signup",
        "email_verified",
        "login",
        "login_failed",
        "roles_changed",
        "account_deactivated",
        "account_reactivated",
    ] {
        assert!(
            actions.contains(&expected),
            "{expected} missing from {actions:?}"
        );
    }
    let change = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "roles_changed")
        .unwrap();
    assert_eq!(change["target_id"], id);
    assert!(change["actor_id"].is_i64());
    assert_eq!(change["ip"], "127.0.0.1");
}

/// Every endpoint of accounts and the back office × every role: no unauthorized 2xx.
#[tokio::test]
async fn authorization_matrix() {
    let app = TestApp::spawn().await;
    let admin_t = admin(&app, "admin@amiens-cluster.fr").await;
    let startup = verified_user(&app, "porteur@startup.fr", "Porteur", "startup_founder").await;
    let mentor = verified_user(&app, "mentor@engie.example.com", "Mentor", "mentor").await;
    let partner = verified_user(
        &app,
        "partenaire@cci.example.com",
        "Partenaire",
        "partner_staff",
    )
    .await;
    let target = verified_user(&app, "cible@startup.fr", "Cible", "startup_founder").await;
    let target_id = user_id(&app, &target).await;
    let target_sessions: Value = app
        .client
        .get(app.url("/api/v1/me/sessions"))
        .header("authorization", bearer(&target))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let target_session = target_sessions[0]["id"].as_i64().unwrap();

    #[derive(Clone, Copy, PartialEq)]
    enum Who {
        Admin,
        SignedIn,
    }
    let endpoints: Vec<(&str, String, Option<Value>, Who)> = vec![
        ("GET", "/api/v1/admin/users".into(), None, Who::Admin),
        (
            "PUT",
            format!("/api/v1/admin/users/{target_id}/roles"),
            Some(json!({"roles": ["startup_member"]})),
            Who::Admin,
        ),
        (
            "POST",
            format!("/api/v1/admin/users/{target_id}/reactivate"),
            None,
            Who::Admin,
        ),
        ("GET", "/api/v1/admin/audit-log".into(), None, Who::Admin),
        ("GET", "/api/v1/admin/jobs".into(), None, Who::Admin),
        (
            "POST",
            "/api/v1/admin/test-email".into(),
            Some(json!({"to": "ops@amiens-cluster.fr"})),
            Who::Admin,
        ),
        (
            "POST",
            "/api/v1/themes".into(),
            Some(json!({"slug": "x-theme", "label_fr": "X", "label_en": "X"})),
            Who::Admin,
        ),
        ("GET", "/api/v1/me".into(), None, Who::SignedIn),
        (
            "PATCH",
            "/api/v1/me".into(),
            Some(json!({"display_name": "Nouveau nom"})),
            Who::SignedIn,
        ),
        ("GET", "/api/v1/me/sessions".into(), None, Who::SignedIn),
        ("GET", "/api/v1/me/export".into(), None, Who::SignedIn),
        (
            "POST",
            "/api/v1/me/password".into(),
            Some(json!({"current_password": "wrong wrong", "new_password": "x"})),
            Who::SignedIn,
        ),
        (
            "POST",
            "/api/v1/me/email".into(),
            Some(json!({"current_password": "wrong wrong", "new_email": "n@startup.fr"})),
            Who::SignedIn,
        ),
        (
            "DELETE",
            "/api/v1/me".into(),
            Some(json!({"current_password": "wrong wrong"})),
            Who::SignedIn,
        ),
        (
            "DELETE",
            format!("/api/v1/me/sessions/{target_session}"),
            None,
            Who::SignedIn,
        ),
    ];
    let actors: Vec<(&str, Option<&Value>)> = vec![
        ("anonymous", None),
        ("startup", Some(&startup)),
        ("mentor", Some(&mentor)),
        ("partner", Some(&partner)),
        ("admin", Some(&admin_t)),
    ];
    let mut checked = 0;
    for (method, path, body, who) in &endpoints {
        for (actor, tokens) in &actors {
            let mut req = app.client.request(method.parse().unwrap(), app.url(path));
            if let Some(t) = tokens {
                req = req.header("authorization", bearer(t));
            }
            if let Some(b) = body {
                req = req.json(b);
            }
            let status = req.send().await.unwrap().status().as_u16();
            let allowed = match (who, *actor) {
                (_, "anonymous") => false,
                (Who::Admin, a) => a == "admin",
                (Who::SignedIn, _) => true,
            };
            let foreign_session = path.contains("/me/sessions/");
            if !allowed || foreign_session {
                assert!(
                    !(200..300).contains(&status),
                    "{actor} got {status} on {method} {path}"
                );
            }
            let expected_denial = if *actor == "anonymous" { 401 } else { 403 };
            if !allowed {
                assert_eq!(status, expected_denial, "{actor} on {method} {path}");
            } else if foreign_session {
                assert_eq!(status, 404, "{actor} on someone else's session");
            }
            checked += 1;
        }
    }
    assert_eq!(checked, endpoints.len() * actors.len());
    // The target's session survived every foreign attempt.
    assert_eq!(me(&app, &bearer(&target)).await.status(), 200);
}

#[tokio::test]
async fn cookie_authenticated_api_writes_need_the_csrf_token_and_our_origin() {
    let app = TestApp::spawn().await;
    let tokens = verified_user(&app, "cible@startup.fr", "Cible", "startup_founder").await;
    let cookie = format!("quai_access={}", tokens["access_token"].as_str().unwrap());
    let patch = |extra: &[(&str, String)]| {
        let mut req = app
            .client
            .patch(app.url("/api/v1/me"))
            .header("cookie", cookie.clone())
            .json(&json!({"display_name": "Changé"}));
        for (k, v) in extra {
            req = req.header(*k, v.clone());
        }
        req.send()
    };
    // Reading with the cookie works.
    let res = app
        .client
        .get(app.url("/api/v1/me"))
        .header("cookie", cookie.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let origin = ("origin", "http://127.0.0.1".to_owned());
    problem(
        patch(std::slice::from_ref(&origin)).await.unwrap(),
        403,
        "forbidden",
    )
    .await;
    problem(
        patch(&[origin.clone(), ("x-csrf-token", "00".repeat(32))])
            .await
            .unwrap(),
        403,
        "forbidden",
    )
    .await;
    let sid = {
        use base64::Engine;
        let payload = tokens["access_token"]
            .as_str()
            .unwrap()
            .split('.')
            .nth(1)
            .unwrap()
            .to_owned();
        let claims: Value = serde_json::from_slice(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(payload)
                .unwrap(),
        )
        .unwrap();
        claims["sid"].as_i64().unwrap()
    };
    let good = {
        use hmac::Mac;
        let mut mac =
            hmac::Hmac::<sha2::Sha256>::new_from_slice(format!("csrf:{JWT_SECRET}").as_bytes())
                .unwrap();
        mac.update(format!("s:{sid}").as_bytes());
        hex::encode(mac.finalize().into_bytes())
    };
    let evil = ("origin", "https://evil.example".to_owned());
    problem(
        patch(&[evil, ("x-csrf-token", good.clone())])
            .await
            .unwrap(),
        403,
        "forbidden",
    )
    .await;
    assert_eq!(
        patch(&[origin, ("x-csrf-token", good)])
            .await
            .unwrap()
            .status(),
        204
    );
    let body: Value = me(&app, &bearer(&tokens)).await.json().await.unwrap();
    assert_eq!(body["display_name"], "Changé");
}

#[tokio::test]
async fn an_old_hash_is_upgraded_at_sign_in() {
    use argon2::PasswordHasher;
    let app = TestApp::spawn().await;
    let tokens = verified_user(&app, "cible@startup.fr", "Cible", "startup_founder").await;
    let id = user_id(&app, &tokens).await;
    let weak = argon2::Argon2::new(
        argon2::Algorithm::Argon2id,
        argon2::Version::V0x13,
        argon2::Params::new(8192, 1, 1, None).unwrap(),
    )
    .hash_password(PASSWORD.as_bytes())
    .unwrap()
    .to_string();
    let mut conn = app.connect();
    quai::auth::model::set_password(&mut conn, id, &weak, chrono::Utc::now().naive_utc()).unwrap();
    assert_eq!(
        login_with(&app, "cible@startup.fr", PASSWORD)
            .await
            .status(),
        200
    );
    let stored = quai::auth::model::by_id(&mut conn, id)
        .unwrap()
        .password_hash;
    assert_ne!(stored, weak);
    assert!(
        stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{stored}"
    );
    assert_eq!(
        login_with(&app, "cible@startup.fr", PASSWORD)
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn the_portal_refreshes_its_access_token_silently() {
    let app = TestApp::spawn().await;
    let tokens = verified_user(&app, "cible@startup.fr", "Cible", "startup_founder").await;
    // Only the refresh cookie: the access cookie has expired and the browser dropped it.
    let cookie = format!("quai_refresh={}", tokens["refresh_token"].as_str().unwrap());
    let res = app
        .client
        .get(app.url("/api/v1/me"))
        .header("cookie", cookie.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let set: Vec<String> = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    let access = set
        .iter()
        .find(|c| c.starts_with("quai_access="))
        .expect("a new access cookie");
    let refresh = set
        .iter()
        .find(|c| c.starts_with("quai_refresh="))
        .expect("a rotated refresh cookie");
    for c in [access, refresh] {
        assert!(
            c.contains("HttpOnly") && c.contains("SameSite=Lax") && c.contains("Path=/"),
            "{c}"
        );
        assert!(!c.contains("Secure"), "plain http on 127.0.0.1: {c}");
    }
    assert!(
        !refresh.contains(tokens["refresh_token"].as_str().unwrap()),
        "rotated"
    );
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["email"], "cible@startup.fr");
    // The old refresh cookie, replayed later, is refused and its cookies cleared.
    let past = chrono::Utc::now().naive_utc() - chrono::Duration::seconds(60);
    diesel::update(
        quai::db::schema::refresh_tokens::table
            .filter(quai::db::schema::refresh_tokens::used_at.is_not_null()),
    )
    .set(quai::db::schema::refresh_tokens::used_at.eq(Some(past)))
    .execute(&mut app.connect())
    .unwrap();
    let res = app
        .client
        .get(app.url("/api/v1/me"))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    let cleared: Vec<String> = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    assert!(
        cleared.iter().any(|c| c.starts_with("quai_refresh=;")
            || c.starts_with("quai_refresh=\"\"")
            || c.contains("Max-Age=0")),
        "{cleared:?}"
    );
}

#[tokio::test]
async fn verification_links_expire() {
    let app = TestApp::spawn().await;
    assert_eq!(
        signup(&app, "tardif@startup.fr", "Tardif", "mentor")
            .await
            .status(),
        202
    );
    let (_, text) = email_to(&app, "tardif@startup.fr", 1).await;
    let past = chrono::Utc::now().naive_utc() - chrono::Duration::minutes(1);
    diesel::update(quai::db::schema::email_tokens::table)
        .set(quai::db::schema::email_tokens::expires_at.eq(past))
        .execute(&mut app.connect())
        .unwrap();
    let res = app
        .client
        .post(app.url("/api/v1/auth/verify-email"))
        .json(&json!({ "token": token_in(&text) }))
        .send()
        .await
        .unwrap();
    problem(res, 422, "validation_failed").await;
}

#[tokio::test]
async fn unknown_addresses_are_locked_out_exactly_like_known_ones() {
    let app = TestApp::spawn_with(|s| s.login_per_minute = 1000).await;
    verified_user(&app, "connu@startup.fr", "Connu", "mentor").await;
    for email in ["connu@startup.fr", "inconnu@startup.fr"] {
        for _ in 0..5 {
            problem(
                login_with(&app, email, "wrong wrong wrong").await,
                401,
                "unauthorized",
            )
            .await;
        }
        let res = login_with(&app, email, "wrong wrong wrong").await;
        assert!(res.headers().contains_key("retry-after"), "{email}");
        problem(res, 429, "too_many_requests").await;
    }
}

#[tokio::test]
async fn parallel_attempts_cannot_slip_past_the_hourly_cap() {
    let app = TestApp::spawn_with(|s| s.login_per_minute = 1000).await;
    verified_user(&app, "cible@startup.fr", "Cible", "mentor").await;
    insert_failures(&app, "cible@startup.fr", 99, 50);
    let before = hashes(&app).await;
    let attempts: Vec<_> = (0..8)
        .map(|_| login_with(&app, "cible@startup.fr", "wrong wrong wrong"))
        .collect();
    let statuses: Vec<u16> = futures_util::future::join_all(attempts)
        .await
        .iter()
        .map(|r| r.status().as_u16())
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| **s != 429).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        hashes(&app).await,
        before + 1,
        "one hash for the one attempt let through"
    );
}

#[tokio::test]
async fn emailed_links_die_with_a_reset_and_follow_the_address() {
    let app = TestApp::spawn().await;
    let tokens = verified_user(&app, "cible@startup.fr", "Cible", "mentor").await;
    let reset = || {
        app.client
            .post(app.url("/api/v1/auth/password-reset"))
            .json(&json!({ "email": "cible@startup.fr" }))
            .send()
    };
    reset().await.unwrap();
    reset().await.unwrap();
    let first = token_in(&email_to(&app, "cible@startup.fr", 2).await.1);
    let second = token_in(&email_to(&app, "cible@startup.fr", 3).await.1);
    // An email change is pending when the password is reset.
    let res = app
        .client
        .post(app.url("/api/v1/me/email"))
        .header("authorization", bearer(&tokens))
        .json(&json!({ "current_password": PASSWORD, "new_email": "autre@startup.fr" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 202);
    let change = token_in(&email_to(&app, "autre@startup.fr", 1).await.1);
    let confirm = |token: String, password: &'static str| {
        app.client
            .post(app.url("/api/v1/auth/password-reset/confirm"))
            .json(&json!({ "token": token, "password": password }))
            .send()
    };
    assert_eq!(
        confirm(first, "une phrase de passe toute neuve")
            .await
            .unwrap()
            .status(),
        204
    );
    problem(
        confirm(second, "encore une autre phrase de passe")
            .await
            .unwrap(),
        422,
        "validation_failed",
    )
    .await;
    let res = app
        .client
        .post(app.url("/api/v1/auth/verify-email"))
        .json(&json!({ "token": change }))
        .send()
        .await
        .unwrap();
    problem(res, 422, "validation_failed").await;
}

#[tokio::test]
async fn a_percent_encoded_path_does_not_skip_the_csrf_check() {
    let app = TestApp::spawn().await;
    let tokens = verified_user(&app, "cible@startup.fr", "Cible", "mentor").await;
    let cookie = format!("quai_access={}", tokens["access_token"].as_str().unwrap());
    for path in ["/api/v1/me", "/%61pi/v1/me"] {
        let res = app
            .client
            .patch(app.url(path))
            .header("cookie", cookie.clone())
            .header("origin", "http://127.0.0.1")
            .json(&json!({ "display_name": "Changé" }))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 403, "{path}");
    }
    let body: Value = me(&app, &bearer(&tokens)).await.json().await.unwrap();
    assert_eq!(body["display_name"], "Cible");
}

#[tokio::test]
async fn the_last_admin_cannot_be_removed() {
    let app = TestApp::spawn().await;
    let admin_tokens = admin(&app, "admin@amiens-cluster.fr").await;
    let id = user_id(&app, &admin_tokens).await;
    let res = app
        .operator(
            app.client
                .put(app.url(&format!("/api/v1/admin/users/{id}/roles"))),
        )
        .json(&json!({ "roles": ["mentor"] }))
        .send()
        .await
        .unwrap();
    problem(res, 409, "conflict").await;
    let res = app
        .operator(
            app.client
                .post(app.url(&format!("/api/v1/admin/users/{id}/deactivate"))),
        )
        .send()
        .await
        .unwrap();
    problem(res, 409, "conflict").await;
    assert_eq!(me(&app, &bearer(&admin_tokens)).await.status(), 200);
}

#[tokio::test]
async fn a_double_refresh_gets_an_access_token_but_no_second_refresh_token() {
    let app = TestApp::spawn().await;
    let tokens = verified_user(&app, "cible@startup.fr", "Cible", "mentor").await;
    let refresh = || {
        app.client
            .post(app.url("/api/v1/auth/refresh"))
            .json(&json!({ "refresh_token": tokens["refresh_token"] }))
            .send()
    };
    let first: Value = refresh().await.unwrap().json().await.unwrap();
    assert!(first["refresh_token"].is_string());
    let second: Value = refresh().await.unwrap().json().await.unwrap();
    assert!(second["access_token"].is_string());
    assert!(second.get("refresh_token").is_none(), "{second}");
    assert_eq!(me(&app, &bearer(&second)).await.status(), 200);
}
