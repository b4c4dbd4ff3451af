//! `/api/v1/mentors`, `/api/v1/projects`, `/api/v1/mentorships`, `/api/v1/matching-rounds`.
//! Score breakdowns come in the caller's language (`Accept-Language` or the `quai_lang` cookie).

use actix_web::{HttpResponse, delete, get, post, put, web};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use super::model::{self, Mentorship};
use super::rounds::{self, PairInput, RoundView};
use super::scoring::Score;
use super::service::{self, MentorInput, MentorView, ProjectInput, ProjectView, Suggestion};
use super::workflow::{
    self, DeclineInput, FeedbackInput, MentorRequestInput, MentorshipView, SessionLogInput, Side,
};
use crate::app::AppState;
use crate::auth::{Admin, CurrentUser, MaybeUser};
use crate::error::{AppError, Problem};
use crate::web::pagination::{PageQuery, PageRequest, Paginated};
use crate::web::{Lang, markdown};

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ThemeLevelResource {
    pub theme: String,
    pub label: String,
    /// Expertise level or need weight, 1–3.
    pub level: i32,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SlotResource {
    /// 1 = Monday … 7 = Sunday.
    pub weekday: i32,
    pub start: String,
    pub end: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OrganizationRef {
    pub id: i64,
    pub name: String,
    pub slug: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MentorResource {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub headline: String,
    pub bio: String,
    pub bio_html: String,
    pub organization: Option<OrganizationRef>,
    pub expertise: Vec<ThemeLevelResource>,
    pub languages: Vec<String>,
    /// Project stages taken; empty: all.
    pub stages: Vec<String>,
    pub capacity: i32,
    pub active_mentees: i32,
    pub places_left: i32,
    /// Takes requests now (not paused, a place left).
    pub available: bool,
    pub availability: String,
    pub slots: Vec<SlotResource>,
    pub visibility: String,
    pub paused: bool,
    /// The public page.
    pub url: String,
}

fn hhmm(minutes: i32) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

impl MentorResource {
    pub fn new(v: MentorView, lang: Lang) -> Self {
        let m = v.mentor;
        Self {
            url: format!("/mentorat/mentors/{}", m.slug),
            places_left: m.places_left(),
            available: m.available(),
            languages: m.language_list(),
            stages: m.stage_list(),
            bio_html: markdown::render(&m.bio),
            id: m.id,
            slug: m.slug,
            name: v.name,
            headline: m.headline,
            bio: m.bio,
            organization: v.organization.map(|o| OrganizationRef {
                id: o.id,
                name: o.name,
                slug: o.slug,
            }),
            expertise: v
                .expertise
                .into_iter()
                .map(|(theme, fr, en, level)| ThemeLevelResource {
                    theme,
                    label: if lang == Lang::En { en } else { fr },
                    level,
                })
                .collect(),
            capacity: m.capacity,
            active_mentees: m.active_mentees,
            availability: m.availability,
            slots: v
                .slots
                .into_iter()
                .map(|(weekday, s, e)| SlotResource {
                    weekday,
                    start: hhmm(s),
                    end: hhmm(e),
                })
                .collect(),
            visibility: m.visibility,
            paused: m.paused,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ProjectResource {
    pub id: i64,
    pub slug: String,
    pub organization: OrganizationRef,
    pub title: String,
    pub summary: String,
    pub summary_html: String,
    pub goals: String,
    /// `idea`, `prototype`, `launch` or `growth`.
    pub stage: String,
    pub languages: Vec<String>,
    pub needs: Vec<ThemeLevelResource>,
    /// `open`, `matched` or `closed`.
    pub status: String,
    pub visibility: String,
    pub created_at: NaiveDateTime,
}

impl ProjectResource {
    pub fn new(v: ProjectView, lang: Lang) -> Self {
        let p = v.project;
        Self {
            languages: p.language_list(),
            summary_html: markdown::render(&p.summary),
            id: p.id,
            slug: p.slug,
            organization: OrganizationRef {
                id: v.organization.id,
                name: v.organization.name,
                slug: v.organization.slug,
            },
            title: p.title,
            summary: p.summary,
            goals: p.goals,
            stage: p.stage,
            needs: v
                .needs
                .into_iter()
                .map(|(theme, fr, en, level)| ThemeLevelResource {
                    theme,
                    label: if lang == Lang::En { en } else { fr },
                    level,
                })
                .collect(),
            status: p.status,
            visibility: p.visibility,
            created_at: p.created_at,
        }
    }
}

/// The explainable score of a pair.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ScoreResource {
    /// 0–100: themes (up to 60) + language (15) + stage (15) + remaining capacity (10).
    pub total: i32,
    pub themes: i32,
    pub language: i32,
    pub stage: i32,
    pub capacity: i32,
    pub common_themes: Vec<String>,
    pub common_languages: Vec<String>,
    pub stage_fits: bool,
    pub places_left: i32,
    /// May be proposed: not paused, a place left, another organization, a theme in common.
    pub eligible: bool,
    /// `paused`, `full`, `same_organization`, `no_common_theme`.
    pub blockers: Vec<String>,
    /// One sentence per criterion.
    pub reasons: Vec<String>,
    /// The reasons in one line.
    pub explanation: String,
}

impl ScoreResource {
    pub fn new(s: &Score, lang: Lang) -> Self {
        Self {
            total: s.total,
            themes: s.themes,
            language: s.language,
            stage: s.stage,
            capacity: s.capacity,
            common_themes: s
                .common_themes
                .iter()
                .map(|t| {
                    if lang == Lang::En {
                        t.label_en.clone()
                    } else {
                        t.label_fr.clone()
                    }
                })
                .collect(),
            common_languages: s.common_languages.clone(),
            stage_fits: s.stage_fits,
            places_left: s.places_left,
            eligible: s.eligible(),
            blockers: s
                .blockers
                .iter()
                .map(|b| {
                    serde_json::to_value(b)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_owned))
                        .unwrap_or_default()
                })
                .collect(),
            reasons: s.reasons(lang),
            explanation: s.explain(lang),
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MentorSuggestion {
    pub mentor: MentorResource,
    pub score: ScoreResource,
    /// A pending or active mentorship already links the pair.
    pub linked: bool,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ProjectSuggestion {
    pub project: ProjectResource,
    pub score: ScoreResource,
    pub linked: bool,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SessionLogResource {
    pub id: i64,
    pub held_at: NaiveDateTime,
    pub minutes: i32,
    pub shared_notes: String,
    /// The caller's side's private note.
    pub private_notes: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FeedbackResource {
    /// `mentor` or `startup`.
    pub side: String,
    pub rating: i32,
    pub comment: String,
    pub created_at: NaiveDateTime,
}

impl From<model::Feedback> for FeedbackResource {
    fn from(f: model::Feedback) -> Self {
        Self {
            side: f.side,
            rating: f.rating,
            comment: f.comment,
            created_at: f.created_at,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MentorshipResource {
    pub id: i64,
    pub project: ProjectResource,
    pub mentor: MentorResource,
    /// `request` (by the startup) or `proposal` (by an admin).
    pub origin: String,
    /// `pending`, `active`, `declined`, `expired`, `withdrawn` or `completed`.
    pub status: String,
    pub message: String,
    pub decline_reason: String,
    /// The caller's side.
    pub side: Side,
    pub created_at: NaiveDateTime,
    /// A pending request expires then.
    pub expires_at: NaiveDateTime,
    pub started_at: Option<NaiveDateTime>,
    pub ended_at: Option<NaiveDateTime>,
    pub sessions: Vec<SessionLogResource>,
    pub total_minutes: i32,
    pub feedback: Vec<FeedbackResource>,
}

impl MentorshipResource {
    pub fn new(v: MentorshipView, lang: Lang) -> Self {
        let total_minutes = v.total_minutes();
        let m: Mentorship = v.mentorship;
        Self {
            id: m.id,
            project: ProjectResource::new(v.project, lang),
            mentor: MentorResource::new(v.mentor, lang),
            origin: m.origin,
            status: m.status,
            message: m.message,
            decline_reason: m.decline_reason,
            side: v.side,
            created_at: m.created_at,
            expires_at: m.expires_at,
            started_at: m.started_at,
            ended_at: m.ended_at,
            sessions: v
                .sessions
                .into_iter()
                .map(|s| SessionLogResource {
                    id: s.session.id,
                    held_at: s.session.held_at,
                    minutes: s.session.minutes,
                    shared_notes: s.session.shared_notes,
                    private_notes: s.private_notes,
                })
                .collect(),
            total_minutes,
            feedback: v.feedback.into_iter().map(Into::into).collect(),
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RoundPairResource {
    pub project_id: i64,
    pub project_title: String,
    pub organization: String,
    pub mentor_id: i64,
    pub mentor_name: String,
    pub score: ScoreResource,
    /// Set by an admin rather than computed.
    pub edited: bool,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RoundResource {
    pub id: i64,
    /// `draft`, `sent` or `discarded`.
    pub status: String,
    /// Σ of the pairs' scores (after edits).
    pub total_score: i64,
    /// What a greedy assignment (best pair first) would have scored.
    pub greedy_score: i64,
    pub greedy_pairs: i32,
    /// (total − greedy) / greedy, in percent.
    pub gain_percent: f64,
    pub projects_count: i32,
    pub mentors_count: i32,
    pub pairs: Vec<RoundPairResource>,
    /// Open projects left without a mentor (drafts only).
    pub unmatched_project_ids: Vec<i64>,
    pub created_at: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
}

impl RoundResource {
    fn new(v: RoundView, lang: Lang) -> Self {
        let gain_percent = (v.gain_percent() * 10.0).round() / 10.0;
        Self {
            id: v.round.id,
            status: v.round.status,
            total_score: v.round.total_score,
            greedy_score: v.round.greedy_score,
            greedy_pairs: v.round.greedy_pairs,
            gain_percent,
            projects_count: v.round.projects_count,
            mentors_count: v.round.mentors_count,
            pairs: v
                .pairs
                .into_iter()
                .map(|p| RoundPairResource {
                    project_id: p.project.id,
                    project_title: p.project.title,
                    organization: p.organization,
                    mentor_id: p.mentor.id,
                    mentor_name: p.mentor_name,
                    score: ScoreResource::new(&p.score, lang),
                    edited: p.pair.edited,
                })
                .collect(),
            unmatched_project_ids: v.unmatched.iter().map(|(p, _)| p.id).collect(),
            created_at: v.round.created_at,
            sent_at: v.round.sent_at,
        }
    }
}

fn page_of<T>(items: Vec<T>, q: PageQuery) -> Result<Paginated<T>, AppError> {
    let page = PageRequest::try_from(q)?;
    let total = items.len() as i64;
    let items = items
        .into_iter()
        .skip(page.offset() as usize)
        .take(page.per_page as usize)
        .collect();
    Ok(Paginated::new(items, total, page))
}

// ---------------------------------------------------------------------------------------------
// Mentors

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct MentorQuery {
    /// A theme slug the mentor knows.
    pub theme: Option<String>,
    /// A language code the mentor speaks.
    pub language: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// The mentor directory: public profiles (and members-only ones for signed-in people),
/// available mentors first.
#[utoipa::path(tag = "mentoring", params(MentorQuery), responses(
    (status = 200, description = "A page of mentors", body = Paginated<MentorResource>),
    (status = 422, description = "Bad page", body = Problem, content_type = "application/problem+json"),
))]
#[get("/mentors")]
pub async fn list_mentors(
    viewer: MaybeUser,
    lang: Lang,
    state: web::Data<AppState>,
    query: web::Query<MentorQuery>,
) -> Result<web::Json<Paginated<MentorResource>>, AppError> {
    let q = query.into_inner();
    let list =
        service::directory(&state.db, viewer.0.map(CurrentUser), q.theme, q.language).await?;
    let items = list
        .into_iter()
        .map(|v| MentorResource::new(v, lang))
        .collect();
    Ok(web::Json(page_of(
        items,
        PageQuery {
            page: q.page,
            per_page: q.per_page,
        },
    )?))
}

/// My mentor profile.
#[utoipa::path(tag = "mentoring", security(("bearer" = [])), responses(
    (status = 200, description = "The profile", body = MentorResource),
    (status = 404, description = "No profile yet", body = Problem, content_type = "application/problem+json"),
))]
#[get("/mentors/me")]
pub async fn my_profile(
    me: CurrentUser,
    lang: Lang,
    state: web::Data<AppState>,
) -> Result<web::Json<MentorResource>, AppError> {
    let view = service::my_profile(&state.db, &me)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(web::Json(MentorResource::new(view, lang)))
}

/// Create or replace my mentor profile (needs the mentor role).
#[utoipa::path(tag = "mentoring", request_body = MentorInput, security(("bearer" = [])), responses(
    (status = 200, description = "Updated", body = MentorResource),
    (status = 201, description = "Created", body = MentorResource),
    (status = 403, description = "Not a mentor", body = Problem, content_type = "application/problem+json"),
    (status = 409, description = "Capacity below the current mentees", body = Problem, content_type = "application/problem+json"),
    (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
))]
#[put("/mentors/me")]
pub async fn save_my_profile(
    me: CurrentUser,
    lang: Lang,
    state: web::Data<AppState>,
    body: web::Json<MentorInput>,
) -> Result<HttpResponse, AppError> {
    let (mentor, created) = service::save_my_profile(&state.db, &me, body.into_inner()).await?;
    let view = service::mentor(&state.db, Some(me), mentor.id).await?;
    let body = MentorResource::new(view, lang);
    Ok(if created {
        HttpResponse::Created()
            .insert_header(("Location", format!("/api/v1/mentors/{}", body.id)))
            .json(body)
    } else {
        HttpResponse::Ok().json(body)
    })
}

/// The open projects that fit me best, with their score.
#[utoipa::path(tag = "mentoring", security(("bearer" = [])), responses(
    (status = 200, description = "Ranked projects", body = Vec<ProjectSuggestion>),
    (status = 409, description = "No mentor profile yet", body = Problem, content_type = "application/problem+json"),
))]
#[get("/mentors/me/suggestions")]
pub async fn my_suggestions(
    me: CurrentUser,
    lang: Lang,
    state: web::Data<AppState>,
) -> Result<web::Json<Vec<ProjectSuggestion>>, AppError> {
    let list = service::projects_for_mentor(&state.db, &me).await?;
    Ok(web::Json(
        list.into_iter()
            .map(|s: Suggestion<ProjectView>| ProjectSuggestion {
                score: ScoreResource::new(&s.score, lang),
                project: ProjectResource::new(s.item, lang),
                linked: s.linked,
            })
            .collect(),
    ))
}

/// One mentor.
#[utoipa::path(tag = "mentoring", params(("id" = i64, Path)), responses(
    (status = 200, description = "The mentor", body = MentorResource),
    (status = 404, description = "No such mentor (or hidden)", body = Problem, content_type = "application/problem+json"),
))]
#[get("/mentors/{id}")]
pub async fn show_mentor(
    viewer: MaybeUser,
    lang: Lang,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<web::Json<MentorResource>, AppError> {
    let view = service::mentor(&state.db, viewer.0.map(CurrentUser), id.into_inner()).await?;
    Ok(web::Json(MentorResource::new(view, lang)))
}

// ---------------------------------------------------------------------------------------------
// Projects

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ProjectQuery {
    /// `true`: the projects of my organizations (any status); otherwise open projects I may see.
    pub mine: Option<bool>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// Projects looking for mentors.
#[utoipa::path(tag = "mentoring", params(ProjectQuery), responses(
    (status = 200, description = "A page of projects", body = Paginated<ProjectResource>),
))]
#[get("/projects")]
pub async fn list_projects(
    viewer: MaybeUser,
    lang: Lang,
    state: web::Data<AppState>,
    query: web::Query<ProjectQuery>,
) -> Result<web::Json<Paginated<ProjectResource>>, AppError> {
    let q = query.into_inner();
    let list = service::projects(
        &state.db,
        viewer.0.map(CurrentUser),
        q.mine.unwrap_or(false),
    )
    .await?;
    let items = list
        .into_iter()
        .map(|v| ProjectResource::new(v, lang))
        .collect();
    Ok(web::Json(page_of(
        items,
        PageQuery {
            page: q.page,
            per_page: q.per_page,
        },
    )?))
}

/// Create a project for one of my startups.
#[utoipa::path(tag = "mentoring", request_body = ProjectInput, security(("bearer" = [])), responses(
    (status = 201, description = "The project", body = ProjectResource),
    (status = 403, description = "Not a startup member", body = Problem, content_type = "application/problem+json"),
    (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
))]
#[post("/projects")]
pub async fn create_project(
    me: CurrentUser,
    lang: Lang,
    state: web::Data<AppState>,
    body: web::Json<ProjectInput>,
) -> Result<HttpResponse, AppError> {
    let project = service::create_project(&state.db, &me, body.into_inner()).await?;
    let view = service::project(&state.db, Some(me), project.id).await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/projects/{}", project.id)))
        .json(ProjectResource::new(view, lang)))
}

/// One project.
#[utoipa::path(tag = "mentoring", params(("id" = i64, Path)), responses(
    (status = 200, description = "The project", body = ProjectResource),
    (status = 404, description = "No such project, or not visible", body = Problem, content_type = "application/problem+json"),
))]
#[get("/projects/{id}")]
pub async fn show_project(
    viewer: MaybeUser,
    lang: Lang,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<web::Json<ProjectResource>, AppError> {
    let view = service::project(&state.db, viewer.0.map(CurrentUser), id.into_inner()).await?;
    Ok(web::Json(ProjectResource::new(view, lang)))
}

/// Replace a project's fields and needs (its startup's members).
#[utoipa::path(tag = "mentoring", params(("id" = i64, Path)), request_body = ProjectInput, security(("bearer" = [])), responses(
    (status = 200, description = "The project", body = ProjectResource),
    (status = 403, description = "Not a member of the startup", body = Problem, content_type = "application/problem+json"),
    (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
))]
#[put("/projects/{id}")]
pub async fn update_project(
    me: CurrentUser,
    lang: Lang,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: web::Json<ProjectInput>,
) -> Result<web::Json<ProjectResource>, AppError> {
    let id = id.into_inner();
    service::update_project(&state.db, &me, id, body.into_inner()).await?;
    let view = service::project(&state.db, Some(me), id).await?;
    Ok(web::Json(ProjectResource::new(view, lang)))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusInput {
    /// `closed` (pending requests are withdrawn) or `open` (a closed project again).
    pub status: String,
}

/// Close or reopen a project.
#[utoipa::path(tag = "mentoring", params(("id" = i64, Path)), request_body = StatusInput, security(("bearer" = [])), responses(
    (status = 200, description = "The project", body = ProjectResource),
    (status = 409, description = "Not in a status that allows it", body = Problem, content_type = "application/problem+json"),
))]
#[post("/projects/{id}/status")]
pub async fn project_status(
    me: CurrentUser,
    lang: Lang,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: web::Json<StatusInput>,
) -> Result<web::Json<ProjectResource>, AppError> {
    let id = id.into_inner();
    service::set_project_status(
        &state.db,
        &state.settings,
        &me,
        id,
        body.into_inner().status,
    )
    .await?;
    let view = service::project(&state.db, Some(me), id).await?;
    Ok(web::Json(ProjectResource::new(view, lang)))
}

/// The mentors that fit a project best, with their score in words (its startup's members).
#[utoipa::path(tag = "mentoring", params(("id" = i64, Path)), security(("bearer" = [])), responses(
    (status = 200, description = "Ranked mentors", body = Vec<MentorSuggestion>),
    (status = 403, description = "Not a member of the startup", body = Problem, content_type = "application/problem+json"),
))]
#[get("/projects/{id}/suggestions")]
pub async fn project_suggestions(
    me: CurrentUser,
    lang: Lang,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<web::Json<Vec<MentorSuggestion>>, AppError> {
    let list = service::mentors_for_project(&state.db, &me, id.into_inner()).await?;
    Ok(web::Json(
        list.into_iter()
            .map(|s| MentorSuggestion {
                score: ScoreResource::new(&s.score, lang),
                mentor: MentorResource::new(s.item, lang),
                linked: s.linked,
            })
            .collect(),
    ))
}

// ---------------------------------------------------------------------------------------------
// Mentorships

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct MentorshipQuery {
    /// Only this status.
    pub status: Option<String>,
    /// Admins: every mentorship, not only mine.
    pub all: Option<bool>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// My mentorships and requests, as a mentor and through my startups' projects.
#[utoipa::path(tag = "mentoring", params(MentorshipQuery), security(("bearer" = [])), responses(
    (status = 200, description = "A page of mentorships", body = Paginated<MentorshipResource>),
    (status = 422, description = "Bad status", body = Problem, content_type = "application/problem+json"),
))]
#[get("/mentorships")]
pub async fn list_mentorships(
    me: CurrentUser,
    lang: Lang,
    state: web::Data<AppState>,
    query: web::Query<MentorshipQuery>,
) -> Result<web::Json<Paginated<MentorshipResource>>, AppError> {
    let q = query.into_inner();
    if let Some(status) = &q.status
        && !model::MENTORSHIP_STATUSES.contains(&status.as_str())
    {
        return Err(AppError::validation(
            "status",
            format!("must be one of {}", model::MENTORSHIP_STATUSES.join(", ")),
        ));
    }
    let list = workflow::mine(&state.db, &me, q.all.unwrap_or(false), q.status).await?;
    let items = list
        .into_iter()
        .map(|v| MentorshipResource::new(v, lang))
        .collect();
    Ok(web::Json(page_of(
        items,
        PageQuery {
            page: q.page,
            per_page: q.per_page,
        },
    )?))
}

async fn respond(
    state: &AppState,
    me: &CurrentUser,
    lang: Lang,
    id: i64,
) -> Result<web::Json<MentorshipResource>, AppError> {
    let view = workflow::get(&state.db, me, id).await?;
    Ok(web::Json(MentorshipResource::new(view, lang)))
}

/// Ask a mentor for one of my startup's projects.
#[utoipa::path(tag = "mentoring", request_body = MentorRequestInput, security(("bearer" = [])), responses(
    (status = 201, description = "The pending request", body = MentorshipResource),
    (status = 403, description = "Not a member of the project's startup", body = Problem, content_type = "application/problem+json"),
    (status = 409, description = "Mentor paused or full, duplicate, 3 requests pending, project not open", body = Problem, content_type = "application/problem+json"),
    (status = 422, description = "Invalid fields, self-mentoring", body = Problem, content_type = "application/problem+json"),
))]
#[post("/mentorships")]
pub async fn request(
    me: CurrentUser,
    lang: Lang,
    state: web::Data<AppState>,
    body: web::Json<MentorRequestInput>,
) -> Result<HttpResponse, AppError> {
    let m = workflow::request(&state.db, &state.settings, &me, body.into_inner()).await?;
    let view = workflow::get(&state.db, &me, m.id).await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/mentorships/{}", m.id)))
        .json(MentorshipResource::new(view, lang)))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Created {
    pub id: i64,
    pub status: String,
}

/// Propose a pair (admins); the mentor accepts or declines like a request.
#[utoipa::path(tag = "mentoring", request_body = MentorRequestInput, security(("bearer" = [])), responses(
    (status = 201, description = "The pending proposal", body = Created),
    (status = 409, description = "Mentor paused or full, duplicate, project not open", body = Problem, content_type = "application/problem+json"),
    (status = 422, description = "Same organization, unknown project or mentor", body = Problem, content_type = "application/problem+json"),
))]
#[post("/mentorships/proposals")]
pub async fn propose(
    admin: Admin,
    state: web::Data<AppState>,
    body: web::Json<MentorRequestInput>,
) -> Result<HttpResponse, AppError> {
    let m = workflow::propose(&state.db, &state.settings, admin.actor, body.into_inner()).await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/mentorships/{}", m.id)))
        .json(Created {
            id: m.id,
            status: m.status,
        }))
}

/// One mentorship, for its two sides and admins (private notes: the caller's side only).
#[utoipa::path(tag = "mentoring", params(("id" = i64, Path)), security(("bearer" = [])), responses(
    (status = 200, description = "The mentorship", body = MentorshipResource),
    (status = 404, description = "No such mentorship, or not yours", body = Problem, content_type = "application/problem+json"),
))]
#[get("/mentorships/{id}")]
pub async fn show_mentorship(
    me: CurrentUser,
    lang: Lang,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<web::Json<MentorshipResource>, AppError> {
    respond(&state, &me, lang, id.into_inner()).await
}

/// The mentor accepts (a place is taken; never above the capacity).
#[utoipa::path(tag = "mentoring", params(("id" = i64, Path)), security(("bearer" = [])), responses(
    (status = 200, description = "Active", body = MentorshipResource),
    (status = 403, description = "Not the mentor", body = Problem, content_type = "application/problem+json"),
    (status = 409, description = "No place left, paused, no longer pending, project matched", body = Problem, content_type = "application/problem+json"),
))]
#[post("/mentorships/{id}/accept")]
pub async fn accept(
    me: CurrentUser,
    lang: Lang,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<web::Json<MentorshipResource>, AppError> {
    let id = id.into_inner();
    workflow::accept(&state.db, &state.settings, &me, id).await?;
    respond(&state, &me, lang, id).await
}

/// The mentor declines, with a reason.
#[utoipa::path(tag = "mentoring", params(("id" = i64, Path)), request_body = DeclineInput, security(("bearer" = [])), responses(
    (status = 200, description = "Declined", body = MentorshipResource),
    (status = 409, description = "No longer pending", body = Problem, content_type = "application/problem+json"),
    (status = 422, description = "No reason", body = Problem, content_type = "application/problem+json"),
))]
#[post("/mentorships/{id}/decline")]
pub async fn decline(
    me: CurrentUser,
    lang: Lang,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: web::Json<DeclineInput>,
) -> Result<web::Json<MentorshipResource>, AppError> {
    let id = id.into_inner();
    workflow::decline(&state.db, &state.settings, &me, id, body.into_inner()).await?;
    respond(&state, &me, lang, id).await
}

/// The startup withdraws its pending request.
#[utoipa::path(tag = "mentoring", params(("id" = i64, Path)), security(("bearer" = [])), responses(
    (status = 200, description = "Withdrawn", body = MentorshipResource),
    (status = 409, description = "No longer pending", body = Problem, content_type = "application/problem+json"),
))]
#[post("/mentorships/{id}/withdraw")]
pub async fn withdraw(
    me: CurrentUser,
    lang: Lang,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<web::Json<MentorshipResource>, AppError> {
    let id = id.into_inner();
    workflow::withdraw(&state.db, &state.settings, &me, id).await?;
    respond(&state, &me, lang, id).await
}

/// Either side ends an active mentorship; both are asked for feedback.
#[utoipa::path(tag = "mentoring", params(("id" = i64, Path)), security(("bearer" = [])), responses(
    (status = 200, description = "Completed", body = MentorshipResource),
    (status = 409, description = "Not active", body = Problem, content_type = "application/problem+json"),
))]
#[post("/mentorships/{id}/end")]
pub async fn end(
    me: CurrentUser,
    lang: Lang,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<web::Json<MentorshipResource>, AppError> {
    let id = id.into_inner();
    workflow::end(&state.db, &state.settings, &me, id).await?;
    respond(&state, &me, lang, id).await
}

/// Log a session of an active mentorship.
#[utoipa::path(tag = "mentoring", params(("id" = i64, Path)), request_body = SessionLogInput, security(("bearer" = [])), responses(
    (status = 201, description = "The mentorship with its log", body = MentorshipResource),
    (status = 409, description = "Not active", body = Problem, content_type = "application/problem+json"),
    (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
))]
#[post("/mentorships/{id}/sessions")]
pub async fn log_session(
    me: CurrentUser,
    lang: Lang,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: web::Json<SessionLogInput>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    workflow::log_session(&state.db, &state.settings, &me, id, body.into_inner()).await?;
    let view = workflow::get(&state.db, &me, id).await?;
    Ok(HttpResponse::Created().json(MentorshipResource::new(view, lang)))
}

/// My side's feedback on an ended mentorship (once).
#[utoipa::path(tag = "mentoring", params(("id" = i64, Path)), request_body = FeedbackInput, security(("bearer" = [])), responses(
    (status = 201, description = "Recorded", body = FeedbackResource),
    (status = 409, description = "Not ended yet, or already given", body = Problem, content_type = "application/problem+json"),
    (status = 422, description = "Rating outside 1–5", body = Problem, content_type = "application/problem+json"),
))]
#[post("/mentorships/{id}/feedback")]
pub async fn feedback(
    me: CurrentUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: web::Json<FeedbackInput>,
) -> Result<HttpResponse, AppError> {
    let f = workflow::give_feedback(&state.db, &me, id.into_inner(), body.into_inner()).await?;
    Ok(HttpResponse::Created().json(FeedbackResource::from(f)))
}

// ---------------------------------------------------------------------------------------------
// Matching rounds

/// Matching rounds, newest first (admins).
#[utoipa::path(tag = "mentoring", security(("bearer" = [])), responses(
    (status = 200, description = "Rounds without their pairs", body = Vec<RoundResource>),
))]
#[get("/matching-rounds")]
pub async fn list_rounds(
    _admin: Admin,
    lang: Lang,
    state: web::Data<AppState>,
) -> Result<web::Json<Vec<RoundResource>>, AppError> {
    let rounds = rounds::list(&state.db).await?;
    Ok(web::Json(
        rounds
            .into_iter()
            .map(|round| {
                RoundResource::new(
                    RoundView {
                        round,
                        pairs: Vec::new(),
                        unmatched: Vec::new(),
                        mentors: Vec::new(),
                    },
                    lang,
                )
            })
            .collect(),
    ))
}

/// Compute a draft round for all open projects: the assignment with the highest total score
/// within every mentor's places, compared with a greedy one.
#[utoipa::path(tag = "mentoring", security(("bearer" = [])), responses(
    (status = 201, description = "The draft", body = RoundResource),
))]
#[post("/matching-rounds")]
pub async fn create_round(
    admin: Admin,
    lang: Lang,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let id = rounds::create(&state.db, &admin).await?;
    let view = rounds::get(&state.db, id).await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/matching-rounds/{id}")))
        .json(RoundResource::new(view, lang)))
}

/// One round with its pairs and their breakdown.
#[utoipa::path(tag = "mentoring", params(("id" = i64, Path)), security(("bearer" = [])), responses(
    (status = 200, description = "The round", body = RoundResource),
    (status = 404, description = "No such round", body = Problem, content_type = "application/problem+json"),
))]
#[get("/matching-rounds/{id}")]
pub async fn show_round(
    _admin: Admin,
    lang: Lang,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<web::Json<RoundResource>, AppError> {
    let view = rounds::get(&state.db, id.into_inner()).await?;
    Ok(web::Json(RoundResource::new(view, lang)))
}

/// Set the mentor of a project in a draft round.
#[utoipa::path(tag = "mentoring", params(("id" = i64, Path), ("project_id" = i64, Path)), request_body = PairInput, security(("bearer" = [])), responses(
    (status = 200, description = "The round", body = RoundResource),
    (status = 409, description = "Not a draft", body = Problem, content_type = "application/problem+json"),
    (status = 422, description = "Pair not allowed or mentor without a place", body = Problem, content_type = "application/problem+json"),
))]
#[put("/matching-rounds/{id}/pairs/{project_id}")]
pub async fn set_pair(
    _admin: Admin,
    lang: Lang,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
    body: web::Json<PairInput>,
) -> Result<web::Json<RoundResource>, AppError> {
    let (id, project_id) = path.into_inner();
    rounds::set_pair(&state.db, id, project_id, body.into_inner()).await?;
    let view = rounds::get(&state.db, id).await?;
    Ok(web::Json(RoundResource::new(view, lang)))
}

/// Drop a project's pair from a draft round.
#[utoipa::path(tag = "mentoring", params(("id" = i64, Path), ("project_id" = i64, Path)), security(("bearer" = [])), responses(
    (status = 200, description = "The round", body = RoundResource),
    (status = 404, description = "No such pair", body = Problem, content_type = "application/problem+json"),
    (status = 409, description = "Not a draft", body = Problem, content_type = "application/problem+json"),
))]
#[delete("/matching-rounds/{id}/pairs/{project_id}")]
pub async fn remove_pair(
    _admin: Admin,
    lang: Lang,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
) -> Result<web::Json<RoundResource>, AppError> {
    let (id, project_id) = path.into_inner();
    rounds::remove_pair(&state.db, id, project_id).await?;
    let view = rounds::get(&state.db, id).await?;
    Ok(web::Json(RoundResource::new(view, lang)))
}

/// Send every pair of a draft as a proposal (all or nothing).
#[utoipa::path(tag = "mentoring", params(("id" = i64, Path)), security(("bearer" = [])), responses(
    (status = 200, description = "The round, sent", body = RoundResource),
    (status = 409, description = "Not a draft, or a pair no longer holds", body = Problem, content_type = "application/problem+json"),
))]
#[post("/matching-rounds/{id}/send")]
pub async fn send_round(
    admin: Admin,
    lang: Lang,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<web::Json<RoundResource>, AppError> {
    let id = id.into_inner();
    rounds::send(&state.db, &state.settings, &admin, id).await?;
    let view = rounds::get(&state.db, id).await?;
    Ok(web::Json(RoundResource::new(view, lang)))
}

/// Discard a draft round.
#[utoipa::path(tag = "mentoring", params(("id" = i64, Path)), security(("bearer" = [])), responses(
    (status = 200, description = "The round, discarded", body = RoundResource),
    (status = 409, description = "Not a draft", body = Problem, content_type = "application/problem+json"),
))]
#[post("/matching-rounds/{id}/discard")]
pub async fn discard_round(
    admin: Admin,
    lang: Lang,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<web::Json<RoundResource>, AppError> {
    let id = id.into_inner();
    rounds::discard(&state.db, &admin, id).await?;
    let view = rounds::get(&state.db, id).await?;
    Ok(web::Json(RoundResource::new(view, lang)))
}
