//! The organizers' back office: editing an event (the rules, nothing written when refused, the
//! "event changed" emails with the updated calendar entry, the reminder that follows a moved
//! start), messages to the people registered, the organizer pages, and the public calendar by
//! month with its theme filter.

use chrono::Utc;
use diesel::prelude::*;
use serde_json::{Value, json};

use crate::common::accounts::{PASSWORD, verified_user};
use crate::common::visitor::{Visitor, text};
use crate::common::{TestApp, problem, wait_until};
use crate::events::{Stage, call, event, mails_to, nth_mail, parse_ics, people, published, stage};

/// The event as its organizers see it through the API.
async fn snapshot(app: &TestApp, s: &Stage, id: i64) -> Value {
    let res = call(
        app,
        Some(&s.organizer),
        "GET",
        &format!("/api/v1/events/{id}"),
        None,
    )
    .await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

async fn edit(app: &TestApp, who: &str, id: i64, body: Value) -> reqwest::Response {
    call(
        app,
        Some(who),
        "PUT",
        &format!("/api/v1/events/{id}"),
        Some(body),
    )
    .await
}

async fn register(app: &TestApp, who: &str, id: i64) -> Value {
    let res = call(
        app,
        Some(who),
        "POST",
        &format!("/api/v1/events/{id}/registrations"),
        None,
    )
    .await;
    assert_eq!(res.status(), 201);
    res.json().await.unwrap()
}

/// Waits until every email queued so far has been written.
async fn emails_sent(app: &TestApp) {
    use quai::db::schema::jobs;
    wait_until(10, "emails sent", || async {
        jobs::table
            .filter(jobs::kind.eq("send_email"))
            .count()
            .get_result::<i64>(&mut app.connect())
            .unwrap()
            == 0
    })
    .await;
}

/// A French email's text with its non-breaking spaces as spaces.
fn plain(text: &str) -> String {
    text.replace('\u{a0}', " ")
}

#[tokio::test]
async fn an_edit_is_refused_whole_for_outsiders_bad_fields_a_busy_room_or_a_cancelled_event() {
    let app = TestApp::spawn().await;
    let s = stage(&app).await;
    let id = published(
        &app,
        &s,
        event(
            &s,
            "Atelier réseaux de chaleur",
            "2027-06-12T14:00",
            "2027-06-12T16:00",
            1,
        ),
    )
    .await;
    let other = published(
        &app,
        &s,
        event(
            &s,
            "Matinée hydrogène",
            "2027-06-13T09:00",
            "2027-06-13T12:00",
            10,
        ),
    )
    .await;
    let p = people(&app, 2, "regle");
    register(&app, &p[0], id).await;
    register(&app, &p[1], id).await;
    let before = snapshot(&app, &s, id).await;
    let change = |title: &str| {
        let mut body = event(&s, title, "2027-06-12T15:00", "2027-06-12T17:00", 1);
        body["summary"] = json!("Nouveau résumé");
        body
    };

    // Not an organizer (a registered person), no such event.
    let res = edit(&app, &p[0], id, change("Pris en otage")).await;
    problem(res, 403, "forbidden").await;
    let res = edit(&app, &s.organizer, 999_999, change("Fantôme")).await;
    problem(res, 404, "not_found").await;

    // Bad fields, each named; and the organization does not change.
    let mut bad = change(" ");
    bad["ends_at"] = json!("2027-06-12T10:00");
    bad["online_url"] = json!("ftp://exemple.fr");
    bad["offer_hours"] = json!(500);
    let body = problem(
        edit(&app, &s.organizer, id, bad).await,
        422,
        "validation_failed",
    )
    .await;
    for field in ["title", "ends_at", "online_url", "offer_hours"] {
        assert!(body["errors"][field].is_array(), "{field}: {body}");
    }
    let mut moved_org = change("Autre organisation");
    moved_org["organization_id"] = json!(s.partner + 1000);
    let body = problem(
        edit(&app, &s.organizer, id, moved_org).await,
        422,
        "validation_failed",
    )
    .await;
    assert!(body["errors"]["organization_id"].is_array(), "{body}");
    let mut unknown = change("Thème inconnu");
    unknown["themes"] = json!(["astrologie"]);
    let body = problem(
        edit(&app, &s.organizer, id, unknown).await,
        422,
        "validation_failed",
    )
    .await;
    assert!(body["errors"]["themes"].is_array(), "{body}");

    // The capacity follows the capacity rule: never below the seats taken, at most the room.
    let mut lower = change("Moins de places");
    lower["capacity"] = json!(0);
    let body = problem(
        edit(&app, &s.organizer, id, lower).await,
        422,
        "validation_failed",
    )
    .await;
    assert!(
        body["errors"]["capacity"][0]
            .as_str()
            .unwrap()
            .contains("1 seats are taken"),
        "{body}"
    );
    let mut larger = change("Plus que la salle");
    larger["capacity"] = json!(41);
    let body = problem(
        edit(&app, &s.organizer, id, larger).await,
        422,
        "validation_failed",
    )
    .await;
    assert!(body["errors"]["capacity"].is_array(), "{body}");

    // The room is taken at the new time by the other event.
    let mut busy = change("Même salle");
    busy["starts_at"] = json!("2027-06-13T10:00");
    busy["ends_at"] = json!("2027-06-13T11:00");
    let body = problem(edit(&app, &s.organizer, id, busy).await, 409, "conflict").await;
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("Matinée hydrogène"),
        "{body}"
    );

    // Nothing of all that was written, nobody was told.
    let after = snapshot(&app, &s, id).await;
    for field in [
        "title",
        "summary",
        "starts_at",
        "ends_at",
        "capacity",
        "online_url",
        "themes",
        "organization_id",
    ] {
        assert_eq!(before[field], after[field], "{field}");
    }
    emails_sent(&app).await;
    assert_eq!(mails_to(&app, "regle0@amiens.example").len(), 1);

    // A good edit: a larger capacity gives the new seat to the person waiting.
    let mut good = change("Atelier réseaux de chaleur urbains");
    good["capacity"] = json!(2);
    let res = edit(&app, &s.organizer, id, good).await;
    assert_eq!(res.status(), 200);
    let edited: Value = res.json().await.unwrap();
    assert_eq!(
        (
            edited["title"].as_str(),
            edited["capacity"].as_i64(),
            edited["seats_taken"].as_i64()
        ),
        (Some("Atelier réseaux de chaleur urbains"), Some(2), Some(2))
    );
    assert_eq!(
        edited["starts_at"], "2027-06-12T13:00:00Z",
        "15:00 in Paris"
    );
    let (subject, _, _) = nth_mail(&app, "regle1@amiens.example", 2).await;
    assert!(subject.starts_with("Une place s’est libérée"), "{subject}");

    // An admin may edit any event; a cancelled one nobody.
    let res = edit(
        &app,
        &s.boss,
        other,
        event(
            &s,
            "Matinée hydrogène vert",
            "2027-06-13T09:00",
            "2027-06-13T12:00",
            10,
        ),
    )
    .await;
    assert_eq!(res.status(), 200);
    let res = call(
        &app,
        Some(&s.organizer),
        "POST",
        &format!("/api/v1/events/{other}/cancel"),
        None,
    )
    .await;
    assert_eq!(res.status(), 200);
    let res = edit(
        &app,
        &s.organizer,
        other,
        event(&s, "Ressuscité", "2027-06-13T09:00", "2027-06-13T12:00", 10),
    )
    .await;
    problem(res, 409, "conflict").await;
    assert_eq!(
        snapshot(&app, &s, other).await["title"],
        "Matinée hydrogène vert"
    );
}

#[tokio::test]
async fn a_moved_event_tells_everyone_registered_what_changed_with_an_updated_calendar_entry() {
    use quai::db::schema::users;
    let app = TestApp::spawn().await;
    let s = stage(&app).await;
    let body = event(
        &s,
        "Récupérer la chaleur des eaux usées",
        "2027-06-12T14:00",
        "2027-06-12T16:30",
        1,
    );
    let id = published(&app, &s, body.clone()).await;
    let p = people(&app, 3, "change");
    // The second person reads English.
    diesel::update(users::table.filter(users::email.eq("change1@amiens.example")))
        .set(users::lang.eq("en"))
        .execute(&mut app.connect())
        .unwrap();
    register(&app, &p[0], id).await;
    register(&app, &p[1], id).await;
    let gone = register(&app, &p[2], id).await;
    let res = call(
        &app,
        Some(&p[2]),
        "DELETE",
        &format!("/api/v1/registrations/{}", gone["id"]),
        None,
    )
    .await;
    assert_eq!(res.status(), 200);
    let (_, _, first_invite) = nth_mail(&app, "change0@amiens.example", 1).await;
    let first_invite = parse_ics(&first_invite.expect("an invitation"));

    // Only the title and the summary: nobody is told.
    let mut retitled = body.clone();
    retitled["title"] = json!("Chaleur des eaux usées : l’atelier");
    retitled["summary"] = json!("Deux heures pour comprendre.");
    assert_eq!(
        edit(&app, &s.organizer, id, retitled.clone())
            .await
            .status(),
        200
    );
    emails_sent(&app).await;
    assert_eq!(mails_to(&app, "change0@amiens.example").len(), 1);
    assert_eq!(mails_to(&app, "change1@amiens.example").len(), 1);

    // New times, and an online link besides the room.
    let mut moved = retitled;
    moved["starts_at"] = json!("2027-06-13T10:00");
    moved["ends_at"] = json!("2027-06-13T12:00");
    moved["online_url"] = json!("https://visio.amiens-cluster.fr/chaleur");
    assert_eq!(edit(&app, &s.organizer, id, moved).await.status(), 200);

    // The confirmed person: what changed, old → new, in Paris time, and the calendar entry
    // replaced (same UID, a sequence that does not go back).
    let (subject, text, ics) = nth_mail(&app, "change0@amiens.example", 2).await;
    assert!(subject.starts_with("Événement modifié"), "{subject}");
    let text = plain(&text);
    for line in [
        "Début : samedi 12 juin 2027, 14 h → dimanche 13 juin 2027, 10 h",
        "Fin : samedi 12 juin 2027, 16 h 30 → dimanche 13 juin 2027, 12 h",
        "Lien en ligne : aucun → https://visio.amiens-cluster.fr/chaleur",
        "Votre code d’accueil :",
        "/inscriptions?jeton=",
    ] {
        assert!(text.contains(line), "{line:?} in {text}");
    }
    assert!(!text.contains("Lieu :"), "the room did not change: {text}");
    let invite = parse_ics(&ics.expect("an updated invitation"));
    assert_eq!(invite["METHOD"], "REQUEST");
    assert_eq!(invite["UID"], first_invite["UID"]);
    assert_eq!(invite["DTSTART"], "20270613T080000Z");
    assert_eq!(invite["DTEND"], "20270613T100000Z");
    assert_eq!(invite["SUMMARY"], "Chaleur des eaux usées : l’atelier");
    assert!(
        invite["SEQUENCE"].parse::<i64>().unwrap()
            >= first_invite["SEQUENCE"].parse::<i64>().unwrap()
    );

    // The person waiting: told in English, without a calendar entry (no seat).
    let (subject, text, ics) = nth_mail(&app, "change1@amiens.example", 2).await;
    assert!(subject.starts_with("Event changed"), "{subject}");
    let text = plain(&text);
    assert!(
        text.contains("Start: Saturday 12 June 2027, 2:00 pm → Sunday 13 June 2027, 10:00 am"),
        "{text}"
    );
    assert!(ics.is_none());

    // Who cancelled is not told.
    emails_sent(&app).await;
    assert!(
        mails_to(&app, "change2@amiens.example")
            .iter()
            .all(|m| !m.0.contains("modifié")),
    );

    // Another room: the place, old → new.
    let boss = s.boss.clone();
    let res = call(
        &app,
        Some(&boss),
        "POST",
        "/api/v1/venues",
        Some(json!({"name": "Citadelle", "address": "Rue des Français", "city": "Amiens"})),
    )
    .await;
    let venue = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let res = call(
        &app,
        Some(&boss),
        "POST",
        &format!("/api/v1/venues/{venue}/rooms"),
        Some(json!({"name": "Amphi Jules Verne", "capacity": 200})),
    )
    .await;
    let room = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let mut elsewhere = snapshot(&app, &s, id).await;
    let body = json!({
        "title": elsewhere["title"], "organization_id": s.partner, "room_id": room,
        "online_url": elsewhere["online_url"], "starts_at": elsewhere["starts_at"].take(),
        "ends_at": elsewhere["ends_at"].take(), "capacity": 1, "themes": ["energie"],
    });
    assert_eq!(edit(&app, &s.organizer, id, body).await.status(), 200);
    let (_, text, _) = nth_mail(&app, "change0@amiens.example", 3).await;
    assert!(
        text.contains("Lieu : Salle Somme, Quai de l’innovation, 1 quai de la Somme, Amiens → Amphi Jules Verne, Citadelle, Rue des Français, Amiens"),
        "{text}"
    );
    assert!(!text.contains("Début :"), "{text}");
}

#[tokio::test]
async fn the_reminder_follows_a_moved_start_once_per_person_and_start() {
    use quai::db::schema::jobs;
    let app = TestApp::spawn().await;
    let s = stage(&app).await;
    let at = |hours: i64| {
        (Utc::now() + chrono::Duration::hours(hours))
            .format("%Y-%m-%dT%H:%M:%SZ")
            .to_string()
    };
    let body = |starts: i64| event(&s, "Demo day", &at(starts), &at(starts + 2), 5);
    let id = published(&app, &s, body(30)).await;
    let p = people(&app, 1, "rappel");
    register(&app, &p[0], id).await;
    let reminders = |subject: &str| -> usize {
        mails_to(&app, "rappel0@amiens.example")
            .iter()
            .filter(|m| m.0.starts_with(subject))
            .count()
    };
    let queued = || -> Vec<chrono::NaiveDateTime> {
        jobs::table
            .filter(jobs::kind.eq("event_reminder"))
            .select(jobs::run_at)
            .load(&mut app.connect())
            .unwrap()
    };
    let due_now = || {
        diesel::update(jobs::table.filter(jobs::kind.eq("event_reminder")))
            .set(jobs::run_at.eq(Utc::now().naive_utc() - chrono::Duration::seconds(1)))
            .execute(&mut app.connect())
            .unwrap()
    };
    let all_done = || async {
        wait_until(10, "reminders done", || async { queued().is_empty() }).await;
        emails_sent(&app).await;
    };

    // Moved to the day after tomorrow: a reminder for the new start, the day before.
    assert_eq!(edit(&app, &s.organizer, id, body(44)).await.status(), 200);
    let mut runs = queued();
    runs.sort();
    let hours =
        |at: chrono::NaiveDateTime| (at - Utc::now().naive_utc()).num_minutes() as f64 / 60.0;
    assert_eq!(runs.len(), 2, "the first start's job is still queued");
    assert!((hours(runs[0]) - 6.0).abs() < 0.1, "{runs:?}");
    assert!((hours(runs[1]) - 20.0).abs() < 0.1, "{runs:?}");
    // Both run early, in any order: they wait for the new start's day as one job, sending nothing.
    due_now();
    wait_until(10, "one reminder waits for its day", || async {
        let runs = queued();
        runs.len() == 1 && hours(runs[0]) > 19.0
    })
    .await;
    emails_sent(&app).await;
    assert_eq!(reminders("C’est demain"), 0);
    assert_eq!(reminders("Événement modifié"), 1);

    // Moved to tomorrow: the reminder goes out at once; the job left for the day after
    // tomorrow sends nothing more.
    assert_eq!(edit(&app, &s.organizer, id, body(20)).await.status(), 200);
    wait_until(10, "the reminder for tomorrow", || async {
        reminders("C’est demain") == 1
    })
    .await;
    due_now();
    all_done().await;
    assert_eq!(reminders("C’est demain"), 1, "reminded once");

    // Moved to tonight: reminded again, for this start, once.
    assert_eq!(edit(&app, &s.organizer, id, body(10)).await.status(), 200);
    wait_until(10, "the reminder for tonight", || async {
        reminders("C’est demain") == 2
    })
    .await;
    due_now();
    all_done().await;
    assert_eq!(reminders("C’est demain"), 2);
    assert_eq!(reminders("Événement modifié"), 3);
}

#[tokio::test]
async fn organizers_write_to_the_people_registered() {
    use quai::db::schema::audit_log;
    let app = TestApp::spawn().await;
    let s = stage(&app).await;
    let id = published(
        &app,
        &s,
        event(
            &s,
            "Visite de la chaufferie",
            "2027-06-12T14:00",
            "2027-06-12T16:00",
            1,
        ),
    )
    .await;
    let p = people(&app, 2, "message");
    register(&app, &p[0], id).await;
    register(&app, &p[1], id).await;
    let send = |who: String, id: i64, body: Value| {
        call(
            &app,
            Some(&who),
            "POST",
            &format!("/api/v1/events/{id}/broadcast"),
            Some(body),
        )
    };
    let note = json!({
        "subject": "Point de rendez-vous",
        "message": "Rendez-vous devant l’entrée B.\nPrévoyez des chaussures fermées.\n\nÀ samedi !",
        "audience": "confirmed",
    });

    problem(send(p[0].clone(), id, note.clone()).await, 403, "forbidden").await;
    problem(
        send(s.organizer.clone(), 999_999, note.clone()).await,
        404,
        "not_found",
    )
    .await;
    let body = problem(
        send(
            s.organizer.clone(),
            id,
            json!({"subject": " ", "message": "x".repeat(5_001), "audience": "tout le monde"}),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    for field in ["subject", "message", "audience"] {
        assert!(body["errors"][field].is_array(), "{field}: {body}");
    }
    let body = problem(
        send(
            s.organizer.clone(),
            id,
            json!({"subject": "Deux\nlignes", "message": "Bonjour", "audience": "all"}),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    assert!(body["errors"]["subject"].is_array(), "{body}");
    emails_sent(&app).await;
    assert_eq!(
        mails_to(&app, "message0@amiens.example").len(),
        1,
        "nothing sent"
    );

    // To the people with a seat.
    let res = send(s.organizer.clone(), id, note.clone()).await;
    assert_eq!(res.status(), 202);
    assert_eq!(res.json::<Value>().await.unwrap()["recipients"], 1);
    let (subject, text, ics) = nth_mail(&app, "message0@amiens.example", 2).await;
    let text = text.replace("\r\n", "\n");
    assert_eq!(subject, "Point de rendez-vous — Visite de la chaufferie");
    for part in [
        "Un message des organisateurs de « Visite de la chaufferie »",
        "Rendez-vous devant l’entrée B.\nPrévoyez des chaussures fermées.",
        "À samedi !",
        "/evenements/visite-de-la-chaufferie",
        "/inscriptions?jeton=",
    ] {
        assert!(text.contains(part), "{part:?} in {text}");
    }
    assert!(ics.is_none());
    emails_sent(&app).await;
    assert_eq!(
        mails_to(&app, "message1@amiens.example").len(),
        1,
        "waiting: not told"
    );

    // To everyone registered.
    let mut all = note;
    all["audience"] = json!("all");
    all["subject"] = json!("Liste d’attente");
    let res = send(s.boss.clone(), id, all).await;
    assert_eq!(res.status(), 202);
    assert_eq!(res.json::<Value>().await.unwrap()["recipients"], 2);
    let (subject, _, _) = nth_mail(&app, "message1@amiens.example", 2).await;
    assert!(subject.starts_with("Liste d’attente —"), "{subject}");
    let audits: Vec<String> = audit_log::table
        .filter(audit_log::action.eq("event_broadcast"))
        .select(audit_log::detail)
        .load(&mut app.connect())
        .unwrap();
    assert_eq!(audits.len(), 2, "one audit row per message: {audits:?}");
    assert!(audits[1].contains("\"recipients\":2"), "{audits:?}");

    // Both endpoints are described.
    let doc: Value = app.get("/api/openapi.json").await.json().await.unwrap();
    assert!(doc["paths"]["/api/v1/events/{id}"]["put"].is_object());
    assert!(doc["paths"]["/api/v1/events/{id}/broadcast"]["post"]["responses"]["202"].is_object());

    // A cancelled event has nobody left to write to.
    call(
        &app,
        Some(&s.organizer),
        "POST",
        &format!("/api/v1/events/{id}/cancel"),
        None,
    )
    .await;
    let res = send(
        s.organizer.clone(),
        id,
        json!({"subject": "Encore", "message": "Un mot", "audience": "all"}),
    )
    .await;
    problem(res, 409, "conflict").await;
}

/// The id in `/espace/evenements/{id}?…`.
fn id_in(location: &str) -> i64 {
    location
        .trim_start_matches("/espace/evenements/")
        .chars()
        .take_while(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap_or_else(|_| panic!("no event id in {location:?}"))
}

#[tokio::test]
async fn an_organizer_creates_edits_publishes_writes_and_cancels_through_the_pages() {
    let app = TestApp::spawn().await;
    let s = stage(&app).await;
    let paul = Visitor::new(&app);
    assert_eq!(
        paul.sign_in("paul@engie.example", PASSWORD).await.status,
        303
    );
    let partner = s.partner.to_string();
    let room = s.room.to_string();

    let space = paul.page("/espace").await;
    assert!(space.contains("href=\"/espace/evenements\""), "{space}");
    let list = text(&paul.page("/espace/evenements").await);
    assert!(list.contains("Vous n’organisez aucun événement"), "{list}");
    let new = "/espace/evenements/nouveau";
    let form = paul.page(new).await;
    assert!(
        form.contains("ENGIE") && form.contains("Salle Somme (40 places)"),
        "{form}"
    );
    assert!(form.contains("type=\"datetime-local\""));
    assert!(text(&form).contains("Inscriptions sur validation"));

    // A refused form comes back with its messages and what was typed.
    let refused = paul
        .submit(
            new,
            new,
            &[
                ("organization_id", &partner),
                ("title", "  "),
                ("summary", "Un résumé gardé"),
                ("room_id", &room),
                ("starts_at", "2027-06-12T14:00"),
                ("ends_at", "2027-06-12T12:00"),
                ("capacity", "100"),
                ("offer_hours", "beaucoup"),
                ("themes", "energie"),
            ],
        )
        .await;
    assert_eq!(refused.status, 422);
    let page = text(&refused.html);
    for message in [
        "Ce champ est obligatoire.",
        "La fin doit venir après le début.",
        "La salle n’a que 40 places",
        "Saisissez un nombre d’heures entre 1 et 168",
    ] {
        assert!(page.contains(message), "{message:?} in {page}");
    }
    assert!(refused.html.contains("Un résumé gardé"));
    assert!(refused.html.contains("value=\"2027-06-12T14:00\""));
    assert!(refused.html.contains("value=\"energie\" checked"));

    // Created as a draft, with the modes of registration.
    let created = paul
        .submit(
            new,
            new,
            &[
                ("organization_id", &partner),
                ("title", "Atelier chaleur fatale"),
                ("summary", "Récupérer la chaleur perdue des industries."),
                ("room_id", &room),
                ("starts_at", "2027-06-12T14:00"),
                ("ends_at", "2027-06-12T16:00"),
                ("capacity", "30"),
                ("approval", "1"),
                ("offer_hours", "24"),
                ("themes", "energie"),
            ],
        )
        .await;
    assert_eq!(created.status, 303, "{}", created.html);
    assert!(
        created.location.ends_with("?ok=cree"),
        "{}",
        created.location
    );
    let id = id_in(&created.location);
    let edit_path = format!("/espace/evenements/{id}");
    let page = paul.page(&created.location).await;
    let words = text(&page);
    assert!(
        words.contains("Brouillon enregistré") && words.contains("Brouillon"),
        "{words}"
    );
    assert!(page.contains(&format!("href=\"/espace/evenements/{id}/inscriptions\"")));
    assert!(page.contains(&format!("href=\"/espace/evenements/{id}/accueil\"")));
    assert!(page.contains("name=\"approval\" value=\"1\" checked"));
    assert!(
        page.contains("name=\"offer_hours\" type=\"number\" value=\"24\""),
        "{page}"
    );
    let api = snapshot(&app, &s, id).await;
    assert_eq!(api["status"], "draft");
    assert_eq!(api["starts_at"], "2027-06-12T12:00:00Z", "14:00 in Paris");

    // Edited: new times, no approval any more; a bad edit keeps what was typed.
    let refused = paul
        .submit(
            &edit_path,
            &edit_path,
            &[
                ("title", "Atelier chaleur fatale"),
                ("room_id", &room),
                ("starts_at", "demain"),
                ("ends_at", "2027-06-12T17:00"),
                ("online_url", "visio"),
            ],
        )
        .await;
    assert_eq!(refused.status, 422);
    let words = text(&refused.html);
    assert!(words.contains("Saisissez une date et une heure"), "{words}");
    assert!(
        words.contains("commençant par http:// ou https://"),
        "{words}"
    );
    assert!(refused.html.contains("value=\"demain\""));
    let saved = paul
        .submit(
            &edit_path,
            &edit_path,
            &[
                ("title", "Atelier chaleur fatale et réseaux"),
                ("summary", "Récupérer la chaleur perdue des industries."),
                ("room_id", &room),
                ("starts_at", "2027-06-12T15:00"),
                ("ends_at", "2027-06-12T17:00"),
                ("offer_hours", ""),
                ("themes", "energie"),
            ],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.html);
    assert_eq!(saved.location, format!("{edit_path}?ok=enregistre"));
    let api = snapshot(&app, &s, id).await;
    assert_eq!(api["title"], "Atelier chaleur fatale et réseaux");
    assert_eq!(api["starts_at"], "2027-06-12T13:00:00Z");
    assert_eq!(api["capacity"], 30, "the capacity has its own form");
    let page = paul.page(&edit_path).await;
    assert!(
        page.contains("name=\"approval\" value=\"1\">"),
        "approval cleared: {page}"
    );
    assert!(page.contains("name=\"offer_hours\" type=\"number\" value=\"\""));

    // The capacity: at most the room's.
    let cap = format!("{edit_path}/capacite");
    let refused = paul.submit(&edit_path, &cap, &[("capacity", "50")]).await;
    assert_eq!(refused.status, 422);
    assert!(text(&refused.html).contains("La salle n’a que 40 places"));
    assert!(refused.html.contains("value=\"50\""));
    let done = paul.submit(&edit_path, &cap, &[("capacity", "20")]).await;
    assert_eq!(done.location, format!("{edit_path}?ok=capacite"));
    assert_eq!(snapshot(&app, &s, id).await["capacity"], 20);

    // Published: in the calendar, and in the list with its seats.
    let done = paul
        .submit(&edit_path, &format!("{edit_path}/publier"), &[])
        .await;
    assert_eq!(done.location, format!("{edit_path}?ok=publie"));
    assert!(text(&paul.page(&done.location).await).contains("Publié"));
    let public = text(&Visitor::new(&app).page("/evenements").await);
    assert!(
        public.contains("Atelier chaleur fatale et réseaux"),
        "{public}"
    );
    let list = text(&paul.page("/espace/evenements").await);
    assert!(
        list.contains("Atelier chaleur fatale et réseaux") && list.contains("0 / 20"),
        "{list}"
    );

    // A message: refused empty, then sent to nobody yet.
    let msg = format!("{edit_path}/message");
    let refused = paul
        .submit(
            &edit_path,
            &msg,
            &[
                ("subject", ""),
                ("message", "Texte gardé"),
                ("audience", "all"),
            ],
        )
        .await;
    assert_eq!(refused.status, 422);
    assert!(refused.html.contains("Texte gardé"));
    assert!(text(&refused.html).contains("Ce champ est obligatoire."));
    let p = people(&app, 1, "page");
    register(&app, &p[0], id).await;
    let sent = paul
        .submit(
            &edit_path,
            &msg,
            &[
                ("subject", "Accès"),
                ("message", "Entrée par le quai."),
                ("audience", "confirmed"),
            ],
        )
        .await;
    assert_eq!(sent.location, format!("{edit_path}?ok=envoye&n=1"));
    assert!(text(&paul.page(&sent.location).await).contains("Message envoyé à 1 personne."));
    let (subject, _, _) = nth_mail(&app, "page0@amiens.example", 2).await;
    assert_eq!(subject, "Accès — Atelier chaleur fatale et réseaux");

    // Below the seats taken, the capacity form asks what happens to the people above it.
    let refused = paul.submit(&edit_path, &cap, &[("capacity", "0")]).await;
    assert_eq!(refused.status, 422);
    assert!(
        text(&refused.html).contains("dites ce que deviennent les personnes au-delà"),
        "{}",
        text(&refused.html)
    );
    let done = paul
        .submit(
            &edit_path,
            &cap,
            &[("capacity", "0"), ("surplus", "waitlist")],
        )
        .await;
    assert_eq!(done.location, format!("{edit_path}?ok=capacite"));
    let api = snapshot(&app, &s, id).await;
    assert_eq!(
        (api["capacity"].as_i64(), api["seats_taken"].as_i64()),
        (Some(0), Some(0))
    );

    // Someone else: no access, no button, no link.
    verified_user(&app, "lea@startup.fr", "Léa", "startup_founder").await;
    let lea = Visitor::new(&app);
    assert_eq!(lea.sign_in("lea@startup.fr", PASSWORD).await.status, 303);
    assert_eq!(lea.get(&edit_path).await.status, 403);
    assert_eq!(lea.get(new).await.status, 403);
    assert!(
        !lea.page("/espace")
            .await
            .contains("href=\"/espace/evenements\"")
    );
    let list = lea.page("/espace/evenements").await;
    assert!(!list.contains("data-testid=\"new-event\""));
    assert!(!list.contains("Atelier chaleur"));
    let csrf = crate::common::visitor::csrf(&paul.page(&edit_path).await);
    let stolen = lea
        .post_raw(
            &format!("{edit_path}/annuler"),
            &[("csrf_token", &csrf)],
            &app.address,
        )
        .await;
    assert_eq!(stolen.status, 403, "another person's token");
    let forged = paul
        .post_raw(&format!("{edit_path}/annuler"), &[], &app.address)
        .await;
    assert_eq!(forged.status, 403, "no token");
    assert_eq!(
        Visitor::new(&app).get("/espace/evenements").await.status,
        303
    );

    // Cancelled after a confirmation page; those registered are told; no more edits.
    let confirm = text(&paul.page(&format!("{edit_path}/annuler")).await);
    assert!(
        confirm.contains("La personne inscrite sera prévenue"),
        "{confirm}"
    );
    let done = paul
        .submit(
            &format!("{edit_path}/annuler"),
            &format!("{edit_path}/annuler"),
            &[],
        )
        .await;
    assert_eq!(done.location, format!("{edit_path}?ok=annule"));
    let page = paul.page(&done.location).await;
    assert!(text(&page).contains("Cet événement est annulé : il ne peut plus être modifié."));
    assert!(!page.contains("data-testid=\"save\""));
    let (subject, _, _) = nth_mail(&app, "page0@amiens.example", 4).await;
    assert!(subject.starts_with("Événement annulé"), "{subject}");
    let again = paul
        .submit(
            &edit_path,
            &edit_path,
            &[
                ("title", "Ressuscité"),
                ("starts_at", "2027-06-12T15:00"),
                ("ends_at", "2027-06-12T17:00"),
            ],
        )
        .await;
    assert_eq!(again.status, 409);
}

#[tokio::test]
async fn the_calendar_groups_upcoming_events_by_month_and_filters_by_theme() {
    let app = TestApp::spawn().await;
    let s = stage(&app).await;
    let mut sante = event(
        &s,
        "Matinée santé connectée",
        "2027-06-20T09:00",
        "2027-06-20T12:00",
        10,
    );
    sante["themes"] = json!(["sante"]);
    published(&app, &s, sante).await;
    published(
        &app,
        &s,
        event(
            &s,
            "Atelier énergie",
            "2027-06-15T09:00",
            "2027-06-15T12:00",
            10,
        ),
    )
    .await;
    published(
        &app,
        &s,
        event(
            &s,
            "Visite solaire",
            "2027-07-02T09:00",
            "2027-07-02T12:00",
            10,
        ),
    )
    .await;
    let res = call(
        &app,
        Some(&s.organizer),
        "POST",
        "/api/v1/events",
        Some(event(
            &s,
            "Brouillon secret",
            "2027-06-25T09:00",
            "2027-06-25T12:00",
            10,
        )),
    )
    .await;
    assert_eq!(res.status(), 201);

    let visitor = Visitor::new(&app);
    let page = visitor.page("/evenements").await;
    let words = text(&page);
    let position = |needle: &str| {
        words
            .find(needle)
            .unwrap_or_else(|| panic!("{needle:?} in {words}"))
    };
    assert!(position("juin 2027") < position("Atelier énergie"));
    assert!(position("Atelier énergie") < position("Matinée santé connectée"));
    assert!(position("Matinée santé connectée") < position("juillet 2027"));
    assert!(position("juillet 2027") < position("Visite solaire"));
    assert!(!words.contains("Brouillon secret"));
    assert_eq!(page.matches("data-testid=\"month\"").count(), 2);
    assert!(page.contains("href=\"/events.ics\""));

    // One theme: its events, its chip marked, its feed.
    let page = visitor.page("/evenements?theme=sante").await;
    let words = text(&page);
    assert!(words.contains("Matinée santé connectée"), "{words}");
    assert!(!words.contains("Atelier énergie") && !words.contains("Visite solaire"));
    assert!(page.contains("href=\"/evenements?theme=sante\" aria-current=\"page\""));
    assert!(page.contains("href=\"/events.ics?theme=sante\""));
    // An unknown theme is no filter at all.
    let words = text(&visitor.page("/evenements?theme=inconnu&page=abc").await);
    assert!(words.contains("Atelier énergie") && words.contains("Visite solaire"));
    // In English.
    let words = text(
        &Visitor::speaking(&app, "en-GB,en;q=0.9")
            .page("/evenements")
            .await,
    );
    assert!(
        words.contains("June 2027") && words.contains("July 2027"),
        "{words}"
    );

    // Pages of twelve, the theme kept from page to page.
    for day in 1..=11 {
        published(
            &app,
            &s,
            event(
                &s,
                &format!("Permanence énergie {day}"),
                &format!("2027-08-{day:02}T09:00"),
                &format!("2027-08-{day:02}T10:00"),
                10,
            ),
        )
        .await;
    }
    let first = visitor.page("/evenements?theme=energie").await;
    assert!(
        first.contains("href=\"/evenements?theme=energie&#38;page=2\" rel=\"next\""),
        "{first}"
    );
    assert!(!first.contains("rel=\"prev\""));
    let second = text(&visitor.page("/evenements?theme=energie&page=2").await);
    assert!(second.contains("Permanence énergie 11"), "{second}");
    assert!(!second.contains("Permanence énergie 10 "), "{second}");
    assert!(!second.contains("Atelier énergie"));
}
