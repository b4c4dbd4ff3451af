//! `quai seed --demo`: a living Amiens Cluster, and seeding twice changes nothing.

use serde_json::{Value, json};

use crate::common::TestApp;
use crate::common::accounts::call;

#[tokio::test]
async fn the_demo_data_fills_the_marketplace_once() {
    let app = TestApp::spawn().await;
    assert!(quai::auth::password::check_policy(quai::demo::DEMO_PASSWORD, &[]).is_ok());
    let hash = quai::auth::password::hash_now(quai::demo::DEMO_PASSWORD).unwrap();
    let first = quai::demo::seed(&mut app.connect(), &hash).unwrap();
    assert_eq!(
        (
            first.users,
            first.organizations,
            first.offerings,
            first.requests
        ),
        (4, 21, 17, 3)
    );
    let again = quai::demo::seed(&mut app.connect(), &hash).unwrap();
    assert_eq!(
        again,
        quai::demo::Seeded::default(),
        "seeding twice changes nothing"
    );

    let orgs: Value = app
        .get("/api/v1/organizations?per_page=100")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(orgs["total"], 21);
    for (kind, n) in [("startup", 15), ("partner", 2), ("founding_member", 4)] {
        let list: Value = app
            .get(&format!("/api/v1/organizations?kind={kind}"))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(list["total"], n, "{kind}");
    }
    let offers: Value = app
        .get("/api/v1/offerings?per_page=100")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(offers["total"], 17);
    let heat = offers["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["slug"] == "savoir-faire-reseau-de-chaleur")
        .expect("ENGIE Cofely's offering");
    assert!(
        heat["summary"]
            .as_str()
            .unwrap()
            .contains("8,5 millions de m³")
    );
    let res = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({ "email": "admin@quai.demo", "password": quai::demo::DEMO_PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);

    // The founder's space is alive: requests in several states, favourites.
    let founder: Value = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({ "email": "fondatrice@quai.demo", "password": quai::demo::DEMO_PASSWORD }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let auth = crate::common::accounts::bearer(&founder);
    let sent: Vec<Value> = app
        .get_with(
            "/api/v1/offering-requests?box=sent",
            &[("authorization", &auth)],
        )
        .await
        .json()
        .await
        .unwrap();
    let mut statuses: Vec<&str> = sent.iter().map(|r| r["status"].as_str().unwrap()).collect();
    statuses.sort_unstable();
    assert_eq!(statuses, ["accepted", "in_discussion", "new"]);
    let favorites: Value = app
        .get_with("/api/v1/favorites", &[("authorization", &auth)])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(favorites["organizations"][0]["slug"], "engie");

    // Events: nine to come (three are past), the breakfast full with one person waiting.
    let events: Value = app
        .get("/api/v1/events?per_page=100")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(events["total"], 9);
    let breakfast = events["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["slug"] == "petit-dejeuner-mentorat-engie")
        .expect("the breakfast");
    assert_eq!(
        (
            breakfast["capacity"].as_i64(),
            breakfast["seats_left"].as_i64()
        ),
        (Some(3), Some(0))
    );
    let page = app
        .get("/evenements/petit-dejeuner-mentorat-engie")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Complet"), "{page}");
    assert_eq!(favorites["themes"], json!(["energie"]));
}

#[test]
fn the_seed_command_needs_demo_and_is_idempotent() {
    use std::process::Command;
    let dir = tempfile::tempdir().unwrap();
    let db = crate::common::TestDb::create(dir.path());
    let run = |args: &[&str]| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_quai"));
        for (key, _) in std::env::vars() {
            if key.starts_with("QUAI_") {
                cmd.env_remove(key);
            }
        }
        cmd.current_dir(dir.path())
            .args(args)
            .env("QUAI_DATABASE_URL", db.url())
            .output()
            .unwrap()
    };
    let out = run(&["seed"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--demo"));
    let out = run(&["seed", "--demo"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains(
            "4 accounts, 21 organizations, 17 offerings, 3 requests, 12 events, 5 themes, 13 mentors, 12 projects, 8 mentorships added"
        ),
        "{said}"
    );
    let out = run(&["seed", "--demo"]);
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .contains("0 accounts, 0 organizations, 0 offerings, 0 requests, 0 events, 0 themes, 0 mentors, 0 projects, 0 mentorships added")
    );
}

/// Signs a demo account in; its login answer.
async fn demo_login(app: &TestApp, email: &str) -> Value {
    let res = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({ "email": email, "password": quai::demo::DEMO_PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{email}");
    res.json().await.unwrap()
}

#[tokio::test]
async fn the_demo_data_brings_mentoring_to_life_once() {
    use diesel::prelude::*;
    use quai::db::schema::{mentor_profiles, mentorships, organizations, projects};

    let app = TestApp::spawn().await;
    let hash = quai::auth::password::hash_now(quai::demo::DEMO_PASSWORD).unwrap();
    let first = quai::demo::seed(&mut app.connect(), &hash).unwrap();
    assert_eq!(
        (
            first.themes,
            first.mentors,
            first.projects,
            first.mentorships
        ),
        (5, 13, 12, 8)
    );
    let again = quai::demo::seed(&mut app.connect(), &hash).unwrap();
    assert_eq!(
        again,
        quai::demo::Seeded::default(),
        "seeding twice adds nothing"
    );

    // The themes mentoring speaks of.
    let themes: Value = app
        .get("/api/v1/themes?per_page=100")
        .await
        .json()
        .await
        .unwrap();
    let slugs: Vec<&str> = themes["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["slug"].as_str().unwrap())
        .collect();
    for slug in [
        "efficacite-energetique",
        "reseaux-de-chaleur",
        "hydrogene",
        "financement",
        "industrialisation",
    ] {
        assert!(slugs.contains(&slug), "{slug} in {slugs:?}");
    }

    // A dozen mentors for signed-in people; the demo mentor has a profile.
    let founder = demo_login(&app, "fondatrice@quai.demo").await;
    let mentors: Value = call(&app, "GET", &founder, "/api/v1/mentors?per_page=100", None)
        .await
        .json()
        .await
        .unwrap();
    assert!(mentors["total"].as_i64().unwrap() >= 12, "{mentors}");
    let karim = demo_login(&app, "mentor@quai.demo").await;
    let me: Value = call(&app, "GET", &karim, "/api/v1/mentors/me", None)
        .await
        .json()
        .await
        .unwrap();
    assert!(me["headline"].as_str().unwrap().contains("ENGIE"), "{me}");
    let paused: i64 = mentor_profiles::table
        .filter(mentor_profiles::paused.eq(true))
        .count()
        .get_result(&mut app.connect())
        .unwrap();
    assert_eq!(paused, 1);

    // Projects for most startups, one of them private.
    let with_projects: Vec<i64> = projects::table
        .inner_join(organizations::table)
        .filter(organizations::kind.eq("startup"))
        .select(projects::organization_id)
        .distinct()
        .load(&mut app.connect())
        .unwrap();
    assert!(with_projects.len() >= 12, "{with_projects:?}");
    let private: i64 = projects::table
        .filter(projects::visibility.eq("private"))
        .count()
        .get_result(&mut app.connect())
        .unwrap();
    assert_eq!(private, 1);

    // Mentorships in every state, as the admin API lists them.
    let admin = demo_login(&app, "admin@quai.demo").await;
    let all: Value = call(
        &app,
        "GET",
        &admin,
        "/api/v1/mentorships?all=true&per_page=100",
        None,
    )
    .await
    .json()
    .await
    .unwrap();
    let items = all["items"].as_array().unwrap();
    let mut statuses: Vec<&str> = items
        .iter()
        .map(|m| m["status"].as_str().unwrap())
        .collect();
    statuses.sort_unstable();
    statuses.dedup();
    assert_eq!(
        statuses,
        [
            "active",
            "completed",
            "declined",
            "expired",
            "pending",
            "withdrawn"
        ]
    );
    let pending: Vec<(&str, &str)> = items
        .iter()
        .filter(|m| m["status"] == "pending")
        .map(|m| (m["origin"].as_str().unwrap(), m["status"].as_str().unwrap()))
        .collect();
    assert!(pending.contains(&("request", "pending")), "{pending:?}");
    assert!(pending.contains(&("proposal", "pending")), "{pending:?}");

    // Sessions, feedback, reasons: as the workflow leaves them.
    let mut conn = app.connect();
    let rows: Vec<(i64, String, String)> = mentorships::table
        .select((
            mentorships::id,
            mentorships::status,
            mentorships::decline_reason,
        ))
        .load(&mut conn)
        .unwrap();
    for (id, status, reason) in &rows {
        let sessions = quai::mentoring::model::sessions(&mut conn, *id)
            .unwrap()
            .len();
        let feedback = quai::mentoring::model::feedback(&mut conn, *id)
            .unwrap()
            .len();
        match status.as_str() {
            "active" => assert!((2..=3).contains(&sessions), "{id}: {sessions} sessions"),
            "completed" => {
                assert!(sessions >= 2);
                assert_eq!(feedback, 2, "feedback from both sides");
            }
            "declined" => assert!(!reason.is_empty()),
            _ => assert_eq!(sessions, 0),
        }
    }

    // Every mentor's active mentees are their active mentorships.
    let mentors: Vec<(i64, i32, i32)> = mentor_profiles::table
        .select((
            mentor_profiles::id,
            mentor_profiles::active_mentees,
            mentor_profiles::capacity,
        ))
        .load(&mut conn)
        .unwrap();
    for (id, active, capacity) in mentors {
        let counted: i64 = mentorships::table
            .filter(mentorships::mentor_id.eq(id))
            .filter(mentorships::status.eq("active"))
            .count()
            .get_result(&mut conn)
            .unwrap();
        assert_eq!(i64::from(active), counted, "mentor {id}");
        assert!((1..=3).contains(&capacity));
    }
}
