//! The members' space: `/espace` (my organizations, my offerings and their status) and the
//! offering editor (`/espace/offres/nouvelle`, `/espace/offres/{id}`), with submission to the
//! moderators and archiving.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::Choice;
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::auth::csrf::CsrfForm;
use crate::error::{AppError, FieldErrors};
use crate::marketplace::model::Offering;
use crate::marketplace::requests::{self, RequestView};
use crate::marketplace::service::{self, AUDIENCES, KINDS, OfferingInput};
use crate::orgs::service as orgs;
use crate::themes::service as themes;
use crate::web::forms::FormState;
use crate::web::respond::or_sign_in as member_or_sign_in;
use crate::web::{Lang, Layout, Translator, dates, respond};

type Page = Result<HttpResponse, AppError>;

/// The tag that shows a status: its catalog key and its colour.
pub struct Status {
    pub key: String,
    pub class: &'static str,
}

impl Status {
    fn of_offering(status: &str) -> Self {
        Self {
            key: format!("offering.status.{status}"),
            class: match status {
                "published" => "tag-ok",
                "submitted" => "tag-warning",
                "changes_requested" | "rejected" => "tag-danger",
                _ => "",
            },
        }
    }

    fn of_organization(status: &str) -> Self {
        Self {
            key: format!("space.org_status.{status}"),
            class: match status {
                "active" => "tag-ok",
                "pending" => "tag-warning",
                _ => "tag-danger",
            },
        }
    }
}

pub struct OrgRow {
    pub name: String,
    pub kind_key: String,
    pub role_key: String,
    pub status: Status,
    pub public_href: String,
    pub manage_href: String,
}

pub struct OfferRow {
    pub title: String,
    pub organization: String,
    pub kind_key: String,
    pub status: Status,
    pub updated: String,
    pub edit_href: String,
}

/// A request in the dashboard's lists.
pub struct RequestRow {
    pub href: String,
    pub offering: String,
    /// The other side: who asked (received) or who was asked (sent).
    pub other: String,
    pub status_key: String,
    pub status_class: &'static str,
    pub date: String,
}

impl RequestRow {
    fn new(v: RequestView, received: bool, lang: Lang) -> Self {
        Self {
            href: format!("/espace/demandes/{}", v.request.id),
            offering: v.offering.title,
            other: if received {
                v.requester.name
            } else {
                v.owner.name
            },
            status_key: format!("request.status.{}", v.request.status),
            status_class: super::requests::status_class(&v.request.status),
            date: when(v.request.created_at, lang),
        }
    }
}

#[derive(Template)]
#[template(path = "marketplace/space.html")]
struct DashboardPage {
    layout: Layout,
    t: Translator,
    orgs: Vec<OrgRow>,
    offers: Vec<OfferRow>,
    received: Vec<RequestRow>,
    sent: Vec<RequestRow>,
    flash: Option<String>,
    /// Admins and members of active partners and founding members organize events.
    organizer: bool,
}

#[derive(Deserialize)]
pub struct FlashQuery {
    ok: Option<String>,
}

/// Confirmations after a change, by their `?ok=` value.
fn flash(ok: Option<&str>) -> Option<String> {
    let key = match ok? {
        "brouillon" => "space.flash.saved",
        "soumise" => "space.flash.submitted",
        "archivee" => "space.flash.archived",
        _ => return None,
    };
    Some(key.to_owned())
}

fn when(at: chrono::NaiveDateTime, lang: Lang) -> String {
    dates::date(DateTime::<Utc>::from_naive_utc_and_offset(at, Utc), lang)
}

/// `GET /espace`
pub async fn dashboard(
    req: HttpRequest,
    lang: Lang,
    me: Result<CurrentUser, AppError>,
    state: web::Data<AppState>,
    query: web::Query<FlashQuery>,
) -> Page {
    let me = match member_or_sign_in(me, "/espace") {
        Ok(me) => me,
        Err(page) => return page,
    };
    let memberships = orgs::mine(&state.db, &me).await?;
    let offers = service::mine(&state.db, &me).await?;
    let received = requests::mine(&state.db, &me, true).await?;
    let sent = requests::mine(&state.db, &me, false).await?;
    let organizer = me.is_admin()
        || memberships
            .iter()
            .any(|(org, _)| org.status == "active" && org.kind != "startup");
    let t = lang.t();
    let page = DashboardPage {
        organizer,
        layout: Layout::new(
            &req,
            lang,
            &format!("{} · Quai", t.get("space.title")),
            t.get("space.lead"),
        ),
        t,
        orgs: memberships
            .into_iter()
            .map(|(org, role)| OrgRow {
                kind_key: format!("organization.kinds.{}", org.kind),
                role_key: format!("space.roles.{role}"),
                status: Status::of_organization(&org.status),
                public_href: org.path(),
                manage_href: format!("/espace/organisations/{}", org.id),
                name: org.name,
            })
            .collect(),
        offers: offers
            .into_iter()
            .map(|(o, organization)| OfferRow {
                kind_key: format!("marketplace.kind.{}", o.kind),
                status: Status::of_offering(&o.status),
                updated: when(o.updated_at, lang),
                edit_href: format!("/espace/offres/{}", o.id),
                title: o.title,
                organization,
            })
            .collect(),
        received: received
            .into_iter()
            .map(|v| RequestRow::new(v, true, lang))
            .collect(),
        sent: sent
            .into_iter()
            .map(|v| RequestRow::new(v, false, lang))
            .collect(),
        flash: flash(query.ok.as_deref()),
    };
    respond::html(StatusCode::OK, &page, true)
}

/// What the editor's form holds, as typed.
#[derive(Default)]
pub struct Values {
    pub organization_id: String,
    pub kind: String,
    pub title: String,
    pub summary: String,
    pub body: String,
    pub audience: String,
    pub conditions: String,
    pub contact: String,
    pub themes: Vec<String>,
}

impl Values {
    /// From the posted pairs (themes are repeated checkboxes).
    fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        let mut v = Self::default();
        for (name, value) in pairs {
            match name.as_str() {
                "organization_id" => v.organization_id = value,
                "kind" => v.kind = value,
                "title" => v.title = value,
                "summary" => v.summary = value,
                "body" => v.body = value,
                "audience" => v.audience = value,
                "conditions" => v.conditions = value,
                "contact" => v.contact = value,
                "themes" => v.themes.push(value),
                _ => {}
            }
        }
        v
    }

    fn of(o: &Offering, themes: Vec<String>) -> Self {
        Self {
            organization_id: o.organization_id.to_string(),
            kind: o.kind.clone(),
            title: o.title.clone(),
            summary: o.summary.clone(),
            body: o.body.clone(),
            audience: o.audience.clone(),
            conditions: o.conditions.clone(),
            contact: o.contact.clone(),
            themes,
        }
    }

    /// The service's input; on creation the organization must be a number.
    fn input(&self, creating: bool) -> Result<OfferingInput, AppError> {
        let organization_id = if creating {
            Some(
                self.organization_id
                    .trim()
                    .parse::<i64>()
                    .map_err(|_| AppError::validation("organization_id", "is required"))?,
            )
        } else {
            None
        };
        Ok(OfferingInput {
            organization_id,
            kind: self.kind.clone(),
            title: self.title.clone(),
            summary: self.summary.clone(),
            body: self.body.clone(),
            audience: Some(self.audience.clone()).filter(|a| !a.is_empty()),
            conditions: self.conditions.clone(),
            contact: self.contact.clone(),
            themes: self.themes.clone(),
        })
    }
}

const FIELDS: [&str; 9] = [
    "organization_id",
    "kind",
    "title",
    "summary",
    "body",
    "audience",
    "conditions",
    "contact",
    "themes",
];

/// One decision of the history, as the editor shows it.
pub struct HistoryRow {
    pub at: String,
    pub to_key: String,
    pub note: String,
}

/// What the editor shows of an existing offering.
pub struct Existing {
    pub id: i64,
    pub status: Status,
    pub note: String,
    pub changes_requested: bool,
    pub public_href: String,
    pub can_submit: bool,
    pub can_archive: bool,
    pub editable: bool,
    pub history: Vec<HistoryRow>,
}

#[derive(Template)]
#[template(path = "marketplace/editor.html")]
struct EditorPage {
    layout: Layout,
    t: Translator,
    form: FormState,
    values: Values,
    organizations: Vec<Choice>,
    kinds: Vec<Choice>,
    audiences: Vec<Choice>,
    themes: Vec<Choice>,
    existing: Option<Existing>,
    flash: Option<String>,
}

impl EditorPage {
    fn action(&self) -> String {
        match &self.existing {
            Some(e) => format!("/espace/offres/{}", e.id),
            None => "/espace/offres/nouvelle".into(),
        }
    }
}

#[allow(clippy::too_many_arguments)]
async fn editor(
    req: &HttpRequest,
    lang: Lang,
    state: &AppState,
    me: &CurrentUser,
    form: FormState,
    values: Values,
    existing: Option<Existing>,
    flash: Option<String>,
) -> Result<EditorPage, AppError> {
    let t = lang.t();
    let all_themes = themes::all(&state.db).await?;
    let organizations = if existing.is_none() {
        orgs::mine(&state.db, me)
            .await?
            .into_iter()
            .filter(|(org, _)| org.status != "rejected")
            .map(|(org, _)| Choice {
                selected: org.id.to_string() == values.organization_id,
                value: org.id.to_string(),
                label: org.name,
            })
            .collect()
    } else {
        Vec::new()
    };
    let choices = |options: &[&str], prefix: &str, selected: &str| -> Vec<Choice> {
        options
            .iter()
            .map(|v| Choice {
                value: (*v).to_owned(),
                label: t.get(&format!("{prefix}.{v}")).to_owned(),
                selected: *v == selected,
            })
            .collect()
    };
    let title_key = if existing.is_some() {
        "space.editor.edit_title"
    } else {
        "space.editor.new_title"
    };
    let mut title = format!("{} · Quai", t.get(title_key));
    if form.has_errors() {
        title = format!("{} {title}", t.get("accounts.form.title_error"));
    }
    let audience = if values.audience.is_empty() {
        "all"
    } else {
        values.audience.as_str()
    };
    Ok(EditorPage {
        layout: Layout::new(req, lang, &title, t.get("space.editor.lead")),
        kinds: choices(&KINDS, "marketplace.kind", &values.kind),
        audiences: choices(&AUDIENCES, "offering.audience", audience),
        themes: all_themes
            .iter()
            .map(|th| Choice {
                value: th.slug.clone(),
                label: th.label(lang).to_owned(),
                selected: values.themes.contains(&th.slug),
            })
            .collect(),
        t,
        form,
        values,
        organizations,
        existing,
        flash,
    })
}

/// `GET /espace/offres/nouvelle`
pub async fn new_form(
    req: HttpRequest,
    lang: Lang,
    me: Result<CurrentUser, AppError>,
    state: web::Data<AppState>,
) -> Page {
    let me = match member_or_sign_in(me, "/espace/offres/nouvelle") {
        Ok(me) => me,
        Err(page) => return page,
    };
    let page = editor(
        &req,
        lang,
        &state,
        &me,
        FormState::new(""),
        Values::default(),
        None,
        None,
    )
    .await?;
    respond::html(StatusCode::OK, &page, true)
}

/// A refused form, shown again with its messages and the typed values (422).
async fn refused(
    req: &HttpRequest,
    lang: Lang,
    state: &AppState,
    me: &CurrentUser,
    errors: &FieldErrors,
    values: Values,
    existing: Option<Existing>,
) -> Page {
    let form = FormState::with_errors("", lang.t(), errors, &FIELDS);
    let page = editor(req, lang, state, me, form, values, existing, None).await?;
    respond::html(StatusCode::UNPROCESSABLE_ENTITY, &page, true)
}

/// `POST /espace/offres/nouvelle`: a draft, then its editor.
pub async fn create(
    req: HttpRequest,
    lang: Lang,
    me: Result<CurrentUser, AppError>,
    state: web::Data<AppState>,
    form: CsrfForm<Vec<(String, String)>>,
) -> Page {
    let me = match member_or_sign_in(me, "/espace/offres/nouvelle") {
        Ok(me) => me,
        Err(page) => return page,
    };
    let values = Values::from_pairs(form.0);
    let created = match values.input(true) {
        Ok(input) => service::create(&state.db, &me, input).await,
        Err(e) => Err(e),
    };
    match created {
        Ok(o) => Ok(respond::see_other(&format!(
            "/espace/offres/{}?ok=brouillon",
            o.id
        ))),
        Err(AppError::Validation(errors)) => {
            refused(&req, lang, &state, &me, &errors, values, None).await
        }
        Err(e) => Err(e),
    }
}

async fn existing(
    state: &AppState,
    me: &CurrentUser,
    id: i64,
    lang: Lang,
) -> Result<(Existing, Values), AppError> {
    let (o, slugs, _org, decisions) = service::for_editing(&state.db, me, id).await?;
    let existing = Existing {
        id: o.id,
        status: Status::of_offering(&o.status),
        note: o.moderation_note.clone(),
        changes_requested: o.status == "changes_requested",
        public_href: format!("/offres/{}", o.slug),
        can_submit: matches!(o.status.as_str(), "draft" | "changes_requested"),
        can_archive: o.status == "published",
        editable: !matches!(o.status.as_str(), "archived" | "rejected"),
        history: decisions
            .into_iter()
            .rev()
            .map(|(_, to, note, at)| HistoryRow {
                at: when(at, lang),
                to_key: format!("offering.status.{to}"),
                note,
            })
            .collect(),
    };
    Ok((existing, Values::of(&o, slugs)))
}

/// `GET /espace/offres/{id}`
pub async fn edit_form(
    req: HttpRequest,
    lang: Lang,
    me: Result<CurrentUser, AppError>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    query: web::Query<FlashQuery>,
) -> Page {
    let id = id.into_inner();
    let me = match member_or_sign_in(me, &format!("/espace/offres/{id}")) {
        Ok(me) => me,
        Err(page) => return page,
    };
    let (existing, values) = existing(&state, &me, id, lang).await?;
    let page = editor(
        &req,
        lang,
        &state,
        &me,
        FormState::new(""),
        values,
        Some(existing),
        flash(query.ok.as_deref()),
    )
    .await?;
    respond::html(StatusCode::OK, &page, true)
}

/// `POST /espace/offres/{id}`: saves the changes (a published offering goes back to moderation).
pub async fn update(
    req: HttpRequest,
    lang: Lang,
    me: Result<CurrentUser, AppError>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: CsrfForm<Vec<(String, String)>>,
) -> Page {
    let id = id.into_inner();
    let me = match member_or_sign_in(me, &format!("/espace/offres/{id}")) {
        Ok(me) => me,
        Err(page) => return page,
    };
    let values = Values::from_pairs(form.0);
    let input = values.input(false)?;
    match service::update(&state.db, &me, id, input).await {
        Ok(_) => Ok(respond::see_other(&format!(
            "/espace/offres/{id}?ok=brouillon"
        ))),
        Err(AppError::Validation(errors)) => {
            let (existing, _) = existing(&state, &me, id, lang).await?;
            refused(&req, lang, &state, &me, &errors, values, Some(existing)).await
        }
        Err(e) => Err(e),
    }
}

/// `POST /espace/offres/{id}/soumettre` and `/archiver`.
pub async fn act(
    me: Result<CurrentUser, AppError>,
    state: web::Data<AppState>,
    path: web::Path<(i64, String)>,
    _form: CsrfForm<super::NoFields>,
) -> Page {
    let (id, action) = path.into_inner();
    let me = match member_or_sign_in(me, &format!("/espace/offres/{id}")) {
        Ok(me) => me,
        Err(page) => return page,
    };
    let (action, done) = match action.as_str() {
        "soumettre" => ("submit", "soumise"),
        "archiver" => ("archive", "archivee"),
        _ => return Err(AppError::NotFound),
    };
    service::author_action(&state.db, &me, id, action).await?;
    Ok(respond::see_other(&format!(
        "/espace/offres/{id}?ok={done}"
    )))
}
