//! `make bench` (core part): native parse + rewrite throughput over the corpus of real links.
//! Prints a table row per target kind; timings are this machine's, measured in this run.

use byob::{rewrite, Target, TargetKind};
use std::time::Instant;

fn main() {
    let links: Vec<String> = include_str!("../tests/fixtures/links.jsonl")
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v["url"].as_str().map(str::to_string))
        .collect();
    let targets = [
        (
            "binderhub",
            TargetKind::BinderHub,
            "https://binder.example.edu/",
        ),
        (
            "jupyterhub",
            TargetKind::JupyterHub,
            "https://hub.example.edu/",
        ),
        (
            "jupyter-server",
            TargetKind::JupyterServer,
            "http://localhost:8888/",
        ),
    ];
    println!(
        "| target | links | rounds | links/s (parse + rewrite) | floor (docs/design.md §10) |"
    );
    println!("|---|---|---|---|---|");
    for (name, kind, url) in targets {
        let Ok(target) = Target::new(kind, url) else {
            continue;
        };
        // Warm up, then run for at least a second.
        let mut sink = 0usize;
        for l in &links {
            sink += rewrite(l, &target).output.map_or(0, |o| o.len());
        }
        let start = Instant::now();
        let mut rounds = 0u32;
        while start.elapsed().as_secs_f64() < 1.0 {
            for l in &links {
                sink += rewrite(l, &target).output.map_or(0, |o| o.len());
            }
            rounds += 1;
        }
        let secs = start.elapsed().as_secs_f64();
        let rate = (links.len() as f64 * f64::from(rounds)) / secs;
        println!(
            "| {name} | {} | {rounds} | {rate:.0} | 200000 |",
            links.len()
        );
        std::hint::black_box(sink);
    }
}
