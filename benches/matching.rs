//! Benchmark: the mentoring round, `optimal` against `greedy`, at 2,000 projects × 500 mentors.
//!
//! `cargo bench --bench matching` (release build). For each size (2,000 × 500, then 200 × 50)
//! it generates a round with a seeded RNG, the same every run: 12 themes; projects with 1–4
//! needs of weight 1–3, mostly French-speaking (some English, some both), at one of the four
//! stages; mentors with 1–5 themes of expertise at level 1–3, mostly French-speaking, half of
//! them taking every stage, 1–4 places, some with mentees already, a few paused; 400
//! organizations shared by projects and mentors, so that some pairs are same-organization; about
//! 1 % of the pairs excluded (declined before). Then it prints:
//! 1. the time to score every pair (`scoring::score`), and how many are eligible;
//! 2. the time of `matching::optimal` and of `matching::greedy`, their totals, pairs and mean
//!    score, and what `optimal` gains over `greedy`;
//! 3. the peak resident memory of the process (`VmHWM` in `/proc/self/status`).
//!
//! Knobs: `QUAI_BENCH_SIZES` (`2000x500,200x50`), `QUAI_BENCH_SEED` (2026). Timings are printed,
//! never asserted; the run stops with `FAILED:` if an assignment breaks a rule of the round.

use std::collections::{HashMap, HashSet};
use std::time::Instant;

use quai::mentoring::matching::{self, Assignment, Problem};
use quai::mentoring::scoring::{self, MentorFacts, ProjectFacts, STAGES, ThemeRef};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const THEMES: [(&str, &str); 12] = [
    ("énergie", "energy"),
    ("hydrogène", "hydrogen"),
    ("réseaux de chaleur", "heat networks"),
    ("financement", "financing"),
    ("santé", "health"),
    ("numérique", "digital"),
    ("IA", "AI"),
    ("mobilité", "mobility"),
    ("bâtiment", "construction"),
    ("agroalimentaire", "food industry"),
    ("économie circulaire", "circular economy"),
    ("cybersécurité", "cybersecurity"),
];
const ORGANIZATIONS: i64 = 400;

/// A `QUAI_BENCH_*` setting, or its default when unset or unreadable.
fn knob<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

fn themes() -> Vec<ThemeRef> {
    (1..)
        .zip(THEMES)
        .map(|(id, (fr, en))| ThemeRef {
            id,
            label_fr: fr.to_owned(),
            label_en: en.to_owned(),
        })
        .collect()
}

/// `count` distinct themes, each with a strength 1..=3.
fn some_themes(rng: &mut StdRng, themes: &[ThemeRef], count: usize) -> Vec<(ThemeRef, i32)> {
    rand::seq::index::sample(rng, themes.len(), count)
        .into_iter()
        .map(|i| (themes[i].clone(), rng.random_range(1..=3)))
        .collect()
}

fn languages(rng: &mut StdRng, english_only: f64, both: f64) -> Vec<String> {
    let draw: f64 = rng.random();
    let codes: &[&str] = if draw < english_only {
        &["en"]
    } else if draw < english_only + both {
        &["fr", "en"]
    } else {
        &["fr"]
    };
    codes.iter().map(|code| (*code).to_owned()).collect()
}

fn generate(projects: usize, mentors: usize, seed: u64) -> Problem {
    let mut rng = StdRng::seed_from_u64(seed);
    let themes = themes();
    let projects: Vec<ProjectFacts> = (1..=projects as i64)
        .map(|id| {
            let needs = rng.random_range(1..=4);
            ProjectFacts {
                id,
                organization_id: rng.random_range(1..=ORGANIZATIONS),
                needs: some_themes(&mut rng, &themes, needs),
                languages: languages(&mut rng, 0.08, 0.12),
                stage: STAGES[rng.random_range(0..STAGES.len())].to_owned(),
            }
        })
        .collect();
    let mentors: Vec<MentorFacts> = (1..=mentors as i64)
        .map(|id| {
            let expertise = rng.random_range(1..=5);
            let mut organization_ids = vec![rng.random_range(1..=ORGANIZATIONS)];
            if rng.random_bool(0.1) {
                organization_ids.push(rng.random_range(1..=ORGANIZATIONS));
            }
            let stages = if rng.random_bool(0.5) {
                Vec::new()
            } else {
                let count = rng.random_range(1..=3);
                rand::seq::index::sample(&mut rng, STAGES.len(), count)
                    .into_iter()
                    .map(|i| STAGES[i].to_owned())
                    .collect()
            };
            let capacity = rng.random_range(1..=4);
            let active = if rng.random_bool(0.3) {
                rng.random_range(1..=capacity)
            } else {
                0
            };
            MentorFacts {
                id,
                organization_ids,
                expertise: some_themes(&mut rng, &themes, expertise),
                languages: languages(&mut rng, 0.05, 0.25),
                stages,
                capacity,
                active,
                paused: rng.random_bool(0.03),
            }
        })
        .collect();
    let pairs = projects.len() * mentors.len();
    let excluded = rand::seq::index::sample(&mut rng, pairs, pairs / 100)
        .into_iter()
        .map(|i| {
            (
                projects[i / mentors.len()].id,
                mentors[i % mentors.len()].id,
            )
        })
        .collect();
    Problem {
        projects,
        mentors,
        excluded,
    }
}

/// `VmHWM` of this process, in MiB.
fn peak_memory() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|line| line.starts_with("VmHWM:"))
        .and_then(|line| line.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn fail(what: &str) -> ! {
    println!("FAILED: {what}");
    std::process::exit(1);
}

/// Stops the run if `assignment` breaks a rule of the round.
fn check(name: &str, problem: &Problem, assignment: &Assignment) {
    let places: HashMap<i64, i32> = problem
        .mentors
        .iter()
        .map(|mentor| (mentor.id, (mentor.capacity - mentor.active).max(0)))
        .collect();
    let mut projects = HashSet::new();
    let mut taken: HashMap<i64, i32> = HashMap::new();
    for pair in &assignment.pairs {
        if !projects.insert(pair.project_id) {
            fail(&format!("{name}: project {} twice", pair.project_id));
        }
        let taken = taken.entry(pair.mentor_id).or_default();
        *taken += 1;
        if *taken > places[&pair.mentor_id] {
            fail(&format!("{name}: mentor {} over capacity", pair.mentor_id));
        }
        if !pair.score.eligible()
            || problem
                .excluded
                .contains(&(pair.project_id, pair.mentor_id))
        {
            fail(&format!(
                "{name}: pair {:?} not allowed",
                (pair.project_id, pair.mentor_id)
            ));
        }
    }
    let total: i64 = assignment
        .pairs
        .iter()
        .map(|pair| i64::from(pair.score.total))
        .sum();
    if total != assignment.total {
        fail(&format!(
            "{name}: total {} but pairs sum to {total}",
            assignment.total
        ));
    }
}

fn run(projects: usize, mentors: usize, seed: u64) {
    println!("\n=== {projects} projects × {mentors} mentors (seed {seed}) ===");
    let problem = generate(projects, mentors, seed);
    let places: i32 = problem
        .mentors
        .iter()
        .filter(|mentor| !mentor.paused)
        .map(|mentor| (mentor.capacity - mentor.active).max(0))
        .sum();
    println!(
        "{} excluded pairs, {places} places left among mentors not paused",
        problem.excluded.len()
    );

    let started = Instant::now();
    let mut eligible = 0_usize;
    let mut same_organization = 0_usize;
    for project in &problem.projects {
        for mentor in &problem.mentors {
            let score = problem.score(project, mentor);
            eligible += usize::from(score.eligible());
            same_organization +=
                usize::from(score.blockers.contains(&scoring::Blocker::SameOrganization));
        }
    }
    let scoring = started.elapsed();
    let pairs = problem.projects.len() * problem.mentors.len();
    println!(
        "score all pairs: {pairs} in {:.3} s ({:.2} µs/pair); eligible {eligible} ({:.1} %), \
         same-organization {same_organization}",
        scoring.as_secs_f64(),
        scoring.as_secs_f64() * 1e6 / pairs as f64,
        100.0 * eligible as f64 / pairs as f64,
    );

    let started = Instant::now();
    let best = matching::optimal(&problem);
    let optimal_time = started.elapsed();
    let started = Instant::now();
    let quick = matching::greedy(&problem);
    let greedy_time = started.elapsed();
    check("optimal", &problem, &best);
    check("greedy", &problem, &quick);
    if quick.total > best.total {
        fail("greedy beat optimal");
    }
    for (name, assignment, time) in [
        ("optimal", &best, optimal_time),
        ("greedy", &quick, greedy_time),
    ] {
        println!(
            "{name:<8} {:>8.3} s  total {:>7}  pairs {:>5}  mean score {:.1}",
            time.as_secs_f64(),
            assignment.total,
            assignment.pairs.len(),
            assignment.total as f64 / assignment.pairs.len().max(1) as f64,
        );
    }
    println!(
        "optimal vs greedy: +{:.2} % total, {:+} pairs",
        100.0 * (best.total - quick.total) as f64 / quick.total.max(1) as f64,
        best.pairs.len() as i64 - quick.pairs.len() as i64,
    );
    println!("peak RSS so far: {:.0} MiB", peak_memory());
}

fn main() {
    let seed: u64 = knob("QUAI_BENCH_SEED", 2026);
    let sizes: String = knob("QUAI_BENCH_SIZES", "2000x500,200x50".to_owned());
    for size in sizes.split(',') {
        let Some((projects, mentors)) = size
            .split_once('x')
            .and_then(|(p, m)| Some((p.trim().parse().ok()?, m.trim().parse().ok()?)))
        else {
            fail(&format!(
                "QUAI_BENCH_SIZES: {size:?} is not PROJECTSxMENTORS"
            ));
        };
        run(projects, mentors, seed);
    }
}
