//! `/espace/mentorat/profil`: the signed-in mentor's profile form (created on first save).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::{
    Choice, LANGUAGES, all_of, field_message, hhmm, is_refusal, one_of, refusal, refusal_status,
};
use crate::app::AppState;
use crate::auth::csrf::CsrfForm;
use crate::auth::{CurrentUser, Role};
use crate::error::AppError;
use crate::mentoring::scoring::STAGES;
use crate::mentoring::service::{
    self, MENTOR_VISIBILITIES, MentorInput, MentorView, SlotInput, ThemeLevel,
};
use crate::orgs::service as orgs;
use crate::themes::service as themes;
use crate::web::forms::FormState;
use crate::web::respond::or_sign_in;
use crate::web::{Lang, Layout, Translator, respond};

type Page = Result<HttpResponse, AppError>;

const FIELDS: [&str; 11] = [
    "headline",
    "bio",
    "organization_id",
    "expertise",
    "languages",
    "stages",
    "capacity",
    "availability",
    "slots",
    "visibility",
    "paused",
];

/// Empty slot rows offered after the mentor's own.
const SPARE_SLOTS: usize = 2;

/// What the form holds, as typed.
#[derive(Default)]
pub struct Values {
    pub headline: String,
    pub bio: String,
    pub organization_id: String,
    /// (theme slug, level 0–3)
    pub levels: Vec<(String, i32)>,
    pub languages: Vec<String>,
    pub stages: Vec<String>,
    pub capacity: String,
    pub availability: String,
    /// (weekday 1–7 or "", start, end)
    pub slots: Vec<(String, String, String)>,
    pub visibility: String,
    pub paused: bool,
}

impl Values {
    fn of(v: &MentorView) -> Self {
        let m = &v.mentor;
        Self {
            headline: m.headline.clone(),
            bio: m.bio.clone(),
            organization_id: m
                .organization_id
                .map(|id| id.to_string())
                .unwrap_or_default(),
            levels: v
                .expertise
                .iter()
                .map(|(slug, _, _, level)| (slug.clone(), *level))
                .collect(),
            languages: m.language_list(),
            stages: m.stage_list(),
            capacity: m.capacity.to_string(),
            availability: m.availability.clone(),
            slots: v
                .slots
                .iter()
                .map(|&(d, s, e)| (d.to_string(), hhmm(s), hhmm(e)))
                .collect(),
            visibility: m.visibility.clone(),
            paused: m.paused,
        }
    }

    fn fresh() -> Self {
        Self {
            languages: vec!["fr".into()],
            capacity: "2".into(),
            visibility: "public".into(),
            ..Self::default()
        }
    }

    fn from_pairs(pairs: &[(String, String)]) -> Self {
        let days = all_of(pairs, "slot_day");
        let starts = all_of(pairs, "slot_start");
        let ends = all_of(pairs, "slot_end");
        Self {
            headline: one_of(pairs, "headline"),
            bio: one_of(pairs, "bio"),
            organization_id: one_of(pairs, "organization_id"),
            levels: pairs
                .iter()
                .filter_map(|(k, v)| {
                    let slug = k.strip_prefix("level-")?;
                    Some((slug.to_owned(), v.trim().parse().unwrap_or(0)))
                })
                .collect(),
            languages: all_of(pairs, "languages"),
            stages: all_of(pairs, "stages"),
            capacity: one_of(pairs, "capacity"),
            availability: one_of(pairs, "availability"),
            slots: days
                .into_iter()
                .zip(starts)
                .zip(ends)
                .map(|((d, s), e)| (d, s, e))
                .collect(),
            visibility: one_of(pairs, "visibility"),
            paused: !one_of(pairs, "paused").is_empty(),
        }
    }

    fn level(&self, slug: &str) -> i32 {
        self.levels
            .iter()
            .find(|(s, _)| s == slug)
            .map_or(0, |(_, l)| *l)
    }

    /// The service's input; a capacity that is not a number is refused here.
    fn input(&self) -> Result<MentorInput, AppError> {
        let capacity = self
            .capacity
            .trim()
            .parse::<i32>()
            .map_err(|_| AppError::validation("capacity", "must be a whole number"))?;
        let mut slots = Vec::new();
        for (day, start, end) in &self.slots {
            if day.trim().is_empty() && start.trim().is_empty() && end.trim().is_empty() {
                continue;
            }
            slots.push(SlotInput {
                weekday: day.trim().parse().unwrap_or(0),
                start: start.clone(),
                end: end.clone(),
            });
        }
        Ok(MentorInput {
            headline: self.headline.clone(),
            bio: self.bio.clone(),
            expertise: self
                .levels
                .iter()
                .filter(|(_, level)| *level != 0)
                .map(|(theme, level)| ThemeLevel {
                    theme: theme.clone(),
                    level: *level,
                })
                .collect(),
            languages: self.languages.clone(),
            stages: self.stages.clone(),
            capacity,
            availability: self.availability.clone(),
            slots,
            visibility: self.visibility.clone(),
            paused: self.paused,
            organization_id: self.organization_id.trim().parse().ok(),
        })
    }
}

pub struct LevelRow {
    pub slug: String,
    pub label: String,
    pub options: Vec<Choice>,
}

pub struct SlotRow {
    pub n: usize,
    pub days: Vec<Choice>,
    pub start: String,
    pub end: String,
}

#[derive(Template)]
#[template(path = "mentoring/profile_form.html")]
struct ProfilePage {
    layout: Layout,
    t: Translator,
    form: FormState,
    values: Values,
    /// The person may have a mentor profile (the mentor role, or an admin).
    allowed: bool,
    creating: bool,
    public_href: Option<String>,
    organizations: Vec<Choice>,
    levels: Vec<LevelRow>,
    languages: Vec<Choice>,
    stages: Vec<Choice>,
    slots: Vec<SlotRow>,
    visibilities: Vec<Choice>,
}

async fn render(
    req: &HttpRequest,
    lang: Lang,
    state: &AppState,
    me: &CurrentUser,
    form: FormState,
    values: Values,
    status: StatusCode,
) -> Page {
    let t = lang.t();
    let existing = service::my_profile(&state.db, me).await?;
    let all_themes = themes::all(&state.db).await?;
    let organizations = orgs::mine(&state.db, me)
        .await?
        .into_iter()
        .map(|(org, _)| Choice {
            selected: org.id.to_string() == values.organization_id,
            value: org.id.to_string(),
            label: org.name,
        })
        .collect();
    let level_names: Vec<String> = (0..=3)
        .map(|l| t.get(&format!("mentoring.level.{l}")).to_owned())
        .collect();
    let levels = all_themes
        .iter()
        .map(|th| {
            let current = values.level(&th.slug);
            LevelRow {
                slug: th.slug.clone(),
                label: th.label(lang).to_owned(),
                options: (0..=3)
                    .map(|l| Choice {
                        value: l.to_string(),
                        label: level_names[l as usize].clone(),
                        selected: l == current,
                    })
                    .collect(),
            }
        })
        .collect();
    let mut slot_values = values.slots.clone();
    let typed = slot_values
        .iter()
        .filter(|(d, s, e)| !(d.is_empty() && s.is_empty() && e.is_empty()))
        .count();
    slot_values.retain(|(d, s, e)| !(d.is_empty() && s.is_empty() && e.is_empty()));
    slot_values.resize(typed + SPARE_SLOTS, Default::default());
    let slots = slot_values
        .into_iter()
        .enumerate()
        .map(|(n, (day, start, end))| SlotRow {
            n,
            days: (1..=7)
                .map(|d| Choice {
                    value: d.to_string(),
                    label: t.get(&format!("mentoring.weekdays.{d}")).to_owned(),
                    selected: d.to_string() == day,
                })
                .collect(),
            start,
            end,
        })
        .collect();
    let mut title = format!("{} · Quai", t.get("mentoring.profile.title"));
    if form.has_errors() {
        title = format!("{} {title}", t.get("accounts.form.title_error"));
    }
    let page = ProfilePage {
        layout: Layout::new(req, lang, &title, t.get("mentoring.profile.lead")),
        allowed: me.require(Role::Mentor).is_ok() || existing.is_some(),
        creating: existing.is_none(),
        public_href: existing
            .as_ref()
            .map(|v| format!("/mentorat/mentors/{}", v.mentor.slug)),
        organizations,
        levels,
        languages: LANGUAGES
            .iter()
            .map(|code| Choice {
                value: (*code).to_owned(),
                label: t.get(&format!("mentoring.languages.{code}")).to_owned(),
                selected: values.languages.iter().any(|l| l == code),
            })
            .collect(),
        stages: STAGES
            .iter()
            .map(|s| Choice {
                value: (*s).to_owned(),
                label: t.get(&format!("mentoring.stages.{s}")).to_owned(),
                selected: values.stages.iter().any(|x| x == s),
            })
            .collect(),
        slots,
        visibilities: MENTOR_VISIBILITIES
            .iter()
            .map(|v| Choice {
                value: (*v).to_owned(),
                label: t
                    .get(&format!("mentoring.profile.visibility_{v}"))
                    .to_owned(),
                selected: values.visibility == *v,
            })
            .collect(),
        t,
        form,
        values,
    };
    respond::html(status, &page, true)
}

/// `GET /espace/mentorat/profil`
pub async fn form(
    req: HttpRequest,
    lang: Lang,
    me: Result<CurrentUser, AppError>,
    state: web::Data<AppState>,
) -> Page {
    let me = match or_sign_in(me, "/espace/mentorat/profil") {
        Ok(me) => me,
        Err(page) => return page,
    };
    let values = match service::my_profile(&state.db, &me).await? {
        Some(v) => Values::of(&v),
        None => Values::fresh(),
    };
    render(
        &req,
        lang,
        &state,
        &me,
        FormState::new(""),
        values,
        StatusCode::OK,
    )
    .await
}

/// `POST /espace/mentorat/profil`
pub async fn save(
    req: HttpRequest,
    lang: Lang,
    me: Result<CurrentUser, AppError>,
    state: web::Data<AppState>,
    form: CsrfForm<Vec<(String, String)>>,
) -> Page {
    let me = match or_sign_in(me, "/espace/mentorat/profil") {
        Ok(me) => me,
        Err(page) => return page,
    };
    let values = Values::from_pairs(&form.0);
    let saved = match values.input() {
        Ok(input) => service::save_my_profile(&state.db, &me, input).await,
        Err(e) => Err(e),
    };
    let t = lang.t();
    match saved {
        Ok(_) => Ok(respond::see_other("/espace/mentorat?ok=profil")),
        Err(AppError::Validation(errors)) => {
            let form = FormState::with_messages("", &errors, &FIELDS, |m| field_message(m, t));
            render(
                &req,
                lang,
                &state,
                &me,
                form,
                values,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) if is_refusal(&e) => {
            let status = refusal_status(&e);
            let form = FormState::with_general("", refusal(&e, t));
            render(&req, lang, &state, &me, form, values, status).await
        }
        Err(e) => Err(e),
    }
}
