//! `/marketplace`: the published offerings of the cluster's organizations, with filters.

use actix_web::{HttpRequest, web};
use askama::Template;
use askama_web::WebTemplate;
use serde::Deserialize;

use super::Choice;
use crate::app::AppState;
use crate::error::AppError;
use crate::marketplace::service::{self, Filters, KINDS};
use crate::themes::service as themes;
use crate::web::pagination::{PageQuery, PageRequest};
use crate::web::{Lang, Layout, Translator};

const PER_PAGE: i64 = 12;

#[derive(Deserialize)]
pub struct MarketQuery {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    theme: String,
    page: Option<i64>,
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
    count_text: String,
    filtered: bool,
    previous: Option<String>,
    next: Option<String>,
}

fn href(kind: &str, theme: &str, page: i64) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    if !kind.is_empty() {
        query.append_pair("kind", kind);
    }
    if !theme.is_empty() {
        query.append_pair("theme", theme);
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

/// `GET /marketplace?kind=…&theme=…&page=…`
pub async fn index(
    req: HttpRequest,
    lang: Lang,
    state: web::Data<AppState>,
    query: web::Query<MarketQuery>,
) -> Result<impl actix_web::Responder, AppError> {
    let t = lang.t();
    let q = query.into_inner();
    let all_themes = themes::all(&state.db).await?;
    // Unknown filter values are ignored rather than refused: a page must always answer.
    let kind = if KINDS.contains(&q.kind.as_str()) {
        q.kind.clone()
    } else {
        String::new()
    };
    let theme = if all_themes.iter().any(|th| th.slug == q.theme) {
        q.theme.clone()
    } else {
        String::new()
    };
    let page = PageRequest::try_from(PageQuery {
        page: Some(q.page.unwrap_or(1).clamp(1, 10_000)),
        per_page: Some(PER_PAGE),
    })?;
    let filters = Filters {
        kind: (!kind.is_empty()).then(|| kind.clone()),
        theme: (!theme.is_empty()).then(|| theme.clone()),
        audience: None,
    };
    let (items, total) = service::list(&state.db, filters, page).await?;
    let names = service::organization_names(
        &state.db,
        items.iter().map(|(o, _)| o.organization_id).collect(),
    )
    .await?;
    let label_of = |slug: &str| {
        all_themes
            .iter()
            .find(|th| th.slug == slug)
            .map(|th| th.label(lang).to_owned())
            .unwrap_or_default()
    };
    let cards = items
        .into_iter()
        .map(|(o, slugs)| Card {
            organization: names
                .iter()
                .find(|(id, _)| *id == o.organization_id)
                .map(|(_, n)| n.clone())
                .unwrap_or_default(),
            kind_key: format!("marketplace.kind.{}", o.kind),
            themes: slugs.iter().map(|s| (s.clone(), label_of(s))).collect(),
            href: format!("/offres/{}", o.slug),
            title: o.title,
            summary: o.summary,
            conditions: o.conditions,
        })
        .collect();
    let kinds = KINDS
        .iter()
        .map(|k| Choice {
            value: (*k).into(),
            label: t.get(&format!("marketplace.kind.{k}")).into(),
            selected: *k == kind,
        })
        .collect();
    let theme_choices = all_themes
        .iter()
        .map(|th| Choice {
            value: th.slug.clone(),
            label: th.label(lang).into(),
            selected: th.slug == theme,
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
        t,
        cards,
        kinds,
        themes: theme_choices,
        count_text,
        filtered: !kind.is_empty() || !theme.is_empty(),
        previous: (page.page > 1).then(|| href(&kind, &theme, page.page - 1)),
        next: (page.page < last_page).then(|| href(&kind, &theme, page.page + 1)),
    })
}
