//! Events in headless Chromium, with the emails at a real SMTP server: a visitor registers as a
//! guest from the event page, confirms by the emailed link, shows the ticket, and cancels by
//! the link of the confirmation — at desktop width, then the same pages at phone width.

use fantoccini::{Client, Locator};
use mail_parser::MessageParser;

use crate::common::browser::{self, assert_fits, click, fill, phone_screen, text_of, wait_text};
use crate::common::smtp::SmtpSink;
use serde_json::{Value, json};

use crate::common::accounts::{admin, bearer};
use crate::common::{TestApp, wait_until};
use crate::events::call;

fn soon(hours: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::hours(hours))
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

/// The text of the email to `to` whose subject starts so, as it reached the SMTP server.
async fn mail_text(sink: &SmtpSink, to: &str, subject: &str) -> String {
    let found = || {
        sink.received().into_iter().find_map(|m| {
            let parsed = MessageParser::default().parse(m.data.as_bytes())?;
            let addressed = m.to.iter().any(|t| t == to);
            (addressed && parsed.subject()?.starts_with(subject)).then(|| {
                parsed
                    .body_text(0)
                    .map(|t| t.into_owned())
                    .unwrap_or_default()
            })
        })
    };
    wait_until(15, &format!("« {subject} » to {to}"), || async {
        found().is_some()
    })
    .await;
    found().unwrap()
}

/// The path of the registration link in that email.
async fn link_in_mail(sink: &SmtpSink, to: &str, subject: &str) -> String {
    let text = mail_text(sink, to, subject).await;
    let start = text
        .find("/inscriptions?jeton=")
        .unwrap_or_else(|| panic!("a registration link in {text}"));
    text[start..]
        .chars()
        .take_while(|c| !c.is_whitespace() && *c != '>' && *c != ')')
        .collect()
}

async fn registered_as_guest(
    c: &Client,
    app: &TestApp,
    sink: &SmtpSink,
    who: &str,
    shots: &browser::Browser,
) {
    c.goto(&app.url("/evenements/atelier-reseau-de-chaleur"))
        .await
        .unwrap();
    // A wrong address first: the form says so and keeps the name.
    fill(c, "#invite-name", "Zoé Durand").await;
    fill(c, "#invite-email", "zoe@").await;
    click(c, "[data-testid=guest-register]").await;
    wait_text(c, "[data-testid=error-summary]", "adresse").await;
    let kept = c
        .find(Locator::Css("#invite-name"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(kept.as_deref(), Some("Zoé Durand"));
    fill(c, "#invite-email", who).await;
    click(c, "[data-testid=guest-register]").await;
    wait_text(c, "[data-testid=flash]", "ouvrez le lien").await;
    assert_fits(c, "the event page").await;
    shots
        .screenshot(&format!("event-guest-{}", who.split('@').next().unwrap()))
        .await;

    // The emailed link opens a page that confirms with a button.
    let link = link_in_mail(sink, who, "Confirmez votre inscription").await;
    c.goto(&app.url(&link)).await.unwrap();
    wait_text(
        c,
        "[data-testid=registration-status]",
        "En attente de confirmation",
    )
    .await;
    click(c, "[data-testid=confirm-registration]").await;
    wait_text(c, "[data-testid=flash]", "adresse est confirmée").await;
    wait_text(
        c,
        "[data-testid=registration-status]",
        "Inscription confirmée",
    )
    .await;
    let code = text_of(c, "[data-testid=check-in-code]").await;
    assert_eq!(code.len(), 8, "the check-in code: {code}");
    c.find(Locator::Css("[data-testid=ticket] svg"))
        .await
        .expect("the ticket's QR code");
    assert_fits(c, "the registration page").await;
    shots
        .screenshot(&format!("registration-{}", who.split('@').next().unwrap()))
        .await;

    // The confirmation's link cancels, after a confirmation step.
    let link = link_in_mail(sink, who, "Inscription confirmée").await;
    c.goto(&app.url(&link)).await.unwrap();
    click(c, "[data-testid=cancel-registration]").await;
    click(c, "[data-testid=cancel-confirm]").await;
    wait_text(
        c,
        "[data-testid=registration-status]",
        "Inscription annulée",
    )
    .await;
    let text = mail_text(sink, who, "Inscription annulée").await;
    assert!(text.contains("Atelier réseau de chaleur"), "{text}");
}

#[tokio::test]
async fn a_guest_registers_confirms_by_the_emailed_link_and_cancels_by_the_next_one() {
    let sink = SmtpSink::start();
    let app =
        TestApp::spawn_with(|s| s.smtp_url = Some(quai::config::Secret::new(sink.url()))).await;
    let Some(b) = browser::start(1280, 900).await else {
        return;
    };
    // An event of the cluster's staff (an admin needs no organization nor email round trip).
    let boss = bearer(&admin(&app, "equipe@amiens-cluster.fr").await);
    let res = call(
        &app,
        Some(&boss),
        "POST",
        "/api/v1/events",
        Some(json!({"title": "Atelier réseau de chaleur", "online_url": "https://visio.example/chaleur",
                    "starts_at": soon(48), "ends_at": soon(50), "capacity": 10})),
    )
    .await;
    assert_eq!(res.status(), 201);
    let id = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let res = call(
        &app,
        Some(&boss),
        "POST",
        &format!("/api/v1/events/{id}/publish"),
        None,
    )
    .await;
    assert_eq!(res.status(), 200);
    let c = &b.client;
    registered_as_guest(c, &app, &sink, "zoe@amiens.example", &b).await;
    phone_screen(c, 390, 844).await;
    registered_as_guest(c, &app, &sink, "leo@amiens.example", &b).await;
    b.close().await;
}
