//! The `quai` binary: help, version, migrate, clear start-up errors, graceful shutdown.

use std::io::{BufRead, BufReader};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::common::TestDb;

/// The binary with a clean environment: no QUAI_* variables but those given, run in a
/// temporary folder (so no quai.toml is read).
fn quai(dir: &std::path::Path, args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_quai"));
    for (key, _) in std::env::vars() {
        if key.starts_with("QUAI_") {
            cmd.env_remove(key);
        }
    }
    cmd.current_dir(dir).args(args).envs(env.iter().copied());
    cmd
}

fn run(dir: &std::path::Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    quai(dir, args, env).output().expect("quai runs")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn help_and_version() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &["--help"], &[]);
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(help.contains("serve") && help.contains("migrate"), "{help}");
    let out = run(dir.path(), &["--version"], &[]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("quai {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn migrate_applies_then_reports_up_to_date() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::create(dir.path());
    let url = db.url();
    let out = run(dir.path(), &["migrate"], &[("QUAI_DATABASE_URL", &url)]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("applied 20261130000001"));
    let out = run(dir.path(), &["migrate"], &[("QUAI_DATABASE_URL", &url)]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("up to date"));
}

#[test]
fn the_embedded_default_needs_no_configuration() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &["migrate"], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(dir.path().join("data/quai.sqlite3").is_file());
}

fn assert_one_clear_line(out: &Output, needle: &str) {
    assert!(!out.status.success(), "should fail");
    let err = stderr(out);
    let lines: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "one line: {err}");
    assert!(lines[0].contains(needle), "{err}");
}

#[test]
fn an_unknown_database_scheme_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(
        dir.path(),
        &["migrate"],
        &[("QUAI_DATABASE_URL", "mysql://root@localhost/quai")],
    );
    assert_one_clear_line(&out, "QUAI_DATABASE_URL");
    assert!(stderr(&out).contains("mysql"));
    let out = run(
        dir.path(),
        &["serve"],
        &[("QUAI_DATABASE_URL", "mysql://root@localhost/quai")],
    );
    assert_one_clear_line(&out, "unsupported scheme `mysql://`");
}

#[test]
fn an_unreachable_database_is_a_clear_error_without_the_password() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(
        dir.path(),
        &[],
        &[
            (
                "QUAI_DATABASE_URL",
                "postgres://quai:s3cret-pw@127.0.0.1:1/quai",
            ),
            ("QUAI_JWT_SECRET", crate::common::JWT_SECRET),
        ],
    );
    assert_one_clear_line(
        &out,
        "database unreachable at postgres://quai:***@127.0.0.1:1/quai",
    );
    assert!(!stderr(&out).contains("s3cret-pw"));
}

#[test]
fn a_data_folder_that_cannot_be_created_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, "x").unwrap();
    let bad = file.join("data");
    let out = run(dir.path(), &[], &[("QUAI_DATA_DIR", bad.to_str().unwrap())]);
    assert_one_clear_line(&out, "QUAI_DATA_DIR");
}

#[test]
fn a_bad_setting_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &[], &[("QUAI_BIND", "not-an-address")]);
    assert_one_clear_line(&out, "QUAI_BIND");
    std::fs::write(dir.path().join("quai.toml"), "log_format = \"xml\"\n").unwrap();
    let out = run(dir.path(), &[], &[]);
    assert_one_clear_line(&out, "QUAI_LOG_FORMAT");
}

#[test]
fn postgresql_needs_a_configured_signing_key() {
    let Ok(server) = std::env::var("QUAI_TEST_DATABASE_URL") else {
        return;
    };
    if server.is_empty() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::create(dir.path());
    let out = run(dir.path(), &[], &[("QUAI_DATABASE_URL", &db.url())]);
    assert_one_clear_line(&out, "QUAI_JWT_SECRET");
}

#[test]
fn weak_operator_tokens_and_zero_timeouts_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    assert_one_clear_line(
        &run(dir.path(), &[], &[("QUAI_ADMIN_TOKEN", "short")]),
        "QUAI_ADMIN_TOKEN",
    );
    assert_one_clear_line(
        &run(dir.path(), &[], &[("QUAI_DATABASE_TIMEOUT", "0")]),
        "QUAI_DATABASE_TIMEOUT",
    );
    assert_one_clear_line(
        &run(dir.path(), &[], &[("QUAI_JOBS_POLL_MS", "0")]),
        "QUAI_JOBS_POLL_MS",
    );
}

#[test]
fn the_environment_overrides_quai_toml() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("quai.toml"), "bind = \"not-an-address\"\n").unwrap();
    let out = run(
        dir.path(),
        &[],
        &[
            ("QUAI_BIND", "127.0.0.1:0"),
            ("QUAI_DATABASE_URL", "mysql://x"),
        ],
    );
    // Got past the bind setting to the database one: the environment won.
    assert_one_clear_line(&out, "QUAI_DATABASE_URL");
}

/// SIGTERM and SIGINT (Ctrl-C) stop the server cleanly, with exit code 0.
#[test]
fn signals_stop_the_server_gracefully() {
    for signal in ["TERM", "INT"] {
        let dir = tempfile::tempdir().unwrap();
        let db = TestDb::create(dir.path());
        let url = db.url();
        let mut child = quai(
            dir.path(),
            &["serve"],
            &[
                ("QUAI_BIND", "127.0.0.1:0"),
                ("QUAI_LOG_FORMAT", "json"),
                ("QUAI_DATABASE_URL", &url),
                ("QUAI_JWT_SECRET", crate::common::JWT_SECRET),
            ],
        )
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        let address = loop {
            let line = lines.next().expect("a log line").unwrap();
            let entry: serde_json::Value = serde_json::from_str(&line).expect("JSON logs");
            if let Some(addr) = entry["address"].as_str() {
                break addr.to_owned();
            }
        };
        let body = raw_http::get_healthz(&address);
        assert!(body.contains("\"ok\""), "{body}");

        let status = Command::new("kill")
            .args([&format!("-{signal}"), &child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let deadline = Instant::now() + Duration::from_secs(30);
        let exit = loop {
            if let Some(exit) = child.try_wait().unwrap() {
                break exit;
            }
            assert!(Instant::now() < deadline, "still running after SIG{signal}");
            std::thread::sleep(Duration::from_millis(50));
        };
        assert!(exit.success(), "SIG{signal}: {exit:?}");
        let rest: Vec<String> = lines.map_while(Result::ok).collect();
        assert!(
            rest.iter().any(|l| l.contains("stopped cleanly")),
            "{rest:?}"
        );
        let answered = rest
            .iter()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .find(|entry| entry["message"] == "answered")
            .unwrap_or_else(|| panic!("a request log line in {rest:?}"));
        let request_id = answered["span"]["request_id"].as_str().unwrap_or_default();
        assert_eq!(
            request_id.len(),
            36,
            "the request id is in the log: {answered}"
        );
        assert!(body.contains(request_id), "the same id as in the answer");
    }
}

mod raw_http {
    /// A tiny blocking GET of /healthz over a plain TCP socket (no runtime needed here).
    pub fn get_healthz(address: &str) -> String {
        get(address, "/healthz")
    }

    pub fn get(address: &str, path: &str) -> String {
        use std::io::{Read, Write};
        let mut stream = std::net::TcpStream::connect(address).unwrap();
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut out = String::new();
        stream.read_to_string(&mut out).unwrap();
        out
    }
}

#[test]
fn create_admin_reads_the_password_from_stdin_and_promotes_existing_accounts() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::create(dir.path());
    let url = db.url();
    let env = [("QUAI_DATABASE_URL", url.as_str())];
    let admin = |input: &str| {
        let mut child = quai(
            dir.path(),
            &["create-admin", "--email", "Admin@Amiens-Cluster.fr"],
            &env,
        )
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    let weak = admin("motdepasse\n");
    assert_one_clear_line(&weak, "password refused");
    let out = admin("une phrase de passe pour l’admin\n");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "created admin Admin@Amiens-Cluster.fr"
    );
    let out = admin("");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("is now an admin"));
    let mut conn = quai::db::establish(&url).unwrap();
    let user = quai::auth::model::by_email(&mut conn, "admin@amiens-cluster.fr")
        .unwrap()
        .expect("the admin");
    assert_eq!(
        quai::auth::model::roles_of(&mut conn, user.id).unwrap(),
        [quai::auth::Role::Admin]
    );
    assert!(user.password_hash.starts_with("$argon2id$"));
}

/// `quai serve --demo`: an empty database gets the demo data before serving; a database with
/// data is left alone.
#[test]
fn serve_demo_fills_an_empty_database_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::create(dir.path());
    let url = db.url();
    for (round, expected) in [(1, "demo data: 4 accounts"), (2, "holds data already")] {
        let mut child = quai(
            dir.path(),
            &["serve", "--demo"],
            &[
                ("QUAI_BIND", "127.0.0.1:0"),
                ("QUAI_LOG_FORMAT", "json"),
                ("QUAI_DATABASE_URL", &url),
                ("QUAI_JWT_SECRET", crate::common::JWT_SECRET),
            ],
        )
        .stderr(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        let address = loop {
            let line = lines.next().expect("a log line").unwrap();
            let entry: serde_json::Value = serde_json::from_str(&line).expect("JSON logs");
            if let Some(addr) = entry["address"].as_str() {
                break addr.to_owned();
            }
        };
        let answer = raw_http::get(&address, "/api/v1/offerings?per_page=1");
        assert!(answer.contains("\"total\":17"), "round {round}: {answer}");
        Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .unwrap();
        let out = child.wait_with_output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.contains(expected), "round {round}: {stdout}");
    }
}

/// `serve --demo` publishes its accounts' password: never with a public base URL.
#[test]
fn serve_demo_refuses_a_public_base_url() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(
        dir.path(),
        &["serve", "--demo"],
        &[
            ("QUAI_BASE_URL", "https://quai.amiens-cluster.fr"),
            ("QUAI_BIND", "127.0.0.1:0"),
        ],
    );
    assert_one_clear_line(&out, "local base URL");
    assert!(
        !dir.path().join("data/quai.sqlite3").exists(),
        "nothing created"
    );
}
