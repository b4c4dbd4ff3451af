//! What every email shares: the Amiens Cluster identity around each message, in the
//! recipient's language. A message is a pair of askama templates (`.txt` and `.html`) that
//! extend `emails/base.txt` and `emails/base.html`; [`render`] puts them together.

use askama::Template;

use super::Rendered;
use crate::error::AppError;
use crate::web::Translator;

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

/// A message of the common shape (`emails/action`): a heading, a greeting, paragraphs, an
/// optional button with its link, a note.
pub struct Action<'a> {
    pub subject: String,
    pub heading: &'a str,
    pub greeting: String,
    pub lines: Vec<&'a str>,
    pub action_label: &'a str,
    pub action_url: Option<String>,
    pub note: &'a str,
}

#[derive(Template)]
#[template(path = "emails/action.txt")]
struct ActionText<'a> {
    t: Translator,
    base_url: &'a str,
    heading: &'a str,
    greeting: &'a str,
    lines: &'a [&'a str],
    action_label: &'a str,
    action_url: &'a Option<String>,
    note: &'a str,
}

#[derive(Template)]
#[template(path = "emails/action.html")]
struct ActionHtml<'a> {
    t: Translator,
    base_url: &'a str,
    heading: &'a str,
    greeting: &'a str,
    lines: &'a [&'a str],
    action_label: &'a str,
    action_url: &'a Option<String>,
    note: &'a str,
}

/// Renders a message of the common shape in the catalog language of `t`.
pub fn action(t: Translator, base_url: &str, a: &Action<'_>) -> Result<Rendered, AppError> {
    render(
        a.subject.clone(),
        &ActionText {
            t,
            base_url,
            heading: a.heading,
            greeting: &a.greeting,
            lines: &a.lines,
            action_label: a.action_label,
            action_url: &a.action_url,
            note: a.note,
        },
        &ActionHtml {
            t,
            base_url,
            heading: a.heading,
            greeting: &a.greeting,
            lines: &a.lines,
            action_label: a.action_label,
            action_url: &a.action_url,
            note: a.note,
        },
    )
}

/// « Bonjour Léa, » / "Hello Léa,".
pub fn greeting(t: Translator, name: &str) -> String {
    if name.is_empty() {
        format!("{},", t.get("email.greeting"))
    } else {
        format!("{} {name},", t.get("email.greeting"))
    }
}
