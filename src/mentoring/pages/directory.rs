//! The public side of mentoring: the mentor directory (`/mentorat`), a mentor's page with the
//! request form (`/mentorat/mentors/{slug}`, `POST …/demander`) and a project's page
//! (`/mentorat/projets/{slug}`).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::{
    Availability, Chip, Choice, LANGUAGES, MentorCard, Status, chips, initials, is_refusal,
    language_names, refusal, refusal_status, slot_text,
};
use crate::app::AppState;
use crate::auth::csrf::CsrfForm;
use crate::auth::{CurrentUser, MaybeUser, Role};
use crate::error::AppError;
use crate::mentoring::portal;
use crate::mentoring::service;
use crate::mentoring::workflow::{self, MentorRequestInput};
use crate::themes::service as themes;
use crate::web::respond::or_sign_in;
use crate::web::{Lang, Layout, Translator, markdown, respond};

type Page = Result<HttpResponse, AppError>;

#[derive(Deserialize)]
pub struct DirectoryQuery {
    #[serde(default)]
    theme: String,
    #[serde(default)]
    langue: String,
}

#[derive(Template)]
#[template(path = "mentoring/directory.html")]
struct DirectoryPage {
    layout: Layout,
    t: Translator,
    cards: Vec<MentorCard>,
    themes: Vec<Choice>,
    languages: Vec<Choice>,
    filtered: bool,
    count_text: String,
    signed_in: bool,
}

/// `GET /mentorat`
pub async fn index(
    req: HttpRequest,
    lang: Lang,
    viewer: MaybeUser,
    state: web::Data<AppState>,
    query: web::Query<DirectoryQuery>,
) -> Page {
    let viewer = viewer.0.map(CurrentUser);
    let signed_in = viewer.is_some();
    let all_themes = themes::all(&state.db).await?;
    let theme = all_themes
        .iter()
        .find(|th| th.slug == query.theme.trim())
        .map(|th| th.slug.clone());
    let language = LANGUAGES
        .iter()
        .find(|l| **l == query.langue.trim())
        .map(|l| (*l).to_owned());
    let filtered = theme.is_some() || language.is_some();
    let mentors = service::directory(&state.db, viewer, theme.clone(), language.clone()).await?;
    let t = lang.t();
    let count_text = match mentors.len() {
        0 => t.get("mentoring.directory.count_zero").to_owned(),
        1 => t.get("mentoring.directory.count_one").to_owned(),
        n => t
            .get("mentoring.directory.count_many")
            .replace("{n}", &n.to_string()),
    };
    let page = DirectoryPage {
        layout: Layout::new(
            &req,
            lang,
            &format!("{} · Quai", t.get("mentoring.directory.title")),
            t.get("mentoring.directory.lead"),
        ),
        t,
        cards: mentors.iter().map(|v| MentorCard::new(v, lang)).collect(),
        themes: all_themes
            .iter()
            .map(|th| Choice::of(&th.slug, th.label(lang), theme.as_deref() == Some(&th.slug)))
            .collect(),
        languages: LANGUAGES
            .iter()
            .map(|code| {
                Choice::of(
                    code,
                    t.get(&format!("mentoring.languages.{code}")),
                    language.as_deref() == Some(*code),
                )
            })
            .collect(),
        filtered,
        count_text,
        signed_in,
    };
    respond::html(StatusCode::OK, &page, signed_in)
}

/// What the request box of a mentor's page offers the viewer.
pub enum Ask {
    /// A visitor: sign in first (with the way back).
    SignIn(String),
    /// The mentor's own page.
    Own,
    /// Paused or full: no request now.
    Unavailable,
    /// Signed in, but no open project of a startup of theirs.
    NoProject,
    /// The form, with the open projects of the viewer's startups.
    Form(Vec<Choice>),
}

/// What was typed in the request form, and why it was refused.
#[derive(Default)]
pub struct AskForm {
    pub project_id: String,
    pub message: String,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "mentoring/mentor.html")]
struct MentorPage {
    layout: Layout,
    t: Translator,
    slug: String,
    name: String,
    initials: String,
    headline: String,
    organization: Option<(String, String)>,
    bio_html: String,
    expertise: Vec<Chip>,
    languages: String,
    stages: Vec<String>,
    availability_text: String,
    slots: Vec<String>,
    badge: Availability,
    places: String,
    ask: Ask,
    form: AskForm,
    /// Where the signed-in mentor edits this profile (their own page).
    edit_href: Option<String>,
    hidden: bool,
}

/// `GET /mentorat/mentors/{slug}`
pub async fn mentor(
    req: HttpRequest,
    lang: Lang,
    viewer: MaybeUser,
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Page {
    let viewer = viewer.0.map(CurrentUser);
    render_mentor(
        &req,
        lang,
        viewer.as_ref(),
        &state,
        slug.into_inner(),
        AskForm::default(),
        StatusCode::OK,
    )
    .await
}

async fn render_mentor(
    req: &HttpRequest,
    lang: Lang,
    viewer: Option<&CurrentUser>,
    state: &AppState,
    slug: String,
    form: AskForm,
    status: StatusCode,
) -> Page {
    let view = service::mentor_by_slug(&state.db, viewer.cloned(), slug).await?;
    let t = lang.t();
    let m = &view.mentor;
    let own = viewer.is_some_and(|v| v.user_id == m.user_id);
    let ask = match viewer {
        None => {
            let back = format!("/mentorat/mentors/{}", m.slug);
            let back: String = url::form_urlencoded::byte_serialize(back.as_bytes()).collect();
            Ask::SignIn(format!("/connexion?suivant={back}"))
        }
        Some(_) if own => Ask::Own,
        Some(_) if !m.available() && form.error.is_none() => Ask::Unavailable,
        Some(me) => {
            let projects: Vec<Choice> = service::projects(&state.db, Some(me.clone()), true)
                .await?
                .into_iter()
                .filter(|p| p.owning && p.project.status == "open")
                .map(|p| Choice {
                    selected: p.project.id.to_string() == form.project_id,
                    value: p.project.id.to_string(),
                    label: format!("{} · {}", p.project.title, p.organization.name),
                })
                .collect();
            if projects.is_empty() {
                Ask::NoProject
            } else {
                Ask::Form(projects)
            }
        }
    };
    let description = if m.headline.is_empty() {
        t.get("mentoring.directory.lead").to_owned()
    } else {
        m.headline.clone()
    };
    let places = t
        .get("mentoring.mentor.places_of")
        .replace("{n}", &m.places_left().to_string())
        .replace("{capacity}", &m.capacity.to_string());
    let page = MentorPage {
        layout: Layout::new(
            req,
            lang,
            &format!("{} · {} · Quai", view.name, t.get("nav.mentoring")),
            &description,
        )
        .about("profile", None),
        slug: m.slug.clone(),
        name: view.name.clone(),
        initials: initials(&view.name),
        headline: m.headline.clone(),
        organization: view
            .organization
            .as_ref()
            .map(|o| (o.name.clone(), o.path())),
        bio_html: markdown::render(&m.bio),
        expertise: chips(&view.expertise, false, lang),
        languages: language_names(&m.language_list(), t),
        stages: m
            .stage_list()
            .iter()
            .map(|s| t.get(&format!("mentoring.stages.{s}")).to_owned())
            .collect(),
        availability_text: m.availability.clone(),
        slots: view
            .slots
            .iter()
            .map(|&(d, s, e)| slot_text(d, s, e, lang))
            .collect(),
        badge: Availability::of(m, t),
        places,
        ask,
        form,
        edit_href: own.then(|| "/espace/mentorat/profil".to_owned()),
        hidden: m.visibility != "public",
        t,
    };
    respond::html(status, &page, viewer.is_some())
}

#[derive(Deserialize)]
pub struct RequestFields {
    #[serde(default)]
    project_id: String,
    #[serde(default)]
    message: String,
}

/// `POST /mentorat/mentors/{slug}/demander`: a pending request, then its page.
pub async fn request(
    req: HttpRequest,
    lang: Lang,
    me: Result<CurrentUser, AppError>,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    form: CsrfForm<RequestFields>,
) -> Page {
    let slug = slug.into_inner();
    let me = match or_sign_in(me, &format!("/mentorat/mentors/{slug}")) {
        Ok(me) => me,
        Err(page) => return page,
    };
    let RequestFields {
        project_id,
        message,
    } = form.0;
    let mentor = service::mentor_by_slug(&state.db, Some(me.clone()), slug.clone()).await?;
    let outcome = match project_id.trim().parse::<i64>() {
        Ok(project_id) => {
            let input = MentorRequestInput {
                project_id,
                mentor_id: mentor.mentor.id,
                message: message.clone(),
            };
            workflow::request(&state.db, &state.settings, &me, input).await
        }
        Err(_) => Err(AppError::validation("project_id", "no such project")),
    };
    match outcome {
        Ok(m) => Ok(respond::see_other(&format!(
            "/espace/mentorat/{}?ok=demandee",
            m.id
        ))),
        Err(e) if is_refusal(&e) => {
            let form = AskForm {
                project_id,
                message,
                error: Some(refusal(&e, lang.t())),
            };
            let status = refusal_status(&e);
            render_mentor(&req, lang, Some(&me), &state, slug, form, status).await
        }
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "mentoring/project.html")]
struct ProjectPage {
    layout: Layout,
    t: Translator,
    title: String,
    organization: String,
    organization_href: String,
    summary_html: String,
    goals: String,
    stage: String,
    languages: String,
    needs: Vec<Chip>,
    status: Status,
    edit_href: Option<String>,
    /// Mentors see the project to decide; a link to their space.
    mentor_viewer: bool,
}

/// `GET /mentorat/projets/{slug}`
pub async fn project(
    req: HttpRequest,
    lang: Lang,
    viewer: MaybeUser,
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Page {
    let viewer = viewer.0.map(CurrentUser);
    let signed_in = viewer.is_some();
    let mentor_viewer = viewer
        .as_ref()
        .is_some_and(|v| v.roles.contains(&Role::Mentor));
    let view = portal::project_by_slug(&state.db, viewer, slug.into_inner()).await?;
    let t = lang.t();
    let p = &view.project;
    let description = if p.goals.is_empty() {
        view.organization.name.clone()
    } else {
        p.goals.clone()
    };
    let page = ProjectPage {
        layout: Layout::new(
            &req,
            lang,
            &format!("{} · {} · Quai", p.title, view.organization.name),
            &description,
        )
        .about("article", None),
        title: p.title.clone(),
        organization: view.organization.name.clone(),
        organization_href: view.organization.path(),
        summary_html: markdown::render(&p.summary),
        goals: p.goals.clone(),
        stage: t.get(&format!("mentoring.stages.{}", p.stage)).to_owned(),
        languages: language_names(&p.language_list(), t),
        needs: chips(&view.needs, true, lang),
        status: Status::of_project(&p.status),
        edit_href: view
            .owning
            .then(|| format!("/espace/mentorat/projets/{}/modifier", p.id)),
        mentor_viewer,
        t,
    };
    respond::html(
        StatusCode::OK,
        &page,
        signed_in || view.project.visibility != "public",
    )
}
