//! The hot path's express lane (issue 11, fourth round): the launch links books and course
//! pages carry most, read in place and answered straight into the batch's answer — no launch
//! model, no `Rewrite`, no owned string per link (src/lean.rs calls it first for each href).
//!
//! It answers only links in a narrow, plain shape, where every rule of the full model is known
//! to come out one way: names of letters, digits, `-`, `_` and `.` (never a `.` or `..`
//! segment, never a `.git` suffix), a lowercase host of such labels, no port, no fragment, and
//! at most the query the form reads. Each shape is one reading of the forms' own rules:
//!
//! * a Binder link `https://host/v2/gh/owner/name/ref` or `…/v2/gl/group%2Fname/ref`, with no
//!   query or one `urlpath=lab/tree/…`, `labpath=…` or `filepath=…` (src/parse/binder.rs);
//! * a Colab link `https://colab.research.google.com/github/owner/name/blob/ref/file`
//!   (src/parse/colab.rs);
//! * an nbgitpuller link `https://host/hub/user-redirect/git-pull?repo=…&urlpath=lab/tree/…`
//!   with `branch` and nothing else, its values escaped only with `%2F` and `%3A`, its urlpath
//!   inside the clone directory (src/parse/nbgitpuller.rs);
//!
//! rendered as src/render/ renders them: a Binder link on a BinderHub, and an nbgitpuller link
//! on a JupyterHub or a Jupyter Server, keep their tail verbatim; a Binder or Colab link on a
//! JupyterHub or a Jupyter Server becomes an nbgitpuller link (src/render/nbgitpuller.rs).
//! Anything else — another shape, a target whose interface preference changes the link, a
//! pinned commit, a link already on the target, a kind turned off — is left to the general
//! path, which gives the answer with its reason or warnings. The lane never decides a link
//! differently: `invariants::check_lean` holds its answer byte for byte against the full
//! model's (tests/lean.rs, the `lean` fuzz target), and the tests below hold each shape and
//! each of its edges, with the general path's answer beside it.

use crate::render::{is_commit, nbgitpuller_endpoint};
use crate::{Target, TargetKind, Ui};

/// The longest href the lane reads: real launch links are well under it, and the rewritten
/// link stays under [`crate::MAX_LINK_LEN`] (checked again on the output).
const MAX_HREF: usize = 2048;

/// The only warning a rendered repository launch on a JupyterHub or Jupyter Server carries
/// (src/render/nbgitpuller.rs writes the same text).
const HUB_ENVIRONMENT: &str = "runs in the hub's environment, not the one the repository specifies";

/// A batch's target, ready for the lane.
pub(crate) struct Express<'t> {
    target: &'t Target,
    /// Whether the lane may answer at all: the target's URL needs no JSON escape.
    on: bool,
}

/// What kind of launch a link is, for the reader's on/off switches.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Binder,
    Colab,
}

/// A repository launch read in place: a Binder or Colab link.
struct RepoLaunch<'a> {
    kind: Kind,
    /// `https://…/` of the hub the link points at.
    hub: &'a str,
    /// What follows the hub in the href (a Binder link's verbatim tail).
    tail: &'a str,
    /// `github.com` or `gitlab.com`.
    git_host: &'static str,
    /// The owner (GitHub) or group (GitLab).
    owner: &'a str,
    /// The repository's name: the clone directory.
    name: &'a str,
    git_ref: &'a str,
    ui: Ui,
    /// The file, `/`-separated plain names.
    path: Option<&'a str>,
}

impl<'t> Express<'t> {
    /// The lane for `target`, once per batch.
    pub(crate) fn new(target: &'t Target) -> Express<'t> {
        let url = target.url();
        Express {
            target,
            on: url.len() <= MAX_HREF && url.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\'),
        }
    }

    /// Appends the answer for `href` (the JSON object src/lean.rs writes) to `out`, or returns
    /// `false` with `out` as it was: the general path answers.
    pub(crate) fn answer(&self, href: &str, out: &mut String) -> bool {
        if !self.on || href.len() > MAX_HREF {
            return false;
        }
        let Some(origin_len) = origin_len(href) else {
            return false;
        };
        let start = out.len();
        let path_end = href.bytes().position(|b| b == b'?').unwrap_or(href.len());
        let done = if href[..path_end].ends_with("/git-pull") {
            self.pull(href, origin_len, out)
        } else {
            read_repo_launch(href, origin_len).is_some_and(|l| self.repo_launch(&l, out))
        };
        if !done {
            out.truncate(start);
        }
        done
    }

    fn repo_launch(&self, l: &RepoLaunch<'_>, out: &mut String) -> bool {
        let t = self.target;
        let allowed = match l.kind {
            Kind::Binder => t.link_kinds.binder,
            Kind::Colab => t.link_kinds.colab,
        };
        if !allowed || l.hub == t.url() {
            return false;
        }
        let (ui, changed) = t.interface.apply(l.ui);
        if changed {
            return false;
        }
        out.push_str("{\"status\":\"rewritten\",\"output\":\"");
        let from = out.len();
        out.push_str(t.url());
        match (t.kind, l.kind) {
            // A Binder link on a BinderHub keeps its tail (`render::verbatim_tail`).
            (TargetKind::BinderHub, Kind::Binder) => {
                out.push_str(l.tail);
                if out.len() - from > crate::MAX_LINK_LEN {
                    return false;
                }
                out.push_str("\",\"reason\":null,\"warnings\":[]}");
                return true;
            }
            (TargetKind::BinderHub, Kind::Colab) => return false,
            (TargetKind::JupyterHub | TargetKind::JupyterServer, _) => {}
        }
        // An nbgitpuller link of the repository (src/render/nbgitpuller.rs, `render`), its
        // values written as `encodeURIComponent` writes plain names.
        if is_commit(l.git_ref) {
            return false;
        }
        let prefix = match if ui == Ui::Default { Ui::Lab } else { ui } {
            Ui::Lab => "lab%2Ftree",
            Ui::Doc => "doc%2Ftree",
            Ui::Notebook => "tree",
            Ui::Classic if l.path.is_some() => "notebooks",
            Ui::Voila => "voila%2Frender",
            _ => return false,
        };
        out.push_str(nbgitpuller_endpoint(t));
        out.push_str("?repo=https%3A%2F%2F");
        out.push_str(l.git_host);
        out.push_str("%2F");
        out.push_str(l.owner);
        out.push_str("%2F");
        out.push_str(l.name);
        if l.git_ref != "HEAD" {
            out.push_str("&branch=");
            out.push_str(l.git_ref);
        }
        out.push_str("&urlpath=");
        out.push_str(prefix);
        out.push_str("%2F");
        out.push_str(l.name);
        if let Some(path) = l.path {
            for segment in Segments(Some(path)) {
                out.push_str("%2F");
                out.push_str(segment);
            }
        }
        if out.len() - from > crate::MAX_LINK_LEN {
            return false;
        }
        out.push_str("\",\"reason\":null,\"warnings\":[\"");
        out.push_str(HUB_ENVIRONMENT);
        out.push_str("\"]}");
        true
    }

    /// An nbgitpuller link on a JupyterHub or a Jupyter Server: its query verbatim
    /// (`render::verbatim_tail`).
    fn pull(&self, href: &str, origin_len: usize, out: &mut String) -> bool {
        let t = self.target;
        if t.kind == TargetKind::BinderHub || !t.link_kinds.nbgitpuller {
            return false;
        }
        let Some((path, query)) = cut(&href[origin_len..], b'?') else {
            return false;
        };
        // The hub ends before `hub/user-redirect/` or `user-redirect/` (`parse::nbgitpuller`'s
        // `hub_end`), after a prefix of plain names (none `v2`, which the Binder form reads).
        let Some(before) = path.strip_suffix("user-redirect/git-pull") else {
            return false;
        };
        let prefix = match before.strip_suffix("hub/") {
            Some(b) if b.ends_with('/') => b,
            _ => before,
        };
        let Some(names) = prefix.strip_prefix('/') else {
            return false;
        };
        if !names.is_empty()
            && !names
                .strip_suffix('/')
                .is_some_and(|n| Parts::new(n, b'/').all(is_prefix_name))
        {
            return false;
        }
        let Some(ui) = pull_query_ui(query) else {
            return false;
        };
        if &href[..origin_len + prefix.len()] == t.url() || t.interface.apply(ui).1 {
            return false;
        }
        out.push_str("{\"status\":\"rewritten\",\"output\":\"");
        let from = out.len();
        out.push_str(t.url());
        out.push_str(nbgitpuller_endpoint(t));
        out.push('?');
        out.push_str(query);
        if out.len() - from > crate::MAX_LINK_LEN {
            return false;
        }
        out.push_str("\",\"reason\":null,\"warnings\":[]}");
        true
    }
}

/// The length of `http(s)://host` when the href starts with it and its path with `/`: a host
/// of lowercase labels of letters, digits and inner `-`, the last one starting with a letter
/// (not an IPv4 address), no `xn--` label, no port, no user.
fn origin_len(href: &str) -> Option<usize> {
    let rest = href
        .strip_prefix("https://")
        .or_else(|| href.strip_prefix("http://"))?;
    let host_len = rest.bytes().position(|b| b == b'/')?;
    let host = &rest[..host_len];
    let mut last_starts_with_letter = false;
    for label in Parts::new(host, b'.') {
        let b = label.as_bytes();
        let (Some(&first), Some(&last)) = (b.first(), b.last()) else {
            return None;
        };
        if b.len() > 63
            || first == b'-'
            || last == b'-'
            || label.starts_with("xn--")
            || !b
                .iter()
                .all(|&c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-')
        {
            return None;
        }
        last_starts_with_letter = first.is_ascii_lowercase();
    }
    last_starts_with_letter.then_some(href.len() - rest.len() + host_len)
}

/// A plain name: letters, digits, `-`, `_` and `.`, not `.` or `..`, not ending in `.git` in
/// any case (the forms strip that suffix).
fn is_name(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && s != "."
        && s != ".."
        && !(b.len() >= 4 && b[b.len() - 4..].eq_ignore_ascii_case(b".git"))
        && b.iter()
            .all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
}

/// A name in a hub's path prefix: not `v2` (the Binder form reads the first `/v2/<provider>/`
/// as the end of a hub) nor `repo` (the legacy Binder form reads `/repo/` on a known host).
fn is_prefix_name(s: &str) -> bool {
    is_name(s) && s != "v2" && s != "repo"
}

/// Plain names joined by single `/`s or `%2F`s (a query value decodes them: the same names).
fn is_path(s: &str) -> bool {
    Segments(Some(s)).all(is_name)
}

/// A Binder link on `v2/gh` or `v2/gl` (after a hub prefix of plain names, `binder/`), or a
/// Colab GitHub link, in the lane's shape.
fn read_repo_launch(href: &str, origin_len: usize) -> Option<RepoLaunch<'_>> {
    let after_origin = &href[origin_len + 1..];
    let (path, query) = match cut(after_origin, b'?') {
        Some((p, q)) => (p, Some(q)),
        None => (after_origin, None),
    };
    if &href[..=origin_len] == "https://colab.research.google.com/" {
        return read_colab(href, path, query);
    }
    // The hub's prefix: the names before `v2/` (none of them `v2`: the first `/v2/<provider>/`
    // ends the hub).
    let mut prefix = 0;
    while !path[prefix..].starts_with("v2/") {
        let name = Parts::new(&path[prefix..], b'/').next()?;
        if !is_prefix_name(name) || prefix + name.len() == path.len() {
            break;
        }
        prefix += name.len() + 1;
    }
    let hub = &href[..=origin_len + prefix];
    let tail = &after_origin[prefix..];
    let spec_path = &path[prefix..];
    if let Some(spec) = spec_path.strip_prefix("v2/gh/") {
        let mut parts = Parts::new(spec, b'/');
        let (Some(owner), Some(name), Some(git_ref), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return None;
        };
        // A `v2` name could start a second `v2/<provider>/` (the parser reads the last one).
        let spec_name = |n: &str| is_name(n) && n != "v2";
        if !(spec_name(owner) && spec_name(name) && spec_name(git_ref)) {
            return None;
        }
        let (ui, path) = binder_query(query)?;
        return Some(RepoLaunch {
            kind: Kind::Binder,
            hub,
            tail,
            git_host: "github.com",
            owner,
            name,
            git_ref,
            ui,
            path,
        });
    }
    if let Some(spec) = spec_path.strip_prefix("v2/gl/") {
        let (namespace, git_ref) = cut(spec, b'/')?;
        let at = namespace.bytes().position(|b| b == b'%')?;
        let (owner, name) = (&namespace[..at], namespace.get(at + 3..)?);
        let escaped_slash = namespace[at..].get(..3)?.eq_ignore_ascii_case("%2f");
        let spec_name = |n: &str| is_name(n) && n != "v2";
        if !(escaped_slash && spec_name(owner) && spec_name(name) && spec_name(git_ref)) {
            return None;
        }
        let (ui, path) = binder_query(query)?;
        return Some(RepoLaunch {
            kind: Kind::Binder,
            hub,
            tail,
            git_host: "gitlab.com",
            owner,
            name,
            git_ref,
            ui,
            path,
        });
    }
    None
}

/// A Colab link `github/<owner>/<name>/blob|tree/<ref>/<file>`, no query.
fn read_colab<'a>(href: &'a str, path: &'a str, query: Option<&str>) -> Option<RepoLaunch<'a>> {
    let colab = path.strip_prefix("github/")?;
    if query.is_some() {
        return None;
    }
    let mut parts = Parts::new(colab, b'/');
    let (Some(owner), Some(name), Some("blob" | "tree"), Some(git_ref), Some(file)) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.rest,
    ) else {
        return None;
    };
    if !(is_name(owner) && is_name(name) && is_name(git_ref) && Parts::new(file, b'/').all(is_name))
    {
        return None;
    }
    Some(RepoLaunch {
        kind: Kind::Colab,
        hub: &href[..href.len() - path.len()],
        tail: path,
        git_host: "github.com",
        owner,
        name,
        git_ref,
        ui: Ui::Default,
        path: Some(file),
    })
}

/// A Binder link's query in the lane's shape: none, or one `urlpath`, `labpath` (JupyterLab's
/// document mode) or `filepath` (the notebook tree) whose value is plain names separated by
/// `/` or `%2F`, after at most one leading separator; a urlpath names its interface:
/// `lab`, or `lab/tree`, `doc/tree`, `tree`, `notebooks` or `voila/render` and a file.
fn binder_query(query: Option<&str>) -> Option<(Ui, Option<&str>)> {
    let Some(query) = query else {
        return Some((Ui::Default, None));
    };
    let (key, value) = cut(query, b'=')?;
    let value = strip_separator(value);
    let (ui, path) = match key {
        "urlpath" => {
            if value == "lab" {
                return Some((Ui::Lab, None));
            }
            let mut segments = Segments(Some(value));
            let (ui, skip) = match (segments.next(), segments.next()) {
                (Some("lab"), Some("tree")) => (Ui::Lab, 2),
                (Some("doc"), Some("tree")) => (Ui::Doc, 2),
                (Some("voila"), Some("render")) => (Ui::Voila, 2),
                (Some("tree"), Some(_)) => (Ui::Notebook, 1),
                (Some("notebooks"), Some(_)) => (Ui::Classic, 1),
                _ => return None,
            };
            (ui, after_segments(value, skip)?)
        }
        "labpath" => (Ui::Doc, value),
        "filepath" => (Ui::Notebook, value),
        _ => return None,
    };
    is_path(path).then_some((ui, Some(path)))
}

/// `value` without one leading `/` or `%2F`.
fn strip_separator(value: &str) -> &str {
    value
        .strip_prefix('/')
        .or_else(|| value.strip_prefix("%2F"))
        .or_else(|| value.strip_prefix("%2f"))
        .unwrap_or(value)
}

/// What follows the first `n` segments of `value` and their separators.
fn after_segments(value: &str, n: usize) -> Option<&str> {
    let mut segments = Segments(Some(value));
    for _ in 0..n {
        segments.next()?;
    }
    segments.0
}

/// The interface of an nbgitpuller query in the lane's shape: `repo`, `urlpath` and at most
/// `branch`, each once, in any order; the repository `http(s)://` and plain names, the branch
/// a plain name, the urlpath `lab/tree/` (JupyterLab) or `tree/` (the notebook tree) and the
/// clone directory (the repository's last name), then plain names; `/` and `:` written as they
/// are or as `%2F` and `%3A`, no other escape. `None` for any other query.
fn pull_query_ui(query: &str) -> Option<Ui> {
    let (mut repo, mut branch, mut urlpath) = (None, None, None);
    for pair in Parts::new(query, b'&') {
        let (key, value) = cut(pair, b'=')?;
        let slot = match key {
            "repo" => &mut repo,
            "branch" => &mut branch,
            "urlpath" => &mut urlpath,
            _ => return None,
        };
        if slot.is_some() {
            return None;
        }
        *slot = Some(value);
    }
    let (repo, urlpath) = (repo?, urlpath?);
    if !branch.is_none_or(is_name) {
        return None;
    }
    let clone = [
        "https%3A%2F%2F",
        "https%3a%2f%2f",
        "https%3A//",
        "https://",
        "http%3A%2F%2F",
        "http://",
    ]
    .iter()
    .find_map(|scheme| repo.strip_prefix(scheme))?;
    let mut dir = "";
    if !Segments(Some(clone)).all(|s| {
        dir = s;
        is_name(s)
    }) {
        return None;
    }
    let mut segments = Segments(Some(strip_separator(urlpath)));
    let ui = match (segments.next(), segments.next()) {
        (Some("lab"), Some("tree")) => match segments.next() {
            Some(first) if first == dir => Ui::Lab,
            _ => return None,
        },
        (Some("tree"), Some(first)) if first == dir => Ui::Notebook,
        _ => return None,
    };
    segments.all(is_name).then_some(ui)
}

/// `s` cut at the first `b`, which is not in either part (`split_once` for one ASCII byte: a
/// byte loop, cheaper on these short strings than the general searcher).
fn cut(s: &str, b: u8) -> Option<(&str, &str)> {
    let i = s.bytes().position(|c| c == b)?;
    Some((&s[..i], &s[i + 1..]))
}

/// The parts of a text between one ASCII byte (`split` for one byte, as [`cut`]).
pub(crate) struct Parts<'a> {
    /// What is left, `None` after the last part.
    rest: Option<&'a str>,
    sep: u8,
}

impl<'a> Parts<'a> {
    pub(crate) fn new(s: &'a str, sep: u8) -> Parts<'a> {
        Parts { rest: Some(s), sep }
    }
}

impl<'a> Iterator for Parts<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let rest = self.rest?;
        match cut(rest, self.sep) {
            Some((part, after)) => {
                self.rest = Some(after);
                Some(part)
            }
            None => {
                self.rest = None;
                Some(rest)
            }
        }
    }
}

/// The segments of a query value split at `/` and at `%2F` (the value decoded): what the
/// dot-segment rule and the clone directory read. An empty value, or one that ends in a
/// separator, has an empty segment.
struct Segments<'a>(Option<&'a str>);

impl<'a> Iterator for Segments<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let rest = self.0?;
        let b = rest.as_bytes();
        for (i, &c) in b.iter().enumerate() {
            let sep = match c {
                b'/' => 1,
                b'%' if b.get(i + 1) == Some(&b'2')
                    && matches!(b.get(i + 2), Some(b'F' | b'f')) =>
                {
                    3
                }
                _ => continue,
            };
            self.0 = Some(&rest[i + sep..]);
            return Some(&rest[..i]);
        }
        self.0 = None;
        Some(rest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Interface, TargetKind};

    fn targets() -> Vec<Target> {
        let hub = Target::new(TargetKind::JupyterHub, "https://hub.example.edu/").unwrap();
        let mut lab = hub.clone();
        lab.interface = Interface::Lab;
        let mut notebook = hub.clone();
        notebook.interface = Interface::Notebook;
        let mut off = hub.clone();
        off.link_kinds.binder = false;
        off.link_kinds.colab = false;
        off.link_kinds.nbgitpuller = false;
        let mut binder_nb =
            Target::new(TargetKind::BinderHub, "https://binder.example.edu/").unwrap();
        binder_nb.interface = Interface::Notebook;
        vec![
            hub,
            lab,
            notebook,
            off,
            binder_nb,
            Target::new(TargetKind::BinderHub, "https://binder.example.edu/").unwrap(),
            Target::new(TargetKind::BinderHub, "https://mybinder.org/").unwrap(),
            Target::new(TargetKind::JupyterHub, "https://hub.example.org/").unwrap(),
            Target::new(TargetKind::JupyterServer, "http://localhost:8889/base/").unwrap(),
        ]
    }

    /// The lane's answer for `href`, when it takes it, against the general path's (the model
    /// with its `Rewrite`, written by src/lean.rs).
    fn lane_and_model(href: &str, t: &Target) -> Option<(String, String)> {
        let mut lane = String::new();
        if !Express::new(t).answer(href, &mut lane) {
            assert!(lane.is_empty(), "{href}: the lane left {lane}");
            return None;
        }
        let mut model = String::new();
        let full = crate::rewrite(href, t);
        crate::lean::write_rewrite(&full, &mut model);
        Some((lane, model))
    }

    fn same_or_general(href: &str) -> usize {
        let mut taken = 0;
        for t in targets() {
            if let Some((lane, model)) = lane_and_model(href, &t) {
                assert_eq!(lane, model, "{href} for {} ({:?})", t.url(), t.interface);
                taken += 1;
            }
        }
        taken
    }

    /// The bench's four forms, and each shape, for every target: taken where the lane can,
    /// always the model's answer byte for byte.
    #[test]
    fn each_shape_answers_as_the_model_does() {
        let taken: Vec<usize> = [
            "https://mybinder.org/v2/gh/org0/book/main?urlpath=lab/tree/notebooks/ch0.ipynb",
            "https://hub.example.org/hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2Forg1%2Fcourse&urlpath=lab%2Ftree%2Fcourse%2Fweek1.ipynb&branch=main",
            "https://colab.research.google.com/github/org2/book/blob/main/notebooks/ch2.ipynb",
            "https://binder.example.org/v2/gl/group3%2Fproject/HEAD?labpath=index.ipynb",
            "https://mybinder.org/v2/gh/o/r/HEAD",
            "http://h.example/v2/gh/o/r.x/v1.0?filepath=a/b.ipynb",
            "https://mybinder.org/v2/gl/g%2fp/dev",
            "https://colab.research.google.com/github/o/r/tree/dev/x.ipynb",
            "https://h.org/hub/user-redirect/git-pull?branch=b&urlpath=lab/tree/r&repo=https://github.com/o/r",
            "https://h.org/hub/user-redirect/git-pull?repo=https%3a%2f%2fgitlab.com%2Fg%2Fr&urlpath=lab%2Ftree%2Fr%2Fa%2Fb.ipynb",
            // A hub's prefix, urlpaths of each interface, `%2F` in a path, a leading `/`.
            "https://notebooks.gesis.org/binder/v2/gh/o/r/master?labpath=README.ipynb",
            "https://h.org/a/b/v2/gh/o/r/3530cb2?filepath=x%2Fy.ipynb",
            "https://mybinder.org/v2/gh/o/r/HEAD?urlpath=lab",
            "https://mybinder.org/v2/gh/o/r/HEAD?urlpath=/tree/index.ipynb",
            "https://mybinder.org/v2/gh/o/r/HEAD?urlpath=%2Fdoc%2Ftree%2Fa%2Fb.ipynb",
            "https://mybinder.org/v2/gh/o/r/HEAD?urlpath=notebooks/a/b.ipynb",
            "https://mybinder.org/v2/gh/o/r/HEAD?urlpath=voila/render/app.ipynb",
            "https://mybinder.org/v2/gh/o/r/HEAD?urlpath=lab/tree/examples%2F0_x.ipynb",
            "https://h.org/jupyter/hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2Fo%2Fr&urlpath=tree%2Fr%2Fx.ipynb&branch=main",
            "https://h.org/user-redirect/git-pull?repo=https://github.com/o/r&urlpath=tree/r/x",
            "https://h.org/x/user-redirect/git-pull?repo=https%3A//gitlab.com/g/r&urlpath=/lab/tree/r",
            "https://h.org/hub/hub/user-redirect/git-pull?repo=http://h.org/r&urlpath=lab/tree/r",
        ]
        .iter()
        .map(|h| same_or_general(h))
        .collect();
        // The JupyterHub target takes every one of them; a preference that changes the
        // interface, a kind turned off, a link already on the target take fewer.
        assert!(taken.iter().all(|&n| n >= 3), "{taken:?}");
    }

    /// Every edge of the shapes is left to the general path, and what the lane does take is
    /// the model's answer.
    #[test]
    fn what_is_not_in_a_shape_goes_to_the_general_path() {
        let hub = Target::new(TargetKind::JupyterHub, "https://hub.example.edu/").unwrap();
        for href in [
            // Pinned commits, `.git`, dot segments, escapes, odd hosts and ports, fragments.
            "https://mybinder.org/v2/gh/o/r/0123abc",
            "https://mybinder.org/v2/gh/o/r.git/main",
            "https://mybinder.org/v2/gh/o/R.GIT/main",
            "https://mybinder.org/v2/gh/o/../main",
            "https://mybinder.org/v2/gh/o/r/main?urlpath=lab/tree/../x",
            "https://mybinder.org/v2/gh/o/r/main?urlpath=lab/tree/a//x",
            "https://mybinder.org/v2/gh/o/r/main?labpath=x&urlpath=lab",
            "https://mybinder.org/v2/gh/o/r/main?",
            "https://mybinder.org/v2/gh/o/r/main#x",
            "https://mybinder.org/v2/gh/o/r",
            "https://mybinder.org/v2/gh/o/r/main/",
            "https://mybinder.org:8080/v2/gh/o/r/main",
            "https://MyBinder.org/v2/gh/o/r/main",
            "https://1.2.3.4/v2/gh/o/r/main",
            "https://xn--bcher-kva.example/v2/gh/o/r/main",
            "https://-a.org/v2/gh/o/r/main",
            "https://a..org/v2/gh/o/r/main",
            "https://u@mybinder.org/v2/gh/o/r/main",
            "https://mybinder.org/v2/gl/g/p/main",
            "https://mybinder.org/v2/gl/g%2Fp%2Fq/main",
            "https://mybinder.org/v2/gl/g%2Fp/",
            "https://mybinder.org/v2/git/https%3A%2F%2Fh.org%2Fr/main",
            "http://colab.research.google.com/github/o/r/blob/main/x.ipynb",
            "https://colab.research.google.com/github/o/r/blob/main/x.ipynb?x=1",
            "https://colab.research.google.com/github/o/r/blob/main",
            "https://colab.research.google.com/github/o/r/commits/main/x.ipynb",
            "https://colab.research.google.com/gist/u/1234/x.ipynb",
            "https://h.org/hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2Fo%2Fr&urlpath=lab%2Ftree%2Fother%2Fx",
            "https://h.org/hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2Fo%2Fr%2F&urlpath=lab%2Ftree%2Fr",
            "https://h.org/hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2Fo%2Fr&urlpath=lab%2Ftree%2Fr&branch=main&branch=dev",
            "https://h.org/hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2Fo%2Fr&urlpath=lab%2Ftree%2Fr&targetPath=d",
            "https://h.org/hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2Fo%2F..&urlpath=lab%2Ftree%2F..",
            "https://h.org/hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2Fo%2Fr&urlpath=lab%2Ftree%2Fr%2F%252e%252e",
            "https://h.org/hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2Fo%2Fr&urlpath=lab%2Ftree%2Fr&branch=a%2Fb",
            "https://h.org/hub/user-redirect/git-pull?repo=git%40github.com%3Ao%2Fr&urlpath=lab%2Ftree%2Fr",
            "https://h.org/hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2Fo%2Fr&amp;urlpath=lab%2Ftree%2Fr",
            "https://h.org/hub/user/alice/git-pull?repo=https%3A%2F%2Fgithub.com%2Fo%2Fr&urlpath=lab%2Ftree%2Fr",
            "https://h.org/hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2Fo%2Fr&urlpath=lab%2Ftree%2Fr#x",
            "https://h.org/hub/user-redirect/git-pull?repo=&urlpath=lab%2Ftree%2Fr",
            // A second `v2/<provider>/` in the spec (a doubled path, read from the last), a
            // prefix the legacy form or the Binder form reads, a prefix that is not a segment.
            "https://mybinder.org/v2/gh/v2/gh/main",
            "https://mybinder.org/v2/gl/v2%2Fgh/main",
            "https://mybinder.org/v2/v2/gh/o/r/main",
            "https://mybinder.org/repo/hub/user-redirect/git-pull?repo=https://github.com/o/r&urlpath=tree/r",
            "https://h.org/v2/hub/user-redirect/git-pull?repo=https://github.com/o/r&urlpath=tree/r",
            "https://h.org/xuser-redirect/git-pull?repo=https://github.com/o/r&urlpath=tree/r",
            "https://h.org/hub/user-redirect/alice/git-pull?repo=https://github.com/o/r&urlpath=tree/r",
            "https://h.org/hub/user-redirect/git-pull?repo=https://github.com/o/r&urlpath=//tree/r",
            "https://h.org/hub/user-redirect/git-pull?repo=https://github.com/o/r&urlpath=doc/tree/r",
            "https://mybinder.org/v2/gh/o/r/HEAD?urlpath=lab/",
            "https://mybinder.org/v2/gh/o/r/HEAD?urlpath=//lab/tree/x",
            "https://mybinder.org/v2/gh/o/r/HEAD?urlpath=rstudio",
            "https://mybinder.org/v2/gh/o/r/HEAD?urlpath=tree",
            "https://mybinder.org/v2/gh/o/r/HEAD?urlpath=notebooks",
            "https://mybinder.org/v2/gh/o/r/HEAD?filepath=a%252Fb",
            "https://mybinder.org/v2/gh/o/r/HEAD?filepath=a%2F..%2Fb",
            "https://colab.research.google.com/github/o/r/blob/main/a//x.ipynb",
        ] {
            let mut lane = String::new();
            assert!(!Express::new(&hub).answer(href, &mut lane), "{href}: {lane}");
            assert!(lane.is_empty());
            same_or_general(href);
        }
        // A link already on the target, and a kind turned off, are the model's to answer.
        let on_hub = "https://hub.example.edu/hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2Fo%2Fr&urlpath=lab%2Ftree%2Fr";
        assert!(!Express::new(&hub).answer(on_hub, &mut String::new()));
        let binder = Target::new(TargetKind::BinderHub, "https://mybinder.org/").unwrap();
        assert!(!Express::new(&binder)
            .answer("https://mybinder.org/v2/gh/o/r/main", &mut String::new()));
    }

    /// Most of what books link to is in a shape: the corpus as a browser gives it, every
    /// link the model's answer wherever the lane takes it.
    #[test]
    fn the_lane_takes_much_of_the_corpus_and_answers_it_as_the_model_does() {
        let links: Vec<String> = crate::fuzz::corpus_links()
            .iter()
            .filter_map(|l| url::Url::parse(l.trim()).ok().map(|u| u.to_string()))
            .collect();
        let taken: usize = links.iter().map(|l| same_or_general(l)).sum();
        println!(
            "express lane: {taken} of {} answers",
            links.len() * targets().len()
        );
        assert!(taken > links.len(), "{taken}");
    }
}
