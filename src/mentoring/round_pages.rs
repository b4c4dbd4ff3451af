//! The back office's matching rounds: `/admin/mentorat` (the rounds, the mentorships under way,
//! the button that launches a round) and `/admin/mentorat/tours/{id}` (a round's pairs with
//! their score in words, its total against the greedy assignment, and for a draft the forms that
//! change a pair, assign a mentor, send or discard it).
//!
//! Only admins get in ([`Admin`]); a signed-in person without the role gets the friendly 403
//! page, a visitor is sent to sign in first. Every change is a form posted to its own path that
//! comes back (303) with a confirmation; a change [`rounds`] refuses (422 for a pair that breaks
//! a rule, 409 for a round that can no longer change or a pair that no longer holds) shows the
//! round again with a message in the visitor's language, and nothing is written.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::{DateTime, NaiveDateTime, Utc};
use serde::Deserialize;

use super::model::{self, Round};
use super::rounds::{self, PairInput, RoundView};
use crate::app::AppState;
use crate::auth::Admin;
use crate::auth::csrf::CsrfForm;
use crate::db::{self, Pool};
use crate::error::AppError;
use crate::web::{Lang, Layout, Translator, dates, respond};

type Page = Result<HttpResponse, AppError>;

const HOME: &str = "/admin/mentorat";

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource(HOME).route(web::get().to(overview)))
        .service(web::resource("/admin/mentorat/tours").route(web::post().to(launch)))
        .service(web::resource("/admin/mentorat/tours/{id}").route(web::get().to(show)))
        .service(
            web::resource("/admin/mentorat/tours/{id}/paires/{project_id}")
                .route(web::post().to(set_pair)),
        )
        .service(
            web::resource("/admin/mentorat/tours/{id}/paires/{project_id}/retirer")
                .route(web::post().to(remove_pair)),
        )
        .service(web::resource("/admin/mentorat/tours/{id}/envoyer").route(web::post().to(send)))
        .service(
            web::resource("/admin/mentorat/tours/{id}/abandonner").route(web::post().to(discard)),
        );
}

fn round_href(id: i64) -> String {
    format!("/admin/mentorat/tours/{id}")
}

fn utc(at: NaiveDateTime) -> DateTime<Utc> {
    DateTime::from_naive_utc_and_offset(at, Utc)
}

/// The tag that shows a round's status: its catalog key and its colour.
pub struct Status {
    pub key: String,
    pub class: &'static str,
}

impl Status {
    fn of(status: &str) -> Self {
        Self {
            key: format!("rounds.status.{status}"),
            class: match status {
                "sent" => "tag-ok",
                "discarded" => "tag-danger",
                _ => "tag-warning",
            },
        }
    }
}

/// A number as the language writes it: « 15,7 » or "15.7".
fn decimal(value: f64, lang: Lang) -> String {
    let text = format!("{value:.1}");
    match lang {
        Lang::Fr => text.replace('.', ","),
        Lang::En => text,
    }
}

/// « Total 412 contre 356 pour l’affectation gloutonne (+15,7 %) ».
fn comparison(t: Translator, total: i64, greedy: i64) -> String {
    if greedy == 0 {
        return t
            .get("rounds.compare_no_greedy")
            .replace("{total}", &total.to_string());
    }
    let gain = (total - greedy) as f64 * 100.0 / greedy as f64;
    let sign = if gain >= 0.0 { "+" } else { "−" };
    t.get("rounds.compare")
        .replace("{total}", &total.to_string())
        .replace("{greedy}", &greedy.to_string())
        .replace("{gain}", &format!("{sign}{}", decimal(gain.abs(), t.lang)))
}

/// Confirmations after a change, by their `?ok=` value.
fn flash(t: Translator, ok: Option<&str>, n: Option<usize>) -> Option<String> {
    let key = match ok? {
        "lance" => "rounds.flash.created",
        "modifie" => "rounds.flash.changed",
        "retire" => "rounds.flash.removed",
        "abandonne" => "rounds.flash.discarded",
        "envoye" => {
            return Some(match n.unwrap_or(0) {
                0 => t.get("rounds.flash.sent_zero").to_owned(),
                1 => t.get("rounds.flash.sent_one").to_owned(),
                n => t
                    .get("rounds.flash.sent_many")
                    .replace("{n}", &n.to_string()),
            });
        }
        _ => return None,
    };
    Some(t.get(key).to_owned())
}

/// A refusal of [`rounds`] (its messages are English, for API clients) in the visitor's
/// language; `None` for errors that are not refusals.
fn refusal(t: Translator, error: &AppError) -> Option<(StatusCode, String)> {
    match error {
        AppError::Validation(errors) => {
            let message = errors.values().flatten().next().map(String::as_str);
            let key = match message {
                Some("not an open project") => "rounds.errors.project",
                Some("not a mentor with a place left") => "rounds.errors.mentor",
                Some("this pair was declined before or is already linked") => {
                    "rounds.errors.excluded"
                }
                Some("this mentor has no place left in this round") => "rounds.errors.no_place",
                Some(m) if m.starts_with("this pair cannot be proposed") => {
                    "rounds.errors.ineligible"
                }
                _ => "rounds.errors.invalid",
            };
            Some((StatusCode::UNPROCESSABLE_ENTITY, t.get(key).to_owned()))
        }
        AppError::Conflict(detail) => {
            let text = if detail.starts_with("This round was") {
                t.get("rounds.errors.settled").to_owned()
            } else if detail.starts_with("Mentor #") {
                t.get("rounds.errors.mentor_full").to_owned()
            } else if let Some(title) = detail
                .split_once('«')
                .and_then(|(_, rest)| rest.split_once('»'))
                .map(|(title, _)| title.trim())
            {
                t.get("rounds.errors.pair_gone").replace("{title}", title)
            } else {
                t.get("rounds.errors.conflict").to_owned()
            };
            Some((StatusCode::CONFLICT, text))
        }
        _ => None,
    }
}

// --- The overview ---------------------------------------------------------------------------

pub struct RoundRow {
    pub title: String,
    pub href: String,
    pub when: String,
    pub status: Status,
    pub pairs: usize,
    /// « 3 pour la gloutonne ».
    pub greedy_text: String,
    pub compare: String,
}

/// What the overview counts.
struct Overview {
    rounds: Vec<(Round, usize)>,
    active: usize,
    proposals: usize,
    requests: usize,
    open_projects: usize,
    available_mentors: usize,
}

async fn overview_of(pool: &Pool) -> Result<Overview, AppError> {
    db::run(pool, |conn| {
        let mut list = Vec::new();
        for round in model::rounds(conn)? {
            let pairs = model::round_pairs(conn, round.id)?.len();
            list.push((round, pairs));
        }
        let pending = model::all_mentorships(conn, Some(model::PENDING))?;
        let proposals = pending.iter().filter(|m| m.origin == "proposal").count();
        Ok(Overview {
            rounds: list,
            active: model::all_mentorships(conn, Some(model::ACTIVE))?.len(),
            proposals,
            requests: pending.len() - proposals,
            open_projects: model::projects_with_status(conn, &["open"])?.len(),
            available_mentors: model::all_mentors(conn)?
                .iter()
                .filter(|m| m.available())
                .count(),
        })
    })
    .await
}

#[derive(Template)]
#[template(path = "admin/rounds/index.html")]
struct OverviewPage {
    layout: Layout,
    t: Translator,
    rows: Vec<RoundRow>,
    active: usize,
    proposals: usize,
    requests: usize,
    open_projects: usize,
    available_mentors: usize,
}

/// `GET /admin/mentorat`
async fn overview(
    req: HttpRequest,
    lang: Lang,
    admin: Result<Admin, AppError>,
    state: web::Data<AppState>,
) -> Page {
    if let Err(page) = respond::or_sign_in(admin, HOME) {
        return page;
    }
    let o = overview_of(&state.db).await?;
    let t = lang.t();
    let page = OverviewPage {
        layout: Layout::new(
            &req,
            lang,
            &format!(
                "{} · {} · Quai",
                t.get("rounds.title"),
                t.get("admin_pages.title")
            ),
            t.get("rounds.lead"),
        ),
        t,
        rows: o
            .rounds
            .into_iter()
            .map(|(r, pairs)| RoundRow {
                title: t
                    .get("rounds.round_title")
                    .replace("{id}", &r.id.to_string()),
                href: round_href(r.id),
                when: dates::datetime(utc(r.created_at), lang),
                status: Status::of(&r.status),
                pairs,
                greedy_text: t
                    .get("rounds.greedy_pairs")
                    .replace("{n}", &r.greedy_pairs.to_string()),
                compare: comparison(t, r.total_score, r.greedy_score),
            })
            .collect(),
        active: o.active,
        proposals: o.proposals,
        requests: o.requests,
        open_projects: o.open_projects,
        available_mentors: o.available_mentors,
    };
    respond::html(StatusCode::OK, &page, true)
}

#[derive(Deserialize)]
pub struct NoFields {}

/// `POST /admin/mentorat/tours`: a new draft, then its page.
async fn launch(admin: Admin, state: web::Data<AppState>, _form: CsrfForm<NoFields>) -> Page {
    let id = rounds::create(&state.db, &admin).await?;
    Ok(respond::see_other(&format!("{}?ok=lance", round_href(id))))
}

// --- A round --------------------------------------------------------------------------------

/// A mentor in a select: id, label (name and places left), chosen.
pub struct MentorChoice {
    pub id: i64,
    pub label: String,
    pub selected: bool,
}

pub struct PairRow {
    pub project_id: i64,
    pub project: String,
    pub organization: String,
    pub mentor: String,
    pub score: i32,
    /// The breakdown in words, one sentence per criterion.
    pub reasons: Vec<String>,
    /// The points per part: (catalog key, points, out of).
    pub parts: Vec<(&'static str, i32, i32)>,
    pub themes: Vec<String>,
    pub edited: bool,
    pub choices: Vec<MentorChoice>,
}

pub struct Unmatched {
    pub project_id: i64,
    pub project: String,
    pub organization: String,
    pub choices: Vec<MentorChoice>,
}

#[derive(Template)]
#[template(path = "admin/rounds/show.html")]
struct RoundPage {
    layout: Layout,
    t: Translator,
    id: i64,
    status: Status,
    draft: bool,
    /// When it was launched (and sent).
    lead: String,
    compare: String,
    /// « 5 paires pour 6 projets ouverts et 4 mentors disponibles au lancement ».
    facts: String,
    pairs: Vec<PairRow>,
    unmatched: Vec<Unmatched>,
    flash: Option<String>,
    refusal: Option<String>,
}

impl RoundPage {
    fn new(req: &HttpRequest, lang: Lang, v: RoundView) -> Self {
        let t = lang.t();
        let draft = v.round.status == "draft";
        let choices = |current: Option<i64>| -> Vec<MentorChoice> {
            v.mentors
                .iter()
                .map(|(m, name, left)| {
                    let left = if Some(m.id) == current {
                        left + 1
                    } else {
                        *left
                    };
                    let places = match left {
                        n if n <= 0 => t.get("rounds.places_none").to_owned(),
                        1 => t.get("rounds.places_one").to_owned(),
                        n => t.get("rounds.places_many").replace("{n}", &n.to_string()),
                    };
                    MentorChoice {
                        id: m.id,
                        label: format!("{name} ({places})"),
                        selected: Some(m.id) == current,
                    }
                })
                .collect()
        };
        let pairs = v
            .pairs
            .iter()
            .map(|p| PairRow {
                project_id: p.project.id,
                project: p.project.title.clone(),
                organization: p.organization.clone(),
                mentor: p.mentor_name.clone(),
                score: p.score.total,
                reasons: p.score.reasons(lang),
                parts: vec![
                    ("rounds.part_themes", p.score.themes, 60),
                    ("rounds.part_language", p.score.language, 15),
                    ("rounds.part_stage", p.score.stage, 15),
                    ("rounds.part_capacity", p.score.capacity, 10),
                ],
                themes: p
                    .score
                    .common_themes
                    .iter()
                    .map(|th| match lang {
                        Lang::En if !th.label_en.is_empty() => th.label_en.clone(),
                        _ => th.label_fr.clone(),
                    })
                    .collect(),
                edited: p.pair.edited,
                choices: if draft {
                    choices(Some(p.mentor.id))
                } else {
                    Vec::new()
                },
            })
            .collect();
        let unmatched = v
            .unmatched
            .iter()
            .map(|(p, org)| Unmatched {
                project_id: p.id,
                project: p.title.clone(),
                organization: org.clone(),
                choices: choices(None),
            })
            .collect();
        let title = t
            .get("rounds.round_title")
            .replace("{id}", &v.round.id.to_string());
        let mut lead = t
            .get("rounds.created")
            .replace("{when}", &dates::datetime(utc(v.round.created_at), lang));
        if let Some(at) = v.round.sent_at {
            lead = format!(
                "{lead} · {}",
                t.get("rounds.sent_at")
                    .replace("{when}", &dates::datetime(utc(at), lang))
            );
        }
        Self {
            layout: Layout::new(
                req,
                lang,
                &format!("{title} · {} · Quai", t.get("admin_pages.title")),
                t.get("rounds.round_lead"),
            ),
            t,
            id: v.round.id,
            status: Status::of(&v.round.status),
            draft,
            lead,
            compare: comparison(t, v.round.total_score, v.round.greedy_score),
            facts: t
                .get("rounds.facts")
                .replace("{pairs}", &v.pairs.len().to_string())
                .replace("{projects}", &v.round.projects_count.to_string())
                .replace("{mentors}", &v.round.mentors_count.to_string()),
            pairs,
            unmatched,
            flash: None,
            refusal: None,
        }
    }

    fn title(&self) -> String {
        self.t
            .get("rounds.round_title")
            .replace("{id}", &self.id.to_string())
    }
}

#[derive(Deserialize)]
pub struct FlashQuery {
    ok: Option<String>,
    n: Option<usize>,
}

/// `GET /admin/mentorat/tours/{id}`
async fn show(
    req: HttpRequest,
    lang: Lang,
    admin: Result<Admin, AppError>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    query: web::Query<FlashQuery>,
) -> Page {
    let id = id.into_inner();
    if let Err(page) = respond::or_sign_in(admin, &round_href(id)) {
        return page;
    }
    let view = rounds::get(&state.db, id).await?;
    let mut page = RoundPage::new(&req, lang, view);
    page.flash = flash(lang.t(), query.ok.as_deref(), query.n);
    respond::html(StatusCode::OK, &page, true)
}

/// After a change: back to the round with a confirmation, or the round again with the refusal.
async fn after(
    req: &HttpRequest,
    lang: Lang,
    state: &AppState,
    id: i64,
    outcome: Result<String, AppError>,
) -> Page {
    match outcome {
        Ok(ok) => Ok(respond::see_other(&format!("{}?ok={ok}", round_href(id)))),
        Err(e) => {
            let Some((status, message)) = refusal(lang.t(), &e) else {
                return Err(e);
            };
            let view = rounds::get(&state.db, id).await?;
            let mut page = RoundPage::new(req, lang, view);
            page.layout.title = format!(
                "{} {}",
                lang.t().get("rounds.title_error"),
                page.layout.title
            );
            page.refusal = Some(message);
            respond::html(status, &page, true)
        }
    }
}

#[derive(Deserialize)]
pub struct PairForm {
    #[serde(default)]
    mentor_id: String,
}

/// `POST /admin/mentorat/tours/{id}/paires/{project_id}`: this mentor for this project.
async fn set_pair(
    req: HttpRequest,
    lang: Lang,
    _admin: Admin,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
    CsrfForm(form): CsrfForm<PairForm>,
) -> Page {
    let (id, project_id) = path.into_inner();
    // A mentor id that is not one is sent as one that names nobody: the service says so.
    let mentor_id = form.mentor_id.trim().parse().unwrap_or(0);
    let outcome = rounds::set_pair(&state.db, id, project_id, PairInput { mentor_id })
        .await
        .map(|()| "modifie".to_owned());
    after(&req, lang, &state, id, outcome).await
}

/// `POST /admin/mentorat/tours/{id}/paires/{project_id}/retirer`
async fn remove_pair(
    req: HttpRequest,
    lang: Lang,
    _admin: Admin,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
    _form: CsrfForm<NoFields>,
) -> Page {
    let (id, project_id) = path.into_inner();
    let outcome = rounds::remove_pair(&state.db, id, project_id)
        .await
        .map(|()| "retire".to_owned());
    after(&req, lang, &state, id, outcome).await
}

/// `POST /admin/mentorat/tours/{id}/envoyer`: every pair becomes a proposal.
async fn send(
    req: HttpRequest,
    lang: Lang,
    admin: Admin,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    _form: CsrfForm<NoFields>,
) -> Page {
    let id = id.into_inner();
    let outcome = rounds::send(&state.db, &state.settings, &admin, id)
        .await
        .map(|n| format!("envoye&n={n}"));
    after(&req, lang, &state, id, outcome).await
}

/// `POST /admin/mentorat/tours/{id}/abandonner`
async fn discard(
    req: HttpRequest,
    lang: Lang,
    admin: Admin,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    _form: CsrfForm<NoFields>,
) -> Page {
    let id = id.into_inner();
    let outcome = rounds::discard(&state.db, &admin, id)
        .await
        .map(|()| "abandonne".to_owned());
    after(&req, lang, &state, id, outcome).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_comparison_reads_in_both_languages() {
        let fr = comparison(Lang::Fr.t(), 412, 356);
        assert_eq!(
            fr.replace(['\u{a0}', '\u{202f}'], " "),
            "Total 412 contre 356 pour l’affectation gloutonne (+15,7 %)"
        );
        let en = comparison(Lang::En.t(), 412, 356);
        assert_eq!(
            en,
            "Total 412 against 356 for the greedy assignment (+15.7%)"
        );
        assert!(comparison(Lang::Fr.t(), 300, 356).contains("(−15,7"));
        assert!(comparison(Lang::Fr.t(), 40, 0).starts_with("Total 40"));
    }

    #[test]
    fn refusals_are_told_in_words() {
        let t = Lang::Fr.t();
        let (status, text) = refusal(
            t,
            &AppError::validation("mentor_id", "this mentor has no place left in this round"),
        )
        .unwrap();
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(text, t.get("rounds.errors.no_place"));
        let (status, text) = refusal(
            t,
            &AppError::Conflict(
                "« Chaufferie biomasse »: this pair no longer holds. Edit the round and send it again."
                    .into(),
            ),
        )
        .unwrap();
        assert_eq!(status, StatusCode::CONFLICT);
        assert!(text.contains("Chaufferie biomasse"), "{text}");
        assert!(refusal(t, &AppError::NotFound).is_none());
    }
}
