//! Membership: invitations by email (7 days, once, for the invited address), removal, leaving,
//! handing the ownership over — through the API and the portal's pages.

use diesel::prelude::*;
use serde_json::{Value, json};

use crate::common::accounts::{PASSWORD, call, email_to, token_in, verified_user};
use crate::common::visitor::{Visitor, text};
use crate::common::{TestApp, problem};
use quai::db::schema::organization_invitations;

/// A founder and her startup (pending: invitations work before approval too).
async fn startup(app: &TestApp) -> (Value, i64) {
    let founder = verified_user(app, "lea@chaleur-picarde.fr", "Léa", "startup_founder").await;
    let res = call(
        app,
        "POST",
        &founder,
        "/api/v1/organizations",
        Some(json!({"kind": "startup", "name": "Chaleur Picarde"})),
    )
    .await;
    assert_eq!(res.status(), 201);
    let id = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    (founder, id)
}

async fn invite(app: &TestApp, who: &Value, org: i64, email: &str) -> reqwest::Response {
    call(
        app,
        "POST",
        who,
        &format!("/api/v1/organizations/{org}/invitations"),
        Some(json!({"email": email})),
    )
    .await
}

async fn accept(app: &TestApp, who: &Value, token: &str) -> reqwest::Response {
    call(
        app,
        "POST",
        who,
        "/api/v1/invitations/accept",
        Some(json!({"token": token})),
    )
    .await
}

async fn roles(app: &TestApp, who: &Value, org: i64) -> Vec<(String, String)> {
    let res = call(
        app,
        "GET",
        who,
        &format!("/api/v1/organizations/{org}/members"),
        None,
    )
    .await;
    assert_eq!(res.status(), 200);
    let members: Vec<Value> = res.json().await.unwrap();
    members
        .iter()
        .map(|m| {
            (
                m["display_name"].as_str().unwrap().to_owned(),
                m["role"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn an_invitation_joins_once_within_seven_days_and_only_for_its_address() {
    let app = TestApp::spawn().await;
    let (lea, org) = startup(&app).await;

    let res = invite(&app, &lea, org, "  Karim@Hortillonnages.fr ").await;
    assert_eq!(res.status(), 201);
    let invitation: Value = res.json().await.unwrap();
    assert_eq!(invitation["email"], "karim@hortillonnages.fr");
    assert_eq!(invitation["role"], "member");
    assert!(invitation.get("token_hash").is_none(), "{invitation}");
    let (subject, body) = email_to(&app, "karim@hortillonnages.fr", 1).await;
    assert!(subject.contains("Chaleur Picarde"), "{subject}");
    assert!(body.contains("Léa vous invite"), "{body}");
    assert!(body.contains("/invitations?jeton="), "{body}");
    let token = token_in(&body);

    // The link asks before it joins; a visitor is offered to sign in first.
    let visitor = Visitor::new(&app);
    let page = visitor.get(&format!("/invitations?jeton={token}")).await;
    assert_eq!(page.status, 200);
    assert!(text(&page.html).contains("Chaleur Picarde"));
    assert!(
        page.html
            .contains("/connexion?suivant=%2Finvitations%3Fjeton%3D")
    );

    // Somebody else's account cannot use it; nothing changes.
    let other = verified_user(&app, "autre@ailleurs.fr", "Autre", "startup_founder").await;
    problem(accept(&app, &other, &token).await, 403, "forbidden").await;

    let karim = verified_user(&app, "karim@hortillonnages.fr", "Karim", "startup_founder").await;
    let res = accept(&app, &karim, &token).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap()["id"], org);
    assert_eq!(
        roles(&app, &karim, org).await,
        [
            ("Léa".to_owned(), "owner".to_owned()),
            ("Karim".to_owned(), "member".to_owned())
        ]
    );
    // Once only; the page says the link is dead.
    problem(accept(&app, &karim, &token).await, 422, "validation_failed").await;
    assert_eq!(
        visitor
            .get(&format!("/invitations?jeton={token}"))
            .await
            .status,
        410
    );
    problem(
        accept(&app, &karim, "pas-un-jeton").await,
        422,
        "validation_failed",
    )
    .await;

    // Members twice, bad addresses, people who do not own it: refused.
    problem(
        invite(&app, &lea, org, "karim@hortillonnages.fr").await,
        409,
        "conflict",
    )
    .await;
    problem(
        invite(&app, &lea, org, "pas-une-adresse").await,
        422,
        "validation_failed",
    )
    .await;
    problem(
        invite(&app, &karim, org, "x@amiens.fr").await,
        403,
        "forbidden",
    )
    .await;
    problem(
        invite(&app, &other, org, "x@amiens.fr").await,
        403,
        "forbidden",
    )
    .await;
    let res = call(
        &app,
        "POST",
        &lea,
        &format!("/api/v1/organizations/{org}/invitations"),
        Some(json!({"email": "x@amiens.fr", "role": "admin"})),
    )
    .await;
    problem(res, 422, "validation_failed").await;

    // A second invitation replaces the first; a revoked or expired one is dead.
    invite(&app, &lea, org, "ines@quai.fr").await;
    let first = token_in(&email_to(&app, "ines@quai.fr", 1).await.1);
    let res = invite(&app, &lea, org, "ines@quai.fr").await;
    let second_id = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let second = token_in(&email_to(&app, "ines@quai.fr", 2).await.1);
    let ines = verified_user(&app, "ines@quai.fr", "Inès", "startup_founder").await;
    problem(accept(&app, &ines, &first).await, 422, "validation_failed").await;
    let res = call(
        &app,
        "GET",
        &lea,
        &format!("/api/v1/organizations/{org}/invitations"),
        None,
    )
    .await;
    let open: Vec<Value> = res.json().await.unwrap();
    assert_eq!(open.len(), 1, "{open:?}");
    assert_eq!(open[0]["id"], second_id);
    let res = call(
        &app,
        "DELETE",
        &lea,
        &format!("/api/v1/organizations/{org}/invitations/{second_id}"),
        None,
    )
    .await;
    assert_eq!(res.status(), 204);
    problem(accept(&app, &ines, &second).await, 422, "validation_failed").await;

    invite(&app, &lea, org, "ines@quai.fr").await;
    let third = token_in(&email_to(&app, "ines@quai.fr", 4).await.1);
    let past = chrono::Utc::now().naive_utc() - chrono::Duration::minutes(1);
    diesel::update(organization_invitations::table)
        .filter(organization_invitations::email.eq("ines@quai.fr"))
        .filter(organization_invitations::revoked_at.is_null())
        .set(organization_invitations::expires_at.eq(past))
        .execute(&mut app.connect())
        .unwrap();
    problem(accept(&app, &ines, &third).await, 422, "validation_failed").await;
    assert_eq!(roles(&app, &lea, org).await.len(), 2, "Inès never joined");
}

async fn id_of(app: &TestApp, who: &Value) -> i64 {
    let res = call(app, "GET", who, "/api/v1/me", None).await;
    res.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

#[tokio::test]
async fn members_leave_owners_remove_and_hand_the_ownership_over() {
    let app = TestApp::spawn().await;
    let (lea, org) = startup(&app).await;
    invite(&app, &lea, org, "karim@hortillonnages.fr").await;
    let token = token_in(&email_to(&app, "karim@hortillonnages.fr", 1).await.1);
    let karim = verified_user(&app, "karim@hortillonnages.fr", "Karim", "startup_founder").await;
    assert_eq!(accept(&app, &karim, &token).await.status(), 200);
    let lea_id = id_of(&app, &lea).await;
    let karim_id = id_of(&app, &karim).await;
    let me = |who: &Value| if who == &lea { lea_id } else { karim_id };
    let members = format!("/api/v1/organizations/{org}/members");

    // A member removes nobody else; the last owner cannot leave.
    let res = call(
        &app,
        "DELETE",
        &karim,
        &format!("{members}/{}", me(&lea)),
        None,
    )
    .await;
    problem(res, 403, "forbidden").await;
    let res = call(
        &app,
        "DELETE",
        &lea,
        &format!("{members}/{}", me(&lea)),
        None,
    )
    .await;
    problem(res, 409, "conflict").await;

    // Handing over: Karim owner, Léa member; then Léa may leave, Karim may not.
    let transfer = format!("/api/v1/organizations/{org}/transfer");
    let res = call(
        &app,
        "POST",
        &lea,
        &transfer,
        Some(json!({"user_id": 999_999})),
    )
    .await;
    problem(res, 422, "validation_failed").await;
    let res = call(
        &app,
        "POST",
        &karim,
        &transfer,
        Some(json!({"user_id": me(&karim)})),
    )
    .await;
    problem(res, 403, "forbidden").await;
    let res = call(
        &app,
        "POST",
        &lea,
        &transfer,
        Some(json!({"user_id": me(&karim)})),
    )
    .await;
    assert_eq!(res.status(), 204);
    assert_eq!(
        roles(&app, &karim, org).await,
        [
            ("Léa".to_owned(), "member".to_owned()),
            ("Karim".to_owned(), "owner".to_owned())
        ]
    );
    let res = call(
        &app,
        "DELETE",
        &lea,
        &format!("{members}/{}", me(&lea)),
        None,
    )
    .await;
    assert_eq!(res.status(), 204);
    let res = call(
        &app,
        "DELETE",
        &karim,
        &format!("{members}/{}", me(&karim)),
        None,
    )
    .await;
    problem(res, 409, "conflict").await;
    assert_eq!(roles(&app, &karim, org).await.len(), 1);
    let res = call(&app, "GET", &lea, &members, None).await;
    problem(res, 403, "forbidden").await;
}

#[tokio::test]
async fn owners_manage_people_from_the_organization_page() {
    let app = TestApp::spawn().await;
    let (_lea, org) = startup(&app).await;
    let lea = Visitor::new(&app);
    assert_eq!(
        lea.sign_in("lea@chaleur-picarde.fr", PASSWORD).await.status,
        303
    );
    let page_path = format!("/espace/organisations/{org}");
    let page = text(&lea.page(&page_path).await);
    assert!(
        page.contains("Chaleur Picarde") && page.contains("Responsable"),
        "{page}"
    );
    assert!(page.contains("Aucune invitation en attente"));

    let invitations = format!("{page_path}/invitations");
    let refused = lea
        .submit(
            &page_path,
            &invitations,
            &[("email", "pas-une-adresse"), ("role", "member")],
        )
        .await;
    assert_eq!(refused.status, 422);
    assert!(text(&refused.html).contains("Saisissez une adresse email valide"));
    assert!(refused.html.contains("value=\"pas-une-adresse\""));

    let sent = lea
        .submit(
            &page_path,
            &invitations,
            &[("email", "karim@hortillonnages.fr"), ("role", "member")],
        )
        .await;
    assert_eq!(sent.location, format!("{page_path}?ok=invitation"));
    let token = token_in(&email_to(&app, "karim@hortillonnages.fr", 1).await.1);
    assert!(text(&lea.page(&page_path).await).contains("karim@hortillonnages.fr"));

    // Karim accepts from the page the link opens.
    verified_user(&app, "karim@hortillonnages.fr", "Karim", "startup_founder").await;
    let karim = Visitor::new(&app);
    assert_eq!(
        karim
            .sign_in("karim@hortillonnages.fr", PASSWORD)
            .await
            .status,
        303
    );
    let link = format!("/invitations?jeton={token}");
    let joined = karim
        .submit(&link, "/invitations", &[("jeton", &token)])
        .await;
    assert_eq!(joined.location, format!("{page_path}?ok=bienvenue"));
    let karim_page = text(&karim.page(&joined.location).await);
    assert!(
        karim_page.contains("Bienvenue dans l’organisation"),
        "{karim_page}"
    );
    assert!(
        !karim_page.contains("Inviter une personne"),
        "members do not manage"
    );
    assert!(text(&karim.page("/espace").await).contains("Chaleur Picarde"));

    // Léa hands the ownership over from the page.
    let html = lea.page(&page_path).await;
    let action = html
        .split("action=\"")
        .map(|s| s.split('"').next().unwrap())
        .find(|a| a.ends_with("/responsable"))
        .expect("a make-owner button")
        .to_owned();
    let done = lea.submit(&page_path, &action, &[]).await;
    assert_eq!(done.location, format!("{page_path}?ok=responsable"));
    assert!(text(&karim.page(&page_path).await).contains("Inviter une personne"));
}

#[tokio::test]
async fn a_founder_creates_and_edits_her_organization_from_the_portal() {
    let app = TestApp::spawn().await;
    verified_user(&app, "lea@chaleur-picarde.fr", "Léa", "startup_founder").await;
    let lea = Visitor::new(&app);
    assert_eq!(
        lea.sign_in("lea@chaleur-picarde.fr", PASSWORD).await.status,
        303
    );
    let form = lea.page("/espace/organisations/nouvelle").await;
    assert!(
        form.contains("value=\"startup\" checked"),
        "startups only for her"
    );
    assert!(!form.contains("value=\"partner\""));

    let new = "/espace/organisations/nouvelle";
    let refused = lea
        .submit(
            new,
            new,
            &[
                ("kind", "startup"),
                ("name", "Chaleur Picarde"),
                ("team_size", "beaucoup"),
                ("website", "ftp://chaleur"),
            ],
        )
        .await;
    assert_eq!(refused.status, 422);
    let page = text(&refused.html);
    assert!(
        page.contains("Le formulaire contient des erreurs"),
        "{page}"
    );
    assert!(
        refused.html.contains("value=\"Chaleur Picarde\""),
        "typed values kept"
    );
    // A kind her roles do not allow is refused, nothing created.
    let forged = lea
        .submit(
            new,
            new,
            &[("kind", "partner"), ("name", "Faux partenaire")],
        )
        .await;
    assert_eq!(forged.status, 403);

    let created = lea
        .submit(
            new,
            new,
            &[
                ("kind", "startup"),
                ("name", "Chaleur Picarde"),
                ("pitch", "La chaleur des eaux usées, récupérée."),
                ("stage", "prototype"),
                ("team_size", "4"),
                ("founded_year", "2025"),
                ("city", "Amiens"),
                ("themes", "energie"),
            ],
        )
        .await;
    assert_eq!(created.status, 303, "{}", created.html);
    assert!(
        created.location.ends_with("?ok=creee"),
        "{}",
        created.location
    );
    let manage = created.location.split('?').next().unwrap().to_owned();
    let page = text(&lea.page(&created.location).await);
    assert!(
        page.contains("En attente") && page.contains("Responsable"),
        "{page}"
    );
    // Pending: not public yet, but she sees it.
    assert_eq!(
        Visitor::new(&app)
            .get("/startups/chaleur-picarde")
            .await
            .status,
        404
    );
    assert_eq!(lea.get("/startups/chaleur-picarde").await.status, 200);

    let edit = format!("{manage}/modifier");
    let form = lea.page(&edit).await;
    assert!(
        form.contains("value=\"4\"")
            && form.contains("id=\"theme-energie\" name=\"themes\" value=\"energie\" checked")
    );
    let saved = lea
        .submit(
            &edit,
            &edit,
            &[
                ("name", "Chaleur Picarde"),
                ("pitch", "Nouvelle accroche."),
                ("stage", "amorcage"),
            ],
        )
        .await;
    assert_eq!(saved.location, format!("{manage}?ok=fiche"));
    assert!(text(&lea.page("/startups/chaleur-picarde").await).contains("Nouvelle accroche."));

    // Someone else cannot open or post the form.
    verified_user(&app, "autre@ailleurs.fr", "Autre", "startup_founder").await;
    let other = Visitor::new(&app);
    assert_eq!(
        other.sign_in("autre@ailleurs.fr", PASSWORD).await.status,
        303
    );
    assert_eq!(other.get(&edit).await.status, 403);
    let answer = other.submit("/espace", &edit, &[("name", "Piraté")]).await;
    assert_eq!(answer.status, 403);
    assert!(text(&lea.page("/startups/chaleur-picarde").await).contains("Chaleur Picarde"));
}
