//! `/inscription`: the sign-up form and its answer.

#[allow(unused_imports)]
use super::*;

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

pub(super) async fn signup_form(req: HttpRequest, lang: Lang, me: Option<CurrentUser>) -> Page {
    if me.is_some() {
        return Ok(see_other("/compte"));
    }
    render(
        StatusCode::OK,
        &SignupPage::new(&req, lang, FormState::new(""), &SignupForm::default()),
    )
}

pub(super) async fn signup(
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
