//! Read-only queries the mentoring pages need beyond [`super::service`]: a project by its slug
//! (the public address of a project page).
//!
//! Errors: [`AppError`] — 404 for a project that does not exist or that the viewer may not see
//! (the same answer for both, so that private projects are not revealed).

use super::model;
use super::service::{self, ProjectView};
use crate::auth::CurrentUser;
use crate::db::{self, Pool};
use crate::error::AppError;

/// The project at `/mentorat/projets/{slug}`, if the viewer may see it.
pub async fn project_by_slug(
    pool: &Pool,
    viewer: Option<CurrentUser>,
    slug: String,
) -> Result<ProjectView, AppError> {
    db::run(pool, move |conn| {
        let project = model::project_by_slug(conn, &slug)?;
        if !service::may_see_project(conn, &project, viewer.as_ref())? {
            return Err(AppError::NotFound);
        }
        service::project_view(conn, project, viewer.as_ref())
    })
    .await
}
