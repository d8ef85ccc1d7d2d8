//! Equivalence before speed (issue 11): the extension's hot path (`rewrite_href`: hrefs a
//! browser normalised, read by a small splitter) and the full model (`rewrite`: raw text read
//! by the `url` crate) side by side, on the corpus as a browser hands it over (each link
//! normalised with `url::Url::parse(..).to_string()`), the corpus as written, the link forms'
//! examples, the saved fuzz findings and libFuzzer's corpora when present. Wherever the hot
//! path reads a link, the two must give the same rewrite in every field
//! (`byob::invariants::check_lean`); it may only defer, and on the normalised corpus it
//! defers on no link.

use byob::invariants::check_lean;
use byob::{Interface, Target, TargetKind};
use std::path::Path;

fn targets() -> Vec<Target> {
    let binder = Target::new(TargetKind::BinderHub, "https://binder.example.edu/").unwrap();
    let mut lab = binder.clone();
    lab.interface = Interface::Lab;
    let mut notebook = Target::new(TargetKind::BinderHub, "https://h.example/prefix/").unwrap();
    notebook.interface = Interface::Notebook;
    let mut no_colab = Target::new(TargetKind::JupyterHub, "https://hub.example.edu/").unwrap();
    no_colab.link_kinds.colab = false;
    vec![
        binder.clone(),
        binder
            .with_env_repo(Some("https://gitlab.com/group/sub/env"))
            .unwrap(),
        lab,
        notebook,
        no_colab,
        Target::new(TargetKind::JupyterHub, "https://hub.example.edu/jupyter/").unwrap(),
        Target::new(TargetKind::JupyterServer, "http://localhost:8889/").unwrap(),
        // A target the corpus has links on: they are `unchanged`.
        Target::new(TargetKind::BinderHub, "https://mybinder.org/").unwrap(),
    ]
}

/// Every input checked for every target; returns how many the hot path read.
fn check_all(inputs: &[String]) -> (usize, Vec<String>, Vec<String>) {
    let mut read = 0;
    let mut deferred = Vec::new();
    let mut failures = Vec::new();
    for t in targets() {
        for input in inputs {
            match check_lean(input, &t) {
                Ok(true) => read += 1,
                Ok(false) => deferred.push(input.clone()),
                Err(e) => failures.push(e),
            }
        }
    }
    (read, deferred, failures)
}

fn normalised(link: &str) -> Option<String> {
    url::Url::parse(link.trim()).ok().map(|u| u.to_string())
}

#[test]
fn the_hot_path_rewrites_the_normalised_corpus_as_the_full_model_does() {
    let links: Vec<String> = byob::fuzz::corpus_links()
        .iter()
        .filter_map(|l| normalised(l))
        .collect();
    assert!(links.len() > 400, "{}", links.len());
    let (read, deferred, failures) = check_all(&links);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Hrefs as a browser gives them are read, none deferred.
    assert!(deferred.is_empty(), "deferred: {deferred:#?}");
    assert_eq!(read, links.len() * targets().len());
    println!("lean: {read} rewrites identical to the full model's");
}

#[test]
fn the_hot_path_reads_raw_links_identically_or_defers() {
    let mut links = byob::fuzz::corpus_links();
    // Damaged, as tests/corpus.rs damages them: cut short, odd characters spliced in.
    let splices = [
        "%", "/", "?", "#", "&amp;", "%25", "é", " ", "//", "..", "%2e", "\\", "@", ":",
    ];
    let mut damaged = Vec::new();
    for l in &links {
        damaged.extend(byob::fuzz::spliced(l, &splices));
        damaged.extend(
            l.char_indices()
                .map(|(i, _)| l[..i].to_string())
                .filter(|c| c.len() % 7 == 0),
        );
    }
    links.extend(damaged);
    let (read, deferred, failures) = check_all(&links);
    assert!(
        failures.is_empty(),
        "{} differences:\n{}",
        failures.len(),
        failures.join("\n")
    );
    println!(
        "lean: {read} read and identical, {} deferred",
        deferred.len()
    );
}

#[test]
fn the_hot_path_agrees_on_every_saved_fuzz_input() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut inputs = Vec::new();
    for dir in ["regressions", "corpus"] {
        let Ok(targets) = std::fs::read_dir(root.join(dir)) else {
            continue;
        };
        for t in targets.flatten() {
            let Ok(files) = std::fs::read_dir(t.path()) else {
                continue;
            };
            for f in files.flatten() {
                let Ok(bytes) = std::fs::read(f.path()) else {
                    continue;
                };
                // The rewrite targets put a selector byte first; take the input with and without.
                let text = String::from_utf8_lossy(&bytes).into_owned();
                inputs.push(text.chars().skip(1).collect());
                inputs.push(text);
            }
        }
    }
    assert!(inputs.len() >= 30, "{}", inputs.len());
    let normalised: Vec<String> = inputs.iter().filter_map(|l| normalised(l)).collect();
    inputs.extend(normalised);
    let (read, deferred, failures) = check_all(&inputs);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    println!(
        "lean: {} fuzz inputs, {read} read, {} deferred",
        inputs.len(),
        deferred.len()
    );
}
