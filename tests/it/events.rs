//! Events: venues and rooms, the organizer's rules (dates, rooms, no double booking), and
//! registration that never overbooks, with a FIFO waiting line promoted at once — including
//! under 1,000 concurrent registrations through the real HTTP server.

use chrono::Utc;
use futures_util::future::join_all;
use mail_parser::MimeHeaders;
use serde_json::{Value, json};

use crate::common::accounts::{admin, bearer, verified_user};
use crate::common::{JWT_SECRET, TestApp, problem};

/// `n` verified people with access tokens, made directly in the database (signing up a
/// thousand people through argon2 would measure the hasher, not the registrations).
/// A time `hours` from now, in RFC 3339 (UTC).
pub(crate) fn soon(hours: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::hours(hours))
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

pub(crate) fn people(app: &TestApp, n: usize, prefix: &str) -> Vec<String> {
    let keys = quai::auth::tokens::TokenKeys::new(JWT_SECRET, "http://127.0.0.1/").unwrap();
    let mut conn = app.connect();
    let now = Utc::now().naive_utc();
    (0..n)
        .map(|i| {
            let email = format!("{prefix}{i}@amiens.example");
            let user = quai::auth::model::insert_user(
                &mut conn,
                &quai::auth::model::NewUser {
                    email: &email,
                    password_hash: "-",
                    display_name: &format!("Personne {i}"),
                    lang: "fr",
                    kind: "startup_founder",
                    is_active: true,
                    email_verified_at: Some(now),
                    created_at: now,
                    updated_at: now,
                },
            )
            .unwrap();
            let session = quai::db::dialect::insert_session(
                &mut conn,
                user.id,
                "test",
                "127.0.0.1",
                now,
                now + chrono::Duration::days(1),
            )
            .unwrap();
            format!(
                "Bearer {}",
                keys.issue(user.id, session, now.and_utc().timestamp())
                    .unwrap()
            )
        })
        .collect()
}

/// A request, built at once (the future borrows nothing).
pub(crate) fn call(
    app: &TestApp,
    auth: Option<&str>,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> impl std::future::Future<Output = reqwest::Response> + use<> {
    let mut req = app.client.request(method.parse().unwrap(), app.url(path));
    if let Some(a) = auth {
        req = req.header("authorization", a);
    }
    if let Some(b) = body {
        req = req.json(&b);
    }
    async move { req.send().await.unwrap() }
}

pub(crate) struct Stage {
    pub(crate) boss: String,
    pub(crate) organizer: String,
    pub(crate) partner: i64,
    pub(crate) room: i64,
}

/// A venue with a 40-seat room, and ENGIE as an active partner with its organizer.
pub(crate) async fn stage(app: &TestApp) -> Stage {
    let boss = bearer(&admin(app, "equipe@amiens-cluster.fr").await);
    let organizer =
        bearer(&verified_user(app, "paul@engie.example", "Paul", "partner_staff").await);
    let res = call(
        app,
        Some(&boss),
        "POST",
        "/api/v1/venues",
        Some(json!({"name": "Quai de l’innovation", "address": "1 quai de la Somme"})),
    )
    .await;
    assert_eq!(res.status(), 201);
    let venue = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let res = call(
        app,
        Some(&boss),
        "POST",
        &format!("/api/v1/venues/{venue}/rooms"),
        Some(json!({"name": "Salle Somme", "capacity": 40})),
    )
    .await;
    let room = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let res = call(
        app,
        Some(&organizer),
        "POST",
        "/api/v1/organizations",
        Some(json!({"kind": "partner", "name": "ENGIE"})),
    )
    .await;
    let partner = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    call(
        app,
        Some(&boss),
        "POST",
        &format!("/api/v1/admin/organizations/{partner}/decision"),
        Some(json!({"decision": "approve"})),
    )
    .await;
    Stage {
        boss,
        organizer,
        partner,
        room,
    }
}

pub(crate) fn event(s: &Stage, title: &str, starts: &str, ends: &str, capacity: i32) -> Value {
    json!({
        "title": title,
        "organization_id": s.partner,
        "room_id": s.room,
        "starts_at": starts,
        "ends_at": ends,
        "capacity": capacity,
        "themes": ["energie"],
    })
}

pub(crate) async fn published(app: &TestApp, s: &Stage, body: Value) -> i64 {
    let res = call(
        app,
        Some(&s.organizer),
        "POST",
        "/api/v1/events",
        Some(body),
    )
    .await;
    assert_eq!(res.status(), 201);
    let id = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let res = call(
        app,
        Some(&s.organizer),
        "POST",
        &format!("/api/v1/events/{id}/publish"),
        None,
    )
    .await;
    assert_eq!(res.status(), 200);
    id
}

#[tokio::test]
async fn organizers_schedule_events_and_bad_input_is_refused_field_by_field() {
    let app = TestApp::spawn().await;
    let s = stage(&app).await;
    let res = call(&app, Some(&s.organizer), "POST", "/api/v1/events", Some(json!({
        "title": " ", "organization_id": s.partner, "room_id": 999_999,
        "starts_at": "demain", "ends_at": "2027-03-12T18:00", "capacity": 10,
        "registration_opens_at": "2027-03-01T10:00", "registration_closes_at": "2027-02-01T10:00",
    }))).await;
    let body = problem(res, 422, "validation_failed").await;
    for field in ["title", "room_id", "starts_at", "registration_closes_at"] {
        assert!(body["errors"][field].is_array(), "{field}: {body}");
    }
    let res = call(
        &app,
        Some(&s.organizer),
        "POST",
        "/api/v1/events",
        Some(event(
            &s,
            "À l’envers",
            "2027-03-12T20:00",
            "2027-03-12T18:00",
            10,
        )),
    )
    .await;
    let body = problem(res, 422, "validation_failed").await;
    assert!(body["errors"]["ends_at"].is_array(), "{body}");
    let res = call(
        &app,
        Some(&s.organizer),
        "POST",
        "/api/v1/events",
        Some(event(
            &s,
            "Trop grand",
            "2027-03-12T18:00",
            "2027-03-12T20:00",
            41,
        )),
    )
    .await;
    let body = problem(res, 422, "validation_failed").await;
    assert!(
        body["errors"]["capacity"][0]
            .as_str()
            .unwrap()
            .contains("40"),
        "{body}"
    );

    // Paris time in, UTC out (winter: UTC+1).
    let res = call(
        &app,
        Some(&s.organizer),
        "POST",
        "/api/v1/events",
        Some(event(
            &s,
            "Atelier chaleur fatale",
            "2027-03-12T18:30",
            "2027-03-12T20:00",
            30,
        )),
    )
    .await;
    assert_eq!(res.status(), 201);
    let created: Value = res.json().await.unwrap();
    assert_eq!(created["starts_at"], "2027-03-12T17:30:00Z");
    assert_eq!(created["status"], "draft");
    assert_eq!(
        (created["capacity"].as_i64(), created["seats_left"].as_i64()),
        (Some(30), Some(30))
    );
    let id = created["id"].as_i64().unwrap();
    // The room is taken then: the refusal names the event that holds it.
    let res = call(
        &app,
        Some(&s.organizer),
        "POST",
        "/api/v1/events",
        Some(event(
            &s,
            "Chevauchement",
            "2027-03-12T19:30",
            "2027-03-12T21:00",
            10,
        )),
    )
    .await;
    let body = problem(res, 409, "conflict").await;
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("Atelier chaleur fatale"),
        "{body}"
    );
    // Back to back is fine.
    let res = call(
        &app,
        Some(&s.organizer),
        "POST",
        "/api/v1/events",
        Some(event(
            &s,
            "Juste après",
            "2027-03-12T20:00",
            "2027-03-12T21:00",
            10,
        )),
    )
    .await;
    assert_eq!(res.status(), 201);

    // Drafts are the organizers'; a startup does not organize; only organizers publish.
    assert_eq!(
        call(&app, None, "GET", &format!("/api/v1/events/{id}"), None)
            .await
            .status(),
        404
    );
    let founder = bearer(&verified_user(&app, "lea@startup.fr", "Léa", "startup_founder").await);
    let res = call(
        &app,
        Some(&founder),
        "POST",
        "/api/v1/events",
        Some(event(
            &s,
            "Pirate",
            "2027-05-01T10:00",
            "2027-05-01T11:00",
            5,
        )),
    )
    .await;
    problem(res, 403, "forbidden").await;
    problem(
        call(
            &app,
            Some(&founder),
            "POST",
            &format!("/api/v1/events/{id}/registrations"),
            None,
        )
        .await,
        404,
        "not_found",
    )
    .await;
    problem(
        call(
            &app,
            Some(&founder),
            "POST",
            &format!("/api/v1/events/{id}/publish"),
            None,
        )
        .await,
        403,
        "forbidden",
    )
    .await;
    assert_eq!(
        call(
            &app,
            Some(&s.boss),
            "POST",
            &format!("/api/v1/events/{id}/publish"),
            None
        )
        .await
        .status(),
        200
    );
    let list: Value = call(&app, None, "GET", "/api/v1/events", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["title"], "Atelier chaleur fatale");
}

#[tokio::test]
async fn a_full_event_keeps_a_fair_waiting_line() {
    let app = TestApp::spawn().await;
    let s = stage(&app).await;
    let id = published(
        &app,
        &s,
        event(
            &s,
            "Petit-déjeuner mentorat",
            "2027-04-02T08:30",
            "2027-04-02T10:00",
            2,
        ),
    )
    .await;
    let p = people(&app, 5, "file");
    let register = |who: &str| {
        call(
            &app,
            Some(who),
            "POST",
            &format!("/api/v1/events/{id}/registrations"),
            None,
        )
    };
    let mut regs = Vec::new();
    for who in &p[..4] {
        let res = register(who).await;
        assert_eq!(res.status(), 201);
        regs.push(res.json::<Value>().await.unwrap());
    }
    let statuses: Vec<(&str, Option<i64>)> = regs
        .iter()
        .map(|r| (r["status"].as_str().unwrap(), r["position"].as_i64()))
        .collect();
    assert_eq!(
        statuses,
        [
            ("confirmed", None),
            ("confirmed", None),
            ("waitlisted", Some(1)),
            ("waitlisted", Some(2))
        ]
    );
    problem(register(&p[0]).await, 409, "conflict").await;
    let ev: Value = call(&app, None, "GET", &format!("/api/v1/events/{id}"), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (ev["seats_taken"].as_i64(), ev["seats_left"].as_i64()),
        (Some(2), Some(0))
    );

    // Somebody else's registration is not yours to cancel.
    let first = regs[0]["id"].as_i64().unwrap();
    problem(
        call(
            &app,
            Some(&p[1]),
            "DELETE",
            &format!("/api/v1/registrations/{first}"),
            None,
        )
        .await,
        403,
        "forbidden",
    )
    .await;
    // A cancellation gives the seat to the first in line, the second moves up.
    let res = call(
        &app,
        Some(&p[0]),
        "DELETE",
        &format!("/api/v1/registrations/{first}"),
        None,
    )
    .await;
    assert_eq!(res.json::<Value>().await.unwrap()["status"], "cancelled");
    problem(
        call(
            &app,
            Some(&p[0]),
            "DELETE",
            &format!("/api/v1/registrations/{first}"),
            None,
        )
        .await,
        409,
        "conflict",
    )
    .await;
    let third: Value = call(
        &app,
        Some(&p[2]),
        "GET",
        &format!("/api/v1/registrations/{}", regs[2]["id"]),
        None,
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(third["status"], "confirmed");
    let fourth: Value = call(
        &app,
        Some(&p[3]),
        "GET",
        &format!("/api/v1/registrations/{}", regs[3]["id"]),
        None,
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(
        (fourth["status"].as_str(), fourth["position"].as_i64()),
        (Some("waitlisted"), Some(1))
    );

    // Capacity: never below the seats taken without saying what happens to the people above;
    // more seats go to the line at once.
    let capacity = |n: i32| {
        call(
            &app,
            Some(&s.organizer),
            "POST",
            &format!("/api/v1/events/{id}/capacity"),
            Some(json!({"capacity": n})),
        )
    };
    let body = problem(capacity(1).await, 422, "validation_failed").await;
    assert!(body["errors"]["surplus"].is_array(), "{body}");
    problem(capacity(41).await, 422, "validation_failed").await;
    let ev: Value = capacity(3).await.json().await.unwrap();
    assert_eq!(
        (ev["capacity"].as_i64(), ev["seats_taken"].as_i64()),
        (Some(3), Some(3))
    );
    let fourth: Value = call(
        &app,
        Some(&p[3]),
        "GET",
        &format!("/api/v1/registrations/{}", regs[3]["id"]),
        None,
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(fourth["status"], "confirmed");

    // A cancelled event takes no registration.
    call(
        &app,
        Some(&s.organizer),
        "POST",
        &format!("/api/v1/events/{id}/cancel"),
        None,
    )
    .await;
    problem(register(&p[4]).await, 409, "conflict").await;
    // Nor does one whose registrations are not open yet.
    let later = published(&app, &s, json!({
        "title": "Plus tard", "organization_id": s.partner, "starts_at": "2027-06-01T10:00",
        "ends_at": "2027-06-01T12:00", "capacity": 10, "registration_opens_at": "2027-05-01T10:00",
    })).await;
    let body = problem(
        call(
            &app,
            Some(&p[4]),
            "POST",
            &format!("/api/v1/events/{later}/registrations"),
            None,
        )
        .await,
        409,
        "conflict",
    )
    .await;
    assert!(
        body["detail"].as_str().unwrap().contains("not open yet"),
        "{body}"
    );
}

/// 1,000 people register at once for 50 seats: exactly 50 seats are taken, the 950 others wait
/// with the places 1 to 950 in the order they were recorded, and nobody gets a 5xx. Then 50
/// cancellations race with 500 more registrations: the capacity holds and every freed seat
/// goes to one waiting person, first in line first.
#[tokio::test]
async fn a_thousand_concurrent_registrations_never_overbook() {
    // Requests queue for a database connection longer than the default 2 s under this load.
    let app = TestApp::spawn_with(|s| s.database_timeout = 60).await;
    let s = stage(&app).await;
    let id = published(&app, &s, json!({
        "title": "Demo day des startups", "organization_id": s.partner, "starts_at": "2027-06-10T14:00",
        "ends_at": "2027-06-10T18:00", "capacity": 50,
    })).await;
    let crowd = people(&app, 1000, "foule");
    let path = format!("/api/v1/events/{id}/registrations");
    let answers = join_all(crowd.iter().map(|who| async {
        let res = call(&app, Some(who), "POST", &path, None).await;
        (res.status().as_u16(), res.json::<Value>().await.unwrap())
    }))
    .await;
    assert!(
        answers.iter().all(|(status, _)| *status == 201),
        "{:?}",
        answers.iter().find(|(s, _)| *s != 201)
    );
    let confirmed: Vec<&Value> = answers
        .iter()
        .map(|(_, r)| r)
        .filter(|r| r["status"] == "confirmed")
        .collect();
    assert_eq!(confirmed.len(), 50);
    let mut waiting: Vec<(i64, i64)> = answers
        .iter()
        .map(|(_, r)| r)
        .filter(|r| r["status"] == "waitlisted")
        .map(|r| (r["id"].as_i64().unwrap(), r["position"].as_i64().unwrap()))
        .collect();
    assert_eq!(waiting.len(), 950);
    waiting.sort_unstable();
    let positions: Vec<i64> = waiting.iter().map(|(_, p)| *p).collect();
    assert_eq!(
        positions,
        (1..=950).collect::<Vec<_>>(),
        "places follow the order of arrival"
    );
    let max_confirmed = confirmed
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .max()
        .unwrap();
    assert!(
        max_confirmed < waiting[0].0,
        "nobody recorded later got a seat"
    );

    // 50 cancellations race with 500 newcomers.
    let newcomers = people(&app, 500, "retard");
    let confirmed_ids: Vec<(usize, i64)> = answers
        .iter()
        .enumerate()
        .filter(|(_, (_, r))| r["status"] == "confirmed")
        .map(|(i, (_, r))| (i, r["id"].as_i64().unwrap()))
        .collect();
    let cancel = confirmed_ids.iter().map(|(i, reg)| {
        let who = crowd[*i].clone();
        let app = &app;
        async move {
            call(
                app,
                Some(&who),
                "DELETE",
                &format!("/api/v1/registrations/{reg}"),
                None,
            )
            .await
            .status()
            .as_u16()
        }
    });
    let register = newcomers.iter().map(|who| {
        let path = path.clone();
        let app = &app;
        async move {
            call(app, Some(who), "POST", &path, None)
                .await
                .status()
                .as_u16()
        }
    });
    let (cancelled, registered) = tokio::join!(join_all(cancel), join_all(register));
    assert!(cancelled.iter().all(|s| *s == 200), "{cancelled:?}");
    assert!(registered.iter().all(|s| *s == 201), "{registered:?}");

    let ev: Value = call(&app, None, "GET", &format!("/api/v1/events/{id}"), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (ev["seats_taken"].as_i64(), ev["capacity"].as_i64()),
        (Some(50), Some(50))
    );
    // The 50 freed seats went to the first 50 in line, in order; the next one waits first.
    for (i, (reg, _)) in waiting.iter().enumerate().take(52) {
        let who = &crowd[answers
            .iter()
            .position(|(_, r)| r["id"].as_i64() == Some(*reg))
            .unwrap()];
        let r: Value = call(
            &app,
            Some(who),
            "GET",
            &format!("/api/v1/registrations/{reg}"),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
        if i < 50 {
            assert_eq!(r["status"], "confirmed", "place {}", i + 1);
        } else {
            assert_eq!(
                (r["status"].as_str(), r["position"].as_i64()),
                (Some("waitlisted"), Some(i as i64 - 49))
            );
        }
    }
}

/// (subject, text, the `.ics` attachment if any).
pub(crate) type Mail = (String, String, Option<String>);

/// Every email to `to`, in queue order.
pub(crate) fn mails_to(app: &TestApp, to: &str) -> Vec<Mail> {
    let dir = app.data_dir().join("outbox");
    let mut mails: Vec<(i64, Mail)> = std::fs::read_dir(&dir)
        .map(|d| {
            d.filter_map(Result::ok)
                .map(|e| e.path())
                .collect::<Vec<_>>()
        })
        .unwrap_or_default()
        .iter()
        .filter_map(|p| {
            let raw = std::fs::read(p).ok()?;
            let msg = mail_parser::MessageParser::default().parse(&raw)?;
            if msg.to()?.first()?.address()? != to {
                return None;
            }
            let job: i64 = msg.message_id()?.split('.').nth(1)?.parse().ok()?;
            let ics = msg
                .attachments()
                .find(|a| a.attachment_name().is_some_and(|n| n.ends_with(".ics")))
                .map(|a| String::from_utf8_lossy(a.contents()).into_owned());
            Some((
                job,
                (
                    msg.subject().unwrap_or("").to_owned(),
                    msg.body_text(0).map(|t| t.into_owned()).unwrap_or_default(),
                    ics,
                ),
            ))
        })
        .collect();
    mails.sort_by_key(|(job, _)| *job);
    mails.into_iter().map(|(_, m)| m).collect()
}

pub(crate) async fn nth_mail(app: &TestApp, to: &str, n: usize) -> Mail {
    for _ in 0..400 {
        let mails = mails_to(app, to);
        if mails.len() >= n {
            return mails[n - 1].clone();
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("no email #{n} to {to}");
}

/// The properties of the one event of an iCalendar text, read by an iCalendar parser, with the
/// calendar's own properties.
pub(crate) fn parse_ics(text: &str) -> std::collections::HashMap<String, String> {
    let mut parser = ical::IcalParser::new(std::io::BufReader::new(text.as_bytes()));
    let calendar = parser
        .next()
        .expect("one calendar")
        .expect("a valid calendar");
    assert!(parser.next().is_none());
    assert_eq!(calendar.events.len(), 1);
    calendar
        .properties
        .iter()
        .chain(calendar.events[0].properties.iter())
        .map(|p| (p.name.clone(), p.value.clone().unwrap_or_default()))
        .collect()
}

#[tokio::test]
async fn emails_carry_the_calendar_and_a_link_that_cancels_without_signing_in() {
    let app = TestApp::spawn().await;
    let s = stage(&app).await;
    let id = published(
        &app,
        &s,
        event(
            &s,
            "Récupérer la chaleur des eaux usées",
            "2027-06-12T14:00",
            "2027-06-12T16:30",
            1,
        ),
    )
    .await;
    let p = people(&app, 2, "courriel");
    let (first, second) = ("courriel0@amiens.example", "courriel1@amiens.example");
    for who in &p {
        let res = call(
            &app,
            Some(who),
            "POST",
            &format!("/api/v1/events/{id}/registrations"),
            None,
        )
        .await;
        assert_eq!(res.status(), 201);
    }

    // Confirmed: the invitation, in UTC, with the place and a stable UID.
    let (subject, text, ics) = nth_mail(&app, first, 1).await;
    assert!(subject.starts_with("Inscription confirmée"), "{subject}");
    assert!(
        text.contains("samedi 12 juin 2027"),
        "Paris time in words: {text}"
    );
    let invite = parse_ics(&ics.expect("an .ics attachment"));
    assert_eq!(invite["METHOD"], "REQUEST");
    assert_eq!(
        invite["DTSTART"], "20270612T120000Z",
        "14:00 in Paris is 12:00 UTC in June"
    );
    assert_eq!(invite["DTEND"], "20270612T143000Z");
    assert_eq!(invite["SUMMARY"], "Récupérer la chaleur des eaux usées");
    assert!(invite["LOCATION"].contains("Salle Somme"), "{invite:?}");
    assert!(invite["ORGANIZER"].starts_with("mailto:"), "{invite:?}");
    assert!(invite["DESCRIPTION"].contains("/evenements/recuperer-la-chaleur-des-eaux-usees"));
    let uid = invite["UID"].clone();
    assert!(uid.starts_with(&format!("quai-event-{id}@")), "{uid}");

    // Waitlisted: the place in line, no calendar entry.
    let (subject, text, ics) = nth_mail(&app, second, 1).await;
    assert!(subject.starts_with("Liste d’attente"), "{subject}");
    assert!(text.contains("file d’attente : 1"), "{text}");
    assert!(ics.is_none());

    // The link of the email cancels without signing in (a button, never on GET).
    let (_, text, _) = nth_mail(&app, first, 1).await;
    let token = crate::common::accounts::token_in(&text);
    let visitor = crate::common::visitor::Visitor::new(&app);
    let link = format!("/inscriptions?jeton={token}");
    let page = visitor.page(&link).await;
    assert!(
        page.contains("Inscription confirmée"),
        "GET changes nothing"
    );
    let done = visitor
        .submit(&link, "/inscriptions/annuler", &[("jeton", &token)])
        .await;
    assert_eq!(done.status, 200);
    assert!(done.html.contains("Inscription annulée"), "{}", done.html);
    assert_eq!(visitor.get("/inscriptions?jeton=faux").await.status, 404);

    // The calendar entry is withdrawn with the same UID; the seat goes to the second person.
    let (subject, _, ics) = nth_mail(&app, first, 2).await;
    assert!(subject.starts_with("Inscription annulée"), "{subject}");
    let withdrawal = parse_ics(&ics.expect("a cancellation .ics"));
    assert_eq!(
        (withdrawal["METHOD"].as_str(), withdrawal["UID"].as_str()),
        ("CANCEL", uid.as_str())
    );
    assert_eq!(withdrawal["STATUS"], "CANCELLED");
    let (subject, _, ics) = nth_mail(&app, second, 2).await;
    assert!(subject.starts_with("Une place s’est libérée"), "{subject}");
    assert_eq!(parse_ics(&ics.expect("an invitation"))["METHOD"], "REQUEST");
    let ev: Value = call(&app, None, "GET", &format!("/api/v1/events/{id}"), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(ev["seats_taken"], 1);
}

#[tokio::test]
async fn people_register_from_the_event_page() {
    use crate::common::accounts::PASSWORD;
    use crate::common::visitor::{Visitor, text};
    let app = TestApp::spawn().await;
    let s = stage(&app).await;
    published(
        &app,
        &s,
        event(
            &s,
            "Atelier hydrogène",
            "2027-06-15T09:00",
            "2027-06-15T12:00",
            1,
        ),
    )
    .await;
    let list = text(&Visitor::new(&app).page("/evenements").await);
    assert!(
        list.contains("Atelier hydrogène") && list.contains("1 place restante"),
        "{list}"
    );
    let page = "/evenements/atelier-hydrogene";
    assert!(
        Visitor::new(&app)
            .page(page)
            .await
            .contains("Se connecter pour s’inscrire")
    );
    verified_user(&app, "lea@startup.fr", "Léa", "startup_founder").await;
    let lea = Visitor::new(&app);
    assert_eq!(lea.sign_in("lea@startup.fr", PASSWORD).await.status, 303);
    let done = lea.submit(page, &format!("{page}/inscription"), &[]).await;
    assert_eq!(done.location, format!("{page}?ok=inscrit"));
    let html = text(&lea.page(&done.location).await);
    assert!(
        html.contains("Inscription confirmée") && html.contains("Complet"),
        "{html}"
    );
    // Registering again is refused with the error page, nothing written.
    assert_eq!(
        lea.submit(page, &format!("{page}/inscription"), &[])
            .await
            .status,
        409
    );
    assert_eq!(
        Visitor::new(&app).get("/evenements/inconnu").await.status,
        404
    );
}

#[tokio::test]
async fn the_public_feed_lists_published_events_by_theme() {
    let app = TestApp::spawn().await;
    let s = stage(&app).await;
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
    let mut other = event(
        &s,
        "Matinée santé",
        "2027-06-16T09:00",
        "2027-06-16T12:00",
        10,
    );
    other["themes"] = json!(["sante"]);
    published(&app, &s, other).await;
    let res = call(
        &app,
        Some(&s.organizer),
        "POST",
        "/api/v1/events",
        Some(event(
            &s,
            "Brouillon",
            "2027-06-20T09:00",
            "2027-06-20T12:00",
            10,
        )),
    )
    .await;
    assert_eq!(res.status(), 201);

    let summaries = |text: &str| -> Vec<String> {
        let mut parser = ical::IcalParser::new(std::io::BufReader::new(text.as_bytes()));
        let calendar = parser.next().expect("a calendar").expect("valid");
        assert!(
            calendar
                .properties
                .iter()
                .any(|p| p.name == "METHOD" && p.value.as_deref() == Some("PUBLISH"))
        );
        calendar
            .events
            .iter()
            .map(|e| {
                e.properties
                    .iter()
                    .find(|p| p.name == "SUMMARY")
                    .and_then(|p| p.value.clone())
                    .unwrap_or_default()
            })
            .collect()
    };
    let res = app.get("/events.ics").await;
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/calendar")
    );
    assert_eq!(
        summaries(&res.text().await.unwrap()),
        ["Atelier énergie", "Matinée santé"]
    );
    let res = app.get("/events.ics?theme=sante").await;
    assert_eq!(summaries(&res.text().await.unwrap()), ["Matinée santé"]);
    assert_eq!(app.get("/events.ics?theme=inconnu").await.status(), 404);
}

#[tokio::test]
async fn the_day_before_confirmed_people_are_reminded_once_and_a_cancelled_event_tells_everyone() {
    use diesel::prelude::*;
    use quai::db::schema::{events as events_table, jobs};
    let app = TestApp::spawn().await;
    let s = stage(&app).await;
    let starts = (Utc::now() + chrono::Duration::hours(30))
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    let ends = (Utc::now() + chrono::Duration::hours(32))
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    let id = published(&app, &s, event(&s, "Demo day", &starts, &ends, 3)).await;
    let p = people(&app, 2, "rappel");
    let mut regs = Vec::new();
    for who in &p {
        let res = call(
            &app,
            Some(who),
            "POST",
            &format!("/api/v1/events/{id}/registrations"),
            None,
        )
        .await;
        regs.push(res.json::<Value>().await.unwrap()["id"].as_i64().unwrap());
    }
    call(
        &app,
        Some(&p[1]),
        "DELETE",
        &format!("/api/v1/registrations/{}", regs[1]),
        None,
    )
    .await;

    let reminder_runs = || -> Vec<chrono::NaiveDateTime> {
        jobs::table
            .filter(jobs::kind.eq("event_reminder"))
            .select(jobs::run_at)
            .load(&mut app.connect())
            .unwrap()
    };
    let runs = reminder_runs();
    assert_eq!(runs.len(), 1, "one reminder job");
    let hours = (runs[0] - Utc::now().naive_utc()).num_minutes() as f64 / 60.0;
    assert!(
        (hours - 6.0).abs() < 0.1,
        "24 hours before the start: in {hours} h"
    );
    let due_now = || {
        diesel::update(jobs::table.filter(jobs::kind.eq("event_reminder")))
            .set(jobs::run_at.eq(Utc::now().naive_utc() - chrono::Duration::seconds(1)))
            .execute(&mut app.connect())
            .unwrap()
    };
    // Run early, it waits for its day again and sends nothing.
    due_now();
    crate::common::wait_until(10, "the reminder waits again", || async {
        let runs = reminder_runs();
        runs.len() == 1 && runs[0] > Utc::now().naive_utc() + chrono::Duration::hours(5)
    })
    .await;
    // On its day: the confirmed person only, once.
    diesel::update(events_table::table.find(id))
        .set(events_table::starts_at.eq(Utc::now().naive_utc() + chrono::Duration::hours(20)))
        .execute(&mut app.connect())
        .unwrap();
    due_now();
    let (subject, text, _) = nth_mail(&app, "rappel0@amiens.example", 2).await;
    assert!(subject.starts_with("C’est demain"), "{subject}");
    assert!(
        text.contains("/inscriptions?jeton="),
        "a link to cancel: {text}"
    );
    quai::jobs::enqueue(
        &mut app.connect(),
        &quai::events::service::RemindAttendees { event: id },
        Default::default(),
    )
    .unwrap();
    crate::common::wait_until(10, "reminders done", || async {
        reminder_runs().is_empty()
    })
    .await;
    crate::common::wait_until(10, "emails sent", || async {
        jobs::table
            .filter(jobs::kind.eq("send_email"))
            .count()
            .get_result::<i64>(&mut app.connect())
            .unwrap()
            == 0
    })
    .await;
    assert_eq!(
        mails_to(&app, "rappel0@amiens.example").len(),
        2,
        "reminded once"
    );
    assert!(
        mails_to(&app, "rappel1@amiens.example")
            .iter()
            .all(|m| !m.0.starts_with("C’est demain")),
        "not those who cancelled"
    );

    // The event is cancelled: the person registered is told, the calendar entry withdrawn.
    let res = call(
        &app,
        Some(&s.organizer),
        "POST",
        &format!("/api/v1/events/{id}/cancel"),
        None,
    )
    .await;
    assert_eq!(res.status(), 200);
    let (subject, _, ics) = nth_mail(&app, "rappel0@amiens.example", 3).await;
    assert!(subject.starts_with("Événement annulé"), "{subject}");
    assert_eq!(parse_ics(&ics.expect("a cancellation"))["METHOD"], "CANCEL");
    let r: Value = call(
        &app,
        Some(&p[0]),
        "GET",
        &format!("/api/v1/registrations/{}", regs[0]),
        None,
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(r["status"], "cancelled");
}
