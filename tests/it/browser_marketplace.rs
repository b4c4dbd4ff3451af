//! The marketplace in headless Chromium: a startup owner writes an offering and submits it, an
//! admin approves it from the moderation queue, and a visitor finds it in the marketplace —
//! then the public pages at phone width, with nothing overflowing sideways.

use fantoccini::{Client, Locator};
use serde_json::{Value, json};

use crate::common::accounts::{PASSWORD, admin, bearer, verified_user};
use crate::common::browser::{
    assert_fits, click, fill, path, phone_screen, text_of, wait_path, wait_text,
};
use crate::common::{TestApp, browser};

async fn sign_in(c: &Client, app: &TestApp, email: &str) {
    c.goto(&app.url("/connexion")).await.unwrap();
    fill(c, "#email", email).await;
    fill(c, "#password", PASSWORD).await;
    click(c, "[data-testid=login-form] button[type=submit]").await;
    wait_path(c, "/compte").await;
}

async fn sign_out(c: &Client) {
    click(c, "[data-testid=sign-out]").await;
    wait_path(c, "/").await;
}

async fn select(c: &Client, css: &str, value: &str) {
    c.find(Locator::Css(&format!("{css} option[value='{value}']")))
        .await
        .unwrap_or_else(|e| panic!("{css}={value}: {e}"))
        .click()
        .await
        .unwrap();
}

#[tokio::test]
async fn an_owner_publishes_an_offering_that_a_visitor_then_finds() {
    let app = TestApp::spawn().await;
    let Some(b) = browser::start(1280, 900).await else {
        return;
    };
    let c = &b.client;
    let boss = admin(&app, "equipe@amiens-cluster.fr").await;
    let lea = verified_user(&app, "lea@chaleur-picarde.fr", "Léa", "startup_founder").await;
    let res = app
        .client
        .post(app.url("/api/v1/organizations"))
        .header("authorization", bearer(&lea))
        .json(&json!({"kind": "startup", "name": "Chaleur Picarde", "pitch": "La chaleur des eaux usées, récupérée.", "themes": ["energie"]}))
        .send()
        .await
        .unwrap();
    let org = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    app.client
        .post(app.url(&format!("/api/v1/admin/organizations/{org}/decision")))
        .header("authorization", bearer(&boss))
        .json(&json!({"decision": "approve"}))
        .send()
        .await
        .unwrap();

    // The owner writes a draft from her space, then submits it.
    sign_in(c, &app, "lea@chaleur-picarde.fr").await;
    click(c, "[data-testid=space-link]").await;
    wait_path(c, "/espace").await;
    click(c, "[data-testid=new-offering]").await;
    wait_path(c, "/espace/offres/nouvelle").await;
    select(c, "#kind", "expertise").await;
    fill(c, "#title", "Diagnostic chaleur fatale").await;
    fill(
        c,
        "#summary",
        "Où part la chaleur de votre site, et comment la récupérer.",
    )
    .await;
    fill(
        c,
        "#body",
        "Une **visite** sur site, puis un rapport chiffré.",
    )
    .await;
    click(c, "#theme-energie").await;
    b.screenshot("marketplace-editor-desktop").await;
    click(c, "[data-testid=save]").await;
    wait_text(c, "[data-testid=flash]", "Offre enregistrée").await;
    assert!(path(c).await.starts_with("/espace/offres/"));
    assert_eq!(
        text_of(c, "[data-testid=offering-status]").await,
        "Brouillon"
    );
    click(c, "[data-testid=submit]").await;
    wait_text(c, "[data-testid=flash]", "envoyée à la modération").await;
    assert_eq!(
        text_of(c, "[data-testid=offering-status]").await,
        "En attente de modération"
    );
    sign_out(c).await;

    // The admin approves it from the queue.
    sign_in(c, &app, "equipe@amiens-cluster.fr").await;
    c.goto(&app.url("/admin/moderation")).await.unwrap();
    wait_text(
        c,
        "[data-testid=submitted-offering] h3",
        "Diagnostic chaleur fatale",
    )
    .await;
    b.screenshot("marketplace-moderation-desktop").await;
    click(c, "[data-testid=submitted-offering] [data-testid=approve]").await;
    wait_text(c, "[data-testid=flash]", "publiée").await;
    sign_out(c).await;

    // A visitor finds it in the marketplace and opens it.
    c.goto(&app.url("/marketplace?kind=expertise"))
        .await
        .unwrap();
    wait_text(c, "[data-testid=offers]", "Diagnostic chaleur fatale").await;
    b.screenshot("marketplace-desktop").await;
    c.find(Locator::LinkText("Diagnostic chaleur fatale"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_path(c, "/offres/diagnostic-chaleur-fatale").await;
    assert_eq!(
        text_of(c, "[data-testid=offering-title]").await,
        "Diagnostic chaleur fatale"
    );
    assert!(
        text_of(c, "[data-testid=offering-body]")
            .await
            .contains("visite")
    );
    b.screenshot("offering-desktop").await;
    c.find(Locator::LinkText("Chaleur Picarde"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_path(c, "/startups/chaleur-picarde").await;
    b.screenshot("startup-desktop").await;
    b.close().await;

    // At phone width, the public pages fit.
    let Some(b) = browser::start(390, 844).await else {
        return;
    };
    let c = &b.client;
    phone_screen(c, 390, 844).await;
    for (page, name) in [
        ("/marketplace", "marketplace-phone"),
        ("/offres/diagnostic-chaleur-fatale", "offering-phone"),
        ("/startups/chaleur-picarde", "startup-phone"),
    ] {
        c.goto(&app.url(page)).await.unwrap();
        text_of(c, "main h1").await;
        assert_fits(c, page).await;
        b.screenshot(name).await;
    }
    b.close().await;
}

/// The members' pages on the demo data, at desktop and phone width: they render, their headings
/// are there, and nothing overflows sideways.
#[tokio::test]
async fn the_members_pages_fit_at_desktop_and_phone_width() {
    let app = TestApp::spawn().await;
    let hash = quai::auth::password::hash_now(quai::demo::DEMO_PASSWORD).unwrap();
    quai::demo::seed(&mut app.connect(), &hash).unwrap();
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
    let auth = bearer(&founder);
    let sent: Vec<Value> = app
        .get_with(
            "/api/v1/offering-requests?box=sent",
            &[("authorization", &auth)],
        )
        .await
        .json()
        .await
        .unwrap();
    let request = format!("/espace/demandes/{}", sent[0]["id"]);
    let org: Value = app
        .get("/api/v1/organizations?kind=startup&per_page=1")
        .await
        .json()
        .await
        .unwrap();
    let manage = format!("/espace/organisations/{}", org["items"][0]["id"]);
    for (width, height, name) in [(1280, 900, "desktop"), (390, 844, "phone")] {
        let Some(b) = browser::start(width, height).await else {
            return;
        };
        let c = &b.client;
        if name == "phone" {
            phone_screen(c, width, height).await;
        }
        c.goto(&app.url("/connexion")).await.unwrap();
        fill(c, "#email", "fondatrice@quai.demo").await;
        fill(c, "#password", quai::demo::DEMO_PASSWORD).await;
        click(c, "[data-testid=login-form] button[type=submit]").await;
        wait_path(c, "/compte").await;
        for (page, shot) in [
            ("/espace", "space"),
            ("/espace/favoris", "favorites"),
            (request.as_str(), "request"),
            (manage.as_str(), "organization-manage"),
            ("/espace/organisations/nouvelle", "organization-new"),
            ("/espace/offres/nouvelle", "offering-new"),
            ("/offres/savoir-faire-reseau-de-chaleur", "offering-ask"),
            ("/evenements", "events"),
            ("/evenements/petit-dejeuner-mentorat-engie", "event-full"),
        ] {
            c.goto(&app.url(page)).await.unwrap();
            let heading = text_of(c, "main h1").await;
            assert!(!heading.is_empty(), "{page}");
            assert_fits(c, page).await;
            b.screenshot(&format!("{shot}-{name}")).await;
        }
        b.close().await;
    }
}
