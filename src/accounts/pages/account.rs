//! `/compte`: profile, password, email, sessions, data and deletion.

#[allow(unused_imports)]
use super::*;

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
pub(super) fn device(agent: &str, t: Translator) -> String {
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

pub(super) async fn account(
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

pub(super) async fn update_profile(
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

pub(super) async fn change_password(
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

pub(super) async fn change_email(
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

pub(super) async fn resend_verification(
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

pub(super) async fn revoke_session(
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

pub(super) async fn revoke_other_sessions(
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

pub(super) async fn delete_account(
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

pub(super) async fn deleted(req: HttpRequest, lang: Lang) -> Page {
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
