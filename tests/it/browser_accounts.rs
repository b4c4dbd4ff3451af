//! Accounts in headless Chromium: sign up, confirm the address from the email, sign in, sign
//! out — at desktop and phone width, with nothing overflowing sideways.

use fantoccini::Locator;

use crate::common::accounts::{PASSWORD, email_to, token_in};
use crate::common::browser::{
    assert_fits, click, fill, layout_width, phone_screen, scroll_to, text_of, wait_path, wait_text,
};
use crate::common::{TestApp, browser};

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
