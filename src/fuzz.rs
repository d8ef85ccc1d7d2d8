//! Fuzz targets (the `fuzzing` feature; docs/fuzzing.md). Each target is one small function
//! of arbitrary bytes that panics, naming the broken rule, when an invariant of
//! [`crate::invariants`] does not hold. Two engines run them: cargo-fuzz / libFuzzer
//! (`fuzz/fuzz_targets/*.rs`, one line each) and the in-tree seeded mutator
//! (`examples/fuzz.rs`, `make test-fuzz` and `make fuzz` without cargo-fuzz). A new target
//! (a differential one for a fast path, say) is a function here and a line in [`TARGETS`].

use crate::invariants::{check_launch, check_lean, check_rendered, check_rewrite};
use crate::settings::{self, Settings};
use crate::{
    classify, myst_binder_link, parse, parse_repo_link, probe_plan, render, rewrite, HubKind,
    Interface, MystBinder, Parsed, ProbeErrorKind, ProbeResponse, Target, TargetKind, MAX_LINK_LEN,
};

/// A fuzz target: its name (the cargo-fuzz binary and the in-tree harness use it), the
/// function, and the seeds it starts from.
pub struct FuzzTarget {
    /// The target's name.
    pub name: &'static str,
    /// Runs one input; panics on a broken invariant.
    pub run: fn(&[u8]),
    /// Seed inputs: the corpus, the link forms' examples, and target-specific shapes.
    pub seeds: fn() -> Vec<Vec<u8>>,
}

/// Every fuzz target.
pub const TARGETS: &[FuzzTarget] = &[
    FuzzTarget {
        name: "parse",
        run: parse_link,
        seeds: link_seeds,
    },
    FuzzTarget {
        name: "parse_form",
        run: parse_form,
        seeds: selected_link_seeds,
    },
    FuzzTarget {
        name: "parse_repo_link",
        run: repo_link,
        seeds: link_seeds,
    },
    FuzzTarget {
        name: "rewrite_binderhub",
        run: rewrite_binderhub,
        seeds: selected_link_seeds,
    },
    FuzzTarget {
        name: "rewrite_jupyterhub",
        run: rewrite_jupyterhub,
        seeds: selected_link_seeds,
    },
    FuzzTarget {
        name: "rewrite_jupyter_server",
        run: rewrite_jupyter_server,
        seeds: selected_link_seeds,
    },
    FuzzTarget {
        name: "rewrite_any_hub",
        run: rewrite_any_hub,
        seeds: hub_seeds,
    },
    FuzzTarget {
        name: "myst_link",
        run: myst_link,
        seeds: myst_seeds,
    },
    FuzzTarget {
        name: "settings",
        run: settings_validate_migrate,
        seeds: settings_seeds,
    },
    FuzzTarget {
        name: "detect",
        run: detect,
        seeds: detect_seeds,
    },
    FuzzTarget {
        name: "lean",
        run: lean,
        seeds: lean_seeds,
    },
    FuzzTarget {
        name: "wire",
        run: wire,
        seeds: wire_seeds,
    },
    FuzzTarget {
        name: "policy",
        run: policy,
        seeds: policy_seeds,
    },
    FuzzTarget {
        name: "health",
        run: health,
        seeds: health_seeds,
    },
];

/// Panics with the broken rule and the input, so that both engines report it.
fn holds(result: Result<(), String>, input: &str) {
    if let Err(e) = result {
        panic!("invariant broken: {e}\ninput: {input:?}");
    }
}

fn text(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}

/// `byob::parse`: never panics; a launch is well formed.
pub fn parse_link(data: &[u8]) {
    let s = text(data);
    if let Ok(Parsed::Launch(l)) = parse(&s) {
        holds(check_launch(&l), &s);
    }
}

/// Each link form's own entry, chosen by the first byte, on any URL.
pub fn parse_form(data: &[u8]) {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let s = text(rest);
    if s.len() > MAX_LINK_LEN {
        return;
    }
    let forms = crate::parse::FORMS;
    let form = &forms[usize::from(which) % forms.len()];
    // What every form is handed: an http(s) URL with a host.
    let Ok(url) = crate::parse::parse_url(&s) else {
        return;
    };
    if let Ok(crate::parse::Claim::Launch(l)) = (form.parse)(&crate::parse::Link::of(&url)) {
        holds(check_launch(&l), &s);
    }
}

/// The three target kinds a GitHub page or any link is rendered for.
fn plain_targets() -> [Target; 3] {
    [
        target(TargetKind::BinderHub, "https://binder.example.edu/"),
        target(TargetKind::JupyterHub, "https://h.example/prefix/"),
        target(TargetKind::JupyterServer, "http://localhost:8888/"),
    ]
}

fn target(kind: TargetKind, url: &str) -> Target {
    match Target::new(kind, url) {
        Ok(t) => t,
        Err(e) => panic!("fuzz target {url}: {e}"),
    }
}

/// `parse_repo_link` (the context menu's GitHub pages): a launch is well formed, and renders
/// for each target kind within the rules.
pub fn repo_link(data: &[u8]) {
    let s = text(data);
    let Some(launch) = parse_repo_link(&s) else {
        return;
    };
    holds(check_launch(&launch), &s);
    for t in plain_targets() {
        if let Ok(r) = render(&launch, &t) {
            holds(check_rendered(&launch, &r.url, &t, &r.warnings), &s);
        }
    }
}

/// A target of `kind` at `url` with the preferences the first input byte selects: the
/// interface (follow, lab, notebook), an environment repository (none, gh, a GitLab URL),
/// and which link kinds are on.
fn configured(kind: TargetKind, url: &str, options: u8) -> Target {
    let mut t = target(kind, url);
    t.interface = match options % 3 {
        0 => Interface::Follow,
        1 => Interface::Lab,
        _ => Interface::Notebook,
    };
    let env = match (options / 3) % 3 {
        0 => None,
        1 => Some("gh/org/env/main"),
        _ => Some("https://gitlab.com/group/sub/env"),
    };
    t = match t.with_env_repo(env) {
        Ok(t) => t,
        Err(e) => panic!("fuzz environment repository {env:?}: {e}"),
    };
    if options & 0x80 != 0 {
        t.link_kinds.colab = false;
    }
    t
}

/// A rewrite for a target: the first byte picks the preferences, the rest is the link.
fn rewrite_for(kind: TargetKind, url: &str, data: &[u8]) {
    let Some((&options, rest)) = data.split_first() else {
        return;
    };
    let t = configured(kind, url, options);
    let link = text(rest);
    let r = rewrite(&link, &t);
    holds(check_rewrite(&link, &t, &r), &link);
}

/// The rewrite for a BinderHub, with and without an environment repository.
pub fn rewrite_binderhub(data: &[u8]) {
    rewrite_for(TargetKind::BinderHub, "https://binder.example.edu/", data);
}

/// The rewrite for a JupyterHub under a path prefix.
pub fn rewrite_jupyterhub(data: &[u8]) {
    rewrite_for(TargetKind::JupyterHub, "https://h.example/prefix/", data);
}

/// The rewrite for a Jupyter Server.
pub fn rewrite_jupyter_server(data: &[u8]) {
    rewrite_for(TargetKind::JupyterServer, "http://localhost:8888/", data);
}

/// A target of any kind at any base URL (the first byte picks the kind, the first line is
/// the URL): what `Target::new` accepts rewrites links within the rules, idempotent.
pub fn rewrite_any_hub(data: &[u8]) {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let s = text(rest);
    let (hub, link) = s.split_once('\n').unwrap_or((&s, ""));
    let kind = [
        TargetKind::BinderHub,
        TargetKind::JupyterHub,
        TargetKind::JupyterServer,
    ][usize::from(which) % 3];
    let Ok(t) = Target::new(kind, hub) else {
        return;
    };
    let links = [
        link,
        "https://mybinder.org/v2/gh/o/r/main?urlpath=lab/tree/x.ipynb",
        "https://other.example/hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2Fo%2Fc&urlpath=tree%2Fc%2Fx.ipynb",
        "https://colab.research.google.com/github/o/r/blob/main/x.ipynb",
    ];
    for l in links {
        let r = rewrite(l, &t);
        holds(check_rewrite(l, &t, &r), &s);
    }
}

/// `myst_binder_link` (the `mystLink` export): fields `url`, `provider`, `repo`, `ref`,
/// `location` on lines. A link it builds is within the length limit, parses as a Binder
/// launch, and rewrites within the rules for every target kind.
pub fn myst_link(data: &[u8]) {
    let s = text(data);
    let mut lines = s.split('\n');
    let mut field = || lines.next().map(str::to_string).filter(|f| f != "-");
    let binder = MystBinder {
        url: field(),
        provider: field(),
        repo: field().unwrap_or_default(),
        git_ref: field(),
    };
    let location = field();
    let Ok(link) = myst_binder_link(&binder, location.as_deref()) else {
        return;
    };
    if link.len() > MAX_LINK_LEN {
        panic!("mystLink built a link over the limit: {link}");
    }
    match parse(&link) {
        Ok(Parsed::Launch(l)) if l.kind == crate::LaunchKind::Binder => {}
        other => panic!("mystLink built {link}, which parses as {other:?}\ninput: {s:?}"),
    }
    for t in plain_targets() {
        let r = rewrite(&link, &t);
        holds(check_rewrite(&link, &t, &r), &link);
    }
}

/// Settings `validate`, `migrate` and `import` (over the defaults and over a configured
/// set): what they accept validates again to the same value, and the active target and every
/// target of its routes rewrite within the rules.
pub fn settings_validate_migrate(data: &[u8]) {
    let s = text(data);
    let configured = settings::validate(
        r#"{"version": 2, "hubs": [{"url": "https://hub.example.edu/", "name": "h", "kind": "jupyterhub"}, {"url": "https://b.example/binder/", "name": "b", "kind": "binderhub"}], "fallback": true, "siteHubs": [{"site": "books.example.org", "hub": "https://b.example/binder/"}], "interface": "lab", "envRepo": null, "linkKinds": {"binder": true, "nbgitpuller": true, "colab": true}, "mode": "rewrite", "disabledSites": ["example.org"]}"#,
    )
    .unwrap_or_default();
    let imported = [Settings::default(), configured]
        .map(|current| settings::import(&current, &s).map(|i| i.settings));
    for result in [settings::validate(&s), settings::migrate(&s)]
        .into_iter()
        .chain(imported)
    {
        let Ok(v) = result else { continue };
        let again = serde_json::to_string(&v)
            .map_err(|e| e.to_string())
            .and_then(|j| settings::validate(&j).map_err(|e| e.to_string()));
        match again {
            Ok(w) if w == v => {}
            other => {
                panic!("settings accepted {v:?}, which validate again as {other:?}\ninput: {s:?}")
            }
        }
        check_active_target(&v, &s);
    }
}

fn check_active_target(v: &Settings, input: &str) {
    let routes = crate::routes::routes(v, &crate::health::HealthMap::new());
    let steps = routes
        .sites
        .iter()
        .filter_map(|s| s.route.as_ref())
        .chain([&routes.default])
        .flat_map(|r| r.steps.iter().map(|s| s.target.clone()));
    for t in v.active_target().into_iter().chain(steps) {
        for link in [
            "https://mybinder.org/v2/gh/o/r/main?urlpath=lab/tree/x.ipynb",
            "https://other.example/hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2Fo%2Fc&urlpath=tree%2Fc%2Fx.ipynb",
        ] {
            let r = rewrite(link, &t);
            holds(check_rewrite(link, &t, &r), input);
        }
    }
}

/// An institution's policy (`crate::managed`), over reader settings the first byte picks:
/// reading it never fails and keeps its limits; the settings in use it gives are valid, start
/// with a locked policy's hubs in its order, and storing them unchanged changes nothing in use;
/// removing a locked hub is refused.
pub fn policy(data: &[u8]) {
    use crate::managed::{self, PresetChoices, MAX_POLICY_HUBS, MAX_PROBLEMS};
    let (pick, rest) = data.split_first().map_or((0, &[][..]), |(b, r)| (*b, r));
    let input = text(rest);
    let p = managed::read(&input);
    let broken = |rule: &str| panic!("policy: {rule}\ninput: {input:?}");
    if p.hubs.len() > MAX_POLICY_HUBS || p.problems.len() > MAX_PROBLEMS + 1 {
        broken("more hubs or problems than the limits");
    }
    for (i, h) in p.hubs.iter().enumerate() {
        if p.hubs[..i].iter().any(|o| o.url == h.url) || crate::hubs::target_kind(h.kind).is_none()
        {
            broken("a hub listed twice, or of a kind that cannot launch");
        }
    }
    let stored = settings::migrate(
        r#"{"version": 2, "hubs": [{"url": "https://hub.example.edu/", "name": "h", "kind": "jupyterhub"}, {"url": "https://b.example/binder/", "name": "b", "kind": "binderhub"}], "fallback": true, "siteHubs": [{"site": "books.example.org", "hub": "https://b.example/binder/"}], "interface": "follow", "envRepo": null, "linkKinds": {"binder": true, "nbgitpuller": true, "colab": true}, "mode": "rewrite", "disabledSites": []}"#,
    )
    .unwrap_or_default();
    let stored = if pick & 1 == 0 {
        stored
    } else {
        Settings::default()
    };
    let choices = PresetChoices {
        removed: p
            .hubs
            .iter()
            .skip(usize::from(pick >> 1 & 3))
            .take(1)
            .map(|h| h.url.clone())
            .collect(),
    };
    let merged = managed::merge(&stored, &p, &choices);
    let again = serde_json::to_string(&merged).map(|j| settings::migrate(&j));
    if !matches!(again, Ok(Ok(ref w)) if *w == merged) {
        broken("the settings in use do not validate again as themselves");
    }
    if p.locked
        && !merged
            .hubs
            .iter()
            .map(|h| &h.url)
            .take(p.hubs.len())
            .eq(p.hubs.iter().map(|h| &h.url))
    {
        broken("a locked policy's hubs do not come first, in its order");
    }
    check_active_target(&merged, &input);
    // Stored unchanged, and with a site sent to the first of the organisation's hubs in use
    // (the rule needs the hub stored): what is stored is valid, and gives back the settings in use.
    let mut with_rule = merged.clone();
    if let Some(first) = merged.hubs.iter().find(|h| p.has(&h.url)) {
        with_rule.site_hubs.retain(|r| r.site != "fuzz.example.net");
        with_rule.site_hubs.push(settings::SiteHub {
            site: "fuzz.example.net".into(),
            hub: first.url.clone(),
        });
    }
    for next in [&merged, &with_rule] {
        match managed::store(next, &stored, &p, &choices) {
            Ok((kept, kept_choices)) => {
                let valid = serde_json::to_string(&kept).map(|j| settings::migrate(&j));
                if !matches!(valid, Ok(Ok(ref w)) if *w == kept) {
                    broken("what is stored is not valid settings");
                }
                if managed::merge(&kept, &p, &kept_choices) != *next {
                    broken("storing the settings in use changed them");
                }
            }
            Err(e) => broken(&format!("storing the settings in use was refused: {e}")),
        }
    }
    if p.locked {
        if let Some(first) = p.hubs.first() {
            let mut next = merged.clone();
            next.hubs.retain(|h| h.url != first.url);
            next.site_hubs.retain(|r| r.hub != first.url);
            if managed::store(&next, &stored, &p, &choices).is_ok() {
                broken("removing a locked hub was stored");
            }
        }
    }
}

/// Detection: `probe_plan` on the first line, then `classify` with responses the rest of
/// the input describes (records split by `\x1e`: a status byte, a flags byte, header lines
/// `name: value`, a blank line, the body). A detection says something, a hub that can
/// launch has an http(s) base, an unknown one has no launch URL, and a launch problem is said
/// of a hub that can launch, in its message too.
pub fn detect(data: &[u8]) {
    let s = text(data);
    let (input, rest) = s.split_once('\n').unwrap_or((&s, ""));
    let Ok(plan) = probe_plan(input) else { return };
    let mut records = rest.split('\u{1e}');
    let responses: Vec<ProbeResponse> = plan
        .probes
        .iter()
        .filter_map(|probe| {
            let record = records.next()?;
            let mut bytes = record.bytes();
            let status = match bytes.next().unwrap_or(0) % 8 {
                0 => 0,
                1 => 200,
                2 => 302,
                3 => 403,
                4 => 404,
                5 => 500,
                6 => 503,
                _ => 200,
            };
            let flags = bytes.next().unwrap_or(0);
            let record = record.get(2.min(record.len())..).unwrap_or_default();
            let (head, body) = record.split_once("\n\n").unwrap_or((record, ""));
            let headers: crate::str_map::StrMap<String> = head
                .lines()
                .filter_map(|l| l.split_once(':'))
                .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
                .collect();
            Some(ProbeResponse {
                id: probe.id.clone(),
                status,
                url: if flags & 1 != 0 {
                    format!(
                        "{}hub/login",
                        plan.candidates.first().map_or("", |c| c.as_str())
                    )
                } else {
                    probe.url.clone()
                },
                redirected: flags & 1 != 0,
                headers,
                body: (flags & 2 == 0).then(|| body.to_string()),
                error: (status == 0).then(|| "connection refused".to_string()),
                error_kind: (status == 0).then(|| {
                    ProbeErrorKind::ALL[usize::from(flags >> 3) % ProbeErrorKind::ALL.len()]
                }),
                cors_checked: flags & 4 != 0,
            })
        })
        .collect();
    let d = classify(&plan, &responses);
    if d.message.trim().is_empty() {
        panic!("a detection without a message: {d:?}\ninput: {s:?}");
    }
    match (&d.kind, &d.launch_url) {
        (HubKind::Unknown, Some(u)) => panic!("an unknown hub with a launch url {u}\ninput: {s:?}"),
        (_, Some(u))
            if !(u.starts_with("http://") || u.starts_with("https://")) || !u.ends_with('/') =>
        {
            panic!("launch url {u} is not an http(s) base\ninput: {s:?}")
        }
        _ => {}
    }
    if let Some(problem) = &d.launch_problem {
        if d.launch_url.is_none() || !d.message.contains(problem.as_str()) {
            panic!(
                "a launch problem without a launch url, or not in the message: {d:?}\ninput: {s:?}"
            );
        }
    }
}

/// The hot path against the full model (issue 11): the first byte picks the target kind and
/// preferences, the rest is the link, checked as given and as the `url` crate normalises it
/// (what a browser hands over). Where the splitter reads a link, the `url` crate serialises
/// it unchanged and the two rewrites are the same in every field (`check_lean`).
pub fn lean(data: &[u8]) {
    let Some((&options, rest)) = data.split_first() else {
        return;
    };
    let (kind, url) = [
        (TargetKind::BinderHub, "https://binder.example.edu/"),
        (TargetKind::JupyterHub, "https://h.example/prefix/"),
        (TargetKind::JupyterServer, "http://localhost:8888/"),
    ][usize::from(options >> 5) % 3];
    let t = configured(kind, url, options & 0x9f);
    let link = text(rest);
    holds(check_lean(&link, &t).map(|_| ()), &link);
    if let Ok(u) = url::Url::parse(&link) {
        let normalised = u.to_string();
        holds(check_lean(&normalised, &t).map(|_| ()), &normalised);
    }
}

/// The hot module's target text (`Target::from_wire`, hostile in principle: it comes back
/// from the browser's storage): never a panic; its shortcut for a base at its host's root
/// agrees with the parser's reading of the base's own links (`from_wire_fully`); a text it
/// accepts writes back (`Target::wire`) to a text that reads and writes again the same.
pub fn wire(data: &[u8]) {
    let s = text(data);
    let read = Target::from_wire(&s);
    let full = Target::from_wire_fully(&s);
    if read != full {
        panic!("invariant broken: from_wire gives {read:?}, the full check {full:?}\ninput: {s:?}");
    }
    if let Ok(t) = read {
        // The text as written (what the background stores) reads back and writes again the
        // same. Not the same target: a text whose environment repository lacks the typed
        // `envRepo` field reads it as none, and writes it as empty.
        let written = t.wire();
        let again = Target::from_wire(&written).map(|t| t.wire());
        if again.as_ref() != Ok(&written) {
            panic!("invariant broken: the target written as {written:?} reads back as {again:?}\ninput: {s:?}");
        }
    }
}

/// Target texts (`render::target::wire_examples`), as bytes.
fn wire_seeds() -> Vec<Vec<u8>> {
    crate::render::wire_examples()
        .into_iter()
        .map(String::into_bytes)
        .collect()
}

/// Corpus links as a browser hands them over (normalised), and as written, behind a selector
/// byte.
fn lean_seeds() -> Vec<Vec<u8>> {
    corpus_links()
        .into_iter()
        .enumerate()
        .flat_map(|(i, l)| {
            let normalised = url::Url::parse(&l).map(|u| u.to_string()).ok();
            [Some(l), normalised].into_iter().flatten().map(move |l| {
                let mut v = vec![(i * 7 % 251) as u8];
                v.extend(l.into_bytes());
                v
            })
        })
        // The express lane's shapes (src/express.rs), for each target kind.
        .chain(
            crate::express::EXAMPLES
                .iter()
                .flat_map(|l| [0u8, 0x20, 0x40].map(|kind| [&[kind], l.as_bytes()].concat())),
        )
        .collect()
}

/// The corpus links (tests/fixtures/links.jsonl) and every link form's examples.
pub fn corpus_links() -> Vec<String> {
    let mut links: Vec<String> = include_str!("../tests/fixtures/links.jsonl")
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v["url"].as_str().map(str::to_string))
        .collect();
    for form in crate::parse::FORMS {
        links.extend(form.examples.iter().map(|e| e.to_string()));
    }
    links
}

/// `link` with each of `splices` inserted once, at evenly spread places (the n-th splice at
/// n + 1 parts of `splices.len() + 2`): links damaged as a copy-paste or a bad template damages
/// them, for the corpus and hot-path tests.
pub fn spliced(link: &str, splices: &[&str]) -> Vec<String> {
    splices
        .iter()
        .enumerate()
        .map(|(n, s)| {
            let at = link
                .char_indices()
                .map(|(i, _)| i)
                .nth(link.len() * (n + 1) / (splices.len() + 2))
                .unwrap_or(0);
            format!("{}{s}{}", &link[..at], &link[at..])
        })
        .collect()
}

fn link_seeds() -> Vec<Vec<u8>> {
    corpus_links().into_iter().map(String::into_bytes).collect()
}

/// Corpus links behind a selector byte (preferences, or which form), several per link.
fn selected_link_seeds() -> Vec<Vec<u8>> {
    corpus_links()
        .into_iter()
        .enumerate()
        .map(|(i, l)| {
            let mut v = vec![(i % 251) as u8];
            v.extend(l.into_bytes());
            v
        })
        .collect()
}

fn hub_seeds() -> Vec<Vec<u8>> {
    let hubs = [
        "https://binder.example.edu/",
        "hub.example.edu",
        "https://h.example/prefix/",
        "localhost:8888",
        "http://127.0.0.1:18002/jupyter/",
        "https://notebooks.gesis.org/binder/",
        "HTTPS://H.ORG/a%2e%2e/",
    ];
    let links = corpus_links();
    hubs.iter()
        .enumerate()
        .flat_map(|(i, h)| {
            links.iter().step_by(17).enumerate().map(move |(j, l)| {
                let mut v = vec![((i + j) % 3) as u8];
                v.extend(format!("{h}\n{l}").into_bytes());
                v
            })
        })
        .collect()
}

fn myst_seeds() -> Vec<Vec<u8>> {
    [
        "https://mybinder.org/\ngithub\nprojectpythia/cookbook-template\nHEAD\n/notebooks/notebook-template.ipynb",
        "-\ngitlab\ngroup/sub/project\nmain\n/a b.ipynb",
        "https://binder.example.edu/prefix\ngit\nhttps://framagit.org/a/b.git\nv1\n/x.ipynb",
        "-\n-\nhttps://github.com/o/r\n-\n/x.ipynb",
        "-\ngist\nu/abc123\n-\n-",
    ]
    .iter()
    .map(|s| s.as_bytes().to_vec())
    .collect()
}

fn settings_seeds() -> Vec<Vec<u8>> {
    let mut seeds: Vec<Vec<u8>> = [
        r#"{"hub": "hub.example.edu", "hubKind": "jupyterhub"}"#,
        r#"{"version": 1, "hubs": [{"url": "https://hub.example.edu/", "name": "hub.example.edu", "kind": "jupyterhub", "version": "5.2.1", "cors": false}], "activeHub": "https://hub.example.edu/", "interface": "lab", "envRepo": null, "linkKinds": {"binder": true, "nbgitpuller": true, "colab": false}, "mode": "rewrite", "disabledSites": ["example.org"]}"#,
        r#"{"version": 1, "hubs": [{"url": "https://b.example/binder/", "name": "b", "kind": "binderhub"}], "activeHub": "https://b.example/binder/", "interface": "follow", "envRepo": "gh/org/env/main", "linkKinds": {"binder": true, "nbgitpuller": true, "colab": true}, "mode": "private", "disabledSites": []}"#,
        r#"{"version": 2, "hubs": [{"url": "https://b.example/binder/", "name": "b", "kind": "binderhub"}, {"url": "https://hub.example.edu/", "name": "u", "kind": "jupyterhub"}], "fallback": false, "siteHubs": [{"site": "books.example.org", "hub": "https://hub.example.edu/"}], "interface": "lab", "envRepo": null, "linkKinds": {"binder": true, "nbgitpuller": true, "colab": true}, "mode": "rewrite", "disabledSites": ["example.org"]}"#,
        r#"{"version": 3}"#,
    ]
    .iter()
    .map(|s| s.as_bytes().to_vec())
    .collect();
    if let Ok(d) = serde_json::to_vec(&Settings::default()) {
        seeds.push(d);
    }
    seeds
}

fn policy_seeds() -> Vec<Vec<u8>> {
    [
        r#"{"hubs": [{"url": "https://jupyter.example.edu/", "kind": "jupyterhub", "name": "University JupyterHub"}, {"url": "https://binder.example.edu/", "kind": "binderhub", "name": "University Binder"}], "defaultHub": "https://jupyter.example.edu/", "locked": true}"#,
        r#"{"hubs": [{"url": "https://hub.example.edu/hub/home", "kind": "jupyterhub"}, {"url": "https://b.example/binder/", "kind": "binderhub"}], "locked": false}"#,
        r#"{"hubs": [{"url": "ftp://x", "kind": "jupyterhub"}, {"url": "https://x/", "kind": "nope", "name": "
"}, "x", 1], "defaultHub": 1, "locked": "yes", "other": {}}"#,
        "{}",
    ]
    .iter()
    .flat_map(|s| [0u8, 1, 3].map(|b| [vec![b], s.as_bytes().to_vec()].concat()))
    .collect()
}

fn detect_seeds() -> Vec<Vec<u8>> {
    [
        "hub.example.edu\n\u{1}\u{0}content-type: application/json\nx-jupyterhub-version: 5.2.1\n\n{\"version\": \"5.2.1\"}\u{1e}\u{4}\u{0}\n\nnot found",
        "https://b.example/binder/\n\u{1}\u{0}content-type: application/json\naccess-control-allow-origin: *\n\n{\"binderhub\": \"0.2.0+1763.gfaafab2\"}\u{1e}\u{1}\u{0}content-type: text/html\n\n<script>window.pageConfig = {}</script>",
        "localhost:8888\n\u{4}\u{0}\n\n\u{1e}\u{4}\u{1}\n\n\u{1e}\u{1}\u{0}\n\n{\"version\": \"2.14.0\"}",
        // a Jupyter Server without nbgitpuller: every probe but api 404, git-pull (the seventh)
        // too, in the server's own name (its CSP header)
        "localhost:8888\n\u{4}\u{0}\n\n\u{1e}\u{4}\u{1}\n\n\u{1e}\u{1}\u{0}\n\n{\"version\": \"2.21.1\"}\u{1e}\u{4}\u{0}\n\n\u{1e}\u{4}\u{0}\n\n\u{1e}\u{4}\u{0}\n\n\u{1e}\u{4}\u{0}content-security-policy: report-uri /api/security/csp-report\n\n",
        "https://h.example/services/binder/\n\u{1}\u{0}\n\n{\"binderhub\": \"1.0.0-0.dev.git.3673.h040c9bbe\"}",
        "mybinder.org",
    ]
    .iter()
    .map(|s| s.as_bytes().to_vec())
    .chain(corpus_links().into_iter().take(40).map(String::into_bytes))
    .collect()
}

/// Hub health: a check's answer (the first byte picks the hub's kind, whether the request
/// failed, whether it was redirected and whether it carries jupyter_server's CSP header; the
/// second the HTTP status, with an error kind or where a redirect ended; the rest is the
/// body) read by `health::read`, then the routes. Only the saved hub gets a state; an up hub
/// has no reason and a 2xx status (a Jupyter Server: or nbgitpuller's 400); a Jupyter Server's
/// 404 and any 5xx are down; every other state says why, in at most a few hundred characters
/// without control characters (the reason is shown to the reader); a route never lists a hub
/// twice, and a down hub is passed over with that reason.
pub fn health(data: &[u8]) {
    use crate::health::{read, Answer, HealthMap, State};
    let (Some(&pick), Some(&code)) = (data.first(), data.get(1)) else {
        return;
    };
    let body = text(&data[2..]);
    let kinds = [
        HubKind::BinderHub,
        HubKind::JupyterHub,
        HubKind::JupyterServer,
    ];
    let kind = kinds[usize::from(pick % 3)];
    let url = "https://hub.example.edu/".to_string();
    let failed = pick & 0x80 != 0;
    // Redirected (to the login page below the hub, or off to another origin) or not, and in
    // jupyter_server's name (its CSP header) or not.
    let redirected = pick & 0x20 != 0;
    let at = match (redirected, code % 2 == 0) {
        (false, _) => "git-pull",
        (true, true) => "login?next=%2Fgit-pull",
        (true, false) => "https://elsewhere.example/",
    };
    let csp = "report-uri /api/security/csp-report";
    let response = ProbeResponse {
        id: url.clone(),
        status: if failed { 0 } else { 100 + u16::from(code) * 2 },
        url: if at.contains("://") {
            at.to_string()
        } else {
            format!("{url}{at}")
        },
        redirected,
        headers: [("content-security-policy".to_string(), csp.to_string())]
            .into_iter()
            .filter(|_| pick & 0x10 != 0)
            .collect(),
        body: Some(body.clone()),
        error: failed.then(|| body.clone()),
        error_kind: failed
            .then(|| ProbeErrorKind::ALL[usize::from(code) % ProbeErrorKind::ALL.len()]),
        ..ProbeResponse::default()
    };
    let answer = Answer {
        response,
        ms: u32::from(code) * 16,
        answers_without_access: pick & 0x40 != 0,
    };
    let settings = Settings {
        hubs: vec![
            crate::Hub {
                url: url.clone(),
                name: "hub".into(),
                kind,
                version: None,
                cors: None,
            },
            crate::Hub {
                url: "https://b.example.edu/".into(),
                name: "b".into(),
                kind: HubKind::BinderHub,
                version: None,
                cors: None,
            },
        ],
        ..Settings::default()
    };
    let got = read(&HealthMap::new(), &settings.hubs, &[answer], 7);
    let input = format!("{pick} {code} {body:?}");
    let Some(h) = got.get(&url) else {
        panic!("the checked hub has no health\ninput: {input}");
    };
    if got.len() != 1 || h.checked_at != 7 {
        panic!("health of hubs not checked, or at another time: {got:?}\ninput: {input}");
    }
    // A Jupyter Server whose git-pull is missing, or any 5xx, cannot launch.
    if !failed
        && h.state != State::Unchecked
        && (h.status.is_some_and(|s| s >= 500)
            || (kind == HubKind::JupyterServer && h.status == Some(404)))
        && h.state != State::Down
    {
        panic!("a 404 of a Jupyter Server's git-pull, or a 5xx, not down: {h:?}\ninput: {input}");
    }
    match (h.state, &h.reason, h.status) {
        (State::Up, None, Some(200..=299)) => {}
        // nbgitpuller's answer on a Jupyter Server without authentication (no `repo`).
        (State::Up, None, Some(400)) if kind == HubKind::JupyterServer => {}
        (State::Up, _, _) => {
            panic!("up with a reason or without a 2xx status (a Jupyter Server: or 400): {h:?}\ninput: {input}")
        }
        (_, Some(r), _)
            if !r.is_empty() && r.chars().count() <= 400 && !r.chars().any(char::is_control) => {}
        _ => {
            panic!("not up, and no short reason without control characters: {h:?}\ninput: {input}")
        }
    }
    let routes = crate::routes::routes(&settings, &got);
    let steps = &routes.default.steps;
    let first_down = steps.first().and_then(|s| s.down.clone());
    if steps.len() != 2
        || steps[0].url == steps[1].url
        || (h.state == State::Down) != first_down.is_some()
    {
        panic!("route {steps:?} for health {h:?}\ninput: {input}");
    }
}

fn health_seeds() -> Vec<Vec<u8>> {
    let seed = |pick: u8, code: u8, body: &str| [&[pick, code][..], body.as_bytes()].concat();
    vec![
        seed(
            0,
            50,
            r#"{"ok": true, "checks": [{"service": "JupyterHub API", "ok": true}]}"#,
        ),
        seed(
            0,
            201,
            r#"{"ok": false, "checks": [{"service": "Docker registry\u001b[2J", "ok": false}]}"#,
        ),
        seed(1, 50, r#"{"version": "5.2.1"}"#),
        seed(2, 152, "<html>404</html>"),
        seed(0x81, 1, "connection refused (net::ERR_CONNECTION_REFUSED)"),
        seed(0xC1, 10, "no answer"),
    ]
}
