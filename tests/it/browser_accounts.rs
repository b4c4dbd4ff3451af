//! Accounts in headless Chromium: sign up, confirm the address from the email, sign in, sign
//! out — at desktop and phone width, with nothing overflowing sideways.

use std::time::{Duration, Instant};

use fantoccini::{Client, Locator};

use crate::common::accounts::{PASSWORD, email_to, token_in};
use crate::common::{TestApp, browser};

/// The text of an element, waiting for it to appear (a click does not wait for the next page).
async fn text_of(c: &Client, css: &str) -> String {
    c.wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .text()
        .await
        .unwrap()
}

/// Waits until an element's text contains `expected` (the page before may hold the same element).
async fn wait_text(c: &Client, css: &str, expected: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let text = match c.find(Locator::Css(css)).await {
            Ok(e) => e.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        };
        if text.contains(expected) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{css} never said {expected:?}; last: {text:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Waits for the browser to reach `expected`.
async fn wait_path(c: &Client, expected: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while path(c).await != expected {
        assert!(
            Instant::now() < deadline,
            "never reached {expected}; at {}",
            path(c).await
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn fill(c: &Client, css: &str, value: &str) {
    let field = c
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"));
    field.clear().await.unwrap();
    field.send_keys(value).await.unwrap();
}

async fn click(c: &Client, css: &str) {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .click()
        .await
        .unwrap();
}

async fn path(c: &Client) -> String {
    c.current_url().await.unwrap().path().to_owned()
}

/// Nothing sticks out of the viewport sideways (the page works down to 360 px).
async fn assert_fits(c: &Client, what: &str) {
    let overflow = c
        .execute(
            "return document.documentElement.scrollWidth - window.innerWidth;",
            vec![],
        )
        .await
        .unwrap();
    assert!(
        overflow.as_i64().unwrap() <= 0,
        "{what}: horizontal overflow of {overflow} px"
    );
}

/// A Chrome DevTools command, through chromedriver's `goog/cdp/execute`.
#[derive(Debug)]
struct Cdp(serde_json::Value);

impl fantoccini::wd::WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base.join(&format!(
            "session/{}/goog/cdp/execute",
            session.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (reqwest::Method, Option<String>) {
        (reqwest::Method::POST, Some(self.0.to_string()))
    }
}

/// Headless Chromium keeps windows at least 500 px wide: a phone's screen is emulated instead.
async fn phone_screen(c: &Client, width: u32, height: u32) {
    let params = serde_json::json!({ "width": width, "height": height, "deviceScaleFactor": 1, "mobile": true });
    c.issue_cmd(Cdp(
        serde_json::json!({ "cmd": "Emulation.setDeviceMetricsOverride", "params": params }),
    ))
    .await
    .expect("Chromium emulates a phone screen");
}

/// The width pages are laid out for.
async fn layout_width(c: &Client) -> u64 {
    c.execute("return window.innerWidth;", vec![])
        .await
        .unwrap()
        .as_u64()
        .unwrap()
}

async fn scroll_to(c: &Client, id: &str) {
    c.execute(
        "document.getElementById(arguments[0]).scrollIntoView();",
        vec![serde_json::json!(id)],
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn sign_up_confirm_sign_in_and_out_at_desktop_and_phone_width() {
    let app = TestApp::spawn().await;
    for (width, height, name) in [(1280, 900, "desktop"), (360, 780, "phone")] {
        let Some(b) = browser::start(width, height).await else {
            return;
        };
        let c = &b.client;
        if name == "phone" {
            phone_screen(c, width, height).await;
        }
        let email = format!("lea.{name}@startup-amiens.fr");

        // Signed out, the header offers to sign in.
        c.goto(&app.url("/")).await.unwrap();
        assert_eq!(layout_width(c).await, u64::from(width));
        assert_eq!(
            text_of(c, "[data-testid=sign-in-link]").await,
            "Connexion / Inscription"
        );
        click(c, "[data-testid=sign-in-link]").await;
        wait_path(c, "/connexion").await;
        b.screenshot(&format!("accounts-login-{name}")).await;
        click(c, "[data-testid=signup-link]").await;
        wait_path(c, "/inscription").await;
        assert_fits(c, "sign-up form").await;
        b.screenshot(&format!("accounts-signup-{name}")).await;

        // An incomplete form comes back with its errors, the focus path intact.
        fill(c, "#email", &email).await;
        fill(c, "#password", "court").await;
        click(c, "[data-testid=signup-form] button[type=submit]").await;
        let summary = text_of(c, "[data-testid=error-summary]").await;
        assert!(
            summary.contains("Le formulaire contient des erreurs"),
            "{summary}"
        );
        assert!(
            summary.contains("Saisissez un nom de 1 à 80 caractères."),
            "{summary}"
        );
        let described = c
            .find(Locator::Css("#password"))
            .await
            .unwrap()
            .attr("aria-describedby")
            .await
            .unwrap();
        assert_eq!(described.as_deref(), Some("password-hint password-error"));
        let kept = c
            .find(Locator::Css("#email"))
            .await
            .unwrap()
            .prop("value")
            .await
            .unwrap();
        assert_eq!(kept.as_deref(), Some(email.as_str()), "the address is kept");
        assert_fits(c, "sign-up form with errors").await;
        b.screenshot(&format!("accounts-signup-errors-{name}"))
            .await;

        fill(c, "#display-name", "Léa Martin").await;
        fill(c, "#password", PASSWORD).await;
        click(c, "label[for=kind-startup_founder]").await;
        click(c, "[data-testid=signup-form] button[type=submit]").await;
        let done = text_of(c, "[data-testid=signup-done]").await;
        assert!(done.contains(&email), "{done}");
        assert_eq!(
            text_of(c, "h1").await,
            "Vérifiez votre boîte mail",
            "the page after the form"
        );
        b.screenshot(&format!("accounts-signup-done-{name}")).await;

        // The link from the email asks before it acts.
        let (_, body) = email_to(&app, &email, 1).await;
        c.goto(&app.url(&format!("/verifier-email?jeton={}", token_in(&body))))
            .await
            .unwrap();
        assert_eq!(text_of(c, "h1").await, "Confirmer votre adresse email");
        b.screenshot(&format!("accounts-verify-{name}")).await;
        click(c, "[data-testid=verify-form] button").await;
        assert_eq!(
            text_of(c, "[data-testid=verify-done]").await,
            "Adresse confirmée"
        );
        b.screenshot(&format!("accounts-verified-{name}")).await;

        // Sign in.
        click(c, "a.button[href='/connexion']").await;
        wait_path(c, "/connexion").await;
        fill(c, "#email", &email).await;
        fill(c, "#password", PASSWORD).await;
        click(c, "[data-testid=login-form] button[type=submit]").await;
        wait_path(c, "/compte").await;
        assert_eq!(text_of(c, "[data-testid=account-link]").await, "Mon compte");
        assert!(
            text_of(c, "[data-testid=account-identity]")
                .await
                .contains("Léa Martin")
        );
        assert!(
            c.find(Locator::Css("[data-testid=unverified]"))
                .await
                .is_err(),
            "verified: no notice"
        );
        assert!(
            text_of(c, "[data-testid=sessions]")
                .await
                .contains("Cette session")
        );
        assert_fits(c, "account page").await;
        b.screenshot(&format!("accounts-account-{name}")).await;
        scroll_to(c, "sessions").await;
        b.screenshot(&format!("accounts-account-sessions-{name}"))
            .await;
        scroll_to(c, "suppression").await;
        b.screenshot(&format!("accounts-account-delete-{name}"))
            .await;

        // A refused password change: the message sits with its field.
        fill(c, "#mdp-current-password", "pas mon mot de passe").await;
        fill(c, "#mdp-new-password", "un nouveau mot de passe solide").await;
        click(c, "#mot-de-passe button[type=submit]").await;
        let error = text_of(c, "#mdp-current-password-error").await;
        assert!(
            error.contains("Ce n’est pas votre mot de passe actuel."),
            "{error}"
        );
        scroll_to(c, "mot-de-passe").await;
        b.screenshot(&format!("accounts-account-password-error-{name}"))
            .await;

        // Sign out from the header.
        click(c, "[data-testid=sign-out]").await;
        wait_path(c, "/").await;
        assert_eq!(
            text_of(c, "[data-testid=sign-in-link]").await,
            "Connexion / Inscription"
        );
        assert!(
            c.find(Locator::Css("[data-testid=account-link]"))
                .await
                .is_err()
        );
        b.screenshot(&format!("accounts-signed-out-{name}")).await;
        c.goto(&app.url("/compte")).await.unwrap();
        wait_path(c, "/connexion").await;
        b.close().await;
    }
}

#[tokio::test]
async fn the_users_list_at_desktop_and_phone_width() {
    let app = TestApp::spawn().await;
    for (email, name, kind) in [
        ("lea@startup-amiens.fr", "Léa Martin", "startup_founder"),
        ("karim@engie-cofely.fr", "Karim Benali", "mentor"),
        (
            "claire@amiens-metropole.fr",
            "Claire Dubois",
            "partner_staff",
        ),
    ] {
        assert_eq!(
            crate::common::accounts::signup(&app, email, name, kind)
                .await
                .status(),
            202
        );
    }
    let hash = quai::auth::password::hash_now(PASSWORD).unwrap();
    quai::accounts::service::create_admin(
        &mut app.connect(),
        "equipe@amiens-cluster.fr",
        Some(&hash),
        "Équipe Amiens Cluster",
    )
    .unwrap();
    for (width, height, name) in [(1280, 900, "desktop"), (360, 780, "phone")] {
        let Some(b) = browser::start(width, height).await else {
            return;
        };
        let c = &b.client;
        if name == "phone" {
            phone_screen(c, width, height).await;
        }
        c.goto(&app.url("/connexion?suivant=%2Fadmin"))
            .await
            .unwrap();
        assert_eq!(layout_width(c).await, u64::from(width));
        fill(c, "#email", "equipe@amiens-cluster.fr").await;
        fill(c, "#password", PASSWORD).await;
        click(c, "[data-testid=login-form] button[type=submit]").await;
        wait_path(c, "/admin/utilisateurs").await;
        assert_eq!(
            text_of(c, "[data-testid=admin-link]").await,
            "Administration"
        );
        assert_eq!(text_of(c, "[data-testid=users-count]").await, "4 comptes.");
        assert_fits(c, "users list").await;
        b.screenshot(&format!("admin-users-{name}")).await;

        // Deactivate Karim, then bring him back.
        let row = "tr[data-email='karim@engie-cofely.fr']";
        click(c, &format!("{row} [data-testid=deactivate]")).await;
        wait_text(c, "[data-testid=flash]", "Le compte est désactivé").await;
        assert_eq!(
            text_of(c, &format!("{row} [data-testid=inactive]")).await,
            "Désactivé"
        );
        b.screenshot(&format!("admin-users-deactivated-{name}"))
            .await;
        click(c, &format!("{row} [data-testid=reactivate]")).await;
        wait_text(c, "[data-testid=flash]", "Le compte est réactivé.").await;

        fill(c, "#q", "dubois").await;
        click(c, ".search-form button").await;
        wait_text(c, "[data-testid=users-count]", "1 compte.").await;
        b.screenshot(&format!("admin-users-search-{name}")).await;
        b.close().await;
    }
}
