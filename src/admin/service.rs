//! Back-office actions that are not plain queue management.

use diesel::Connection;

use crate::db::{self, Pool};
use crate::error::AppError;
use crate::jobs::EnqueueOptions;
use crate::mail;
use crate::web::Lang;

/// Queues a test email to `to`; returns the job id.
pub async fn send_test_email(
    pool: &Pool,
    to: &str,
    lang: Lang,
    base_url: &str,
) -> Result<i64, AppError> {
    let to = mail::parse_recipient("to", to)?;
    let content = super::mail::test_message(lang, base_url)?;
    db::run(pool, move |conn| {
        conn.transaction(|conn| {
            mail::enqueue(conn, &to, content, Vec::new(), EnqueueOptions::default())
        })?
        .ok_or_else(|| AppError::internal("a job without dedup key was not inserted"))
    })
    .await
}
