//! The mentoring pages: the public mentor directory and mentor and project pages
//! (`/mentorat…`), and the portal's mentoring space (`/espace/mentorat…`): the dashboard of
//! mentors and startups, the profile and project forms, one mentorship's page.
//!
//! A handler reads its input, calls one service function and renders. Forms post to their own
//! path and come back (303) with a confirmation; a form the service refuses is shown again with
//! its messages in the visitor's language and the typed values (409 or 422), nothing written.

mod dashboard;
mod directory;
mod mentorship;
mod profile;
mod projects;

use actix_web::web;
use chrono::{DateTime, NaiveDateTime, Utc};

use super::model::Mentor;
use super::service::MentorView;
use crate::error::AppError;
use crate::web::forms::message_key;
use crate::web::{Lang, Translator, dates};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/mentorat").route(web::get().to(directory::index)))
        .service(web::resource("/mentorat/mentors/{slug}").route(web::get().to(directory::mentor)))
        .service(
            web::resource("/mentorat/mentors/{slug}/demander")
                .route(web::post().to(directory::request)),
        )
        .service(web::resource("/mentorat/projets/{slug}").route(web::get().to(directory::project)))
        .service(web::resource("/espace/mentorat").route(web::get().to(dashboard::show)))
        .service(
            web::resource("/espace/mentorat/profil")
                .route(web::get().to(profile::form))
                .route(web::post().to(profile::save)),
        )
        .service(
            web::resource("/espace/mentorat/projets/nouveau")
                .route(web::get().to(projects::new_form))
                .route(web::post().to(projects::create)),
        )
        .service(
            web::resource("/espace/mentorat/projets/{id:\\d+}/modifier")
                .route(web::get().to(projects::edit_form))
                .route(web::post().to(projects::update)),
        )
        .service(
            web::resource("/espace/mentorat/projets/{id:\\d+}/statut")
                .route(web::post().to(projects::set_status)),
        )
        .service(web::resource("/espace/mentorat/{id:\\d+}").route(web::get().to(mentorship::show)))
        .service(
            web::resource("/espace/mentorat/{id:\\d+}/{action}")
                .route(web::post().to(mentorship::act)),
        );
}

/// The languages a mentor or a project may name, in the order the forms show them.
pub const LANGUAGES: [&str; 6] = ["fr", "en", "de", "es", "it", "nl"];

/// One option of a select, a radio group or a group of checkboxes.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

impl Choice {
    fn of(value: &str, label: &str, selected: bool) -> Self {
        Self {
            value: value.to_owned(),
            label: label.to_owned(),
            selected,
        }
    }
}

/// A theme with a level (a mentor's expertise) or a weight (a project's need).
pub struct Chip {
    pub slug: String,
    pub label: String,
    /// The words of the level: « Expert·e », « Essentiel ».
    pub level: String,
}

/// Expertise (`need = false`) or needs, in the visitor's language.
pub fn chips(rows: &[(String, String, String, i32)], need: bool, lang: Lang) -> Vec<Chip> {
    let t = lang.t();
    let kind = if need { "need" } else { "level" };
    rows.iter()
        .map(|(slug, fr, en, level)| Chip {
            slug: slug.clone(),
            label: if lang == Lang::En { en } else { fr }.clone(),
            level: t
                .get(&format!("mentoring.{kind}.{}", level.clamp(&1, &3)))
                .to_owned(),
        })
        .collect()
}

/// Language names joined: « français, anglais ».
pub fn language_names(codes: &[String], t: Translator) -> String {
    codes
        .iter()
        .map(|code| {
            if LANGUAGES.contains(&code.as_str()) {
                t.get(&format!("mentoring.languages.{code}")).to_owned()
            } else {
                code.to_uppercase()
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Up to two initials of a person's name, for the avatar of a card.
pub fn initials(name: &str) -> String {
    let words: Vec<&str> = name
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let out: String = match words.as_slice() {
        [] => "?".into(),
        [one] => one.chars().take(2).collect(),
        [first, .., last] => first.chars().take(1).chain(last.chars().take(1)).collect(),
    };
    out.to_uppercase()
}

/// A time of day from minutes after midnight: « 14 h 00 », "2:00 pm".
pub fn clock(minutes: i32, lang: Lang) -> String {
    let (h, m) = (minutes / 60, minutes % 60);
    match lang {
        Lang::Fr => format!("{h}\u{a0}h\u{a0}{m:02}"),
        Lang::En => {
            let (h12, suffix) = match h {
                0 | 24 => (12, "am"),
                1..=11 => (h, "am"),
                12 => (12, "pm"),
                _ => (h - 12, "pm"),
            };
            format!("{h12}:{m:02}\u{a0}{suffix}")
        }
    }
}

/// A weekly slot: « jeudi, 14 h 00 – 16 h 30 ».
pub fn slot_text(weekday: i32, start: i32, end: i32, lang: Lang) -> String {
    let day = lang
        .t()
        .get(&format!("mentoring.weekdays.{}", weekday.clamp(1, 7)));
    format!("{day}, {}\u{a0}– {}", clock(start, lang), clock(end, lang))
}

/// `HH:MM`, as a time input holds it.
pub fn hhmm(minutes: i32) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// « jeudi 12 mars 2026 ».
pub fn day_of(at: NaiveDateTime, lang: Lang) -> String {
    dates::date(DateTime::<Utc>::from_naive_utc_and_offset(at, Utc), lang)
}

/// « jeudi 12 mars 2026, 18 h 30 ».
pub fn moment(at: NaiveDateTime, lang: Lang) -> String {
    dates::datetime(DateTime::<Utc>::from_naive_utc_and_offset(at, Utc), lang)
}

/// What a mentor's card says of their availability, in words (never by colour alone).
pub struct Availability {
    pub text: String,
    pub class: &'static str,
}

impl Availability {
    pub fn of(mentor: &Mentor, t: Translator) -> Self {
        if mentor.paused {
            Self {
                text: t.get("mentoring.badge.paused").to_owned(),
                class: "tag-warning",
            }
        } else if mentor.places_left() == 0 {
            Self {
                text: t.get("mentoring.badge.full").to_owned(),
                class: "tag-danger",
            }
        } else if mentor.places_left() == 1 {
            Self {
                text: t.get("mentoring.badge.one_place").to_owned(),
                class: "tag-ok",
            }
        } else {
            Self {
                text: t
                    .get("mentoring.badge.places")
                    .replace("{n}", &mentor.places_left().to_string()),
                class: "tag-ok",
            }
        }
    }
}

/// A mentor as the directory and the suggestions show them.
pub struct MentorCard {
    pub href: String,
    pub slug: String,
    pub name: String,
    pub initials: String,
    pub headline: String,
    pub organization: Option<String>,
    pub expertise: Vec<Chip>,
    pub languages: String,
    pub availability: Availability,
    pub available: bool,
}

impl MentorCard {
    pub fn new(v: &MentorView, lang: Lang) -> Self {
        let t = lang.t();
        Self {
            href: format!("/mentorat/mentors/{}", v.mentor.slug),
            slug: v.mentor.slug.clone(),
            initials: initials(&v.name),
            name: v.name.clone(),
            headline: v.mentor.headline.clone(),
            organization: v.organization.as_ref().map(|o| o.name.clone()),
            expertise: chips(&v.expertise, false, lang),
            languages: language_names(&v.mentor.language_list(), t),
            availability: Availability::of(&v.mentor, t),
            available: v.mentor.available(),
        }
    }
}

/// The tag of a mentorship's status: its words and its colour.
pub struct Status {
    pub key: String,
    pub class: &'static str,
}

impl Status {
    pub fn of(status: &str) -> Self {
        Self {
            key: format!("mentoring.status.{status}"),
            class: match status {
                "pending" => "tag-warning",
                "active" => "tag-ok",
                "completed" => "tag-current",
                "declined" | "expired" => "tag-danger",
                _ => "",
            },
        }
    }

    pub fn of_project(status: &str) -> Self {
        Self {
            key: format!("mentoring.project_status.{status}"),
            class: match status {
                "open" => "tag-ok",
                "matched" => "tag-current",
                _ => "",
            },
        }
    }
}

/// The catalog key of a message the services give for a refused step (they speak English to
/// API clients).
fn refusal_key(message: &str) -> &'static str {
    let m = message.to_ascii_lowercase();
    let table: [(&str, &str); 24] = [
        ("paused mentoring", "paused"),
        ("mentoring is paused", "accept_paused"),
        ("no place left", "full"),
        ("your capacity", "accept_full"),
        ("pending requests", "too_many_pending"),
        ("already linked", "linked"),
        ("takes no new mentor", "project_not_open"),
        ("suspended startup", "suspended"),
        ("own organization", "same_organization"),
        ("your own mentor", "self"),
        ("ask mentors for its projects", "not_member"),
        ("no such project", "no_project"),
        ("no such mentor", "no_mentor"),
        ("can no longer be answered", "answered"),
        ("already has a mentor", "project_taken"),
        ("only an active one can end", "not_active"),
        ("logged while it is active", "not_active"),
        ("once it has ended", "not_completed"),
        ("already given its feedback", "feedback_given"),
        ("cannot go below", "capacity_below"),
        ("it cannot become", "status_change"),
        ("create your mentor profile", "no_profile"),
        ("verify your email", "unverified"),
        ("join an active startup", "no_startup"),
    ];
    table
        .iter()
        .find(|(needle, _)| m.contains(needle))
        .map(|(_, key)| *key)
        .unwrap_or("generic")
}

/// A refused step, told in the visitor's language: the first message of the error.
pub fn refusal(e: &AppError, t: Translator) -> String {
    let message = match e {
        AppError::Conflict(m) | AppError::Forbidden(m) => m.clone(),
        AppError::Validation(errors) => errors
            .values()
            .flatten()
            .next()
            .cloned()
            .unwrap_or_default(),
        _ => String::new(),
    };
    let key = refusal_key(&message);
    if key == "generic"
        && let AppError::Validation(errors) = e
        && let Some(m) = errors.values().flatten().next()
    {
        return field_message(m, t);
    }
    t.get(&format!("mentoring.errors.{key}")).to_owned()
}

/// A field's message from the services, in the visitor's language.
pub fn field_message(message: &str, t: Translator) -> String {
    let m = message.to_ascii_lowercase();
    let table: [(&str, &str); 19] = [
        ("at least one theme", "at_least_one_theme"),
        ("themes", "too_many_themes"),
        ("level of", "level"),
        ("unknown theme", "unknown_theme"),
        ("iso 639-1", "language_code"),
        ("at least one language", "at_least_one_language"),
        ("at most 6 languages", "too_many_languages"),
        ("must be among", "stages"),
        ("between 0 and", "capacity"),
        ("overlap", "slot_overlap"),
        ("is not a slot", "slot_invalid"),
        ("slots", "too_many_slots"),
        ("organization you belong to", "organization_not_yours"),
        ("active startup you belong to", "startup_not_yours"),
        ("which of your startups", "startup_required"),
        ("date and time", "held_at"),
        ("between 5 and 600", "minutes"),
        ("between 1 and 5", "rating"),
        ("must be a whole number", "number"),
    ];
    match table.iter().find(|(needle, _)| m.contains(needle)) {
        Some((_, key)) => t.get(&format!("mentoring.errors.{key}")).to_owned(),
        None => {
            let key = refusal_key(message);
            if key == "generic" {
                t.get(message_key(message)).to_owned()
            } else {
                t.get(&format!("mentoring.errors.{key}")).to_owned()
            }
        }
    }
}

/// The HTTP status of a form shown again after a refusal.
pub fn refusal_status(e: &AppError) -> actix_web::http::StatusCode {
    use actix_web::http::StatusCode;
    match e {
        AppError::Conflict(_) => StatusCode::CONFLICT,
        AppError::Forbidden(_) => StatusCode::FORBIDDEN,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    }
}

/// Whether an error is a refusal a page shows in its own alert (the rest become error pages).
pub fn is_refusal(e: &AppError) -> bool {
    matches!(
        e,
        AppError::Conflict(_) | AppError::Validation(_) | AppError::Forbidden(_)
    )
}

/// A form with no field but its CSRF token.
#[derive(serde::Deserialize)]
pub struct NoFields {}

/// The values of repeated fields (`languages=fr&languages=en`).
pub fn all_of(pairs: &[(String, String)], name: &str) -> Vec<String> {
    pairs
        .iter()
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .collect()
}

/// The first value of a field, or "".
pub fn one_of(pairs: &[(String, String)], name: &str) -> String {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_and_initials_read_well() {
        assert_eq!(
            slot_text(4, 14 * 60, 16 * 60 + 30, Lang::Fr),
            "jeudi, 14\u{a0}h\u{a0}00\u{a0}– 16\u{a0}h\u{a0}30"
        );
        assert_eq!(
            slot_text(1, 9 * 60, 12 * 60, Lang::En),
            "Monday, 9:00\u{a0}am\u{a0}– 12:00\u{a0}pm"
        );
        assert_eq!(initials("Claire Dubois-Martin"), "CM");
        assert_eq!(initials("Léa"), "LÉ");
    }

    #[test]
    fn refusals_are_translated() {
        let t = Lang::Fr.t();
        let e =
            AppError::Conflict("This mentor has paused mentoring and takes no request now.".into());
        assert!(refusal(&e, t).contains("pause"), "{}", refusal(&e, t));
        assert_eq!(refusal_status(&e), actix_web::http::StatusCode::CONFLICT);
    }
}
