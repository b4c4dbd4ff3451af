//! The account pages and the back-office users list, through the real app, as a browser without
//! JavaScript uses them: forms with their CSRF token, cookies, redirects.

use crate::common::TestApp;
use crate::common::accounts::{PASSWORD, email_to, signup, token_in};
use crate::common::visitor::{Visitor, csrf, text};

/// The id of the user whose row shows `email` in the back office's list.
fn user_id(html: &str, email: &str) -> String {
    let row = html
        .find(&format!("data-email=\"{email}\""))
        .unwrap_or_else(|| panic!("no row for {email}"));
    let start =
        html[row..].find("/admin/utilisateurs/").unwrap() + row + "/admin/utilisateurs/".len();
    html[start..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect()
}

async fn signed_up_and_in<'a>(app: &'a TestApp, email: &str, name: &str) -> Visitor<'a> {
    assert_eq!(
        signup(app, email, name, "startup_founder").await.status(),
        202
    );
    let v = Visitor::new(app);
    let answer = v.sign_in(email, PASSWORD).await;
    assert_eq!(answer.status, 303, "{}", answer.html);
    v
}

#[tokio::test]
async fn every_account_page_renders_in_french_and_english() {
    let app = TestApp::spawn().await;
    let pages = [
        ("/inscription", "Créer un compte", "Create an account"),
        ("/connexion", "Connexion", "Sign in"),
        (
            "/mot-de-passe-oublie",
            "Mot de passe oublié",
            "Forgotten password",
        ),
        (
            "/verifier-email?jeton=abc",
            "Confirmer votre adresse email",
            "Confirm your email address",
        ),
        (
            "/reinitialiser-mot-de-passe?jeton=abc",
            "Choisir un nouveau mot de passe",
            "Choose a new password",
        ),
        (
            "/compte-supprime",
            "Votre compte est supprimé",
            "Your account is deleted",
        ),
    ];
    for (lang, header) in [
        ("fr", "Connexion / Inscription"),
        ("en", "Sign in / Sign up"),
    ] {
        let v = Visitor::speaking(&app, if lang == "fr" { "fr-FR,fr" } else { "en-GB,en" });
        for (path, fr, en) in pages {
            let html = v.page(path).await;
            assert!(html.contains(&format!("<html lang=\"{lang}\">")), "{path}");
            let h1 = if lang == "fr" { fr } else { en };
            assert!(
                text(&html).contains(h1),
                "{path} in {lang} shows {h1:?}: {}",
                text(&html)
            );
            assert!(
                text(&html).contains(header),
                "{path}: the header offers to sign in"
            );
            assert!(!html.contains("style="), "{path}: no inline style");
            assert!(!html.contains("<script>"), "{path}: no inline script");
            assert!(!html.contains("…</"), "{path}: a translation is missing");
            // Forms that change something carry a CSRF token (the header's search is a GET).
            if html.contains("method=\"post\"") {
                csrf(&html);
            }
        }
    }
    // The labels name their inputs, and the password rule is read with the field.
    let html = Visitor::new(&app).page("/inscription").await;
    for id in ["email", "display-name", "password"] {
        assert!(
            html.contains(&format!("<label class=\"field-label\" for=\"{id}\">")),
            "label for {id}"
        );
        assert!(html.contains(&format!("id=\"{id}\"")), "input {id}");
    }
    assert!(
        html.contains("aria-describedby=\"password-hint\""),
        "{html}"
    );
    assert!(text(&html).contains("12 caractères au moins, une phrase de quelques mots convient"));
    for kind in [
        "Porteur·se de projet startup",
        "Mentor",
        "Membre d’une équipe partenaire",
    ] {
        assert!(text(&html).contains(kind), "{kind}");
    }

    // Signed in, the account page and the header speak both languages too.
    let v = signed_up_and_in(&app, "lea.martin@startup-amiens.fr", "Léa Martin").await;
    let html = v.page("/compte").await;
    assert!(
        text(&html).contains("Mon compte")
            && text(&html).contains("Sessions actives")
            && text(&html).contains("Se déconnecter")
    );
    let en = Visitor { lang: "en", ..v };
    let html = en.page("/compte").await;
    assert!(html.contains("<html lang=\"en\">"));
    assert!(
        text(&html).contains("My account")
            && text(&html).contains("Active sessions")
            && text(&html).contains("Sign out")
    );
}

#[tokio::test]
async fn signing_up_sends_a_link_that_asks_before_it_verifies() {
    let app = TestApp::spawn().await;
    let v = Visitor::new(&app);
    let answer = v
        .sign_up("Lea.Martin@Startup-Amiens.fr", "Léa Martin")
        .await;
    assert_eq!(answer.status, 200, "{}", answer.html);
    let page = text(&answer.html);
    assert!(page.contains("Vérifiez votre boîte mail"), "{page}");
    assert!(page.contains("lea.martin@startup-amiens.fr"), "{page}");

    let (subject, body) = email_to(&app, "lea.martin@startup-amiens.fr", 1).await;
    assert_eq!(subject, "Confirmez votre adresse email");
    assert!(body.contains("/verifier-email?jeton="), "{body}");
    let token = token_in(&body);

    // Opening the link shows a button; nothing is verified yet (mail scanners open links too).
    let html = v.page(&format!("/verifier-email?jeton={token}")).await;
    assert!(html.contains(&format!("name=\"jeton\" value=\"{token}\"")));
    assert!(text(&html).contains("Confirmer mon adresse"));
    let html = v.page(&format!("/verifier-email?jeton={token}")).await;
    assert!(
        text(&html).contains("Confirmer mon adresse"),
        "a second visit still asks"
    );

    let answer = v
        .submit(
            &format!("/verifier-email?jeton={token}"),
            "/verifier-email",
            &[("jeton", &token)],
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.html);
    assert!(text(&answer.html).contains("Adresse confirmée"));
    assert!(
        answer.html.contains("href=\"/connexion\""),
        "signed out: a link to sign in"
    );

    // The link served once.
    let answer = v
        .submit(
            &format!("/verifier-email?jeton={token}"),
            "/verifier-email",
            &[("jeton", &token)],
        )
        .await;
    assert_eq!(answer.status, 422);
    assert!(
        text(&answer.html).contains("Ce lien n’est plus valable"),
        "{}",
        text(&answer.html)
    );

    // Verified: the account page has no "not verified" notice.
    assert_eq!(
        v.sign_in("lea.martin@startup-amiens.fr", PASSWORD)
            .await
            .status,
        303
    );
    let html = v.page("/compte").await;
    assert!(
        !html.contains("data-testid=\"unverified\""),
        "{}",
        text(&html)
    );
    assert!(text(&html).contains("vérifiée"));
}

#[tokio::test]
async fn signing_in_sets_the_cookies_and_the_account_page_shows_the_person() {
    let app = TestApp::spawn().await;
    assert_eq!(
        signup(
            &app,
            "karim.benali@hortillonnages.fr",
            "Karim Benali",
            "mentor"
        )
        .await
        .status(),
        202
    );
    let v = Visitor::new(&app);
    let answer = v.sign_in("karim.benali@hortillonnages.fr", PASSWORD).await;
    assert_eq!(answer.status, 303, "{}", answer.html);
    assert_eq!(answer.location, "/compte");
    for name in ["quai_access=", "quai_refresh="] {
        let cookie = answer
            .cookies
            .iter()
            .find(|c| c.starts_with(name))
            .unwrap_or_else(|| panic!("{name} in {:?}", answer.cookies));
        assert!(
            cookie.contains("HttpOnly")
                && cookie.contains("SameSite=Lax")
                && cookie.contains("Path=/"),
            "{cookie}"
        );
    }

    let html = v.page("/compte").await;
    let page = text(&html);
    assert!(
        page.contains("Connecté·e en tant que Karim Benali · karim.benali@hortillonnages.fr"),
        "{page}"
    );
    assert!(
        page.contains("Mon compte") && !page.contains("Connexion / Inscription"),
        "the header knows who is there"
    );
    assert!(
        !page.contains("Administration"),
        "no back office for a mentor"
    );
    assert!(
        page.contains("Adresse non vérifiée") && page.contains("Renvoyer l’email de vérification")
    );
    assert!(
        page.contains("Firefox · Linux") && page.contains("Cette session"),
        "{page}"
    );
    assert!(page.contains("Dernière activité"));
    assert!(html.contains("href=\"/api/v1/me/export\""));

    // The export link works with the cookie alone.
    let res = v
        .client
        .get(app.url("/api/v1/me/export"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let data: serde_json::Value = res.json().await.unwrap();
    assert_eq!(data["account"]["email"], "karim.benali@hortillonnages.fr");

    // Another page keeps the signed-in header.
    let page = text(&v.page("/").await);
    assert!(page.contains("Mon compte") && page.contains("Se déconnecter"));

    // The resend button sends a new verification email.
    let answer = v.submit("/compte", "/compte/verification", &[]).await;
    assert_eq!(
        (answer.status, answer.location.as_str()),
        (303, "/compte?ok=verification")
    );
    assert!(
        text(&v.page("/compte?ok=verification").await)
            .contains("Un nouvel email de vérification vient de partir.")
    );
    email_to(&app, "karim.benali@hortillonnages.fr", 2).await;
}

#[tokio::test]
async fn a_wrong_password_shows_the_form_again_with_a_general_error() {
    let app = TestApp::spawn().await;
    assert_eq!(
        signup(
            &app,
            "claire@picardie-biotech.fr",
            "Claire Dubois",
            "startup_founder"
        )
        .await
        .status(),
        202
    );
    let v = Visitor::new(&app);
    let answer = v
        .sign_in("claire@picardie-biotech.fr", "pas le bon mot de passe")
        .await;
    assert_eq!(answer.status, 401);
    let page = text(&answer.html);
    assert!(
        page.contains("Adresse email ou mot de passe incorrect."),
        "{page}"
    );
    assert!(
        answer.html.contains("value=\"claire@picardie-biotech.fr\""),
        "the address is kept"
    );
    assert!(
        !answer.html.contains("pas le bon mot de passe"),
        "never the password"
    );
    assert!(answer.html.contains("role=\"alert\""));
    assert!(
        answer
            .cookies
            .iter()
            .all(|c| !c.starts_with("quai_access="))
    );
    assert!(
        answer.html.contains("<title>Erreur"),
        "the title says so too"
    );

    let en = Visitor::speaking(&app, "en");
    let answer = en
        .sign_in("claire@picardie-biotech.fr", "still not the password")
        .await;
    assert_eq!(answer.status, 401);
    assert!(text(&answer.html).contains("Wrong email address or password."));
}

#[tokio::test]
async fn posts_without_the_token_or_from_another_site_are_refused() {
    let app = TestApp::spawn().await;
    let v = Visitor::new(&app);
    v.page("/inscription").await;
    let fields = [
        ("email", "x@amiens.fr"),
        ("display_name", "X"),
        ("password", PASSWORD),
        ("kind", "mentor"),
    ];

    let answer = v.post_raw("/inscription", &fields, &app.address).await;
    assert_eq!(answer.status, 403, "no token");
    assert!(
        text(&answer.html).contains("Vous n’avez pas accès à cette page."),
        "a friendly page"
    );

    let token = csrf(&v.page("/inscription").await);
    let mut with_token = fields.to_vec();
    with_token.push(("csrf_token", &token));
    let answer = v
        .post_raw("/inscription", &with_token, "https://evil.example")
        .await;
    assert_eq!(answer.status, 403, "another site");

    let answer = v
        .post_raw(
            "/inscription",
            &[("csrf_token", "00"), ("email", "x@amiens.fr")],
            &app.address,
        )
        .await;
    assert_eq!(answer.status, 403, "a wrong token");

    // Nothing was created: the address is still free.
    let answer = v.post_raw("/inscription", &with_token, &app.address).await;
    assert_eq!(
        answer.status, 200,
        "the same form with its token and our origin passes"
    );
    let (subject, _) = email_to(&app, "x@amiens.fr", 1).await;
    assert_eq!(
        subject, "Confirmez votre adresse email",
        "a first account, not a second one"
    );

    // Sign-out is a form too.
    let v = signed_up_and_in(&app, "y@amiens.fr", "Yasmine").await;
    assert_eq!(
        v.post_raw("/deconnexion", &[], &app.address).await.status,
        403
    );
    assert_eq!(v.get("/compte").await.status, 200, "still signed in");
}

#[tokio::test]
async fn refused_fields_come_back_with_their_messages_and_values() {
    let app = TestApp::spawn().await;
    let v = Visitor::new(&app);
    let answer = v
        .submit(
            "/inscription",
            "/inscription",
            &[
                ("email", "lea@"),
                ("display_name", "Léa <Martin>"),
                ("password", "court"),
                ("lang", "en"),
            ],
        )
        .await;
    assert_eq!(answer.status, 422);
    let html = &answer.html;
    let page = text(html);
    assert!(
        page.contains("Le formulaire contient des erreurs"),
        "{page}"
    );
    assert!(
        page.contains("Saisissez une adresse email valide"),
        "{page}"
    );
    assert!(
        page.contains("Le mot de passe doit faire 12 caractères au moins"),
        "{page}"
    );
    assert!(
        page.contains("Indiquez si vous êtes porteur·se de projet"),
        "{page}"
    );
    assert!(
        html.contains("id=\"email-error\"") && html.contains("aria-describedby=\"email-error\""),
        "{html}"
    );
    assert!(
        html.contains("aria-describedby=\"password-hint password-error\""),
        "{html}"
    );
    assert!(html.contains("aria-invalid=\"true\""));
    assert!(
        html.contains("href=\"#email\""),
        "the summary links to the field"
    );
    assert!(html.contains("value=\"lea@\""), "typed values are kept");
    assert!(
        html.contains("value=\"Léa &#60;Martin&#62;\"")
            || html.contains("value=\"Léa &lt;Martin&gt;\""),
        "escaped: {html}"
    );
    assert!(!html.contains("value=\"court\""), "never the password");
    assert!(
        html.contains("<option value=\"en\" lang=\"en\" selected>"),
        "the language choice is kept"
    );

    // In English, the same messages in English.
    let en = Visitor::speaking(&app, "en");
    let answer = en
        .submit(
            "/inscription",
            "/inscription",
            &[
                ("email", "lea@"),
                ("display_name", ""),
                ("password", "passwordpassword"),
                ("kind", "mentor"),
            ],
        )
        .await;
    assert_eq!(answer.status, 422);
    let page = text(&answer.html);
    assert!(
        page.contains("Enter a valid email address")
            && page.contains("Enter a name of 1 to 80 characters"),
        "{page}"
    );
    assert!(page.contains("too common or too easy to guess"), "{page}");
    assert!(
        answer.html.contains("value=\"mentor\" checked"),
        "the chosen kind is kept"
    );

    // The forgotten-password form too.
    let answer = v
        .submit(
            "/mot-de-passe-oublie",
            "/mot-de-passe-oublie",
            &[("email", "pas une adresse")],
        )
        .await;
    assert_eq!(answer.status, 422);
    assert!(text(&answer.html).contains("Saisissez une adresse email valide"));
}

#[tokio::test]
async fn the_account_page_asks_to_sign_in_first_and_comes_back() {
    let app = TestApp::spawn().await;
    assert_eq!(
        signup(
            &app,
            "hugo@amiens-energie.fr",
            "Hugo Lefèvre",
            "partner_staff"
        )
        .await
        .status(),
        202
    );
    let v = Visitor::new(&app);
    let answer = v.get("/compte").await;
    assert_eq!(answer.status, 303);
    assert_eq!(answer.location, "/connexion?suivant=%2Fcompte");

    let html = v.page("/connexion?suivant=%2Fcompte%3Fok%3Dprofil").await;
    assert!(
        html.contains("name=\"suivant\" value=\"/compte?ok=profil\""),
        "{html}"
    );
    let answer = v
        .submit(
            "/connexion",
            "/connexion",
            &[
                ("email", "hugo@amiens-energie.fr"),
                ("password", PASSWORD),
                ("suivant", "/compte?ok=profil"),
            ],
        )
        .await;
    assert_eq!(
        (answer.status, answer.location.as_str()),
        (303, "/compte?ok=profil")
    );

    // Only this site's paths are followed.
    let other = Visitor::new(&app);
    let answer = other
        .submit(
            "/connexion",
            "/connexion",
            &[
                ("email", "hugo@amiens-energie.fr"),
                ("password", PASSWORD),
                ("suivant", "https://evil.example/"),
            ],
        )
        .await;
    assert_eq!((answer.status, answer.location.as_str()), (303, "/compte"));

    // Signed in, the sign-in page sends to the account.
    assert_eq!(v.get("/connexion").await.location, "/compte");
}

#[tokio::test]
async fn account_changes_come_back_to_the_page_with_a_confirmation() {
    let app = TestApp::spawn().await;
    let v = signed_up_and_in(&app, "ines@quai-startups.fr", "Inès").await;

    let answer = v
        .submit(
            "/compte",
            "/compte/profil",
            &[("display_name", "Inès Moreau"), ("lang", "en")],
        )
        .await;
    assert_eq!(
        (answer.status, answer.location.as_str()),
        (303, "/compte?ok=profil#profil")
    );
    assert!(
        answer.cookies.iter().any(|c| c.starts_with("quai_lang=en")),
        "the site follows the chosen language"
    );
    let html = v.page("/compte?ok=profil").await;
    let page = text(&html);
    assert!(
        page.contains("Your profile is saved.") && page.contains("Signed in as Inès Moreau"),
        "{page}"
    );
    let profile =
        &html[html.find("id=\"profil\"").unwrap()..html.find("id=\"mot-de-passe\"").unwrap()];
    assert!(
        profile.contains("data-testid=\"flash\""),
        "the confirmation sits in the section that changed"
    );

    // A refused profile: the page again, the message beside the name, status 422.
    let answer = v
        .submit(
            "/compte",
            "/compte/profil",
            &[("display_name", " "), ("lang", "en")],
        )
        .await;
    assert_eq!(answer.status, 422);
    assert!(
        answer.html.contains("id=\"profil-display-name-error\""),
        "{}",
        answer.html
    );
    assert!(text(&answer.html).contains("Enter a name of 1 to 80 characters"));

    // Wrong current password.
    let answer = v
        .submit(
            "/compte",
            "/compte/mot-de-passe",
            &[
                ("current_password", "pas le mien du tout"),
                ("new_password", "un tout nouveau mot de passe"),
            ],
        )
        .await;
    assert_eq!(answer.status, 422);
    assert!(
        answer
            .html
            .contains("aria-describedby=\"mdp-current-password-error\""),
        "{}",
        answer.html
    );
    assert!(text(&answer.html).contains("This is not your current password."));

    // A second device, then "close all other sessions".
    let phone = Visitor::new(&app);
    assert_eq!(
        phone
            .sign_in("ines@quai-startups.fr", PASSWORD)
            .await
            .status,
        303
    );
    let html = v.page("/compte").await;
    assert_eq!(
        html.matches("<li class=\"session").count(),
        2,
        "two sessions"
    );
    let answer = v
        .submit("/compte", "/compte/sessions/autres/fermer", &[])
        .await;
    assert_eq!(
        (answer.status, answer.location.as_str()),
        (303, "/compte?ok=sessions#sessions")
    );
    assert!(
        text(&v.page("/compte?ok=sessions").await).contains("All your other sessions are closed.")
    );
    assert_eq!(
        phone.get("/compte").await.status,
        303,
        "the phone is signed out"
    );

    // Change the password: the new one works.
    let answer = v
        .submit(
            "/compte",
            "/compte/mot-de-passe",
            &[
                ("current_password", PASSWORD),
                ("new_password", "somme baie citadelle 2026"),
            ],
        )
        .await;
    assert_eq!(
        (answer.status, answer.location.as_str()),
        (303, "/compte?ok=mot-de-passe#mot-de-passe")
    );

    // Sign out: back home, signed out.
    let answer = v.submit("/compte", "/deconnexion", &[]).await;
    assert_eq!((answer.status, answer.location.as_str()), (303, "/"));
    assert!(
        answer.cookies.iter().any(|c| c.starts_with("quai_access=;")
            || c.starts_with("quai_access=\"\"")
            || c.contains("Max-Age=0")),
        "{:?}",
        answer.cookies
    );
    assert!(text(&v.page("/").await).contains("Sign in / Sign up"));
    assert_eq!(v.get("/compte").await.status, 303);
    assert_eq!(
        v.sign_in("ines@quai-startups.fr", "somme baie citadelle 2026")
            .await
            .status,
        303
    );
}

#[tokio::test]
async fn a_forgotten_password_is_replaced_from_the_emailed_link() {
    let app = TestApp::spawn().await;
    assert_eq!(
        signup(&app, "paul@amiens-robotique.fr", "Paul", "startup_founder")
            .await
            .status(),
        202
    );
    let v = Visitor::new(&app);
    let unknown = v
        .submit(
            "/mot-de-passe-oublie",
            "/mot-de-passe-oublie",
            &[("email", "personne@amiens.fr")],
        )
        .await;
    let known = v
        .submit(
            "/mot-de-passe-oublie",
            "/mot-de-passe-oublie",
            &[("email", "paul@amiens-robotique.fr")],
        )
        .await;
    assert_eq!((unknown.status, known.status), (200, 200));
    assert_eq!(
        text(&unknown.html),
        text(&known.html).replace("paul@amiens-robotique.fr", "personne@amiens.fr"),
        "the same answer"
    );
    assert!(text(&known.html).contains("Si un compte existe avec cette adresse, un lien"));

    // Email 1 is the verification, 2 the reset link.
    let (subject, body) = email_to(&app, "paul@amiens-robotique.fr", 2).await;
    assert_eq!(subject, "Réinitialisez votre mot de passe");
    assert!(
        body.contains("/reinitialiser-mot-de-passe?jeton="),
        "{body}"
    );
    let token = token_in(&body);
    let link = format!("/reinitialiser-mot-de-passe?jeton={token}");
    assert!(v.page(&link).await.contains("type=\"password\""));

    let answer = v
        .submit(
            &link,
            "/reinitialiser-mot-de-passe",
            &[("jeton", &token), ("password", "azertyuiop12")],
        )
        .await;
    assert_eq!(answer.status, 422);
    assert!(
        text(&answer.html).contains("trop courant ou trop facile à deviner"),
        "{}",
        text(&answer.html)
    );
    assert!(
        answer.html.contains(&format!("value=\"{token}\"")),
        "the link stays in the form"
    );

    let answer = v
        .submit(
            &link,
            "/reinitialiser-mot-de-passe",
            &[
                ("jeton", &token),
                ("password", "beffroi hortillons tramway"),
            ],
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.html);
    assert!(text(&answer.html).contains("Mot de passe changé"));
    assert!(text(&answer.html).contains("toutes vos sessions ont été fermées"));

    let answer = v
        .submit(
            &link,
            "/reinitialiser-mot-de-passe",
            &[
                ("jeton", &token),
                ("password", "encore un autre mot de passe"),
            ],
        )
        .await;
    assert_eq!(answer.status, 422);
    assert!(text(&answer.html).contains("Ce lien n’est plus valable"));

    assert_eq!(
        v.sign_in("paul@amiens-robotique.fr", PASSWORD).await.status,
        401
    );
    assert_eq!(
        v.sign_in("paul@amiens-robotique.fr", "beffroi hortillons tramway")
            .await
            .status,
        303
    );
}

#[tokio::test]
async fn deleting_the_account_needs_the_password_and_signs_out() {
    let app = TestApp::spawn().await;
    let v = signed_up_and_in(&app, "zoe@amiens-agri.fr", "Zoé").await;
    let page = text(&v.page("/compte").await);
    assert!(page.contains("Attention, c’est définitif."), "{page}");

    let answer = v
        .submit(
            "/compte",
            "/compte/supprimer",
            &[("current_password", "ce n’est pas lui")],
        )
        .await;
    assert_eq!(answer.status, 422);
    assert!(
        answer
            .html
            .contains("id=\"suppression-current-password-error\"")
    );

    let answer = v
        .submit(
            "/compte",
            "/compte/supprimer",
            &[("current_password", PASSWORD)],
        )
        .await;
    assert_eq!(
        (answer.status, answer.location.as_str()),
        (303, "/compte-supprime")
    );
    assert!(text(&v.page("/compte-supprime").await).contains("Votre compte est supprimé"));
    assert_eq!(v.get("/compte").await.status, 303);
    assert_eq!(v.sign_in("zoe@amiens-agri.fr", PASSWORD).await.status, 401);
}

#[tokio::test]
async fn only_admins_see_the_users_and_they_can_deactivate_one() {
    let app = TestApp::spawn().await;
    let lea = signed_up_and_in(&app, "lea@startup-amiens.fr", "Léa Martin").await;

    // A visitor signs in first; a member gets the friendly 403.
    let visitor = Visitor::new(&app);
    let answer = visitor.get("/admin/utilisateurs").await;
    assert_eq!(
        (answer.status, answer.location.as_str()),
        (303, "/connexion?suivant=%2Fadmin%2Futilisateurs")
    );
    let answer = lea.get("/admin/utilisateurs").await;
    assert_eq!(answer.status, 403);
    assert!(text(&answer.html).contains("Vous n’avez pas accès à cette page."));
    assert_eq!(lea.get("/admin").await.status, 403);

    // An admin.
    let hash = quai::auth::password::hash_now(PASSWORD).unwrap();
    quai::accounts::service::create_admin(
        &mut app.connect(),
        "equipe@amiens-cluster.fr",
        Some(&hash),
        "Équipe Amiens Cluster",
    )
    .unwrap();
    let admin = Visitor::new(&app);
    assert_eq!(
        admin
            .sign_in("equipe@amiens-cluster.fr", PASSWORD)
            .await
            .status,
        303
    );
    assert!(
        text(&admin.page("/").await).contains("Administration"),
        "the header offers the back office"
    );
    assert_eq!(admin.get("/admin").await.location, "/admin/utilisateurs");

    let html = admin.page("/admin/utilisateurs").await;
    let (lea_id, my_id) = (
        user_id(&html, "lea@startup-amiens.fr"),
        user_id(&html, "equipe@amiens-cluster.fr"),
    );
    let page = text(&html);
    assert!(page.contains("2 comptes."), "{page}");
    assert!(
        page.contains("Léa Martin lea@startup-amiens.fr")
            && page.contains("Porteur·se de projet startup"),
        "{page}"
    );
    assert!(page.contains("Adresse non vérifiée") && page.contains("Actif"));
    assert!(
        html.contains(&format!(
            "id=\"roles-{lea_id}-startup_member\" name=\"role_startup_member\" checked"
        )),
        "{html}"
    );
    assert!(
        page.contains("Votre propre compte"),
        "no deactivate button for oneself"
    );

    let page = text(&admin.page("/admin/utilisateurs?q=martin").await);
    assert!(
        page.contains("1 compte.")
            && page.contains("Léa Martin")
            && !page.contains("equipe@amiens-cluster.fr"),
        "{page}"
    );
    let page = text(&admin.page("/admin/utilisateurs?q=personne").await);
    assert!(
        page.contains("Aucun compte ne correspond à « personne »."),
        "{page}"
    );

    // Deactivate Léa: her session ends at once.
    let answer = admin
        .submit(
            "/admin/utilisateurs?q=martin",
            &format!("/admin/utilisateurs/{lea_id}/desactiver"),
            &[("q", "martin"), ("page", "1")],
        )
        .await;
    assert_eq!(
        (answer.status, answer.location.as_str()),
        (303, "/admin/utilisateurs?q=martin&ok=desactive")
    );
    let html = admin.page(&answer.location).await;
    assert!(
        text(&html).contains("Le compte est désactivé"),
        "{}",
        text(&html)
    );
    assert!(
        html.contains("data-testid=\"inactive\"") && html.contains("data-testid=\"reactivate\"")
    );
    assert_eq!(lea.get("/compte").await.status, 303, "Léa is signed out");
    assert_eq!(
        lea.sign_in("lea@startup-amiens.fr", PASSWORD).await.status,
        403
    );

    // Roles: Léa becomes a mentor too.
    let answer = admin
        .submit(
            "/admin/utilisateurs",
            &format!("/admin/utilisateurs/{lea_id}/roles"),
            &[
                ("role_startup_member", "on"),
                ("role_mentor", "on"),
                ("q", ""),
                ("page", "1"),
            ],
        )
        .await;
    assert_eq!(answer.location, "/admin/utilisateurs?ok=roles");
    let html = admin.page("/admin/utilisateurs").await;
    assert!(
        html.contains(&format!(
            "id=\"roles-{lea_id}-mentor\" name=\"role_mentor\" checked"
        )),
        "{html}"
    );
    assert!(
        html.contains(&format!(
            "id=\"roles-{lea_id}-startup_member\" name=\"role_startup_member\" checked"
        )),
        "{html}"
    );

    // An admin cannot remove their own admin role.
    let answer = admin
        .submit(
            "/admin/utilisateurs",
            &format!("/admin/utilisateurs/{my_id}/roles"),
            &[("role_partner_member", "on")],
        )
        .await;
    assert_eq!(answer.location, "/admin/utilisateurs?erreur=propre-role");
    assert!(
        text(&admin.page(&answer.location).await)
            .contains("Vous ne pouvez pas retirer votre propre rôle d’administration.")
    );

    // Reactivated, Léa signs in again.
    let answer = admin
        .submit(
            "/admin/utilisateurs",
            &format!("/admin/utilisateurs/{lea_id}/reactiver"),
            &[],
        )
        .await;
    assert_eq!(answer.location, "/admin/utilisateurs?ok=reactive");
    assert_eq!(
        lea.sign_in("lea@startup-amiens.fr", PASSWORD).await.status,
        303
    );

    // A member posting to the back office is refused.
    assert_eq!(
        lea.submit(
            "/compte",
            &format!("/admin/utilisateurs/{my_id}/desactiver"),
            &[]
        )
        .await
        .status,
        403
    );
}

#[tokio::test]
async fn too_many_sign_in_attempts_say_when_to_come_back() {
    let app = TestApp::spawn_with(|s| s.login_per_minute = 2).await;
    let v = Visitor::new(&app);
    let attempt = || async {
        let token = csrf(&v.page("/connexion").await);
        v.client
            .post(app.url("/connexion"))
            .header("origin", &app.address)
            .form(&[
                ("email", "nobody@amiens.fr"),
                ("password", "rien du tout ici"),
                ("csrf_token", &token),
            ])
            .send()
            .await
            .unwrap()
    };
    // Two attempts a minute: the third is refused (the fifth, if a minute began in between).
    let mut statuses = Vec::new();
    let res = loop {
        let res = attempt().await;
        statuses.push(res.status().as_u16());
        if res.status() != 401 || statuses.len() == 5 {
            break res;
        }
    };
    assert_eq!(res.status(), 429, "{statuses:?}");
    let wait: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    let page = text(&res.text().await.unwrap());
    assert!(
        page.contains("Trop de tentatives de connexion. Réessayez dans 1 min"),
        "{page}"
    );
    assert!(page.contains("Adresse email"), "the form is still there");
}
