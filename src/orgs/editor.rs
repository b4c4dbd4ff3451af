//! The organization form of the members' space: `/espace/organisations/nouvelle` (a startup or a
//! partner creates its profile; it waits for the cluster team) and
//! `/espace/organisations/{id}/modifier` (its owners edit it).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::membership;
use super::model::Organization;
use super::service::{self, OrganizationInput};
use crate::app::AppState;
use crate::auth::csrf::CsrfForm;
use crate::auth::{CurrentUser, Role};
use crate::error::{AppError, FieldErrors};
use crate::marketplace::pages::Choice;
use crate::themes::service as themes;
use crate::web::forms::FormState;
use crate::web::respond::or_sign_in as signed_in;
use crate::web::{Lang, Layout, Translator, respond};

type Page = Result<HttpResponse, AppError>;
const NEW: &str = "/espace/organisations/nouvelle";

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource(NEW)
            .route(web::get().to(new_form))
            .route(web::post().to(create)),
    )
    .service(
        web::resource("/espace/organisations/{id}/modifier")
            .route(web::get().to(edit_form))
            .route(web::post().to(update)),
    );
}

/// The form as typed.
#[derive(Default)]
pub struct Values {
    pub kind: String,
    pub name: String,
    pub pitch: String,
    pub description: String,
    pub sector: String,
    pub stage: String,
    pub team_size: String,
    pub founded_year: String,
    pub city: String,
    pub website: String,
    pub contact_email: String,
    pub themes: Vec<String>,
}

impl Values {
    fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        let mut v = Self::default();
        for (name, value) in pairs {
            let slot = match name.as_str() {
                "kind" => &mut v.kind,
                "name" => &mut v.name,
                "pitch" => &mut v.pitch,
                "description" => &mut v.description,
                "sector" => &mut v.sector,
                "stage" => &mut v.stage,
                "team_size" => &mut v.team_size,
                "founded_year" => &mut v.founded_year,
                "city" => &mut v.city,
                "website" => &mut v.website,
                "contact_email" => &mut v.contact_email,
                "themes" => {
                    v.themes.push(value);
                    continue;
                }
                _ => continue,
            };
            *slot = value;
        }
        v
    }

    fn of(org: &Organization, themes: Vec<String>) -> Self {
        Self {
            kind: org.kind.clone(),
            name: org.name.clone(),
            pitch: org.pitch.clone(),
            description: org.description.clone(),
            sector: org.sector.clone(),
            stage: org.stage.clone().unwrap_or_default(),
            team_size: org.team_size.map(|n| n.to_string()).unwrap_or_default(),
            founded_year: org.founded_year.map(|n| n.to_string()).unwrap_or_default(),
            city: org.city.clone(),
            website: org.website.clone(),
            contact_email: org.contact_email.clone(),
            themes,
        }
    }

    /// The service's input; numbers that are not numbers are field errors.
    fn input(&self, creating: bool) -> Result<OrganizationInput, AppError> {
        let mut errors = FieldErrors::new();
        let mut number = |field: &str, raw: &str, range: &str| -> Option<i32> {
            let raw = raw.trim();
            if raw.is_empty() {
                return None;
            }
            raw.parse().map_or_else(
                |_| {
                    errors
                        .entry(field.into())
                        .or_default()
                        .push(format!("must be between {range}"));
                    None
                },
                Some,
            )
        };
        let team_size = number("team_size", &self.team_size, "1 and 100000");
        let founded_year = number("founded_year", &self.founded_year, "1800 and 2100");
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        Ok(OrganizationInput {
            kind: creating.then(|| self.kind.clone()),
            name: self.name.clone(),
            pitch: self.pitch.clone(),
            description: self.description.clone(),
            sector: self.sector.clone(),
            stage: Some(self.stage.clone()).filter(|s| !s.is_empty() && self.kind == "startup"),
            team_size,
            founded_year,
            city: Some(self.city.clone()),
            website: self.website.clone(),
            contact_email: self.contact_email.clone(),
            themes: self.themes.clone(),
        })
    }
}

const FIELDS: [&str; 12] = [
    "kind",
    "name",
    "pitch",
    "description",
    "sector",
    "stage",
    "team_size",
    "founded_year",
    "city",
    "website",
    "contact_email",
    "themes",
];

#[derive(Template)]
#[template(path = "orgs/editor.html")]
struct EditorPage {
    layout: Layout,
    t: Translator,
    form: FormState,
    values: Values,
    /// The kinds this person may create (creation only).
    kinds: Vec<Choice>,
    stages: Vec<Choice>,
    themes: Vec<Choice>,
    /// The organization being edited.
    id: Option<i64>,
}

impl EditorPage {
    fn action(&self) -> String {
        match self.id {
            Some(id) => format!("/espace/organisations/{id}/modifier"),
            None => NEW.into(),
        }
    }

    fn back(&self) -> String {
        match self.id {
            Some(id) => format!("/espace/organisations/{id}"),
            None => "/espace".into(),
        }
    }
}

/// The kinds of organization a person's roles let them create.
fn creatable(me: &CurrentUser) -> Vec<&'static str> {
    let mut kinds = Vec::new();
    if crate::auth::session::grants(&me.roles, Role::StartupMember) {
        kinds.push("startup");
    }
    if crate::auth::session::grants(&me.roles, Role::PartnerMember) {
        kinds.push("partner");
    }
    if me.is_admin() {
        kinds.push("founding_member");
    }
    kinds
}

async fn page(
    req: &HttpRequest,
    lang: Lang,
    state: &AppState,
    me: &CurrentUser,
    form: FormState,
    values: Values,
    id: Option<i64>,
) -> Result<EditorPage, AppError> {
    let t = lang.t();
    let all_themes = themes::all(&state.db).await?;
    let key = if id.is_some() {
        "org_editor.edit_title"
    } else {
        "org_editor.new_title"
    };
    let mut title = format!("{} · Quai", t.get(key));
    if form.has_errors() {
        title = format!("{} {title}", t.get("accounts.form.title_error"));
    }
    let choose = |options: &[&str], prefix: &str, selected: &str| -> Vec<Choice> {
        options
            .iter()
            .map(|v| Choice {
                value: (*v).to_owned(),
                label: t.get(&format!("{prefix}.{v}")).to_owned(),
                selected: *v == selected,
            })
            .collect()
    };
    Ok(EditorPage {
        layout: Layout::new(req, lang, &title, t.get("org_editor.lead")),
        kinds: if id.is_none() {
            choose(&creatable(me), "organization.kinds", &values.kind)
        } else {
            Vec::new()
        },
        stages: choose(
            &["idee", "prototype", "amorcage", "croissance"],
            "organization.stages",
            &values.stage,
        ),
        themes: all_themes
            .iter()
            .map(|th| Choice {
                value: th.slug.clone(),
                label: th.label(lang).to_owned(),
                selected: values.themes.contains(&th.slug),
            })
            .collect(),
        t,
        form,
        values,
        id,
    })
}

/// `GET /espace/organisations/nouvelle`
pub async fn new_form(
    req: HttpRequest,
    lang: Lang,
    me: Result<CurrentUser, AppError>,
    state: web::Data<AppState>,
) -> Page {
    let me = match signed_in(me, NEW) {
        Ok(me) => me,
        Err(page) => return page,
    };
    let values = Values {
        kind: creatable(&me)
            .first()
            .copied()
            .unwrap_or_default()
            .to_owned(),
        city: "Amiens".into(),
        ..Values::default()
    };
    let page = page(&req, lang, &state, &me, FormState::new(""), values, None).await?;
    respond::html(StatusCode::OK, &page, true)
}

async fn refused(
    req: &HttpRequest,
    lang: Lang,
    state: &AppState,
    me: &CurrentUser,
    errors: &FieldErrors,
    values: Values,
    id: Option<i64>,
) -> Page {
    let form = FormState::with_errors("", lang.t(), errors, &FIELDS);
    let page = page(req, lang, state, me, form, values, id).await?;
    respond::html(StatusCode::UNPROCESSABLE_ENTITY, &page, true)
}

/// `POST /espace/organisations/nouvelle`: created (pending), then its page.
pub async fn create(
    req: HttpRequest,
    lang: Lang,
    me: Result<CurrentUser, AppError>,
    state: web::Data<AppState>,
    form: CsrfForm<Vec<(String, String)>>,
) -> Page {
    let me = match signed_in(me, NEW) {
        Ok(me) => me,
        Err(page) => return page,
    };
    let values = Values::from_pairs(form.0);
    let created = match values.input(true) {
        Ok(input) => service::create(&state.db, &me, input).await,
        Err(e) => Err(e),
    };
    match created {
        Ok(org) => Ok(respond::see_other(&format!(
            "/espace/organisations/{}?ok=creee",
            org.id
        ))),
        Err(AppError::Validation(errors)) => {
            refused(&req, lang, &state, &me, &errors, values, None).await
        }
        Err(e) => Err(e),
    }
}

/// `GET /espace/organisations/{id}/modifier` (owners and admins).
pub async fn edit_form(
    req: HttpRequest,
    lang: Lang,
    me: Result<CurrentUser, AppError>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Page {
    let id = id.into_inner();
    let me = match signed_in(me, &format!("/espace/organisations/{id}/modifier")) {
        Ok(me) => me,
        Err(page) => return page,
    };
    if !membership::overview(&state.db, &me, id).await?.manages {
        return Err(AppError::Forbidden(
            "Only the organization's owners can edit it.".into(),
        ));
    }
    let (org, theme_slugs) = service::get(&state.db, Some(&me), id).await?;
    let values = Values::of(&org, theme_slugs);
    let page = page(
        &req,
        lang,
        &state,
        &me,
        FormState::new(""),
        values,
        Some(id),
    )
    .await?;
    respond::html(StatusCode::OK, &page, true)
}

/// `POST /espace/organisations/{id}/modifier`
pub async fn update(
    req: HttpRequest,
    lang: Lang,
    me: Result<CurrentUser, AppError>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: CsrfForm<Vec<(String, String)>>,
) -> Page {
    let id = id.into_inner();
    let me = match signed_in(me, &format!("/espace/organisations/{id}/modifier")) {
        Ok(me) => me,
        Err(page) => return page,
    };
    let overview = membership::overview(&state.db, &me, id).await?;
    if !overview.manages {
        return Err(AppError::Forbidden(
            "Only the organization's owners can edit it.".into(),
        ));
    }
    let mut values = Values::from_pairs(form.0);
    // The kind never changes; it decides whether the stage applies.
    values.kind = overview.organization.kind;
    let updated = match values.input(false) {
        Ok(input) => service::update(&state.db, &me, id, input).await,
        Err(e) => Err(e),
    };
    match updated {
        Ok(_) => Ok(respond::see_other(&format!(
            "/espace/organisations/{id}?ok=fiche"
        ))),
        Err(AppError::Validation(errors)) => {
            refused(&req, lang, &state, &me, &errors, values, Some(id)).await
        }
        Err(e) => Err(e),
    }
}
