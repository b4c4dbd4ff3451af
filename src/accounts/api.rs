//! `/api/v1/auth/…` and `/api/v1/me…`.

use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use serde::{Deserialize, Serialize};

use super::service::{self, Ctx, LoginInput, ProfileInput, SignupInput};
use crate::app::AppState;
use crate::auth::session::{self, Issued};
use crate::auth::{AuthState, CurrentUser, Role};
use crate::error::{AppError, Problem};

pub fn ctx<'a>(req: &HttpRequest, state: &'a AppState, auth: &'a AuthState) -> Ctx<'a> {
    Ctx {
        db: &state.db,
        auth,
        settings: &state.settings,
        ip: session::client_ip(req),
        user_agent: req
            .headers()
            .get(actix_web::http::header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned(),
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Accepted {
    pub status: &'static str,
}

/// Create an account; a verification email follows. The answer is the same whether the address
/// was free or not.
#[utoipa::path(tag = "auth", request_body = SignupInput, responses(
    (status = 202, description = "Check your inbox", body = Accepted),
    (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    (status = 429, description = "Too many sign-ups from this address", body = Problem, content_type = "application/problem+json"),
))]
#[post("/auth/signup")]
pub async fn signup(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: web::Data<AuthState>,
    body: web::Json<SignupInput>,
) -> Result<HttpResponse, AppError> {
    service::signup(&ctx(&req, &state, &auth), body.into_inner()).await?;
    Ok(HttpResponse::Accepted().json(Accepted {
        status: "verification_email_sent",
    }))
}

/// Sign in with email and password: an access token (15 min) and a refresh token.
#[utoipa::path(tag = "auth", request_body = LoginInput, responses(
    (status = 200, description = "Signed in", body = Issued),
    (status = 401, description = "Wrong email or password", body = Problem, content_type = "application/problem+json"),
    (status = 429, description = "Too many attempts", body = Problem, content_type = "application/problem+json"),
))]
#[post("/auth/login")]
pub async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: web::Data<AuthState>,
    body: web::Json<LoginInput>,
) -> Result<web::Json<Issued>, AppError> {
    Ok(web::Json(
        service::login(&ctx(&req, &state, &auth), body.into_inner()).await?,
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct RefreshInput {
    pub refresh_token: String,
}

/// Trade a refresh token for new tokens; each refresh token works once.
#[utoipa::path(tag = "auth", request_body = RefreshInput, responses(
    (status = 200, description = "New tokens", body = Issued),
    (status = 401, description = "Invalid, expired or reused token", body = Problem, content_type = "application/problem+json"),
))]
#[post("/auth/refresh")]
pub async fn refresh(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: web::Data<AuthState>,
    body: web::Json<RefreshInput>,
) -> Result<web::Json<Issued>, AppError> {
    Ok(web::Json(
        service::refresh(&ctx(&req, &state, &auth), body.into_inner().refresh_token).await?,
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct LogoutInput {
    pub refresh_token: Option<String>,
}

/// End the session of the access token, or of the given refresh token.
#[utoipa::path(tag = "auth", responses((status = 204, description = "Signed out")))]
#[post("/auth/logout")]
pub async fn logout(
    req: HttpRequest,
    state: web::Data<AppState>,
    me: Option<CurrentUser>,
    body: Option<web::Json<LogoutInput>>,
) -> Result<HttpResponse, AppError> {
    let ip = session::client_ip(&req);
    match (me, body.and_then(|b| b.into_inner().refresh_token)) {
        (Some(me), _) => service::logout(&state.db, me.user_id, me.session_id, ip).await?,
        (None, Some(token)) => service::logout_with_refresh(&state.db, token, ip).await?,
        (None, None) => {
            return Err(AppError::Unauthorized(
                "Send an access token or a refresh_token.".into(),
            ));
        }
    }
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct TokenInput {
    pub token: String,
}

/// Use the link of a verification email.
#[utoipa::path(tag = "auth", request_body = TokenInput, responses(
    (status = 204, description = "Verified"),
    (status = 422, description = "Invalid, used or expired link", body = Problem, content_type = "application/problem+json"),
))]
#[post("/auth/verify-email")]
pub async fn verify_email(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Json<TokenInput>,
) -> Result<HttpResponse, AppError> {
    service::verify_email(&state.db, body.into_inner().token, session::client_ip(&req)).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct EmailInput {
    pub email: String,
}

/// Ask for a password-reset link. The answer never says whether the address has an account.
#[utoipa::path(tag = "auth", request_body = EmailInput, responses(
    (status = 202, description = "If the address has an account, a link is on its way", body = Accepted),
    (status = 422, description = "Not an email address", body = Problem, content_type = "application/problem+json"),
))]
#[post("/auth/password-reset")]
pub async fn password_reset(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: web::Data<AuthState>,
    body: web::Json<EmailInput>,
) -> Result<HttpResponse, AppError> {
    service::request_password_reset(&ctx(&req, &state, &auth), &body.email).await?;
    Ok(HttpResponse::Accepted().json(Accepted {
        status: "reset_email_sent_if_account_exists",
    }))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct ResetInput {
    pub token: String,
    pub password: String,
}

/// Set a new password with a reset link; every session ends.
#[utoipa::path(tag = "auth", request_body = ResetInput, responses(
    (status = 204, description = "Password changed"),
    (status = 422, description = "Invalid link or password", body = Problem, content_type = "application/problem+json"),
))]
#[post("/auth/password-reset/confirm")]
pub async fn password_reset_confirm(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: web::Data<AuthState>,
    body: web::Json<ResetInput>,
) -> Result<HttpResponse, AppError> {
    let input = body.into_inner();
    service::confirm_password_reset(&ctx(&req, &state, &auth), input.token, input.password).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Me {
    pub id: i64,
    pub email: String,
    pub email_verified: bool,
    pub display_name: String,
    pub lang: String,
    pub roles: Vec<Role>,
}

/// Who I am.
#[utoipa::path(tag = "me", security(("bearer" = [])), responses(
    (status = 200, description = "The signed-in account", body = Me),
    (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
))]
#[get("/me")]
pub async fn show_me(me: CurrentUser) -> web::Json<Me> {
    web::Json(Me {
        id: me.user_id,
        email: me.email.clone(),
        email_verified: me.verified,
        display_name: me.display_name.clone(),
        lang: me.lang.clone(),
        roles: me.roles.clone(),
    })
}

/// Change my name or language.
#[utoipa::path(tag = "me", request_body = ProfileInput, security(("bearer" = [])), responses((status = 204, description = "Saved")))]
#[patch("/me")]
pub async fn update_me(
    req: HttpRequest,
    me: CurrentUser,
    state: web::Data<AppState>,
    auth: web::Data<AuthState>,
    body: web::Json<ProfileInput>,
) -> Result<HttpResponse, AppError> {
    service::update_profile(&ctx(&req, &state, &auth), &me, body.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct PasswordInput {
    pub current_password: String,
}

/// Delete my account: personal data erased; what belongs to organizations stays with them.
#[utoipa::path(tag = "me", request_body = PasswordInput, security(("bearer" = [])), responses(
    (status = 204, description = "Deleted"),
    (status = 422, description = "Wrong password", body = Problem, content_type = "application/problem+json"),
))]
#[delete("/me")]
pub async fn delete_me(
    req: HttpRequest,
    me: CurrentUser,
    state: web::Data<AppState>,
    auth: web::Data<AuthState>,
    body: web::Json<PasswordInput>,
) -> Result<HttpResponse, AppError> {
    service::delete_account(
        &ctx(&req, &state, &auth),
        &me,
        body.into_inner().current_password,
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct ChangePasswordInput {
    pub current_password: String,
    pub new_password: String,
}

/// Change my password; my other sessions end.
#[utoipa::path(tag = "me", request_body = ChangePasswordInput, security(("bearer" = [])), responses(
    (status = 204, description = "Changed"),
    (status = 422, description = "Wrong current password or weak new one", body = Problem, content_type = "application/problem+json"),
))]
#[post("/me/password")]
pub async fn change_password(
    req: HttpRequest,
    me: CurrentUser,
    state: web::Data<AppState>,
    auth: web::Data<AuthState>,
    body: web::Json<ChangePasswordInput>,
) -> Result<HttpResponse, AppError> {
    let input = body.into_inner();
    service::change_password(
        &ctx(&req, &state, &auth),
        &me,
        input.current_password,
        input.new_password,
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct ChangeEmailInput {
    pub current_password: String,
    pub new_email: String,
}

/// Change my email address: a link goes to the new address; the change happens when it is used.
#[utoipa::path(tag = "me", request_body = ChangeEmailInput, security(("bearer" = [])), responses((status = 202, description = "Link sent", body = Accepted)))]
#[post("/me/email")]
pub async fn change_email(
    req: HttpRequest,
    me: CurrentUser,
    state: web::Data<AppState>,
    auth: web::Data<AuthState>,
    body: web::Json<ChangeEmailInput>,
) -> Result<HttpResponse, AppError> {
    let input = body.into_inner();
    service::change_email(
        &ctx(&req, &state, &auth),
        &me,
        input.current_password,
        &input.new_email,
    )
    .await?;
    Ok(HttpResponse::Accepted().json(Accepted {
        status: "verification_email_sent",
    }))
}

/// Send my verification email again.
#[utoipa::path(tag = "me", security(("bearer" = [])), responses((status = 202, description = "Sent", body = Accepted)))]
#[post("/me/verification-email")]
pub async fn resend_verification(
    req: HttpRequest,
    me: CurrentUser,
    state: web::Data<AppState>,
    auth: web::Data<AuthState>,
) -> Result<HttpResponse, AppError> {
    service::resend_verification(&ctx(&req, &state, &auth), &me).await?;
    Ok(HttpResponse::Accepted().json(Accepted {
        status: "verification_email_sent",
    }))
}

/// Everything Quai keeps about me, as JSON.
#[utoipa::path(tag = "me", security(("bearer" = [])), responses((status = 200, description = "My data")))]
#[get("/me/export")]
pub async fn export(me: CurrentUser, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let data = service::export(&state.db, me.user_id).await?;
    Ok(HttpResponse::Ok()
        .insert_header((
            "Content-Disposition",
            "attachment; filename=\"quai-mes-donnees.json\"",
        ))
        .json(data))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct SessionResource {
    pub id: i64,
    pub device: String,
    pub ip: String,
    pub created_at: chrono::NaiveDateTime,
    pub last_used_at: chrono::NaiveDateTime,
    pub current: bool,
}

/// My active sessions.
#[utoipa::path(tag = "me", security(("bearer" = [])), responses((status = 200, description = "Sessions", body = [SessionResource])))]
#[get("/me/sessions")]
pub async fn sessions(
    me: CurrentUser,
    state: web::Data<AppState>,
) -> Result<web::Json<Vec<SessionResource>>, AppError> {
    let list = service::sessions(&state.db, me.user_id).await?;
    Ok(web::Json(
        list.into_iter()
            .map(|s| SessionResource {
                current: s.id == me.session_id,
                id: s.id,
                device: s.user_agent,
                ip: s.ip,
                created_at: s.created_at,
                last_used_at: s.last_used_at,
            })
            .collect(),
    ))
}

/// End one of my sessions.
#[utoipa::path(tag = "me", security(("bearer" = [])), params(("id" = i64, Path)), responses(
    (status = 204, description = "Ended"),
    (status = 404, description = "No such session of mine", body = Problem, content_type = "application/problem+json"),
))]
#[delete("/me/sessions/{id}")]
pub async fn revoke_session(
    req: HttpRequest,
    me: CurrentUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    service::revoke_session(&state.db, &me, id.into_inner(), session::client_ip(&req)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// End all my sessions but this one.
#[utoipa::path(tag = "me", security(("bearer" = [])), responses((status = 204, description = "Ended")))]
#[delete("/me/sessions")]
pub async fn revoke_other_sessions(
    req: HttpRequest,
    me: CurrentUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    service::revoke_other_sessions(&state.db, &me, session::client_ip(&req)).await?;
    Ok(HttpResponse::NoContent().finish())
}
