//! A browser without JavaScript, for page tests: keeps its cookies, follows no redirect, posts
//! forms with their CSRF token and our own Origin.

use reqwest::redirect::Policy;

use super::TestApp;
use super::accounts::PASSWORD;

/// A browser: keeps its cookies, follows no redirect, sends our own Origin with its forms.
pub struct Visitor<'a> {
    pub app: &'a TestApp,
    pub client: reqwest::Client,
    pub lang: &'static str,
}

pub struct Answer {
    pub status: u16,
    pub location: String,
    pub cookies: Vec<String>,
    pub html: String,
}

impl<'a> Visitor<'a> {
    pub fn new(app: &'a TestApp) -> Self {
        Self::speaking(app, "fr-FR,fr;q=0.9")
    }

    pub fn speaking(app: &'a TestApp, lang: &'static str) -> Self {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(Policy::none())
            .user_agent("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0")
            .build()
            .unwrap();
        Self { app, client, lang }
    }

    pub async fn answer(res: reqwest::Response) -> Answer {
        let status = res.status().as_u16();
        let header = |name: &str| {
            res.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_owned()
        };
        let location = header("location");
        let cookies = res
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect();
        let html = res.text().await.unwrap();
        Answer {
            status,
            location,
            cookies,
            html,
        }
    }

    pub async fn get(&self, path: &str) -> Answer {
        let res = self
            .client
            .get(self.app.url(path))
            .header("accept-language", self.lang)
            .send()
            .await
            .unwrap();
        Self::answer(res).await
    }

    /// A page that must answer 200.
    pub async fn page(&self, path: &str) -> String {
        let answer = self.get(path).await;
        assert_eq!(answer.status, 200, "GET {path}: {}", answer.html);
        answer.html
    }

    /// Posts `fields` and the CSRF token of the page `from`, as its form would.
    pub async fn submit(&self, from: &str, action: &str, fields: &[(&str, &str)]) -> Answer {
        let token = csrf(&self.page(from).await);
        let mut form: Vec<(&str, &str)> = fields.to_vec();
        form.push(("csrf_token", &token));
        self.post_raw(action, &form, &self.app.address).await
    }

    pub async fn post_raw(&self, action: &str, form: &[(&str, &str)], origin: &str) -> Answer {
        let res = self
            .client
            .post(self.app.url(action))
            .header("accept-language", self.lang)
            .header("origin", origin)
            .form(form)
            .send()
            .await
            .unwrap();
        Self::answer(res).await
    }

    pub async fn sign_up(&self, email: &str, name: &str) -> Answer {
        self.submit(
            "/inscription",
            "/inscription",
            &[
                ("email", email),
                ("display_name", name),
                ("password", PASSWORD),
                ("lang", "fr"),
                ("kind", "startup_founder"),
            ],
        )
        .await
    }

    pub async fn sign_in(&self, email: &str, password: &str) -> Answer {
        self.submit(
            "/connexion",
            "/connexion",
            &[("email", email), ("password", password)],
        )
        .await
    }
}

/// The CSRF token of the first form of a page.
pub fn csrf(html: &str) -> String {
    let start = html
        .find("name=\"csrf_token\" value=\"")
        .unwrap_or_else(|| panic!("no CSRF field in {html}"))
        + "name=\"csrf_token\" value=\"".len();
    let token: String = html[start..].chars().take_while(|c| *c != '"').collect();
    assert!(token.len() >= 32, "a real token: {token:?}");
    token
}

/// The text a person reads (tags dropped, spaces folded, French non-breaking spaces as spaces).
pub fn text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace('\u{a0}', " ")
        .replace("&#39;", "’")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}
