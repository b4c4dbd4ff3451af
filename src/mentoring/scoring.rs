//! An explainable score for a (project, mentor) pair.
//!
//! Pure functions over plain facts: no database, no HTTP. A [`Score`] is out of 100 and keeps its
//! parts, so a page can say why a mentor is proposed ([`Score::reasons`]) or why not
//! ([`Score::blockers`]):
//!
//! | part | points | rule |
//! | --- | --- | --- |
//! | themes | 0–60 | `round(60 × Σ weight × level over the needs the mentor covers / Σ weight × 3 over all needs)` |
//! | language | 0 or 15 | at least one language in common |
//! | stage | 0 or 15 | the mentor takes every stage, or this one |
//! | capacity | 0–10 | `round(10 × places left / capacity)` |
//!
//! The facts are taken as they come from the forms: a theme listed twice counts once (with its
//! highest weight or level), weights and levels are clamped to 1..=3, language codes are
//! compared trimmed and in lower case, and active mentees below zero count as none.

use serde::{Deserialize, Serialize};

use crate::web::Lang;

/// The stages of a project, in order; [`ProjectFacts::stage`] is one of them.
pub const STAGES: [&str; 4] = ["idea", "prototype", "launch", "growth"];

const THEME_POINTS: i64 = 60;
const LANGUAGE_POINTS: i32 = 15;
const STAGE_POINTS: i32 = 15;
const CAPACITY_POINTS: i64 = 10;
const MAX_LEVEL: i64 = 3;

/// A theme with its labels, as the pages show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThemeRef {
    pub id: i64,
    pub label_fr: String,
    pub label_en: String,
}

fn lower_first(label: &str) -> String {
    let mut chars = label.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if !second.is_uppercase() => {
            first.to_lowercase().chain(label.chars().skip(1)).collect()
        }
        _ => label.to_owned(),
    }
}

impl ThemeRef {
    fn label(&self, lang: Lang) -> &str {
        match lang {
            Lang::En if !self.label_en.is_empty() => &self.label_en,
            _ => &self.label_fr,
        }
    }
}

/// What the score needs to know of a mentor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MentorFacts {
    /// The mentor profile's id.
    pub id: i64,
    /// The organizations the mentor's user belongs to (a mentor never mentors their own).
    pub organization_ids: Vec<i64>,
    /// Themes with a level of expertise, 1..=3.
    pub expertise: Vec<(ThemeRef, i32)>,
    /// ISO 639-1 codes: "fr", "en"…
    pub languages: Vec<String>,
    /// The project stages the mentor takes; empty: all of them.
    pub stages: Vec<String>,
    /// How many mentees at once.
    pub capacity: i32,
    /// Current active mentees.
    pub active: i32,
    pub paused: bool,
}

/// What the score needs to know of a project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProjectFacts {
    pub id: i64,
    pub organization_id: i64,
    /// Themes the project needs help on, with a weight 1..=3.
    pub needs: Vec<(ThemeRef, i32)>,
    /// ISO 639-1 codes.
    pub languages: Vec<String>,
    /// One of [`STAGES`].
    pub stage: String,
}

/// Why a pair cannot be proposed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Blocker {
    /// The mentor takes nobody for now.
    Paused,
    /// The mentor has no place left.
    Full,
    /// The mentor belongs to the project's organization.
    SameOrganization,
    /// The mentor covers none of the project's needs.
    NoCommonTheme,
    /// The pair was declined before; never set by [`score`], the matching round adds it.
    Declined,
}

/// The score of a pair, with its parts and what they came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Score {
    /// 0..=100, the sum of the four parts.
    pub total: i32,
    /// 0..=60.
    pub themes: i32,
    /// 0 or 15.
    pub language: i32,
    /// 0 or 15.
    pub stage: i32,
    /// 0..=10.
    pub capacity: i32,
    /// The project's needs the mentor covers, strongest first (need weight × level, then
    /// French label).
    pub common_themes: Vec<ThemeRef>,
    /// Language codes, lower case, in the project's order.
    pub common_languages: Vec<String>,
    /// The project's stage, as given.
    pub project_stage: String,
    pub stage_fits: bool,
    pub places_left: i32,
    /// Empty: the pair may be proposed.
    pub blockers: Vec<Blocker>,
}

/// Scores a pair. Every pair gets a score, eligible or not; see [`Score::blockers`].
pub fn score(project: &ProjectFacts, mentor: &MentorFacts) -> Score {
    let needs = strongest(&project.needs);
    let expertise = strongest(&mentor.expertise);
    let mut covered: Vec<(&ThemeRef, i64)> = needs
        .iter()
        .filter_map(|&(theme, weight)| {
            let (_, level) = expertise.iter().find(|(t, _)| t.id == theme.id)?;
            Some((theme, weight * level))
        })
        .collect();
    let possible: i64 = needs.iter().map(|(_, weight)| weight * MAX_LEVEL).sum();
    let got: i64 = covered.iter().map(|(_, points)| points).sum();
    let themes = rounded_share(THEME_POINTS, got, possible);
    covered.sort_by(|(a, a_points), (b, b_points)| {
        b_points
            .cmp(a_points)
            .then_with(|| a.label_fr.cmp(&b.label_fr))
            .then(a.id.cmp(&b.id))
    });

    let mentor_languages = language_codes(&mentor.languages);
    let common_languages: Vec<String> = language_codes(&project.languages)
        .into_iter()
        .filter(|code| mentor_languages.contains(code))
        .collect();

    let stage_fits = mentor.stages.is_empty()
        || mentor
            .stages
            .iter()
            .any(|stage| stage.trim().eq_ignore_ascii_case(project.stage.trim()));

    let capacity = mentor.capacity.max(0);
    let places_left = (capacity - mentor.active.max(0)).max(0);

    let mut blockers = Vec::new();
    if mentor.paused {
        blockers.push(Blocker::Paused);
    }
    if places_left == 0 {
        blockers.push(Blocker::Full);
    }
    if mentor.organization_ids.contains(&project.organization_id) {
        blockers.push(Blocker::SameOrganization);
    }
    if covered.is_empty() {
        blockers.push(Blocker::NoCommonTheme);
    }

    let language = if common_languages.is_empty() {
        0
    } else {
        LANGUAGE_POINTS
    };
    let stage = if stage_fits { STAGE_POINTS } else { 0 };
    let capacity_points = rounded_share(CAPACITY_POINTS, places_left.into(), capacity.into());
    Score {
        total: themes + language + stage + capacity_points,
        themes,
        language,
        stage,
        capacity: capacity_points,
        common_themes: covered
            .into_iter()
            .map(|(theme, _)| theme.clone())
            .collect(),
        common_languages,
        project_stage: project.stage.clone(),
        stage_fits,
        places_left,
        blockers,
    }
}

impl Score {
    /// No blocker: the pair may be proposed.
    pub fn eligible(&self) -> bool {
        self.blockers.is_empty()
    }

    /// One sentence per criterion (themes, language, stage, places), then one per blocker they
    /// do not already say (same organization, declined), in `lang`.
    pub fn reasons(&self, lang: Lang) -> Vec<String> {
        let mut reasons = vec![
            self.themes_reason(lang),
            self.language_reason(lang),
            self.stage_reason(lang),
            self.places_reason(lang),
        ];
        for blocker in &self.blockers {
            let sentence = match (blocker, lang) {
                (Blocker::SameOrganization, Lang::Fr) => "même organisation que le projet",
                (Blocker::SameOrganization, Lang::En) => "same organization as the project",
                (Blocker::Declined, Lang::Fr) => "proposition déjà déclinée",
                (Blocker::Declined, Lang::En) => "already declined",
                (Blocker::Paused | Blocker::Full | Blocker::NoCommonTheme, _) => continue,
            };
            reasons.push(sentence.to_owned());
        }
        reasons
    }

    /// [`Score::reasons`] in one line: "; " between them ("\u{a0}; " in French).
    pub fn explain(&self, lang: Lang) -> String {
        let separator = match lang {
            Lang::Fr => "\u{a0}; ",
            Lang::En => "; ",
        };
        self.reasons(lang).join(separator)
    }

    fn themes_reason(&self, lang: Lang) -> String {
        // Mid-sentence, a theme reads in lower case (« Hydrogène » → « hydrogène »), unless
        // its label is an acronym (« IA »).
        let labels: Vec<String> = self
            .common_themes
            .iter()
            .map(|t| lower_first(t.label(lang)))
            .collect();
        let labels = labels.join(", ");
        match (self.common_themes.len(), lang) {
            (0, Lang::Fr) => "aucun thème en commun".to_owned(),
            (0, Lang::En) => "no theme in common".to_owned(),
            (1, Lang::Fr) => format!("1 thème en commun\u{a0}: {labels}"),
            (1, Lang::En) => format!("1 theme in common: {labels}"),
            (n, Lang::Fr) => format!("{n} thèmes en commun\u{a0}: {labels}"),
            (n, Lang::En) => format!("{n} themes in common: {labels}"),
        }
    }

    fn language_reason(&self, lang: Lang) -> String {
        let names: Vec<String> = self
            .common_languages
            .iter()
            .map(|code| language_label(code, lang))
            .collect();
        let names = names.join(", ");
        match (self.common_languages.len(), lang) {
            (0, Lang::Fr) => "aucune langue commune".to_owned(),
            (0, Lang::En) => "no common language".to_owned(),
            (1, Lang::Fr) => format!("langue commune\u{a0}: {names}"),
            (1, Lang::En) => format!("common language: {names}"),
            (_, Lang::Fr) => format!("langues communes\u{a0}: {names}"),
            (_, Lang::En) => format!("common languages: {names}"),
        }
    }

    fn stage_reason(&self, lang: Lang) -> String {
        let label = stage_label(&self.project_stage, lang);
        match (self.stage_fits, lang) {
            (true, Lang::Fr) => format!("stade «\u{a0}{label}\u{a0}» accompagné"),
            (true, Lang::En) => format!("stage “{label}” supported"),
            (false, Lang::Fr) => format!("stade «\u{a0}{label}\u{a0}» hors de ses préférences"),
            (false, Lang::En) => format!("stage “{label}” outside their preferences"),
        }
    }

    fn places_reason(&self, lang: Lang) -> String {
        let paused = self.blockers.contains(&Blocker::Paused);
        match (paused, self.places_left, lang) {
            (true, _, Lang::Fr) => "en pause".to_owned(),
            (true, _, Lang::En) => "paused".to_owned(),
            (false, 0, Lang::Fr) => "complet".to_owned(),
            (false, 0, Lang::En) => "full".to_owned(),
            (false, 1, Lang::Fr) => "1 place restante".to_owned(),
            (false, 1, Lang::En) => "1 place left".to_owned(),
            (false, n, Lang::Fr) => format!("{n} places restantes"),
            (false, n, Lang::En) => format!("{n} places left"),
        }
    }
}

/// The name of a stage of [`STAGES`]; any other code reads as "unknown stage".
pub fn stage_label(stage: &str, lang: Lang) -> &'static str {
    let stage = stage.trim().to_ascii_lowercase();
    match (stage.as_str(), lang) {
        ("idea", Lang::Fr) => "idée",
        ("idea", Lang::En) => "idea",
        ("prototype", _) => "prototype",
        ("launch", Lang::Fr) => "lancement",
        ("launch", Lang::En) => "launch",
        ("growth", Lang::Fr) => "croissance",
        ("growth", Lang::En) => "growth",
        (_, Lang::Fr) => "stade inconnu",
        (_, Lang::En) => "unknown stage",
    }
}

/// The name of a language from its ISO 639-1 code (any case); an unknown code is returned as
/// given.
pub fn language_label(code: &str, lang: Lang) -> String {
    let (fr, en) = match code.trim().to_ascii_lowercase().as_str() {
        "fr" => ("français", "French"),
        "en" => ("anglais", "English"),
        "de" => ("allemand", "German"),
        "es" => ("espagnol", "Spanish"),
        "it" => ("italien", "Italian"),
        "nl" => ("néerlandais", "Dutch"),
        "pt" => ("portugais", "Portuguese"),
        "ar" => ("arabe", "Arabic"),
        "zh" => ("chinois", "Chinese"),
        "pl" => ("polonais", "Polish"),
        "ru" => ("russe", "Russian"),
        "uk" => ("ukrainien", "Ukrainian"),
        "tr" => ("turc", "Turkish"),
        "ja" => ("japonais", "Japanese"),
        _ => return code.to_owned(),
    };
    match lang {
        Lang::Fr => fr.to_owned(),
        Lang::En => en.to_owned(),
    }
}

/// Each theme once, with its highest weight or level clamped to 1..=3, in first-seen order.
fn strongest(themes: &[(ThemeRef, i32)]) -> Vec<(&ThemeRef, i64)> {
    let mut kept: Vec<(&ThemeRef, i64)> = Vec::with_capacity(themes.len());
    for (theme, strength) in themes {
        let strength = i64::from(*strength).clamp(1, MAX_LEVEL);
        match kept.iter_mut().find(|(t, _)| t.id == theme.id) {
            Some((_, kept_strength)) => *kept_strength = (*kept_strength).max(strength),
            None => kept.push((theme, strength)),
        }
    }
    kept
}

/// Trimmed, lower-case, each once, in first-seen order; empty codes dropped.
fn language_codes(codes: &[String]) -> Vec<String> {
    let mut kept: Vec<String> = Vec::with_capacity(codes.len());
    for code in codes {
        let code = code.trim().to_ascii_lowercase();
        if !code.is_empty() && !kept.contains(&code) {
            kept.push(code);
        }
    }
    kept
}

/// `round(points × part / whole)`, halves up; 0 when `whole` is 0.
fn rounded_share(points: i64, part: i64, whole: i64) -> i32 {
    if whole <= 0 {
        return 0;
    }
    let share = (2 * points * part + whole) / (2 * whole);
    i32::try_from(share).expect("a share of at most `points`")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn theme(id: i64, fr: &str, en: &str) -> ThemeRef {
        ThemeRef {
            id,
            label_fr: fr.to_owned(),
            label_en: en.to_owned(),
        }
    }

    fn hydrogen() -> ThemeRef {
        theme(1, "hydrogène", "hydrogen")
    }
    fn heat() -> ThemeRef {
        theme(2, "réseaux de chaleur", "heat networks")
    }
    fn financing() -> ThemeRef {
        theme(3, "financement", "financing")
    }
    fn health() -> ThemeRef {
        theme(4, "santé", "health")
    }
    fn ai() -> ThemeRef {
        theme(5, "IA", "AI")
    }

    fn codes(codes: &[&str]) -> Vec<String> {
        codes.iter().map(|code| (*code).to_owned()).collect()
    }

    /// Needs hydrogen ×3, heat networks ×2, financing ×1, health ×2; French; prototype.
    fn project() -> ProjectFacts {
        ProjectFacts {
            id: 10,
            organization_id: 100,
            needs: vec![
                (hydrogen(), 3),
                (heat(), 2),
                (financing(), 1),
                (health(), 2),
            ],
            languages: codes(&["fr"]),
            stage: "prototype".to_owned(),
        }
    }

    /// Hydrogen 3, heat networks 2, financing 3, AI 1; French and English; prototype and
    /// launch; 3 places, 2 taken.
    fn mentor() -> MentorFacts {
        MentorFacts {
            id: 20,
            organization_ids: vec![200, 201],
            expertise: vec![(hydrogen(), 3), (heat(), 2), (financing(), 3), (ai(), 1)],
            languages: codes(&["fr", "en"]),
            stages: codes(&["prototype", "launch"]),
            capacity: 3,
            active: 2,
            paused: false,
        }
    }

    #[test]
    fn a_known_pair_has_known_parts() {
        let score = score(&project(), &mentor());
        // Covered: 3×3 + 2×2 + 1×3 = 16 of (3 + 2 + 1 + 2) × 3 = 24: round(40) = 40.
        assert_eq!(score.themes, 40);
        assert_eq!(score.language, 15);
        assert_eq!(score.stage, 15);
        // 1 place of 3: round(3.33) = 3.
        assert_eq!(score.capacity, 3);
        assert_eq!(score.total, 73);
        assert_eq!(score.common_themes, vec![hydrogen(), heat(), financing()]);
        assert_eq!(score.common_languages, codes(&["fr"]));
        assert!(score.stage_fits);
        assert_eq!(score.places_left, 1);
        assert!(score.blockers.is_empty());
        assert!(score.eligible());
    }

    #[test]
    fn a_known_pair_explains_itself_in_french_and_english() {
        let score = score(&project(), &mentor());
        assert_eq!(
            score.reasons(Lang::Fr),
            vec![
                "3 thèmes en commun\u{a0}: hydrogène, réseaux de chaleur, financement",
                "langue commune\u{a0}: français",
                "stade «\u{a0}prototype\u{a0}» accompagné",
                "1 place restante",
            ]
        );
        assert_eq!(
            score.reasons(Lang::En),
            vec![
                "3 themes in common: hydrogen, heat networks, financing",
                "common language: French",
                "stage “prototype” supported",
                "1 place left",
            ]
        );
        assert_eq!(
            score.explain(Lang::Fr),
            "3 thèmes en commun\u{a0}: hydrogène, réseaux de chaleur, financement\u{a0}; \
             langue commune\u{a0}: français\u{a0}; stade «\u{a0}prototype\u{a0}» accompagné\u{a0}; \
             1 place restante"
        );
        assert_eq!(
            score.explain(Lang::En),
            "3 themes in common: hydrogen, heat networks, financing; common language: French; \
             stage “prototype” supported; 1 place left"
        );
    }

    #[test]
    fn a_perfect_pair_scores_100_and_a_weak_one_says_why() {
        let project = ProjectFacts {
            needs: vec![(hydrogen(), 2)],
            ..project()
        };
        let free = MentorFacts {
            stages: vec![],
            active: 0,
            ..mentor()
        };
        let perfect = score(&project, &free);
        assert_eq!(
            (perfect.total, perfect.themes, perfect.capacity),
            (100, 60, 10)
        );
        assert_eq!(
            perfect.reasons(Lang::Fr)[0],
            "1 thème en commun\u{a0}: hydrogène"
        );
        assert_eq!(perfect.reasons(Lang::En)[0], "1 theme in common: hydrogen");
        assert_eq!(perfect.reasons(Lang::Fr)[3], "3 places restantes");
        assert_eq!(perfect.reasons(Lang::En)[3], "3 places left");

        let project = ProjectFacts {
            needs: vec![(hydrogen(), 1), (health(), 3)],
            languages: codes(&["de"]),
            stage: "idea".to_owned(),
            ..project
        };
        let weak = score(&project, &mentor());
        // 1×3 of 12: round(15) = 15; no language, stage not taken, 1 place of 3.
        assert_eq!(
            (weak.total, weak.themes, weak.language, weak.stage),
            (18, 15, 0, 0)
        );
        assert!(weak.eligible(), "weak but not blocked");
        assert_eq!(
            weak.reasons(Lang::Fr)[1..3],
            [
                "aucune langue commune",
                "stade «\u{a0}idée\u{a0}» hors de ses préférences"
            ]
        );
        assert_eq!(
            weak.reasons(Lang::En)[1..3],
            [
                "no common language",
                "stage “idea” outside their preferences"
            ]
        );
    }

    #[test]
    fn themes_in_common_are_ordered_by_strength_then_french_label() {
        let project = ProjectFacts {
            needs: vec![(financing(), 1), (ai(), 3), (heat(), 3), (hydrogen(), 1)],
            ..project()
        };
        let mentor = MentorFacts {
            expertise: vec![(financing(), 3), (ai(), 1), (heat(), 2), (hydrogen(), 3)],
            ..mentor()
        };
        // heat 6; then 3 each: AI, financing, hydrogen by French label ("IA" < "financement"
        // in byte order: upper case first).
        let names: Vec<String> = score(&project, &mentor)
            .common_themes
            .into_iter()
            .map(|t| t.label_fr)
            .collect();
        assert_eq!(
            names,
            ["réseaux de chaleur", "IA", "financement", "hydrogène"]
        );
    }

    #[test]
    fn without_needs_nothing_is_in_common() {
        let project = ProjectFacts {
            needs: vec![],
            ..project()
        };
        let score = score(&project, &mentor());
        assert_eq!(score.themes, 0);
        assert_eq!(score.total, 33);
        assert_eq!(score.blockers, [Blocker::NoCommonTheme]);
        assert!(!score.eligible());
        assert_eq!(score.reasons(Lang::Fr)[0], "aucun thème en commun");
        assert_eq!(score.reasons(Lang::En)[0], "no theme in common");
    }

    #[test]
    fn no_capacity_is_full() {
        for (capacity, active) in [(0, 0), (-2, 0), (2, 2), (2, 5)] {
            let mentor = MentorFacts {
                capacity,
                active,
                ..mentor()
            };
            let score = score(&project(), &mentor);
            assert_eq!(
                (score.capacity, score.places_left),
                (0, 0),
                "{capacity} {active}"
            );
            assert_eq!(score.blockers, [Blocker::Full]);
            assert_eq!(score.reasons(Lang::Fr)[3], "complet");
            assert_eq!(score.reasons(Lang::En)[3], "full");
        }
    }

    #[test]
    fn capacity_rounds_halves_up_and_ignores_negative_mentees() {
        let mentor = MentorFacts {
            capacity: 4,
            active: 1,
            ..mentor()
        };
        assert_eq!(score(&project(), &mentor).capacity, 8, "10 × 3/4 = 7.5");
        let mentor = MentorFacts {
            capacity: 4,
            active: -3,
            ..mentor
        };
        let score = score(&project(), &mentor);
        assert_eq!((score.capacity, score.places_left), (10, 4));
    }

    #[test]
    fn a_paused_mentor_is_blocked_and_says_so() {
        let mentor = MentorFacts {
            paused: true,
            ..mentor()
        };
        let score = score(&project(), &mentor);
        assert_eq!(score.total, 73, "the parts stay as they are");
        assert_eq!(score.blockers, [Blocker::Paused]);
        assert_eq!(score.reasons(Lang::Fr)[3], "en pause");
        assert_eq!(score.reasons(Lang::En)[3], "paused");
        let mentor = MentorFacts {
            active: 3,
            ..mentor
        };
        let score = super::score(&project(), &mentor);
        assert_eq!(score.blockers, [Blocker::Paused, Blocker::Full]);
        assert_eq!(score.reasons(Lang::En).len(), 4);
    }

    #[test]
    fn same_organization_is_blocked_and_says_so() {
        let project = ProjectFacts {
            organization_id: 201,
            ..project()
        };
        let score = score(&project, &mentor());
        assert_eq!(score.blockers, [Blocker::SameOrganization]);
        assert_eq!(
            score.reasons(Lang::Fr).last().unwrap(),
            "même organisation que le projet"
        );
        assert_eq!(
            score.reasons(Lang::En).last().unwrap(),
            "same organization as the project"
        );
        assert_eq!(score.reasons(Lang::Fr).len(), 5);
    }

    #[test]
    fn blockers_accumulate_and_serialize_in_snake_case() {
        let project = ProjectFacts {
            organization_id: 200,
            needs: vec![],
            ..project()
        };
        let mentor = MentorFacts {
            paused: true,
            capacity: 0,
            ..mentor()
        };
        let score = score(&project, &mentor);
        let json = serde_json::to_value(&score.blockers).unwrap();
        assert_eq!(
            json,
            serde_json::json!(["paused", "full", "same_organization", "no_common_theme"])
        );
        assert_eq!(serde_json::to_value(Blocker::Declined).unwrap(), "declined");
    }

    #[test]
    fn duplicates_count_once_at_their_strongest() {
        let project = ProjectFacts {
            needs: vec![(hydrogen(), 1), (heat(), 2), (hydrogen(), 3)],
            languages: codes(&["FR", " fr", "En", ""]),
            ..project()
        };
        let mentor = MentorFacts {
            expertise: vec![(hydrogen(), 2), (hydrogen(), 3), (heat(), 1)],
            languages: codes(&["en", "fr", "EN"]),
            stages: codes(&["Prototype"]),
            ..mentor()
        };
        let score = score(&project, &mentor);
        // hydrogen 3×3 + heat 2×1 = 11 of (3 + 2) × 3 = 15: round(44) = 44.
        assert_eq!(score.themes, 44);
        assert_eq!(score.common_themes, vec![hydrogen(), heat()]);
        assert_eq!(score.common_languages, codes(&["fr", "en"]));
        assert!(score.stage_fits, "stages compare without case");
        assert_eq!(
            score.reasons(Lang::Fr)[1],
            "langues communes\u{a0}: français, anglais"
        );
        assert_eq!(
            score.reasons(Lang::En)[1],
            "common languages: French, English"
        );
    }

    #[test]
    fn weights_and_levels_out_of_range_are_clamped() {
        let project = ProjectFacts {
            needs: vec![(hydrogen(), 7), (heat(), 0)],
            ..project()
        };
        let mentor = MentorFacts {
            expertise: vec![(hydrogen(), 9), (heat(), -1)],
            ..mentor()
        };
        // hydrogen 3×3 + heat 1×1 = 10 of (3 + 1) × 3 = 12: round(50) = 50.
        assert_eq!(score(&project, &mentor).themes, 50);
    }

    #[test]
    fn labels_of_stages_and_languages() {
        let fr: Vec<&str> = STAGES.iter().map(|s| stage_label(s, Lang::Fr)).collect();
        let en: Vec<&str> = STAGES.iter().map(|s| stage_label(s, Lang::En)).collect();
        assert_eq!(fr, ["idée", "prototype", "lancement", "croissance"]);
        assert_eq!(en, ["idea", "prototype", "launch", "growth"]);
        assert_eq!(stage_label("seed", Lang::Fr), "stade inconnu");
        assert_eq!(stage_label("seed", Lang::En), "unknown stage");

        let known = ["fr", "en", "de", "es", "it", "nl", "pt", "ar", "zh"];
        let fr: Vec<String> = known.iter().map(|c| language_label(c, Lang::Fr)).collect();
        let en: Vec<String> = known.iter().map(|c| language_label(c, Lang::En)).collect();
        assert_eq!(
            fr,
            [
                "français",
                "anglais",
                "allemand",
                "espagnol",
                "italien",
                "néerlandais",
                "portugais",
                "arabe",
                "chinois"
            ]
        );
        assert_eq!(
            en,
            [
                "French",
                "English",
                "German",
                "Spanish",
                "Italian",
                "Dutch",
                "Portuguese",
                "Arabic",
                "Chinese"
            ]
        );
        assert_eq!(language_label("EN", Lang::Fr), "anglais");
        assert_eq!(language_label("xx", Lang::En), "xx");
        assert_eq!(language_label("Tlh", Lang::Fr), "Tlh");
    }

    #[test]
    fn english_labels_fall_back_to_french() {
        let lonely = theme(9, "bâtiment", "");
        let project = ProjectFacts {
            needs: vec![(lonely.clone(), 1)],
            ..project()
        };
        let mentor = MentorFacts {
            expertise: vec![(lonely, 1)],
            ..mentor()
        };
        assert_eq!(
            score(&project, &mentor).reasons(Lang::En)[0],
            "1 theme in common: bâtiment"
        );
    }
}
