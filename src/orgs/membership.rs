//! Who belongs to an organization: owners invite people by email (a link valid 7 days, used
//! once, bound to the invited address), remove members, hand the ownership over; members leave.
//! An organization always keeps at least one owner.
//!
//! Errors: [`AppError`] — 403 for anybody but the owners (and admins), 409 for a change that
//! would leave no owner or a member twice, 422 for a bad address or a dead link.

use chrono::{Duration, Utc};
use serde::Deserialize;
use serde_json::json;

use super::model::{self, Invitation, NewInvitation, OWNER, Organization};
use crate::accounts::service::parse_email;
use crate::auth::CurrentUser;
use crate::auth::model as auth_model;
use crate::auth::tokens::{hash_token, random_token};
use crate::config::Settings;
use crate::db::{self, DbConnection, Pool, dialect};
use crate::error::AppError;
use crate::jobs::EnqueueOptions;
use crate::mail::{self, templates};
use crate::web::Lang;

/// How long an invitation link works.
pub const INVITATION_DAYS: i64 = 7;
/// Open invitations an organization may have at once (a bound on the emails it can send).
const MAX_OPEN: usize = 50;
const MEMBER: &str = "member";

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InvitationInput {
    pub email: String,
    /// `member` (default) or `owner`.
    #[serde(default)]
    pub role: Option<String>,
}

/// 403 unless the user owns the organization (or is an admin).
fn require_owner(conn: &mut DbConnection, me: &CurrentUser, id: i64) -> Result<(), AppError> {
    model::find(conn, id)?;
    if me.is_admin() || model::role_of(conn, id, me.user_id)?.as_deref() == Some(OWNER) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "Only the organization's owners can do this.".into(),
        ))
    }
}

/// The invitation's link, for its email.
fn link(settings: &Settings, token: &str) -> String {
    format!(
        "{}/invitations?jeton={token}",
        settings.base_url.as_str().trim_end_matches('/')
    )
}

fn invitation_email(
    conn: &mut DbConnection,
    settings: &Settings,
    org: &Organization,
    inviter: &str,
    email: &str,
    token: &str,
) -> Result<(), AppError> {
    // In the invited person's language when they have an account, French otherwise.
    let (lang, name) = match auth_model::by_email(conn, email)? {
        Some(user) => (
            Lang::parse(&user.lang).unwrap_or_default(),
            user.display_name,
        ),
        None => (Lang::default(), String::new()),
    };
    let t = lang.t();
    let body = t
        .get("email.invitation.body")
        .replace("{inviter}", inviter)
        .replace("{organization}", &org.name);
    let action = templates::Action {
        subject: t
            .get("email.invitation.subject")
            .replace("{organization}", &org.name),
        heading: t.get("email.invitation.heading"),
        greeting: templates::greeting(t, &name),
        lines: vec![&body, t.get("email.invitation.validity")],
        action_label: t.get("email.invitation.action"),
        action_url: Some(link(settings, token)),
        note: t.get("email.invitation.note"),
    };
    let content = templates::action(t, settings.base_url.as_str(), &action)?;
    let to = mail::parse_recipient("email", email)?;
    mail::enqueue(conn, &to, content, Vec::new(), EnqueueOptions::default())?;
    Ok(())
}

/// Invites `email` to join; a second invitation to the same address replaces the first.
pub async fn invite(
    pool: &Pool,
    settings: &Settings,
    me: &CurrentUser,
    id: i64,
    input: InvitationInput,
) -> Result<Invitation, AppError> {
    me.require_verified()?;
    let email = parse_email("email", &input.email)?;
    let role = input.role.unwrap_or_else(|| MEMBER.into());
    if role != MEMBER && role != OWNER {
        return Err(AppError::validation("role", "must be member or owner"));
    }
    let (me, settings) = (me.clone(), settings.clone());
    db::run(pool, move |conn| {
        dialect::write_transaction(conn, |conn| {
            lock_members(conn, id)?;
            require_owner(conn, &me, id)?;
            let org = model::find(conn, id)?;
            if let Some(user) = auth_model::by_email(conn, &email)?
                && model::role_of(conn, id, user.id)?.is_some()
            {
                return Err(AppError::Conflict(
                    "This person is already a member.".into(),
                ));
            }
            let now = Utc::now().naive_utc();
            model::revoke_invitations(conn, id, Some(&email), None, now)?;
            if model::open_invitations(conn, id, now)?.len() >= MAX_OPEN {
                return Err(AppError::Conflict(format!(
                    "This organization already has {MAX_OPEN} open invitations; revoke some first."
                )));
            }
            let token = random_token();
            let invitation = model::insert_invitation(
                conn,
                &NewInvitation {
                    organization_id: id,
                    email: &email,
                    role: &role,
                    token_hash: &hash_token(&token),
                    invited_by: Some(me.user_id),
                    now,
                    expires_at: now + Duration::days(INVITATION_DAYS),
                },
            )?;
            invitation_email(conn, &settings, &org, &me.display_name, &email, &token)?;
            auth_model::audit(
                conn,
                "organization_invitation_sent",
                Some(me.user_id),
                None,
                "",
                json!({ "organization": id, "invitation": invitation.id, "role": role }),
                now,
            )?;
            Ok(invitation)
        })
    })
    .await
}

/// The open invitations (owners and admins).
pub async fn invitations(
    pool: &Pool,
    me: &CurrentUser,
    id: i64,
) -> Result<Vec<Invitation>, AppError> {
    let me = me.clone();
    db::run(pool, move |conn| {
        require_owner(conn, &me, id)?;
        Ok(model::open_invitations(conn, id, Utc::now().naive_utc())?)
    })
    .await
}

/// Revokes an open invitation; its link stops working.
pub async fn revoke(
    pool: &Pool,
    me: &CurrentUser,
    id: i64,
    invitation_id: i64,
) -> Result<(), AppError> {
    let me = me.clone();
    db::run(pool, move |conn| {
        dialect::write_transaction(conn, |conn| {
            require_owner(conn, &me, id)?;
            let now = Utc::now().naive_utc();
            if model::revoke_invitations(conn, id, None, Some(invitation_id), now)? == 0 {
                return Err(AppError::NotFound);
            }
            Ok(())
        })
    })
    .await
}

/// What an invitation link shows before it is accepted.
pub struct InvitationView {
    pub invitation: Invitation,
    pub organization: Organization,
    pub open: bool,
}

/// The invitation behind a link (a dead link is a 422 on `token`).
pub async fn look_up(pool: &Pool, token: String) -> Result<InvitationView, AppError> {
    db::run(pool, move |conn| {
        let invitation =
            model::invitation_by_hash(conn, &hash_token(token.trim()))?.ok_or_else(|| {
                AppError::validation("token", "this link is invalid, used or expired")
            })?;
        let organization = model::find(conn, invitation.organization_id)?;
        let open = invitation.is_open(Utc::now().naive_utc());
        Ok(InvitationView {
            invitation,
            organization,
            open,
        })
    })
    .await
}

/// Joins the organization from an invitation link: once, before it expires, and only with the
/// account of the invited address.
pub async fn accept(
    pool: &Pool,
    me: &CurrentUser,
    token: String,
) -> Result<Organization, AppError> {
    me.require_verified()?;
    let me = me.clone();
    db::run(pool, move |conn| {
        dialect::write_transaction(conn, |conn| {
            let dead = || AppError::validation("token", "this link is invalid, used or expired");
            let now = Utc::now().naive_utc();
            let invitation = model::invitation_by_hash(conn, &hash_token(token.trim()))?
                .filter(|i| i.is_open(now))
                .ok_or_else(dead)?;
            lock_members(conn, invitation.organization_id)?;
            if !invitation.email.eq_ignore_ascii_case(&me.email) {
                return Err(AppError::Forbidden(
                    "This invitation was sent to another address: sign in with that address."
                        .into(),
                ));
            }
            if model::role_of(conn, invitation.organization_id, me.user_id)?.is_some() {
                return Err(AppError::Conflict("You are already a member.".into()));
            }
            if model::accept_invitation(conn, invitation.id, me.user_id, now)? != 1 {
                return Err(dead());
            }
            model::add_member(
                conn,
                invitation.organization_id,
                me.user_id,
                &invitation.role,
                now,
            )?;
            auth_model::audit(
                conn,
                "organization_invitation_accepted",
                Some(me.user_id),
                None,
                "",
                json!({ "organization": invitation.organization_id, "invitation": invitation.id }),
                now,
            )?;
            Ok(model::find(conn, invitation.organization_id)?)
        })
    })
    .await
}

/// Serialises the changes of one organization's members (PostgreSQL runs transactions side by
/// side: two owners removing each other must not leave the organization without one).
fn lock_members(conn: &mut DbConnection, id: i64) -> Result<(), AppError> {
    dialect::lock_key(conn, &format!("organization-members:{id}"))?;
    Ok(())
}

fn last_owner(conn: &mut DbConnection, id: i64, user_id: i64) -> Result<bool, AppError> {
    Ok(model::role_of(conn, id, user_id)?.as_deref() == Some(OWNER)
        && model::owner_count(conn, id)? <= 1)
}

/// Removes a member: owners and admins remove anyone, a member removes only themself (leaves).
/// The last owner stays: hand the ownership over first.
pub async fn remove(pool: &Pool, me: &CurrentUser, id: i64, user_id: i64) -> Result<(), AppError> {
    let me = me.clone();
    db::run(pool, move |conn| {
        dialect::write_transaction(conn, |conn| {
            lock_members(conn, id)?;
            if user_id != me.user_id {
                require_owner(conn, &me, id)?;
            }
            if model::role_of(conn, id, user_id)?.is_none() {
                return Err(AppError::NotFound);
            }
            if last_owner(conn, id, user_id)? {
                return Err(AppError::Conflict(
                    "The last owner cannot leave: make someone else owner first.".into(),
                ));
            }
            model::remove_member(conn, id, user_id)?;
            auth_model::audit(
                conn,
                "organization_member_removed",
                Some(me.user_id),
                Some(user_id),
                "",
                json!({ "organization": id }),
                Utc::now().naive_utc(),
            )?;
            Ok(())
        })
    })
    .await
}

/// Hands the ownership to another member: they become owner, the giver a member (an admin who
/// is not an owner only promotes).
pub async fn transfer(
    pool: &Pool,
    me: &CurrentUser,
    id: i64,
    to_user_id: i64,
) -> Result<(), AppError> {
    let me = me.clone();
    db::run(pool, move |conn| {
        dialect::write_transaction(conn, |conn| {
            lock_members(conn, id)?;
            require_owner(conn, &me, id)?;
            match model::role_of(conn, id, to_user_id)?.as_deref() {
                None => {
                    return Err(AppError::validation(
                        "user_id",
                        "must be a member of the organization",
                    ));
                }
                Some(OWNER) => {
                    return Err(AppError::Conflict(
                        "This member is already an owner.".into(),
                    ));
                }
                Some(_) => {}
            }
            model::set_role(conn, id, to_user_id, OWNER)?;
            if model::role_of(conn, id, me.user_id)?.as_deref() == Some(OWNER) {
                model::set_role(conn, id, me.user_id, MEMBER)?;
            }
            auth_model::audit(
                conn,
                "organization_ownership_transferred",
                Some(me.user_id),
                Some(to_user_id),
                "",
                json!({ "organization": id }),
                Utc::now().naive_utc(),
            )?;
            Ok(())
        })
    })
    .await
}

/// What the management page of an organization shows its members.
pub struct Overview {
    pub organization: Organization,
    /// The viewer's role (`None` for an admin who is not a member).
    pub role: Option<String>,
    /// Owners and admins manage people.
    pub manages: bool,
    /// (user id, name, role, joined at)
    pub members: Vec<(i64, String, String, chrono::NaiveDateTime)>,
    /// Open invitations (only for those who manage).
    pub invitations: Vec<Invitation>,
}

/// The management page's view: members and admins only (403 for the rest).
pub async fn overview(pool: &Pool, me: &CurrentUser, id: i64) -> Result<Overview, AppError> {
    let me = me.clone();
    db::run(pool, move |conn| {
        let organization = model::find(conn, id)?;
        let role = model::role_of(conn, id, me.user_id)?;
        if role.is_none() && !me.is_admin() {
            return Err(AppError::Forbidden(
                "Only the organization's members can see this page.".into(),
            ));
        }
        let manages = me.is_admin() || role.as_deref() == Some(OWNER);
        let invitations = if manages {
            model::open_invitations(conn, id, Utc::now().naive_utc())?
        } else {
            Vec::new()
        };
        Ok(Overview {
            organization,
            role,
            manages,
            members: model::members(conn, id)?,
            invitations,
        })
    })
    .await
}
