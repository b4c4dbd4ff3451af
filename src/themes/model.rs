//! Rows and queries of `themes`.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::themes;
use crate::web::Lang;

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = themes)]
pub struct Theme {
    pub id: i64,
    pub slug: String,
    pub label_fr: String,
    pub label_en: String,
    pub description_fr: String,
    pub description_en: String,
    pub position: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl Theme {
    pub fn label(&self, lang: Lang) -> &str {
        match lang {
            Lang::Fr => &self.label_fr,
            Lang::En => &self.label_en,
        }
    }

    pub fn description(&self, lang: Lang) -> &str {
        match lang {
            Lang::Fr => &self.description_fr,
            Lang::En => &self.description_en,
        }
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = themes)]
pub struct NewTheme {
    pub slug: String,
    pub label_fr: String,
    pub label_en: String,
    pub description_fr: String,
    pub description_en: String,
    pub position: i32,
}

pub fn list(conn: &mut DbConnection, offset: i64, limit: i64) -> QueryResult<Vec<Theme>> {
    themes::table
        .order((themes::position.asc(), themes::slug.asc()))
        .offset(offset)
        .limit(limit)
        .select(Theme::as_select())
        .load(conn)
}

pub fn count(conn: &mut DbConnection) -> QueryResult<i64> {
    themes::table.count().get_result(conn)
}

pub fn insert(conn: &mut DbConnection, new: &NewTheme) -> QueryResult<Theme> {
    diesel::insert_into(themes::table)
        .values(new)
        .execute(conn)?;
    themes::table
        .filter(themes::slug.eq(&new.slug))
        .select(Theme::as_select())
        .first(conn)
}

pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Theme> {
    themes::table
        .find(id)
        .select(Theme::as_select())
        .first(conn)
}

/// The ids of the themes named by `slugs`, or the slugs that name no theme.
pub fn resolve(
    conn: &mut DbConnection,
    slugs: &[String],
) -> QueryResult<Result<Vec<i64>, Vec<String>>> {
    let found: Vec<(i64, String)> = themes::table
        .filter(themes::slug.eq_any(slugs))
        .select((themes::id, themes::slug))
        .load(conn)?;
    let unknown: Vec<String> = slugs
        .iter()
        .filter(|s| !found.iter().any(|(_, f)| f == *s))
        .cloned()
        .collect();
    Ok(if unknown.is_empty() {
        Ok(found.into_iter().map(|(id, _)| id).collect())
    } else {
        Err(unknown)
    })
}

/// The French and English labels of the themes named by `slugs`, in the themes' order: the
/// words that find them in search.
pub fn labels(conn: &mut DbConnection, slugs: &[String]) -> QueryResult<Vec<String>> {
    let rows: Vec<(String, String)> = themes::table
        .filter(themes::slug.eq_any(slugs))
        .order(themes::position.asc())
        .select((themes::label_fr, themes::label_en))
        .load(conn)?;
    let mut out = Vec::with_capacity(rows.len() * 2);
    for (fr, en) in rows {
        if en != fr {
            out.push(fr);
            out.push(en);
        } else {
            out.push(fr);
        }
    }
    Ok(out)
}
