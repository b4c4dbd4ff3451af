//! The portal shell: home page, language choice, static files, crawlability.

use crate::common::{TestApp, assert_content_type};

#[tokio::test]
async fn the_home_page_is_french_by_default_and_lists_the_themes() {
    let app = TestApp::spawn().await;
    let res = app.get("/").await;
    assert_eq!(res.status(), 200);
    assert_content_type(res.headers(), "text/html");
    let html = res.text().await.unwrap();
    assert!(html.contains("<html lang=\"fr\">"));
    assert!(
        html.contains("L’innovation amiénoise, en un seul endroit"),
        "{html}"
    );
    assert!(html.contains("Ville durable") && html.contains("Agroalimentaire"));
    for founder in [
        "CCI Amiens-Picardie",
        "UPJV",
        "CHU Amiens-Picardie",
        "Amiens Métropole",
        "ENGIE",
    ] {
        assert!(html.contains(founder), "footer names {founder}");
    }
    for href in ["/marketplace", "/mentorat", "/evenements", "/recherche"] {
        assert!(
            html.contains(&format!("href=\"{href}\"")),
            "nav links {href}"
        );
    }
    assert!(html.contains("<meta name=\"description\""));
    assert!(!html.contains("style="), "no inline styles");
}

#[tokio::test]
async fn accept_language_and_the_cookie_choose_the_language() {
    let app = TestApp::spawn().await;
    let html = app
        .get_with("/", &[("accept-language", "en-US,en;q=0.9")])
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("<html lang=\"en\">") && html.contains("Amiens innovation, in one place")
    );
    assert!(
        html.contains("Sustainable city"),
        "theme labels follow the language"
    );

    // The cookie wins over the header.
    let html = app
        .get_with(
            "/",
            &[("accept-language", "en"), ("cookie", "quai_lang=fr")],
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("<html lang=\"fr\">"));
}

#[tokio::test]
async fn the_language_switch_sets_a_cookie_and_returns_to_the_page() {
    let app = TestApp::spawn().await;
    let res = app.get("/langue/en?retour=%2Fevenements").await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/evenements");
    let cookie = res.headers()["set-cookie"].to_str().unwrap();
    assert!(cookie.starts_with("quai_lang=en"), "{cookie}");
    assert!(
        cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Lax")
            && cookie.contains("Max-Age="),
        "{cookie}"
    );
    assert!(!cookie.contains("Secure"), "plain http on 127.0.0.1");

    for evil in [
        "//evil.example/",
        "/%09/evil.example",
        "/%0d%0aSet-Cookie:%20x=1",
        "https:evil.example",
        "/\\evil.example",
    ] {
        let res = app.get(&format!("/langue/fr?retour={evil}")).await;
        assert_eq!(res.status(), 303, "{evil}");
        assert_eq!(
            res.headers()["location"],
            "/",
            "no open redirect with {evil}"
        );
    }
    assert_eq!(app.get("/langue/de").await.status(), 404);
}

#[tokio::test]
async fn the_mentoring_section_has_its_finished_page() {
    let app = TestApp::spawn().await;
    let res = app.get("/mentorat").await;
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    assert!(html.contains("Comment ça marche"), "{html}");
    assert!(!html.contains("En préparation"));
    assert!(
        html.contains("aria-current=\"page\""),
        "the nav shows where we are"
    );
}

#[tokio::test]
async fn the_events_page_lists_upcoming_events_or_says_there_are_none() {
    let app = TestApp::spawn().await;
    let res = app.get("/evenements").await;
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    assert!(html.contains("data-testid=\"no-events\""), "{html}");
    assert!(html.contains("aria-current=\"page\""));
}

#[tokio::test]
async fn static_files_have_versioned_urls_and_long_cache_lifetimes() {
    let app = TestApp::spawn().await;
    let html = app.get("/").await.text().await.unwrap();
    let css_url = html
        .split('"')
        .find(|s| s.starts_with("/static/") && s.ends_with("/app.css"))
        .expect("a versioned stylesheet link");
    let res = app.get(css_url).await;
    assert_eq!(res.status(), 200);
    assert_content_type(res.headers(), "text/css");
    let cache = res.headers()["cache-control"].to_str().unwrap();
    assert!(
        cache.contains("max-age=31536000") && cache.contains("immutable"),
        "{cache}"
    );
    assert!(res.text().await.unwrap().contains("--blue-800"));

    let res = app.get("/static/0000/app.css").await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers()["cache-control"],
        "no-cache",
        "outdated versions are revalidated"
    );
    assert_eq!(app.get("/static/0000/nope.css").await.status(), 404);
}

#[tokio::test]
async fn robots_and_sitemap_make_public_pages_crawlable() {
    let app = TestApp::spawn().await;
    let robots = app.get("/robots.txt").await.text().await.unwrap();
    assert!(
        robots.contains("Sitemap: http://127.0.0.1/sitemap.xml"),
        "{robots}"
    );
    let res = app.get("/sitemap.xml").await;
    assert_content_type(res.headers(), "application/xml");
    let xml = res.text().await.unwrap();
    assert!(
        xml.contains("<loc>http://127.0.0.1/evenements</loc>"),
        "{xml}"
    );
}

#[tokio::test]
async fn no_page_has_inline_styles_or_scripts() {
    let app = TestApp::spawn().await;
    for path in [
        "/",
        "/evenements",
        "/nulle-part",
        "/inscription",
        "/connexion",
        "/mot-de-passe-oublie",
    ] {
        let html = app.get(path).await.text().await.unwrap();
        assert!(!html.contains("style="), "{path} has an inline style");
        assert!(!html.contains("<style"), "{path} has a style element");
        for script in html.split("<script").skip(1) {
            let tag = &script[..script.find('>').unwrap()];
            assert!(
                tag.contains("src=\"/static/"),
                "{path} has an inline script: {tag}"
            );
        }
    }
}

#[tokio::test]
async fn the_marketplace_shows_published_offerings_with_filters() {
    let app = TestApp::spawn().await;
    let empty = app.get("/marketplace").await.text().await.unwrap();
    assert!(
        empty.contains("Aucune offre ne correspond"),
        "an empty state before any offering"
    );
    let hash = quai::auth::password::hash_now(quai::demo::DEMO_PASSWORD).unwrap();
    quai::demo::seed(&mut app.connect(), &hash).unwrap();

    let res = app.get("/marketplace").await;
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    assert!(html.contains("17 offres"), "{html}");
    assert!(
        html.contains("Planification des blocs") && html.contains("Bloc Santé"),
        "newest first"
    );
    assert!(html.contains("rel=\"next\""), "12 a page, so a second page");
    let expertise = app
        .get("/marketplace?kind=expertise")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        expertise.contains("Savoir-faire réseau de chaleur") && expertise.contains("ENGIE Cofely"),
        "{expertise}"
    );
    let page2 = app.get("/marketplace?page=2").await.text().await.unwrap();
    assert!(page2.contains("rel=\"prev\"") && !page2.contains("rel=\"next\""));

    let produits = app
        .get("/marketplace?kind=produit")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        produits.contains("4 offres") && produits.contains("Capteur de chaleur fatale"),
        "{produits}"
    );
    assert!(!produits.contains("Savoir-faire réseau de chaleur"));
    let sante = app
        .get("/marketplace?theme=sante&kind=mentorat")
        .await
        .text()
        .await
        .unwrap();
    assert!(sante.contains("Aucune offre") && sante.contains("Voir toutes les offres"));
    // Unknown filters are ignored, never an error page.
    let odd = app
        .get("/marketplace?kind=licorne&theme=astrologie&page=999999999")
        .await;
    assert_eq!(odd.status(), 200);

    let english = app
        .get_with("/marketplace?kind=mentorat", &[("accept-language", "en")])
        .await
        .text()
        .await
        .unwrap();
    assert!(
        english.contains("1 offering") && english.contains("Mentoring"),
        "{english}"
    );
}
