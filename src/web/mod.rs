//! What pages share: the layout context, languages, static files, error pages, pagination.

pub mod assets;
pub mod dates;
pub mod errors;
pub mod forms;
pub mod i18n;
pub mod markdown;
pub mod pagination;
pub mod respond;
pub mod slug;
pub mod upload;

use actix_web::{HttpMessage, HttpRequest};

pub use i18n::{Lang, Translator};

/// One entry of the main navigation.
pub struct NavItem {
    pub href: &'static str,
    pub key: &'static str,
    pub current: bool,
}

const NAV: [(&str, &str); 4] = [
    ("/marketplace", "nav.marketplace"),
    ("/mentorat", "nav.mentoring"),
    ("/evenements", "nav.events"),
    ("/recherche", "nav.search"),
];

/// Who is signed in, as the header shows it.
pub struct SignedIn {
    pub display_name: String,
    pub is_admin: bool,
}

/// What the base layout needs to know about the page being rendered.
pub struct Layout {
    pub lang: Lang,
    pub path: String,
    pub title: String,
    pub description: String,
    pub canonical: String,
    /// The signed-in person, if any (the header offers "Mon compte" or "Connexion").
    pub user: Option<SignedIn>,
    /// The CSRF token of this visitor, for the forms of the layout (the sign-out button).
    pub csrf: String,
    /// `https://quai.example` without a trailing slash, for absolute links (Open Graph).
    pub base: String,
    /// Open Graph type: `website`, or `article` for an offering, `profile` for an organization.
    pub og_type: &'static str,
    /// An absolute image address for link previews.
    pub og_image: Option<String>,
}

impl Layout {
    pub fn new(req: &HttpRequest, lang: Lang, title: &str, description: &str) -> Self {
        let base = req
            .app_data::<actix_web::web::Data<crate::app::AppState>>()
            .map(|s| {
                s.settings
                    .base_url
                    .as_str()
                    .trim_end_matches('/')
                    .to_owned()
            })
            .unwrap_or_default();
        let user = req
            .extensions()
            .get::<crate::auth::Identity>()
            .map(|identity| SignedIn {
                display_name: identity.display_name.clone(),
                is_admin: identity.roles.contains(&crate::auth::Role::Admin),
            });
        Self {
            lang,
            path: req.path().to_owned(),
            title: title.to_owned(),
            description: description.to_owned(),
            canonical: format!("{base}{}", req.path()),
            user,
            csrf: crate::auth::csrf::form_token(req),
            base,
            og_type: "website",
            og_image: None,
        }
    }

    /// The Open Graph type and image of a page about one thing.
    pub fn about(mut self, og_type: &'static str, image_path: Option<&str>) -> Self {
        self.og_type = og_type;
        self.og_image = image_path.map(|p| format!("{}{p}", self.base));
        self
    }

    /// `fr_FR` or `en_GB`, for `og:locale`.
    pub fn locale(&self) -> &'static str {
        match self.lang {
            Lang::Fr => "fr_FR",
            Lang::En => "en_GB",
        }
    }

    /// Whether an admin is signed in (the header holds one more link).
    pub fn is_admin(&self) -> bool {
        self.user.as_ref().is_some_and(|u| u.is_admin)
    }

    /// Whether the page is in `section` (`/compte`, `/admin`): the header marks its link.
    pub fn within(&self, section: &str) -> bool {
        self.path == section || self.path.starts_with(&format!("{section}/"))
    }

    pub fn asset(&self, name: &str) -> String {
        assets::url(name)
    }

    pub fn nav(&self) -> Vec<NavItem> {
        NAV.iter()
            .map(|(href, key)| NavItem {
                href,
                key,
                current: self.path == *href || self.path.starts_with(&format!("{href}/")),
            })
            .collect()
    }

    pub fn other_lang(&self) -> Lang {
        match self.lang {
            Lang::Fr => Lang::En,
            Lang::En => Lang::Fr,
        }
    }

    /// The link that switches language and comes back to this page.
    pub fn switch_href(&self) -> String {
        format!(
            "/langue/{}?retour={}",
            self.other_lang().code(),
            url::form_urlencoded::byte_serialize(self.path.as_bytes()).collect::<String>()
        )
    }
}
