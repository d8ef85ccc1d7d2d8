//! The corpus of real launch links (tests/fixtures/links.jsonl): every link parses as
//! expected, or is listed with a reason in tests/fixtures/known-failures.txt; and every link
//! survives a rewrite to each target kind (parse(rewrite(link)) keeps repository, content
//! repository, branch and path), or the rewrite is refused with the documented reason.

use byob::invariants::{binderhub_page_urlpath, check_rewrite, form_pairs, is_dot_segment_refusal};
use byob::{parse, rewrite, Interface, Parsed, RewriteStatus, Target, TargetKind};
use serde_json::{json, Value};
use std::collections::BTreeMap;

fn corpus() -> Vec<Value> {
    include_str!("fixtures/links.jsonl")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad corpus line {l}: {e}")))
        .collect()
}

fn known_failures() -> BTreeMap<String, String> {
    include_str!("fixtures/known-failures.txt")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let (url, reason) = l
                .split_once('\t')
                .unwrap_or_else(|| panic!("known-failures line without a tab: {l}"));
            assert!(
                !reason.trim().is_empty(),
                "known failure without a reason: {url}"
            );
            (url.to_string(), reason.to_string())
        })
        .collect()
}

/// What the parser says, in the corpus's `expect` shape.
fn observed(url: &str) -> Value {
    match parse(url) {
        Ok(Parsed::Launch(l)) => json!({
            "status": "launch",
            "kind": l.kind,
            "hub": l.hub,
            "repo": l.repo,
            "pull": l.pull,
            "path": l.open.path,
            "ui": l.open.ui,
        }),
        Ok(Parsed::NotLaunch(_)) => json!({"status": "none"}),
        Err(_) => json!({"status": "invalid"}),
    }
}

#[test]
fn every_corpus_link_parses_as_expected_or_is_a_reviewed_known_failure() {
    let corpus = corpus();
    let known = known_failures();
    let launches = corpus
        .iter()
        .filter(|c| c["expect"]["status"] == "launch")
        .count();
    let none = corpus
        .iter()
        .filter(|c| c["expect"]["status"] == "none")
        .count();
    assert!(
        launches >= 150,
        "only {launches} launch links in the corpus"
    );
    assert!(none >= 25, "only {none} non-launch links in the corpus");
    let mut unexpected = Vec::new();
    let mut stale = Vec::new();
    for case in &corpus {
        let url = case["url"].as_str().expect("url");
        let got = observed(url);
        let ok = got == case["expect"];
        match (ok, known.contains_key(url)) {
            (false, false) => unexpected.push(format!(
                "{url}\n  expected {}\n  got      {got}",
                case["expect"]
            )),
            (true, true) => stale.push(url.to_string()),
            _ => {}
        }
    }
    for url in known.keys() {
        assert!(
            corpus.iter().any(|c| c["url"] == url.as_str()),
            "known failure not in corpus: {url}"
        );
    }
    assert!(
        unexpected.is_empty(),
        "{} corpus links parse unexpectedly:\n{}",
        unexpected.len(),
        unexpected.join("\n")
    );
    assert!(
        stale.is_empty(),
        "known failures that now pass (remove them):\n{}",
        stale.join("\n")
    );
    println!(
        "corpus: {} links ({launches} launch, {none} none), {} known failures",
        corpus.len(),
        known.len()
    );
}

/// The targets every corpus link is rewritten for: each kind, a hub under a path prefix, an
/// environment repository, and the interface preferences (which make a BinderHub link be
/// rendered from the model rather than copied).
fn targets() -> Vec<Target> {
    let binder = Target::new(TargetKind::BinderHub, "https://binder.example.edu/").unwrap();
    let mut lab = binder.clone();
    lab.interface = Interface::Lab;
    let mut notebook = Target::new(TargetKind::BinderHub, "https://h.example/prefix/").unwrap();
    notebook.interface = Interface::Notebook;
    vec![
        binder.clone(),
        binder.with_env_repo(Some("gh/org/env/main")).unwrap(),
        lab,
        notebook,
        Target::new(TargetKind::JupyterHub, "https://hub.example.edu/jupyter/").unwrap(),
        Target::new(TargetKind::JupyterServer, "http://localhost:8889/").unwrap(),
    ]
}

/// Every corpus link, rewritten for every target, keeps the invariants (src/invariants.rs):
/// on the target, no dot segment, idempotent, and parse(rewrite(link)) keeps repository,
/// content repository, branch and path — or the rewrite is refused with a documented reason
/// (a data provider on a hub or a server; a `..` in the link).
#[test]
fn every_corpus_link_round_trips_through_each_target_kind() {
    let targets = targets();
    let mut failures = Vec::new();
    let mut checked = 0;
    for case in corpus() {
        let url = case["url"].as_str().expect("url");
        let Ok(Parsed::Launch(_)) = parse(url) else {
            continue;
        };
        for target in &targets {
            let r = rewrite(url, target);
            let why = |m: &str| {
                format!(
                    "{url} → {} {}: {m} ({:?})",
                    target.kind.as_str(),
                    target.url(),
                    r.output
                )
            };
            if let Err(e) = check_rewrite(url, target, &r) {
                failures.push(why(&e));
            }
            match r.status {
                RewriteStatus::Rewritten => checked += 1,
                RewriteStatus::Refused if is_dot_segment_refusal(&r) => {}
                RewriteStatus::Refused => {
                    let reason = r.reason.clone().unwrap_or_default();
                    if !(target.kind != TargetKind::BinderHub
                        && reason.contains("only a BinderHub can launch it"))
                    {
                        failures.push(why(&format!("refused: {reason}")));
                    }
                }
                other => failures.push(why(&format!("status {other:?}"))),
            }
        }
    }
    assert!(checked > 1200, "only {checked} round trips checked");
    assert!(
        failures.is_empty(),
        "{} round-trip failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    println!("corpus: {checked} rewrites checked");
}

/// Every BinderHub link byob writes arrives as byob means it: BinderHub's launch page reads
/// the query with `decodeURI`, then `URLSearchParams`, and a nested `git-pull?…` query is
/// read once more by nbgitpuller. Applied to every rendered BinderHub link of the corpus
/// (the reader's environment repository and interface preferences force rendering).
#[test]
fn every_rendered_binderhub_link_reads_back_through_binderhubs_page() {
    let mut checked = 0;
    for case in corpus() {
        let url = case["url"].as_str().expect("url");
        for target in targets().iter().filter(|t| t.kind == TargetKind::BinderHub) {
            let r = rewrite(url, target);
            let Some(out) = r.output else { continue };
            let Some(page) = binderhub_page_urlpath(&out) else {
                continue;
            };
            let Ok(Parsed::Launch(after)) = parse(&out) else {
                panic!("{out} does not parse");
            };
            if let Some(inner) = page.trim_start_matches('/').strip_prefix("git-pull?") {
                let ps = form_pairs(inner);
                let get = |k: &str| ps.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone());
                let pull = after.pull.clone().expect("a pull");
                assert_eq!(get("repo"), Some(pull.repo), "{url} → {out}");
                assert_eq!(get("branch"), pull.branch, "{url} → {out}");
                assert_eq!(get("urlpath"), after.open.urlpath, "{url} → {out}");
            } else if !out.contains("labpath=") && !out.contains("filepath=") {
                assert_eq!(
                    Some(page.trim_start_matches('/')),
                    after.open.urlpath.as_deref(),
                    "{url} → {out}"
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 300, "only {checked} links checked");
}

/// Damaged links (every corpus link cut short, and with odd characters spliced in) are read,
/// refused or reported — never a panic — and every rewrite keeps the invariants.
#[test]
fn damaged_corpus_links_never_panic_or_escape_the_hub() {
    let targets = [
        Target::new(TargetKind::BinderHub, "https://binder.example.edu/").unwrap(),
        Target::new(TargetKind::JupyterHub, "https://hub.example.edu/").unwrap(),
        Target::new(TargetKind::JupyterServer, "http://localhost:8889/").unwrap(),
    ];
    let splices = [
        "%", "%2", "/", "?", "#", "&amp;", "%25", "é", "\u{0}", " ", "//", "..", "%3F", "=",
    ];
    let mut checked = 0;
    let mut failures = Vec::new();
    for case in corpus() {
        let url = case["url"].as_str().expect("url");
        let cuts = url.char_indices().map(|(i, _)| i).filter(|i| i % 3 == 0);
        let mut damaged: Vec<String> = cuts.map(|i| url[..i].to_string()).collect();
        damaged.extend(byob::fuzz::spliced(url, &splices));
        for d in &damaged {
            let _ = parse(d);
            for t in &targets {
                let r = rewrite(d, t);
                if let Err(e) = check_rewrite(d, t, &r) {
                    failures.push(format!("{d} → {}: {e}", t.url()));
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 10_000, "only {checked} damaged links checked");
    assert!(
        failures.is_empty(),
        "{} damaged links break an invariant:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
