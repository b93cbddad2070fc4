//! `matchtour solve`: reads a `matchtour-instance/1` file, solves it, writes `matchtour-solution/1`.

use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct SolveArgs {
    /// Instance file (`matchtour-instance/1`, plain JSON or `.json.gz`).
    pub instance: PathBuf,
    /// Wall-clock budget in seconds.
    #[arg(long, default_value_t = 10.0)]
    pub time_limit: f64,
    /// Seed of the randomised search.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Where to write the solution (`matchtour-solution/1`).
    #[arg(long)]
    pub out: PathBuf,
}

pub fn run(_args: SolveArgs) -> anyhow::Result<()> {
    anyhow::bail!("the solver is not built yet")
}
