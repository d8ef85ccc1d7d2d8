//! The corpus of real launch links (tests/fixtures/links.jsonl): every link parses as
//! expected, or is listed with a reason in tests/fixtures/known-failures.txt; and every link
//! survives a rewrite to each target kind (parse(rewrite(link)) keeps repository, content
//! repository, branch and path), or the rewrite is refused with the documented reason.

use byob::{parse, rewrite, Launch, Parsed, RewriteStatus, Target, TargetKind};
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

/// A repository's identity, whatever form names it.
fn identity(url: &str) -> String {
    let u = url.trim().trim_end_matches('/').to_ascii_lowercase();
    let u = u
        .split_once("://")
        .map_or(u.as_str(), |(_, r)| r)
        .to_string();
    let u = u
        .split('/')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("/");
    u.strip_suffix(".git").unwrap_or(&u).to_string()
}

/// The content repository (what the reader's files come from) and its branch.
fn content(l: &Launch) -> Option<(String, Option<String>)> {
    if let Some(p) = &l.pull {
        return Some((identity(&p.repo), p.branch.clone()));
    }
    let repo = l.repo.as_ref()?;
    let r = repo.git_ref.clone().filter(|r| r != "HEAD");
    Some((
        repo.clone_url()
            .map(|c| identity(&c))
            .unwrap_or_else(|| repo.spec.clone()),
        r,
    ))
}

#[test]
fn every_corpus_link_round_trips_through_each_target_kind() {
    let targets = [
        Target::new(TargetKind::BinderHub, "https://binder.example.edu/").unwrap(),
        Target::new(TargetKind::BinderHub, "https://binder.example.edu/")
            .unwrap()
            .with_env_repo(Some("gh/org/env/main"))
            .unwrap(),
        Target::new(TargetKind::JupyterHub, "https://hub.example.edu/jupyter/").unwrap(),
        Target::new(TargetKind::JupyterServer, "http://localhost:8889/").unwrap(),
    ];
    let mut failures = Vec::new();
    let mut checked = 0;
    for case in corpus() {
        let url = case["url"].as_str().expect("url");
        let Ok(Parsed::Launch(before)) = parse(url) else {
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
            match r.status {
                RewriteStatus::Rewritten => {}
                RewriteStatus::Refused => {
                    let reason = r.reason.clone().unwrap_or_default();
                    if !(target.kind != TargetKind::BinderHub
                        && reason.contains("only a BinderHub can launch it"))
                    {
                        failures.push(why(&format!("refused: {reason}")));
                    }
                    continue;
                }
                other => {
                    failures.push(why(&format!("status {other:?}")));
                    continue;
                }
            }
            let out = r.output.as_deref().unwrap_or_default();
            if !out.starts_with(target.url()) {
                failures.push(why("output leaves the target hub"));
                continue;
            }
            let after = match parse(out) {
                Ok(Parsed::Launch(l)) => l,
                other => {
                    failures.push(why(&format!("output does not parse: {other:?}")));
                    continue;
                }
            };
            checked += 1;
            if after.hub != target.url() {
                failures.push(why(&format!("hub {} is not the target", after.hub)));
            }
            // The environment: kept on a BinderHub, unless the reader's environment repository
            // replaces the original hub's image (nbgitpuller content).
            if target.kind == TargetKind::BinderHub
                && before.pull.is_none()
                && after.repo.as_ref().map(|r| (&r.provider, &r.spec))
                    != before.repo.as_ref().map(|r| (&r.provider, &r.spec))
            {
                failures.push(why("repository changed"));
            }
            if target.kind == TargetKind::BinderHub
                && before.pull.is_some()
                && target.env().is_none()
                && before.repo.is_some()
                && after.repo != before.repo
            {
                failures.push(why("environment repository changed"));
            }
            let (c_before, b_before) = content(&before).unwrap_or_default();
            let (c_after, b_after) = content(&after).unwrap_or_default();
            if c_before != c_after {
                failures.push(why(&format!(
                    "content repository {c_before} became {c_after}"
                )));
            }
            let dropped = r.warnings.iter().any(|w| w.contains("pinned commit"))
                || before
                    .repo
                    .as_ref()
                    .is_some_and(|r| r.provider == byob::Provider::Gist);
            if b_before != b_after && !dropped {
                failures.push(why(&format!("branch {b_before:?} became {b_after:?}")));
            }
            let opens_file = !matches!(
                before.open.ui,
                byob::Ui::Other | byob::Ui::Rstudio | byob::Ui::Vscode
            );
            if opens_file && before.open.path != after.open.path {
                failures.push(why(&format!(
                    "path {:?} became {:?}",
                    before.open.path, after.open.path
                )));
            }
        }
    }
    assert!(checked > 600, "only {checked} round trips checked");
    assert!(
        failures.is_empty(),
        "{} round-trip failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Damaged links (every corpus link cut short, and with odd characters spliced in) are read,
/// refused or reported — never a panic, and a rewrite never leaves the target hub.
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
    for case in corpus() {
        let url = case["url"].as_str().expect("url");
        let cuts = url.char_indices().map(|(i, _)| i).filter(|i| i % 3 == 0);
        let mut damaged: Vec<String> = cuts.map(|i| url[..i].to_string()).collect();
        for (n, s) in splices.iter().enumerate() {
            let at = url
                .char_indices()
                .map(|(i, _)| i)
                .nth(url.len() * (n + 1) / (splices.len() + 2))
                .unwrap_or(0);
            damaged.push(format!("{}{s}{}", &url[..at], &url[at..]));
        }
        for d in &damaged {
            let _ = parse(d);
            for t in &targets {
                if let Some(out) = rewrite(d, t).output {
                    assert!(out.starts_with(t.url()), "{d} → {out}");
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 10_000, "only {checked} damaged links checked");
}
