//! `/espace/mentorat`: the signed-in person's mentoring space. A mentor's part (profile and
//! capacity, requests to answer, mentorships, suggested projects) and a startup member's part
//! (projects with their suggested mentors, requests sent, mentorships).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::{Chip, MentorCard, Status, chips, day_of, language_names};
use crate::app::AppState;
use crate::auth::{CurrentUser, Role};
use crate::error::AppError;
use crate::mentoring::scoring::Score;
use crate::mentoring::service;
use crate::mentoring::workflow::{self, MentorshipView, Side};
use crate::orgs::service as orgs;
use crate::web::respond::or_sign_in;
use crate::web::{Lang, Layout, Translator, respond};

type Page = Result<HttpResponse, AppError>;

/// A mentorship in the dashboard's lists.
pub struct Row {
    pub id: i64,
    pub href: String,
    pub project: String,
    /// The other side: the startup (for a mentor) or the mentor (for a startup).
    pub other: String,
    pub status: Status,
    pub requested: String,
    pub expires: String,
    pub message: String,
}

impl Row {
    fn new(v: &MentorshipView, lang: Lang) -> Self {
        let m = &v.mentorship;
        Self {
            id: m.id,
            href: format!("/espace/mentorat/{}", m.id),
            project: v.project.project.title.clone(),
            other: match v.side {
                Side::Mentor => v.project.organization.name.clone(),
                _ => v.mentor.name.clone(),
            },
            status: Status::of(&m.status),
            requested: day_of(m.created_at, lang),
            expires: day_of(m.expires_at, lang),
            message: m.message.clone(),
        }
    }
}

/// Pending, active and past mentorships of one side.
#[derive(Default)]
pub struct Lists {
    pub pending: Vec<Row>,
    pub active: Vec<Row>,
    pub past: Vec<Row>,
}

impl Lists {
    fn of(all: &[MentorshipView], side: Side, lang: Lang) -> Self {
        let mut lists = Self::default();
        for v in all.iter().filter(|v| v.side == side) {
            let row = Row::new(v, lang);
            match v.mentorship.status.as_str() {
                "pending" => lists.pending.push(row),
                "active" => lists.active.push(row),
                _ => lists.past.push(row),
            }
        }
        lists
    }
}

const BLOCKERS: [&str; 4] = ["paused", "full", "same_organization", "no_common_theme"];

/// The words of a score: the scoring's reasons, or what the pair has in common.
pub fn reasons(score: &Score, lang: Lang) -> Vec<String> {
    let t = lang.t();
    let mut out = score.reasons(lang);
    if out.is_empty() && !score.common_themes.is_empty() {
        let themes: Vec<&str> = score
            .common_themes
            .iter()
            .map(|th| {
                if lang == Lang::En {
                    th.label_en.as_str()
                } else {
                    th.label_fr.as_str()
                }
            })
            .collect();
        out.push(format!(
            "{} {}",
            t.get("mentoring.score.common_themes"),
            themes.join(", ")
        ));
    }
    // The blockers by their stable names (as the API gives them), so that a new kind of blocker
    // is simply left unsaid here.
    for blocker in &score.blockers {
        let name = serde_json::to_value(blocker)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        if !BLOCKERS.contains(&name.as_str()) {
            continue;
        }
        let sentence = t.get(&format!("mentoring.score.blocker.{name}")).to_owned();
        if !out.contains(&sentence) {
            out.push(sentence);
        }
    }
    out
}

pub struct ProjectSuggestion {
    pub title: String,
    pub href: String,
    pub organization: String,
    pub needs: Vec<Chip>,
    pub total: i32,
    pub reasons: Vec<String>,
    pub linked: bool,
}

/// The mentor's part of the dashboard.
pub struct MentorPart {
    pub profile: Option<MentorCard>,
    pub capacity: i32,
    pub active_count: i32,
    pub paused: bool,
    pub lists: Lists,
    pub suggestions: Vec<ProjectSuggestion>,
}

pub struct MentorSuggestion {
    pub card: MentorCard,
    pub total: i32,
    pub reasons: Vec<String>,
    pub linked: bool,
    pub eligible: bool,
}

pub struct ProjectRow {
    pub id: i64,
    pub title: String,
    pub organization: String,
    pub href: String,
    pub edit_href: String,
    pub status: Status,
    pub open: bool,
    pub stage: String,
    pub languages: String,
    pub needs: Vec<Chip>,
    pub suggestions: Vec<MentorSuggestion>,
}

/// The startup's part of the dashboard.
pub struct StartupPart {
    pub projects: Vec<ProjectRow>,
    pub lists: Lists,
}

#[derive(Template)]
#[template(path = "mentoring/dashboard.html")]
struct DashboardPage {
    layout: Layout,
    t: Translator,
    mentor: Option<MentorPart>,
    startup: Option<StartupPart>,
    flash: Option<String>,
}

#[derive(Deserialize)]
pub struct FlashQuery {
    ok: Option<String>,
}

/// `GET /espace/mentorat`
pub async fn show(
    req: HttpRequest,
    lang: Lang,
    me: Result<CurrentUser, AppError>,
    state: web::Data<AppState>,
    query: web::Query<FlashQuery>,
) -> Page {
    let me = match or_sign_in(me, "/espace/mentorat") {
        Ok(me) => me,
        Err(page) => return page,
    };
    let t = lang.t();
    let profile = service::my_profile(&state.db, &me).await?;
    let all = workflow::mine(&state.db, &me, false, None).await?;

    let mentor = if profile.is_some() || me.roles.contains(&Role::Mentor) {
        let suggestions = match &profile {
            Some(_) => service::projects_for_mentor(&state.db, &me)
                .await?
                .into_iter()
                .map(|s| ProjectSuggestion {
                    title: s.item.project.title.clone(),
                    href: format!("/mentorat/projets/{}", s.item.project.slug),
                    organization: s.item.organization.name.clone(),
                    needs: chips(&s.item.needs, true, lang),
                    total: s.score.total,
                    reasons: reasons(&s.score, lang),
                    linked: s.linked,
                })
                .collect(),
            None => Vec::new(),
        };
        Some(MentorPart {
            capacity: profile.as_ref().map_or(0, |p| p.mentor.capacity),
            active_count: profile.as_ref().map_or(0, |p| p.mentor.active_mentees),
            paused: profile.as_ref().is_some_and(|p| p.mentor.paused),
            profile: profile.as_ref().map(|p| MentorCard::new(p, lang)),
            lists: Lists::of(&all, Side::Mentor, lang),
            suggestions,
        })
    } else {
        None
    };

    let startups = orgs::mine(&state.db, &me)
        .await?
        .into_iter()
        .filter(|(org, _)| org.kind == "startup")
        .count();
    let startup = if startups > 0 {
        let mut projects = Vec::new();
        for p in service::projects(&state.db, Some(me.clone()), true).await? {
            if !p.owning {
                continue;
            }
            let open = p.project.status == "open";
            let suggestions = if open {
                service::mentors_for_project(&state.db, &me, p.project.id)
                    .await?
                    .into_iter()
                    .map(|s| MentorSuggestion {
                        card: MentorCard::new(&s.item, lang),
                        total: s.score.total,
                        reasons: reasons(&s.score, lang),
                        linked: s.linked,
                        eligible: s.score.eligible(),
                    })
                    .collect()
            } else {
                Vec::new()
            };
            projects.push(ProjectRow {
                id: p.project.id,
                href: format!("/mentorat/projets/{}", p.project.slug),
                edit_href: format!("/espace/mentorat/projets/{}/modifier", p.project.id),
                status: Status::of_project(&p.project.status),
                open,
                stage: t
                    .get(&format!("mentoring.stages.{}", p.project.stage))
                    .to_owned(),
                languages: language_names(&p.project.language_list(), t),
                needs: chips(&p.needs, true, lang),
                title: p.project.title,
                organization: p.organization.name,
                suggestions,
            });
        }
        Some(StartupPart {
            projects,
            lists: Lists::of(&all, Side::Startup, lang),
        })
    } else {
        None
    };

    let flash = match query.ok.as_deref() {
        Some("profil") => Some("mentoring.flash.profile_saved".to_owned()),
        Some("projet") => Some("mentoring.flash.project_created".to_owned()),
        _ => None,
    };
    let page = DashboardPage {
        layout: Layout::new(
            &req,
            lang,
            &format!("{} · Quai", t.get("mentoring.space.title")),
            t.get("mentoring.space.lead"),
        ),
        t,
        mentor,
        startup,
        flash,
    };
    respond::html(StatusCode::OK, &page, true)
}
