//! The organizers' agenda editor: `/espace/evenements/{id}/programme` lists the sessions and
//! adds, changes (`?session=…`) or removes them. The rules are the agenda's (times within the
//! event, a room and speakers in one place at a time); a conflict is shown in the page's
//! language, naming the other item.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::NaiveDateTime;
use chrono_tz::Europe::Paris;
use serde::Deserialize;

use super::agenda::{self, SessionInput, SessionView};
use super::service;
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::auth::csrf::CsrfForm;
use crate::error::AppError;
use crate::web::forms::FormState;
use crate::web::respond::or_sign_in as signed_in;
use crate::web::{Lang, Layout, Translator, dates, respond};

type Page = Result<HttpResponse, AppError>;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/espace/evenements/{id}/programme")
            .route(web::get().to(show))
            .route(web::post().to(save)),
    )
    .service(
        web::resource("/espace/evenements/{id}/programme/{sid}/suppression")
            .route(web::post().to(remove)),
    );
}

const FIELDS: [&str; 5] = ["title", "starts_at", "ends_at", "room_id", "speakers"];

/// A time as a `datetime-local` input shows it, in Paris time.
fn local_input(at: NaiveDateTime) -> String {
    at.and_utc()
        .with_timezone(&Paris)
        .format("%Y-%m-%dT%H:%M")
        .to_string()
}

pub struct Line {
    pub id: i64,
    pub when: String,
    pub title: String,
    pub room: String,
    pub speakers: String,
}

pub struct RoomChoice {
    pub id: i64,
    pub label: String,
}

/// The form as typed (or as the session being changed is).
#[derive(Default, Deserialize)]
pub struct SessionForm {
    #[serde(default)]
    session_id: Option<i64>,
    #[serde(default)]
    title: String,
    #[serde(default)]
    starts_at: String,
    #[serde(default)]
    ends_at: String,
    #[serde(default)]
    room_id: String,
    /// One name a line.
    #[serde(default)]
    speakers: String,
}

impl SessionForm {
    fn input(&self) -> (SessionInput, Option<&'static str>) {
        let room_id = match self.room_id.trim() {
            "" => Ok(None),
            raw => raw.parse::<i64>().map(Some),
        };
        let speakers = self
            .speakers
            .lines()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        let input = SessionInput {
            title: self.title.clone(),
            starts_at: self.starts_at.clone(),
            ends_at: self.ends_at.clone(),
            room_id: room_id.clone().unwrap_or(None),
            speakers,
        };
        (input, room_id.is_err().then_some("room_id"))
    }

    fn of(v: &SessionView) -> Self {
        Self {
            session_id: Some(v.session.id),
            title: v.session.title.clone(),
            starts_at: local_input(v.session.starts_at),
            ends_at: local_input(v.session.ends_at),
            room_id: v.session.room_id.map(|r| r.to_string()).unwrap_or_default(),
            speakers: v.speakers.join("\n"),
        }
    }
}

#[derive(Template)]
#[template(path = "events/programme.html")]
struct ProgrammePage {
    layout: Layout,
    t: Translator,
    id: i64,
    title: String,
    slug: String,
    when: String,
    lines: Vec<Line>,
    rooms: Vec<RoomChoice>,
    form: FormState,
    given: SessionForm,
    /// A conflict, in words, naming the other item.
    conflict: Option<String>,
    notice: Option<String>,
}

#[derive(Deserialize)]
pub struct ShowQuery {
    #[serde(default)]
    session: Option<i64>,
    #[serde(default)]
    ok: String,
}

/// The conflict of the agenda's rules in the page's language: the service names the other
/// item between « » in English; the page says the same in French or English.
fn conflict_text(t: Translator, why: &str) -> String {
    let quoted: Vec<&str> = why
        .split('«')
        .skip(1)
        .filter_map(|part| part.split('»').next())
        .map(str::trim)
        .collect();
    let key = if why.contains("already speaks") {
        "programme.conflict_speaker"
    } else if why.contains("by the session") {
        "programme.conflict_room_session"
    } else if why.contains("by the event") {
        "programme.conflict_room_event"
    } else {
        return why.to_owned();
    };
    let mut text = t.get(key).to_owned();
    for (i, q) in quoted.iter().enumerate() {
        text = text.replace(&format!("{{{i}}}"), q);
    }
    text
}

#[allow(clippy::too_many_arguments)]
async fn render(
    req: &HttpRequest,
    lang: Lang,
    state: &AppState,
    me: &CurrentUser,
    id: i64,
    form: FormState,
    given: Option<SessionForm>,
    editing: Option<i64>,
    conflict: Option<String>,
    notice: Option<&str>,
) -> Page {
    let (event, _) = service::get(&state.db, Some(me), id).await?;
    // Only organizers edit the agenda (and its editor shows nothing to others).
    let sessions = agenda::list(&state.db, Some(me), id).await?;
    if !service::is_organizer(&state.db, me, &event).await? {
        return Err(AppError::Forbidden(
            "Only the event's organizers can do this.".into(),
        ));
    }
    let given = match (given, editing) {
        (Some(g), _) => g,
        (None, Some(sid)) => sessions
            .iter()
            .find(|v| v.session.id == sid)
            .map(SessionForm::of)
            .ok_or(AppError::NotFound)?,
        (None, None) => SessionForm {
            starts_at: local_input(event.starts_at),
            ends_at: local_input(event.ends_at),
            ..SessionForm::default()
        },
    };
    let venues = service::venues(&state.db).await?;
    let rooms = venues
        .into_iter()
        .flat_map(|(v, rooms)| {
            rooms.into_iter().map(move |r| RoomChoice {
                id: r.id,
                label: format!("{} — {}", v.name, r.name),
            })
        })
        .collect();
    let t = lang.t();
    let status = if conflict.is_some() {
        StatusCode::CONFLICT
    } else if form.has_errors() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = ProgrammePage {
        layout: Layout::new(
            req,
            lang,
            &format!("{} · {} · Quai", t.get("programme.title"), event.title),
            t.get("programme.lead"),
        ),
        t,
        id,
        lines: sessions
            .into_iter()
            .map(|v| Line {
                id: v.session.id,
                when: format!(
                    "{} – {}",
                    dates::datetime(v.session.starts_at.and_utc(), lang),
                    dates::time(v.session.ends_at.and_utc(), lang)
                ),
                title: v.session.title,
                room: v
                    .place
                    .map(|p| format!("{}, {}", p.room, p.venue))
                    .unwrap_or_default(),
                speakers: v.speakers.join(", "),
            })
            .collect(),
        rooms,
        form,
        given,
        conflict,
        notice: notice.map(|k| t.get(k).to_owned()),
        title: event.title,
        slug: event.slug,
        when: dates::datetime(event.starts_at.and_utc(), lang),
    };
    respond::html(status, &page, true)
}

fn here(id: i64) -> String {
    format!("/espace/evenements/{id}/programme")
}

/// `GET /espace/evenements/{id}/programme` (`?session=…` to change one)
pub async fn show(
    req: HttpRequest,
    lang: Lang,
    me: Result<CurrentUser, AppError>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    query: web::Query<ShowQuery>,
) -> Page {
    let id = id.into_inner();
    let me = match signed_in(me, &here(id)) {
        Ok(me) => me,
        Err(page) => return page,
    };
    let notice = match query.ok.as_str() {
        "ajoutee" => Some("programme.added"),
        "modifiee" => Some("programme.changed"),
        "supprimee" => Some("programme.removed"),
        _ => None,
    };
    let form = FormState::new("session");
    render(
        &req,
        lang,
        &state,
        &me,
        id,
        form,
        None,
        query.session,
        None,
        notice,
    )
    .await
}

/// `POST /espace/evenements/{id}/programme`: adds a session, or changes `session_id`.
pub async fn save(
    req: HttpRequest,
    lang: Lang,
    me: Result<CurrentUser, AppError>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: CsrfForm<SessionForm>,
) -> Page {
    let id = id.into_inner();
    let me = match signed_in(me, &here(id)) {
        Ok(me) => me,
        Err(page) => return page,
    };
    let given = form.0;
    let (input, bad_room) = given.input();
    let done = match bad_room {
        Some(field) => Err(AppError::validation(field, "no such room")),
        None => match given.session_id {
            Some(sid) => agenda::update(&state.db, &me, id, sid, input).await,
            None => agenda::create(&state.db, &me, id, input).await,
        },
    };
    let ok = if given.session_id.is_some() {
        "modifiee"
    } else {
        "ajoutee"
    };
    match done {
        Ok(_) => Ok(respond::see_other(&format!("{}?ok={ok}", here(id)))),
        Err(AppError::Validation(errors)) => {
            // One speaker's problem (`speakers[2]`) is the speakers field's.
            let mut merged = crate::error::FieldErrors::new();
            for (field, messages) in errors {
                let field = if field.starts_with("speakers[") {
                    "speakers".to_owned()
                } else {
                    field
                };
                merged.entry(field).or_default().extend(messages);
            }
            let t = lang.t();
            let form = FormState::with_messages("session", &merged, &FIELDS, |m| {
                super::office::message(t, m)
            });
            let editing = given.session_id;
            render(
                &req,
                lang,
                &state,
                &me,
                id,
                form,
                Some(given),
                editing,
                None,
                None,
            )
            .await
        }
        Err(AppError::Conflict(why)) => {
            let text = conflict_text(lang.t(), &why);
            let editing = given.session_id;
            let form = FormState::new("session");
            render(
                &req,
                lang,
                &state,
                &me,
                id,
                form,
                Some(given),
                editing,
                Some(text),
                None,
            )
            .await
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
pub struct NoFields {}

/// `POST /espace/evenements/{id}/programme/{sid}/suppression`
pub async fn remove(
    me: Result<CurrentUser, AppError>,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
    _form: CsrfForm<NoFields>,
) -> Page {
    let (id, sid) = path.into_inner();
    let me = match signed_in(me, &here(id)) {
        Ok(me) => me,
        Err(page) => return page,
    };
    agenda::delete(&state.db, &me, id, sid).await?;
    Ok(respond::see_other(&format!("{}?ok=supprimee", here(id))))
}

#[cfg(test)]
mod tests {
    use super::conflict_text;
    use crate::web::Lang;

    #[test]
    fn conflicts_are_said_in_the_page_language_with_the_other_item() {
        let fr = conflict_text(
            Lang::Fr.t(),
            "« Élodie Martin » already speaks at that time in the session « Ouverture » of « Demo day » (session 4).",
        );
        assert!(
            fr.contains("Élodie Martin") && fr.contains("Ouverture") && fr.contains("Demo day"),
            "{fr}"
        );
        assert!(!fr.contains("already"), "{fr}");
        let en = conflict_text(
            Lang::En.t(),
            "The room is already booked at that time by the event « Atelier » (event 2).",
        );
        assert!(en.contains("Atelier") && en.contains("room"), "{en}");
    }
}
