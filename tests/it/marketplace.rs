//! Offerings: the lifecycle, moderation with its emails, what the public sees, who may write.

use serde_json::{Value, json};

use crate::common::accounts::{admin, bearer, email_to, verified_user};
use crate::common::{TestApp, problem};

struct World {
    founder: Value,
    stranger: Value,
    admin: Value,
    org: i64,
}

async fn world(app: &TestApp) -> World {
    let founder = verified_user(
        app,
        "fondatrice@startup.fr",
        "Fondatrice",
        "startup_founder",
    )
    .await;
    let stranger = verified_user(app, "autre@startup.fr", "Autre", "startup_founder").await;
    let admin = admin(app, "admin@amiens-cluster.fr").await;
    let res = app
        .client
        .post(app.url("/api/v1/organizations"))
        .header("authorization", bearer(&founder))
        .json(&json!({"kind": "startup", "name": "Chaleur Picarde", "themes": ["energie"]}))
        .send()
        .await
        .unwrap();
    let org = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let res = app
        .client
        .post(app.url(&format!("/api/v1/admin/organizations/{org}/decision")))
        .header("authorization", bearer(&admin))
        .json(&json!({"decision": "approve"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    World {
        founder,
        stranger,
        admin,
        org,
    }
}

fn offering(org: i64, title: &str) -> Value {
    json!({
        "organization_id": org,
        "kind": "expertise",
        "title": title,
        "summary": "Diagnostic de récupération de chaleur sur vos eaux usées.",
        "body": "Nous mesurons, **vous économisez**.",
        "audience": "startups",
        "conditions": "Sur devis",
        "contact": "contact@chaleur-picarde.example",
        "themes": ["energie", "environnement"]
    })
}

async fn send(
    app: &TestApp,
    method: &str,
    tokens: &Value,
    path: &str,
    body: Option<Value>,
) -> reqwest::Response {
    let mut req = app
        .client
        .request(method.parse().unwrap(), app.url(path))
        .header("authorization", bearer(tokens));
    if let Some(b) = body {
        req = req.json(&b);
    }
    req.send().await.unwrap()
}

async fn decide(
    app: &TestApp,
    admin: &Value,
    id: i64,
    decision: &str,
    note: &str,
) -> reqwest::Response {
    send(
        app,
        "POST",
        admin,
        &format!("/api/v1/admin/offerings/{id}/decision"),
        Some(json!({"decision": decision, "note": note})),
    )
    .await
}

#[tokio::test]
async fn draft_submit_changes_resubmit_publish_archive_with_emails() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let res = send(
        &app,
        "POST",
        &w.founder,
        "/api/v1/offerings",
        Some(offering(w.org, "Diagnostic chaleur")),
    )
    .await;
    assert_eq!(res.status(), 201);
    let draft: Value = res.json().await.unwrap();
    let id = draft["id"].as_i64().unwrap();
    assert_eq!(draft["status"], "draft");
    assert_eq!(draft["slug"], "diagnostic-chaleur");
    assert!(
        draft["body_html"]
            .as_str()
            .unwrap()
            .contains("<strong>vous économisez</strong>")
    );

    // Not public yet.
    problem(
        app.get(&format!("/api/v1/offerings/{id}")).await,
        404,
        "not_found",
    )
    .await;
    assert_eq!(
        app.get("/api/v1/offerings")
            .await
            .json::<Value>()
            .await
            .unwrap()["total"],
        0
    );

    // A decision needs a submitted offering, and changes need a note.
    let decide =
        |decision: &'static str, note: &'static str| decide(&app, &w.admin, id, decision, note);
    problem(decide("approve", "").await, 409, "conflict").await;
    let submitted: Value = send(
        &app,
        "POST",
        &w.founder,
        &format!("/api/v1/offerings/{id}/submit"),
        None,
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(submitted["status"], "submitted");
    let queue: Value = send(
        &app,
        "GET",
        &w.admin,
        "/api/v1/admin/moderation/offerings",
        None,
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(queue.as_array().unwrap().len(), 1);
    problem(
        decide("request_changes", "").await,
        422,
        "validation_failed",
    )
    .await;
    let changed: Value = decide("request_changes", "Précisez le prix indicatif.")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(changed["status"], "changes_requested");
    let (subject, text) = email_to(&app, "fondatrice@startup.fr", 3).await;
    assert_eq!(
        subject,
        "Des modifications sont demandées — Diagnostic chaleur"
    );
    assert!(text.contains("Précisez le prix indicatif."), "{text}");

    // Edited, resubmitted, approved.
    let mut edit = offering(w.org, "Diagnostic chaleur");
    edit.as_object_mut().unwrap().remove("organization_id");
    edit["conditions"] = json!("À partir de 900 € HT");
    assert_eq!(
        send(
            &app,
            "PATCH",
            &w.founder,
            &format!("/api/v1/offerings/{id}"),
            Some(edit.clone())
        )
        .await
        .status(),
        200
    );
    send(
        &app,
        "POST",
        &w.founder,
        &format!("/api/v1/offerings/{id}/submit"),
        None,
    )
    .await;
    let published: Value = decide("approve", "").await.json().await.unwrap();
    assert_eq!(published["status"], "published");
    let (subject, _) = email_to(&app, "fondatrice@startup.fr", 4).await;
    assert_eq!(subject, "Votre offre est publiée — Diagnostic chaleur");

    // Public now, with filters.
    let public: Value = app
        .get(&format!("/api/v1/offerings/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(public["conditions"], "À partir de 900 € HT");
    for (query, total) in [
        ("", 1),
        ("?kind=expertise", 1),
        ("?kind=avantage", 0),
        ("?theme=environnement", 1),
        ("?theme=sante", 0),
        ("?audience=startups", 1),
        ("?audience=partners", 0),
    ] {
        let list: Value = app
            .get(&format!("/api/v1/offerings{query}"))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(list["total"], total, "{query}");
    }
    problem(
        app.get("/api/v1/offerings?kind=licorne").await,
        422,
        "validation_failed",
    )
    .await;

    // Editing a published offering sends it back to the moderators.
    let back: Value = send(
        &app,
        "PATCH",
        &w.founder,
        &format!("/api/v1/offerings/{id}"),
        Some(edit),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(back["status"], "submitted");
    problem(
        app.get(&format!("/api/v1/offerings/{id}")).await,
        404,
        "not_found",
    )
    .await;
    decide("approve", "").await;
    let archived: Value = send(
        &app,
        "POST",
        &w.founder,
        &format!("/api/v1/offerings/{id}/archive"),
        None,
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(archived["status"], "archived");
    problem(
        send(
            &app,
            "POST",
            &w.founder,
            &format!("/api/v1/offerings/{id}/submit"),
            None,
        )
        .await,
        409,
        "conflict",
    )
    .await;

    let history: Value = send(
        &app,
        "GET",
        &w.founder,
        &format!("/api/v1/offerings/{id}/history"),
        None,
    )
    .await
    .json()
    .await
    .unwrap();
    let steps: Vec<String> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{}>{}",
                d["from"].as_str().unwrap(),
                d["to"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        steps,
        [
            "draft>submitted",
            "submitted>changes_requested",
            "changes_requested>submitted",
            "submitted>published",
            "published>submitted",
            "submitted>published",
            "published>archived"
        ]
    );
}

#[tokio::test]
async fn a_rejection_is_final_and_explained() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let id = send(
        &app,
        "POST",
        &w.founder,
        "/api/v1/offerings",
        Some(offering(w.org, "Offre douteuse")),
    )
    .await
    .json::<Value>()
    .await
    .unwrap()["id"]
        .as_i64()
        .unwrap();
    send(
        &app,
        "POST",
        &w.founder,
        &format!("/api/v1/offerings/{id}/submit"),
        None,
    )
    .await;
    let res = send(
        &app,
        "POST",
        &w.admin,
        &format!("/api/v1/admin/offerings/{id}/decision"),
        Some(json!({"decision": "reject", "note": "Hors du périmètre du cluster."})),
    )
    .await;
    assert_eq!(res.json::<Value>().await.unwrap()["status"], "rejected");
    let (subject, text) = email_to(&app, "fondatrice@startup.fr", 3).await;
    assert!(
        subject.starts_with("Votre offre n’a pas été retenue"),
        "{subject}"
    );
    assert!(text.contains("Hors du périmètre du cluster."));
    let mut edit = offering(w.org, "Offre douteuse");
    edit.as_object_mut().unwrap().remove("organization_id");
    problem(
        send(
            &app,
            "PATCH",
            &w.founder,
            &format!("/api/v1/offerings/{id}"),
            Some(edit),
        )
        .await,
        409,
        "conflict",
    )
    .await;
}

#[tokio::test]
async fn only_members_write_and_others_change_nothing() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    problem(
        send(
            &app,
            "POST",
            &w.stranger,
            "/api/v1/offerings",
            Some(offering(w.org, "Pas la mienne")),
        )
        .await,
        403,
        "forbidden",
    )
    .await;
    let id = send(
        &app,
        "POST",
        &w.founder,
        "/api/v1/offerings",
        Some(offering(w.org, "La mienne")),
    )
    .await
    .json::<Value>()
    .await
    .unwrap()["id"]
        .as_i64()
        .unwrap();
    let mut edit = offering(w.org, "Volée");
    edit.as_object_mut().unwrap().remove("organization_id");
    problem(
        send(
            &app,
            "PATCH",
            &w.stranger,
            &format!("/api/v1/offerings/{id}"),
            Some(edit),
        )
        .await,
        403,
        "forbidden",
    )
    .await;
    problem(
        send(
            &app,
            "POST",
            &w.stranger,
            &format!("/api/v1/offerings/{id}/submit"),
            None,
        )
        .await,
        403,
        "forbidden",
    )
    .await;
    problem(
        send(
            &app,
            "GET",
            &w.stranger,
            &format!("/api/v1/offerings/{id}"),
            None,
        )
        .await,
        404,
        "not_found",
    )
    .await;
    problem(
        send(
            &app,
            "POST",
            &w.founder,
            &format!("/api/v1/admin/offerings/{id}/decision"),
            Some(json!({"decision": "approve"})),
        )
        .await,
        403,
        "forbidden",
    )
    .await;
    let mine: Value = send(
        &app,
        "GET",
        &w.founder,
        &format!("/api/v1/offerings/{id}"),
        None,
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(mine["title"], "La mienne");
    assert_eq!(mine["status"], "draft");
    let res = app
        .client
        .post(app.url("/api/v1/offerings"))
        .json(&offering(w.org, "Anonyme"))
        .send()
        .await
        .unwrap();
    problem(res, 401, "unauthorized").await;
}

#[tokio::test]
async fn bad_offerings_are_refused_and_slugs_never_collide() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let mut bad = offering(w.org, "");
    bad["kind"] = json!("licorne");
    bad["audience"] = json!("tout le monde");
    bad["themes"] = json!(["astrologie"]);
    let body = problem(
        send(&app, "POST", &w.founder, "/api/v1/offerings", Some(bad)).await,
        422,
        "validation_failed",
    )
    .await;
    for field in ["kind", "audience", "title"] {
        assert!(body["errors"][field].is_array(), "{field}: {body}");
    }
    let body = problem(
        send(
            &app,
            "POST",
            &w.founder,
            "/api/v1/offerings",
            Some({
                let mut b = offering(w.org, "Thème inconnu");
                b["themes"] = json!(["astrologie"]);
                b
            }),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    assert!(body["errors"]["themes"].is_array());
    let mut slugs = Vec::new();
    for _ in 0..2 {
        let o: Value = send(
            &app,
            "POST",
            &w.founder,
            "/api/v1/offerings",
            Some(offering(w.org, "Mentorat énergie")),
        )
        .await
        .json()
        .await
        .unwrap();
        slugs.push(o["slug"].as_str().unwrap().to_owned());
    }
    assert_eq!(slugs, ["mentorat-energie", "mentorat-energie-2"]);
    let mut evil = offering(w.org, "Piège");
    evil["body"] = json!("<script>alert(1)</script><a href=\"javascript:alert(1)\">x</a>");
    let o: Value = send(&app, "POST", &w.founder, "/api/v1/offerings", Some(evil))
        .await
        .json()
        .await
        .unwrap();
    let html = o["body_html"].as_str().unwrap();
    assert!(
        !html.contains("<script") && !html.contains("javascript:"),
        "{html}"
    );
}
