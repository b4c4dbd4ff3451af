//! The matching round: which mentor to propose to which project.
//!
//! Pure functions over a [`Problem`]: the projects waiting for a mentor, the mentors, and the
//! pairs to leave out (declined before). The rules, for both [`optimal`] and [`greedy`]:
//! a project gets at most one mentor; a mentor at most as many projects as places left
//! ([`Score::places_left`]); a pair is proposed only if its score has no blocker and it is not
//! excluded; an assignment is worth the sum of its pairs' [`Score::total`].
//!
//! [`optimal`] maximises that sum exactly, with the Hungarian algorithm of the `pathfinding`
//! crate; among assignments of the same total it keeps one with the most pairs. [`greedy`] takes
//! the best pair first, as a person would, and is here to show what `optimal` gains.
//!
//! Projects and mentors are taken by id: a repeated id counts once (its first occurrence), and
//! the order of the input does not change the result.

use std::collections::{HashMap, HashSet};

use pathfinding::prelude::{Matrix, kuhn_munkres};
use serde::Serialize;

use super::scoring::{Blocker, MentorFacts, ProjectFacts, Score, score};

/// What a round starts from.
#[derive(Debug, Clone, Default)]
pub struct Problem {
    pub projects: Vec<ProjectFacts>,
    pub mentors: Vec<MentorFacts>,
    /// (project id, mentor id) pairs never to propose, such as those declined before.
    pub excluded: HashSet<(i64, i64)>,
}

/// A project and the mentor proposed to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pair {
    pub project_id: i64,
    pub mentor_id: i64,
    pub score: Score,
}

/// The outcome of a round.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Assignment {
    /// By project id.
    pub pairs: Vec<Pair>,
    /// The sum of the pairs' scores.
    pub total: i64,
}

impl Assignment {
    fn new(mut pairs: Vec<Pair>) -> Self {
        pairs.sort_by_key(|pair| pair.project_id);
        let total = pairs.iter().map(|pair| i64::from(pair.score.total)).sum();
        Assignment { pairs, total }
    }
}

impl Problem {
    /// The pair's score as this round sees it: [`score`], plus [`Blocker::Declined`] when the
    /// pair is excluded.
    pub fn score(&self, project: &ProjectFacts, mentor: &MentorFacts) -> Score {
        let mut score = score(project, mentor);
        if self.excluded.contains(&(project.id, mentor.id)) {
            score.blockers.push(Blocker::Declined);
        }
        score
    }

    /// Every pair that may be proposed, by project id then mentor id.
    fn candidates(&self) -> Vec<Candidate<'_>> {
        let projects = each_once(&self.projects, |p| p.id);
        let mentors = each_once(&self.mentors, |m| m.id);
        let mut candidates = Vec::new();
        for &project in &projects {
            for &mentor in &mentors {
                if self.excluded.contains(&(project.id, mentor.id)) {
                    continue;
                }
                let score = score(project, mentor);
                if score.eligible() {
                    candidates.push(Candidate {
                        project,
                        mentor,
                        total: score.total,
                        places_left: score.places_left,
                    });
                }
            }
        }
        candidates
    }
}

/// An eligible pair, without its explanations (a round scores many more pairs than it keeps).
struct Candidate<'a> {
    project: &'a ProjectFacts,
    mentor: &'a MentorFacts,
    total: i32,
    places_left: i32,
}

impl Candidate<'_> {
    fn pair(&self) -> Pair {
        Pair {
            project_id: self.project.id,
            mentor_id: self.mentor.id,
            score: score(self.project, self.mentor),
        }
    }
}

/// The assignment of the highest total (exact).
///
/// Each mentor becomes one "slot" per place it can use (its places left, at most the number of
/// projects it may take), and the Hungarian algorithm (`pathfinding::kuhn_munkres`) finds the
/// best matching between slots and projects, the smaller side as rows. A cell is worth
/// `total × (n + 1) + 1` for an eligible pair and 0 otherwise, `n` being the smaller side: the
/// sum of a matching's cells is `(n + 1) × its total + its number of pairs`, so the best
/// matching has the highest total and, among those, the most pairs. Every cell is worth at
/// least 0 and every row can take any column, so a matching that leaves a row out can always be
/// completed with zero cells: the algorithm's perfect matching of the rows loses nothing, and
/// its zero cells are dropped. Projects and mentors without an eligible pair are left out of
/// the matrix.
pub fn optimal(problem: &Problem) -> Assignment {
    let candidates = problem.candidates();
    let mut project_ids: Vec<i64> = candidates.iter().map(|c| c.project.id).collect();
    project_ids.dedup(); // sorted already
    let mut mentor_ids: Vec<i64> = candidates.iter().map(|c| c.mentor.id).collect();
    mentor_ids.sort_unstable();
    mentor_ids.dedup();
    let project_index = positions(&project_ids);
    let mentor_index = positions(&mentor_ids);

    let mut usable = vec![0_usize; mentor_ids.len()];
    let mut places = vec![0_usize; mentor_ids.len()];
    for candidate in &candidates {
        let mentor = mentor_index[&candidate.mentor.id];
        usable[mentor] += 1;
        places[mentor] = usize::try_from(candidate.places_left).unwrap_or(0);
    }
    // The mentor of each slot.
    let slots: Vec<usize> = (0..mentor_ids.len())
        .flat_map(|mentor| std::iter::repeat_n(mentor, places[mentor].min(usable[mentor])))
        .collect();
    if slots.is_empty() {
        return Assignment::default();
    }

    // The cell of each of a mentor's slots for each project; 0: not eligible.
    let columns = project_ids.len();
    let n = i64::try_from(slots.len().min(columns)).expect("fewer than 2^63 slots");
    let mut cells = Matrix::new(mentor_ids.len(), columns, 0_i64);
    for candidate in &candidates {
        let cell = i64::from(candidate.total) * (n + 1) + 1;
        cells[(
            mentor_index[&candidate.mentor.id],
            project_index[&candidate.project.id],
        )] = cell;
    }
    // The smaller side as rows: kuhn_munkres matches every row.
    let slots_are_rows = slots.len() <= columns;
    let matrix = if slots_are_rows {
        Matrix::from_fn(slots.len(), columns, |(slot, project)| {
            cells[(slots[slot], project)]
        })
    } else {
        Matrix::from_fn(columns, slots.len(), |(project, slot)| {
            cells[(slots[slot], project)]
        })
    };
    let (_, column_of_row) = kuhn_munkres(&matrix);

    let mut chosen: HashSet<(i64, i64)> = HashSet::new();
    for (row, &column) in column_of_row.iter().enumerate() {
        if matrix[(row, column)] > 0 {
            let (slot, project) = if slots_are_rows {
                (row, column)
            } else {
                (column, row)
            };
            chosen.insert((project_ids[project], mentor_ids[slots[slot]]));
        }
    }
    let pairs = candidates
        .iter()
        .filter(|c| chosen.contains(&(c.project.id, c.mentor.id)))
        .map(Candidate::pair)
        .collect();
    Assignment::new(pairs)
}

/// The best pair first (highest total, then lowest project id, then lowest mentor id), then the
/// best of what is left, and so on: quick and often good, not always the best (see [`optimal`]).
pub fn greedy(problem: &Problem) -> Assignment {
    let mut candidates = problem.candidates();
    candidates.sort_by(|a, b| {
        b.total
            .cmp(&a.total)
            .then(a.project.id.cmp(&b.project.id))
            .then(a.mentor.id.cmp(&b.mentor.id))
    });
    let mut assigned: HashSet<i64> = HashSet::new();
    let mut taken: HashMap<i64, i32> = HashMap::new();
    let mut pairs = Vec::new();
    for candidate in &candidates {
        let taken = taken.entry(candidate.mentor.id).or_default();
        if *taken < candidate.places_left && !assigned.contains(&candidate.project.id) {
            *taken += 1;
            assigned.insert(candidate.project.id);
            pairs.push(candidate.pair());
        }
    }
    Assignment::new(pairs)
}

/// Where each id is in `ids`.
fn positions(ids: &[i64]) -> HashMap<i64, usize> {
    ids.iter().enumerate().map(|(i, &id)| (id, i)).collect()
}

/// The items by id, each id once (its first occurrence).
fn each_once<T>(items: &[T], id: impl Fn(&T) -> i64) -> Vec<&T> {
    let mut seen = HashSet::new();
    let mut kept: Vec<&T> = items.iter().filter(|item| seen.insert(id(item))).collect();
    kept.sort_by_key(|item| id(item));
    kept
}

#[cfg(test)]
mod tests {
    use rand::rngs::StdRng;
    use rand::seq::SliceRandom;
    use rand::{Rng, SeedableRng};

    use super::*;
    use crate::mentoring::scoring::{STAGES, ThemeRef};

    fn theme(id: i64) -> ThemeRef {
        ThemeRef {
            id,
            label_fr: format!("thème {id}"),
            label_en: format!("theme {id}"),
        }
    }

    fn project(id: i64, needs: &[(i64, i32)]) -> ProjectFacts {
        ProjectFacts {
            id,
            organization_id: 1000 + id,
            needs: needs.iter().map(|&(t, w)| (theme(t), w)).collect(),
            languages: vec!["fr".to_owned()],
            stage: "idea".to_owned(),
        }
    }

    fn mentor(id: i64, expertise: &[(i64, i32)], capacity: i32) -> MentorFacts {
        MentorFacts {
            id,
            organization_ids: vec![2000 + id],
            expertise: expertise.iter().map(|&(t, l)| (theme(t), l)).collect(),
            languages: vec!["fr".to_owned()],
            stages: vec![],
            capacity,
            active: 0,
            paused: false,
        }
    }

    fn ids(assignment: &Assignment) -> Vec<(i64, i64)> {
        assignment
            .pairs
            .iter()
            .map(|p| (p.project_id, p.mentor_id))
            .collect()
    }

    /// A small random round: few themes, languages in either case, shared organizations,
    /// capacities from 0, some mentees, some paused, some pairs excluded.
    fn random_problem(rng: &mut StdRng) -> Problem {
        let themes = 3;
        let some_themes = |rng: &mut StdRng| -> Vec<(ThemeRef, i32)> {
            let count = if rng.random_bool(0.1) {
                0
            } else {
                rng.random_range(1..=3)
            };
            (0..count)
                .map(|_| (theme(rng.random_range(1..=themes)), rng.random_range(1..=3)))
                .collect()
        };
        let languages = |rng: &mut StdRng| -> Vec<String> {
            let all = ["fr", "en", "FR", "de"];
            let count = rng.random_range(0..=2);
            (0..count)
                .map(|_| all[rng.random_range(0..all.len())].to_owned())
                .collect()
        };
        let projects: Vec<ProjectFacts> = (1..=rng.random_range(1..=7))
            .map(|id| ProjectFacts {
                id,
                organization_id: rng.random_range(1..=4),
                needs: some_themes(rng),
                languages: languages(rng),
                stage: STAGES[rng.random_range(0..STAGES.len())].to_owned(),
            })
            .collect();
        let mentors: Vec<MentorFacts> = (1..=rng.random_range(1..=4))
            .map(|id| MentorFacts {
                id: 100 + id,
                organization_ids: vec![rng.random_range(1..=12)],
                expertise: some_themes(rng),
                languages: languages(rng),
                stages: if rng.random_bool(0.5) {
                    vec![]
                } else {
                    vec![STAGES[rng.random_range(0..4)].to_owned()]
                },
                capacity: rng.random_range(0..=3),
                active: i32::from(rng.random_bool(0.2)),
                paused: rng.random_bool(0.1),
            })
            .collect();
        let mut excluded = HashSet::new();
        for p in &projects {
            for m in &mentors {
                if rng.random_bool(0.1) {
                    excluded.insert((p.id, m.id));
                }
            }
        }
        Problem {
            projects,
            mentors,
            excluded,
        }
    }

    /// The best (total, number of pairs) over every assignment, by trying them all.
    fn brute_force(problem: &Problem) -> (i64, usize) {
        // options[p]: (mentor index, total) of the pairs project p may take.
        let options: Vec<Vec<(usize, i64)>> = problem
            .projects
            .iter()
            .map(|p| {
                problem
                    .mentors
                    .iter()
                    .enumerate()
                    .filter(|(_, m)| !problem.excluded.contains(&(p.id, m.id)))
                    .map(|(i, m)| (i, score(p, m)))
                    .filter(|(_, s)| s.eligible())
                    .map(|(i, s)| (i, i64::from(s.total)))
                    .collect()
            })
            .collect();
        let mut places: Vec<i32> = problem
            .mentors
            .iter()
            .map(|m| (m.capacity - m.active).max(0))
            .collect();
        fn walk(
            options: &[Vec<(usize, i64)>],
            places: &mut [i32],
            sofar: (i64, usize),
        ) -> (i64, usize) {
            let Some((first, rest)) = options.split_first() else {
                return sofar;
            };
            let mut best = walk(rest, places, sofar);
            for &(mentor, total) in first {
                if places[mentor] > 0 {
                    places[mentor] -= 1;
                    best = best.max(walk(rest, places, (sofar.0 + total, sofar.1 + 1)));
                    places[mentor] += 1;
                }
            }
            best
        }
        walk(&options, &mut places, (0, 0))
    }

    /// Panics if `assignment` breaks a rule of the round.
    fn assert_valid(problem: &Problem, assignment: &Assignment) {
        let mut projects = HashSet::new();
        let mut taken: HashMap<i64, i32> = HashMap::new();
        for pair in &assignment.pairs {
            assert!(
                projects.insert(pair.project_id),
                "project {} twice",
                pair.project_id
            );
            let mentor = problem
                .mentors
                .iter()
                .find(|m| m.id == pair.mentor_id)
                .unwrap();
            let project = problem
                .projects
                .iter()
                .find(|p| p.id == pair.project_id)
                .unwrap();
            let taken = taken.entry(mentor.id).or_default();
            *taken += 1;
            assert!(
                *taken <= mentor.capacity - mentor.active,
                "mentor {} over capacity",
                mentor.id
            );
            assert!(!mentor.paused);
            assert!(
                !mentor.organization_ids.contains(&project.organization_id),
                "same organization"
            );
            assert!(
                !problem.excluded.contains(&(project.id, mentor.id)),
                "excluded pair"
            );
            assert_eq!(pair.score, score(project, mentor));
            assert!(pair.score.eligible());
        }
        assert!(assignment.pairs.is_sorted_by_key(|p| p.project_id));
        let total: i64 = assignment
            .pairs
            .iter()
            .map(|p| i64::from(p.score.total))
            .sum();
        assert_eq!(assignment.total, total);
    }

    #[test]
    fn optimal_matches_brute_force_and_greedy_never_beats_it() {
        let mut rng = StdRng::seed_from_u64(2026);
        let mut greedy_worse = 0;
        for case in 0..1000 {
            let problem = random_problem(&mut rng);
            let best = optimal(&problem);
            let quick = greedy(&problem);
            assert_valid(&problem, &best);
            assert_valid(&problem, &quick);
            let (total, pairs) = brute_force(&problem);
            assert_eq!(best.total, total, "case {case}: {problem:#?}");
            assert_eq!(
                best.pairs.len(),
                pairs,
                "case {case}: the most pairs at the best total"
            );
            assert!(quick.total <= best.total, "case {case}");
            greedy_worse += usize::from(quick.total < best.total);
        }
        assert!(
            greedy_worse > 0,
            "the cases should include some where greedy loses"
        );
    }

    #[test]
    fn the_input_order_does_not_change_the_result() {
        let mut rng = StdRng::seed_from_u64(7);
        for _ in 0..100 {
            let mut problem = random_problem(&mut rng);
            let (best, quick) = (optimal(&problem), greedy(&problem));
            problem.projects.shuffle(&mut rng);
            problem.mentors.shuffle(&mut rng);
            assert_eq!(optimal(&problem), best);
            assert_eq!(greedy(&problem), quick);
        }
    }

    #[test]
    fn greedy_can_be_strictly_worse() {
        // Project 1 likes both mentors, mentor 11 a little more; project 2 can only have 11.
        let problem = Problem {
            projects: vec![project(1, &[(1, 3), (2, 3)]), project(2, &[(1, 3)])],
            mentors: vec![mentor(11, &[(1, 3), (2, 3)], 1), mentor(12, &[(2, 3)], 1)],
            excluded: HashSet::new(),
        };
        let totals = |a: &Assignment| a.pairs.iter().map(|p| p.score.total).collect::<Vec<_>>();
        let quick = greedy(&problem);
        assert_eq!(ids(&quick), [(1, 11)]);
        assert_eq!(totals(&quick), [100]);
        let best = optimal(&problem);
        assert_eq!(ids(&best), [(1, 12), (2, 11)]);
        assert_eq!(totals(&best), [70, 100]);
        assert_eq!((quick.total, best.total), (100, 170));
    }

    #[test]
    fn capacity_exclusions_and_organizations_are_respected() {
        let mut problem = Problem {
            projects: (1..=5).map(|id| project(id, &[(1, 2)])).collect(),
            mentors: vec![mentor(11, &[(1, 3)], 2), mentor(12, &[(1, 1)], 3)],
            excluded: HashSet::from([(1, 11), (2, 12)]),
        };
        problem.mentors[1].active = 1; // 2 places left
        problem.projects[2].organization_id = problem.mentors[0].organization_ids[0];
        for assignment in [optimal(&problem), greedy(&problem)] {
            assert_valid(&problem, &assignment);
            assert_eq!(assignment.pairs.len(), 4);
            let with_11: Vec<i64> = assignment
                .pairs
                .iter()
                .filter(|p| p.mentor_id == 11)
                .map(|p| p.project_id)
                .collect();
            assert_eq!(with_11.len(), 2);
            assert!(!with_11.contains(&1) && !with_11.contains(&3));
        }
        let declined = problem.score(&problem.projects[0], &problem.mentors[0]);
        assert_eq!(declined.blockers, [Blocker::Declined]);
        assert!(!declined.eligible());
        assert_eq!(
            declined.reasons(crate::web::Lang::En).last().unwrap(),
            "already declined"
        );
    }

    #[test]
    fn more_places_than_projects() {
        let problem = Problem {
            projects: vec![project(1, &[(1, 1)]), project(2, &[(2, 1)])],
            mentors: vec![mentor(11, &[(1, 1), (2, 3)], 4), mentor(12, &[(1, 3)], 4)],
            excluded: HashSet::new(),
        };
        assert_eq!(ids(&optimal(&problem)), [(1, 12), (2, 11)]);
    }

    #[test]
    fn nothing_to_match() {
        assert_eq!(optimal(&Problem::default()), Assignment::default());
        assert_eq!(greedy(&Problem::default()), Assignment::default());
        let problem = Problem {
            projects: vec![project(1, &[(1, 1)])],
            mentors: vec![
                mentor(11, &[(2, 3)], 2),
                MentorFacts {
                    paused: true,
                    ..mentor(12, &[(1, 3)], 2)
                },
            ],
            excluded: HashSet::new(),
        };
        assert_eq!(optimal(&problem), Assignment::default());
        assert_eq!(greedy(&problem), Assignment::default());
    }

    #[test]
    fn a_repeated_id_counts_once() {
        let problem = Problem {
            projects: vec![
                project(1, &[(1, 1)]),
                project(1, &[(1, 1)]),
                project(2, &[(1, 1)]),
            ],
            mentors: vec![mentor(11, &[(1, 3)], 1), mentor(11, &[(1, 3)], 1)],
            excluded: HashSet::new(),
        };
        for assignment in [optimal(&problem), greedy(&problem)] {
            assert_eq!(ids(&assignment), [(1, 11)]);
        }
    }
}
