//! Forms of the portal: the errors of a form, translated, in the order of its fields.
//!
//! Services speak English to API clients (`"is required"`); [`message_key`] finds the catalog
//! key of each message so that a page shows it in the visitor's language.

use crate::error::FieldErrors;
use crate::web::Translator;

/// The errors of one form, translated, and how its fields are named in the page.
pub struct FormState {
    /// Makes field ids unique when a page holds several forms.
    prefix: &'static str,
    /// Field → messages, in the order of the form.
    fields: Vec<(String, Vec<String>)>,
    /// An error about the whole form (wrong password at sign-in, a used link…).
    pub general: Option<String>,
}

impl FormState {
    pub fn new(prefix: &'static str) -> Self {
        Self {
            prefix,
            fields: Vec::new(),
            general: None,
        }
    }

    /// The service's field errors, in the visitor's language and in the order of the form's
    /// `fields`. Errors about the link itself (`token`) concern no field: they become the
    /// general error.
    pub fn with_errors(
        prefix: &'static str,
        t: Translator,
        errors: &FieldErrors,
        fields: &[&str],
    ) -> Self {
        Self::with_messages(prefix, errors, fields, |m| t.get(message_key(m)).to_owned())
    }

    /// [`FormState::with_errors`] with a feature's own wording of the service's messages.
    pub fn with_messages(
        prefix: &'static str,
        errors: &FieldErrors,
        fields: &[&str],
        translate: impl Fn(&str) -> String,
    ) -> Self {
        let mut state = Self::new(prefix);
        for (field, messages) in errors {
            let translated: Vec<String> = messages.iter().map(|m| translate(m)).collect();
            if field == "token" {
                state.general = translated.into_iter().next();
            } else {
                state.fields.push((field.clone(), translated));
            }
        }
        state
            .fields
            .sort_by_key(|(field, _)| fields.iter().position(|f| f == field).unwrap_or(usize::MAX));
        state
    }

    pub fn with_general(prefix: &'static str, message: String) -> Self {
        Self {
            general: Some(message),
            ..Self::new(prefix)
        }
    }

    /// The id of a field's input: `new-password`, or `mdp-new-password` with a prefix.
    pub fn id(&self, field: &str) -> String {
        let field = field.replace('_', "-");
        if self.prefix.is_empty() {
            field
        } else {
            format!("{}-{field}", self.prefix)
        }
    }

    pub fn invalid(&self, field: &str) -> bool {
        self.fields.iter().any(|(f, _)| f == field)
    }

    pub fn messages(&self, field: &str) -> &[String] {
        self.fields
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, messages)| messages.as_slice())
            .unwrap_or_default()
    }

    /// The ids an input's `aria-describedby` names: its hint and its error, when present.
    pub fn describedby(&self, field: &str, hint: bool) -> String {
        let id = self.id(field);
        let mut ids = Vec::new();
        if hint {
            ids.push(format!("{id}-hint"));
        }
        if self.invalid(field) {
            ids.push(format!("{id}-error"));
        }
        ids.join(" ")
    }

    pub fn has_errors(&self) -> bool {
        self.general.is_some() || !self.fields.is_empty()
    }

    /// (input id, message) for the error summary at the top of the form.
    pub fn summary(&self) -> Vec<(String, String)> {
        self.fields
            .iter()
            .flat_map(|(field, messages)| messages.iter().map(move |m| (self.id(field), m.clone())))
            .collect()
    }
}

/// The catalog key for a message of the account services (which speak English to API clients).
pub fn message_key(message: &str) -> &'static str {
    let m = message.to_ascii_lowercase();
    if m.contains("not a valid email") {
        "accounts.errors.email_invalid"
    } else if m.contains("254 characters") {
        "accounts.errors.email_too_long"
    } else if m.contains("1 to 80 characters") {
        "accounts.errors.name_length"
    } else if m.starts_with("use at least") {
        "accounts.errors.password_too_short"
    } else if m.starts_with("use at most") {
        "accounts.errors.password_too_long"
    } else if m.contains("too common") || m.contains("easy to guess") {
        "accounts.errors.password_weak"
    } else if m.contains("startup_founder") {
        "accounts.errors.kind_required"
    } else if m.contains("invalid, used or expired") {
        "accounts.errors.link_invalid"
    } else if m.contains("not your current password") {
        "accounts.errors.current_password_wrong"
    } else if m.contains("already your address") {
        "accounts.errors.email_same"
    } else if m == "is required" {
        "accounts.errors.required"
    } else if m.starts_with("must be at most") {
        "accounts.errors.too_long"
    } else if m.contains("control characters") {
        "accounts.errors.control_characters"
    } else if m.starts_with("unknown themes") {
        "accounts.errors.unknown_themes"
    } else if m.starts_with("must be one of") || m.starts_with("must be all, startups") {
        "accounts.errors.choice"
    } else if m.contains("explain what to change") {
        "accounts.errors.note_required"
    } else {
        "accounts.errors.invalid"
    }
}
