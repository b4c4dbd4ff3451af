//! Settings: defaults < `quai.toml` < `QUAI_*` environment variables.
//!
//! Errors here are start-up errors: each names the setting (and its variable) and says what was
//! expected, in one line. Secrets never appear in `Debug` output.

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};
use url::Url;

/// A secret value: usable by the code, invisible in logs and `Debug`.
#[derive(Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(\"[redacted]\")")
    }
}

/// Whether the per-IP limits apply (`off` for load tests on a trusted network).
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Switch {
    On,
    Off,
}

#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Pretty,
    Json,
}

/// The most `logo_max_bytes` may allow: a logo is held in memory while it is checked.
pub const MAX_LOGO_BYTES: usize = 16 * 1024 * 1024;

/// Everything the platform reads from its environment, typed.
#[derive(Clone, Deserialize, Serialize)]
pub struct Settings {
    /// Address and port the HTTP server binds (`QUAI_BIND`).
    pub bind: SocketAddr,
    /// Public URL of the platform, used in links and emails (`QUAI_BASE_URL`).
    pub base_url: Url,
    /// Folder for the SQLite file, the embedded search index, the outbox and uploads (`QUAI_DATA_DIR`).
    pub data_dir: PathBuf,
    /// `postgres://…`, `sqlite://…` or a file path; default `<data_dir>/quai.sqlite3` (`QUAI_DATABASE_URL`).
    pub database_url: Option<Secret>,
    /// Maximum connections in the pool (`QUAI_DATABASE_POOL_SIZE`).
    pub database_pool_size: u32,
    /// Seconds to wait for a pooled connection before answering 503 (`QUAI_DATABASE_TIMEOUT`).
    pub database_timeout: u64,
    /// `pretty` or `json` (`QUAI_LOG_FORMAT`).
    pub log_format: LogFormat,
    /// Key that signs access tokens; generated once into the data folder when absent (`QUAI_JWT_SECRET`).
    pub jwt_secret: Option<Secret>,
    /// Bearer token that opens the admin API to operators' scripts (`QUAI_ADMIN_TOKEN`); unset: closed.
    pub admin_token: Option<Secret>,
    /// Largest request body accepted, in bytes (`QUAI_BODY_LIMIT`).
    pub body_limit: usize,
    /// Largest organization logo accepted, in bytes (`QUAI_LOGO_MAX_BYTES`); its upload routes
    /// take bodies up to this size instead of `body_limit`.
    pub logo_max_bytes: usize,
    /// HTTP worker threads; 0 means one per core (`QUAI_WORKERS`).
    pub workers: usize,
    /// SMTP server in lettre's URL form; unset: emails are written to `<data_dir>/outbox` (`QUAI_SMTP_URL`).
    pub smtp_url: Option<Secret>,
    /// Sender of every email (`QUAI_MAIL_FROM`).
    pub mail_from: String,
    /// Meilisearch's URL; unset: the embedded index in `<data_dir>/search` (`QUAI_MEILI_URL`).
    pub meili_url: Option<Url>,
    /// Meilisearch's API key (`QUAI_MEILI_KEY`).
    pub meili_key: Option<Secret>,
    /// Name of Quai's index in Meilisearch (`QUAI_MEILI_INDEX`).
    pub meili_index: String,
    /// Seconds to wait for Meilisearch: a request, or a task to finish (`QUAI_MEILI_TIMEOUT`).
    pub meili_timeout: u64,
    /// Whether `quai serve` also runs the job worker (`QUAI_SERVE_JOBS`).
    pub serve_jobs: bool,
    /// Jobs one worker runs at once (`QUAI_JOBS_CONCURRENCY`).
    pub jobs_concurrency: usize,
    /// Milliseconds between two looks at an empty queue (`QUAI_JOBS_POLL_MS`).
    pub jobs_poll_ms: u64,
    /// Seconds a claimed job stays locked to its worker (`QUAI_JOBS_LOCK_SECONDS`).
    pub jobs_lock_seconds: u64,
    /// First retry delay in milliseconds, doubled at each attempt (`QUAI_JOBS_BACKOFF_MS`).
    pub jobs_backoff_ms: u64,
    /// Longest retry delay in seconds (`QUAI_JOBS_BACKOFF_MAX_SECONDS`).
    pub jobs_backoff_max_seconds: u64,
    /// Per-IP limits on login, sign-up and emails: `on` or `off` (`QUAI_RATE_LIMITS`).
    pub rate_limits: Switch,
    /// Logins per IP address per minute (`QUAI_LOGIN_PER_MINUTE`).
    pub login_per_minute: i32,
    /// Sign-ups per IP address per hour (`QUAI_SIGNUP_PER_HOUR`).
    pub signup_per_hour: i32,
    /// Reset and verification requests per IP address per hour (`QUAI_EMAIL_REQUESTS_PER_HOUR`).
    pub email_requests_per_hour: i32,
    /// Password hashes computed at once (`QUAI_HASH_CONCURRENCY`); 0: half the cores.
    pub hash_concurrency: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            base_url: Url::parse("http://127.0.0.1:8080").expect("constant URL"),
            data_dir: PathBuf::from("./data"),
            database_url: None,
            database_pool_size: 10,
            database_timeout: 3,
            log_format: LogFormat::Pretty,
            jwt_secret: None,
            admin_token: None,
            body_limit: 256 * 1024,
            logo_max_bytes: 1024 * 1024,
            workers: 0,
            smtp_url: None,
            mail_from: "Quai · Amiens Cluster <quai@localhost>".to_owned(),
            meili_url: None,
            meili_key: None,
            meili_index: "quai".to_owned(),
            meili_timeout: 10,
            serve_jobs: true,
            jobs_concurrency: 4,
            jobs_poll_ms: 1000,
            jobs_lock_seconds: 300,
            jobs_backoff_ms: 5000,
            jobs_backoff_max_seconds: 3600,
            rate_limits: Switch::On,
            login_per_minute: 20,
            signup_per_hour: 10,
            email_requests_per_hour: 10,
            hash_concurrency: 0,
        }
    }
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field("bind", &self.bind)
            .field("base_url", &self.base_url.as_str())
            .field("data_dir", &self.data_dir)
            .field(
                "database_url",
                &self.database_url.as_ref().map(|u| redact_url(u.expose())),
            )
            .field("database_pool_size", &self.database_pool_size)
            .field("database_timeout", &self.database_timeout)
            .field("log_format", &self.log_format)
            .field("jwt_secret", &self.jwt_secret)
            .field("admin_token", &self.admin_token)
            .field("body_limit", &self.body_limit)
            .field("logo_max_bytes", &self.logo_max_bytes)
            .field("workers", &self.workers)
            .field(
                "smtp_url",
                &self.smtp_url.as_ref().map(|u| redact_url(u.expose())),
            )
            .field("mail_from", &self.mail_from)
            .field("meili_url", &self.meili_url.as_ref().map(|u| u.as_str()))
            .field("meili_key", &self.meili_key)
            .field("meili_index", &self.meili_index)
            .field("meili_timeout", &self.meili_timeout)
            .field("serve_jobs", &self.serve_jobs)
            .field("jobs_concurrency", &self.jobs_concurrency)
            .field("jobs_poll_ms", &self.jobs_poll_ms)
            .field("jobs_lock_seconds", &self.jobs_lock_seconds)
            .field("jobs_backoff_ms", &self.jobs_backoff_ms)
            .field("jobs_backoff_max_seconds", &self.jobs_backoff_max_seconds)
            .field("rate_limits", &self.rate_limits)
            .field("login_per_minute", &self.login_per_minute)
            .field("signup_per_hour", &self.signup_per_hour)
            .field("email_requests_per_hour", &self.email_requests_per_hour)
            .field("hash_concurrency", &self.hash_concurrency)
            .finish()
    }
}

/// A start-up error in the configuration: one line naming the setting.
#[derive(Debug, thiserror::Error)]
#[error("invalid setting `{key}` (QUAI_{env}): {message}")]
pub struct ConfigError {
    pub key: String,
    env: String,
    pub message: String,
}

impl ConfigError {
    pub fn new(key: &str, message: impl Into<String>) -> Self {
        Self {
            key: key.to_owned(),
            env: key.to_uppercase(),
            message: message.into(),
        }
    }
}

impl Settings {
    /// Reads defaults, then `quai.toml` in the working directory (or the file named by
    /// `QUAI_CONFIG`), then the `QUAI_*` environment.
    pub fn load() -> Result<Self, ConfigError> {
        let file = std::env::var("QUAI_CONFIG").unwrap_or_else(|_| "quai.toml".to_owned());
        Self::from_figment(
            Figment::from(Serialized::defaults(Settings::default()))
                .merge(Toml::file(file))
                .merge(Env::prefixed("QUAI_").ignore(&["CONFIG", "TEST_DATABASE_URL"])),
        )
    }

    pub fn from_figment(figment: Figment) -> Result<Self, ConfigError> {
        let settings: Settings = figment.extract().map_err(|e| {
            let key = e.path.last().cloned().unwrap_or_else(|| "?".into());
            ConfigError::new(&key, explain(&key, &e.kind))
        })?;
        settings.check()?;
        Ok(settings)
    }

    fn check(&self) -> Result<(), ConfigError> {
        if !matches!(self.base_url.scheme(), "http" | "https") {
            return Err(ConfigError::new(
                "base_url",
                "expected an http:// or https:// URL",
            ));
        }
        if self.database_pool_size == 0 {
            return Err(ConfigError::new(
                "database_pool_size",
                "expected at least 1",
            ));
        }
        if self.body_limit < 1024 {
            return Err(ConfigError::new(
                "body_limit",
                "expected at least 1024 bytes",
            ));
        }
        if !(1024..=MAX_LOGO_BYTES).contains(&self.logo_max_bytes) {
            return Err(ConfigError::new(
                "logo_max_bytes",
                format!("expected between 1024 and {MAX_LOGO_BYTES} bytes"),
            ));
        }
        if self.mail_from.parse::<lettre::message::Mailbox>().is_err() {
            return Err(ConfigError::new(
                "mail_from",
                "expected an address such as `Quai <quai@example.org>`",
            ));
        }
        if let Some(url) = &self.smtp_url
            && !matches!(url.expose().split_once("://"), Some(("smtp" | "smtps", _)))
        {
            return Err(ConfigError::new(
                "smtp_url",
                "expected smtp://host:port or smtps://user:pass@host",
            ));
        }
        if let Some(url) = &self.meili_url
            && !matches!(url.scheme(), "http" | "https")
        {
            return Err(ConfigError::new(
                "meili_url",
                "expected http://host:7700 or https://…",
            ));
        }
        let index_name = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
        if self.meili_index.is_empty()
            || self.meili_index.len() > 200
            || !self.meili_index.chars().all(index_name)
        {
            return Err(ConfigError::new(
                "meili_index",
                "expected letters, digits, - and _ (at most 200)",
            ));
        }
        if self.meili_timeout == 0 {
            return Err(ConfigError::new(
                "meili_timeout",
                "expected at least 1 second",
            ));
        }
        if self.database_timeout == 0 {
            return Err(ConfigError::new(
                "database_timeout",
                "expected at least 1 second",
            ));
        }
        if self.jobs_poll_ms < 10 {
            return Err(ConfigError::new(
                "jobs_poll_ms",
                "expected at least 10 milliseconds",
            ));
        }
        if self.jobs_backoff_max_seconds > 86_400 || self.jobs_backoff_ms > 3_600_000 {
            return Err(ConfigError::new(
                if self.jobs_backoff_ms > 3_600_000 {
                    "jobs_backoff_ms"
                } else {
                    "jobs_backoff_max_seconds"
                },
                "expected at most a day of backoff",
            ));
        }
        if let Some(token) = &self.admin_token
            && token.expose().len() < 32
        {
            return Err(ConfigError::new(
                "admin_token",
                "expected at least 32 characters",
            ));
        }
        if self.jobs_concurrency == 0 || self.jobs_lock_seconds == 0 {
            return Err(ConfigError::new(
                if self.jobs_concurrency == 0 {
                    "jobs_concurrency"
                } else {
                    "jobs_lock_seconds"
                },
                "expected at least 1",
            ));
        }
        if let Some(s) = &self.jwt_secret
            && s.expose().len() < 32
        {
            return Err(ConfigError::new(
                "jwt_secret",
                "expected at least 32 characters",
            ));
        }
        Ok(())
    }

    /// The database URL, defaulting to the SQLite file in the data folder.
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.expose().to_owned(),
            None => format!("sqlite://{}", self.data_dir.join("quai.sqlite3").display()),
        }
    }

    /// Whether cookies may drop the `Secure` flag (plain http on the local machine).
    pub fn is_local_http(&self) -> bool {
        self.base_url.scheme() == "http"
            && matches!(
                self.base_url.host_str(),
                Some("localhost" | "127.0.0.1" | "[::1]")
            )
    }

    pub fn is_https(&self) -> bool {
        self.base_url.scheme() == "https"
    }
}

fn explain(key: &str, kind: &figment::error::Kind) -> String {
    let expected = match key {
        "bind" => "an address and port such as 127.0.0.1:8080",
        "base_url" => "an absolute URL such as https://quai.example.org",
        "serve_jobs" => "`true` or `false`",
        "rate_limits" => "`on` or `off`",
        "log_format" => "`pretty` or `json`",
        "data_dir" => "a folder path",
        _ => "",
    };
    if expected.is_empty() {
        kind.to_string()
    } else {
        format!("expected {expected} ({kind})")
    }
}

/// Hides the password of a URL such as `postgres://user:pass@host/db`.
pub fn redact_url(url: &str) -> String {
    let Ok(mut parsed) = Url::parse(url) else {
        return url.to_owned();
    };
    if parsed.password().is_some() {
        let _ = parsed.set_password(Some("***"));
    }
    let secret_query = parsed.query_pairs().any(|(k, _)| k.contains("password"));
    if secret_query {
        let pairs: Vec<(String, String)> = parsed
            .query_pairs()
            .map(|(k, v)| {
                let v = if k.contains("password") {
                    "***".to_owned()
                } else {
                    v.into_owned()
                };
                (k.into_owned(), v)
            })
            .collect();
        parsed.query_pairs_mut().clear().extend_pairs(pairs);
    }
    parsed.to_string()
}

/// Makes sure the data folder exists and is writable; a clear error otherwise.
pub fn prepare_data_dir(dir: &Path) -> Result<(), ConfigError> {
    let fail = |what: &str, e: std::io::Error| {
        ConfigError::new(
            "data_dir",
            format!("cannot {what} `{}`: {e}", dir.display()),
        )
    };
    std::fs::create_dir_all(dir).map_err(|e| fail("create", e))?;
    let probe = dir.join(".write-probe");
    std::fs::write(&probe, b"ok").map_err(|e| fail("write to", e))?;
    std::fs::remove_file(&probe).map_err(|e| fail("write to", e))?;
    Ok(())
}

/// The signing key: the configured one, else the one kept in the data folder, else a new one
/// written there (mode 0600) so that tokens survive restarts.
pub fn load_or_create_jwt_secret(settings: &Settings) -> Result<Secret, ConfigError> {
    if let Some(secret) = &settings.jwt_secret {
        return Ok(secret.clone());
    }
    let path = settings.data_dir.join("jwt-secret");
    let fail = |e: std::io::Error| {
        ConfigError::new(
            "jwt_secret",
            format!("cannot read or create `{}`: {e}", path.display()),
        )
    };
    match std::fs::read_to_string(&path) {
        Ok(existing) if existing.trim().len() >= 32 => Ok(Secret::new(existing.trim())),
        Ok(_) => Err(ConfigError::new(
            "jwt_secret",
            format!("`{}` holds fewer than 32 characters", path.display()),
        )),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if settings.database_url().starts_with("postgres") {
                return Err(ConfigError::new(
                    "jwt_secret",
                    "required with PostgreSQL: every process sharing the database must sign with the same key (at least 32 characters)",
                ));
            }
            let key: [u8; 48] = rand::random();
            let value = hex::encode(key);
            match write_private(&path, &value) {
                Ok(()) => Ok(Secret::new(value)),
                // Another process created it first: use theirs.
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    std::fs::read_to_string(&path)
                        .map(|v| Secret::new(v.trim()))
                        .map_err(fail)
                }
                Err(e) => Err(fail(e)),
            }
        }
        Err(e) => Err(fail(e)),
    }
}

fn write_private(path: &Path, value: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)?.write_all(value.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(pairs: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        let mut figment = Figment::from(Serialized::defaults(Settings::default()));
        for (k, v) in pairs {
            figment = figment.merge((*k, *v));
        }
        Settings::from_figment(figment)
    }

    #[test]
    fn defaults_are_the_embedded_platform() {
        let s = with(&[]).unwrap();
        assert_eq!(s.bind.to_string(), "127.0.0.1:8080");
        assert_eq!(s.database_url(), "sqlite://./data/quai.sqlite3");
        assert!(s.is_local_http());
    }

    #[test]
    fn a_bad_bind_names_the_setting() {
        let e = with(&[("bind", "nowhere")]).unwrap_err().to_string();
        assert!(e.contains("QUAI_BIND"), "{e}");
        assert!(e.contains("127.0.0.1:8080"), "{e}");
    }

    #[test]
    fn a_bad_log_format_names_the_setting() {
        let e = with(&[("log_format", "xml")]).unwrap_err().to_string();
        assert!(e.contains("QUAI_LOG_FORMAT") && e.contains("json"), "{e}");
    }

    #[test]
    fn debug_hides_secrets() {
        let s = with(&[
            ("jwt_secret", "a-very-long-secret-value-of-40-characters!"),
            ("database_url", "postgres://quai:hunter2hunter2@db/quai"),
        ])
        .unwrap();
        let shown = format!("{s:?}");
        assert!(!shown.contains("a-very-long-secret"), "{shown}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("redacted"), "{shown}");
    }

    #[test]
    fn the_logo_limit_is_checked() {
        let limit = |n: usize| {
            Settings::from_figment(
                Figment::from(Serialized::defaults(Settings::default()))
                    .merge(("logo_max_bytes", n)),
            )
        };
        assert_eq!(with(&[]).unwrap().logo_max_bytes, 1_048_576);
        assert_eq!(limit(2_097_152).unwrap().logo_max_bytes, 2_097_152);
        for bad in [
            limit(12),
            limit(999_999_999),
            with(&[("logo_max_bytes", "big")]),
        ] {
            let e = bad.unwrap_err().to_string();
            assert!(e.contains("QUAI_LOGO_MAX_BYTES"), "{e}");
        }
    }

    #[test]
    fn short_jwt_secrets_are_refused() {
        let e = with(&[("jwt_secret", "short")]).unwrap_err().to_string();
        assert!(e.contains("QUAI_JWT_SECRET"), "{e}");
    }
}
