//! nbgitpuller links: `<hub>hub/user-redirect/git-pull?repo=…&branch=…&urlpath=…`, the older
//! `<hub>user-redirect/git-pull`, and a plain server's `<server>git-pull` (docs/protocols.md §3).

use super::{base_url, file_path, split_urlpath, Claim, Form, Link};
use crate::encoding::{decode_form, get, pairs, Pair};
use crate::{Error, Launch, LaunchKind, Open, Pull, Ui};

pub(crate) const FORM: Form = Form {
    name: "nbgitpuller",
    parse: parse_git_pull,
    #[cfg(any(test, feature = "fuzzing"))]
    examples: &[
        "https://hub.example.edu/hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2Fo%2Fbook&urlpath=lab%2Ftree%2Fbook%2Fintro.ipynb&branch=main",
        "https://hub.callysto.ca/jupyter/hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2Fcallysto%2Fcurriculum-notebooks&branch=master&subPath=Mathematics&app=notebook",
        "https://datahub.berkeley.edu/user-redirect/git-pull?repo=https://github.com/data-8/materials-sp22&urlpath=tree/materials-sp22/lec/lec01.ipynb",
        "http://localhost:8888/git-pull?repo=https%3A%2F%2Fgithub.com%2Fo%2Fbook&urlpath=lab%2Ftree%2Fbook%2Fx.ipynb",
        "https://openos.2i2c.cloud/hub/user-redirect/git-pull?repo=https%3A//github.com/OpenOSOrg/openos&urlpath=lab/tree/openos/textbook/contributing/examples.ipynb&branch=main",
    ],
};

/// A pull and where it opens, read from an nbgitpuller query.
pub(crate) struct Read {
    pub pull: Pull,
    pub open: Open,
}

fn parse_git_pull(url: &Link<'_>) -> Result<Claim, Error> {
    let path = url.path;
    let trimmed = crate::text::trim_end_byte(path, b'/');
    let Some(before) = trimmed.strip_suffix("/git-pull") else {
        return Ok(Claim::Pass);
    };
    let mut warnings = Vec::new();
    let query = super::repaired_query(url, &mut warnings);
    let read = read_query(&query, &mut warnings)?;
    let hub_end = hub_end(before, &mut warnings);
    Ok(Claim::Launch(Launch {
        kind: LaunchKind::Nbgitpuller,
        hub: base_url(url, hub_end),
        repo: None,
        pull: Some(read.pull),
        open: read.open,
        warnings,
    }))
}

/// Where the hub's base ends in the path before `/git-pull` (or `/interact`):
/// before `hub/user-redirect/`, `user-redirect/`, `user/<name>/`, or right there (a plain server).
pub(crate) fn hub_end(before: &str, warnings: &mut Vec<String>) -> usize {
    // Only the last three segments decide, each with where it starts: they are read from the
    // end, without splitting the whole path into a vector (every nbgitpuller link passes here).
    let segment = |end: usize| {
        let seg = crate::text::after_last_byte(&before[..end], b'/');
        (end - seg.len(), seg)
    };
    let (last_at, last) = segment(before.len());
    let prev = (last_at > 0).then(|| segment(last_at - 1));
    let prev2 = prev.and_then(|(at, _)| (at > 0).then(|| segment(at - 1)));
    match (prev2, prev, last) {
        (_, Some((at, "hub")), "user-redirect") => at,
        (_, _, "user-redirect") => last_at,
        (Some((at, "hub")), Some((_, "user-redirect")), server) => {
            warnings.push(format!(
                "link names the server '{server}'; launches go to the default server"
            ));
            at
        }
        (_, Some((at, "user")), name) => {
            warnings.push(format!(
                "link points into user '{name}''s server; launches go to the reader's own server"
            ));
            at
        }
        _ => before.len() + 1,
    }
}

/// A `git-pull?…` link nested in the value of `p` (Binder's `urlpath`, an LTI launch's
/// `next`): the path before `git-pull` (decoded) and the nbgitpuller query, when `prefix_ok`
/// accepts that path.
///
/// Double- and single-encoded values decode once into the inner query. A hand-written
/// unencoded inner link (`urlpath=git-pull?repo=https://…&branch=main&urlpath=lab/…`) is cut
/// into outer parameters by the query syntax: its first value is decoded as the hub decodes
/// it, and the parameters after it are read as its own, to the end of the query.
pub(crate) fn nested_query(
    p: &Pair<'_>,
    query: &str,
    prefix_ok: impl Fn(&str) -> bool,
    warnings: &mut Vec<String>,
) -> Option<(String, String)> {
    const MARK: &str = "git-pull?";
    // `contains` first: its vectorised search costs less than `find`'s searcher set-up, and
    // nearly no value holds a nested link (docs/benchmarks.md, "speed (the general path's
    // per-link cost, fifth round)").
    if let Some(i) = p.raw.contains(MARK).then(|| p.raw.find(MARK)).flatten() {
        let prefix = decode_form(&p.raw[..i]);
        if prefix_ok(&prefix) {
            let rest = &p.raw[i + MARK.len()..];
            let decoded = decode_form(rest);
            if decoded.contains('&') {
                // Its own separators are encoded (`%26`): the hub decodes the value into the
                // whole inner link, and what follows in the query is the outer link's.
                return Some((prefix, decoded));
            }
            // The hub decodes the value (the part up to the next `&`), and nbgitpuller decodes
            // the inner query again; the outer parameters that follow are read as the inner
            // link's own, as its author meant.
            let after = query.get(p.offset + p.raw.len()..).unwrap_or_default();
            if !after.is_empty() {
                warnings.push(
                    "inner nbgitpuller link was not url-encoded; read the rest of the query as its parameters"
                        .into(),
                );
            }
            return Some((prefix, crate::text::concat(&[&decoded, after])));
        }
    }
    // The pair's value is the raw value decoded as a form value already (`pairs`).
    let decoded = &p.value;
    if !decoded.contains("git-pull") {
        return None;
    }
    let (i, len) = match decoded.find(MARK) {
        Some(i) => (i, MARK.len()),
        None => (decoded.find("git-pull/?")?, MARK.len() + 1),
    };
    let prefix = &decoded[..i];
    prefix_ok(prefix).then(|| (prefix.to_string(), decoded[i + len..].to_string()))
}

/// Reads an nbgitpuller query (`repo`, `branch`, `urlpath`/`urlPath`, `targetPath`/`targetpath`,
/// and the deprecated `subPath`/`app`) the way nbgitpuller's handler does.
pub(crate) fn read_query(query: &str, warnings: &mut Vec<String>) -> Result<Read, Error> {
    let query: std::borrow::Cow<'_, str> = if query.contains("&amp;") {
        warnings.push("repaired html-escaped '&amp;' in the query".into());
        query.replace("&amp;", "&").into()
    } else {
        query.into()
    };
    let mut ps = pairs(&query);
    // `repo=https://…%26branch=main%26urlpath=…`: the separators were url-encoded (older
    // Python split `&amp;` at `;`, so such links once worked). Read them as separators.
    let repaired;
    if let Some(p) = ps.iter().find(|p| p.key == "repo" && p.value.contains('&')) {
        let value = p.value.replace("&amp;", "&");
        if value.split('&').skip(1).any(|kv| kv.contains('=')) {
            warnings.push(
                "nbgitpuller parameters were joined by url-encoded '&'; read them apart".into(),
            );
            repaired = format!(
                "{}{}{}",
                &query[..p.offset],
                value,
                &query[p.offset + p.raw.len()..]
            );
            ps = pairs(&repaired);
        }
    }
    // Values borrowed from the pairs: only what the pull keeps is copied, once.
    let value = |keys: &[&str]| {
        keys.iter()
            .find_map(|k| get(&ps, k))
            .map(str::trim)
            .filter(|v| !v.is_empty())
    };
    let repo = value(&["repo"])
        .ok_or_else(|| Error::InvalidLink("nbgitpuller link has no repo parameter".into()))?;
    let branch = value(&["branch"]);
    let target_path = value(&["targetPath", "targetpath"]);
    let dir = clone_dir_of(repo, target_path);
    let urlpath = match value(&["urlpath", "urlPath"]) {
        Some(u) => Some(crate::text::trim_start_byte(u, b'/').to_string()),
        None => {
            let sub = value(&["subPath", "subpath"]);
            let app = value(&["app"]);
            if sub.is_some() || app.is_some() {
                warnings.push("deprecated subPath/app parameters: read as a urlpath".into());
            }
            legacy_urlpath(dir, sub, app)
        }
    };
    let split = split_urlpath(urlpath.as_deref());
    let path = match (&split.ui, split.rest) {
        (Ui::Other | Ui::Default | Ui::Rstudio | Ui::Vscode, _) => None,
        (_, None) => None,
        (_, Some(rest)) => match rest.split_once('/') {
            Some((first, after)) if first == dir => file_path(after),
            None if rest == dir => None,
            _ => {
                warnings.push(format!(
                    "urlpath does not open inside the clone directory '{dir}'"
                ));
                None
            }
        },
    };
    Ok(Read {
        pull: Pull {
            repo: repo.to_string(),
            branch: branch.map(str::to_string),
            target_path: target_path.map(str::to_string),
        },
        open: Open {
            urlpath,
            path,
            ui: split.ui,
        },
    })
}

/// nbgitpuller's urlpath for the deprecated `subPath`/`app` parameters.
fn legacy_urlpath(dir: &str, sub: Option<&str>, app: Option<&str>) -> Option<String> {
    if sub.is_none() && app.is_none() {
        return None;
    }
    let sub = sub.unwrap_or(".").trim_matches('/');
    let path = if sub == "." || sub.is_empty() {
        dir.to_string()
    } else {
        crate::text::concat(&[dir, "/", sub])
    };
    Some(if app.is_some_and(|a| a.eq_ignore_ascii_case("lab")) {
        crate::text::concat(&["lab/tree/", &path])
    } else if path.to_ascii_lowercase().ends_with(".ipynb") {
        crate::text::concat(&["notebooks/", &path])
    } else {
        crate::text::concat(&["tree/", &path])
    })
}

/// The directory nbgitpuller clones into: `targetPath`, else the last path segment of the
/// repository URL, verbatim (a `.git` suffix stays).
pub(crate) fn clone_dir(repo: &str, target_path: Option<&str>) -> String {
    clone_dir_of(repo, target_path).to_string()
}

/// [`clone_dir`], borrowed from its arguments (the renderers, on every link).
pub(crate) fn clone_dir_of<'a>(repo: &'a str, target_path: Option<&'a str>) -> &'a str {
    if let Some(t) = target_path {
        return crate::text::trim_byte(t, b'/');
    }
    crate::text::after_last_byte(crate::text::trim_end_byte(repo, b'/'), b'/')
}

#[cfg(test)]
mod tests {
    use crate::parse::launch_of as launch;
    use crate::{parse, Ui};

    /// The reading [`super::hub_end`] replaced (the path split into a vector): the two agree.
    fn hub_end_by_splitting(before: &str, warnings: &mut Vec<String>) -> usize {
        let segs: Vec<&str> = before.split('/').collect();
        let n = segs.len();
        let len_of = |k: usize| segs[..k].iter().map(|s| s.len() + 1).sum::<usize>();
        if n >= 2 && segs[n - 2] == "hub" && segs[n - 1] == "user-redirect" {
            return len_of(n - 2);
        }
        if n >= 1 && segs[n - 1] == "user-redirect" {
            return len_of(n - 1);
        }
        if n >= 3 && segs[n - 3] == "hub" && segs[n - 2] == "user-redirect" {
            warnings.push(format!(
                "link names the server '{}'; launches go to the default server",
                segs[n - 1]
            ));
            return len_of(n - 3);
        }
        if n >= 2 && segs[n - 2] == "user" {
            warnings.push(format!(
                "link points into user '{}''s server; launches go to the reader's own server",
                segs[n - 1]
            ));
            return len_of(n - 2);
        }
        before.len() + 1
    }

    #[test]
    fn the_hubs_base_is_read_from_the_paths_last_segments_as_by_splitting() {
        let paths = [
            "",
            "/",
            "//",
            "hub",
            "/hub",
            "/hub/user-redirect",
            "hub/user-redirect",
            "/user-redirect",
            "user-redirect",
            "/jupyter/hub/user-redirect",
            "/hub/user-redirect/srv",
            "hub/user-redirect/srv",
            "/x/hub/user-redirect/",
            "/user/ana",
            "user/ana",
            "/user/",
            "/a/user/ana",
            "/hub/user/ana",
            "/hub/user-redirect/user-redirect",
            "/user-redirect/hub/user-redirect",
            "/hub//user-redirect",
            "/a/b/c",
            "/hub/hub/user-redirect/x",
            "/user/user",
            "/é/hub/user-redirect/ü",
            "user",
            "/users/ana",
        ];
        for path in paths {
            let (mut a, mut b) = (Vec::new(), Vec::new());
            assert_eq!(
                (super::hub_end(path, &mut a), a),
                (hub_end_by_splitting(path, &mut b), b),
                "{path:?}"
            );
        }
    }

    #[test]
    fn reads_hub_prefix_and_fields() {
        let l = launch("https://hub.callysto.ca/jupyter/hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2Fo%2Fr.git&branch=main&urlpath=lab%2Ftree%2Fr.git%2Fa%2Fb.ipynb%3Fautodecode");
        assert_eq!(l.hub, "https://hub.callysto.ca/jupyter/");
        let pull = l.pull.unwrap();
        assert_eq!(pull.repo, "https://github.com/o/r.git");
        assert_eq!(l.open.path.as_deref(), Some("a/b.ipynb"));
        assert_eq!(l.open.ui, Ui::Lab);
    }

    #[test]
    fn repairs_amp_damage_and_reads_unencoded_values() {
        let l = launch("https://h.org/hub/user-redirect/git-pull?repo=https://github.com/o/r&amp;branch=dev&amp;urlpath=tree/r/x.ipynb");
        assert_eq!(l.pull.unwrap().branch.as_deref(), Some("dev"));
        assert_eq!(l.open.path.as_deref(), Some("x.ipynb"));
        assert_eq!(l.warnings.len(), 1);
    }

    #[test]
    fn reads_deprecated_subpath_and_app() {
        let l = launch("https://h.org/hub/user-redirect/git-pull?repo=https://github.com/o/r&subPath=a/x.ipynb");
        assert_eq!(l.open.urlpath.as_deref(), Some("notebooks/r/a/x.ipynb"));
        let l = launch("https://h.org/hub/user-redirect/git-pull?repo=https://github.com/o/r&subPath=a&app=lab");
        assert_eq!((l.open.ui, l.open.path.as_deref()), (Ui::Lab, Some("a")));
    }

    #[test]
    fn plain_server_and_user_server_links() {
        assert_eq!(
            launch("http://localhost:8888/git-pull?repo=x/r").hub,
            "http://localhost:8888/"
        );
        let l = launch("https://h.org/user/alice/git-pull?repo=https://github.com/o/r");
        assert_eq!(l.hub, "https://h.org/");
        assert!(parse("https://h.org/hub/user-redirect/git-pull?branch=x").is_err());
    }
}
