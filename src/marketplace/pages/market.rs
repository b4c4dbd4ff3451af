//! `/marketplace`: the published offerings of the cluster's organizations, with filters by
//! kind of offering, theme, audience and kind of organization.

use actix_web::{HttpRequest, web};
use askama::Template;
use askama_web::WebTemplate;
use serde::Deserialize;

use super::Choice;
use crate::app::AppState;
use crate::error::AppError;
use crate::marketplace::service::{self, AUDIENCES, Filters, KINDS, ORGANIZATION_KINDS};
use crate::themes::service as themes;
use crate::web::pagination::{PageQuery, PageRequest};
use crate::web::{Lang, Layout, Translator};

const PER_PAGE: i64 = 12;

/// The filters as the address carries them; unknown values are ignored rather than refused: a
/// page must always answer.
#[derive(Default, Deserialize)]
pub struct MarketQuery {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    theme: String,
    #[serde(default)]
    audience: String,
    #[serde(default)]
    organisation: String,
    /// Read as text: a page number that is not one shows the first page.
    #[serde(default)]
    page: String,
}

impl MarketQuery {
    /// The address of this listing at `page`.
    fn href(&self, page: i64) -> String {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        for (name, value) in [
            ("kind", &self.kind),
            ("theme", &self.theme),
            ("audience", &self.audience),
            ("organisation", &self.organisation),
        ] {
            if !value.is_empty() {
                query.append_pair(name, value);
            }
        }
        if page > 1 {
            query.append_pair("page", &page.to_string());
        }
        let query = query.finish();
        if query.is_empty() {
            "/marketplace".into()
        } else {
            format!("/marketplace?{query}")
        }
    }

    fn filtered(&self) -> bool {
        !(self.kind.is_empty()
            && self.theme.is_empty()
            && self.audience.is_empty()
            && self.organisation.is_empty())
    }
}

pub struct Card {
    pub href: String,
    pub title: String,
    pub organization: String,
    pub kind_key: String,
    pub summary: String,
    pub conditions: String,
    pub themes: Vec<(String, String)>,
}

#[derive(Template, WebTemplate)]
#[template(path = "marketplace/index.html")]
struct MarketPage {
    layout: Layout,
    t: Translator,
    cards: Vec<Card>,
    kinds: Vec<Choice>,
    themes: Vec<Choice>,
    audiences: Vec<Choice>,
    organization_kinds: Vec<Choice>,
    count_text: String,
    filtered: bool,
    previous: Option<String>,
    next: Option<String>,
}

fn keep(value: &str, allowed: &[&str]) -> String {
    if allowed.contains(&value) {
        value.to_owned()
    } else {
        String::new()
    }
}

fn choices(t: Translator, options: &[&str], prefix: &str, selected: &str) -> Vec<Choice> {
    options
        .iter()
        .map(|v| Choice {
            value: (*v).to_owned(),
            label: t.get(&format!("{prefix}.{v}")).to_owned(),
            selected: *v == selected,
        })
        .collect()
}

/// `GET /marketplace?kind=…&theme=…&audience=…&organisation=…&page=…`
pub async fn index(
    req: HttpRequest,
    lang: Lang,
    state: web::Data<AppState>,
    query: web::Query<MarketQuery>,
) -> Result<impl actix_web::Responder, AppError> {
    let t = lang.t();
    let q = query.into_inner();
    let q_page = q.page.trim().parse::<i64>().unwrap_or(1);
    let all_themes = themes::all(&state.db).await?;
    let theme_slugs: Vec<&str> = all_themes.iter().map(|th| th.slug.as_str()).collect();
    let q = MarketQuery {
        kind: keep(&q.kind, &KINDS),
        theme: keep(&q.theme, &theme_slugs),
        audience: keep(&q.audience, &AUDIENCES[1..]),
        organisation: keep(&q.organisation, &ORGANIZATION_KINDS),
        page: String::new(),
    };
    let page = PageRequest::try_from(PageQuery {
        page: Some(q_page.clamp(1, 10_000)),
        per_page: Some(PER_PAGE),
    })?;
    let some = |v: &String| (!v.is_empty()).then(|| v.clone());
    let filters = Filters {
        kind: some(&q.kind),
        theme: some(&q.theme),
        audience: some(&q.audience),
        organization_kind: some(&q.organisation),
    };
    let (items, total) = service::list(&state.db, filters, page).await?;
    let names = service::organization_names(
        &state.db,
        items.iter().map(|(o, _)| o.organization_id).collect(),
    )
    .await?;
    let cards = items
        .into_iter()
        .map(|(o, slugs)| Card {
            organization: names
                .iter()
                .find(|(id, _)| *id == o.organization_id)
                .map(|(_, n)| n.clone())
                .unwrap_or_default(),
            kind_key: format!("marketplace.kind.{}", o.kind),
            themes: super::theme_chips(&all_themes, &slugs, lang),
            href: format!("/offres/{}", o.slug),
            title: o.title,
            summary: o.summary,
            conditions: o.conditions,
        })
        .collect();
    let theme_choices = all_themes
        .iter()
        .map(|th| Choice {
            value: th.slug.clone(),
            label: th.label(lang).into(),
            selected: th.slug == q.theme,
        })
        .collect();
    let count_text = match total {
        0 => t.get("marketplace.count_zero").to_owned(),
        1 => t.get("marketplace.count_one").to_owned(),
        n => t
            .get("marketplace.count_many")
            .replace("{n}", &n.to_string()),
    };
    let last_page = (total + PER_PAGE - 1) / PER_PAGE;
    Ok(MarketPage {
        layout: Layout::new(
            &req,
            lang,
            &format!("{} · Quai", t.get("marketplace.title")),
            t.get("marketplace.lead"),
        ),
        kinds: choices(t, &KINDS, "marketplace.kind", &q.kind),
        audiences: choices(t, &AUDIENCES[1..], "offering.audience", &q.audience),
        organization_kinds: choices(
            t,
            &ORGANIZATION_KINDS,
            "organization.kinds",
            &q.organisation,
        ),
        t,
        cards,
        themes: theme_choices,
        count_text,
        filtered: q.filtered(),
        previous: (page.page > 1).then(|| q.href(page.page - 1)),
        next: (page.page < last_page).then(|| q.href(page.page + 1)),
    })
}
