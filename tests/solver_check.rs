//! Solves a few small bench instances and verifies each solution with the independent
//! checker `shared/bench/check.py` (feasible, and the same score as the solver reports).

use std::path::{Path, PathBuf};
use std::process::Command;

use matchtour::solver::{self, format, Options};

fn bench_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/bench");
    if dir.join("check.py").exists() {
        Some(dir)
    } else {
        eprintln!(
            "\n*** SKIPPED: {} not found, solutions were NOT checked with check.py ***\n",
            dir.display()
        );
        None
    }
}

/// Solves `instance` (relative to bench/instances); returns check.py's metrics and
/// whether the solver proved its schedule optimal.
fn solve_and_check(bench: &Path, instance: &str, threads: usize) -> (serde_json::Value, bool) {
    let path = bench.join("instances").join(instance);
    let bytes = std::fs::read(&path).expect("instance readable");
    let doc = format::parse_instance(&bytes).expect("valid instance");
    let (problem, ids) = format::to_problem(&doc).expect("valid problem");
    let options = Options {
        seed: 3,
        max_iterations: Some(1_500),
        deadline: None,
        threads,
    };
    let solution = solver::solve(&problem, &options, &mut |_| {}).expect("solvable");
    let out = tempfile::NamedTempFile::new().expect("temp file");
    let json = serde_json::to_vec(&format::to_solution_doc(&solution, &ids)).expect("json");
    std::fs::write(out.path(), json).expect("write solution");
    let run = Command::new("python3")
        .arg(bench.join("check.py"))
        .arg(&path)
        .arg(out.path())
        .arg("--json")
        .output()
        .expect("python3 runs");
    let report: serde_json::Value =
        serde_json::from_slice(&run.stdout).expect("check.py prints JSON");
    let metrics = report["metrics"].clone();
    assert_eq!(
        metrics["feasible"], true,
        "{instance}: infeasible: {}",
        report["violations"]
    );
    assert_eq!(
        metrics["score"], solution.score.score,
        "{instance}: score differs"
    );
    assert_eq!(metrics["idle_slots"], solution.score.idle_slots);
    assert_eq!(metrics["breaks"], solution.score.breaks);
    assert_eq!(metrics["uncomfortable"], solution.score.uncomfortable);
    assert_eq!(metrics["moved"], solution.score.moved);
    assert_eq!(
        metrics["scheduled"].as_u64(),
        Some((problem.meetings.len() - solution.unscheduled.len()) as u64)
    );
    (metrics, solution.optimal)
}

#[test]
fn tour_solution_passes_the_checker() {
    let Some(bench) = bench_dir() else { return };
    solve_and_check(&bench, "tour-1.json", 2);
}

#[test]
fn replanned_tour_solution_passes_the_checker() {
    let Some(bench) = bench_dir() else { return };
    let (metrics, _) = solve_and_check(&bench, "tour-1-replan.json", 1);
    assert!(metrics["previous"].as_u64() > Some(0));
}

#[test]
fn b2b_breaks_solution_passes_the_checker() {
    let Some(bench) = bench_dir() else { return };
    let (metrics, _) = solve_and_check(&bench, "b2b/tic-12.json", 2);
    assert_eq!(metrics["objective_idle"], "breaks");
}

#[test]
fn b2b_fixed_meetings_stay_fixed() {
    let Some(bench) = bench_dir() else { return };
    solve_and_check(&bench, "b2b/tic-13-fixed20.json", 1);
}

/// The lower-bound proof meets the search on a real event: the schedule is proven
/// optimal, and its breaks are the optimum Bofill et al. published.
#[test]
fn b2b_schedule_is_proven_optimal_at_the_published_optimum() {
    let Some(bench) = bench_dir() else { return };
    let (metrics, optimal) = solve_and_check(&bench, "b2b/forumt-14crafd.json", 1);
    let table =
        std::fs::read_to_string(bench.join("instances/b2b/bofill-b2b-forum_bks_JAIR2022.csv"))
            .expect("published optima");
    let header: Vec<&str> = table.lines().next().expect("header").split(',').collect();
    let column = header
        .iter()
        .position(|&h| h == "opt_breaks_d2")
        .expect("optimum column");
    let published: u64 = table
        .lines()
        .find(|l| l.starts_with("forumt-14crafd,"))
        .and_then(|l| l.split(',').nth(column))
        .and_then(|v| v.parse().ok())
        .expect("published optimum");
    assert!(optimal, "not proven optimal: {metrics}");
    assert_eq!(metrics["breaks"].as_u64(), Some(published));
    assert_eq!(metrics["unscheduled"].as_u64().unwrap_or(0), 0);
}
