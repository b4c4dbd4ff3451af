//! The search engines' contract: the same cases against the embedded engine (always) and
//! against Meilisearch when `QUAI_TEST_MEILI_URL` (and `QUAI_TEST_MEILI_KEY`) are set, each
//! test on an index of its own.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use quai::search::embedded::EmbeddedEngine;
use quai::search::meili::MeiliEngine;
use quai::search::{Audience, Document, Kind, Query, SearchEngine, Sort, Visibility};
use tempfile::TempDir;

/// An engine under test, and what keeps it alive.
pub struct Engine {
    pub name: &'static str,
    pub engine: Arc<dyn SearchEngine>,
    _dir: Option<TempDir>,
}

/// The embedded engine in a fresh folder, and Meilisearch on a fresh index when configured.
pub async fn engines() -> Vec<Engine> {
    let dir = tempfile::tempdir().expect("temporary folder");
    let embedded = EmbeddedEngine::open(&dir.path().join("search")).expect("embedded engine");
    let mut out = vec![Engine {
        name: "embedded",
        engine: Arc::new(embedded),
        _dir: Some(dir),
    }];
    if let Some(url) = std::env::var("QUAI_TEST_MEILI_URL")
        .ok()
        .filter(|u| !u.is_empty())
    {
        let key = std::env::var("QUAI_TEST_MEILI_KEY").ok();
        let index = format!("quai_test_{}", uuid::Uuid::new_v4().simple());
        let meili = MeiliEngine::new(&url, key.as_deref(), &index, Duration::from_secs(30))
            .expect("Meilisearch engine");
        out.push(Engine {
            name: "meilisearch",
            engine: Arc::new(meili),
            _dir: None,
        });
    }
    for e in &out {
        e.engine
            .ensure_settings()
            .await
            .unwrap_or_else(|err| panic!("{}: settings: {err}", e.name));
    }
    out
}

pub fn doc(kind: Kind, id: i64, title: &str, text: &str) -> Document {
    Document {
        id: kind.doc_id(id),
        kind,
        title: title.to_owned(),
        text: text.to_owned(),
        themes: Vec::new(),
        theme_labels: Vec::new(),
        organization: None,
        org_kind: None,
        city: None,
        starts_at: None,
        ends_at: None,
        published_at: 1_700_000_000 + id,
        visibility: Visibility::Public,
        url: format!("/{}/{id}", kind.as_str()),
    }
}

fn ids(results: &quai::search::Results) -> BTreeSet<String> {
    results.hits.iter().map(|h| h.id.clone()).collect()
}

async fn find(e: &Engine, text: &str, audience: Audience) -> BTreeSet<String> {
    let results = e
        .engine
        .search(&Query::new(text, audience))
        .await
        .unwrap_or_else(|err| panic!("{}: search {text:?}: {err}", e.name));
    ids(&results)
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

/// A small corpus of the cluster, in French.
fn corpus() -> Vec<Document> {
    let mut event = doc(
        Kind::Event,
        1,
        "Les événements de la filière hydrogène",
        "Une rencontre sur l'hydrogène vert en Picardie.",
    );
    event.themes = vec!["hydrogene".into()];
    event.theme_labels = vec!["Hydrogène".into(), "Hydrogen".into()];
    event.city = Some("Amiens".into());
    event.starts_at = Some(2_000_000_000);
    event.ends_at = Some(2_000_007_200);
    let mut energy = doc(
        Kind::Organization,
        2,
        "Calorie Picarde",
        "Startup de l'Énergie : récupération de chaleur fatale.",
    );
    energy.themes = vec!["energie".into()];
    energy.org_kind = Some("startup".into());
    energy.city = Some("Abbeville".into());
    let mut ai = doc(
        Kind::Offering,
        3,
        "Diagnostic d'intelligence artificielle",
        "Nos experts évaluent vos données.",
    );
    ai.themes = vec!["numerique".into()];
    ai.org_kind = Some("partner".into());
    ai.organization = Some("ENGIE".into());
    let mut heat = doc(
        Kind::Offering,
        4,
        "Raccordement au réseau de chaleur",
        "Étude de raccordement pour les bâtiments d'Amiens.",
    );
    heat.themes = vec!["energie".into(), "batiment".into()];
    heat.org_kind = Some("partner".into());
    heat.city = Some("Amiens".into());
    let mut past = doc(
        Kind::Event,
        5,
        "Atelier mobilité électrique",
        "Les bornes de recharge en zone rurale.",
    );
    past.themes = vec!["mobilite".into()];
    past.starts_at = Some(1_600_000_000);
    past.ends_at = Some(1_600_003_600);
    past.city = Some("Beauvais".into());
    vec![event, energy, ai, heat, past]
}

async fn load(e: &Engine, docs: &[Document]) {
    e.engine
        .upsert(docs)
        .await
        .unwrap_or_else(|err| panic!("{}: upsert: {err}", e.name));
}

#[tokio::test]
async fn french_words_typos_plurals_and_synonyms_find_their_documents() {
    for e in engines().await {
        load(&e, &corpus()).await;
        let v = Audience::Visitor;
        assert_eq!(
            find(&e, "evenement", v).await,
            set(&["event-1"]),
            "{}",
            e.name
        );
        assert_eq!(
            find(&e, "energies", v).await,
            set(&["organization-2"]),
            "{}: « energies » finds « Énergie »",
            e.name
        );
        assert_eq!(
            find(&e, "hydrogne", v).await,
            set(&["event-1"]),
            "{}: a typo",
            e.name
        );
        assert_eq!(
            find(&e, "IA", v).await,
            set(&["offering-3"]),
            "{}: IA finds intelligence artificielle",
            e.name
        );
        assert_eq!(
            find(&e, "chauffage urbain", v).await,
            set(&["offering-4"]),
            "{}: chauffage urbain finds réseau de chaleur",
            e.name
        );
        assert_eq!(
            find(&e, "rése", v).await,
            set(&["offering-4"]),
            "{}: the last word completes",
            e.name
        );
        assert_eq!(
            find(&e, "recharge bornes", v).await,
            set(&["event-5"]),
            "{}: every word, any order",
            e.name
        );
        assert!(
            find(&e, "hydrogène picardie inexistant", v)
                .await
                .is_empty(),
            "{}: every word must match",
            e.name
        );
        assert!(
            find(&e, "ENGIE", v).await.contains("offering-3"),
            "{}: the organization's name",
            e.name
        );
    }
}

#[tokio::test]
async fn a_search_never_returns_what_its_asker_may_not_see() {
    for e in engines().await {
        let mut docs = Vec::new();
        for (i, vis) in [Visibility::Public, Visibility::Members, Visibility::Admins]
            .into_iter()
            .enumerate()
        {
            let mut d = doc(
                Kind::Organization,
                i as i64 + 1,
                "Atelier Solaire",
                "panneaux",
            );
            d.visibility = vis;
            docs.push(d);
        }
        load(&e, &docs).await;
        for (audience, expected) in [
            (Audience::Visitor, set(&["organization-1"])),
            (Audience::Member, set(&["organization-1", "organization-2"])),
            (
                Audience::Admin,
                set(&["organization-1", "organization-2", "organization-3"]),
            ),
        ] {
            assert_eq!(
                find(&e, "solaire", audience).await,
                expected,
                "{} {audience:?}",
                e.name
            );
            assert_eq!(
                find(&e, "", audience).await,
                expected,
                "{} {audience:?}",
                e.name
            );
            let results = e
                .engine
                .search(&Query::new("solaire", audience))
                .await
                .unwrap();
            assert_eq!(
                results.total,
                expected.len(),
                "{}: totals count only what is seen",
                e.name
            );
            assert_eq!(
                results.facets.kind.get("organization").copied(),
                Some(expected.len()),
                "{}: facets count only what is seen",
                e.name
            );
            let suggested: BTreeSet<String> = e
                .engine
                .suggest("atelier sol", audience, 10)
                .await
                .unwrap()
                .into_iter()
                .map(|s| s.url)
                .collect();
            let urls: BTreeSet<String> = expected
                .iter()
                .map(|id| format!("/organization/{}", id.trim_start_matches("organization-")))
                .collect();
            assert_eq!(suggested, urls, "{} {audience:?}: suggestions too", e.name);
        }
        // Hostile text is words, never filter syntax.
        for hostile in [
            "\" OR visibility = \"admins",
            "solaire\" OR visibility IN [admins] OR \"",
            "visibility:admins",
            "solaire) OR (visibility = admins",
            "*",
        ] {
            let seen = find(&e, hostile, Audience::Visitor).await;
            assert!(
                seen.is_subset(&set(&["organization-1"])),
                "{}: {hostile:?} leaked {seen:?}",
                e.name
            );
        }
    }
}

#[tokio::test]
async fn filters_facets_sorts_and_pages() {
    for e in engines().await {
        load(&e, &corpus()).await;
        let run = |q: Query| {
            let engine = e.engine.clone();
            async move { engine.search(&q).await.unwrap() }
        };
        let all = run(Query::new("", Audience::Visitor)).await;
        assert_eq!(all.total, 5, "{}", e.name);
        assert_eq!(all.facets.kind.get("event"), Some(&2), "{}", e.name);
        assert_eq!(all.facets.kind.get("offering"), Some(&2), "{}", e.name);
        assert_eq!(all.facets.theme.get("energie"), Some(&2), "{}", e.name);
        assert_eq!(all.facets.theme.get("batiment"), Some(&1), "{}", e.name);

        let mut q = Query::new("", Audience::Visitor);
        q.kinds = vec![Kind::Event, Kind::Organization];
        assert_eq!(
            ids(&run(q).await),
            set(&["event-1", "event-5", "organization-2"]),
            "{}: kinds are alternatives",
            e.name
        );
        let mut q = Query::new("", Audience::Visitor);
        q.themes = vec!["hydrogene".into(), "batiment".into()];
        assert_eq!(
            ids(&run(q).await),
            set(&["event-1", "offering-4"]),
            "{}",
            e.name
        );
        let mut q = Query::new("", Audience::Visitor);
        q.org_kinds = vec!["partner".into()];
        assert_eq!(
            ids(&run(q).await),
            set(&["offering-3", "offering-4"]),
            "{}",
            e.name
        );
        let mut q = Query::new("", Audience::Visitor);
        q.city = Some(quai::search::text::fold("AMIENS"));
        assert_eq!(
            ids(&run(q).await),
            set(&["event-1", "offering-4"]),
            "{}",
            e.name
        );
        let mut q = Query::new("", Audience::Visitor);
        q.from = Some(1_500_000_000);
        q.to = Some(1_700_000_000);
        assert_eq!(
            ids(&run(q).await),
            set(&["event-5"]),
            "{}: date range",
            e.name
        );

        // Soonest: upcoming dated things only, soonest first.
        let mut q = Query::new("", Audience::Visitor);
        q.sort = Sort::Soonest;
        q.now = 1_700_000_000;
        let soonest = run(q).await;
        assert_eq!(
            soonest
                .hits
                .iter()
                .map(|h| h.id.as_str())
                .collect::<Vec<_>>(),
            vec!["event-1"],
            "{}",
            e.name
        );
        // Newest: published_at descending.
        let mut q = Query::new("", Audience::Visitor);
        q.sort = Sort::Newest;
        let newest = run(q).await;
        assert_eq!(
            newest
                .hits
                .iter()
                .map(|h| h.id.as_str())
                .collect::<Vec<_>>(),
            vec![
                "event-5",
                "offering-4",
                "offering-3",
                "organization-2",
                "event-1"
            ],
            "{}",
            e.name
        );
        // Pages: two by two, then an empty page beyond, totals unchanged.
        let mut seen = BTreeSet::new();
        for page in 1..=3 {
            let mut q = Query::new("", Audience::Visitor);
            q.sort = Sort::Newest;
            q.per_page = 2;
            q.page = page;
            let r = run(q).await;
            assert_eq!(r.total, 5, "{}", e.name);
            assert_eq!(r.hits.len(), if page < 3 { 2 } else { 1 }, "{}", e.name);
            seen.extend(ids(&r));
        }
        assert_eq!(seen.len(), 5, "{}: pages do not overlap", e.name);
        for page in [4, 99_999] {
            let mut q = Query::new("", Audience::Visitor);
            q.per_page = 2;
            q.page = page;
            let r = run(q).await;
            assert!(r.hits.is_empty(), "{}: page {page}", e.name);
            assert_eq!(r.total, 5, "{}", e.name);
        }
    }
}

#[tokio::test]
async fn upserts_replace_deletes_remove_and_highlights_are_safe() {
    for e in engines().await {
        load(&e, &corpus()).await;
        let mut changed = doc(
            Kind::Event,
            1,
            "<script>alert(1)</script> Hydrogène & co",
            "Nouveau programme sur l'hydrogène.",
        );
        changed.published_at = 1;
        load(&e, std::slice::from_ref(&changed)).await;
        let r = e
            .engine
            .search(&Query::new("hydrogene", Audience::Visitor))
            .await
            .unwrap();
        assert_eq!(r.total, 1, "{}: replaced, not duplicated", e.name);
        let hit = &r.hits[0];
        assert_eq!(hit.title, changed.title, "{}", e.name);
        assert_eq!(
            hit.title_html, "&lt;script&gt;alert(1)&lt;/script&gt; <mark>Hydrogène</mark> &amp; co",
            "{}",
            e.name
        );
        assert!(
            hit.snippet_html.contains("<mark>hydrogène</mark>"),
            "{}: {}",
            e.name,
            hit.snippet_html
        );
        assert_eq!(e.engine.count().await.unwrap(), 5, "{}", e.name);
        let prints = e.engine.fingerprints().await.unwrap();
        assert_eq!(
            prints.get("event-1"),
            Some(&changed.fingerprint()),
            "{}",
            e.name
        );

        e.engine
            .delete(&["event-1".into(), "event-404".into()])
            .await
            .unwrap();
        assert!(
            find(&e, "hydrogene", Audience::Visitor).await.is_empty(),
            "{}",
            e.name
        );
        assert_eq!(e.engine.count().await.unwrap(), 4, "{}", e.name);
    }
}

#[tokio::test]
async fn any_text_gets_an_answer() {
    for e in engines().await {
        load(&e, &corpus()).await;
        let long = "énergie ".repeat(25);
        for text in [
            "",
            "   ",
            "\"",
            "\"\"\"",
            "de la le",
            "🔥 énergie 🔥",
            "l'énergie d'Amiens",
            "AND OR NOT",
            "kind = event",
            "\\",
            "ß œuvre Æ",
            "中文 العربية",
            long.as_str(),
        ] {
            let r = e.engine.search(&Query::new(text, Audience::Visitor)).await;
            assert!(r.is_ok(), "{}: {text:?}: {r:?}", e.name);
            let s = e.engine.suggest(text, Audience::Visitor, 5).await;
            assert!(s.is_ok(), "{}: suggest {text:?}: {s:?}", e.name);
        }
        assert!(
            find(&e, "l'énergie", Audience::Visitor)
                .await
                .contains("organization-2"),
            "{}: an elided article",
            e.name
        );
    }
}

#[tokio::test]
async fn a_rebuild_swaps_a_whole_new_index_in_while_searches_go_on() {
    for e in engines().await {
        load(&e, &corpus()).await;
        let mut rebuild = e.engine.rebuild().await.expect("rebuild starts");
        rebuild
            .add(vec![doc(
                Kind::Organization,
                9,
                "Nouvelle pousse",
                "hydrogène",
            )])
            .await
            .unwrap();
        // Meanwhile the live index answers as before.
        assert_eq!(
            find(&e, "hydrogene", Audience::Visitor).await,
            set(&["event-1"]),
            "{}",
            e.name
        );
        rebuild.finish().await.expect("swap");
        assert_eq!(
            find(&e, "hydrogene", Audience::Visitor).await,
            set(&["organization-9"]),
            "{}: the new index only",
            e.name
        );
        assert_eq!(e.engine.count().await.unwrap(), 1, "{}", e.name);
        // The engine keeps working on the new index.
        load(&e, &corpus()[..1]).await;
        assert_eq!(e.engine.count().await.unwrap(), 2, "{}", e.name);
        e.engine.health().await.expect("healthy");
    }
}
