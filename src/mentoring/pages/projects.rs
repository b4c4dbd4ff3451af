//! A startup's projects in the portal: `/espace/mentorat/projets/nouveau`,
//! `/espace/mentorat/projets/{id}/modifier`, and closing or reopening one (`…/statut`).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::{
    Choice, LANGUAGES, Status, all_of, field_message, is_refusal, one_of, refusal, refusal_status,
};
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::auth::csrf::CsrfForm;
use crate::error::AppError;
use crate::mentoring::scoring::STAGES;
use crate::mentoring::service::{
    self, PROJECT_VISIBILITIES, ProjectInput, ProjectView, ThemeLevel,
};
use crate::orgs::model::ACTIVE;
use crate::orgs::service as orgs;
use crate::themes::service as themes;
use crate::web::forms::FormState;
use crate::web::respond::or_sign_in;
use crate::web::{Lang, Layout, Translator, respond};

type Page = Result<HttpResponse, AppError>;

const FIELDS: [&str; 8] = [
    "organization_id",
    "title",
    "summary",
    "goals",
    "stage",
    "languages",
    "needs",
    "visibility",
];

/// What the form holds, as typed.
#[derive(Default)]
pub struct Values {
    pub organization_id: String,
    pub title: String,
    pub summary: String,
    pub goals: String,
    pub stage: String,
    pub languages: Vec<String>,
    /// (theme slug, weight 0–3)
    pub needs: Vec<(String, i32)>,
    pub visibility: String,
}

impl Values {
    fn of(v: &ProjectView) -> Self {
        let p = &v.project;
        Self {
            organization_id: p.organization_id.to_string(),
            title: p.title.clone(),
            summary: p.summary.clone(),
            goals: p.goals.clone(),
            stage: p.stage.clone(),
            languages: p.language_list(),
            needs: v
                .needs
                .iter()
                .map(|(slug, _, _, w)| (slug.clone(), *w))
                .collect(),
            visibility: p.visibility.clone(),
        }
    }

    fn fresh() -> Self {
        Self {
            languages: vec!["fr".into()],
            stage: "idea".into(),
            visibility: "members".into(),
            ..Self::default()
        }
    }

    fn from_pairs(pairs: &[(String, String)]) -> Self {
        Self {
            organization_id: one_of(pairs, "organization_id"),
            title: one_of(pairs, "title"),
            summary: one_of(pairs, "summary"),
            goals: one_of(pairs, "goals"),
            stage: one_of(pairs, "stage"),
            languages: all_of(pairs, "languages"),
            needs: pairs
                .iter()
                .filter_map(|(k, v)| {
                    let slug = k.strip_prefix("need-")?;
                    Some((slug.to_owned(), v.trim().parse().unwrap_or(0)))
                })
                .collect(),
            visibility: one_of(pairs, "visibility"),
        }
    }

    fn weight(&self, slug: &str) -> i32 {
        self.needs
            .iter()
            .find(|(s, _)| s == slug)
            .map_or(0, |(_, w)| *w)
    }

    fn input(&self) -> ProjectInput {
        ProjectInput {
            organization_id: self.organization_id.trim().parse().ok(),
            title: self.title.clone(),
            summary: self.summary.clone(),
            goals: self.goals.clone(),
            stage: self.stage.clone(),
            languages: self.languages.clone(),
            needs: self
                .needs
                .iter()
                .filter(|(_, w)| *w != 0)
                .map(|(theme, w)| ThemeLevel {
                    theme: theme.clone(),
                    level: *w,
                })
                .collect(),
            visibility: self.visibility.clone(),
        }
    }
}

pub struct NeedRow {
    pub slug: String,
    pub label: String,
    pub options: Vec<Choice>,
}

/// What the form shows of an existing project.
pub struct Existing {
    pub id: i64,
    pub status: Status,
    pub public_href: String,
    /// `closed` or `open`: what the status button does.
    pub toggle_to: Option<&'static str>,
    pub organization: String,
}

#[derive(Template)]
#[template(path = "mentoring/project_form.html")]
struct ProjectFormPage {
    layout: Layout,
    t: Translator,
    form: FormState,
    values: Values,
    existing: Option<Existing>,
    organizations: Vec<Choice>,
    stages: Vec<Choice>,
    languages: Vec<Choice>,
    needs: Vec<NeedRow>,
    visibilities: Vec<Choice>,
    flash: Option<String>,
}

impl ProjectFormPage {
    fn action(&self) -> String {
        match &self.existing {
            Some(e) => format!("/espace/mentorat/projets/{}/modifier", e.id),
            None => "/espace/mentorat/projets/nouveau".into(),
        }
    }
}

#[allow(clippy::too_many_arguments)]
async fn render(
    req: &HttpRequest,
    lang: Lang,
    state: &AppState,
    me: &CurrentUser,
    form: FormState,
    values: Values,
    existing: Option<Existing>,
    flash: Option<String>,
    status: StatusCode,
) -> Page {
    let t = lang.t();
    let all_themes = themes::all(&state.db).await?;
    let organizations = if existing.is_none() {
        orgs::mine(&state.db, me)
            .await?
            .into_iter()
            .filter(|(org, _)| org.kind == "startup" && org.status == ACTIVE)
            .map(|(org, _)| Choice {
                selected: org.id.to_string() == values.organization_id,
                value: org.id.to_string(),
                label: org.name,
            })
            .collect()
    } else {
        Vec::new()
    };
    let weight_names: Vec<String> = (0..=3)
        .map(|w| t.get(&format!("mentoring.need.{w}")).to_owned())
        .collect();
    let needs = all_themes
        .iter()
        .map(|th| {
            let current = values.weight(&th.slug);
            NeedRow {
                slug: th.slug.clone(),
                label: th.label(lang).to_owned(),
                options: (0..=3)
                    .map(|w| Choice {
                        value: w.to_string(),
                        label: weight_names[w as usize].clone(),
                        selected: w == current,
                    })
                    .collect(),
            }
        })
        .collect();
    let key = if existing.is_some() {
        "mentoring.project_form.edit_title"
    } else {
        "mentoring.project_form.new_title"
    };
    let mut title = format!("{} · Quai", t.get(key));
    if form.has_errors() {
        title = format!("{} {title}", t.get("accounts.form.title_error"));
    }
    let page = ProjectFormPage {
        layout: Layout::new(req, lang, &title, t.get("mentoring.project_form.lead")),
        organizations,
        stages: STAGES
            .iter()
            .map(|s| Choice {
                value: (*s).to_owned(),
                label: t.get(&format!("mentoring.stages.{s}")).to_owned(),
                selected: values.stage == *s,
            })
            .collect(),
        languages: LANGUAGES
            .iter()
            .map(|code| Choice {
                value: (*code).to_owned(),
                label: t.get(&format!("mentoring.languages.{code}")).to_owned(),
                selected: values.languages.iter().any(|l| l == code),
            })
            .collect(),
        needs,
        visibilities: PROJECT_VISIBILITIES
            .iter()
            .map(|v| Choice {
                value: (*v).to_owned(),
                label: t
                    .get(&format!("mentoring.project_form.visibility_{v}"))
                    .to_owned(),
                selected: values.visibility == *v,
            })
            .collect(),
        t,
        form,
        values,
        existing,
        flash,
    };
    respond::html(status, &page, true)
}

/// `GET /espace/mentorat/projets/nouveau`
pub async fn new_form(
    req: HttpRequest,
    lang: Lang,
    me: Result<CurrentUser, AppError>,
    state: web::Data<AppState>,
) -> Page {
    let me = match or_sign_in(me, "/espace/mentorat/projets/nouveau") {
        Ok(me) => me,
        Err(page) => return page,
    };
    render(
        &req,
        lang,
        &state,
        &me,
        FormState::new(""),
        Values::fresh(),
        None,
        None,
        StatusCode::OK,
    )
    .await
}

/// A refused form: field errors, or a refusal of the whole form.
fn refused_form(e: &AppError, lang: Lang) -> FormState {
    let t = lang.t();
    match e {
        AppError::Validation(errors) => {
            FormState::with_messages("", errors, &FIELDS, |m| field_message(m, t))
        }
        other => FormState::with_general("", refusal(other, t)),
    }
}

/// `POST /espace/mentorat/projets/nouveau`
pub async fn create(
    req: HttpRequest,
    lang: Lang,
    me: Result<CurrentUser, AppError>,
    state: web::Data<AppState>,
    form: CsrfForm<Vec<(String, String)>>,
) -> Page {
    let me = match or_sign_in(me, "/espace/mentorat/projets/nouveau") {
        Ok(me) => me,
        Err(page) => return page,
    };
    let values = Values::from_pairs(&form.0);
    match service::create_project(&state.db, &me, values.input()).await {
        Ok(_) => Ok(respond::see_other("/espace/mentorat?ok=projet")),
        Err(e) if is_refusal(&e) => {
            let status = refusal_status(&e);
            let form = refused_form(&e, lang);
            render(&req, lang, &state, &me, form, values, None, None, status).await
        }
        Err(e) => Err(e),
    }
}

/// The project to edit: only its startup's members (and admins) reach the form.
async fn existing(
    state: &AppState,
    me: &CurrentUser,
    id: i64,
) -> Result<(Existing, Values), AppError> {
    let view = service::project(&state.db, Some(me.clone()), id).await?;
    if !view.owning && !me.is_admin() {
        return Err(AppError::Forbidden(
            "Only the startup's members change its projects.".into(),
        ));
    }
    let p = &view.project;
    let existing = Existing {
        id: p.id,
        status: Status::of_project(&p.status),
        public_href: format!("/mentorat/projets/{}", p.slug),
        toggle_to: match p.status.as_str() {
            "open" => Some("closed"),
            "closed" => Some("open"),
            _ => None,
        },
        organization: view.organization.name.clone(),
    };
    Ok((existing, Values::of(&view)))
}

#[derive(Deserialize)]
pub struct FlashQuery {
    ok: Option<String>,
}

/// `GET /espace/mentorat/projets/{id}/modifier`
pub async fn edit_form(
    req: HttpRequest,
    lang: Lang,
    me: Result<CurrentUser, AppError>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    query: web::Query<FlashQuery>,
) -> Page {
    let id = id.into_inner();
    let me = match or_sign_in(me, &format!("/espace/mentorat/projets/{id}/modifier")) {
        Ok(me) => me,
        Err(page) => return page,
    };
    let (existing, values) = existing(&state, &me, id).await?;
    let flash = match query.ok.as_deref() {
        Some("enregistre") => Some("mentoring.flash.project_saved".to_owned()),
        Some("clos") => Some("mentoring.flash.project_closed".to_owned()),
        Some("rouvert") => Some("mentoring.flash.project_reopened".to_owned()),
        _ => None,
    };
    render(
        &req,
        lang,
        &state,
        &me,
        FormState::new(""),
        values,
        Some(existing),
        flash,
        StatusCode::OK,
    )
    .await
}

/// `POST /espace/mentorat/projets/{id}/modifier`
pub async fn update(
    req: HttpRequest,
    lang: Lang,
    me: Result<CurrentUser, AppError>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: CsrfForm<Vec<(String, String)>>,
) -> Page {
    let id = id.into_inner();
    let back = format!("/espace/mentorat/projets/{id}/modifier");
    let me = match or_sign_in(me, &back) {
        Ok(me) => me,
        Err(page) => return page,
    };
    let values = Values::from_pairs(&form.0);
    let mut input = values.input();
    input.organization_id = None;
    match service::update_project(&state.db, &me, id, input).await {
        Ok(_) => Ok(respond::see_other(&format!("{back}?ok=enregistre"))),
        Err(e) if matches!(e, AppError::Validation(_) | AppError::Conflict(_)) => {
            let (existing, _) = existing(&state, &me, id).await?;
            let status = refusal_status(&e);
            let form = refused_form(&e, lang);
            render(
                &req,
                lang,
                &state,
                &me,
                form,
                values,
                Some(existing),
                None,
                status,
            )
            .await
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
pub struct StatusFields {
    status: String,
}

/// `POST /espace/mentorat/projets/{id}/statut`: closes an open project or reopens a closed one.
pub async fn set_status(
    req: HttpRequest,
    lang: Lang,
    me: Result<CurrentUser, AppError>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: CsrfForm<StatusFields>,
) -> Page {
    let id = id.into_inner();
    let back = format!("/espace/mentorat/projets/{id}/modifier");
    let me = match or_sign_in(me, &back) {
        Ok(me) => me,
        Err(page) => return page,
    };
    let to = form.0.status;
    match service::set_project_status(&state.db, &state.settings, &me, id, to.clone()).await {
        Ok(p) => Ok(respond::see_other(&format!(
            "{back}?ok={}",
            if p.status == "closed" {
                "clos"
            } else {
                "rouvert"
            }
        ))),
        Err(e) if matches!(e, AppError::Validation(_) | AppError::Conflict(_)) => {
            let (existing, values) = existing(&state, &me, id).await?;
            let status = refusal_status(&e);
            let form = FormState::with_general("", refusal(&e, lang.t()));
            render(
                &req,
                lang,
                &state,
                &me,
                form,
                values,
                Some(existing),
                None,
                status,
            )
            .await
        }
        Err(e) => Err(e),
    }
}
