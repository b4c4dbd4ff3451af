//! The `quai` command: parses the command line, loads the settings, calls the library.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use quai::app::{Application, Runtime};
use quai::config::{self, Settings};
use quai::{db, telemetry};

#[derive(Parser)]
#[command(
    name = "quai",
    version,
    about = "Quai — la plateforme d'innovation d'Amiens Cluster"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web platform (the default).
    Serve {
        /// On an empty database, load the demonstration data first (a living platform at once).
        #[arg(long)]
        demo: bool,
    },
    /// Run the job worker alone (emails, reminders…), to scale out beside `serve`.
    Worker,
    /// Apply pending database migrations, then exit.
    Migrate,
    /// Load demonstration data (a believable Amiens Cluster); running it again changes nothing.
    Seed {
        /// Required, so that nobody seeds a real database by accident.
        #[arg(long)]
        demo: bool,
    },
    /// Create a cluster admin, or make an existing account admin. The password is read from a
    /// prompt, or from standard input when it is not a terminal — never from the command line.
    CreateAdmin {
        #[arg(long)]
        email: String,
        /// Name shown for a new account.
        #[arg(long, default_value = "Équipe Amiens Cluster")]
        name: String,
    },
    /// Rebuild the search index from the database, without downtime: a new index is built,
    /// then swapped in; searches go on meanwhile.
    Reindex,
    /// Search index maintenance.
    Search {
        #[command(subcommand)]
        command: SearchCommand,
    },
}

#[derive(Subcommand)]
enum SearchCommand {
    /// Compare the database with the search index and report the drift (exit code 1 when
    /// there is some); with `--fix`, repair it.
    Check {
        #[arg(long)]
        fix: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let settings = match Settings::load() {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    telemetry::init(settings.log_format);
    match cli.command.unwrap_or(Command::Serve { demo: false }) {
        Command::Serve { demo } => {
            if demo && !settings.is_local_http() {
                return fail(
                    "`serve --demo` creates accounts whose password is published: it only runs with a local base URL (QUAI_BASE_URL=http://127.0.0.1:… or http://localhost:…)",
                );
            }
            if demo && let Err(code) = load_demo(&settings, true) {
                return code;
            }
            serve(settings)
        }
        Command::Worker => worker(settings),
        Command::Migrate => migrate(settings),
        Command::CreateAdmin { email, name } => create_admin(settings, &email, &name),
        Command::Seed { demo } => seed(settings, demo),
        Command::Reindex => reindex(settings),
        Command::Search {
            command: SearchCommand::Check { fix },
        } => search_check(settings, fix),
    }
}

fn seed(settings: Settings, demo: bool) -> ExitCode {
    if !demo {
        return fail("only `quai seed --demo` exists: it loads demonstration data");
    }
    match load_demo(&settings, false) {
        Ok(()) => ExitCode::SUCCESS,
        Err(code) => code,
    }
}

/// Loads the demonstration data (only into an empty database when `only_if_empty`), and prints
/// the demo accounts.
fn load_demo(settings: &Settings, only_if_empty: bool) -> Result<(), ExitCode> {
    if let Err(e) = config::prepare_data_dir(&settings.data_dir) {
        return Err(fail(e));
    }
    let url = settings.database_url();
    let target = db::Target::parse(&url).map_err(fail)?;
    db::connect_and_migrate(&target).map_err(fail)?;
    let mut conn = db::establish(&url).map_err(fail)?;
    if only_if_empty && !quai::demo::is_empty(&mut conn).map_err(fail)? {
        println!("the database holds data already: demo data not loaded");
        return Ok(());
    }
    let hash = quai::auth::password::hash_now(quai::demo::DEMO_PASSWORD).map_err(fail)?;
    match quai::demo::seed(&mut conn, &hash) {
        Ok(done) => {
            println!(
                "demo data: {} accounts, {} organizations, {} offerings, {} requests, {} events, {} themes, {} mentors, {} projects, {} mentorships added",
                done.users,
                done.organizations,
                done.offerings,
                done.requests,
                done.events,
                done.themes,
                done.mentors,
                done.projects,
                done.mentorships
            );
            println!(
                "demo accounts (password « {} »):",
                quai::demo::DEMO_PASSWORD
            );
            println!(
                "  admin@quai.demo (admin), fondatrice@quai.demo (startup), mentor@quai.demo (mentor), partenaire@quai.demo (partner)"
            );
            // A newcomer's first search finds the demo at once.
            if reindex(settings.clone()) != ExitCode::SUCCESS {
                return Err(ExitCode::FAILURE);
            }
            Ok(())
        }
        Err(e) => Err(fail(e)),
    }
}

fn read_password() -> Result<String, String> {
    use std::io::{BufRead, IsTerminal};
    if std::io::stdin().is_terminal() {
        let first =
            rpassword::prompt_password("Mot de passe / Password: ").map_err(|e| e.to_string())?;
        let again = rpassword::prompt_password("Encore / Again: ").map_err(|e| e.to_string())?;
        if first != again {
            return Err("the two passwords differ".into());
        }
        Ok(first)
    } else {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|e| e.to_string())?;
        Ok(line.trim_end_matches(['\r', '\n']).to_owned())
    }
}

fn create_admin(settings: Settings, email: &str, name: &str) -> ExitCode {
    if let Err(e) = config::prepare_data_dir(&settings.data_dir) {
        return fail(e);
    }
    let target = match db::Target::parse(&settings.database_url()) {
        Ok(t) => t,
        Err(e) => return fail(e),
    };
    if let Err(e) = db::connect_and_migrate(&target) {
        return fail(e);
    }
    let mut conn = match db::establish(&settings.database_url()) {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    let exists = match quai::accounts::service::account_exists(&mut conn, email) {
        Ok(exists) => exists,
        Err(e) => return fail(e),
    };
    let hash = if exists {
        None
    } else {
        let password = match read_password() {
            Ok(p) => p,
            Err(e) => return fail(format!("cannot read the password: {e}")),
        };
        if let Err(e) = quai::auth::password::check_policy(&password, &[email, name]) {
            return fail(format!("password refused: {e}"));
        }
        match quai::auth::password::hash_now(&password) {
            Ok(h) => Some(h),
            Err(e) => return fail(e),
        }
    };
    match quai::accounts::service::create_admin(&mut conn, email, hash.as_deref(), name) {
        Ok(true) => {
            println!("created admin {email}");
            ExitCode::SUCCESS
        }
        Ok(false) => {
            println!("{email} is now an admin");
            ExitCode::SUCCESS
        }
        Err(e) => fail(e),
    }
}

fn worker(settings: Settings) -> ExitCode {
    let system = actix_web::rt::System::new();
    system.block_on(async move {
        let runtime = match Runtime::prepare(settings) {
            Ok(r) => r,
            Err(e) => return fail(e),
        };
        let handle = runtime.worker().spawn();
        tracing::info!("job worker running; stop with Ctrl-C or SIGTERM");
        if let Err(e) = stop_signal().await {
            return fail(e);
        }
        handle.stop().await;
        tracing::info!("stopped cleanly");
        ExitCode::SUCCESS
    })
}

/// Resolves at the first SIGINT (Ctrl-C) or SIGTERM.
async fn stop_signal() -> std::io::Result<()> {
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    tokio::select! {
        result = tokio::signal::ctrl_c() => result,
        _ = term.recv() => Ok(()),
    }
}

fn fail(e: impl std::fmt::Display) -> ExitCode {
    eprintln!("quai: {e}");
    ExitCode::FAILURE
}

fn serve(settings: Settings) -> ExitCode {
    let system = actix_web::rt::System::new();
    system.block_on(async move {
        let app = match Application::build(settings) {
            Ok(app) => app,
            Err(e) => return fail(e),
        };
        tracing::info!(address = %app.address(), "Quai is serving; stop with Ctrl-C or SIGTERM");
        match app.run_until_stopped().await {
            Ok(()) => {
                tracing::info!("stopped cleanly");
                ExitCode::SUCCESS
            }
            Err(e) => fail(e),
        }
    })
}

fn migrate(settings: Settings) -> ExitCode {
    if let Err(e) = config::prepare_data_dir(&settings.data_dir) {
        return fail(e);
    }
    let target = match db::Target::parse(&settings.database_url()) {
        Ok(t) => t,
        Err(e) => return fail(e),
    };
    match db::connect_and_migrate(&target) {
        Ok(applied) => {
            if applied.is_empty() {
                println!("{}: the schema is up to date", target.display());
            }
            for name in applied {
                println!("applied {name}");
            }
            ExitCode::SUCCESS
        }
        Err(e) => fail(e),
    }
}

/// `quai reindex`: a new index built from the database with a progress bar, then swapped in.
fn reindex(settings: Settings) -> ExitCode {
    let system = actix_web::rt::System::new();
    system.block_on(async move {
        let (db, search) = match quai::app::search_runtime(&settings) {
            Ok(r) => r,
            Err(e) => return fail(e),
        };
        let bar = indicatif::ProgressBar::new(0).with_style(
            indicatif::ProgressStyle::with_template("{msg:>10} [{bar:40}] {pos}/{len} ({elapsed})")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        bar.set_message("documents");
        let started = std::time::Instant::now();
        let done = quai::search::sync::reindex(&db, &search, |n, total| {
            bar.set_length(total as u64);
            bar.set_position(n as u64);
        })
        .await;
        bar.finish_and_clear();
        match done {
            Ok(n) => {
                println!(
                    "search index rebuilt ({}): {n} documents in {:.1} s",
                    search.engine.name(),
                    started.elapsed().as_secs_f64()
                );
                ExitCode::SUCCESS
            }
            Err(e) => fail(format!("reindex failed: {e}")),
        }
    })
}

/// `quai search check [--fix]`: the drift between the database and the index.
fn search_check(settings: Settings, fix: bool) -> ExitCode {
    let system = actix_web::rt::System::new();
    system.block_on(async move {
        let (db, search) = match quai::app::search_runtime(&settings) {
            Ok(r) => r,
            Err(e) => return fail(e),
        };
        match quai::search::sync::check(&db, &search, fix).await {
            Ok(drift) => {
                println!(
                    "{} documents in the database; index ({}): {} missing, {} stale, {} extra",
                    drift.documents,
                    search.engine.name(),
                    drift.missing.len(),
                    drift.stale.len(),
                    drift.extra.len()
                );
                for (what, ids) in [
                    ("missing", &drift.missing),
                    ("stale", &drift.stale),
                    ("extra", &drift.extra),
                ] {
                    for id in ids.iter().take(20) {
                        println!("  {what}: {id}");
                    }
                    if ids.len() > 20 {
                        println!("  {what}: … and {} more", ids.len() - 20);
                    }
                }
                if drift.is_clean() {
                    println!("the index agrees with the database");
                    ExitCode::SUCCESS
                } else if fix {
                    println!("repaired");
                    ExitCode::SUCCESS
                } else {
                    println!("run `quai search check --fix` to repair");
                    ExitCode::from(1)
                }
            }
            Err(e) => fail(format!("search check failed: {e}")),
        }
    })
}
