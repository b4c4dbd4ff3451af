//! The index follows the database: through the real app (both backends), its job queue and
//! the embedded engine; `quai reindex` and `quai search check` through the real binary.

use std::time::Duration;

use serde_json::{Value, json};

use crate::common::TestApp;
use crate::common::accounts::{admin, bearer, verified_user};
use crate::events::{call, event, published, soon, stage};

/// The ids `/api/v1/search` answers for `query` (with `auth`, if any).
async fn found(app: &TestApp, auth: Option<&str>, query: &str) -> Vec<String> {
    let res = call(app, auth, "GET", &format!("/api/v1/search?{query}"), None).await;
    assert_eq!(res.status(), 200, "search {query}");
    let body: Value = res.json().await.unwrap();
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_str().unwrap().to_owned())
        .collect()
}

/// Waits until the search answers `expected` (the sync jobs run in the app's worker).
async fn until(app: &TestApp, auth: Option<&str>, query: &str, expected: &[&str]) {
    let mut last = Vec::new();
    for _ in 0..200 {
        last = found(app, auth, query).await;
        if last == expected {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("search `{query}` answered {last:?}, expected {expected:?}");
}

async fn ok(res: reqwest::Response) -> Value {
    let status = res.status();
    let body: Value = res.json().await.unwrap_or(Value::Null);
    assert!(status.is_success(), "{status}: {body}");
    body
}

#[tokio::test]
async fn every_kind_of_change_reaches_the_index() {
    let app = TestApp::spawn().await;
    let s = stage(&app).await;
    let org = s.partner;
    let org_doc = format!("organization-{org}");
    until(&app, None, "q=engie&kind=organization", &[&org_doc]).await;

    // An organization renamed: itself and what shows its name follow.
    let (starts, ends) = (soon(48), soon(50));
    let event_id = published(
        &app,
        &s,
        event(&s, "Atelier méthanisation", &starts, &ends, 30),
    )
    .await;
    let event_doc = format!("event-{event_id}");
    until(&app, None, "q=methanisation", &[&event_doc]).await;
    ok(call(
        &app,
        Some(&s.organizer),
        "PATCH",
        &format!("/api/v1/organizations/{org}"),
        Some(json!({"name": "ENGIE Solutions"})),
    )
    .await)
    .await;
    until(&app, None, "q=solutions&kind=organization", &[&org_doc]).await;
    until(&app, None, "q=solutions&kind=event", &[&event_doc]).await;

    // An event edited, given an agenda, cancelled.
    ok(call(
        &app,
        Some(&s.organizer),
        "PUT",
        &format!("/api/v1/events/{event_id}"),
        Some(event(&s, "Atelier biométhane", &starts, &ends, 30)),
    )
    .await)
    .await;
    until(&app, None, "q=biomethane", &[&event_doc]).await;
    until(&app, None, "q=methanisation", &[]).await;
    ok(call(
        &app,
        Some(&s.organizer),
        "POST",
        &format!("/api/v1/events/{event_id}/sessions"),
        Some(json!({
            "title": "Injection dans le réseau",
            "starts_at": starts,
            "ends_at": ends,
            "speakers": ["Margaux Dufresnoy"]
        })),
    )
    .await)
    .await;
    until(&app, None, "q=dufresnoy", &[&event_doc]).await;
    ok(call(
        &app,
        Some(&s.organizer),
        "POST",
        &format!("/api/v1/events/{event_id}/cancel"),
        None,
    )
    .await)
    .await;
    until(&app, None, "q=biomethane", &[]).await;
    // A draft is not findable.
    let res = call(
        &app,
        Some(&s.organizer),
        "POST",
        "/api/v1/events",
        Some(event(&s, "Brouillon secret", &soon(72), &soon(73), 10)),
    )
    .await;
    assert_eq!(res.status(), 201);

    // An offering: draft, submitted, published, edited, archived.
    let offering: Value = ok(call(
        &app,
        Some(&s.organizer),
        "POST",
        "/api/v1/offerings",
        Some(json!({
            "organization_id": org,
            "kind": "expertise",
            "title": "Diagnostic photovoltaïque",
            "summary": "Un expert évalue votre toiture.",
            "body": "Visite et rapport.",
            "audience": "all",
            "conditions": "Gratuit",
            "contact": "pv@engie.example",
            "themes": ["energie"]
        })),
    )
    .await)
    .await;
    let offering_id = offering["id"].as_i64().unwrap();
    let offering_doc = format!("offering-{offering_id}");
    ok(call(
        &app,
        Some(&s.organizer),
        "POST",
        &format!("/api/v1/offerings/{offering_id}/submit"),
        None,
    )
    .await)
    .await;
    ok(call(
        &app,
        Some(&s.boss),
        "POST",
        &format!("/api/v1/admin/offerings/{offering_id}/decision"),
        Some(json!({"decision": "approve", "note": ""})),
    )
    .await)
    .await;
    // « panneaux solaires » is a synonym of « photovoltaïque ».
    until(&app, None, "q=panneaux+solaires", &[&offering_doc]).await;
    until(&app, None, "q=secret", &[]).await;
    ok(call(
        &app,
        Some(&s.organizer),
        "POST",
        &format!("/api/v1/offerings/{offering_id}/archive"),
        None,
    )
    .await)
    .await;
    until(&app, None, "q=photovoltaique", &[]).await;
}

#[tokio::test]
async fn each_role_finds_what_it_may_see() {
    let app = TestApp::spawn().await;
    let boss = bearer(&admin(&app, "equipe@amiens-cluster.fr").await);
    let lea = bearer(&verified_user(&app, "lea@startup.fr", "Léa", "startup_founder").await);
    let res = call(
        &app,
        Some(&lea),
        "POST",
        "/api/v1/organizations",
        Some(json!({"kind": "startup", "name": "Hortillonnages Tech"})),
    )
    .await;
    let id = ok(res).await["id"].as_i64().unwrap();
    let doc = format!("organization-{id}");
    // Awaiting the cluster's decision: the staff find it, nobody else.
    until(&app, Some(&boss), "q=hortillonnages", &[&doc]).await;
    assert!(found(&app, None, "q=hortillonnages").await.is_empty());
    assert!(found(&app, Some(&lea), "q=hortillonnages").await.is_empty());
    let facets: Value = call(&app, None, "GET", "/api/v1/search?q=hortillonnages", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(facets["total"], 0, "{facets}");
    let res = call(&app, None, "GET", "/api/v1/search/suggest?q=hortillo", None).await;
    assert_eq!(res.headers()["cache-control"], "public, max-age=0");
    assert_eq!(res.json::<Value>().await.unwrap()["items"], json!([]));
    let res = call(
        &app,
        Some(&boss),
        "GET",
        "/api/v1/search?q=hortillonnages",
        None,
    )
    .await;
    assert_eq!(
        res.headers()["cache-control"],
        "private, no-store",
        "what staff find is not for shared caches"
    );
    ok(call(
        &app,
        Some(&boss),
        "POST",
        &format!("/api/v1/admin/organizations/{id}/decision"),
        Some(json!({"decision": "approve"})),
    )
    .await)
    .await;
    until(&app, None, "q=hortillonnages", &[&doc]).await;
    let res = call(&app, None, "GET", "/api/v1/search/suggest?q=hortillo", None).await;
    let items = res.json::<Value>().await.unwrap()["items"].clone();
    assert_eq!(items[0]["title"], "Hortillonnages Tech", "{items}");
    assert_eq!(items[0]["url"], "/startups/hortillonnages-tech");
    // Suspended: back to the staff only.
    ok(call(
        &app,
        Some(&boss),
        "PATCH",
        &format!("/api/v1/admin/organizations/{id}"),
        Some(json!({"suspended": true})),
    )
    .await)
    .await;
    until(&app, None, "q=hortillonnages", &[]).await;
    until(&app, Some(&boss), "q=hortillonnages", &[&doc]).await;
}

#[tokio::test]
async fn bad_parameters_get_a_422_and_odd_text_an_answer() {
    let app = TestApp::spawn().await;
    for (query, field) in [
        ("kind=startup", "kind"),
        ("theme=%22%20OR%201", "theme"),
        ("org_kind=admins", "org_kind"),
        ("sort=random", "sort"),
        ("page=0", "page"),
        ("page=-1", "page"),
        ("page=abc", "page"),
        ("per_page=500", "per_page"),
        ("from=2026-13-01", "from"),
        ("from=-5000-01-01", "from"),
        ("from=2026-12-10&to=2026-12-01", "to"),
    ] {
        let res = call(&app, None, "GET", &format!("/api/v1/search?{query}"), None).await;
        assert_eq!(res.status(), 422, "{query}");
        assert_eq!(
            res.headers()["content-type"],
            "application/problem+json",
            "{query}"
        );
        let body: Value = res.json().await.unwrap();
        assert!(body["errors"][field].is_array(), "{query}: {body}");
    }
    let long = "a".repeat(201);
    let res = call(&app, None, "GET", &format!("/api/v1/search?q={long}"), None).await;
    assert_eq!(res.status(), 422);
    for q in [
        "",
        "%22",
        "%22%20OR%20visibility%20%3D%20%22admins",
        "%F0%9F%94%A5",
        "kind%3Aevent",
        "%5C",
        "%00",
    ] {
        let res = call(&app, None, "GET", &format!("/api/v1/search?q={q}"), None).await;
        assert!(
            res.status() == 200 || res.status() == 422,
            "{q}: {}",
            res.status()
        );
        let res = call(
            &app,
            None,
            "GET",
            &format!("/api/v1/search/suggest?q={q}"),
            None,
        )
        .await;
        assert!(
            res.status() == 200 || res.status() == 422,
            "{q}: {}",
            res.status()
        );
    }
    for page in ["100000", "99999999999999999999999"] {
        let res = call(
            &app,
            None,
            "GET",
            &format!("/api/v1/search?page={page}"),
            None,
        )
        .await;
        assert_eq!(res.status(), 200, "page {page}");
        let body: Value = res.json().await.unwrap();
        assert_eq!(
            body["items"],
            json!([]),
            "a page beyond the results is empty"
        );
    }
}

/// The live index's folder, as `CURRENT` names it.
fn live_index(app: &TestApp) -> std::path::PathBuf {
    let root = app.data_dir().join("search");
    let name = std::fs::read_to_string(root.join("CURRENT")).unwrap();
    root.join(name.trim())
}

#[tokio::test]
async fn writes_never_wait_for_search_and_the_index_catches_up() {
    let app = TestApp::spawn().await;
    let s = stage(&app).await;
    until(
        &app,
        None,
        "q=engie",
        &[&format!("organization-{}", s.partner)],
    )
    .await;
    // Another process holds the index's writer: the engine cannot write.
    let index = tantivy::Index::open_in_dir(live_index(&app)).unwrap();
    let mut held = None;
    for _ in 0..200 {
        // The app's worker may be writing this instant: take the lock when it is free.
        if let Ok(w) = index.writer_with_num_threads::<tantivy::TantivyDocument>(1, 15_000_000) {
            held = Some(w);
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let held = held.expect("the writer's lock");
    let id = published(
        &app,
        &s,
        event(&s, "Forum de la chaleur fatale", &soon(24), &soon(26), 20),
    )
    .await;
    // The write succeeded; its sync job fails and waits for another try.
    let mut waiting = false;
    for _ in 0..200 {
        let jobs = app.jobs("").await;
        waiting = jobs["items"].as_array().unwrap().iter().any(|j| {
            j["kind"] == "search_sync"
                && j["attempts"].as_i64().unwrap_or(0) >= 1
                && j["last_error"]
                    .as_str()
                    .unwrap_or("")
                    .contains("another process")
        });
        if waiting {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert!(waiting, "a failed sync job waits: {}", app.jobs("").await);
    assert!(found(&app, None, "q=fatale").await.is_empty());
    let page = app.get(&format!("/api/v1/events/{id}")).await;
    assert_eq!(page.status(), 200, "the event itself is there");
    drop(held);
    until(&app, None, "q=fatale", &[&format!("event-{id}")]).await;
}

/// Runs the `quai` binary on the test's data folder and database.
fn quai(app: &TestApp, args: &[&str]) -> (i32, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_quai"))
        .args(args)
        .current_dir(app.data_dir())
        .env("QUAI_DATA_DIR", app.data_dir())
        .env("QUAI_DATABASE_URL", app.db.url())
        .env("QUAI_LOG_FORMAT", "json")
        .env("RUST_LOG", "warn")
        .output()
        .expect("the quai binary runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

#[tokio::test]
async fn search_check_finds_and_fixes_drift_and_reindex_swaps_without_downtime() {
    let app = TestApp::spawn().await;
    let s = stage(&app).await;
    let first = published(
        &app,
        &s,
        event(&s, "Rencontre hydrogène", &soon(24), &soon(26), 20),
    )
    .await;
    let (starts, ends) = (soon(30), soon(32));
    let second = published(
        &app,
        &s,
        event(&s, "Visite du réseau de chaleur", &starts, &ends, 20),
    )
    .await;
    until(&app, None, "q=hydrogene", &[&format!("event-{first}")]).await;
    until(&app, None, "q=visite", &[&format!("event-{second}")]).await;
    let (code, out) = quai(&app, &["search", "check"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("0 missing, 0 stale, 0 extra"), "{out}");

    // The queue drained (no sync job left to repair what follows by itself).
    let syncing = async || {
        let jobs = app.jobs("").await;
        jobs["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|j| j["kind"] == "search_sync")
            .count()
    };
    for _ in 0..400 {
        if syncing().await == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_eq!(syncing().await, 0, "{}", app.jobs("").await);
    // Drift made behind the app's back: one document gone, one stale, one extra.
    let search = quai::search::Search::from_settings(&app.settings, quai::app::sources()).unwrap();
    // The app's worker may be writing at the same instant: the writer's lock is taken in turn.
    let engine = search.engine.clone();
    let retry = async |docs: Vec<quai::search::Document>, delete: Vec<String>| {
        for _ in 0..100 {
            let done = if delete.is_empty() {
                engine.upsert(&docs).await
            } else {
                engine.delete(&delete).await
            };
            match done {
                Ok(()) => return,
                Err(quai::search::SearchError::Unavailable(_)) => {
                    tokio::time::sleep(Duration::from_millis(50)).await
                }
                Err(e) => panic!("{e}"),
            }
        }
        panic!("the index stayed locked");
    };
    retry(Vec::new(), vec![format!("event-{first}")]).await;
    let mut stale = quai::search::Document {
        id: format!("event-{second}"),
        kind: quai::search::Kind::Event,
        title: "Ancien titre".into(),
        text: String::new(),
        themes: Vec::new(),
        theme_labels: Vec::new(),
        organization: None,
        org_kind: None,
        city: None,
        starts_at: None,
        ends_at: None,
        published_at: 0,
        visibility: quai::search::Visibility::Public,
        url: "/".into(),
    };
    retry(vec![stale.clone()], Vec::new()).await;
    stale.id = "event-999999".into();
    retry(vec![stale], Vec::new()).await;
    // The app's reader sees another writer's commit within its reload delay.
    until(&app, None, "q=hydrogene", &[]).await;

    let (code, out) = quai(&app, &["search", "check"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("1 missing, 1 stale, 1 extra"), "{out}");
    assert!(out.contains(&format!("missing: event-{first}")), "{out}");
    assert!(out.contains("extra: event-999999"), "{out}");
    let (code, out) = quai(&app, &["search", "check", "--fix"]);
    assert_eq!(code, 0, "{out}");
    let (code, out) = quai(&app, &["search", "check"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("0 missing, 0 stale, 0 extra"), "{out}");
    until(&app, None, "q=hydrogene", &[&format!("event-{first}")]).await;
    until(&app, None, "q=ancien", &[]).await;

    // Reindex in another process while searches go on: every answer is whole.
    let before = live_index(&app);
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_quai"))
        .arg("reindex")
        .current_dir(app.data_dir())
        .env("QUAI_DATA_DIR", app.data_dir())
        .env("QUAI_DATABASE_URL", app.db.url())
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Searches run until the reindex is over, and a little after the swap: every answer whole.
    let mut answers = 0;
    let mut after = 0;
    while after < 20 {
        if child.try_wait().unwrap().is_some() {
            after += 1;
        }
        let ids = found(&app, None, "q=hydrogene").await;
        assert_eq!(ids, vec![format!("event-{first}")], "during the reindex");
        answers += 1;
    }
    let out = child.wait_with_output().await.unwrap();
    assert!(out.status.success(), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("documents in"),
        "{out:?}"
    );
    assert!(answers > 20, "searches ran during the reindex: {answers}");
    assert_ne!(live_index(&app), before, "a new index was swapped in");
    assert!(!before.exists(), "the old index is gone");
    until(&app, None, "q=hydrogene", &[&format!("event-{first}")]).await;
    until(&app, None, "q=visite", &[&format!("event-{second}")]).await;
    // The app writes to the new index.
    ok(call(
        &app,
        Some(&s.organizer),
        "PUT",
        &format!("/api/v1/events/{second}"),
        Some(event(&s, "Visite de la chaufferie", &starts, &ends, 20)),
    )
    .await)
    .await;
    until(&app, None, "q=chaufferie", &[&format!("event-{second}")]).await;
}

#[tokio::test]
async fn meilisearch_down_answers_503_and_writes_go_on() {
    // Nothing listens on port 9 of this machine: Meilisearch is down.
    let app = TestApp::spawn_with(|s| {
        s.meili_url = Some(url::Url::parse("http://127.0.0.1:9").unwrap());
        s.meili_timeout = 2;
    })
    .await;
    let res = call(&app, None, "GET", "/api/v1/search?q=chaleur", None).await;
    assert_eq!(res.status(), 503);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    let res = call(&app, None, "GET", "/api/v1/search/suggest?q=cha", None).await;
    assert_eq!(res.status(), 503);
    let res = app.get("/recherche?q=chaleur").await;
    assert_eq!(res.status(), 503);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let ready: Value = app.get("/readyz").await.json().await.unwrap();
    assert_eq!(ready["status"], "ready", "{ready}");
    assert_eq!(ready["checks"]["search"], "unavailable", "{ready}");
    // A write succeeds; its sync job waits for Meilisearch.
    let lea = bearer(&verified_user(&app, "lea@startup.fr", "Léa", "startup_founder").await);
    let res = call(
        &app,
        Some(&lea),
        "POST",
        "/api/v1/organizations",
        Some(json!({"kind": "startup", "name": "Hortillonnages Tech"})),
    )
    .await;
    assert_eq!(res.status(), 201);
    let mut waiting = false;
    for _ in 0..200 {
        let jobs = app.jobs("").await;
        waiting = jobs["items"].as_array().unwrap().iter().any(|j| {
            j["kind"] == "search_sync"
                && j["state"] == "queued"
                && j["last_error"].as_str().is_some_and(|e| !e.is_empty())
        });
        if waiting {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert!(waiting, "the sync job waits: {}", app.jobs("").await);
}

#[tokio::test]
async fn an_index_that_cannot_be_opened_is_rebuilt_at_start_up() {
    // `CURRENT` names a folder that is gone (a crash, a hand-made mistake).
    let app = TestApp::spawn_with(|s| {
        let root = s.data_dir.join("search");
        std::fs::create_dir_all(&root).unwrap();
        std::fs::write(root.join("CURRENT"), "index-gone").unwrap();
    })
    .await;
    let mut status = 0;
    for _ in 0..200 {
        status = call(&app, None, "GET", "/api/v1/search?q=x", None)
            .await
            .status()
            .as_u16();
        if status == 200 {
            break;
        }
        assert_eq!(status, 503, "unavailable until rebuilt, never a 500");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_eq!(status, 200, "the start-up job rebuilt the index");
    assert_ne!(live_index(&app).file_name().unwrap(), "index-gone");
}
