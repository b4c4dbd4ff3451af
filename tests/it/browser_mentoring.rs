//! Mentoring in headless Chromium: a startup member opens a mentor's page from the directory and
//! asks the mentor for a project; the mentor signs in, opens the dashboard and accepts; both see
//! the mentorship active. Then the four pages at desktop and phone width, nothing overflowing.

use fantoccini::{Client, Locator};
use serde_json::Value;

use crate::common::accounts::{PASSWORD, call};
use crate::common::browser::{
    assert_fits, click, fill, path, phone_screen, text_of, wait_path, wait_text,
};
use crate::common::{TestApp, browser};
use crate::mentoring::{mentor, profile, project, world};

/// Scrolls to the first element of `css` (to look at the lower part of a page).
async fn scroll_to_css(c: &Client, css: &str) {
    c.execute(
        "document.querySelector(arguments[0]).scrollIntoView({ block: 'center' });",
        vec![serde_json::json!(css)],
    )
    .await
    .unwrap();
}

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

#[tokio::test]
async fn a_startup_asks_a_mentor_who_accepts_from_the_dashboard() {
    let app = TestApp::spawn_with(|s| s.signup_per_hour = 1000).await;
    let Some(b) = browser::start(1280, 900).await else {
        return;
    };
    let c = &b.client;
    let w = world(&app).await;
    let (claire, _) = mentor(
        &app,
        "claire@engie.example",
        "Claire Dubois",
        profile(
            &[("hydrogene", 3), ("reseaux-de-chaleur", 2)],
            &["fr", "en"],
            &[],
            2,
        ),
    )
    .await;
    let slug = call(&app, "GET", &claire, "/api/v1/mentors/me", None)
        .await
        .json::<Value>()
        .await
        .unwrap()["slug"]
        .as_str()
        .unwrap()
        .to_owned();
    let mentor_page = format!("/mentorat/mentors/{slug}");
    project(
        &app,
        &w.lea,
        "Chaufferie hydrogène",
        &[("hydrogene", 3), ("financement", 1)],
        "prototype",
    )
    .await;

    // Léa finds Claire in the directory and asks her for her project.
    sign_in(c, &app, "lea@chaleur-picarde.fr").await;
    c.goto(&app.url("/espace/mentorat")).await.unwrap();
    wait_text(c, "[data-testid=suggested-mentors]", "Claire Dubois").await;
    scroll_to_css(c, "[data-testid=project-row]").await;
    b.screenshot("mentoring-dashboard-suggestions-desktop")
        .await;
    c.goto(&app.url("/mentorat")).await.unwrap();
    wait_text(c, "[data-testid=mentors]", "Claire Dubois").await;
    b.screenshot("mentoring-directory-desktop").await;
    scroll_to_css(c, "#mentors").await;
    b.screenshot("mentoring-directory-cards-desktop").await;
    c.find(Locator::LinkText("Claire Dubois"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_path(c, &mentor_page).await;
    assert!(
        text_of(c, "[data-testid=mentor-slots]")
            .await
            .contains("jeudi, 14 h 00 – 16 h 30")
    );
    fill(
        c,
        "#ask-message",
        "Votre expérience de l’hydrogène nous aiderait à dimensionner la chaufferie.",
    )
    .await;
    b.screenshot("mentoring-mentor-desktop").await;
    click(c, "[data-testid=ask-submit]").await;
    wait_text(c, "[data-testid=flash]", "Demande envoyée").await;
    let mentorship = path(c).await;
    assert!(mentorship.starts_with("/espace/mentorat/"), "{mentorship}");
    assert_eq!(
        text_of(c, "[data-testid=mentorship-status]").await,
        "En attente de réponse"
    );
    c.goto(&app.url("/espace/mentorat")).await.unwrap();
    wait_text(c, "[data-testid=requests-sent]", "Chaufferie hydrogène").await;
    sign_out(c).await;

    // Claire accepts from her dashboard.
    sign_in(c, &app, "claire@engie.example").await;
    c.goto(&app.url("/espace/mentorat")).await.unwrap();
    wait_text(c, "[data-testid=requests-received]", "Chaufferie hydrogène").await;
    assert!(
        text_of(c, "[data-testid=capacity]")
            .await
            .contains("0 projet(s) accompagné(s) sur 2")
    );
    b.screenshot("mentoring-dashboard-mentor-desktop").await;
    scroll_to_css(c, "#to-answer").await;
    b.screenshot("mentoring-dashboard-requests-desktop").await;
    click(c, "[data-testid=request-row] [data-testid=accept]").await;
    wait_text(c, "[data-testid=flash]", "Mentorat accepté").await;
    assert_eq!(path(c).await, mentorship);
    assert_eq!(
        text_of(c, "[data-testid=mentorship-status]").await,
        "En cours"
    );
    b.screenshot("mentoring-mentorship-desktop").await;
    c.goto(&app.url("/espace/mentorat")).await.unwrap();
    wait_text(c, "[data-testid=mentor-active]", "Chaufferie hydrogène").await;
    assert!(
        text_of(c, "[data-testid=capacity]")
            .await
            .contains("1 projet(s) accompagné(s) sur 2")
    );
    sign_out(c).await;

    // Léa sees it active too, on her dashboard and on the mentorship's page.
    sign_in(c, &app, "lea@chaleur-picarde.fr").await;
    c.goto(&app.url("/espace/mentorat")).await.unwrap();
    wait_text(c, "[data-testid=startup-active]", "Claire Dubois").await;
    assert_eq!(
        text_of(
            c,
            "[data-testid=startup-active] [data-testid=mentorship-status]"
        )
        .await,
        "En cours"
    );
    b.screenshot("mentoring-dashboard-startup-desktop").await;
    c.goto(&app.url(&mentorship)).await.unwrap();
    wait_text(c, "[data-testid=mentorship-status]", "En cours").await;
    b.close().await;

    // At phone width, the four pages fit, for Léa.
    let Some(b) = browser::start(390, 844).await else {
        return;
    };
    let c = &b.client;
    phone_screen(c, 390, 844).await;
    sign_in(c, &app, "lea@chaleur-picarde.fr").await;
    for (page, name) in [
        ("/mentorat", "mentoring-directory-phone"),
        (mentor_page.as_str(), "mentoring-mentor-phone"),
        ("/espace/mentorat", "mentoring-dashboard-phone"),
        (mentorship.as_str(), "mentoring-mentorship-phone"),
    ] {
        c.goto(&app.url(page)).await.unwrap();
        assert!(!text_of(c, "main h1").await.is_empty(), "{page}");
        assert_fits(c, page).await;
        b.screenshot(name).await;
    }
    b.close().await;
}
