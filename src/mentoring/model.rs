//! Rows and queries of mentor profiles, projects, mentorships, sessions, feedback and matching
//! rounds. The only statements that change a mentor's count of active mentees are the guarded
//! [`take_place`] and [`free_place`].

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::scoring::{MentorFacts, ProjectFacts, ThemeRef};
use crate::db::DbConnection;
use crate::db::schema::{
    matching_round_pairs, matching_rounds, mentor_expertise, mentor_profiles, mentor_slots,
    mentorship_feedback, mentorship_sessions, mentorships, organization_members, project_needs,
    projects, themes, users,
};

/// A theme with a level or weight: (theme id, slug, label fr, label en, level).
pub type ThemeRow = (i64, String, String, String, i32);

pub const PENDING: &str = "pending";
pub const ACTIVE: &str = "active";
pub const LIVE: [&str; 2] = [PENDING, ACTIVE];
pub const MENTORSHIP_STATUSES: [&str; 6] = [
    "pending",
    "active",
    "declined",
    "expired",
    "withdrawn",
    "completed",
];

#[derive(Clone, Debug, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = mentor_profiles)]
pub struct Mentor {
    pub id: i64,
    pub user_id: i64,
    pub organization_id: Option<i64>,
    pub slug: String,
    pub headline: String,
    pub bio: String,
    pub languages: String,
    pub stages: String,
    pub capacity: i32,
    pub active_mentees: i32,
    pub availability: String,
    pub visibility: String,
    pub paused: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl Mentor {
    pub fn places_left(&self) -> i32 {
        (self.capacity - self.active_mentees).max(0)
    }
    /// Takes requests: not paused and a place left.
    pub fn available(&self) -> bool {
        !self.paused && self.places_left() > 0
    }
    pub fn language_list(&self) -> Vec<String> {
        split_list(&self.languages)
    }
    pub fn stage_list(&self) -> Vec<String> {
        split_list(&self.stages)
    }
}

/// The fields of a profile its mentor edits.
#[derive(Clone, Debug, AsChangeset)]
#[diesel(table_name = mentor_profiles)]
pub struct MentorFields {
    pub organization_id: Option<i64>,
    pub headline: String,
    pub bio: String,
    pub languages: String,
    pub stages: String,
    pub capacity: i32,
    pub availability: String,
    pub visibility: String,
    pub paused: bool,
}

#[derive(Clone, Debug, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = projects)]
pub struct Project {
    pub id: i64,
    pub organization_id: i64,
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub goals: String,
    pub stage: String,
    pub languages: String,
    pub status: String,
    pub visibility: String,
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl Project {
    pub fn language_list(&self) -> Vec<String> {
        split_list(&self.languages)
    }
}

#[derive(Clone, Debug, AsChangeset)]
#[diesel(table_name = projects)]
pub struct ProjectFields {
    pub title: String,
    pub summary: String,
    pub goals: String,
    pub stage: String,
    pub languages: String,
    pub visibility: String,
}

#[derive(Clone, Debug, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = mentorships)]
pub struct Mentorship {
    pub id: i64,
    pub project_id: i64,
    pub mentor_id: i64,
    pub origin: String,
    pub status: String,
    pub message: String,
    pub decline_reason: String,
    pub requested_by: Option<i64>,
    pub round_id: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub reminded_at: Option<NaiveDateTime>,
    pub started_at: Option<NaiveDateTime>,
    pub ended_at: Option<NaiveDateTime>,
    pub ended_by: Option<i64>,
}

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = mentorship_sessions)]
pub struct Session {
    pub id: i64,
    pub mentorship_id: i64,
    pub held_at: NaiveDateTime,
    pub minutes: i32,
    pub shared_notes: String,
    pub mentor_notes: String,
    pub startup_notes: String,
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Clone, Debug, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = mentorship_feedback)]
pub struct Feedback {
    pub mentorship_id: i64,
    pub side: String,
    pub rating: i32,
    pub comment: String,
    pub author_id: Option<i64>,
    pub created_at: NaiveDateTime,
}

#[derive(Clone, Debug, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = matching_rounds)]
pub struct Round {
    pub id: i64,
    pub status: String,
    pub total_score: i64,
    pub greedy_score: i64,
    pub greedy_pairs: i32,
    pub projects_count: i32,
    pub mentors_count: i32,
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
}

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = matching_round_pairs)]
pub struct RoundPair {
    pub round_id: i64,
    pub project_id: i64,
    pub mentor_id: i64,
    pub score: i32,
    pub breakdown: String,
    pub edited: bool,
}

/// A comma-separated list as stored (`"fr,en"`), trimmed, lowercased, without blanks.
pub fn split_list(stored: &str) -> Vec<String> {
    stored
        .split(',')
        .map(|s| s.trim().to_lowercase())
        .filter(|s| !s.is_empty())
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Mentor profiles

pub fn mentor_slug_taken(conn: &mut DbConnection, slug: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        mentor_profiles::table.filter(mentor_profiles::slug.eq(slug)),
    ))
    .get_result(conn)
}

pub fn insert_mentor(
    conn: &mut DbConnection,
    user_id: i64,
    slug: &str,
    fields: &MentorFields,
    now: NaiveDateTime,
) -> QueryResult<Mentor> {
    diesel::insert_into(mentor_profiles::table)
        .values((
            mentor_profiles::user_id.eq(user_id),
            mentor_profiles::slug.eq(slug),
            mentor_profiles::created_at.eq(now),
            mentor_profiles::updated_at.eq(now),
            mentor_profiles::capacity.eq(fields.capacity),
        ))
        .execute(conn)?;
    let mentor = mentor_of_user(conn, user_id)?.ok_or(diesel::result::Error::NotFound)?;
    update_mentor(conn, mentor.id, fields, now)?;
    find_mentor(conn, mentor.id)
}

/// Updates the profile unless the new capacity is below the active mentees (guarded: returns 0).
pub fn update_mentor(
    conn: &mut DbConnection,
    id: i64,
    fields: &MentorFields,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        mentor_profiles::table
            .filter(mentor_profiles::id.eq(id))
            .filter(mentor_profiles::active_mentees.le(fields.capacity)),
    )
    .set((fields, mentor_profiles::updated_at.eq(now)))
    .execute(conn)
}

pub fn find_mentor(conn: &mut DbConnection, id: i64) -> QueryResult<Mentor> {
    mentor_profiles::table
        .find(id)
        .select(Mentor::as_select())
        .first(conn)
}

pub fn mentor_by_slug(conn: &mut DbConnection, slug: &str) -> QueryResult<Mentor> {
    mentor_profiles::table
        .filter(mentor_profiles::slug.eq(slug))
        .select(Mentor::as_select())
        .first(conn)
}

pub fn mentor_of_user(conn: &mut DbConnection, user_id: i64) -> QueryResult<Option<Mentor>> {
    mentor_profiles::table
        .filter(mentor_profiles::user_id.eq(user_id))
        .select(Mentor::as_select())
        .first(conn)
        .optional()
}

/// Mentors whose visibility is among `visibilities`, whose user can sign in, by name.
pub fn mentors_visible(
    conn: &mut DbConnection,
    visibilities: &[&str],
) -> QueryResult<Vec<(Mentor, String)>> {
    mentor_profiles::table
        .inner_join(users::table)
        .filter(mentor_profiles::visibility.eq_any(visibilities))
        .filter(users::is_active.eq(true))
        .filter(users::deleted_at.is_null())
        .order((users::display_name.asc(), mentor_profiles::id.asc()))
        .select((Mentor::as_select(), users::display_name))
        .load(conn)
}

pub fn all_mentors(conn: &mut DbConnection) -> QueryResult<Vec<Mentor>> {
    mentor_profiles::table
        .order(mentor_profiles::id.asc())
        .select(Mentor::as_select())
        .load(conn)
}

/// One more active mentee, only while a place is left and the mentor is not paused: the
/// capacity invariant in one guarded statement. Returns the rows changed (0 or 1).
pub fn take_place(
    conn: &mut DbConnection,
    mentor_id: i64,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        mentor_profiles::table
            .filter(mentor_profiles::id.eq(mentor_id))
            .filter(mentor_profiles::paused.eq(false))
            .filter(mentor_profiles::active_mentees.lt(mentor_profiles::capacity)),
    )
    .set((
        mentor_profiles::active_mentees.eq(mentor_profiles::active_mentees + 1),
        mentor_profiles::updated_at.eq(now),
    ))
    .execute(conn)
}

/// One active mentee fewer (a mentorship ended).
pub fn free_place(
    conn: &mut DbConnection,
    mentor_id: i64,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        mentor_profiles::table
            .filter(mentor_profiles::id.eq(mentor_id))
            .filter(mentor_profiles::active_mentees.gt(0)),
    )
    .set((
        mentor_profiles::active_mentees.eq(mentor_profiles::active_mentees - 1),
        mentor_profiles::updated_at.eq(now),
    ))
    .execute(conn)
}

/// A mentor's expertise: (theme id, slug, label fr, label en, level), by theme order.
pub fn expertise(conn: &mut DbConnection, mentor_id: i64) -> QueryResult<Vec<ThemeRow>> {
    mentor_expertise::table
        .inner_join(themes::table)
        .filter(mentor_expertise::mentor_id.eq(mentor_id))
        .order((mentor_expertise::level.desc(), themes::position.asc()))
        .select((
            themes::id,
            themes::slug,
            themes::label_fr,
            themes::label_en,
            mentor_expertise::level,
        ))
        .load(conn)
}

pub fn set_expertise(
    conn: &mut DbConnection,
    mentor_id: i64,
    levels: &[(i64, i32)],
) -> QueryResult<()> {
    diesel::delete(mentor_expertise::table.filter(mentor_expertise::mentor_id.eq(mentor_id)))
        .execute(conn)?;
    for &(theme_id, level) in levels {
        diesel::insert_into(mentor_expertise::table)
            .values((
                mentor_expertise::mentor_id.eq(mentor_id),
                mentor_expertise::theme_id.eq(theme_id),
                mentor_expertise::level.eq(level),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Weekly slots: (weekday, start minute, end minute), in week order.
pub fn slots(conn: &mut DbConnection, mentor_id: i64) -> QueryResult<Vec<(i32, i32, i32)>> {
    mentor_slots::table
        .filter(mentor_slots::mentor_id.eq(mentor_id))
        .order((
            mentor_slots::weekday.asc(),
            mentor_slots::start_minute.asc(),
        ))
        .select((
            mentor_slots::weekday,
            mentor_slots::start_minute,
            mentor_slots::end_minute,
        ))
        .load(conn)
}

pub fn set_slots(
    conn: &mut DbConnection,
    mentor_id: i64,
    slots: &[(i32, i32, i32)],
) -> QueryResult<()> {
    diesel::delete(mentor_slots::table.filter(mentor_slots::mentor_id.eq(mentor_id)))
        .execute(conn)?;
    for &(weekday, start, end) in slots {
        diesel::insert_into(mentor_slots::table)
            .values((
                mentor_slots::mentor_id.eq(mentor_id),
                mentor_slots::weekday.eq(weekday),
                mentor_slots::start_minute.eq(start),
                mentor_slots::end_minute.eq(end),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// The organizations the user belongs to (for the same-organization exclusion).
pub fn organizations_of_user(conn: &mut DbConnection, user_id: i64) -> QueryResult<Vec<i64>> {
    organization_members::table
        .filter(organization_members::user_id.eq(user_id))
        .select(organization_members::organization_id)
        .load(conn)
}

/// The facts the score reads, for these mentors (all of them when `ids` is `None`).
pub fn mentor_facts(conn: &mut DbConnection, mentors: &[Mentor]) -> QueryResult<Vec<MentorFacts>> {
    let ids: Vec<i64> = mentors.iter().map(|m| m.id).collect();
    let user_ids: Vec<i64> = mentors.iter().map(|m| m.user_id).collect();
    let levels: Vec<(i64, i64, String, String, i32)> = mentor_expertise::table
        .inner_join(themes::table)
        .filter(mentor_expertise::mentor_id.eq_any(&ids))
        .order((mentor_expertise::mentor_id.asc(), themes::position.asc()))
        .select((
            mentor_expertise::mentor_id,
            themes::id,
            themes::label_fr,
            themes::label_en,
            mentor_expertise::level,
        ))
        .load(conn)?;
    let memberships: Vec<(i64, i64)> = organization_members::table
        .filter(organization_members::user_id.eq_any(&user_ids))
        .select((
            organization_members::user_id,
            organization_members::organization_id,
        ))
        .load(conn)?;
    Ok(mentors
        .iter()
        .map(|m| {
            let mut organization_ids: Vec<i64> = memberships
                .iter()
                .filter(|(u, _)| *u == m.user_id)
                .map(|(_, o)| *o)
                .collect();
            if let Some(org) = m.organization_id
                && !organization_ids.contains(&org)
            {
                organization_ids.push(org);
            }
            MentorFacts {
                id: m.id,
                organization_ids,
                expertise: levels
                    .iter()
                    .filter(|(mid, ..)| *mid == m.id)
                    .map(|(_, id, fr, en, level)| {
                        (
                            ThemeRef {
                                id: *id,
                                label_fr: fr.clone(),
                                label_en: en.clone(),
                            },
                            *level,
                        )
                    })
                    .collect(),
                languages: m.language_list(),
                stages: m.stage_list(),
                capacity: m.capacity,
                active: m.active_mentees,
                paused: m.paused,
            }
        })
        .collect())
}

// ---------------------------------------------------------------------------------------------
// Projects

pub fn project_slug_taken(conn: &mut DbConnection, slug: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        projects::table.filter(projects::slug.eq(slug)),
    ))
    .get_result(conn)
}

pub fn insert_project(
    conn: &mut DbConnection,
    organization_id: i64,
    slug: &str,
    fields: &ProjectFields,
    created_by: i64,
    now: NaiveDateTime,
) -> QueryResult<Project> {
    diesel::insert_into(projects::table)
        .values((
            projects::organization_id.eq(organization_id),
            projects::slug.eq(slug),
            projects::title.eq(&fields.title),
            projects::stage.eq(&fields.stage),
            projects::created_by.eq(created_by),
            projects::created_at.eq(now),
            projects::updated_at.eq(now),
        ))
        .execute(conn)?;
    let project: Project = projects::table
        .filter(projects::slug.eq(slug))
        .select(Project::as_select())
        .first(conn)?;
    update_project(conn, project.id, fields, now)?;
    find_project(conn, project.id)
}

pub fn update_project(
    conn: &mut DbConnection,
    id: i64,
    fields: &ProjectFields,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(projects::table.find(id))
        .set((fields, projects::updated_at.eq(now)))
        .execute(conn)
}

/// Moves a project between statuses, only from one of `from`. Returns the rows changed.
pub fn set_project_status(
    conn: &mut DbConnection,
    id: i64,
    from: &[&str],
    to: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        projects::table
            .filter(projects::id.eq(id))
            .filter(projects::status.eq_any(from)),
    )
    .set((projects::status.eq(to), projects::updated_at.eq(now)))
    .execute(conn)
}

pub fn find_project(conn: &mut DbConnection, id: i64) -> QueryResult<Project> {
    projects::table
        .find(id)
        .select(Project::as_select())
        .first(conn)
}

pub fn project_by_slug(conn: &mut DbConnection, slug: &str) -> QueryResult<Project> {
    projects::table
        .filter(projects::slug.eq(slug))
        .select(Project::as_select())
        .first(conn)
}

pub fn projects_of(conn: &mut DbConnection, organization_ids: &[i64]) -> QueryResult<Vec<Project>> {
    projects::table
        .filter(projects::organization_id.eq_any(organization_ids))
        .order((projects::status.asc(), projects::updated_at.desc()))
        .select(Project::as_select())
        .load(conn)
}

pub fn projects_with_status(conn: &mut DbConnection, status: &[&str]) -> QueryResult<Vec<Project>> {
    projects::table
        .filter(projects::status.eq_any(status))
        .order(projects::id.asc())
        .select(Project::as_select())
        .load(conn)
}

/// A project's needs: (theme id, slug, label fr, label en, weight), heaviest first.
pub fn needs(conn: &mut DbConnection, project_id: i64) -> QueryResult<Vec<ThemeRow>> {
    project_needs::table
        .inner_join(themes::table)
        .filter(project_needs::project_id.eq(project_id))
        .order((project_needs::weight.desc(), themes::position.asc()))
        .select((
            themes::id,
            themes::slug,
            themes::label_fr,
            themes::label_en,
            project_needs::weight,
        ))
        .load(conn)
}

pub fn set_needs(
    conn: &mut DbConnection,
    project_id: i64,
    weights: &[(i64, i32)],
) -> QueryResult<()> {
    diesel::delete(project_needs::table.filter(project_needs::project_id.eq(project_id)))
        .execute(conn)?;
    for &(theme_id, weight) in weights {
        diesel::insert_into(project_needs::table)
            .values((
                project_needs::project_id.eq(project_id),
                project_needs::theme_id.eq(theme_id),
                project_needs::weight.eq(weight),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn project_facts(
    conn: &mut DbConnection,
    projects: &[Project],
) -> QueryResult<Vec<ProjectFacts>> {
    let ids: Vec<i64> = projects.iter().map(|p| p.id).collect();
    let weights: Vec<(i64, i64, String, String, i32)> = project_needs::table
        .inner_join(themes::table)
        .filter(project_needs::project_id.eq_any(&ids))
        .order((project_needs::project_id.asc(), themes::position.asc()))
        .select((
            project_needs::project_id,
            themes::id,
            themes::label_fr,
            themes::label_en,
            project_needs::weight,
        ))
        .load(conn)?;
    Ok(projects
        .iter()
        .map(|p| ProjectFacts {
            id: p.id,
            organization_id: p.organization_id,
            needs: weights
                .iter()
                .filter(|(pid, ..)| *pid == p.id)
                .map(|(_, id, fr, en, weight)| {
                    (
                        ThemeRef {
                            id: *id,
                            label_fr: fr.clone(),
                            label_en: en.clone(),
                        },
                        *weight,
                    )
                })
                .collect(),
            languages: p.language_list(),
            stage: p.stage.clone(),
        })
        .collect())
}

// ---------------------------------------------------------------------------------------------
// Mentorships

pub struct NewMentorship<'a> {
    pub project_id: i64,
    pub mentor_id: i64,
    pub origin: &'a str,
    pub message: &'a str,
    pub requested_by: Option<i64>,
    pub round_id: Option<i64>,
    pub now: NaiveDateTime,
    pub expires_at: NaiveDateTime,
}

/// Inserts a pending mentorship; `None` when the pair already has a live one (the unique
/// partial index would refuse it anyway).
pub fn insert_mentorship(
    conn: &mut DbConnection,
    new: &NewMentorship<'_>,
) -> QueryResult<Option<Mentorship>> {
    if live_between(conn, new.project_id, new.mentor_id)?.is_some() {
        return Ok(None);
    }
    diesel::insert_into(mentorships::table)
        .values((
            mentorships::project_id.eq(new.project_id),
            mentorships::mentor_id.eq(new.mentor_id),
            mentorships::origin.eq(new.origin),
            mentorships::message.eq(new.message),
            mentorships::requested_by.eq(new.requested_by),
            mentorships::round_id.eq(new.round_id),
            mentorships::created_at.eq(new.now),
            mentorships::updated_at.eq(new.now),
            mentorships::expires_at.eq(new.expires_at),
        ))
        .execute(conn)?;
    live_between(conn, new.project_id, new.mentor_id)
}

pub fn live_between(
    conn: &mut DbConnection,
    project_id: i64,
    mentor_id: i64,
) -> QueryResult<Option<Mentorship>> {
    mentorships::table
        .filter(mentorships::project_id.eq(project_id))
        .filter(mentorships::mentor_id.eq(mentor_id))
        .filter(mentorships::status.eq_any(LIVE))
        .select(Mentorship::as_select())
        .first(conn)
        .optional()
}

pub fn find_mentorship(conn: &mut DbConnection, id: i64) -> QueryResult<Mentorship> {
    mentorships::table
        .find(id)
        .select(Mentorship::as_select())
        .first(conn)
}

pub fn mentorships_of_mentor(
    conn: &mut DbConnection,
    mentor_id: i64,
) -> QueryResult<Vec<Mentorship>> {
    mentorships::table
        .filter(mentorships::mentor_id.eq(mentor_id))
        .order(mentorships::updated_at.desc())
        .select(Mentorship::as_select())
        .load(conn)
}

pub fn mentorships_of_projects(
    conn: &mut DbConnection,
    project_ids: &[i64],
) -> QueryResult<Vec<Mentorship>> {
    mentorships::table
        .filter(mentorships::project_id.eq_any(project_ids))
        .order(mentorships::updated_at.desc())
        .select(Mentorship::as_select())
        .load(conn)
}

pub fn all_mentorships(
    conn: &mut DbConnection,
    status: Option<&str>,
) -> QueryResult<Vec<Mentorship>> {
    let mut query = mentorships::table
        .order(mentorships::updated_at.desc())
        .select(Mentorship::as_select())
        .into_boxed();
    if let Some(status) = status {
        query = query.filter(mentorships::status.eq(status.to_owned()));
    }
    query.load(conn)
}

pub fn pending_count(conn: &mut DbConnection, project_id: i64) -> QueryResult<i64> {
    mentorships::table
        .filter(mentorships::project_id.eq(project_id))
        .filter(mentorships::status.eq(PENDING))
        .count()
        .get_result(conn)
}

/// Pairs that were declined before: never proposed again by a round.
pub fn declined_pairs(conn: &mut DbConnection) -> QueryResult<Vec<(i64, i64)>> {
    mentorships::table
        .filter(mentorships::status.eq("declined"))
        .select((mentorships::project_id, mentorships::mentor_id))
        .distinct()
        .load(conn)
}

/// pending → active, guarded on the status.
pub fn activate(conn: &mut DbConnection, id: i64, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        mentorships::table
            .filter(mentorships::id.eq(id))
            .filter(mentorships::status.eq(PENDING)),
    )
    .set((
        mentorships::status.eq(ACTIVE),
        mentorships::started_at.eq(now),
        mentorships::updated_at.eq(now),
    ))
    .execute(conn)
}

/// pending → declined / expired / withdrawn, guarded on the status.
pub fn close_pending(
    conn: &mut DbConnection,
    id: i64,
    to: &str,
    reason: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        mentorships::table
            .filter(mentorships::id.eq(id))
            .filter(mentorships::status.eq(PENDING)),
    )
    .set((
        mentorships::status.eq(to),
        mentorships::decline_reason.eq(reason),
        mentorships::ended_at.eq(now),
        mentorships::updated_at.eq(now),
    ))
    .execute(conn)
}

/// The other pending requests of a project (withdrawn when one is accepted).
pub fn other_pending(
    conn: &mut DbConnection,
    project_id: i64,
    except: i64,
) -> QueryResult<Vec<Mentorship>> {
    mentorships::table
        .filter(mentorships::project_id.eq(project_id))
        .filter(mentorships::status.eq(PENDING))
        .filter(mentorships::id.ne(except))
        .select(Mentorship::as_select())
        .load(conn)
}

/// active → completed, guarded on the status.
pub fn complete(
    conn: &mut DbConnection,
    id: i64,
    by: i64,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        mentorships::table
            .filter(mentorships::id.eq(id))
            .filter(mentorships::status.eq(ACTIVE)),
    )
    .set((
        mentorships::status.eq("completed"),
        mentorships::ended_at.eq(now),
        mentorships::ended_by.eq(by),
        mentorships::updated_at.eq(now),
    ))
    .execute(conn)
}

/// Marks the reminder sent, once, while still pending.
pub fn mark_reminded(conn: &mut DbConnection, id: i64, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        mentorships::table
            .filter(mentorships::id.eq(id))
            .filter(mentorships::status.eq(PENDING))
            .filter(mentorships::reminded_at.is_null()),
    )
    .set(mentorships::reminded_at.eq(now))
    .execute(conn)
}

/// pending → expired once the deadline has passed.
pub fn expire(conn: &mut DbConnection, id: i64, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        mentorships::table
            .filter(mentorships::id.eq(id))
            .filter(mentorships::status.eq(PENDING))
            .filter(mentorships::expires_at.le(now)),
    )
    .set((
        mentorships::status.eq("expired"),
        mentorships::ended_at.eq(now),
        mentorships::updated_at.eq(now),
    ))
    .execute(conn)
}

// ---------------------------------------------------------------------------------------------
// Sessions and feedback

pub struct NewSession<'a> {
    pub mentorship_id: i64,
    pub held_at: NaiveDateTime,
    pub minutes: i32,
    pub shared_notes: &'a str,
    pub mentor_notes: &'a str,
    pub startup_notes: &'a str,
    pub created_by: i64,
    pub now: NaiveDateTime,
}

pub fn insert_session(conn: &mut DbConnection, new: &NewSession<'_>) -> QueryResult<Session> {
    diesel::insert_into(mentorship_sessions::table)
        .values((
            mentorship_sessions::mentorship_id.eq(new.mentorship_id),
            mentorship_sessions::held_at.eq(new.held_at),
            mentorship_sessions::minutes.eq(new.minutes),
            mentorship_sessions::shared_notes.eq(new.shared_notes),
            mentorship_sessions::mentor_notes.eq(new.mentor_notes),
            mentorship_sessions::startup_notes.eq(new.startup_notes),
            mentorship_sessions::created_by.eq(new.created_by),
            mentorship_sessions::created_at.eq(new.now),
            mentorship_sessions::updated_at.eq(new.now),
        ))
        .execute(conn)?;
    mentorship_sessions::table
        .filter(mentorship_sessions::mentorship_id.eq(new.mentorship_id))
        .order(mentorship_sessions::id.desc())
        .select(Session::as_select())
        .first(conn)
}

pub fn sessions(conn: &mut DbConnection, mentorship_id: i64) -> QueryResult<Vec<Session>> {
    mentorship_sessions::table
        .filter(mentorship_sessions::mentorship_id.eq(mentorship_id))
        .order((
            mentorship_sessions::held_at.asc(),
            mentorship_sessions::id.asc(),
        ))
        .select(Session::as_select())
        .load(conn)
}

/// Sessions of active mentorships of these mentorship ids from `from` on (calendar feeds).
pub fn sessions_of(conn: &mut DbConnection, mentorship_ids: &[i64]) -> QueryResult<Vec<Session>> {
    mentorship_sessions::table
        .filter(mentorship_sessions::mentorship_id.eq_any(mentorship_ids))
        .order(mentorship_sessions::held_at.desc())
        .select(Session::as_select())
        .load(conn)
}

/// Inserts one side's feedback; `false` when that side already gave it.
pub fn insert_feedback(
    conn: &mut DbConnection,
    mentorship_id: i64,
    side: &str,
    rating: i32,
    comment: &str,
    author_id: i64,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let exists: bool = diesel::select(diesel::dsl::exists(
        mentorship_feedback::table
            .filter(mentorship_feedback::mentorship_id.eq(mentorship_id))
            .filter(mentorship_feedback::side.eq(side)),
    ))
    .get_result(conn)?;
    if exists {
        return Ok(false);
    }
    diesel::insert_into(mentorship_feedback::table)
        .values((
            mentorship_feedback::mentorship_id.eq(mentorship_id),
            mentorship_feedback::side.eq(side),
            mentorship_feedback::rating.eq(rating),
            mentorship_feedback::comment.eq(comment),
            mentorship_feedback::author_id.eq(author_id),
            mentorship_feedback::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(true)
}

pub fn feedback(conn: &mut DbConnection, mentorship_id: i64) -> QueryResult<Vec<Feedback>> {
    mentorship_feedback::table
        .filter(mentorship_feedback::mentorship_id.eq(mentorship_id))
        .order(mentorship_feedback::side.asc())
        .select(Feedback::as_select())
        .load(conn)
}

// ---------------------------------------------------------------------------------------------
// Matching rounds

pub struct NewRound {
    pub total_score: i64,
    pub greedy_score: i64,
    pub greedy_pairs: i32,
    pub projects_count: i32,
    pub mentors_count: i32,
    pub created_by: Option<i64>,
    pub now: NaiveDateTime,
}

pub fn insert_round(conn: &mut DbConnection, new: &NewRound) -> QueryResult<Round> {
    diesel::insert_into(matching_rounds::table)
        .values((
            matching_rounds::total_score.eq(new.total_score),
            matching_rounds::greedy_score.eq(new.greedy_score),
            matching_rounds::greedy_pairs.eq(new.greedy_pairs),
            matching_rounds::projects_count.eq(new.projects_count),
            matching_rounds::mentors_count.eq(new.mentors_count),
            matching_rounds::created_by.eq(new.created_by),
            matching_rounds::created_at.eq(new.now),
            matching_rounds::updated_at.eq(new.now),
        ))
        .execute(conn)?;
    matching_rounds::table
        .order(matching_rounds::id.desc())
        .select(Round::as_select())
        .first(conn)
}

pub fn find_round(conn: &mut DbConnection, id: i64) -> QueryResult<Round> {
    matching_rounds::table
        .find(id)
        .select(Round::as_select())
        .first(conn)
}

pub fn rounds(conn: &mut DbConnection) -> QueryResult<Vec<Round>> {
    matching_rounds::table
        .order(matching_rounds::id.desc())
        .select(Round::as_select())
        .load(conn)
}

pub fn insert_round_pair(conn: &mut DbConnection, pair: &RoundPair) -> QueryResult<usize> {
    diesel::insert_into(matching_round_pairs::table)
        .values((
            matching_round_pairs::round_id.eq(pair.round_id),
            matching_round_pairs::project_id.eq(pair.project_id),
            matching_round_pairs::mentor_id.eq(pair.mentor_id),
            matching_round_pairs::score.eq(pair.score),
            matching_round_pairs::breakdown.eq(&pair.breakdown),
            matching_round_pairs::edited.eq(pair.edited),
        ))
        .execute(conn)
}

pub fn delete_round_pair(
    conn: &mut DbConnection,
    round_id: i64,
    project_id: i64,
) -> QueryResult<usize> {
    diesel::delete(
        matching_round_pairs::table
            .filter(matching_round_pairs::round_id.eq(round_id))
            .filter(matching_round_pairs::project_id.eq(project_id)),
    )
    .execute(conn)
}

pub fn round_pairs(conn: &mut DbConnection, round_id: i64) -> QueryResult<Vec<RoundPair>> {
    matching_round_pairs::table
        .filter(matching_round_pairs::round_id.eq(round_id))
        .order(matching_round_pairs::project_id.asc())
        .select(RoundPair::as_select())
        .load(conn)
}

/// Moves a round from `draft`, guarded; sets the new total.
pub fn settle_round(
    conn: &mut DbConnection,
    id: i64,
    to: &str,
    total: i64,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        matching_rounds::table
            .filter(matching_rounds::id.eq(id))
            .filter(matching_rounds::status.eq("draft")),
    )
    .set((
        matching_rounds::status.eq(to),
        matching_rounds::total_score.eq(total),
        matching_rounds::updated_at.eq(now),
        matching_rounds::sent_at.eq(if to == "sent" { Some(now) } else { None }),
    ))
    .execute(conn)
}

pub fn set_round_total(
    conn: &mut DbConnection,
    id: i64,
    total: i64,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(matching_rounds::table.find(id))
        .set((
            matching_rounds::total_score.eq(total),
            matching_rounds::updated_at.eq(now),
        ))
        .execute(conn)
}
