//! Favourites: following organizations and themes (idempotent, only what is public), the
//! "my favourites" page with the latest offerings from what one follows.

use serde_json::{Value, json};

use crate::common::accounts::{PASSWORD, admin, call, verified_user};
use crate::common::visitor::{Visitor, text};
use crate::common::{TestApp, problem};

/// An organization (approved unless `pending`) with one published offering about `theme`.
async fn org_with_offering(
    app: &TestApp,
    boss: &Value,
    owner: &Value,
    name: &str,
    theme: &str,
    pending: bool,
) -> i64 {
    let res = call(
        app,
        "POST",
        owner,
        "/api/v1/organizations",
        Some(json!({"kind": "startup", "name": name})),
    )
    .await;
    let id = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    if pending {
        return id;
    }
    let path = format!("/api/v1/admin/organizations/{id}/decision");
    call(
        app,
        "POST",
        boss,
        &path,
        Some(json!({"decision": "approve"})),
    )
    .await;
    let res = call(
        app,
        "POST",
        owner,
        "/api/v1/offerings",
        Some(json!({"organization_id": id, "kind": "produit", "title": format!("Offre de {name}"), "themes": [theme]})),
    )
    .await;
    let offering = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    call(
        app,
        "POST",
        owner,
        &format!("/api/v1/offerings/{offering}/submit"),
        None,
    )
    .await;
    let path = format!("/api/v1/admin/offerings/{offering}/decision");
    let res = call(
        app,
        "POST",
        boss,
        &path,
        Some(json!({"decision": "approve"})),
    )
    .await;
    assert_eq!(res.status(), 200);
    id
}

#[tokio::test]
async fn people_follow_organizations_and_themes_and_see_what_is_new() {
    let app = TestApp::spawn().await;
    let boss = admin(&app, "equipe@amiens-cluster.fr").await;
    let owner = verified_user(&app, "lea@startups.fr", "Léa", "startup_founder").await;
    let fan = verified_user(&app, "karim@amiens.fr", "Karim", "startup_founder").await;
    let hydro = org_with_offering(&app, &boss, &owner, "Hydrogène Picard", "energie", false).await;
    org_with_offering(&app, &boss, &owner, "Santé Somme", "sante", false).await;
    org_with_offering(&app, &boss, &owner, "Numérique Nord", "numerique", false).await;
    let pending = org_with_offering(&app, &boss, &owner, "Pas encore", "energie", true).await;

    let follow = format!("/api/v1/favorites/organizations/{hydro}");
    assert_eq!(call(&app, "PUT", &fan, &follow, None).await.status(), 204);
    assert_eq!(
        call(&app, "PUT", &fan, &follow, None).await.status(),
        204,
        "idempotent"
    );
    let res = call(
        &app,
        "PUT",
        &fan,
        &format!("/api/v1/favorites/organizations/{pending}"),
        None,
    )
    .await;
    problem(res, 404, "not_found").await;
    problem(
        call(
            &app,
            "PUT",
            &fan,
            "/api/v1/favorites/themes/pas-un-theme",
            None,
        )
        .await,
        404,
        "not_found",
    )
    .await;
    assert_eq!(
        call(&app, "PUT", &fan, "/api/v1/favorites/themes/sante", None)
            .await
            .status(),
        204
    );
    let res = app
        .client
        .get(app.url("/api/v1/favorites"))
        .send()
        .await
        .unwrap();
    problem(res, 401, "unauthorized").await;

    let favorites: Value = call(&app, "GET", &fan, "/api/v1/favorites", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(favorites["organizations"][0]["name"], "Hydrogène Picard");
    assert_eq!(favorites["organizations"].as_array().unwrap().len(), 1);
    assert_eq!(favorites["themes"], json!(["sante"]));

    let karim = Visitor::new(&app);
    assert_eq!(karim.sign_in("karim@amiens.fr", PASSWORD).await.status, 303);
    let page = text(&karim.page("/espace/favoris").await);
    assert!(
        page.contains("Offre de Hydrogène Picard"),
        "followed organization: {page}"
    );
    assert!(
        page.contains("Offre de Santé Somme"),
        "followed theme: {page}"
    );
    assert!(!page.contains("Offre de Numérique Nord"), "neither: {page}");

    // From the organization's page: the button unfollows, then follows again.
    let profile = "/startups/hydrogene-picard";
    let html = karim.page(profile).await;
    assert!(html.contains("aria-pressed=\"true\""), "followed");
    let action = format!("/espace/favoris/organisations/{hydro}");
    let back = karim
        .submit(profile, &action, &[("on", "0"), ("retour", profile)])
        .await;
    assert_eq!(back.location, profile);
    assert!(karim.page(profile).await.contains("aria-pressed=\"false\""));
    assert!(!text(&karim.page("/espace/favoris").await).contains("Offre de Hydrogène Picard"));
    // A foreign return address is not followed.
    let back = karim
        .submit(
            profile,
            &action,
            &[("on", "1"), ("retour", "https://ailleurs.example/")],
        )
        .await;
    assert_eq!(back.location, "/espace/favoris");
    // Themes toggle from the favourites page.
    let back = karim
        .submit(
            "/espace/favoris",
            "/espace/favoris/themes/sante",
            &[("on", "0"), ("retour", "/espace/favoris")],
        )
        .await;
    assert_eq!(back.status, 303);
    let favorites: Value = call(&app, "GET", &fan, "/api/v1/favorites", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(favorites["themes"], json!([]));
    assert_eq!(favorites["organizations"][0]["id"], hydro);
}

/// Two clicks at once (two tabs, a double tap): following stays idempotent on both backends.
#[tokio::test]
async fn following_at_once_from_several_tabs_is_still_idempotent() {
    let app = TestApp::spawn().await;
    let boss = admin(&app, "equipe@amiens-cluster.fr").await;
    let owner = verified_user(&app, "lea@startups.fr", "Léa", "startup_founder").await;
    let fan = verified_user(&app, "karim@amiens.fr", "Karim", "startup_founder").await;
    let org = org_with_offering(&app, &boss, &owner, "Hydrogène Picard", "energie", false).await;
    let follow = format!("/api/v1/favorites/organizations/{org}");
    let theme = "/api/v1/favorites/themes/energie";
    let answers = futures_util::future::join_all((0..40).map(|i| {
        call(
            &app,
            "PUT",
            &fan,
            if i % 4 == 0 { theme } else { &follow },
            None,
        )
    }))
    .await;
    let statuses: Vec<u16> = answers.iter().map(|r| r.status().as_u16()).collect();
    assert!(statuses.iter().all(|s| *s == 204), "{statuses:?}");
    let mine: Value = call(&app, "GET", &fan, "/api/v1/favorites", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine["organizations"].as_array().unwrap().len(), 1, "{mine}");
    assert_eq!(mine["themes"].as_array().unwrap().len(), 1, "{mine}");
}
