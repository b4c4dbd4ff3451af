//! Load script: registrations for one hot event — throughput, latency, and that the seats add up —
//! on SQLite or PostgreSQL.
//!
//! `cargo bench --bench registration_load` (release build). It starts the real app on
//! 127.0.0.1:0 with a temporary SQLite database (or, with `QUAI_BENCH_DATABASE_URL=postgres://…`,
//! a fresh database on that server, dropped at the end), per-IP limits off, mints the people
//! directly in the database (verified accounts, each with a session and an access token: signing
//! up through the API would measure the password hasher), has an admin create and publish one
//! event through the API, then:
//! 1. `QUAI_BENCH_REGISTRATIONS` people (default 3000) register for it from `QUAI_BENCH_CLIENTS`
//!    clients (default 32); its capacity `QUAI_BENCH_CAPACITY` (default 500) is well below, so
//!    both the seat path and the waiting-line path are taken;
//! 2. `QUAI_BENCH_CLIENTS` clients cancel the confirmed registrations (each as its person) while
//!    as many other clients register as many new people: each cancellation gives its seat to the
//!    first in line (the promotion path).
//!
//! After each phase it checks through the API that the seats taken are the capacity (or everybody
//! registered, when fewer); at the end it reads every live registration back and checks that the
//! confirmed ones are exactly the seats taken, that each of them came before every waiting one
//! (nobody overtaken in the line), and that the waiting positions are 1..n. A 5xx, a transport
//! error, an unexpected answer or a check that does not hold prints a `FAILED` line and the
//! script exits non-zero.
//!
//! Last, it watches the job worker send what the load queued (emails, search updates) for at most
//! `QUAI_BENCH_DRAIN_SECONDS` (default 120; 0 skips it) and reports its rate.
//!
//! Every request loop is bounded in count and in time (`QUAI_BENCH_SECONDS`, default 300, per
//! phase) and targets 127.0.0.1 only.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use chrono::Utc;
use common::{BenchApp, knob, summary};
use serde_json::{Value, json};

/// One request of a phase.
#[derive(Clone, Copy)]
enum Job {
    /// `POST /api/v1/events/{event}/registrations` as this person.
    Register { person: usize },
    /// `DELETE /api/v1/registrations/{id}` as its person.
    Cancel { person: usize, registration: i64 },
    /// `GET /api/v1/registrations/{id}` as its person (the final read-back).
    Read { person: usize, registration: i64 },
}

/// A registration as the API answered it.
#[derive(Clone, Debug)]
struct Seen {
    person: usize,
    id: i64,
    status: String,
    position: Option<i64>,
}

/// What the clients of one stream saw.
#[derive(Default)]
struct Tally {
    latencies: Vec<Duration>,
    answers: Vec<Seen>,
    client_errors: usize,
    server_errors: usize,
    transport_errors: usize,
    not_sent: usize,
    problems: Vec<String>,
}

impl Tally {
    fn merge(&mut self, other: Tally) {
        self.latencies.extend(other.latencies);
        self.answers.extend(other.answers);
        self.client_errors += other.client_errors;
        self.server_errors += other.server_errors;
        self.transport_errors += other.transport_errors;
        self.not_sent += other.not_sent;
        self.problems.extend(other.problems);
    }

    fn count(&self, status: &str) -> usize {
        self.answers.iter().filter(|s| s.status == status).count()
    }

    fn errors(&self) -> usize {
        self.client_errors + self.server_errors + self.transport_errors
    }

    fn problem(&mut self, what: String) {
        if self.problems.len() < 5 {
            self.problems.push(what);
        }
    }
}

struct Bench {
    client: reqwest::Client,
    base: String,
    event: i64,
    /// `Bearer …` of each person.
    people: Arc<Vec<String>>,
}

impl Bench {
    async fn send(&self, job: Job, tally: &mut Tally) {
        let (req, person, expected) = match job {
            Job::Register { person } => (
                self.client.post(format!(
                    "{}/api/v1/events/{}/registrations",
                    self.base, self.event
                )),
                person,
                201,
            ),
            Job::Cancel {
                person,
                registration,
            } => (
                self.client
                    .delete(format!("{}/api/v1/registrations/{registration}", self.base)),
                person,
                200,
            ),
            Job::Read {
                person,
                registration,
            } => (
                self.client
                    .get(format!("{}/api/v1/registrations/{registration}", self.base)),
                person,
                200,
            ),
        };
        let start = Instant::now();
        let res = req
            .header("authorization", &self.people[person])
            .send()
            .await;
        let answer = match res {
            Ok(res) => {
                let status = res.status().as_u16();
                res.bytes().await.map(|body| (status, body))
            }
            Err(e) => Err(e),
        };
        tally.latencies.push(start.elapsed());
        match answer {
            Err(e) => {
                tally.transport_errors += 1;
                tally.problem(format!("transport: {e}"));
            }
            Ok((status, body)) if status == expected => {
                let v: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
                match (v["id"].as_i64(), v["status"].as_str()) {
                    (Some(id), Some(s)) => tally.answers.push(Seen {
                        person,
                        id,
                        status: s.to_owned(),
                        position: v["position"].as_i64(),
                    }),
                    _ => {
                        tally.client_errors += 1;
                        tally.problem(format!("{status} without a registration: {v}"));
                    }
                }
            }
            Ok((status, body)) => {
                if status >= 500 {
                    tally.server_errors += 1;
                } else {
                    tally.client_errors += 1;
                }
                let body = String::from_utf8_lossy(&body);
                tally.problem(format!(
                    "{status}: {}",
                    body.chars().take(300).collect::<String>()
                ));
            }
        }
    }

    /// Runs `jobs` from `clients` concurrent clients, each taking the next job until none is left
    /// or `until` passes; returns what they saw and how long it took.
    async fn stream(
        self: &Arc<Self>,
        clients: usize,
        jobs: Vec<Job>,
        until: Instant,
    ) -> (Tally, Duration) {
        let jobs = Arc::new(jobs);
        let next = Arc::new(AtomicUsize::new(0));
        let start = Instant::now();
        let mut tasks = Vec::new();
        for _ in 0..clients {
            let (bench, jobs, next) = (self.clone(), jobs.clone(), next.clone());
            tasks.push(tokio::spawn(async move {
                let mut tally = Tally::default();
                // At most every job once, and never past `until`.
                for _ in 0..jobs.len() {
                    if Instant::now() >= until {
                        break;
                    }
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(job) = jobs.get(i) else { break };
                    bench.send(*job, &mut tally).await;
                }
                tally
            }));
        }
        let mut tally = Tally::default();
        for t in tasks {
            tally.merge(t.await.expect("client task"));
        }
        let elapsed = start.elapsed();
        tally.not_sent = jobs
            .len()
            .saturating_sub(next.load(Ordering::Relaxed).min(jobs.len()));
        (tally, elapsed)
    }

    /// `(capacity, seats_taken)` of the event, through the API.
    async fn seats(&self) -> (i64, i64) {
        let res = self
            .client
            .get(format!("{}/api/v1/events/{}", self.base, self.event))
            .send()
            .await
            .expect("event request");
        assert_eq!(res.status(), 200, "GET the event");
        let v: Value = res.json().await.expect("event body");
        (
            v["capacity"].as_i64().expect("capacity"),
            v["seats_taken"].as_i64().expect("seats_taken"),
        )
    }
}

/// Verified people with a live session each, straight into the database; their `Bearer …`.
fn mint(app: &BenchApp, from: usize, n: usize) -> Vec<String> {
    let keys = app.token_keys();
    let mut conn = app.connect();
    let now = Utc::now().naive_utc();
    let ids = quai::db::dialect::write_transaction(&mut conn, |conn| {
        (from..from + n)
            .map(|i| {
                let user = quai::auth::model::insert_user(
                    conn,
                    &quai::auth::model::NewUser {
                        email: &format!("personne{i}@amiens.example"),
                        password_hash: "-",
                        display_name: &format!("Personne {i}"),
                        lang: "fr",
                        kind: "startup_founder",
                        is_active: true,
                        email_verified_at: Some(now),
                        created_at: now,
                        updated_at: now,
                    },
                )?;
                let session = quai::db::dialect::insert_session(
                    conn,
                    user.id,
                    "registration_load",
                    "127.0.0.1",
                    now,
                    now + chrono::Duration::days(1),
                )?;
                Ok::<_, diesel::result::Error>((user.id, session))
            })
            .collect::<Result<Vec<_>, _>>()
    })
    .expect("mint people");
    ids.into_iter()
        .map(|(user, session)| {
            let token = keys
                .issue(user, session, now.and_utc().timestamp())
                .expect("access token");
            format!("Bearer {token}")
        })
        .collect()
}

/// An API call that must answer `expected`; its JSON body.
async fn setup_call(
    client: &reqwest::Client,
    auth: &str,
    url: String,
    body: Option<Value>,
    expected: u16,
) -> Value {
    let mut req = client.post(&url).header("authorization", auth);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let res = req.send().await.expect("setup request");
    let status = res.status().as_u16();
    let v: Value = res.json().await.unwrap_or(Value::Null);
    assert_eq!(status, expected, "POST {url}: {v}");
    v
}

/// Jobs (emails, search updates) due now and not done yet, running ones included; not the ones
/// scheduled for later (the reminders before the event).
fn mail_backlog(app: &BenchApp) -> i64 {
    use diesel::prelude::*;
    use quai::db::schema::jobs;
    jobs::table
        .filter(jobs::state.eq("queued"))
        .filter(jobs::run_at.le(Utc::now().naive_utc()))
        .count()
        .get_result(&mut app.connect())
        .unwrap_or(-1)
}

fn report(name: &str, tally: &Tally, elapsed: Duration) {
    summary(name, tally.latencies.clone(), elapsed);
    println!(
        "{:<36} confirmed {}  waitlisted {}  cancelled {}  errors {} (4xx {}, 5xx {}, transport {})  not sent {}",
        "",
        tally.count("confirmed"),
        tally.count("waitlisted"),
        tally.count("cancelled"),
        tally.errors(),
        tally.client_errors,
        tally.server_errors,
        tally.transport_errors,
        tally.not_sent,
    );
    for p in &tally.problems {
        println!("{:<36} e.g. {p}", "");
    }
}

/// Collects the checks that do not hold.
#[derive(Default)]
struct Verdict(Vec<String>);

impl Verdict {
    fn check(&mut self, ok: bool, what: impl Into<String>) {
        if !ok {
            self.0.push(what.into());
        }
    }

    fn clean(&mut self, phase: &str, tally: &Tally) {
        self.check(
            tally.server_errors == 0,
            format!("{phase}: {} answers were 5xx", tally.server_errors),
        );
        self.check(
            tally.errors() == 0,
            format!("{phase}: {} requests failed", tally.errors()),
        );
        self.check(
            tally.not_sent == 0,
            format!("{phase}: {} requests not sent in time", tally.not_sent),
        );
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let clients: usize = knob("QUAI_BENCH_CLIENTS", 32).max(1);
    let registrations: usize = knob("QUAI_BENCH_REGISTRATIONS", 3000).max(1);
    let capacity: usize = knob("QUAI_BENCH_CAPACITY", 500).clamp(1, 100_000);
    let seconds: u64 = knob("QUAI_BENCH_SECONDS", 300);
    let app = BenchApp::start();
    let verdict = run(&app, clients, registrations, capacity, seconds).await;
    let failed = !verdict.0.is_empty();
    for what in &verdict.0 {
        println!("FAILED: {what}");
    }
    if !failed {
        println!("ok: every check held\n");
    }
    // The PostgreSQL database is dropped here, before leaving.
    app.stop().await;
    if failed {
        std::process::exit(1);
    }
}

async fn run(
    app: &BenchApp,
    clients: usize,
    registrations: usize,
    capacity: usize,
    seconds: u64,
) -> Verdict {
    let mut verdict = Verdict::default();
    println!(
        "\nQuai registration load — {} cores, {}, one event of {capacity} seats, {registrations} registrations from {clients} clients\n",
        common::cores(),
        app.backend(),
    );

    // The people: the first `registrations` register in phase 1, the next ones (as many as the
    // seats, at most) in phase 2; the last one is the admin who makes the event.
    let start = Instant::now();
    let later = registrations.min(capacity);
    let mut people = mint(app, 0, registrations + later + 1);
    let boss = people.pop().expect("the admin");
    let boss_email = format!("personne{}@amiens.example", registrations + later);
    quai::accounts::service::create_admin(&mut app.connect(), &boss_email, None, "Équipe")
        .expect("make the admin");
    println!(
        "{} people minted in the database in {:.0} ms",
        people.len() + 1,
        start.elapsed().as_secs_f64() * 1000.0
    );

    // The event, through the API, as the tests make one.
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("HTTP client");
    let base = app.base.clone();
    let venue = setup_call(
        &client,
        &boss,
        format!("{base}/api/v1/venues"),
        Some(json!({"name": "Quai de l’innovation", "address": "1 quai de la Somme"})),
        201,
    )
    .await["id"]
        .as_i64()
        .expect("venue id");
    let room = setup_call(
        &client,
        &boss,
        format!("{base}/api/v1/venues/{venue}/rooms"),
        Some(json!({"name": "Grande halle", "capacity": capacity})),
        201,
    )
    .await["id"]
        .as_i64()
        .expect("room id");
    let day = (Utc::now() + chrono::Duration::days(30)).format("%Y-%m-%d");
    let event = setup_call(
        &client,
        &boss,
        format!("{base}/api/v1/events"),
        Some(json!({
            "title": "Forum de l’énergie",
            "room_id": room,
            "starts_at": format!("{day}T09:00"),
            "ends_at": format!("{day}T18:00"),
            "capacity": capacity,
        })),
        201,
    )
    .await["id"]
        .as_i64()
        .expect("event id");
    setup_call(
        &client,
        &boss,
        format!("{base}/api/v1/events/{event}/publish"),
        None,
        200,
    )
    .await;
    let bench = Arc::new(Bench {
        client,
        base,
        event,
        people: Arc::new(people),
    });

    // Phase 1: everybody registers at once.
    let jobs: Vec<Job> = (0..registrations)
        .map(|person| Job::Register { person })
        .collect();
    let until = Instant::now() + Duration::from_secs(seconds);
    let (first, elapsed) = bench.stream(clients, jobs, until).await;
    println!("\nPhase 1 — {registrations} people register from {clients} clients");
    report("POST …/registrations", &first, elapsed);
    let (cap, taken) = bench.seats().await;
    let live = first.answers.len() as i64;
    println!(
        "{:<36} seats taken {taken} of {cap}; jobs queued for the worker: {}",
        "",
        mail_backlog(app)
    );
    verdict.clean("phase 1", &first);
    verdict.check(
        taken == cap.min(live),
        format!("phase 1: {taken} seats taken, expected {}", cap.min(live)),
    );
    verdict.check(
        first.count("confirmed") as i64 == cap.min(live),
        format!(
            "phase 1: {} confirmed, expected {}",
            first.count("confirmed"),
            cap.min(live)
        ),
    );

    // Phase 2: the confirmed cancel while as many new people register.
    let cancels: Vec<Job> = first
        .answers
        .iter()
        .filter(|s| s.status == "confirmed")
        .map(|s| Job::Cancel {
            person: s.person,
            registration: s.id,
        })
        .collect();
    let newcomers: Vec<Job> = (registrations..registrations + cancels.len().min(later))
        .map(|person| Job::Register { person })
        .collect();
    println!(
        "\nPhase 2 — {} cancellations from {clients} clients while {} people register from {clients} others",
        cancels.len(),
        newcomers.len()
    );
    let until = Instant::now() + Duration::from_secs(seconds);
    let ((cancelled, cancel_time), (second, register_time)) = tokio::join!(
        bench.stream(clients, cancels, until),
        bench.stream(clients, newcomers, until)
    );
    report("DELETE /registrations/{id}", &cancelled, cancel_time);
    report("POST …/registrations (meanwhile)", &second, register_time);
    let (cap, taken) = bench.seats().await;
    println!(
        "{:<36} seats taken {taken} of {cap}; jobs queued for the worker: {}",
        "",
        mail_backlog(app)
    );
    verdict.clean("phase 2 cancellations", &cancelled);
    verdict.clean("phase 2 registrations", &second);
    let gone: std::collections::HashSet<i64> = cancelled.answers.iter().map(|s| s.id).collect();
    let live: Vec<&Seen> = first
        .answers
        .iter()
        .chain(&second.answers)
        .filter(|s| !gone.contains(&s.id))
        .collect();
    let expected = cap.min(live.len() as i64);
    verdict.check(
        taken == expected,
        format!("phase 2: {taken} seats taken, expected {expected}"),
    );

    // The read-back: every live registration as its person sees it.
    let reads: Vec<Job> = live
        .iter()
        .map(|s| Job::Read {
            person: s.person,
            registration: s.id,
        })
        .collect();
    let until = Instant::now() + Duration::from_secs(seconds);
    let (back, read_time) = bench.stream(clients, reads, until).await;
    println!("\nRead-back of every live registration");
    summary("GET /registrations/{id}", back.latencies.clone(), read_time);
    verdict.clean("read-back", &back);
    let confirmed: Vec<i64> = back
        .answers
        .iter()
        .filter(|s| s.status == "confirmed")
        .map(|s| s.id)
        .collect();
    let mut positions: Vec<i64> = back
        .answers
        .iter()
        .filter(|s| s.status == "waitlisted")
        .map(|s| s.position.unwrap_or(0))
        .collect();
    positions.sort_unstable();
    let first_waiting = back
        .answers
        .iter()
        .filter(|s| s.status == "waitlisted")
        .map(|s| s.id)
        .min();
    println!(
        "{:<36} confirmed {}  waitlisted {}",
        "",
        confirmed.len(),
        positions.len()
    );
    verdict.check(
        confirmed.len() as i64 == taken,
        format!(
            "{} registrations confirmed, but {taken} seats taken",
            confirmed.len()
        ),
    );
    verdict.check(
        first_waiting.is_none_or(|w| confirmed.iter().all(|c| *c < w)),
        "someone waiting was overtaken: a later registration holds a seat",
    );
    verdict.check(
        positions.iter().zip(1..).all(|(p, n)| *p == n),
        "the waiting positions are not 1..n",
    );

    // What the job worker still had to send (emails, search updates), and how fast it does once
    // the rush is over.
    let drain: u64 = knob("QUAI_BENCH_DRAIN_SECONDS", 120);
    let queued = mail_backlog(app);
    let start = Instant::now();
    let mut left = queued;
    while left > 0 && start.elapsed() < Duration::from_secs(drain) {
        tokio::time::sleep(Duration::from_millis(250)).await;
        left = mail_backlog(app);
    }
    if drain > 0 {
        let took = start.elapsed().as_secs_f64();
        println!(
            "\nJob worker after the load: {} of {queued} queued jobs done in {took:.1} s ({:.0} jobs/s){}",
            queued - left,
            (queued - left) as f64 / took,
            if left > 0 {
                format!(", {left} still queued")
            } else {
                String::new()
            }
        );
    }
    println!();
    verdict
}
