//! The emails of the mentoring workflow: one shape (`emails/action`), one message per person in
//! their language, queued in the caller's transaction. Keys: `email.mentoring.<step>.*`.

use super::model::{self, Mentorship};
use crate::auth::model as auth_model;
use crate::db::DbConnection;
use crate::error::AppError;
use crate::jobs::EnqueueOptions;
use crate::mail::{self, templates};
use crate::orgs::model as orgs;
use crate::web::Lang;

/// Who receives a message: the mentor, or the startup's members.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Audience {
    Mentor,
    Startup,
}

fn people(
    conn: &mut DbConnection,
    m: &Mentorship,
    audience: Audience,
) -> Result<Vec<auth_model::User>, AppError> {
    let mut out = Vec::new();
    match audience {
        Audience::Mentor => {
            let mentor = model::find_mentor(conn, m.mentor_id)?;
            out.push(auth_model::by_id(conn, mentor.user_id)?);
        }
        Audience::Startup => {
            let project = model::find_project(conn, m.project_id)?;
            for (user_id, ..) in orgs::members(conn, project.organization_id)? {
                out.push(auth_model::by_id(conn, user_id)?);
            }
        }
    }
    out.retain(|u| u.can_sign_in());
    Ok(out)
}

/// Queues `email.mentoring.<key>` to the audience, with the project, the other side and the
/// non-empty `extra` lines.
pub fn notify(
    conn: &mut DbConnection,
    base_url: &str,
    m: &Mentorship,
    audience: Audience,
    key: &str,
    extra: &[&str],
) -> Result<(), AppError> {
    let project = model::find_project(conn, m.project_id)?;
    let organization = orgs::find(conn, project.organization_id)?;
    let mentor = model::find_mentor(conn, m.mentor_id)?;
    let mentor_name = auth_model::by_id(conn, mentor.user_id)?.display_name;
    let url = format!(
        "{}/espace/mentorat/{}",
        base_url.trim_end_matches('/'),
        m.id
    );
    for user in people(conn, m, audience)? {
        let lang = Lang::parse(&user.lang).unwrap_or_default();
        let t = lang.t();
        let body = t.get(&format!("email.mentoring.{key}.body"));
        let intro = match lang {
            Lang::Fr => format!("{body} « {} »", project.title),
            Lang::En => format!("{body} “{}”", project.title),
        };
        let who = match audience {
            Audience::Mentor => format!(
                "{} : {}",
                t.get("email.mentoring.startup"),
                organization.name
            ),
            Audience::Startup => format!("{} : {}", t.get("email.mentoring.mentor"), mentor_name),
        };
        let mut lines = vec![intro.as_str(), who.as_str()];
        lines.extend(extra.iter().copied().filter(|l| !l.trim().is_empty()));
        let action = templates::Action {
            subject: format!(
                "{} — {}",
                t.get(&format!("email.mentoring.{key}.subject")),
                project.title
            ),
            heading: t.get(&format!("email.mentoring.{key}.heading")),
            greeting: templates::greeting(t, &user.display_name),
            lines,
            action_label: t.get("email.mentoring.action"),
            action_url: Some(url.clone()),
            note: t.get("email.mentoring.note"),
        };
        let content = templates::action(t, base_url, &action)?;
        let to = mail::parse_recipient("email", &user.email)?;
        mail::enqueue(conn, &to, content, Vec::new(), EnqueueOptions::default())?;
    }
    Ok(())
}
