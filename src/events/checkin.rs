//! At the door and in the organizers' office: the ticket's QR code, check-in by code, the
//! roster of an event (every registration, in the waiting line's order, with attendance) and
//! its CSV export — cells that a spreadsheet would read as a formula are neutralised.

use chrono::{NaiveDateTime, Utc};
use chrono_tz::Europe::Paris;
use serde_json::json;

use super::model::{self, CANCELLED, CONFIRMED, Event, OFFERED, PENDING_APPROVAL, WAITLISTED};
use super::service::{RegistrationView, require_organizer, view};
use crate::auth::CurrentUser;
use crate::auth::model as auth_model;
use crate::config::Settings;
use crate::db::{self, Pool, dialect};
use crate::error::AppError;

/// The address a ticket's QR code opens: the event's check-in page on this code.
pub fn ticket_url(settings: &Settings, event_id: i64, code: &str) -> String {
    format!(
        "{}/espace/evenements/{event_id}/accueil?code={code}",
        settings.base_url.as_str().trim_end_matches('/')
    )
}

/// The ticket's QR code as an SVG image.
pub fn ticket_svg(settings: &Settings, event_id: i64, code: &str) -> String {
    let url = ticket_url(settings, event_id, code);
    match qrcode::QrCode::with_error_correction_level(url.as_bytes(), qrcode::EcLevel::M) {
        Ok(qr) => qr
            .render::<qrcode::render::svg::Color<'_>>()
            .min_dimensions(240, 240)
            .quiet_zone(true)
            .build(),
        // A URL of a few dozen bytes always fits; the code alone is the fallback.
        Err(_) => format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 200 40\"><text x=\"10\" y=\"28\">{code}</text></svg>"
        ),
    }
}

/// How many people are in each state, and how many came.
#[derive(Clone, Debug, Default, serde::Serialize, utoipa::ToSchema)]
pub struct Counts {
    pub confirmed: i64,
    pub offered: i64,
    pub waitlisted: i64,
    pub pending_approval: i64,
    pub cancelled: i64,
    /// Confirmed people marked present.
    pub checked_in: i64,
}

/// An event's registrations for its organizers.
pub struct Roster {
    pub event: Event,
    pub rows: Vec<RegistrationView>,
    pub counts: Counts,
}

/// Whether a registration matches a search: its code, or words of its name or address.
fn matches(r: &model::Registration, query: &str) -> bool {
    let q = query.trim().to_lowercase();
    if q.is_empty() {
        return true;
    }
    r.code.eq_ignore_ascii_case(&q)
        || q.split_whitespace()
            .all(|w| r.name.to_lowercase().contains(w) || r.email.contains(w))
}

/// The roster (organizers): every registration, optionally those matching `query`, in the
/// order of the line, with each waiting person's place.
pub async fn roster(
    pool: &Pool,
    me: &CurrentUser,
    event_id: i64,
    query: Option<String>,
) -> Result<Roster, AppError> {
    let me = me.clone();
    db::run(pool, move |conn| {
        let event = model::find_event(conn, event_id)?;
        require_organizer(conn, &me, &event)?;
        let all = model::roster(conn, event_id)?;
        let mut counts = Counts::default();
        let mut place = 0;
        let mut rows = Vec::new();
        for r in all {
            match r.status.as_str() {
                CONFIRMED => counts.confirmed += 1,
                OFFERED => counts.offered += 1,
                WAITLISTED => counts.waitlisted += 1,
                PENDING_APPROVAL => counts.pending_approval += 1,
                CANCELLED => counts.cancelled += 1,
                _ => {}
            }
            if r.checked_in_at.is_some() && r.status == CONFIRMED {
                counts.checked_in += 1;
            }
            let position = (r.status == WAITLISTED).then(|| {
                place += 1;
                place
            });
            if query.as_deref().is_none_or(|q| matches(&r, q)) {
                rows.push(RegistrationView {
                    registration: r,
                    position,
                });
            }
        }
        Ok(Roster {
            event,
            rows,
            counts,
        })
    })
    .await
}

/// What a check-in does: mark present, or take it back.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    Present,
    Undo,
}

/// Marks the registration with this code present (organizers). 404 for a code not of this
/// event, 409 for someone without a seat or already marked (saying when).
pub async fn check_in(
    pool: &Pool,
    me: &CurrentUser,
    event_id: i64,
    code: &str,
    mark: Mark,
) -> Result<RegistrationView, AppError> {
    let code = code.trim().to_uppercase();
    if code.is_empty() || code.len() > 16 {
        return Err(AppError::validation("code", "type the code of the ticket"));
    }
    let me = me.clone();
    db::run(pool, move |conn| {
        dialect::write_transaction(conn, |conn| {
            let event = model::find_event(conn, event_id)?;
            require_organizer(conn, &me, &event)?;
            let r = model::by_code(conn, event_id, &code)?.ok_or(AppError::NotFound)?;
            let now = Utc::now().naive_utc();
            match mark {
                Mark::Present => {
                    if !model::check_in(conn, r.id, now)? {
                        return Err(AppError::Conflict(match r.checked_in_at {
                            Some(at) => format!("Already checked in at {}.", paris_time(at)),
                            None => format!("This registration is {}: no seat.", r.status),
                        }));
                    }
                }
                Mark::Undo => {
                    if !model::undo_check_in(conn, r.id, now)? {
                        return Err(AppError::Conflict("Not checked in.".into()));
                    }
                }
            }
            auth_model::audit(
                conn,
                if mark == Mark::Present {
                    "event_check_in"
                } else {
                    "event_check_in_undone"
                },
                Some(me.user_id),
                None,
                "",
                json!({ "event": event_id, "registration": r.id }),
                now,
            )?;
            let r = model::find_registration(conn, r.id)?;
            view(conn, r)
        })
    })
    .await
}

fn paris_time(at: NaiveDateTime) -> String {
    at.and_utc()
        .with_timezone(&Paris)
        .format("%H:%M")
        .to_string()
}

fn paris(at: Option<NaiveDateTime>) -> String {
    at.map(|at| {
        at.and_utc()
            .with_timezone(&Paris)
            .format("%Y-%m-%d %H:%M")
            .to_string()
    })
    .unwrap_or_default()
}

/// One CSV cell: quoted, and a leading `=`, `+`, `-`, `@`, tab or carriage return (which a
/// spreadsheet would run as a formula) neutralised by an apostrophe.
pub fn cell(value: &str) -> String {
    let risky = value.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let value = if risky {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    format!("\"{}\"", value.replace('"', "\"\""))
}

/// The roster as CSV (UTF-8 with a byte-order mark, so that spreadsheets read the accents),
/// times in Paris time.
pub fn csv(roster: &Roster) -> String {
    let mut out = String::from("\u{feff}");
    let header = [
        "code",
        "nom",
        "email",
        "statut",
        "place en attente",
        "inscrit le",
        "confirmé le",
        "présent à",
    ];
    out.push_str(&header.map(cell).join(","));
    out.push_str("\r\n");
    for row in &roster.rows {
        let r = &row.registration;
        let line = [
            cell(&r.code),
            cell(&r.name),
            cell(&r.email),
            cell(&r.status),
            cell(&row.position.map(|p| p.to_string()).unwrap_or_default()),
            cell(&paris(Some(r.created_at))),
            cell(&paris(r.confirmed_at)),
            cell(&paris(r.checked_in_at)),
        ];
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn formulas_are_neutralised_and_quotes_doubled() {
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(cell("+33 6"), "\"'+33 6\"");
        assert_eq!(cell("-2"), "\"'-2\"");
        assert_eq!(cell("@SUM(A1)"), "\"'@SUM(A1)\"");
        assert_eq!(cell("Zoé Durand"), "\"Zoé Durand\"");
        assert_eq!(cell("a=b"), "\"a=b\"");
    }
}
