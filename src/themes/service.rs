//! Rules about themes: what a valid theme is, listing, creation.

use diesel::Connection;
use diesel::result::{DatabaseErrorKind, Error as DieselError};

use super::model::{self, NewTheme, Theme};
use crate::db::{self, Pool};
use crate::error::{AppError, FieldErrors};
use crate::web::pagination::PageRequest;

/// What a client sends to create a theme.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ThemeInput {
    /// Lower-case words joined by hyphens, e.g. `ville-durable`.
    pub slug: String,
    pub label_fr: String,
    pub label_en: String,
    #[serde(default)]
    pub description_fr: String,
    #[serde(default)]
    pub description_en: String,
    #[serde(default)]
    pub position: i32,
}

impl TryFrom<ThemeInput> for NewTheme {
    type Error = AppError;

    /// Parse, don't validate: a `NewTheme` is always a valid theme.
    fn try_from(input: ThemeInput) -> Result<Self, AppError> {
        let mut errors = FieldErrors::new();
        let mut fail = |field: &str, message: &str| {
            errors
                .entry(field.to_owned())
                .or_default()
                .push(message.to_owned());
        };
        let slug = input.slug.trim().to_owned();
        if !is_slug(&slug) {
            fail(
                "slug",
                "use 1 to 60 lower-case letters, digits and single hyphens",
            );
        }
        let label_fr = input.label_fr.trim().to_owned();
        let label_en = input.label_en.trim().to_owned();
        for (field, value) in [("label_fr", &label_fr), ("label_en", &label_en)] {
            if value.is_empty() || value.chars().count() > 80 {
                fail(field, "must be 1 to 80 characters");
            }
        }
        for (field, value) in [
            ("label_fr", &label_fr),
            ("label_en", &label_en),
            ("description_fr", &input.description_fr),
            ("description_en", &input.description_en),
        ] {
            if value.chars().any(|c| c.is_control() && c != '\n') {
                fail(field, "must not contain control characters");
            }
        }
        for (field, value) in [
            ("description_fr", &input.description_fr),
            ("description_en", &input.description_en),
        ] {
            if value.chars().count() > 500 {
                fail(field, "must be at most 500 characters");
            }
        }
        if !(0..=10_000).contains(&input.position) {
            fail("position", "must be between 0 and 10000");
        }
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        Ok(NewTheme {
            slug,
            label_fr,
            label_en,
            description_fr: input.description_fr.trim().to_owned(),
            description_en: input.description_en.trim().to_owned(),
            position: input.position,
        })
    }
}

fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 60
        && s.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// Every theme, in display order (the vocabulary is small).
pub async fn all(pool: &Pool) -> Result<Vec<Theme>, AppError> {
    db::run(pool, |conn| Ok(model::list(conn, 0, 1_000)?)).await
}

pub async fn page(pool: &Pool, page: PageRequest) -> Result<(Vec<Theme>, i64), AppError> {
    db::run(pool, move |conn| {
        let items = model::list(conn, page.offset(), page.per_page)?;
        Ok((items, model::count(conn)?))
    })
    .await
}

pub async fn find(pool: &Pool, id: i64) -> Result<Theme, AppError> {
    db::run(pool, move |conn| Ok(model::find(conn, id)?)).await
}

pub async fn create(pool: &Pool, input: ThemeInput) -> Result<Theme, AppError> {
    let new = NewTheme::try_from(input)?;
    db::run(pool, move |conn| {
        conn.transaction(|conn| model::insert(conn, &new))
            .map_err(|e| match e {
                DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
                    AppError::Conflict(format!("a theme with slug `{}` already exists", new.slug))
                }
                other => other.into(),
            })
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::is_slug;

    #[test]
    fn slugs() {
        assert!(is_slug("ville-durable"));
        assert!(is_slug("e2e"));
        assert!(!is_slug("Ville"));
        assert!(!is_slug("-a"));
        assert!(!is_slug("a--b"));
        assert!(!is_slug("énergie"));
        assert!(!is_slug(""));
    }
}
