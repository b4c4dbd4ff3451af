//! The authorization matrix of the marketplace: every write and every private read, for each
//! kind of person (owner, member, someone of another organization, admin, visitor), with the
//! answer each must get — and nothing changed by those refused.

use serde_json::{Value, json};

use crate::common::TestApp;
use crate::common::accounts::{admin, bearer, email_to, token_in, verified_user};

const WHO: [&str; 5] = ["owner", "member", "stranger", "admin", "visitor"];

#[tokio::test]
async fn each_role_gets_its_answer_for_own_and_foreign_organizations() {
    let app = TestApp::spawn().await;
    let boss = admin(&app, "equipe@amiens-cluster.fr").await;
    let owner = verified_user(&app, "lea@chaleur-picarde.fr", "Léa", "startup_founder").await;
    let stranger = verified_user(&app, "autre@ailleurs.fr", "Autre", "startup_founder").await;
    let send = |who: Option<&Value>, method: &str, path: &str, body: Option<Value>| {
        let mut req = app.client.request(method.parse().unwrap(), app.url(path));
        if let Some(w) = who {
            req = req.header("authorization", bearer(w));
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        req.send()
    };
    let org = send(
        Some(&owner),
        "POST",
        "/api/v1/organizations",
        Some(json!({"kind": "startup", "name": "Chaleur Picarde"})),
    )
    .await
    .unwrap()
    .json::<Value>()
    .await
    .unwrap()["id"]
        .as_i64()
        .unwrap();
    send(
        Some(&boss),
        "POST",
        &format!("/api/v1/admin/organizations/{org}/decision"),
        Some(json!({"decision": "approve"})),
    )
    .await
    .unwrap();
    // Karim joins as a plain member.
    send(
        Some(&owner),
        "POST",
        &format!("/api/v1/organizations/{org}/invitations"),
        Some(json!({"email": "karim@chaleur-picarde.fr"})),
    )
    .await
    .unwrap();
    let token = token_in(&email_to(&app, "karim@chaleur-picarde.fr", 1).await.1);
    let member = verified_user(&app, "karim@chaleur-picarde.fr", "Karim", "startup_founder").await;
    let res = send(
        Some(&member),
        "POST",
        "/api/v1/invitations/accept",
        Some(json!({"token": token})),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), 200);
    let draft = send(
        Some(&owner),
        "POST",
        "/api/v1/offerings",
        Some(json!({"organization_id": org, "kind": "service", "title": "Audit"})),
    )
    .await
    .unwrap()
    .json::<Value>()
    .await
    .unwrap()["id"]
        .as_i64()
        .unwrap();

    let edit_org = json!({"name": "Chaleur Picarde", "pitch": "changé"});
    let edit_offer = json!({"kind": "service", "title": "Audit"});
    // (method, path, body, [owner, member, stranger, admin, visitor])
    let matrix: Vec<(&str, String, Option<Value>, [u16; 5])> = vec![
        (
            "PATCH",
            format!("/api/v1/organizations/{org}"),
            Some(edit_org),
            [200, 403, 403, 200, 401],
        ),
        (
            "GET",
            format!("/api/v1/organizations/{org}/members"),
            None,
            [200, 200, 403, 200, 401],
        ),
        (
            "GET",
            format!("/api/v1/organizations/{org}/invitations"),
            None,
            [200, 403, 403, 200, 401],
        ),
        (
            "POST",
            format!("/api/v1/organizations/{org}/invitations"),
            Some(json!({"email": "x@amiens.fr"})),
            [201, 403, 403, 201, 401],
        ),
        (
            "GET",
            format!("/api/v1/offerings/{draft}"),
            None,
            [200, 200, 404, 200, 404],
        ),
        (
            "PATCH",
            format!("/api/v1/offerings/{draft}"),
            Some(edit_offer),
            [200, 200, 403, 200, 401],
        ),
        (
            "GET",
            format!("/api/v1/offerings/{draft}/history"),
            None,
            [200, 200, 403, 200, 401],
        ),
        (
            "POST",
            format!("/api/v1/admin/offerings/{draft}/decision"),
            Some(json!({"decision": "approve"})),
            [403, 403, 403, 409, 401],
        ),
        (
            "PATCH",
            format!("/api/v1/admin/organizations/{org}"),
            Some(json!({"verified": false})),
            [403, 403, 403, 200, 401],
        ),
        (
            "GET",
            "/api/v1/admin/moderation/offerings".to_owned(),
            None,
            [403, 403, 403, 200, 401],
        ),
        (
            "POST",
            "/api/v1/offerings".to_owned(),
            Some(json!({"organization_id": org, "kind": "service", "title": "Encore"})),
            [201, 201, 403, 201, 401],
        ),
    ];
    let people = [
        Some(&owner),
        Some(&member),
        Some(&stranger),
        Some(&boss),
        None,
    ];
    let mut wrong = Vec::new();
    for (method, path, body, expected) in &matrix {
        for (i, who) in people.iter().enumerate() {
            let status = send(*who, method, path, body.clone())
                .await
                .unwrap()
                .status()
                .as_u16();
            if status != expected[i] {
                wrong.push(format!(
                    "{method} {path} as {}: {status}, expected {}",
                    WHO[i], expected[i]
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));

    // Those refused changed nothing.
    let offer: Value = send(
        Some(&owner),
        "GET",
        &format!("/api/v1/offerings/{draft}"),
        None,
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(
        (offer["title"].as_str(), offer["status"].as_str()),
        (Some("Audit"), Some("draft"))
    );
    let profile: Value = app
        .get(&format!("/api/v1/organizations/{org}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        profile["pitch"], "changé",
        "only the owner's and the admin's edits"
    );
}
