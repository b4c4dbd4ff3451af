//! Rules about organizations: who may create which kind, what a valid profile is, who sees and
//! edits what, and the admins' decision on new ones.

use chrono::Utc;
use serde::Deserialize;
use serde_json::json;

use super::model::{self, ACTIVE, Fields, OWNER, Organization, PENDING};
use crate::auth::model::{self as auth_model, Role};
use crate::auth::{Admin, CurrentUser};
use crate::config::Settings;
use crate::db::{self, DbConnection, Pool, dialect};
use crate::error::{AppError, FieldErrors, text_field};
use crate::jobs::EnqueueOptions;
use crate::mail::{self, templates};
use crate::web::Lang;
use crate::web::pagination::PageRequest;
use crate::web::slug::first_free;

/// What a member sends to create or edit an organization.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrganizationInput {
    /// `startup`, `partner` or `founding_member` (creation only).
    #[serde(default)]
    pub kind: Option<String>,
    pub name: String,
    #[serde(default)]
    pub pitch: String,
    /// Markdown; rendered safely.
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub sector: String,
    /// For startups: `idee`, `prototype`, `amorcage` or `croissance`.
    #[serde(default)]
    pub stage: Option<String>,
    #[serde(default)]
    pub team_size: Option<i32>,
    #[serde(default)]
    pub founded_year: Option<i32>,
    #[serde(default)]
    pub city: Option<String>,
    #[serde(default)]
    pub website: String,
    #[serde(default)]
    pub contact_email: String,
    /// Theme slugs (see `/api/v1/themes`).
    #[serde(default)]
    pub themes: Vec<String>,
}

const KINDS: [&str; 3] = ["startup", "partner", "founding_member"];
const STAGES: [&str; 4] = ["idee", "prototype", "amorcage", "croissance"];

/// Parse, don't validate: valid fields or every field's problem.
fn parse(input: &OrganizationInput) -> Result<Fields, AppError> {
    let mut errors = FieldErrors::new();
    let name = text_field(&mut errors, "name", &input.name, 120, true);
    let pitch = text_field(&mut errors, "pitch", &input.pitch, 200, false);
    let description = text_field(
        &mut errors,
        "description",
        &input.description,
        20_000,
        false,
    );
    let sector = text_field(&mut errors, "sector", &input.sector, 80, false);
    let city = text_field(
        &mut errors,
        "city",
        input.city.as_deref().unwrap_or("Amiens"),
        80,
        false,
    );
    let website = text_field(&mut errors, "website", &input.website, 300, false);
    if !website.is_empty()
        && !matches!(
            url::Url::parse(&website)
                .map(|u| u.scheme().to_owned())
                .as_deref(),
            Ok("http" | "https")
        )
    {
        errors
            .entry("website".into())
            .or_default()
            .push("must be an http:// or https:// address".into());
    }
    let contact_email = input.contact_email.trim().to_lowercase();
    if !contact_email.is_empty()
        && crate::mail::parse_recipient("contact_email", &contact_email).is_err()
    {
        errors
            .entry("contact_email".into())
            .or_default()
            .push("not a valid email address".into());
    }
    if let Some(stage) = &input.stage
        && !STAGES.contains(&stage.as_str())
    {
        errors
            .entry("stage".into())
            .or_default()
            .push("must be idee, prototype, amorcage or croissance".into());
    }
    if input.team_size.is_some_and(|n| !(1..=100_000).contains(&n)) {
        errors
            .entry("team_size".into())
            .or_default()
            .push("must be between 1 and 100000".into());
    }
    if input
        .founded_year
        .is_some_and(|y| !(1800..=2100).contains(&y))
    {
        errors
            .entry("founded_year".into())
            .or_default()
            .push("must be between 1800 and 2100".into());
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    Ok(Fields {
        name,
        pitch,
        description,
        sector,
        stage: input.stage.clone(),
        team_size: input.team_size,
        founded_year: input.founded_year,
        city: if city.is_empty() {
            "Amiens".into()
        } else {
            city
        },
        website,
        contact_email,
    })
}

/// The first free slug: `name`, then `name-2`, `name-3`…
fn free_slug(conn: &mut DbConnection, name: &str) -> Result<String, AppError> {
    first_free(name, "organisation", |candidate| {
        model::slug_taken(conn, candidate)
    })?
    .ok_or_else(|| AppError::Conflict("Too many organizations share this name.".into()))
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

/// Creates an organization owned by its creator. Startups need the startup role, partners the
/// partner role, founding members an admin; an admin's organization is active at once, the
/// others wait for an admin. The creator's address must be verified.
pub async fn create(
    pool: &Pool,
    me: &CurrentUser,
    input: OrganizationInput,
) -> Result<Organization, AppError> {
    me.require_verified()?;
    let kind = input.kind.clone().unwrap_or_default();
    if !KINDS.contains(&kind.as_str()) {
        return Err(AppError::validation(
            "kind",
            "must be startup, partner or founding_member",
        ));
    }
    me.require(match kind.as_str() {
        "startup" => Role::StartupMember,
        "partner" => Role::PartnerMember,
        _ => Role::Admin,
    })?;
    let fields = parse(&input)?;
    let status = if me.is_admin() { ACTIVE } else { PENDING };
    let user_id = me.user_id;
    db::run(pool, move |conn| {
        dialect::write_transaction(conn, |conn| {
            let now = Utc::now().naive_utc();
            let slug = free_slug(conn, &fields.name)?;
            let org = model::insert(conn, &kind, status, &slug, &fields, now)?;
            apply_themes(conn, org.id, &input.themes)?;
            model::add_member(conn, org.id, user_id, OWNER, now)?;
            auth_model::audit(
                conn,
                "organization_created",
                Some(user_id),
                None,
                "",
                json!({ "organization": org.id, "kind": kind }),
                now,
            )?;
            Ok(org)
        })
    })
    .await
}

/// An organization as its viewer may see it: active ones for everybody, others for their
/// members and admins only (404 for the rest, so that nothing leaks).
pub async fn get(
    pool: &Pool,
    viewer: Option<&CurrentUser>,
    id: i64,
) -> Result<(Organization, Vec<String>), AppError> {
    let (viewer_id, admin) = (
        viewer.map(|v| v.user_id),
        viewer.is_some_and(|v| v.is_admin()),
    );
    db::run(pool, move |conn| {
        let org = model::find(conn, id)?;
        let member = match viewer_id {
            Some(uid) => model::role_of(conn, id, uid)?.is_some(),
            None => false,
        };
        if org.status != ACTIVE && !member && !admin {
            return Err(AppError::NotFound);
        }
        let themes = model::theme_slugs(conn, id)?;
        Ok((org, themes))
    })
    .await
}

pub async fn list(
    pool: &Pool,
    kind: Option<String>,
    theme: Option<String>,
    page: PageRequest,
) -> Result<(Vec<(Organization, Vec<String>)>, i64), AppError> {
    if let Some(k) = &kind
        && !KINDS.contains(&k.as_str())
    {
        return Err(AppError::validation(
            "kind",
            "must be startup, partner or founding_member",
        ));
    }
    db::run(pool, move |conn| {
        let (orgs, total) = model::list_active(
            conn,
            kind.as_deref(),
            theme.as_deref(),
            page.offset(),
            page.per_page,
        )?;
        let mut items = Vec::with_capacity(orgs.len());
        for org in orgs {
            let themes = model::theme_slugs(conn, org.id)?;
            items.push((org, themes));
        }
        Ok((items, total))
    })
    .await
}

/// Edits a profile: its owners and admins only (403 for anybody else, nothing changed).
pub async fn update(
    pool: &Pool,
    me: &CurrentUser,
    id: i64,
    input: OrganizationInput,
) -> Result<Organization, AppError> {
    if input.kind.is_some() {
        return Err(AppError::validation("kind", "cannot be changed"));
    }
    let fields = parse(&input)?;
    let (user_id, admin) = (me.user_id, me.is_admin());
    db::run(pool, move |conn| {
        dialect::write_transaction(conn, |conn| {
            let now = Utc::now().naive_utc();
            let org = model::find(conn, id)?;
            let owner = model::role_of(conn, id, user_id)?.as_deref() == Some(OWNER);
            if !owner && !admin {
                return Err(AppError::Forbidden(
                    "Only the organization's owners can edit it.".into(),
                ));
            }
            model::update(conn, org.id, &fields, now)?;
            apply_themes(conn, org.id, &input.themes)?;
            Ok(model::find(conn, id)?)
        })
    })
    .await
}

/// The people of an organization: visible to its members and admins.
pub async fn members(
    pool: &Pool,
    me: &CurrentUser,
    id: i64,
) -> Result<Vec<(i64, String, String, chrono::NaiveDateTime)>, AppError> {
    let (user_id, admin) = (me.user_id, me.is_admin());
    db::run(pool, move |conn| {
        model::find(conn, id)?;
        if !admin && model::role_of(conn, id, user_id)?.is_none() {
            return Err(AppError::Forbidden(
                "Only the organization's members see its members.".into(),
            ));
        }
        Ok(model::members(conn, id)?)
    })
    .await
}

/// An admin's decision on a new organization: `approve` (public), `request_changes` (stays
/// pending, with the note) or `reject`; a note is required but to approve. The owners are told
/// by email, in their language, in the decision's transaction.
pub async fn decide(
    pool: &Pool,
    settings: &Settings,
    admin: &Admin,
    id: i64,
    decision: &str,
    note: String,
) -> Result<Organization, AppError> {
    let status = match decision {
        "approve" => ACTIVE,
        "request_changes" => PENDING,
        "reject" => "rejected",
        _ => {
            return Err(AppError::validation(
                "decision",
                "must be approve, request_changes or reject",
            ));
        }
    };
    let note = note.trim().chars().take(2000).collect::<String>();
    if status != ACTIVE && note.is_empty() {
        return Err(AppError::validation(
            "note",
            "explain what to change, or why",
        ));
    }
    let (actor, base_url, decision) = (
        admin.actor,
        settings.base_url.as_str().to_owned(),
        decision.to_owned(),
    );
    db::run(pool, move |conn| {
        dialect::write_transaction(conn, |conn| {
            let now = Utc::now().naive_utc();
            let org = model::find(conn, id)?;
            if org.status != PENDING {
                return Err(AppError::Conflict(format!(
                    "This organization is already {}.",
                    org.status
                )));
            }
            model::set_status(conn, id, status, &note, now)?;
            tell_owners(conn, &base_url, &org, &decision, &note)?;
            auth_model::audit(
                conn,
                "organization_moderated",
                actor,
                None,
                "",
                json!({ "organization": id, "decision": decision, "note": note }),
                now,
            )?;
            Ok(model::find(conn, id)?)
        })
    })
    .await
}

/// One email per owner about the decision `email.organization.<decision>`.
fn tell_owners(
    conn: &mut DbConnection,
    base_url: &str,
    org: &Organization,
    decision: &str,
    note: &str,
) -> Result<(), AppError> {
    let url = format!(
        "{}/espace/organisations/{}",
        base_url.trim_end_matches('/'),
        org.id
    );
    for (user_id, _, role, _) in model::members(conn, org.id)? {
        if role != OWNER {
            continue;
        }
        let user = auth_model::by_id(conn, user_id)?;
        if !user.can_sign_in() {
            continue;
        }
        let t = Lang::parse(&user.lang).unwrap_or_default().t();
        let key = format!("email.organization.{decision}");
        let intro = format!("{} « {} »", t.get(&format!("{key}.body")), org.name);
        let mut lines = vec![intro.as_str()];
        if !note.is_empty() {
            lines.push(note);
        }
        let action = templates::Action {
            subject: format!("{} — {}", t.get(&format!("{key}.subject")), org.name),
            heading: t.get(&format!("{key}.heading")),
            greeting: templates::greeting(t, &user.display_name),
            lines,
            action_label: t.get("email.organization.action"),
            action_url: Some(url.clone()),
            note: t.get("email.offering.note"),
        };
        let content = templates::action(t, base_url, &action)?;
        let to = mail::parse_recipient("email", &user.email)?;
        mail::enqueue(conn, &to, content, Vec::new(), EnqueueOptions::default())?;
    }
    Ok(())
}

/// The public profile at `/startups/{slug}` or `/partenaires/{slug}`, with the rules of [`get`];
/// also says whether the viewer is one of its members (or an admin).
pub async fn profile(
    pool: &Pool,
    viewer: Option<&CurrentUser>,
    slug: String,
) -> Result<(Organization, Vec<String>, bool), AppError> {
    let (viewer_id, admin) = (
        viewer.map(|v| v.user_id),
        viewer.is_some_and(|v| v.is_admin()),
    );
    db::run(pool, move |conn| {
        let org = model::by_slug(conn, &slug)?;
        let member = match viewer_id {
            Some(uid) => model::role_of(conn, org.id, uid)?.is_some(),
            None => false,
        };
        if org.status != ACTIVE && !member && !admin {
            return Err(AppError::NotFound);
        }
        let themes = model::theme_slugs(conn, org.id)?;
        Ok((org, themes, member || admin))
    })
    .await
}

/// The organizations the signed-in user belongs to, with their role.
pub async fn mine(pool: &Pool, me: &CurrentUser) -> Result<Vec<(Organization, String)>, AppError> {
    let user_id = me.user_id;
    db::run(pool, move |conn| Ok(model::of_user(conn, user_id)?)).await
}

/// New organizations waiting for a decision.
pub async fn pending(pool: &Pool, _admin: &Admin) -> Result<Vec<Organization>, AppError> {
    db::run(pool, |conn| Ok(model::pending(conn)?)).await
}

/// Every organization, whatever its status, by name (the back office).
pub async fn all(pool: &Pool, _admin: &Admin) -> Result<Vec<Organization>, AppError> {
    db::run(pool, |conn| Ok(model::all(conn)?)).await
}

/// What an admin may change on any organization.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AdminChange {
    /// The "verified by the cluster" badge.
    #[serde(default)]
    pub verified: Option<bool>,
    /// Suspends an active organization (hidden with its offerings) or reactivates a suspended one.
    #[serde(default)]
    pub suspended: Option<bool>,
}

/// Sets the badge and suspends or reactivates; every change is in the audit log.
pub async fn admin_change(
    pool: &Pool,
    admin: &Admin,
    id: i64,
    change: AdminChange,
) -> Result<Organization, AppError> {
    let actor = admin.actor;
    db::run(pool, move |conn| {
        dialect::write_transaction(conn, |conn| {
            let org = model::find(conn, id)?;
            let now = Utc::now().naive_utc();
            if let Some(verified) = change.verified {
                model::set_verified(conn, id, verified, now)?;
            }
            if let Some(suspended) = change.suspended {
                let (from, to) = if suspended {
                    (ACTIVE, "suspended")
                } else {
                    ("suspended", ACTIVE)
                };
                if org.status != from {
                    return Err(AppError::Conflict(format!(
                        "This organization is {}; it cannot become {to}.",
                        org.status
                    )));
                }
                model::set_status(conn, id, to, &org.moderation_note, now)?;
            }
            auth_model::audit(
                conn,
                "organization_changed_by_admin",
                actor,
                None,
                "",
                json!({ "organization": id, "verified": change.verified, "suspended": change.suspended }),
                now,
            )?;
            Ok(model::find(conn, id)?)
        })
    })
    .await
}

/// The theme slugs of an organization, whatever its status.
pub async fn themes(pool: &Pool, id: i64) -> Result<Vec<String>, AppError> {
    db::run(pool, move |conn| Ok(model::theme_slugs(conn, id)?)).await
}
