//! Event agendas: sessions with their rooms and speakers, organizers only; no room and no
//! speaker in two places at once (409 naming what holds them), checked for events too and
//! under concurrent writers; a room's bookings for organizers; the agenda on the event page.

use futures_util::FutureExt;
use futures_util::future::{LocalBoxFuture, join_all};
use serde_json::{Value, json};

use crate::common::accounts::{PASSWORD, admin, bearer, verified_user};
use crate::common::visitor::{Visitor, text};
use crate::common::{TestApp, problem};

/// A JSON API request, signed in as `who` (a login answer) or anonymous.
async fn api(
    app: &TestApp,
    who: Option<&Value>,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> reqwest::Response {
    let mut req = app.client.request(method.parse().unwrap(), app.url(path));
    if let Some(who) = who {
        req = req.header("authorization", bearer(who));
    }
    if let Some(b) = body {
        req = req.json(&b);
    }
    req.send().await.unwrap()
}

async fn json_of(res: reqwest::Response, status: u16) -> Value {
    let code = res.status().as_u16();
    let body: Value = res.json().await.unwrap();
    assert_eq!(code, status, "{body}");
    body
}

struct Stage {
    boss: Value,
    organizer: Value,
    /// A startup founder: organizes nothing.
    stranger: Value,
    partner: i64,
    somme: i64,
    atelier: i64,
}

/// A venue with two rooms, ENGIE as an active partner with its organizer, and a stranger.
async fn stage(app: &TestApp) -> Stage {
    let boss = admin(app, "equipe@amiens-cluster.fr").await;
    let organizer = verified_user(app, "paul@engie.example", "Paul", "partner_staff").await;
    let stranger = verified_user(app, "lea@startup.fr", "Léa", "startup_founder").await;
    let venue = json_of(
        api(
            app,
            Some(&boss),
            "POST",
            "/api/v1/venues",
            Some(json!({"name": "Quai de l’innovation", "address": "1 quai de la Somme"})),
        )
        .await,
        201,
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let room = async |name: &str, capacity: i32| {
        json_of(
            api(
                app,
                Some(&boss),
                "POST",
                &format!("/api/v1/venues/{venue}/rooms"),
                Some(json!({"name": name, "capacity": capacity})),
            )
            .await,
            201,
        )
        .await["id"]
            .as_i64()
            .unwrap()
    };
    let somme = room("Salle Somme", 40).await;
    let atelier = room("Atelier", 20).await;
    let partner = json_of(
        api(
            app,
            Some(&organizer),
            "POST",
            "/api/v1/organizations",
            Some(json!({"kind": "partner", "name": "ENGIE"})),
        )
        .await,
        201,
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let res = api(
        app,
        Some(&boss),
        "POST",
        &format!("/api/v1/admin/organizations/{partner}/decision"),
        Some(json!({"decision": "approve"})),
    )
    .await;
    assert_eq!(res.status(), 200);
    Stage {
        boss,
        organizer,
        stranger,
        partner,
        somme,
        atelier,
    }
}

fn event_body(s: &Stage, title: &str, room: Option<i64>, starts: &str, ends: &str) -> Value {
    json!({
        "title": title,
        "organization_id": s.partner,
        "room_id": room,
        "starts_at": starts,
        "ends_at": ends,
        "capacity": 10,
    })
}

/// A draft event (Paris times); its id.
async fn draft(
    app: &TestApp,
    s: &Stage,
    title: &str,
    room: Option<i64>,
    starts: &str,
    ends: &str,
) -> i64 {
    let res = api(
        app,
        Some(&s.organizer),
        "POST",
        "/api/v1/events",
        Some(event_body(s, title, room, starts, ends)),
    )
    .await;
    json_of(res, 201).await["id"].as_i64().unwrap()
}

async fn publish(app: &TestApp, s: &Stage, id: i64) {
    let res = api(
        app,
        Some(&s.organizer),
        "POST",
        &format!("/api/v1/events/{id}/publish"),
        None,
    )
    .await;
    assert_eq!(res.status(), 200);
}

fn session(title: &str, starts: &str, ends: &str, room: Option<i64>, speakers: &[&str]) -> Value {
    json!({
        "title": title,
        "starts_at": starts,
        "ends_at": ends,
        "room_id": room,
        "speakers": speakers,
    })
}

async fn add(app: &TestApp, who: &Value, event: i64, body: Value) -> reqwest::Response {
    api(
        app,
        Some(who),
        "POST",
        &format!("/api/v1/events/{event}/sessions"),
        Some(body),
    )
    .await
}

/// Adds a session that must be accepted; its id.
async fn added(app: &TestApp, who: &Value, event: i64, body: Value) -> i64 {
    json_of(add(app, who, event, body).await, 201).await["id"]
        .as_i64()
        .unwrap()
}

/// A 409 whose message names every one of `names`.
async fn conflict(res: reqwest::Response, names: &[&str]) {
    let body = problem(res, 409, "conflict").await;
    let detail = body["detail"].as_str().unwrap();
    for name in names {
        assert!(detail.contains(name), "{name} in {detail}");
    }
}

async fn titles(app: &TestApp, who: Option<&Value>, event: i64) -> Vec<String> {
    let list = json_of(
        api(
            app,
            who,
            "GET",
            &format!("/api/v1/events/{event}/sessions"),
            None,
        )
        .await,
        200,
    )
    .await;
    list.as_array()
        .unwrap()
        .iter()
        .map(|s| s["title"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn organizers_build_an_agenda_that_everybody_reads_once_published() {
    let app = TestApp::spawn().await;
    let s = stage(&app).await;
    let id = draft(
        &app,
        &s,
        "Journée hydrogène",
        Some(s.somme),
        "2027-03-12T09:00",
        "2027-03-12T17:00",
    )
    .await;
    let path = format!("/api/v1/events/{id}/sessions");
    let opening = session(
        "Ouverture",
        "2027-03-12T09:00",
        "2027-03-12T09:30",
        Some(s.somme),
        &["Élodie Martin", "Jean Dupont"],
    );

    // A draft's agenda is its organizers' alone: 404 to everybody else, reading or writing.
    for who in [None, Some(&s.stranger)] {
        problem(api(&app, who, "GET", &path, None).await, 404, "not_found").await;
    }
    problem(
        add(&app, &s.stranger, id, opening.clone()).await,
        404,
        "not_found",
    )
    .await;
    assert!(titles(&app, Some(&s.organizer), id).await.is_empty());

    let res = add(&app, &s.organizer, id, opening.clone()).await;
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let created = json_of(res, 201).await;
    let sid = created["id"].as_i64().unwrap();
    assert_eq!(location, format!("{path}/{sid}"));
    // Paris time in, UTC out; the speakers in their order, as typed.
    assert_eq!(created["starts_at"], "2027-03-12T08:00:00Z");
    assert_eq!(created["ends_at"], "2027-03-12T08:30:00Z");
    assert_eq!(
        (&created["room_id"], &created["room"], &created["venue"]),
        (
            &json!(s.somme),
            &json!("Salle Somme"),
            &json!("Quai de l’innovation")
        )
    );
    assert_eq!(created["speakers"], json!(["Élodie Martin", "Jean Dupont"]));

    // Published, it is everybody's to read; still only the organizers' to change.
    publish(&app, &s, id).await;
    assert_eq!(titles(&app, None, id).await, ["Ouverture"]);
    let one = json_of(
        api(&app, None, "GET", &format!("{path}/{sid}"), None).await,
        200,
    )
    .await;
    assert_eq!(one["speakers"], created["speakers"]);
    problem(
        add(&app, &s.stranger, id, opening.clone()).await,
        403,
        "forbidden",
    )
    .await;
    problem(
        api(
            &app,
            Some(&s.stranger),
            "PUT",
            &format!("{path}/{sid}"),
            Some(opening.clone()),
        )
        .await,
        403,
        "forbidden",
    )
    .await;
    problem(
        api(
            &app,
            Some(&s.stranger),
            "DELETE",
            &format!("{path}/{sid}"),
            None,
        )
        .await,
        403,
        "forbidden",
    )
    .await;
    let res = app
        .client
        .post(app.url(&path))
        .json(&opening)
        .send()
        .await
        .unwrap();
    problem(res, 401, "unauthorized").await;

    // The organizers change it: a new title, a room less, speakers in another order.
    let changed = json_of(
        api(
            &app,
            Some(&s.organizer),
            "PUT",
            &format!("{path}/{sid}"),
            Some(session(
                "Mot d’accueil",
                "2027-03-12T09:00",
                "2027-03-12T09:20",
                None,
                &["Jean Dupont", "Élodie Martin"],
            )),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(changed["room"], Value::Null);
    assert_eq!(changed["speakers"], json!(["Jean Dupont", "Élodie Martin"]));
    assert_eq!(changed["ends_at"], "2027-03-12T08:20:00Z");
    // An admin organizes every event.
    added(
        &app,
        &s.boss,
        id,
        session(
            "Conclusion",
            "2027-03-12T16:30",
            "2027-03-12T17:00",
            Some(s.somme),
            &["Claire Petit"],
        ),
    )
    .await;
    assert_eq!(
        titles(&app, None, id).await,
        ["Mot d’accueil", "Conclusion"]
    );

    // A session is reached through its own event only.
    let other = draft(
        &app,
        &s,
        "Autre journée",
        None,
        "2027-03-13T09:00",
        "2027-03-13T17:00",
    )
    .await;
    for method in ["PUT", "DELETE"] {
        let res = api(
            &app,
            Some(&s.organizer),
            method,
            &format!("/api/v1/events/{other}/sessions/{sid}"),
            Some(opening.clone()),
        )
        .await;
        problem(res, 404, "not_found").await;
    }
    problem(
        api(
            &app,
            Some(&s.organizer),
            "GET",
            "/api/v1/events/999999/sessions",
            None,
        )
        .await,
        404,
        "not_found",
    )
    .await;

    let res = api(
        &app,
        Some(&s.organizer),
        "DELETE",
        &format!("{path}/{sid}"),
        None,
    )
    .await;
    assert_eq!(res.status(), 204);
    assert_eq!(titles(&app, None, id).await, ["Conclusion"]);
    problem(
        api(
            &app,
            Some(&s.organizer),
            "DELETE",
            &format!("{path}/{sid}"),
            None,
        )
        .await,
        404,
        "not_found",
    )
    .await;
}

#[tokio::test]
async fn bad_sessions_are_refused_field_by_field_and_nothing_is_written() {
    let app = TestApp::spawn().await;
    let s = stage(&app).await;
    let id = draft(
        &app,
        &s,
        "Journée hydrogène",
        Some(s.somme),
        "2027-03-12T09:00",
        "2027-03-12T17:00",
    )
    .await;
    let refused = async |body: Value, fields: &[&str]| {
        let body = problem(
            add(&app, &s.organizer, id, body).await,
            422,
            "validation_failed",
        )
        .await;
        for field in fields {
            assert!(body["errors"][field].is_array(), "{field}: {body}");
        }
        body
    };
    refused(
        json!({"title": " ", "starts_at": "demain", "ends_at": "2027-03-12T10:00",
               "room_id": 999_999, "speakers": []}),
        &["title", "starts_at", "room_id", "speakers"],
    )
    .await;
    // Backwards, and outside the event (which says when it is, in Paris time).
    refused(
        session(
            "À l’envers",
            "2027-03-12T11:00",
            "2027-03-12T10:00",
            None,
            &["A B"],
        ),
        &["ends_at"],
    )
    .await;
    let body = refused(
        session(
            "Trop tôt",
            "2027-03-12T08:00",
            "2027-03-12T18:00",
            None,
            &["A B"],
        ),
        &["starts_at", "ends_at"],
    )
    .await;
    assert!(
        body["errors"]["starts_at"][0]
            .as_str()
            .unwrap()
            .contains("2027-03-12T09:00"),
        "{body}"
    );
    // Speakers: 1 to 10, each 1 to 120 characters, each person once however spelt.
    let eleven: Vec<String> = (0..11).map(|i| format!("Personne {i}")).collect();
    let eleven: Vec<&str> = eleven.iter().map(String::as_str).collect();
    refused(
        session(
            "Foule",
            "2027-03-12T10:00",
            "2027-03-12T11:00",
            None,
            &eleven,
        ),
        &["speakers"],
    )
    .await;
    let long = "x".repeat(121);
    refused(
        session(
            "Noms",
            "2027-03-12T10:00",
            "2027-03-12T11:00",
            None,
            &[long.as_str(), "  ", "\u{301}"],
        ),
        &["speakers[0]", "speakers[1]", "speakers[2]"],
    )
    .await;
    let body = refused(
        session(
            "Doublon",
            "2027-03-12T10:00",
            "2027-03-12T11:00",
            None,
            &["Élodie  Martin", "Jean Dupont", "elodie martin"],
        ),
        &["speakers"],
    )
    .await;
    assert!(
        body["errors"]["speakers"][0]
            .as_str()
            .unwrap()
            .contains("Élodie  Martin"),
        "{body}"
    );
    // A title of 160 characters is fine; 161 is not.
    refused(
        session(
            &"t".repeat(161),
            "2027-03-12T10:00",
            "2027-03-12T11:00",
            None,
            &["A B"],
        ),
        &["title"],
    )
    .await;
    // Unknown fields and malformed JSON are refused too, never a 500.
    let res = add(
        &app,
        &s.organizer,
        id,
        json!({"title": "x", "starts_at": "2027-03-12T10:00", "ends_at": "2027-03-12T11:00",
               "speakers": ["A"], "colour": "red"}),
    )
    .await;
    assert!(res.status().is_client_error(), "{}", res.status());
    assert!(titles(&app, Some(&s.organizer), id).await.is_empty());
    added(
        &app,
        &s.organizer,
        id,
        session(
            &"t".repeat(160),
            "2027-03-12T09:00",
            "2027-03-12T17:00",
            None,
            &["A B"],
        ),
    )
    .await;
}

#[tokio::test]
async fn rooms_and_speakers_are_never_in_two_places_at_once() {
    let app = TestApp::spawn().await;
    let s = stage(&app).await;
    let o = &s.organizer;
    let forum = draft(
        &app,
        &s,
        "Forum énergie",
        Some(s.somme),
        "2027-03-12T09:00",
        "2027-03-12T12:00",
    )
    .await;
    let industry = draft(
        &app,
        &s,
        "Journée industrie",
        Some(s.atelier),
        "2027-03-12T09:00",
        "2027-03-12T17:00",
    )
    .await;
    // An event without a room holds none.
    let online = draft(
        &app,
        &s,
        "Atelier numérique",
        None,
        "2027-03-12T09:00",
        "2027-03-12T16:00",
    )
    .await;

    // Room against another event: the Somme is the forum's until noon.
    conflict(
        add(
            &app,
            o,
            industry,
            session(
                "Atelier déplacé",
                "2027-03-12T10:00",
                "2027-03-12T11:00",
                Some(s.somme),
                &["Jean Dupont"],
            ),
        )
        .await,
        &["Forum énergie", &format!("event {forum}")],
    )
    .await;
    // The forum's own sessions may use it.
    let opening = added(
        &app,
        o,
        forum,
        session(
            "Ouverture du forum",
            "2027-03-12T10:00",
            "2027-03-12T11:00",
            Some(s.somme),
            &["Élodie Martin"],
        ),
    )
    .await;
    let visit = added(
        &app,
        o,
        industry,
        session(
            "Visite d’usine",
            "2027-03-12T13:00",
            "2027-03-12T14:00",
            Some(s.somme),
            &["Jean Dupont"],
        ),
    )
    .await;
    // Room against a session: of the same event, and of another event.
    conflict(
        add(
            &app,
            o,
            industry,
            session(
                "Chevauchement",
                "2027-03-12T13:30",
                "2027-03-12T14:30",
                Some(s.somme),
                &["Paul Durand"],
            ),
        )
        .await,
        &[
            "Visite d’usine",
            "Journée industrie",
            &format!("session {visit}"),
        ],
    )
    .await;
    conflict(
        add(
            &app,
            o,
            online,
            session(
                "Démonstration",
                "2027-03-12T13:45",
                "2027-03-12T14:15",
                Some(s.somme),
                &["Paul Durand"],
            ),
        )
        .await,
        &[
            "Visite d’usine",
            "Journée industrie",
            &format!("session {visit}"),
        ],
    )
    .await;
    // One speaker, another event, another room: refused, however the name is typed.
    conflict(
        add(
            &app,
            o,
            industry,
            session(
                "Table ronde",
                "2027-03-12T10:30",
                "2027-03-12T11:30",
                Some(s.atelier),
                &["Paul Durand", "ELODIE  martin"],
            ),
        )
        .await,
        &[
            "ELODIE  martin",
            "Ouverture du forum",
            "Forum énergie",
            &format!("session {opening}"),
        ],
    )
    .await;
    // Right after is fine.
    added(
        &app,
        o,
        online,
        session(
            "Questions",
            "2027-03-12T11:00",
            "2027-03-12T11:30",
            None,
            &["Elodie Martin"],
        ),
    )
    .await;

    // An event against another event's session in its room.
    conflict(
        api(
            &app,
            Some(o),
            "POST",
            "/api/v1/events",
            Some(event_body(
                &s,
                "Atelier hydrogène",
                Some(s.somme),
                "2027-03-12T13:30",
                "2027-03-12T15:00",
            )),
        )
        .await,
        &[
            "Visite d’usine",
            "Journée industrie",
            &format!("session {visit}"),
        ],
    )
    .await;
    let hydrogen = draft(
        &app,
        &s,
        "Atelier hydrogène",
        Some(s.somme),
        "2027-03-12T12:00",
        "2027-03-12T13:00",
    )
    .await;

    // Editing a session never conflicts with itself…
    let visit_path = format!("/api/v1/events/{industry}/sessions/{visit}");
    let res = api(
        &app,
        Some(o),
        "PUT",
        &visit_path,
        Some(session(
            "Visite d’usine",
            "2027-03-12T13:00",
            "2027-03-12T14:15",
            Some(s.somme),
            &["jean DUPONT"],
        )),
    )
    .await;
    assert_eq!(json_of(res, 200).await["ends_at"], "2027-03-12T13:15:00Z");
    // …but does with the others, and then changes nothing.
    for (starts, ends, holder) in [
        ("2027-03-12T11:00", "2027-03-12T12:30", "Forum énergie"),
        ("2027-03-12T12:30", "2027-03-12T13:30", "Atelier hydrogène"),
    ] {
        conflict(
            api(
                &app,
                Some(o),
                "PUT",
                &visit_path,
                Some(session(
                    "Visite d’usine",
                    starts,
                    ends,
                    Some(s.somme),
                    &["Jean Dupont"],
                )),
            )
            .await,
            &[holder],
        )
        .await;
    }
    let now = json_of(api(&app, Some(o), "GET", &visit_path, None).await, 200).await;
    assert_eq!(
        (&now["starts_at"], &now["ends_at"], &now["speakers"]),
        (
            &json!("2027-03-12T12:00:00Z"),
            &json!("2027-03-12T13:15:00Z"),
            &json!(["jean DUPONT"])
        )
    );
    assert!(hydrogen > 0);

    // A cancelled event holds nothing: neither its room nor its speakers.
    let res = api(
        &app,
        Some(o),
        "POST",
        &format!("/api/v1/events/{forum}/cancel"),
        None,
    )
    .await;
    assert_eq!(res.status(), 200);
    added(
        &app,
        o,
        industry,
        session(
            "Atelier déplacé",
            "2027-03-12T10:00",
            "2027-03-12T11:00",
            Some(s.somme),
            &["Élodie Martin"],
        ),
    )
    .await;
}

#[tokio::test]
async fn concurrent_writers_never_double_book_a_room_or_a_speaker() {
    let app = TestApp::spawn().await;
    let s = stage(&app).await;
    let mut events = Vec::new();
    for i in 0..6 {
        events.push(
            draft(
                &app,
                &s,
                &format!("Rencontre {i}"),
                None,
                "2027-04-01T09:00",
                "2027-04-01T12:00",
            )
            .await,
        );
    }
    // Everyone wants the Somme at 10:00, at the same moment.
    let answers = join_all(events.iter().enumerate().map(|(i, id)| {
        add(
            &app,
            &s.organizer,
            *id,
            session(
                &format!("Salle {i}"),
                "2027-04-01T10:00",
                "2027-04-01T11:00",
                Some(s.somme),
                &[&format!("Orateur {i}")],
            ),
        )
    }))
    .await;
    let codes: Vec<u16> = answers.iter().map(|r| r.status().as_u16()).collect();
    assert_eq!(codes.iter().filter(|c| **c == 201).count(), 1, "{codes:?}");
    assert_eq!(codes.iter().filter(|c| **c == 409).count(), 5, "{codes:?}");
    // One person asked everywhere at 11:00, at the same moment.
    let answers = join_all(events.iter().enumerate().map(|(i, id)| {
        add(
            &app,
            &s.organizer,
            *id,
            session(
                &format!("Parole {i}"),
                "2027-04-01T11:00",
                "2027-04-01T12:00",
                None,
                &[if i % 2 == 0 {
                    "Élodie Martin"
                } else {
                    "elodie martin"
                }],
            ),
        )
    }))
    .await;
    let codes: Vec<u16> = answers.iter().map(|r| r.status().as_u16()).collect();
    assert_eq!(codes.iter().filter(|c| **c == 201).count(), 1, "{codes:?}");
    assert_eq!(codes.iter().filter(|c| **c == 409).count(), 5, "{codes:?}");
    // And events racing sessions for the same room: one wins.
    let mut racers: Vec<LocalBoxFuture<'_, reqwest::Response>> = Vec::new();
    for (i, id) in events.iter().take(3).enumerate() {
        racers.push(
            add(
                &app,
                &s.organizer,
                *id,
                session(
                    "Course",
                    "2027-04-01T09:00",
                    "2027-04-01T09:30",
                    Some(s.atelier),
                    &[&format!("Coureur {i}")],
                ),
            )
            .boxed_local(),
        );
        racers.push(
            api(
                &app,
                Some(&s.organizer),
                "POST",
                "/api/v1/events",
                Some(event_body(
                    &s,
                    &format!("Course à la salle {i}"),
                    Some(s.atelier),
                    "2027-04-01T09:00",
                    "2027-04-01T10:00",
                )),
            )
            .boxed_local(),
        );
    }
    let answers = join_all(racers).await;
    let codes: Vec<u16> = answers.iter().map(|r| r.status().as_u16()).collect();
    assert_eq!(codes.iter().filter(|c| **c == 201).count(), 1, "{codes:?}");
}

#[tokio::test]
async fn organizers_see_a_rooms_bookings_week_by_week() {
    let app = TestApp::spawn().await;
    let s = stage(&app).await;
    let forum = draft(
        &app,
        &s,
        "Forum énergie",
        Some(s.somme),
        "2027-03-12T09:00",
        "2027-03-12T12:00",
    )
    .await;
    publish(&app, &s, forum).await;
    added(
        &app,
        &s.organizer,
        forum,
        session(
            "Accueil café",
            "2027-03-12T09:00",
            "2027-03-12T09:15",
            Some(s.somme),
            &["Claire Petit"],
        ),
    )
    .await;
    added(
        &app,
        &s.organizer,
        forum,
        session(
            "Ouverture du forum",
            "2027-03-12T10:00",
            "2027-03-12T11:00",
            Some(s.somme),
            &["Élodie Martin"],
        ),
    )
    .await;
    let industry = draft(
        &app,
        &s,
        "Journée industrie",
        Some(s.atelier),
        "2027-03-12T09:00",
        "2027-03-12T17:00",
    )
    .await;
    added(
        &app,
        &s.organizer,
        industry,
        session(
            "Visite d’usine",
            "2027-03-12T13:00",
            "2027-03-12T14:00",
            Some(s.somme),
            &["Jean Dupont"],
        ),
    )
    .await;
    let cancelled = draft(
        &app,
        &s,
        "Annulé",
        Some(s.somme),
        "2027-03-12T15:00",
        "2027-03-12T16:00",
    )
    .await;
    let res = api(
        &app,
        Some(&s.organizer),
        "POST",
        &format!("/api/v1/events/{cancelled}/cancel"),
        None,
    )
    .await;
    assert_eq!(res.status(), 200);
    draft(
        &app,
        &s,
        "Le lendemain",
        Some(s.somme),
        "2027-03-13T09:00",
        "2027-03-13T10:00",
    )
    .await;

    let path = format!("/api/v1/rooms/{}/bookings", s.somme);
    let day = json_of(
        api(
            &app,
            Some(&s.organizer),
            "GET",
            &format!("{path}?from=2027-03-12&days=1"),
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(day["room"]["name"], "Salle Somme");
    assert_eq!(day["room"]["venue"], "Quai de l’innovation");
    let seen: Vec<(String, String, String, String)> = day["bookings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            (
                b["kind"].as_str().unwrap().to_owned(),
                b["title"].as_str().unwrap().to_owned(),
                b["event_title"].as_str().unwrap().to_owned(),
                b["event_status"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let row = |k: &str, t: &str, e: &str, st: &str| {
        (k.to_owned(), t.to_owned(), e.to_owned(), st.to_owned())
    };
    assert_eq!(
        seen,
        [
            // An event first, then the sessions that start with it.
            row("event", "Forum énergie", "Forum énergie", "published"),
            row("session", "Accueil café", "Forum énergie", "published"),
            row(
                "session",
                "Ouverture du forum",
                "Forum énergie",
                "published"
            ),
            row("session", "Visite d’usine", "Journée industrie", "draft"),
        ]
    );
    assert_eq!(day["bookings"][0]["starts_at"], "2027-03-12T08:00:00Z");
    let two = json_of(
        api(
            &app,
            Some(&s.boss),
            "GET",
            &format!("{path}?from=2027-03-12&days=2"),
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(two["bookings"].as_array().unwrap().len(), 5);
    assert_eq!(two["bookings"][4]["title"], "Le lendemain");

    // For organizers only; bad windows are field errors.
    problem(
        api(&app, Some(&s.stranger), "GET", &path, None).await,
        403,
        "forbidden",
    )
    .await;
    problem(
        api(&app, None, "GET", &path, None).await,
        401,
        "unauthorized",
    )
    .await;
    problem(
        api(
            &app,
            Some(&s.organizer),
            "GET",
            "/api/v1/rooms/999999/bookings",
            None,
        )
        .await,
        404,
        "not_found",
    )
    .await;
    for (query, field) in [
        ("from=12/03/2027", "from"),
        ("days=0", "days"),
        ("days=32", "days"),
    ] {
        let body = problem(
            api(
                &app,
                Some(&s.organizer),
                "GET",
                &format!("{path}?{query}"),
                None,
            )
            .await,
            422,
            "validation_failed",
        )
        .await;
        assert!(body["errors"][field].is_array(), "{query}: {body}");
    }

    // The organizer's pages: the rooms, then a room's week, day by day.
    let paul = Visitor::new(&app);
    assert_eq!(
        paul.sign_in("paul@engie.example", PASSWORD).await.status,
        303
    );
    let rooms = paul.page("/espace/salles").await;
    assert!(
        rooms.contains(&format!("href=\"/espace/salles/{}\"", s.somme)),
        "{rooms}"
    );
    assert!(text(&rooms).contains("Salle Somme 40 places"));
    let week = paul
        .page(&format!("/espace/salles/{}?semaine=2027-03-12", s.somme))
        .await;
    let read = text(&week);
    assert!(read.contains("Semaine du lundi 8 mars 2027"), "{read}");
    let friday = read
        .find("vendredi 12 mars 2027")
        .expect("Friday's heading");
    let saturday = read
        .find("samedi 13 mars 2027")
        .expect("Saturday's heading");
    let at = |t: &str| read.find(t).unwrap_or_else(|| panic!("{t} in {read}"));
    let order = [
        friday,
        at("Forum énergie"),
        at("Accueil café"),
        at("Ouverture du forum"),
        at("Visite d’usine"),
        saturday,
        at("Le lendemain"),
    ];
    assert!(order.is_sorted(), "{order:?} in {read}");
    assert!(!read.contains("Annulé"));
    assert!(read.contains("9 h – 12 h") && read.contains("Programme de : Journée industrie"));
    assert!(week.contains("<h2 id=\"jour-2027-03-12\""));
    assert!(week.contains(&format!(
        "href=\"/espace/salles/{}?semaine=2027-03-01\"",
        s.somme
    )));
    assert!(week.contains(&format!(
        "href=\"/espace/salles/{}?semaine=2027-03-15\"",
        s.somme
    )));
    let next = text(
        &paul
            .page(&format!("/espace/salles/{}?semaine=2027-03-15", s.somme))
            .await,
    );
    assert!(
        next.contains("Aucune réservation cette semaine.") && !next.contains("Forum énergie"),
        "{next}"
    );
    let english = Visitor::speaking(&app, "en");
    english.sign_in("paul@engie.example", PASSWORD).await;
    let read = text(
        &english
            .page(&format!("/espace/salles/{}?semaine=2027-03-12", s.somme))
            .await,
    );
    assert!(
        read.contains("Week of Monday 8 March 2027")
            && read.contains("Agenda of: Journée industrie"),
        "{read}"
    );

    // A visitor signs in first; a startup founder is refused.
    let anonymous = Visitor::new(&app).get("/espace/salles").await;
    assert_eq!(anonymous.status, 303);
    assert!(anonymous.location.starts_with("/connexion"));
    let lea = Visitor::new(&app);
    lea.sign_in("lea@startup.fr", PASSWORD).await;
    assert_eq!(
        lea.get(&format!("/espace/salles/{}", s.somme)).await.status,
        403
    );
    assert_eq!(lea.get("/espace/salles").await.status, 403);
}

#[tokio::test]
async fn the_event_page_shows_its_agenda_in_order() {
    let app = TestApp::spawn().await;
    let s = stage(&app).await;
    let id = draft(
        &app,
        &s,
        "Journée hydrogène",
        Some(s.somme),
        "2027-06-15T09:00",
        "2027-06-15T17:00",
    )
    .await;
    publish(&app, &s, id).await;
    let page = "/evenements/journee-hydrogene";
    assert!(
        !Visitor::new(&app)
            .page(page)
            .await
            .contains("data-testid=\"agenda\"")
    );
    added(
        &app,
        &s.organizer,
        id,
        session(
            "Table ronde",
            "2027-06-15T14:00",
            "2027-06-15T15:30",
            Some(s.somme),
            &["Élodie Martin", "Jean Dupont"],
        ),
    )
    .await;
    added(
        &app,
        &s.organizer,
        id,
        session(
            "Ouverture",
            "2027-06-15T09:00",
            "2027-06-15T09:30",
            Some(s.atelier),
            &["Claire Petit"],
        ),
    )
    .await;
    let html = Visitor::new(&app).page(page).await;
    assert!(html.contains("data-testid=\"agenda\""));
    assert!(html.contains("<time datetime=\"2027-06-15T09:00:00+02:00\">"));
    let read = text(&html);
    let opening = read.find("Ouverture").expect("the first session");
    let round = read.find("Table ronde").expect("the second session");
    assert!(read.contains("Programme") && opening < round, "{read}");
    for expected in [
        "9 h – 9 h 30 Ouverture",
        "Atelier",
        "Avec Claire Petit",
        "14 h – 15 h 30 Table ronde",
        "Avec Élodie Martin, Jean Dupont",
    ] {
        assert!(read.contains(expected), "{expected} in {read}");
    }
    let read = text(&Visitor::speaking(&app, "en").page(page).await);
    assert!(
        read.contains("Agenda")
            && read.contains("2:00 pm – 3:30 pm Table ronde")
            && read.contains("With Élodie Martin, Jean Dupont"),
        "{read}"
    );
}

#[tokio::test]
async fn openapi_describes_agendas_and_bookings() {
    let app = TestApp::spawn().await;
    let doc: Value = app.get("/api/openapi.json").await.json().await.unwrap();
    let paths = &doc["paths"];
    let list = &paths["/api/v1/events/{id}/sessions"];
    assert!(
        list["get"].is_object() && list["post"].is_object(),
        "{list}"
    );
    for status in ["201", "403", "404", "409", "422"] {
        assert!(list["post"]["responses"][status].is_object(), "{status}");
    }
    let one = &paths["/api/v1/events/{id}/sessions/{sid}"];
    for method in ["get", "put", "delete"] {
        assert!(one[method].is_object(), "{method}: {one}");
    }
    let bookings = &paths["/api/v1/rooms/{id}/bookings"]["get"];
    let params: Vec<&str> = bookings["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(params, ["id", "from", "days"]);
    let schemas = &doc["components"]["schemas"];
    assert!(schemas["SessionInput"]["properties"]["speakers"].is_object());
    assert!(schemas["RoomBookingsResource"]["properties"]["bookings"].is_object());
}

#[tokio::test]
async fn the_demo_gives_a_few_events_an_agenda_once() {
    let app = TestApp::spawn().await;
    let hash = quai::auth::password::hash_now(quai::demo::DEMO_PASSWORD).unwrap();
    quai::demo::seed(&mut app.connect(), &hash).unwrap();
    quai::demo::seed(&mut app.connect(), &hash).unwrap();
    let events: Value = app
        .get("/api/v1/events?per_page=100")
        .await
        .json()
        .await
        .unwrap();
    let mut agendas = Vec::new();
    for e in events["items"].as_array().unwrap() {
        let sessions = json_of(
            app.get(&format!("/api/v1/events/{}/sessions", e["id"]))
                .await,
            200,
        )
        .await;
        let sessions = sessions.as_array().unwrap().clone();
        if sessions.is_empty() {
            continue;
        }
        for s in &sessions {
            assert!(!s["speakers"].as_array().unwrap().is_empty(), "{s}");
            assert!(s["starts_at"].as_str() >= e["starts_at"].as_str(), "{s}");
            assert!(s["ends_at"].as_str() <= e["ends_at"].as_str(), "{s}");
            assert_eq!(s["room_id"], e["room_id"], "{s}");
        }
        agendas.push((e["slug"].as_str().unwrap().to_owned(), sessions.len()));
    }
    assert_eq!(agendas.len(), 3, "{agendas:?}");
    assert!(agendas.iter().all(|(_, n)| *n == 3), "{agendas:?}");
    let (slug, _) = &agendas[0];
    let page = text(
        &Visitor::new(&app)
            .page(&format!("/evenements/{slug}"))
            .await,
    );
    assert!(
        page.contains("Programme") && page.contains("Avec "),
        "{page}"
    );
}
