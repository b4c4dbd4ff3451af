//! Headless Chromium through WebDriver (Debian packages `chromium` and `chromium-driver`).
//!
//! Browser tests run whenever `chromedriver` is on the PATH; without it they print a notice and
//! pass, unless `QUAI_REQUIRE_BROWSER=1` (set by CI), where a missing driver fails the test.

use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use tempfile::TempDir;

pub struct Browser {
    pub client: Client,
    driver: Child,
    _profile: TempDir,
}

fn on_path(program: &str) -> Option<std::path::PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(program))
            .find(|candidate| candidate.is_file())
    })
}

/// Starts chromedriver and a fresh headless Chromium of `width`×`height`; `None` when skipped.
pub async fn start(width: u32, height: u32) -> Option<Browser> {
    let Some(driver_path) = on_path("chromedriver") else {
        if std::env::var("QUAI_REQUIRE_BROWSER").is_ok_and(|v| v == "1") {
            panic!("QUAI_REQUIRE_BROWSER=1 but chromedriver is not on the PATH");
        }
        eprintln!(
            "NOTICE: browser test skipped: chromedriver is not on the PATH (apt-get install chromium chromium-driver)"
        );
        return None;
    };
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    // Its own process group, so that the browsers it starts go away with it, even after a panic.
    let driver = Command::new(driver_path)
        .process_group(0)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let deadline = Instant::now() + Duration::from_secs(15);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "chromedriver did not open its port"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let profile = tempfile::tempdir().unwrap();
    let mut args = vec![
        "--headless=new".to_owned(),
        "--no-sandbox".into(),
        "--disable-gpu".into(),
        "--disable-dev-shm-usage".into(),
        "--disable-background-networking".into(),
        "--disable-component-update".into(),
        "--disable-sync".into(),
        "--disable-quic".into(),
        "--no-first-run".into(),
        "--lang=fr-FR".into(),
        format!("--window-size={width},{height}"),
        format!("--user-data-dir={}", profile.path().display()),
    ];
    args.push("--hide-scrollbars".into());
    let mut options = serde_json::json!({
        "args": args,
        "prefs": { "intl.accept_languages": "fr-FR,fr" },
    });
    if let Some(chromium) = on_path("chromium") {
        options["binary"] = serde_json::Value::String(chromium.display().to_string());
    }
    let mut caps = serde_json::Map::new();
    caps.insert("goog:chromeOptions".into(), options);
    let client = ClientBuilder::new(HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .expect("a Chromium session");
    Some(Browser {
        client,
        driver,
        _profile: profile,
    })
}

impl Browser {
    /// Saves a PNG of the page when `QUAI_SCREENSHOTS` names a folder (to look at it).
    pub async fn screenshot(&self, name: &str) {
        if let Ok(dir) = std::env::var("QUAI_SCREENSHOTS") {
            let png = self.client.screenshot().await.expect("screenshot");
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(format!("{dir}/{name}.png"), png).unwrap();
        }
    }

    /// Ends the WebDriver session; dropping `self` then stops the driver and its browsers.
    pub async fn close(self) {
        let _ = self.client.clone().close().await;
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // The whole group: chromedriver and the Chromium processes it started.
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.driver.id())])
            .status();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

// ---------------------------------------------------------------------------------------------
// What browser tests do with a page
// ---------------------------------------------------------------------------------------------

/// The text of an element, waiting for it to appear (a click does not wait for the next page).
pub async fn text_of(c: &Client, css: &str) -> String {
    c.wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .text()
        .await
        .unwrap()
}

/// Waits until an element's text contains `expected` (the page before may hold the same element).
pub async fn wait_text(c: &Client, css: &str, expected: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let text = match c.find(Locator::Css(css)).await {
            Ok(e) => e.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        };
        if text.contains(expected) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{css} never said {expected:?}; last: {text:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Waits for the browser to reach `expected`.
pub async fn wait_path(c: &Client, expected: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while path(c).await != expected {
        assert!(
            Instant::now() < deadline,
            "never reached {expected}; at {}",
            path(c).await
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

pub async fn fill(c: &Client, css: &str, value: &str) {
    let field = c
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"));
    field.clear().await.unwrap();
    field.send_keys(value).await.unwrap();
}

pub async fn click(c: &Client, css: &str) {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .click()
        .await
        .unwrap();
}

pub async fn path(c: &Client) -> String {
    c.current_url().await.unwrap().path().to_owned()
}

/// Nothing sticks out of the viewport sideways (the page works down to 360 px).
pub async fn assert_fits(c: &Client, what: &str) {
    let overflow = c
        .execute(
            "return document.documentElement.scrollWidth - window.innerWidth;",
            vec![],
        )
        .await
        .unwrap();
    assert!(
        overflow.as_i64().unwrap() <= 0,
        "{what}: horizontal overflow of {overflow} px"
    );
}

/// A Chrome DevTools command, through chromedriver's `goog/cdp/execute`.
#[derive(Debug)]
pub struct Cdp(serde_json::Value);

impl fantoccini::wd::WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base.join(&format!(
            "session/{}/goog/cdp/execute",
            session.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (reqwest::Method, Option<String>) {
        (reqwest::Method::POST, Some(self.0.to_string()))
    }
}

/// Headless Chromium keeps windows at least 500 px wide: a phone's screen is emulated instead.
pub async fn phone_screen(c: &Client, width: u32, height: u32) {
    let params = serde_json::json!({ "width": width, "height": height, "deviceScaleFactor": 1, "mobile": true });
    c.issue_cmd(Cdp(
        serde_json::json!({ "cmd": "Emulation.setDeviceMetricsOverride", "params": params }),
    ))
    .await
    .expect("Chromium emulates a phone screen");
}

/// The width pages are laid out for.
pub async fn layout_width(c: &Client) -> u64 {
    c.execute("return window.innerWidth;", vec![])
        .await
        .unwrap()
        .as_u64()
        .unwrap()
}

pub async fn scroll_to(c: &Client, id: &str) {
    c.execute(
        "document.getElementById(arguments[0]).scrollIntoView();",
        vec![serde_json::json!(id)],
    )
    .await
    .unwrap();
}
