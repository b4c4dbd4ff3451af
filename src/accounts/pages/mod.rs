//! The portal's account pages: sign-up, sign-in and sign-out, email verification, password
//! reset, and the account page (profile, password, email, sessions, data, erasure).
//!
//! Every handler reads its input, calls one service function and renders. A form whose fields
//! the service refuses is shown again with the messages beside the fields, the typed values kept
//! (never a password) and status 422. Links from emails open a page with a button: nothing
//! happens on GET, since mail scanners follow links.

use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::api::ctx;
use super::service::{self, LoginInput, ProfileInput, SignupInput};
use crate::app::AppState;
use crate::auth::csrf::CsrfForm;
use crate::auth::session::{self, client_ip};
use crate::auth::{AuthState, CurrentUser};
use crate::error::AppError;
#[cfg(test)]
use crate::error::FieldErrors;
use crate::web::forms::FormState;
#[cfg(test)]
use crate::web::forms::message_key;
use crate::web::{Lang, Layout, Translator, dates};

type Page = Result<HttpResponse, AppError>;

/// Registers the account pages.
mod account;
mod links;
mod login;
mod signup;

use account::*;
use links::*;
use login::*;
use signup::*;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/inscription")
            .route(web::get().to(signup_form))
            .route(web::post().to(signup)),
    )
    .service(
        web::resource("/connexion")
            .route(web::get().to(login_form))
            .route(web::post().to(login)),
    )
    .service(web::resource("/deconnexion").route(web::post().to(logout)))
    .service(
        web::resource("/verifier-email")
            .route(web::get().to(verify_form))
            .route(web::post().to(verify)),
    )
    .service(
        web::resource("/mot-de-passe-oublie")
            .route(web::get().to(forgot_form))
            .route(web::post().to(forgot)),
    )
    .service(
        web::resource("/reinitialiser-mot-de-passe")
            .route(web::get().to(reset_form))
            .route(web::post().to(reset)),
    )
    .service(web::resource("/compte").route(web::get().to(account)))
    .service(web::resource("/compte/profil").route(web::post().to(update_profile)))
    .service(web::resource("/compte/mot-de-passe").route(web::post().to(change_password)))
    .service(web::resource("/compte/email").route(web::post().to(change_email)))
    .service(web::resource("/compte/verification").route(web::post().to(resend_verification)))
    .service(
        web::resource("/compte/sessions/autres/fermer")
            .route(web::post().to(revoke_other_sessions)),
    )
    .service(web::resource("/compte/sessions/{id}/fermer").route(web::post().to(revoke_session)))
    .service(web::resource("/compte/supprimer").route(web::post().to(delete_account)))
    .service(web::resource("/compte-supprime").route(web::get().to(deleted)));
}

// ---------------------------------------------------------------------------------------------
// What the pages share
// ---------------------------------------------------------------------------------------------

/// One option of a radio group or a select.
pub struct Choice {
    pub value: &'static str,
    pub label: &'static str,
    pub selected: bool,
}

const KINDS: [(&str, &str); 3] = [
    ("startup_founder", "accounts.kinds.startup_founder"),
    ("mentor", "accounts.kinds.mentor"),
    ("partner_staff", "accounts.kinds.partner_staff"),
];

fn kind_choices(selected: &str) -> Vec<Choice> {
    KINDS
        .iter()
        .map(|&(value, label)| Choice {
            value,
            label,
            selected: value == selected,
        })
        .collect()
}

fn lang_choices(selected: &str) -> Vec<Choice> {
    Lang::ALL
        .iter()
        .map(|lang| Choice {
            value: lang.code(),
            label: match lang {
                Lang::Fr => "accounts.fields.lang_fr",
                Lang::En => "accounts.fields.lang_en",
            },
            selected: lang.code() == selected,
        })
        .collect()
}

/// A page's title: « Erreur : Connexion · Quai » when its form holds errors.
fn title(t: Translator, key: &str, errors: bool) -> String {
    let base = format!("{} · Quai", t.get(key));
    if errors {
        format!("{} {base}", t.get("accounts.form.title_error"))
    } else {
        base
    }
}

/// Renders a page with a status; pages about an account are never cached.
fn render(status: StatusCode, page: &impl Template) -> Page {
    let html = page.render().map_err(AppError::internal)?;
    Ok(HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(html))
}

fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location.to_owned()))
        .finish()
}

/// `/connexion?suivant=/compte`: where to go back after signing in.
fn sign_in_first(back: &str) -> HttpResponse {
    let back: String = url::form_urlencoded::byte_serialize(back.as_bytes()).collect();
    see_other(&format!("/connexion?suivant={back}"))
}

/// A `suivant` worth following: a path on this site, nothing else.
fn safe_next(next: Option<&str>) -> Option<&str> {
    next.filter(|p| {
        p.starts_with('/')
            && !p.starts_with("//")
            && !p.contains('\\')
            && !p.contains("://")
            && !p.chars().any(|c| c.is_control() || c.is_whitespace())
    })
}

fn lang_cookie(lang: Lang, secure: bool) -> Cookie<'static> {
    Cookie::build(crate::web::i18n::LANG_COOKIE, lang.code())
        .path("/")
        .max_age(CookieDuration::days(365))
        .same_site(SameSite::Lax)
        .http_only(true)
        .secure(secure)
        .finish()
}

/// The field of a form with no fields but the CSRF token.
#[derive(Deserialize)]
pub struct NoFields {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::password;

    #[test]
    fn every_message_of_the_account_services_has_a_translation() {
        let messages = [
            password::check_policy("court", &[]).unwrap_err(),
            password::check_policy(&"x".repeat(200), &[]).unwrap_err(),
            password::check_policy("passwordpassword", &[]).unwrap_err(),
            match service::parse_email("email", "pas-une-adresse") {
                Err(AppError::Validation(e)) => e["email"][0].clone(),
                other => panic!("{other:?}"),
            },
            "must be 1 to 80 characters".into(),
            "must be startup_founder, mentor or partner_staff".into(),
            "this link is invalid, used or expired".into(),
            "this is not your current password".into(),
            "this is already your address".into(),
        ];
        let mut keys: Vec<_> = messages.iter().map(|m| message_key(m)).collect();
        assert!(
            !keys.contains(&"accounts.errors.invalid"),
            "{messages:?} → {keys:?}"
        );
        keys.dedup();
        assert_eq!(keys.len(), messages.len(), "each message has its own text");
        for key in keys {
            assert_ne!(Lang::Fr.t().get(key), "…", "{key} missing");
        }
    }

    #[test]
    fn fields_are_described_by_their_hint_and_error() {
        let mut errors = FieldErrors::new();
        errors.insert(
            "new_password".into(),
            vec!["use at least 12 characters".into()],
        );
        errors.insert(
            "token".into(),
            vec!["this link is invalid, used or expired".into()],
        );
        errors.insert(
            "current_password".into(),
            vec!["this is not your current password".into()],
        );
        let form = FormState::with_errors(
            "mdp",
            Lang::Fr.t(),
            &errors,
            &["new_password", "current_password"],
        );
        assert_eq!(form.id("new_password"), "mdp-new-password");
        assert_eq!(
            form.describedby("new_password", true),
            "mdp-new-password-hint mdp-new-password-error"
        );
        assert_eq!(
            form.describedby("current_password", false),
            "mdp-current-password-error"
        );
        assert_eq!(
            form.describedby("display_name", true),
            "mdp-display-name-hint"
        );
        assert!(
            form.general.as_deref().is_some_and(|g| g.contains("lien")),
            "{:?}",
            form.general
        );
        let anchors: Vec<String> = form
            .summary()
            .into_iter()
            .map(|(anchor, _)| anchor)
            .collect();
        assert_eq!(
            anchors,
            ["mdp-new-password", "mdp-current-password"],
            "in the order of the form"
        );
    }

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        assert_eq!(safe_next(Some("/compte")), Some("/compte"));
        for bad in [
            "//evil.example",
            "https://evil.example",
            "/\\evil.example",
            "evil",
            "/\t/evil.example",
            "/\r\nSet-Cookie: x=1",
        ] {
            assert_eq!(safe_next(Some(bad)), None, "{bad}");
        }
    }

    #[test]
    fn devices_are_named_briefly() {
        let t = Lang::Fr.t();
        assert_eq!(
            device(
                "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
                t
            ),
            "Firefox · Linux"
        );
        assert_eq!(
            device(
                "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 Mobile/15E148 Safari/604.1",
                t
            ),
            "Safari · iOS"
        );
        assert_eq!(device("", t), t.get("accounts.sessions.unknown_device"));
    }
}
