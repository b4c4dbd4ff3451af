//! `quai seed --demo`: a believable Amiens Cluster on the first start — the four founding
//! members, ENGIE and ENGIE Cofely with their offerings, fifteen fictional local startups, and
//! one account per role. Facts about ENGIE and the Amiens heat network come from the article the
//! project started from; the startups and people are invented. Seeding twice changes nothing.

use chrono::Utc;
use diesel::prelude::*;

use crate::auth::model::{self as auth, Kind, Role};
use crate::db::schema::{offerings, organizations};
use crate::db::{DbConnection, dialect};
use crate::error::AppError;
use crate::marketplace::model as market;
use crate::orgs::model as orgs;

mod agenda;
mod mentoring;

/// The password of every demo account (printed by the command).
pub const DEMO_PASSWORD: &str = "quai démo amiens 2026";

struct Org {
    kind: &'static str,
    name: &'static str,
    slug: &'static str,
    pitch: &'static str,
    sector: &'static str,
    stage: Option<&'static str>,
    themes: &'static [&'static str],
    offer: Option<(&'static str, &'static str, &'static str, &'static str)>,
}

const fn startup(
    name: &'static str,
    slug: &'static str,
    pitch: &'static str,
    sector: &'static str,
    stage: &'static str,
    themes: &'static [&'static str],
    offer: (&'static str, &'static str, &'static str, &'static str),
) -> Org {
    Org {
        kind: "startup",
        name,
        slug,
        pitch,
        sector,
        stage: Some(stage),
        themes,
        offer: Some(offer),
    }
}

const ORGS: &[Org] = &[
    Org {
        kind: "founding_member",
        name: "CCI Amiens-Picardie",
        slug: "cci-amiens-picardie",
        pitch: "La chambre de commerce et d’industrie, membre fondateur d’Amiens Cluster.",
        sector: "Accompagnement des entreprises",
        stage: None,
        themes: &["industrie", "numerique"],
        offer: None,
    },
    Org {
        kind: "founding_member",
        name: "Université de Picardie Jules Verne (UPJV)",
        slug: "upjv",
        pitch: "L’université, ses laboratoires et ses étudiants, membre fondateur d’Amiens Cluster.",
        sector: "Enseignement supérieur et recherche",
        stage: None,
        themes: &["numerique", "sante"],
        offer: None,
    },
    Org {
        kind: "founding_member",
        name: "CHU Amiens-Picardie",
        slug: "chu-amiens-picardie",
        pitch: "Le centre hospitalier universitaire, membre fondateur d’Amiens Cluster.",
        sector: "Santé",
        stage: None,
        themes: &["sante"],
        offer: None,
    },
    Org {
        kind: "founding_member",
        name: "Amiens Métropole",
        slug: "amiens-metropole",
        pitch: "La métropole, qui a lancé en 2014 un Pacte pour l’emploi et l’innovation.",
        sector: "Collectivité",
        stage: None,
        themes: &["ville-durable", "mobilite"],
        offer: None,
    },
    Org {
        kind: "partner",
        name: "ENGIE",
        slug: "engie",
        pitch: "Partenaire d’Amiens Cluster : experts, savoir-faire, mentorat et manifestations thématiques.",
        sector: "Énergie",
        stage: None,
        themes: &["energie", "environnement"],
        offer: Some((
            "mentorat",
            "Mentorat par des experts ENGIE",
            "Des experts d’ENGIE accompagnent les projets des startups du cluster.",
            "Gratuit pour les startups d’Amiens Cluster",
        )),
    },
    Org {
        kind: "partner",
        name: "ENGIE Cofely",
        slug: "engie-cofely",
        pitch: "Filiale d’ENGIE ancrée localement, qui porte avec la Ville le réseau de chaleur d’Amiens.",
        sector: "Énergie et services",
        stage: None,
        themes: &["energie", "ville-durable"],
        offer: Some((
            "expertise",
            "Savoir-faire réseau de chaleur",
            "Le réseau de chaleur d’Amiens récupère l’énergie des 8,5 millions de m³ d’eau épurée rejetés chaque année par la station d’Ambonne, vise 60 % d’énergies renouvelables et 28 000 tonnes de CO2 évitées par an.",
            "Sur rendez-vous",
        )),
    },
    startup(
        "Calorie Picarde",
        "calorie-picarde",
        "Capteurs de chaleur fatale pour les petits réseaux.",
        "Énergie",
        "prototype",
        &["energie"],
        (
            "produit",
            "Capteur de chaleur fatale",
            "Un capteur qui mesure la chaleur perdue de vos installations.",
            "Prêt de démonstration gratuit",
        ),
    ),
    startup(
        "Hortillon Data",
        "hortillon-data",
        "Données ouvertes et tableaux de bord pour les communes.",
        "Numérique",
        "amorcage",
        &["numerique", "ville-durable"],
        (
            "service",
            "Tableaux de bord communaux",
            "Vos données publiques en tableaux de bord clairs.",
            "Sur devis",
        ),
    ),
    startup(
        "Somme Mobilités",
        "somme-mobilites",
        "Covoiturage domicile-travail pour les zones d’activité.",
        "Mobilité",
        "croissance",
        &["mobilite"],
        (
            "solution",
            "Covoiturage d’entreprise",
            "Une application de covoiturage pour vos salariés.",
            "Abonnement mensuel",
        ),
    ),
    startup(
        "Biolin Amiens",
        "biolin-amiens",
        "Matériaux biosourcés à base de lin picard.",
        "Industrie",
        "prototype",
        &["industrie", "agroalimentaire"],
        (
            "produit",
            "Panneaux isolants en lin",
            "Des panneaux isolants issus du lin cultivé en Picardie.",
            "Sur devis",
        ),
    ),
    startup(
        "Santé Connect Picardie",
        "sante-connect-picardie",
        "Suivi à domicile des patients chroniques.",
        "Santé",
        "amorcage",
        &["sante", "numerique"],
        (
            "service",
            "Télésuivi des patients",
            "Un suivi à distance en lien avec les équipes soignantes.",
            "Sur devis",
        ),
    ),
    startup(
        "Méthane & Co",
        "methane-et-co",
        "Petites unités de méthanisation agricole.",
        "Énergie",
        "croissance",
        &["energie", "agroalimentaire"],
        (
            "solution",
            "Méthanisation à la ferme",
            "Des unités compactes pour valoriser les effluents agricoles.",
            "Étude de faisabilité offerte",
        ),
    ),
    startup(
        "Cathédrale XR",
        "cathedrale-xr",
        "Visites en réalité augmentée du patrimoine amiénois.",
        "Culture",
        "prototype",
        &["innovation-sociale", "numerique"],
        (
            "produit",
            "Visite augmentée",
            "Une visite augmentée de la cathédrale et des hortillonnages.",
            "Licence annuelle",
        ),
    ),
    startup(
        "Eau Claire Tech",
        "eau-claire-tech",
        "Détection des fuites sur les réseaux d’eau.",
        "Environnement",
        "amorcage",
        &["environnement"],
        (
            "service",
            "Détection de fuites",
            "Des capteurs acoustiques repèrent les fuites avant qu’elles ne coûtent.",
            "Sur devis",
        ),
    ),
    startup(
        "Vélo Somme Logistique",
        "velo-somme-logistique",
        "Livraisons du dernier kilomètre à vélo-cargo.",
        "Logistique",
        "croissance",
        &["mobilite", "environnement"],
        (
            "service",
            "Livraison à vélo-cargo",
            "Vos livraisons urbaines sans moteur.",
            "Au colis",
        ),
    ),
    startup(
        "Inclusio",
        "inclusio",
        "Plateforme d’emploi pour les personnes éloignées du travail.",
        "Emploi",
        "amorcage",
        &["innovation-sociale"],
        (
            "avantage",
            "Premier recrutement accompagné",
            "Un premier recrutement accompagné sans frais pour les startups du cluster.",
            "Gratuit",
        ),
    ),
    startup(
        "Agri Capteurs",
        "agri-capteurs",
        "Capteurs d’humidité des sols pour l’irrigation raisonnée.",
        "Agriculture",
        "prototype",
        &["agroalimentaire", "environnement"],
        (
            "produit",
            "Capteurs d’humidité",
            "Des capteurs connectés pour arroser juste ce qu’il faut.",
            "Location saisonnière",
        ),
    ),
    startup(
        "Rénov’Amiens",
        "renov-amiens",
        "Diagnostics de rénovation énergétique des logements.",
        "Bâtiment",
        "croissance",
        &["energie", "ville-durable"],
        (
            "expertise",
            "Diagnostic rénovation",
            "Un diagnostic complet et un plan de travaux chiffré.",
            "Forfait",
        ),
    ),
    startup(
        "Pixel Picard",
        "pixel-picard",
        "Studio de jeux sérieux pour la formation.",
        "Numérique",
        "amorcage",
        &["numerique", "innovation-sociale"],
        (
            "service",
            "Jeux sérieux sur mesure",
            "Des jeux de formation pour vos équipes.",
            "Sur devis",
        ),
    ),
    startup(
        "Circul’R",
        "circul-r",
        "Réemploi des matériaux de chantier.",
        "Environnement",
        "prototype",
        &["environnement", "industrie"],
        (
            "solution",
            "Plateforme de réemploi",
            "Vendez et achetez des matériaux de réemploi près de chez vous.",
            "Commission",
        ),
    ),
    startup(
        "Bloc Santé",
        "bloc-sante",
        "Planification intelligente des blocs opératoires.",
        "Santé",
        "prototype",
        &["sante", "numerique"],
        (
            "solution",
            "Planification des blocs",
            "Moins d’attente, des équipes mieux organisées.",
            "Sur devis",
        ),
    ),
];

const PEOPLE: &[(&str, &str, Kind, &[Role])] = &[
    (
        "admin@quai.demo",
        "Équipe Amiens Cluster",
        Kind::PartnerStaff,
        &[Role::Admin],
    ),
    (
        "fondatrice@quai.demo",
        "Léa Martin",
        Kind::StartupFounder,
        &[Role::StartupMember],
    ),
    (
        "mentor@quai.demo",
        "Karim Benali",
        Kind::Mentor,
        &[Role::Mentor, Role::PartnerMember],
    ),
    (
        "partenaire@quai.demo",
        "Claire Dubois",
        Kind::PartnerStaff,
        &[Role::PartnerMember],
    ),
];

/// What a seeding did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Seeded {
    pub users: usize,
    pub organizations: usize,
    pub offerings: usize,
    pub requests: usize,
    pub events: usize,
    pub themes: usize,
    pub mentors: usize,
    pub projects: usize,
    pub mentorships: usize,
}

/// Requests between demo organizations: (asking organization, offering's organization, message,
/// status, answer).
const REQUESTS: &[(&str, &str, &str, &str, &str)] = &[
    (
        "calorie-picarde",
        "engie-cofely",
        "Nos capteurs mesurent la chaleur fatale des petits réseaux : pourrions-nous les tester sur une sous-station du réseau de chaleur d’Amiens ?",
        "in_discussion",
        "Bonne idée : proposons une visite de la sous-station de Saint-Leu le mois prochain.",
    ),
    (
        "methane-et-co",
        "engie",
        "Nous cherchons un mentor pour industrialiser notre unité de méthanisation agricole.",
        "accepted",
        "Un expert biométhane d’ENGIE vous contactera cette semaine.",
    ),
    (
        "eau-claire-tech",
        "engie-cofely",
        "Pouvez-vous nous présenter la récupération de chaleur sur les eaux épurées d’Ambonne ?",
        "new",
        "",
    ),
];

/// Loads the demo data; what already exists (by address or slug) is left alone.
/// Whether the database holds no account and no organization yet (`quai serve --demo`).
pub fn is_empty(conn: &mut DbConnection) -> diesel::QueryResult<bool> {
    use crate::db::schema::{organizations, users};
    let users: i64 = users::table.count().get_result(conn)?;
    let orgs: i64 = organizations::table.count().get_result(conn)?;
    Ok(users == 0 && orgs == 0)
}

pub fn seed(conn: &mut DbConnection, password_hash: &str) -> Result<Seeded, AppError> {
    dialect::write_transaction(conn, |conn| {
        let now = Utc::now().naive_utc();
        let mut done = Seeded::default();
        let mut ids = Vec::new();
        for (email, name, kind, roles) in PEOPLE {
            let user = match auth::by_email(conn, email)? {
                Some(u) => u,
                None => {
                    done.users += 1;
                    auth::insert_user(
                        conn,
                        &auth::NewUser {
                            email,
                            password_hash,
                            display_name: name,
                            lang: "fr",
                            kind: kind.as_str(),
                            is_active: true,
                            email_verified_at: Some(now),
                            created_at: now,
                            updated_at: now,
                        },
                    )?
                }
            };
            for role in *roles {
                auth::grant(conn, user.id, *role, now)?;
            }
            ids.push(user.id);
        }
        let (founder, partner) = (ids[1], ids[3]);
        for org in ORGS {
            let exists: bool = diesel::select(diesel::dsl::exists(
                organizations::table.filter(organizations::slug.eq(org.slug)),
            ))
            .get_result(conn)?;
            if exists {
                continue;
            }
            done.organizations += 1;
            let fields = orgs::Fields {
                name: org.name.into(),
                pitch: org.pitch.into(),
                description: format!("{}\n\nMembre d’**Amiens Cluster**.", org.pitch),
                sector: org.sector.into(),
                stage: org.stage.map(Into::into),
                team_size: None,
                founded_year: None,
                city: "Amiens".into(),
                website: String::new(),
                contact_email: String::new(),
            };
            let created = orgs::insert(conn, org.kind, orgs::ACTIVE, org.slug, &fields, now)?;
            diesel::update(organizations::table.find(created.id))
                .set(organizations::verified.eq(org.kind != "startup"))
                .execute(conn)?;
            let themes: Vec<String> = org.themes.iter().map(|s| (*s).to_owned()).collect();
            orgs::set_themes(conn, created.id, &themes)?;
            let owner = if org.kind == "startup" {
                founder
            } else {
                partner
            };
            orgs::add_member(conn, created.id, owner, orgs::OWNER, now)?;
            if let Some((kind, title, summary, conditions)) = org.offer {
                let slug = crate::web::slug::slugify(title, "offre");
                let taken: bool = diesel::select(diesel::dsl::exists(
                    offerings::table.filter(offerings::slug.eq(&slug)),
                ))
                .get_result(conn)?;
                if taken {
                    continue;
                }
                done.offerings += 1;
                let offer = market::insert(
                    conn,
                    created.id,
                    &slug,
                    &market::Fields {
                        kind: kind.into(),
                        title: title.into(),
                        summary: summary.into(),
                        body: format!("{summary}\n\nProposé par **{}**.", org.name),
                        audience: "all".into(),
                        conditions: conditions.into(),
                        contact: String::new(),
                    },
                    now,
                )?;
                market::set_themes(conn, offer.id, &themes)?;
                market::transition(
                    conn,
                    offer.id,
                    "draft",
                    "published",
                    None,
                    "Données de démonstration",
                    now,
                )?;
            }
        }
        done.requests = seed_requests(conn, founder, now)?;
        seed_favorites(conn, founder, now)?;
        done.events = seed_events(conn, &ids, now)?;
        let added = mentoring::seed(conn, password_hash, founder, ids[0], now)?;
        done.themes = added.themes;
        done.mentors = added.mentors;
        done.projects = added.projects;
        done.mentorships = added.mentorships;
        Ok(done)
    })
}

fn org_id(conn: &mut DbConnection, slug: &str) -> diesel::QueryResult<Option<i64>> {
    organizations::table
        .filter(organizations::slug.eq(slug))
        .select(organizations::id)
        .first(conn)
        .optional()
}

/// A few requests in several states, once (only while there are none at all).
fn seed_requests(
    conn: &mut DbConnection,
    founder: i64,
    now: chrono::NaiveDateTime,
) -> Result<usize, AppError> {
    use crate::db::schema::offering_requests;
    use crate::jobs::{EnqueueOptions, enqueue};
    use crate::marketplace::requests::{
        EXPIRE_AFTER_DAYS, ExpireRequest, REMIND_AFTER_DAYS, RemindRequest,
    };
    let existing: i64 = offering_requests::table.count().get_result(conn)?;
    if existing > 0 {
        return Ok(0);
    }
    let mut added = 0;
    for (asker, owner, message, status, answer) in REQUESTS {
        let (Some(asker), Some(owner)) = (org_id(conn, asker)?, org_id(conn, owner)?) else {
            continue;
        };
        let Some(offering) = market::of_organizations(conn, &[owner], false)?
            .into_iter()
            .next()
        else {
            continue;
        };
        let expires_at = now + chrono::Duration::days(EXPIRE_AFTER_DAYS);
        let Some(request) = market::insert_request(
            conn,
            &market::NewRequest {
                offering_id: offering.id,
                requester_org_id: asker,
                requester_id: founder,
                message,
                now,
                expires_at,
            },
        )?
        else {
            continue;
        };
        added += 1;
        if *status != "new" {
            market::set_request_status(
                conn,
                request.id,
                &["new"],
                status,
                answer,
                now,
                expires_at,
            )?;
        } else {
            enqueue(
                conn,
                &RemindRequest {
                    request: request.id,
                },
                EnqueueOptions {
                    run_at: Some(now + chrono::Duration::days(REMIND_AFTER_DAYS)),
                    dedup_key: None,
                },
            )?;
        }
        if *status != "accepted" {
            enqueue(
                conn,
                &ExpireRequest {
                    request: request.id,
                },
                EnqueueOptions {
                    run_at: Some(expires_at),
                    dedup_key: None,
                },
            )?;
        }
    }
    Ok(added)
}

/// The demo founder follows ENGIE and the energy theme (her favourites are not empty).
fn seed_favorites(
    conn: &mut DbConnection,
    founder: i64,
    now: chrono::NaiveDateTime,
) -> Result<(), AppError> {
    use crate::favorites::model as favorites;
    if let Some(engie) = org_id(conn, "engie")?
        && !favorites::follows_organization(conn, founder, engie)?
    {
        favorites::add_organization(conn, founder, engie, now)?;
    }
    if let Ok(ids) = crate::themes::model::resolve(conn, &["energie".to_owned()])?
        && let Some(&theme) = ids.first()
        && !favorites::follows_theme(conn, founder, theme)?
    {
        favorites::add_theme(conn, founder, theme, now)?;
    }
    Ok(())
}

/// A venue: (name, address, rooms as (name, seats)).
type DemoVenue = (&'static str, &'static str, &'static [(&'static str, i32)]);

const VENUES: &[DemoVenue] = &[
    (
        "Quai de l’innovation",
        "Quai de la Somme",
        &[("Grande salle", 120), ("Salle Somme", 40), ("Atelier", 20)],
    ),
    (
        "UPJV — Pôle universitaire Citadelle",
        "10 rue des Français Libres",
        &[("Amphithéâtre Jules Verne", 300)],
    ),
    (
        "CHU Amiens-Picardie",
        "1 rond-point du Professeur Christian Cabrol",
        &[("Salle de conférences", 80)],
    ),
];

/// Events: (title, organizer slug, venue, room, days from today, hour, length in hours, seats,
/// themes, summary).
type DemoEvent = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    i64,
    u32,
    i64,
    i32,
    &'static [&'static str],
    &'static str,
);

const EVENTS: &[DemoEvent] = &[
    (
        "Récupérer la chaleur des eaux usées : le réseau de chaleur d’Amiens",
        "engie-cofely",
        "Quai de l’innovation",
        "Grande salle",
        12,
        18,
        2,
        100,
        &["energie", "ville-durable"],
        "Comment la chaleur des 8,5 millions de m³ d’eau épurée de la station d’Ambonne alimente le réseau de chaleur : visite virtuelle et questions aux équipes d’ENGIE Cofely.",
    ),
    (
        "Petit-déjeuner mentorat ENGIE",
        "engie",
        "Quai de l’innovation",
        "Atelier",
        5,
        8,
        2,
        3,
        &["energie"],
        "Une heure et demie avec des experts d’ENGIE pour présenter votre projet et trouver un mentor.",
    ),
    (
        "Demo day des startups d’Amiens Cluster",
        "cci-amiens-picardie",
        "Quai de l’innovation",
        "Grande salle",
        26,
        14,
        4,
        120,
        &["numerique", "industrie"],
        "Quinze startups du cluster présentent leurs solutions aux partenaires, investisseurs et collectivités.",
    ),
    (
        "Hydrogène vert : quels usages en Picardie ?",
        "engie",
        "UPJV — Pôle universitaire Citadelle",
        "Amphithéâtre Jules Verne",
        19,
        17,
        2,
        250,
        &["energie", "industrie"],
        "Table ronde avec des chercheurs de l’UPJV et des experts d’ENGIE.",
    ),
    (
        "Santé connectée : du prototype à l’hôpital",
        "chu-amiens-picardie",
        "CHU Amiens-Picardie",
        "Salle de conférences",
        33,
        17,
        2,
        60,
        &["sante", "numerique"],
        "Les équipes du CHU expliquent comment tester une innovation en conditions réelles.",
    ),
    (
        "Financer son amorçage en Hauts-de-France",
        "cci-amiens-picardie",
        "Quai de l’innovation",
        "Salle Somme",
        9,
        18,
        2,
        40,
        &["industrie"],
        "Prêts d’honneur, subventions, business angels : le panorama avec la CCI Amiens-Picardie.",
    ),
    (
        "Ville durable : les données au service des quartiers",
        "amiens-metropole",
        "Quai de l’innovation",
        "Salle Somme",
        40,
        18,
        2,
        40,
        &["ville-durable", "numerique"],
        "Amiens Métropole ouvre ses données de mobilité et d’énergie aux startups.",
    ),
    (
        "Efficacité énergétique des PME : atelier diagnostic",
        "engie",
        "Quai de l’innovation",
        "Atelier",
        16,
        9,
        3,
        20,
        &["energie"],
        "Apprendre à lire ses consommations et à repérer les économies rapides.",
    ),
    (
        "Rencontre recherche–startups à l’UPJV",
        "upjv",
        "UPJV — Pôle universitaire Citadelle",
        "Amphithéâtre Jules Verne",
        47,
        14,
        3,
        200,
        &["numerique", "sante"],
        "Laboratoires et startups se rencontrent autour de projets communs.",
    ),
    (
        "Bilan 2026 du réseau de chaleur",
        "engie-cofely",
        "Quai de l’innovation",
        "Salle Somme",
        -20,
        18,
        2,
        40,
        &["energie", "environnement"],
        "Vers 60 % d’énergies renouvelables et 28 000 tonnes de CO2 évitées par an : où en est-on ?",
    ),
    (
        "Atelier méthanisation agricole",
        "engie",
        "Quai de l’innovation",
        "Atelier",
        -35,
        9,
        3,
        20,
        &["energie", "environnement"],
        "Retours d’expérience d’exploitations picardes et des experts biométhane d’ENGIE.",
    ),
    (
        "Soirée de lancement de Quai",
        "amiens-metropole",
        "Quai de l’innovation",
        "Grande salle",
        -60,
        18,
        3,
        120,
        &["numerique"],
        "Le lancement de la plateforme du cluster, avec ses membres fondateurs et ENGIE.",
    ),
];

/// Venues, rooms and a dozen past and upcoming events, with a full one and its waiting line;
/// what exists (by name or title) is left alone. Returns the events added.
pub fn seed_events(
    conn: &mut DbConnection,
    people: &[i64],
    now: chrono::NaiveDateTime,
) -> Result<usize, AppError> {
    use crate::db::schema::{events, rooms, venues};
    use crate::events::model as ev;
    use chrono::TimeZone;
    for (name, address, room_list) in VENUES {
        let venue_id: Option<i64> = venues::table
            .filter(venues::name.eq(name))
            .select(venues::id)
            .first(conn)
            .optional()?;
        let venue_id = match venue_id {
            Some(id) => id,
            None => ev::insert_venue(conn, name, address, "Amiens", now)?.id,
        };
        for (room, seats) in *room_list {
            let exists: bool = diesel::select(diesel::dsl::exists(
                rooms::table
                    .filter(rooms::venue_id.eq(venue_id))
                    .filter(rooms::name.eq(room)),
            ))
            .get_result(conn)?;
            if !exists {
                ev::insert_room(conn, venue_id, room, *seats)?;
            }
        }
    }
    let mut added = 0;
    let today = chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::Paris)
        .date_naive();
    for (title, org, venue, room, days, hour, hours, seats, themes, summary) in EVENTS {
        let slug = crate::web::slug::slugify(title, "evenement");
        let exists: bool = diesel::select(diesel::dsl::exists(
            events::table.filter(events::slug.eq(&slug)),
        ))
        .get_result(conn)?;
        if exists {
            continue;
        }
        let room_id: i64 = rooms::table
            .inner_join(venues::table)
            .filter(venues::name.eq(venue))
            .filter(rooms::name.eq(room))
            .select(rooms::id)
            .first(conn)?;
        let organizer: Option<i64> = organizations::table
            .filter(organizations::slug.eq(org))
            .select(organizations::id)
            .first(conn)
            .optional()?;
        let day = today + chrono::Duration::days(*days);
        let local = day.and_hms_opt(*hour, 0, 0).expect("a valid hour");
        let starts_at = chrono_tz::Europe::Paris
            .from_local_datetime(&local)
            .earliest()
            .expect("a Paris time")
            .with_timezone(&chrono::Utc)
            .naive_utc();
        let fields = ev::EventFields {
            title: (*title).into(),
            summary: (*summary).into(),
            description: "Un événement d’**Amiens Cluster** et de ses partenaires. Entrée libre sur inscription.".into(),
            room_id: Some(room_id),
            online_url: String::new(),
            starts_at,
            ends_at: starts_at + chrono::Duration::hours(*hours),
            registration_opens_at: None,
            registration_closes_at: None,
            // The hospital's visit is on approval; a seat freed at the breakfast is offered for a day.
            approval: title.starts_with("Santé connectée"),
            offer_hours: title.starts_with("Petit-déjeuner").then_some(24),
        };
        let event = ev::insert_event(conn, &slug, &fields, organizer, *seats, people[0], now)?;
        ev::set_event_status(conn, event.id, "draft", ev::PUBLISHED, now)?;
        let themes: Vec<String> = themes.iter().map(|t| (*t).to_owned()).collect();
        ev::set_themes(conn, event.id, &themes)?;
        added += 1;
        agenda::seed(conn, event.id, title, starts_at, Some(room_id), now)?;
        // Every demo account registers to the upcoming events: the 3-seat breakfast is full,
        // with one person waiting.
        if *days > 0 {
            for (i, &user_id) in people.iter().enumerate() {
                let user = auth::by_id(conn, user_id)?;
                let status = if fields.approval && i > 0 {
                    ev::PENDING_APPROVAL
                } else if ev::take_seat(conn, event.id, now)? {
                    ev::CONFIRMED
                } else {
                    ev::WAITLISTED
                };
                ev::insert_registration(
                    conn,
                    &ev::NewRegistration {
                        event_id: event.id,
                        user_id: Some(user_id),
                        email: &user.email,
                        name: &user.display_name,
                        status,
                        code: &crate::events::service::check_in_code(),
                        token_hash: &crate::auth::tokens::hash_token(
                            &crate::auth::tokens::random_token(),
                        ),
                        lang: &user.lang,
                        now,
                    },
                )?;
            }
        }
    }
    Ok(added)
}
