// TEMPORARY STUB (replaced by the helper's module at merge)
use super::scoring::{self, MentorFacts, ProjectFacts, Score};
pub struct Problem {
    pub projects: Vec<ProjectFacts>,
    pub mentors: Vec<MentorFacts>,
    pub excluded: std::collections::HashSet<(i64, i64)>,
}
pub struct Pair {
    pub project_id: i64,
    pub mentor_id: i64,
    pub score: Score,
}
pub struct Assignment {
    pub pairs: Vec<Pair>,
    pub total: i64,
}
pub fn optimal(p: &Problem) -> Assignment {
    greedy(p)
}
pub fn greedy(p: &Problem) -> Assignment {
    let mut pairs = vec![];
    let mut used = std::collections::HashMap::new();
    for pr in &p.projects {
        for m in &p.mentors {
            let s = scoring::score(pr, m);
            let u = used.entry(m.id).or_insert(0);
            if s.eligible() && !p.excluded.contains(&(pr.id, m.id)) && *u < m.capacity - m.active {
                *u += 1;
                pairs.push(Pair {
                    project_id: pr.id,
                    mentor_id: m.id,
                    score: s,
                });
                break;
            }
        }
    }
    let total = pairs.iter().map(|x| x.score.total as i64).sum();
    Assignment { pairs, total }
}
