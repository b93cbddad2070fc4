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

/// The published optimum (Bofill et al.) of a B2B event.
fn published_optimum(bench: &Path, name: &str) -> u64 {
    let table =
        std::fs::read_to_string(bench.join("instances/b2b/bofill-b2b-forum_bks_JAIR2022.csv"))
            .expect("published optima");
    let header: Vec<&str> = table.lines().next().expect("header").split(',').collect();
    let column = header
        .iter()
        .position(|&h| h == "opt_breaks_d2")
        .expect("optimum column");
    table
        .lines()
        .find(|l| l.starts_with(&format!("{name},")))
        .and_then(|l| l.split(',').nth(column))
        .and_then(|v| v.parse().ok())
        .expect("published optimum")
}

/// Solves a real event and checks that the schedule is proven optimal, with every
/// meeting and the breaks Bofill et al. published.
fn assert_proven_at_the_published_optimum(name: &str, threads: usize) {
    let Some(bench) = bench_dir() else { return };
    let (metrics, optimal) = solve_and_check(&bench, &format!("b2b/{name}.json"), threads);
    assert!(optimal, "{name}: not proven optimal: {metrics}");
    assert_eq!(
        metrics["breaks"].as_u64(),
        Some(published_optimum(&bench, name))
    );
    assert_eq!(metrics["unscheduled"].as_u64().unwrap_or(0), 0);
}

/// The proof refutes fewer breaks and the search reaches the bound (on one thread, in
/// turn).
#[test]
fn b2b_schedule_is_proven_optimal_at_the_published_optimum() {
    assert_proven_at_the_published_optimum("forumt-14crafd", 1);
}

/// The proof's own schedule, on a thread beside the search: an event without breaks,
/// which the search alone did not find.
#[test]
fn b2b_schedule_without_breaks_comes_from_the_proof() {
    assert_proven_at_the_published_optimum("tic-14crafc", 2);
}
