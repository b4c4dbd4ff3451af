//! The marketplace's pages: the public listing (`/marketplace`) and offering pages
//! (`/offres/{slug}`), the members' space (`/espace`: dashboard and offering editor) and the
//! moderation queue of the back office (`/admin/moderation`).
//!
//! A handler reads its input, calls one service function and renders. Forms post to their own
//! path and come back (303) with a confirmation; a form the service refuses is shown again with
//! its messages and the typed values, status 422.

mod manage;
mod market;
mod moderation;
mod offering;
mod requests;

use actix_web::web;

use crate::themes::model::Theme;
use crate::web::Lang;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/marketplace").route(web::get().to(market::index)))
        .service(web::resource("/offres/{slug}").route(web::get().to(offering::show)))
        .service(web::resource("/offres/{slug}/demande").route(web::post().to(requests::ask)))
        .service(web::resource("/espace/demandes/{id}").route(web::get().to(requests::show)))
        .service(
            web::resource("/espace/demandes/{id}/reponse").route(web::post().to(requests::answer)),
        )
        .service(web::resource("/espace").route(web::get().to(manage::dashboard)))
        .service(
            web::resource("/espace/offres/nouvelle")
                .route(web::get().to(manage::new_form))
                .route(web::post().to(manage::create)),
        )
        .service(
            web::resource("/espace/offres/{id}")
                .route(web::get().to(manage::edit_form))
                .route(web::post().to(manage::update)),
        )
        .service(web::resource("/espace/offres/{id}/{action}").route(web::post().to(manage::act)))
        .service(web::resource("/admin/moderation").route(web::get().to(moderation::queue)))
        .service(
            web::resource("/admin/moderation/offres/{id}")
                .route(web::post().to(moderation::decide_offering)),
        )
        .service(
            web::resource("/admin/moderation/organisations/{id}")
                .route(web::post().to(moderation::decide_organization)),
        );
}

/// One option of a select or a group of checkboxes.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// (slug, label) of each theme of `slugs`, in the visitor's language.
pub fn theme_chips(all: &[Theme], slugs: &[String], lang: Lang) -> Vec<(String, String)> {
    slugs
        .iter()
        .filter_map(|slug| all.iter().find(|th| &th.slug == slug))
        .map(|th| (th.slug.clone(), th.label(lang).to_owned()))
        .collect()
}

/// A form with no field but its CSRF token.
#[derive(serde::Deserialize)]
pub struct NoFields {}
