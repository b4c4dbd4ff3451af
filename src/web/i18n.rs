//! French first, English second: the visitor's language and the message catalogs.
//!
//! The language comes from the `quai_lang` cookie, else from `Accept-Language`, else French.
//! Catalogs live in `frontend/i18n/{fr,en}.toml` and are compiled into the binary.

use std::collections::HashMap;
use std::future::{Ready, ready};
use std::sync::LazyLock;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest};

pub const LANG_COOKIE: &str = "quai_lang";

#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Default,
    serde::Serialize,
    serde::Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Fr,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Fr, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        match code.trim().to_ascii_lowercase().as_str() {
            "fr" => Some(Lang::Fr),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The best of our languages for an `Accept-Language` header, by quality then order.
    pub fn from_accept_language(value: &str) -> Option<Self> {
        let mut best: Option<(f32, Lang)> = None;
        for part in value.split(',') {
            let mut pieces = part.trim().split(';');
            let tag = pieces.next().unwrap_or("").trim();
            let primary = tag.split('-').next().unwrap_or("");
            let q = pieces
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            if let Some(lang) = Lang::parse(primary)
                && q > 0.0
                && best.is_none_or(|(bq, _)| q > bq)
            {
                best = Some((q, lang));
            }
        }
        best.map(|(_, lang)| lang)
    }

    pub fn of_request(req: &HttpRequest) -> Self {
        if let Some(lang) = req.cookie(LANG_COOKIE).and_then(|c| Lang::parse(c.value())) {
            return lang;
        }
        req.headers()
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .and_then(Lang::from_accept_language)
            .unwrap_or_default()
    }

    /// The message catalog of this language.
    pub fn t(self) -> Translator {
        Translator { lang: self }
    }
}

impl FromRequest for Lang {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(Lang::of_request(req)))
    }
}

type Catalog = HashMap<String, String>;

fn load(source: &str) -> Catalog {
    let table: toml::Table = source.parse().expect("i18n catalog is valid TOML");
    let mut out = Catalog::new();
    flatten("", &toml::Value::Table(table), &mut out);
    out
}

fn flatten(prefix: &str, value: &toml::Value, out: &mut Catalog) {
    match value {
        toml::Value::Table(t) => {
            for (k, v) in t {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&key, v, out);
            }
        }
        toml::Value::String(s) => {
            out.insert(prefix.to_owned(), s.clone());
        }
        other => {
            out.insert(prefix.to_owned(), other.to_string());
        }
    }
}

static FR: LazyLock<Catalog> = LazyLock::new(|| load(include_str!("../../frontend/i18n/fr.toml")));
static EN: LazyLock<Catalog> = LazyLock::new(|| load(include_str!("../../frontend/i18n/en.toml")));

pub fn catalog(lang: Lang) -> &'static Catalog {
    match lang {
        Lang::Fr => &FR,
        Lang::En => &EN,
    }
}

/// Looks messages up for templates: `{{ t.get("nav.events") }}`.
#[derive(Clone, Copy, Debug)]
pub struct Translator {
    pub lang: Lang,
}

impl Translator {
    pub fn get(&self, key: &str) -> &'static str {
        match catalog(self.lang).get(key).or_else(|| FR.get(key)) {
            Some(text) => text.as_str(),
            None => {
                tracing::warn!(key, "missing translation");
                "…"
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_catalogs_have_the_same_keys() {
        let mut fr: Vec<_> = FR.keys().collect();
        let mut en: Vec<_> = EN.keys().collect();
        fr.sort();
        en.sort();
        assert_eq!(fr, en);
        assert!(FR.len() > 20);
    }

    #[test]
    fn accept_language_picks_by_quality() {
        assert_eq!(
            Lang::from_accept_language("en-GB,en;q=0.9,fr;q=0.8"),
            Some(Lang::En)
        );
        assert_eq!(
            Lang::from_accept_language("de;q=1, fr;q=0.5, en;q=0.4"),
            Some(Lang::Fr)
        );
        assert_eq!(Lang::from_accept_language("de, it"), None);
        assert_eq!(
            Lang::from_accept_language("en;q=0, fr;q=0.1"),
            Some(Lang::Fr)
        );
    }
}
