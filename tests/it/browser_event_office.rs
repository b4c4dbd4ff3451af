//! The organizers' pages in headless Chromium, at desktop and phone width: an organizer creates
//! an event from the members' space, publishes it, and finds it in the calendar by month —
//! with nothing overflowing sideways.

use fantoccini::{Client, Locator};
use serde_json::json;

use crate::common::accounts::PASSWORD;
use crate::common::browser::{
    assert_fits, click, fill, path, phone_screen, scroll_to, text_of, wait_path, wait_text,
};
use crate::common::{TestApp, browser};
use crate::events::stage;

async fn select(c: &Client, css: &str, value: &str) {
    c.find(Locator::Css(&format!("{css} option[value='{value}']")))
        .await
        .unwrap_or_else(|e| panic!("{css}={value}: {e}"))
        .click()
        .await
        .unwrap();
}

/// A `datetime-local` field, set as a date picker would (typing into one depends on the locale).
async fn set_when(c: &Client, id: &str, value: &str) {
    c.execute(
        "document.getElementById(arguments[0]).value = arguments[1];",
        vec![json!(id), json!(value)],
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn an_organizer_creates_and_publishes_an_event_at_desktop_and_phone_width() {
    let app = TestApp::spawn().await;
    let s = stage(&app).await;
    for (width, height, name, day) in [(1280, 900, "desktop", "12"), (390, 844, "phone", "19")] {
        let Some(b) = browser::start(width, height).await else {
            return;
        };
        let c = &b.client;
        if name == "phone" {
            phone_screen(c, width, height).await;
        }
        c.goto(&app.url("/connexion")).await.unwrap();
        fill(c, "#email", "paul@engie.example").await;
        fill(c, "#password", PASSWORD).await;
        click(c, "[data-testid=login-form] button[type=submit]").await;
        wait_path(c, "/compte").await;

        // From the members' space to a new event.
        c.goto(&app.url("/espace")).await.unwrap();
        click(c, "[data-testid=events-link]").await;
        wait_path(c, "/espace/evenements").await;
        assert_fits(c, "/espace/evenements").await;
        b.screenshot(&format!("office-list-empty-{name}")).await;
        click(c, "[data-testid=new-event]").await;
        wait_path(c, "/espace/evenements/nouveau").await;
        let title = format!("Atelier chaleur fatale ({name})");
        select(c, "#organization-id", &s.partner.to_string()).await;
        fill(c, "#title", &title).await;
        fill(
            c,
            "#summary",
            "Récupérer la chaleur perdue des sites industriels de la métropole.",
        )
        .await;
        fill(
            c,
            "#description",
            "Deux heures avec les experts d’ENGIE Cofely : **diagnostic**, financement, retours d’expérience.",
        )
        .await;
        select(c, "#room-id", &s.room.to_string()).await;
        set_when(c, "starts-at", &format!("2027-06-{day}T14:00")).await;
        set_when(c, "ends-at", &format!("2027-06-{day}T16:00")).await;
        click(c, "#theme-energie").await;
        assert_fits(c, "/espace/evenements/nouveau").await;
        b.screenshot(&format!("office-new-{name}")).await;

        // A first try without an end after the start: the form says so and keeps the rest.
        set_when(c, "ends-at", &format!("2027-06-{day}T13:00")).await;
        click(c, "[data-testid=save]").await;
        wait_text(
            c,
            "[data-testid=error-summary]",
            "La fin doit venir après le début",
        )
        .await;
        assert_eq!(
            c.find(Locator::Css("#title"))
                .await
                .unwrap()
                .prop("value")
                .await
                .unwrap()
                .as_deref(),
            Some(title.as_str())
        );
        assert_fits(c, "the refused form").await;
        b.screenshot(&format!("office-refused-{name}")).await;
        set_when(c, "ends-at", &format!("2027-06-{day}T16:00")).await;
        click(c, "[data-testid=save]").await;
        wait_text(c, "[data-testid=flash]", "Brouillon enregistré").await;
        assert!(path(c).await.starts_with("/espace/evenements/"));
        assert_eq!(text_of(c, "[data-testid=event-status]").await, "Brouillon");

        // Published: in the calendar, under its month.
        click(c, "[data-testid=publish]").await;
        wait_text(c, "[data-testid=flash]", "Événement publié").await;
        assert_eq!(text_of(c, "[data-testid=event-status]").await, "Publié");
        assert_fits(c, "the event's page").await;
        b.screenshot(&format!("office-event-{name}")).await;
        scroll_to(c, "capacity-heading").await;
        b.screenshot(&format!("office-event-actions-{name}")).await;
        c.goto(&app.url("/espace/evenements")).await.unwrap();
        wait_text(c, "[data-testid=my-events]", &title).await;
        assert_fits(c, "/espace/evenements").await;
        b.screenshot(&format!("office-list-{name}")).await;
        c.goto(&app.url("/espace/evenements/1/annuler"))
            .await
            .unwrap();
        text_of(c, "[data-testid=cancel-consequence]").await;
        assert_fits(c, "the cancel page").await;
        b.screenshot(&format!("office-cancel-{name}")).await;
        c.goto(&app.url("/evenements?theme=energie")).await.unwrap();
        wait_text(c, "[data-testid=events]", &title).await;
        assert_eq!(text_of(c, "[data-testid=month]").await, "juin 2027");
        assert_fits(c, "/evenements").await;
        b.screenshot(&format!("calendar-{name}")).await;
        b.close().await;
    }
}
