//! The pages of registrations: a guest registers from the event page (errors in the form,
//! nothing written), confirms and cancels from the emailed link; "my registrations" and the
//! personal calendar feed behind its secret address; the organizers' roster (approve, CSV) and
//! check-in pages.

use serde_json::{Value, json};

use crate::common::TestApp;
use crate::common::accounts::{PASSWORD, verified_user};
use crate::common::visitor::{Visitor, text};
use crate::events::{call, event, nth_mail, parse_ics, published, soon, stage};

fn token_in(text: &str) -> String {
    crate::common::accounts::token_in(text)
}

#[tokio::test]
async fn a_guest_registers_from_the_event_page_and_uses_the_emailed_links() {
    let app = TestApp::spawn().await;
    let s = stage(&app).await;
    published(
        &app,
        &s,
        event(&s, "Atelier chaleur", &soon(48), &soon(50), 5),
    )
    .await;
    let page = "/evenements/atelier-chaleur";
    let guest = Visitor::new(&app);
    let html = guest.page(page).await;
    assert!(
        html.contains("data-testid=\"guest-form\""),
        "a form for guests"
    );

    // Errors are shown in the form, with what was typed kept; nothing is written.
    let wrong = guest
        .submit(
            page,
            &format!("{page}/inscription"),
            &[("name", "Zoé"), ("email", "zoe@")],
        )
        .await;
    assert_eq!(wrong.status, 422);
    assert!(wrong.html.contains("data-testid=\"error-summary\""));
    assert!(wrong.html.contains("value=\"Zoé\""), "the name is kept");
    assert!(
        text(&wrong.html).contains("adresse"),
        "{}",
        text(&wrong.html)
    );

    let done = guest
        .submit(
            page,
            &format!("{page}/inscription"),
            &[("name", "Zoé Durand"), ("email", "zoe@amiens.example")],
        )
        .await;
    assert_eq!(done.location, format!("{page}?ok=verifier"));
    let html = text(&guest.page(&done.location).await);
    assert!(html.contains("ouvrez le lien"), "{html}");

    // The link opens a page that confirms with a button (never on GET).
    let (_, mail, _) = nth_mail(&app, "zoe@amiens.example", 1).await;
    let token = token_in(&mail);
    let link = format!("/inscriptions?jeton={token}");
    let opened = text(&guest.page(&link).await);
    assert!(opened.contains("En attente de confirmation"), "{opened}");
    let confirmed = guest
        .submit(&link, "/inscriptions/confirmer", &[("jeton", &token)])
        .await;
    assert_eq!(confirmed.status, 200);
    let html = confirmed.html;
    assert!(
        text(&html).contains("Inscription confirmée"),
        "{}",
        text(&html)
    );
    assert!(html.contains("data-testid=\"ticket\""), "the ticket");
    assert!(html.contains("<svg"), "its QR code");

    // Cancelled from the link of the confirmation email.
    let (_, mail, ics) = nth_mail(&app, "zoe@amiens.example", 2).await;
    assert_eq!(parse_ics(&ics.unwrap())["METHOD"], "REQUEST");
    let token2 = token_in(&mail);
    assert_eq!(token2, token, "one link per registration");
    let cancelled = guest
        .submit(&link, "/inscriptions/annuler", &[("jeton", &token)])
        .await;
    assert!(text(&cancelled.html).contains("Votre inscription est annulée"));
    // Twice: the page says so instead of failing.
    let again = guest
        .submit(page, "/inscriptions/annuler", &[("jeton", &token)])
        .await;
    assert_eq!(again.status, 200);
    assert!(
        text(&again.html).contains("déjà annulée"),
        "{}",
        text(&again.html)
    );
    assert_eq!(
        guest
            .submit(page, "/inscriptions/danser", &[("jeton", &token)])
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn people_see_their_registrations_and_subscribe_to_their_own_calendar() {
    let app = TestApp::spawn().await;
    let s = stage(&app).await;
    published(
        &app,
        &s,
        event(&s, "Petit-déjeuner", &soon(48), &soon(50), 1),
    )
    .await;
    published(&app, &s, event(&s, "Demo day", &soon(96), &soon(100), 10)).await;
    verified_user(&app, "lea@startup.fr", "Léa", "startup_founder").await;
    verified_user(&app, "tom@startup.fr", "Tom", "startup_founder").await;
    let lea = Visitor::new(&app);
    lea.sign_in("lea@startup.fr", PASSWORD).await;
    let tom = Visitor::new(&app);
    tom.sign_in("tom@startup.fr", PASSWORD).await;
    for page in ["/evenements/petit-dejeuner", "/evenements/demo-day"] {
        lea.submit(page, &format!("{page}/inscription"), &[]).await;
    }
    let breakfast = "/evenements/petit-dejeuner";
    tom.submit(breakfast, &format!("{breakfast}/inscription"), &[])
        .await;

    // Signing in first.
    let answer = Visitor::new(&app).get("/espace/inscriptions").await;
    assert_eq!(answer.status, 303);
    let html = lea.page("/espace/inscriptions").await;
    let words = text(&html);
    assert!(
        words.contains("Petit-déjeuner") && words.contains("Demo day"),
        "{words}"
    );
    let toms = text(&tom.page("/espace/inscriptions").await);
    assert!(
        toms.contains("Sur liste d’attente") && toms.contains("place 1"),
        "{toms}"
    );
    assert!(!toms.contains("Demo day"), "only one's own");

    // The personal feed: Léa's seats, behind her secret address only.
    let start = html.find("/agenda/").expect("the feed address");
    let path: String = html[start..].chars().take_while(|c| *c != '"').collect();
    assert!(path.ends_with(".ics"), "{path}");
    let res = app.client.get(app.url(&path)).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/calendar")
    );
    let body = res.text().await.unwrap();
    let mut parser = ical::IcalParser::new(std::io::BufReader::new(body.as_bytes()));
    let calendar = parser.next().unwrap().unwrap();
    let titles: Vec<String> = calendar
        .events
        .iter()
        .flat_map(|e| e.properties.iter())
        .filter(|p| p.name == "SUMMARY")
        .map(|p| p.value.clone().unwrap_or_default())
        .collect();
    assert_eq!(titles.len(), 2, "{titles:?}");
    let wrong = path.replace("/agenda/", "/agenda/9").to_string();
    assert_eq!(
        app.client
            .get(app.url(&wrong))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    let forged = format!("{}0.ics", &path[..path.len() - 5]);
    assert_eq!(
        app.client
            .get(app.url(&forged))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );

    // Cancelling from the list gives Tom the seat; Léa's feed loses the event.
    let cancelled = lea
        .submit(
            "/espace/inscriptions",
            &format!("{breakfast}/annulation"),
            &[],
        )
        .await;
    assert_eq!(cancelled.location, format!("{breakfast}?ok=annule"));
    let toms = text(&tom.page("/espace/inscriptions").await);
    assert!(toms.contains("Inscription confirmée"), "{toms}");
    let body = app
        .client
        .get(app.url(&path))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!body.contains("Petit-déjeuner") && body.contains("Demo day"));
}

#[tokio::test]
async fn organizers_review_the_roster_and_check_people_in_at_the_door() {
    let app = TestApp::spawn().await;
    let s = stage(&app).await;
    let mut body = event(&s, "Atelier sur validation", &soon(3), &soon(5), 2);
    body["approval"] = json!(true);
    let id = published(&app, &s, body).await;
    verified_user(&app, "lea@startup.fr", "Léa Martin", "startup_founder").await;
    let lea = Visitor::new(&app);
    lea.sign_in("lea@startup.fr", PASSWORD).await;
    let page = "/evenements/atelier-sur-validation";
    lea.submit(page, &format!("{page}/inscription"), &[]).await;

    // Only organizers.
    let roster = format!("/espace/evenements/{id}/inscriptions");
    assert_eq!(lea.get(&roster).await.status, 403);
    let organizer = Visitor::new(&app);
    organizer.sign_in("paul@engie.example", PASSWORD).await;
    // The public page leads its organizers to their office, and nobody else.
    assert!(
        organizer
            .page(page)
            .await
            .contains("data-testid=\"manage-event\"")
    );
    assert!(
        !lea.page(page)
            .await
            .contains("data-testid=\"manage-event\"")
    );
    let html = organizer.page(&roster).await;
    assert!(text(&html).contains("Léa Martin") && text(&html).contains("En attente de validation"));
    // Approve from the page: the person is confirmed and told.
    let rid = {
        let v: Value = call(
            &app,
            Some(&s.organizer),
            "GET",
            &format!("/api/v1/events/{id}/registrations"),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
        v["registrations"][0]["id"].as_i64().unwrap()
    };
    let done = organizer
        .submit(
            &roster,
            &format!("{roster}/{rid}/decision"),
            &[("decision", "approve")],
        )
        .await;
    assert_eq!(done.location, format!("{roster}?ok=approuve"));
    // (after the address's verification and the request's receipt)
    let (subject, _, _) = nth_mail(&app, "lea@startup.fr", 3).await;
    assert!(subject.starts_with("Inscription confirmée"), "{subject}");
    // The CSV from the page.
    let csv = organizer.get(&format!("{roster}.csv")).await;
    assert_eq!(csv.status, 200);
    assert!(csv.html.contains("lea@startup.fr"));

    // At the door: found by name, marked present once.
    let door = format!("/espace/evenements/{id}/accueil");
    let found = organizer.page(&format!("{door}?q=martin")).await;
    assert!(text(&found).contains("Léa Martin"));
    let code: Value = call(
        &app,
        Some(&s.organizer),
        "GET",
        &format!("/api/v1/events/{id}/registrations"),
        None,
    )
    .await
    .json()
    .await
    .unwrap();
    let code = code["registrations"][0]["code"]
        .as_str()
        .unwrap()
        .to_owned();
    // The ticket's QR code opens the page on its code.
    let scanned = organizer.page(&format!("{door}?code={code}")).await;
    assert!(text(&scanned).contains("Léa Martin"));
    let marked = organizer
        .submit(&door, &door, &[("code", &code), ("q", "martin")])
        .await;
    assert_eq!(marked.location, format!("{door}?q=martin&ok=present"));
    let html = text(&organizer.page(&marked.location).await);
    assert!(html.contains("1 présents sur 1"), "{html}");
    let twice = organizer
        .submit(&door, &door, &[("code", &code), ("q", "")])
        .await;
    assert_eq!(twice.status, 409);
    assert!(text(&twice.html).contains("déjà pointée"));
    let unknown = organizer
        .submit(&door, &door, &[("code", "ZZZZ2222"), ("q", "")])
        .await;
    assert!(text(&unknown.html).contains("Aucune inscription à cet événement n’a ce code"));
    assert_eq!(
        lea.submit(page, &door, &[("code", &code)]).await.status,
        403
    );
}

#[tokio::test]
async fn organizers_write_the_agenda_from_their_space_and_conflicts_are_named() {
    let app = TestApp::spawn().await;
    let s = stage(&app).await;
    // On the minute, as the form's fields are.
    let starts = chrono::DurationRound::duration_trunc(
        chrono::Utc::now() + chrono::Duration::days(3),
        chrono::Duration::minutes(1),
    )
    .unwrap();
    let at = |hours: i64| {
        (starts + chrono::Duration::hours(hours))
            .with_timezone(&chrono_tz::Europe::Paris)
            .format("%Y-%m-%dT%H:%M")
            .to_string()
    };
    let rfc = |hours: i64| {
        (starts + chrono::Duration::hours(hours))
            .format("%Y-%m-%dT%H:%M:%SZ")
            .to_string()
    };
    let id = published(&app, &s, event(&s, "Demo day", &rfc(0), &rfc(6), 10)).await;
    let other = published(&app, &s, {
        let mut e = event(&s, "Autre atelier", &rfc(0), &rfc(6), 10);
        e["room_id"] = Value::Null;
        e["online_url"] = json!("https://visio.example/x");
        e
    })
    .await;
    let organizer = Visitor::new(&app);
    organizer.sign_in("paul@engie.example", PASSWORD).await;
    let page = format!("/espace/evenements/{id}/programme");
    let html = text(&organizer.page(&page).await);
    assert!(html.contains("Aucune session"), "{html}");

    // Field errors: the end before the start, a speaker too long; nothing written.
    let long = "x".repeat(200);
    let wrong = organizer
        .submit(
            &page,
            &page,
            &[
                ("title", "Ouverture"),
                ("starts_at", &at(2)),
                ("ends_at", &at(1)),
                ("room_id", ""),
                ("speakers", &format!("Élodie Martin\n{long}")),
            ],
        )
        .await;
    assert_eq!(wrong.status, 422);
    assert!(wrong.html.contains("data-testid=\"error-summary\""));
    assert!(wrong.html.contains("value=\"Ouverture\""), "kept");
    let words = text(&wrong.html);
    assert!(
        words.contains("après le début") && !words.contains("Ce champ n’est pas valide"),
        "{words}"
    );

    let added = organizer
        .submit(
            &page,
            &page,
            &[
                ("title", "Ouverture"),
                ("starts_at", &at(0)),
                ("ends_at", &at(1)),
                ("room_id", &s.room.to_string()),
                ("speakers", "Élodie Martin\n  Karim Benali  "),
            ],
        )
        .await;
    assert_eq!(
        added.location,
        format!("{page}?ok=ajoutee"),
        "{}",
        text(&added.html)
    );
    let html = text(&organizer.page(&added.location).await);
    assert!(
        html.contains("Session ajoutée") && html.contains("Élodie Martin, Karim Benali"),
        "{html}"
    );
    let public = text(&Visitor::new(&app).page("/evenements/demo-day").await);
    assert!(
        public.contains("Ouverture") && public.contains("Karim Benali"),
        "{public}"
    );

    // The same speaker elsewhere at that time: refused, named, in French.
    let elsewhere = format!("/espace/evenements/{other}/programme");
    let clash = organizer
        .submit(
            &elsewhere,
            &elsewhere,
            &[
                ("title", "Table ronde"),
                ("starts_at", &at(0)),
                ("ends_at", &at(2)),
                ("room_id", ""),
                ("speakers", "elodie  MARTIN"),
            ],
        )
        .await;
    assert_eq!(clash.status, 409);
    let words = text(&clash.html);
    assert!(
        words.contains("intervient déjà")
            && words.contains("Ouverture")
            && words.contains("Demo day"),
        "{words}"
    );

    // Changed, then removed.
    let sessions: Value = call(
        &app,
        None,
        "GET",
        &format!("/api/v1/events/{id}/sessions"),
        None,
    )
    .await
    .json()
    .await
    .unwrap();
    let sid = sessions[0]["id"].as_i64().unwrap();
    let editing = format!("{page}?session={sid}");
    assert!(
        organizer
            .page(&editing)
            .await
            .contains("value=\"Ouverture\"")
    );
    let changed = organizer
        .submit(
            &editing,
            &page,
            &[
                ("session_id", &sid.to_string()),
                ("title", "Mot d’accueil"),
                ("starts_at", &at(0)),
                ("ends_at", &at(1)),
                ("room_id", &s.room.to_string()),
                ("speakers", "Élodie Martin"),
            ],
        )
        .await;
    assert_eq!(changed.location, format!("{page}?ok=modifiee"));
    assert!(text(&organizer.page(&page).await).contains("Mot d’accueil"));
    let removed = organizer
        .submit(&page, &format!("{page}/{sid}/suppression"), &[])
        .await;
    assert_eq!(removed.location, format!("{page}?ok=supprimee"));
    assert!(text(&organizer.page(&page).await).contains("Aucune session"));

    // Not for people who do not organize it.
    verified_user(&app, "lea@startup.fr", "Léa", "startup_founder").await;
    let lea = Visitor::new(&app);
    lea.sign_in("lea@startup.fr", PASSWORD).await;
    assert_eq!(lea.get(&page).await.status, 403);
}
