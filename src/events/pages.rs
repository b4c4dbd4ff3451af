//! The events' pages: `/evenements` (upcoming events by month, filtered by theme), `/evenements/{slug}` (an event, its seats
//! and the registration button), and `/inscriptions?jeton=…` (a registration opened from an
//! email, cancelled without signing in).

use std::sync::Arc;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::admission::{self, GuestInput};
use super::checkin;
use super::service::{self, Canceller};
use crate::app::AppState;
use crate::auth::csrf::CsrfForm;
use crate::auth::{AuthState, CurrentUser, MaybeUser};
use crate::error::AppError;
use crate::web::forms::FormState;
use crate::web::pagination::PageRequest;
use crate::web::{Lang, Layout, Translator, dates, markdown, respond};

type Page = Result<HttpResponse, AppError>;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/evenements").route(web::get().to(index)))
        .service(web::resource("/evenements/{slug}").route(web::get().to(show)))
        .service(web::resource("/evenements/{slug}/inscription").route(web::post().to(register)))
        .service(web::resource("/inscriptions").route(web::get().to(manage)))
        .service(web::resource("/evenements/{slug}/annulation").route(web::post().to(cancel_mine)))
        .service(web::resource("/inscriptions/{action}").route(web::post().to(by_link)))
        .service(web::resource("/events.ics").route(web::get().to(feed)));
}

fn when(at: chrono::NaiveDateTime, lang: Lang) -> String {
    dates::datetime(DateTime::<Utc>::from_naive_utc_and_offset(at, Utc), lang)
}

pub struct Card {
    pub href: String,
    pub title: String,
    pub when: String,
    pub summary: String,
    pub place: String,
    pub seats_left: i32,
    pub themes: Vec<(String, String)>,
}

/// The events of one month, under its heading (« décembre 2026 »).
pub struct Month {
    pub heading: String,
    pub cards: Vec<Card>,
}

/// Events a page of the calendar shows.
const PER_PAGE: i64 = 12;

#[derive(Template)]
#[template(path = "events/index.html")]
struct IndexPage {
    layout: Layout,
    t: Translator,
    months: Vec<Month>,
    /// The theme chips: (href, label, current).
    chips: Vec<(String, String, bool)>,
    /// The chosen theme's label, if a known one is chosen.
    theme: Option<String>,
    feed_href: String,
    previous: Option<String>,
    next: Option<String>,
}

/// `/evenements` with its theme and page.
fn index_href(theme: Option<&str>, page: i64) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    if let Some(theme) = theme {
        query.append_pair("theme", theme);
    }
    if page > 1 {
        query.append_pair("page", &page.to_string());
    }
    let query = query.finish();
    if query.is_empty() {
        "/evenements".into()
    } else {
        format!("/evenements?{query}")
    }
}

/// The calendar's address: unknown themes and page numbers that are not ones are ignored
/// rather than refused (a page must always answer).
#[derive(Default, Deserialize)]
pub struct IndexQuery {
    #[serde(default)]
    theme: String,
    #[serde(default)]
    page: String,
}

/// `GET /evenements?theme=…&page=…`: upcoming published events by month.
pub async fn index(
    req: HttpRequest,
    lang: Lang,
    state: web::Data<AppState>,
    query: web::Query<IndexQuery>,
) -> Page {
    let q = query.into_inner();
    let all_themes = crate::themes::service::all(&state.db).await?;
    let theme = all_themes.iter().find(|th| th.slug == q.theme.trim());
    let slug = theme.map(|th| th.slug.clone());
    let number = q.page.trim().parse::<i64>().unwrap_or(1).clamp(1, 10_000);
    let page = PageRequest {
        page: number,
        per_page: PER_PAGE,
    };
    let (items, total) = service::calendar(&state.db, slug.clone(), page).await?;
    let t = lang.t();
    let mut months: Vec<Month> = Vec::new();
    for item in items {
        let e = item.event;
        let heading = dates::month(DateTime::from_naive_utc_and_offset(e.starts_at, Utc), lang);
        let card = Card {
            href: format!("/evenements/{}", e.slug),
            when: when(e.starts_at, lang),
            seats_left: (e.capacity - e.seats_taken).max(0),
            themes: crate::marketplace::pages::theme_chips(&all_themes, &item.themes, lang),
            place: item.place,
            title: e.title,
            summary: e.summary,
        };
        match months.last_mut() {
            Some(m) if m.heading == heading => m.cards.push(card),
            _ => months.push(Month {
                heading,
                cards: vec![card],
            }),
        }
    }
    let mut chips = vec![(
        index_href(None, 1),
        t.get("events_calendar.all_themes").to_owned(),
        slug.is_none(),
    )];
    chips.extend(all_themes.iter().map(|th| {
        (
            index_href(Some(&th.slug), 1),
            th.label(lang).to_owned(),
            slug.as_deref() == Some(th.slug.as_str()),
        )
    }));
    let last_page = (total + PER_PAGE - 1) / PER_PAGE;
    let mut title = t.get("events_pages.title").to_owned();
    if let Some(th) = theme {
        title = format!("{title} · {}", th.label(lang));
    }
    let page = IndexPage {
        layout: Layout::new(
            &req,
            lang,
            &format!("{title} · Quai"),
            t.get("events_pages.lead"),
        ),
        t,
        months,
        chips,
        theme: theme.map(|th| th.label(lang).to_owned()),
        feed_href: match &slug {
            Some(s) => format!("/events.ics?theme={s}"),
            None => "/events.ics".into(),
        },
        previous: (number > 1)
            .then(|| index_href(slug.as_deref(), (number - 1).min(last_page.max(1)))),
        next: (number < last_page).then(|| index_href(slug.as_deref(), number + 1)),
    };
    respond::html(StatusCode::OK, &page, false)
}

#[derive(Template)]
#[template(path = "events/show.html")]
struct ShowPage {
    layout: Layout,
    t: Translator,
    slug: String,
    title: String,
    summary: String,
    description_html: String,
    when: String,
    place: String,
    capacity: i32,
    seats_left: i32,
    cancelled: bool,
    /// Registrations wait for the organizers' approval.
    approval: bool,
    /// The viewer organizes it: a link to its page in the members' space.
    manage_href: Option<String>,
    signed_in: bool,
    sign_in_href: String,
    /// The viewer's registration: status key and place in line.
    mine: Option<(String, Option<i64>)>,
    flash: Option<String>,
    /// The guest form (name and address) for visitors who are not signed in.
    form: FormState,
    guest_name: String,
    guest_email: String,
    /// The sessions (`events/agenda.html`).
    agenda: Vec<super::agenda_pages::AgendaRow>,
}

#[derive(Deserialize)]
pub struct FlashQuery {
    ok: Option<String>,
}

/// The flash message of a redirection back to the event page.
fn flash_key(ok: Option<&str>) -> Option<String> {
    let key = match ok? {
        "inscrit" => "events_pages.registered",
        "verifier" => "events_pages.check_inbox",
        "annule" => "events_pages.cancelled_ok",
        _ => return None,
    };
    Some(key.to_owned())
}

/// The event page, with the guest form as given (and its errors) when there is one.
async fn render_show(
    req: &HttpRequest,
    lang: Lang,
    state: &AppState,
    viewer: Option<CurrentUser>,
    slug: String,
    flash: Option<String>,
    guest: Option<(FormState, GuestForm)>,
) -> Page {
    let p = service::page(&state.db, viewer.as_ref(), slug).await?;
    let t = lang.t();
    let e = p.event;
    let agenda = super::agenda_pages::rows(&state.db, viewer.as_ref(), &e, &p.place, lang).await?;
    let back: String =
        url::form_urlencoded::byte_serialize(format!("/evenements/{}", e.slug).as_bytes())
            .collect();
    let status = if guest.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let (form, given) = guest.unwrap_or_else(|| (FormState::new("invite"), GuestForm::default()));
    let page = ShowPage {
        layout: Layout::new(req, lang, &format!("{} · Quai", e.title), &e.summary)
            .about("article", None),
        t,
        description_html: markdown::render(&e.description),
        when: when(e.starts_at, lang),
        seats_left: (e.capacity - e.seats_taken).max(0),
        capacity: e.capacity,
        cancelled: e.status == "cancelled",
        approval: e.approval,
        manage_href: p.organizer.then(|| format!("/espace/evenements/{}", e.id)),
        signed_in: viewer.is_some(),
        sign_in_href: format!("/connexion?suivant={back}"),
        mine: p.mine.map(|m| {
            (
                format!("events_pages.status.{}", m.registration.status),
                m.position,
            )
        }),
        flash,
        form,
        guest_name: given.name.unwrap_or_default(),
        guest_email: given.email.unwrap_or_default(),
        agenda,
        place: p.place,
        slug: e.slug,
        title: e.title,
        summary: e.summary,
    };
    respond::html(status, &page, viewer.is_some())
}

/// `GET /evenements/{slug}`
pub async fn show(
    req: HttpRequest,
    lang: Lang,
    viewer: MaybeUser,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    query: web::Query<FlashQuery>,
) -> Page {
    let flash = flash_key(query.ok.as_deref());
    let viewer = viewer.0.map(CurrentUser);
    render_show(&req, lang, &state, viewer, slug.into_inner(), flash, None).await
}

/// A guest's name and address; empty for signed-in people.
#[derive(Default, Deserialize)]
pub struct GuestForm {
    name: Option<String>,
    email: Option<String>,
}

/// `POST /evenements/{slug}/inscription`: registers the signed-in person at once, or sends a
/// guest the link that confirms their address.
pub async fn register(
    req: HttpRequest,
    lang: Lang,
    me: MaybeUser,
    state: web::Data<AppState>,
    auth: web::Data<AuthState>,
    slug: web::Path<String>,
    form: CsrfForm<GuestForm>,
) -> Page {
    let slug = slug.into_inner();
    let back = format!("/evenements/{slug}");
    let me = me.0.map(CurrentUser);
    let p = service::page(&state.db, me.as_ref(), slug.clone()).await?;
    let auth: Arc<AuthState> = auth.into_inner();
    let Some(me) = me else {
        let given = form.0;
        let input = GuestInput {
            name: given.name.clone().unwrap_or_default(),
            email: given.email.clone().unwrap_or_default(),
        };
        return match admission::register_guest(
            &state.db,
            &state.settings,
            &auth,
            p.event.id,
            input,
            lang,
        )
        .await
        {
            Ok(()) => Ok(respond::see_other(&format!("{back}?ok=verifier"))),
            Err(AppError::Validation(errors)) => {
                let form = FormState::with_errors("invite", lang.t(), &errors, &GUEST_FIELDS);
                render_show(&req, lang, &state, None, slug, None, Some((form, given))).await
            }
            Err(e) => Err(e),
        };
    };
    service::register(&state.db, &state.settings, &auth, &me, p.event.id).await?;
    Ok(respond::see_other(&format!("{back}?ok=inscrit")))
}

const GUEST_FIELDS: [&str; 2] = ["name", "email"];

/// `POST /evenements/{slug}/annulation`: the signed-in person cancels their registration.
pub async fn cancel_mine(
    me: Result<CurrentUser, AppError>,
    state: web::Data<AppState>,
    auth: web::Data<AuthState>,
    slug: web::Path<String>,
    _form: CsrfForm<NoFields>,
) -> Page {
    let slug = slug.into_inner();
    let back = format!("/evenements/{slug}");
    let me = match respond::or_sign_in(me, &back) {
        Ok(me) => me,
        Err(page) => return page,
    };
    let p = service::page(&state.db, Some(&me), slug).await?;
    let mine = p.mine.ok_or(AppError::NotFound)?;
    let auth: Arc<AuthState> = auth.into_inner();
    service::cancel(
        &state.db,
        &state.settings,
        &auth,
        Canceller::User(&me),
        Some(mine.registration.id),
    )
    .await?;
    Ok(respond::see_other(&format!("{back}?ok=annule")))
}

#[derive(Deserialize)]
pub struct NoFields {}

#[derive(Template)]
#[template(path = "events/registration.html")]
struct ManagePage {
    layout: Layout,
    t: Translator,
    token: String,
    found: bool,
    title: String,
    href: String,
    when: String,
    place: String,
    status: String,
    status_key: String,
    position: Option<i64>,
    code: String,
    /// Until when an offered seat is held.
    offer_until: String,
    /// The ticket's QR code (inline SVG), for a confirmed seat.
    ticket_svg: String,
    /// What just happened, or why it could not.
    notice: Option<String>,
    problem: Option<String>,
}

#[derive(Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    jeton: String,
}

/// The page of the registration behind an emailed link; `notice` says what was just done,
/// `problem` why it could not be.
async fn manage_page(
    req: &HttpRequest,
    lang: Lang,
    state: &AppState,
    token: String,
    notice: Option<&str>,
    problem: Option<String>,
) -> Page {
    let t = lang.t();
    let found = service::by_token(&state.db, token.clone()).await;
    let layout = Layout::new(
        req,
        lang,
        &format!("{} · Quai", t.get("events_pages.registration")),
        t.get("events_pages.registration"),
    );
    let mut page = ManagePage {
        layout,
        t,
        token,
        found: false,
        title: String::new(),
        href: String::new(),
        when: String::new(),
        place: String::new(),
        status: String::new(),
        status_key: String::new(),
        position: None,
        code: String::new(),
        offer_until: String::new(),
        ticket_svg: String::new(),
        notice: notice.map(|k| t.get(k).to_owned()),
        problem,
    };
    match found {
        Ok((r, e)) => {
            let reg = r.registration;
            page.found = true;
            page.href = format!("/evenements/{}", e.slug);
            page.when = when(e.starts_at, lang);
            page.place = service::place(&state.db, &e).await?;
            page.title = e.title;
            page.status_key = format!("events_pages.status.{}", reg.status);
            page.position = r.position;
            page.offer_until = reg
                .offer_expires_at
                .map(|at| when(at, lang))
                .unwrap_or_default();
            if reg.status == "confirmed" {
                page.ticket_svg = checkin::ticket_svg(&state.settings, e.id, &reg.code);
            }
            page.code = reg.code;
            page.status = reg.status;
        }
        Err(AppError::Validation(_)) => {}
        Err(e) => return Err(e),
    }
    let status = if page.found {
        StatusCode::OK
    } else {
        StatusCode::NOT_FOUND
    };
    respond::html(status, &page, true)
}

/// `GET /inscriptions?jeton=…`: the registration, and what its holder can do — confirm their
/// address, accept an offered seat, cancel (nothing happens on GET: mail scanners follow links).
pub async fn manage(
    req: HttpRequest,
    lang: Lang,
    state: web::Data<AppState>,
    query: web::Query<TokenQuery>,
) -> Page {
    manage_page(&req, lang, &state, query.into_inner().jeton, None, None).await
}

#[derive(Deserialize)]
pub struct LinkForm {
    jeton: String,
}

/// `POST /inscriptions/{action}` (`confirmer`, `accepter`, `annuler`): what the holder of the
/// link asked; the page then shows the registration as it is, with what happened.
pub async fn by_link(
    req: HttpRequest,
    lang: Lang,
    state: web::Data<AppState>,
    auth: web::Data<AuthState>,
    action: web::Path<String>,
    form: CsrfForm<LinkForm>,
) -> Page {
    let token = form.0.jeton;
    let auth: Arc<AuthState> = auth.into_inner();
    let (db, settings) = (&state.db, &state.settings);
    let (done, notice) = match action.as_str() {
        "confirmer" => (
            admission::confirm_address(db, settings, &auth, token.clone()).await,
            "events_pages.confirmed_ok",
        ),
        "accepter" => (
            admission::accept_offer(db, settings, &auth, token.clone()).await,
            "events_pages.accepted_ok",
        ),
        "annuler" => (
            service::cancel(db, settings, &auth, Canceller::Link(token.clone()), None).await,
            "events_pages.cancelled_ok",
        ),
        _ => return Err(AppError::NotFound),
    };
    let t = lang.t();
    match done {
        Ok(_) => manage_page(&req, lang, &state, token, Some(notice), None).await,
        Err(AppError::Conflict(why)) => {
            let problem = t.get(conflict_key(&why)).to_owned();
            manage_page(&req, lang, &state, token, None, Some(problem)).await
        }
        Err(AppError::Validation(_)) => manage_page(&req, lang, &state, token, None, None).await,
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
pub struct FeedQuery {
    theme: Option<String>,
}

/// `GET /events.ics` (and `?theme=energie`): the calendar to subscribe to.
pub async fn feed(state: web::Data<AppState>, query: web::Query<FeedQuery>) -> Page {
    let theme = query.into_inner().theme.filter(|t| !t.is_empty());
    let body = service::feed(&state.db, &state.settings, theme).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/calendar; charset=utf-8")
        .insert_header((
            actix_web::http::header::CACHE_CONTROL,
            "public, max-age=300",
        ))
        .body(body))
}

/// The catalog key of a registration's conflict (the services speak English to API clients).
fn conflict_key(why: &str) -> &'static str {
    let m = why.to_ascii_lowercase();
    if m.contains("offer has expired") {
        "events_pages.errors.offer_expired"
    } else if m.contains("no seat to accept") {
        "events_pages.errors.no_offer"
    } else if m.contains("event is cancelled") {
        "events_pages.errors.event_cancelled"
    } else if m.contains("registration is closed") || m.contains("not open yet") {
        "events_pages.errors.closed"
    } else if m.contains("registration is cancelled") {
        "events_pages.errors.already_cancelled"
    } else {
        "events_pages.errors.changed"
    }
}
