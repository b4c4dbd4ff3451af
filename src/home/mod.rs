//! The public front: the home page, the sections still in preparation, the language switch,
//! robots.txt and the sitemap.

pub mod pages;
