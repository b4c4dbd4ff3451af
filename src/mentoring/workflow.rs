//! Mentorships from request to feedback. A startup member asks a mentor for one of the
//! startup's open projects (at most 3 pending requests per project), or an admin proposes the
//! pair; the mentor accepts or declines with a reason; a request left pending is reminded
//! after 7 days and expires after 14. Accepting takes one of the mentor's places with one
//! guarded statement in the same transaction as the status change, so a mentor never has more
//! active mentees than their capacity, however many accept at once; the project is then
//! matched and its other pending requests are withdrawn. An active mentorship keeps a log of
//! sessions (shared notes, and one private note per side) and ends with feedback from both
//! sides. Every step emails the other side through the job queue.
//!
//! Errors: [`AppError`] — 403 for people outside the mentorship, 404 for what they may not
//! see, 409 for a step that no longer applies (full or paused mentor, duplicate, too many
//! pending requests, feedback before the end), 422 for invalid fields or self-mentoring.

use chrono::{DateTime, Duration, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Europe::Paris;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::mail::{self, Audience};
use super::model::{self, Mentor, Mentorship, Project};
use super::service::{self, MentorView, ProjectView};
use crate::auth::CurrentUser;
use crate::auth::model as auth_model;
use crate::config::Settings;
use crate::db::{self, DbConnection, Pool, dialect};
use crate::error::{AppError, FieldErrors, text_field};
use crate::jobs::{EnqueueOptions, Job, JobContext, JobError, JobRun};
use crate::orgs::model as orgs;

pub const MAX_PENDING: i64 = 3;
pub const REMIND_AFTER_DAYS: i64 = 7;
pub const EXPIRE_AFTER_DAYS: i64 = 14;

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MentorRequestInput {
    pub project_id: i64,
    pub mentor_id: i64,
    /// Why this mentor (at most 2000 characters).
    #[serde(default)]
    pub message: String,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeclineInput {
    /// Told to the startup (1 to 1000 characters).
    pub reason: String,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SessionLogInput {
    /// When it took place: `YYYY-MM-DDTHH:MM` in Europe/Paris, or RFC 3339.
    pub held_at: String,
    /// Duration in minutes, 5 to 600.
    pub minutes: i32,
    /// Read by both sides.
    #[serde(default)]
    pub shared_notes: String,
    /// Read only by the writer's side.
    #[serde(default)]
    pub private_notes: String,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FeedbackInput {
    /// 1 to 5.
    pub rating: i32,
    #[serde(default)]
    pub comment: String,
}

/// Which side of a mentorship the viewer is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Mentor,
    Startup,
    Admin,
}

impl Side {
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Mentor => "mentor",
            Side::Startup => "startup",
            Side::Admin => "admin",
        }
    }
}

/// A session as one side sees it: the private note is the viewer's own.
pub struct SessionView {
    pub session: model::Session,
    pub private_notes: String,
}

/// A mentorship with what both sides need to show it.
pub struct MentorshipView {
    pub mentorship: Mentorship,
    pub project: ProjectView,
    pub mentor: MentorView,
    pub side: Side,
    pub sessions: Vec<SessionView>,
    pub feedback: Vec<model::Feedback>,
}

impl MentorshipView {
    pub fn total_minutes(&self) -> i32 {
        self.sessions.iter().map(|s| s.session.minutes).sum()
    }
    /// The viewer's side may still give feedback.
    pub fn feedback_due(&self) -> bool {
        self.mentorship.status == "completed"
            && self.side != Side::Admin
            && !self.feedback.iter().any(|f| f.side == self.side.as_str())
    }
}

fn side_of(
    conn: &mut DbConnection,
    me: &CurrentUser,
    mentor: &Mentor,
    project: &Project,
) -> Result<Side, AppError> {
    if mentor.user_id == me.user_id {
        Ok(Side::Mentor)
    } else if orgs::role_of(conn, project.organization_id, me.user_id)?.is_some() {
        Ok(Side::Startup)
    } else if me.is_admin() {
        Ok(Side::Admin)
    } else {
        Err(AppError::NotFound)
    }
}

pub fn view(
    conn: &mut DbConnection,
    me: &CurrentUser,
    mentorship: Mentorship,
) -> Result<MentorshipView, AppError> {
    let mentor = model::find_mentor(conn, mentorship.mentor_id)?;
    let project = model::find_project(conn, mentorship.project_id)?;
    let side = side_of(conn, me, &mentor, &project)?;
    let sessions = model::sessions(conn, mentorship.id)?
        .into_iter()
        .map(|session| {
            let private_notes = match side {
                Side::Mentor => session.mentor_notes.clone(),
                Side::Startup => session.startup_notes.clone(),
                Side::Admin => String::new(),
            };
            SessionView {
                session,
                private_notes,
            }
        })
        .collect();
    let feedback = model::feedback(conn, mentorship.id)?;
    Ok(MentorshipView {
        project: service::project_view(conn, project, Some(me))?,
        mentor: service::mentor_view(conn, mentor)?,
        mentorship,
        side,
        sessions,
        feedback,
    })
}

fn schedule(conn: &mut DbConnection, m: &Mentorship) -> Result<(), AppError> {
    crate::jobs::enqueue(
        conn,
        &RemindMentor { mentorship: m.id },
        EnqueueOptions {
            run_at: Some(m.created_at + Duration::days(REMIND_AFTER_DAYS)),
            dedup_key: Some(format!("mentorship-reminder:{}", m.id)),
        },
    )?;
    crate::jobs::enqueue(
        conn,
        &ExpireMentorship { mentorship: m.id },
        EnqueueOptions {
            run_at: Some(m.expires_at),
            dedup_key: Some(format!("mentorship-expiry:{}", m.id)),
        },
    )?;
    Ok(())
}

/// The checks shared by requests and proposals, then the insert, emails and jobs.
#[allow(clippy::too_many_arguments)]
pub fn open_in(
    conn: &mut DbConnection,
    base_url: &str,
    project: &Project,
    mentor: &Mentor,
    origin: &str,
    message: &str,
    by: Option<i64>,
    round: Option<i64>,
    now: NaiveDateTime,
) -> Result<Mentorship, AppError> {
    if project.status != "open" {
        return Err(AppError::Conflict(format!(
            "This project is {}: it takes no new mentor.",
            project.status
        )));
    }
    let organization = orgs::find(conn, project.organization_id)?;
    if organization.status != orgs::ACTIVE {
        return Err(AppError::Conflict(
            "A suspended startup cannot ask for a mentor.".into(),
        ));
    }
    if orgs::role_of(conn, project.organization_id, mentor.user_id)?.is_some()
        || mentor.organization_id == Some(project.organization_id)
    {
        return Err(AppError::validation(
            "mentor_id",
            "a mentor cannot mentor a project of their own organization",
        ));
    }
    if mentor.paused {
        return Err(AppError::Conflict(
            "This mentor has paused mentoring and takes no request now.".into(),
        ));
    }
    if mentor.places_left() == 0 {
        return Err(AppError::Conflict(
            "This mentor has no place left; ask another mentor or wait for a place.".into(),
        ));
    }
    if model::pending_count(conn, project.id)? >= MAX_PENDING {
        return Err(AppError::Conflict(format!(
            "This project already has {MAX_PENDING} pending requests: wait for an answer or withdraw one."
        )));
    }
    let mentorship = model::insert_mentorship(
        conn,
        &model::NewMentorship {
            project_id: project.id,
            mentor_id: mentor.id,
            origin,
            message,
            requested_by: by,
            round_id: round,
            now,
            expires_at: now + Duration::days(EXPIRE_AFTER_DAYS),
        },
    )?
    .ok_or_else(|| {
        AppError::Conflict(
            "This project and this mentor are already linked by a request or a mentorship.".into(),
        )
    })?;
    let key = if origin == "proposal" {
        "proposed"
    } else {
        "requested"
    };
    mail::notify(
        conn,
        base_url,
        &mentorship,
        Audience::Mentor,
        key,
        &[message],
    )?;
    if origin == "proposal" {
        mail::notify(
            conn,
            base_url,
            &mentorship,
            Audience::Startup,
            "proposed_startup",
            &[],
        )?;
    }
    schedule(conn, &mentorship)?;
    auth_model::audit(
        conn,
        "mentorship_opened",
        by,
        None,
        "",
        json!({ "mentorship": mentorship.id, "origin": origin, "project": project.id, "mentor": mentor.id }),
        now,
    )?;
    Ok(mentorship)
}

/// A startup member asks a mentor for one of the startup's projects.
pub async fn request(
    pool: &Pool,
    settings: &Settings,
    me: &CurrentUser,
    input: MentorRequestInput,
) -> Result<Mentorship, AppError> {
    me.require_verified()?;
    let mut errors = FieldErrors::new();
    let message = text_field(&mut errors, "message", &input.message, 2000, false);
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let (me, base_url) = (me.clone(), settings.base_url.as_str().to_owned());
    db::run(pool, move |conn| {
        dialect::write_transaction(conn, |conn| {
            let project = model::find_project(conn, input.project_id)
                .map_err(|_| AppError::validation("project_id", "no such project"))?;
            if orgs::role_of(conn, project.organization_id, me.user_id)?.is_none() {
                return Err(AppError::Forbidden(
                    "Only the startup's members ask mentors for its projects.".into(),
                ));
            }
            let mentor = model::find_mentor(conn, input.mentor_id)
                .ok()
                .filter(|m| service::may_see_mentor(m, Some(&me)) && m.visibility != "hidden")
                .ok_or_else(|| AppError::validation("mentor_id", "no such mentor"))?;
            if mentor.user_id == me.user_id {
                return Err(AppError::validation(
                    "mentor_id",
                    "you cannot be your own mentor",
                ));
            }
            let now = Utc::now().naive_utc();
            open_in(
                conn,
                &base_url,
                &project,
                &mentor,
                "request",
                &message,
                Some(me.user_id),
                None,
                now,
            )
        })
    })
    .await
}

/// An admin proposes a pair outside a round.
pub async fn propose(
    pool: &Pool,
    settings: &Settings,
    actor: Option<i64>,
    input: MentorRequestInput,
) -> Result<Mentorship, AppError> {
    let mut errors = FieldErrors::new();
    let message = text_field(&mut errors, "message", &input.message, 2000, false);
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let base_url = settings.base_url.as_str().to_owned();
    db::run(pool, move |conn| {
        dialect::write_transaction(conn, |conn| {
            let project = model::find_project(conn, input.project_id)
                .map_err(|_| AppError::validation("project_id", "no such project"))?;
            let mentor = model::find_mentor(conn, input.mentor_id)
                .map_err(|_| AppError::validation("mentor_id", "no such mentor"))?;
            let now = Utc::now().naive_utc();
            open_in(
                conn, &base_url, &project, &mentor, "proposal", &message, actor, None, now,
            )
        })
    })
    .await
}

fn mentor_only(
    conn: &mut DbConnection,
    me: &CurrentUser,
    m: &Mentorship,
) -> Result<Mentor, AppError> {
    let mentor = model::find_mentor(conn, m.mentor_id)?;
    if mentor.user_id != me.user_id {
        let project = model::find_project(conn, m.project_id)?;
        side_of(conn, me, &mentor, &project)?; // 404 to strangers
        return Err(AppError::Forbidden(
            "Only the mentor answers a request.".into(),
        ));
    }
    Ok(mentor)
}

fn not_pending(m: &Mentorship) -> AppError {
    AppError::Conflict(format!(
        "This request is {}: it can no longer be answered.",
        m.status
    ))
}

/// The mentor accepts: one place taken (guarded), the mentorship active, the project matched,
/// its other pending requests withdrawn.
pub async fn accept(
    pool: &Pool,
    settings: &Settings,
    me: &CurrentUser,
    id: i64,
) -> Result<Mentorship, AppError> {
    let (me, base_url) = (me.clone(), settings.base_url.as_str().to_owned());
    db::run(pool, move |conn| {
        dialect::write_transaction(conn, |conn| {
            let m = model::find_mentorship(conn, id)?;
            let mentor = mentor_only(conn, &me, &m)?;
            if m.status != model::PENDING {
                return Err(not_pending(&m));
            }
            let now = Utc::now().naive_utc();
            if model::take_place(conn, mentor.id, now)? != 1 {
                let mentor = model::find_mentor(conn, mentor.id)?;
                return Err(AppError::Conflict(if mentor.paused {
                    "Your mentoring is paused: resume it to accept.".into()
                } else {
                    format!(
                        "You already mentor {} projects, your capacity: raise it or end a mentorship first.",
                        mentor.active_mentees
                    )
                }));
            }
            if model::activate(conn, id, now)? != 1 {
                return Err(not_pending(&model::find_mentorship(conn, id)?));
            }
            if model::set_project_status(conn, m.project_id, &["open"], "matched", now)? != 1 {
                return Err(AppError::Conflict(
                    "This project already has a mentor or was closed.".into(),
                ));
            }
            for other in model::other_pending(conn, m.project_id, id)? {
                withdraw_in(conn, &base_url, &other, "project_matched", now)?;
            }
            let m = model::find_mentorship(conn, id)?;
            mail::notify(conn, &base_url, &m, Audience::Startup, "accepted", &[])?;
            crate::search::sync::touch(conn, crate::search::Kind::Mentor, mentor.id)?;
            crate::search::sync::touch(conn, crate::search::Kind::Project, m.project_id)?;
            auth_model::audit(
                conn,
                "mentorship_accepted",
                Some(me.user_id),
                None,
                "",
                json!({ "mentorship": id }),
                now,
            )?;
            Ok(m)
        })
    })
    .await
}

/// The mentor declines, with a reason the startup reads. The pair is never proposed again.
pub async fn decline(
    pool: &Pool,
    settings: &Settings,
    me: &CurrentUser,
    id: i64,
    input: DeclineInput,
) -> Result<Mentorship, AppError> {
    let mut errors = FieldErrors::new();
    let reason = text_field(&mut errors, "reason", &input.reason, 1000, true);
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let (me, base_url) = (me.clone(), settings.base_url.as_str().to_owned());
    db::run(pool, move |conn| {
        dialect::write_transaction(conn, |conn| {
            let m = model::find_mentorship(conn, id)?;
            mentor_only(conn, &me, &m)?;
            let now = Utc::now().naive_utc();
            if model::close_pending(conn, id, "declined", &reason, now)? != 1 {
                return Err(not_pending(&m));
            }
            let m = model::find_mentorship(conn, id)?;
            mail::notify(
                conn,
                &base_url,
                &m,
                Audience::Startup,
                "declined",
                &[&reason],
            )?;
            auth_model::audit(
                conn,
                "mentorship_declined",
                Some(me.user_id),
                None,
                "",
                json!({ "mentorship": id }),
                now,
            )?;
            Ok(m)
        })
    })
    .await
}

/// Withdraws a pending request inside the caller's transaction and tells the mentor why
/// (`reason`: `withdrawn`, `project_matched`, `project_closed`).
pub fn withdraw_in(
    conn: &mut DbConnection,
    base_url: &str,
    m: &Mentorship,
    reason: &str,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    if model::close_pending(conn, m.id, "withdrawn", "", now)? == 1 {
        let m = model::find_mentorship(conn, m.id)?;
        mail::notify(conn, base_url, &m, Audience::Mentor, reason, &[])?;
    }
    Ok(())
}

/// The startup withdraws its pending request.
pub async fn withdraw(
    pool: &Pool,
    settings: &Settings,
    me: &CurrentUser,
    id: i64,
) -> Result<Mentorship, AppError> {
    let (me, base_url) = (me.clone(), settings.base_url.as_str().to_owned());
    db::run(pool, move |conn| {
        dialect::write_transaction(conn, |conn| {
            let m = model::find_mentorship(conn, id)?;
            let mentor = model::find_mentor(conn, m.mentor_id)?;
            let project = model::find_project(conn, m.project_id)?;
            if side_of(conn, &me, &mentor, &project)? != Side::Startup {
                return Err(AppError::Forbidden(
                    "Only the startup withdraws its request.".into(),
                ));
            }
            if m.status != model::PENDING {
                return Err(not_pending(&m));
            }
            withdraw_in(conn, &base_url, &m, "withdrawn", Utc::now().naive_utc())?;
            Ok(model::find_mentorship(conn, id)?)
        })
    })
    .await
}

/// Either side ends an active mentorship: the place is freed, the project closed, both asked
/// for feedback.
pub async fn end(
    pool: &Pool,
    settings: &Settings,
    me: &CurrentUser,
    id: i64,
) -> Result<Mentorship, AppError> {
    let (me, base_url) = (me.clone(), settings.base_url.as_str().to_owned());
    db::run(pool, move |conn| {
        dialect::write_transaction(conn, |conn| {
            let m = model::find_mentorship(conn, id)?;
            let mentor = model::find_mentor(conn, m.mentor_id)?;
            let project = model::find_project(conn, m.project_id)?;
            let side = side_of(conn, &me, &mentor, &project)?;
            let now = Utc::now().naive_utc();
            if model::complete(conn, id, me.user_id, now)? != 1 {
                return Err(AppError::Conflict(format!(
                    "This mentorship is {}: only an active one can end.",
                    m.status
                )));
            }
            model::free_place(conn, mentor.id, now)?;
            model::set_project_status(conn, project.id, &["matched"], "closed", now)?;
            let m = model::find_mentorship(conn, id)?;
            mail::notify(conn, &base_url, &m, Audience::Mentor, "ended", &[])?;
            mail::notify(conn, &base_url, &m, Audience::Startup, "ended", &[])?;
            crate::search::sync::touch(conn, crate::search::Kind::Mentor, mentor.id)?;
            crate::search::sync::touch(conn, crate::search::Kind::Project, project.id)?;
            auth_model::audit(
                conn,
                "mentorship_ended",
                Some(me.user_id),
                None,
                "",
                json!({ "mentorship": id, "side": side.as_str() }),
                now,
            )?;
            Ok(m)
        })
    })
    .await
}

/// `YYYY-MM-DDTHH:MM` (Europe/Paris) or RFC 3339, to UTC.
pub fn parse_local(text: &str) -> Option<NaiveDateTime> {
    let text = text.trim();
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Some(at.with_timezone(&Utc).naive_utc());
    }
    let local = NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S"))
        .ok()?;
    Paris
        .from_local_datetime(&local)
        .earliest()
        .map(|at| at.with_timezone(&Utc).naive_utc())
}

/// Either side logs a session of an active mentorship; the other side is told.
pub async fn log_session(
    pool: &Pool,
    settings: &Settings,
    me: &CurrentUser,
    id: i64,
    input: SessionLogInput,
) -> Result<model::Session, AppError> {
    let mut errors = FieldErrors::new();
    let shared = text_field(
        &mut errors,
        "shared_notes",
        &input.shared_notes,
        4000,
        false,
    );
    let private = text_field(
        &mut errors,
        "private_notes",
        &input.private_notes,
        4000,
        false,
    );
    let now = Utc::now().naive_utc();
    let held_at = match parse_local(&input.held_at) {
        Some(at) if at <= now + Duration::days(366) && at >= now - Duration::days(3660) => Some(at),
        _ => {
            errors
                .entry("held_at".into())
                .or_default()
                .push("must be a date and time (YYYY-MM-DDTHH:MM)".into());
            None
        }
    };
    if !(5..=600).contains(&input.minutes) {
        errors
            .entry("minutes".into())
            .or_default()
            .push("must be between 5 and 600".into());
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let held_at = held_at.expect("checked");
    let (me, base_url) = (me.clone(), settings.base_url.as_str().to_owned());
    db::run(pool, move |conn| {
        dialect::write_transaction(conn, |conn| {
            let m = model::find_mentorship(conn, id)?;
            let mentor = model::find_mentor(conn, m.mentor_id)?;
            let project = model::find_project(conn, m.project_id)?;
            let side = side_of(conn, &me, &mentor, &project)?;
            if side == Side::Admin {
                return Err(AppError::Forbidden(
                    "Only the mentor and the startup log sessions.".into(),
                ));
            }
            if m.status != model::ACTIVE {
                return Err(AppError::Conflict(format!(
                    "This mentorship is {}: sessions are logged while it is active.",
                    m.status
                )));
            }
            let (mentor_notes, startup_notes) = match side {
                Side::Mentor => (private.as_str(), ""),
                _ => ("", private.as_str()),
            };
            let session = model::insert_session(
                conn,
                &model::NewSession {
                    mentorship_id: id,
                    held_at,
                    minutes: input.minutes,
                    shared_notes: &shared,
                    mentor_notes,
                    startup_notes,
                    created_by: me.user_id,
                    now,
                },
            )?;
            let other = if side == Side::Mentor {
                Audience::Startup
            } else {
                Audience::Mentor
            };
            mail::notify(conn, &base_url, &m, other, "session", &[&shared])?;
            Ok(session)
        })
    })
    .await
}

/// One side's feedback once the mentorship has ended (once per side).
pub async fn give_feedback(
    pool: &Pool,
    me: &CurrentUser,
    id: i64,
    input: FeedbackInput,
) -> Result<model::Feedback, AppError> {
    let mut errors = FieldErrors::new();
    let comment = text_field(&mut errors, "comment", &input.comment, 2000, false);
    if !(1..=5).contains(&input.rating) {
        errors
            .entry("rating".into())
            .or_default()
            .push("must be between 1 and 5".into());
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let me = me.clone();
    db::run(pool, move |conn| {
        dialect::write_transaction(conn, |conn| {
            let m = model::find_mentorship(conn, id)?;
            let mentor = model::find_mentor(conn, m.mentor_id)?;
            let project = model::find_project(conn, m.project_id)?;
            let side = side_of(conn, &me, &mentor, &project)?;
            if side == Side::Admin {
                return Err(AppError::Forbidden(
                    "Feedback comes from the mentor and the startup.".into(),
                ));
            }
            if m.status != "completed" {
                return Err(AppError::Conflict(format!(
                    "This mentorship is {}: feedback comes once it has ended.",
                    m.status
                )));
            }
            let now = Utc::now().naive_utc();
            if !model::insert_feedback(
                conn,
                id,
                side.as_str(),
                input.rating,
                &comment,
                me.user_id,
                now,
            )? {
                return Err(AppError::Conflict(
                    "Your side has already given its feedback.".into(),
                ));
            }
            let feedback = model::feedback(conn, id)?
                .into_iter()
                .find(|f| f.side == side.as_str())
                .ok_or(AppError::NotFound)?;
            Ok(feedback)
        })
    })
    .await
}

pub async fn get(pool: &Pool, me: &CurrentUser, id: i64) -> Result<MentorshipView, AppError> {
    let me = me.clone();
    db::run(pool, move |conn| {
        let m = model::find_mentorship(conn, id)?;
        view(conn, &me, m)
    })
    .await
}

/// The mentorships a person takes part in: as the mentor, and through their organizations'
/// projects (each once).
fn of_user(conn: &mut DbConnection, user_id: i64) -> Result<Vec<Mentorship>, AppError> {
    let mut list = match model::mentor_of_user(conn, user_id)? {
        Some(mentor) => model::mentorships_of_mentor(conn, mentor.id)?,
        None => Vec::new(),
    };
    let orgs: Vec<i64> = orgs::of_user(conn, user_id)?
        .into_iter()
        .map(|(o, _)| o.id)
        .collect();
    let projects: Vec<i64> = model::projects_of(conn, &orgs)?
        .iter()
        .map(|p| p.id)
        .collect();
    for m in model::mentorships_of_projects(conn, &projects)? {
        if !list.iter().any(|x| x.id == m.id) {
            list.push(m);
        }
    }
    Ok(list)
}

/// The mentorships the viewer takes part in: as a mentor, and through their organizations'
/// projects; all of them (optionally of one status) for an admin asking for `all`.
pub async fn mine(
    pool: &Pool,
    me: &CurrentUser,
    all: bool,
    status: Option<String>,
) -> Result<Vec<MentorshipView>, AppError> {
    let me = me.clone();
    db::run(pool, move |conn| {
        let list = if all {
            if !me.is_admin() {
                return Err(AppError::Forbidden(
                    "Only admins see every mentorship.".into(),
                ));
            }
            model::all_mentorships(conn, status.as_deref())?
        } else {
            let mut list = of_user(conn, me.user_id)?;
            list.sort_by_key(|m| std::cmp::Reverse(m.updated_at));
            if let Some(status) = &status {
                list.retain(|m| &m.status == status);
            }
            list
        };
        list.into_iter().map(|m| view(conn, &me, m)).collect()
    })
    .await
}

/// Job: the reminder to a mentor who has not answered after 7 days.
#[derive(Debug, Serialize, Deserialize)]
pub struct RemindMentor {
    pub mentorship: i64,
}

impl Job for RemindMentor {
    const KIND: &'static str = "mentorship_reminder";

    async fn run(self, ctx: JobContext, _run: JobRun) -> Result<(), JobError> {
        let base_url = ctx.settings.base_url.as_str().to_owned();
        db::run(&ctx.db, move |conn| {
            dialect::write_transaction(conn, |conn| {
                let Ok(m) = model::find_mentorship(conn, self.mentorship) else {
                    return Ok(()); // deleted with its project
                };
                if model::mark_reminded(conn, m.id, Utc::now().naive_utc())? != 1 {
                    return Ok(()); // answered meanwhile, or reminded already
                }
                mail::notify(
                    conn,
                    &base_url,
                    &m,
                    Audience::Mentor,
                    "reminder",
                    &[&m.message],
                )
            })
        })
        .await
        .map_err(job_error)
    }
}

/// Job: a request still pending at its deadline expires; both sides are told.
#[derive(Debug, Serialize, Deserialize)]
pub struct ExpireMentorship {
    pub mentorship: i64,
}

impl Job for ExpireMentorship {
    const KIND: &'static str = "mentorship_expiry";

    async fn run(self, ctx: JobContext, _run: JobRun) -> Result<(), JobError> {
        let base_url = ctx.settings.base_url.as_str().to_owned();
        db::run(&ctx.db, move |conn| {
            dialect::write_transaction(conn, |conn| {
                let Ok(m) = model::find_mentorship(conn, self.mentorship) else {
                    return Ok(());
                };
                if model::expire(conn, m.id, Utc::now().naive_utc())? != 1 {
                    return Ok(()); // answered meanwhile
                }
                let m = model::find_mentorship(conn, m.id)?;
                mail::notify(conn, &base_url, &m, Audience::Mentor, "expired", &[])?;
                mail::notify(conn, &base_url, &m, Audience::Startup, "expired", &[])
            })
        })
        .await
        .map_err(job_error)
    }
}

fn job_error(e: AppError) -> JobError {
    JobError::Transient(e.to_string())
}

/// The sessions of the person's mentorships (as mentor or through their startups), from 90
/// days ago on, for their personal calendar feed.
pub fn calendar_of(
    conn: &mut DbConnection,
    user_id: i64,
    base: &str,
    host: &str,
) -> Result<Vec<crate::events::calendar::Appointment>, AppError> {
    let list = of_user(conn, user_id)?;
    let since = Utc::now().naive_utc() - Duration::days(90);
    let mut out = Vec::new();
    for m in list.iter().filter(|m| m.started_at.is_some()) {
        let project = model::find_project(conn, m.project_id)?;
        for session in model::sessions(conn, m.id)? {
            if session.held_at < since {
                continue;
            }
            out.push(crate::events::calendar::Appointment {
                uid: format!("quai-mentoring-session-{}@{host}", session.id),
                starts_at: session.held_at,
                ends_at: session.held_at + Duration::minutes(i64::from(session.minutes)),
                title: format!("Mentorat · {}", project.title),
                description: session.shared_notes.clone(),
                url: format!("{base}/espace/mentorat/{}", m.id),
            });
        }
    }
    Ok(out)
}
