//! Mentoring through the real app: mentor profiles and projects, the explainable score, the
//! workflow from request to feedback with its emails, reminders and expiry, the capacity under
//! 20 simultaneous accepts, and the bad input that must leave nothing written.

use diesel::prelude::*;
use serde_json::{Value, json};

use crate::common::accounts::{admin, call, outbox, verified_user};
use crate::common::{TestApp, problem, wait_until};
use quai::db::schema::{jobs, mentor_profiles, mentorships};

pub struct World {
    pub boss: Value,
    pub lea: Value,
    pub paul: Value,
    pub startup: i64,
    pub engie: i64,
}

pub async fn approved_org(
    app: &TestApp,
    boss: &Value,
    owner: &Value,
    kind: &str,
    name: &str,
) -> i64 {
    let res = call(
        app,
        "POST",
        owner,
        "/api/v1/organizations",
        Some(json!({"kind": kind, "name": name, "city": "Amiens"})),
    )
    .await;
    assert_eq!(res.status(), 201);
    let id = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let res = call(
        app,
        "POST",
        boss,
        &format!("/api/v1/admin/organizations/{id}/decision"),
        Some(json!({"decision": "approve"})),
    )
    .await;
    assert_eq!(res.status(), 200);
    id
}

pub async fn themes(app: &TestApp, boss: &Value) {
    for (slug, fr, en) in [
        ("hydrogene", "Hydrogène", "Hydrogen"),
        ("reseaux-de-chaleur", "Réseaux de chaleur", "Heat networks"),
        ("financement", "Financement", "Financing"),
    ] {
        let res = call(
            app,
            "POST",
            boss,
            "/api/v1/themes",
            Some(json!({"slug": slug, "label_fr": fr, "label_en": en})),
        )
        .await;
        assert_eq!(res.status(), 201, "{slug}");
    }
}

pub async fn world(app: &TestApp) -> World {
    let boss = admin(app, "equipe@amiens-cluster.fr").await;
    themes(app, &boss).await;
    let lea = verified_user(app, "lea@chaleur-picarde.fr", "Léa", "startup_founder").await;
    let paul = verified_user(app, "paul@engie.example", "Paul", "partner_staff").await;
    let startup = approved_org(app, &boss, &lea, "startup", "Chaleur Picarde").await;
    let engie = approved_org(app, &boss, &paul, "partner", "ENGIE Solutions").await;
    World {
        boss,
        lea,
        paul,
        startup,
        engie,
    }
}

/// A verified mentor with a profile; returns (tokens, mentor id).
pub async fn mentor(app: &TestApp, email: &str, name: &str, profile: Value) -> (Value, i64) {
    let who = verified_user(app, email, name, "mentor").await;
    let res = call(app, "PUT", &who, "/api/v1/mentors/me", Some(profile)).await;
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    let id = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    (who, id)
}

pub fn profile(
    expertise: &[(&str, i32)],
    languages: &[&str],
    stages: &[&str],
    capacity: i32,
) -> Value {
    json!({
        "headline": "Experte ENGIE",
        "bio": "Vingt ans de **réseaux de chaleur**.",
        "expertise": expertise.iter().map(|(t, l)| json!({"theme": t, "level": l})).collect::<Vec<_>>(),
        "languages": languages,
        "stages": stages,
        "capacity": capacity,
        "availability": "Un jeudi sur deux, en visio",
        "slots": [{"weekday": 4, "start": "14:00", "end": "16:30"}],
    })
}

pub async fn project(
    app: &TestApp,
    who: &Value,
    title: &str,
    needs: &[(&str, i32)],
    stage: &str,
) -> i64 {
    let res = call(
        app,
        "POST",
        who,
        "/api/v1/projects",
        Some(json!({
            "title": title,
            "summary": "Une chaufferie biomasse pour un quartier d’Amiens.",
            "goals": "Boucler le financement",
            "stage": stage,
            "languages": ["fr"],
            "needs": needs.iter().map(|(t, w)| json!({"theme": t, "level": w})).collect::<Vec<_>>(),
        })),
    )
    .await;
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    res.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

pub async fn ask(app: &TestApp, who: &Value, project: i64, mentor: i64) -> reqwest::Response {
    call(
        app,
        "POST",
        who,
        "/api/v1/mentorships",
        Some(json!({"project_id": project, "mentor_id": mentor, "message": "Votre expérience des réseaux nous aiderait."})),
    )
    .await
}

/// Waits for the newest email to `to` whose subject starts with `prefix`: (subject, text).
pub async fn mail_with(app: &TestApp, to: &str, prefix: &str) -> (String, String) {
    for _ in 0..400 {
        if let Some((_, subject, text)) = outbox(app)
            .into_iter()
            .rev()
            .find(|(t, s, _)| t == to && s.starts_with(prefix))
        {
            return (subject, text);
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!(
        "no email to {to} starting with {prefix:?}; outbox: {:?}",
        outbox(app)
    );
}

fn plain(s: &str) -> String {
    s.replace(['\u{a0}', '\u{202f}'], " ")
}

fn mails_to(app: &TestApp, to: &str) -> usize {
    outbox(app).iter().filter(|m| m.0 == to).count()
}

async fn no_jobs_of(app: &TestApp, kind: &str) {
    wait_until(10, kind, || async {
        jobs::table
            .filter(jobs::kind.eq(kind.to_owned()))
            .count()
            .get_result::<i64>(&mut app.connect())
            .unwrap()
            == 0
    })
    .await;
}

fn due_now(app: &TestApp, kind: &str) {
    diesel::update(jobs::table.filter(jobs::kind.eq(kind)))
        .set(jobs::run_at.eq(chrono::Utc::now().naive_utc() - chrono::Duration::seconds(1)))
        .execute(&mut app.connect())
        .unwrap();
}

#[tokio::test]
async fn known_pairs_give_known_scores_and_breakdowns_in_both_languages() {
    let app = TestApp::spawn_with(|s| s.signup_per_hour = 1000).await;
    let w = world(&app).await;
    let (_, claire) = mentor(
        &app,
        "claire@engie.example",
        "Claire",
        profile(
            &[
                ("hydrogene", 3),
                ("reseaux-de-chaleur", 2),
                ("financement", 1),
            ],
            &["fr", "en"],
            &[],
            3,
        ),
    )
    .await;
    let (_, bob) = mentor(
        &app,
        "bob@upjv.example",
        "Bob",
        profile(&[("financement", 3)], &["en"], &["idea"], 1),
    )
    .await;
    // A mentor who belongs to the startup itself is shown but cannot be proposed.
    let (insider, inside) = mentor(
        &app,
        "ines@chaleur-picarde.fr",
        "Inès",
        profile(&[("hydrogene", 3)], &["fr"], &[], 2),
    )
    .await;
    let insider_id = call(&app, "GET", &insider, "/api/v1/me", None)
        .await
        .json::<Value>()
        .await
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    quai::orgs::model::add_member(
        &mut app.connect(),
        w.startup,
        insider_id,
        "member",
        chrono::Utc::now().naive_utc(),
    )
    .unwrap();

    let p = project(
        &app,
        &w.lea,
        "Chaufferie hydrogène",
        &[
            ("hydrogene", 3),
            ("reseaux-de-chaleur", 2),
            ("financement", 1),
        ],
        "prototype",
    )
    .await;
    let res = call(
        &app,
        "GET",
        &w.lea,
        &format!("/api/v1/projects/{p}/suggestions"),
        None,
    )
    .await;
    assert_eq!(res.status(), 200);
    let list: Value = res.json().await.unwrap();
    let list = list.as_array().unwrap();
    let of = |id: i64| {
        list.iter()
            .find(|s| s["mentor"]["id"] == id)
            .unwrap_or_else(|| panic!("{id} in {list:?}"))
    };

    // Claire: themes 60·(3·3 + 2·2 + 1·1)/(3·(3+2+1)) = 46.7 → 47, a common language 15, every
    // stage 15, all 3 places left 10.
    let c = &of(claire)["score"];
    assert_eq!(
        (
            c["themes"].as_i64(),
            c["language"].as_i64(),
            c["stage"].as_i64(),
            c["capacity"].as_i64(),
            c["total"].as_i64()
        ),
        (Some(47), Some(15), Some(15), Some(10), Some(87)),
        "{c}"
    );
    assert_eq!(c["eligible"], true);
    assert_eq!(
        plain(c["reasons"][0].as_str().unwrap()),
        "3 thèmes en commun : hydrogène, réseaux de chaleur, financement"
    );
    assert_eq!(
        plain(c["reasons"][1].as_str().unwrap()),
        "langue commune : français"
    );
    assert!(
        plain(c["explanation"].as_str().unwrap()).contains("3 places restantes"),
        "{c}"
    );
    // Bob: financement only at level 3 → 60·3/18 = 10; English only; ideas only; 1 place of 1.
    let b = &of(bob)["score"];
    assert_eq!(
        (
            b["themes"].as_i64(),
            b["language"].as_i64(),
            b["stage"].as_i64(),
            b["capacity"].as_i64(),
            b["total"].as_i64()
        ),
        (Some(10), Some(0), Some(0), Some(10), Some(20)),
        "{b}"
    );
    assert_eq!(
        plain(b["reasons"][0].as_str().unwrap()),
        "1 thème en commun : financement"
    );
    assert!(
        plain(b["explanation"].as_str().unwrap()).contains("1 place restante"),
        "{b}"
    );
    // Inès belongs to the startup.
    let i = &of(inside)["score"];
    assert_eq!(i["eligible"], false);
    assert_eq!(i["blockers"], json!(["same_organization"]));
    // Eligible mentors first, best first.
    let order: Vec<i64> = list
        .iter()
        .map(|s| s["mentor"]["id"].as_i64().unwrap())
        .collect();
    assert_eq!(order, vec![claire, bob, inside]);

    // The same breakdown in English.
    let res = app
        .client
        .get(app.url(&format!("/api/v1/projects/{p}/suggestions")))
        .header("authorization", crate::common::accounts::bearer(&w.lea))
        .header("accept-language", "en")
        .send()
        .await
        .unwrap();
    let list: Value = res.json().await.unwrap();
    assert_eq!(
        plain(list[0]["score"]["reasons"][0].as_str().unwrap()),
        "3 themes in common: hydrogen, heat networks, financing"
    );
    // Only the startup's members (and admins) see a project's suggestions.
    problem(
        call(
            &app,
            "GET",
            &w.paul,
            &format!("/api/v1/projects/{p}/suggestions"),
            None,
        )
        .await,
        403,
        "forbidden",
    )
    .await;
    let _ = w.engie;
}

#[tokio::test]
async fn a_request_goes_from_ask_to_feedback_and_every_step_emails_the_other_side() {
    let app = TestApp::spawn_with(|s| s.signup_per_hour = 1000).await;
    let w = world(&app).await;
    let (claire_t, claire) = mentor(
        &app,
        "claire@engie.example",
        "Claire",
        profile(
            &[("hydrogene", 3), ("reseaux-de-chaleur", 2)],
            &["fr"],
            &[],
            2,
        ),
    )
    .await;
    let (bob_t, bob) = mentor(
        &app,
        "bob@upjv.example",
        "Bob",
        profile(&[("hydrogene", 1)], &["fr"], &[], 1),
    )
    .await;
    let p = project(
        &app,
        &w.lea,
        "Chaufferie hydrogène",
        &[("hydrogene", 3)],
        "prototype",
    )
    .await;

    let res = ask(&app, &w.lea, p, claire).await;
    assert_eq!(res.status(), 201);
    let request: Value = res.json().await.unwrap();
    let id = request["id"].as_i64().unwrap();
    assert_eq!(request["status"], "pending");
    assert_eq!(request["side"], "startup");
    let (subject, body) = mail_with(&app, "claire@engie.example", "Une startup").await;
    assert!(
        subject.contains("Une startup vous demande comme mentor")
            && subject.contains("Chaufferie hydrogène"),
        "{subject}"
    );
    assert!(
        body.contains("Chaleur Picarde") && body.contains("Votre expérience des réseaux"),
        "{body}"
    );
    assert!(body.contains(&format!("/espace/mentorat/{id}")), "{body}");
    // A second request to Bob for the same project.
    let res = ask(&app, &w.lea, p, bob).await;
    assert_eq!(res.status(), 201);
    let to_bob = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();

    // Duplicate request: 409, nothing written.
    problem(ask(&app, &w.lea, p, claire).await, 409, "conflict").await;
    // Only the mentor answers.
    problem(
        call(
            &app,
            "POST",
            &w.lea,
            &format!("/api/v1/mentorships/{id}/accept"),
            None,
        )
        .await,
        403,
        "forbidden",
    )
    .await;
    // Strangers do not even see it.
    problem(
        call(
            &app,
            "GET",
            &w.paul,
            &format!("/api/v1/mentorships/{id}"),
            None,
        )
        .await,
        404,
        "not_found",
    )
    .await;
    // Feedback before the end.
    problem(
        call(
            &app,
            "POST",
            &w.lea,
            &format!("/api/v1/mentorships/{id}/feedback"),
            Some(json!({"rating": 5})),
        )
        .await,
        409,
        "conflict",
    )
    .await;

    let res = call(
        &app,
        "POST",
        &claire_t,
        &format!("/api/v1/mentorships/{id}/accept"),
        None,
    )
    .await;
    assert_eq!(res.status(), 200);
    let m: Value = res.json().await.unwrap();
    assert_eq!(m["status"], "active");
    assert_eq!(m["side"], "mentor");
    assert_eq!(m["mentor"]["active_mentees"], 1);
    assert_eq!(m["project"]["status"], "matched");
    let (subject, _) = mail_with(&app, "lea@chaleur-picarde.fr", "Votre mentor a accepté").await;
    assert!(subject.starts_with("Votre mentor a accepté"), "{subject}");
    // Bob's request was withdrawn, and Bob told.
    let bob_request: Value = call(
        &app,
        "GET",
        &bob_t,
        &format!("/api/v1/mentorships/{to_bob}"),
        None,
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(bob_request["status"], "withdrawn");
    let (subject, _) = mail_with(&app, "bob@upjv.example", "Le projet a trouvé un mentor").await;
    assert!(
        subject.starts_with("Le projet a trouvé un mentor"),
        "{subject}"
    );
    problem(
        call(
            &app,
            "POST",
            &bob_t,
            &format!("/api/v1/mentorships/{to_bob}/accept"),
            None,
        )
        .await,
        409,
        "conflict",
    )
    .await;

    // Capacity below the current mentees: 409, nothing written.
    let mut lower = profile(&[("hydrogene", 3)], &["fr"], &[], 0);
    lower["headline"] = json!("Changed");
    problem(
        call(&app, "PUT", &claire_t, "/api/v1/mentors/me", Some(lower)).await,
        409,
        "conflict",
    )
    .await;
    let me: Value = call(&app, "GET", &claire_t, "/api/v1/mentors/me", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (me["capacity"].as_i64(), me["headline"].as_str()),
        (Some(2), Some("Experte ENGIE"))
    );

    // The session log: shared notes for both, private notes for their writer only.
    let res = call(
        &app,
        "POST",
        &claire_t,
        &format!("/api/v1/mentorships/{id}/sessions"),
        Some(json!({"held_at": "2026-11-20T14:00", "minutes": 90, "shared_notes": "Dimensionner l’électrolyseur", "private_notes": "Équipe solide"})),
    )
    .await;
    assert_eq!(res.status(), 201);
    let m: Value = res.json().await.unwrap();
    assert_eq!(m["sessions"][0]["private_notes"], "Équipe solide");
    assert_eq!(
        m["sessions"][0]["held_at"], "2026-11-20T13:00:00",
        "14:00 in Paris is 13:00 UTC"
    );
    assert_eq!(m["total_minutes"], 90);
    let (subject, body) = mail_with(&app, "lea@chaleur-picarde.fr", "Nouvelle séance").await;
    assert!(subject.starts_with("Nouvelle séance"), "{subject}");
    assert!(
        body.contains("Dimensionner") && !body.contains("Équipe solide"),
        "{body}"
    );
    let seen: Value = call(
        &app,
        "GET",
        &w.lea,
        &format!("/api/v1/mentorships/{id}"),
        None,
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(
        seen["sessions"][0]["shared_notes"],
        "Dimensionner l’électrolyseur"
    );
    assert_eq!(seen["sessions"][0]["private_notes"], "");
    problem(
        call(
            &app,
            "POST",
            &w.lea,
            &format!("/api/v1/mentorships/{id}/sessions"),
            Some(json!({"held_at": "demain", "minutes": 2})),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;

    // The startup ends it; both are asked for feedback; the place is free again.
    let res = call(
        &app,
        "POST",
        &w.lea,
        &format!("/api/v1/mentorships/{id}/end"),
        None,
    )
    .await;
    assert_eq!(res.status(), 200);
    let m: Value = res.json().await.unwrap();
    assert_eq!(m["status"], "completed");
    assert_eq!(m["mentor"]["active_mentees"], 0);
    assert_eq!(m["project"]["status"], "closed");
    let (subject, _) = mail_with(&app, "claire@engie.example", "Mentorat terminé").await;
    assert!(subject.starts_with("Mentorat terminé"), "{subject}");
    let (subject, _) = mail_with(&app, "lea@chaleur-picarde.fr", "Mentorat terminé").await;
    assert!(subject.starts_with("Mentorat terminé"), "{subject}");
    problem(
        call(
            &app,
            "POST",
            &w.lea,
            &format!("/api/v1/mentorships/{id}/end"),
            None,
        )
        .await,
        409,
        "conflict",
    )
    .await;

    problem(
        call(
            &app,
            "POST",
            &w.lea,
            &format!("/api/v1/mentorships/{id}/feedback"),
            Some(json!({"rating": 6})),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    let res = call(
        &app,
        "POST",
        &w.lea,
        &format!("/api/v1/mentorships/{id}/feedback"),
        Some(json!({"rating": 5, "comment": "Merci !"})),
    )
    .await;
    assert_eq!(res.status(), 201);
    problem(
        call(
            &app,
            "POST",
            &w.lea,
            &format!("/api/v1/mentorships/{id}/feedback"),
            Some(json!({"rating": 4})),
        )
        .await,
        409,
        "conflict",
    )
    .await;
    let res = call(
        &app,
        "POST",
        &claire_t,
        &format!("/api/v1/mentorships/{id}/feedback"),
        Some(json!({"rating": 4, "comment": "Belle équipe"})),
    )
    .await;
    assert_eq!(res.status(), 201);
    let m: Value = call(
        &app,
        "GET",
        &w.lea,
        &format!("/api/v1/mentorships/{id}"),
        None,
    )
    .await
    .json()
    .await
    .unwrap();
    let ratings: Vec<(String, i64)> = m["feedback"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["side"].as_str().unwrap().to_owned(),
                f["rating"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(ratings, vec![("mentor".into(), 4), ("startup".into(), 5)]);
}

#[tokio::test]
async fn a_declined_request_carries_its_reason_and_bad_requests_write_nothing() {
    let app = TestApp::spawn_with(|s| s.signup_per_hour = 1000).await;
    let w = world(&app).await;
    let (claire_t, claire) = mentor(
        &app,
        "claire@engie.example",
        "Claire",
        profile(&[("hydrogene", 3)], &["fr"], &[], 2),
    )
    .await;
    let p = project(
        &app,
        &w.lea,
        "Chaufferie hydrogène",
        &[("hydrogene", 3)],
        "prototype",
    )
    .await;
    let id = ask(&app, &w.lea, p, claire)
        .await
        .json::<Value>()
        .await
        .unwrap()["id"]
        .as_i64()
        .unwrap();

    problem(
        call(
            &app,
            "POST",
            &claire_t,
            &format!("/api/v1/mentorships/{id}/decline"),
            Some(json!({"reason": "  "})),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    let res = call(
        &app,
        "POST",
        &claire_t,
        &format!("/api/v1/mentorships/{id}/decline"),
        Some(json!({"reason": "Je suis pris jusqu’en mars."})),
    )
    .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap()["status"], "declined");
    let (subject, body) = mail_with(
        &app,
        "lea@chaleur-picarde.fr",
        "Demande de mentorat déclinée",
    )
    .await;
    assert!(
        subject.starts_with("Demande de mentorat déclinée"),
        "{subject}"
    );
    assert!(body.contains("pris jusqu’en mars"), "{body}");
    problem(
        call(
            &app,
            "POST",
            &claire_t,
            &format!("/api/v1/mentorships/{id}/accept"),
            None,
        )
        .await,
        409,
        "conflict",
    )
    .await;
    // Declined pairs are not suggested again.
    let list: Value = call(
        &app,
        "GET",
        &w.lea,
        &format!("/api/v1/projects/{p}/suggestions"),
        None,
    )
    .await
    .json()
    .await
    .unwrap();
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .all(|s| s["mentor"]["id"] != claire),
        "{list}"
    );

    let count = |app: &TestApp| -> i64 {
        mentorships::table
            .count()
            .get_result(&mut app.connect())
            .unwrap()
    };
    let before = count(&app);
    // A paused mentor and a full mentor take no request.
    let mut paused = profile(&[("hydrogene", 3)], &["fr"], &[], 2);
    paused["paused"] = json!(true);
    let (_, resting) = mentor(&app, "repos@engie.example", "Repos", paused).await;
    problem(ask(&app, &w.lea, p, resting).await, 409, "conflict").await;
    let (_, full) = mentor(
        &app,
        "plein@engie.example",
        "Plein",
        profile(&[("hydrogene", 3)], &["fr"], &[], 0),
    )
    .await;
    problem(ask(&app, &w.lea, p, full).await, 409, "conflict").await;
    // Self-mentoring: a mentor of the startup itself.
    let (inside_t, inside) = mentor(
        &app,
        "ines@chaleur-picarde.fr",
        "Inès",
        profile(&[("hydrogene", 3)], &["fr"], &[], 2),
    )
    .await;
    let inside_user = call(&app, "GET", &inside_t, "/api/v1/me", None)
        .await
        .json::<Value>()
        .await
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    quai::orgs::model::add_member(
        &mut app.connect(),
        w.startup,
        inside_user,
        "member",
        chrono::Utc::now().naive_utc(),
    )
    .unwrap();
    problem(ask(&app, &w.lea, p, inside).await, 422, "validation_failed").await;
    problem(
        ask(&app, &inside_t, p, inside).await,
        422,
        "validation_failed",
    )
    .await;
    // Someone outside the startup cannot ask for its project.
    problem(ask(&app, &w.paul, p, claire).await, 403, "forbidden").await;
    // Unknown project or mentor.
    problem(
        ask(&app, &w.lea, 9999, claire).await,
        422,
        "validation_failed",
    )
    .await;
    problem(ask(&app, &w.lea, p, 9999).await, 422, "validation_failed").await;
    assert_eq!(count(&app), before, "nothing written");

    // At most 3 pending requests per project.
    let mut others = Vec::new();
    for n in 0..4 {
        let (_, m) = mentor(
            &app,
            &format!("m{n}@engie.example"),
            &format!("Mentor {n}"),
            profile(&[("hydrogene", 2)], &["fr"], &[], 1),
        )
        .await;
        others.push(m);
    }
    for m in &others[..3] {
        assert_eq!(ask(&app, &w.lea, p, *m).await.status(), 201);
    }
    problem(ask(&app, &w.lea, p, others[3]).await, 409, "conflict").await;
    assert_eq!(count(&app), before + 3);

    // Bad profiles and projects: 422 with the fields, nothing written.
    let bad = json!({"expertise": [{"theme": "hydrogene", "level": 4}, {"theme": "licornes", "level": 1}],
        "languages": ["français"], "capacity": 99, "visibility": "secret",
        "slots": [{"weekday": 8, "start": "25:00", "end": "10:00"}]});
    let body = problem(
        call(&app, "PUT", &claire_t, "/api/v1/mentors/me", Some(bad)).await,
        422,
        "validation_failed",
    )
    .await;
    for field in ["expertise", "languages", "capacity", "visibility", "slots"] {
        assert!(body["errors"][field].is_array(), "{field}: {body}");
    }
    let not_mentor = verified_user(&app, "x@amiens.fr", "X", "startup_founder").await;
    problem(
        call(
            &app,
            "PUT",
            &not_mentor,
            "/api/v1/mentors/me",
            Some(profile(&[("hydrogene", 1)], &["fr"], &[], 1)),
        )
        .await,
        403,
        "forbidden",
    )
    .await;
    let res = call(
        &app,
        "POST",
        &w.lea,
        "/api/v1/projects",
        Some(json!({"title": "", "stage": "licorne", "languages": [], "needs": []})),
    )
    .await;
    let body = problem(res, 422, "validation_failed").await;
    for field in ["title", "stage", "languages", "needs"] {
        assert!(body["errors"][field].is_array(), "{field}: {body}");
    }
    problem(call(&app, "POST", &w.paul, "/api/v1/projects", Some(json!({"title": "T", "stage": "idea", "languages": ["fr"], "needs": [{"theme": "hydrogene", "level": 1}]}))).await, 403, "forbidden").await;
    let _ = w.engie;
    let _ = &w.boss;
}

#[tokio::test]
async fn unanswered_requests_are_reminded_after_seven_days_and_expire_after_fourteen() {
    let app = TestApp::spawn_with(|s| s.signup_per_hour = 1000).await;
    let w = world(&app).await;
    let (_, claire) = mentor(
        &app,
        "claire@engie.example",
        "Claire",
        profile(&[("hydrogene", 3)], &["fr"], &[], 2),
    )
    .await;
    let p = project(
        &app,
        &w.lea,
        "Chaufferie hydrogène",
        &[("hydrogene", 3)],
        "prototype",
    )
    .await;
    let id = ask(&app, &w.lea, p, claire)
        .await
        .json::<Value>()
        .await
        .unwrap()["id"]
        .as_i64()
        .unwrap();

    let queued = app.jobs("queued").await;
    let now = chrono::Utc::now().naive_utc();
    let days = |kind: &str| -> f64 {
        let job = queued["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|j| j["kind"] == kind)
            .unwrap_or_else(|| panic!("no {kind} in {queued}"));
        let at: chrono::NaiveDateTime = job["run_at"].as_str().unwrap().parse().unwrap();
        (at - now).num_hours() as f64 / 24.0
    };
    assert!((days("mentorship_reminder") - 7.0).abs() < 0.1);
    assert!((days("mentorship_expiry") - 14.0).abs() < 0.1);

    no_jobs_of(&app, "send_email").await;
    let before = mails_to(&app, "claire@engie.example");
    due_now(&app, "mentorship_reminder");
    let (subject, body) = mail_with(&app, "claire@engie.example", "Rappel").await;
    assert!(subject.starts_with("Rappel"), "{subject}");
    assert!(body.contains("Chaufferie hydrogène"), "{body}");
    no_jobs_of(&app, "mentorship_reminder").await;
    // Once only.
    quai::jobs::enqueue(
        &mut app.connect(),
        &quai::mentoring::workflow::RemindMentor { mentorship: id },
        Default::default(),
    )
    .unwrap();
    no_jobs_of(&app, "mentorship_reminder").await;
    no_jobs_of(&app, "send_email").await;
    assert_eq!(mails_to(&app, "claire@engie.example"), before + 1);

    // Before its deadline the expiry changes nothing; after it, both sides are told.
    due_now(&app, "mentorship_expiry");
    no_jobs_of(&app, "mentorship_expiry").await;
    let m: Value = call(
        &app,
        "GET",
        &w.lea,
        &format!("/api/v1/mentorships/{id}"),
        None,
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(m["status"], "pending");
    diesel::update(mentorships::table.find(id))
        .set(mentorships::expires_at.eq(now - chrono::Duration::minutes(1)))
        .execute(&mut app.connect())
        .unwrap();
    quai::jobs::enqueue(
        &mut app.connect(),
        &quai::mentoring::workflow::ExpireMentorship { mentorship: id },
        Default::default(),
    )
    .unwrap();
    let (subject, _) = mail_with(
        &app,
        "lea@chaleur-picarde.fr",
        "Demande de mentorat expirée",
    )
    .await;
    assert!(
        subject.starts_with("Demande de mentorat expirée"),
        "{subject}"
    );
    let (subject, _) = mail_with(&app, "claire@engie.example", "Demande de mentorat expirée").await;
    assert!(
        subject.starts_with("Demande de mentorat expirée"),
        "{subject}"
    );
    let m: Value = call(
        &app,
        "GET",
        &w.lea,
        &format!("/api/v1/mentorships/{id}"),
        None,
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(m["status"], "expired");
    // Expired, the startup may ask again.
    assert_eq!(ask(&app, &w.lea, p, claire).await.status(), 201);
}

#[tokio::test]
async fn twenty_simultaneous_accepts_for_one_place_let_exactly_one_through() {
    let app = TestApp::spawn_with(|s| s.signup_per_hour = 1000).await;
    let w = world(&app).await;
    let (claire_t, claire) = mentor(
        &app,
        "claire@engie.example",
        "Claire",
        profile(&[("hydrogene", 3)], &["fr"], &[], 1),
    )
    .await;
    let mut requests = Vec::new();
    for n in 0..20 {
        let p = project(
            &app,
            &w.lea,
            &format!("Projet {n}"),
            &[("hydrogene", 2)],
            "idea",
        )
        .await;
        let res = ask(&app, &w.lea, p, claire).await;
        assert_eq!(res.status(), 201);
        requests.push(res.json::<Value>().await.unwrap()["id"].as_i64().unwrap());
    }
    let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(requests.len()));
    let mut tasks = Vec::new();
    for id in requests {
        let (client, url, auth, barrier) = (
            app.client.clone(),
            app.url(&format!("/api/v1/mentorships/{id}/accept")),
            crate::common::accounts::bearer(&claire_t),
            barrier.clone(),
        );
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            client
                .post(url)
                .header("authorization", auth)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }));
    }
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    statuses.sort();
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 409).count(),
        19,
        "{statuses:?}"
    );
    let (active, capacity): (i32, i32) = mentor_profiles::table
        .find(claire)
        .select((mentor_profiles::active_mentees, mentor_profiles::capacity))
        .first(&mut app.connect())
        .unwrap();
    assert_eq!((active, capacity), (1, 1));
    let live: i64 = mentorships::table
        .filter(mentorships::status.eq("active"))
        .count()
        .get_result(&mut app.connect())
        .unwrap();
    assert_eq!(live, 1);
}

#[tokio::test]
async fn visibility_rules_hold_for_mentors_and_projects() {
    let app = TestApp::spawn_with(|s| s.signup_per_hour = 1000).await;
    let w = world(&app).await;
    let (_, public) = mentor(
        &app,
        "claire@engie.example",
        "Claire",
        profile(&[("hydrogene", 3)], &["fr"], &[], 2),
    )
    .await;
    let mut members = profile(&[("financement", 3)], &["fr"], &[], 2);
    members["visibility"] = json!("members");
    let (_, members_only) = mentor(&app, "bob@upjv.example", "Bob", members).await;
    let mut hidden = profile(&[("financement", 3)], &["fr"], &[], 2);
    hidden["visibility"] = json!("hidden");
    let (hidden_t, hidden_id) = mentor(&app, "cache@engie.example", "Caché", hidden).await;

    let ids = |v: &Value| -> Vec<i64> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["id"].as_i64().unwrap())
            .collect()
    };
    let anonymous: Value = app.get("/api/v1/mentors").await.json().await.unwrap();
    assert_eq!(ids(&anonymous), vec![public]);
    let signed_in: Value = call(&app, "GET", &w.paul, "/api/v1/mentors", None)
        .await
        .json()
        .await
        .unwrap();
    let mut seen = ids(&signed_in);
    seen.sort();
    assert_eq!(seen, vec![public, members_only]);
    assert_eq!(
        app.get(&format!("/api/v1/mentors/{members_only}"))
            .await
            .status(),
        404
    );
    assert_eq!(
        call(
            &app,
            "GET",
            &w.paul,
            &format!("/api/v1/mentors/{hidden_id}"),
            None
        )
        .await
        .status(),
        404
    );
    assert_eq!(
        call(
            &app,
            "GET",
            &hidden_t,
            &format!("/api/v1/mentors/{hidden_id}"),
            None
        )
        .await
        .status(),
        200
    );
    let by_theme: Value = call(
        &app,
        "GET",
        &w.paul,
        "/api/v1/mentors?theme=hydrogene",
        None,
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(ids(&by_theme), vec![public]);
    // A hidden mentor takes no request.
    let p = project(&app, &w.lea, "Projet privé", &[("financement", 2)], "idea").await;
    problem(
        ask(&app, &w.lea, p, hidden_id).await,
        422,
        "validation_failed",
    )
    .await;

    // Projects are for members by default; private ones only for the startup and admins.
    let res = call(&app, "PUT", &w.lea, &format!("/api/v1/projects/{p}"), Some(json!({
        "title": "Projet privé", "stage": "idea", "languages": ["fr"], "needs": [{"theme": "financement", "level": 2}], "visibility": "private"
    }))).await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    assert_eq!(
        app.get(&format!("/api/v1/projects/{p}")).await.status(),
        404
    );
    assert_eq!(
        call(&app, "GET", &w.paul, &format!("/api/v1/projects/{p}"), None)
            .await
            .status(),
        404
    );
    assert_eq!(
        call(&app, "GET", &w.boss, &format!("/api/v1/projects/{p}"), None)
            .await
            .status(),
        200
    );
    assert_eq!(
        call(&app, "GET", &w.lea, &format!("/api/v1/projects/{p}"), None)
            .await
            .status(),
        200
    );
    // Only its startup changes it.
    let res = call(
        &app,
        "POST",
        &w.paul,
        &format!("/api/v1/projects/{p}/status"),
        Some(json!({"status": "closed"})),
    )
    .await;
    assert_eq!(res.status(), 404);
    let res = call(
        &app,
        "POST",
        &w.lea,
        &format!("/api/v1/projects/{p}/status"),
        Some(json!({"status": "closed"})),
    )
    .await;
    assert_eq!(res.json::<Value>().await.unwrap()["status"], "closed");
    let _ = w.engie;
}

#[tokio::test]
async fn openapi_describes_the_mentoring_api() {
    let app = TestApp::spawn().await;
    let doc: Value = app.get("/api/openapi.json").await.json().await.unwrap();
    let paths = &doc["paths"];
    for (path, method) in [
        ("/api/v1/mentors", "get"),
        ("/api/v1/mentors/me", "put"),
        ("/api/v1/projects", "post"),
        ("/api/v1/projects/{id}/suggestions", "get"),
        ("/api/v1/mentorships", "post"),
        ("/api/v1/mentorships/{id}/accept", "post"),
        ("/api/v1/mentorships/{id}/sessions", "post"),
        ("/api/v1/mentorships/{id}/feedback", "post"),
        ("/api/v1/matching-rounds", "post"),
        ("/api/v1/matching-rounds/{id}/pairs/{project_id}", "put"),
        ("/api/v1/matching-rounds/{id}/send", "post"),
    ] {
        assert!(paths[path][method].is_object(), "{method} {path}");
    }
    let schemas = &doc["components"]["schemas"];
    assert!(schemas["ScoreResource"]["properties"]["reasons"].is_object());
    assert!(schemas["MentorRequestInput"]["properties"]["mentor_id"].is_object());
    assert!(schemas["RoundResource"]["properties"]["greedy_score"].is_object());
}

#[tokio::test]
async fn logged_sessions_join_the_personal_calendar_feed() {
    let app = TestApp::spawn_with(|s| s.signup_per_hour = 1000).await;
    let w = world(&app).await;
    let (claire_t, claire) = mentor(
        &app,
        "claire@engie.example",
        "Claire",
        profile(&[("hydrogene", 3)], &["fr"], &[], 2),
    )
    .await;
    let p = project(
        &app,
        &w.lea,
        "Chaufferie hydrogène",
        &[("hydrogene", 3)],
        "prototype",
    )
    .await;
    let id = ask(&app, &w.lea, p, claire)
        .await
        .json::<Value>()
        .await
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    assert_eq!(
        call(
            &app,
            "POST",
            &claire_t,
            &format!("/api/v1/mentorships/{id}/accept"),
            None
        )
        .await
        .status(),
        200
    );
    let res = call(&app, "POST", &claire_t, &format!("/api/v1/mentorships/{id}/sessions"),
        Some(json!({"held_at": "2026-11-20T14:00", "minutes": 90, "shared_notes": "Dimensionner l’électrolyseur"}))).await;
    assert_eq!(res.status(), 201);

    let lea = crate::common::visitor::Visitor::new(&app);
    lea.sign_in("lea@chaleur-picarde.fr", crate::common::accounts::PASSWORD)
        .await;
    let html = lea.page("/espace/inscriptions").await;
    let start = html.find("/agenda/").expect("the feed address");
    let path: String = html[start..].chars().take_while(|c| *c != '"').collect();
    let body = app
        .client
        .get(app.url(&path))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let unfolded = body.replace("\r\n ", "");
    assert!(
        unfolded.contains("SUMMARY:Mentorat · Chaufferie hydrogène"),
        "{body}"
    );
    assert!(unfolded.contains("DTSTART:20261120T130000Z"), "{body}");
    assert!(unfolded.contains("DTEND:20261120T143000Z"), "{body}");
    assert!(
        unfolded.contains(&format!("/espace/mentorat/{id}")),
        "{body}"
    );
}
