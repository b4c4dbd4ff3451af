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
use crate::error::{AppError, FieldErrors};
use crate::web::{Lang, Layout, Translator, dates};

type Page = Result<HttpResponse, AppError>;

/// Registers the account pages.
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

/// The errors of one form, translated, and how its fields are named in the page.
pub struct FormState {
    /// Makes field ids unique when a page holds several forms.
    prefix: &'static str,
    /// Field → messages, in the order of the form.
    fields: Vec<(String, Vec<String>)>,
    /// An error about the whole form (wrong password at sign-in, a used link…).
    pub general: Option<String>,
}

impl FormState {
    pub fn new(prefix: &'static str) -> Self {
        Self {
            prefix,
            fields: Vec::new(),
            general: None,
        }
    }

    /// The service's field errors, in the visitor's language and in the order of the form's
    /// `fields`. Errors about the link itself (`token`) concern no field: they become the
    /// general error.
    pub fn with_errors(
        prefix: &'static str,
        t: Translator,
        errors: &FieldErrors,
        fields: &[&str],
    ) -> Self {
        let mut state = Self::new(prefix);
        for (field, messages) in errors {
            let translated: Vec<String> = messages
                .iter()
                .map(|m| t.get(message_key(m)).to_owned())
                .collect();
            if field == "token" {
                state.general = translated.into_iter().next();
            } else {
                state.fields.push((field.clone(), translated));
            }
        }
        state
            .fields
            .sort_by_key(|(field, _)| fields.iter().position(|f| f == field).unwrap_or(usize::MAX));
        state
    }

    pub fn with_general(prefix: &'static str, message: String) -> Self {
        Self {
            general: Some(message),
            ..Self::new(prefix)
        }
    }

    /// The id of a field's input: `new-password`, or `mdp-new-password` with a prefix.
    pub fn id(&self, field: &str) -> String {
        let field = field.replace('_', "-");
        if self.prefix.is_empty() {
            field
        } else {
            format!("{}-{field}", self.prefix)
        }
    }

    pub fn invalid(&self, field: &str) -> bool {
        self.fields.iter().any(|(f, _)| f == field)
    }

    pub fn messages(&self, field: &str) -> &[String] {
        self.fields
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, messages)| messages.as_slice())
            .unwrap_or_default()
    }

    /// The ids an input's `aria-describedby` names: its hint and its error, when present.
    pub fn describedby(&self, field: &str, hint: bool) -> String {
        let id = self.id(field);
        let mut ids = Vec::new();
        if hint {
            ids.push(format!("{id}-hint"));
        }
        if self.invalid(field) {
            ids.push(format!("{id}-error"));
        }
        ids.join(" ")
    }

    pub fn has_errors(&self) -> bool {
        self.general.is_some() || !self.fields.is_empty()
    }

    /// (input id, message) for the error summary at the top of the form.
    pub fn summary(&self) -> Vec<(String, String)> {
        self.fields
            .iter()
            .flat_map(|(field, messages)| messages.iter().map(move |m| (self.id(field), m.clone())))
            .collect()
    }
}

/// The catalog key for a message of the account services (which speak English to API clients).
fn message_key(message: &str) -> &'static str {
    let m = message.to_ascii_lowercase();
    if m.contains("not a valid email") {
        "accounts.errors.email_invalid"
    } else if m.contains("254 characters") {
        "accounts.errors.email_too_long"
    } else if m.contains("1 to 80 characters") {
        "accounts.errors.name_length"
    } else if m.starts_with("use at least") {
        "accounts.errors.password_too_short"
    } else if m.starts_with("use at most") {
        "accounts.errors.password_too_long"
    } else if m.contains("too common") || m.contains("easy to guess") {
        "accounts.errors.password_weak"
    } else if m.contains("startup_founder") {
        "accounts.errors.kind_required"
    } else if m.contains("invalid, used or expired") {
        "accounts.errors.link_invalid"
    } else if m.contains("not your current password") {
        "accounts.errors.current_password_wrong"
    } else if m.contains("already your address") {
        "accounts.errors.email_same"
    } else {
        "accounts.errors.invalid"
    }
}

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

// ---------------------------------------------------------------------------------------------
// Sign-up
// ---------------------------------------------------------------------------------------------

#[derive(Default, Deserialize)]
#[serde(default)]
pub struct SignupForm {
    email: String,
    display_name: String,
    password: String,
    lang: String,
    kind: String,
}

#[derive(Template)]
#[template(path = "accounts/signup.html")]
struct SignupPage {
    layout: Layout,
    t: Translator,
    form: FormState,
    email: String,
    display_name: String,
    langs: Vec<Choice>,
    kinds: Vec<Choice>,
}

impl SignupPage {
    fn new(req: &HttpRequest, lang: Lang, form: FormState, values: &SignupForm) -> Self {
        let t = lang.t();
        let chosen_lang = if values.lang.is_empty() {
            lang.code()
        } else {
            values.lang.as_str()
        };
        Self {
            layout: Layout::new(
                req,
                lang,
                &title(t, "accounts.signup.title", form.has_errors()),
                t.get("accounts.signup.description"),
            ),
            t,
            form,
            email: values.email.clone(),
            display_name: values.display_name.clone(),
            langs: lang_choices(chosen_lang),
            kinds: kind_choices(&values.kind),
        }
    }
}

#[derive(Template)]
#[template(path = "accounts/signup_done.html")]
struct SignupDone {
    layout: Layout,
    t: Translator,
    email: String,
}

async fn signup_form(req: HttpRequest, lang: Lang, me: Option<CurrentUser>) -> Page {
    if me.is_some() {
        return Ok(see_other("/compte"));
    }
    render(
        StatusCode::OK,
        &SignupPage::new(&req, lang, FormState::new(""), &SignupForm::default()),
    )
}

async fn signup(
    req: HttpRequest,
    lang: Lang,
    state: web::Data<AppState>,
    auth: web::Data<AuthState>,
    CsrfForm(form): CsrfForm<SignupForm>,
) -> Page {
    let input = SignupInput {
        email: form.email.clone(),
        password: form.password.clone(),
        display_name: form.display_name.clone(),
        lang: Lang::parse(&form.lang),
        kind: form.kind.clone(),
    };
    match service::signup(&ctx(&req, &state, &auth), input).await {
        Ok(()) => {
            let t = lang.t();
            let page = SignupDone {
                layout: Layout::new(
                    &req,
                    lang,
                    &title(t, "accounts.signup.done_title", false),
                    t.get("accounts.signup.description"),
                ),
                t,
                email: form.email.trim().to_lowercase(),
            };
            render(StatusCode::OK, &page)
        }
        Err(AppError::Validation(errors)) => {
            let state = FormState::with_errors(
                "",
                lang.t(),
                &errors,
                &["email", "display_name", "password", "kind"],
            );
            render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &SignupPage::new(&req, lang, state, &form),
            )
        }
        Err(e) => Err(e),
    }
}

// ---------------------------------------------------------------------------------------------
// Sign-in and sign-out
// ---------------------------------------------------------------------------------------------

#[derive(Default, Deserialize)]
#[serde(default)]
pub struct LoginForm {
    email: String,
    password: String,
    suivant: String,
}

#[derive(Deserialize)]
pub struct NextQuery {
    suivant: Option<String>,
}

#[derive(Template)]
#[template(path = "accounts/login.html")]
struct LoginPage {
    layout: Layout,
    t: Translator,
    form: FormState,
    email: String,
    next: String,
}

impl LoginPage {
    fn new(
        req: &HttpRequest,
        lang: Lang,
        form: FormState,
        email: String,
        next: Option<&str>,
    ) -> Self {
        let t = lang.t();
        Self {
            layout: Layout::new(
                req,
                lang,
                &title(t, "accounts.login.title", form.has_errors()),
                t.get("accounts.login.description"),
            ),
            t,
            form,
            email,
            next: safe_next(next).unwrap_or("").to_owned(),
        }
    }
}

async fn login_form(
    req: HttpRequest,
    lang: Lang,
    me: Option<CurrentUser>,
    query: web::Query<NextQuery>,
) -> Page {
    let next = safe_next(query.suivant.as_deref());
    if me.is_some() {
        return Ok(see_other(next.unwrap_or("/compte")));
    }
    render(
        StatusCode::OK,
        &LoginPage::new(&req, lang, FormState::new(""), String::new(), next),
    )
}

async fn login(
    req: HttpRequest,
    lang: Lang,
    state: web::Data<AppState>,
    auth: web::Data<AuthState>,
    CsrfForm(form): CsrfForm<LoginForm>,
) -> Page {
    let t = lang.t();
    let input = LoginInput {
        email: form.email.clone(),
        password: form.password,
    };
    let mut retry_after = None;
    let (status, message) = match service::login(&ctx(&req, &state, &auth), input).await {
        Ok(issued) => {
            let mut res = HttpResponse::SeeOther();
            res.insert_header((
                header::LOCATION,
                safe_next(Some(&form.suivant))
                    .unwrap_or("/compte")
                    .to_owned(),
            ));
            for cookie in session::cookies(&issued, auth.secure_cookies) {
                res.cookie(cookie);
            }
            return Ok(res.finish());
        }
        Err(AppError::Unauthorized(_)) => (
            StatusCode::UNAUTHORIZED,
            t.get("accounts.login.wrong").to_owned(),
        ),
        Err(AppError::Forbidden(_)) => (
            StatusCode::FORBIDDEN,
            t.get("accounts.login.deactivated").to_owned(),
        ),
        Err(AppError::TooManyRequests(seconds)) => {
            retry_after = Some(seconds);
            let minutes = seconds.div_ceil(60).max(1);
            (
                StatusCode::TOO_MANY_REQUESTS,
                t.get("accounts.login.too_many")
                    .replace("{minutes}", &minutes.to_string()),
            )
        }
        Err(e) => return Err(e),
    };
    let page = LoginPage::new(
        &req,
        lang,
        FormState::with_general("", message),
        form.email,
        Some(&form.suivant),
    );
    let mut res = render(status, &page)?;
    if let Some(seconds) = retry_after {
        res.headers_mut()
            .insert(header::RETRY_AFTER, header::HeaderValue::from(seconds));
    }
    Ok(res)
}

async fn logout(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: web::Data<AuthState>,
    me: Option<CurrentUser>,
    _form: CsrfForm<NoFields>,
) -> Page {
    if let Some(me) = me {
        service::logout(&state.db, me.user_id, me.session_id, client_ip(&req)).await?;
    }
    let mut res = HttpResponse::SeeOther();
    res.insert_header((header::LOCATION, "/"));
    for cookie in session::clearing_cookies(auth.secure_cookies) {
        res.cookie(cookie);
    }
    Ok(res.finish())
}

// ---------------------------------------------------------------------------------------------
// Email verification
// ---------------------------------------------------------------------------------------------

#[derive(Default, Deserialize)]
#[serde(default)]
pub struct TokenQuery {
    jeton: String,
}

#[derive(Template)]
#[template(path = "accounts/verify.html")]
struct VerifyPage {
    layout: Layout,
    t: Translator,
    /// `confirm` (the button), `done`, `invalid` or `taken`.
    step: &'static str,
    token: String,
    signed_in: bool,
}

impl VerifyPage {
    fn new(
        req: &HttpRequest,
        lang: Lang,
        step: &'static str,
        token: String,
        signed_in: bool,
    ) -> Self {
        let t = lang.t();
        let key = match step {
            "done" => "accounts.verify.done_title",
            "invalid" | "taken" => "accounts.verify.invalid_title",
            _ => "accounts.verify.title",
        };
        Self {
            layout: Layout::new(
                req,
                lang,
                &title(t, key, false),
                t.get("accounts.verify.lead"),
            ),
            t,
            step,
            token,
            signed_in,
        }
    }
}

async fn verify_form(
    req: HttpRequest,
    lang: Lang,
    me: Option<CurrentUser>,
    query: web::Query<TokenQuery>,
) -> Page {
    let token = query.into_inner().jeton.trim().to_owned();
    if token.is_empty() {
        return render(
            StatusCode::BAD_REQUEST,
            &VerifyPage::new(&req, lang, "invalid", token, me.is_some()),
        );
    }
    render(
        StatusCode::OK,
        &VerifyPage::new(&req, lang, "confirm", token, me.is_some()),
    )
}

async fn verify(
    req: HttpRequest,
    lang: Lang,
    state: web::Data<AppState>,
    me: Option<CurrentUser>,
    CsrfForm(form): CsrfForm<TokenQuery>,
) -> Page {
    let signed_in = me.is_some();
    let (status, step) =
        match service::verify_email(&state.db, form.jeton.trim().to_owned(), client_ip(&req)).await
        {
            Ok(()) => (StatusCode::OK, "done"),
            Err(AppError::Validation(_)) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid"),
            Err(AppError::Conflict(_)) => (StatusCode::CONFLICT, "taken"),
            Err(e) => return Err(e),
        };
    render(
        status,
        &VerifyPage::new(&req, lang, step, String::new(), signed_in),
    )
}

// ---------------------------------------------------------------------------------------------
// Password reset
// ---------------------------------------------------------------------------------------------

#[derive(Default, Deserialize)]
#[serde(default)]
pub struct ForgotForm {
    email: String,
}

#[derive(Template)]
#[template(path = "accounts/forgot.html")]
struct ForgotPage {
    layout: Layout,
    t: Translator,
    form: FormState,
    email: String,
    done: bool,
}

impl ForgotPage {
    fn new(req: &HttpRequest, lang: Lang, form: FormState, email: String, done: bool) -> Self {
        let t = lang.t();
        let key = if done {
            "accounts.forgot.done_title"
        } else {
            "accounts.forgot.title"
        };
        Self {
            layout: Layout::new(
                req,
                lang,
                &title(t, key, form.has_errors()),
                t.get("accounts.forgot.lead"),
            ),
            t,
            form,
            email,
            done,
        }
    }
}

async fn forgot_form(req: HttpRequest, lang: Lang) -> Page {
    render(
        StatusCode::OK,
        &ForgotPage::new(&req, lang, FormState::new(""), String::new(), false),
    )
}

async fn forgot(
    req: HttpRequest,
    lang: Lang,
    state: web::Data<AppState>,
    auth: web::Data<AuthState>,
    CsrfForm(form): CsrfForm<ForgotForm>,
) -> Page {
    match service::request_password_reset(&ctx(&req, &state, &auth), &form.email).await {
        Ok(()) => render(
            StatusCode::OK,
            &ForgotPage::new(
                &req,
                lang,
                FormState::new(""),
                form.email.trim().to_owned(),
                true,
            ),
        ),
        Err(AppError::Validation(errors)) => {
            let state = FormState::with_errors("", lang.t(), &errors, &["email"]);
            render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &ForgotPage::new(&req, lang, state, form.email, false),
            )
        }
        Err(e) => Err(e),
    }
}

#[derive(Default, Deserialize)]
#[serde(default)]
pub struct ResetForm {
    jeton: String,
    password: String,
}

#[derive(Template)]
#[template(path = "accounts/reset.html")]
struct ResetPage {
    layout: Layout,
    t: Translator,
    form: FormState,
    /// `form`, `done` or `invalid`.
    step: &'static str,
    token: String,
}

impl ResetPage {
    fn new(
        req: &HttpRequest,
        lang: Lang,
        form: FormState,
        step: &'static str,
        token: String,
    ) -> Self {
        let t = lang.t();
        let key = match step {
            "done" => "accounts.reset.done_title",
            "invalid" => "accounts.reset.invalid_title",
            _ => "accounts.reset.title",
        };
        Self {
            layout: Layout::new(
                req,
                lang,
                &title(t, key, form.has_errors()),
                t.get("accounts.reset.lead"),
            ),
            t,
            form,
            step,
            token,
        }
    }
}

async fn reset_form(req: HttpRequest, lang: Lang, query: web::Query<TokenQuery>) -> Page {
    let token = query.into_inner().jeton.trim().to_owned();
    if token.is_empty() {
        return render(
            StatusCode::BAD_REQUEST,
            &ResetPage::new(&req, lang, FormState::new(""), "invalid", token),
        );
    }
    render(
        StatusCode::OK,
        &ResetPage::new(&req, lang, FormState::new(""), "form", token),
    )
}

async fn reset(
    req: HttpRequest,
    lang: Lang,
    state: web::Data<AppState>,
    auth: web::Data<AuthState>,
    CsrfForm(form): CsrfForm<ResetForm>,
) -> Page {
    let token = form.jeton.trim().to_owned();
    match service::confirm_password_reset(&ctx(&req, &state, &auth), token.clone(), form.password)
        .await
    {
        Ok(()) => {
            // Every session ended, this browser's too.
            let page = ResetPage::new(&req, lang, FormState::new(""), "done", String::new());
            let mut res = render(StatusCode::OK, &page)?;
            for cookie in session::clearing_cookies(auth.secure_cookies) {
                res.add_cookie(&cookie).map_err(AppError::internal)?;
            }
            Ok(res)
        }
        Err(AppError::Validation(errors)) if errors.contains_key("token") => render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &ResetPage::new(&req, lang, FormState::new(""), "invalid", String::new()),
        ),
        Err(AppError::Validation(errors)) => {
            let state = FormState::with_errors("", lang.t(), &errors, &["password"]);
            render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &ResetPage::new(&req, lang, state, "form", token),
            )
        }
        Err(e) => Err(e),
    }
}

// ---------------------------------------------------------------------------------------------
// The account page
// ---------------------------------------------------------------------------------------------

/// A confirmation after a change (`/compte?ok=…`), shown in the section of the page that
/// changed (the redirect's `#fragment` brings the reader back there).
#[derive(Clone, Copy)]
pub struct Flash {
    code: &'static str,
    section: &'static str,
    key: &'static str,
}

const FLASH: [Flash; 6] = [
    Flash {
        code: "profil",
        section: "profil",
        key: "accounts.flash.profile",
    },
    Flash {
        code: "mot-de-passe",
        section: "mot-de-passe",
        key: "accounts.flash.password",
    },
    Flash {
        code: "email",
        section: "adresse",
        key: "accounts.flash.email",
    },
    Flash {
        code: "verification",
        section: "haut",
        key: "accounts.flash.verification",
    },
    Flash {
        code: "session",
        section: "sessions",
        key: "accounts.flash.session",
    },
    Flash {
        code: "sessions",
        section: "sessions",
        key: "accounts.flash.sessions",
    },
];

/// Where a change sends the reader back: `/compte?ok=profil#profil`.
fn back_to_account(code: &str) -> HttpResponse {
    match FLASH.iter().find(|f| f.code == code) {
        Some(f) if f.section != "haut" => {
            see_other(&format!("/compte?ok={}#{}", f.code, f.section))
        }
        _ => see_other(&format!("/compte?ok={code}")),
    }
}

/// The forms of the account page, with what a refused one held.
struct AccountForms {
    profile: FormState,
    display_name: Option<String>,
    lang: Option<String>,
    password: FormState,
    email: FormState,
    new_email: String,
    delete: FormState,
}

impl Default for AccountForms {
    fn default() -> Self {
        Self {
            profile: FormState::new("profil"),
            display_name: None,
            lang: None,
            password: FormState::new("mdp"),
            email: FormState::new("adresse"),
            new_email: String::new(),
            delete: FormState::new("suppression"),
        }
    }
}

pub struct SessionView {
    pub id: i64,
    pub device: String,
    pub ip: String,
    pub last_used: String,
    pub started: String,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "accounts/account.html")]
struct AccountPage {
    layout: Layout,
    t: Translator,
    flash: Option<Flash>,
    display_name: String,
    email: String,
    verified: bool,
    forms: AccountForms,
    profile_name: String,
    langs: Vec<Choice>,
    sessions: Vec<SessionView>,
    others: usize,
}

/// "Firefox · Linux" from a User-Agent header.
fn device(agent: &str, t: Translator) -> String {
    let browser = [
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
        ("curl/", "curl"),
    ]
    .iter()
    .find(|(sign, _)| agent.contains(sign))
    .map(|(_, name)| *name);
    let system = [
        ("Android", "Android"),
        ("iPhone", "iOS"),
        ("iPad", "iPadOS"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("CrOS", "ChromeOS"),
        ("Linux", "Linux"),
    ]
    .iter()
    .find(|(sign, _)| agent.contains(sign))
    .map(|(_, name)| *name);
    match (browser, system) {
        (Some(b), Some(s)) => format!("{b} · {s}"),
        (Some(one), None) | (None, Some(one)) => one.to_owned(),
        (None, None) if agent.trim().is_empty() => {
            t.get("accounts.sessions.unknown_device").to_owned()
        }
        (None, None) => agent.chars().take(60).collect(),
    }
}

impl AccountPage {
    /// The confirmation to show in `section`, if any.
    fn flash_for(&self, section: &str) -> Option<&'static str> {
        self.flash.filter(|f| f.section == section).map(|f| f.key)
    }
}

/// Renders the account page; `forms` carries a refused form, `flash` a confirmation.
async fn account_page(
    req: &HttpRequest,
    lang: Lang,
    state: &AppState,
    me: &CurrentUser,
    flash: Option<Flash>,
    forms: AccountForms,
    status: StatusCode,
) -> Page {
    let t = lang.t();
    let sessions: Vec<SessionView> = service::sessions(&state.db, me.user_id)
        .await?
        .into_iter()
        .map(|s| SessionView {
            id: s.id,
            device: device(&s.user_agent, t),
            ip: s.ip,
            last_used: dates::datetime(s.last_used_at.and_utc(), lang),
            started: dates::datetime(s.created_at.and_utc(), lang),
            current: s.id == me.session_id,
        })
        .collect();
    let errors = [&forms.profile, &forms.password, &forms.email, &forms.delete]
        .iter()
        .any(|f| f.has_errors());
    let chosen_lang = forms.lang.clone().unwrap_or_else(|| me.lang.clone());
    let page = AccountPage {
        layout: Layout::new(
            req,
            lang,
            &title(t, "accounts.account.title", errors),
            t.get("accounts.account.lead"),
        ),
        t,
        flash,
        display_name: me.display_name.clone(),
        email: me.email.clone(),
        verified: me.verified,
        profile_name: forms
            .display_name
            .clone()
            .unwrap_or_else(|| me.display_name.clone()),
        langs: lang_choices(&chosen_lang),
        forms,
        others: sessions.iter().filter(|s| !s.current).count(),
        sessions,
    };
    render(status, &page)
}

#[derive(Deserialize)]
pub struct AccountQuery {
    ok: Option<String>,
}

async fn account(
    req: HttpRequest,
    lang: Lang,
    state: web::Data<AppState>,
    me: Option<CurrentUser>,
    query: web::Query<AccountQuery>,
) -> Page {
    let Some(me) = me else {
        return Ok(sign_in_first("/compte"));
    };
    let flash = query
        .ok
        .as_deref()
        .and_then(|ok| FLASH.iter().find(|f| f.code == ok))
        .copied();
    account_page(
        &req,
        lang,
        &state,
        &me,
        flash,
        AccountForms::default(),
        StatusCode::OK,
    )
    .await
}

#[derive(Default, Deserialize)]
#[serde(default)]
pub struct ProfileForm {
    display_name: String,
    lang: String,
}

async fn update_profile(
    req: HttpRequest,
    lang: Lang,
    state: web::Data<AppState>,
    auth: web::Data<AuthState>,
    me: Option<CurrentUser>,
    CsrfForm(form): CsrfForm<ProfileForm>,
) -> Page {
    let Some(me) = me else {
        return Ok(sign_in_first("/compte"));
    };
    let chosen = Lang::parse(&form.lang);
    let input = ProfileInput {
        display_name: Some(form.display_name.clone()),
        lang: chosen,
    };
    match service::update_profile(&ctx(&req, &state, &auth), &me, input).await {
        Ok(()) => {
            let mut res = back_to_account("profil");
            // The language chosen for emails is the site's language too.
            if let Some(chosen) = chosen {
                res.add_cookie(&lang_cookie(chosen, auth.secure_cookies))
                    .map_err(AppError::internal)?;
            }
            Ok(res)
        }
        Err(AppError::Validation(errors)) => {
            let forms = AccountForms {
                profile: FormState::with_errors(
                    "profil",
                    lang.t(),
                    &errors,
                    &["display_name", "lang"],
                ),
                display_name: Some(form.display_name),
                lang: Some(form.lang),
                ..AccountForms::default()
            };
            account_page(
                &req,
                lang,
                &state,
                &me,
                None,
                forms,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e),
    }
}

#[derive(Default, Deserialize)]
#[serde(default)]
pub struct PasswordForm {
    current_password: String,
    new_password: String,
}

async fn change_password(
    req: HttpRequest,
    lang: Lang,
    state: web::Data<AppState>,
    auth: web::Data<AuthState>,
    me: Option<CurrentUser>,
    CsrfForm(form): CsrfForm<PasswordForm>,
) -> Page {
    let Some(me) = me else {
        return Ok(sign_in_first("/compte"));
    };
    match service::change_password(
        &ctx(&req, &state, &auth),
        &me,
        form.current_password,
        form.new_password,
    )
    .await
    {
        Ok(()) => Ok(back_to_account("mot-de-passe")),
        Err(AppError::Validation(errors)) => {
            let forms = AccountForms {
                password: FormState::with_errors(
                    "mdp",
                    lang.t(),
                    &errors,
                    &["current_password", "new_password"],
                ),
                ..AccountForms::default()
            };
            account_page(
                &req,
                lang,
                &state,
                &me,
                None,
                forms,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e),
    }
}

#[derive(Default, Deserialize)]
#[serde(default)]
pub struct EmailForm {
    current_password: String,
    new_email: String,
}

async fn change_email(
    req: HttpRequest,
    lang: Lang,
    state: web::Data<AppState>,
    auth: web::Data<AuthState>,
    me: Option<CurrentUser>,
    CsrfForm(form): CsrfForm<EmailForm>,
) -> Page {
    let Some(me) = me else {
        return Ok(sign_in_first("/compte"));
    };
    match service::change_email(
        &ctx(&req, &state, &auth),
        &me,
        form.current_password,
        &form.new_email,
    )
    .await
    {
        Ok(()) => Ok(back_to_account("email")),
        Err(AppError::Validation(errors)) => {
            let forms = AccountForms {
                email: FormState::with_errors(
                    "adresse",
                    lang.t(),
                    &errors,
                    &["new_email", "current_password"],
                ),
                new_email: form.new_email,
                ..AccountForms::default()
            };
            account_page(
                &req,
                lang,
                &state,
                &me,
                None,
                forms,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e),
    }
}

async fn resend_verification(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: web::Data<AuthState>,
    me: Option<CurrentUser>,
    _form: CsrfForm<NoFields>,
) -> Page {
    let Some(me) = me else {
        return Ok(sign_in_first("/compte"));
    };
    match service::resend_verification(&ctx(&req, &state, &auth), &me).await {
        // Already verified (in another tab): the page says so by itself.
        Ok(()) | Err(AppError::Conflict(_)) => Ok(back_to_account("verification")),
        Err(e) => Err(e),
    }
}

async fn revoke_session(
    req: HttpRequest,
    state: web::Data<AppState>,
    me: Option<CurrentUser>,
    id: web::Path<i64>,
    _form: CsrfForm<NoFields>,
) -> Page {
    let Some(me) = me else {
        return Ok(sign_in_first("/compte"));
    };
    service::revoke_session(&state.db, &me, id.into_inner(), client_ip(&req)).await?;
    Ok(back_to_account("session"))
}

async fn revoke_other_sessions(
    req: HttpRequest,
    state: web::Data<AppState>,
    me: Option<CurrentUser>,
    _form: CsrfForm<NoFields>,
) -> Page {
    let Some(me) = me else {
        return Ok(sign_in_first("/compte"));
    };
    service::revoke_other_sessions(&state.db, &me, client_ip(&req)).await?;
    Ok(back_to_account("sessions"))
}

#[derive(Default, Deserialize)]
#[serde(default)]
pub struct DeleteForm {
    current_password: String,
}

async fn delete_account(
    req: HttpRequest,
    lang: Lang,
    state: web::Data<AppState>,
    auth: web::Data<AuthState>,
    me: Option<CurrentUser>,
    CsrfForm(form): CsrfForm<DeleteForm>,
) -> Page {
    let Some(me) = me else {
        return Ok(sign_in_first("/compte"));
    };
    match service::delete_account(&ctx(&req, &state, &auth), &me, form.current_password).await {
        Ok(()) => {
            let mut res = HttpResponse::SeeOther();
            res.insert_header((header::LOCATION, "/compte-supprime"));
            for cookie in session::clearing_cookies(auth.secure_cookies) {
                res.cookie(cookie);
            }
            Ok(res.finish())
        }
        Err(AppError::Validation(errors)) => {
            let forms = AccountForms {
                delete: FormState::with_errors(
                    "suppression",
                    lang.t(),
                    &errors,
                    &["current_password"],
                ),
                ..AccountForms::default()
            };
            account_page(
                &req,
                lang,
                &state,
                &me,
                None,
                forms,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "accounts/deleted.html")]
struct DeletedPage {
    layout: Layout,
    t: Translator,
}

async fn deleted(req: HttpRequest, lang: Lang) -> Page {
    let t = lang.t();
    render(
        StatusCode::OK,
        &DeletedPage {
            layout: Layout::new(
                &req,
                lang,
                &title(t, "accounts.deleted.title", false),
                t.get("accounts.deleted.lead"),
            ),
            t,
        },
    )
}

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
