//! The error contract: problem+json under /api, friendly pages elsewhere.

use crate::common::{TestApp, assert_content_type, problem};

#[tokio::test]
async fn unknown_api_path_is_a_problem() {
    let app = TestApp::spawn().await;
    let body = problem(app.get("/api/v1/nothing-here").await, 404, "not_found").await;
    assert!(body.get("errors").is_none());
}

#[tokio::test]
async fn wrong_method_on_an_api_path_is_405() {
    let app = TestApp::spawn().await;
    let res = app
        .client
        .delete(app.url("/api/v1/themes"))
        .send()
        .await
        .unwrap();
    problem(res, 405, "method_not_allowed").await;
    let res = app
        .client
        .put(app.url("/api/v1/themes/1"))
        .send()
        .await
        .unwrap();
    problem(res, 405, "method_not_allowed").await;
}

#[tokio::test]
async fn unknown_page_is_a_friendly_page_in_the_visitors_language() {
    let app = TestApp::spawn().await;
    let res = app.get("/une/page/inconnue").await;
    assert_eq!(res.status(), 404);
    assert_content_type(res.headers(), "text/html");
    let html = res.text().await.unwrap();
    assert!(html.contains("<html lang=\"fr\">"), "{html}");
    assert!(html.contains("Page introuvable"), "{html}");
    assert!(html.contains("Retour à l’accueil"), "{html}");

    let res = app
        .get_with(
            "/une/page/inconnue",
            &[("accept-language", "en-GB,en;q=0.9")],
        )
        .await;
    assert_eq!(res.status(), 404);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("<html lang=\"en\">") && html.contains("Page not found"),
        "{html}"
    );
}

#[tokio::test]
async fn wrong_method_on_a_page_is_a_friendly_405() {
    let app = TestApp::spawn().await;
    let res = app.client.post(app.url("/")).send().await.unwrap();
    assert_eq!(res.status(), 405);
    assert_content_type(res.headers(), "text/html");
    let html = res.text().await.unwrap();
    assert!(html.contains("accepte pas cette action"), "{html}");
}

#[tokio::test]
async fn malformed_json_is_400_naming_the_problem() {
    let app = TestApp::spawn().await;
    let res = app
        .operator(app.client.post(app.url("/api/v1/themes")))
        .header("content-type", "application/json")
        .body("{\"slug\": \"x\",")
        .send()
        .await
        .unwrap();
    let body = problem(res, 400, "bad_request").await;
    assert!(
        body["detail"].as_str().unwrap().contains("malformed JSON"),
        "{body}"
    );
    assert!(
        body["detail"].as_str().unwrap().contains("line 1"),
        "{body}"
    );
}

#[tokio::test]
async fn json_of_the_wrong_shape_is_422() {
    let app = TestApp::spawn().await;
    let res = app
        .operator(app.client.post(app.url("/api/v1/themes")))
        .json(&serde_json::json!({"slug": 42, "label_fr": "x", "label_en": "y"}))
        .send()
        .await
        .unwrap();
    let body = problem(res, 422, "validation_failed").await;
    assert!(
        body["errors"]["body"][0]
            .as_str()
            .unwrap()
            .contains("invalid type"),
        "{body}"
    );
}

#[tokio::test]
async fn a_body_that_is_not_json_is_415() {
    let app = TestApp::spawn().await;
    let res = app
        .operator(app.client.post(app.url("/api/v1/themes")))
        .header("content-type", "text/plain")
        .body("slug=x")
        .send()
        .await
        .unwrap();
    problem(res, 415, "unsupported_media_type").await;
}

#[tokio::test]
async fn an_oversized_body_is_413() {
    let app = TestApp::spawn_with(|s| s.body_limit = 4096).await;
    let big = "é".repeat(5000);
    let res = app
        .operator(app.client.post(app.url("/api/v1/themes")))
        .json(&serde_json::json!({"slug": "grand", "label_fr": big, "label_en": "Big"}))
        .send()
        .await
        .unwrap();
    let body = problem(res, 413, "payload_too_large").await;
    assert!(body["detail"].as_str().unwrap().contains("4096"), "{body}");
}

#[tokio::test]
async fn a_bad_query_string_is_400_and_bad_values_are_422() {
    let app = TestApp::spawn().await;
    problem(app.get("/api/v1/themes?page=abc").await, 400, "bad_request").await;
    let body = problem(
        app.get("/api/v1/themes?page=1000000000000000000").await,
        422,
        "validation_failed",
    )
    .await;
    assert!(body["errors"]["page"].is_array(), "no overflow: {body}");
    let body = problem(
        app.get("/api/v1/themes?page=0&per_page=1000").await,
        422,
        "validation_failed",
    )
    .await;
    assert!(body["errors"]["page"].is_array(), "{body}");
    assert!(body["errors"]["per_page"].is_array(), "{body}");
}

#[tokio::test]
async fn a_non_numeric_id_is_404() {
    let app = TestApp::spawn().await;
    problem(app.get("/api/v1/themes/abc").await, 404, "not_found").await;
    problem(app.get("/api/v1/themes/999999").await, 404, "not_found").await;
}
