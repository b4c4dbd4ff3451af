//! Offering requests: a startup asks a partner about an offering; statuses visible to both
//! sides, an email at each step, the owners' reminder after 5 days and the expiry after 21
//! (due jobs run by the app's worker), and who may do what.

use diesel::prelude::*;
use serde_json::{Value, json};

use crate::common::accounts::{PASSWORD, admin, call, email_to, outbox, verified_user};
use crate::common::visitor::{Visitor, text};
use crate::common::{TestApp, problem, wait_until};
use quai::db::schema::{jobs, offering_requests};

async fn approved_org(app: &TestApp, boss: &Value, owner: &Value, kind: &str, name: &str) -> i64 {
    let res = call(
        app,
        "POST",
        owner,
        "/api/v1/organizations",
        Some(json!({"kind": kind, "name": name})),
    )
    .await;
    assert_eq!(res.status(), 201);
    let id = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let path = format!("/api/v1/admin/organizations/{id}/decision");
    let res = call(
        app,
        "POST",
        boss,
        &path,
        Some(json!({"decision": "approve"})),
    )
    .await;
    assert_eq!(res.status(), 200);
    id
}

/// A published offering of `org` for `audience`.
async fn offering(
    app: &TestApp,
    boss: &Value,
    owner: &Value,
    org: i64,
    title: &str,
    audience: &str,
) -> i64 {
    let res = call(
        app,
        "POST",
        owner,
        "/api/v1/offerings",
        Some(json!({"organization_id": org, "kind": "expertise", "title": title, "audience": audience})),
    )
    .await;
    let id = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    call(
        app,
        "POST",
        owner,
        &format!("/api/v1/offerings/{id}/submit"),
        None,
    )
    .await;
    let res = call(
        app,
        "POST",
        boss,
        &format!("/api/v1/admin/offerings/{id}/decision"),
        Some(json!({"decision": "approve"})),
    )
    .await;
    assert_eq!(res.status(), 200);
    id
}

struct World {
    paul: Value,
    lea: Value,
    boss: Value,
    engie: i64,
    startup: i64,
    diagnostic: i64,
}

async fn world(app: &TestApp) -> World {
    let boss = admin(app, "equipe@amiens-cluster.fr").await;
    let paul = verified_user(app, "paul@engie.example", "Paul", "partner_staff").await;
    let lea = verified_user(app, "lea@chaleur-picarde.fr", "Léa", "startup_founder").await;
    let engie = approved_org(app, &boss, &paul, "partner", "ENGIE Solutions").await;
    let startup = approved_org(app, &boss, &lea, "startup", "Chaleur Picarde").await;
    let diagnostic = offering(app, &boss, &paul, engie, "Diagnostic énergie", "all").await;
    World {
        paul,
        lea,
        boss,
        engie,
        startup,
        diagnostic,
    }
}

async fn ask(app: &TestApp, who: &Value, offering: i64, message: &str) -> reqwest::Response {
    call(
        app,
        "POST",
        who,
        "/api/v1/offering-requests",
        Some(json!({"offering_id": offering, "message": message})),
    )
    .await
}

async fn answer(
    app: &TestApp,
    who: &Value,
    id: i64,
    status: &str,
    note: &str,
) -> reqwest::Response {
    call(
        app,
        "POST",
        who,
        &format!("/api/v1/offering-requests/{id}/status"),
        Some(json!({"status": status, "note": note})),
    )
    .await
}

#[tokio::test]
async fn a_startup_asks_a_partner_and_each_step_emails_the_other_side() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;

    let res = ask(
        &app,
        &w.lea,
        w.diagnostic,
        "Pouvez-vous auditer notre prototype de pompe à chaleur ?",
    )
    .await;
    assert_eq!(res.status(), 201);
    let request: Value = res.json().await.unwrap();
    let id = request["id"].as_i64().unwrap();
    assert_eq!(request["status"], "new");
    assert_eq!(request["requester_organization_id"], w.startup);
    assert_eq!(request["organization_id"], w.engie);
    assert!(request["expires_at"].is_string());
    let (subject, body) = email_to(&app, "paul@engie.example", 4).await;
    assert!(
        subject.contains("Nouvelle demande") && subject.contains("Diagnostic énergie"),
        "{subject}"
    );
    assert!(
        body.contains("pompe à chaleur") && body.contains("lea@chaleur-picarde.fr"),
        "{body}"
    );
    assert!(body.contains(&format!("/espace/demandes/{id}")), "{body}");

    // One open request per organization; a message is needed; one's own offering is not asked.
    problem(
        ask(&app, &w.lea, w.diagnostic, "Encore ?").await,
        409,
        "conflict",
    )
    .await;
    problem(
        ask(&app, &w.lea, w.diagnostic, "   ").await,
        422,
        "validation_failed",
    )
    .await;
    problem(
        ask(&app, &w.paul, w.diagnostic, "À moi-même").await,
        422,
        "validation_failed",
    )
    .await;
    let loner = verified_user(&app, "seul@amiens.fr", "Seul", "startup_founder").await;
    problem(
        ask(&app, &loner, w.diagnostic, "Bonjour").await,
        422,
        "validation_failed",
    )
    .await;
    let partners_only = offering(
        &app,
        &w.boss,
        &w.paul,
        w.engie,
        "Club des partenaires",
        "partners",
    )
    .await;
    problem(
        ask(&app, &w.lea, partners_only, "Bonjour").await,
        422,
        "validation_failed",
    )
    .await;
    let draft = call(
        &app,
        "POST",
        &w.paul,
        "/api/v1/offerings",
        Some(json!({"organization_id": w.engie, "kind": "service", "title": "Brouillon"})),
    )
    .await
    .json::<Value>()
    .await
    .unwrap()["id"]
        .as_i64()
        .unwrap();
    problem(ask(&app, &w.lea, draft, "Bonjour").await, 404, "not_found").await;

    // Both sides see it; nobody else does; only the offering's side answers.
    let received: Vec<Value> = call(
        &app,
        "GET",
        &w.paul,
        "/api/v1/offering-requests?box=received",
        None,
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(received.len(), 1);
    let sent: Vec<Value> = call(
        &app,
        "GET",
        &w.lea,
        "/api/v1/offering-requests?box=sent",
        None,
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(sent[0]["id"], id);
    let res = call(
        &app,
        "GET",
        &loner,
        &format!("/api/v1/offering-requests/{id}"),
        None,
    )
    .await;
    problem(res, 403, "forbidden").await;
    problem(
        answer(&app, &w.lea, id, "accepted", "").await,
        403,
        "forbidden",
    )
    .await;
    problem(
        answer(&app, &w.paul, id, "expired", "").await,
        422,
        "validation_failed",
    )
    .await;
    let res = call(
        &app,
        "GET",
        &w.lea,
        "/api/v1/offering-requests?box=autre",
        None,
    )
    .await;
    problem(res, 422, "validation_failed").await;

    let res = answer(&app, &w.paul, id, "in_discussion", "Je vous appelle jeudi.").await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.json::<Value>().await.unwrap()["status"],
        "in_discussion"
    );
    let (subject, body) = email_to(&app, "lea@chaleur-picarde.fr", 3).await;
    assert!(subject.contains("en discussion"), "{subject}");
    assert!(body.contains("Je vous appelle jeudi."), "{body}");
    let res = answer(&app, &w.paul, id, "accepted", "Audit planifié le 12.").await;
    assert_eq!(
        res.json::<Value>().await.unwrap()["expires_at"],
        Value::Null
    );
    let (subject, _) = email_to(&app, "lea@chaleur-picarde.fr", 4).await;
    assert!(subject.contains("acceptée"), "{subject}");
    problem(
        answer(&app, &w.paul, id, "declined", "").await,
        409,
        "conflict",
    )
    .await;
    problem(
        answer(&app, &w.paul, id, "in_discussion", "").await,
        409,
        "conflict",
    )
    .await;
}

/// Makes the jobs of `kind` due now.
fn due_now(app: &TestApp, kind: &str) {
    diesel::update(jobs::table.filter(jobs::kind.eq(kind)))
        .set(jobs::run_at.eq(chrono::Utc::now().naive_utc() - chrono::Duration::seconds(1)))
        .execute(&mut app.connect())
        .unwrap();
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

#[tokio::test]
async fn unanswered_requests_are_reminded_after_five_days_and_expire_after_twenty_one() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let res = ask(&app, &w.lea, w.diagnostic, "Un audit ?").await;
    let id = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();

    // Both jobs wait for their day.
    let queued = app.jobs("queued").await;
    let now = chrono::Utc::now().naive_utc();
    let due = |kind: &str| -> chrono::NaiveDateTime {
        let job = queued["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|j| j["kind"] == kind)
            .unwrap_or_else(|| panic!("no {kind} job in {queued}"));
        job["run_at"].as_str().unwrap().parse().unwrap()
    };
    let days = |at: chrono::NaiveDateTime| (at - now).num_hours() as f64 / 24.0;
    assert!((days(due("offering_request_reminder")) - 5.0).abs() < 0.1);
    assert!((days(due("offering_request_expiry")) - 21.0).abs() < 0.1);

    let paul_mails = |app: &TestApp| {
        outbox(app)
            .iter()
            .filter(|m| m.0 == "paul@engie.example")
            .count()
    };
    no_jobs_of(&app, "send_email").await;
    let before = paul_mails(&app);
    due_now(&app, "offering_request_reminder");
    let (subject, body) = email_to(&app, "paul@engie.example", before + 1).await;
    assert!(subject.starts_with("Rappel"), "{subject}");
    assert!(body.contains("Diagnostic énergie"), "{body}");
    no_jobs_of(&app, "offering_request_reminder").await;
    // A second reminder job for the same request sends nothing.
    quai::jobs::enqueue(
        &mut app.connect(),
        &quai::marketplace::requests::RemindRequest { request: id },
        Default::default(),
    )
    .unwrap();
    no_jobs_of(&app, "offering_request_reminder").await;
    no_jobs_of(&app, "send_email").await;
    assert_eq!(paul_mails(&app), before + 1, "reminded once");

    // Expiry: run before the deadline, the job waits for it again; due, it expires the request
    // and tells both sides.
    let expiry_runs = |app: &TestApp| -> Vec<chrono::NaiveDateTime> {
        jobs::table
            .filter(jobs::kind.eq("offering_request_expiry"))
            .select(jobs::run_at)
            .load(&mut app.connect())
            .unwrap()
    };
    due_now(&app, "offering_request_expiry");
    wait_until(10, "the expiry check waits again", || async {
        let runs = expiry_runs(&app);
        runs.len() == 1 && days(runs[0]) > 20.9
    })
    .await;
    let res = call(
        &app,
        "GET",
        &w.lea,
        &format!("/api/v1/offering-requests/{id}"),
        None,
    )
    .await;
    assert_eq!(res.json::<Value>().await.unwrap()["status"], "new");
    diesel::update(offering_requests::table.find(id))
        .set(offering_requests::expires_at.eq(now - chrono::Duration::minutes(1)))
        .execute(&mut app.connect())
        .unwrap();
    due_now(&app, "offering_request_expiry");
    let (subject, _) = email_to(&app, "lea@chaleur-picarde.fr", 3).await;
    assert!(subject.starts_with("Demande expirée"), "{subject}");
    let (subject, _) = email_to(&app, "paul@engie.example", before + 2).await;
    assert!(subject.starts_with("Demande expirée"), "{subject}");
    let res = call(
        &app,
        "GET",
        &w.paul,
        &format!("/api/v1/offering-requests/{id}"),
        None,
    )
    .await;
    assert_eq!(res.json::<Value>().await.unwrap()["status"], "expired");
    problem(
        answer(&app, &w.paul, id, "accepted", "").await,
        409,
        "conflict",
    )
    .await;
    // Settled or expired, the organization may ask again.
    assert_eq!(
        ask(&app, &w.lea, w.diagnostic, "On réessaie ?")
            .await
            .status(),
        201
    );
}

#[tokio::test]
async fn the_portal_asks_from_the_offering_page_and_answers_from_the_request_page() {
    let app = TestApp::spawn().await;
    let _w = world(&app).await;
    let offering_page = "/offres/diagnostic-energie";

    let visitor = Visitor::new(&app);
    let page = visitor.page(offering_page).await;
    assert!(
        page.contains("data-testid=\"ask-sign-in\""),
        "visitors sign in first"
    );

    let lea = Visitor::new(&app);
    assert_eq!(
        lea.sign_in("lea@chaleur-picarde.fr", PASSWORD).await.status,
        303
    );
    assert!(
        lea.page(offering_page)
            .await
            .contains("data-testid=\"ask-form\"")
    );
    let action = format!("{offering_page}/demande");
    let refused = lea
        .submit(offering_page, &action, &[("message", "  ")])
        .await;
    assert_eq!(refused.status, 422);
    assert!(text(&refused.html).contains("Ce champ est obligatoire"));
    let sent = lea
        .submit(
            offering_page,
            &action,
            &[("message", "Un audit de notre atelier ?")],
        )
        .await;
    assert_eq!(sent.status, 303, "{}", sent.html);
    assert!(sent.location.ends_with("?ok=envoyee"), "{}", sent.location);
    let request_path = sent.location.split('?').next().unwrap().to_owned();
    let page = text(&lea.page(&sent.location).await);
    assert!(
        page.contains("Nouvelle") && page.contains("Un audit de notre atelier ?"),
        "{page}"
    );
    assert!(!page.contains("Accepter"), "the asker does not answer");
    assert!(
        lea.page(offering_page)
            .await
            .contains("data-testid=\"ask-pending\"")
    );
    assert!(text(&lea.page("/espace").await).contains("Demandes envoyées"));

    let paul = Visitor::new(&app);
    assert_eq!(
        paul.sign_in("paul@engie.example", PASSWORD).await.status,
        303
    );
    assert!(
        text(&paul.page(offering_page).await).contains("C’est une offre de votre organisation")
    );
    let space = text(&paul.page("/espace").await);
    assert!(
        space.contains("Diagnostic énergie") && space.contains("Chaleur Picarde"),
        "{space}"
    );
    let reply = format!("{request_path}/reponse");
    let done = paul
        .submit(
            &request_path,
            &reply,
            &[("status", "accepted"), ("note", "Rendez-vous pris.")],
        )
        .await;
    assert_eq!(done.location, format!("{request_path}?ok=repondu"));
    let page = text(&lea.page(&request_path).await);
    assert!(
        page.contains("Acceptée") && page.contains("Rendez-vous pris."),
        "{page}"
    );
    let again = paul
        .submit(
            &request_path,
            &reply,
            &[("status", "declined"), ("note", "")],
        )
        .await;
    assert_eq!(again.location, format!("{request_path}?erreur=deja"));

    // Somebody from neither side gets the error page.
    verified_user(&app, "curieux@amiens.fr", "Curieux", "startup_founder").await;
    let curious = Visitor::new(&app);
    assert_eq!(
        curious.sign_in("curieux@amiens.fr", PASSWORD).await.status,
        303
    );
    assert_eq!(curious.get(&request_path).await.status, 403);
}
