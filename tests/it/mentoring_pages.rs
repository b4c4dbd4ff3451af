//! The mentoring pages through the real app, as a browser without JavaScript uses them: the
//! public directory and mentor pages, the request form and its refusals, the dashboard of
//! mentors and startups, the profile and project forms, one mentorship from acceptance to
//! feedback, and the English pages.

use diesel::prelude::*;
use serde_json::{Value, json};

use crate::common::TestApp;
use crate::common::accounts::{PASSWORD, call, verified_user};
use crate::common::visitor::{Visitor, text};
use crate::mentoring::{World, approved_org, mentor, profile, project, world};
use quai::db::schema::{mentor_profiles, mentorships};

async fn spawn() -> TestApp {
    TestApp::spawn_with(|s| s.signup_per_hour = 1000).await
}

/// The public slug of a mentor (read through the API as the mentor).
async fn slug_of(app: &TestApp, who: &Value) -> String {
    let me: Value = call(app, "GET", who, "/api/v1/mentors/me", None)
        .await
        .json()
        .await
        .unwrap();
    me["slug"].as_str().unwrap().to_owned()
}

/// Claire: a public mentor with hydrogen and heat networks; returns (tokens, id, slug).
async fn claire(app: &TestApp) -> (Value, i64, String) {
    let (who, id) = mentor(
        app,
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
    let slug = slug_of(app, &who).await;
    (who, id, slug)
}

async fn signed_in<'a>(app: &'a TestApp, email: &str) -> Visitor<'a> {
    let v = Visitor::new(app);
    let answer = v.sign_in(email, PASSWORD).await;
    assert_eq!(answer.status, 303, "{}", answer.html);
    v
}

fn mentorship_count(app: &TestApp) -> i64 {
    mentorships::table
        .count()
        .get_result(&mut app.connect())
        .unwrap()
}

#[tokio::test]
async fn the_directory_lists_public_mentors_and_hides_the_others() {
    let app = spawn().await;
    let _w = world(&app).await;
    claire(&app).await;
    let mut members = profile(&[("financement", 3)], &["fr"], &[], 1);
    members["visibility"] = json!("members");
    members["headline"] = json!("Réservé aux membres");
    mentor(&app, "marc@engie.example", "Marc Membres", members).await;
    let mut hidden = profile(&[("hydrogene", 1)], &["fr"], &[], 1);
    hidden["visibility"] = json!("hidden");
    mentor(&app, "hugo@engie.example", "Hugo Caché", hidden).await;
    let mut resting = profile(&[("financement", 2)], &["de"], &[], 1);
    resting["paused"] = json!(true);
    mentor(&app, "rita@engie.example", "Rita Repos", resting).await;

    // A visitor: public mentors only, the intro in three steps, the availability in words.
    let visitor = Visitor::new(&app);
    let html = visitor.page("/mentorat").await;
    let words = text(&html);
    assert!(words.contains("Comment ça marche"), "{words}");
    assert!(words.contains("Claire Dubois") && words.contains("Rita Repos"));
    assert!(!words.contains("Marc Membres") && !words.contains("Hugo Caché"));
    assert!(
        words.contains("2 places") && words.contains("En pause"),
        "{words}"
    );
    assert!(words.contains("Hydrogène · Expert·e"), "{words}");
    assert!(words.contains("2 mentors"));
    assert!(!html.contains("data-testid=\"my-mentoring\""));
    assert!(!html.contains("style="), "no inline styles");
    assert!(
        html.contains("aria-current=\"page\""),
        "the nav shows where we are"
    );

    // Filters: a theme, a language, then nothing matches.
    let words = text(&visitor.page("/mentorat?theme=financement").await);
    assert!(words.contains("Rita Repos") && !words.contains("Claire Dubois"));
    let words = text(&visitor.page("/mentorat?langue=en").await);
    assert!(words.contains("Claire Dubois") && !words.contains("Rita Repos"));
    let html = visitor.page("/mentorat?theme=financement&langue=en").await;
    assert!(html.contains("data-testid=\"no-mentors\""), "{html}");

    // Signed in: members-only mentors too, never hidden ones; the way to one's space.
    let lea = signed_in(&app, "lea@chaleur-picarde.fr").await;
    let html = lea.page("/mentorat").await;
    let words = text(&html);
    assert!(words.contains("Marc Membres") && !words.contains("Hugo Caché"));
    assert!(html.contains("data-testid=\"my-mentoring\""));
    assert!(html.contains("href=\"/espace/mentorat\""));
}

#[tokio::test]
async fn a_mentor_page_renders_its_profile_in_french() {
    let app = spawn().await;
    world(&app).await;
    let (_, _, slug) = claire(&app).await;
    let visitor = Visitor::new(&app);
    let html = visitor.page(&format!("/mentorat/mentors/{slug}")).await;
    let words = text(&html);
    assert!(
        html.contains("<strong>réseaux de chaleur</strong>"),
        "bio in Markdown"
    );
    assert!(words.contains("jeudi, 14 h 00 – 16 h 30"), "{words}");
    assert!(words.contains("Un jeudi sur deux, en visio"));
    assert!(words.contains("français, anglais") && words.contains("Tous les stades"));
    assert!(words.contains("2 sur 2"), "places left: {words}");
    assert!(
        html.contains("data-testid=\"ask-sign-in\""),
        "a visitor signs in first"
    );
    assert!(!html.contains("style="));

    // Unknown and hidden mentors are not found, with the friendly page.
    let res = visitor.get("/mentorat/mentors/personne").await;
    assert_eq!(res.status, 404);
    assert!(res.html.contains("<html lang=\"fr\">"));
    let mut hidden = profile(&[("hydrogene", 1)], &["fr"], &[], 1);
    hidden["visibility"] = json!("hidden");
    let (hugo, _) = mentor(&app, "hugo@engie.example", "Hugo", hidden).await;
    let hugo_slug = slug_of(&app, &hugo).await;
    assert_eq!(
        visitor
            .get(&format!("/mentorat/mentors/{hugo_slug}"))
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn the_request_form_creates_a_pending_request_and_redirects() {
    let app = spawn().await;
    let w = world(&app).await;
    let (_, claire_id, slug) = claire(&app).await;
    let p = project(
        &app,
        &w.lea,
        "Chaufferie hydrogène",
        &[("hydrogene", 3)],
        "prototype",
    )
    .await;
    let lea = signed_in(&app, "lea@chaleur-picarde.fr").await;
    let page = format!("/mentorat/mentors/{slug}");
    let html = lea.page(&page).await;
    assert!(html.contains("data-testid=\"ask-form\""), "{html}");
    assert!(html.contains("Chaufferie hydrogène · Chaleur Picarde"));

    let answer = lea
        .submit(
            &page,
            &format!("{page}/demander"),
            &[
                ("project_id", &p.to_string()),
                ("message", "Votre expérience de l’hydrogène nous aiderait."),
            ],
        )
        .await;
    assert_eq!(answer.status, 303, "{}", answer.html);
    let (path, query) = answer.location.split_once('?').unwrap();
    assert!(path.starts_with("/espace/mentorat/"), "{path}");
    assert_eq!(query, "ok=demandee");
    let row: (i64, i64, String) = mentorships::table
        .select((
            mentorships::project_id,
            mentorships::mentor_id,
            mentorships::status,
        ))
        .first(&mut app.connect())
        .unwrap();
    assert_eq!(row, (p, claire_id, "pending".to_owned()));

    let words = text(&lea.page(&answer.location).await);
    assert!(words.contains("Demande envoyée"), "{words}");
    assert!(words.contains("En attente de réponse"));
    assert!(words.contains("Votre expérience de l’hydrogène nous aiderait."));
    assert!(words.contains("Retirer la demande"));
}

#[tokio::test]
async fn a_refused_request_shows_a_friendly_message_and_writes_nothing() {
    let app = spawn().await;
    let w = world(&app).await;
    let mut resting = profile(&[("hydrogene", 3)], &["fr"], &[], 2);
    resting["paused"] = json!(true);
    let (rita, _) = mentor(&app, "rita@engie.example", "Rita Repos", resting).await;
    let slug = slug_of(&app, &rita).await;
    let p = project(&app, &w.lea, "Chaufferie", &[("hydrogene", 3)], "idea").await;
    let lea = signed_in(&app, "lea@chaleur-picarde.fr").await;
    let page = format!("/mentorat/mentors/{slug}");
    let html = lea.page(&page).await;
    assert!(html.contains("data-testid=\"ask-unavailable\""), "{html}");

    // Posted anyway (the page was open before the pause): 409, the reason in French.
    let answer = lea
        .submit(
            &page,
            &format!("{page}/demander"),
            &[("project_id", &p.to_string()), ("message", "Bonjour")],
        )
        .await;
    assert_eq!(answer.status, 409, "{}", answer.html);
    let words = text(&answer.html);
    assert!(words.contains("La demande n’a pas été envoyée"), "{words}");
    assert!(words.contains("a mis le mentorat en pause"), "{words}");
    assert!(answer.html.contains("role=\"alert\""));
    assert_eq!(mentorship_count(&app), 0);

    // A project that is not one: 422, still a page.
    let answer = lea
        .submit(
            &page,
            &format!("{page}/demander"),
            &[("project_id", "pas-un-nombre"), ("message", "Bonjour")],
        )
        .await;
    assert_eq!(answer.status, 422);
    assert!(text(&answer.html).contains("Choisissez l’un des projets de votre startup"));
    // A message too long: 422, the typed project kept.
    let long = "a".repeat(2001);
    let (_, _, claire_slug) = claire(&app).await;
    let claire_page = format!("/mentorat/mentors/{claire_slug}");
    let answer = lea
        .submit(
            &claire_page,
            &format!("{claire_page}/demander"),
            &[("project_id", &p.to_string()), ("message", &long)],
        )
        .await;
    assert_eq!(answer.status, 422, "{}", answer.html);
    assert!(text(&answer.html).contains("Ce texte est trop long"));
    assert_eq!(mentorship_count(&app), 0);

    // Without a session, the form leads to the sign-in page.
    let visitor = Visitor::new(&app);
    let answer = visitor
        .submit(
            "/connexion",
            &format!("{claire_page}/demander"),
            &[("project_id", &p.to_string())],
        )
        .await;
    assert_eq!(answer.status, 303);
    assert!(answer.location.starts_with("/connexion?suivant="));
    assert_eq!(mentorship_count(&app), 0);
}

#[tokio::test]
async fn the_dashboard_shows_both_parts_and_the_mentor_accepts_from_it() {
    let app = spawn().await;
    let w = world(&app).await;
    let (claire_tokens, _, _) = claire(&app).await;
    // Claire is also a member of another startup: both parts of her dashboard.
    let founder = verified_user(&app, "max@hydro.example", "Max", "startup_founder").await;
    let other = approved_org(&app, &w.boss, &founder, "startup", "Hydro Somme").await;
    let claire_user = call(&app, "GET", &claire_tokens, "/api/v1/me", None)
        .await
        .json::<Value>()
        .await
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    quai::orgs::model::add_member(
        &mut app.connect(),
        other,
        claire_user,
        "member",
        chrono::Utc::now().naive_utc(),
    )
    .unwrap();
    let p = project(
        &app,
        &w.lea,
        "Chaufferie hydrogène",
        &[("hydrogene", 3)],
        "prototype",
    )
    .await;

    // Signed out: the sign-in page, then back.
    let visitor = Visitor::new(&app);
    let answer = visitor.get("/espace/mentorat").await;
    assert_eq!(answer.status, 303);
    assert_eq!(answer.location, "/connexion?suivant=%2Fespace%2Fmentorat");

    // Léa's startup part: her project, the suggested mentors with their reasons, one click.
    let lea = signed_in(&app, "lea@chaleur-picarde.fr").await;
    let html = lea.page("/espace/mentorat").await;
    assert!(html.contains("data-testid=\"startup-part\""));
    assert!(!html.contains("data-testid=\"mentor-part\""));
    let words = text(&html);
    assert!(words.contains("Chaufferie hydrogène") && words.contains("Cherche un mentor"));
    assert!(words.contains("Claire Dubois"), "suggested: {words}");
    assert!(
        words.contains("Hydrogène"),
        "the reasons name the theme: {words}"
    );
    assert!(html.contains("data-testid=\"quick-request\""));
    let claire_slug = slug_of(&app, &claire_tokens).await;
    let answer = lea
        .submit(
            "/espace/mentorat",
            &format!("/mentorat/mentors/{claire_slug}/demander"),
            &[("project_id", &p.to_string())],
        )
        .await;
    assert_eq!(answer.status, 303, "{}", answer.html);
    let mentorship = answer.location.split('?').next().unwrap().to_owned();
    let words = text(&lea.page("/espace/mentorat").await);
    assert!(words.contains("Demandes envoyées") && words.contains("Retirer la demande"));

    // Claire's dashboard: her mentor part (capacity, the request to answer) and her startup's.
    let claire = signed_in(&app, "claire@engie.example").await;
    let html = claire.page("/espace/mentorat").await;
    assert!(html.contains("data-testid=\"mentor-part\""));
    assert!(html.contains("data-testid=\"startup-part\""));
    let words = text(&html);
    assert!(words.contains("0 projet(s) accompagné(s) sur 2"), "{words}");
    assert!(words.contains("Chaufferie hydrogène") && words.contains("Chaleur Picarde"));
    assert!(
        words.contains("Aucun projet pour le moment"),
        "her startup has none"
    );
    let answer = claire
        .submit("/espace/mentorat", &format!("{mentorship}/accepter"), &[])
        .await;
    assert_eq!(answer.status, 303);
    assert_eq!(answer.location, format!("{mentorship}?ok=acceptee"));
    let words = text(&claire.page("/espace/mentorat").await);
    assert!(words.contains("1 projet(s) accompagné(s) sur 2"), "{words}");
    assert!(words.contains("Mentorats en cours") && words.contains("En cours"));
    let words = text(&lea.page("/espace/mentorat").await);
    assert!(
        words.contains("Mentor trouvé") && words.contains("En cours"),
        "{words}"
    );

    // Accepting twice is refused on the page, nothing changed.
    let answer = claire
        .submit(mentorship.as_str(), &format!("{mentorship}/accepter"), &[])
        .await;
    assert_eq!(answer.status, 409);
    assert!(text(&answer.html).contains("a déjà reçu une réponse"));
}

#[tokio::test]
async fn the_profile_form_saves_and_shows_field_errors() {
    let app = spawn().await;
    world(&app).await;
    verified_user(&app, "nora@engie.example", "Nora Expert", "mentor").await;
    let nora = signed_in(&app, "nora@engie.example").await;
    let html = nora.page("/espace/mentorat/profil").await;
    assert!(html.contains("data-testid=\"profile-form\""), "{html}");
    assert!(html.contains("<legend class=\"field-label\">Expertise</legend>"));

    // No theme, a capacity out of range, a slot that ends before it starts: 422, per field.
    let answer = nora
        .submit(
            "/espace/mentorat/profil",
            "/espace/mentorat/profil",
            &[
                ("headline", "Ingénieure hydrogène"),
                ("level-hydrogene", "0"),
                ("languages", "fr"),
                ("capacity", "30"),
                ("slot_day", "4"),
                ("slot_start", "16:00"),
                ("slot_end", "14:00"),
                ("visibility", "public"),
            ],
        )
        .await;
    assert_eq!(answer.status, 422, "{}", answer.html);
    let words = text(&answer.html);
    assert!(
        words.contains("Choisissez au moins une thématique"),
        "{words}"
    );
    assert!(words.contains("Indiquez une capacité entre 0 et 20"));
    assert!(words.contains("Un créneau doit avoir un jour"));
    assert!(
        answer.html.contains("value=\"Ingénieure hydrogène\""),
        "typed values kept"
    );
    assert!(
        answer.html.contains("href=\"#capacity\""),
        "the summary links the field"
    );
    let none: i64 = mentor_profiles::table
        .count()
        .get_result(&mut app.connect())
        .unwrap();
    assert_eq!(none, 0, "nothing written");

    // A good profile: saved, then shown on its public page.
    let answer = nora
        .submit(
            "/espace/mentorat/profil",
            "/espace/mentorat/profil",
            &[
                ("headline", "Ingénieure hydrogène"),
                ("bio", "Dix ans de **piles à combustible**."),
                ("level-hydrogene", "3"),
                ("level-financement", "1"),
                ("languages", "fr"),
                ("languages", "de"),
                ("stages", "prototype"),
                ("capacity", "3"),
                ("availability", "Le mardi matin"),
                ("slot_day", "2"),
                ("slot_start", "09:00"),
                ("slot_end", "11:30"),
                ("slot_day", ""),
                ("slot_start", ""),
                ("slot_end", ""),
                ("visibility", "public"),
            ],
        )
        .await;
    assert_eq!(answer.status, 303, "{}", answer.html);
    assert_eq!(answer.location, "/espace/mentorat?ok=profil");
    let words = text(&nora.page("/espace/mentorat?ok=profil").await);
    assert!(words.contains("Profil de mentor enregistré"));
    assert!(words.contains("0 projet(s) accompagné(s) sur 3"), "{words}");
    let html = nora.page("/espace/mentorat/profil").await;
    assert!(html.contains("value=\"09:00\"") && html.contains("value=\"11:30\""));
    let public = html
        .split("data-testid=\"public-profile\"")
        .next()
        .and_then(|s| s.rsplit("href=\"").next())
        .map(|s| s.trim_end_matches("\" ").to_owned())
        .unwrap();
    let words = text(&Visitor::new(&app).page(&public).await);
    assert!(words.contains("mardi, 9 h 00 – 11 h 30"), "{words}");
    assert!(words.contains("français, allemand") && words.contains("Prototype"));

    // Someone who is not a mentor is told how to become one.
    let lea = signed_in(&app, "lea@chaleur-picarde.fr").await;
    let html = lea.page("/espace/mentorat/profil").await;
    assert!(html.contains("data-testid=\"not-mentor\""));
}

#[tokio::test]
async fn projects_are_written_from_the_portal_and_shown_to_those_who_may_see_them() {
    let app = spawn().await;
    world(&app).await;
    let lea = signed_in(&app, "lea@chaleur-picarde.fr").await;
    let form = "/espace/mentorat/projets/nouveau";
    let html = lea.page(form).await;
    assert!(html.contains("data-testid=\"project-form\""));

    let answer = lea
        .submit(
            form,
            form,
            &[("title", ""), ("stage", "idea"), ("visibility", "members")],
        )
        .await;
    assert_eq!(answer.status, 422);
    let words = text(&answer.html);
    assert!(words.contains("Ce champ est obligatoire"), "{words}");
    assert!(
        words.contains("Cochez au moins une langue") && words.contains("au moins une thématique")
    );

    let answer = lea
        .submit(
            form,
            form,
            &[
                ("title", "Réseau de chaleur fatale"),
                ("summary", "Récupérer la chaleur des **eaux usées**."),
                ("goals", "Trouver un premier client industriel"),
                ("stage", "prototype"),
                ("languages", "fr"),
                ("need-reseaux-de-chaleur", "3"),
                ("need-financement", "1"),
                ("visibility", "members"),
            ],
        )
        .await;
    assert_eq!(answer.status, 303, "{}", answer.html);
    assert_eq!(answer.location, "/espace/mentorat?ok=projet");
    let html = lea.page("/espace/mentorat?ok=projet").await;
    assert!(text(&html).contains("Réseau de chaleur fatale"));
    let page = "/mentorat/projets/reseau-de-chaleur-fatale";
    let words = text(&lea.page(page).await);
    assert!(words.contains("Réseaux de chaleur Essentiel"), "{words}");
    assert!(words.contains("Trouver un premier client industriel"));
    // A members' project: not for visitors.
    assert_eq!(Visitor::new(&app).get(page).await.status, 404);

    // Closing it from its form.
    let edit = html
        .split("/modifier\"")
        .next()
        .and_then(|s| s.rsplit("href=\"").next())
        .map(|s| format!("{s}/modifier"))
        .unwrap();
    let id = edit.split('/').nth(4).unwrap().to_owned();
    let answer = lea
        .submit(
            &edit,
            &format!("/espace/mentorat/projets/{id}/statut"),
            &[("status", "closed")],
        )
        .await;
    assert_eq!(answer.status, 303, "{}", answer.html);
    let words = text(&lea.page(&answer.location).await);
    assert!(
        words.contains("Projet clos") && words.contains("Rouvrir le projet"),
        "{words}"
    );
}

#[tokio::test]
async fn a_mentorship_goes_from_sessions_to_feedback_on_its_page() {
    let app = spawn().await;
    let w = world(&app).await;
    let (claire_tokens, claire_id, _) = claire(&app).await;
    let p = project(&app, &w.lea, "Chaufferie", &[("hydrogene", 3)], "idea").await;
    let res = crate::mentoring::ask(&app, &w.lea, p, claire_id).await;
    let id = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let page = format!("/espace/mentorat/{id}");
    let claire = signed_in(&app, "claire@engie.example").await;

    // Declining needs a reason.
    let answer = claire
        .submit(&page, &format!("{page}/decliner"), &[("reason", " ")])
        .await;
    assert_eq!(answer.status, 422);
    assert!(text(&answer.html).contains("Ce champ est obligatoire"));
    assert_eq!(
        claire
            .submit(&page, &format!("{page}/accepter"), &[])
            .await
            .status,
        303
    );

    // A session: a bad duration is refused, then logged with a private note.
    let answer = claire
        .submit(
            &page,
            &format!("{page}/seance"),
            &[("held_at", "2026-03-12T18:30"), ("minutes", "2")],
        )
        .await;
    assert_eq!(answer.status, 422);
    assert!(text(&answer.html).contains("Indiquez une durée entre 5 et 600 minutes"));
    let answer = claire
        .submit(
            &page,
            &format!("{page}/seance"),
            &[
                ("held_at", "2026-03-12T18:30"),
                ("minutes", "90"),
                ("shared_notes", "Plan de financement revu."),
                ("private_notes", "Relancer la BPI."),
            ],
        )
        .await;
    assert_eq!(answer.status, 303, "{}", answer.html);
    let words = text(&claire.page(&page).await);
    assert!(
        words.contains("jeudi 12 mars 2026, 18 h 30 · 1 h 30"),
        "{words}"
    );
    assert!(words.contains("Relancer la BPI."));
    let lea = signed_in(&app, "lea@chaleur-picarde.fr").await;
    let words = text(&lea.page(&page).await);
    assert!(words.contains("Plan de financement revu.") && !words.contains("Relancer la BPI."));

    // Léa ends it; both give feedback once.
    assert_eq!(
        lea.submit(&page, &format!("{page}/terminer"), &[])
            .await
            .status,
        303
    );
    let html = lea.page(&page).await;
    assert!(html.contains("data-testid=\"feedback-form\""));
    let answer = lea
        .submit(&page, &format!("{page}/avis"), &[("comment", "Merci")])
        .await;
    assert_eq!(answer.status, 422);
    assert!(text(&answer.html).contains("Choisissez une note de 1 à 5"));
    let answer = lea
        .submit(
            &page,
            &format!("{page}/avis"),
            &[("rating", "5"), ("comment", "Un regard précieux.")],
        )
        .await;
    assert_eq!(answer.status, 303);
    let html = lea.page(&answer.location).await;
    assert!(!html.contains("data-testid=\"feedback-form\""));
    let words = text(&html);
    assert!(
        words.contains("Merci pour votre avis") && words.contains("5 sur 5"),
        "{words}"
    );
    assert!(words.contains("Terminé"));
    drop(claire_tokens);

    // A stranger does not see it.
    verified_user(&app, "zoe@example.fr", "Zoé", "startup_founder").await;
    let zoe = signed_in(&app, "zoe@example.fr").await;
    assert_eq!(zoe.get(&page).await.status, 404);
}

#[tokio::test]
async fn the_mentoring_pages_speak_english() {
    let app = spawn().await;
    let World { lea, .. } = world(&app).await;
    let (_, _, slug) = claire(&app).await;
    project(&app, &lea, "Chaufferie", &[("hydrogene", 3)], "idea").await;
    let visitor = Visitor::speaking(&app, "en-GB,en;q=0.9");
    let html = visitor.page("/mentorat").await;
    assert!(html.contains("<html lang=\"en\">"));
    let words = text(&html);
    assert!(
        words.contains("How it works") && words.contains("Hydrogen · Expert"),
        "{words}"
    );
    let words = text(&visitor.page(&format!("/mentorat/mentors/{slug}")).await);
    assert!(words.contains("Thursday, 2:00 pm – 4:30 pm"), "{words}");
    assert!(words.contains("French, English"));

    let en = Visitor::speaking(&app, "en");
    assert_eq!(
        en.sign_in("lea@chaleur-picarde.fr", PASSWORD).await.status,
        303
    );
    let words = text(&en.page("/espace/mentorat").await);
    assert!(
        words.contains("My mentoring space") && words.contains("Suggested mentors"),
        "{words}"
    );
    assert!(words.contains("Looking for a mentor"));
}
