//! Offering requests: a member of one organization asks about another's published offering
//! (a startup about a partner's solution, a partner about a startup's product). Both sides see
//! the request and its status: `new` → `in_discussion` → `accepted` or `declined`; `expired`
//! when nobody settled it within 21 days of its last step. Every step emails the other side;
//! the offering's owners are reminded once after 5 days without an answer. Reminders and
//! expiries are jobs queued with the request, due later; they check the request again when they
//! run, so a request answered meanwhile is left alone.
//!
//! Errors: [`AppError`] — 403 for people outside both organizations, 409 for a second open
//! request or a step that no longer applies, 422 for a bad message or an ineligible asker.

use chrono::{Duration, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::model::{self, NewRequest, Offering, Request};
use crate::auth::CurrentUser;
use crate::auth::model as auth_model;
use crate::config::Settings;
use crate::db::{self, DbConnection, Pool, dialect};
use crate::error::AppError;
use crate::jobs::{EnqueueOptions, Job, JobContext, JobError, JobRun};
use crate::mail::{self, templates};
use crate::orgs::model::{self as orgs, Organization};
use crate::web::Lang;

pub const REMIND_AFTER_DAYS: i64 = 5;
pub const EXPIRE_AFTER_DAYS: i64 = 21;
pub const STATUSES: [&str; 5] = ["new", "in_discussion", "accepted", "declined", "expired"];
const OPEN: [&str; 2] = ["new", "in_discussion"];

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequestInput {
    pub offering_id: i64,
    /// The asking organization; may be left out by a member of exactly one organization.
    #[serde(default)]
    pub organization_id: Option<i64>,
    /// What the asker wants to know or do (1 to 4000 characters).
    pub message: String,
}

/// A request with what both sides need to show it.
pub struct RequestView {
    pub request: Request,
    pub offering: Offering,
    pub owner: Organization,
    pub requester: Organization,
    pub requester_name: String,
    /// The viewer belongs to the offering's organization (and may answer).
    pub answering: bool,
}

/// The organizations allowed to ask about an offering for this audience.
fn fits_audience(audience: &str, kind: &str) -> bool {
    match audience {
        "startups" => kind == "startup",
        "partners" => kind != "startup",
        _ => true,
    }
}

/// The people of an organization who can receive email (owners only, or everyone).
fn recipients(
    conn: &mut DbConnection,
    organization_id: i64,
    owners_only: bool,
) -> Result<Vec<auth_model::User>, AppError> {
    let mut people = Vec::new();
    for (user_id, _, role, _) in orgs::members(conn, organization_id)? {
        if owners_only && role != orgs::OWNER {
            continue;
        }
        let user = auth_model::by_id(conn, user_id)?;
        if user.can_sign_in() {
            people.push(user);
        }
    }
    Ok(people)
}

/// One email per person, in their language: `email.request.<key>` with the offering's title.
fn notify(
    conn: &mut DbConnection,
    base_url: &str,
    people: &[auth_model::User],
    key: &str,
    request: &Request,
    offering: &Offering,
    extra: &[&str],
) -> Result<(), AppError> {
    let url = format!(
        "{}/espace/demandes/{}",
        base_url.trim_end_matches('/'),
        request.id
    );
    for user in people {
        let t = Lang::parse(&user.lang).unwrap_or_default().t();
        let intro = format!(
            "{} « {} »",
            t.get(&format!("email.request.{key}.body")),
            offering.title
        );
        let mut lines = vec![intro.as_str()];
        lines.extend(extra.iter().copied().filter(|l| !l.is_empty()));
        let action = templates::Action {
            subject: format!(
                "{} — {}",
                t.get(&format!("email.request.{key}.subject")),
                offering.title
            ),
            heading: t.get(&format!("email.request.{key}.heading")),
            greeting: templates::greeting(t, &user.display_name),
            lines,
            action_label: t.get("email.request.action"),
            action_url: Some(url.clone()),
            note: t.get("email.request.note"),
        };
        let content = templates::action(t, base_url, &action)?;
        let to = mail::parse_recipient("email", &user.email)?;
        mail::enqueue(conn, &to, content, Vec::new(), EnqueueOptions::default())?;
    }
    Ok(())
}

/// Queues the expiry check for the request's current deadline.
fn schedule_expiry(conn: &mut DbConnection, request: &Request) -> Result<(), AppError> {
    crate::jobs::enqueue(
        conn,
        &ExpireRequest {
            request: request.id,
        },
        EnqueueOptions {
            run_at: Some(request.expires_at),
            dedup_key: Some(format!(
                "request-expiry:{}:{}",
                request.id,
                request.expires_at.and_utc().timestamp_micros()
            )),
        },
    )?;
    Ok(())
}

/// Sends a request; the offering organization's members are told at once and reminded after 5
/// days.
pub async fn create(
    pool: &Pool,
    settings: &Settings,
    me: &CurrentUser,
    input: RequestInput,
) -> Result<Request, AppError> {
    me.require_verified()?;
    let message = input.message.trim().to_owned();
    if message.is_empty() {
        return Err(AppError::validation("message", "is required"));
    }
    if message.chars().count() > 4000 {
        return Err(AppError::validation(
            "message",
            "must be at most 4000 characters",
        ));
    }
    let (me, base_url) = (me.clone(), settings.base_url.as_str().to_owned());
    db::run(pool, move |conn| {
        dialect::write_transaction(conn, |conn| {
            let offering = model::find(conn, input.offering_id)?;
            let owner = orgs::find(conn, offering.organization_id)?;
            if offering.status != "published" || owner.status != orgs::ACTIVE {
                return Err(AppError::NotFound);
            }
            let mine: Vec<Organization> = orgs::of_user(conn, me.user_id)?
                .into_iter()
                .map(|(org, _)| org)
                .filter(|org| org.status == orgs::ACTIVE && org.id != owner.id)
                .collect();
            let requester = match input.organization_id {
                Some(id) => mine.into_iter().find(|o| o.id == id).ok_or_else(|| {
                    AppError::validation(
                        "organization_id",
                        "must be an active organization you belong to, other than the offering's",
                    )
                })?,
                None if mine.len() == 1 => mine.into_iter().next().expect("one"),
                None => {
                    return Err(AppError::validation(
                        "organization_id",
                        "say which of your organizations asks",
                    ));
                }
            };
            if !fits_audience(&offering.audience, &requester.kind) {
                return Err(AppError::validation(
                    "organization_id",
                    "this offering is not meant for this kind of organization",
                ));
            }
            let now = Utc::now().naive_utc();
            let request = model::insert_request(
                conn,
                &NewRequest {
                    offering_id: offering.id,
                    requester_org_id: requester.id,
                    requester_id: me.user_id,
                    message: &message,
                    now,
                    expires_at: now + Duration::days(EXPIRE_AFTER_DAYS),
                },
            )?
            .ok_or_else(|| {
                AppError::Conflict(
                    "Your organization already has an open request for this offering.".into(),
                )
            })?;
            let owners = recipients(conn, owner.id, false)?;
            let who = format!("{} ({}, {})", me.display_name, requester.name, me.email);
            notify(
                conn,
                &base_url,
                &owners,
                "received",
                &request,
                &offering,
                &[&who, &message],
            )?;
            crate::jobs::enqueue(
                conn,
                &RemindRequest {
                    request: request.id,
                },
                EnqueueOptions {
                    run_at: Some(now + Duration::days(REMIND_AFTER_DAYS)),
                    dedup_key: Some(format!("request-reminder:{}", request.id)),
                },
            )?;
            schedule_expiry(conn, &request)?;
            auth_model::audit(
                conn,
                "offering_request_sent",
                Some(me.user_id),
                None,
                "",
                json!({ "request": request.id, "offering": offering.id }),
                now,
            )?;
            Ok(request)
        })
    })
    .await
}

/// 403 unless the viewer belongs to one side (or is an admin); says whether they answer.
fn side(
    conn: &mut DbConnection,
    me: &CurrentUser,
    owner_id: i64,
    requester_id: i64,
) -> Result<bool, AppError> {
    let answering = orgs::role_of(conn, owner_id, me.user_id)?.is_some();
    let asking = orgs::role_of(conn, requester_id, me.user_id)?.is_some();
    if answering || asking || me.is_admin() {
        Ok(answering)
    } else {
        Err(AppError::Forbidden(
            "Only the two organizations see this request.".into(),
        ))
    }
}

fn view(
    conn: &mut DbConnection,
    me: &CurrentUser,
    request: Request,
) -> Result<RequestView, AppError> {
    let offering = model::find(conn, request.offering_id)?;
    let owner = orgs::find(conn, offering.organization_id)?;
    let requester = orgs::find(conn, request.requester_org_id)?;
    let answering = side(conn, me, owner.id, requester.id)?;
    let requester_name = match request.requester_id {
        Some(id) => auth_model::by_id(conn, id)?.display_name,
        None => String::new(),
    };
    Ok(RequestView {
        request,
        offering,
        owner,
        requester,
        requester_name,
        answering,
    })
}

/// One request, for either side.
pub async fn get(pool: &Pool, me: &CurrentUser, id: i64) -> Result<RequestView, AppError> {
    let me = me.clone();
    db::run(pool, move |conn| {
        let request = model::find_request(conn, id)?;
        view(conn, &me, request)
    })
    .await
}

/// The requests received by (about offerings of) or sent by the user's organizations.
pub async fn mine(
    pool: &Pool,
    me: &CurrentUser,
    received: bool,
) -> Result<Vec<RequestView>, AppError> {
    let me = me.clone();
    db::run(pool, move |conn| {
        let ids: Vec<i64> = orgs::of_user(conn, me.user_id)?
            .into_iter()
            .map(|(org, _)| org.id)
            .collect();
        let mut out = Vec::new();
        for request in model::requests_of(conn, &ids, received)? {
            out.push(view(conn, &me, request)?);
        }
        Ok(out)
    })
    .await
}

/// The offering's side answers: `in_discussion`, `accepted` or `declined`, with a note that the
/// asker reads. Each step gives 21 more days before expiry.
pub async fn answer(
    pool: &Pool,
    settings: &Settings,
    me: &CurrentUser,
    id: i64,
    to: &str,
    note: String,
) -> Result<Request, AppError> {
    let from: &[&str] = match to {
        "in_discussion" => &["new"],
        "accepted" | "declined" => &OPEN,
        _ => {
            return Err(AppError::validation(
                "status",
                "must be in_discussion, accepted or declined",
            ));
        }
    };
    let note: String = note.trim().chars().take(2000).collect();
    let (me, base_url, to) = (
        me.clone(),
        settings.base_url.as_str().to_owned(),
        to.to_owned(),
    );
    db::run(pool, move |conn| {
        dialect::write_transaction(conn, |conn| {
            let request = model::find_request(conn, id)?;
            let offering = model::find(conn, request.offering_id)?;
            if orgs::role_of(conn, offering.organization_id, me.user_id)?.is_none() {
                return Err(AppError::Forbidden(
                    "Only the offering's organization answers its requests.".into(),
                ));
            }
            if orgs::find(conn, offering.organization_id)?.status != orgs::ACTIVE {
                return Err(AppError::Conflict(
                    "A suspended organization cannot answer requests.".into(),
                ));
            }
            let now = Utc::now().naive_utc();
            let expires_at = now + Duration::days(EXPIRE_AFTER_DAYS);
            if model::set_request_status(conn, id, from, &to, &note, now, expires_at)? != 1 {
                return Err(AppError::Conflict(format!(
                    "This request is {}; it cannot go to {to}.",
                    request.status
                )));
            }
            let request = model::find_request(conn, id)?;
            if OPEN.contains(&to.as_str()) {
                schedule_expiry(conn, &request)?;
            }
            let askers = recipients(conn, request.requester_org_id, false)?;
            notify(conn, &base_url, &askers, &to, &request, &offering, &[&note])?;
            auth_model::audit(
                conn,
                "offering_request_answered",
                Some(me.user_id),
                None,
                "",
                json!({ "request": id, "status": to }),
                now,
            )?;
            Ok(request)
        })
    })
    .await
}

/// Job: the reminder to the offering organization's members, 5 days after a request nobody
/// answered.
#[derive(Debug, Serialize, Deserialize)]
pub struct RemindRequest {
    pub request: i64,
}

impl Job for RemindRequest {
    const KIND: &'static str = "offering_request_reminder";

    async fn run(self, ctx: JobContext, _run: JobRun) -> Result<(), JobError> {
        let base_url = ctx.settings.base_url.as_str().to_owned();
        db::run(&ctx.db, move |conn| {
            dialect::write_transaction(conn, |conn| {
                let Ok(request) = model::find_request(conn, self.request) else {
                    return Ok(()); // deleted with its offering: nothing to remind
                };
                if model::mark_reminded(conn, request.id, Utc::now().naive_utc())? != 1 {
                    return Ok(()); // answered meanwhile, or reminded already
                }
                let offering = model::find(conn, request.offering_id)?;
                let owners = recipients(conn, offering.organization_id, false)?;
                notify(
                    conn,
                    &base_url,
                    &owners,
                    "reminder",
                    &request,
                    &offering,
                    &[],
                )
            })
        })
        .await
        .map_err(job_error)
    }
}

/// Job: expires a request still open at its deadline; both sides are told.
#[derive(Debug, Serialize, Deserialize)]
pub struct ExpireRequest {
    pub request: i64,
}

impl Job for ExpireRequest {
    const KIND: &'static str = "offering_request_expiry";

    async fn run(self, ctx: JobContext, _run: JobRun) -> Result<(), JobError> {
        let base_url = ctx.settings.base_url.as_str().to_owned();
        db::run(&ctx.db, move |conn| {
            dialect::write_transaction(conn, |conn| {
                let Ok(request) = model::find_request(conn, self.request) else {
                    return Ok(());
                };
                let now = Utc::now().naive_utc();
                if model::expire_request(conn, request.id, now)? != 1 {
                    // A later step moved the deadline: make sure a check waits for it.
                    if OPEN.contains(&request.status.as_str()) && request.expires_at > now {
                        schedule_expiry(conn, &request)?;
                    }
                    return Ok(());
                }
                let offering = model::find(conn, request.offering_id)?;
                let mut people = recipients(conn, offering.organization_id, false)?;
                people.extend(recipients(conn, request.requester_org_id, false)?);
                notify(
                    conn,
                    &base_url,
                    &people,
                    "expired",
                    &request,
                    &offering,
                    &[],
                )
            })
        })
        .await
        .map_err(job_error)
    }
}

fn job_error(e: AppError) -> JobError {
    match e {
        AppError::Unavailable(m) => JobError::Transient(m),
        other => JobError::Transient(other.to_string()),
    }
}

/// When a request expires if nothing happens, for the pages.
pub fn deadline(request: &Request) -> Option<NaiveDateTime> {
    OPEN.contains(&request.status.as_str())
        .then_some(request.expires_at)
}

/// What the offering page offers a signed-in person: the organizations that may ask, and the
/// open request one of them already has.
pub struct AskOptions {
    pub organizations: Vec<Organization>,
    pub open_request: Option<i64>,
}

pub async fn ask_options(
    pool: &Pool,
    me: &CurrentUser,
    offering_id: i64,
) -> Result<AskOptions, AppError> {
    let user_id = me.user_id;
    db::run(pool, move |conn| {
        let offering = model::find(conn, offering_id)?;
        let mine: Vec<Organization> = orgs::of_user(conn, user_id)?
            .into_iter()
            .map(|(org, _)| org)
            .collect();
        let ids: Vec<i64> = mine.iter().map(|o| o.id).collect();
        let open_request = model::requests_of(conn, &ids, false)?
            .into_iter()
            .find(|r| r.offering_id == offering_id && OPEN.contains(&r.status.as_str()))
            .map(|r| r.id);
        let organizations = mine
            .into_iter()
            .filter(|o| {
                o.status == orgs::ACTIVE
                    && o.id != offering.organization_id
                    && fits_audience(&offering.audience, &o.kind)
            })
            .collect();
        Ok(AskOptions {
            organizations,
            open_request,
        })
    })
    .await
}
