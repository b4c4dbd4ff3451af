//! `Application::build(settings)`: everything wired, bound to a port (0 in tests).

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_web::dev::Server;
use actix_web::http::header;
use actix_web::middleware::{Compress, DefaultHeaders, from_fn};
use actix_web::{App, HttpResponse, HttpServer, web};
use serde_json::json;
use utoipa::OpenApi;
use utoipa_actix_web::AppExt;

use crate::accounts::api as accounts;
use crate::auth::{AuthState, csrf, session};
use crate::config::{self, Settings};
use crate::db::{self, Pool, Target};
use crate::home::pages as home;
use crate::jobs::JobContext;
use crate::jobs::Registry;
use crate::jobs::worker::{Worker, WorkerConfig, WorkerHandle};
use crate::mail::{MailError, Mailer, SendEmail};
use crate::search::Search;
use crate::telemetry::{self, Metrics, StateLabels};
use crate::web::{assets, errors};

/// What every handler can reach.
pub struct AppState {
    pub settings: Settings,
    pub db: Pool,
    pub db_target: Target,
    pub mailer: Arc<Mailer>,
    pub search: Search,
}

/// Where the findable documents come from, one source per kind.
pub fn sources() -> Vec<Box<dyn crate::search::Source>> {
    vec![
        Box::new(crate::orgs::search::Organizations),
        Box::new(crate::marketplace::search::Offerings),
        Box::new(crate::events::search::Events),
        Box::new(crate::mentoring::search::Mentors),
        Box::new(crate::mentoring::search::Projects),
    ]
}

/// Every kind of job this build knows how to run.
pub fn registry() -> Registry {
    Registry::default()
        .register::<SendEmail>()
        .register::<crate::marketplace::requests::RemindRequest>()
        .register::<crate::marketplace::requests::ExpireRequest>()
        .register::<crate::events::service::RemindAttendees>()
        .register::<crate::events::admission::ExpireOffer>()
        .register::<crate::mentoring::workflow::RemindMentor>()
        .register::<crate::mentoring::workflow::ExpireMentorship>()
        .register::<crate::search::sync::SyncDocument>()
        .register::<crate::search::sync::RebuildIndex>()
        .register::<crate::search::sync::PrepareIndex>()
}

/// Start-up failures: one clear line each.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Config(#[from] config::ConfigError),
    #[error(transparent)]
    Database(#[from] db::DbError),
    #[error(transparent)]
    Mail(#[from] MailError),
    #[error("search: {0}")]
    Search(#[from] crate::search::SearchError),
    #[error("cannot listen on {addr} (QUAI_BIND): {source}")]
    Bind {
        addr: std::net::SocketAddr,
        source: std::io::Error,
    },
}

pub struct Application {
    server: Server,
    address: std::net::SocketAddr,
    worker: Option<WorkerHandle>,
}

/// What `quai worker` and `quai serve` share: settings checked, data folder ready, database
/// migrated and pooled, mailer built.
pub struct Runtime {
    pub settings: Settings,
    pub auth: Arc<AuthState>,
    pub db: Pool,
    pub db_target: Target,
    pub mailer: Arc<Mailer>,
    pub metrics: Arc<Metrics>,
    pub search: Search,
}

/// What `quai reindex` and `quai search check` need: the database and the search engine (no
/// keys, no mail).
pub fn search_runtime(settings: &Settings) -> Result<(Pool, Search), StartError> {
    config::prepare_data_dir(&settings.data_dir)?;
    let (db, _) = db::connect(
        &settings.database_url(),
        settings.database_pool_size,
        Duration::from_secs(settings.database_timeout),
    )?;
    let search = Search::from_settings(settings, sources())?;
    Ok((db, search))
}

impl Runtime {
    pub fn prepare(settings: Settings) -> Result<Self, StartError> {
        config::prepare_data_dir(&settings.data_dir)?;
        let jwt_secret = config::load_or_create_jwt_secret(&settings)?;
        let auth = AuthState::new(&settings, &jwt_secret)
            .map_err(|e| config::ConfigError::new("jwt_secret", e.to_string()))?;
        let auth = Arc::new(auth);
        let (db, db_target) = db::connect(
            &settings.database_url(),
            settings.database_pool_size,
            Duration::from_secs(settings.database_timeout),
        )?;
        tracing::info!(database = %db_target.display(), "database ready");
        let mailer = Arc::new(Mailer::from_settings(&settings)?);
        tracing::info!(transport = mailer.kind(), "mail ready");
        let search = Search::from_settings(&settings, sources())?;
        tracing::info!(engine = search.engine.name(), "search ready");
        // The index's settings are applied, and an empty index filled, by a job: the engine
        // may be down at start-up, the queue retries.
        if search.preparation != crate::search::Preparation::Nothing {
            match db.get() {
                Ok(mut conn) => {
                    if let Err(e) = crate::search::sync::enqueue_prepare(&mut conn, &search) {
                        tracing::warn!(error = %e, "search: could not enqueue the index preparation");
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "search: no connection to enqueue the index preparation")
                }
            }
        }
        Ok(Self {
            settings,
            auth,
            db,
            db_target,
            mailer,
            metrics: Arc::new(Metrics::default()),
            search,
        })
    }

    /// A job worker over this runtime.
    pub fn worker(&self) -> Worker {
        let ctx = JobContext {
            db: self.db.clone(),
            auth: self.auth.clone(),
            mailer: self.mailer.clone(),
            settings: Arc::new(self.settings.clone()),
            metrics: self.metrics.clone(),
            search: self.search.clone(),
        };
        Worker::new(ctx, registry(), WorkerConfig::from_settings(&self.settings))
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Quai API",
        description = "The API of Quai, Amiens Cluster's innovation platform. Errors are application/problem+json (RFC 9457) with a stable `code`.",
        license(name = "AGPL-3.0-or-later", identifier = "AGPL-3.0-or-later")
    ),
    tags(
        (name = "themes", description = "The cluster's shared vocabulary of themes"),
        (name = "auth", description = "Sign-up, sign-in, tokens, verification, password reset"),
        (name = "me", description = "The signed-in account: profile, password, email, sessions, data"),
        (name = "organizations", description = "Startups, partners and founding members"),
        (name = "marketplace", description = "Offerings: products, services, expertise, mentoring, perks; requests about them"),
        (name = "mentoring", description = "Mentor profiles, startup projects, explainable suggestions, mentorships from request to feedback, matching rounds"),
        (name = "favorites", description = "The organizations and themes a person follows"),
        (name = "events", description = "Venues, thematic events, registrations and the waiting list, agendas and rooms' bookings"),
        (name = "search", description = "Search over everything, French first: typos, accents, plurals and synonyms forgiven"),
        (name = "admin", description = "The back office: users, roles, audit log, job queue, test email")
    ),
    modifiers(&BearerAuth)
)]
struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

impl Application {
    /// Prepares the data folder, connects to the database, applies migrations and binds.
    pub fn build(settings: Settings) -> Result<Self, StartError> {
        let runtime = Runtime::prepare(settings)?;
        let worker = runtime
            .settings
            .serve_jobs
            .then(|| runtime.worker().spawn());
        let Runtime {
            settings,
            auth,
            db: pool,
            db_target: target,
            mailer,
            metrics,
            search,
        } = runtime;
        let listener = TcpListener::bind(settings.bind).map_err(|source| StartError::Bind {
            addr: settings.bind,
            source,
        })?;
        let address = listener.local_addr().map_err(|source| StartError::Bind {
            addr: settings.bind,
            source,
        })?;
        let workers = settings.workers;
        let state = web::Data::new(AppState {
            settings,
            db: pool,
            db_target: target,
            mailer,
            search,
        });
        let metrics = web::Data::from(metrics);
        let auth = web::Data::from(auth);
        let mut server =
            HttpServer::new(move || routes(state.clone(), metrics.clone(), auth.clone()))
                .shutdown_timeout(20)
                .listen(listener)
                .map_err(|source| StartError::Bind {
                    addr: address,
                    source,
                })?;
        if workers > 0 {
            server = server.workers(workers);
        }
        Ok(Self {
            server: server.run(),
            address,
            worker,
        })
    }

    pub fn address(&self) -> std::net::SocketAddr {
        self.address
    }

    /// Serves until SIGINT or SIGTERM, then finishes the requests in flight.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let served = self.server.await;
        if let Some(worker) = self.worker {
            worker.stop().await;
        }
        served
    }

    /// The server to await, and the in-process worker (when `serve_jobs`).
    pub fn into_parts(self) -> (Server, Option<WorkerHandle>) {
        (self.server, self.worker)
    }
}

fn security_headers(https: bool) -> DefaultHeaders {
    let mut headers = DefaultHeaders::new()
        .add((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
        ))
        .add((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .add((header::REFERRER_POLICY, "strict-origin-when-cross-origin"))
        .add((header::X_FRAME_OPTIONS, "DENY"))
        .add(("Permissions-Policy", "camera=(), microphone=(), geolocation=()"))
        .add(("Cross-Origin-Opener-Policy", "same-origin"));
    if https {
        headers = headers.add((
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=31536000; includeSubDomains",
        ));
    }
    headers
}

fn routes(
    state: web::Data<AppState>,
    metrics: web::Data<Metrics>,
    auth: web::Data<AuthState>,
) -> App<
    impl actix_web::dev::ServiceFactory<
        actix_web::dev::ServiceRequest,
        Config = (),
        Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let limit = state.settings.body_limit;
    let https = state.settings.is_https();
    let (app, api) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .app_data(web::Data::new(state.db.clone()))
        .app_data(auth)
        .app_data(state)
        .app_data(metrics)
        .app_data(
            web::JsonConfig::default()
                .limit(limit)
                .error_handler(errors::json_error),
        )
        .app_data(web::QueryConfig::default().error_handler(errors::query_error))
        .app_data(web::PathConfig::default().error_handler(errors::path_error))
        .app_data(web::PayloadConfig::default().limit(limit))
        .service(
            utoipa_actix_web::scope("/api/v1")
                .service(crate::themes::api::list)
                .service(crate::themes::api::show)
                .service(crate::themes::api::create)
                .service(crate::admin::api::list_jobs)
                .service(crate::admin::api::retry_job)
                .service(crate::admin::api::discard_job)
                .service(crate::admin::api::test_email)
                .service(crate::admin::api::list_users)
                .service(crate::admin::api::set_roles)
                .service(crate::admin::api::deactivate)
                .service(crate::admin::api::reactivate)
                .service(crate::admin::api::audit_log)
                .service(accounts::signup)
                .service(accounts::login)
                .service(accounts::refresh)
                .service(accounts::logout)
                .service(accounts::verify_email)
                .service(accounts::password_reset)
                .service(accounts::password_reset_confirm)
                .service(accounts::show_me)
                .service(accounts::update_me)
                .service(accounts::delete_me)
                .service(accounts::change_password)
                .service(accounts::change_email)
                .service(accounts::resend_verification)
                .service(accounts::export)
                .service(accounts::sessions)
                .service(accounts::revoke_session)
                .service(accounts::revoke_other_sessions)
                .service(crate::orgs::api::list)
                .service(crate::orgs::api::create)
                .service(crate::orgs::api::show)
                .service(crate::orgs::api::update)
                .service(crate::orgs::api::members)
                .service(crate::orgs::api::put_logo)
                .service(crate::orgs::api::delete_logo)
                .service(crate::orgs::api::decide)
                .service(crate::orgs::api::invite)
                .service(crate::orgs::api::invitations)
                .service(crate::orgs::api::revoke_invitation)
                .service(crate::orgs::api::accept_invitation)
                .service(crate::orgs::api::remove_member)
                .service(crate::orgs::api::transfer)
                .service(crate::orgs::api::admin_change)
                .service(crate::marketplace::api::list)
                .service(crate::marketplace::api::create)
                .service(crate::marketplace::api::show)
                .service(crate::marketplace::api::update)
                .service(crate::marketplace::api::history)
                .service(crate::marketplace::api::act)
                .service(crate::marketplace::api::queue)
                .service(crate::marketplace::api::decide)
                .service(crate::marketplace::api::create_request)
                .service(crate::marketplace::api::list_requests)
                .service(crate::marketplace::api::show_request)
                .service(crate::marketplace::api::answer_request)
                .service(crate::favorites::api::list)
                .service(crate::favorites::api::follow_organization)
                .service(crate::favorites::api::unfollow_organization)
                .service(crate::favorites::api::follow_theme)
                .service(crate::favorites::api::unfollow_theme)
                .service(crate::events::api::venues)
                .service(crate::events::api::create_venue)
                .service(crate::events::api::create_room)
                .service(crate::events::api::list)
                .service(crate::events::api::create)
                .service(crate::events::api::show)
                .service(crate::events::api::publish)
                .service(crate::events::api::cancel)
                .service(crate::events::api::capacity)
                .service(crate::events::api::update)
                .service(crate::events::api::broadcast)
                .service(crate::events::api::register)
                .service(crate::events::api::registration)
                .service(crate::events::api::cancel_registration)
                .service(crate::events::api::register_guest)
                .service(crate::events::api::by_link)
                .service(crate::events::api::decide)
                .service(crate::events::api::roster_csv)
                .service(crate::events::api::roster)
                .service(crate::events::api::check_in)
                // The agenda of events, and the rooms' bookings.
                .service(crate::events::agenda_api::list)
                .service(crate::events::agenda_api::show)
                .service(crate::events::agenda_api::create)
                .service(crate::events::agenda_api::update)
                .service(crate::events::agenda_api::remove)
                .service(crate::events::agenda_api::bookings)
                // Mentoring: mentors, projects, mentorships, matching rounds.
                .service(crate::mentoring::api::list_mentors)
                .service(crate::mentoring::api::my_profile)
                .service(crate::mentoring::api::save_my_profile)
                .service(crate::mentoring::api::my_suggestions)
                .service(crate::mentoring::api::show_mentor)
                .service(crate::mentoring::api::list_projects)
                .service(crate::mentoring::api::create_project)
                .service(crate::mentoring::api::show_project)
                .service(crate::mentoring::api::update_project)
                .service(crate::mentoring::api::project_status)
                .service(crate::mentoring::api::project_suggestions)
                .service(crate::mentoring::api::list_mentorships)
                .service(crate::mentoring::api::request)
                .service(crate::mentoring::api::propose)
                .service(crate::mentoring::api::show_mentorship)
                .service(crate::mentoring::api::accept)
                .service(crate::mentoring::api::decline)
                .service(crate::mentoring::api::withdraw)
                .service(crate::mentoring::api::end)
                .service(crate::mentoring::api::log_session)
                .service(crate::mentoring::api::feedback)
                .service(crate::mentoring::api::list_rounds)
                .service(crate::mentoring::api::create_round)
                .service(crate::mentoring::api::show_round)
                .service(crate::mentoring::api::set_pair)
                .service(crate::mentoring::api::remove_pair)
                .service(crate::mentoring::api::send_round)
                .service(crate::mentoring::api::discard_round)
                .service(crate::search::api::search)
                .service(crate::search::api::suggest),
        )
        .split_for_parts();
    let openapi = web::Data::new(api);
    app.app_data(openapi)
        .route("/api/openapi.json", web::get().to(openapi_json))
        .route("/healthz", web::get().to(healthz))
        .route("/readyz", web::get().to(readyz))
        .route("/metrics", web::get().to(metrics_text))
        .route("/static/{version}/{name}", web::get().to(assets::serve))
        .route("/favicon.ico", web::get().to(assets::favicon))
        .route(
            "/media/logos/{name}",
            web::get().to(crate::orgs::logo_pages::serve),
        )
        .service(home::index)
        .service(home::switch_language)
        .service(home::robots)
        .service(home::sitemap)
        .configure(crate::marketplace::pages::configure)
        .configure(crate::orgs::pages::configure)
        .configure(crate::favorites::pages::configure)
        .configure(crate::events::pages::configure)
        .configure(crate::events::mine::configure)
        .configure(crate::events::door::configure)
        .configure(crate::events::programme::configure)
        .configure(crate::events::agenda_pages::configure)
        .configure(crate::events::office::configure)
        .configure(crate::mentoring::pages::configure)
        .configure(crate::mentoring::round_pages::configure)
        .configure(crate::search::pages::configure)
        .configure(crate::accounts::pages::configure)
        .configure(crate::admin::pages::configure)
        .configure(crate::orgs::logo_pages::configure)
        .default_service(web::to(errors::fallback))
        .wrap(from_fn(session::resolve))
        .wrap(from_fn(csrf::guard))
        .wrap(from_fn(errors::pages))
        .wrap(Compress::default())
        .wrap(security_headers(https))
        .wrap(from_fn(telemetry::observe))
}

async fn openapi_json(api: web::Data<utoipa::openapi::OpenApi>) -> HttpResponse {
    HttpResponse::Ok().json(api.as_ref())
}

async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "status": "ok" }))
}

/// `GET /metrics`: Prometheus text; queue depths are read from the database at each scrape.
async fn metrics_text(
    metrics: web::Data<Metrics>,
    state: web::Data<AppState>,
    auth: web::Data<AuthState>,
) -> HttpResponse {
    metrics.password_hashes.set(auth.hasher.computed() as i64);
    match crate::jobs::service::counts(&state.db).await {
        Ok(counts) => {
            for (name, n) in counts {
                metrics
                    .jobs
                    .get_or_create(&StateLabels {
                        state: name.to_owned(),
                    })
                    .set(n);
            }
        }
        Err(e) => {
            // Better no queue depth than a stale one.
            metrics.jobs.clear();
            tracing::warn!(error = %e, "metrics: job counts unavailable");
        }
    }
    HttpResponse::Ok()
        .content_type("application/openmetrics-text; version=1.0.0; charset=utf-8")
        .body(metrics.encode())
}

/// Ready when the database answers. Mail and search are reported but do not make the platform
/// unready: messages and index updates wait in the queue until their server is back.
async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    let (database, mail, search) = tokio::join!(
        db::run(&state.db, |conn| Ok(db::dialect::ping(conn)?)),
        state.mailer.check(),
        state.search.engine.health()
    );
    let ok = database.is_ok();
    if let Err(e) = &database {
        tracing::warn!(error = %e, "readiness: database check failed");
    }
    if let Err(e) = &mail {
        tracing::warn!(error = %e, transport = state.mailer.kind(), "readiness: mail check failed");
    }
    if let Err(e) = &search {
        tracing::warn!(error = %e, engine = state.search.engine.name(), "readiness: search check failed");
    }
    let body = json!({
        "status": if ok { "ready" } else { "unavailable" },
        "checks": {
            "database": if ok { "ok" } else { "unavailable" },
            "mail": if mail.is_ok() { "ok" } else { "unavailable" },
            "search": if search.is_ok() { "ok" } else { "unavailable" },
        },
    });
    if ok {
        HttpResponse::Ok().json(body)
    } else {
        HttpResponse::ServiceUnavailable()
            .insert_header((header::RETRY_AFTER, "5"))
            .json(body)
    }
}
