//! The other ways into an event: guests who confirm their address by the emailed link,
//! approval by the organizers, the timed offer of a freed seat, a smaller capacity that says
//! what happens to the people above it; and, at the door, check-in by code, the roster and its
//! CSV export with formulas neutralised.

use diesel::prelude::*;
use mail_parser::MimeHeaders;
use serde_json::{Value, json};

use crate::common::{TestApp, problem};
use crate::events::{call, event, mails_to, nth_mail, parse_ics, people, published, soon, stage};

/// The token of the first link to `/inscriptions?jeton=` in an email's text.
fn link_token(text: &str) -> String {
    let start = text.find("jeton=").expect("a registration link") + "jeton=".len();
    text[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect()
}

/// The attachments' names of the `n`-th email to `to`.
fn attachment_names(app: &TestApp, to: &str, subject_start: &str) -> Vec<(String, String)> {
    let dir = app.data_dir().join("outbox");
    for entry in std::fs::read_dir(dir).unwrap() {
        let raw = std::fs::read(entry.unwrap().path()).unwrap();
        let msg = mail_parser::MessageParser::default().parse(&raw).unwrap();
        let addressed = msg.to().and_then(|t| t.first()).and_then(|a| a.address()) == Some(to);
        if addressed && msg.subject().unwrap_or("").starts_with(subject_start) {
            return msg
                .attachments()
                .map(|a| {
                    (
                        a.attachment_name().unwrap_or("").to_owned(),
                        String::from_utf8_lossy(a.contents()).into_owned(),
                    )
                })
                .collect();
        }
    }
    panic!("no email « {subject_start} » to {to}");
}

async fn json_of(res: reqwest::Response) -> Value {
    res.json().await.unwrap()
}

async fn get_event(app: &TestApp, id: i64) -> Value {
    json_of(call(app, None, "GET", &format!("/api/v1/events/{id}"), None).await).await
}

fn registrations_count(app: &TestApp) -> i64 {
    use quai::db::schema::registrations;
    registrations::table
        .count()
        .get_result(&mut app.connect())
        .unwrap()
}

/// Registers each person in turn (one after the other: the order of the line is known); the
/// registrations as the API answered, all 201.
async fn register_each(app: &TestApp, id: i64, people: &[String]) -> Vec<Value> {
    let mut answers = Vec::new();
    for who in people {
        let res = call(
            app,
            Some(who),
            "POST",
            &format!("/api/v1/events/{id}/registrations"),
            None,
        )
        .await;
        assert_eq!(res.status(), 201);
        answers.push(json_of(res).await);
    }
    answers
}

/// The id of each registration.
fn ids(registrations: &[Value]) -> Vec<i64> {
    registrations
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect()
}

async fn guest(app: &TestApp, id: i64, name: &str, email: &str) -> reqwest::Response {
    call(
        app,
        None,
        "POST",
        &format!("/api/v1/events/{id}/guest-registrations"),
        Some(json!({"name": name, "email": email})),
    )
    .await
}

async fn by_link(app: &TestApp, action: &str, token: &str) -> reqwest::Response {
    call(
        app,
        None,
        "POST",
        &format!("/api/v1/registration-links/{action}"),
        Some(json!({ "token": token })),
    )
    .await
}

#[tokio::test]
async fn guests_count_once_they_confirm_their_address_by_the_emailed_link() {
    let app = TestApp::spawn().await;
    let s = stage(&app).await;
    let id = published(&app, &s, event(&s, "Atelier", &soon(48), &soon(50), 1)).await;

    // Bad input: field errors, nothing written.
    let res = guest(&app, id, "Zoé", "zoe@").await;
    assert!(problem(res, 422, "validation_failed").await["errors"]["email"].is_array());
    let res = guest(&app, id, "  ", "zoe@amiens.example").await;
    assert!(problem(res, 422, "validation_failed").await["errors"]["name"].is_array());
    assert_eq!(registrations_count(&app), 0);

    // The request holds no seat until the address is confirmed.
    let res = guest(&app, id, "Zoé Durand", "Zoe@Amiens.example").await;
    assert_eq!(res.status(), 202);
    assert_eq!(json_of(res).await["status"], "pending_email");
    assert_eq!(get_event(&app, id).await["seats_taken"], 0);
    let (subject, text, ics) = nth_mail(&app, "zoe@amiens.example", 1).await;
    assert!(
        subject.starts_with("Confirmez votre inscription"),
        "{subject}"
    );
    assert!(ics.is_none(), "no calendar before the confirmation");
    let zoe = link_token(&text);

    // A wrong link is refused; the right one seats her, once.
    let res = by_link(&app, "confirm", "not-a-token").await;
    assert_eq!(res.status(), 422);
    let res = by_link(&app, "confirm", &zoe).await;
    assert_eq!(res.status(), 200);
    let r = json_of(res).await;
    assert_eq!(r["status"], "confirmed");
    let res = by_link(&app, "confirm", &zoe).await;
    assert_eq!(
        json_of(res).await["status"],
        "confirmed",
        "confirming twice"
    );
    assert_eq!(get_event(&app, id).await["seats_taken"], 1);
    let (subject, _, ics) = nth_mail(&app, "zoe@amiens.example", 2).await;
    assert!(subject.starts_with("Inscription confirmée"), "{subject}");
    assert_eq!(parse_ics(&ics.expect("an invitation"))["METHOD"], "REQUEST");
    let attachments = attachment_names(&app, "zoe@amiens.example", "Inscription confirmée");
    let code = r["code"].as_str().unwrap();
    let ticket = attachments
        .iter()
        .find(|(name, _)| name == &format!("billet-{code}.svg"))
        .expect("the ticket's QR code");
    assert!(ticket.1.contains("<svg"), "an SVG image");

    // Asking again does not register twice nor say so on the page: the person is told by email.
    let res = guest(&app, id, "Zoé", "zoe@amiens.example").await;
    assert_eq!(res.status(), 202);
    let (subject, text, _) = nth_mail(&app, "zoe@amiens.example", 3).await;
    assert!(subject.starts_with("Vous êtes déjà inscrit·e"), "{subject}");
    assert_eq!(link_token(&text), zoe, "the same link, again");
    assert_eq!(registrations_count(&app), 1);

    // The event is full: the next guest confirms into the waiting line.
    guest(&app, id, "Léo", "leo@amiens.example").await;
    let leo = link_token(&nth_mail(&app, "leo@amiens.example", 1).await.1);
    let r = json_of(by_link(&app, "confirm", &leo).await).await;
    assert_eq!(r["status"], "waitlisted");
    assert_eq!(r["position"], 1);
    let (subject, _, _) = nth_mail(&app, "leo@amiens.example", 2).await;
    assert!(subject.starts_with("Liste d’attente"), "{subject}");

    // A guest who asked twice without confirming gets the same link again.
    guest(&app, id, "Max", "max@amiens.example").await;
    guest(&app, id, "Max", "max@amiens.example").await;
    let first = link_token(&nth_mail(&app, "max@amiens.example", 1).await.1);
    let second = link_token(&nth_mail(&app, "max@amiens.example", 2).await.1);
    assert_eq!(first, second);

    // Zoé cancels by her link: Léo gets the seat.
    let res = by_link(&app, "cancel", &zoe).await;
    assert_eq!(json_of(res).await["status"], "cancelled");
    let (subject, _, _) = nth_mail(&app, "leo@amiens.example", 3).await;
    assert!(subject.starts_with("Une place s’est libérée"), "{subject}");
    let res = by_link(&app, "cancel", &zoe).await;
    assert_eq!(res.status(), 409, "cancelled twice");
    let res = by_link(&app, "dance", &zoe).await;
    assert_eq!(res.status(), 404);

    // Not for drafts, nor for cancelled events.
    let res = call(
        &app,
        Some(&s.organizer),
        "POST",
        "/api/v1/events",
        Some(event(&s, "Brouillon", &soon(100), &soon(102), 10)),
    )
    .await;
    let draft = json_of(res).await["id"].as_i64().unwrap();
    let before = registrations_count(&app);
    assert_eq!(
        guest(&app, draft, "Zoé", "zoe@amiens.example")
            .await
            .status(),
        404
    );
    call(
        &app,
        Some(&s.organizer),
        "POST",
        &format!("/api/v1/events/{id}/cancel"),
        None,
    )
    .await;
    let res = guest(&app, id, "Ana", "ana@amiens.example").await;
    assert_eq!(res.status(), 409);
    assert_eq!(registrations_count(&app), before);
}

#[tokio::test]
async fn in_approval_mode_the_organizers_decide_and_people_are_told() {
    let app = TestApp::spawn().await;
    let s = stage(&app).await;
    let mut body = event(&s, "Petit-déjeuner mentorat", &soon(48), &soon(50), 1);
    body["approval"] = json!(true);
    let id = published(&app, &s, body).await;
    let p = people(&app, 3, "candidat");
    let answers = register_each(&app, id, &p).await;
    assert!(answers.iter().all(|r| r["status"] == "pending_approval"));
    let regs = ids(&answers);
    let e = get_event(&app, id).await;
    assert_eq!(
        (e["seats_taken"].clone(), e["approval"].clone()),
        (json!(0), json!(true))
    );
    let (subject, _, _) = nth_mail(&app, "candidat0@amiens.example", 1).await;
    assert!(
        subject.starts_with("Demande d’inscription reçue"),
        "{subject}"
    );

    let decide = |who: &str, reg: i64, decision: &str| {
        call(
            &app,
            Some(who),
            "POST",
            &format!("/api/v1/registrations/{reg}/decision"),
            Some(json!({ "decision": decision })),
        )
    };
    // Only organizers decide.
    assert_eq!(decide(&p[1], regs[0], "approve").await.status(), 403);
    let res = decide(&s.organizer, regs[0], "approve").await;
    assert_eq!(res.status(), 200);
    assert_eq!(json_of(res).await["status"], "confirmed");
    let (subject, _, ics) = nth_mail(&app, "candidat0@amiens.example", 2).await;
    assert!(subject.starts_with("Inscription confirmée"), "{subject}");
    assert!(ics.is_some());
    // Full: the next approval goes to the waiting line.
    let r = json_of(decide(&s.organizer, regs[1], "approve").await).await;
    assert_eq!(r["status"], "waitlisted");
    assert_eq!(r["position"], 1);
    assert_eq!(decide(&s.organizer, regs[0], "decline").await.status(), 409);
    let res = decide(&s.organizer, regs[2], "maybe").await;
    assert!(res.status().is_client_error());
    let r = json_of(decide(&s.organizer, regs[2], "decline").await).await;
    assert_eq!(r["status"], "cancelled");
    let (subject, _, _) = nth_mail(&app, "candidat2@amiens.example", 2).await;
    assert!(
        subject.starts_with("Demande d’inscription non retenue"),
        "{subject}"
    );

    // A guest confirming their address waits for the organizers too.
    guest(&app, id, "Inès", "ines@amiens.example").await;
    let token = link_token(&nth_mail(&app, "ines@amiens.example", 1).await.1);
    let r = json_of(by_link(&app, "confirm", &token).await).await;
    assert_eq!(r["status"], "pending_approval");
    let roster = json_of(
        call(
            &app,
            Some(&s.organizer),
            "GET",
            &format!("/api/v1/events/{id}/registrations"),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(roster["counts"]["pending_approval"], 1);
    assert_eq!(roster["counts"]["confirmed"], 1);
    assert_eq!(roster["counts"]["waitlisted"], 1);
    assert_eq!(roster["counts"]["cancelled"], 1);
}

#[tokio::test]
async fn in_timed_offer_mode_a_freed_seat_is_held_then_passed_on() {
    use quai::db::schema::{jobs, registrations};
    let app = TestApp::spawn().await;
    let s = stage(&app).await;
    let mut body = event(&s, "Visite du réseau de chaleur", &soon(72), &soon(74), 1);
    body["offer_hours"] = json!(2);
    let id = published(&app, &s, body).await;
    assert_eq!(get_event(&app, id).await["offer_hours"], 2);
    let p = people(&app, 4, "offre");
    let regs = ids(&register_each(&app, id, &p).await);
    let registration = |i: usize| {
        let who = p[i].clone();
        let reg = regs[i];
        let app = &app;
        async move {
            json_of(
                call(
                    app,
                    Some(&who),
                    "GET",
                    &format!("/api/v1/registrations/{reg}"),
                    None,
                )
                .await,
            )
            .await
        }
    };
    // The first cancels: the seat is held for the second, not given.
    call(
        &app,
        Some(&p[0]),
        "DELETE",
        &format!("/api/v1/registrations/{}", regs[0]),
        None,
    )
    .await;
    let r = registration(1).await;
    assert_eq!(r["status"], "offered");
    let until = chrono::DateTime::parse_from_rfc3339(r["offer_expires_at"].as_str().unwrap())
        .unwrap()
        .with_timezone(&chrono::Utc);
    let hours = (until - chrono::Utc::now()).num_minutes() as f64 / 60.0;
    assert!((hours - 2.0).abs() < 0.1, "held for 2 hours: {hours}");
    assert_eq!(
        get_event(&app, id).await["seats_left"],
        0,
        "the seat is held"
    );
    assert_eq!(registration(2).await["position"], 1);
    let (subject, text, ics) = nth_mail(&app, "offre1@amiens.example", 2).await;
    assert!(
        subject.starts_with("Une place vous est proposée"),
        "{subject}"
    );
    assert!(ics.is_none(), "no calendar before accepting");
    let offered = link_token(&text);

    // Accepted in time: confirmed, with the calendar.
    let res = by_link(&app, "accept", &offered).await;
    assert_eq!(res.status(), 200);
    assert_eq!(json_of(res).await["status"], "confirmed");
    let (subject, _, ics) = nth_mail(&app, "offre1@amiens.example", 3).await;
    assert!(subject.starts_with("Inscription confirmée"), "{subject}");
    assert!(ics.is_some());
    assert_eq!(by_link(&app, "accept", &offered).await.status(), 409);

    // The second gives the seat back: the third is offered it, and lets the time pass.
    call(
        &app,
        Some(&p[1]),
        "DELETE",
        &format!("/api/v1/registrations/{}", regs[1]),
        None,
    )
    .await;
    assert_eq!(registration(2).await["status"], "offered");
    let third = link_token(&nth_mail(&app, "offre2@amiens.example", 2).await.1);
    let past = chrono::Utc::now().naive_utc() - chrono::Duration::seconds(1);
    diesel::update(registrations::table.find(regs[2]))
        .set(registrations::offer_expires_at.eq(past))
        .execute(&mut app.connect())
        .unwrap();
    assert_eq!(
        by_link(&app, "accept", &third).await.status(),
        409,
        "too late"
    );
    diesel::update(jobs::table.filter(jobs::kind.eq("event_offer_expiry")))
        .set(jobs::run_at.eq(past))
        .execute(&mut app.connect())
        .unwrap();
    let (subject, _, _) = nth_mail(&app, "offre2@amiens.example", 3).await;
    assert!(subject.starts_with("La place proposée"), "{subject}");
    assert_eq!(registration(2).await["status"], "cancelled");
    // …and it passes to the fourth.
    crate::common::wait_until(10, "the fourth is offered the seat", || async {
        registration(3).await["status"] == "offered"
    })
    .await;
    assert_eq!(get_event(&app, id).await["seats_taken"], 1);
}

#[tokio::test]
async fn a_smaller_capacity_says_what_happens_to_the_people_above_it() {
    let app = TestApp::spawn().await;
    let s = stage(&app).await;
    let id = published(&app, &s, event(&s, "Demo day", &soon(48), &soon(52), 3)).await;
    let p = people(&app, 4, "jauge");
    let regs = ids(&register_each(&app, id, &p).await);
    let capacity = |body: Value| {
        call(
            &app,
            Some(&s.organizer),
            "POST",
            &format!("/api/v1/events/{id}/capacity"),
            Some(body),
        )
    };
    // Without saying, refused field by field and nothing changes.
    let res = capacity(json!({"capacity": 1})).await;
    let body = problem(res, 422, "validation_failed").await;
    assert!(
        body["errors"]["surplus"][0]
            .as_str()
            .unwrap()
            .contains("2 people"),
        "{body}"
    );
    let res = capacity(json!({"capacity": 1, "surplus": "drop_them"})).await;
    assert!(res.status().is_client_error());
    let e = get_event(&app, id).await;
    assert_eq!(
        (e["capacity"].clone(), e["seats_taken"].clone()),
        (json!(3), json!(3))
    );

    // Back to the waiting line: the last seated goes first, ahead of those already waiting.
    let e = json_of(capacity(json!({"capacity": 2, "surplus": "waitlist"})).await).await;
    assert_eq!(
        (e["capacity"].clone(), e["seats_taken"].clone()),
        (json!(2), json!(2))
    );
    let status = |i: usize| {
        let (who, reg, app) = (p[i].clone(), regs[i], &app);
        async move {
            json_of(
                call(
                    app,
                    Some(&who),
                    "GET",
                    &format!("/api/v1/registrations/{reg}"),
                    None,
                )
                .await,
            )
            .await
        }
    };
    let bumped = status(2).await;
    assert_eq!(bumped["status"], "waitlisted");
    assert_eq!(bumped["position"], 1, "at the head of the line");
    assert_eq!(status(3).await["position"], 2);
    let (subject, _, ics) = nth_mail(&app, "jauge2@amiens.example", 2).await;
    assert!(
        subject.starts_with("Retour en liste d’attente"),
        "{subject}"
    );
    assert_eq!(
        parse_ics(&ics.expect("the calendar entry withdrawn"))["METHOD"],
        "CANCEL"
    );

    // Cancelled: the person is told.
    let e = json_of(capacity(json!({"capacity": 1, "surplus": "cancel"})).await).await;
    assert_eq!(e["seats_taken"], 1);
    assert_eq!(status(1).await["status"], "cancelled");
    assert_eq!(status(0).await["status"], "confirmed");
    let (subject, _, _) = nth_mail(&app, "jauge1@amiens.example", 2).await;
    assert!(
        subject.starts_with("Inscription annulée par les organisateurs"),
        "{subject}"
    );

    // Growing again gives the seats to the line, the bumped person first.
    capacity(json!({"capacity": 2})).await;
    assert_eq!(status(2).await["status"], "confirmed");
    assert_eq!(status(3).await["position"], 1);
}

#[tokio::test]
async fn organizers_check_people_in_by_code_and_export_the_roster_safely() {
    let app = TestApp::spawn().await;
    let s = stage(&app).await;
    let id = published(&app, &s, event(&s, "Rencontre", &soon(2), &soon(4), 2)).await;
    let p = people(&app, 2, "porte");
    let codes: Vec<String> = register_each(&app, id, &p)
        .await
        .iter()
        .map(|r| r["code"].as_str().unwrap().to_owned())
        .collect();
    // A guest whose name would run as a formula in a spreadsheet, waiting.
    guest(
        &app,
        id,
        "=HYPERLINK(\"http://x\")",
        "formule@amiens.example",
    )
    .await;
    let token = link_token(&nth_mail(&app, "formule@amiens.example", 1).await.1);
    let waiting = json_of(by_link(&app, "confirm", &token).await).await;
    assert_eq!(waiting["status"], "waitlisted");

    let roster = |who: &str, q: &str| {
        call(
            &app,
            Some(who),
            "GET",
            &format!("/api/v1/events/{id}/registrations?q={q}"),
            None,
        )
    };
    assert_eq!(roster(&p[0], "").await.status(), 403);
    let all = json_of(roster(&s.organizer, "").await).await;
    assert_eq!(all["registrations"].as_array().unwrap().len(), 3);
    assert_eq!(all["counts"]["confirmed"], 2);
    assert_eq!(all["counts"]["waitlisted"], 1);
    let found = json_of(roster(&s.organizer, &codes[1].to_lowercase()).await).await;
    let found = found["registrations"].as_array().unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["email"], "porte1@amiens.example");
    let found = json_of(roster(&s.organizer, "personne%201").await).await;
    assert_eq!(found["registrations"].as_array().unwrap().len(), 1);

    let check_in = |who: &str, body: Value| {
        call(
            &app,
            Some(who),
            "POST",
            &format!("/api/v1/events/{id}/check-in"),
            Some(body),
        )
    };
    assert_eq!(
        check_in(&p[1], json!({"code": codes[0]})).await.status(),
        403
    );
    let res = check_in(
        &s.organizer,
        json!({"code": format!(" {} ", codes[0].to_lowercase())}),
    )
    .await;
    assert_eq!(res.status(), 200);
    assert!(json_of(res).await["checked_in_at"].is_string());
    let res = check_in(&s.organizer, json!({"code": codes[0]})).await;
    let body = problem(res, 409, "conflict").await;
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("Already checked in"),
        "{body}"
    );
    let res = check_in(&s.organizer, json!({"code": waiting["code"]})).await;
    assert_eq!(res.status(), 409, "no seat");
    assert_eq!(
        check_in(&s.organizer, json!({"code": "ZZZZ2222"}))
            .await
            .status(),
        404
    );
    assert_eq!(
        check_in(&s.organizer, json!({"code": ""})).await.status(),
        422
    );
    let counts = json_of(roster(&s.organizer, "").await).await["counts"].clone();
    assert_eq!(counts["checked_in"], 1);
    let res = check_in(&s.organizer, json!({"code": codes[0], "undo": true})).await;
    assert_eq!(res.status(), 200);
    let counts = json_of(roster(&s.organizer, "").await).await["counts"].clone();
    assert_eq!(counts["checked_in"], 0);
    check_in(&s.organizer, json!({"code": codes[1]})).await;

    // The CSV: only for organizers, every registration, formulas neutralised.
    let res = call(
        &app,
        Some(&p[0]),
        "GET",
        &format!("/api/v1/events/{id}/registrations.csv"),
        None,
    )
    .await;
    assert_eq!(res.status(), 403);
    let res = call(
        &app,
        Some(&s.organizer),
        "GET",
        &format!("/api/v1/events/{id}/registrations.csv"),
        None,
    )
    .await;
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = res.text().await.unwrap();
    let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines.len(), 4, "a header and 3 registrations: {csv}");
    assert!(lines[0].starts_with("\"code\",\"nom\",\"email\""));
    let formula = lines
        .iter()
        .find(|l| l.contains("formule@amiens.example"))
        .unwrap();
    assert!(
        formula.contains("\"'=HYPERLINK(\"\"http://x\"\")\""),
        "neutralised and quoted: {formula}"
    );
    assert!(
        !lines
            .iter()
            .any(|l| l.split(',').any(|c| c.starts_with('='))),
        "no cell starts with ="
    );
    let present = lines.iter().find(|l| l.contains(&codes[1])).unwrap();
    assert!(
        present.ends_with('"') && !present.ends_with(",\"\""),
        "checked-in time: {present}"
    );
}

/// Every message of the outbox is well formed (a sanity check of the new emails' templates).
#[tokio::test]
async fn new_emails_are_sent_in_english_to_english_speaking_guests() {
    let app = TestApp::spawn().await;
    let s = stage(&app).await;
    let id = published(&app, &s, event(&s, "Demo day", &soon(48), &soon(50), 5)).await;
    let res = app
        .client
        .post(app.url(&format!("/api/v1/events/{id}/guest-registrations")))
        .header("accept-language", "en-GB,en;q=0.9")
        .json(&json!({"name": "Sam", "email": "sam@amiens.example"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 202);
    let (subject, text, _) = nth_mail(&app, "sam@amiens.example", 1).await;
    assert!(
        subject.starts_with("Confirm your registration"),
        "{subject}"
    );
    assert!(text.contains("Confirm my registration"), "{text}");
    let token = link_token(&text);
    by_link(&app, "confirm", &token).await;
    let (subject, _, _) = nth_mail(&app, "sam@amiens.example", 2).await;
    assert!(subject.starts_with("Registration confirmed"), "{subject}");
    assert_eq!(mails_to(&app, "sam@amiens.example").len(), 2);
}

#[tokio::test]
async fn edges_found_in_review_hold() {
    let app = TestApp::spawn().await;
    let s = stage(&app).await;

    // An offer never runs past the event's start.
    let mut body = event(&s, "Atelier imminent", &soon(1), &soon(3), 1);
    body["offer_hours"] = json!(24);
    let id = published(&app, &s, body).await;
    let p = people(&app, 2, "imminent");
    let regs = ids(&register_each(&app, id, &p).await);
    call(
        &app,
        Some(&p[0]),
        "DELETE",
        &format!("/api/v1/registrations/{}", regs[0]),
        None,
    )
    .await;
    let r = json_of(
        call(
            &app,
            Some(&p[1]),
            "GET",
            &format!("/api/v1/registrations/{}", regs[1]),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(r["status"], "offered");
    let until =
        chrono::DateTime::parse_from_rfc3339(r["offer_expires_at"].as_str().unwrap()).unwrap();
    let e = get_event(&app, id).await;
    let starts = chrono::DateTime::parse_from_rfc3339(e["starts_at"].as_str().unwrap()).unwrap();
    assert_eq!(until, starts, "held until the start, not for 24 hours");

    // A cancelled event holds no seat any more.
    call(
        &app,
        Some(&s.organizer),
        "POST",
        &format!("/api/v1/events/{id}/cancel"),
        None,
    )
    .await;
    let e = get_event(&app, id).await;
    assert_eq!(
        (e["seats_taken"].clone(), e["status"].clone()),
        (json!(0), json!("cancelled"))
    );

    // Years out of any calendar are field errors, not server errors.
    let res = call(
        &app,
        Some(&s.organizer),
        "POST",
        "/api/v1/events",
        Some(event(
            &s,
            "Très loin",
            "-5000-01-01T10:00",
            "-5000-01-01T12:00",
            5,
        )),
    )
    .await;
    assert!(problem(res, 422, "validation_failed").await["errors"]["starts_at"].is_array());

    // A guest request made with my address is mine once I register signed in.
    let open = published(&app, &s, event(&s, "Rencontre", &soon(48), &soon(50), 5)).await;
    let lea =
        crate::common::accounts::verified_user(&app, "lea@startup.fr", "Léa", "startup_founder")
            .await;
    guest(&app, open, "Quelqu’un", "lea@startup.fr").await;
    let res = call(
        &app,
        Some(&crate::common::accounts::bearer(&lea)),
        "POST",
        &format!("/api/v1/events/{open}/registrations"),
        None,
    )
    .await;
    assert_eq!(res.status(), 201);
    let mine = json_of(res).await;
    assert_eq!(mine["status"], "confirmed");
    assert_eq!(
        registrations_count(&app) - 2,
        1,
        "one registration, taken over"
    );
    let res = call(
        &app,
        Some(&crate::common::accounts::bearer(&lea)),
        "POST",
        &format!("/api/v1/events/{open}/registrations"),
        None,
    )
    .await;
    assert_eq!(res.status(), 409, "twice");

    // A suspended organization's members no longer organize its events.
    let roster = || {
        call(
            &app,
            Some(&s.organizer),
            "GET",
            &format!("/api/v1/events/{open}/registrations"),
            None,
        )
    };
    assert_eq!(roster().await.status(), 200);
    let res = call(
        &app,
        Some(&s.boss),
        "PATCH",
        &format!("/api/v1/admin/organizations/{}", s.partner),
        Some(json!({"suspended": true})),
    )
    .await;
    assert_eq!(res.status(), 200);
    assert_eq!(roster().await.status(), 403);
}
