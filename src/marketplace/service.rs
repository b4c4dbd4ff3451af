//! Rules of the marketplace: who writes offerings, the lifecycle, moderation and its emails,
//! what the public sees.

use chrono::Utc;
use serde::Deserialize;

use super::model::{self, Fields, Offering};
use crate::auth::model as auth_model;
use crate::auth::{Admin, CurrentUser};
use crate::config::Settings;
use crate::db::{self, DbConnection, Pool, dialect};
use crate::error::{AppError, FieldErrors, text_field};
use crate::jobs::EnqueueOptions;
use crate::mail::{self, templates};
use crate::orgs::model as orgs;
use crate::web::Lang;
use crate::web::pagination::PageRequest;
use crate::web::slug::first_free;

pub const KINDS: [&str; 6] = [
    "produit",
    "service",
    "solution",
    "expertise",
    "mentorat",
    "avantage",
];
pub const AUDIENCES: [&str; 3] = ["all", "startups", "partners"];

/// What a member sends to write an offering.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OfferingInput {
    /// The organization it belongs to (on creation only).
    #[serde(default)]
    pub organization_id: Option<i64>,
    /// `produit`, `service`, `solution`, `expertise`, `mentorat` or `avantage`.
    pub kind: String,
    pub title: String,
    #[serde(default)]
    pub summary: String,
    /// Markdown; rendered safely.
    #[serde(default)]
    pub body: String,
    /// `all` (default), `startups` or `partners`.
    #[serde(default)]
    pub audience: Option<String>,
    /// Free text: free, a price, on quote…
    #[serde(default)]
    pub conditions: String,
    #[serde(default)]
    pub contact: String,
    #[serde(default)]
    pub themes: Vec<String>,
}

fn parse(input: &OfferingInput) -> Result<Fields, AppError> {
    let mut errors = FieldErrors::new();
    if !KINDS.contains(&input.kind.as_str()) {
        errors
            .entry("kind".into())
            .or_default()
            .push(format!("must be one of {}", KINDS.join(", ")));
    }
    let audience = input.audience.clone().unwrap_or_else(|| "all".into());
    if !AUDIENCES.contains(&audience.as_str()) {
        errors
            .entry("audience".into())
            .or_default()
            .push("must be all, startups or partners".into());
    }
    let fields = Fields {
        kind: input.kind.clone(),
        title: text_field(&mut errors, "title", &input.title, 120, true),
        summary: text_field(&mut errors, "summary", &input.summary, 300, false),
        body: text_field(&mut errors, "body", &input.body, 20_000, false),
        audience,
        conditions: text_field(&mut errors, "conditions", &input.conditions, 300, false),
        contact: text_field(&mut errors, "contact", &input.contact, 300, false),
    };
    if errors.is_empty() {
        Ok(fields)
    } else {
        Err(AppError::Validation(errors))
    }
}

fn free_slug(conn: &mut DbConnection, title: &str) -> Result<String, AppError> {
    first_free(title, "offre", |candidate| {
        model::slug_taken(conn, candidate)
    })?
    .ok_or_else(|| AppError::Conflict("Too many offerings share this title.".into()))
}

fn apply_themes(conn: &mut DbConnection, id: i64, themes: &[String]) -> Result<(), AppError> {
    let unknown = model::set_themes(conn, id, themes)?;
    if unknown.is_empty() {
        Ok(())
    } else {
        Err(AppError::validation(
            "themes",
            format!("unknown themes: {}", unknown.join(", ")),
        ))
    }
}

/// 403 unless the user is a member of the organization (or an admin).
fn require_member(
    conn: &mut DbConnection,
    me: &CurrentUser,
    organization_id: i64,
) -> Result<(), AppError> {
    if me.is_admin() || orgs::role_of(conn, organization_id, me.user_id)?.is_some() {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "Only the organization's members can do this.".into(),
        ))
    }
}

/// Writes a draft for an organization its author belongs to (verified address needed).
pub async fn create(
    pool: &Pool,
    me: &CurrentUser,
    input: OfferingInput,
) -> Result<Offering, AppError> {
    me.require_verified()?;
    let organization_id = input
        .organization_id
        .ok_or_else(|| AppError::validation("organization_id", "is required"))?;
    let fields = parse(&input)?;
    let me = me.clone();
    db::run(pool, move |conn| {
        dialect::write_transaction(conn, |conn| {
            orgs::find(conn, organization_id)?;
            require_member(conn, &me, organization_id)?;
            let now = Utc::now().naive_utc();
            let slug = free_slug(conn, &fields.title)?;
            let offering = model::insert(conn, organization_id, &slug, &fields, now)?;
            apply_themes(conn, offering.id, &input.themes)?;
            Ok(offering)
        })
    })
    .await
}

/// Edits an offering (its organization's members). A published offering goes back to the
/// moderators; archived and rejected ones are closed.
pub async fn update(
    pool: &Pool,
    me: &CurrentUser,
    id: i64,
    input: OfferingInput,
) -> Result<Offering, AppError> {
    if input.organization_id.is_some() {
        return Err(AppError::validation("organization_id", "cannot be changed"));
    }
    let fields = parse(&input)?;
    let me = me.clone();
    db::run(pool, move |conn| {
        dialect::write_transaction(conn, |conn| {
            let offering = model::find(conn, id)?;
            require_member(conn, &me, offering.organization_id)?;
            let now = Utc::now().naive_utc();
            match offering.status.as_str() {
                "draft" | "changes_requested" | "submitted" => {}
                "published" => {
                    model::transition(
                        conn,
                        id,
                        "published",
                        "submitted",
                        Some(me.user_id),
                        "",
                        now,
                    )?;
                }
                other => {
                    return Err(AppError::Conflict(format!(
                        "A {other} offering cannot be edited."
                    )));
                }
            }
            model::update(conn, id, &fields, now)?;
            apply_themes(conn, id, &input.themes)?;
            Ok(model::find(conn, id)?)
        })
    })
    .await
}

/// The author's moves: `submit` (draft or changes requested → submitted) and `archive`
/// (published → archived).
pub async fn author_action(
    pool: &Pool,
    me: &CurrentUser,
    id: i64,
    action: &str,
) -> Result<Offering, AppError> {
    let (from, to): (&[&str], &str) = match action {
        "submit" => (&["draft", "changes_requested"], "submitted"),
        "archive" => (&["published"], "archived"),
        _ => return Err(AppError::validation("action", "must be submit or archive")),
    };
    let me = me.clone();
    db::run(pool, move |conn| {
        dialect::write_transaction(conn, |conn| {
            let offering = model::find(conn, id)?;
            require_member(conn, &me, offering.organization_id)?;
            if !from.contains(&offering.status.as_str()) {
                return Err(AppError::Conflict(format!(
                    "A {} offering cannot go to {to}.",
                    offering.status
                )));
            }
            model::transition(
                conn,
                id,
                &offering.status,
                to,
                Some(me.user_id),
                "",
                Utc::now().naive_utc(),
            )?;
            Ok(model::find(conn, id)?)
        })
    })
    .await
}

/// A moderator's decision on a submitted offering; the organization's owners are told by email.
pub async fn decide(
    pool: &Pool,
    settings: &Settings,
    admin: &Admin,
    id: i64,
    decision: &str,
    note: String,
) -> Result<Offering, AppError> {
    let to = match decision {
        "approve" => "published",
        "request_changes" => "changes_requested",
        "reject" => "rejected",
        _ => {
            return Err(AppError::validation(
                "decision",
                "must be approve, request_changes or reject",
            ));
        }
    };
    let note: String = note.trim().chars().take(2000).collect();
    if to != "published" && note.is_empty() {
        return Err(AppError::validation(
            "note",
            "explain what to change, or why",
        ));
    }
    let (actor, base_url) = (admin.actor, settings.base_url.as_str().to_owned());
    db::run(pool, move |conn| {
        dialect::write_transaction(conn, |conn| {
            let offering = model::find(conn, id)?;
            let now = Utc::now().naive_utc();
            if model::transition(conn, id, "submitted", to, actor, &note, now)? != 1 {
                return Err(AppError::Conflict(format!(
                    "Only a submitted offering can be decided on; this one is {}.",
                    offering.status
                )));
            }
            tell_owners(conn, &base_url, &offering, to, &note)?;
            Ok(model::find(conn, id)?)
        })
    })
    .await
}

/// One email per owner, in their language, queued in the decision's transaction.
fn tell_owners(
    conn: &mut DbConnection,
    base_url: &str,
    offering: &Offering,
    to: &str,
    note: &str,
) -> Result<(), AppError> {
    for (user_id, _, role, _) in orgs::members(conn, offering.organization_id)? {
        if role != orgs::OWNER {
            continue;
        }
        let user = auth_model::by_id(conn, user_id)?;
        if !user.can_sign_in() {
            continue;
        }
        let t = Lang::parse(&user.lang).unwrap_or_default().t();
        let key = format!("email.offering.{to}");
        let intro = format!("{} « {} »", t.get(&format!("{key}.body")), offering.title);
        let mut lines = vec![intro.as_str()];
        if !note.is_empty() {
            lines.push(note);
        }
        let action = templates::Action {
            subject: format!("{} — {}", t.get(&format!("{key}.subject")), offering.title),
            heading: t.get(&format!("{key}.heading")),
            greeting: templates::greeting(t, &user.display_name),
            lines,
            action_label: "",
            action_url: None,
            note: t.get("email.offering.note"),
        };
        let content = templates::action(t, base_url, &action)?;
        let to_box = mail::parse_recipient("email", &user.email)?;
        mail::enqueue(
            conn,
            &to_box,
            content,
            Vec::new(),
            EnqueueOptions::default(),
        )?;
    }
    Ok(())
}

/// An offering as its viewer may see it: published ones of active organizations for everybody,
/// the others for the organization's members and admins (404 for the rest).
pub async fn get(
    pool: &Pool,
    viewer: Option<&CurrentUser>,
    id: i64,
) -> Result<(Offering, Vec<String>), AppError> {
    let viewer = viewer.cloned();
    db::run(pool, move |conn| {
        let offering = model::find(conn, id)?;
        let org = orgs::find(conn, offering.organization_id)?;
        let public = offering.status == "published" && org.status == "active";
        let insider = match &viewer {
            Some(v) => v.is_admin() || orgs::role_of(conn, org.id, v.user_id)?.is_some(),
            None => false,
        };
        if !public && !insider {
            return Err(AppError::NotFound);
        }
        let themes = model::theme_slugs(conn, id)?;
        Ok((offering, themes))
    })
    .await
}

pub struct Filters {
    pub kind: Option<String>,
    pub theme: Option<String>,
    pub audience: Option<String>,
    pub organization_kind: Option<String>,
}

pub const ORGANIZATION_KINDS: [&str; 3] = ["startup", "partner", "founding_member"];

pub async fn list(
    pool: &Pool,
    filters: Filters,
    page: PageRequest,
) -> Result<(Vec<(Offering, Vec<String>)>, i64), AppError> {
    let mut errors = FieldErrors::new();
    if filters.kind.as_deref().is_some_and(|k| !KINDS.contains(&k)) {
        errors.insert(
            "kind".into(),
            vec![format!("must be one of {}", KINDS.join(", "))],
        );
    }
    if filters
        .audience
        .as_deref()
        .is_some_and(|a| !AUDIENCES.contains(&a))
    {
        errors.insert(
            "audience".into(),
            vec!["must be all, startups or partners".into()],
        );
    }
    if filters
        .organization_kind
        .as_deref()
        .is_some_and(|k| !ORGANIZATION_KINDS.contains(&k))
    {
        errors.insert(
            "organization_kind".into(),
            vec!["must be startup, partner or founding_member".into()],
        );
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    db::run(pool, move |conn| {
        let (items, total) = model::list_public(
            conn,
            &model::PublicFilters {
                kind: filters.kind.as_deref(),
                theme: filters.theme.as_deref(),
                audience: filters.audience.as_deref(),
                organization_kind: filters.organization_kind.as_deref(),
            },
            page.offset(),
            page.per_page,
        )?;
        let mut out = Vec::with_capacity(items.len());
        for o in items {
            let themes = model::theme_slugs(conn, o.id)?;
            out.push((o, themes));
        }
        Ok((out, total))
    })
    .await
}

/// The moderation queue: submitted offerings, oldest first.
pub async fn queue(pool: &Pool, _admin: &Admin) -> Result<Vec<Offering>, AppError> {
    db::run(pool, |conn| Ok(model::submitted(conn)?)).await
}

/// The decisions taken on an offering (members and admins).
pub async fn history(
    pool: &Pool,
    me: &CurrentUser,
    id: i64,
) -> Result<Vec<(String, String, String, chrono::NaiveDateTime)>, AppError> {
    let me = me.clone();
    db::run(pool, move |conn| {
        let offering = model::find(conn, id)?;
        require_member(conn, &me, offering.organization_id)?;
        Ok(model::history(conn, id)?)
    })
    .await
}

/// The names of some organizations, for cards.
pub async fn organization_names(
    pool: &Pool,
    ids: Vec<i64>,
) -> Result<Vec<(i64, String)>, AppError> {
    use crate::db::schema::organizations;
    use diesel::prelude::*;
    db::run(pool, move |conn| {
        Ok(organizations::table
            .filter(organizations::id.eq_any(ids))
            .select((organizations::id, organizations::name))
            .load(conn)?)
    })
    .await
}

/// An offering's page: the offering, its themes and its organization, and whether the viewer
/// is one of its members (or an admin) and so may see it before publication.
pub struct OfferingPage {
    pub offering: Offering,
    pub themes: Vec<String>,
    pub organization: orgs::Organization,
    /// A member of the organization or an admin: sees it before publication.
    pub insider: bool,
    /// A member of the organization (admins included only when they are members).
    pub member: bool,
}

/// The page of `/offres/{slug}`, with the visibility rules of [`get`].
pub async fn page(
    pool: &Pool,
    viewer: Option<&CurrentUser>,
    slug: String,
) -> Result<OfferingPage, AppError> {
    let viewer = viewer.cloned();
    db::run(pool, move |conn| {
        let offering = model::by_slug(conn, &slug)?;
        let organization = orgs::find(conn, offering.organization_id)?;
        let public = offering.status == "published" && organization.status == orgs::ACTIVE;
        let member = match &viewer {
            Some(v) => orgs::role_of(conn, organization.id, v.user_id)?.is_some(),
            None => false,
        };
        let insider = member || viewer.as_ref().is_some_and(|v| v.is_admin());
        if !public && !insider {
            return Err(AppError::NotFound);
        }
        let themes = model::theme_slugs(conn, offering.id)?;
        Ok(OfferingPage {
            offering,
            themes,
            organization,
            insider,
            member,
        })
    })
    .await
}

/// The published offerings of one organization, with their themes.
pub async fn published_of(
    pool: &Pool,
    organization_id: i64,
) -> Result<Vec<(Offering, Vec<String>)>, AppError> {
    db::run(pool, move |conn| {
        let mut out = Vec::new();
        for o in model::of_organizations(conn, &[organization_id], false)? {
            let themes = model::theme_slugs(conn, o.id)?;
            out.push((o, themes));
        }
        Ok(out)
    })
    .await
}

/// Every offering of the organizations the user belongs to, whatever its status, with the
/// organization's name.
pub async fn mine(pool: &Pool, me: &CurrentUser) -> Result<Vec<(Offering, String)>, AppError> {
    let user_id = me.user_id;
    db::run(pool, move |conn| {
        let memberships = orgs::of_user(conn, user_id)?;
        let ids: Vec<i64> = memberships.iter().map(|(o, _)| o.id).collect();
        Ok(model::of_organizations(conn, &ids, true)?
            .into_iter()
            .map(|o| {
                let name = memberships
                    .iter()
                    .find(|(org, _)| org.id == o.organization_id)
                    .map(|(org, _)| org.name.clone())
                    .unwrap_or_default();
                (o, name)
            })
            .collect())
    })
    .await
}

/// An offering with what its editor needs: themes, organization, decisions. Members and admins.
pub async fn for_editing(
    pool: &Pool,
    me: &CurrentUser,
    id: i64,
) -> Result<(Offering, Vec<String>, orgs::Organization, Vec<Decision>), AppError> {
    let me = me.clone();
    db::run(pool, move |conn| {
        let offering = model::find(conn, id)?;
        require_member(conn, &me, offering.organization_id)?;
        let organization = orgs::find(conn, offering.organization_id)?;
        let themes = model::theme_slugs(conn, id)?;
        let decisions = model::history(conn, id)?;
        Ok((offering, themes, organization, decisions))
    })
    .await
}

/// (from, to, note, at) of one decision.
pub type Decision = (String, String, String, chrono::NaiveDateTime);

/// The moderation queue with each offering's organization and themes.
pub async fn queue_details(
    pool: &Pool,
    _admin: &Admin,
) -> Result<Vec<(Offering, orgs::Organization, Vec<String>)>, AppError> {
    db::run(pool, |conn| {
        let mut out = Vec::new();
        for o in model::submitted(conn)? {
            let org = orgs::find(conn, o.organization_id)?;
            let themes = model::theme_slugs(conn, o.id)?;
            out.push((o, org, themes));
        }
        Ok(out)
    })
    .await
}

/// (path, last change) of every public offering and organization, for `sitemap.xml`.
pub async fn public_pages(pool: &Pool) -> Result<Vec<(String, chrono::NaiveDateTime)>, AppError> {
    db::run(pool, |conn| {
        let mut pages: Vec<(String, chrono::NaiveDateTime)> = orgs::public_pages(conn)?
            .into_iter()
            .map(|(kind, slug, at)| (orgs::path_of(&kind, &slug), at))
            .collect();
        pages.extend(
            model::public_pages(conn)?
                .into_iter()
                .map(|(slug, at)| (format!("/offres/{slug}"), at)),
        );
        Ok(pages)
    })
    .await
}
