//! `/api/v1/themes`: the first real resource, end to end.

use serde_json::{Value, json};

use crate::common::{TestApp, problem};

#[tokio::test]
async fn themes_are_seeded_in_both_languages_and_paginated() {
    let app = TestApp::spawn().await;
    let res = app.get("/api/v1/themes").await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["total"], 9, "{body}");
    assert_eq!(body["page"], 1);
    assert_eq!(body["per_page"], 20);
    let first = &body["items"][0];
    assert_eq!(first["slug"], "energie");
    assert_eq!(first["labels"]["fr"], "Énergie");
    assert_eq!(first["labels"]["en"], "Energy");

    let body: Value = app
        .get("/api/v1/themes?page=2&per_page=4")
        .await
        .json()
        .await
        .unwrap();
    let slugs: Vec<&str> = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["slug"].as_str().unwrap())
        .collect();
    assert_eq!(
        slugs,
        ["mobilite", "industrie", "agroalimentaire", "ville-durable"]
    );
    assert_eq!(body["total"], 9);

    let body: Value = app.get("/api/v1/themes?page=9").await.json().await.unwrap();
    assert_eq!(body["items"].as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn creating_a_theme_needs_the_operator_token() {
    let app = TestApp::spawn().await;
    let theme = json!({"slug": "tourisme", "label_fr": "Tourisme", "label_en": "Tourism"});
    let res = app
        .client
        .post(app.url("/api/v1/themes"))
        .json(&theme)
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["www-authenticate"], "Bearer");
    problem(res, 401, "unauthorized").await;
    let res = app
        .client
        .post(app.url("/api/v1/themes"))
        .bearer_auth("wrong-token")
        .json(&theme)
        .send()
        .await
        .unwrap();
    problem(res, 401, "unauthorized").await;
    let body: Value = app.get("/api/v1/themes").await.json().await.unwrap();
    assert_eq!(body["total"], 9, "nothing was written");
}

#[tokio::test]
async fn the_admin_api_is_closed_without_a_configured_token() {
    let app = TestApp::spawn_with(|s| s.admin_token = None).await;
    let res = app
        .client
        .post(app.url("/api/v1/themes"))
        .bearer_auth("anything")
        .json(&json!({"slug": "tourisme", "label_fr": "Tourisme", "label_en": "Tourism"}))
        .send()
        .await
        .unwrap();
    // Without a configured operator token, a bearer is just an invalid access token.
    problem(res, 401, "unauthorized").await;
}

#[tokio::test]
async fn a_created_theme_can_be_read_back_and_its_slug_is_unique() {
    let app = TestApp::spawn().await;
    let theme = json!({
        "slug": "tourisme",
        "label_fr": "  Tourisme  ",
        "label_en": "Tourism",
        "description_fr": "Patrimoine, hortillonnages, cathédrale.",
        "position": 12
    });
    let res = app
        .operator(app.client.post(app.url("/api/v1/themes")))
        .json(&theme)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let created: Value = res.json().await.unwrap();
    assert_eq!(created["labels"]["fr"], "Tourisme", "trimmed");
    assert_eq!(location, format!("/api/v1/themes/{}", created["id"]));

    let fetched: Value = app.get(&location).await.json().await.unwrap();
    assert_eq!(fetched, created);

    let res = app
        .operator(app.client.post(app.url("/api/v1/themes")))
        .json(&theme)
        .send()
        .await
        .unwrap();
    let body = problem(res, 409, "conflict").await;
    assert!(body["detail"].as_str().unwrap().contains("tourisme"));
    let list: Value = app.get("/api/v1/themes").await.json().await.unwrap();
    assert_eq!(list["total"], 10);
}

#[tokio::test]
async fn invalid_fields_are_named_and_nothing_is_written() {
    let app = TestApp::spawn().await;
    let res = app
        .operator(app.client.post(app.url("/api/v1/themes")))
        .json(&json!({"slug": "Pas Un Slug", "label_fr": "", "label_en": "x".repeat(81), "position": -1}))
        .send()
        .await
        .unwrap();
    let body = problem(res, 422, "validation_failed").await;
    for field in ["slug", "label_fr", "label_en", "position"] {
        assert!(body["errors"][field][0].is_string(), "{field}: {body}");
    }
    let res = app
        .operator(app.client.post(app.url("/api/v1/themes")))
        .json(&json!({"slug": "ok", "label_fr": "Ok", "label_en": "Ok", "colour": "red"}))
        .send()
        .await
        .unwrap();
    let body = problem(res, 422, "validation_failed").await;
    assert!(
        body["errors"]["body"][0]
            .as_str()
            .unwrap()
            .contains("colour"),
        "{body}"
    );
    let res = app
        .operator(app.client.post(app.url("/api/v1/themes")))
        .json(&json!({"slug": "nul", "label_fr": "Nul\u{0}", "label_en": "Null"}))
        .send()
        .await
        .unwrap();
    let body = problem(res, 422, "validation_failed").await;
    assert!(body["errors"]["label_fr"].is_array(), "{body}");
    let list: Value = app.get("/api/v1/themes").await.json().await.unwrap();
    assert_eq!(list["total"], 9);
}
