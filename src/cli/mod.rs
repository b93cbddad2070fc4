//! The command line: argument parsing and the top-level commands.

pub mod demo;
pub mod solve;

use anyhow::Context;
use clap::{Parser, Subcommand};

use crate::config::Settings;
use crate::db::DbPool;
use crate::http::AppState;
use crate::outbox::{Worker, WorkerConfig};

#[derive(Debug, Parser)]
#[command(
    name = "matchtour",
    version,
    about = "Schedules matchmaking events between Europe and China"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Apply pending migrations, then serve the API and pages.
    Serve,
    /// Create the demo event (the March 2021 virtual matchmaking tour) if missing, then serve it.
    Demo {
        /// Seed the demo event and exit instead of serving.
        #[arg(long)]
        no_serve: bool,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Solve a `matchtour-instance/1` file and write a `matchtour-solution/1` file.
    Solve(solve::SolveArgs),
    /// Send queued mail (a separate process; `serve` runs one in the background too).
    Worker {
        /// Send what is due now, then exit instead of waiting for more.
        #[arg(long)]
        drain: bool,
    },
}

pub fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    init_tracing();
    match cli.command {
        Command::Solve(args) => solve::run(args),
        Command::Migrate => {
            let (pool, _) = open()?;
            println!("database ready ({})", pool.backend_name());
            Ok(())
        }
        Command::Worker { drain } => {
            let (pool, settings) = open()?;
            worker(pool, &settings, drain)
        }
        Command::Serve => {
            let (pool, settings) = open()?;
            serve(AppState::new(pool, settings))
        }
        Command::Demo { no_serve } => {
            let (pool, settings) = open()?;
            let mut conn = pool.get()?;
            let event = demo::seed(&mut conn)
                .map_err(|e| anyhow::anyhow!("seeding the demo event: {e}"))?;
            let access = demo::access(&mut conn, event.id)
                .map_err(|e| anyhow::anyhow!("demo accounts: {e}"))?;
            drop(conn);
            let base = settings.server.public_url.trim_end_matches('/').to_string();
            println!("Demo event {} \"{}\" is ready.", event.id, event.name);
            println!("  organiser pages: {base}/events/{}", event.id);
            println!(
                "    sign in as {} with password {}",
                access.organiser_email, access.organiser_password
            );
            println!(
                "  {}'s personal link: {base}/api/v1/auth/participant/{}",
                access.shanghai_participant, access.participant_link_token
            );
            println!("  API:             {base}/api/v1/events/{}", event.id);
            println!("  API browser:     {base}/api/docs");
            println!("  OpenAPI:         {base}/api/openapi.json");
            println!(
                "  mail:            written to {}",
                settings.mail.file_dir.display()
            );
            if no_serve {
                return Ok(());
            }
            serve(AppState::new(pool, settings))
        }
    }
}

fn init_tracing() {
    let filter =
        tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    // One JSON object per line for log collectors; readable text otherwise.
    let _ = if std::env::var("MATCHTOUR_LOG_FORMAT").is_ok_and(|f| f == "json") {
        builder.json().with_current_span(true).try_init()
    } else {
        builder.try_init()
    };
}

/// Loads the settings, opens the pool and applies pending migrations.
fn open() -> anyhow::Result<(DbPool, Settings)> {
    let settings = Settings::load()?;
    let pool = DbPool::connect(&settings.database.url, settings.database.pool_size)
        .with_context(|| format!("opening the database {}", redact(&settings.database.url)))?;
    let applied = pool.migrate()?;
    if applied > 0 {
        tracing::info!(applied, "migrations applied");
    }
    Ok((pool, settings))
}

/// A URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            format!("{}://…@{}", &url[..scheme], &url[at + 1..])
        }
        _ => url.to_string(),
    }
}

fn serve(state: AppState) -> anyhow::Result<()> {
    let (host, port) = state.settings.bind_address();
    actix_web::rt::System::new().block_on(async move {
        let listener = std::net::TcpListener::bind((host.as_str(), port))
            .with_context(|| format!("binding {host}:{port}"))?;
        let outbox =
            Worker::from_settings(state.pool.clone(), &state.settings, WorkerConfig::default())?;
        let server = crate::http::server(state, listener)?;
        // The background worker stops with the server (its task is dropped with the runtime);
        // a job it held is re-claimed after its lease.
        actix_web::rt::spawn(async move { outbox.run(std::future::pending()).await });
        tracing::info!(%host, port, "serving");
        server.await?;
        Ok::<(), anyhow::Error>(())
    })
}

/// `matchtour worker`: sends until Ctrl-C (or, with `drain`, until nothing is due).
fn worker(pool: DbPool, settings: &Settings, drain: bool) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async move {
        let worker = Worker::from_settings(pool, settings, WorkerConfig::default())?;
        if drain {
            let stats = worker.drain().await?;
            println!(
                "sent {}, to retry {}, failed {}",
                stats.sent, stats.retried, stats.failed
            );
        } else {
            worker
                .run(async {
                    let _ = tokio::signal::ctrl_c().await;
                })
                .await;
        }
        Ok(())
    })
}
