//! What the load scripts share: their knobs, the real app on 127.0.0.1:0 with a database of its
//! own, and the latency summary.
//!
//! The database is a temporary SQLite file, or with `QUAI_BENCH_DATABASE_URL=postgres://…` a
//! fresh PostgreSQL database made for the run and dropped at its end (as the tests' harness does),
//! so that runs never see each other's rows.

use std::str::FromStr;
use std::time::Duration;

use diesel::{Connection, RunQueryDsl, pg::PgConnection};
use quai::app::Application;
use quai::config::{Secret, Settings, Switch};

/// A `QUAI_BENCH_*` setting, or its default when unset or unreadable.
pub fn knob<T: FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

pub fn cores() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(0)
}

/// The database of one run.
enum BenchDb {
    /// A SQLite file (in the run's temporary folder unless given).
    Sqlite(String),
    /// A database made on this server for the run, dropped at its end.
    Postgres { server: String, name: String },
}

impl BenchDb {
    fn create(data_dir: &std::path::Path) -> Self {
        match std::env::var("QUAI_BENCH_DATABASE_URL") {
            Ok(server)
                if server.starts_with("postgres://") || server.starts_with("postgresql://") =>
            {
                let name = format!("quai_bench_{}", uuid::Uuid::new_v4().simple());
                let mut admin = PgConnection::establish(&server)
                    .unwrap_or_else(|e| panic!("QUAI_BENCH_DATABASE_URL unreachable: {e}"));
                diesel::sql_query(format!("CREATE DATABASE \"{name}\""))
                    .execute(&mut admin)
                    .expect("create the bench database");
                BenchDb::Postgres { server, name }
            }
            Ok(other) if !other.is_empty() => BenchDb::Sqlite(other),
            _ => BenchDb::Sqlite(format!(
                "sqlite://{}",
                data_dir.join("bench.sqlite3").display()
            )),
        }
    }

    fn url(&self) -> String {
        match self {
            BenchDb::Sqlite(url) => url.clone(),
            BenchDb::Postgres { server, name } => {
                let mut url = url::Url::parse(server).expect("QUAI_BENCH_DATABASE_URL is a URL");
                url.set_path(name);
                url.to_string()
            }
        }
    }
}

impl Drop for BenchDb {
    fn drop(&mut self) {
        if let BenchDb::Postgres { server, name } = self
            && let Ok(mut admin) = PgConnection::establish(server)
            && let Err(e) =
                diesel::sql_query(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                    .execute(&mut admin)
        {
            eprintln!("could not drop the bench database {name}: {e}");
        }
    }
}

/// The real application on 127.0.0.1:0 (with its job worker, as `quai serve` runs it), per-IP
/// limits off as for a load test on a trusted network.
pub struct BenchApp {
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    settings: Settings,
    server: actix_web::dev::ServerHandle,
    worker: Option<quai::jobs::worker::WorkerHandle>,
    // Dropped after the server has stopped: the PostgreSQL database, then the folder.
    db: BenchDb,
    _data: tempfile::TempDir,
}

impl BenchApp {
    pub fn start() -> Self {
        // `QUAI_BENCH_LOG=1`: the app's logs on stderr (filtered by `QUAI_LOG`), as in production.
        if std::env::var_os("QUAI_BENCH_LOG").is_some() {
            quai::telemetry::init(quai::config::LogFormat::Pretty);
        }
        let data = tempfile::tempdir().expect("temporary folder");
        let db = BenchDb::create(data.path());
        let settings = Settings {
            bind: "127.0.0.1:0".parse().unwrap(),
            data_dir: data.path().to_path_buf(),
            database_url: Some(Secret::new(db.url())),
            jwt_secret: Some(Secret::new("bench-secret-0123456789abcdef-0123456789")),
            rate_limits: Switch::Off,
            ..Settings::default()
        };
        let app = Application::build(settings.clone()).expect("the app starts");
        let base = format!("http://{}", app.address());
        let (server, worker) = app.into_parts();
        let handle = server.handle();
        tokio::spawn(server);
        BenchApp {
            base,
            settings,
            server: handle,
            worker,
            db,
            _data: data,
        }
    }

    /// `SQLite` or `PostgreSQL`, for the reports.
    pub fn backend(&self) -> &'static str {
        match self.db {
            BenchDb::Sqlite(_) => "SQLite",
            BenchDb::Postgres { .. } => "PostgreSQL",
        }
    }

    /// Stops the server and the job worker, then drops the database and the folder.
    pub async fn stop(self) {
        self.server.stop(false).await;
        if let Some(worker) = self.worker {
            worker.stop().await;
        }
    }
}

/// What a script sets up directly in the database (people and sessions: signing up through the
/// API would measure the password hasher).
#[allow(dead_code)] // registration_load only
impl BenchApp {
    pub fn connect(&self) -> quai::db::DbConnection {
        quai::db::establish(&self.db.url()).expect("connect to the bench database")
    }

    /// The keys the app signs access tokens with.
    pub fn token_keys(&self) -> quai::auth::tokens::TokenKeys {
        let secret = self.settings.jwt_secret.as_ref().expect("set at start");
        quai::auth::tokens::TokenKeys::new(secret.expose(), self.settings.base_url.as_str())
            .expect("usable keys")
    }
}

pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * (sorted.len() as f64 - 1.0)).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

/// One line: count, rate over `elapsed`, p50/p90/p99/max.
pub fn summary(name: &str, mut samples: Vec<Duration>, elapsed: Duration) {
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{name:<36} {:>6} req {:>8.1} req/s  p50 {:>7.2}  p90 {:>7.2}  p99 {:>7.2}  max {:>7.2} ms",
        samples.len(),
        samples.len() as f64 / elapsed.as_secs_f64(),
        ms(percentile(&samples, 50.0)),
        ms(percentile(&samples, 90.0)),
        ms(percentile(&samples, 99.0)),
        ms(*samples.last().unwrap_or(&Duration::ZERO)),
    );
}
