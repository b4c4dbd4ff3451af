//! The pages behind emailed links, and the forgotten-password form: `/verifier-email`,
//! `/mot-de-passe-oublie`, `/reinitialiser-mot-de-passe`. A link only shows a button; the
//! POST acts (mail scanners open links).

#[allow(unused_imports)]
use super::*;

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

pub(super) async fn verify_form(
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

pub(super) async fn verify(
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

pub(super) async fn forgot_form(req: HttpRequest, lang: Lang) -> Page {
    render(
        StatusCode::OK,
        &ForgotPage::new(&req, lang, FormState::new(""), String::new(), false),
    )
}

pub(super) async fn forgot(
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

pub(super) async fn reset_form(
    req: HttpRequest,
    lang: Lang,
    query: web::Query<TokenQuery>,
) -> Page {
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

pub(super) async fn reset(
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
