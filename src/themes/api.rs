//! `/api/v1/themes`.

use actix_web::{HttpResponse, get, post, web};
use serde::Serialize;

use super::model::Theme;
use super::service::{self, ThemeInput};
use crate::app::AppState;
use crate::auth::Admin;
use crate::error::{AppError, Problem};
use crate::web::pagination::{PageQuery, PageRequest, Paginated};

/// A theme as the API shows it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ThemeResource {
    pub id: i64,
    pub slug: String,
    pub labels: Labels,
    pub descriptions: Labels,
    pub position: i32,
}

/// The same text in French and English.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Labels {
    pub fr: String,
    pub en: String,
}

impl From<Theme> for ThemeResource {
    fn from(t: Theme) -> Self {
        Self {
            id: t.id,
            slug: t.slug,
            labels: Labels {
                fr: t.label_fr,
                en: t.label_en,
            },
            descriptions: Labels {
                fr: t.description_fr,
                en: t.description_en,
            },
            position: t.position,
        }
    }
}

/// List the cluster's themes, in display order.
#[utoipa::path(
    tag = "themes",
    params(PageQuery),
    responses(
        (status = 200, description = "A page of themes", body = Paginated<ThemeResource>),
        (status = 422, description = "Bad page parameters", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/themes")]
pub async fn list(
    state: web::Data<AppState>,
    query: web::Query<PageQuery>,
) -> Result<web::Json<Paginated<ThemeResource>>, AppError> {
    let page = PageRequest::try_from(query.into_inner())?;
    let (items, total) = service::page(&state.db, page).await?;
    Ok(web::Json(Paginated::new(
        items.into_iter().map(Into::into).collect(),
        total,
        page,
    )))
}

/// Add a theme (operators and, later, cluster staff).
#[utoipa::path(
    tag = "themes",
    request_body = ThemeInput,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created", body = ThemeResource),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or wrong token", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Slug already taken", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/themes")]
pub async fn create(
    _admin: Admin,
    state: web::Data<AppState>,
    body: web::Json<ThemeInput>,
) -> Result<HttpResponse, AppError> {
    let theme = service::create(&state.db, body.into_inner()).await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/themes/{}", theme.id)))
        .json(ThemeResource::from(theme)))
}

/// One theme.
#[utoipa::path(
    tag = "themes",
    params(("id" = i64, Path, description = "Theme id")),
    responses(
        (status = 200, description = "The theme", body = ThemeResource),
        (status = 404, description = "No such theme", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/themes/{id}")]
pub async fn show(
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<web::Json<ThemeResource>, AppError> {
    Ok(web::Json(
        service::find(&state.db, id.into_inner()).await?.into(),
    ))
}
