//! Matching rounds through the real app: on random small cases the round's total equals the
//! best assignment found by brute force over the pairs' scores (as the API explains them), no
//! mentor gets more projects than their places, excluded pairs (same organization, declined
//! before) never appear; the admin edits the draft and sends it as proposals.

use std::collections::HashMap;

use rand::{Rng, SeedableRng};
use serde_json::{Value, json};

use crate::common::accounts::{call, verified_user};
use crate::common::{TestApp, problem};
use crate::mentoring::{approved_org, ask, mail_with, mentor, profile, project, world};

const THEMES: [&str; 3] = ["hydrogene", "reseaux-de-chaleur", "financement"];

/// The eligible pairs' scores as the startup sees them: project → mentor → total.
async fn scores(app: &TestApp, owner: &Value, projects: &[i64]) -> HashMap<i64, HashMap<i64, i64>> {
    let mut out = HashMap::new();
    for p in projects {
        let list: Value = call(
            app,
            "GET",
            owner,
            &format!("/api/v1/projects/{p}/suggestions"),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
        let row: HashMap<i64, i64> = list
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["score"]["eligible"] == true && s["linked"] == false)
            .map(|s| {
                (
                    s["mentor"]["id"].as_i64().unwrap(),
                    s["score"]["total"].as_i64().unwrap(),
                )
            })
            .collect();
        out.insert(*p, row);
    }
    out
}

/// The best total over every assignment (each project: no mentor or one eligible mentor;
/// each mentor: at most its places).
fn brute_force(
    projects: &[i64],
    scores: &HashMap<i64, HashMap<i64, i64>>,
    places: &mut HashMap<i64, i64>,
) -> i64 {
    let Some((first, rest)) = projects.split_first() else {
        return 0;
    };
    let mut best = brute_force(rest, scores, places);
    for (mentor, score) in &scores[first] {
        if places[mentor] > 0 {
            *places.get_mut(mentor).unwrap() -= 1;
            best = best.max(score + brute_force(rest, scores, places));
            *places.get_mut(mentor).unwrap() += 1;
        }
    }
    best
}

fn pairs(round: &Value) -> Vec<(i64, i64, i64)> {
    round["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["project_id"].as_i64().unwrap(),
                p["mentor_id"].as_i64().unwrap(),
                p["score"]["total"].as_i64().unwrap(),
            )
        })
        .collect()
}

#[tokio::test]
async fn rounds_are_optimal_on_random_small_cases_checked_by_brute_force() {
    for seed in [7_u64, 2026, 80_000] {
        let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
        let app = TestApp::spawn_with(|s| s.signup_per_hour = 1000).await;
        let w = world(&app).await;
        let sam = verified_user(&app, "sam@lumen.fr", "Sam", "startup_founder").await;
        let second = approved_org(&app, &w.boss, &sam, "startup", "Lumen Amiens").await;

        let mut mentors = Vec::new();
        let mut places = HashMap::new();
        for n in 0..4 {
            let mut expertise: Vec<(&str, i32)> = Vec::new();
            for t in THEMES {
                if rng.random_bool(0.6) {
                    expertise.push((t, rng.random_range(1..=3)));
                }
            }
            let expertise = if expertise.is_empty() {
                vec![("financement", 1)]
            } else {
                expertise
            };
            let capacity = rng.random_range(0..=2);
            let languages: &[&str] = if rng.random_bool(0.7) {
                &["fr"]
            } else {
                &["en"]
            };
            let stages: &[&str] = if rng.random_bool(0.5) { &[] } else { &["idea"] };
            let (who, id) = mentor(
                &app,
                &format!("m{n}@engie.example"),
                &format!("Mentor {n}"),
                profile(&expertise, languages, stages, capacity),
            )
            .await;
            // The first mentor belongs to the second startup: never paired with its projects.
            if n == 0 {
                let user = call(&app, "GET", &who, "/api/v1/me", None)
                    .await
                    .json::<Value>()
                    .await
                    .unwrap()["id"]
                    .as_i64()
                    .unwrap();
                quai::orgs::model::add_member(
                    &mut app.connect(),
                    second,
                    user,
                    "member",
                    chrono::Utc::now().naive_utc(),
                )
                .unwrap();
            }
            mentors.push((who, id));
            places.insert(id, i64::from(capacity));
        }
        let mut projects = Vec::new();
        for n in 0..5 {
            let mut needs: Vec<(&str, i32)> = Vec::new();
            for t in THEMES {
                if rng.random_bool(0.6) {
                    needs.push((t, rng.random_range(1..=3)));
                }
            }
            let needs = if needs.is_empty() {
                vec![("hydrogene", 2)]
            } else {
                needs
            };
            let owner = if n % 2 == 0 { &w.lea } else { &sam };
            let stage = if rng.random_bool(0.5) {
                "idea"
            } else {
                "growth"
            };
            projects.push((
                project(&app, owner, &format!("Projet {seed}-{n}"), &needs, stage).await,
                n % 2,
            ));
        }
        // One pair declined before: excluded from rounds.
        let (p0, _) = projects[0];
        let decliner = mentors
            .iter()
            .find(|(_, id)| places[id] > 0)
            .map(|(t, id)| (t.clone(), *id));
        if let Some((decliner_t, decliner_id)) = &decliner {
            let res = ask(&app, &w.lea, p0, *decliner_id).await;
            if res.status() == 201 {
                let id = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
                let res = call(
                    &app,
                    "POST",
                    decliner_t,
                    &format!("/api/v1/mentorships/{id}/decline"),
                    Some(json!({"reason": "Pas disponible"})),
                )
                .await;
                assert_eq!(res.status(), 200);
            }
        }

        let mut all = HashMap::new();
        for (owner, ids) in [
            (
                &w.lea,
                projects
                    .iter()
                    .filter(|p| p.1 == 0)
                    .map(|p| p.0)
                    .collect::<Vec<_>>(),
            ),
            (
                &sam,
                projects.iter().filter(|p| p.1 == 1).map(|p| p.0).collect(),
            ),
        ] {
            all.extend(scores(&app, owner, &ids).await);
        }
        let ids: Vec<i64> = projects.iter().map(|p| p.0).collect();
        let best = brute_force(&ids, &all, &mut places.clone());

        let res = call(&app, "POST", &w.boss, "/api/v1/matching-rounds", None).await;
        assert_eq!(res.status(), 201);
        let round: Value = res.json().await.unwrap();
        assert_eq!(round["status"], "draft");
        assert_eq!(
            round["total_score"].as_i64().unwrap(),
            best,
            "seed {seed}: {round}"
        );
        assert!(round["greedy_score"].as_i64().unwrap() <= best, "{round}");
        let got = pairs(&round);
        assert_eq!(got.iter().map(|p| p.2).sum::<i64>(), best);
        let mut used: HashMap<i64, i64> = HashMap::new();
        for (p, m, score) in &got {
            *used.entry(*m).or_default() += 1;
            assert_eq!(
                all[p].get(m),
                Some(score),
                "seed {seed}: pair {p}-{m} must be eligible with that score"
            );
        }
        for (m, n) in used {
            assert!(n <= places[&m], "seed {seed}: mentor {m} over capacity");
        }
        if let Some((_, decliner_id)) = decliner {
            assert!(
                !got.iter().any(|(p, m, _)| *p == p0 && *m == decliner_id),
                "declined pair excluded"
            );
        }
        let insider = mentors[0].1;
        let second_projects: Vec<i64> = projects.iter().filter(|p| p.1 == 1).map(|p| p.0).collect();
        assert!(
            !got.iter()
                .any(|(p, m, _)| *m == insider && second_projects.contains(p)),
            "same organization excluded"
        );
    }
}

#[tokio::test]
async fn an_admin_edits_a_round_and_sends_it_as_proposals() {
    let app = TestApp::spawn_with(|s| s.signup_per_hour = 1000).await;
    let w = world(&app).await;
    // Greedy takes Claire for the hydrogen-and-financing project; the optimum gives her the
    // hydrogen-only project and Bob the financing one.
    let (claire_t, claire) = mentor(
        &app,
        "claire@engie.example",
        "Claire",
        profile(&[("hydrogene", 3), ("financement", 3)], &["fr"], &[], 1),
    )
    .await;
    let (_, bob) = mentor(
        &app,
        "bob@upjv.example",
        "Bob",
        profile(&[("financement", 3)], &["fr"], &[], 1),
    )
    .await;
    let both = project(
        &app,
        &w.lea,
        "Hydrogène et financement",
        &[("hydrogene", 1), ("financement", 3)],
        "idea",
    )
    .await;
    let hydrogen = project(&app, &w.lea, "Hydrogène seul", &[("hydrogene", 3)], "idea").await;

    problem(
        call(&app, "POST", &w.lea, "/api/v1/matching-rounds", None).await,
        403,
        "forbidden",
    )
    .await;
    let round: Value = call(&app, "POST", &w.boss, "/api/v1/matching-rounds", None)
        .await
        .json()
        .await
        .unwrap();
    let id = round["id"].as_i64().unwrap();
    let mut got = pairs(&round);
    got.sort();
    assert_eq!(
        got.iter().map(|p| (p.0, p.1)).collect::<Vec<_>>(),
        vec![(both, bob), (hydrogen, claire)],
        "{round}"
    );
    assert!(
        round["total_score"].as_i64() > round["greedy_score"].as_i64(),
        "{round}"
    );
    assert!(round["gain_percent"].as_f64().unwrap() > 0.0, "{round}");
    assert!(
        round["pairs"][0]["score"]["explanation"]
            .as_str()
            .unwrap()
            .contains("en commun"),
        "{round}"
    );

    // Edits: Claire has no place left for a second project; Bob cannot take the hydrogen one.
    problem(
        call(
            &app,
            "PUT",
            &w.boss,
            &format!("/api/v1/matching-rounds/{id}/pairs/{both}"),
            Some(json!({"mentor_id": claire})),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    problem(
        call(
            &app,
            "PUT",
            &w.boss,
            &format!("/api/v1/matching-rounds/{id}/pairs/{hydrogen}"),
            Some(json!({"mentor_id": bob})),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    let res = call(
        &app,
        "DELETE",
        &w.boss,
        &format!("/api/v1/matching-rounds/{id}/pairs/{both}"),
        None,
    )
    .await;
    assert_eq!(res.status(), 200);
    let edited: Value = res.json().await.unwrap();
    assert_eq!(pairs(&edited).len(), 1);
    assert_eq!(edited["unmatched_project_ids"], json!([both]));
    let res = call(
        &app,
        "PUT",
        &w.boss,
        &format!("/api/v1/matching-rounds/{id}/pairs/{both}"),
        Some(json!({"mentor_id": bob})),
    )
    .await;
    assert_eq!(res.status(), 200);
    let edited: Value = res.json().await.unwrap();
    assert_eq!(edited["total_score"], round["total_score"]);
    assert_eq!(
        edited["pairs"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["edited"] == true)
            .count(),
        1
    );

    let res = call(
        &app,
        "POST",
        &w.boss,
        &format!("/api/v1/matching-rounds/{id}/send"),
        None,
    )
    .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap()["status"], "sent");
    problem(
        call(
            &app,
            "POST",
            &w.boss,
            &format!("/api/v1/matching-rounds/{id}/send"),
            None,
        )
        .await,
        409,
        "conflict",
    )
    .await;
    problem(
        call(
            &app,
            "DELETE",
            &w.boss,
            &format!("/api/v1/matching-rounds/{id}/pairs/{both}"),
            None,
        )
        .await,
        409,
        "conflict",
    )
    .await;

    let (subject, _) = mail_with(
        &app,
        "claire@engie.example",
        "Amiens Cluster vous propose un mentorat",
    )
    .await;
    assert!(
        subject.starts_with("Amiens Cluster vous propose un mentorat"),
        "{subject}"
    );
    let (subject, _) = mail_with(&app, "lea@chaleur-picarde.fr", "Un mentor est proposé").await;
    assert!(subject.starts_with("Un mentor est proposé"), "{subject}");
    let mine: Value = call(
        &app,
        "GET",
        &claire_t,
        "/api/v1/mentorships?status=pending",
        None,
    )
    .await
    .json()
    .await
    .unwrap();
    let proposal = &mine["items"][0];
    assert_eq!(proposal["origin"], "proposal");
    let res = call(
        &app,
        "POST",
        &claire_t,
        &format!("/api/v1/mentorships/{}/accept", proposal["id"]),
        None,
    )
    .await;
    assert_eq!(res.status(), 200);

    // A new round leaves linked pairs out: nothing left for Claire (full), Bob's pair pending.
    let next: Value = call(&app, "POST", &w.boss, "/api/v1/matching-rounds", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(pairs(&next), vec![], "{next}");
    let list: Value = call(&app, "GET", &w.boss, "/api/v1/matching-rounds", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list.as_array().unwrap().len(), 2);
    problem(
        call(
            &app,
            "GET",
            &w.paul,
            &format!("/api/v1/matching-rounds/{id}"),
            None,
        )
        .await,
        403,
        "forbidden",
    )
    .await;
    problem(
        call(
            &app,
            "GET",
            &w.lea,
            "/api/v1/mentorships?status=bogus",
            None,
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    let _ = w.engie;
    let _ = w.startup;
}
