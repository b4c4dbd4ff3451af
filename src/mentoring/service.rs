//! Mentor profiles and startup projects: who may write them, what a valid one is, who sees
//! them, and the suggestions that rank one side for the other with the explainable score.
//!
//! Errors: [`AppError`] — 403 for a user without the mentor role or outside the project's
//! organization, 404 for what the viewer may not see, 409 for a capacity below the current
//! mentees, 422 (field → messages) for invalid fields.

use std::collections::HashSet;

use chrono::Utc;
use serde::Deserialize;
use serde_json::json;

use super::model::{self, Mentor, MentorFields, Project, ProjectFields};
use super::scoring::{self, STAGES, Score};
use crate::auth::CurrentUser;
use crate::auth::model::{self as auth_model, Role};
use crate::config::Settings;
use crate::db::{self, DbConnection, Pool, dialect};
use crate::error::{AppError, FieldErrors, text_field};
use crate::orgs::model::{self as orgs, Organization};
use crate::search;
use crate::themes::model as themes;
use crate::web::slug::first_free;

pub const MENTOR_VISIBILITIES: [&str; 3] = ["public", "members", "hidden"];
pub const PROJECT_VISIBILITIES: [&str; 3] = ["public", "members", "private"];
pub const MAX_CAPACITY: i32 = 20;
const MAX_THEMES: usize = 10;
const MAX_SLOTS: usize = 21;

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ThemeLevel {
    /// A theme's slug (see `/api/v1/themes`).
    pub theme: String,
    /// 1 (knows it) to 3 (expert) for a mentor; 1 (nice to have) to 3 (essential) for a need.
    pub level: i32,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SlotInput {
    /// ISO weekday: 1 = Monday … 7 = Sunday.
    pub weekday: i32,
    /// `HH:MM`, Europe/Paris.
    pub start: String,
    /// `HH:MM`, after `start`.
    pub end: String,
}

/// A mentor's own profile.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MentorInput {
    /// One line under the name (at most 160 characters).
    #[serde(default)]
    pub headline: String,
    /// Markdown, at most 4000 characters.
    #[serde(default)]
    pub bio: String,
    /// 1 to 10 themes with a level 1–3.
    pub expertise: Vec<ThemeLevel>,
    /// ISO 639-1 codes, e.g. `["fr", "en"]`; at least one.
    pub languages: Vec<String>,
    /// The project stages taken (`idea`, `prototype`, `launch`, `growth`); empty: all.
    #[serde(default)]
    pub stages: Vec<String>,
    /// Mentees at once, 0 to 20; never below the current active mentees.
    pub capacity: i32,
    /// Free text, e.g. « un jeudi sur deux, en visio ».
    #[serde(default)]
    pub availability: String,
    /// Weekly slots.
    #[serde(default)]
    pub slots: Vec<SlotInput>,
    /// `public` (directory, search), `members` (signed-in people), `hidden`.
    #[serde(default = "default_public")]
    pub visibility: String,
    /// A paused mentor receives no request and is left out of matching rounds.
    #[serde(default)]
    pub paused: bool,
    /// The organization the mentor speaks for (one they belong to), if any.
    #[serde(default)]
    pub organization_id: Option<i64>,
}

fn default_public() -> String {
    "public".into()
}

fn default_members() -> String {
    "members".into()
}

/// A startup's project, looking for a mentor.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProjectInput {
    /// The startup that owns it; may be left out by a member of exactly one startup.
    #[serde(default)]
    pub organization_id: Option<i64>,
    pub title: String,
    /// Markdown, at most 4000 characters.
    #[serde(default)]
    pub summary: String,
    /// What the startup wants from the mentorship (at most 2000 characters).
    #[serde(default)]
    pub goals: String,
    /// `idea`, `prototype`, `launch` or `growth`.
    pub stage: String,
    /// ISO 639-1 codes; at least one.
    pub languages: Vec<String>,
    /// 1 to 10 themes with a weight 1–3 (`level`).
    pub needs: Vec<ThemeLevel>,
    /// `public`, `members` (default) or `private` (the startup and admins only).
    #[serde(default = "default_members")]
    pub visibility: String,
}

fn languages(errors: &mut FieldErrors, given: &[String]) -> String {
    let mut out: Vec<String> = Vec::new();
    for code in given {
        let code = code.trim().to_ascii_lowercase();
        if code.len() != 2 || !code.chars().all(|c| c.is_ascii_lowercase()) {
            errors
                .entry("languages".into())
                .or_default()
                .push(format!("`{code}` is not an ISO 639-1 code (two letters)"));
        } else if !out.contains(&code) {
            out.push(code);
        }
    }
    if out.is_empty() && !errors.contains_key("languages") {
        errors
            .entry("languages".into())
            .or_default()
            .push("at least one language".into());
    }
    if out.len() > 6 {
        errors
            .entry("languages".into())
            .or_default()
            .push("at most 6 languages".into());
    }
    out.join(",")
}

fn one_of(errors: &mut FieldErrors, field: &str, value: &str, allowed: &[&str]) -> String {
    if !allowed.contains(&value) {
        errors
            .entry(field.into())
            .or_default()
            .push(format!("must be one of {}", allowed.join(", ")));
    }
    value.to_owned()
}

/// Theme slugs with levels 1–3: ids, or errors on `field`.
fn theme_levels(
    conn: &mut DbConnection,
    errors: &mut FieldErrors,
    field: &str,
    given: &[ThemeLevel],
) -> Result<Vec<(i64, i32)>, AppError> {
    let mut problem = |m: String| errors.entry(field.into()).or_default().push(m);
    if given.is_empty() {
        problem("at least one theme".into());
    }
    if given.len() > MAX_THEMES {
        problem(format!("at most {MAX_THEMES} themes"));
    }
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for item in given {
        if !(1..=3).contains(&item.level) {
            problem(format!("level of `{}` must be 1, 2 or 3", item.theme));
            continue;
        }
        if !seen.insert(item.theme.clone()) {
            problem(format!("`{}` is given twice", item.theme));
            continue;
        }
        match themes::resolve(conn, std::slice::from_ref(&item.theme))? {
            Ok(ids) => out.push((ids[0], item.level)),
            Err(_) => problem(format!("unknown theme `{}`", item.theme)),
        }
    }
    Ok(out)
}

fn minutes(text: &str) -> Option<i32> {
    let (h, m) = text.trim().split_once(':')?;
    let (h, m): (i32, i32) = (h.parse().ok()?, m.parse().ok()?);
    ((0..=24).contains(&h) && (0..60).contains(&m) && h * 60 + m <= 1440).then_some(h * 60 + m)
}

fn slots(errors: &mut FieldErrors, given: &[SlotInput]) -> Vec<(i32, i32, i32)> {
    let mut problem = |m: String| errors.entry("slots".into()).or_default().push(m);
    if given.len() > MAX_SLOTS {
        problem(format!("at most {MAX_SLOTS} slots"));
    }
    let mut out: Vec<(i32, i32, i32)> = Vec::new();
    for slot in given {
        match (minutes(&slot.start), minutes(&slot.end)) {
            (Some(start), Some(end)) if (1..=7).contains(&slot.weekday) && end > start => {
                if out
                    .iter()
                    .any(|&(d, s, e)| d == slot.weekday && s < end && start < e)
                {
                    problem(format!("slots of day {} overlap", slot.weekday));
                } else {
                    out.push((slot.weekday, start, end));
                }
            }
            _ => problem(format!(
                "`{} {}–{}` is not a slot (weekday 1–7, HH:MM, end after start)",
                slot.weekday, slot.start, slot.end
            )),
        }
    }
    out.sort();
    out
}

// ---------------------------------------------------------------------------------------------
// Mentor profiles

/// What a mentor profile shows.
pub struct MentorView {
    pub mentor: Mentor,
    pub name: String,
    pub organization: Option<Organization>,
    /// (slug, label fr, label en, level)
    pub expertise: Vec<(String, String, String, i32)>,
    pub slots: Vec<(i32, i32, i32)>,
}

pub fn mentor_view(conn: &mut DbConnection, mentor: Mentor) -> Result<MentorView, AppError> {
    let name = auth_model::by_id(conn, mentor.user_id)?.display_name;
    let organization = match mentor.organization_id {
        Some(id) => Some(orgs::find(conn, id)?),
        None => None,
    };
    let expertise = model::expertise(conn, mentor.id)?
        .into_iter()
        .map(|(_, slug, fr, en, level)| (slug, fr, en, level))
        .collect();
    let slots = model::slots(conn, mentor.id)?;
    Ok(MentorView {
        mentor,
        name,
        organization,
        expertise,
        slots,
    })
}

/// Whether `viewer` may see the mentor's profile.
pub fn may_see_mentor(mentor: &Mentor, viewer: Option<&CurrentUser>) -> bool {
    match mentor.visibility.as_str() {
        "public" => true,
        "members" => viewer.is_some(),
        _ => viewer.is_some_and(|v| v.user_id == mentor.user_id || v.is_admin()),
    }
}

/// Creates or replaces the signed-in mentor's profile.
pub async fn save_my_profile(
    pool: &Pool,
    me: &CurrentUser,
    input: MentorInput,
) -> Result<(Mentor, bool), AppError> {
    me.require(Role::Mentor)?;
    let me = me.clone();
    db::run(pool, move |conn| {
        dialect::write_transaction(conn, |conn| {
            let mut errors = FieldErrors::new();
            let headline = text_field(&mut errors, "headline", &input.headline, 160, false);
            let bio = text_field(&mut errors, "bio", &input.bio, 4000, false);
            let availability =
                text_field(&mut errors, "availability", &input.availability, 500, false);
            let languages = languages(&mut errors, &input.languages);
            let mut stages = Vec::new();
            for stage in &input.stages {
                if !STAGES.contains(&stage.as_str()) {
                    errors
                        .entry("stages".into())
                        .or_default()
                        .push(format!("must be among {}", STAGES.join(", ")));
                } else if !stages.contains(stage) {
                    stages.push(stage.clone());
                }
            }
            if !(0..=MAX_CAPACITY).contains(&input.capacity) {
                errors
                    .entry("capacity".into())
                    .or_default()
                    .push(format!("must be between 0 and {MAX_CAPACITY}"));
            }
            let visibility = one_of(
                &mut errors,
                "visibility",
                &input.visibility,
                &MENTOR_VISIBILITIES,
            );
            let slots = slots(&mut errors, &input.slots);
            let levels = theme_levels(conn, &mut errors, "expertise", &input.expertise)?;
            if let Some(org) = input.organization_id
                && orgs::role_of(conn, org, me.user_id)?.is_none()
            {
                errors
                    .entry("organization_id".into())
                    .or_default()
                    .push("must be an organization you belong to".into());
            }
            if !errors.is_empty() {
                return Err(AppError::Validation(errors));
            }
            let fields = MentorFields {
                organization_id: input.organization_id,
                headline,
                bio,
                languages,
                stages: stages.join(","),
                capacity: input.capacity,
                availability,
                visibility,
                paused: input.paused,
            };
            let now = Utc::now().naive_utc();
            let (mentor, created) = match model::mentor_of_user(conn, me.user_id)? {
                Some(existing) => {
                    if model::update_mentor(conn, existing.id, &fields, now)? != 1 {
                        return Err(AppError::Conflict(format!(
                            "You mentor {} projects now: the capacity cannot go below that.",
                            existing.active_mentees
                        )));
                    }
                    (model::find_mentor(conn, existing.id)?, false)
                }
                None => {
                    let slug = first_free(&me.display_name, "mentor", |candidate| {
                        model::mentor_slug_taken(conn, candidate)
                    })?
                    .ok_or_else(|| AppError::Conflict("Too many mentors share this name.".into()))?;
                    (model::insert_mentor(conn, me.user_id, &slug, &fields, now)?, true)
                }
            };
            model::set_expertise(conn, mentor.id, &levels)?;
            model::set_slots(conn, mentor.id, &slots)?;
            search::sync::touch(conn, search::Kind::Mentor, mentor.id)?;
            auth_model::audit(
                conn,
                if created { "mentor_profile_created" } else { "mentor_profile_updated" },
                Some(me.user_id),
                None,
                "",
                json!({ "mentor": mentor.id, "capacity": mentor.capacity, "paused": mentor.paused }),
                now,
            )?;
            Ok((mentor, created))
        })
    })
    .await
}

/// The directory: mentors the viewer may see, optionally only those with a theme or a
/// language, available ones first.
pub async fn directory(
    pool: &Pool,
    viewer: Option<CurrentUser>,
    theme: Option<String>,
    language: Option<String>,
) -> Result<Vec<MentorView>, AppError> {
    db::run(pool, move |conn| {
        let visibilities: &[&str] = if viewer.is_some() {
            &["public", "members"]
        } else {
            &["public"]
        };
        let mut out = Vec::new();
        for (mentor, _) in model::mentors_visible(conn, visibilities)? {
            if let Some(lang) = &language
                && !mentor.language_list().contains(&lang.to_ascii_lowercase())
            {
                continue;
            }
            let view = mentor_view(conn, mentor)?;
            if let Some(theme) = &theme
                && !view.expertise.iter().any(|(slug, ..)| slug == theme)
            {
                continue;
            }
            out.push(view);
        }
        out.sort_by_key(|v| !v.mentor.available());
        Ok(out)
    })
    .await
}

pub async fn mentor(
    pool: &Pool,
    viewer: Option<CurrentUser>,
    id: i64,
) -> Result<MentorView, AppError> {
    db::run(pool, move |conn| {
        let mentor = model::find_mentor(conn, id)?;
        if !may_see_mentor(&mentor, viewer.as_ref()) {
            return Err(AppError::NotFound);
        }
        mentor_view(conn, mentor)
    })
    .await
}

pub async fn mentor_by_slug(
    pool: &Pool,
    viewer: Option<CurrentUser>,
    slug: String,
) -> Result<MentorView, AppError> {
    db::run(pool, move |conn| {
        let mentor = model::mentor_by_slug(conn, &slug)?;
        if !may_see_mentor(&mentor, viewer.as_ref()) {
            return Err(AppError::NotFound);
        }
        mentor_view(conn, mentor)
    })
    .await
}

pub async fn my_profile(pool: &Pool, me: &CurrentUser) -> Result<Option<MentorView>, AppError> {
    let user_id = me.user_id;
    db::run(pool, move |conn| {
        match model::mentor_of_user(conn, user_id)? {
            Some(m) => Ok(Some(mentor_view(conn, m)?)),
            None => Ok(None),
        }
    })
    .await
}

// ---------------------------------------------------------------------------------------------
// Projects

pub struct ProjectView {
    pub project: Project,
    pub organization: Organization,
    /// (slug, label fr, label en, weight)
    pub needs: Vec<(String, String, String, i32)>,
    /// The viewer belongs to the project's organization.
    pub owning: bool,
}

pub fn project_view(
    conn: &mut DbConnection,
    project: Project,
    viewer: Option<&CurrentUser>,
) -> Result<ProjectView, AppError> {
    let organization = orgs::find(conn, project.organization_id)?;
    let needs = model::needs(conn, project.id)?
        .into_iter()
        .map(|(_, slug, fr, en, w)| (slug, fr, en, w))
        .collect();
    let owning = match viewer {
        Some(v) => orgs::role_of(conn, project.organization_id, v.user_id)?.is_some(),
        None => false,
    };
    Ok(ProjectView {
        project,
        organization,
        needs,
        owning,
    })
}

/// Whether the viewer may see the project: by its visibility, as a member of its organization,
/// as an admin, or as a mentor it has asked.
pub fn may_see_project(
    conn: &mut DbConnection,
    project: &Project,
    viewer: Option<&CurrentUser>,
) -> Result<bool, AppError> {
    let Some(viewer) = viewer else {
        return Ok(project.visibility == "public");
    };
    if project.visibility != "private" || viewer.is_admin() {
        return Ok(true);
    }
    if orgs::role_of(conn, project.organization_id, viewer.user_id)?.is_some() {
        return Ok(true);
    }
    let Some(mentor) = model::mentor_of_user(conn, viewer.user_id)? else {
        return Ok(false);
    };
    Ok(model::mentorships_of_projects(conn, &[project.id])?
        .iter()
        .any(|m| m.mentor_id == mentor.id))
}

fn validate_project(
    conn: &mut DbConnection,
    input: &ProjectInput,
) -> Result<(ProjectFields, Vec<(i64, i32)>), AppError> {
    let mut errors = FieldErrors::new();
    let title = text_field(&mut errors, "title", &input.title, 160, true);
    let summary = text_field(&mut errors, "summary", &input.summary, 4000, false);
    let goals = text_field(&mut errors, "goals", &input.goals, 2000, false);
    let stage = one_of(&mut errors, "stage", &input.stage, &STAGES);
    let languages = languages(&mut errors, &input.languages);
    let visibility = one_of(
        &mut errors,
        "visibility",
        &input.visibility,
        &PROJECT_VISIBILITIES,
    );
    let needs = theme_levels(conn, &mut errors, "needs", &input.needs)?;
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    Ok((
        ProjectFields {
            title,
            summary,
            goals,
            stage,
            languages,
            visibility,
        },
        needs,
    ))
}

/// A member of an active startup creates a project for it.
pub async fn create_project(
    pool: &Pool,
    me: &CurrentUser,
    input: ProjectInput,
) -> Result<Project, AppError> {
    me.require_verified()?;
    let me = me.clone();
    db::run(pool, move |conn| {
        dialect::write_transaction(conn, |conn| {
            let startups: Vec<Organization> = orgs::of_user(conn, me.user_id)?
                .into_iter()
                .map(|(org, _)| org)
                .filter(|o| o.kind == "startup" && o.status == orgs::ACTIVE)
                .collect();
            let organization = match input.organization_id {
                Some(id) => startups.into_iter().find(|o| o.id == id).ok_or_else(|| {
                    AppError::validation(
                        "organization_id",
                        "must be an active startup you belong to",
                    )
                })?,
                None if startups.len() == 1 => startups.into_iter().next().expect("one"),
                None if startups.is_empty() => {
                    return Err(AppError::Forbidden(
                        "Projects belong to startups: join an active startup first.".into(),
                    ));
                }
                None => {
                    return Err(AppError::validation(
                        "organization_id",
                        "say which of your startups owns the project",
                    ));
                }
            };
            let (fields, needs) = validate_project(conn, &input)?;
            let slug = first_free(&fields.title, "projet", |c| {
                model::project_slug_taken(conn, c)
            })?
            .ok_or_else(|| AppError::Conflict("Too many projects share this title.".into()))?;
            let now = Utc::now().naive_utc();
            let project =
                model::insert_project(conn, organization.id, &slug, &fields, me.user_id, now)?;
            model::set_needs(conn, project.id, &needs)?;
            search::sync::touch(conn, search::Kind::Project, project.id)?;
            auth_model::audit(
                conn,
                "project_created",
                Some(me.user_id),
                None,
                "",
                json!({ "project": project.id, "organization": organization.id }),
                now,
            )?;
            Ok(project)
        })
    })
    .await
}

/// 403 unless the viewer belongs to the project's organization (or is an admin).
pub fn require_owner(
    conn: &mut DbConnection,
    project: &Project,
    me: &CurrentUser,
) -> Result<(), AppError> {
    if me.is_admin() || orgs::role_of(conn, project.organization_id, me.user_id)?.is_some() {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "Only the startup's members change its projects.".into(),
        ))
    }
}

/// Replaces a project's fields and needs; `status` may close or reopen it.
pub async fn update_project(
    pool: &Pool,
    me: &CurrentUser,
    id: i64,
    input: ProjectInput,
) -> Result<Project, AppError> {
    let me = me.clone();
    db::run(pool, move |conn| {
        dialect::write_transaction(conn, |conn| {
            let project = model::find_project(conn, id)?;
            if !may_see_project(conn, &project, Some(&me))? {
                return Err(AppError::NotFound);
            }
            require_owner(conn, &project, &me)?;
            if input
                .organization_id
                .is_some_and(|o| o != project.organization_id)
            {
                return Err(AppError::validation(
                    "organization_id",
                    "a project cannot move to another organization",
                ));
            }
            let (fields, needs) = validate_project(conn, &input)?;
            let now = Utc::now().naive_utc();
            model::update_project(conn, id, &fields, now)?;
            model::set_needs(conn, id, &needs)?;
            search::sync::touch(conn, search::Kind::Project, id)?;
            Ok(model::find_project(conn, id)?)
        })
    })
    .await
}

/// Closes an open project (its pending requests are withdrawn) or reopens a closed one.
pub async fn set_project_status(
    pool: &Pool,
    settings: &Settings,
    me: &CurrentUser,
    id: i64,
    to: String,
) -> Result<Project, AppError> {
    let base_url = settings.base_url.as_str().to_owned();
    let from: &'static [&'static str] = match to.as_str() {
        "closed" => &["open"],
        "open" => &["closed"],
        _ => return Err(AppError::validation("status", "must be open or closed")),
    };
    let me = me.clone();
    db::run(pool, move |conn| {
        dialect::write_transaction(conn, |conn| {
            let project = model::find_project(conn, id)?;
            if !may_see_project(conn, &project, Some(&me))? {
                return Err(AppError::NotFound);
            }
            require_owner(conn, &project, &me)?;
            let now = Utc::now().naive_utc();
            if model::set_project_status(conn, id, from, &to, now)? != 1 {
                return Err(AppError::Conflict(format!(
                    "This project is {}; it cannot become {to}.",
                    project.status
                )));
            }
            if to == "closed" {
                for pending in model::other_pending(conn, id, 0)? {
                    super::workflow::withdraw_in(conn, &base_url, &pending, "project_closed", now)?;
                }
            }
            search::sync::touch(conn, search::Kind::Project, id)?;
            Ok(model::find_project(conn, id)?)
        })
    })
    .await
}

pub async fn project(
    pool: &Pool,
    viewer: Option<CurrentUser>,
    id: i64,
) -> Result<ProjectView, AppError> {
    db::run(pool, move |conn| {
        let project = model::find_project(conn, id)?;
        if !may_see_project(conn, &project, viewer.as_ref())? {
            return Err(AppError::NotFound);
        }
        project_view(conn, project, viewer.as_ref())
    })
    .await
}

/// Projects the viewer may see: `mine` = those of the viewer's organizations; otherwise the
/// open projects (public ones for visitors).
pub async fn projects(
    pool: &Pool,
    viewer: Option<CurrentUser>,
    mine: bool,
) -> Result<Vec<ProjectView>, AppError> {
    db::run(pool, move |conn| {
        let list = match (&viewer, mine) {
            (Some(v), true) => {
                let ids: Vec<i64> = orgs::of_user(conn, v.user_id)?
                    .into_iter()
                    .map(|(o, _)| o.id)
                    .collect();
                model::projects_of(conn, &ids)?
            }
            (None, true) => return Err(AppError::Unauthorized("Sign in first.".into())),
            _ => model::projects_with_status(conn, &["open"])?,
        };
        let mut out = Vec::new();
        for project in list {
            if may_see_project(conn, &project, viewer.as_ref())? {
                out.push(project_view(conn, project, viewer.as_ref())?);
            }
        }
        Ok(out)
    })
    .await
}

// ---------------------------------------------------------------------------------------------
// Suggestions

/// A ranked candidate with its score.
pub struct Suggestion<T> {
    pub item: T,
    pub score: Score,
    /// A pending or active mentorship already links the pair.
    pub linked: bool,
}

const SUGGESTIONS: usize = 10;

/// The best mentors for a project (members of its startup and admins): eligible pairs first,
/// by score; declined pairs left out.
pub async fn mentors_for_project(
    pool: &Pool,
    me: &CurrentUser,
    project_id: i64,
) -> Result<Vec<Suggestion<MentorView>>, AppError> {
    let me = me.clone();
    db::run(pool, move |conn| {
        let project = model::find_project(conn, project_id)?;
        if !may_see_project(conn, &project, Some(&me))? {
            return Err(AppError::NotFound);
        }
        require_owner(conn, &project, &me)?;
        let facts = model::project_facts(conn, std::slice::from_ref(&project))?
            .pop()
            .expect("one project");
        let mentors: Vec<Mentor> = model::mentors_visible(conn, &["public", "members"])?
            .into_iter()
            .map(|(m, _)| m)
            .collect();
        let mentor_facts = model::mentor_facts(conn, &mentors)?;
        let declined: HashSet<(i64, i64)> = model::declined_pairs(conn)?.into_iter().collect();
        let linked: HashSet<i64> = model::mentorships_of_projects(conn, &[project.id])?
            .into_iter()
            .filter(|m| model::LIVE.contains(&m.status.as_str()))
            .map(|m| m.mentor_id)
            .collect();
        let mut ranked: Vec<(Mentor, Score)> = mentors
            .into_iter()
            .zip(mentor_facts.iter())
            .filter(|(m, _)| !declined.contains(&(project.id, m.id)))
            .map(|(m, f)| (m, scoring::score(&facts, f)))
            .filter(|(_, s)| !s.common_themes.is_empty())
            .collect();
        ranked.sort_by(|(a, sa), (b, sb)| {
            sb.eligible()
                .cmp(&sa.eligible())
                .then(sb.total.cmp(&sa.total))
                .then(a.id.cmp(&b.id))
        });
        ranked.truncate(SUGGESTIONS);
        let mut out = Vec::new();
        for (mentor, score) in ranked {
            let linked = linked.contains(&mentor.id);
            out.push(Suggestion {
                item: mentor_view(conn, mentor)?,
                score,
                linked,
            });
        }
        Ok(out)
    })
    .await
}

/// The best open projects for the signed-in mentor (those mentors may see).
pub async fn projects_for_mentor(
    pool: &Pool,
    me: &CurrentUser,
) -> Result<Vec<Suggestion<ProjectView>>, AppError> {
    let me = me.clone();
    db::run(pool, move |conn| {
        let mentor = model::mentor_of_user(conn, me.user_id)?
            .ok_or_else(|| AppError::Conflict("Create your mentor profile first.".into()))?;
        let facts = model::mentor_facts(conn, std::slice::from_ref(&mentor))?
            .pop()
            .expect("one mentor");
        let projects: Vec<Project> = model::projects_with_status(conn, &["open"])?
            .into_iter()
            .filter(|p| p.visibility != "private")
            .collect();
        let project_facts = model::project_facts(conn, &projects)?;
        let declined: HashSet<(i64, i64)> = model::declined_pairs(conn)?.into_iter().collect();
        let linked: HashSet<i64> = model::mentorships_of_mentor(conn, mentor.id)?
            .into_iter()
            .filter(|m| model::LIVE.contains(&m.status.as_str()))
            .map(|m| m.project_id)
            .collect();
        let mut ranked: Vec<(Project, Score)> = projects
            .into_iter()
            .zip(project_facts.iter())
            .filter(|(p, _)| !declined.contains(&(p.id, mentor.id)))
            .map(|(p, f)| (p, scoring::score(f, &facts)))
            .filter(|(_, s)| !s.common_themes.is_empty())
            .collect();
        ranked.sort_by(|(a, sa), (b, sb)| sb.total.cmp(&sa.total).then(a.id.cmp(&b.id)));
        ranked.truncate(SUGGESTIONS);
        let mut out = Vec::new();
        for (project, score) in ranked {
            let linked = linked.contains(&project.id);
            out.push(Suggestion {
                item: project_view(conn, project, Some(&me))?,
                score,
                linked,
            });
        }
        Ok(out)
    })
    .await
}
