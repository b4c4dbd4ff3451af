//! The marketplace's pages as people use them: the members' space and offering editor, the
//! moderation queue, the public offering and organization pages, the sitemap.

use serde_json::{Value, json};

use crate::common::TestApp;
use crate::common::accounts::{PASSWORD, admin, bearer, email_to, verified_user};
use crate::common::visitor::{Visitor, text};

/// A startup (approved), its founder signed in on the portal, and an admin signed in too.
async fn startup<'a>(app: &'a TestApp) -> (Visitor<'a>, Visitor<'a>, Value, i64) {
    let founder = verified_user(app, "lea@chaleur-picarde.fr", "Léa", "startup_founder").await;
    let boss = admin(app, "equipe@amiens-cluster.fr").await;
    let res = app
        .client
        .post(app.url("/api/v1/organizations"))
        .header("authorization", bearer(&founder))
        .json(&json!({"kind": "startup", "name": "Chaleur Picarde", "pitch": "La chaleur des eaux usées, récupérée.", "themes": ["energie"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let org = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let res = app
        .client
        .post(app.url(&format!("/api/v1/admin/organizations/{org}/decision")))
        .header("authorization", bearer(&boss))
        .json(&json!({"decision": "approve"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let lea = Visitor::new(app);
    assert_eq!(
        lea.sign_in("lea@chaleur-picarde.fr", PASSWORD).await.status,
        303
    );
    let staff = Visitor::new(app);
    assert_eq!(
        staff
            .sign_in("equipe@amiens-cluster.fr", PASSWORD)
            .await
            .status,
        303
    );
    (lea, staff, founder, org)
}

fn id_in(location: &str) -> String {
    location
        .trim_start_matches("/espace/offres/")
        .chars()
        .take_while(char::is_ascii_digit)
        .collect()
}

#[tokio::test]
async fn an_offering_goes_from_the_editor_through_moderation_to_its_public_page() {
    let app = TestApp::spawn().await;
    let (lea, staff, _, org) = startup(&app).await;
    let org_field = org.to_string();

    let space = text(&lea.page("/espace").await);
    assert!(space.contains("Chaleur Picarde"), "{space}");
    assert!(space.contains("Aucune offre pour le moment"), "{space}");

    // A refused form comes back with its messages and what was typed.
    let refused = lea
        .submit(
            "/espace/offres/nouvelle",
            "/espace/offres/nouvelle",
            &[
                ("organization_id", &org_field),
                ("kind", "expertise"),
                ("title", "   "),
                ("summary", "Un résumé gardé"),
            ],
        )
        .await;
    assert_eq!(refused.status, 422);
    assert!(refused.html.contains("data-testid=\"error-summary\""));
    assert!(text(&refused.html).contains("Ce champ est obligatoire"));
    assert!(refused.html.contains("Un résumé gardé"));

    let created = lea
        .submit(
            "/espace/offres/nouvelle",
            "/espace/offres/nouvelle",
            &[
                ("organization_id", &org_field),
                ("kind", "expertise"),
                ("title", "Diagnostic chaleur fatale"),
                ("summary", "Où part la chaleur de votre site, et comment la récupérer."),
                ("body", "Une **visite**, puis un rapport.\n\n<script>alert(1)</script>[clic](javascript:alert(2))"),
                ("audience", "startups"),
                ("conditions", "Sur devis"),
                ("themes", "energie"),
                ("themes", "environnement"),
            ],
        )
        .await;
    assert_eq!(created.status, 303, "{}", created.html);
    assert!(
        created.location.ends_with("?ok=brouillon"),
        "{}",
        created.location
    );
    let id = id_in(&created.location);
    let editor = lea.page(&format!("/espace/offres/{id}")).await;
    assert!(text(&editor).contains("Brouillon"), "{}", text(&editor));
    assert!(editor.contains("id=\"theme-energie\" name=\"themes\" value=\"energie\" checked"));

    // Not public yet: the visitor gets a 404, the member a preview with its status.
    let visitor = Visitor::new(&app);
    assert_eq!(
        visitor
            .get("/offres/diagnostic-chaleur-fatale")
            .await
            .status,
        404
    );
    let preview = text(&lea.page("/offres/diagnostic-chaleur-fatale").await);
    assert!(
        preview.contains("Cette offre n’est pas publique"),
        "{preview}"
    );

    let editor_path = format!("/espace/offres/{id}");
    let submitted = lea
        .submit(&editor_path, &format!("{editor_path}/soumettre"), &[])
        .await;
    assert_eq!(submitted.status, 303);
    assert!(text(&lea.page(&editor_path).await).contains("En attente de modération"));

    // The moderators' queue: a change request needs a note; nothing changes without one.
    let queue = staff.page("/admin/moderation").await;
    assert!(
        queue.contains("data-title=\"Diagnostic chaleur fatale\""),
        "{queue}"
    );
    let action = format!("/admin/moderation/offres/{id}");
    let no_note = staff
        .submit(
            "/admin/moderation",
            &action,
            &[("decision", "request_changes"), ("note", " ")],
        )
        .await;
    assert_eq!(no_note.location, "/admin/moderation?erreur=note");
    assert!(text(&lea.page(&editor_path).await).contains("En attente de modération"));
    let approved = staff
        .submit(
            "/admin/moderation",
            &action,
            &[("decision", "approve"), ("note", "")],
        )
        .await;
    assert_eq!(approved.location, "/admin/moderation?ok=approve");
    assert!(
        text(&staff.page("/admin/moderation?ok=approve").await).contains("Aucune offre en attente")
    );
    let (subject, _) = email_to(&app, "lea@chaleur-picarde.fr", 3).await;
    assert!(subject.contains("Diagnostic chaleur fatale"), "{subject}");

    // Public now: the page, its Open Graph tags, inert Markdown, links to the organization.
    let page = visitor.get("/offres/diagnostic-chaleur-fatale").await;
    assert_eq!(page.status, 200);
    let html = page.html;
    assert!(
        html.contains("<title>Diagnostic chaleur fatale · Chaleur Picarde · Quai</title>"),
        "{html}"
    );
    assert!(html.contains("<meta property=\"og:type\" content=\"article\">"));
    assert!(html.contains("og:url\" content=\"http"));
    assert!(html.contains("<strong>visite</strong>"));
    assert!(!html.contains("<script>alert"), "scripts are removed");
    assert!(
        !html.contains("href=\"javascript:"),
        "javascript: links are removed: {html}"
    );
    assert!(html.contains("href=\"/startups/chaleur-picarde\""));
    assert!(text(&html).contains("Startups"), "the audience is shown");

    let market = visitor.page("/marketplace").await;
    assert!(market.contains("href=\"/offres/diagnostic-chaleur-fatale\""));
    // Filters: by kind of organization and by audience; unknown values are ignored.
    let link = "href=\"/offres/diagnostic-chaleur-fatale\"";
    assert!(
        visitor
            .page("/marketplace?organisation=startup&audience=startups")
            .await
            .contains(link)
    );
    assert!(
        !visitor
            .page("/marketplace?organisation=partner")
            .await
            .contains(link)
    );
    assert!(
        !visitor
            .page("/marketplace?audience=partners")
            .await
            .contains(link)
    );
    assert!(
        visitor
            .page("/marketplace?organisation=%3Cscript%3E")
            .await
            .contains(link)
    );
    let api = app.get("/api/v1/offerings?organization_kind=startup").await;
    let body: serde_json::Value = api.json().await.unwrap();
    assert_eq!(body["total"], 1);
    let api = app.get("/api/v1/offerings?organization_kind=autre").await;
    assert_eq!(api.status(), 422);
    let profile = visitor.page("/startups/chaleur-picarde").await;
    assert!(profile.contains("og:type\" content=\"profile\""));
    assert!(text(&profile).contains("La chaleur des eaux usées, récupérée."));
    assert!(profile.contains("href=\"/offres/diagnostic-chaleur-fatale\""));
    let wrong_prefix = visitor.get("/partenaires/chaleur-picarde").await;
    assert_eq!(wrong_prefix.status, 301);
    assert_eq!(wrong_prefix.location, "/startups/chaleur-picarde");

    let sitemap = app.get("/sitemap.xml").await.text().await.unwrap();
    assert!(
        sitemap.contains("/offres/diagnostic-chaleur-fatale</loc><lastmod>"),
        "{sitemap}"
    );
    assert!(
        sitemap.contains("/startups/chaleur-picarde</loc>"),
        "{sitemap}"
    );

    // Archived: gone from the public, still in the member's space.
    let archived = lea
        .submit(&editor_path, &format!("{editor_path}/archiver"), &[])
        .await;
    assert_eq!(archived.status, 303);
    assert_eq!(
        visitor
            .get("/offres/diagnostic-chaleur-fatale")
            .await
            .status,
        404
    );
    assert!(
        !app.get("/sitemap.xml")
            .await
            .text()
            .await
            .unwrap()
            .contains("diagnostic")
    );
    assert!(text(&lea.page("/espace").await).contains("Archivée"));
}

#[tokio::test]
async fn nobody_edits_another_organizations_offering_from_the_portal() {
    let app = TestApp::spawn().await;
    let (_lea, _staff, founder, org) = startup(&app).await;
    let res = app
        .client
        .post(app.url("/api/v1/offerings"))
        .header("authorization", bearer(&founder))
        .json(&json!({"organization_id": org, "kind": "service", "title": "Audit", "themes": []}))
        .send()
        .await
        .unwrap();
    let id = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();

    verified_user(&app, "intrus@ailleurs.fr", "Intrus", "startup_founder").await;
    let intruder = Visitor::new(&app);
    assert_eq!(
        intruder
            .sign_in("intrus@ailleurs.fr", PASSWORD)
            .await
            .status,
        303
    );
    assert_eq!(
        intruder.get(&format!("/espace/offres/{id}")).await.status,
        403
    );
    let answer = intruder
        .submit(
            "/espace",
            &format!("/espace/offres/{id}"),
            &[("kind", "service"), ("title", "Piraté")],
        )
        .await;
    assert_eq!(answer.status, 403);
    assert!(answer.html.contains("<html"), "a page, not JSON");
    let submit = intruder
        .submit("/espace", &format!("/espace/offres/{id}/soumettre"), &[])
        .await;
    assert_eq!(submit.status, 403);
    // The new-offering form does not offer someone else's organization, and refuses it.
    let form = intruder.page("/espace/offres/nouvelle").await;
    assert!(!form.contains(&format!("value=\"{org}\"")));
    let forged = intruder
        .submit(
            "/espace/offres/nouvelle",
            "/espace/offres/nouvelle",
            &[
                ("organization_id", &org.to_string()),
                ("kind", "service"),
                ("title", "Piraté"),
            ],
        )
        .await;
    assert_eq!(forged.status, 403);

    let res = app
        .client
        .get(app.url(&format!("/api/v1/offerings/{id}")))
        .header("authorization", bearer(&founder))
        .send()
        .await
        .unwrap();
    let offering: Value = res.json().await.unwrap();
    assert_eq!(offering["title"], "Audit");
    assert_eq!(offering["status"], "draft");

    // A visitor is sent to sign in first; the back office is for admins only.
    let visitor = Visitor::new(&app);
    let answer = visitor.get("/espace").await;
    assert_eq!(answer.status, 303);
    assert_eq!(answer.location, "/connexion?suivant=%2Fespace");
    assert_eq!(intruder.get("/admin/moderation").await.status, 403);
}
