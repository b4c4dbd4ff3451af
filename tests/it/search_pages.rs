//! The search page `/recherche` and the header's search box, through the real app: data made
//! through the API, indexed by the sync jobs, then found by the page — highlighted, counted by
//! kind and theme, grouped or filtered; no result, bad parameters and hostile titles.

use serde_json::{Value, json};

use crate::common::accounts::{admin, bearer, verified_user};
use crate::common::{TestApp, wait_until};
use crate::events::{call, soon};

/// What the tests search: a startup about heat (approved), two events about heat — one with a
/// title that tries to inject a script — and one about health.
pub(crate) struct Findable {
    /// RFC 3339 start of the heat workshop.
    pub workshop_starts: String,
}

pub(crate) async fn findable(app: &TestApp) -> Findable {
    let founder = verified_user(
        app,
        "fondatrice@chaleur.example",
        "Fondatrice",
        "startup_founder",
    )
    .await;
    let staff = admin(app, "equipe@amiens-cluster.fr").await;
    let boss = bearer(&staff);
    let res = call(
        app,
        Some(&bearer(&founder)),
        "POST",
        "/api/v1/organizations",
        Some(json!({
            "kind": "startup",
            "name": "Chaleur Picarde",
            "pitch": "La chaleur des eaux usées au service des quartiers.",
            "description": "Nous valorisons la chaleur fatale des réseaux d’Amiens.",
            "sector": "Énergie",
            "stage": "prototype",
            "team_size": 4,
            "founded_year": 2024,
            "contact_email": "contact@chaleur-picarde.example",
            "themes": ["energie", "ville-durable"]
        })),
    )
    .await;
    assert_eq!(res.status(), 201);
    let org = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let res = call(
        app,
        Some(&boss),
        "POST",
        &format!("/api/v1/admin/organizations/{org}/decision"),
        Some(json!({"decision": "approve"})),
    )
    .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());

    let workshop_starts = soon(48);
    for (title, starts, themes) in [
        (
            "Atelier réseau de chaleur",
            workshop_starts.clone(),
            json!(["energie"]),
        ),
        (
            "<script>alert(1)</script> Démonstration chaleur",
            soon(72),
            json!(["energie"]),
        ),
        ("Journée santé connectée", soon(96), json!(["sante"])),
    ] {
        let ends = (chrono::DateTime::parse_from_rfc3339(&starts).unwrap()
            + chrono::Duration::hours(2))
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
        let res = call(
            app,
            Some(&boss),
            "POST",
            "/api/v1/events",
            Some(
                json!({"title": title, "online_url": "https://visio.example/quai",
                        "summary": "Une rencontre du cluster à Amiens.",
                        "starts_at": starts, "ends_at": ends, "capacity": 30, "themes": themes}),
            ),
        )
        .await;
        assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
        let id = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
        let res = call(
            app,
            Some(&boss),
            "POST",
            &format!("/api/v1/events/{id}/publish"),
            None,
        )
        .await;
        assert_eq!(res.status(), 200);
    }
    // The sync jobs index them in the background.
    wait_until(5, "the search index to hold the four documents", || async {
        let found = |q: &'static str| async move {
            let res = app.get(&format!("/api/v1/search?q={q}")).await;
            res.json::<Value>().await.unwrap()["total"]
                .as_u64()
                .unwrap_or(0)
        };
        found("chaleur").await == 3 && found("sante").await == 1
    })
    .await;
    Findable { workshop_starts }
}

async fn page(app: &TestApp, path: &str) -> (u16, String, String) {
    let res = app.get(path).await;
    let status = res.status().as_u16();
    let content_type = res
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, content_type, res.text().await.unwrap())
}

fn count(html: &str, testid: &str) -> Option<u64> {
    let marker = format!("data-testid=\"{testid}\">");
    let start = html.find(&marker)? + marker.len();
    html[start..].split('<').next()?.trim().parse().ok()
}

#[tokio::test]
async fn the_page_finds_highlights_counts_and_groups_by_kind() {
    let app = TestApp::spawn().await;
    let data = findable(&app).await;

    let (status, content_type, html) = page(&app, "/recherche?q=chaleur").await;
    assert_eq!(status, 200);
    assert!(content_type.starts_with("text/html"), "{content_type}");
    assert!(html.contains("3 résultats pour « chaleur »"), "{html}");
    // The title highlighted, as HTML.
    assert!(
        html.contains("Atelier réseau de <mark>chaleur</mark>"),
        "{html}"
    );
    assert!(html.contains("<mark>Chaleur</mark> Picarde"), "{html}");
    // A section per kind, with its count.
    assert!(html.contains("data-testid=\"group-event\""));
    assert!(html.contains("data-testid=\"group-organization\""));
    assert!(!html.contains("data-testid=\"group-offering\""));
    // Each section links to all of its kind.
    assert!(
        html.contains("href=\"/recherche?q=chaleur&#38;kind=event\" data-testid=\"see-all-event\""),
        "{html}"
    );
    assert_eq!(count(&html, "count-kind-event"), Some(2));
    assert_eq!(count(&html, "count-kind-organization"), Some(1));
    assert_eq!(count(&html, "count-theme-energie"), Some(3));
    assert_eq!(count(&html, "count-theme-ville-durable"), Some(1));
    assert_eq!(count(&html, "count-theme-sante"), None, "no health here");
    // Theme labels come from the themes table.
    assert!(html.contains("Ville durable"), "{html}");
    // The event's date, in French, Paris time.
    let starts = chrono::DateTime::parse_from_rfc3339(&data.workshop_starts)
        .unwrap()
        .with_timezone(&chrono::Utc);
    let when = quai::web::dates::datetime(starts, quai::web::Lang::Fr);
    assert!(html.contains(&when), "{when} in {html}");
    // The links lead to the things' pages.
    assert!(
        html.contains("href=\"/startups/chaleur-picarde\""),
        "{html}"
    );

    // Accents and case are forgiven: « santé » finds the health day, not the heat.
    let (_, _, html) = page(&app, "/recherche?q=Sant%C3%A9").await;
    assert!(html.contains("1 résultat pour « Santé »"), "{html}");
    assert!(
        html.contains("Journée <mark>santé</mark> connectée"),
        "{html}"
    );

    // English through the site's language.
    let res = app
        .get_with("/recherche?q=chaleur", &[("cookie", "quai_lang=en")])
        .await;
    let html = res.text().await.unwrap();
    assert!(html.contains("3 results for “chaleur”"), "{html}");
    assert!(html.contains("Sustainable city"), "{html}");
}

#[tokio::test]
async fn one_kind_or_one_theme_gives_a_flat_list_and_counts_stay_disjunctive() {
    let app = TestApp::spawn().await;
    findable(&app).await;

    let (status, _, html) = page(&app, "/recherche?q=chaleur&kind=event").await;
    assert_eq!(status, 200);
    assert!(html.contains("2 résultats pour « chaleur »"), "{html}");
    assert!(!html.contains("data-testid=\"group-"), "a flat list");
    assert_eq!(html.matches("data-testid=\"result\"").count(), 2);
    assert!(html.contains("id=\"kind-event\" name=\"kind\" value=\"event\" checked"));
    // The other kinds keep their counts, so that they can be added.
    assert_eq!(count(&html, "count-kind-organization"), Some(1));
    assert_eq!(count(&html, "count-kind-event"), Some(2));
    assert_eq!(count(&html, "count-theme-energie"), Some(2));
    assert!(html.contains("data-testid=\"reset-filters\""));

    let (_, _, html) = page(&app, "/recherche?q=chaleur&theme=ville-durable").await;
    assert!(html.contains("1 résultat pour « chaleur »"), "{html}");
    assert!(html.contains("<mark>Chaleur</mark> Picarde"));
    assert!(!html.contains("Atelier réseau"));
    assert_eq!(count(&html, "count-theme-energie"), Some(3), "{html}");

    // No words, one kind: every event.
    let (_, _, html) = page(&app, "/recherche?kind=event").await;
    assert!(html.contains("3 résultats"), "{html}");
}

#[tokio::test]
async fn nothing_found_helps_and_an_empty_box_invites() {
    let app = TestApp::spawn().await;
    findable(&app).await;

    let (status, _, html) = page(&app, "/recherche?q=zyxwvutsr").await;
    assert_eq!(status, 200);
    assert!(html.contains("data-testid=\"no-results\""), "{html}");
    assert!(html.contains("Aucun résultat pour « zyxwvutsr »"));
    assert!(html.contains("Vérifiez l’orthographe"));
    assert!(html.contains("href=\"/marketplace\""));
    assert!(html.contains("href=\"/evenements\""));
    // With a filter, a link removes it and keeps the words.
    let (_, _, html) = page(&app, "/recherche?q=sante&kind=organization").await;
    assert!(html.contains("data-testid=\"no-results\""), "{html}");
    assert!(html.contains("href=\"/recherche?q=sante\""), "{html}");

    let (status, _, html) = page(&app, "/recherche").await;
    assert_eq!(status, 200);
    assert!(html.contains("data-testid=\"search-start\""), "{html}");
}

#[tokio::test]
async fn bad_parameters_give_the_page_with_a_message_never_an_error_document() {
    let app = TestApp::spawn().await;
    for (path, field) in [
        ("/recherche?q=chaleur&kind=dragon", "kind"),
        ("/recherche?q=chaleur&page=0", "page"),
        ("/recherche?q=chaleur&sort=hasard", "sort"),
        ("/recherche?q=chaleur&theme=%C3%89nergie", "theme"),
        ("/recherche?q=chaleur&from=2026-13-01", "from"),
    ] {
        let (status, content_type, html) = page(&app, path).await;
        assert_eq!(status, 422, "{path}");
        assert!(
            content_type.starts_with("text/html"),
            "{path}: {content_type}"
        );
        assert!(
            html.contains("data-testid=\"search-invalid\""),
            "{path}: {html}"
        );
        assert!(html.contains(&format!("<code>{field}</code>")), "{path}");
        // The words stay in the box, and a link searches them again without filters.
        assert!(html.contains("value=\"chaleur\""), "{path}");
        assert!(html.contains("href=\"/recherche?q=chaleur\""), "{path}");
    }
    let long = "a".repeat(201);
    let (status, _, html) = page(&app, &format!("/recherche?q={long}")).await;
    assert_eq!(status, 422);
    assert!(html.contains("<code>q</code>"));
}

#[tokio::test]
async fn titles_and_words_are_escaped() {
    let app = TestApp::spawn().await;
    findable(&app).await;

    let (_, _, html) = page(&app, "/recherche?q=demonstration").await;
    assert!(html.contains("1 résultat"), "{html}");
    assert!(!html.contains("<script>alert(1)"), "{html}");
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt; <mark>Démonstration</mark>"),
        "{html}"
    );

    let (_, _, html) = page(&app, "/recherche?q=%3Cscript%3Ealert(2)%3C/script%3E").await;
    assert!(!html.contains("<script>alert(2)"), "{html}");
    assert!(html.contains("&#60;script&#62;alert(2)"), "{html}");
}

#[tokio::test]
async fn every_other_page_has_the_header_search_box() {
    let app = TestApp::spawn().await;
    for path in ["/", "/evenements", "/marketplace", "/nulle-part"] {
        let html = app.get(path).await.text().await.unwrap();
        assert!(
            html.contains(
                "<form class=\"header-search\" method=\"get\" action=\"/recherche\" role=\"search\""
            ),
            "{path}"
        );
        assert!(
            html.contains(
                "<label class=\"visually-hidden\" for=\"header-q\">Rechercher sur Quai</label>"
            ),
            "{path}"
        );
        assert!(
            html.contains("id=\"header-q\" type=\"search\" name=\"q\""),
            "{path}"
        );
    }
    // The search page has its own, bigger box instead.
    let html = app.get("/recherche").await.text().await.unwrap();
    assert!(!html.contains("id=\"header-q\""));
    assert!(html.contains("id=\"search-q\" type=\"search\" name=\"q\""));
    assert!(
        html.contains("data-kind-event=\"Événement\""),
        "the script's words"
    );
    // The script is linked with its version and served.
    let html = app.get("/").await.text().await.unwrap();
    let at = html.find("/search.js\"").expect("search.js is linked");
    let from = html[..at].rfind('"').unwrap() + 1;
    let script = &html[from..at + "/search.js".len()];
    let res = app.get(script).await;
    assert_eq!(res.status(), 200, "{script}");
    assert!(res.text().await.unwrap().contains("aria-activedescendant"));
}
