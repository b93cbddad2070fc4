//! The command line: argument parsing and the top-level commands.

pub mod solve;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "matchtour", version, about = "Schedules matchmaking events between Europe and China")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Apply pending migrations, then serve the API and pages.
    Serve,
    /// Create the demo event (the March 2021 virtual matchmaking tour), then serve it.
    Demo,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Solve a `matchtour-instance/1` file and write a `matchtour-solution/1` file.
    Solve(solve::SolveArgs),
}

pub fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Solve(args) => solve::run(args),
        Command::Serve | Command::Demo | Command::Migrate => {
            anyhow::bail!("not wired yet")
        }
    }
}
