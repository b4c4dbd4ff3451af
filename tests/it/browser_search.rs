//! Search in headless Chromium, at desktop and phone width: suggestions under the header's box
//! picked with the keyboard, Escape closing them, a submitted search, a facet ticked.

use fantoccini::key::Key;
use fantoccini::{Client, Locator};

use crate::common::TestApp;
use crate::common::browser::{
    self, assert_fits, click, fill, path, phone_screen, wait_path, wait_text,
};
use crate::search_pages::findable;

async fn press(c: &Client, css: &str, key: Key) {
    let k: char = key.into();
    c.find(Locator::Css(css))
        .await
        .unwrap()
        .send_keys(&k.to_string())
        .await
        .unwrap();
}

async fn attr(c: &Client, css: &str, name: &str) -> Option<String> {
    c.find(Locator::Css(css))
        .await
        .unwrap()
        .attr(name)
        .await
        .unwrap()
}

/// Waits until the suggestion list shows `n` options.
async fn suggestions(c: &Client, n: usize) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let shown = c
            .find_all(Locator::Css(
                ".header-search .suggest-list:not([hidden]) [role=option]",
            ))
            .await
            .unwrap()
            .len();
        if shown == n {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{n} suggestions expected, {shown} shown"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

async fn the_search_works(c: &Client, app: &TestApp, shots: &browser::Browser, name: &str) {
    // Suggestions: the combobox opens, Escape closes it.
    c.goto(&app.url("/evenements")).await.unwrap();
    assert_eq!(
        attr(c, "#header-q", "role").await.as_deref(),
        Some("combobox")
    );
    fill(c, "#header-q", "chal").await;
    suggestions(c, 3).await;
    assert_eq!(
        attr(c, "#header-q", "aria-expanded").await.as_deref(),
        Some("true")
    );
    let list = attr(c, "#header-q", "aria-controls").await.unwrap();
    assert_eq!(
        attr(c, &format!("#{list}"), "role").await.as_deref(),
        Some("listbox")
    );
    assert_fits(c, "the open suggestions").await;
    shots.screenshot(&format!("search-suggest-{name}")).await;
    press(c, "#header-q", Key::Escape).await;
    suggestions(c, 0).await;
    assert_eq!(
        attr(c, "#header-q", "aria-expanded").await.as_deref(),
        Some("false")
    );

    // The last word unfinished: one suggestion, chosen with the arrow and Enter.
    fill(c, "#header-q", "chaleur pic").await;
    suggestions(c, 1).await;
    press(c, "#header-q", Key::Down).await;
    let active = attr(c, "#header-q", "aria-activedescendant").await.unwrap();
    assert_eq!(
        attr(c, &format!("#{active}"), "aria-selected")
            .await
            .as_deref(),
        Some("true")
    );
    wait_text(c, &format!("#{active}"), "Chaleur Picarde").await;
    press(c, "#header-q", Key::Enter).await;
    wait_path(c, "/startups/chaleur-picarde").await;

    // A submitted search, then a facet ticked.
    fill(c, "#header-q", "chaleur").await;
    press(c, "#header-q", Key::Enter).await;
    wait_path(c, "/recherche").await;
    wait_text(
        c,
        "[data-testid=search-summary]",
        "3 résultats pour « chaleur »",
    )
    .await;
    let marked = c
        .find_all(Locator::Css("[data-testid=result-link] mark"))
        .await
        .unwrap();
    assert_eq!(marked.len(), 3, "each title has its word marked");
    assert_fits(c, "the results").await;
    shots.screenshot(&format!("search-results-{name}")).await;
    click(c, "label[for=kind-event]").await;
    click(c, "[data-testid=apply-filters]").await;
    wait_text(
        c,
        "[data-testid=search-summary]",
        "2 résultats pour « chaleur »",
    )
    .await;
    let url = c.current_url().await.unwrap();
    assert!(
        url.query_pairs().any(|(k, v)| k == "kind" && v == "event"),
        "{url}"
    );
    assert_eq!(
        c.find_all(Locator::Css("[data-testid=result]"))
            .await
            .unwrap()
            .len(),
        2
    );
    assert!(
        c.find(Locator::Css("#kind-event"))
            .await
            .unwrap()
            .is_selected()
            .await
            .unwrap()
    );
    assert_eq!(path(c).await, "/recherche");
    assert_fits(c, "the filtered results").await;
    shots.screenshot(&format!("search-filtered-{name}")).await;

    // Nothing found.
    fill(c, "#search-q", "zyxwvutsr").await;
    click(c, "[data-testid=search-submit]").await;
    wait_text(c, "[data-testid=no-results]", "Vérifiez l’orthographe").await;
    assert_fits(c, "no result").await;
    shots.screenshot(&format!("search-nothing-{name}")).await;
}

#[tokio::test]
async fn suggestions_by_keyboard_a_search_and_a_facet_at_desktop_and_phone_width() {
    let app = TestApp::spawn().await;
    findable(&app).await;
    let Some(b) = browser::start(1280, 900).await else {
        return;
    };
    let c = &b.client;
    the_search_works(c, &app, &b, "desktop").await;
    phone_screen(c, 390, 844).await;
    assert_eq!(browser::layout_width(c).await, 390);
    the_search_works(c, &app, &b, "phone").await;
    b.close().await;
}
