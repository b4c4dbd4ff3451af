//! The back office's matching-round pages through the real app, as a browser without
//! JavaScript uses them: an admin launches a round, reads each pair's score in words and the
//! total against the greedy assignment, changes a pair, sends the round; a refused change says
//! why and writes nothing; people without the admin role are kept out. And the round page in
//! headless Chromium, at desktop and phone width.

use serde_json::Value;

use crate::common::TestApp;
use crate::common::accounts::{PASSWORD, call};
use crate::common::browser::{
    self, assert_fits, click, fill, phone_screen, scroll_to, text_of, wait_path,
};
use crate::common::visitor::{Visitor, csrf, text};
use crate::mentoring::{World, mentor, profile, project, world};

const ADMIN: &str = "equipe@amiens-cluster.fr";

/// Two ENGIE mentors and two projects of the startup: (world, claire, marc, heat project,
/// hydrogen project). Both mentors know heat networks; only Claire knows hydrogen.
async fn stage(app: &TestApp) -> (World, i64, i64, i64, i64) {
    let w = world(app).await;
    let (_, claire) = mentor(
        app,
        "claire@engie.example",
        "Claire Vasseur",
        profile(
            &[("hydrogene", 3), ("reseaux-de-chaleur", 3)],
            &["fr"],
            &[],
            2,
        ),
    )
    .await;
    let (_, marc) = mentor(
        app,
        "marc@engie.example",
        "Marc Lemoine",
        profile(
            &[("reseaux-de-chaleur", 2), ("financement", 3)],
            &["fr"],
            &[],
            2,
        ),
    )
    .await;
    let heat = project(
        app,
        &w.lea,
        "Chaufferie biomasse de quartier",
        &[("reseaux-de-chaleur", 3), ("financement", 2)],
        "prototype",
    )
    .await;
    let hydrogen = project(
        app,
        &w.lea,
        "Électrolyseur pour la flotte de bus",
        &[("hydrogene", 3)],
        "idea",
    )
    .await;
    (w, claire, marc, heat, hydrogen)
}

async fn round_json(app: &TestApp, w: &World, id: i64) -> Value {
    let res = call(
        app,
        "GET",
        &w.boss,
        &format!("/api/v1/matching-rounds/{id}"),
        None,
    )
    .await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

fn mentor_of(round: &Value, project: i64) -> Option<i64> {
    round["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["project_id"] == project)
        .map(|p| p["mentor_id"].as_i64().unwrap())
}

/// The `<tr>` of a project's pair.
fn row(html: &str, project: i64) -> &str {
    let start = html
        .find(&format!("data-testid=\"pair\" data-project=\"{project}\""))
        .unwrap_or_else(|| panic!("no pair for project {project} in {html}"));
    let end = html[start..].find("</tr>").unwrap() + start;
    &html[start..end]
}

async fn signed_in_admin(app: &TestApp) -> Visitor<'_> {
    let v = Visitor::new(app);
    assert_eq!(v.sign_in(ADMIN, PASSWORD).await.status, 303);
    v
}

#[tokio::test]
async fn an_admin_launches_a_round_reads_it_edits_a_pair_and_sends_it() {
    let app = TestApp::spawn_with(|s| s.signup_per_hour = 1000).await;
    let (w, claire, marc, heat, hydrogen) = stage(&app).await;
    let v = signed_in_admin(&app).await;

    // The overview: nothing yet, and the button.
    let html = v.page("/admin/mentorat").await;
    let page = text(&html);
    assert!(page.contains("Lancer un tour d’appariement"), "{page}");
    assert!(page.contains("Aucun tour pour l’instant"), "{page}");
    assert!(html.contains("href=\"/admin/mentorat\" aria-current=\"page\""));

    // Launched from the page: a draft, then its page.
    let launched = v
        .submit("/admin/mentorat", "/admin/mentorat/tours", &[])
        .await;
    assert_eq!(launched.status, 303, "{}", launched.html);
    assert_eq!(launched.location, "/admin/mentorat/tours/1?ok=lance");
    let html = v.page(&launched.location).await;
    let page = text(&html);
    assert!(page.contains("Tour lancé"), "{page}");
    assert!(page.contains("Brouillon"), "{page}");

    // Every pair as the API explains it: project, startup, mentor, score, reasons in words.
    let round = round_json(&app, &w, 1).await;
    let pairs = round["pairs"].as_array().unwrap();
    assert_eq!(pairs.len(), 2, "{round}");
    for p in pairs {
        let tr = text(row(&html, p["project_id"].as_i64().unwrap()));
        assert!(tr.contains(p["project_title"].as_str().unwrap()), "{tr}");
        assert!(tr.contains("Chaleur Picarde"), "{tr}");
        assert!(tr.contains(p["mentor_name"].as_str().unwrap()), "{tr}");
        assert!(
            tr.contains(&format!("{} /100", p["score"]["total"])),
            "{tr}"
        );
        for reason in p["score"]["reasons"].as_array().unwrap() {
            assert!(
                tr.contains(&reason.as_str().unwrap().replace('\u{a0}', " ")),
                "{tr}"
            );
        }
        assert!(
            tr.contains(&format!("Thèmes {}/60", p["score"]["themes"])),
            "{tr}"
        );
        for theme in p["score"]["common_themes"].as_array().unwrap() {
            assert!(tr.contains(theme.as_str().unwrap()), "{tr}");
        }
        assert!(!tr.contains("modifié"), "{tr}");
    }
    // The total against the greedy assignment, in French.
    let (total, greedy) = (
        round["total_score"].as_i64().unwrap(),
        round["greedy_score"].as_i64().unwrap(),
    );
    assert!(
        page.contains(&format!(
            "Total {total} contre {greedy} pour l’affectation gloutonne ("
        )),
        "{page}"
    );
    assert!(page.contains(" %)"), "{page}");
    assert!(html.contains("<caption"), "an accessible table");
    assert!(html.contains("<th scope=\"col\">"));
    assert!(html.contains(&format!(
        "<label class=\"field-label\" for=\"mentor-{heat}\""
    )));
    assert!(!html.contains("style="), "no inline styles");

    // The heat project goes to the other mentor who knows heat networks.
    let before = mentor_of(&round, heat).unwrap();
    let other = if before == claire { marc } else { claire };
    let changed = v
        .submit(
            &launched.location,
            &format!("/admin/mentorat/tours/1/paires/{heat}"),
            &[("mentor_id", &other.to_string())],
        )
        .await;
    assert_eq!(changed.status, 303, "{}", changed.html);
    assert_eq!(changed.location, "/admin/mentorat/tours/1?ok=modifie");
    let html = v.page(&changed.location).await;
    assert!(text(&html).contains("Paire modifiée"));
    let round = round_json(&app, &w, 1).await;
    assert_eq!(mentor_of(&round, heat), Some(other));
    let tr = text(row(&html, heat));
    assert!(tr.contains("modifié"), "{tr}");
    let other_name = if other == claire {
        "Claire Vasseur"
    } else {
        "Marc Lemoine"
    };
    assert!(tr.contains(other_name), "{tr}");
    assert!(!text(row(&html, hydrogen)).contains("modifié"));

    // Sent: two proposals, and the round can no longer change.
    let sent = v
        .submit(&changed.location, "/admin/mentorat/tours/1/envoyer", &[])
        .await;
    assert_eq!(sent.status, 303, "{}", sent.html);
    assert_eq!(sent.location, "/admin/mentorat/tours/1?ok=envoye&n=2");
    let html = v.page(&sent.location).await;
    let page = text(&html);
    assert!(
        page.contains("Tour envoyé : 2 propositions sont parties."),
        "{page}"
    );
    assert!(page.contains("Envoyé"), "{page}");
    assert!(!html.contains("data-testid=\"send\""), "no more forms");
    let list: Value = call(
        &app,
        "GET",
        &w.boss,
        "/api/v1/mentorships?all=true&status=pending",
        None,
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(list["total"], 2, "{list}");
    let overview = text(&v.page("/admin/mentorat").await);
    assert!(overview.contains("Propositions en attente 2"), "{overview}");
    assert!(overview.contains("Tour n° 1"), "{overview}");

    // Sending again is refused kindly (409), nothing more is sent.
    let again = v
        .submit(&sent.location, "/admin/mentorat/tours/1/envoyer", &[])
        .await;
    assert_eq!(again.status, 409);
    assert!(
        text(&again.html).contains("Ce tour a déjà été envoyé ou abandonné"),
        "{}",
        again.html
    );
    let list: Value = call(&app, "GET", &w.boss, "/api/v1/mentorships?all=true", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["total"], 2);
}

#[tokio::test]
async fn a_refused_change_says_why_and_writes_nothing() {
    let app = TestApp::spawn_with(|s| s.signup_per_hour = 1000).await;
    let (w, _claire, marc, heat, hydrogen) = stage(&app).await;
    let v = signed_in_admin(&app).await;
    let launched = v
        .submit("/admin/mentorat", "/admin/mentorat/tours", &[])
        .await;
    assert_eq!(launched.status, 303);
    let before = round_json(&app, &w, 1).await;

    // Marc knows nothing of hydrogen: the pair cannot be proposed.
    let refused = v
        .submit(
            &launched.location,
            &format!("/admin/mentorat/tours/1/paires/{hydrogen}"),
            &[("mentor_id", &marc.to_string())],
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.html);
    let page = text(&refused.html);
    assert!(
        page.contains("Ce mentor ne peut pas être proposé pour ce projet"),
        "{page}"
    );
    assert!(refused.html.contains("role=\"alert\""));
    assert!(page.contains("Refusé :"), "the title says so");
    // Nobody: the service's own message, in words.
    let nobody = v
        .submit(
            &launched.location,
            &format!("/admin/mentorat/tours/1/paires/{heat}"),
            &[("mentor_id", "abc")],
        )
        .await;
    assert_eq!(nobody.status, 422);
    assert!(text(&nobody.html).contains("Ce mentor n’est pas disponible"));
    assert_eq!(round_json(&app, &w, 1).await, before, "nothing written");

    // Removing a pair leaves its project to assign; assigning it back marks it changed.
    let removed = v
        .submit(
            &launched.location,
            &format!("/admin/mentorat/tours/1/paires/{hydrogen}/retirer"),
            &[],
        )
        .await;
    assert_eq!(removed.status, 303);
    let html = v.page(&removed.location).await;
    assert!(text(&html).contains("Paire retirée"));
    assert!(html.contains(&format!(
        "data-testid=\"unmatched-project\" data-project=\"{hydrogen}\""
    )));
    assert!(html.contains(&format!("for=\"assign-{hydrogen}\"")));
    let first = mentor_of(&before, hydrogen).unwrap();
    let assigned = v
        .submit(
            &removed.location,
            &format!("/admin/mentorat/tours/1/paires/{hydrogen}"),
            &[("mentor_id", &first.to_string())],
        )
        .await;
    assert_eq!(assigned.status, 303, "{}", assigned.html);
    let html = v.page(&assigned.location).await;
    assert!(text(row(&html, hydrogen)).contains("modifié"));

    // Discarded: nothing sent, and no more forms.
    let discarded = v
        .submit(
            &assigned.location,
            "/admin/mentorat/tours/1/abandonner",
            &[],
        )
        .await;
    assert_eq!(discarded.status, 303);
    let html = v.page(&discarded.location).await;
    let page = text(&html);
    assert!(
        page.contains("Tour abandonné : rien n’a été envoyé."),
        "{page}"
    );
    assert!(page.contains("Abandonné"));
    assert!(!html.contains("data-testid=\"change-form\""));
    let list: Value = call(&app, "GET", &w.boss, "/api/v1/mentorships?all=true", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["total"], 0);
    // A pair of a settled round: refused kindly.
    let late = v
        .submit(
            &discarded.location,
            &format!("/admin/mentorat/tours/1/paires/{hydrogen}/retirer"),
            &[],
        )
        .await;
    assert_eq!(late.status, 409);
    assert!(text(&late.html).contains("il ne peut plus changer"));
}

#[tokio::test]
async fn people_without_the_admin_role_are_kept_out() {
    let app = TestApp::spawn_with(|s| s.signup_per_hour = 1000).await;
    let (w, ..) = stage(&app).await;
    let res = call(&app, "POST", &w.boss, "/api/v1/matching-rounds", None).await;
    assert_eq!(res.status(), 201);

    // A visitor signs in first, and comes back.
    let visitor = Visitor::new(&app);
    for path in ["/admin/mentorat", "/admin/mentorat/tours/1"] {
        let answer = visitor.get(path).await;
        assert_eq!(answer.status, 303, "{path}");
        assert!(answer.location.starts_with("/connexion?suivant="), "{path}");
    }

    // The startup's founder: the friendly 403, and her forms change nothing.
    let lea = Visitor::new(&app);
    assert_eq!(
        lea.sign_in("lea@chaleur-picarde.fr", PASSWORD).await.status,
        303
    );
    for path in ["/admin/mentorat", "/admin/mentorat/tours/1"] {
        let answer = lea.get(path).await;
        assert_eq!(answer.status, 403, "{path}");
        assert!(!answer.html.contains("Lancer un tour"));
    }
    let token = csrf(&lea.page("/compte").await);
    for action in [
        "/admin/mentorat/tours",
        "/admin/mentorat/tours/1/envoyer",
        "/admin/mentorat/tours/1/abandonner",
    ] {
        let answer = lea
            .post_raw(action, &[("csrf_token", &token)], &app.address)
            .await;
        assert_eq!(answer.status, 403, "{action}");
    }
    let rounds: Value = call(&app, "GET", &w.boss, "/api/v1/matching-rounds", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(rounds.as_array().unwrap().len(), 1, "{rounds}");
    assert_eq!(rounds[0]["status"], "draft");
}

#[tokio::test]
async fn the_round_page_in_chromium_at_desktop_and_phone_width() {
    let app = TestApp::spawn_with(|s| s.signup_per_hour = 1000).await;
    let (w, ..) = stage(&app).await;
    // A third project nobody covers: the page shows a project left without a mentor.
    project(
        &app,
        &w.lea,
        "Télésuivi des patients à domicile",
        &[("sante", 2)],
        "growth",
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
        fill(c, "#email", ADMIN).await;
        fill(c, "#password", PASSWORD).await;
        click(c, "[data-testid=login-form] button[type=submit]").await;
        wait_path(c, "/compte").await;
        c.goto(&app.url("/admin/mentorat")).await.unwrap();
        assert_fits(c, "/admin/mentorat").await;
        b.screenshot(&format!("rounds-overview-{name}")).await;
        click(c, "[data-testid=launch]").await;
        text_of(c, "[data-testid=comparison]").await;
        assert!(
            text_of(c, "[data-testid=flash]")
                .await
                .contains("Tour lancé")
        );
        assert_fits(c, "the round page").await;
        b.screenshot(&format!("round-{name}")).await;
        for section in ["round-pairs", "round-unmatched", "round-decide"] {
            scroll_to(c, section).await;
            b.screenshot(&format!("{section}-{name}")).await;
        }
        c.goto(&app.url("/admin/mentorat")).await.unwrap();
        text_of(c, "[data-testid=rounds]").await;
        assert_fits(c, "/admin/mentorat with rounds").await;
        b.screenshot(&format!("rounds-list-{name}")).await;
        b.close().await;
    }
}
