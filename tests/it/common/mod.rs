//! The test harness: the real app on 127.0.0.1:0 with a fresh database per test — a temporary
//! SQLite file by default, a fresh PostgreSQL database when `QUAI_TEST_DATABASE_URL` is set.

pub mod accounts;
pub mod browser;
pub mod smtp;
pub mod visitor;

use std::path::PathBuf;

use diesel::{Connection, RunQueryDsl, pg::PgConnection};
use quai::app::Application;
use quai::config::{Secret, Settings};
use reqwest::header::HeaderMap;
use tempfile::TempDir;

pub const OPERATOR_TOKEN: &str = "test-operator-token-0123456789abcdef";
pub const JWT_SECRET: &str = "test-jwt-secret-0123456789abcdef-0123456789";

/// A database made for one test and dropped after it.
pub enum TestDb {
    Sqlite(PathBuf),
    Postgres { server: String, name: String },
}

impl TestDb {
    pub fn create(data_dir: &std::path::Path) -> Self {
        match std::env::var("QUAI_TEST_DATABASE_URL") {
            Ok(server) if !server.is_empty() => {
                let name = format!("quai_test_{}", uuid::Uuid::new_v4().simple());
                let mut admin = PgConnection::establish(&server)
                    .unwrap_or_else(|e| panic!("QUAI_TEST_DATABASE_URL unreachable: {e}"));
                diesel::sql_query(format!("CREATE DATABASE \"{name}\""))
                    .execute(&mut admin)
                    .expect("create test database");
                TestDb::Postgres { server, name }
            }
            _ => TestDb::Sqlite(data_dir.join("quai.sqlite3")),
        }
    }

    pub fn url(&self) -> String {
        match self {
            TestDb::Sqlite(path) => format!("sqlite://{}", path.display()),
            TestDb::Postgres { server, name } => {
                let mut url = url::Url::parse(server).expect("QUAI_TEST_DATABASE_URL is a URL");
                url.set_path(name);
                url.to_string()
            }
        }
    }

    /// A connection to the PostgreSQL server itself (not the test database), for fault tests.
    pub fn server_connection(&self) -> Option<PgConnection> {
        match self {
            TestDb::Postgres { server, .. } => {
                Some(PgConnection::establish(server).expect("connect to the test server"))
            }
            TestDb::Sqlite(_) => None,
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let TestDb::Postgres { server, name } = self
            && let Ok(mut admin) = PgConnection::establish(server)
            && let Err(e) =
                diesel::sql_query(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                    .execute(&mut admin)
        {
            eprintln!("could not drop test database {name}: {e}");
        }
    }
}

/// Settings of a test: everything in a temporary folder, port 0, two workers.
pub fn test_settings(data_dir: &std::path::Path, db: &TestDb) -> Settings {
    Settings {
        bind: "127.0.0.1:0".parse().unwrap(),
        base_url: url::Url::parse("http://127.0.0.1").unwrap(),
        data_dir: data_dir.to_path_buf(),
        database_url: Some(Secret::new(db.url())),
        database_timeout: 2,
        workers: 2,
        admin_token: Some(Secret::new(OPERATOR_TOKEN)),
        jwt_secret: Some(Secret::new(JWT_SECRET)),
        jobs_poll_ms: 20,
        jobs_backoff_ms: 20,
        jobs_backoff_max_seconds: 1,
        ..Settings::default()
    }
}

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub db: TestDb,
    pub settings: Settings,
    _worker: Option<quai::jobs::worker::WorkerHandle>,
    handle: actix_web::dev::ServerHandle,
    _data: TempDir,
}

impl TestApp {
    pub async fn spawn() -> Self {
        Self::spawn_with(|_| {}).await
    }

    pub async fn spawn_with(adjust: impl FnOnce(&mut Settings)) -> Self {
        if std::env::var_os("QUAI_TEST_LOG").is_some() {
            quai::telemetry::init(quai::config::LogFormat::Pretty);
        }
        let data = tempfile::tempdir().expect("temporary folder");
        let db = TestDb::create(data.path());
        let mut settings = test_settings(data.path(), &db);
        adjust(&mut settings);
        let app = Application::build(settings.clone()).expect("the app starts");
        let address = format!("http://{}", app.address());
        let (server, worker) = app.into_parts();
        let handle = server.handle();
        tokio::spawn(server);
        // Idle connections are dropped before the server's 5-second keep-alive closes them:
        // reusing one at the very moment the server closes it fails the request.
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .pool_idle_timeout(std::time::Duration::from_secs(2))
            .build()
            .unwrap();
        TestApp {
            address,
            client,
            db,
            settings,
            _worker: worker,
            handle,
            _data: data,
        }
    }

    pub fn data_dir(&self) -> &std::path::Path {
        self._data.path()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request sent")
    }

    pub async fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> reqwest::Response {
        let mut req = self.client.get(self.url(path));
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        req.send().await.expect("request sent")
    }

    pub fn operator(&self, req: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        req.bearer_auth(OPERATOR_TOKEN)
    }
}

impl TestApp {
    /// `POST /api/v1/admin/test-email`.
    pub async fn send_test_email(&self, to: &str, lang: &str) -> reqwest::Response {
        self.operator(self.client.post(self.url("/api/v1/admin/test-email")))
            .json(&serde_json::json!({ "to": to, "lang": lang }))
            .send()
            .await
            .expect("request sent")
    }

    /// `GET /api/v1/admin/jobs?state=…` (all states with `""`).
    pub async fn jobs(&self, state: &str) -> serde_json::Value {
        let path = if state.is_empty() {
            "/api/v1/admin/jobs?per_page=100".to_owned()
        } else {
            format!("/api/v1/admin/jobs?per_page=100&state={state}")
        };
        let res = self
            .operator(self.client.get(self.url(&path)))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        res.json().await.unwrap()
    }

    /// A direct connection to this test's database.
    pub fn connect(&self) -> quai::db::DbConnection {
        quai::db::establish(&self.db.url()).expect("connect to the test database")
    }
}

/// Polls `check` every 25 ms until it holds; fails the test after `seconds`.
pub async fn wait_until<F, Fut>(seconds: u64, what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(seconds);
    while !check().await {
        assert!(
            std::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // Sends the stop command at once; the future only waits for completion.
        drop(self.handle.stop(false));
    }
}

/// Asserts an RFC 9457 answer and returns its body.
pub async fn problem(res: reqwest::Response, status: u16, code: &str) -> serde_json::Value {
    assert_eq!(res.status().as_u16(), status, "status of {}", res.url());
    assert_content_type(res.headers(), "application/problem+json");
    let body: serde_json::Value = res.json().await.expect("problem body is JSON");
    assert_eq!(body["code"], code, "{body}");
    assert_eq!(body["status"], status, "{body}");
    assert!(
        body["title"].as_str().is_some_and(|t| !t.is_empty()),
        "{body}"
    );
    assert!(
        body["type"].as_str().is_some_and(|t| t.ends_with(code)),
        "{body}"
    );
    assert!(body["detail"].is_string(), "{body}");
    body
}

pub fn assert_content_type(headers: &HeaderMap, expected: &str) {
    let ct = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    assert!(
        ct.starts_with(expected),
        "content-type {ct:?}, expected {expected}"
    );
}
