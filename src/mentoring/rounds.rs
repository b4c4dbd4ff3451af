//! Matching rounds (admins): for all open projects at once, the assignment of mentors that
//! maximises the total score within every mentor's remaining places, leaving out pairs from
//! the same organization, pairs declined before and pairs already linked; shown beside a
//! greedy assignment's total. The admin edits the draft (drops a pair, picks another mentor
//! for a project), then sends it: every pair becomes a proposal the mentor accepts or
//! declines, in one transaction (all sent, or nothing when one no longer holds).
//!
//! Errors: [`AppError`] — 404 for an unknown round or pair, 409 for a round already sent or
//! discarded, or a pair that no longer holds, 422 for a pair that breaks a rule.

use std::collections::{HashMap, HashSet};

use chrono::Utc;
use serde::Deserialize;
use serde_json::json;

use super::matching::{self, Problem};
use super::model::{self, Mentor, Project, Round, RoundPair};
use super::scoring::{self, MentorFacts, ProjectFacts, Score};
use crate::auth::Admin;
use crate::auth::model as auth_model;
use crate::config::Settings;
use crate::db::{self, DbConnection, Pool, dialect};
use crate::error::AppError;
use crate::orgs::model as orgs;

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PairInput {
    /// The mentor for this project in the draft.
    pub mentor_id: i64,
}

/// A pair of a round, with names for the page.
pub struct PairView {
    pub pair: RoundPair,
    pub score: Score,
    pub project: Project,
    pub organization: String,
    pub mentor: Mentor,
    pub mentor_name: String,
}

pub struct RoundView {
    pub round: Round,
    pub pairs: Vec<PairView>,
    /// Open projects of the round left without a mentor.
    pub unmatched: Vec<(Project, String)>,
    /// Mentors with places, for the editor's choices: (mentor, name, places left in this draft).
    pub mentors: Vec<(Mentor, String, i32)>,
}

impl RoundView {
    /// Percent gained over the greedy assignment (0 when greedy scored nothing).
    pub fn gain_percent(&self) -> f64 {
        if self.round.greedy_score == 0 {
            0.0
        } else {
            (self.round.total_score - self.round.greedy_score) as f64 * 100.0
                / self.round.greedy_score as f64
        }
    }
}

/// The problem of a round as the database stands: open projects, unpaused mentors with
/// places, exclusions.
struct Facts {
    projects: Vec<Project>,
    project_facts: Vec<ProjectFacts>,
    mentors: Vec<Mentor>,
    mentor_facts: Vec<MentorFacts>,
    excluded: HashSet<(i64, i64)>,
}

fn facts(conn: &mut DbConnection) -> Result<Facts, AppError> {
    let projects = model::projects_with_status(conn, &["open"])?;
    let project_facts = model::project_facts(conn, &projects)?;
    let mentors: Vec<Mentor> = model::all_mentors(conn)?
        .into_iter()
        .filter(|m| m.available())
        .collect();
    let mentor_facts = model::mentor_facts(conn, &mentors)?;
    let mut excluded: HashSet<(i64, i64)> = model::declined_pairs(conn)?.into_iter().collect();
    let project_ids: Vec<i64> = projects.iter().map(|p| p.id).collect();
    for m in model::mentorships_of_projects(conn, &project_ids)? {
        if model::LIVE.contains(&m.status.as_str()) {
            excluded.insert((m.project_id, m.mentor_id));
        }
    }
    Ok(Facts {
        projects,
        project_facts,
        mentors,
        mentor_facts,
        excluded,
    })
}

/// Computes a new draft round: the optimal assignment, stored with each pair's breakdown.
pub async fn create(pool: &Pool, admin: &Admin) -> Result<i64, AppError> {
    let actor = admin.actor;
    db::run(pool, move |conn| {
        let facts = facts(conn)?;
        let problem = Problem {
            projects: facts.project_facts.clone(),
            mentors: facts.mentor_facts.clone(),
            excluded: facts.excluded.clone(),
        };
        let optimal = matching::optimal(&problem);
        let greedy = matching::greedy(&problem);
        dialect::write_transaction(conn, |conn| {
            let now = Utc::now().naive_utc();
            let round = model::insert_round(
                conn,
                &model::NewRound {
                    total_score: optimal.total,
                    greedy_score: greedy.total,
                    greedy_pairs: greedy.pairs.len() as i32,
                    projects_count: facts.projects.len() as i32,
                    mentors_count: facts.mentors.len() as i32,
                    created_by: actor,
                    now,
                },
            )?;
            for pair in &optimal.pairs {
                model::insert_round_pair(
                    conn,
                    &RoundPair {
                        round_id: round.id,
                        project_id: pair.project_id,
                        mentor_id: pair.mentor_id,
                        score: pair.score.total,
                        breakdown: serde_json::to_string(&pair.score).map_err(AppError::internal)?,
                        edited: false,
                    },
                )?;
            }
            auth_model::audit(
                conn,
                "matching_round_created",
                actor,
                None,
                "",
                json!({ "round": round.id, "pairs": optimal.pairs.len(), "total": optimal.total, "greedy": greedy.total }),
                now,
            )?;
            Ok(round.id)
        })
    })
    .await
}

fn view(conn: &mut DbConnection, round: Round) -> Result<RoundView, AppError> {
    let pairs = model::round_pairs(conn, round.id)?;
    let mut names: HashMap<i64, String> = HashMap::new();
    let mut out = Vec::new();
    for pair in pairs {
        let project = model::find_project(conn, pair.project_id)?;
        let organization = orgs::find(conn, project.organization_id)?.name;
        let mentor = model::find_mentor(conn, pair.mentor_id)?;
        let mentor_name = auth_model::by_id(conn, mentor.user_id)?.display_name;
        names.insert(mentor.id, mentor_name.clone());
        let score: Score = serde_json::from_str(&pair.breakdown).map_err(AppError::internal)?;
        out.push(PairView {
            pair,
            score,
            project,
            organization,
            mentor,
            mentor_name,
        });
    }
    let mut unmatched = Vec::new();
    let mut mentors = Vec::new();
    if round.status == "draft" {
        for project in model::projects_with_status(conn, &["open"])? {
            if !out.iter().any(|p| p.project.id == project.id) {
                let name = orgs::find(conn, project.organization_id)?.name;
                unmatched.push((project, name));
            }
        }
        for mentor in model::all_mentors(conn)?
            .into_iter()
            .filter(|m| m.available())
        {
            let used = out.iter().filter(|p| p.mentor.id == mentor.id).count() as i32;
            let name = match names.get(&mentor.id) {
                Some(n) => n.clone(),
                None => auth_model::by_id(conn, mentor.user_id)?.display_name,
            };
            let left = mentor.places_left() - used;
            mentors.push((mentor, name, left));
        }
        mentors.sort_by(|a, b| a.1.cmp(&b.1));
    }
    Ok(RoundView {
        round,
        pairs: out,
        unmatched,
        mentors,
    })
}

pub async fn get(pool: &Pool, id: i64) -> Result<RoundView, AppError> {
    db::run(pool, move |conn| {
        let round = model::find_round(conn, id)?;
        view(conn, round)
    })
    .await
}

pub async fn list(pool: &Pool) -> Result<Vec<Round>, AppError> {
    db::run(pool, move |conn| Ok(model::rounds(conn)?)).await
}

fn draft(conn: &mut DbConnection, id: i64) -> Result<Round, AppError> {
    let round = model::find_round(conn, id)?;
    if round.status != "draft" {
        return Err(AppError::Conflict(format!(
            "This round was {}: it can no longer change.",
            round.status
        )));
    }
    Ok(round)
}

fn recount(conn: &mut DbConnection, id: i64) -> Result<(), AppError> {
    let total: i64 = model::round_pairs(conn, id)?
        .iter()
        .map(|p| i64::from(p.score))
        .sum();
    model::set_round_total(conn, id, total, Utc::now().naive_utc())?;
    Ok(())
}

/// Sets (or replaces) the mentor of a project in a draft, if the pair is allowed and the
/// mentor has a place left in the draft.
pub async fn set_pair(
    pool: &Pool,
    round_id: i64,
    project_id: i64,
    input: PairInput,
) -> Result<(), AppError> {
    db::run(pool, move |conn| {
        dialect::write_transaction(conn, |conn| {
            draft(conn, round_id)?;
            let facts = facts(conn)?;
            let project = facts
                .project_facts
                .iter()
                .find(|p| p.id == project_id)
                .ok_or_else(|| AppError::validation("project_id", "not an open project"))?;
            let (mentor, mentor_facts) = facts
                .mentors
                .iter()
                .zip(facts.mentor_facts.iter())
                .find(|(m, _)| m.id == input.mentor_id)
                .ok_or_else(|| {
                    AppError::validation("mentor_id", "not a mentor with a place left")
                })?;
            if facts.excluded.contains(&(project_id, mentor.id)) {
                return Err(AppError::validation(
                    "mentor_id",
                    "this pair was declined before or is already linked",
                ));
            }
            let score = scoring::score(project, mentor_facts);
            if !score.eligible() {
                return Err(AppError::validation(
                    "mentor_id",
                    format!(
                        "this pair cannot be proposed: {}",
                        score.explain(crate::web::Lang::En)
                    ),
                ));
            }
            let pairs = model::round_pairs(conn, round_id)?;
            let used = pairs
                .iter()
                .filter(|p| p.mentor_id == mentor.id && p.project_id != project_id)
                .count() as i32;
            if used >= mentor.places_left() {
                return Err(AppError::validation(
                    "mentor_id",
                    "this mentor has no place left in this round",
                ));
            }
            model::delete_round_pair(conn, round_id, project_id)?;
            model::insert_round_pair(
                conn,
                &RoundPair {
                    round_id,
                    project_id,
                    mentor_id: mentor.id,
                    score: score.total,
                    breakdown: serde_json::to_string(&score).map_err(AppError::internal)?,
                    edited: true,
                },
            )?;
            recount(conn, round_id)
        })
    })
    .await
}

/// Drops a project's pair from a draft.
pub async fn remove_pair(pool: &Pool, round_id: i64, project_id: i64) -> Result<(), AppError> {
    db::run(pool, move |conn| {
        dialect::write_transaction(conn, |conn| {
            draft(conn, round_id)?;
            if model::delete_round_pair(conn, round_id, project_id)? != 1 {
                return Err(AppError::NotFound);
            }
            recount(conn, round_id)
        })
    })
    .await
}

/// Sends every pair of the draft as a proposal; all or nothing.
pub async fn send(
    pool: &Pool,
    settings: &Settings,
    admin: &Admin,
    id: i64,
) -> Result<usize, AppError> {
    let (actor, base_url) = (admin.actor, settings.base_url.as_str().to_owned());
    db::run(pool, move |conn| {
        dialect::write_transaction(conn, |conn| {
            let round = draft(conn, id)?;
            let pairs = model::round_pairs(conn, id)?;
            let now = Utc::now().naive_utc();
            let mut per_mentor: HashMap<i64, i32> = HashMap::new();
            for pair in &pairs {
                let project = model::find_project(conn, pair.project_id)?;
                let mentor = model::find_mentor(conn, pair.mentor_id)?;
                let n = per_mentor.entry(mentor.id).or_default();
                *n += 1;
                if *n > mentor.places_left() {
                    return Err(AppError::Conflict(format!(
                        "Mentor #{} no longer has places for all the pairs of this round: edit it.",
                        mentor.id
                    )));
                }
                super::workflow::open_in(
                    conn,
                    &base_url,
                    &project,
                    &mentor,
                    "proposal",
                    "",
                    actor,
                    Some(round.id),
                    now,
                )
                .map_err(|e| match e {
                    AppError::Conflict(m) | AppError::Forbidden(m) => AppError::Conflict(format!(
                        "« {} »: {m} Edit the round and send it again.",
                        project.title
                    )),
                    AppError::Validation(_) => AppError::Conflict(format!(
                        "« {} »: this pair no longer holds. Edit the round and send it again.",
                        project.title
                    )),
                    other => other,
                })?;
            }
            let total: i64 = pairs.iter().map(|p| i64::from(p.score)).sum();
            model::settle_round(conn, id, "sent", total, now)?;
            auth_model::audit(
                conn,
                "matching_round_sent",
                actor,
                None,
                "",
                json!({ "round": id, "pairs": pairs.len() }),
                now,
            )?;
            Ok(pairs.len())
        })
    })
    .await
}

pub async fn discard(pool: &Pool, admin: &Admin, id: i64) -> Result<(), AppError> {
    let actor = admin.actor;
    db::run(pool, move |conn| {
        dialect::write_transaction(conn, |conn| {
            let round = draft(conn, id)?;
            let now = Utc::now().naive_utc();
            model::settle_round(conn, id, "discarded", round.total_score, now)?;
            auth_model::audit(
                conn,
                "matching_round_discarded",
                actor,
                None,
                "",
                json!({ "round": id }),
                now,
            )?;
            Ok(())
        })
    })
    .await
}
