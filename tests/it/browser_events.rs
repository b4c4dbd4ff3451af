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
use crate::events::{call, soon};

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

/// The people's and organizers' pages around registrations, in Chromium at desktop and phone
/// width: my registrations, the roster, the door (a check-in by click) and the agenda editor.
#[tokio::test]
async fn registrations_pages_fit_desktop_and_phone_and_check_in_works_by_click() {
    use crate::common::accounts::PASSWORD;
    use crate::common::browser::wait_path;
    use crate::events::{people, stage};
    let app = TestApp::spawn().await;
    let s = stage(&app).await;
    let id = {
        let mut body = crate::events::event(&s, "Atelier diagnostic", &soon(3), &soon(5), 2);
        body["approval"] = json!(false);
        crate::events::published(&app, &s, body).await
    };
    let p = people(&app, 3, "porte");
    for who in &p {
        call(
            &app,
            Some(who),
            "POST",
            &format!("/api/v1/events/{id}/registrations"),
            None,
        )
        .await;
    }
    call(
        &app,
        Some(&s.organizer),
        "POST",
        &format!("/api/v1/events/{id}/sessions"),
        Some(
            json!({"title": "Accueil et café", "starts_at": soon(3), "ends_at": soon(4),
                    "room_id": s.room, "speakers": ["Élodie Martin"]}),
        ),
    )
    .await;
    for (width, height, name) in [(1280, 900, "desktop"), (390, 844, "phone")] {
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
        for (page, shot) in [
            (format!("/espace/evenements/{id}/inscriptions"), "roster"),
            (format!("/espace/evenements/{id}/programme"), "programme"),
            ("/espace/inscriptions".to_owned(), "mine"),
        ] {
            c.goto(&app.url(&page)).await.unwrap();
            c.find(Locator::Css("main h1")).await.expect("a heading");
            assert_fits(c, &page).await;
            b.screenshot(&format!("{shot}-{name}")).await;
        }
        // The door: the first person marked present by a click, the count follows.
        c.goto(&app.url(&format!("/espace/evenements/{id}/accueil")))
            .await
            .unwrap();
        if name == "desktop" {
            wait_text(c, "[data-testid=attendance]", "0").await;
            click(c, "[data-testid=check-in]").await;
            wait_text(c, "[data-testid=flash]", "présence enregistrée").await;
            wait_text(c, "[data-testid=attendance]", "1 présents sur 2").await;
        }
        assert_fits(c, "the door").await;
        b.screenshot(&format!("door-{name}")).await;
        b.close().await;
    }
}
