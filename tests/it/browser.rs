//! What a person sees, in headless Chromium.

use fantoccini::Locator;

use crate::common::{TestApp, browser};

#[tokio::test]
async fn home_page_in_french_then_english_at_desktop_and_phone_width() {
    let app = TestApp::spawn().await;
    for (width, height, name) in [(1280, 900, "desktop"), (390, 844, "phone")] {
        let Some(b) = browser::start(width, height).await else {
            return;
        };
        let c = &b.client;
        c.goto(&app.url("/")).await.unwrap();
        let h1 = c
            .find(Locator::Css("h1"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert_eq!(h1, "L’innovation amiénoise, en un seul endroit");
        assert_eq!(
            c.find(Locator::Css("html"))
                .await
                .unwrap()
                .attr("lang")
                .await
                .unwrap()
                .as_deref(),
            Some("fr")
        );
        let themes = c
            .find_all(Locator::Css("[data-testid=themes] li"))
            .await
            .unwrap();
        assert_eq!(themes.len(), 9);
        // The stylesheet loaded (the CSP would block an inline one): the hero is dark blue.
        let hero = c.find(Locator::Css(".hero")).await.unwrap();
        let bg = hero.css_value("background-image").await.unwrap();
        assert!(bg.contains("linear-gradient"), "{bg}");
        // Nothing overflows the viewport sideways.
        let overflow = c
            .execute(
                "return document.documentElement.scrollWidth - window.innerWidth;",
                vec![],
            )
            .await
            .unwrap();
        assert!(
            overflow.as_i64().unwrap() <= 0,
            "{name}: horizontal overflow {overflow}"
        );
        b.screenshot(&format!("home-fr-{name}")).await;

        c.find(Locator::Css("[data-testid=lang-switch]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        c.wait()
            .for_element(Locator::Css("html[lang=en]"))
            .await
            .unwrap();
        let h1 = c
            .find(Locator::Css("h1"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert_eq!(h1, "Amiens innovation, in one place");
        assert_eq!(c.current_url().await.unwrap().path(), "/");
        b.screenshot(&format!("home-en-{name}")).await;

        // The choice is kept: another page is in English too.
        c.goto(&app.url("/evenements")).await.unwrap();
        let title = c.title().await.unwrap();
        assert!(title.starts_with("Events"), "{title}");
        c.goto(&app.url("/nulle-part")).await.unwrap();
        let h1 = c
            .find(Locator::Css("h1"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert_eq!(h1, "Page not found");
        b.screenshot(&format!("not-found-en-{name}")).await;
        b.close().await;
    }
}

#[tokio::test]
async fn the_keyboard_reaches_the_content_first() {
    let app = TestApp::spawn().await;
    let Some(b) = browser::start(1280, 900).await else {
        return;
    };
    let c = &b.client;
    c.goto(&app.url("/")).await.unwrap();
    use fantoccini::actions::InputSource;
    let keys = fantoccini::actions::KeyActions::new("keyboard".into())
        .then(fantoccini::actions::KeyAction::Down {
            value: fantoccini::key::Key::Tab.into(),
        })
        .then(fantoccini::actions::KeyAction::Up {
            value: fantoccini::key::Key::Tab.into(),
        });
    c.perform_actions(keys).await.unwrap();
    let focused = c.active_element().await.unwrap();
    assert_eq!(
        focused.attr("href").await.unwrap().as_deref(),
        Some("#contenu"),
        "the first Tab reaches the skip link"
    );
    assert!(
        focused.is_displayed().await.unwrap(),
        "the focused skip link is visible"
    );
    let label = c
        .find(Locator::Css("nav.main-nav"))
        .await
        .unwrap()
        .attr("aria-label")
        .await
        .unwrap();
    assert_eq!(label.as_deref(), Some("Navigation principale"));
    b.close().await;
}
