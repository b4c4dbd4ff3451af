//! Organizations through the API: who creates what, moderation, slugs, bad input, ownership.

use serde_json::{Value, json};

use crate::common::accounts::{admin, bearer, signup, verified_user};
use crate::common::{TestApp, problem};

fn startup(name: &str) -> Value {
    json!({
        "kind": "startup",
        "name": name,
        "pitch": "La chaleur des eaux usées au service des quartiers.",
        "description": "Nous valorisons la **chaleur fatale** des réseaux.",
        "sector": "Énergie",
        "stage": "prototype",
        "team_size": 4,
        "founded_year": 2024,
        "website": "https://chaleur-picarde.example",
        "contact_email": "Contact@Chaleur-Picarde.example",
        "themes": ["energie", "ville-durable"]
    })
}

async fn post(app: &TestApp, tokens: &Value, path: &str, body: &Value) -> reqwest::Response {
    app.client
        .post(app.url(path))
        .header("authorization", bearer(tokens))
        .json(body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_startup_is_public_once_an_admin_approves_it() {
    let app = TestApp::spawn().await;
    let founder = verified_user(
        &app,
        "fondatrice@startup.fr",
        "Fondatrice",
        "startup_founder",
    )
    .await;
    let admin_tokens = admin(&app, "admin@amiens-cluster.fr").await;

    let res = post(
        &app,
        &founder,
        "/api/v1/organizations",
        &startup("Chaleur Picarde"),
    )
    .await;
    assert_eq!(res.status(), 201);
    let org: Value = res.json().await.unwrap();
    assert_eq!(org["slug"], "chaleur-picarde");
    assert_eq!(org["status"], "pending");
    assert_eq!(org["contact_email"], "contact@chaleur-picarde.example");
    assert_eq!(org["themes"], json!(["energie", "ville-durable"]));
    assert!(
        org["description_html"]
            .as_str()
            .unwrap()
            .contains("<strong>chaleur fatale</strong>")
    );
    let id = org["id"].as_i64().unwrap();

    // Pending: invisible to visitors, visible to its owner.
    problem(
        app.get(&format!("/api/v1/organizations/{id}")).await,
        404,
        "not_found",
    )
    .await;
    let list: Value = app.get("/api/v1/organizations").await.json().await.unwrap();
    assert_eq!(list["total"], 0);
    let res = app
        .client
        .get(app.url(&format!("/api/v1/organizations/{id}")))
        .header("authorization", bearer(&founder))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);

    let decide = |decision: &str| {
        app.client
            .post(app.url(&format!("/api/v1/admin/organizations/{id}/decision")))
            .header("authorization", bearer(&admin_tokens))
            .json(&json!({ "decision": decision, "note": "Bienvenue" }))
            .send()
    };
    problem(
        post(
            &app,
            &founder,
            &format!("/api/v1/admin/organizations/{id}/decision"),
            &json!({"decision": "approve"}),
        )
        .await,
        403,
        "forbidden",
    )
    .await;
    assert_eq!(decide("approve").await.unwrap().status(), 200);
    problem(decide("reject").await.unwrap(), 409, "conflict").await;

    let list: Value = app
        .get("/api/v1/organizations?kind=startup&theme=energie")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["name"], "Chaleur Picarde");
    let list: Value = app
        .get("/api/v1/organizations?kind=partner")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["total"], 0);
    let list: Value = app
        .get("/api/v1/organizations?theme=sante")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["total"], 0);
    problem(
        app.get("/api/v1/organizations?kind=spaceship").await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(
        app.get(&format!("/api/v1/organizations/{id}"))
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn slug_collisions_get_a_suffix() {
    let app = TestApp::spawn().await;
    let founder = verified_user(
        &app,
        "fondatrice@startup.fr",
        "Fondatrice",
        "startup_founder",
    )
    .await;
    let mut slugs = Vec::new();
    for name in ["Énergie Verte", "énergie verte", "ENERGIE -- VERTE"] {
        let org: Value = post(&app, &founder, "/api/v1/organizations", &startup(name))
            .await
            .json()
            .await
            .unwrap();
        slugs.push(org["slug"].as_str().unwrap().to_owned());
    }
    assert_eq!(
        slugs,
        ["energie-verte", "energie-verte-2", "energie-verte-3"]
    );
}

#[tokio::test]
async fn who_may_create_which_kind() {
    let app = TestApp::spawn().await;
    let founder = verified_user(
        &app,
        "fondatrice@startup.fr",
        "Fondatrice",
        "startup_founder",
    )
    .await;
    let mentor = verified_user(&app, "mentor@engie.example.com", "Mentor", "mentor").await;
    let partner = verified_user(
        &app,
        "equipe@engie.example.com",
        "Équipe ENGIE",
        "partner_staff",
    )
    .await;
    let admin_tokens = admin(&app, "admin@amiens-cluster.fr").await;
    let with_kind = |kind: &str| {
        let mut body = startup("Une organisation");
        body["kind"] = json!(kind);
        body
    };
    problem(
        post(
            &app,
            &mentor,
            "/api/v1/organizations",
            &with_kind("startup"),
        )
        .await,
        403,
        "forbidden",
    )
    .await;
    problem(
        post(
            &app,
            &founder,
            "/api/v1/organizations",
            &with_kind("partner"),
        )
        .await,
        403,
        "forbidden",
    )
    .await;
    problem(
        post(
            &app,
            &partner,
            "/api/v1/organizations",
            &with_kind("founding_member"),
        )
        .await,
        403,
        "forbidden",
    )
    .await;
    assert_eq!(
        post(
            &app,
            &partner,
            "/api/v1/organizations",
            &with_kind("partner")
        )
        .await
        .status(),
        201
    );
    let res = post(
        &app,
        &admin_tokens,
        "/api/v1/organizations",
        &with_kind("founding_member"),
    )
    .await;
    assert_eq!(res.status(), 201);
    assert_eq!(
        res.json::<Value>().await.unwrap()["status"],
        "active",
        "an admin's organization needs no approval"
    );
    let res = app
        .client
        .post(app.url("/api/v1/organizations"))
        .json(&with_kind("startup"))
        .send()
        .await
        .unwrap();
    problem(res, 401, "unauthorized").await;

    // An unverified address cannot publish.
    assert_eq!(
        signup(
            &app,
            "pas-verifie@startup.fr",
            "Pas vérifié",
            "startup_founder"
        )
        .await
        .status(),
        202
    );
    let tokens: Value = crate::common::accounts::login_with(
        &app,
        "pas-verifie@startup.fr",
        crate::common::accounts::PASSWORD,
    )
    .await
    .json()
    .await
    .unwrap();
    problem(
        post(
            &app,
            &tokens,
            "/api/v1/organizations",
            &with_kind("startup"),
        )
        .await,
        403,
        "forbidden",
    )
    .await;
}

#[tokio::test]
async fn bad_input_is_refused_field_by_field_and_markdown_is_inert() {
    let app = TestApp::spawn().await;
    let founder = verified_user(
        &app,
        "fondatrice@startup.fr",
        "Fondatrice",
        "startup_founder",
    )
    .await;
    let mut bad = startup("");
    bad["website"] = json!("javascript:alert(1)");
    bad["stage"] = json!("licorne");
    bad["team_size"] = json!(0);
    bad["contact_email"] = json!("pas une adresse");
    let body = problem(
        post(&app, &founder, "/api/v1/organizations", &bad).await,
        422,
        "validation_failed",
    )
    .await;
    for field in ["name", "website", "stage", "team_size", "contact_email"] {
        assert!(body["errors"][field].is_array(), "{field}: {body}");
    }
    let mut unknown_theme = startup("Thèmes inconnus");
    unknown_theme["themes"] = json!(["energie", "astrologie"]);
    let body = problem(
        post(&app, &founder, "/api/v1/organizations", &unknown_theme).await,
        422,
        "validation_failed",
    )
    .await;
    assert!(
        body["errors"]["themes"][0]
            .as_str()
            .unwrap()
            .contains("astrologie")
    );
    let mine: Value = app
        .operator(
            app.client
                .get(app.url("/api/v1/admin/audit-log?per_page=100")),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        !mine["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "organization_created"),
        "nothing was written"
    );

    let mut evil = startup("Markdown piégé");
    evil["description"] = json!(
        "<script>alert(1)</script>\n\n[clic](javascript:alert(1)) <img src=x onerror=alert(1)>"
    );
    let org: Value = post(&app, &founder, "/api/v1/organizations", &evil)
        .await
        .json()
        .await
        .unwrap();
    let html = org["description_html"].as_str().unwrap();
    assert!(
        !html.contains("<script") && !html.contains("javascript:") && !html.contains("onerror"),
        "{html}"
    );
}

#[tokio::test]
async fn only_owners_and_admins_edit_and_members_are_private() {
    let app = TestApp::spawn().await;
    let founder = verified_user(
        &app,
        "fondatrice@startup.fr",
        "Fondatrice",
        "startup_founder",
    )
    .await;
    let other = verified_user(&app, "autre@startup.fr", "Autre", "startup_founder").await;
    let admin_tokens = admin(&app, "admin@amiens-cluster.fr").await;
    let org: Value = post(
        &app,
        &founder,
        "/api/v1/organizations",
        &startup("Chaleur Picarde"),
    )
    .await
    .json()
    .await
    .unwrap();
    let id = org["id"].as_i64().unwrap();
    let patch = |tokens: &Value, name: &str| {
        let mut body = startup(name);
        body.as_object_mut().unwrap().remove("kind");
        app.client
            .patch(app.url(&format!("/api/v1/organizations/{id}")))
            .header("authorization", bearer(tokens))
            .json(&body)
            .send()
    };
    problem(patch(&other, "Volée").await.unwrap(), 403, "forbidden").await;
    let res = patch(&founder, "Chaleur Picarde SAS").await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.json::<Value>().await.unwrap()["name"],
        "Chaleur Picarde SAS"
    );
    assert_eq!(
        patch(&admin_tokens, "Chaleur Picarde")
            .await
            .unwrap()
            .status(),
        200
    );

    let members = |tokens: &Value| {
        app.client
            .get(app.url(&format!("/api/v1/organizations/{id}/members")))
            .header("authorization", bearer(tokens))
            .send()
    };
    let list: Value = members(&founder).await.unwrap().json().await.unwrap();
    assert_eq!(list[0]["role"], "owner");
    assert_eq!(list[0]["display_name"], "Fondatrice");
    problem(members(&other).await.unwrap(), 403, "forbidden").await;
    assert_eq!(members(&admin_tokens).await.unwrap().status(), 200);
}

#[tokio::test]
async fn admins_verify_and_suspend_organizations_from_the_api_and_the_back_office() {
    use crate::common::accounts::PASSWORD;
    use crate::common::visitor::{Visitor, text};
    let app = TestApp::spawn().await;
    let boss = admin(&app, "equipe@amiens-cluster.fr").await;
    let lea = verified_user(&app, "lea@startup.fr", "Léa", "startup_founder").await;
    let res = post(
        &app,
        &lea,
        "/api/v1/organizations",
        &startup("Hortillonnages Tech"),
    )
    .await;
    let id = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let patch = |who: &Value, body: Value| {
        app.client
            .patch(app.url(&format!("/api/v1/admin/organizations/{id}")))
            .header("authorization", bearer(who))
            .json(&body)
            .send()
    };
    // Pending: it cannot be suspended yet; only admins change it.
    problem(
        patch(&boss, json!({"suspended": true})).await.unwrap(),
        409,
        "conflict",
    )
    .await;
    problem(
        patch(&lea, json!({"verified": true})).await.unwrap(),
        403,
        "forbidden",
    )
    .await;
    post(
        &app,
        &boss,
        &format!("/api/v1/admin/organizations/{id}/decision"),
        &json!({"decision": "approve"}),
    )
    .await;
    let res = patch(&boss, json!({"verified": true})).await.unwrap();
    assert_eq!(res.json::<Value>().await.unwrap()["verified"], true);
    let visitor = Visitor::new(&app);
    let profile = "/startups/hortillonnages-tech";
    assert!(
        visitor
            .page(profile)
            .await
            .contains("data-testid=\"verified\"")
    );

    // Suspended from the back office: gone from the public, back once reactivated.
    let staff = Visitor::new(&app);
    assert_eq!(
        staff
            .sign_in("equipe@amiens-cluster.fr", PASSWORD)
            .await
            .status,
        303
    );
    let list = text(&staff.page("/admin/organisations").await);
    assert!(
        list.contains("Hortillonnages Tech") && list.contains("Vérifiée par le cluster"),
        "{list}"
    );
    let action = format!("/admin/organisations/{id}");
    let done = staff
        .submit("/admin/organisations", &action, &[("suspended", "1")])
        .await;
    assert_eq!(done.location, "/admin/organisations?ok=1");
    assert_eq!(visitor.get(profile).await.status, 404);
    let again = staff
        .submit("/admin/organisations", &action, &[("suspended", "1")])
        .await;
    assert_eq!(again.location, "/admin/organisations?erreur=1");
    staff
        .submit("/admin/organisations", &action, &[("suspended", "0")])
        .await;
    assert_eq!(visitor.get(profile).await.status, 200);
    // Not for members.
    let member = Visitor::new(&app);
    assert_eq!(member.sign_in("lea@startup.fr", PASSWORD).await.status, 303);
    assert_eq!(member.get("/admin/organisations").await.status, 403);
}

#[tokio::test]
async fn a_new_organization_may_be_sent_back_for_changes_and_its_owners_are_told() {
    use crate::common::accounts::{PASSWORD, email_to};
    use crate::common::visitor::{Visitor, text};
    let app = TestApp::spawn().await;
    let boss = admin(&app, "equipe@amiens-cluster.fr").await;
    let lea = verified_user(&app, "lea@startup.fr", "Léa", "startup_founder").await;
    let res = post(&app, &lea, "/api/v1/organizations", &startup("Somme Watt")).await;
    let id = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let path = format!("/api/v1/admin/organizations/{id}/decision");
    let res = post(&app, &boss, &path, &json!({"decision": "request_changes"})).await;
    problem(res, 422, "validation_failed").await;
    let res = post(
        &app,
        &boss,
        &path,
        &json!({"decision": "request_changes", "note": "Ajoutez votre site web."}),
    )
    .await;
    assert_eq!(res.json::<Value>().await.unwrap()["status"], "pending");
    let (subject, body) = email_to(&app, "lea@startup.fr", 2).await;
    assert!(subject.starts_with("Modifications demandées"), "{subject}");
    assert!(body.contains("Ajoutez votre site web."), "{body}");
    let v = Visitor::new(&app);
    assert_eq!(v.sign_in("lea@startup.fr", PASSWORD).await.status, 303);
    let page = text(&v.page(&format!("/espace/organisations/{id}")).await);
    assert!(page.contains("Ajoutez votre site web."), "{page}");

    let res = post(&app, &boss, &path, &json!({"decision": "approve"})).await;
    assert_eq!(res.json::<Value>().await.unwrap()["status"], "active");
    let (subject, _) = email_to(&app, "lea@startup.fr", 3).await;
    assert!(
        subject.starts_with("Votre organisation est publique"),
        "{subject}"
    );
}
