//! The emails of accounts: address verification, password reset, a sign-up attempt on an
//! existing address, a changed password. One layout (`emails/action`), the words from the catalog.

use crate::error::AppError;
use crate::mail::Rendered;
use crate::mail::templates::{self, Action};
use crate::web::Lang;

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
    let action = Action {
        subject: t.get(&format!("email.{key}.subject")).to_owned(),
        heading: t.get(&format!("email.{key}.heading")),
        greeting: templates::greeting(t, name),
        lines: vec![t.get(&format!("email.{key}.body"))],
        action_label: t.get(action_key),
        action_url: url,
        note: t.get(note_key),
    };
    templates::action(t, base_url, &action)
}
