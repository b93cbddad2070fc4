//! `matchtour solve`: reads a `matchtour-instance/1` file, solves it, writes `matchtour-solution/1`.
//!
//! Prints one JSON line on stdout (score, scheduled weight, seconds) and, when stderr is
//! a terminal, the progress of the search there.

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Context;

use crate::solver::{self, format, Options, Progress};

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
    /// Iterations per search thread (stops at the time limit or here, whichever is first).
    #[arg(long)]
    pub iterations: Option<u64>,
    /// Parallel searches (default: the available cores, at most 2).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Where to write the solution (`matchtour-solution/1`).
    #[arg(long)]
    pub out: PathBuf,
}

/// File contents, gunzipped when they start with the gzip magic bytes.
fn read_maybe_gz(path: &Path) -> anyhow::Result<Vec<u8>> {
    let raw = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    if raw.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(raw.as_slice())
            .read_to_end(&mut out)
            .with_context(|| format!("{}: broken gzip data", path.display()))?;
        Ok(out)
    } else {
        Ok(raw)
    }
}

pub fn run(args: SolveArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    if !(args.time_limit.is_finite() && args.time_limit > 0.0) {
        anyhow::bail!("--time-limit must be a positive number of seconds");
    }
    let bytes = read_maybe_gz(&args.instance)?;
    let doc = format::parse_instance(&bytes)
        .with_context(|| format!("{}: not a valid instance", args.instance.display()))?;
    drop(bytes);
    let (problem, ids) = format::to_problem(&doc)
        .with_context(|| format!("{}: not a valid instance", args.instance.display()))?;
    drop(doc);
    // keep a margin for writing the solution and exiting
    let budget = (args.time_limit * 0.97 - 0.15).max(0.05);
    let deadline = started + Duration::from_secs_f64(budget);
    let threads = args.threads.unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map(|n| n.get().min(2))
            .unwrap_or(1)
    });
    let options = Options {
        seed: args.seed,
        max_iterations: args.iterations,
        deadline: Some(deadline),
        threads,
    };
    let show = std::io::stderr().is_terminal();
    let mut report = |p: &Progress| {
        if show {
            eprint!(
                "\r{:7.2} s  round {:4}  iterations {:10}  score {:12}",
                started.elapsed().as_secs_f64(),
                p.round,
                p.iterations,
                p.score
            );
        }
    };
    let solution = solver::solve(&problem, &options, &mut report)?;
    if show {
        eprintln!();
    }
    let out = format::to_solution_doc(&solution, &ids);
    let json = serde_json::to_vec(&out)?;
    let mut file = std::fs::File::create(&args.out)
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    file.write_all(&json)?;
    let s = &solution.score;
    println!(
        "{}",
        serde_json::json!({
            "score": s.score,
            "scheduled": s.scheduled,
            "scheduled_weight": s.scheduled_weight,
            "uncomfortable": s.uncomfortable,
            "idle_slots": s.idle_slots,
            "breaks": s.breaks,
            "moved": s.moved,
            "unscheduled": solution.unscheduled.len(),
            "iterations": solution.iterations,
            "optimal": solution.optimal,
            "threads": threads,
            "seconds": (started.elapsed().as_secs_f64() * 1000.0).round() / 1000.0,
        })
    );
    Ok(())
}
