//! `/api/v1/offerings…` and the moderation of offerings.

use actix_web::{HttpResponse, get, patch, post, web};
use serde::{Deserialize, Serialize};

use super::model::Offering;
use super::requests::{self, RequestInput, RequestView};
use super::service::{self, Filters, OfferingInput};
use crate::app::AppState;
use crate::auth::{Admin, CurrentUser, MaybeUser};
use crate::error::{AppError, Problem};
use crate::web::markdown;
use crate::web::pagination::{PageQuery, PageRequest, Paginated};

/// An offering as the API shows it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OfferingResource {
    pub id: i64,
    pub organization_id: i64,
    pub kind: String,
    pub title: String,
    pub slug: String,
    pub summary: String,
    /// The Markdown source.
    pub body: String,
    /// The same, rendered to safe HTML.
    pub body_html: String,
    pub audience: String,
    pub conditions: String,
    pub contact: String,
    /// `draft`, `submitted`, `changes_requested`, `published`, `rejected` or `archived`.
    pub status: String,
    /// The moderators' last note.
    pub moderation_note: String,
    pub published_at: Option<chrono::NaiveDateTime>,
    pub themes: Vec<String>,
}

impl OfferingResource {
    fn new(o: Offering, themes: Vec<String>) -> Self {
        Self {
            body_html: markdown::render(&o.body),
            id: o.id,
            organization_id: o.organization_id,
            kind: o.kind,
            title: o.title,
            slug: o.slug,
            summary: o.summary,
            body: o.body,
            audience: o.audience,
            conditions: o.conditions,
            contact: o.contact,
            status: o.status,
            moderation_note: o.moderation_note,
            published_at: o.published_at,
            themes,
        }
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct OfferingQuery {
    pub kind: Option<String>,
    pub theme: Option<String>,
    /// `startups` or `partners` (offerings for everybody are included).
    pub audience: Option<String>,
    /// The offering organization's kind: `startup`, `partner` or `founding_member`.
    pub organization_kind: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// Published offerings of active organizations, newest first.
#[utoipa::path(tag = "marketplace", params(OfferingQuery), responses(
    (status = 200, description = "A page of offerings", body = Paginated<OfferingResource>),
    (status = 422, description = "Bad filter", body = Problem, content_type = "application/problem+json"),
))]
#[get("/offerings")]
pub async fn list(
    state: web::Data<AppState>,
    query: web::Query<OfferingQuery>,
) -> Result<web::Json<Paginated<OfferingResource>>, AppError> {
    let q = query.into_inner();
    let page = PageRequest::try_from(PageQuery {
        page: q.page,
        per_page: q.per_page,
    })?;
    let (items, total) = service::list(
        &state.db,
        Filters {
            kind: q.kind,
            theme: q.theme,
            audience: q.audience,
            organization_kind: q.organization_kind,
        },
        page,
    )
    .await?;
    Ok(web::Json(Paginated::new(
        items
            .into_iter()
            .map(|(o, t)| OfferingResource::new(o, t))
            .collect(),
        total,
        page,
    )))
}

/// Write a draft offering for one of my organizations.
#[utoipa::path(tag = "marketplace", request_body = OfferingInput, security(("bearer" = [])), responses(
    (status = 201, description = "The draft", body = OfferingResource),
    (status = 403, description = "Not a member, or unverified address", body = Problem, content_type = "application/problem+json"),
    (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
))]
#[post("/offerings")]
pub async fn create(
    me: CurrentUser,
    state: web::Data<AppState>,
    body: web::Json<OfferingInput>,
) -> Result<HttpResponse, AppError> {
    let offering = service::create(&state.db, &me, body.into_inner()).await?;
    let (offering, themes) = service::get(&state.db, Some(&me), offering.id).await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/offerings/{}", offering.id)))
        .json(OfferingResource::new(offering, themes)))
}

/// One offering (unpublished ones only for their organization's members and admins).
#[utoipa::path(tag = "marketplace", params(("id" = i64, Path)), responses(
    (status = 200, description = "The offering", body = OfferingResource),
    (status = 404, description = "No such offering", body = Problem, content_type = "application/problem+json"),
))]
#[get("/offerings/{id}")]
pub async fn show(
    viewer: MaybeUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<web::Json<OfferingResource>, AppError> {
    let viewer = viewer.0.map(CurrentUser);
    let (offering, themes) = service::get(&state.db, viewer.as_ref(), id.into_inner()).await?;
    Ok(web::Json(OfferingResource::new(offering, themes)))
}

/// Edit an offering; a published one goes back to moderation.
#[utoipa::path(tag = "marketplace", params(("id" = i64, Path)), request_body = OfferingInput, security(("bearer" = [])), responses(
    (status = 200, description = "The offering", body = OfferingResource),
    (status = 403, description = "Not a member of its organization", body = Problem, content_type = "application/problem+json"),
    (status = 409, description = "Archived or rejected", body = Problem, content_type = "application/problem+json"),
))]
#[patch("/offerings/{id}")]
pub async fn update(
    me: CurrentUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: web::Json<OfferingInput>,
) -> Result<web::Json<OfferingResource>, AppError> {
    let offering = service::update(&state.db, &me, id.into_inner(), body.into_inner()).await?;
    let (offering, themes) = service::get(&state.db, Some(&me), offering.id).await?;
    Ok(web::Json(OfferingResource::new(offering, themes)))
}

/// `submit` a draft (or a changed one) to the moderators, or `archive` a published offering.
#[utoipa::path(tag = "marketplace", params(("id" = i64, Path), ("action" = String, Path, description = "submit or archive")), security(("bearer" = [])), responses(
    (status = 200, description = "The offering", body = OfferingResource),
    (status = 409, description = "Not possible from its current state", body = Problem, content_type = "application/problem+json"),
))]
#[post("/offerings/{id}/{action}")]
pub async fn act(
    me: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<(i64, String)>,
) -> Result<web::Json<OfferingResource>, AppError> {
    let (id, action) = path.into_inner();
    let offering = service::author_action(&state.db, &me, id, &action).await?;
    let (offering, themes) = service::get(&state.db, Some(&me), offering.id).await?;
    Ok(web::Json(OfferingResource::new(offering, themes)))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DecisionResource {
    pub from: String,
    pub to: String,
    pub note: String,
    pub at: chrono::NaiveDateTime,
}

/// The history of an offering's states (its organization's members and admins).
#[utoipa::path(tag = "marketplace", params(("id" = i64, Path)), security(("bearer" = [])), responses(
    (status = 200, description = "Decisions, oldest first", body = [DecisionResource]),
))]
#[get("/offerings/{id}/history")]
pub async fn history(
    me: CurrentUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<web::Json<Vec<DecisionResource>>, AppError> {
    let entries = service::history(&state.db, &me, id.into_inner()).await?;
    Ok(web::Json(
        entries
            .into_iter()
            .map(|(from, to, note, at)| DecisionResource { from, to, note, at })
            .collect(),
    ))
}

/// The moderation queue: submitted offerings, oldest first.
#[utoipa::path(tag = "admin", security(("bearer" = [])), responses((status = 200, description = "Submitted offerings", body = [OfferingResource])))]
#[get("/admin/moderation/offerings")]
pub async fn queue(
    admin: Admin,
    state: web::Data<AppState>,
) -> Result<web::Json<Vec<OfferingResource>>, AppError> {
    let items = service::queue(&state.db, &admin).await?;
    Ok(web::Json(
        items
            .into_iter()
            .map(|o| OfferingResource::new(o, Vec::new()))
            .collect(),
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionInput {
    /// `approve`, `request_changes` or `reject`.
    pub decision: String,
    /// Required to request changes or reject; sent to the owners.
    #[serde(default)]
    pub note: String,
}

/// A moderator's decision; the organization's owners get an email.
#[utoipa::path(tag = "admin", params(("id" = i64, Path)), request_body = DecisionInput, security(("bearer" = [])), responses(
    (status = 200, description = "The offering", body = OfferingResource),
    (status = 409, description = "Not submitted", body = Problem, content_type = "application/problem+json"),
    (status = 422, description = "Unknown decision, or a missing note", body = Problem, content_type = "application/problem+json"),
))]
#[post("/admin/offerings/{id}/decision")]
pub async fn decide(
    admin: Admin,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: web::Json<DecisionInput>,
) -> Result<web::Json<OfferingResource>, AppError> {
    let input = body.into_inner();
    let offering = service::decide(
        &state.db,
        &state.settings,
        &admin,
        id.into_inner(),
        &input.decision,
        input.note,
    )
    .await?;
    Ok(web::Json(OfferingResource::new(offering, Vec::new())))
}

/// An offering request, as both sides see it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RequestResource {
    pub id: i64,
    pub offering_id: i64,
    pub offering_title: String,
    /// The offering's organization, which answers.
    pub organization_id: i64,
    pub organization_name: String,
    /// The asking organization.
    pub requester_organization_id: i64,
    pub requester_organization_name: String,
    pub requester_name: String,
    pub message: String,
    /// `new`, `in_discussion`, `accepted`, `declined` or `expired`.
    pub status: String,
    /// The answering side's last note.
    pub answer: String,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
    /// When it expires if nobody settles it (open requests only).
    pub expires_at: Option<chrono::NaiveDateTime>,
}

impl From<RequestView> for RequestResource {
    fn from(v: RequestView) -> Self {
        Self {
            expires_at: requests::deadline(&v.request),
            id: v.request.id,
            offering_id: v.offering.id,
            offering_title: v.offering.title,
            organization_id: v.owner.id,
            organization_name: v.owner.name,
            requester_organization_id: v.requester.id,
            requester_organization_name: v.requester.name,
            requester_name: v.requester_name,
            message: v.request.message,
            status: v.request.status,
            answer: v.request.answer,
            created_at: v.request.created_at,
            updated_at: v.request.updated_at,
        }
    }
}

/// Ask about a published offering on behalf of one of your organizations; its owners are
/// emailed at once and reminded after 5 days; the request expires after 21 days without a step.
#[utoipa::path(tag = "marketplace", request_body = RequestInput, security(("bearer" = [])), responses(
    (status = 201, description = "Sent", body = RequestResource),
    (status = 404, description = "No such published offering", body = Problem, content_type = "application/problem+json"),
    (status = 409, description = "An open request already exists", body = Problem, content_type = "application/problem+json"),
    (status = 422, description = "Empty message, or not an organization that may ask", body = Problem, content_type = "application/problem+json"),
))]
#[post("/offering-requests")]
pub async fn create_request(
    me: CurrentUser,
    state: web::Data<AppState>,
    body: web::Json<RequestInput>,
) -> Result<HttpResponse, AppError> {
    let request = requests::create(&state.db, &state.settings, &me, body.into_inner()).await?;
    let view = requests::get(&state.db, &me, request.id).await?;
    Ok(HttpResponse::Created()
        .insert_header((
            "Location",
            format!("/api/v1/offering-requests/{}", request.id),
        ))
        .json(RequestResource::from(view)))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct RequestsQuery {
    /// `received` (about your organizations' offerings, the default) or `sent`.
    pub r#box: Option<String>,
}

/// The requests your organizations received or sent, newest first.
#[utoipa::path(tag = "marketplace", params(RequestsQuery), security(("bearer" = [])), responses(
    (status = 200, description = "Requests", body = [RequestResource]),
    (status = 422, description = "Unknown box", body = Problem, content_type = "application/problem+json"),
))]
#[get("/offering-requests")]
pub async fn list_requests(
    me: CurrentUser,
    state: web::Data<AppState>,
    query: web::Query<RequestsQuery>,
) -> Result<web::Json<Vec<RequestResource>>, AppError> {
    let received = match query.r#box.as_deref() {
        None | Some("received") => true,
        Some("sent") => false,
        Some(_) => return Err(AppError::validation("box", "must be received or sent")),
    };
    let found = requests::mine(&state.db, &me, received).await?;
    Ok(web::Json(found.into_iter().map(Into::into).collect()))
}

/// One request (both organizations' members, and admins).
#[utoipa::path(tag = "marketplace", params(("id" = i64, Path)), security(("bearer" = [])), responses(
    (status = 200, description = "The request", body = RequestResource),
    (status = 403, description = "Neither side", body = Problem, content_type = "application/problem+json"),
))]
#[get("/offering-requests/{id}")]
pub async fn show_request(
    me: CurrentUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<web::Json<RequestResource>, AppError> {
    let view = requests::get(&state.db, &me, id.into_inner()).await?;
    Ok(web::Json(view.into()))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerInput {
    /// `in_discussion`, `accepted` or `declined`.
    pub status: String,
    /// Read by the asking organization.
    #[serde(default)]
    pub note: String,
}

/// The offering's organization answers: in discussion, accepted or declined; the asker is emailed.
#[utoipa::path(tag = "marketplace", params(("id" = i64, Path)), request_body = AnswerInput, security(("bearer" = [])), responses(
    (status = 200, description = "The request", body = RequestResource),
    (status = 403, description = "Not the offering's organization", body = Problem, content_type = "application/problem+json"),
    (status = 409, description = "The request is already settled", body = Problem, content_type = "application/problem+json"),
))]
#[post("/offering-requests/{id}/status")]
pub async fn answer_request(
    me: CurrentUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: web::Json<AnswerInput>,
) -> Result<web::Json<RequestResource>, AppError> {
    let id = id.into_inner();
    let AnswerInput { status, note } = body.into_inner();
    requests::answer(&state.db, &state.settings, &me, id, &status, note).await?;
    Ok(web::Json(requests::get(&state.db, &me, id).await?.into()))
}
