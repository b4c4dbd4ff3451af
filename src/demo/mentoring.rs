//! The mentoring part of the demo: the themes mentoring speaks of, a dozen mentors (mostly ENGIE
//! and ENGIE Cofely experts, as the partnership convention promised, and a few from the UPJV,
//! the CHU and the CCI), projects for most demo startups, and mentorships in every state — with
//! the mentors' active mentees counted by the same guarded statements as the workflow's.
//!
//! The mentors are invented people. What exists (a theme or project by slug, an account by
//! address, a profile by account, any mentorship at all) is left alone.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::org_id;
use crate::auth::model::{self as auth, Kind, Role};
use crate::db::DbConnection;
use crate::db::schema::mentorships;
use crate::error::AppError;
use crate::jobs::{EnqueueOptions, enqueue};
use crate::mentoring::model::{self as mentoring, MentorFields, NewMentorship, ProjectFields};
use crate::mentoring::workflow::{
    EXPIRE_AFTER_DAYS, ExpireMentorship, REMIND_AFTER_DAYS, RemindMentor,
};
use crate::orgs::model as orgs;
use crate::themes::model as themes;

/// What the mentoring seed added.
#[derive(Debug, Default)]
pub struct Added {
    pub themes: usize,
    pub mentors: usize,
    pub projects: usize,
    pub mentorships: usize,
}

/// Themes mentoring needs: (slug, French, English, description fr, description en).
const THEMES: &[(&str, &str, &str, &str, &str)] = &[
    (
        "efficacite-energetique",
        "Efficacité énergétique",
        "Energy efficiency",
        "Consommer moins : diagnostics, pilotage, récupération d’énergie.",
        "Using less: audits, energy management, energy recovery.",
    ),
    (
        "reseaux-de-chaleur",
        "Réseaux de chaleur",
        "Heat networks",
        "Chaleur renouvelable et de récupération distribuée aux quartiers.",
        "Renewable and recovered heat delivered to neighbourhoods.",
    ),
    (
        "hydrogene",
        "Hydrogène",
        "Hydrogen",
        "Production, stockage et usages de l’hydrogène bas carbone.",
        "Low-carbon hydrogen: production, storage and uses.",
    ),
    (
        "financement",
        "Financement",
        "Financing",
        "Levée de fonds, subventions, financement de projets.",
        "Fundraising, grants, project finance.",
    ),
    (
        "industrialisation",
        "Industrialisation",
        "Industrial scale-up",
        "Passer du prototype à la série : production, qualité, achats.",
        "From prototype to series: manufacturing, quality, purchasing.",
    ),
];

struct DemoMentor {
    email: &'static str,
    name: &'static str,
    organization: &'static str,
    headline: &'static str,
    bio: &'static str,
    expertise: &'static [(&'static str, i32)],
    languages: &'static str,
    stages: &'static str,
    capacity: i32,
    availability: &'static str,
    /// (ISO weekday, start minute, end minute), Paris time.
    slots: &'static [(i32, i32, i32)],
    visibility: &'static str,
    paused: bool,
}

/// The mentors; the first is the demo account `mentor@quai.demo`.
const MENTORS: &[DemoMentor] = &[
    DemoMentor {
        email: "mentor@quai.demo",
        name: "Karim Benali",
        organization: "engie",
        headline: "Expert efficacité énergétique des sites industriels, ENGIE",
        bio: "Quinze ans d’audits énergétiques et de plans de sobriété pour l’industrie des Hauts-de-France. J’aide les startups à **mesurer avant d’agir** et à parler le langage des directions techniques.",
        expertise: &[
            ("efficacite-energetique", 3),
            ("energie", 3),
            ("industrialisation", 2),
        ],
        languages: "fr,en",
        stages: "prototype,launch,growth",
        capacity: 3,
        availability: "Le mardi après-midi, au Quai de l’innovation ou en visio",
        slots: &[(2, 840, 1020)],
        visibility: "public",
        paused: false,
    },
    DemoMentor {
        email: "sophie.lefebvre@engie-cofely.demo",
        name: "Sophie Lefebvre",
        organization: "engie-cofely",
        headline: "Cheffe de projet réseaux de chaleur, ENGIE Cofely",
        bio: "Je conçois des réseaux de chaleur urbains alimentés par des énergies de récupération. Je peux vous expliquer comment un réseau choisit ses fournisseurs et ses capteurs.",
        expertise: &[
            ("reseaux-de-chaleur", 3),
            ("energie", 2),
            ("ville-durable", 2),
        ],
        languages: "fr",
        stages: "",
        capacity: 2,
        availability: "Un jeudi sur deux, en fin de journée",
        slots: &[(4, 1020, 1140)],
        visibility: "public",
        paused: false,
    },
    DemoMentor {
        email: "thomas.moreau@engie-cofely.demo",
        name: "Thomas Moreau",
        organization: "engie-cofely",
        headline: "Ingénieur récupération de chaleur fatale, ENGIE Cofely",
        bio: "Pompes à chaleur sur eaux usées, chaleur des data centers, fumées industrielles : je cherche la chaleur perdue et je la remets dans les réseaux.",
        expertise: &[
            ("reseaux-de-chaleur", 3),
            ("efficacite-energetique", 2),
            ("industrie", 2),
        ],
        languages: "fr,en",
        stages: "idea,prototype",
        capacity: 2,
        availability: "Le lundi matin, en visio",
        slots: &[(1, 540, 720)],
        visibility: "public",
        paused: false,
    },
    DemoMentor {
        email: "nadia.haddad@engie.demo",
        name: "Nadia Haddad",
        organization: "engie",
        headline: "Responsable de projets hydrogène bas carbone, ENGIE",
        bio: "Électrolyseurs, stations de recharge, usages industriels : j’accompagne les projets hydrogène de l’étude de faisabilité au premier démonstrateur.",
        expertise: &[("hydrogene", 3), ("energie", 2), ("industrialisation", 2)],
        languages: "fr,en",
        stages: "idea,prototype,launch",
        capacity: 2,
        availability: "Le mercredi, sur rendez-vous",
        slots: &[(3, 600, 720), (3, 840, 960)],
        visibility: "public",
        paused: false,
    },
    DemoMentor {
        email: "julien.roussel@engie.demo",
        name: "Julien Roussel",
        organization: "engie",
        headline: "Financement de projets énergétiques, ENGIE",
        bio: "Business plans, tiers-financement, subventions européennes : je relis vos chiffres comme le ferait un investisseur.",
        expertise: &[("financement", 3), ("energie", 1)],
        languages: "fr,en",
        stages: "launch,growth",
        capacity: 3,
        availability: "Le vendredi matin",
        slots: &[(5, 510, 690)],
        visibility: "public",
        paused: false,
    },
    DemoMentor {
        email: "camille.girard@engie-cofely.demo",
        name: "Camille Girard",
        organization: "engie-cofely",
        headline: "Responsable industrialisation et achats, ENGIE Cofely",
        bio: "Passer de dix prototypes à mille unités : sous-traitance, qualité, certification. Je connais les exigences d’un grand donneur d’ordre.",
        expertise: &[
            ("industrialisation", 3),
            ("industrie", 3),
            ("efficacite-energetique", 1),
        ],
        languages: "fr",
        stages: "prototype,launch",
        capacity: 1,
        availability: "Une heure par semaine, le jeudi",
        slots: &[(4, 480, 540)],
        visibility: "public",
        paused: false,
    },
    DemoMentor {
        email: "antoine.mercier@engie.demo",
        name: "Antoine Mercier",
        organization: "engie",
        headline: "Expert biométhane et méthanisation agricole, ENGIE",
        bio: "Des unités de méthanisation à la ferme à l’injection dans le réseau de gaz. En pause jusqu’au printemps.",
        expertise: &[("energie", 3), ("environnement", 2), ("agroalimentaire", 2)],
        languages: "fr",
        stages: "",
        capacity: 2,
        availability: "De retour au printemps",
        slots: &[],
        visibility: "public",
        paused: true,
    },
    DemoMentor {
        email: "elodie.vasseur@engie-cofely.demo",
        name: "Élodie Vasseur",
        organization: "engie-cofely",
        headline: "Performance énergétique des bâtiments, ENGIE Cofely",
        bio: "Contrats de performance énergétique, rénovation des écoles et des logements sociaux : je sais ce qu’un bailleur attend d’un diagnostic.",
        expertise: &[
            ("efficacite-energetique", 3),
            ("ville-durable", 3),
            ("financement", 1),
        ],
        languages: "fr",
        stages: "launch,growth",
        capacity: 2,
        availability: "Le mardi matin, sur place à Amiens",
        slots: &[(2, 540, 660)],
        visibility: "members",
        paused: false,
    },
    DemoMentor {
        email: "marc.delattre@engie.demo",
        name: "Marc Delattre",
        organization: "engie",
        headline: "Données et pilotage des réseaux d’énergie, ENGIE",
        bio: "Compteurs communicants, jumeaux numériques, tableaux de bord : je relie les données aux décisions d’exploitation.",
        expertise: &[
            ("numerique", 3),
            ("energie", 2),
            ("efficacite-energetique", 1),
        ],
        languages: "fr,en",
        stages: "",
        capacity: 2,
        availability: "Le jeudi en visio",
        slots: &[(4, 600, 720)],
        visibility: "public",
        paused: false,
    },
    DemoMentor {
        email: "helene.caron@upjv.demo",
        name: "Hélène Caron",
        organization: "upjv",
        headline: "Chercheuse en stockage de l’énergie, UPJV",
        bio: "Batteries, hydrogène, capteurs basse consommation : je fais le lien entre les laboratoires de l’université et les startups.",
        expertise: &[("hydrogene", 2), ("energie", 2), ("numerique", 1)],
        languages: "fr,en",
        stages: "idea,prototype",
        capacity: 1,
        availability: "Le vendredi après-midi, au pôle Citadelle",
        slots: &[(5, 840, 960)],
        visibility: "members",
        paused: false,
    },
    DemoMentor {
        email: "pierre.lemaire@chu.demo",
        name: "Pierre Lemaire",
        organization: "chu-amiens-picardie",
        headline: "Ingénieur biomédical, CHU Amiens-Picardie",
        bio: "Je sais comment une innovation entre à l’hôpital : essais, achats, sécurité des données de santé — et ce que coûte l’énergie d’un bloc opératoire.",
        expertise: &[
            ("sante", 3),
            ("numerique", 2),
            ("efficacite-energetique", 1),
        ],
        languages: "fr",
        stages: "prototype,launch",
        capacity: 2,
        availability: "Le lundi en fin de journée",
        slots: &[(1, 1020, 1110)],
        visibility: "public",
        paused: false,
    },
    DemoMentor {
        email: "valerie.dufour@cci.demo",
        name: "Valérie Dufour",
        organization: "cci-amiens-picardie",
        headline: "Conseillère financement et croissance, CCI Amiens-Picardie",
        bio: "Prêts d’honneur, aides régionales, premiers recrutements : je vous aide à bâtir un plan de financement crédible.",
        expertise: &[
            ("financement", 3),
            ("industrialisation", 1),
            ("innovation-sociale", 1),
        ],
        languages: "fr",
        stages: "",
        capacity: 3,
        availability: "Permanences le mercredi au Quai de l’innovation",
        slots: &[(3, 540, 720)],
        visibility: "public",
        paused: false,
    },
    DemoMentor {
        email: "romain.petit@engie-cofely.demo",
        name: "Romain Petit",
        organization: "engie-cofely",
        headline: "Exploitation de chaufferies biomasse, ENGIE Cofely",
        bio: "Chaufferies, biomasse locale, maintenance : le quotidien d’un réseau de chaleur, vu de la salle des machines.",
        expertise: &[
            ("reseaux-de-chaleur", 2),
            ("environnement", 2),
            ("industrialisation", 1),
        ],
        languages: "fr",
        stages: "",
        capacity: 1,
        availability: "Un samedi matin par mois",
        slots: &[(6, 540, 660)],
        visibility: "members",
        paused: false,
    },
];

struct DemoProject {
    startup: &'static str,
    title: &'static str,
    summary: &'static str,
    goals: &'static str,
    stage: &'static str,
    languages: &'static str,
    needs: &'static [(&'static str, i32)],
    visibility: &'static str,
}

const PROJECTS: &[DemoProject] = &[
    DemoProject {
        startup: "calorie-picarde",
        title: "Tester nos capteurs sur le réseau de chaleur d’Amiens",
        summary: "Nos capteurs mesurent la chaleur fatale des petits réseaux. Nous voulons les valider sur une sous-station d’un vrai réseau urbain.",
        goals: "Un protocole d’essai accepté par un exploitant, et les premières mesures publiées.",
        stage: "prototype",
        languages: "fr",
        needs: &[
            ("reseaux-de-chaleur", 3),
            ("efficacite-energetique", 2),
            ("industrialisation", 1),
        ],
        visibility: "public",
    },
    DemoProject {
        startup: "hortillon-data",
        title: "Tableau de bord énergie des bâtiments communaux",
        summary: "Rassembler les consommations des écoles et gymnases d’une commune dans un tableau de bord lisible par les élus.",
        goals: "Choisir les bons indicateurs et convaincre une première commune pilote.",
        stage: "launch",
        languages: "fr",
        needs: &[("efficacite-energetique", 3), ("numerique", 2)],
        visibility: "public",
    },
    DemoProject {
        startup: "somme-mobilites",
        title: "Financer l’ouverture de dix nouvelles zones d’activité",
        summary: "Notre covoiturage fonctionne dans trois zones d’activité ; pour en ouvrir dix, il nous faut une levée de fonds.",
        goals: "Un plan de financement sur trois ans et une liste d’investisseurs à rencontrer.",
        stage: "growth",
        languages: "fr,en",
        needs: &[("financement", 3), ("mobilite", 2)],
        visibility: "public",
    },
    DemoProject {
        startup: "biolin-amiens",
        title: "Industrialiser nos panneaux isolants en lin",
        summary: "Nous produisons cinquante panneaux par semaine à la main. Il en faudrait deux mille pour répondre aux premiers chantiers.",
        goals: "Choisir entre une ligne en propre et la sous-traitance, chiffrer l’investissement.",
        stage: "prototype",
        languages: "fr",
        needs: &[
            ("industrialisation", 3),
            ("industrie", 2),
            ("financement", 2),
        ],
        visibility: "members",
    },
    DemoProject {
        startup: "sante-connect-picardie",
        title: "Expérimenter le télésuivi avec un service hospitalier",
        summary: "Un protocole d’expérimentation avec un service du CHU, dans le respect des règles sur les données de santé.",
        goals: "Un protocole validé et une convention d’expérimentation signée.",
        stage: "launch",
        languages: "fr",
        needs: &[("sante", 3), ("numerique", 2)],
        visibility: "private",
    },
    DemoProject {
        startup: "methane-et-co",
        title: "Injecter notre biométhane dans le réseau de gaz",
        summary: "Nos unités de méthanisation produisent plus que la ferme ne consomme : nous voulons injecter le surplus.",
        goals: "Comprendre les conditions d’injection et le modèle économique.",
        stage: "growth",
        languages: "fr",
        needs: &[("energie", 3), ("industrialisation", 2), ("financement", 1)],
        visibility: "public",
    },
    DemoProject {
        startup: "eau-claire-tech",
        title: "Récupérer la chaleur des eaux usées des petites communes",
        summary: "La station d’Ambonne montre la voie à grande échelle ; nous voulons une solution pour les stations des petites communes.",
        goals: "Une étude de faisabilité et un premier site pilote.",
        stage: "idea",
        languages: "fr",
        needs: &[
            ("reseaux-de-chaleur", 3),
            ("environnement", 2),
            ("efficacite-energetique", 1),
        ],
        visibility: "public",
    },
    DemoProject {
        startup: "velo-somme-logistique",
        title: "Des vélos-cargos à assistance hydrogène",
        summary: "Doubler l’autonomie de nos vélos-cargos en hiver grâce à une petite pile à combustible.",
        goals: "Un démonstrateur sur une tournée et un fournisseur d’hydrogène local.",
        stage: "idea",
        languages: "fr,en",
        needs: &[("hydrogene", 3), ("mobilite", 2)],
        visibility: "public",
    },
    DemoProject {
        startup: "agri-capteurs",
        title: "Des capteurs d’humidité sans pile",
        summary: "Alimenter nos capteurs par récupération d’énergie pour ne plus changer de piles dans les champs.",
        goals: "Un prototype autonome pendant toute une saison.",
        stage: "prototype",
        languages: "fr",
        needs: &[
            ("efficacite-energetique", 2),
            ("agroalimentaire", 2),
            ("industrialisation", 2),
        ],
        visibility: "members",
    },
    DemoProject {
        startup: "renov-amiens",
        title: "Des diagnostics de rénovation pour tout un quartier",
        summary: "Passer du logement individuel au quartier : diagnostiquer cinq cents logements sociaux en une campagne.",
        goals: "Une offre pour les bailleurs sociaux et son financement.",
        stage: "growth",
        languages: "fr",
        needs: &[
            ("efficacite-energetique", 3),
            ("ville-durable", 2),
            ("financement", 2),
        ],
        visibility: "public",
    },
    DemoProject {
        startup: "circul-r",
        title: "Le réemploi des équipements de chaufferie",
        summary: "Pompes, échangeurs, vannes : des équipements encore bons partent à la benne lors des rénovations de chaufferies.",
        goals: "Un circuit de reprise avec un exploitant et un contrôle qualité reconnu.",
        stage: "prototype",
        languages: "fr",
        needs: &[
            ("industrialisation", 2),
            ("environnement", 2),
            ("reseaux-de-chaleur", 1),
        ],
        visibility: "public",
    },
    DemoProject {
        startup: "bloc-sante",
        title: "Moins d’énergie pour les blocs opératoires",
        summary: "Notre planification des blocs connaît les salles vides : elle peut aussi réduire leur ventilation et leur chauffage.",
        goals: "Mesurer les économies sur deux salles pendant un mois.",
        stage: "prototype",
        languages: "fr,en",
        needs: &[("efficacite-energetique", 3), ("sante", 2)],
        visibility: "public",
    },
];

/// Loads the mentoring demo; `founder` owns the demo startups, `admin` proposes.
pub fn seed(
    conn: &mut DbConnection,
    password_hash: &str,
    founder: i64,
    admin: i64,
    now: NaiveDateTime,
) -> Result<Added, AppError> {
    let mut added = Added {
        themes: seed_themes(conn)?,
        ..Added::default()
    };
    for m in MENTORS {
        if seed_mentor(conn, m, password_hash, now)? {
            added.mentors += 1;
        }
    }
    for p in PROJECTS {
        if seed_project(conn, p, founder, now)? {
            added.projects += 1;
        }
    }
    added.mentorships = seed_mentorships(conn, founder, admin, now)?;
    Ok(added)
}

fn seed_themes(conn: &mut DbConnection) -> Result<usize, AppError> {
    let mut added = 0;
    let position = themes::count(conn)? as i32;
    for (i, (slug, fr, en, description_fr, description_en)) in THEMES.iter().enumerate() {
        if themes::resolve(conn, &[(*slug).to_owned()])?.is_ok() {
            continue;
        }
        themes::insert(
            conn,
            &themes::NewTheme {
                slug: (*slug).into(),
                label_fr: (*fr).into(),
                label_en: (*en).into(),
                description_fr: (*description_fr).into(),
                description_en: (*description_en).into(),
                position: position + 1 + i as i32,
            },
        )?;
        added += 1;
    }
    Ok(added)
}

/// Theme ids for (slug, level) pairs; slugs that name no theme are left out.
fn levels(conn: &mut DbConnection, list: &[(&str, i32)]) -> Result<Vec<(i64, i32)>, AppError> {
    let mut out = Vec::new();
    for (slug, level) in list {
        if let Ok(ids) = themes::resolve(conn, &[(*slug).to_owned()])?
            && let Some(&id) = ids.first()
        {
            out.push((id, *level));
        }
    }
    Ok(out)
}

/// The mentor's account (verified, mentor role, member of their organization) and profile;
/// `true` when the profile was created.
fn seed_mentor(
    conn: &mut DbConnection,
    m: &DemoMentor,
    password_hash: &str,
    now: NaiveDateTime,
) -> Result<bool, AppError> {
    let user = match auth::by_email(conn, m.email)? {
        Some(u) => u,
        None => auth::insert_user(
            conn,
            &auth::NewUser {
                email: m.email,
                password_hash,
                display_name: m.name,
                lang: "fr",
                kind: Kind::Mentor.as_str(),
                is_active: true,
                email_verified_at: Some(now),
                created_at: now,
                updated_at: now,
            },
        )?,
    };
    auth::grant(conn, user.id, Role::Mentor, now)?;
    auth::grant(conn, user.id, Role::PartnerMember, now)?;
    let organization = org_id(conn, m.organization)?;
    if let Some(org) = organization
        && orgs::role_of(conn, org, user.id)?.is_none()
    {
        orgs::add_member(conn, org, user.id, "member", now)?;
    }
    if mentoring::mentor_of_user(conn, user.id)?.is_some() {
        return Ok(false);
    }
    let base = crate::web::slug::slugify(m.name, "mentor");
    let mut slug = base.clone();
    let mut n = 2;
    while mentoring::mentor_slug_taken(conn, &slug)? {
        slug = format!("{base}-{n}");
        n += 1;
    }
    let mentor = mentoring::insert_mentor(
        conn,
        user.id,
        &slug,
        &MentorFields {
            organization_id: organization,
            headline: m.headline.into(),
            bio: m.bio.into(),
            languages: m.languages.into(),
            stages: m.stages.into(),
            capacity: m.capacity,
            availability: m.availability.into(),
            visibility: m.visibility.into(),
            paused: m.paused,
        },
        now,
    )?;
    let expertise = levels(conn, m.expertise)?;
    mentoring::set_expertise(conn, mentor.id, &expertise)?;
    mentoring::set_slots(conn, mentor.id, m.slots)?;
    Ok(true)
}

/// `true` when the project was created.
fn seed_project(
    conn: &mut DbConnection,
    p: &DemoProject,
    founder: i64,
    now: NaiveDateTime,
) -> Result<bool, AppError> {
    let slug = crate::web::slug::slugify(p.title, "projet");
    if mentoring::project_slug_taken(conn, &slug)? {
        return Ok(false);
    }
    let Some(startup) = org_id(conn, p.startup)? else {
        return Ok(false);
    };
    let project = mentoring::insert_project(
        conn,
        startup,
        &slug,
        &ProjectFields {
            title: p.title.into(),
            summary: p.summary.into(),
            goals: p.goals.into(),
            stage: p.stage.into(),
            languages: p.languages.into(),
            visibility: p.visibility.into(),
        },
        founder,
        now,
    )?;
    let needs = levels(conn, p.needs)?;
    mentoring::set_needs(conn, project.id, &needs)?;
    Ok(true)
}

/// What became of a demo mentorship.
#[derive(Clone, Copy)]
enum Fate {
    /// Asked by the startup, waiting for the mentor.
    Requested,
    /// Proposed by the cluster's team, waiting for the mentor.
    Proposed,
    /// Accepted, with this many sessions logged.
    Active(usize),
    /// Accepted, sessions logged, ended, with feedback from both sides.
    Completed,
    Declined(&'static str),
    Expired,
    Withdrawn,
}

/// (project's startup, mentor's address, fate, message, days ago it started).
const MENTORSHIPS: &[(&str, &str, Fate, &str, i64)] = &[
    (
        "eau-claire-tech",
        "thomas.moreau@engie-cofely.demo",
        Fate::Requested,
        "Votre expérience de la récupération de chaleur sur eaux usées nous aiderait à cadrer notre étude de faisabilité.",
        3,
    ),
    (
        "velo-somme-logistique",
        "nadia.haddad@engie.demo",
        Fate::Proposed,
        "L’équipe d’Amiens Cluster vous propose ce projet de vélos-cargos à hydrogène.",
        2,
    ),
    (
        "calorie-picarde",
        "sophie.lefebvre@engie-cofely.demo",
        Fate::Active(3),
        "Nous aimerions tester nos capteurs sur une sous-station : pouvez-vous nous guider ?",
        45,
    ),
    (
        "biolin-amiens",
        "camille.girard@engie-cofely.demo",
        Fate::Active(2),
        "Nous devons passer de cinquante à deux mille panneaux par semaine.",
        30,
    ),
    (
        "renov-amiens",
        "elodie.vasseur@engie-cofely.demo",
        Fate::Completed,
        "Nous préparons une offre pour les bailleurs sociaux et cherchons un regard d’exploitant.",
        120,
    ),
    (
        "somme-mobilites",
        "marc.delattre@engie.demo",
        Fate::Declined(
            "Je connais mal le financement de la mobilité : un mentor spécialiste du financement vous sera plus utile.",
        ),
        "Pouvez-vous nous aider à préparer notre levée de fonds ?",
        20,
    ),
    (
        "agri-capteurs",
        "helene.caron@upjv.demo",
        Fate::Expired,
        "Vos travaux sur les capteurs basse consommation rejoignent notre projet.",
        25,
    ),
    (
        "methane-et-co",
        "julien.roussel@engie.demo",
        Fate::Withdrawn,
        "Nous cherchons à financer l’injection de notre biométhane.",
        18,
    ),
];

/// Session notes of the demo mentorships, in order.
const SESSIONS: &[(&str, i32)] = &[
    (
        "Premier échange : les objectifs du projet, ce que le mentor peut apporter, un rythme de rencontres.",
        60,
    ),
    (
        "Revue du plan d’action ; les contacts à prendre chez les exploitants et les partenaires.",
        90,
    ),
    (
        "Point d’étape : ce qui a avancé, ce qui bloque, les prochaines étapes.",
        45,
    ),
];

fn project_of(conn: &mut DbConnection, startup: &str) -> Result<Option<i64>, AppError> {
    let Some(org) = org_id(conn, startup)? else {
        return Ok(None);
    };
    Ok(mentoring::projects_of(conn, &[org])?
        .into_iter()
        .next()
        .map(|p| p.id))
}

/// Mentorships in every state, once (only while there are none at all). The mentors' active
/// mentees move with [`mentoring::take_place`] and [`mentoring::free_place`], as in the
/// workflow.
fn seed_mentorships(
    conn: &mut DbConnection,
    founder: i64,
    admin: i64,
    now: NaiveDateTime,
) -> Result<usize, AppError> {
    let existing: i64 = mentorships::table.count().get_result(conn)?;
    if existing > 0 {
        return Ok(0);
    }
    let mut added = 0;
    for (startup, email, fate, message, days) in MENTORSHIPS {
        let (Some(project_id), Some(user)) =
            (project_of(conn, startup)?, auth::by_email(conn, email)?)
        else {
            continue;
        };
        let Some(mentor) = mentoring::mentor_of_user(conn, user.id)? else {
            continue;
        };
        let project = mentoring::find_project(conn, project_id)?;
        let takes_place = matches!(fate, Fate::Active(_) | Fate::Completed);
        if project.status != "open" || (takes_place && !mentor.available()) {
            continue;
        }
        let start = now - Duration::days(*days);
        let (origin, by) = match fate {
            Fate::Proposed => ("proposal", admin),
            _ => ("request", founder),
        };
        let Some(m) = mentoring::insert_mentorship(
            conn,
            &NewMentorship {
                project_id,
                mentor_id: mentor.id,
                origin,
                message,
                requested_by: Some(by),
                round_id: None,
                now: start,
                expires_at: start + Duration::days(EXPIRE_AFTER_DAYS),
            },
        )?
        else {
            continue;
        };
        added += 1;
        let answered = start + Duration::days(2);
        match fate {
            Fate::Requested | Fate::Proposed => {
                enqueue(
                    conn,
                    &RemindMentor { mentorship: m.id },
                    EnqueueOptions {
                        run_at: Some(m.created_at + Duration::days(REMIND_AFTER_DAYS)),
                        dedup_key: Some(format!("mentorship-reminder:{}", m.id)),
                    },
                )?;
                enqueue(
                    conn,
                    &ExpireMentorship { mentorship: m.id },
                    EnqueueOptions {
                        run_at: Some(m.expires_at),
                        dedup_key: Some(format!("mentorship-expiry:{}", m.id)),
                    },
                )?;
            }
            Fate::Active(sessions) => {
                activate(conn, &m, mentor.id, answered)?;
                log_sessions(conn, m.id, user.id, answered, *sessions)?;
            }
            Fate::Completed => {
                activate(conn, &m, mentor.id, answered)?;
                log_sessions(conn, m.id, user.id, answered, SESSIONS.len())?;
                let ended = now - Duration::days(10);
                mentoring::complete(conn, m.id, founder, ended)?;
                mentoring::free_place(conn, mentor.id, ended)?;
                mentoring::set_project_status(conn, project_id, &["matched"], "closed", ended)?;
                mentoring::insert_feedback(
                    conn,
                    m.id,
                    "mentor",
                    5,
                    "Une équipe qui écoute et avance vite ; leur offre pour les bailleurs est solide.",
                    user.id,
                    ended + Duration::days(1),
                )?;
                mentoring::insert_feedback(
                    conn,
                    m.id,
                    "startup",
                    5,
                    "Des conseils concrets sur les attentes des bailleurs et des exploitants. Merci !",
                    founder,
                    ended + Duration::days(2),
                )?;
            }
            Fate::Declined(reason) => {
                mentoring::close_pending(conn, m.id, "declined", reason, answered)?;
            }
            Fate::Withdrawn => {
                mentoring::close_pending(conn, m.id, "withdrawn", "", answered)?;
            }
            Fate::Expired => {
                mentoring::expire(conn, m.id, m.expires_at)?;
            }
        }
    }
    Ok(added)
}

/// pending → active with one place taken, the project matched (as the mentor's acceptance).
fn activate(
    conn: &mut DbConnection,
    m: &mentoring::Mentorship,
    mentor_id: i64,
    at: NaiveDateTime,
) -> Result<(), AppError> {
    if mentoring::take_place(conn, mentor_id, at)? != 1 {
        return Err(AppError::internal("a demo mentor has no place left"));
    }
    mentoring::activate(conn, m.id, at)?;
    mentoring::set_project_status(conn, m.project_id, &["open"], "matched", at)?;
    Ok(())
}

fn log_sessions(
    conn: &mut DbConnection,
    mentorship_id: i64,
    mentor_user: i64,
    from: NaiveDateTime,
    count: usize,
) -> Result<(), AppError> {
    for (i, (notes, minutes)) in SESSIONS.iter().take(count).enumerate() {
        let held_at = from + Duration::days(7 * (i as i64 + 1));
        mentoring::insert_session(
            conn,
            &mentoring::NewSession {
                mentorship_id,
                held_at,
                minutes: *minutes,
                shared_notes: notes,
                mentor_notes: "",
                startup_notes: "",
                created_by: mentor_user,
                now: held_at,
            },
        )?;
    }
    Ok(())
}
