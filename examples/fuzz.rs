//! The in-tree fuzz harness (docs/fuzzing.md): a deterministic, seeded mutator over the seeds
//! of each target in `byob::fuzz::TARGETS` (the corpus, the link forms' examples, target
//! shapes) plus the saved regressions in `fuzz/regressions/<target>/`. It needs no nightly
//! toolchain and no coverage instrumentation, so `make test` runs it; `make fuzz` runs the
//! same targets under libFuzzer when cargo-fuzz is installed.
//!
//! ```text
//! cargo run --profile fuzz --example fuzz -- [--runs N | --seconds S] [--seed N] [TARGET…]
//! cargo run --profile fuzz --example fuzz -- --write-seeds DIR   # libFuzzer's seed corpora
//! cargo run --profile fuzz --example fuzz -- --write-dict FILE    # libFuzzer's dictionary
//! cargo run --profile fuzz --example fuzz -- --list               # the target names
//! ```
//!
//! Each target first runs every seed and regression as is, then `N` mutated inputs (or as
//! many as fit in its share of `S` seconds). A failing input (a panic, which is how a target
//! reports a broken invariant) is saved to `fuzz/artifacts/<target>/` and the run exits 1.

use byob::fuzz::{FuzzTarget, TARGETS};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Byte strings that matter to the parsers and writers, spliced in by the mutator.
const TOKENS: &[&str] = &[
    "/",
    "//",
    "\\",
    "?",
    "#",
    "&",
    "=",
    "%",
    "%25",
    "%2F",
    "%2f",
    "%3F",
    "%23",
    "%26",
    "%3D",
    "%2B",
    "+",
    " ",
    "%20",
    ".",
    "..",
    "%2e",
    "%2E%2e",
    "%252e",
    "../",
    "..%2F",
    "%00",
    "\t",
    "\n",
    "é",
    "%C3%A9",
    "A",
    "xn--",
    "@",
    ":",
    "&amp;",
    "%26amp%3B",
    "v2/",
    "/v2/gh/",
    "/v2/gl/",
    "/v2/git/",
    "/v2/zenodo/",
    "gh/",
    "HEAD",
    "main",
    "https://",
    "http://",
    "https%3A%2F%2F",
    "https%253A%252F%252F",
    "git-pull?",
    "\"locked\": true",
    "\"defaultHub\": ",
    "{\"url\": \"https://h.example/\", \"kind\": \"jupyterhub\"}",
    "git-pull%3F",
    "hub/",
    "user-redirect/",
    "hub/user-redirect/git-pull?",
    "/lti/launch?next=",
    "interact?",
    "repo=",
    "branch=",
    "urlpath=",
    "urlPath=",
    "labpath=",
    "filepath=",
    "targetPath=",
    "subPath=",
    "app=lab",
    "lab/tree/",
    "tree/",
    "notebooks/",
    "doc/tree/",
    "voila/render/",
    "rstudio",
    ".ipynb",
    ".git",
    "github.com/",
    "gitlab.com/",
    "colab.research.google.com/github/",
    "/blob/",
    "mybinder.org",
    "localhost:8888",
    "\u{1e}",
    "{",
    "}",
    "\"",
    "[",
    "]",
    ",",
    "null",
    "\"version\": 1",
    "\"hubs\": [",
    "\"url\": \"",
    "\"kind\": \"binderhub\"",
    "\"activeHub\": \"",
    "\"version\": 2",
    "\"fallback\": false",
    "\"siteHubs\": [{\"site\": \"",
    "\"envRepo\": \"",
    "x-jupyterhub-version: ",
    "{\"binderhub\": \"",
    "{\"version\": \"",
    "window.pageConfig",
];

/// SplitMix64: small, seedable, the same sequence on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// One to four mutations of `input`, some splicing in a part of another seed.
fn mutate(rng: &mut Rng, input: &[u8], seeds: &[Vec<u8>]) -> Vec<u8> {
    let mut v = input.to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(v.len() + 1);
        match rng.below(9) {
            0 if !v.is_empty() => {
                let i = rng.below(v.len());
                v[i] ^= 1 << rng.below(8);
            }
            1 if !v.is_empty() => {
                let i = rng.below(v.len());
                v[i] = rng.next() as u8;
            }
            2 | 3 => {
                let t = TOKENS[rng.below(TOKENS.len())].as_bytes();
                v.splice(at..at, t.iter().copied());
            }
            4 if !v.is_empty() => {
                let end = (at + 1 + rng.below(16)).min(v.len());
                let start = at.min(end);
                v.drain(start..end);
            }
            5 if !v.is_empty() => {
                let start = rng.below(v.len());
                let end = (start + 1 + rng.below(32)).min(v.len());
                let chunk = v[start..end].to_vec();
                v.splice(at..at, chunk);
            }
            6 => {
                let other = &seeds[rng.below(seeds.len())];
                if !other.is_empty() {
                    let start = rng.below(other.len());
                    let end = (start + 1 + rng.below(64)).min(other.len());
                    v.splice(at..at, other[start..end].iter().copied());
                }
            }
            7 => v.truncate(at),
            _ => {
                let t = TOKENS[rng.below(TOKENS.len())].as_bytes();
                let end = (at + t.len()).min(v.len());
                v.splice(at..end, t.iter().copied());
            }
        }
    }
    v
}

/// The saved regressions of a target, sorted by name.
fn regressions(root: &Path, target: &str) -> Vec<Vec<u8>> {
    let Ok(dir) = std::fs::read_dir(root.join("fuzz/regressions").join(target)) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = dir.filter_map(|e| e.ok().map(|e| e.path())).collect();
    files.sort();
    files.iter().filter_map(|f| std::fs::read(f).ok()).collect()
}

/// Runs `input`; `Err` with the panic message when an invariant broke.
fn run_one(t: &FuzzTarget, input: &[u8]) -> Result<(), String> {
    std::panic::catch_unwind(|| (t.run)(input)).map_err(|p| {
        p.downcast_ref::<String>()
            .cloned()
            .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "a panic".into())
    })
}

/// FNV-1a, for a failing input's file name.
fn fnv(data: &[u8]) -> u64 {
    data.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

enum Budget {
    Runs(u64),
    Time(Duration),
}

struct Outcome {
    execs: u64,
    elapsed: Duration,
    failure: Option<(String, PathBuf)>,
}

fn fuzz(root: &Path, t: &FuzzTarget, budget: &Budget, seed: u64) -> Outcome {
    let mut seeds = (t.seeds)();
    seeds.extend(regressions(root, t.name));
    let start = Instant::now();
    let mut rng = Rng(seed ^ fnv(t.name.as_bytes()));
    let mut execs = 0u64;
    let fail = |input: &[u8], message: String| {
        let dir = root.join("fuzz/artifacts").join(t.name);
        let file = dir.join(format!("crash-{:016x}", fnv(input)));
        let saved = std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(&file, input));
        if let Err(e) = saved {
            eprintln!("could not save {}: {e}", file.display());
        }
        Some((message, file))
    };
    for s in &seeds {
        execs += 1;
        if let Err(m) = run_one(t, s) {
            return Outcome {
                execs,
                elapsed: start.elapsed(),
                failure: fail(s, m),
            };
        }
    }
    loop {
        let done = match budget {
            Budget::Runs(n) => execs >= seeds.len() as u64 + n,
            // Reading the clock every 256 inputs keeps it off the profile.
            Budget::Time(d) => execs % 256 == 0 && start.elapsed() >= *d,
        };
        if done {
            break;
        }
        let base = &seeds[rng.below(seeds.len())];
        let input = mutate(&mut rng, base, &seeds);
        execs += 1;
        if let Err(m) = run_one(t, &input) {
            return Outcome {
                execs,
                elapsed: start.elapsed(),
                failure: fail(&input, m),
            };
        }
    }
    Outcome {
        execs,
        elapsed: start.elapsed(),
        failure: None,
    }
}

fn usage() -> ! {
    eprintln!(
        "usage: fuzz [--runs N | --seconds S] [--seed N] [TARGET…] | --write-seeds DIR\ntargets: {}",
        TARGETS.iter().map(|t| t.name).collect::<Vec<_>>().join(" ")
    );
    std::process::exit(2)
}

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut args = std::env::args().skip(1);
    let mut budget = Budget::Runs(20_000);
    let mut seconds = None;
    let mut seed = 1u64;
    let mut names = Vec::new();
    while let Some(a) = args.next() {
        let mut value = || args.next().unwrap_or_else(|| usage());
        match a.as_str() {
            "--runs" => budget = Budget::Runs(value().parse().unwrap_or_else(|_| usage())),
            "--seconds" => seconds = Some(value().parse::<f64>().unwrap_or_else(|_| usage())),
            "--seed" => seed = value().parse().unwrap_or_else(|_| usage()),
            "--write-seeds" => {
                let dir = PathBuf::from(value());
                for t in TARGETS {
                    let d = dir.join(t.name);
                    let mut all = (t.seeds)();
                    all.extend(regressions(&root, t.name));
                    for s in all {
                        let written = std::fs::create_dir_all(&d).and_then(|()| {
                            std::fs::write(d.join(format!("seed-{:016x}", fnv(&s))), &s)
                        });
                        if let Err(e) = written {
                            eprintln!("{}: {e}", d.display());
                            std::process::exit(1);
                        }
                    }
                }
                return;
            }
            "--write-dict" => {
                let file = PathBuf::from(value());
                // libFuzzer's format: one quoted token a line, `\\`, `\"` and `\xHH` escapes.
                let mut dict = String::new();
                for t in TOKENS {
                    dict.push('"');
                    for b in t.bytes() {
                        match b {
                            b'\\' | b'"' => {
                                dict.push('\\');
                                dict.push(b as char);
                            }
                            0x20..=0x7e => dict.push(b as char),
                            _ => dict.push_str(&format!("\\x{b:02X}")),
                        }
                    }
                    dict.push_str("\"\n");
                }
                if let Err(e) = std::fs::write(&file, dict) {
                    eprintln!("{}: {e}", file.display());
                    std::process::exit(1);
                }
                return;
            }
            "--list" => {
                for t in TARGETS {
                    println!("{}", t.name);
                }
                return;
            }
            "--help" | "-h" => usage(),
            name if TARGETS.iter().any(|t| t.name == name) => names.push(name.to_string()),
            _ => usage(),
        }
    }
    let chosen: Vec<&FuzzTarget> = TARGETS
        .iter()
        .filter(|t| names.is_empty() || names.iter().any(|n| n == t.name))
        .collect();
    if let Some(s) = seconds {
        budget = Budget::Time(Duration::from_secs_f64(s / chosen.len() as f64));
    }
    // Targets report broken invariants by panicking; the harness prints them itself.
    std::panic::set_hook(Box::new(|_| {}));
    let mut total = 0u64;
    let mut failed = 0;
    println!("| target | executions | seconds | executions/s | result |");
    println!("|---|---|---|---|---|");
    for t in chosen.iter() {
        let o = fuzz(&root, t, &budget, seed);
        total += o.execs;
        let secs = o.elapsed.as_secs_f64();
        let result = match &o.failure {
            None => "ok".to_string(),
            Some((m, f)) => {
                failed += 1;
                format!("FAILED ({}): {}", f.display(), m.replace('\n', " "))
            }
        };
        println!(
            "| {} | {} | {:.1} | {:.0} | {} |",
            t.name,
            o.execs,
            secs,
            o.execs as f64 / secs.max(1e-9),
            result
        );
    }
    println!(
        "fuzz (seed {seed}): {total} executions over {} targets",
        chosen.len()
    );
    println!("{} passed, {failed} failed", chosen.len() - failed);
    if failed > 0 {
        std::process::exit(1);
    }
}
