//! Organization logos through the real app: the API (`PUT`/`DELETE
//! /api/v1/organizations/{id}/logo`), the portal's multipart form with its CSRF token, and
//! `/media/logos/{name}`. The images are built byte by byte here.

use reqwest::redirect::Policy;
use serde_json::{Value, json};

use crate::common::accounts::{PASSWORD, admin, bearer, verified_user};
use crate::common::{TestApp, assert_content_type, problem};

// ---------------------------------------------------------------------------------------------
// Images
// ---------------------------------------------------------------------------------------------

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let start = out.len();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let crc = crc32fast::hash(&out[start..]);
    out.extend_from_slice(&crc.to_be_bytes());
}

/// A valid grey 2×2 PNG, padded with a comment (`tEXt`) up to about `size` bytes.
fn png_of_size(size: usize) -> Vec<u8> {
    let mut out = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&2u32.to_be_bytes());
    ihdr.extend_from_slice(&2u32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 0, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &ihdr);
    if size > 100 {
        let mut text = b"Comment\0".to_vec();
        text.resize(size - 100, b'q');
        chunk(&mut out, b"tEXt", &text);
    }
    // Two rows of two grey pixels, each after its filter byte, in one stored deflate block.
    let raw = [0u8, 0x80, 0x80, 0, 0x80, 0x80];
    let mut zlib = vec![
        0x78,
        0x01,
        0x01,
        raw.len() as u8,
        0,
        !(raw.len() as u8),
        0xFF,
    ];
    zlib.extend_from_slice(&raw);
    let (mut a, mut b) = (1u32, 0u32);
    for byte in raw {
        a = (a + u32::from(byte)) % 65521;
        b = (b + a) % 65521;
    }
    zlib.extend_from_slice(&((b << 16) | a).to_be_bytes());
    chunk(&mut out, b"IDAT", &zlib);
    chunk(&mut out, b"IEND", &[]);
    out
}

fn png() -> Vec<u8> {
    png_of_size(0)
}

/// A 1×1 greyscale baseline JPEG.
fn jpeg() -> Vec<u8> {
    let mut out = vec![0xFF, 0xD8, 0xFF, 0xDB, 0x00, 0x43, 0x00];
    out.extend_from_slice(&[1; 64]);
    out.extend_from_slice(&[
        0xFF, 0xC0, 0x00, 0x0B, 0x08, 0x00, 0x01, 0x00, 0x01, 0x01, 0x01, 0x11, 0x00,
    ]);
    for class in [0x00, 0x10] {
        out.extend_from_slice(&[0xFF, 0xC4, 0x00, 0x14, class, 1]);
        out.extend_from_slice(&[0; 16]);
    }
    out.extend_from_slice(&[
        0xFF, 0xDA, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3F, 0x00, 0x3F, 0xFF, 0xD9,
    ]);
    out
}

/// A 1×1 lossless WebP.
fn webp() -> Vec<u8> {
    let mut out = b"RIFF\x16\x00\x00\x00WEBPVP8L\x09\x00\x00\x00".to_vec();
    out.extend_from_slice(&[0x2F, 0x00, 0x00, 0x00, 0x00, 0x88, 0x88, 0xFE, 0x07, 0x00]);
    out
}

const SVG: &str = r##"<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" role="img" aria-label="Quai">
  <defs><linearGradient id="g"><stop offset="0" stop-color="#12355b"/><stop offset="1" stop-color="#1f7a4d"/></linearGradient></defs>
  <rect width="64" height="64" rx="12" fill="url(#g)"/>
  <text x="32" y="40" text-anchor="middle" fill="#fff">Q</text>
</svg>
"##;

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

fn startup(name: &str) -> Value {
    json!({ "kind": "startup", "name": name, "pitch": "Des logos bien gardés.", "themes": [] })
}

/// A startup owned by a new verified founder: (its id, the founder's tokens).
async fn organization(app: &TestApp, email: &str) -> (i64, Value) {
    let founder = verified_user(app, email, "Fondatrice", "startup_founder").await;
    let res = app
        .client
        .post(app.url("/api/v1/organizations"))
        .header("authorization", bearer(&founder))
        .json(&startup("Chaleur Picarde"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let org: Value = res.json().await.unwrap();
    assert_eq!(org["logo_url"], Value::Null);
    (org["id"].as_i64().unwrap(), founder)
}

async fn put_logo(
    app: &TestApp,
    tokens: Option<&Value>,
    id: i64,
    content_type: Option<&str>,
    body: Vec<u8>,
) -> reqwest::Response {
    let mut req = app
        .client
        .put(app.url(&format!("/api/v1/organizations/{id}/logo")))
        .body(body);
    if let Some(tokens) = tokens {
        req = req.header("authorization", bearer(tokens));
    }
    if let Some(ct) = content_type {
        req = req.header("content-type", ct);
    }
    req.send().await.unwrap()
}

async fn delete_logo(app: &TestApp, tokens: &Value, id: i64) -> reqwest::Response {
    app.client
        .delete(app.url(&format!("/api/v1/organizations/{id}/logo")))
        .header("authorization", bearer(tokens))
        .send()
        .await
        .unwrap()
}

/// The organization's `logo_url`, as its owner sees it.
async fn logo_url(app: &TestApp, tokens: &Value, id: i64) -> Option<String> {
    let org: Value = app
        .client
        .get(app.url(&format!("/api/v1/organizations/{id}")))
        .header("authorization", bearer(tokens))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    org["logo_url"].as_str().map(str::to_owned)
}

/// The files of the logo folder, sorted.
fn stored(app: &TestApp) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(app.data_dir().join("media").join("logos"))
        .map(|dir| {
            dir.filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

fn assert_logo_url(url: &str, ext: &str) {
    let name = url
        .strip_prefix("/media/logos/")
        .unwrap_or_else(|| panic!("{url}"));
    let (stem, got) = name.split_once('.').unwrap();
    assert_eq!(got, ext, "{url}");
    assert_eq!(stem.len(), 32, "{url}");
    assert!(
        stem.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)),
        "{url}"
    );
}

/// Asserts a served logo: its bytes and its headers.
async fn assert_served(app: &TestApp, url: &str, content_type: &str, bytes: &[u8]) {
    let res = app.get(url).await;
    assert_eq!(res.status(), 200, "{url}");
    let header = |name: &str| {
        res.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned()
    };
    assert_eq!(header("content-type"), content_type);
    assert_eq!(
        header("cache-control"),
        "public, max-age=31536000, immutable"
    );
    assert_eq!(header("x-content-type-options"), "nosniff");
    if content_type == "image/svg+xml" {
        assert_eq!(
            header("content-security-policy"),
            "default-src 'none'; style-src 'unsafe-inline'; sandbox"
        );
    }
    assert_eq!(res.bytes().await.unwrap().as_ref(), bytes, "{url}");
}

/// A user id from the API.
async fn user_id(app: &TestApp, tokens: &Value) -> i64 {
    let me: Value = app
        .client
        .get(app.url("/api/v1/me"))
        .header("authorization", bearer(tokens))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    me["id"].as_i64().unwrap()
}

// ---------------------------------------------------------------------------------------------
// The API and the files
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn logos_of_each_format_are_stored_and_served_back_byte_for_byte() {
    let app = TestApp::spawn().await;
    let (id, founder) = organization(&app, "fondatrice@chaleur-picarde.fr").await;
    let mut previous: Option<String> = None;
    for (content_type, ext, bytes) in [
        ("image/png", "png", png()),
        ("image/jpeg", "jpg", jpeg()),
        ("image/webp", "webp", webp()),
        ("image/svg+xml", "svg", SVG.as_bytes().to_vec()),
    ] {
        let res = put_logo(&app, Some(&founder), id, Some(content_type), bytes.clone()).await;
        assert_eq!(res.status(), 200, "{content_type}");
        let org: Value = res.json().await.unwrap();
        let url = org["logo_url"].as_str().unwrap().to_owned();
        assert_logo_url(&url, ext);
        assert_eq!(logo_url(&app, &founder, id).await.as_deref(), Some(&*url));
        assert_served(&app, &url, content_type, &bytes).await;
        // A new upload is a new address; the file it replaces is gone.
        if let Some(old) = previous.replace(url.clone()) {
            assert_ne!(old, url);
            assert_eq!(app.get(&old).await.status(), 404, "{old}");
        }
        assert_eq!(stored(&app), vec![url["/media/logos/".len()..].to_owned()]);
    }
    // Lists show it too.
    let res = app
        .client
        .get(app.url(&format!("/api/v1/organizations/{id}")))
        .header("authorization", bearer(&founder))
        .send()
        .await
        .unwrap();
    let org: Value = res.json().await.unwrap();
    assert_eq!(org["logo_url"].as_str(), previous.as_deref());

    // Removed: no address, no file, the old address is 404.
    assert_eq!(delete_logo(&app, &founder, id).await.status(), 204);
    assert_eq!(logo_url(&app, &founder, id).await, None);
    assert!(stored(&app).is_empty());
    assert_eq!(app.get(&previous.unwrap()).await.status(), 404);
    // Removing nothing is fine.
    assert_eq!(delete_logo(&app, &founder, id).await.status(), 204);
}

#[tokio::test]
async fn files_that_lie_about_their_type_or_are_no_images_are_refused() {
    let app = TestApp::spawn().await;
    let (id, founder) = organization(&app, "fondatrice@chaleur-picarde.fr").await;
    let html = b"<!doctype html><html><body><script>alert(1)</script></body></html>".to_vec();

    let body = problem(
        put_logo(&app, Some(&founder), id, Some("image/jpeg"), png()).await,
        415,
        "unsupported_media_type",
    )
    .await;
    let detail = body["detail"].as_str().unwrap();
    assert!(
        detail.contains("PNG") && detail.contains("image/jpeg"),
        "{body}"
    );
    let body = problem(
        put_logo(&app, Some(&founder), id, Some("image/svg+xml"), webp()).await,
        415,
        "unsupported_media_type",
    )
    .await;
    assert!(body["detail"].as_str().unwrap().contains("WebP"), "{body}");

    let body = problem(
        put_logo(&app, Some(&founder), id, Some("image/png"), html.clone()).await,
        422,
        "validation_failed",
    )
    .await;
    assert!(
        body["errors"]["logo"][0]
            .as_str()
            .unwrap()
            .contains("not a PNG image"),
        "{body}"
    );
    for (content_type, bytes) in [
        (Some("text/html"), html.clone()),
        (Some("application/octet-stream"), png()),
        (None, png()),
        (Some("image/gif"), b"GIF89a\x01\x00\x01\x00".to_vec()),
    ] {
        let body = problem(
            put_logo(&app, Some(&founder), id, content_type, bytes).await,
            415,
            "unsupported_media_type",
        )
        .await;
        assert!(
            body["detail"].as_str().unwrap().contains("image/png"),
            "{body}"
        );
    }
    // A damaged PNG (one flipped bit) and a truncated JPEG.
    let mut damaged = png();
    damaged[20] ^= 1;
    let body = problem(
        put_logo(&app, Some(&founder), id, Some("image/png"), damaged).await,
        422,
        "validation_failed",
    )
    .await;
    assert!(
        body["errors"]["logo"][0]
            .as_str()
            .unwrap()
            .contains("checksum"),
        "{body}"
    );
    problem(
        put_logo(
            &app,
            Some(&founder),
            id,
            Some("image/jpeg"),
            jpeg()[..40].to_vec(),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    problem(
        put_logo(&app, Some(&founder), id, Some("image/png"), Vec::new()).await,
        422,
        "validation_failed",
    )
    .await;

    assert_eq!(logo_url(&app, &founder, id).await, None);
    assert!(stored(&app).is_empty(), "{:?}", stored(&app));
}

#[tokio::test]
async fn svgs_that_could_run_or_fetch_something_are_refused() {
    let app = TestApp::spawn().await;
    let (id, founder) = organization(&app, "fondatrice@chaleur-picarde.fr").await;
    for (svg, reason) in [
        (
            r#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>"#,
            "<script>",
        ),
        (
            r#"<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>"#,
            "onload",
        ),
        (
            r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><a xlink:href="javascript:alert(1)"><rect/></a></svg>"#,
            "javascript:",
        ),
        (
            r#"<svg xmlns="http://www.w3.org/2000/svg"><image href="https://evil.example/pixel.png"/></svg>"#,
            "outside",
        ),
        (
            r#"<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject></svg>"#,
            "foreignobject",
        ),
        (
            r#"<!DOCTYPE svg [<!ENTITY lol "lol">]><svg xmlns="http://www.w3.org/2000/svg">&lol;</svg>"#,
            "DOCTYPE",
        ),
        (
            r#"<svg xmlns="http://www.w3.org/2000/svg"><g></svg>"#,
            "well-formed",
        ),
        ("<html><body>no</body></html>", "root"),
    ] {
        let body = problem(
            put_logo(&app, Some(&founder), id, Some("image/svg+xml"), svg.into()).await,
            422,
            "validation_failed",
        )
        .await;
        let message = body["errors"]["logo"][0].as_str().unwrap();
        assert!(message.starts_with("SVG refused"), "{body}");
        assert!(message.contains(reason), "{reason}: {body}");
    }
    assert_eq!(logo_url(&app, &founder, id).await, None);
    assert!(stored(&app).is_empty());
}

#[tokio::test]
async fn the_logo_limit_is_its_own_and_larger_files_are_413() {
    let app = TestApp::spawn().await;
    assert_eq!(app.settings.logo_max_bytes, 1024 * 1024);
    assert!(app.settings.body_limit < 900 * 1024);
    let (id, founder) = organization(&app, "fondatrice@chaleur-picarde.fr").await;

    let big = png_of_size(900 * 1024);
    let res = put_logo(&app, Some(&founder), id, Some("image/png"), big.clone()).await;
    assert_eq!(res.status(), 200);
    let url = logo_url(&app, &founder, id).await.unwrap();
    assert_served(&app, &url, "image/png", &big).await;

    let too_big = png_of_size(1100 * 1024);
    let body = problem(
        put_logo(&app, Some(&founder), id, Some("image/png"), too_big).await,
        413,
        "payload_too_large",
    )
    .await;
    assert!(
        body["detail"].as_str().unwrap().contains("1048576"),
        "{body}"
    );
    // Far larger than the limit: a 413 answer that closes the connection, since the body is not
    // read to the end. A client still writing when the server closes may see the connection
    // reset instead of the answer (TCP, not the server's choice): then it must be that, and
    // nothing may have changed either way.
    let huge = vec![0u8; 5 * 1024 * 1024];
    let sent = app
        .client
        .put(app.url(&format!("/api/v1/organizations/{id}/logo")))
        .header("authorization", bearer(&founder))
        .header("content-type", "image/png")
        .body(huge)
        .send()
        .await;
    match sent {
        Ok(res) => {
            assert_eq!(res.headers()["connection"], "close");
            problem(res, 413, "payload_too_large").await;
        }
        Err(e) => assert!(
            e.is_request() || e.is_body(),
            "only the connection may end early: {e:?}"
        ),
    }
    // Nothing changed.
    assert_eq!(logo_url(&app, &founder, id).await.as_deref(), Some(&*url));
    assert_eq!(stored(&app).len(), 1);

    // The limit is a setting.
    let small = TestApp::spawn_with(|s| s.logo_max_bytes = 2048).await;
    let (id, founder) = organization(&small, "fondatrice@chaleur-picarde.fr").await;
    let body = problem(
        put_logo(
            &small,
            Some(&founder),
            id,
            Some("image/png"),
            png_of_size(4096),
        )
        .await,
        413,
        "payload_too_large",
    )
    .await;
    assert!(body["detail"].as_str().unwrap().contains("2048"), "{body}");
}

#[tokio::test]
async fn only_owners_and_admins_change_a_logo() {
    let app = TestApp::spawn().await;
    let (id, founder) = organization(&app, "fondatrice@chaleur-picarde.fr").await;
    let member = verified_user(
        &app,
        "associe@chaleur-picarde.fr",
        "Associé",
        "startup_founder",
    )
    .await;
    let member_id = user_id(&app, &member).await;
    quai::orgs::model::add_member(
        &mut app.connect(),
        id,
        member_id,
        "member",
        chrono::Utc::now().naive_utc(),
    )
    .unwrap();
    let stranger = verified_user(&app, "autre@startup.fr", "Autre", "startup_founder").await;
    let admin_tokens = admin(&app, "admin@amiens-cluster.fr").await;

    let res = put_logo(&app, Some(&founder), id, Some("image/png"), png()).await;
    assert_eq!(res.status(), 200);
    let url = logo_url(&app, &founder, id).await.unwrap();
    let files = stored(&app);

    for tokens in [&member, &stranger] {
        problem(
            put_logo(&app, Some(tokens), id, Some("image/webp"), webp()).await,
            403,
            "forbidden",
        )
        .await;
        problem(delete_logo(&app, tokens, id).await, 403, "forbidden").await;
    }
    problem(
        put_logo(&app, None, id, Some("image/webp"), webp()).await,
        401,
        "unauthorized",
    )
    .await;
    problem(
        put_logo(&app, Some(&founder), 999_999, Some("image/webp"), webp()).await,
        404,
        "not_found",
    )
    .await;
    problem(delete_logo(&app, &founder, 999_999).await, 404, "not_found").await;
    // Nothing changed: same logo, same file, nothing new in the folder.
    assert_eq!(logo_url(&app, &founder, id).await.as_deref(), Some(&*url));
    assert_eq!(stored(&app), files);
    assert_served(&app, &url, "image/png", &png()).await;

    // An admin may.
    let res = put_logo(&app, Some(&admin_tokens), id, Some("image/webp"), webp()).await;
    assert_eq!(res.status(), 200);
    assert_eq!(app.get(&url).await.status(), 404);
    assert_eq!(delete_logo(&app, &admin_tokens, id).await.status(), 204);
    assert!(stored(&app).is_empty());
}

#[tokio::test]
async fn openapi_describes_the_logo_endpoints() {
    let app = TestApp::spawn().await;
    let doc: Value = app.get("/api/openapi.json").await.json().await.unwrap();
    let logo = &doc["paths"]["/api/v1/organizations/{id}/logo"];
    assert!(logo["delete"].is_object(), "{logo}");
    let content = &logo["put"]["requestBody"]["content"];
    for mime in ["image/png", "image/jpeg", "image/webp", "image/svg+xml"] {
        assert!(content[mime].is_object(), "{mime}: {logo}");
    }
    for status in ["200", "403", "413", "415", "422"] {
        assert!(logo["put"]["responses"][status].is_object(), "{status}");
    }
    assert!(
        doc["components"]["schemas"]["OrganizationResource"]["properties"]["logo_url"].is_object()
    );
}

#[tokio::test]
async fn media_names_are_checked_before_any_file_is_read() {
    let app = TestApp::spawn().await;
    let (id, founder) = organization(&app, "fondatrice@chaleur-picarde.fr").await;
    assert_eq!(
        put_logo(&app, Some(&founder), id, Some("image/png"), png())
            .await
            .status(),
        200
    );
    let url = logo_url(&app, &founder, id).await.unwrap();
    let name = url.trim_start_matches("/media/logos/").to_owned();
    // Files beside the logos, and one in the data folder above.
    let dir = app.data_dir().join("media").join("logos");
    std::fs::write(dir.join("notes.txt"), "NOTES-NOT-A-LOGO").unwrap();
    std::fs::write(dir.join(format!("{}.tmp", &name[..32])), "HALF-WRITTEN").unwrap();
    std::fs::write(app.data_dir().join("private.png"), "PRIVATE-DATA").unwrap();
    for path in [
        "/media/logos/../../private.png".to_owned(),
        "/media/logos/..%2F..%2Fprivate.png".to_owned(),
        "/media/logos/%2e%2e%2f%2e%2e%2fprivate.png".to_owned(),
        "/media/logos/..%5c..%5cprivate.png".to_owned(),
        "/media/logos/..%2f..%2fmedia%2flogos%2f".to_owned() + &name,
        "/media/logos/notes.txt".to_owned(),
        format!("/media/logos/{}.tmp", &name[..32]),
        format!("/media/logos/{}", name.to_uppercase()),
        format!("/media/logos/{}.gif", &name[..32]),
        format!("/media/logos/{name}%00.png"),
        format!("/media/logos/{name}/x"),
        "/media/logos/0123456789abcdef0123456789abcdef.png".to_owned(),
        "/media/logos/".to_owned(),
    ] {
        let res = app.get(&path).await;
        assert_eq!(res.status(), 404, "{path}");
        let body = res.text().await.unwrap();
        for secret in ["NOTES-NOT-A-LOGO", "HALF-WRITTEN", "PRIVATE-DATA"] {
            assert!(!body.contains(secret), "{path}");
        }
    }
    assert_eq!(app.get(&url).await.status(), 200);
}

// ---------------------------------------------------------------------------------------------
// The portal's form
// ---------------------------------------------------------------------------------------------

/// A browser with its cookies, signed in through the portal's own form.
struct Browser<'a> {
    app: &'a TestApp,
    client: reqwest::Client,
}

impl<'a> Browser<'a> {
    async fn signed_in(app: &'a TestApp, email: &str) -> Self {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(Policy::none())
            .build()
            .unwrap();
        let browser = Self { app, client };
        let token = browser.csrf("/connexion").await;
        let res = browser
            .client
            .post(app.url("/connexion"))
            .header("origin", &app.address)
            .form(&[
                ("email", email),
                ("password", PASSWORD),
                ("csrf_token", &token),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 303, "{}", res.text().await.unwrap());
        browser
    }

    /// The CSRF token in a page's forms.
    async fn csrf(&self, path: &str) -> String {
        let html = self
            .client
            .get(self.app.url(path))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let start = html
            .find("name=\"csrf_token\" value=\"")
            .unwrap_or_else(|| panic!("no CSRF field in {html}"))
            + "name=\"csrf_token\" value=\"".len();
        html[start..].chars().take_while(|c| *c != '"').collect()
    }

    /// Posts the logo form: the token (if any) and the file.
    async fn upload(
        &self,
        id: i64,
        token: Option<&str>,
        file_type: &str,
        file: &[u8],
    ) -> reqwest::Response {
        let boundary = "----quai-logo-form-7MA4YWxkTrZu0gW";
        let mut body = Vec::new();
        if let Some(token) = token {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{token}\r\n"
                )
                .as_bytes(),
            );
        }
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"logo\"; filename=\"logo\"\r\nContent-Type: {file_type}\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(file);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        self.client
            .post(self.app.url(&format!("/espace/organisations/{id}/logo")))
            .header("origin", &self.app.address)
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body)
            .send()
            .await
            .unwrap()
    }

    async fn remove(&self, id: i64, token: Option<&str>) -> reqwest::Response {
        let form: Vec<(&str, &str)> = token.map(|t| ("csrf_token", t)).into_iter().collect();
        self.client
            .post(
                self.app
                    .url(&format!("/espace/organisations/{id}/logo/supprimer")),
            )
            .header("origin", &self.app.address)
            .form(&form)
            .send()
            .await
            .unwrap()
    }
}

fn location(res: &reqwest::Response) -> &str {
    res.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

#[tokio::test]
async fn the_portal_form_changes_the_logo_with_its_csrf_token() {
    let app = TestApp::spawn().await;
    let (id, founder) = organization(&app, "fondatrice@chaleur-picarde.fr").await;
    let browser = Browser::signed_in(&app, "fondatrice@chaleur-picarde.fr").await;
    let token = browser.csrf("/compte").await;
    let back = format!("/espace/organisations/{id}");

    // Without the token, or with another one: refused, nothing stored.
    for bad in [None, Some("00".repeat(32))] {
        let res = browser
            .upload(id, bad.as_deref(), "image/png", &png())
            .await;
        assert_eq!(res.status(), 403);
        assert_content_type(res.headers(), "text/html");
    }
    assert!(stored(&app).is_empty());
    assert_eq!(logo_url(&app, &founder, id).await, None);

    let res = browser.upload(id, Some(&token), "image/png", &png()).await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), format!("{back}?ok=logo"));
    let url = logo_url(&app, &founder, id).await.unwrap();
    assert_logo_url(&url, "png");
    assert_served(&app, &url, "image/png", &png()).await;

    // Refused files come back with their reason; the logo stays.
    let unsafe_svg = br#"<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>"#;
    for (file_type, file, reason) in [
        ("image/jpeg", png(), "type"),
        ("application/octet-stream", png(), "type"),
        ("image/png", b"<html>no</html>".to_vec(), "image"),
        ("image/svg+xml", unsafe_svg.to_vec(), "svg"),
        ("image/png", png_of_size(1100 * 1024), "taille"),
        ("image/png", Vec::new(), "image"),
    ] {
        let res = browser.upload(id, Some(&token), file_type, &file).await;
        assert_eq!(res.status(), 303, "{reason}");
        assert_eq!(location(&res), format!("{back}?erreur=logo-{reason}"));
    }
    assert_eq!(logo_url(&app, &founder, id).await.as_deref(), Some(&*url));
    assert_eq!(stored(&app).len(), 1);

    // Removing needs the token too.
    let res = browser.remove(id, None).await;
    assert_eq!(res.status(), 403);
    assert_eq!(logo_url(&app, &founder, id).await.as_deref(), Some(&*url));
    let res = browser.remove(id, Some(&token)).await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), format!("{back}?ok=logo-supprime"));
    assert_eq!(logo_url(&app, &founder, id).await, None);
    assert!(stored(&app).is_empty());
    assert_eq!(app.get(&url).await.status(), 404);
}

#[tokio::test]
async fn the_portal_form_is_for_owners_only() {
    let app = TestApp::spawn().await;
    let (id, founder) = organization(&app, "fondatrice@chaleur-picarde.fr").await;
    verified_user(&app, "autre@startup.fr", "Autre", "startup_founder").await;
    let stranger = Browser::signed_in(&app, "autre@startup.fr").await;
    let token = stranger.csrf("/compte").await;

    let res = stranger.upload(id, Some(&token), "image/png", &png()).await;
    assert_eq!(res.status(), 403);
    assert_content_type(res.headers(), "text/html");
    let html = res.text().await.unwrap();
    assert!(
        html.contains("<html lang=\"fr\">"),
        "the friendly page: {html}"
    );
    assert_eq!(stranger.remove(id, Some(&token)).await.status(), 403);
    let res = stranger
        .upload(999_999, Some(&token), "image/png", &png())
        .await;
    assert_eq!(res.status(), 404);
    assert_eq!(logo_url(&app, &founder, id).await, None);
    assert!(stored(&app).is_empty());

    // A visitor who is not signed in is sent to sign in (with the anonymous form token).
    let visitor = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .unwrap();
    let visitor = Browser {
        app: &app,
        client: visitor,
    };
    let token = visitor.csrf("/connexion").await;
    let res = visitor.upload(id, Some(&token), "image/png", &png()).await;
    assert_eq!(res.status(), 303);
    assert!(
        location(&res).starts_with("/connexion?suivant="),
        "{}",
        location(&res)
    );
    assert!(stored(&app).is_empty());
}
