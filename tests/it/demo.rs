//! `quai seed --demo`: a living Amiens Cluster, and seeding twice changes nothing.

use serde_json::{Value, json};

use crate::common::TestApp;

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
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .contains("4 accounts, 21 organizations, 17 offerings, 3 requests, 12 events added")
    );
    let out = run(&["seed", "--demo"]);
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .contains("0 accounts, 0 organizations, 0 offerings, 0 requests, 0 events added")
    );
}
