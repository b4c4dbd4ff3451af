//! Load script: login throughput and p99 on this machine, and whether other endpoints keep
//! their latency during a login burst.
//!
//! `cargo bench --bench login_load` (release build). It starts the real app on 127.0.0.1:0 with
//! a temporary SQLite database (or `QUAI_BENCH_DATABASE_URL`), per-IP limits off
//! (`QUAI_RATE_LIMITS=off` is what load tests on a trusted network use), signs up one account
//! per client, then:
//! 1. measures `GET /api/v1/themes` alone;
//! 2. runs a burst of logins from `QUAI_BENCH_CLIENTS` clients (default 16) for
//!    `QUAI_BENCH_SECONDS` (default 10) while measuring `GET /api/v1/themes` again.
//!
//! Every request loop is bounded in count and time and targets 127.0.0.1 only.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{BenchApp, knob, summary};
use tokio::sync::Mutex;

const PASSWORD: &str = "hortillonnages et cathédrale 2026";

async fn timed_gets(
    client: &reqwest::Client,
    url: &str,
    until: Instant,
    max: usize,
) -> Vec<Duration> {
    let mut out = Vec::new();
    while Instant::now() < until && out.len() < max {
        let start = Instant::now();
        let res = client.get(url).send().await.expect("request");
        assert!(res.status().is_success(), "{}", res.status());
        res.bytes().await.expect("body");
        out.push(start.elapsed());
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    out
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let clients: usize = knob("QUAI_BENCH_CLIENTS", 16);
    let seconds: u64 = knob("QUAI_BENCH_SECONDS", 10);
    let app = BenchApp::start();
    let base = app.base.clone();
    let client = reqwest::Client::new();
    // One account per client: a burst of different people signing in. (Many parallel attempts
    // on one account are what the per-address lockout is there to slow down.)
    for n in 0..clients {
        let res = client
            .post(format!("{base}/api/v1/auth/signup"))
            .json(&serde_json::json!({"email": format!("bench{n}@startup.fr"), "password": PASSWORD, "display_name": "Bench", "kind": "mentor"}))
            .send()
            .await
            .expect("signup");
        assert_eq!(res.status(), 202);
    }

    println!(
        "\nQuai login load — {} cores, {}, {clients} login clients, {seconds} s burst\n",
        common::cores(),
        app.backend(),
    );
    let themes = format!("{base}/api/v1/themes");
    // Warm up, then the baseline.
    timed_gets(
        &client,
        &themes,
        Instant::now() + Duration::from_secs(1),
        50,
    )
    .await;
    let start = Instant::now();
    let baseline = timed_gets(
        &client,
        &themes,
        start + Duration::from_secs(seconds.min(5)),
        2_000,
    )
    .await;
    summary("GET /api/v1/themes (idle)", baseline, start.elapsed());

    let logins = Arc::new(Mutex::new(Vec::new()));
    let failures = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let start = Instant::now();
    let until = start + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for n in 0..clients {
        let (client, base, logins, failures) = (
            client.clone(),
            base.clone(),
            logins.clone(),
            failures.clone(),
        );
        let email = format!("bench{n}@startup.fr");
        tasks.push(tokio::spawn(async move {
            let mut mine = Vec::new();
            while Instant::now() < until && mine.len() < 100_000 {
                let t = Instant::now();
                let res = client
                    .post(format!("{base}/api/v1/auth/login"))
                    .json(&serde_json::json!({"email": email, "password": PASSWORD}))
                    .send()
                    .await
                    .expect("login request");
                if res.status() != 200 {
                    failures.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                }
                res.bytes().await.expect("body");
                mine.push(t.elapsed());
            }
            logins.lock().await.extend(mine);
        }));
    }
    let during = timed_gets(&client, &themes, until, 100_000).await;
    for t in tasks {
        t.await.expect("client task");
    }
    let elapsed = start.elapsed();
    let logins = std::mem::take(&mut *logins.lock().await);
    summary("POST /api/v1/auth/login (burst)", logins, elapsed);
    summary("GET /api/v1/themes (during burst)", during, elapsed);
    println!(
        "failed logins: {}\n",
        failures.load(std::sync::atomic::Ordering::Relaxed)
    );
    app.stop().await;
}
