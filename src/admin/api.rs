//! `/api/v1/admin/…`: the job queue and the test email.

use actix_web::{HttpRequest, HttpResponse, delete, get, post, put, web};
use serde::{Deserialize, Serialize};

use super::service::UserResource;
use crate::app::AppState;
use crate::auth::Admin;
use crate::auth::model::{AuditEntry, Role};
use crate::auth::session::client_ip;
use crate::error::{AppError, Problem};
use crate::jobs::model::{JobRow, StateFilter};
use crate::jobs::service as jobs;
use crate::web::Lang;
use crate::web::pagination::{PageQuery, PageRequest, Paginated};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct JobQuery {
    /// `queued`, `running`, `failed` (waiting for a retry) or `dead`; all when absent.
    pub state: Option<StateFilter>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// Jobs in the queue, oldest first, with their last error.
#[utoipa::path(
    tag = "admin",
    params(JobQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of jobs", body = Paginated<JobRow>),
        (status = 401, description = "Missing or wrong token", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/admin/jobs")]
pub async fn list_jobs(
    _admin: Admin,
    state: web::Data<AppState>,
    query: web::Query<JobQuery>,
) -> Result<web::Json<Paginated<JobRow>>, AppError> {
    let q = query.into_inner();
    let page = PageRequest::try_from(PageQuery {
        page: q.page,
        per_page: q.per_page,
    })?;
    let (items, total) = jobs::list(&state.db, q.state, page).await?;
    Ok(web::Json(Paginated::new(items, total, page)))
}

/// Puts a dead job back in the queue with fresh attempts.
#[utoipa::path(
    tag = "admin",
    params(("id" = i64, Path, description = "Job id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The revived job", body = JobRow),
        (status = 404, description = "No such job", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The job is not dead", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/jobs/{id}/retry")]
pub async fn retry_job(
    _admin: Admin,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<web::Json<JobRow>, AppError> {
    Ok(web::Json(jobs::retry(&state.db, id.into_inner()).await?))
}

/// Discards a dead job.
#[utoipa::path(
    tag = "admin",
    params(("id" = i64, Path, description = "Job id")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Discarded"),
        (status = 404, description = "No such job", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The job is not dead", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/admin/jobs/{id}")]
pub async fn discard_job(
    _admin: Admin,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    jobs::discard(&state.db, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TestEmailInput {
    /// Where to send it.
    pub to: String,
    /// `fr` (default) or `en`.
    #[serde(default)]
    pub lang: Option<Lang>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Queued {
    pub job_id: i64,
}

/// Sends a test email through the queue, to check the mail settings.
#[utoipa::path(
    tag = "admin",
    request_body = TestEmailInput,
    security(("bearer" = [])),
    responses(
        (status = 202, description = "Queued", body = Queued),
        (status = 422, description = "Not an email address", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/test-email")]
pub async fn test_email(
    _admin: Admin,
    state: web::Data<AppState>,
    body: web::Json<TestEmailInput>,
) -> Result<HttpResponse, AppError> {
    let input = body.into_inner();
    let job_id = super::service::send_test_email(
        &state.db,
        &input.to,
        input.lang.unwrap_or_default(),
        state.settings.base_url.as_str(),
    )
    .await?;
    Ok(HttpResponse::Accepted().json(Queued { job_id }))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct UserQuery {
    /// Part of an email or a name.
    pub q: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// Accounts, oldest first.
#[utoipa::path(tag = "admin", params(UserQuery), security(("bearer" = [])), responses(
    (status = 200, description = "A page of users", body = Paginated<UserResource>),
    (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
))]
#[get("/admin/users")]
pub async fn list_users(
    _admin: Admin,
    state: web::Data<AppState>,
    query: web::Query<UserQuery>,
) -> Result<web::Json<Paginated<UserResource>>, AppError> {
    let q = query.into_inner();
    let page = PageRequest::try_from(PageQuery {
        page: q.page,
        per_page: q.per_page,
    })?;
    let search = q.q.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    let (items, total) = super::service::users(&state.db, search, page).await?;
    Ok(web::Json(Paginated::new(items, total, page)))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RolesInput {
    pub roles: Vec<Role>,
}

/// Replace a user's roles.
#[utoipa::path(tag = "admin", request_body = RolesInput, params(("id" = i64, Path)), security(("bearer" = [])), responses(
    (status = 200, description = "The user", body = UserResource),
    (status = 404, description = "No such user", body = Problem, content_type = "application/problem+json"),
    (status = 409, description = "An admin removing their own admin role", body = Problem, content_type = "application/problem+json"),
))]
#[put("/admin/users/{id}/roles")]
pub async fn set_roles(
    req: HttpRequest,
    admin: Admin,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: web::Json<RolesInput>,
) -> Result<web::Json<UserResource>, AppError> {
    Ok(web::Json(
        super::service::set_roles(
            &state.db,
            admin,
            id.into_inner(),
            body.into_inner().roles,
            client_ip(&req),
        )
        .await?,
    ))
}

/// Deactivate an account: its sessions end at once.
#[utoipa::path(tag = "admin", params(("id" = i64, Path)), security(("bearer" = [])), responses(
    (status = 200, description = "The user", body = UserResource),
    (status = 404, description = "No such user", body = Problem, content_type = "application/problem+json"),
))]
#[post("/admin/users/{id}/deactivate")]
pub async fn deactivate(
    req: HttpRequest,
    admin: Admin,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<web::Json<UserResource>, AppError> {
    Ok(web::Json(
        super::service::set_active(&state.db, admin, id.into_inner(), false, client_ip(&req))
            .await?,
    ))
}

/// Reactivate an account.
#[utoipa::path(tag = "admin", params(("id" = i64, Path)), security(("bearer" = [])), responses(
    (status = 200, description = "The user", body = UserResource),
    (status = 404, description = "No such user", body = Problem, content_type = "application/problem+json"),
))]
#[post("/admin/users/{id}/reactivate")]
pub async fn reactivate(
    req: HttpRequest,
    admin: Admin,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<web::Json<UserResource>, AppError> {
    Ok(web::Json(
        super::service::set_active(&state.db, admin, id.into_inner(), true, client_ip(&req))
            .await?,
    ))
}

/// The audit log, newest first: sign-ins, failures, password and email changes, roles, deactivations.
#[utoipa::path(tag = "admin", params(PageQuery), security(("bearer" = [])), responses(
    (status = 200, description = "A page of entries", body = Paginated<AuditEntry>),
))]
#[get("/admin/audit-log")]
pub async fn audit_log(
    _admin: Admin,
    state: web::Data<AppState>,
    query: web::Query<PageQuery>,
) -> Result<web::Json<Paginated<AuditEntry>>, AppError> {
    let page = PageRequest::try_from(query.into_inner())?;
    let (items, total) = super::service::audit_log(&state.db, page).await?;
    Ok(web::Json(Paginated::new(items, total, page)))
}
