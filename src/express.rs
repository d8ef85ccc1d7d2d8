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
//!   query or one `urlpath=lab/tree/…`, `urlpath=tree/…` (the classic notebook,
//!   sphinx-book-theme's default), `labpath=…` or `filepath=…` (src/parse/binder.rs);
//! * a Colab link `https://colab.research.google.com/github/owner/name/blob/ref/file`
//!   (src/parse/colab.rs);
//! * an nbgitpuller link `https://host/hub/user-redirect/git-pull?repo=…&urlpath=lab/tree/…`
//!   with `branch` and nothing else, its `/` and `:` written as they are or as `%2F` and `%3A`
//!   (sphinx-book-theme writes `repo=https%3A//github.com/…`), no other escape, its urlpath
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

// The warning, the endpoint and the commit rule are the renderer's own (one place each).
use crate::render::{is_commit, nbgitpuller_endpoint, HUB_ENVIRONMENT};
use crate::text::{find_byte, split_byte, split_once_byte};
use crate::{Target, TargetKind, Ui};

/// The longest href the lane reads: real launch links are well under it, and the rewritten
/// link stays under [`crate::MAX_LINK_LEN`] (checked again on the output).
const MAX_HREF: usize = 2048;

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
        // The path (after the origin's `/`) and the query, read once for both shapes.
        let tail = &href[origin_len + 1..];
        let (path, query) = match split_once_byte(tail, b'?') {
            Some((p, q)) => (p, Some(q)),
            None => (tail, None),
        };
        let done = if href[..origin_len + 1 + path.len()].ends_with("/git-pull") {
            self.pull(href, origin_len, out)
        } else {
            read_repo_launch(href, origin_len, path, query)
                .is_some_and(|l| self.repo_launch(&l, out))
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
                return close(out, from, None);
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
            // Each `/` of the path as `%2F`, the names between them as they are.
            out.push_str("%2F");
            let mut run = 0;
            for (i, &c) in path.as_bytes().iter().enumerate() {
                if c == b'/' {
                    out.push_str(&path[run..i]);
                    out.push_str("%2F");
                    run = i + 1;
                }
            }
            out.push_str(&path[run..]);
        }
        close(out, from, Some(HUB_ENVIRONMENT))
    }

    /// An nbgitpuller link on a JupyterHub or a Jupyter Server: its query verbatim
    /// (`render::verbatim_tail`).
    fn pull(&self, href: &str, origin_len: usize, out: &mut String) -> bool {
        let t = self.target;
        if t.kind == TargetKind::BinderHub || !t.link_kinds.nbgitpuller {
            return false;
        }
        let Some(query) = href[origin_len..].strip_prefix("/hub/user-redirect/git-pull?") else {
            return false;
        };
        if !pull_query_is_plain(query) || &href[..=origin_len] == t.url() {
            return false;
        }
        if t.interface.apply(Ui::Lab).1 {
            return false;
        }
        out.push_str("{\"status\":\"rewritten\",\"output\":\"");
        let from = out.len();
        out.push_str(t.url());
        out.push_str(nbgitpuller_endpoint(t));
        out.push('?');
        out.push_str(query);
        close(out, from, None)
    }
}

/// Ends an answer whose output was written from `from`: `false` when the output is over the
/// core's limit (the general path then answers, with its reason), else the rest of the object,
/// with `warning` (text that needs no JSON escape) as its one warning.
fn close(out: &mut String, from: usize, warning: Option<&str>) -> bool {
    if out.len() - from > crate::MAX_LINK_LEN {
        return false;
    }
    out.push_str("\",\"reason\":null,\"warnings\":[");
    if let Some(w) = warning {
        out.push('"');
        out.push_str(w);
        out.push('"');
    }
    out.push_str("]}");
    true
}

/// The length of `http(s)://host` when the href starts with it and its path with `/`: a host
/// the splitter reads as plain (`parse::link::plain_host`: at most 253 bytes, lowercase labels
/// of letters, digits and inner `-`, no `xn--` label or its like) whose last label starts with
/// a letter (not an IPv4 address); no port, no user. Its own one pass over the host's bytes,
/// each label checked at its end, held to `plain_host` by a test: the first call of a batch
/// runs in V8's baseline compiler, where every split and every byte test is a call of its own
/// (docs/benchmarks.md, "cold first call (fifth round, second part)").
fn origin_len(href: &str) -> Option<usize> {
    let rest = href
        .strip_prefix("https://")
        .or_else(|| href.strip_prefix("http://"))?;
    let b = rest.as_bytes();
    let mut start = 0;
    for (i, &c) in b.iter().enumerate() {
        if c == b'.' || c == b'/' {
            let label = &b[start..i];
            let (Some(&first), Some(&last)) = (label.first(), label.last()) else {
                return None;
            };
            // No `??--` label (an `xn--` label and its like: IDNA would read them).
            let hyphens = label.len() >= 4 && label[2] == b'-' && label[3] == b'-';
            if label.len() > 63 || first == b'-' || last == b'-' || hyphens {
                return None;
            }
            if c == b'/' {
                return (first.is_ascii_lowercase() && i <= 253)
                    .then_some(href.len() - rest.len() + i);
            }
            start = i + 1;
        } else if !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-') {
            return None;
        }
    }
    // No `/` after the host.
    None
}

/// Whether `url` is `http(s)://host/` with a host [`origin_len`] reads (no port, no path):
/// the target's base at its host's root, in a form the splitter reads the same way
/// (`Target::from_wire` takes it without the splitter; the `wire` fuzz target holds the two
/// readings equal).
pub(crate) fn is_plain_root(url: &str) -> bool {
    origin_len(url).is_some_and(|n| n + 1 == url.len())
}

/// A plain name: letters, digits, `-`, `_` and `.`, not `.` or `..`, not ending in `.git` in
/// any case (the forms strip that suffix).
#[inline(always)]
fn is_name(s: &str) -> bool {
    plain(s, false, false)
}

/// A name in a Binder spec or a Colab path: not `v2`, which could start a `v2/<provider>/`
/// (in a Binder spec a doubled path, which the parser reads from its last copy, with a
/// warning; in a Colab path, a Binder link).
#[inline(always)]
fn spec_name(s: &str) -> bool {
    plain(s, true, false)
}

/// Plain names joined by single `/`s (with `not_v2`, [`spec_name`]s).
#[inline(always)]
fn is_path(s: &str, not_v2: bool) -> bool {
    plain(s, not_v2, true)
}

/// The one check behind [`is_name`], [`spec_name`] and [`is_path`]: `s` is names (one, or with
/// `slashes` several joined by single `/`s; with `not_v2`, none of them `v2`). One pass over
/// the bytes, each name checked at its end, in one function: the first batch runs in V8's
/// baseline compiler, where a split, an iterator or a byte test out of line is a call each
/// (docs/benchmarks.md, "cold first call (fifth round, second part)").
fn plain(s: &str, not_v2: bool, slashes: bool) -> bool {
    let b = s.as_bytes();
    let mut start = 0;
    for (i, &c) in b.iter().enumerate() {
        if c == b'/' && slashes {
            if !name_ends_well(&b[start..i], not_v2) {
                return false;
            }
            start = i + 1;
        } else if !(c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.')) {
            return false;
        }
    }
    name_ends_well(&b[start..], not_v2)
}

/// What a name must be besides its bytes: not empty, not `.` or `..`, no `.git` suffix in any
/// case, and with `not_v2`, not `v2`.
fn name_ends_well(b: &[u8], not_v2: bool) -> bool {
    !b.is_empty()
        && b != b"."
        && b != b".."
        && !(b.len() >= 4 && b[b.len() - 4..].eq_ignore_ascii_case(b".git"))
        && !(not_v2 && b == b"v2")
}

/// A Binder link on `v2/gh` or `v2/gl`, or a Colab GitHub link, in the lane's shape.
/// `path` and `query` are the href's after its origin's `/`, split at the first `?`.
fn read_repo_launch<'a>(
    href: &'a str,
    origin_len: usize,
    path: &'a str,
    query: Option<&'a str>,
) -> Option<RepoLaunch<'a>> {
    let hub = &href[..=origin_len];
    let tail = &href[origin_len + 1..];
    if let Some(provider_spec) = path.strip_prefix("v2/") {
        let (git_host, owner, name, git_ref) = binder_spec(provider_spec)?;
        if !(spec_name(owner) && spec_name(name) && spec_name(git_ref)) {
            return None;
        }
        let (ui, path) = binder_query(query)?;
        return Some(RepoLaunch {
            kind: Kind::Binder,
            hub,
            tail,
            git_host,
            owner,
            name,
            git_ref,
            ui,
            path,
        });
    }
    let colab = path.strip_prefix("github/")?;
    if hub != "https://colab.research.google.com/" || query.is_some() {
        return None;
    }
    // `<owner>/<name>/blob|tree/<ref>/<file>`, the file the rest (as `splitn(5, '/')` reads it).
    let (owner, rest) = split_once_byte(colab, b'/')?;
    let (name, rest) = split_once_byte(rest, b'/')?;
    let ("blob" | "tree", rest) = split_once_byte(rest, b'/')? else {
        return None;
    };
    let (git_ref, file) = split_once_byte(rest, b'/')?;
    // No `v2` segment anywhere: the Binder form claims a path with `/v2/<provider>/` first.
    if !(spec_name(owner) && spec_name(name) && spec_name(git_ref) && is_path(file, true)) {
        return None;
    }
    Some(RepoLaunch {
        kind: Kind::Colab,
        hub,
        tail,
        git_host: "github.com",
        owner,
        name,
        git_ref,
        ui: Ui::Default,
        path: Some(file),
    })
}

/// A Binder spec after `v2/`: `gh/<owner>/<name>/<ref>` or `gl/<group>%2F<name>/<ref>`, as
/// (git host, owner or group, name, ref); the names are not checked here.
fn binder_spec(spec: &str) -> Option<(&'static str, &str, &str, &str)> {
    if let Some(spec) = spec.strip_prefix("gh/") {
        let mut parts = split_byte(spec, b'/');
        let (Some(owner), Some(name), Some(git_ref), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return None;
        };
        return Some(("github.com", owner, name, git_ref));
    }
    let spec = spec.strip_prefix("gl/")?;
    let (namespace, git_ref) = split_once_byte(spec, b'/')?;
    let at = find_byte(namespace, b'%')?;
    let (owner, name) = (&namespace[..at], namespace.get(at + 3..)?);
    let escaped_slash = namespace[at..].get(..3)?.eq_ignore_ascii_case("%2f");
    escaped_slash.then_some(("gitlab.com", owner, name, git_ref))
}

/// A Binder link's query in the lane's shape: none, or one `urlpath=lab/tree/<path>`,
/// `urlpath=tree/<path>` or `filepath=<path>` (the classic notebook: the parser reads a
/// filepath as that urlpath) or `labpath=<path>` (JupyterLab's document mode).
fn binder_query(query: Option<&str>) -> Option<(Ui, Option<&str>)> {
    let Some(query) = query else {
        return Some((Ui::Default, None));
    };
    let (key, value) = split_once_byte(query, b'=')?;
    let (ui, path) = match key {
        "urlpath" => match value.strip_prefix("lab/tree/") {
            Some(path) => (Ui::Lab, path),
            None => (Ui::Notebook, value.strip_prefix("tree/")?),
        },
        "labpath" => (Ui::Doc, value),
        "filepath" => (Ui::Notebook, value),
        _ => return None,
    };
    is_path(path, false).then_some((ui, Some(path)))
}

/// An nbgitpuller query in the lane's shape: `repo`, `urlpath` and at most `branch`, each
/// once, in any order; the repository `https://` and plain names, the branch a plain name, the
/// urlpath `lab/tree/<the clone directory>[/<path>]` (the repository's last name), `/` and `:`
/// written as they are or as `%2F` and `%3A`, no other escape.
fn pull_query_is_plain(query: &str) -> bool {
    let (mut repo, mut branch, mut urlpath) = (None, None, None);
    for pair in split_byte(query, b'&') {
        let Some((key, value)) = split_once_byte(pair, b'=') else {
            return false;
        };
        let slot = match key {
            "repo" => &mut repo,
            "branch" => &mut branch,
            "urlpath" => &mut urlpath,
            _ => return false,
        };
        if slot.is_some() {
            return false;
        }
        *slot = Some(value);
    }
    let (Some(repo), Some(urlpath)) = (repo, urlpath) else {
        return false;
    };
    if !branch.is_none_or(is_name) {
        return false;
    }
    // `https:` with `:` as it is or escaped, then `//` (each `/` either way): two empty
    // segments before the host.
    let Some(rest) = repo.strip_prefix("https") else {
        return false;
    };
    let Some(rest) = rest.strip_prefix(':').or_else(|| {
        rest.get(..3)
            .filter(|e| e.eq_ignore_ascii_case("%3a"))
            .map(|_| &rest[3..])
    }) else {
        return false;
    };
    let mut clone = Segments(Some(rest));
    if clone.next() != Some("") || clone.next() != Some("") {
        return false;
    }
    let mut dir = "";
    if !clone.all(|s| {
        dir = s;
        is_name(s)
    }) {
        return false;
    }
    let mut segments = Segments(Some(urlpath));
    matches!(
        (segments.next(), segments.next(), segments.next()),
        (Some("lab"), Some("tree"), Some(first)) if first == dir
    ) && segments.all(is_name)
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

/// A link of each shape (the bench's four forms among them): the unit tests' and the `lean`
/// fuzz target's seeds (src/fuzz.rs).
#[cfg(any(test, feature = "fuzzing"))]
pub(crate) const EXAMPLES: &[&str] = &[
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
    // sphinx-book-theme's two defaults, as the real books carry them (tests/fixtures/pages),
    // and their siblings: `urlpath=tree/`, `/` and `:` unescaped or escaped in any mix.
    "https://mybinder.org/v2/gh/executablebooks/quantecon-mini-example/master?urlpath=tree/mini_book/docs/about_py.md",
    "https://jupyterhub-opf-jupyterhub.apps.smaug.na.operate-first.cloud/hub/user-redirect/git-pull?repo=https%3A//github.com/OpenOSOrg/openos&urlpath=lab/tree/openos/content/contributing/examples.ipynb&branch=main",
    "https://binder.example.org/v2/gl/g%2Fp/HEAD?urlpath=tree/a/b.ipynb",
    "https://mybinder.org/v2/gh/o/r/v2.0?urlpath=tree/lab/tree/x.ipynb",
    "https://h.org/hub/user-redirect/git-pull?repo=https:%2F%2Fgithub.com/o/r&urlpath=lab/tree/r/x.ipynb&branch=b",
    "https://h.org/hub/user-redirect/git-pull?repo=https%3a/%2fgitlab.com%2Fg/r&urlpath=lab%2Ftree/r&branch=b",
];

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

    /// The one-pass checks answer as splitting at `/` and checking each piece did (their first
    /// form, kept here as the reference), and the origin reader as the splitter's host rule
    /// (`plain_host`) with a last label starting with a letter: every text of up to five bytes
    /// over the bytes that matter.
    #[test]
    fn one_pass_checks_agree_with_split_then_check() {
        fn name(s: &str) -> bool {
            let b = s.as_bytes();
            !b.is_empty()
                && s != "."
                && s != ".."
                && !(b.len() >= 4 && b[b.len() - 4..].eq_ignore_ascii_case(b".git"))
                && b.iter()
                    .all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
        }
        fn host_len(href: &str) -> Option<usize> {
            let rest = href.strip_prefix("http://")?;
            let host = &rest[..rest.find('/')?];
            let last = host.rsplit('.').next().unwrap_or_default();
            let letter = last.starts_with(|c: char| c.is_ascii_lowercase());
            (crate::parse::plain_host(host) && letter)
                .then_some(href.len() - rest.len() + host.len())
        }
        const BYTES: &[u8] = b"a./GtIv2-%xn";
        let mut texts = vec![String::new()];
        let mut last = vec![String::new()];
        for _ in 0..5 {
            last = last
                .iter()
                .flat_map(|t| BYTES.iter().map(move |&c| format!("{t}{}", char::from(c))))
                .collect();
            texts.extend(last.iter().cloned());
        }
        for t in &texts {
            assert_eq!(is_name(t), name(t), "is_name({t:?})");
            assert_eq!(spec_name(t), name(t) && t != "v2", "spec_name({t:?})");
            assert_eq!(is_path(t, false), t.split('/').all(name), "is_path({t:?})");
            let spec_path = t.split('/').all(|n| name(n) && n != "v2");
            assert_eq!(is_path(t, true), spec_path, "is_path({t:?}, true)");
            let lower = t.to_ascii_lowercase().replace('%', "/");
            let href = format!("http://{lower}/x");
            assert_eq!(origin_len(&href), host_len(&href), "origin_len({href:?})");
            // A base the lane's reading takes as a root is one for the splitter too
            // (`Target::from_wire`'s shortcut; the `wire` fuzz target holds it as well).
            let wire = format!("byob-target-1\tjupyterhub\thttp://{lower}/\tfollow\tbnc");
            assert_eq!(
                crate::Target::from_wire(&wire),
                crate::Target::from_wire_fully(&wire),
                "{wire:?}"
            );
        }
        // Long labels: 63 bytes is a label, 64 is not; a host of 253 bytes is one, 254 not.
        for n in [62, 63, 64] {
            let href = format!("http://{}.org/x", "a".repeat(n));
            assert_eq!(origin_len(&href), host_len(&href), "{n}");
        }
        for n in [252, 253, 254] {
            let label = "a".repeat(63);
            let host = format!("{label}.{label}.{label}.{}", "a".repeat(n - 192));
            assert_eq!(host.len(), n);
            let href = format!("http://{host}/x");
            assert_eq!(origin_len(&href), host_len(&href), "{n}");
            assert_eq!(origin_len(&href).is_some(), n <= 253, "{n}");
        }
    }

    /// The bench's four forms, and each shape, for every target: taken where the lane can,
    /// always the model's answer byte for byte.
    #[test]
    fn each_shape_answers_as_the_model_does() {
        let taken: Vec<usize> = EXAMPLES.iter().map(|h| same_or_general(h)).collect();
        // The JupyterHub target takes every one of them; a preference that changes the
        // interface, a kind turned off, a link already on the target take fewer.
        assert!(taken.iter().all(|&n| n >= 3), "{taken:?}");
    }

    /// The two launch links of the real Jupyter Book 1 books that the lane once left to the
    /// general path (sphinx-book-theme's defaults) are taken on a JupyterHub, a BinderHub and
    /// a Jupyter Server, each the model's answer.
    #[test]
    fn sphinx_book_themes_default_links_are_taken() {
        let hub = Target::new(TargetKind::JupyterHub, "https://hub.example.edu/").unwrap();
        let binder = Target::new(TargetKind::BinderHub, "https://binder.example.edu/").unwrap();
        let server = Target::new(TargetKind::JupyterServer, "http://localhost:8889/").unwrap();
        for (href, targets) in [
            (EXAMPLES[10], vec![&hub, &binder, &server]),
            (EXAMPLES[11], vec![&hub, &server]),
        ] {
            for t in targets {
                let (lane, model) = lane_and_model(href, t)
                    .unwrap_or_else(|| panic!("{href} for {} went to the general path", t.url()));
                assert_eq!(lane, model, "{href} for {}", t.url());
            }
        }
        let mut lane = String::new();
        assert!(Express::new(&hub).answer(EXAMPLES[10], &mut lane));
        assert!(
            lane.contains("urlpath=tree%2Fquantecon-mini-example%2Fmini_book%2Fdocs%2Fabout_py.md"),
            "{lane}"
        );
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
            "https://mybinder.org/v2/gh/o/r/main?urlpath=lab/tree/a%2Fx",
            "https://mybinder.org/v2/gh/o/r/main?urlpath=tree",
            "https://mybinder.org/v2/gh/o/r/main?urlpath=tree/",
            "https://mybinder.org/v2/gh/o/r/main?urlpath=/tree/x",
            "https://mybinder.org/v2/gh/o/r/main?urlpath=tree/../x",
            "https://mybinder.org/v2/gh/o/r/main?urlpath=tree/a//x",
            "https://mybinder.org/v2/gh/o/r/main?urlpath=tree/a%2Fx",
            "https://mybinder.org/v2/gh/o/r/main?urlpath=tree/x&urlpath=tree/y",
            "https://mybinder.org/v2/gh/o/r/main?urlpath=notebooks/x.ipynb",
            "https://mybinder.org/v2/gh/o/r/main?urlpath=Tree/x",
            "https://mybinder.org/v2/gh/o/r/main?labpath=x&urlpath=lab",
            "https://mybinder.org/v2/gh/o/r/main?",
            "https://mybinder.org/v2/gh/o/r/main#x",
            "https://mybinder.org/v2/gh/o/r",
            "https://mybinder.org/v2/gh/o/r/main/",
            "https://mybinder.org/prefix/v2/gh/o/r/main",
            "https://mybinder.org:8080/v2/gh/o/r/main",
            "https://MyBinder.org/v2/gh/o/r/main",
            "https://1.2.3.4/v2/gh/o/r/main",
            "https://xn--bcher-kva.example/v2/gh/o/r/main",
            "https://hn--bchermain-kva.example/v2/gh/o/r/main",
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
            // sphinx-book-theme's `https%3A//` and its siblings, one part off each.
            "https://h.org/hub/user-redirect/git-pull?repo=https%3A/github.com/o/r&urlpath=lab/tree/r",
            "https://h.org/hub/user-redirect/git-pull?repo=https%3A///github.com/o/r&urlpath=lab/tree/r",
            "https://h.org/hub/user-redirect/git-pull?repo=https%3A//github.com/o/r/&urlpath=lab/tree/r",
            "https://h.org/hub/user-redirect/git-pull?repo=https%3A//github.com/o/r.git&urlpath=lab/tree/r",
            "https://h.org/hub/user-redirect/git-pull?repo=http%3A//github.com/o/r&urlpath=lab/tree/r",
            "https://h.org/hub/user-redirect/git-pull?repo=HTTPS%3A//github.com/o/r&urlpath=lab/tree/r",
            "https://h.org/hub/user-redirect/git-pull?repo=https%253A//github.com/o/r&urlpath=lab/tree/r",
            "https://h.org/hub/user-redirect/git-pull?repo=https%3A%2F%2F&urlpath=lab/tree/r",
            "https://h.org/hub/user-redirect/git-pull?repo=https%3A//github.com/o/r&urlpath=lab/tree/other/x.ipynb",
            "https://h.org/hub/user-redirect/git-pull?repo=https%3A//github.com/o/r&urlpath=lab/tree/r/../x",
            "https://h.org/hub/user-redirect/git-pull?repo=https%3A//github.com/o/r&urlpath=tree/r/x.ipynb",
            "https://h.org/hub/user-redirect/git-pull?repo=https%3A//github.com/o/r&urlpath=lab/tree/r/a%20b.ipynb",
            // A second `v2/<provider>/` in the spec: a doubled path, read from the last copy.
            "https://mybinder.org/v2/gh/v2/gh/main",
            "https://mybinder.org/v2/gh/o/v2/gh",
            "https://mybinder.org/v2/gl/v2%2Fgh/main",
            "https://mybinder.org/v2/v2/gh/o/r/main",
            // A Colab link whose ref or file has a `v2` segment before a provider's name: the
            // Binder form claims any path with `/v2/<provider>/` (found by the `lean` fuzz
            // target).
            "https://colab.research.google.com/github/o/r/tree/v2/zenodo/b",
            "https://colab.research.google.com/github/o/r/blob/main/v2/gh/x.ipynb",
            "https://colab.research.google.com/github/o/v2/blob/gh/x.ipynb",
            "https://colab.research.google.com/github/v2/gh/blob/main/x.ipynb",
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
