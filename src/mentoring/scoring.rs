// TEMPORARY STUB (replaced by the helper's module at merge)
use crate::web::Lang;
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct ThemeRef {
    pub id: i64,
    pub label_fr: String,
    pub label_en: String,
}
#[derive(Debug, Clone)]
pub struct MentorFacts {
    pub id: i64,
    pub organization_ids: Vec<i64>,
    pub expertise: Vec<(ThemeRef, i32)>,
    pub languages: Vec<String>,
    pub stages: Vec<String>,
    pub capacity: i32,
    pub active: i32,
    pub paused: bool,
}
#[derive(Debug, Clone)]
pub struct ProjectFacts {
    pub id: i64,
    pub organization_id: i64,
    pub needs: Vec<(ThemeRef, i32)>,
    pub languages: Vec<String>,
    pub stage: String,
}
pub const STAGES: [&str; 4] = ["idea", "prototype", "launch", "growth"];
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Blocker {
    Paused,
    Full,
    SameOrganization,
    NoCommonTheme,
}
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Score {
    pub total: i32,
    pub themes: i32,
    pub language: i32,
    pub stage: i32,
    pub capacity: i32,
    pub common_themes: Vec<ThemeRef>,
    pub common_languages: Vec<String>,
    pub stage_fits: bool,
    pub places_left: i32,
    pub blockers: Vec<Blocker>,
}
impl Score {
    pub fn eligible(&self) -> bool {
        self.blockers.is_empty()
    }
    pub fn reasons(&self, _lang: Lang) -> Vec<String> {
        vec![]
    }
    pub fn explain(&self, lang: Lang) -> String {
        self.reasons(lang).join("; ")
    }
}
pub fn score(p: &ProjectFacts, m: &MentorFacts) -> Score {
    let common: Vec<ThemeRef> = p
        .needs
        .iter()
        .filter(|(t, _)| m.expertise.iter().any(|(e, _)| e.id == t.id))
        .map(|(t, _)| t.clone())
        .collect();
    let mut blockers = vec![];
    if common.is_empty() {
        blockers.push(Blocker::NoCommonTheme);
    }
    if m.paused {
        blockers.push(Blocker::Paused);
    }
    if m.capacity - m.active <= 0 {
        blockers.push(Blocker::Full);
    }
    if m.organization_ids.contains(&p.organization_id) {
        blockers.push(Blocker::SameOrganization);
    }
    Score {
        total: common.len() as i32 * 10,
        themes: 0,
        language: 0,
        stage: 0,
        capacity: 0,
        common_themes: common,
        common_languages: vec![],
        stage_fits: true,
        places_left: m.capacity - m.active,
        blockers,
    }
}
