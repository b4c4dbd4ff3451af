//! The emails of accounts: address verification, password reset, a sign-up attempt on an
//! existing address, a changed password. One layout (`emails/action`), the words from the catalog.

use askama::Template;

use crate::error::AppError;
use crate::mail::{Rendered, templates};
use crate::web::{Lang, Translator};

#[derive(Template)]
#[template(path = "emails/action.txt")]
struct ActionText<'a> {
    t: Translator,
    base_url: &'a str,
    heading: &'a str,
    greeting: String,
    lines: Vec<&'a str>,
    action_label: &'a str,
    action_url: Option<String>,
    note: &'a str,
}

#[derive(Template)]
#[template(path = "emails/action.html")]
struct ActionHtml<'a> {
    t: Translator,
    base_url: &'a str,
    heading: &'a str,
    greeting: String,
    lines: Vec<&'a str>,
    action_label: &'a str,
    action_url: Option<String>,
    note: &'a str,
}

/// Which message; `key` names its words under `email.<key>` in the catalogs.
pub enum Message {
    Verify { url: String },
    ChangeEmail { url: String },
    Existing { url: String },
    Reset { url: String },
    PasswordChanged,
}

pub fn render(
    message: &Message,
    lang: Lang,
    name: &str,
    base_url: &str,
) -> Result<Rendered, AppError> {
    let t = lang.t();
    let (key, url, action_key, note_key) = match message {
        Message::Verify { url } => (
            "verify",
            Some(url.clone()),
            "email.verify.action",
            "email.verify.note",
        ),
        Message::ChangeEmail { url } => (
            "change",
            Some(url.clone()),
            "email.verify.action",
            "email.verify.note",
        ),
        Message::Existing { url } => (
            "existing",
            Some(url.clone()),
            "email.existing.action",
            "email.existing.note",
        ),
        Message::Reset { url } => (
            "reset",
            Some(url.clone()),
            "email.reset.action",
            "email.reset.note",
        ),
        Message::PasswordChanged => (
            "password_changed",
            None,
            "email.reset.action",
            "email.password_changed.note",
        ),
    };
    let heading = t.get(&format!("email.{key}.heading"));
    let greeting = if name.is_empty() {
        format!("{},", t.get("email.greeting"))
    } else {
        format!("{} {name},", t.get("email.greeting"))
    };
    let lines = vec![t.get(&format!("email.{key}.body"))];
    let (action_label, note) = (t.get(action_key), t.get(note_key));
    templates::render(
        t.get(&format!("email.{key}.subject")).to_owned(),
        &ActionText {
            t,
            base_url,
            heading,
            greeting: greeting.clone(),
            lines: lines.clone(),
            action_label,
            action_url: url.clone(),
            note,
        },
        &ActionHtml {
            t,
            base_url,
            heading,
            greeting,
            lines,
            action_label,
            action_url: url,
            note,
        },
    )
}
