//! `/api/v1/organizations…` and the admins' decision on new organizations.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, put, web};
use serde::{Deserialize, Serialize};

use super::logo::{self, Logo};
use super::membership::{self, InvitationInput};
use super::model::{Invitation, Organization};
use super::service::{self, AdminChange, OrganizationInput};
use crate::app::AppState;
use crate::auth::{Admin, CurrentUser, MaybeUser};
use crate::error::{AppError, Problem};
use crate::web::pagination::{PageQuery, PageRequest, Paginated};
use crate::web::{markdown, upload};

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
    /// Where the logo is served (`/media/logos/<name>`), if the organization has one. Each
    /// upload gets a new address, so it can be cached for good.
    pub logo_url: Option<String>,
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
            logo_url: logo::url_of(org.logo.as_deref()),
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
    /// `approve`, `request_changes` (stays pending; the note says what) or `reject`.
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
    let org = service::decide(
        &state.db,
        &state.settings,
        &admin,
        id.into_inner(),
        &input.decision,
        input.note,
    )
    .await?;
    let (org, themes) = service::get(&state.db, None, org.id)
        .await
        .or_else(|_| Ok::<_, AppError>((org, Vec::new())))?;
    Ok(web::Json(OrganizationResource::new(org, themes)))
}

/// An open invitation, as its organization's owners see it (never its token).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct InvitationResource {
    pub id: i64,
    pub email: String,
    /// `member` or `owner`.
    pub role: String,
    pub created_at: chrono::NaiveDateTime,
    pub expires_at: chrono::NaiveDateTime,
}

impl From<Invitation> for InvitationResource {
    fn from(i: Invitation) -> Self {
        Self {
            id: i.id,
            email: i.email,
            role: i.role,
            created_at: i.created_at,
            expires_at: i.expires_at,
        }
    }
}

/// Invite someone by email (owners and admins); the link works 7 days, once, for that address.
#[utoipa::path(tag = "organizations", params(("id" = i64, Path)), request_body = InvitationInput, security(("bearer" = [])), responses(
    (status = 201, description = "Invitation sent", body = InvitationResource),
    (status = 403, description = "Not an owner", body = Problem, content_type = "application/problem+json"),
    (status = 409, description = "Already a member", body = Problem, content_type = "application/problem+json"),
    (status = 422, description = "Invalid address or role", body = Problem, content_type = "application/problem+json"),
))]
#[post("/organizations/{id}/invitations")]
pub async fn invite(
    me: CurrentUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: web::Json<InvitationInput>,
) -> Result<HttpResponse, AppError> {
    let invitation = membership::invite(
        &state.db,
        &state.settings,
        &me,
        id.into_inner(),
        body.into_inner(),
    )
    .await?;
    Ok(HttpResponse::Created().json(InvitationResource::from(invitation)))
}

/// The open invitations of an organization (owners and admins).
#[utoipa::path(tag = "organizations", params(("id" = i64, Path)), security(("bearer" = [])), responses(
    (status = 200, description = "Open invitations", body = [InvitationResource]),
    (status = 403, description = "Not an owner", body = Problem, content_type = "application/problem+json"),
))]
#[get("/organizations/{id}/invitations")]
pub async fn invitations(
    me: CurrentUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<web::Json<Vec<InvitationResource>>, AppError> {
    let open = membership::invitations(&state.db, &me, id.into_inner()).await?;
    Ok(web::Json(open.into_iter().map(Into::into).collect()))
}

/// Revoke an open invitation: its link stops working.
#[utoipa::path(tag = "organizations", params(("id" = i64, Path), ("invitation_id" = i64, Path)), security(("bearer" = [])), responses(
    (status = 204, description = "Revoked"),
    (status = 403, description = "Not an owner", body = Problem, content_type = "application/problem+json"),
    (status = 404, description = "No such open invitation", body = Problem, content_type = "application/problem+json"),
))]
#[delete("/organizations/{id}/invitations/{invitation_id}")]
pub async fn revoke_invitation(
    me: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, AppError> {
    let (id, invitation_id) = path.into_inner();
    membership::revoke(&state.db, &me, id, invitation_id).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptInput {
    /// The `jeton` of the emailed link.
    pub token: String,
}

/// Join an organization from an invitation (signed in with the invited address).
#[utoipa::path(tag = "organizations", request_body = AcceptInput, security(("bearer" = [])), responses(
    (status = 200, description = "Joined", body = OrganizationResource),
    (status = 403, description = "Invitation sent to another address", body = Problem, content_type = "application/problem+json"),
    (status = 409, description = "Already a member", body = Problem, content_type = "application/problem+json"),
    (status = 422, description = "Invalid, used, revoked or expired link", body = Problem, content_type = "application/problem+json"),
))]
#[post("/invitations/accept")]
pub async fn accept_invitation(
    me: CurrentUser,
    state: web::Data<AppState>,
    body: web::Json<AcceptInput>,
) -> Result<web::Json<OrganizationResource>, AppError> {
    let org = membership::accept(&state.db, &me, body.into_inner().token).await?;
    let (org, themes) = service::get(&state.db, Some(&me), org.id).await?;
    Ok(web::Json(OrganizationResource::new(org, themes)))
}

/// Remove a member (owners and admins), or leave (yourself). The last owner cannot leave.
#[utoipa::path(tag = "organizations", params(("id" = i64, Path), ("user_id" = i64, Path)), security(("bearer" = [])), responses(
    (status = 204, description = "Removed"),
    (status = 403, description = "Not an owner", body = Problem, content_type = "application/problem+json"),
    (status = 404, description = "Not a member", body = Problem, content_type = "application/problem+json"),
    (status = 409, description = "The last owner", body = Problem, content_type = "application/problem+json"),
))]
#[delete("/organizations/{id}/members/{user_id}")]
pub async fn remove_member(
    me: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, AppError> {
    let (id, user_id) = path.into_inner();
    membership::remove(&state.db, &me, id, user_id).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransferInput {
    /// The member who becomes owner.
    pub user_id: i64,
}

/// Hand the ownership to another member: they become owner, you a member.
#[utoipa::path(tag = "organizations", params(("id" = i64, Path)), request_body = TransferInput, security(("bearer" = [])), responses(
    (status = 204, description = "Transferred"),
    (status = 403, description = "Not an owner", body = Problem, content_type = "application/problem+json"),
    (status = 409, description = "Already an owner", body = Problem, content_type = "application/problem+json"),
    (status = 422, description = "Not a member", body = Problem, content_type = "application/problem+json"),
))]
#[post("/organizations/{id}/transfer")]
pub async fn transfer(
    me: CurrentUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: web::Json<TransferInput>,
) -> Result<HttpResponse, AppError> {
    membership::transfer(&state.db, &me, id.into_inner(), body.into_inner().user_id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// An admin sets the "verified by the cluster" badge, or suspends / reactivates an organization.
#[utoipa::path(tag = "admin", params(("id" = i64, Path)), request_body = AdminChange, security(("bearer" = [])), responses(
    (status = 200, description = "The organization", body = OrganizationResource),
    (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
    (status = 409, description = "Not in a state that allows it", body = Problem, content_type = "application/problem+json"),
))]
#[patch("/admin/organizations/{id}")]
pub async fn admin_change(
    admin: Admin,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: web::Json<AdminChange>,
) -> Result<web::Json<OrganizationResource>, AppError> {
    let org = service::admin_change(&state.db, &admin, id.into_inner(), body.into_inner()).await?;
    let themes = service::themes(&state.db, org.id).await?;
    Ok(web::Json(OrganizationResource::new(org, themes)))
}
/// Upload or replace an organization's logo (its owners and admins): the raw image is the body,
/// its `Content-Type` says which kind. The kind is read from the content, which must match.
#[utoipa::path(tag = "organizations", params(("id" = i64, Path)),
    request_body(
        description = "The image itself: PNG, JPEG or WebP (at most 8192 pixels a side) or SVG (no script, event attribute, external reference or DOCTYPE); at most `logo_max_bytes` (1 MiB by default).",
        content(("image/png"), ("image/jpeg"), ("image/webp"), ("image/svg+xml"))
    ),
    security(("bearer" = [])), responses(
    (status = 200, description = "The organization, with its new `logo_url`", body = OrganizationResource),
    (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    (status = 403, description = "Not an owner", body = Problem, content_type = "application/problem+json"),
    (status = 404, description = "No such organization", body = Problem, content_type = "application/problem+json"),
    (status = 413, description = "Larger than `logo_max_bytes`", body = Problem, content_type = "application/problem+json"),
    (status = 415, description = "Not an accepted type, or the content is another type than the one declared", body = Problem, content_type = "application/problem+json"),
    (status = 422, description = "Not an image, a damaged one, or an SVG that was refused (see `errors.logo`)", body = Problem, content_type = "application/problem+json"),
))]
#[put(
    "/organizations/{id}/logo",
    wrap = "actix_web::middleware::from_fn(crate::web::upload::close_on_error)"
)]
pub async fn put_logo(
    req: HttpRequest,
    me: CurrentUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: web::Payload,
) -> Result<web::Json<OrganizationResource>, AppError> {
    let id = id.into_inner();
    let limit = state.settings.logo_max_bytes;
    logo::check_access(&state.db, &me, id).await?;
    let bytes = upload::read_limited(&req, body, limit)
        .await?
        .ok_or(AppError::PayloadTooLarge(limit))?;
    let declared = req
        .headers()
        .get(header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap_or("(not text)"));
    let logo = Logo::parse(declared, bytes, limit)?;
    let store = logo::Store::new(&state.settings.data_dir);
    logo::replace(&state.db, &store, &me, id, logo).await?;
    let (org, themes) = service::get(&state.db, Some(&me), id).await?;
    Ok(web::Json(OrganizationResource::new(org, themes)))
}

/// Remove an organization's logo (its owners and admins); removing none is fine.
#[utoipa::path(tag = "organizations", params(("id" = i64, Path)), security(("bearer" = [])), responses(
    (status = 204, description = "The organization has no logo"),
    (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    (status = 403, description = "Not an owner", body = Problem, content_type = "application/problem+json"),
    (status = 404, description = "No such organization", body = Problem, content_type = "application/problem+json"),
))]
#[delete("/organizations/{id}/logo")]
pub async fn delete_logo(
    me: CurrentUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let store = logo::Store::new(&state.settings.data_dir);
    logo::remove(&state.db, &store, &me, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}
