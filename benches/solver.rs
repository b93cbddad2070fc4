//! Solver speed at three sizes (tour-1, week-1, forum-1 from shared/bench) with a fixed
//! iteration budget, so a run measures time per iteration, not quality per second.

use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion};
use matchtour::solver::{self, format, Options, Problem};

fn load(name: &str) -> Option<Problem> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/bench/instances")
        .join(name);
    let Ok(bytes) = std::fs::read(&path) else {
        eprintln!("*** SKIPPED: {} not found ***", path.display());
        return None;
    };
    let doc = format::parse_instance(&bytes).ok()?;
    format::to_problem(&doc).ok().map(|(p, _)| p)
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("solve");
    group.sample_size(10);
    for (label, file, iterations) in [
        ("small/tour-1", "tour-1.json", 20_000),
        ("medium/week-1", "week-1.json", 20_000),
        ("large/forum-1", "forum-1.json", 20_000),
    ] {
        let Some(problem) = load(file) else { continue };
        let options = Options {
            seed: 1,
            max_iterations: Some(iterations),
            deadline: None,
            threads: 1,
        };
        group.bench_function(label, |b| {
            b.iter(|| solver::solve(&problem, &options, &mut |_| {}).map(|s| s.score.score))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
