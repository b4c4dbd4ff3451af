//! What every email shares: the Amiens Cluster identity around each message, in the
//! recipient's language. A message is a pair of askama templates (`.txt` and `.html`) that
//! extend `emails/base.txt` and `emails/base.html`; [`render`] puts them together.

use askama::Template;

use super::Rendered;
use crate::error::AppError;

/// Renders the two parts of a message; a template error is a bug, reported as a 500.
pub fn render(
    subject: String,
    text: &impl Template,
    html: &impl Template,
) -> Result<Rendered, AppError> {
    Ok(Rendered {
        subject,
        text: text.render().map_err(AppError::internal)?,
        html: html.render().map_err(AppError::internal)?,
    })
}
