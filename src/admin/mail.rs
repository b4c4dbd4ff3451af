//! The test email that tells an operator the mail settings work.

use askama::Template;
use chrono::Utc;

use crate::error::AppError;
use crate::mail::{Rendered, templates};
use crate::web::{Lang, Translator, dates};

#[derive(Template)]
#[template(path = "emails/test_message.txt")]
struct TestText<'a> {
    t: Translator,
    base_url: &'a str,
    requested_at: String,
}

#[derive(Template)]
#[template(path = "emails/test_message.html")]
struct TestHtml<'a> {
    t: Translator,
    base_url: &'a str,
    requested_at: String,
}

pub fn test_message(lang: Lang, base_url: &str) -> Result<Rendered, AppError> {
    let t = lang.t();
    let requested_at = dates::datetime(Utc::now(), lang);
    templates::render(
        t.get("email.test.subject").to_owned(),
        &TestText {
            t,
            base_url,
            requested_at: requested_at.clone(),
        },
        &TestHtml {
            t,
            base_url,
            requested_at,
        },
    )
}
