//! `make bench` (core part): native rewrite throughput over the corpus, for the extension's
//! hot path (`rewrite_href` on the corpus as a browser normalises it, answered as the hot
//! module answers: `lean::answer_batch`) and for the full model (`rewrite` on the links as
//! written, the CLI's path). Each figure is the median of 31 timed windows of about 40 ms of
//! this thread's CPU time (`CLOCK_THREAD_CPUTIME_ID`: on a machine shared with other work, the
//! time the code ran, not the time it waited for a core).
//! `--summary` prints one JSON line instead (the three target kinds in turn in each window),
//! which `make bench-ext` (tests/e2e/bench.mjs) puts in its table.

use byob::{lean, rewrite, rewrite_href, Target, TargetKind};
use std::hint::black_box;
use std::time::Duration;

/// This thread's CPU time.
#[cfg(not(target_arch = "wasm32"))]
fn cpu_now() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec; the clock id is a constant libc defines.
    let ok = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) } == 0;
    if !ok {
        return Duration::ZERO;
    }
    Duration::new(
        u64::try_from(ts.tv_sec).unwrap_or(0),
        u32::try_from(ts.tv_nsec).unwrap_or(0),
    )
}

/// The benchmark is native only (`clippy --target wasm32` still builds the examples).
#[cfg(target_arch = "wasm32")]
fn cpu_now() -> Duration {
    unimplemented!("the benchmark runs natively")
}

const WINDOWS: usize = 31;
const WINDOW: Duration = Duration::from_millis(40);

/// Links per second in each of `WINDOWS` windows of rounds of `f` over `n` links: the median,
/// the lowest and the highest.
fn rate(n: usize, mut f: impl FnMut() -> usize) -> (f64, f64, f64) {
    let mut sink = 0usize;
    for _ in 0..3 {
        sink += f();
    }
    let mut rates = Vec::with_capacity(WINDOWS);
    for _ in 0..WINDOWS {
        let start = cpu_now();
        let mut rounds = 0u32;
        while cpu_now() - start < WINDOW {
            sink += f();
            rounds += 1;
        }
        rates.push((n as f64 * f64::from(rounds)) / (cpu_now() - start).as_secs_f64());
    }
    black_box(sink);
    rates.sort_by(f64::total_cmp);
    (rates[WINDOWS / 2], rates[0], rates[WINDOWS - 1])
}

fn main() {
    let links: Vec<String> = include_str!("../tests/fixtures/links.jsonl")
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v["url"].as_str().map(str::to_string))
        .collect();
    let normalised: Vec<String> = links
        .iter()
        .filter_map(|l| url::Url::parse(l.trim()).ok().map(|u| u.to_string()))
        .collect();
    let batch = normalised.join("\n");
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
    if std::env::args().any(|a| a == "--summary") {
        let all: Vec<Target> = targets
            .iter()
            .filter_map(|(_, kind, url)| Target::new(*kind, url).ok())
            .collect();
        let mut out = String::new();
        let (hot, _, _) = rate(normalised.len() * all.len(), || {
            all.iter()
                .map(|t| {
                    out.clear();
                    lean::answer_batch(&batch, t, &mut out);
                    out.len()
                })
                .sum()
        });
        let (full, _, _) = rate(links.len() * all.len(), || {
            all.iter()
                .flat_map(|t| {
                    links
                        .iter()
                        .map(move |l| rewrite(l, t).output.map_or(0, |o| o.len()))
                })
                .sum()
        });
        println!(
            "{{\"hot\": {hot:.0}, \"full\": {full:.0}, \"windows\": {WINDOWS}, \"links\": {}}}",
            normalised.len()
        );
        return;
    }
    println!("| target | links | hot path: `rewrite_href` (links/s, median of {WINDOWS}) | min–max | hot path + JSON answer (`lean::answer_batch`) | full model: `rewrite` (CLI) | hot / full |");
    println!("|---|---|---|---|---|---|---|");
    for (name, kind, url) in targets {
        let Ok(target) = Target::new(kind, url) else {
            continue;
        };
        let (hot, lo, hi) = rate(normalised.len(), || {
            normalised
                .iter()
                .map(|l| rewrite_href(l, &target).map_or(1, |r| r.output.map_or(0, |o| o.len())))
                .sum()
        });
        let mut out = String::new();
        let (answer, _, _) = rate(normalised.len(), || {
            out.clear();
            lean::answer_batch(&batch, &target, &mut out);
            out.len()
        });
        let (full, _, _) = rate(links.len(), || {
            links
                .iter()
                .map(|l| rewrite(l, &target).output.map_or(0, |o| o.len()))
                .sum()
        });
        println!(
            "| {name} | {} | {hot:.0} | {lo:.0}–{hi:.0} | {answer:.0} | {full:.0} | {:.2}x |",
            normalised.len(),
            hot / full
        );
    }
}
