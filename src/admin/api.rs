//! `/api/v1/admin/…`: the job queue and the test email.

use actix_web::{HttpResponse, delete, get, post, web};
use serde::{Deserialize, Serialize};

use crate::app::AppState;
use crate::auth::OperatorToken;
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
    _operator: OperatorToken,
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
    _operator: OperatorToken,
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
    _operator: OperatorToken,
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
    _operator: OperatorToken,
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
