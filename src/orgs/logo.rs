//! Organization logos: which files are accepted, where they are kept, who may change them.
//!
//! An upload becomes a [`Logo`] only when its content is a PNG, JPEG, WebP or SVG image of the
//! type its sender declared ([`Logo::parse`]): the type comes from the bytes, and a file whose
//! declared Content-Type says otherwise is refused. Otherwise a [`LogoError`] says why (413, 415
//! or 422), with the short reason the portal shows ([`LogoError::reason`]).
//!
//! Logos are kept as `<data_dir>/media/logos/<32 random hex digits>.<ext>` ([`LogoName`]): each
//! upload gets a new name, so they are served as immutable. The new file is written first (to a
//! temporary file renamed into place), then the organization's row changes in a transaction; the
//! previous file is deleted after the commit, the new one if the transaction fails.

mod raster;
mod svg;

use std::io::Write;
use std::path::{Path, PathBuf};

use actix_web::web::{self, Bytes};
use chrono::Utc;
use serde_json::json;

use super::model::{self, OWNER, Organization};
use crate::auth::CurrentUser;
use crate::auth::model as auth_model;
use crate::db::{self, DbConnection, Pool, dialect};
use crate::error::AppError;

pub use raster::MAX_SIDE;

/// The image formats a logo may have.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Png,
    Jpeg,
    Webp,
    Svg,
}

impl Format {
    pub const ALL: [Format; 4] = [Format::Png, Format::Jpeg, Format::Webp, Format::Svg];

    /// The format a declared Content-Type names (parameters and case ignored).
    pub fn from_mime(value: &str) -> Option<Self> {
        let essence = value.split(';').next().unwrap_or("").trim();
        match essence.to_ascii_lowercase().as_str() {
            "image/png" => Some(Format::Png),
            "image/jpeg" | "image/jpg" | "image/pjpeg" => Some(Format::Jpeg),
            "image/webp" => Some(Format::Webp),
            "image/svg+xml" => Some(Format::Svg),
            _ => None,
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            Format::Png => "image/png",
            Format::Jpeg => "image/jpeg",
            Format::Webp => "image/webp",
            Format::Svg => "image/svg+xml",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Png => "png",
            Format::Jpeg => "jpg",
            Format::Webp => "webp",
            Format::Svg => "svg",
        }
    }

    fn from_extension(ext: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.extension() == ext)
    }

    fn label(self) -> &'static str {
        match self {
            Format::Png => "PNG",
            Format::Jpeg => "JPEG",
            Format::Webp => "WebP",
            Format::Svg => "SVG",
        }
    }

    /// What the content is, from its first bytes. SVG is text: a document whose first element,
    /// after any XML declaration, comment or whitespace, is `<svg`.
    fn sniff(bytes: &[u8]) -> Option<Self> {
        if bytes.starts_with(&raster::PNG_SIGNATURE) {
            return Some(Format::Png);
        }
        if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            return Some(Format::Jpeg);
        }
        if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
            return Some(Format::Webp);
        }
        looks_like_svg(bytes).then_some(Format::Svg)
    }
}

fn looks_like_svg(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let mut rest = String::from_utf8_lossy(head).to_ascii_lowercase();
    loop {
        let trimmed = rest.trim_start();
        let skip = if trimmed.starts_with("<?") {
            trimmed.find("?>").map(|end| end + 2)
        } else if trimmed.starts_with("<!--") {
            trimmed.find("-->").map(|end| end + 3)
        } else {
            return trimmed.starts_with("<svg")
                && trimmed[4..].starts_with(|c: char| c.is_whitespace() || c == '>' || c == '/');
        };
        match skip {
            Some(n) => rest = trimmed[n..].to_owned(),
            None => return false,
        }
    }
}

/// Why an upload is not a logo.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum LogoError {
    #[error("the file exceeds {0} bytes")]
    TooLarge(usize),
    #[error("the file is empty")]
    Empty,
    #[error("the declared type is not an accepted image type")]
    UnsupportedType(Option<String>),
    #[error("the content is {actual:?}, declared {declared:?}")]
    Mismatch { declared: Format, actual: Format },
    #[error("the content is not an image")]
    NotAnImage(Format),
    #[error("{0}")]
    Damaged(String),
    #[error("{0}")]
    UnsafeSvg(String),
}

impl LogoError {
    /// The reason the portal names in `?erreur=logo-<reason>`.
    pub fn reason(&self) -> &'static str {
        match self {
            LogoError::TooLarge(_) => "taille",
            LogoError::UnsupportedType(_) | LogoError::Mismatch { .. } => "type",
            LogoError::Empty | LogoError::NotAnImage(_) | LogoError::Damaged(_) => "image",
            LogoError::UnsafeSvg(_) => "svg",
        }
    }
}

const ACCEPTED: &str = "image/png, image/jpeg, image/webp or image/svg+xml";

impl From<LogoError> for AppError {
    fn from(e: LogoError) -> Self {
        match e {
            LogoError::TooLarge(limit) => AppError::PayloadTooLarge(limit),
            LogoError::UnsupportedType(Some(declared)) => AppError::UnsupportedMediaType(format!(
                "`{declared}` is not accepted for a logo: send a PNG, JPEG, WebP or SVG image with its Content-Type ({ACCEPTED})."
            )),
            LogoError::UnsupportedType(None) => AppError::UnsupportedMediaType(format!(
                "Send the logo with its Content-Type ({ACCEPTED})."
            )),
            LogoError::Mismatch { declared, actual } => AppError::UnsupportedMediaType(format!(
                "The file is a {} image but was sent as {}: its Content-Type must match its content.",
                actual.label(),
                declared.mime()
            )),
            LogoError::Empty => AppError::validation("logo", "the file is empty"),
            LogoError::NotAnImage(declared) => AppError::validation(
                "logo",
                format!(
                    "the file is not a {} image (it was sent as {}), nor any PNG, JPEG, WebP or SVG image",
                    declared.label(),
                    declared.mime()
                ),
            ),
            LogoError::Damaged(what) => AppError::validation("logo", what),
            LogoError::UnsafeSvg(what) => {
                AppError::validation("logo", format!("SVG refused: {what}"))
            }
        }
    }
}

/// A checked logo: its content is an image of its format.
#[derive(Clone, Debug)]
pub struct Logo {
    format: Format,
    bytes: Bytes,
}

impl Logo {
    /// Parse, don't validate: `bytes` become a logo only if they hold at most `limit` bytes of a
    /// PNG, JPEG, WebP or SVG image of the `declared` Content-Type whose header (or, for SVG,
    /// whole document) passes the checks.
    pub fn parse(declared: Option<&str>, bytes: Bytes, limit: usize) -> Result<Self, LogoError> {
        if bytes.len() > limit {
            return Err(LogoError::TooLarge(limit));
        }
        if bytes.is_empty() {
            return Err(LogoError::Empty);
        }
        let declared_format = declared.and_then(Format::from_mime).ok_or_else(|| {
            LogoError::UnsupportedType(declared.map(|d| d.chars().take(100).collect()))
        })?;
        match Format::sniff(&bytes) {
            Some(actual) if actual != declared_format => {
                return Err(LogoError::Mismatch {
                    declared: declared_format,
                    actual,
                });
            }
            // An SVG that does not start like one is still checked as SVG, to say why it fails.
            None if declared_format != Format::Svg => {
                return Err(LogoError::NotAnImage(declared_format));
            }
            _ => {}
        }
        match declared_format {
            Format::Png => raster::png(&bytes).map(drop).map_err(LogoError::Damaged),
            Format::Jpeg => raster::jpeg(&bytes).map(drop).map_err(LogoError::Damaged),
            Format::Webp => raster::webp(&bytes).map(drop).map_err(LogoError::Damaged),
            Format::Svg => svg::check(&bytes).map_err(LogoError::UnsafeSvg),
        }?;
        Ok(Self {
            format: declared_format,
            bytes,
        })
    }

    pub fn format(&self) -> Format {
        self.format
    }

    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }
}

/// The name of a stored logo: 32 lower-case hex digits and the format's extension. Nothing else
/// is ever read from or written to the logo folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogoName(String);

impl LogoName {
    pub fn parse(name: &str) -> Option<Self> {
        let (stem, ext) = name.split_once('.')?;
        let hex = stem.len() == 32
            && stem
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        (hex && Format::from_extension(ext).is_some()).then(|| Self(name.to_owned()))
    }

    fn random(format: Format) -> Self {
        let bytes: [u8; 16] = rand::random();
        Self(format!("{}.{}", hex::encode(bytes), format.extension()))
    }

    pub fn format(&self) -> Format {
        self.0
            .rsplit('.')
            .next()
            .and_then(Format::from_extension)
            .expect("a parsed name has a known extension")
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Where the logo is served.
    pub fn url(&self) -> String {
        format!("/media/logos/{}", self.0)
    }
}

/// The URL of an organization's stored logo, if it has one.
pub fn url_of(stored: Option<&str>) -> Option<String> {
    stored.and_then(LogoName::parse).map(|name| name.url())
}

/// The logo folder, `<data_dir>/media/logos`.
#[derive(Clone, Debug)]
pub struct Store {
    dir: PathBuf,
}

impl Store {
    pub fn new(data_dir: &Path) -> Self {
        Self {
            dir: data_dir.join("media").join("logos"),
        }
    }

    pub fn path(&self, name: &LogoName) -> PathBuf {
        self.dir.join(name.as_str())
    }

    /// Writes the logo under a new random name: a temporary file in the same folder, flushed,
    /// then renamed into place, so that a reader never sees half a file.
    fn save(&self, logo: &Logo) -> std::io::Result<LogoName> {
        std::fs::create_dir_all(&self.dir)?;
        let name = LogoName::random(logo.format);
        let temporary = self
            .dir
            .join(format!(".{}.tmp", hex::encode(rand::random::<[u8; 8]>())));
        let written = (|| {
            let mut file = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&temporary)?;
            file.write_all(logo.bytes())?;
            file.sync_all()?;
            std::fs::rename(&temporary, self.path(&name))
        })();
        if let Err(e) = written {
            let _ = std::fs::remove_file(&temporary);
            return Err(e);
        }
        Ok(name)
    }

    /// Deletes a stored logo; a file already gone is fine, any other failure is logged (an
    /// orphan file harms nobody, a failed request after a commit would).
    async fn delete(&self, stored: &str) {
        let Some(name) = LogoName::parse(stored) else {
            tracing::warn!(stored, "not deleting a logo with an unexpected name");
            return;
        };
        let path = self.path(&name);
        let removed = web::block(move || match std::fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        })
        .await;
        match removed {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::warn!(error = %e, logo = stored, "could not delete a logo"),
            Err(e) => tracing::warn!(error = %e, logo = stored, "could not delete a logo"),
        }
    }

    /// A stored logo's bytes; `None` when there is no such file.
    pub async fn read(&self, name: &LogoName) -> Result<Option<Vec<u8>>, AppError> {
        let path = self.path(name);
        web::block(move || match std::fs::read(&path) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(AppError::internal(format!(
                "cannot read {}: {e}",
                path.display()
            ))),
        })
        .await?
    }
}

/// The organization, if `user_id` owns it or is an admin: 404 for an unknown one, 403 for
/// anybody else.
fn owned(
    conn: &mut DbConnection,
    id: i64,
    user_id: i64,
    admin: bool,
) -> Result<Organization, AppError> {
    let org = model::find(conn, id)?;
    let owner = model::role_of(conn, id, user_id)?.as_deref() == Some(OWNER);
    if !owner && !admin {
        return Err(AppError::Forbidden(
            "Only the organization's owners can change its logo.".into(),
        ));
    }
    Ok(org)
}

/// Whether `me` may change the organization's logo (checked again when it changes); asked
/// before an upload is read, so that nobody else gets a file written.
pub async fn check_access(pool: &Pool, me: &CurrentUser, id: i64) -> Result<(), AppError> {
    let (user_id, admin) = (me.user_id, me.is_admin());
    db::run(pool, move |conn| owned(conn, id, user_id, admin).map(drop)).await
}

/// Sets the organization's logo to `new` (or removes it with `None`) in one transaction that
/// checks ownership again; returns the organization and the logo it had before.
async fn swap(
    pool: &Pool,
    me: &CurrentUser,
    id: i64,
    new: Option<String>,
) -> Result<(Organization, Option<String>), AppError> {
    let (user_id, admin) = (me.user_id, me.is_admin());
    db::run(pool, move |conn| {
        dialect::write_transaction(conn, |conn| {
            // Two uploads at once: each must see the other's file as the one it replaces.
            dialect::lock_key(conn, &format!("organization-logo:{id}"))?;
            let before = owned(conn, id, user_id, admin)?;
            if before.logo.is_none() && new.is_none() {
                return Ok((before, None));
            }
            let now = Utc::now().naive_utc();
            model::set_logo(conn, id, new.as_deref(), now)?;
            auth_model::audit(
                conn,
                if new.is_some() {
                    "organization_logo_changed"
                } else {
                    "organization_logo_removed"
                },
                Some(user_id),
                None,
                "",
                json!({ "organization": id, "logo": new }),
                now,
            )?;
            Ok((model::find(conn, id)?, before.logo))
        })
    })
    .await
}

/// Stores `logo` as the organization's new logo (its owners and admins only) and deletes the
/// one it replaces.
pub async fn replace(
    pool: &Pool,
    store: &Store,
    me: &CurrentUser,
    id: i64,
    logo: Logo,
) -> Result<Organization, AppError> {
    check_access(pool, me, id).await?;
    let saving = store.clone();
    let name = web::block(move || saving.save(&logo))
        .await?
        .map_err(|e| AppError::internal(format!("cannot store a logo: {e}")))?;
    match swap(pool, me, id, Some(name.as_str().to_owned())).await {
        Ok((org, previous)) => {
            if let Some(previous) = previous {
                store.delete(&previous).await;
            }
            Ok(org)
        }
        Err(e) => {
            store.delete(name.as_str()).await;
            Err(e)
        }
    }
}

/// Removes the organization's logo (its owners and admins only); nothing to remove is fine.
pub async fn remove(
    pool: &Pool,
    store: &Store,
    me: &CurrentUser,
    id: i64,
) -> Result<Organization, AppError> {
    let (org, previous) = swap(pool, me, id, None).await?;
    if let Some(previous) = previous {
        store.delete(&previous).await;
    }
    Ok(org)
}

#[cfg(test)]
mod tests {
    use super::raster::samples;
    use super::*;

    fn parse(declared: &str, bytes: &[u8]) -> Result<Format, LogoError> {
        Logo::parse(Some(declared), Bytes::copy_from_slice(bytes), 1 << 20).map(|l| l.format())
    }

    const SVG: &str =
        r#"<svg xmlns="http://www.w3.org/2000/svg"><rect width="1" height="1"/></svg>"#;

    #[test]
    fn each_format_is_recognised_by_its_content() {
        assert_eq!(parse("image/png", &samples::png(2, 2)), Ok(Format::Png));
        assert_eq!(parse("image/jpeg", &samples::jpeg()), Ok(Format::Jpeg));
        assert_eq!(parse("IMAGE/JPG", &samples::jpeg()), Ok(Format::Jpeg));
        assert_eq!(parse("image/webp", &samples::webp()), Ok(Format::Webp));
        assert_eq!(
            parse("image/svg+xml; charset=utf-8", SVG.as_bytes()),
            Ok(Format::Svg)
        );
    }

    #[test]
    fn a_file_that_lies_about_its_type_is_refused() {
        assert_eq!(
            parse("image/jpeg", &samples::png(1, 1)),
            Err(LogoError::Mismatch {
                declared: Format::Jpeg,
                actual: Format::Png
            })
        );
        assert_eq!(
            parse("image/png", SVG.as_bytes()),
            Err(LogoError::Mismatch {
                declared: Format::Png,
                actual: Format::Svg
            })
        );
        assert_eq!(
            parse("image/svg+xml", &samples::webp()),
            Err(LogoError::Mismatch {
                declared: Format::Svg,
                actual: Format::Webp
            })
        );
        let html = b"<!doctype html><html><body><script>alert(1)</script></body></html>";
        assert_eq!(
            parse("image/png", html),
            Err(LogoError::NotAnImage(Format::Png))
        );
        assert_eq!(parse("image/svg+xml", html).unwrap_err().reason(), "svg");
        assert_eq!(
            parse("text/html", html),
            Err(LogoError::UnsupportedType(Some("text/html".into())))
        );
        assert_eq!(
            Logo::parse(None, Bytes::from_static(b"GIF89a"), 100).unwrap_err(),
            LogoError::UnsupportedType(None)
        );
    }

    #[test]
    fn size_and_emptiness_come_first() {
        let png = Bytes::from(samples::png(1, 1));
        assert_eq!(
            Logo::parse(Some("text/plain"), png.clone(), png.len() - 1).unwrap_err(),
            LogoError::TooLarge(png.len() - 1)
        );
        assert!(Logo::parse(Some("image/png"), png.clone(), png.len()).is_ok());
        assert_eq!(
            Logo::parse(Some("application/octet-stream"), Bytes::new(), 10).unwrap_err(),
            LogoError::Empty
        );
    }

    #[test]
    fn reasons_and_statuses() {
        use actix_web::ResponseError;
        let status = |e: LogoError| AppError::from(e).status_code().as_u16();
        assert_eq!(status(LogoError::TooLarge(1)), 413);
        assert_eq!(status(LogoError::UnsupportedType(None)), 415);
        assert_eq!(
            status(LogoError::Mismatch {
                declared: Format::Png,
                actual: Format::Jpeg
            }),
            415
        );
        assert_eq!(status(LogoError::NotAnImage(Format::Png)), 422);
        assert_eq!(status(LogoError::UnsafeSvg("x".into())), 422);
        assert_eq!(LogoError::TooLarge(1).reason(), "taille");
        assert_eq!(LogoError::UnsafeSvg("x".into()).reason(), "svg");
        assert_eq!(LogoError::Damaged("x".into()).reason(), "image");
    }

    #[test]
    fn stored_names_are_random_hex_with_a_known_extension() {
        let name = LogoName::random(Format::Webp);
        assert_eq!(LogoName::parse(name.as_str()), Some(name.clone()));
        assert_eq!(name.format(), Format::Webp);
        assert!(name.url().starts_with("/media/logos/"));
        assert_ne!(LogoName::random(Format::Png), LogoName::random(Format::Png));
        let good = "0123456789abcdef0123456789abcdef.png";
        assert!(LogoName::parse(good).is_some());
        for bad in [
            "0123456789ABCDEF0123456789abcdef.png",
            "0123456789abcdef0123456789abcde.png",
            "0123456789abcdef0123456789abcdef.gif",
            "0123456789abcdef0123456789abcdef.png.svg",
            "../0123456789abcdef0123456789abcd.png",
            "0123456789abcdef0123456789abcdef",
            ".0123456789abcdef.tmp",
        ] {
            assert_eq!(LogoName::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn sniffing_svg_skips_the_prolog() {
        assert!(looks_like_svg(
            b"\xEF\xBB\xBF<?xml version=\"1.0\"?>\n<!-- x -->\n<svg xmlns=\"\">"
        ));
        assert!(looks_like_svg(b"<SVG/>"));
        assert!(!looks_like_svg(b"<svgfoo>"));
        assert!(!looks_like_svg(b"<html><svg>"));
    }
}
