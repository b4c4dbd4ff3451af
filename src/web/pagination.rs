//! `page`/`per_page` query parameters and the `{items, total, page, per_page}` envelope.

use serde::{Deserialize, Serialize};

use crate::error::{AppError, FieldErrors};

pub const MAX_PER_PAGE: i64 = 100;
pub const MAX_PAGE: i64 = 1_000_000;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct PageQuery {
    /// Page number, from 1.
    pub page: Option<i64>,
    /// Items per page, 1 to 100 (default 20).
    pub per_page: Option<i64>,
}

/// A checked page request.
#[derive(Clone, Copy, Debug)]
pub struct PageRequest {
    pub page: i64,
    pub per_page: i64,
}

impl PageRequest {
    pub fn offset(&self) -> i64 {
        (self.page - 1) * self.per_page
    }
}

impl TryFrom<PageQuery> for PageRequest {
    type Error = AppError;

    fn try_from(q: PageQuery) -> Result<Self, AppError> {
        let mut errors = FieldErrors::new();
        let page = q.page.unwrap_or(1);
        let per_page = q.per_page.unwrap_or(20);
        if !(1..=MAX_PAGE).contains(&page) {
            errors.insert(
                "page".into(),
                vec![format!("must be between 1 and {MAX_PAGE}")],
            );
        }
        if !(1..=MAX_PER_PAGE).contains(&per_page) {
            errors.insert(
                "per_page".into(),
                vec![format!("must be between 1 and {MAX_PER_PAGE}")],
            );
        }
        if errors.is_empty() {
            Ok(Self { page, per_page })
        } else {
            Err(AppError::Validation(errors))
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Paginated<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

impl<T> Paginated<T> {
    pub fn new(items: Vec<T>, total: i64, request: PageRequest) -> Self {
        Self {
            items,
            total,
            page: request.page,
            per_page: request.per_page,
        }
    }
}
