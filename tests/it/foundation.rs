//! Health, readiness, metrics, request ids, security headers, OpenAPI, database loss.

use std::time::{Duration, Instant};

use diesel::RunQueryDsl;

use crate::common::{TestApp, problem};

#[tokio::test]
async fn healthz_answers_ok() {
    let app = TestApp::spawn().await;
    let res = app.get("/healthz").await;
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["status"], "ok");
}

#[tokio::test]
async fn readyz_checks_the_database() {
    let app = TestApp::spawn().await;
    let res = app.get("/readyz").await;
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["checks"]["database"], "ok", "{body}");
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_status() {
    let app = TestApp::spawn().await;
    for _ in 0..3 {
        assert_eq!(app.get("/api/v1/themes").await.status(), 200);
    }
    app.get("/api/v1/nothing-here").await;
    let res = app.get("/metrics").await;
    assert_eq!(res.status(), 200);
    let text = res.text().await.unwrap();
    let line = text
        .lines()
        .find(|l| {
            l.starts_with("quai_http_requests_total{")
                && l.contains("route=\"/api/v1/themes\"")
                && l.contains("status=\"200\"")
        })
        .unwrap_or_else(|| panic!("no themes counter in:\n{text}"));
    assert!(line.ends_with(" 3"), "{line}");
    assert!(text.contains("route=\"unmatched\""), "{text}");
    assert!(
        text.contains("quai_http_request_duration_seconds_bucket"),
        "{text}"
    );
}

#[tokio::test]
async fn every_answer_carries_a_request_id() {
    let app = TestApp::spawn().await;
    let res = app.get("/healthz").await;
    let id = res.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert_eq!(id.len(), 36, "a UUID: {id}");

    let res = app
        .get_with("/healthz", &[("x-request-id", "abc-123_DEF")])
        .await;
    assert_eq!(res.headers()["x-request-id"], "abc-123_DEF");

    let res = app
        .get_with("/healthz", &[("x-request-id", "bad id with spaces")])
        .await;
    assert_ne!(res.headers()["x-request-id"], "bad id with spaces");

    // Error answers carry it too, and the error page shows it as a reference.
    let res = app.get("/page-qui-n-existe-pas").await;
    let id = res.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert!(res.text().await.unwrap().contains(&id));
}

#[tokio::test]
async fn security_headers_on_pages_and_api() {
    let app = TestApp::spawn().await;
    for path in ["/", "/api/v1/themes", "/api/nope"] {
        let res = app.get(path).await;
        let h = res.headers();
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("default-src 'self'"), "{path}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(
            h["referrer-policy"], "strict-origin-when-cross-origin",
            "{path}"
        );
        assert!(
            h.get("strict-transport-security").is_none(),
            "no HSTS over plain http"
        );
    }
}

#[tokio::test]
async fn hsts_when_the_base_url_is_https() {
    let app =
        TestApp::spawn_with(|s| s.base_url = url::Url::parse("https://quai.example").unwrap())
            .await;
    let res = app.get("/").await;
    assert!(
        res.headers()["strict-transport-security"]
            .to_str()
            .unwrap()
            .contains("max-age=")
    );
}

#[tokio::test]
async fn openapi_describes_the_api() {
    let app = TestApp::spawn().await;
    let res = app.get("/api/openapi.json").await;
    assert_eq!(res.status(), 200);
    let doc: serde_json::Value = res.json().await.unwrap();
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1"),
        "{}",
        doc["openapi"]
    );
    let themes = &doc["paths"]["/api/v1/themes"];
    assert!(
        themes["get"].is_object() && themes["post"].is_object(),
        "{themes}"
    );
    assert!(doc["paths"]["/api/v1/themes/{id}"]["get"].is_object());
    assert!(doc["components"]["schemas"]["Problem"].is_object());
    assert!(doc["components"]["schemas"]["ThemeResource"].is_object());
}

/// Database lost while running: 503 everywhere it matters, and recovery without a restart.
/// PostgreSQL only: a SQLite file cannot go away under an open connection.
#[tokio::test]
async fn database_loss_gives_503_then_recovers() {
    let app = TestApp::spawn().await;
    let Some(mut server) = app.db.server_connection() else {
        eprintln!(
            "NOTICE: database loss test runs on PostgreSQL only (set QUAI_TEST_DATABASE_URL)"
        );
        return;
    };
    let crate::common::TestDb::Postgres { name, .. } = &app.db else {
        unreachable!()
    };
    assert_eq!(app.get("/api/v1/themes").await.status(), 200);

    diesel::sql_query(format!("ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS false"))
        .execute(&mut server)
        .unwrap();
    diesel::sql_query(format!(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"
    ))
    .execute(&mut server)
    .unwrap();

    // The server ends the backends asynchronously: wait until the app notices.
    let deadline = Instant::now() + Duration::from_secs(15);
    let res = loop {
        let res = app.get("/readyz").await;
        if res.status() == 503 {
            break res;
        }
        assert!(Instant::now() < deadline, "the loss was never noticed");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["checks"]["database"], "unavailable");
    problem(app.get("/api/v1/themes").await, 503, "service_unavailable").await;
    let page = app.get("/").await;
    assert_eq!(page.status(), 503);
    assert!(
        page.text()
            .await
            .unwrap()
            .contains("momentanément indisponible")
    );

    diesel::sql_query(format!("ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS true"))
        .execute(&mut server)
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        if app.get("/readyz").await.status() == 200 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "no recovery after the database came back"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(app.get("/api/v1/themes").await.status(), 200);
}

#[tokio::test]
async fn a_signing_key_is_generated_once_into_the_data_folder() {
    if std::env::var("QUAI_TEST_DATABASE_URL").is_ok_and(|v| !v.is_empty()) {
        eprintln!(
            "NOTICE: the generated signing key is the SQLite default's; PostgreSQL requires QUAI_JWT_SECRET"
        );
        return;
    }
    use std::os::unix::fs::PermissionsExt;
    let app = TestApp::spawn_with(|s| s.jwt_secret = None).await;

    let path = app.data_dir().join("jwt-secret");
    let key = std::fs::read_to_string(&path).expect("generated key");
    assert!(key.len() >= 64, "{} characters", key.len());
    assert_eq!(
        std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let settings = quai::config::Settings {
        data_dir: app.data_dir().to_path_buf(),
        ..Default::default()
    };
    let again = quai::config::load_or_create_jwt_secret(&settings).unwrap();
    assert_eq!(again.expose(), key, "kept across restarts");
}
