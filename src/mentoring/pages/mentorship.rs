//! `/espace/mentorat/{id}`: one mentorship for its two sides (and admins), the page the emails
//! link to; its steps post to `/espace/mentorat/{id}/{action}` (`accepter`, `decliner`,
//! `retirer`, `terminer`, `seance`, `avis`) and come back (303) with a confirmation, or show
//! the page again with the refusal (409, 422).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::{
    Status, day_of, field_message, initials, is_refusal, moment, one_of, refusal, refusal_status,
};
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::auth::csrf::CsrfForm;
use crate::error::AppError;
use crate::mentoring::workflow::{self, DeclineInput, FeedbackInput, SessionLogInput, Side};
use crate::web::forms::FormState;
use crate::web::respond::or_sign_in;
use crate::web::{Lang, Layout, Translator, respond};

type Page = Result<HttpResponse, AppError>;

pub struct SessionRow {
    pub when: String,
    pub duration: String,
    pub shared_notes: String,
    pub private_notes: String,
}

pub struct FeedbackRow {
    pub side_key: String,
    pub rating: i32,
    pub comment: String,
    pub mine: bool,
}

/// What was typed in the page's forms, kept when one is refused.
#[derive(Default)]
pub struct Typed {
    pub reason: String,
    pub held_at: String,
    pub minutes: String,
    pub shared_notes: String,
    pub private_notes: String,
    pub rating: String,
    pub comment: String,
}

#[derive(Template)]
#[template(path = "mentoring/mentorship.html")]
struct MentorshipPage {
    layout: Layout,
    t: Translator,
    id: i64,
    status: Status,
    side_key: String,
    project: String,
    project_href: String,
    organization: String,
    mentor: String,
    mentor_initials: String,
    mentor_href: String,
    mentor_headline: String,
    origin_key: String,
    requested: String,
    expires: Option<String>,
    started: Option<String>,
    ended: Option<String>,
    message: String,
    decline_reason: String,
    can_answer: bool,
    can_withdraw: bool,
    can_end: bool,
    can_log: bool,
    feedback_due: bool,
    sessions: Vec<SessionRow>,
    total: String,
    feedback: Vec<FeedbackRow>,
    flash: Option<String>,
    error: Option<String>,
    decline_form: FormState,
    session_form: FormState,
    feedback_form: FormState,
    typed: Typed,
    ratings: Vec<(i32, String)>,
}

impl MentorshipPage {
    fn rating_checked(&self, n: &i32) -> bool {
        self.typed.rating == n.to_string()
    }
}

/// The minutes of a session as read: « 1 h 30 », « 45 min ».
fn duration(minutes: i32, lang: Lang) -> String {
    let (h, m) = (minutes / 60, minutes % 60);
    match (lang, h, m) {
        (_, 0, m) => format!("{m}\u{a0}min"),
        (Lang::Fr, h, 0) => format!("{h}\u{a0}h"),
        (Lang::Fr, h, m) => format!("{h}\u{a0}h\u{a0}{m:02}"),
        (Lang::En, h, 0) => format!("{h}\u{a0}h"),
        (Lang::En, h, m) => format!("{h}\u{a0}h\u{a0}{m:02}\u{a0}min"),
    }
}

/// Which of the page's forms a refusal belongs to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Which {
    None,
    Decline,
    Session,
    Feedback,
}

#[allow(clippy::too_many_arguments)]
async fn render(
    req: &HttpRequest,
    lang: Lang,
    state: &AppState,
    me: &CurrentUser,
    id: i64,
    flash: Option<String>,
    refused: Option<(Which, AppError)>,
    typed: Typed,
) -> Page {
    let v = workflow::get(&state.db, me, id).await?;
    let t = lang.t();
    let m = &v.mentorship;
    let (mut error, mut decline_form, mut session_form, mut feedback_form) = (
        None,
        FormState::new("decline"),
        FormState::new("seance"),
        FormState::new("avis"),
    );
    let mut status = StatusCode::OK;
    if let Some((which, e)) = &refused {
        status = refusal_status(e);
        match (which, e) {
            (Which::Decline, AppError::Validation(errors)) => {
                decline_form = FormState::with_messages("decline", errors, &["reason"], |m| {
                    field_message(m, t)
                })
            }
            (Which::Session, AppError::Validation(errors)) => {
                session_form = FormState::with_messages(
                    "seance",
                    errors,
                    &["held_at", "minutes", "shared_notes", "private_notes"],
                    |m| field_message(m, t),
                )
            }
            (Which::Feedback, AppError::Validation(errors)) => {
                feedback_form =
                    FormState::with_messages("avis", errors, &["rating", "comment"], |m| {
                        field_message(m, t)
                    })
            }
            _ => error = Some(refusal(e, t)),
        }
    }
    let side_str = v.side.as_str();
    let live_side = matches!(v.side, Side::Mentor | Side::Startup);
    let pending = m.status == "pending";
    let active = m.status == "active";
    let mut title = format!(
        "{} · {} · Quai",
        t.get("mentoring.mentorship.title"),
        v.project.project.title
    );
    if refused.is_some() {
        title = format!("{} {title}", t.get("accounts.form.title_error"));
    }
    let page = MentorshipPage {
        layout: Layout::new(req, lang, &title, t.get("mentoring.mentorship.lead")),
        id: m.id,
        status: Status::of(&m.status),
        side_key: format!("mentoring.mentorship.you_{side_str}"),
        project: v.project.project.title.clone(),
        project_href: format!("/mentorat/projets/{}", v.project.project.slug),
        organization: v.project.organization.name.clone(),
        mentor: v.mentor.name.clone(),
        mentor_initials: initials(&v.mentor.name),
        mentor_href: format!("/mentorat/mentors/{}", v.mentor.mentor.slug),
        mentor_headline: v.mentor.mentor.headline.clone(),
        origin_key: format!("mentoring.origin.{}", m.origin),
        requested: day_of(m.created_at, lang),
        expires: pending.then(|| day_of(m.expires_at, lang)),
        started: m.started_at.map(|at| day_of(at, lang)),
        ended: m.ended_at.map(|at| day_of(at, lang)),
        message: m.message.clone(),
        decline_reason: m.decline_reason.clone(),
        can_answer: v.side == Side::Mentor && pending,
        can_withdraw: v.side == Side::Startup && pending,
        can_end: live_side && active,
        can_log: live_side && active,
        feedback_due: v.feedback_due(),
        sessions: v
            .sessions
            .iter()
            .map(|s| SessionRow {
                when: moment(s.session.held_at, lang),
                duration: duration(s.session.minutes, lang),
                shared_notes: s.session.shared_notes.clone(),
                private_notes: s.private_notes.clone(),
            })
            .collect(),
        total: duration(v.total_minutes(), lang),
        feedback: v
            .feedback
            .iter()
            .map(|f| FeedbackRow {
                side_key: format!("mentoring.mentorship.side_{}", f.side),
                rating: f.rating,
                comment: f.comment.clone(),
                mine: f.side == side_str,
            })
            .collect(),
        flash,
        error,
        decline_form,
        session_form,
        feedback_form,
        typed,
        ratings: (1..=5)
            .map(|n| (n, t.get(&format!("mentoring.rating.{n}")).to_owned()))
            .collect(),
        t,
    };
    respond::html(status, &page, true)
}

#[derive(Deserialize)]
pub struct FlashQuery {
    ok: Option<String>,
}

/// `GET /espace/mentorat/{id}`
pub async fn show(
    req: HttpRequest,
    lang: Lang,
    me: Result<CurrentUser, AppError>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    query: web::Query<FlashQuery>,
) -> Page {
    let id = id.into_inner();
    let me = match or_sign_in(me, &format!("/espace/mentorat/{id}")) {
        Ok(me) => me,
        Err(page) => return page,
    };
    let flash = match query.ok.as_deref() {
        Some(
            ok
            @ ("demandee" | "acceptee" | "declinee" | "retiree" | "terminee" | "seance" | "avis"),
        ) => Some(format!("mentoring.flash.{ok}")),
        _ => None,
    };
    render(&req, lang, &state, &me, id, flash, None, Typed::default()).await
}

/// `POST /espace/mentorat/{id}/{action}`
pub async fn act(
    req: HttpRequest,
    lang: Lang,
    me: Result<CurrentUser, AppError>,
    state: web::Data<AppState>,
    path: web::Path<(i64, String)>,
    form: CsrfForm<Vec<(String, String)>>,
) -> Page {
    let (id, action) = path.into_inner();
    let back = format!("/espace/mentorat/{id}");
    let me = match or_sign_in(me, &back) {
        Ok(me) => me,
        Err(page) => return page,
    };
    let pairs = form.0;
    let typed = Typed {
        reason: one_of(&pairs, "reason"),
        held_at: one_of(&pairs, "held_at"),
        minutes: one_of(&pairs, "minutes"),
        shared_notes: one_of(&pairs, "shared_notes"),
        private_notes: one_of(&pairs, "private_notes"),
        rating: one_of(&pairs, "rating"),
        comment: one_of(&pairs, "comment"),
    };
    let (db, settings) = (&state.db, &state.settings);
    let (which, done, outcome): (Which, &str, Result<(), AppError>) = match action.as_str() {
        "accepter" => (
            Which::None,
            "acceptee",
            workflow::accept(db, settings, &me, id).await.map(drop),
        ),
        "decliner" => (
            Which::Decline,
            "declinee",
            workflow::decline(
                db,
                settings,
                &me,
                id,
                DeclineInput {
                    reason: typed.reason.clone(),
                },
            )
            .await
            .map(drop),
        ),
        "retirer" => (
            Which::None,
            "retiree",
            workflow::withdraw(db, settings, &me, id).await.map(drop),
        ),
        "terminer" => (
            Which::None,
            "terminee",
            workflow::end(db, settings, &me, id).await.map(drop),
        ),
        "seance" => {
            let outcome = match typed.minutes.trim().parse::<i32>() {
                Ok(minutes) => workflow::log_session(
                    db,
                    settings,
                    &me,
                    id,
                    SessionLogInput {
                        held_at: typed.held_at.clone(),
                        minutes,
                        shared_notes: typed.shared_notes.clone(),
                        private_notes: typed.private_notes.clone(),
                    },
                )
                .await
                .map(drop),
                Err(_) => Err(AppError::validation("minutes", "must be between 5 and 600")),
            };
            (Which::Session, "seance", outcome)
        }
        "avis" => {
            let outcome = match typed.rating.trim().parse::<i32>() {
                Ok(rating) => workflow::give_feedback(
                    db,
                    &me,
                    id,
                    FeedbackInput {
                        rating,
                        comment: typed.comment.clone(),
                    },
                )
                .await
                .map(drop),
                Err(_) => Err(AppError::validation("rating", "must be between 1 and 5")),
            };
            (Which::Feedback, "avis", outcome)
        }
        _ => return Err(AppError::NotFound),
    };
    match outcome {
        Ok(()) => Ok(respond::see_other(&format!("{back}?ok={done}"))),
        Err(e) if is_refusal(&e) => {
            render(&req, lang, &state, &me, id, None, Some((which, e)), typed).await
        }
        Err(e) => Err(e),
    }
}
