//! Benchmark: the embedded search engine (tantivy) at 10,000 and 100,000 documents.
//!
//! `cargo bench --bench search_load` (release build). For each size it:
//! 1. generates believable French documents (organizations, offerings, events) from word lists
//!    with a seeded RNG, so that every run indexes the same corpus;
//! 2. indexes them into a fresh `EmbeddedEngine` in a temporary folder the way `quai reindex`
//!    does (`rebuild()`, `add()` by chunks of 1,000, `finish()`): docs/s and size on disk;
//! 3. replaces `QUAI_BENCH_UPSERTS` documents (default 2,000) by `upsert` batches of 100, then
//!    50 one at a time as the sync jobs do: docs/s and latency per call;
//! 4. runs `QUAI_BENCH_QUERIES` searches (default 3,000) from a mix of ten kinds of query
//!    (one word, two words, a typo, no accents, a synonym, a prefix, filters, soonest first,
//!    page 3, empty), first from one client, then from `QUAI_BENCH_TASKS` tasks at once
//!    (default 8): latency p50/p95/p99/mean per kind of query, and queries/s;
//! 5. runs 1,000 suggestions (search as you type);
//! 6. reads the peak resident memory of the process (`VmHWM` in `/proc/self/status`).
//!
//! Then it times the text helpers every result goes through (the analyzer, `Plan::parse`,
//! `highlight`, `snippet`) to tell what a search spends outside tantivy.
//!
//! Knobs: `QUAI_BENCH_SIZES` (`10000,100000`), `QUAI_BENCH_QUERIES` (3000), `QUAI_BENCH_TASKS`
//! (8), `QUAI_BENCH_UPSERTS` (2000), `QUAI_BENCH_SEED` (2026). Everything stays in a temporary
//! folder; nothing touches the network. Timings are measured and printed, never asserted; the
//! only checks are that the corpus is findable (a query kind that finds nothing at all would
//! measure nothing, so the run stops with `FAILED:`).

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use quai::search::embedded::EmbeddedEngine;
use quai::search::text::{self, Plan};
use quai::search::{Audience, Document, Kind, Query, SearchEngine, Sort, Visibility};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use tantivy::tokenizer::TokenStream;

/// A `QUAI_BENCH_*` setting, or its default when unset or unreadable.
fn knob<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

// ---------------------------------------------------------------------------------------------
// The corpus
// ---------------------------------------------------------------------------------------------

/// A theme: its slug, its labels, what titles are about and what texts say about it.
struct Theme {
    slug: &'static str,
    fr: &'static str,
    en: &'static str,
    topics: &'static [&'static str],
    phrases: &'static [&'static str],
}

const THEMES: &[Theme] = &[
    Theme {
        slug: "energie",
        fr: "Énergie",
        en: "Energy",
        topics: &[
            "efficacité énergétique",
            "énergies renouvelables",
            "photovoltaïque en toiture",
            "stockage d'énergie",
            "autoconsommation collective",
            "méthanisation agricole",
            "éolien en Picardie",
            "sobriété énergétique",
        ],
        phrases: &[
            "la rénovation énergétique des bâtiments tertiaires",
            "des panneaux solaires sur les toitures industrielles",
            "le stockage par batteries et le pilotage de la consommation",
            "les certificats d'économies d'énergie",
            "la méthanisation des déchets agricoles de la Somme",
            "la décarbonation des procédés industriels",
            "un audit énergétique complet du site",
            "la réduction de la facture d'électricité et de gaz",
        ],
    },
    Theme {
        slug: "hydrogene",
        fr: "Hydrogène",
        en: "Hydrogen",
        topics: &[
            "hydrogène vert",
            "électrolyseurs",
            "stations de recharge H2",
            "piles à combustible",
            "mobilité hydrogène",
            "hydrogène bas carbone",
        ],
        phrases: &[
            "la production d'hydrogène vert par électrolyse",
            "les piles à combustible pour les véhicules utilitaires",
            "une station de distribution d'hydrogène pour les flottes",
            "le stockage et le transport de l'hydrogène",
            "l'hydrogène dans les procédés industriels",
            "les usages de l'hydrogène pour les collectivités",
        ],
    },
    Theme {
        slug: "reseaux-de-chaleur",
        fr: "Réseaux de chaleur",
        en: "District heating",
        topics: &[
            "réseaux de chaleur",
            "chauffage urbain",
            "chaleur fatale",
            "géothermie de surface",
            "chaufferies biomasse",
        ],
        phrases: &[
            "le raccordement des quartiers au réseau de chaleur",
            "la récupération de chaleur fatale des usines",
            "une chaufferie biomasse alimentée par le bois local",
            "le chauffage urbain des logements sociaux",
            "la géothermie pour les bâtiments publics",
        ],
    },
    Theme {
        slug: "sante",
        fr: "Santé",
        en: "Health",
        topics: &[
            "santé numérique",
            "télémédecine",
            "dispositifs médicaux",
            "bien vieillir",
            "prévention en entreprise",
            "parcours de soins",
        ],
        phrases: &[
            "la télémédecine dans les maisons de santé rurales",
            "les dispositifs médicaux connectés",
            "le maintien à domicile des personnes âgées",
            "la coordination des parcours de soins avec le CHU d'Amiens",
            "la prévention des troubles musculosquelettiques",
            "les données de santé hébergées en France",
        ],
    },
    Theme {
        slug: "numerique",
        fr: "Numérique",
        en: "Digital",
        topics: &[
            "cybersécurité",
            "transformation numérique",
            "cloud souverain",
            "développement web",
            "objets connectés",
            "jumeau numérique",
        ],
        phrases: &[
            "la cybersécurité des PME et des collectivités",
            "la migration vers un cloud souverain",
            "des capteurs connectés sur les lignes de production",
            "un jumeau numérique de l'usine",
            "la dématérialisation des démarches administratives",
            "le développement d'applications web et mobiles",
        ],
    },
    Theme {
        slug: "ia",
        fr: "Intelligence artificielle",
        en: "Artificial intelligence",
        topics: &[
            "intelligence artificielle",
            "apprentissage automatique",
            "vision par ordinateur",
            "traitement du langage",
            "IA générative",
            "maintenance prédictive",
        ],
        phrases: &[
            "l'intelligence artificielle appliquée au contrôle qualité",
            "des modèles d'apprentissage automatique entraînés sur vos données",
            "la vision par ordinateur pour le tri des déchets",
            "la maintenance prédictive des équipements",
            "l'IA générative au service des équipes commerciales",
            "l'analyse automatique de documents",
        ],
    },
    Theme {
        slug: "mobilite",
        fr: "Mobilité",
        en: "Mobility",
        topics: &[
            "mobilité électrique",
            "véhicules électriques",
            "logistique urbaine",
            "covoiturage",
            "vélo à assistance électrique",
            "bornes de recharge",
        ],
        phrases: &[
            "l'installation de bornes de recharge pour véhicules électriques",
            "la logistique du dernier kilomètre en centre-ville",
            "le covoiturage entre Amiens et les zones d'activité",
            "l'électrification des flottes d'entreprise",
            "les plans de mobilité employeur",
            "le vélo à assistance électrique pour les trajets domicile-travail",
        ],
    },
    Theme {
        slug: "batiment",
        fr: "Bâtiment durable",
        en: "Sustainable building",
        topics: &[
            "rénovation thermique",
            "matériaux biosourcés",
            "construction bois",
            "maquette numérique BIM",
        ],
        phrases: &[
            "la rénovation thermique des écoles",
            "les matériaux biosourcés comme le chanvre et le lin",
            "la maquette numérique des chantiers",
            "la construction bois en circuit court",
        ],
    },
    Theme {
        slug: "agroalimentaire",
        fr: "Agroalimentaire",
        en: "Food industry",
        topics: &[
            "agriculture de précision",
            "circuits courts",
            "protéines végétales",
            "emballages recyclables",
        ],
        phrases: &[
            "l'agriculture de précision sur les plateaux picards",
            "les circuits courts entre producteurs et cantines",
            "la transformation des protéines végétales",
            "des emballages recyclables pour l'industrie agroalimentaire",
        ],
    },
    Theme {
        slug: "economie-circulaire",
        fr: "Économie circulaire",
        en: "Circular economy",
        topics: &[
            "économie circulaire",
            "recyclage des batteries",
            "réemploi",
            "écoconception",
        ],
        phrases: &[
            "le recyclage des batteries lithium-ion",
            "le réemploi des matériaux de déconstruction",
            "l'écoconception des produits industriels",
            "la valorisation des coproduits",
        ],
    },
];

const CITIES: &[&str] = &[
    "Amiens",
    "Amiens",
    "Amiens",
    "Abbeville",
    "Beauvais",
    "Compiègne",
    "Saint-Quentin",
    "Soissons",
    "Laon",
    "Albert",
    "Péronne",
    "Montdidier",
    "Doullens",
    "Creil",
    "Senlis",
    "Noyon",
    "Château-Thierry",
    "Chauny",
    "Ham",
    "Corbie",
];

const SYLLABLES: &[&str] = &[
    "ca", "ro", "li", "vé", "na", "to", "mi", "sa", "hy", "dro", "gen", "ter", "a", "lo", "ze",
    "no", "va", "tech", "ka", "py", "lu", "mé", "tis", "or", "bel", "ix", "é", "qua", "ri", "so",
];

const ORG_SUFFIXES: &[&str] = &[
    "",
    "",
    " Énergie",
    " Santé",
    " Tech",
    " Labs",
    " Solutions",
    " Conseil",
    " Mobilité",
    " Industrie",
    " Picardie",
    " & Associés",
];

const ORG_KINDS: &[&str] = &[
    "startup",
    "startup",
    "startup",
    "partner",
    "partner",
    "founding_member",
];

const SUBJECTS: &[&str] = &[
    "Notre équipe",
    "La start-up",
    "Le laboratoire",
    "Ce programme",
    "Le bureau d'études",
    "L'association",
    "Notre cabinet",
    "Le pôle",
];

const VERBS: &[&str] = &[
    "accompagne",
    "aide",
    "forme",
    "conseille",
    "réunit",
    "met en relation",
    "outille",
];

const TARGETS: &[&str] = &[
    "les PME",
    "les collectivités",
    "les industriels picards",
    "les établissements de santé",
    "les porteurs de projet",
    "les agriculteurs",
    "les bailleurs sociaux",
    "les étudiants et les chercheurs",
    "les start-up de la région",
];

const GOALS: &[&str] = &[
    "réduire leurs émissions de gaz à effet de serre",
    "gagner en compétitivité",
    "trouver des financements régionaux et européens",
    "recruter les bons profils",
    "passer du prototype à l'industrialisation",
    "répondre aux appels à projets",
    "mesurer leur impact",
];

const SERVICES: &[&str] = &[
    "Accompagnement",
    "Audit",
    "Diagnostic",
    "Formation",
    "Plateforme",
    "Financement",
    "Mise en relation",
    "Prototype",
    "Étude de faisabilité",
    "Offre de stage",
];

const FORMATS: &[&str] = &[
    "Atelier",
    "Webinaire",
    "Petit-déjeuner",
    "Rencontre",
    "Hackathon",
    "Conférence",
    "Visite de site",
    "Journée technique",
];

/// 2026-12-01 00:00 UTC: the corpus's "now", so that every run dates events alike.
fn base_now() -> i64 {
    chrono::NaiveDate::from_ymd_opt(2026, 12, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .expect("a valid date")
        .and_utc()
        .timestamp()
}

const DAY: i64 = 86_400;

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn brand(rng: &mut StdRng) -> String {
    let n = rng.random_range(2..=3);
    let word: String = (0..n)
        .map(|_| *SYLLABLES.choose(rng).expect("syllables"))
        .collect();
    format!(
        "{}{}",
        capitalize(&word),
        ORG_SUFFIXES.choose(rng).expect("suffixes")
    )
}

fn pick<'a>(rng: &mut StdRng, list: &'a [&'a str]) -> &'a str {
    list.choose(rng).copied().unwrap_or_default()
}

/// A paragraph of 3 to 7 sentences about the themes, 40 to 150 words.
fn paragraph(rng: &mut StdRng, themes: &[&Theme], name: &str, city: &str) -> String {
    let mut out = Vec::new();
    let sentences = rng.random_range(3..=7);
    for i in 0..sentences {
        let t = themes[i % themes.len()];
        let s = match rng.random_range(0..6) {
            0 => format!(
                "{} {} {} dans {}.",
                if rng.random_bool(0.4) {
                    name
                } else {
                    pick(rng, SUBJECTS)
                },
                pick(rng, VERBS),
                pick(rng, TARGETS),
                pick(rng, t.phrases)
            ),
            1 => format!(
                "Basés à {city}, nous travaillons sur {} pour {}.",
                pick(rng, t.phrases),
                pick(rng, GOALS)
            ),
            2 => format!(
                "Au programme : {}, {} et {}.",
                pick(rng, t.topics),
                pick(rng, t.phrases),
                pick(rng, t.topics)
            ),
            3 => format!(
                "Nous aidons {} à {} grâce à {}.",
                pick(rng, TARGETS),
                pick(rng, GOALS),
                pick(rng, t.phrases)
            ),
            4 => format!(
                "Référence : projet {} mené avec {} en {}.",
                brand(rng),
                pick(rng, TARGETS),
                rng.random_range(2015..=2026)
            ),
            _ => format!(
                "{} est au cœur de notre activité depuis {} ans, en lien avec Amiens Cluster.",
                capitalize(pick(rng, t.topics)),
                rng.random_range(2..=25)
            ),
        };
        out.push(s);
    }
    out.join(" ")
}

/// `n` documents: a fifth organizations, 45 % offerings, 35 % events; 85 % public, 12 % for
/// members, 3 % for admins. The same seed gives the same corpus.
fn corpus(n: usize, seed: u64) -> Vec<Document> {
    let mut rng = StdRng::seed_from_u64(seed);
    let now = base_now();
    let orgs: Vec<(String, String, String)> = (0..(n / 5).max(1))
        .map(|_| {
            (
                brand(&mut rng),
                pick(&mut rng, ORG_KINDS).to_owned(),
                pick(&mut rng, CITIES).to_owned(),
            )
        })
        .collect();
    let mut docs = Vec::with_capacity(n);
    for i in 0..n {
        let id = i as i64 + 1;
        let kind = if i < orgs.len() {
            Kind::Organization
        } else if rng.random_bool(0.45 / 0.8) {
            Kind::Offering
        } else {
            Kind::Event
        };
        let (org, org_kind, org_city) = if kind == Kind::Organization {
            orgs[i].clone()
        } else {
            orgs.choose(&mut rng).expect("organizations").clone()
        };
        let count = rng.random_range(1..=3);
        let themes: Vec<&Theme> = THEMES.choose_multiple(&mut rng, count).collect();
        let city = if kind == Kind::Event && rng.random_bool(0.5) {
            pick(&mut rng, CITIES).to_owned()
        } else {
            org_city
        };
        let topic = pick(&mut rng, themes[0].topics);
        let title = match kind {
            Kind::Organization => org.clone(),
            Kind::Offering => format!("{} — {topic}", pick(&mut rng, SERVICES)),
            _ => format!("{} : {topic} à {city}", pick(&mut rng, FORMATS)),
        };
        let text = paragraph(&mut rng, &themes, &org, &city);
        let (starts_at, ends_at) = if kind == Kind::Event {
            let starts = now + rng.random_range(-180 * DAY..365 * DAY) / 900 * 900;
            (Some(starts), Some(starts + rng.random_range(1..=8) * 3600))
        } else {
            (None, None)
        };
        let visibility = match rng.random_range(0..100) {
            0..85 => Visibility::Public,
            85..97 => Visibility::Members,
            _ => Visibility::Admins,
        };
        let url = match kind {
            Kind::Organization => format!("/organisations/{id}"),
            Kind::Offering => format!("/offres/{id}"),
            _ => format!("/evenements/{id}"),
        };
        docs.push(Document {
            id: kind.doc_id(id),
            kind,
            title,
            text,
            themes: themes.iter().map(|t| t.slug.to_owned()).collect(),
            theme_labels: themes
                .iter()
                .flat_map(|t| [t.fr.to_owned(), t.en.to_owned()])
                .collect(),
            organization: Some(org),
            org_kind: (kind == Kind::Organization).then_some(org_kind),
            city: Some(city),
            starts_at,
            ends_at,
            published_at: now - rng.random_range(0..3 * 365 * DAY),
            visibility,
            url,
        });
    }
    docs
}

// ---------------------------------------------------------------------------------------------
// The queries
// ---------------------------------------------------------------------------------------------

const MIX: &[&str] = &[
    "one word",
    "two words",
    "typo",
    "no accents",
    "synonym",
    "prefix",
    "filters",
    "soonest",
    "page 3",
    "empty",
];

/// The `i`-th query of the mix: kind `i % 10`, words rotating within a kind, 70 % visitors,
/// 20 % members, 10 % admins.
fn query(i: usize) -> (usize, Query) {
    let kind = i % MIX.len();
    let round = i / MIX.len();
    let audience = match round % 10 {
        0..7 => Audience::Visitor,
        7..9 => Audience::Member,
        _ => Audience::Admin,
    };
    let rot = |list: &[&str]| list[round % list.len()].to_owned();
    let now = base_now();
    let mut q = Query::new("", audience);
    q.now = now;
    match kind {
        0 => {
            q.text = rot(&[
                "hydrogène",
                "santé",
                "mobilité",
                "cybersécurité",
                "chaleur",
                "batteries",
                "formation",
                "atelier",
            ])
        }
        1 => {
            q.text = rot(&[
                "hydrogène vert",
                "stockage énergie",
                "atelier numérique",
                "recyclage batteries",
                "maintenance prédictive",
                "télémédecine Amiens",
            ])
        }
        2 => {
            q.text = rot(&[
                "hydrogne",
                "mobilté",
                "cybersécurté",
                "télémédecin",
                "méthanistion",
            ])
        }
        3 => {
            q.text = rot(&[
                "energie",
                "sante",
                "reseau",
                "mobilite",
                "chaufferie biomasse",
            ])
        }
        4 => q.text = rot(&["IA", "H2", "chauffage urbain", "ENR", "véhicule électrique"]),
        5 => q.text = rot(&["rése", "hydro", "méth", "numé", "mob", "cyb"]),
        6 => {
            if round.is_multiple_of(2) {
                q.text = rot(&["énergie", "formation", "audit"]);
                q.kinds = vec![Kind::Offering];
                q.themes = vec![THEMES[round % THEMES.len()].slug.to_owned()];
            } else {
                q.kinds = vec![Kind::Event];
                q.themes = vec![THEMES[round % THEMES.len()].slug.to_owned()];
                q.from = Some(now);
                q.to = Some(now + 60 * DAY);
            }
        }
        7 => {
            q.text = rot(&["", "atelier", "hydrogène"]);
            q.kinds = vec![Kind::Event];
            q.sort = Sort::Soonest;
        }
        8 => {
            q.text = rot(&["énergie", "numérique", "santé"]);
            q.page = 3;
        }
        _ => {}
    }
    (kind, q)
}

const SUGGEST: &[&str] = &[
    "h",
    "hy",
    "hyd",
    "hydro",
    "ré",
    "rése",
    "réseau ch",
    "mob",
    "mobilité él",
    "sant",
    "cyber",
    "ia",
    "atel",
    "amiens hyd",
    "chauf",
];

// ---------------------------------------------------------------------------------------------
// Measuring
// ---------------------------------------------------------------------------------------------

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * (sorted.len() as f64 - 1.0)).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// `count  p50  p95  p99  mean  max` in ms.
fn latency(samples: &mut [Duration]) -> String {
    samples.sort();
    let mean = if samples.is_empty() {
        Duration::ZERO
    } else {
        samples.iter().sum::<Duration>() / samples.len() as u32
    };
    format!(
        "{:>6} {:>8.2} {:>8.2} {:>8.2} {:>8.2} {:>8.2}",
        samples.len(),
        ms(percentile(samples, 50.0)),
        ms(percentile(samples, 95.0)),
        ms(percentile(samples, 99.0)),
        ms(mean),
        ms(samples.last().copied().unwrap_or_default()),
    )
}

const LATENCY_HEAD: &str = " count   p50 ms   p95 ms   p99 ms  mean ms   max ms";

/// `VmHWM` and `VmRSS` of this process, in MiB.
fn memory() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<f64>().ok())
            .map_or(f64::NAN, |kb| kb / 1024.0)
    };
    (field("VmHWM:"), field("VmRSS:"))
}

fn disk_size(path: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(path) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| match e.metadata() {
            Ok(m) if m.is_dir() => disk_size(&e.path()),
            Ok(m) => m.len(),
            Err(_) => 0,
        })
        .sum()
}

fn fail(what: String) -> ! {
    println!("FAILED: {what}");
    std::process::exit(1)
}

/// One size, every measure; returns the summary line of the final table.
async fn run(n: usize, seed: u64, queries: usize, tasks: usize, upserts: usize) -> String {
    println!("\n=== {n} documents ===");
    let started = Instant::now();
    let docs = corpus(n, seed);
    let generated = started.elapsed();
    let words: usize = docs.iter().map(|d| d.text.split(' ').count()).sum();
    let (_, rss_docs) = memory();
    println!(
        "generated in {:.2} s ({:.0} words of text per document on average); RSS {:.0} MiB",
        generated.as_secs_f64(),
        words as f64 / n as f64,
        rss_docs
    );
    let replacements: Vec<Document> = docs
        .iter()
        .step_by((n / (upserts + 50)).max(1))
        .take(upserts + 50)
        .map(|d| Document {
            title: format!("{} (mis à jour)", d.title),
            ..d.clone()
        })
        .collect();
    let mut chunks: Vec<Vec<Document>> = Vec::new();
    let mut rest = docs.into_iter().peekable();
    while rest.peek().is_some() {
        chunks.push(rest.by_ref().take(1000).collect());
    }

    // 1. The full index, as `quai reindex` builds it.
    let folder = tempfile::tempdir().expect("temporary folder");
    let root = folder.path().join("search");
    let engine = EmbeddedEngine::open(&root).unwrap_or_else(|e| fail(format!("open: {e}")));
    let started = Instant::now();
    let mut rebuild = engine
        .rebuild()
        .await
        .unwrap_or_else(|e| fail(format!("rebuild: {e}")));
    for chunk in chunks {
        rebuild
            .add(chunk)
            .await
            .unwrap_or_else(|e| fail(format!("add: {e}")));
    }
    let added = started.elapsed();
    rebuild
        .finish()
        .await
        .unwrap_or_else(|e| fail(format!("finish: {e}")));
    let indexed = started.elapsed();
    let count = engine.count().await.unwrap_or(0);
    if count != n {
        fail(format!("{count} documents indexed of {n}"));
    }
    let size = disk_size(&root) as f64 / 1024.0 / 1024.0;
    let (hwm_index, _) = memory();
    println!(
        "rebuild: {:.2} s ({:.2} s in add, {:.2} s in finish) = {:.0} docs/s; index {:.1} MiB on \
         disk; peak RSS so far {:.0} MiB",
        indexed.as_secs_f64(),
        added.as_secs_f64(),
        (indexed - added).as_secs_f64(),
        n as f64 / indexed.as_secs_f64(),
        size,
        hwm_index
    );

    // 2. Incremental writes: batches of 100, then one at a time (what a sync job does).
    let (batched, single) = replacements.split_at(upserts.min(replacements.len()));
    let mut batch_times = Vec::new();
    let started = Instant::now();
    for batch in batched.chunks(100) {
        let t = Instant::now();
        engine
            .upsert(batch)
            .await
            .unwrap_or_else(|e| fail(format!("upsert: {e}")));
        batch_times.push(t.elapsed());
    }
    let batched_time = started.elapsed();
    let mut single_times = Vec::new();
    for doc in single {
        let t = Instant::now();
        engine
            .upsert(std::slice::from_ref(doc))
            .await
            .unwrap_or_else(|e| fail(format!("upsert: {e}")));
        single_times.push(t.elapsed());
    }
    let count = engine.count().await.unwrap_or(0);
    if count != n {
        fail(format!("{count} documents after the upserts, {n} expected"));
    }
    let upsert_rate = batched.len() as f64 / batched_time.as_secs_f64();
    let single_rate = single.len() as f64 / single_times.iter().sum::<Duration>().as_secs_f64();
    println!(
        "upsert: {} docs by batches of 100 in {:.2} s = {:.0} docs/s; {} one at a time = {:.1} \
         docs/s",
        batched.len(),
        batched_time.as_secs_f64(),
        upsert_rate,
        single.len(),
        single_rate
    );
    println!("{:<28}{LATENCY_HEAD}", "upsert call");
    println!("{:<28}{}", "batch of 100", latency(&mut batch_times));
    println!("{:<28}{}", "one document", latency(&mut single_times));
    let size_after = disk_size(&root) as f64 / 1024.0 / 1024.0;

    // 3. Queries from one client.
    let engine: Arc<EmbeddedEngine> = Arc::new(engine);
    for i in 0..MIX.len() {
        let (_, q) = query(i);
        engine
            .search(&q)
            .await
            .unwrap_or_else(|e| fail(format!("warm-up: {e}")));
    }
    let mut per_kind: Vec<Vec<Duration>> = vec![Vec::new(); MIX.len()];
    let mut found: Vec<(usize, usize)> = vec![(0, 0); MIX.len()];
    let started = Instant::now();
    for i in 0..queries {
        let (kind, q) = query(i);
        let t = Instant::now();
        let results = engine
            .search(&q)
            .await
            .unwrap_or_else(|e| fail(format!("search {:?}: {e}", q.text)));
        per_kind[kind].push(t.elapsed());
        found[kind].0 += results.total;
        found[kind].1 += results.hits.len();
    }
    let sequential = started.elapsed();
    let mut all: Vec<Duration> = per_kind.iter().flatten().copied().collect();
    println!(
        "\nsearch, one client: {queries} queries in {:.2} s = {:.0} queries/s",
        sequential.as_secs_f64(),
        queries as f64 / sequential.as_secs_f64()
    );
    println!("{:<28}{LATENCY_HEAD}  avg total  avg hits", "query kind");
    for (k, samples) in per_kind.iter_mut().enumerate() {
        let runs = samples.len().max(1);
        println!(
            "{:<28}{} {:>10.0} {:>9.1}",
            MIX[k],
            latency(samples),
            found[k].0 as f64 / runs as f64,
            found[k].1 as f64 / runs as f64
        );
        if found[k].0 == 0 && !samples.is_empty() {
            fail(format!("the \"{}\" queries found nothing", MIX[k]));
        }
    }
    let seq_line = latency(&mut all);
    println!("{:<28}{seq_line}", "all");

    // 4. The same mix from `tasks` clients at once.
    let started = Instant::now();
    let handles: Vec<_> = (0..tasks)
        .map(|t| {
            let engine = engine.clone();
            tokio::spawn(async move {
                let mut samples = Vec::new();
                let mut i = t;
                while i < queries {
                    let (_, q) = query(i);
                    let at = Instant::now();
                    engine
                        .search(&q)
                        .await
                        .unwrap_or_else(|e| fail(format!("search: {e}")));
                    samples.push(at.elapsed());
                    i += tasks;
                }
                samples
            })
        })
        .collect();
    let mut concurrent = Vec::new();
    for h in handles {
        concurrent.extend(h.await.expect("a search task"));
    }
    let parallel = started.elapsed();
    let conc_line = latency(&mut concurrent);
    println!(
        "search, {tasks} clients at once: {queries} queries in {:.2} s = {:.0} queries/s",
        parallel.as_secs_f64(),
        queries as f64 / parallel.as_secs_f64()
    );
    println!("{:<28}{LATENCY_HEAD}", "");
    println!("{:<28}{conc_line}", "all");

    // 5. Suggestions, one client.
    let mut suggest_times = Vec::new();
    let mut suggested = 0;
    for i in 0..1000 {
        let text = SUGGEST[i % SUGGEST.len()];
        let t = Instant::now();
        let s = engine
            .suggest(text, Audience::Visitor, 8)
            .await
            .unwrap_or_else(|e| fail(format!("suggest: {e}")));
        suggest_times.push(t.elapsed());
        suggested += s.len();
    }
    let sugg_line = latency(&mut suggest_times);
    println!(
        "\nsuggest, one client ({:.1} titles per answer on average)",
        suggested as f64 / 1000.0
    );
    println!("{:<28}{LATENCY_HEAD}", "");
    println!("{:<28}{sugg_line}", "suggest");

    let (hwm, rss) = memory();
    println!(
        "peak RSS (VmHWM) {hwm:.0} MiB; RSS now {rss:.0} MiB; index {size_after:.1} MiB after \
         the upserts"
    );
    drop(engine);
    drop(folder);
    let col = |line: &str, at: usize| line.split_whitespace().nth(at).unwrap_or("?").to_owned();
    format!(
        "| {n} | {:.0} | {size:.1} | {upsert_rate:.0} / {single_rate:.1} | {} / {} / {} | {:.0} | \
         {} / {} / {} | {:.0} | {} / {} | {hwm:.0} |",
        n as f64 / indexed.as_secs_f64(),
        col(&seq_line, 1),
        col(&seq_line, 2),
        col(&seq_line, 3),
        queries as f64 / sequential.as_secs_f64(),
        col(&conc_line, 1),
        col(&conc_line, 2),
        col(&conc_line, 3),
        queries as f64 / parallel.as_secs_f64(),
        col(&sugg_line, 1),
        col(&sugg_line, 3),
    )
}

/// Mean time of `f` over `times` calls, in µs.
fn micros(times: usize, mut f: impl FnMut()) -> f64 {
    let started = Instant::now();
    for _ in 0..times {
        f();
    }
    started.elapsed().as_secs_f64() * 1e6 / times as f64
}

/// What a search spends in the text helpers, per call: the analyzer is built by every
/// `text::tokens` call (hence by `Plan::parse`, `highlight` and `snippet`, two per hit).
fn helpers(seed: u64) {
    let docs = corpus(2000, seed);
    let marker = Plan::parse("hydrogène").marker();
    let n = docs.len();
    let mut i = 0;
    let mut next = || {
        i = (i + 1) % n;
        &docs[i]
    };
    let build = micros(20_000, || {
        std::hint::black_box(text::analyzer());
    });
    let title_tokens = micros(20_000, || {
        std::hint::black_box(text::tokens(&next().title));
    });
    let mut analyzer = text::analyzer();
    let mut j = 0;
    let reused = micros(20_000, || {
        j = (j + 1) % n;
        let mut stream = analyzer.token_stream(&docs[j].title);
        let mut count = 0;
        while stream.advance() {
            count += stream.token().text.len();
        }
        std::hint::black_box(count);
    });
    let text_tokens = micros(5_000, || {
        std::hint::black_box(text::tokens(&next().text));
    });
    let parse = micros(20_000, || {
        std::hint::black_box(Plan::parse("réseau de chaleur Amiens"));
    });
    let highlight = micros(20_000, || {
        std::hint::black_box(text::highlight(&next().title, &marker));
    });
    let snippet = micros(5_000, || {
        std::hint::black_box(text::snippet(
            &next().text,
            &marker,
            quai::search::SNIPPET_WORDS,
        ));
    });
    let typo_marker = Plan::parse("hydrogne").marker();
    let snippet_typo = micros(5_000, || {
        std::hint::black_box(text::snippet(
            &next().text,
            &typo_marker,
            quai::search::SNIPPET_WORDS,
        ));
    });
    println!("\n=== text helpers (µs per call, mean) ===");
    println!(
        "{:<52}{build:>8.2}",
        "text::analyzer() (built by every tokens call)"
    );
    println!("{:<52}{title_tokens:>8.2}", "text::tokens(title)");
    println!("{:<52}{reused:>8.2}", "same title, one analyzer reused");
    println!("{:<52}{text_tokens:>8.2}", "text::tokens(text)");
    println!(
        "{:<52}{parse:>8.2}",
        "Plan::parse(\"réseau de chaleur Amiens\")"
    );
    println!("{:<52}{highlight:>8.2}", "highlight(title, \"hydrogène\")");
    println!(
        "{:<52}{snippet:>8.2}",
        "snippet(text, \"hydrogène\", 28 words)"
    );
    println!(
        "{:<52}{snippet_typo:>8.2}",
        "snippet(text, \"hydrogne\": typos, prefix)"
    );
    println!(
        "{:<52}{:>8.2}",
        "per page of 20 hits (20 × highlight + snippet)",
        20.0 * (highlight + snippet)
    );
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let sizes: Vec<usize> = std::env::var("QUAI_BENCH_SIZES")
        .unwrap_or_else(|_| "10000,100000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .filter(|n| *n > 0)
        .collect();
    let queries: usize = knob("QUAI_BENCH_QUERIES", 3000).max(MIX.len());
    let tasks: usize = knob("QUAI_BENCH_TASKS", 8).max(1);
    let upserts: usize = knob("QUAI_BENCH_UPSERTS", 2000);
    let seed: u64 = knob("QUAI_BENCH_SEED", 2026);
    println!(
        "search_load: sizes {sizes:?}, {queries} queries, {tasks} clients, {upserts} upserts, seed \
         {seed}, {} cores",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    let mut lines = Vec::new();
    for n in sizes {
        lines.push(run(n, seed, queries, tasks, upserts).await);
    }
    helpers(seed);
    println!("\n=== summary (ms; rates per second) ===");
    println!(
        "| documents | rebuild docs/s | index MiB | upsert docs/s (100 / 1) | search p50 / p95 / \
         p99 | queries/s | {tasks} clients p50 / p95 / p99 | queries/s | suggest p50 / p99 | \
         peak RSS MiB |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    for line in lines {
        println!("{line}");
    }
}
