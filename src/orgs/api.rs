//! `/api/v1/organizations…` and the admins' decision on new organizations.

use actix_web::{HttpResponse, get, patch, post, web};
use serde::{Deserialize, Serialize};

use super::model::Organization;
use super::service::{self, OrganizationInput};
use crate::app::AppState;
use crate::auth::{Admin, CurrentUser, MaybeUser};
use crate::error::{AppError, Problem};
use crate::web::markdown;
use crate::web::pagination::{PageQuery, PageRequest, Paginated};

/// An organization as the API shows it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OrganizationResource {
    pub id: i64,
    pub kind: String,
    pub status: String,
    pub name: String,
    pub slug: String,
    pub pitch: String,
    /// The Markdown source.
    pub description: String,
    /// The same, rendered to safe HTML.
    pub description_html: String,
    pub sector: String,
    pub stage: Option<String>,
    pub team_size: Option<i32>,
    pub founded_year: Option<i32>,
    pub city: String,
    pub website: String,
    pub contact_email: String,
    /// Set by the cluster's admins.
    pub verified: bool,
    pub themes: Vec<String>,
}

impl OrganizationResource {
    fn new(org: Organization, themes: Vec<String>) -> Self {
        Self {
            description_html: markdown::render(&org.description),
            id: org.id,
            kind: org.kind,
            status: org.status,
            name: org.name,
            slug: org.slug,
            pitch: org.pitch,
            description: org.description,
            sector: org.sector,
            stage: org.stage,
            team_size: org.team_size,
            founded_year: org.founded_year,
            city: org.city,
            website: org.website,
            contact_email: org.contact_email,
            verified: org.verified,
            themes,
        }
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct OrganizationQuery {
    /// `startup`, `partner` or `founding_member`.
    pub kind: Option<String>,
    /// A theme slug.
    pub theme: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// Active organizations, by name.
#[utoipa::path(tag = "organizations", params(OrganizationQuery), responses(
    (status = 200, description = "A page of organizations", body = Paginated<OrganizationResource>),
    (status = 422, description = "Bad filter", body = Problem, content_type = "application/problem+json"),
))]
#[get("/organizations")]
pub async fn list(
    state: web::Data<AppState>,
    query: web::Query<OrganizationQuery>,
) -> Result<web::Json<Paginated<OrganizationResource>>, AppError> {
    let q = query.into_inner();
    let page = PageRequest::try_from(PageQuery {
        page: q.page,
        per_page: q.per_page,
    })?;
    let (items, total) = service::list(&state.db, q.kind, q.theme, page).await?;
    Ok(web::Json(Paginated::new(
        items
            .into_iter()
            .map(|(org, themes)| OrganizationResource::new(org, themes))
            .collect(),
        total,
        page,
    )))
}

/// Create an organization; its creator becomes its owner. It is public once an admin approves it.
#[utoipa::path(tag = "organizations", request_body = OrganizationInput, security(("bearer" = [])), responses(
    (status = 201, description = "Created (pending unless created by an admin)", body = OrganizationResource),
    (status = 403, description = "Unverified address, or not the role for this kind", body = Problem, content_type = "application/problem+json"),
    (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
))]
#[post("/organizations")]
pub async fn create(
    me: CurrentUser,
    state: web::Data<AppState>,
    body: web::Json<OrganizationInput>,
) -> Result<HttpResponse, AppError> {
    let org = service::create(&state.db, &me, body.into_inner()).await?;
    let (org, themes) = service::get(&state.db, Some(&me), org.id).await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/organizations/{}", org.id)))
        .json(OrganizationResource::new(org, themes)))
}

/// One organization (pending ones only for their members and admins).
#[utoipa::path(tag = "organizations", params(("id" = i64, Path)), responses(
    (status = 200, description = "The organization", body = OrganizationResource),
    (status = 404, description = "No such organization", body = Problem, content_type = "application/problem+json"),
))]
#[get("/organizations/{id}")]
pub async fn show(
    viewer: MaybeUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<web::Json<OrganizationResource>, AppError> {
    let viewer = viewer.0.map(CurrentUser);
    let (org, themes) = service::get(&state.db, viewer.as_ref(), id.into_inner()).await?;
    Ok(web::Json(OrganizationResource::new(org, themes)))
}

/// Edit an organization (its owners and admins).
#[utoipa::path(tag = "organizations", params(("id" = i64, Path)), request_body = OrganizationInput, security(("bearer" = [])), responses(
    (status = 200, description = "The organization", body = OrganizationResource),
    (status = 403, description = "Not an owner", body = Problem, content_type = "application/problem+json"),
    (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
))]
#[patch("/organizations/{id}")]
pub async fn update(
    me: CurrentUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: web::Json<OrganizationInput>,
) -> Result<web::Json<OrganizationResource>, AppError> {
    let org = service::update(&state.db, &me, id.into_inner(), body.into_inner()).await?;
    let (org, themes) = service::get(&state.db, Some(&me), org.id).await?;
    Ok(web::Json(OrganizationResource::new(org, themes)))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MemberResource {
    pub user_id: i64,
    pub display_name: String,
    /// `owner` or `member`.
    pub role: String,
    pub joined_at: chrono::NaiveDateTime,
}

/// The members of an organization (for its members and admins).
#[utoipa::path(tag = "organizations", params(("id" = i64, Path)), security(("bearer" = [])), responses(
    (status = 200, description = "Members", body = [MemberResource]),
    (status = 403, description = "Not a member", body = Problem, content_type = "application/problem+json"),
))]
#[get("/organizations/{id}/members")]
pub async fn members(
    me: CurrentUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<web::Json<Vec<MemberResource>>, AppError> {
    let people = service::members(&state.db, &me, id.into_inner()).await?;
    Ok(web::Json(
        people
            .into_iter()
            .map(|(user_id, display_name, role, joined_at)| MemberResource {
                user_id,
                display_name,
                role,
                joined_at,
            })
            .collect(),
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionInput {
    /// `approve` or `reject`.
    pub decision: String,
    #[serde(default)]
    pub note: String,
}

/// An admin approves or rejects a new organization.
#[utoipa::path(tag = "admin", params(("id" = i64, Path)), request_body = DecisionInput, security(("bearer" = [])), responses(
    (status = 200, description = "The organization", body = OrganizationResource),
    (status = 409, description = "Already decided", body = Problem, content_type = "application/problem+json"),
))]
#[post("/admin/organizations/{id}/decision")]
pub async fn decide(
    admin: Admin,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: web::Json<DecisionInput>,
) -> Result<web::Json<OrganizationResource>, AppError> {
    let input = body.into_inner();
    let approve = match input.decision.as_str() {
        "approve" => true,
        "reject" => false,
        _ => {
            return Err(AppError::validation(
                "decision",
                "must be approve or reject",
            ));
        }
    };
    let org = service::decide(&state.db, &admin, id.into_inner(), approve, input.note).await?;
    let (org, themes) = service::get(&state.db, None, org.id)
        .await
        .or_else(|_| Ok::<_, AppError>((org, Vec::new())))?;
    Ok(web::Json(OrganizationResource::new(org, themes)))
}
