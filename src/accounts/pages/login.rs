//! `/connexion` and `/deconnexion`.

#[allow(unused_imports)]
use super::*;

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

pub(super) async fn login_form(
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

pub(super) async fn login(
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

pub(super) async fn logout(
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
