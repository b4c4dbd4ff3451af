//! `/api/v1/favorites…`: what the signed-in person follows.

use actix_web::{HttpResponse, delete, get, put, web};
use serde::Serialize;

use super::service;
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::error::{AppError, Problem};

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FollowedOrganization {
    pub id: i64,
    pub name: String,
    pub slug: String,
    pub kind: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FavoritesResource {
    pub organizations: Vec<FollowedOrganization>,
    /// Theme slugs.
    pub themes: Vec<String>,
}

/// The organizations and themes you follow.
#[utoipa::path(tag = "favorites", security(("bearer" = [])), responses(
    (status = 200, description = "What you follow", body = FavoritesResource),
    (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
))]
#[get("/favorites")]
pub async fn list(
    me: CurrentUser,
    state: web::Data<AppState>,
) -> Result<web::Json<FavoritesResource>, AppError> {
    let f = service::list(&state.db, &me).await?;
    Ok(web::Json(FavoritesResource {
        organizations: f
            .organizations
            .into_iter()
            .map(|o| FollowedOrganization {
                id: o.id,
                name: o.name,
                slug: o.slug,
                kind: o.kind,
            })
            .collect(),
        themes: f.themes.into_iter().map(|t| t.slug).collect(),
    }))
}

/// Follow an active organization (following twice changes nothing).
#[utoipa::path(tag = "favorites", params(("id" = i64, Path)), security(("bearer" = [])), responses(
    (status = 204, description = "Followed"),
    (status = 404, description = "No such public organization", body = Problem, content_type = "application/problem+json"),
))]
#[put("/favorites/organizations/{id}")]
pub async fn follow_organization(
    me: CurrentUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    service::organization(&state.db, &me, id.into_inner(), true).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Stop following an organization.
#[utoipa::path(tag = "favorites", params(("id" = i64, Path)), security(("bearer" = [])), responses(
    (status = 204, description = "No longer followed"),
    (status = 404, description = "No such organization", body = Problem, content_type = "application/problem+json"),
))]
#[delete("/favorites/organizations/{id}")]
pub async fn unfollow_organization(
    me: CurrentUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    service::organization(&state.db, &me, id.into_inner(), false).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Follow a theme, by its slug.
#[utoipa::path(tag = "favorites", params(("slug" = String, Path)), security(("bearer" = [])), responses(
    (status = 204, description = "Followed"),
    (status = 404, description = "No such theme", body = Problem, content_type = "application/problem+json"),
))]
#[put("/favorites/themes/{slug}")]
pub async fn follow_theme(
    me: CurrentUser,
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    service::theme(&state.db, &me, slug.into_inner(), true).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Stop following a theme.
#[utoipa::path(tag = "favorites", params(("slug" = String, Path)), security(("bearer" = [])), responses(
    (status = 204, description = "No longer followed"),
    (status = 404, description = "No such theme", body = Problem, content_type = "application/problem+json"),
))]
#[delete("/favorites/themes/{slug}")]
pub async fn unfollow_theme(
    me: CurrentUser,
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    service::theme(&state.db, &me, slug.into_inner(), false).await?;
    Ok(HttpResponse::NoContent().finish())
}
